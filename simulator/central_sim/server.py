# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Start, announce and stop a simulator: HTTP(S) on loopback, iperf servers, readiness line, clean shutdown."""

import asyncio
import json
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile

from aiohttp import web

from central_sim.app import TOKEN_PATH, build_app
from central_sim.simulator import Simulator
from central_sim.tls import make_tls

LOG = logging.getLogger("central_sim.server")


def _listen(host, port):
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise RuntimeError("cannot listen on %s:%d (%s); choose another --port or 0 for a free one"
                           % (host, port, exc.strerror)) from exc
    sock.listen(128)
    return sock


def readiness_line(info):
    return "central_sim ready base_url=%s token_url=%s servers=%s mode=%s shaping=%s" % (
        info["base_url"], info["token_url"], ",".join(info["servers"]), info["mode"], info["shaping"])


class RunningSimulator:
    """One simulator's lifetime: ``await start()`` returns the readiness information, ``await stop()`` undoes all."""

    def __init__(self, options, clock=None):
        self.options = options
        self.clock = clock
        self.sim = None
        self._runner = None
        self._own_state_dir = options.state_dir is None
        self.state_dir = options.state_dir or tempfile.mkdtemp(prefix="central_sim-")

    async def start(self):
        os.makedirs(self.state_dir, exist_ok=True)
        sock = site = None
        try:
            ssl_context, ca_path = make_tls(self.state_dir) if self.options.tls else (None, None)
            sock = _listen(self.options.host, self.options.port)
            self.sim = Simulator(self.options, self.state_dir, clock=self.clock)
            access_log = LOG if LOG.isEnabledFor(logging.INFO) else None
            self._runner = web.AppRunner(build_app(self.sim), access_log=access_log, handle_signals=False,
                                         shutdown_timeout=1.0)
            await self._runner.setup()
            await self.sim.start()
            site = web.SockSite(self._runner, sock, ssl_context=ssl_context)
            await site.start()
        except BaseException:
            if sock is not None and site is None:
                sock.close()
            await self.stop()
            raise
        host, port = sock.getsockname()[:2]
        base_url = "%s://%s:%d" % ("https" if ssl_context else "http", "[%s]" % host if ":" in host else host, port)
        return {"base_url": base_url, "token_url": base_url + TOKEN_PATH,
                "servers": [str(endpoint) for endpoint in self.sim.runner.endpoints], "mode": self.sim.runner.mode,
                "shaping": self.sim.runner.shaping, "ca_path": ca_path, "pid": os.getpid(),
                "state_dir": self.state_dir}

    async def stop(self):
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.sim is not None:
            await self.sim.stop()
            self.sim = None
        if self._own_state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)


async def serve(options):
    """Run until SIGTERM or SIGINT; exit status 0 after a clean shutdown, 1 when the simulator cannot start."""
    running = RunningSimulator(options)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        info = await running.start()
    except (RuntimeError, OSError) as exc:
        print("central_sim: error: %s" % exc, file=sys.stderr, flush=True)
        return 1
    try:
        if options.ready_file:  # written whole, then renamed, so a reader never sees half a file
            partial = options.ready_file + ".partial"
            with open(partial, "w", encoding="utf-8") as handle:
                json.dump(info, handle)
            os.replace(partial, options.ready_file)
        print(readiness_line(info), flush=True)
        await stop.wait()
    finally:
        await running.stop()
    return 0

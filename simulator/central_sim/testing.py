# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Start a simulator from tests.

``running_simulator(**cli_options)`` runs ``python -m central_sim`` as a subprocess, waits for its readiness line and
yields the readiness information; ``simulator_in_thread(**cli_options)`` runs one inside this process (so a test can
reach into it, e.g. to move its clock). Keyword names are the command-line options with ``_`` for ``-``:
``running_simulator(mode="synthetic", speed=100, rate_limit="5/60", tls=True)``. True adds a flag, False or None
leaves the option out, lists are joined with commas.

    with running_simulator(mode="synthetic", speed=50) as sim:
        requests.post(sim["token_url"], data={"grant_type": "client_credentials",
                                              "client_id": "demo-client", "client_secret": "demo-secret"})
"""

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READY_PREFIX = "central_sim ready "


class SimulatorError(RuntimeError):
    """The simulator did not come up; the message carries the end of its error output."""


def cli_arguments(**cli_options):
    argv = []
    for name, value in cli_options.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            argv.append(flag)
        elif isinstance(value, (list, tuple)):
            argv += [flag, ",".join(str(item) for item in value)]
        else:
            argv += [flag, str(value)]
    return argv


def _stop(proc, timeout):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def running_simulator(startup_timeout=30.0, stop_timeout=15.0, python=None, **cli_options):
    """Yield {base_url, token_url, servers, mode, shaping, ca_path, pid, state_dir, process, stderr_path}."""
    workdir = tempfile.mkdtemp(prefix="central_sim-test-")
    ready_file = cli_options.pop("ready_file", None) or os.path.join(workdir, "ready.json")
    stderr_path = os.path.join(workdir, "stderr.log")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [_PACKAGE_PARENT, os.environ.get("PYTHONPATH")])))
    argv = [python or sys.executable, "-m", "central_sim", "--ready-file", ready_file] + cli_arguments(**cli_options)
    with open(stderr_path, "wb") as stderr:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, env=env)
    lines, ready = [], threading.Event()

    def drain():  # keeps reading so the simulator can never block on a full stdout pipe
        for raw in proc.stdout:
            lines.append(raw.decode(errors="replace"))
            if raw.startswith(READY_PREFIX.encode()):
                ready.set()
        ready.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        if not ready.wait(startup_timeout) or not any(line.startswith(READY_PREFIX) for line in lines):
            _stop(proc, stop_timeout)
            with open(stderr_path, encoding="utf-8", errors="replace") as handle:
                tail = handle.read().strip().splitlines()[-5:]
            raise SimulatorError("central_sim did not become ready (exit status %s): %s"
                                 % (proc.poll(), " | ".join(tail) or "no error output"))
        with open(ready_file, encoding="utf-8") as handle:
            info = json.load(handle)
        info.update(process=proc, stderr_path=stderr_path,
                    ready_line=[line.strip() for line in lines if line.startswith(READY_PREFIX)][0])
        yield info
    finally:
        _stop(proc, stop_timeout)
        reader.join(5)
        proc.stdout.close()
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def simulator_in_thread(clock=None, startup_timeout=30.0, **cli_options):
    """Run a simulator on an event loop in a background thread; yield (info, Simulator)."""
    from central_sim.cli import parse_options
    from central_sim.clock import SimClock
    from central_sim.server import RunningSimulator

    options = parse_options(cli_arguments(**cli_options))
    running = RunningSimulator(options, clock=clock or SimClock())
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        info = asyncio.run_coroutine_threadsafe(running.start(), loop).result(startup_timeout)
        try:
            yield info, running.sim
        finally:
            asyncio.run_coroutine_threadsafe(running.stop(), loop).result(30)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()

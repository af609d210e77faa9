# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Real mode: one ``iperf3 -s`` per owned endpoint, and a real ``iperf3 -c`` for every test a gateway runs.

Time is compressed by ``--speed``: ``-t`` is the requested duration divided by the speed (at least 1 s) and the
report interval ``-i`` shrinks the same way, so a 10-second test at speed 5 prints ten 0.2-second intervals.
No link shaping (no tc, no namespaces): a test's bandwidth follows the gateway's link profile through iperf3's own
``-b`` pacing (up_mbps for the normal direction, down_mbps for the reverse one, split over the streams); a stalling
link is made by pausing the endpoint's iperf3 server (SIGSTOP/SIGCONT) on the link's schedule, with a 64 KByte
socket buffer (``-w``) so the pause shows at once as real ``0.00 Bytes`` intervals. ``loss_percent`` has no effect
here. ``includeReverse`` runs the normal test and then a ``-R`` test, one after the other, so rawOutput holds two
reports, as a gateway running iperf 3.0 would produce. "Server busy" is iperf3's own answer when two tests meet on
one endpoint.
"""

import asyncio
import ctypes
import logging
import os
import signal

from central_sim.endpoints import RunResult, resolve
from central_sim.iperf_text import error_line

LOG = logging.getLogger("central_sim.real")
_PR_SET_PDEATHSIG = 1
_SERVER_READY_TIMEOUT = 10.0


def _die_with_parent():
    """Runs in the child before exec: if the simulator dies, even by SIGKILL, the kernel kills its iperf3s too."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class SimulatorStartError(RuntimeError):
    """The simulator cannot start (an iperf3 server would not listen, a namespace could not be made ...)."""


async def _terminate(proc, grace=3.0):
    if proc.returncode is not None:
        return
    try:
        proc.send_signal(signal.SIGCONT)  # a server paused for a stall would not act on SIGTERM
        proc.terminate()
        await asyncio.wait_for(proc.wait(), grace)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
    except ProcessLookupError:
        pass


class IperfServer:
    """``iperf3 -s`` on one endpoint, restarted if it ever exits while the simulator runs."""

    def __init__(self, endpoint, binary, log_path):
        self.endpoint = endpoint
        self.binary = binary
        self.log_path = log_path
        self.proc = None
        self._watcher = None
        self._stopping = False

    async def _spawn(self):
        argv = [self.binary, "-s", "-p", str(self.endpoint.port), "-B", self.endpoint.host, "--forceflush"]
        with open(self.log_path, "ab") as log:
            start = log.tell()
            self.proc = await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
                preexec_fn=_die_with_parent)
        for _attempt in range(int(_SERVER_READY_TIMEOUT / 0.05)):
            with open(self.log_path, "rb") as log:
                log.seek(start)
                text = log.read().decode(errors="replace")
            if "Server listening on" in text:
                return
            if self.proc.returncode is not None:
                break
            await asyncio.sleep(0.05)
        await _terminate(self.proc)
        raise SimulatorStartError("iperf3 server for %s did not start listening (%s); is the port in use? choose other "
                                  "--servers" % (self.endpoint, text.strip().splitlines()[-1] if text.strip() else
                                                 "no output"))

    async def start(self):
        await self._spawn()
        self._watcher = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self):
        while not self._stopping:
            await self.proc.wait()
            if self._stopping:
                return
            LOG.warning("iperf3 server for %s exited with %s; restarting it", self.endpoint, self.proc.returncode)
            await asyncio.sleep(0.2)
            try:
                await self._spawn()
            except SimulatorStartError as exc:
                LOG.error("%s", exc)
                return

    def pause(self, paused):
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGSTOP if paused else signal.SIGCONT)

    async def stop(self):
        self._stopping = True
        if self._watcher is not None:
            self._watcher.cancel()
        if self.proc is not None:
            await _terminate(self.proc)


class RealRunner:
    mode = "real"
    shaping = "none"

    def __init__(self, endpoints, clock, speed, state_dir, binary="iperf3"):
        self.endpoints = list(endpoints)
        self.clock = clock
        self.speed = speed
        self.state_dir = state_dir
        self.binary = binary
        self._servers = {}
        self._clients = set()
        self._version = "iperf 3"

    async def start(self):
        probe = await asyncio.create_subprocess_exec(self.binary, "--version", stdout=asyncio.subprocess.PIPE,
                                                     stderr=asyncio.subprocess.DEVNULL)
        first_line = (await probe.communicate())[0].decode(errors="replace").partition("\n")[0]
        self._version = first_line.split(" (")[0].strip() or self._version  # "iperf 3.12 (cJSON 1.7.15)"
        for endpoint in self.endpoints:
            log_path = os.path.join(self.state_dir, "iperf3-server-%s-%d.log" % (endpoint.host.replace(":", "_"),
                                                                                 endpoint.port))
            server = IperfServer(endpoint, self.binary, log_path)
            self._servers[endpoint] = server
            await server.start()

    async def stop(self):
        for proc in list(self._clients):
            await _terminate(proc, grace=1.0)
        for server in self._servers.values():
            await server.stop()

    def _seconds(self, request):
        return max(1, round(request.duration / self.speed)), max(0, round(request.omit / self.speed))

    def expected_seconds(self, request):
        seconds, omit = self._seconds(request)
        return (seconds + omit + 0.3) * (2 if request.include_reverse else 1)

    def _argv(self, endpoint, task, reverse):
        request, link = task.request, task.gateway.link
        seconds, omit = self._seconds(request)
        per_stream_mbps = link.rate_mbps(reverse) / request.parallel
        argv = [self.binary, "-c", endpoint.host, "-p", str(endpoint.port), "-t", str(seconds),
                "-i", "%.2f" % max(0.1, min(1.0, 1.0 / self.speed)), "-P", str(request.parallel),
                "-b", "%.4fM" % per_stream_mbps, "-V", "--forceflush"]
        if omit:
            argv += ["-O", str(omit)]
        if request.protocol == "udp":
            argv.append("-u")
        elif link.stall is not None:
            argv += ["-w", "64K"]
        if reverse:
            argv.append("-R")
        return argv

    async def _stalls(self, server, stall):
        """Pause the endpoint's server for for_s of every every_s (scaled), as the stalling link would."""
        began = self.clock.monotonic()
        every, length = stall.every_s / self.speed, stall.for_s / self.speed
        k = 1
        try:
            while True:
                await self.clock.sleep_until(began + k * every)
                server.pause(True)
                await self.clock.sleep_until(began + k * every + length)
                server.pause(False)
                k += 1
        finally:
            server.pause(False)

    async def _client(self, endpoint, task, reverse):
        seconds, omit = self._seconds(task.request)
        timeout = seconds + omit + 30.0
        proc = await asyncio.create_subprocess_exec(
            *self._argv(endpoint, task, reverse), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, preexec_fn=_die_with_parent)
        self._clients.add(proc)
        stalls = None
        if task.gateway.link.stall is not None:
            stalls = asyncio.get_running_loop().create_task(self._stalls(self._servers[endpoint],
                                                                         task.gateway.link.stall))
        try:
            out, _stderr = await asyncio.wait_for(proc.communicate(), timeout)
            return out.decode(errors="replace")
        except asyncio.TimeoutError:
            return "iperf3: error - the test did not end within %d seconds\n" % timeout
        finally:
            if stalls is not None:
                stalls.cancel()
                await asyncio.gather(stalls, return_exceptions=True)
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            self._clients.discard(proc)

    async def run(self, task):
        endpoint, error = resolve(task.request, self.endpoints)
        if error is not None:
            return RunResult("%s\n%s\n" % (self._version, error), error)
        texts = []
        for reverse in (False, True) if task.request.include_reverse else (False,):
            text = await self._client(endpoint, task, reverse)
            texts.append(text)
            error = error_line(text)
            if error:
                break
        return RunResult("".join(texts), error)

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Async iperf operations: INITIATED for the gateway's set-up delay, RUNNING while iperf runs, then COMPLETED."""

import asyncio
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

from central_sim.endpoints import RunResult
from central_sim.gateways import Gateway
from central_sim.iperf_text import central_output, iperf_3011_udp_text
from central_sim.synthetic import render_error
from central_sim.task_faults import NO_TASK_FAULTS, TaskFaults, shape_outcome, spell
from central_sim.timefmt import gateway_date_line, rfc3339_ns
from central_sim.validation import IperfRequest

LOG = logging.getLogger("central_sim.tasks")
INITIATED, RUNNING, COMPLETED = "INITIATED", "RUNNING", "COMPLETED"


@dataclass
class Task:
    id: str
    version: str
    gateway: Gateway
    request: IperfRequest
    seq: int
    created: float
    start_ns: int
    setup_seconds: float
    run_seconds: float
    state: str = INITIATED
    started: Optional[float] = None
    started_wall: Optional[float] = None
    completed: Optional[float] = None
    end_ns: Optional[int] = None
    output: Optional[dict] = None
    raw_output: Optional[str] = None
    fail_reason: Optional[str] = None
    polls: int = 0
    faults: TaskFaults = NO_TASK_FAULTS

    @property
    def serial(self):
        return self.gateway.serial

    @property
    def location(self):
        return "/network-troubleshooting/%s/gateways/%s/iperf/async-operations/%s" % (
            self.version, self.serial, self.id)


class TaskManager:
    """Creates tasks, drives each through its states in an asyncio task, keeps them for the retention period."""

    def __init__(self, clock, runner, metrics, speed, retention_seconds):
        self.clock = clock
        self.runner = runner
        self.metrics = metrics
        self.speed = speed
        self.retention = retention_seconds / speed
        self._tasks = {}
        self._drivers = set()
        self._seq = defaultdict(int)

    def create(self, gateway, request, version, faults=NO_TASK_FAULTS):
        self._seq[gateway.serial] += 1
        run_seconds = faults.busy["seconds"] / self.speed if faults.busy else self.runner.expected_seconds(request)
        task = Task(id=str(uuid.uuid4()), version=version, gateway=gateway, request=request,
                    seq=self._seq[gateway.serial], created=self.clock.monotonic(), start_ns=self.clock.time_ns(),
                    setup_seconds=gateway.link.setup_delay_s / self.speed, run_seconds=max(run_seconds, 1e-3),
                    faults=faults)
        self._tasks[task.id] = task
        self.metrics.task_created(task)
        driver = asyncio.get_running_loop().create_task(self._drive(task))
        self._drivers.add(driver)
        driver.add_done_callback(self._drivers.discard)
        return task

    async def _drive(self, task):
        await self.clock.sleep_until(task.created + task.setup_seconds)
        task.state, task.started, task.started_wall = RUNNING, self.clock.monotonic(), self.clock.time()
        self.metrics.task_event(task.id, "started")
        try:
            result = await self._run(task)
        except Exception as exc:  # a broken runner must still end the task, the way a gateway reports a failure
            LOG.exception("iperf run for task %s failed", task.id)
            result = RunResult("", "iperf3: error - %s" % exc)
        self._finish(task, result)

    async def _run(self, task):
        busy = task.faults.busy
        if busy is None:
            return await self.runner.run(task)
        await self.clock.sleep(task.run_seconds)  # the ``busy`` fault: the gateway's iperf3 is turned away
        self.metrics.faults["busy"] += 1
        return RunResult(render_error(task.gateway, busy["message"]), busy["message"])

    def _finish(self, task, result):
        error, text, faults = result.error, result.text, task.faults
        if faults.iperf_3011_udp and task.request.protocol == "udp":
            text = iperf_3011_udp_text(text)
        output = None if error else central_output(text, task.request.server_address)
        if output is None and error is None:
            error = "iperf3: error - the test ended without a summary"
        raw = "\nPerf-test: Finished\n\n%s\n%s" % (gateway_date_line(task.start_ns / 1e9), text)
        raw = raw if (task.request.include_raw_output or error) else None
        fail_reason = faults.busy["fail_reason"] if faults.busy else error
        task.output, task.raw_output, task.fail_reason, applied = shape_outcome(
            faults, output, raw, fail_reason, task.request.protocol)
        for name in applied:
            self.metrics.faults[name] += 1
        task.state, task.completed, task.end_ns = COMPLETED, self.clock.monotonic(), self.clock.time_ns()
        if error and "busy" in error and not faults.busy:
            self.metrics.busy_collisions += 1
        self.metrics.task_event(task.id, "completed")
        self.metrics.task_outcome(task.id, "failed" if error else "succeeded", error)

    def _purge(self, keep):
        """Forget tasks that finished more than the retention period ago (a task shown as stuck is kept)."""
        cutoff = self.clock.monotonic() - self.retention
        for task_id in [t.id for t in self._tasks.values()
                        if t.completed is not None and t.completed <= cutoff and t.serial not in keep]:
            del self._tasks[task_id]

    def get(self, task_id, keep=frozenset()):
        self._purge(keep)
        return self._tasks.get(task_id)

    def for_serial(self, serial, keep=frozenset()):
        """The serial's retained tasks, newest first."""
        self._purge(keep)
        return sorted((t for t in self._tasks.values() if t.serial == serial), key=lambda t: (t.created, t.seq),
                      reverse=True)

    def running(self, serial, stuck=frozenset()):
        """Whether a test of ``serial`` is under way (or shown as running because the gateway is in ``stuck``)."""
        self._purge(stuck)
        return any(t.serial == serial and (t.state != COMPLETED or serial in stuck) for t in self._tasks.values())

    def present(self, task, stuck=False):
        """The task as ``GET .../async-operations/{id}`` shows it (keys in the order of Central's example)."""
        body = {"startTime": rfc3339_ns(task.start_ns), "endTime": None, "progressPercent": 0, "output": None,
                "status": task.state, "failReason": None, "rawOutput": None}
        if task.state == COMPLETED and not stuck:
            body.update(endTime=rfc3339_ns(task.end_ns), progressPercent=100, output=task.output,
                        failReason=task.fail_reason, rawOutput=task.raw_output,
                        status=task.faults.end_status or COMPLETED)
        elif task.state != INITIATED:
            elapsed = self.clock.monotonic() - task.started
            body.update(status=RUNNING, progressPercent=max(0, min(99, int(100 * elapsed / task.run_seconds))))
        body["status"] = spell(body["status"], task.faults)
        return body

    async def cancel_all(self):
        drivers = list(self._drivers)
        for driver in drivers:
            driver.cancel()
        await asyncio.gather(*drivers, return_exceptions=True)

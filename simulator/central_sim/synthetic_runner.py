# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Synthetic mode: no iperf3 processes; the text comes from the link profile, timing from the simulator clock."""

import random

from central_sim.endpoints import RunResult, resolve
from central_sim.synthetic import ERROR_BUSY, render_error, render_report, test_seconds


class SyntheticRunner:
    mode = "synthetic"
    shaping = "none"

    def __init__(self, endpoints, clock, speed, seed):
        self.endpoints = list(endpoints)
        self.clock = clock
        self.speed = speed
        self.seed = seed
        self._busy = set()

    async def start(self):
        return None

    async def stop(self):
        self._busy.clear()

    def expected_seconds(self, request):
        """Wall seconds the test itself takes (both directions with includeReverse)."""
        return test_seconds(request) * (2 if request.include_reverse else 1) / self.speed

    async def run(self, task):
        endpoint, error = resolve(task.request, self.endpoints)
        if error is None and endpoint in self._busy:
            error = ERROR_BUSY
        if error is not None:
            return RunResult(render_error(task.gateway, error), error)
        self._busy.add(endpoint)
        try:
            await self.clock.sleep(self.expected_seconds(task.request))
        finally:
            self._busy.discard(endpoint)
        rng = random.Random("central_sim.task:%s:%s:%d" % (self.seed, task.serial, task.seq))
        text = render_report(task.request, task.gateway, rng, task.started_wall)
        if task.request.include_reverse:
            later = task.started_wall + test_seconds(task.request) + 1
            text += render_report(task.request, task.gateway, rng, later, reverse=True)
        return RunResult(text)

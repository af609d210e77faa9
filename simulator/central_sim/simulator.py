# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Everything one running simulator holds: gateways, tokens, rate limits, faults, metrics, tasks and a runner."""

import asyncio
import shutil

from central_sim.auth import TokenStore
from central_sim.clock import SimClock
from central_sim.endpoints import free_endpoints
from central_sim.faults import FaultInjector
from central_sim.metrics import Metrics
from central_sim.ratelimit import RateLimiter
from central_sim.real import RealRunner
from central_sim.synthetic_runner import SyntheticRunner
from central_sim.tasks import TaskManager


def resolve_mode(mode, which=shutil.which):
    if mode == "auto":
        return "real" if which("iperf3") else "synthetic"
    if mode == "real" and not which("iperf3"):
        raise RuntimeError("--mode real needs the iperf3 binary on PATH; install iperf3 or use --mode synthetic")
    return mode


class Simulator:
    def __init__(self, options, state_dir, clock=None):
        self.options = options
        self.state_dir = state_dir
        self.clock = clock or SimClock()
        self.gateways = {gateway.serial: gateway for gateway in options.gateways}
        self.tokens = TokenStore(self.clock, options.client_id, options.client_secret, options.token_lifetime)
        self.limiter = RateLimiter(options.rate_limit[0], options.rate_limit[1], self.clock)
        self.retry_after = options.retry_after
        self.faults = FaultInjector(options.faults, options.seed)
        self.metrics = Metrics(self.clock)
        endpoints = options.servers or free_endpoints(3, "::1" if ":" in options.host else "127.0.0.1")
        if resolve_mode(options.mode) == "real":
            self.runner = RealRunner(endpoints, self.clock, options.speed, state_dir)
        else:
            self.runner = SyntheticRunner(endpoints, self.clock, options.speed, options.seed)
        self.tasks = TaskManager(self.clock, self.runner, self.metrics, options.speed, options.task_retention)
        self.releasing = asyncio.Event()  # set at shutdown: requests held open by the ``hang`` fault end

    async def start(self):
        await self.runner.start()

    async def stop(self):
        self.releasing.set()
        await self.tasks.cancel_all()
        await self.runner.stop()

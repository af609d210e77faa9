# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulator's clock: real time plus an offset that tests (or ``POST /_sim/clock``) can advance.

Everything time-dependent (token expiry, rate-limit refill, set-up delays, task retention) reads this clock and
waits with ``sleep_until``, so moving the clock forward wakes sleepers at once instead of making anyone wait.
"""

import asyncio
import threading
import time


class SimClock:
    def __init__(self):
        self._offset = 0.0
        self._lock = threading.Lock()
        self._loop = None
        self._changed = None
        self.started = self.monotonic()

    def monotonic(self):
        return time.monotonic() + self._offset

    def time(self):
        return time.time() + self._offset

    def time_ns(self):
        return time.time_ns() + int(self._offset * 1e9)

    def since_start(self):
        return self.monotonic() - self.started

    def advance(self, seconds):
        """Move the clock forward (thread-safe); sleepers whose deadline passed wake up."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._notify)

    def _notify(self):
        if self._changed is not None:
            self._changed.set()
        self._changed = asyncio.Event()

    def _event(self):
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._changed = loop, asyncio.Event()
        return self._changed

    async def sleep_until(self, deadline):
        while True:
            remaining = deadline - self.monotonic()
            if remaining <= 0:
                return
            changed = self._event()
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def sleep(self, seconds):
        await self.sleep_until(self.monotonic() + seconds)

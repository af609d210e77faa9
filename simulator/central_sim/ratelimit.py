# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A token bucket per API client, reported in Central's ``X-RateLimit-*`` headers (api.md section 5)."""

import math
from dataclasses import dataclass

from central_sim.timefmt import rfc3339_seconds


def parse_rate_limit(text):
    """``"600/60"`` -> (600, 60.0): N requests per PERIOD seconds."""
    count, sep, period = str(text).partition("/")
    try:
        count, period = int(count), float(period)
    except ValueError:
        count = period = 0
    if not sep or count < 1 or period <= 0:
        raise ValueError("--rate-limit must look like N/SECONDS with N >= 1, e.g. 600/60; got %r" % text)
    return count, period


@dataclass
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_wall: float
    retry_after: float

    def headers(self, include_reset=True):
        headers = {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining)}
        if include_reset:
            headers["X-RateLimit-Reset"] = rfc3339_seconds(self.reset_wall)
        return headers


class RateLimiter:
    def __init__(self, capacity, period, clock):
        self.capacity = capacity
        self.rate = capacity / period
        self.clock = clock
        self._buckets = {}

    def _level(self, key):
        now = self.clock.monotonic()
        tokens, last = self._buckets.get(key, (float(self.capacity), now))
        return min(float(self.capacity), tokens + (now - last) * self.rate), now

    def _verdict(self, allowed, tokens):
        wall = self.clock.time()
        return Verdict(allowed=allowed, limit=self.capacity, remaining=max(0, int(math.floor(tokens))),
                       reset_wall=math.ceil(wall + (self.capacity - tokens) / self.rate),
                       retry_after=0.0 if allowed else (1.0 - tokens) / self.rate)

    def take(self, key):
        tokens, now = self._level(key)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets[key] = (tokens, now)
        return self._verdict(allowed, tokens)

    def peek(self, key):
        return self._verdict(True, self._level(key)[0])

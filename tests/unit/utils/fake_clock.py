# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A virtual clock for unit tests: ``sleep`` advances time instantly and is recorded.

Pass it wherever the collection takes ``clock=`` (it has the methods of ``_clock.Clock``)::

    clock = FakeClock()
    client = CentralClient(..., clock=clock)
    ...
    assert clock.sleeps == [2.0, 4.0]

``monotonic()`` and ``time()`` move together; ``time()`` starts at a fixed wall-clock instant
(2025-06-15T12:00:00Z by default) so wall-clock headers such as ``X-RateLimit-Reset`` can be written as literals.
"""

from datetime import datetime, timezone

DEFAULT_WALL_START = datetime(2025, 6, 15, 12, 0, 0, tzinfo=timezone.utc).timestamp()


class FakeClock:
    """Virtual time. ``sleeps`` lists every ``sleep()`` argument; ``advance()`` moves time without sleeping."""

    def __init__(self, monotonic_start=1000.0, wall_start=DEFAULT_WALL_START, on_sleep=None):
        self._monotonic = float(monotonic_start)
        self._wall = float(wall_start)
        self.sleeps = []
        self.on_sleep = on_sleep

    def monotonic(self):
        return self._monotonic

    def time(self):
        return self._wall

    def advance(self, seconds):
        """Let ``seconds`` of virtual time pass (e.g. to simulate a slow request)."""
        if seconds < 0:
            raise ValueError("time cannot go backwards (advance(%r))" % (seconds,))
        self._monotonic += seconds
        self._wall += seconds

    def sleep(self, seconds):
        if seconds < 0:
            raise ValueError("sleep length must be non-negative, got %r" % (seconds,))
        self.sleeps.append(seconds)
        self.advance(seconds)
        if self.on_sleep is not None:
            self.on_sleep(seconds)

    @property
    def slept(self):
        """Total virtual seconds spent in ``sleep()``."""
        return sum(self.sleeps)

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

# This module_utils file is PRIVATE to the aruba_central.troubleshooting collection.
# It may change or disappear at any time; do not use it from other collections or plugins.

"""One time budget per module run, so that no step (token, lease, start, retries, rate-limit waits, polling)
restarts the clock.

A run may spend ``wait_seconds`` on everything except waiting for a free iperf server, plus at most
``lease_seconds`` waiting for one (``server_wait_timeout``). :attr:`RunBudget.deadline` is when the first allowance
runs out, counting the lease waits so far; :meth:`RunBudget.lease_deadline` is when the current lease wait must end.
The last request of a run may start just before the deadline and take one ``request_timeout``, so a run ends within
``lease_seconds + wait_seconds + request_timeout``.
"""

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import Clock


class RunBudget:
    """Time left for one run, on ``clock.monotonic()``."""

    def __init__(self, clock: Clock, wait_seconds: float, lease_seconds: float = 0.0) -> None:
        self.clock = clock
        self.started = clock.monotonic()
        self.wait_seconds = float(wait_seconds)
        self.lease_seconds = float(lease_seconds)
        self.leased = 0.0

    def __repr__(self) -> str:
        return "RunBudget(wait_seconds=%r, lease_seconds=%r, leased=%.1f, left=%.1f)" % (
            self.wait_seconds, self.lease_seconds, self.leased, self.left())

    @property
    def deadline(self) -> float:
        """When the run's time is up (a monotonic time): its start, plus the lease waits so far, plus wait_seconds."""
        return self.started + self.leased + self.wait_seconds

    def left(self) -> float:
        """Seconds until :attr:`deadline` (negative once it passed)."""
        return self.deadline - self.clock.monotonic()

    def lease_deadline(self) -> float:
        """When a lease wait starting now must give up: what is left of ``lease_seconds``."""
        return self.clock.monotonic() + max(0.0, self.lease_seconds - self.leased)

    def spent_leasing(self, seconds: float) -> None:
        """Count ``seconds`` spent waiting for a free endpoint against ``lease_seconds``."""
        self.leased += max(0.0, min(float(seconds), self.lease_seconds - self.leased))

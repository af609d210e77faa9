# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

# This module_utils file is PRIVATE to the aruba_central.troubleshooting collection.
# It may change or disappear at any time; do not use it from other collections or plugins.

"""Injectable time source, so waiting and retry logic can be tested without real sleeps."""

import time


class Clock:
    """The clock every waiting or retrying piece of the collection reads.

    ``monotonic()`` measures durations and deadlines (never goes backwards), ``time()`` is the wall clock
    (seconds since the epoch, for token expiry and ``X-RateLimit-Reset``), and ``sleep(seconds)`` waits.
    Tests pass a fake with the same three methods.
    """

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


SYSTEM_CLOCK = Clock()

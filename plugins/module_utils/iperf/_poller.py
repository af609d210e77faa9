# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Wait for a Central async operation (an iperf test) to reach a terminal state.

The loop runs on a monotonic clock, checks once at ``first_check`` and then plans every next poll from what it
knows: the expected total wall time of the test (Central's set-up time plus the test itself, learnt from earlier
tests when possible), the time already elapsed and, when Central reports it, ``progressPercent``. Far from the
expected end it polls rarely; near it, every ``min_interval`` seconds, so a completion is noticed within about a
second without hammering the API. When the test runs late, the interval grows slowly again. The wait never goes
past ``timeout``: on timeout the last body seen is returned with ``timed_out=True``. A status the collection does not
know ends the wait at once, like a finished one: waiting longer would not make it a measurement.
"""

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._troubleshooting import (
    FINISHED,
    UNKNOWN,
    task_state,
)


class PollOutcome:
    """What a wait ended with: the last body seen, whether the wait timed out, and how many polls it took."""

    __slots__ = ("body", "timed_out", "polls", "waited")

    def __init__(self, body, timed_out, polls, waited):
        self.body = body
        self.timed_out = timed_out
        self.polls = polls
        self.waited = waited

    def __repr__(self):
        status = self.body.get("status") if isinstance(self.body, dict) else None
        return "PollOutcome(status=%r, timed_out=%r, polls=%d, waited=%.1f)" % (status, self.timed_out, self.polls, self.waited)


def is_done(body):
    """True when waiting longer cannot change the answer: the test finished, or its status is unknown."""
    return task_state(body) in (FINISHED, UNKNOWN)


def _progress(body):
    try:
        value = float(body.get("progressPercent"))
    except (TypeError, ValueError, AttributeError):
        return None
    if 0.0 < value < 100.0:
        return value
    return None


def plan_next_delay(body, elapsed, expected_seconds, confident, min_interval=1.0, max_interval=15.0):
    """Seconds to wait before the next poll.

    ``elapsed`` counts from the start of the test, ``expected_seconds`` is its expected total wall time and
    ``confident`` says whether that expectation comes from observed tests (then the poller sleeps right up to it)
    or is only a prior (then the wait grows geometrically, so a test much faster than the prior is still seen soon).
    """
    remaining = expected_seconds - elapsed if expected_seconds else None
    progress = _progress(body)
    if progress is not None and elapsed > 0:
        # Progress may count only the measuring phase, not Central's set-up before it, so this estimate errs long:
        # it can only bring the next poll forward.
        by_progress = elapsed * (100.0 - progress) / progress
        remaining = by_progress if remaining is None else min(remaining, by_progress)
    if remaining is None:
        delay = max(min_interval, elapsed * 0.5)
    elif remaining > min_interval:
        # Aim half an interval before the expected end, then poll at min_interval.
        delay = remaining - min_interval / 2.0
        if not confident:
            delay = min(delay, max(min_interval, elapsed * 0.5))
    else:
        overdue = -remaining
        delay = min_interval + overdue / 10.0
    return max(min_interval, min(delay, max_interval))


def wait_for_task(fetch, clock, timeout, expected_seconds=None, first_check=0.0, confident=False,
                  min_interval=1.0, max_interval=15.0, started_at=None):
    """Poll ``fetch(deadline)`` until the task is done (:func:`is_done`) or ``timeout`` seconds have passed.

    ``fetch`` returns the task body (a dict) and raises ``CentralError`` on API failures (which propagate).
    ``started_at`` is the monotonic time the test was started (default: now); ``first_check`` is the delay
    before the first poll, counted from now. Returns a ``PollOutcome``.
    """
    begin = clock.monotonic()
    started_at = begin if started_at is None else started_at
    deadline = begin + max(0.0, float(timeout))
    next_at = begin + max(0.0, float(first_check))
    body = None
    polls = 0
    while True:
        now = clock.monotonic()
        if next_at > now:
            clock.sleep(min(next_at, deadline) - now)
        body = fetch(deadline)
        polls += 1
        now = clock.monotonic()
        if is_done(body):
            return PollOutcome(body, False, polls, now - begin)
        if now >= deadline:
            return PollOutcome(body, True, polls, now - begin)
        delay = plan_next_delay(body, now - started_at, expected_seconds, confident, min_interval, max_interval)
        # The last poll happens at the deadline, so the state returned on timeout is as fresh as it can be.
        next_at = min(now + delay, deadline)

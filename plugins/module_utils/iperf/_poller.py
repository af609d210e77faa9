# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Wait for a Central async operation (an iperf test) to reach a terminal state.

The loop runs on a monotonic clock, checks once at ``first_check`` and then plans every next poll from what it
knows: the expected total wall time of the test (Central's set-up time plus the test itself, learnt from earlier
tests when possible), the length of the iperf run itself (``run_seconds``: the duration, twice with the reverse
direction), the time already elapsed, and the test's phase as Central reports it. A test is INITIATED while Central
sets it up, then RUNNING while iperf runs, with ``progressPercent`` counting the run. So the plan aims the first look
at the middle of the run it expects (:func:`run_aim`): there Central answers RUNNING with a progress, which tells
when the run ends, and the next look comes right after that end. A test at Central's own timing is seen finished
within about a second with two or three requests. Without a progress (or without ``run_seconds``), far from the
expected end it polls rarely; near it, every ``min_interval`` seconds; when the test runs late, the interval grows
slowly again. The wait never goes
past ``timeout``: on timeout the last body seen is returned with ``timed_out=True``. A status the collection does not
know ends the wait at once, like a finished one: waiting longer would not make it a measurement.
"""

from typing import Any, Callable, Optional

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import Clock
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._troubleshooting import (
    FINISHED,
    UNKNOWN,
    task_state,
    task_status,
)


# A look planned from a progress comes this long after the end it computed (progress is a whole percent).
PROGRESS_MARGIN = 0.25


def run_aim(expected_seconds: float, run_seconds: float) -> float:
    """Seconds after the start at which the iperf run is most likely going on: the middle of the expected run."""
    return max(0.0, expected_seconds - run_seconds) + run_seconds / 2.0


def plausible_run(expected_seconds: Optional[float], confident: bool, run_seconds: Optional[float]) -> Optional[float]:
    """The run length to plan with: an expectation learnt from tests that finished sooner than the requested run
    (a time-scaled Central, such as a simulator) bounds it, since a run never outlasts the whole test."""
    if run_seconds and confident and expected_seconds and run_seconds > expected_seconds:
        return expected_seconds
    return run_seconds


def first_poll_delay(expected_seconds: float, confident: bool, run_seconds: Optional[float] = None,
                     cold_first_check: float = 5.0) -> float:
    """Delay before the first poll of a test just started.

    With an expectation learnt on this controller: the middle of the expected run when its length is known, else
    just before the expected end. With only a prior: early (``cold_first_check``), since a test may be much faster
    than the prior; the geometric plan then takes over.
    """
    if not confident:
        return min(expected_seconds, cold_first_check)
    run_seconds = plausible_run(expected_seconds, confident, run_seconds)
    if run_seconds:
        return run_aim(expected_seconds, run_seconds)
    return max(0.0, expected_seconds - 0.5)


class PollOutcome:
    """What a wait ended with: the last body seen, whether the wait timed out, and how many polls it took."""

    __slots__ = ("body", "timed_out", "polls", "waited")

    def __init__(self, body: Any, timed_out: bool, polls: int, waited: float) -> None:
        self.body = body
        self.timed_out = timed_out
        self.polls = polls
        self.waited = waited

    def __repr__(self) -> str:
        status = self.body.get("status") if isinstance(self.body, dict) else None
        return "PollOutcome(status=%r, timed_out=%r, polls=%d, waited=%.1f)" % (status, self.timed_out, self.polls, self.waited)


def is_done(body: Any) -> bool:
    """True when waiting longer cannot change the answer: the test finished, or its status is unknown."""
    return task_state(body) in (FINISHED, UNKNOWN)


def _progress(body: Any) -> Optional[float]:
    try:
        value = float(body.get("progressPercent"))
    except (TypeError, ValueError, AttributeError):
        return None
    if 0.0 < value < 100.0:
        return value
    return None


def _phase_delay(body: Any, elapsed: float, expected_seconds: Optional[float], confident: bool, run_seconds: float,
                 min_interval: float, max_interval: float) -> Optional[float]:
    """The delay planned from the test's phase, or None when the phase tells nothing (see the module docstring)."""
    status = task_status(body)
    progress = _progress(body)
    if status == "RUNNING" and progress is not None:
        # Central counts progress over the iperf run: the run ends in what is left of it. Without a learnt
        # expectation the clock of this Central is unknown: do not wait longer than the geometric plan would.
        delay = min(run_seconds * (100.0 - progress) / 100.0 + PROGRESS_MARGIN, max_interval)
        if not confident:
            delay = min(delay, max(min_interval, elapsed * 0.5))
        return max(PROGRESS_MARGIN, delay)
    if status == "INITIATED" and expected_seconds:
        aim = run_aim(expected_seconds, run_seconds)
        if elapsed + min_interval < aim:
            # Still set up: look again where the run most likely goes on (cold: grow towards it geometrically).
            return aim - elapsed if confident else min(aim - elapsed, max(min_interval, elapsed))
        # Set-up takes longer than expected: look again within half a run, so the run is not missed.
        return max(min_interval, min(run_seconds / 2.0, max_interval))
    return None


def plan_next_delay(body: Any, elapsed: float, expected_seconds: Optional[float], confident: bool,
                    min_interval: float = 1.0, max_interval: float = 15.0, run_seconds: Optional[float] = None) -> float:
    """Seconds to wait before the next poll.

    ``elapsed`` counts from the start of the test, ``expected_seconds`` is its expected total wall time and
    ``confident`` says whether that expectation comes from observed tests (then the poller sleeps right up to it)
    or is only a prior (then the wait grows geometrically, so a test much faster than the prior is still seen soon).
    ``run_seconds``, when known, is the length of the iperf run: then the test's phase plans the poll.
    """
    run_seconds = plausible_run(expected_seconds, confident, run_seconds)
    if run_seconds:
        delay = _phase_delay(body, elapsed, expected_seconds, confident, run_seconds, min_interval, max_interval)
        if delay is not None:
            return delay
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


def wait_for_task(fetch: Callable[[float], Any], clock: Clock, timeout: float, expected_seconds: Optional[float] = None,
                  first_check: float = 0.0, confident: bool = False, min_interval: float = 1.0,
                  max_interval: float = 15.0, started_at: Optional[float] = None,
                  run_seconds: Optional[float] = None) -> PollOutcome:
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
        delay = plan_next_delay(body, now - started_at, expected_seconds, confident, min_interval, max_interval,
                                run_seconds)
        # The last poll happens at the deadline, so the state returned on timeout is as fresh as it can be.
        next_at = min(now + delay, deadline)

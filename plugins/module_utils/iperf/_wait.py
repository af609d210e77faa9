# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Wait for one iperf test and build its result: shared by gateway_iperf and gateway_iperf_result.

Polls go through ``_troubleshooting_api.get_task`` until the deadline; an answer that could be better next time (a
5xx, no answer, a 200 that cannot be read) is asked again, a few times in a row at most. How long tests take on this
controller is recorded (finished and timed-out ones), so the next runs plan their polls and their default
``wait_timeout`` from it.
"""

from typing import Any, Callable, Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import Clock
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import (
    CentralError,
    what_failed,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._result import (
    build_result,
    failure_message,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._poller import (
    PollOutcome,
    first_poll_delay,
    is_done,
    wait_for_task,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._timing import (
    TaskTimingHistory,
    observed_seconds,
    prior_seconds,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._troubleshooting import (
    UNREADABLE,
    get_task,
    is_transient,
    task_path,
    task_state,
)

# Margin added to the expected test time for the fixed default wait_timeout (the floor of the learnt one).
WAIT_MARGIN_SECONDS = 60.0
# wait_timeout of gateway_iperf_result, which does not know how long the test was asked to run.
DEFAULT_RESULT_WAIT_TIMEOUT = 300.0
# While waiting, an answer worth asking again (see TolerantFetch) is ridden out this many times in a row.
TOLERATED_POLL_ERRORS = 3


def run_seconds(request: Any) -> Optional[float]:
    """How long the iperf run of ``request`` lasts (the duration, twice with the reverse direction), or None."""
    duration = request.get("duration") if isinstance(request, dict) else None
    if not duration:
        return None
    return float(duration) * (2 if request.get("include_reverse") else 1)


def fixed_wait_timeout(duration: float, include_reverse: Optional[bool] = False) -> float:
    """Central's set-up time + the test (both directions when reversed) + a margin: the default's floor."""
    return prior_seconds(duration, include_reverse) + WAIT_MARGIN_SECONDS


class TaskWaiter:
    """Polls one task through a CentralClient and learns how long tests take on this controller."""

    def __init__(self, client: CentralClient, clock: Clock, history: Optional[TaskTimingHistory] = None) -> None:
        self.client = client
        self.clock = clock
        self.history = history if history is not None else TaskTimingHistory()

    def _timing_key(self, request: Mapping[str, Any]) -> str:
        host = urlsplit(getattr(self.client, "base_url", "") or "").netloc
        return self.history.key(host, request.get("duration"), request.get("include_reverse"))

    def expected(self, request: Mapping[str, Any]) -> Tuple[float, bool]:
        """(expected seconds from start to COMPLETED, confident) for a test asked with ``request``."""
        prior = prior_seconds(request.get("duration"), request.get("include_reverse"))
        return self.history.expected(self._timing_key(request), prior)

    def default_wait_timeout(self, request: Mapping[str, Any]) -> float:
        """The wait_timeout to use when the user set none: learnt from this controller's tests, never below the
        fixed estimate (set-up + duration x directions + 60 s)."""
        if not request.get("duration"):
            return DEFAULT_RESULT_WAIT_TIMEOUT
        floor = fixed_wait_timeout(request["duration"], request.get("include_reverse"))
        return self.history.wait_timeout(self._timing_key(request), floor)

    def first_check_after_start(self, request: Mapping[str, Any]) -> float:
        """Delay before the first poll of a test just started (see ``_poller.first_poll_delay``)."""
        expected, confident = self.expected(request)
        return first_poll_delay(expected, confident, run_seconds(request))

    def fetch(self, serial_number: str, task_id: str, deadline: Optional[float]) -> Any:
        # The last poll may start at the deadline: give it one request_timeout to answer.
        grace = float(getattr(self.client, "request_timeout", 30) or 30)
        return get_task(self.client, serial_number, task_id, None if deadline is None else deadline + grace)

    def look(self, serial_number: str, task_id: str, deadline: Optional[float],
             request: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """One look at the task, no waiting (``wait=false``): its result. API errors propagate as CentralError."""
        body = self.fetch(serial_number, task_id, deadline)
        if task_state(body) == UNREADABLE:
            raise unreadable_answer(self.client, serial_number, task_id, body)
        return build_result(serial_number, task_id, body, request)

    def wait(self, serial_number: str, task_id: str, deadline: float, request: Optional[Mapping[str, Any]] = None,
             started_at: Optional[float] = None, first_check: float = 0.0) -> Tuple[Dict[str, Any], PollOutcome]:
        """Wait until the test is done or ``deadline`` (monotonic) passes; returns ``(result, PollOutcome)``.

        The result's ``error_type`` is ``timeout`` when the deadline passed first. API errors propagate as
        CentralError (after the tolerated retries).
        """
        request = request or {}
        tolerant = TolerantFetch(lambda until: self.fetch(serial_number, task_id, until),
                                 lambda body: unreadable_answer(self.client, serial_number, task_id, body))
        expected, confident = self.expected(request) if request.get("duration") else (None, False)
        outcome = wait_for_task(tolerant, self.clock, max(0.0, deadline - self.clock.monotonic()),
                                expected_seconds=expected, first_check=first_check, confident=confident,
                                started_at=started_at, run_seconds=run_seconds(request))
        if outcome.timed_out and tolerant.last_error is not None:
            # The wait ran out while the polls got no usable answer: say why (not "still None").
            raise tolerant.last_error
        result = build_result(serial_number, task_id, outcome.body, request, timed_out=outcome.timed_out)
        if request.get("duration"):
            self._record(request, outcome, started_at)
        return result, outcome

    def _record(self, request: Mapping[str, Any], outcome: PollOutcome, started_at: Optional[float]) -> None:
        key = self._timing_key(request)
        if outcome.timed_out and started_at is not None:
            self.history.record(key, self.clock.monotonic() - started_at, timed_out=True)
        elif is_done(outcome.body):
            self.history.record(key, observed_seconds(outcome.body))


def unreadable_answer(client: CentralClient, serial_number: str, task_id: str, body: Any) -> CentralError:
    """The CentralError for a 200 answer about a task that has no status to read."""
    path = task_path(client.api_version, serial_number, task_id)
    shown = "a JSON %s" % type(body).__name__ if not isinstance(body, dict) else \
        "an object without status (keys: %s)" % (", ".join(sorted(map(str, body)))[:80] or "none")
    return CentralError.build(what_failed("GET", path), "Central's answer cannot be read", "HTTP 200 with %s" % shown,
                              "retry later; if it persists, check base_url and api_version", status=200, path=path,
                              method="GET")


class TolerantFetch:
    """Wraps a fetch so that a few answers worth asking again, in a row, become "ask again", not the end of the wait.

    Worth asking again (``is_transient``): a 5xx after the client's own retries, no answer at all (connection,
    read timeout) and a 200 that cannot be read (not JSON, or no status).
    """

    def __init__(self, fetch: Callable[[Optional[float]], Any], unreadable: Callable[[Any], CentralError],
                 tolerated: int = TOLERATED_POLL_ERRORS) -> None:
        self._fetch = fetch
        self._unreadable = unreadable
        self.tolerated = tolerated
        self.last_body: Any = None
        self.last_error: Optional[CentralError] = None
        self.consecutive_errors = 0

    def __call__(self, deadline: Optional[float]) -> Any:
        try:
            body = self._fetch(deadline)
            if task_state(body) == UNREADABLE:
                raise self._unreadable(body)
        except CentralError as err:
            if err.error_type == "timeout" and err.status is None and self.last_error is not None:
                # The deadline ran out while retrying: the error worth reporting is the one that kept us retrying.
                raise self.last_error
            if not is_transient(err) or self.consecutive_errors >= self.tolerated:
                raise
            self.consecutive_errors += 1
            self.last_error = err
            return self.last_body if self.last_body is not None else {"status": "RUNNING"}
        self.consecutive_errors = 0
        self.last_error = None
        self.last_body = body
        return body


def outcome_failure(result: Mapping[str, Any], outcome: PollOutcome) -> Optional[Tuple[str, str]]:
    """(msg, error_type) when the wait's result is a failure to report, else None."""
    if result["error_type"] == "timeout":
        return ("iperf test %s on gateway %s was still %s after %.0f s of waiting; it may still finish - look it up "
                "later with gateway_iperf_result, or raise wait_timeout" % (
                    result["task_id"], result["serial_number"], result["status"], outcome.waited), "timeout")
    if result["error_type"]:
        return failure_message(result), result["error_type"]
    return None

# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# Copyright: contributors to the aruba_central.troubleshooting collection
#
# This module util is PRIVATE to the collection. It may change at any time, without notice;
# do not use it from other collections or roles.
"""Look up one iperf task, wait for it and build its result: shared by gateway_iperf and gateway_iperf_result."""

from urllib.parse import urlsplit

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._central_errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._iperf_result import (
    build_result,
    failure_message,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._poller import (
    PollOutcome,
    is_terminal,
    wait_for_task,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._task_timing import (
    TaskTimingHistory,
    observed_seconds,
    prior_seconds,
)

# Margin added to the expected test time for the default wait_timeout.
WAIT_MARGIN_SECONDS = 60.0
# wait_timeout of gateway_iperf_result, which does not know how long the test was asked to run.
DEFAULT_RESULT_WAIT_TIMEOUT = 300.0
# While waiting, a server error on one poll (HTTP 500 or more, after the client's own retries) is ridden out this
# many times in a row: the next poll asks again.
TOLERATED_POLL_ERRORS = 3


def default_wait_timeout(duration, include_reverse=False):
    """Central's set-up time + the test (both directions when reversed) + a margin."""
    return prior_seconds(duration, include_reverse) + WAIT_MARGIN_SECONDS


class TaskWaiter:
    """Polls one task through a CentralClient and learns how long tests take on this controller."""

    def __init__(self, client, clock, history=None):
        self.client = client
        self.clock = clock
        self.history = history if history is not None else TaskTimingHistory()

    def _timing_key(self, request):
        host = urlsplit(getattr(self.client, "base_url", "") or "").netloc
        return self.history.key(host, request.get("duration"), request.get("include_reverse"))

    def expected(self, request):
        """(expected seconds from start to COMPLETED, confident) for a test asked with ``request``."""
        prior = prior_seconds(request.get("duration"), request.get("include_reverse"))
        return self.history.expected(self._timing_key(request), prior)

    def fetch(self, serial_number, task_id, deadline):
        path = self.client.troubleshooting_path(serial_number, "iperf", "async-operations", task_id)
        grace = float(getattr(self.client, "request_timeout", 30) or 30)
        # The last poll may start at the deadline: give it one request_timeout to answer.
        return self.client.get(path, deadline=None if deadline is None else deadline + grace)

    def wait(self, serial_number, task_id, wait=True, wait_timeout=None, request=None, started_at=None, first_check=0.0):
        """Return (result, PollOutcome). API errors propagate as CentralError."""
        request = request or {}
        tolerant = None
        if not wait:
            body = self.fetch(serial_number, task_id, None)
            outcome = PollOutcome(body, False, 1, 0.0)
        else:
            tolerant = TolerantFetch(lambda deadline: self.fetch(serial_number, task_id, deadline))
            expected, confident = self.expected(request) if request.get("duration") else (None, False)
            if wait_timeout is None:
                wait_timeout = default_wait_timeout(request.get("duration"), request.get("include_reverse")) \
                    if request.get("duration") else DEFAULT_RESULT_WAIT_TIMEOUT
            outcome = wait_for_task(
                tolerant,
                self.clock, wait_timeout, expected_seconds=expected, first_check=first_check,
                confident=confident, started_at=started_at)
        if outcome.timed_out and tolerant is not None and tolerant.last_error is not None:
            # The wait ran out while the polls got no usable answer: say why (not "still None").
            raise tolerant.last_error
        result = build_result(serial_number, task_id, outcome.body, request)
        if is_terminal(outcome.body) and request.get("duration"):
            self.history.record(self._timing_key(request), observed_seconds(outcome.body))
        return result, outcome

    def first_check_after_start(self, request):
        """Delay before the first poll of a test just started: right before its expected end when known."""
        expected, confident = self.expected(request)
        if confident:
            return max(0.0, expected - 0.5)
        # Only a prior: look early, then the poller's geometric back-off takes over.
        return min(expected, 5.0)


class TolerantFetch:
    """Wraps a fetch so a few server errors in a row while waiting become "ask again", not the end of the wait."""

    def __init__(self, fetch, tolerated=TOLERATED_POLL_ERRORS):
        self._fetch = fetch
        self.tolerated = tolerated
        self.last_body = None
        self.last_error = None
        self.consecutive_errors = 0

    def __call__(self, deadline):
        try:
            body = self._fetch(deadline)
        except CentralError as err:
            # A server error, or no usable answer at all (connection, read timeout, malformed body).
            transient = (err.status or 0) >= 500 or (err.status is None and err.error_type in ("api_error", "timeout"))
            if err.error_type == "timeout" and err.status is None and self.last_error is not None:
                # The deadline ran out while retrying: the error worth reporting is the one that kept us retrying.
                raise self.last_error
            if not transient or self.consecutive_errors >= self.tolerated:
                raise
            self.consecutive_errors += 1
            self.last_error = err
            return self.last_body if self.last_body is not None else {"status": None}
        self.consecutive_errors = 0
        self.last_error = None
        self.last_body = body
        return body


def outcome_failure(result, outcome, wait_timeout):
    """(msg, error_type) when the outcome is a failure to report, else None."""
    if outcome.timed_out:
        return ("iperf test %s on gateway %s was still %s after %.0f s (wait_timeout); it may still finish: look it up "
                "later with gateway_iperf_result" % (result["task_id"], result["serial_number"], result["status"],
                                                     wait_timeout or outcome.waited), "timeout")
    if is_terminal(outcome.body) and not result["succeeded"]:
        return failure_message(result), result["error_type"]
    return None

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Run one gateway's iperf test: token, free endpoint, start, wait, and another endpoint when the server was busy.

One run, all within one :class:`RunBudget`: get a token (before any lease, so a token problem never holds an iperf
server nor shows as ``server_busy``) -> lease a free endpoint of the pool -> start the test -> wait for it
(``TaskWaiter``) -> its result. The lease is held until the test is done or the wait ended. A test that completed
with "the server is busy" was not measured: the endpoint gets a controller-wide cool-down (someone outside this
controller is testing on it), the lease is released, and after a jittered pause the test starts again on another
endpoint when there is one, up to ``busy_retries`` times and only when the budget still holds the expected length of
a test (learnt on this controller, or Central's set-up time plus the duration). Only then is ``server_busy``
reported.

A start whose answer was lost after the request went out (connection lost, read timeout, a 5xx, an answer that
cannot be followed) is settled before anything else by asking Central which tests the gateway has (list-tasks): a
test started by this request is followed; when Central lists none, the start is sent once more. There is never a
second test on the gateway.
"""

import random
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._budget import RunBudget
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import Clock
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._gateways import (
    OFFLINE,
    build_filter,
    list_gateways,
    normalize_gateway,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._result import build_result
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._server_pool import Endpoint, ServerPool
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._wait import TaskWaiter, outcome_failure
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._rfc3339 import parse_rfc3339
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._troubleshooting import (
    RUNNING,
    Started,
    get_task,
    list_task_ids,
    request_body,
    start_test,
    task_path,
    task_state,
)

# Pause before starting again after a busy server: jittered so that runs which met on one server spread out.
BUSY_PAUSE_SECONDS = (2.0, 8.0)
# Bounds of the cool-down given to an endpoint that answered busy (the test's duration, clamped).
BUSY_COOLDOWN_BOUNDS = (10.0, 120.0)
# A test Central lists for the gateway is taken as the one a lost start started when it is running, or started no
# earlier than this before the request was sent (clocks of the controller and Central may differ a little).
SETTLE_CLOCK_SKEW_SECONDS = 120.0


def check_gateway(client: CentralClient, serial_number: str) -> Dict[str, Any]:
    """Make sure the gateway exists and is online (one GET of the gateway list). Returns it, normalized."""
    api_filter = build_filter(serial_numbers=[serial_number], api_version=getattr(client, "api_version", "v1"))
    items = [normalize_gateway(item) for item in list_gateways(client, filter=api_filter)]
    gateway = next((item for item in items if item["serial_number"] == serial_number), None)
    if gateway is None:
        raise CentralError(
            "Gateway %s was not found in Central - check serial_number and that the gateway belongs to this "
            "workspace" % serial_number, error_type="device_not_found", method="GET",
            path=client.monitoring_path("gateways"))
    if gateway["status"] == OFFLINE:
        raise CentralError(
            "Gateway %s is offline in Central, so it cannot run an iperf test - bring it online and run again"
            % serial_number, error_type="device_offline", method="GET", path=client.monitoring_path("gateways"))
    return gateway


class RunOutcome:
    """Everything a run learnt, for the module's answer (success or failure)."""

    def __init__(self) -> None:
        self.result: Optional[Dict[str, Any]] = None  # the gateway_iperf facts of the last test, when one was started
        self.task_id: Optional[str] = None
        self.location: Optional[str] = None
        self.status: Optional[str] = None
        self.server: Optional[str] = None  # the endpoint of the last attempt, as "host:port"
        self.attempts: List[Dict[str, Any]] = []  # [{"endpoint", "task_id", "outcome"}]
        self.error: Optional[Tuple[str, Optional[str]]] = None  # (msg, error_type) when the run failed
        self.api_error: Optional[Dict[str, Any]] = None  # CentralError.to_dict() when an API call failed
        self.wait_timeout: Optional[float] = None  # the wait_timeout the run had (the user's, or the learnt default)
        self.server_wait = 0.0      # seconds spent waiting for a free endpoint

    @property
    def started(self) -> bool:
        return any(attempt["task_id"] for attempt in self.attempts)

    def fail(self, msg: str, error_type: Optional[str], api_error: Optional[Dict[str, Any]] = None) -> "RunOutcome":
        """The run's one failure: the module reports it, and the facts of the last test say the same."""
        self.error = (msg, error_type)
        self.api_error = api_error
        if self.result is not None:
            self.result["error_type"] = error_type
        return self


class IperfRunner:
    """Runs one gateway's test against a ``ServerPool``; ``waiter`` is a ``TaskWaiter`` on the same client."""

    def __init__(self, client: CentralClient, pool: ServerPool, waiter: TaskWaiter, clock: Clock,
                 rng: Optional[random.Random] = None, busy_retries: int = 3, server_wait_timeout: float = 600.0) -> None:
        self.client = client
        self.pool = pool
        self.waiter = waiter
        self.clock = clock
        self.rng = rng or random.Random()
        self.busy_retries = busy_retries
        self.server_wait_timeout = server_wait_timeout

    def _cooldown(self, request: Mapping[str, Any]) -> float:
        low, high = BUSY_COOLDOWN_BOUNDS
        return max(low, min(high, float(request.get("duration") or low)))

    def _settle(self, serial_number: str, err: CentralError, sent_at: float, known: List[str],
                budget: RunBudget) -> Optional[Started]:
        """The test a start whose answer was lost started, or None when Central lists none. Raises ``err``
        (annotated) when Central cannot be asked."""
        try:
            for task_id in list_task_ids(self.client, serial_number, budget.deadline):
                if task_id in known:
                    continue
                body = get_task(self.client, serial_number, task_id, budget.deadline)
                started = parse_rfc3339(body.get("startTime")) if isinstance(body, dict) else None
                if task_state(body) == RUNNING or (started is not None and started >= sent_at - SETTLE_CLOCK_SKEW_SECONDS):
                    return Started(task_id, task_path(self.client.api_version, serial_number, task_id),
                                   body.get("status"), body)
                break  # the newest test is older than this request: it started nothing
        except CentralError as lookup:
            raise err.annotate("; the test may have started, and asking Central which tests the gateway has failed "
                               "too (%s)" % (lookup.why or lookup.message),
                               hint="look the gateway's tests up in Central before running again") from None
        return None

    def _start(self, run: RunOutcome, serial_number: str, body: Dict[str, Any], budget: RunBudget) -> Started:
        """Start the test, settling a lost answer; returns :class:`Started`."""
        known = [attempt["task_id"] for attempt in run.attempts if attempt["task_id"]]
        for sending in (1, 2):
            sent_at = self.clock.time()
            try:
                return start_test(self.client, serial_number, body, budget.deadline)
            except CentralError as err:
                if not err.may_have_run:
                    raise
                started = self._settle(serial_number, err, sent_at, known, budget)
                if started is not None:
                    return started
                if sending == 2 or (err.status is not None and 200 <= err.status < 300):
                    # A 2xx means Central took the test: never start another, even if list-tasks does not show it.
                    raise err.annotate("; Central lists no test started by this request",
                                       hint="look the gateway's tests up in Central before running again")
        raise AssertionError("unreachable")

    def _attempt(self, run: RunOutcome, serial_number: str, request: Mapping[str, Any], endpoint: Endpoint, wait: bool,
                 budget: RunBudget) -> Optional[Tuple[str, str]]:
        """One test on a held endpoint. Returns the failure (msg, error_type) or None."""
        attempt: Dict[str, Any] = {"endpoint": str(endpoint), "task_id": None, "outcome": None}
        run.attempts.append(attempt)
        run.server = str(endpoint)
        asked = dict(request, server_address=endpoint.host, port=endpoint.port)
        started_at = self.clock.monotonic()
        try:
            started = self._start(run, serial_number, request_body(request, endpoint), budget)
        except CentralError as exc:
            attempt["outcome"] = exc.error_type
            raise
        attempt["task_id"], run.task_id, run.location = started.task_id, started.task_id, started.location
        if not wait:
            run.result = build_result(serial_number, started.task_id, started.answer, asked)
            run.status = run.result["status"]
            attempt["outcome"] = "started"
            return None
        result, outcome = self.waiter.wait(
            serial_number, started.task_id, budget.deadline, request=asked, started_at=started_at,
            first_check=self.waiter.first_check_after_start(asked))
        run.result, run.status = result, result["status"]
        failure = outcome_failure(result, outcome)
        attempt["outcome"] = failure[1] if failure else "succeeded"
        return failure

    def run(self, serial_number: str, request: Mapping[str, Any], wait: bool = True,
            wait_timeout: Optional[float] = None) -> RunOutcome:
        """Run the test within ``server_wait_timeout`` + ``wait_timeout``; never raises ``CentralError`` (it ends
        up in ``RunOutcome.error``)."""
        run = RunOutcome()
        if wait_timeout is None:
            wait_timeout = self.waiter.default_wait_timeout(request)
        run.wait_timeout = wait_timeout
        budget = RunBudget(self.clock, wait_timeout, self.server_wait_timeout)
        avoid: List[Endpoint] = []
        try:
            self.client.token(budget.deadline)
            for number in range(self.busy_retries + 1):
                asked_at = self.clock.monotonic()
                with self.pool.lease(budget.lease_deadline(), key=serial_number, avoid=avoid) as endpoint:
                    budget.spent_leasing(self.clock.monotonic() - asked_at)
                    run.server_wait = round(budget.leased, 3)
                    failure = self._attempt(run, serial_number, request, endpoint, wait, budget)
                if not failure:
                    return run
                if failure[1] != "server_busy":
                    return run.fail(*failure)
                self.pool.mark_busy(endpoint, self._cooldown(request))
                if endpoint not in avoid:
                    avoid.append(endpoint)
                pause = self.rng.uniform(*BUSY_PAUSE_SECONDS)
                if number == self.busy_retries or pause + self.waiter.expected(request)[0] > budget.left():
                    # A test that could not finish within the budget is not started.
                    break
                self.clock.sleep(pause)
        except CentralError as exc:
            return run.fail(str(exc), exc.error_type, exc.to_dict())
        retries_left = self.busy_retries + 1 - len(run.attempts)
        why = "raise busy_retries" if not retries_left else "raise wait_timeout (no time was left for another attempt)"
        return run.fail(
            "iperf test on gateway %s did not measure: the iperf server was busy on all %d attempt(s) (%s) - add "
            "endpoints to server_pool, run fewer tests at once, or %s"
            % (serial_number, len(run.attempts), ", ".join(a["endpoint"] for a in run.attempts), why), "server_busy")

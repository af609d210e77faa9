# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# Copyright: contributors to the aruba_central.troubleshooting collection
#
# This module util is PRIVATE to the collection. It may change at any time, without notice;
# do not use it from other collections or roles.
"""Start a gateway iperf test on a leased iperf server endpoint, wait for it, and retry when the server was busy.

One run: lease a free endpoint of the pool -> POST the test -> 202 -> task id from ``location`` -> wait for the
task (``TaskWaiter``) -> ``build_result``. The lease is held until the test completed or the wait ended. A test
that completed with "the server is busy" was not measured: the endpoint gets a controller-wide cool-down (someone
outside this controller is testing on it), the lease is released, and after a jittered pause the test starts
again on another endpoint when there is one, up to ``busy_retries`` times. Only then is ``server_busy`` reported.
"""

import random

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._central_args import task_id_from_location
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._central_errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._gateways import (
    OFFLINE,
    build_filter,
    list_gateways,
    normalise_gateway,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._iperf_result import build_result
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._iperf_task import outcome_failure

# Pause before starting again after a busy server: jittered so that runs which met on one server spread out.
BUSY_PAUSE_SECONDS = (2.0, 8.0)
# Bounds of the cool-down given to an endpoint that answered busy (the test's duration, clamped).
BUSY_COOLDOWN_BOUNDS = (10.0, 120.0)

# snake_case request key -> Central request body field
_BODY_FIELDS = (
    ("duration", "duration"),
    ("parallel", "parallel"),
    ("omit", "omit"),
    ("include_reverse", "includeReverse"),
    ("vlan_interface", "vlanInterface"),
    ("protocol", "protocol"),
    ("include_raw_output", "includeRawOutput"),
)


def request_body(request, endpoint):
    """Central's JSON body for a test of ``request`` (snake_case, validated) against ``endpoint``.

    ``omit`` 0 and an unset ``vlan_interface`` are left out (Central accepts ``omit`` 1..60 only).
    """
    body = {"iperfServerAddress": endpoint.host, "port": endpoint.port}
    for key, field in _BODY_FIELDS:
        value = request.get(key)
        if value is None or (key == "omit" and value == 0):
            continue
        body[field] = value
    return body


def start_test(client, serial_number, body):
    """POST one test; return ``(task_id, location, answer)``. Raises ``CentralError``."""
    path = client.troubleshooting_path(serial_number, "iperf")
    answer = client.post(path, json=body)
    location = answer.get("location") if isinstance(answer, dict) else None
    if not isinstance(location, str) or not location:
        raise CentralError(
            "Starting the iperf test on gateway %s failed: Central accepted it but sent no location to follow - "
            "check base_url and api_version, then look the test up in Central" % serial_number,
            error_type="api_error", path=path, method="POST")
    try:
        task_id = task_id_from_location(location)
    except ValueError as exc:
        raise CentralError(
            "Starting the iperf test on gateway %s failed: %s - check base_url and api_version" % (serial_number, exc),
            error_type="api_error", path=path, method="POST") from None
    return task_id, location, answer


def check_gateway(client, serial_number):
    """Make sure the gateway exists and is online (one GET of the gateway list). Returns it, normalised."""
    api_filter = build_filter(serial_numbers=[serial_number], api_version=getattr(client, "api_version", "v1"))
    items = [normalise_gateway(item) for item in list_gateways(client, filter=api_filter)]
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

    def __init__(self):
        self.result = None          # the gateway_iperf facts of the last test, when one was started
        self.task_id = None
        self.location = None
        self.status = None
        self.server = None          # the endpoint of the last attempt, as "host:port"
        self.attempts = []          # [{"endpoint", "task_id", "outcome"}]
        self.error = None           # (msg, error_type) when the run failed
        self.api_error = None       # CentralError.to_dict() when an API call failed

    @property
    def started(self):
        return any(attempt["task_id"] for attempt in self.attempts)

    def fail(self, msg, error_type, api_error=None):
        self.error = (msg, error_type)
        self.api_error = api_error
        if self.result is not None:
            self.result["error_type"] = error_type
        return self


class IperfRunner:
    """Runs one gateway's test against a ``ServerPool``; ``waiter`` is a ``TaskWaiter`` on the same client."""

    def __init__(self, client, pool, waiter, clock, rng=None, busy_retries=3, server_wait_timeout=600.0):
        self.client = client
        self.pool = pool
        self.waiter = waiter
        self.clock = clock
        self.rng = rng or random.Random()
        self.busy_retries = busy_retries
        self.server_wait_timeout = server_wait_timeout

    def _cooldown(self, request):
        low, high = BUSY_COOLDOWN_BOUNDS
        return max(low, min(high, float(request.get("duration") or low)))

    def _attempt(self, run, serial_number, request, endpoint, wait, wait_timeout):
        """One test on a held endpoint. Returns the failure (msg, error_type) or None."""
        attempt = {"endpoint": str(endpoint), "task_id": None, "outcome": None}
        run.attempts.append(attempt)
        run.server = str(endpoint)
        asked = dict(request, server_address=endpoint.host, port=endpoint.port)
        started_at = self.clock.monotonic()
        try:
            task_id, location, answer = start_test(self.client, serial_number, request_body(request, endpoint))
        except CentralError as exc:
            attempt["outcome"] = exc.error_type
            raise
        attempt["task_id"], run.task_id, run.location = task_id, task_id, location
        if not wait:
            run.result = build_result(serial_number, task_id, answer, asked)
            run.status = run.result["status"]
            attempt["outcome"] = "started"
            return None
        result, outcome = self.waiter.wait(
            serial_number, task_id, wait=True, wait_timeout=wait_timeout, request=asked, started_at=started_at,
            first_check=self.waiter.first_check_after_start(asked))
        run.result, run.status = result, result["status"]
        failure = outcome_failure(result, outcome, wait_timeout)
        attempt["outcome"] = failure[1] if failure else "succeeded"
        return failure

    def run(self, serial_number, request, wait=True, wait_timeout=None):
        """Run the test; never raises ``CentralError`` (it ends up in ``RunOutcome.error``)."""
        run = RunOutcome()
        avoid = []
        try:
            for number in range(self.busy_retries + 1):
                deadline = self.clock.monotonic() + self.server_wait_timeout
                with self.pool.lease(deadline, key=serial_number, avoid=avoid) as endpoint:
                    failure = self._attempt(run, serial_number, request, endpoint, wait, wait_timeout)
                if not failure:
                    return run
                if failure[1] != "server_busy":
                    return run.fail(*failure)
                self.pool.mark_busy(endpoint, self._cooldown(request))
                if endpoint not in avoid:
                    avoid.append(endpoint)
                if number < self.busy_retries:
                    self.clock.sleep(self.rng.uniform(*BUSY_PAUSE_SECONDS))
        except CentralError as exc:
            return run.fail(str(exc), exc.error_type, exc.to_dict())
        return run.fail(
            "iperf test on gateway %s did not measure: the iperf server was busy on all %d attempt(s) (%s) - add "
            "endpoints to server_pool, run fewer tests at once, or raise busy_retries"
            % (serial_number, len(run.attempts), ", ".join(a["endpoint"] for a in run.attempts)), "server_busy")

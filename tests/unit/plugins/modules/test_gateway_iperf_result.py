# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""gateway_iperf_result end to end in-process: scripted Central answers, a virtual clock, no real waiting;
bad input fails with one line naming the option, before any request."""

import copy
import json

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.modules import gateway_iperf_result
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import HttpMock, error_reply, reply
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.module_input import (
    CONNECTION_CASES,
    SECRET,
    UNSAFE_SERIALS,
    assert_refused,
    run_without_central,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.module_runner import run_module

SERIAL = "CNF7G9K001"
TASK = "8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f"
BASE = "https://central.example"
TASK_PATH = r"/network-troubleshooting/v1/gateways/CNF7G9K001/iperf/async-operations/8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f$"
TOKEN_PATH = r"/as/token\.oauth2$"
RUNNING = {"status": "RUNNING", "progressPercent": 0, "startTime": "2025-05-20T14:02:29.753198552Z", "endTime": None,
           "output": None, "rawOutput": None}


def args(**extra):
    values = {"base_url": BASE, "access_token": "tok-static", "serial_number": SERIAL, "task_id": TASK}
    values.update(extra)
    return {key: value for key, value in values.items() if value is not None}


def run(http, clock=None, **extra):
    clock = clock or FakeClock()
    result = run_module(gateway_iperf_result, args(**extra), http=http, clock=clock)
    http.assert_done()
    return result


def test_completed_test_returns_the_numbers_as_facts(seed):
    http = HttpMock([("GET", TASK_PATH, reply(200, json=seed))])
    result = run(http)
    assert result["failed"] is False
    assert result["changed"] is False
    assert (result["task_id"], result["status"]) == (TASK, "COMPLETED")
    facts = result["ansible_facts"]["gateway_iperf"]
    assert facts["succeeded"] is True
    assert facts["upload"]["sender"]["bits_per_second"] == 9580000
    assert facts["upload"]["receiver"]["bytes"] == 9583985
    assert facts["upload"]["stalled_intervals"] == 7
    assert http.requests[0].headers["Authorization"] == "Bearer tok-static"


def test_waits_through_running_until_completed(seed):
    http = HttpMock([("GET", TASK_PATH, reply(200, json=RUNNING))] * 3 + [("GET", TASK_PATH, reply(200, json=seed))])
    clock = FakeClock()
    result = run(http, clock)
    assert result["failed"] is False
    assert result["ansible_facts"]["gateway_iperf"]["status"] == "COMPLETED"
    assert len(clock.sleeps) == 3


def test_completed_with_fail_reason_fails_with_the_reason():
    body = dict(RUNNING, status="COMPLETED", progressPercent=100, endTime="2025-05-20T14:02:41Z",
                failReason="iperf3: error - the server is busy running a test. try again later")
    http = HttpMock([("GET", TASK_PATH, reply(200, json=body))])
    result = run(http)
    assert result["failed"] is True
    assert result["error_type"] == "server_busy"
    assert result["ansible_facts"]["gateway_iperf"]["succeeded"] is False
    assert "busy" in result["msg"] and "\n" not in result["msg"]


def test_failed_status_fails():
    body = dict(RUNNING, status="FAILED", failReason="Device rebooted")
    http = HttpMock([("GET", TASK_PATH, reply(200, json=body))])
    result = run(http)
    assert result["failed"] is True
    assert result["error_type"] == "test_failed"
    assert "Device rebooted" in result["msg"]


def test_wait_timeout_fails_with_timeout_and_returns_the_last_state():
    http = HttpMock()
    http.expect("GET", TASK_PATH, reply(200, json=RUNNING), times=200)
    clock = FakeClock()
    begin = clock.monotonic()
    result = run_module(gateway_iperf_result, args(wait_timeout=30), http=http, clock=clock)
    assert result["failed"] is True
    assert result["error_type"] == "timeout"
    assert result["status"] == "RUNNING"
    assert result["ansible_facts"]["gateway_iperf"]["error_type"] == "timeout"
    assert result["ansible_facts"]["gateway_iperf"]["succeeded"] is False
    assert clock.monotonic() - begin == pytest.approx(30.0)
    assert "still RUNNING after 30 s" in result["msg"]


def test_unknown_task_fails_with_task_not_found():
    not_found = error_reply(404, "HPE_GL_ERROR_NOT_FOUND", "Async operation task not found: %s" % TASK)
    http = HttpMock([("GET", TASK_PATH, not_found)])
    result = run(http)
    assert result["failed"] is True
    assert result["error_type"] == "task_not_found"
    assert "ansible_facts" not in result


def test_429_storm_with_retry_after_is_absorbed(seed):
    storm = error_reply(429, "HPE_GL_ERROR_TOO_MANY_REQUESTS", "Rate limit exceeded.", headers={"retry-after": "7"})
    http = HttpMock([("GET", TASK_PATH, storm)] * 3 + [("GET", TASK_PATH, reply(200, json=seed))])
    clock = FakeClock()
    result = run(http, clock)
    assert result["failed"] is False
    assert clock.sleeps == [7.0, 7.0, 7.0]


def test_429_storm_without_retry_after_ends_rate_limited():
    storm = error_reply(429, "HPE_GL_ERROR_TOO_MANY_REQUESTS", "Rate limit exceeded.")
    http = HttpMock()
    http.expect("GET", TASK_PATH, storm, times=3)
    clock = FakeClock()
    result = run(http, clock, max_retries=2)
    assert result["failed"] is True
    assert result["error_type"] == "rate_limited"
    assert len(clock.sleeps) == 2 and all(s > 0 for s in clock.sleeps)


def test_token_that_expires_between_two_polls_is_renewed_once(seed):
    http = HttpMock([
        ("POST", TOKEN_PATH, reply(200, json={"access_token": "tok-1", "expires_in": 7200})),
        ("GET", TASK_PATH, reply(200, json=RUNNING)),
        ("GET", TASK_PATH, error_reply(401, "HPE_GL_ERROR_UNAUTHORIZED", "Authentication required.")),
        ("POST", TOKEN_PATH, reply(200, json={"access_token": "tok-2", "expires_in": 7200})),
        ("GET", TASK_PATH, reply(200, json=seed)),
    ])
    result = run(http, access_token=None, client_id="id", client_secret="shh-secret")
    assert result["failed"] is False
    assert http.requests[1].headers["Authorization"] == "Bearer tok-1"
    assert http.requests[4].headers["Authorization"] == "Bearer tok-2"
    assert "shh-secret" not in json.dumps(result)


def test_500_then_success_while_waiting(seed):
    http = HttpMock([
        ("GET", TASK_PATH, reply(200, json=RUNNING)),
        ("GET", TASK_PATH, error_reply(500, "HPE_GL_ERROR_INTERNAL_SERVER_ERROR", "An unexpected error occurred.")),
        ("GET", TASK_PATH, reply(200, json=seed)),
    ])
    result = run(http)
    assert result["failed"] is False
    assert result["ansible_facts"]["gateway_iperf"]["succeeded"] is True


def test_persistent_500_fails_with_api_error():
    http = HttpMock()
    http.expect("GET", TASK_PATH, error_reply(500, "HPE_GL_ERROR_INTERNAL_SERVER_ERROR", "An unexpected error occurred."),
                times=4)
    result = run(http)
    assert result["failed"] is True
    assert result["error_type"] == "api_error"
    assert "500" in result["msg"]


def test_no_wait_returns_a_running_test_without_failing():
    http = HttpMock([("GET", TASK_PATH, reply(200, json=RUNNING))])
    result = run(http, wait=False)
    assert result["failed"] is False
    facts = result["ansible_facts"]["gateway_iperf"]
    assert (facts["status"], facts["succeeded"], facts["error_type"]) == ("RUNNING", False, None)


def test_location_gives_serial_and_task_id(seed):
    http = HttpMock([("GET", TASK_PATH, reply(200, json=seed))])
    location = "/network-troubleshooting/v1/gateways/%s/iperf/async-operations/%s" % (SERIAL, TASK)
    result = run(http, serial_number=None, task_id=None, location=location)
    assert result["failed"] is False
    assert result["ansible_facts"]["gateway_iperf"]["serial_number"] == SERIAL


def test_v1alpha1_path_and_codes():
    alpha_path = TASK_PATH.replace("/v1/", "/v1alpha1/")
    not_found = error_reply(404, "HPE_GRAVITY_TASK_NOT_FOUND", "Async operation task not found: %s" % TASK)
    http = HttpMock([("GET", alpha_path, not_found)])
    result = run(http, api_version="v1alpha1")
    assert result["error_type"] == "task_not_found"


def test_check_mode_still_reads(seed):
    http = HttpMock([("GET", TASK_PATH, reply(200, json=copy.deepcopy(seed)))])
    result = run_module(gateway_iperf_result, args(), http=http, clock=FakeClock(), check_mode=True)
    assert result["failed"] is False and result["changed"] is False
    http.assert_done()


# ---------------------------------------------------------------- bad input, before any request


@pytest.mark.parametrize("bad", [
    {"serial_number": "CN/../x"},
    {"serial_number": "CN 1"},
    {"serial_number": "CN%2F1"},
    {"serial_number": "CN\n1"},
    {"serial_number": "CNé1"},
    {"task_id": "not-a-uuid"},
    {"task_id": TASK + "?x=1"},
    {"task_id": "../" + TASK},
    {"serial_number": None},
    {"task_id": None, "location": "/elsewhere/%s" % TASK},
    {"task_id": None, "location": "/network-troubleshooting/v1/gateways/OTHER1/iperf/async-operations/%s" % TASK},
    {"wait_timeout": -1},
])
def test_bad_input_fails_before_any_request(bad):
    http = HttpMock([])
    result = run(http, **bad)
    assert result["failed"] is True
    assert "\n" not in result["msg"]
    assert http.requests == []


UNSAFE_TASK_IDS = [
    "not-a-uuid", TASK + "/..", "../" + TASK, TASK + "?x=1", TASK + "#x", TASK.replace("-", "%2F", 1), " " + TASK,
    TASK + " ", TASK + "\n", TASK[:8] + "\n" + TASK[9:], TASK.replace("a", "é", 1), TASK + "0", "", "..",
]
LOCATION = "/network-troubleshooting/v1/gateways/%s/iperf/async-operations/%s"


def result_args(**extra):
    values = {"base_url": BASE, "access_token": SECRET, "serial_number": "CNF7G9K001", "task_id": TASK}
    values.update(extra)
    return values


@pytest.mark.parametrize("option, extra", CONNECTION_CASES)
def test_bad_connection_options_fail_before_any_request(option, extra):
    result, http = run_without_central(gateway_iperf_result, result_args(**extra))
    assert_refused(result, http, option)
    assert SECRET not in result["msg"]


def test_request_timeout_zero_is_refused():
    result, http = run_without_central(gateway_iperf_result, result_args(request_timeout=0))
    assert_refused(result, http, "request_timeout")


@pytest.mark.parametrize("serial", UNSAFE_SERIALS)
def test_gateway_iperf_result_refuses_unsafe_serial_numbers(serial):
    result, http = run_without_central(gateway_iperf_result, result_args(serial_number=serial))
    assert_refused(result, http, "serial_number")


@pytest.mark.parametrize("task_id", UNSAFE_TASK_IDS)
def test_gateway_iperf_result_refuses_unsafe_task_ids(task_id):
    result, http = run_without_central(gateway_iperf_result, result_args(task_id=task_id))
    assert_refused(result, http, "task_id")


@pytest.mark.parametrize("option, location", [
    ("location", ""),
    ("location", "/elsewhere/" + TASK),
    ("location", "no-slashes-at-all"),
    ("serial_number", LOCATION % ("CN%2F1", TASK)),
    ("serial_number", LOCATION % ("..", TASK)),
    ("serial_number", LOCATION % ("CN 1", TASK)),
    ("serial_number", LOCATION % ("CNé1", TASK)),
    ("task id", LOCATION % ("CNF7G9K001", "not-a-uuid")),
    ("task id", LOCATION % ("CNF7G9K001", TASK + "%2F..")),
    ("task id", LOCATION % ("CNF7G9K001", "..")),
    ("location", LOCATION % ("CNF7G9K001", TASK + "/../../admin")),
])
def test_gateway_iperf_result_refuses_bad_locations(option, location):
    result, http = run_without_central(gateway_iperf_result,
                                       result_args(serial_number=None, task_id=None, location=location))
    assert_refused(result, http, option if option != "location" else "location")


@pytest.mark.parametrize("suffix", ["?next=/admin", "#fragment", "?", "/"])
def test_a_location_query_or_fragment_never_reaches_the_url(suffix):
    """Only the validated serial and task id of a location are used; the rest is dropped, never sent."""
    not_found = reply(404, json={"errorCode": "HPE_GL_ERROR_NOT_FOUND", "message": "Async operation task not found"})
    http = HttpMock([("GET", r"^%s/network-troubleshooting/v1/gateways/CNF7G9K001/iperf/async-operations/%s$"
                      % (BASE, TASK), not_found)])
    args = {"base_url": BASE, "access_token": SECRET, "location": LOCATION % ("CNF7G9K001", TASK) + suffix}
    result = run_module(gateway_iperf_result, args, http=http, clock=FakeClock())
    http.assert_done()
    assert result["error_type"] == "task_not_found"
    assert http.requests[0].params is None


RESULT_CASES = [
    ("serial_number", {"serial_number": None}),
    ("task_id", {"task_id": None}),
    ("task_id", {"location": LOCATION % ("CNF7G9K001", TASK)}),
    ("serial_number", {"serial_number": "CNF7G9K002", "task_id": None, "location": LOCATION % ("CNF7G9K001", TASK)}),
    ("wait_timeout", {"wait_timeout": 0}),
    ("wait_timeout", {"wait_timeout": -1}),
    ("wait_timeout", {"wait_timeout": "later"}),
    ("wait", {"wait": "maybe"}),
]


@pytest.mark.parametrize("option, extra", RESULT_CASES)
def test_gateway_iperf_result_refuses_bad_options(option, extra):
    result, http = run_without_central(gateway_iperf_result, result_args(**extra))
    assert_refused(result, http, option)


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_gateway_iperf_result_refuses_non_finite_wait_timeout(value):
    result, http = run_without_central(gateway_iperf_result, result_args(wait_timeout=value))
    assert_refused(result, http, "wait_timeout")

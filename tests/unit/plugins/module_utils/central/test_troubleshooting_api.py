# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Central's gateway iperf API in one place: identifiers, paths, the request body, answers and error types."""

import uuid
from urllib.parse import quote

import pytest
from hypothesis import given, strategies as st

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._server_pool import Endpoint
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._troubleshooting import (
    FINISHED,
    RUNNING,
    UNKNOWN,
    UNREADABLE,
    finished_outcome,
    get_task,
    iperf_path,
    list_task_ids,
    list_tasks_path,
    parse_location,
    request_body,
    start_test,
    task_path,
    task_state,
    validate_serial,
    validate_task_id,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.assertions import assert_one_line
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import (
    HttpMock,
    error_reply,
    read_timeout,
    reply,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.strategies import BOUNDED

TASK = "c7a3f2d1-e8a9-4b7c-8d1e-0f9a3b2c1d0e"
SERIAL = "CNF7G9K001"
REQUEST = {"duration": 10, "parallel": 1, "omit": 0, "include_reverse": False, "vlan_interface": None,
           "protocol": "tcp", "include_raw_output": True}


def client(http, api_version="v1"):
    return CentralClient("https://central.example", access_token="tok", session=http, clock=FakeClock(),
                         api_version=api_version, max_retries=0)


def location(serial=SERIAL, task_id=TASK, version="v1"):
    return "/network-troubleshooting/%s/gateways/%s/iperf/async-operations/%s" % (version, serial, task_id)


# ---------------------------------------------------------------- identifiers


@pytest.mark.parametrize("serial", ["CNF7G9K001", "a", "SG-123_x", "9" * 64])
def test_valid_serials(serial):
    assert validate_serial(serial) == serial


@pytest.mark.parametrize("serial", ["", " CN1", "CN1 ", "-CN1", "_CN1", "CN/1", "CN1\n", "../etc", "CN1;rm", "é1",
                                    "9" * 65, None, 123])
def test_invalid_serials_say_what_is_allowed(serial):
    with pytest.raises(ValueError) as info:
        validate_serial(serial)
    text = str(info.value)
    assert text.startswith("serial number %s is not valid" % repr(serial)[:77])
    assert "letters, digits, '-' or '_'" in text and "\n" not in text


def test_long_invalid_value_is_shown_shortened():
    with pytest.raises(ValueError) as info:
        validate_serial("x" * 500 + "!")
    assert len(str(info.value)) < 250


@pytest.mark.parametrize("task_id", [TASK, TASK.upper()])
def test_task_ids_are_uuids_in_any_case(task_id):
    assert validate_task_id(task_id) == task_id


@pytest.mark.parametrize("task_id", ["", "not-a-uuid", TASK + "\n", TASK + "0", TASK.replace("-", ""), "../" + TASK, None])
def test_invalid_task_ids(task_id):
    with pytest.raises(ValueError, match="task id .* is not valid: use the UUID"):
        validate_task_id(task_id)


@pytest.mark.parametrize("location", [
    "/network-troubleshooting/v1/gateways/CNF7G9K001/iperf/async-operations/" + TASK,
    "/network-troubleshooting/v1alpha1/gateways/CNF7G9K001/iperf/async-operations/" + TASK + "/",
    "https://us1.api.central.arubanetworks.com/network-troubleshooting/v1/gateways/X/iperf/async-operations/" + TASK,
    "/network-troubleshooting/v1/gateways/X/iperf/async-operations/" + TASK + "?verbose=true",
])
def test_parse_location(location):
    assert parse_location(location)[1] == TASK


@pytest.mark.parametrize("location, message", [
    (None, "is empty"),
    ("", "is empty"),
    ("/network-troubleshooting/v1/gateways/X/iperf", "is not a gateway iperf task path"),
    ("/x/async-operations/" + TASK + "/../etc", "is not a gateway iperf task path"),
])
def test_parse_a_bad_location(location, message):
    with pytest.raises(ValueError, match=message):
        parse_location(location)


def test_parse_location_gives_the_serial_and_the_task_id():
    assert parse_location(location()) == (SERIAL, TASK)
    assert parse_location(location(version="v1alpha1") + "/") == (SERIAL, TASK)


@pytest.mark.parametrize("bad, message", [
    (location(serial="CN%2F1"), "serial number 'CN%2F1' is not valid"),
    (location(task_id="not-a-uuid"), "task id 'not-a-uuid' is not valid"),
])
def test_parse_location_validates_both_parts(bad, message):
    with pytest.raises(ValueError, match=message):
        parse_location(bad)


TASK_LOCATION = "/network-troubleshooting/v1/gateways/CN1/iperf/async-operations/{0}"
URL_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=70) | st.sampled_from(
    ["..", ".", "CN/1", "CN%2F1", "CN?x", "CN#x", "CN 1", "CN\n1", "CNé1", "C" * 64, "C" * 65])


@BOUNDED
@given(URL_TEXT)
def test_an_accepted_serial_number_is_always_a_safe_url_segment(text):
    try:
        serial = validate_serial(text)
    except ValueError as exc:
        assert_one_line(str(exc))
        return
    assert quote(serial, safe="") == serial and serial not in (".", "..")
    assert iperf_path("v1", serial) == "/network-troubleshooting/v1/gateways/%s/iperf" % serial


@BOUNDED
@given(URL_TEXT | st.uuids().map(str) | st.uuids().map(TASK_LOCATION.format))
def test_a_task_id_taken_from_a_location_is_always_a_uuid(location_text):
    try:
        serial, task_id = parse_location(location_text)
    except ValueError as exc:
        assert_one_line(str(exc))
        return
    assert validate_task_id(task_id) == task_id and validate_serial(serial) == serial
    assert str(uuid.UUID(task_id)) == task_id.lower()


# ---------------------------------------------------------------- paths and the request body


def test_paths_for_both_api_versions():
    assert iperf_path("v1", SERIAL) == "/network-troubleshooting/v1/gateways/CNF7G9K001/iperf"
    assert task_path("v1alpha1", SERIAL, TASK) == location(version="v1alpha1")
    assert list_tasks_path("v1", SERIAL) == "/network-troubleshooting/v1/gateways/CNF7G9K001/list-tasks"


@pytest.mark.parametrize("segment", ["../x", "a/b", "", None, "x y"])
def test_paths_refuse_unsafe_segments(segment):
    with pytest.raises(CentralError, match="unsafe path segment"):
        task_path("v1", segment, TASK)


def test_request_body_maps_options_and_leaves_out_unset_ones():
    endpoint = Endpoint("10.0.0.5", 5202)
    assert request_body(REQUEST, endpoint) == {
        "iperfServerAddress": "10.0.0.5", "port": 5202, "duration": 10, "parallel": 1, "includeReverse": False,
        "protocol": "tcp", "includeRawOutput": True}
    full = dict(REQUEST, omit=3, vlan_interface="152", include_reverse=True, protocol="udp", parallel=8, duration=120)
    assert request_body(full, endpoint) == {
        "iperfServerAddress": "10.0.0.5", "port": 5202, "duration": 120, "parallel": 8, "omit": 3,
        "includeReverse": True, "vlanInterface": "152", "protocol": "udp", "includeRawOutput": True}


# ---------------------------------------------------------------- starting a test


def test_start_test_reads_the_202_answer():
    http = HttpMock([("POST", r"/v1/gateways/CNF7G9K001/iperf$", reply(202, json={
        "location": location(), "status": "INITIATED", "startTime": "2025-05-20T14:02:29Z"}))])
    started = start_test(client(http), SERIAL, {"iperfServerAddress": "10.0.0.5"}, None)
    http.assert_done()
    assert (started.task_id, started.location, started.status) == (TASK, location(), "INITIATED")


@pytest.mark.parametrize("answer, why", [
    ({"status": "INITIATED"}, "is empty"),
    ({"location": "/network-troubleshooting/v1/gateways/x/iperf"}, "is not a gateway iperf task path"),
    ({"location": location(serial="CNOTHER01")}, "names gateway CNOTHER01, not CNF7G9K001"),
])
def test_a_202_that_cannot_be_followed_may_have_started_a_test(answer, why):
    http = HttpMock([("POST", r"/iperf$", reply(202, json=answer))])
    with pytest.raises(CentralError) as caught:
        start_test(client(http), SERIAL, {"iperfServerAddress": "10.0.0.5"}, None)
    err = caught.value
    assert (err.error_type, err.may_have_run) == ("api_error", True)
    assert why in str(err) and "\n" not in str(err)


@pytest.mark.parametrize("answer, may_have_run", [
    (read_timeout(), True),
    (error_reply(502, "HPE_GL_ERROR_BAD_GATEWAY", "Bad gateway"), True),
    (error_reply(500, "HPE_GL_ERROR_INTERNAL_SERVER_ERROR", "An unexpected error occurred."), True),
    (reply(202, text="{\"location\": \"/netw"), True),
    (error_reply(400, "HPE_GL_ERROR_BAD_REQUEST", "Validation errors - duration"), False),
])
def test_which_failed_starts_may_have_started_a_test(answer, may_have_run):
    http = HttpMock([("POST", r"/iperf$", answer)])
    with pytest.raises(CentralError) as caught:
        start_test(client(http), SERIAL, {"iperfServerAddress": "10.0.0.5"}, None)
    assert caught.value.may_have_run is may_have_run


@pytest.mark.parametrize("version, status, code, message, error_type", [
    ("v1", 404, "HPE_GL_ERROR_NOT_FOUND", "Device not found: CNF7G9K001", "device_not_found"),
    ("v1alpha1", 404, "HPE_GRAVITY_DEVICE_NOT_FOUND", "Device not found: CNF7G9K001", "device_not_found"),
    ("v1", 409, "HPE_GL_ERROR_CONFLICT", "Device offline: CNF7G9K001", "device_offline"),
    ("v1alpha1", 409, "HPE_GRAVITY_DEVICE_OFFLINE", "Device offline: CNF7G9K001", "device_offline"),
    ("v1", 409, "HPE_GL_ERROR_CONFLICT", "Another troubleshooting operation is in progress for CNF7G9K001",
     "api_error"),
])
def test_errors_of_a_start(version, status, code, message, error_type):
    http = HttpMock([("POST", r"/iperf$", error_reply(status, code, message))])
    with pytest.raises(CentralError) as caught:
        start_test(client(http, version), SERIAL, {"iperfServerAddress": "10.0.0.5"}, None)
    assert caught.value.error_type == error_type
    assert message in str(caught.value)


@pytest.mark.parametrize("body", [{"message": "no Route matched with those values"}, {}, None])
def test_a_404_without_an_error_code_points_at_base_url_and_api_version(body):
    answer = reply(404, json=body) if body is not None else reply(404, text="Not Found")
    http = HttpMock([("POST", r"/iperf$", answer)])
    with pytest.raises(CentralError) as caught:
        start_test(client(http), SERIAL, {"iperfServerAddress": "10.0.0.5"}, None)
    err = caught.value
    assert err.error_type == "api_error"
    assert "check base_url and api_version (now v1)" in str(err)
    assert "serial" not in str(err)


# ---------------------------------------------------------------- polling


@pytest.mark.parametrize("code, message, error_type", [
    ("HPE_GL_ERROR_NOT_FOUND", "Async operation task not found: " + TASK, "task_not_found"),
    ("HPE_GL_ERROR_NOT_FOUND", "task ID or device serial was not found for this operation type", "task_not_found"),
    ("HPE_GRAVITY_TASK_NOT_FOUND", "Task not found", "task_not_found"),
    ("HPE_GL_ERROR_NOT_FOUND", "Device not found: CNF7G9K001", "device_not_found"),
])
def test_errors_of_a_poll(code, message, error_type):
    http = HttpMock([("GET", r"/async-operations/", error_reply(404, code, message))])
    with pytest.raises(CentralError) as caught:
        get_task(client(http), SERIAL, TASK, None)
    assert caught.value.error_type == error_type


@pytest.mark.parametrize("body, state", [
    ({"status": "INITIATED"}, RUNNING), ({"status": "running"}, RUNNING), ({"status": " Running "}, RUNNING),
    ({"status": "COMPLETED"}, FINISHED), ({"status": "completed"}, FINISHED), ({"status": "Failed"}, FINISHED),
    ({"status": "CANCELLED"}, UNKNOWN), ({"status": "SUCCEEDED"}, UNKNOWN),
    ({"status": None}, UNREADABLE), ({"status": ""}, UNREADABLE), ({"status": 3}, UNREADABLE), ({}, UNREADABLE),
    ([], UNREADABLE), ("COMPLETED", UNREADABLE), (None, UNREADABLE),
])
def test_task_state_reads_statuses_in_any_case(body, state):
    assert task_state(body) == state


@pytest.mark.parametrize("body, iperf_error, measured, expected", [
    ({"status": "COMPLETED"}, None, True, (None, None)),
    ({"status": "completed"}, None, True, (None, None)),
    ({"status": "COMPLETED", "failReason": None, "output": None}, None, False, ("no_measurement", "no figure")),
    ({"status": "COMPLETED", "failReason": "iperf3: error - the server is busy running a test. try again later"},
     None, False, ("server_busy", "server is busy")),
    ({"status": "COMPLETED", "failReason": "Test failed"}, "the server is busy running a test. try again later", False,
     ("server_busy", "Test failed")),
    ({"status": "COMPLETED"}, "unable to connect to server: Connection refused", True,
     ("server_unreachable", "Connection refused")),
    ({"status": "FAILED"}, None, False, ("test_failed", "FAILED without a reason")),
    ({"status": "FAILED", "failReason": "Device rebooted"}, None, False, ("test_failed", "Device rebooted")),
    ({"status": "CANCELLED"}, None, False, ("api_error", "'CANCELLED', which this collection does not know")),
])
def test_finished_outcome_decides_the_error_type_once(body, iperf_error, measured, expected):
    error_type, reason = finished_outcome(body, iperf_error, None, measured)
    assert error_type == expected[0]
    assert (reason is None) if expected[1] is None else expected[1] in reason


# ---------------------------------------------------------------- list-tasks


def test_list_task_ids_keeps_this_gateways_iperf_tests_newest_first():
    other = "0d6f5b1c-9c1e-4a57-9a43-3b6d1e0b7f11"
    http = HttpMock([("GET", r"/v1/gateways/CNF7G9K001/list-tasks$", reply(200, json=[
        {"testName": "ping", "locations": ["/network-troubleshooting/v1/gateways/%s/ping/async-operations/%s"
                                           % (SERIAL, other)]},
        {"testName": "iperf", "locations": [location(), location(task_id=other), "junk", location(serial="CNX1")]},
    ]))])
    assert list_task_ids(client(http), SERIAL, None) == [TASK, other]
    http.assert_done()


def test_list_task_ids_on_v1alpha1_says_there_is_no_such_call():
    with pytest.raises(CentralError, match="Central's v1alpha1 API has no list-tasks"):
        list_task_ids(client(HttpMock(), "v1alpha1"), SERIAL, None)

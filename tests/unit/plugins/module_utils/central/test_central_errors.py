# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import (
    ERROR_TYPES,
    CentralError,
    error_from_response,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.assertions import assert_one_line
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.echoed_secrets import ECHOED_TOKEN, LIST, leaked, static_token
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import HttpMock, error_reply
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.strategies import BOUNDED, JSON_VALUES

IPERF_PATH = "/network-troubleshooting/v1/gateways/CNF7G9K001/iperf"
TASK_PATH = IPERF_PATH + "/async-operations/c7a3f2d1-e8a9-4b7c-8d1e-0f9a3b2c1d0e"
NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


def body(code, message):
    return json.dumps({"errorCode": code, "message": message})


def test_error_types_are_the_result_contract_vocabulary():
    assert set(ERROR_TYPES) == {
        "test_failed", "server_busy", "server_unreachable", "device_offline", "device_not_found",
        "task_not_found", "timeout", "auth", "forbidden", "rate_limited", "no_measurement", "api_error",
    }


def test_unknown_error_type_is_refused():
    with pytest.raises(ValueError, match="not one of"):
        raise CentralError("boom", error_type="kaboom")


def test_message_is_one_line_and_to_dict_has_no_query_string():
    err = CentralError("first line\nsecond\tline", error_type="auth", status=401,
                       path="/network-monitoring/v1/gateways?next=abc&token=s3cr3t", method="get")
    assert str(err) == "first line second line"
    assert err.to_dict() == {"error_type": "auth", "status": 401, "error_code": None, "api_message": None,
                             "path": "/network-monitoring/v1/gateways"}
    assert err.method == "GET"
    assert "s3cr3t" not in repr(err)


def test_v1_device_not_found_message_names_what_why_and_what_to_do():
    err = error_from_response(404, body("HPE_GL_ERROR_NOT_FOUND", "Device not found: CNF7G9K001"), IPERF_PATH, "v1",
                              method="POST")
    assert err.error_type == "device_not_found"
    assert str(err) == (
        "POST %s failed: gateway not found in Central (HTTP 404 HPE_GL_ERROR_NOT_FOUND: Device not found: CNF7G9K001)"
        " - check the serial number and that the gateway belongs to this Central workspace" % IPERF_PATH)
    assert err.to_dict() == {"error_type": "device_not_found", "status": 404, "error_code": "HPE_GL_ERROR_NOT_FOUND",
                             "api_message": "Device not found: CNF7G9K001", "path": IPERF_PATH}


@pytest.mark.parametrize("status, code, message, error_type, advice", [
    # v1 (HPE_GL_ERROR_*)
    (400, "HPE_GL_ERROR_BAD_REQUEST", "Validation errors - packetSize must be between 10 and 2000", "api_error",
     "check the module parameters"),
    (401, "HPE_GL_ERROR_UNAUTHORIZED", "Authentication required.", "auth", "check client_id/client_secret or access_token"),
    (403, "HPE_GL_ERROR_FORBIDDEN", "Insufficient permissions to access this resource", "forbidden",
     "the API client lacks the network-troubleshooting permission"),
    (404, "HPE_GL_ERROR_NOT_FOUND", "Device not found: CNF7G9K001", "device_not_found", "check the serial number"),
    (404, "HPE_GL_ERROR_NOT_FOUND", "Async operation task not found: c7a3f2d1-e8a9-4b7c-8d1e-0f9a3b2c1d0e",
     "task_not_found", "start a new test"),
    (404, "HPE_GL_ERROR_NOT_FOUND", "task ID or device serial was not found for this operation type",
     "task_not_found", "start a new test"),
    (409, "HPE_GL_ERROR_CONFLICT", "Device offline: CNF7G9K001", "device_offline", "the gateway is offline in Central"),
    (429, "HPE_GL_ERROR_TOO_MANY_REQUESTS", "Rate limit exceeded.", "rate_limited",
     "Central's rate limit; lower forks or retry later"),
    (500, "HPE_GL_ERROR_INTERNAL_SERVER_ERROR", "An unexpected error occurred.", "api_error", "retry later"),
    # v1alpha1 (HPE_GRAVITY_*)
    (400, "HPE_GRAVITY_BAD_REQUEST", "Validation errors - packetSize must be between 10 and 2000", "api_error",
     "check the module parameters"),
    (401, "HPE_GRAVITY_UNAUTHORIZED", "Authentication required.", "auth", "check client_id/client_secret or access_token"),
    (404, "HPE_GRAVITY_DEVICE_NOT_FOUND", "Device not found: CNF7G9K001", "device_not_found", "check the serial number"),
    (404, "HPE_GRAVITY_TASK_NOT_FOUND", "Async operation task not found: c7a3f2d1-e8a9-4b7c-8d1e-0f9a3b2c1d0e",
     "task_not_found", "start a new test"),
    (409, "HPE_GRAVITY_DEVICE_OFFLINE", "Device offline: CNF7G9K001", "device_offline", "the gateway is offline in Central"),
    (409, "HPE_GRAVITY_DEVICE_NOT_READY", "Device not ready", "device_offline", "the gateway is offline in Central"),
    (429, "HPE_GRAVITY_TOO_MANY_REQUESTS", "Rate limit exceeded.", "rate_limited", "lower forks or retry later"),
    (500, "HPE_GRAVITY_INTERNAL_SERVER_ERROR", "An unexpected error occurred.", "api_error", "retry later"),
])
def test_both_api_versions_codes_map_to_the_taxonomy(status, code, message, error_type, advice):
    version = "v1alpha1" if code.startswith("HPE_GRAVITY") else "v1"
    err = error_from_response(status, body(code, message), TASK_PATH.replace("/v1/", "/%s/" % version), version, "GET")
    assert err.error_type == error_type
    assert err.status == status
    assert err.error_code == code
    assert err.api_message == message
    assert "HTTP %s %s: %s" % (status, code, message) in str(err)
    assert " - " in str(err) and advice in str(err).split(" - ", 1)[1]


def test_specific_code_wins_over_a_generic_status():
    err = error_from_response(400, body("HPE_GRAVITY_DEVICE_OFFLINE", "Device offline: X"), TASK_PATH, "v1alpha1")
    assert err.error_type == "device_offline"


def test_html_error_page_from_a_proxy_is_described_and_quoted_briefly():
    err = error_from_response(502, NGINX_502, TASK_PATH, "v1", "GET")
    text = str(err)
    assert err.error_type == "api_error" and err.status == 502
    assert "\n" not in text and "\r" not in text
    assert "HTML page" in text and "proxy" in text
    assert '"502 Bad Gateway 502 Bad Gateway nginx"' in text
    assert "<" not in text
    assert "retry later" in text


def test_a_long_non_json_body_is_quoted_to_at_most_80_characters():
    garbage = "x" * 50 + " " + "y" * 500
    err = error_from_response(500, garbage, TASK_PATH, "v1", "GET")
    quoted = str(err).split('"')[1]
    assert len(quoted) <= 80 and quoted.endswith("...")
    assert "not JSON" in str(err)


def test_empty_body_says_so():
    err = error_from_response(503, b"", TASK_PATH, "v1", "GET")
    assert "an empty body" in str(err)
    assert err.error_type == "api_error"


def test_404_without_a_central_error_body_points_at_base_url_and_api_version():
    err = error_from_response(404, "<html><title>404 Not Found</title></html>", TASK_PATH, "v1alpha1", "GET")
    assert err.error_type == "api_error"
    assert "check base_url and api_version (now v1alpha1)" in str(err)


def test_statuses_keep_their_meaning_without_a_json_body():
    assert error_from_response(401, "Unauthorized", TASK_PATH, "v1").error_type == "auth"
    assert error_from_response(429, "<html><title>Too Many</title></html>", TASK_PATH, "v1").error_type == "rate_limited"


def test_bytes_body_and_multiline_api_message_become_one_line():
    err = error_from_response(400, body("HPE_GL_ERROR_BAD_REQUEST", "duration must be\nbetween 10 and 120").encode(),
                              IPERF_PATH, "v1", "POST")
    assert err.api_message == "duration must be between 10 and 120"
    assert "\n" not in str(err)


def test_debug_id_is_kept_for_support():
    payload = json.dumps({"errorCode": "HPE_GL_ERROR_FORBIDDEN", "message": "Insufficient permissions",
                          "httpStatusCode": 403, "debugId": "abc-123"})
    assert "debugId abc-123" in str(error_from_response(403, payload, IPERF_PATH, "v1", "POST"))


def test_oauth_error_shape_is_understood():
    payload = {"error": "invalid_client", "error_description": "Client authentication failed"}
    err = error_from_response(401, payload, "https://sso.example/as/token.oauth2", None, "POST")
    assert err.error_code == "invalid_client"
    assert "Client authentication failed" in str(err)
    assert str(err).startswith("POST https://sso.example/as/token.oauth2 failed")


def test_redact_removes_secrets_everywhere():
    err = error_from_response(400, body("HPE_GL_ERROR_BAD_REQUEST", "bad token tok-SECRET-1"), IPERF_PATH, "v1", "POST")
    err.redact(["tok-SECRET-1", None, ""])
    assert "tok-SECRET-1" not in str(err) and "tok-SECRET-1" not in err.api_message
    assert "tok-SECRET-1" not in repr(err) and "tok-SECRET-1" not in " ".join(map(str, err.args))
    assert "********" in str(err)


def test_annotate_adds_to_the_reason_and_can_replace_the_advice():
    err = error_from_response(429, body("HPE_GL_ERROR_TOO_MANY_REQUESTS", "Rate limit exceeded."), TASK_PATH, "v1", "GET")
    err.annotate(" after 5 retries", hint="wait an hour")
    assert str(err) == ("GET %s failed: rate limited by Central after 5 retries (HTTP 429 HPE_GL_ERROR_TOO_MANY_REQUESTS: "
                        "Rate limit exceeded.) - wait an hour" % TASK_PATH)


@settings(max_examples=150, deadline=None)
@given(status=st.integers(min_value=400, max_value=599),
       payload=st.one_of(st.text(max_size=300), st.binary(max_size=300),
                         st.dictionaries(st.sampled_from(["errorCode", "message", "debugId", "error"]),
                                         st.one_of(st.text(max_size=80), st.integers(), st.none()))))
def test_any_answer_gives_a_one_line_message_and_a_known_type(status, payload):
    err = error_from_response(status, payload, TASK_PATH + "?secret=zz", "v1", "GET")
    text = str(err)
    assert err.error_type in ERROR_TYPES
    assert "\n" not in text and "\r" not in text
    assert text.startswith("GET %s failed: " % TASK_PATH)
    assert "secret=zz" not in text


def test_a_query_string_in_a_path_never_reaches_the_error():
    http = HttpMock([("GET", LIST, error_reply(404, "HPE_GL_ERROR_NOT_FOUND", "Resource not found."))])
    with pytest.raises(CentralError) as info:
        static_token(http).get(LIST + "?access_token=" + ECHOED_TOKEN)
    assert leaked(info.value, ECHOED_TOKEN) == []


BODIES = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda text: text.encode("utf-8")),
    st.dictionaries(st.sampled_from(["errorCode", "message", "debugId", "httpStatusCode", "error", "error_description"]),
                    JSON_VALUES, max_size=4).map(lambda value: json.dumps(value).encode("utf-8")),
    JSON_VALUES.map(lambda value: json.dumps(value).encode("utf-8")),
    st.sampled_from([b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
                     b'{"errorCode": "HPE_GRAVITY_TASK_NOT_FOUND", "message": "Async operation task not found"}',
                     b'{"errorCode": "HPE_GL_ERROR_NOT_FOUND", "message": "Device not found: CNF7G9K001"}',
                     b'{"errorCode": "HPE_GRAVITY_DEVICE_OFFLINE", "message": "Device offline"}', b"", b"\xff\xfe"]),
)


@BOUNDED
@given(st.integers(min_value=100, max_value=599) | st.sampled_from([0, 999, -1]), BODIES,
       st.sampled_from(["v1", "v1alpha1", None]), st.sampled_from(["GET", "POST", None]))
def test_any_error_answer_becomes_one_central_error(status, body, api_version, method):
    err = error_from_response(status, body, "/network-troubleshooting/v1/gateways/CN1/iperf?token=S3cr3t", api_version,
                              method)
    assert isinstance(err, CentralError)
    assert err.error_type in ERROR_TYPES
    assert_one_line(str(err))
    assert "S3cr3t" not in str(err) and "S3cr3t" not in json.dumps(err.to_dict())
    # A specific error code (..._NOT_FOUND, ..._OFFLINE, ..._NOT_READY) wins over the status; else the status decides.
    if not any(code in body for code in (b"NOT_FOUND", b"DEVICE_OFFLINE", b"NOT_READY")):
        expected = {401: "auth", 403: "forbidden", 429: "rate_limited"}.get(status)
        if expected:
            assert err.error_type == expected
        if status == 409:
            # a conflict is an offline gateway only when Central says so
            assert err.error_type == ("device_offline" if b"ffline" in body else "api_error")
        if status >= 500 or status == 400:
            assert err.error_type == "api_error"

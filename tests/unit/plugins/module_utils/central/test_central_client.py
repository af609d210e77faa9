# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import datetime
import ipaddress
import json
import random
import re
import socket
import ssl
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from ansible.module_utils.ansible_release import __version__ as ANSIBLE_CORE_VERSION

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import (
    COLLECTION_VERSION,
    CentralClient,
    safe_segment,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._troubleshooting import (
    iperf_path,
    task_path,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.echoed_secrets import (
    ECHOED_SECRET,
    ECHOED_TOKEN,
    LIST,
    client_credentials,
    leaked,
    static_token,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import (
    HttpMock,
    chunked_encoding_error,
    connect_timeout,
    connection_refused,
    connection_reset,
    dns_failure,
    error_reply,
    read_timeout,
    reply,
    tls_handshake_error,
    tls_verify_error,
)

BASE = "https://central.example.test"
SERIAL = "CNF7G9K001"
TASK = "c7a3f2d1-e8a9-4b7c-8d1e-0f9a3b2c1d0e"
TOKEN_URL = "https://sso.example.test/as/token.oauth2"
TOKEN_RE = r"^https://sso\.example\.test/as/token\.oauth2$"
SECRET = "s3cr3t-client-secret-value"
IPERF = "/network-troubleshooting/v1/gateways/%s/iperf" % SERIAL
TASK_PATH = IPERF + "/async-operations/" + TASK
TASK_RE = re.escape(BASE + TASK_PATH) + "$"
IPERF_RE = re.escape(BASE + IPERF) + "$"
RUNNING = {"status": "RUNNING", "progressPercent": 0, "startTime": "2025-05-20T14:02:29Z", "endTime": None,
           "output": None, "rawOutput": None}
STARTED = {"location": TASK_PATH, "status": "INITIATED", "startTime": "2025-05-20T14:02:29Z"}
RATE_LIMITED = ("HPE_GL_ERROR_TOO_MANY_REQUESTS", "Rate limit exceeded.")


class FixedRng:
    def __init__(self, value):
        self.value = value

    def random(self):
        return self.value


@pytest.fixture
def clock():
    return FakeClock()


def make_client(http, clock, **kwargs):
    kwargs.setdefault("access_token", "given-token")
    kwargs.setdefault("rng", FixedRng(0.0))  # backoff waits exactly half its cap: 0.5, 1, 2, 4, ...
    return CentralClient(BASE, session=http, clock=clock, **kwargs)


def credentials_client(http, clock, **kwargs):
    return CentralClient(BASE, client_id="client-1", client_secret=SECRET, token_url=TOKEN_URL, session=http,
                         clock=clock, rng=FixedRng(0.0), **kwargs)


def token_reply(token):
    return reply(200, json={"access_token": token, "token_type": "Bearer", "expires_in": 7200})


def too_many(headers=None):
    return error_reply(429, *RATE_LIMITED, headers=headers)


# ---- rate limiting ------------------------------------------------------------------------------------------------


def test_429_storm_with_retry_after_sleeps_what_central_asks(clock):
    http = HttpMock([
        ("GET", TASK_RE, too_many({"Retry-After": "3"})),
        ("GET", TASK_RE, too_many({"retry-after": "7"})),
        ("GET", TASK_RE, too_many({"RETRY-AFTER": "1"})),
        ("GET", TASK_RE, reply(200, json=RUNNING)),
    ])
    client = make_client(http, clock)
    assert client.get(TASK_PATH) == RUNNING
    http.assert_done()
    assert clock.sleeps == [3.0, 7.0, 1.0]
    assert client.stats == {"requests": 4, "retries": 3, "tokens_minted": 0}


def test_429_storm_without_hint_backs_off_with_jitter_and_ends_rate_limited(clock):
    http = HttpMock().expect("GET", TASK_RE, too_many(), times=5)
    client = make_client(http, clock, max_retries=4, rng=random.Random(3))
    with pytest.raises(CentralError) as info:
        client.get(TASK_PATH)
    http.assert_done()
    err = info.value
    assert err.error_type == "rate_limited" and err.status == 429
    assert "after 4 retries" in str(err) and "lower forks or retry later" in str(err)
    assert len(clock.sleeps) == 4
    for attempt, (delay, cap) in enumerate(zip(clock.sleeps, [1.0, 2.0, 4.0, 8.0])):
        assert cap / 2 <= delay <= cap, "retry %d waited %r" % (attempt, delay)
    assert len(set(clock.sleeps)) == 4


def test_max_retries_zero_means_one_request(clock):
    http = HttpMock([("GET", TASK_RE, too_many({"Retry-After": "1"}))])
    with pytest.raises(CentralError) as info:
        make_client(http, clock, max_retries=0).get(TASK_PATH)
    assert info.value.error_type == "rate_limited" and "retries" not in str(info.value)
    assert clock.sleeps == []


def test_x_ratelimit_reset_is_honoured(clock):
    http = HttpMock([
        ("GET", TASK_RE, too_many({"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0",
                                   "X-RateLimit-Reset": "2025-06-15T12:00:12Z"})),
        ("GET", TASK_RE, reply(200, json=RUNNING)),
    ])
    make_client(http, clock).get(TASK_PATH)
    assert clock.sleeps == [12.0]


def test_post_is_retried_on_429(clock):
    http = HttpMock([("POST", IPERF_RE, too_many({"Retry-After": "2"})), ("POST", IPERF_RE, reply(202, json=STARTED))])
    assert make_client(http, clock).post(IPERF, json={"iperfServerAddress": "192.0.2.10"}) == STARTED
    assert clock.sleeps == [2.0]
    assert [request.json for request in http.requests] == [{"iperfServerAddress": "192.0.2.10"}] * 2


# ---- deadlines -----------------------------------------------------------------------------------------------------


def test_retries_stop_at_the_deadline_with_timeout(clock):
    http = HttpMock().expect("GET", TASK_RE, error_reply(503, "HPE_GL_ERROR_SERVICE_UNAVAILABLE", "busy"), times=4)
    client = make_client(http, clock, max_retries=10, rng=FixedRng(0.999999))  # waits ~1, 2, 4, then 8 > 3 left
    with pytest.raises(CentralError) as info:
        client.get(TASK_PATH, deadline=clock.monotonic() + 10)
    http.assert_done()
    err = info.value
    assert err.error_type == "timeout"
    assert [round(delay) for delay in clock.sleeps] == [1, 2, 4]
    assert "the deadline passed after 3 retries" in str(err)
    assert "HTTP 503 HPE_GL_ERROR_SERVICE_UNAVAILABLE: busy" in str(err)
    assert clock.monotonic() < 1000 + 10


def test_a_server_wait_longer_than_the_time_left_fails_at_once_with_the_servers_reason(clock):
    http = HttpMock([("GET", TASK_RE, too_many({"Retry-After": "120"}))])
    with pytest.raises(CentralError) as info:
        make_client(http, clock).get(TASK_PATH, deadline=clock.monotonic() + 30)
    assert info.value.error_type == "rate_limited"
    assert "Central accepts requests again only at 2025-06-15T12:02:00Z (in 120 s), after this run's time budget " \
           "ends (in 30 s)" in str(info.value)
    assert "run again after that time, with fewer forks" in str(info.value)
    assert info.value.retry_after == 120.0
    assert clock.sleeps == []


def test_a_far_reset_without_a_deadline_is_not_waited_for_either(clock):
    http = HttpMock([("GET", TASK_RE, too_many({"X-RateLimit-Reset": "2025-06-15T12:50:00Z",
                                                "X-RateLimit-Remaining": "0"}))])
    with pytest.raises(CentralError) as info:
        make_client(http, clock).get(TASK_PATH)
    assert info.value.error_type == "rate_limited"
    assert "at 2025-06-15T12:50:00Z (in 3000 s)" in str(info.value)
    assert clock.sleeps == []


@pytest.mark.parametrize("answer", [read_timeout(), error_reply(503, "HPE_GL_ERROR_SERVICE_UNAVAILABLE", "down")])
def test_a_post_that_may_have_reached_central_says_so_and_is_not_resent(clock, answer):
    http = HttpMock([("POST", r"/iperf$", answer)])
    with pytest.raises(CentralError) as info:
        make_client(http, clock, max_retries=3).post(iperf_path("v1", SERIAL), json={"iperfServerAddress": "x"})
    assert info.value.may_have_run is True
    assert len(http.requests) == 1


def test_request_timeout_is_capped_by_the_time_left(clock):
    http = HttpMock([("GET", TASK_RE, reply(200, json=RUNNING)), ("GET", TASK_RE, reply(200, json=RUNNING))])
    client = make_client(http, clock, request_timeout=30)
    client.get(TASK_PATH, deadline=clock.monotonic() + 5)
    client.get(TASK_PATH, deadline=clock.monotonic() + 500)
    assert [request.timeout for request in http.requests] == [5.0, 30.0]


def test_a_passed_deadline_sends_nothing(clock):
    http = HttpMock()
    with pytest.raises(CentralError) as info:
        make_client(http, clock).get(TASK_PATH, deadline=clock.monotonic() - 1)
    assert info.value.error_type == "timeout"
    assert http.requests == []


def test_a_read_timeout_cut_short_by_the_deadline_is_a_timeout(clock):
    http = HttpMock([("GET", TASK_RE, read_timeout(BASE))])
    with pytest.raises(CentralError) as info:
        make_client(http, clock, request_timeout=30).get(TASK_PATH, deadline=clock.monotonic() + 4)
    assert info.value.error_type == "timeout"
    assert "deadline passed while waiting" in str(info.value)


# ---- tokens ----------------------------------------------------------------------------------------------------------


def test_token_expiring_between_two_calls_is_renewed_once(clock):
    http = HttpMock([
        ("POST", TOKEN_RE, token_reply("tok-1")),
        ("GET", TASK_RE, reply(200, json=RUNNING)),
        ("GET", TASK_RE, error_reply(401, "HPE_GL_ERROR_UNAUTHORIZED", "Authentication required.")),
        ("POST", TOKEN_RE, token_reply("tok-2")),
        ("GET", TASK_RE, reply(200, json=RUNNING)),
    ])
    client = credentials_client(http, clock)
    assert client.get(TASK_PATH) == RUNNING
    assert client.get(TASK_PATH) == RUNNING
    http.assert_done()
    assert [request.headers.get("Authorization") for request in http.requests] == \
        [None, "Bearer tok-1", "Bearer tok-1", None, "Bearer tok-2"]
    assert client.stats == {"requests": 5, "retries": 1, "tokens_minted": 2}
    assert clock.sleeps == []


def test_second_401_after_a_new_token_is_an_auth_error(clock):
    unauthorized = error_reply(401, "HPE_GL_ERROR_UNAUTHORIZED", "Authentication required.")
    http = HttpMock([
        ("POST", TOKEN_RE, token_reply("tok-1")),
        ("POST", IPERF_RE, unauthorized),
        ("POST", TOKEN_RE, token_reply("tok-2")),
        ("POST", IPERF_RE, unauthorized),
    ])
    client = credentials_client(http, clock)
    with pytest.raises(CentralError) as info:
        client.post(IPERF, json={"iperfServerAddress": "192.0.2.10"})
    http.assert_done()
    assert info.value.error_type == "auth" and info.value.status == 401
    assert "even with a newly minted token" in str(info.value)
    assert "check client_id/client_secret" in str(info.value)
    assert client.stats["tokens_minted"] == 2


def test_401_with_a_given_access_token_is_final(clock):
    http = HttpMock([("GET", TASK_RE, error_reply(401, "HPE_GL_ERROR_UNAUTHORIZED", "Authentication required."))])
    with pytest.raises(CentralError) as info:
        make_client(http, clock).get(TASK_PATH)
    http.assert_done()
    assert info.value.error_type == "auth"
    assert "the access_token is invalid or has expired" in str(info.value)
    assert str(info.value).endswith("get a new access_token, or use client_id/client_secret so tokens are renewed")


def test_token_endpoint_rejection_is_not_retried_and_keeps_the_secret_out(clock):
    rejection = {"error": "invalid_client", "error_description": "bad secret %s" % SECRET}
    http = HttpMock([("POST", TOKEN_RE, reply(401, json=rejection))])
    with pytest.raises(CentralError) as info:
        credentials_client(http, clock).get(TASK_PATH)
    http.assert_done()
    assert info.value.error_type == "auth"
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)
    assert SECRET not in (info.value.api_message or "")


def test_token_endpoint_503_is_retried(clock):
    http = HttpMock([
        ("POST", TOKEN_RE, reply(503, text="Service Unavailable", headers={"Retry-After": "2"})),
        ("POST", TOKEN_RE, token_reply("tok-1")),
        ("GET", TASK_RE, reply(200, json=RUNNING)),
    ])
    client = credentials_client(http, clock)
    client.get(TASK_PATH)
    assert clock.sleeps == [2.0]
    assert client.stats == {"requests": 3, "retries": 1, "tokens_minted": 1}


# ---- which failures are retried --------------------------------------------------------------------------------------


def test_500_is_not_retried_for_get_or_post(clock):
    server_error = error_reply(500, "HPE_GL_ERROR_INTERNAL_SERVER_ERROR", "An unexpected error occurred.")
    http = HttpMock([("GET", TASK_RE, server_error), ("POST", IPERF_RE, server_error)])
    client = make_client(http, clock)
    for call in (lambda: client.get(TASK_PATH), lambda: client.post(IPERF, json={})):
        with pytest.raises(CentralError) as info:
            call()
        assert info.value.error_type == "api_error" and info.value.status == 500
        assert "Central reported an internal error" in str(info.value)
    http.assert_done()
    assert clock.sleeps == []


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried_for_get(clock, status):
    http = HttpMock([("GET", TASK_RE, reply(status, text="<html><title>%d</title></html>" % status)),
                     ("GET", TASK_RE, reply(200, json=RUNNING))])
    assert make_client(http, clock).get(TASK_PATH) == RUNNING
    assert clock.sleeps == [0.5]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_not_retried_for_post(clock, status):
    http = HttpMock([("POST", IPERF_RE, reply(status, text="<html><title>%d Gateway trouble</title></html>" % status))])
    with pytest.raises(CentralError) as info:
        make_client(http, clock).post(IPERF, json={"iperfServerAddress": "192.0.2.10"})
    http.assert_done()
    assert info.value.status == status
    assert "HTML page" in str(info.value)
    assert clock.sleeps == []


@pytest.mark.parametrize("failure, reason", [
    (connection_refused(BASE), "connection refused (central.example.test)"),
    (dns_failure(BASE), "DNS lookup failed (central.example.test)"),
    (connect_timeout(BASE), "timed out while connecting"),
    (tls_handshake_error(BASE), "TLS handshake failed: [SSL: WRONG_VERSION_NUMBER] wrong version number"),
])
def test_failures_before_the_request_left_are_retried_even_for_post(clock, failure, reason):
    http = HttpMock([("POST", IPERF_RE, failure), ("POST", IPERF_RE, failure), ("POST", IPERF_RE, reply(202, json=STARTED))])
    assert make_client(http, clock).post(IPERF, json={"iperfServerAddress": "192.0.2.10"}) == STARTED
    assert clock.sleeps == [0.5, 1.0]
    # and with no retries left the message names the failure and what to check
    http = HttpMock([("POST", IPERF_RE, failure)])
    with pytest.raises(CentralError) as info:
        make_client(http, clock, max_retries=0).post(IPERF, json={})
    assert reason in str(info.value)
    assert "check base_url" in str(info.value)


@pytest.mark.parametrize("failure", [read_timeout(BASE), connection_reset(), chunked_encoding_error()],
                         ids=["read_timeout", "connection_reset", "chunked_encoding"])
def test_failures_after_the_request_left_are_retried_for_get_only(clock, failure):
    http = HttpMock([("GET", TASK_RE, failure), ("GET", TASK_RE, reply(200, json=RUNNING))])
    assert make_client(http, clock).get(TASK_PATH) == RUNNING
    http = HttpMock([("POST", IPERF_RE, failure)])
    with pytest.raises(CentralError) as info:
        make_client(http, clock).post(IPERF, json={"iperfServerAddress": "192.0.2.10"})
    http.assert_done()
    assert info.value.error_type == "api_error"
    assert "may have reached Central" in str(info.value)


def test_read_timeout_message_names_the_timeout(clock):
    http = HttpMock().expect("GET", TASK_RE, read_timeout(BASE), times=3)
    with pytest.raises(CentralError) as info:
        make_client(http, clock, max_retries=2, request_timeout=12).get(TASK_PATH)
    assert "no answer before the request timeout (central.example.test, request_timeout 12s) after 2 retries" in \
        str(info.value)


def test_certificate_verification_failure_is_not_retried_and_says_how_to_fix_it(clock):
    http = HttpMock([("GET", TASK_RE, tls_verify_error(BASE))])
    with pytest.raises(CentralError) as info:
        make_client(http, clock).get(TASK_PATH)
    http.assert_done()
    text = str(info.value)
    assert "TLS certificate verification failed: self-signed certificate in certificate chain" in text
    assert text.endswith("set ca_path to your CA bundle or validate_certs=false for a lab")


# ---- answers ----------------------------------------------------------------------------------------------------------


def test_malformed_json_in_a_2xx_answer(clock):
    http = HttpMock([("GET", TASK_RE, reply(200, text='{"status": "RUNN'))])
    with pytest.raises(CentralError) as info:
        make_client(http, clock).get(TASK_PATH)
    assert info.value.error_type == "api_error"
    assert "malformed JSON from Central" in str(info.value)
    assert '"{"status": "RUNN"' in str(info.value)


def test_html_page_instead_of_json_in_a_2xx_answer(clock):
    http = HttpMock([("GET", TASK_RE, reply(200, text="<!DOCTYPE html><html><head><title>Sign in - Central</title>"))])
    with pytest.raises(CentralError, match=r"malformed JSON from Central \(HTTP 200 with an HTML page .*Sign in - Central"):
        make_client(http, clock).get(TASK_PATH)


def test_empty_2xx_answer_is_an_empty_dict(clock):
    http = HttpMock([("POST", IPERF_RE, reply(202))])
    assert make_client(http, clock).post(IPERF, json={}) == {}


def test_html_error_page_is_quoted_briefly_on_one_line(clock):
    page = "<html>\n<head><title>403 Forbidden</title></head>\n<body>\n" + "<p>blocked by policy</p>\n" * 40 + "</body></html>"
    http = HttpMock([("GET", TASK_RE, reply(403, text=page))])
    with pytest.raises(CentralError) as info:
        make_client(http, clock).get(TASK_PATH)
    text = str(info.value)
    assert info.value.error_type == "forbidden"
    assert "\n" not in text and len(text.split('"')[1]) <= 80


@pytest.mark.parametrize("api_version, code, message, error_type", [
    ("v1", "HPE_GL_ERROR_NOT_FOUND", "Async operation task not found: %s" % TASK, "task_not_found"),
    ("v1", "HPE_GL_ERROR_NOT_FOUND", "Device not found: %s" % SERIAL, "device_not_found"),
    ("v1alpha1", "HPE_GRAVITY_TASK_NOT_FOUND", "Async operation task not found: %s" % TASK, "task_not_found"),
    ("v1alpha1", "HPE_GRAVITY_DEVICE_NOT_FOUND", "Device not found: %s" % SERIAL, "device_not_found"),
])
def test_404_task_versus_device_in_both_api_versions(clock, api_version, code, message, error_type):
    client = make_client(HttpMock(), clock, api_version=api_version)
    path = task_path(api_version, SERIAL, TASK)
    assert "/network-troubleshooting/%s/gateways/" % api_version in path
    client._session = http = HttpMock([("GET", re.escape(BASE + path) + "$", error_reply(404, code, message))])
    with pytest.raises(CentralError) as info:
        client.get(path)
    http.assert_done()
    assert info.value.error_type == error_type
    assert info.value.error_code == code and info.value.api_message == message


@pytest.mark.parametrize("api_version, code", [("v1", "HPE_GL_ERROR_CONFLICT"), ("v1alpha1", "HPE_GRAVITY_DEVICE_OFFLINE")])
def test_409_is_an_offline_gateway(clock, api_version, code):
    client = make_client(HttpMock(), clock, api_version=api_version)
    path = iperf_path(api_version, SERIAL)
    client._session = HttpMock([("POST", re.escape(BASE + path) + "$", error_reply(409, code, "Device offline: " + SERIAL))])
    with pytest.raises(CentralError) as info:
        client.post(path, json={"iperfServerAddress": "192.0.2.10"})
    assert info.value.error_type == "device_offline"
    assert "the gateway is offline in Central" in str(info.value)
    assert clock.sleeps == []


def test_403_is_forbidden_with_the_permission_hint(clock):
    forbidden = error_reply(403, "HPE_GL_ERROR_FORBIDDEN", "Insufficient permissions to access this resource",
                            httpStatusCode=403, debugId="dbg-1")
    http = HttpMock([("POST", IPERF_RE, forbidden)])
    with pytest.raises(CentralError) as info:
        make_client(http, clock).post(IPERF, json={})
    assert info.value.error_type == "forbidden"
    assert "debugId dbg-1" in str(info.value)
    assert "the API client lacks the network-troubleshooting permission" in str(info.value)


# ---- request shape --------------------------------------------------------------------------------------------------


def test_headers_user_agent_and_tls_settings(clock):
    http = HttpMock([("GET", r"/network-monitoring/v1/gateways$", reply(200, json={"items": []}))])
    client = make_client(http, clock)
    client.get(client.monitoring_path("gateways"), params={"limit": 100, "next": "2"})
    request = http.requests[0]
    assert request.headers["User-Agent"] == "aruba_central.troubleshooting/%s (+ansible-core/%s)" % (
        COLLECTION_VERSION, ANSIBLE_CORE_VERSION)
    assert COLLECTION_VERSION == "0.1.0"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Authorization"] == "Bearer given-token"
    assert request.params == {"limit": 100, "next": "2"}
    assert request.verify is True and request.timeout == 30.0


def test_verify_follows_validate_certs_and_ca_path(clock, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert make_client(HttpMock(), clock, ca_path=str(bundle)).verify == str(bundle)
    assert make_client(HttpMock(), clock, validate_certs=False, ca_path=str(bundle)).verify is False
    with pytest.raises(CentralError, match="ca_path .*missing.pem is not a file - point ca_path at a PEM bundle"):
        make_client(HttpMock(), clock, ca_path=str(tmp_path / "missing.pem"))


def test_paths_for_both_api_versions(clock):
    v1 = make_client(HttpMock(), clock)
    alpha = make_client(HttpMock(), clock, api_version="v1alpha1")
    assert v1.monitoring_path("gateways") == "/network-monitoring/v1/gateways"
    assert alpha.monitoring_path("gateways", SERIAL) == "/network-monitoring/v1alpha1/gateways/CNF7G9K001"


@pytest.mark.parametrize("bad", ["..", ".", "a/b", "", "x y", "CN1\n", "CN1?x=1", "%2e%2e", None, 5, "ü"])
def test_unsafe_path_segments_are_refused(clock, bad):
    client = make_client(HttpMock(), clock)
    with pytest.raises(CentralError) as info:
        safe_segment(bad)
    assert info.value.error_type == "api_error" and "unsafe path segment" in str(info.value)
    with pytest.raises(CentralError):
        client.monitoring_path("gateways", bad)


def test_api_version_and_numbers_are_checked(clock):
    with pytest.raises(ValueError, match="api_version 'v2' is not supported - use one of v1, v1alpha1"):
        make_client(HttpMock(), clock, api_version="v2")
    with pytest.raises(ValueError, match="request_timeout must be more than 0"):
        make_client(HttpMock(), clock, request_timeout=0)
    with pytest.raises(ValueError, match="max_retries must be 0 or more"):
        make_client(HttpMock(), clock, max_retries=-1)


def test_relative_or_absolute_urls_are_not_paths(clock):
    client = make_client(HttpMock(), clock)
    for bad in ("network-monitoring/v1/gateways", "https://elsewhere.example/x", "//elsewhere.example/x"):
        with pytest.raises(ValueError, match="path must be an absolute path below base_url"):
            client.get(bad)


# ---- base_url and token_url --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://central.example.test", "http://10.1.2.3:8080", "http://[2001:db8::1]/"])
def test_plain_http_is_refused_for_remote_hosts(clock, url):
    http = HttpMock()
    with pytest.raises(CentralError) as info:
        CentralClient(url, access_token="given-token", session=http, clock=clock)
    assert "uses plain http, which would send tokens unencrypted - use https" in str(info.value)
    assert http.requests == []


@pytest.mark.parametrize("url, expected", [
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    ("http://127.9.8.7", "http://127.9.8.7"),
    ("http://[::1]:9000", "http://[::1]:9000"),
    ("http://localhost:9000/prefix/", "http://localhost:9000/prefix"),
    ("https://central.example.test/", "https://central.example.test"),
])
def test_https_or_loopback_http_is_accepted(clock, url, expected):
    assert CentralClient(url, access_token="t", session=HttpMock(), clock=clock).base_url == expected


def test_allow_http_accepts_plain_http_anywhere(clock):
    assert CentralClient("http://lab-proxy.example.test", access_token="t", session=HttpMock(), clock=clock,
                         allow_http=True).base_url == "http://lab-proxy.example.test"


@pytest.mark.parametrize("url, message", [
    ("ftp://central.example.test", "is not an http(s) URL"),
    ("central.example.test", "is not an http(s) URL"),
    ("", "is not an http(s) URL"),
    ("https://admin:hunter22@central.example.test", "must not contain a user name or password"),
    ("https://central.example.test/?key=1", "must not have a query string"),
    ("https://central.example.test:44x3", "has an invalid port"),
    ("https://central.example.test:70000", "has an invalid port"),
])
def test_malformed_base_urls_are_refused_without_echoing_secrets(clock, url, message):
    with pytest.raises(CentralError) as info:
        CentralClient(url, access_token="t", session=HttpMock(), clock=clock)
    assert message in str(info.value)
    assert "hunter22" not in str(info.value)


def test_plain_http_token_url_is_refused_for_client_credentials(clock):
    with pytest.raises(CentralError, match="token_url .* uses plain http"):
        CentralClient(BASE, client_id="client-1", client_secret=SECRET, token_url="http://sso.example.test/token",
                      session=HttpMock(), clock=clock)


# ---- secrets -------------------------------------------------------------------------------------------------------


def test_no_secret_in_any_error_message_or_repr(clock):
    echo = "token tok-1 and secret %s are wrong" % SECRET
    http = HttpMock([
        ("POST", TOKEN_RE, token_reply("tok-1")),
        ("GET", TASK_RE, error_reply(400, "HPE_GL_ERROR_BAD_REQUEST", echo)),
    ])
    client = credentials_client(http, clock)
    with pytest.raises(CentralError) as info:
        client.get(TASK_PATH)
    err = info.value
    for text in (str(err), repr(err), err.api_message, repr(err.to_dict()), repr(client), " ".join(map(str, err.args))):
        assert "tok-1" not in text and SECRET not in text
    echoed = error_reply(400, "HPE_GL_ERROR_BAD_REQUEST", "bad header Bearer given-token")
    given = make_client(HttpMock([("GET", TASK_RE, echoed)]), clock)
    with pytest.raises(CentralError) as info:
        given.get(TASK_PATH)
    assert "given-token" not in str(info.value) and "given-token" not in repr(given)


def test_missing_credentials_are_an_auth_error(clock):
    with pytest.raises(CentralError) as info:
        CentralClient(BASE, session=HttpMock(), clock=clock)
    assert info.value.error_type == "auth"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 429, 500, 502])
@pytest.mark.parametrize("prefix", ["", "y" * 75])
def test_an_api_error_that_echoes_the_bearer_token_never_puts_it_in_the_error(status, prefix):
    http = HttpMock([("GET", LIST + "$", error_reply(status, "HPE_GL_ERROR_X", prefix + "token " + ECHOED_TOKEN + " refused"))])
    with pytest.raises(CentralError) as info:
        static_token(http).get(LIST)
    assert leaked(info.value, ECHOED_TOKEN) == []


def test_a_minted_token_echoed_by_a_later_error_is_redacted_too():
    http = HttpMock([
        ("POST", r"/as/token\.oauth2$", reply(200, json={"access_token": ECHOED_TOKEN, "expires_in": 7200})),
        ("GET", LIST + "$", error_reply(403, "HPE_GL_ERROR_FORBIDDEN", "Bearer %s may not list gateways" % ECHOED_TOKEN)),
    ])
    with pytest.raises(CentralError) as info:
        client_credentials(http).get(LIST)
    assert info.value.error_type == "forbidden"
    assert leaked(info.value, ECHOED_TOKEN, ECHOED_SECRET) == []


@pytest.mark.parametrize("suffix", ["\n", "\r\n", "\nX-Injected: 1"])
def test_an_access_token_with_a_line_break_is_refused_without_showing_it(suffix):
    client = CentralClient("http://127.0.0.1:%d" % _closed_port(), access_token=ECHOED_TOKEN + suffix, max_retries=0)
    with pytest.raises(CentralError) as info:
        client.get(LIST)
    assert leaked(info.value, ECHOED_TOKEN) == []
    assert "access_token" in str(info.value)


# ---- session lifecycle -------------------------------------------------------------------------------------------


def test_injected_session_is_not_closed_but_an_own_session_is(clock):
    http = HttpMock()
    with make_client(http, clock):
        pass
    assert http.closed is False
    own = CentralClient(BASE, access_token="t", clock=clock)
    assert isinstance(own._session, requests.Session)
    own.close()


def test_unverified_tls_does_not_warn_on_every_request(clock):
    def warn_like_urllib3(request):
        warnings.warn("Unverified HTTPS request is being made to host 'central.example.test'.")
        return reply(200, json=RUNNING)

    http = HttpMock([("GET", TASK_RE, warn_like_urllib3)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make_client(http, clock, validate_certs=False).get(TASK_PATH)
    assert not [item for item in caught if "Unverified HTTPS request" in str(item.message)]


# ---- real sockets on loopback: the classification holds for what requests really raises ------------------------


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_real_connection_refused_is_retried_for_post(clock):
    client = CentralClient("http://127.0.0.1:%d" % _closed_port(), access_token="t", clock=clock, max_retries=2,
                           rng=FixedRng(0.0), request_timeout=5)
    with pytest.raises(CentralError) as info:
        client.post("/network-troubleshooting/v1/gateways/%s/iperf" % SERIAL, json={})
    client.close()
    assert "connection refused (127.0.0.1:" in str(info.value) and "after 2 retries" in str(info.value)
    assert clock.sleeps == [0.5, 1.0]
    assert client.stats["requests"] == 3


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory):
    """A certificate for 127.0.0.1 that no system store trusts, and its key, as PEM files."""
    x509 = pytest.importorskip("cryptography.x509", reason="cryptography builds the test certificate")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "central-test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    directory = tmp_path_factory.mktemp("tls")
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


class _JsonHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        data = json.dumps(RUNNING).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def tls_server(self_signed):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _JsonHandler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "https://127.0.0.1:%d" % server.server_port
    server.shutdown()
    server.server_close()


def test_real_untrusted_certificate_fails_once_with_the_tls_hint(clock, tls_server):
    client = CentralClient(tls_server, access_token="t", clock=clock, request_timeout=5)
    with pytest.raises(CentralError) as info:
        client.get(TASK_PATH)
    client.close()
    assert "TLS certificate verification failed" in str(info.value)
    assert str(info.value).endswith("set ca_path to your CA bundle or validate_certs=false for a lab")
    assert client.stats["requests"] == 1 and clock.sleeps == []


def test_real_ca_path_or_validate_certs_false_connects(clock, tls_server, self_signed):
    with CentralClient(tls_server, access_token="t", clock=clock, ca_path=self_signed[0], request_timeout=5) as client:
        assert client.get(TASK_PATH) == RUNNING
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with CentralClient(tls_server, access_token="t", clock=clock, validate_certs=False, request_timeout=5) as client:
            assert client.get(TASK_PATH) == RUNNING
    assert not [item for item in caught if "Unverified HTTPS request" in str(item.message)]


def test_real_https_to_a_plain_http_port_is_a_handshake_failure(clock):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _JsonHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = CentralClient("https://127.0.0.1:%d" % server.server_port, access_token="t", clock=clock,
                               max_retries=1, rng=FixedRng(0.0), request_timeout=5)
        with pytest.raises(CentralError) as info:
            client.get(TASK_PATH)
        client.close()
    finally:
        server.shutdown()
        server.server_close()
    assert "TLS handshake failed" in str(info.value)
    assert client.stats["requests"] == 2

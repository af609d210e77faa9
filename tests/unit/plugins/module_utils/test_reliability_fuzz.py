# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property tests for what Central (or a proxy in front of it) may send back, and for what users may type.

Whatever the shape of a task body, an error answer, a header or a gateway item: nothing raises an unexpected
exception, every message is one line, and nothing is a success (or a PASS) unless a completed test measured it.
The iperf3 text parser and the unit parsers are fuzzed in ``test_iperf_fuzz.py``; this file covers the rest.
Runs are bounded and repeatable: derandomized, no example database, about 200 examples each.
"""

import json
import math
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import (
    ERROR_TYPES,
    CentralError,
    error_from_response,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._retry import retry_delay_from_headers
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._gateways import (
    NORMALISED_FIELDS,
    fetch_gateways,
    normalize_gateway,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._result import (
    build_result,
    failure_message,
    has_figures,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._poller import plan_next_delay
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._render import ReportInputError, render
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._thresholds import (
    evaluate,
    normalize_thresholds,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._troubleshooting import (
    RUNNING,
    iperf_path,
    parse_location,
    task_state,
    validate_serial,
    validate_task_id,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
RESULT_ERROR_TYPES = ("server_busy", "server_unreachable", "test_failed", "no_measurement", "api_error")
STATUSES = ["INITIATED", "RUNNING", "COMPLETED", "FAILED", "completed", "", "UNKNOWN"]
SEED_RAW = ("\nPerf-test: Finished\n\nConnecting to host 84.17.57.129, port 5201\n"
            "[  4] local 10.1.1.2 port 50123 connected to 84.17.57.129 port 5201\n"
            "[ ID] Interval           Transfer     Bandwidth       Retr  Cwnd\n"
            "[  4]   0.00-1.00   sec  6.42 MBytes  53.9 Mbits/sec    3    618 KBytes\n"
            "- - - - - - - - - - - - - - - - - - - - - - - - -\n"
            "[ ID] Interval           Transfer     Bandwidth       Retr\n"
            "[  4]   0.00-10.00  sec  11.4 MBytes  9.58 Mbits/sec  239             sender\n"
            "[  4]   0.00-10.00  sec  9.14 MBytes  7.67 Mbits/sec                  receiver\n\niperf Done.\n")
OUTPUT = {"iperfServerAddress": "84.17.57.129", "senderBandwidth": "9.58 Mbits/sec",
          "receiverBandwidth": "7.67 Mbits/sec", "totalTransferredBytesFromSender": "11.4 MBytes",
          "totalTransferredBytesFromReceiver": "9.14 MBytes",
          "metrics": [{"intervalInSeconds": "0.00-1.00", "bandwidthInbps": "53.9 Mbits/sec",
                       "transferSizeInBytes": "6.42 MBytes"}]}

# JSON values as a (broken) proxy or API could send them.
JSON_SCALARS = (st.none() | st.booleans() | st.integers(min_value=-10 ** 20, max_value=10 ** 20)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=12)


def is_json_string_or_none(value):
    return value is None or isinstance(value, str)


@st.composite
def task_bodies(draw):
    """Task bodies near the real ones: each field plausible, missing, or any JSON value."""
    body = {}
    plausible = {
        "status": st.sampled_from(STATUSES),
        "progressPercent": st.integers(min_value=-5, max_value=150) | st.text(max_size=4),
        "startTime": st.sampled_from(["2025-05-20T14:02:29.753198552Z", "", "yesterday"]),
        "endTime": st.sampled_from(["2025-05-20T14:03:27.301496079Z", None, "soon"]),
        "output": st.sampled_from([OUTPUT, {}, {"senderBandwidth": "fast"}, None]),
        "rawOutput": st.sampled_from([SEED_RAW, "", "iperf3: error - the server is busy running a test. try again later",
                                      "iperf3: error - unable to connect to server: Connection refused", None,
                                      SEED_RAW[:200]]),
        "failReason": st.sampled_from([None, "", "the server is busy", "Gateway rebooted", "timeout"]),
    }
    for key, strategy in plausible.items():
        choice = draw(st.integers(min_value=0, max_value=9))
        if choice == 0:
            continue
        body[key] = draw(strategy) if choice > 2 else draw(JSON_VALUES)
    return body


def may_succeed(body):
    """The contract: only a COMPLETED test (any case) without failReason and without an iperf3 error may succeed."""
    status = body.get("status")
    raw = body.get("rawOutput")
    return (isinstance(status, str) and status.strip().upper() == "COMPLETED" and not body.get("failReason")
            and not (isinstance(raw, str) and "iperf3: error" in raw))


def assert_contract(body, result):
    """Never a success that may not be one, never a success without a figure, and a figure means success."""
    measured = has_figures(result["upload"]) or has_figures(result["download"])
    if result["succeeded"]:
        assert may_succeed(body) and measured
    elif may_succeed(body):
        assert result["error_type"] == "no_measurement" and not measured


def assert_one_line(text):
    assert isinstance(text, str) and text.strip()
    assert "\n" not in text and "\r" not in text, repr(text)


def finite_json(value):
    json.dumps(value, allow_nan=False)


# ---------------------------------------------------------------- task body -> result -> verdict


@BOUNDED
@given(task_bodies())
@example({"status": "COMPLETED", "output": OUTPUT, "rawOutput": SEED_RAW, "failReason": None})
@example({"status": "COMPLETED", "output": None, "failReason": "the server is busy"})
@example({"status": "COMPLETED", "output": OUTPUT, "failReason": "Gateway rebooted"})
def test_any_plausible_task_body_gives_a_result_that_never_claims_success_wrongly(body):
    result = build_result("CNF7G9K001", str(uuid.UUID(int=1)), body, {"duration": 10, "port": 5201})
    assert_contract(body, result)
    if result["succeeded"]:
        assert result["error_type"] is None and result["fail_reason"] is None
    elif task_state(body) == RUNNING:
        assert result["error_type"] is None, "a running test is neither a pass nor a failure"
    else:
        assert result["error_type"] in RESULT_ERROR_TYPES
        assert_one_line(failure_message(result))
    finite_json(result)
    verdict = evaluate(result, {"min_receiver_mbps": 1, "max_stalled_intervals": 2})
    assert verdict["verdict"] != "PASS" or (result["succeeded"] and all(check["passed"] for check in verdict["checks"]))
    assert verdict["verdict"] == "ERROR" or result["succeeded"]
    assert_one_line(verdict["message"])


@pytest.mark.parametrize("body", [{"status": ["COMPLETED"]}, {"status": {"value": "RUNNING"}},
                                  {"status": "FAILED", "failReason": 5}, {"status": "COMPLETED", "failReason": ["x"]},
                                  {"status": "COMPLETED", "output": OUTPUT, "failReason": {"code": 1}}],
                         ids=["status-list", "status-object", "failReason-number", "failReason-list",
                              "failReason-object"])
def test_a_malformed_task_body_never_crashes_the_result(body):
    result = build_result("CNF7G9K001", str(uuid.UUID(int=1)), body)
    assert result["succeeded"] is False
    if result["error_type"]:
        assert_one_line(failure_message(result))
    finite_json(result)


@BOUNDED
@given(st.dictionaries(st.sampled_from(["status", "output", "rawOutput", "failReason", "progressPercent"]),
                       JSON_VALUES, max_size=5))
def test_any_json_task_body_never_crashes_the_result(body):
    result = build_result("CNF7G9K001", str(uuid.UUID(int=1)), body)
    if result["error_type"]:
        assert_one_line(failure_message(result))
    assert_contract(body, result)
    finite_json(result)


# ---------------------------------------------------------------- Central's error answers

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


# ---------------------------------------------------------------- retry headers and poll planning

HEADER_VALUES = st.one_of(
    st.text(max_size=30), st.integers(min_value=-10 ** 15, max_value=10 ** 15).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["2025-06-15T12:00:05Z", "2025-06-15T11:00:00Z", "Sun, 15 Jun 2025 12:00:07 GMT", "1749988805",
                     "1749988805000", "9" * 400, "nan", "-inf", "1e999", "", " 3 ", "0x10"]),
)
HEADERS = st.dictionaries(st.sampled_from(["Retry-After", "retry-after", "X-RateLimit-Reset", "x-ratelimit-remaining",
                                           "X-RateLimit-Remaining", "RateLimit-Reset", "Other"]), HEADER_VALUES,
                          max_size=4)


@BOUNDED
@given(HEADERS, st.booleans())
def test_any_rate_limit_headers_give_a_bounded_delay_or_none(headers, include_reset):
    delay = retry_delay_from_headers(headers, FakeClock(), include_reset=include_reset)
    assert delay is None or (isinstance(delay, float) and math.isfinite(delay) and 0.0 <= delay)


@BOUNDED
@given(JSON_VALUES | st.fixed_dictionaries({"progressPercent": JSON_VALUES | st.floats()}),
       st.floats(min_value=0, max_value=1e6), st.none() | st.floats(min_value=0, max_value=1e6), st.booleans())
def test_any_task_state_gives_a_poll_interval_within_bounds(body, elapsed, expected, confident):
    delay = plan_next_delay(body, elapsed, expected, confident, min_interval=1.0, max_interval=15.0)
    assert 1.0 <= delay <= 15.0


# ---------------------------------------------------------------- user input that ends up in a URL

LOCATION = "/network-troubleshooting/v1/gateways/CN1/iperf/async-operations/{0}"
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
@given(URL_TEXT | st.uuids().map(str) | st.uuids().map(LOCATION.format))
def test_a_task_id_taken_from_a_location_is_always_a_uuid(location):
    try:
        serial, task_id = parse_location(location)
    except ValueError as exc:
        assert_one_line(str(exc))
        return
    assert validate_task_id(task_id) == task_id and validate_serial(serial) == serial
    assert str(uuid.UUID(task_id)) == task_id.lower()


# ---------------------------------------------------------------- gateway items and threshold input


class ListingClient:
    """Answers the gateway list with one page of ``items``."""

    api_version = "v1"

    def __init__(self, items):
        self.items = items

    @staticmethod
    def monitoring_path(*parts):
        return "/network-monitoring/v1/" + "/".join(parts)

    def get(self, path, params=None, deadline=None):  # pylint: disable=unused-argument
        return {"items": self.items, "count": len(self.items), "next": None}


GATEWAY_ITEMS = st.lists(st.dictionaries(st.sampled_from(["serialNumber", "deviceName", "siteName", "status", "model",
                                                          "ipAddress", "serial_number", "name"]),
                                         JSON_SCALARS, max_size=6), max_size=5)


@BOUNDED
@given(GATEWAY_ITEMS)
def test_any_gateway_item_normalizes_to_every_field(items):
    for item in items:
        gateway = normalize_gateway(item)
        assert set(gateway) == set(NORMALISED_FIELDS)


@BOUNDED
@given(st.lists(st.dictionaries(st.sampled_from(["serialNumber", "deviceName", "status"]), JSON_VALUES, max_size=3),
                max_size=4))
@example([{"serialNumber": ["CN1"]}])
def test_any_gateway_listing_is_read_without_crashing(items):
    gateways = fetch_gateways(ListingClient(items))
    assert all(set(gateway) == set(NORMALISED_FIELDS) for gateway in gateways)


@BOUNDED
@given(st.dictionaries(st.sampled_from(["min_receiver_mbps", "max_retransmits", "max_loss_percent", "max_jitter_ms",
                                        "min_download_sender_mbps", "min_reciever_mbps", "max jitter"]),
                       JSON_VALUES, max_size=4)
       | JSON_VALUES)
def test_any_threshold_input_is_valid_or_one_line_value_error(thresholds):
    try:
        limits = normalize_thresholds(thresholds, "gateway_bandwidth_")
    except ValueError as exc:
        assert_one_line(str(exc))
        assert "gateway_bandwidth_" in str(exc) or "thresholds" in str(exc)
        return
    for value in limits.values():
        assert value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                                 and math.isfinite(value) and value >= 0)


def test_an_unknown_threshold_name_is_shown_on_one_line():
    with pytest.raises(ValueError) as info:
        normalize_thresholds({"min_receiver_mbps\r\nmax": 5})
    assert_one_line(str(info.value))


# ---------------------------------------------------------------- verdict records -> reports

VERDICT_RECORDS = st.fixed_dictionaries({
    "serial_number": st.none() | st.text(max_size=12),
    "verdict": st.sampled_from(["PASS", "FAIL", "ERROR", "pass", "GREAT", None]),
    "reason": st.none() | st.text(max_size=10),
    "message": st.none() | st.text(max_size=40),
    "checks": st.none() | st.lists(st.dictionaries(st.sampled_from(["name", "passed", "measured", "limit"]), JSON_SCALARS,
                                                   max_size=4), max_size=3),
    "measurements": st.none() | st.fixed_dictionaries({"upload": st.none() | st.dictionaries(
        st.sampled_from(["receiver_mbps", "sender_mbps", "intervals", "retransmits"]), JSON_VALUES, max_size=4)}),
}) | JSON_VALUES
HOSTS = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P"]), min_size=1, max_size=12)


@BOUNDED
@given(st.dictionaries(HOSTS, VERDICT_RECORDS, min_size=1, max_size=4),
       st.sampled_from(["json", "junit", "csv", "markdown", "html"]))
def test_any_verdict_records_render_every_host_and_never_a_false_pass(records, fmt):
    entries = [{"host": host, "record": record} for host, record in records.items()]
    try:
        text = render(fmt, entries, {"title": "fuzz", "generated_at": "2025-06-15T12:00:00Z"})
    except ReportInputError as exc:
        assert_one_line(str(exc))
        return
    assert isinstance(text, str) and text
    if fmt == "json":
        document = json.loads(text)
        by_host = {item["host"]: item for item in document["hosts"]}
        assert set(by_host) == set(records)
        for host, record in records.items():
            claimed = record.get("verdict") if isinstance(record, dict) else None
            if not (isinstance(claimed, str) and claimed.upper() == "PASS"):
                assert by_host[host]["verdict"] != "PASS", (host, record, by_host[host])
    elif fmt == "junit":
        ET.fromstring(text.encode("utf-8"))

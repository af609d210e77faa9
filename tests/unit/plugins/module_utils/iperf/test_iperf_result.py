# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A Central task body becomes the gateway_iperf result: never a pass unless measured."""

import copy
import json
import os
import uuid

import pytest
from hypothesis import example, given, strategies as st

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._troubleshooting import RUNNING, task_state
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._result import (
    build_result,
    failure_message,
    has_figures,
    intervals_from_output,
)
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._thresholds import evaluate
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.assertions import assert_one_line
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.paths import fixture_path
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.strategies import BOUNDED, JSON_VALUES

FIXTURES = fixture_path("iperf")
ALL_RAW = {"sender": {"bits_per_second": "raw_output", "bytes": "raw_output", "retransmits": "raw_output"},
           "receiver": {"bits_per_second": "raw_output", "bytes": "raw_output"}, "intervals": "raw_output"}


def sample(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return handle.read()


def test_the_seed_document_gives_the_documented_numbers(seed):
    result = build_result("CNF7G9K001", "8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f", seed)
    assert result["succeeded"] is True
    assert result["error_type"] is None
    assert result["status"] == "COMPLETED"
    assert result["iperf_version"] == "3.0.11"
    assert (result["protocol"], result["streams"], result["duration_seconds"]) == ("tcp", 1, 10)
    assert result["server_address"] == "84.17.57.129"
    upload = result["upload"]
    # 9.58 Mbits/sec = 9.58 * 1000**2; 11.4 MBytes = round(11.4 * 1024**2) = 11953766
    assert upload["sender"] == {"bits_per_second": 9580000, "bytes": 11953766, "retransmits": 239}
    # 7.67 Mbits/sec; 9.14 MBytes = round(9.14 * 1048576) = 9583985
    assert upload["receiver"] == {"bits_per_second": 7670000, "bytes": 9583985}
    assert len(upload["intervals"]) == 10
    assert upload["stalled_intervals"] == 7
    assert upload["sources"] == ALL_RAW
    assert result["download"] is None
    assert result["output"] == seed["output"]
    assert result["raw_output"] == seed["rawOutput"]


def test_without_raw_output_the_numbers_come_from_the_output_strings(seed):
    body = copy.deepcopy(seed)
    body.pop("rawOutput")
    result = build_result("CN1", "t", body)
    assert result["succeeded"] is True
    upload = result["upload"]
    assert upload["sender"] == {"bits_per_second": 9580000, "bytes": 11953766, "retransmits": None}
    assert upload["receiver"] == {"bits_per_second": 7670000, "bytes": 9583985}
    assert [i["bits_per_second"] for i in upload["intervals"]][:2] == [53900000, 0]
    assert upload["intervals"][0]["bytes"] == 6731858  # 6.42 MBytes
    assert upload["stalled_intervals"] == 7
    assert upload["sources"] == {"sender": {"bits_per_second": "output", "bytes": "output", "retransmits": None},
                                 "receiver": {"bits_per_second": "output", "bytes": "output"}, "intervals": "output"}
    assert result["iperf_version"] is None, "not invented when the raw text is absent"


def test_completed_with_fail_reason_is_a_failure_never_a_pass():
    body = {"status": "COMPLETED", "progressPercent": 100, "output": None, "rawOutput": None,
            "failReason": "iperf3: error - the server is busy running a test. try again later",
            "startTime": "2025-05-20T14:02:29Z", "endTime": "2025-05-20T14:02:40Z"}
    result = build_result("CN1", "t", body)
    assert result["succeeded"] is False
    assert result["error_type"] == "server_busy"
    assert result["upload"] is None and result["download"] is None
    assert "busy" in failure_message(result)


@pytest.mark.parametrize("extra", [{}, {"output": None, "rawOutput": None, "failReason": None},
                                   {"output": {}, "rawOutput": "\nPerf-test: Finished\n\n"}])
def test_completed_without_any_figure_is_no_measurement_never_a_pass(extra):
    result = build_result("CN1", "t", dict({"status": "COMPLETED", "progressPercent": 100}, **extra))
    assert result["succeeded"] is False
    assert result["error_type"] == "no_measurement"
    assert "no figure" in result["fail_reason"]
    assert "no_measurement" not in failure_message(result) and "run it again" in failure_message(result)


def test_a_text_cut_before_its_summary_takes_the_summary_from_the_output_strings(seed):
    body = copy.deepcopy(seed)
    body["rawOutput"] = body["rawOutput"].split("- - - - -")[0]
    result = build_result("CN1", "t", body)
    assert result["succeeded"] is True
    upload = result["upload"]
    assert len(upload["intervals"]) == 10
    assert upload["sender"] == {"bits_per_second": 9580000, "bytes": 11953766, "retransmits": None}
    assert upload["receiver"] == {"bits_per_second": 7670000, "bytes": 9583985}
    assert upload["sources"] == {"sender": {"bits_per_second": "output", "bytes": "output", "retransmits": None},
                                 "receiver": {"bits_per_second": "output", "bytes": "output"},
                                 "intervals": "raw_output"}


def test_a_figure_missing_everywhere_stays_missing(seed):
    body = copy.deepcopy(seed)
    body["rawOutput"] = body["rawOutput"].split("- - - - -")[0]
    del body["output"]["receiverBandwidth"]
    upload = build_result("CN1", "t", body)["upload"]
    assert upload["receiver"] == {"bits_per_second": None, "bytes": 9583985}
    assert upload["sources"]["receiver"] == {"bits_per_second": None, "bytes": "output"}


UDP_30 = {"status": "COMPLETED", "progressPercent": 100, "failReason": None,
          "rawOutput": "\nPerf-test: Finished\n\n" + sample("iperf-3.0.11_udp_10M.txt"),
          "output": {"senderBandwidth": "9.68 Mbits/sec", "totalTransferredBytesFromSender": "3.46 MBytes"}}


def test_iperf_30_udp_receiver_is_derived_from_the_datagrams_when_central_has_no_receiver_figure():
    upload = build_result("CN1", "t", UDP_30)["upload"]
    # the one combined summary line: 3.46 MBytes, 9.68 Mbits/sec, 27 of 440 datagrams lost
    assert upload["sender"]["bits_per_second"] == 9680000
    assert upload["udp"]["lost_datagrams"] == 27 and upload["udp"]["total_datagrams"] == 440
    assert upload["receiver"] == {"bits_per_second": round(9680000 * 413 / 440.0),
                                  "bytes": round(round(3.46 * 1048576) * 413 / 440.0)}
    assert upload["sources"]["receiver"] == {"bits_per_second": "derived", "bytes": "derived"}


def test_iperf_30_udp_receiver_comes_from_central_when_it_has_one():
    body = copy.deepcopy(UDP_30)
    body["output"]["receiverBandwidth"] = "9.10 Mbits/sec"
    upload = build_result("CN1", "t", body)["upload"]
    assert upload["receiver"]["bits_per_second"] == 9100000
    assert upload["sources"]["receiver"]["bits_per_second"] == "output"
    assert upload["sources"]["receiver"]["bytes"] == "derived"


def test_failed_status_is_a_failure():
    result = build_result("CN1", "t", {"status": "FAILED", "progressPercent": 40, "failReason": "Device rebooted"})
    assert result["succeeded"] is False
    assert result["error_type"] == "test_failed"
    assert result["fail_reason"] == "Device rebooted"


@pytest.mark.parametrize("status", ["CANCELLED", "TIMEOUT", "succeeded"])
def test_a_status_central_does_not_document_is_an_api_error_naming_it(status, seed):
    result = build_result("CN1", "t", dict(seed, status=status))
    assert result["succeeded"] is False
    assert result["error_type"] == "api_error"
    assert repr(status) in result["fail_reason"]


def test_lower_case_statuses_are_read_as_central_documents_them(seed):
    result = build_result("CN1", "t", dict(seed, status="completed"))
    assert (result["succeeded"], result["status"]) == (True, "COMPLETED")
    running = build_result("CN1", "t", {"status": "running"}, timed_out=True)
    assert (running["succeeded"], running["error_type"], running["status"]) == (False, "timeout", "RUNNING")


def test_an_iperf_error_in_the_raw_output_is_a_failure_even_with_output(seed):
    body = copy.deepcopy(seed)
    body["rawOutput"] = "\nPerf-test: Finished\n\niperf3: error - unable to connect to server: Connection refused\n"
    result = build_result("CN1", "t", body)
    assert result["succeeded"] is False
    assert result["error_type"] == "server_unreachable"
    assert result["fail_reason"] == "unable to connect to server: Connection refused"


@pytest.mark.parametrize("status", ["INITIATED", "RUNNING"])
def test_a_running_test_is_neither_pass_nor_failure(status):
    result = build_result("CN1", "t", {"status": status, "progressPercent": 0, "output": None, "rawOutput": None})
    assert result["succeeded"] is False
    assert result["error_type"] is None
    assert result["upload"] is None


def test_request_fills_what_the_text_does_not_carry():
    body = {"status": "COMPLETED", "output": {"senderBandwidth": "1.00 Mbits/sec"}}
    request = {"server_address": "10.0.0.1", "port": 5202, "protocol": "udp", "parallel": 2, "duration": 20}
    result = build_result("CN1", "t", body, request)
    assert (result["server_address"], result["server_port"]) == ("10.0.0.1", 5202)
    assert (result["protocol"], result["streams"], result["duration_seconds"]) == ("udp", 2, 20)


def test_malformed_output_strings_give_none_not_an_exception():
    output = {"senderBandwidth": "fast", "metrics": [{"intervalInSeconds": "x", "bandwidthInbps": "??"}, "junk"]}
    intervals = intervals_from_output(output)
    assert intervals[0]["bits_per_second"] is None and intervals[0]["start"] is None
    result = build_result("CN1", "t", {"status": "COMPLETED", "output": output})
    assert result["error_type"] == "no_measurement"


# ---------------------------------------------------------------- any task body: never a success that is not one

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


def finite_json(value):
    json.dumps(value, allow_nan=False)


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

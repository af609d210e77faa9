# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import copy
import json
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._parser import parse_iperf
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._result import build_result
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._thresholds import (
    THRESHOLDS,
    evaluate,
    format_mbps,
    input_problems,
    normalize_thresholds,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.assertions import assert_one_line
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.paths import fixture_path
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.strategies import BOUNDED, JSON_VALUES

FIXTURES = fixture_path()
VERDICT_KEYS = {"serial_number", "verdict", "reason", "message", "error_type", "checks", "skipped_checks",
                "thresholds", "test", "measurements"}


def fixture_text(*parts):
    with open(os.path.join(FIXTURES, *parts), encoding="utf-8") as handle:
        return handle.read()


def direction(receiver_mbps=100.0, sender_mbps=None, retransmits=0, stalled=0, udp=None, intervals=None):
    sender_mbps = receiver_mbps * 1.02 if sender_mbps is None else sender_mbps
    if intervals is None:
        intervals = [{"start": float(i), "end": float(i + 1), "bits_per_second": 0 if i < stalled else int(receiver_mbps * 1e6),
                      "bytes": 1, "retransmits": 0, "cwnd_bytes": None, "omitted": False} for i in range(10)]
    return {
        "sender": {"bits_per_second": int(round(sender_mbps * 1e6)), "bytes": 1000, "retransmits": retransmits},
        "receiver": {"bits_per_second": int(round(receiver_mbps * 1e6)), "bytes": 990},
        "intervals": intervals,
        "stalled_intervals": stalled,
        "udp": udp,
    }


def result(upload=None, download=None, protocol="tcp", **extra):
    base = {
        "serial_number": "CNF7G9K001", "task_id": "8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f", "status": "COMPLETED",
        "succeeded": True, "error_type": None, "fail_reason": None, "server_address": "127.0.0.1", "server_port": 5201,
        "iperf_version": "3.0.11", "protocol": protocol, "streams": 1, "duration_seconds": 10,
        "start_time": "2025-05-20T14:02:29Z", "end_time": "2025-05-20T14:03:27Z",
        "upload": direction() if upload is None else upload, "download": download,
    }
    base.update(extra)
    return base


def udp_direction(jitter_ms=0.5, loss_percent=0.0, receiver_mbps=1.0):
    return direction(receiver_mbps=receiver_mbps, retransmits=None,
                     udp={"jitter_ms": jitter_ms, "lost_datagrams": 0, "total_datagrams": 100, "loss_percent": loss_percent})


def only_check(verdict, name, direction_name="upload"):
    found = [c for c in verdict["checks"] if c["name"] == name and c["direction"] == direction_name]
    assert len(found) == 1, verdict["checks"]
    return found[0]


# --- the Central seed, end to end through the result builder --------------------------------------------------


def test_the_seed_result_fails_on_bandwidth_and_stalls_with_numbers_and_limits():
    body = json.loads(fixture_text("central", "seed_result.json"))
    seed = build_result("CNF7G9K001", "8c9f", body, {"port": 5201})
    verdict = evaluate(seed, {"min_receiver_mbps": "50", "max_stalled_intervals": 2})
    assert verdict["verdict"] == "FAIL"
    assert verdict["reason"] == "threshold"
    assert verdict["message"] == "upload receiver 7.67 Mbit/s < 50 Mbit/s; upload stalled intervals 7 > 2"
    receiver = only_check(verdict, "min_receiver_mbps")
    assert (receiver["measured"], receiver["limit"], receiver["operator"], receiver["passed"]) == (7.67, 50, ">=", False)
    assert only_check(verdict, "max_stalled_intervals")["measured"] == 7
    assert verdict["measurements"]["upload"]["sender_mbps"] == 9.58
    assert verdict["measurements"]["upload"]["retransmits"] == 239
    assert verdict["measurements"]["download"] is None
    assert verdict["test"]["port"] == 5201 and verdict["test"]["iperf_version"] == "3.0.11"


# --- each threshold, passing and failing ----------------------------------------------------------------------


@pytest.mark.parametrize("name, value, limit, passed, message", [
    ("min_receiver_mbps", direction(receiver_mbps=94.1), 50, True, "upload receiver 94.1 Mbit/s >= 50 Mbit/s"),
    ("min_receiver_mbps", direction(receiver_mbps=7.67), 50, False, "upload receiver 7.67 Mbit/s < 50 Mbit/s"),
    ("min_sender_mbps", direction(receiver_mbps=40, sender_mbps=941.4), 900, True, "upload sender 941 Mbit/s >= 900 Mbit/s"),
    ("min_sender_mbps", direction(receiver_mbps=40, sender_mbps=9.58), 10, False, "upload sender 9.58 Mbit/s < 10 Mbit/s"),
    ("max_retransmits", direction(retransmits=12), 100, True, "upload retransmits 12 <= 100"),
    ("max_retransmits", direction(retransmits=239), 100, False, "upload retransmits 239 > 100"),
    ("max_stalled_intervals", direction(stalled=2), 2, True, "upload stalled intervals 2 <= 2"),
    ("max_stalled_intervals", direction(stalled=3), 2, False, "upload stalled intervals 3 > 2"),
])
def test_tcp_thresholds_pass_and_fail_with_measured_and_limit(name, value, limit, passed, message):
    verdict = evaluate(result(upload=value), {name: limit})
    check = only_check(verdict, name)
    assert check["passed"] is passed
    assert check["limit"] == limit
    assert check["message"] == message
    assert verdict["verdict"] == ("PASS" if passed else "FAIL")
    assert verdict["reason"] == (None if passed else "threshold")


@pytest.mark.parametrize("name, value, limit, passed, measured, message", [
    ("max_loss_percent", udp_direction(loss_percent=0.5), 1, True, 0.5, "upload loss 0.5 % <= 1 %"),
    ("max_loss_percent", udp_direction(loss_percent=22), 1, False, 22, "upload loss 22 % > 1 %"),
    ("max_jitter_ms", udp_direction(jitter_ms=0.016), 1, True, 0.016, "upload jitter 0.016 ms <= 1 ms"),
    ("max_jitter_ms", udp_direction(jitter_ms=30.5), "20", False, 30.5, "upload jitter 30.5 ms > 20 ms"),
])
def test_udp_thresholds_pass_and_fail(name, value, limit, passed, measured, message):
    verdict = evaluate(result(upload=value, protocol="udp"), {name: limit})
    check = only_check(verdict, name)
    assert (check["passed"], check["measured"], check["message"]) == (passed, measured, message)
    assert verdict["verdict"] == ("PASS" if passed else "FAIL")


def test_udp_thresholds_are_skipped_on_tcp_and_say_so():
    verdict = evaluate(result(), {"max_jitter_ms": 1, "max_loss_percent": "0.1"})
    assert verdict["verdict"] == "PASS"
    assert verdict["checks"] == []
    assert [s["name"] for s in verdict["skipped_checks"]] == ["max_loss_percent", "max_jitter_ms"]
    assert "UDP tests only, this was a tcp test" in verdict["skipped_checks"][1]["message"]


def test_retransmits_are_skipped_on_udp():
    verdict = evaluate(result(upload=udp_direction(), protocol="udp"), {"max_retransmits": 10})
    assert verdict["checks"] == []
    assert verdict["skipped_checks"][0]["name"] == "max_retransmits"
    assert "TCP tests only" in verdict["skipped_checks"][0]["message"]


def test_protocol_is_inferred_from_udp_blocks_when_the_result_does_not_name_it():
    verdict = evaluate(result(upload=udp_direction(jitter_ms=5), protocol=None), {"max_jitter_ms": 1})
    assert only_check(verdict, "max_jitter_ms")["passed"] is False


@pytest.mark.parametrize("extra, hint", [
    ({"raw_output": None, "output": {"senderBandwidth": "1 Mbits/sec"}},
     "only iperf3's text carries retransmits and Central sent none (keep include_raw_output on)"),
    ({"raw_output": "Connecting to host 127.0.0.1 ...", "output": {}},
     "iperf3's text has no sender summary with them (the text was cut short)"),
])
def test_a_threshold_whose_number_is_missing_is_an_error_with_a_true_hint(extra, hint):
    upload = direction(retransmits=None)
    verdict = evaluate(result(upload=upload, **extra), {"max_retransmits": 100, "min_receiver_mbps": 10})
    check = only_check(verdict, "max_retransmits")
    assert check["passed"] is False and check["measured"] is None and check["missing"] is True
    assert hint in check["message"]
    assert (verdict["verdict"], verdict["reason"], verdict["error_type"]) == ("ERROR", "no_measurement",
                                                                              "no_measurement")
    assert verdict["message"].startswith("no_measurement: max_retransmits: upload retransmits was not measured")


def test_a_measured_miss_is_a_fail_even_when_another_figure_is_missing():
    upload = direction(receiver_mbps=5, retransmits=None)
    verdict = evaluate(result(upload=upload), {"max_retransmits": 100, "min_receiver_mbps": 10})
    assert (verdict["verdict"], verdict["reason"]) == ("FAIL", "threshold")
    assert verdict["message"].startswith("upload receiver 5.00 Mbit/s < 10 Mbit/s; max_retransmits:")


def test_missing_udp_numbers_are_an_error_for_the_udp_thresholds():
    upload = direction(retransmits=None, udp=None)
    verdict = evaluate(result(upload=upload, protocol="udp", raw_output="x"), {"max_loss_percent": 1})
    assert only_check(verdict, "max_loss_percent")["passed"] is False
    assert verdict["verdict"] == "ERROR"
    assert "iperf3's text has no UDP receiver summary" in verdict["message"]


def test_stalled_intervals_are_counted_from_the_intervals_without_the_omitted_ones():
    intervals = [{"start": 0.0, "end": 1.0, "bits_per_second": 0, "omitted": True},
                 {"start": 0.0, "end": 1.0, "bits_per_second": 0, "omitted": False},
                 {"start": 1.0, "end": 2.0, "bits_per_second": 5e6, "omitted": False},
                 {"start": 2.0, "end": 3.0, "bits_per_second": 0}]
    upload = direction(intervals=intervals)
    del upload["stalled_intervals"]
    verdict = evaluate(result(upload=upload), {"max_stalled_intervals": 1})
    assert only_check(verdict, "max_stalled_intervals")["measured"] == 2
    assert verdict["measurements"]["upload"]["intervals"][2] == {"start": 1.0, "end": 2.0, "mbps": 5.0}


def test_stalled_intervals_without_any_interval_numbers_are_an_error():
    upload = direction(intervals=[])
    upload["stalled_intervals"] = None
    verdict = evaluate(result(upload=upload), {"max_stalled_intervals": 2})
    assert "the result has no per-interval figures" in only_check(verdict, "max_stalled_intervals")["message"]
    assert verdict["verdict"] == "ERROR"


def test_a_miss_never_looks_like_a_tie_in_the_message():
    verdict = evaluate(result(upload=direction(receiver_mbps=49.996)), {"min_receiver_mbps": 50})
    assert verdict["message"] == "upload receiver 49.996 Mbit/s < 50 Mbit/s"


@pytest.mark.parametrize("mbps, text", [(0, "0.00"), (7.67, "7.67"), (9.999, "10.0"), (53.9, "53.9"), (99.96, "100"),
                                        (940.4, "940"), (24937.5, "24900")])
def test_bandwidth_is_printed_with_three_significant_digits_like_iperf(mbps, text):
    assert format_mbps(mbps) == text


# --- unset thresholds, survey strings, bad input --------------------------------------------------------------


def test_unset_thresholds_are_not_checked_and_a_measured_test_passes():
    verdict = evaluate(result(upload=direction(receiver_mbps=1.5, stalled=9)), dict((name, "") for name in THRESHOLDS))
    assert verdict["verdict"] == "PASS"
    assert verdict["checks"] == []
    assert verdict["message"] == "upload receiver 1.50 Mbit/s; no thresholds set"
    assert set(verdict["thresholds"].values()) == {None}


def test_thresholds_none_and_missing_mean_unset():
    assert evaluate(result(), None)["thresholds"] == evaluate(result(), {"min_receiver_mbps": None})["thresholds"]


def test_survey_strings_are_numbers():
    verdict = evaluate(result(upload=direction(receiver_mbps=60)), {
        "min_receiver_mbps": " 50 ", "max_retransmits": "10", "max_stalled_intervals": "2", "max_jitter_ms": "0.25",
        "max_loss_percent": "1e-1"})
    limits = verdict["thresholds"]
    assert limits["min_receiver_mbps"] == 50 and isinstance(limits["min_receiver_mbps"], int)
    assert limits["max_retransmits"] == 10 and limits["max_stalled_intervals"] == 2
    assert limits["max_jitter_ms"] == 0.25 and limits["max_loss_percent"] == 0.1
    assert verdict["verdict"] == "PASS"


@pytest.mark.parametrize("name, value, expected", [
    ("min_receiver_mbps", "fast", "gateway_bandwidth_min_receiver_mbps must be a number >= 0 or empty to leave it unchecked, got 'fast'"),
    ("min_receiver_mbps", -5, "gateway_bandwidth_min_receiver_mbps must be a number >= 0 or empty to leave it unchecked, got -5"),
    ("min_sender_mbps", "-5", "got '-5'"),
    ("min_sender_mbps", True, "got True"),
    ("max_jitter_ms", float("nan"), "got nan"),
    ("max_jitter_ms", "inf", "got 'inf'"),
    ("max_jitter_ms", [1], "got [1]"),
    ("max_retransmits", "2.5", "gateway_bandwidth_max_retransmits must be a whole number >= 0"),
    ("max_stalled_intervals", 1.5, "got 1.5"),
    ("max_loss_percent", 101, "gateway_bandwidth_max_loss_percent must be a number from 0 to 100"),
])
def test_bad_threshold_values_raise_one_line_errors_naming_the_variable(name, value, expected):
    with pytest.raises(ValueError) as caught:
        evaluate(result(), {name: value}, variable_prefix="gateway_bandwidth_")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_bad_thresholds_raise_even_without_a_result():
    with pytest.raises(ValueError, match="min_receiver_mbps must be a number"):
        evaluate(None, {"min_receiver_mbps": "fast"})


def test_an_unknown_threshold_is_a_typo_and_the_message_lists_the_known_ones():
    with pytest.raises(ValueError) as caught:
        evaluate(result(), {"min_recv_mbps": 50})
    assert str(caught.value).startswith("unknown threshold min_recv_mbps; known thresholds are min_receiver_mbps, ")


def test_thresholds_must_be_a_mapping():
    with pytest.raises(ValueError, match="thresholds must be a mapping of threshold name to number, got list"):
        evaluate(result(), [50])


def test_input_problems_lists_every_problem_and_nothing_when_valid():
    problems = input_problems({"min_receiver_mbps": "fast", "max_retransmits": -1, "max_jitter_ms": "2", "nope": 1},
                              [{"name": "x"}], variable_prefix="gateway_bandwidth_")
    assert len(problems) == 4
    assert problems[0].startswith("gateway_bandwidth_min_receiver_mbps must be a number")
    assert problems[1].startswith("gateway_bandwidth_max_retransmits must be a whole number")
    assert problems[2].startswith("unknown threshold gateway_bandwidth_nope")
    assert problems[3] == "gateway_bandwidth_checks[0] (x) needs a query (a JMESPath expression over the gateway_iperf result)"
    assert input_problems({"min_receiver_mbps": "50"}, [{"name": "x", "query": "succeeded"}]) == []
    assert input_problems("fast") == ["thresholds must be a mapping of threshold name to number, got str"]


# --- directions ----------------------------------------------------------------------------------------------


def test_both_directions_are_checked_when_the_reverse_direction_was_measured():
    verdict = evaluate(result(upload=direction(receiver_mbps=90), download=direction(receiver_mbps=30)),
                       {"min_receiver_mbps": 50})
    assert only_check(verdict, "min_receiver_mbps", "upload")["passed"] is True
    assert only_check(verdict, "min_receiver_mbps", "download")["passed"] is False
    assert verdict["message"] == "download receiver 30.0 Mbit/s < 50 Mbit/s"
    assert verdict["test"]["include_reverse"] is True


def test_a_direction_specific_threshold_replaces_the_general_one_for_its_direction():
    verdict = evaluate(result(upload=direction(receiver_mbps=30), download=direction(receiver_mbps=90)),
                       {"min_receiver_mbps": 80, "min_upload_receiver_mbps": 20, "min_download_sender_mbps": 95})
    names = [(c["name"], c["direction"], c["passed"]) for c in verdict["checks"]]
    assert names == [("min_upload_receiver_mbps", "upload", True), ("min_receiver_mbps", "download", True),
                     ("min_download_sender_mbps", "download", False)]
    assert verdict["verdict"] == "FAIL"


def test_a_download_threshold_without_a_reverse_test_is_an_error_and_says_how_to_fix_it():
    verdict = evaluate(result(download=None, include_reverse=False), {"min_download_receiver_mbps": 10})
    check = only_check(verdict, "min_download_receiver_mbps", "download")
    assert check["passed"] is False
    assert check["message"] == ("min_download_receiver_mbps: download receiver was not measured (the test ran without "
                                "include_reverse, so the download was not measured); limit >= 10 Mbit/s")
    assert verdict["verdict"] == "ERROR"


@pytest.mark.parametrize("extra, hint", [
    ({"raw_output": "Connecting to host 127.0.0.1, port 5201 ..."},
     "Central's iperf3 text has no report of the reverse direction"),
    ({"raw_output": None, "output": {"senderBandwidth": "1 Mbits/sec"}},
     "Central sent no iperf3 text (rawOutput), the only place the reverse direction is reported"),
])
def test_a_requested_reverse_direction_that_is_missing_is_an_error_saying_why(extra, hint):
    verdict = evaluate(result(download=None, include_reverse=True, **extra), {"min_receiver_mbps": 10})
    assert only_check(verdict, "min_receiver_mbps", "download")["passed"] is False
    assert verdict["test"]["include_reverse"] is True
    assert verdict["verdict"] == "ERROR" and hint in verdict["message"]
    assert "needs include_reverse" not in verdict["message"]


def test_a_measured_result_without_numbers_is_an_error_for_any_threshold():
    verdict = evaluate(result(upload={}, download=None, output={}, raw_output=None), {"min_receiver_mbps": 10})
    assert verdict["verdict"] == "ERROR"
    assert "upload receiver was not measured (Central's output has no receiverBandwidth and it sent no iperf3 " \
           "text)" in verdict["message"]


# --- JMESPath checks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("check, passed, message", [
    ({"name": "ok", "query": "succeeded"}, True, "ok: query returned True (true)"),
    ({"name": "empty", "query": "upload.intervals[?bits_per_second > `1e12`]"}, False, "empty: query returned [] (false)"),
    ({"name": "zero_is_true", "query": "upload.sender.retransmits"}, True, "zero_is_true: query returned 0 (true)"),
    ({"name": "min", "query": "upload.receiver.bits_per_second", "min": "50000000"}, True, "min: 100000000 >= 50000000"),
    ({"name": "min", "query": "upload.receiver.bits_per_second", "min": 2e8}, False, "min: 100000000 < 200000000"),
    ({"name": "max", "query": "length(upload.intervals)", "max": 5}, False, "max: 10 > 5"),
    ({"name": "range", "query": "streams", "min": 1, "max": 4}, True, "range: 1 >= 1 and <= 4"),
    ({"name": "version", "query": "iperf_version", "equals": "3.0.11"}, True, "version: '3.0.11' == '3.0.11'"),
    ({"name": "streams", "query": "streams", "equals": 4}, False, "streams: 1 != 4"),
    ({"name": "number_vs_text", "query": "streams", "equals": "1"}, False, "number_vs_text: 1 != '1'"),
    ({"name": "int_vs_float", "query": "duration_seconds", "equals": 10.0}, True, "int_vs_float: 10 == 10.0"),
    ({"name": "not_a_number", "query": "protocol", "min": 1}, False, "not_a_number: query returned 'tcp', not a number"),
])
def test_jmespath_checks(check, passed, message):
    verdict = evaluate(result(upload=direction(receiver_mbps=100, retransmits=0)), {}, [check])
    record = verdict["checks"][0]
    assert (record["passed"], record["message"]) == (passed, message)
    assert record["direction"] is None and record["metric"] == check["query"]
    assert verdict["verdict"] == ("PASS" if passed else "FAIL")


def test_a_query_that_finds_nothing_is_a_failed_check():
    verdict = evaluate(result(), {}, [{"name": "jitter", "query": "upload.udp.jitter_ms", "max": 1}])
    assert verdict["checks"][0]["passed"] is False
    assert verdict["message"] == "jitter: query 'upload.udp.jitter_ms' found nothing in the result (null)"


def test_a_query_that_fails_at_run_time_is_a_failed_check_not_an_exception():
    verdict = evaluate(result(), {}, [{"name": "bad_type", "query": "length(streams)"}])
    assert verdict["verdict"] == "FAIL"
    assert verdict["checks"][0]["message"].startswith("bad_type: query 'length(streams)' failed on this result: ")


def test_user_checks_come_after_thresholds_and_both_count():
    verdict = evaluate(result(), {"min_receiver_mbps": 10}, [{"name": "tcp", "query": "protocol", "equals": "tcp"}])
    assert [c["name"] for c in verdict["checks"]] == ["min_receiver_mbps", "tcp"]
    assert verdict["message"] == "upload receiver 100 Mbit/s; 2 checks passed"


@pytest.mark.parametrize("checks, expected", [
    ("streams", "gateway_bandwidth_checks must be a list of {name, query} checks, got str"),
    ("7", "gateway_bandwidth_checks must be a list of {name, query} checks, got int"),
    ([["streams"]], "gateway_bandwidth_checks[0] must be a mapping with name and query"),
    ([{"query": "streams"}], "gateway_bandwidth_checks[0] needs a name"),
    ([{"name": "a", "query": ""}], "gateway_bandwidth_checks[0] (a) needs a query"),
    ([{"name": "a", "query": "streams["}], "gateway_bandwidth_checks[0] (a): 'streams[' is not a valid JMESPath expression"),
    ([{"name": "a", "query": "streams", "mni": 1}], "gateway_bandwidth_checks[0] has unknown key mni"),
    ([{"name": "a", "query": "streams", "min": "many"}], "gateway_bandwidth_checks[0].min must be a number"),
    ([{"name": "a", "query": "streams", "equals": 1, "max": 2}], "use either equals or min/max, not both"),
    ([{"name": "a", "query": "streams", "equals": [1]}], "gateway_bandwidth_checks[0].equals must be a number, string or boolean"),
    ([{"name": "a", "query": "streams"}, {"name": "a", "query": "protocol"}], "gateway_bandwidth_checks[1]: the check name 'a' is used twice"),
])
def test_bad_checks_raise_one_line_errors_naming_the_check(checks, expected):
    with pytest.raises(ValueError) as caught:
        evaluate(result(), {}, checks, variable_prefix="gateway_bandwidth_")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_checks_accept_negative_limits_and_empty_lists():
    verdict = evaluate(result(), {}, [{"name": "delta", "query": "`-3`", "min": "-5"}])
    assert verdict["checks"][0]["passed"] is True
    assert evaluate(result(), {}, [])["checks"] == evaluate(result(), {}, None)["checks"] == []


# --- ERROR and missing results -------------------------------------------------------------------------------


def test_a_failed_result_is_an_error_with_its_error_type_and_no_checks():
    failed = result(succeeded=False, error_type="server_busy", status="COMPLETED", upload=None,
                    fail_reason="the server is busy running a test. try again later")
    verdict = evaluate(failed, {"min_receiver_mbps": 50}, [{"name": "x", "query": "succeeded"}])
    assert verdict["verdict"] == "ERROR"
    assert verdict["reason"] == verdict["error_type"] == "server_busy"
    assert verdict["message"] == "server_busy: the server is busy running a test. try again later"
    assert verdict["checks"] == []
    assert verdict["thresholds"]["min_receiver_mbps"] == 50


def test_an_error_without_a_reason_uses_the_module_message_then_a_description():
    offline = result(succeeded=False, error_type="device_offline", upload=None, msg="Device offline: CNF7G9K012\n(HTTP 409)")
    assert evaluate(offline, {})["message"] == "device_offline: Device offline: CNF7G9K012 (HTTP 409)"
    timeout = result(succeeded=False, error_type="timeout", upload=None)
    assert evaluate(timeout, {})["message"] == "timeout: the test did not finish in time"


@pytest.mark.parametrize("succeeded", [False, None, "true", 1])
def test_only_succeeded_true_is_measured(succeeded):
    verdict = evaluate(result(succeeded=succeeded, error_type=None), {})
    assert verdict["verdict"] == "ERROR"
    assert verdict["reason"] == "api_error"


@pytest.mark.parametrize("missing", [None, {}, ""])
def test_a_missing_result_is_an_error_not_run(missing):
    verdict = evaluate(missing, {"min_receiver_mbps": 50}, serial_number="CNF7G9K012")
    assert (verdict["verdict"], verdict["reason"], verdict["serial_number"]) == ("ERROR", "not_run", "CNF7G9K012")
    assert verdict["message"] == "not_run: no test result for this gateway: the test did not run"
    assert verdict["test"] is None
    assert verdict["measurements"] == {"upload": None, "download": None}


def test_a_result_that_is_not_a_mapping_is_not_run_and_says_what_it_got():
    verdict = evaluate(["x"], {})
    assert verdict["reason"] == "not_run"
    assert "is a list, not the gateway_iperf mapping" in verdict["message"]


def test_the_serial_number_of_the_result_wins():
    assert evaluate(result(), {}, serial_number="OTHER")["serial_number"] == "CNF7G9K001"


def test_the_verdict_record_has_every_key_of_the_contract_and_is_json():
    for record in (evaluate(result(), {"min_receiver_mbps": 1}), evaluate(None, {}),
                   evaluate(result(succeeded=False, error_type="auth"), {})):
        assert set(record) == VERDICT_KEYS
        assert json.loads(json.dumps(record, allow_nan=False)) == record


def test_evaluate_does_not_change_its_inputs():
    measured, thresholds, checks = result(), {"min_receiver_mbps": "5"}, [{"name": "a", "query": "streams", "min": 1}]
    before = copy.deepcopy((measured, thresholds, checks))
    evaluate(measured, thresholds, checks)
    assert (measured, thresholds, checks) == before


# --- real iperf3 samples through the parser ------------------------------------------------------------------


def test_a_lossy_udp_sample_fails_the_loss_threshold():
    parsed = parse_iperf(fixture_text("iperf", "iperf-3.12_udp_lossy.txt"))
    measured = dict(parsed, succeeded=True, serial_number="CNF7G9K003")
    verdict = evaluate(measured, {"max_loss_percent": 1, "max_jitter_ms": 1})
    assert verdict["message"] == "upload loss 22 % > 1 %"
    assert only_check(verdict, "max_jitter_ms")["passed"] is True


def test_a_normal_then_reverse_sample_is_checked_in_both_directions():
    parsed = parse_iperf(fixture_text("iperf", "iperf-3.12_tcp_normal_then_reverse.txt"))
    verdict = evaluate(dict(parsed, succeeded=True), {"min_receiver_mbps": 1})
    assert {c["direction"] for c in verdict["checks"]} == {"upload", "download"}
    assert verdict["verdict"] == "PASS"


# --- never raises on any result shape ------------------------------------------------------------------------

_KEYS = st.sampled_from(["succeeded", "error_type", "fail_reason", "msg", "protocol", "upload", "download", "sender",
                         "receiver", "bits_per_second", "retransmits", "intervals", "stalled_intervals", "udp",
                         "jitter_ms", "loss_percent", "omitted", "start", "end", "serial_number", "include_reverse",
                         "server_port", "streams"]) | st.text(max_size=5)
_SCALARS = (st.none() | st.booleans() | st.integers(min_value=-10**20, max_value=10**20) | st.floats() |
            st.text(max_size=8))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=6),
                       max_leaves=30)
_RESULTS = _VALUES | st.dictionaries(_KEYS, _VALUES, max_size=8).map(lambda d: dict(d, succeeded=True))
_ALL_THRESHOLDS = {"min_receiver_mbps": 1, "min_sender_mbps": 1, "min_download_receiver_mbps": 1,
                   "max_retransmits": 5, "max_stalled_intervals": 1, "max_loss_percent": 1, "max_jitter_ms": 1}
_CHECKS = [{"name": "truthy", "query": "upload.intervals[0]"}, {"name": "num", "query": "length(@)", "min": 1},
           {"name": "eq", "query": "protocol", "equals": "tcp"}, {"name": "fn", "query": "max(upload.intervals[].start)"},
           {"name": "sum", "query": "sum(download.intervals[].bits_per_second)", "max": 10}]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_RESULTS)
def test_evaluate_never_raises_on_any_result_shape(shape):
    verdict = evaluate(shape, _ALL_THRESHOLDS, _CHECKS)
    assert verdict["verdict"] in ("PASS", "FAIL", "ERROR")
    assert isinstance(verdict["message"], str) and "\n" not in verdict["message"]
    assert verdict["verdict"] != "PASS" or all(check["passed"] for check in verdict["checks"])
    for check in verdict["checks"]:
        measured = check["measured"]
        assert not isinstance(measured, float) or math.isfinite(measured)
    json.dumps(verdict, allow_nan=False, default=str)


@pytest.mark.parametrize("odd", [float("inf"), float("-inf"), float("nan"), True, ["tcp"], {"p": 1}])
def test_odd_test_fields_are_left_out_so_the_verdict_stays_json(odd):
    verdict = evaluate(result(protocol=odd, duration_seconds=odd, server_port=odd), {}, [])
    assert verdict["test"]["protocol"] is None and verdict["test"]["duration_seconds"] is None
    assert verdict["test"]["port"] is None
    json.dumps(verdict, allow_nan=False)


def test_checks_may_be_yaml_or_json_text_as_a_survey_textarea_sends_them():
    yaml_text = "- {name: tcp, query: protocol, equals: tcp}\n- name: streams\n  query: streams\n  min: '1'\n"
    verdict = evaluate(result(), {}, yaml_text)
    assert [(c["name"], c["passed"]) for c in verdict["checks"]] == [("tcp", True), ("streams", True)]
    json_text = '[{"name": "tcp", "query": "protocol", "equals": "udp"}]'
    assert evaluate(result(), {}, json_text)["verdict"] == "FAIL"
    assert evaluate(result(), {}, "  \n")["checks"] == []


def test_checks_text_that_is_not_yaml_is_an_input_error():
    with pytest.raises(ValueError) as caught:
        evaluate(result(), {}, "[{name: a, query: b", variable_prefix="gateway_bandwidth_")
    assert str(caught.value).startswith("gateway_bandwidth_checks is not valid YAML or JSON: ")
    assert "\n" not in str(caught.value)


# --- any threshold input is valid or one line ------------------------------------------------------------------


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

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bandwidth over time in the verdict: baselines and regressions, the contract, WARN, retransmits per segment."""

import json

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._result import build_result
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils import _trend
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._thresholds import evaluate, input_problems
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.paths import fixture_path

OLD_KEYS = {"serial_number", "verdict", "reason", "message", "error_type", "checks", "skipped_checks", "thresholds",
            "test", "measurements"}


def direction(receiver_mbps, sent_bytes=125000000, retransmits=0, mss=1448):
    return {"sender": {"bits_per_second": int(receiver_mbps * 1.01e6), "bytes": sent_bytes, "retransmits": retransmits},
            "receiver": {"bits_per_second": int(receiver_mbps * 1e6), "bytes": sent_bytes},
            "intervals": [{"start": float(i), "end": float(i + 1), "bits_per_second": int(receiver_mbps * 1e6),
                           "omitted": False} for i in range(10)],
            "stalled_intervals": 0, "udp": None, "sender_mss_bytes": mss}


def result(upload=100.0, download=None, protocol="tcp", streams=1, **extra):
    base = {"serial_number": "CNF7G9K001", "task_id": "t-1", "succeeded": True, "error_type": None,
            "protocol": protocol, "streams": streams, "duration_seconds": 10, "start_time": "2025-05-20T14:02:29Z",
            "include_reverse": download is not None,
            "upload": direction(upload) if isinstance(upload, (int, float)) else upload,
            "download": direction(download, mss=None) if isinstance(download, (int, float)) else download}
    base.update(extra)
    return base


def history(*mbps, protocol="tcp", streams=1, verdict="PASS", start_day=1):
    return [{"time": "2025-05-%02dT10:00:00Z" % (start_day + index), "run_id": "run-%d" % index,
             "receiver_bits_per_second": value * 1e6, "sender_bits_per_second": value * 1.01e6, "verdict": verdict,
             "protocol": protocol, "streams": streams} for index, value in enumerate(mbps)]


def checks_named(verdict, name, direction_name="upload"):
    return [check for check in verdict["checks"] if check["name"] == name and check["direction"] == direction_name]


# --- the old signature keeps its record ------------------------------------------------------------------------


def test_without_history_or_contract_the_record_has_no_new_keys():
    verdict = evaluate(result(), {"min_receiver_mbps": 50})
    assert set(verdict) == OLD_KEYS
    assert verdict["verdict"] == "PASS"
    assert all(check["level"] == "fail" for check in verdict["checks"])


# --- baseline and regression -----------------------------------------------------------------------------------


def test_the_baseline_is_the_median_of_the_last_runs():
    summary = _trend.baseline_summary(history(10, 90, 100, 95, 500, 98), 97.0, runs=5, min_runs=3)
    # the last five: 90, 100, 95, 500, 98 -> median 98 (the old 10 and the one-off 500 do not move it)
    assert summary["median_mbps"] == 98.0 and summary["runs"] == 5 and summary["enough_history"] is True
    assert summary["change_percent"] == round(100.0 * (97.0 - 98.0) / 98.0, 2)


def test_an_even_number_of_runs_takes_the_mean_of_the_middle_two():
    summary = _trend.baseline_summary(history(40, 10, 30, 20), 25.0, runs=4, min_runs=3)
    assert summary["median_mbps"] == 25.0 and summary["runs"] == 4 and summary["change_percent"] == 0.0


def test_a_drop_beyond_the_limit_is_a_fail_with_baseline_and_drop_in_the_message():
    verdict = evaluate(result(upload=40.0), {"max_drop_percent": 50, "warn_drop_percent": 25},
                       baseline={"upload": history(96, 95, 97, 96, 98)})
    assert (verdict["verdict"], verdict["reason"]) == ("FAIL", "threshold")
    check = checks_named(verdict, "max_drop_percent")[0]
    assert check["measured"] == pytest.approx(58.33, abs=0.01) and check["limit"] == 50 and check["baseline_mbps"] == 96
    assert check["message"] == ("upload receiver 40.0 Mbit/s is 58.3% below its baseline 96.0 Mbit/s (median of the last "
                                "5 runs); more than the limit 50%")
    assert verdict["baseline"]["upload"]["change_percent"] == pytest.approx(-58.33, abs=0.01)
    assert verdict["notes"] == []


def test_a_smaller_drop_is_a_warn_that_does_not_fail():
    verdict = evaluate(result(upload=70.0), {"max_drop_percent": 50, "warn_drop_percent": 25, "min_receiver_mbps": 50},
                       baseline={"upload": history(100, 100, 100)})
    assert (verdict["verdict"], verdict["reason"], verdict["error_type"]) == ("WARN", "warning", None)
    assert verdict["message"].startswith("WARN: upload receiver 70.0 Mbit/s is 30% below its baseline 100 Mbit/s")
    warn = checks_named(verdict, "warn_drop_percent")[0]
    assert (warn["level"], warn["passed"]) == ("warn", False)
    assert checks_named(verdict, "max_drop_percent")[0]["passed"] is True


def test_a_gain_passes_and_says_above():
    verdict = evaluate(result(upload=120.0), {"max_drop_percent": 50}, baseline={"upload": history(100, 100, 100)})
    assert verdict["verdict"] == "PASS"
    assert "is 20% above its baseline" in checks_named(verdict, "max_drop_percent")[0]["message"]


def test_without_enough_history_only_the_absolute_thresholds_judge_and_a_note_says_so():
    verdict = evaluate(result(upload=10.0), {"max_drop_percent": 50, "min_receiver_mbps": 5},
                       baseline={"upload": history(100, 100)}, baseline_min_runs=3)
    assert verdict["verdict"] == "PASS"
    assert checks_named(verdict, "max_drop_percent") == []
    assert verdict["baseline"]["upload"]["median_mbps"] is None and verdict["baseline"]["upload"]["runs"] == 2
    assert verdict["notes"] == ["upload: no baseline yet (2 earlier measured runs of this kind in the history, 3 needed): "
                                "judged on the absolute thresholds only"]


def test_an_empty_history_is_no_baseline_yet_and_none_means_history_is_off():
    first = evaluate(result(), {"max_drop_percent": 50}, baseline={})
    assert first["baseline"]["upload"]["runs"] == 0 and "0 earlier measured runs" in first["notes"][0]
    assert "baseline" not in evaluate(result(), {"max_drop_percent": 50}, baseline=None)


def test_only_runs_of_the_same_protocol_and_streams_and_no_errors_make_the_baseline():
    points = (history(900, 900, 900, streams=4) + history(1, 1, 1, protocol="udp")
              + history(100, 100, 100, start_day=10) + history(5, verdict="ERROR", start_day=20))
    verdict = evaluate(result(upload=95.0), {"max_drop_percent": 50}, baseline={"upload": points})
    assert verdict["baseline"]["upload"]["median_mbps"] == 100.0 and verdict["baseline"]["upload"]["runs"] == 3
    assert [point["receiver_mbps"] for point in verdict["baseline"]["upload"]["points"]] == [100.0, 100.0, 100.0]


def test_each_direction_has_its_own_baseline():
    verdict = evaluate(result(upload=100.0, download=200.0), {"max_drop_percent": 30},
                       baseline={"upload": history(100, 100, 100), "download": history(500, 500, 500)})
    assert verdict["verdict"] == "FAIL"
    assert checks_named(verdict, "max_drop_percent", "upload")[0]["passed"] is True
    assert checks_named(verdict, "max_drop_percent", "download")[0]["passed"] is False


def test_an_error_keeps_the_history_for_the_report_but_judges_nothing():
    failed = result(succeeded=False, error_type="server_busy", upload=None)
    verdict = evaluate(failed, {"max_drop_percent": 50}, baseline={"upload": history(100, 100, 100)})
    assert (verdict["verdict"], verdict["reason"]) == ("ERROR", "server_busy")
    assert verdict["baseline"]["upload"]["median_mbps"] == 100.0 and verdict["baseline"]["upload"]["change_percent"] is None
    assert verdict["notes"] == [] and verdict["checks"] == []


@pytest.mark.parametrize("runs, min_runs, message", [
    ("0", None, "gateway_bandwidth_baseline_runs must be a whole number from 1 to 100"),
    (5, "six", "gateway_bandwidth_baseline_min_runs must be a whole number from 1 to 100"),
    (3, 4, "gateway_bandwidth_baseline_min_runs (4) must not be more than gateway_bandwidth_baseline_runs (3)"),
])
def test_bad_baseline_options_are_refused_naming_the_variable(runs, min_runs, message):
    with pytest.raises(ValueError) as raised:
        evaluate(result(), {}, baseline={}, baseline_runs=runs, baseline_min_runs=min_runs, variable_prefix="gateway_bandwidth_")
    assert message in str(raised.value)
    assert message in " ".join(input_problems({}, baseline_runs=runs, baseline_min_runs=min_runs,
                                              variable_prefix="gateway_bandwidth_"))


def test_a_baseline_that_is_not_a_mapping_is_refused():
    with pytest.raises(ValueError, match="baseline must be a mapping of direction"):
        evaluate(result(), {}, baseline=[1, 2])


# --- the contract ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("measured, verdict_name", [(95.0, "PASS"), (85.0, "WARN"), (70.0, "FAIL")])
def test_the_contract_gives_pass_warn_and_fail(measured, verdict_name):
    verdict = evaluate(result(upload=measured), {"min_contract_percent": 80, "warn_contract_percent": 90}, contract=100)
    assert verdict["verdict"] == verdict_name
    # the contract is the link's: the download has one too, not measured in this test
    assert verdict["contract"] == {"upload": {"mbps": 100, "receiver_percent": measured},
                                   "download": {"mbps": 100, "receiver_percent": None}}


def test_the_contract_check_names_the_rate_and_the_percentage():
    verdict = evaluate(result(upload=70.0), {"min_contract_percent": 80}, contract={"mbps": "100"})
    check = checks_named(verdict, "min_contract_percent")[0]
    assert (check["limit"], check["contract_mbps"], check["contract_percent"]) == (80, 100, 80)
    assert check["message"] == "upload receiver 70.0 Mbit/s < 80 Mbit/s (80% of the contracted 100 Mbit/s)"


def test_a_direction_contract_wins_and_requires_that_direction():
    verdict = evaluate(result(upload=90.0), {"min_contract_percent": 80},
                       contract={"mbps": 100, "download_mbps": 500, "upload_mbps": ""})
    download = checks_named(verdict, "min_contract_percent", "download")[0]
    assert download["missing"] is True and download["limit"] == 400
    assert (verdict["verdict"], verdict["reason"]) == ("ERROR", "no_measurement")


def test_a_both_directions_contract_applies_to_the_measured_ones_only():
    verdict = evaluate(result(upload=90.0), {"min_contract_percent": 80}, contract={"mbps": 100})
    assert [check["direction"] for check in verdict["checks"]] == ["upload"] and verdict["verdict"] == "PASS"


def test_a_contract_without_percentages_is_reported_not_checked():
    verdict = evaluate(result(upload=50.0), {}, contract=100)
    assert verdict["checks"] == [] and verdict["contract"]["upload"]["receiver_percent"] == 50.0


@pytest.mark.parametrize("contract, message", [
    ({"mbps": 0}, "gateway_bandwidth_contract_mbps must be a number > 0"),
    ({"upload_mbps": "fast"}, "gateway_bandwidth_contract_upload_mbps must be a number"),
    ({"uplink_mbps": 10}, "unknown contract key uplink_mbps"),
])
def test_bad_contracts_are_refused_naming_the_variable(contract, message):
    with pytest.raises(ValueError) as raised:
        evaluate(result(), {}, contract=contract, variable_prefix="gateway_bandwidth_")
    assert message in str(raised.value)
    assert any(message in problem for problem in input_problems({}, contract=contract,
                                                                variable_prefix="gateway_bandwidth_"))


@pytest.mark.parametrize("thresholds, message", [
    ({"warn_drop_percent": 60, "max_drop_percent": 50}, "warn_drop_percent (60) must be smaller than max_drop_percent (50)"),
    ({"warn_contract_percent": 70, "min_contract_percent": 80},
     "warn_contract_percent (70) must be larger than min_contract_percent (80)"),
    ({"warn_retransmit_percent": 5, "max_retransmit_percent": 1},
     "warn_retransmit_percent (5) must be smaller than max_retransmit_percent (1)"),
])
def test_a_warn_level_that_could_never_show_is_an_input_error(thresholds, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        evaluate(result(), thresholds)
    assert [problem for problem in input_problems(thresholds) if message in problem]


# --- WARN precedence ------------------------------------------------------------------------------------------


def test_fail_wins_over_warn_and_a_missing_figure_wins_over_warn():
    fail = evaluate(result(upload=60.0), {"min_receiver_mbps": 80, "warn_contract_percent": 90}, contract=100)
    assert fail["verdict"] == "FAIL" and "WARN" not in fail["message"]
    missing = result(upload=60.0)
    missing["upload"]["sender"]["retransmits"] = None
    error = evaluate(missing, {"max_retransmits": 10, "warn_contract_percent": 90}, contract=100)
    assert (error["verdict"], error["reason"]) == ("ERROR", "no_measurement")


# --- retransmits per segment ----------------------------------------------------------------------------------


def test_the_retransmit_ratio_is_retransmits_per_segment_from_bytes_and_mss():
    # 14480000 bytes / 1448 = 10000 segments; 150 retransmits = 1.5 %
    upload = direction(100.0, sent_bytes=14480000, retransmits=150)
    verdict = evaluate(result(upload=upload), {"max_retransmit_percent": 1, "warn_retransmit_percent": 0.5})
    numbers = verdict["measurements"]["upload"]
    assert (numbers["segments_sent"], numbers["retransmit_percent"], numbers["retransmits"]) == (10000, 1.5, 150)
    assert numbers["derived"] == ["segments_sent", "retransmit_percent"]
    assert verdict["verdict"] == "FAIL"
    assert checks_named(verdict, "max_retransmit_percent")[0]["message"] == "upload retransmit ratio 1.5 % > 1 %"


def test_the_seed_gives_its_retransmit_ratio_from_centrals_own_text():
    with open(fixture_path("central", "seed_result.json"), encoding="utf-8") as handle:
        seed = build_result("CNF7G9K001", "8c9f", json.load(handle))
    numbers = evaluate(seed, {})["measurements"]["upload"]
    # 11.4 MBytes = 11953766 bytes / MSS 1448 = 8256 segments (rounded up); 239 retransmits
    assert numbers["segments_sent"] == 8256 and numbers["retransmit_percent"] == round(100.0 * 239 / 8256, 4)


def test_without_the_mss_the_ratio_is_not_invented_and_the_check_is_skipped_saying_why():
    verdict = evaluate(result(upload=direction(100.0, mss=None), download=100.0), {"max_retransmit_percent": 1})
    assert verdict["measurements"]["upload"]["retransmit_percent"] is None
    assert verdict["measurements"]["upload"]["derived"] == []
    reasons = dict((item["direction"], item["message"]) for item in verdict["skipped_checks"])
    assert "no TCP MSS line" in reasons["upload"]
    assert "the iperf server sends the download" in reasons["download"]
    assert verdict["verdict"] == "PASS" and verdict["checks"] == []


def test_the_retransmit_ratio_thresholds_are_skipped_on_udp():
    udp = direction(1.0)
    udp["udp"] = {"jitter_ms": 0.1, "loss_percent": 0.0}
    verdict = evaluate(result(upload=udp, protocol="udp"), {"max_retransmit_percent": 1})
    assert [item["name"] for item in verdict["skipped_checks"]] == ["max_retransmit_percent"]

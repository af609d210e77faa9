# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The report model (entries, records, rows, summary, metadata), the SVG charts and the job-output lines."""

import datetime

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report import _model as model
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report import _svg as svg
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._text import summary_lines
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import report_fixtures as fx


# ------------------------------------------------------------------------------------------------------ entries

def test_entries_from_a_mapping_are_sorted_and_complete():
    entries = model.normalize_entries({"gw-b": fx.stalling("B"), "gw-a": None})
    assert [entry["host"] for entry in entries] == ["gw-a", "gw-b"]
    assert entries[0]["record"]["verdict"] == "ERROR" and entries[0]["record"]["reason"] == "not_run"
    assert "gw-a" in entries[0]["record"]["message"] and "gateway_bandwidth" in entries[0]["record"]["message"]
    assert entries[0]["record"]["measurements"] == {"upload": None, "download": None}
    assert entries[1]["record"]["checks"] and entries[1]["group"] is None


def test_entries_accept_host_names_and_keep_the_last_duplicate():
    entries = model.normalize_entries(["gw-a", {"host": "gw-b", "record": fx.busy("B")}, {"host": "gw-b", "group": "s"}])
    assert [(entry["host"], entry["group"], entry["record"]["reason"]) for entry in entries] == [
        ("gw-a", None, "not_run"), ("gw-b", "s", "not_run")]


@pytest.mark.parametrize("entries, message", [
    ("gw1", "report input must be a list of host entries or a mapping of host name to verdict record, got str"),
    ([42], "report entry #0 is a int, not a mapping with a 'host' key"),
    ([{"record": {}}], "report entry #0 has no host name; every entry needs 'host'"),
])
def test_bad_entries_get_a_one_line_message(entries, message):
    with pytest.raises(model.ReportInputError) as caught:
        model.normalize_entries(entries)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


@pytest.mark.parametrize("record, why", [
    ("PASS", "got str"),
    ({"verdict": "maybe"}, "verdict is 'maybe', expected PASS, WARN, FAIL or ERROR"),
    ({"serial_number": "X"}, "verdict is '', expected PASS, WARN, FAIL or ERROR"),
])
def test_records_that_are_not_verdicts_become_invalid_record_errors(record, why):
    result = model.normalize_record(record, "gw1")
    assert (result["verdict"], result["reason"]) == ("ERROR", "invalid_record")
    assert why in result["message"] and "gw1" in result["message"]


def test_record_verdict_case_and_junk_fields_are_tolerated():
    record = dict(fx.passing("S", "gw"), verdict="pass", checks="nonsense", test=None, thresholds=[1])
    record["measurements"] = {"upload": {"receiver_mbps": float("nan"), "intervals": ["x", {"mbps": 5}]}}
    result = model.normalize_record(record, "gw")
    assert result["verdict"] == "PASS" and result["checks"] == [] and result["test"] == {} and result["thresholds"] == {}
    assert result["measurements"]["upload"]["receiver_mbps"] is None
    assert result["measurements"]["upload"]["intervals"] == [{"mbps": 5}] and result["measurements"]["download"] is None


def test_record_messages_become_one_line_without_control_characters():
    result = model.normalize_record(dict(fx.busy("S"), message="first\nsecond\x00 third"), "gw")
    assert result["message"] == "first second\ufffd third"


# --------------------------------------------------------------------------------------------------------- rows

def test_rows_put_directionless_failed_checks_on_the_first_direction():
    record = fx.passing("S", "gw", include_reverse=True)
    record["verdict"] = "FAIL"
    record["checks"].append({"name": "four_streams", "direction": None, "metric": "streams", "passed": False,
                             "message": "four_streams: 1 != 4"})
    rows = model.direction_rows(model.normalize_entries({"gw": record})[0])
    assert [(row["direction"], row["verdict"], row["failure_messages"]) for row in rows] == [
        ("upload", "FAIL", ["four_streams: 1 != 4"]), ("download", "PASS", [])]


def test_rows_of_a_fail_without_failed_checks_use_the_record_message():
    record = dict(fx.passing("S", "gw"), verdict="FAIL", message="upload receiver 3 Mbit/s < 5 Mbit/s")
    rows = model.direction_rows(model.normalize_entries({"gw": record})[0])
    assert rows[0]["verdict"] == "FAIL" and rows[0]["failure_messages"] == ["upload receiver 3 Mbit/s < 5 Mbit/s"]


def test_rows_include_a_direction_named_only_by_a_failed_check():
    record = fx.stalling("S")
    record["checks"].append({"name": "min_download_receiver_mbps", "direction": "download", "metric": "receiver_mbps",
                             "measured": None, "limit": 20, "operator": ">=", "passed": False,
                             "message": "download receiver not measured; limit >= 20 Mbit/s"})
    rows = model.direction_rows(model.normalize_entries({"gw": record})[0])
    assert [(row["direction"], row["verdict"]) for row in rows] == [("upload", "FAIL"), ("download", "FAIL")]
    assert rows[1]["measurement"] is None


def test_failed_check_without_message_is_described_from_its_numbers():
    check = {"name": "max_retransmits", "direction": "upload", "metric": "retransmits", "measured": 900, "limit": 100,
             "operator": "<=", "passed": False}
    assert model.check_message(check) == "upload retransmits 900 (limit <= 100)"


def test_threshold_limit_prefers_check_then_direction_then_general():
    record = model.normalize_record(fx.slow_download("S", "gw"), "gw")
    assert model.threshold_limit(record, "download") == 50
    record["checks"] = []
    record["thresholds"].update(min_download_receiver_mbps=20, min_sender_mbps=5)
    assert model.threshold_limit(record, "download") == 20 and model.threshold_limit(record, "upload") == 50
    assert model.threshold_limit(record, "upload", "sender_mbps") == 5
    record["thresholds"] = {}
    assert model.threshold_limit(record, "upload") is None


def test_error_text_does_not_repeat_the_error_type():
    assert model.error_text(model.normalize_record(fx.busy("S"), "gw")).startswith("server_busy: iperf server")
    offline = model.normalize_record(fx.offline("S"), "gw")
    assert model.error_text(offline).startswith("device_offline: start iperf test on S")


# ------------------------------------------------------------------------------------------------------ summary

@pytest.mark.parametrize("verdicts, overall", [
    ([], "EMPTY"), (["PASS", "PASS"], "PASS"), (["PASS", "ERROR"], "ERROR"), (["ERROR", "FAIL", "PASS"], "FAIL"),
])
def test_overall_verdict(verdicts, overall):
    records = {"PASS": fx.passing("S", "gw"), "FAIL": fx.stalling("S"), "ERROR": fx.busy("S")}
    entries = model.normalize_entries([{"host": "gw%d" % index, "record": records[verdict]}
                                       for index, verdict in enumerate(verdicts)])
    summary = model.summarise(entries)
    assert summary["verdict"] == overall and summary["total"] == len(verdicts)
    assert summary["all_passed"] is (overall == "PASS")


def test_summary_groups_and_truncation():
    entries = model.normalize_entries(fx.mixed_fleet())
    summary = model.summarise(entries, max_hosts=2)
    assert summary["groups"]["site-b"] == {"PASS": 0, "WARN": 0, "FAIL": 0, "ERROR": 3}
    assert len(summary["failed_hosts"]) == 2 and len(summary["error_hosts"]) == 2 and summary["hosts_truncated"] == 4


def test_summary_lines_are_few_and_short():
    entries = model.normalize_entries(fx.demo_fleet())
    lines = summary_lines(entries, model.summarise(entries, max_hosts=2))
    assert lines[0] == "FAIL: 12 gateways - 7 PASS, 2 FAIL, 3 ERROR (1 not run)"
    assert lines[1].split() == ["site", "PASS", "FAIL", "ERROR"]
    assert lines[2].split() == ["Frankfurt", "HQ", "4", "0", "0"]
    assert lines[-2] == "FAIL: lyo-br-gw02, mad-br-gw02"
    assert lines[-1] == "ERROR: lyo-br-gw03 (server_busy), mad-br-gw03 (device_offline) (+1 more)"
    assert len(lines) == 7


def test_summary_lines_cap_sites_and_line_length():
    entries = model.normalize_entries([{"host": "gw-%02d-%s" % (index, "x" * 40), "group": "site %02d" % index,
                                        "record": fx.busy("S")} for index in range(14)])
    lines = summary_lines(entries, model.summarise(entries, max_hosts=14))
    assert lines[-2] == "  ... and 4 more sites"
    assert len(lines[-1]) == 300 and lines[-1].endswith("...")


# ----------------------------------------------------------------------------------------------------- metadata

def test_metadata_defaults_and_injected_clock():
    run = model.normalize_metadata({"awx_job_id": "", "sources": "a.json"}, now=lambda: "2030-01-01T00:00:00Z")
    assert run["generated_at"] == "2030-01-01T00:00:00Z" and run["awx_job_id"] is None
    assert run["sources"] == ["a.json"] and run["title"] == "Gateway bandwidth report"


def test_metadata_must_be_a_mapping():
    with pytest.raises(model.ReportInputError, match="report metadata must be a mapping"):
        model.normalize_metadata(["x"])


@pytest.mark.parametrize("text, expected", [
    ("2025-05-20T14:02:29.753198552Z", datetime.datetime(2025, 5, 20, 14, 2, 29, 753198, tzinfo=datetime.timezone.utc)),
    ("2025-05-20T16:02:29+02:00", datetime.datetime(2025, 5, 20, 14, 2, 29, tzinfo=datetime.timezone.utc)),
    ("2025-05-20 14:02:29", datetime.datetime(2025, 5, 20, 14, 2, 29, tzinfo=datetime.timezone.utc)),
    ("yesterday", None), (None, None), ("2025-13-40T00:00:00Z", None),
])
def test_parse_time(text, expected):
    assert model.parse_time(text) == expected


@pytest.mark.parametrize("value, digits, expected", [
    (7.67, 2, "7.67"), (239, 2, "239"), (50.0, 2, "50.00"), ("9.5", 1, "9.5"), (None, 2, "-"), (True, 2, "-"),
    ("fast", 2, "-"), (float("inf"), 2, "-"),
])
def test_fmt_number(value, digits, expected):
    assert model.fmt_number(value, digits) == expected


@pytest.mark.parametrize("value, expected", [(50.0, "50"), (7.5, "7.5"), (0.125, "0.12"), (-0.001, "0"), (None, "-")])
def test_fmt_compact(value, expected):
    assert model.fmt_compact(value) == expected


# -------------------------------------------------------------------------------------------------------- chart

@pytest.mark.parametrize("peak, top, step", [(0, 1.0, 0.2), (7.67, 10, 2), (53.9, 60, 20), (94.0, 125, 25), (182.2, 250, 50),
                                             (0.4, 1.0, 0.2), (1.05, 1.25, 0.25)])
def test_y_axis_is_round_and_leaves_room(peak, top, step):
    got_top, got_step = svg.y_axis(peak)
    assert (got_top, got_step) == (top, step) and got_top >= peak * 1.1


def test_x_ticks():
    assert svg.x_ticks(10) == list(range(11))
    assert svg.x_ticks(30) == [0, 5, 10, 15, 20, 25, 30]
    assert svg.x_ticks(120) == [0, 15, 30, 45, 60, 75, 90, 105, 120]


def test_chart_marks_stalled_intervals_and_draws_the_threshold():
    up = fx.measurement(fx.SEED_INTERVALS, receiver=7.67)
    chart = svg.render_chart("gw", "upload", up, limit=50)
    assert chart.startswith('<svg class="chart"') and chart.endswith("</svg>")
    assert chart.count('class="bar"') == 3 and chart.count('class="stall"') == 7 and chart.count('class="stall-mark"') == 7
    # axis top is 60 for 53.9 Mbit/s and a 50 Mbit/s limit: the line sits at 50/60 of the plot height
    plot_h = svg.HEIGHT - svg.TOP - svg.BOTTOM
    y50 = svg.TOP + plot_h * (1 - 50 / 60.0)
    assert 'class="threshold" x1="56" x2="544" y1="{0:.1f}" y2="{0:.1f}"'.format(y50) in chart


def test_chart_without_numbers_is_empty_and_junk_intervals_are_skipped():
    assert svg.render_chart("gw", "upload", {"intervals": []}) == ""
    assert svg.render_chart("gw", "upload", None) == ""
    chart = svg.render_chart("gw", "upload", {"intervals": [{"mbps": "x"}, {"start": 1, "end": 0, "mbps": 10}]})
    assert chart.count('class="bar"') == 1 and 'class="threshold"' not in chart


def test_chart_escapes_the_host_name():
    chart = svg.render_chart('<x onload="y">', "upload", fx.measurement([1.0, 2.0]))
    assert "<x " not in chart and "&lt;x onload=&quot;y&quot;&gt;" in chart

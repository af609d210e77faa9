# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bandwidth over time in every report format: baseline and change, contract, WARN, earlier attempts and notes."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report import _model as model
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report import _render as report
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._trend_svg import (
    render_sparkline,
    render_trend,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import report_fixtures as fx
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import trend_fixtures as tf

RETEST = "ERROR server_busy, then PASS on the retest"


@pytest.fixture(name="fleet", scope="module")
def trend_fleet():
    return tf.trend_fleet()


def csv_rows(fleet):
    return dict(((row["host"], row["direction"]), row) for row in csv.DictReader(io.StringIO(report.render_csv(fleet))))


def test_json_carries_baseline_contract_notes_and_the_full_earlier_attempts(fleet):
    doc = json.loads(report.render_json(fleet, tf.RUN))
    hosts = dict((host["host"], host) for host in doc["hosts"])
    assert hosts["gw-degraded"]["baseline"]["upload"]["median_mbps"] == 96.0
    assert hosts["gw-degraded"]["baseline"]["upload"]["change_percent"] == pytest.approx(-58.33, abs=0.01)
    assert hosts["gw-steady"]["contract"]["download"] == {"mbps": 500, "receiver_percent": 96.0}
    assert hosts["gw-new"]["notes"][0].startswith("upload: no baseline yet")
    earlier = hosts["gw-retest"]["attempts"]
    assert [(item["verdict"], item["reason"], item["test"]["task_id"]) for item in earlier] == [("ERROR", "server_busy", "busy-1")]
    summary = doc["summary"]
    assert (summary["verdict"], summary["passed"], summary["warned"], summary["failed"], summary["errors"]) == ("FAIL", 3, 1, 1, 1)
    assert summary["warn_hosts"] == ["gw-warn"] and summary["all_passed"] is False


def test_all_passed_counts_warn_as_passing_the_gate(fleet):
    entries = model.normalize_entries([entry for entry in fleet if entry["record"]["verdict"] in ("PASS", "WARN")])
    summary = model.summarise(entries)
    assert (summary["verdict"], summary["all_passed"]) == ("WARN", True)


def test_csv_has_the_baseline_the_change_the_contract_warn_checks_and_attempts(fleet):
    rows = csv_rows(fleet)
    degraded = rows[("gw-degraded", "upload")]
    assert (degraded["baseline_mbps"], degraded["baseline_runs"], degraded["change_percent"]) == ("96", "5", "-58.33")
    assert (degraded["contract_mbps"], degraded["contract_percent"], degraded["verdict"]) == ("100", "40", "FAIL")
    assert "below its baseline 96.0 Mbit/s" in degraded["failed_checks"]
    warn = rows[("gw-warn", "upload")]
    assert warn["verdict"] == "WARN" and warn["failed_checks"] == ""
    assert warn["warn_checks"] == "upload receiver 85.0 Mbit/s < 90 Mbit/s (90% of the contracted 100 Mbit/s)"
    assert (rows[("gw-retest", "upload")]["attempts"], rows[("gw-retest", "upload")]["history"]) == ("2", RETEST)
    assert rows[("gw-new", "upload")]["history"].startswith("upload: no baseline yet (1 earlier measured run")
    assert float(rows[("gw-steady", "upload")]["retransmit_percent"]) > 0
    assert rows[("gw-steady", "download")]["retransmit_percent"] == ""


def test_markdown_adds_baseline_and_change_columns_and_shows_warn_attempts_and_notes(fleet):
    text = report.render_markdown(fleet, tf.RUN)
    assert "**FAIL** - 6 gateways: 3 PASS, 1 WARN, 1 FAIL, 1 ERROR" in text
    assert "| Stalled | Baseline Mbit/s | Change | Details |" in text
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(set(len(re.findall(r"(?<!\\)\|", line)) for line in table)) == 1
    degraded = [line for line in table if line.startswith("| gw-degraded |")][0]
    assert "| 96 | -58.3% |" in degraded
    warn = [line for line in table if line.startswith("| gw-warn |")][0]
    assert "| *WARN* |" in warn and "WARN: upload receiver 85.0 Mbit/s &lt; 90 Mbit/s" in warn
    assert "ERROR server\\_busy, then PASS on the retest" in text
    assert "upload: no baseline yet" in text


def test_markdown_without_history_keeps_its_columns():
    text = report.render_markdown(fx.mixed_fleet(), fx.RUN)
    assert "Baseline" not in text and "| Stalled | Details |" in text and "WARN" not in text


def test_junit_keeps_warn_as_a_passed_case_and_carries_baseline_and_attempts(fleet):
    root = ET.fromstring(report.render_junit(fleet, tf.RUN).encode("utf-8"))
    cases = dict((case.get("name"), case) for case in root.iter("testcase"))
    props = dict((name, dict((p.get("name"), p.get("value")) for p in case.iter("property"))) for name, case in cases.items())
    warn = cases["gw-warn upload"]
    assert warn.find("failure") is None and warn.find("error") is None
    assert props["gw-warn upload"]["verdict"] == "WARN" and "90% of the contracted" in props["gw-warn upload"]["warn_checks"]
    assert warn.find("system-out").text.startswith("WARN: upload receiver 85.0 Mbit/s")
    assert props["gw-degraded upload"]["change_percent"] == "-58.33" and props["gw-degraded upload"]["baseline_mbps"] == "96.0"
    assert "below its baseline" in cases["gw-degraded upload"].find("failure").get("message")
    assert props["gw-retest upload"]["attempts"] == RETEST and RETEST in cases["gw-retest upload"].find("system-out").text
    assert (root.get("failures"), root.get("errors")) == ("1", "1")


def test_the_job_output_summary_counts_and_names_warn(fleet):
    lines = report.summary(fleet, fmt="lines")
    assert lines[0] == "FAIL: 6 gateways - 3 PASS, 1 WARN, 1 FAIL, 1 ERROR"
    assert "  site           PASS  WARN  FAIL  ERROR" in lines
    assert "WARN: gw-warn" in lines


def test_rows_of_a_failed_gateway_can_be_warn_for_the_other_direction():
    record = tf.judged("CNX", tf.result("CNX", 5.0, download=850.0), {}, contract={"mbps": 1000})
    rows = model.direction_rows(model.normalize_entries([{"host": "gw", "record": record}])[0])
    assert record["verdict"] == "FAIL" and [row["verdict"] for row in rows] == ["FAIL", "WARN"]
    assert rows[1]["warn_messages"] == ["download receiver 850 Mbit/s < 900 Mbit/s (90% of the contracted 1000 Mbit/s)"]


def test_attempts_text_names_each_attempt_in_order():
    record = model.normalize_record({"verdict": "PASS", "attempts": [
        {"verdict": "ERROR", "reason": "server_busy", "error_type": "server_busy"},
        {"verdict": "ERROR", "reason": "timeout", "error_type": "timeout"}]}, "gw")
    assert model.attempts_text(record) == "ERROR server_busy, then ERROR timeout, then PASS on the retest"
    assert model.attempts_text(model.normalize_record({"verdict": "PASS"}, "gw")) == ""


# --- HTML ------------------------------------------------------------------------------------------------------


def test_html_draws_a_history_chart_per_direction_with_history_and_a_sparkline_in_the_table(fleet):
    page = report.render_html(fleet, tf.RUN)
    charts = re.findall(r'<figure class="history" data-direction="(\w+)">', page)
    # steady up+down, degraded, warn, new, retest, offline (its history, no figure today)
    assert len(charts) == 7
    assert len(re.findall(r'<svg class="trend"', page)) == 7
    assert len(re.findall(r'<svg class="spark"', page)) == 6  # every direction with at least one earlier run and today
    assert "<script" not in page and "url(" not in page
    assert '<div class="card WARN"><span class="num">1</span>' in page
    assert RETEST in page and "no baseline yet (1 of 3 runs)" in page
    assert '<span class="chg down" title="baseline 96 Mbit/s (median of 5 runs), -58.3%">-58.3%</span>' in page


def test_html_without_history_has_no_history_chart():
    page = report.render_html(fx.mixed_fleet(), fx.RUN)
    assert 'class="history"' not in page and 'class="trend"' not in page and 'class="spark"' not in page


def test_the_trend_chart_has_one_dot_per_run_today_last_and_the_contract_and_baseline_lines():
    points = [{"time": "2025-05-%02dT10:00:00Z" % day, "receiver_mbps": mbps, "verdict": "PASS"}
              for day, mbps in ((10, 96.0), (11, 95.0), (12, 97.0))]
    svg = render_trend("gw", "upload", points, 40.0, contract_mbps=100, baseline_mbps=96.0, today_verdict="FAIL")
    circles = re.findall(r'<circle class="(\w+)" cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert [kind for kind, _x, _y in circles] == ["run", "run", "run", "today"]
    assert [float(x) for _k, x, _y in circles] == sorted(float(x) for _k, x, _y in circles)
    assert 'data-points="4"' in svg and "contract 100 Mbit/s" in svg and "baseline 96 Mbit/s" in svg
    contract_y = float(re.search(r'<line class="contract" x1="\d+" x2="\d+" y1="([\d.]+)"', svg).group(1))
    today_y = float(circles[-1][2])
    assert today_y > contract_y  # 40 is drawn below the 100 Mbit/s contract (SVG y grows downwards)
    assert "2025-05-10 10:00:00 UTC: 96 Mbit/s (PASS)" in svg and "today: 40 Mbit/s (FAIL)" in svg


def test_a_sparkline_needs_an_earlier_run_and_nothing_is_drawn_without_any_figure():
    assert render_sparkline([], 50.0) == ""
    assert render_sparkline([{"receiver_mbps": 40.0}], 50.0).startswith('<svg class="spark"')
    assert render_trend("gw", "upload", [], None) == ""

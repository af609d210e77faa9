# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reports of verdicts made by the real evaluator from real iperf3 output (the seed test, a UDP test, errors)."""

import csv
import io
import json
import os
import xml.etree.ElementTree as ET

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report import _render as report
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._parser import parse_iperf
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._thresholds import evaluate
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.paths import fixture_path

SAMPLES = fixture_path("iperf")
THRESHOLDS = {"min_receiver_mbps": 50, "max_stalled_intervals": 2, "max_loss_percent": 1}


def sample(name):
    with open(os.path.join(SAMPLES, name)) as handle:
        return handle.read()


def result(text, serial, **extra):
    parsed = parse_iperf(text)
    return dict(parsed, serial_number=serial, task_id="task-" + serial, succeeded=True, error_type=None,
                server_address="198.51.100.10", start_time="2025-05-20T14:02:29.753198552Z",
                end_time="2025-05-20T14:03:27.301496079Z", **extra)


def fleet():
    return {
        "gw-seed": evaluate(result(sample("central-seed_rawOutput.txt"), "CN0001"), THRESHOLDS),
        "gw-reverse": evaluate(result(sample("iperf-3.0.11_tcp_reverse.txt"), "CN0002"), THRESHOLDS),
        "gw-udp": evaluate(result(sample("iperf-3.12_udp_lossy.txt"), "CN0003"), THRESHOLDS),
        "gw-busy": evaluate({"serial_number": "CN0004", "succeeded": False, "error_type": "server_busy",
                             "fail_reason": "the server is busy running a test. try again later"}, THRESHOLDS),
        "gw-never": evaluate(None, THRESHOLDS, serial_number="CN0005"),
        "gw-missing": None,
    }


def test_evaluated_seed_test_fails_with_both_checks_in_junit():
    root = ET.fromstring(report.render_junit(fleet(), {"generated_at": "2025-05-20T14:05:00Z"}))
    cases = dict((case.get("name"), case) for case in root.iter("testcase"))
    failure = cases["gw-seed upload"].find("failure")
    assert failure.get("message") == "upload receiver 7.67 Mbit/s < 50 Mbit/s; upload stalled intervals 7 > 2"
    assert cases["gw-busy upload"].find("error").get("type") == "server_busy"
    assert cases["gw-never upload"].find("error").get("type") == "not_run"
    assert cases["gw-missing upload"].find("error").get("type") == "not_run"
    assert root.get("tests") == str(len(cases))


def test_evaluated_records_render_in_every_format():
    entries = fleet()
    doc = json.loads(report.render_json(entries, {}))
    assert [host["host"] for host in doc["hosts"]] == sorted(entries)
    seed = [host for host in doc["hosts"] if host["host"] == "gw-seed"][0]
    assert seed["measurements"]["upload"]["stalled_intervals"] == 7
    rows = list(csv.DictReader(io.StringIO(report.render_csv(entries))))
    assert set(row["host"] for row in rows) == set(entries)
    html = report.render_html(entries, {})
    measured = sum(1 for record in entries.values() if record for name in ("upload", "download")
                   if record["measurements"][name] and record["measurements"][name]["intervals"])
    assert html.count("<svg") == measured >= 3
    assert "| gw-seed | - | upload | **FAIL** | 7.67 | 9.58 | 239 | 7 |" in report.render_markdown(entries, {})

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The history lookups and the history and metrics filters, in a real ansible-playbook run and called directly."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.aruba_central.troubleshooting.plugins.filter import history as history_filters
from ansible_collections.aruba_central.troubleshooting.plugins.filter import metrics as metrics_filters
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import trend_fixtures as tf

COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 6))
PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")

PLAY = """\
- hosts: localhost
  gather_facts: false
  vars:
    entries: "{{ lookup('ansible.builtin.file', entries_file) | from_json }}"
    run: {run_id: run-1, generated_at: "2025-05-20T14:05:00Z"}
  tasks:
    - name: Record the run twice, the second adds nothing
      ansible.builtin.set_fact:
        first: "{{ lookup('aruba_central.troubleshooting.bandwidth_history_record', entries=entries, run=run, path=db) }}"
    - ansible.builtin.set_fact:
        second: "{{ lookup('aruba_central.troubleshooting.bandwidth_history_record', entries=entries, run=run, path=db) }}"
    - ansible.builtin.set_fact:
        rows: "{{ query('aruba_central.troubleshooting.bandwidth_history', 'gw-degraded', 'CNT0001', path=db) }}"
        site_rows: "{{ query('aruba_central.troubleshooting.bandwidth_history', sites=['Madrid branch'], path=db) }}"
        baselines: "{{ lookup('aruba_central.troubleshooting.bandwidth_history', 'CNT0002', shape='baselines', runs=5, path=db) }}"
    - name: Judge a new test of gw-degraded against what was recorded
      ansible.builtin.set_fact:
        verdict: >-
          {{ result | aruba_central.troubleshooting.bandwidth_verdict({'max_drop_percent': 50}, serial_number='CNT0002',
               baseline=baselines['CNT0002'], baseline_min_runs='1', contract={'mbps': '100'}) }}
      vars:
        result: {succeeded: true, serial_number: CNT0002, protocol: tcp, streams: 1,
                 upload: {receiver: {bits_per_second: 10000000}, sender: {bits_per_second: 10100000}, intervals: [],
                          stalled_intervals: 0}}
    - name: A foreign file is refused
      ansible.builtin.set_fact:
        refused: "{{ query('aruba_central.troubleshooting.bandwidth_history', path=foreign) }}"
      ignore_errors: true
      register: foreign_read
    - ansible.builtin.copy:
        dest: "{{ out }}"
        content: "{{ {'first': first, 'second': second, 'rows': rows, 'site_rows': site_rows, 'baselines': baselines,
                      'verdict': verdict, 'csv': rows | aruba_central.troubleshooting.bandwidth_history_csv,
                      'lines': rows | aruba_central.troubleshooting.bandwidth_history_lines,
                      'metrics': entries | aruba_central.troubleshooting.bandwidth_report_openmetrics(run),
                      'url': 'http://127.0.0.1:9091' | aruba_central.troubleshooting.bandwidth_pushgateway_url('bw', {'slice': '1'}),
                      'foreign': foreign_read.msg | default('')} | to_json }}"
"""


@pytest.fixture(name="played", scope="module")
def played_run(tmp_path_factory):
    if not os.access(PLAYBOOK, os.X_OK):
        pytest.skip("ansible-playbook is not installed beside %s" % sys.executable)
    work = tmp_path_factory.mktemp("lookups")
    (work / "play.yml").write_text(PLAY)
    (work / "entries.json").write_text(json.dumps(tf.trend_fleet()))
    foreign = work / "other.sqlite"
    conn = sqlite3.connect(str(foreign))
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT, ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    out = work / "out.json"
    args = [PLAYBOOK, str(work / "play.yml"), "-e", "out=%s" % out, "-e", "db=%s" % (work / "h" / "history.sqlite"),
            "-e", "foreign=%s" % foreign, "-e", "entries_file=%s" % (work / "entries.json")]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return json.loads(out.read_text())


def test_recording_writes_every_row_once(played):
    assert (played["first"]["written"], played["first"]["already_known"]) == (7, 0)
    assert (played["second"]["written"], played["second"]["already_known"]) == (0, 7)
    assert played["first"]["path"].endswith("/h/history.sqlite")


def test_rows_are_read_by_host_serial_or_site(played):
    assert sorted((row["host"], row["direction"]) for row in played["rows"]) == [
        ("gw-degraded", "upload"), ("gw-steady", "download"), ("gw-steady", "upload")]
    assert sorted(set(row["host"] for row in played["site_rows"])) == ["gw-new", "gw-offline", "gw-retest"]
    degraded = [row for row in played["rows"] if row["host"] == "gw-degraded"][0]
    assert (degraded["verdict"], degraded["baseline_bits_per_second"], degraded["contract_bits_per_second"]) == (
        "FAIL", 96e6, 100e6)


def test_the_baselines_shape_feeds_the_verdict_filter(played):
    points = played["baselines"]["CNT0002"]["upload"]
    assert [(point["run_id"], point["receiver_bits_per_second"]) for point in points] == [("run-1", 40e6)]
    verdict = played["verdict"]
    assert verdict["verdict"] == "FAIL" and verdict["baseline"]["upload"]["median_mbps"] == 40.0
    assert "75% below its baseline 40.0 Mbit/s" in verdict["message"]
    assert verdict["contract"]["upload"] == {"mbps": 100, "receiver_percent": 10.0}


def test_the_filters_render_csv_lines_metrics_and_the_push_url(played):
    assert played["csv"].splitlines()[0].startswith("run_id,host,serial_number,site,direction,measured_at")
    assert len(played["csv"].splitlines()) == 4
    assert played["lines"][0] == "gw-degraded upload [Lyon branch] (1 run), receiver Mbit/s: 2025-05-20 40 FAIL"
    assert played["metrics"].endswith("# EOF\n") and 'gateway="gw-warn"' in played["metrics"]
    assert played["url"] == "http://127.0.0.1:9091/metrics/job/bw/slice/1"


def test_a_foreign_file_stops_the_lookup_with_one_line(played):
    message = played["foreign"]
    assert "bandwidth_history: bandwidth history" in message
    assert "is an SQLite database of another application" in message and "\n" not in message.strip()


def test_the_filters_refuse_what_is_not_history_rows():
    with pytest.raises(AnsibleFilterError, match="bandwidth_history_csv: history rows must be a list of mappings"):
        history_filters.bandwidth_history_csv("not rows")
    assert history_filters.bandwidth_history_lines([]) == [
        "no history for these gateways: nothing was recorded yet, or the names do not match"]
    with pytest.raises(AnsibleFilterError, match="bandwidth_pushgateway_url: the Pushgateway URL must start with"):
        metrics_filters.bandwidth_pushgateway_url("ftp://x")
    with pytest.raises(AnsibleFilterError, match="bandwidth_report_openmetrics: report input must be a list"):
        metrics_filters.bandwidth_report_openmetrics(42)


def test_the_csv_keeps_spreadsheets_from_running_formulas():
    text = history_filters.bandwidth_history_csv([{"host": "=cmd|' /C calc'!A0", "direction": "upload"}])
    assert text.splitlines()[1].split(",")[1].startswith("'=")


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 command-line tool is not installed")
def test_the_history_file_is_plain_sqlite_for_other_tools(played):
    path = played["first"]["path"]
    done = subprocess.run(["sqlite3", path, "SELECT count(*) FROM measurements"], capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.stdout.strip() == "7"

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json

from fleet_bench import profile

DOCUMENT = {
    "started": 100.0, "ended": 140.0,
    "tasks": [
        {"name": "check", "action": "ansible.builtin.assert", "started": 100.5, "ended": 102.5,
         "hosts": {"a": {"seconds": 0.5, "status": "ok"}, "b": {"seconds": 1.5, "status": "ok"}}},
        {"name": "test", "action": "aruba_central.troubleshooting.gateway_iperf", "started": 102.5, "ended": 132.5,
         "hosts": {"a": {"seconds": 10.0, "status": "ok"}, "b": {"seconds": 20.0, "status": "failed"},
                   "c": {"seconds": 0.01, "status": "skipped"}}},
        {"name": "unfinished", "action": "ansible.builtin.debug", "started": 139.0, "ended": None, "hosts": {}},
        {"name": "check", "action": "ansible.builtin.assert", "started": 133.0, "ended": 134.0,
         "hosts": {"c": {"seconds": 3.0, "status": "ok"}}},
    ],
}


def test_task_rows():
    rows = profile.task_rows(DOCUMENT)
    assert [row["task"] for row in rows] == ["check", "test", "unfinished"]
    assert rows[0]["runs"] == 2                       # a second batch of the same task
    assert rows[0]["span_seconds"] == 3.0
    assert rows[0]["hosts"] == 3
    assert rows[0]["mean_seconds"] == round(5.0 / 3, 3)
    assert rows[1]["hosts"] == 3 and rows[1]["skipped"] == 1
    assert rows[1]["mean_seconds"] == 15.0 and rows[1]["max_seconds"] == 20.0
    assert rows[1]["host_seconds"] == 30.01
    assert rows[2]["span_seconds"] is None and rows[2]["mean_seconds"] is None


def test_summary_orders_by_span_and_shows_time_outside_tasks(tmp_path):
    path = tmp_path / "timing.json"
    path.write_text(json.dumps(DOCUMENT))
    result = profile.summary(profile.load(str(path)), top=1)
    assert result["playbook_seconds"] == 40.0
    assert result["in_task_spans"] == 33.0
    assert result["outside_tasks"] == 7.0
    assert [row["task"] for row in result["slowest"]] == ["test"]


def test_missing_or_broken_file_gives_no_summary(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert profile.load(str(broken)) is None
    assert profile.load(str(tmp_path / "absent.json")) is None
    assert profile.summary(None) is None

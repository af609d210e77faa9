# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The callback plugin and the baseline playbook, run by the real ansible-playbook (no network: localhost only)."""

import json
import os
import subprocess

from fleet_bench import playbook, profile

PLAY = """\
- name: Two hosts, two tasks
  hosts: all
  gather_facts: false
  tasks:
    - name: Say hello
      ansible.builtin.debug:
        msg: hello
    - name: Only on one host
      ansible.builtin.debug:
        msg: once
      when: inventory_hostname == 'one'
"""


def _run(tmp_path, argv):
    env = playbook.playbook_environment(str(tmp_path), forks=2)
    return subprocess.run([playbook.ansible_playbook()] + argv, env=env, cwd=str(tmp_path), capture_output=True,
                          text=True, timeout=120, check=False), env


def test_timing_callback_records_every_task_and_host(tmp_path):
    (tmp_path / "play.yml").write_text(PLAY)
    (tmp_path / "hosts.ini").write_text("one ansible_connection=local\ntwo ansible_connection=local\n")
    done, env = _run(tmp_path, ["-i", "hosts.ini", "play.yml"])
    assert done.returncode == 0, done.stdout + done.stderr
    with open(env["BENCH_TASK_TIMING_FILE"], encoding="utf-8") as handle:
        document = json.load(handle)
    rows = {row["task"]: row for row in profile.task_rows(document)}
    assert rows["Say hello"]["hosts"] == 2 and rows["Say hello"]["skipped"] == 0
    assert rows["Only on one host"]["hosts"] == 2 and rows["Only on one host"]["skipped"] == 1
    assert rows["Say hello"]["span_seconds"] >= rows["Say hello"]["max_seconds"] >= 0


def test_timing_callback_keeps_serial_batches_apart(tmp_path):
    (tmp_path / "play.yml").write_text(PLAY.replace("  gather_facts: false\n", "  gather_facts: false\n  serial: 1\n"))
    (tmp_path / "hosts.ini").write_text("one ansible_connection=local\ntwo ansible_connection=local\n")
    done, env = _run(tmp_path, ["-i", "hosts.ini", "play.yml"])
    assert done.returncode == 0, done.stdout + done.stderr
    with open(env["BENCH_TASK_TIMING_FILE"], encoding="utf-8") as handle:
        document = json.load(handle)
    assert [task["name"] for task in document["tasks"]] == ["Say hello", "Only on one host"] * 2
    rows = {row["task"]: row for row in profile.task_rows(document)}
    assert rows["Say hello"]["runs"] == 2 and rows["Say hello"]["hosts"] == 2


def test_baseline_playbook_passes_the_syntax_check(tmp_path):
    (tmp_path / "hosts.ini").write_text("[gateways]\nCNA1\n")
    baseline = os.path.join(playbook.ROOT, "bench", "baseline.yml")
    done, _output = _run(tmp_path, ["-i", "hosts.ini", "--syntax-check", baseline, "-e", '{"bench_endpoints": ["a:1"]}'])
    assert done.returncode == 0, done.stdout + done.stderr

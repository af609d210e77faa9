# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import sys

from fleet_bench import playbook

BURN = "import sys, time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\nsys.exit(3)"


def test_run_accounts_cpu_of_the_child_and_its_exit_code(tmp_path):
    result = playbook.run([sys.executable, "-c", BURN], dict(os.environ), str(tmp_path), str(tmp_path / "log"),
                          timeout=60, sample_interval=0.05)
    assert result["returncode"] == 3
    assert result["timed_out"] is False
    assert result["cpu_user_seconds"] + result["cpu_system_seconds"] >= 0.25
    assert result["maxrss_kib"] > 1024
    assert result["wall_seconds"] >= 0.25
    assert 0.1 <= result["main_process_cpu_seconds"] <= 1.0     # sampled from /proc while it ran


def test_run_stops_a_run_that_outlives_its_timeout(tmp_path):
    result = playbook.run([sys.executable, "-c", "import time; time.sleep(60)"], dict(os.environ), str(tmp_path),
                          str(tmp_path / "log"), timeout=0.5)
    assert result["timed_out"] is True
    assert result["returncode"] < 0
    assert result["wall_seconds"] < 30


def test_environment_isolates_config_and_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("ANSIBLE_FORKS", "99")
    monkeypatch.setenv("CENTRAL_CLIENT_SECRET", "from-the-user")
    env = playbook.playbook_environment(str(tmp_path), forks=7, extra={"CENTRAL_BASE_URL": "http://127.0.0.1:1"})
    assert "ANSIBLE_FORKS" not in env and "CENTRAL_CLIENT_SECRET" not in env
    assert env["CENTRAL_BASE_URL"] == "http://127.0.0.1:1"
    assert env["XDG_CACHE_HOME"].startswith(str(tmp_path)) and env["XDG_RUNTIME_DIR"].startswith(str(tmp_path))
    config = open(env["ANSIBLE_CONFIG"], encoding="utf-8").read()
    assert "forks = 7" in config
    assert "callbacks_enabled = bench_task_timing" in config

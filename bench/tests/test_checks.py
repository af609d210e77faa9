# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from fleet_bench import checks


def report(*hosts):
    return {"hosts": [dict(zip(("host", "verdict", "reason", "message"), host)) for host in hosts]}


GATEWAYS = {"CNA": "Online", "CNB": "Online", "CNC": "Offline"}


def test_a_complete_report_has_no_problem():
    doc = report(("CNA", "PASS", None, "ok"), ("CNB", "FAIL", "threshold", "slow"),
                 ("CNC", "ERROR", "device_offline", "offline"))
    assert checks.report_problems(doc, GATEWAYS) == []


def test_a_missing_gateway_and_a_gateway_not_run_are_problems():
    doc = report(("CNA", "ERROR", "not_run", "not_run: the role stopped before the test finished"),
                 ("CNC", "ERROR", "device_offline", "offline"))
    assert checks.report_problems(doc, GATEWAYS) == [
        "gateway CNA was not tested in this run: not_run: the role stopped before the test finished",
        "gateway CNB is missing from the report",
    ]


def test_offline_status_must_match_central():
    doc = report(("CNA", "ERROR", "device_offline", "x"), ("CNB", "PASS", None, "ok"), ("CNC", "PASS", None, "ok"))
    assert checks.report_problems(doc, GATEWAYS) == [
        "gateway CNA is online in Central but reported offline",
        "gateway CNC is offline in Central but reported PASS (None)",
    ]


def test_unknown_verdicts_and_extra_hosts_are_problems():
    doc = report(("CNA", "MAYBE", None, ""), ("CNB", "PASS", None, ""), ("CNC", "ERROR", "device_offline", ""),
                 ("CNZ", "PASS", None, ""))
    assert checks.report_problems(doc, GATEWAYS) == [
        "gateway CNA has no verdict in the report (got 'MAYBE')",
        "the report lists CNZ, which is not a gateway of the inventory",
    ]


def test_no_report_at_all():
    assert checks.report_problems(None, GATEWAYS) == [
        "the JSON report has no 'hosts' list; the report role did not write a bandwidth report"]


def test_busy_answers_and_overlapping_tests_are_collisions():
    metrics = {"busy_collisions": 2, "tasks": [
        {"server": "127.0.0.1:5201", "created": 0.0, "completed": 3.0},
        {"server": "127.0.0.1:5201", "created": 2.5, "completed": 6.0},
        {"server": "127.0.0.1:5202", "created": 0.0, "completed": 3.0},
        {"server": "127.0.0.1:5202", "created": 3.1, "completed": 6.0},
    ]}
    problems = checks.collision_problems(metrics)
    assert len(problems) == 2
    assert problems[0].startswith("2 test(s) met a busy iperf server")
    assert problems[1] == ("endpoint 127.0.0.1:5201 ran 1 test(s) before the previous one completed "
                           "(worst overlap 0.500 s)")


def test_sequential_tests_are_no_collision():
    metrics = {"busy_collisions": 0, "tasks": [{"server": "s", "created": 0.0, "completed": 3.0},
                                               {"server": "s", "created": 3.0, "completed": 6.0}]}
    assert checks.collision_problems(metrics) == []


def test_playbook_problems():
    assert checks.playbook_problems(0, False, 60) == []
    assert "exited with code 2" in checks.playbook_problems(2, False, 60)[0]
    assert "stopped after 60 s" in checks.playbook_problems(-15, True, 60)[0]

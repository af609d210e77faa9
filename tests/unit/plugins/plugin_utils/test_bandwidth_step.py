# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One gateway's step of a fleet run: its variables, its test (scripted here) and its verdict."""

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._bandwidth_step import (
    check_inputs,
    invalid_options,
    is_transient,
    run_step,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock

SERIAL = "CNF7G9K001"
BASE = {"base_url": "https://central.example", "access_token": "tok", "serial_number": SERIAL,
        "server_pool": "10.0.0.5:5201,10.0.0.6:5201", "protocol": "tcp", "duration": "10", "parallel": "1",
        "include_reverse": "false", "omit": "", "vlan_interface": "", "wait_timeout": "", "busy_retries": "",
        "server_wait_timeout": "", "thresholds": {"min_receiver_mbps": "50", "max_stalled_intervals": 2},
        "checks": [], "confirm": "true", "variable_prefix": "gateway_bandwidth_"}


def measured(receiver_bps, task_id="8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f"):
    block = {"sender": {"bits_per_second": receiver_bps, "bytes": 1, "retransmits": 0},
             "receiver": {"bits_per_second": receiver_bps, "bytes": 1}, "intervals": [], "stalled_intervals": 0,
             "udp": None}
    return {"serial_number": SERIAL, "task_id": task_id, "status": "COMPLETED", "succeeded": True,
            "error_type": None, "fail_reason": None, "protocol": "tcp", "include_reverse": False, "upload": block,
            "download": None}


class Script:
    """Stands in for gateway_iperf: records the options it got and answers as told."""

    def __init__(self, response=None, failure=None, warnings=()):
        self.calls = []
        self.response = response if response is not None else {}
        self.failure = failure
        self.warnings = list(warnings)

    def __call__(self, params, check_mode=False, clock=None):
        self.calls.append(dict(params, check_mode=check_mode))
        return self.response, self.failure, self.warnings


def step(run, check_mode=False, **changes):
    return run_step(dict(BASE, **changes), check_mode=check_mode, clock=FakeClock(), run=run)


def verdict_of(outcome):
    return outcome["ansible_facts"]["gateway_bandwidth_verdict"]


def test_a_measured_gateway_gets_its_verdict_as_a_fact_and_one_line():
    run = Script({"changed": True, "server": "10.0.0.5:5201", "server_wait": 1.5, "ansible_facts": {
        "gateway_iperf": measured(94_100_000)}, "msg": "10-second TCP ..."})
    outcome = step(run)
    verdict = verdict_of(outcome)
    assert (verdict["verdict"], verdict["transient"]) == ("PASS", False)
    assert outcome["changed"] is True and "failed" not in outcome
    assert outcome["msg"].startswith("PASS CNF7G9K001: upload receiver 94.1 Mbit/s")
    assert outcome["ansible_facts"]["gateway_iperf"]["task_id"]
    assert outcome["bandwidth_step"]["pool_size"] == 2 and outcome["bandwidth_step"]["server_wait"] == 1.5
    params = run.calls[0]
    assert (params["duration"], params["parallel"], params["include_reverse"]) == (10, 1, False)
    assert params["server_pool"] == ["10.0.0.5:5201", "10.0.0.6:5201"]
    assert (params["busy_retries"], params["server_wait_timeout"], params["wait_timeout"]) == (3, 600.0, None)


def test_a_failed_threshold_is_fail_and_never_fails_the_host():
    outcome = step(Script({"changed": True, "ansible_facts": {"gateway_iperf": measured(7_670_000)}}))
    assert verdict_of(outcome)["verdict"] == "FAIL" and "failed" not in outcome


@pytest.mark.parametrize("changes, words", [
    ({"duration": "5"}, "gateway_bandwidth_duration must be a whole number from 10 to 120, got 5"),
    ({"duration": ""}, "gateway_bandwidth_duration is empty: set a whole number from 10 to 120"),
    ({"omit": "61"}, "gateway_bandwidth_omit must be a whole number from 0 to 60 or empty, got 61"),
    ({"server_pool": " , "}, "gateway_bandwidth_server_pool is empty"),
    ({"serial_number": ""}, "gateway_bandwidth_serial_number is empty"),
    ({"protocol": "icmp"}, "gateway_bandwidth_protocol must be tcp or udp, got icmp"),
    ({"include_reverse": "maybe"}, "gateway_bandwidth_include_reverse must be true or false, got maybe"),
    ({"confirm": "false"}, "gateway_bandwidth_confirm is not true: the test sends iperf traffic through gateway"),
    ({"confirm": "perhaps"}, "gateway_bandwidth_confirm must be true or false, got perhaps"),
    ({"thresholds": {"min_receiver_mbps": "fast"}}, "gateway_bandwidth_min_receiver_mbps"),
])
def test_every_variable_problem_is_an_error_not_run_and_no_traffic(changes, words):
    run = Script()
    outcome = step(run, **changes)
    verdict = verdict_of(outcome)
    assert (verdict["verdict"], verdict["reason"]) == ("ERROR", "not_run")
    assert words in verdict["message"] and verdict["message"].startswith("not_run: ")
    assert run.calls == [] and "failed" not in outcome and outcome["changed"] is False


def test_two_problems_are_named_together_and_a_bad_confirm_is_named_once():
    verdict = verdict_of(step(Script(), duration="5", confirm="perhaps"))
    assert verdict["message"].count("gateway_bandwidth_confirm") == 1
    assert "duration" in verdict["message"]


def test_a_test_that_could_not_run_is_an_error_with_the_api_cause():
    run = Script({"attempts": [], "api_error": {"status": 409}}, failure=("POST ... Device offline", "device_offline"))
    verdict = verdict_of(step(run))
    assert (verdict["verdict"], verdict["reason"], verdict["transient"]) == ("ERROR", "device_offline", False)
    assert "Device offline" in verdict["message"]


@pytest.mark.parametrize("error_type, status, transient", [
    ("server_busy", None, True), ("timeout", None, True), ("rate_limited", 429, True), ("api_error", 503, True),
    ("api_error", 400, False), ("auth", 401, False), ("device_offline", 409, False), ("no_measurement", None, False),
])
def test_which_errors_are_tested_again(error_type, status, transient):
    run = Script({"attempts": [], "api_error": {"status": status}}, failure=("msg", error_type))
    assert verdict_of(step(run))["transient"] is transient


def test_a_retest_keeps_every_earlier_attempt_oldest_first():
    first = verdict_of(step(Script({"attempts": []}, failure=("busy", "server_busy"))))
    second = verdict_of(step(Script({"attempts": []}, failure=("busy again", "server_busy")), previous=first))
    third = step(Script({"changed": True, "ansible_facts": {"gateway_iperf": measured(94_100_000)}}), previous=second)
    verdict = verdict_of(third)
    assert verdict["verdict"] == "PASS"
    assert [item["reason"] for item in verdict["attempts"]] == ["server_busy", "server_busy"]
    assert all("attempts" not in item for item in verdict["attempts"])
    assert third["msg"].endswith("(after ERROR server_busy, ERROR server_busy)")


def test_check_mode_records_nothing_and_fails_the_host_when_the_check_fails():
    ok = step(Script({"msg": "would run a 10-second TCP iperf test ..."}), check_mode=True, confirm="false")
    assert ok == {"failed": False, "changed": False, "msg": "check mode, nothing started: would run a 10-second TCP "
                  "iperf test ...", "warnings": [], "error_type": None, "bandwidth_step": {"check_mode": True}}
    bad = step(Script({}, failure=("Gateway X is offline", "device_offline")), check_mode=True)
    assert bad["failed"] is True and bad["error_type"] == "device_offline"
    assert step(Script(), check_mode=True, duration="5")["failed"] is True


@pytest.mark.parametrize("count, number, index, pool", [
    ("2", "0", None, ["a:1", "c:1"]), ("2", "1", None, ["b:1", "d:1"]), ("2", "", "3", ["b:1", "d:1"]),
    ("2", "", "4", ["a:1", "c:1"]), ("", "", None, ["a:1", "b:1", "c:1", "d:1"]), ("1", "", None, ["a:1", "b:1", "c:1", "d:1"]),
])
def test_slices_take_disjoint_shares_of_the_pool(count, number, index, pool):
    params, problems = check_inputs(dict(BASE, server_pool="a:1,b:1,c:1,d:1", slice_count=count, slice_number=number,
                                         gateway_index=index), False)
    assert problems == [] and params["server_pool"] == pool


@pytest.mark.parametrize("changes, words", [
    ({"slice_count": "2"}, "gateway_bandwidth_slice_count is 2 but this gateway has no slice number"),
    ({"slice_count": "3", "slice_number": "0", "server_pool": "a:1,b:1"}, "has 2 endpoint(s) for 3 slices"),
])
def test_slices_that_cannot_be_honoured_are_named(changes, words):
    _params, problems = check_inputs(dict(BASE, **changes), False)
    assert any(words in problem for problem in problems), problems


def test_options_of_the_wrong_shape_are_a_not_run_verdict_or_a_failed_check():
    outcome = invalid_options({"serial_number": SERIAL}, "Unsupported parameters: bogus", False)
    assert verdict_of(outcome)["message"] == "not_run: Unsupported parameters: bogus"
    assert invalid_options({}, "bad", True) == {"failed": True, "changed": False, "msg": "bad"}


def test_is_transient_only_for_errors():
    assert is_transient({"verdict": "FAIL", "reason": "threshold"}) is False
    assert is_transient(None) is False


def test_an_option_the_test_refuses_is_a_not_run_verdict_naming_it():
    run = Script({"attempts": []}, failure=("serial number 'CN/../x' is not valid: use 1 to 64 letters", None))
    verdict = verdict_of(step(run, serial_number="CN/../x"))
    assert (verdict["verdict"], verdict["reason"]) == ("ERROR", "not_run")
    assert verdict["message"] == "not_run: serial number 'CN/../x' is not valid: use 1 to 64 letters"

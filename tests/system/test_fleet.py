# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A fleet run the way AWX runs it: ansible-runner, ``-vvvv``, client credentials in the environment.

``playbooks/validate_gateway_bandwidth.yml`` runs over a small inventory of gateways that pass, miss a threshold,
are offline, unknown, stuck, vanish, fail with server errors, or have bad input. Then:

* every gateway is in the fleet report with the verdict it deserves, and only a measured gateway passes;
* neither the client secret nor the token minted with it is in the job output, the job events (which carry every
  task's result, registered variables included), the fact cache, the ``set_stats`` data or the reports;
* the token cache is private (0700 directory, 0600 file) and does not hold the secret;
* the failed hosts ansible-runner (and so AWX) records are exactly the gateways that did not pass, and the progress
  callback's line for every gateway is in the job events;
* the gateways whose ERROR had a passing cause were tested a second time, with both attempts recorded.
"""

import json
import os
import stat
import uuid

import pytest

from ansible_collections.aruba_central.troubleshooting.tests.system import harness

SPEED = 50
CLIENT_ID = "fleet-%s" % uuid.uuid4().hex[:8]
CLIENT_SECRET = "S3cr3t-%s" % uuid.uuid4()

GATEWAYS = [
    {"serial": "CNFLT0001", "link": {"down_mbps": 200, "up_mbps": 100}},
    {"serial": "CNFLT0002", "link": {"down_mbps": 5, "up_mbps": 5}},
    {"serial": "CNFLT0003", "link": {"down_mbps": 100, "up_mbps": 100, "stall": {"every_s": 3, "for_s": 2}}},
    {"serial": "CNFLT0004", "status": "Offline"},
    {"serial": "CNFLT0005"},
    {"serial": "CNFLT0006", "link": {"setup_delay_s": 600}},
    {"serial": "CNFLT0007"},
    {"serial": "CNFLT0008"},
]
FAULTS = {"stuck_running": ["CNFLT0005"], "vanish_tasks": ["CNFLT0006"],
          "serials": {"CNFLT0007": {"result": {"status_5xx": {"probability": 1.0, "codes": [500]}}}}}
# host -> (host variables, expected verdict, expected reason)
HOSTS = {
    "gw-pass": ({"serial_number": "CNFLT0001"}, "PASS", None),
    "gw-slow-link": ({"serial_number": "CNFLT0002"}, "FAIL", "threshold"),
    "gw-stalling": ({"serial_number": "CNFLT0003", "gateway_bandwidth_min_receiver_mbps": ""}, "FAIL", "threshold"),
    "gw-offline": ({"serial_number": "CNFLT0004"}, "ERROR", "device_offline"),
    "gw-unknown": ({"serial_number": "CNFLT9999"}, "ERROR", "device_not_found"),
    "gw-stuck": ({"serial_number": "CNFLT0005", "gateway_bandwidth_wait_timeout": "8"}, "ERROR", "timeout"),
    "gw-vanishing": ({"serial_number": "CNFLT0006"}, "ERROR", "task_not_found"),
    "gw-server-errors": ({"serial_number": "CNFLT0007"}, "ERROR", "api_error"),
    "gw-bad-threshold": ({"serial_number": "CNFLT0008", "gateway_bandwidth_min_receiver_mbps": "fast"}, "ERROR",
                         "not_run"),
    "gw-bad-serial": ({"serial_number": "CN/../x"}, "ERROR", "not_run"),
}

MAIN = """
- name: Validate the fleet
  ansible.builtin.import_playbook: aruba_central.troubleshooting.validate_gateway_bandwidth
"""


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    import ansible_runner  # pylint: disable=import-outside-toplevel
    from central_sim.endpoints import free_endpoints  # pylint: disable=import-outside-toplevel

    workdir = tmp_path_factory.mktemp("fleet")
    data_dir = workdir / "runner"
    for name in ("project", "inventory", "env"):
        (data_dir / name).mkdir(parents=True)
    (data_dir / "project" / "main.yml").write_text(MAIN, encoding="utf-8")
    report_dir = workdir / "reports"
    gateways = [dict({"name": item["serial"].lower(), "status": "Online"}, **item) for item in GATEWAYS]
    spec = {"speed": SPEED, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "gateways_data": gateways,
            "faults_data": FAULTS, "servers": [str(endpoint) for endpoint in free_endpoints(len(HOSTS))]}
    with harness.simulators({"fleet": spec}, workdir) as sims:
        info = sims["fleet"]
        harness.write_yaml(data_dir / "inventory" / "hosts.yml", {"all": {
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": harness.PYTHON},
            "children": {"gateways": {"hosts": {host: values[0] for host, values in HOSTS.items()},
                                      "vars": {"gateway_bandwidth_min_receiver_mbps": "50"}}}}})
        env = harness.ansible_env(workdir, ANSIBLE_FORKS=len(HOSTS), CENTRAL_BASE_URL=info["base_url"],
                                  CENTRAL_TOKEN_URL=info["token_url"], CENTRAL_CLIENT_ID=CLIENT_ID,
                                  CENTRAL_CLIENT_SECRET=CLIENT_SECRET,
                                  ANSIBLE_CALLBACKS_ENABLED="aruba_central.troubleshooting.bandwidth_progress")
        runner = ansible_runner.run(
            private_data_dir=str(data_dir), playbook="main.yml", envvars=env, verbosity=4, quiet=True, timeout=300,
            extravars={"gateway_bandwidth_server_pool": info["servers"], "gateway_bandwidth_confirm": True,
                       "bandwidth_report_dir": str(report_dir)})
        metrics = harness.sim_metrics(info)
    artifacts = os.path.join(str(data_dir), "artifacts", runner.config.ident)
    events = list(runner.events)
    report_path = report_dir / "bandwidth_report.json"
    return {"runner": runner, "artifacts": artifacts, "events": events, "metrics": metrics, "env": env,
            "report": harness.read_json(report_path) if report_path.exists() else None,
            "report_dir": str(report_dir), "data_dir": str(data_dir)}


def _report(fleet):
    runner = fleet["runner"]
    assert fleet["report"] is not None, "no JSON report; runner status %s, rc %s" % (runner.status, runner.rc)
    return fleet["report"]


def test_the_fleet_run_completes_and_every_host_is_in_the_report(fleet):
    hosts = {entry["host"] for entry in _report(fleet)["hosts"]}
    assert hosts == set(HOSTS)


def test_the_failed_hosts_are_exactly_the_gateways_that_did_not_pass(fleet):
    """What AWX shows as failed hosts and relaunches on "failed hosts" comes from these runner stats."""
    stats = fleet["runner"].stats
    assert sorted(stats["failures"]) == sorted(host for host, values in HOSTS.items() if values[1] != "PASS"), stats
    assert "gw-pass" in stats["ok"] and "gw-pass" not in stats["failures"]
    messages = {event["event_data"]["host"]: event["event_data"]["res"]["msg"] for event in fleet["events"]
                if event.get("event") == "runner_on_failed"}
    assert messages["gw-slow-link"].startswith("FAIL CNFLT0002: ")
    assert messages["gw-offline"].startswith("ERROR CNFLT0004: device_offline: ")


def test_every_gateway_has_a_progress_line_in_the_job_events(fleet):
    lines = [line for event in fleet["events"] for line in (event.get("stdout") or "").splitlines()]
    first_pass = [line for line in lines if line.startswith("[") and "/%d] " % len(HOSTS) in line]
    assert len(first_pass) == len(HOSTS), lines[-40:]
    assert any(line.startswith("[ 1/%d] " % len(HOSTS)) for line in first_pass)
    assert all(" | PASS " in line and " FAIL " in line and " ERROR " in line for line in first_pass)
    assert any(line.startswith("[retest] ") for line in lines)


def test_the_gateways_with_a_passing_cause_were_tested_again_with_both_attempts_kept(fleet):
    by_host = {entry["host"]: entry for entry in _report(fleet)["hosts"]}
    for host in ("gw-stuck", "gw-server-errors"):
        assert [attempt["reason"] for attempt in by_host[host].get("attempts") or []] == [HOSTS[host][2]], host
    assert not by_host["gw-offline"].get("attempts"), "an offline gateway is not tested again"


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_each_gateway_gets_the_verdict_it_deserves(fleet, host):
    _values, verdict, reason = HOSTS[host]
    entry = next(item for item in _report(fleet)["hosts"] if item["host"] == host)
    assert (entry["verdict"], entry["reason"]) == (verdict, reason), entry["message"]
    assert entry["message"] and "\n" not in entry["message"]
    if verdict == "ERROR" and reason != "not_run":
        assert entry["message"].startswith(reason + ": ")


def test_nothing_passes_unless_a_completed_measurement_met_the_thresholds(fleet):
    passed = [entry for entry in _report(fleet)["hosts"] if entry["verdict"] == "PASS"]
    assert [entry["host"] for entry in passed] == ["gw-pass"]
    for entry in passed:
        assert entry["checks"] and all(check["passed"] for check in entry["checks"])
        assert entry["measurements"]["upload"]["receiver_mbps"] >= 50
    summary = _report(fleet)["summary"]
    assert (summary["passed"], summary["failed"], summary["errors"]) == (1, 2, len(HOSTS) - 3)


def test_no_test_was_started_for_refused_or_missing_gateways(fleet):
    started = {task["serial"] for task in fleet["metrics"]["tasks"]}
    assert started.isdisjoint({"CNFLT0004", "CNFLT9999", "CNFLT0008"})
    tests = {serial: len([task for task in fleet["metrics"]["tasks"] if task["serial"] == serial]) for serial in started}
    # the second pass tests the timed-out and the server-error gateways once more; nobody else twice
    assert tests == dict({serial: 1 for serial in started}, CNFLT0005=2, CNFLT0007=2), tests


def test_every_report_format_names_every_gateway(fleet):
    for extension in ("xml", "csv", "md", "html"):
        path = os.path.join(fleet["report_dir"], "bandwidth_report.%s" % extension)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        missing = [host for host in HOSTS if host not in text]
        assert not missing, "%s lacks %s" % (extension, missing)


def _stats(fleet):
    stats = [event for event in fleet["events"] if event.get("event") == "playbook_on_stats"]
    assert stats, "no stats event"
    return stats[-1]["event_data"].get("artifact_data") or {}


def test_set_stats_publishes_the_fleet_summary(fleet):
    summary = _stats(fleet)["bandwidth_report"]
    assert summary["total"] == len(HOSTS) and summary["passed"] == 1


# ---------------------------------------------------------------- secrets


def _minted_tokens(fleet):
    directory = fleet["env"]["CENTRAL_TOKEN_CACHE_DIR"]
    tokens = []
    for name in os.listdir(directory):
        if name.endswith(".json") and name != "task_timings.json":
            tokens.append(harness.read_json(os.path.join(directory, name))["access_token"])
    return tokens


def _job_files(fleet):
    """Everything the job left: runner artifacts (stdout, events, fact cache) and the reports.

    Left out: the runner's own inputs (``env/envvars`` and the ``command`` record of the environment it was
    started with), which hold the credentials the way an AWX credential injects them.
    """
    inputs = {os.path.join(fleet["data_dir"], "env", "envvars"), os.path.join(fleet["artifacts"], "command")}
    files = harness.files_under(fleet["artifacts"], fleet["report_dir"])
    return [path for path in files if path not in inputs]


def test_the_job_left_output_events_facts_and_reports_to_check(fleet):
    files = _job_files(fleet)
    kinds = {"stdout": False, "job_events": False, "fact_cache": False, "reports": False}
    for path in files:
        for kind in kinds:
            kinds[kind] = kinds[kind] or ("/%s" % kind) in path
    assert all(kinds.values()), kinds
    cached = harness.files_under(os.path.join(fleet["artifacts"], "fact_cache"))
    assert harness.files_containing("gateway_bandwidth_verdict", cached), "the verdicts were not cached as facts"
    events = harness.files_under(os.path.join(fleet["artifacts"], "job_events"))
    assert harness.files_containing('"attempts"', events), "the gateway_iperf results are not in the job events"
    assert _minted_tokens(fleet), "no token was cached, so the token check below would check nothing"


def test_the_client_secret_is_nowhere_in_what_the_job_left(fleet):
    assert harness.files_containing(CLIENT_SECRET, [os.path.join(fleet["data_dir"], "env", "envvars")])
    assert harness.files_containing(CLIENT_SECRET, _job_files(fleet)) == []
    assert CLIENT_SECRET not in json.dumps(_stats(fleet))


def test_the_minted_token_is_nowhere_in_what_the_job_left(fleet):
    for token in _minted_tokens(fleet):
        assert harness.files_containing(token, _job_files(fleet)) == []
        assert token not in json.dumps(fleet["events"])


def test_the_token_cache_is_private_and_holds_no_secret(fleet):
    directory = fleet["env"]["CENTRAL_TOKEN_CACHE_DIR"]
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    entries = [os.path.join(directory, name) for name in os.listdir(directory)
               if name.endswith(".json") and name != "task_timings.json"]
    assert entries
    for path in entries:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert harness.files_containing(CLIENT_SECRET, harness.files_under(directory)) == []

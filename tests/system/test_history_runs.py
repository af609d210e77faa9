# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""History and regressions over real fleet runs: three runs of playbooks/validate_gateway_bandwidth.yml against one
simulator, one history file, and between the second and the third run two links get slower (the simulator's
``POST /_sim/gateways/{serial}/link``).

The first run has no baseline and is judged on the absolute thresholds only, and says so; the second compares with
one earlier run (``gateway_bandwidth_baseline_min_runs: 1``); in the third, the link that lost 70 % is a FAIL
(the drop alone: it still clears the absolute threshold), the one that lost 30 % a WARN, the steady one a PASS
against its baseline. Every run and direction is in the history file.
"""

import sqlite3
import uuid

import pytest

from ansible_collections.aruba_central.troubleshooting.tests.system import harness

SPEED = 50
CLIENT_ID = "history-%s" % uuid.uuid4().hex[:8]
CLIENT_SECRET = "S3cr3t-%s" % uuid.uuid4()
# host -> (serial, link, link from the third run on)
GATEWAYS = {
    "gw-degrades": ("CNHIS0001", {"down_mbps": 200, "up_mbps": 100}, {"up_mbps": 30}),
    "gw-dips": ("CNHIS0002", {"down_mbps": 200, "up_mbps": 100}, {"up_mbps": 70}),
    "gw-steady": ("CNHIS0003", {"down_mbps": 150, "up_mbps": 80}, None),
}
RUNS = 3


def _verdicts(report):
    return {host["host"]: host for host in report["hosts"]}


@pytest.fixture(scope="module")
def history_runs(tmp_path_factory):
    from central_sim.endpoints import free_endpoints  # pylint: disable=import-outside-toplevel

    workdir = tmp_path_factory.mktemp("history")
    history = workdir / "bandwidth_history.sqlite"
    gateways = [{"serial": serial, "name": host, "status": "Online", "link": link}
                for host, (serial, link, _later) in GATEWAYS.items()]
    spec = {"speed": SPEED, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "gateways_data": gateways,
            "servers": [str(endpoint) for endpoint in free_endpoints(2)]}
    reports, runs = [], []
    with harness.simulators({"central": spec}, workdir) as sims:
        info = sims["central"]
        harness.write_yaml(workdir / "inventory.yml", {"all": {
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": harness.PYTHON},
            "children": {"gateways": {
                "hosts": {host: {"serial_number": values[0]} for host, values in GATEWAYS.items()},
                "vars": {"gateway_bandwidth_min_receiver_mbps": "20", "gateway_bandwidth_baseline_min_runs": "1",
                         "gateway_bandwidth_history_path": str(history),
                         "gateway_bandwidth_server_pool": info["servers"], "gateway_bandwidth_confirm": True,
                         "gateway_bandwidth_fail_play": False}}}}})
        env = harness.ansible_env(workdir, CENTRAL_BASE_URL=info["base_url"], CENTRAL_TOKEN_URL=info["token_url"],
                                  CENTRAL_CLIENT_ID=CLIENT_ID, CENTRAL_CLIENT_SECRET=CLIENT_SECRET)
        playbook = harness.COLLECTION_ROOT + "/playbooks/validate_gateway_bandwidth.yml"
        with harness.sim_session(info) as session:
            for number in range(1, RUNS + 1):
                if number == RUNS:
                    for serial, _link, later in GATEWAYS.values():
                        if later:
                            answer = session.post("%s/_sim/gateways/%s/link" % (info["base_url"], serial), json=later,
                                                  timeout=10)
                            answer.raise_for_status()
                report_dir = workdir / ("run%d" % number)
                run = harness.run_ansible("ansible-playbook", ["-i", workdir / "inventory.yml", playbook,
                                                               "-e", "bandwidth_report_dir=%s" % report_dir], env, workdir)
                runs.append(run)
                path = report_dir / "bandwidth_report.json"
                reports.append(harness.read_json(path) if path.exists() else None)
    return {"runs": runs, "reports": reports, "history": history}


def _report(history_runs, index):
    report = history_runs["reports"][index]
    run = history_runs["runs"][index]
    assert report is not None, "run %d wrote no report (rc %s):\n%s" % (index + 1, run.returncode, run.tail())
    return report


def test_the_first_run_has_no_baseline_and_says_so(history_runs):
    hosts = _verdicts(_report(history_runs, 0))
    assert {host: record["verdict"] for host, record in hosts.items()} == dict.fromkeys(GATEWAYS, "PASS")
    for record in hosts.values():
        upload = record["baseline"]["upload"]
        assert upload["enough_history"] is False and upload["median_mbps"] is None
        assert not [check for check in record["checks"] if check["metric"] == "drop_percent"]


def test_the_second_run_is_compared_with_the_first(history_runs):
    hosts = _verdicts(_report(history_runs, 1))
    assert {host: record["verdict"] for host, record in hosts.items()} == dict.fromkeys(GATEWAYS, "PASS")
    for record in hosts.values():
        assert record["baseline"]["upload"]["runs"] == 1 and record["baseline"]["upload"]["enough_history"]
        assert [check["passed"] for check in record["checks"] if check["metric"] == "drop_percent"] == [True] * 4


def test_a_link_that_lost_most_of_its_rate_is_a_regression_failure(history_runs):
    record = _verdicts(_report(history_runs, 2))["gw-degrades"]
    assert record["verdict"] == "FAIL" and record["reason"] == "threshold", record["message"]
    failed = [check for check in record["checks"] if not check["passed"]]
    assert {check["name"] for check in failed} == {"max_drop_percent", "warn_drop_percent"}
    absolute = [check for check in record["checks"] if check["name"] == "min_receiver_mbps"]
    assert absolute and all(check["passed"] for check in absolute), "the absolute threshold alone would pass it"
    drop = next(check for check in failed if check["name"] == "max_drop_percent")
    assert drop["direction"] == "upload" and drop["measured"] > 50 and "below its baseline" in drop["message"]


def test_a_link_a_little_slower_is_a_warning_and_a_steady_one_passes(history_runs):
    hosts = _verdicts(_report(history_runs, 2))
    assert hosts["gw-dips"]["verdict"] == "WARN" and hosts["gw-dips"]["reason"] == "warning"
    assert hosts["gw-steady"]["verdict"] == "PASS"
    assert hosts["gw-steady"]["baseline"]["upload"]["runs"] == 2


def test_every_run_and_direction_is_in_the_history(history_runs):
    for index in range(RUNS):
        _report(history_runs, index)
    with sqlite3.connect(str(history_runs["history"])) as conn:
        runs = conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        rows = conn.execute("SELECT host, direction, COUNT(*), MIN(receiver_bits_per_second) FROM measurements "
                            "GROUP BY host, direction").fetchall()
    assert runs == RUNS
    by_key = {(host, direction): (count, low) for host, direction, count, low in rows}
    assert set(by_key) == {(host, direction) for host in GATEWAYS for direction in ("upload", "download")}
    assert all(count == RUNS for count, _low in by_key.values()), by_key
    assert by_key[("gw-degrades", "upload")][1] < 40e6, "the slow third run is recorded with its figure"
    workdir = history_runs["history"].parent
    shown = harness.run_ansible("ansible-playbook", [
        harness.COLLECTION_ROOT + "/playbooks/bandwidth_history.yml", "-e", "bandwidth_history_gateways=gw-degrades",
        "-e", "bandwidth_history_path=%s" % history_runs["history"]], harness.ansible_env(workdir), workdir)
    assert "gw-degrades upload" in shown.stdout and "(3 runs)" in shown.stdout, shown.tail()

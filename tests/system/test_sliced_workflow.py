# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The AWX workflow "sliced validation, then one fleet report", run the way AWX runs it, with ansible-runner.

Two job slices (``awx_job_id`` 101 and 102, each with its own half of the inventory, its own report directory and
no fact cache) validate their gateways and publish their verdicts with ``set_stats``. As AWX does between workflow
nodes, the artifacts of both slices (``artifact_data`` of their ``playbook_on_stats`` events) become the extra
variables of the aggregation job, which runs ``aruba_central.troubleshooting.bandwidth_report`` on ``localhost``
only. The aggregated report must hold every gateway with the verdict its slice gave it, and a gateway that no slice
ran must appear as ERROR not_run.
"""

import json
import uuid

import pytest

from ansible_collections.aruba_central.troubleshooting.tests.system import harness

SPEED = 50
CLIENT_ID = "slices-%s" % uuid.uuid4().hex[:8]
CLIENT_SECRET = "S3cr3t-%s" % uuid.uuid4()

GATEWAYS = [
    {"serial": "CNSLC0001", "link": {"down_mbps": 200, "up_mbps": 100}},
    {"serial": "CNSLC0002", "link": {"down_mbps": 5, "up_mbps": 5}},
    {"serial": "CNSLC0003", "link": {"down_mbps": 150, "up_mbps": 80}},
    {"serial": "CNSLC0004", "status": "Offline"},
]
# host -> (serial, slice job id or None when no slice ran it, expected verdict, expected reason)
HOSTS = {
    "gw-berlin": ("CNSLC0001", 101, "PASS", None),
    "gw-slow": ("CNSLC0002", 101, "FAIL", "threshold"),
    "gw-madrid": ("CNSLC0003", 102, "PASS", None),
    "gw-offline": ("CNSLC0004", 102, "ERROR", "device_offline"),
    "gw-never-ran": ("CNSLC0001", None, "ERROR", "not_run"),
}

VALIDATE = """
- name: Validate the fleet
  ansible.builtin.import_playbook: aruba_central.troubleshooting.validate_gateway_bandwidth
"""
AGGREGATE = """
- name: One fleet report
  ansible.builtin.import_playbook: aruba_central.troubleshooting.bandwidth_report
"""


def _runner_dir(workdir, name, inventory):
    data_dir = workdir / name
    for sub in ("project", "inventory", "env"):
        (data_dir / sub).mkdir(parents=True)
    (data_dir / "project" / "validate.yml").write_text(VALIDATE, encoding="utf-8")
    (data_dir / "project" / "aggregate.yml").write_text(AGGREGATE, encoding="utf-8")
    harness.write_yaml(data_dir / "inventory" / "hosts.yml", inventory)
    return data_dir


def _inventory(hosts):
    return {"all": {
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": harness.PYTHON},
        "children": {"gateways": {"hosts": {host: {"serial_number": HOSTS[host][0]} for host in hosts},
                                  "vars": {"gateway_bandwidth_min_receiver_mbps": "50"}}}}}


def _artifact_data(runner):
    for event in runner.events:
        if event.get("event") == "playbook_on_stats":
            return event["event_data"].get("artifact_data") or {}
    return {}


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    import ansible_runner  # pylint: disable=import-outside-toplevel
    from central_sim.endpoints import free_endpoints  # pylint: disable=import-outside-toplevel

    workdir = tmp_path_factory.mktemp("slices")
    gateways = [dict({"name": item["serial"].lower(), "status": "Online"}, **item) for item in GATEWAYS]
    spec = {"speed": SPEED, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "gateways_data": gateways,
            "servers": [str(endpoint) for endpoint in free_endpoints(4)]}
    slices = {}
    with harness.simulators({"central": spec}, workdir) as sims:
        info = sims["central"]
        env = harness.ansible_env(workdir, CENTRAL_BASE_URL=info["base_url"], CENTRAL_TOKEN_URL=info["token_url"],
                                  CENTRAL_CLIENT_ID=CLIENT_ID, CENTRAL_CLIENT_SECRET=CLIENT_SECRET)
        for number, job_id in enumerate((101, 102)):
            hosts = [host for host, values in HOSTS.items() if values[1] == job_id]
            data_dir = _runner_dir(workdir, "slice%d" % job_id, _inventory(hosts))
            slices[job_id] = ansible_runner.run(
                private_data_dir=str(data_dir), playbook="validate.yml", envvars=env, quiet=True, timeout=300,
                extravars={"awx_job_id": job_id, "gateway_bandwidth_server_pool": info["servers"],
                           "gateway_bandwidth_slice_count": 2, "gateway_bandwidth_slice_number": number,
                           "gateway_bandwidth_confirm": True, "gateway_bandwidth_history": False,
                           "bandwidth_report_dir": str(workdir / ("reports-%d" % job_id))})
    # AWX merges the artifacts of every slice and hands them to the next workflow node as extra variables.
    handed_on = {}
    for runner in slices.values():
        handed_on.update(_artifact_data(runner))
    data_dir = _runner_dir(workdir, "aggregate", _inventory(list(HOSTS)))
    report_dir = workdir / "reports-fleet"
    aggregate = ansible_runner.run(
        private_data_dir=str(data_dir), playbook="aggregate.yml", envvars=harness.ansible_env(workdir), quiet=True,
        timeout=300, extravars=dict(handed_on, awx_job_id=103, bandwidth_report_dir=str(report_dir),
                                    bandwidth_report_history=False,
                                    bandwidth_report_hosts="{{ groups['gateways'] }}"))
    report_path = report_dir / "bandwidth_report_103.json"
    return {"slices": slices, "handed_on": handed_on, "aggregate": aggregate, "pool": info["servers"],
            "workdir": workdir,
            "report": harness.read_json(report_path) if report_path.exists() else None,
            "artifact": _artifact_data(aggregate)}


def test_each_slice_hands_on_its_own_gateways_under_its_job_id(workflow):
    handed_on = workflow["handed_on"]
    assert sorted(handed_on) == ["bandwidth_report_101", "bandwidth_report_102"], sorted(handed_on)
    for job_id in (101, 102):
        data = handed_on["bandwidth_report_%d" % job_id]
        expected = sorted(host for host, values in HOSTS.items() if values[1] == job_id)
        assert sorted(host["host"] for host in data["hosts"]) == expected
        assert data["total"] == len(expected)
        for host in data["hosts"]:
            measured = [numbers for numbers in (host.get("measurements") or {}).values() if numbers]
            assert bool(measured) == (host["verdict"] != "ERROR"), host
            for numbers in measured:
                assert numbers["intervals"] == [], "per-interval figures are not handed on"


def test_the_handed_on_data_carries_no_secret(workflow):
    text = json.dumps(workflow["handed_on"])
    assert CLIENT_SECRET not in text


def test_the_aggregation_reports_every_gateway_with_its_slices_verdict(workflow):
    runner = workflow["aggregate"]
    report = workflow["report"]
    assert report is not None, "no aggregated report; runner status %s, rc %s" % (runner.status, runner.rc)
    assert runner.rc == 0, runner.status
    verdicts = {host["host"]: (host["verdict"], host.get("reason")) for host in report["hosts"]}
    assert verdicts == {host: (values[2], values[3]) for host, values in HOSTS.items()}
    assert report["summary"]["total"] == len(HOSTS)
    assert sorted(report["run"]["sources"]) == ["bandwidth_report_101", "bandwidth_report_102"]


def test_measured_figures_survive_the_hand_over(workflow):
    handed = {host["host"]: host for data in workflow["handed_on"].values() for host in data["hosts"]}
    reported = {host["host"]: host for host in workflow["report"]["hosts"]}
    for host in ("gw-berlin", "gw-madrid", "gw-slow"):
        before = handed[host]["measurements"]
        after = reported[host]["measurements"]
        assert set(before) == set(after) and before, host
        for direction, numbers in before.items():
            assert after[direction]["receiver_mbps"] == numbers["receiver_mbps"] > 0


def test_the_aggregation_publishes_the_fleet_summary(workflow):
    data = workflow["artifact"].get("bandwidth_report_103")
    assert data, sorted(workflow["artifact"])
    assert (data["total"], data["passed"], data["failed"], data["errors"]) == (5, 2, 1, 2)
    assert sorted(data["failed_hosts"]) == ["gw-slow"]
    assert sorted(data["error_hosts"]) == ["gw-never-ran", "gw-offline"]


def test_each_slice_used_only_its_share_of_the_server_pool(workflow):
    pool = [int(str(endpoint).rsplit(":", 1)[1]) for endpoint in workflow["pool"]]
    for number, job_id in enumerate((101, 102)):
        report = harness.read_json(workflow["workdir"] / ("reports-%d" % job_id) / ("bandwidth_report_%d.json" % job_id))
        ports = {int(host["test"]["port"]) for host in report["hosts"] if (host.get("test") or {}).get("port")}
        assert ports, report["hosts"]
        assert ports <= set(pool[number::2]), (job_id, ports, pool)

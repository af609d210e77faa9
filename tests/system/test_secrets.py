# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Secrets stay secret: an access-token fleet run at ``-vvvv`` and the gateways inventory with its cache.

The client-credentials fleet run (through ansible-runner, as AWX runs it) is in ``test_fleet.py``; the token cache
file rules are unit tested in ``tests/unit/plugins/module_utils/test_central_auth.py``.
"""

import json
import os
import uuid

import pytest

from ansible_collections.aruba_central.troubleshooting.tests.system import harness

SPEED = 50
CLIENT_ID = "tok-%s" % uuid.uuid4().hex[:8]
CLIENT_SECRET = "S3cr3t-%s" % uuid.uuid4()
GATEWAYS = [{"serial": "CNSEC0001", "name": "sec-gw-1", "site": "HQ-Berlin", "status": "Online"},
            {"serial": "CNSEC0002", "name": "sec-gw-2", "site": "Branch-Lyon", "status": "Offline"}]

MAIN = """
- name: Validate the fleet
  ansible.builtin.import_playbook: aruba_central.troubleshooting.validate_gateway_bandwidth

- name: Dump every host's variables, registered results included, as a later task could see them
  hosts: gateways
  gather_facts: false
  tasks:
    - name: Write the host variables
      ansible.builtin.copy:
        dest: "{{ dump_dir }}/{{ inventory_hostname }}.json"
        content: "{{ hostvars[inventory_hostname] | to_json }}"
        mode: "0600"
"""


@pytest.fixture(scope="module")
def token_run(tmp_path_factory):
    """The validation playbook with an access token in CENTRAL_ACCESS_TOKEN, at -vvvv, facts cached as JSON files."""
    workdir = tmp_path_factory.mktemp("secrets")
    playbook = workdir / "main.yml"
    playbook.write_text(MAIN, encoding="utf-8")
    dirs = {name: workdir / name for name in ("reports", "hostvars", "facts")}
    for path in dirs.values():
        path.mkdir()
    spec = {"speed": SPEED, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "gateways_data": GATEWAYS}
    with harness.simulators({"secrets": spec}, workdir) as sims:
        info = sims["secrets"]
        token = harness.sim_token(info, CLIENT_ID, CLIENT_SECRET)
        inventory = harness.write_yaml(workdir / "inventory.yml", {"all": {
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": harness.PYTHON},
            "children": {"gateways": {"hosts": {"sec-gw-1": {"serial_number": "CNSEC0001"},
                                                "sec-gw-2": {"serial_number": "CNSEC0002"}}}}}})
        extra = harness.write_json(workdir / "extra.json", {
            "gateway_bandwidth_server_pool": info["servers"], "gateway_bandwidth_confirm": True,
            "gateway_bandwidth_fail_play": False, "gateway_bandwidth_include_reverse": False,
            "bandwidth_report_dir": str(dirs["reports"]), "dump_dir": str(dirs["hostvars"])})
        env = harness.ansible_env(workdir, ANSIBLE_FORKS=2, CENTRAL_BASE_URL=info["base_url"],
                                  CENTRAL_ACCESS_TOKEN=token, ANSIBLE_SHOW_CUSTOM_STATS="true",
                                  ANSIBLE_CACHE_PLUGIN="ansible.builtin.jsonfile",
                                  ANSIBLE_CACHE_PLUGIN_CONNECTION=str(dirs["facts"]))
        run = harness.run_ansible("ansible-playbook", ["-vvvv", "-i", inventory, str(playbook), "-e", "@" + extra],
                                  env, workdir)
    files = harness.files_under(*dirs.values())
    return {"run": run, "token": token, "files": files, "dirs": dirs}


def test_the_access_token_run_measured_and_reported(token_run):
    run = token_run["run"]
    assert run.returncode == 0, run.tail()
    report = harness.read_json(os.path.join(str(token_run["dirs"]["reports"]), "bandwidth_report.json"))
    verdicts = {entry["host"]: entry["verdict"] for entry in report["hosts"]}
    assert verdicts == {"sec-gw-1": "PASS", "sec-gw-2": "ERROR"}
    assert "CUSTOM STATS" in run.stdout and "bandwidth_report" in run.stdout, "set_stats was not shown"
    assert os.listdir(str(token_run["dirs"]["facts"])), "no facts were cached"
    assert os.listdir(str(token_run["dirs"]["hostvars"])), "no host variables were dumped"


def test_the_access_token_is_in_no_output_report_fact_or_variable(token_run):
    token = token_run["token"]
    assert token not in token_run["run"].output
    assert token[:12] not in token_run["run"].output
    assert harness.files_containing(token, token_run["files"]) == []
    assert harness.files_containing(token[:12], token_run["files"]) == []


def test_the_no_log_mask_shows_that_a_token_was_given(token_run):
    # At -vvvv Ansible prints each module's arguments; the token is replaced by its no_log mask.
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in token_run["run"].stdout


# ---------------------------------------------------------------- the gateways inventory and its cache


@pytest.fixture(scope="module")
def inventory_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("inventory")
    cache_dir = workdir / "inventory-cache"
    spec = {"speed": SPEED, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "gateways_data": GATEWAYS}
    with harness.simulators({"inventory": spec}, workdir) as sims:
        info = sims["inventory"]
        source = harness.write_yaml(workdir / "fleet.central_gateways.yml", {
            "plugin": "aruba_central.troubleshooting.gateways", "cache": True,
            "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(cache_dir), "cache_timeout": 3600})
        env = harness.ansible_env(workdir, CENTRAL_BASE_URL=info["base_url"], CENTRAL_TOKEN_URL=info["token_url"],
                                  CENTRAL_CLIENT_ID=CLIENT_ID, CENTRAL_CLIENT_SECRET=CLIENT_SECRET,
                                  ANSIBLE_INVENTORY_UNPARSED_FAILED="true", ANSIBLE_INVENTORY_ENABLED="auto")
        run = harness.run_ansible("ansible-inventory", ["-vvvv", "-i", source, "--list"], env, workdir)
    token_files = [path for path in harness.files_under(env["CENTRAL_TOKEN_CACHE_DIR"])
                   if path.endswith(".json") and not path.endswith("task_timings.json")]
    tokens = [harness.read_json(path)["access_token"] for path in token_files]
    return {"run": run, "cache_files": harness.files_under(cache_dir), "tokens": tokens}


def test_the_inventory_lists_the_gateways_and_caches_them(inventory_run):
    run = inventory_run["run"]
    assert run.returncode == 0, run.tail()
    listed = json.loads(run.stdout[run.stdout.index("{"):])
    assert sorted(listed["gateways"]["hosts"]) == ["sec-gw-1", "sec-gw-2"]
    assert inventory_run["cache_files"], "the inventory cache was not written"
    assert harness.files_containing("CNSEC0001", inventory_run["cache_files"])
    assert inventory_run["tokens"], "no token was cached, so the token check below would check nothing"


def test_no_secret_or_token_in_the_inventory_output_or_its_cache(inventory_run):
    for secret in [CLIENT_SECRET] + inventory_run["tokens"]:
        assert secret not in inventory_run["run"].output
        assert harness.files_containing(secret, inventory_run["cache_files"]) == []

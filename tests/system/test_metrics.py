# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A fleet run's metrics through a real Pushgateway into a real Prometheus, and its history on the controller.

The role ``bandwidth_report`` reports a fleet judged with history and contracts (WARN, a regression, a retest): it
writes the OpenMetrics file for node_exporter's textfile collector, pushes to a Pushgateway that a Prometheus
scrapes every second, and records the run in the history file, which ``playbooks/bandwidth_history.yml`` then prints
and exports. Prometheus' HTTP API is polled (bounded) until the samples appear. Both servers come from Debian's
packages ``prometheus`` and ``prometheus-pushgateway`` and listen on loopback ports picked free.
"""

import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import time

import pytest
import requests

from ansible_collections.aruba_central.troubleshooting.tests.system import harness
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import trend_fixtures as tf

PUSHGATEWAY = shutil.which("prometheus-pushgateway") or shutil.which("pushgateway")
PROMETHEUS = shutil.which("prometheus")
DEADLINE_SECONDS = 60

MISSING = [name for name, path in (("prometheus", PROMETHEUS), ("prometheus-pushgateway", PUSHGATEWAY)) if not path]
pytestmark = pytest.mark.skipif(bool(MISSING), reason="the Prometheus servers are not installed (apt-get install -y "
                                "prometheus prometheus-pushgateway); missing: %s" % ", ".join(MISSING))

PLAY = """\
- name: Report a judged fleet, with metrics and history
  hosts: gateways
  gather_facts: false
  tasks:
    - name: The verdicts as the gateway_bandwidth role leaves them
      ansible.builtin.set_fact:
        gateway_bandwidth_verdict: "{{ (lookup('ansible.builtin.file', fleet_file) | from_json)[inventory_hostname] }}"
    - name: The reports, the metrics and the history
      ansible.builtin.include_role:
        name: aruba_central.troubleshooting.bandwidth_report
"""


def free_port():
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what, probe):
    """``probe()`` until it returns something true, for at most DEADLINE_SECONDS; fails saying what never came."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        try:
            found = probe()
        except requests.RequestException:
            found = None
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail("%s did not happen within %d s" % (what, DEADLINE_SECONDS))
        time.sleep(0.25)


@contextlib.contextmanager
def server(argv, log):
    with open(log, "w", encoding="utf-8") as output:
        proc = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def ready(url):
    return lambda: requests.get(url + "/-/ready", timeout=2).status_code == 200


@pytest.fixture(name="stack", scope="module")
def prometheus_stack(tmp_path_factory):
    work = tmp_path_factory.mktemp("prometheus")
    push_port, prom_port = free_port(), free_port()
    push_url, prom_url = "http://127.0.0.1:%d" % push_port, "http://127.0.0.1:%d" % prom_port
    config = work / "prometheus.yml"
    harness.write_yaml(config, {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [{"job_name": "pushgateway", "honor_labels": True,
                            "static_configs": [{"targets": ["127.0.0.1:%d" % push_port]}]}]})
    with server([PUSHGATEWAY, "--web.listen-address=127.0.0.1:%d" % push_port], str(work / "pushgateway.log")), \
            server([PROMETHEUS, "--config.file=%s" % config, "--storage.tsdb.path=%s" % (work / "data"),
                    "--web.listen-address=127.0.0.1:%d" % prom_port], str(work / "prometheus.log")):
        wait_for("the Pushgateway answering on %s" % push_url, ready(push_url))
        wait_for("Prometheus answering on %s" % prom_url, ready(prom_url))
        yield {"push": push_url, "prometheus": prom_url, "work": work}


@pytest.fixture(name="reported", scope="module")
def reported_fleet(stack):
    work = stack["work"]
    fleet = tf.trend_fleet()
    harness.write_json(work / "fleet.json", dict((entry["host"], entry["record"]) for entry in fleet))
    harness.write_yaml(work / "inventory.yml", {"gateways": {"hosts": dict(
        (entry["host"], {"central_site_name": entry["group"], "ansible_connection": "local"}) for entry in fleet)}})
    (work / "play.yml").write_text(PLAY)
    paths = {"history": work / "history" / "bandwidth_history.sqlite", "metrics": work / "textfile" / "gateway_bandwidth.prom",
             "reports": work / "reports"}
    (work / "textfile").mkdir()
    env = harness.ansible_env(work)
    run = harness.run_ansible("ansible-playbook", [
        "-i", work / "inventory.yml", work / "play.yml", "-e", "fleet_file=%s" % (work / "fleet.json"),
        "-e", "bandwidth_report_dir=%s" % paths["reports"], "-e", "bandwidth_report_history_path=%s" % paths["history"],
        "-e", "bandwidth_report_metrics_file=%s" % paths["metrics"], "-e", "bandwidth_report_pushgateway_url=%s" % stack["push"],
        "-e", json.dumps({"bandwidth_report_pushgateway_grouping": {"slice": "1"}})], env, work)
    assert run.returncode == 0, run.tail(60)
    return dict(paths, run=run, fleet=fleet, env=env, work=work)


def query(stack, expression):
    answer = requests.get(stack["prometheus"] + "/api/v1/query", params={"query": expression}, timeout=5)
    answer.raise_for_status()
    body = answer.json()
    assert body["status"] == "success", body
    return body["data"]["result"]


def test_prometheus_has_every_gateways_figures_from_the_pushgateway(stack, reported):
    hosts = sorted(entry["host"] for entry in reported["fleet"])

    def every_verdict():
        result = query(stack, "gateway_bandwidth_verdict == 1")
        return result if len(result) == len(hosts) else None
    verdicts = wait_for("every gateway's verdict in Prometheus", every_verdict)
    found = dict((item["metric"]["gateway"], item["metric"]["verdict"]) for item in verdicts)
    assert found == dict((entry["host"], entry["record"]["verdict"]) for entry in reported["fleet"])
    labels = verdicts[0]["metric"]
    assert labels["job"] == "gateway_bandwidth" and labels["slice"] == "1" and "site" in labels
    degraded = query(stack, 'gateway_bandwidth_receiver_bits_per_second{gateway="gw-degraded",direction="upload"}')
    assert [float(item["value"][1]) for item in degraded] == [40e6]
    baseline = query(stack, 'gateway_bandwidth_baseline_bits_per_second{gateway="gw-degraded"}')
    assert [float(item["value"][1]) for item in baseline] == [96e6]
    counts = dict((item["metric"]["verdict"], float(item["value"][1])) for item in query(stack, "gateway_bandwidth_gateways"))
    assert counts == {"PASS": 3.0, "WARN": 1.0, "FAIL": 1.0, "ERROR": 1.0}


def test_a_promql_change_against_the_baseline_finds_the_regression(stack, reported):
    expression = ("(gateway_bandwidth_receiver_bits_per_second - gateway_bandwidth_baseline_bits_per_second)"
                  " / gateway_bandwidth_baseline_bits_per_second < -0.25")
    regressed = wait_for("the regression query", lambda: query(stack, expression))
    assert [(item["metric"]["gateway"], item["metric"]["direction"]) for item in regressed] == [("gw-degraded", "upload")]


def test_the_textfile_for_node_exporter_holds_the_same_run(reported):
    text = reported["metrics"].read_text(encoding="utf-8")
    assert text.startswith("# TYPE gateway_bandwidth_receiver_bits_per_second gauge\n") and text.endswith("# EOF\n")
    assert 'gateway_bandwidth_verdict{gateway="gw-warn",serial_number="CNT0003",site="Lyon branch",verdict="WARN"} 1' in text


def test_the_run_is_in_the_history_and_the_history_playbook_exports_it(reported):
    conn = sqlite3.connect(str(reported["history"]))
    rows = conn.execute("SELECT host, direction, verdict FROM measurements ORDER BY host, direction").fetchall()
    conn.close()
    assert len(rows) == 7 and ("gw-warn", "upload", "WARN") in rows
    assert "History: 7 rows recorded in %s" % reported["history"] in reported["run"].stdout
    export = reported["work"] / "export"
    playbook = os.path.join(harness.COLLECTION_ROOT, "playbooks", "bandwidth_history.yml")
    run = harness.run_ansible("ansible-playbook", [
        "-i", "localhost,", "-c", "local", playbook, "-e", "bandwidth_history_path=%s" % reported["history"],
        "-e", json.dumps({"bandwidth_history_sites": "Lyon branch"}), "-e", "bandwidth_history_export_dir=%s" % export],
        reported["env"], reported["work"])
    assert run.returncode == 0, run.tail(60)
    assert "gw-degraded upload [Lyon branch] (1 run), receiver Mbit/s: 2025-05-20 40 FAIL" in run.stdout
    exported = json.loads((export / "bandwidth_history.json").read_text())["rows"]
    assert sorted(row["host"] for row in exported) == ["gw-degraded", "gw-warn"]
    assert (export / "bandwidth_history.csv").read_text().count("\n") == 3

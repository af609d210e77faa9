# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""TLS against the simulator serving HTTPS with a CA it generated: trusted with ca_path, refused without it, and
accepted with validate_certs=false, which must say so."""

import uuid

import pytest

from ansible_collections.aruba_central.troubleshooting.tests.system import harness

CLIENT_ID = "tls-%s" % uuid.uuid4().hex[:8]
CLIENT_SECRET = "S3cr3t-%s" % uuid.uuid4()

PLAYBOOK = """
- name: TLS cases
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/aruba_central.troubleshooting.central:
      base_url: "{{ base_url }}"
      token_url: "{{ token_url }}"
      client_id: "{{ client_id }}"
      client_secret: "{{ client_secret }}"
      max_retries: 1
  tasks:
    - name: validate_certs true with the simulator's CA in ca_path
      aruba_central.troubleshooting.gateway_info:
        ca_path: "{{ ca_path }}"
      register: with_ca
      ignore_errors: true

    - name: validate_certs true without ca_path
      aruba_central.troubleshooting.gateway_info:
      register: without_ca
      ignore_errors: true
      environment:
        CENTRAL_TOKEN_CACHE: "false"

    - name: validate_certs false
      aruba_central.troubleshooting.gateway_info:
        validate_certs: false
      register: unverified
      ignore_errors: true
      environment:
        CENTRAL_TOKEN_CACHE: "false"

    - name: A whole test over TLS with ca_path
      aruba_central.troubleshooting.gateway_iperf:
        ca_path: "{{ ca_path }}"
        serial_number: CNTLS0001
        server_address: "{{ server.rsplit(':', 1)[0] }}"
        port: "{{ server.rsplit(':', 1)[1] | int }}"
        wait_timeout: 60
      register: iperf_with_ca
      ignore_errors: true

    - name: Write the results
      ansible.builtin.copy:
        dest: "{{ out }}"
        content: "{{ {'with_ca': with_ca, 'without_ca': without_ca, 'unverified': unverified,
                      'iperf_with_ca': iperf_with_ca} | to_json }}"
        mode: "0600"
"""


@pytest.fixture(scope="module")
def tls_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("tls")
    playbook = workdir / "tls.yml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    out = workdir / "results.json"
    spec = {"speed": 50, "tls": True, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "gateways_data": [{"serial": "CNTLS0001", "name": "tls-gw", "status": "Online"}]}
    with harness.simulators({"tls": spec}, workdir) as sims:
        info = sims["tls"]
        extra = harness.write_json(workdir / "extra.json", {
            "base_url": info["base_url"], "token_url": info["token_url"], "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, "ca_path": info["ca_path"], "server": info["servers"][0],
            "out": str(out)})
        run = harness.run_ansible("ansible-playbook", ["-i", "localhost,", "-c", "local", str(playbook), "-e",
                                                       "@" + extra], harness.ansible_env(workdir), workdir)
    assert info["base_url"].startswith("https://"), info["base_url"]
    return {"run": run, "results": harness.read_json(out) if out.exists() else None}


def _result(tls_run, name):
    assert tls_run["results"] is not None, tls_run["run"].tail()
    return tls_run["results"][name]


def test_validate_certs_with_the_ca_in_ca_path_works(tls_run):
    result = _result(tls_run, "with_ca")
    assert result.get("failed") is not True, result.get("msg")
    assert [gateway["serial_number"] for gateway in result["gateways"]] == ["CNTLS0001"]


def test_a_whole_test_runs_over_tls_with_ca_path(tls_run):
    result = _result(tls_run, "iperf_with_ca")
    assert result.get("failed") is not True, result.get("msg")
    assert result["ansible_facts"]["gateway_iperf"]["succeeded"] is True


def test_without_ca_path_the_certificate_is_refused_with_a_message_saying_what_to_set(tls_run):
    result = _result(tls_run, "without_ca")
    assert result.get("failed") is True
    message = result["msg"]
    assert "\n" not in message
    assert "certificate verification failed" in message
    assert "ca_path" in message and "validate_certs" in message
    # The first request is for a token: without a token nothing else can run, so the cause is reported as auth.
    assert "/as/token.oauth2" in message
    assert result["error_type"] == "auth"
    assert CLIENT_SECRET not in message


def test_validate_certs_false_works(tls_run):
    result = _result(tls_run, "unverified")
    assert result.get("failed") is not True, result.get("msg")
    assert [gateway["serial_number"] for gateway in result["gateways"]] == ["CNTLS0001"]


def test_validate_certs_false_warns_once(tls_run):
    result = _result(tls_run, "unverified")
    output = tls_run["run"].output
    assert "validate_certs" in " ".join(result.get("warnings", [])) or \
        "[WARNING]" in output and "validate_certs" in output.split("[WARNING]", 1)[1]

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The command line, readiness line and ready file, TLS, and central_sim.testing.running_simulator (a subprocess)."""

import json
import os
import re
import signal
import socket
import subprocess
import sys

import pytest
import requests

from central_sim.testing import SimulatorError, running_simulator
from conftest import GATEWAYS

SIMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READY = re.compile(r"^central_sim ready base_url=(?P<base>http://127\.0\.0\.1:\d+) "
                   r"token_url=(?P=base)/as/token\.oauth2 servers=127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+){2} "
                   r"mode=synthetic shaping=none$")


def run_cli(*args):
    env = dict(os.environ, PYTHONPATH=SIMULATOR_DIR)
    return subprocess.run([sys.executable, "-m", "central_sim", *args], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


def test_readiness_line_ready_file_and_clean_exit():
    with running_simulator(mode="synthetic", gateways=GATEWAYS) as sim:
        assert READY.match(sim["ready_line"]), sim["ready_line"]
        assert {"base_url", "token_url", "servers", "mode", "ca_path", "pid"} <= set(sim)
        assert sim["pid"] == sim["process"].pid and sim["ca_path"] is None and sim["mode"] == "synthetic"
        assert requests.get(sim["base_url"] + "/_sim/health", timeout=5).json()["status"] == "ok"
        state_dir, process = sim["state_dir"], sim["process"]
        assert os.path.isdir(state_dir)
    assert process.returncode == 0
    assert not os.path.exists(state_dir)  # a temporary state directory goes away with the simulator


def test_tls_serves_https_with_its_own_ca(tmp_path):
    with running_simulator(mode="synthetic", tls=True, state_dir=str(tmp_path), port=0) as sim:
        assert sim["base_url"].startswith("https://127.0.0.1:")
        assert sim["ca_path"] == str(tmp_path / "ca.pem") and os.path.exists(sim["ca_path"])
        health = requests.get(sim["base_url"] + "/_sim/health", verify=sim["ca_path"], timeout=5)
        assert health.status_code == 200
        token = requests.post(sim["token_url"], data={"grant_type": "client_credentials", "client_id": "demo-client",
                                                      "client_secret": "demo-secret"}, verify=sim["ca_path"], timeout=5)
        assert token.status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(sim["base_url"] + "/_sim/health", timeout=5)
    assert os.path.exists(tmp_path / "ca.pem")  # a state directory the user chose is left in place


@pytest.mark.parametrize("args, words", [
    (["--host", "10.0.0.1"], "--host 10.0.0.1 is not a loopback address"),
    (["--host", "0.0.0.0"], "is not a loopback address"),
    (["--servers", "192.168.1.5:5201"], "is not on loopback"),
    (["--servers", "127.0.0.1:5201,127.0.0.1:5201"], "lists the same endpoint twice"),
    (["--servers", "127.0.0.1"], "must look like 127.0.0.1:5201"),
    (["--speed", "0"], "--speed must be greater than 0"),
    (["--rate-limit", "lots"], "--rate-limit must look like N/SECONDS"),
    (["--rate-limit-retry-after", "soon"], "--rate-limit-retry-after must be none, auto or a number"),
    (["--gateways", "/nonexistent.yml"], "cannot read gateways file /nonexistent.yml"),
    (["--generate", "0"], "--generate needs at least 1 gateway"),
    (["--faults", "/nonexistent.yml"], "cannot read faults file"),
])
def test_bad_arguments_exit_2_with_the_reason(args, words):
    result = run_cli(*args)
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("content, words", [
    ("- {serial: CN1, status: Up}\n", "entry 1 (CN1): status must be Online or Offline, got 'Up'"),
    ("- {serial: CN1}\n- {serial: CN1}\n", "entry 2 (CN1): duplicate serial"),
    ("- {serial: CN1, link: {down_mbps: -1}}\n", "down_mbps must be at least 0.01"),
    ("- {serial: CN1, link: {stall: {every_s: 2, for_s: 3}}}\n", "for_s must be between 0.1 and 2.0"),
    ("- {serial: CN1, colour: red}\n", "unknown field(s) colour"),
    ("gateways: []\n", "expected a non-empty list of gateways"),
    ("- [unclosed\n", "is not valid YAML"),
])
def test_bad_gateway_files_name_the_entry(tmp_path, content, words):
    path = tmp_path / "gateways.yml"
    path.write_text(content)
    result = run_cli("--gateways", str(path))
    assert result.returncode == 2 and words in result.stderr, result.stderr


def test_a_bad_faults_file_is_refused(tmp_path):
    path = tmp_path / "faults.yml"
    path.write_text("start: {drop_connection: 5}\n")
    result = run_cli("--faults", str(path))
    assert result.returncode == 2 and "start.drop_connection must be a probability" in result.stderr


def test_a_port_in_use_is_an_error_not_a_hang():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        with pytest.raises(SimulatorError, match="cannot listen on 127.0.0.1:%d" % busy.getsockname()[1]):
            with running_simulator(mode="synthetic", port=busy.getsockname()[1]):
                pass


def test_sigint_also_stops_cleanly():
    with running_simulator(mode="synthetic") as sim:
        sim["process"].send_signal(signal.SIGINT)
        assert sim["process"].wait(15) == 0


def test_clock_endpoint_moves_simulated_time():
    with running_simulator(mode="synthetic", gateways=GATEWAYS, token_lifetime=60) as sim:
        token = requests.post(sim["token_url"], data={"grant_type": "client_credentials", "client_id": "demo-client",
                                                      "client_secret": "demo-secret"}, timeout=5).json()
        headers = {"Authorization": "Bearer " + token["access_token"]}
        url = sim["base_url"] + "/network-monitoring/v1/gateways"
        assert requests.get(url, headers=headers, timeout=5).status_code == 200
        moved = requests.post(sim["base_url"] + "/_sim/clock", json={"seconds": 61}, timeout=5)
        assert moved.json() == {"status": "ok", "advanced_seconds": 61}
        assert requests.get(url, headers=headers, timeout=5).status_code == 401
        bad = requests.post(sim["base_url"] + "/_sim/clock", json={"seconds": -1}, timeout=5)
        assert bad.status_code == 400 and "seconds" in json.loads(bad.text)["error"]


def test_mode_auto_follows_the_iperf3_binary():
    from central_sim.simulator import resolve_mode
    assert resolve_mode("auto", which=lambda name: None) == "synthetic"
    assert resolve_mode("auto", which=lambda name: "/usr/bin/" + name) == "real"
    assert resolve_mode("synthetic", which=lambda name: "/usr/bin/" + name) == "synthetic"
    with pytest.raises(RuntimeError, match="--mode real needs the iperf3 binary on PATH"):
        resolve_mode("real", which=lambda name: None)

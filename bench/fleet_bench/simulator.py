# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One local Central simulator for one benchmark run: start, stop, token, gateway list and metrics.

It is started the way ``scripts/with_simulator.py`` starts it (same demo credentials, same readiness file), on
loopback only, with its own iperf server endpoints on free loopback ports.
"""

import ipaddress
import os
import socket
import sys
import tempfile
from urllib.parse import urlsplit

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import with_simulator  # noqa: E402  pylint: disable=wrong-import-position

CLIENT_ID = with_simulator.CLIENT_ID
CLIENT_SECRET = with_simulator.CLIENT_SECRET
HTTP_TIMEOUT = 30


class SimulatorError(RuntimeError):
    """The simulator could not be started or did not answer; the message says what to do."""


def free_endpoints(count, host="127.0.0.1"):
    """``count`` distinct ``host:port`` endpoints on loopback ports that are free right now."""
    sockets = []
    try:
        for _index in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return ["%s:%d" % (host, sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _is_loopback(url):
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Simulator:
    """``with Simulator(gateways=24, endpoints=4, speed=20) as sim:`` -> ``sim.base_url``, ``sim.metrics()`` ..."""

    def __init__(self, gateways, endpoints, speed=20.0, seed=1, mode="synthetic", extra_args=(), work_dir=None):
        self.gateway_count = gateways
        self.servers = free_endpoints(endpoints)
        self.speed = speed
        self.seed = seed
        self.mode = mode
        self.extra_args = list(extra_args)
        self.work_dir = work_dir or tempfile.mkdtemp(prefix="fleet-bench-")
        self.proc = None
        self.info = None
        self._session = None

    def args(self):
        return ["--generate", str(self.gateway_count), "--speed", str(self.speed), "--seed", str(self.seed),
                "--servers", ",".join(self.servers), "--mode", self.mode] + self.extra_args

    def start(self):
        state_dir = tempfile.mkdtemp(prefix="sim-", dir=self.work_dir)
        try:
            self.proc, self.info = with_simulator.start(self.args(), state_dir, os.path.join(state_dir, "simulator.log"))
        except SystemExit as exc:
            raise SimulatorError("the Central simulator did not start: %s" % exc) from None
        if not _is_loopback(self.info["base_url"]) or not _is_loopback(self.info["token_url"]):
            self.stop()
            raise SimulatorError("the simulator announced %s, which is not a loopback address; the benchmark only "
                                 "talks to loopback" % self.info["base_url"])
        self._session = requests.Session()
        self._session.verify = self.info.get("ca_path") or True
        return self

    def stop(self):
        if self._session is not None:
            self._session.close()
            self._session = None
        if self.proc is not None:
            with_simulator.stop(self.proc)
            self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def base_url(self):
        return self.info["base_url"]

    @property
    def token_url(self):
        return self.info["token_url"]

    @property
    def ca_path(self):
        return self.info.get("ca_path")

    @property
    def actual_mode(self):
        return self.info.get("mode")

    def environment(self):
        """The CENTRAL_* variables an AWX credential would inject for this simulator."""
        env = {"CENTRAL_BASE_URL": self.base_url, "CENTRAL_TOKEN_URL": self.token_url,
               "CENTRAL_CLIENT_ID": CLIENT_ID, "CENTRAL_CLIENT_SECRET": CLIENT_SECRET}
        if self.ca_path:
            env["CENTRAL_CA_PATH"] = self.ca_path
        return env

    def _call(self, method, path, what, **kwargs):
        try:
            answer = self._session.request(method, self.base_url + path, timeout=HTTP_TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise SimulatorError("%s failed: the simulator at %s did not answer (%s); see its log in %s"
                                 % (what, self.base_url, exc, self.work_dir)) from None
        if answer.status_code >= 400:
            raise SimulatorError("%s failed: HTTP %d %s" % (what, answer.status_code, answer.text[:200]))
        try:
            return answer.json()
        except ValueError:
            raise SimulatorError("%s failed: the simulator answered something that is not JSON" % what) from None

    def token(self):
        try:
            answer = self._session.post(self.token_url, timeout=HTTP_TIMEOUT, data={
                "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
            answer.raise_for_status()
            return answer.json()["access_token"]
        except (requests.RequestException, ValueError, KeyError) as exc:
            raise SimulatorError("getting a token from the simulator failed (%s); check that it runs with the demo "
                                 "credentials of scripts/with_simulator.py" % exc) from None

    def gateways(self):
        """Every gateway as the simulator's gateway list API shows it: ``{serial: status}`` (Online / Offline)."""
        headers = {"Authorization": "Bearer %s" % self.token()}
        found, cursor = {}, None
        while True:
            params = {"limit": 100}
            if cursor:
                params["next"] = cursor
            page = self._call("GET", "/network-monitoring/v1/gateways", "listing the gateways", headers=headers,
                              params=params)
            for item in page.get("items", []):
                found[item["serialNumber"]] = item.get("status")
            cursor = page.get("next")
            if not cursor:
                return found

    def metrics(self):
        return self._call("GET", "/_sim/metrics", "reading the simulator metrics")

    def reset_metrics(self):
        return self._call("POST", "/_sim/reset-metrics", "resetting the simulator metrics")

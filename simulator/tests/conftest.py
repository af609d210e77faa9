# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures: a simulator in a background thread with an injectable clock, and a small HTTP client for it."""

import contextlib
import os
import time

import pytest
import requests

from central_sim.clock import SimClock
from central_sim.testing import simulator_in_thread

DATA = os.path.join(os.path.dirname(__file__), "data")
GATEWAYS = os.path.join(DATA, "gateways.yml")


class Client:
    """Talks to one simulator the way a Central client would (token, bearer header, JSON)."""

    def __init__(self, info, sim, clock):
        self.info, self.sim, self.clock = info, sim, clock
        self.base_url = info["base_url"]
        self.servers = info["servers"]
        self._token = None

    def token(self, client_id="demo-client", client_secret="demo-secret"):
        response = requests.post(self.info["token_url"], data={
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}, timeout=10)
        response.raise_for_status()
        return response.json()["access_token"]

    def headers(self):
        if self._token is None:
            self._token = self.token()
        return {"Authorization": "Bearer " + self._token}

    def get(self, path, **kwargs):
        return requests.get(self.base_url + path, headers=kwargs.pop("headers", None) or self.headers(), timeout=10,
                            **kwargs)

    def post(self, path, **kwargs):
        return requests.post(self.base_url + path, headers=kwargs.pop("headers", None) or self.headers(), timeout=10,
                             **kwargs)

    def start(self, serial, version="v1", server=0, expect=202, **body):
        host, port = self.servers[server].rsplit(":", 1)
        payload = {"iperfServerAddress": host, "port": int(port), **body}
        response = self.post("/network-troubleshooting/%s/gateways/%s/iperf" % (version, serial), json=payload)
        assert response.status_code == expect, response.text
        return response.json()

    def wait(self, location, timeout=20.0):
        """Poll a task until COMPLETED (the simulator runs at high --speed, so this is quick)."""
        deadline = time.monotonic() + timeout
        while True:
            body = self.get(location).json()
            if body["status"] == "COMPLETED" or time.monotonic() > deadline:
                return body
            time.sleep(0.02)

    def run(self, serial, **body):
        return self.wait(self.start(serial, **body)["location"])

    def metrics(self):
        return requests.get(self.base_url + "/_sim/metrics", timeout=10).json()

    def set_faults(self, config):
        response = requests.post(self.base_url + "/_sim/faults", json=config, timeout=10)
        assert response.status_code == 200, response.text


@pytest.fixture
def make_sim():
    """make_sim(**cli_options) -> Client; synthetic, fast and on the test gateways unless told otherwise."""
    with contextlib.ExitStack() as stack:
        def factory(**cli_options):
            options = {"mode": "synthetic", "speed": 1000, "gateways": GATEWAYS, "seed": 7}
            options.update(cli_options)
            clock = SimClock()
            info, sim = stack.enter_context(simulator_in_thread(clock=clock, **options))
            return Client(info, sim, clock)

        yield factory


@pytest.fixture
def sim(make_sim):
    return make_sim()


def eventually(probe, timeout=10.0):
    """Ask ``probe`` until it returns something truthy (the server thread needs a moment after a clock move)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.01)


def task_when(client, location, key, value, timeout=10.0):
    """The task body at ``location`` once its ``key`` is ``value``; None if it is not within ``timeout``."""
    def probe():
        body = client.get(location).json()
        return body if body[key] == value else None
    return eventually(probe, timeout)


def finish(client, location, step=30.0, timeout=10.0):
    """Move the simulator clock forward until the task at ``location`` is COMPLETED; return its body."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(location).json()
        if body["status"] == "COMPLETED" or time.monotonic() > deadline:
            return body
        client.clock.advance(step)
        time.sleep(0.005)

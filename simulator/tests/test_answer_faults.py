# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Answers a client must survive: far rate-limit resets, a token endpoint that never answers, lost 202s, conflicts,
the API gateway's own 404, and a gateway whose link changes between runs."""

import calendar
import threading
import time
import uuid

import pytest
import requests

from central_sim.clock import SimClock
from central_sim.testing import simulator_in_thread
from conftest import GATEWAYS, eventually, finish

START = "/network-troubleshooting/v1/gateways/%s/iperf"
LIST_TASKS = "/network-troubleshooting/v1/gateways/%s/list-tasks"
TOKEN_FORM = {"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "demo-secret"}


def endpoint(client, server=0):
    host, port = client.servers[server].rsplit(":", 1)
    return {"iperfServerAddress": host, "port": int(port)}


def reset_in(client, response):
    reset = calendar.timegm(time.strptime(response.headers["X-RateLimit-Reset"], "%Y-%m-%dT%H:%M:%SZ"))
    return reset - client.clock.time()


def test_rate_429_with_a_far_reset_and_no_retry_after(sim):
    sim.set_faults({"result": {"rate_429": {"probability": 1, "retry_after": None, "reset_after": 3000}}})
    response = sim.get("/network-troubleshooting/v1/gateways/CNTEST0001/iperf/async-operations/%s" % uuid.uuid4())
    assert response.status_code == 429 and response.json()["errorCode"] == "HPE_GL_ERROR_TOO_MANY_REQUESTS"
    assert "Retry-After" not in response.headers and response.headers["X-RateLimit-Remaining"] == "0"
    assert 2990 <= reset_in(sim, response) <= 3000


def test_rate_429_with_a_long_retry_after(sim):
    sim.set_faults({"serials": {"CNTEST0001": {"start": {"rate_429": {"retry_after": 3600}}}}})
    response = sim.post(START % "CNTEST0001", json={"iperfServerAddress": "127.0.0.1"})
    assert response.status_code == 429 and response.headers["Retry-After"] == "3600"
    assert 3590 <= reset_in(sim, response) <= 3600
    assert sim.post(START % "CNTEST0002", json={"iperfServerAddress": "127.0.0.1"}).status_code == 202


def test_hanging_token_endpoint_until_the_client_gives_up(sim):
    sim.set_faults({"token": {"hang": 1}})
    with pytest.raises(requests.ReadTimeout):
        requests.post(sim.info["token_url"], data=TOKEN_FORM, timeout=(5, 0.3))
    assert requests.get(sim.base_url + "/_sim/health", timeout=5).json()["status"] == "ok"  # the loop still runs
    assert eventually(lambda: sim.metrics()["requests"].get("POST /as/token.oauth2") == {"dropped": 1})
    assert sim.metrics()["faults_injected"]["hang"] == 1 and sim.metrics()["tokens_minted"] == 0


def test_a_held_request_is_released_when_the_simulator_stops():
    outcome = {}

    def ask(token_url):
        try:
            outcome["response"] = requests.post(token_url, data=TOKEN_FORM, timeout=60)
        except requests.RequestException as exc:
            outcome["error"] = exc

    with simulator_in_thread(clock=SimClock(), mode="synthetic", speed=1000, gateways=GATEWAYS) as (info, _sim):
        requests.post(info["base_url"] + "/_sim/faults", json={"token": {"hang": 1}}, timeout=5).raise_for_status()
        worker = threading.Thread(target=ask, args=(info["token_url"],))
        worker.start()
        assert eventually(lambda: requests.get(info["base_url"] + "/_sim/metrics", timeout=5).json()
                          ["faults_injected"].get("hang") == 1)
    worker.join(30)
    assert not worker.is_alive() and "response" not in outcome
    assert isinstance(outcome["error"], requests.ConnectionError)


def test_a_start_whose_answer_is_lost_still_starts_the_test(sim):
    sim.set_faults({"serials": {"CNTEST0001": {"start": {"drop_answer": 1}}}})
    with pytest.raises(requests.ConnectionError):
        sim.post(START % "CNTEST0001", json=endpoint(sim))
    listed = sim.get(LIST_TASKS % "CNTEST0001").json()
    assert len(listed) == 1 and len(listed[0]["locations"]) == 1
    assert finish(sim, listed[0]["locations"][0])["failReason"] is None
    route = "POST /network-troubleshooting/v1/gateways/{serial}/iperf"
    assert sim.metrics()["requests"][route] == {"dropped": 1}
    assert sim.metrics()["faults_injected"]["drop_answer"] == 1


def test_a_burst_loses_only_the_first_start_answer_of_one_serial(sim):
    sim.set_faults({"burst": {"route": "start", "count": 1, "answer": "drop", "serial": "CNTEST0001"}})
    other = sim.start("CNTEST0002", server=1)["location"]  # another serial does not use the burst up
    with pytest.raises(requests.ConnectionError):
        sim.post(START % "CNTEST0001", json=endpoint(sim))
    second = sim.start("CNTEST0001")["location"]
    locations = sim.get(LIST_TASKS % "CNTEST0001").json()[0]["locations"]
    assert len(locations) == 2 and locations[0] == second and locations[1] != second
    assert sim.get(LIST_TASKS % "CNTEST0002").json()[0]["locations"] == [other]


def test_a_burst_of_malformed_answers_then_normal_ones(sim):
    location = sim.start("CNTEST0001")["location"]
    sim.set_faults({"burst": {"route": "result", "count": 2, "answer": "no_status"}})
    bodies = [sim.get(location).json() for _index in range(3)]
    assert ["status" in body for body in bodies] == [False, False, True]
    assert all("startTime" in body for body in bodies)


def test_conflict_409_that_is_not_device_offline(sim):
    sim.set_faults({"serials": {"CNTEST0001": {"start": {"conflict_409": {}}}}})
    v1 = sim.post(START % "CNTEST0001", json={"iperfServerAddress": "127.0.0.1"})
    assert v1.status_code == 409 and v1.json() == {
        "errorCode": "HPE_GL_ERROR_CONFLICT",
        "message": "Another troubleshooting operation is in progress for device CNTEST0001"}
    alpha = sim.post("/network-troubleshooting/v1alpha1/gateways/CNTEST0001/iperf",
                     json={"iperfServerAddress": "127.0.0.1"})
    assert alpha.status_code == 409 and alpha.json()["errorCode"] == "HPE_GRAVITY_CONFLICT"
    assert sim.post(START % "CNTEST0001", json={"duration": 5}).status_code == 400  # validation comes first
    assert sim.get(LIST_TASKS % "CNTEST0001").json() == []


def test_conflict_only_while_a_test_runs_on_the_gateway(make_sim):
    client = make_sim(speed=1)
    first = client.start("CNTEST0001")["location"]
    assert client.start("CNTEST0001", server=1)["status"] == "INITIATED"  # by default two tests may overlap
    client.set_faults({"start": {"conflict_409": {"when_running": True, "message": "Busy: {serial}"}}})
    refused = client.post(START % "CNTEST0001", json={"iperfServerAddress": "127.0.0.1"})
    assert refused.status_code == 409 and refused.json()["message"] == "Busy: CNTEST0001"
    assert client.start("CNTEST0002", server=2)["status"] == "INITIATED"
    for location in [first] + client.get(LIST_TASKS % "CNTEST0001").json()[0]["locations"]:
        finish(client, location)
    assert client.start("CNTEST0001")["status"] == "INITIATED"


@pytest.mark.parametrize("path", [
    "/network-troubleshooting/v2/gateways/CNTEST0001/iperf/async-operations/c7a3f2d1-e8a9-4b7c-8d1e-0f9a3b2c1d0e",
    "/api/network-troubleshooting/v1/gateways/CNTEST0001/iperf",
    "/network-monitoring/v3/gateways",
])
def test_paths_the_api_gateway_does_not_route_get_a_404_without_error_code(sim, path):
    response = sim.get(path)
    assert response.status_code == 404 and response.json() == {"message": "no Route matched with those values"}


def test_a_served_version_keeps_central_404(sim):
    response = sim.get("/network-troubleshooting/v1/gateways/CNTEST0001/ping")
    assert response.status_code == 404 and response.json()["errorCode"] == "HPE_GL_ERROR_NOT_FOUND"


def test_a_gateway_link_changes_between_runs(sim):
    before = float(sim.run("CNTEST0001")["output"]["receiverBandwidth"].split()[0])
    changed = requests.post(sim.base_url + "/_sim/gateways/CNTEST0001/link", json={"up_mbps": 50}, timeout=5)
    assert changed.status_code == 200
    assert changed.json() == {"serial": "CNTEST0001", "link": {"down_mbps": 200.0, "up_mbps": 50.0,
                                                               "loss_percent": 0.0, "stall": None,
                                                               "setup_delay_s": 48.0}}
    after = float(sim.run("CNTEST0001")["output"]["receiverBandwidth"].split()[0])
    assert 85 <= before <= 101 and 42 <= after <= 51


@pytest.mark.parametrize("serial, body, status, words", [
    ("CNTEST0001", {"up_mbps": 0}, 400, "up_mbps must be at least 0.01"),
    ("CNTEST0001", {"upload": 5}, 400, "unknown link field(s) upload"),
    ("CNTEST0001", {}, 400, "the link change is empty or not a mapping - "),
    ("CNNOPE0000", {"up_mbps": 5}, 404, "unknown gateway CNNOPE0000 - "),
])
def test_bad_link_changes_are_refused(sim, serial, body, status, words):
    response = requests.post(sim.base_url + "/_sim/gateways/%s/link" % serial, json=body, timeout=5)
    assert response.status_code == status and words in response.json()["error"]


@pytest.mark.parametrize("config, words", [
    ({"start": {"rate_429": {"reset": False, "reset_after": 10}}}, "start.rate_429.reset_after needs reset: true"),
    ({"start": {"rate_429": {"reset_after": -1}}}, "start.rate_429.reset_after must be seconds >= 0 or null"),
    ({"token": {"hang": 2}}, "token.hang must be a probability"),
    ({"start": {"drop_answer": "yes"}}, "start.drop_answer must be a probability"),
    ({"result": {"conflict_409": {}}}, "result.conflict_409 applies to the start route only"),
    ({"start": {"conflict_409": {"when_running": "yes"}}}, "start.conflict_409.when_running must be true or false"),
    ({"burst": {"route": "start", "answer": "drop", "status": 503}}, "burst takes either status"),
    ({"burst": {"route": "result", "answer": "garbled"}}, "burst.answer must be one of cut, not_object, no_status"),
    ({"task": {"busy": {"first": 0}}}, "task.busy.first must be an integer >= 1"),
    ({"task": {"status_case": "title"}}, "task.status_case must be one of upper, lower"),
    ({"task": {"end_status": "COMPLETED"}}, "task.end_status must be a status other than"),
    ({"task": {"missing_figures": {"keys": ["bandwidth"]}}}, "task.missing_figures.keys must be one of"),
    ({"task": {"cut_raw_output": {"after_intervals": -1}}}, "task.cut_raw_output.after_intervals must be an integer"),
    ({"task": {"malformed_poll": {"poll": 0}}}, "task.malformed_poll.poll must be an integer >= 1"),
    ({"task": {"iperf_3011_udp": {"receiver_bandwidth": "no"}}}, "receiver_bandwidth must be true or false"),
    ({"serials": {"CNTEST0001": {"task": {"nope": 1}}}}, "unknown key(s) nope in serials.CNTEST0001.task"),
])
def test_bad_new_fault_configurations_are_refused_with_the_reason(sim, config, words):
    response = requests.post(sim.base_url + "/_sim/faults", json=config, timeout=5)
    assert response.status_code == 400 and words in response.json()["error"]

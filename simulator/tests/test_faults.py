# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every fault, switched on at run time through POST /_sim/faults (or at start with --faults), seeded."""

import json
import os
import threading

import pytest
import requests

from conftest import eventually, task_when

GATEWAYS = "/network-monitoring/v1/gateways"


def test_rate_429_with_retry_after_and_reset(sim):
    sim.set_faults({"gateways": {"rate_429": {"probability": 1, "retry_after": 3, "reset": True}}})
    response = sim.get(GATEWAYS)
    assert response.status_code == 429
    assert response.json()["errorCode"] == "HPE_GL_ERROR_TOO_MANY_REQUESTS"
    assert response.headers["Retry-After"] == "3" and response.headers["X-RateLimit-Remaining"] == "0"
    assert "X-RateLimit-Reset" in response.headers
    sim.set_faults({"start": {"rate_429": {"probability": 1, "retry_after": None, "reset": False}}})
    response = sim.post("/network-troubleshooting/v1alpha1/gateways/CNTEST0001/iperf", json={})
    assert response.status_code == 429 and response.json()["errorCode"] == "HPE_GRAVITY_TOO_MANY_REQUESTS"
    assert "Retry-After" not in response.headers and "X-RateLimit-Reset" not in response.headers
    assert sim.metrics()["rate_limited"] == 2


def test_status_5xx_picks_from_the_codes(sim):
    sim.set_faults({"gateways": {"status_5xx": {"probability": 1, "codes": [502, 503]}}})
    responses = [sim.get(GATEWAYS) for _index in range(12)]
    assert {r.status_code for r in responses} == {502, 503}
    codes = {r.status_code: r.json()["errorCode"] for r in responses}
    assert codes == {502: "HPE_GL_ERROR_BAD_GATEWAY", 503: "HPE_GL_ERROR_SERVICE_UNAVAILABLE"}
    sim.set_faults({"result": {"status_5xx": {"probability": 1, "codes": [500]}}})
    response = sim.get("/network-troubleshooting/v1alpha1/gateways/CNTEST0001/iperf/async-operations/"
                       "c7a3f2d1-e8a9-4b7c-8d1e-0f9a3b2c1d0e")
    assert response.json() == {"errorCode": "HPE_GRAVITY_INTERNAL_SERVER_ERROR",
                               "message": "An unexpected error occurred."}


def test_drop_connection_closes_without_an_answer(sim):
    sim.set_faults({"gateways": {"drop_connection": 1}})
    with pytest.raises(requests.ConnectionError):
        sim.get(GATEWAYS)
    assert sim.metrics()["requests"]["GET /network-monitoring/v1/gateways"] == {"dropped": 1}


def test_slow_answers_wait_for_the_clock(sim):
    sim.set_faults({"gateways": {"slow": {"probability": 1, "seconds": 30}}})
    headers = sim.headers()
    result = {}
    worker = threading.Thread(target=lambda: result.update(response=sim.get(GATEWAYS, headers=headers)))
    worker.start()
    assert eventually(lambda: sim.metrics()["faults_injected"].get("slow") == 1)
    worker.join(0.2)
    assert worker.is_alive() and "response" not in result
    sim.clock.advance(30)
    worker.join(10)
    assert result["response"].status_code == 200


def test_malformed_json_is_a_cut_off_body(sim):
    sim.set_faults({"gateways": {"malformed_json": 1}})
    response = sim.get(GATEWAYS)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        json.loads(response.text)
    assert response.text.startswith('{"items": [')


def test_html_error_looks_like_a_proxy(sim):
    sim.set_faults({"result": {"html_error": 1}})
    location = ("/network-troubleshooting/v1/gateways/CNTEST0001/iperf/async-operations/"
                "c7a3f2d1-e8a9-4b7c-8d1e-0f9a3b2c1d0e")
    response = sim.get(location)
    assert response.status_code == 502 and response.headers["Content-Type"].startswith("text/html")
    assert "<title>502 Bad Gateway</title>" in response.text


def test_revoked_tokens_stop_working_before_expiry(sim):
    sim.set_faults({"revoke_tokens_after": 2})
    headers = {"Authorization": "Bearer " + sim.token()}
    assert [sim.get(GATEWAYS, headers=headers).status_code for _index in range(3)] == [200, 200, 401]
    assert "revoked" in sim.get(GATEWAYS, headers=headers).json()["message"]
    fresh = {"Authorization": "Bearer " + sim.token()}
    assert sim.get(GATEWAYS, headers=fresh).status_code == 200


def test_stuck_running_never_completes_until_the_fault_goes(sim):
    sim.set_faults({"stuck_running": ["CNTEST0001"]})
    location = sim.start("CNTEST0001")["location"]
    sim.clock.advance(3000)  # far past set-up (48 s) and test (10 s), even at speed 1
    body = task_when(sim, location, "progressPercent", 99)
    assert body["status"] == "RUNNING" and body["output"] is None and body["endTime"] is None
    assert sim.metrics()["tasks"][0]["completed"] is not None  # the gateway finished; Central never says so
    sim.set_faults({})
    assert sim.get(location).json()["status"] == "COMPLETED"


def test_vanishing_tasks_404_after_the_first_poll(sim):
    sim.set_faults({"vanish_tasks": ["CNTEST0002"]})
    location = sim.start("CNTEST0002")["location"]
    assert sim.get(location).status_code == 200
    gone = sim.get(location)
    assert gone.status_code == 404 and gone.json()["message"].startswith("Async operation task not found: ")
    other = sim.start("CNTEST0001")["location"]
    assert [sim.get(other).status_code for _index in range(2)] == [200, 200]


def test_burst_fails_the_next_requests_to_a_route(sim):
    sim.set_faults({"burst": {"route": "start", "count": 2, "status": 503}})
    statuses = [sim.post("/network-troubleshooting/v1/gateways/CNTEST0001/iperf",
                         json={"iperfServerAddress": "127.0.0.1"}).status_code for _index in range(3)]
    assert statuses == [503, 503, 202]
    assert sim.get(GATEWAYS).status_code == 200


def test_per_serial_faults_override_the_route(sim):
    sim.set_faults({"result": {"status_5xx": {"probability": 0}},
                    "serials": {"CNTEST0002": {"result": {"status_5xx": {"probability": 1, "codes": [504]}}}}})
    healthy = sim.start("CNTEST0001")["location"]
    faulty = sim.start("CNTEST0002", server=1)["location"]
    assert sim.get(healthy).status_code == 200
    assert sim.get(faulty).status_code == 504


def test_token_endpoint_faults(sim):
    sim.set_faults({"token": {"status_5xx": {"probability": 1, "codes": [503]}}})
    response = requests.post(sim.info["token_url"], data={"grant_type": "client_credentials",
                                                          "client_id": "demo-client", "client_secret": "demo-secret"})
    assert response.status_code == 503


def _statuses(client, count=24):
    return [client.get(GATEWAYS).status_code for _index in range(count)]


def test_faults_are_deterministic_for_a_seed(make_sim):
    config = {"gateways": {"status_5xx": {"probability": 0.5, "codes": [500, 503]}}}
    runs = []
    for seed in (11, 11, 12):
        client = make_sim(seed=seed)
        client.headers()
        client.set_faults(config)
        runs.append(_statuses(client))
    assert runs[0] == runs[1] and runs[0] != runs[2]
    assert {200, 500, 503} == set(runs[0])


def test_faults_file_at_start(make_sim, tmp_path):
    path = tmp_path / "faults.yml"
    path.write_text("gateways:\n  status_5xx: {probability: 1, codes: [502]}\n")
    client = make_sim(faults=str(path))
    assert client.get(GATEWAYS).status_code == 502


@pytest.mark.parametrize("config, words", [
    ({"gatways": {}}, "unknown key(s) gatways"),
    ({"start": {"status_5xx": {"probability": 2}}}, "start.status_5xx.probability must be a probability"),
    ({"start": {"status_5xx": {"codes": [404]}}}, "must be an HTTP status between 500 and 599"),
    ({"result": {"slow": {"seconds": -1}}}, "result.slow.seconds must be a number >= 0"),
    ({"burst": {"route": "everything", "count": 1}}, "burst.route must be one of"),
    ({"stuck_running": "CNTEST0001"}, "stuck_running must be a list of serial numbers"),
    ({"revoke_tokens_after": -1}, "revoke_tokens_after must be an integer >= 0"),
    ({"serials": {"CNTEST0001": {"nowhere": {}}}}, "unknown key(s) nowhere in serials.CNTEST0001"),
])
def test_bad_fault_configurations_are_refused_with_the_reason(sim, config, words):
    response = requests.post(sim.base_url + "/_sim/faults", json=config)
    assert response.status_code == 400 and words in response.json()["error"]


def test_faults_file_examples_in_the_readme_parse():
    from central_sim.faults import load_faults
    example = os.path.join(os.path.dirname(__file__), "data", "faults.yml")
    config = load_faults(example)
    assert config.routes and config.serials and config.bursts and config.stuck_running and config.vanish_tasks
    assert config.task.status_case == "lower" and config.task.malformed_poll == {"poll": 3, "kind": "no_status"}
    assert config.serials["CNTEST0001"]["task"].busy["fail_reason"] == "Iperf test failed"
    assert config.serials["CNTEST0005"]["task"].iperf_3011_udp == {"receiver_bandwidth": False}
    assert config.routes["list_tasks"].rate_429["reset_after"] == 3000
    assert [burst.answer for burst in config.bursts] == [None, "cut"]

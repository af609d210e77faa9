# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Async operations: states and timing, failures reported as COMPLETED, retention, list-tasks, metrics."""

import uuid

import requests

from conftest import finish, task_when


def status_of(client, location):
    return client.get(location).json()


def test_states_follow_the_setup_delay_then_the_test(make_sim):
    client = make_sim(speed=1)
    started = client.start("CNTEST0001")
    assert set(started) == {"location", "status", "startTime"} and started["status"] == "INITIATED"
    location = started["location"]
    body = status_of(client, location)
    assert (body["status"], body["progressPercent"], body["endTime"], body["output"], body["rawOutput"]) == (
        "INITIATED", 0, None, None, None)
    client.clock.advance(48)
    running = task_when(client, location, "status", "RUNNING")
    assert running["progressPercent"] < 20 and running["output"] is None and running["endTime"] is None
    client.clock.advance(5)
    halfway = status_of(client, location)
    assert halfway["status"] == "RUNNING" and 45 <= halfway["progressPercent"] <= 60
    client.clock.advance(6)
    done = task_when(client, location, "status", "COMPLETED")
    assert done["progressPercent"] == 100 and done["failReason"] is None and done["output"]["metrics"]
    assert done["startTime"] == started["startTime"]


def test_location_carries_the_version_and_a_uuid(sim):
    for version in ("v1", "v1alpha1"):
        location = sim.start("CNTEST0001", version=version)["location"]
        prefix = "/network-troubleshooting/%s/gateways/CNTEST0001/iperf/async-operations/" % version
        assert location.startswith(prefix)
        assert uuid.UUID(location[len(prefix):]).version == 4


def test_unknown_task_other_serial_and_bad_ids(sim):
    location = sim.start("CNTEST0001")["location"]
    task_id = location.rsplit("/", 1)[1]
    other = sim.get("/network-troubleshooting/v1/gateways/CNTEST0002/iperf/async-operations/" + task_id)
    assert other.status_code == 404
    assert other.json() == {"errorCode": "HPE_GL_ERROR_NOT_FOUND",
                            "message": "Async operation task not found: " + task_id}
    missing = str(uuid.uuid4())
    alpha = sim.get("/network-troubleshooting/v1alpha1/gateways/CNTEST0001/iperf/async-operations/" + missing)
    assert alpha.json() == {"errorCode": "HPE_GRAVITY_TASK_NOT_FOUND",
                            "message": "Async operation task not found: " + missing}
    bad = sim.get("/network-troubleshooting/v1/gateways/CNTEST0001/iperf/async-operations/not-a-uuid")
    assert bad.status_code == 400 and "task-id must be a UUID" in bad.json()["message"]


def test_a_server_the_simulator_does_not_own_fails_on_the_device(sim):
    refused = sim.run("CNTEST0001", port=1)
    assert refused["status"] == "COMPLETED" and refused["progressPercent"] == 100 and refused["output"] is None
    assert refused["failReason"] == "iperf3: error - unable to connect to server: Connection refused"
    assert refused["rawOutput"].startswith("\nPerf-test: Finished\n\n")
    assert refused["rawOutput"].endswith(refused["failReason"] + "\n")
    start = sim.start("CNTEST0001")
    host_body = sim.post("/network-troubleshooting/v1/gateways/CNTEST0002/iperf",
                         json={"iperfServerAddress": "84.17.57.129"}).json()
    no_route = sim.wait(host_body["location"])
    assert no_route["failReason"] == "iperf3: error - unable to connect to server: No route to host"
    assert sim.wait(start["location"])["failReason"] is None


def test_two_tests_on_one_endpoint_make_the_second_busy(make_sim):
    client = make_sim(speed=1)
    first = client.start("CNTEST0001")["location"]            # set-up 48 s, runs from 48 to 58
    client.clock.advance(40)
    second = client.start("CNTEST0005")["location"]           # set-up 10 s: starts at 50, same endpoint
    other_endpoint = client.start("CNTEST0002", server=1)["location"]
    client.clock.advance(15)
    busy = task_when(client, second, "status", "COMPLETED")
    assert busy["failReason"] == "iperf3: error - the server is busy running a test. try again later"
    assert busy["output"] is None and "busy" in busy["rawOutput"]
    assert finish(client, first)["failReason"] is None
    assert finish(client, other_endpoint)["failReason"] is None
    assert client.metrics()["busy_collisions"] == 1


def test_reverse_adds_a_second_report(sim):
    body = sim.run("CNTEST0001", includeReverse=True, includeRawOutput=True)
    assert body["rawOutput"].count("iperf Done.") == 2
    assert "Reverse mode, remote host 127.0.0.1 is sending" in body["rawOutput"]
    rate = float(body["output"]["receiverBandwidth"].split()[0])
    assert 85 <= rate <= 101  # the output describes the requested (upload) direction: 100 Mbit/s up


def test_udp_and_parallel_requests(sim):
    body = sim.run("CNTEST0002", protocol="UDP", parallel=2, includeRawOutput=True)
    assert "protocol: UDP, 2 streams" in body["rawOutput"]
    assert {m["id"] for m in body["output"]["metrics"]} == {"[SUM]"}


def test_list_tasks_newest_first_and_retention(make_sim):
    client = make_sim(task_retention=60000)  # 60 wall seconds at speed 1000
    first = client.start("CNTEST0005")["location"]
    assert client.wait(first)["status"] == "COMPLETED"
    client.clock.advance(30)
    assert client.get(first).status_code == 200
    later = [client.start("CNTEST0005", server=index)["location"] for index in (1, 2)]
    assert all(client.wait(location)["status"] == "COMPLETED" for location in later)
    listed = client.get("/network-troubleshooting/v1/gateways/CNTEST0005/list-tasks").json()
    assert listed == [{"testName": "iperf", "locations": later[::-1] + [first]}]
    assert client.get("/network-troubleshooting/v1/gateways/CNTEST0002/list-tasks").json() == []
    missing = client.get("/network-troubleshooting/v1/gateways/CNNOPE0000/list-tasks")
    assert missing.status_code == 404 and missing.json()["message"] == "Device not found: CNNOPE0000"
    client.clock.advance(31)
    assert client.get(first).status_code == 404
    assert [client.get(location).status_code for location in later] == [200, 200]
    listed = client.get("/network-troubleshooting/v1/gateways/CNTEST0005/list-tasks").json()
    assert listed == [{"testName": "iperf", "locations": later[::-1]}]


def test_metrics_time_every_task(sim):
    location = sim.start("CNTEST0001")["location"]
    sim.wait(location)
    sim.get(location)
    record = next(t for t in sim.metrics()["tasks"] if location.endswith(t["task_id"]))
    assert record["serial"] == "CNTEST0001" and record["server"] == sim.servers[0]
    assert record["outcome"] == "succeeded"
    assert 0 <= record["created"] <= record["started"] <= record["completed"] <= record["first_seen_completed"]
    assert record["first_seen_completed_wall"].endswith("Z")
    metrics = sim.metrics()
    route = "POST /network-troubleshooting/v1/gateways/{serial}/iperf"
    assert metrics["requests"][route] == {"202": 1}
    assert metrics["tokens_minted"] == 1
    assert requests.post(sim.base_url + "/_sim/reset-metrics", timeout=5).status_code == 200
    assert sim.metrics()["tasks"] == [] and sim.metrics()["tokens_minted"] == 0

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Task faults: what a test shows when the gateway or Central answer oddly (busy, spellings, empty or cut results)."""

import json
import re

import pytest

from central_sim.synthetic import ERROR_BUSY
from conftest import finish, task_when


def status_of(client, location):
    return client.get(location).json()


def until(client, location, status):
    return task_when(client, location, "status", status)


def test_busy_after_setup_for_the_first_test_of_a_serial_only(make_sim):
    client = make_sim(speed=1)
    client.set_faults({"serials": {"CNTEST0001": {"task": {"busy": {"first": 1}}}}})
    location = client.start("CNTEST0001", includeRawOutput=True)["location"]
    assert status_of(client, location)["status"] == "INITIATED"
    client.clock.advance(48)
    assert until(client, location, "RUNNING")["output"] is None
    client.clock.advance(2)
    busy = until(client, location, "COMPLETED")
    assert (busy["progressPercent"], busy["output"], busy["failReason"]) == (100, None, ERROR_BUSY)
    assert busy["rawOutput"].startswith("\nPerf-test: Finished\n\n") and busy["rawOutput"].endswith(ERROR_BUSY + "\n")
    assert "iperf 3.0.11\n" in busy["rawOutput"]
    retry = finish(client, client.start("CNTEST0001")["location"])
    assert retry["failReason"] is None and retry["output"]["receiverBandwidth"]
    metrics = client.metrics()
    assert metrics["faults_injected"]["busy"] == 1 and metrics["busy_collisions"] == 0


def test_busy_in_raw_output_only_with_a_generic_fail_reason(sim):
    sim.set_faults({"task": {"busy": {"message": ERROR_BUSY, "fail_reason": "Iperf test failed"}}})
    body = sim.run("CNTEST0002")
    assert body["status"] == "COMPLETED" and body["output"] is None and body["failReason"] == "Iperf test failed"
    assert body["rawOutput"].endswith("\n" + ERROR_BUSY + "\n")
    assert sim.run("CNTEST0002")["failReason"] == "Iperf test failed"  # without ``first``: every test


def test_busy_wording_is_configurable(sim):
    wording = "iperf3: error - the server is busy running a test.  try again later"
    sim.set_faults({"serials": {"CNTEST0001": {"task": {"busy": {"message": wording}}}}})
    assert sim.run("CNTEST0001")["failReason"] == wording
    assert sim.run("CNTEST0002", server=1)["failReason"] is None


def test_lower_case_statuses_for_one_serial(make_sim):
    client = make_sim(speed=1)
    client.set_faults({"serials": {"CNTEST0002": {"task": {"status_case": "lower"}}}})
    started = client.start("CNTEST0002")
    assert started["status"] == "initiated"
    location = started["location"]
    assert status_of(client, location)["status"] == "initiated"
    client.clock.advance(48)
    assert until(client, location, "running")["progressPercent"] < 100
    client.clock.advance(11)
    done = until(client, location, "completed")
    assert done["progressPercent"] == 100 and done["output"] is not None
    other = client.start("CNTEST0001", server=1)
    assert other["status"] == "INITIATED" and finish(client, other["location"])["status"] == "COMPLETED"


def test_an_undocumented_end_status(sim):
    sim.set_faults({"task": {"end_status": "CANCELLED", "status_case": "lower"}})
    location = sim.start("CNTEST0001", includeRawOutput=True)["location"]
    body = task_when(sim, location, "status", "CANCELLED")
    assert (body["progressPercent"], body["output"], body["rawOutput"], body["failReason"]) == (100, None, None, None)
    assert body["endTime"] is not None
    assert sim.metrics()["faults_injected"]["end_status"] == 1


def test_an_empty_completion(sim):
    sim.set_faults({"serials": {"CNTEST0001": {"task": {"empty_completion": True}}}})
    body = sim.run("CNTEST0001", includeRawOutput=True)
    assert body["status"] == "COMPLETED" and body["progressPercent"] == 100 and body["endTime"]
    assert (body["output"], body["rawOutput"], body["failReason"]) == (None, None, None)


@pytest.mark.parametrize("missing, raw_output", [("absent", True), ("null", False)])
def test_missing_figures(sim, missing, raw_output):
    sim.set_faults({"task": {"missing_figures": {"keys": ["receiverBandwidth", "totalTransferredBytesFromReceiver"],
                                                 "as": missing, "raw_output": raw_output}}})
    body = sim.run("CNTEST0001", includeRawOutput=True)
    output = body["output"]
    assert output["senderBandwidth"] and output["metrics"] and body["failReason"] is None
    if missing == "absent":
        assert "receiverBandwidth" not in output and "totalTransferredBytesFromReceiver" not in output
        assert "receiver" in body["rawOutput"]
    else:
        assert output["receiverBandwidth"] is None and output["totalTransferredBytesFromReceiver"] is None
        assert body["rawOutput"] is None


@pytest.mark.parametrize("parallel, last_line", [(1, "[  4]   2.00-3.00   sec"), (2, "[SUM]   2.00-3.00   sec")])
def test_raw_output_cut_before_its_summary(sim, parallel, last_line):
    sim.set_faults({"task": {"cut_raw_output": {"after_intervals": 3}}})
    body = sim.run("CNTEST0001", includeRawOutput=True, parallel=parallel)
    raw = body["rawOutput"]
    assert raw.startswith("\nPerf-test: Finished\n\n") and raw.splitlines()[-1].startswith(last_line)
    assert "Summary Results" not in raw and "iperf Done." not in raw
    assert len(body["output"]["metrics"]) == 10 and body["output"]["receiverBandwidth"]  # Central's strings stay


UDP_3011_SUMMARY = re.compile(r"^\[  4\]   0\.00-10\.\d\d  sec  [\d. ]{4} [KMG]?Bytes  [\d. ]{4} [KMG]?bits/sec  "
                              r"\d\.\d{3} ms  \d+/\d+ \([\d.e+]+%\)  $")


def test_synthetic_udp_is_iperf_3_0_11_with_one_summary_line_per_stream(sim):
    raw = sim.run("CNTEST0002", protocol="udp", includeRawOutput=True)["rawOutput"]
    summary = raw.split("Test Complete. Summary Results:\n", 1)[1].splitlines()
    assert summary[0] == "[ ID] Interval           Transfer     Bandwidth       Jitter    Lost/Total Datagrams"
    assert UDP_3011_SUMMARY.match(summary[1]), summary[1]
    total = int(summary[1].split("/")[-1].split()[0])
    assert summary[2] == "[  4] Sent %d datagrams" % total
    assert " sender" not in raw and " receiver" not in raw


@pytest.mark.parametrize("receiver_bandwidth", [True, False])
def test_iperf_3011_udp_receiver_bandwidth_present_or_absent(sim, receiver_bandwidth):
    sim.set_faults({"task": {"iperf_3011_udp": {"receiver_bandwidth": receiver_bandwidth}}})
    output = sim.run("CNTEST0002", protocol="udp")["output"]
    assert ("receiverBandwidth" in output) is receiver_bandwidth
    assert output["senderBandwidth"] and output["totalTransferredBytesFromReceiver"]
    assert "receiverBandwidth" in sim.run("CNTEST0002", protocol="tcp")["output"]  # TCP tests are left alone


@pytest.mark.parametrize("kind", ["cut", "not_object", "no_status", "empty"])
def test_exactly_the_nth_poll_is_malformed(sim, kind):
    sim.set_faults({"task": {"malformed_poll": {"poll": 2, "kind": kind}}})
    location = sim.start("CNTEST0001")["location"]
    first, second, third = (sim.get(location) for _index in range(3))
    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 200]
    assert "status" in first.json() and "status" in third.json()
    if kind in ("cut", "empty"):
        with pytest.raises(ValueError):
            json.loads(second.text)
    elif kind == "not_object":
        assert isinstance(second.json(), list) and "status" in second.json()[0]
    else:
        assert isinstance(second.json(), dict) and "status" not in second.json() and "startTime" in second.json()
    assert sim.metrics()["faults_injected"]["malformed_poll"] == 1


def test_task_faults_stay_with_the_test_they_started_with(make_sim):
    client = make_sim(speed=1)
    client.set_faults({"task": {"empty_completion": True}})
    location = client.start("CNTEST0001")["location"]
    client.set_faults({})
    assert finish(client, location)["output"] is None
    assert finish(client, client.start("CNTEST0001", server=1)["location"])["output"] is not None

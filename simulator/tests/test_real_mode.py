# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Real mode: real iperf3 processes on loopback; real "server busy"; stalls; nothing left behind on SIGTERM."""

import os
import re
import shutil
import signal
import time

import pytest
import requests

from central_sim.testing import running_simulator
from conftest import GATEWAYS, eventually

pytestmark = pytest.mark.skipif(shutil.which("iperf3") is None,
                                reason="iperf3 is not installed, so real mode cannot run")


def children(pid):
    """Process ids whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry, encoding="utf-8") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def command(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def started_and_past_setup(client, serial, **body):
    location = client.start(serial, includeRawOutput=True, **body)["location"]
    client.clock.advance(60)  # skip the gateway's set-up delay; the iperf run itself is real
    return location


def test_a_real_two_second_test(make_sim):
    client = make_sim(mode="real", speed=5)
    assert client.info["mode"] == "real" and client.info["shaping"] == "none"
    body = client.wait(started_and_past_setup(client, "CNTEST0001"))
    assert body["status"] == "COMPLETED" and body["failReason"] is None, body
    raw = body["rawOutput"]
    assert raw.startswith("\nPerf-test: Finished\n\n") and "\niperf 3." in raw
    assert "2 second test" in raw and "Connecting to host 127.0.0.1, port %s" % client.servers[0].rsplit(":")[1] in raw
    metrics = body["output"]["metrics"]
    assert len(metrics) == 10 and metrics[0]["intervalInSeconds"] == "0.00-0.20"  # -i scaled with --speed
    received = body["output"]["receiverBandwidth"]
    assert received.endswith(" Mbits/sec") and 80 <= float(received.split()[0]) <= 110, received  # up_mbps 100


def test_real_busy_collision(make_sim):
    client = make_sim(mode="real", speed=5)
    first = client.start("CNTEST0001")["location"]
    second = client.start("CNTEST0005")["location"]
    client.clock.advance(60)
    bodies = [client.wait(first), client.wait(second)]
    reasons = sorted(str(body["failReason"]) for body in bodies)
    assert reasons == ["None", "iperf3: error - the server is busy running a test. try again later"]
    assert client.metrics()["busy_collisions"] == 1


def test_real_stalls_and_reverse(make_sim):
    client = make_sim(mode="real", speed=5)
    body = client.wait(started_and_past_setup(client, "CNTEST0003", includeReverse=True))
    assert body["failReason"] is None, body
    assert any(m["bandwidthInbps"] == "0.00 bits/sec" for m in body["output"]["metrics"])
    assert body["rawOutput"].count("iperf Done.") == 2 and "Reverse mode" in body["rawOutput"]


def test_real_udp_in_the_iperf_3_0_11_layout(make_sim):
    client = make_sim(mode="real", speed=5)
    client.set_faults({"serials": {"CNTEST0002": {"task": {"iperf_3011_udp": {"receiver_bandwidth": False}}}}})
    body = client.wait(started_and_past_setup(client, "CNTEST0002", protocol="udp"))
    assert body["failReason"] is None, body
    raw = body["rawOutput"]
    assert "\niperf 3.0.11\n" in raw and "Bitrate" not in raw and "Target Bitrate" not in raw and ", tos " not in raw
    summary = raw.split("Lost/Total Datagrams\n", 1)[1].splitlines()
    assert re.match(r"^\[\s*\d+\]   0\.00-2\.\d\d\s+sec  .* ms  \d+/(\d+) \(.*%\)  $", summary[0]), summary
    assert re.match(r"^\[\s*\d+\] Sent \d+ datagrams$", summary[1]), summary
    assert " sender" not in raw and " receiver" not in raw
    assert "receiverBandwidth" not in body["output"] and body["output"]["senderBandwidth"].endswith("bits/sec")


def test_sigterm_stops_every_iperf3_process():
    with running_simulator(mode="real", speed=5, gateways=GATEWAYS) as sim:
        pid = sim["pid"]
        token = requests.post(sim["token_url"], data={"grant_type": "client_credentials", "client_id": "demo-client",
                                                      "client_secret": "demo-secret"}, timeout=5).json()["access_token"]
        host, port = sim["servers"][0].rsplit(":", 1)
        requests.post(sim["base_url"] + "/network-troubleshooting/v1/gateways/CNTEST0001/iperf", timeout=5,
                      json={"iperfServerAddress": host, "port": int(port)},
                      headers={"Authorization": "Bearer " + token}).raise_for_status()
        requests.post(sim["base_url"] + "/_sim/clock", json={"seconds": 60}, timeout=5).raise_for_status()
        iperfs = eventually(lambda: [p for p in children(pid) if "iperf3 -c" in command(p)] and
                            [p for p in children(pid) if command(p).startswith("iperf3")])
        assert len(iperfs) == 4, [command(p) for p in iperfs]  # three servers and the running client
        sim["process"].send_signal(signal.SIGTERM)
        assert sim["process"].wait(15) == 0
    time.sleep(0.1)
    assert [p for p in iperfs if os.path.exists("/proc/%d" % p) and command(p).startswith("iperf3")] == []

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A synthetic 10-second TCP test answers like the seed document: same keys, order, types and string formats."""

import re

import pytest

from test_iperf_text import seed_body

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
TRANSFER = re.compile(r"^\d+(\.\d+)? [KMG]?Bytes$")
RATE = re.compile(r"^\d+(\.\d+)? [KMG]?bits/sec$")


def skeleton(raw):
    """The rawOutput with every number, unit prefix, host name and run of spaces made uniform."""
    lines = []
    for line in raw.split("\n"):
        line = re.sub(r"Aruba\S+", "HOST", line)
        line = re.sub(r"\b[KMG]?(Bytes|bits/sec)", r"\1", line)
        line = re.sub(r"\d+(\.\d+)*", "N", line)
        line = re.sub(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", "W", line)
        lines.append(re.sub(r" +", " ", line))
    return lines


def types(value):
    if isinstance(value, dict):
        return {key: types(item) for key, item in value.items()}
    if isinstance(value, list):
        return [types(item) for item in value]
    return type(value).__name__


@pytest.mark.parametrize("version", ["v1alpha1", "v1"])
def test_completed_tcp_test_matches_the_seed_field_for_field(make_sim, version):
    seed = seed_body()
    client = make_sim()
    body = client.run("CNTEST0003", version=version, includeRawOutput=True)
    assert list(body) == list(seed)
    assert list(body["output"]) == list(seed["output"])
    assert types(body) == types(seed)
    assert body["status"] == "COMPLETED" and body["progressPercent"] == 100 and body["failReason"] is None
    assert TIMESTAMP.match(body["startTime"]) and TIMESTAMP.match(body["endTime"])
    assert body["endTime"] > body["startTime"]
    output = body["output"]
    assert output["iperfServerAddress"] == "127.0.0.1"
    for key in ("totalTransferredBytesFromReceiver", "totalTransferredBytesFromSender"):
        assert TRANSFER.match(output[key])
    for key in ("senderBandwidth", "receiverBandwidth"):
        assert RATE.match(output[key])
    intervals = [m["intervalInSeconds"] for m in seed["output"]["metrics"]]
    assert [m["intervalInSeconds"] for m in output["metrics"]] == intervals
    assert {m["id"] for m in output["metrics"]} == {"[  4]"}
    assert all(TRANSFER.match(m["transferSizeInBytes"]) and RATE.match(m["bandwidthInbps"]) for m in output["metrics"])
    assert skeleton(body["rawOutput"]) == skeleton(seed["rawOutput"])


def test_raw_output_is_null_unless_asked_for(sim):
    body = sim.run("CNTEST0001")
    assert body["status"] == "COMPLETED" and body["output"] is not None
    assert "rawOutput" in body and body["rawOutput"] is None

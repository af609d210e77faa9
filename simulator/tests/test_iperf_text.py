"""Central's output object from iperf text: the seed's own rawOutput must give the seed's own output."""

import json
import os

import pytest

from central_sim.iperf_text import central_output, error_line, first_report

DATA = os.path.join(os.path.dirname(__file__), "data")
SAMPLES = os.path.join(DATA, "iperf")


def seed_body():
    with open(os.path.join(DATA, "seed-get-gateway-iperf-result.json"), encoding="utf-8") as handle:
        return json.load(handle)


def sample(name):
    with open(os.path.join(SAMPLES, name), encoding="utf-8") as handle:
        return handle.read()


def test_seed_raw_output_gives_the_seed_output_exactly():
    body = seed_body()
    output = central_output(body["rawOutput"], "84.17.57.129")
    assert output == body["output"]
    assert list(output) == list(body["output"])
    assert [list(metric) for metric in output["metrics"]] == [list(metric) for metric in body["output"]["metrics"]]


def test_several_streams_report_the_sum_lines():
    output = central_output(sample("iperf-3.0.11_tcp_parallel3.txt"), "127.0.0.1")
    assert [m["id"] for m in output["metrics"]] == ["[SUM]"] * 3
    assert output["metrics"][0]["transferSizeInBytes"] == "2.94 GBytes"
    assert output["totalTransferredBytesFromSender"] == "8.80 GBytes"
    assert output["senderBandwidth"] == "25.2 Gbits/sec"


def test_old_udp_summary_line_serves_as_sender_and_receiver():
    output = central_output(sample("iperf-3.0.11_udp_10M.txt"), "127.0.0.1")
    assert output["senderBandwidth"] == output["receiverBandwidth"] == "9.68 Mbits/sec"
    assert len(output["metrics"]) == 3


def test_new_udp_has_separate_sender_and_receiver():
    output = central_output(sample("iperf-3.12_udp_lossy.txt"), "127.0.0.1")
    assert (output["senderBandwidth"], output["receiverBandwidth"]) == ("2.00 Gbits/sec", "1.56 Gbits/sec")


def test_omitted_intervals_are_left_out():
    output = central_output(sample("iperf-3.12_tcp_omit2.txt"), "127.0.0.1")
    assert [m["intervalInSeconds"] for m in output["metrics"]] == ["0.00-1.00", "1.00-2.01", "2.01-3.00"]
    assert output["receiverBandwidth"] == "2.13 Gbits/sec"


@pytest.mark.parametrize("name, line", [
    ("iperf-3.0.11_error_busy.txt", "iperf3: error - the server is busy running a test. try again later"),
    ("iperf-3.0.11_error_conn_refused.txt", "iperf3: error - unable to connect to server: Connection refused"),
])
def test_errors_have_no_output_and_one_error_line(name, line):
    assert central_output(sample(name), "127.0.0.1") is None
    assert error_line(sample(name)) == line


def test_a_report_cut_short_has_no_output():
    text = ("Connecting to host 127.0.0.1, port 5201\n"
            "[ ID] Interval           Transfer     Bandwidth       Retr  Cwnd\n"
            "[  4]   0.00-1.00   sec  6.42 MBytes  53.9 Mbits/sec    3    618 KBytes       \n")
    assert central_output(text, "127.0.0.1") is None
    assert error_line(text) is None


def test_only_the_first_report_counts():
    one = "first\niperf Done.\n"
    assert first_report(one + "second\niperf Done.\n") == "first\niperf Done."

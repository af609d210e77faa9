# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Central's output object from iperf text: the seed's own rawOutput must give the seed's own output."""

import json
import os

import pytest

from central_sim.iperf_text import central_output, cut_after_intervals, error_line, first_report, iperf_3011_udp_text

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


def test_cut_after_intervals_keeps_the_first_n_and_no_summary():
    text = sample("iperf-3.12_tcp_omit2.txt")
    cut = cut_after_intervals(text, 3)
    assert text.startswith(cut) and cut.endswith("\n")
    assert cut.splitlines()[-1].startswith("[  5]   0.00-1.00   sec")  # two omitted intervals, then the first
    assert "sender" not in cut and "receiver" not in cut and "iperf Done." not in cut
    assert central_output(cut, "127.0.0.1") is None
    assert cut_after_intervals(text, 0).splitlines()[-1].startswith("[ ID] Interval")


def test_cut_after_intervals_counts_sum_lines_with_several_streams():
    cut = cut_after_intervals(sample("iperf-3.0.11_tcp_parallel3.txt"), 2)
    assert cut.splitlines()[-1].startswith("[SUM]   1.00-2.00")
    whole = cut_after_intervals(sample("iperf-3.0.11_tcp_parallel3.txt"), 99)  # more than there are: all of them
    assert whole.splitlines()[-1].startswith("[SUM]   2.00-3.00") and "sender" not in whole
    busy = sample("iperf-3.0.11_error_busy.txt")
    assert cut_after_intervals(busy, 2) == busy


def test_later_udp_text_in_the_3_0_11_layout():
    text = iperf_3011_udp_text(sample("iperf-3.12_udp_lossy.txt"))
    summary = text.split("Lost/Total Datagrams\n", 1)[1].splitlines()
    assert summary[:2] == ["[  5]   0.00-3.00   sec   715 MBytes  2.00 Gbits/sec  0.016 ms  4956/22884 (22%)  ",
                           "[  5] Sent 22884 datagrams"]
    assert "Bitrate" not in text and "[ ID] Interval           Transfer     Bandwidth       Total Datagrams\n" in text
    output = central_output(text, "127.0.0.1")
    assert output["senderBandwidth"] == output["receiverBandwidth"] == "2.00 Gbits/sec"


def test_3_0_11_udp_text_is_left_as_it_is():
    old = sample("iperf-3.0.11_udp_10M.txt")
    assert iperf_3011_udp_text(old) == old


def test_verbose_later_udp_text_loses_what_3_0_11_never_printed():
    text = ("iperf 3.12\nLinux vm 6.1 x86_64\nControl connection MSS 32768\nSetting UDP block size to 32768\n"
            "Connecting to host 127.0.0.1, port 5201\n      Target Bitrate: 10000000\n"
            "Starting Test: protocol: UDP, 2 streams, 32768 byte blocks, omitting 0 seconds, 1 second test, tos 0\n"
            "Test Complete. Summary Results:\n"
            "[ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams\n"
            "[  5]   0.00-1.00   sec  1.22 MBytes  10.2 Mbits/sec  0.000 ms  0/39 (0%)  sender\n"
            "[  5]   0.00-1.00   sec  1.22 MBytes  10.2 Mbits/sec  0.027 ms  1/38 (2.6%)  receiver\n"
            "[  7]   0.00-1.00   sec  1.22 MBytes  10.2 Mbits/sec  0.000 ms  0/39 (0%)  sender\n"
            "[  7]   0.00-1.00   sec  1.22 MBytes  10.2 Mbits/sec  0.015 ms  0/39 (0%)  receiver\n"
            "[SUM]   0.00-1.00   sec  2.44 MBytes  20.4 Mbits/sec  0.000 ms  0/78 (0%)  sender\n"
            "[SUM]   0.00-1.00   sec  2.44 MBytes  20.4 Mbits/sec  0.021 ms  1/77 (1.3%)  receiver\n\niperf Done.\n")
    assert iperf_3011_udp_text(text) == (
        "iperf 3.0.11\nLinux vm 6.1 x86_64\nConnecting to host 127.0.0.1, port 5201\n"
        "Starting Test: protocol: UDP, 2 streams, 32768 byte blocks, omitting 0 seconds, 1 second test\n"
        "Test Complete. Summary Results:\n"
        "[ ID] Interval           Transfer     Bandwidth       Jitter    Lost/Total Datagrams\n"
        "[  5]   0.00-1.00   sec  1.22 MBytes  10.2 Mbits/sec  0.027 ms  1/39 (2.6%)  \n[  5] Sent 39 datagrams\n"
        "[  7]   0.00-1.00   sec  1.22 MBytes  10.2 Mbits/sec  0.015 ms  0/39 (0%)  \n[  7] Sent 39 datagrams\n"
        "[SUM]   0.00-1.00   sec  2.44 MBytes  20.4 Mbits/sec  0.021 ms  1/78 (1.3%)  \n\niperf Done.\n")

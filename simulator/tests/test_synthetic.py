# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Synthetic iperf 3.0.11 text: the layout of the real tool, numbers that follow the gateway's link profile."""

import random
import re

from central_sim.gateways import Gateway, Link, Stall
from central_sim.iperf_text import central_output
from central_sim.synthetic import ERROR_BUSY, render_error, render_report
from central_sim.validation import IperfRequest

WALL = 1747749749.75
HEALTHY = Gateway("CNTEST0001", "gw-ber-01", "HQ-Berlin", "9004", "Online", Link(down_mbps=200, up_mbps=100))
STALLING = Gateway("CNTEST0003", "gw-lyo-01", "Branch-Lyon", "9004-LTE", "Online",
                   Link(down_mbps=50, up_mbps=20, stall=Stall(every_s=4, for_s=3)))
LOSSY = Gateway("CNTEST0002", "gw-ber-02", "HQ-Berlin", "9004", "Online", Link(down_mbps=8, up_mbps=8, loss_percent=5))

# iperf 3.0.11's format strings (iperf_locale.c), as regular expressions.
SPAN = r"[ \d]{2}\d\.\d\d-[\d.]{4,6} *sec"
UNIT = r"[ \d.]{4} [KMG]?"
TCP_SENDER = re.compile(r"^\[  \d\] " + SPAN + "  " + UNIT + "Bytes  " + UNIT + r"bits/sec  [ \d]{2}\d   "
                        + UNIT + r"Bytes       (\(omitted\))?$")
SUM_SENDER = re.compile(r"^\[SUM\] " + SPAN + "  " + UNIT + "Bytes  " + UNIT + r"bits/sec  [ \d]{2}\d             "
                        r"(\(omitted\)|sender)?$")
PLAIN = re.compile(r"^\[(  \d|SUM)\] " + SPAN + "  " + UNIT + "Bytes  " + UNIT + r"bits/sec                  "
                   r"(\(omitted\)|receiver)?$")
RETR_SUMMARY = re.compile(r"^\[  \d\] " + SPAN + "  " + UNIT + "Bytes  " + UNIT + r"bits/sec  [ \d]{2}\d             "
                          r"sender$")
FIXED = {"- - - - - - - - - - - - - - - - - - - - - - - - -", "Test Complete. Summary Results:", "", "iperf Done.",
         "[ ID] Interval           Transfer     Bandwidth       Retr  Cwnd",
         "[ ID] Interval           Transfer     Bandwidth       Retr",
         "[ ID] Interval           Transfer     Bandwidth", "iperf 3.0.11", "      TCP MSS: 1448 (default)"}
HEADER = re.compile(r"^(Linux \S+ 5\.10\.209 .* GNU/Linux|Time: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT|"
                    r"Connecting to host \S+, port \d+|Reverse mode, remote host \S+ is sending|      Cookie: .{36}|"
                    r"\[  \d\] local [\d.]+ port \d+ connected to \S+ port \d+|"
                    r"Starting Test: protocol: (TCP|UDP), \d+ streams, \d+ byte blocks, omitting \d+ seconds, "
                    r"\d+ second test|CPU Utilization: local/\w+ [\d.]+% \([\d.]+%u/[\d.]+%s\), "
                    r"remote/\w+ [\d.]+% \([\d.]+%u/[\d.]+%s\))$")
FACTORS = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}


def report(gateway=HEALTHY, seed=1, reverse=False, **request):
    return render_report(IperfRequest("84.17.57.129", **request), gateway, random.Random(seed), WALL, reverse=reverse)


def to_bytes(text):
    number, unit = re.match(r"\s*([\d.]+) ([KMG]?)Bytes", text).groups()
    return float(number) * FACTORS[unit]


def unknown_lines(text, *patterns):
    return [line for line in text.split("\n") if line not in FIXED and not HEADER.match(line)
            and not any(p.match(line) for p in patterns)]


def test_tcp_report_has_exactly_the_layout_of_iperf_3_0_11():
    text = report()
    assert unknown_lines(text, TCP_SENDER, SUM_SENDER, PLAIN, RETR_SUMMARY) == []
    assert text.startswith("iperf 3.0.11\nLinux Aruba9004_")
    assert "Starting Test: protocol: TCP, 1 streams, 131072 byte blocks, omitting 0 seconds, 10 second test\n" in text
    assert len([line for line in text.splitlines() if TCP_SENDER.match(line)]) == 10
    assert text.endswith("\niperf Done.\n")


def test_same_seed_same_text_and_another_seed_other_numbers():
    assert report(seed=3) == report(seed=3)
    assert report(seed=3) != report(seed=4)


def test_healthy_link_measures_close_to_its_rate():
    output = central_output(report(), "84.17.57.129")
    rates = [float(m["bandwidthInbps"].split()[0]) for m in output["metrics"]]
    assert all(m["bandwidthInbps"].endswith(" Mbits/sec") for m in output["metrics"])
    assert all(88 <= rate <= 110 for rate in rates), rates
    assert 88 <= float(output["receiverBandwidth"].split()[0]) <= 101


def test_interval_transfers_add_up_to_the_sender_total():
    output = central_output(report(), "84.17.57.129")
    total = sum(to_bytes(m["transferSizeInBytes"]) for m in output["metrics"])
    assert abs(total - to_bytes(output["totalTransferredBytesFromSender"])) / total < 0.01


def test_stalls_are_zero_intervals_on_the_link_schedule():
    output = central_output(report(STALLING), "84.17.57.129")
    zero = [m["intervalInSeconds"] for m in output["metrics"] if m["bandwidthInbps"] == "0.00 bits/sec"]
    assert zero == ["4.00-5.00", "5.00-6.00", "6.00-7.00", "8.00-9.00", "9.00-10.00"]
    assert all(m["transferSizeInBytes"] == "0.00 Bytes" for m in output["metrics"]
               if m["intervalInSeconds"] in zero)
    stalled_lines = [line for line in report(STALLING).splitlines() if "  0.00 Bytes  0.00 bits/sec  " in line]
    assert all(int(line.split("bits/sec")[1].split()[0]) > 0 for line in stalled_lines)  # retransmits while stalled


def test_several_streams_get_sum_lines_separators_and_socket_ids():
    text = report(parallel=3)
    assert unknown_lines(text, TCP_SENDER, SUM_SENDER, PLAIN, RETR_SUMMARY) == []
    assert [line.split()[1] for line in text.splitlines() if " local " in line] == ["4]", "6]", "8]"]
    assert sum(1 for line in text.splitlines() if line.startswith("[SUM]")) == 10 + 2
    separators = text.count("- - - - - - - - - - - - - - - - - - - - - - - - -\n")
    assert separators == 10  # nine between the seconds, one before the summary
    output = central_output(text, "x")
    assert {m["id"] for m in output["metrics"]} == {"[SUM]"}


def test_omitted_seconds_come_first_and_are_not_counted():
    text = report(omit=2)
    lines = [line for line in text.splitlines() if TCP_SENDER.match(line)]
    assert [line.endswith("(omitted)") for line in lines] == [True, True] + [False] * 10
    assert lines[2].startswith("[  4]   0.00-1.00 ")
    assert len(central_output(text, "x")["metrics"]) == 10


def test_reverse_report_is_the_client_receiving():
    text = report(reverse=True)
    assert "Reverse mode, remote host 84.17.57.129 is sending\n" in text
    assert "[ ID] Interval           Transfer     Bandwidth\n" in text
    assert unknown_lines(text, PLAIN, RETR_SUMMARY) == []
    output = central_output(text, "x")
    assert all(180 <= float(m["bandwidthInbps"].split()[0]) <= 220 for m in output["metrics"])


def test_udp_report_counts_datagrams_and_loses_the_link_loss():
    text = report(LOSSY, protocol="udp")
    assert "[ ID] Interval           Transfer     Bandwidth       Total Datagrams\n" in text
    assert "Starting Test: protocol: UDP, 1 streams, 8192 byte blocks" in text
    assert "TCP MSS" not in text
    summary = re.search(r"(\d+\.\d{3}) ms  (\d+)/(\d+) \(([\d.e+]+)%\)  \n\[  4\] Sent (\d+) datagrams", text)
    assert summary, text
    lost, total, sent = int(summary.group(2)), int(summary.group(3)), int(summary.group(5))
    assert total == sent and 2.0 <= 100.0 * lost / total <= 8.0
    assert 1150 <= total <= 1300  # 8 Mbit/s is ~122 datagrams of 8 KBytes a second


def test_udp_reverse_with_several_streams_has_jitter_per_interval():
    text = report(LOSSY, protocol="udp", reverse=True, parallel=2)
    assert "[ ID] Interval           Transfer     Bandwidth       Jitter    Lost/Total Datagrams\n" in text
    assert re.search(r"^\[SUM\] .* ms  \d+/\d+ \([\d.e+]+%\)  $", text, re.M)


def test_errors_look_like_the_tool_failing_before_the_test():
    text = render_error(HEALTHY, ERROR_BUSY)
    assert text.splitlines()[0] == "iperf 3.0.11"
    assert text.splitlines()[-1] == ERROR_BUSY

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Expected numbers are worked out by hand from the fixture texts.

Sizes: iperf3 prints powers of 1024 and rounds to three digits, so "11.4 MBytes" is round(11.4 * 1048576) bytes.
Rates: powers of 1000, so "9.58 Mbits/sec" is 9580000 bit/s. Byte rates (-f M): "2319 MBytes/sec" is
2319 * 1048576 * 8 bit/s.
"""

import os
import re

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._parser import (
    classify_iperf_error,
    parse_iperf,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.paths import fixture_path

FIXTURES = fixture_path("iperf")
TOP_KEYS = ["iperf_version", "protocol", "streams", "duration_seconds", "upload", "download", "error", "cpu"]
GIB = 1024 ** 3


def sample(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return handle.read()


def parsed(name):
    return parse_iperf(sample(name))


def interval(start, end, bits_per_second, transferred, retransmits=None, cwnd_bytes=None, omitted=False):
    return {"start": start, "end": end, "bits_per_second": bits_per_second, "bytes": transferred,
            "retransmits": retransmits, "cwnd_bytes": cwnd_bytes, "omitted": omitted}


def header(result):
    return {key: result[key] for key in ("iperf_version", "protocol", "streams", "duration_seconds", "error", "cpu")}


def test_every_fixture_has_a_test():
    names = sorted(n for n in os.listdir(FIXTURES) if n.endswith(".txt"))
    with open(__file__, encoding="utf-8") as handle:
        source = handle.read()
    assert [n for n in names if '"%s"' % n not in source] == []


# --- iperf 3.0.11 (the gateways) ---------------------------------------------------------------------------------

def test_central_seed_raw_output():
    result = parsed("central-seed_rawOutput.txt")
    assert list(result) == TOP_KEYS
    assert header(result) == {
        "iperf_version": "3.0.11", "protocol": "tcp", "streams": 1, "duration_seconds": 10, "error": None,
        "cpu": {"local_percent": 1.2, "remote_percent": 0.0},
    }
    # measured 0.00-10.00: a whole number of seconds is an int
    assert isinstance(result["duration_seconds"], int)
    upload = result["upload"]
    assert sorted(upload) == ["intervals", "receiver", "sender", "sender_mss_bytes", "stalled_intervals", "udp"]
    # "TCP MSS: 1448 (default)": the gateway is the client and sends the upload
    assert upload["sender_mss_bytes"] == 1448
    # sender: 11.4 MBytes = round(11.4 * 1048576 = 11953766.4); 9.58 Mbits/sec = 9.58 * 10**6; 239 retransmits
    assert upload["sender"] == {"bits_per_second": 9580000, "bytes": 11953766, "retransmits": 239}
    # receiver: 9.14 MBytes = round(9.14 * 1048576 = 9583984.64)
    assert upload["receiver"] == {"bits_per_second": 7670000, "bytes": 9583985}
    assert upload["udp"] is None
    assert len(upload["intervals"]) == 10
    # 6.42 MBytes = round(6731857.92); cwnd 618 KBytes = 618 * 1024
    assert upload["intervals"][0] == interval(0.0, 1.0, 53900000, 6731858, 3, 632832)
    # 2.50 MBytes = 2.5 * 1048576; 339 KBytes = 347136
    assert upload["intervals"][4] == interval(4.0, 5.0, 21000000, 2621440, 10, 347136)
    # 5.66 KBytes = round(5795.84); 14.1 KBytes = round(14438.4)
    assert upload["intervals"][7] == interval(7.0, 8.0, 0, 0, 16, 5796)
    assert upload["intervals"][8] == interval(8.0, 9.0, 0, 0, 92, 14438)
    assert upload["intervals"][9] == interval(9.0, 10.0, 21000000, 2621440, 43, 698368)
    # zero-rate intervals: 1-2, 2-3, 3-4, 5-6, 6-7, 7-8, 8-9
    assert upload["stalled_intervals"] == 7
    assert result["download"] is None


def test_3_0_verbose_tcp():
    result = parsed("iperf-3.0.11_tcp_verbose_t10.txt")
    assert header(result) == {
        "iperf_version": "3.0.11", "protocol": "tcp", "streams": 1, "duration_seconds": 10, "error": None,
        "cpu": {"local_percent": 98.6, "remote_percent": 38.9},
    }
    upload = result["upload"]
    # 26.7 GBytes = round(26.7 * 1073741824 = 28668906700.8)
    assert upload["sender"] == {"bits_per_second": 22900000000, "bytes": 28668906701, "retransmits": 35}
    assert upload["receiver"] == {"bits_per_second": 22900000000, "bytes": 28668906701}
    # 2.43 GBytes = round(2609192632.32); 1023 KBytes = 1047552
    assert upload["intervals"][0] == interval(0.0, 1.0, 20900000000, 2609192632, 2, 1047552)
    assert upload["intervals"][9] == interval(9.0, 10.0, 23700000000, 2963527434, 2, 1047552)
    assert sum(i["retransmits"] for i in upload["intervals"]) == 35
    assert upload["stalled_intervals"] == 0


def test_3_0_reverse_fills_download_from_the_receiving_side():
    result = parsed("iperf-3.0.11_tcp_reverse.txt")
    # no Starting Test line: tcp from the column header, 1 stream id, duration from the sender's 0.00-3.00
    assert header(result) == {"iperf_version": None, "protocol": "tcp", "streams": 1, "duration_seconds": 3,
                              "error": None, "cpu": None}
    assert result["upload"] is None
    download = result["download"]
    # 8.70 GBytes = round(8.7 * 1073741824 = 9341553868.8); the remote sender's 5 retransmits
    assert download["sender"] == {"bits_per_second": 24900000000, "bytes": 9341553869, "retransmits": 5}
    assert download["receiver"] == {"bits_per_second": 24900000000, "bytes": 9341553869}
    # 2.89 GBytes = round(3103113871.36); the receiving side prints no Retr/Cwnd
    assert download["intervals"] == [
        interval(0.0, 1.0, 24800000000, 3103113871),
        interval(1.0, 2.0, 24600000000, 3081639035),
        interval(2.0, 3.0, 25300000000, 3167538381),
    ]


def test_3_0_parallel_streams_use_sum_lines():
    result = parsed("iperf-3.0.11_tcp_parallel3.txt")
    assert header(result) == {"iperf_version": None, "protocol": "tcp", "streams": 3, "duration_seconds": 3,
                              "error": None, "cpu": None}
    upload = result["upload"]
    # [SUM] 8.80 GBytes = round(8.8 * 1073741824 = 9448928051.2)
    assert upload["sender"] == {"bits_per_second": 25200000000, "bytes": 9448928051, "retransmits": 0}
    assert upload["receiver"] == {"bits_per_second": 25200000000, "bytes": 9448928051}
    # [SUM] 2.94 GBytes = round(3156800962.56), 2.83 GBytes = round(3038689361.92), 3.03 GBytes = round(3253437726.72)
    assert upload["intervals"] == [
        interval(0.0, 1.0, 25200000000, 3156800963, 0),
        interval(1.0, 2.0, 24300000000, 3038689362, 0),
        interval(2.0, 3.0, 26000000000, 3253437727, 0),
    ]
    detail = upload["streams_detail"]
    assert [s["stream_id"] for s in detail] == [4, 6, 8]
    assert detail[0]["sender"] == {"bits_per_second": 8400000000, "bytes": 3156800963, "retransmits": 0}
    # 2.93 GBytes = round(3146063544.32)
    assert detail[2]["receiver"] == {"bits_per_second": 8390000000, "bytes": 3146063544}
    # 1004 MBytes = 1052770304; 767 KBytes = 785408; 895 KBytes = 916480
    assert detail[0]["intervals"][0] == interval(0.0, 1.0, 8410000000, 1052770304, 0, 785408)
    assert [i["cwnd_bytes"] for i in detail[2]["intervals"]] == [785408, 916480, 785408]
    assert all(s["stalled_intervals"] == 0 and s["udp"] is None for s in detail)


def test_3_0_udp_combined_summary():
    result = parsed("iperf-3.0.11_udp_10M.txt")
    assert header(result) == {"iperf_version": None, "protocol": "udp", "streams": 1, "duration_seconds": 3,
                              "error": None, "cpu": None}
    upload = result["upload"]
    # 3.0 prints one line: the sender's 3.46 MBytes (round(3628072.96)) at 9.68 Mbits/sec with the receiver's loss
    assert upload["sender"] == {"bits_per_second": 9680000, "bytes": 3628073, "retransmits": None}
    assert upload["receiver"] is None
    assert upload["udp"] == {"jitter_ms": 0.01, "lost_datagrams": 27, "total_datagrams": 440, "loss_percent": 6.1}
    # 1.08 MBytes = round(1132462.08); the datagram counts are not retransmits
    assert upload["intervals"] == [
        interval(0.0, 1.0, 9040000, 1132462),
        interval(1.0, 2.0, 9960000, 1247805),
        interval(2.0, 3.0, 10000000, 1258291),
    ]


@pytest.mark.parametrize("name, error", [
    ("iperf-3.0.11_error_busy.txt", "the server is busy running a test. try again later"),
    ("iperf-3.0.11_error_conn_refused.txt", "unable to connect to server: Connection refused"),
    ("iperf-3.12_error_busy.txt", "the server is busy running a test. try again later"),
    ("iperf-3.12_error_conn_refused.txt", "unable to connect to server: Connection refused"),
    ("iperf-3.12_error_control_reset.txt", "unable to receive control message: Connection reset by peer"),
])
def test_error_only_outputs(name, error):
    assert parsed(name) == {
        "iperf_version": None, "protocol": None, "streams": None, "duration_seconds": None,
        "upload": None, "download": None, "error": error, "cpu": None,
    }


# --- iperf 3.12 --------------------------------------------------------------------------------------------------

def test_3_12_verbose_tcp():
    result = parsed("iperf-3.12_tcp_verbose.txt")
    assert header(result) == {
        "iperf_version": "3.12", "protocol": "tcp", "streams": 1, "duration_seconds": 3, "error": None,
        "cpu": {"local_percent": 91.0, "remote_percent": 44.0},
    }
    upload = result["upload"]
    # 8.18 GBytes = round(8783208120.32)
    assert upload["sender"] == {"bits_per_second": 23400000000, "bytes": 8783208120, "retransmits": 23}
    # 2.76 GBytes = round(2963527434.24); cwnd 1.25 MBytes = 1310720
    assert upload["intervals"][1] == interval(1.0, 2.0, 23700000000, 2963527434, 12, 1310720)


def test_3_12_parallel_streams():
    result = parsed("iperf-3.12_tcp_parallel4.txt")
    assert header(result) == {"iperf_version": None, "protocol": "tcp", "streams": 4, "duration_seconds": 3,
                              "error": None, "cpu": None}
    upload = result["upload"]
    # [SUM] 4.94 GBytes = round(5304284610.56), 27 retransmits
    assert upload["sender"] == {"bits_per_second": 14100000000, "bytes": 5304284611, "retransmits": 27}
    assert upload["receiver"] == {"bits_per_second": 14100000000, "bytes": 5304284611}
    # [SUM] 2.11 GBytes = round(2265595248.64); 805 MBytes = 805 * 1048576
    assert upload["intervals"] == [
        interval(0.0, 1.0, 18100000000, 2265595249, 12),
        interval(1.0, 2.02, 17300000000, 2201170739, 5),
        interval(2.02, 3.0, 6880000000, 844103680, 10),
    ]
    detail = upload["streams_detail"]
    assert [s["stream_id"] for s in detail] == [5, 7, 9, 12]
    # 1.22 GBytes = round(1309965025.28)
    assert detail[3]["sender"] == {"bits_per_second": 3490000000, "bytes": 1309965025, "retransmits": 7}
    assert sum(s["sender"]["retransmits"] for s in detail) == 27


def test_3_12_omitted_intervals_are_kept_and_flagged():
    upload = parsed("iperf-3.12_tcp_omit2.txt")["upload"]
    # 189 MBytes = 198180864; 767 KBytes = 785408; 4.37 MBytes = round(4582277.12)
    assert upload["intervals"][:3] == [
        interval(0.0, 1.03, 1530000000, 198180864, 11, 785408, omitted=True),
        interval(1.03, 2.0, 1820000000, 220200960, 3, 4582277, omitted=True),
        interval(0.0, 1.0, 2440000000, 306184192, 2, 3533701),
    ]
    assert len(upload["intervals"]) == 5
    # 768 MBytes = 805306368; 767 MBytes = 804257792
    assert upload["sender"] == {"bits_per_second": 2150000000, "bytes": 805306368, "retransmits": 3}
    assert upload["receiver"] == {"bits_per_second": 2130000000, "bytes": 804257792}


def test_3_12_udp_sender_and_receiver_lines():
    result = parsed("iperf-3.12_udp_lossy.txt")
    assert header(result) == {"iperf_version": None, "protocol": "udp", "streams": 1, "duration_seconds": 3,
                              "error": None, "cpu": None}
    upload = result["upload"]
    # 715 MBytes = 749731840; 559 MBytes = 586153984
    assert upload["sender"] == {"bits_per_second": 2000000000, "bytes": 749731840, "retransmits": None}
    assert upload["receiver"] == {"bits_per_second": 1560000000, "bytes": 586153984}
    # the receiver's jitter and loss, not the sender's 0.000 ms 0/22884
    assert upload["udp"] == {"jitter_ms": 0.016, "lost_datagrams": 4956, "total_datagrams": 22841, "loss_percent": 22.0}
    assert upload["intervals"][0] == interval(0.0, 1.0, 2000000000, 249561088)


def test_3_12_udp_modest_rate():
    upload = parsed("iperf-3.12_udp_5M.txt")["upload"]
    # 1.81 MBytes = round(1897922.56)
    assert upload["sender"] == {"bits_per_second": 5070000, "bytes": 1897923, "retransmits": None}
    assert upload["receiver"] == {"bits_per_second": 5070000, "bytes": 1897923}
    assert upload["udp"] == {"jitter_ms": 0.008, "lost_datagrams": 0, "total_datagrams": 58, "loss_percent": 0.0}
    # 640 KBytes = 655360; 608 KBytes = 622592
    assert upload["intervals"] == [
        interval(0.0, 1.0, 5240000, 655360),
        interval(1.0, 2.0, 4980000, 622592),
        interval(2.0, 3.0, 4980000, 622592),
    ]


def test_3_12_udp_reverse():
    result = parsed("iperf-3.12_udp_reverse.txt")
    assert result["upload"] is None
    assert (result["protocol"], result["streams"], result["duration_seconds"]) == ("udp", 1, 3)
    download = result["download"]
    assert download["receiver"] == {"bits_per_second": 5070000, "bytes": 1897923}
    assert download["udp"] == {"jitter_ms": 0.01, "lost_datagrams": 0, "total_datagrams": 58, "loss_percent": 0.0}
    assert download["intervals"][2] == interval(2.0, 3.0, 4980000, 622592)


def test_3_12_udp_parallel_verbose():
    result = parsed("iperf-3.12_udp_parallel2_verbose.txt")
    assert header(result) == {
        "iperf_version": "3.12", "protocol": "udp", "streams": 2, "duration_seconds": 3, "error": None,
        "cpu": {"local_percent": 3.1, "remote_percent": 0.1},
    }
    upload = result["upload"]
    # [SUM] 1.44 MBytes = round(1509949.44)
    assert upload["receiver"] == {"bits_per_second": 4020000, "bytes": 1509949}
    assert upload["udp"] == {"jitter_ms": 0.026, "lost_datagrams": 0, "total_datagrams": 46, "loss_percent": 0.0}
    # [SUM] 512 KBytes = 524288; 448 KBytes = 458752
    assert [(i["bytes"], i["bits_per_second"]) for i in upload["intervals"]] == [
        (524288, 4190000), (524288, 4200000), (458752, 3670000)]
    detail = upload["streams_detail"]
    assert [s["stream_id"] for s in detail] == [5, 7]
    # 736 KBytes = 753664
    assert detail[0]["receiver"] == {"bits_per_second": 2010000, "bytes": 753664}
    assert detail[0]["udp"] == {"jitter_ms": 0.031, "lost_datagrams": 0, "total_datagrams": 23, "loss_percent": 0.0}
    assert detail[1]["udp"]["jitter_ms"] == 0.021


def test_3_12_bidir_tcp():
    result = parsed("iperf-3.12_bidir.txt")
    assert header(result) == {"iperf_version": None, "protocol": "tcp", "streams": 1, "duration_seconds": 3,
                              "error": None, "cpu": None}
    upload, download = result["upload"], result["download"]
    # [TX-C]: 1.42 GBytes = round(1524713390.08)
    assert upload["sender"] == {"bits_per_second": 4070000000, "bytes": 1524713390, "retransmits": 5}
    assert upload["receiver"] == {"bits_per_second": 4060000000, "bytes": 1524713390}
    # 536 MBytes = 562036736; cwnd 2.12 MBytes = round(2222981.12)
    assert upload["intervals"][0] == interval(0.0, 1.0, 4500000000, 562036736, 0, 2222981)
    assert upload["intervals"][1]["end"] == 2.01
    # [RX-C]: 964 MBytes = 1010827264; 960 MBytes = 1006632960
    assert download["sender"] == {"bits_per_second": 2690000000, "bytes": 1010827264, "retransmits": 7}
    assert download["receiver"] == {"bits_per_second": 2670000000, "bytes": 1006632960}
    # 284 MBytes = 297795584
    assert download["intervals"][0] == interval(0.0, 1.0, 2390000000, 297795584)


def test_3_12_bidir_udp():
    result = parsed("iperf-3.12_udp_bidir.txt")
    assert (result["protocol"], result["streams"], result["duration_seconds"]) == ("udp", 1, 3)
    assert result["upload"]["udp"] == {"jitter_ms": 0.017, "lost_datagrams": 0, "total_datagrams": 58, "loss_percent": 0.0}
    assert result["download"]["udp"] == {"jitter_ms": 0.016, "lost_datagrams": 0, "total_datagrams": 58, "loss_percent": 0.0}
    # the [TX-C] intervals print datagram counts (20, 19, 19), never retransmits
    assert result["upload"]["intervals"] == [
        interval(0.0, 1.0, 5240000, 655360),
        interval(1.0, 2.0, 4980000, 622592),
        interval(2.0, 3.0, 4980000, 622592),
    ]
    assert result["download"]["intervals"][0] == interval(0.0, 1.0, 5240000, 655360)


def test_3_12_bidir_parallel_verbose():
    result = parsed("iperf-3.12_tcp_bidir_parallel2_verbose.txt")
    assert header(result) == {
        "iperf_version": "3.12", "protocol": "tcp", "streams": 2, "duration_seconds": 2, "error": None,
        "cpu": {"local_percent": 71.6, "remote_percent": 71.8},
    }
    upload, download = result["upload"], result["download"]
    # [SUM][TX-C] 2.39 GBytes = round(2566242959.36); 2.38 GBytes = round(2555505541.12)
    assert upload["sender"] == {"bits_per_second": 10300000000, "bytes": 2566242959, "retransmits": 9}
    assert upload["receiver"] == {"bits_per_second": 10200000000, "bytes": 2555505541}
    # [SUM][RX-C] 2.87 GBytes = round(3081639034.88); 2.86 GBytes = round(3070901616.64); printed after the CPU line
    assert download["sender"] == {"bits_per_second": 12300000000, "bytes": 3081639035, "retransmits": 1}
    assert download["receiver"] == {"bits_per_second": 12300000000, "bytes": 3070901617}
    assert [s["stream_id"] for s in upload["streams_detail"]] == [5, 7]
    assert [s["stream_id"] for s in download["streams_detail"]] == [9, 12]
    # [SUM][TX-C] 1.34 GBytes = round(1438814044.16), 9 retransmits; [SUM][RX-C] 1.77 GBytes = round(1900523028.48)
    assert upload["intervals"][0] == interval(0.0, 1.0, 11500000000, 1438814044, 9)
    assert download["intervals"][1] == interval(1.0, 2.0, 15200000000, 1900523028)


def test_3_12_reverse_parallel():
    result = parsed("iperf-3.12_tcp_reverse_parallel2.txt")
    assert (result["protocol"], result["streams"], result["duration_seconds"]) == ("tcp", 2, 3)
    assert result["upload"] is None
    download = result["download"]
    # [SUM] 8.78 GBytes = round(9427453214.72)
    assert download["sender"] == {"bits_per_second": 25100000000, "bytes": 9427453215, "retransmits": 5}
    assert download["receiver"] == {"bits_per_second": 25100000000, "bytes": 9427453215}
    # [SUM] 2.78 GBytes = round(2985002270.72)
    assert download["intervals"][0] == interval(0.0, 1.0, 23800000000, 2985002271)
    # 4.39 GBytes = round(4713726607.36)
    assert [(s["stream_id"], s["sender"]) for s in download["streams_detail"]] == [
        (5, {"bits_per_second": 12600000000, "bytes": 4713726607, "retransmits": 3}),
        (7, {"bits_per_second": 12600000000, "bytes": 4713726607, "retransmits": 2}),
    ]


def test_3_12_reverse_with_omit():
    download = parsed("iperf-3.12_tcp_reverse_omit1.txt")["download"]
    # 2.65 GBytes = round(2845415833.6), omitted; the clock restarts at 0.00
    assert download["intervals"][:2] == [
        interval(0.0, 1.0, 22800000000, 2845415834, omitted=True),
        interval(0.0, 1.0, 25800000000, 3231962890),
    ]
    assert len(download["intervals"]) == 4
    # 7.79 GBytes = round(8364448808.96)
    assert download["sender"] == {"bits_per_second": 22300000000, "bytes": 8364448809, "retransmits": 13}


def test_3_12_byte_rate_format():
    upload = parsed("iperf-3.12_tcp_format_MBytes.txt")["upload"]
    # 2319 MBytes/sec = 2319 * 1048576 * 8 bit/s; 6.79 GBytes = round(7290706984.96)
    assert upload["sender"] == {"bits_per_second": 19453181952, "bytes": 7290706985, "retransmits": 11}
    # 2456 MBytes/sec = 2456 * 8388608; 2.40 GBytes = round(2576980377.6)
    assert upload["intervals"][0] == interval(0.0, 1.0, 20602421248, 2576980378, 6, 916480)


def test_3_12_cut_short_keeps_intervals_without_summaries():
    result = parsed("iperf-3.12_tcp_cut_short_kill.txt")
    assert header(result) == {"iperf_version": None, "protocol": "tcp", "streams": 1, "duration_seconds": None,
                              "error": "unable to write to stream socket: Connection reset by peer", "cpu": None}
    upload = result["upload"]
    assert upload["sender"] is None and upload["receiver"] is None
    # the 1.00-2.00 line printed twice counts once; 2.73 GBytes = round(2931315179.52)
    assert upload["intervals"] == [
        interval(0.0, 1.0, 23400000000, 2931315180, 4, 916480),
        interval(1.0, 2.0, 24400000000, 3049426780, 0, 785408),
    ]


def test_3_12_cut_short_with_zero_receiver_summary():
    result = parsed("iperf-3.12_tcp_cut_short_term.txt")
    assert result["error"] == "the server has terminated"
    assert result["duration_seconds"] == 2
    upload = result["upload"]
    # 7.42 GBytes = round(7967164334.08), as printed; the receiver line says 0.00 Bytes
    assert upload["sender"] == {"bits_per_second": 31900000000, "bytes": 7967164334, "retransmits": 0}
    assert upload["receiver"] == {"bits_per_second": 0, "bytes": 0}
    assert len(upload["intervals"]) == 2


def test_3_12_udp_cut_short():
    result = parsed("iperf-3.12_udp_cut_short_kill.txt")
    assert result["error"] == "control socket has closed unexpectedly"
    assert (result["protocol"], result["streams"], result["duration_seconds"]) == ("udp", 1, None)
    upload = result["upload"]
    assert (upload["sender"], upload["receiver"], upload["udp"]) == (None, None, None)
    assert upload["intervals"] == [interval(0.0, 1.0, 5240000, 655360), interval(1.0, 2.0, 4980000, 622592)]


# --- several runs in one text ------------------------------------------------------------------------------------

def test_normal_then_reverse_fills_both_directions():
    result = parsed("iperf-3.12_tcp_normal_then_reverse.txt")
    assert header(result) == {
        "iperf_version": "3.12", "protocol": "tcp", "streams": 1, "duration_seconds": 2, "error": None,
        "cpu": {"local_percent": 96.5, "remote_percent": 45.0},
    }
    # 5.10 GBytes = round(5476083302.4); 5.04 GBytes = round(5411658792.96)
    assert result["upload"]["sender"] == {"bits_per_second": 21900000000, "bytes": 5476083302, "retransmits": 7}
    assert result["download"]["sender"] == {"bits_per_second": 21700000000, "bytes": 5411658793, "retransmits": 17}
    assert result["download"]["intervals"][0] == interval(0.0, 1.0, 18900000000, 2362232013)


def test_first_run_of_a_direction_wins():
    result = parse_iperf(sample("central-seed_rawOutput.txt") + sample("iperf-3.0.11_tcp_verbose_t10.txt"))
    assert result["upload"] == parsed("central-seed_rawOutput.txt")["upload"]
    assert result["duration_seconds"] == 10
    assert result["cpu"] == {"local_percent": 1.2, "remote_percent": 0.0}


def test_seed_followed_by_a_3_0_reverse_run():
    result = parse_iperf(sample("central-seed_rawOutput.txt") + sample("iperf-3.0.11_tcp_reverse.txt"))
    assert result["upload"]["sender"]["bits_per_second"] == 9580000
    assert result["download"] == parsed("iperf-3.0.11_tcp_reverse.txt")["download"]


def test_busy_run_then_successful_run():
    result = parse_iperf(sample("iperf-3.12_error_busy.txt") + sample("iperf-3.12_tcp_verbose.txt"))
    assert result["error"] == "the server is busy running a test. try again later"
    assert result["upload"] == parsed("iperf-3.12_tcp_verbose.txt")["upload"]
    assert result["iperf_version"] == "3.12"


def test_successful_run_then_failed_reverse_run():
    text = sample("iperf-3.0.11_tcp_verbose_t10.txt") + "Connecting to host 127.0.0.1, port 15311\n" + sample("iperf-3.0.11_error_busy.txt")
    result = parse_iperf(text)
    assert result["upload"]["sender"]["retransmits"] == 35
    assert result["download"] is None
    assert result["error"] == "the server is busy running a test. try again later"


# --- edits of real texts -----------------------------------------------------------------------------------------

def test_stalled_intervals_count_the_sum_series_with_parallel_streams():
    text = sample("iperf-3.12_tcp_parallel4.txt").replace(
        "[SUM]   1.00-2.02   sec  2.05 GBytes  17.3 Gbits/sec    5", "[SUM]   1.00-2.02   sec  0.00 Bytes  0.00 bits/sec    5")
    upload = parse_iperf(text)["upload"]
    assert upload["stalled_intervals"] == 1
    assert upload["intervals"][1] == interval(1.0, 2.02, 0, 0, 5)
    assert [s["stalled_intervals"] for s in upload["streams_detail"]] == [0, 0, 0, 0]


def test_omitted_zero_intervals_are_not_stalled():
    text = sample("iperf-3.12_tcp_omit2.txt")
    text = text.replace("189 MBytes  1.53 Gbits/sec", "0.00 Bytes  0.00 bits/sec")
    upload = parse_iperf(text)["upload"]
    assert upload["intervals"][0]["bits_per_second"] == 0 and upload["intervals"][0]["omitted"] is True
    assert upload["stalled_intervals"] == 0
    text = text.replace("292 MBytes  2.44 Gbits/sec", "0.00 Bytes  0.00 bits/sec")
    assert parse_iperf(text)["upload"]["stalled_intervals"] == 1


@pytest.mark.parametrize("printed, expected", [("1e+02", 100.0), ("0", 0.0), ("6.1", 6.1), ("0.0012", 0.0012)])
def test_udp_loss_formats(printed, expected):
    text = sample("iperf-3.0.11_udp_10M.txt").replace("27/440 (6.1%)", "27/440 (%s%%)" % printed)
    assert parse_iperf(text)["upload"]["udp"]["loss_percent"] == expected


def test_unreadable_loss_is_none_not_invented():
    text = sample("iperf-3.0.11_udp_10M.txt").replace("27/440 (6.1%)", "0/0 (-nan%)")
    assert parse_iperf(text)["upload"]["udp"] == {"jitter_ms": 0.01, "lost_datagrams": 0, "total_datagrams": 0, "loss_percent": None}


def test_truncated_text_keeps_what_it_has():
    text = sample("central-seed_rawOutput.txt")
    cut = text[:text.index("[  4]   3.00-4.00")]
    upload = parse_iperf(cut)["upload"]
    assert len(upload["intervals"]) == 3
    assert upload["sender"] is None and upload["receiver"] is None
    assert upload["stalled_intervals"] == 2


def test_windows_line_endings_and_bytes_give_the_same_result():
    text = sample("central-seed_rawOutput.txt")
    expected = parse_iperf(text)
    assert parse_iperf(text.replace("\n", "\r\n")) == expected
    assert parse_iperf(text.encode("utf-8")) == expected


def test_starting_test_line_wins_over_inference():
    text = sample("iperf-3.12_tcp_omit2.txt").replace(
        "[ ID] Interval", "Starting Test: protocol: TCP, 1 streams, 131072 byte blocks, omitting 2 seconds, 3 second test\n[ ID] Interval", 1)
    result = parse_iperf(text)
    assert (result["protocol"], result["streams"], result["duration_seconds"]) == ("tcp", 1, 3)
    sized = text.replace("3 second test", "1048576 bytes to send")
    # a byte-count test states no duration: it comes from the sender summary (0.00-3.00)
    assert parse_iperf(sized)["duration_seconds"] == 3


@pytest.mark.parametrize("line, error", [
    ("iperf3: error - unable to connect to server - server may have stopped running or use a different port, firewall issue, etc.: "
     "Connection refused",
     "unable to connect to server - server may have stopped running or use a different port, firewall issue, etc.: Connection refused"),
    ("iperf3: interrupt - the client has terminated", "the client has terminated"),
    ("iperf3: parameter error - must either be a client (-c) or server (-s)", "must either be a client (-c) or server (-s)"),
])
def test_other_error_lines(line, error):
    assert parse_iperf(line + "\n")["error"] == error


def test_first_error_is_kept():
    text = sample("iperf-3.0.11_error_busy.txt") + sample("iperf-3.0.11_error_conn_refused.txt")
    assert parse_iperf(text)["error"] == "the server is busy running a test. try again later"


@pytest.mark.parametrize("text", ["", "\n\n", "hello world", "iperf Done.", "- - - - -", "[ ID] Interval  Transfer  Bitrate"])
def test_text_without_measurements(text):
    result = parse_iperf(text)
    assert list(result) == TOP_KEYS
    assert result["upload"] is None and result["download"] is None and result["error"] is None


@pytest.mark.parametrize("value", [None, 42, ["iperf Done."], {"rawOutput": "x"}])
def test_non_text_is_a_type_error(value):
    with pytest.raises(TypeError, match="expected the iperf3 client output as a string, got"):
        parse_iperf(value)


@pytest.mark.parametrize("old, new, path", [
    # beyond Python's int() digit limit and beyond float range: None, never an exception or inf
    ("15    618 KBytes", "9" * 5000 + "    618 KBytes", ("intervals", 1, "retransmits")),
    ("  239             sender", "  " + "9" * 5000 + "             sender", ("sender", "retransmits")),
    ("[  4]   2.00-3.00", "[  4]   " + "9" * 400 + ".00-3.00", ("intervals", 2, "start")),
    ("9.14 MBytes", "9" * 400 + " MBytes", ("receiver", "bytes")),
    ("7.67 Mbits/sec", "1e999 Mbits/sec", ("receiver", "bits_per_second")),
])
def test_unreadably_large_numbers_become_none(old, new, path):
    text = sample("central-seed_rawOutput.txt")
    assert old in text
    value = parse_iperf(text.replace(old, new, 1))["upload"]
    for step in path:
        value = value[step]
    assert value is None


def test_unreadably_large_udp_numbers_become_none():
    text = sample("iperf-3.0.11_udp_10M.txt").replace("0.010 ms  27/440", "0.01e999 ms  27/" + "4" * 5000)
    assert parse_iperf(text)["upload"]["udp"] == {"jitter_ms": None, "lost_datagrams": 27, "total_datagrams": None, "loss_percent": 6.1}


# --- iperf 3.21 (built from the esnet/iperf release tag) ---------------------------------------------------------

def test_3_21_tcp():
    result = parsed("iperf-3.21_tcp.txt")
    assert header(result) == {"iperf_version": None, "protocol": "tcp", "streams": 1, "duration_seconds": 3,
                              "error": None, "cpu": None}
    upload = result["upload"]
    # 5.84 GBytes = round(6270652252.16); 16.7 Gbits/sec = 16.7 * 10**9
    assert upload["sender"] == {"bits_per_second": 16700000000, "bytes": 6270652252, "retransmits": 14}
    assert upload["receiver"] == {"bits_per_second": 16700000000, "bytes": 6270652252}
    # 1.83 GBytes = round(1964947537.92), 1023 KBytes = 1047552; 2.14 GBytes = round(2297807503.36), 1.37 MBytes = round(1436549.12)
    assert upload["intervals"][0] == interval(0.0, 1.0, 15700000000, 1964947538, 2, 1047552)
    assert upload["intervals"][2] == interval(2.0, 3.0, 18300000000, 2297807503, 10, 1436549)
    assert len(upload["intervals"]) == 3 and result["download"] is None


def test_3_21_udp():
    result = parsed("iperf-3.21_udp_5M.txt")
    assert header(result) == {"iperf_version": None, "protocol": "udp", "streams": 1, "duration_seconds": 3,
                              "error": None, "cpu": None}
    upload = result["upload"]
    # 1.81 MBytes = round(1897922.56)
    assert upload["sender"] == {"bits_per_second": 5070000, "bytes": 1897923, "retransmits": None}
    assert upload["receiver"] == {"bits_per_second": 5070000, "bytes": 1897923}
    # the receiver's 0.007 ms, not the sender's 0.000 ms; "(0%)" is 0.0
    assert upload["udp"] == {"jitter_ms": 0.007, "lost_datagrams": 0, "total_datagrams": 58, "loss_percent": 0.0}
    # 640 KBytes = 655360, the datagram count 20 is not a retransmit count
    assert upload["intervals"][0] == interval(0.0, 1.0, 5240000, 655360)


# --- --timestamps and --title put text before every line -----------------------------------------------------------

def test_timestamps_in_the_default_format():
    result = parsed("iperf-3.21_tcp_timestamps.txt")
    assert header(result) == {"iperf_version": None, "protocol": "tcp", "streams": 1, "duration_seconds": 2,
                              "error": None, "cpu": None}
    upload = result["upload"]
    # "Thu Dec  3 12:11:12 2026 [  5]   0.00-2.00 sec  3.13 GBytes ...": round(3360811909.12)
    assert upload["sender"] == {"bits_per_second": 13500000000, "bytes": 3360811909, "retransmits": 85}
    assert upload["receiver"] == {"bits_per_second": 13400000000, "bytes": 3360811909}
    # 1.41 GBytes = round(1513975971.84); 1.72 GBytes = round(1846835937.28)
    assert upload["intervals"] == [
        interval(0.0, 1.0, 12100000000, 1513975972, 46, 1436549),
        interval(1.0, 2.0, 14800000000, 1846835937, 39, 1436549),
    ]


def test_timestamps_in_a_custom_format():
    upload = parsed("iperf-3.21_tcp_timestamps_format.txt")["upload"]
    # "2026-12-03T12:11:15 [  5]   0.00-2.00 sec  3.08 GBytes": round(3307124817.92); cwnd 2.25 MBytes = 2359296
    assert upload["sender"] == {"bits_per_second": 13200000000, "bytes": 3307124818, "retransmits": 63}
    assert upload["intervals"][0] == interval(0.0, 1.0, 14800000000, 1857573356, 39, 2359296)


def test_timestamps_without_a_separator():
    # --timestamps=%s prints "1796300794[  5] ..." with nothing between the time and the line
    result = parsed("iperf-3.21_tcp_timestamps_epoch.txt")
    assert (result["protocol"], result["streams"], result["duration_seconds"]) == ("tcp", 1, 2)
    # 4.21 GBytes = round(4520453079.04); 2.17 GBytes = round(2330019758.08)
    assert result["upload"]["sender"] == {"bits_per_second": 18100000000, "bytes": 4520453079, "retransmits": 4}
    assert result["upload"]["intervals"][0] == interval(0.0, 1.0, 18600000000, 2330019758, 3, 916480)


def test_title():
    result = parsed("iperf-3.21_tcp_title.txt")
    # "gw-CN01:  [  5]   0.00-2.01 sec  2.96 GBytes  12.7 Gbits/sec   79  sender": round(3178275799.04), 2.01 s measured
    assert header(result) == {"iperf_version": None, "protocol": "tcp", "streams": 1, "duration_seconds": 2.01,
                              "error": None, "cpu": None}
    upload = result["upload"]
    assert upload["sender"] == {"bits_per_second": 12700000000, "bytes": 3178275799, "retransmits": 79}
    # 1.47 GBytes = round(1578400481.28); 2.00 MBytes = 2097152
    assert upload["intervals"][1] == interval(1.0, 2.01, 12600000000, 1578400481, 45, 2097152)


PREFIXED = [
    ("iperf-3.21_tcp_timestamps.txt", r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4} "),
    ("iperf-3.21_tcp_timestamps_format.txt", r"[0-9-]{10}T[0-9:]{8} "),
    ("iperf-3.21_tcp_timestamps_epoch.txt", r"[0-9]{10}"),
    ("iperf-3.21_tcp_title.txt", r"gw-CN01:  "),
]


@pytest.mark.parametrize("name, prefix", PREFIXED)
def test_prefixed_lines_read_like_the_same_lines_without_prefix(name, prefix):
    text = sample(name)
    stripped = re.sub("(?m)^" + prefix, "", text)
    assert stripped != text and parse_iperf(stripped)["upload"]["sender"] is not None
    assert parse_iperf(text) == parse_iperf(stripped)


def test_prefixes_do_not_turn_other_lines_into_data():
    # a title that looks like a stream id, and verbose lines after a prefix, stay what they are
    text = sample("iperf-3.21_tcp_bytes_10M_verbose.txt")
    prefixed = "".join("[12:00:01] " + line for line in text.splitlines(True))
    assert parse_iperf(prefixed) == parse_iperf(text)


# --- --get-server-output: the server's lines are not the client's --------------------------------------------------

def test_server_output_tcp():
    result = parsed("iperf-3.21_tcp_get_server_output.txt")
    upload = result["upload"]
    # the client's two intervals; the server's 0.00-1.00 at 12.0 Gbits/sec and its 2.00-2.00 line are left out
    # 1.41 GBytes = round(1513975971.84); 1.59 GBytes = round(1707249500.16); 767 KBytes = 785408; 895 KBytes = 916480
    assert upload["intervals"] == [
        interval(0.0, 1.0, 12100000000, 1513975972, 23, 785408),
        interval(1.0, 2.0, 13600000000, 1707249500, 32, 916480),
    ]
    # 2.99 GBytes = round(3210488053.76)
    assert upload["sender"] == {"bits_per_second": 12900000000, "bytes": 3210488054, "retransmits": 55}
    assert upload["receiver"] == {"bits_per_second": 12800000000, "bytes": 3210488054}
    assert (result["duration_seconds"], result["download"], result["error"]) == (2, None, None)


def test_server_output_udp():
    upload = parsed("iperf-3.21_udp_get_server_output.txt")["upload"]
    # the client's 5.23 Mbits/sec first interval (the server printed 5.24) and no server jitter per interval
    assert upload["intervals"] == [interval(0.0, 1.0, 5230000, 655360), interval(1.0, 2.0, 4980000, 622592)]
    # 1.22 MBytes = round(1279262.72)
    assert upload["receiver"] == {"bits_per_second": 5100000, "bytes": 1279263}
    assert upload["udp"] == {"jitter_ms": 0.093, "lost_datagrams": 0, "total_datagrams": 39, "loss_percent": 0.0}


def test_server_output_of_a_reverse_test_with_timestamps_and_title():
    result = parsed("iperf-3.21_tcp_reverse_get_server_output_title_timestamps.txt")
    assert result["upload"] is None
    download = result["download"]
    # the client receives: no Retr/Cwnd on its lines; the server's lines (17 and 8 retransmits, 1.69 GBytes) are left out
    # 1.88 GBytes = round(2018634629.12); 1.70 GBytes = round(1825361100.8)
    assert download["intervals"] == [
        interval(0.0, 1.0, 16200000000, 2018634629),
        interval(1.0, 2.0, 14600000000, 1825361101),
    ]
    # 3.58 GBytes = round(3843995729.92)
    assert download["sender"] == {"bits_per_second": 15400000000, "bytes": 3843995730, "retransmits": 25}
    assert download["receiver"] == {"bits_per_second": 15400000000, "bytes": 3843995730}
    assert result["duration_seconds"] == 2


def test_server_output_of_a_verbose_server_with_its_own_timestamps():
    # the server ran with -V --timestamps: its Starting Test, Test Complete and summary lines are not the client's
    result = parsed("iperf-3.21_tcp_title_server_verbose_timestamps.txt")
    assert header(result) == {"iperf_version": None, "protocol": "tcp", "streams": 1, "duration_seconds": 2,
                              "error": None, "cpu": None}
    upload = result["upload"]
    # 2.14 GBytes = round(2297807503.36); 2.54 GBytes = round(2727304232.96) at the client's 21.8 (server: 21.9)
    assert upload["intervals"] == [
        interval(0.0, 1.0, 18300000000, 2297807503, 2, 1047552),
        interval(1.0, 2.0, 21800000000, 2727304233, 0, 916480),
    ]
    # 4.68 GBytes = round(5025111736.32)
    assert upload["sender"] == {"bits_per_second": 20100000000, "bytes": 5025111736, "retransmits": 2}


def test_server_output_3_0():
    upload = parsed("iperf-3.0.11_tcp_get_server_output.txt")["upload"]
    # 1.52 GBytes = round(1632087572.48) at 13.1 Gbits/sec (the server's line: 1.45 GBytes at 12.4)
    assert upload["intervals"][0] == interval(0.0, 1.0, 13100000000, 1632087572, 3, 1047552)
    assert len(upload["intervals"]) == 2
    # 3.26 GBytes = round(3500398346.24)
    assert upload["receiver"] == {"bits_per_second": 14000000000, "bytes": 3500398346}


def test_server_output_3_0_udp_with_title():
    result = parsed("iperf-3.0.11_udp_title_get_server_output.txt")
    assert (result["protocol"], result["streams"], result["duration_seconds"]) == ("udp", 1, 2)
    upload = result["upload"]
    # the one combined summary line of 3.0: 1.13 MBytes = round(1184890.88) with the receiver's loss
    assert upload["sender"] == {"bits_per_second": 4750000, "bytes": 1184891, "retransmits": None}
    assert upload["receiver"] is None
    assert upload["udp"] == {"jitter_ms": 0.017, "lost_datagrams": 0, "total_datagrams": 145, "loss_percent": 0.0}
    # 552 KBytes = 565248; 608 KBytes = 622592; the server's per-interval jitter lines are left out
    assert upload["intervals"] == [interval(0.0, 1.0, 4520000, 565248), interval(1.0, 2.0, 4980000, 622592)]


def test_server_output_3_12_udp_with_timestamps_and_title():
    upload = parsed("iperf-3.12_udp_timestamps_title_get_server_output.txt")["upload"]
    assert upload["receiver"] == {"bits_per_second": 5110000, "bytes": 1279263}
    assert upload["udp"] == {"jitter_ms": 0.012, "lost_datagrams": 0, "total_datagrams": 39, "loss_percent": 0.0}
    assert len(upload["intervals"]) == 2


def test_lines_after_the_server_output_are_read_again():
    text = sample("iperf-3.21_tcp_get_server_output.txt") + sample("iperf-3.12_tcp_reverse_omit1.txt")
    result = parse_iperf(text)
    assert result["upload"] == parsed("iperf-3.21_tcp_get_server_output.txt")["upload"]
    assert result["download"] == parsed("iperf-3.12_tcp_reverse_omit1.txt")["download"]


# --- tests limited by bytes (-n) or blocks (-k) -------------------------------------------------------------------

def test_3_0_bytes_limited():
    result = parsed("iperf-3.0.11_tcp_bytes_10M_verbose.txt")
    # "Starting Test: ... 10485760 bytes to send" states no duration; the sender summary says 0.00-4.20
    assert header(result) == {
        "iperf_version": "3.0.11", "protocol": "tcp", "streams": 1, "duration_seconds": 4.2, "error": None,
        "cpu": {"local_percent": 1.6, "remote_percent": 0.1},
    }
    upload = result["upload"]
    # 10.0 MBytes = 10485760; 9.88 MBytes = round(10359930.88)
    assert upload["sender"] == {"bits_per_second": 20000000, "bytes": 10485760, "retransmits": 0}
    assert upload["receiver"] == {"bits_per_second": 19700000, "bytes": 10359931}
    # the last, short interval: 640 KBytes = 655360; 895 KBytes = 916480
    assert upload["intervals"][4] == interval(4.0, 4.2, 26200000, 655360, 0, 916480)


def test_3_0_blocks_limited():
    result = parsed("iperf-3.0.11_tcp_blocks_100_verbose.txt")
    assert (result["protocol"], result["streams"], result["duration_seconds"]) == ("tcp", 1, 2.6)
    upload = result["upload"]
    # 12.5 MBytes = 13107200 (100 blocks of 131072); 12.1 MBytes = round(12687769.6)
    assert upload["sender"] == {"bits_per_second": 40300000, "bytes": 13107200, "retransmits": 0}
    assert upload["receiver"] == {"bits_per_second": 39100000, "bytes": 12687770}
    # 3.38 MBytes = round(3544186.88); 1.12 MBytes = round(1174405.12)
    assert upload["intervals"][2] == interval(2.0, 2.6, 47200000, 3544187, 0, 1174405)


def test_3_0_udp_blocks_limited():
    result = parsed("iperf-3.0.11_udp_blocks_200_verbose.txt")
    assert header(result) == {
        "iperf_version": "3.0.11", "protocol": "udp", "streams": 1, "duration_seconds": 13.1, "error": None,
        "cpu": {"local_percent": 0.4, "remote_percent": 0.0},
    }
    upload = result["upload"]
    # combined 3.0 summary: 1.56 MBytes = round(1635778.56) at 1.00 Mbits/sec
    assert upload["sender"] == {"bits_per_second": 1000000, "bytes": 1635779, "retransmits": None}
    assert upload["udp"] == {"jitter_ms": 0.025, "lost_datagrams": 0, "total_datagrams": 199, "loss_percent": 0.0}
    assert len(upload["intervals"]) == 14
    # 112 KBytes = 114688 at 917 Kbits/sec; the last 0.10 s: 24.0 KBytes = 24576
    assert upload["intervals"][0] == interval(0.0, 1.0, 917000, 114688)
    assert upload["intervals"][13] == interval(13.0, 13.1, 1960000, 24576)


def test_3_21_bytes_limited():
    result = parsed("iperf-3.21_tcp_bytes_10M_verbose.txt")
    assert header(result) == {
        "iperf_version": "3.21", "protocol": "tcp", "streams": 1, "duration_seconds": 5, "error": None,
        "cpu": {"local_percent": 0.4, "remote_percent": 0.1},
    }
    upload = result["upload"]
    # 12.0 MBytes = 12582912
    assert upload["sender"] == {"bits_per_second": 20100000, "bytes": 12582912, "retransmits": 0}
    # 2.38 MBytes = round(2495610.88); 1.12 MBytes = round(1174405.12)
    assert upload["intervals"][1] == interval(1.0, 2.0, 19900000, 2495611, 0, 1174405)
    assert len(upload["intervals"]) == 5


def test_3_21_blocks_limited_with_server_output():
    result = parsed("iperf-3.21_tcp_blocks_100_verbose.txt")
    assert (result["iperf_version"], result["protocol"], result["duration_seconds"]) == ("3.21", "tcp", 3)
    upload = result["upload"]
    # 14.4 MBytes = round(15099494.4); the server's three intervals are not added to the client's three
    assert upload["sender"] == {"bits_per_second": 40200000, "bytes": 15099494, "retransmits": 0}
    assert upload["receiver"] == {"bits_per_second": 40200000, "bytes": 15099494}
    # 4.88 MBytes = round(5117050.88)
    assert upload["intervals"][0] == interval(0.0, 1.0, 40800000, 5117051, 0, 1174405)
    assert len(upload["intervals"]) == 3


def test_3_21_udp_bytes_limited():
    result = parsed("iperf-3.21_udp_bytes_1M_verbose.txt")
    assert (result["iperf_version"], result["protocol"], result["streams"], result["duration_seconds"]) == ("3.21", "udp", 1, 5)
    upload = result["upload"]
    assert upload["receiver"] == {"bits_per_second": 2040000, "bytes": 1279263}
    assert upload["udp"] == {"jitter_ms": 0.137, "lost_datagrams": 0, "total_datagrams": 39, "loss_percent": 0.0}
    # 224 KBytes = 229376
    assert upload["intervals"][2] == interval(2.0, 3.0, 1830000, 229376)


# --- duration_seconds: measured, from the summary ------------------------------------------------------------------

def test_duration_is_the_measured_one():
    text = sample("central-seed_rawOutput.txt").replace("0.00-10.00  sec  11.4 MBytes", "0.00-10.04  sec  11.4 MBytes")
    assert "0.00-10.04" in text
    # the Starting Test line asked for 10 s; the sender summary measured 10.04 s
    assert parse_iperf(text)["duration_seconds"] == 10.04


def test_duration_without_a_summary_is_the_requested_one():
    text = sample("central-seed_rawOutput.txt")
    assert parse_iperf(text[:text.index("- - - -")])["duration_seconds"] == 10


@pytest.mark.parametrize("span, seconds", [("0.30-10.337", 10.04), ("0.00-10.001", 10), ("1.00-3.50", 2.5)])
def test_duration_is_rounded_to_hundredths(span, seconds):
    text = sample("central-seed_rawOutput.txt").replace("0.00-10.00  sec  11.4 MBytes", span + "  sec  11.4 MBytes")
    duration = parse_iperf(text)["duration_seconds"]
    # 10.337 - 0.30 = 10.037 -> 10.04; 10.001 -> 10.0, a whole number: the int 10
    assert duration == seconds and type(duration) is type(seconds)


def test_duration_of_parallel_streams_comes_from_the_sum_line():
    text = sample("iperf-3.12_tcp_parallel4.txt").replace("[SUM]   0.00-3.00", "[SUM]   0.00-3.02")
    assert parse_iperf(text)["duration_seconds"] == 3.02


# --- interrupted clients ------------------------------------------------------------------------------------------

def test_interrupted_3_21_client_with_timestamps():
    result = parsed("iperf-3.21_tcp_interrupt_timestamps.txt")
    # the error line comes first (stderr is not buffered); the summary says 0.00-1.50
    assert header(result) == {"iperf_version": None, "protocol": "tcp", "streams": 1, "duration_seconds": 1.5,
                              "error": "the client has terminated by signal Interrupt(2)", "cpu": None}
    upload = result["upload"]
    # 3.76 GBytes = round(4037269258.24); the receiver had no time to report: 0.00 Bytes
    assert upload["sender"] == {"bits_per_second": 21600000000, "bytes": 4037269258, "retransmits": 9}
    assert upload["receiver"] == {"bits_per_second": 0, "bytes": 0}
    # 1.47 GBytes = round(1578400481.28); 1.50 MBytes = 1572864
    assert upload["intervals"][1] == interval(1.0, 1.5, 25400000000, 1578400481, 2, 1572864)


def test_interrupted_3_0_client():
    result = parsed("iperf-3.0.11_tcp_interrupt.txt")
    assert (result["error"], result["duration_seconds"]) == ("the client has terminated", 1.41)
    # 2.75 GBytes = 2952790016; 713 MBytes = 747634688
    assert result["upload"]["sender"] == {"bits_per_second": 16700000000, "bytes": 2952790016, "retransmits": 4}
    assert result["upload"]["intervals"][1] == interval(1.0, 1.41, 14500000000, 747634688, 2, 1174405)


# --- every kind of error line -------------------------------------------------------------------------------------

CONNECT_3_14 = "unable to connect to server - server may have stopped running or use a different port, firewall issue, etc.: "
RECEIVE_3_13 = "unable to receive control message - port may not be available, the other side may have stopped running, etc.: "
ERROR_FIXTURES = [
    ("iperf-3.0.11_error_busy.txt", "the server is busy running a test. try again later", "server_busy"),
    ("iperf-3.12_error_busy.txt", "the server is busy running a test. try again later", "server_busy"),
    ("iperf-3.21_error_busy.txt", "the server is busy running a test. try again later", "server_busy"),
    ("iperf-3.21_error_busy_timestamps_title.txt", "the server is busy running a test. try again later", "server_busy"),
    ("iperf-3.0.11_error_busy_race_reset.txt", "unable to receive control message: Connection reset by peer", "server_busy"),
    ("iperf-3.12_error_busy_race_reset.txt", "unable to receive control message: Connection reset by peer", "server_busy"),
    ("iperf-3.12_error_control_reset.txt", "unable to receive control message: Connection reset by peer", "server_busy"),
    ("iperf-3.21_error_busy_race_not_connected.txt", RECEIVE_3_13 + "Transport endpoint is not connected", "server_busy"),
    ("iperf-3.0.11_error_conn_refused.txt", "unable to connect to server: Connection refused", "server_unreachable"),
    ("iperf-3.12_error_conn_refused.txt", "unable to connect to server: Connection refused", "server_unreachable"),
    ("iperf-3.12_error_conn_refused_timestamps.txt", "unable to connect to server: Connection refused", "server_unreachable"),
    ("iperf-3.21_error_conn_refused.txt", CONNECT_3_14 + "Connection refused", "server_unreachable"),
    ("iperf-3.21_error_conn_refused_timestamps.txt", CONNECT_3_14 + "Connection refused", "server_unreachable"),
    ("iperf-3.21_error_conn_refused_title.txt", CONNECT_3_14 + "Connection refused", "server_unreachable"),
    ("iperf-3.0.11_error_connect_timeout.txt", "unable to connect to server: Connection timed out", "server_unreachable"),
    ("iperf-3.21_error_connect_timeout.txt", CONNECT_3_14 + "Connection timed out", "server_unreachable"),
    ("iperf-3.0.11_error_no_route.txt", "unable to connect to server: No route to host", "server_unreachable"),
    ("iperf-3.21_error_no_route.txt", CONNECT_3_14 + "No route to host", "server_unreachable"),
    ("iperf-3.0.11_error_network_unreachable.txt", "unable to connect to server: Network is unreachable", "server_unreachable"),
    ("iperf-3.21_error_network_unreachable.txt", CONNECT_3_14 + "Network is unreachable", "server_unreachable"),
    ("iperf-3.0.11_error_name_resolution.txt", "unable to connect to server: Resource temporarily unavailable", "server_unreachable"),
    ("iperf-3.21_error_name_resolution.txt", CONNECT_3_14 + "Resource temporarily unavailable", "server_unreachable"),
    ("iperf-3.0.11_error_unknown_host.txt", "unable to connect to server: Invalid argument", "server_unreachable"),
    ("iperf-3.21_error_unknown_host.txt", CONNECT_3_14 + "Invalid argument", "server_unreachable"),
    ("iperf-3.0.11_error_parameter.txt", "test duration too long (maximum = 86400 seconds)", "test_failed"),
    ("iperf-3.21_error_parameter.txt", "test duration valid values are 0 to 86400 seconds", "test_failed"),
    ("iperf-3.0.11_error_option_requires_argument.txt", "option requires an argument -- 't'", "test_failed"),
    ("iperf-3.21_error_option_requires_argument.txt", "option requires an argument -- 't'", "test_failed"),
    ("iperf-3.0.11_error_unrecognized_option.txt", "unrecognized option '--frobnicate'", "test_failed"),
    ("iperf-3.21_error_unrecognized_option.txt", "unrecognized option '--frobnicate'", "test_failed"),
    ("iperf-3.12_error_invalid_option.txt", "invalid option -- 'j'", "test_failed"),
    ("iperf-3.21_error_invalid_option.txt", "invalid option -- 'j'", "test_failed"),
]


@pytest.mark.parametrize("name, error, error_type", ERROR_FIXTURES)
def test_error_fixtures(name, error, error_type):
    # the usage text after an option error and the timestamp before an error line add nothing
    assert parsed(name) == {
        "iperf_version": None, "protocol": None, "streams": None, "duration_seconds": None,
        "upload": None, "download": None, "error": error, "cpu": None,
    }
    assert classify_iperf_error(sample(name)) == error_type
    assert classify_iperf_error("iperf3: error - " + error) == error_type


@pytest.mark.parametrize("line, error", [
    ("/usr/local/bin/iperf3: unrecognized option '--bidir'", "unrecognized option '--bidir'"),
    ("iperf3: option '--time' requires an argument", "option '--time' requires an argument"),
    ("iperf3: illegal option -- j", "illegal option -- j"),
    ("Thu Dec  3 12:26:28 2026 iperf3: interrupt - the client has terminated by signal Interrupt(2)",
     "the client has terminated by signal Interrupt(2)"),
    ("gw1:  iperf3: error - control socket has closed unexpectedly", "control socket has closed unexpectedly"),
    ("iperf3: create new test error - unable to create a new test", "unable to create a new test"),
])
def test_error_line_shapes(line, error):
    assert parse_iperf(line + "\n")["error"] == error


# --- classify_iperf_error --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # busy, however Central words it
    ("the server is busy running a test. try again later", "server_busy"),
    ("Server is busy", "server_busy"),
    ("the server is busy running a test", "server_busy"),
    ("THE SERVER IS BUSY RUNNING A TEST. TRY AGAIN LATER", "server_busy"),
    ("Iperf test failed: iperf server busy", "server_busy"),
    ("Server is currently busy, please retry", "server_busy"),
    ("busy server", "server_busy"),
    ("ACCESS_DENIED - Server is busy", "server_busy"),
    ("iperf3: error - the server is busy running a test. try again later\n", "server_busy"),
    (b"iperf3: error - the server is busy running a test. try again later", "server_busy"),
    ("unable to receive control message: Connection reset by peer", "server_busy"),
    ("UNABLE TO RECEIVE CONTROL MESSAGE - port may not be available, the other side may have stopped running, etc.: "
     "Transport endpoint is not connected", "server_busy"),
    # unreachable, in every version's wording; checked before busy
    ("unable to connect to server: No route to host", "server_unreachable"),
    ("Unable to connect to server", "server_unreachable"),
    ("Connection refused", "server_unreachable"),
    ("connect failed: Network is unreachable", "server_unreachable"),
    ("Host is unreachable", "server_unreachable"),
    ("unable to connect to server: Name or service not known", "server_unreachable"),
    ("unable to connect to server: Temporary failure in name resolution", "server_unreachable"),
    ("Connection timed out", "server_unreachable"),
    ("unable to connect stream: Connection refused", "server_unreachable"),
    ("unable to connect to server busy-gw.example.com: Connection refused", "server_unreachable"),
    # other iperf3 errors
    ("the server has terminated", "test_failed"),
    ("control socket has closed unexpectedly", "test_failed"),
    ("unable to write to stream socket: Connection reset by peer", "test_failed"),
    ("iperf3: interrupt - the client has terminated", "test_failed"),
    ("iperf3: parameter error - test duration too long (maximum = 86400 seconds)", "test_failed"),
    # no iperf3 error at all
    (None, None),
    ("", None),
    ("   \n", None),
    (42, None),
    ("Device rebooted during test", None),
    ("busy-gw.example.com", None),
])
def test_classify_iperf_error(text, expected):
    assert classify_iperf_error(text) == expected


@pytest.mark.parametrize("name", [
    "central-seed_rawOutput.txt", "iperf-3.21_tcp.txt", "iperf-3.12_bidir.txt", "iperf-3.21_tcp_get_server_output.txt",
    "iperf-3.0.11_udp_10M.txt",
])
def test_a_client_text_without_error_is_not_classified(name):
    assert classify_iperf_error(sample(name)) is None


def test_a_host_name_or_title_is_not_judged_when_iperf3_printed_an_error():
    text = "busy-server:  Connecting to host busy-server.example.com, port 5201\n" + sample("iperf-3.21_error_conn_refused.txt")
    assert classify_iperf_error(text) == "server_unreachable"
    text = "Connecting to host unreachable.example.com, port 5201\n" + sample("iperf-3.21_error_busy.txt")
    assert classify_iperf_error(text) == "server_busy"


def test_a_control_reset_after_measuring_is_a_failed_test():
    # the reset of a busy server's switch-over comes before any interval; after intervals the test itself broke
    text = sample("iperf-3.12_tcp_cut_short_kill.txt").replace(
        "unable to write to stream socket: Connection reset by peer", "unable to receive control message: Connection reset by peer")
    assert classify_iperf_error(text) == "test_failed"
    assert classify_iperf_error(sample("iperf-3.12_tcp_cut_short_kill.txt")) == "test_failed"
    assert classify_iperf_error(sample("iperf-3.12_tcp_cut_short_term.txt")) == "test_failed"


def test_a_stream_id_too_long_to_be_real_is_not_a_stream():
    text = ("[  5]   0.00-1.00   sec   545 MBytes  4.56 Gbits/sec    1    767 KBytes\n"
            "[%s]   0.00-1.00   sec   541 MBytes  4.53 Gbits/sec    1    767 KBytes\n" % ("9" * 40))
    upload = parse_iperf(text)["upload"]
    assert "streams_detail" not in upload
    assert [item["bits_per_second"] for item in upload["intervals"]] == [4560000000]

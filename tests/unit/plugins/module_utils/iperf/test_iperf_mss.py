# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The sender's TCP MSS in the parsed directions: the figure the retransmit ratio needs (segments = bytes / MSS)."""

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._parser import parse_iperf
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._result import build_result
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.paths import fixture_path


def sample(name):
    with open(fixture_path("iperf", name), encoding="utf-8") as handle:
        return handle.read()


@pytest.mark.parametrize("name, mss", [
    ("central-seed_rawOutput.txt", 1448),          # a real gateway: "TCP MSS: 1448 (default)"
    ("iperf-3.0.11_tcp_verbose_t10.txt", 32768),
    ("iperf-3.12_tcp_verbose.txt", 32768),
    ("iperf-3.21_tcp_bytes_10M_verbose.txt", 32768),
])
def test_the_clients_mss_is_the_uploads_sender_mss(name, mss):
    assert parse_iperf(sample(name))["upload"]["sender_mss_bytes"] == mss


def test_the_download_has_no_sender_mss_because_the_server_sends_it():
    parsed = parse_iperf(sample("iperf-3.12_tcp_normal_then_reverse.txt"))
    assert parsed["upload"]["sender_mss_bytes"] == 32768
    assert parsed["download"]["sender_mss_bytes"] is None


def test_bidir_gives_the_mss_to_the_transmitting_side_only():
    parsed = parse_iperf(sample("iperf-3.12_tcp_bidir_parallel2_verbose.txt"))
    assert parsed["upload"]["sender_mss_bytes"] == 32768
    assert parsed["download"]["sender_mss_bytes"] is None


@pytest.mark.parametrize("name", [
    "iperf-3.12_tcp_omit2.txt",                              # not verbose: no MSS line at all
    "iperf-3.12_udp_parallel2_verbose.txt",                  # only "Control connection MSS", not the data socket's
    "iperf-3.21_tcp_title_server_verbose_timestamps.txt",    # the server's "TCP MSS: 0" in --get-server-output
])
def test_no_mss_unless_the_client_printed_its_data_sockets(name):
    assert parse_iperf(sample(name))["upload"]["sender_mss_bytes"] is None


def test_an_mss_of_zero_is_not_a_figure():
    text = sample("iperf-3.12_tcp_verbose.txt").replace("TCP MSS: 32768", "TCP MSS: 0")
    assert parse_iperf(text)["upload"]["sender_mss_bytes"] is None


def test_a_timestamped_mss_line_is_read():
    text = sample("iperf-3.12_tcp_verbose.txt").replace("      TCP MSS:", "Sun Nov 29 05:46:42 2026       TCP MSS:")
    assert parse_iperf(text)["upload"]["sender_mss_bytes"] == 32768


def test_the_gateway_iperf_result_carries_the_mss_through(seed):
    result = build_result("CNF7G9K001", "8c9f", seed)
    assert result["upload"]["sender_mss_bytes"] == 1448

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""iperf's own unit formatting (src/units.c), checked against strings real iperf printed."""

import pytest

from central_sim.units import format_bytes, format_rate


@pytest.mark.parametrize("num_bytes, text", [
    (0, "0.00 Bytes"),
    (512, " 512 Bytes"),
    (1023, "1023 Bytes"),
    (6731858, "6.42 MBytes"),          # seed: 6.42 MBytes
    (632832, " 618 KBytes"),           # seed cwnd: 618 KBytes
    (5792, "5.66 KBytes"),             # seed cwnd: 4 x 1448
    (1004 * 1024 * 1024, "1004 MBytes"),  # 3.0.11 parallel sample
    (int(9.994 * 1024 * 1024), "9.99 MBytes"),
    (int(9.996 * 1024 * 1024), "10.0 MBytes"),
    (int(99.94 * 1024), "99.9 KBytes"),
    (int(99.96 * 1024), " 100 KBytes"),
    (int(26.7 * 1024 ** 3), "26.7 GBytes"),
])
def test_sizes_use_powers_of_1024(num_bytes, text):
    assert format_bytes(num_bytes) == text


@pytest.mark.parametrize("bits_per_second, text", [
    (0, "0.00 bits/sec"),
    (53.9e6, "53.9 Mbits/sec"),
    (9.58e6, "9.58 Mbits/sec"),
    (200e6, " 200 Mbits/sec"),
    (999.4, " 999 bits/sec"),
    (999.6, "1000 bits/sec"),         # under 1000 the unit stays; %4.0f rounds up
    (22.9e9, "22.9 Gbits/sec"),
    (2500e9, "2500 Gbits/sec"),        # past giga the number just grows
])
def test_rates_use_powers_of_1000(bits_per_second, text):
    assert format_rate(bits_per_second / 8) == text

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import math

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._units import (
    RATE_UNITS,
    SIZE_UNITS,
    to_bits_per_second,
    to_bytes,
)


@pytest.mark.parametrize("text, expected", [
    ("9.58 Mbits/sec", 9580000),         # 9.58 * 1000**2
    ("7.67 Mbits/sec", 7670000),
    ("0.00 bits/sec", 0),
    ("512 bits/sec", 512),
    ("1.50 Kbits/sec", 1500),            # 1.5 * 1000
    ("53.9 Mbits/sec", 53900000),
    ("25.2 Gbits/sec", 25200000000),     # 25.2 * 1000**3
    ("1.20 Tbits/sec", 1200000000000),   # 1.2 * 1000**4
    ("10 Bytes/sec", 80),                # 10 bytes * 8 bits
    ("1 KBytes/sec", 8192),              # 1024 * 8
    ("2456 MBytes/sec", 20602421248),    # 2456 * 1024**2 * 8
    ("2.5 GBytes/sec", 21474836480),     # 2.5 * 1024**3 * 8
    ("1 TBytes/sec", 8796093022208),     # 1024**4 * 8
    ("  9.58 Mbits/sec  ", 9580000),
    ("9.58Mbits/sec", 9580000),
    (".5 Kbits/sec", 500),
    ("1e+02 Mbits/sec", 100000000),
    ("0.0004 Kbits/sec", 0),             # 0.4 bit/s rounds to 0
    ("0.0006 Kbits/sec", 1),             # 0.6 bit/s rounds to 1
])
def test_to_bits_per_second_converts_iperf_rates(text, expected):
    assert to_bits_per_second(text) == expected
    assert isinstance(to_bits_per_second(text), int)


@pytest.mark.parametrize("text, expected", [
    ("6.42 MBytes", 6731858),     # round(6.42 * 1048576 = 6731857.92)
    ("11.4 MBytes", 11953766),    # round(11.4 * 1048576 = 11953766.4)
    ("9.14 MBytes", 9583985),     # round(9.14 * 1048576 = 9583984.64)
    ("618 KBytes", 632832),       # 618 * 1024
    ("5.66 KBytes", 5796),        # round(5.66 * 1024 = 5795.84)
    ("0.00 Bytes", 0),
    ("100 Bytes", 100),
    ("2.94 GBytes", 3156800963),  # round(2.94 * 1024**3 = 3156800962.56)
    ("1.5 TBytes", 1649267441664),
    ("\t6.42MBytes\n", 6731858),
])
def test_to_bytes_converts_iperf_sizes(text, expected):
    assert to_bytes(text) == expected
    assert isinstance(to_bytes(text), int)


@pytest.mark.parametrize("function", [to_bits_per_second, to_bytes])
@pytest.mark.parametrize("number", [0, 9580000, 6731858, 0.0, 12.5, 10 ** 30])
def test_numbers_pass_through_unchanged(function, number):
    result = function(number)
    assert result == number
    assert type(result) is type(number)


def test_conversions_are_idempotent():
    assert to_bits_per_second(to_bits_per_second("9.58 Mbits/sec")) == 9580000
    assert to_bytes(to_bytes("6.42 MBytes")) == 6731858


@pytest.mark.parametrize("bad", [
    "", "   ", "9.58", "9.58 Mbit/s", "9.58 mbits/sec", "9.58 MBits/sec", "9.58 Mbps", "Mbits/sec",
    "-9.58 Mbits/sec", "nan Mbits/sec", "inf Mbits/sec", "9.58 Pbits/sec", "9,58 Mbits/sec", "6.42 MBytes",
    "9.58 Mbits/sec extra", "1 2 Mbits/sec",
])
def test_to_bits_per_second_rejects_other_text(bad):
    with pytest.raises(ValueError) as err:
        to_bits_per_second(bad)
    message = str(err.value)
    assert repr(bad) in message
    assert "Mbits/sec" in message and "MBytes/sec" in message
    assert "\n" not in message


@pytest.mark.parametrize("bad", [
    "", "6.42", "6.42 MB", "6.42 mbytes", "6.42 MiB", "6.42 Mbits/sec", "6.42 MBytes/sec", "-1 KBytes",
    "6.42 PBytes", "1.2.3 KBytes",
])
def test_to_bytes_rejects_other_text(bad):
    with pytest.raises(ValueError) as err:
        to_bytes(bad)
    message = str(err.value)
    assert repr(bad) in message
    for unit in SIZE_UNITS:
        assert unit in message
    assert "\n" not in message


@pytest.mark.parametrize("function", [to_bits_per_second, to_bytes])
@pytest.mark.parametrize("bad", [None, True, False, [], {}, ["1 Bytes"], b"1 Bytes", -1, -0.5, float("nan"), float("inf"), float("-inf")])
def test_other_values_are_rejected_with_value_error(function, bad):
    with pytest.raises(ValueError) as err:
        function(bad)
    assert repr(bad) in str(err.value)


@pytest.mark.parametrize("function, text", [
    (to_bits_per_second, "1e400 Mbits/sec"),
    (to_bits_per_second, "1e300 TBytes/sec"),
    (to_bytes, "9" * 400 + " TBytes"),
])
def test_too_large_numbers_are_rejected(function, text):
    with pytest.raises(ValueError, match="too large"):
        function(text)


def test_message_for_long_multiline_input_stays_one_short_line():
    bad = "line one\nline two " * 50
    with pytest.raises(ValueError) as err:
        to_bits_per_second(bad)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("'line one\\nline two")
    assert len(message) < 400


def test_unit_lists_name_every_accepted_unit():
    assert RATE_UNITS == ("bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec", "Tbits/sec",
                          "Bytes/sec", "KBytes/sec", "MBytes/sec", "GBytes/sec", "TBytes/sec")
    assert SIZE_UNITS == ("Bytes", "KBytes", "MBytes", "GBytes", "TBytes")
    for unit in RATE_UNITS:
        assert to_bits_per_second("1 " + unit) > 0
    for unit in SIZE_UNITS:
        assert to_bytes("1 " + unit) > 0


def test_results_are_finite_and_non_negative_for_the_largest_accepted_values():
    value = to_bits_per_second("1e290 TBytes/sec")
    assert value > 0 and math.isfinite(float(value))

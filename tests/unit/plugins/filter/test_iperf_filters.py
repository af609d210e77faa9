# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import os

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.aruba_central.troubleshooting.plugins.filter import iperf
from ansible_collections.aruba_central.troubleshooting.plugins.filter.iperf import FilterModule
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.assertions import filter_error
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.paths import fixture_path

FIXTURES = fixture_path("iperf")
FILTERS = FilterModule().filters()


def sample(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return handle.read()


def test_the_three_filters_are_exported():
    assert sorted(FILTERS) == ["parse_iperf", "to_bits_per_second", "to_bytes"]


def test_parse_iperf_on_the_central_seed():
    result = FILTERS["parse_iperf"](sample("central-seed_rawOutput.txt"))
    assert result["iperf_version"] == "3.0.11"
    assert result["upload"]["sender"] == {"bits_per_second": 9580000, "bytes": 11953766, "retransmits": 239}
    assert result["upload"]["receiver"] == {"bits_per_second": 7670000, "bytes": 9583985}
    assert result["upload"]["stalled_intervals"] == 7
    assert result["download"] is None


def test_parse_iperf_reports_iperf_errors_as_data():
    result = FILTERS["parse_iperf"](sample("iperf-3.12_error_busy.txt"))
    assert result["error"] == "the server is busy running a test. try again later"
    assert result["upload"] is None


@pytest.mark.parametrize("value", [None, 5, ["text"], {"rawOutput": "text"}])
def test_parse_iperf_rejects_non_text(value):
    with pytest.raises(AnsibleFilterError) as err:
        FILTERS["parse_iperf"](value)
    message = err.value.message
    assert message.startswith("parse_iperf: expected the iperf3 client output as a string, got %s" % type(value).__name__)
    assert "raw_output" in message
    assert "\n" not in message


@pytest.mark.parametrize("name, text, expected", [
    ("to_bits_per_second", "9.58 Mbits/sec", 9580000),
    ("to_bits_per_second", "2456 MBytes/sec", 20602421248),  # 2456 * 1024**2 * 8
    ("to_bits_per_second", 9580000, 9580000),
    ("to_bytes", "6.42 MBytes", 6731858),                    # round(6.42 * 1024**2)
    ("to_bytes", "618 KBytes", 632832),
    ("to_bytes", 6731858, 6731858),
])
def test_unit_filters(name, text, expected):
    assert FILTERS[name](text) == expected


@pytest.mark.parametrize("name, bad, unit", [
    ("to_bits_per_second", "fast", "Mbits/sec"),
    ("to_bits_per_second", "9.58 Mbps", "Kbits/sec"),
    ("to_bits_per_second", None, "Gbits/sec"),
    ("to_bits_per_second", -5, "Mbits/sec"),
    ("to_bytes", "6.42 MB", "MBytes"),
    ("to_bytes", "lots\nof bytes", "KBytes"),
    ("to_bytes", float("nan"), "MBytes"),
])
def test_unit_filters_fail_with_one_line_naming_the_value(name, bad, unit):
    with pytest.raises(AnsibleFilterError) as err:
        FILTERS[name](bad)
    message = err.value.message
    assert message.startswith("%s: %r is not a" % (name, bad))
    assert unit in message
    assert "\n" not in message
    assert isinstance(err.value.orig_exc, ValueError)


# ---------------------------------------------------------------- bad input: one line naming the filter


@pytest.mark.parametrize("value", [None, 42, 4.2, True, {"rawOutput": "x"}, ["iperf 3.0.11"], object()])
def test_parse_iperf_refuses_what_is_not_text(value):
    message = filter_error(iperf.parse_iperf, value)
    assert "expected the iperf3 client output as a string, got %s" % type(value).__name__ in message


@pytest.mark.parametrize("text", ["", "garbage", b"\xff\xfe\x00", "iperf3: error - unable to connect to server",
                                  "\x00" * 100, "[  4] " * 1000])
def test_parse_iperf_accepts_any_text_and_invents_no_numbers(text):
    result = iperf.parse_iperf(text)
    assert result["upload"] is None or result["upload"]["receiver"] is None
    assert result["download"] is None or result["download"]["receiver"] is None


BAD_UNIT_VALUES = ["fast", "", "   ", None, True, [1], {"value": 1}, "9.58", "-5 Mbits/sec", "nan Mbits/sec",
                   "inf Mbits/sec", "9.58 furlongs", "9,58 Mbits/sec", "9.58 Mbits/sec extra", "1e999 Mbits/sec",
                   -5, float("nan"), float("inf"), "9.58 Mbits/sec\n1 Mbits/sec", "９ Mbits/sec"]


@pytest.mark.parametrize("function", [iperf.to_bits_per_second, iperf.to_bytes], ids=["to_bits_per_second", "to_bytes"])
@pytest.mark.parametrize("value", BAD_UNIT_VALUES, ids=[repr(v)[:30] for v in BAD_UNIT_VALUES])
def test_unit_filters_refuse_what_is_not_a_quantity(function, value):
    message = filter_error(function, value)
    if isinstance(value, str) and value.strip() and "\n" not in value:
        assert repr(value)[1:-1][:20] in message, "the message quotes the bad value: %s" % message


def test_bytes_units_are_not_bit_rates():
    assert "is not a size in bytes" in filter_error(iperf.to_bytes, "9.58 Mbits/sec")

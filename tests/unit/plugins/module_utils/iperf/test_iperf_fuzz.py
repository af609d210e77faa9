# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property tests: no input makes the parser raise or produce a negative, NaN or infinite number; the text that
--timestamps and --title put before lines, and the server's lines of --get-server-output, change no number.

Runs are bounded and repeatable: derandomized, no example database, about 200 examples each.
"""

import math
import os
import re

from hypothesis import given, strategies as st

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._parser import classify_iperf_error, parse_iperf
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._units import to_bits_per_second, to_bytes
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.paths import fixture_path
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.strategies import BOUNDED

FIXTURES = fixture_path("iperf")
SAMPLE_NAMES = sorted(n for n in os.listdir(FIXTURES) if n.endswith(".txt"))
SAMPLES = {}
for _name in SAMPLE_NAMES:
    with open(os.path.join(FIXTURES, _name), encoding="utf-8") as _handle:
        SAMPLES[_name] = _handle.read()

TOP_KEYS = ["iperf_version", "protocol", "streams", "duration_seconds", "upload", "download", "error", "cpu"]
BLOCK_KEYS = {"sender", "receiver", "intervals", "stalled_intervals", "udp"}
INTERVAL_KEYS = {"start", "end", "bits_per_second", "bytes", "retransmits", "cwnd_bytes", "omitted"}

WEIRD_NUMBERS = ["0", "-1", "-0.00", "nan", "inf", "1e999", "9" * 400, "9" * 5000, "1e+02", "0.000", ".", "1.2.3", "18446744073709551616"]
NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
IPERF_TOKENS = [
    "[  4]", "[  5]", "[ 12]", "[SUM]", "[  5][TX-C]", "[  7][RX-C]", "[SUM][RX-C]", "[ ID]", "[ ID][Role]",
    "0.00-1.00", "1.00-2.01", "0.00-10.00", "sec", "6.42 MBytes", "0.00 Bytes", "618 KBytes", "9.58 Mbits/sec",
    "0.00 bits/sec", "2456 MBytes/sec", "3", "239", "0.010 ms", "27/440", "(6.1%)", "(1e+02%)", "(-nan%)", "sender",
    "receiver", "(omitted)", "Interval", "Transfer", "Bitrate", "Bandwidth", "Retr", "Cwnd", "Jitter",
    "Lost/Total Datagrams", "Total Datagrams", "- - - - - - - - -", "Reverse mode, remote host 127.0.0.1 is sending",
    "Connecting to host 127.0.0.1, port 5201", "iperf 3.0.11", "iperf Done.", "Perf-test: Finished",
    "Test Complete. Summary Results:", "Starting Test: protocol: UDP, 2 streams, 8192 byte blocks, omitting 0 seconds, 3 second test",
    "CPU Utilization: local/sender 1.2% (0.1%u/1.1%s), remote/receiver 0.0% (0.0%u/0.0%s)",
    "iperf3: error - the server is busy running a test. try again later",
    "Server output:", "Accepted connection from 127.0.0.1, port 15306", "Thu Dec  3 12:11:10 2026 ", "gw1:  ", "1796300792",
    "Starting Test: protocol: TCP, 1 streams, 131072 byte blocks, omitting 0 seconds, 10485760 bytes to send, tos 0",
    "iperf3: interrupt - the client has terminated", "iperf3: option requires an argument -- 't'", "iperf3: error - ",
] + WEIRD_NUMBERS

# Text that --timestamps (any strftime format) and --title put before each line.
TIMESTAMPS = st.sampled_from(["Thu Dec  3 12:11:10 2026 ", "2026-12-03T12:11:13 ", "1796300792", "[12:00:01] ",
                              "Do 03 Dez 2026 12:11:10 CET ", "12:11:10.123 "])
TITLES = st.from_regex(r"[a-z][a-z0-9_.-]{0,11}", fullmatch=True).map(lambda title: title + ":  ")
PREFIXES = st.one_of(TIMESTAMPS, TITLES, st.tuples(TIMESTAMPS, TITLES).map("".join))
SERVER_OUTPUT_END = ("iperf Done", "Connecting to host", "Perf-test:", "iperf3:")


def assert_sane_numbers(value, path="result"):
    """Walk the whole structure: every number is finite and not negative."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, (int, float)):
        assert math.isfinite(value), "%s is %r" % (path, value)
        assert value >= 0, "%s is %r" % (path, value)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            assert_sane_numbers(item, "%s.%s" % (path, key))
        return
    assert isinstance(value, list), "%s has unexpected type %s" % (path, type(value).__name__)
    for index, item in enumerate(value):
        assert_sane_numbers(item, "%s[%d]" % (path, index))


def assert_block_shape(block):
    if block is None:
        return
    assert set(block) - {"streams_detail"} == BLOCK_KEYS | {"sender_mss_bytes"}
    assert isinstance(block["stalled_intervals"], int)
    for item in block["intervals"]:
        assert set(item) == INTERVAL_KEYS
        assert isinstance(item["omitted"], bool)
    for stream in block.get("streams_detail", []):
        assert set(stream) == BLOCK_KEYS | {"stream_id"}


def check(text):
    result = parse_iperf(text)
    assert list(result) == TOP_KEYS
    assert_sane_numbers(result)
    assert_block_shape(result["upload"])
    assert_block_shape(result["download"])
    for key in ("iperf_version", "protocol", "error"):
        assert result[key] is None or isinstance(result[key], str)
    return result


@st.composite
def mutated_sample(draw):
    """A real iperf3 output with lines dropped, duplicated, cut, numbers replaced and random characters inserted."""
    lines = SAMPLES[draw(st.sampled_from(SAMPLE_NAMES))].splitlines(True)
    data_lines = [i for i, line in enumerate(lines) if line.startswith("[") and "sec" in line]
    for _step in range(draw(st.integers(min_value=1, max_value=6))):
        if not lines:
            break
        if data_lines and draw(st.booleans()):
            index = draw(st.sampled_from(data_lines)) % len(lines)
        else:
            index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "truncate", "number", "insert", "swap"]))
        line = lines[index]
        if action == "drop":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, line)
        elif action == "truncate":
            lines[index] = line[:draw(st.integers(min_value=0, max_value=len(line)))]
        elif action == "number":
            # replace some of the numbers of a line, whole or in part (a digit becomes "1e999": 0.01e999 is infinite)
            spans = [m.span() for m in NUMBER_RE.finditer(line)]
            for start, end in reversed(spans):
                if draw(st.booleans()):
                    if draw(st.booleans()):
                        start = end - 1
                    line = line[:start] + draw(st.sampled_from(WEIRD_NUMBERS)) + line[end:]
            lines[index] = line
        elif action == "insert":
            at = draw(st.integers(min_value=0, max_value=len(line)))
            lines[index] = line[:at] + draw(st.text(max_size=8)) + line[at:]
        else:
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], line
    return "".join(lines)


@st.composite
def decorated_sample(draw):
    """A real iperf3 output with prefixes on some lines and a server-output section of another output somewhere."""
    lines = SAMPLES[draw(st.sampled_from(SAMPLE_NAMES))].splitlines(True)
    prefix = draw(st.one_of(PREFIXES, st.text(max_size=12)))
    lines = [prefix + line if draw(st.booleans()) else line for line in lines]
    if lines and draw(st.booleans()):
        at = draw(st.integers(min_value=0, max_value=len(lines)))
        server = SAMPLES[draw(st.sampled_from(SAMPLE_NAMES))].splitlines(True)
        lines[at:at] = ["Server output:\n"] + server[:draw(st.integers(min_value=0, max_value=len(server)))]
    return "".join(lines)


@BOUNDED
@given(decorated_sample())
def test_prefixes_and_server_output_never_break_the_parser(text):
    check(text)


@BOUNDED
@given(st.sampled_from(SAMPLE_NAMES), PREFIXES, st.randoms(use_true_random=False))
def test_prefixed_lines_give_the_same_numbers(name, prefix, rng):
    text = SAMPLES[name]
    prefixed = "".join(prefix + line if rng.random() < 0.8 else line for line in text.splitlines(True))
    assert check(prefixed) == parse_iperf(text)


@BOUNDED
@given(st.sampled_from([n for n in SAMPLE_NAMES if "iperf Done." in SAMPLES[n]]), st.sampled_from(SAMPLE_NAMES), PREFIXES)
def test_a_server_output_section_adds_nothing(name, server_name, prefix):
    lines = SAMPLES[name].splitlines(True)
    done = next(i for i, line in enumerate(lines) if "iperf Done." in line)
    server = [line for line in SAMPLES[server_name].splitlines(True) if not any(end in line for end in SERVER_OUTPUT_END)]
    server = [prefix + line for line in server]
    lines[done:done] = ["\n", "Server output:\n"] + server + ["\n"]
    assert check("".join(lines)) == parse_iperf(SAMPLES[name])


@BOUNDED
@given(st.one_of(decorated_sample(), mutated_sample(), st.text(max_size=300), st.binary(max_size=300), st.none()))
def test_classification_never_breaks(text):
    assert classify_iperf_error(text) in (None, "server_busy", "server_unreachable", "test_failed")


@BOUNDED
@given(st.text(max_size=3000))
def test_random_text_never_breaks_the_parser(text):
    check(text)


@BOUNDED
@given(st.lists(st.lists(st.sampled_from(IPERF_TOKENS), max_size=12).map("  ".join), max_size=40).map("\n".join))
def test_iperf_like_lines_never_break_the_parser(text):
    check(text)


@BOUNDED
@given(mutated_sample())
def test_mutated_real_samples_never_break_the_parser(text):
    check(text)


@BOUNDED
@given(st.binary(max_size=2000))
def test_random_bytes_never_break_the_parser(data):
    check(data)


@BOUNDED
@given(st.sampled_from(SAMPLE_NAMES), st.integers(min_value=0, max_value=3000))
def test_every_prefix_of_a_real_sample_parses(name, cut):
    check(SAMPLES[name][:cut])


UNIT_INPUTS = st.one_of(
    st.text(max_size=40),
    st.builds(lambda n, u: n + " " + u, st.sampled_from(WEIRD_NUMBERS + ["6.42", "9.58", "1e300", "1e-300"]),
              st.sampled_from(["bits/sec", "Kbits/sec", "Tbits/sec", "MBytes/sec", "TBytes/sec", "Bytes", "KBytes", "TBytes"])),
    st.integers(min_value=-(10 ** 20), max_value=10 ** 20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(), st.booleans(), st.lists(st.integers(), max_size=2), st.binary(max_size=8),
)


@BOUNDED
@given(UNIT_INPUTS)
def test_unit_parsers_raise_only_value_error_and_return_sane_numbers(value):
    for function in (to_bits_per_second, to_bytes):
        try:
            result = function(value)
        except ValueError as err:
            assert "\n" not in str(err)
            continue
        assert isinstance(result, (int, float)) and not isinstance(result, bool)
        assert math.isfinite(result) and result >= 0

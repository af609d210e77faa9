# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input to every filter: one ``AnsibleFilterError`` line that names the filter and what was wrong.

Thresholds and checks are also checked through ``bandwidth_input_problems``, which a role uses to refuse bad
survey answers before any test traffic: it must report the same problem instead of raising.
"""

import math

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.aruba_central.troubleshooting.plugins.filter import bandwidth, iperf, report

RESULT = {"serial_number": "CNF7G9K001", "succeeded": True, "protocol": "tcp",
          "upload": {"receiver": {"bits_per_second": 50000000}, "sender": {"bits_per_second": 51000000}}}


def refused(function, *args, **kwargs):
    with pytest.raises(AnsibleFilterError) as info:
        function(*args, **kwargs)
    message = str(info.value.message if hasattr(info.value, "message") else info.value)
    assert "\n" not in message, repr(message)
    assert message.startswith(function.__name__ + ": "), message
    return message


# ---------------------------------------------------------------- parse_iperf


@pytest.mark.parametrize("value", [None, 42, 4.2, True, {"rawOutput": "x"}, ["iperf 3.0.11"], object()])
def test_parse_iperf_refuses_what_is_not_text(value):
    message = refused(iperf.parse_iperf, value)
    assert "expected the iperf3 client output as a string, got %s" % type(value).__name__ in message


@pytest.mark.parametrize("text", ["", "garbage", b"\xff\xfe\x00", "iperf3: error - unable to connect to server",
                                  "\x00" * 100, "[  4] " * 1000])
def test_parse_iperf_accepts_any_text_and_invents_no_numbers(text):
    result = iperf.parse_iperf(text)
    assert result["upload"] is None or result["upload"]["receiver"] is None
    assert result["download"] is None or result["download"]["receiver"] is None


# ---------------------------------------------------------------- to_bits_per_second, to_bytes

BAD_UNIT_VALUES = ["fast", "", "   ", None, True, [1], {"value": 1}, "9.58", "-5 Mbits/sec", "nan Mbits/sec",
                   "inf Mbits/sec", "9.58 furlongs", "9,58 Mbits/sec", "9.58 Mbits/sec extra", "1e999 Mbits/sec",
                   -5, float("nan"), float("inf"), "9.58 Mbits/sec\n1 Mbits/sec", "９ Mbits/sec"]


@pytest.mark.parametrize("function", [iperf.to_bits_per_second, iperf.to_bytes], ids=["to_bits_per_second", "to_bytes"])
@pytest.mark.parametrize("value", BAD_UNIT_VALUES, ids=[repr(v)[:30] for v in BAD_UNIT_VALUES])
def test_unit_filters_refuse_what_is_not_a_quantity(function, value):
    message = refused(function, value)
    if isinstance(value, str) and value.strip() and "\n" not in value:
        assert repr(value)[1:-1][:20] in message, "the message quotes the bad value: %s" % message


def test_bytes_units_are_not_bit_rates():
    assert "is not a size in bytes" in refused(iperf.to_bytes, "9.58 Mbits/sec")


# ---------------------------------------------------------------- bandwidth_verdict and bandwidth_input_problems

BAD_THRESHOLDS = [
    ("min_receiver_mbps", {"min_receiver_mbps": "fast"}),
    ("min_receiver_mbps", {"min_receiver_mbps": -5}),
    ("min_receiver_mbps", {"min_receiver_mbps": "-5"}),
    ("min_receiver_mbps", {"min_receiver_mbps": "50 Mbps"}),
    ("min_receiver_mbps", {"min_receiver_mbps": True}),
    ("min_receiver_mbps", {"min_receiver_mbps": float("nan")}),
    ("min_receiver_mbps", {"min_receiver_mbps": "inf"}),
    ("min_receiver_mbps", {"min_receiver_mbps": [50]}),
    ("min_sender_mbps", {"min_sender_mbps": "1,5"}),
    ("min_download_receiver_mbps", {"min_download_receiver_mbps": "lots"}),
    ("max_retransmits", {"max_retransmits": 1.5}),
    ("max_retransmits", {"max_retransmits": "-1"}),
    ("max_stalled_intervals", {"max_stalled_intervals": "two"}),
    ("max_loss_percent", {"max_loss_percent": 101}),
    ("max_loss_percent", {"max_loss_percent": "-0.1"}),
    ("max_jitter_ms", {"max_jitter_ms": {"ms": 5}}),
    ("min_reciever_mbps", {"min_reciever_mbps": 50}),
    ("thresholds", "fast"),
    ("thresholds", ["min_receiver_mbps", 50]),
    ("thresholds", 50),
]


@pytest.mark.parametrize("name, thresholds", BAD_THRESHOLDS)
def test_bandwidth_verdict_refuses_bad_thresholds_naming_them(name, thresholds):
    message = refused(bandwidth.bandwidth_verdict, RESULT, thresholds)
    assert name in message


@pytest.mark.parametrize("name, thresholds", BAD_THRESHOLDS)
def test_bandwidth_input_problems_reports_the_same_without_raising(name, thresholds):
    problems = bandwidth.bandwidth_input_problems(thresholds, variable_prefix="gateway_bandwidth_")
    assert len(problems) == 1
    assert "gateway_bandwidth_" + name in problems[0]
    assert "\n" not in problems[0]


def test_bad_thresholds_are_refused_even_for_a_gateway_that_did_not_run():
    assert "min_receiver_mbps" in refused(bandwidth.bandwidth_verdict, None, {"min_receiver_mbps": "fast"})


@pytest.mark.parametrize("value", ["50", " 50 ", "0", "1e3", ".5", "", None, 50, 0.5])
def test_survey_style_threshold_values_are_accepted(value):
    verdict = bandwidth.bandwidth_verdict(RESULT, {"min_receiver_mbps": value})
    assert verdict["verdict"] in ("PASS", "FAIL")
    limit = verdict["thresholds"]["min_receiver_mbps"]
    assert limit is None or (isinstance(limit, (int, float)) and math.isfinite(limit))


BAD_CHECKS = [
    ("checks", "upload.receiver"),
    ("checks", {"name": "a", "query": "b"}),
    ("checks[0]", ["upload.receiver"]),
    ("checks[0]", [{"query": "protocol"}]),
    ("checks[0]", [{"name": "", "query": "protocol"}]),
    ("checks[0]", [{"name": "tcp"}]),
    ("checks[0]", [{"name": "tcp", "query": "  "}]),
    ("checks[0]", [{"name": "tcp", "query": "[?"}]),
    ("checks[0]", [{"name": "tcp", "query": "protocol", "bogus": 1}]),
    ("checks[0]", [{"name": "tcp", "query": "protocol", "equals": "tcp", "min": 1}]),
    ("checks[0].min", [{"name": "fast", "query": "upload.receiver.bits_per_second", "min": "fast"}]),
    ("checks[0].max", [{"name": "fast", "query": "upload.receiver.bits_per_second", "max": "nan"}]),
    ("checks[0].equals", [{"name": "tcp", "query": "protocol", "equals": ["tcp"]}]),
    ("checks[1]", [{"name": "tcp", "query": "protocol"}, {"name": "tcp", "query": "streams"}]),
]


@pytest.mark.parametrize("name, checks", BAD_CHECKS)
def test_bandwidth_verdict_refuses_bad_checks_naming_them(name, checks):
    message = refused(bandwidth.bandwidth_verdict, RESULT, {}, checks, variable_prefix="gateway_bandwidth_")
    assert "gateway_bandwidth_" + name in message


@pytest.mark.parametrize("name, checks", BAD_CHECKS)
def test_bandwidth_input_problems_reports_bad_checks(name, checks):
    problems = bandwidth.bandwidth_input_problems({}, checks)
    assert len(problems) == 1 and name in problems[0]


def test_check_limit_messages_read_cleanly():
    message = refused(bandwidth.bandwidth_verdict, RESULT, {}, [{"name": "x", "query": "streams", "min": "fast"}])
    assert "  " not in message


# ---------------------------------------------------------------- bandwidth_report_*

RENDERERS = [report.bandwidth_report_json, report.bandwidth_report_junit, report.bandwidth_report_csv,
             report.bandwidth_report_markdown, report.bandwidth_report_html, report.bandwidth_report_summary]
RENDERER_IDS = [function.__name__ for function in RENDERERS]


@pytest.mark.parametrize("function", RENDERERS, ids=RENDERER_IDS)
@pytest.mark.parametrize("entries, words", [
    ("gw-ber-01", "report input must be a list"),
    (42, "report input must be a list"),
    ([1], "report entry #0"),
    ([{"record": {"verdict": "PASS"}}], "report entry #0 has no host name"),
    ([{"host": "", "record": None}], "report entry #0 has no host name"),
    ([{"host": "gw-ber-01", "record": None}, 7], "report entry #1"),
])
def test_report_filters_refuse_bad_entries(function, entries, words):
    assert words in refused(function, entries)


@pytest.mark.parametrize("function", [report.bandwidth_report_json, report.bandwidth_report_junit,
                                      report.bandwidth_report_markdown, report.bandwidth_report_html],
                         ids=["bandwidth_report_json", "bandwidth_report_junit", "bandwidth_report_markdown",
                              "bandwidth_report_html"])
@pytest.mark.parametrize("metadata", ["title", ["title"], 42])
def test_report_filters_refuse_bad_metadata(function, metadata):
    assert "report metadata must be a mapping" in refused(function, [], metadata)


@pytest.mark.parametrize("kwargs, words", [
    ({"max_hosts": "many"}, "max_hosts must be a whole number"),
    ({"max_hosts": -1}, "max_hosts must be 0 or more"),
    ({"max_hosts": None}, "max_hosts must be a whole number"),
    ({"output": "xml"}, "unknown summary format 'xml'"),
])
def test_bandwidth_report_summary_refuses_bad_options(kwargs, words):
    assert words in refused(report.bandwidth_report_summary, [], **kwargs)


@pytest.mark.parametrize("reports, live, words", [
    (["not json"], None, "bandwidth report input #0 is not valid JSON"),
    (['{"a": 1}'], None, "bandwidth report input #0 is not a bandwidth report"),
    (['{"hosts": [{}]}'], None, "bandwidth report input #0: hosts[0] has no host name"),
    ([42], None, "bandwidth report input #0 is not a bandwidth report"),
    ([], "gw-ber-01", "live report entries must be a list"),
    ([], [{"record": None}], "every live report entry needs a 'host' name"),
])
def test_bandwidth_report_merge_refuses_bad_reports(reports, live, words):
    assert words in refused(report.bandwidth_report_merge, reports, live=live)


def test_an_unknown_verdict_in_a_record_is_never_reported_as_a_pass():
    entries = [{"host": "gw-ber-01", "record": {"verdict": "GREAT", "serial_number": "CNF7G9K001"}},
               {"host": "gw-ber-02", "record": "PASS"}]
    summary = report.bandwidth_report_summary(entries)
    assert (summary["passed"], summary["errors"], summary["all_passed"]) == (0, 2, False)
    assert summary["verdict"] == "ERROR"

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The five fleet report formats: each parses back, counts right, keeps every host and escapes hostile names."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from hypothesis import given, strategies as st

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report import _render as report
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import ReportInputError
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import report_fixtures as fx
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.assertions import assert_one_line
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.strategies import BOUNDED, JSON_SCALARS, JSON_VALUES

HOSTS = sorted(entry["host"] for entry in fx.mixed_fleet())
# host -> directions reported (measured, or asked for when not measured)
DIRECTIONS = {
    "gw-pass": ["upload"], "gw-stall": ["upload"], "gw-busy": ["upload"], "gw-offline": ["upload"],
    "gw-notrun": ["upload"], "gw-both": ["upload", "download"], "gw-udp": ["upload"],
    fx.HOSTILE_SCRIPT: ["upload"], fx.HOSTILE_QUOTES: ["upload", "download"], fx.HOSTILE_UNICODE: ["upload"],
}
FAILED_CASES = {("gw-stall", "upload"), ("gw-both", "download"), ("gw-udp", "upload"), (fx.HOSTILE_SCRIPT, "upload")}
ERROR_CASES = {("gw-busy", "upload"), ("gw-offline", "upload"), ("gw-notrun", "upload"), (fx.HOSTILE_UNICODE, "upload")}


def render(fmt, entries=None, metadata=None):
    return report.render(fmt, fx.mixed_fleet() if entries is None else entries, fx.RUN if metadata is None else metadata)


# --------------------------------------------------------------------------------------------------------- JSON

def test_json_lists_every_host_sorted_with_verdict_numbers_thresholds_and_test():
    doc = json.loads(render("json"))
    assert [host["host"] for host in doc["hosts"]] == HOSTS
    by_host = dict((host["host"], host) for host in doc["hosts"])
    assert by_host["gw-notrun"]["verdict"] == "ERROR" and by_host["gw-notrun"]["reason"] == "not_run"
    stall = by_host["gw-stall"]
    assert stall["verdict"] == "FAIL" and stall["group"] == "site-a"
    assert stall["measurements"]["upload"]["receiver_mbps"] == 7.67
    assert stall["measurements"]["upload"]["stalled_intervals"] == 7
    assert [item["mbps"] for item in stall["measurements"]["upload"]["intervals"]] == fx.SEED_INTERVALS
    assert stall["thresholds"]["min_receiver_mbps"] == 50
    assert stall["test"]["task_id"] == "8c9f1e2a-cnf7g9k002" and stall["test"]["protocol"] == "tcp"
    assert by_host["gw-udp"]["measurements"]["upload"]["loss_percent"] == 4.2


def test_json_has_summary_and_run_metadata():
    doc = json.loads(render("json"))
    assert doc["report"] == {"format": "aruba_central.troubleshooting.bandwidth_report", "version": 1}
    assert doc["summary"]["total"] == 10
    assert (doc["summary"]["passed"], doc["summary"]["failed"], doc["summary"]["errors"]) == (2, 4, 4)
    assert doc["summary"]["not_run"] == 1 and doc["summary"]["verdict"] == "FAIL"
    assert doc["run"]["generated_at"] == "2025-05-20T14:05:00Z"
    assert doc["run"]["awx_job_id"] == 4711 and doc["run"]["playbook"] == "validate_gateway_bandwidth.yml"


def test_json_keeps_hostile_names_exactly():
    doc = json.loads(render("json"))
    hosts = [host["host"] for host in doc["hosts"]]
    assert fx.HOSTILE_SCRIPT in hosts and fx.HOSTILE_QUOTES in hosts and fx.HOSTILE_UNICODE in hosts
    assert "東京-branch" in render("json")  # UTF-8 text, not \\u escapes


def test_json_is_deterministic_apart_from_generated_at():
    entries = fx.mixed_fleet()
    first = report.render_json(list(reversed(entries)), dict(fx.RUN))
    assert first == report.render_json(entries, dict(fx.RUN))
    later = report.render_json(entries, dict(fx.RUN, generated_at="2025-05-21T00:00:00Z"))
    assert first.replace("2025-05-20T14:05:00Z", "X") == later.replace("2025-05-21T00:00:00Z", "X")


def test_json_rerender_from_its_own_output_gives_the_same_report():
    text = render("json")
    again = report.render_json(report.entries_from_report(text, "run.json"), fx.RUN)
    assert again == text


def test_merge_later_report_wins_and_keeps_hosts_only_in_earlier_reports():
    first = report.render_json([{"host": "gw-a", "record": fx.busy("A")}, {"host": "gw-b", "record": fx.stalling("B")}], fx.RUN)
    second = report.render_json([{"host": "gw-a", "record": fx.passing("A", "gw-a")}], fx.RUN)
    merged = report.merge_entries([first, second], sources=["1.json", "2.json"])
    assert [(entry["host"], entry["record"]["verdict"]) for entry in merged] == [("gw-a", "PASS"), ("gw-b", "FAIL")]


def test_merge_live_host_without_verdict_does_not_hide_a_reported_one():
    first = report.render_json([{"host": "gw-a", "record": fx.stalling("A")}], fx.RUN)
    merged = report.merge_entries([first], live=[{"host": "gw-a", "record": None}, {"host": "gw-new", "record": None}])
    assert [(entry["host"], entry["record"]["verdict"], entry["record"]["reason"]) for entry in merged] == [
        ("gw-a", "FAIL", "threshold"), ("gw-new", "ERROR", "not_run")]
    merged = report.merge_entries([first], live={"gw-a": fx.passing("A", "gw-a")})
    assert merged[0]["record"]["verdict"] == "PASS"


@pytest.mark.parametrize("text, expected", [
    ("{not json", "slice-3.json is not valid JSON"),
    ('{"summary": {}}', "slice-3.json is not a bandwidth report (no 'hosts' list)"),
    ('{"hosts": [{"verdict": "PASS"}]}', "slice-3.json: hosts[0] has no host name"),
])
def test_merge_names_the_bad_input_file(text, expected):
    with pytest.raises(ReportInputError, match=re.escape(expected)) as caught:
        report.merge_entries(["{}".replace("{}", '{"hosts": []}'), text], sources=["ok.json", "slice-3.json"])
    assert "\n" not in str(caught.value)


# -------------------------------------------------------------------------------------------------------- JUnit

def junit_cases(text):
    root = ET.fromstring(text)
    suites = root.findall("testsuite")
    assert len(suites) == 1
    return root, suites[0], suites[0].findall("testcase")


def test_junit_has_one_testcase_per_gateway_and_direction_with_right_counts():
    root, suite, cases = junit_cases(render("junit"))
    expected = sorted("{0} {1}".format(host, direction) for host, names in DIRECTIONS.items() for direction in names)
    assert sorted(case.get("name") for case in cases) == expected
    failures = [case for case in cases if case.find("failure") is not None]
    errors = [case for case in cases if case.find("error") is not None]
    assert len(failures) == len(FAILED_CASES) and len(errors) == len(ERROR_CASES)
    for node in (root, suite):
        assert node.get("tests") == str(len(expected))
        assert node.get("failures") == str(len(FAILED_CASES))
        assert node.get("errors") == str(len(ERROR_CASES))
        assert node.get("skipped") == "0"
    assert not [case for case in cases if case.find("failure") is not None and case.find("error") is not None]


def test_junit_failure_lists_every_failed_check_of_its_direction():
    _root, _suite, cases = junit_cases(render("junit"))
    by_name = dict((case.get("name"), case) for case in cases)
    failure = by_name["gw-stall upload"].find("failure")
    assert failure.get("type") == "threshold"
    assert failure.get("message") == ("upload receiver 7.67 Mbit/s < 50 Mbit/s; "
                                      "upload stalled intervals 7 intervals > 2 intervals")
    assert by_name["gw-both upload"].find("failure") is None
    assert by_name["gw-both download"].find("failure").get("message") == "download receiver 30.4 Mbit/s < 50 Mbit/s"
    assert "4.2 % > 1 %" in by_name["gw-udp upload"].find("failure").get("message")


def test_junit_error_carries_error_type_and_message():
    _root, _suite, cases = junit_cases(render("junit"))
    by_name = dict((case.get("name"), case) for case in cases)
    busy = by_name["gw-busy upload"].find("error")
    assert busy.get("type") == "server_busy" and "stayed busy for 300 s" in busy.get("message")
    assert busy.text.count("server_busy:") == 1
    assert by_name["gw-offline upload"].find("error").get("type") == "device_offline"
    not_run = by_name["gw-notrun upload"].find("error")
    assert not_run.get("type") == "not_run" and "gw-notrun" in not_run.get("message")


def test_junit_classname_properties_and_time():
    _root, suite, cases = junit_cases(render("junit"))
    by_name = dict((case.get("name"), case) for case in cases)
    stall = by_name["gw-stall upload"]
    assert stall.get("classname") == "gateway_bandwidth.site-a"
    assert by_name["gw-both upload"].get("classname") == "gateway_bandwidth.site_c"  # a dot would nest a package
    props = dict((prop.get("name"), prop.get("value")) for prop in stall.find("properties"))
    assert props["serial_number"] == "CNF7G9K002" and props["task_id"] == "8c9f1e2a-cnf7g9k002"
    assert props["server_address"] == "198.51.100.10" and props["port"] == "5201"
    assert stall.get("time") == "57.548"  # end - start of the seed test
    assert by_name["gw-busy upload"].get("time") == "10.000"  # not measured: the requested duration
    suite_props = dict((prop.get("name"), prop.get("value")) for prop in suite.find("properties"))
    assert suite_props["awx_job_id"] == "4711" and suite.get("timestamp") == "2025-05-20T14:05:00"


def test_junit_escapes_hostile_names_and_survives_control_characters():
    entries = fx.mixed_fleet() + [{"host": "ctl\x00\x1bchar", "group": "x\x0b", "record": fx.busy("S\x07N")}]
    text = report.render_junit(entries, fx.RUN)
    _root, _suite, cases = junit_cases(text)  # parses: no raw control character left
    names = [case.get("name") for case in cases]
    assert fx.HOSTILE_SCRIPT + " upload" in names and fx.HOSTILE_QUOTES + " download" in names
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "ctl\ufffd\ufffdchar upload" in names


def test_junit_download_errors_when_reverse_was_asked_but_not_measured():
    record = fx.busy("CN1")
    record["test"]["include_reverse"] = True
    _root, suite, cases = junit_cases(report.render_junit({"gw": record}, fx.RUN))
    assert [case.get("name") for case in cases] == ["gw upload", "gw download"]
    assert suite.get("errors") == "2"


# ---------------------------------------------------------------------------------------------------------- CSV

def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_columns_are_stable():
    header = render("csv").splitlines()[0]
    assert header == ("host,group,serial_number,direction,verdict,reason,error_type,message,receiver_mbps,sender_mbps,"
                      "retransmits,stalled_intervals,jitter_ms,loss_percent,min_receiver_mbps,min_sender_mbps,"
                      "max_retransmits,max_stalled_intervals,max_loss_percent,max_jitter_ms,failed_checks,task_id,"
                      "server_address,port,protocol,duration_seconds,streams,start_time,end_time,warn_checks,baseline_mbps,"
                      "baseline_runs,change_percent,contract_mbps,contract_percent,retransmit_percent,attempts,history")
    assert tuple(header.split(",")) == report.COLUMNS


def test_csv_has_one_row_per_gateway_and_direction_with_numbers():
    rows = csv_rows(render("csv"))
    assert [(row["host"], row["direction"]) for row in rows] == [
        (host, direction) for host in HOSTS for direction in DIRECTIONS[host]]
    by_key = dict(((row["host"], row["direction"]), row) for row in rows)
    stall = by_key[("gw-stall", "upload")]
    assert (stall["verdict"], stall["receiver_mbps"], stall["sender_mbps"], stall["retransmits"]) == ("FAIL", "7.67", "9.58", "239")
    assert stall["min_receiver_mbps"] == "50" and stall["max_stalled_intervals"] == "2"
    assert "upload receiver 7.67 Mbit/s < 50 Mbit/s" in stall["failed_checks"]
    assert by_key[("gw-both", "upload")]["verdict"] == "PASS" and by_key[("gw-both", "upload")]["failed_checks"] == ""
    assert by_key[("gw-notrun", "upload")]["reason"] == "not_run" and by_key[("gw-notrun", "upload")]["receiver_mbps"] == ""
    assert by_key[("gw-udp", "upload")]["loss_percent"] == "4.2" and by_key[("gw-udp", "upload")]["jitter_ms"] == "6.4"


def test_csv_round_trips_hostile_names_and_defuses_formulas():
    rows = csv_rows(render("csv"))
    hosts = set(row["host"] for row in rows)
    assert {fx.HOSTILE_SCRIPT, fx.HOSTILE_QUOTES, fx.HOSTILE_UNICODE} <= hosts
    unicode_row = [row for row in rows if row["host"] == fx.HOSTILE_UNICODE][0]
    assert unicode_row["serial_number"] == "'=HYPERLINK(\"x\")"


def test_csv_direction_threshold_wins_over_the_general_one():
    record = fx.slow_download("CN9", "gw")
    record["checks"] = []
    record["thresholds"].update(min_receiver_mbps=50, min_download_receiver_mbps=25)
    rows = csv_rows(report.render_csv({"gw": record}))
    assert [(row["direction"], row["min_receiver_mbps"]) for row in rows] == [("upload", "50"), ("download", "25")]


# ----------------------------------------------------------------------------------------------------- Markdown

def table_lines(text):
    return [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| Gateway")]


def test_markdown_has_counts_and_a_row_per_gateway_and_direction():
    text = render("markdown")
    assert "**FAIL** - 10 gateways: 2 PASS, 4 FAIL, 4 ERROR (1 not run)" in text
    assert "- AWX job: 4711 (workflow job 4700), template Validate gateway bandwidth" in text
    assert len(table_lines(text)) == sum(len(names) for names in DIRECTIONS.values())


def test_markdown_escapes_pipes_newlines_and_html():
    entries = fx.mixed_fleet() + [{"host": "multi\nline|host", "group": "a|b", "record": fx.busy("X")}]
    text = report.render_markdown(entries, fx.RUN)
    for line in table_lines(text):
        assert len(re.findall(r"(?<!\\)\|", line)) == 10, line  # 9 cells: 10 unescaped pipes
    assert "multi line\\|host" in text and "a\\|b" in text
    assert "<script>" not in text and "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in text
    assert "o'brien \"hq\" &amp; co, zürich-gw" in text


# --------------------------------------------------------------------------------------------------------- HTML

class Tags(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text):
    parser = Tags()
    parser.feed(text)
    parser.close()
    return parser


def test_html_is_self_contained():
    page = parse_html(render("html"))
    tags = [tag for tag, _attrs in page.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    for _tag, attrs in page.tags:
        assert "src" not in attrs
        assert attrs.get("href", "#").startswith("#")
        assert not any(name.startswith("on") for name in attrs)
    text = render("html")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", text)
    assert "url(" not in text and "@import" not in text
    assert 'http-equiv="Content-Security-Policy"' in text


def test_html_escapes_every_hostile_value():
    text = render("html")
    assert "<script" not in text and "<img" not in text and "<b>site</b>" not in text
    page = parse_html(text)
    visible = "".join(page.text)
    assert fx.HOSTILE_SCRIPT in visible and "<img src=x onerror=alert(2)>" in visible and fx.HOSTILE_QUOTES in visible
    hosts = [attrs["data-host"] for tag, attrs in page.tags if tag == "tr" and "data-host" in attrs]
    assert hosts == HOSTS


def test_html_table_has_a_row_per_gateway_with_verdict_classes():
    page = parse_html(render("html"))
    rows = [attrs for tag, attrs in page.tags if tag == "tr" and "data-host" in attrs]
    verdicts = dict((attrs["data-host"], attrs["class"]) for attrs in rows)
    assert verdicts["gw-pass"] == "PASS" and verdicts["gw-stall"] == "FAIL" and verdicts["gw-notrun"] == "ERROR"
    cards = [attrs["data-host"] for tag, attrs in page.tags if tag == "article"]
    assert sorted(cards) == HOSTS
    assert cards[:4] == sorted(host for host, _direction in FAILED_CASES)  # problems first


def test_html_has_one_chart_per_measured_direction_with_threshold_and_stalls():
    text = render("html")
    measured = sum(1 for entry in fx.mixed_fleet() for name in ("upload", "download")
                   if entry["record"] and entry["record"]["measurements"][name])
    assert text.count("<svg") == measured == 8
    charts = re.findall(r"<svg.*?</svg>", text, re.S)
    stall_chart = [chart for chart in charts if "gw-stall upload" in chart][0]
    assert stall_chart.count('class="stall"') == 7 and stall_chart.count('class="bar"') == 3
    assert stall_chart.count('class="threshold"') == 1 and "min 50 Mbit/s" in stall_chart
    udp_chart = [chart for chart in charts if "gw-udp upload" in chart][0]
    assert 'class="threshold"' not in udp_chart  # UDP test without a bandwidth minimum
    assert 'class="axis-label"' in stall_chart and "Mbit/s</text>" in stall_chart and "time (s)" in stall_chart


def test_html_lists_failed_checks_and_errors_per_gateway():
    text = render("html")
    article = re.search(r'<article class="gateway FAIL" id="gw-\d+" data-host="gw-stall">.*?</article>', text, re.S).group(0)
    assert "<li>upload receiver 7.67 Mbit/s &lt; 50 Mbit/s</li>" in article
    assert "<li>upload stalled intervals 7 intervals &gt; 2 intervals</li>" in article
    busy = re.search(r'<article class="gateway ERROR" id="gw-\d+" data-host="gw-busy">.*?</article>', text, re.S).group(0)
    assert "server_busy: iperf server" in busy and "<svg" not in busy


def test_html_is_deterministic_and_renders_an_empty_fleet():
    assert render("html") == report.render_html(list(reversed(fx.mixed_fleet())), fx.RUN)
    empty = report.render_html([], fx.RUN)
    assert "No gateways in this run." in empty and 'class="overall EMPTY"' in empty and "<svg" not in empty


# ------------------------------------------------------------------------------------------------ entry points

def test_render_rejects_an_unknown_format():
    with pytest.raises(ReportInputError, match="unknown report format 'pdf'; use one of csv, html, json, junit, markdown"):
        report.render("pdf", [])


@pytest.mark.parametrize("fmt", sorted(report.RENDERERS))
def test_every_format_rejects_input_that_is_not_entries(fmt):
    with pytest.raises(ReportInputError, match="report input must be a list of host entries or a mapping"):
        report.render(fmt, "gw1,gw2")


def test_summary_caps_host_lists_and_counts_everything():
    summary = report.summary(fx.mixed_fleet(), max_hosts=1)
    assert summary["failed_hosts"] == [fx.HOSTILE_SCRIPT] and summary["error_hosts"] == ["gw-busy"]
    assert summary["hosts_truncated"] == 6 and summary["total"] == 10
    assert summary["errors_by_type"] == {"device_offline": 1, "not_run": 1, "server_busy": 2}


# ------------------------------------------------------------------------------------- any verdict records

VERDICT_RECORDS = st.fixed_dictionaries({
    "serial_number": st.none() | st.text(max_size=12),
    "verdict": st.sampled_from(["PASS", "FAIL", "ERROR", "pass", "GREAT", None]),
    "reason": st.none() | st.text(max_size=10),
    "message": st.none() | st.text(max_size=40),
    "checks": st.none() | st.lists(st.dictionaries(st.sampled_from(["name", "passed", "measured", "limit"]), JSON_SCALARS,
                                                   max_size=4), max_size=3),
    "measurements": st.none() | st.fixed_dictionaries({"upload": st.none() | st.dictionaries(
        st.sampled_from(["receiver_mbps", "sender_mbps", "intervals", "retransmits"]), JSON_VALUES, max_size=4)}),
}) | JSON_VALUES
HOST_NAMES = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P"]), min_size=1, max_size=12)


@BOUNDED
@given(st.dictionaries(HOST_NAMES, VERDICT_RECORDS, min_size=1, max_size=4),
       st.sampled_from(["json", "junit", "csv", "markdown", "html"]))
def test_any_verdict_records_render_every_host_and_never_a_false_pass(records, fmt):
    entries = [{"host": host, "record": record} for host, record in records.items()]
    try:
        text = report.render(fmt, entries, {"title": "fuzz", "generated_at": "2025-06-15T12:00:00Z"})
    except ReportInputError as exc:
        assert_one_line(str(exc))
        return
    assert isinstance(text, str) and text
    if fmt == "json":
        document = json.loads(text)
        by_host = {item["host"]: item for item in document["hosts"]}
        assert set(by_host) == set(records)
        for host, record in records.items():
            claimed = record.get("verdict") if isinstance(record, dict) else None
            if not (isinstance(claimed, str) and claimed.upper() == "PASS"):
                assert by_host[host]["verdict"] != "PASS", (host, record, by_host[host])
    elif fmt == "junit":
        ET.fromstring(text.encode("utf-8"))

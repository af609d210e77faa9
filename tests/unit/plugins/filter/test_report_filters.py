# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The report filters as a playbook calls them: names, documented signatures, results and one-line errors."""

import csv
import io
import json
import os
import xml.etree.ElementTree as ET

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.aruba_central.troubleshooting.plugins.filter import report
from ansible_collections.aruba_central.troubleshooting.plugins.filter.report import FilterModule
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.assertions import filter_error
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import report_fixtures as fx

FILTERS = FilterModule().filters()
DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins", "filter")
NAMES = ["bandwidth_report_csv", "bandwidth_report_html", "bandwidth_report_json", "bandwidth_report_junit",
         "bandwidth_report_markdown", "bandwidth_report_merge", "bandwidth_report_summary"]


def test_the_report_filters_are_exported():
    assert sorted(FILTERS) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_filter_has_documentation_beside_it(name):
    with open(os.path.join(DOCS, name + ".yml"), encoding="utf-8") as handle:
        doc = yaml.safe_load(handle)
    assert doc["DOCUMENTATION"]["name"] == name
    assert "_input" in doc["DOCUMENTATION"]["options"] and doc["RETURN"]["_value"]["type"]
    assert "aruba_central.troubleshooting." + name in doc["EXAMPLES"]
    documented = set(doc["DOCUMENTATION"]["options"]) - {"_input"}
    code = FILTERS[name].__wrapped__.__code__
    assert documented == set(code.co_varnames[1:code.co_argcount])


def test_each_format_filter_renders_parseable_text():
    entries, run = fx.mixed_fleet(), fx.RUN
    doc = json.loads(FILTERS["bandwidth_report_json"](entries, run))
    assert len(doc["hosts"]) == 10 and doc["run"]["awx_job_id"] == 4711
    assert ET.fromstring(FILTERS["bandwidth_report_junit"](entries, run)).get("tests") == "12"
    assert len(list(csv.DictReader(io.StringIO(FILTERS["bandwidth_report_csv"](entries))))) == 12
    assert FILTERS["bandwidth_report_markdown"](entries, run).startswith("# Gateway bandwidth report\n")
    assert FILTERS["bandwidth_report_html"](entries, run).startswith("<!DOCTYPE html>")


def test_filters_accept_a_host_to_verdict_mapping_without_metadata():
    doc = json.loads(FILTERS["bandwidth_report_json"]({"gw2": fx.stalling("S2"), "gw1": None}))
    assert [(host["host"], host["verdict"]) for host in doc["hosts"]] == [("gw1", "ERROR"), ("gw2", "FAIL")]
    assert doc["run"]["generated_at"].endswith("Z")


def test_summary_filter_dict_and_lines():
    summary = FILTERS["bandwidth_report_summary"](fx.demo_fleet(), "1")
    assert (summary["total"], summary["passed"], summary["failed"], summary["errors"]) == (12, 7, 2, 3)
    assert summary["failed_hosts"] == ["lyo-br-gw02"] and summary["hosts_truncated"] == 3
    lines = FILTERS["bandwidth_report_summary"](fx.demo_fleet(), output="lines")
    assert lines[0].startswith("FAIL: 12 gateways") and len(lines) <= 8


@pytest.mark.parametrize("call, message", [
    (lambda: FILTERS["bandwidth_report_summary"]([], "many"), "bandwidth_report_summary: max_hosts must be a whole number, got 'many'"),
    (lambda: FILTERS["bandwidth_report_summary"]([], -1), "bandwidth_report_summary: max_hosts must be 0 or more, got -1"),
    (lambda: FILTERS["bandwidth_report_summary"]([], output="table"), "bandwidth_report_summary: unknown summary format 'table'"),
    (lambda: FILTERS["bandwidth_report_html"](42), "bandwidth_report_html: report input must be a list of host entries"),
    (lambda: FILTERS["bandwidth_report_json"]([], "run 1"), "bandwidth_report_json: report metadata must be a mapping"),
    (lambda: FILTERS["bandwidth_report_merge"](["{}"], sources=["a.json"]), "bandwidth_report_merge: a.json is not a bandwidth report"),
])
def test_filter_errors_are_one_line_and_name_the_filter(call, message):
    with pytest.raises(AnsibleFilterError) as caught:
        call()
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_merge_filter_reads_report_texts_and_live_entries():
    first = FILTERS["bandwidth_report_json"]([{"host": "gw-a", "group": "HQ", "record": fx.busy("A")}], fx.RUN)
    merged = FILTERS["bandwidth_report_merge"]([first], [{"host": "gw-a", "record": fx.passing("A", "gw-a")},
                                                         {"host": "gw-b", "record": None}], sources=["slice1.json"])
    assert [(entry["host"], entry["record"]["verdict"]) for entry in merged] == [("gw-a", "PASS"), ("gw-b", "ERROR")]
    again = json.loads(FILTERS["bandwidth_report_json"](merged, {"sources": ["slice1.json"]}))
    assert again["run"]["sources"] == ["slice1.json"] and again["summary"]["total"] == 2


# ---------------------------------------------------------------- bad input: one line naming the filter

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
    assert words in filter_error(function, entries)


@pytest.mark.parametrize("function", [report.bandwidth_report_json, report.bandwidth_report_junit,
                                      report.bandwidth_report_markdown, report.bandwidth_report_html],
                         ids=["bandwidth_report_json", "bandwidth_report_junit", "bandwidth_report_markdown",
                              "bandwidth_report_html"])
@pytest.mark.parametrize("metadata", ["title", ["title"], 42])
def test_report_filters_refuse_bad_metadata(function, metadata):
    assert "report metadata must be a mapping" in filter_error(function, [], metadata)


@pytest.mark.parametrize("kwargs, words", [
    ({"max_hosts": "many"}, "max_hosts must be a whole number"),
    ({"max_hosts": -1}, "max_hosts must be 0 or more"),
    ({"max_hosts": None}, "max_hosts must be a whole number"),
    ({"output": "xml"}, "unknown summary format 'xml'"),
])
def test_bandwidth_report_summary_refuses_bad_options(kwargs, words):
    assert words in filter_error(report.bandwidth_report_summary, [], **kwargs)


@pytest.mark.parametrize("reports, live, words", [
    (["not json"], None, "bandwidth report input #0 is not valid JSON"),
    (['{"a": 1}'], None, "bandwidth report input #0 is not a bandwidth report"),
    (['{"hosts": [{}]}'], None, "bandwidth report input #0: hosts[0] has no host name"),
    ([42], None, "bandwidth report input #0 is not a bandwidth report"),
    ([], "gw-ber-01", "live report entries must be a list"),
    ([], [{"record": None}], "every live report entry needs a 'host' name"),
])
def test_bandwidth_report_merge_refuses_bad_reports(reports, live, words):
    assert words in filter_error(report.bandwidth_report_merge, reports, live=live)


def test_an_unknown_verdict_in_a_record_is_never_reported_as_a_pass():
    entries = [{"host": "gw-ber-01", "record": {"verdict": "GREAT", "serial_number": "CNF7G9K001"}},
               {"host": "gw-ber-02", "record": "PASS"}]
    summary = report.bandwidth_report_summary(entries)
    assert (summary["passed"], summary["errors"], summary["all_passed"]) == (0, 2, False)
    assert summary["verdict"] == "ERROR"

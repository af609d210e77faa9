# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""The JUnit XML fleet report: one ``testsuite`` per run, one ``testcase`` per gateway and direction.

A missed threshold is a ``failure`` (its message lists every failed check of that direction: "upload receiver
7.67 Mbit/s < 50 Mbit/s"); a gateway that could not be measured (busy server, offline, timeout, not run...) is an
``error`` whose ``type`` is the machine-readable error type. ``classname`` is ``gateway_bandwidth.<site or group>``
and ``name`` is ``<host> <direction>``, so CI tools group gateways by site and keep stable test names across runs.

JUnit has no warning state: a ``WARN`` direction is a passed test case whose properties give the gateway's ``verdict``
and list the WARN-level checks missed (``warn_checks``), and whose ``system-out`` starts with them. Baseline, change,
contract, earlier attempts and notes are properties of the test case and lines of its ``system-out``.
"""

import xml.etree.ElementTree as ET
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import (
    attempts_text,
    baseline_of,
    baseline_text,
    contract_of,
    direction_rows,
    error_label,
    error_text,
    fmt_number,
    normalize_entries,
    normalize_metadata,
    one_line,
    wall_seconds,
)

SUITE_NAME = "gateway_bandwidth"
_RUN_PROPERTIES = ("run_id", "generated_at", "awx_job_id", "awx_workflow_job_id", "awx_job_template_name", "playbook")
_CASE_PROPERTIES = ("serial_number", "task_id", "server_address", "port", "protocol", "duration_seconds", "streams",
                    "start_time", "end_time")


def _seconds(value: float) -> str:
    return "{0:.3f}".format(value)


def _properties(parent: ET.Element, pairs: Iterable[Tuple[str, Any]]) -> None:
    pairs = [(name, value) for name, value in pairs if value not in (None, "")]
    if pairs:
        node = ET.SubElement(parent, "properties")
        for name, value in pairs:
            ET.SubElement(node, "property", name=name, value=one_line(value))


def classname(entry: Dict[str, Any]) -> str:
    """``gateway_bandwidth.<site or group>``; dots in the group become ``_`` so they do not nest packages."""
    group = (entry["group"] or "ungrouped").replace(".", "_")
    return "{0}.{1}".format(SUITE_NAME, group)


def _measurement_text(measurement: Optional[Dict[str, Any]]) -> str:
    if not measurement:
        return "not measured"
    parts = ["receiver {0} Mbit/s".format(fmt_number(measurement.get("receiver_mbps"))),
             "sender {0} Mbit/s".format(fmt_number(measurement.get("sender_mbps")))]
    for key, label in (("retransmits", "retransmits"), ("stalled_intervals", "stalled intervals"),
                       ("jitter_ms", "jitter ms"), ("loss_percent", "loss %")):
        if measurement.get(key) is not None:
            parts.append("{0} {1}".format(label, fmt_number(measurement.get(key))))
    return ", ".join(parts)


def _testcase(suite: ET.Element, row: Dict[str, Any]) -> ET.Element:
    record = row["record"]
    test = record["test"]
    case = ET.SubElement(suite, "testcase", classname=classname(row), name="{0} {1}".format(row["host"], row["direction"]),
                         time=_seconds(wall_seconds(record)))
    pairs = [("serial_number", record.get("serial_number"))]
    pairs += [(key, test.get(key)) for key in _CASE_PROPERTIES[1:]]
    pairs += [("verdict", record["verdict"]), ("reason", record.get("reason"))]
    pairs += _trend_properties(row)
    _properties(case, pairs)
    if row["verdict"] == "FAIL":
        node = ET.SubElement(case, "failure", type="threshold", message="; ".join(row["failure_messages"]))
        node.text = "\n".join(row["failure_messages"])
    elif row["verdict"] == "ERROR":
        node = ET.SubElement(case, "error", type=error_label(record), message=record["message"] or error_label(record))
        node.text = error_text(record)
    out = ET.SubElement(case, "system-out")
    lines = ["WARN: {0}".format(message) for message in row["warn_messages"]]
    lines.append("{0}: {1}".format(row["direction"], _measurement_text(row["measurement"])))
    lines += [text for text in (baseline_text(record, row["direction"]), attempts_text(record)) if text]
    lines += [note for note in record["notes"] if note.startswith(row["direction"] + ":")]
    out.text = "\n".join(lines)
    return case


def _trend_properties(row: Dict[str, Any]) -> List[Tuple[str, Any]]:
    """Baseline, change, contract, WARN checks and attempts of a row, as (name, value) pairs."""
    record, direction = row["record"], row["direction"]
    baseline = baseline_of(record, direction) or {}
    contract = contract_of(record, direction) or {}
    return [("warn_checks", "; ".join(row["warn_messages"])),
            ("baseline_mbps", baseline.get("median_mbps")), ("baseline_runs", baseline.get("runs")),
            ("change_percent", baseline.get("change_percent")),
            ("contract_mbps", contract.get("mbps")), ("contract_percent", contract.get("receiver_percent")),
            ("attempts", attempts_text(record))]


def render_junit(entries: Any, metadata: Optional[Mapping[str, Any]] = None) -> str:
    """The JUnit XML report text (UTF-8 declaration, indented, newline at the end)."""
    entries = normalize_entries(entries)
    run = normalize_metadata(metadata)
    rows = [row for entry in entries for row in direction_rows(entry)]
    failures = sum(1 for row in rows if row["verdict"] == "FAIL")
    errors = sum(1 for row in rows if row["verdict"] == "ERROR")
    total_time = sum(wall_seconds(entry["record"]) for entry in entries)
    counts = {"tests": str(len(rows)), "failures": str(failures), "errors": str(errors), "skipped": "0",
              "time": _seconds(total_time)}
    root = ET.Element("testsuites", dict(counts, name=SUITE_NAME))
    suite_name = SUITE_NAME if not run["run_id"] else "{0} {1}".format(SUITE_NAME, one_line(run["run_id"]))
    suite = ET.SubElement(root, "testsuite", dict(counts, name=suite_name,
                                                  timestamp=one_line(run["generated_at"]).rstrip("Z")))
    _properties(suite, [(key, run.get(key)) for key in _RUN_PROPERTIES])
    for row in rows:
        _testcase(suite, row)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

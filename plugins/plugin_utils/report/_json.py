# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""The JSON fleet report, and reading earlier JSON reports back for a re-render (merged by host, later wins)."""

import json
from collections.abc import Mapping
from typing import Any, Dict, List

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import (
    ReportInputError,
    normalize_entries,
    normalize_metadata,
    one_line,
    summarise,
)

REPORT_FORMAT = "aruba_central.troubleshooting.bandwidth_report"
REPORT_VERSION = 1


def report_document(entries: Any, metadata: Any = None) -> Dict[str, Any]:
    """The JSON report as a dict: format marker, run metadata, summary and every host with its full record."""
    entries = normalize_entries(entries)
    hosts: List[Dict[str, Any]] = []
    for entry in entries:
        host = dict(entry["record"])
        host["host"] = entry["host"]
        host["group"] = entry["group"]
        hosts.append(host)
    return {
        "report": {"format": REPORT_FORMAT, "version": REPORT_VERSION},
        "run": normalize_metadata(metadata),
        "summary": summarise(entries, max_hosts=len(entries)),
        "hosts": hosts,
    }


def render_json(entries: Any, metadata: Any = None) -> str:
    """The JSON report text (sorted keys, two-space indent, UTF-8 text, newline at the end)."""
    return json.dumps(report_document(entries, metadata), indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def entries_from_report(report: Any, source: Any = "report") -> List[Dict[str, Any]]:
    """The host entries of one earlier JSON report (text or parsed), ready to be rendered again."""
    name = one_line(source)
    if isinstance(report, (bytes, bytearray)):
        report = report.decode("utf-8", "replace")
    if isinstance(report, str):
        try:
            report = json.loads(report)
        except ValueError as exc:
            raise ReportInputError("{0} is not valid JSON ({1}); pass bandwidth_report.json files written by the role "
                                   "aruba_central.troubleshooting.bandwidth_report".format(name, one_line(exc)))
    hosts = report.get("hosts") if isinstance(report, Mapping) else None
    if not isinstance(hosts, list):
        raise ReportInputError("{0} is not a bandwidth report (no 'hosts' list); pass bandwidth_report.json files written "
                               "by the role aruba_central.troubleshooting.bandwidth_report".format(name))
    entries: List[Dict[str, Any]] = []
    for index, host in enumerate(hosts):
        if not isinstance(host, Mapping) or not one_line(host.get("host")):
            raise ReportInputError("{0}: hosts[{1}] has no host name; the file is damaged, write it again with the role "
                                   "aruba_central.troubleshooting.bandwidth_report".format(name, index))
        record = dict((key, value) for key, value in host.items() if key not in ("host", "group"))
        entries.append({"host": one_line(host["host"]), "group": host.get("group"), "record": record})
    return entries


def merge_entries(reports: Any = None, live: Any = None, sources: Any = None) -> List[Dict[str, Any]]:
    """Entries from earlier reports merged by host (a later report wins), then the live entries on top.

    A live entry replaces a reported one only when it carries a record, so re-rendering with hosts that have no
    verdict in this run does not hide what an earlier run measured for them.
    """
    reports = reports or []
    if not isinstance(reports, (list, tuple)):
        reports = [reports]
    sources = list(sources or [])
    merged: Dict[str, Dict[str, Any]] = {}
    for index, report in enumerate(reports):
        source = sources[index] if index < len(sources) else "bandwidth report input #{0}".format(index)
        for entry in entries_from_report(report, source):
            merged[entry["host"]] = entry
    for entry in normalize_live(live):
        if entry["host"] not in merged or entry.get("record") not in (None, {}, ""):
            merged[entry["host"]] = entry
    return normalize_entries(list(merged.values()))


def normalize_live(live: Any) -> List[Dict[str, Any]]:
    """Live entries as a list of mappings (the same shapes :func:`normalize_entries` accepts)."""
    if live is None:
        return []
    if isinstance(live, Mapping):
        return [{"host": host, "record": record} for host, record in live.items()]
    if not isinstance(live, (list, tuple)):
        raise ReportInputError("live report entries must be a list or a mapping of host name to verdict record, got {0}"
                               .format(type(live).__name__))
    result: List[Dict[str, Any]] = []
    for entry in live:
        if isinstance(entry, str):
            entry = {"host": entry}
        if not isinstance(entry, Mapping) or not one_line(entry.get("host")):
            raise ReportInputError("every live report entry needs a 'host' name; got {0!r}".format(one_line(entry)[:60]))
        result.append({"host": one_line(entry["host"]), "group": entry.get("group"), "record": entry.get("record")})
    return result

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""A few lines of fleet summary for the job output (AWX keeps job output small: never the whole report)."""

from typing import Any, Dict, List

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import (
    error_label,
    verdict_counts,
)

MAX_SITES = 10
MAX_LINE = 300


def _cap(line: str) -> str:
    return line if len(line) <= MAX_LINE else line[:MAX_LINE - 3] + "..."


def _hosts(names: List[str], more: int) -> str:
    text = ", ".join(names)
    return text + (" (+{0} more)".format(more) if more else "")


def summary_lines(entries: List[Dict[str, Any]], summary: Dict[str, Any]) -> List[str]:
    """Short lines: the verdict and counts, a per-site table (at most :data:`MAX_SITES` rows), failed and errored hosts.

    ``entries`` are normalized entries (host and site names are already one line) and ``summary`` their
    ``summarise`` result, with capped host lists.
    """
    head = "{0}: {1} gateways - {2}".format(summary["verdict"], summary["total"], verdict_counts(summary))
    if summary["not_run"]:
        head += " ({0} not run)".format(summary["not_run"])
    lines = [head]
    groups = list(summary["groups"].items())
    if len(groups) > 1 or (groups and groups[0][0] != "-"):
        width = min(24, max(len("site"), *(len(name) for name, _counts in groups[:MAX_SITES])))
        verdicts = ("PASS", "WARN", "FAIL", "ERROR") if summary["warned"] else ("PASS", "FAIL", "ERROR")
        lines.append("  {0:<{1}}  {2}".format("site", width, "  ".join(verdicts)))
        for name, counts in groups[:MAX_SITES]:
            lines.append("  {0:<{1}}  {2}".format(name[:width], width, "  ".join(
                "{0:>{1}}".format(counts[verdict], max(4, len(verdict))) for verdict in verdicts)))
        if len(groups) > MAX_SITES:
            lines.append("  ... and {0} more sites".format(len(groups) - MAX_SITES))
    by_host = dict((entry["host"], entry) for entry in entries)
    failed = summary["failed"] - len(summary["failed_hosts"])
    errored = summary["errors"] - len(summary["error_hosts"])
    if summary["failed_hosts"]:
        lines.append(_cap("FAIL: " + _hosts(summary["failed_hosts"], failed)))
    if summary["warn_hosts"]:
        warned = summary["warned"] - len(summary["warn_hosts"])
        lines.append(_cap("WARN: " + _hosts(summary["warn_hosts"], warned)))
    if summary["error_hosts"]:
        named = ["{0} ({1})".format(host, error_label(by_host[host]["record"])) if host in by_host else host
                 for host in summary["error_hosts"]]
        lines.append(_cap("ERROR: " + _hosts(named, errored)))
    return lines

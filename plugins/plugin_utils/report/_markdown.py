# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""The Markdown fleet report: summary counts, run metadata and one table row per gateway and direction.

When a gateway of the run has history, the table gets two columns after Stalled: the baseline (the median of the
gateway's last runs) and today's change against it. The details name the WARN-level checks missed, the earlier
attempts of the run and the notes.

Every value from the API or the inventory goes through :func:`md_escape`: one line, ``|`` and Markdown
punctuation backslash-escaped, ``<``, ``>`` and ``&`` as HTML entities (renderers pass raw HTML through).
"""

import re
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import (
    attempts_text,
    baseline_of,
    direction_rows,
    error_text,
    fmt_change,
    fmt_compact,
    fmt_number,
    group_label,
    normalize_entries,
    normalize_metadata,
    one_line,
    summarise,
    verdict_counts,
)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_VERDICT_MARK = {"PASS": "PASS", "WARN": "*WARN*", "FAIL": "**FAIL**", "ERROR": "**ERROR**"}


def md_escape(value: Any) -> str:
    """``value`` as inert Markdown text on one line, safe inside a table cell."""
    text = one_line(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _details(row: Dict[str, Any]) -> str:
    record = row["record"]
    parts: List[str] = []
    if row["verdict"] == "FAIL":
        parts += row["failure_messages"]
    elif row["verdict"] == "ERROR":
        parts.append(error_text(record))
    parts += ["WARN: " + message for message in row["warn_messages"]]
    parts += [text for text in [attempts_text(record)] if text]
    parts += [note for note in record["notes"] if note.startswith(row["direction"] + ":")]
    return "; ".join(parts)


def _baseline_cells(row: Dict[str, Any]) -> List[str]:
    """The Baseline and Change cells of a row: ``96`` and ``-58.2%``, ``-`` without a baseline."""
    block = baseline_of(row["record"], row["direction"]) or {}
    if block.get("median_mbps") is None:
        return ["-", "-"]
    return [fmt_compact(block.get("median_mbps")), fmt_change(block.get("change_percent"))]


def _run_lines(run: Dict[str, Any]) -> List[str]:
    lines = ["- Generated: {0}".format(md_escape(run["generated_at"]))]
    if run["awx_job_id"] is not None:
        job = "- AWX job: {0}".format(md_escape(run["awx_job_id"]))
        if run["awx_workflow_job_id"] is not None:
            job += " (workflow job {0})".format(md_escape(run["awx_workflow_job_id"]))
        if run["awx_job_template_name"] is not None:
            job += ", template {0}".format(md_escape(run["awx_job_template_name"]))
        lines.append(job)
    if run["run_id"] is not None and str(run["run_id"]) != str(run["awx_job_id"]):
        lines.append("- Run: {0}".format(md_escape(run["run_id"])))
    if run["playbook"] is not None:
        lines.append("- Playbook: {0}".format(md_escape(run["playbook"])))
    if run["sources"]:
        lines.append("- Merged from: {0}".format(", ".join(md_escape(source) for source in run["sources"])))
    return lines


def render_markdown(entries: Any, metadata: Optional[Mapping[str, Any]] = None) -> str:
    """The Markdown report text."""
    entries = normalize_entries(entries)
    run = normalize_metadata(metadata)
    summary = summarise(entries, max_hosts=len(entries))
    lines = ["# {0}".format(md_escape(run["title"])), ""]
    counts = "{0} gateways: {1}".format(summary["total"], verdict_counts(summary))
    if summary["not_run"]:
        counts += " ({0} not run)".format(summary["not_run"])
    lines += ["**{0}** - {1}".format(summary["verdict"], counts), ""]
    lines += _run_lines(run) + [""]
    trend = any(entry["record"]["baseline"] for entry in entries)
    lines.append("| Gateway | Site | Direction | Verdict | Receiver Mbit/s | Sender Mbit/s | Retransmits | Stalled | "
                 + ("Baseline Mbit/s | Change | " if trend else "") + "Details |")
    lines.append("|---|---|---|---|---:|---:|---:|---:|" + ("---:|---:|" if trend else "") + "---|")
    for entry in entries:
        for row in direction_rows(entry):
            measurement = row["measurement"] or {}
            cells = [md_escape(row["host"]), md_escape(group_label(entry)), row["direction"], _VERDICT_MARK[row["verdict"]],
                     fmt_number(measurement.get("receiver_mbps")), fmt_number(measurement.get("sender_mbps")),
                     fmt_number(measurement.get("retransmits")), fmt_number(measurement.get("stalled_intervals"))]
            cells += (_baseline_cells(row) if trend else []) + [md_escape(_details(row))]
            lines.append("| " + " | ".join(cells) + " |")
    if not entries:
        lines.append("| - | - | - | - | - | - | - | - | no gateways in this run |")
    return "\n".join(lines) + "\n"

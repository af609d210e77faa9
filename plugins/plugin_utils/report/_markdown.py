# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""The Markdown fleet report: summary counts, run metadata and one table row per gateway and direction.

Every value from the API or the inventory goes through :func:`md_escape`: one line, ``|`` and Markdown
punctuation backslash-escaped, ``<``, ``>`` and ``&`` as HTML entities (renderers pass raw HTML through).
"""

import re

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import (
    direction_rows,
    error_text,
    fmt_number,
    group_label,
    normalize_entries,
    normalize_metadata,
    one_line,
    summarise,
)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_VERDICT_MARK = {"PASS": "PASS", "FAIL": "**FAIL**", "ERROR": "**ERROR**"}


def md_escape(value):
    """``value`` as inert Markdown text on one line, safe inside a table cell."""
    text = one_line(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _details(row):
    record = row["record"]
    if row["verdict"] == "FAIL":
        return "; ".join(row["failure_messages"])
    if row["verdict"] == "ERROR":
        return error_text(record)
    return ""


def _run_lines(run):
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


def render_markdown(entries, metadata=None):
    """The Markdown report text."""
    entries = normalize_entries(entries)
    run = normalize_metadata(metadata)
    summary = summarise(entries, max_hosts=len(entries))
    lines = ["# {0}".format(md_escape(run["title"])), ""]
    counts = "{0} gateways: {1} PASS, {2} FAIL, {3} ERROR".format(
        summary["total"], summary["passed"], summary["failed"], summary["errors"])
    if summary["not_run"]:
        counts += " ({0} not run)".format(summary["not_run"])
    lines += ["**{0}** - {1}".format(summary["verdict"], counts), ""]
    lines += _run_lines(run) + [""]
    lines.append("| Gateway | Site | Direction | Verdict | Receiver Mbit/s | Sender Mbit/s | Retransmits | Stalled | Details |")
    lines.append("|---|---|---|---|---:|---:|---:|---:|---|")
    for entry in entries:
        for row in direction_rows(entry):
            measurement = row["measurement"] or {}
            cells = [md_escape(row["host"]), md_escape(group_label(entry)), row["direction"], _VERDICT_MARK[row["verdict"]],
                     fmt_number(measurement.get("receiver_mbps")), fmt_number(measurement.get("sender_mbps")),
                     fmt_number(measurement.get("retransmits")), fmt_number(measurement.get("stalled_intervals")),
                     md_escape(_details(row))]
            lines.append("| " + " | ".join(cells) + " |")
    if not entries:
        lines.append("| - | - | - | - | - | - | - | - | no gateways in this run |")
    return "\n".join(lines) + "\n"

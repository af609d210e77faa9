# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Fleet report rendering: the one entry point for the report formats.

Each renderer is a pure function ``(entries, metadata) -> text``; ``entries`` are the gateways of a run (a mapping
of host name to ``gateway_bandwidth_verdict`` record, or a list of ``{host, group, record}``), ``metadata`` the run
(``generated_at``, ``awx_job_id``, ``playbook``...). The same input always renders the same text, apart from
``generated_at`` when the caller leaves it out.
"""

from typing import Any, Dict, List, Mapping, Optional, Union

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._csv import COLUMNS, render_csv
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._html import render_html
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._json import (
    entries_from_report,
    merge_entries,
    render_json,
    report_document,
)
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._junit import render_junit
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._markdown import render_markdown
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import (
    ReportInputError,
    normalize_entries,
    summarise,
)
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._text import summary_lines

RENDERERS = {
    "json": render_json,
    "junit": render_junit,
    "csv": render_csv,
    "markdown": render_markdown,
    "html": render_html,
}
# File extension of each format, as the role writes them (bandwidth_report.<extension>).
EXTENSIONS = {"json": "json", "junit": "xml", "csv": "csv", "markdown": "md", "html": "html"}


def render(fmt: str, entries: Any, metadata: Optional[Mapping[str, Any]] = None) -> str:
    """The report text in format ``fmt`` (one of :data:`RENDERERS`)."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ReportInputError("unknown report format {0!r}; use one of {1}".format(fmt, ", ".join(sorted(RENDERERS))))
    return renderer(entries, metadata)


def summary(entries: Any, max_hosts: int = 20, fmt: str = "dict") -> Union[Dict[str, Any], List[str]]:
    """The compact fleet summary of ``entries``.

    ``fmt="dict"``: counts, per-site counts and capped failed and error host lists; ``fmt="lines"``: a few lines of
    text for the job output.
    """
    if fmt not in ("dict", "lines"):
        raise ReportInputError("unknown summary format {0!r}; use 'dict' or 'lines'".format(fmt))
    entries = normalize_entries(entries)
    result = summarise(entries, max_hosts=max_hosts)
    return result if fmt == "dict" else summary_lines(entries, result)


__all__ = ["COLUMNS", "EXTENSIONS", "RENDERERS", "ReportInputError", "entries_from_report", "merge_entries",
           "normalize_entries", "render", "render_csv", "render_html", "render_json", "render_junit",
           "render_markdown", "report_document", "summary"]

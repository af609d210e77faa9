# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""History rows (as the lookup ``bandwidth_history`` returns them) as CSV, and as a few lines for the job output."""

import csv
import io
from typing import Any, Dict, List, Tuple

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._history import COLUMNS
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._csv import _cell
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import (
    ReportInputError,
    fmt_compact,
    number,
    one_line,
)

MAX_RUNS_SHOWN = 8
MAX_LINE = 300


def _rows(rows: Any) -> List[Dict[str, Any]]:
    if rows is None:
        return []
    if not isinstance(rows, (list, tuple)) or not all(isinstance(row, dict) for row in rows):
        raise ReportInputError("history rows must be a list of mappings as the lookup "
                               "aruba_central.troubleshooting.bandwidth_history returns them, got {0}"
                               .format(type(rows).__name__))
    return list(rows)


def history_csv(rows: Any) -> str:
    """The rows as CSV text: a header of the store's columns, one line per gateway, direction and run."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL, extrasaction="ignore")
    writer.writeheader()
    for row in _rows(rows):
        writer.writerow(dict((key, _cell(row.get(key))) for key in COLUMNS))
    return buffer.getvalue()


def _run_text(row: Dict[str, Any]) -> str:
    mbps = number(row.get("receiver_bits_per_second"))
    figure = "-" if mbps is None else fmt_compact(mbps / 1e6)
    return "{0} {1} {2}".format(one_line(row.get("measured_at"))[:10] or "?", figure, one_line(row.get("verdict")))


def history_lines(rows: Any) -> List[str]:
    """One line per gateway and direction: the receiver Mbit/s and verdict of its last runs, oldest first."""
    groups: Dict[Tuple[str, str], List[Dict[str, Any]]] = {}
    for row in _rows(rows):
        key = (one_line(row.get("host")), one_line(row.get("direction")))
        groups.setdefault(key, []).append(row)
    if not groups:
        return ["no history for these gateways: nothing was recorded yet, or the names do not match"]
    lines: List[str] = []
    for (host, direction), items in sorted(groups.items()):
        items.sort(key=lambda row: one_line(row.get("measured_at")))
        shown = items[-MAX_RUNS_SHOWN:]
        site = one_line(items[-1].get("site"))
        head = "{0} {1}{2} ({3} run{4}{5}), receiver Mbit/s: ".format(
            host, direction, " [{0}]".format(site) if site else "", len(items), "" if len(items) == 1 else "s",
            ", last {0}".format(len(shown)) if len(shown) < len(items) else "")
        line = head + " | ".join(_run_text(row) for row in shown)
        lines.append(line if len(line) <= MAX_LINE else line[:MAX_LINE - 3] + "...")
    return lines

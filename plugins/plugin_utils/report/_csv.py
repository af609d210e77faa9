# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""The CSV fleet report: one row per gateway and direction, with a fixed column order.

Numbers are written as numbers (empty when not measured); ``min_receiver_mbps`` and ``min_sender_mbps`` are the
limits that applied to the row's direction (a direction's own threshold wins over the general one). Text that a spreadsheet would take for a formula
(starting with ``=``, ``+``, ``-``, ``@``) is prefixed with ``'`` so that opening the file never runs anything.

The columns after ``end_time`` are about bandwidth over time, empty where the run had no history or contract:
``warn_checks`` (the WARN-level checks missed), ``baseline_mbps``, ``baseline_runs`` and ``change_percent`` (today
against the median of the gateway's last runs), ``contract_mbps`` and ``contract_percent``, ``retransmit_percent``,
``attempts`` (how many attempts the gateway had in this run) and ``history`` (the earlier attempts and the notes, in
words).
"""

import csv
import io
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import (
    THRESHOLD_KEYS,
    attempts_text,
    baseline_of,
    contract_of,
    direction_rows,
    normalize_entries,
    number,
    one_line,
    threshold_limit,
)

MEASUREMENT_COLUMNS = ("receiver_mbps", "sender_mbps", "retransmits", "stalled_intervals", "jitter_ms", "loss_percent")
TEST_COLUMNS = ("task_id", "server_address", "port", "protocol", "duration_seconds", "streams", "start_time", "end_time")
TREND_COLUMNS = ("warn_checks", "baseline_mbps", "baseline_runs", "change_percent", "contract_mbps", "contract_percent",
                 "retransmit_percent", "attempts", "history")
COLUMNS = (("host", "group", "serial_number", "direction", "verdict", "reason", "error_type", "message")
           + MEASUREMENT_COLUMNS + THRESHOLD_KEYS + ("failed_checks",) + TEST_COLUMNS + TREND_COLUMNS)
_FORMULA_START = ("=", "+", "-", "@")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        num = number(value)
        if num is None:
            return ""
        return str(int(num)) if num == int(num) and abs(num) < 1e15 else repr(num)
    text = one_line(value)
    if text.startswith(_FORMULA_START) and number(text) is None:
        return "'" + text
    return text


def csv_rows(entries: Any) -> List[Dict[str, str]]:
    """The report rows as dicts keyed by :data:`COLUMNS`, in host then direction order."""
    rows: List[Dict[str, str]] = []
    for entry in normalize_entries(entries):
        for row in direction_rows(entry):
            record = row["record"]
            measurement = row["measurement"] or {}
            values = {
                "host": row["host"], "group": row["group"], "serial_number": record.get("serial_number"),
                "direction": row["direction"], "verdict": row["verdict"], "reason": record.get("reason"),
                "error_type": record.get("error_type"),
                "message": record["message"],
                "failed_checks": "; ".join(row["failure_messages"]) if row["verdict"] == "FAIL" else "",
            }
            values.update((key, measurement.get(key)) for key in MEASUREMENT_COLUMNS)
            values.update((key, record["thresholds"].get(key)) for key in THRESHOLD_KEYS)
            values["min_receiver_mbps"] = threshold_limit(record, row["direction"], "receiver_mbps")
            values["min_sender_mbps"] = threshold_limit(record, row["direction"], "sender_mbps")
            values.update((key, record["test"].get(key)) for key in TEST_COLUMNS)
            values.update(trend_values(row))
            rows.append(dict((key, _cell(values.get(key))) for key in COLUMNS))
    return rows


def trend_values(row: Dict[str, Any]) -> Dict[str, Any]:
    """The bandwidth-over-time cells of one direction row."""
    record, direction = row["record"], row["direction"]
    baseline = baseline_of(record, direction) or {}
    contract = contract_of(record, direction) or {}
    history = [text for text in [attempts_text(record)] + record["notes"] if text]
    return {
        "warn_checks": "; ".join(row["warn_messages"]),
        "baseline_mbps": baseline.get("median_mbps"), "baseline_runs": baseline.get("runs"),
        "change_percent": baseline.get("change_percent"),
        "contract_mbps": contract.get("mbps"), "contract_percent": contract.get("receiver_percent"),
        "retransmit_percent": (row["measurement"] or {}).get("retransmit_percent"),
        "attempts": 1 + len(record["attempts"]),
        "history": "; ".join(history),
    }


def render_csv(entries: Any, metadata: Optional[Mapping[str, Any]] = None) -> str:
    """The CSV report text: a header row, then one row per gateway and direction (``\\r\\n`` line ends, RFC 4180)."""
    del metadata  # the CSV carries no run metadata: one table, easy to load
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(csv_rows(entries))
    return buffer.getvalue()

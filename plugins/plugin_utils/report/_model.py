# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""The fleet report model: host entries, normalized verdict records, per-direction rows and the summary.

Every renderer starts from :func:`normalize_entries`, which turns what the caller has (a mapping of host name to
``gateway_bandwidth_verdict`` record, or a list of ``{host, group, record}`` entries) into plain, sorted, complete
entries. A host without a record becomes ``ERROR`` / ``not_run``, a host with something that is not a verdict record
becomes ``ERROR`` / ``invalid_record``: no host is ever dropped from a report.
"""

import datetime
import math
import re
import time
from collections.abc import Mapping
from typing import Any, Callable, Dict, List, Optional

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._rfc3339 import format_rfc3339, parse_rfc3339
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._text import one_line as text_one_line

VERDICTS = ("PASS", "WARN", "FAIL", "ERROR")
DIRECTIONS = ("upload", "download")
THRESHOLD_KEYS = ("min_receiver_mbps", "min_sender_mbps", "max_retransmits", "max_stalled_intervals",
                  "max_loss_percent", "max_jitter_ms")
NOT_RUN = "not_run"
INVALID_RECORD = "invalid_record"
ROLE_HINT = "run the role aruba_central.troubleshooting.gateway_bandwidth for it"

# XML 1.0 forbids most C0 control characters; HTML and CSV readers choke on them too.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


class ReportInputError(ValueError):
    """Input that cannot be turned into a report; the message is one line and says what to do."""


def clean_text(value: Any) -> Optional[str]:
    """Text for a report: ``None`` stays ``None``, anything else becomes ``str`` without control characters."""
    if value is None:
        return None
    return _CONTROL_CHARS.sub("\ufffd", str(value))


def one_line(value: Any) -> str:
    """Text on one line (newlines and tabs become spaces), for messages, table cells and attributes; "" for None."""
    text = clean_text(value)
    return "" if text is None else text_one_line(text)


def plain(value: Any) -> Any:
    """A deep copy made of JSON types only (dict, list, str, int, float, bool, None); NaN and infinities become None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return dict((clean_text(key), plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return clean_text(value)


def number(value: Any) -> Optional[float]:
    """``value`` as a finite float, or ``None`` when it is not a number (bools are not numbers here)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def fmt_number(value: Any, digits: int = 2, empty: str = "-") -> str:
    """A number formatted for people (``7.67``, ``239``); ``empty`` when there is no number."""
    num = number(value)
    if num is None:
        return empty
    if num == int(num) and abs(num) < 1e15 and digits >= 0 and not isinstance(value, float):
        return str(int(num))
    return "{0:.{1}f}".format(num, digits)


def fmt_compact(value: Any, empty: str = "-") -> str:
    """A number with at most two decimals and no trailing zeros (``50``, ``7.5``), for limits and axis labels."""
    num = number(value)
    if num is None:
        return empty
    text = "{0:.2f}".format(num).rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _not_run_record(host: str) -> Dict[str, Any]:
    return {
        "verdict": "ERROR",
        "reason": NOT_RUN,
        "error_type": None,
        "message": "no bandwidth verdict was recorded for {0}: the test did not run or the play stopped before it; "
                   "check the job output for this gateway and {1}".format(one_line(host), ROLE_HINT),
    }


def _invalid_record(host: str, why: str) -> Dict[str, Any]:
    return {
        "verdict": "ERROR",
        "reason": INVALID_RECORD,
        "error_type": None,
        "message": "gateway_bandwidth_verdict of {0} is not a verdict record ({1}); {2}".format(one_line(host), why, ROLE_HINT),
    }


def _dict_or_empty(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def normalize_record(record: Any, host: str) -> Dict[str, Any]:
    """A complete, plain verdict record for ``host`` from whatever was stored (``None`` means not run)."""
    if record is None or (isinstance(record, Mapping) and not record) or record == "":
        record = _not_run_record(host)
    elif not isinstance(record, Mapping):
        record = _invalid_record(host, "got {0}".format(type(record).__name__))
    else:
        verdict = str(record.get("verdict") or "").strip().upper()
        if verdict not in VERDICTS:
            record = dict(_invalid_record(host, "verdict is {0!r}, expected PASS, WARN, FAIL or ERROR".format(
                one_line(record.get("verdict"))[:40])), serial_number=record.get("serial_number"))
        else:
            record = dict(record, verdict=verdict)
    result = plain(record)
    result.setdefault("serial_number", None)
    result.setdefault("reason", None)
    result.setdefault("error_type", None)
    result["message"] = one_line(result.get("message"))
    checks = result.get("checks")
    result["checks"] = [check for check in checks if isinstance(check, dict)] if isinstance(checks, list) else []
    result["thresholds"] = _dict_or_empty(result.get("thresholds"))
    result["test"] = _dict_or_empty(result.get("test"))
    measurements = _dict_or_empty(result.get("measurements"))
    for direction in DIRECTIONS:
        block = measurements.get(direction)
        if isinstance(block, dict):
            intervals = block.get("intervals")
            block["intervals"] = [item for item in intervals if isinstance(item, dict)] if isinstance(intervals, list) else []
        else:
            measurements[direction] = None
    result["measurements"] = measurements
    _normalize_trend(result, host)
    return result


def _normalize_trend(result: Dict[str, Any], host: str) -> None:
    """The optional parts of bandwidth over time: attempts, notes, baseline and contract, in plain shapes.

    ``attempts`` are the earlier attempts of the same gateway in the run (oldest first), each a full verdict record.
    """
    attempts = result.get("attempts")
    result["attempts"] = [normalize_record(dict(item, attempts=None), host) for item in attempts
                          if isinstance(item, dict)] if isinstance(attempts, list) else []
    notes = result.get("notes")
    result["notes"] = [one_line(note) for note in notes if note not in (None, "")] if isinstance(notes, list) else []
    for key in ("baseline", "contract"):
        block = result.get(key)
        result[key] = dict((name, block.get(name) if isinstance(block.get(name), dict) else None) for name in DIRECTIONS) \
            if isinstance(block, dict) else None


def _entry_list(entries: Any) -> List[Any]:
    if entries is None:
        return []
    if isinstance(entries, Mapping):
        return [{"host": host, "record": record} for host, record in entries.items()]
    if isinstance(entries, (list, tuple)):
        return list(entries)
    raise ReportInputError("report input must be a list of host entries or a mapping of host name to verdict record, "
                           "got {0}; pass the hosts collected by the role aruba_central.troubleshooting.bandwidth_report"
                           .format(type(entries).__name__))


def normalize_entries(entries: Any) -> List[Dict[str, Any]]:
    """Plain entries ``{host, group, record}`` sorted by host name; a host listed twice keeps its last entry.

    ``entries`` is a mapping ``{host: record or None}`` or a list of mappings with ``host`` and optional ``record``
    and ``group`` (site or inventory group, used to group gateways in the reports).
    """
    by_host: Dict[str, Dict[str, Any]] = {}
    for index, entry in enumerate(_entry_list(entries)):
        if isinstance(entry, str):
            entry = {"host": entry}
        if not isinstance(entry, Mapping):
            raise ReportInputError("report entry #{0} is a {1}, not a mapping with a 'host' key; "
                                   "pass entries like {{'host': 'gw1', 'record': ...}}".format(index, type(entry).__name__))
        host = one_line(entry.get("host"))
        if not host:
            raise ReportInputError("report entry #{0} has no host name; every entry needs 'host' "
                                   "(the inventory name of the gateway)".format(index))
        group = one_line(entry.get("group")) or None
        by_host[host] = {"host": host, "group": group, "record": normalize_record(entry.get("record"), host)}
    return [by_host[host] for host in sorted(by_host)]


def failed_checks(record: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The FAIL-level checks of ``record`` that did not pass, in record order."""
    return [check for check in record["checks"] if check.get("passed") is False and check.get("level") != "warn"]


def warn_checks(record: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The WARN-level checks of ``record`` that were missed (measured, below the WARN level), in record order.

    A WARN check whose FAIL-level partner (``warn_drop_percent`` and ``max_drop_percent`` ...) also missed in the same
    direction is left out: the FAIL says it already.
    """
    failed = set((check.get("name"), check.get("direction")) for check in failed_checks(record))
    return [check for check in record["checks"]
            if check.get("passed") is False and check.get("level") == "warn" and not check.get("missing")
            and not any((str(check.get("name")).replace("warn_", prefix, 1), check.get("direction")) in failed
                        for prefix in ("max_", "min_"))]


def attempts_text(record: Dict[str, Any]) -> str:
    """"ERROR server_busy, then PASS on the retest" for a record with earlier attempts; "" without."""
    if not record.get("attempts"):
        return ""
    labels = [_verdict_label(item) for item in record["attempts"] + [record]]
    return "{0}, then {1} on the retest".format(", then ".join(labels[:-1]), labels[-1])


def _verdict_label(record: Dict[str, Any]) -> str:
    reason = record.get("error_type") or record.get("reason")
    if record["verdict"] in ("PASS", "WARN", "FAIL") or not reason:
        return record["verdict"]
    return "{0} {1}".format(record["verdict"], one_line(reason))


def baseline_of(record: Dict[str, Any], direction: str) -> Optional[Dict[str, Any]]:
    """The baseline block of a direction (median_mbps, runs, change_percent ...), or None."""
    return (record.get("baseline") or {}).get(direction)


def contract_of(record: Dict[str, Any], direction: str) -> Optional[Dict[str, Any]]:
    """The contract block of a direction (mbps, receiver_percent), or None."""
    return (record.get("contract") or {}).get(direction)


def baseline_text(record: Dict[str, Any], direction: str) -> str:
    """"baseline 96 Mbit/s (median of 5 runs), -58.2%", "no baseline yet (1 of 3 runs)", or "" without history."""
    block = baseline_of(record, direction)
    if not block:
        return ""
    if block.get("median_mbps") is None:
        return "no baseline yet ({0} of {1} runs)".format(
            fmt_number(block.get("runs"), 0), fmt_number(block.get("required_runs"), 0))
    text = "baseline {0} Mbit/s (median of {1} runs)".format(
        fmt_compact(block.get("median_mbps")), fmt_number(block.get("runs"), 0))
    if number(block.get("change_percent")) is not None:
        text += ", {0}".format(fmt_change(block.get("change_percent")))
    return text


def fmt_change(value: Any) -> str:
    """A change in percent with its sign: ``-58.2%``, ``+3.1%``, ``0%``."""
    num = number(value)
    if num is None:
        return "-"
    text = fmt_compact(round(num, 1))
    return text + "%" if num <= 0 or text.startswith("-") else "+" + text + "%"


def check_message(check: Dict[str, Any]) -> str:
    """One line describing a failed check, from its own message or from its numbers."""
    message = one_line(check.get("message"))
    if message:
        return message
    parts = [one_line(check.get(key)) for key in ("direction", "metric", "name") if check.get(key) not in (None, "")]
    label = " ".join(parts[:2]) or "check"
    return "{0} {1} (limit {2} {3})".format(
        label, fmt_number(check.get("measured")), one_line(check.get("operator")), fmt_number(check.get("limit")))


def directions(record: Dict[str, Any]) -> List[str]:
    """The directions a record is reported under, in a stable order.

    Measured directions, plus directions named by failed checks; with neither, the directions that were asked for
    (upload, and download when the test included the reverse direction), so a gateway keeps the same test names
    in CI whether it passed or could not be measured.
    """
    measured = [name for name in DIRECTIONS if record["measurements"].get(name)]
    named = [check.get("direction") for check in failed_checks(record)]
    found = [name for name in DIRECTIONS if name in measured or name in named]
    if found:
        return found
    if record["test"].get("include_reverse") is True:
        return list(DIRECTIONS)
    return ["upload"]


def direction_rows(entry: Dict[str, Any]) -> List[Dict[str, Any]]:
    """One row per reported direction of an entry: verdict, measurement and the failed checks of that direction.

    Failed checks without a known direction (user checks over the whole result) go to the first row; a ``FAIL``
    record without any failed check puts its message on the first row.
    """
    record = entry["record"]
    names = directions(record)
    failed, warned = failed_checks(record), warn_checks(record)
    rows: List[Dict[str, Any]] = []
    for position, name in enumerate(names):
        own = [check for check in failed if check.get("direction") == name
               or (position == 0 and check.get("direction") not in names)]
        own_warn = [check for check in warned if check.get("direction") == name
                    or (position == 0 and check.get("direction") not in names)]
        verdict = _row_verdict(record["verdict"], own, own_warn, position == 0 and not failed,
                               position == 0 and not warned)
        messages = [check_message(check) for check in own]
        if verdict == "FAIL" and not messages:
            messages = [record["message"] or "threshold missed"]
        warn_messages = [check_message(check) for check in own_warn]
        if verdict == "WARN" and not warn_messages:
            warn_messages = [record["message"] or "WARN level missed"]
        rows.append({
            "host": entry["host"],
            "group": entry["group"],
            "direction": name,
            "verdict": verdict,
            "measurement": record["measurements"].get(name),
            "failed_checks": own,
            "failure_messages": messages,
            "warn_checks": own_warn,
            "warn_messages": warn_messages,
            "record": record,
        })
    return rows


def _row_verdict(verdict: str, own_failed: List[Dict[str, Any]], own_warned: List[Dict[str, Any]], first_without_failed: bool,
                 first_without_warned: bool) -> str:
    """The verdict of one direction row of a record with ``verdict``."""
    if verdict == "ERROR":
        return "ERROR"
    if verdict == "FAIL" and (own_failed or first_without_failed):
        return "FAIL"
    if verdict in ("FAIL", "WARN") and (own_warned or (verdict == "WARN" and first_without_warned)):
        return "WARN"
    return "PASS"


def threshold_limit(record: Dict[str, Any], direction: str, metric: str = "receiver_mbps") -> Optional[float]:
    """The minimum for ``metric`` (``receiver_mbps`` or ``sender_mbps``) in ``direction``, or ``None``.

    Taken from the evaluated check of that direction, else from the direction's own threshold
    (``min_upload_receiver_mbps``), else from the general one (``min_receiver_mbps``).
    """
    for check in record["checks"]:
        if check.get("metric") == metric and check.get("direction") == direction and check.get("level") != "warn":
            limit = number(check.get("limit"))
            if limit is not None:
                return limit
    role = metric[:-len("_mbps")]
    for key in ("min_{0}_{1}_mbps".format(direction, role), "min_{0}_mbps".format(role)):
        limit = number(record["thresholds"].get(key))
        if limit is not None:
            return limit
    return None


def group_label(entry: Dict[str, Any]) -> str:
    """The site or group shown for an entry (``-`` when unknown)."""
    return entry["group"] or "-"


def error_label(record: Dict[str, Any]) -> str:
    """The machine-readable reason of an ERROR record (error_type, else reason, else ``error``)."""
    return one_line(record.get("error_type") or record.get("reason") or "error")


def error_text(record: Dict[str, Any]) -> str:
    """``<error type>: <message>`` for an ERROR record, without repeating a type the message already starts with."""
    label = error_label(record)
    message = record["message"]
    if not message:
        return label
    if message.startswith(label + ":"):
        return message
    return "{0}: {1}".format(label, message)


def summarise(entries: List[Dict[str, Any]], max_hosts: int = 20) -> Dict[str, Any]:
    """Counts per verdict and capped lists of failed, errored and warned gateways, for job output and ``set_stats``.

    ``verdict`` is the worst of the fleet (FAIL, then ERROR, then WARN, then PASS; EMPTY without gateways);
    ``all_passed`` is true when no gateway is FAIL or ERROR (WARN passes the gate unless the role is told otherwise).
    ``hosts_truncated`` counts the failed and errored gateways left out of the capped lists.
    """
    max_hosts = max(0, int(max_hosts))
    counts = dict((verdict, 0) for verdict in VERDICTS)
    failed: List[str]
    errored: List[str]
    warned: List[str]
    errors_by_type: Dict[str, int]
    groups: Dict[str, Dict[str, int]]
    failed, errored, warned, errors_by_type, groups = [], [], [], {}, {}
    for entry in entries:
        record = entry["record"]
        counts[record["verdict"]] += 1
        group = groups.setdefault(group_label(entry), dict((verdict, 0) for verdict in VERDICTS))
        group[record["verdict"]] += 1
        if record["verdict"] == "FAIL":
            failed.append(entry["host"])
        elif record["verdict"] == "WARN":
            warned.append(entry["host"])
        elif record["verdict"] == "ERROR":
            errored.append(entry["host"])
            label = error_label(record)
            errors_by_type[label] = errors_by_type.get(label, 0) + 1
    total = len(entries)
    if not total:
        overall = "EMPTY"
    elif counts["FAIL"]:
        overall = "FAIL"
    elif counts["ERROR"]:
        overall = "ERROR"
    elif counts["WARN"]:
        overall = "WARN"
    else:
        overall = "PASS"
    return {
        "verdict": overall,
        "all_passed": bool(total) and counts["PASS"] + counts["WARN"] == total,
        "total": total,
        "passed": counts["PASS"],
        "warned": counts["WARN"],
        "failed": counts["FAIL"],
        "errors": counts["ERROR"],
        "not_run": sum(1 for entry in entries if entry["record"].get("reason") == NOT_RUN),
        "errors_by_type": dict(sorted(errors_by_type.items())),
        "groups": dict(sorted(groups.items())),
        "failed_hosts": failed[:max_hosts],
        "error_hosts": errored[:max_hosts],
        "warn_hosts": warned[:max_hosts],
        "hosts_truncated": max(0, len(failed) - max_hosts) + max(0, len(errored) - max_hosts),
    }


def verdict_counts(summary: Dict[str, Any]) -> str:
    """"7 PASS, 2 FAIL, 3 ERROR", with "1 WARN" after PASS when a gateway is WARN."""
    parts = ["{0} PASS".format(summary["passed"])]
    if summary["warned"]:
        parts.append("{0} WARN".format(summary["warned"]))
    parts += ["{0} FAIL".format(summary["failed"]), "{0} ERROR".format(summary["errors"])]
    return ", ".join(parts)


RUN_KEYS = ("title", "generated_at", "run_id", "awx_job_id", "awx_workflow_job_id", "awx_job_template_name",
            "playbook", "sources")


def utc_now() -> str:
    """The current UTC time as an ISO 8601 string with a ``Z`` suffix, to the second."""
    return format_rfc3339(time.time())


def normalize_metadata(metadata: Any, now: Callable[[], str] = utc_now) -> Dict[str, Any]:
    """Run metadata with every known key present; ``generated_at`` is filled from ``now()`` when not given."""
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, Mapping):
        raise ReportInputError("report metadata must be a mapping (generated_at, awx_job_id, playbook, ...), got {0}"
                               .format(type(metadata).__name__))
    result = plain(metadata)
    for key in RUN_KEYS:
        value = result.get(key)
        result[key] = None if value in ("", None) else value
    if result["sources"] is not None and not isinstance(result["sources"], list):
        result["sources"] = [result["sources"]]
    if result["generated_at"] is None:
        result["generated_at"] = now()
    if result["title"] is None:
        result["title"] = "Gateway bandwidth report"
    return result


def parse_time(value: Any) -> Optional[datetime.datetime]:
    """An aware UTC datetime from an RFC 3339 stamp (nanoseconds allowed, ``Z`` or offset), else ``None``.

    Unlike Central's times, a stamp in a report input may lack its zone; it is read as UTC.
    """
    if not isinstance(value, str):
        return None
    epoch = parse_rfc3339(value)
    if epoch is None and value.strip()[-1:].isdigit():
        epoch = parse_rfc3339(value.strip() + "Z")
    return None if epoch is None else datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)


def fmt_time(value: Any) -> Any:
    """An ISO 8601 stamp as ``YYYY-MM-DD HH:MM:SS UTC``; text that is not a stamp comes back unchanged."""
    stamp = parse_time(value)
    return stamp.strftime("%Y-%m-%d %H:%M:%S UTC") if stamp else value


def wall_seconds(record: Dict[str, Any]) -> float:
    """Wall time of the test in seconds (end - start), else its requested duration, else 0."""
    start = parse_time(record["test"].get("start_time"))
    end = parse_time(record["test"].get("end_time"))
    if start and end and end >= start:
        return (end - start).total_seconds()
    return number(record["test"].get("duration_seconds")) or 0.0

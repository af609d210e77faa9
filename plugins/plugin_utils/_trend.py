# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Bandwidth over time, pure: the baseline of a gateway from its history, the drop against it, the contracted rate.

The threshold evaluator (``_thresholds.evaluate``) calls these; nothing here reads a file or the clock.

* Baseline: per direction, the median receiver rate of the last ``runs`` measured runs of the same protocol and
  stream count (a test with four streams is not compared with one with one). With fewer than ``min_runs`` such runs
  there is no baseline: the gateway is judged on the absolute thresholds only, and a note says so.
* Change: ``(today - baseline) / baseline`` in percent, negative for a drop. The drop checks compare ``-change``.
* Contract: the contracted rate of a direction in Mbit/s; the contract checks compare the receiver rate with a
  percentage of it.
* Retransmit ratio: retransmits per segment sent, in percent. Segments are estimated as the sender's bytes divided
  by its MSS (every segment full), so the ratio is an upper bound; it is only computed where iperf3 printed the
  sender's MSS and is marked ``derived`` in the measurement.
"""

import math
import statistics
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

DIRECTIONS = ("upload", "download")
POINT_KEYS = ("time", "run_id", "receiver_mbps", "verdict")


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if math.isfinite(value) else None


def _mapping(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def rounded(value: Optional[float], digits: int = 2) -> Optional[float]:
    """``value`` rounded for a record (None stays None)."""
    return None if value is None else round(value, digits)


# ---------------------------------------------------------------------------------------------------------------
# Retransmits per segment


def retransmit_figures(block: Any) -> Tuple[Optional[float], Optional[int], Optional[float]]:
    """``(sender_bytes, segments_sent, retransmit_percent)`` of one direction block of a ``gateway_iperf`` result.

    Segments and the percentage are None unless the block has the sender's bytes, retransmits and MSS.
    """
    sender = _mapping(_mapping(block).get("sender"))
    sent = _number(sender.get("bytes"))
    retransmits = _number(sender.get("retransmits"))
    mss = _number(_mapping(block).get("sender_mss_bytes"))
    if sent is None or not mss or mss <= 0 or sent <= 0:
        return sent, None, None
    segments = int(math.ceil(sent / float(mss)))
    if retransmits is None:
        return sent, segments, None
    return sent, segments, round(100.0 * retransmits / segments, 4)


def ratio_missing_reason(direction: str, result: Dict[str, Any], numbers: Dict[str, Any]) -> str:
    """Why the retransmit ratio of a measured direction could not be computed, as one true clause."""
    if direction == "download":
        return "iperf3 prints only the gateway's MSS and the iperf server sends the download"
    if numbers.get("retransmits") is None:
        return "the result has no retransmit count"
    if _number(_mapping(_mapping(result.get(direction)).get("sender")).get("bytes")) is None:
        return "the result has no byte count of the sender"
    return "iperf3's text has no TCP MSS line (the gateway prints it in verbose output) to count the segments sent"


# ---------------------------------------------------------------------------------------------------------------
# History points and the baseline


def _point(item: Any) -> Optional[Dict[str, Any]]:
    """One history point in the record's vocabulary, or None when it has no receiver rate."""
    item = _mapping(item)
    bps = _number(item.get("receiver_bits_per_second"))
    if bps is None:
        mbps = _number(item.get("receiver_mbps"))
        bps = mbps * 1e6 if mbps is not None else None
    if bps is None or str(item.get("verdict") or "").upper() == "ERROR":
        return None
    return {"time": item.get("time") if isinstance(item.get("time"), str) else None,
            "run_id": item.get("run_id") if isinstance(item.get("run_id"), (str, int)) else None,
            "receiver_mbps": round(bps / 1e6, 4),
            "verdict": item.get("verdict") if isinstance(item.get("verdict"), str) else None,
            "protocol": item.get("protocol") if isinstance(item.get("protocol"), str) else None,
            "streams": _number(item.get("streams"))}


def comparable_points(points: Any, protocol: Optional[str] = None, streams: Optional[float] = None) -> List[Dict[str, Any]]:
    """The measured points of one direction that compare with a test of ``protocol`` and ``streams``, oldest first.

    A point that does not name its protocol or streams is taken as comparable. ERROR points are left out.
    """
    result: List[Dict[str, Any]] = []
    for item in points if isinstance(points, list) else []:
        point = _point(item)
        if point is None:
            continue
        if protocol and point["protocol"] and point["protocol"].lower() != protocol:
            continue
        if streams is not None and point["streams"] is not None and point["streams"] != streams:
            continue
        result.append(point)
    result.sort(key=lambda point: point["time"] or "")
    return result


def baseline_summary(points: Any, current_mbps: Optional[float], runs: int, min_runs: int, protocol: Optional[str] = None,
                     streams: Optional[float] = None) -> Dict[str, Any]:
    """The baseline of one direction: median of the last ``runs`` comparable points, and today's change against it.

    Returns ``{median_mbps, runs, window, required_runs, enough_history, change_percent, points}``; ``median_mbps``
    and ``change_percent`` are None without enough history (or, for the change, without today's figure).
    """
    comparable = comparable_points(points, protocol, streams)
    window = comparable[-runs:] if runs else []
    enough = len(window) >= min_runs and bool(window)
    middle = statistics.median([point["receiver_mbps"] for point in window]) if enough else None
    change = None
    if middle and current_mbps is not None:
        change = round(100.0 * (current_mbps - middle) / middle, 2)
    return {
        "median_mbps": rounded(middle, 4),
        "runs": len(window),
        "window": runs,
        "required_runs": min_runs,
        "enough_history": enough,
        "change_percent": change,
        "points": [dict((key, point[key]) for key in POINT_KEYS) for point in comparable],
    }


def history_note(direction: str, summary: Dict[str, Any]) -> Optional[str]:
    """The note of a direction judged without a baseline, or None when it had one."""
    if summary["enough_history"]:
        return None
    have = summary["runs"]
    return ("%s: no baseline yet (%d earlier measured run%s of this kind in the history, %d needed): judged on the "
            "absolute thresholds only" % (direction, have, "" if have == 1 else "s", summary["required_runs"]))


def _fmt(value: float, digits: int = 1) -> str:
    text = ("%%.%df" % digits) % value
    return text.rstrip("0").rstrip(".") if "." in text else text


def drop_check(name: str, level: str, direction: str, summary: Dict[str, Any], current_mbps: float, limit: float,
               format_mbps: Callable[[float], str]) -> Dict[str, Any]:
    """One drop check (``max_drop_percent`` or ``warn_drop_percent``) against a baseline that exists."""
    middle = summary["median_mbps"]
    drop = round(-summary["change_percent"], 2)
    passed = drop <= limit
    where = "%s receiver %s Mbit/s" % (direction, format_mbps(current_mbps))
    base = "baseline %s Mbit/s (median of the last %d runs)" % (format_mbps(middle), summary["runs"])
    if drop > 0:
        what = "%s is %s%% below its %s" % (where, _fmt(drop), base)
    else:
        what = "%s is %s%% above its %s" % (where, _fmt(-drop), base)
    if passed:
        bound = "limit"
    else:
        bound = "more than the limit" if level == "fail" else "more than the WARN level"
    message = "%s; %s %s%%" % (what, bound, _fmt(limit, 2))
    return {"name": name, "level": level, "direction": direction, "metric": "drop_percent", "measured": drop,
            "limit": limit, "operator": "<=", "passed": passed, "missing": False, "baseline_mbps": middle,
            "message": message}


# ---------------------------------------------------------------------------------------------------------------
# The contract


def contract_rates(contract: Any,
                   parse: Callable[[Any, str], Optional[float]]) -> Tuple[Dict[str, Optional[float]], Set[str]]:
    """``({upload: Mbit/s or None, download: ...}, directions named on their own)`` from ``contract``.

    ``contract`` is None, one number (both directions), or a mapping with ``mbps`` (both directions),
    ``upload_mbps`` and ``download_mbps`` (one direction each, winning over ``mbps``); ``parse(value, key)``
    validates one value. A direction named on its own must be measured, like a direction's own threshold.
    """
    if contract is None or (isinstance(contract, str) and not contract.strip()):
        return {"upload": None, "download": None}, set()
    if not isinstance(contract, dict):
        contract = {"mbps": contract}
    both = parse(contract.get("mbps"), "mbps")
    rates: Dict[str, Optional[float]]
    own: Set[str]
    rates, own = {}, set()
    for direction in DIRECTIONS:
        rate = parse(contract.get(direction + "_mbps"), direction + "_mbps")
        if rate is not None:
            own.add(direction)
        rates[direction] = rate if rate is not None else both
    return rates, own


def contract_block(rates: Dict[str, Optional[float]], measurements: Dict[str, Any]) -> Dict[str, Optional[Dict[str, Any]]]:
    """The ``contract`` block of a record: per direction ``{mbps, receiver_percent}`` or None without a rate."""
    block: Dict[str, Optional[Dict[str, Any]]] = {}
    for direction in DIRECTIONS:
        rate = rates.get(direction)
        if rate is None:
            block[direction] = None
            continue
        measured = _mapping(measurements.get(direction)).get("receiver_mbps")
        percent = round(100.0 * measured / rate, 2) if measured is not None else None
        block[direction] = {"mbps": rate, "receiver_percent": percent}
    return block


def contract_limit(rate: float, percent: float) -> float:
    """The receiver rate in Mbit/s that ``percent`` of a contracted ``rate`` asks for."""
    return round(rate * percent / 100.0, 6)

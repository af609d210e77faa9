# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Turn a Central iperf task answer into the ``gateway_iperf`` result (DESIGN §4).

Every figure is taken where it is best: from ``rawOutput`` (iperf3's text, parsed) when the text carries it, else
from Central's ``output`` strings, figure by figure, and each direction block records where each figure came from in
``sources`` (``raw_output``, ``output`` or ``derived``). An iperf 3.0.x UDP text has one combined summary line per
stream (the sender's transfer with the receiver's loss): the receiver's figures then come from Central's
``receiverBandwidth`` when present, else are derived from the datagrams sent and lost, and marked ``derived``.

What a finished answer means (success, ``no_measurement``, ``server_busy`` ...) is decided by
``_troubleshooting_api.finished_outcome``; a wait that ended before the test did is a ``timeout``.
"""

from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._parser import parse_iperf
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._units import (
    to_bits_per_second,
    to_bytes,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._troubleshooting import (
    FINISHED,
    RUNNING,
    UNREADABLE,
    fail_reason,
    finished_outcome,
    task_state,
    task_status,
)

RAW, OUTPUT, DERIVED = "raw_output", "output", "derived"
# figure of a direction block -> the key of Central's ``output`` that carries it as a string
_OUTPUT_KEYS = {
    ("sender", "bits_per_second"): ("senderBandwidth", to_bits_per_second),
    ("sender", "bytes"): ("totalTransferredBytesFromSender", to_bytes),
    ("receiver", "bits_per_second"): ("receiverBandwidth", to_bits_per_second),
    ("receiver", "bytes"): ("totalTransferredBytesFromReceiver", to_bytes),
}
_FIGURES = {"sender": ("bits_per_second", "bytes", "retransmits"), "receiver": ("bits_per_second", "bytes")}


def _safe(converter: Callable[[Any], Union[int, float]], value: Any) -> Optional[Union[int, float]]:
    if value is None:
        return None
    try:
        return converter(value)
    except (TypeError, ValueError):
        return None


def _interval_bounds(text: Any) -> Tuple[Optional[float], Optional[float]]:
    try:
        start, end = str(text).split("-", 1)
        return float(start), float(end)
    except (TypeError, ValueError):
        return None, None


def intervals_from_output(output: Optional[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The interval rows of Central's ``output.metrics`` (no retransmits or cwnd there)."""
    intervals = []
    for metric in (output or {}).get("metrics") or []:
        if not isinstance(metric, dict):
            continue
        start, end = _interval_bounds(metric.get("intervalInSeconds"))
        intervals.append({
            "start": start,
            "end": end,
            "bits_per_second": _safe(to_bits_per_second, metric.get("bandwidthInbps")),
            "bytes": _safe(to_bytes, metric.get("transferSizeInBytes")),
            "retransmits": None,
            "cwnd_bytes": None,
            "omitted": False,
        })
    return intervals


def _empty_block() -> Dict[str, Any]:
    return {"sender": None, "receiver": None, "intervals": [], "stalled_intervals": 0, "udp": None}


def _fill_from_output(block: Dict[str, Any], sources: Dict[str, Any], output: Dict[str, Any]) -> None:
    """Fill each figure the raw text lacks from Central's ``output`` strings."""
    for (role, figure), (key, converter) in _OUTPUT_KEYS.items():
        current = (block.get(role) or {}).get(figure)
        value = _safe(converter, output.get(key))
        if current is None and value is not None:
            block[role] = dict(block.get(role) or dict.fromkeys(_FIGURES[role]))
            block[role][figure] = value
            sources[role][figure] = OUTPUT
    if not block["intervals"]:
        intervals = intervals_from_output(output)
        if intervals:
            block["intervals"] = intervals
            block["stalled_intervals"] = sum(1 for i in intervals if i["bits_per_second"] == 0)
            sources["intervals"] = OUTPUT


def _derive_udp_receiver(block: Dict[str, Any], sources: Dict[str, Any]) -> None:
    """iperf 3.0.x UDP: the receiver's figures from the sender's and the datagrams lost (marked derived)."""
    udp, sender = block.get("udp") or {}, block.get("sender") or {}
    total, lost = udp.get("total_datagrams"), udp.get("lost_datagrams")
    if not total or lost is None or not 0 <= lost <= total:
        return
    share = (total - lost) / float(total)
    receiver = dict(block.get("receiver") or dict.fromkeys(_FIGURES["receiver"]))
    for figure in _FIGURES["receiver"]:
        if receiver.get(figure) is None and sender.get(figure) is not None:
            receiver[figure] = int(round(sender[figure] * share))
            sources["receiver"][figure] = DERIVED
    if any(value is not None for value in receiver.values()):
        block["receiver"] = receiver


def _with_sources(block: Optional[Dict[str, Any]], output: Optional[Dict[str, Any]],
                  upload: bool) -> Optional[Dict[str, Any]]:
    """The direction ``block`` (parsed from the raw text, or None) completed figure by figure, with ``sources``."""
    if block is None and not (upload and output):
        return None
    block = dict(block or _empty_block())
    sources: Dict[str, Any] = {role: {figure: (RAW if (block.get(role) or {}).get(figure) is not None else None)
                                      for figure in figures} for role, figures in _FIGURES.items()}
    sources["intervals"] = RAW if block.get("intervals") else None
    if upload and output:
        # Central's output describes the test as requested: the gateway sending.
        _fill_from_output(block, sources, output)
    _derive_udp_receiver(block, sources)
    block["sources"] = sources
    if block["sender"] is None and block["receiver"] is None and not block["intervals"]:
        return None
    return block


def has_figures(block: Any) -> bool:
    """True when a direction block holds at least one measured rate, size or interval."""
    if not isinstance(block, dict):
        return False
    for role in ("sender", "receiver"):
        if any(value is not None for value in (block.get(role) or {}).values()):
            return True
    return any(i.get("bits_per_second") is not None for i in block.get("intervals") or [])


def build_result(serial_number: str, task_id: str, body: Any, request: Optional[Mapping[str, Any]] = None,
                 timed_out: bool = False) -> Dict[str, Any]:
    """The DESIGN §4 result for one task answer.

    ``request`` is what was asked for (server, duration ...), if known. ``timed_out`` says that the wait ended
    before Central reported the test finished (then a running test is a ``timeout``).
    """
    body = body if isinstance(body, dict) else {}
    request = request or {}
    state = task_state(body)
    output = body.get("output") if isinstance(body.get("output"), dict) else None
    raw = body.get("rawOutput") if isinstance(body.get("rawOutput"), str) and body["rawOutput"].strip() else None
    parsed = parse_iperf(raw) if raw else {}
    iperf_error = parsed.get("error")

    upload = download = None
    if state != RUNNING:
        upload = _with_sources(parsed.get("upload"), output, upload=True)
        download = _with_sources(parsed.get("download"), None, upload=False)
    measured = has_figures(upload) or has_figures(download)
    error_type, reason = None, fail_reason(body)
    if state == RUNNING:
        error_type = "timeout" if timed_out else None
    elif state == UNREADABLE:
        error_type, reason = "api_error", reason or "Central's answer about the test has no status"
    else:
        error_type, reason = finished_outcome(body, iperf_error, raw if not measured else None, measured)
    succeeded = state == FINISHED and error_type is None

    def pick(key: str, default: Any = None) -> Any:
        value = parsed.get(key)
        return default if value is None else value

    return {
        "serial_number": serial_number,
        "task_id": task_id,
        "status": task_status(body),
        "succeeded": succeeded,
        "error_type": error_type,
        "fail_reason": reason,
        "progress_percent": body.get("progressPercent"),
        "start_time": body.get("startTime"),
        "end_time": body.get("endTime"),
        "server_address": (output or {}).get("iperfServerAddress") or request.get("server_address"),
        "server_port": request.get("port"),
        "iperf_version": pick("iperf_version"),
        "protocol": pick("protocol", request.get("protocol")),
        "streams": pick("streams", request.get("parallel")),
        "duration_seconds": pick("duration_seconds", request.get("duration")),
        "include_reverse": request.get("include_reverse") if isinstance(request.get("include_reverse"), bool) else None,
        "upload": upload,
        "download": download,
        "output": output,
        "raw_output": raw,
    }


_FAILURE_HINTS = {
    "server_busy": "the iperf server was running another test; use a server_pool or retry later",
    "server_unreachable": "the gateway could not reach the iperf server; check the address, port and firewall",
    "test_failed": "the test failed on the gateway",
    "no_measurement": "run it again; if it persists, check the gateway's iperf support in Central",
    "api_error": "Central's answer is not one this collection knows; look the test up in Central",
}


def failure_message(result: Mapping[str, Any]) -> str:
    """One line saying why a finished test did not measure, for fail_json."""
    reason = (result.get("fail_reason") or "").replace("\n", " ").strip()
    return "iperf test %s on gateway %s did not measure: %s - %s" % (
        result.get("task_id"), result.get("serial_number"), reason or result.get("status"),
        _FAILURE_HINTS.get(result.get("error_type"), "see fail_reason"))  # type: ignore[arg-type]

# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# Copyright: contributors to the aruba_central.troubleshooting collection
#
# This module util is PRIVATE to the collection. It may change at any time, without notice;
# do not use it from other collections or roles.
"""Turn a Central iperf task body into the ``gateway_iperf`` result (DESIGN §4).

A test counts as succeeded only when Central says COMPLETED, the ``output`` is present, there is no
``failReason`` and the raw output carries no iperf3 error. A COMPLETED task with a ``failReason`` or without output
is a failure, classified from the failReason and the raw text (server busy, server unreachable, or test failed).
Numbers come from ``rawOutput`` when present (it carries retransmits, cwnd and UDP loss) and from the ``output``
strings otherwise.
"""

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._iperf_parser import parse_iperf
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._iperf_units import (
    to_bits_per_second,
    to_bytes,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._poller import TERMINAL_STATUSES

_BUSY = ("server is busy",)
_UNREACHABLE = (
    "unable to connect",
    "connection refused",
    "no route to host",
    "network is unreachable",
    "host is unreachable",
    "unreachable",
    "name or service not known",
    "connection timed out",
)


def classify_failure(*texts):
    """error_type for a test that ran on the device but did not measure: server_busy, server_unreachable or test_failed."""
    joined = " ".join(t for t in texts if isinstance(t, str)).lower()
    if any(marker in joined for marker in _BUSY):
        return "server_busy"
    if any(marker in joined for marker in _UNREACHABLE):
        return "server_unreachable"
    return "test_failed"


def _safe(converter, value):
    if value is None:
        return None
    try:
        return converter(value)
    except (TypeError, ValueError):
        return None


def _interval_bounds(text):
    try:
        start, end = str(text).split("-", 1)
        return float(start), float(end)
    except (TypeError, ValueError):
        return None, None


def direction_from_output(output):
    """A direction block built from Central's ``output`` strings (no retransmits, cwnd or UDP figures there)."""
    if not isinstance(output, dict):
        return None
    intervals = []
    for metric in output.get("metrics") or []:
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
    sender = {
        "bits_per_second": _safe(to_bits_per_second, output.get("senderBandwidth")),
        "bytes": _safe(to_bytes, output.get("totalTransferredBytesFromSender")),
        "retransmits": None,
    }
    receiver = {
        "bits_per_second": _safe(to_bits_per_second, output.get("receiverBandwidth")),
        "bytes": _safe(to_bytes, output.get("totalTransferredBytesFromReceiver")),
    }
    return {
        "sender": sender if any(v is not None for v in sender.values()) else None,
        "receiver": receiver if any(v is not None for v in receiver.values()) else None,
        "intervals": intervals,
        "stalled_intervals": sum(1 for i in intervals if i["bits_per_second"] == 0),
        "udp": None,
    }


def build_result(serial_number, task_id, body, request=None):
    """The DESIGN §4 result for one task body. ``request`` is what was asked for (server, duration ...), if known."""
    body = body if isinstance(body, dict) else {}
    request = request or {}
    status = body.get("status") if isinstance(body.get("status"), str) else None
    output = body.get("output") if isinstance(body.get("output"), dict) else None
    raw = body.get("rawOutput") if isinstance(body.get("rawOutput"), str) else None
    fail_reason = body.get("failReason") or None
    if fail_reason is not None and not isinstance(fail_reason, str):
        fail_reason = " ".join(str(fail_reason).split())
    parsed = parse_iperf(raw) if raw else None
    iperf_error = parsed.get("error") if parsed else None

    terminal = status in TERMINAL_STATUSES
    succeeded = bool(status == "COMPLETED" and output and not fail_reason and not iperf_error)
    error_type = None
    if terminal and not succeeded:
        error_type = classify_failure(fail_reason, iperf_error, raw if not parsed else None)
        if not fail_reason:
            fail_reason = iperf_error or ("Central reported %s without a result" % status)

    upload = parsed.get("upload") if parsed else None
    download = parsed.get("download") if parsed else None
    if succeeded and upload is None and download is None:
        upload = direction_from_output(output)

    def pick(key, default=None):
        value = parsed.get(key) if parsed else None
        return default if value is None else value

    return {
        "serial_number": serial_number,
        "task_id": task_id,
        "status": status,
        "succeeded": succeeded,
        "error_type": error_type,
        "fail_reason": fail_reason,
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


def failure_message(result):
    """One line saying why a finished test did not measure, for fail_json."""
    reason = (result.get("fail_reason") or "").replace("\n", " ").strip()
    hints = {
        "server_busy": "the iperf server was running another test; use a server_pool or retry later",
        "server_unreachable": "the gateway could not reach the iperf server; check the address, port and firewall",
        "test_failed": "the test failed on the gateway",
    }
    return "iperf test %s on gateway %s did not measure: %s (%s)" % (
        result.get("task_id"), result.get("serial_number"), reason or result.get("status"),
        hints.get(result.get("error_type"), "see fail_reason"))

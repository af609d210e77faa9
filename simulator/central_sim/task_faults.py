# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults in what a test shows: what the gateway's iperf answered and how Central reports it (``task:`` faults).

A test takes the ``task`` faults in force for its gateway when it is started (``serials.<serial>.task``, else the
top-level ``task``) and keeps them to the end, so changing the configuration later does not change a running test.
"""

from dataclasses import dataclass
from typing import Optional

from central_sim import faultcheck as check
from central_sim.iperf_text import cut_after_intervals
from central_sim.synthetic import ERROR_BUSY

DOCUMENTED_STATUSES = ("INITIATED", "RUNNING", "COMPLETED", "FAILED")
OUTPUT_KEYS = ("totalTransferredBytesFromReceiver", "senderBandwidth", "iperfServerAddress", "receiverBandwidth",
               "metrics", "totalTransferredBytesFromSender")
MALFORMED_KINDS = ("cut", "not_object", "no_status", "empty")
_KEYS = ("busy", "status_case", "end_status", "empty_completion", "missing_figures", "cut_raw_output",
         "iperf_3011_udp", "malformed_poll")


@dataclass(frozen=True)
class TaskFaults:
    busy: Optional[dict] = None             # {message, fail_reason, first, seconds}
    status_case: str = "upper"              # "lower": initiated, running, completed
    end_status: Optional[str] = None        # the status the test ends in instead of COMPLETED
    empty_completion: bool = False          # COMPLETED with output, rawOutput and failReason all null
    missing_figures: Optional[dict] = None  # {keys, as: absent | null, raw_output: bool}
    cut_raw_output: Optional[dict] = None   # {after_intervals}
    iperf_3011_udp: Optional[dict] = None   # {receiver_bandwidth: bool}
    malformed_poll: Optional[dict] = None   # {poll, kind}


NO_TASK_FAULTS = TaskFaults()


def _busy(data, where):
    data = check.mapping({} if data is True else data, where, ("message", "fail_reason", "first", "seconds"))
    message = check.text(data.get("message", ERROR_BUSY), where + ".message")
    return {"message": message,
            "fail_reason": check.text(data.get("fail_reason", message), where + ".fail_reason"),
            "first": check.integer(data.get("first"), where + ".first", 1, allow_none=True),
            "seconds": check.seconds(data.get("seconds", 2), where + ".seconds")}


def _missing_figures(data, where):
    data = check.mapping(data, where, ("keys", "as", "raw_output"))
    keys = data.get("keys", ["receiverBandwidth"])
    if not isinstance(keys, list) or not keys:
        raise check.FaultConfigError("faults: %s.keys must be a non-empty list of output keys" % where)
    for key in keys:
        check.choice(key, where + ".keys", OUTPUT_KEYS)
    return {"keys": list(keys), "as": check.choice(data.get("as", "absent"), where + ".as", ("absent", "null")),
            "raw_output": check.boolean(data.get("raw_output", True), where + ".raw_output")}


def _end_status(value, where):
    check.text(value, where)
    if value.upper() in DOCUMENTED_STATUSES[:3]:
        raise check.FaultConfigError("faults: %s must be a status other than INITIATED, RUNNING or COMPLETED, got %r"
                                     % (where, value))
    return value


def parse_task_faults(data, where):
    """Validate one ``task:`` block into TaskFaults."""
    data = check.mapping(data, where, _KEYS)
    parsed = {}
    if data.get("busy") not in (None, False):
        parsed["busy"] = _busy(data["busy"], where + ".busy")
    if data.get("status_case") is not None:
        parsed["status_case"] = check.choice(data["status_case"], where + ".status_case", ("upper", "lower"))
    if data.get("end_status") is not None:
        parsed["end_status"] = _end_status(data["end_status"], where + ".end_status")
    if data.get("empty_completion") is not None:
        parsed["empty_completion"] = check.boolean(data["empty_completion"], where + ".empty_completion")
    if data.get("missing_figures") is not None:
        parsed["missing_figures"] = _missing_figures(data["missing_figures"], where + ".missing_figures")
    if data.get("cut_raw_output") is not None:
        item = check.mapping(data["cut_raw_output"], where + ".cut_raw_output", ("after_intervals",))
        parsed["cut_raw_output"] = {"after_intervals": check.integer(
            item.get("after_intervals", 3), where + ".cut_raw_output.after_intervals", 0)}
    if data.get("iperf_3011_udp") is not None:
        item = check.mapping(data["iperf_3011_udp"], where + ".iperf_3011_udp", ("receiver_bandwidth",))
        parsed["iperf_3011_udp"] = {"receiver_bandwidth": check.boolean(
            item.get("receiver_bandwidth", True), where + ".iperf_3011_udp.receiver_bandwidth")}
    if data.get("malformed_poll") is not None:
        item = check.mapping(data["malformed_poll"], where + ".malformed_poll", ("poll", "kind"))
        parsed["malformed_poll"] = {
            "poll": check.integer(item.get("poll", 1), where + ".malformed_poll.poll", 1),
            "kind": check.choice(item.get("kind", "cut"), where + ".malformed_poll.kind", MALFORMED_KINDS)}
    return TaskFaults(**parsed)


def spell(status, faults):
    """A documented status in the spelling the faults ask for (an undocumented end status is shown as given)."""
    return status.lower() if faults.status_case == "lower" and status in DOCUMENTED_STATUSES else status


def _without_figures(output, missing):
    output = dict(output)
    for key in missing["keys"]:
        if missing["as"] == "null":
            output[key] = None
        else:
            output.pop(key, None)
    return output


def shape_outcome(faults, output, raw_output, fail_reason, protocol):
    """(output, rawOutput, failReason, names of the faults applied) for a finished test."""
    applied = []
    if faults.cut_raw_output and raw_output:
        raw_output = cut_after_intervals(raw_output, faults.cut_raw_output["after_intervals"])
        applied.append("cut_raw_output")
    if faults.missing_figures and output is not None:
        output = _without_figures(output, faults.missing_figures)
        raw_output = raw_output if faults.missing_figures["raw_output"] else None
        applied.append("missing_figures")
    if faults.iperf_3011_udp and protocol == "udp" and output is not None:
        if not faults.iperf_3011_udp["receiver_bandwidth"]:
            output = {key: value for key, value in output.items() if key != "receiverBandwidth"}
        applied.append("iperf_3011_udp")
    if faults.empty_completion:
        output = raw_output = fail_reason = None
        applied.append("empty_completion")
    if faults.end_status:
        output = raw_output = None
        applied.append("end_status")
    return output, raw_output, fail_reason, applied

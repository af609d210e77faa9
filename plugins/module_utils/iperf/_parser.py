# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

# This module_utils is PRIVATE to the aruba_central.troubleshooting collection.
# It may change or be removed at any time without notice; do not use it from other collections.

"""Turn iperf3 client text output (iperf 3.0 and later) into numbers, and classify iperf3's errors.

Entry points: parse_iperf(text) and classify_iperf_error(text). Everything else here is internal.
"""

import math
import re
from typing import Any, Callable, Dict, List, Match, Optional, Tuple, Union

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._units import (
    to_bits_per_second,
    to_bytes,
)

_NUM = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_SIZE = _NUM + r"\s*[KMGT]?Bytes"

# "iperf3: error - X", "iperf3: parameter error - X", "iperf3: interrupt - X" (the text after " - "), and the
# option errors of getopt, printed after the program name: "iperf3: option requires an argument -- 't'".
_ERROR_RE = re.compile(
    r"iperf3: (?:[a-z ]*?(?:error|interrupt) - (?P<message>.*)|(?P<option>(?:(?:unrecognized|invalid|illegal) )?option\b.*))"
)
_VERSION_RE = re.compile(r"iperf ([0-9]+\.[0-9][0-9A-Za-z.+-]*)")
_START_RE = re.compile(r"Starting Test: protocol: (\w+), ([0-9]+) streams?,(?:.*?, ([0-9]+) second test)?")
# Printed by the client in verbose mode (Central's gateways print it): the MSS of its own data socket.
_MSS_RE = re.compile(r"\bTCP MSS: ([0-9]+)\b")
_CPU_RE = re.compile(r"CPU Utilization: local/\w+ (" + _NUM + r")%.*?, remote/\w+ (" + _NUM + r")%")
_SEPARATOR_RE = re.compile(r"(?:- )+-\Z")
_DATA_RE = re.compile(
    r"\[\s*(?P<id>[0-9]+|SUM)\s*\](?:\[(?P<role>[A-Z]{2}-[A-Z])\])?"
    r"\s+(?P<start>[0-9]+(?:\.[0-9]+)?)\s*-\s*(?P<end>[0-9]+(?:\.[0-9]+)?)\s+sec"
    r"\s+(?P<bytes>" + _SIZE + r")\s+(?P<rate>" + _NUM + r"\s*[KMGT]?(?:bits|Bytes)/sec)(?P<rest>.*)\Z"
)
_UDP_RE = re.compile(r"(?P<jitter>" + _NUM + r")\s*ms\s+(?P<lost>[0-9]+)\s*/\s*(?P<total>[0-9]+)\s*\((?P<pct>[^()%]*)%\)")
_RETR_CWND_RE = re.compile(r"(?P<retr>[0-9]+)\s+(?P<cwnd>" + _SIZE + r")\Z")
_INT_RE = re.compile(r"[0-9]+\Z")
# Where a line iperf3 prints can start. --timestamps and --title put text before every line ("<time> <title>:  ");
# a line that is not understood as a whole is read again from each of these places.
_LINE_START_RE = re.compile(
    r"\[\s*(?:[0-9]+|SUM|ID)\s*\]|Connecting to host |Reverse mode, |Starting Test: |Test Complete\.|iperf Done\."
    r"|CPU Utilization: |- - |Server output:|Perf-test:|iperf [0-9]+\.[0-9]"
)
# The client lines that can follow the server's own lines of --get-server-output (the server never prints them).
_SERVER_OUTPUT_END_RE = re.compile(r"iperf Done\.|Connecting to host |Perf-test:")
_NUM_RE = re.compile(_NUM + r"\Z")

# Roles printed with --bidir: the client's transmitting streams measure the upload, its receiving ones the download.
_ROLE_DIRECTION = {"TX-C": "upload", "RX-C": "download"}
_MAX_DIGITS = 30


def _int(text: Optional[str]) -> Optional[int]:
    if text is None or len(text) > _MAX_DIGITS:
        return None
    return int(text)


def _float(text: Optional[str]) -> Optional[float]:
    if text is None or not _NUM_RE.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _convert(function: Callable[[str], Union[int, float]], text: str) -> Optional[Union[int, float]]:
    try:
        return function(text)
    except ValueError:
        return None


class _Series(object):
    """The lines of one stream (or of the [SUM] of several) in one direction of one report."""

    def __init__(self) -> None:
        self.intervals: List[Dict[str, Any]] = []
        self.sender: Optional[Dict[str, Any]] = None
        self.receiver: Optional[Dict[str, Any]] = None
        self.spans: Dict[str, Tuple[Optional[float], Optional[float]]] = {}
        self.udp_receiver: Optional[Dict[str, Any]] = None
        self.udp_combined: Optional[Dict[str, Any]] = None

    def add_interval(self, interval: Dict[str, Any]) -> None:
        last = self.intervals[-1] if self.intervals else None
        # iperf3 prints the last interval a second time when a test ends abruptly: keep it once.
        if last is not None and last == interval:
            return
        self.intervals.append(interval)

    def measured_seconds(self) -> Optional[float]:
        """end - start of the sender summary (else the receiver's), None without a summary."""
        start, end = self.spans.get("sender") or self.spans.get("receiver") or (None, None)
        if start is None or end is None or end < start:
            return None
        seconds = round(end - start, 2)
        return int(seconds) if seconds == int(seconds) else seconds

    def block(self) -> Dict[str, Any]:
        udp = self.udp_receiver or self.udp_combined
        stalled = [i for i in self.intervals if not i["omitted"] and i["bits_per_second"] == 0]
        return {
            "sender": self.sender,
            "receiver": self.receiver,
            "intervals": self.intervals,
            "stalled_intervals": len(stalled),
            "udp": udp,
        }


class _Report(object):
    """One iperf3 run: from its header (or first line) to the next run's header."""

    def __init__(self) -> None:
        self.started = False
        self.version: Optional[str] = None
        self.reverse = False
        self.declared_protocol: Optional[str] = None
        self.declared_streams: Optional[int] = None
        self.declared_duration: Optional[int] = None
        self.header_kind: Optional[str] = None
        self.data_kind: Optional[str] = None
        self.after_separator = False
        self.in_summary = False
        self.error: Optional[str] = None
        self.cpu: Optional[Dict[str, Optional[float]]] = None
        self.series: Dict[Tuple[Optional[str], Union[int, str, None]], _Series] = {}
        self.roles_seen = False
        self.in_server_output = False
        self.mss: Optional[int] = None

    def series_for(self, role: Optional[str], stream_id: Union[int, str, None]) -> _Series:
        key = (role, stream_id)
        if key not in self.series:
            self.series[key] = _Series()
        return self.series[key]

    def line_kind(self) -> Optional[str]:
        """tcp or udp for the data line being read, from its column header or the Starting Test line."""
        if self.header_kind:
            return self.header_kind
        if self.declared_protocol in ("tcp", "udp"):
            return self.declared_protocol
        return None

    def direction_of(self, role: Optional[str]) -> Optional[str]:
        if role is not None:
            return _ROLE_DIRECTION.get(role)
        if self.roles_seen:
            return None
        return "download" if self.reverse else "upload"

    def directions(self) -> Dict[str, Tuple[Dict[str, Any], Optional[_Series], int]]:
        grouped: Dict[str, Dict[Union[int, str, None], _Series]] = {}
        for (role, stream_id), series in self.series.items():
            direction = self.direction_of(role)
            # A stream id of more than _MAX_DIGITS digits is None: no iperf3 prints one, the line is not a stream.
            if direction is not None and stream_id is not None:
                grouped.setdefault(direction, {})[stream_id] = series
        result: Dict[str, Tuple[Dict[str, Any], Optional[_Series], int]] = {}
        for direction, by_id in grouped.items():
            stream_ids = sorted(i for i in by_id if isinstance(i, int))
            if "SUM" in by_id or len(stream_ids) > 1:
                block = (by_id.get("SUM") or _Series()).block()
                block["streams_detail"] = [dict(stream_id=i, **by_id[i].block()) for i in stream_ids]
                main = by_id.get("SUM")
            else:
                main = by_id[stream_ids[0]]
                block = main.block()
            result[direction] = (block, main, len(stream_ids))
        return result

    def summary(self) -> Dict[str, Any]:
        directions = self.directions()
        protocol = self.declared_protocol or self.header_kind or self.data_kind
        streams = self.declared_streams
        if streams is None:
            streams = max([count for _block, _main, count in directions.values()] or [0]) or None
        duration = None
        for direction in ("upload", "download"):
            main = directions.get(direction, (None, None, 0))[1]
            duration = main.measured_seconds() if main is not None else None
            if duration is not None:
                break
        if duration is None:
            duration = self.declared_duration
        if "upload" in directions:
            # The client sends the upload (normal mode, or [TX-C] with --bidir): the MSS it printed is the sender's.
            directions["upload"][0]["sender_mss_bytes"] = self.mss
        if "download" in directions:
            directions["download"][0]["sender_mss_bytes"] = None
        return {
            "iperf_version": self.version,
            "protocol": protocol,
            "streams": streams,
            "duration_seconds": duration,
            "upload": directions["upload"][0] if "upload" in directions else None,
            "download": directions["download"][0] if "download" in directions else None,
            "error": self.error,
            "cpu": self.cpu,
        }


def _udp_fields(match: Match[str]) -> Dict[str, Any]:
    return {
        "jitter_ms": _float(match.group("jitter")),
        "lost_datagrams": _int(match.group("lost")),
        "total_datagrams": _int(match.group("total")),
        "loss_percent": _float(match.group("pct").strip()),
    }


def _read_data(report: _Report, match: Match[str]) -> None:
    rest = match.group("rest").strip()
    omitted = rest.endswith("(omitted)")
    if omitted:
        rest = rest[:-len("(omitted)")].strip()
    label = None
    for candidate in ("sender", "receiver"):
        if rest.endswith(candidate):
            label = candidate
            rest = rest[:-len(candidate)].strip()
    udp_match = _UDP_RE.match(rest)
    retr_cwnd = _RETR_CWND_RE.match(rest)
    retransmits = cwnd = None
    if retr_cwnd:
        retransmits, cwnd = _int(retr_cwnd.group("retr")), _convert(to_bytes, retr_cwnd.group("cwnd"))
        report.data_kind = report.data_kind or "tcp"
    elif _INT_RE.match(rest) and (label == "sender" or (label is None and report.line_kind() == "tcp")):
        retransmits = _int(rest)
    if udp_match:
        report.data_kind = report.data_kind or "udp"
    stream_id = match.group("id")
    stream_id = stream_id if stream_id == "SUM" else _int(stream_id)
    role = match.group("role")
    report.roles_seen = report.roles_seen or role is not None
    series = report.series_for(role, stream_id)
    start, end = _float(match.group("start")), _float(match.group("end"))
    bits_per_second = _convert(to_bits_per_second, match.group("rate"))
    transferred = _convert(to_bytes, match.group("bytes"))
    if label is None and report.in_summary and udp_match:
        # iperf 3.0 and 3.1 print one UDP summary per stream: the sender's transfer with the receiver's jitter and loss.
        label = "sender"
        series.udp_combined = series.udp_combined or _udp_fields(udp_match)
    if label == "sender":
        if series.sender is None:
            series.sender = {"bits_per_second": bits_per_second, "bytes": transferred, "retransmits": retransmits}
            series.spans["sender"] = (start, end)
    elif label == "receiver":
        if series.receiver is None:
            series.receiver = {"bits_per_second": bits_per_second, "bytes": transferred}
            series.spans["receiver"] = (start, end)
        if udp_match and series.udp_receiver is None:
            series.udp_receiver = _udp_fields(udp_match)
    else:
        series.add_interval({
            "start": start, "end": end, "bits_per_second": bits_per_second, "bytes": transferred,
            "retransmits": retransmits, "cwnd_bytes": cwnd, "omitted": omitted,
        })


def _read_line(reports: List[_Report], line: str) -> None:
    """Read one stripped line into the current report, also when --timestamps or --title text comes before it."""
    report = reports[-1]
    error = _ERROR_RE.search(line)
    if error:
        report.in_server_output = False
        if report.error is None:
            report.error = (error.group("message") or error.group("option") or error.group(0)).strip()
        return
    if report.in_server_output:
        # --get-server-output: the server's own lines, up to the client's next line, are not the client's numbers.
        end = _SERVER_OUTPUT_END_RE.search(line)
        if end is None:
            return
        report.in_server_output = False
        line = line[end.start():]
    if _read_text(reports, line):
        return
    for start in _LINE_START_RE.finditer(line, 1):
        if _read_text(reports, line[start.start():]):
            return


def _read_text(reports: List[_Report], line: str) -> bool:
    """Read one line that starts where iperf3's own text starts; False when the line is not one iperf3 prints."""
    report = reports[-1]
    version = _VERSION_RE.match(line)
    if version or line.startswith("Perf-test:") or line.startswith("Connecting to host"):
        if report.started:
            report = _Report()
            reports.append(report)
        if version:
            report.version = report.version or version.group(1)
        report.started = report.started or line.startswith("Connecting to host")
        return True
    data = _DATA_RE.match(line)
    if data:
        report.started = True
        report.after_separator = False
        _read_data(report, data)
        return True
    if line.startswith("[ ID]"):
        if report.after_separator or any(s.intervals for s in report.series.values()):
            report.in_summary = True
        report.header_kind = "udp" if ("Jitter" in line or "Datagrams" in line) else "tcp"
        return True
    if _SEPARATOR_RE.match(line):
        report.after_separator = True
    elif line.startswith("Test Complete"):
        report.in_summary = True
    elif line.startswith("Reverse mode"):
        report.reverse = report.started = True
    elif line.startswith("iperf Done"):
        report.started = True
    elif line.startswith("Server output:"):
        report.in_server_output = True
    else:
        return _read_settings(report, line)
    return True


def _read_settings(report: _Report, line: str) -> bool:
    start = _START_RE.match(line)
    if start:
        report.declared_protocol = start.group(1).lower()
        report.declared_streams = _int(start.group(2))
        report.declared_duration = _int(start.group(3))
        return True
    mss = _MSS_RE.search(line)
    if mss:
        if report.mss is None:
            report.mss = _int(mss.group(1)) or None
        return True
    cpu = _CPU_RE.match(line)
    if cpu:
        if report.cpu is None:
            report.cpu = {"local_percent": _float(cpu.group(1)), "remote_percent": _float(cpu.group(2))}
        return True
    return False


def parse_iperf(text: Union[str, bytes]) -> Dict[str, Any]:
    """Parse iperf3 client text output into numbers.

    Returns a dict with the keys iperf_version, protocol, streams, duration_seconds, upload, download, error and
    cpu. upload and download are None or a direction block:
    {sender, receiver, intervals, stalled_intervals, udp} plus streams_detail (one block per stream, with its
    stream_id) when the test ran several streams, in which case the block itself holds the [SUM] lines.
    Each direction block also has sender_mss_bytes: the TCP MSS the client printed in verbose mode ("TCP MSS: 1448"),
    in the upload block only, where the client is the sender; None in the download block (iperf3 prints only the
    client's MSS, and the server sends the download) and when the text has no such line.

    Sizes are bytes (iperf3's powers of 1024), rates bits per second (powers of 1000), cwnd_bytes bytes.
    A number the text does not carry is None; nothing is estimated. The parser never raises for a string and
    never returns a negative, NaN or infinite number. Unknown lines are skipped.

    The text may hold several runs one after the other (each starts at its iperf version line, a Perf-test
    header or its "Connecting to host" line). A normal run measures the upload, a reverse run
    ("Reverse mode, remote host X is sending") the download, a --bidir run both ([TX-C] upload, [RX-C] download).
    Each direction is taken from the first run that measured it; a later run for a direction already filled is
    ignored. The other keys come from the first run that carries them (error: iperf3's first error text).

    Lines are read the same with the text that --timestamps (any strftime format, also one without a trailing
    space) and --title ("TITLE:  ") put before them: a line that is not understood as a whole is read again from
    each place where a line of iperf3 can start ("[  5]", "[SUM]", "[ ID]", "Connecting to host", "- - -" ...).
    The server's lines that --get-server-output prints after "Server output:" are skipped up to the client's next
    line ("iperf Done.", a new run or an error line); they never become the client's intervals or summaries.
    Tests limited by bytes (-n) or blocks (-k) are read like timed ones.

    duration_seconds is the measured length of the test: end minus start of the sender summary (of the [SUM]
    line with several streams; the receiver summary when no sender line was printed), an int when whole, else a
    float rounded to 0.01 s (e.g. 10.04). Only without a summary does it come from the "Starting Test" line
    ("10 second test"), else it is None.

    error is the text after "iperf3: error - ", "iperf3: parameter error - " or "iperf3: interrupt - ", or
    getopt's option error after "iperf3: " ("option requires an argument -- 't'", "unrecognized option '--x'"),
    wherever the line stands and whatever comes before it on the line.

    Raises TypeError when text is neither a str nor bytes.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise TypeError("expected the iperf3 client output as a string, got %s" % type(text).__name__)
    reports = [_Report()]
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if line:
            _read_line(reports, line)
    result = None
    for report in reports:
        summary = report.summary()
        if result is None:
            result = summary
            continue
        for key, value in summary.items():
            if result[key] is None:
                result[key] = value
    return result  # type: ignore[return-value]  # reports is never empty


# Every wording of a busy server: iperf3's "the server is busy running a test. try again later" (3.0 to 3.21), the
# "ACCESS_DENIED - Server is busy" of its debug output (3.19+), and shortened or rephrased forms ("Server is busy",
# "iperf server busy", "busy server"). A host name such as "busy-gw.example.com" is not a busy server.
_BUSY_RE = re.compile(
    r"\bserver(?:\s+is)?(?:\s+(?:currently|still|already|now))?\s+busy\b(?![-.]\w)"
    r"|(?<![\w.-])busy\s+(?:iperf3?\s+)?server\b|\baccess_denied\b",
    re.IGNORECASE,
)
# The server could not be reached: "unable to connect to server" in every version's wording (3.14+ adds
# " - server may have stopped running or use a different port, firewall issue, etc."), with any errno text
# (refused, no route, unreachable network or host, timeouts, failed name resolution), and those causes on their own.
_UNREACHABLE_RE = re.compile(
    r"unable to connect\b|connection refused|no route to host|\bunreachable\b|name or service not known"
    r"|failure in name resolution|nodename nor servname|could not resolve|unknown host|connection timed out"
    r"|operation timed out|connect(?:ion)? timeout",
    re.IGNORECASE,
)
# Measured on loopback (see the fixtures' README): a client that connects while a server switches from one test to
# the next gets its control connection reset ("Connection reset by peer" with 3.0.11 and 3.12, "Transport endpoint
# is not connected" with 3.21). The TCP connection was accepted, so the server runs; it was busy.
_CONTROL_RESET_RE = re.compile(
    r"unable to receive control message\b.*\b(?:connection reset by peer|transport endpoint is not connected)",
    re.IGNORECASE,
)
# iperf3's error wordings as Central may pass them on without the "iperf3: error - " prefix.
_IPERF_ERROR_WORDING_RE = re.compile(
    r"\bunable to [a-z]+|control socket has closed unexpectedly|the (?:server|client) has (?:terminated|unexpectedly)"
    r"|received an unknown control message|test authorization failed|\b(?:parameter error|interrupt) - "
    r"|idle timeout for receiving data|test duration (?:expired|too long)|requested duration exceeds",
    re.IGNORECASE,
)


def _error_texts(text: str) -> List[str]:
    """iperf3's error messages in a text, whatever comes before them on their lines."""
    messages = []
    for line in text.splitlines():
        error = _ERROR_RE.search(line)
        if error:
            messages.append((error.group("message") or error.group("option") or error.group(0)).strip())
    return messages


def _measured(parsed: Dict[str, Any]) -> bool:
    for direction in ("upload", "download"):
        block = parsed[direction]
        if block and (block["intervals"] or block["sender"] or block["receiver"]):
            return True
    return False


def classify_iperf_error(text: Union[str, bytes, None]) -> Optional[str]:
    """Classify why an iperf3 test did not measure: server_busy, server_unreachable, test_failed or None.

    text is a Central failReason, one iperf3 error line, or a whole iperf3 client output (str, bytes or None).
    When the text holds "iperf3: ..." error lines, only their messages are judged (host names and titles elsewhere
    in the text are not). A client output without such a line is None. Any other text (a failReason that Central
    shortened or rephrased) is judged as a whole, in any letter case:

    - server_unreachable: "unable to connect to server" in any version's wording and with any cause, connection
      refused, no route to host, unreachable network or host, failed name resolution, connection timeouts.
      Checked first: a server that cannot be reached is never called busy.
    - server_busy: every wording of a busy server ("the server is busy running a test. try again later",
      "Server is busy", "ACCESS_DENIED - Server is busy", "busy server"); also "unable to receive control message"
      with "Connection reset by peer" or "Transport endpoint is not connected" when nothing was measured: the reset
      iperf3 servers give a client that connects while they switch from one test to the next.
    - test_failed: any other iperf3 error (the server or the client stopped the test, a parameter error ...).
    - None: None, an empty text, or a text that holds no iperf3 error at all (for example "Device rebooted").
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str) or not text.strip():
        return None
    messages = _error_texts(text)
    parsed = parse_iperf(text)
    if messages:
        subject = " | ".join(messages)
    elif any(parsed[key] is not None for key in ("iperf_version", "protocol", "upload", "download")):
        return None
    else:
        subject = text
    if _UNREACHABLE_RE.search(subject):
        return "server_unreachable"
    if _BUSY_RE.search(subject):
        return "server_busy"
    if _CONTROL_RESET_RE.search(subject) and not _measured(parsed):
        return "server_busy"
    if messages or _IPERF_ERROR_WORDING_RE.search(subject):
        return "test_failed"
    return None

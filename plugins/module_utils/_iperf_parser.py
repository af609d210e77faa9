# -*- coding: utf-8 -*-
# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the aruba_central.troubleshooting collection.
# It may change or be removed at any time without notice; do not use it from other collections.

"""Turn iperf3 client text output (iperf 3.0 and later) into numbers.

Entry point: parse_iperf(text). Everything else here is internal.
"""

import math
import re

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._iperf_units import (
    to_bits_per_second,
    to_bytes,
)

_NUM = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_SIZE = _NUM + r"\s*[KMGT]?Bytes"

_ERROR_RE = re.compile(r"iperf3: (?:[a-z ]*?)(?:error|interrupt) - (.*)")
_VERSION_RE = re.compile(r"iperf ([0-9]+\.[0-9][0-9A-Za-z.+-]*)")
_START_RE = re.compile(r"Starting Test: protocol: (\w+), ([0-9]+) streams?,(?:.*?, ([0-9]+) second test)?")
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
_NUM_RE = re.compile(_NUM + r"\Z")

# Roles printed with --bidir: the client's transmitting streams measure the upload, its receiving ones the download.
_ROLE_DIRECTION = {"TX-C": "upload", "RX-C": "download"}
_MAX_DIGITS = 30


def _int(text):
    if text is None or len(text) > _MAX_DIGITS:
        return None
    return int(text)


def _float(text):
    if text is None or not _NUM_RE.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _convert(function, text):
    try:
        return function(text)
    except ValueError:
        return None


class _Series(object):
    """The lines of one stream (or of the [SUM] of several) in one direction of one report."""

    def __init__(self):
        self.intervals = []
        self.sender = None
        self.receiver = None
        self.sender_end = None
        self.udp_receiver = None
        self.udp_combined = None

    def add_interval(self, interval):
        last = self.intervals[-1] if self.intervals else None
        # iperf3 prints the last interval a second time when a test ends abruptly: keep it once.
        if last is not None and last == interval:
            return
        self.intervals.append(interval)

    def block(self):
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

    def __init__(self):
        self.started = False
        self.version = None
        self.reverse = False
        self.declared_protocol = None
        self.declared_streams = None
        self.declared_duration = None
        self.header_kind = None
        self.data_kind = None
        self.after_separator = False
        self.in_summary = False
        self.error = None
        self.cpu = None
        self.series = {}
        self.roles_seen = False

    def series_for(self, role, stream_id):
        key = (role, stream_id)
        if key not in self.series:
            self.series[key] = _Series()
        return self.series[key]

    def line_kind(self):
        """tcp or udp for the data line being read, from its column header or the Starting Test line."""
        if self.header_kind:
            return self.header_kind
        if self.declared_protocol in ("tcp", "udp"):
            return self.declared_protocol
        return None

    def direction_of(self, role):
        if role is not None:
            return _ROLE_DIRECTION.get(role)
        if self.roles_seen:
            return None
        return "download" if self.reverse else "upload"

    def directions(self):
        grouped = {}
        for (role, stream_id), series in self.series.items():
            direction = self.direction_of(role)
            if direction is not None:
                grouped.setdefault(direction, {})[stream_id] = series
        result = {}
        for direction, by_id in grouped.items():
            stream_ids = sorted(i for i in by_id if i != "SUM")
            if "SUM" in by_id or len(stream_ids) > 1:
                block = (by_id.get("SUM") or _Series()).block()
                block["streams_detail"] = [dict(stream_id=i, **by_id[i].block()) for i in stream_ids]
                main = by_id.get("SUM")
            else:
                main = by_id[stream_ids[0]]
                block = main.block()
            result[direction] = (block, main, len(stream_ids))
        return result

    def summary(self):
        directions = self.directions()
        protocol = self.declared_protocol or self.header_kind or self.data_kind
        streams = self.declared_streams
        if streams is None:
            streams = max([count for _block, _main, count in directions.values()] or [0]) or None
        duration = self.declared_duration
        if duration is None:
            for direction in ("upload", "download"):
                main = directions.get(direction, (None, None, 0))[1]
                if main is not None and main.sender_end is not None:
                    duration = int(math.floor(main.sender_end + 0.5))
                    break
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


def _udp_fields(match):
    return {
        "jitter_ms": _float(match.group("jitter")),
        "lost_datagrams": _int(match.group("lost")),
        "total_datagrams": _int(match.group("total")),
        "loss_percent": _float(match.group("pct").strip()),
    }


def _read_data(report, match):
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
            series.sender_end = end
    elif label == "receiver":
        if series.receiver is None:
            series.receiver = {"bits_per_second": bits_per_second, "bytes": transferred}
        if udp_match and series.udp_receiver is None:
            series.udp_receiver = _udp_fields(udp_match)
    else:
        series.add_interval({
            "start": start, "end": end, "bits_per_second": bits_per_second, "bytes": transferred,
            "retransmits": retransmits, "cwnd_bytes": cwnd, "omitted": omitted,
        })


def _read_line(reports, line):
    """Read one stripped line into the current report; a new run's header starts a new report."""
    report = reports[-1]
    error = _ERROR_RE.search(line)
    if error:
        report.error = report.error if report.error is not None else error.group(1).strip()
        return
    version = _VERSION_RE.match(line)
    if version or line.startswith("Perf-test:") or line.startswith("Connecting to host"):
        if report.started:
            report = _Report()
            reports.append(report)
        if version:
            report.version = report.version or version.group(1)
        report.started = report.started or line.startswith("Connecting to host")
        return
    data = _DATA_RE.match(line)
    if data:
        report.started = True
        report.after_separator = False
        _read_data(report, data)
        return
    if line.startswith("[ ID]"):
        if report.after_separator or any(s.intervals for s in report.series.values()):
            report.in_summary = True
        report.header_kind = "udp" if ("Jitter" in line or "Datagrams" in line) else "tcp"
        return
    if _SEPARATOR_RE.match(line):
        report.after_separator = True
    elif line.startswith("Test Complete"):
        report.in_summary = True
    elif line.startswith("Reverse mode"):
        report.reverse = report.started = True
    elif line.startswith("iperf Done"):
        report.started = True
    else:
        _read_settings(report, line)


def _read_settings(report, line):
    start = _START_RE.match(line)
    if start:
        report.declared_protocol = start.group(1).lower()
        report.declared_streams = _int(start.group(2))
        report.declared_duration = _int(start.group(3))
        return
    cpu = _CPU_RE.match(line)
    if cpu and report.cpu is None:
        report.cpu = {"local_percent": _float(cpu.group(1)), "remote_percent": _float(cpu.group(2))}


def parse_iperf(text):
    """Parse iperf3 client text output into numbers.

    Returns a dict with the keys iperf_version, protocol, streams, duration_seconds, upload, download, error and
    cpu. upload and download are None or a direction block:
    {sender, receiver, intervals, stalled_intervals, udp} plus streams_detail (one block per stream, with its
    stream_id) when the test ran several streams, in which case the block itself holds the [SUM] lines.

    Sizes are bytes (iperf3's powers of 1024), rates bits per second (powers of 1000), cwnd_bytes bytes.
    A number the text does not carry is None; nothing is estimated. The parser never raises for a string and
    never returns a negative, NaN or infinite number. Unknown lines are skipped.

    The text may hold several runs one after the other (each starts at its iperf version line, a Perf-test
    header or its "Connecting to host" line). A normal run measures the upload, a reverse run
    ("Reverse mode, remote host X is sending") the download, a --bidir run both ([TX-C] upload, [RX-C] download).
    Each direction is taken from the first run that measured it; a later run for a direction already filled is
    ignored. The other keys come from the first run that carries them (error: iperf3's first error text).

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
    return result

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Turn iperf3 client text into Central's ``output`` object, the way Central presents it.

Central copies the strings out of the iperf3 text: ``metrics`` holds one entry per interval line (the stream's lines
for a single stream, the ``[SUM]`` lines when there are several), the totals come from the summary's sender and
receiver lines. Works for iperf 3.0.x text (what gateways run) and 3.12 text (what real mode runs).
"""

import re

_LINE = re.compile(
    r"^(?P<id>\[\s*(?:\d+|SUM)\])(?:\[[A-Z]+-[CS]\])?\s+(?P<start>\d+\.\d+)-\s*(?P<end>\d+\.\d+)\s+sec\s+"
    r"(?P<transfer>\d+(?:\.\d+)?\s+[KMGT]?Bytes)\s+(?P<rate>\d+(?:\.\d+)?\s+[KMGT]?bits/sec)(?P<rest>.*)$"
)
_SEPARATOR = "- - - - - - - - - - - - - - - - - - - - - - - - -"
_ERROR = re.compile(r"^iperf3: error - .*$", re.M)


def error_line(text):
    """The first ``iperf3: error - ...`` line of the text, or None."""
    match = _ERROR.search(text or "")
    return match.group(0).strip() if match else None


def first_report(text):
    """The text up to and including the first ``iperf Done.`` (a test with reverse carries two reports)."""
    marker = "iperf Done."
    index = text.find(marker)
    return text if index < 0 else text[: index + len(marker)]


def _classified(lines):
    """(position, match, in_summary) for every interval and summary line of one report."""
    in_summary = False
    for position, line in enumerate(lines):
        if line.strip() == _SEPARATOR:
            following = next((other for other in lines[position + 1:] if other.strip()), "")
            if following.startswith(("Test Complete", "[ ID]")):
                in_summary = True
            continue
        match = _LINE.match(line)
        if match:
            yield position, match, in_summary


def _split(lines):
    """Interval lines and summary lines of one report."""
    intervals, summary = [], []
    for _position, match, in_summary in _classified(lines):
        (summary if in_summary else intervals).append(match)
    return intervals, summary


def cut_after_intervals(text, count):
    """The text up to and including the first report's ``count``-th interval (its [SUM] line with several streams).

    Nothing of the summary is kept; ``count`` 0 cuts right before the first interval. Text without intervals (an
    error) comes back unchanged.
    """
    lines = first_report(text).splitlines(keepends=True)
    intervals = [(position, match) for position, match, in_summary in _classified(lines) if not in_summary]
    if not intervals:
        return text
    several = any(match.group("id") == "[SUM]" for _position, match in intervals)
    steps = [position for position, match in intervals if (match.group("id") == "[SUM]") == several]
    end = steps[min(count, len(steps)) - 1] + 1 if count > 0 else intervals[0][0]
    return "".join(lines[:end])


def _pick_totals(summary):
    """(sender, receiver) summary lines; [SUM] lines win when there are several streams."""
    sums = [m for m in summary if m.group("id") == "[SUM]"]
    candidates = sums or summary
    sender = receiver = None
    for match in candidates:
        label = match.group("rest").strip()
        if label.endswith("sender") and sender is None:
            sender = match
        elif label.endswith("receiver") and receiver is None:
            receiver = match
        elif not label.endswith(("sender", "receiver")) and sender is None:
            # iperf 3.0/3.1 UDP prints one combined line per stream (no sender/receiver label).
            sender = receiver = match
    return sender, receiver


def central_output(text, server_address):
    """Central's ``output`` dict for the first report in ``text``, or None when it has no summary."""
    intervals, summary = _split(first_report(text).splitlines())
    sender, receiver = _pick_totals(summary)
    if sender is None or receiver is None:
        return None
    several = any(m.group("id") == "[SUM]" for m in intervals)
    metrics = [
        {
            "id": m.group("id"),
            "bandwidthInbps": m.group("rate"),
            "transferSizeInBytes": m.group("transfer"),
            "intervalInSeconds": "%s-%s" % (m.group("start"), m.group("end")),
        }
        for m in intervals
        if "(omitted)" not in m.group("rest") and (m.group("id") == "[SUM]") == several
    ]
    return {
        "totalTransferredBytesFromReceiver": receiver.group("transfer"),
        "senderBandwidth": sender.group("rate"),
        "iperfServerAddress": server_address,
        "receiverBandwidth": receiver.group("rate"),
        "metrics": metrics,
        "totalTransferredBytesFromSender": sender.group("transfer"),
    }


_VERSION_LINE = re.compile(r"^iperf 3\.\d+(?:\.\d+)?$")
_NOT_IN_3011 = ("Control connection MSS ", "Setting UDP block size to ", "      Target Bitrate: ")
_UDP_SUMMARY = re.compile(
    r"^(?P<head>\[\s*(?P<id>\d+|SUM)\]\s+\d+\.\d+-\s*\d+\.\d+\s+sec\s+\S+ [KMGT]?Bytes\s+\S+ [KMGT]?bits/sec)\s+"
    r"(?P<jitter>\d+\.\d+ ms)\s+(?P<lost>\d+)/(?P<total>\d+) \([^)]*\)\s+(?P<role>sender|receiver)\s*$")


def _udp_3011_summary(sender, receiver):
    """iperf 3.0.11's one summary line per stream: what the client sent, with the server's jitter and lost count."""
    measured = receiver or sender
    lost, total = int(measured.group("lost")), int(sender.group("total"))
    percent = 100.0 * lost / total if total else 100.0
    lines = ["%s  %s  %d/%d (%.2g%%)  \n" % (sender.group("head"), measured.group("jitter"), lost, total, percent)]
    if sender.group("id") != "SUM":
        lines.append("[%3d] Sent %d datagrams\n" % (int(sender.group("id")), total))
    return lines


def iperf_3011_udp_text(text):
    """UDP client text of a later iperf3 in iperf 3.0.11's layout (3.0.11 text comes back unchanged).

    The version line says 3.0.11, lines 3.0.11 does not print go, ``Bitrate`` is ``Bandwidth`` again, ``, tos 0``
    leaves the ``Starting Test`` line, and each sender/receiver pair of summary lines becomes one combined line
    (plus ``Sent N datagrams`` for a stream), as iperf 3.0.x prints it.
    """
    out, pending = [], None
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\n")
        match = _UDP_SUMMARY.match(bare)
        if match and match.group("role") == "sender":
            if pending is not None:
                out += _udp_3011_summary(pending, None)
            pending = match
            continue
        if match and pending is not None and match.group("id") == pending.group("id"):
            out += _udp_3011_summary(pending, match)
            pending = None
            continue
        if pending is not None:
            out += _udp_3011_summary(pending, None)
            pending = None
        if _VERSION_LINE.match(bare):
            line = "iperf 3.0.11\n"
        elif bare.startswith(_NOT_IN_3011):
            continue
        elif bare.startswith("Starting Test: "):
            line = re.sub(r", tos \d+$", "", bare) + "\n"
        elif bare.startswith("[ ID] "):
            line = line.replace("Bitrate  ", "Bandwidth")
        out.append(line)
    if pending is not None:
        out += _udp_3011_summary(pending, None)
    return "".join(out)

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


def _split(lines):
    """Interval lines and summary lines of one report."""
    intervals, summary, in_summary = [], [], False
    for position, line in enumerate(lines):
        if line.strip() == _SEPARATOR:
            following = next((other for other in lines[position + 1:] if other.strip()), "")
            if following.startswith(("Test Complete", "[ ID]")):
                in_summary = True
            continue
        match = _LINE.match(line)
        if match:
            (summary if in_summary else intervals).append(match)
    return intervals, summary


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

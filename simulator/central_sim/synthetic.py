# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Synthetic iperf 3.0.11 client text (what Aruba gateways run), computed from a gateway's link profile.

The layout follows iperf 3.0.11's ``iperf_locale.c`` format strings and reporter (``iperf_api.c``) with ``-V``:
per-second intervals, retransmits and cwnd for TCP, the UDP layouts, ``[SUM]`` lines for several streams,
``(omitted)`` intervals, a reverse-mode report, and iperf's own error lines. All randomness comes from the ``rng``
the caller passes in, so a seeded simulator produces the same text for the same test.
"""

import math
import time

from central_sim.units import format_bytes, format_rate

VERSION = "iperf 3.0.11"
MSS = 1448
TCP_BLOCK = 131072
UDP_BLOCK = 8192
SEPARATOR = "- - - - - - - - - - - - - - - - - - - - - - - - -\n"
ERROR_BUSY = "iperf3: error - the server is busy running a test. try again later"
ERROR_REFUSED = "iperf3: error - unable to connect to server: Connection refused"
ERROR_NO_ROUTE = "iperf3: error - unable to connect to server: No route to host"

_HEAD_RETR_CWND = "[ ID] Interval           Transfer     Bandwidth       Retr  Cwnd\n"
_HEAD_BW = "[ ID] Interval           Transfer     Bandwidth\n"
_HEAD_RETR = "[ ID] Interval           Transfer     Bandwidth       Retr\n"
_HEAD_UDP = "[ ID] Interval           Transfer     Bandwidth       Jitter    Lost/Total Datagrams\n"
_HEAD_UDP_SENDER = "[ ID] Interval           Transfer     Bandwidth       Total Datagrams\n"


def _ident(stream_id):
    return "[SUM]" if stream_id is None else "[%3d]" % stream_id


def _span(start, end):
    return "%6.2f-%-6.2f sec" % (start, end)


def _line_tcp_sender(sid, start, end, nbytes, seconds, retr, cwnd, tail=""):
    if sid is None:
        return "[SUM] %s  %s  %s  %3d             %s\n" % (
            _span(start, end), format_bytes(nbytes), format_rate(nbytes / seconds), retr, tail)
    return "%s %s  %s  %s  %3d   %s       %s\n" % (
        _ident(sid), _span(start, end), format_bytes(nbytes), format_rate(nbytes / seconds), retr, format_bytes(cwnd), tail)


def _line_plain(sid, start, end, nbytes, seconds, tail=""):
    return "%s %s  %s  %s                  %s\n" % (
        _ident(sid), _span(start, end), format_bytes(nbytes), format_rate(nbytes / seconds), tail)


def _line_retr(sid, start, end, nbytes, seconds, retr, tail):
    return "%s %s  %s  %s  %3d             %s\n" % (
        _ident(sid), _span(start, end), format_bytes(nbytes), format_rate(nbytes / seconds), retr, tail)


def _line_udp_sender(sid, start, end, nbytes, seconds, packets, tail=""):
    return "%s %s  %s  %s  %d  %s\n" % (_ident(sid), _span(start, end), format_bytes(nbytes),
                                        format_rate(nbytes / seconds), packets, tail)


def _line_udp(sid, start, end, nbytes, seconds, jitter_ms, lost, total, tail=""):
    percent = 100.0 * lost / total if total else 100.0
    return "%s %s  %s  %s  %5.3f ms  %d/%d (%.2g%%)  %s\n" % (
        _ident(sid), _span(start, end), format_bytes(nbytes), format_rate(nbytes / seconds),
        jitter_ms, lost, total, percent, tail)


def _poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _cpu(rng, sender):
    def one():
        user, system = round(rng.uniform(0.0, 0.4), 1), round(rng.uniform(0.3, 3.0), 1)
        return "%.1f%% (%.1f%%u/%.1f%%s)" % (user + system, user, system)
    local, remote = ("sender", "receiver") if sender else ("receiver", "sender")
    return "CPU Utilization: local/%s %s, remote/%s %s\n" % (local, one(), remote, one())


def uname(gateway):
    return "Linux %s 5.10.209 #92514 SMP PREEMPT Tue Apr 22 14:41:40 PDT 2025 x86_64 GNU/Linux" % gateway.hostname


def _cookie(gateway, wall, rng):
    raw = "%s.%d.%06d.%08x%08x.%s" % (gateway.hostname, int(wall), int((wall % 1) * 1e6), rng.getrandbits(32),
                                      rng.getrandbits(32), "1234567890" * 4)
    return raw[:36]


def _header(request, gateway, rng, wall, reverse, stream_ids):
    udp = request.protocol == "udp"
    lines = [VERSION + "\n", uname(gateway) + "\n",
             "Time: %s\n" % time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(wall + 1)),
             "Connecting to host %s, port %d\n" % (request.server_address, request.port)]
    if reverse:
        lines.append("Reverse mode, remote host %s is sending\n" % request.server_address)
    lines.append("      Cookie: %s\n" % _cookie(gateway, wall + 1, rng))
    if not udp:
        lines.append("      TCP MSS: %d (default)\n" % MSS)
    local_port = rng.randint(33000, 60999)
    for offset, sid in enumerate(stream_ids):
        lines.append("[%3d] local %s port %d connected to %s port %d\n" % (
            sid, gateway.ip_address, local_port + offset, request.server_address, request.port))
    lines.append("Starting Test: protocol: %s, %d streams, %d byte blocks, omitting %d seconds, %d second test\n" % (
        "UDP" if udp else "TCP", request.parallel, UDP_BLOCK if udp else TCP_BLOCK, request.omit, request.duration))
    return "".join(lines)


def _stall(link, start, end):
    return link.stall.stalled_fraction(start, end) if link.stall else 0.0


def _tcp_samples(request, link, rng, reverse):
    """Per stream, per second: (bytes, retransmits, cwnd) for omit + duration seconds."""
    per_stream = link.rate_mbps(reverse) * 1e6 / 8 / request.parallel
    efficiency = 0.955 * max(0.35, 1.0 - link.loss_percent * 0.06)
    base_cwnd = min(3 * 1024 * 1024, max(10 * MSS, per_stream * 0.04))
    streams = []
    for _stream in range(request.parallel):
        samples, wanted, given, cwnd = [], 0.0, 0, base_cwnd
        for second in range(request.omit + request.duration):
            stalled = _stall(link, second, second + 1)
            target = per_stream * efficiency * rng.uniform(0.97, 1.03) * (1.0 - stalled)
            if second == 0:
                target *= 1.08
            wanted += target
            block = 1 if reverse else TCP_BLOCK
            nbytes = int(wanted // block) * block - given
            given += nbytes
            lam = target / MSS * link.loss_percent / 100.0 * 0.6 + 15.0 * stalled + 0.2
            if stalled >= 0.5:
                cwnd = cwnd if rng.random() < 0.6 else MSS * rng.choice((4, 10))
            else:
                cwnd = base_cwnd * rng.uniform(0.6, 1.25)
            samples.append((nbytes, _poisson(rng, lam), int(cwnd // MSS) * MSS))
        streams.append(samples)
    return streams


def _udp_samples(request, link, rng, reverse):
    """Per stream, per second: (datagrams sent, datagrams lost, jitter ms)."""
    per_stream = link.rate_mbps(reverse) * 1e6 / 8 / request.parallel
    streams = []
    for _stream in range(request.parallel):
        samples, wanted, given = [], 0.0, 0
        for second in range(request.omit + request.duration):
            wanted += per_stream * rng.uniform(0.98, 1.02) / UDP_BLOCK
            sent = int(wanted) - given
            given += sent
            stalled = _stall(link, second, second + 1)
            loss = min(1.0, stalled + (1.0 - stalled) * link.loss_percent / 100.0 * rng.uniform(0.7, 1.3))
            samples.append((sent, min(sent, int(round(sent * loss))), rng.uniform(0.01, 0.3) + link.loss_percent * 0.1))
        streams.append(samples)
    return streams


def _intervals(request, stream_ids, samples, render_line, render_sum, header):
    """The interval section: one line per stream per second, [SUM] lines and separators with several streams."""
    out, several = [], len(stream_ids) > 1
    for second in range(request.omit + request.duration):
        omitted = second < request.omit
        start = float(second if omitted else second - request.omit)
        tail = "(omitted)" if omitted else ""
        out.append(header if second == 0 else (SEPARATOR if several else ""))
        for sid, stream in zip(stream_ids, samples):
            out.append(render_line(sid, start, start + 1.0, stream[second], tail))
        if several:
            out.append(render_sum(start, start + 1.0, [stream[second] for stream in samples], tail))
    return "".join(out)


def _tcp_report(request, link, rng, reverse, stream_ids):
    samples = _tcp_samples(request, link, rng, reverse)
    if reverse:
        out = _intervals(request, stream_ids, samples,
                         lambda sid, a, b, s, tail: _line_plain(sid, a, b, s[0], b - a, tail),
                         lambda a, b, ss, tail: _line_plain(None, a, b, sum(s[0] for s in ss), b - a, tail),
                         _HEAD_BW)
    else:
        out = _intervals(request, stream_ids, samples,
                         lambda sid, a, b, s, tail: _line_tcp_sender(sid, a, b, s[0], b - a, s[1], s[2], tail),
                         lambda a, b, ss, tail: _line_tcp_sender(None, a, b, sum(s[0] for s in ss), b - a,
                                                                 sum(s[1] for s in ss), 0, tail),
                         _HEAD_RETR_CWND)
    end = request.duration + rng.uniform(0.0001, 0.004)
    summary, totals = [SEPARATOR, "Test Complete. Summary Results:\n", _HEAD_RETR], [0, 0, 0]
    for sid, stream in zip(stream_ids, samples):
        measured = stream[request.omit:]
        moved, retr = sum(s[0] for s in measured), sum(s[1] for s in measured)
        in_flight = min(moved, int(measured[-1][2] * rng.uniform(0.2, 1.0)))
        sent, received = (moved + in_flight, moved) if reverse else (moved, moved - in_flight)
        summary.append(_line_retr(sid, 0.0, end, sent, end, retr, "sender"))
        summary.append(_line_plain(sid, 0.0, end, received, end, "receiver"))
        totals = [totals[0] + sent, totals[1] + received, totals[2] + retr]
    if len(stream_ids) > 1:
        summary.append(_line_retr(None, 0.0, end, totals[0], end, totals[2], "sender"))
        summary.append(_line_plain(None, 0.0, end, totals[1], end, "receiver"))
    summary.append(_cpu(rng, sender=not reverse))
    return out + "".join(summary)


def _udp_report(request, link, rng, reverse, stream_ids):
    samples = _udp_samples(request, link, rng, reverse)
    if reverse:
        out = _intervals(request, stream_ids, samples,
                         lambda sid, a, b, s, tail: _line_udp(sid, a, b, (s[0] - s[1]) * UDP_BLOCK, b - a,
                                                              s[2], s[1], s[0], tail),
                         lambda a, b, ss, tail: _line_udp(None, a, b, sum(s[0] - s[1] for s in ss) * UDP_BLOCK,
                                                          b - a, sum(s[2] for s in ss) / len(ss),
                                                          sum(s[1] for s in ss), sum(s[0] for s in ss), tail),
                         _HEAD_UDP)
    else:
        out = _intervals(request, stream_ids, samples,
                         lambda sid, a, b, s, tail: _line_udp_sender(sid, a, b, s[0] * UDP_BLOCK, b - a, s[0], tail),
                         lambda a, b, ss, tail: _line_udp_sender(None, a, b, sum(s[0] for s in ss) * UDP_BLOCK,
                                                                 b - a, sum(s[0] for s in ss), tail),
                         _HEAD_UDP_SENDER)
    end = request.duration + rng.uniform(0.0001, 0.004)
    summary, totals = [SEPARATOR, "Test Complete. Summary Results:\n", _HEAD_UDP], [0, 0, 0.0]
    for sid, stream in zip(stream_ids, samples):
        measured = stream[request.omit:]
        sent, lost = sum(s[0] for s in measured), sum(s[1] for s in measured)
        jitter = measured[-1][2]
        summary.append(_line_udp(sid, 0.0, end, sent * UDP_BLOCK, end, jitter, lost, sent))
        summary.append("[%3d] Sent %d datagrams\n" % (sid, sent))
        totals = [totals[0] + sent, totals[1] + lost, totals[2] + jitter]
    if len(stream_ids) > 1:
        summary.append(_line_udp(None, 0.0, end, totals[0] * UDP_BLOCK, end, totals[2] / len(stream_ids),
                                 totals[1], totals[0]))
    summary.append(_cpu(rng, sender=not reverse))
    return out + "".join(summary)


def render_report(request, gateway, rng, wall, reverse=False):
    """One complete ``iperf3 -c ... -V`` report (text up to and including ``iperf Done.``)."""
    stream_ids = [4 + 2 * index for index in range(request.parallel)]
    body = (_udp_report if request.protocol == "udp" else _tcp_report)(request, gateway.link, rng, reverse, stream_ids)
    return _header(request, gateway, rng, wall, reverse, stream_ids) + body + "\niperf Done.\n"


def render_error(gateway, error):
    """What ``iperf3 -c ... -V`` prints when it fails before the test starts (busy, refused, no route)."""
    return "%s\n%s\n%s\n" % (VERSION, uname(gateway), error)


def test_seconds(request):
    """Test time of one direction, omitted seconds included."""
    return request.omit + request.duration

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Inline SVG throughput charts for the HTML report: Mbit/s per interval, the threshold line and stalled intervals.

Pure string building with fixed-precision numbers: the same intervals always give the same SVG. Every text that
comes from outside goes through ``html.escape``.
"""

import html
import math
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import fmt_compact, number

WIDTH = 560
HEIGHT = 210
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
COLOURS = {"upload": "#2563eb", "download": "#7c3aed"}
STALL = "#dc2626"


def y_axis(peak: float) -> Tuple[float, float]:
    """``(top, step)`` of the y axis: a round step (1, 2, 2.5 or 5 x 10^k), at most five steps, room above ``peak``."""
    target = max(peak * 1.1, 1.0)
    power = 10.0 ** math.floor(math.log10(target / 5))
    for multiple in (1, 2, 2.5, 5, 10, 20, 25, 50):
        step = multiple * power
        count = math.ceil(target / step - 1e-9)
        if count <= 5:
            return round(step * count, 6), round(step, 6)
    return target, target  # not reached: 50 x power is always >= target / 5 * 10


def _f(value: float) -> str:
    return "{0:.1f}".format(value)


def chart_points(intervals: Any) -> List[Tuple[float, float, float]]:
    """``(start, end, mbps)`` per usable interval; start and end fall back to the interval index."""
    points: List[Tuple[float, float, float]] = []
    for index, interval in enumerate(intervals or []):
        mbps = number(interval.get("mbps"))
        if mbps is None:
            continue
        start = number(interval.get("start"))
        end = number(interval.get("end"))
        if start is None or end is None or end <= start:
            start, end = float(index), float(index + 1)
        points.append((start, end, max(mbps, 0.0)))
    return points


def x_ticks(span: float) -> List[int]:
    """Tick positions in seconds for a test of ``span`` seconds: at most 11 labels, at round steps."""
    step = next((step for step in (1, 2, 5, 10, 15, 30, 60) if span / step <= 10), 120)
    return [index * step for index in range(int(span // step) + 1)]


def render_chart(host: str, direction: str, measurement: Optional[Dict[str, Any]], limit: Optional[float] = None) -> str:
    """One ``<svg>`` chart for one measured direction, or ``""`` when there are no per-interval numbers."""
    points = chart_points((measurement or {}).get("intervals"))
    if not points:
        return ""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max(end for _start, end, _mbps in points) or 1.0
    top, step = y_axis(max([mbps for _s, _e, mbps in points] + [limit or 0.0]))

    def x(seconds: float) -> float:
        return LEFT + plot_w * seconds / span

    def y(mbps: float) -> float:
        return TOP + plot_h * (1 - min(mbps, top) / top)

    colour = COLOURS.get(direction, "#2563eb")
    stalled = sum(1 for _s, _e, mbps in points if mbps == 0)
    label = "{0} {1} throughput per interval, {2} intervals, {3} stalled".format(host, direction, len(points), stalled)
    parts = ['<svg class="chart" viewBox="0 0 {0} {1}" role="img" '
             'data-direction="{2}" aria-label="{3}">'.format(WIDTH, HEIGHT, html.escape(direction), html.escape(label)),
             "<title>{0}</title>".format(html.escape(label))]
    for tick in (step * index for index in range(int(round(top / step)) + 1)):
        parts.append('<line class="grid" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>'.format(LEFT, WIDTH - RIGHT, _f(y(tick))))
        parts.append('<text class="tick" x="{0}" y="{1}" text-anchor="end">{2}</text>'.format(
            LEFT - 6, _f(y(tick) + 4), fmt_compact(tick)))
    for tick in x_ticks(span):
        parts.append('<text class="tick" x="{0}" y="{1}" text-anchor="middle">{2}</text>'.format(
            _f(x(tick)), TOP + plot_h + 15, fmt_compact(tick)))
    for start, end, mbps in points:
        left, right = x(start), x(end)
        gap = min(1.5, (right - left) / 6)
        tip = "{0}-{1} s: {2} Mbit/s".format(fmt_compact(start), fmt_compact(end), fmt_compact(mbps))
        if mbps == 0:
            parts.append('<rect class="stall" x="{0}" y="{1}" width="{2}" height="{3}" fill="{4}" fill-opacity="0.12">'
                         '<title>{5} (stalled)</title></rect>'.format(
                             _f(left), TOP, _f(right - left), plot_h, STALL, html.escape(tip)))
            parts.append('<rect class="stall-mark" x="{0}" y="{1}" width="{2}" height="4" fill="{3}"/>'.format(
                _f(left + gap), _f(TOP + plot_h - 4), _f(right - left - 2 * gap), STALL))
        else:
            parts.append('<rect class="bar" x="{0}" y="{1}" width="{2}" height="{3}" fill="{4}"><title>{5}</title></rect>'
                         .format(_f(left + gap), _f(y(mbps)), _f(right - left - 2 * gap), _f(TOP + plot_h - y(mbps)),
                                 colour, html.escape(tip)))
    parts.append('<line class="axis" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>'.format(LEFT, WIDTH - RIGHT, TOP + plot_h))
    parts.append('<line class="axis" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>'.format(LEFT, TOP, TOP + plot_h))
    if limit is not None:
        parts.append('<line class="threshold" x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="{3}" stroke-dasharray="6 4" '
                     'stroke-width="2"/>'.format(LEFT, WIDTH - RIGHT, _f(y(limit)), STALL))
        parts.append('<text class="threshold-label" x="{0}" y="{1}" text-anchor="end" fill="{2}">min {3} Mbit/s</text>'
                     .format(WIDTH - RIGHT - 4, _f(y(limit) - 5), STALL, fmt_compact(limit)))
    parts.append('<text class="axis-label" x="{0}" y="{1}" text-anchor="middle">time (s)</text>'.format(
        _f(LEFT + plot_w / 2), HEIGHT - 6))
    parts.append('<text class="axis-label" x="14" y="{0}" text-anchor="middle" transform="rotate(-90 14 {0})">Mbit/s</text>'
                 .format(_f(TOP + plot_h / 2)))
    parts.append("</svg>")
    return "".join(parts)

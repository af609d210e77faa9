# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Inline SVG history charts for the HTML report: a gateway's receiver rate over its last runs, with today's.

``render_trend`` draws one direction in the gateway's card: one dot per earlier run (oldest left) and today's dot,
joined by a line, with the contracted rate as a dashed line and the baseline (the median of the last runs) as a
dotted one. ``render_sparkline`` is the same series in a few pixels for the fleet table, next to today's figure.
Runs are spaced evenly (a run is a run, whatever the days between); each dot's tooltip gives its time.
Pure string building: the same points always give the same SVG, and every text from outside is escaped.
"""

import html
from typing import Any, Callable, List, Optional, Tuple

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import (
    fmt_compact,
    fmt_time,
    number,
)
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._svg import COLOURS, y_axis

WIDTH, HEIGHT = 560, 150
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 14, 30
SPARK_WIDTH, SPARK_HEIGHT = 72, 20
CONTRACT = "#0f766e"
BASELINE = "#6b7280"
VERDICT_COLOURS = {"PASS": "#15803d", "WARN": "#c2410c", "FAIL": "#b91c1c", "ERROR": "#a16207"}


def _f(value: float) -> str:
    return "{0:.1f}".format(value)


def series(points: Any, today_mbps: Any, today_label: str = "today",
           today_verdict: Optional[str] = None) -> List[Tuple[Any, float, Any, bool]]:
    """``[(label, mbps, verdict, is_today)]``: the earlier points with a rate, then today's when measured."""
    result: List[Tuple[Any, float, Any, bool]] = []
    for point in points or []:
        mbps = number((point or {}).get("receiver_mbps"))
        if mbps is not None:
            result.append((fmt_time(point.get("time")) or "earlier run", max(mbps, 0.0), point.get("verdict"), False))
    today = number(today_mbps)
    if today is not None:
        result.append((today_label, max(today, 0.0), today_verdict, True))
    return result


def _scale(values: List[float], extra: List[Optional[float]], width: float, height: float, left: float,
           top: float) -> Tuple[Callable[[int], float], Callable[[float], float], float, float]:
    """Functions x(index) and y(mbps), and the axis top and step."""
    axis_top, step = y_axis(max(values + [value for value in extra if value is not None] + [0.0]))
    count = len(values)

    def x(index: int) -> float:
        return left + (width * (index + 0.5) / count if count else width / 2.0)

    def y(mbps: float) -> float:
        return top + height * (1 - min(mbps, axis_top) / axis_top)
    return x, y, axis_top, step


def _level_line(cls: str, colour: str, value: float, y: Callable[[float], float], label: str, dash: str,
                left_label: bool = False) -> str:
    """A dashed level across the plot with its label at the right end (or the left, so two labels do not meet)."""
    return ('<line class="{0}" x1="{1}" x2="{2}" y1="{3}" y2="{3}" stroke="{4}" stroke-width="1.5" stroke-dasharray="{5}"/>'
            '<text class="{0}-label" x="{6}" y="{7}" text-anchor="{10}" fill="{4}">{8} {9} Mbit/s</text>').format(
                cls, LEFT, WIDTH - RIGHT, _f(y(value)), colour, dash, LEFT + 4 if left_label else WIDTH - RIGHT - 4,
                _f(y(value) - 4), html.escape(label), fmt_compact(value), "start" if left_label else "end")


def render_trend(host: str, direction: str, points: Any, today_mbps: Any, contract_mbps: Any = None,
                 baseline_mbps: Any = None, today_verdict: Optional[str] = None) -> str:
    """One ``<svg class="trend">`` of a direction's history and today, or ``""`` when there is nothing to draw."""
    rows = series(points, today_mbps, today_verdict=today_verdict)
    if not rows:
        return ""
    contract, baseline = number(contract_mbps), number(baseline_mbps)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    x, y, axis_top, step = _scale([mbps for _l, mbps, _v, _t in rows], [contract, baseline], plot_w, plot_h, LEFT, TOP)
    label = "{0} {1} receiver rate of the last {2} runs and today".format(host, direction, len(rows) - (1 if rows[-1][3] else 0))
    parts = ['<svg class="trend" viewBox="0 0 {0} {1}" role="img" data-direction="{2}" data-points="{3}" '
             'aria-label="{4}"><title>{4}</title>'.format(WIDTH, HEIGHT, html.escape(direction), len(rows), html.escape(label))]
    for tick in (step * index for index in range(int(round(axis_top / step)) + 1)):
        parts.append('<line class="grid" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/><text class="tick" x="{3}" y="{4}" '
                     'text-anchor="end">{5}</text>'.format(LEFT, WIDTH - RIGHT, _f(y(tick)), LEFT - 6, _f(y(tick) + 4),
                                                           fmt_compact(tick)))
    if baseline is not None:
        parts.append(_level_line("baseline", BASELINE, baseline, y, "baseline", "2 3", left_label=contract is not None))
    if contract is not None:
        parts.append(_level_line("contract", CONTRACT, contract, y, "contract", "6 4"))
    colour = COLOURS.get(direction, "#2563eb")
    parts.append('<polyline class="series" fill="none" stroke="{0}" stroke-width="2" points="{1}"/>'.format(
        colour, " ".join("{0},{1}".format(_f(x(index)), _f(y(mbps))) for index, (_l, mbps, _v, _t) in enumerate(rows))))
    for index, (when, mbps, verdict, today) in enumerate(rows):
        fill = VERDICT_COLOURS.get(verdict, colour)
        tip = "{0}: {1} Mbit/s{2}".format(when, fmt_compact(mbps), " ({0})".format(verdict) if verdict else "")
        parts.append('<circle class="{0}" cx="{1}" cy="{2}" r="{3}" fill="{4}" stroke="#fff" stroke-width="1.5">'
                     '<title>{5}</title></circle>'.format("today" if today else "run", _f(x(index)), _f(y(mbps)),
                                                          5 if today else 3.5, fill, html.escape(tip)))
    first, last = rows[0][0], rows[-1][0]
    parts.append('<text class="tick" x="{0}" y="{1}" text-anchor="start">{2}</text>'.format(
        LEFT, HEIGHT - 10, html.escape(first if len(rows) > 1 else "")))
    parts.append('<text class="tick" x="{0}" y="{1}" text-anchor="end">{2}</text>'.format(
        WIDTH - RIGHT, HEIGHT - 10, html.escape(last)))
    parts.append('<line class="axis" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>'.format(LEFT, WIDTH - RIGHT, TOP + plot_h))
    parts.append("</svg>")
    return "".join(parts)


def render_sparkline(points: Any, today_mbps: Any, contract_mbps: Any = None) -> str:
    """A tiny ``<svg class="spark">`` of the earlier runs and today, or ``""`` without earlier runs."""
    rows = series(points, today_mbps)
    if len(rows) < 2:
        return ""
    contract = number(contract_mbps)
    x, y, _top, _step = _scale([mbps for _l, mbps, _v, _t in rows], [contract], SPARK_WIDTH - 6, SPARK_HEIGHT - 4, 3, 2)
    parts = ['<svg class="spark" viewBox="0 0 {0} {1}" width="{0}" height="{1}" aria-hidden="true">'.format(
        SPARK_WIDTH, SPARK_HEIGHT)]
    if contract is not None:
        parts.append('<line x1="0" x2="{0}" y1="{1}" y2="{1}" stroke="{2}" stroke-dasharray="3 2"/>'.format(
            SPARK_WIDTH, _f(y(contract)), CONTRACT))
    parts.append('<polyline fill="none" stroke="#6b7280" stroke-width="1.2" points="{0}"/>'.format(
        " ".join("{0},{1}".format(_f(x(index)), _f(y(mbps))) for index, (_l, mbps, _v, _t) in enumerate(rows))))
    if rows[-1][3]:
        parts.append('<circle cx="{0}" cy="{1}" r="2.5" fill="#111827"/>'.format(_f(x(len(rows) - 1)), _f(y(rows[-1][1]))))
    parts.append("</svg>")
    return "".join(parts)

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""The HTML fleet report: one self-contained page (inline CSS and SVG, no script, no external asset).

The page has the run metadata and fleet counts, a table with one row per gateway, and per gateway its numbers,
failed checks or error, and a throughput chart per measured direction. With history, each gateway's card also draws
its receiver rate over its last runs and today's, with the contracted rate and the baseline, and the table shows a
sparkline of the same next to today's figure; WARN checks, earlier attempts of the run and notes are listed. Every value from the API or the inventory
is escaped with ``html.escape``; numbers are formatted here. A Content-Security-Policy forbids scripts and remote
loads, so even a browser that opens a tampered copy runs nothing.
"""

import html
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._html_style import CSS
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import (
    DIRECTIONS,
    attempts_text,
    baseline_of,
    baseline_text,
    contract_of,
    direction_rows,
    error_text,
    fmt_change,
    fmt_compact,
    fmt_number,
    fmt_time,
    group_label,
    normalize_entries,
    normalize_metadata,
    number,
    one_line,
    summarise,
    threshold_limit,
)
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._svg import render_chart
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._trend_svg import (
    render_sparkline,
    render_trend,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
DIRECTION_TITLES = {"upload": "Upload (gateway sends)", "download": "Download (gateway receives)"}


def esc(value: Any) -> str:
    """Escaped one-line text for HTML content and attribute values."""
    return html.escape(one_line(value), quote=True)


def _meta_line(run: Dict[str, Any]) -> str:
    items = ["Generated {0}".format(esc(run["generated_at"]))]
    if run["awx_job_id"] is not None:
        items.append("AWX job {0}".format(esc(run["awx_job_id"])))
    if run["awx_workflow_job_id"] is not None:
        items.append("workflow job {0}".format(esc(run["awx_workflow_job_id"])))
    if run["awx_job_template_name"] is not None:
        items.append("template {0}".format(esc(run["awx_job_template_name"])))
    if run["run_id"] is not None and str(run["run_id"]) != str(run["awx_job_id"]):
        items.append("run {0}".format(esc(run["run_id"])))
    if run["playbook"] is not None:
        items.append("playbook {0}".format(esc(run["playbook"])))
    if run["sources"]:
        items.append("merged from {0} reports".format(len(run["sources"])))
    return '<p class="meta">' + "".join("<span>{0}</span>".format(item) for item in items) + "</p>"


def _cards(summary: Dict[str, Any]) -> str:
    cards = [("", summary["total"], "gateways"), ("PASS", summary["passed"], "passed"),
             ("WARN", summary["warned"], "below a WARN level"),
             ("FAIL", summary["failed"], "failed a threshold"), ("ERROR", summary["errors"], "could not be measured"),
             ("ERROR" if summary["not_run"] else "", summary["not_run"], "not run")]
    return '<section class="cards">' + "".join(
        '<div class="card {0}"><span class="num">{1}</span><span class="lbl">{2}</span></div>'.format(cls, count, label)
        for cls, count, label in cards) + "</section>"


def _sites(summary: Dict[str, Any]) -> str:
    if len(summary["groups"]) < 2:
        return ""
    parts: List[str] = []
    for group, counts in summary["groups"].items():
        warn = " / {0} WARN".format(counts["WARN"]) if summary["warned"] else ""
        parts.append("<b>{0}</b> {1} PASS{2} / {3} FAIL / {4} ERROR".format(
            esc(group), counts["PASS"], warn, counts["FAIL"], counts["ERROR"]))
    return '<p class="sites">By site: ' + " &nbsp;&middot;&nbsp; ".join(parts) + "</p>"


def _rate_cell(entry: Dict[str, Any], direction: str) -> str:
    record = entry["record"]
    measurement = record["measurements"].get(direction)
    if not measurement:
        return '<td class="num">-</td>'
    value = number(measurement.get("receiver_mbps"))
    limit = threshold_limit(record, direction)
    low = value is not None and limit is not None and value < limit
    text = fmt_number(value)
    if limit is not None:
        text += ' <span class="limit">/ {0}</span>'.format(fmt_compact(limit))
    return '<td class="num{0}">{1}{2}</td>'.format(" low" if low else "", text, _trend_cell(record, direction, value))


def _trend_cell(record: Dict[str, Any], direction: str, today: Optional[float]) -> str:
    """The sparkline and the change against the baseline, after today's figure ("" without history)."""
    baseline = baseline_of(record, direction) or {}
    contract = contract_of(record, direction) or {}
    spark = render_sparkline(baseline.get("points"), today, contract.get("mbps"))
    change = number(baseline.get("change_percent"))
    if change is None:
        return (" " + spark) if spark else ""
    trend = "down" if change <= -0.05 else "up" if change >= 0.05 else "flat"
    return ' {0}<span class="chg {1}" title="{2}">{3}</span>'.format(
        spark, trend, esc(baseline_text(record, direction)), fmt_change(change))


def _quality(record: Dict[str, Any]) -> str:
    parts: List[str] = []
    for direction in DIRECTIONS:
        measurement = record["measurements"].get(direction)
        if not measurement:
            continue
        bits: List[str] = []
        if measurement.get("retransmits") is not None:
            bits.append("{0} retr".format(fmt_number(measurement.get("retransmits"))))
        if number(measurement.get("stalled_intervals")):
            bits.append("{0} stalled".format(fmt_number(measurement.get("stalled_intervals"))))
        if measurement.get("loss_percent") is not None:
            bits.append("{0}% loss".format(fmt_number(measurement.get("loss_percent"))))
        if measurement.get("jitter_ms") is not None:
            bits.append("{0} ms jitter".format(fmt_number(measurement.get("jitter_ms"))))
        if bits:
            parts.append("{0}: {1}".format(direction[0].upper(), ", ".join(bits)))
    return "<br>".join(parts) or "-"


def _problem_lines(entry: Dict[str, Any]) -> List[str]:
    record = entry["record"]
    rows = direction_rows(entry)
    if record["verdict"] == "ERROR":
        lines = [error_text(record)]
    else:
        lines = [message for row in rows if row["verdict"] == "FAIL" for message in row["failure_messages"]]
    return lines + ["WARN: " + message for row in rows for message in row["warn_messages"]]


def _table(entries: List[Dict[str, Any]]) -> str:
    head = ('<table class="fleet"><thead><tr>'
            '<th aria-sort="ascending">Gateway<span class="sort">&#9650;</span></th>'
            '<th>Site<span class="sort">&#8597;</span></th><th>Verdict<span class="sort">&#8597;</span></th>'
            '<th class="num">Upload Mbit/s<span class="sort">&#8597;</span></th>'
            '<th class="num">Download Mbit/s<span class="sort">&#8597;</span></th>'
            '<th>Quality</th><th>Details</th></tr></thead><tbody>')
    rows: List[str] = []
    for index, entry in enumerate(entries):
        record = entry["record"]
        rows.append('<tr class="{0}" data-host="{1}"><td class="host"><a href="#gw-{2}">{3}</a></td><td class="site">{4}</td>'
                    '<td><span class="badge">{0}</span></td>{5}{6}<td>{7}</td><td class="details"><div class="clamp">{8}</div></td></tr>'.format(
                        record["verdict"], esc(entry["host"]), index, esc(entry["host"]), esc(group_label(entry)),
                        _rate_cell(entry, "upload"), _rate_cell(entry, "download"), _quality(record),
                        "<br>".join(esc(line) for line in _problem_lines(entry)) or "-"))
    if not rows:
        rows.append('<tr><td colspan="7">No gateways in this run.</td></tr>')
    return head + "".join(rows) + "</tbody></table>"


def _facts(entry: Dict[str, Any]) -> str:
    record = entry["record"]
    test = record["test"]
    facts = [("site", group_label(entry)), ("serial", record.get("serial_number")), ("task", test.get("task_id")),
             ("server", test.get("server_address") if test.get("port") in (None, "") else "{0}:{1}".format(
                 one_line(test.get("server_address")), one_line(test.get("port")))),
             ("protocol", test.get("protocol")), ("streams", test.get("streams")),
             ("duration", None if test.get("duration_seconds") in (None, "") else "{0} s".format(
                 fmt_number(test.get("duration_seconds")))),
             ("started", fmt_time(test.get("start_time")))]
    return '<div class="facts">' + "".join(
        "<span>{0} <b>{1}</b></span>".format(name, esc(value)) for name, value in facts if value not in (None, "")) + "</div>"


def _caption(direction: str, measurement: Dict[str, Any]) -> str:
    numbers = ["receiver {0} Mbit/s".format(fmt_number(measurement.get("receiver_mbps"))),
               "sender {0} Mbit/s".format(fmt_number(measurement.get("sender_mbps")))]
    if number(measurement.get("stalled_intervals")):
        numbers.append("{0} stalled intervals".format(fmt_number(measurement.get("stalled_intervals"))))
    return "<figcaption>{0} <span>&middot; {1}</span></figcaption>".format(
        DIRECTION_TITLES.get(direction, esc(direction)), " &middot; ".join(numbers))


def _gateway(index: int, entry: Dict[str, Any]) -> str:
    record = entry["record"]
    parts = ['<article class="gateway {0}" id="gw-{1}" data-host="{2}">'.format(record["verdict"], index, esc(entry["host"])),
             '<header><h3>{0}</h3><span class="badge">{1}</span></header>'.format(esc(entry["host"]), record["verdict"]),
             _facts(entry)]
    problems = _problem_lines(entry)
    if problems:
        title = {"FAIL": "Failed checks", "WARN": "Below a WARN level"}.get(record["verdict"], "Not measured")
        parts.append('<div class="problem"><b>{0}</b><ul>{1}</ul></div>'.format(
            title, "".join("<li>{0}</li>".format(esc(line)) for line in problems)))
    notes = [text for text in [attempts_text(record)] + record["notes"] if text]
    if notes:
        parts.append('<ul class="notes">{0}</ul>'.format("".join("<li>{0}</li>".format(esc(note)) for note in notes)))
    for direction in DIRECTIONS:
        parts.append(_trend_figure(entry, direction))
    for direction in DIRECTIONS:
        measurement = record["measurements"].get(direction)
        if not measurement:
            continue
        chart = render_chart(entry["host"], direction, measurement, threshold_limit(record, direction))
        parts.append('<figure data-direction="{0}">{1}{2}</figure>'.format(
            direction, _caption(direction, measurement),
            chart or '<p class="nochart">No per-interval numbers in the result.</p>'))
    parts.append("</article>")
    return "".join(parts)


def _trend_figure(entry: Dict[str, Any], direction: str) -> str:
    """The history chart of one direction, with a caption of today, the baseline and the contract ("" without)."""
    record = entry["record"]
    baseline = baseline_of(record, direction)
    if not baseline:
        return ""
    measurement = record["measurements"].get(direction) or {}
    contract = contract_of(record, direction) or {}
    rows = [row for row in direction_rows(entry) if row["direction"] == direction]
    chart = render_trend(entry["host"], direction, baseline.get("points"), measurement.get("receiver_mbps"),
                         contract.get("mbps"), baseline.get("median_mbps"), rows[0]["verdict"] if rows else None)
    if not chart:
        return ""
    today = measurement.get("receiver_mbps")
    facts = ["today {0}".format("{0} Mbit/s".format(fmt_number(today)) if today is not None else "not measured"),
             esc(baseline_text(record, direction))]
    if contract.get("mbps") is not None:
        facts.append("contract {0} Mbit/s ({1}%)".format(fmt_compact(contract.get("mbps")),
                                                         fmt_compact(contract.get("receiver_percent"))))
    return ('<figure class="history" data-direction="{0}"><figcaption>{1} history <span>&middot; {2}</span>'
            '</figcaption>{3}</figure>').format(direction, DIRECTION_TITLES.get(direction, esc(direction)).split(" (")[0],
                                                " &middot; ".join(facts), chart)


def _card_order(entries: List[Dict[str, Any]]) -> List[Tuple[int, Dict[str, Any]]]:
    """Gateway cards with problems first (FAIL, ERROR, WARN, then PASS), by host name within each verdict."""
    rank = {"FAIL": 0, "ERROR": 1, "WARN": 2, "PASS": 3}
    indexed = list(enumerate(entries))
    return sorted(indexed, key=lambda item: (rank[item[1]["record"]["verdict"]], item[0]))


def _history_legend(entries: List[Dict[str, Any]]) -> str:
    if not any(entry["record"]["baseline"] for entry in entries):
        return ""
    return ('<br>History: receiver Mbit/s per run, today last <i class="l-contract"></i>contract '
            '<i class="l-baseline"></i>baseline (median of the last runs)')


def render_html(entries: Any, metadata: Optional[Mapping[str, Any]] = None) -> str:
    """The HTML report: one self-contained UTF-8 page."""
    entries = normalize_entries(entries)
    run = normalize_metadata(metadata)
    summary = summarise(entries, max_hosts=len(entries))
    title = esc(run["title"])
    body = [
        '<header class="page-head"><div><h1>{0}</h1>{1}</div><div class="overall {2}">{2}</div></header>'.format(
            title, _meta_line(run), summary["verdict"]),
        _cards(summary), _sites(summary),
        "<h2>Gateways</h2>", _table(entries),
        "<h2>Per gateway <small>(failed first, then errors, warnings, then passed)</small></h2>",
        '<p class="legend">Charts: Mbit/s per interval <i class="l-bar"></i>upload <i class="l-bar2"></i>download '
        '<i class="l-limit"></i>threshold <i class="l-stall"></i>stalled interval (0 bit/s)'
        '{0}</p>'.format(_history_legend(entries)),
        '<section class="gateways">' + "".join(_gateway(index, entry) for index, entry in _card_order(entries)) + "</section>",
        "<footer>aruba_central.troubleshooting bandwidth report &middot; {0} gateways &middot; thresholds as evaluated "
        "by the role aruba_central.troubleshooting.gateway_bandwidth</footer>".format(summary["total"]),
    ]
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta http-equiv="Content-Security-Policy" content="{0}">\n'
            "<title>{1} - {2}</title>\n<style>{3}</style>\n</head>\n<body>\n<main>\n{4}\n</main>\n</body>\n</html>\n").format(
                CSP, title, summary["verdict"], CSS, "\n".join(part for part in body if part))

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""The inline stylesheet of the HTML report: system fonts only, no ``url()``, no imports, prints well."""

CSS = """
:root { --pass: #15803d; --pass-bg: #dcfce7; --fail: #b91c1c; --fail-bg: #fee2e2; --error: #a16207; --error-bg: #fef3c7;
  --warn: #c2410c; --warn-bg: #ffedd5;
  --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --panel: #ffffff; --page: #f3f4f6; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 20px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 26px 0 10px; }
h2 small { font-size: 13px; font-weight: 400; color: var(--muted); }
h3 { font-size: 15px; margin: 0; overflow-wrap: anywhere; }
.page-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 16px; }
.meta { color: var(--muted); margin: 0; }
.meta span + span::before { content: "\\00b7"; margin: 0 7px; }
.overall { font-size: 20px; font-weight: 700; padding: 8px 18px; border-radius: 8px; }
.cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; margin-top: 18px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .num { display: block; font-size: 26px; font-weight: 700; }
.card .lbl { color: var(--muted); }
.card.PASS { border-left: 6px solid var(--pass); } .card.FAIL { border-left: 6px solid var(--fail); }
.card.ERROR { border-left: 6px solid var(--error); } .card.WARN { border-left: 6px solid var(--warn); }
.sites { color: var(--muted); margin: 10px 0 0; }
.sites b { color: var(--ink); font-weight: 600; }
table { width: 100%; border-collapse: collapse; background: var(--panel); border: 1px solid var(--line); }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #f9fafb; font-weight: 600; white-space: nowrap; user-select: none; }
th .sort { color: #9ca3af; font-size: 11px; margin-left: 4px; }
th[aria-sort] .sort { color: var(--ink); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.low { color: var(--fail); font-weight: 600; }
td .limit { color: var(--muted); font-size: 12px; font-weight: 400; }
td.details { max-width: 420px; overflow-wrap: anywhere; }
.clamp { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
td.host { overflow-wrap: anywhere; min-width: 120px; max-width: 220px; }
td.site { min-width: 130px; }
tbody tr:nth-child(even) { background: #fafafa; }
a { color: inherit; }
.badge { display: inline-block; min-width: 56px; text-align: center; font-weight: 700; font-size: 12px;
  padding: 2px 8px; border-radius: 999px; }
.PASS .badge, .badge.PASS, .overall.PASS { background: var(--pass-bg); color: var(--pass); }
.FAIL .badge, .badge.FAIL, .overall.FAIL { background: var(--fail-bg); color: var(--fail); }
.ERROR .badge, .badge.ERROR, .overall.ERROR, .overall.EMPTY { background: var(--error-bg); color: var(--error); }
.WARN .badge, .badge.WARN, .overall.WARN { background: var(--warn-bg); color: var(--warn); }
.legend { color: var(--muted); margin: 0 0 10px; }
.legend i { display: inline-block; width: 18px; height: 10px; margin: 0 4px 0 12px; vertical-align: middle; }
.legend .l-bar { background: #2563eb; } .legend .l-bar2 { background: #7c3aed; }
.legend .l-stall { background: rgba(220, 38, 38, 0.18); border-bottom: 3px solid #dc2626; }
.legend .l-limit { border-top: 2px dashed #dc2626; height: 0; }
.gateways { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px; align-items: start; }
.gateway { background: var(--panel); border: 1px solid var(--line); border-top: 5px solid var(--line);
  border-radius: 8px; padding: 12px 14px; break-inside: avoid; }
.gateway.PASS { border-top-color: var(--pass); } .gateway.FAIL { border-top-color: var(--fail); }
.gateway.ERROR { border-top-color: var(--error); } .gateway.WARN { border-top-color: var(--warn); }
.gateway > header { display: flex; justify-content: space-between; align-items: center; gap: 10px; }
.facts { display: flex; flex-wrap: wrap; gap: 2px 14px; margin: 6px 0; color: var(--muted); font-size: 12.5px; }
.facts b { color: var(--ink); font-weight: 600; overflow-wrap: anywhere; }
.problem { margin: 6px 0; padding: 6px 10px; border-radius: 6px; overflow-wrap: anywhere; }
.FAIL .problem { background: var(--fail-bg); } .ERROR .problem { background: var(--error-bg); }
.WARN .problem { background: var(--warn-bg); }
.notes { margin: 4px 0; padding-left: 18px; color: var(--muted); font-size: 12.5px; }
svg.trend { width: 100%; height: auto; display: block; }
svg.spark { vertical-align: middle; margin-left: 6px; }
td .chg { font-size: 11.5px; margin-left: 4px; font-weight: 600; } td .chg.down { color: var(--fail); }
td .chg.up { color: var(--pass); } td .chg.flat { color: var(--muted); }
svg .contract-label, svg .baseline-label { font-weight: 700; paint-order: stroke; stroke: #fff; stroke-width: 4px;
  stroke-linejoin: round; }
.legend .l-contract { border-top: 2px dashed #0f766e; height: 0; } .legend .l-baseline { border-top: 2px dotted #6b7280; height: 0; }
.problem ul { margin: 2px 0 0; padding-left: 18px; }
figure { margin: 8px 0 0; }
figcaption { font-weight: 600; font-size: 13px; }
figcaption span { color: var(--muted); font-weight: 400; }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: #eef0f3; } svg .axis { stroke: #9ca3af; }
svg text { font-size: 11px; fill: #6b7280; font-family: inherit; }
svg .axis-label { fill: #374151; font-size: 11.5px; }
svg .threshold-label { fill: #dc2626; font-weight: 700; paint-order: stroke; stroke: #fff; stroke-width: 4px;
  stroke-linejoin: round; }
.nochart { color: var(--muted); font-style: italic; margin: 8px 0 0; }
footer { color: var(--muted); margin-top: 24px; font-size: 12px; }
@media (max-width: 900px) { .gateways { grid-template-columns: 1fr; } .cards { grid-template-columns: repeat(2, 1fr); } }
@media print { body { background: #fff; } .gateway { border-color: #ccc; } }
"""

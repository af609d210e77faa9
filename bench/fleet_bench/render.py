# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The benchmark's console table."""

COLUMNS = (
    ("size", "size"), ("run", "run"), ("wall s", "wall"), ("ideal s", "ideal"), ("wall/ideal", "wall_to_ideal"),
    ("req/gw", "req"), ("tokens", "tokens"), ("busy", "busy"), ("429", "429"), ("lag med", "lag_med"),
    ("lag p95", "lag_p95"), ("idle med", "idle"), ("handover med", "handover"), ("CPU s/gw", "cpu"), ("peak MiB", "mem"),
    ("load 1m", "load"),
)


def text(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return "%.2f" % value
    return str(value)


def row(size, name, figures, load):
    return {
        "size": size, "run": name, "wall": figures["wall_seconds"], "ideal": figures["ideal_seconds"],
        "wall_to_ideal": figures["wall_to_ideal"], "req": figures["requests"]["per_gateway"],
        "tokens": figures["tokens_minted"], "busy": figures["busy_collisions"], "429": figures["rate_limited"],
        "lag_med": figures["tasks"]["detection_lag_median"], "lag_p95": figures["tasks"]["detection_lag_p95"],
        "idle": figures["endpoints"]["idle_median"], "handover": figures["endpoints"]["handover_median"],
        "cpu": figures["controller"]["cpu_seconds_per_gateway"],
        "mem": figures["controller"]["peak_tree_memory_mib"], "load": load,
    }


def table(rows):
    """Rows (dicts keyed as in COLUMNS) as aligned text."""
    cells = [[title for title, _key in COLUMNS]] + [[text(r.get(key)) for _title, key in COLUMNS] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.rjust(width) if i > 1 else cell.ljust(width) for i, (cell, width) in
                       enumerate(zip(line, widths))).rstrip() for line in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def targets(size, checks):
    out = []
    for check in checks:
        mark = {True: "met", False: "MISSED", None: "n/a"}[check["met"]]
        out.append("  %-7s %-34s %-6s measured %s, limit %s"
                   % (size, check["target"], mark, text(check["value"]), text(check["limit"])))
    return "\n".join(out)

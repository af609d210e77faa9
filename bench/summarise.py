# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Print the Markdown tables of docs/performance.md from one results file of bench/run.py.

    python bench/summarise.py bench/results/<UTC time>-<sizes>.json
"""

import json
import sys


def _v(value, digits=2):
    if value is None:
        return "-"
    if isinstance(value, float):
        return ("%%.%df" % digits) % value
    return str(value)


def _load(run):
    before, after = run.get("load_average_before") or [None], run.get("load_average_after") or [None]
    return "%s / %s" % (_v(before[0]), _v(after[0]))


def figures_table(document):
    head = ("| size | run | wall s | ideal s | wall / ideal | requests / gateway | tokens | busy | 429 | "
            "lag median / p95 s | CPU s / gateway | peak MiB | forks | load 1 min before / after |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for size in document["sizes"]:
        for name in ("collection", "baseline"):
            run = size.get(name)
            if not run:
                continue
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s | %s |" % (
                size["size"], name, _v(run["wall_seconds"], 1), _v(run["ideal_seconds"], 1),
                _v(run["wall_to_ideal"]), _v(run["requests"]["per_gateway"]), _v(run["tokens_minted"]),
                _v(run["busy_collisions"]), _v(run["rate_limited"]), _v(run["tasks"]["detection_lag_median"]),
                _v(run["tasks"]["detection_lag_p95"]), _v(run["controller"]["cpu_seconds_per_gateway"]),
                _v(run["controller"]["peak_tree_memory_mib"], 0), _v(run.get("forks")), _load(run)))
    return "\n".join(lines)


def phases_table(document):
    lines = ["| size | before the first test s | tests s | after the last result s | one test s | "
             "endpoint idle median s | hand-over median s | main process CPU s | requests by kind per gateway |",
             "|---|---|---|---|---|---|---|---|---|"]
    for size in document["sizes"]:
        run = size["collection"]
        kinds = ", ".join("%s %s" % (k, _v(v)) for k, v in run["requests"]["per_gateway_by_kind"].items())
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            size["size"], _v(run["phases"]["before_first_test"], 1), _v(run["phases"]["tests"], 1),
            _v(run["phases"]["after_last_result"], 1), _v(run["tasks"]["one_test_seconds"]),
            _v(run["endpoints"]["idle_median"]), _v(run["endpoints"]["handover_median"]),
            _v(run["controller"].get("main_process_cpu_seconds"), 1), kinds))
    return "\n".join(lines)


def comparison_table(document):
    lines = ["| size | wall time | API requests | tokens |", "|---|---|---|---|"]
    for size in document["sizes"]:
        ratios = size.get("collection_to_baseline")
        if ratios:
            lines.append("| %s | %s | %s | %s |" % (
                size["size"], _v(ratios["wall_time"]), _v(ratios["requests"]), _v(ratios["tokens"])))
    return "\n".join(lines)


def targets_table(document):
    lines = ["| size | target | measured | met |", "|---|---|---|---|"]
    for size in document["sizes"]:
        for check in size["targets"]:
            lines.append("| %s | %s | %s | %s |" % (size["size"], check["target"], _v(check["value"]),
                                                    {True: "yes", False: "**no**", None: "-"}[check["met"]]))
    return "\n".join(lines)


def tasks_table(document, size_label, top=12):
    size = next(s for s in document["sizes"] if s["size"] == size_label)
    profile = size["collection"].get("profile") or {}
    lines = ["| task | hosts | span s | mean per host s |", "|---|---|---|---|"]
    for row in profile.get("slowest", [])[:top]:
        lines.append("| %s | %s | %s | %s |" % (row["task"], row["hosts"], _v(row["span_seconds"]),
                                                _v(row["mean_seconds"], 3)))
    return "\n".join(lines)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        document = json.load(handle)
    print("Generated %s, collection sha256 %s, uptime at start: %s\n" % (
        document["generated_at"], (document.get("collection") or {}).get("sha256", "-")[:12],
        document["environment"].get("uptime_at_start")))
    sections = (("Figures", figures_table(document)),
                ("Where the collection's wall time went", phases_table(document)),
                ("Collection / baseline", comparison_table(document)),
                ("Targets", targets_table(document)))
    for title, text in sections:
        print("### %s\n\n%s\n" % (title, text))
    for size in document["sizes"]:
        print("### Slowest tasks at %s\n\n%s\n" % (size["size"], tasks_table(document, size["size"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json

import summarise


def run(wall, lag_p95):
    return {
        "wall_seconds": wall, "ideal_seconds": 20.0, "wall_to_ideal": wall / 20.0, "tokens_minted": 1,
        "busy_collisions": 0, "rate_limited": 0, "forks": 8,
        "requests": {"per_gateway": 2.8, "per_gateway_by_kind": {"poll": 1.75, "start": 1.0, "token": 0.05}},
        "tasks": {"detection_lag_median": 0.6, "detection_lag_p95": lag_p95, "one_test_seconds": 3.4},
        "controller": {"cpu_seconds_per_gateway": 1.5, "peak_tree_memory_mib": 360.4},
        "phases": {"before_first_test": 9.0, "tests": 26.0, "after_last_result": 14.0},
        "endpoints": {"idle_median": 1.0, "handover_median": 0.2},
        "load_average_before": [3.9, 6.5, 4.8], "load_average_after": [4.2, 6.0, 4.7],
        "profile": {"slowest": [{"task": "Run the iperf test", "hosts": 24, "span_seconds": 30.0,
                                 "mean_seconds": 5.1}]},
    }


DOCUMENT = {
    "generated_at": "2026-01-01T00:00:00+00:00", "collection": {"sha256": "ab" * 32},
    "environment": {"uptime_at_start": "load average: 3.9"},
    "sizes": [{"size": "24x4", "collection": run(50.0, 1.8), "baseline": run(80.0, None),
               "collection_to_baseline": {"wall_time": 0.625, "requests": 0.9, "tokens": 0.167},
               "targets": [{"target": "zero busy collisions", "value": 0, "limit": 0, "met": True},
                           {"target": "detection lag p95 <= 2 s", "value": 2.5, "limit": 2.0, "met": False}]}],
}


def test_figures_table_has_one_row_per_run_and_aligned_columns():
    lines = summarise.figures_table(DOCUMENT).splitlines()
    assert len(lines) == 4
    assert len({line.count("|") for line in lines}) == 1
    assert lines[2].startswith("| 24x4 | collection | 50.0 | 20.0 | 2.50 | 2.80 | 1 |")
    assert "| 0.60 / - |" in lines[3]
    assert lines[2].endswith("| 3.90 / 4.20 |")


def test_targets_and_comparison():
    assert "| 24x4 | detection lag p95 <= 2 s | 2.50 | **no** |" in summarise.targets_table(DOCUMENT)
    assert "| 24x4 | 0.62 | 0.90 | 0.17 |" in summarise.comparison_table(DOCUMENT)
    assert "poll 1.75, start 1.00, token 0.05" in summarise.phases_table(DOCUMENT)


def test_main_prints_every_section(tmp_path, capsys):
    path = tmp_path / "result.json"
    path.write_text(json.dumps(DOCUMENT))
    assert summarise.main(["summarise.py", str(path)]) == 0
    out = capsys.readouterr().out
    for title in ("### Figures", "### Targets", "### Collection / baseline", "### Slowest tasks at 24x4"):
        assert title in out
    assert summarise.main(["summarise.py"]) == 2

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from fleet_bench import render


def figures(wall):
    return {"wall_seconds": wall, "ideal_seconds": 20.0, "wall_to_ideal": wall / 20.0,
            "requests": {"per_gateway": 2.875}, "tokens_minted": 1, "busy_collisions": 0, "rate_limited": 0,
            "tasks": {"detection_lag_median": 0.5, "detection_lag_p95": None},
            "endpoints": {"idle_median": 1.2, "handover_median": 0.7},
            "controller": {"cpu_seconds_per_gateway": 1.5, "peak_tree_memory_mib": 300.0}}


def test_table_aligns_columns_and_shows_missing_values_as_dash():
    lines = render.table([render.row("24x4", "collection", figures(26.0), 1.5),
                          render.row("24x4", "baseline", figures(60.0), None)]).splitlines()
    assert len(lines) == 4
    assert lines[0].split()[:3] == ["size", "run", "wall"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    collection = lines[2].split()
    assert collection[:6] == ["24x4", "collection", "26.00", "20.00", "1.30", "2.88"]
    assert collection[10] == "-"       # lag p95 unknown
    assert len({len(line) for line in lines[:2]}) == 1


def test_targets_say_met_missed_or_unknown():
    text = render.targets("24x4", [{"target": "a", "value": 1, "limit": 1, "met": True},
                                   {"target": "b", "value": 3.0, "limit": 2.0, "met": False},
                                   {"target": "c", "value": None, "limit": 2.0, "met": None}])
    assert [line.split()[2] for line in text.splitlines()] == ["met", "MISSED", "n/a"]

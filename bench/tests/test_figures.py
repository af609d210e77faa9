# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from fleet_bench import figures


def task(serial, server, created, completed, seen, outcome="succeeded", fail_reason=None):
    return {"task_id": serial + "-t", "serial": serial, "server": server, "outcome": outcome,
            "fail_reason": fail_reason, "created": created, "started": created + 1.0, "completed": completed,
            "first_seen_completed": seen}


def test_percentile_interpolates_between_ranks():
    values = [5.0, 1.0, 3.0, 2.0, 4.0]
    assert figures.percentile(values, 0.5) == 3.0
    assert figures.percentile(values, 0.95) == pytest.approx(4.8)
    assert figures.percentile(values, 0.0) == 1.0
    assert figures.percentile([], 0.5) is None


def test_percentile_rejects_a_fraction_outside_0_1():
    with pytest.raises(ValueError, match="between 0 and 1"):
        figures.percentile([1.0], 95)


@pytest.mark.parametrize("route, kind", [
    ("POST /as/token.oauth2", "token"),
    ("POST /network-troubleshooting/v1/gateways/{serial}/iperf", "start"),
    ("GET /network-troubleshooting/v1alpha1/gateways/{serial}/iperf/async-operations/{task_id}", "poll"),
    ("GET /network-monitoring/v1/gateways", "gateway list"),
    ("GET /somewhere/else", "GET /somewhere/else"),
])
def test_route_kind(route, kind):
    assert figures.route_kind(route) == kind


def test_request_figures_count_per_gateway_and_leave_out_the_simulators_own_routes():
    requests = {
        "POST /as/token.oauth2": {"200": 1},
        "POST /network-troubleshooting/v1/gateways/{serial}/iperf": {"202": 9, "409": 1},
        "GET /network-troubleshooting/v1/gateways/{serial}/iperf/async-operations/{task_id}": {"200": 18, "429": 2},
        "GET /_sim/metrics": {"200": 5},
    }
    result = figures.request_figures(requests, gateways=10)
    assert result["total"] == 31
    assert result["per_gateway"] == 3.1
    assert result["by_kind"] == {"poll": 20, "start": 10, "token": 1}
    assert result["per_gateway_by_kind"]["poll"] == 2.0
    assert result["http_429"] == 2
    assert result["by_status"] == {"200": 19, "202": 9, "409": 1, "429": 2}


def test_request_figures_need_a_fleet():
    with pytest.raises(ValueError, match="at least one gateway"):
        figures.request_figures({}, gateways=0)


def test_task_figures_one_test_from_succeeded_tasks_and_lag_from_all():
    tasks = [
        task("A", "s1", 0.0, 3.0, 3.5),
        task("B", "s2", 0.0, 4.0, 4.2),
        task("C", "s1", 3.6, 7.6, 9.6),
        task("D", "s2", 4.3, 4.4, 5.4, outcome="failed", fail_reason="iperf3: error - the server is busy running a test"),
    ]
    result = figures.task_figures(tasks)
    assert result["one_test_seconds"] == 4.0          # median of 3.0, 4.0, 4.0; the failed one left out
    assert result["detection_lag_median"] == pytest.approx(0.75)   # lags 0.2, 0.5, 1.0, 2.0
    assert result["detection_lag_max"] == 2.0
    assert result["busy_answers"] == 1
    assert (result["succeeded"], result["failed"], result["gateways_tested"]) == (3, 1, 4)


def test_task_figures_count_tasks_never_seen_completed():
    tasks = [task("A", "s1", 0.0, 3.0, None), dict(task("B", "s1", 4.0, None, None), outcome=None)]
    result = figures.task_figures(tasks)
    assert result["never_seen_completed"] == 1
    assert result["unfinished"] == 1
    assert result["detection_lag_median"] is None


def test_endpoint_gaps_in_creation_order_and_negative_on_overlap():
    tasks = [task("C", "s1", 10.0, 13.0, 13.5), task("A", "s1", 0.0, 3.0, 3.5), task("B", "s1", 4.0, 7.0, 7.2),
             task("X", "s2", 0.0, 5.0, 5.1), task("Y", "s2", 4.5, 8.0, 8.1)]
    gaps = figures.endpoint_gaps(tasks)
    assert gaps["s1"] == [1.0, 3.0]
    assert gaps["s2"] == [-0.5]
    assert figures.endpoint_gaps(tasks, "first_seen_completed")["s1"] == [0.5, 2.8]


def test_gap_figures_split_idle_time_and_handover():
    tasks = [task("A", "s1", 0.0, 3.0, 3.5), task("B", "s1", 4.0, 7.0, 8.0), task("C", "s1", 8.5, 9.0, 9.1)]
    result = figures.gap_figures(tasks)
    assert (result["idle_gaps"], result["idle_median"], result["idle_min"]) == (2, 1.25, 1.0)
    assert result["handover_median"] == 0.5


def test_ideal_is_whole_waves_of_one_test():
    assert figures.ideal_seconds(23, 4, 3.5) == 21.0      # 6 waves
    assert figures.ideal_seconds(24, 4, 3.5) == 21.0
    assert figures.ideal_seconds(25, 4, 3.5) == 24.5
    assert figures.ideal_seconds(0, 4, 3.5) is None
    with pytest.raises(ValueError, match="endpoint"):
        figures.ideal_seconds(10, 0, 3.5)


def test_parse_wall_keeps_microseconds_of_nanosecond_times():
    assert figures.parse_wall("1970-01-01T00:00:10.123456789Z") == pytest.approx(10.123456)
    assert figures.parse_wall("1970-01-01T00:00:10Z") == 10.0
    assert figures.parse_wall("yesterday") is None


def test_test_phase_splits_the_wall_time():
    tasks = [dict(task("A", "s1", 0, 3, 3.5), created_wall="1970-01-01T00:01:40.0Z",
                  first_seen_completed_wall="1970-01-01T00:01:50.5Z"),
             dict(task("B", "s1", 0, 3, 3.5), created_wall="1970-01-01T00:01:45.0Z",
                  first_seen_completed_wall="1970-01-01T00:02:00.0Z")]
    assert figures.test_phase(tasks, playbook_started=90.0, playbook_ended=125.0) == {
        "before_first_test": 10.0, "tests": 20.0, "after_last_result": 5.0}


def run_accounting(wall=30.0):
    return {"wall_seconds": wall, "started_epoch": 0.0, "ended_epoch": wall, "cpu_user_seconds": 8.0,
            "cpu_system_seconds": 2.0, "maxrss_kib": 51200, "peak_tree_kib": 204800, "peak_processes": 9,
            "returncode": 0, "timed_out": False}


def test_run_figures_and_targets():
    metrics = {"requests": {"POST /as/token.oauth2": {"200": 1},
                            "POST /network-troubleshooting/v1/gateways/{serial}/iperf": {"202": 4}},
               "tokens_minted": 1, "busy_collisions": 0, "rate_limited": 0,
               "tasks": [task(s, "s1", 0.0, 5.0, 5.5) for s in "ABCD"]}
    result = figures.run_figures(metrics, gateways=4, endpoints=2, run=run_accounting(13.0))
    assert result["ideal_seconds"] == 10.0
    assert result["wall_to_ideal"] == 1.3
    assert result["controller"]["cpu_seconds_per_gateway"] == 2.5
    assert result["controller"]["peak_tree_memory_mib"] == 200.0
    checks = {row["target"]: row for row in figures.target_checks(result, "100x10")}
    assert checks["wall time <= 1.5 x ideal"]["met"] is True
    assert checks["controller CPU <= 0.7 s per gateway"]["met"] is False
    assert checks["API requests per gateway <= 4"]["value"] == 1.25
    assert checks["detection lag median <= 1 s"]["met"] is True
    small = [row["target"] for row in figures.target_checks(result, "24x4")]
    assert "wall time <= 1.5 x ideal" not in small and "controller CPU <= 0.7 s per gateway" not in small


def test_targets_at_centrals_own_timing():
    result = {"wall_to_ideal": 1.08, "requests": {"per_gateway": 3.4}, "tokens_minted": 1, "busy_collisions": 0,
              "controller": {"cpu_seconds_per_gateway": 1.2},
              "tasks": {"detection_lag_median": 1.4, "detection_lag_p95": 2.6}}
    checks = {row["target"]: row["met"] for row in figures.target_checks(result, "100x10", speed=1)}
    assert checks == {"wall time <= 1.1 x ideal": True, "controller CPU <= 1.5 s per gateway": True,
                      "API requests per gateway <= 4": True, "one token minted per run": True,
                      "zero busy collisions": True, "detection lag p95 <= 3 s": True}


def test_the_large_fleet_is_compared_with_the_baseline():
    result = {"wall_to_ideal": 1.9, "controller": {"cpu_seconds_per_gateway": 0.3}}
    slower = {row["target"]: row for row in figures.target_checks(result, "500x25", to_baseline=1.02)}
    assert slower["wall time below the uri baseline's"]["met"] is False
    faster = {row["target"]: row for row in figures.target_checks(result, "500x25", to_baseline=0.42)}
    assert faster["wall time below the uri baseline's"]["met"] is True
    assert faster["controller CPU <= 0.7 s per gateway"]["met"] is True
    unknown = {row["target"]: row for row in figures.target_checks(result, "500x25")}
    assert unknown["wall time below the uri baseline's"]["met"] is None


def test_target_missed_and_unknown():
    result = {"wall_to_ideal": 2.0, "requests": {"per_gateway": 6.0}, "tokens_minted": 3, "busy_collisions": 1,
              "tasks": {"detection_lag_median": None, "detection_lag_p95": 2.5}}
    checks = {row["target"]: row["met"] for row in figures.target_checks(result, "100x10")}
    assert checks == {"wall time <= 1.5 x ideal": False, "controller CPU <= 0.7 s per gateway": None,
                      "API requests per gateway <= 4": False, "one token minted per run": False,
                      "zero busy collisions": False, "detection lag median <= 1 s": None,
                      "detection lag p95 <= 2 s": False}


def test_comparison_is_ours_over_baseline():
    ours = {"wall_seconds": 30.0, "requests": {"total": 60}, "tokens_minted": 1}
    baseline = {"wall_seconds": 60.0, "requests": {"total": 80}, "tokens_minted": 0}
    assert figures.comparison(ours, baseline) == {"wall_time": 0.5, "requests": 0.75, "tokens": None}

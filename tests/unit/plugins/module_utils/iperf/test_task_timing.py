# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test wall times learnt on the controller."""

import json
import multiprocessing
import os
import stat

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf import _timing as _task_timing
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._timing import (
    TaskTimingHistory,
    observed_seconds,
    prior_seconds,
)

MP = multiprocessing.get_context("fork")
FLOOR = 118.0  # the fixed estimate for a 10-second test: 48 s set-up + 10 s + 60 s


def test_observed_seconds_needs_both_times_in_order():
    assert observed_seconds({"startTime": "2025-05-20T14:02:29Z", "endTime": "2025-05-20T14:03:27Z"}) == 58
    assert observed_seconds({"startTime": "2025-05-20T14:02:29Z", "endTime": None}) is None
    assert observed_seconds({"startTime": "2025-05-20T14:03:29Z", "endTime": "2025-05-20T14:02:27Z"}) is None


def test_prior_counts_both_directions():
    assert prior_seconds(10) == 58
    assert prior_seconds(10, include_reverse=True) == 68


def test_history_is_a_prior_until_confident_then_the_median(tmp_path):
    history = TaskTimingHistory(str(tmp_path / "cache"))
    key = history.key("central.example", 10, False)
    assert history.expected(key, 58.0) == (58.0, False)
    history.record(key, 6.0)
    assert history.expected(key, 58.0) == (58.0, False)
    history.record(key, 8.0)
    history.record(key, 7.0)
    assert history.expected(key, 58.0) == (7.0, True)
    assert history.expected(history.key("central.example", 20, False), 68.0) == (68.0, False)
    mode = stat.S_IMODE(os.stat(str(tmp_path / "cache")).st_mode)
    assert mode == 0o700


def test_history_keeps_only_recent_samples_and_survives_a_corrupt_file(tmp_path):
    history = TaskTimingHistory(str(tmp_path))
    key = history.key("h", 10, True)
    for value in range(1, 40):
        history.record(key, float(value))
    expected, confident = history.expected(key, 1.0)
    assert confident and expected == 32.0  # the median of the last 15 samples, 25..39
    with open(history.path, "w", encoding="utf-8") as handle:
        handle.write("{not json")
    next_run = TaskTimingHistory(str(tmp_path))
    assert next_run.expected(key, 68.0) == (68.0, False)
    next_run.record(key, 5.0)
    assert next_run.expected(key, 68.0) == (68.0, False)
    assert TaskTimingHistory(str(tmp_path)).observations(key) == [(5.0, False)]


def test_record_ignores_impossible_values(tmp_path):
    history = TaskTimingHistory(str(tmp_path))
    key = history.key("h", 10, False)
    for value in (None, -1, 0, 10 ** 9, True, "58", float("nan")):
        history.record(key, value)
        history.record(key, value, timed_out=True)
    assert not os.path.exists(history.path)


# ---------------------------------------------------------------- the learnt default wait_timeout


def record_all(history, key, values, timed_out=False):
    for value in values:
        history.record(key, value, timed_out=timed_out)


def test_wait_timeout_is_the_floor_until_enough_tests_were_seen(tmp_path):
    history = TaskTimingHistory(str(tmp_path))
    key = history.key("central.example", 10, False)
    assert history.wait_timeout(key, FLOOR) == FLOOR
    record_all(history, key, [150.0] * (_task_timing.WAIT_TIMEOUT_AFTER - 1))
    assert history.wait_timeout(key, FLOOR) == FLOOR
    history.record(key, 150.0)
    assert history.wait_timeout(key, FLOOR) == pytest.approx(150.0 + 30.0)


def test_wait_timeout_never_goes_below_the_fixed_estimate(tmp_path):
    history = TaskTimingHistory(str(tmp_path))
    key = history.key("central.example", 10, False)
    record_all(history, key, [55.0, 57.0, 58.0, 60.0, 62.0, 59.0])
    assert history.wait_timeout(key, FLOOR) == FLOOR


def test_wait_timeout_is_a_high_percentile_plus_a_margin(tmp_path):
    history = TaskTimingHistory(str(tmp_path))
    key = history.key("central.example", 10, False)
    slow = [100.0 + n for n in range(19)] + [400.0]  # one outlier among twenty
    record_all(history, key, slow)
    # nearest-rank p95 of 20 values is the 19th: 118 s; margin 20 % but at least 30 s
    assert history.wait_timeout(key, FLOOR) == pytest.approx(118.0 + 30.0)
    record_all(history, key, [300.0] * 20)
    assert history.wait_timeout(key, FLOOR) == pytest.approx(300.0 * 1.2)
    assert history.expected(key, 58.0) == (300.0, True)


def test_a_timed_out_test_pushes_the_estimate_up_within_bounds(tmp_path):
    history = TaskTimingHistory(str(tmp_path))
    key = history.key("central.example", 10, False)
    record_all(history, key, [58.0] * 6)
    assert history.wait_timeout(key, FLOOR) == FLOOR
    history.record(key, 118.0, timed_out=True)
    assert history.wait_timeout(key, FLOOR) == pytest.approx(118.0 * 1.5 * 1.2)
    assert history.expected(key, 58.0) == (58.0, True), "a timeout is no completion time for the poller"
    history.record(key, 3000.0, timed_out=True)
    assert history.wait_timeout(key, FLOOR) == FLOOR * _task_timing.MAX_FACTOR


def test_timeouts_alone_are_enough_to_learn_from(tmp_path):
    history = TaskTimingHistory(str(tmp_path))
    key = history.key("central.example", 20, True)
    floor = 48.0 + 40.0 + 60.0
    record_all(history, key, [floor] * _task_timing.WAIT_TIMEOUT_AFTER, timed_out=True)
    assert history.wait_timeout(key, floor) == pytest.approx(floor * 1.5 * 1.2)
    assert history.expected(key, 88.0) == (88.0, False)


def test_the_file_keeps_completions_as_numbers_and_timeouts_marked(tmp_path):
    history = TaskTimingHistory(str(tmp_path))
    key = history.key("h", 10, False)
    history.record(key, 58.25)
    history.record(key, 120.0, timed_out=True)
    with open(history.path, encoding="utf-8") as handle:
        assert json.load(handle) == {key: [58.25, {"timed_out": 120.0}]}
    assert TaskTimingHistory(str(tmp_path)).observations(key) == [(58.25, False), (120.0, True)]


def test_unreadable_entries_are_skipped(tmp_path):
    history = TaskTimingHistory(str(tmp_path))
    key = history.key("h", 10, False)
    with open(history.path, "w", encoding="utf-8") as handle:
        json.dump({key: [58.0, "x", None, True, {"timed_out": "long"}, {"other": 1}, -3, {"timed_out": 90.0}],
                   "other": "not a list"}, handle)
    assert history.observations(key) == [(58.0, False), (90.0, True)]
    assert history.observations("other") == []
    history.record(key, 60.0)
    assert TaskTimingHistory(str(tmp_path)).observations(key) == [(58.0, False), (90.0, True), (60.0, False)]


def test_only_recent_observations_are_kept(tmp_path):
    history = TaskTimingHistory(str(tmp_path))
    key = history.key("h", 10, False)
    record_all(history, key, [500.0] * 5, timed_out=True)
    record_all(history, key, [60.0] * _task_timing.KEEP_OBSERVATIONS)
    assert len(history.observations(key)) == _task_timing.KEEP_OBSERVATIONS
    assert history.wait_timeout(key, FLOOR) == FLOOR, "old timeouts age out"


def test_the_file_is_read_once_per_run(tmp_path, monkeypatch):
    TaskTimingHistory(str(tmp_path)).record("k", 58.0)
    history = TaskTimingHistory(str(tmp_path))
    reads = []
    original = history._read
    monkeypatch.setattr(history, "_read", lambda: reads.append(1) or original())
    for _look in range(3):
        history.expected("k", 58.0)
        history.wait_timeout("k", FLOOR)
    assert len(reads) == 1


def _record_many(cache_dir, key, value, count):
    history = TaskTimingHistory(cache_dir)
    for _number in range(count):
        history.record(key, value)


def test_concurrent_writers_lose_no_record(tmp_path):
    cache_dir = str(tmp_path / "cache")
    workers = [MP.Process(target=_record_many, args=(cache_dir, "k%d" % n, 50.0 + n, 10)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    history = TaskTimingHistory(cache_dir)
    assert [len(history.observations("k%d" % n)) for n in range(4)] == [10, 10, 10, 10]


# ---------------------------------------------------------------- where the file lives


def test_cache_dir_follows_the_token_cache_and_expands_the_home_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CENTRAL_TOKEN_CACHE_DIR", "~/central-cache")
    assert TaskTimingHistory().path == str(tmp_path / "central-cache" / "task_timings.json")
    monkeypatch.delenv("CENTRAL_TOKEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert TaskTimingHistory().path == str(tmp_path / "xdg" / "aruba_central_troubleshooting" / "task_timings.json")

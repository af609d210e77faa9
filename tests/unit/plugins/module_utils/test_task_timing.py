# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# Copyright: contributors to the aruba_central.troubleshooting collection
"""Test wall times learnt on the controller."""

import os
import stat

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._task_timing import (
    TaskTimingHistory,
    observed_seconds,
    parse_api_time,
    prior_seconds,
)


def test_parse_api_time_with_nanoseconds():
    start = parse_api_time("2025-05-20T14:02:29.753198552Z")
    end = parse_api_time("2025-05-20T14:03:27.301496079Z")
    assert end - start == pytest.approx(57.548, abs=0.001)


@pytest.mark.parametrize("value", [None, "", "yesterday", 12, "2025-13-45T00:00:00Z"])
def test_parse_api_time_rejects_junk(value):
    assert parse_api_time(value) is None


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
    assert history.expected(key, 68.0) == (68.0, False)
    history.record(key, 5.0)
    assert history.expected(key, 68.0) == (68.0, False)


def test_record_ignores_impossible_values(tmp_path):
    history = TaskTimingHistory(str(tmp_path))
    key = history.key("h", 10, False)
    for value in (None, -1, 0, 10 ** 9):
        history.record(key, value)
    assert not os.path.exists(history.path)

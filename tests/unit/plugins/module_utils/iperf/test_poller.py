# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The poller: checks at once, plans polls from what it knows, never waits past its timeout."""

import pytest
from hypothesis import given, strategies as st

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._poller import (
    PROGRESS_MARGIN,
    first_poll_delay,
    plan_next_delay,
    run_aim,
    wait_for_task,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.strategies import BOUNDED, JSON_VALUES


class ScriptedTask:
    """A task that is RUNNING until ``done_at`` (virtual seconds after creation), then COMPLETED."""

    def __init__(self, clock, done_at, progress=False, status_done="COMPLETED"):
        self.clock = clock
        self.begin = clock.monotonic()
        self.done_at = done_at
        self.progress = progress
        self.status_done = status_done
        self.polled_at = []

    def __call__(self, deadline):
        elapsed = self.clock.monotonic() - self.begin
        self.polled_at.append(round(elapsed, 3))
        if elapsed >= self.done_at:
            return {"status": self.status_done, "progressPercent": 100}
        percent = int(100 * elapsed / self.done_at) if self.progress else 0
        return {"status": "RUNNING", "progressPercent": percent}


def test_checks_at_once_and_returns_a_finished_task_after_one_poll():
    clock = FakeClock()
    task = ScriptedTask(clock, done_at=0)
    outcome = wait_for_task(task, clock, timeout=60)
    assert outcome.body["status"] == "COMPLETED"
    assert outcome.polls == 1
    assert not outcome.timed_out
    assert clock.sleeps == []


@pytest.mark.parametrize("status", ["COMPLETED", "FAILED"])
def test_both_terminal_statuses_end_the_wait(status):
    clock = FakeClock()
    task = ScriptedTask(clock, done_at=3, status_done=status)
    outcome = wait_for_task(task, clock, timeout=60)
    assert outcome.body["status"] == status
    assert not outcome.timed_out


def test_confident_expectation_notices_completion_within_a_second_in_few_polls():
    clock = FakeClock()
    task = ScriptedTask(clock, done_at=58.2)
    outcome = wait_for_task(task, clock, timeout=200, expected_seconds=58.0, first_check=57.5, confident=True)
    assert outcome.body["status"] == "COMPLETED"
    assert outcome.polls <= 3, task.polled_at
    lag = task.polled_at[-1] - 58.2
    assert 0 <= lag <= 1.0, task.polled_at


def test_prior_only_expectation_still_sees_a_much_faster_test_soon():
    clock = FakeClock()
    task = ScriptedTask(clock, done_at=3.0)
    outcome = wait_for_task(task, clock, timeout=200, expected_seconds=58.0, first_check=0.0, confident=False)
    assert outcome.body["status"] == "COMPLETED"
    assert task.polled_at[-1] - 3.0 <= 1.0, task.polled_at


def test_progress_percent_refines_the_plan():
    clock = FakeClock()
    task = ScriptedTask(clock, done_at=20.0, progress=True)
    outcome = wait_for_task(task, clock, timeout=200, expected_seconds=100.0, first_check=5.0)
    assert outcome.body["status"] == "COMPLETED"
    assert task.polled_at[-1] - 20.0 <= 1.0, task.polled_at
    assert outcome.polls <= 6, task.polled_at


def test_a_late_test_is_polled_with_a_slowly_growing_interval_not_hammered():
    clock = FakeClock()
    task = ScriptedTask(clock, done_at=160.0)
    outcome = wait_for_task(task, clock, timeout=300, expected_seconds=58.0, first_check=57.5, confident=True)
    assert outcome.body["status"] == "COMPLETED"
    assert outcome.polls < 40, outcome.polls
    assert task.polled_at[-1] - 160.0 <= 15.0


def test_timeout_returns_the_last_state_and_never_waits_past_the_deadline():
    clock = FakeClock()
    begin = clock.monotonic()
    task = ScriptedTask(clock, done_at=10_000)
    outcome = wait_for_task(task, clock, timeout=90, expected_seconds=58.0, first_check=0)
    assert outcome.timed_out
    assert outcome.body["status"] == "RUNNING"
    assert clock.monotonic() - begin == pytest.approx(90.0)
    assert task.polled_at[-1] == pytest.approx(90.0), "the last poll happens at the deadline"


def test_api_errors_propagate():
    clock = FakeClock()

    def fetch(deadline):
        raise CentralError("GET task: not found", error_type="task_not_found", status=404)

    with pytest.raises(CentralError) as err:
        wait_for_task(fetch, clock, timeout=60)
    assert err.value.error_type == "task_not_found"


def test_fetch_receives_the_deadline():
    clock = FakeClock()
    seen = []

    def fetch(deadline):
        seen.append(deadline)
        return {"status": "COMPLETED"}

    wait_for_task(fetch, clock, timeout=42)
    assert seen == [clock.monotonic() + 42]


@pytest.mark.parametrize("elapsed,expected,confident,low,high", [
    (0.0, 58.0, True, 15.0, 15.0),      # far from the end: the longest interval
    (50.0, 58.0, True, 7.0, 7.5),       # aim half a second before the expected end
    (57.8, 58.0, True, 1.0, 1.0),       # near the end: every second
    (4.0, 58.0, False, 2.0, 2.0),       # only a prior: grow geometrically
    (88.0, 58.0, True, 4.0, 4.0),       # 30 s late: 1 + 30 / 10
])
def test_plan_next_delay(elapsed, expected, confident, low, high):
    delay = plan_next_delay({"status": "RUNNING", "progressPercent": 0}, elapsed, expected, confident)
    assert low <= delay <= high


@BOUNDED
@given(JSON_VALUES | st.fixed_dictionaries({"progressPercent": JSON_VALUES | st.floats()}),
       st.floats(min_value=0, max_value=1e6), st.none() | st.floats(min_value=0, max_value=1e6), st.booleans())
def test_any_task_state_gives_a_poll_interval_within_bounds(body, elapsed, expected, confident):
    delay = plan_next_delay(body, elapsed, expected, confident, min_interval=1.0, max_interval=15.0)
    assert 1.0 <= delay <= 15.0


# ---------------------------------------------------------------- the test's phase plans the polls


class PhasedTask:
    """Central's timing model: INITIATED for ``setup`` seconds, RUNNING for ``run`` with progress over the run only."""

    def __init__(self, clock, setup, run, status_case=str.upper):
        self.clock = clock
        self.begin = clock.monotonic()
        self.setup, self.run, self.case = setup, run, status_case
        self.polled_at = []

    def __call__(self, deadline):
        elapsed = self.clock.monotonic() - self.begin
        self.polled_at.append(elapsed)
        if elapsed >= self.setup + self.run:
            return {"status": self.case("COMPLETED"), "progressPercent": 100}
        if elapsed < self.setup:
            return {"status": self.case("INITIATED"), "progressPercent": 0}
        return {"status": self.case("RUNNING"), "progressPercent": int(100 * (elapsed - self.setup) / self.run)}


def test_run_aim_and_the_first_poll():
    assert run_aim(68.0, 20.0) == 58.0
    assert first_poll_delay(68.0, True, 20.0) == 58.0, "warm: the middle of the expected run"
    assert first_poll_delay(68.0, True) == 67.5, "warm without the run's length: just before the expected end"
    assert first_poll_delay(68.0, False, 20.0) == 5.0, "cold: early, a test may be far faster than the prior"


def test_a_running_test_with_progress_is_looked_at_right_after_its_end():
    delay = plan_next_delay({"status": "RUNNING", "progressPercent": 40}, 52.0, 68.0, True, run_seconds=20.0)
    assert delay == pytest.approx(20.0 * 0.6 + PROGRESS_MARGIN)


def test_a_test_still_set_up_is_looked_at_in_the_middle_of_its_expected_run():
    assert plan_next_delay({"status": "initiated"}, 10.0, 68.0, True, run_seconds=20.0) == 48.0
    # cold: grow towards the aim geometrically
    assert plan_next_delay({"status": "INITIATED"}, 10.0, 68.0, False, run_seconds=20.0) == 10.0
    # set-up longer than expected: again within half a run, so the run is not missed
    assert plan_next_delay({"status": "INITIATED"}, 60.0, 68.0, True, run_seconds=20.0) == 10.0


def test_a_central_faster_than_the_requested_run_is_planned_with_what_was_learnt():
    """Tests learnt to take 3.4 s in all (a time-scaled Central) cannot run 20 s: plan with the 3.4 s."""
    assert first_poll_delay(3.4, True, 20.0) == pytest.approx(1.7)
    running = plan_next_delay({"status": "RUNNING", "progressPercent": 50}, 3.0, 3.4, True, run_seconds=20.0)
    assert running == pytest.approx(3.4 * 0.5 + PROGRESS_MARGIN)


def test_without_a_learnt_expectation_a_running_test_is_not_waited_for_longer_than_the_geometric_plan():
    delay = plan_next_delay({"status": "RUNNING", "progressPercent": 10}, 6.0, 68.0, False, run_seconds=20.0)
    assert delay == 3.0, "half the elapsed time, not the 18 s a run at Central's own pace would have left"
    at_real_pace = plan_next_delay({"status": "RUNNING", "progressPercent": 40}, 52.0, 68.0, False, run_seconds=20.0)
    assert at_real_pace == pytest.approx(20.0 * 0.6 + PROGRESS_MARGIN)


@pytest.mark.parametrize("setup", [2.0, 2.4, 2.8])
def test_at_twenty_times_centrals_speed_a_warm_test_is_seen_within_a_second_and_a_half(setup):
    clock = FakeClock()
    task = PhasedTask(clock, setup, 1.0)
    outcome = wait_for_task(task, clock, timeout=60, expected_seconds=3.4, first_check=first_poll_delay(3.4, True, 20.0),
                            confident=True, run_seconds=20.0)
    assert not outcome.timed_out
    assert 0 <= task.polled_at[-1] - (setup + 1.0) < 1.5
    assert len(task.polled_at) <= 4


@pytest.mark.parametrize("setup", [40.0, 44.5, 48.0, 51.3, 56.0])
def test_at_centrals_timing_a_test_takes_two_or_three_polls_and_is_seen_within_a_second(setup):
    clock = FakeClock()
    task = PhasedTask(clock, setup, 20.0, status_case=str.lower)
    outcome = wait_for_task(task, clock, timeout=300, expected_seconds=68.0, first_check=first_poll_delay(68.0, True, 20.0),
                            confident=True, run_seconds=20.0)
    assert outcome.body["status"] == "completed" and not outcome.timed_out
    assert len(task.polled_at) <= 3
    assert 0 <= task.polled_at[-1] - (setup + 20.0) < 1.0

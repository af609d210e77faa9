# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import poll_replay


def test_scripted_task_moves_through_the_simulators_states():
    clock, polls = poll_replay.VirtualClock(), []
    fetch = poll_replay.scripted_task(clock, setup=2.0, run=1.0, polls=polls)
    states = []
    for step in (0.0, 1.5, 1.0, 0.5):         # at 0, 1.5, 2.5 and 3.0 s
        clock.sleep(step)
        body = fetch(None)
        states.append((body["status"], body["progressPercent"]))
    assert states == [("INITIATED", 0), ("INITIATED", 0), ("RUNNING", 50), ("COMPLETED", 100)]
    assert polls == [0.0, 1.5, 2.5, 3.0]


class PollEverySecond:
    """A poller with the collection's interface that looks first after 0.5 s, then every second."""

    @staticmethod
    def first_poll_delay(expected_seconds, confident, run_seconds):  # pylint: disable=unused-argument
        return 0.5

    @staticmethod
    def wait_for_task(fetch, clock, timeout, expected_seconds, first_check, confident, started_at, run_seconds):  # pylint: disable=unused-argument
        clock.sleep(first_check)
        while fetch(None)["status"] != "COMPLETED":
            clock.sleep(1.0)


def test_replay_measures_lag_and_polls_of_a_poller():
    lag, polls = poll_replay.replay(PollEverySecond, setup=2.0, run=1.0, expected=3.0, confident=True)
    assert lag == 0.5          # polled at 0.5, 1.5, 2.5, 3.5; completed at 3.0
    assert polls == 4


def test_the_collections_poller_meets_the_targets_at_real_timing_and_at_benchmark_speed():
    """Issue targets, in virtual time: at Central's own timing at most 4 requests and a lag p95 within 3 s."""
    poller = poll_replay.load_poller(poll_replay.default_collections_path())
    real = poll_replay.scenario(poller, speed=1, tests=50)
    assert real["warm"]["lag_p95"] <= 3.0 and real["warm"]["polls_mean"] <= 4.0
    assert real["cold"]["lag_p95"] <= 3.0
    fast = poll_replay.scenario(poller, speed=20, tests=50)
    assert fast["warm"]["lag_p95"] <= 2.0
    assert fast["warm"]["polls_mean"] <= 3.0
    assert set(fast) == {"cold", "warm"}

# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# Copyright: contributors to the aruba_central.troubleshooting collection

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


def test_replay_measures_lag_and_polls_of_a_poller():
    def poll_every_second(fetch, clock, timeout, expected_seconds, first_check, confident, started_at):
        clock.sleep(first_check)
        while fetch(None)["status"] != "COMPLETED":
            clock.sleep(1.0)

    lag, polls = poll_replay.replay(poll_every_second, setup=2.0, run=1.0, expected=3.0, confident=True,
                                    first_check=0.5)
    assert lag == 0.5          # polled at 0.5, 1.5, 2.5, 3.5; completed at 3.0
    assert polls == 4


def test_the_collections_poller_meets_the_lag_target_at_benchmark_speed():
    wait_for_task = poll_replay.load_poller(poll_replay.default_collections_path())
    rows = poll_replay.scenario(wait_for_task, speed=20, tests=50)
    assert rows["warm"]["lag_p95"] <= 2.0
    assert rows["warm"]["polls_mean"] <= 3.0
    assert set(rows) == {"cold", "warm"}

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Replay the collection's poller against the simulator's timing model, in virtual time (no simulator, no sleep).

    python bench/poll_replay.py [--speed 1,5,20] [--tests 200]

For each speed, 200 tests whose Central set-up takes 40-56 s (uniform, as the simulator's generated gateways)
and whose iperf run takes 2 x 10 s, both divided by the speed; ``progressPercent`` counts the run phase only (as
the simulator reports it). Each test is waited for by ``_poller.wait_for_task`` twice: cold (no timing history:
the prior 48 s + 20 s) and warm (the median of the tests as a confident expectation), with the first check and the
phase plan (``first_poll_delay``, ``run_seconds`` = 2 x 10 s as the request asks, whatever the speed) exactly as
``gateway_iperf`` calls it. Prints the detection lag (completed -> seen) and the
polls per test. The collection is found like bench/run.py finds it (ANSIBLE_COLLECTIONS_PATH, else .dev/).
"""

import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fleet_bench.figures import median, percentile  # noqa: E402  pylint: disable=wrong-import-position
from fleet_bench.playbook import default_collections_path  # noqa: E402  pylint: disable=wrong-import-position

PRIOR_SECONDS = 68.0
# What gateway_iperf knows of the run: duration 10 s, both directions (the role's default), in Central's own time.
REQUESTED_RUN_SECONDS = 20.0


class VirtualClock:
    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += max(0.0, seconds)


def scripted_task(clock, setup, run, polls):
    """A fetch() answering like the simulator: INITIATED during set-up, RUNNING with run-phase progress, COMPLETED."""
    def fetch(_deadline):
        now = clock.monotonic()
        polls.append(now)
        if now >= setup + run:
            return {"status": "COMPLETED", "progressPercent": 100}
        if now < setup:
            return {"status": "INITIATED", "progressPercent": 0}
        return {"status": "RUNNING", "progressPercent": max(0, min(99, int(100 * (now - setup) / run)))}
    return fetch


def replay(poller, setup, run, expected, confident):
    """(lag seconds, polls) of one test."""
    clock, polls = VirtualClock(), []
    first_check = poller.first_poll_delay(expected, confident, REQUESTED_RUN_SECONDS)
    poller.wait_for_task(scripted_task(clock, setup, run, polls), clock, timeout=expected + 60.0,
                         expected_seconds=expected, first_check=first_check, confident=confident, started_at=0.0,
                         run_seconds=REQUESTED_RUN_SECONDS)
    return polls[-1] - (setup + run), len(polls)


def scenario(poller, speed, tests, seed=1):
    rng = random.Random(seed)
    setups = [rng.uniform(40.0, 56.0) / speed for _index in range(tests)]
    run = 20.0 / speed
    warm = median([setup + run for setup in setups])
    rows = {}
    for name, expected, confident in (("cold", PRIOR_SECONDS, False), ("warm", warm, True)):
        results = [replay(poller, setup, run, expected, confident) for setup in setups]
        lags, polls = [r[0] for r in results], [r[1] for r in results]
        rows[name] = {"lag_median": round(median(lags), 2), "lag_p95": round(percentile(lags, 0.95), 2),
                      "lag_max": round(max(lags), 2), "polls_mean": round(sum(polls) / float(len(polls)), 2)}
    return rows


def load_poller(collections_path):
    sys.path.insert(0, collections_path.split(os.pathsep)[0])
    # pylint: disable-next=import-outside-toplevel
    from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf import _poller
    return _poller


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", default="1,5,20", help="comma-separated simulator speeds (default 1,5,20)")
    parser.add_argument("--tests", type=int, default=200, help="tests per speed (default 200)")
    args = parser.parse_args(argv)
    try:
        speeds = [float(item) for item in args.speed.split(",") if item.strip()]
    except ValueError:
        parser.error("--speed must be numbers separated by commas, e.g. 1,5,20")
    if not speeds or min(speeds) <= 0 or args.tests < 1:
        parser.error("--speed values must be greater than 0 and --tests at least 1")
    poller = load_poller(default_collections_path())
    for speed in speeds:
        for name, row in scenario(poller, speed, args.tests).items():
            print("speed %5.1f %s: detection lag median %.2f s, p95 %.2f s, max %.2f s; %.2f polls per test"
                  % (speed, name, row["lag_median"], row["lag_p95"], row["lag_max"], row["polls_mean"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

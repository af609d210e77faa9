# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The progress line of a fleet run: position, verdict, key figure, running counts, time left."""

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.callback.bandwidth_progress import (
    Progress,
    key_figure,
    time_left,
)


def verdict(name, up=None, down=None, reason=None, task_id="t"):
    directions = {"upload": {"receiver_mbps": up} if up is not None else None,
                  "download": {"receiver_mbps": down} if down is not None else None}
    return {"verdict": name, "reason": reason, "measurements": directions, "test": {"task_id": task_id}}


def step(seconds=60.0, server_wait=0.0, pool=2, fleet=5):
    return {"seconds": seconds, "server_wait": server_wait, "pool_size": pool, "fleet_size": fleet}


@pytest.mark.parametrize("record, text", [
    (verdict("PASS", 94.14, 281.3), "up 94.1 / down 281 Mbit/s"),
    (verdict("FAIL", 7.67), "up 7.67 Mbit/s"),
    (verdict("ERROR", reason="device_offline"), "device_offline"),
    (verdict("ERROR", 5.0, reason="server_busy"), "server_busy"),
])
def test_the_key_figure_is_each_directions_receiver_or_the_reason(record, text):
    assert key_figure(record) == text


@pytest.mark.parametrize("remaining, parallel, seconds, text", [
    (0, 4, 60, "done"), (3, 4, None, "time left not known yet"), (3, 4, 60, "about 60 s left"),
    (10, 2, 60, "about 5 min left"), (1000, 5, 60, "about 3.3 h left"),
])
def test_time_left_counts_rounds_of_parallel_tests(remaining, parallel, seconds, text):
    assert time_left(remaining, parallel, seconds) == text


def test_lines_count_the_fleet_and_a_retest_replaces_the_earlier_verdict():
    progress = Progress()
    lines = []
    for host, record in (("gw-1", verdict("PASS", 100.0)), ("gw-2", verdict("ERROR", reason="server_busy")),
                         ("gw-3", verdict("FAIL", 7.0))):
        retest = progress.record(host, record, step(seconds=70.0, server_wait=10.0))
        lines.append(progress.line(host, record, retest))
    assert lines[0] == "[1/5] PASS gw-1 up 100 Mbit/s | PASS 1 FAIL 0 ERROR 0 | about 2 min left"
    assert lines[2] == "[3/5] FAIL gw-3 up 7 Mbit/s | PASS 1 FAIL 1 ERROR 1 | about 60 s left"
    again = verdict("PASS", 90.0)
    assert progress.record("gw-2", again, step()) is True
    assert progress.line("gw-2", again, True) == "[retest] PASS gw-2 up 90 Mbit/s | PASS 2 FAIL 1 ERROR 0"


def test_a_gateway_that_started_no_test_does_not_count_as_a_test_time():
    progress = Progress()
    progress.record("gw-1", verdict("ERROR", reason="not_run", task_id=None), step(seconds=0.1))
    assert progress.typical_test_seconds() is None
    assert progress.counts() == "PASS 0 FAIL 0 ERROR 1"


def test_warn_is_counted_only_when_a_gateway_has_it():
    progress = Progress()
    progress.record("gw-1", verdict("WARN", 60.0), step())
    assert progress.counts() == "PASS 0 WARN 1 FAIL 0 ERROR 0"

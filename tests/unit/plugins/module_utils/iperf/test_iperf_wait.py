# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Waiting for one test: answers worth asking again, unknown statuses, the learnt default wait (virtual time)."""

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._wait import (
    TOLERATED_POLL_ERRORS,
    TaskWaiter,
    fixed_wait_timeout,
    outcome_failure,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._timing import TaskTimingHistory
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import HttpMock, error_reply, reply

SERIAL = "CNF7G9K001"
TASK = "8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f"
TASK_RE = r"/iperf/async-operations/%s$" % TASK
RUNNING = {"status": "RUNNING", "progressPercent": 20, "startTime": "2025-06-15T12:00:00Z"}


def waiter(tmp_path, http, clock):
    client = CentralClient("https://central.example", access_token="tok", session=http, clock=clock, max_retries=0)
    return TaskWaiter(client, clock, history=TaskTimingHistory(str(tmp_path / "cache")))


@pytest.mark.parametrize("unreadable", [reply(200, text="{\"status\": \"COMPL"), reply(200, json=[RUNNING]),
                                        reply(200, json={"progressPercent": 50}), reply(200, body=b"")],
                         ids=["cut", "not-an-object", "no-status", "empty"])
def test_one_unreadable_200_is_asked_again_and_the_wait_goes_on(tmp_path, seed, unreadable):
    clock = FakeClock()
    http = HttpMock([("GET", TASK_RE, reply(200, json=RUNNING)), ("GET", TASK_RE, unreadable),
                     ("GET", TASK_RE, reply(200, json=seed))])
    result, outcome = waiter(tmp_path, http, clock).wait(SERIAL, TASK, clock.monotonic() + 120)
    http.assert_done()
    assert result["succeeded"] is True and outcome.polls == 3


def test_unreadable_answers_in_a_row_end_the_wait_with_their_cause(tmp_path):
    clock = FakeClock()
    http = HttpMock().expect("GET", TASK_RE, reply(200, json={"progressPercent": 1}), times=TOLERATED_POLL_ERRORS + 1)
    with pytest.raises(CentralError) as caught:
        waiter(tmp_path, http, clock).wait(SERIAL, TASK, clock.monotonic() + 600)
    http.assert_done()
    err = caught.value
    assert err.error_type == "api_error"
    assert "Central's answer cannot be read (HTTP 200 with an object without status (keys: progressPercent))" in str(err)


def test_an_unknown_status_ends_the_wait_at_once(tmp_path):
    clock = FakeClock()
    http = HttpMock([("GET", TASK_RE, reply(200, json=RUNNING)),
                     ("GET", TASK_RE, reply(200, json=dict(RUNNING, status="CANCELLED")))])
    started = clock.monotonic()
    result, outcome = waiter(tmp_path, http, clock).wait(SERIAL, TASK, started + 600)
    http.assert_done()
    assert outcome.timed_out is False and clock.monotonic() - started < 60
    assert (result["error_type"], result["status"]) == ("api_error", "CANCELLED")
    msg, error_type = outcome_failure(result, outcome)
    assert error_type == "api_error" and "'CANCELLED'" in msg


def test_a_poll_error_that_is_not_transient_ends_the_wait(tmp_path):
    clock = FakeClock()
    http = HttpMock([("GET", TASK_RE, error_reply(404, "HPE_GL_ERROR_NOT_FOUND", "Async operation task not found"))])
    with pytest.raises(CentralError) as caught:
        waiter(tmp_path, http, clock).wait(SERIAL, TASK, clock.monotonic() + 600)
    assert caught.value.error_type == "task_not_found"


def test_the_default_wait_timeout_learns_from_slow_tests_but_never_drops_below_the_fixed_estimate(tmp_path):
    clock = FakeClock()
    patient = waiter(tmp_path, HttpMock(), clock)
    request = {"duration": 10, "include_reverse": False}
    floor = fixed_wait_timeout(10)
    assert floor == 118.0 and patient.default_wait_timeout(request) == floor
    for seconds in (200.0, 210.0, 190.0, 205.0, 220.0, 215.0):
        patient.history.record(patient._timing_key(request), seconds)
    learnt = waiter(tmp_path, HttpMock(), clock).default_wait_timeout(request)
    assert learnt > 220.0, "above the slowest recent test"
    fast = waiter(tmp_path / "fast", HttpMock(), clock)
    for _index in range(6):
        fast.history.record(fast._timing_key(request), 20.0)
    assert waiter(tmp_path / "fast", HttpMock(), clock).default_wait_timeout(request) == floor
    assert patient.default_wait_timeout({"duration": None}) == 300.0, "a test of unknown length: the fixed default"


def test_a_timed_out_wait_is_recorded_for_the_next_runs(tmp_path):
    clock = FakeClock()
    http = HttpMock().expect("GET", TASK_RE, reply(200, json=RUNNING), times=100)
    patient = waiter(tmp_path, http, clock)
    request = {"duration": 10, "include_reverse": False}
    result, outcome = patient.wait(SERIAL, TASK, clock.monotonic() + 30, request=request,
                                   started_at=clock.monotonic())
    assert outcome.timed_out and result["error_type"] == "timeout"
    observed = TaskTimingHistory(str(tmp_path / "cache")).observations(patient._timing_key(request))
    assert observed == [(pytest.approx(30.0, abs=1.0), True)]

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Starting a test on a leased endpoint, waiting for it, and retrying a busy server elsewhere (virtual time)."""

import os
import random

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._run import (
    BUSY_COOLDOWN_BOUNDS,
    BUSY_PAUSE_SECONDS,
    IperfRunner,
    check_gateway,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._wait import TaskWaiter
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._server_pool import Endpoint, ServerPool
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._timing import TaskTimingHistory
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.paths import fixture_path
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import HttpMock, error_reply, reply

SERIAL = "CNF7G9K001"
BASE = "https://central.example"
START_PATH = r"/network-troubleshooting/v1/gateways/CNF7G9K001/iperf$"
TASKS = ["0d6f5b1c-9c1e-4a57-9a43-3b6d1e0b7f1%d" % n for n in range(10)]
FIXTURES = fixture_path()
REQUEST = {"duration": 10, "parallel": 1, "omit": 0, "include_reverse": False, "vlan_interface": None,
           "protocol": "tcp", "include_raw_output": True}
ENDPOINTS = ["127.0.0.1:15201", "127.0.0.1:15202", "127.0.0.1:15203"]


def task_path(task_id):
    return r"/iperf/async-operations/%s$" % task_id


def accepted(task_id):
    return reply(202, json={"location": "/network-troubleshooting/v1/gateways/%s/iperf/async-operations/%s"
                            % (SERIAL, task_id), "status": "INITIATED", "startTime": "2025-05-20T14:02:29Z"})


@pytest.fixture(name="busy")
def busy_body():
    with open(os.path.join(FIXTURES, "iperf", "iperf-3.0.11_error_busy.txt"), encoding="utf-8") as handle:
        raw = handle.read()
    return {"status": "COMPLETED", "progressPercent": 100, "startTime": "2025-05-20T14:02:29Z",
            "endTime": "2025-05-20T14:02:41Z", "output": None, "rawOutput": raw,
            "failReason": "iperf3: error - the server is busy running a test. try again later"}


class Harness:
    """A client on scripted HTTP, a pool in a temporary lease directory, and one virtual clock for both."""

    def __init__(self, tmp_path, endpoints=None, busy_retries=3, server_wait_timeout=600.0, seed=7, api_version="v1",
                 **client_options):
        self.clock = FakeClock()
        self.http = HttpMock()
        client_options.setdefault("access_token", "tok")
        client_options.setdefault("max_retries", 0)
        self.client = CentralClient(BASE, session=self.http, clock=self.clock, api_version=api_version,
                                    **client_options)
        self.pool = ServerPool(endpoints or ENDPOINTS, lock_dir=str(tmp_path / "leases"), clock=self.clock,
                               rng=random.Random(seed))
        waiter = TaskWaiter(self.client, self.clock, history=TaskTimingHistory(str(tmp_path / "cache")))
        self.runner = IperfRunner(self.client, self.pool, waiter, self.clock, rng=random.Random(seed),
                                  busy_retries=busy_retries, server_wait_timeout=server_wait_timeout)

    def run(self, request=None, wait=True, wait_timeout=118.0):
        return self.runner.run(SERIAL, dict(request or REQUEST), wait=wait, wait_timeout=wait_timeout)

    def posted_servers(self):
        return ["%s:%d" % (r.json["iperfServerAddress"], r.json["port"]) for r in self.http.requests if r.method == "POST"]

    def pool_is_free(self):
        """Every endpoint can be leased at once once any cool-down is over (nothing was left held)."""
        self.clock.advance(BUSY_COOLDOWN_BOUNDS[1] + 1)
        held = []
        try:
            for _endpoint in self.pool.endpoints:
                found = self.pool.try_acquire()
                if found is None:
                    return False
                held.append(found[1])
            return True
        finally:
            for fd in held:
                self.pool.release(fd)


def pauses_before_restarts(harness):
    """The sleeps between the end of one attempt (its last GET) and the next POST."""
    marks = []
    original = harness.http.request

    def request(method, url, **kwargs):
        marks.append((method.upper(), len(harness.clock.sleeps)))
        return original(method, url, **kwargs)

    def pauses():
        between = [harness.clock.sleeps[before[1]:after[1]]
                   for before, after in zip(marks, marks[1:]) if before[0] == "GET" and after[0] == "POST"]
        after_last = harness.clock.sleeps[marks[-1][1]:]
        return between, after_last

    harness.http.request = request
    return pauses


# ---------------------------------------------------------------- one run


def test_success_holds_the_lease_during_the_test_and_releases_it(tmp_path, seed):
    harness = Harness(tmp_path, endpoints=["127.0.0.1:15201"])
    held_while_running = []

    def completed(_request):
        held_while_running.append(harness.pool.try_acquire() is None)
        return reply(200, json=seed)

    harness.http.expect("POST", START_PATH, accepted(TASKS[0])).expect("GET", task_path(TASKS[0]), completed)
    run = harness.run()
    harness.http.assert_done()
    assert run.error is None
    assert held_while_running == [True]
    assert harness.pool_is_free()
    assert run.started
    assert (run.task_id, run.status, run.server) == (TASKS[0], "COMPLETED", "127.0.0.1:15201")
    assert run.attempts == [{"endpoint": "127.0.0.1:15201", "task_id": TASKS[0], "outcome": "succeeded"}]
    assert run.result["succeeded"] is True
    assert run.result["server_port"] == 15201
    assert run.result["upload"]["receiver"]["bits_per_second"] == 7670000
    assert harness.http.requests[0].json["iperfServerAddress"] == "127.0.0.1"


def test_busy_then_success_on_another_endpoint(tmp_path, seed, busy):
    harness = Harness(tmp_path)
    harness.http.expect("POST", START_PATH, accepted(TASKS[0])).expect("GET", task_path(TASKS[0]), reply(200, json=busy))
    harness.http.expect("POST", START_PATH, accepted(TASKS[1])).expect("GET", task_path(TASKS[1]), reply(200, json=seed))
    pauses = pauses_before_restarts(harness)
    run = harness.run()
    harness.http.assert_done()
    assert run.error is None
    first, second = harness.posted_servers()
    assert first == harness.pool.order(SERIAL)[0].__str__()
    assert second != first
    assert [a["outcome"] for a in run.attempts] == ["server_busy", "succeeded"]
    assert [a["task_id"] for a in run.attempts] == TASKS[:2]
    assert run.server == second
    assert run.task_id == TASKS[1]
    assert run.result["succeeded"] is True
    assert harness.pool.cooling_down(Endpoint("127.0.0.1", int(first.rsplit(":", 1)[1]))) > 0
    low, high = BUSY_PAUSE_SECONDS
    [pause], after_last = pauses()
    assert after_last == []
    assert len(pause) == 1 and low <= pause[0] <= high, "one jittered pause, then a free endpoint at once"
    assert harness.pool_is_free()


def test_busy_until_retries_run_out_is_server_busy_never_a_measurement(tmp_path, busy):
    harness = Harness(tmp_path, endpoints=ENDPOINTS[:2], busy_retries=2)
    for task_id in TASKS[:3]:
        harness.http.expect("POST", START_PATH, accepted(task_id)).expect("GET", task_path(task_id), reply(200, json=busy))
    pauses = pauses_before_restarts(harness)
    run = harness.run()
    harness.http.assert_done()
    msg, error_type = run.error
    assert error_type == "server_busy"
    assert "busy on all 3 attempt(s)" in msg
    assert "server_pool" in msg and "\n" not in msg
    assert [a["outcome"] for a in run.attempts] == ["server_busy"] * 3
    servers = harness.posted_servers()
    assert servers[0] != servers[1], "the retry goes to the other endpoint first"
    assert run.result["succeeded"] is False
    assert run.result["error_type"] == "server_busy"
    assert run.result["upload"] is None and run.result["download"] is None
    low, high = BUSY_PAUSE_SECONDS
    between, after_last = pauses()
    assert len(between) == 2
    assert all(low <= sleeps[0] <= high for sleeps in between)
    assert between[0][0] != between[1][0], "pauses are jittered"
    assert after_last == [], "no pause after the last attempt"
    assert harness.pool_is_free()


def test_a_single_endpoint_that_was_busy_is_retried_after_its_cool_down(tmp_path, seed, busy):
    harness = Harness(tmp_path, endpoints=["127.0.0.1:15201"])
    posted_at = []

    def start(task_id):
        def answer(_request):
            posted_at.append(harness.clock.monotonic())
            return accepted(task_id)
        return answer

    harness.http.expect("POST", START_PATH, start(TASKS[0])).expect("GET", task_path(TASKS[0]), reply(200, json=busy))
    harness.http.expect("POST", START_PATH, start(TASKS[1])).expect("GET", task_path(TASKS[1]), reply(200, json=seed))
    run = harness.run()
    harness.http.assert_done()
    assert run.error is None
    assert [a["outcome"] for a in run.attempts] == ["server_busy", "succeeded"]
    busy_seen_at = posted_at[0] + harness.clock.sleeps[0]
    assert posted_at[1] - busy_seen_at >= 10, "the endpoint rests for the cool-down (the test's 10 s duration)"


def test_post_409_offline_is_device_offline_without_retry(tmp_path):
    harness = Harness(tmp_path)
    harness.http.expect("POST", START_PATH, error_reply(409, "HPE_GL_ERROR_CONFLICT", "Device offline: CNF7G9K001"))
    run = harness.run()
    harness.http.assert_done()
    msg, error_type = run.error
    assert error_type == "device_offline"
    assert "\n" not in msg
    assert run.api_error["status"] == 409
    assert not run.started
    assert run.result is None
    assert run.attempts == [{"endpoint": str(harness.pool.order(SERIAL)[0]), "task_id": None,
                             "outcome": "device_offline"}]
    assert harness.clock.sleeps == []
    assert harness.pool_is_free()


def test_unreachable_server_is_reported_without_retry(tmp_path, busy):
    failed = dict(busy, rawOutput="iperf3: error - unable to connect to server: Connection refused\n",
                  failReason="unable to connect to server: Connection refused")
    harness = Harness(tmp_path)
    harness.http.expect("POST", START_PATH, accepted(TASKS[0])).expect("GET", task_path(TASKS[0]), reply(200, json=failed))
    run = harness.run()
    harness.http.assert_done()
    assert run.error[1] == "server_unreachable"
    assert [a["outcome"] for a in run.attempts] == ["server_unreachable"]


def test_a_test_still_running_at_wait_timeout_is_a_timeout_and_frees_the_endpoint(tmp_path):
    running = {"status": "RUNNING", "progressPercent": 0, "startTime": "2025-05-20T14:02:29Z", "endTime": None,
               "output": None, "rawOutput": None}
    harness = Harness(tmp_path, endpoints=["127.0.0.1:15201"])
    harness.http.expect("POST", START_PATH, accepted(TASKS[0]))
    harness.http.expect("GET", task_path(TASKS[0]), reply(200, json=running), times=200)
    started = harness.clock.monotonic()
    run = harness.run(wait_timeout=90)
    assert harness.http.failures == []
    assert run.error[1] == "timeout"
    assert run.result["error_type"] == "timeout"
    assert run.status == "RUNNING"
    assert run.attempts[0]["outcome"] == "timeout"
    assert 90 <= harness.clock.monotonic() - started < 95
    assert harness.pool_is_free()


def test_without_wait_the_test_is_started_and_the_endpoint_freed(tmp_path):
    harness = Harness(tmp_path)
    harness.http.expect("POST", START_PATH, accepted(TASKS[0]))
    run = harness.run(wait=False)
    harness.http.assert_done()
    assert run.error is None
    assert run.status == "INITIATED"
    assert run.attempts[0]["outcome"] == "started"
    assert run.result["succeeded"] is False and run.result["task_id"] == TASKS[0]
    assert harness.clock.sleeps == []
    assert harness.pool_is_free()


def test_no_free_endpoint_is_server_busy_before_any_request(tmp_path):
    harness = Harness(tmp_path, endpoints=["127.0.0.1:15201"], server_wait_timeout=30)
    holder = harness.pool.try_acquire()
    try:
        run = harness.run()
    finally:
        harness.pool.release(holder[1])
    assert harness.http.requests == []
    assert run.error[1] == "server_busy"
    assert "stayed in use" in run.error[0]
    assert run.attempts == []
    assert 30 <= harness.clock.slept <= 31


def test_interrupted_wait_releases_the_lease(tmp_path):
    harness = Harness(tmp_path, endpoints=["127.0.0.1:15201"])
    harness.http.expect("POST", START_PATH, accepted(TASKS[0])).expect("GET", task_path(TASKS[0]), KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        harness.run()
    assert harness.pool_is_free()


# ---------------------------------------------------------------- check mode look-up


GATEWAYS_PATH = r"/network-monitoring/v1/gateways$"


@pytest.mark.parametrize("status", ["Online", "ONLINE"])
def test_check_gateway_accepts_an_online_gateway(tmp_path, status):
    harness = Harness(tmp_path)
    harness.http.expect("GET", GATEWAYS_PATH, reply(200, json={
        "items": [{"serialNumber": SERIAL, "status": status, "deviceName": "berlin-gw-01"}], "count": 1, "total": 1,
        "next": None}))
    gateway = check_gateway(harness.client, SERIAL)
    harness.http.assert_done()
    assert gateway["serial_number"] == SERIAL and gateway["name"] == "berlin-gw-01"
    assert harness.http.requests[0].params["filter"] == "serialNumber eq 'CNF7G9K001'"


@pytest.mark.parametrize("items, error_type", [
    ([{"serialNumber": SERIAL, "status": "Offline"}], "device_offline"),
    ([], "device_not_found"),
    ([{"serialNumber": "CNF7G9K002", "status": "Online"}], "device_not_found"),
])
def test_check_gateway_rejects_missing_or_offline_gateways(tmp_path, items, error_type):
    harness = Harness(tmp_path)
    listing = {"items": items, "count": len(items), "total": len(items), "next": None}
    harness.http.expect("GET", GATEWAYS_PATH, reply(200, json=listing))
    with pytest.raises(CentralError) as caught:
        check_gateway(harness.client, SERIAL)
    assert caught.value.error_type == error_type
    assert SERIAL in str(caught.value)


# ---------------------------------------------------------------- one budget per run


RUNNING = {"status": "RUNNING", "progressPercent": 10, "startTime": "2025-05-20T14:02:29Z", "endTime": None,
           "output": None, "rawOutput": None}


def test_busy_retries_spend_from_one_budget_and_never_restart_it(tmp_path, busy):
    """Each busy answer costs time; the run stops starting tests when the budget is spent, not later."""
    harness = Harness(tmp_path, busy_retries=10)
    for task_id in TASKS:
        harness.http.expect("POST", START_PATH, accepted(task_id))
        harness.http.expect("GET", task_path(task_id), reply(200, json=busy), times=1)
    started = harness.clock.monotonic()
    run = harness.run(wait_timeout=28.0)
    assert run.error[1] == "server_busy"
    assert "no time was left for another attempt" in run.error[0]
    assert harness.clock.monotonic() - started <= 28.0
    assert len(run.attempts) < 11
    assert harness.pool_is_free()


def test_lease_waits_and_test_waits_share_the_run_budget(tmp_path):
    """server_wait_timeout + wait_timeout bound the whole run, whatever mix of waiting it has."""
    harness = Harness(tmp_path, endpoints=["127.0.0.1:15201"], server_wait_timeout=20.0)
    held = [harness.pool.try_acquire()]
    started = harness.clock.monotonic()

    def release_after_15_seconds(_seconds):
        if held and harness.clock.monotonic() - started >= 15:
            harness.pool.release(held.pop()[1])

    harness.clock.on_sleep = release_after_15_seconds
    harness.http.expect("POST", START_PATH, accepted(TASKS[0]))
    harness.http.expect("GET", task_path(TASKS[0]), reply(200, json=RUNNING), times=200)
    run = harness.run(wait_timeout=30.0)
    spent = harness.clock.monotonic() - started
    assert run.error[1] == "timeout"
    assert 15 + 30 <= spent <= 20 + 30, "about 15 s for the lease, then the whole 30 s wait_timeout, never more"


def test_the_token_comes_before_the_lease_and_a_token_failure_is_auth(tmp_path):
    harness = Harness(tmp_path, access_token=None, client_id="id", client_secret="secret-value", max_retries=0)
    harness.http.expect("POST", r"/as/token\.oauth2$", error_reply(503, "unavailable", "down"))
    holder = harness.pool.try_acquire()
    try:
        run = harness.run()
    finally:
        harness.pool.release(holder[1])
    harness.http.assert_done()
    msg, error_type = run.error
    assert error_type == "auth"
    assert "token.oauth2" in msg and "\n" not in msg
    assert run.attempts == [], "no endpoint was leased or waited for"
    assert harness.clock.slept == 0


def test_a_far_rate_limit_reset_ends_the_run_at_once_and_says_when(tmp_path):
    harness = Harness(tmp_path, endpoints=["127.0.0.1:15201"], max_retries=5)
    far = "2025-06-15T12:50:00Z"  # 50 minutes after the fake clock's start
    harness.http.expect("POST", START_PATH, accepted(TASKS[0]))
    harness.http.expect("GET", task_path(TASKS[0]), error_reply(
        429, "HPE_GL_ERROR_TOO_MANY_REQUESTS", "Rate limit exceeded.",
        headers={"X-RateLimit-Reset": far, "X-RateLimit-Remaining": "0"}))
    started = harness.clock.monotonic()
    run = harness.run(wait_timeout=118.0)
    harness.http.assert_done()
    msg, error_type = run.error
    assert error_type == "rate_limited"
    assert far in msg and "\n" not in msg
    assert harness.clock.monotonic() - started < 10, "the 50-minute wait is not started"
    assert harness.pool_is_free()


# ---------------------------------------------------------------- a start whose answer was lost


LIST_PATH = r"/network-troubleshooting/v1/gateways/CNF7G9K001/list-tasks$"


def listing(*task_ids):
    return reply(200, json=[{"testName": "iperf", "locations": [
        "/network-troubleshooting/v1/gateways/%s/iperf/async-operations/%s" % (SERIAL, task_id)
        for task_id in task_ids]}])


def lost(_request):
    from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import read_timeout
    raise read_timeout()


def test_a_lost_start_answer_is_settled_with_list_tasks_and_the_test_followed(tmp_path, seed):
    running = dict(RUNNING, startTime="2025-06-15T12:00:00Z")
    harness = Harness(tmp_path)
    harness.http.expect("POST", START_PATH, lost)
    harness.http.expect("GET", LIST_PATH, listing(TASKS[5], TASKS[4]))
    harness.http.expect("GET", task_path(TASKS[5]), reply(200, json=running))
    harness.http.expect("GET", task_path(TASKS[5]), reply(200, json=seed))
    run = harness.run()
    harness.http.assert_done()
    assert run.error is None
    assert [r.method for r in harness.http.requests].count("POST") == 1, "never a second test"
    assert run.task_id == TASKS[5]
    assert run.result["succeeded"] is True


def test_a_lost_start_answer_with_no_new_test_listed_is_sent_once_more(tmp_path, seed):
    old = dict(seed, startTime="2025-06-15T11:00:00Z")
    harness = Harness(tmp_path)
    harness.http.expect("POST", START_PATH, error_reply(503, "HPE_GL_ERROR_SERVICE_UNAVAILABLE", "busy"))
    harness.http.expect("GET", LIST_PATH, listing(TASKS[4]))
    harness.http.expect("GET", task_path(TASKS[4]), reply(200, json=old))
    harness.http.expect("POST", START_PATH, accepted(TASKS[0]))
    harness.http.expect("GET", task_path(TASKS[0]), reply(200, json=seed))
    run = harness.run()
    harness.http.assert_done()
    assert run.error is None
    assert run.task_id == TASKS[0]


def test_a_start_accepted_with_an_unreadable_answer_is_never_sent_again(tmp_path):
    harness = Harness(tmp_path)
    harness.http.expect("POST", START_PATH, reply(202, text="{\"location\": \"/network-troub"))
    harness.http.expect("GET", LIST_PATH, listing())
    run = harness.run()
    harness.http.assert_done()
    msg, error_type = run.error
    assert error_type == "api_error"
    assert "lists no test started by this request" in msg
    assert [r.method for r in harness.http.requests].count("POST") == 1


def test_a_lost_start_answer_on_v1alpha1_is_reported_without_a_second_start(tmp_path):
    harness = Harness(tmp_path, api_version="v1alpha1")
    harness.http.expect("POST", r"/v1alpha1/gateways/CNF7G9K001/iperf$", lost)
    run = harness.run()
    harness.http.assert_done()
    msg, error_type = run.error
    assert error_type == "api_error"
    assert "may have started" in msg and "no list-tasks" in msg
    assert "\n" not in msg

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Leasing iperf server endpoints: parsing, spreading, waiting, and exclusivity across real processes."""

import collections
import multiprocessing
import os
import random
import signal
import stat
import time

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf import _server_pool
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._server_pool import (
    Endpoint,
    ServerPool,
    default_lock_dir,
    parse_endpoint,
    parse_endpoints,
    spread_offset,
)

from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock

# fork keeps the test fast and lets children use the pool class as defined here.
MP = multiprocessing.get_context("fork")


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize("text, host, port", [
    ("10.0.0.5", "10.0.0.5", 5201),
    ("10.0.0.5:5202", "10.0.0.5", 5202),
    (" 10.0.0.5:1 ", "10.0.0.5", 1),
    ("iperf.Example.COM", "iperf.example.com", 5201),
    ("iperf.example.com.:65535", "iperf.example.com", 65535),
    ("localhost:7000", "localhost", 7000),
    ("[2001:DB8:0::1]:5203", "2001:db8::1", 5203),
    ("[::1]", "::1", 5201),
    ("2001:db8::10", "2001:db8::10", 5201),
])
def test_parse_endpoint_accepts_and_canonicalises(text, host, port):
    assert parse_endpoint(text) == Endpoint(host, port)


@pytest.mark.parametrize("text, why", [
    ("", "empty"),
    ("   ", "empty"),
    ("host:", "not a number"),
    ("host:abc", "not a number"),
    ("host:0", "outside 1..65535"),
    ("host:65536", "outside 1..65535"),
    ("[10.0.0.5]:5201", "not an IPv6 address"),
    ("[2001:db8::1]:", "not a number"),
    ("2001:db8::zz", "not an IPv6 address"),
    ("256.1.1.1", "not a valid IPv4 address"),
    ("10.0.0", "not a valid IPv4 address"),
    ("bad_host.example.com", "neither an IP address nor a valid host name"),
    ("-lead.example.com", "neither an IP address nor a valid host name"),
    ("a..b", "neither an IP address nor a valid host name"),
    ("x" * 64 + ".com", "neither an IP address nor a valid host name"),
    (5201, "expected a string"),
])
def test_parse_endpoint_rejects_with_one_line_message(text, why):
    with pytest.raises(ValueError) as caught:
        parse_endpoint(text)
    message = str(caught.value)
    assert why in message
    assert repr(text) in message
    assert "host:port" in message
    assert "\n" not in message


def test_parse_endpoints_uses_default_port_and_rejects_duplicates():
    assert parse_endpoints(["a.example", "b.example:5300"], default_port=5301) == [
        Endpoint("a.example", 5301), Endpoint("b.example", 5300)]
    with pytest.raises(ValueError, match=r"lists 10\.0\.0\.5:5201 twice"):
        parse_endpoints(["10.0.0.5", "10.0.0.5:5201"])
    with pytest.raises(ValueError, match=r"lists \[::1\]:5201 twice"):
        parse_endpoints(["[::1]:5201", "[0:0::1]"])
    with pytest.raises(ValueError, match="pool is empty"):
        parse_endpoints([])


def test_endpoint_prints_ipv6_in_brackets():
    assert str(Endpoint("2001:db8::1", 5201)) == "[2001:db8::1]:5201"
    assert str(Endpoint("10.0.0.5", 80)) == "10.0.0.5:80"


# ---------------------------------------------------------------- where the search starts


def test_spread_offset_is_deterministic_and_spreads_serials():
    serials = ["CNF7G9K%03d" % n for n in range(300)]
    offsets = [spread_offset(serial, 3) for serial in serials]
    assert offsets == [spread_offset(serial, 3) for serial in serials]
    counts = collections.Counter(offsets)
    assert set(counts) == {0, 1, 2}
    assert all(70 <= count <= 130 for count in counts.values()), counts
    assert spread_offset(None, 3) == 0
    assert spread_offset("CNF7G9K001", 1) == 0


def test_order_rotates_by_key_and_puts_avoided_endpoints_last(tmp_path):
    pool = ServerPool(["a.example", "b.example", "c.example"], lock_dir=str(tmp_path))
    offset = spread_offset("CNF7G9K001", 3)
    rotated = pool.endpoints[offset:] + pool.endpoints[:offset]
    assert pool.order("CNF7G9K001") == rotated
    assert pool.order("CNF7G9K001", avoid=[rotated[0]]) == rotated[1:] + rotated[:1]


def test_default_lock_dir_prefers_runtime_dir_then_cache(tmp_path):
    runtime = tmp_path / "run"
    runtime.mkdir()
    assert default_lock_dir({"XDG_RUNTIME_DIR": str(runtime)}) == str(runtime / "aruba_central_troubleshooting" / "leases")
    missing = str(tmp_path / "gone")
    cache = str(tmp_path / "cache")
    assert default_lock_dir({"XDG_RUNTIME_DIR": missing, "XDG_CACHE_HOME": cache}) == os.path.join(
        cache, "aruba_central_troubleshooting", "leases")


# ---------------------------------------------------------------- leasing in one process


def make_pool(tmp_path, endpoints=("10.0.0.1", "10.0.0.2"), clock=None, seed=1):
    return ServerPool(list(endpoints), lock_dir=str(tmp_path / "leases"), clock=clock or FakeClock(),
                      rng=random.Random(seed))


def test_lease_creates_private_directory_and_names_the_holder(tmp_path):
    pool = make_pool(tmp_path)
    with pool.lease(deadline=0, key="CNF7G9K001") as endpoint:
        assert endpoint == pool.order("CNF7G9K001")[0]
        mode = stat.S_IMODE(os.stat(pool.lock_dir).st_mode)
        assert mode == 0o700
        lock_files = [name for name in os.listdir(pool.lock_dir) if name.endswith(".lock")]
        assert len(lock_files) == 1
        with open(os.path.join(pool.lock_dir, lock_files[0]), encoding="ascii") as handle:
            assert handle.read() == "pid=%d gateway=CNF7G9K001\n" % os.getpid()


def test_missing_parent_of_the_lease_directory_is_created_private(tmp_path):
    lock_dir = tmp_path / "cache" / "aruba_central_troubleshooting" / "leases"
    pool = ServerPool(["10.0.0.1"], lock_dir=str(lock_dir), clock=FakeClock())
    with pool.lease(deadline=0):
        assert stat.S_IMODE(os.stat(str(lock_dir)).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(str(lock_dir.parent)).st_mode) == 0o700


def test_concurrent_leases_get_different_endpoints_then_wait_and_time_out(tmp_path):
    clock = FakeClock()
    pool = make_pool(tmp_path, clock=clock)
    with pool.lease(deadline=0, key="CNF7G9K001") as first:
        with pool.lease(deadline=0, key="CNF7G9K001") as second:
            assert {first, second} == set(pool.endpoints)
            started = clock.monotonic()
            with pytest.raises(CentralError) as caught:
                with pool.lease(deadline=started + 30, key="CNF7G9K001"):
                    pytest.fail("a third lease on a pool of two endpoints must not be granted")
    error = caught.value
    assert error.error_type == "server_busy"
    assert "all 2 endpoint(s)" in str(error)
    assert "server_pool" in str(error)
    waited = clock.monotonic() - started
    assert waited == pytest.approx(30)
    assert clock.sleeps, "the pool must sleep between looks"
    assert all(s <= _server_pool.MAX_POLL_SECONDS for s in clock.sleeps)
    assert len(set(clock.sleeps[:-1])) > 1, "sleeps must be jittered"


def test_waiting_lease_gets_the_endpoint_once_it_is_released(tmp_path):
    clock = FakeClock()
    pool = make_pool(tmp_path, endpoints=["10.0.0.1"], clock=clock)
    endpoint, fd = pool.acquire(deadline=0)
    release_at = clock.monotonic() + 5

    def release_after_five_seconds(_seconds):
        if clock.monotonic() >= release_at and fd is not None:
            pool.release(fd)
            clock.on_sleep = None

    clock.on_sleep = release_after_five_seconds
    with pool.lease(deadline=clock.monotonic() + 60) as again:
        assert again == endpoint
    assert 5 <= clock.monotonic() - (release_at - 5) < 6.5


@pytest.mark.parametrize("exception", [RuntimeError("test failed"), KeyboardInterrupt()])
def test_lease_is_released_when_the_block_raises(tmp_path, exception):
    pool = make_pool(tmp_path, endpoints=["10.0.0.1"])
    with pytest.raises(type(exception)):
        with pool.lease(deadline=0):
            raise exception
    with pool.lease(deadline=0) as endpoint:
        assert endpoint == Endpoint("10.0.0.1", 5201)


def test_mark_busy_sends_the_next_lease_elsewhere_until_the_cool_down_ends(tmp_path):
    clock = FakeClock()
    pool = make_pool(tmp_path, clock=clock)
    first_choice = pool.order("CNF7G9K001")[0]
    pool.mark_busy(first_choice, 20)
    assert pool.cooling_down(first_choice) == pytest.approx(20)
    with pool.lease(deadline=0, key="CNF7G9K001") as endpoint:
        assert endpoint != first_choice
    clock.advance(21)
    assert pool.cooling_down(first_choice) == 0
    with pool.lease(deadline=0, key="CNF7G9K001") as endpoint:
        assert endpoint == first_choice


def test_a_cool_down_is_shared_with_other_pool_objects(tmp_path):
    clock = FakeClock()
    pool = make_pool(tmp_path, endpoints=["10.0.0.1"], clock=clock)
    pool.mark_busy(pool.endpoints[0], 10)
    other = make_pool(tmp_path, endpoints=["10.0.0.1"], clock=clock)
    start = clock.monotonic()
    with other.lease(deadline=start + 60) as endpoint:
        assert endpoint == pool.endpoints[0]
    assert 10 <= clock.monotonic() - start < 11.5


def test_unusable_lease_directory_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    pool = ServerPool(["10.0.0.1"], lock_dir=str(blocker / "leases"), clock=FakeClock())
    with pytest.raises(CentralError) as caught:
        with pool.lease(deadline=0):
            pytest.fail("no lease without a lease directory")
    assert "lease_dir" in str(caught.value)
    assert str(blocker / "leases") in str(caught.value)


# ---------------------------------------------------------------- the queue, in one process


def test_a_newcomer_does_not_take_an_endpoint_freed_while_an_older_run_waits(tmp_path):
    clock = FakeClock()
    pool = make_pool(tmp_path, endpoints=["10.0.0.1"], clock=clock)
    newcomer = make_pool(tmp_path, endpoints=["10.0.0.1"], clock=clock)
    _endpoint, holder_fd = pool.acquire(deadline=0)
    seen = []

    def release_then_let_a_newcomer_try(_seconds):
        clock.on_sleep = None
        pool.release(holder_fd)
        seen.append(newcomer.try_acquire(key="CNF7G9K999"))
        with pytest.raises(CentralError) as caught:
            newcomer.acquire(deadline=clock.monotonic(), key="CNF7G9K999")
        seen.append(str(caught.value))

    clock.on_sleep = release_then_let_a_newcomer_try
    with pool.lease(deadline=clock.monotonic() + 60, key="CNF7G9K001") as endpoint:
        assert endpoint == pool.endpoints[0]
        assert newcomer.waiting() == 0
    assert seen[0] is None, "a newcomer must not take the endpoint an older run waits for"
    assert "(1 run(s) waiting ahead)" in seen[1]
    assert len(clock.sleeps) == 1, "the waiting run takes the endpoint at its next look"


def test_tickets_are_served_oldest_first_and_two_free_endpoints_go_to_the_two_oldest(tmp_path):
    pool = make_pool(tmp_path)
    held = [pool.try_acquire()[1] for _endpoint in pool.endpoints]
    tickets = [make_pool(tmp_path).join_queue("CNF7G9K%03d" % n) for n in range(4)]
    assert tickets == sorted(tickets, key=lambda ticket: ticket.name), "tickets are numbered in arrival order"
    assert pool.waiting() == 4
    try:
        pool.release(held.pop())
        assert [pool.try_acquire(ticket=t) for t in tickets[1:]] == [None, None, None]
        first = pool.try_acquire(ticket=tickets[0])
        assert first is not None
        pool.leave_queue(tickets.pop(0))
        pool.release(held.pop())
        pool.release(first[1])
        assert pool.try_acquire(ticket=tickets[2]) is None, "two endpoints free: only the two oldest may take them"
        taken = [pool.try_acquire(ticket=t) for t in tickets[1::-1]]
        assert None not in taken and {found[0] for found in taken} == set(pool.endpoints)
        held.extend(found[1] for found in taken)
    finally:
        for ticket in tickets:
            pool.leave_queue(ticket)
        for fd in held:
            pool.release(fd)
    assert pool.waiting() == 0
    assert not [name for name in os.listdir(pool.queue_dir) if name.endswith(".ticket")]


def test_a_dead_waiters_ticket_never_blocks_the_queue(tmp_path):
    pool = make_pool(tmp_path, endpoints=["10.0.0.1"])
    live = make_pool(tmp_path, endpoints=["10.0.0.1"]).join_queue("CNF7G9K001")
    dead = make_pool(tmp_path, endpoints=["10.0.0.1"]).join_queue("CNF7G9K002")
    assert pool.try_acquire() is None, "a live waiter is ahead of a newcomer"
    pool.leave_queue(live)
    os.close(dead.fd)  # what the kernel does for a killed process: the lock goes, the file stays
    assert os.path.exists(dead.path)
    found = pool.try_acquire()
    assert found is not None and found[0] == pool.endpoints[0]
    pool.release(found[1])
    assert not os.path.exists(dead.path), "the dead waiter's ticket is cleared by the next look"
    assert pool.waiting() == 0


def test_a_damaged_counter_continues_after_the_existing_tickets(tmp_path):
    pool = make_pool(tmp_path, endpoints=["10.0.0.1"])
    first = pool.join_queue()
    with open(os.path.join(pool.queue_dir, "counter"), "w", encoding="ascii") as handle:
        handle.write("garbage")
    second = pool.join_queue()
    try:
        assert first.name < second.name
        assert pool.try_acquire(ticket=second) is None
    finally:
        pool.leave_queue(first)
        pool.leave_queue(second)


def test_every_endpoint_set_has_its_own_queue(tmp_path):
    pool = make_pool(tmp_path, endpoints=["10.0.0.1", "10.0.0.2"])
    assert make_pool(tmp_path, endpoints=["10.0.0.2", "10.0.0.1:5201"]).queue_dir == pool.queue_dir
    other = make_pool(tmp_path, endpoints=["10.0.0.3"])
    assert other.queue_dir != pool.queue_dir
    ticket = pool.join_queue()
    try:
        found = other.try_acquire()
        assert found is not None, "a run waiting for another pool does not hold this one up"
        other.release(found[1])
    finally:
        pool.leave_queue(ticket)


def test_the_queue_listing_is_read_again_after_any_change(tmp_path):
    pool = make_pool(tmp_path)
    older = pool.join_queue()
    settled = time.time_ns() - 5 * 10 ** 9
    os.utime(pool.queue_dir, ns=(settled, settled))
    assert pool.waiting() == 1
    assert pool._listing is not None, "a settled listing is kept"
    newer = pool.join_queue()
    try:
        assert pool.waiting() == 2
        found = pool.try_acquire(ticket=newer)
        assert found is not None, "with two endpoints free the second in line is served too"
        pool.release(found[1])
    finally:
        pool.leave_queue(older)
        pool.leave_queue(newer)


# ---------------------------------------------------------------- many processes


class UnlockedPool(ServerPool):
    """A pool that forgets to lock: used to prove that the overlap check below can fail."""

    def _try_lock(self, endpoint, key):
        return os.open(self._path(endpoint, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)


def _hold_leases(pool_class, endpoints, lock_dir, marker_dir, index, barrier, queue, rounds, hold):
    pool = pool_class(endpoints, lock_dir=lock_dir, rng=random.Random(index), poll_interval=(0.002, 0.01))
    barrier.wait()
    for _round in range(rounds):
        with pool.lease(deadline=time.monotonic() + 60, key="CNF7G9K%03d" % index) as endpoint:
            marker = os.path.join(marker_dir, "%s_%d" % (endpoint.host, endpoint.port))
            clash = False
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                clash = True
                fd = None
            start = time.monotonic()
            time.sleep(hold)
            end = time.monotonic()
            if fd is not None:
                os.close(fd)
                os.unlink(marker)
            queue.put((str(endpoint), start, end, clash, index))


def _run_processes(tmp_path, pool_class, processes=8, rounds=3, hold=0.03):
    endpoints = ["127.0.0.1:15201", "127.0.0.1:15202", "127.0.0.1:15203"]
    lock_dir = str(tmp_path / "leases")
    marker_dir = tmp_path / "markers"
    marker_dir.mkdir()
    barrier = MP.Barrier(processes)
    queue = MP.Queue()
    workers = [MP.Process(target=_hold_leases, args=(pool_class, endpoints, lock_dir, str(marker_dir), index,
                                                     barrier, queue, rounds, hold))
               for index in range(processes)]
    for worker in workers:
        worker.start()
    records = [queue.get(timeout=60) for _record in range(processes * rounds)]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    return records


def _overlaps(records):
    by_endpoint = collections.defaultdict(list)
    for endpoint, start, end, _clash, index in records:
        by_endpoint[endpoint].append((start, end, index))
    found = []
    for endpoint, spans in by_endpoint.items():
        spans.sort()
        for (start_a, end_a, who_a), (start_b, _end_b, who_b) in zip(spans, spans[1:]):
            if start_b < end_a:
                found.append((endpoint, who_a, who_b))
    return found


def test_eight_processes_never_share_an_endpoint(tmp_path):
    records = _run_processes(tmp_path, ServerPool)
    assert len(records) == 24
    assert not [r for r in records if r[3]], "two holders found the same endpoint marker"
    assert _overlaps(records) == []
    assert len({r[0] for r in records}) == 3, "all endpoints of the pool are used"


def test_the_overlap_check_catches_a_pool_without_locks(tmp_path):
    records = _run_processes(tmp_path, UnlockedPool, rounds=1, hold=0.2)
    assert _overlaps(records) or any(r[3] for r in records)


def _hold_until_killed(endpoints, lock_dir, ready):
    pool = ServerPool(endpoints, lock_dir=lock_dir)
    with pool.lease(deadline=time.monotonic()):
        ready.set()
        signal.pause()


def test_lease_of_a_killed_holder_is_reclaimed(tmp_path):
    endpoints = ["127.0.0.1:15201"]
    lock_dir = str(tmp_path / "leases")
    ready = MP.Event()
    holder = MP.Process(target=_hold_until_killed, args=(endpoints, lock_dir, ready))
    holder.start()
    try:
        assert ready.wait(30), "the holder process did not take its lease"
        pool = ServerPool(endpoints, lock_dir=lock_dir, clock=FakeClock())
        assert pool.try_acquire() is None, "the endpoint must be held by the other process"
        os.kill(holder.pid, signal.SIGKILL)
        holder.join(timeout=30)
        assert holder.exitcode == -signal.SIGKILL
        found = pool.try_acquire()
        assert found is not None and found[0] == pool.endpoints[0]
        pool.release(found[1])
    finally:
        if holder.is_alive():
            holder.kill()
            holder.join()


# ---------------------------------------------------------------- order of service across processes


def _wait_for(condition, what, timeout=30.0):
    """Look at ``condition`` every few milliseconds until it holds (real processes need real time)."""
    give_up = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < give_up, "timed out waiting for " + what
        time.sleep(0.005)


def _queue_then_hold(endpoints, lock_dir, index, served, release):
    pool = ServerPool(endpoints, lock_dir=lock_dir, rng=random.Random(index), poll_interval=(0.002, 0.01))
    with pool.lease(deadline=time.monotonic() + 60, key="CNF7G9K%03d" % index) as endpoint:
        served.put((index, str(endpoint)))
        release.wait(60)


class Line:
    """Processes that queue for a pool one after the other while the test holds every endpoint."""

    def __init__(self, tmp_path, size, count):
        self.endpoints = ["127.0.0.1:%d" % (15301 + n) for n in range(size)]
        self.lock_dir = str(tmp_path / "leases")
        self.pool = ServerPool(self.endpoints, lock_dir=self.lock_dir, clock=FakeClock())
        self.held = [self.pool.try_acquire()[1] for _endpoint in self.endpoints]
        self.served = MP.Queue()
        self.releases = [MP.Event() for _index in range(count)]
        self.workers = []
        for index in range(count):
            worker = MP.Process(target=_queue_then_hold,
                                args=(self.endpoints, self.lock_dir, index, self.served, self.releases[index]))
            worker.start()
            self.workers.append(worker)
            _wait_for(lambda queued=index + 1: self.pool.waiting() == queued, "process %d to queue" % index)

    def next_served(self):
        return self.served.get(timeout=30)

    def stop(self):
        for fd in self.held:
            self.pool.release(fd)
        for event in self.releases:
            event.set()
        for worker in self.workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
                worker.join()


@pytest.mark.parametrize("size", [1, 2])
def test_processes_are_served_in_the_order_they_queued(tmp_path, size):
    line = Line(tmp_path, size, count=5)
    try:
        line.pool.release(line.held.pop())
        assert line.pool.try_acquire() is None, "a newcomer must not take an endpoint while processes wait"
        for fd in line.held:
            line.pool.release(fd)
        line.held = []
        first = [line.next_served() for _endpoint in range(size)]
        assert sorted(index for index, _endpoint in first) == list(range(size)), "the oldest waiters go first"
        holding = sorted(index for index, _endpoint in first)
        for expected in range(size, 5):
            line.releases[holding.pop(0)].set()
            index, _endpoint = line.next_served()
            assert index == expected, "process %d was served before process %d" % (index, expected)
            holding.append(index)
        for worker_index in holding:
            line.releases[worker_index].set()
        _wait_for(lambda: line.pool.waiting() == 0, "the queue to empty")
    finally:
        line.stop()
    assert all(worker.exitcode == 0 for worker in line.workers)


def test_waiters_killed_in_the_queue_do_not_block_the_others(tmp_path):
    line = Line(tmp_path, 1, count=4)
    try:
        for index in (0, 2):  # the head of the line and one in the middle
            os.kill(line.workers[index].pid, signal.SIGKILL)
            line.workers[index].join(timeout=30)
            assert line.workers[index].exitcode == -signal.SIGKILL
        line.pool.release(line.held.pop())
        assert line.next_served()[0] == 1
        line.releases[1].set()
        assert line.next_served()[0] == 3
        line.releases[3].set()
        _wait_for(lambda: line.pool.waiting() == 0, "the queue to empty")
        assert not [name for name in os.listdir(line.pool.queue_dir) if name.endswith(".ticket")], \
            "the killed waiters' tickets are cleared"
    finally:
        line.stop()

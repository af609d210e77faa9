# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Lease iperf3 server endpoints so that concurrent module runs never share one, served in arrival order.

An iperf3 server runs one test at a time. Every endpoint (``host:port``) of a pool gets one lock file in a
controller-wide lease directory; a module run holds an exclusive, non-blocking ``fcntl.flock`` on it for the whole
test. The kernel drops the lock when the holding process exits, so a run that was killed never leaves a stale lease.

Waiting is first come, first served. A run that wants an endpoint takes a numbered ticket in the pool's queue
directory (``queue-<digest of the endpoint set>``): under a short lock on the counter file it draws the next number,
creates its ticket under a hidden name, takes an exclusive ``flock`` on it and only then renames it into place, so
every visible ticket is locked by a live waiter and tickets appear in number order. A waiter is served when fewer
live tickets are ahead of it than endpoints are free (with k free endpoints the k oldest waiters may take them);
it locks the endpoint first and leaves the queue afterwards, and a waiter counts the tickets ahead before it looks
at the endpoints, so an endpoint taken by the one ahead is never counted free for the one behind. A ticket whose
``flock`` can be taken belongs to a process that died (the kernel dropped its lock): whoever finds it deletes it, so
a killed waiter never blocks the queue. Waiters look again after a short jittered sleep (no busy loop). A look is
cheap: a ``stat`` of the queue directory (its listing is reused while the directory is unchanged), a lock probe of at
most as many tickets ahead as the pool has endpoints, and a probe per endpoint only for the waiters near the front.
:meth:`ServerPool.try_acquire` never jumps the queue: it takes an endpoint only when more are free than runs wait.

Every set of endpoints has its own queue. Runs whose pools overlap without being equal still never use one endpoint at
once (the endpoint locks are shared), but they are not served in a common order.

An endpoint that answered "busy" although nobody on this controller held it is in use by someone else (another
controller, another AWX slice). :meth:`ServerPool.mark_busy` records a short cool-down for it in the same directory,
so that the next lease on this controller picks another endpoint first; the cool-down expires on its own. An endpoint
cooling down does not count as free.
"""

import bisect
import collections
import contextlib
import errno
import fcntl
import hashlib
import ipaddress
import os
import random
import re
import time
from typing import Any, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._paths import runtime_dir
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import SYSTEM_CLOCK, Clock

DEFAULT_PORT = 5201
TICKET_SUFFIX = ".ticket"
NUMBER_DIGITS = 20
# A queue listing is reused only when the directory last changed at least this long before it was taken.
SETTLED_NS = 1000000000

# Sleeps between two looks at a fully used pool: short, and jittered so that waiting forks do not move in step.
MIN_POLL_SECONDS = 0.2
MAX_POLL_SECONDS = 1.0

_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_BRACKETED = re.compile(r"^\[(?P<host>[^\]]+)\](?::(?P<port>[^:]*))?$")


class Endpoint(collections.namedtuple("Endpoint", ["host", "port"])):
    """One iperf3 server endpoint: ``host`` (canonical form) and ``port``."""

    __slots__ = ()

    def __str__(self) -> str:
        if ":" in self.host:
            return "[%s]:%d" % (self.host, self.port)
        return "%s:%d" % (self.host, self.port)


def _bad(text: Any, why: str) -> ValueError:
    return ValueError("Invalid iperf server endpoint %r: %s - use host, host:port or [IPv6]:port." % (text, why))


def _canonical_host(host: str, text: str) -> str:
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        pass
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if not name or len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise _bad(text, "%r is neither an IP address nor a valid host name" % host)
    if labels[-1].isdigit():
        raise _bad(text, "%r is not a valid IPv4 address" % host)
    return name.lower()


def _parse_port(port_text: str, text: str) -> int:
    if not port_text.isdigit():
        raise _bad(text, "port %r is not a number" % port_text)
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise _bad(text, "port %d is outside 1..65535" % port)
    return port


def _no_port(text: str, allow_port: bool) -> None:
    if not allow_port:
        raise ValueError("Invalid iperf server address %r: give the host only (name, IPv4 or IPv6 address) and set "
                         "the port with the port option." % text)


def parse_endpoint(text: Any, default_port: int = DEFAULT_PORT, allow_port: bool = True) -> Endpoint:
    """Parse ``host``, ``host:port``, ``[IPv6]:port`` or a bare IPv6 address into an :class:`Endpoint`.

    With ``allow_port=False`` a port in ``text`` is an error. Raises ``ValueError`` with a one-line message
    naming the bad entry.
    """
    if not isinstance(text, str):
        raise _bad(text, "expected a string")
    value = text.strip()
    if not value:
        raise _bad(text, "it is empty")
    bracketed = _BRACKETED.match(value)
    if bracketed:
        host = bracketed.group("host")
        try:
            address = ipaddress.IPv6Address(host)
        except ValueError:
            raise _bad(text, "%r in brackets is not an IPv6 address" % host) from None
        port_text = bracketed.group("port")
        if port_text is not None:
            _no_port(text, allow_port)
        port = default_port if port_text is None else _parse_port(port_text, text)
        return Endpoint(address.compressed, port)
    if value.count(":") > 1:
        try:
            return Endpoint(ipaddress.IPv6Address(value).compressed, default_port)
        except ValueError:
            raise _bad(text, "not an IPv6 address (write IPv6 with a port as [address]:port)") from None
    host, sep, port_text = value.partition(":")
    if sep:
        _no_port(text, allow_port)
    port = _parse_port(port_text, text) if sep else default_port
    return Endpoint(_canonical_host(host, text), port)


def parse_endpoints(entries: Sequence[Any], default_port: int = DEFAULT_PORT) -> List[Endpoint]:
    """Parse a list of endpoint strings; reject an empty list and duplicates (after canonicalisation)."""
    if not entries:
        raise ValueError("The iperf server pool is empty - list at least one endpoint (host, host:port or [IPv6]:port).")
    endpoints: List[Endpoint] = []
    for entry in entries:
        endpoint = parse_endpoint(entry, default_port)
        if endpoint in endpoints:
            raise ValueError("The iperf server pool lists %s twice (as %r) - list every endpoint once." % (endpoint, entry))
        endpoints.append(endpoint)
    return endpoints


def default_lock_dir(environ: Optional[Mapping[str, str]] = None) -> str:
    """The lease directory: ``leases`` in the collection's runtime directory."""
    return os.path.join(runtime_dir(environ), "leases")


def spread_offset(key: Optional[str], count: int) -> int:
    """A start index in ``range(count)`` that depends only on ``key`` (a serial number), spread evenly."""
    if not key or count <= 1:
        return 0
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % count


def _file_stem(endpoint: Endpoint) -> str:
    readable = re.sub(r"[^A-Za-z0-9.-]", "_", endpoint.host)[:64]
    digest = hashlib.sha256(str(endpoint).encode("utf-8")).hexdigest()[:12]
    return "%s_%d-%s" % (readable, endpoint.port, digest)


def _queue_name(endpoints: Iterable[Endpoint]) -> str:
    """One queue per set of endpoints: runs that share the same pool wait in the same line."""
    members = "\n".join(sorted(str(endpoint) for endpoint in endpoints))
    return "queue-" + hashlib.sha256(members.encode("utf-8")).hexdigest()[:16]


def _would_block(exc: OSError) -> bool:
    return exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK)


def _lock_nb(fd: int, mode: int = fcntl.LOCK_EX) -> bool:
    """Take a non-blocking flock; False when someone else holds it."""
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except OSError as exc:
        if _would_block(exc):
            return False
        raise
    return True


def _is_ticket(name: str) -> bool:
    """Ticket files are named ``<20-digit number>-<pid>.ticket``: their names sort in queue order."""
    return name.endswith(TICKET_SUFFIX) and name[:NUMBER_DIGITS].isdigit() and name[NUMBER_DIGITS:NUMBER_DIGITS + 1] == "-"


def _ticket_name(number: int) -> str:
    return "%0*d-%d%s" % (NUMBER_DIGITS, number, os.getpid(), TICKET_SUFFIX)


class Ticket(collections.namedtuple("Ticket", ["name", "path", "fd"])):
    """A place in a pool's queue: held (``fd`` locked) by the waiting process until it leaves."""

    __slots__ = ()


class ServerPool:
    """A set of iperf3 server endpoints shared by every module run on one controller."""

    def __init__(self, endpoints: Sequence[Any], lock_dir: Optional[str] = None, clock: Clock = SYSTEM_CLOCK,
                 rng: Optional[random.Random] = None, default_port: int = DEFAULT_PORT,
                 poll_interval: Tuple[float, float] = (MIN_POLL_SECONDS, MAX_POLL_SECONDS)) -> None:
        self.endpoints = parse_endpoints(endpoints, default_port)
        self.lock_dir = lock_dir or default_lock_dir()
        self.queue_dir = os.path.join(self.lock_dir, _queue_name(self.endpoints))
        self.clock = clock
        self.rng = rng or random.Random()
        self.poll_interval = poll_interval
        self._listing: Optional[Tuple[int, List[str]]] = None

    def __len__(self) -> int:
        return len(self.endpoints)

    def _path(self, endpoint: Endpoint, suffix: str) -> str:
        return os.path.join(self.lock_dir, _file_stem(endpoint) + suffix)

    def _ensure_dir(self) -> None:
        try:
            # The parent too: it is the collection's private cache or runtime directory when it does not exist yet.
            os.makedirs(os.path.dirname(os.path.abspath(self.lock_dir)), mode=0o700, exist_ok=True)
            os.makedirs(self.lock_dir, mode=0o700, exist_ok=True)
            os.makedirs(self.queue_dir, mode=0o700, exist_ok=True)
        except OSError as exc:
            raise CentralError(
                "Cannot create the iperf server lease directory %s: %s - set lease_dir to a writable local directory."
                % (self.lock_dir, exc.strerror or exc), error_type="api_error") from None

    def order(self, key: Optional[str] = None, avoid: Iterable[Endpoint] = ()) -> List[Endpoint]:
        """Endpoints in the order a lease tries them: rotated by ``key``, the ones in ``avoid`` last."""
        offset = spread_offset(key, len(self.endpoints))
        rotated = self.endpoints[offset:] + self.endpoints[:offset]
        avoid = set(avoid)
        return [e for e in rotated if e not in avoid] + [e for e in rotated if e in avoid]

    def cooling_down(self, endpoint: Endpoint) -> float:
        """Seconds left of the endpoint's cool-down (0 when none)."""
        try:
            with open(self._path(endpoint, ".cooldown"), "r", encoding="ascii") as handle:
                until = float(handle.read().strip() or 0)
        except (OSError, ValueError):
            return 0.0
        return max(0.0, until - self.clock.time())

    def mark_busy(self, endpoint: Endpoint, seconds: float) -> None:
        """Keep every run on this controller off ``endpoint`` for ``seconds`` (someone else is testing on it)."""
        if seconds <= 0:
            return
        self._ensure_dir()
        path = self._path(endpoint, ".cooldown")
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="ascii") as handle:
            handle.write("%.3f\n" % (self.clock.time() + seconds))
        os.replace(tmp, path)

    # ------------------------------------------------------------ endpoint locks

    def _try_lock(self, endpoint: Endpoint, key: Optional[str]) -> Optional[int]:
        fd = os.open(self._path(endpoint, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            locked = _lock_nb(fd)
        except OSError:
            os.close(fd)
            raise
        if not locked:
            os.close(fd)
            return None
        try:
            # For people looking at the directory: who holds it. The lock itself is what counts.
            os.ftruncate(fd, 0)
            os.write(fd, ("pid=%d gateway=%s\n" % (os.getpid(), key or "-")).encode("ascii", "replace"))
        except OSError:
            pass
        return fd

    def _is_free(self, endpoint: Endpoint) -> bool:
        """Whether nobody holds the endpoint right now (a probe: the lock is dropped again at once)."""
        fd = os.open(self._path(endpoint, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            return _lock_nb(fd)
        finally:
            os.close(fd)  # closing drops the probe's lock

    # ------------------------------------------------------------ the queue

    def _next_number(self, counter_fd: int) -> int:
        raw = os.pread(counter_fd, 32, 0).strip()
        if raw.isdigit():
            return int(raw) + 1
        # A new or damaged counter: continue after the tickets that exist.
        numbers = [int(name[:NUMBER_DIGITS]) for name in os.listdir(self.queue_dir) if _is_ticket(name)]
        return max(numbers or [0]) + 1

    def join_queue(self, key: Optional[str] = None) -> Ticket:
        """Take the next ticket of this pool's queue; the caller must :meth:`leave_queue` it."""
        self._ensure_dir()
        counter_fd = os.open(os.path.join(self.queue_dir, "counter"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(counter_fd, fcntl.LOCK_EX)
            number = self._next_number(counter_fd)
            os.ftruncate(counter_fd, 0)
            os.pwrite(counter_fd, b"%d\n" % number, 0)
            # Still under the counter lock, so that tickets appear in the order of their numbers.
            return self._new_ticket(number, key)
        finally:
            os.close(counter_fd)

    def _new_ticket(self, number: int, key: Optional[str]) -> Ticket:
        """Create a ticket locked before it becomes visible: a visible ticket nobody locks is a dead waiter's."""
        name = _ticket_name(number)
        path = os.path.join(self.queue_dir, name)
        hidden = os.path.join(self.queue_dir, "." + name + ".new")
        fd = os.open(hidden, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, ("pid=%d gateway=%s\n" % (os.getpid(), key or "-")).encode("ascii", "replace"))
            os.rename(hidden, path)
        except BaseException:
            os.close(fd)
            _unlink(hidden)
            raise
        return Ticket(name, path, fd)

    @staticmethod
    def leave_queue(ticket: Ticket) -> None:
        """Give up a place in the queue (the file goes first, so nobody mistakes it for a dead waiter's)."""
        try:
            _unlink(ticket.path)
        finally:
            os.close(ticket.fd)

    def _ticket_alive(self, name: str) -> bool:
        """Whether a live process holds this ticket; a dead waiter's ticket is removed on the way."""
        path = os.path.join(self.queue_dir, name)
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            if not _lock_nb(fd, fcntl.LOCK_SH):
                return True
            _unlink(path)  # nobody holds it: its waiter is gone
            return False
        finally:
            os.close(fd)

    def _ticket_names(self) -> List[str]:
        """Every visible ticket, oldest first. The listing is reused while the directory's mtime stays the same.

        Only a listing taken well after the last change is reused: a change within the file system's timestamp
        granularity may leave the mtime as it was.
        """
        now_ns = time.time_ns()
        try:
            changed_ns = os.stat(self.queue_dir).st_mtime_ns
        except FileNotFoundError:
            return []
        if self._listing is not None and self._listing[0] == changed_ns:
            return self._listing[1]
        names = sorted(name for name in os.listdir(self.queue_dir) if _is_ticket(name))
        self._listing = (changed_ns, names) if now_ns - changed_ns > SETTLED_NS else None
        return names

    def _tickets_before(self, ticket_name: Optional[str] = None) -> List[str]:
        """Names of the visible tickets older than ``ticket_name`` (None: all of them), oldest first."""
        names = self._ticket_names()
        return names if ticket_name is None else names[:bisect.bisect_left(names, ticket_name)]

    def _live_ahead(self, ticket_name: Optional[str], limit: float) -> int:
        """How many live waiters hold a ticket older than ``ticket_name`` (None: any), counted up to ``limit``."""
        live = 0
        for name in self._tickets_before(ticket_name):
            if live >= limit:
                break
            if self._ticket_alive(name):
                live += 1
        return live

    def waiting(self) -> int:
        """How many live runs are queued for this pool right now."""
        self._ensure_dir()
        return self._live_ahead(None, float("inf"))

    def _take(self, ticket_name: Optional[str], key: Optional[str] = None,
              avoid: Iterable[Endpoint] = ()) -> Optional[Tuple[Endpoint, int]]:
        """Lock an endpoint if it is this ticket's turn: ``(endpoint, fd)`` or None.

        The waiters ahead are counted before the endpoints are looked at; a waiter served ahead locks its endpoint
        before it leaves the queue, so between the two looks an endpoint is never counted free twice.
        """
        candidates = [endpoint for endpoint in self.order(key, avoid) if self.cooling_down(endpoint) <= 0]
        ahead = self._live_ahead(ticket_name, len(candidates)) if candidates else 0
        if ahead >= len(candidates):
            return None
        if ahead:
            candidates = [endpoint for endpoint in candidates if self._is_free(endpoint)]
            if ahead >= len(candidates):
                return None
        for endpoint in candidates:
            fd = self._try_lock(endpoint, key)
            if fd is not None:
                return endpoint, fd
        return None

    # ------------------------------------------------------------ leases

    def try_acquire(self, key: Optional[str] = None, avoid: Iterable[Endpoint] = (),
                    ticket: Optional[Ticket] = None) -> Optional[Tuple[Endpoint, int]]:
        """One look, without waiting: ``(endpoint, fd)`` of a free endpoint, or ``None``.

        With a ``ticket`` from :meth:`join_queue` it takes an endpoint when that ticket's turn has come; without one
        it behaves as a newcomer at the end of the queue, never ahead of a run that waits.
        """
        self._ensure_dir()
        return self._take(None if ticket is None else ticket.name, key, avoid)

    def acquire(self, deadline: float, key: Optional[str] = None, avoid: Iterable[Endpoint] = ()) -> Tuple[Endpoint, int]:
        """Wait in line for a free endpoint until ``deadline`` (a ``clock.monotonic()`` value).

        Returns ``(endpoint, fd)``; raises ``CentralError(error_type="server_busy")`` when the deadline passes.
        """
        ticket = self.join_queue(key)
        try:
            while True:
                found = self.try_acquire(key, avoid, ticket)
                if found is not None:
                    return found
                left = deadline - self.clock.monotonic()
                if left <= 0:
                    raise CentralError(
                        "No free iperf server: all %d endpoint(s) of the pool stayed in use until the wait ended "
                        "(%d run(s) waiting ahead) - add endpoints to server_pool, lower forks, or raise "
                        "server_wait_timeout." % (len(self.endpoints), self._live_ahead(ticket.name, float("inf"))),
                        error_type="server_busy")
                self.clock.sleep(min(left, self.rng.uniform(*self.poll_interval)))
        finally:
            self.leave_queue(ticket)

    @staticmethod
    def release(fd: int) -> None:
        """Give an endpoint back (closing the file drops the lock)."""
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def lease(self, deadline: float, key: Optional[str] = None, avoid: Iterable[Endpoint] = ()) -> Iterator[Endpoint]:
        """Hold one free endpoint for the duration of the ``with`` block, whatever ends it.

        ``key`` (the gateway serial) spreads the starting point over the pool; ``avoid`` lists endpoints to try last.
        Runs waiting for the same pool are served in the order they asked.
        """
        endpoint, fd = self.acquire(deadline, key, avoid)
        try:
            yield endpoint
        finally:
            self.release(fd)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass

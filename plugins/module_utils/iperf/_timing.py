# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""How long an iperf test takes on Central, from start to COMPLETED, learnt on this controller.

Central does not document its set-up time; a 10-second test took about 58 s in HPE's own example. Every completed
test reports ``startTime`` and ``endTime``; their difference is recorded here (per Central host, duration and
direction), and the median of the recent ones tells the poller when to look. With nothing recorded yet, the prior
is ``SETUP_SECONDS + duration × directions``.

A test that was still running when its wait ended is recorded too, as "took at least this long". The default
``wait_timeout`` comes from both: the 95th percentile of the recent observations (a timed-out one counted as its
waited time × ``TIMEOUT_FACTOR``) plus a margin, never below the fixed estimate the caller passes as floor and never
above ``MAX_FACTOR`` times it; with fewer than ``WAIT_TIMEOUT_AFTER`` observations it is the floor.

The history is one small JSON file beside the token cache (``{key: [seconds, {"timed_out": seconds}, ...]}``, the
oldest first), read once per :class:`TaskTimingHistory` (one module run) and replaced atomically under an exclusive
``flock`` on a lock file beside it, so concurrent forks never lose each other's records; it holds no secrets. Any
problem with it only means falling back to the prior.
"""

import fcntl
import json
import math
import os
import tempfile
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._paths import cache_dir as default_cache_dir
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._rfc3339 import parse_rfc3339

SETUP_SECONDS = 48.0
# Completed tests the median for the poller is taken from.
KEEP = 15
# Observations (completed or timed out) kept per key, for the default wait_timeout.
KEEP_OBSERVATIONS = 40
CONFIDENT_AFTER = 2
WAIT_TIMEOUT_AFTER = 5
WAIT_PERCENTILE = 0.95
# The margin over the percentile: this share of it, at least MIN_MARGIN_SECONDS.
MARGIN_SHARE = 0.2
MIN_MARGIN_SECONDS = 30.0
# A test that timed out after waiting w seconds counts as one that took w x TIMEOUT_FACTOR.
TIMEOUT_FACTOR = 1.5
# The learnt wait_timeout never exceeds the floor times this.
MAX_FACTOR = 5.0
MAX_SECONDS = 86400
FILE_NAME = "task_timings.json"


__all__ = ["TaskTimingHistory", "observed_seconds", "prior_seconds"]


def prior_seconds(duration: Optional[float], include_reverse: Optional[bool] = False) -> float:
    directions = 2 if include_reverse else 1
    return SETUP_SECONDS + float(duration or 10) * directions


def observed_seconds(body: Any) -> Optional[float]:
    """endTime - startTime of a finished task body, or None."""
    if not isinstance(body, dict):
        return None
    start = parse_rfc3339(body.get("startTime"))
    end = parse_rfc3339(body.get("endTime"))
    if start is None or end is None or end < start:
        return None
    return end - start


def _plausible(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < MAX_SECONDS


def _observation(entry: Any) -> Optional[Tuple[float, bool]]:
    """``(seconds, timed_out)`` of one stored entry, or None for anything unreadable."""
    if _plausible(entry):
        return float(entry), False
    if isinstance(entry, dict) and _plausible(entry.get("timed_out")):
        return float(entry["timed_out"]), True
    return None


def _percentile(values: List[float], share: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, int(math.ceil(share * len(ordered))) - 1)]


class TaskTimingHistory:
    """Recent test wall times per (Central host, duration, directions)."""

    def __init__(self, cache_dir: Optional[str] = None) -> None:
        self.path = os.path.join(cache_dir or default_cache_dir(), FILE_NAME)
        self._data: Optional[Dict[str, Any]] = None

    @staticmethod
    def key(host: Optional[str], duration: Optional[float], include_reverse: Optional[bool]) -> str:
        return "%s|%s|%s" % (host or "", int(duration or 10), "both" if include_reverse else "one")

    def _read(self) -> Dict[str, Any]:
        try:
            with open(self.path, "r", encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _load(self) -> Dict[str, Any]:
        """The history as this run knows it: read from disk once, then kept up to date by :meth:`record`."""
        if self._data is None:
            self._data = self._read()
        return self._data

    def observations(self, key: str) -> List[Tuple[float, bool]]:
        """The recorded ``(seconds, timed_out)`` pairs of ``key``, the oldest first."""
        entries = self._load().get(key)
        if not isinstance(entries, list):
            return []
        return [found for found in map(_observation, entries) if found is not None]

    def expected(self, key: str, prior: float) -> Tuple[float, bool]:
        """(expected seconds, confident) for a test with this key: the median of the recent completed tests."""
        samples = [seconds for seconds, timed_out in self.observations(key) if not timed_out][-KEEP:]
        if len(samples) < CONFIDENT_AFTER:
            return prior, False
        samples.sort()
        middle = len(samples) // 2
        median = samples[middle] if len(samples) % 2 else (samples[middle - 1] + samples[middle]) / 2.0
        return median, True

    def wait_timeout(self, key: str, floor: float) -> float:
        """The default wait_timeout for a test with this key: learnt, never below ``floor`` nor above 5 x ``floor``.

        The 95th percentile of the recent observations (a timed-out one counts as waited x 1.5) plus a margin
        (20 %, at least 30 s). ``floor`` alone while fewer than ``WAIT_TIMEOUT_AFTER`` tests were observed.
        """
        values = [seconds * TIMEOUT_FACTOR if timed_out else seconds for seconds, timed_out in self.observations(key)]
        if len(values) < WAIT_TIMEOUT_AFTER:
            return floor
        high = _percentile(values, WAIT_PERCENTILE)
        learnt = high + max(MIN_MARGIN_SECONDS, high * MARGIN_SHARE)
        return min(max(floor, learnt), floor * MAX_FACTOR)

    def record(self, key: str, seconds: Optional[float], timed_out: bool = False) -> None:
        """Add one observation (``timed_out``: the test took at least ``seconds``); never raises."""
        if not _plausible(seconds):
            return
        entry = {"timed_out": round(float(seconds), 3)} if timed_out else round(float(seconds), 3)  # type: ignore[arg-type]
        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            with open(self.path + ".lock", "a", encoding="utf-8") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                data = self._read()  # what every fork recorded so far, not what this run read at its start
                entries = data.get(key) if isinstance(data.get(key), list) else []
                data[key] = ([e for e in entries if _observation(e) is not None] + [entry])[-KEEP_OBSERVATIONS:]  # type: ignore[union-attr]
                self._data = data
                fd, tmp = tempfile.mkstemp(dir=directory, prefix=".timings-")
                try:
                    with os.fdopen(fd, "w", encoding="utf-8") as handle:
                        json.dump(data, handle)
                    os.replace(tmp, self.path)
                except BaseException:
                    _discard(tmp)
                    raise
        except (OSError, TypeError, ValueError):
            return


def _discard(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass

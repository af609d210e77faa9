# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

# This module_utils file is PRIVATE to the aruba_central.troubleshooting collection.
# It may change or disappear at any time; do not use it from other collections or plugins.

"""Retry-delay planning: jittered exponential backoff and the delay a server asks for."""

import math
import random
import re
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any, Dict, Iterator, Optional

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import Clock
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._rfc3339 import parse_rfc3339

# The longest wait a server may ask for that is honoured when the caller set no deadline of its own.
MAX_SERVER_DELAY = 300.0

_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?$")
_EPOCH_SECONDS = 1e9   # 2001-09-09: smaller numbers are a number of seconds to wait
_EPOCH_MILLIS = 1e12   # larger numbers are epoch milliseconds


class Backoff:
    """Exponential backoff with *equal* jitter.

    Retry number ``n`` (0 for the first retry) waits ``cap = min(max_delay, base * factor ** n)`` seconds without
    jitter; with jitter it waits uniformly between ``cap / 2`` and ``cap``. Equal jitter (rather than full jitter,
    which may pick a delay near zero) keeps a floor under each wait, so many forks that hit Central's rate limit at
    once spread out and still back off. ``rng`` is anything with a ``random()`` method returning ``[0, 1)``
    (default: a new :class:`random.Random`); tests pass a seeded one.
    """

    def __init__(self, base: float = 1.0, factor: float = 2.0, max_delay: float = 30.0, jitter: bool = True,
                 rng: Optional[random.Random] = None) -> None:
        if base < 0 or factor < 1 or max_delay < 0:
            raise ValueError("Backoff needs base >= 0, factor >= 1 and max_delay >= 0, got base=%r factor=%r max_delay=%r"
                             % (base, factor, max_delay))
        self.base = float(base)
        self.factor = float(factor)
        self.max_delay = float(max_delay)
        self.jitter = jitter
        self._rng = rng if rng is not None else random.Random()

    def cap(self, attempt: int) -> float:
        """The delay for retry ``attempt`` before jitter."""
        try:
            return min(self.max_delay, self.base * self.factor ** max(0, attempt))
        except OverflowError:
            return self.max_delay

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry ``attempt`` (0-based)."""
        cap = self.cap(attempt)
        if not self.jitter:
            return cap
        half = cap / 2.0
        return half + self._rng.random() * half

    def __iter__(self) -> Iterator[float]:
        attempt = 0
        while True:
            yield self.delay(attempt)
            attempt += 1


def _lower_headers(headers: Any) -> Dict[str, Any]:
    if not headers:
        return {}
    items = headers.items() if hasattr(headers, "items") else headers
    lowered: Dict[str, Any] = {}
    for name, value in items:
        lowered.setdefault(str(name).strip().lower(), value)
    return lowered


def _parse_http_date(value: str) -> Optional[float]:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _retry_after(value: str, now: float) -> Optional[float]:
    if _NUMBER_RE.fullmatch(value):
        return float(value)
    moment = _parse_http_date(value)
    return None if moment is None else moment - now


def _reset(value: str, now: float) -> Optional[float]:
    if _NUMBER_RE.fullmatch(value):
        number = float(value)
        if number >= _EPOCH_MILLIS:
            return number / 1000.0 - now
        if number >= _EPOCH_SECONDS:
            return number - now
        return number
    moment = parse_rfc3339(value)
    if moment is None:
        moment = _parse_http_date(value)
    return None if moment is None else moment - now


def _remaining_is_positive(value: Any) -> bool:
    try:
        return int(str(value).strip()) > 0
    except ValueError:
        return False


def retry_delay_from_headers(headers: Any, clock: Clock, include_reset: bool = True) -> Optional[float]:
    """Seconds the server asks us to wait before retrying (0 or more, not capped), or ``None``.

    Header names are matched in any case. ``Retry-After`` wins, as delta-seconds or an HTTP-date. With
    ``include_reset`` (use it for HTTP 429, not for a 503), ``X-RateLimit-Reset`` (or the GreenLake
    ``RateLimit-Reset``) is read next: an RFC 3339 timestamp (Central's documented form), an epoch in seconds or
    milliseconds, or a small number of seconds. A reset is ignored when ``X-RateLimit-Remaining`` says requests are
    left, because then the 429 came from some other limit than the window that resets. ``clock.time()`` is "now".
    Unparseable values are ignored. The delay is not capped: whether to wait that long is the caller's decision
    (a wait that ends past its deadline is not started).
    """
    lowered = _lower_headers(headers)
    now = clock.time()
    delay = None
    value = lowered.get("retry-after")
    if value is not None:
        delay = _retry_after(str(value).strip(), now)
    if delay is None and include_reset:
        remaining = lowered.get("x-ratelimit-remaining", lowered.get("ratelimit-remaining"))
        if remaining is None or not _remaining_is_positive(remaining):
            value = lowered.get("x-ratelimit-reset", lowered.get("ratelimit-reset"))
            if value is not None:
                delay = _reset(str(value).strip(), now)
    if delay is None or not math.isfinite(delay):
        return None
    return max(0.0, float(delay))

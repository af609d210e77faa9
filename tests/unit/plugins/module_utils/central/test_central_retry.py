# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import itertools
import math
import random
from email.utils import format_datetime
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._retry import (
    Backoff,
    retry_delay_from_headers,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.strategies import BOUNDED


class FixedRng:
    def __init__(self, value):
        self.value = value

    def random(self):
        return self.value


@pytest.fixture
def clock():
    return FakeClock()  # wall clock at 2025-06-15T12:00:00Z


def http_date(clock, offset):
    return format_datetime(datetime.fromtimestamp(clock.time() + offset, tz=timezone.utc), usegmt=True)


def test_backoff_without_jitter_doubles_up_to_the_cap():
    backoff = Backoff(jitter=False)
    assert [backoff.delay(n) for n in range(7)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_backoff_equal_jitter_stays_between_half_the_cap_and_the_cap():
    assert Backoff(rng=FixedRng(0.0)).delay(3) == 4.0
    assert Backoff(rng=FixedRng(0.5)).delay(3) == 6.0
    delays = [Backoff(rng=random.Random(seed)).delay(4) for seed in range(200)]
    assert all(8.0 <= delay < 16.0 for delay in delays)
    assert len(set(delays)) > 100, "jitter should spread delays"


def test_backoff_is_reproducible_with_a_seeded_rng_and_iterable():
    first = Backoff(rng=random.Random(7))
    second = Backoff(rng=random.Random(7))
    assert [first.delay(n) for n in range(5)] == [second.delay(n) for n in range(5)]
    assert list(itertools.islice(Backoff(jitter=False), 4)) == [1.0, 2.0, 4.0, 8.0]


def test_backoff_survives_huge_attempt_numbers():
    assert Backoff(jitter=False).delay(10 ** 6) == 30.0


@pytest.mark.parametrize("kwargs", [{"base": -1}, {"factor": 0.5}, {"max_delay": -3}])
def test_backoff_rejects_nonsense(kwargs):
    with pytest.raises(ValueError, match="Backoff needs"):
        Backoff(**kwargs)


@pytest.mark.parametrize("name", ["Retry-After", "retry-after", "RETRY-AFTER", "rEtRy-AfTeR"])
def test_retry_after_seconds_in_any_header_case(clock, name):
    assert retry_delay_from_headers({name: "7"}, clock) == 7.0


def test_retry_after_in_a_requests_header_dict_and_a_list_of_pairs(clock):
    assert retry_delay_from_headers(CaseInsensitiveDict({"Retry-After": " 12 "}), clock) == 12.0
    assert retry_delay_from_headers([("retry-after", "2.5")], clock) == 2.5


def test_retry_after_http_date(clock):
    assert retry_delay_from_headers({"Retry-After": http_date(clock, 30)}, clock) == pytest.approx(30.0)
    assert retry_delay_from_headers({"Retry-After": http_date(clock, -30)}, clock) == 0.0


def test_a_long_retry_after_is_reported_as_asked_for_the_caller_to_judge(clock):
    assert retry_delay_from_headers({"Retry-After": "86400"}, clock) == 86400.0
    assert retry_delay_from_headers({"Retry-After": "0"}, clock) == 0.0
    assert retry_delay_from_headers({"Retry-After": "9" * 400}, clock) is None, "not a finite number of seconds"


@pytest.mark.parametrize("value", ["soon", "-5", "", "1e3", "NaN", "Thu, 99 Foo 2025"])
def test_unparseable_retry_after_is_ignored(clock, value):
    assert retry_delay_from_headers({"Retry-After": value}, clock) is None


@pytest.mark.parametrize("value, expected", [
    ("2025-06-15T12:00:45Z", 45.0),                     # documented: RFC 3339 in UTC
    ("2025-06-15T12:00:45.500000000Z", 45.5),            # Central's timestamps carry nanoseconds
    ("2025-06-15T14:00:45+02:00", 45.0),
    ("2025-06-15 12:01:00z", 60.0),
    ("2025-06-15T11:59:00Z", 0.0),                       # already past
    ("2025-06-15T13:00:00Z", 3600.0),                    # an hour-long window, for the caller to judge
])
def test_x_ratelimit_reset_rfc3339(clock, value, expected):
    assert retry_delay_from_headers({"X-RateLimit-Reset": value, "X-RateLimit-Remaining": "0"}, clock) == \
        pytest.approx(expected)


def test_x_ratelimit_reset_as_epoch_seconds_millis_or_small_seconds(clock):
    assert retry_delay_from_headers({"x-ratelimit-reset": str(int(clock.time()) + 20)}, clock) == pytest.approx(20.0)
    assert retry_delay_from_headers({"x-ratelimit-reset": str(int(clock.time() * 1000) + 9000)}, clock) == \
        pytest.approx(9.0)
    assert retry_delay_from_headers({"X-RATELIMIT-RESET": "17"}, clock) == 17.0


def test_greenlake_ratelimit_reset_seconds(clock):
    assert retry_delay_from_headers({"ratelimit-reset": "42"}, clock) == 42.0


def test_retry_after_wins_over_the_reset(clock):
    assert retry_delay_from_headers({"Retry-After": "3", "X-RateLimit-Reset": "2025-06-15T12:00:45Z"}, clock) == 3.0


def test_reset_is_ignored_unless_asked_for(clock):
    headers = {"X-RateLimit-Reset": "2025-06-15T12:00:45Z", "X-RateLimit-Remaining": "0"}
    assert retry_delay_from_headers(headers, clock, include_reset=False) is None
    assert retry_delay_from_headers(dict(headers, **{"Retry-After": "4"}), clock, include_reset=False) == 4.0


def test_reset_is_ignored_while_the_window_has_requests_left(clock):
    headers = {"X-RateLimit-Reset": "2025-06-15T12:00:45Z", "X-RateLimit-Remaining": "250"}
    assert retry_delay_from_headers(headers, clock) is None


@pytest.mark.parametrize("value", ["tomorrow", "2025-13-45T00:00:00Z", "2025-06-15T12:00:45"])
def test_unparseable_reset_is_ignored(clock, value):
    assert retry_delay_from_headers({"X-RateLimit-Reset": value}, clock) is None


def test_no_headers_no_hint(clock):
    assert retry_delay_from_headers(None, clock) is None
    assert retry_delay_from_headers({}, clock) is None
    assert retry_delay_from_headers({"Content-Type": "application/json"}, clock) is None


@settings(max_examples=200, deadline=None)
@given(headers=st.dictionaries(
    st.sampled_from(["Retry-After", "retry-after", "X-RateLimit-Reset", "x-ratelimit-remaining", "RateLimit-Reset"]),
    st.one_of(st.text(max_size=40), st.integers(min_value=-10 ** 15, max_value=10 ** 15).map(str),
              st.floats(allow_nan=True, allow_infinity=True).map(str))))
def test_any_header_value_gives_none_or_a_finite_delay(headers):
    delay = retry_delay_from_headers(headers, FakeClock())
    assert delay is None or (0.0 <= delay and math.isfinite(delay))


RATE_LIMIT_HEADER_VALUES = st.one_of(
    st.text(max_size=30), st.integers(min_value=-10 ** 15, max_value=10 ** 15).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["2025-06-15T12:00:05Z", "2025-06-15T11:00:00Z", "Sun, 15 Jun 2025 12:00:07 GMT", "1749988805",
                     "1749988805000", "9" * 400, "nan", "-inf", "1e999", "", " 3 ", "0x10"]),
)
RATE_LIMIT_HEADERS = st.dictionaries(st.sampled_from(["Retry-After", "retry-after", "X-RateLimit-Reset",
                                                      "x-ratelimit-remaining", "X-RateLimit-Remaining", "RateLimit-Reset",
                                                      "Other"]), RATE_LIMIT_HEADER_VALUES, max_size=4)


@BOUNDED
@given(RATE_LIMIT_HEADERS, st.booleans())
def test_any_rate_limit_headers_give_a_bounded_delay_or_none(headers, include_reset):
    delay = retry_delay_from_headers(headers, FakeClock(), include_reset=include_reset)
    assert delay is None or (isinstance(delay, float) and math.isfinite(delay) and 0.0 <= delay)

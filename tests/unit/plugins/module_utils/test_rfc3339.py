# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""RFC 3339 times as Central writes them, to and from epoch seconds."""

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._rfc3339 import (
    format_rfc3339,
    parse_rfc3339,
)


def test_nanoseconds_are_read_to_the_microsecond():
    start = parse_rfc3339("2025-05-20T14:02:29.753198552Z")
    end = parse_rfc3339("2025-05-20T14:03:27.301496079Z")
    assert end - start == pytest.approx(57.548, abs=0.001)


@pytest.mark.parametrize("value, epoch", [
    ("2025-06-15T12:00:00Z", 1749988800.0),
    ("2025-06-15T14:00:00+02:00", 1749988800.0),
    ("2025-06-15T14:00:00+0200", 1749988800.0),
    ("2025-06-15 12:00:00z", 1749988800.0),
    (" 2025-06-15T12:00:00.5Z ", 1749988800.5),
])
def test_zones_and_separators(value, epoch):
    assert parse_rfc3339(value) == epoch


@pytest.mark.parametrize("value", [None, "", "yesterday", 12, "2025-13-45T00:00:00Z", "2025-06-15T12:00:00",
                                   "9999999-01-01T00:00:00Z"])
def test_junk_is_none(value):
    assert parse_rfc3339(value) is None


def test_format_gives_whole_seconds_in_utc():
    assert format_rfc3339(1749988800.9) == "2025-06-15T12:00:00Z"
    assert parse_rfc3339(format_rfc3339(1749991800)) == 1749991800.0

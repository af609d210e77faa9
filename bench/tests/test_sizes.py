# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from fleet_bench import sizes


def test_parse_sizes():
    assert sizes.parse_sizes("24x4, 100X10,,500x25") == [(24, 4), (100, 10), (500, 25)]


@pytest.mark.parametrize("text, message", [
    ("24", "must look like GATEWAYSxENDPOINTS"),
    ("24x0", "at least 1 gateway and 1 endpoint"),
    ("4x8", "more endpoints than gateways"),
    ("", "no size given"),
])
def test_bad_sizes_name_the_problem(text, message):
    with pytest.raises(ValueError, match=message):
        sizes.parse_sizes(text)


def test_default_forks_two_per_endpoint_capped():
    assert sizes.default_forks(4) == 8
    assert sizes.default_forks(25) == 50
    assert sizes.default_forks(40) == 50
    assert sizes.label(100, 10) == "100x10"

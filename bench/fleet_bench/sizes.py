# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Command-line values of the benchmark: fleet sizes ``NxE`` and the default number of forks."""

import re

_SIZE = re.compile(r"^\s*(\d+)\s*[xX]\s*(\d+)\s*$")
MAX_FORKS = 50


def parse_sizes(text):
    """``"24x4,100x10"`` -> ``[(24, 4), (100, 10)]``; ValueError naming the bad item otherwise."""
    sizes = []
    for item in str(text).split(","):
        if not item.strip():
            continue
        match = _SIZE.match(item)
        if not match:
            raise ValueError("size %r must look like GATEWAYSxENDPOINTS, for example 24x4" % item.strip())
        gateways, endpoints = int(match.group(1)), int(match.group(2))
        if gateways < 1 or endpoints < 1:
            raise ValueError("size %r needs at least 1 gateway and 1 endpoint" % item.strip())
        if endpoints > gateways:
            raise ValueError("size %r has more endpoints than gateways; the extra endpoints would stay idle"
                             % item.strip())
        sizes.append((gateways, endpoints))
    if not sizes:
        raise ValueError("no size given; use for example --sizes 24x4")
    return sizes


def label(gateways, endpoints):
    return "%dx%d" % (gateways, endpoints)


def default_forks(endpoints, cap=MAX_FORKS):
    """Two forks per endpoint (one testing, one ready to take the endpoint the moment it frees), capped."""
    return max(1, min(2 * endpoints, cap))

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Timestamp formats Central and the gateways use."""

import time


def rfc3339_ns(time_ns):
    """``2025-05-20T14:02:29.753198552Z`` (Central's startTime/endTime carry nanoseconds)."""
    seconds, nanos = divmod(int(time_ns), 1_000_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%09dZ" % nanos


def rfc3339_seconds(wall):
    """``2025-05-20T14:03:27Z`` (X-RateLimit-Reset)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(wall))


def gateway_date_line(wall):
    """The date line a gateway puts before the iperf text in rawOutput, e.g. ``May 20 07:02:29 2025``."""
    return time.strftime("%b %d %H:%M:%S %Y", time.gmtime(wall))

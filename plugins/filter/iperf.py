# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters that turn iperf3 client text and iperf3 unit strings into numbers.

Documentation: parse_iperf.yml, to_bits_per_second.yml and to_bytes.yml beside this file.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._parser import parse_iperf as _parse_iperf
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._units import (
    to_bits_per_second as _to_bits_per_second,
    to_bytes as _to_bytes,
)


def parse_iperf(text):
    """iperf3 client text (one or more runs) -> iperf_version, protocol, streams, duration_seconds, upload, download, error, cpu."""
    if not isinstance(text, (str, bytes)):
        raise AnsibleFilterError(
            "parse_iperf: expected the iperf3 client output as a string, got %s; "
            "pass the iperf3 text of a test, such as the raw_output of a gateway_iperf result" % type(text).__name__
        )
    return _parse_iperf(text)


def to_bits_per_second(value):
    """'9.58 Mbits/sec' -> 9580000."""
    try:
        return _to_bits_per_second(value)
    except ValueError as exc:
        raise AnsibleFilterError("to_bits_per_second: %s" % exc, orig_exc=exc) from exc


def to_bytes(value):
    """'6.42 MBytes' -> 6731858."""
    try:
        return _to_bytes(value)
    except ValueError as exc:
        raise AnsibleFilterError("to_bytes: %s" % exc, orig_exc=exc) from exc


class FilterModule(object):
    """iperf3 parsing filters."""

    def filters(self):
        return {
            "parse_iperf": parse_iperf,
            "to_bits_per_second": to_bits_per_second,
            "to_bytes": to_bytes,
        }

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Check the options of a gateway iperf test against Central's limits before anything is sent.

Every check raises ``ValueError`` with one line naming the option, the allowed values and what was given.
"""

import math
import re
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._server_pool import (
    DEFAULT_PORT,
    parse_endpoint,
    parse_endpoints,
)

# option -> (lowest, highest, unit); Central's ranges (api.md §1) and the collection's own bounds.
RANGES = {
    "duration": (10, 120, "seconds"),
    "parallel": (1, 128, "streams"),
    "omit": (0, 60, "seconds"),
    "port": (1, 65535, ""),
    "busy_retries": (0, 10, "retries"),
}
MAX_WAIT_SECONDS = 86400.0
_VLAN_INTERFACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$")


def _in_range(name: str, value: Any) -> int:
    low, high, unit = RANGES[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        extra = " (0 = not sent; Central accepts 1 to 60)" if name == "omit" else ""
        raise ValueError("%s must be a whole number from %d to %d%s%s, got %r"
                         % (name, low, high, (" " + unit) if unit else "", extra, value))
    return value


def seconds_option(name: str, value: Any, allow_zero: bool = False) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError("%s must be a number of seconds, got %r" % (name, value))
    if value < 0 or (value == 0 and not allow_zero) or value > MAX_WAIT_SECONDS:
        raise ValueError("%s must be %s than 0 and at most %d seconds, got %r"
                         % (name, "0 or more" if allow_zero else "more", MAX_WAIT_SECONDS, value))
    return float(value)


def validate_vlan_interface(value: Any) -> Optional[str]:
    if value is None:
        return None
    text = str(value).strip()
    if not _VLAN_INTERFACE.match(text):
        raise ValueError("vlan_interface must be a VLAN id or interface name of letters, digits and . _ / - "
                         "(at most 32 characters), got %r" % value)
    if text.isdigit() and not 1 <= int(text) <= 4094:
        raise ValueError("vlan_interface %r is not a VLAN id: use 1 to 4094" % value)
    return text


def server_endpoints(server_address: Optional[str] = None, port: Optional[int] = None,
                     server_pool: Optional[List[str]] = None) -> List[str]:
    """The endpoint strings to lease: ``server_pool``, or ``server_address`` on ``port`` as a pool of one."""
    default_port = DEFAULT_PORT if port is None else _in_range("port", port)
    option = "server_pool" if server_pool is not None else "server_address"
    try:
        if server_pool is not None:
            # parse here too, so that a bad pool is reported before any request
            return [str(e) for e in parse_endpoints(server_pool, default_port)]
        return [str(parse_endpoint(server_address or "", default_port, allow_port=False))]
    except ValueError as exc:
        raise ValueError("%s: %s" % (option, exc))


def build_request(params: Mapping[str, Any]) -> Dict[str, Any]:
    """The validated snake_case request from the module options (server excluded: it comes from the lease)."""
    request = {
        "duration": _in_range("duration", params["duration"]),
        "parallel": _in_range("parallel", params["parallel"]),
        "omit": _in_range("omit", params["omit"]),
        "include_reverse": bool(params["include_reverse"]),
        "vlan_interface": validate_vlan_interface(params.get("vlan_interface")),
        "protocol": (params["protocol"] or "tcp").lower(),
        "include_raw_output": bool(params["include_raw_output"]),
    }
    if request["protocol"] not in ("tcp", "udp"):
        raise ValueError("protocol must be tcp or udp, got %r" % params["protocol"])
    return request


def validate_run_options(params: Mapping[str, Any]) -> Dict[str, Any]:
    """The numbers that steer the run (not sent to Central): busy_retries, wait_timeout, server_wait_timeout."""
    return {
        "busy_retries": _in_range("busy_retries", params["busy_retries"]),
        "wait_timeout": seconds_option("wait_timeout", params.get("wait_timeout")),
        "server_wait_timeout": seconds_option("server_wait_timeout", params["server_wait_timeout"], allow_zero=True),
    }


def describe(request: Mapping[str, Any], endpoints: List[str]) -> str:
    """One line for people: what would run (check mode) or ran."""
    target = endpoints[0] if len(endpoints) == 1 else "one free endpoint of a pool of %d" % len(endpoints)
    return "%d-second %s iperf test%s with %d stream(s) against %s" % (
        request["duration"], request["protocol"].upper(), " in both directions" if request["include_reverse"] else "",
        request["parallel"], target)

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Validation of the gateway iperf request body (api.md section 1, schema ``IperfMcRequest``)."""

from dataclasses import dataclass
from typing import Optional

DEFAULT_PORT = 5201
DEFAULT_DURATION = 10

_INTEGER_RANGES = {
    "port": (1, 65535),
    "duration": (10, 120),
    "parallel": (1, 128),
    "omit": (1, 60),
}
_BOOLEANS = ("includeReverse", "includeRawOutput")
_STRINGS = ("iperfServerAddress", "vlanInterface", "protocol")
KNOWN_FIELDS = frozenset(_INTEGER_RANGES) | frozenset(_BOOLEANS) | frozenset(_STRINGS)


@dataclass(frozen=True)
class IperfRequest:
    server_address: str
    port: int = DEFAULT_PORT
    duration: int = DEFAULT_DURATION
    parallel: int = 1
    omit: int = 0
    include_reverse: bool = False
    vlan_interface: Optional[str] = None
    protocol: str = "tcp"
    include_raw_output: bool = False

    @property
    def endpoint(self):
        return "%s:%d" % (self.server_address, self.port)


def _problems(body):
    if not isinstance(body, dict):
        yield "request body must be a JSON object"
        return
    for name in sorted(set(body) - KNOWN_FIELDS):
        yield "unknown field: %s" % name
    if "iperfServerAddress" not in body or body["iperfServerAddress"] is None:
        yield "iperfServerAddress is required"
    for name in _STRINGS:
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            yield "%s must be a string" % name
        elif not value.strip():
            yield "%s must not be empty" % name
    protocol = body.get("protocol")
    if isinstance(protocol, str) and protocol.strip() and protocol.lower() not in ("tcp", "udp"):
        yield "protocol must be one of tcp, udp"
    for name, (low, high) in _INTEGER_RANGES.items():
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            yield "%s must be an integer" % name
        elif not low <= value <= high:
            yield "%s must be between %d and %d" % (name, low, high)
    for name in _BOOLEANS:
        value = body.get(name)
        if value is not None and not isinstance(value, bool):
            yield "%s must be a boolean" % name


def validate_iperf_request(body):
    """Return (IperfRequest, None) or (None, "Validation errors - ...") naming every bad field."""
    problems = list(_problems(body))
    if problems:
        return None, "Validation errors - " + ", ".join(problems)
    return IperfRequest(
        server_address=body["iperfServerAddress"].strip(),
        port=body.get("port") or DEFAULT_PORT,
        duration=body.get("duration") or DEFAULT_DURATION,
        parallel=body.get("parallel") or 1,
        omit=body.get("omit") or 0,
        include_reverse=bool(body.get("includeReverse")),
        vlan_interface=body.get("vlanInterface"),
        protocol=(body.get("protocol") or "tcp").lower(),
        include_raw_output=bool(body.get("includeRawOutput")),
    ), None

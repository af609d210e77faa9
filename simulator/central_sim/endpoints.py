# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""iperf server endpoints the simulator owns, and what a gateway sees when it aims at anything else."""

import ipaddress
import socket
from dataclasses import dataclass
from typing import Optional

from central_sim.synthetic import ERROR_NO_ROUTE, ERROR_REFUSED


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    def __str__(self):
        return "[%s]:%d" % (self.host, self.port) if ":" in self.host else "%s:%d" % (self.host, self.port)


@dataclass(frozen=True)
class RunResult:
    """What the gateway's iperf3 printed (one report, two with reverse) and its error line, if it failed."""
    text: str
    error: Optional[str] = None


def loopback_host(host):
    """The loopback address for ``host`` (``localhost`` -> ``127.0.0.1``), or None when it is not loopback."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    return str(address) if address.is_loopback else None


def parse_endpoint(text):
    """``127.0.0.1:5201`` or ``[::1]:5201`` -> Endpoint; ValueError naming the problem otherwise."""
    host, sep, port = str(text).strip().rpartition(":")
    if not sep or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError("iperf server endpoint %r must look like 127.0.0.1:5201" % text)
    address = loopback_host(host)
    if address is None:
        raise ValueError("iperf server endpoint %r is not on loopback; the simulator only serves 127.0.0.0/8 and ::1"
                         % text)
    return Endpoint(address, int(port))


def free_endpoints(count, host="127.0.0.1"):
    """``count`` distinct endpoints on ports that are free right now."""
    sockets = []
    try:
        for _index in range(count):
            sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [Endpoint(host, sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def resolve(request, endpoints):
    """(Endpoint, None) when the request aims at an endpoint the simulator owns, else (None, iperf3's error line)."""
    host = loopback_host(request.server_address)
    if host is None:
        return None, ERROR_NO_ROUTE
    wanted = Endpoint(host, request.port)
    if wanted not in endpoints:
        return None, ERROR_REFUSED
    return wanted, None

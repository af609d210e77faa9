# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Command line: ``python -m central_sim [options]`` (every option is described in simulator/README.md)."""

import argparse
import asyncio
import logging
import sys
from dataclasses import dataclass, field
from typing import Optional

from central_sim.endpoints import loopback_host, parse_endpoint
from central_sim.faults import FaultConfig, FaultConfigError, load_faults
from central_sim.gateways import GatewayFileError, generate_gateways, load_gateways
from central_sim.ratelimit import parse_rate_limit

DEFAULT_GENERATED = 10


@dataclass
class Options:
    gateways: list
    host: str = "127.0.0.1"
    port: int = 0
    servers: Optional[list] = None
    speed: float = 1.0
    seed: int = 0
    mode: str = "auto"
    client_id: str = "demo-client"
    client_secret: str = "demo-secret"
    token_lifetime: int = 7200
    rate_limit: tuple = (6000, 60.0)
    retry_after: object = None
    faults: FaultConfig = field(default_factory=FaultConfig)
    tls: bool = False
    state_dir: Optional[str] = None
    ready_file: Optional[str] = None
    task_retention: float = 3600.0
    log_level: str = "WARNING"


def build_parser():
    parser = argparse.ArgumentParser(prog="central_sim", description="A local stand-in for HPE Aruba Networking "
                                     "Central's gateway iperf API, served on loopback only.")
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="loopback address to listen on (127.0.0.0/8, ::1 or localhost)")
    add("--port", type=int, default=0, help="port to listen on; 0 picks a free one (default)")
    add("--gateways", metavar="FILE", help="YAML list of gateways (see README)")
    add("--generate", metavar="N", type=int, help="N synthetic gateways, deterministic from --seed, added after "
        "those of --gateways (default %d when there is no --gateways)" % DEFAULT_GENERATED)
    add("--servers", metavar="HOST:PORT,...", help="iperf server endpoints the simulator owns "
        "(default: three on free loopback ports)")
    add("--speed", type=float, default=1.0, help="time scaling: 10 makes set-up delays and tests take a tenth")
    add("--seed", type=int, default=0, help="seed for generated gateways, synthetic output and faults")
    add("--mode", choices=("auto", "real", "synthetic"), default="auto",
        help="real runs iperf3 on loopback; synthetic computes iperf 3.0.11 text; auto = real when iperf3 is on PATH")
    add("--client-id", default="demo-client", help="accepted OAuth client id")
    add("--client-secret", default="demo-secret", help="accepted OAuth client secret")
    add("--token-lifetime", type=int, default=7200, metavar="SECONDS", help="access token lifetime (default 7200)")
    add("--rate-limit", default="6000/60", metavar="N/SECONDS", help="token bucket per client (default 6000/60)")
    add("--rate-limit-retry-after", default="none", metavar="none|auto|SECONDS",
        help="Retry-After on 429: none (like Central, default), auto (seconds until a request is allowed) or fixed")
    add("--faults", metavar="FILE", help="YAML fault configuration (see README)")
    add("--tls", action="store_true", help="serve HTTPS with a CA generated at start (ca.pem in --state-dir)")
    add("--state-dir", metavar="DIR", help="where ca.pem and iperf3 server logs go (default: a temporary directory)")
    add("--ready-file", metavar="FILE", help="write the readiness information as JSON to FILE")
    add("--task-retention", type=float, default=3600.0, metavar="SECONDS",
        help="how long finished tests stay readable, in simulated seconds (default 3600)")
    add("--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    return parser


def _retry_after(text):
    if text in ("none", "auto"):
        return None if text == "none" else "auto"
    try:
        value = float(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError("--rate-limit-retry-after must be none, auto or a number of seconds >= 0; got %r" % text)
    return value


def parse_options(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if loopback_host(args.host) is None:
            raise ValueError("--host %s is not a loopback address; the simulator only listens on 127.0.0.0/8, ::1 or "
                             "localhost" % args.host)
        if not 0 <= args.port <= 65535:
            raise ValueError("--port must be between 0 and 65535")
        if args.speed <= 0:
            raise ValueError("--speed must be greater than 0, e.g. 10 to run ten times faster")
        if args.token_lifetime < 1:
            raise ValueError("--token-lifetime must be at least 1 second")
        if args.task_retention <= 0:
            raise ValueError("--task-retention must be greater than 0 seconds")
        servers = None
        if args.servers:
            servers = [parse_endpoint(item) for item in args.servers.split(",") if item.strip()]
            if len(set(servers)) != len(servers):
                raise ValueError("--servers lists the same endpoint twice")
        gateways = load_gateways(args.gateways) if args.gateways else []
        count = args.generate
        if count is None and not args.gateways:
            count = DEFAULT_GENERATED
        if count is not None:
            gateways += generate_gateways(count, args.seed, taken={gateway.serial for gateway in gateways})
        faults = load_faults(args.faults) if args.faults else FaultConfig()
        options = Options(
            gateways=gateways, host=loopback_host(args.host), port=args.port, servers=servers, speed=args.speed,
            seed=args.seed, mode=args.mode, client_id=args.client_id, client_secret=args.client_secret,
            token_lifetime=args.token_lifetime, rate_limit=parse_rate_limit(args.rate_limit),
            retry_after=_retry_after(args.rate_limit_retry_after), faults=faults, tls=args.tls,
            state_dir=args.state_dir, ready_file=args.ready_file, task_retention=args.task_retention,
            log_level=args.log_level)
    except (ValueError, GatewayFileError, FaultConfigError) as exc:
        parser.error(str(exc))
    return options


def main(argv=None):
    options = parse_options(argv)
    logging.basicConfig(level=options.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from central_sim.server import serve  # imported late: argument errors should not pay for aiohttp's import
    return asyncio.run(serve(options))

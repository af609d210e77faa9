# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulator's own routes under ``/_sim`` (no token): health, metrics, faults at run time, the clock."""

import json

import yaml
from aiohttp import web

from central_sim.appkey import SIM
from central_sim.faults import FaultConfigError, parse_faults
from central_sim.gateways import GatewayFileError, link_fields, update_link


def _problem(message):
    return web.json_response({"error": message}, status=400)


async def health(request):
    sim = request.app[SIM]
    return web.json_response({"status": "ok", "mode": sim.runner.mode, "shaping": sim.runner.shaping})


async def metrics(request):
    return web.json_response(request.app[SIM].metrics.snapshot())


async def reset_metrics(request):
    request.app[SIM].metrics.reset()
    return web.json_response({"status": "ok"})


async def replace_faults(request):
    """Replace the whole fault configuration; the body is JSON or YAML in the same schema as ``--faults``."""
    try:
        data = yaml.safe_load(await request.text())
        config = parse_faults(data)
    except yaml.YAMLError:
        return _problem("the fault configuration must be JSON or YAML")
    except FaultConfigError as exc:
        return _problem(str(exc))
    request.app[SIM].faults.replace(config)
    return web.json_response({"status": "ok"})


async def advance_clock(request):
    """``{"seconds": N}`` moves the simulator clock forward: tokens expire, set-up delays and retention pass."""
    try:
        seconds = json.loads(await request.text()).get("seconds")
    except (ValueError, AttributeError):
        seconds = None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        return _problem('send {"seconds": N} with N >= 0')
    request.app[SIM].clock.advance(seconds)
    return web.json_response({"status": "ok", "advanced_seconds": seconds})


async def change_link(request):
    """Change a gateway's link profile (e.g. ``{"up_mbps": 50}``); tests started from now on use the new one."""
    sim = request.app[SIM]
    serial = request.match_info["serial"]
    gateway = sim.gateways.get(serial)
    if gateway is None:
        return web.json_response({"error": "unknown gateway %s - use a serial the simulator serves" % serial},
                                 status=404)
    try:
        gateway = update_link(gateway, yaml.safe_load(await request.text()))
    except yaml.YAMLError:
        return _problem("the link change is not JSON or YAML - send a mapping such as {\"up_mbps\": 50}")
    except GatewayFileError as exc:
        return _problem(str(exc))
    sim.gateways[serial] = gateway
    return web.json_response({"serial": serial, "link": link_fields(gateway.link)})


def add_routes(app):
    app.router.add_get("/_sim/health", health)
    app.router.add_get("/_sim/metrics", metrics)
    app.router.add_post("/_sim/reset-metrics", reset_metrics)
    app.router.add_post("/_sim/faults", replace_faults)
    app.router.add_post("/_sim/clock", advance_clock)
    app.router.add_post("/_sim/gateways/{serial}/link", change_link)

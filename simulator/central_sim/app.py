# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The aiohttp application: routes, and the middlewares that make every route behave like Central's gateway."""

import asyncio
import logging
import math

from aiohttp import web

from central_sim import control, monitoring, troubleshooting
from central_sim.answers import malform
from central_sim.appkey import CLIENT_ID, DROPPED, SIM
from central_sim.auth import token_endpoint
from central_sim.errors import error_response
from central_sim.timefmt import rfc3339_seconds

LOG = logging.getLogger("central_sim.app")
TOKEN_PATH = "/as/token.oauth2"
NO_ROUTE = {"message": "no Route matched with those values"}
_SERVICE_PREFIXES = tuple("/network-%s/%s/" % (api, version) for api in ("troubleshooting", "monitoring")
                          for version in ("v1", "v1alpha1"))
_HOLD_CHECK_SECONDS = 0.1
_HTML_502 = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
             "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


# The API handlers by the route names faults use; /_sim routes and unknown paths have none.
_ROUTE_NAMES = {token_endpoint: "token", troubleshooting.start_iperf: "start", troubleshooting.iperf_result: "result",
                monitoring.list_gateways: "gateways", monitoring.get_gateway: "gateways",
                troubleshooting.list_tasks: "list_tasks"}


def _route_name(request):
    route = request.match_info.route
    return _ROUTE_NAMES.get(route.handler) if route is not None else None


def _template(request):
    resource = request.match_info.route.resource if request.match_info.route is not None else None
    return resource.canonical if resource is not None else "<unmatched>"


@web.middleware
async def metrics_middleware(request, handler):
    status = "error"
    try:
        response = await handler(request)
        status = "dropped" if request.get(DROPPED) else response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        request.app[SIM].metrics.record_request(request.method, _template(request), status)


@web.middleware
async def error_middleware(request, handler):
    """Unknown paths under a served API version get Central's JSON 404, others the API gateway's 404 (no errorCode);
    wrong methods and unexpected errors get Central's JSON error body, never a stack trace."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        if exc.status == 404 and not request.path.startswith(_SERVICE_PREFIXES):
            return web.json_response(NO_ROUTE, status=404)  # the API gateway in front routes no such prefix
        message = {404: "Resource not found: %s" % request.path,
                   405: "Method %s is not allowed on %s" % (request.method, request.path)}.get(exc.status)
        headers = None if request.path.startswith("/_sim") else request.app[SIM].limiter.peek("anonymous").headers()
        return error_response(request, exc.status, message, headers=headers)
    except Exception:  # the simulator must answer like Central does on its own bugs: a 500 body
        LOG.exception("unexpected error handling %s %s", request.method, request.path)
        return error_response(request, 500)


async def _hold(request, sim):
    """Keep a request open without a word until its client gives up or the simulator stops (the loop runs on)."""
    while not sim.releasing.is_set():
        transport = request.transport
        if transport is None or transport.is_closing():
            return
        try:
            await asyncio.wait_for(sim.releasing.wait(), _HOLD_CHECK_SECONDS)
        except asyncio.TimeoutError:
            pass


def _drop(request):
    request[DROPPED] = True
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=204)


def _rate_429(request, sim, decision):
    sim.metrics.rate_limited += 1
    headers = {"X-RateLimit-Limit": str(sim.limiter.capacity), "X-RateLimit-Remaining": "0"}
    if decision.reset:
        distance = decision.reset_after if decision.reset_after is not None else (decision.retry_after or 1)
        headers["X-RateLimit-Reset"] = rfc3339_seconds(sim.clock.time() + distance)
    if decision.retry_after is not None:
        headers["Retry-After"] = "%d" % round(decision.retry_after)
    return error_response(request, 429, headers=headers)


def _after(request, sim, kind, response):
    """Apply an answer fault to the handler's response: drop it, or make its body unreadable."""
    if kind == "drop":
        sim.metrics.faults["drop_answer"] += 1
        return _drop(request)
    if not isinstance(response, web.Response) or (kind == "malformed_json" and not response.body):
        return response
    sim.metrics.faults[kind if kind == "malformed_json" else "malformed_" + kind] += 1
    return malform(response, "cut" if kind == "malformed_json" else kind)


@web.middleware
async def fault_middleware(request, handler):
    route = _route_name(request)
    if route is None:
        return await handler(request)
    sim = request.app[SIM]
    serial = request.match_info.get("serial")
    decision = sim.faults.before(route, serial)
    if decision.slow_seconds:
        sim.metrics.faults["slow"] += 1
        await sim.clock.sleep(decision.slow_seconds)
    if decision.action is not None:
        sim.metrics.faults[decision.action if decision.action != "status" else "status_%d" % decision.status] += 1
    if decision.action == "hang":
        await _hold(request, sim)
        return _drop(request)
    if decision.action == "drop":
        return _drop(request)
    if decision.action == "html":
        return web.Response(status=502, text=_HTML_502, content_type="text/html")
    if decision.action == "status":
        return error_response(request, decision.status)
    if decision.action == "rate_429":
        return _rate_429(request, sim, decision)
    response = await handler(request)
    kind = sim.faults.after(route, serial, decision)
    return response if kind is None else _after(request, sim, kind, response)


@web.middleware
async def auth_middleware(request, handler):
    """Bearer token on every API route, then the client's rate-limit bucket; X-RateLimit-* on every answer."""
    route = _route_name(request)
    if route is None:
        return await handler(request)
    sim = request.app[SIM]
    if route == "token":
        response = await handler(request)
        response.headers.update(sim.limiter.peek("token:%s" % request.get(CLIENT_ID, "anonymous")).headers())
        return response
    token, refusal = sim.tokens.lookup(request.headers.get("Authorization"), sim.faults.config.revoke_tokens_after)
    if token is None:
        return error_response(request, 401, refusal, headers=sim.limiter.peek("anonymous").headers())
    verdict = sim.limiter.take(token.client_id)
    headers = verdict.headers()
    if not verdict.allowed:
        sim.metrics.rate_limited += 1
        if sim.retry_after == "auto":
            headers["Retry-After"] = "%d" % max(1, math.ceil(verdict.retry_after))
        elif sim.retry_after is not None:
            headers["Retry-After"] = "%d" % round(sim.retry_after)
        return error_response(request, 429, headers=headers)
    response = await handler(request)
    response.headers.update(headers)
    return response


async def _release_held(app):
    app[SIM].releasing.set()


def build_app(sim):
    app = web.Application(middlewares=[metrics_middleware, error_middleware, fault_middleware, auth_middleware])
    app[SIM] = sim
    app.router.add_post(TOKEN_PATH, token_endpoint)
    for version in ("v1", "v1alpha1"):
        base = "/network-troubleshooting/%s/gateways/{serial}/iperf" % version
        app.router.add_post(base, troubleshooting.start_iperf)
        app.router.add_get(base + "/async-operations/{task_id}", troubleshooting.iperf_result)
        app.router.add_get("/network-monitoring/%s/gateways" % version, monitoring.list_gateways)
        app.router.add_get("/network-monitoring/%s/gateways/{serial}" % version, monitoring.get_gateway)
    app.router.add_get("/network-troubleshooting/v1/gateways/{serial}/list-tasks", troubleshooting.list_tasks)
    control.add_routes(app)
    app.on_shutdown.append(_release_held)
    return app

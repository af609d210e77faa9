# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``/network-troubleshooting/{v1,v1alpha1}/gateways/{serial}/iperf`` and its async operations (api.md 1-3)."""

import json
import uuid

from aiohttp import web

from central_sim.answers import malform
from central_sim.appkey import SIM
from central_sim.errors import api_of, error_response
from central_sim.task_faults import spell
from central_sim.tasks import COMPLETED, INITIATED
from central_sim.validation import validate_iperf_request


async def start_iperf(request):
    sim = request.app[SIM]
    serial = request.match_info["serial"]
    try:
        body = json.loads(await request.text() or "null")
    except ValueError:
        return error_response(request, 400, "Validation errors - request body must be valid JSON")
    iperf, problem = validate_iperf_request(body)
    if problem:
        return error_response(request, 400, problem)
    gateway = sim.gateways.get(serial)
    if gateway is None:
        return error_response(request, 404, "Device not found: %s" % serial, kind="device")
    if not gateway.online:
        return error_response(request, 409, "Device offline: %s" % serial)
    conflict = sim.faults.conflict(serial, running=sim.tasks.running(serial, sim.faults.config.stuck_running))
    if conflict is not None:
        sim.metrics.faults["conflict_409"] += 1
        return error_response(request, 409, conflict, kind="conflict")
    task = sim.tasks.create(gateway, iperf, api_of(request.path)[1], sim.faults.task_faults(serial))
    return web.json_response({"location": task.location, "status": spell(INITIATED, task.faults),
                              "startTime": sim.tasks.present(task)["startTime"]}, status=202)


def _task_id(text):
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


async def iperf_result(request):
    sim = request.app[SIM]
    serial, raw_id = request.match_info["serial"], request.match_info["task_id"]
    task_id = _task_id(raw_id)
    if task_id is None:
        return error_response(request, 400, "Validation errors - task-id must be a UUID, got %s" % raw_id)
    faults = sim.faults.config
    task = sim.tasks.get(task_id, keep=faults.stuck_running)
    vanished = task is not None and task.serial in faults.vanish_tasks and task.polls >= 1
    if task is None or task.serial != serial or vanished:
        return error_response(request, 404, "Async operation task not found: %s" % task_id, kind="task")
    task.polls += 1
    body = sim.tasks.present(task, stuck=task.serial in faults.stuck_running)
    poll = task.faults.malformed_poll
    if poll is not None and task.polls == poll["poll"]:
        sim.metrics.faults["malformed_poll"] += 1
        return malform(web.json_response(body), poll["kind"])
    if task.state == COMPLETED and body["progressPercent"] == 100:
        sim.metrics.task_event(task.id, "first_seen_completed")
    return web.json_response(body)


async def list_tasks(request):
    sim = request.app[SIM]
    serial = request.match_info["serial"]
    if serial not in sim.gateways:
        return error_response(request, 404, "Device not found: %s" % serial, kind="device")
    tasks = sim.tasks.for_serial(serial, keep=sim.faults.config.stuck_running)
    return web.json_response([{"testName": "iperf", "locations": [t.location for t in tasks]}] if tasks else [])

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``GET /network-monitoring/{v1,v1alpha1}/gateways``: cursor paging, filter and sort (api.md section 7)."""

import base64
import binascii
import json

from aiohttp import web

from central_sim.appkey import SIM
from central_sim.errors import api_of, error_response
from central_sim.odata import FilterError, matches, parse_filter
from central_sim.timefmt import rfc3339_seconds

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
FIRMWARE = "10.7.1.1_92514"


def filter_values(gateway):
    """Filterable and sortable values; v1 names, with the v1alpha1 names as aliases."""
    return {
        "serialNumber": gateway.serial, "deviceName": gateway.name, "siteName": gateway.site,
        "siteId": gateway.site_id, "model": gateway.model, "status": gateway.status,
        "macAddress": gateway.mac_address, "firmwareVersion": FIRMWARE, "softwareVersion": FIRMWARE,
        "clusterName": None, "deployment": "Standalone",
    }


def item_v1(gateway, sim):
    online = gateway.online
    return {
        "serialNumber": gateway.serial, "macAddress": gateway.mac_address, "deviceName": gateway.name,
        "cpuUtilization": (int(gateway.mac_address[-2:], 16) % 30 + 5) if online else None,
        "memoryUtilization": (int(gateway.mac_address[-5:-3], 16) % 40 + 20) if online else None,
        "siteId": gateway.site_id, "siteName": gateway.site, "firmwareVersion": FIRMWARE,
        "ipAddress": gateway.ip_address,
        "uptimeInMillis": int(sim.clock.since_start() * 1000) + 86_400_000 if online else None,
        "rebootReason": "Power cycle", "deviceFunction": "Branch Gateway", "mode": "Standalone",
        "status": gateway.status, "role": "Isoleader", "model": gateway.model, "clusterName": None,
        "id": gateway.serial, "type": "network-monitoring/gateway-monitoring",
    }


def item_v1alpha1(gateway, sim):
    online = gateway.online
    last_seen = sim.clock.time() if online else sim.clock.time() - 3 * 3600
    return {
        "serialNumber": gateway.serial, "macAddress": gateway.mac_address, "deviceName": gateway.name,
        "siteId": gateway.site_id, "id": gateway.serial, "type": "network-monitoring/gateway-monitoring",
        "model": gateway.model, "partNumber": "JX973A", "deployment": "Standalone", "role": "Isolated Leader",
        "deviceFunction": "Branch GW", "softwareVersion": FIRMWARE, "ipv4": gateway.ip_address, "ipv6": None,
        "status": gateway.status.upper(),
        "uptimeInMillis": int(sim.clock.since_start() * 1000) + 86_400_000 if online else None,
        "lastSeenAt": rfc3339_seconds(last_seen), "clusterName": None,
    }


def _item(request, gateway):
    build = item_v1alpha1 if api_of(request.path)[1] == "v1alpha1" else item_v1
    return build(gateway, request.app[SIM])


def _cursor(offset):
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode().rstrip("=")


def _offset(cursor):
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset = data["offset"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None
    return offset if isinstance(offset, int) and offset >= 0 else None


def _sort_keys(text, fields):
    keys = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        words = part.split()
        if words[0] not in fields or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise FilterError("Invalid sort %r: use 'field' or 'field desc' with field one of %s"
                              % (part, ", ".join(sorted(fields))))
        keys.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    return keys


async def list_gateways(request):
    query = request.query
    raw_limit = query.get("limit", str(DEFAULT_LIMIT))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        return error_response(request, 400, "Invalid limit %r: limit must be an integer between 1 and %d"
                              % (raw_limit, MAX_LIMIT))
    limit = int(raw_limit)
    offset = 0
    if "next" in query:
        offset = _offset(query["next"])
        if offset is None:
            return error_response(request, 400, "Invalid next %r: pass the 'next' value of the previous page unchanged"
                                  % query["next"])
    gateways = list(request.app[SIM].gateways.values())
    fields = set(filter_values(gateways[0]))
    try:
        clauses = parse_filter(query["filter"], fields) if query.get("filter", "").strip() else []
        sort_keys = _sort_keys(query.get("sort", ""), fields)
    except FilterError as exc:
        return error_response(request, 400, str(exc))
    selected = [gw for gw in gateways if matches(filter_values(gw), clauses)]
    for field, descending in reversed(sort_keys):
        selected.sort(key=lambda gw, f=field: str(filter_values(gw)[f] or ""), reverse=descending)
    page = selected[offset:offset + limit]
    following = offset + limit if offset + limit < len(selected) else None
    return web.json_response({"items": [_item(request, gw) for gw in page], "count": len(page),
                              "total": len(selected), "next": None if following is None else _cursor(following)})


async def get_gateway(request):
    serial = request.match_info["serial"]
    gateway = request.app[SIM].gateways.get(serial)
    if gateway is None:
        return error_response(request, 404, "Gateway not found: %s" % serial)
    return web.json_response(_item(request, gateway))

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""List the gateways Central monitors: build the API filter, follow the page cursor, normalize each gateway.

``GET /network-monitoring/{v1|v1alpha1}/gateways`` pages with a ``next`` cursor and filters with an OData subset
(only ``and``, operators ``eq`` and ``in``, at most 256 characters). v1 and v1alpha1 name some fields differently
(``firmwareVersion``/``softwareVersion``, ``ipAddress``/``ipv4``, ``mode``/``deployment``, ``Online``/``ONLINE``);
:func:`normalize_gateway` gives both one snake_case shape.
"""

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError

if TYPE_CHECKING:
    from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient

MAX_FILTER_LENGTH = 256
MAX_PAGE_SIZE = 100
DEFAULT_MAX_PAGES = 1000

ONLINE = "Online"
OFFLINE = "Offline"
_STATUS_WORDS = {"online": ONLINE, "up": ONLINE, "offline": OFFLINE, "down": OFFLINE}

# (normalized name, API names in order of preference: v1 first, then v1alpha1 and older spellings)
_FIELDS = (
    ("serial_number", ("serialNumber", "serial")),
    ("name", ("deviceName", "name", "hostname")),
    ("mac_address", ("macAddress", "mac")),
    ("site_id", ("siteId",)),
    ("site_name", ("siteName",)),
    ("model", ("model",)),
    ("part_number", ("partNumber",)),
    ("firmware_version", ("firmwareVersion", "softwareVersion")),
    ("ip_address", ("ipAddress", "ipv4")),
    ("ipv6_address", ("ipv6",)),
    ("deployment", ("mode", "deployment")),
    ("role", ("role",)),
    ("cluster_name", ("clusterName",)),
    ("device_function", ("deviceFunction",)),
    ("last_seen_at", ("lastSeenAt",)),
)

# build_filter keyword -> (API field, what a user calls it in messages)
_FILTER_FIELDS = (
    ("sites", "siteName", "site"),
    ("statuses", "status", "status"),
    ("models", "model", "model"),
    ("serial_numbers", "serialNumber", "serial number"),
)

NORMALISED_FIELDS = tuple(name for name, _keys in _FIELDS) + ("status",)


class GatewayQueryError(ValueError):
    """A gateway query that cannot be sent as given; ``str(err)`` is one line saying what to change."""


def _values(value: Any, what: str) -> List[str]:
    """Turn a string or a list of scalars into a list of unique, stripped strings (order kept)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        candidates = list(value)
    else:
        candidates = [value]
    result: List[str] = []
    for candidate in candidates:
        if isinstance(candidate, bool) or not isinstance(candidate, (str, int)):
            raise GatewayQueryError(
                "Invalid %s %r in the gateway filter: give a string or a list of strings" % (what, candidate))
        text = str(candidate).strip()
        if not text:
            raise GatewayQueryError("Empty %s in the gateway filter: remove it or give a value" % what)
        if any(ord(char) < 32 or ord(char) == 127 for char in text):
            raise GatewayQueryError(
                "Invalid %s %r in the gateway filter: it contains a control character; remove it" % (what, text))
        if text not in result:
            result.append(text)
    return result


def _quote(text: str) -> str:
    """Quote one filter value; a single quote inside is doubled, as OData escapes it."""
    return "'%s'" % text.replace("'", "''")


def _status_value(text: str, api_version: str) -> str:
    word = _STATUS_WORDS.get(text.lower())
    if word is None:
        raise GatewayQueryError(
            "Invalid gateway status %r in the gateway filter: use Online or Offline" % text)
    return word.upper() if api_version == "v1alpha1" else word


def _clause(field: str, values: List[str]) -> str:
    if len(values) == 1:
        return "%s eq %s" % (field, _quote(values[0]))
    return "%s in (%s)" % (field, ", ".join(_quote(value) for value in values))


def build_filter(sites: Any = None, statuses: Any = None, models: Any = None, serial_numbers: Any = None,
                 raw: Any = None, api_version: str = "v1") -> Optional[str]:
    """Return the ``filter`` query value for the gateway list, or ``None`` when nothing is filtered.

    Each argument is a string or a list of strings; one value becomes ``field eq 'x'``, several become
    ``field in ('x', 'y')``. ``raw`` is a filter expression written by the user and is appended as is.
    All parts are joined with `` and ``. Raises :class:`GatewayQueryError` on a value that cannot be sent
    or a filter longer than Central accepts.
    """
    given = {"sites": sites, "statuses": statuses, "models": models, "serial_numbers": serial_numbers}
    clauses = []
    for keyword, field, what in _FILTER_FIELDS:
        values = _values(given[keyword], what)
        if keyword == "statuses":
            values = list(dict.fromkeys(_status_value(value, api_version) for value in values))
        if values:
            clauses.append(_clause(field, values))
    if raw is not None:
        if not isinstance(raw, str):
            raise GatewayQueryError("Invalid raw gateway filter %r: give the filter expression as a string" % (raw,))
        if raw.strip():
            clauses.append(raw.strip())
    if not clauses:
        return None
    result = " and ".join(clauses)
    if len(result) > MAX_FILTER_LENGTH:
        raise GatewayQueryError(
            "The gateway filter is %d characters long but Central accepts at most %d: filter on fewer values "
            "(for example by site instead of by serial number) and narrow the result afterwards"
            % (len(result), MAX_FILTER_LENGTH))
    return result


def _page_items(body: Any, path: str) -> List[Dict[str, Any]]:
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise CentralError(
            "Listing gateways failed: the answer from %s has no list of gateway objects under 'items' - check that "
            "base_url is the Central API gateway of your cluster (e.g. https://us1.api.central.arubanetworks.com)"
            % path, error_type="api_error", path=path, method="GET")
    return items


def list_gateways(client: "CentralClient", filter: Optional[str] = None, limit: int = MAX_PAGE_SIZE,
                  deadline: Optional[float] = None, max_pages: int = DEFAULT_MAX_PAGES) -> List[Dict[str, Any]]:
    """Return every gateway item (as the API sends it) matching ``filter``, following ``next`` to the end.

    Stops when Central sends no ``next`` cursor, an empty page, or once it has sent the ``total`` it announced.
    A cursor seen twice or more than ``max_pages`` pages raise :class:`CentralError` instead of looping forever.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise GatewayQueryError("Invalid page size %r for the gateway list: use a number from 1 to %d"
                                % (limit, MAX_PAGE_SIZE))
    path = client.monitoring_path("gateways")
    params: Dict[str, Any] = {"limit": limit}
    if filter:
        params["filter"] = filter
    items: List[Dict[str, Any]] = []
    seen: Set[str] = set()
    pages = 0
    while True:
        body = client.get(path, params=dict(params), deadline=deadline)
        pages += 1
        page = _page_items(body, path)
        items.extend(page)
        cursor = body.get("next")
        total = body.get("total")
        if cursor is None or cursor == "" or not page:
            return items
        if isinstance(total, int) and not isinstance(total, bool) and len(items) >= total:
            return items
        cursor = str(cursor)
        if cursor in seen:
            raise CentralError(
                "Listing gateways failed: Central sent the page cursor next=%s twice, so the list would never end - "
                "retry later, or narrow the list with a filter" % cursor,
                error_type="api_error", path=path, method="GET")
        if pages >= max_pages:
            raise CentralError(
                "Listing gateways stopped after %d pages of %d gateways: Central still sends a next cursor - "
                "narrow the list with a filter (site, model, status)" % (pages, limit),
                error_type="api_error", path=path, method="GET")
        seen.add(cursor)
        params["next"] = cursor


def normalize_status(value: Any) -> Optional[str]:
    """``Online``/``ONLINE``/``online`` -> ``Online``, the same for ``Offline``; other values are kept as sent."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return _STATUS_WORDS.get(text.lower(), text)


def normalize_gateway(item: Dict[str, Any]) -> Dict[str, Any]:
    """Return one gateway in the collection's snake_case shape, whichever API version sent it.

    Every key of :data:`NORMALISED_FIELDS` is present; a value the API did not send (or sent empty) is ``None``.
    The API's own object is not kept, so that inventory host variables stay small.
    """
    result: Dict[str, Any] = {}
    for name, keys in _FIELDS:
        value = None
        for key in keys:
            candidate = item.get(key)
            # Every field is a scalar in Central's schema; anything else is a malformed item, not a value.
            if isinstance(candidate, (str, int, float)) and candidate != "":
                value = candidate
                break
        result[name] = value
    result["status"] = normalize_status(item.get("status"))
    return result


def fetch_gateways(client: "CentralClient", filter: Optional[str] = None, limit: int = MAX_PAGE_SIZE,
                   deadline: Optional[float] = None) -> List[Dict[str, Any]]:
    """List and normalize gateways; a gateway sent twice (the list changed while paging) is kept once."""
    gateways: List[Dict[str, Any]] = []
    seen: Set[Any] = set()
    for item in list_gateways(client, filter=filter, limit=limit, deadline=deadline):
        gateway = normalize_gateway(item)
        serial = gateway["serial_number"]
        if serial is not None:
            if serial in seen:
                continue
            seen.add(serial)
        gateways.append(gateway)
    return gateways

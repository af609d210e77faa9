# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

# This module_utils file is PRIVATE to the aruba_central.troubleshooting collection.
# It may change or disappear at any time; do not use it from other collections or plugins.

"""Central's gateway iperf API, its requests and answers in one place.

Paths, the camelCase request body, the 202 answer and its ``location`` (serial number and task id both come from it),
list-tasks, the status vocabulary, and how Central's answers map to the result contract's ``error_type``. The rest of
the collection (retries, tokens, waiting, leases, results) goes through these functions and never looks at a URL, a
status string or an error code itself.
"""

import re
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._text import one_line, shown
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient, safe_segment
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._parser import classify_iperf_error

if TYPE_CHECKING:
    from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._server_pool import Endpoint

# The statuses Central documents (api.md §2), compared without regard to case.
RUNNING_STATUSES = ("INITIATED", "RUNNING")
FINISHED_STATUSES = ("COMPLETED", "FAILED")
# What a task answer means to a waiter.
RUNNING, FINISHED, UNKNOWN, UNREADABLE = "running", "finished", "unknown", "unreadable"
# list-tasks exists on v1 only (it is not in the v1alpha1 collection).
LIST_TASKS_VERSIONS = ("v1",)

_SERIAL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_LOCATION_RE = re.compile(r"/gateways/(?P<serial>[^/]+)/iperf/async-operations/(?P<task_id>[^/]+)/?$")

# snake_case request key -> Central request body field
_BODY_FIELDS = (
    ("duration", "duration"),
    ("parallel", "parallel"),
    ("omit", "omit"),
    ("include_reverse", "includeReverse"),
    ("vlan_interface", "vlanInterface"),
    ("protocol", "protocol"),
    ("include_raw_output", "includeRawOutput"),
)


# ---------------------------------------------------------------------------------------------------------------
# Identifiers and paths


def validate_serial(value: Any) -> str:
    """Return ``value`` if it is a gateway serial number, else raise ValueError with a one-line message."""
    if not isinstance(value, str) or not _SERIAL_RE.fullmatch(value):
        raise ValueError("serial number %s is not valid: use 1 to 64 letters, digits, '-' or '_', starting with a "
                         "letter or digit (e.g. CNF7G9K001)" % shown(value))
    return value


def validate_task_id(value: Any) -> str:
    """Return ``value`` if it is a task id (a UUID, any case), else raise ValueError with a one-line message."""
    if not isinstance(value, str) or not _UUID_RE.fullmatch(value):
        raise ValueError("task id %s is not valid: use the UUID that ends the location Central returned when the "
                         "test started (e.g. 8c9f0c1e-4b6a-4f3e-9d2a-1b2c3d4e5f60)" % shown(value))
    return value


def parse_location(location: Any) -> Tuple[str, str]:
    """``(serial_number, task_id)`` from a ``location`` (``.../gateways/<serial>/iperf/async-operations/<task-id>``).

    A full URL is accepted too (only its path counts). Raises ValueError with a one-line message.
    """
    if not isinstance(location, str) or not location.strip():
        raise ValueError("the location %s is empty; the test may not have started - check the gateway in Central"
                         % shown(location))
    match = _LOCATION_RE.search(urlsplit(location.strip()).path)
    if not match:
        raise ValueError("the location %s is not a gateway iperf task path (.../gateways/<serial>/iperf/"
                         "async-operations/<task-id>); check api_version and base_url" % shown(location))
    return validate_serial(match.group("serial")), validate_task_id(match.group("task_id"))


def _gateway_path(api_version: str, serial: str, *parts: str) -> str:
    segments = [safe_segment(item) for item in (serial,) + parts]
    return "/network-troubleshooting/%s/gateways/%s" % (api_version, "/".join(segments))


def iperf_path(api_version: str, serial: str) -> str:
    """Where a test is started: ``/network-troubleshooting/<v>/gateways/<serial>/iperf``."""
    return _gateway_path(api_version, serial, "iperf")


def task_path(api_version: str, serial: str, task_id: str) -> str:
    """One test: ``.../gateways/<serial>/iperf/async-operations/<task-id>``."""
    return _gateway_path(api_version, serial, "iperf", "async-operations", task_id)


def list_tasks_path(api_version: str, serial: str) -> str:
    """The gateway's recent operations: ``.../gateways/<serial>/list-tasks`` (v1 only)."""
    return _gateway_path(api_version, serial, "list-tasks")


# ---------------------------------------------------------------------------------------------------------------
# Requests


def request_body(request: Mapping[str, Any], endpoint: "Endpoint") -> Dict[str, Any]:
    """Central's JSON body for a test of ``request`` (snake_case, validated) against ``endpoint``.

    ``omit`` 0 and an unset ``vlan_interface`` are left out (Central accepts ``omit`` 1..60 only).
    """
    body: Dict[str, Any] = {"iperfServerAddress": endpoint.host, "port": endpoint.port}
    for key, field in _BODY_FIELDS:
        value = request.get(key)
        if value is None or (key == "omit" and value == 0):
            continue
        body[field] = value
    return body


# ---------------------------------------------------------------------------------------------------------------
# Error answers


def _error_type_for(operation: str) -> Callable[[int, Optional[str], Optional[str]], Optional[str]]:
    """``classify`` for the client: what Central's error answers mean for ``operation`` (start, result, list)."""

    def classify(status: int, code: Optional[str], api_message: Optional[str]) -> Optional[str]:
        if status != 404 or not code:
            return None  # the client's own rules (401, 403, 409, 429, 404 without a code, 5xx ...)
        code_upper = code.upper()
        message = (api_message or "").lower()
        if "TASK" in code_upper:
            return "task_not_found"
        if "DEVICE" in code_upper or operation != "result":
            return "device_not_found"
        # v1 answers a poll with the generic HPE_GL_ERROR_NOT_FOUND: "Async operation task not found: <id>", or
        # "task ID or device serial was not found for this operation type".
        if "task" in message or "device" not in message:
            return "task_not_found"
        return "device_not_found"

    return classify


CLASSIFY_START = _error_type_for("start")
CLASSIFY_RESULT = _error_type_for("result")
CLASSIFY_LIST = _error_type_for("list")


def is_transient(err: CentralError) -> bool:
    """True when asking again later may give a usable answer (a 5xx, no answer, an unreadable 200)."""
    if err.status is not None:
        return err.status >= 500 or 200 <= err.status < 300
    return err.error_type == "api_error"


# ---------------------------------------------------------------------------------------------------------------
# Calls


class Started:
    """What the 202 answer to a start says: ``task_id``, ``location``, ``status`` and the raw ``answer``."""

    __slots__ = ("task_id", "location", "status", "answer")

    def __init__(self, task_id: str, location: str, status: Optional[str], answer: Dict[str, Any]) -> None:
        self.task_id = task_id
        self.location = location
        self.status = status
        self.answer = answer

    def __repr__(self) -> str:
        return "Started(task_id=%r, status=%r)" % (self.task_id, self.status)


def read_start_answer(answer: Any, serial_number: str, path: str) -> Started:
    """A :class:`Started` from the 202 body; a CentralError (``may_have_run``) when it cannot be followed."""
    location = answer.get("location") if isinstance(answer, dict) else None
    try:
        serial, task_id = parse_location(location)
        if serial != serial_number:
            raise ValueError("the location %s names gateway %s, not %s" % (shown(location), serial, serial_number))
    except ValueError as exc:
        err = CentralError.build(
            "starting the iperf test on gateway %s failed" % serial_number,
            "Central accepted it but its answer cannot be followed: %s" % exc, None,
            "check base_url and api_version", path=path, method="POST")
        err.may_have_run = True
        raise err from None
    status = answer.get("status") if isinstance(answer.get("status"), str) else None
    return Started(task_id, location, status, answer)  # type: ignore[arg-type]  # parse_location accepted it


def start_test(client: CentralClient, serial_number: str, body: Dict[str, Any], deadline: Optional[float]) -> Started:
    """POST one test; returns :class:`Started`. Raises CentralError (``may_have_run`` when the answer was lost)."""
    path = iperf_path(client.api_version, serial_number)
    answer = client.post(path, json=body, deadline=deadline, classify=CLASSIFY_START)
    return read_start_answer(answer, serial_number, path)


def get_task(client: CentralClient, serial_number: str, task_id: str, deadline: Optional[float]) -> Any:
    """The task's current answer (a dict, possibly unreadable: see :func:`task_state`). Raises CentralError."""
    path = task_path(client.api_version, serial_number, task_id)
    return client.get(path, deadline=deadline, classify=CLASSIFY_RESULT)


def list_task_ids(client: CentralClient, serial_number: str, deadline: Optional[float]) -> List[str]:
    """Task ids of the gateway's recent iperf tests, newest first (list-tasks). Raises CentralError.

    On an API version without list-tasks, raises a CentralError saying so.
    """
    if client.api_version not in LIST_TASKS_VERSIONS:
        raise CentralError.build(
            "listing the tests of gateway %s failed" % serial_number,
            "Central's %s API has no list-tasks" % client.api_version, None,
            "look the gateway's tests up in Central", method="GET")
    path = list_tasks_path(client.api_version, serial_number)
    answer = client.get(path, deadline=deadline, classify=CLASSIFY_LIST)
    ids: List[str] = []
    for group in answer if isinstance(answer, list) else []:
        if not isinstance(group, dict) or str(group.get("testName", "")).lower() != "iperf":
            continue
        for location in group.get("locations") or []:
            try:
                serial, task_id = parse_location(location)
            except ValueError:
                continue
            if serial == serial_number and task_id not in ids:
                ids.append(task_id)
    return ids


# ---------------------------------------------------------------------------------------------------------------
# Answers to a poll


def task_status(body: Any) -> Optional[str]:
    """Central's status in upper case (``"COMPLETED"``), or None when the answer has none."""
    status = body.get("status") if isinstance(body, dict) else None
    if not isinstance(status, str) or not status.strip():
        return None
    return status.strip().upper()


def task_state(body: Any) -> str:
    """RUNNING, FINISHED, UNKNOWN (a status this collection does not know) or UNREADABLE (no status at all)."""
    status = task_status(body)
    if status is None:
        return UNREADABLE
    if status in RUNNING_STATUSES:
        return RUNNING
    if status in FINISHED_STATUSES:
        return FINISHED
    return UNKNOWN


def fail_reason(body: Any) -> Optional[str]:
    """Central's ``failReason`` on one line, or None."""
    reason = body.get("failReason") if isinstance(body, dict) else None
    if not reason:  # None, "" (and the empty list or object a sloppy answer may carry) say "no reason"
        return None
    return one_line(reason) or None


def finished_outcome(body: Dict[str, Any], iperf_error: Optional[str], raw_text: Optional[str],
                     measured: bool) -> Tuple[Optional[str], Optional[str]]:
    """``(error_type, fail_reason)`` of a finished or unknown-status task; ``(None, None)`` for a measurement.

    ``iperf_error`` is the iperf3 error line of ``rawOutput`` (or None), ``raw_text`` the raw output when it could
    not be parsed into numbers, ``measured`` whether at least one figure came out of the answer. This is the one
    place that decides what a finished test was:

    * a status Central does not document (``CANCELLED``) -> ``api_error`` naming it;
    * FAILED, or COMPLETED with a ``failReason`` or an iperf3 error -> ``server_busy``, ``server_unreachable`` or
      ``test_failed``, from the texts;
    * COMPLETED with no figure anywhere -> ``no_measurement``;
    * COMPLETED with figures -> a measurement.
    """
    state = task_state(body)
    reason = fail_reason(body)
    if state == UNKNOWN:
        return "api_error", reason or ("Central reported status %s, which this collection does not know; it is "
                                       "not a measurement" % shown(body.get("status")))
    status = task_status(body)
    if status == "FAILED" or reason or iperf_error:
        error_type = next((kind for kind in map(classify_iperf_error, (reason, iperf_error, raw_text)) if kind),
                          "test_failed")
        return error_type, reason or iperf_error or "Central reported FAILED without a reason"
    if not measured:
        return "no_measurement", "Central reported the test COMPLETED but its answer holds no figure " \
                                 "(no output and no iperf3 summary)"
    return None, None

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

# This module_utils file is PRIVATE to the aruba_central.troubleshooting collection.
# It may change or disappear at any time; do not use it from other collections or plugins.

"""The one exception type of the collection and the mapping of Central's error answers onto it."""

import json
import re
from typing import Any, Callable, Dict, Iterable, Optional, Tuple
from urllib.parse import urlsplit, urlunsplit

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._text import one_line, quote

# The machine-readable error vocabulary of the result contract (gateway_iperf.error_type).
ERROR_TYPES = (
    "test_failed",
    "server_busy",
    "server_unreachable",
    "device_offline",
    "device_not_found",
    "task_not_found",
    "timeout",
    "auth",
    "forbidden",
    "rate_limited",
    "no_measurement",
    "api_error",
)

# What a user can do about each kind of failure (the part after " - " in a message).
HINTS = {
    "auth": "check client_id/client_secret or access_token",
    "forbidden": "the API client lacks the network-troubleshooting permission; grant it to the API client in HPE GreenLake",
    "device_not_found": "check the serial number and that the gateway belongs to this Central workspace",
    "task_not_found": "the task id is unknown or has expired in Central; start a new test",
    "device_offline": "the gateway is offline in Central; bring it online or leave it out of this run",
    "rate_limited": "Central's rate limit; lower forks or retry later",
    "timeout": "allow more time or retry later",
    "no_measurement": "Central reported the test complete without any figure; run it again and check the gateway's "
                      "iperf support if it persists",
}
TLS_HINT = "set ca_path to your CA bundle or validate_certs=false for a lab"
CONNECTION_HINT = "check base_url, DNS, firewalls and proxy settings (HTTPS_PROXY, NO_PROXY)"
BAD_REQUEST_HINT = "check the module parameters against their documented ranges"
SERVER_ERROR_HINT = "an error inside Central; retry later and report the debugId to HPE support if it persists"
UNAVAILABLE_HINT = "Central or a proxy in front of it is unavailable; retry later"

_WHY = {
    "auth": "Central rejected the credentials",
    "forbidden": "access denied by Central",
    "device_not_found": "gateway not found in Central",
    "task_not_found": "test task not found in Central",
    "device_offline": "the gateway is offline",
    "rate_limited": "rate limited by Central",
}

# Specific error codes win over the HTTP status (v1 HPE_GL_ERROR_*, v1alpha1 HPE_GRAVITY_*).
_CODE_TYPES = (
    ("TASK_NOT_FOUND", "task_not_found"),
    ("DEVICE_NOT_FOUND", "device_not_found"),
    ("DEVICE_OFFLINE", "device_offline"),
    ("DEVICE_NOT_READY", "device_offline"),
)
_STATUS_TYPES = {401: "auth", 403: "forbidden", 429: "rate_limited"}
# A 409 is an offline gateway only when Central says so (its code, or its message); other conflicts are api_error.
_OFFLINE_RE = re.compile(r"\boff-?line\b|not (?:connected|reachable)|disconnected", re.IGNORECASE)
URL_HINT = "check base_url and api_version (now %s)"
_QUOTE_CHARS = 80
_HTML_RE = re.compile(r"<\s*(?:!doctype|html|head|title|body)\b", re.IGNORECASE)
_SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]*>")


def clean_path(path: Any) -> str:
    """The path to show in a message: no query string (it may carry secrets), no fragment, no user info."""
    if not path:
        return "?"
    parts = urlsplit(str(path))
    netloc = parts.netloc.rpartition("@")[2]
    return one_line(urlunsplit((parts.scheme, netloc, parts.path, "", ""))) or "/"


def format_message(what: str, why: str, detail: Optional[str] = None, hint: Optional[str] = None) -> str:
    """``"<what failed>: <why> (<detail>) - <what to do>"`` on one line."""
    text = "%s: %s" % (what, why)
    if detail:
        text += " (%s)" % detail
    if hint:
        text += " - %s" % hint
    return one_line(text)


def what_failed(method: Optional[str], path: Any) -> str:
    """``"GET /network-troubleshooting/v1/gateways/X/iperf failed"`` without any query string."""
    if method:
        return "%s %s failed" % (str(method).upper(), clean_path(path))
    return "request to %s failed" % clean_path(path)


def http_detail(status: Optional[int], error_code: Optional[str] = None, api_message: Optional[str] = None) -> str:
    """``"HTTP 404 HPE_GL_ERROR_NOT_FOUND: Device not found: X"``."""
    detail = "HTTP %s" % status
    if error_code:
        detail += " %s" % one_line(error_code)
    if api_message:
        detail += ": %s" % one_line(api_message)
    return detail


class CentralError(Exception):
    """Every failure to talk to Central, with a one-line message and a machine-readable ``error_type``.

    ``str(err)`` reads ``"<what failed>: <why> (HTTP 404 HPE_GL_ERROR_NOT_FOUND: Device not found: X) - <what to do>"``.
    ``error_type`` is one of :data:`ERROR_TYPES`. ``retry_after`` is the delay Central asked for, when it did, and
    ``retry_at`` the wall-clock time (epoch seconds) it named. ``may_have_run`` is True when a request that starts
    something (a POST) may have reached Central although no usable answer came back.
    """

    retry_at: Optional[float]
    what: Optional[str]
    why: Optional[str]
    detail: Optional[str]
    hint: Optional[str]

    def __init__(self, message: str, error_type: str = "api_error", status: Optional[int] = None,
                 error_code: Optional[str] = None, api_message: Optional[str] = None, path: Optional[str] = None,
                 method: Optional[str] = None, retry_after: Optional[float] = None) -> None:
        if error_type not in ERROR_TYPES:
            raise ValueError("error_type %r is not one of %s" % (error_type, ", ".join(ERROR_TYPES)))
        self.message = one_line(message)
        super().__init__(self.message)
        self.error_type = error_type
        self.status = status
        self.error_code = error_code
        self.api_message = one_line(api_message) if api_message is not None else None
        self.path = clean_path(path) if path else None
        self.method = str(method).upper() if method else None
        self.retry_after = retry_after
        self.retry_at = None
        self.may_have_run = False
        self.what = self.why = self.detail = self.hint = None

    @classmethod
    def build(cls, what: str, why: str, detail: Optional[str] = None, hint: Optional[str] = None,
              **kwargs: Any) -> "CentralError":
        """A CentralError whose message is ``format_message(what, why, detail, hint)``; the parts stay editable."""
        err = cls(format_message(what, why, detail, hint), **kwargs)
        err.what, err.why, err.detail, err.hint = what, why, detail, hint
        return err

    def annotate(self, note: Optional[str] = None, hint: Optional[str] = None) -> "CentralError":
        """Append ``note`` to the reason and/or replace the advice; returns ``self``."""
        if self.what is None:
            self.message = one_line("%s%s%s" % (self.message, note or "", " - %s" % hint if hint else ""))
        else:
            self.why = "%s%s" % (self.why, note or "")
            self.hint = hint or self.hint
            self.message = format_message(self.what, self.why, self.detail, self.hint)
        self.args = (self.message,)
        return self

    def reclassify(self, error_type: str, why: Optional[str] = None, hint: Optional[str] = None) -> "CentralError":
        """Give the error another ``error_type`` (and, when given, another reason and advice); returns ``self``."""
        if error_type not in ERROR_TYPES:
            raise ValueError("error_type %r is not one of %s" % (error_type, ", ".join(ERROR_TYPES)))
        self.error_type = error_type
        if self.what is not None and (why or hint):
            self.why = why or self.why
            self.hint = hint or self.hint
            # A built error (``what`` set) always has its ``why``.
            self.message = format_message(self.what, self.why, self.detail, self.hint)  # type: ignore[arg-type]
            self.args = (self.message,)
        return self

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return "CentralError(error_type=%r, status=%r, message=%r)" % (self.error_type, self.status, self.message)

    def to_dict(self) -> Dict[str, Any]:
        """The error for a module result; carries no secret (the path has no query string)."""
        return {
            "error_type": self.error_type,
            "status": self.status,
            "error_code": self.error_code,
            "api_message": self.api_message,
            "path": self.path,
        }

    def redact(self, secrets: Iterable[str]) -> "CentralError":
        """Replace each non-empty string of ``secrets`` by ``********`` in the message; returns ``self``."""
        for secret in secrets:
            if secret and len(secret) >= 4:
                for name in ("message", "api_message", "why", "detail", "error_code"):
                    value = getattr(self, name)
                    if value:
                        setattr(self, name, value.replace(secret, "********"))
        self.args = (self.message,)
        return self


def _decode(body: Any) -> Any:
    if isinstance(body, (bytes, bytearray)):
        return bytes(body).decode("utf-8", errors="replace")
    return body


def parse_body(body: Any) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """``(dict_or_None, text_or_None)``: the JSON object of an answer, else its text."""
    body = _decode(body)
    if isinstance(body, dict):
        return body, None
    if body is None:
        return None, None
    if not isinstance(body, str):
        return None, str(body)
    try:
        parsed = json.loads(body)
    except ValueError:
        return None, body
    if isinstance(parsed, dict):
        return parsed, None
    return None, body


def describe_text_body(text: Optional[str]) -> str:
    """``'an HTML page (probably from a proxy or load balancer): "502 Bad Gateway nginx"'`` and the like."""
    if text is None or not text.strip():
        return "an empty body"
    if _HTML_RE.search(text):
        stripped = _TAG_RE.sub(" ", _SCRIPT_RE.sub(" ", text))
        return "an HTML page instead of JSON (probably from a proxy or load balancer): %s" % quote(stripped)
    return "a body that is not JSON: %s" % quote(text)


def _classify(status: int, code: Optional[str], api_message: Optional[str]) -> Optional[str]:
    code_upper = (code or "").upper()
    for fragment, error_type in _CODE_TYPES:
        if fragment in code_upper:
            return error_type
    if status == 404:
        if not code:
            return None  # no error code: not Central's answer about a device or task, but no such URL
        if "task" in (api_message or "").lower():
            return "task_not_found"
        return "device_not_found"
    if status == 409:
        return "device_offline" if _OFFLINE_RE.search(api_message or "") else "api_error"
    return _STATUS_TYPES.get(status, "api_error")


def _api_error_why_hint(status: Optional[int], api_version: Optional[str]) -> Tuple[str, str]:
    if status == 400:
        return "Central rejected the request", BAD_REQUEST_HINT
    if status == 404:
        return "no such URL on this server", URL_HINT % (api_version or "v1")
    if status == 409:
        return "Central refused the request because of a conflicting state", \
            "another operation may be running on the gateway; let it finish and run again"
    if status in (502, 503, 504):
        return "Central is unavailable", UNAVAILABLE_HINT
    if status is not None and status >= 500:
        return "Central reported an internal error", SERVER_ERROR_HINT
    return "unexpected answer from Central", URL_HINT % (api_version or "v1")


def error_from_response(status: int, body: Any, path: Optional[str], api_version: Optional[str] = None,
                        method: Optional[str] = None,
                        classify: Optional[Callable[[int, Optional[str], Optional[str]], Optional[str]]] = None) -> CentralError:
    """Turn a non-2xx answer from Central into a :class:`CentralError`.

    ``body`` is the answer's text, bytes or already parsed JSON. Central's errors look like
    ``{"errorCode": "HPE_GL_ERROR_NOT_FOUND", "message": "Device not found: X"}`` (v1) or
    ``{"errorCode": "HPE_GRAVITY_DEVICE_NOT_FOUND", ...}`` (v1alpha1); an OAuth token endpoint answers
    ``{"error": "invalid_client", "error_description": "..."}``. Anything else (an HTML page from a proxy,
    an empty body) is reported as such, quoting at most 80 characters of it.

    ``classify(status, error_code, api_message)`` may decide the ``error_type`` of a JSON error answer for one API
    (it returns None to leave it to the rules here). A 404 without an error code is a wrong URL (``api_error``,
    "check base_url and api_version"), never an unknown device or task.
    """
    what = what_failed(method, path)
    data, text = parse_body(body)
    if data is None:
        error_type = _STATUS_TYPES.get(status, "api_error")
        if error_type == "api_error":
            why, hint = _api_error_why_hint(status, api_version)
        else:
            why, hint = _WHY[error_type], HINTS[error_type]
        detail = "HTTP %s with %s" % (status, describe_text_body(text))
        return CentralError.build(what, why, detail, hint, error_type=error_type, status=status,
                                  path=path, method=method)

    code = data.get("errorCode") or data.get("error")
    code = str(code) if code is not None else None
    api_message = data.get("message") or data.get("error_description") or data.get("detail")
    api_message = one_line(api_message) if api_message is not None else None
    error_type = (classify(status, code, api_message) if classify else None) or _classify(status, code, api_message) \
        or "api_error"
    if error_type == "api_error":
        why, hint = _api_error_why_hint(status, api_version)
    else:
        why, hint = _WHY[error_type], HINTS[error_type]
    detail = http_detail(status, code, api_message)
    debug_id = data.get("debugId")
    if debug_id:
        detail += "; debugId %s" % one_line(debug_id)
    return CentralError.build(what, why, detail, hint, error_type=error_type, status=status,
                              error_code=code, api_message=api_message, path=path, method=method)

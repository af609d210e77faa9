# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Central's error bodies: the code family depends on the API and its version (api.md sections 1, 2 and 7)."""

import secrets

from aiohttp import web

_GL = {400: "HPE_GL_ERROR_BAD_REQUEST", 401: "HPE_GL_ERROR_UNAUTHORIZED", 403: "HPE_GL_ERROR_FORBIDDEN",
       404: "HPE_GL_ERROR_NOT_FOUND", 405: "HPE_GL_ERROR_METHOD_NOT_ALLOWED", 409: "HPE_GL_ERROR_CONFLICT",
       429: "HPE_GL_ERROR_TOO_MANY_REQUESTS", 500: "HPE_GL_ERROR_INTERNAL_SERVER_ERROR",
       502: "HPE_GL_ERROR_BAD_GATEWAY", 503: "HPE_GL_ERROR_SERVICE_UNAVAILABLE", 504: "HPE_GL_ERROR_GATEWAY_TIMEOUT"}
_GRAVITY = {status: code.replace("HPE_GL_ERROR_", "HPE_GRAVITY_") for status, code in _GL.items()}
_GRAVITY[409] = "HPE_GRAVITY_DEVICE_OFFLINE"
_MONITORING = {**_GL, 400: "HPE_GL_NETWORK_MONITORING_INVALID_INPUT",
               500: "HPE_GL_NETWORK_MONITORING_INTERNAL_SERVER_ERROR"}

MESSAGES = {400: "Bad request.", 401: "Authentication required.",
            403: "Insufficient permissions to access this resource", 404: "Resource not found.",
            405: "Method not allowed.", 409: "Conflict.", 429: "Rate limit exceeded.",
            500: "An unexpected error occurred.", 502: "Bad gateway.", 503: "Service temporarily unavailable.",
            504: "Gateway timeout."}


def api_of(path):
    """("troubleshooting" | "monitoring" | "other", "v1" | "v1alpha1") for a request path."""
    parts = path.strip("/").split("/")
    family = {"network-troubleshooting": "troubleshooting", "network-monitoring": "monitoring"}.get(parts[0], "other")
    version = "v1alpha1" if len(parts) > 1 and parts[1] == "v1alpha1" else "v1"
    return family, version


def error_code(path, status, kind=None):
    """The errorCode for ``status`` on ``path``; ``kind`` ("device", "task", "conflict") refines it on v1alpha1."""
    family, version = api_of(path)
    if family == "monitoring":
        return _MONITORING.get(status, "HPE_GL_ERROR_INTERNAL_SERVER_ERROR")
    if version == "v1alpha1":
        if status == 404 and kind == "device":
            return "HPE_GRAVITY_DEVICE_NOT_FOUND"
        if status == 404 and kind == "task":
            return "HPE_GRAVITY_TASK_NOT_FOUND"
        if status == 409 and kind == "conflict":
            return "HPE_GRAVITY_CONFLICT"
        return _GRAVITY.get(status, "HPE_GRAVITY_INTERNAL_SERVER_ERROR")
    return _GL.get(status, "HPE_GL_ERROR_INTERNAL_SERVER_ERROR")


def error_body(path, status, message=None, kind=None):
    body = {"errorCode": error_code(path, status, kind), "message": message or MESSAGES.get(status, "Error.")}
    family, version = api_of(path)
    if family == "monitoring" or (family == "troubleshooting" and version == "v1" and status == 403):
        body = {"httpStatusCode": status, **body, "debugId": secrets.token_hex(16)}
    return body


def error_response(request, status, message=None, kind=None, headers=None):
    return web.json_response(error_body(request.path, status, message, kind), status=status, headers=headers)

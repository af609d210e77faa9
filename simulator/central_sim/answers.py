# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Unreadable answers made from a real one: what a broken proxy or a half-written reply hands a client."""

import json


def _cut(body):
    return body[: max(1, len(body) // 2)]


def _not_object(body):
    return b"[" + body + b"]"


def _no_status(body):
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if isinstance(data, dict):
        data.pop("status", None)
    return json.dumps(data).encode()


_MAKERS = {"cut": _cut, "not_object": _not_object, "no_status": _no_status, "empty": lambda body: b""}


def malform(response, kind):
    """Replace the body of ``response`` (a JSON answer; status and headers stay) with an unusable one.

    ``cut``: the real body cut in half; ``not_object``: valid JSON that is not an object (the body inside a list);
    ``no_status``: the object without its ``status`` key; ``empty``: no body at all.
    """
    response.body = _MAKERS[kind](bytes(response.body or b""))
    return response

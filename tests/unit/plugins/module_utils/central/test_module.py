# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one way every module fails and warns."""

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._module import (
    done,
    fail,
    warn_client,
)


class Module:
    """What the helpers use of an AnsibleModule: warn, exit_json and fail_json."""

    def __init__(self):
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)

    def exit_json(self, **result):
        raise SystemExit(dict(result, failed=False))

    def fail_json(self, **result):
        raise SystemExit(dict(result, failed=True))


class Client:
    tls_warning = "validate_certs=false: the identity of central.example is not checked"
    warnings = ["token cache /x is not usable (Permission denied); not caching tokens"]


def ended(call, *args, **kwargs):
    with pytest.raises(SystemExit) as info:
        call(*args, **kwargs)
    return info.value.args[0]


def test_an_api_failure_carries_its_type_and_centrals_answer_and_each_warning_once():
    module = Module()
    warn_client(module, Client())
    err = CentralError("GET /x failed: no - y", error_type="auth", status=401, error_code="E", path="/x")
    result = ended(fail, module, err, Client(), task_id="t")
    assert result == {"msg": "GET /x failed: no - y", "error_type": "auth", "task_id": "t", "failed": True,
                      "api_error": {"error_type": "auth", "status": 401, "error_code": "E", "api_message": None,
                                    "path": "/x"}}
    assert module.warnings == [Client.tls_warning, Client.warnings[0]]


def test_bad_input_fails_with_its_message_only():
    assert ended(fail, Module(), ValueError("duration must be a whole number from 10 to 120, got 5")) == {
        "msg": "duration must be a whole number from 10 to 120, got 5", "failed": True}


def test_done_exits_or_fails_with_the_runs_own_failure():
    assert ended(done, Module(), None, None, changed=False)["failed"] is False
    result = ended(done, Module(), Client(), ("no time left", "timeout"), changed=True)
    assert (result["failed"], result["msg"], result["error_type"], result["changed"]) == \
        (True, "no time left", "timeout", True)

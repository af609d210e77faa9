# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run a module's ``main()`` in-process with scripted HTTP and a virtual clock.

    result = run_module(gateway_iperf_result, {"task_id": ...}, http=HttpMock([...]), clock=FakeClock())
    assert result["failed"] ...

The module's ``client_from_params`` is wrapped so every client it builds uses ``http`` as its session and ``clock``
as its clock, and the module's ``SYSTEM_CLOCK`` is replaced by ``clock``. ``exit_json``/``fail_json`` are caught
and their arguments returned, with ``failed`` set to True or False.
"""

import json

import pytest
from ansible.module_utils import basic
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.module_args import patch_module_args


class ModuleExit(Exception):
    def __init__(self, result):
        super().__init__(result)
        self.result = result


def _exit_json(self, **kwargs):  # pylint: disable=unused-argument
    kwargs.setdefault("failed", False)
    raise ModuleExit(kwargs)


def _fail_json(self, msg, **kwargs):  # pylint: disable=unused-argument
    kwargs["failed"] = True
    kwargs["msg"] = msg
    raise ModuleExit(kwargs)


def run_module(module, args, http=None, clock=None, check_mode=False, monkeypatch=None):
    """Run ``module.main()`` with ``args``; return the result dict (``failed`` True or False)."""
    patcher = monkeypatch or pytest.MonkeyPatch()
    try:
        if hasattr(module, "client_from_params"):
            original = module.client_from_params

            def client_from_params(params, clock=None, session=None):  # pylint: disable=unused-argument
                return original(params, clock=fake_clock, session=http)

            fake_clock = clock
            patcher.setattr(module, "client_from_params", client_from_params)
        if clock is not None and hasattr(module, "SYSTEM_CLOCK"):
            patcher.setattr(module, "SYSTEM_CLOCK", clock)
        patcher.setattr(basic.AnsibleModule, "exit_json", _exit_json)
        patcher.setattr(basic.AnsibleModule, "fail_json", _fail_json)
        full_args = dict(args)
        if check_mode:
            full_args["_ansible_check_mode"] = True
        with patch_module_args(full_args):
            try:
                module.main()
            except ModuleExit as done:
                # Results must be JSON-serialisable, as Ansible will send them.
                json.dumps(done.result)
                return done.result
        raise AssertionError("the module returned without calling exit_json or fail_json")
    finally:
        if monkeypatch is None:
            patcher.undo()

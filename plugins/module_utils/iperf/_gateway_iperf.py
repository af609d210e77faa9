# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""One ``gateway_iperf`` run, whatever runs it: the module, or the role's per-gateway step in the controller.

:func:`run_gateway_iperf` takes the validated options (the module's argument spec, :func:`argument_spec`) and
returns what the module answers: ``(response, failure, warnings)``, where ``failure`` is ``(msg, error_type)`` or
None and ``warnings`` are the lines to warn about (TLS not checked, token cache not usable, ``wait=false`` with a
pool). It never raises for bad input or an API failure: both end in ``failure``.
"""

from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import SYSTEM_CLOCK, Clock
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._args import (
    CONNECTION_MUTUALLY_EXCLUSIVE,
    CONNECTION_REQUIRED_ONE_OF,
    CONNECTION_REQUIRED_TOGETHER,
    client_from_params,
    connection_argument_spec,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._module import client_warnings
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._troubleshooting import (
    validate_serial,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._request import (
    build_request,
    describe,
    server_endpoints,
    validate_run_options,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._run import (
    IperfRunner,
    check_gateway,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._server_pool import ServerPool
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._wait import TaskWaiter

MUTUALLY_EXCLUSIVE = [["server_address", "server_pool"]] + CONNECTION_MUTUALLY_EXCLUSIVE
REQUIRED_ONE_OF = [["server_address", "server_pool"]] + CONNECTION_REQUIRED_ONE_OF
REQUIRED_TOGETHER = CONNECTION_REQUIRED_TOGETHER
_RUN_KEYS = ("task_id", "location", "status", "server", "wait_timeout", "server_wait")


def argument_spec() -> Dict[str, Dict[str, Any]]:
    """The options of ``gateway_iperf`` (documented in its module file)."""
    spec = connection_argument_spec()
    spec.update(
        serial_number=dict(type="str", required=True),
        server_address=dict(type="str"),
        port=dict(type="int"),
        server_pool=dict(type="list", elements="str"),
        duration=dict(type="int", default=10),
        parallel=dict(type="int", default=1),
        omit=dict(type="int", default=0),
        include_reverse=dict(type="bool", default=False),
        vlan_interface=dict(type="str"),
        protocol=dict(type="str", choices=["tcp", "udp"], default="tcp"),
        include_raw_output=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="float"),
        busy_retries=dict(type="int", default=3),
        server_wait_timeout=dict(type="float", default=600),
        lease_dir=dict(type="path"),
    )
    return spec


def _failure(err: Exception) -> Tuple[Dict[str, Any], Tuple[str, Optional[str]]]:
    """``(response, failure)`` for an exception raised before any test."""
    response: Dict[str, Any] = {"attempts": []}
    if isinstance(err, CentralError):
        response["api_error"] = err.to_dict()
        return response, (str(err), err.error_type)
    return response, (str(err), None)


def run_gateway_iperf(params: Mapping[str, Any], check_mode: bool = False, clock: Clock = SYSTEM_CLOCK,
                      client_factory: Callable[..., CentralClient] = client_from_params
                      ) -> Tuple[Dict[str, Any], Optional[Tuple[str, Optional[str]]], List[str]]:
    """Run the test ``params`` ask for; ``(response, failure, warnings)`` as described in the module docstring."""
    client: Optional[CentralClient] = None
    try:
        serial = validate_serial(params["serial_number"])
        request = build_request(params)
        options = validate_run_options(params)
        endpoints = server_endpoints(params["server_address"], params["port"], params["server_pool"])
        pool = ServerPool(endpoints, lock_dir=params["lease_dir"], clock=clock)
        what = describe(request, endpoints)
        client = client_factory(params, clock=clock)
        if check_mode:
            gateway = check_gateway(client, serial)
            return (dict(changed=False, msg="would run a %s on gateway %s" % (what, serial), gateway=gateway,
                         attempts=[]), None, client_warnings(client))
    except (CentralError, ValueError) as exc:
        response, failure = _failure(exc)
        return response, failure, client_warnings(client)

    warnings = client_warnings(client)
    if not params["wait"] and len(endpoints) > 1:
        warnings.append("wait=false: the lease on the iperf server ends when the module returns, so the next run may "
                        "start a test on the same endpoint; use wait=true with server_pool")
    runner = IperfRunner(client, pool, TaskWaiter(client, clock), clock,
                         busy_retries=options["busy_retries"], server_wait_timeout=options["server_wait_timeout"])
    run = runner.run(serial, request, wait=params["wait"], wait_timeout=options["wait_timeout"])
    response = dict(changed=run.started, attempts=run.attempts)
    response.update((key, getattr(run, key)) for key in _RUN_KEYS if getattr(run, key) is not None)
    if run.result is not None:
        response["ansible_facts"] = dict(gateway_iperf=run.result)
    if run.api_error:
        response["api_error"] = run.api_error
    if not run.error:
        response["msg"] = "%s on gateway %s: %s" % (what, serial, run.status)
    return response, run.error, warnings

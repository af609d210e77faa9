# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""How every module of the collection reports: one failure helper and one place for the client's warnings.

A failure is one line (``msg``); an API failure also carries ``error_type`` and ``api_error`` (Central's answer,
without secrets). Warnings about what did not fail the call (``validate_certs=false``, an unusable token cache) are
given once, on success and on failure alike.
"""

from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Tuple

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError

if TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule
    from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient


def client_warnings(client: Optional["CentralClient"]) -> List[str]:
    """What did not fail the call but the user should know: TLS not checked, token cache not usable."""
    if client is None:
        return []
    return ([client.tls_warning] if client.tls_warning else []) + list(client.warnings)


def warn(module: "AnsibleModule", warnings: Iterable[str]) -> None:
    """Give each warning once per module run."""
    given = getattr(module, "_aruba_central_warned", ())
    for warning in warnings:
        if warning not in given:
            module.warn(warning)
            given += (warning,)
    module._aruba_central_warned = given


def warn_client(module: "AnsibleModule", client: Optional["CentralClient"]) -> None:
    """Give each warning of ``client`` once."""
    warn(module, client_warnings(client))


def answer(module: "AnsibleModule", response: Dict[str, Any], failure: Optional[Tuple[str, Optional[str]]] = None,
           warnings: Iterable[str] = ()) -> None:
    """End the module with ``response``: ``failure`` is ``(msg, error_type)`` (``error_type`` None for bad input)."""
    warn(module, warnings)
    if failure:
        msg, error_type = failure
        if error_type:
            response = dict(response, error_type=error_type)
        module.fail_json(msg=msg, **response)
    module.exit_json(**response)


def fail(module: "AnsibleModule", err: Exception, client: Optional["CentralClient"] = None, **result: Any) -> None:
    """Fail the module with ``err`` (a CentralError or a ValueError for bad input) and ``result``."""
    if isinstance(err, CentralError):
        result["api_error"] = err.to_dict()
    answer(module, result, (str(err), getattr(err, "error_type", None)), client_warnings(client))


def done(module: "AnsibleModule", client: Optional["CentralClient"] = None,
         failure: Optional[Tuple[str, Optional[str]]] = None, **result: Any) -> None:
    """End the module: ``failure`` is ``(msg, error_type)`` or None; the client's warnings are given first."""
    answer(module, result, failure, client_warnings(client))

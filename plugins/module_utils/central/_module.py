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

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError


def warn_client(module, client):
    """Give each warning of ``client`` (TLS not checked, token cache not usable) once."""
    if client is None:
        return
    for warning in ([client.tls_warning] if client.tls_warning else []) + list(client.warnings):
        if warning not in getattr(module, "_aruba_central_warned", ()):
            module.warn(warning)
            module._aruba_central_warned = getattr(module, "_aruba_central_warned", ()) + (warning,)


def fail(module, err, client=None, **result):
    """Fail the module with ``err`` (a CentralError or a ValueError for bad input) and ``result``."""
    warn_client(module, client)
    if isinstance(err, CentralError):
        result.update(error_type=err.error_type, api_error=err.to_dict())
    module.fail_json(msg=str(err), **result)


def done(module, client=None, failure=None, **result):
    """End the module: ``failure`` is ``(msg, error_type)`` or None; the client's warnings are given first."""
    warn_client(module, client)
    if failure:
        msg, error_type = failure
        module.fail_json(msg=msg, error_type=error_type, **result)
    module.exit_json(**result)

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

# This module_utils file is PRIVATE to the aruba_central.troubleshooting collection.
# It may change or disappear at any time; do not use it from other collections or plugins.

"""Connection options shared by every module and plugin, and validators for user input."""

from typing import Any, Dict, Mapping, Optional

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._auth import (
    DEFAULT_TOKEN_URL,
    TokenCache,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import SYSTEM_CLOCK, Clock

# Pass these to AnsibleModule(mutually_exclusive=..., required_together=..., required_one_of=...).
CONNECTION_MUTUALLY_EXCLUSIVE = [["access_token", "client_id"], ["access_token", "client_secret"]]
CONNECTION_REQUIRED_TOGETHER = [["client_id", "client_secret"]]
CONNECTION_REQUIRED_ONE_OF = [["access_token", "client_id"]]


def nonempty_env_fallback(*names: str) -> str:
    """``env_fallback`` that treats an empty variable as unset.

    An AWX credential injects every field it has, empty ones as empty strings; an empty ``CENTRAL_ACCESS_TOKEN``
    must not count as an access token next to a client id and secret.
    """
    value = env_fallback(*names)
    if not str(value).strip():
        raise AnsibleFallbackNotFound
    return value


def connection_argument_spec() -> Dict[str, Dict[str, Any]]:
    """The argument spec of the connection options (documented by the doc fragment ``...connection``)."""
    return dict(
        base_url=dict(type="str", required=True, fallback=(nonempty_env_fallback, ["CENTRAL_BASE_URL"])),
        client_id=dict(type="str", no_log=False, fallback=(nonempty_env_fallback, ["CENTRAL_CLIENT_ID"])),
        client_secret=dict(type="str", no_log=True, fallback=(nonempty_env_fallback, ["CENTRAL_CLIENT_SECRET"])),
        access_token=dict(type="str", no_log=True, fallback=(nonempty_env_fallback, ["CENTRAL_ACCESS_TOKEN"])),
        token_url=dict(type="str", default=DEFAULT_TOKEN_URL, no_log=False,
                       fallback=(nonempty_env_fallback, ["CENTRAL_TOKEN_URL"])),
        api_version=dict(type="str", default="v1", choices=["v1", "v1alpha1"],
                         fallback=(nonempty_env_fallback, ["CENTRAL_API_VERSION"])),
        validate_certs=dict(type="bool", default=True, fallback=(nonempty_env_fallback, ["CENTRAL_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(nonempty_env_fallback, ["CENTRAL_CA_PATH"])),
        request_timeout=dict(type="float", default=30.0),
        max_retries=dict(type="int", default=5),
    )


def _blank_to_none(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def client_from_params(params: Mapping[str, Any], clock: Optional[Clock] = None, session: Any = None) -> CentralClient:
    """A :class:`CentralClient` for validated module (or plugin) options.

    Tokens minted with client credentials go through the shared :class:`TokenCache` (see its environment
    variables). ``clock`` and ``session`` are for tests.
    """
    clock = clock or SYSTEM_CLOCK
    access_token = _blank_to_none(params.get("access_token"))
    client_id = _blank_to_none(params.get("client_id"))
    client_secret = _blank_to_none(params.get("client_secret"))
    if not _blank_to_none(params.get("base_url")):
        raise CentralError.build("connecting to Central failed", "base_url is not set", None,
                                 "set base_url or CENTRAL_BASE_URL, e.g. https://us1.api.central.arubanetworks.com")
    if access_token and (client_id or client_secret):
        raise CentralError.build("connecting to Central failed", "both access_token and client credentials are set",
                                 None, "use either access_token or client_id/client_secret", error_type="auth")
    if not access_token and bool(client_id) != bool(client_secret):
        missing = "client_secret" if client_id else "client_id"
        raise CentralError.build("connecting to Central failed", "%s is not set" % missing, None,
                                 "client_id and client_secret go together", error_type="auth")
    validate_certs = params.get("validate_certs")
    max_retries = params.get("max_retries")
    return CentralClient(
        base_url=params["base_url"],
        access_token=access_token,
        client_id=client_id,
        client_secret=client_secret,
        token_url=_blank_to_none(params.get("token_url")) or DEFAULT_TOKEN_URL,
        api_version=_blank_to_none(params.get("api_version")) or "v1",
        validate_certs=True if validate_certs is None else validate_certs,
        ca_path=_blank_to_none(params.get("ca_path")),
        request_timeout=30.0 if params.get("request_timeout") is None else params["request_timeout"],
        max_retries=5 if max_retries is None else max_retries,
        clock=clock,
        session=session,
        token_cache=TokenCache(clock=clock) if client_id and not access_token else None,
    )

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""No client secret or token in any error the client raises, whatever Central, a proxy or the user sends.

The token cache (file 0600 in a 0700 directory, ignored when its permissions are wrong or it is corrupt, replaced
atomically, never holding the client secret) is covered in ``test_central_auth.py``:
``test_cache_directory_is_0700_file_is_0600_and_holds_no_secret``, ``test_cache_entry_is_replaced_atomically``,
``test_corrupt_or_foreign_entry_is_ignored_and_replaced``, ``test_entry_readable_by_others_is_ignored_and_replaced``,
``test_symlinked_entry_is_not_followed`` and ``test_loose_cache_directory_is_tightened``.
"""

import json
import socket

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import (
    HttpMock,
    error_reply,
    reply,
)

SECRET = "S3cr3t-7f0c2a9e-4d1b-4b8e-9a55-client"
TOKEN = "S3cr3t-tok-0c1d2e3f-4a5b-6c7d-8e9f-bearer"
TOKEN_URL = "https://sso.example/as/token.oauth2"
LIST = "/network-monitoring/v1/gateways"


def leaked(err, *secrets):
    """Every place an error is shown or returned: its message, repr and the module's api_error dict."""
    shown = " ".join([str(err), repr(err), json.dumps(err.to_dict())])
    return [secret for secret in secrets if secret in shown or secret[:16] in shown]


def client_credentials(http):
    return CentralClient("https://central.example", client_id="my-client", client_secret=SECRET, token_url=TOKEN_URL,
                         session=http, clock=FakeClock(), max_retries=0)


def static_token(http, token=TOKEN):
    return CentralClient("https://central.example", access_token=token, session=http, clock=FakeClock(), max_retries=0)


@pytest.mark.parametrize("prefix", ["", "x" * 40, "x" * 70, "x" * 76, "x" * 200])
@pytest.mark.parametrize("field", ["error_description", "message"])
def test_a_token_endpoint_that_echoes_the_secret_never_puts_it_in_the_error(prefix, field):
    http = HttpMock([("POST", r"/as/token\.oauth2$", reply(401, json={field: prefix + "bad secret " + SECRET}))])
    with pytest.raises(CentralError) as info:
        client_credentials(http).get(LIST)
    assert info.value.error_type == "auth"
    assert leaked(info.value, SECRET) == []


def test_a_token_endpoint_that_echoes_the_secret_in_its_error_code_never_puts_it_in_the_error():
    http = HttpMock([("POST", r"/as/token\.oauth2$", reply(401, json={"error": "bad secret " + SECRET}))])
    with pytest.raises(CentralError) as info:
        client_credentials(http).get(LIST)
    assert leaked(info.value, SECRET) == []


@pytest.mark.parametrize("answer", [
    reply(200, text="<html><body>Welcome %s</body></html>" % SECRET),
    reply(200, text="access_token=%s" % SECRET),
    reply(500, text="Internal error for client_secret=%s" % SECRET),
])
def test_a_broken_token_answer_that_echoes_the_secret_never_puts_it_in_the_error(answer):
    http = HttpMock([("POST", r"/as/token\.oauth2$", answer)])
    with pytest.raises(CentralError) as info:
        client_credentials(http).get(LIST)
    assert leaked(info.value, SECRET) == []


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 429, 500, 502])
@pytest.mark.parametrize("prefix", ["", "y" * 75])
def test_an_api_error_that_echoes_the_bearer_token_never_puts_it_in_the_error(status, prefix):
    http = HttpMock([("GET", LIST + "$", error_reply(status, "HPE_GL_ERROR_X", prefix + "token " + TOKEN + " refused"))])
    with pytest.raises(CentralError) as info:
        static_token(http).get(LIST)
    assert leaked(info.value, TOKEN) == []


def test_a_minted_token_echoed_by_a_later_error_is_redacted_too():
    http = HttpMock([
        ("POST", r"/as/token\.oauth2$", reply(200, json={"access_token": TOKEN, "expires_in": 7200})),
        ("GET", LIST + "$", error_reply(403, "HPE_GL_ERROR_FORBIDDEN", "Bearer %s may not list gateways" % TOKEN)),
    ])
    with pytest.raises(CentralError) as info:
        client_credentials(http).get(LIST)
    assert info.value.error_type == "forbidden"
    assert leaked(info.value, TOKEN, SECRET) == []


def test_a_query_string_in_a_path_never_reaches_the_error():
    http = HttpMock([("GET", LIST, error_reply(404, "HPE_GL_ERROR_NOT_FOUND", "Resource not found."))])
    with pytest.raises(CentralError) as info:
        static_token(http).get(LIST + "?access_token=" + TOKEN)
    assert leaked(info.value, TOKEN) == []


def _closed_loopback_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("suffix", ["\n", "\r\n", "\nX-Injected: 1"])
def test_an_access_token_with_a_line_break_is_refused_without_showing_it(suffix):
    client = CentralClient("http://127.0.0.1:%d" % _closed_loopback_port(), access_token=TOKEN + suffix, max_retries=0)
    with pytest.raises(CentralError) as info:
        client.get(LIST)
    assert leaked(info.value, TOKEN) == []
    assert "access_token" in str(info.value)

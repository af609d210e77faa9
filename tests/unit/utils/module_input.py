# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input every module shares: each case fails with one line that names the bad option, before any HTTP request.

    result, http = run_without_central(gateway_info, {"base_url": "ftp://central.example", ...})
    assert_refused(result, http, "base_url")

The HTTP seam (``HttpMock`` with nothing scripted) records every request the module tries; a serial number, task id
or URL that is refused must never reach it.
"""

from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.assertions import names_option
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import HttpMock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.module_runner import run_module

SECRET = "S3cr3t-5d1c0a8e-bad-input"

# Values that must never become part of a URL path: separators, traversal, query and fragment markers, encoded
# slashes, blanks, line breaks, control and non-ASCII characters.
UNSAFE_SERIALS = [
    "CN/F7G9K001", "..", "CN..", "../CNF7G9K001", "CNF7G9K001/..", "CN?x=1", "CN#frag", "CN%2F1", "CN%2e%2e",
    "CN F7G9K001", " CNF7G9K001", "CNF7G9K001 ", "CNF7G9K001\n", "CN\nF7", "CN\r\nX-Evil: 1", "CN\tF7", "CN\x00F7",
    "CNé1", "CN\u202eF7", "ＣＮ１", "", "-CNF7", "C" * 65,
]

# Connection options, the same in every module: (the option the message must name, the arguments to change).
CONNECTION_CASES = [
    ("base_url", {"base_url": None}),
    ("base_url", {"base_url": ""}),
    ("base_url", {"base_url": "   "}),
    ("base_url", {"base_url": "http://central.example"}),
    ("base_url", {"base_url": "http://localhost.evil.example"}),
    ("base_url", {"base_url": "http://127.0.0.1.nip.io"}),
    ("base_url", {"base_url": "http://0x7f.0.0.1"}),
    ("base_url", {"base_url": "ftp://central.example"}),
    ("base_url", {"base_url": "central.example"}),
    ("base_url", {"base_url": "https://"}),
    ("base_url", {"base_url": "https://central.example:99999"}),
    ("base_url", {"base_url": "https://central.example:port"}),
    ("base_url", {"base_url": "https://central.example/?tenant=1"}),
    ("base_url", {"base_url": "https://central.example/#top"}),
    ("base_url", {"base_url": "https://user:%s@central.example" % SECRET}),
    ("token_url", {"access_token": None, "client_id": "my-client", "client_secret": SECRET,
                   "token_url": "http://sso.example/as/token.oauth2"}),
    ("token_url", {"access_token": None, "client_id": "my-client", "client_secret": SECRET, "token_url": "sso.example"}),
    ("api_version", {"api_version": "v2"}),
    ("api_version", {"api_version": "V1"}),
    ("api_version", {"api_version": ""}),
    ("api_version", {"api_version": "v1/../v2"}),
    ("access_token", {"access_token": None}),
    ("access_token", {"access_token": ""}),
    ("access_token", {"access_token": "   "}),
    ("access_token", {"client_id": "my-client", "client_secret": SECRET}),
    ("client_secret", {"access_token": None, "client_id": "my-client"}),
    ("client_id", {"access_token": None, "client_secret": SECRET}),
    ("validate_certs", {"validate_certs": "maybe"}),
    ("ca_path", {"ca_path": "/nonexistent/ca.pem"}),
    ("request_timeout", {"request_timeout": -1}),
    ("request_timeout", {"request_timeout": "nan"}),
    ("request_timeout", {"request_timeout": "inf"}),
    ("request_timeout", {"request_timeout": "fast"}),
    ("max_retries", {"max_retries": -1}),
    ("max_retries", {"max_retries": "many"}),
    ("max_retries", {"max_retries": 2.5}),
]


def assert_refused(result, http, option):
    """The module failed with one line naming ``option``, changed nothing and sent no request."""
    assert result["failed"] is True, result
    message = result["msg"]
    assert "\n" not in message and "\r" not in message, repr(message)
    # From ansible-core 2.20 (Python 3.12) AnsibleModule itself refuses an argument holding a NUL character, before
    # the module sees it ("Failed to log to syslog (embedded null character) ..."): also a one-line refusal.
    assert names_option(message, option) or "embedded null character" in message, (
        "%r does not name %s" % (message, option))
    assert http.requests == [], "a request was sent for bad input: %r" % http.requests
    assert result.get("changed", False) is False


def run_without_central(module, args):
    """Run ``module`` with ``args`` (None values left out) against a Central that expects no request: (result, http)."""
    http = HttpMock()
    result = run_module(module, {key: value for key, value in args.items() if value is not None}, http=http,
                        clock=FakeClock())
    return result, http

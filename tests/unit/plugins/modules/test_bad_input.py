# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input to every module: each case fails with one line that names the bad option, before any HTTP request.

The HTTP seam (``HttpMock`` with nothing scripted) records every request the module tries; a serial number, task id
or URL that is refused must never reach it. Filters and the inventory plugin are covered in
``tests/unit/plugins/filter/test_reliability_filter_input.py`` and
``tests/unit/plugins/inventory/test_reliability_inventory_input.py``.
"""

import os

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.modules import gateway_info
from ansible_collections.aruba_central.troubleshooting.plugins.modules import gateway_iperf
from ansible_collections.aruba_central.troubleshooting.plugins.modules import gateway_iperf_result
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import HttpMock, reply
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.module_runner import run_module

BASE = "https://central.example"
TASK = "8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f"
SECRET = "S3cr3t-5d1c0a8e-bad-input"

# Values that must never become part of a URL path: separators, traversal, query and fragment markers, encoded
# slashes, blanks, line breaks, control and non-ASCII characters.
UNSAFE_SERIALS = [
    "CN/F7G9K001", "..", "CN..", "../CNF7G9K001", "CNF7G9K001/..", "CN?x=1", "CN#frag", "CN%2F1", "CN%2e%2e",
    "CN F7G9K001", " CNF7G9K001", "CNF7G9K001 ", "CNF7G9K001\n", "CN\nF7", "CN\r\nX-Evil: 1", "CN\tF7", "CN\x00F7",
    "CNé1", "CN\u202eF7", "ＣＮ１", "", "-CNF7", "C" * 65,
]
UNSAFE_TASK_IDS = [
    "not-a-uuid", TASK + "/..", "../" + TASK, TASK + "?x=1", TASK + "#x", TASK.replace("-", "%2F", 1), " " + TASK,
    TASK + " ", TASK + "\n", TASK[:8] + "\n" + TASK[9:], TASK.replace("a", "é", 1), TASK + "0", "", "..",
]


def names_option(message, option):
    """True when the message names ``option`` as written (``serial_number``) or in words (``serial number``)."""
    lowered = message.lower()
    return any(form in lowered for form in (option, option.replace("_", " "), option.rstrip("s").replace("_", " ")))


def assert_refused(result, http, option):
    assert result["failed"] is True, result
    message = result["msg"]
    assert "\n" not in message and "\r" not in message, repr(message)
    assert names_option(message, option), "%r does not name %s" % (message, option)
    assert http.requests == [], "a request was sent for bad input: %r" % http.requests
    assert result.get("changed", False) is False


def run(module, args, tmp_path=None):
    http = HttpMock()
    if module is gateway_iperf:
        args.setdefault("lease_dir", str(tmp_path / "leases"))
    result = run_module(module, {key: value for key, value in args.items() if value is not None}, http=http,
                        clock=FakeClock())
    if module is gateway_iperf:
        assert not os.path.exists(args["lease_dir"]), "no iperf server is leased for bad input"
    return result, http


def iperf_args(**extra):
    values = {"base_url": BASE, "access_token": SECRET, "serial_number": "CNF7G9K001", "server_address": "127.0.0.1"}
    values.update(extra)
    return values


def result_args(**extra):
    values = {"base_url": BASE, "access_token": SECRET, "serial_number": "CNF7G9K001", "task_id": TASK}
    values.update(extra)
    return values


def info_args(**extra):
    values = {"base_url": BASE, "access_token": SECRET}
    values.update(extra)
    return values


MODULE_ARGS = [(gateway_iperf, iperf_args), (gateway_iperf_result, result_args), (gateway_info, info_args)]
MODULE_IDS = ["gateway_iperf", "gateway_iperf_result", "gateway_info"]

# ---------------------------------------------------------------- connection options, shared by every module

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


@pytest.mark.parametrize("module, build", MODULE_ARGS, ids=MODULE_IDS)
@pytest.mark.parametrize("option, extra", CONNECTION_CASES)
def test_bad_connection_options_fail_before_any_request(tmp_path, module, build, option, extra):
    result, http = run(module, build(**extra), tmp_path)
    assert_refused(result, http, option)
    assert SECRET not in result["msg"]


@pytest.mark.parametrize("module, build", MODULE_ARGS, ids=MODULE_IDS)
def test_request_timeout_zero_is_refused(tmp_path, module, build):
    result, http = run(module, build(request_timeout=0), tmp_path)
    assert_refused(result, http, "request_timeout")


@pytest.mark.parametrize("base_url, host", [
    ("http://127.0.0.1:8080", "127.0.0.1:8080"),
    ("http://127.8.9.10:8080/", "127.8.9.10:8080"),
    ("http://[::1]:8080", "[::1]:8080"),
    ("http://localhost:8080", "localhost:8080"),
])
def test_plain_http_is_accepted_for_loopback_only(base_url, host):
    http = HttpMock([("GET", r"^http://%s/network-monitoring/v1/gateways$" % host.replace(".", r"\.").replace("[", r"\[")
                      .replace("]", r"\]"), reply(200, json={"items": [], "count": 0, "next": None}))])
    result = run_module(gateway_info, info_args(base_url=base_url), http=http, clock=FakeClock())
    http.assert_done()
    assert result["failed"] is False and result["gateways"] == []


# ---------------------------------------------------------------- gateway_iperf


@pytest.mark.parametrize("serial", UNSAFE_SERIALS)
def test_gateway_iperf_refuses_unsafe_serial_numbers(tmp_path, serial):
    result, http = run(gateway_iperf, iperf_args(serial_number=serial), tmp_path)
    assert_refused(result, http, "serial_number")


IPERF_CASES = [
    ("serial_number", {"serial_number": None}),
    ("server_address", {"server_address": None}),
    ("server_address", {"server_pool": ["127.0.0.1"]}),
    ("port", {"port": 0}),
    ("port", {"port": -1}),
    ("port", {"port": 65536}),
    ("port", {"port": "http"}),
    ("port", {"server_address": "127.0.0.1:5201"}),
    ("duration", {"duration": 0}),
    ("duration", {"duration": 9}),
    ("duration", {"duration": 121}),
    ("duration", {"duration": -10}),
    ("duration", {"duration": "ten"}),
    ("duration", {"duration": 10.5}),
    ("duration", {"duration": True}),
    ("parallel", {"parallel": 0}),
    ("parallel", {"parallel": 129}),
    ("parallel", {"parallel": -1}),
    ("parallel", {"parallel": "all"}),
    ("omit", {"omit": -1}),
    ("omit", {"omit": 61}),
    ("omit", {"omit": "some"}),
    ("protocol", {"protocol": "icmp"}),
    ("protocol", {"protocol": ""}),
    ("include_reverse", {"include_reverse": "perhaps"}),
    ("include_raw_output", {"include_raw_output": "sometimes"}),
    ("vlan_interface", {"vlan_interface": "0"}),
    ("vlan_interface", {"vlan_interface": "4095"}),
    ("vlan_interface", {"vlan_interface": "vlan 152"}),
    ("vlan_interface", {"vlan_interface": "../152"}),
    ("vlan_interface", {"vlan_interface": "v" * 33}),
    ("vlan_interface", {"vlan_interface": "vlané"}),
    ("wait", {"wait": "later"}),
    ("wait_timeout", {"wait_timeout": 0}),
    ("wait_timeout", {"wait_timeout": -5}),
    ("wait_timeout", {"wait_timeout": "nan"}),
    ("wait_timeout", {"wait_timeout": "inf"}),
    ("wait_timeout", {"wait_timeout": 86401}),
    ("wait_timeout", {"wait_timeout": "soon"}),
    ("busy_retries", {"busy_retries": -1}),
    ("busy_retries", {"busy_retries": 11}),
    ("server_wait_timeout", {"server_wait_timeout": -1}),
    ("server_wait_timeout", {"server_wait_timeout": "inf"}),
    ("server_pool", {"server_address": None, "server_pool": []}),
]


@pytest.mark.parametrize("option, extra", IPERF_CASES)
def test_gateway_iperf_refuses_bad_options(tmp_path, option, extra):
    result, http = run(gateway_iperf, iperf_args(**extra), tmp_path)
    assert_refused(result, http, option)


# Server addresses that are neither host names nor IP addresses: refused before any request. The messages name
# the bad value ("Invalid iperf server endpoint '256.1.1.1'") but not the option it came from.
BAD_SERVERS = ["", "   ", "256.1.1.1", "1.2.3", "10.0.0.1.", "exa mple.com", "-bad.example", "bad-.example",
               "a..b.example", "bad_host", "example.com/path", "http://iperf.example", "iperf.example?x", "iperf#1",
               "iperf%2Fexample", "iperf\nexample", "ipérf.example", "[::1", "[not-ipv6]", "::1::2", "x" * 254,
               "1.2.3.4;rm -rf /"]


@pytest.mark.parametrize("address", BAD_SERVERS)
def test_gateway_iperf_refuses_bad_server_addresses(tmp_path, address):
    result, http = run(gateway_iperf, iperf_args(server_address=address), tmp_path)
    assert_refused(result, http, "iperf server")


@pytest.mark.parametrize("address", ["256.1.1.1", "exa mple.com"])
def test_gateway_iperf_bad_server_address_message_names_the_option(tmp_path, address):
    result, http = run(gateway_iperf, iperf_args(server_address=address), tmp_path)
    assert_refused(result, http, "server_address")


@pytest.mark.parametrize("pool", [["127.0.0.1", "bad_host"], ["127.0.0.1:0"], ["127.0.0.1:99999"], ["127.0.0.1:http"],
                                  ["127.0.0.1", "127.0.0.1:5201"], [""], ["[::1]:5201", "::1"], ["iperf/../x:5201"],
                                  "not a list of hosts"])
def test_gateway_iperf_refuses_bad_server_pools(tmp_path, pool):
    result, http = run(gateway_iperf, iperf_args(server_address=None, server_pool=pool), tmp_path)
    assert_refused(result, http, "iperf server")


# ---------------------------------------------------------------- gateway_iperf_result


@pytest.mark.parametrize("serial", UNSAFE_SERIALS)
def test_gateway_iperf_result_refuses_unsafe_serial_numbers(serial):
    result, http = run(gateway_iperf_result, result_args(serial_number=serial))
    assert_refused(result, http, "serial_number")


@pytest.mark.parametrize("task_id", UNSAFE_TASK_IDS)
def test_gateway_iperf_result_refuses_unsafe_task_ids(task_id):
    result, http = run(gateway_iperf_result, result_args(task_id=task_id))
    assert_refused(result, http, "task_id")


LOCATION = "/network-troubleshooting/v1/gateways/%s/iperf/async-operations/%s"


@pytest.mark.parametrize("option, location", [
    ("location", ""),
    ("location", "/elsewhere/" + TASK),
    ("location", "no-slashes-at-all"),
    ("serial_number", LOCATION % ("CN%2F1", TASK)),
    ("serial_number", LOCATION % ("..", TASK)),
    ("serial_number", LOCATION % ("CN 1", TASK)),
    ("serial_number", LOCATION % ("CNé1", TASK)),
    ("task id", LOCATION % ("CNF7G9K001", "not-a-uuid")),
    ("task id", LOCATION % ("CNF7G9K001", TASK + "%2F..")),
    ("task id", LOCATION % ("CNF7G9K001", "..")),
    ("location", LOCATION % ("CNF7G9K001", TASK + "/../../admin")),
])
def test_gateway_iperf_result_refuses_bad_locations(option, location):
    result, http = run(gateway_iperf_result, result_args(serial_number=None, task_id=None, location=location))
    assert_refused(result, http, option if option != "location" else "location")


@pytest.mark.parametrize("suffix", ["?next=/admin", "#fragment", "?", "/"])
def test_a_location_query_or_fragment_never_reaches_the_url(suffix):
    """Only the validated serial and task id of a location are used; the rest is dropped, never sent."""
    not_found = reply(404, json={"errorCode": "HPE_GL_ERROR_NOT_FOUND", "message": "Async operation task not found"})
    http = HttpMock([("GET", r"^%s/network-troubleshooting/v1/gateways/CNF7G9K001/iperf/async-operations/%s$"
                      % (BASE, TASK), not_found)])
    args = {"base_url": BASE, "access_token": SECRET, "location": LOCATION % ("CNF7G9K001", TASK) + suffix}
    result = run_module(gateway_iperf_result, args, http=http, clock=FakeClock())
    http.assert_done()
    assert result["error_type"] == "task_not_found"
    assert http.requests[0].params is None


RESULT_CASES = [
    ("serial_number", {"serial_number": None}),
    ("task_id", {"task_id": None}),
    ("task_id", {"location": LOCATION % ("CNF7G9K001", TASK)}),
    ("serial_number", {"serial_number": "CNF7G9K002", "task_id": None, "location": LOCATION % ("CNF7G9K001", TASK)}),
    ("wait_timeout", {"wait_timeout": 0}),
    ("wait_timeout", {"wait_timeout": -1}),
    ("wait_timeout", {"wait_timeout": "later"}),
    ("wait", {"wait": "maybe"}),
]


@pytest.mark.parametrize("option, extra", RESULT_CASES)
def test_gateway_iperf_result_refuses_bad_options(option, extra):
    result, http = run(gateway_iperf_result, result_args(**extra))
    assert_refused(result, http, option)


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_gateway_iperf_result_refuses_non_finite_wait_timeout(value):
    result, http = run(gateway_iperf_result, result_args(wait_timeout=value))
    assert_refused(result, http, "wait_timeout")


# ---------------------------------------------------------------- gateway_info

INFO_CASES = [
    ("limit", {"limit": 0}),
    ("limit", {"limit": -1}),
    ("limit", {"limit": 101}),
    ("limit", {"limit": "all"}),
    ("status", {"status": "Sleeping"}),
    ("status", {"status": ""}),
    ("site", {"site": ["HQ-Berlin", ""]}),
    ("site", {"site": ["HQ\nBerlin"]}),
    ("model", {"model": ["  "]}),
    ("model", {"model": ["A9004\x00"]}),
    ("serial_numbers", {"serial_numbers": ["CNF7G9K%03d" % number for number in range(1, 25)]}),
    ("serial_numbers", {"serial_numbers": [""]}),
    ("filter", {"filter": "x" * 300}),
]


@pytest.mark.parametrize("option, extra", INFO_CASES)
def test_gateway_info_refuses_bad_options(option, extra):
    result, http = run(gateway_info, info_args(**extra))
    # the filter length message speaks of "the gateway filter": accept it for the options that build the filter
    assert_refused(result, http, option if option != "serial_numbers" or extra["serial_numbers"] == [""] else "filter")

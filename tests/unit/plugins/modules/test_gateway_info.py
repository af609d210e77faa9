# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""gateway_info end to end through its main(), with Central's HTTP answers scripted."""

import pytest

from ansible.module_utils import basic
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.module_args import patch_module_args

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central import _args as _central_args
from ansible_collections.aruba_central.troubleshooting.plugins.modules import gateway_info

from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import HttpMock, error_reply, reply
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.module_input import (
    CONNECTION_CASES,
    SECRET,
    assert_refused,
    run_without_central,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.module_runner import run_module

BASE = "https://central.example"
LIST = r"^https://central\.example/network-monitoring/v1/gateways$"
TOKEN = r"^https://sso\.example/as/token\.oauth2$"


class AnsibleExitJson(Exception):
    pass


class AnsibleFailJson(Exception):
    pass


@pytest.fixture
def http(monkeypatch):
    """The scripted Central; every test must make exactly the requests it scripted."""
    mock = HttpMock()
    for name in ("CENTRAL_BASE_URL", "CENTRAL_CLIENT_ID", "CENTRAL_CLIENT_SECRET", "CENTRAL_ACCESS_TOKEN",
                 "CENTRAL_TOKEN_URL", "CENTRAL_API_VERSION", "CENTRAL_VALIDATE_CERTS", "CENTRAL_CA_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CENTRAL_TOKEN_CACHE", "false")
    monkeypatch.setattr(gateway_info, "client_from_params",
                        lambda params: _central_args.client_from_params(params, session=mock))

    def exit_json(_module, **kwargs):
        raise AnsibleExitJson(kwargs)

    def fail_json(_module, msg, **kwargs):
        kwargs["msg"] = msg
        raise AnsibleFailJson(kwargs)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    yield mock
    mock.assert_done()


def run(args, outcome=AnsibleExitJson):
    with patch_module_args(args):
        with pytest.raises(outcome) as info:
            gateway_info.main()
    return info.value.args[0]


def item(serial, site="HQ-Berlin", status="Online", **extra):
    body = {"serialNumber": serial, "deviceName": serial.lower(), "siteName": site, "status": status,
            "model": "A9004", "mode": "Standalone"}
    body.update(extra)
    return body


def listing(items, next_cursor=None):
    return reply(200, json={"items": items, "count": len(items), "total": None, "next": next_cursor})


def test_lists_every_page_with_the_filter_built_from_the_options(http):
    http.expect("GET", LIST, listing([item("CNF7G9K001"), item("CNF7G9K002", site="Branch-Lyon")], next_cursor="2"))
    http.expect("GET", LIST, listing([item("CNF7G9K003", site="Branch-Lyon")]))
    result = run({"base_url": BASE, "access_token": "tok-123", "site": ["HQ-Berlin", "Branch-Lyon"],
                  "status": "Online", "limit": 2})
    wanted_filter = "siteName in ('HQ-Berlin', 'Branch-Lyon') and status eq 'Online'"
    assert result["changed"] is False
    assert result["total"] == 3
    assert result["api_filter"] == wanted_filter
    assert [gw["serial_number"] for gw in result["gateways"]] == ["CNF7G9K001", "CNF7G9K002", "CNF7G9K003"]
    assert result["gateways"][1]["site_name"] == "Branch-Lyon"
    assert result["gateways"][0]["deployment"] == "Standalone"
    assert [request.params for request in http.requests] == [
        {"limit": 2, "filter": wanted_filter}, {"limit": 2, "filter": wanted_filter, "next": "2"}]
    assert http.requests[0].headers["Authorization"] == "Bearer tok-123"


def test_check_mode_lists_the_same_and_changes_nothing(http):
    http.expect("GET", LIST, listing([item("CNF7G9K001")]))
    result = run({"base_url": BASE, "access_token": "tok-123", "_ansible_check_mode": True})
    assert result["changed"] is False
    assert result["total"] == 1
    assert result["api_filter"] is None
    assert "filter" not in http.requests[0].params


def test_v1alpha1_path_status_spelling_and_fields(http):
    http.expect("GET", r"/network-monitoring/v1alpha1/gateways$", listing([
        {"serialNumber": "CNF7G9K012", "deviceName": "austin-gw-02", "status": "OFFLINE", "softwareVersion": "10.6",
         "ipv4": "10.40.0.12", "deployment": "Standalone", "partNumber": "R1B21A"}]))
    result = run({"base_url": BASE, "access_token": "tok-123", "api_version": "v1alpha1", "status": "Offline"})
    assert http.requests[0].params["filter"] == "status eq 'OFFLINE'"
    gateway = result["gateways"][0]
    assert (gateway["status"], gateway["firmware_version"], gateway["ip_address"], gateway["part_number"]) == (
        "Offline", "10.6", "10.40.0.12", "R1B21A")


def test_raw_filter_serials_and_models_are_joined_with_and(http):
    http.expect("GET", LIST, listing([item("CNF7G9K001")]))
    run({"base_url": BASE, "access_token": "tok-123", "serial_numbers": ["CNF7G9K001"], "model": ["A9004", "A9012"],
         "filter": "clusterName eq 'berlin-cl'"})
    assert http.requests[0].params["filter"] == (
        "model in ('A9004', 'A9012') and serialNumber eq 'CNF7G9K001' and clusterName eq 'berlin-cl'")


def test_connection_options_come_from_the_environment(http, monkeypatch):
    monkeypatch.setenv("CENTRAL_BASE_URL", "https://env-central.example")
    monkeypatch.setenv("CENTRAL_ACCESS_TOKEN", "tok-env")
    http.expect("GET", r"^https://env-central\.example/network-monitoring/v1/gateways$", listing([]))
    result = run({})
    assert result["gateways"] == []
    assert result["total"] == 0
    assert http.requests[0].headers["Authorization"] == "Bearer tok-env"


def test_refused_credentials_fail_with_error_type_auth_and_no_secret(http):
    http.expect("POST", TOKEN, reply(401, json={"error": "invalid_client", "error_description": "Bad client secret"}))
    result = run({"base_url": BASE, "token_url": "https://sso.example/as/token.oauth2", "client_id": "my-client",
                  "client_secret": "s3cr3t-value"}, AnsibleFailJson)
    assert result["error_type"] == "auth"
    assert result["api_error"]["status"] == 401
    assert "\n" not in result["msg"]
    assert "client_id/client_secret" in result["msg"]
    assert "s3cr3t-value" not in repr(result)
    assert "gateways" not in result


def test_forbidden_listing_fails_with_the_api_error(http):
    http.expect("GET", LIST, error_reply(403, "HPE_GL_ERROR_FORBIDDEN", "Access denied"))
    result = run({"base_url": BASE, "access_token": "tok-123", "site": "HQ-Berlin"}, AnsibleFailJson)
    assert result["error_type"] == "forbidden"
    assert result["api_filter"] == "siteName eq 'HQ-Berlin'"
    assert "HTTP 403 HPE_GL_ERROR_FORBIDDEN: Access denied" in result["msg"]


def test_an_answer_without_items_is_an_api_error(http):
    http.expect("GET", LIST, reply(200, json={"gateways": []}))
    result = run({"base_url": BASE, "access_token": "tok-123"}, AnsibleFailJson)
    assert result["error_type"] == "api_error"
    assert "no list of gateway objects under 'items'" in result["msg"]


@pytest.mark.parametrize("args, message", [
    ({"limit": 0}, "limit must be from 1 to 100 gateways per page, got 0"),
    ({"limit": 101}, "limit must be from 1 to 100 gateways per page, got 101"),
    ({"serial_numbers": ["CNF7G9K%03d" % number for number in range(1, 25)]}, "Central accepts at most 256"),
    ({"site": ["HQ-Berlin", ""]}, "Empty site in the gateway filter"),
    ({"status": "Sleeping"}, "value of status must be one of: Online, Offline, got: Sleeping"),
])
def test_bad_input_fails_before_any_request(http, args, message):
    args.update(base_url=BASE, access_token="tok-123")
    result = run(args, AnsibleFailJson)
    assert message in result["msg"]
    assert "\n" not in result["msg"]
    assert http.requests == []


def test_missing_base_url_says_how_to_set_it(http):
    result = run({"access_token": "tok-123"}, AnsibleFailJson)
    assert "base_url" in result["msg"]
    assert http.requests == []


# ---------------------------------------------------------------- bad input, run as Ansible runs the module


def info_args(**extra):
    values = {"base_url": BASE, "access_token": SECRET}
    values.update(extra)
    return values


@pytest.mark.parametrize("option, extra", CONNECTION_CASES)
def test_bad_connection_options_fail_before_any_request(option, extra):
    result, http = run_without_central(gateway_info, info_args(**extra))
    assert_refused(result, http, option)
    assert SECRET not in result["msg"]


def test_request_timeout_zero_is_refused():
    result, http = run_without_central(gateway_info, info_args(request_timeout=0))
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
    result, http = run_without_central(gateway_info, info_args(**extra))
    # the filter length message speaks of "the gateway filter": accept it for the options that build the filter
    assert_refused(result, http, option if option != "serial_numbers" or extra["serial_numbers"] == [""] else "filter")

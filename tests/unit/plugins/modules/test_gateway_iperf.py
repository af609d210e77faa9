# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""gateway_iperf in-process: input checks before any request, check mode, and the answer it gives."""

import os

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.modules import gateway_iperf
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import HttpMock, error_reply, reply
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.module_input import (
    CONNECTION_CASES,
    SECRET,
    UNSAFE_SERIALS,
    assert_refused,
    run_without_central,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.module_runner import run_module

SERIAL = "CNF7G9K001"
TASK = "8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f"
OTHER_TASK = "0d6f5b1c-9c1e-4a57-9a43-3b6d1e0b7f11"
BASE = "https://central.example"
START_PATH = r"/network-troubleshooting/v1/gateways/CNF7G9K001/iperf$"
GATEWAYS_PATH = r"/network-monitoring/v1/gateways$"
POOL = ["127.0.0.1:15201", "127.0.0.1:15202", "127.0.0.1:15203"]
RUNNING = {"status": "RUNNING", "progressPercent": 0, "startTime": "2025-05-20T14:02:29Z", "endTime": None,
           "output": None, "rawOutput": None}
BUSY = dict(RUNNING, status="COMPLETED", progressPercent=100, endTime="2025-05-20T14:02:41Z",
            rawOutput="iperf3: error - the server is busy running a test. try again later\n",
            failReason="iperf3: error - the server is busy running a test. try again later")


@pytest.fixture(name="lease_dir")
def lease_directory(tmp_path):
    return str(tmp_path / "leases")


def accepted(task_id):
    return reply(202, json={"location": "/network-troubleshooting/v1/gateways/%s/iperf/async-operations/%s"
                            % (SERIAL, task_id), "status": "INITIATED", "startTime": "2025-05-20T14:02:29Z"})


def args(lease_dir, **extra):
    values = {"base_url": BASE, "access_token": "tok-static", "serial_number": SERIAL, "server_pool": POOL,
              "lease_dir": lease_dir}
    values.update(extra)
    return {key: value for key, value in values.items() if value is not None}


def run(http, lease_dir, clock=None, check_mode=False, **extra):
    result = run_module(gateway_iperf, args(lease_dir, **extra), http=http, clock=clock or FakeClock(),
                        check_mode=check_mode)
    http.assert_done()
    return result


# ---------------------------------------------------------------- input checks, before any request


@pytest.mark.parametrize("extra, message", [
    ({"duration": 9}, "duration must be a whole number from 10 to 120 seconds, got 9"),
    ({"duration": 121}, "duration must be a whole number from 10 to 120"),
    ({"parallel": 0}, "parallel must be a whole number from 1 to 128 streams, got 0"),
    ({"parallel": 129}, "parallel must be a whole number from 1 to 128"),
    ({"omit": -1}, "omit must be a whole number from 0 to 60 seconds (0 = not sent"),
    ({"omit": 61}, "omit must be a whole number from 0 to 60"),
    ({"port": 0}, "port must be a whole number from 1 to 65535, got 0"),
    ({"port": 65536, "server_pool": None, "server_address": "127.0.0.1"}, "port must be a whole number from 1 to 65535"),
    ({"busy_retries": -1}, "busy_retries must be a whole number from 0 to 10"),
    ({"busy_retries": 11}, "busy_retries must be a whole number from 0 to 10"),
    ({"wait_timeout": 0}, "wait_timeout must be more than 0"),
    ({"wait_timeout": -5}, "wait_timeout must be more than 0"),
    ({"server_wait_timeout": -1}, "server_wait_timeout must be 0 or more"),
    ({"vlan_interface": "4095"}, "vlan_interface '4095' is not a VLAN id: use 1 to 4094"),
    ({"vlan_interface": "vlan 152"}, "vlan_interface must be a VLAN id or interface name"),
    ({"server_pool": None, "server_address": "127.0.0.1:5201"}, "give the host only"),
    ({"server_pool": None, "server_address": "not_a_host"}, "neither an IP address nor a valid host name"),
    ({"server_pool": ["127.0.0.1:15201", "bad_host"]}, "Invalid iperf server endpoint 'bad_host'"),
    ({"server_pool": ["127.0.0.1:99999"]}, "port 99999 is outside 1..65535"),
    ({"server_pool": ["127.0.0.1", "127.0.0.1:5201"]}, "lists 127.0.0.1:5201 twice"),
    ({"server_pool": []}, "The iperf server pool is empty"),
    ({"server_address": "127.0.0.1"}, "parameters are mutually exclusive: server_address|server_pool"),
    ({"server_pool": None}, "one of the following is required: server_address, server_pool"),
    ({"serial_number": "CN F7G9K001"}, "serial number 'CN F7G9K001' is not valid"),
    ({"protocol": "icmp"}, "value of protocol must be one of: tcp, udp"),
    ({"client_id": "id", "client_secret": "secret"}, "mutually exclusive: access_token|client_id"),
    ({"duration": "ten"}, "duration"),
])
def test_bad_input_fails_before_any_request(lease_dir, extra, message):
    http = HttpMock()
    result = run(http, lease_dir, **extra)
    assert result["failed"] is True
    assert message in result["msg"]
    assert "\n" not in result["msg"]
    assert http.requests == []
    assert result.get("changed", False) is False
    assert not os.path.exists(lease_dir), "no lease is taken for bad input"


def iperf_args(**extra):
    values = {"base_url": BASE, "access_token": SECRET, "serial_number": "CNF7G9K001", "server_address": "127.0.0.1"}
    values.update(extra)
    return values


def refuse(lease_dir, **extra):
    """Run gateway_iperf with bad input against a Central that expects no request: (result, http), nothing leased."""
    values = iperf_args(**extra)
    values.setdefault("lease_dir", lease_dir)
    result, http = run_without_central(gateway_iperf, values)
    assert not os.path.exists(values["lease_dir"]), "no iperf server is leased for bad input"
    return result, http


@pytest.mark.parametrize("option, extra", CONNECTION_CASES)
def test_bad_connection_options_fail_before_any_request(lease_dir, option, extra):
    result, http = refuse(lease_dir, **extra)
    assert_refused(result, http, option)
    assert SECRET not in result["msg"]


def test_request_timeout_zero_is_refused(lease_dir):
    result, http = refuse(lease_dir, request_timeout=0)
    assert_refused(result, http, "request_timeout")


@pytest.mark.parametrize("serial", UNSAFE_SERIALS)
def test_gateway_iperf_refuses_unsafe_serial_numbers(lease_dir, serial):
    result, http = refuse(lease_dir, serial_number=serial)
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
def test_gateway_iperf_refuses_bad_options(lease_dir, option, extra):
    result, http = refuse(lease_dir, **extra)
    assert_refused(result, http, option)


# Server addresses that are neither host names nor IP addresses: refused before any request. The messages name
# the bad value ("Invalid iperf server endpoint '256.1.1.1'") but not the option it came from.
BAD_SERVERS = ["", "   ", "256.1.1.1", "1.2.3", "10.0.0.1.", "exa mple.com", "-bad.example", "bad-.example",
               "a..b.example", "bad_host", "example.com/path", "http://iperf.example", "iperf.example?x", "iperf#1",
               "iperf%2Fexample", "iperf\nexample", "ipérf.example", "[::1", "[not-ipv6]", "::1::2", "x" * 254,
               "1.2.3.4;rm -rf /"]


@pytest.mark.parametrize("address", BAD_SERVERS)
def test_gateway_iperf_refuses_bad_server_addresses(lease_dir, address):
    result, http = refuse(lease_dir, server_address=address)
    assert_refused(result, http, "iperf server")


@pytest.mark.parametrize("address", ["256.1.1.1", "exa mple.com"])
def test_gateway_iperf_bad_server_address_message_names_the_option(lease_dir, address):
    result, http = refuse(lease_dir, server_address=address)
    assert_refused(result, http, "server_address")


@pytest.mark.parametrize("pool", [["127.0.0.1", "bad_host"], ["127.0.0.1:0"], ["127.0.0.1:99999"], ["127.0.0.1:http"],
                                  ["127.0.0.1", "127.0.0.1:5201"], [""], ["[::1]:5201", "::1"], ["iperf/../x:5201"],
                                  "not a list of hosts"])
def test_gateway_iperf_refuses_bad_server_pools(lease_dir, pool):
    result, http = refuse(lease_dir, server_address=None, server_pool=pool)
    assert_refused(result, http, "iperf server")


# ---------------------------------------------------------------- check mode


def gateway_list(status):
    return reply(200, json={"items": [{"serialNumber": SERIAL, "status": status, "deviceName": "berlin-gw-01"}],
                            "count": 1, "total": 1, "next": None})


def test_check_mode_looks_the_gateway_up_and_starts_nothing(lease_dir):
    http = HttpMock([("GET", GATEWAYS_PATH, gateway_list("Online"))])
    result = run(http, lease_dir, check_mode=True, include_reverse=True, duration=20)
    assert result["failed"] is False
    assert result["changed"] is False
    assert result["msg"] == ("would run a 20-second TCP iperf test in both directions with 1 stream(s) against one "
                             "free endpoint of a pool of 3 on gateway CNF7G9K001")
    assert result["gateway"]["serial_number"] == SERIAL
    assert [r.method for r in http.requests] == ["GET"]
    assert "ansible_facts" not in result and "task_id" not in result
    assert not os.path.exists(lease_dir)


def test_check_mode_authenticates_with_client_credentials(lease_dir):
    http = HttpMock([
        ("POST", r"/as/token\.oauth2$", reply(200, json={"access_token": "minted", "token_type": "Bearer",
                                                         "expires_in": 7200})),
        ("GET", GATEWAYS_PATH, gateway_list("Online")),
    ])
    result = run(http, lease_dir, check_mode=True, access_token=None, client_id="id", client_secret="secret",
                 server_pool=None, server_address="iperf.example.net")
    assert result["failed"] is False
    assert result["msg"].endswith("against iperf.example.net:5201 on gateway CNF7G9K001")
    assert http.requests[1].headers["Authorization"] == "Bearer minted"


def test_check_mode_fails_for_an_offline_gateway(lease_dir):
    http = HttpMock([("GET", GATEWAYS_PATH, gateway_list("Offline"))])
    result = run(http, lease_dir, check_mode=True)
    assert result["failed"] is True
    assert result["error_type"] == "device_offline"
    assert "CNF7G9K001 is offline" in result["msg"]


def test_check_mode_reports_rejected_credentials(lease_dir):
    http = HttpMock([("GET", GATEWAYS_PATH, error_reply(401, "HPE_GL_ERROR_UNAUTHORIZED", "Authentication required."))])
    result = run(http, lease_dir, check_mode=True)
    assert result["failed"] is True
    assert result["error_type"] == "auth"
    assert result["api_error"]["status"] == 401


# ---------------------------------------------------------------- runs


def test_a_run_returns_facts_task_and_endpoint(lease_dir, seed):
    http = HttpMock([("POST", START_PATH, accepted(TASK)), ("GET", TASK + "$", reply(200, json=seed))])
    result = run(http, lease_dir, server_pool=None, server_address="10.0.0.5", port=5202, omit=2, vlan_interface="152")
    assert result["failed"] is False
    assert result["changed"] is True
    assert (result["task_id"], result["status"], result["server"]) == (TASK, "COMPLETED", "10.0.0.5:5202")
    assert result["location"].endswith(TASK)
    assert result["attempts"] == [{"endpoint": "10.0.0.5:5202", "task_id": TASK, "outcome": "succeeded"}]
    facts = result["ansible_facts"]["gateway_iperf"]
    assert facts["succeeded"] is True and facts["upload"]["sender"]["retransmits"] == 239
    assert http.requests[0].json == {"iperfServerAddress": "10.0.0.5", "port": 5202, "duration": 10, "parallel": 1,
                                     "omit": 2, "includeReverse": False, "vlanInterface": "152", "protocol": "tcp",
                                     "includeRawOutput": True}
    assert result["msg"].startswith("10-second TCP iperf test")


def test_busy_every_time_fails_as_server_busy_with_the_facts(lease_dir):
    http = HttpMock([("POST", START_PATH, accepted(TASK)), ("GET", TASK + "$", reply(200, json=BUSY)),
                     ("POST", START_PATH, accepted(OTHER_TASK)), ("GET", OTHER_TASK + "$", reply(200, json=BUSY))])
    result = run(http, lease_dir, busy_retries=1)
    assert result["failed"] is True
    assert result["changed"] is True
    assert result["error_type"] == "server_busy"
    assert [a["outcome"] for a in result["attempts"]] == ["server_busy", "server_busy"]
    assert result["attempts"][0]["endpoint"] != result["attempts"][1]["endpoint"]
    assert result["ansible_facts"]["gateway_iperf"]["succeeded"] is False
    assert result["ansible_facts"]["gateway_iperf"]["error_type"] == "server_busy"
    assert result["task_id"] == OTHER_TASK


def test_offline_gateway_fails_as_device_offline_and_changes_nothing(lease_dir):
    http = HttpMock([("POST", START_PATH, error_reply(409, "HPE_GL_ERROR_CONFLICT", "Device offline: CNF7G9K001"))])
    result = run(http, lease_dir)
    assert result["failed"] is True
    assert result["changed"] is False
    assert result["error_type"] == "device_offline"
    assert result["api_error"]["error_code"] == "HPE_GL_ERROR_CONFLICT"
    assert "ansible_facts" not in result and "task_id" not in result


@pytest.mark.parametrize("extra, default_timeout", [
    ({}, 118.0),
    ({"duration": 20, "include_reverse": True}, 148.0),
])
def test_default_wait_timeout_follows_duration_and_direction(lease_dir, extra, default_timeout):
    http = HttpMock([("POST", START_PATH, accepted(TASK))]).expect("GET", TASK + "$", reply(200, json=RUNNING), times=300)
    clock = FakeClock()
    result = run_module(gateway_iperf, args(lease_dir, **extra), http=http, clock=clock)
    assert http.failures == []
    assert result["failed"] is True
    assert result["error_type"] == "timeout"
    assert result["status"] == "RUNNING"
    assert default_timeout <= clock.monotonic() - 1000.0 < default_timeout + 5


def test_without_wait_returns_the_task_to_collect_later(lease_dir):
    http = HttpMock([("POST", START_PATH, accepted(TASK))])
    result = run(http, lease_dir, wait=False)
    assert result["failed"] is False
    assert result["changed"] is True
    assert result["status"] == "INITIATED"
    assert result["attempts"][0]["outcome"] == "started"
    assert result["server"] in POOL
    assert result["ansible_facts"]["gateway_iperf"]["succeeded"] is False

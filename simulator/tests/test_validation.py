# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every bad iperf request is a 400 naming the field; unknown and offline gateways get Central's codes."""

import pytest

from central_sim.validation import validate_iperf_request

GOOD = {"iperfServerAddress": "127.0.0.1"}


@pytest.mark.parametrize("change, message", [
    ({"iperfServerAddress": None}, "iperfServerAddress is required"),
    ({"iperfServerAddress": 5}, "iperfServerAddress must be a string"),
    ({"iperfServerAddress": "  "}, "iperfServerAddress must not be empty"),
    ({"port": 0}, "port must be between 1 and 65535"),
    ({"port": 65536}, "port must be between 1 and 65535"),
    ({"port": "5201"}, "port must be an integer"),
    ({"duration": 9}, "duration must be between 10 and 120"),
    ({"duration": 121}, "duration must be between 10 and 120"),
    ({"duration": 10.5}, "duration must be an integer"),
    ({"parallel": 0}, "parallel must be between 1 and 128"),
    ({"parallel": 129}, "parallel must be between 1 and 128"),
    ({"omit": 0}, "omit must be between 1 and 60"),
    ({"omit": 61}, "omit must be between 1 and 60"),
    ({"omit": True}, "omit must be an integer"),
    ({"includeReverse": "yes"}, "includeReverse must be a boolean"),
    ({"includeRawOutput": 1}, "includeRawOutput must be a boolean"),
    ({"vlanInterface": 152}, "vlanInterface must be a string"),
    ({"protocol": "icmp"}, "protocol must be one of tcp, udp"),
    ({"protocol": 6}, "protocol must be a string"),
    ({"bandwidth": 100}, "unknown field: bandwidth"),
])
def test_each_bad_field_is_named(sim, change, message):
    body = {key: value for key, value in dict(GOOD, **change).items() if value is not None}
    for version, code in (("v1", "HPE_GL_ERROR_BAD_REQUEST"), ("v1alpha1", "HPE_GRAVITY_BAD_REQUEST")):
        response = sim.post("/network-troubleshooting/%s/gateways/CNTEST0001/iperf" % version, json=body)
        assert response.status_code == 400
        assert response.json() == {"errorCode": code, "message": "Validation errors - " + message}


def test_several_problems_are_reported_together(sim):
    response = sim.post("/network-troubleshooting/v1/gateways/CNTEST0001/iperf",
                        json={"iperfServerAddress": "127.0.0.1", "duration": 5, "port": 0})
    assert response.json()["message"] == ("Validation errors - port must be between 1 and 65535, "
                                          "duration must be between 10 and 120")


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b""])
def test_body_must_be_a_json_object(sim, raw):
    response = sim.post("/network-troubleshooting/v1/gateways/CNTEST0001/iperf", data=raw,
                        headers=dict(sim.headers(), **{"Content-Type": "application/json"}))
    assert response.status_code == 400
    assert response.json()["message"].startswith("Validation errors - request body must be")


def test_protocol_is_case_insensitive_and_defaults_fill_in():
    request, problem = validate_iperf_request({"iperfServerAddress": " 10.0.0.5 ", "protocol": "UDP"})
    assert problem is None
    assert (request.server_address, request.protocol, request.port, request.duration, request.parallel,
            request.omit, request.include_reverse, request.include_raw_output) == (
        "10.0.0.5", "udp", 5201, 10, 1, 0, False, False)


@pytest.mark.parametrize("version, status, code, serial, message", [
    ("v1", 404, "HPE_GL_ERROR_NOT_FOUND", "CNNOPE0000", "Device not found: CNNOPE0000"),
    ("v1alpha1", 404, "HPE_GRAVITY_DEVICE_NOT_FOUND", "CNNOPE0000", "Device not found: CNNOPE0000"),
    ("v1", 409, "HPE_GL_ERROR_CONFLICT", "CNTEST0004", "Device offline: CNTEST0004"),
    ("v1alpha1", 409, "HPE_GRAVITY_DEVICE_OFFLINE", "CNTEST0004", "Device offline: CNTEST0004"),
])
def test_unknown_and_offline_gateways(sim, version, status, code, serial, message):
    response = sim.post("/network-troubleshooting/%s/gateways/%s/iperf" % (version, serial), json=GOOD)
    assert response.status_code == status
    assert response.json() == {"errorCode": code, "message": message}


def test_validation_comes_before_the_device_lookup(sim):
    response = sim.post("/network-troubleshooting/v1/gateways/CNNOPE0000/iperf", json={"duration": 10})
    assert response.status_code == 400

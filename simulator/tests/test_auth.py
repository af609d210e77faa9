# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The token endpoint and bearer tokens on every API route, with each API version's 401 code."""

import pytest
import requests

ROUTES = [
    ("get", "/network-monitoring/v1/gateways", "HPE_GL_ERROR_UNAUTHORIZED"),
    ("get", "/network-monitoring/v1alpha1/gateways", "HPE_GL_ERROR_UNAUTHORIZED"),
    ("post", "/network-troubleshooting/v1/gateways/CNTEST0001/iperf", "HPE_GL_ERROR_UNAUTHORIZED"),
    ("post", "/network-troubleshooting/v1alpha1/gateways/CNTEST0001/iperf", "HPE_GRAVITY_UNAUTHORIZED"),
    ("get", "/network-troubleshooting/v1/gateways/CNTEST0001/list-tasks", "HPE_GL_ERROR_UNAUTHORIZED"),
    ("get", "/network-troubleshooting/v1alpha1/gateways/CNTEST0001/iperf/async-operations/"
            "c7a3f2d1-e8a9-4b7c-8d1e-0f9a3b2c1d0e", "HPE_GRAVITY_UNAUTHORIZED"),
]


def test_token_from_form_body(sim):
    response = requests.post(sim.info["token_url"], data={"grant_type": "client_credentials",
                                                          "client_id": "demo-client", "client_secret": "demo-secret"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 7200 and len(body["access_token"]) >= 32


def test_token_from_http_basic_and_custom_credentials(make_sim):
    client = make_sim(client_id="awx", client_secret="s3cret", token_lifetime=900)
    response = requests.post(client.info["token_url"], data={"grant_type": "client_credentials"},
                             auth=("awx", "s3cret"))
    assert response.status_code == 200 and response.json()["expires_in"] == 900
    assert requests.post(client.info["token_url"], data={"grant_type": "client_credentials"},
                         auth=("demo-client", "demo-secret")).status_code == 401


@pytest.mark.parametrize("data, auth", [
    ({"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "wrong"}, None),
    ({"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "demo-secret"}, None),
    ({"grant_type": "client_credentials"}, None),
    ({"grant_type": "client_credentials"}, ("demo-client", "wrong")),
])
def test_bad_credentials_are_invalid_client(sim, data, auth):
    response = requests.post(sim.info["token_url"], data=data, auth=auth)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client" and response.json()["error_description"]


def test_other_grant_types_are_refused(sim):
    response = requests.post(sim.info["token_url"], data={"grant_type": "password", "client_id": "demo-client",
                                                          "client_secret": "demo-secret"})
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("method, path, code", ROUTES)
@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ="])
def test_every_api_route_needs_a_valid_bearer_token(sim, method, path, code, header):
    headers = {} if header is None else {"Authorization": header}
    response = getattr(requests, method)(sim.base_url + path, headers=headers, json={"iperfServerAddress": "x"})
    assert response.status_code == 401
    assert response.json()["errorCode"] == code
    assert response.json()["message"].startswith("Authentication required.")
    assert "X-RateLimit-Limit" in response.headers


def test_tokens_expire_after_their_lifetime(make_sim):
    client = make_sim(token_lifetime=600)
    headers = {"Authorization": "Bearer " + client.token()}
    assert client.get("/network-monitoring/v1/gateways", headers=headers).status_code == 200
    client.clock.advance(599)
    assert client.get("/network-monitoring/v1/gateways", headers=headers).status_code == 200
    client.clock.advance(2)
    expired = client.get("/network-monitoring/v1/gateways", headers=headers)
    assert expired.status_code == 401 and "expired" in expired.json()["message"]
    fresh = {"Authorization": "Bearer " + client.token()}
    assert client.get("/network-monitoring/v1/gateways", headers=fresh).status_code == 200


def test_sim_routes_need_no_token(sim):
    assert requests.get(sim.base_url + "/_sim/health").json()["status"] == "ok"
    assert requests.get(sim.base_url + "/_sim/metrics").status_code == 200


def test_unknown_paths_and_methods_get_json_errors(sim):
    missing = sim.get("/network-troubleshooting/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["errorCode"] == "HPE_GL_ERROR_NOT_FOUND"
    alpha_list = sim.get("/network-troubleshooting/v1alpha1/gateways/CNTEST0001/list-tasks")
    assert alpha_list.status_code == 404 and alpha_list.json()["errorCode"] == "HPE_GRAVITY_NOT_FOUND"
    wrong = requests.delete(sim.base_url + "/network-troubleshooting/v1/gateways/CNTEST0001/iperf")
    assert wrong.status_code == 405 and wrong.json()["errorCode"] == "HPE_GL_ERROR_METHOD_NOT_ALLOWED"

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Rate limits: X-RateLimit-* on every answer, a token bucket per client, 429 with the version's code."""

import datetime

import pytest

PATH = "/network-monitoring/v1/gateways"


def reset_time(response):
    return datetime.datetime.strptime(response.headers["X-RateLimit-Reset"], "%Y-%m-%dT%H:%M:%SZ")


def test_headers_count_down(make_sim):
    client = make_sim(rate_limit="10/60")
    remaining = []
    for _index in range(3):
        response = client.get(PATH)
        assert response.headers["X-RateLimit-Limit"] == "10"
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
        reset_time(response)
    assert remaining == [9, 8, 7]
    token = client.post("/as/token.oauth2", data={"grant_type": "client_credentials", "client_id": "demo-client",
                                                  "client_secret": "demo-secret"}, headers={})
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(token.headers)


@pytest.mark.parametrize("version, path, code", [
    ("v1", "/network-troubleshooting/v1/gateways/CNTEST0001/iperf", "HPE_GL_ERROR_TOO_MANY_REQUESTS"),
    ("v1alpha1", "/network-troubleshooting/v1alpha1/gateways/CNTEST0001/iperf", "HPE_GRAVITY_TOO_MANY_REQUESTS"),
])
def test_over_the_limit_is_429_without_retry_after_by_default(make_sim, version, path, code):
    client = make_sim(rate_limit="3/60")
    statuses = [client.post(path, json={"duration": 1}).status_code for _index in range(4)]
    assert statuses == [400, 400, 400, 429]
    response = client.post(path, json={"duration": 1})
    assert response.status_code == 429
    assert response.json() == {"errorCode": code, "message": "Rate limit exceeded."}
    assert response.headers["X-RateLimit-Remaining"] == "0" and "Retry-After" not in response.headers
    assert client.metrics()["rate_limited"] == 2


def test_bucket_refills_with_time(make_sim):
    client = make_sim(rate_limit="2/60")
    assert [client.get(PATH).status_code for _index in range(3)] == [200, 200, 429]
    client.clock.advance(30)  # one request's worth
    assert [client.get(PATH).status_code for _index in range(2)] == [200, 429]
    client.clock.advance(60)
    assert client.get(PATH).headers["X-RateLimit-Remaining"] == "1"


def test_tokens_of_one_client_share_its_bucket(make_sim):
    client = make_sim(rate_limit="2/60")
    other_token = {"Authorization": "Bearer " + client.token()}
    assert [client.get(PATH).status_code for _index in range(2)] == [200, 200]
    assert client.get(PATH, headers=other_token).status_code == 429  # same client id, same bucket


@pytest.mark.parametrize("setting, expected", [("auto", "30"), ("7", "7")])
def test_retry_after_when_configured(make_sim, setting, expected):
    client = make_sim(rate_limit="2/60", rate_limit_retry_after=setting)
    responses = [client.get(PATH) for _index in range(3)]
    assert responses[-1].status_code == 429 and responses[-1].headers["Retry-After"] == expected

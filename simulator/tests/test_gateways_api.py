# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""GET /network-monitoring/{v1,v1alpha1}/gateways: cursor paging, filters, sort, both versions' field names."""

import pytest

V1 = "/network-monitoring/v1/gateways"
ALPHA = "/network-monitoring/v1alpha1/gateways"


def pages(client, path, **params):
    items, params = [], dict(params)
    while True:
        body = client.get(path, params=params).json()
        items += body["items"]
        assert body["count"] == len(body["items"])
        if body["next"] is None:
            return items, body["total"]
        params["next"] = body["next"]


def test_cursor_paging_walks_the_whole_fleet_once(make_sim):
    client = make_sim(gateways=None, generate=45)
    first = client.get(V1).json()
    assert (first["count"], first["total"]) == (20, 45) and isinstance(first["next"], str)
    items, total = pages(client, V1, limit=7)
    assert total == 45 and len(items) == 45 and len({item["serialNumber"] for item in items}) == 45
    offline = [item for item in items if item["status"] == "Offline"]
    assert len(offline) == 2  # ~5 %
    assert len({item["siteName"] for item in items}) == 2


def test_generated_fleet_is_the_same_for_the_same_seed(make_sim):
    one = pages(make_sim(gateways=None, generate=12, seed=5), V1, limit=100)[0]
    two = pages(make_sim(gateways=None, generate=12, seed=5), V1, limit=100)[0]
    other = pages(make_sim(gateways=None, generate=12, seed=6), V1, limit=100)[0]
    key = [(i["serialNumber"], i["deviceName"], i["status"]) for i in one]
    assert key == [(i["serialNumber"], i["deviceName"], i["status"]) for i in two]
    assert key != [(i["serialNumber"], i["deviceName"], i["status"]) for i in other]


def test_v1_item_fields(sim):
    item = sim.get(V1, params={"filter": "serialNumber eq 'CNTEST0001'"}).json()["items"][0]
    assert list(item) == ["serialNumber", "macAddress", "deviceName", "cpuUtilization", "memoryUtilization", "siteId",
                          "siteName", "firmwareVersion", "ipAddress", "uptimeInMillis", "rebootReason",
                          "deviceFunction", "mode", "status", "role", "model", "clusterName", "id", "type"]
    assert (item["deviceName"], item["siteName"], item["model"], item["status"]) == (
        "gw-ber-01", "HQ-Berlin", "9004", "Online")
    assert item["type"] == "network-monitoring/gateway-monitoring" and item["id"] == "CNTEST0001"


def test_v1alpha1_item_uses_the_alpha_names(sim):
    items = sim.get(ALPHA, params={"filter": "serialNumber in ('CNTEST0001', 'CNTEST0004')"}).json()["items"]
    assert [item["status"] for item in items] == ["ONLINE", "OFFLINE"]
    item = items[0]
    for name in ("softwareVersion", "ipv4", "ipv6", "deployment", "partNumber", "lastSeenAt"):
        assert name in item
    for name in ("firmwareVersion", "ipAddress", "siteName"):
        assert name not in item


@pytest.mark.parametrize("expression, serials", [
    ("siteName eq 'Branch-Lyon'", ["CNTEST0003", "CNTEST0004"]),
    ("status eq 'Offline'", ["CNTEST0004"]),
    ("status eq 'ONLINE' and siteName in ('HQ-Berlin', 'Branch-Austin')", ["CNTEST0001", "CNTEST0002", "CNTEST0005"]),
    ("model eq '9004' and deviceName eq 'gw-lyo-02'", ["CNTEST0004"]),
    ("siteName eq 'Nowhere'", []),
])
def test_filters(sim, expression, serials):
    body = sim.get(V1, params={"filter": expression}).json()
    assert [item["serialNumber"] for item in body["items"]] == serials
    assert body["total"] == len(serials)


def test_sort(sim):
    body = sim.get(V1, params={"sort": "siteName desc,deviceName"}).json()
    assert [item["deviceName"] for item in body["items"]] == [
        "gw-ber-01", "gw-ber-02", "gw-lyo-01", "gw-lyo-02", "gw-aus-01"]  # HQ-Berlin > Branch-Lyon > Branch-Austin


@pytest.mark.parametrize("params, words", [
    ({"limit": "101"}, "limit must be an integer between 1 and 100"),
    ({"limit": "0"}, "limit must be an integer between 1 and 100"),
    ({"limit": "ten"}, "limit must be an integer between 1 and 100"),
    ({"next": "garbage!"}, "pass the 'next' value of the previous page unchanged"),
    ({"filter": "siteName eq 'HQ"}, "unterminated string"),
    ({"filter": "siteName ne 'HQ'"}, "unsupported operator 'ne'"),
    ({"filter": "color eq 'red'"}, "field 'color' cannot be filtered"),
    ({"filter": "siteName eq 'a' or siteName eq 'b'"}, "only 'and' can join conditions"),
    ({"filter": "siteName in ('a'"}, "expected ')'"),
    ({"sort": "color"}, "Invalid sort 'color'"),
])
def test_bad_queries_are_400_with_the_monitoring_error_body(sim, params, words):
    for path in (V1, ALPHA):
        response = sim.get(path, params=params)
        assert response.status_code == 400
        body = response.json()
        assert list(body) == ["httpStatusCode", "errorCode", "message", "debugId"]
        assert body["httpStatusCode"] == 400 and body["errorCode"] == "HPE_GL_NETWORK_MONITORING_INVALID_INPUT"
        assert words in body["message"] and len(body["debugId"]) == 32


def test_one_gateway_by_serial(sim):
    assert sim.get(V1 + "/CNTEST0003").json()["siteName"] == "Branch-Lyon"
    assert sim.get(ALPHA + "/CNTEST0003").json()["status"] == "ONLINE"
    missing = sim.get(V1 + "/CNNOPE0000")
    assert missing.status_code == 404 and missing.json()["errorCode"] == "HPE_GL_ERROR_NOT_FOUND"

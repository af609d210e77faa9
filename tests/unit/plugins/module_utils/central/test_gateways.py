# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Gateway list: filter building and quoting, cursor paging and its guards, normalization of v1 and v1alpha1."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._gateways import (
    MAX_FILTER_LENGTH,
    NORMALISED_FIELDS,
    GatewayQueryError,
    build_filter,
    fetch_gateways,
    list_gateways,
    normalize_gateway,
    normalize_status,
)
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.strategies import BOUNDED, JSON_SCALARS, JSON_VALUES

PATH = "/network-monitoring/v1/gateways"

V1_ITEM = {
    "serialNumber": "CNF7G9K001", "macAddress": "20:4c:03:aa:bb:01", "deviceName": "berlin-gw-01",
    "cpuUtilization": 12, "memoryUtilization": 40, "siteId": "1001", "siteName": "HQ-Berlin",
    "firmwareVersion": "10.7.1.0_91234", "ipAddress": "10.20.0.11", "uptimeInMillis": 864000000,
    "macRange": "20:4c:03:aa:bb:01-20:4c:03:aa:bb:10", "rebootReason": "power cycle",
    "deviceFunction": "Branch Gateway", "mode": "Cluster", "status": "Online", "role": "Leader",
    "model": "A9004-LTE", "clusterName": "berlin-cl", "id": "CNF7G9K001",
    "type": "network-monitoring/gateway-monitoring",
}

V1ALPHA1_ITEM = {
    "serialNumber": "CNF7G9K012", "deviceName": "austin-gw-02", "macAddress": "20:4c:03:aa:bb:0c",
    "siteId": "1003", "siteName": "Branch-Austin", "model": "A9004", "partNumber": "R1B21A",
    "softwareVersion": "10.6.0.2_90581", "ipv4": "10.40.0.12", "ipv6": "fd00::12", "deployment": "Standalone",
    "status": "OFFLINE", "lastSeenAt": "2025-05-20T13:58:01Z",
}


class FakeClient:
    """Answers GETs from a dict of pages keyed by the ``next`` cursor sent (None for the first page)."""

    def __init__(self, pages, api_version="v1"):
        self.pages = pages
        self.api_version = api_version
        self.calls = []

    def monitoring_path(self, resource):
        return "/network-monitoring/%s/%s" % (self.api_version, resource)

    def get(self, path, params=None, deadline=None):
        self.calls.append((path, dict(params or {}), deadline))
        answer = self.pages[(params or {}).get("next")]
        if isinstance(answer, Exception):
            raise answer
        return answer


def page(serials, next_cursor=None, total=None):
    items = [{"serialNumber": serial, "deviceName": serial.lower(), "status": "Online"} for serial in serials]
    body = {"items": items, "count": len(items), "next": next_cursor}
    if total is not None:
        body["total"] = total
    return body


def serials(count, start=1):
    return ["CNF7G9K%03d" % number for number in range(start, start + count)]


# ---------------------------------------------------------------- build_filter


def test_build_filter_without_values_sends_no_filter():
    assert build_filter() is None
    assert build_filter(sites=[], models=None, raw="  ") is None


def test_build_filter_one_value_uses_eq_and_several_use_in():
    assert build_filter(sites="HQ-Berlin") == "siteName eq 'HQ-Berlin'"
    assert build_filter(sites=["HQ-Berlin", "Branch-Lyon"]) == "siteName in ('HQ-Berlin', 'Branch-Lyon')"


def test_build_filter_joins_every_part_with_and_in_a_fixed_order():
    result = build_filter(serial_numbers=["CNF7G9K001", "CNF7G9K002"], models="A9004", statuses="Online",
                          sites=["HQ-Berlin"], raw="deployment eq 'Cluster'")
    assert result == ("siteName eq 'HQ-Berlin' and status eq 'Online' and model eq 'A9004' and "
                      "serialNumber in ('CNF7G9K001', 'CNF7G9K002') and deployment eq 'Cluster'")


def test_build_filter_raw_alone_is_sent_stripped():
    assert build_filter(raw="  clusterName eq 'berlin-cl' ") == "clusterName eq 'berlin-cl'"


def test_build_filter_drops_repeated_values_and_strips_blanks():
    assert build_filter(models=[" A9004 ", "A9004", "A9012"]) == "model in ('A9004', 'A9012')"


def test_build_filter_doubles_single_quotes():
    assert build_filter(sites=["O'Hare"]) == "siteName eq 'O''Hare'"


@pytest.mark.parametrize("given_status, api_version, sent", [
    ("Online", "v1", "Online"),
    ("online", "v1", "Online"),
    ("OFFLINE", "v1", "Offline"),
    ("Online", "v1alpha1", "ONLINE"),
    ("offline", "v1alpha1", "OFFLINE"),
])
def test_build_filter_status_follows_the_api_version_spelling(given_status, api_version, sent):
    assert build_filter(statuses=given_status, api_version=api_version) == "status eq '%s'" % sent


def test_build_filter_status_in_both_spellings_is_sent_once():
    assert build_filter(statuses=["Online", "ONLINE", "Offline"]) == "status in ('Online', 'Offline')"


@pytest.mark.parametrize("kwargs, expected", [
    ({"statuses": "Rebooting"}, "Invalid gateway status 'Rebooting' in the gateway filter: use Online or Offline"),
    ({"sites": ["HQ", ""]}, "Empty site in the gateway filter: remove it or give a value"),
    ({"models": "A9004\n"}, None),
    ({"serial_numbers": ["CNF7G9K001\x00"]}, "contains a control character"),
    ({"sites": [{"name": "HQ"}]}, "Invalid site {'name': 'HQ'} in the gateway filter: give a string or a list"),
    ({"models": True}, "Invalid model True"),
    ({"raw": 42}, "Invalid raw gateway filter 42: give the filter expression as a string"),
])
def test_build_filter_rejects_values_it_cannot_send(kwargs, expected):
    if expected is None:
        # A trailing newline is whitespace and stripped; it is not an error.
        assert build_filter(**kwargs) == "model eq 'A9004'"
        return
    with pytest.raises(GatewayQueryError) as info:
        build_filter(**kwargs)
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_build_filter_accepts_exactly_the_maximum_length():
    raw = "deviceName eq '%s'" % ("x" * (MAX_FILTER_LENGTH - len("deviceName eq ''")))
    assert len(raw) == MAX_FILTER_LENGTH
    assert build_filter(raw=raw) == raw


def test_build_filter_longer_than_central_accepts_is_an_error():
    with pytest.raises(GatewayQueryError) as info:
        build_filter(serial_numbers=serials(20))
    message = str(info.value)
    assert message.startswith("The gateway filter is 296 characters long but Central accepts at most 256:")
    assert "fewer values" in message


@given(st.text(alphabet=st.characters(min_codepoint=32, blacklist_categories=("Cs",)), min_size=1, max_size=60)
       .filter(lambda text: text.strip() and "\x7f" not in text))
def test_build_filter_quoting_round_trips_any_printable_value(value):
    clause = build_filter(sites=value)
    prefix = "siteName eq '"
    assert clause.startswith(prefix) and clause.endswith("'")
    body = clause[len(prefix):-1]
    # Every quote inside is doubled, so no lone quote can end the value early.
    assert "'" not in body.replace("''", "")
    assert body.replace("''", "'") == value.strip()


# ---------------------------------------------------------------- list_gateways


def test_list_gateways_single_page_sends_limit_and_filter():
    client = FakeClient({None: page(["CNF7G9K001", "CNF7G9K002"])})
    items = list_gateways(client, filter="siteName eq 'HQ-Berlin'", limit=50, deadline=123.0)
    assert [item["serialNumber"] for item in items] == ["CNF7G9K001", "CNF7G9K002"]
    assert client.calls == [(PATH, {"limit": 50, "filter": "siteName eq 'HQ-Berlin'"}, 123.0)]


def test_list_gateways_follows_next_across_pages_in_order():
    client = FakeClient({
        None: page(serials(100), next_cursor="2", total=250),
        "2": page(serials(100, 101), next_cursor="3", total=250),
        "3": page(serials(50, 201), next_cursor=None, total=250),
    })
    items = list_gateways(client)
    assert [item["serialNumber"] for item in items] == serials(250)
    assert [params for _path, params, _deadline in client.calls] == [
        {"limit": 100}, {"limit": 100, "next": "2"}, {"limit": 100, "next": "3"}]


def test_list_gateways_sends_an_integer_cursor_as_text():
    client = FakeClient({None: page(["CNF7G9K001"], next_cursor=2), "2": page(["CNF7G9K002"])})
    assert len(list_gateways(client)) == 2
    assert client.calls[1][1]["next"] == "2"


def test_list_gateways_stops_once_the_announced_total_is_read():
    # Some Central versions still send a cursor on the last page.
    client = FakeClient({None: page(serials(2), next_cursor="2", total=4), "2": page(serials(2, 3), next_cursor="3", total=4)})
    assert len(list_gateways(client)) == 4
    assert len(client.calls) == 2


def test_list_gateways_stops_on_an_empty_page():
    client = FakeClient({None: page(serials(2), next_cursor="2"), "2": page([], next_cursor="3")})
    assert len(list_gateways(client)) == 2
    assert len(client.calls) == 2


def test_list_gateways_a_cursor_sent_twice_is_an_error_not_a_loop():
    client = FakeClient({
        None: page(serials(1), next_cursor="2"),
        "2": page(serials(1, 2), next_cursor="3"),
        "3": page(serials(1, 3), next_cursor="2"),
    })
    with pytest.raises(CentralError) as info:
        list_gateways(client)
    assert info.value.error_type == "api_error"
    assert "sent the page cursor next=2 twice" in str(info.value)
    assert len(client.calls) == 3


def test_list_gateways_stops_after_the_page_limit():
    class EndlessClient(FakeClient):
        def get(self, path, params=None, deadline=None):
            self.calls.append((path, dict(params or {}), deadline))
            cursor = int((params or {}).get("next") or 1)
            return page(["CN%08d" % cursor], next_cursor=str(cursor + 1))

    client = EndlessClient({})
    with pytest.raises(CentralError) as info:
        list_gateways(client, limit=1, max_pages=5)
    assert len(client.calls) == 5
    assert str(info.value).startswith("Listing gateways stopped after 5 pages of 1 gateways")


@pytest.mark.parametrize("body", [
    {"count": 0},
    {"items": "CNF7G9K001"},
    {"items": ["CNF7G9K001"]},
    ["CNF7G9K001"],
])
def test_list_gateways_a_body_without_items_is_an_api_error(body):
    client = FakeClient({None: body})
    with pytest.raises(CentralError) as info:
        list_gateways(client)
    assert info.value.error_type == "api_error"
    assert "no list of gateway objects under 'items'" in str(info.value)
    assert "base_url" in str(info.value)


def test_list_gateways_lets_a_client_error_through():
    error = CentralError("Listing gateways failed: the token was refused", error_type="auth", status=401)
    client = FakeClient({None: page(serials(1), next_cursor="2"), "2": error})
    with pytest.raises(CentralError) as info:
        list_gateways(client)
    assert info.value is error


@pytest.mark.parametrize("limit", [0, 101, -1, True, "50"])
def test_list_gateways_rejects_a_page_size_out_of_range(limit):
    client = FakeClient({None: page([])})
    with pytest.raises(GatewayQueryError) as info:
        list_gateways(client, limit=limit)
    assert "use a number from 1 to 100" in str(info.value)
    assert client.calls == []


def test_list_gateways_uses_the_client_api_version_path():
    client = FakeClient({None: page(serials(1))}, api_version="v1alpha1")
    list_gateways(client)
    assert client.calls[0][0] == "/network-monitoring/v1alpha1/gateways"


# ---------------------------------------------------------------- normalization


def test_normalize_v1_gateway():
    assert normalize_gateway(V1_ITEM) == {
        "serial_number": "CNF7G9K001", "name": "berlin-gw-01", "mac_address": "20:4c:03:aa:bb:01",
        "site_id": "1001", "site_name": "HQ-Berlin", "model": "A9004-LTE", "part_number": None,
        "firmware_version": "10.7.1.0_91234", "ip_address": "10.20.0.11", "ipv6_address": None,
        "deployment": "Cluster", "role": "Leader", "cluster_name": "berlin-cl", "device_function": "Branch Gateway",
        "last_seen_at": None, "status": "Online",
    }


def test_normalize_v1alpha1_gateway():
    assert normalize_gateway(V1ALPHA1_ITEM) == {
        "serial_number": "CNF7G9K012", "name": "austin-gw-02", "mac_address": "20:4c:03:aa:bb:0c",
        "site_id": "1003", "site_name": "Branch-Austin", "model": "A9004", "part_number": "R1B21A",
        "firmware_version": "10.6.0.2_90581", "ip_address": "10.40.0.12", "ipv6_address": "fd00::12",
        "deployment": "Standalone", "role": None, "cluster_name": None, "device_function": None,
        "last_seen_at": "2025-05-20T13:58:01Z", "status": "Offline",
    }


def test_normalize_keeps_every_key_and_turns_empty_values_into_none():
    result = normalize_gateway({"serialNumber": "CNF7G9K003", "clusterName": "", "deviceName": None})
    assert set(result) == set(NORMALISED_FIELDS)
    assert result["serial_number"] == "CNF7G9K003"
    assert [key for key, value in result.items() if value is not None] == ["serial_number"]


def test_normalize_prefers_the_v1_field_when_both_are_sent():
    result = normalize_gateway({"serialNumber": "X1", "firmwareVersion": "10.7", "softwareVersion": "10.6",
                                "mode": "Cluster", "deployment": "Standalone"})
    assert (result["firmware_version"], result["deployment"]) == ("10.7", "Cluster")


@pytest.mark.parametrize("value, expected", [
    ("Online", "Online"), ("ONLINE", "Online"), ("online", "Online"), (" Up ", "Online"),
    ("Offline", "Offline"), ("OFFLINE", "Offline"), ("down", "Offline"),
    ("Provisioning", "Provisioning"), ("", None), (None, None),
])
def test_normalize_status(value, expected):
    assert normalize_status(value) == expected
    assert normalize_gateway({"serialNumber": "X1", "status": value})["status"] == expected


# ---------------------------------------------------------------- fetch_gateways


def test_fetch_gateways_normalizes_and_keeps_a_gateway_listed_twice_once():
    first = page(["CNF7G9K001", "CNF7G9K002"], next_cursor="2")
    second = page(["CNF7G9K002", "CNF7G9K003"])
    second["items"][1]["status"] = "OFFLINE"
    client = FakeClient({None: first, "2": second})
    gateways = fetch_gateways(client, filter="model eq 'A9004'", limit=2)
    assert [(gw["serial_number"], gw["status"]) for gw in gateways] == [
        ("CNF7G9K001", "Online"), ("CNF7G9K002", "Online"), ("CNF7G9K003", "Offline")]
    assert client.calls[0][1] == {"limit": 2, "filter": "model eq 'A9004'"}


# ---------------------------------------------------------------- any gateway item or listing


class ListingClient:
    """Answers the gateway list with one page of ``items``."""

    api_version = "v1"

    def __init__(self, items):
        self.items = items

    @staticmethod
    def monitoring_path(*parts):
        return "/network-monitoring/v1/" + "/".join(parts)

    def get(self, path, params=None, deadline=None):  # pylint: disable=unused-argument
        return {"items": self.items, "count": len(self.items), "next": None}


GATEWAY_ITEMS = st.lists(st.dictionaries(st.sampled_from(["serialNumber", "deviceName", "siteName", "status", "model",
                                                          "ipAddress", "serial_number", "name"]),
                                         JSON_SCALARS, max_size=6), max_size=5)


@BOUNDED
@given(GATEWAY_ITEMS)
def test_any_gateway_item_normalizes_to_every_field(items):
    for item in items:
        gateway = normalize_gateway(item)
        assert set(gateway) == set(NORMALISED_FIELDS)


@BOUNDED
@given(st.lists(st.dictionaries(st.sampled_from(["serialNumber", "deviceName", "status"]), JSON_VALUES, max_size=3),
                max_size=4))
@example([{"serialNumber": ["CN1"]}])
def test_any_gateway_listing_is_read_without_crashing(items):
    gateways = fetch_gateways(ListingClient(items))
    assert all(set(gateway) == set(NORMALISED_FIELDS) for gateway in gateways)

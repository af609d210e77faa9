# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The gateways inventory plugin, loaded the way ansible-inventory loads it, with Central's answers scripted."""

import json
import os
import sys

import pytest

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader, inventory_loader
from ansible.utils.collection_loader._collection_config import AnsibleCollectionConfig

from ansible_collections.aruba_central.troubleshooting.plugins.inventory import gateways as gateways_plugin
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central import _args as _central_args
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._gateways import NORMALISED_FIELDS
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.assertions import names_option
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import HttpMock, error_reply, reply

NAME = "aruba_central.troubleshooting.gateways"
LIST = r"^https://central\.example/network-monitoring/v1/gateways$"
TOKEN = r"^https://sso\.example/as/token\.oauth2$"
SECRET = "s3cr3t-client-value"
TOKEN_VALUE = "tok-9f8e7d6c5b4a"
ENV_NAMES = ("CENTRAL_BASE_URL", "CENTRAL_CLIENT_ID", "CENTRAL_CLIENT_SECRET", "CENTRAL_ACCESS_TOKEN",
             "CENTRAL_TOKEN_URL", "CENTRAL_API_VERSION", "CENTRAL_VALIDATE_CERTS", "CENTRAL_CA_PATH")


def _collections_root():
    # .../<root>/ansible_collections/aruba_central/troubleshooting/plugins/inventory/gateways.py
    return os.path.abspath(os.path.join(os.path.dirname(gateways_plugin.__file__), *[os.pardir] * 5))


@pytest.fixture(scope="module", autouse=True)
def collection_loader():
    """Let Ansible's plugin loader find the collection, as ansible-inventory does.

    ``ansible-test units`` installs Ansible's collection finder before any test runs. A plain ``pytest`` run imports
    the collection as ordinary namespace packages instead, which carry no collection metadata; those package
    entries are dropped so the finder loads them again. Modules already imported stay the same objects.
    """
    if AnsibleCollectionConfig.collection_finder is None:
        for name in [name for name in sys.modules if name == "ansible_collections" or name.startswith("ansible_collections.")]:
            if getattr(sys.modules[name], "__file__", None) is None:
                del sys.modules[name]
        init_plugin_loader([_collections_root()])
    assert inventory_loader.get(NAME) is not None, "the collection is not on the collections path"


@pytest.fixture
def http(monkeypatch):
    """Scripted Central answers for every client the plugin creates; all of them must be used."""
    mock = HttpMock()
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CENTRAL_TOKEN_CACHE", "false")
    plugin_module = sys.modules[type(inventory_loader.get(NAME)).__module__]
    monkeypatch.setattr(plugin_module, "client_from_params",
                        lambda params: _central_args.client_from_params(params, session=mock))
    yield mock
    mock.assert_done()


def write_source(tmp_path, name="test.central_gateways.yml", **options):
    config = {"plugin": NAME, "base_url": "https://central.example", "token_url": "https://sso.example/as/token.oauth2",
              "client_id": "my-client", "client_secret": SECRET}
    config.update(options)
    config = {key: value for key, value in config.items() if value is not None}
    path = tmp_path / name
    path.write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
    return str(path)


def expect_token(http):
    http.expect("POST", TOKEN, reply(200, json={"access_token": TOKEN_VALUE, "token_type": "Bearer", "expires_in": 7200}))


def listing(items, next_cursor=None):
    return reply(200, json={"items": items, "count": len(items), "next": next_cursor})


def gateway(serial, name=None, site="HQ-Berlin", status="Online", model="A9004", **extra):
    item = {"serialNumber": serial, "deviceName": name if name is not None else serial.lower(), "siteName": site,
            "status": status, "model": model, "ipAddress": "10.0.0.%d" % int(serial[-3:]), "mode": "Standalone"}
    item.update(extra)
    return item


FLEET = [
    gateway("CNF7G9K003", "lyon-gw", site="Branch-Lyon"),
    gateway("CNF7G9K001", "berlin-gw-2"),
    gateway("CNF7G9K012", "austin-gw", site="Branch-Austin", status="Offline", model="A9012"),
    gateway("CNF7G9K002", "berlin-gw-1"),
    gateway("CNF7G9K004", "", site="Branch-Lyon"),
]


def load(path):
    """Parse one source like ansible-inventory; a failed source is raised, not only warned about."""
    plugin = inventory_loader.get(NAME)
    manager = InventoryManager(loader=DataLoader(), sources=[])
    plugin.parse(manager._inventory, DataLoader(), path, cache=False)
    if plugin.get_option("cache"):
        plugin.update_cache_if_changed()  # what the inventory manager does after a parse
    return manager._inventory


def hosts_of(inventory, group):
    return [host.name for host in inventory.groups[group].get_hosts()]


# ---------------------------------------------------------------- the inventory


def test_every_gateway_is_a_sorted_host_in_its_groups(http, tmp_path):
    expect_token(http)
    http.expect("GET", LIST, listing(FLEET[:2], next_cursor="2"))
    http.expect("GET", LIST, listing(FLEET[2:4], next_cursor="3"))
    http.expect("GET", LIST, listing(FLEET[4:]))
    inventory = load(write_source(tmp_path, page_size=2))

    names = ["berlin-gw-1", "berlin-gw-2", "austin-gw", "lyon-gw", "CNF7G9K004"]
    assert list(inventory.hosts) == sorted(names)
    assert hosts_of(inventory, "gateways") == sorted(names)
    assert sorted(hosts_of(inventory, "site_hq_berlin")) == ["berlin-gw-1", "berlin-gw-2"]
    assert sorted(hosts_of(inventory, "site_branch_lyon")) == ["CNF7G9K004", "lyon-gw"]
    assert hosts_of(inventory, "site_branch_austin") == ["austin-gw"]
    assert hosts_of(inventory, "status_offline") == ["austin-gw"]
    assert len(hosts_of(inventory, "status_online")) == 4
    assert [request.params.get("next") for request in http.requests[1:]] == [None, "2", "3"]
    assert http.requests[1].params["limit"] == 2
    assert http.requests[1].headers["Authorization"] == "Bearer " + TOKEN_VALUE


def test_host_variables_are_the_serial_and_the_prefixed_fields(http, tmp_path):
    expect_token(http)
    http.expect("GET", LIST, listing([FLEET[2]]))
    inventory = load(write_source(tmp_path))
    hostvars = inventory.get_host("austin-gw").get_vars()
    magic = ("inventory_file", "inventory_dir", "inventory_hostname", "inventory_hostname_short", "group_names")
    own = {key: value for key, value in hostvars.items() if key not in magic}
    assert own["serial_number"] == "CNF7G9K012"
    assert own["central_name"] == "austin-gw"
    assert own["central_status"] == "Offline"
    assert own["central_site_name"] == "Branch-Austin"
    assert own["central_ip_address"] == "10.0.0.12"
    assert own["central_deployment"] == "Standalone"
    assert own["central_cluster_name"] is None
    assert "name" not in own and "status" not in own
    assert own["central_index"] == 0
    assert sorted(own) == sorted(["serial_number", "central_index"] + ["central_" + field for field in
                                                                       NORMALISED_FIELDS if field != "serial_number"])


def test_every_host_knows_its_place_in_the_sorted_host_list(http, tmp_path):
    """central_index: what a job slice needs to know which share of the server pool is its own."""
    expect_token(http)
    http.expect("GET", LIST, listing(FLEET))
    inventory = load(write_source(tmp_path))
    names = sorted(host.name for host in inventory.hosts.values())
    assert [inventory.get_host(name).get_vars()["central_index"] for name in names] == list(range(len(names)))


def test_equal_names_all_get_their_serial_appended(http, tmp_path):
    expect_token(http)
    http.expect("GET", LIST, listing([gateway("CNF7G9K002", "branch-gw"), gateway("CNF7G9K001", "branch-gw"),
                                      gateway("CNF7G9K003", "solo")]))
    inventory = load(write_source(tmp_path))
    assert list(inventory.hosts) == ["branch-gw_CNF7G9K001", "branch-gw_CNF7G9K002", "solo"]
    assert inventory.get_host("branch-gw_CNF7G9K001").get_vars()["serial_number"] == "CNF7G9K001"


def test_hostname_field_serial_number(http, tmp_path):
    expect_token(http)
    http.expect("GET", LIST, listing(FLEET))
    inventory = load(write_source(tmp_path, hostname_field="serial_number"))
    assert list(inventory.hosts) == ["CNF7G9K001", "CNF7G9K002", "CNF7G9K003", "CNF7G9K004", "CNF7G9K012"]


def test_online_only_filters_at_central_and_drops_what_still_comes_back_offline(http, tmp_path):
    expect_token(http)
    http.expect("GET", LIST, listing(FLEET))
    inventory = load(write_source(tmp_path, online_only=True, sites=["HQ-Berlin", "Branch-Lyon"], models=["A9004"],
                                  filter="deployment eq 'Standalone'"))
    assert http.requests[1].params["filter"] == (
        "siteName in ('HQ-Berlin', 'Branch-Lyon') and status eq 'Online' and model eq 'A9004' and "
        "deployment eq 'Standalone'")
    assert "austin-gw" not in inventory.hosts
    assert len(inventory.hosts) == 4
    assert "status_offline" not in inventory.groups


def test_query_selects_gateways_with_jmespath(http, tmp_path):
    expect_token(http)
    http.expect("GET", LIST, listing(FLEET))
    inventory = load(write_source(tmp_path, query="[?site_name == 'Branch-Lyon' || model == 'A9012']"))
    assert list(inventory.hosts) == ["CNF7G9K004", "austin-gw", "lyon-gw"]


def test_an_invalid_query_fails_the_source_before_any_request(http, tmp_path):
    with pytest.raises(AnsibleParserError) as info:
        load(write_source(tmp_path, query="[?site_name == "))
    assert str(info.value).startswith("Invalid JMESPath in the inventory option query '[?site_name == ': ")
    assert "\n" not in str(info.value)
    assert http.requests == []


@pytest.mark.parametrize("query, message", [
    ("[?starts_with(model, `5`)]", "failed on the gateway list: In function starts_with(), invalid type for value: 5"),
    ("[].serial_number", "must return a list of gateways (objects with serial_number), it returned list"),
    ("length(@)", "must return a list of gateways (objects with serial_number), it returned int"),
])
def test_a_query_that_does_not_return_gateways_fails_the_source(http, tmp_path, query, message):
    expect_token(http)
    http.expect("GET", LIST, listing(FLEET))
    with pytest.raises(AnsibleParserError) as info:
        load(write_source(tmp_path, query=query))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_site_and_status_groups_can_be_turned_off(http, tmp_path):
    expect_token(http)
    http.expect("GET", LIST, listing(FLEET))
    inventory = load(write_source(tmp_path, group_by_site=False, group_by_status=False))
    assert sorted(inventory.groups) == ["all", "gateways", "ungrouped"]


def test_constructed_compose_groups_and_keyed_groups(http, tmp_path):
    expect_token(http)
    http.expect("GET", LIST, listing(FLEET))
    inventory = load(write_source(
        tmp_path, compose={"ansible_host": "central_ip_address"},
        groups={"berlin": "central_site_name == 'HQ-Berlin'"},
        keyed_groups=[{"key": "central_model", "prefix": "model"}]))
    assert inventory.get_host("lyon-gw").get_vars()["ansible_host"] == "10.0.0.3"
    assert sorted(hosts_of(inventory, "berlin")) == ["berlin-gw-1", "berlin-gw-2"]
    assert hosts_of(inventory, "model_A9012") == ["austin-gw"]
    assert len(hosts_of(inventory, "model_A9004")) == 4


def test_no_secret_or_token_in_inventory_variables_or_cache(http, tmp_path):
    expect_token(http)
    http.expect("GET", LIST, listing(FLEET))
    cache_dir = tmp_path / "cache"
    inventory = load(write_source(tmp_path, cache=True, cache_plugin="ansible.builtin.jsonfile",
                                  cache_connection=str(cache_dir)))
    everything = [host.get_vars() for host in inventory.hosts.values()]
    everything += [group.get_vars() for group in inventory.groups.values()]
    dumped = json.dumps(everything, default=str)
    assert "CNF7G9K012" in dumped
    for secret in (SECRET, TOKEN_VALUE, "my-client"):
        assert secret not in dumped
    cache_files = list(cache_dir.iterdir())
    assert len(cache_files) == 1
    cached = cache_files[0].read_text(encoding="utf-8")
    assert "CNF7G9K012" in cached
    for secret in (SECRET, TOKEN_VALUE, "my-client", "access_token", "client_secret"):
        assert secret not in cached


def test_the_cache_answers_until_it_is_flushed(http, tmp_path):
    source = write_source(tmp_path, cache=True, cache_plugin="ansible.builtin.jsonfile",
                          cache_connection=str(tmp_path / "cache"), hostname_field="serial_number")
    expect_token(http)
    http.expect("GET", LIST, listing(FLEET[:2]))
    assert list(load(source).hosts) == ["CNF7G9K001", "CNF7G9K003"]

    plugin = inventory_loader.get(NAME)
    manager = InventoryManager(loader=DataLoader(), sources=[])
    plugin.parse(manager._inventory, DataLoader(), source, cache=True)
    assert list(manager._inventory.hosts) == ["CNF7G9K001", "CNF7G9K003"]
    assert len(http.requests) == 2  # nothing asked again

    expect_token(http)
    http.expect("GET", LIST, listing(FLEET[:3]))
    assert len(load(source).hosts) == 3  # load() parses with cache=False, like --flush-cache


# ---------------------------------------------------------------- the cache key

ANY_LIST = r"^https://[^/]+/network-monitoring/v1(alpha1)?/gateways$"
ANY_TOKEN = r"^https://[^/]+/as/token\.oauth2$"
CACHED = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile"}
SOURCE_NAME = "first.central_gateways.yml"


def load_cached(path):
    """Parse one source as ansible-inventory does without --flush-cache: the cache may answer."""
    plugin = inventory_loader.get(NAME)
    manager = InventoryManager(loader=DataLoader(), sources=[])
    plugin.parse(manager._inventory, DataLoader(), path, cache=True)
    plugin.update_cache_if_changed()
    return manager._inventory


def fill_cache(http, tmp_path, **options):
    """Load the source SOURCE_NAME once so that its gateways (the first two of FLEET) are in the cache."""
    expect_token(http)
    http.expect("GET", LIST, listing(FLEET[:2]))
    source = write_source(tmp_path, name=SOURCE_NAME, cache_connection=str(tmp_path / "cache"), **dict(CACHED, **options))
    assert len(load(source).hosts) == 2
    return source


@pytest.mark.parametrize("option, value", [
    ("base_url", "https://other-central.example"),
    ("api_version", "v1alpha1"),
    ("client_id", "another-client"),
    ("token_url", "https://other-sso.example/as/token.oauth2"),
    ("sites", ["Branch-Lyon"]),
    ("models", ["A9012"]),
    ("online_only", True),
    ("filter", "deployment eq 'Cluster'"),
])
def test_an_option_that_changes_what_central_answers_never_reads_the_old_cache_entry(http, tmp_path, option, value):
    fill_cache(http, tmp_path)
    http.expect("POST", ANY_TOKEN, reply(200, json={"access_token": TOKEN_VALUE, "expires_in": 7200}))
    http.expect("GET", ANY_LIST, listing([FLEET[2]] if option != "online_only" else [FLEET[0]]))
    # The same file, edited: only the options tell the two configurations apart.
    changed = write_source(tmp_path, name=SOURCE_NAME, cache_connection=str(tmp_path / "cache"),
                           **dict(CACHED, **{option: value}))
    hosts = list(load_cached(changed).hosts)
    assert len(http.requests) == 4, "the changed source must ask Central"
    assert hosts == (["lyon-gw"] if option == "online_only" else ["austin-gw"])


def test_an_identical_source_reads_the_cache_whatever_its_file_or_secret(http, tmp_path):
    fill_cache(http, tmp_path)
    copy = write_source(tmp_path, name="copy.central_gateways.yml", cache_connection=str(tmp_path / "cache"),
                        client_secret="a-rotated-secret", page_size=50, hostname_field="serial_number",
                        query="[?site_name == 'HQ-Berlin']", **CACHED)
    assert list(load_cached(copy).hosts) == ["CNF7G9K001"]
    assert len(http.requests) == 2, "nothing asked again"


def test_a_source_with_a_static_token_keeps_its_cache_to_its_own_file(http, tmp_path):
    options = dict(client_id=None, client_secret=None, access_token=TOKEN_VALUE)
    http.expect("GET", LIST, listing(FLEET[:2]))
    first = write_source(tmp_path, name=SOURCE_NAME, cache_connection=str(tmp_path / "cache"), **dict(CACHED, **options))
    assert len(load(first).hosts) == 2
    assert len(load_cached(first).hosts) == 2
    assert len(http.requests) == 1, "the same source reads its cache"
    http.expect("GET", LIST, listing([FLEET[2]]))
    other = write_source(tmp_path, name="other.central_gateways.yml", cache_connection=str(tmp_path / "cache"),
                         **dict(CACHED, access_token="tok-of-another-tenant", client_id=None, client_secret=None))
    assert list(load_cached(other).hosts) == ["austin-gw"]


def identity(path="/inventory/a.central_gateways.yml", selection=None, **params):
    connection = {"base_url": "https://central.example", "api_version": "v1", "client_id": "my-client",
                  "client_secret": SECRET, "token_url": "https://sso.example/as/token.oauth2", "access_token": None}
    connection.update(params)
    return gateways_plugin.cache_identity(connection, selection or {"filter": None}, path)


def test_the_cache_key_holds_no_credential_and_ignores_what_does_not_change_the_answer():
    key = gateways_plugin.cache_key(identity())
    assert key.startswith(NAME + "_") and len(key) == len(NAME) + 1 + 64
    for hidden in (SECRET, "my-client", "central.example", TOKEN_VALUE):
        assert hidden not in key
    assert gateways_plugin.cache_key(identity(client_secret="rotated", validate_certs=False, request_timeout=5,
                                              path="/elsewhere/b.central_gateways.yml")) == key
    assert gateways_plugin.cache_key(identity(base_url="https://central.example/")) == key
    assert "tok-secret" not in json.dumps(identity(access_token="tok-secret", client_id=None, client_secret=None))
    assert gateways_plugin.cache_key(identity(api_version="v1alpha1")) != key
    assert gateways_plugin.cache_key(identity(selection={"filter": "status eq 'Online'"})) != key


def test_credentials_from_the_environment_and_blank_values_ignored(http, tmp_path, monkeypatch):
    monkeypatch.setenv("CENTRAL_BASE_URL", "https://central.example")
    monkeypatch.setenv("CENTRAL_ACCESS_TOKEN", TOKEN_VALUE)
    monkeypatch.setenv("CENTRAL_VALIDATE_CERTS", "")   # an AWX credential field left empty
    monkeypatch.setenv("CENTRAL_CLIENT_ID", " ")
    http.expect("GET", LIST, listing(FLEET[:1]))
    inventory = load(write_source(tmp_path, base_url=None, token_url=None, client_id=None, client_secret=None))
    assert list(inventory.hosts) == ["lyon-gw"]
    assert http.requests[0].headers["Authorization"] == "Bearer " + TOKEN_VALUE
    assert http.requests[0].verify is True


# ---------------------------------------------------------------- failures


def test_refused_credentials_fail_the_source_instead_of_an_empty_inventory(http, tmp_path):
    http.expect("POST", TOKEN, reply(401, json={"error": "invalid_client", "error_description": "Bad client secret"}))
    with pytest.raises(AnsibleParserError) as info:
        load(write_source(tmp_path))
    message = str(info.value)
    assert "client_id/client_secret" in message
    assert "\n" not in message
    assert SECRET not in message


def test_an_api_error_while_paging_fails_the_source(http, tmp_path):
    expect_token(http)
    http.expect("GET", LIST, listing(FLEET[:2], next_cursor="2"))
    http.expect("GET", LIST, error_reply(403, "HPE_GL_ERROR_FORBIDDEN", "Access denied"))
    with pytest.raises(AnsibleParserError) as info:
        load(write_source(tmp_path))
    assert "HTTP 403 HPE_GL_ERROR_FORBIDDEN: Access denied" in str(info.value)


def test_a_failed_source_is_reported_by_ansible_inventory(http, tmp_path, monkeypatch):
    http.expect("POST", TOKEN, reply(401, json={"error": "invalid_client", "error_description": "Bad client secret"}))
    source = write_source(tmp_path, name="central_gateways.yml")
    monkeypatch.setattr("ansible.constants.INVENTORY_UNPARSED_IS_FAILED", True)
    with pytest.raises(AnsibleError) as info:
        InventoryManager(loader=DataLoader(), sources=[source])
    assert "No inventory was parsed" in str(info.value)


@pytest.mark.parametrize("options, message", [
    ({"base_url": None}, "needs base_url: set it in "),
    ({"api_version": "v3"}, "v3"),
    ({"filter": "x" * 300}, "Central accepts at most 256"),
    ({"page_size": 500}, "use a number from 1 to 100"),
    ({"base_url": "http://central.example"}, "uses plain http"),
])
def test_bad_options_fail_the_source_before_any_request(http, tmp_path, options, message):
    with pytest.raises(AnsibleParserError) as info:
        load(write_source(tmp_path, **options))
    assert message in str(info.value)
    assert http.requests == []


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize("path, accepted", [
    ("central_gateways.yml", True),
    ("prod.central_gateways.yaml", True),
    ("inventory/berlin.central_gateways.yml", True),
    ("mycentral_gateways.yml", False),
    ("gateways.yml", False),
    ("central_gateways.json", False),
])
def test_verify_file_accepts_only_central_gateways_sources(tmp_path, path, accepted):
    target = tmp_path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("plugin: %s\n" % NAME, encoding="utf-8")
    assert inventory_loader.get(NAME).verify_file(str(target)) is accepted


@pytest.mark.parametrize("prefix, value, expected", [
    ("site", "HQ-Berlin", "site_hq_berlin"),
    ("site", " Lyon (Part-Dieu) ", "site_lyon_part_dieu"),
    ("status", "Offline", "status_offline"),
    ("site", "---", None),
])
def test_group_names_are_sanitised(prefix, value, expected):
    assert gateways_plugin.group_name(prefix, value) == expected


def test_host_names_never_take_a_name_a_gateway_has_of_its_own():
    gateways = [
        {"serial_number": "S1", "name": "gw"},
        {"serial_number": "S2", "name": "gw"},
        {"serial_number": "S3", "name": "gw_S1"},
        {"serial_number": "S4", "name": None},
    ]
    named = gateways_plugin.host_names(gateways, "name")
    assert [(name, gateway["serial_number"]) for name, gateway in named] == [
        ("S4", "S4"), ("gw_S1", "S3"), ("gw_S1_S1", "S1"), ("gw_S2", "S2")]
    assert gateways_plugin.host_names(list(reversed(gateways)), "name") == named
    assert {gateway["serial_number"] for _name, gateway in named} == {"S1", "S2", "S3", "S4"}


# ---------------------------------------------------------------- bad options: one line naming the option, no request


def parse_capturing(http, source):
    """(error message or None, requests sent) for a source that should fail; a request it made is not an error here."""
    message = None
    try:
        load(source)
    except AnsibleParserError as exc:
        message = str(exc)
    except AssertionError:  # the scripted seam refused a request: the plugin asked Central
        pass
    finally:
        sent = list(http.requests)
        http.failures.clear()
    return message, sent


OPTION_CASES = [
    ("base_url", {"base_url": None}),
    ("base_url", {"base_url": ""}),
    ("base_url", {"base_url": "http://central.example"}),
    ("base_url", {"base_url": "http://localhost.evil.example"}),
    ("base_url", {"base_url": "central.example"}),
    ("base_url", {"base_url": "https://central.example:0"}),
    ("base_url", {"base_url": "https://central.example/?x=1"}),
    ("base_url", {"base_url": "https://user:%s@central.example" % SECRET}),
    ("token_url", {"token_url": "http://sso.example/as/token.oauth2"}),
    ("token_url", {"token_url": "ftp://sso.example/as/token.oauth2"}),
    ("api_version", {"api_version": "v3"}),
    ("api_version", {"api_version": "V1"}),
    ("access_token", {"access_token": "tok-static"}),
    ("client_secret", {"client_secret": None}),
    ("client_id", {"client_id": None}),
    ("access_token", {"client_id": None, "client_secret": None}),
    ("ca_path", {"ca_path": "/nonexistent/ca.pem"}),
    ("request_timeout", {"request_timeout": -1}),
    ("request_timeout", {"request_timeout": "fast"}),
    ("max_retries", {"max_retries": -1}),
    ("max_retries", {"max_retries": "many"}),
    ("page_size", {"page_size": 0}),
    ("page_size", {"page_size": -1}),
    ("page_size", {"page_size": 101}),
    ("page_size", {"page_size": "all"}),
    ("hostname_field", {"hostname_field": "bogus"}),
    ("sites", {"sites": ["HQ-Berlin", ""]}),
    ("sites", {"sites": ["HQ\nBerlin"]}),
    ("models", {"models": ["  "]}),
    ("filter", {"filter": "x" * 300}),
    ("query", {"query": "[?site_name == "}),
]


@pytest.mark.parametrize("option, options", OPTION_CASES)
def test_bad_inventory_options_fail_the_source_before_any_request(http, tmp_path, option, options):
    with pytest.raises(AnsibleParserError) as info:
        load(write_source(tmp_path, **options))
    message = " ".join(str(info.value.message if hasattr(info.value, "message") else info.value).split("\n"))
    first_line = str(info.value).splitlines()[0]
    assert names_option(message, option), "%r does not name %s" % (message, option)
    assert SECRET not in str(info.value)
    assert first_line.strip(), "the error has a first line that says what is wrong"
    assert http.requests == [], "Central was asked although the options were bad: %r" % http.requests


@pytest.mark.parametrize("option", ["validate_certs", "online_only", "group_by_site"])
def test_misspelt_booleans_fail_the_source(http, tmp_path, option):
    message, sent = parse_capturing(http, write_source(tmp_path, **{option: "ture"}))
    assert message is not None and option in message
    assert sent == []


def test_request_timeout_zero_fails_the_source(http, tmp_path):
    message, sent = parse_capturing(http, write_source(tmp_path, request_timeout=0))
    assert message is not None and "request_timeout" in message
    assert sent == []


@pytest.mark.parametrize("option, options", [
    ("base_url", {"base_url": "http://central.example"}),
    ("page_size", {"page_size": 0}),
    ("api_version", {"api_version": "v3"}),
    ("query", {"query": "[?"}),
])
def test_bad_option_messages_are_one_line(http, tmp_path, option, options):
    with pytest.raises(AnsibleParserError) as info:
        load(write_source(tmp_path, **options))
    message = str(info.value.message if hasattr(info.value, "message") else info.value)
    assert "\n" not in message.strip(), repr(message)
    assert names_option(message, option)
    assert http.requests == []

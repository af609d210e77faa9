# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
name: gateways
short_description: Gateways from HPE Aruba Networking Central as inventory hosts
version_added: 0.1.0
description:
  - Makes every gateway Central monitors an inventory host, so a play can test gateways one by one (and AWX can
    slice the job across them).
  - The inventory source is a YAML file named C(central_gateways.yml) or ending in C(.central_gateways.yml) (or
    C(.yaml)) with O(plugin) set to V(aruba_central.troubleshooting.gateways).
  - Host names are sorted and stable. Every host is in the group C(gateways); with O(group_by_site) and
    O(group_by_status) also in C(site_<site name>) and C(status_online) or C(status_offline). Group names are lower
    case; every run of characters other than letters, digits and underscores becomes one underscore.
  - Each host gets the variable C(serial_number), which the collection's modules and roles read, and every other
    field of the gateway with the prefix C(central_) (the field C(name) would collide with the reserved variable
    C(name)) - C(central_name), C(central_mac_address), C(central_site_id), C(central_site_name), C(central_model),
    C(central_part_number), C(central_status), C(central_firmware_version), C(central_ip_address),
    C(central_ipv6_address), C(central_deployment), C(central_role), C(central_cluster_name),
    C(central_device_function), C(central_last_seen_at). A field Central did not send is V(null).
  - C(central_index) is the host's position (from 0) in the sorted host list of this source. AWX slices a job over
    the name-sorted hosts in turn, so with N slices a gateway's slice is C(central_index) modulo N; the role
    C(aruba_central.troubleshooting.gateway_bandwidth) uses it to keep slices off each other's iperf servers
    (C(gateway_bandwidth_slice_count)).
  - Credentials and tokens are never written into inventory variables or the inventory cache; the cache holds the
    gateway list only.
  - With O(cache), an entry is found by everything that decides what Central answers - O(base_url), O(api_version),
    O(token_url), O(client_id), O(sites), O(models), O(online_only) and O(filter) - so a changed option never reads
    another configuration's gateways; O(query), the naming and grouping options are applied after the cache. A source
    that authenticates with O(access_token) (which is never part of the entry) gets entries of its own file.
  - Any error from Central (bad credentials, no permission, unreachable) fails the inventory source with a one-line
    message instead of returning an empty inventory.
author:
  - aruba_central.troubleshooting contributors (@aruba-central-troubleshooting)
extends_documentation_fragment:
  - aruba_central.troubleshooting.connection
  - aruba_central.troubleshooting.connection.plugin
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
requirements:
  - requests
  - jmespath (only for O(query))
options:
  plugin:
    description: Marks the file as an inventory source of this plugin.
    type: str
    required: true
    choices: [aruba_central.troubleshooting.gateways]
  hostname_field:
    description:
      - Which gateway field names the inventory host. A gateway without it is named by its serial number.
      - Gateways that would share a name are all named C(<name>_<serial number>), so no host depends on which
        gateway Central listed first.
    type: str
    default: name
    choices: [name, serial_number, mac_address, ip_address]
  online_only:
    description:
      - Only gateways Central sees online.
    type: bool
    default: false
  sites:
    description:
      - Only gateways in these sites, by site name.
    type: list
    elements: str
    default: []
  models:
    description:
      - Only gateways of these models.
    type: list
    elements: str
    default: []
  filter:
    description:
      - A filter expression in Central's syntax (C(eq) and C(in) joined by C(and)), joined to O(sites), O(models)
        and O(online_only) with C(and). For example C(deployment eq 'Cluster').
      - The whole filter may be at most 256 characters long.
    type: str
  query:
    description:
      - A JMESPath expression applied to the list of gateways after Central answered; it must return a list of
        gateways. The gateways have the field names without the C(central_) prefix, for example
        C([?starts_with(site_name, 'Branch')]) or C([?role != 'Member']).
      - Needs the Python library C(jmespath) on the controller.
    type: str
  page_size:
    description:
      - How many gateways to ask Central for per page (from 1 to 100). All pages are always read.
    type: int
    default: 100
  group_by_site:
    description:
      - Add each gateway to the group C(site_<site name>).
    type: bool
    default: true
  group_by_status:
    description:
      - Add each gateway to the group C(status_online) or C(status_offline).
    type: bool
    default: true
notes:
  - When running C(ansible-inventory) or C(ansible-playbook) yourself, set C(ANSIBLE_INVENTORY_UNPARSED_FAILED=true)
    (or C(unparsed_is_failed = true) in the C([inventory]) section of C(ansible.cfg)) so that a failed inventory
    source stops the run; otherwise Ansible only warns and continues with no hosts. AWX sets this for inventory
    updates.
seealso:
  - module: aruba_central.troubleshooting.gateway_info
"""

EXAMPLES = r"""
# central_gateways.yml - all gateways, credentials from the CENTRAL_* environment variables
# (CENTRAL_BASE_URL, CENTRAL_CLIENT_ID, CENTRAL_CLIENT_SECRET):
#   ansible-inventory -i central_gateways.yml --graph
plugin: aruba_central.troubleshooting.gateways

# Each inventory source is a file of its own; the ones below are commented out so that this stays one YAML document.
#
# berlin.central_gateways.yml - online gateways of two sites, named by serial number, extra groups per cluster
# and model, and a cache so that repeated runs within an hour do not ask Central again. client_id and
# client_secret come from CENTRAL_CLIENT_ID and CENTRAL_CLIENT_SECRET, or are written here, the secret encrypted
# with ansible-vault encrypt_string.
#
#   plugin: aruba_central.troubleshooting.gateways
#   base_url: https://de1.api.central.arubanetworks.com
#   hostname_field: serial_number
#   online_only: true
#   sites:
#     - HQ-Berlin
#     - Branch-Lyon
#   keyed_groups:
#     - key: central_cluster_name
#       prefix: cluster
#     - key: central_model
#       prefix: model
#   compose:
#     iperf_server: "'10.20.0.5' if central_site_name == 'HQ-Berlin' else '10.30.0.5'"
#   cache: true
#   cache_plugin: ansible.builtin.jsonfile
#   cache_connection: ~/.cache/central_gateways
#   cache_timeout: 3600
#
# branches.central_gateways.yml - only branch gateways that are not cluster members, chosen with JMESPath
#
#   plugin: aruba_central.troubleshooting.gateways
#   filter: "deployment in ('Standalone', 'Cluster')"
#   query: "[?starts_with(site_name, 'Branch') && role != 'Member']"
#   group_by_status: false
#
# AWX / Ansible Automation Platform: create the credential type of extensions/awx/credential_type_central.yml
# (the playbook aruba_central.troubleshooting.awx_credential_type does it for you), a credential of that type, and
# an inventory source "Sourced from a Project" with a file such as central_gateways.yml above, that credential,
# "Overwrite" and "Update on launch" checked. Inventory updates read only the CENTRAL_* environment variables the
# credential injects. docs/awx.md has the details.
"""

import collections
import hashlib
import json
import os
import re

from ansible import constants as C
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._text import one_line
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._args import (
    client_from_params,
    connection_argument_spec,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._gateways import (
    ONLINE,
    build_filter,
    fetch_gateways,
)

try:
    import jmespath
except ImportError:
    HAS_JMESPATH = False
else:
    HAS_JMESPATH = True

PLUGIN_NAME = "aruba_central.troubleshooting.gateways"
FILE_NAMES = ("central_gateways.yml", "central_gateways.yaml")
ALL_GROUP = "gateways"
HOSTVAR_PREFIX = "central_"


def group_name(prefix, value):
    """``site`` + ``HQ-Berlin`` -> ``site_hq_berlin``; ``None`` when there is nothing left to name a group."""
    text = re.sub(r"[^a-z0-9_]+", "_", str(value).lower()).strip("_")
    return "%s_%s" % (prefix, text) if text else None


def host_names(gateways, field):
    """Return ``[(host name, gateway)]`` sorted by host name; every name unique and independent of API order.

    A name only one gateway has is kept. Gateways sharing a name are all named ``<name>_<serial>``; should that be
    taken too, ``_<serial>`` is appended again.
    """
    wanted = []
    for gateway in sorted(gateways, key=lambda item: str(item["serial_number"])):
        value = gateway.get(field)
        name = str(value).strip() if value is not None else ""
        wanted.append((name or str(gateway["serial_number"]), gateway))
    counts = collections.Counter(name for name, _gateway in wanted)
    named = {name: gateway for name, gateway in wanted if counts[name] == 1}
    for name, gateway in wanted:
        if counts[name] == 1:
            continue
        serial = str(gateway["serial_number"])
        candidate = serial if name == serial else "%s_%s" % (name, serial)
        while candidate in named:
            candidate = "%s_%s" % (candidate, serial)
        named[candidate] = gateway
    return sorted(named.items())


def host_vars(gateway):
    """The inventory variables of one gateway: ``serial_number`` and every other field prefixed."""
    hostvars = {"serial_number": gateway["serial_number"]}
    for key, value in sorted(gateway.items()):
        if key != "serial_number":
            hostvars[HOSTVAR_PREFIX + key] = value
    return hostvars


def compile_query(expression):
    """Check the JMESPath expression of the option query before anything is asked from Central."""
    if not HAS_JMESPATH:
        raise AnsibleParserError(
            "The inventory option query needs the Python library jmespath on the controller: install it "
            "(pip install jmespath) or remove query")
    try:
        return jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as exc:
        message = one_line(exc)
        raise AnsibleParserError("Invalid JMESPath in the inventory option query %r: %s" % (expression, message)) from None


def apply_query(gateways, expression):
    """Filter the gateway list with a JMESPath expression that must return a list of gateways."""
    try:
        selected = compile_query(expression).search(gateways)
    except jmespath.exceptions.JMESPathError as exc:
        message = one_line(exc)
        raise AnsibleParserError("The inventory option query %r failed on the gateway list: %s" % (expression, message)) from None
    if not isinstance(selected, list) or not all(isinstance(item, dict) and item.get("serial_number") for item in selected):
        raise AnsibleParserError(
            "The inventory option query %r must return a list of gateways (objects with serial_number), "
            "it returned %s - use a filter expression such as [?site_name == 'HQ-Berlin']"
            % (expression, type(selected).__name__))
    return selected


def cache_identity(params, selection, path):
    """Everything that decides which gateways Central returns to one inventory source; never a secret or a token.

    ``params`` are the connection options, ``selection`` the options that filter the list at Central (and the
    filter expression built from them). With a static access token the token is what tells one tenant from another,
    and it is never part of the key: the source file stands in for it.
    """
    token_auth = bool(params.get("access_token"))
    identity = {
        "base_url": str(params.get("base_url") or "").strip().rstrip("/"),
        "api_version": params.get("api_version") or "v1",
        "token_url": None if token_auth else str(params.get("token_url") or "").strip(),
        "client_id": None if token_auth else params.get("client_id"),
        "auth": "access_token" if token_auth else "client_credentials",
        "source": os.path.abspath(path) if token_auth else None,
    }
    identity.update(selection)
    return identity


def cache_key(identity):
    """The inventory cache key of a :func:`cache_identity`: its full SHA-256, so different ones never meet."""
    text = json.dumps(identity, sort_keys=True, separators=(",", ":"), default=str)
    return "%s_%s" % (PLUGIN_NAME, hashlib.sha256(text.encode("utf-8")).hexdigest())


BOOL_OPTIONS = ("validate_certs", "online_only", "group_by_site", "group_by_status", "strict", "cache")


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """Gateways from HPE Aruba Networking Central."""

    NAME = PLUGIN_NAME
    _source_options = frozenset()

    def verify_file(self, path):
        if not super().verify_file(path):
            return False
        base = re.split(r"[\\/]", path)[-1]
        return any(base == name or base.endswith("." + name) for name in FILE_NAMES)

    def _blank_in_environment(self, option):
        """True when ``option`` is not in the source file and its environment variable is set but blank.

        An AWX credential injects the fields left empty as empty strings; they mean "unset", not "" (or, for
        validate_certs, false). Decided from the file and the environment, the way every ansible-core release reads
        them (get_option_and_origin ignores the source file before 2.18).
        """
        if option in self._source_options:
            return False
        definition = C.config.get_configuration_definitions("inventory", self._load_name).get(option) or {}
        names = [item.get("name") for item in definition.get("env") or [] if isinstance(item, dict)]
        given = [os.environ[name] for name in names if name in os.environ]
        return bool(given) and not given[-1].strip()

    def _connection_params(self):
        params = {}
        for option, spec in connection_argument_spec().items():
            value = None if self._blank_in_environment(option) else self.get_option(option)
            if value is not None and spec.get("type") in ("str", "path"):
                value = str(value)  # a vaulted value is decrypted here
            params[option] = value
        return params

    def _api_filter(self, api_version):
        return build_filter(
            sites=self.get_option("sites") or None,
            models=self.get_option("models") or None,
            statuses=ONLINE if self.get_option("online_only") else None,
            raw=self.get_option("filter"),
            api_version=api_version)

    def _cache_key(self, path, params, api_filter):
        # page_size is left out: every page is read, so it never changes the answer.
        selection = {"filter": api_filter, "raw_filter": self.get_option("filter"), "sites": self.get_option("sites"),
                     "models": self.get_option("models"), "online_only": self.get_option("online_only")}
        return cache_key(cache_identity(params, selection, path))

    def _fetch(self, params, api_filter, page_size):
        with client_from_params(params) as client:
            if client.tls_warning:
                self.display.warning(client.tls_warning)
            gateways = fetch_gateways(client, filter=api_filter, limit=page_size)
            for warning in client.warnings:
                self.display.warning(warning)
        return gateways

    def _load_gateways(self, path, use_cache):
        params = self._connection_params()
        page_size = self.get_option("page_size")
        api_filter = self._api_filter(params["api_version"])
        key = self._cache_key(path, params, api_filter)
        user_cache = self.get_option("cache")
        gateways = None
        if user_cache and use_cache:
            try:
                gateways = self._cache[key]
            except KeyError:
                gateways = None
        if gateways is None:
            gateways = self._fetch(params, api_filter, page_size)
            if user_cache:
                self._cache[key] = gateways
        return gateways

    def _check_booleans(self, path):
        """Ansible reads any unknown word as false for a bool option: refuse misspelt ones (``validate_certs: ture``)."""
        data = self.loader.load_from_file(path, cache="none") or {}
        self._source_options = frozenset(data) if isinstance(data, dict) else frozenset()
        given = dict((name, data.get(name)) for name in BOOL_OPTIONS if name in self._source_options)
        env_value = os.environ.get("CENTRAL_VALIDATE_CERTS", "")
        if "validate_certs" not in given and env_value.strip():
            given["validate_certs (CENTRAL_VALIDATE_CERTS)"] = env_value
        for name, value in given.items():
            try:
                boolean(value, strict=True)
            except TypeError:
                raise AnsibleParserError("%s must be true or false, got %r - fix it in %s" % (name, value, path)) from None

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        self._check_booleans(path)
        try:
            self._read_config_data(path)
        except AnsibleError as exc:  # AnsibleOptionsError; a plain AnsibleError for a missing option before 2.18
            message = one_line(exc)
            if re.search(r"\bbase_url\b", message):
                message = ("The Central gateways inventory needs base_url: set it in %s or in the environment variable "
                           "CENTRAL_BASE_URL, for example https://us1.api.central.arubanetworks.com" % path)
            else:
                message = "%s - fix it in %s or in its CENTRAL_* environment variable" % (message, path)
            raise AnsibleParserError(message) from None
        if self.get_option("query"):
            compile_query(self.get_option("query"))
        try:
            gateways = self._load_gateways(path, cache)
        except (CentralError, ValueError) as exc:
            raise AnsibleParserError(str(exc)) from None
        self._populate(gateways)

    def _populate(self, gateways):
        gateways = [gateway for gateway in gateways if gateway.get("serial_number")]
        if self.get_option("online_only"):
            gateways = [gateway for gateway in gateways if gateway.get("status") == ONLINE]
        if self.get_option("query"):
            gateways = apply_query(gateways, self.get_option("query"))
        strict = self.get_option("strict")
        self.inventory.add_group(ALL_GROUP)
        for index, (name, gateway) in enumerate(host_names(gateways, self.get_option("hostname_field"))):
            host = self.inventory.add_host(name, group=ALL_GROUP)
            hostvars = dict(host_vars(gateway), central_index=index)
            for key, value in hostvars.items():
                self.inventory.set_variable(host, key, value)
            for enabled, prefix, field in (("group_by_site", "site", "site_name"), ("group_by_status", "status", "status")):
                group = group_name(prefix, gateway[field]) if self.get_option(enabled) and gateway.get(field) else None
                if group:
                    self.inventory.add_group(group)
                    self.inventory.add_child(group, host)
            self._set_composite_vars(self.get_option("compose"), hostvars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), hostvars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, host, strict=strict)

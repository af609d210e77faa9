#!/usr/bin/python
# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: gateway_info
short_description: List the gateways HPE Aruba Networking Central monitors
version_added: 0.1.0
description:
  - Lists gateways through Central's C(network-monitoring) API, following Central's page cursor to the last page.
  - Filters by site, status, model and serial number on Central's side; O(filter) adds your own filter expression.
  - Returns every gateway in one shape, whichever O(api_version) answered (C(v1) and C(v1alpha1) name some fields
    differently).
  - To test gateways one by one, prefer the inventory plugin
    P(aruba_central.troubleshooting.gateways#inventory), which makes each gateway an inventory host.
author:
  - aruba_central.troubleshooting contributors (@aruba-central-troubleshooting)
extends_documentation_fragment:
  - aruba_central.troubleshooting.connection
  - aruba_central.troubleshooting.attributes
  - aruba_central.troubleshooting.attributes.actiongroup_central
  - aruba_central.troubleshooting.attributes.check_mode_readonly
options:
  site:
    description:
      - Only gateways in these sites, by site name as Central shows it.
    type: list
    elements: str
    aliases: [sites]
  status:
    description:
      - Only gateways Central sees V(Online), or only V(Offline) ones.
    type: str
    choices: [Online, Offline]
  model:
    description:
      - Only gateways of these models, for example V(A9004-LTE).
    type: list
    elements: str
    aliases: [models]
  serial_numbers:
    description:
      - Only the gateways with these serial numbers.
    type: list
    elements: str
  filter:
    description:
      - A filter expression in Central's syntax, joined to the other filters with C(and).
      - Central understands C(eq) and C(in) joined by C(and), on C(siteId), C(siteName), C(model), C(status),
        C(deployment), C(macAddress), C(deviceName), C(firmwareVersion), C(serialNumber) and C(clusterName), for
        example C(deployment in ('Cluster') and clusterName eq 'berlin-cl').
      - The whole filter, with the other options, may be at most 256 characters long.
    type: str
  limit:
    description:
      - How many gateways to ask Central for per page (from 1 to 100). All pages are always read.
    type: int
    default: 100
notes:
  - C(changed) is always V(false), listing gateways changes nothing.
  - Values are quoted for you; a single quote inside a value is doubled, as Central's filter syntax expects.
seealso:
  - plugin: aruba_central.troubleshooting.gateways
    plugin_type: inventory
  - name: Central monitoring API
    description: HPE's reference for the gateway list.
    link: https://developer.arubanetworks.com/new-central/reference/getgatewaylistv1
"""

EXAMPLES = r"""
- name: List the online gateways of two sites
  aruba_central.troubleshooting.gateway_info:
    base_url: https://us1.api.central.arubanetworks.com
    client_id: "{{ central_client_id }}"
    client_secret: "{{ central_client_secret }}"
    site:
      - HQ-Berlin
      - Branch-Lyon
    status: Online
  delegate_to: localhost
  register: central_gateways

- name: Show their serial numbers
  ansible.builtin.debug:
    msg: "{{ central_gateways.gateways | map(attribute='serial_number') | list }}"

- name: Find offline gateways of one cluster, credentials from the CENTRAL_* environment variables
  aruba_central.troubleshooting.gateway_info:
    status: Offline
    filter: "clusterName eq 'berlin-cl'"
  delegate_to: localhost
  register: offline_gateways

- name: Fail when a gateway is offline
  ansible.builtin.assert:
    that: offline_gateways.total == 0
    fail_msg: "Offline: {{ offline_gateways.gateways | map(attribute='name') | join(', ') }}"
"""

RETURN = r"""
gateways:
  description:
    - The gateways that match, in the order Central listed them; a gateway Central listed twice is returned once.
    - A field Central did not send is V(null).
  returned: success
  type: list
  elements: dict
  contains:
    serial_number:
      description: Serial number.
      type: str
      sample: CNF7G9K001
    name:
      description: Device name.
      type: str
      sample: berlin-gw-01
    mac_address:
      description: MAC address.
      type: str
      sample: "20:4c:03:aa:bb:01"
    site_id:
      description: Central's site id.
      type: str
    site_name:
      description: Site name.
      type: str
      sample: HQ-Berlin
    model:
      description: Hardware model.
      type: str
      sample: A9004-LTE
    part_number:
      description: Part number (sent by C(v1alpha1)).
      type: str
    status:
      description: V(Online) or V(Offline), whichever spelling Central used.
      type: str
      sample: Online
    firmware_version:
      description: Firmware version (C(firmwareVersion) in C(v1), C(softwareVersion) in C(v1alpha1)).
      type: str
      sample: 10.7.1.0_91234
    ip_address:
      description: IPv4 address (C(ipAddress) in C(v1), C(ipv4) in C(v1alpha1)).
      type: str
      sample: 10.20.0.11
    ipv6_address:
      description: IPv6 address (sent by C(v1alpha1)).
      type: str
    deployment:
      description: V(Standalone) or V(Cluster) (C(mode) in C(v1), C(deployment) in C(v1alpha1)).
      type: str
      sample: Cluster
    role:
      description: Role in a cluster, for example V(Leader) or V(Member).
      type: str
    cluster_name:
      description: Cluster name.
      type: str
    device_function:
      description: For example V(Branch Gateway), V(Mobility Controller) or V(VPNC).
      type: str
    last_seen_at:
      description: When Central last heard from the gateway (sent by C(v1alpha1)).
      type: str
total:
  description: How many gateways RV(gateways) holds.
  returned: success
  type: int
  sample: 12
api_filter:
  description: The filter sent to Central, built from the options; V(null) when nothing was filtered.
  returned: when the options are valid
  type: str
  sample: "siteName in ('HQ-Berlin', 'Branch-Lyon') and status eq 'Online'"
error_type:
  description: Why Central could not be asked, machine-readable, for example V(auth), V(forbidden), V(api_error).
  returned: on failure from Central
  type: str
  sample: auth
api_error:
  description: Central's side of a failure, without secrets.
  returned: on failure from Central
  type: dict
  contains:
    error_type:
      description: Same as RV(error_type).
      type: str
    status:
      description: The HTTP status Central answered with, V(null) when no answer came.
      type: int
      sample: 401
    error_code:
      description: Central's C(errorCode) (or the token endpoint's C(error)).
      type: str
      sample: HPE_GL_ERROR_UNAUTHORIZED
    api_message:
      description: Central's own message.
      type: str
    path:
      description: The URL path that failed, without query string.
      type: str
      sample: /network-monitoring/v1/gateways
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._args import (
    client_from_params,
    connection_argument_spec,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._module import done, fail
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._gateways import (
    MAX_PAGE_SIZE,
    GatewayQueryError,
    build_filter,
    fetch_gateways,
)


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        site=dict(type="list", elements="str", aliases=["sites"]),
        status=dict(type="str", choices=["Online", "Offline"]),
        model=dict(type="list", elements="str", aliases=["models"]),
        serial_numbers=dict(type="list", elements="str"),
        filter=dict(type="str"),
        limit=dict(type="int", default=MAX_PAGE_SIZE),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params

    api_filter = client = None
    try:
        api_filter = build_filter(
            sites=params["site"], statuses=params["status"], models=params["model"],
            serial_numbers=params["serial_numbers"], raw=params["filter"], api_version=params["api_version"])
        if not 1 <= params["limit"] <= MAX_PAGE_SIZE:
            raise GatewayQueryError("limit must be from 1 to %d gateways per page, got %d" % (MAX_PAGE_SIZE, params["limit"]))
        client = client_from_params(params)
        gateways = fetch_gateways(client, filter=api_filter, limit=params["limit"])
    except (CentralError, ValueError) as exc:
        fail(module, exc, client, api_filter=api_filter)

    done(module, client, changed=False, gateways=gateways, total=len(gateways), api_filter=api_filter)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: gateway_bandwidth_test
short_description: Check one gateway's variables, run its iperf test and record its PASS, FAIL or ERROR verdict
version_added: 0.1.0
description:
  - The per-gateway step of the role C(aruba_central.troubleshooting.gateway_bandwidth), one task per gateway that
    checks the gateway's variables, runs its iperf test exactly as M(aruba_central.troubleshooting.gateway_iperf) does
    (a server pool, busy retries, one time budget) and judges the result against thresholds, in the controller
    itself. Nothing is copied to or run on the gateway host.
  - Variables are taken as they are set, survey answers as strings; an empty string leaves an optional value unset.
    Every problem with them gives the verdict ERROR with reason C(not_run) and a message naming the variable, and no
    traffic starts.
  - The task never fails the host for a gateway that could not be tested or did not pass; the verdict says so.
    The role fails those hosts at the end, after the reports are written.
  - Most users do not call it directly; use the role or the playbook
    C(aruba_central.troubleshooting.validate_gateway_bandwidth).
author:
  - Collection contributors (@aruba-central-troubleshooting)
extends_documentation_fragment:
  - aruba_central.troubleshooting.connection
  - aruba_central.troubleshooting.attributes
  - aruba_central.troubleshooting.attributes.actiongroup_central
  - aruba_central.troubleshooting.attributes.facts
attributes:
  check_mode:
    support: partial
    details:
      - In check mode the variables are checked and the gateway is looked up (credentials, known, online); no test
        starts, no verdict is recorded, and the task fails when the check fails.
  diff_mode:
    support: none
    details:
      - Nothing is configured; there is nothing to compare.
options:
  serial_number:
    description: The gateway's serial number.
    type: raw
  server_pool:
    description:
      - iperf3 server endpoints, C(host) or C(host:port), as a list or a comma-separated string.
      - See O(aruba_central.troubleshooting.gateway_iperf#module:server_pool).
    type: raw
  protocol:
    description: V(tcp) or V(udp).
    type: raw
    default: tcp
  duration:
    description: Seconds, 10 to 120.
    type: raw
    default: 10
  parallel:
    description: Streams, 1 to 128.
    type: raw
    default: 1
  include_reverse:
    description:
      - Also measure the download direction (the server sending to the gateway).
      - V(true) here, as in the role, where validating a link means both directions;
        M(aruba_central.troubleshooting.gateway_iperf) defaults to V(false), like Central's own API.
    type: raw
    default: true
  omit:
    description: Warm-up seconds left out, 0 to 60; empty for none.
    type: raw
  vlan_interface:
    description: VLAN interface to test from; empty for the gateway's default.
    type: raw
  wait_timeout:
    description: See O(aruba_central.troubleshooting.gateway_iperf#module:wait_timeout); empty for the learnt default.
    type: raw
  busy_retries:
    description: See O(aruba_central.troubleshooting.gateway_iperf#module:busy_retries); empty for 3.
    type: raw
  server_wait_timeout:
    description: See O(aruba_central.troubleshooting.gateway_iperf#module:server_wait_timeout); empty for 600.
    type: raw
  lease_dir:
    description: See O(aruba_central.troubleshooting.gateway_iperf#module:lease_dir).
    type: path
  thresholds:
    description:
      - The thresholds, names as in the filter C(aruba_central.troubleshooting.bandwidth_verdict) (for example
        C(min_receiver_mbps)); unset ones (null or empty) are not checked.
    type: raw
  checks:
    description: Extra JMESPath checks over the result, as the filter C(aruba_central.troubleshooting.bandwidth_verdict) takes them.
    type: raw
  confirm:
    description:
      - The production guard. A test fills the gateway's uplink for its duration; unless this is V(true) no test
        starts and the verdict is ERROR C(not_run). Not needed in check mode.
    type: raw
    default: false
  previous:
    description:
      - The verdict of an earlier attempt of this gateway in this run (the second pass of the role). The new verdict
        keeps it, with any before it, under C(attempts).
    type: raw
  slice_count:
    description:
      - Keep concurrent runs (AWX job slices, several controllers) off each other's iperf server endpoints. With V(n)
        slices, a gateway uses only every n-th endpoint of O(server_pool), starting at its slice number.
      - Every slice computes the same partition, so two slices never share an endpoint. Empty or V(1) for no partition.
    type: raw
  slice_number:
    description:
      - The slice of this gateway, 0 to O(slice_count) - 1. Empty to take C(gateway_index) modulo O(slice_count), which
        matches how AWX slices a name-sorted inventory.
    type: raw
  gateway_index:
    description:
      - The gateway's position in the whole name-sorted inventory, as the inventory plugin
        C(aruba_central.troubleshooting.gateways) gives it (C(central_index)). Only used with O(slice_count).
    type: raw
  variable_prefix:
    description: Put in front of option names in problem messages (the role passes C(gateway_bandwidth_)).
    type: str
    default: ""
notes:
  - An action in the controller; the gateway host needs no connection. A gateway's step ends within
    O(server_wait_timeout) + O(wait_timeout) + one O(request_timeout), as M(aruba_central.troubleshooting.gateway_iperf).
seealso:
  - module: aruba_central.troubleshooting.gateway_iperf
  - name: The gateway_bandwidth role
    description: Variables, thresholds and the verdict.
    link: https://github.com/aruba-central-troubleshooting/aruba_central.troubleshooting/blob/main/roles/gateway_bandwidth/README.md
"""

EXAMPLES = r"""
- name: Test every gateway and record its verdict (what the role does)
  aruba_central.troubleshooting.gateway_bandwidth_test:
    serial_number: "{{ serial_number | default(inventory_hostname) }}"
    server_pool: "10.0.0.5:5201,10.0.0.6:5201"
    thresholds:
      min_receiver_mbps: 50
      max_stalled_intervals: 2
    confirm: true
  register: tested

- name: Show the verdict
  ansible.builtin.debug:
    msg: "{{ tested.ansible_facts.gateway_bandwidth_verdict.verdict }}: {{ tested.msg }}"
"""

RETURN = r"""
msg:
  description: "The verdict on one line, C(<verdict> <serial>: <message>)."
  returned: always
  type: str
  sample: "FAIL CNF7G9K001: upload receiver 7.67 Mbit/s < 50 Mbit/s"
attempts:
  description: The starts of the test, as M(aruba_central.troubleshooting.gateway_iperf) returns them.
  returned: when not in check mode
  type: list
  elements: dict
bandwidth_step:
  description: What the progress callback reads, C(seconds) (of this step), C(pool_size) and C(server).
  returned: when not in check mode
  type: dict
ansible_facts:
  description: Facts set on the gateway host.
  returned: when not in check mode
  type: dict
  contains:
    gateway_bandwidth_verdict:
      description:
        - The verdict record (see the role's README), with C(verdict) PASS, WARN, FAIL or ERROR, C(reason), C(message),
          C(checks), C(measurements), C(test), C(transient) (an ERROR whose cause may pass on a second try,
          C(server_busy), C(timeout), C(rate_limited), a 5xx), and C(attempts) (earlier attempts, oldest first).
      returned: always
      type: dict
    gateway_iperf:
      description: The test's result, as M(aruba_central.troubleshooting.gateway_iperf) returns it.
      returned: when a test was started
      type: dict
"""

#!/usr/bin/python
# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: gateway_iperf
short_description: Run an iperf bandwidth test on a gateway through HPE Aruba Networking Central and wait for its numbers
version_added: 0.1.0
description:
  - Starts an iperf3 test on one gateway through Central's C(network-troubleshooting) API (the gateway is the iperf3
    client), waits until Central reports it C(COMPLETED) or C(FAILED), and returns the measured numbers in
    RV(ansible_facts.gateway_iperf), the same structure M(aruba_central.troubleshooting.gateway_iperf_result) returns.
  - An iperf3 server runs one test at a time. Before starting, the module leases an iperf server endpoint
    (O(server_address) on O(port), or a free endpoint of O(server_pool)) with a lock file on the controller, so that
    runs of this module on the same controller (forks, parallel jobs) never put two tests on one endpoint; a run
    waits up to O(server_wait_timeout) for a free endpoint. The lease is held until the test completed or the wait
    ended; a run that is killed releases it automatically.
  - A test that completed with the iperf server busy (someone outside this controller was testing on it) is not a
    measurement. The module keeps the other runs on this controller off that endpoint for a short while (the test's
    O(duration), between 10 and 120 seconds), waits a random 2 to 8 seconds, and starts the test again on another
    endpoint when there is one, up to O(busy_retries) times; only then does it fail with C(error_type=server_busy).
  - Every option is checked against Central's limits before any request is sent. The token is obtained before an
    iperf server is leased, so a token problem never holds a server and is reported as C(error_type=auth).
  - The whole run has one time budget, O(server_wait_timeout) for waiting for a free endpoint plus O(wait_timeout)
    for everything else; the module ends within their sum plus one O(request_timeout).
  - When the answer to the start is lost after the request went out (connection lost, a 5xx, an answer that cannot
    be followed), the module asks Central which tests the gateway has (list-tasks, C(v1) only) before anything else,
    and follows the test it started; it starts the test again only when Central lists none. It never puts a second
    test on the gateway.
  - A test is a success only when it C(COMPLETED) with at least one measured figure and no failure reason; a test
    Central reports complete without any figure fails with C(error_type=no_measurement). Anything else makes the
    module fail with a one-line message and RV(error_type), and still returns what it saw.
author:
  - Collection contributors (@aruba-central-troubleshooting)
extends_documentation_fragment:
  - aruba_central.troubleshooting.connection
  - aruba_central.troubleshooting.wait
  - aruba_central.troubleshooting.attributes
  - aruba_central.troubleshooting.attributes.actiongroup_central
  - aruba_central.troubleshooting.attributes.facts
attributes:
  check_mode:
    support: partial
    details:
      - In check mode the module checks every option, gets a token, and checks that Central knows the gateway and
        reports it online. It starts no test, leases no iperf server and returns C(changed=false) with a message
        saying what would run.
  diff_mode:
    support: none
    details:
      - Starting a test changes no configuration; there is nothing to compare.
options:
  serial_number:
    description:
      - Serial number of the gateway that runs the test (the iperf3 client).
    type: str
    required: true
  server_address:
    description:
      - Host name or IP address of the iperf3 server, without a port (set that with O(port)).
      - Exactly one of O(server_address) and O(server_pool) is required.
      - Treated as a pool of one endpoint, so runs on one controller take turns on it instead of failing as busy.
    type: str
  port:
    description:
      - TCP port of the iperf3 server given in O(server_address), 1 to 65535.
      - With O(server_pool), the port of the endpoints that name none.
      - Default V(5201), iperf3's own default.
    type: int
  server_pool:
    description:
      - iperf3 server endpoints to share between gateways, each C(host), C(host:port) or C([IPv6 address]:port).
      - The run takes a free endpoint, starting at a place derived from O(serial_number) so that parallel runs
        spread over the pool; no two runs on this controller use one endpoint at the same time.
      - Endpoints are compared as written (after normalizing case and IPv6 notation); a host name and its IP address
        are two endpoints.
      - Protection only lasts while the module runs, so use O(wait=true) with a pool.
    type: list
    elements: str
  duration:
    description:
      - Length of the test in seconds, 10 to 120.
      - A test uses the gateway's uplink and CPU for this long (twice with O(include_reverse)).
    type: int
    default: 10
  parallel:
    description:
      - Number of parallel streams, 1 to 128.
    type: int
    default: 1
  omit:
    description:
      - Seconds at the start of the test left out of the results (TCP slow start), 1 to 60.
      - V(0) sends nothing and Central omits nothing.
    type: int
    default: 0
  include_reverse:
    description:
      - Also measure the other direction (the server sending to the gateway), returned as
        RV(ansible_facts.gateway_iperf.download). The test then takes about twice as long.
      - V(false) here, as in Central's own API (one test, the direction asked for). The role
        C(aruba_central.troubleshooting.gateway_bandwidth) and M(aruba_central.troubleshooting.gateway_bandwidth_test)
        default to V(true) on purpose, because validating a link means both directions.
    type: bool
    default: false
  vlan_interface:
    description:
      - VLAN interface of the gateway to run the test from, for example V(152).
    type: str
  protocol:
    description:
      - Protocol of the test.
      - Central's gateway iperf has no bandwidth setting; iperf3's own default UDP rate is 1 Mbit/s, so unless the
        gateway sets another rate a UDP test measures jitter and loss, not capacity.
    type: str
    choices: [tcp, udp]
    default: tcp
  include_raw_output:
    description:
      - Ask Central for iperf3's text output. The module parses it for retransmits, congestion window, per-interval
        figures and UDP loss; without it only Central's summary strings are available.
    type: bool
    default: true
  busy_retries:
    description:
      - How many times to start the test again after it completed with the iperf server busy, 0 to 10.
    type: int
    default: 3
  server_wait_timeout:
    description:
      - How many seconds the run may wait in total for a free endpoint of the pool (over every start of the test)
        before failing with C(error_type=server_busy). Forks waiting for an endpoint are served in the order they
        started waiting.
      - A run waits about (forks / endpoints - 1) times the wall time of one test when every fork tests at once.
    type: float
    default: 600
  lease_dir:
    description:
      - Local directory holding the lease files, shared by every run on the controller.
      - Default C($XDG_RUNTIME_DIR/aruba_central_troubleshooting/leases), or
        C(~/.cache/aruba_central_troubleshooting/leases) without C(XDG_RUNTIME_DIR). Created with mode C(0700).
      - Must be on a local file system (the leases are C(flock) locks). Runs that use different directories do not
        see each other's leases.
    type: path
notes:
  - C(changed) is V(true) when a test was started (a test uses bandwidth on the gateway's uplink), V(false) otherwise.
  - Default O(wait_timeout) is learnt on the controller from how long earlier tests of the same length took against
    the same Central (a high percentile plus a margin; tests that timed out count too), and is never below 48 seconds
    of Central set-up, plus O(duration) (twice with O(include_reverse)), plus 60 seconds; for a default 10-second
    test, at least 118 seconds. RV(wait_timeout) says which value the run used.
  - With O(wait=false) the module returns once Central accepted the test; collect the result with
    M(aruba_central.troubleshooting.gateway_iperf_result). The lease on the iperf server ends when the module returns,
    so the server is not protected from the next run. Use O(wait=true) with O(server_pool) or parallel runs.
  - Leases coordinate runs on one controller only. Runs on other controllers or in other AWX job slices that use the
    same endpoints are handled by the busy retries; give each slice its own endpoints where possible.
  - Run it once per gateway (a task on the gateway hosts with C(delegate_to=localhost) or C(connection=local)), not
    in a loop on one host, so that forks and AWX job slicing spread the tests.
seealso:
  - module: aruba_central.troubleshooting.gateway_iperf_result
  - module: aruba_central.troubleshooting.gateway_info
  - name: Central troubleshooting API
    description: HPE's reference for starting a gateway iperf test.
    link: https://developer.arubanetworks.com/new-central/reference/initiategwiperfv1
"""

EXAMPLES = r"""
- name: Measure one gateway's upload against one iperf server
  aruba_central.troubleshooting.gateway_iperf:
    serial_number: CNF7G9K001
    server_address: 198.51.100.10
  delegate_to: localhost
  register: measured

- name: Show the receiver bandwidth
  ansible.builtin.debug:
    msg: "{{ (measured.ansible_facts.gateway_iperf.upload.receiver.bits_per_second / 1e6) | round(2) }} Mbit/s"

- name: Both directions for every gateway host, sharing three iperf servers among the forks
  module_defaults:
    group/aruba_central.troubleshooting.central:
      base_url: https://us1.api.central.arubanetworks.com
      client_id: "{{ central_client_id }}"
      client_secret: "{{ central_client_secret }}"
  aruba_central.troubleshooting.gateway_iperf:
    serial_number: "{{ serial_number | default(inventory_hostname) }}"
    server_pool:
      - 198.51.100.10
      - 198.51.100.11:5202
      - "[2001:db8::10]:5201"
    duration: 20
    parallel: 4
    include_reverse: true
  delegate_to: localhost

- name: Start a UDP test without waiting
  aruba_central.troubleshooting.gateway_iperf:
    serial_number: CNF7G9K001
    server_address: iperf.example.net
    port: 5202
    protocol: udp
    wait: false
  delegate_to: localhost
  register: started

- name: Collect it later
  aruba_central.troubleshooting.gateway_iperf_result:
    location: "{{ started.location }}"
  delegate_to: localhost

- name: Check that the gateway is known and online, without starting a test
  aruba_central.troubleshooting.gateway_iperf:
    serial_number: CNF7G9K001
    server_address: 198.51.100.10
  check_mode: true
  delegate_to: localhost
"""

RETURN = r"""
msg:
  description: What ran or would run (check mode), or why the run failed.
  returned: always
  type: str
  sample: 10-second TCP iperf test with 1 stream(s) against 198.51.100.10:5201
task_id:
  description: Task id of the last test started (the last segment of RV(location)).
  returned: when a test was started
  type: str
  sample: 8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f
location:
  description: The C(location) path Central returned for the last test started, for
    M(aruba_central.troubleshooting.gateway_iperf_result).
  returned: when a test was started
  type: str
  sample: /network-troubleshooting/v1/gateways/CNF7G9K001/iperf/async-operations/8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f
status:
  description: Central's status of the last test when the module returned (V(INITIATED) with O(wait=false)).
  returned: when a test was started
  type: str
  sample: COMPLETED
server:
  description: The iperf server endpoint of the last test started, C(host:port) or C([IPv6]:port).
  returned: when an endpoint was leased
  type: str
  sample: 198.51.100.10:5201
attempts:
  description:
    - Every start of the test, in order, with C(endpoint), C(task_id) (V(null) when Central refused the start) and
      C(outcome) (V(succeeded), V(started) with O(wait=false), or the error type, for example V(server_busy)).
  returned: always
  type: list
  elements: dict
  sample:
    - {endpoint: "198.51.100.10:5201", task_id: 0d6f5b1c-9c1e-4a57-9a43-3b6d1e0b7f11, outcome: server_busy}
    - {endpoint: "198.51.100.11:5202", task_id: 8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f, outcome: succeeded}
gateway:
  description: The gateway as Central lists it (check mode only), in the shape M(aruba_central.troubleshooting.gateway_info) returns.
  returned: in check mode
  type: dict
error_type:
  description:
    - Why the test could not be measured, machine-readable; absent on success.
    - One of V(test_failed), V(server_busy), V(server_unreachable), V(device_offline), V(device_not_found),
      V(task_not_found), V(timeout), V(auth), V(forbidden), V(rate_limited), V(no_measurement), V(api_error).
  returned: on failure
  type: str
  sample: device_offline
wait_timeout:
  description: The O(wait_timeout) of the run in seconds, the one given or the learnt default.
  returned: when the run started
  type: float
  sample: 118.0
server_wait:
  description: Seconds the run waited for a free endpoint of the pool (counted against O(server_wait_timeout)).
  returned: when the run started
  type: float
  sample: 3.2
api_error:
  description: Central's error answer when an API call failed (C(error_type), C(status), C(error_code), C(api_message), C(path)).
  returned: when an API call failed
  type: dict
ansible_facts:
  description: Facts set on the host the task ran for.
  returned: when a test was started
  type: dict
  contains:
    gateway_iperf:
      description:
        - The test and its measured numbers, exactly as M(aruba_central.troubleshooting.gateway_iperf_result) returns
          them (see there for every key). Bits per second and bytes are plain integers.
        - With O(wait=false), Central's first answer (C(INITIATED), RV(ansible_facts.gateway_iperf.succeeded=false)).
      returned: when a test was started
      type: dict
      contains:
        serial_number:
          description: The gateway's serial number.
          type: str
          returned: always
        task_id:
          description: The test's task id.
          type: str
          returned: always
        status:
          description: Central's status, V(INITIATED), V(RUNNING), V(COMPLETED) or V(FAILED).
          type: str
          returned: always
        succeeded:
          description: V(true) only when the test C(COMPLETED) with at least one measured figure, no C(failReason)
            and no iperf3 error.
          type: bool
          returned: always
        error_type:
          description: V(null) on success; else why it did not measure (see RV(error_type)).
          type: str
          returned: always
        fail_reason:
          description: Central's C(failReason), or the iperf3 error text; V(null) on success.
          type: str
          returned: always
        server_address:
          description: The iperf server the gateway tested against.
          type: str
          returned: always
        server_port:
          description: The iperf server port.
          type: int
          returned: always
        upload:
          description: The gateway sending (the test as requested); C(sender), C(receiver), C(intervals),
            C(stalled_intervals), C(udp). V(null) when not measured.
          type: dict
          returned: always
        download:
          description: The server sending to the gateway (with O(include_reverse)), same shape as
            RV(ansible_facts.gateway_iperf.upload).
          type: dict
          returned: always
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import SYSTEM_CLOCK
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._args import client_from_params
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._module import answer
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._gateway_iperf import (
    MUTUALLY_EXCLUSIVE,
    REQUIRED_ONE_OF,
    REQUIRED_TOGETHER,
    argument_spec,
    run_gateway_iperf,
)


def main():
    module = AnsibleModule(argument_spec=argument_spec(), mutually_exclusive=MUTUALLY_EXCLUSIVE,
                           required_one_of=REQUIRED_ONE_OF, required_together=REQUIRED_TOGETHER,
                           supports_check_mode=True)
    response, failure, warnings = run_gateway_iperf(module.params, module.check_mode, SYSTEM_CLOCK,
                                                    client_factory=client_from_params)
    answer(module, response, failure, warnings)


if __name__ == "__main__":
    main()

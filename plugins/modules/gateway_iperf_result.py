#!/usr/bin/python
# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: gateway_iperf_result
short_description: Wait for a gateway iperf test in HPE Aruba Networking Central and return its measured numbers
version_added: 0.1.0
description:
  - Looks up one gateway iperf test (an async operation of Central's C(network-troubleshooting) API) by its task id,
    waits until Central reports it C(COMPLETED) or C(FAILED), and returns the result as numbers in
    RV(ansible_facts.gateway_iperf), the same structure M(aruba_central.troubleshooting.gateway_iperf) returns.
  - A test is a success only when it C(COMPLETED) with at least one measured figure and no failure reason. A test
    that Central reports as C(COMPLETED) with a C(failReason) (for example because the iperf server was busy) makes
    the module fail, with RV(error_type) saying why; one without any figure fails with C(error_type=no_measurement).
    A status Central does not document (for example C(CANCELLED)) ends the wait at once with C(error_type=api_error)
    naming it; statuses are read in any letter case. A test still running when O(wait_timeout) passes fails with
    C(error_type=timeout) and still returns the last state seen.
  - An answer worth asking again (a 5xx, no answer, a C(200) that cannot be read) is asked again, up to three times in
    a row, within O(wait_timeout).
  - The module ends within O(wait_timeout) plus one O(request_timeout), whatever Central answers.
  - Each figure comes from Central's raw iperf3 text when the text carries it (retransmits, congestion window, UDP
    loss are only there), else from Central's C(output) strings, figure by figure; each direction's C(sources) says
    where each figure came from (V(raw_output), V(output), or V(derived) for the receiver of an iperf 3.0 UDP test,
    computed from the datagrams sent and lost).
  - Use it to collect a test started with O(aruba_central.troubleshooting.gateway_iperf#module:wait=false), or one
    started elsewhere (the Central UI, another job).
author:
  - aruba_central.troubleshooting contributors (@aruba-central-troubleshooting)
extends_documentation_fragment:
  - aruba_central.troubleshooting.connection
  - aruba_central.troubleshooting.wait
  - aruba_central.troubleshooting.attributes
  - aruba_central.troubleshooting.attributes.actiongroup_central
  - aruba_central.troubleshooting.attributes.check_mode_readonly
  - aruba_central.troubleshooting.attributes.facts
options:
  serial_number:
    description:
      - Serial number of the gateway the test ran on.
      - Optional when O(location) is given (the serial is taken from it); when both are given they must agree.
    type: str
  task_id:
    description:
      - The test's task id, a UUID (the last segment of the C(location) Central returned when the test started).
    type: str
  location:
    description:
      - The C(location) path Central returned when the test started, for example
        V(/network-troubleshooting/v1/gateways/CNF7G9K001/iperf/async-operations/8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f).
      - Alternative to O(task_id).
    type: str
notes:
  - C(changed) is always V(false), since looking at a test changes nothing.
  - The wait plans its polls from what it knows (Central's reported progress and how long earlier tests took on this
    controller, kept beside the token cache) and polls about once a second near the expected end.
seealso:
  - module: aruba_central.troubleshooting.gateway_iperf
  - name: Central troubleshooting API
    description: HPE's reference for the gateway iperf async operation.
    link: https://developer.arubanetworks.com/new-central/reference/getgwiperfresultv1
"""

EXAMPLES = r"""
- name: Collect a test started earlier without waiting
  aruba_central.troubleshooting.gateway_iperf_result:
    serial_number: CNF7G9K001
    task_id: "{{ started.task_id }}"
  delegate_to: localhost
  register: measured

- name: Show the receiver bandwidth of the upload direction
  ansible.builtin.debug:
    msg: "{{ (measured.ansible_facts.gateway_iperf.upload.receiver.bits_per_second / 1e6) | round(2) }} Mbit/s"

- name: Look a test up by the location Central returned, credentials from module_defaults
  module_defaults:
    group/aruba_central.troubleshooting.central:
      base_url: https://us1.api.central.arubanetworks.com
      client_id: "{{ central_client_id }}"
      client_secret: "{{ central_client_secret }}"
  aruba_central.troubleshooting.gateway_iperf_result:
    location: "{{ started.location }}"
    wait_timeout: 180
  delegate_to: localhost
"""

RETURN = r"""
task_id:
  description: The task id that was looked up.
  returned: always
  type: str
  sample: 8c9f0f3e-2a4b-4c1d-9e8f-0a1b2c3d4e5f
status:
  description: Central's own status of the test when the module returned.
  returned: when Central answered
  type: str
  sample: COMPLETED
error_type:
  description:
    - Why the test could not be measured, machine-readable; absent on success.
    - One of V(test_failed), V(server_busy), V(server_unreachable), V(device_offline), V(device_not_found),
      V(task_not_found), V(timeout), V(auth), V(forbidden), V(rate_limited), V(no_measurement), V(api_error).
  returned: on failure
  type: str
  sample: server_busy
ansible_facts:
  description: Facts set on the host the task ran for.
  returned: when Central answered
  type: dict
  contains:
    gateway_iperf:
      description: The test and its measured numbers. Bits per second and bytes are plain integers.
      returned: when Central answered
      type: dict
      contains:
        serial_number:
          description: The gateway's serial number.
          type: str
          returned: always
          sample: CNF7G9K001
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
          description: V(null) on success or while running; else why it did not measure (see RV(error_type)).
          type: str
          returned: always
        fail_reason:
          description: Central's C(failReason), or the iperf3 error text; V(null) on success.
          type: str
          returned: always
        progress_percent:
          description: Central's C(progressPercent).
          type: int
          returned: always
        start_time:
          description: When Central started the test (RFC 3339, as Central sent it).
          type: str
          returned: always
          sample: "2025-05-20T14:02:29.753198552Z"
        end_time:
          description: When the test ended, V(null) while it runs.
          type: str
          returned: always
        server_address:
          description: The iperf server the gateway tested against.
          type: str
          returned: always
        server_port:
          description: The iperf server port, when the test was started by this collection.
          type: int
          returned: always
        iperf_version:
          description: The gateway's iperf3 version, from the raw output.
          type: str
          returned: always
          sample: 3.0.11
        protocol:
          description: V(tcp) or V(udp).
          type: str
          returned: always
        streams:
          description: Number of parallel streams.
          type: int
          returned: always
        duration_seconds:
          description:
            - Length of the test in seconds as measured (the end of iperf3's summary, for example V(10.04)); the
              requested duration when the text has no summary.
          type: float
          returned: always
        include_reverse:
          description:
            - Whether the reverse direction was asked for; V(null) when the test was not started by this collection.
          type: bool
          returned: always
        upload:
          description:
            - The direction the test measures as requested, the gateway sending (iperf3 client to server).
            - V(null) when it was not measured.
          type: dict
          returned: always
          contains:
            sender:
              description: Sender summary, C(bits_per_second), C(bytes), C(retransmits) (TCP, from the raw output).
              type: dict
            receiver:
              description: Receiver summary, C(bits_per_second), C(bytes).
              type: dict
            intervals:
              description:
                - One entry per reporting interval, C(start), C(end), C(bits_per_second), C(bytes), C(retransmits),
                  C(cwnd_bytes), C(omitted). With several streams, the C([SUM]) lines.
              type: list
              elements: dict
            stalled_intervals:
              description: Intervals (not omitted) at 0 bits per second.
              type: int
            udp:
              description: For UDP, C(jitter_ms), C(lost_datagrams), C(total_datagrams), C(loss_percent); else V(null).
              type: dict
            streams_detail:
              description: Per-stream intervals and summaries, only with several streams.
              type: list
              elements: dict
            sources:
              description:
                - Where each figure came from, C(sender) and C(receiver) (each with C(bits_per_second), C(bytes) and,
                  for the sender, C(retransmits)) and C(intervals); each V(raw_output) (Central's iperf3 text),
                  V(output) (Central's output strings), V(derived) (an iperf 3.0 UDP receiver computed from the
                  datagrams sent and lost) or V(null) (not measured).
              type: dict
              sample: {sender: {bits_per_second: raw_output, bytes: raw_output, retransmits: raw_output},
                       receiver: {bits_per_second: output, bytes: output}, intervals: raw_output}
        download:
          description: The reverse direction (the server sending to the gateway), same shape as RV(ansible_facts.gateway_iperf.upload).
          type: dict
          returned: always
        output:
          description: Central's C(output) object, unchanged.
          type: dict
          returned: always
        raw_output:
          description: Central's C(rawOutput) iperf3 text, unchanged.
          type: str
          returned: always
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._budget import RunBudget
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._args import (
    CONNECTION_MUTUALLY_EXCLUSIVE,
    CONNECTION_REQUIRED_ONE_OF,
    CONNECTION_REQUIRED_TOGETHER,
    client_from_params,
    connection_argument_spec,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._module import done, fail, warn_client
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import SYSTEM_CLOCK
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._request import seconds_option
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._wait import (
    DEFAULT_RESULT_WAIT_TIMEOUT,
    TaskWaiter,
    outcome_failure,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._troubleshooting import (
    parse_location,
    validate_serial,
    validate_task_id,
)


def resolve_target(params):
    """(serial_number, task_id) from the options, validated before any URL is built."""
    serial, task_id, location = params["serial_number"], params["task_id"], params["location"]
    if location:
        from_location, task_id = parse_location(location)
        if serial and validate_serial(serial) != from_location:
            raise ValueError("serial_number %r does not match the serial %r in location" % (serial, from_location))
        serial = from_location
    if not serial:
        raise ValueError("serial_number is required unless location is given")
    return validate_serial(serial), validate_task_id(task_id)


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        serial_number=dict(type="str"),
        task_id=dict(type="str"),
        location=dict(type="str"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="float"),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("task_id", "location")] + CONNECTION_MUTUALLY_EXCLUSIVE,
        required_one_of=[("task_id", "location")] + CONNECTION_REQUIRED_ONE_OF,
        required_together=CONNECTION_REQUIRED_TOGETHER,
        supports_check_mode=True,
    )
    params = module.params
    try:
        serial, task_id = resolve_target(params)
        wait_timeout = seconds_option("wait_timeout", params["wait_timeout"]) or DEFAULT_RESULT_WAIT_TIMEOUT
    except ValueError as exc:
        fail(module, exc)

    budget = RunBudget(SYSTEM_CLOCK, wait_timeout)
    client = None
    try:
        client = client_from_params(params, clock=SYSTEM_CLOCK)
        warn_client(module, client)
        waiter = TaskWaiter(client, SYSTEM_CLOCK)
        if params["wait"]:
            result, outcome = waiter.wait(serial, task_id, budget.deadline)
            failure = outcome_failure(result, outcome)
        else:
            result = waiter.look(serial, task_id, budget.deadline)
            failure = outcome_failure(result, None) if result["error_type"] else None
    except (CentralError, ValueError) as exc:
        fail(module, exc, client, task_id=task_id)

    done(module, client, failure, changed=False, task_id=task_id, status=result["status"],
         ansible_facts=dict(gateway_iperf=result))


if __name__ == "__main__":
    main()

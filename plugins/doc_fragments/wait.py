# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# Copyright: contributors to the aruba_central.troubleshooting collection


class ModuleDocFragment:
    """Options for waiting on a Central iperf test."""

    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Wait until Central reports the test C(COMPLETED) or C(FAILED), and return its parsed result.
      - With V(false), return at once with what Central says now (C(INITIATED) or C(RUNNING) is not a failure then,
        and not a pass either, RV(ansible_facts.gateway_iperf.succeeded) is V(false) until the test completed).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for the test at most. The module never runs longer than this plus one
        O(request_timeout).
      - On timeout the module fails with C(error_type=timeout) and still returns the last state it saw.
      - Central needs about 50 seconds to set a test up before it runs; a 10-second test took about 58 seconds
        end to end in HPE's own example.
    type: float
"""

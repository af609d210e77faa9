# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

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
      - How many seconds the module may spend on the test, from getting a token to the last poll. Every step spends
        from this one budget (the token request, starting the test, retries after a busy iperf server, waiting out
        Central's rate limit, polling); none starts it afresh. Waiting for a free iperf server is counted
        separately, see O(aruba_central.troubleshooting.gateway_iperf#module:server_wait_timeout).
      - The module never runs longer than this, plus one O(request_timeout) for a last request started just before
        the budget ran out (plus O(aruba_central.troubleshooting.gateway_iperf#module:server_wait_timeout) in
        M(aruba_central.troubleshooting.gateway_iperf)).
      - A wait that would end past the budget is never started. When Central's rate limit resets later than that
        (C(X-RateLimit-Reset), C(Retry-After)), the module fails at once with C(error_type=rate_limited) and says
        when Central accepts requests again.
      - When the test is still running at the end, the module fails with C(error_type=timeout) and still returns the
        last state it saw.
      - Central needs about 50 seconds to set a test up before it runs; a 10-second test took about 58 seconds
        end to end in HPE's own example.
    type: float
"""

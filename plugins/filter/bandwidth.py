# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bandwidth threshold filters: the per-gateway verdict and the validation of thresholds and checks.

Documentation: bandwidth_verdict.yml and bandwidth_input_problems.yml beside this file.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._thresholds import evaluate, input_problems


def bandwidth_verdict(result, thresholds=None, checks=None, serial_number=None, variable_prefix="", baseline=None,
                      contract=None, baseline_runs=None, baseline_min_runs=None):
    """The PASS / WARN / FAIL / ERROR verdict record for one gateway_iperf result."""
    try:
        return evaluate(result, thresholds, checks, serial_number=serial_number, variable_prefix=variable_prefix,
                        baseline=baseline, contract=contract, baseline_runs=baseline_runs,
                        baseline_min_runs=baseline_min_runs)
    except ValueError as exc:
        raise AnsibleFilterError("bandwidth_verdict: %s" % exc) from None


def bandwidth_input_problems(thresholds, checks=None, variable_prefix="", contract=None, baseline_runs=None,
                             baseline_min_runs=None):
    """One message per invalid threshold, check, contract or baseline option; an empty list when all are valid."""
    return input_problems(thresholds, checks, variable_prefix=variable_prefix, contract=contract,
                          baseline_runs=baseline_runs, baseline_min_runs=baseline_min_runs)


class FilterModule:
    """Bandwidth threshold filters."""

    def filters(self):
        return {"bandwidth_verdict": bandwidth_verdict, "bandwidth_input_problems": bandwidth_input_problems}

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The action gateway_bandwidth_test: one gateway's check, test and verdict, in the controller (no module to copy)."""

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import SYSTEM_CLOCK
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._bandwidth_step import (
    MUTUALLY_EXCLUSIVE,
    REQUIRED_TOGETHER,
    argument_spec,
    invalid_options,
    run_step,
)


class ActionModule(ActionBase):
    """Runs in the controller's worker for the gateway host: nothing is sent to the host itself."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        check_mode = bool(self._task.check_mode)
        try:
            validation, args = self.validate_argument_spec(argument_spec=argument_spec(),
                                                           mutually_exclusive=MUTUALLY_EXCLUSIVE,
                                                           required_together=REQUIRED_TOGETHER)
        except AnsibleActionFail as exc:
            # Options of the wrong shape are a problem of this gateway's variables: an ERROR verdict, not a failed
            # host, so that the reports still list it (in check mode the host fails, which is what a dry run is for).
            result.update(invalid_options(self._task.args, str(exc), check_mode))
            return result
        outcome = run_step(args, check_mode=check_mode, clock=SYSTEM_CLOCK)
        if "bandwidth_step" in outcome and not check_mode:
            # For the progress callback: how many gateways this play tests.
            outcome["bandwidth_step"]["fleet_size"] = len((task_vars or {}).get("ansible_play_hosts_all") or [])
        # Secrets given as options or taken from the environment (client_secret, access_token) never reach the
        # result, whatever quotes them; the arguments are shown at -vvv as a module shows them, secrets masked.
        no_log_values = validation._no_log_values
        result.update(remove_values(outcome, no_log_values))
        result["invocation"] = {"module_args": remove_values(args, no_log_values)}
        return result

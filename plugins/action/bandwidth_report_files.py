# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The action bandwidth_report_files: every report file of a run, written at once in the controller."""

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._files import handed_on, write_reports
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import ReportInputError

ARGUMENT_SPEC = dict(
    entries=dict(type="raw", required=True),
    metadata=dict(type="dict", default={}),
    formats=dict(type="list", elements="str", default=["json", "junit", "csv", "markdown", "html"]),
    directory=dict(type="path", required=True),
    basename=dict(type="str", default="bandwidth_report"),
    mode=dict(type="raw", default="0644"),
    metrics_file=dict(type="path"),
    hand_on=dict(type="bool", default=False),
)


class ActionModule(ActionBase):
    """Renders and writes in the controller; nothing is sent to the host the task runs for."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        try:
            mode = int(str(args["mode"]), 8)
        except ValueError:
            raise AnsibleActionFail("mode must be an octal file mode such as 0644, got %r" % (args["mode"],)) from None
        if self._task.check_mode:
            result.update(changed=False, skipped=True, msg="check mode: no report written")
            return result
        try:
            paths, changed = write_reports(args["entries"], args["metadata"], args["formats"], args["directory"],
                                           args["basename"], mode, args.get("metrics_file"))
        except (ReportInputError, OSError) as exc:
            raise AnsibleActionFail("writing the reports failed: %s" % exc) from None
        result.update(changed=changed, files=paths, directory=args["directory"])
        if args["hand_on"]:
            result["hosts"] = handed_on(args["entries"], args["metadata"])
        return result

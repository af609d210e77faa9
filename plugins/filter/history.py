# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters for the gateway bandwidth history: rows as CSV, and as a few lines for the job output.

Documentation: bandwidth_history_csv.yml and bandwidth_history_lines.yml beside this file.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._history_export import (
    history_csv,
    history_lines,
)
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import ReportInputError


def bandwidth_history_csv(rows):
    """History rows as CSV text."""
    try:
        return history_csv(rows)
    except ReportInputError as exc:
        raise AnsibleFilterError("bandwidth_history_csv: %s" % exc) from None


def bandwidth_history_lines(rows):
    """History rows as one line per gateway and direction."""
    try:
        return history_lines(rows)
    except ReportInputError as exc:
        raise AnsibleFilterError("bandwidth_history_lines: %s" % exc) from None


class FilterModule:
    """Bandwidth history filters."""

    def filters(self):
        return {"bandwidth_history_csv": bandwidth_history_csv, "bandwidth_history_lines": bandwidth_history_lines}

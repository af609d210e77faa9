# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters for Prometheus: a run's figures as OpenMetrics text, and the Pushgateway URL to push them to.

Documentation: bandwidth_report_openmetrics.yml and bandwidth_pushgateway_url.yml beside this file.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._metrics import (
    pushgateway_url,
    render_openmetrics,
)
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import ReportInputError


def bandwidth_report_openmetrics(entries, metadata=None):
    """The run's figures in the OpenMetrics text format."""
    try:
        return render_openmetrics(entries, metadata)
    except ReportInputError as exc:
        raise AnsibleFilterError("bandwidth_report_openmetrics: %s" % exc) from None


def bandwidth_pushgateway_url(base_url, job="gateway_bandwidth", grouping=None):
    """The Pushgateway URL of a job and its grouping labels."""
    try:
        return pushgateway_url(base_url, job, grouping)
    except ValueError as exc:
        raise AnsibleFilterError("bandwidth_pushgateway_url: %s" % exc) from None


class FilterModule:
    """Prometheus filters."""

    def filters(self):
        return {"bandwidth_report_openmetrics": bandwidth_report_openmetrics,
                "bandwidth_pushgateway_url": bandwidth_pushgateway_url}

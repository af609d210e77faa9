# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fleet report filters: render the gateway verdicts of a run as JSON, JUnit XML, CSV, Markdown or HTML.

The documentation of each filter is in the YAML file of the same name beside this file.
"""

import functools

from ansible.errors import AnsibleFilterError

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._render import (
    ReportInputError,
    merge_entries,
    render,
    summary,
)


def _guard(function):
    """Turn a report input error into a one-line filter error that names the filter."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ReportInputError as exc:
            raise AnsibleFilterError("{0}: {1}".format(function.__name__, exc))
    return wrapper


@_guard
def bandwidth_report_json(entries, metadata=None):
    """The JSON report."""
    return render("json", entries, metadata)


@_guard
def bandwidth_report_junit(entries, metadata=None):
    """The JUnit XML report."""
    return render("junit", entries, metadata)


@_guard
def bandwidth_report_csv(entries, metadata=None):
    """The CSV report."""
    return render("csv", entries, metadata)


@_guard
def bandwidth_report_markdown(entries, metadata=None):
    """The Markdown report."""
    return render("markdown", entries, metadata)


@_guard
def bandwidth_report_html(entries, metadata=None):
    """The self-contained HTML report."""
    return render("html", entries, metadata)


@_guard
def bandwidth_report_summary(entries, max_hosts=20, output="dict"):
    """Counts and capped failed/error host lists, or a few lines for the job output."""
    try:
        max_hosts = int(max_hosts)
    except (TypeError, ValueError):
        raise ReportInputError("max_hosts must be a whole number, got {0!r}".format(max_hosts))
    if max_hosts < 0:
        raise ReportInputError("max_hosts must be 0 or more, got {0}".format(max_hosts))
    return summary(entries, max_hosts=max_hosts, fmt=output)


@_guard
def bandwidth_report_merge(reports, live=None, sources=None):
    """Entries from earlier JSON reports merged by host (later wins), then the live entries."""
    return merge_entries(reports, live=live, sources=sources)


class FilterModule:
    """Fleet report filters."""

    def filters(self):
        return {
            "bandwidth_report_json": bandwidth_report_json,
            "bandwidth_report_junit": bandwidth_report_junit,
            "bandwidth_report_csv": bandwidth_report_csv,
            "bandwidth_report_markdown": bandwidth_report_markdown,
            "bandwidth_report_html": bandwidth_report_html,
            "bandwidth_report_summary": bandwidth_report_summary,
            "bandwidth_report_merge": bandwidth_report_merge,
        }

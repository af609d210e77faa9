#!/usr/bin/python
# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: bandwidth_report_files
short_description: Write every fleet report file of a bandwidth run at once (JSON, JUnit XML, CSV, Markdown, HTML)
version_added: 0.1.0
description:
  - Renders the fleet report of the role C(aruba_central.troubleshooting.bandwidth_report) in every format asked for
    and writes the files in one step in the controller, each to a temporary file renamed into place.
  - Used by that role; the filters C(aruba_central.troubleshooting.bandwidth_report_json) and its siblings render one
    format for a playbook of your own.
author:
  - Collection contributors (@aruba-central-troubleshooting)
extends_documentation_fragment:
  - aruba_central.troubleshooting.attributes
attributes:
  check_mode:
    support: full
    details:
      - Writes nothing in check mode.
  diff_mode:
    support: none
options:
  entries:
    description: The gateways, as the filter C(aruba_central.troubleshooting.bandwidth_report_merge) returns them.
    type: raw
    required: true
  metadata:
    description: The run (C(title), C(generated_at), C(run_id), C(awx_job_id) ...), as the role passes it.
    type: dict
    default: {}
  formats:
    description: The formats to write.
    type: list
    elements: str
    choices: [json, junit, csv, markdown, html]
    default: [json, junit, csv, markdown, html]
  directory:
    description: Where the files go; created when missing.
    type: path
    required: true
  basename:
    description: File name without extension; the files are C(<basename>.json), C(.xml), C(.csv), C(.md), C(.html).
    type: str
    default: bandwidth_report
  mode:
    description: File mode of the files, octal.
    type: raw
    default: "0644"
  metrics_file:
    description: Also write the run's metrics in the OpenMetrics text format here (for node_exporter's textfile collector).
    type: path
  hand_on:
    description:
      - Also return every gateway's record, compact (without per-interval figures and trend points), as RV(hosts),
        for C(ansible.builtin.set_stats).
    type: bool
    default: false
notes:
  - An action in the controller; the host the task runs for needs no connection.
"""

EXAMPLES = r"""
- name: Write the reports of the verdicts of this play
  aruba_central.troubleshooting.bandwidth_report_files:
    # A mapping of inventory host name to verdict record; a host without a verdict is reported as ERROR not_run.
    entries: "{{ dict(ansible_play_hosts_all | zip(ansible_play_hosts_all | map('extract', hostvars)
                      | map(attribute='gateway_bandwidth_verdict', default=none))) }}"
    directory: reports/today
  run_once: true
"""

RETURN = r"""
files:
  description: The files written.
  returned: success, not in check mode
  type: list
  elements: str
  sample: [reports/today/bandwidth_report.json, reports/today/bandwidth_report.html]
directory:
  description: The report directory.
  returned: success, not in check mode
  type: str
hosts:
  description: Every gateway of the JSON report, compact (what the role publishes for an aggregation).
  returned: when O(hand_on) is true, not in check mode
  type: list
  elements: dict
"""

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
name: bandwidth_history
short_description: Read the gateway bandwidth history on the controller
version_added: 0.1.0
author:
  - aruba_central.troubleshooting contributors (@aruba-central-troubleshooting)
description:
  - Reads the history store that the role C(aruba_central.troubleshooting.bandwidth_report) writes after every run,
    one SQLite file on the controller with each gateway's figures and verdict per direction and run.
  - With O(shape=rows) (the default), returns the rows of the gateways named in the terms (inventory host names or
    serial numbers; none means every gateway), or of the sites in O(sites), the last O(runs) runs of each gateway and
    direction, oldest first. This is what the playbook C(aruba_central.troubleshooting.bandwidth_history) prints and
    exports.
  - With O(shape=baselines), the terms are serial numbers and the result is one mapping with one key per serial
    number, holding C(upload) and C(download) lists of points, the last O(runs) measured runs of each gateway,
    direction, protocol and stream count (V(ERROR) runs left out). The role
    C(aruba_central.troubleshooting.gateway_bandwidth) reads this once per play and hands each gateway's part to
    P(aruba_central.troubleshooting.bandwidth_verdict#filter) as its C(baseline).
  - Reading never creates the file; a path that does not exist is an empty history. A file that is not a bandwidth
    history (not SQLite, another application's database, damaged, or a newer schema) stops the task with a one-line
    message and is left as it is. An older schema is migrated in place first.
options:
  _terms:
    description: Gateways (inventory host names or serial numbers; only serial numbers with O(shape=baselines)).
    type: list
    elements: str
    required: false
  path:
    description:
      - The history file. Empty means C(bandwidth_history.sqlite) in the collection's cache directory
        (C($CENTRAL_TOKEN_CACHE_DIR), else C($XDG_CACHE_HOME/aruba_central_troubleshooting), else
        C(~/.cache/aruba_central_troubleshooting)).
    type: str
    default: ""
  sites:
    description: Only these sites (the site names the reports show). Empty means every site.
    type: list
    elements: str
    default: []
  runs:
    description: How many of the last runs of each gateway and direction to return (of each protocol and stream count
      with O(shape=baselines)).
    type: int
    default: 30
  shape:
    description: V(rows) for the stored rows, V(baselines) for the points per serial number and direction.
    type: str
    choices: [rows, baselines]
    default: rows
  timeout:
    description: Seconds to wait when another run is writing the file.
    type: float
    default: 30
seealso:
  - plugin: aruba_central.troubleshooting.bandwidth_history_record
    plugin_type: lookup
  - plugin: aruba_central.troubleshooting.bandwidth_history_csv
    plugin_type: filter
"""

EXAMPLES = r"""
- name: The last 20 runs of two gateways
  ansible.builtin.debug:
    msg: "{{ query('aruba_central.troubleshooting.bandwidth_history', 'gw-lyo-03', 'CNF7G9K001', runs=20)
             | aruba_central.troubleshooting.bandwidth_history_lines }}"

- name: Everything recorded for one site, as CSV
  ansible.builtin.copy:
    dest: /tmp/lyon_history.csv
    mode: "0644"
    content: "{{ query('aruba_central.troubleshooting.bandwidth_history', sites=['Lyon branch'])
                 | aruba_central.troubleshooting.bandwidth_history_csv }}"

- name: Baselines of every gateway of the play, read once
  ansible.builtin.set_fact:
    gateway_baselines: >-
      {{ lookup('aruba_central.troubleshooting.bandwidth_history',
                *(ansible_play_hosts_all | map('extract', hostvars, 'serial_number') | list),
                shape='baselines', runs=5) }}
  run_once: true
"""

RETURN = r"""
_list:
  description:
    - With O(shape=rows), one mapping per gateway, direction and run with C(run_id), C(host), C(serial_number),
      C(site), C(direction), C(measured_at) (UTC, C(YYYY-MM-DDTHH:MM:SSZ)), C(task_id), C(protocol), C(streams),
      C(duration_seconds), C(verdict), C(reason), C(message), C(sender_bits_per_second), C(receiver_bits_per_second),
      C(sender_bytes), C(retransmits), C(stalled_intervals), C(jitter_ms), C(loss_percent), C(retransmit_percent),
      C(contract_bits_per_second), C(baseline_bits_per_second) and C(attempts).
    - With O(shape=baselines), one mapping of serial number to C(upload) and C(download) lists of points; each point
      has C(time), C(run_id), C(receiver_bits_per_second), C(sender_bits_per_second), C(verdict), C(protocol) and
      C(streams).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._history import (
    HistoryError,
    HistoryStore,
    resolve_path,
)


class LookupModule(LookupBase):
    """Read the bandwidth history."""

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        names = [str(term).strip() for term in terms or [] if str(term).strip()]
        runs = self.get_option("runs")
        if runs < 1:
            raise AnsibleLookupError("bandwidth_history: runs must be 1 or more, got %d" % runs)
        store = HistoryStore(resolve_path(self.get_option("path")), timeout=self.get_option("timeout"))
        try:
            with store:
                if self.get_option("shape") == "baselines":
                    return [store.baselines(names, runs)]
                sites = [str(site).strip() for site in self.get_option("sites") or [] if str(site).strip()]
                return store.rows(gateways=names, sites=sites, runs=runs)
        except HistoryError as exc:
            raise AnsibleLookupError("bandwidth_history: %s" % exc) from None

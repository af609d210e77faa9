# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
name: bandwidth_history_record
short_description: Record a run's gateway bandwidth verdicts in the history on the controller
version_added: 0.1.0
author:
  - aruba_central.troubleshooting contributors (@aruba-central-troubleshooting)
description:
  - Appends one run to the history store, a SQLite file on the controller, in one transaction, one row per gateway
    and reported direction with its figures (receiver and sender bits per second, bytes, retransmits and their
    ratio, stalled intervals, UDP jitter and loss), verdict, reason, the contracted rate and baseline when the run
    had them, the number of attempts, the run id, the time of the test and the site.
  - This lookup writes. The role C(aruba_central.troubleshooting.bandwidth_report) calls it once per run, on the
    controller, after the report files are written; call it yourself only in the same way (once, not per host, and
    not in check mode).
  - Safe with two runs writing at once (WAL journal; the second waits up to O(timeout) seconds). Recording the same
    run again adds nothing; a measurement is known by its gateway, direction and Central task id, a row without a
    test by its run, host and direction.
  - Creates the file (and its directory, mode 0700) when missing, migrates an older schema in place, and refuses,
    with a one-line message and without writing, a file that is not a bandwidth history (not SQLite, another
    application's database, damaged, or a newer schema).
options:
  entries:
    description:
      - The gateways of the run, as the report filters take them, for example
        P(aruba_central.troubleshooting.bandwidth_report_json#filter) - a mapping of host name to its
        C(gateway_bandwidth_verdict) record, or a list of C({host, group, record}) where C(group) is the site.
    type: raw
    required: true
  run:
    description:
      - The run, as the report filters take it; C(run_id) (else C(awx_job_id), else C(generated_at)) names it, and
        C(generated_at) is the time of rows whose test has no start time.
    type: dict
    default: {}
  path:
    description:
      - The history file. Empty means C(bandwidth_history.sqlite) in the collection's cache directory
        (C($CENTRAL_TOKEN_CACHE_DIR), else C($XDG_CACHE_HOME/aruba_central_troubleshooting), else
        C(~/.cache/aruba_central_troubleshooting)). In AWX, a path on a persistent volume.
    type: str
    default: ""
  timeout:
    description: Seconds to wait when another run is writing the file.
    type: float
    default: 30
seealso:
  - plugin: aruba_central.troubleshooting.bandwidth_history
    plugin_type: lookup
"""

EXAMPLES = r"""
- name: Record the run in the history
  ansible.builtin.debug:
    msg: >-
      {{ lookup('aruba_central.troubleshooting.bandwidth_history_record', entries=report_entries, run=report_run,
                path='/var/lib/gateway-history/bandwidth_history.sqlite') }}
  run_once: true
  delegate_to: localhost
  when: not ansible_check_mode
"""

RETURN = r"""
_list:
  description:
    - One mapping with C(path) (the file written), C(run_id), C(written) (rows added) and C(already_known) (rows the
      history had already).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._history import (
    HistoryError,
    HistoryStore,
    history_rows,
    resolve_path,
)
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import ReportInputError


class LookupModule(LookupBase):
    """Record one run in the bandwidth history."""

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if terms:
            raise AnsibleLookupError("bandwidth_history_record: takes no terms; pass entries= and run=")
        try:
            run, rows = history_rows(self.get_option("entries"), self.get_option("run"))
            with HistoryStore(resolve_path(self.get_option("path")), timeout=self.get_option("timeout")) as store:
                return [store.record(run, rows)]
        except (HistoryError, ReportInputError) as exc:
            raise AnsibleLookupError("bandwidth_history_record: %s" % exc) from None

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
name: bandwidth_progress
type: aggregate
short_description: One line per gateway as a fleet bandwidth run goes, with running counts and the time left
version_added: 0.1.0
description:
  - "While the role C(aruba_central.troubleshooting.gateway_bandwidth) tests a fleet, prints one line for each gateway
    that finished its test, in C(ansible-playbook)'s output and in AWX's job output, without C(-v), for example
    C([ 12/100] PASS gw-ber-01 up 94.1 / down 281 Mbit/s | PASS 10 FAIL 1 ERROR 1 | about 3 min left)."
  - The time left comes from the gateways still to test, the size of the iperf server pool (tests in parallel) and
    how long the tests so far took on their endpoint. Gateways tested again in the second pass get a line marked
    C(retest) and count with their final verdict.
  - In check mode it prints what would run on each gateway (C([check] gw-ber-01 check mode, nothing started ...)).
  - Works beside any stdout callback (the default one, C(ansible.builtin.default), and AWX's).
  - "Enable it in C(ansible.cfg) (C([defaults] callbacks_enabled = aruba_central.troubleshooting.bandwidth_progress)),
    or with the environment variable C(ANSIBLE_CALLBACKS_ENABLED). In AWX or Automation Controller, put that
    C(ansible.cfg) at the root of the project (it is used for every job of the project), or add the environment
    variable to the job template's settings."
requirements:
  - enabled in C(callbacks_enabled)
"""

import math
import time

from ansible.plugins.callback import CallbackBase

_STEP = "gateway_bandwidth_test"
_VERDICTS = ("PASS", "WARN", "FAIL", "ERROR")


def _mbps(value):
    if value is None:
        return None
    if value >= 100:
        return "%.0f" % value
    return "%.3g" % value


def key_figure(verdict):
    """The receiver bandwidth of each measured direction (``up 94.1 / down 281 Mbit/s``), else the reason."""
    measurements = verdict.get("measurements") or {}
    figures = []
    for name, direction in (("up", "upload"), ("down", "download")):
        shown = _mbps(((measurements.get(direction) or {}).get("receiver_mbps")))
        if shown is not None:
            figures.append("%s %s" % (name, shown))
    if figures and verdict.get("verdict") != "ERROR":
        return " / ".join(figures) + " Mbit/s"
    return verdict.get("reason") or ""


def time_left(remaining, parallel, seconds_per_test):
    """``about 3 min left`` for ``remaining`` tests run ``parallel`` at a time, ``seconds_per_test`` each."""
    if remaining <= 0:
        return "done"
    if not seconds_per_test:
        return "time left not known yet"
    seconds = math.ceil(remaining / float(max(1, parallel))) * seconds_per_test
    if seconds < 90:
        return "about %d s left" % max(1, round(seconds))
    if seconds < 5400:
        return "about %d min left" % round(seconds / 60.0)
    return "about %.1f h left" % (seconds / 3600.0)


class Progress:
    """The counts of one play: verdict per host (the latest attempt wins) and the test times seen so far."""

    def __init__(self):
        self.verdicts = {}
        self.test_seconds = []
        self.total = 0
        self.pool_size = 1

    def record(self, host, verdict, step):
        retest = host in self.verdicts
        self.verdicts[host] = verdict.get("verdict") if verdict.get("verdict") in _VERDICTS else "ERROR"
        self.total = max(self.total, int(step.get("fleet_size") or 0), len(self.verdicts))
        self.pool_size = max(1, int(step.get("pool_size") or 1))
        tested = float(step.get("seconds") or 0) - float(step.get("server_wait") or 0)
        if (verdict.get("test") or {}).get("task_id") and tested > 0:
            self.test_seconds.append(tested)
        return retest

    def counts(self):
        return " ".join("%s %d" % (name, list(self.verdicts.values()).count(name)) for name in _VERDICTS
                        if name != "WARN" or "WARN" in self.verdicts.values())

    def typical_test_seconds(self):
        if not self.test_seconds:
            return None
        ordered = sorted(self.test_seconds)
        return ordered[len(ordered) // 2]

    def line(self, host, verdict, retest):
        """``[ 12/100] PASS gw-ber-01 up 94.1 Mbit/s | PASS 10 FAIL 1 ERROR 1 | about 3 min left``."""
        if retest:
            head, tail = "[retest]", ""
        else:
            done = len(self.verdicts)
            head = "[%*d/%d]" % (len(str(self.total)), done, self.total)
            tail = " | " + time_left(self.total - done, self.pool_size, self.typical_test_seconds())
        return "%s %s %s %s | %s%s" % (head, verdict.get("verdict"), host, key_figure(verdict), self.counts(), tail)


class CallbackModule(CallbackBase):
    """Prints the progress line of every gateway the role's per-gateway step finished."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "aruba_central.troubleshooting.bandwidth_progress"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None, options=None):
        super().__init__(display=display, options=options)
        self._progress = Progress()
        self._started = time.monotonic()

    def v2_playbook_on_play_start(self, play):
        self._progress = Progress()
        self._started = time.monotonic()

    def v2_runner_on_ok(self, result):
        task = result._task
        action = getattr(task, "resolved_action", None) or task.action
        outcome = result._result
        if not str(action).endswith(_STEP) or "bandwidth_step" not in outcome:
            return
        host = result._host.get_name()
        if outcome["bandwidth_step"].get("check_mode"):
            self._display.display("[check] %s %s" % (host, outcome.get("msg", "")))
            return
        verdict = (outcome.get("ansible_facts") or {}).get("gateway_bandwidth_verdict") or {}
        retest = self._progress.record(host, verdict, outcome["bandwidth_step"])
        self._display.display(self._progress.line(host, verdict, retest))

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Callbacks read result._task and result._host, and keep Ansible's method signatures:
# pylint: disable=protected-access,unused-argument

DOCUMENTATION = r"""
name: bench_task_timing
type: aggregate
short_description: Per-task, per-host timing of a playbook run, written as JSON for the fleet benchmark
description:
  - Records when each task started and ended for each host, and writes them to the file named by the environment
    variable E(BENCH_TASK_TIMING_FILE) when the playbook ends. The fleet benchmark (C(bench/run.py)) reads it to
    show where the time of a run goes, like the C(ansible.posix.profile_tasks) callback but as data.
requirements:
  - enable in configuration
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_task_timing"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None):
        super().__init__(display=display)
        self._tasks = []
        self._by_uuid = {}
        self._host_start = {}
        self._started = time.time()

    def _start(self, task):
        """A new record each time a task starts: with ``serial`` the same task runs once per batch."""
        record = {"name": task.get_name(), "action": task.action, "started": time.time(), "ended": None, "hosts": {}}
        self._by_uuid[task._uuid] = record
        self._tasks.append(record)
        return record

    def _task(self, task):
        return self._by_uuid.get(task._uuid) or self._start(task)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task)

    def v2_runner_on_start(self, host, task):
        self._host_start[(task._uuid, host.get_name())] = time.time()

    def _done(self, result, status):
        now = time.time()
        record = self._task(result._task)
        host = result._host.get_name()
        started = self._host_start.pop((result._task._uuid, host), record["started"])
        record["hosts"][host] = {"seconds": round(now - started, 4), "status": status}
        record["ended"] = now

    def v2_runner_on_ok(self, result):
        self._done(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._done(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._done(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._done(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("BENCH_TASK_TIMING_FILE")
        if not path:
            return
        document = {"started": self._started, "ended": time.time(), "tasks": self._tasks}
        try:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(document, handle)
        except OSError as exc:
            self._display.warning("bench_task_timing: cannot write %s: %s" % (path, exc.strerror))

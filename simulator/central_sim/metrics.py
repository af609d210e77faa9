# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Counters behind ``GET /_sim/metrics``: what the clients did, and when each test moved through its states."""

from collections import Counter, defaultdict

from central_sim.timefmt import rfc3339_ns

TASK_EVENTS = ("created", "started", "completed", "first_seen_completed")


class Metrics:
    def __init__(self, clock):
        self.clock = clock
        self.reset()

    def reset(self):
        self.requests = defaultdict(Counter)
        self.tokens_minted = 0
        self.busy_collisions = 0
        self.rate_limited = 0
        self.faults = Counter()
        self.tasks = {}

    def record_request(self, method, template, status):
        self.requests["%s %s" % (method, template)][str(status)] += 1

    def task_created(self, task):
        self.tasks[task.id] = {"task_id": task.id, "serial": task.serial, "server": task.request.endpoint,
                               "outcome": None, "fail_reason": None}
        self.task_event(task.id, "created")

    def task_event(self, task_id, event):
        record = self.tasks.get(task_id)
        if record is None or record.get(event) is not None:
            return
        record[event] = round(self.clock.since_start(), 6)
        record[event + "_wall"] = rfc3339_ns(self.clock.time_ns())

    def task_outcome(self, task_id, outcome, fail_reason):
        record = self.tasks.get(task_id)
        if record is not None:
            record["outcome"], record["fail_reason"] = outcome, fail_reason

    def snapshot(self):
        tasks = []
        for record in self.tasks.values():
            row = dict(record)
            for event in TASK_EVENTS:
                row.setdefault(event, None)
                row.setdefault(event + "_wall", None)
            tasks.append(row)
        return {
            "uptime_seconds": round(self.clock.since_start(), 6),
            "requests": {route: dict(statuses) for route, statuses in sorted(self.requests.items())},
            "tokens_minted": self.tokens_minted,
            "busy_collisions": self.busy_collisions,
            "rate_limited": self.rate_limited,
            "faults_injected": dict(self.faults),
            "tasks": tasks,
        }

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where a playbook run's time went, task by task, from the ``bench_task_timing`` callback's JSON file.

For each task: the wall span (task started -> last host done, added up over ``serial`` batches; with the linear
strategy the play's wall time is roughly the sum of these spans) and the host-seconds (the sum over hosts, the work
the forks did).
"""

import json


def load(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def task_rows(document):
    """One row per task, in play order: name, hosts, span seconds, host-seconds, mean and max per host.

    A task that ran several times (once per ``serial`` batch) is one row: its spans and hosts are added up.
    """
    rows, by_name = [], {}
    for task in (document or {}).get("tasks", []):
        key = (task.get("name"), task.get("action"))
        row = by_name.get(key)
        if row is None:
            row = by_name[key] = {"task": key[0], "action": key[1], "runs": 0, "span_seconds": None, "_hosts": []}
            rows.append(row)
        row["runs"] += 1
        row["_hosts"].extend(task.get("hosts", {}).values())
        if task.get("ended") is not None and task.get("started") is not None:
            row["span_seconds"] = round((row["span_seconds"] or 0.0) + float(task["ended"]) - float(task["started"]), 3)
    for row in rows:
        hosts = row.pop("_hosts")
        seconds = [float(h["seconds"]) for h in hosts]
        ran = [float(h["seconds"]) for h in hosts if h.get("status") != "skipped"]
        row.update({
            "hosts": len(seconds),
            "skipped": len(seconds) - len(ran),
            "host_seconds": round(sum(seconds), 3),
            "mean_seconds": round(sum(ran) / len(ran), 3) if ran else None,
            "max_seconds": round(max(ran), 3) if ran else None,
        })
    return rows


def summary(document, top=8):
    """The run's total, the tasks with the longest spans, and the time outside any task (start-up, includes)."""
    rows = task_rows(document)
    if not rows:
        return None
    total = round(float(document["ended"]) - float(document["started"]), 3)
    in_tasks = round(sum(row["span_seconds"] or 0.0 for row in rows), 3)
    return {
        "playbook_seconds": total,
        "in_task_spans": in_tasks,
        "outside_tasks": round(total - in_tasks, 3),
        "tasks": len(rows),
        "slowest": sorted(rows, key=lambda row: row["span_seconds"] or 0.0, reverse=True)[:top],
    }

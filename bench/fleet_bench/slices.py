# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Two concurrent runs sharing one server pool, the way two AWX job slices (or two controllers) share it.

One simulator; the name-sorted fleet split round-robin into two slices, as AWX slices a job; two ansible-playbook
runs of ``playbooks/validate_gateway_bandwidth.yml`` started together, each with its own lease directory and token
cache (separate execution nodes see neither). Measured once without a partition of the pool and once with
``gateway_bandwidth_slice_count=2``: busy answers (tests that found their endpoint busy), tests started, the
verdicts, and the wall time until both runs ended.
"""

import json
import os
import threading
import time

from fleet_bench import playbook
from fleet_bench.inventory import write_inventory
from fleet_bench.measure import COLLECTION_PLAYBOOK, REPORT_NAME
from fleet_bench.simulator import Simulator

SLICES = 2


def _slice_run(index, hosts, run_dir, sim, settings, forks, partition):
    """argv and environment of one slice's run."""
    os.makedirs(run_dir, exist_ok=True)
    variables = {"validate_hosts": "gateways", "gateway_bandwidth_server_pool": sim.servers,
                 "gateway_bandwidth_confirm": True, "gateway_bandwidth_fail_play": False,
                 "bandwidth_report_dir": os.path.join(run_dir, "report")}
    if partition:
        variables.update(gateway_bandwidth_slice_count=SLICES, gateway_bandwidth_slice_number=index)
    path = os.path.join(run_dir, "vars.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(variables, handle)
    env = playbook.playbook_environment(run_dir, forks, sim.environment(), collections_path=settings.collections_path)
    argv = [playbook.ansible_playbook(), "-i", os.path.join(os.path.dirname(run_dir), "inventory.yml"),
            os.path.join(settings.collections_path, COLLECTION_PLAYBOOK), "-e", "@" + path, "--limit", ",".join(hosts)]
    return argv, env


def _verdicts(run_dir):
    path = os.path.join(run_dir, "report", REPORT_NAME)
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return {entry["host"]: entry["verdict"] for entry in json.load(handle).get("hosts", [])}


def measure_shared_pool(gateways, endpoints, forks_per_slice, settings, work_dir, partition):
    """Figures of two concurrent slices on one pool; ``partition`` sets gateway_bandwidth_slice_count=2."""
    kind = "partitioned" if partition else "shared"
    base = os.path.join(work_dir, kind)
    os.makedirs(base, exist_ok=True)
    with Simulator(gateways, endpoints, speed=settings.speed, seed=settings.seed, mode=settings.mode,
                   extra_args=settings.sim_args, work_dir=base) as sim:
        serials = sorted(sim.gateways())
        write_inventory(os.path.join(base, "inventory.yml"), serials)
        runs = [_slice_run(index, serials[index::SLICES], os.path.join(base, "slice%d" % index), sim, settings,
                           forks_per_slice, partition) for index in range(SLICES)]
        sim.reset_metrics()
        results = [None] * SLICES
        began = time.monotonic()

        def one(index):
            argv, env = runs[index]
            run_dir = os.path.dirname(env["ANSIBLE_CONFIG"])
            results[index] = playbook.run(argv, env, run_dir, os.path.join(run_dir, "ansible-playbook.log"),
                                          settings.timeout, settings.sample_interval)

        threads = [threading.Thread(target=one, args=(index,)) for index in range(SLICES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - began
        metrics = sim.metrics()
    verdicts = {}
    for index in range(SLICES):
        verdicts.update(_verdicts(os.path.join(base, "slice%d" % index)))
    counts = {name: list(verdicts.values()).count(name) for name in ("PASS", "FAIL", "ERROR")}
    return {"kind": kind, "gateways": gateways, "endpoints": endpoints, "forks_per_slice": forks_per_slice,
            "wall_seconds": round(wall, 2), "busy_answers": metrics.get("busy_collisions", 0),
            "tests_started": len(metrics.get("tasks", [])), "verdicts": counts, "reported": len(verdicts),
            "returncodes": [result["returncode"] for result in results],
            "cpu_seconds": round(sum(result["cpu_user_seconds"] + result["cpu_system_seconds"] for result in results), 2)}

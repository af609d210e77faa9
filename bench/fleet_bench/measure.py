# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One measured run at one fleet size: a fresh simulator, an inventory of its gateways, one ansible-playbook.

``measure_collection`` runs ``playbooks/validate_gateway_bandwidth.yml`` (role gateway_bandwidth, module
gateway_iperf with the server pool, then the report role); ``measure_baseline`` runs ``bench/baseline.yml``. Both
start from the same simulator settings (same seed: the same gateways with the same set-up delays).
"""

import json
import os

from fleet_bench import checks, figures, playbook, profile
from fleet_bench.inventory import write_inventory
from fleet_bench.simulator import CLIENT_ID, CLIENT_SECRET, Simulator

ROOT = playbook.ROOT
COLLECTION_PLAYBOOK = os.path.join("ansible_collections", "aruba_central", "troubleshooting", "playbooks",
                                   "validate_gateway_bandwidth.yml")
BASELINE_PLAYBOOK = os.path.join(ROOT, "bench", "baseline.yml")
REPORT_NAME = "bandwidth_report.json"


class Settings:
    """What every run of one invocation shares."""

    def __init__(self, collections_path, speed=20.0, seed=1, mode="synthetic", sim_args=(), timeout=1800.0,
                 sample_interval=1.0):
        self.collections_path = collections_path
        self.speed = speed
        self.seed = seed
        self.mode = mode
        self.sim_args = list(sim_args)
        self.timeout = timeout
        self.sample_interval = sample_interval

    def as_dict(self):
        return dict(vars(self))


def _load_average():
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def _write_vars(path, data):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    return path


def _run(kind, gateways, endpoints, forks, settings, work_dir, playbook_path, extra_vars):
    """Start a simulator, write the inventory, run the playbook; return (accounting, metrics, gateways, sim info)."""
    run_dir = os.path.join(work_dir, kind)
    os.makedirs(run_dir, exist_ok=True)
    with Simulator(gateways, endpoints, speed=settings.speed, seed=settings.seed, mode=settings.mode,
                   extra_args=settings.sim_args, work_dir=run_dir) as sim:
        fleet = sim.gateways()
        inventory = write_inventory(os.path.join(run_dir, "inventory.yml"), list(fleet))
        variables = _write_vars(os.path.join(run_dir, "vars.json"), extra_vars(sim, run_dir))
        env = playbook.playbook_environment(run_dir, forks, sim.environment() if kind == "collection" else None,
                                            collections_path=settings.collections_path)
        argv = [playbook.ansible_playbook(), "-i", inventory, playbook_path, "-e", "@" + variables]
        sim.reset_metrics()
        load_before = _load_average()
        accounting = playbook.run(argv, env, run_dir, os.path.join(run_dir, "ansible-playbook.log"),
                                  settings.timeout, settings.sample_interval)
        load_after = _load_average()
        metrics = sim.metrics()
        _write_vars(os.path.join(run_dir, "metrics.json"), metrics)
        info = {"mode": sim.actual_mode, "servers": sim.servers, "gateways_listed": len(fleet),
                "offline": sorted(serial for serial, status in fleet.items() if str(status).lower() == "offline")}
    accounting["load_before"], accounting["load_after"] = load_before, load_after
    return accounting, metrics, fleet, info, run_dir


def _result(accounting, metrics, gateways, endpoints, info, run_dir):
    result = figures.run_figures(metrics, gateways, endpoints, accounting)
    result["load_average_before"] = accounting["load_before"]
    result["load_average_after"] = accounting["load_after"]
    result["simulator"] = info
    result["log"] = accounting["log"]
    result["profile"] = profile.summary(profile.load(os.path.join(run_dir, "task_timing.json")))
    return result


def measure_collection(gateways, endpoints, forks, settings, work_dir):
    report_dir = os.path.join(work_dir, "collection", "report")

    def extra_vars(sim, _run_dir):
        return {"validate_hosts": "gateways", "gateway_bandwidth_server_pool": sim.servers,
                "gateway_bandwidth_confirm": True, "gateway_bandwidth_fail_play": False,
                "bandwidth_report_dir": report_dir}

    accounting, metrics, fleet, info, run_dir = _run("collection", gateways, endpoints, forks, settings, work_dir,
                                                     os.path.join(settings.collections_path, COLLECTION_PLAYBOOK),
                                                     extra_vars)
    result = _result(accounting, metrics, gateways, endpoints, info, run_dir)
    result["forks"] = forks
    report = profile.load(os.path.join(report_dir, REPORT_NAME))
    result["problems"] = (checks.playbook_problems(accounting["returncode"], accounting["timed_out"], settings.timeout)
                          + checks.report_problems(report, fleet) + checks.collision_problems(metrics))
    if report is not None:
        result["verdicts"] = report.get("summary", {}).get("counts") or report.get("summary")
    return result


def measure_baseline(gateways, endpoints, settings, work_dir):
    def extra_vars(sim, _run_dir):
        return {"bench_base_url": sim.base_url, "bench_token_url": sim.token_url, "bench_client_id": CLIENT_ID,
                "bench_client_secret": CLIENT_SECRET, "bench_endpoints": sim.servers, "bench_ca_path": sim.ca_path}

    # serial: E batches of E hosts; more forks than that would never be used.
    accounting, metrics, _gateways, info, run_dir = _run("baseline", gateways, endpoints, endpoints, settings,
                                                         work_dir, BASELINE_PLAYBOOK, extra_vars)
    result = _result(accounting, metrics, gateways, endpoints, info, run_dir)
    result["forks"] = endpoints
    result["problems"] = checks.playbook_problems(accounting["returncode"], accounting["timed_out"], settings.timeout)
    return result

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where one gateway_iperf run spends its time on the controller: interpreter start-up, imports, the module's
own work, waiting, and what Ansible adds around a module task.

    python bench/profile_module.py [--runs 5] [--speed 20]

Against a local Central simulator (one online gateway, one iperf server endpoint, synthetic mode):
  1. ``python -X importtime``: start-up and import cost of the module, heaviest imports first;
  2. the module run directly (``python -m ...gateway_iperf args.json``) several times: wall and CPU per run,
     requests per run, and a cProfile of one run (cumulative time by function, sleeping included);
  3. ``ansible localhost -m aruba_central.troubleshooting.gateway_iperf`` and ``-m ansible.builtin.ping``: the wall
     time Ansible adds around one module task (AnsiballZ packing, the worker fork, result processing).
Prints a summary and, with --json FILE, writes it.
"""

import argparse
import json
import os
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fleet_bench import playbook  # noqa: E402  pylint: disable=wrong-import-position
from fleet_bench.figures import median  # noqa: E402  pylint: disable=wrong-import-position
from fleet_bench.simulator import CLIENT_ID, CLIENT_SECRET, Simulator  # noqa: E402  pylint: disable=wrong-import-position

MODULE = "ansible_collections.aruba_central.troubleshooting.plugins.modules.gateway_iperf"
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def child_env(work_dir):
    env = playbook.playbook_environment(work_dir, forks=1)
    env["PYTHONPATH"] = os.environ.get("ANSIBLE_COLLECTIONS_PATH", os.path.join(playbook.ROOT, ".dev")).split(":")[0]
    env["PYTHONDONTWRITEBYTECODE"] = ""
    return env


def timed(argv, env, cwd):
    """(wall seconds, CPU seconds of the child, completed process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False, timeout=600)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done


def import_times(env, cwd, runs):
    """Interpreter start-up alone, the module's import, and the heaviest imports under it (cumulative, ms)."""
    bare = [timed([sys.executable, "-c", "pass"], env, cwd)[0] for _run in range(runs)]
    totals, heaviest = [], {}
    for _run in range(runs):
        wall, _cpu, done = timed([sys.executable, "-X", "importtime", "-c", "import " + MODULE], env, cwd)
        totals.append(wall)
        for line in done.stderr.splitlines():
            match = _IMPORT_LINE.match(line)
            if match:
                name, cumulative = match.group(4), int(match.group(2))
                heaviest[name] = min(heaviest.get(name, cumulative), cumulative)
    top = sorted(heaviest.items(), key=lambda item: item[1], reverse=True)[:10]
    return {"python_start_seconds": round(min(bare), 3), "python_start_and_import_seconds": round(min(totals), 3),
            "heaviest_imports_ms": [{"module": name, "ms": round(us / 1000.0, 1)} for name, us in top]}


def module_args(sim, serial):
    host, port = sim.servers[0].rsplit(":", 1)
    return {"ANSIBLE_MODULE_ARGS": {
        "serial_number": serial, "server_address": host, "port": int(port), "include_reverse": True,
        "base_url": sim.base_url, "token_url": sim.token_url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}}


def direct_runs(sim, serial, env, work_dir, runs):
    args_path = os.path.join(work_dir, "args.json")
    with open(args_path, "w", encoding="utf-8") as handle:
        json.dump(module_args(sim, serial), handle)
    rows = []
    for _run in range(runs):
        sim.reset_metrics()
        wall, cpu, done = timed([sys.executable, "-m", MODULE, args_path], env, work_dir)
        answer = json.loads(done.stdout or "{}")
        metrics = sim.metrics()
        task = (metrics.get("tasks") or [{}])[0]
        test = None if task.get("completed") is None else task["completed"] - task["created"]
        rows.append({"wall": wall, "cpu": cpu, "failed": bool(answer.get("failed")), "msg": answer.get("msg"),
                     "requests": sum(sum(c.values()) for r, c in metrics["requests"].items() if "/_sim/" not in r),
                     "tokens": metrics["tokens_minted"], "test": test,
                     "lag": None if task.get("first_seen_completed") is None
                     else task["first_seen_completed"] - task["completed"]})
    profile_path = os.path.join(work_dir, "module.prof")
    timed([sys.executable, "-m", "cProfile", "-o", profile_path, "-m", MODULE, args_path], env, work_dir)
    return rows, profile_summary(profile_path)


def profile_summary(path, top=15):
    """Total, sleeping and importing time of a cProfile dump, the slowest functions, and time per collection file.

    ``by_file`` is, for each of the collection's files and for requests' session,
    the largest cumulative time of one of its functions: roughly the time spent in that concern, sleeping included.
    """
    stats = pstats.Stats(path)
    rows = []
    for (filename, line, name), (_primitive_calls, calls, own, cumulative, _callers) in stats.stats.items():  # pylint: disable=no-member
        rows.append({"file": os.path.basename(filename), "function": "%s:%d(%s)" % (os.path.basename(filename), line, name),
                     "calls": calls, "own_seconds": round(own, 4), "cumulative_seconds": round(cumulative, 4),
                     "ours": "aruba_central/troubleshooting/plugins/" in filename.replace(os.sep, "/"),
                     "requests": filename.replace(os.sep, "/").endswith("requests/sessions.py")})
    total = stats.total_tt  # pylint: disable=no-member
    sleep = sum(r["own_seconds"] for r in rows if r["function"].endswith("(<built-in method time.sleep>)"))
    imports = max((r["cumulative_seconds"] for r in rows if "_find_and_load" in r["function"]), default=0.0)
    by_file = {}
    for row in rows:
        ours, session = row.pop("ours"), row.pop("requests")
        if ours or session:
            name = "requests.sessions" if session else row["file"]
            by_file[name] = max(by_file.get(name, 0.0), row["cumulative_seconds"])
    rows.sort(key=lambda row: row["cumulative_seconds"], reverse=True)
    busiest = sorted((r for r in rows if "time.sleep" not in r["function"]), key=lambda r: r["own_seconds"],
                     reverse=True)
    return {"total_seconds": round(total, 3), "sleeping_seconds": round(sleep, 3),
            "importing_seconds": round(imports, 3), "top_cumulative": rows[:top], "top_own": busiest[:top],
            "by_file": dict(sorted(by_file.items(), key=lambda item: item[1], reverse=True))}


def adhoc(sim, serial, env, work_dir, runs):
    """Wall of one module task through Ansible (ad-hoc), for gateway_iperf and for ping."""
    host, port = sim.servers[0].rsplit(":", 1)
    env = dict(env, **sim.environment())
    env.pop("PYTHONPATH", None)
    iperf_args = "serial_number=%s server_address=%s port=%s include_reverse=true" % (serial, host, port)
    base = [os.path.join(os.path.dirname(playbook.ansible_playbook()), "ansible"), "localhost", "-c", "local",
            "-e", "ansible_python_interpreter=%s" % sys.executable]
    result = {}
    for name, argv in (("ping", base + ["-m", "ansible.builtin.ping"]),
                       ("gateway_iperf", base + ["-m", "aruba_central.troubleshooting.gateway_iperf", "-a", iperf_args])):
        walls = []
        for _run in range(runs):
            wall, _cpu, done = timed(argv, env, work_dir)
            if done.returncode != 0:
                raise SystemExit("ansible -m %s failed: %s" % (name, (done.stdout + done.stderr).strip()[-500:]))
            walls.append(wall)
        result[name] = round(median(walls), 3)
    return result


def print_summary(summary):
    imports, direct, adhoc_wall = summary["imports"], summary["direct"], summary["ansible_adhoc_wall"]
    print("load average before / after: %s / %s" % (summary["load_average"], summary["load_average_after"]))
    print("python start-up: %.3f s; start-up + import of gateway_iperf: %.3f s" % (
        imports["python_start_seconds"], imports["python_start_and_import_seconds"]))
    print("heaviest imports (cumulative, nested ones counted in their parents too): " + ", ".join(
        "%s %.0f ms" % (item["module"], item["ms"]) for item in imports["heaviest_imports_ms"]))
    print("direct module runs: wall %.3f s, CPU %.3f s, test %.3f s, detection lag %.3f s (medians of %d); "
          "requests per run %s, tokens minted per run %s" % (
              direct["wall_median"], direct["cpu_median"], direct["test_median"], direct["lag_median"],
              direct["runs"], direct["requests"], direct["tokens_minted"]))
    prof = summary["cprofile"]
    print("cProfile of one run: %.3f s, of which sleeping %.3f s and importing %.3f s" % (
        prof["total_seconds"], prof["sleeping_seconds"], prof["importing_seconds"]))
    print("time per concern (largest cumulative of one function, sleeping included): " + ", ".join(
        "%s %.3f s" % item for item in prof["by_file"].items() if item[1] >= 0.001))
    print("ansible ad-hoc wall (median): ping %.3f s, gateway_iperf %.3f s"
          % (adhoc_wall["ping"], adhoc_wall["gateway_iperf"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each measurement (default 5)")
    parser.add_argument("--speed", type=float, default=20.0, help="simulator time scaling (default 20)")
    parser.add_argument("--json", help="also write the summary to this file")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    work_dir = tempfile.mkdtemp(prefix="profile-module-")
    env = child_env(work_dir)
    with Simulator(gateways=3, endpoints=1, speed=args.speed, seed=1, work_dir=work_dir) as sim:
        serial = next(serial for serial, status in sorted(sim.gateways().items()) if status == "Online")
        summary = {"load_average": [round(v, 2) for v in os.getloadavg()], "imports": import_times(env, work_dir, args.runs)}
        rows, summary["cprofile"] = direct_runs(sim, serial, env, work_dir, args.runs)
        summary["direct"] = {
            "runs": len(rows), "failed": sum(r["failed"] for r in rows),
            "wall_median": round(median([r["wall"] for r in rows]), 3),
            "cpu_median": round(median([r["cpu"] for r in rows]), 3),
            "test_median": round(median([r["test"] for r in rows if r["test"] is not None] or [0.0]), 3),
            "lag_median": round(median([r["lag"] for r in rows if r["lag"] is not None] or [0.0]), 3),
            "requests": [r["requests"] for r in rows], "tokens_minted": [r["tokens"] for r in rows],
        }
        summary["ansible_adhoc_wall"] = adhoc(sim, serial, env, work_dir, args.runs)
    summary["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    print_summary(summary)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

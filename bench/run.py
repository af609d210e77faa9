# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fleet benchmark: validate N simulated gateways on E iperf server endpoints, with the collection and with the
ansible.builtin.uri baseline, and compare both with the ideal ceil(N / E) x one test.

    python bench/run.py --sizes 24x4[,100x10,500x25]     # figures, table, bench/results/<UTC time>-<sizes>.json
    python bench/run.py --smoke                          # 24x4, collection only; exit 1 only on correctness problems

Run it from the repository root with the project's virtual environment (make bench / make bench-full do).
Everything runs against a local Central simulator on loopback; see bench/README.md and docs/performance.md.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fleet_bench import figures, playbook, render  # noqa: E402  pylint: disable=wrong-import-position
from fleet_bench.measure import ROOT, Settings, measure_baseline, measure_collection  # noqa: E402  pylint: disable=wrong-import-position
from fleet_bench.simulator import SimulatorError  # noqa: E402  pylint: disable=wrong-import-position
from fleet_bench.slices import SLICES, measure_shared_pool  # noqa: E402  pylint: disable=wrong-import-position
from fleet_bench.snapshot import snapshot  # noqa: E402  pylint: disable=wrong-import-position
from fleet_bench.sizes import MAX_FORKS, default_forks, label, parse_sizes  # noqa: E402  pylint: disable=wrong-import-position

RESULTS_DIR = os.path.join(ROOT, "bench", "results")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="24x4", help="fleet sizes GATEWAYSxENDPOINTS, comma-separated (default 24x4)")
    parser.add_argument("--smoke", action="store_true",
                        help="CI check: 24x4 with the collection only; fails only on correctness problems, never on timing")
    parser.add_argument("--speed", type=float, default=20.0,
                        help="simulator time scaling (default 20: a 10-second test with Central's set-up takes ~3.5 s)")
    parser.add_argument("--seed", type=int, default=1, help="simulator seed: the same gateways for every run (default 1)")
    parser.add_argument("--mode", choices=("synthetic", "real", "auto"), default="synthetic",
                        help="simulator mode (default synthetic: no iperf3 processes competing for the 2 cores)")
    parser.add_argument("--forks", type=int, help="forks for the collection's run (default 2 x endpoints, at most %d)"
                        % MAX_FORKS)
    parser.add_argument("--no-baseline", dest="baseline", action="store_false", default=None,
                        help="skip the ansible.builtin.uri baseline")
    parser.add_argument("--baseline", dest="baseline", action="store_true",
                        help="run the baseline (the default, except with --smoke)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds one ansible-playbook may run (default 1800)")
    parser.add_argument("--sim-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for python -m central_sim, e.g. --sim-arg=--rate-limit=600/60")
    parser.add_argument("--results-dir", default=None,
                        help="where the JSON results go (default bench/results; --smoke writes none unless given)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (inventories, logs, reports)")
    parser.add_argument("--slices", action="store_true",
                        help="also run two concurrent slices on one server pool, without and with "
                             "gateway_bandwidth_slice_count (busy answers, tests started, wall time)")
    args = parser.parse_args(argv)
    try:
        args.size_list = [(24, 4)] if args.smoke else parse_sizes(args.sizes)
    except ValueError as exc:
        parser.error(str(exc))
    if args.speed <= 0:
        parser.error("--speed must be greater than 0, e.g. 20")
    if args.forks is not None and args.forks < 1:
        parser.error("--forks must be at least 1")
    if args.timeout <= 0:
        parser.error("--timeout must be greater than 0 seconds")
    if args.baseline is None:
        args.baseline = not args.smoke
    if args.results_dir is None and not args.smoke:
        args.results_dir = RESULTS_DIR
    args.sim_args = []
    for item in args.sim_arg:
        args.sim_args.extend(item.split("=", 1) if item.startswith("--") and "=" in item else [item])
    return args


def environment():
    """What the figures depend on besides the code: the machine, its load, the versions."""
    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=False).stdout.strip() or None
    except OSError:
        commit = None
    try:
        from ansible.release import __version__ as ansible_version  # pylint: disable=import-outside-toplevel
    except ImportError:
        ansible_version = None
    try:
        uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        uptime = None
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "ansible_core": ansible_version, "commit": commit, "uptime_at_start": uptime}


def measure_size(gateways, endpoints, args, settings, work_root):
    size = label(gateways, endpoints)
    forks = args.forks or default_forks(endpoints)
    work_dir = tempfile.mkdtemp(prefix="%s-" % size, dir=work_root)
    print("[%s] collection: %d gateways, %d endpoints, %d forks ..." % (size, gateways, endpoints, forks), flush=True)
    ours = measure_collection(gateways, endpoints, forks, settings, work_dir)
    entry = {"size": size, "gateways": gateways, "endpoints": endpoints, "collection": ours}
    to_baseline = None
    if args.baseline:
        print("[%s] baseline (ansible.builtin.uri, serial %d, until/delay 5) ..." % (size, endpoints), flush=True)
        entry["baseline"] = measure_baseline(gateways, endpoints, settings, work_dir)
        entry["collection_to_baseline"] = figures.comparison(ours, entry["baseline"])
        to_baseline = entry["collection_to_baseline"]["wall_time"]
    entry["targets"] = figures.target_checks(ours, size, speed=args.speed, to_baseline=to_baseline)
    if args.slices:
        per_slice = max(1, forks // SLICES)
        entry["slices"] = []
        for partition in (False, True):
            print("[%s] %d concurrent slices on one pool, %s, %d forks each ..." % (
                size, SLICES, "partitioned" if partition else "shared", per_slice), flush=True)
            entry["slices"].append(measure_shared_pool(gateways, endpoints, per_slice, settings, work_dir, partition))
    return entry


def print_summary(entries):
    rows = []
    for entry in entries:
        for name in ("collection", "baseline"):
            if name in entry:
                run = entry[name]
                rows.append(render.row(entry["size"], name, run, (run["load_average_after"] or [None])[0]))
    print()
    print(render.table(rows))
    print()
    for entry in entries:
        if "collection_to_baseline" in entry:
            ratios = entry["collection_to_baseline"]
            print("  %-7s collection / baseline: wall time %s, API requests %s, tokens %s" % (
                entry["size"], render.text(ratios["wall_time"]), render.text(ratios["requests"]),
                render.text(ratios["tokens"])))
    print("\nTargets (benchmark figures, not pass/fail):")
    for entry in entries:
        print(render.targets(entry["size"], entry["targets"]))
    for entry in entries:
        for run in entry.get("slices", []):
            print("  %-7s %d slices, pool %-11s: %s busy answers, %s tests for %s gateways, %s reported, wall %s s, "
                  "CPU %s s, verdicts %s" % (entry["size"], SLICES, run["kind"], run["busy_answers"], run["tests_started"],
                                             run["gateways"], run["reported"], run["wall_seconds"], run["cpu_seconds"],
                                             run["verdicts"]))
    for entry in entries:
        phases = entry["collection"]["phases"]
        print("  %-7s collection wall time: %s s before the first test, %s s of tests, %s s after the last result"
              % (entry["size"], phases["before_first_test"], phases["tests"], phases["after_last_result"]))


def write_results(results_dir, sizes_text, document):
    os.makedirs(results_dir, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = os.path.join(results_dir, "%s-%s.json" % (stamp, sizes_text.replace(",", "_")))
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.replace(path + ".tmp", path)
    return path


def main(argv=None):
    args = parse_args(argv)
    work_root = tempfile.mkdtemp(prefix="fleet-bench-")
    source = playbook.default_collections_path()
    try:
        collections, code_digest = snapshot(source, os.path.join(work_root, "collections"))
    except (ValueError, OSError) as exc:
        shutil.rmtree(work_root, ignore_errors=True)
        print("bench: cannot copy the collection: %s" % exc, file=sys.stderr)
        return 1
    settings = Settings(collections, speed=args.speed, seed=args.seed, mode=args.mode, sim_args=args.sim_args,
                        timeout=args.timeout)
    document = {"generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                "command": [os.path.relpath(sys.argv[0], ROOT)] + list(sys.argv[1:] if argv is None else argv),
                "environment": environment(), "settings": settings.as_dict(), "sizes": [],
                "collection": {"source": source, "sha256": code_digest}}
    try:
        for gateways, endpoints in args.size_list:
            document["sizes"].append(measure_size(gateways, endpoints, args, settings, work_root))
    except SimulatorError as exc:
        print("bench: %s (work directory kept: %s)" % (exc, work_root), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted (work directory kept: %s)" % work_root, file=sys.stderr)
        return 130
    document["environment"]["uptime_at_end"] = environment()["uptime_at_start"]
    print_summary(document["sizes"])
    if args.results_dir:
        path = write_results(args.results_dir, ",".join(entry["size"] for entry in document["sizes"]), document)
        print("\nresults: %s" % os.path.relpath(path, os.getcwd()))
    problems = [(entry["size"], problem) for entry in document["sizes"] for problem in entry["collection"]["problems"]]
    for size, problem in problems:
        print("%s: correctness problem: %s" % (size, problem), file=sys.stderr)
    if problems or args.keep:
        print("work directory (inventories, logs, reports) kept: %s" % work_root)
    else:
        shutil.rmtree(work_root, ignore_errors=True)
    if problems:
        print("bench: %d correctness problem(s); the logs are in the work directory above" % len(problems),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

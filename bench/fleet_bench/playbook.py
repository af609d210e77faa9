# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run one ansible-playbook and account for it: wall time, CPU seconds, peak memory, exit code.

CPU and ``ru_maxrss`` come from ``os.wait4`` on the ansible-playbook process: the same accounting
``getrusage(RUSAGE_CHILDREN)`` gives (the process plus every fork and module process it waited for), but for this
one child only, so a simulator stopped earlier in the same benchmark cannot leak into the figures.
"""

import os
import signal
import subprocess
import sys
import threading
import time

from fleet_bench.proctree import TreeSampler

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CALLBACK_DIR = os.path.join(ROOT, "bench", "callback_plugins")
TIMING_CALLBACK = "bench_task_timing"

ANSIBLE_CFG = """\
# Written by bench/run.py for one benchmark run.
[defaults]
forks = {forks}
gathering = explicit
retry_files_enabled = false
interpreter_python = auto_silent
callback_plugins = {callback_dir}
callbacks_enabled = {callback}
local_tmp = {work_dir}/ansible-local
"""


def write_config(work_dir, forks):
    """An ansible.cfg of its own for the run, so no ansible.cfg of the user or the repository changes the figures."""
    path = os.path.join(work_dir, "ansible.cfg")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(ANSIBLE_CFG.format(forks=forks, callback_dir=CALLBACK_DIR, callback=TIMING_CALLBACK,
                                        work_dir=work_dir))
    return path


def ansible_playbook():
    """The ansible-playbook next to this Python (the project's virtual environment), else the one on PATH."""
    here = os.path.join(os.path.dirname(os.path.abspath(sys.executable)), "ansible-playbook")
    return here if os.access(here, os.X_OK) else "ansible-playbook"


def default_collections_path():
    """Where the collection is found: ANSIBLE_COLLECTIONS_PATH (make sets .build), else the development layout."""
    return os.environ.get("ANSIBLE_COLLECTIONS_PATH") or os.path.join(ROOT, ".dev")


def playbook_environment(work_dir, forks, extra=None, collections_path=None):
    """Environment for one run: own config, own caches (token, timing history, leases), the collection found."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "CENTRAL_"))}
    env["ANSIBLE_COLLECTIONS_PATH"] = collections_path or default_collections_path()
    env.update({
        "ANSIBLE_CONFIG": write_config(work_dir, forks),
        "ANSIBLE_NOCOLOR": "1",
        "XDG_CACHE_HOME": os.path.join(work_dir, "cache"),
        "XDG_RUNTIME_DIR": os.path.join(work_dir, "run"),
        "BENCH_TASK_TIMING_FILE": os.path.join(work_dir, "task_timing.json"),
    })
    for directory in ("cache", "run"):
        os.makedirs(os.path.join(work_dir, directory), mode=0o700, exist_ok=True)
    env.update(extra or {})
    return env


def run(argv, env, cwd, log_path, timeout, sample_interval=1.0):
    """Run ``argv``; return its accounting as a dict (see the keys below). Kills the run's process group on timeout."""
    started_epoch, started = time.time(), time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd,  # pylint: disable=consider-using-with
                                start_new_session=True)
    timed_out = threading.Event()

    def stop_run():
        timed_out.set()
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            time.sleep(5)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, stop_run)
    timer.daemon = True
    timer.start()
    sampler = TreeSampler(proc.pid, interval=sample_interval).start()
    try:
        _pid, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "argv": argv,
        "returncode": proc.returncode,
        "timed_out": timed_out.is_set(),
        "wall_seconds": round(time.monotonic() - started, 3),
        "started_epoch": started_epoch,
        "ended_epoch": time.time(),
        "cpu_user_seconds": round(usage.ru_utime, 3),
        "cpu_system_seconds": round(usage.ru_stime, 3),
        "maxrss_kib": usage.ru_maxrss,
        "peak_tree_kib": sampler.peak_kib,
        "peak_processes": sampler.peak_processes,
        "main_process_cpu_seconds": None if sampler.root_cpu_seconds is None else round(sampler.root_cpu_seconds, 2),
        "log": log_path,
    }

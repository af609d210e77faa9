# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Memory of a whole process tree (ansible-playbook, its forks and the module processes), sampled from /proc.

``ru_maxrss`` only tells the largest single process; with 50 forks the controller's real footprint is the sum.
The root's own CPU time is sampled too: for ansible-playbook that is the strategy loop (dispatching hosts to forks,
templating, handling results), which is single-threaded.
The sampler adds up the proportional set size (PSS: shared pages split between the processes sharing them, so
forked workers are not counted many times over) of the root and every descendant, and keeps the peak.
On systems without /proc it reports nothing.
"""

import os
import threading


def cpu_seconds(pid, proc="/proc"):
    """User + system CPU seconds of one process so far (its own, not its children's), or None when it is gone."""
    try:
        with open(os.path.join(proc, str(pid), "stat"), encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def _parent_map(proc="/proc"):
    parents = {}
    try:
        entries = os.listdir(proc)
    except OSError:
        return parents
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(os.path.join(proc, entry, "stat"), encoding="ascii", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
        fields = text[text.rfind(")") + 2:].split()
        if len(fields) > 1 and fields[1].isdigit():
            parents[int(entry)] = int(fields[1])
    return parents


def descendants(root, parents):
    """``root`` and every process below it in ``parents`` (pid -> parent pid)."""
    children = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def memory_kib(pid, proc="/proc"):
    """PSS of one process in KiB (RSS when smaps_rollup is unavailable), or None when it is gone."""
    try:
        with open(os.path.join(proc, str(pid), "smaps_rollup"), encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    try:
        with open(os.path.join(proc, str(pid), "statm"), encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return None


class TreeSampler:
    """Samples the tree under ``root`` every ``interval`` seconds in a thread; ``peak_kib`` / ``peak_processes``."""

    def __init__(self, root, interval=1.0, proc="/proc"):
        self.root = root
        self.interval = interval
        self.proc = proc
        self.peak_kib = None
        self.peak_processes = None
        self.root_cpu_seconds = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tree-sampler", daemon=True)

    def sample(self):
        root_cpu = cpu_seconds(self.root, self.proc)
        if root_cpu is not None:
            self.root_cpu_seconds = root_cpu
        pids = descendants(self.root, _parent_map(self.proc))
        sizes = [size for size in (memory_kib(pid, self.proc) for pid in pids) if size is not None]
        if not sizes:
            return
        self.peak_kib = max(self.peak_kib or 0, sum(sizes))
        self.peak_processes = max(self.peak_processes or 0, len(sizes))

    def _loop(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def start(self):
        if os.path.isdir(self.proc):
            self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

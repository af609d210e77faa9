# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import time

from fleet_bench import proctree


def test_descendants_walks_the_whole_tree_only():
    parents = {2: 1, 3: 2, 4: 2, 5: 3, 9: 8}
    assert sorted(proctree.descendants(2, parents)) == [2, 3, 4, 5]
    assert proctree.descendants(7, parents) == [7]


def test_sampler_sees_a_child_process_and_its_memory():
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        sampler = proctree.TreeSampler(os.getpid())
        sampler.sample()
        own = proctree.memory_kib(os.getpid())
    finally:
        child.stdin.close()
        child.wait()
    assert sampler.peak_processes >= 2
    assert sampler.root_cpu_seconds > 0
    assert own > 1024
    assert sampler.peak_kib > own


def test_memory_and_cpu_of_a_process_that_is_gone_are_none(tmp_path):
    assert proctree.memory_kib(12345, proc=str(tmp_path)) is None
    assert proctree.cpu_seconds(12345, proc=str(tmp_path)) is None


def test_cpu_seconds_of_this_process_grow_with_work():
    before = proctree.cpu_seconds(os.getpid())
    end = time.process_time() + 0.2
    while time.process_time() < end:
        pass
    after = proctree.cpu_seconds(os.getpid())
    assert after - before >= 0.1


def test_sampler_without_proc_reports_nothing(tmp_path):
    sampler = proctree.TreeSampler(os.getpid(), proc=str(tmp_path / "none")).start()
    sampler.stop()
    assert sampler.peak_kib is None and sampler.peak_processes is None

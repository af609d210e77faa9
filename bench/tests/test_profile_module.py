# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import cProfile
import time

import profile_module


def test_import_time_lines_are_parsed():
    match = profile_module._IMPORT_LINE.match("import time:      1234 |      63154 |       requests")
    assert match and (match.group(2), match.group(4)) == ("63154", "requests")
    assert profile_module._IMPORT_LINE.match("import time: self [us] | cumulative | imported package") is None


def test_profile_summary_separates_sleep_from_work(tmp_path):
    def work():
        time.sleep(0.2)
        return sum(range(10000))

    profiler = cProfile.Profile()
    profiler.runcall(work)
    path = str(tmp_path / "out.prof")
    profiler.dump_stats(path)
    summary = profile_module.profile_summary(path, top=2)
    assert summary["sleeping_seconds"] >= 0.19
    assert summary["total_seconds"] >= summary["sleeping_seconds"]
    assert len(summary["top_cumulative"]) == 2
    assert any("work" in row["function"] for row in summary["top_cumulative"])
    assert all("time.sleep" not in row["function"] for row in summary["top_own"])
    assert summary["by_file"] == {}          # no collection file took part

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

import run


def test_smoke_runs_24x4_without_baseline_or_results():
    args = run.parse_args(["--smoke", "--sizes", "500x25"])
    assert args.size_list == [(24, 4)]
    assert args.baseline is False
    assert args.results_dir is None


def test_default_run_has_the_baseline_and_writes_results():
    args = run.parse_args(["--sizes", "24x4,100x10", "--sim-arg=--rate-limit=600/60"])
    assert args.size_list == [(24, 4), (100, 10)]
    assert args.baseline is True
    assert args.results_dir == run.RESULTS_DIR
    assert args.sim_args == ["--rate-limit", "600/60"]


@pytest.mark.parametrize("argv", [["--sizes", "24"], ["--speed", "0"], ["--forks", "0"], ["--timeout", "-1"]])
def test_bad_options_stop_with_a_message(argv, capsys):
    with pytest.raises(SystemExit) as raised:
        run.parse_args(argv)
    assert raised.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_results_file_name_carries_the_sizes(tmp_path):
    path = run.write_results(str(tmp_path), "24x4,100x10", {"sizes": []})
    assert path.endswith("-24x4_100x10.json")
    assert open(path, encoding="utf-8").read().startswith("{")

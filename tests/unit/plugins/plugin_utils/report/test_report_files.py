# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Writing a run's report files at once, and the compact records a job slice hands on to the aggregation."""

import json
import os
import stat

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report import _files as files
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._json import merge_entries
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import ReportInputError
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._render import render
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import report_fixtures as fx

ALL = ["json", "junit", "csv", "markdown", "html"]


def test_every_format_is_written_with_the_rendered_text_and_mode(tmp_path):
    directory = tmp_path / "reports" / "run1"
    paths, changed = files.write_reports(fx.mixed_fleet(), fx.RUN, ALL, str(directory), "bandwidth_report_7", 0o640)
    assert changed
    assert [os.path.basename(path) for path in paths] == [
        "bandwidth_report_7.json", "bandwidth_report_7.xml", "bandwidth_report_7.csv", "bandwidth_report_7.md",
        "bandwidth_report_7.html"]
    for fmt, path in zip(ALL, paths):
        with open(path, encoding="utf-8", newline="") as handle:
            assert handle.read() == render(fmt, fx.mixed_fleet(), fx.RUN), fmt
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert sorted(os.listdir(str(directory))) == sorted(os.path.basename(path) for path in paths), "no temporary left"


def test_writing_the_same_report_again_changes_nothing(tmp_path):
    files.write_reports(fx.mixed_fleet(), fx.RUN, ["json", "csv"], str(tmp_path), "r")
    before = os.stat(str(tmp_path / "r.json")).st_mtime_ns
    _paths, changed = files.write_reports(fx.mixed_fleet(), fx.RUN, ["json", "csv"], str(tmp_path), "r")
    assert not changed
    assert os.stat(str(tmp_path / "r.json")).st_mtime_ns == before


def test_a_changed_report_replaces_the_file_whole(tmp_path):
    files.write_reports(fx.mixed_fleet(), fx.RUN, ["json"], str(tmp_path), "r")
    _paths, changed = files.write_reports(fx.mixed_fleet()[:2], fx.RUN, ["json"], str(tmp_path), "r")
    assert changed
    with open(str(tmp_path / "r.json"), encoding="utf-8") as handle:
        assert len(json.load(handle)["hosts"]) == 2


def test_the_metrics_file_is_written_beside_the_reports(tmp_path):
    metrics = tmp_path / "textfile" / "gateway_bandwidth.prom"
    paths, _changed = files.write_reports(fx.mixed_fleet(), fx.RUN, ["json"], str(tmp_path), "r",
                                          metrics_file=str(metrics))
    assert paths[-1] == str(metrics)
    text = metrics.read_text(encoding="utf-8")
    assert text.endswith("# EOF\n") and "gateway_bandwidth" in text


@pytest.mark.parametrize("formats, basename, words", [
    (["pdf"], "r", "some of json"),
    ([], "r", "some of json"),
    (["json"], "a/b", "without /"),
    (["json"], "", "without /"),
])
def test_bad_formats_and_names_are_refused_before_anything_is_written(tmp_path, formats, basename, words):
    with pytest.raises(ReportInputError, match=words):
        files.write_reports(fx.mixed_fleet(), fx.RUN, formats, str(tmp_path / "out"), basename)
    assert not (tmp_path / "out").exists()


def test_a_failed_write_leaves_neither_a_temporary_nor_a_half_file(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    target.write_text("old report\n", encoding="utf-8")

    def refuse(_source, _destination):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        files.write_reports(fx.mixed_fleet(), fx.RUN, ["json"], str(tmp_path), "r")
    assert os.listdir(str(tmp_path)) == ["r.json"]
    assert target.read_text(encoding="utf-8") == "old report\n"


def test_handed_on_hosts_keep_every_verdict_and_figure_but_no_intervals():
    hosts = files.handed_on(fx.mixed_fleet(), fx.RUN)
    full = json.loads(render("json", fx.mixed_fleet(), fx.RUN))["hosts"]
    assert [host["host"] for host in hosts] == [host["host"] for host in full]
    for small, big in zip(hosts, full):
        for key in ("verdict", "reason", "checks", "message"):
            assert small.get(key) == big.get(key), key
        for direction, numbers in (big.get("measurements") or {}).items():
            if numbers:
                assert small["measurements"][direction]["intervals"] == []
                assert small["measurements"][direction]["receiver_mbps"] == numbers["receiver_mbps"]
    assert len(json.dumps(hosts)) < len(json.dumps(full))


def test_handed_on_hosts_merge_back_to_the_same_verdicts():
    """What the aggregation does with a slice's artifact: the report it renders has the slice's verdicts."""
    artifact = {"total": 10, "hosts": files.handed_on(fx.mixed_fleet(), fx.RUN)}
    merged = merge_entries([artifact], sources=["bandwidth_report_101"])
    original = json.loads(render("json", fx.mixed_fleet(), fx.RUN))["hosts"]
    assert [(entry["host"], entry["record"]["verdict"]) for entry in merged] == [
        (host["host"], host["verdict"]) for host in original]

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import os

import pytest

from fleet_bench import snapshot


def make_collection(root, text="x = 1\n"):
    base = root / "ansible_collections" / "aruba_central" / "troubleshooting"
    (base / "plugins" / "modules").mkdir(parents=True)
    (base / "galaxy.yml").write_text("namespace: aruba_central\n")
    (base / "plugins" / "modules" / "m.py").write_text(text)
    (base / "tests").mkdir()
    (base / "tests" / "t.py").write_text("left behind\n")
    return base


def test_snapshot_copies_what_a_run_needs_and_digests_it(tmp_path):
    make_collection(tmp_path / "src")
    target_root, first = snapshot.snapshot(str(tmp_path / "src"), str(tmp_path / "copy"))
    copied = os.path.join(target_root, "ansible_collections", "aruba_central", "troubleshooting")
    assert os.path.isfile(os.path.join(copied, "plugins", "modules", "m.py"))
    assert not os.path.exists(os.path.join(copied, "tests"))
    assert snapshot.digest(copied) == first


def test_digest_changes_with_any_file(tmp_path):
    one = make_collection(tmp_path / "one")
    two = make_collection(tmp_path / "two", text="x = 2\n")
    assert snapshot.digest(str(one)) != snapshot.digest(str(two))


def test_source_is_searched_along_the_path(tmp_path):
    make_collection(tmp_path / "b")
    found = snapshot.source_collection("%s:%s" % (tmp_path / "a", tmp_path / "b"))
    assert found == os.path.realpath(str(tmp_path / "b" / "ansible_collections" / "aruba_central" / "troubleshooting"))
    with pytest.raises(ValueError, match="run make layout"):
        snapshot.source_collection(str(tmp_path / "a"))

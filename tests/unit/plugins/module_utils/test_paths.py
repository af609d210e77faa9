# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where the collection keeps its files: one home for the cache and runtime directories."""

import os

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._paths import cache_dir, runtime_dir


def test_the_cache_directory_follows_the_override_then_xdg_then_home_and_expands_the_home(tmp_path):
    home = {"HOME": str(tmp_path)}
    assert cache_dir(dict(home, CENTRAL_TOKEN_CACHE_DIR="/srv/central")) == "/srv/central"
    assert cache_dir(dict(home, XDG_CACHE_HOME="/var/cache/u")) == "/var/cache/u/aruba_central_troubleshooting"
    assert cache_dir({}) == os.path.expanduser(os.path.join("~", ".cache", "aruba_central_troubleshooting"))


def test_tilde_is_expanded_everywhere(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_dir({"CENTRAL_TOKEN_CACHE_DIR": "~/c"}) == str(tmp_path / "c")
    assert cache_dir({"XDG_CACHE_HOME": "~/x"}) == str(tmp_path / "x" / "aruba_central_troubleshooting")
    assert runtime_dir({"XDG_CACHE_HOME": "~/x"}) == str(tmp_path / "x" / "aruba_central_troubleshooting")


def test_the_runtime_directory_is_used_only_when_it_exists(tmp_path):
    runtime = tmp_path / "run"
    runtime.mkdir()
    assert runtime_dir({"XDG_RUNTIME_DIR": str(runtime)}) == str(runtime / "aruba_central_troubleshooting")
    assert runtime_dir({"XDG_RUNTIME_DIR": str(tmp_path / "gone"), "XDG_CACHE_HOME": "/c"}) == \
        "/c/aruba_central_troubleshooting"

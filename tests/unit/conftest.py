# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared fixtures: every unit test runs without the caller's CENTRAL_* settings and with its own token cache."""

import json
import os

import pytest

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No CENTRAL_* variable of the caller leaks in; tokens and task timings go to a private directory."""
    for name in [name for name in os.environ if name.startswith("CENTRAL_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CENTRAL_TOKEN_CACHE_DIR", str(tmp_path / "token-cache"))


@pytest.fixture(name="seed")
def seed_body():
    """The completed task body of the API document Central's iperf reference gives (a real gateway's test)."""
    with open(os.path.join(FIXTURES, "central", "seed_result.json"), encoding="utf-8") as handle:
        return json.load(handle)

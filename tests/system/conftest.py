# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""System tests: the real modules, roles and inventory plugin run by Ansible against local Central simulators.

Run from the laid-out collection (``make layout``) with the collection and the simulator importable::

    cd .build/ansible_collections/aruba_central/troubleshooting
    ANSIBLE_COLLECTIONS_PATH=<.build> PYTHONPATH=<.build>:<repo>/simulator python -m pytest -q tests/system
"""

import os

import pytest

from ansible_collections.aruba_central.troubleshooting.tests.system import harness


def pytest_collection_modifyitems(config, items):  # pylint: disable=unused-argument
    """Skip, saying why, what this machine cannot run."""
    reasons = []
    if harness.central_sim_testing() is None:
        reasons.append("the simulator package central_sim is not importable: put the repository's simulator/ "
                       "directory on PYTHONPATH")
    playbook = os.path.join(harness.BIN_DIR, "ansible-playbook")
    if not os.access(playbook, os.X_OK):
        reasons.append("ansible-playbook is not installed beside %s" % harness.PYTHON)
    galaxy = os.path.join(harness.COLLECTIONS_PATH, "ansible_collections", "aruba_central", "troubleshooting",
                          "galaxy.yml")
    if not os.path.isfile(galaxy):
        reasons.append("the collection is not under ANSIBLE_COLLECTIONS_PATH=%s (run make layout)"
                       % harness.COLLECTIONS_PATH)
    if not reasons:
        return
    marker = pytest.mark.skip(reason="; ".join(reasons))
    for item in items:
        if "/tests/system/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(marker)

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The example execution environment of extensions/awx: ansible-builder turns it into a build context.

``ansible-builder create`` only writes files (no network, no container engine), so it runs here; the image build
itself is not tested.
"""

import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils import _thresholds

COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DEFINITION = os.path.join(COLLECTION, "extensions", "awx", "execution-environment.yml")
# The directory that holds ansible_collections/, for introspecting the collection the tests import.
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(_thresholds.__file__), *[".."] * 5))

pytest.importorskip("ansible_builder", reason="ansible-builder is not installed in this Python environment")


def builder(*args):
    return subprocess.run([sys.executable, "-m", "ansible_builder", *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_definition_is_version_3_and_installs_the_collection():
    with open(DEFINITION, encoding="utf-8") as handle:
        definition = yaml.safe_load(handle)
    assert definition["version"] == 3
    names = [item["name"] for item in definition["dependencies"]["galaxy"]["collections"]]
    assert names == ["aruba_central.troubleshooting"]
    assert definition["dependencies"]["ansible_core"]["package_pip"].startswith("ansible-core>=2.16")


def test_ansible_builder_creates_the_build_context(tmp_path):
    context = tmp_path / "context"
    run = builder("create", "--file", DEFINITION, "--context", str(context), "--output-filename", "Containerfile")
    assert run.returncode == 0, run.stdout + run.stderr
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"' in containerfile
    assert 'ARG PYCMD="/usr/bin/python3.11"' in containerfile
    assert "ansible-core>=2.16,<2.20 ansible-runner>=2.4,<3" in containerfile
    assert "ansible-galaxy collection install" in containerfile
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    assert requirements["collections"][0]["name"] == "aruba_central.troubleshooting"


def test_the_collection_declares_its_python_requirements_for_ansible_builder():
    run = builder("introspect", "--sanitize", COLLECTIONS_ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    python = yaml.safe_load(run.stdout.split("\n", 1)[1])["python"]
    packages = sorted(line.split(">")[0].split("=")[0].strip() for line in python)
    assert {"jmespath", "requests"} <= set(packages)

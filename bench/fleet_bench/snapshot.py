# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A private copy of the collection for one benchmark invocation.

Every run of an invocation (all sizes, the collection and the baseline) uses the same copy, so a rebuild of the
shared layout (``make layout``) or an edit in the working tree during a long ``make bench-full`` cannot change the
code under measurement half-way. The digest of the copied files identifies what was measured.
"""

import hashlib
import os
import shutil

NAMESPACE, NAME = "aruba_central", "troubleshooting"
# What a collection run needs: plugins, roles, meta, playbooks. Development material stays behind.
IGNORED = shutil.ignore_patterns(".git", ".venv", ".build", ".dev", ".hypothesis", ".pytest_cache", "__pycache__",
                                 "*.pyc", "tests", "simulator", "bench", "reports", "artifacts", "docs", "changelogs",
                                 "scripts", ".ci", "*.tar.gz")


def source_collection(collections_path):
    """The collection directory under the first entry of ``collections_path`` that has it."""
    for entry in [p for p in str(collections_path).split(os.pathsep) if p]:
        candidate = os.path.join(entry, "ansible_collections", NAMESPACE, NAME)
        if os.path.isfile(os.path.join(candidate, "galaxy.yml")):
            return os.path.realpath(candidate)
    raise ValueError("the collection %s.%s is not under %s; run make layout, or set ANSIBLE_COLLECTIONS_PATH to a "
                     "directory holding ansible_collections/%s/%s" % (NAMESPACE, NAME, collections_path, NAMESPACE, NAME))


def digest(directory):
    """SHA-256 over the relative paths and contents of every file, in a stable order."""
    sha = hashlib.sha256()
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            sha.update(os.path.relpath(path, directory).encode() + b"\0")
            with open(path, "rb") as handle:
                sha.update(hashlib.sha256(handle.read()).digest())
    return sha.hexdigest()


def snapshot(collections_path, target_root):
    """Copy the collection to ``target_root/ansible_collections/...``; return (collections path, digest)."""
    source = source_collection(collections_path)
    target = os.path.join(target_root, "ansible_collections", NAMESPACE, NAME)
    shutil.copytree(source, target, ignore=IGNORED, symlinks=False)
    return target_root, digest(target)

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Where the collection keeps its files on the controller: the cache directory and the runtime directory."""

import os
from typing import Mapping, Optional

DIR_NAME = "aruba_central_troubleshooting"


def cache_dir(environ: Optional[Mapping[str, str]] = None) -> str:
    """``$CENTRAL_TOKEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/aruba_central_troubleshooting``, else
    ``~/.cache/aruba_central_troubleshooting`` (``~`` expanded): tokens and test timings live here."""
    env = os.environ if environ is None else environ
    if env.get("CENTRAL_TOKEN_CACHE_DIR"):
        return os.path.expanduser(env["CENTRAL_TOKEN_CACHE_DIR"])
    base = os.path.expanduser(env.get("XDG_CACHE_HOME") or os.path.join("~", ".cache"))
    return os.path.join(base, DIR_NAME)


def runtime_dir(environ: Optional[Mapping[str, str]] = None) -> str:
    """``$XDG_RUNTIME_DIR/aruba_central_troubleshooting`` when that directory exists (cleared at reboot), else the
    user's cache base (``$XDG_CACHE_HOME`` or ``~/.cache``) with the same name: iperf server leases live here."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_RUNTIME_DIR")
    if not base or not os.path.isdir(base):
        base = os.path.expanduser(env.get("XDG_CACHE_HOME") or os.path.join("~", ".cache"))
    return os.path.join(base, DIR_NAME)

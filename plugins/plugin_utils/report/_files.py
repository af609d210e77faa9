# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""Write the fleet report files of one run at once, and the compact form a job slice hands on to AWX.

Every file is written to a temporary file beside it and renamed into place, so a reader never sees half a report.
"""

import os
import tempfile
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._metrics import render_openmetrics
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._json import report_document
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import ReportInputError
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._render import EXTENSIONS, render


def write_atomically(path: str, text: str, mode: int) -> bool:
    """Write ``text`` to ``path`` with ``mode`` (an int); returns True when the content changed."""
    try:
        with open(path, "r", encoding="utf-8", newline="") as handle:
            if handle.read() == text:
                os.chmod(path, mode)
                return False
    except (OSError, UnicodeDecodeError):
        pass
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


def write_reports(entries: Any, metadata: Optional[Mapping[str, Any]], formats: Sequence[str], directory: str,
                  basename: str, mode: int = 0o644, metrics_file: Optional[str] = None) -> Tuple[List[str], bool]:
    """Render ``formats`` and write them as ``<directory>/<basename>.<extension>`` (plus the OpenMetrics text to
    ``metrics_file`` when given). Returns ``(paths, changed)``. Raises ReportInputError or OSError."""
    unknown = [fmt for fmt in formats if fmt not in EXTENSIONS]
    if unknown or not formats:
        raise ReportInputError("report formats must be some of {0}, got {1}".format(
            ", ".join(EXTENSIONS), ", ".join(map(str, formats))))
    if not basename or "/" in basename:
        raise ReportInputError("the report file name must be a plain name without /, got {0!r}".format(basename))
    os.makedirs(directory, mode=0o755, exist_ok=True)
    paths: List[str]
    paths, changed = [], False
    for fmt in dict.fromkeys(formats):
        path = os.path.join(directory, "%s.%s" % (basename, EXTENSIONS[fmt]))
        changed = write_atomically(path, render(fmt, entries, metadata), mode) or changed
        paths.append(path)
    if metrics_file:
        os.makedirs(os.path.dirname(os.path.abspath(metrics_file)), exist_ok=True)
        changed = write_atomically(metrics_file, render_openmetrics(entries, metadata), mode) or changed
        paths.append(metrics_file)
    return paths, changed


def _compact(host: Dict[str, Any]) -> Dict[str, Any]:
    """A host of the JSON report without its per-interval figures and history points (what artifacts can carry)."""
    host = dict(host)
    for direction, numbers in list((host.get("measurements") or {}).items()):
        if isinstance(numbers, dict):
            host["measurements"] = dict(host["measurements"], **{direction: dict(numbers, intervals=[])})
    for direction, base in list((host.get("baseline") or {}).items()):
        if isinstance(base, dict):
            host["baseline"] = dict(host["baseline"], **{direction: dict(base, points=[])})
    if host.get("attempts"):
        host["attempts"] = [_compact(attempt) for attempt in host["attempts"] if isinstance(attempt, dict)]
    return host


def handed_on(entries: Any, metadata: Optional[Mapping[str, Any]] = None) -> List[Dict[str, Any]]:
    """The hosts of the JSON report, compact: what a job slice publishes for the aggregation (``set_stats``)."""
    return [_compact(host) for host in report_document(entries, metadata)["hosts"]]

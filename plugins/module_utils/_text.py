# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""One-line text for messages: every message the collection prints is a single line, whatever it quotes."""

from typing import Any, Optional


def one_line(text: Any, limit: Optional[int] = None) -> str:
    """``text`` with all white space (line breaks included) collapsed; cut to ``limit`` characters with "..."."""
    text = " ".join(str(text).split())
    if limit is not None and len(text) > limit:
        text = text[:limit - 3].rstrip() + "..."
    return text


def quote(text: Any, limit: int = 80) -> str:
    """``text`` in double quotes on one line, at most ``limit`` characters of it."""
    return '"%s"' % one_line(text, limit)


def shown(value: Any, limit: int = 80) -> str:
    """``repr(value)`` on one line, at most ``limit`` characters: how a message shows a value the user gave."""
    return one_line(repr(value), limit)

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The OData subset Central's list APIs accept in ``filter``: ``eq``, ``in (...)`` and ``and``, single quotes."""

import re

MAX_LENGTH = 256
_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<open>\()|(?P<close>\))|(?P<comma>,)"
                    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<bad>\S))")


class FilterError(ValueError):
    """A filter that does not parse; the message says where and what was expected."""


def _tokens(text):
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # only trailing whitespace is left
            return
        position = match.end()
        kind = match.lastgroup
        if kind == "bad":
            if match.group("bad") == "'":
                raise FilterError("Invalid filter: unterminated string starting at position %d" % match.start("bad"))
            raise FilterError("Invalid filter: unexpected character %r at position %d"
                              % (match.group("bad"), match.start("bad")))
        value = match.group(kind)
        if kind == "string":
            value = value[1:-1].replace("''", "'")
        yield kind, value, match.start(kind)


def parse_filter(text, fields):
    """``"siteName eq 'HQ' and status in ('Online')"`` -> [("siteName", {"HQ"}), ("status", {"Online"})]."""
    if len(text) > MAX_LENGTH:
        raise FilterError("Invalid filter: longer than %d characters" % MAX_LENGTH)
    tokens = list(_tokens(text))
    clauses, index = [], 0

    def take(kind, what):
        nonlocal index
        if index >= len(tokens):
            raise FilterError("Invalid filter: expected %s at the end of the filter" % what)
        got_kind, value, where = tokens[index]
        if got_kind != kind:
            raise FilterError("Invalid filter: expected %s at position %d, found %r" % (what, where, value))
        index += 1
        return value

    while True:
        field = take("word", "a field name")
        if field not in fields:
            raise FilterError("Invalid filter: field %r cannot be filtered; use one of %s"
                              % (field, ", ".join(sorted(fields))))
        operator = take("word", "'eq' or 'in'").lower()
        if operator == "eq":
            values = {take("string", "a quoted value such as 'HQ'")}
        elif operator == "in":
            take("open", "'('")
            values = {take("string", "a quoted value such as 'HQ'")}
            while index < len(tokens) and tokens[index][0] == "comma":
                index += 1
                values.add(take("string", "a quoted value after ','"))
            take("close", "')'")
        else:
            raise FilterError("Invalid filter: unsupported operator %r after %r; use 'eq' or 'in'" % (operator, field))
        clauses.append((field, values))
        if index == len(tokens):
            return clauses
        if take("word", "'and'").lower() != "and":
            raise FilterError("Invalid filter: only 'and' can join conditions (position %d)" % tokens[index - 1][2])
        if index == len(tokens):
            raise FilterError("Invalid filter: expected a condition after 'and'")


def matches(values, clauses, case_insensitive=("status",)):
    for field, wanted in clauses:
        have = values.get(field)
        if field in case_insensitive:
            if str(have).lower() not in {w.lower() for w in wanted}:
                return False
        elif have not in wanted:
            return False
    return True

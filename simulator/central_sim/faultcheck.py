# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Validation helpers for the fault configuration: each failure is one line naming the offending key."""


class FaultConfigError(ValueError):
    """A fault configuration that cannot be used; the message names the offending key."""


def probability(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise FaultConfigError("faults: %s must be a probability between 0 and 1, got %r" % (where, value))
    return float(value)


def mapping(value, where, allowed):
    if not isinstance(value, dict):
        raise FaultConfigError("faults: %s must be a mapping" % where)
    unknown = set(value) - set(allowed)
    if unknown:
        raise FaultConfigError("faults: unknown key(s) %s in %s; allowed: %s"
                               % (", ".join(sorted(map(str, unknown))), where, ", ".join(allowed)))
    return value


def status(value, where, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FaultConfigError("faults: %s must be an HTTP status between %d and %d, got %r"
                               % (where, low, high, value))
    return value


def seconds(value, where, allow_none=False):
    """A number of seconds >= 0 (or None when allowed)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise FaultConfigError("faults: %s must be seconds >= 0%s, got %r"
                               % (where, " or null" if allow_none else "", value))
    return float(value)


def integer(value, where, low, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise FaultConfigError("faults: %s must be an integer >= %d%s, got %r"
                               % (where, low, " or null" if allow_none else "", value))
    return value


def boolean(value, where):
    if not isinstance(value, bool):
        raise FaultConfigError("faults: %s must be true or false, got %r" % (where, value))
    return value


def text(value, where):
    if not isinstance(value, str) or not value.strip():
        raise FaultConfigError("faults: %s must be a non-empty string, got %r" % (where, value))
    return value


def choice(value, where, allowed):
    if value not in allowed:
        raise FaultConfigError("faults: %s must be one of %s, got %r" % (where, ", ".join(allowed), value))
    return value

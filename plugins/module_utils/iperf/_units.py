# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

# This module_utils is PRIVATE to the aruba_central.troubleshooting collection.
# It may change or be removed at any time without notice; do not use it from other collections.

"""Turn iperf3 unit strings into numbers.

iperf3 prints transfer sizes (and the TCP congestion window) in powers of 1024 (6.42 MBytes) and bit rates in
powers of 1000 (9.58 Mbits/sec). With an upper-case -f K/M/G it prints byte rates instead
(2456 MBytes/sec), in powers of 1024 bytes.
"""

import math
import re
from typing import Any, Union

_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_PREFIX_POWER = {"": 0, "K": 1, "M": 2, "G": 3, "T": 4}

_RATE_RE = re.compile(r"\A\s*(" + _NUMBER + r")\s*([KMGT]?)(bits|Bytes)/sec\s*\Z")
_SIZE_RE = re.compile(r"\A\s*(" + _NUMBER + r")\s*([KMGT]?)Bytes\s*\Z")

RATE_UNITS = tuple(p + "bits/sec" for p in _PREFIX_POWER) + tuple(p + "Bytes/sec" for p in _PREFIX_POWER)
SIZE_UNITS = tuple(p + "Bytes" for p in _PREFIX_POWER)

_MAX_SHOWN = 60


def _show(value: Any) -> str:
    """A short, one-line rendering of a bad input for an error message."""
    text = repr(value)
    if len(text) > _MAX_SHOWN:
        text = text[:_MAX_SHOWN - 3] + "..."
    return text


def _check_number(value: Any, what: str, units: str) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("%s is not a %s: the number must be finite; use a number or a string such as %s" % (_show(value), what, units))
    if value < 0:
        raise ValueError("%s is not a %s: it must not be negative; use a number >= 0 or a string such as %s" % (_show(value), what, units))
    return True


def _scaled(number_text: str, factor: int, value: Any, what: str) -> int:
    result = float(number_text) * factor
    if not math.isfinite(result):
        raise ValueError("%s is not a %s: the number is too large" % (_show(value), what))
    return int(round(result))


def to_bits_per_second(value: Any) -> Union[int, float]:
    """Return the bit rate in value as bits per second (an int, rounded).

    Accepts the rate strings iperf3 prints: bits/sec, Kbits/sec, Mbits/sec, Gbits/sec and Tbits/sec
    in powers of 1000 ('9.58 Mbits/sec' -> 9580000), and the byte-rate forms of -f K/M/G (Bytes/sec,
    KBytes/sec ... TBytes/sec) in powers of 1024 bytes times 8 bits.
    Ints and floats are returned unchanged, so the conversion can be applied twice.

    Raises ValueError, naming the bad value and the accepted units, for anything else (negative, NaN or infinite
    numbers included).
    """
    what = "bit rate"
    examples = "'9.58 Mbits/sec'"
    if _check_number(value, what, examples):
        return value
    if isinstance(value, str):
        match = _RATE_RE.match(value)
        if match:
            number_text, prefix, kind = match.groups()
            power = _PREFIX_POWER[prefix]
            factor = 1000 ** power if kind == "bits" else 8 * 1024 ** power
            return _scaled(number_text, factor, value, what)
    raise ValueError(
        "%s is not a bit rate: expected a number followed by one of %s (for example %s)" % (_show(value), ", ".join(RATE_UNITS), examples)
    )


def to_bytes(value: Any) -> Union[int, float]:
    """Return the size in value as bytes (an int, rounded).

    Accepts the size strings iperf3 prints: Bytes, KBytes, MBytes, GBytes and TBytes, in powers of
    1024 ('6.42 MBytes' -> round(6.42 * 1024**2) = 6731858).
    Ints and floats are returned unchanged, so the conversion can be applied twice.

    Raises ValueError, naming the bad value and the accepted units, for anything else (negative, NaN or infinite
    numbers included).
    """
    what = "size in bytes"
    examples = "'6.42 MBytes'"
    if _check_number(value, what, examples):
        return value
    if isinstance(value, str):
        match = _SIZE_RE.match(value)
        if match:
            number_text, prefix = match.groups()
            return _scaled(number_text, 1024 ** _PREFIX_POWER[prefix], value, what)
    raise ValueError(
        "%s is not a size in bytes: expected a number followed by one of %s (for example %s)" % (_show(value), ", ".join(SIZE_UNITS), examples)
    )

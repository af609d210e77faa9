# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""iperf3's unit formatting (``src/units.c``: ``unit_snprintf``), so generated text reads like the real tool's.

Sizes use powers of 1024 (``MBytes``), rates powers of 1000 (``Mbits/sec``); the number always fits in four places:
``%4.2f`` under 9.995, ``%4.1f`` under 99.95, ``%4.0f`` above.
"""

_BYTE_LABELS = ("Byte", "KByte", "MByte", "GByte")
_BIT_LABELS = ("bit", "Kbit", "Mbit", "Gbit")
# The same factors as units.c (1.0 / 1024 / 1024 ...), so rounding at the boundaries matches the C code bit for bit.
_BYTE_FACTORS = (1.0, 1.0 / 1024, 1.0 / 1024 / 1024, 1.0 / 1024 / 1024 / 1024)
_BIT_FACTORS = (1.0, 1.0 / 1000, 1.0 / 1000 / 1000, 1.0 / 1000 / 1000 / 1000)


def _adaptive(value, base, labels, factors):
    conv = 0
    scaled = value
    while scaled >= base and conv < len(labels) - 1:
        scaled /= base
        conv += 1
    value *= factors[conv]
    if value < 9.995:
        text = "%4.2f" % value
    elif value < 99.95:
        text = "%4.1f" % value
    else:
        text = "%4.0f" % value
    return "%s %s" % (text, labels[conv])


def format_bytes(num_bytes):
    """``6731858`` -> ``"6.42 MBytes"`` (iperf's ``%ss`` after ``unit_snprintf(..., 'A')``)."""
    return _adaptive(float(num_bytes), 1024.0, _BYTE_LABELS, _BYTE_FACTORS) + "s"


def format_rate(bytes_per_second):
    """Bytes per second -> ``"53.9 Mbits/sec"`` (iperf's ``%ss/sec`` after ``unit_snprintf(..., 'a')``)."""
    return _adaptive(float(bytes_per_second) * 8.0, 1000.0, _BIT_LABELS, _BIT_FACTORS) + "s/sec"

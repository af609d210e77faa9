# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checks many test files share: a message is one line and names an option, a filter refuses its input with one line."""

import pytest
from ansible.errors import AnsibleFilterError


def assert_one_line(text):
    """``text`` is a non-blank string without a line break."""
    assert isinstance(text, str) and text.strip()
    assert "\n" not in text and "\r" not in text, repr(text)


def names_option(message, option):
    """True when the message names ``option`` as written (``serial_number``) or in words (``serial number``)."""
    lowered = message.lower()
    return any(form in lowered for form in (option, option.replace("_", " "), option.rstrip("s").replace("_", " ")))


def filter_error(function, *args, **kwargs):
    """Call a filter that must refuse its input; return its message, one line starting with the filter's name."""
    with pytest.raises(AnsibleFilterError) as info:
        function(*args, **kwargs)
    message = str(info.value.message if hasattr(info.value, "message") else info.value)
    assert "\n" not in message, repr(message)
    assert message.startswith(function.__name__ + ": "), message
    return message

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad options of the gateways inventory source: one line naming the option, and no request to Central.

The plugin is loaded the way ``ansible-inventory`` loads it; the loader, the scripted HTTP seam and the source
writer come from ``test_gateways_inventory.py``.
"""

import pytest
from ansible.errors import AnsibleParserError

# pylint: disable=unused-import
from ansible_collections.aruba_central.troubleshooting.tests.unit.plugins.inventory.test_gateways_inventory import (  # noqa: F401
    SECRET,
    collection_loader,
    http,
    load,
    write_source,
)


def parse_capturing(http, source):
    """(error message or None, requests sent) for a source that should fail; a request it made is not an error here."""
    message = None
    try:
        load(source)
    except AnsibleParserError as exc:
        message = str(exc)
    except AssertionError:  # the scripted seam refused a request: the plugin asked Central
        pass
    finally:
        sent = list(http.requests)
        http.failures.clear()
    return message, sent


OPTION_CASES = [
    ("base_url", {"base_url": None}),
    ("base_url", {"base_url": ""}),
    ("base_url", {"base_url": "http://central.example"}),
    ("base_url", {"base_url": "http://localhost.evil.example"}),
    ("base_url", {"base_url": "central.example"}),
    ("base_url", {"base_url": "https://central.example:0"}),
    ("base_url", {"base_url": "https://central.example/?x=1"}),
    ("base_url", {"base_url": "https://user:%s@central.example" % SECRET}),
    ("token_url", {"token_url": "http://sso.example/as/token.oauth2"}),
    ("token_url", {"token_url": "ftp://sso.example/as/token.oauth2"}),
    ("api_version", {"api_version": "v3"}),
    ("api_version", {"api_version": "V1"}),
    ("access_token", {"access_token": "tok-static"}),
    ("client_secret", {"client_secret": None}),
    ("client_id", {"client_id": None}),
    ("access_token", {"client_id": None, "client_secret": None}),
    ("ca_path", {"ca_path": "/nonexistent/ca.pem"}),
    ("request_timeout", {"request_timeout": -1}),
    ("request_timeout", {"request_timeout": "fast"}),
    ("max_retries", {"max_retries": -1}),
    ("max_retries", {"max_retries": "many"}),
    ("page_size", {"page_size": 0}),
    ("page_size", {"page_size": -1}),
    ("page_size", {"page_size": 101}),
    ("page_size", {"page_size": "all"}),
    ("hostname_field", {"hostname_field": "bogus"}),
    ("sites", {"sites": ["HQ-Berlin", ""]}),
    ("sites", {"sites": ["HQ\nBerlin"]}),
    ("models", {"models": ["  "]}),
    ("filter", {"filter": "x" * 300}),
    ("query", {"query": "[?site_name == "}),
]


def names_option(message, option):
    lowered = message.lower()
    singular = option[:-1] if option.endswith("s") else option
    return any(form in lowered for form in (option, option.replace("_", " "), singular.replace("_", " ")))


@pytest.mark.parametrize("option, options", OPTION_CASES)
def test_bad_inventory_options_fail_the_source_before_any_request(http, tmp_path, option, options):
    with pytest.raises(AnsibleParserError) as info:
        load(write_source(tmp_path, **options))
    message = " ".join(str(info.value.message if hasattr(info.value, "message") else info.value).split("\n"))
    first_line = str(info.value).splitlines()[0]
    assert names_option(message, option), "%r does not name %s" % (message, option)
    assert SECRET not in str(info.value)
    assert first_line.strip(), "the error has a first line that says what is wrong"
    assert http.requests == [], "Central was asked although the options were bad: %r" % http.requests


@pytest.mark.parametrize("option", ["validate_certs", "online_only", "group_by_site"])
def test_misspelt_booleans_fail_the_source(http, tmp_path, option):
    message, sent = parse_capturing(http, write_source(tmp_path, **{option: "ture"}))
    assert message is not None and option in message
    assert sent == []


def test_request_timeout_zero_fails_the_source(http, tmp_path):
    message, sent = parse_capturing(http, write_source(tmp_path, request_timeout=0))
    assert message is not None and "request_timeout" in message
    assert sent == []


@pytest.mark.parametrize("option, options", [
    ("base_url", {"base_url": "http://central.example"}),
    ("page_size", {"page_size": 0}),
    ("api_version", {"api_version": "v3"}),
    ("query", {"query": "[?"}),
])
def test_bad_option_messages_are_one_line(http, tmp_path, option, options):
    with pytest.raises(AnsibleParserError) as info:
        load(write_source(tmp_path, **options))
    message = str(info.value.message if hasattr(info.value, "message") else info.value)
    assert "\n" not in message.strip(), repr(message)
    assert names_option(message, option)
    assert http.requests == []

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A client secret and a bearer token that answers echo back, clients holding them, and where to look for them.

    http = HttpMock([("POST", r"/as/token\\.oauth2$", reply(401, json={"message": "bad secret " + ECHOED_SECRET}))])
    with pytest.raises(CentralError) as info:
        client_credentials(http).get(LIST)
    assert leaked(info.value, ECHOED_SECRET) == []
"""

import json

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock

ECHOED_SECRET = "S3cr3t-7f0c2a9e-4d1b-4b8e-9a55-client"
ECHOED_TOKEN = "S3cr3t-tok-0c1d2e3f-4a5b-6c7d-8e9f-bearer"
TOKEN_URL = "https://sso.example/as/token.oauth2"
LIST = "/network-monitoring/v1/gateways"


def leaked(err, *secrets):
    """Every place an error is shown or returned: its message, repr and the module's api_error dict."""
    shown = " ".join([str(err), repr(err), json.dumps(err.to_dict())])
    return [secret for secret in secrets if secret in shown or secret[:16] in shown]


def client_credentials(http):
    """A client that mints its tokens with ``ECHOED_SECRET``, without retries."""
    return CentralClient("https://central.example", client_id="my-client", client_secret=ECHOED_SECRET, token_url=TOKEN_URL,
                         session=http, clock=FakeClock(), max_retries=0)


def static_token(http, token=ECHOED_TOKEN):
    """A client that sends ``token`` as given, without retries."""
    return CentralClient("https://central.example", access_token=token, session=http, clock=FakeClock(), max_retries=0)

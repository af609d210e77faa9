# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""OAuth2 client-credentials tokens, as HPE GreenLake's SSO issues them for Central (api.md section 4)."""

import base64
import binascii
import hmac
import secrets
from dataclasses import dataclass

from aiohttp import web

from central_sim.appkey import CLIENT_ID, SIM


@dataclass
class Token:
    value: str
    client_id: str
    expires_at: float
    uses: int = 0


class TokenStore:
    def __init__(self, clock, client_id, client_secret, lifetime):
        self.clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.lifetime = lifetime
        self._tokens = {}

    def credentials_ok(self, client_id, client_secret):
        return (hmac.compare_digest(str(client_id).encode(), self.client_id.encode())
                and hmac.compare_digest(str(client_secret).encode(), self.client_secret.encode()))

    def mint(self, client_id):
        now = self.clock.monotonic()
        self._tokens = {value: tok for value, tok in self._tokens.items() if tok.expires_at > now}
        token = Token(secrets.token_urlsafe(32), client_id, now + self.lifetime)
        self._tokens[token.value] = token
        return token

    def lookup(self, authorization, revoke_after=None):
        """(Token, None) for a usable ``Authorization: Bearer`` header, else (None, why it is refused)."""
        scheme, _sep, value = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None, "Authentication required."
        token = self._tokens.get(value.strip())
        if token is None:
            return None, "Authentication required. The access token is not valid."
        if token.expires_at <= self.clock.monotonic():
            return None, "Authentication required. The access token has expired."
        token.uses += 1
        if revoke_after is not None and token.uses > revoke_after:
            return None, "Authentication required. The access token has been revoked."
        return token, None


def _basic_credentials(header):
    scheme, _sep, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, _sep, client_secret = decoded.partition(":")
    return client_id, client_secret


def _oauth_error(status, error, description):
    return web.json_response({"error": error, "error_description": description}, status=status,
                             headers={"Cache-Control": "no-store"})


async def token_endpoint(request):
    """``POST /as/token.oauth2``: client id and secret in the form body or in HTTP Basic."""
    store = request.app[SIM].tokens
    form = await request.post()
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "grant_type must be client_credentials")
    client_id, client_secret = _basic_credentials(request.headers.get("Authorization"))
    if client_id is None:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
    if client_id is None or client_secret is None or not store.credentials_ok(client_id, client_secret):
        return _oauth_error(401, "invalid_client", "Client authentication failed: unknown client_id or wrong secret")
    request[CLIENT_ID] = client_id
    token = store.mint(client_id)
    request.app[SIM].metrics.tokens_minted += 1
    return web.json_response({"access_token": token.value, "token_type": "Bearer", "expires_in": int(store.lifetime)},
                             headers={"Cache-Control": "no-store"})

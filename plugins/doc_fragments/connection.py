# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

class ModuleDocFragment:
    # The connection options of every module (argument spec: module_utils/_central_args.py).
    DOCUMENTATION = r"""
options:
  base_url:
    description:
      - Base URL of the HPE Aruba Networking Central API gateway of your cluster, for example
        V(https://us1.api.central.arubanetworks.com) (US-1) or V(https://de1.api.central.arubanetworks.com) (EU-1).
      - Must use C(https), except for a loopback host (C(127.0.0.0/8), C(::1), C(localhost)).
      - If not set, the environment variable E(CENTRAL_BASE_URL) is used.
    type: str
    required: true
  client_id:
    description:
      - Client ID of a Central (or HPE GreenLake) personal API client, used to mint access tokens with the OAuth
        client-credentials grant at O(token_url). Tokens are renewed automatically and shared by all forks on the
        controller through a private token cache.
      - Requires O(client_secret). Mutually exclusive with O(access_token).
      - If not set, the environment variable E(CENTRAL_CLIENT_ID) is used.
    type: str
  client_secret:
    description:
      - Client secret of the API client named by O(client_id). Never written to disk or to the output.
      - If not set, the environment variable E(CENTRAL_CLIENT_SECRET) is used.
    type: str
  access_token:
    description:
      - A ready-made access token, used as is instead of O(client_id)/O(client_secret). Central rejects it once it
        expires (after 2 hours for a Central token, 15 minutes for an HPE GreenLake token); it is not renewed.
      - If not set, the environment variable E(CENTRAL_ACCESS_TOKEN) is used.
    type: str
  token_url:
    description:
      - OAuth token endpoint where O(client_id) and O(client_secret) are exchanged for an access token.
      - Must use C(https), except for a loopback host.
      - If not set, the environment variable E(CENTRAL_TOKEN_URL) is used.
    type: str
    default: https://sso.common.cloud.hpe.com/as/token.oauth2
  api_version:
    description:
      - Version of the Central API paths to use.
      - V(v1) is the current API with C(HPE_GL_ERROR_*) error codes. V(v1alpha1) is the older path that some
        tenants still require, with C(HPE_GRAVITY_*) error codes.
      - If not set, the environment variable E(CENTRAL_API_VERSION) is used.
    type: str
    choices: [v1, v1alpha1]
    default: v1
  validate_certs:
    description:
      - Whether to verify Central's TLS certificate. Set to V(false) only in a lab.
      - If not set, the environment variable E(CENTRAL_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificates to trust instead of the system store, for example behind a
        TLS-inspecting proxy.
      - If not set, the environment variable E(CENTRAL_CA_PATH) is used.
    type: path
  request_timeout:
    description:
      - Seconds to wait for Central to answer one HTTP request.
    type: float
    default: 30
  max_retries:
    description:
      - How many times one API call is retried after HTTP 429, 502, 503 or 504 or a connection failure, waiting as
        long as Central asks (C(Retry-After), C(X-RateLimit-Reset)) or with jittered exponential backoff.
      - A request that starts a test is retried only when Central cannot have received it (HTTP 429, connection
        refused, DNS or TLS handshake failure, connect timeout). HTTP 500 is not retried.
      - V(0) disables retries.
    type: int
    default: 5
notes:
  - Proxies are taken from the environment variables E(HTTPS_PROXY) and E(NO_PROXY).
  - Tokens minted with O(client_id) and O(client_secret) are cached per controller user in
    C($XDG_CACHE_HOME/aruba_central_troubleshooting/) (default C(~/.cache/aruba_central_troubleshooting/)), in files
    of mode C(0600) that never contain the client secret, and reused by every task and fork until 5 minutes before
    they expire. Set E(CENTRAL_TOKEN_CACHE=false) to disable the cache, or E(CENTRAL_TOKEN_CACHE_DIR) to move it.
"""

    # For plugins read through the configuration system (e.g. the inventory plugin): the same options with
    # their environment variables declared; use together with the standard fragment above.
    PLUGIN = r"""
options:
  base_url:
    env:
      - name: CENTRAL_BASE_URL
  client_id:
    env:
      - name: CENTRAL_CLIENT_ID
  client_secret:
    env:
      - name: CENTRAL_CLIENT_SECRET
  access_token:
    env:
      - name: CENTRAL_ACCESS_TOKEN
  token_url:
    env:
      - name: CENTRAL_TOKEN_URL
  api_version:
    env:
      - name: CENTRAL_API_VERSION
  validate_certs:
    env:
      - name: CENTRAL_VALIDATE_CERTS
  ca_path:
    env:
      - name: CENTRAL_CA_PATH
"""

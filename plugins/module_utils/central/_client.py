# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

# This module_utils file is PRIVATE to the aruba_central.troubleshooting collection.
# It may change or disappear at any time; do not use it from other collections or plugins.

"""The HTTP client for the HPE Aruba Networking Central API: one session, tokens, retries, errors, paths."""

import ipaddress
import json
import math
import os
import random
import re
import socket
import ssl
import warnings
from typing import Any, Callable, Dict, List, Optional, Tuple, Type, Union
from urllib.parse import SplitResult, urlsplit, urlunsplit

try:
    import requests
    from requests import exceptions as requests_exceptions
    HAS_REQUESTS = True
    _REQUEST_ERRORS: Tuple[Type[BaseException], ...] = (requests_exceptions.RequestException,)
except ImportError:
    HAS_REQUESTS = False
    _REQUEST_ERRORS = ()

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_CORE_VERSION

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._auth import (
    DEFAULT_TOKEN_URL,
    TokenCache,
    TokenProvider,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import (
    CONNECTION_HINT,
    HINTS,
    TLS_HINT,
    CentralError,
    clean_path,
    describe_text_body,
    error_from_response,
    what_failed,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._retry import (
    MAX_SERVER_DELAY,
    Backoff,
    retry_delay_from_headers,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._text import one_line
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import SYSTEM_CLOCK, Clock
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._rfc3339 import format_rfc3339

__all__ = ["COLLECTION_VERSION", "DEFAULT_TOKEN_URL", "API_VERSIONS", "USER_AGENT", "HAS_REQUESTS", "CentralClient",
           "safe_segment"]

COLLECTION_VERSION = "0.1.0"
USER_AGENT = "aruba_central.troubleshooting/%s (+ansible-core/%s)" % (COLLECTION_VERSION, ANSIBLE_CORE_VERSION)
API_VERSIONS = ("v1", "v1alpha1")
# Statuses a GET retries; a POST retries only 429 (Central refused it before doing anything).
RETRY_STATUSES = (429, 502, 503, 504)
_SEGMENT_RE = re.compile(r"^[A-Za-z0-9._:-]+$")
_SSL_SOURCE_RE = re.compile(r"\s*\(_ssl\.c:\d+\)")
_BASE_URL_EXAMPLE = "https://us1.api.central.arubanetworks.com"

# How a transport failure relates to the request: never sent (safe to resend any request), maybe sent
# (resend only idempotent requests), a certificate problem (resending cannot help), or something else.
_UNSENT, _MAYBE_SENT, _TLS_VERIFY, _FATAL = "unsent", "maybe_sent", "tls_verify", "fatal"


def _is_loopback(host: Optional[str]) -> bool:
    host = (host or "").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _has_valid_port(parts: SplitResult) -> bool:
    try:
        return parts.port is None or parts.port > 0
    except ValueError:  # not a number or out of range
        return False


def _retries_text(count: int) -> str:
    return "1 retry" if count == 1 else "%d retries" % count


def _exception_chain(exc: BaseException) -> List[BaseException]:
    """``exc`` and every exception it wraps (``reason`` of urllib3 errors, ``args``, causes and contexts)."""
    seen: List[BaseException]
    stack: List[Optional[BaseException]]
    seen, stack = [], [exc]
    while stack:
        current = stack.pop()
        if current is None or any(current is known for known in seen):
            continue
        seen.append(current)
        linked = [getattr(current, "reason", None), current.__cause__, current.__context__]
        linked.extend(getattr(current, "args", ()))
        stack.extend(item for item in linked if isinstance(item, BaseException))
    return seen


def _ssl_reason(chain: List[BaseException]) -> str:
    for item in chain:
        if isinstance(item, ssl.SSLError):
            text = getattr(item, "verify_message", None) or (item.args[1] if len(item.args) > 1 else item)
            return one_line(_SSL_SOURCE_RE.sub("", str(text)))[:120]
    return one_line(chain[0])[:120]


def classify_transport_error(exc: BaseException) -> Tuple[str, str]:
    """``(kind, reason)`` for an exception raised by ``requests`` (kinds: unsent, maybe_sent, tls_verify, fatal)."""
    chain = _exception_chain(exc)
    names = {type(item).__name__ for item in chain}
    text = " ".join(one_line(item) for item in chain)
    if any(isinstance(item, ssl.SSLCertVerificationError) for item in chain) or "CERTIFICATE_VERIFY_FAILED" in text:
        return _TLS_VERIFY, "TLS certificate verification failed: %s" % _ssl_reason(chain)
    if isinstance(exc, requests_exceptions.SSLError) or any(isinstance(item, ssl.SSLError) for item in chain):
        return _UNSENT, "TLS handshake failed: %s" % _ssl_reason(chain)
    if isinstance(exc, requests_exceptions.ConnectTimeout):
        return _UNSENT, "timed out while connecting"
    if isinstance(exc, requests_exceptions.ReadTimeout):
        return _MAYBE_SENT, "no answer before the request timeout"
    if isinstance(exc, requests_exceptions.ProxyError):
        return _UNSENT, "the HTTP proxy failed"
    if isinstance(exc, requests_exceptions.ConnectionError):
        if "NameResolutionError" in names or any(isinstance(item, socket.gaierror) for item in chain):
            return _UNSENT, "DNS lookup failed"
        if any(isinstance(item, ConnectionRefusedError) for item in chain) or "Connection refused" in text:
            return _UNSENT, "connection refused"
        if "NewConnectionError" in names:
            return _UNSENT, "could not connect"
        return _MAYBE_SENT, "the connection was lost before the answer arrived"
    if isinstance(exc, requests_exceptions.ChunkedEncodingError):
        return _MAYBE_SENT, "the answer was cut off"
    if isinstance(exc, requests_exceptions.Timeout):
        return _MAYBE_SENT, "timed out"
    return _FATAL, one_line(exc)[:120] or type(exc).__name__


_UNSAFE_TOKEN = re.compile(r"[\s\x00-\x1f\x7f]")


def safe_segment(value: Any) -> str:
    """``value`` if it can be one path segment of a Central URL (serial numbers, task ids), else a CentralError."""
    text = value if isinstance(value, str) else None
    if text is None or not _SEGMENT_RE.fullmatch(text) or text in (".", ".."):
        raise CentralError.build(
            "building a Central URL failed", "unsafe path segment %s" % one_line(repr(value))[:80], None,
            "serial numbers and task ids may only contain letters, digits, '.', '_', ':' and '-'")
    return text


class CentralClient:
    """A client for the Central API: ``get``/``post`` return parsed JSON or raise :class:`CentralError`.

    One ``requests.Session`` per client (or the injected ``session``, any object with
    ``request(method, url, **kwargs)``). TLS is verified against ``ca_path`` or the system store unless
    ``validate_certs`` is false; proxies come from the environment (``HTTPS_PROXY``, ``NO_PROXY``). ``base_url`` and
    ``token_url`` must be https, except for loopback hosts (127.0.0.0/8, ::1, localhost) or with ``allow_http``.

    Auth: a given ``access_token`` is sent as is and a 401 is final. With ``client_id``/``client_secret`` a token
    is minted on the first request (shared through ``token_cache``, a ``TokenCache``; ``None`` keeps it in memory
    only); on a 401 the token is dropped, one new token is minted and the request is sent once more; a second 401
    is an ``auth`` error.

    Retries (at most ``max_retries`` per call, never sleeping past ``deadline``, a ``clock.monotonic()`` value):

    * GET: HTTP 429, 502, 503, 504 and connection failures (refused, DNS, connect or read timeouts, resets,
      cut-off answers).
    * POST: only HTTP 429 and failures where the request certainly never reached Central (connect timeout,
      connection refused, DNS failure, TLS handshake failure). Not a read timeout or a 502/503/504: the test may
      have started.
    * HTTP 500 is not retried, for any method. Central documents it as its answer to this request ("An unexpected
      error occurred"), unlike 502/503/504 which come from the gateway layer when Central is overloaded or
      restarting. Resending a POST could start a second test, and a caller that polls (``wait_for_task``) asks
      again on its own schedule, so retrying here would only multiply the load.
    * A certificate verification failure is not retried: it fails the same way every time.

    The delay is what Central asks for (``Retry-After``; on a 429 also ``X-RateLimit-Reset``), else jittered
    exponential backoff (:class:`Backoff`, 1 s doubling up to 30 s, seeded by ``rng``). When the next wait would
    pass the deadline the call fails at once: with ``error_type`` ``timeout``, or, when Central itself named a time
    past the deadline (a far ``X-RateLimit-Reset``, a long ``Retry-After``; without a deadline, more than
    ``MAX_SERVER_DELAY``), with the last error's own type (e.g. ``rate_limited``) and a message saying when Central
    accepts requests again. Such a wait is never started. Each request's timeout is ``request_timeout``, shortened
    to the time left before the deadline.

    ``stats`` counts HTTP requests sent (token requests included), retries (including the resend after a renewed
    token) and tokens minted.
    """

    def __init__(self, base_url: str, access_token: Optional[str] = None, client_id: Optional[str] = None,
                 client_secret: Optional[str] = None, token_url: str = DEFAULT_TOKEN_URL, api_version: str = "v1",
                 validate_certs: bool = True, ca_path: Optional[str] = None, request_timeout: float = 30,
                 max_retries: int = 5, clock: Clock = SYSTEM_CLOCK, session: Any = None,
                 token_cache: Optional[TokenCache] = None, rng: Optional[random.Random] = None,
                 allow_http: bool = False) -> None:
        if api_version not in API_VERSIONS:
            raise ValueError("api_version %r is not supported - use one of %s" % (api_version, ", ".join(API_VERSIONS)))
        try:
            self.request_timeout = float(request_timeout)
            self.max_retries = int(max_retries)
        except (TypeError, ValueError):
            raise ValueError("request_timeout must be a number of seconds and max_retries a whole number, got %r and %r"
                             % (request_timeout, max_retries))
        if not math.isfinite(self.request_timeout) or self.request_timeout <= 0:
            raise ValueError("request_timeout must be more than 0 seconds, got %r" % (request_timeout,))
        if self.max_retries < 0:
            raise ValueError("max_retries must be 0 or more, got %r" % (max_retries,))
        self.api_version = api_version
        self.allow_http = allow_http
        self.base_url = self._checked_url(base_url, "base_url")
        if ca_path and validate_certs and not os.path.isfile(ca_path):
            raise CentralError.build("connecting to Central failed", "ca_path %s is not a file" % ca_path, None,
                                     "point ca_path at a PEM bundle of the CA certificates to trust")
        self.verify: Union[str, bool] = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        if not access_token and client_id and client_secret:
            token_url = self._checked_url(token_url, "token_url")
        self._auth = TokenProvider(access_token=access_token, client_id=client_id, client_secret=client_secret,
                                   token_url=token_url, send=self._send_token_request, cache=token_cache, clock=clock)
        if session is None:
            if not HAS_REQUESTS:
                raise CentralError.build("connecting to Central failed", "the Python library requests is not installed",
                                         None, "install requests on the controller or in the execution environment")
            session = requests.Session()
            self._own_session = True
        else:
            self._own_session = False
        self._session = session
        self._clock = clock
        self._backoff = Backoff(rng=rng)
        self._requests = 0
        self._retries = 0

    def __repr__(self) -> str:
        return "CentralClient(base_url=%r, api_version=%r, auth=%r)" % (
            self.base_url, self.api_version, "client_credentials" if self._auth.can_refresh else "access_token")

    def __enter__(self) -> "CentralClient":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._own_session:
            self._session.close()

    @property
    def stats(self) -> Dict[str, int]:
        return {"requests": self._requests, "retries": self._retries, "tokens_minted": self._auth.minted}

    @property
    def tls_warning(self) -> Optional[str]:
        """A one-line warning when certificates are not checked, else None."""
        if self.verify is not False:
            return None
        return ("validate_certs=false: the identity of %s is not checked and the credentials could reach an impostor; "
                "use it only in a lab, or set ca_path to your CA bundle" % urlsplit(self.base_url).netloc)

    @property
    def warnings(self) -> List[str]:
        """Problems worth telling the user that did not fail the call (e.g. an unusable token cache)."""
        return self._auth.warnings

    def _checked_url(self, url: Optional[str], option: str) -> str:
        parts = urlsplit(str(url or "").strip())
        if not _has_valid_port(parts):
            raise CentralError.build("connecting to Central failed", "%s %s has an invalid port" % (option, clean_path(url)),
                                     None, "use a URL such as %s" % _BASE_URL_EXAMPLE)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CentralError.build("connecting to Central failed", "%s %s is not an http(s) URL" % (option, clean_path(url)),
                                     None, "use a URL such as %s" % _BASE_URL_EXAMPLE)
        if "@" in parts.netloc:
            raise CentralError.build("connecting to Central failed", "%s must not contain a user name or password" % option,
                                     None, "pass credentials as client_id/client_secret or access_token")
        if parts.query or parts.fragment:
            raise CentralError.build("connecting to Central failed",
                                     "%s %s must not have a query string or fragment" % (option, clean_path(url)), None,
                                     "use a URL such as %s" % _BASE_URL_EXAMPLE)
        if parts.scheme == "http" and not (self.allow_http or _is_loopback(parts.hostname)):
            raise CentralError.build(
                "connecting to Central failed",
                "%s %s uses plain http, which would send tokens unencrypted" % (option, clean_path(url)), None,
                "use https (plain http is accepted only for 127.0.0.0/8, ::1 and localhost)")
        return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))

    # ---- paths -------------------------------------------------------------------------------------------------

    def monitoring_path(self, *parts: str) -> str:
        """``/network-monitoring/<api_version>/<parts...>`` (e.g. ``monitoring_path("gateways")``)."""
        segments = [safe_segment(item) for item in parts]
        return "/".join(["/network-monitoring", self.api_version] + segments)

    # ---- requests ----------------------------------------------------------------------------------------------

    def get(self, path: str, params: Optional[Dict[str, Any]] = None, deadline: Optional[float] = None,
            classify: Optional[Callable[[int, Optional[str], Optional[str]], Optional[str]]] = None) -> Any:
        """GET ``path`` (relative to base_url) and return the parsed JSON answer; retried as described above.

        ``classify(status, error_code, api_message)`` lets the caller's API decide the ``error_type`` of an error
        answer (see ``error_from_response``).
        """
        return self._call("GET", path, deadline, classify, params=params)

    def post(self, path: str, json: Any = None, deadline: Optional[float] = None,
             classify: Optional[Callable[[int, Optional[str], Optional[str]], Optional[str]]] = None) -> Any:
        """POST ``json`` to ``path`` and return the parsed JSON answer; retried only when that is safe.

        When the request may have reached Central without a usable answer coming back (connection lost after
        sending, read timeout, a 5xx, a 2xx that is not JSON), the error has ``may_have_run`` set.
        """
        try:
            return self._call("POST", path, deadline, classify, json=json)
        except CentralError as err:
            if err.status is not None and (err.status >= 500 or 200 <= err.status < 300):
                err.may_have_run = True
            raise

    def token(self, deadline: Optional[float] = None) -> None:
        """Make sure a token is at hand (minting one with client credentials if needed); raises ``auth`` errors."""
        try:
            self._auth.token(deadline)
        except CentralError as err:
            raise err.redact(self._auth.secrets())

    def _call(self, method: str, path: str, deadline: Optional[float], classify: Optional[Callable[[int, Optional[str], Optional[str]], Optional[str]]],
              **kwargs: Any) -> Any:
        try:
            response = self._authorized(method, path, deadline, classify, **kwargs)
            return self._parse(response, method, path)
        except CentralError as err:
            raise err.redact(self._auth.secrets())

    def _authorized(self, method: str, path: str, deadline: Optional[float], classify: Optional[Callable[[int, Optional[str], Optional[str]], Optional[str]]],
                    **kwargs: Any) -> Any:
        if not isinstance(path, str) or not path.startswith("/") or "//" in path:
            raise ValueError("path must be an absolute path below base_url, such as /network-monitoring/v1/gateways, got %r"
                             % (path,))
        url = self.base_url + path

        def error_for(status: int, body: Any) -> CentralError:
            return error_from_response(status, body, path, self.api_version, method, classify)

        token = self._auth.token(deadline)
        try:
            return self._perform(method, url, path, deadline, error_for, headers=self._headers(token), **kwargs)
        except CentralError as err:
            if err.status != 401:
                raise
            if not self._auth.invalidate(token):
                raise err.annotate("; the access_token is invalid or has expired",
                                   hint="get a new access_token, or use client_id/client_secret so tokens are renewed")
        token = self._auth.token(deadline)
        self._retries += 1
        try:
            return self._perform(method, url, path, deadline, error_for, headers=self._headers(token), **kwargs)
        except CentralError as err:
            if err.status == 401:
                err.annotate(" even with a newly minted token",
                             hint="check client_id/client_secret, and that base_url is the Central cluster of this "
                                  "API client's workspace")
            raise

    def _send_token_request(self, method: str, url: str, data: Dict[str, Any], deadline: Optional[float],
                            error_for: Callable[[int, Any], CentralError]) -> Any:
        # Minting twice is harmless, so the token request is retried like a GET.
        return self._perform(method, url, url, deadline, error_for, idempotent=True, data=data,
                             headers={"User-Agent": USER_AGENT, "Accept": "application/json"})

    @staticmethod
    def _headers(token: Any) -> Dict[str, str]:
        if not isinstance(token, str) or _UNSAFE_TOKEN.search(token):
            # requests would refuse the header and quote the token, escaped, in its error: refuse it here, unquoted.
            raise CentralError.build("connecting to Central failed",
                                     "the access token contains white space or a control character", None,
                                     "pass access_token alone, without line breaks or spaces", error_type="auth")
        return {"User-Agent": USER_AGENT, "Accept": "application/json", "Authorization": "Bearer %s" % token}

    def _request_timeout(self, deadline: Optional[float], method: str, path: str) -> Tuple[float, bool]:
        """``(timeout, capped_by_deadline)`` for the next request; raises once the deadline has passed."""
        if deadline is None:
            return self.request_timeout, False
        left = deadline - self._clock.monotonic()
        if left <= 0:
            raise CentralError.build(what_failed(method, path), "the deadline passed before the request was sent",
                                     None, HINTS["timeout"], error_type="timeout", path=path, method=method)
        if left < self.request_timeout:
            return left, True
        return self.request_timeout, False

    def _send(self, method: str, url: str, timeout: float, **kwargs: Any) -> Any:
        self._requests += 1
        with warnings.catch_warnings():
            if self.verify is False:
                # The user chose validate_certs=false; say it once in the docs, not on every request.
                warnings.filterwarnings("ignore", message="Unverified HTTPS request")
            return self._session.request(method, url, timeout=timeout, verify=self.verify, **kwargs)

    def _transport_error(self, exc: BaseException, method: str, url: str, path: str,
                         capped: bool) -> Tuple[str, CentralError]:
        kind, reason = classify_transport_error(exc)
        what = what_failed(method, path)
        host = urlsplit(url).netloc.rpartition("@")[2]
        if capped and HAS_REQUESTS and isinstance(exc, requests_exceptions.Timeout):
            return kind, CentralError.build(what, "the deadline passed while waiting for Central", None,
                                            HINTS["timeout"], error_type="timeout", path=path, method=method)
        if kind == _TLS_VERIFY:
            return kind, CentralError.build(what, "%s (%s)" % (reason, host), None, TLS_HINT, path=path, method=method)
        if kind == _UNSENT:
            return kind, CentralError.build(what, "%s (%s)" % (reason, host), None, CONNECTION_HINT,
                                            path=path, method=method)
        if kind == _MAYBE_SENT:
            if method == "GET":
                hint = "retry later, or raise request_timeout if Central is slow"
            else:
                hint = "the request may have reached Central; check its state before sending it again"
            return kind, CentralError.build(what, "%s (%s, request_timeout %gs)" % (reason, host, self.request_timeout),
                                            None, hint, path=path, method=method)
        return kind, CentralError.build(what, "the request could not be sent: %s" % reason, None,
                                        "check base_url", path=path, method=method)

    def _perform(self, method: str, url: str, path: str, deadline: Optional[float],
                 error_for: Callable[[int, Any], CentralError], idempotent: Optional[bool] = None, **kwargs: Any) -> Any:
        """Send until a 2xx answer (returned) or a final failure (raised), sleeping between retries."""
        if idempotent is None:
            idempotent = method == "GET"
        retries = 0
        while True:
            timeout, capped = self._request_timeout(deadline, method, path)
            hint = None
            try:
                response = self._send(method, url, timeout, **kwargs)
            except _REQUEST_ERRORS as exc:
                kind, err = self._transport_error(exc, method, url, path, capped)
                err.may_have_run = not idempotent and kind == _MAYBE_SENT
                if err.error_type == "timeout":
                    raise err
                retryable = kind == _UNSENT or (idempotent and kind == _MAYBE_SENT)
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return response
                err = error_for(status, response.content)
                hint = retry_delay_from_headers(response.headers, self._clock, include_reset=status == 429)
                err.retry_after = hint
                if hint is not None:
                    err.retry_at = self._clock.time() + hint
                retryable = status == 429 or (idempotent and status in RETRY_STATUSES)
            if not retryable:
                raise err
            left = None if deadline is None else deadline - self._clock.monotonic()
            if hint is not None and hint >= (MAX_SERVER_DELAY if left is None else left):
                # Central named a time past this call's budget: waiting for it cannot succeed, so do not start.
                raise self._wait_too_long_error(err, left)
            if retries >= self.max_retries:
                raise err.annotate(" after %s" % _retries_text(retries)) if retries else err
            delay = hint if hint is not None else self._backoff.delay(retries)
            if left is not None and delay >= left:
                raise self._deadline_error(err, retries, method, path)
            self._clock.sleep(delay)
            retries += 1
            self._retries += 1

    @staticmethod
    def _wait_too_long_error(err: CentralError, left: Optional[float]) -> CentralError:
        # Called only for an error whose retry_after (and so retry_at) is set.
        when = "at %s (in %.0f s)" % (format_rfc3339(err.retry_at), err.retry_after)  # type: ignore[arg-type, str-format]
        if left is None:
            note = "; Central accepts requests again only %s" % when
        else:
            note = "; Central accepts requests again only %s, after this run's time budget ends (in %.0f s)" % (
                when, max(0.0, left))
        hint = "run again after that time" + (", with fewer forks" if err.error_type == "rate_limited" else "")
        return err.annotate(note, hint=hint)

    @staticmethod
    def _deadline_error(err: CentralError, retries: int, method: str, path: str) -> CentralError:
        last = err.why or err.message
        if err.detail:
            last = "%s (%s)" % (last, err.detail)
        return CentralError.build(what_failed(method, path), "the deadline passed after %s" % _retries_text(retries),
                                  "last error: %s" % last, HINTS["timeout"], error_type="timeout",
                                  status=err.status, error_code=err.error_code, api_message=err.api_message,
                                  path=path, method=method)

    def _parse(self, response: Any, method: str, path: str) -> Any:
        content = response.content or b""
        if not content.strip():
            return {}
        try:
            return json.loads(content.decode("utf-8"))
        except ValueError:
            raise CentralError.build(
                what_failed(method, path), "malformed JSON from Central",
                "HTTP %s with %s" % (response.status_code, describe_text_body(content.decode("utf-8", "replace"))),
                "check that base_url is the Central API endpoint, such as %s" % _BASE_URL_EXAMPLE,
                status=response.status_code, path=path, method=method)

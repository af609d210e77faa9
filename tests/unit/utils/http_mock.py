# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP seam for unit tests: an ordered script of expected requests, passed as ``session=``.

``CentralClient`` (and ``client_from_params``) accept ``session=``: any object with
``request(method, url, **kwargs)``. :class:`HttpMock` is such an object. It holds the requests a test expects, in
order, each with the answer to give (a status, a JSON or text body and headers) or an exception to raise::

    from ...tests.unit.utils.http_mock import HttpMock, reply, error_reply, read_timeout

    http = HttpMock([
        ("POST", r"/as/token\\.oauth2$", reply(200, json={"access_token": "tok-1", "expires_in": 7200})),
        ("GET", r"/async-operations/", error_reply(429, "HPE_GL_ERROR_TOO_MANY_REQUESTS", "Rate limit exceeded.",
                                                   headers={"Retry-After": "2"})),
        ("GET", r"/async-operations/", read_timeout()),
        ("GET", r"/async-operations/", reply(200, json={"status": "COMPLETED"})),
    ])
    client = CentralClient("https://central.example", client_id="id", client_secret="s", session=http, clock=clock)
    client.get(...)
    http.assert_done()                                   # every expected request was made
    assert http.requests[1].headers["Authorization"] == "Bearer tok-1"

The URL pattern is a regular expression searched (``re.search``) in the URL as passed to ``request()``, i.e.
without the query string (``params`` are recorded separately). ``expect(..., times=n)`` repeats an expectation.
An answer may also be a callable taking the :class:`RecordedRequest` and returning a Reply (or raising), for
answers that depend on the request.

Tests that build clients with client credentials through ``client_from_params`` should point the token cache at a
temporary directory (``monkeypatch.setenv("CENTRAL_TOKEN_CACHE_DIR", str(tmp_path))``), or a token cached by an
earlier test replaces the token request the script expects.

A request that does not match the next expectation (wrong method or URL, or nothing left) raises
:class:`UnexpectedRequest`, an ``AssertionError``; it is also remembered, so ``assert_done()`` fails even if the
code under test swallowed the exception. Used as a context manager, the mock calls ``assert_done()`` on exit.

Answers are real ``requests.Response`` objects, so ``.json()``, ``.headers`` (case-insensitive) and
``.raise_for_status()`` behave as in production. The functions at the end of this file (``connection_refused()``,
``dns_failure()``, ``connect_timeout()``, ``read_timeout()``, ``connection_reset()``, ``chunked_encoding_error()``,
``tls_handshake_error()``, ``tls_verify_error()``) build the exceptions ``requests`` really raises for connection
failures, timeouts and TLS problems; use them as answers.
"""

import json as jsonlib
import re
import socket
import ssl
from http import HTTPStatus
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from urllib3 import exceptions as urllib3_exceptions

_MISSING = object()


class UnexpectedRequest(AssertionError):
    """A request the test did not script (or made out of order)."""


class Reply:
    """An HTTP answer: build it with :func:`reply` or :func:`error_reply`."""

    def __init__(self, status=200, json=_MISSING, text=None, body=None, headers=None, reason=None):
        if sum(item is not None for item in (text, body)) + (json is not _MISSING) > 1:
            raise ValueError("give at most one of json, text and body")
        self.status = status
        self.headers = dict(headers or {})
        if json is not _MISSING:
            self.body = jsonlib.dumps(json).encode("utf-8")
            self.headers.setdefault("Content-Type", "application/json")
        elif text is not None:
            self.body = text.encode("utf-8")
            content_type = "text/html" if text.lstrip().startswith("<") else "text/plain"
            self.headers.setdefault("Content-Type", "%s; charset=utf-8" % content_type)
        else:
            self.body = body or b""
        try:
            self.reason = reason or HTTPStatus(status).phrase
        except ValueError:
            self.reason = ""

    def to_response(self, request):
        response = requests.Response()
        response.status_code = self.status
        response.reason = self.reason
        response.headers = CaseInsensitiveDict(self.headers)
        response._content = self.body
        response.encoding = "utf-8"
        response.url = request.url
        return response

    def __repr__(self):
        return "Reply(%s, %r)" % (self.status, self.body[:60])


def reply(status=200, json=_MISSING, text=None, body=None, headers=None):
    """An answer with a JSON body (``json=``), a text body (``text=``), raw bytes (``body=``) or no body."""
    return Reply(status, json=json, text=text, body=body, headers=headers)


def error_reply(status, error_code, message, headers=None, **extra):
    """A Central error answer: ``{"errorCode": error_code, "message": message, **extra}``."""
    payload = {"errorCode": error_code, "message": message}
    payload.update(extra)
    return Reply(status, json=payload, headers=headers)


class RecordedRequest:
    """One request the code under test made."""

    def __init__(self, method, url, kwargs):
        self.method = method.upper()
        self.url = url
        self.path = urlsplit(url).path
        self.kwargs = kwargs
        self.params = kwargs.get("params")
        self.json = kwargs.get("json")
        self.data = kwargs.get("data")
        self.headers = CaseInsensitiveDict(kwargs.get("headers") or {})
        self.timeout = kwargs.get("timeout")
        self.verify = kwargs.get("verify")

    def __repr__(self):
        return "<%s %s>" % (self.method, self.url)


class Expectation:
    """One scripted request: method, URL pattern and the answer (a Reply, an exception, or a callable)."""

    def __init__(self, method, pattern, response):
        self.method = method.upper()
        self.pattern = re.compile(pattern)
        self.response = response

    def matches(self, method, url):
        return method.upper() == self.method and self.pattern.search(url) is not None

    def answer(self, request):
        response = self.response
        if callable(response) and not isinstance(response, type) and not isinstance(response, BaseException):
            response = response(request)
        if isinstance(response, BaseException) or (isinstance(response, type) and issubclass(response, BaseException)):
            raise response
        if isinstance(response, Reply):
            return response.to_response(request)
        if isinstance(response, requests.Response):
            return response
        raise TypeError("an expectation must answer with a Reply, a requests.Response or an exception, not %r"
                        % (response,))

    def __repr__(self):
        return "%s %s" % (self.method, self.pattern.pattern)


class HttpMock:
    """A ``session`` that plays an ordered script of expected requests (see the module docstring)."""

    def __init__(self, expected=()):
        self.expected = []
        self.requests = []
        self.failures = []
        self.closed = False
        for item in expected:
            if isinstance(item, Expectation):
                self.expected.append(item)
            else:
                self.expect(*item)

    def expect(self, method, pattern, response, times=1):
        """Add ``times`` expectations of ``method`` on a URL matching ``pattern``; returns ``self``."""
        for _index in range(times):
            self.expected.append(Expectation(method, pattern, response))
        return self

    def request(self, method, url, **kwargs):
        recorded = RecordedRequest(method, url, kwargs)
        self.requests.append(recorded)
        if not self.expected:
            self._fail("unexpected request %s %s: no more requests were expected" % (recorded.method, url))
        expectation = self.expected[0]
        if not expectation.matches(method, url):
            self._fail("request #%d was %s %s, but the next expected request is %r"
                       % (len(self.requests), recorded.method, url, expectation))
        self.expected.pop(0)
        return expectation.answer(recorded)

    def _fail(self, message):
        self.failures.append(message)
        raise UnexpectedRequest(message)

    @property
    def remaining(self):
        return list(self.expected)

    def assert_done(self):
        """Fail if a request was unexpected or out of order, or if expected requests were never made."""
        if self.failures:
            raise AssertionError("; ".join(self.failures))
        if self.expected:
            raise AssertionError("%d expected request(s) never made, next: %r" % (len(self.expected), self.expected[0]))

    def close(self):
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            self.assert_done()


# ---- the exceptions requests raises, built the way requests builds them --------------------------------------


def _max_retry(url, reason):
    return urllib3_exceptions.MaxRetryError(None, urlsplit(url).path or "/", reason)


def connection_refused(url="https://central.example/"):
    """What requests raises when nothing listens on the port: the request never left."""
    cause = ConnectionRefusedError(111, "Connection refused")
    reason = urllib3_exceptions.NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    reason.__cause__ = cause
    return requests.exceptions.ConnectionError(_max_retry(url, reason))


def dns_failure(url="https://central.example/"):
    """What requests raises when the host name does not resolve: the request never left."""
    gaierror = socket.gaierror(-2, "Name or service not known")
    host = urlsplit(url).hostname
    if hasattr(urllib3_exceptions, "NameResolutionError"):
        reason = urllib3_exceptions.NameResolutionError(host, None, gaierror)
    else:  # urllib3 < 2
        reason = urllib3_exceptions.NewConnectionError(None, "Failed to resolve %s" % host)
    reason.__cause__ = gaierror
    return requests.exceptions.ConnectionError(_max_retry(url, reason))


def connect_timeout(url="https://central.example/", timeout=30):
    """The TCP connection was not established in time: the request never left."""
    reason = urllib3_exceptions.ConnectTimeoutError(None, "Connection to %s timed out. (connect timeout=%s)"
                                                    % (urlsplit(url).hostname, timeout))
    return requests.exceptions.ConnectTimeout(_max_retry(url, reason))


def read_timeout(url="https://central.example/", timeout=30):
    """The request was sent but no answer came in time: it may have been processed."""
    return requests.exceptions.ReadTimeout("HTTPSConnectionPool(host=%r, port=443): Read timed out. (read timeout=%s)"
                                           % (urlsplit(url).hostname, timeout))


def connection_reset():
    """The connection broke after the request was sent: it may have been processed."""
    cause = ConnectionResetError(104, "Connection reset by peer")
    return requests.exceptions.ConnectionError(urllib3_exceptions.ProtocolError("Connection aborted.", cause))


def chunked_encoding_error():
    """The answer was cut off in the middle."""
    return requests.exceptions.ChunkedEncodingError(
        urllib3_exceptions.ProtocolError("Response ended prematurely"))


def tls_handshake_error(url="https://central.example/"):
    """The TLS handshake failed for another reason than the certificate (e.g. https to a plain-http port)."""
    cause = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)")
    return requests.exceptions.SSLError(_max_retry(url, urllib3_exceptions.SSLError(cause)))


def tls_verify_error(url="https://central.example/"):
    """The server certificate is not trusted (e.g. a TLS-inspecting proxy without ca_path)."""
    cause = ssl.SSLCertVerificationError(
        1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain"
           " (_ssl.c:1006)")
    cause.verify_message = "self-signed certificate in certificate chain"
    return requests.exceptions.SSLError(_max_retry(url, urllib3_exceptions.SSLError(cause)))

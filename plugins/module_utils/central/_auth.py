# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

# This module_utils file is PRIVATE to the aruba_central.troubleshooting collection.
# It may change or disappear at any time; do not use it from other collections or plugins.

"""Access tokens for Central: the client-credentials flow and a per-controller token cache."""

import contextlib
import hashlib
import hmac
import json
import os
import stat
import tempfile
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # not a POSIX controller: the cache still works, without cross-process locking
    HAS_FCNTL = False

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import (
    TLS_HINT,
    CentralError,
    clean_path,
    describe_text_body,
    error_from_response,
    http_detail,
    parse_body,
    what_failed,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._paths import cache_dir
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._text import one_line
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import SYSTEM_CLOCK, Clock

DEFAULT_TOKEN_URL = "https://sso.common.cloud.hpe.com/as/token.oauth2"
# A cached token is reused until this long before it expires (or half its lifetime, if that is shorter).
REFRESH_MARGIN = 300.0
# Lifetime assumed when the token endpoint does not say (the shortest documented one, GreenLake's 15 minutes).
DEFAULT_EXPIRES_IN = 900.0
_CACHE_VERSION = 1
_MAX_ENTRY_BYTES = 65536
# A failed mint is remembered this long, so the forks waiting on it fail at once with its cause.
FAILURE_MEMORY_SECONDS = 30.0
# Sleeps between two tries of the cache lock while another fork mints (bounded by the caller's deadline).
_LOCK_POLL_SECONDS = 0.05
_PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
                    "NO_PROXY", "no_proxy")


def _same(left: Any, right: Any) -> bool:
    """Constant-time comparison of two strings of any characters."""
    return hmac.compare_digest(str(left).encode("utf-8"), str(right).encode("utf-8"))


def _refresh_at(minted_at: float, expires_at: float) -> float:
    lifetime = max(0.0, expires_at - minted_at)
    return expires_at - min(REFRESH_MARGIN, lifetime / 2.0)


class TokenCache:
    """Tokens minted with client credentials, shared by every fork and task on one controller.

    One JSON file per ``(token_url, client_id)`` pair, named by the SHA-256 of both, in
    ``$XDG_CACHE_HOME/aruba_central_troubleshooting/`` (default ``~/.cache/aruba_central_troubleshooting/``).
    The directory is kept at mode 0700 and each file at 0600; files are replaced atomically. The client secret is
    never written: an entry holds the token, its expiry and a SHA-256 of the secret and the key, so a changed
    secret never gets a token minted with the old one. A token is reused until 5 minutes before it expires.
    A file that is corrupt, not ours or readable by others is ignored and replaced.

    Many forks starting at once mint one token: the check-then-mint runs under an exclusive ``flock`` on a lock
    file beside the entry, and the entry is read again once the lock is held.

    Environment:
      ``CENTRAL_TOKEN_CACHE=false`` disables the cache (each task then mints its own token).
      ``CENTRAL_TOKEN_CACHE_DIR`` puts the cache in another directory.

    Problems with the cache never fail a task; they are collected in ``warnings`` and the token is minted anyway.
    """

    def __init__(self, directory: Optional[str] = None, clock: Clock = SYSTEM_CLOCK, enabled: Optional[bool] = None,
                 environ: Optional[Mapping[str, str]] = None) -> None:
        env = os.environ if environ is None else environ
        if enabled is None:
            enabled = str(env.get("CENTRAL_TOKEN_CACHE", "true")).strip().lower() not in BOOLEANS_FALSE
        self.enabled = bool(enabled)
        self.directory = directory or cache_dir(env)
        self.clock = clock
        self.warnings: List[str] = []

    def __repr__(self) -> str:
        return "TokenCache(directory=%r, enabled=%r)" % (self.directory, self.enabled)

    @staticmethod
    def key(token_url: str, client_id: Optional[str]) -> str:
        return hashlib.sha256(("%s\n%s" % (token_url, client_id)).encode("utf-8")).hexdigest()

    @staticmethod
    def secret_hash(client_secret: str, key: str) -> str:
        return hashlib.sha256((client_secret + key).encode("utf-8")).hexdigest()

    def path(self, key: str) -> str:
        return os.path.join(self.directory, key + ".json")

    def _warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def _usable_dir(self) -> bool:
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            info = os.stat(self.directory)
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
                self._warn("token cache %s is not a directory owned by this user; not caching tokens" % self.directory)
                return False
            if stat.S_IMODE(info.st_mode) & 0o077:
                os.chmod(self.directory, 0o700)
        except OSError as exc:
            self._warn("token cache %s is not usable (%s); not caching tokens" % (self.directory, exc.strerror or exc))
            return False
        return True

    def _read(self, key: str) -> Optional[Dict[str, Any]]:
        path = self.path(key)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or stat.S_IMODE(info.st_mode) & 0o077:
                self._warn("ignored token cache file %s: not private to this user (mode 0600 expected)" % path)
                return None
            raw = handle.read(_MAX_ENTRY_BYTES + 1)
        try:
            entry = json.loads(raw.decode("utf-8"))
            valid = (
                isinstance(entry, dict) and entry.get("version") == _CACHE_VERSION
                and isinstance(entry.get("access_token"), str) and entry["access_token"]
                and isinstance(entry.get("secret_hash"), str)
                and all(isinstance(entry.get(name), (int, float)) for name in ("expires_at", "minted_at"))
            )
        except ValueError:
            valid = False
        if not valid:
            self._warn("ignored corrupt token cache file %s" % path)
            return None
        return entry

    def _fresh(self, entry: Optional[Dict[str, Any]], key: str, client_secret: str) -> Optional[Dict[str, Any]]:
        if entry is None:
            return None
        if not _same(entry["secret_hash"], self.secret_hash(client_secret, key)):
            return None
        if self.clock.time() >= _refresh_at(entry["minted_at"], entry["expires_at"]):
            return None
        return entry

    def _write(self, key: str, entry: Dict[str, Any]) -> None:
        try:
            fd, tmp = tempfile.mkstemp(prefix=".%s." % key[:16], suffix=".tmp", dir=self.directory)
        except OSError as exc:
            self._warn("could not write token cache in %s (%s)" % (self.directory, exc.strerror or exc))
            return
        try:
            with os.fdopen(fd, "w") as handle:
                os.fchmod(handle.fileno(), 0o600)
                json.dump(entry, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path(key))
        except OSError as exc:
            self._warn("could not write token cache in %s (%s)" % (self.directory, exc.strerror or exc))
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def _remove(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path(key))

    @contextlib.contextmanager
    def _locked(self, key: str, deadline: Optional[float] = None, token_url: Optional[str] = None) -> Iterator[None]:
        if not HAS_FCNTL:
            yield
            return
        lock_path = os.path.join(self.directory, key + ".lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as exc:
            self._warn("could not lock %s (%s); forks may mint extra tokens" % (lock_path, exc.strerror or exc))
            yield
            return
        try:
            self._lock(fd, deadline, token_url)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _lock(self, fd: int, deadline: Optional[float], token_url: Optional[str]) -> None:
        """Take the lock, waiting for another fork's mint no longer than ``deadline`` (a monotonic time)."""
        if deadline is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                left = deadline - self.clock.monotonic()
                if left <= 0:
                    raise CentralError.build(
                        "getting an access token from %s failed" % clean_path(token_url),
                        "the time budget ran out while another run on this controller was getting a token", None,
                        "check that the token endpoint answers (token_url, proxy settings) or allow more time",
                        error_type="auth", path=token_url, method="POST")
                self.clock.sleep(min(left, _LOCK_POLL_SECONDS))

    def _failure_path(self, key: str) -> str:
        return os.path.join(self.directory, key + ".failed")

    def _remember_failure(self, key: str, client_secret: str, err: CentralError) -> None:
        """Keep a failed mint's cause for FAILURE_MEMORY_SECONDS (no secret in it: messages are redacted)."""
        record = {"version": _CACHE_VERSION, "until": self.clock.time() + FAILURE_MEMORY_SECONDS,
                  "secret_hash": self.secret_hash(client_secret, key), "message": err.message,
                  "status": err.status, "error_code": err.error_code, "path": err.path}
        path = self._failure_path(key)
        tmp = "%s.%d.tmp" % (path, os.getpid())
        try:
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
                json.dump(record, handle)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def _remembered_failure(self, key: str, client_secret: str) -> Optional[CentralError]:
        """The CentralError of a recent failed mint with the same credentials, or None."""
        try:
            with open(self._failure_path(key), "r", encoding="utf-8") as handle:
                record = json.loads(handle.read(_MAX_ENTRY_BYTES))
            left = float(record["until"]) - self.clock.time()
            same = _same(record["secret_hash"], self.secret_hash(client_secret, key))
            message = one_line(record["message"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not same or not 0 < left <= FAILURE_MEMORY_SECONDS:
            return None
        ago = FAILURE_MEMORY_SECONDS - left
        err = CentralError("%s (another run on this controller got this %.0f s ago; not asking again for %.0f s)"
                           % (message, ago, left), error_type="auth", status=record.get("status"),
                           error_code=record.get("error_code"), path=record.get("path"), method="POST")
        return err

    def _forget_failure(self, key: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self._failure_path(key))

    def get_or_mint(self, token_url: str, client_id: Optional[str], client_secret: str,
                    mint: Callable[[], Tuple[str, float]], deadline: Optional[float] = None) -> Tuple[str, float, bool]:
        """``(access_token, refresh_at, minted)``; ``mint()`` returns ``(access_token, expires_in)``.

        ``refresh_at`` is the wall-clock time after which the token should not be used any more.
        ``minted`` says whether ``mint`` was called. Waiting for another fork's mint ends at ``deadline`` (a
        monotonic time). A mint that failed is remembered for FAILURE_MEMORY_SECONDS: every fork that would mint
        with the same credentials in that time fails at once with the same cause.
        """
        key = self.key(token_url, client_id)
        entry: Optional[Dict[str, Any]]
        if not self.enabled or not self._usable_dir():
            entry = self._mint_entry(mint, token_url, client_id, client_secret, key)
            return entry["access_token"], _refresh_at(entry["minted_at"], entry["expires_at"]), True
        entry = self._fresh(self._read(key), key, client_secret)
        minted = False
        if entry is None:
            remembered = self._remembered_failure(key, client_secret)
            if remembered is not None:
                raise remembered
            with self._locked(key, deadline, token_url):
                # Another fork may have minted, or failed to, while this one waited for the lock.
                entry = self._fresh(self._read(key), key, client_secret)
                if entry is None:
                    remembered = self._remembered_failure(key, client_secret)
                    if remembered is not None:
                        raise remembered
                    try:
                        entry = self._mint_entry(mint, token_url, client_id, client_secret, key)
                    except CentralError as err:
                        self._remember_failure(key, client_secret, err)
                        raise
                    self._forget_failure(key)
                    self._write(key, entry)
                    minted = True
        return entry["access_token"], _refresh_at(entry["minted_at"], entry["expires_at"]), minted

    def _mint_entry(self, mint: Callable[[], Tuple[str, float]], token_url: str, client_id: Optional[str],
                    client_secret: str, key: str) -> Dict[str, Any]:
        token, expires_in = mint()
        minted_at = self.clock.time()
        return {
            "version": _CACHE_VERSION,
            "token_url": token_url,
            "client_id": client_id,
            "access_token": token,
            "minted_at": minted_at,
            "expires_at": minted_at + expires_in,
            "secret_hash": self.secret_hash(client_secret, key),
        }

    def invalidate(self, token_url: str, client_id: Optional[str], failed_token: Optional[str]) -> bool:
        """Remove the entry after a 401, but only if it still holds ``failed_token``; True when removed."""
        if not self.enabled or not self._usable_dir():
            return False
        key = self.key(token_url, client_id)
        with self._locked(key):
            entry = self._read(key)
            if entry is not None and _same(entry["access_token"], failed_token):
                self._remove(key)
                return True
        return False


def _token_error(status: int, body: Any, token_url: str) -> CentralError:
    """The CentralError for a non-2xx answer of the token endpoint."""
    what = what_failed("POST", token_url)
    if status not in (400, 401, 404):
        return error_from_response(status, body, token_url, method="POST")
    data, text = parse_body(body)
    code = message = None
    if data is not None:
        code = data.get("error") or data.get("errorCode")
        message = data.get("error_description") or data.get("message")
        detail = http_detail(status, code, message)
    else:
        detail = "HTTP %s with %s" % (status, describe_text_body(text))
    if status == 404:
        return CentralError.build(what, "no token endpoint at this URL", detail, "check token_url",
                                  status=status, error_code=code, api_message=message, path=token_url, method="POST")
    return CentralError.build(what, "the token endpoint rejected the client credentials", detail,
                              "check client_id/client_secret and token_url",
                              error_type="auth", status=status, error_code=code, api_message=message,
                              path=token_url, method="POST")


def _parse_token_answer(body: Any, token_url: str) -> Tuple[str, float]:
    """``(access_token, expires_in)`` from a 2xx token answer; never quotes the body (it may hold a token)."""
    data, text = parse_body(body)
    token = data.get("access_token") if data is not None else None
    if not isinstance(token, str) or not token.strip():
        if data is not None:
            why = "the token endpoint's answer has no access_token (keys: %s)" % (", ".join(sorted(map(str, data))) or "none")
        elif text and "<" in text and describe_text_body(text).startswith("an HTML page"):
            why = "the token endpoint answered with %s" % describe_text_body(text)
        else:
            why = "the token endpoint's answer is not JSON (%d characters)" % len(text or "")
        raise CentralError.build(what_failed("POST", token_url), why, None,
                                 "check that token_url is the OAuth token endpoint", path=token_url, method="POST")
    try:
        # data is a dict once a token was found; float(None) raises the TypeError caught below.
        expires_in = float(data.get("expires_in"))  # type: ignore[union-attr, arg-type]
    except (TypeError, ValueError):
        expires_in = DEFAULT_EXPIRES_IN
    if not expires_in > 0:
        expires_in = DEFAULT_EXPIRES_IN
    return token.strip(), expires_in


class TokenProvider:
    """The bearer token for each request.

    With ``access_token`` that token is used as given: nothing is cached and a 401 is final
    (:meth:`invalidate` returns False). With ``client_id``/``client_secret`` a token is minted with the OAuth
    client-credentials grant: a form POST of ``grant_type=client_credentials&client_id=..&client_secret=..`` to
    ``token_url``, answered by ``{"access_token": ..., "expires_in": ...}``; it is kept in memory and, when
    ``cache`` is an enabled :class:`TokenCache`, shared with other forks. After a 401, :meth:`invalidate` drops the
    failed token so the next :meth:`token` call mints a new one.

    ``send(method, url, data, deadline, error_for)`` performs the HTTP request (with the client's retries) and
    returns a 2xx response, raising the :class:`CentralError` that ``error_for(status, body)`` builds otherwise.
    """

    def __init__(self, access_token: Optional[str] = None, client_id: Optional[str] = None,
                 client_secret: Optional[str] = None, token_url: str = DEFAULT_TOKEN_URL,
                 send: Optional[Callable[..., Any]] = None, cache: Optional[TokenCache] = None,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        if access_token:
            self._static: Optional[str] = access_token
        elif client_id and client_secret:
            self._static = None
            if send is None:
                raise ValueError("TokenProvider needs send() to mint tokens with client credentials")
        else:
            raise CentralError.build(
                "connecting to Central failed", "no credentials given", None,
                "set access_token, or client_id and client_secret (or the environment variables CENTRAL_ACCESS_TOKEN, "
                "or CENTRAL_CLIENT_ID and CENTRAL_CLIENT_SECRET)", error_type="auth")
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url
        self._send = send
        self._cache = cache
        self._clock = clock
        self._token: Optional[str] = None
        self._refresh_at = 0.0
        self._issued: List[str] = []
        self.minted = 0

    def __repr__(self) -> str:
        return "TokenProvider(mode=%r, token_url=%r, client_id=%r)" % (
            "access_token" if self._static else "client_credentials", self.token_url, self.client_id)

    @property
    def can_refresh(self) -> bool:
        """True when a rejected token can be replaced by minting a new one."""
        return self._static is None

    @property
    def warnings(self) -> List[str]:
        return list(self._cache.warnings) if self._cache is not None else []

    def token(self, deadline: Optional[float] = None) -> str:
        """The token to send now, minting one if needed (``deadline`` bounds the token request's retries)."""
        if self._static:
            return self._static
        if self._token is not None and self._clock.time() < self._refresh_at:
            return self._token

        def mint() -> Tuple[str, float]:
            return self._mint(deadline)

        if self._cache is not None:
            self._token, self._refresh_at, _minted = self._cache.get_or_mint(
                self.token_url, self.client_id, self._client_secret, mint, deadline)  # type: ignore[arg-type]
        else:
            token, expires_in = mint()
            now = self._clock.time()
            self._token, self._refresh_at = token, _refresh_at(now, now + expires_in)
        if self._token not in self._issued:
            self._issued.append(self._token)
        return self._token

    def secrets(self) -> List[str]:
        """Strings that must never appear in a message: the access token(s) and the client secret."""
        return [value for value in [self._static, self._client_secret] + self._issued if value]

    def invalidate(self, failed_token: Optional[str]) -> bool:
        """Forget ``failed_token`` after a 401; True when a new token can be minted and the request retried."""
        if self._static:
            return False
        if self._token == failed_token:
            self._token = None
            self._refresh_at = 0.0
        if self._cache is not None:
            self._cache.invalidate(self.token_url, self.client_id, failed_token)
        return True

    def _mint(self, deadline: Optional[float]) -> Tuple[str, float]:
        data = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self._client_secret}
        token_url = self.token_url

        def error_for(status: int, body: Any) -> CentralError:
            return _token_error(status, body, token_url)

        try:
            response = self._send("POST", token_url, data, deadline, error_for)  # type: ignore[misc]
            token, expires_in = _parse_token_answer(response.content, token_url)
        except CentralError as err:
            # Whatever went wrong, no token means no test: the cause is reported as auth, naming the token URL.
            raise token_failure(err.redact(self.secrets()), token_url)
        self.minted += 1
        return token, expires_in


def proxy_settings(environ: Optional[Mapping[str, str]] = None) -> str:
    """``"HTTPS_PROXY=http://proxy:3128, NO_PROXY=.example.net"`` (user info removed), or ``"none"``."""
    env = os.environ if environ is None else environ
    shown = []
    for name in _PROXY_VARIABLES:
        value = env.get(name)
        if value and value.strip():
            text = clean_path(value.strip()) if "://" in value else one_line(value)
            shown.append("%s=%s" % (name, text))
    return ", ".join(shown) or "none"


def token_failure(err: CentralError, token_url: str, environ: Optional[Mapping[str, str]] = None) -> CentralError:
    """``err`` (from the token request) as an ``auth`` error naming the token URL, and the proxy variables for a
    connection failure (not for a certificate problem, whose advice stays)."""
    if err.status is None and err.error_type != "auth" and err.hint != TLS_HINT:
        err.annotate("; proxy variables in the environment: %s" % proxy_settings(environ),
                     hint="check token_url (%s), DNS, firewalls and the proxy variables" % clean_path(token_url))
    return err.reclassify("auth")

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import hashlib
import json
import multiprocessing
import os
import stat
import sys
import threading
import time
from http.server import ThreadingHTTPServer

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central import _auth as _central_auth
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._auth import (
    DEFAULT_TOKEN_URL,
    TokenCache,
    TokenProvider,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._client import CentralClient
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._errors import CentralError
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.echoed_secrets import ECHOED_SECRET, LIST, client_credentials, leaked
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.json_http import JsonHandler
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import HttpMock, reply

TOKEN_URL = "https://sso.example.test/as/token.oauth2"
TOKEN_RE = r"^https://sso\.example\.test/as/token\.oauth2$"
SECRET = "s3cr3t-client-secret-value"


def token_reply(token, expires_in=7200):
    return reply(200, json={"access_token": token, "token_type": "Bearer", "expires_in": expires_in})


def sender(http):
    """The ``send`` a CentralClient gives its TokenProvider, reduced to one request without retries."""
    def send(method, url, data, deadline, error_for):
        response = http.request(method, url, data=data)
        if not 200 <= response.status_code < 300:
            raise error_for(response.status_code, response.content)
        return response
    return send


def provider(http, cache=None, clock=None, secret=SECRET, client_id="client-1"):
    return TokenProvider(client_id=client_id, client_secret=secret, token_url=TOKEN_URL, send=sender(http),
                         cache=cache, clock=clock or FakeClock())


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def cache_dir(tmp_path):
    return str(tmp_path / "cache")


@pytest.fixture
def cache(cache_dir, clock):
    return TokenCache(directory=cache_dir, clock=clock, enabled=True)


def entry_path(cache_dir, client_id="client-1", token_url=TOKEN_URL):
    key = hashlib.sha256(("%s\n%s" % (token_url, client_id)).encode()).hexdigest()
    return os.path.join(cache_dir, key + ".json")


def files_in(directory):
    return sorted(name for name in os.listdir(directory) if not name.endswith(".lock"))


# ---- TokenProvider without a cache -------------------------------------------------------------------------------


def test_access_token_is_used_as_given_and_a_401_is_final():
    tokens = TokenProvider(access_token="given-token")
    assert tokens.token() == "given-token"
    assert tokens.can_refresh is False
    assert tokens.invalidate("given-token") is False
    assert tokens.token() == "given-token"
    assert tokens.minted == 0


def test_no_credentials_is_an_auth_error_saying_what_to_set():
    with pytest.raises(CentralError) as info:
        TokenProvider(client_id="only-the-id")
    assert info.value.error_type == "auth"
    assert "set access_token, or client_id and client_secret" in str(info.value)


def test_client_credentials_are_posted_as_a_form_and_the_token_is_kept_in_memory(clock):
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-1"))])
    tokens = provider(http, clock=clock)
    assert tokens.token() == "tok-1"
    assert tokens.token() == "tok-1"
    http.assert_done()
    assert http.requests[0].data == {"grant_type": "client_credentials", "client_id": "client-1",
                                     "client_secret": SECRET}
    assert tokens.minted == 1


def test_token_is_renewed_five_minutes_before_it_expires(clock):
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-1")), ("POST", TOKEN_RE, token_reply("tok-2"))])
    tokens = provider(http, clock=clock)
    assert tokens.token() == "tok-1"
    clock.advance(7200 - 301)
    assert tokens.token() == "tok-1"
    clock.advance(2)
    assert tokens.token() == "tok-2"
    http.assert_done()


def test_short_lived_token_is_renewed_at_half_its_life(clock):
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-1", 120)), ("POST", TOKEN_RE, token_reply("tok-2", 120))])
    tokens = provider(http, clock=clock)
    assert tokens.token() == "tok-1"
    clock.advance(59)
    assert tokens.token() == "tok-1"
    clock.advance(2)
    assert tokens.token() == "tok-2"


def test_missing_expires_in_assumes_the_shortest_documented_lifetime(clock):
    http = HttpMock([("POST", TOKEN_RE, reply(200, json={"access_token": "tok-1"})),
                     ("POST", TOKEN_RE, token_reply("tok-2"))])
    tokens = provider(http, clock=clock)
    tokens.token()
    clock.advance(_central_auth.DEFAULT_EXPIRES_IN - 301)
    assert tokens.token() == "tok-1"
    clock.advance(2)
    assert tokens.token() == "tok-2"


def test_invalidate_drops_the_failed_token_so_the_next_call_mints(clock):
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-1")), ("POST", TOKEN_RE, token_reply("tok-2"))])
    tokens = provider(http, clock=clock)
    tokens.token()
    assert tokens.invalidate("tok-1") is True
    assert tokens.token() == "tok-2"
    assert tokens.minted == 2
    assert set(tokens.secrets()) == {SECRET, "tok-1", "tok-2"}


@pytest.mark.parametrize("status, payload", [
    (401, {"error": "invalid_client", "error_description": "Client authentication failed"}),
    (400, {"error": "invalid_grant", "error_description": "bad client credentials"}),
])
def test_token_endpoint_rejection_is_an_auth_error(status, payload):
    http = HttpMock([("POST", TOKEN_RE, reply(status, json=payload))])
    with pytest.raises(CentralError) as info:
        provider(http).token()
    err = info.value
    assert err.error_type == "auth" and err.status == status
    assert str(err).startswith("POST %s failed: the token endpoint rejected the client credentials" % TOKEN_URL)
    assert payload["error"] in str(err) and str(err).endswith("check client_id/client_secret and token_url")
    assert SECRET not in str(err)


def test_wrong_token_url_404_says_check_token_url():
    http = HttpMock([("POST", TOKEN_RE, reply(404, text="<html><title>Not Found</title></html>"))])
    with pytest.raises(CentralError, match="no token endpoint at this URL.*check token_url"):
        provider(http).token()


@pytest.mark.parametrize("answer, expected", [
    (reply(200, json={"accessToken": "tok-in-wrong-key"}), "has no access_token (keys: accessToken)"),
    (reply(200, text="access_token=tok-form-encoded&expires_in=7200"), "is not JSON (45 characters)"),
    (reply(200, text="<html><title>Sign in</title></html>"), "HTML page"),
])
def test_malformed_token_answer_never_quotes_a_token(answer, expected):
    http = HttpMock([("POST", TOKEN_RE, answer)])
    with pytest.raises(CentralError) as info:
        provider(http).token()
    assert info.value.error_type == "auth", "no token is an auth problem, whatever the answer"
    assert expected in str(info.value)
    assert "tok-" not in str(info.value)


def test_repr_shows_no_secret():
    tokens = TokenProvider(client_id="client-1", client_secret=SECRET, send=lambda *a: None)
    assert SECRET not in repr(tokens)
    assert "given-token" not in repr(TokenProvider(access_token="given-token"))


@pytest.mark.parametrize("prefix", ["", "x" * 40, "x" * 70, "x" * 76, "x" * 200])
@pytest.mark.parametrize("field", ["error_description", "message"])
def test_a_token_endpoint_that_echoes_the_secret_never_puts_it_in_the_error(prefix, field):
    http = HttpMock([("POST", r"/as/token\.oauth2$", reply(401, json={field: prefix + "bad secret " + ECHOED_SECRET}))])
    with pytest.raises(CentralError) as info:
        client_credentials(http).get(LIST)
    assert info.value.error_type == "auth"
    assert leaked(info.value, ECHOED_SECRET) == []


def test_a_token_endpoint_that_echoes_the_secret_in_its_error_code_never_puts_it_in_the_error():
    http = HttpMock([("POST", r"/as/token\.oauth2$", reply(401, json={"error": "bad secret " + ECHOED_SECRET}))])
    with pytest.raises(CentralError) as info:
        client_credentials(http).get(LIST)
    assert leaked(info.value, ECHOED_SECRET) == []


@pytest.mark.parametrize("answer", [
    reply(200, text="<html><body>Welcome %s</body></html>" % ECHOED_SECRET),
    reply(200, text="access_token=%s" % ECHOED_SECRET),
    reply(500, text="Internal error for client_secret=%s" % ECHOED_SECRET),
])
def test_a_broken_token_answer_that_echoes_the_secret_never_puts_it_in_the_error(answer):
    http = HttpMock([("POST", r"/as/token\.oauth2$", answer)])
    with pytest.raises(CentralError) as info:
        client_credentials(http).get(LIST)
    assert leaked(info.value, ECHOED_SECRET) == []


# ---- TokenCache --------------------------------------------------------------------------------------------------


def test_cache_directory_is_0700_file_is_0600_and_holds_no_secret(cache, cache_dir):
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-1"))])
    assert provider(http, cache=cache).token() == "tok-1"
    assert stat.S_IMODE(os.stat(cache_dir).st_mode) == 0o700
    path = entry_path(cache_dir)
    assert files_in(cache_dir) == [os.path.basename(path)]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path) as handle:
        raw = handle.read()
    entry = json.loads(raw)
    assert entry["access_token"] == "tok-1"
    assert SECRET not in raw and "client-1" not in os.path.basename(path)
    key = os.path.basename(path)[:-5]
    assert entry["secret_hash"] == hashlib.sha256((SECRET + key).encode()).hexdigest()


def test_cached_token_is_shared_by_another_task_until_five_minutes_before_expiry(cache, clock):
    first = HttpMock([("POST", TOKEN_RE, token_reply("tok-1"))])
    assert provider(first, cache=cache, clock=clock).token() == "tok-1"
    clock.advance(7200 - 301)
    second = HttpMock()  # no request expected: the other task's token is reused
    assert provider(second, cache=cache, clock=clock).token() == "tok-1"
    clock.advance(2)
    third = HttpMock([("POST", TOKEN_RE, token_reply("tok-2"))])
    third_provider = provider(third, cache=cache, clock=clock)
    assert third_provider.token() == "tok-2"
    assert third_provider.minted == 1
    first.assert_done(), second.assert_done(), third.assert_done()


def test_cache_entry_is_replaced_atomically(cache, cache_dir, clock, monkeypatch):
    provider(HttpMock([("POST", TOKEN_RE, token_reply("tok-1"))]), cache=cache, clock=clock).token()
    path = entry_path(cache_dir)
    inode_before = os.stat(path).st_ino
    replaced = []
    real_replace = os.replace

    def spy_replace(source, target):
        replaced.append((os.path.dirname(source), target))
        with open(source) as handle:  # the new entry is complete before it takes the name
            assert json.load(handle)["access_token"] == "tok-2"
        return real_replace(source, target)

    monkeypatch.setattr(_central_auth.os, "replace", spy_replace)
    clock.advance(7200)
    provider(HttpMock([("POST", TOKEN_RE, token_reply("tok-2"))]), cache=cache, clock=clock).token()
    assert replaced == [(cache_dir, path)]
    assert os.stat(path).st_ino != inode_before
    assert files_in(cache_dir) == [os.path.basename(path)]


def test_failed_write_keeps_the_old_entry_and_leaves_no_temp_file(cache, cache_dir, clock, monkeypatch):
    provider(HttpMock([("POST", TOKEN_RE, token_reply("tok-1"))]), cache=cache, clock=clock).token()
    path = entry_path(cache_dir)
    with open(path) as handle:
        before = handle.read()

    def failing_replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_central_auth.os, "replace", failing_replace)
    clock.advance(7200)
    tokens = provider(HttpMock([("POST", TOKEN_RE, token_reply("tok-2"))]), cache=cache, clock=clock)
    assert tokens.token() == "tok-2"  # the task still gets its token
    with open(path) as handle:
        assert handle.read() == before
    assert files_in(cache_dir) == [os.path.basename(path)]
    assert any("No space left on device" in warning for warning in cache.warnings)


NON_ASCII_ENTRY = json.dumps({"version": 1, "access_token": "t\u00f6k", "secret_hash": "h\u00e4sh", "minted_at": 0,
                              "expires_at": 10 ** 10}, ensure_ascii=False).encode()


@pytest.mark.parametrize("content, corrupt", [
    (b"{not json", True), (b"", True), (b"[]", True), (b'{"version": 1, "access_token": 5}', True), (b"\xff\xfe", True),
    (NON_ASCII_ENTRY, False),  # well-formed, but its secret hash cannot match
])
def test_corrupt_or_foreign_entry_is_ignored_and_replaced(cache, cache_dir, clock, content, corrupt):
    os.makedirs(cache_dir, mode=0o700)
    path = entry_path(cache_dir)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as handle:
        handle.write(content)
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-new"))])
    assert provider(http, cache=cache, clock=clock).token() == "tok-new"
    with open(path) as handle:
        assert json.load(handle)["access_token"] == "tok-new"
    assert any("corrupt" in warning for warning in cache.warnings) is corrupt


def plant_entry(cache, cache_dir, clock, token, secret=SECRET):
    """Write a valid, fresh entry for client-1 the way another fork would."""
    http = HttpMock([("POST", TOKEN_RE, token_reply(token))])
    provider(http, cache=cache, clock=clock, secret=secret).token()
    return entry_path(cache_dir)


def test_entry_readable_by_others_is_ignored_and_replaced(cache, cache_dir, clock):
    path = plant_entry(cache, cache_dir, clock, "tok-exposed")
    os.chmod(path, 0o644)
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-new"))])
    assert provider(http, cache=cache, clock=clock).token() == "tok-new"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert any("not private" in warning for warning in cache.warnings)


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_entry_owned_by_someone_else_is_ignored_and_replaced(cache, cache_dir, clock):
    path = plant_entry(cache, cache_dir, clock, "tok-planted")
    os.chown(path, 65534, 65534)
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-new"))])
    assert provider(http, cache=cache, clock=clock).token() == "tok-new"
    assert os.stat(path).st_uid == os.geteuid()


def test_symlinked_entry_is_not_followed(cache, cache_dir, clock, tmp_path):
    path = plant_entry(cache, cache_dir, clock, "tok-1")
    target = tmp_path / "elsewhere.json"
    os.rename(path, target)
    os.symlink(target, path)
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-new"))])
    assert provider(http, cache=cache, clock=clock).token() == "tok-new"
    assert not os.path.islink(path)


def test_loose_cache_directory_is_tightened(cache, cache_dir, clock):
    os.makedirs(cache_dir)
    os.chmod(cache_dir, 0o755)
    provider(HttpMock([("POST", TOKEN_RE, token_reply("tok-1"))]), cache=cache, clock=clock).token()
    assert stat.S_IMODE(os.stat(cache_dir).st_mode) == 0o700


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a directory's owner needs root")
def test_cache_directory_owned_by_someone_else_is_not_used(cache, cache_dir, clock):
    os.makedirs(cache_dir, mode=0o700)
    os.chown(cache_dir, 65534, 65534)
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-1"))])
    assert provider(http, cache=cache, clock=clock).token() == "tok-1"
    assert os.listdir(cache_dir) == []
    assert any("not a directory owned by this user" in warning for warning in cache.warnings)


def test_changed_secret_never_gets_the_old_token(cache, cache_dir, clock):
    plant_entry(cache, cache_dir, clock, "tok-old-secret", secret="old-secret-value")
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-new-secret"))])
    assert provider(http, cache=cache, clock=clock, secret=SECRET).token() == "tok-new-secret"
    http.assert_done()
    # and the entry now belongs to the new secret
    assert provider(HttpMock(), cache=cache, clock=clock, secret=SECRET).token() == "tok-new-secret"


def test_other_client_ids_and_token_urls_get_their_own_entries(cache, cache_dir, clock):
    plant_entry(cache, cache_dir, clock, "tok-1")
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-other"))])
    assert provider(http, cache=cache, clock=clock, client_id="client-2").token() == "tok-other"
    assert len(files_in(cache_dir)) == 2


def test_invalidate_removes_the_entry_only_if_it_still_holds_the_failed_token(cache, cache_dir, clock):
    path = plant_entry(cache, cache_dir, clock, "tok-1")
    assert cache.invalidate(TOKEN_URL, "client-1", "tok-0-older") is False
    assert os.path.exists(path)
    assert cache.invalidate(TOKEN_URL, "client-1", "tok-1") is True
    assert not os.path.exists(path)


def test_a_fork_that_failed_with_an_old_token_keeps_the_one_another_fork_renewed(cache, cache_dir, clock):
    slow = provider(HttpMock([("POST", TOKEN_RE, token_reply("tok-1"))]), cache=cache, clock=clock)
    assert slow.token() == "tok-1"
    fast = provider(HttpMock([("POST", TOKEN_RE, token_reply("tok-2"))]), cache=cache, clock=clock)
    fast.invalidate("tok-1")
    assert fast.token() == "tok-2"
    # the slow fork now sees its 401 for tok-1: it must not throw away tok-2
    assert slow.invalidate("tok-1") is True
    assert os.path.exists(entry_path(cache_dir))
    assert slow.token() == "tok-2"
    assert slow.minted == 1


def test_cache_can_be_disabled_by_environment(tmp_path, clock):
    directory = str(tmp_path / "never")
    cache = TokenCache(directory=directory, clock=clock, environ={"CENTRAL_TOKEN_CACHE": "false"})
    assert cache.enabled is False
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-1"))])
    assert provider(http, cache=cache, clock=clock).token() == "tok-1"
    assert not os.path.exists(directory)
    assert TokenCache(environ={"CENTRAL_TOKEN_CACHE": "yes"}).enabled is True


def test_cache_directory_from_environment(tmp_path):
    assert TokenCache(environ={"CENTRAL_TOKEN_CACHE_DIR": str(tmp_path / "x")}).directory == str(tmp_path / "x")
    assert TokenCache(environ={"XDG_CACHE_HOME": str(tmp_path)}).directory == \
        str(tmp_path / "aruba_central_troubleshooting")
    assert TokenCache(environ={}).directory == os.path.join(os.path.expanduser("~"), ".cache",
                                                            "aruba_central_troubleshooting")


def test_unusable_cache_directory_still_mints(tmp_path, clock):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = TokenCache(directory=str(blocker / "cache"), clock=clock, enabled=True)
    http = HttpMock([("POST", TOKEN_RE, token_reply("tok-1"))])
    assert provider(http, cache=cache, clock=clock).token() == "tok-1"
    assert cache.warnings and "not caching tokens" in cache.warnings[0]


# ---- many forks at once ----------------------------------------------------------------------------------------


class _TokenServer(ThreadingHTTPServer):
    daemon_threads = True
    mint_delay = 0.3  # keeps the first mint in flight while the other forks arrive

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _TokenHandler)
        self.minted = 0
        self.lock = threading.Lock()


class _TokenHandler(JsonHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            self.server.minted += 1
            token = "tok-%d" % self.server.minted
        time.sleep(self.server.mint_delay)
        self._answer(200, {"access_token": token, "token_type": "Bearer", "expires_in": 7200})

    def do_GET(self):
        self._answer(200, {"items": [], "count": 0, "total": 0, "next": None,
                           "seen": self.headers.get("Authorization")})


def _fork_main(port, cache_dir, barrier, results):
    client = CentralClient("http://127.0.0.1:%d" % port, client_id="client-1", client_secret=SECRET,
                           token_url="http://127.0.0.1:%d/as/token.oauth2" % port, request_timeout=10,
                           token_cache=TokenCache(directory=cache_dir, enabled=True))
    barrier.wait(timeout=20)
    answer = client.get("/network-monitoring/v1/gateways")
    results.put((answer["seen"], client.stats["tokens_minted"]))


def run_forks(server, target, cache_dir, forks, timeout=30):
    """Start ``forks`` processes running ``target`` against ``server`` at once; their results and the server."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(forks)
    results = context.Queue()
    processes = [context.Process(target=target, args=(server.server_port, cache_dir, barrier, results))
                 for _index in range(forks)]
    try:
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=timeout) for _index in range(forks)]
        for process in processes:
            process.join(timeout=10)
    finally:
        getattr(server, "stop", threading.Event()).set()
        for process in processes:
            if process.is_alive():
                process.terminate()
        server.shutdown()
        server.server_close()
    assert all(process.exitcode == 0 for process in processes)
    return outcomes


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses fork and a loopback server (Linux only)")
def test_many_forks_starting_at_once_mint_one_token(cache_dir):
    server = _TokenServer()
    forks = 6
    outcomes = run_forks(server, _fork_main, cache_dir, forks)
    assert server.minted == 1
    assert [seen for seen, _minted in outcomes] == ["Bearer tok-1"] * forks
    assert sum(minted for _seen, minted in outcomes) == 1


# ---- a failed mint is shared ------------------------------------------------------------------------------------


def test_a_failed_mint_is_remembered_so_the_next_fork_fails_at_once_with_its_cause(cache_dir, clock):
    first = HttpMock([("POST", TOKEN_RE, reply(401, json={"error": "invalid_client", "error_description": "bad"}))])
    with pytest.raises(CentralError) as original:
        provider(first, cache=TokenCache(directory=cache_dir, clock=clock, enabled=True), clock=clock).token()
    second = HttpMock()
    with pytest.raises(CentralError) as remembered:
        provider(second, cache=TokenCache(directory=cache_dir, clock=clock, enabled=True), clock=clock).token()
    assert second.requests == [], "the second fork does not ask the token endpoint again"
    assert remembered.value.error_type == "auth"
    assert str(original.value) in str(remembered.value)
    assert "another run on this controller got this 0 s ago" in str(remembered.value)
    for name in os.listdir(cache_dir):
        with open(os.path.join(cache_dir, name), encoding="utf-8") as handle:
            assert SECRET not in handle.read()


def test_a_remembered_failure_expires_and_a_new_secret_is_tried_at_once(cache_dir, clock):
    failing = HttpMock([("POST", TOKEN_RE, reply(401, json={"error": "invalid_client"}))])
    with pytest.raises(CentralError):
        provider(failing, cache=TokenCache(directory=cache_dir, clock=clock, enabled=True), clock=clock).token()
    fixed = HttpMock([("POST", TOKEN_RE, token_reply("tok-new-secret"))])
    assert provider(fixed, cache=TokenCache(directory=cache_dir, clock=clock, enabled=True), clock=clock,
                    secret="another-secret").token() == "tok-new-secret"
    clock.advance(_central_auth.FAILURE_MEMORY_SECONDS + 1)
    later = HttpMock([("POST", TOKEN_RE, token_reply("tok-later"))])
    assert provider(later, cache=TokenCache(directory=cache_dir, clock=clock, enabled=True), clock=clock,
                    client_id="client-1").token() == "tok-later"


def test_a_successful_mint_forgets_an_earlier_failure(cache_dir, clock):
    failing = HttpMock([("POST", TOKEN_RE, reply(503, text="down"))])
    with pytest.raises(CentralError):
        provider(failing, cache=TokenCache(directory=cache_dir, clock=clock, enabled=True), clock=clock).token()
    clock.advance(_central_auth.FAILURE_MEMORY_SECONDS + 1)
    provider(HttpMock([("POST", TOKEN_RE, token_reply("tok-1"))]),
             cache=TokenCache(directory=cache_dir, clock=clock, enabled=True), clock=clock).token()
    assert not [name for name in os.listdir(cache_dir) if name.endswith(".failed")]


def test_waiting_for_another_forks_mint_ends_at_the_deadline(cache_dir, clock):
    import fcntl  # pylint: disable=import-outside-toplevel
    cache = TokenCache(directory=cache_dir, clock=clock, enabled=True)
    os.makedirs(cache_dir, mode=0o700, exist_ok=True)
    key = TokenCache.key(TOKEN_URL, "client-1")
    holder = os.open(os.path.join(cache_dir, key + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        http = HttpMock()
        with pytest.raises(CentralError) as info:
            provider(http, cache=cache, clock=clock).token(deadline=clock.monotonic() + 5)
    finally:
        os.close(holder)
    assert http.requests == []
    assert info.value.error_type == "auth"
    assert "another run on this controller was getting a token" in str(info.value)
    assert 5 <= clock.slept <= 5.1


def test_a_connection_failure_to_the_token_endpoint_names_it_and_the_proxy_variables(monkeypatch):
    from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import connection_refused
    monkeypatch.setenv("HTTPS_PROXY", "http://user:pw@proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", ".example.net")
    http = HttpMock([("POST", TOKEN_RE, connection_refused(TOKEN_URL))])
    client = CentralClient("https://central.example", client_id="client-1", client_secret=SECRET, token_url=TOKEN_URL,
                           session=http, clock=FakeClock(), max_retries=0)
    with pytest.raises(CentralError) as info:
        client.token()
    text = str(info.value)
    assert info.value.error_type == "auth"
    assert "https://sso.example.test/as/token.oauth2" in text
    assert "HTTPS_PROXY=http://proxy.example:3128" in text and "NO_PROXY=.example.net" in text
    assert "pw" not in text and "\n" not in text


class _SilentHandler(JsonHandler):
    """An SSO endpoint that accepts the request and never answers."""

    def do_POST(self):
        with self.server.lock:
            self.server.minted += 1
        self.server.stop.wait(30)


def _silent_fork_main(port, cache_dir, barrier, results):
    client = CentralClient("http://127.0.0.1:%d" % port, client_id="client-1", client_secret=SECRET,
                           token_url="http://127.0.0.1:%d/as/token.oauth2" % port, request_timeout=1, max_retries=1,
                           token_cache=TokenCache(directory=cache_dir, enabled=True))
    barrier.wait(timeout=20)
    try:
        client.token(deadline=time.monotonic() + 4)
        results.put(("token", None))
    except CentralError as err:
        results.put((err.error_type, str(err)))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses fork and a loopback server (Linux only)")
def test_a_silent_sso_endpoint_is_asked_by_one_fork_and_the_others_share_its_failure(cache_dir):
    server = _TokenServer()
    server.RequestHandlerClass = _SilentHandler
    server.stop = threading.Event()
    forks = 5
    outcomes = run_forks(server, _silent_fork_main, cache_dir, forks, timeout=60)
    assert [error_type for error_type, _text in outcomes] == ["auth"] * forks
    assert all("/as/token.oauth2" in text for _error_type, text in outcomes)
    assert sum("another run on this controller" in text for _error_type, text in outcomes) == forks - 1
    assert server.minted <= 2, "one fork asked (once, plus at most one retry); the others did not"


def test_default_token_url_is_hpe_sso():
    assert DEFAULT_TOKEN_URL == "https://sso.common.cloud.hpe.com/as/token.oauth2"

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest
import requests

from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.fake_clock import FakeClock
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.http_mock import (
    HttpMock,
    UnexpectedRequest,
    error_reply,
    read_timeout,
    reply,
)


def test_answers_in_order_and_records_requests():
    http = HttpMock([("GET", r"/a$", reply(200, json={"n": 1})), ("POST", r"/b$", reply(202, text="<html>ok</html>"))])
    first = http.request("GET", "https://x.test/a", params={"limit": 1}, headers={"Accept": "application/json"})
    second = http.request("post", "https://x.test/b", json={"k": "v"}, timeout=3)
    http.assert_done()
    assert first.json() == {"n": 1} and first.headers["content-type"] == "application/json"
    assert second.status_code == 202 and second.text == "<html>ok</html>"
    assert second.headers["Content-Type"].startswith("text/html")
    assert http.requests[0].params == {"limit": 1} and http.requests[0].headers["accept"] == "application/json"
    assert http.requests[1].json == {"k": "v"} and http.requests[1].timeout == 3 and http.requests[1].path == "/b"


def test_a_request_out_of_order_fails_even_if_swallowed():
    http = HttpMock([("GET", r"/a$", reply(200)), ("GET", r"/b$", reply(200))])
    try:
        http.request("GET", "https://x.test/b")
    except Exception:  # pylint: disable=broad-except
        pass  # code under test that swallows everything must not hide the failure
    with pytest.raises(AssertionError, match="request #1 was GET https://x.test/b, but the next expected request is GET /a"):
        http.assert_done()


def test_an_unexpected_extra_request_fails():
    http = HttpMock()
    with pytest.raises(UnexpectedRequest, match="no more requests were expected"):
        http.request("DELETE", "https://x.test/a")


def test_requests_left_over_fail_assert_done_and_the_context_manager():
    with pytest.raises(AssertionError, match="1 expected request\\(s\\) never made, next: GET /a"):
        with HttpMock([("GET", r"/a$", reply(200))]):
            pass


def test_exceptions_times_and_callable_answers():
    http = HttpMock().expect("GET", r"/a$", read_timeout(), times=2)
    http.expect("GET", r"/a$", requests.exceptions.ConnectionError)
    http.expect("POST", r"/echo$", lambda request: reply(200, json={"got": request.json}))
    for _index in range(2):
        with pytest.raises(requests.exceptions.ReadTimeout):
            http.request("GET", "https://x.test/a")
    with pytest.raises(requests.exceptions.ConnectionError):
        http.request("GET", "https://x.test/a")
    assert http.request("POST", "https://x.test/echo", json=[1]).json() == {"got": [1]}
    http.assert_done()


def test_error_reply_is_a_central_error_body():
    response = error_reply(404, "HPE_GL_ERROR_NOT_FOUND", "Device not found: X", debugId="d-1").to_response(
        type("R", (), {"url": "https://x.test/"})())
    assert response.status_code == 404 and response.reason == "Not Found"
    assert response.json() == {"errorCode": "HPE_GL_ERROR_NOT_FOUND", "message": "Device not found: X", "debugId": "d-1"}
    with pytest.raises(requests.exceptions.HTTPError):
        response.raise_for_status()


def test_reply_takes_one_body_only():
    with pytest.raises(ValueError, match="at most one of json, text and body"):
        reply(200, json={}, text="x")


def test_fake_clock_records_sleeps_and_moves_both_clocks():
    clock = FakeClock()
    wall, mono = clock.time(), clock.monotonic()
    clock.sleep(2.5)
    clock.advance(1)
    assert clock.sleeps == [2.5] and clock.slept == 2.5
    assert clock.time() - wall == 3.5 and clock.monotonic() - mono == 3.5
    with pytest.raises(ValueError):
        clock.sleep(-1)

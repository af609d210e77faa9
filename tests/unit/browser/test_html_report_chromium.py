# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTML fleet report in a real headless Chromium: the DOM after rendering, and a screenshot.

With ``UPDATE_SCREENSHOT=1`` the screenshot of the demo fleet is written to ``docs/images/bandwidth_report.png`` (the
picture the README shows); otherwise it goes to a temporary file. Chromium runs offline: the page is a local file,
background networking is off and every host name resolves to nothing.
"""

import os
import shutil
import struct
import subprocess
from html.parser import HTMLParser

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._render import render_html
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import report_fixtures as fx
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import trend_fixtures as tf

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SCREENSHOT = os.path.join(ROOT, "docs", "images", "bandwidth_report.png")
WINDOW = (1280, 1600)

pytestmark = pytest.mark.skipif(not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which("chromium"),
                                reason="Chromium is not installed (looked for %s); the browser test needs a real headless browser"
                                % CHROMIUM)


def chromium(tmp_path, *args):
    """Run headless Chromium with a fresh profile; returns stdout."""
    binary = CHROMIUM if os.path.isfile(CHROMIUM) else shutil.which("chromium")
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--user-data-dir=%s" % profile,
               "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars"] + list(args)
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    return done.stdout.decode("utf-8")


class Dom(HTMLParser):
    """What the report test looks at in Chromium's serialised DOM."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.row_hosts, self.scripts, self.charts = [], 0, []
        self.trends, self.sparks, self.trend_svg = [], 0, None
        self.article, self.figure = None, None
        self.host_texts = []
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        elif tag == "tr" and "data-host" in attrs:
            self.row_hosts.append(attrs["data-host"])
        elif tag == "article":
            self.article = attrs.get("data-host")
        elif tag == "figure":
            self.figure = attrs.get("data-direction")
        elif tag == "svg" and attrs.get("class") == "chart":
            self.charts.append((self.article, self.figure, attrs.get("data-direction")))
        elif tag == "svg" and attrs.get("class") == "trend":
            self.trend_svg = {"host": self.article, "figure": self.figure, "direction": attrs.get("data-direction"),
                              "points": int(attrs.get("data-points")), "dots": 0, "today": 0, "contract": False}
            self.trends.append(self.trend_svg)
        elif tag == "svg" and attrs.get("class") == "spark":
            self.sparks += 1
        elif tag == "circle" and self.trend_svg is not None:
            self.trend_svg["dots"] += 1
            self.trend_svg["today"] += attrs.get("class") == "today"
        elif tag == "line" and self.trend_svg is not None and attrs.get("class") == "contract":
            self.trend_svg["contract"] = True
        elif tag == "h3":
            self._in_heading = True

    def handle_endtag(self, tag):
        if tag == "svg":
            self.trend_svg = None
        if tag == "h3":
            self._in_heading = False
        elif tag == "figure":
            self.figure = None
        elif tag == "article":
            self.article = None

    def handle_data(self, data):
        if self._in_heading:
            self.host_texts.append(data)


def expected_charts(entries):
    return sorted((entry["host"], name, name) for entry in entries if entry["record"] for name in ("upload", "download")
                  if entry["record"]["measurements"][name] and entry["record"]["measurements"][name]["intervals"])


def test_chromium_renders_rows_charts_and_hostile_names_as_text(tmp_path):
    entries = fx.mixed_fleet()
    page = tmp_path / "bandwidth_report.html"
    page.write_text(render_html(entries, fx.RUN), encoding="utf-8")
    dom = Dom()
    dom.feed(chromium(tmp_path, "--dump-dom", page.as_uri()))
    hosts = sorted(entry["host"] for entry in entries)
    assert dom.row_hosts == hosts
    assert sorted(dom.charts) == expected_charts(entries)
    assert dom.scripts == 0
    assert fx.HOSTILE_SCRIPT in dom.host_texts and fx.HOSTILE_QUOTES in dom.host_texts
    assert sorted(dom.host_texts) == hosts


def test_chromium_draws_each_gateways_history_with_today_and_the_contract_line(tmp_path):
    entries = tf.trend_fleet()
    page = tmp_path / "history.html"
    page.write_text(render_html(entries, tf.RUN), encoding="utf-8")
    dom = Dom()
    dom.feed(chromium(tmp_path, "--dump-dom", page.as_uri()))
    assert dom.scripts == 0
    drawn = dict(((trend["host"], trend["direction"]), trend) for trend in dom.trends)
    for entry in entries:
        for direction, block in (entry["record"]["baseline"] or {}).items():
            if not block:
                continue
            trend = drawn.pop((entry["host"], direction))
            measured = (entry["record"]["measurements"][direction] or {}).get("receiver_mbps") is not None
            assert trend["figure"] == direction and trend["direction"] == direction
            assert trend["points"] == trend["dots"] == len(block["points"]) + (1 if measured else 0)
            assert trend["today"] == (1 if measured else 0)
            contract = (entry["record"].get("contract") or {}).get(direction)
            assert trend["contract"] is bool(contract and contract.get("mbps"))
    assert drawn == {}
    assert dom.sparks == 6


def png_size(path):
    with open(path, "rb") as handle:
        head = handle.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


def demo_fleet_with_history():
    """The demo fleet on its second run: one gateway well below its baseline and contract, one a little below."""
    fleet = fx.demo_fleet()
    fleet[2]["record"] = tf.judged("CNK100051", tf.result("CNK100051", 72.0), {"upload": tf.history(181, 178, 183, 180)},
                                   contract=200)
    fleet[7]["record"] = tf.judged("CNK200068", tf.result("CNK200068", 68.0), {"upload": tf.history(95, 93, 94)})
    return fleet


def test_chromium_screenshot_of_the_demo_fleet(tmp_path):
    page = tmp_path / "demo.html"
    page.write_text(render_html(demo_fleet_with_history(), fx.RUN), encoding="utf-8")
    target = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOT") == "1" else str(tmp_path / "bandwidth_report.png")
    if os.path.dirname(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
    chromium(tmp_path, "--screenshot=%s" % target, "--window-size=%d,%d" % WINDOW, page.as_uri())
    assert png_size(target) == WINDOW
    assert os.path.getsize(target) > 50000  # a blank page of this size compresses to a few kilobytes

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The example Grafana dashboard of extensions/grafana reads only metrics and labels the collection writes."""

import json
import os
import re

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils import _metrics as metrics
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import trend_fixtures as tf

COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DASHBOARD = os.path.join(COLLECTION, "extensions", "grafana", "gateway_bandwidth_dashboard.json")
METRIC = re.compile(r"\bgateway_bandwidth_[a-z_]+\b")
MATCHER = re.compile(r"([a-z_]+)\s*=~?\s*\"")
BY = re.compile(r"\b(?:by|on|without|ignoring)\s*\(([^)]*)\)")
LABEL_VALUES = re.compile(r"label_values\((?:[^,]*,)?\s*([a-z_]+)\s*\)")
LABELS = {"gateway", "serial_number", "site", "direction", "verdict", "job", "instance"}


@pytest.fixture(name="dashboard", scope="module")
def load_dashboard():
    with open(DASHBOARD, encoding="utf-8") as handle:
        return json.load(handle)


def queries(dashboard):
    found = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    found += [item["query"]["query"] for item in dashboard["templating"]["list"]]
    return found


def test_every_metric_the_dashboard_reads_is_one_the_collection_writes(dashboard):
    written = set(metrics.family_names())
    read = set(name for query in queries(dashboard) for name in METRIC.findall(query))
    assert read and read <= written, read - written
    # and every family a run writes is on some panel, except the raw figures behind the ones shown
    sample = metrics.render_openmetrics(tf.trend_fleet(), tf.RUN)
    exported = set(re.findall(r"^# TYPE (\S+) gauge$", sample, re.M))
    assert exported - read == {"gateway_bandwidth_sender_bytes", "gateway_bandwidth_retransmits", "gateway_bandwidth_attempts",
                               "gateway_bandwidth_sender_bits_per_second", "gateway_bandwidth_test_start_timestamp_seconds"}


def test_every_label_the_dashboard_uses_exists(dashboard):
    for query in queries(dashboard):
        used = set(MATCHER.findall(query)) | set(LABEL_VALUES.findall(query))
        used |= set(label.strip() for group in BY.findall(query) for label in group.split(",") if label.strip())
        assert used <= LABELS, (query, used - LABELS)


def test_the_dashboard_imports_with_a_chosen_prometheus_data_source(dashboard):
    assert [item["name"] for item in dashboard["__inputs"]] == ["DS_PROMETHEUS"]
    sources = [panel["datasource"] for panel in dashboard["panels"]]
    sources += [target["datasource"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert all(source == {"type": "prometheus", "uid": "${DS_PROMETHEUS}"} for source in sources)
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    assert [item["name"] for item in dashboard["templating"]["list"]] == ["site", "gateway", "direction"]
    assert all(panel["title"] and panel["description"] for panel in dashboard["panels"])

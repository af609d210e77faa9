# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The OpenMetrics text of a run, read back with prometheus_client's parsers (OpenMetrics and text format 0.0.4)."""

import re

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils import _metrics as metrics
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import report_fixtures as fx
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import trend_fixtures as tf

prometheus_client = pytest.importorskip(
    "prometheus_client", reason="prometheus_client (a test-only dependency: pip install prometheus_client==0.26.0) is "
                                "not installed; it is the real parser the OpenMetrics output is read back with")
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families as parse_text_format  # noqa: E402

NAME = re.compile(r"\A[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABELS = {"gateway", "serial_number", "site", "direction", "verdict"}


def families(text):
    return dict((family.name, family) for family in parse_openmetrics(text))


def samples(family, **labels):
    return [sample for sample in family.samples if all(sample.labels.get(k) == v for k, v in labels.items())]


def value(family, **labels):
    found = samples(family, **labels)
    assert len(found) == 1, (family.name, labels, found)
    return found[0].value


@pytest.fixture(name="mixed")
def mixed_fleet_text():
    return metrics.render_openmetrics(fx.mixed_fleet(), fx.RUN)


def test_the_text_is_valid_openmetrics_with_eof_and_only_gauges(mixed):
    assert mixed.endswith("# EOF\n") and mixed.count("# EOF") == 1
    found = families(mixed)
    assert found and all(family.type == "gauge" for family in found.values())
    assert set(found) <= set(name[:-len("_total")] if name.endswith("_total") else name for name in metrics.family_names())


def test_names_units_and_labels_follow_prometheus_rules(mixed):
    for name, family in families(mixed).items():
        assert NAME.match(name) and name.startswith("gateway_bandwidth_") and name == name.lower()
        if family.unit:
            assert name.endswith("_" + family.unit) and family.unit in ("bits_per_second", "bytes", "seconds", "ratio")
        assert family.documentation
        for sample in family.samples:
            assert set(sample.labels) <= LABELS and sample.timestamp is None
    for unit in ("_mbps", "_ms", "_percent", "_mbits"):
        assert unit not in mixed  # base units only


def test_figures_are_in_base_units(mixed):
    found = families(mixed)
    assert value(found["gateway_bandwidth_receiver_bits_per_second"], gateway="gw-pass", direction="upload") == 95330000
    assert value(found["gateway_bandwidth_udp_jitter_seconds"], gateway="gw-udp") == pytest.approx(0.0064)
    assert value(found["gateway_bandwidth_udp_loss_ratio"], gateway="gw-udp") == pytest.approx(0.042)
    assert value(found["gateway_bandwidth_retransmits"], gateway="gw-stall") == 239
    assert value(found["gateway_bandwidth_test_start_timestamp_seconds"], gateway="gw-pass") == pytest.approx(1747749749.753, abs=0.01)
    assert value(found["gateway_bandwidth_run_timestamp_seconds"]) == 1747749900


def test_figures_that_were_not_measured_have_no_sample(mixed):
    found = families(mixed)
    assert samples(found["gateway_bandwidth_retransmits"], gateway="gw-udp") == []
    assert samples(found["gateway_bandwidth_receiver_bits_per_second"], gateway="gw-busy") == []
    assert samples(found["gateway_bandwidth_receiver_bits_per_second"], gateway="gw-pass", direction="download") == []
    assert "NaN" not in mixed and "Inf" not in mixed


def test_every_gateway_has_exactly_one_verdict_and_the_run_counts_them(mixed):
    found = families(mixed)
    for entry in fx.mixed_fleet():
        ones = [sample.labels["verdict"] for sample in samples(found["gateway_bandwidth_verdict"], gateway=entry["host"])
                if sample.value == 1]
        assert len(ones) == 1
        assert len(samples(found["gateway_bandwidth_verdict"], gateway=entry["host"])) == 4
    counts = dict((sample.labels["verdict"], sample.value) for sample in found["gateway_bandwidth_gateways"].samples)
    assert counts == {"PASS": 2, "WARN": 0, "FAIL": 4, "ERROR": 4}


def test_hostile_names_survive_the_round_trip(mixed):
    gateways = set(sample.labels["gateway"] for sample in families(mixed)["gateway_bandwidth_verdict"].samples)
    assert gateways == set(entry["host"] for entry in fx.mixed_fleet())
    # reports keep names on one line (a newline becomes a space); quotes and backslashes are escaped and read back
    text = metrics.render_openmetrics([{"host": 'a"b\\c\nd', "group": "x", "record": fx.passing("S", "gw")}], fx.RUN)
    assert samples(families(text)["gateway_bandwidth_verdict"], gateway='a"b\\c d', verdict="PASS")[0].value == 1
    assert metrics.escape_label('a"b\\c\nd') == 'a\\"b\\\\c\\nd'


def test_baseline_contract_retransmit_ratio_warn_and_attempts_are_exported():
    found = families(metrics.render_openmetrics(tf.trend_fleet(), tf.RUN))
    assert value(found["gateway_bandwidth_baseline_bits_per_second"], gateway="gw-degraded", direction="upload") == 96e6
    assert value(found["gateway_bandwidth_contract_bits_per_second"], gateway="gw-steady", direction="download") == 500e6
    assert value(found["gateway_bandwidth_verdict"], gateway="gw-warn", verdict="WARN") == 1
    assert value(found["gateway_bandwidth_attempts"], gateway="gw-retest") == 2
    ratio = value(found["gateway_bandwidth_retransmit_ratio"], gateway="gw-steady", direction="upload")
    assert 0 < ratio < 0.001
    assert samples(found["gateway_bandwidth_retransmit_ratio"], gateway="gw-steady", direction="download") == []


def test_the_same_text_reads_in_the_older_text_format_the_pushgateway_parses(mixed):
    older = dict((family.name, family) for family in parse_text_format(mixed))
    assert set(older) == set(families(mixed))
    assert [sample.value for sample in older["gateway_bandwidth_gateways"].samples] == [2, 0, 4, 4]


def test_an_empty_run_is_still_valid():
    found = families(metrics.render_openmetrics([], {"generated_at": "2025-05-20T14:05:00Z"}))
    assert set(found) == {"gateway_bandwidth_gateways", "gateway_bandwidth_run_timestamp_seconds"}


# --- the Pushgateway URL --------------------------------------------------------------------------------------


@pytest.mark.parametrize("base, job, grouping, url", [
    ("http://pg:9091", "gateway_bandwidth", None, "http://pg:9091/metrics/job/gateway_bandwidth"),
    ("https://pg.example.com/", "bw job", {"slice": "2"}, "https://pg.example.com/metrics/job/bw%20job/slice/2"),
    ("http://pg:9091", "gateway_bandwidth", {"site": "Lyon/branch", "empty": ""},
     "http://pg:9091/metrics/job/gateway_bandwidth/empty@base64/=/site@base64/THlvbi9icmFuY2g="),
])
def test_the_pushgateway_url_encodes_the_grouping_key(base, job, grouping, url):
    assert metrics.pushgateway_url(base, job, grouping) == url


@pytest.mark.parametrize("base, job, grouping, message", [
    ("pg:9091", "j", None, "must start with http:// or https://"),
    ("http://pg", " ", None, "job label is empty"),
    ("http://pg", "j", {"job": "x"}, "must not set job"),
    ("http://pg", "j", {"bad-label": "x"}, "not a valid Prometheus label name"),
    ("http://pg", "j", ["slice"], "must be a mapping"),
])
def test_bad_pushgateway_settings_are_refused_in_one_line(base, job, grouping, message):
    with pytest.raises(ValueError, match=message) as raised:
        metrics.pushgateway_url(base, job, grouping)
    assert "\n" not in str(raised.value)

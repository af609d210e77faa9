# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""A run's figures in the OpenMetrics text format, for node_exporter's textfile collector and a Pushgateway.

Every family is a gauge (the figures of the last run, not counters), named ``gateway_bandwidth_*`` in base units
(bits per second, bytes, seconds, ratios from 0 to 1) with ``# TYPE``, ``# UNIT`` where it has one, and ``# HELP``;
the text ends with ``# EOF``. Samples carry no timestamp (the Pushgateway refuses them, and Prometheus stamps a
scrape itself); the time of a test is its own family. A figure the run did not measure has no sample: nothing is
invented. The same text is also valid in Prometheus' older text format (0.0.4), which the Pushgateway and the
textfile collector parse: there ``# UNIT`` and ``# EOF`` are comments.

Labels: ``gateway`` (inventory host), ``serial_number``, ``site`` (when known), ``direction`` (``upload`` or
``download``) and ``verdict``; ``job`` and ``instance`` are left to the Pushgateway and Prometheus.
"""

import base64
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from urllib.parse import quote

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import (
    DIRECTIONS,
    VERDICTS,
    normalize_entries,
    normalize_metadata,
    number,
    parse_time,
    summarise,
)

PREFIX = "gateway_bandwidth_"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_NAME_RE = re.compile(r"\A[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
_LABEL_RE = re.compile(r"\A[a-zA-Z_][a-zA-Z0-9_]*\Z")

# name (without the prefix) -> (unit or "", help); direction families take (measurement key, scale).
DIRECTION_FAMILIES = (
    ("receiver_bits_per_second", "bits_per_second", "Receiver rate of the last test (the rate a link is judged by).",
     "receiver_bits_per_second", 1.0),
    ("sender_bits_per_second", "bits_per_second", "Sender rate of the last test.", "sender_bits_per_second", 1.0),
    ("sender_bytes", "bytes", "Bytes the sender sent in the last test.", "sender_bytes", 1.0),
    ("retransmits", "", "TCP retransmits of the sender in the last test.", "retransmits", 1.0),
    ("retransmit_ratio", "ratio", "TCP retransmits per segment sent in the last test (segments estimated as bytes "
     "divided by the MSS).", "retransmit_percent", 0.01),
    ("stalled_intervals", "", "Reporting intervals at 0 bit/s in the last test.", "stalled_intervals", 1.0),
    ("udp_jitter_seconds", "seconds", "UDP jitter of the last test.", "jitter_ms", 0.001),
    ("udp_loss_ratio", "ratio", "UDP datagrams lost in the last test, from 0 to 1.", "loss_percent", 0.01),
)
TREND_FAMILIES = (
    ("baseline_bits_per_second", "bits_per_second", "Median receiver rate of the gateway's last measured runs."),
    ("contract_bits_per_second", "bits_per_second", "Contracted rate of the link."),
)
GATEWAY_FAMILIES = (
    ("verdict", "", "1 for the gateway's verdict in the last run (PASS, WARN, FAIL or ERROR), 0 for the others."),
    ("attempts", "", "Attempts the gateway needed in the last run (2 after a retest)."),
    ("test_start_timestamp_seconds", "seconds", "Start of the gateway's last test, as a Unix time."),
)
RUN_FAMILIES = (
    ("gateways", "", "Gateways of the last run per verdict."),
    ("run_timestamp_seconds", "seconds", "When the last run's report was made, as a Unix time."),
)


def family_names() -> List[str]:
    """Every metric family name this module can write, with the prefix."""
    names = [item[0] for item in DIRECTION_FAMILIES + TREND_FAMILIES + GATEWAY_FAMILIES + RUN_FAMILIES]
    return [PREFIX + name for name in names]


def escape_label(value: Any) -> str:
    """A label value as OpenMetrics quotes it: backslash, double quote and newline escaped."""
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def format_value(value: float) -> str:
    """A sample value: whole numbers without a fraction, others as Python's shortest float text."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _labels(pairs: Iterable[Tuple[str, Any]]) -> str:
    text = ",".join('{0}="{1}"'.format(name, escape_label(value)) for name, value in pairs if value is not None)
    return "{" + text + "}" if text else ""


class _Family(object):
    samples: List[str]

    def __init__(self, name: str, unit: str, text: str) -> None:
        self.name, self.unit, self.text, self.samples = PREFIX + name, unit, text, []

    def add(self, labels: Iterable[Tuple[str, Any]], value: Optional[float]) -> None:
        if value is not None:
            self.samples.append("{0}{1} {2}".format(self.name, _labels(labels), format_value(value)))

    def lines(self) -> List[str]:
        head = ["# TYPE {0} gauge".format(self.name)]
        if self.unit:
            head.append("# UNIT {0} {1}".format(self.name, self.unit))
        head.append("# HELP {0} {1}".format(self.name, _escape_help(self.text)))
        return head + self.samples


def _gateway_labels(entry: Dict[str, Any]) -> List[Tuple[str, Any]]:
    return [("gateway", entry["host"]), ("serial_number", entry["record"].get("serial_number")),
            ("site", entry["group"])]


def _scaled(value: Any, scale: float) -> Optional[float]:
    value = number(value)
    return None if value is None else value * scale


def _epoch(value: Any) -> Optional[float]:
    stamp = parse_time(value)
    return None if stamp is None else round(stamp.timestamp(), 3)


def _fill(families: Dict[str, _Family], entry: Dict[str, Any]) -> None:
    record = entry["record"]
    labels = _gateway_labels(entry)
    for direction in DIRECTIONS:
        measurement = record["measurements"].get(direction)
        here = labels + [("direction", direction)]
        for name, _unit, _text, key, scale in DIRECTION_FAMILIES:
            families[name].add(here, _scaled((measurement or {}).get(key), scale))
        baseline = (record.get("baseline") or {}).get(direction) or {}
        contract = (record.get("contract") or {}).get(direction) or {}
        families["baseline_bits_per_second"].add(here, _scaled(baseline.get("median_mbps"), 1e6))
        families["contract_bits_per_second"].add(here, _scaled(contract.get("mbps"), 1e6))
    for verdict in VERDICTS:
        families["verdict"].add(labels + [("verdict", verdict)], 1 if record["verdict"] == verdict else 0)
    families["attempts"].add(labels, 1 + len(record["attempts"]))
    families["test_start_timestamp_seconds"].add(labels, _epoch(record["test"].get("start_time")))


def render_openmetrics(entries: Any, metadata: Optional[Mapping[str, Any]] = None) -> str:
    """The OpenMetrics text of a run (the report's entries and run metadata), ending with ``# EOF``."""
    entries = normalize_entries(entries)
    run = normalize_metadata(metadata)
    families = dict((item[0], _Family(item[0], item[1], item[2]))
                    for item in DIRECTION_FAMILIES + TREND_FAMILIES + GATEWAY_FAMILIES + RUN_FAMILIES)
    for entry in entries:
        _fill(families, entry)
    summary = summarise(entries, max_hosts=0)
    counts = {"PASS": summary["passed"], "WARN": summary["warned"], "FAIL": summary["failed"], "ERROR": summary["errors"]}
    for verdict in VERDICTS:
        families["gateways"].add([("verdict", verdict)], counts[verdict])
    families["run_timestamp_seconds"].add([], _epoch(run["generated_at"]))
    lines: List[str] = []
    for name in [item[0] for item in DIRECTION_FAMILIES + TREND_FAMILIES + GATEWAY_FAMILIES + RUN_FAMILIES]:
        if families[name].samples:
            lines += families[name].lines()
    return "\n".join(lines + ["# EOF"]) + "\n"


def _segment(name: str, value: Any) -> str:
    """One ``/<label>/<value>`` of a Pushgateway grouping key; base64url for values a URL path cannot carry."""
    if not _LABEL_RE.match(name) or name.startswith("__"):
        raise ValueError("Pushgateway grouping label %r is not a valid Prometheus label name - use letters, digits "
                         "and _ , not starting with a digit or __" % name)
    text = str(value)
    if text == "" or "/" in text:
        encoded = base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii") or "="
        return "/{0}@base64/{1}".format(name, encoded)
    return "/{0}/{1}".format(name, quote(text, safe=""))


def pushgateway_url(base_url: Any, job: Any, grouping: Any = None) -> str:
    """The URL to PUT a run's metrics to: ``<base>/metrics/job/<job>[/<label>/<value>...]``.

    ``grouping`` labels (for example one per AWX slice) keep pushes apart: a PUT replaces every metric of its group.
    """
    base = str(base_url or "").strip().rstrip("/")
    if not re.match(r"\Ahttps?://[^/]", base):
        raise ValueError("the Pushgateway URL must start with http:// or https:// and name a host, got %r - for example "
                         "http://pushgateway.example.com:9091" % base)
    if not str(job or "").strip():
        raise ValueError("the Pushgateway job label is empty - give the job a name, for example gateway_bandwidth")
    grouping = grouping or {}
    if not isinstance(grouping, dict):
        raise ValueError("the Pushgateway grouping must be a mapping of label name to value, got %s"
                         % type(grouping).__name__)
    if "job" in grouping:
        raise ValueError("the Pushgateway grouping must not set job: the job label is given on its own")
    path = _segment("job", str(job).strip()) + "".join(_segment(str(name), value) for name, value in sorted(grouping.items()))
    return base + "/metrics" + path

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""The pure threshold evaluator: one ``gateway_iperf`` result in, one per-gateway verdict record out.

The verdict is ``PASS`` (measured, every check passed), ``WARN`` (measured, no check missed but at least one
WARN-level check: reason ``warning``), ``FAIL`` (measured, a check missed: reason ``threshold``) or ``ERROR`` (not
measured: reason is the result's ``error_type``, or ``not_run`` when there is no result).
Invalid thresholds or checks raise ``ValueError`` with a one-line message naming the variable; any result shape is
accepted and never raises.

Threshold semantics (each unset threshold, None or an empty string, is not checked):

* ``min_receiver_mbps`` / ``min_sender_mbps``: minimum receiver / sender bandwidth of every measured direction;
  ``min_upload_receiver_mbps``, ``min_download_receiver_mbps``, ``min_upload_sender_mbps`` and
  ``min_download_sender_mbps`` replace them for one direction and also require that direction to be measured.
* ``max_retransmits``: TCP only, the sender's retransmit count of a direction over the whole test.
* ``max_stalled_intervals``: intervals at 0 bits/s (omitted warm-up intervals do not count).
* ``max_loss_percent`` / ``max_jitter_ms``: UDP only.
* ``max_retransmit_percent`` / ``warn_retransmit_percent``: TCP only, retransmits per segment sent (segments
  estimated from the sender's bytes and MSS); skipped, saying why, where the text does not give the MSS.
* ``min_contract_percent`` / ``warn_contract_percent``: the receiver rate as a percentage of the contracted rate
  (``contract=``); not checked without a contract.
* ``max_drop_percent`` / ``warn_drop_percent``: the drop of the receiver rate below the gateway's baseline, the
  median of its last measured runs (``baseline=``); not checked without enough history (a note says so).

Thresholds named ``warn_*`` are the WARN level: missing one gives ``WARN``, never ``FAIL``; each must be a level
reached before its FAIL-level partner (a smaller drop or ratio, a larger contract percentage).

A threshold that does not apply to the protocol (UDP limits on a TCP test, retransmits on UDP) is listed in
``skipped_checks`` with the reason, never counted as passed or failed. A threshold that applies but whose number
is missing from the result is not met and cannot be judged: the verdict is ``ERROR`` (reason ``no_measurement``,
with a hint saying why the figure is missing), unless another check measured a miss (then ``FAIL``). A validation
run never passes on numbers it did not see.
"""

import math
import re
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

try:
    import jmespath
    from jmespath.exceptions import JMESPathError
    HAS_JMESPATH = True
except ImportError:
    HAS_JMESPATH = False

try:
    import yaml
    HAS_YAML = True
except ImportError:
    HAS_YAML = False

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._text import one_line, shown
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils import _trend

DIRECTIONS = ("upload", "download")
NOT_RUN = "not_run"
THRESHOLD = "threshold"
NO_MEASUREMENT = "no_measurement"
WARNING = "warning"
FAIL_LEVEL, WARN_LEVEL = "fail", "warn"

# name -> (kind, lower bound, upper bound); kind "number" or "count" (a whole number).
THRESHOLDS = {
    "min_receiver_mbps": ("number", 0, None),
    "min_sender_mbps": ("number", 0, None),
    "min_upload_receiver_mbps": ("number", 0, None),
    "min_upload_sender_mbps": ("number", 0, None),
    "min_download_receiver_mbps": ("number", 0, None),
    "min_download_sender_mbps": ("number", 0, None),
    "max_retransmits": ("count", 0, None),
    "max_stalled_intervals": ("count", 0, None),
    "max_loss_percent": ("number", 0, 100),
    "max_jitter_ms": ("number", 0, None),
    "max_retransmit_percent": ("number", 0, 100),
    "warn_retransmit_percent": ("number", 0, 100),
    "min_contract_percent": ("number", 0, None),
    "warn_contract_percent": ("number", 0, None),
    "max_drop_percent": ("number", 0, 100),
    "warn_drop_percent": ("number", 0, 100),
}
# WARN-level threshold -> (its FAIL-level partner, True when the WARN level must be the larger number)
WARN_PAIRS = {
    "warn_retransmit_percent": ("max_retransmit_percent", False),
    "warn_contract_percent": ("min_contract_percent", True),
    "warn_drop_percent": ("max_drop_percent", False),
}
CONTRACT_KEYS = ("mbps", "upload_mbps", "download_mbps")
DEFAULT_BASELINE_RUNS = 5
DEFAULT_BASELINE_MIN_RUNS = 3
CHECK_KEYS = ("name", "query", "min", "max", "equals", "description")
_MAX_MESSAGE = 400
_NUMBER_RE = re.compile(r"\A[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_ERROR_HINTS = {
    NOT_RUN: "no test result for this gateway: the test did not run",
    "test_failed": "the iperf test failed on the gateway",
    "server_busy": "the iperf server was busy with another test",
    "server_unreachable": "the gateway could not reach the iperf server",
    "device_offline": "the gateway is offline in Central",
    "device_not_found": "the gateway is not known to Central",
    "task_not_found": "Central does not know the test task",
    "timeout": "the test did not finish in time",
    "auth": "Central rejected the credentials",
    "forbidden": "the API client may not run troubleshooting tests",
    "rate_limited": "Central's rate limit was hit",
    NO_MEASUREMENT: "the test completed without the figures the thresholds need",
    "api_error": "the Central API call failed",
}


# ---------------------------------------------------------------------------------------------------------------
# Small helpers


def _shown(value: Any) -> str:
    return shown(value, 60)


def _bad(message: str) -> ValueError:
    """The ValueError for an input problem: always one line, whatever names or values it quotes."""
    return ValueError(one_line(message, 600))


def _number(value: Any) -> Optional[float]:
    """A finite int/float from a result (bools and anything else are None)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if math.isfinite(value) else None


def _tidy(value: float) -> float:
    """An int when the float is whole (``50.0`` -> ``50``), so limits read like the user wrote them."""
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 1e15 else value


def format_mbps(value: float) -> str:
    """A bandwidth in Mbit/s with three significant digits, the way iperf3 prints rates (7.67, 53.9, 940)."""
    if value < 9.995:
        return "%.2f" % value
    if value < 99.95:
        return "%.1f" % value
    return "%d" % int(float("%.3g" % value))


def format_limit(value: float) -> str:
    """A number as the user wrote it: whole numbers without a decimal point (50), others in their shortest form (7.5)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return "%d" % value
    return "%d" % value if isinstance(value, int) else repr(float(value))


def _mapping(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------------------------------------------------------
# Input validation


def parse_limit(value: Any, variable: str, kind: str = "number", low: Optional[float] = 0,
                high: Optional[float] = None) -> Optional[float]:
    """A threshold or check limit from a number or a numeric string; None for unset (None or empty string).

    Raises ValueError naming ``variable`` for anything else (words, booleans, negative, non-finite, out of range).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _NUMBER_RE.match(value.strip()):
        number = float(value.strip())
    what = "a whole number" if kind == "count" else "a number"
    if high is not None and low is not None:
        what += " from %s to %s" % (format_limit(low), format_limit(high))
    elif high is not None:
        what += " <= %s" % format_limit(high)
    elif low is not None:
        what += " >= %s" % format_limit(low)
    expected = "%s must be %s or empty to leave it unchecked" % (variable, what)
    if number is None or not math.isfinite(number):
        raise _bad("%s, got %s" % (expected, _shown(value)))
    if kind == "count" and float(number) != int(number):
        raise _bad("%s, got %s" % (expected, _shown(value)))
    if (low is not None and number < low) or (high is not None and number > high):
        raise _bad("%s, got %s" % (expected, _shown(value)))
    return int(number) if kind == "count" else _tidy(number)


def normalize_thresholds(thresholds: Any, variable_prefix: str = "") -> Dict[str, Optional[float]]:
    """Every known threshold, validated: ``{name: number or None}``. Unknown names are an error (a typo)."""
    if thresholds is None:
        thresholds = {}
    if not isinstance(thresholds, dict):
        raise _bad("%sthresholds must be a mapping of threshold name to number, got %s"
                   % (variable_prefix, type(thresholds).__name__))
    unknown = sorted(str(key) for key in thresholds if key not in THRESHOLDS)
    if unknown:
        raise _bad("unknown threshold %s; known thresholds are %s"
                   % (", ".join(variable_prefix + key for key in unknown), ", ".join(THRESHOLDS)))
    limits = dict((name, parse_limit(thresholds.get(name), variable_prefix + name, kind, low, high))
                  for name, (kind, low, high) in THRESHOLDS.items())
    _check_levels(limits, variable_prefix)
    return limits


def _check_levels(limits: Dict[str, Any], variable_prefix: str) -> None:
    """Each WARN level must be reached before its FAIL level, else it could never show."""
    for warn, (fail, larger) in WARN_PAIRS.items():
        if limits[warn] is None or limits[fail] is None:
            continue
        if (limits[warn] < limits[fail]) if larger else (limits[warn] > limits[fail]):
            raise _bad("%s%s (%s) must be %s than %s%s (%s): WARN is the level reached first"
                       % (variable_prefix, warn, format_limit(limits[warn]), "larger" if larger else "smaller",
                          variable_prefix, fail, format_limit(limits[fail])))


def normalize_contract(contract: Any, variable_prefix: str = "") -> Tuple[Dict[str, Optional[float]], Set[str]]:
    """``({upload: Mbit/s or None, download: ...}, directions named on their own)``; raises ValueError when invalid."""
    if isinstance(contract, dict):
        unknown = sorted(str(key) for key in contract if key not in CONTRACT_KEYS)
        if unknown:
            raise _bad("unknown contract key %s; use %s" % (", ".join(unknown), ", ".join(CONTRACT_KEYS)))

    def parse(value: Any, key: str) -> Optional[float]:
        variable = "%scontract_%s" % (variable_prefix, key)
        rate = parse_limit(value, variable)
        if rate == 0:
            raise _bad("%s must be a number > 0 (the contracted rate in Mbit/s) or empty, got 0" % variable)
        return rate
    return _trend.contract_rates(contract, parse)


def normalize_baseline_options(runs: Any, min_runs: Any, variable_prefix: str = "") -> Tuple[int, int]:
    """``(runs, min_runs)``: how many runs the baseline takes and how many it needs; empty means the defaults."""
    runs = parse_limit(runs, variable_prefix + "baseline_runs", "count", 1, 100)
    min_runs = parse_limit(min_runs, variable_prefix + "baseline_min_runs", "count", 1, 100)
    runs = DEFAULT_BASELINE_RUNS if runs is None else runs
    min_runs = min(DEFAULT_BASELINE_MIN_RUNS, runs) if min_runs is None else min_runs
    if min_runs > runs:
        raise _bad("%sbaseline_min_runs (%d) must not be more than %sbaseline_runs (%d): the baseline takes at most "
                   "that many runs" % (variable_prefix, min_runs, variable_prefix, runs))
    return runs, min_runs


def _parse_text(text: str, variable: str) -> Any:
    """Checks given as YAML or JSON text (an AWX survey textarea); empty text means no checks."""
    if not text.strip():
        return None
    if not HAS_YAML:
        raise _bad("%s is text; reading it needs the Python library PyYAML, or give the checks as a list" % variable)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _bad("%s is not valid YAML or JSON: %s" % (variable, one_line(exc, 240))) from None


def normalize_checks(checks: Any, variable_prefix: str = "") -> List[Dict[str, Any]]:
    """The user checks, validated and with their JMESPath queries compiled: a list of dicts.

    ``checks`` may also be the same list as YAML or JSON text.
    """
    variable = variable_prefix + "checks"
    if isinstance(checks, str):
        checks = _parse_text(checks, variable)
    if checks is None:
        return []
    if not isinstance(checks, (list, tuple)):
        raise _bad("%s must be a list of {name, query} checks, got %s" % (variable, type(checks).__name__))
    if checks and not HAS_JMESPATH:
        raise _bad("%s needs the Python library jmespath on the controller; install it (pip install jmespath)"
                   % variable)
    result: List[Dict[str, Any]] = []
    seen: Set[str] = set()
    for index, check in enumerate(checks):
        where = "%s[%d]" % (variable, index)
        if not isinstance(check, dict):
            raise _bad("%s must be a mapping with name and query, got %s" % (where, _shown(check)))
        unknown = sorted(str(key) for key in check if key not in CHECK_KEYS)
        if unknown:
            raise _bad("%s has unknown key %s; allowed keys are %s" % (where, ", ".join(unknown), ", ".join(CHECK_KEYS)))
        name, query = check.get("name"), check.get("query")
        if not isinstance(name, str) or not name.strip():
            raise _bad("%s needs a name (a non-empty string)" % where)
        if name in seen:
            raise _bad("%s: the check name %r is used twice; give every check its own name" % (where, name))
        seen.add(name)
        if not isinstance(query, str) or not query.strip():
            raise _bad("%s (%s) needs a query (a JMESPath expression over the gateway_iperf result)" % (where, name))
        try:
            compiled = jmespath.compile(query)
        except JMESPathError as exc:
            raise _bad("%s (%s): %r is not a valid JMESPath expression: %s" % (where, name, query, one_line(exc, 160)))
        low = parse_limit(check.get("min"), where + ".min", low=None)
        high = parse_limit(check.get("max"), where + ".max", low=None)
        equals = check.get("equals")
        if equals is not None and not isinstance(equals, (str, int, float, bool)):
            raise _bad("%s.equals must be a number, string or boolean, got %s" % (where, _shown(equals)))
        if equals is not None and (low is not None or high is not None):
            raise _bad("%s: use either equals or min/max, not both" % where)
        result.append({"name": name, "query": query, "compiled": compiled, "min": low, "max": high, "equals": equals})
    return result


def input_problems(thresholds: Any, checks: Any = None, variable_prefix: str = "", contract: Any = None,
                   baseline_runs: Any = None, baseline_min_runs: Any = None) -> List[str]:
    """Every input error of ``thresholds``, ``checks``, ``contract`` and the baseline options as one-line messages
    (empty list: all valid).

    The same rules as :func:`evaluate`, for checking a role's variables before any test traffic starts.
    """
    problems: List[str] = []
    if isinstance(thresholds, dict):
        for name in thresholds:
            try:
                normalize_thresholds({name: thresholds[name]}, variable_prefix)
            except ValueError as exc:
                problems.append(str(exc))
        if not problems:
            try:
                normalize_thresholds(thresholds, variable_prefix)
            except ValueError as exc:
                problems.append(str(exc))
    else:
        try:
            normalize_thresholds(thresholds, variable_prefix)
        except ValueError as exc:
            problems.append(str(exc))
    for validate in (lambda: normalize_checks(checks, variable_prefix),
                     lambda: normalize_contract(contract, variable_prefix),
                     lambda: normalize_baseline_options(baseline_runs, baseline_min_runs, variable_prefix)):
        try:
            validate()
        except ValueError as exc:
            problems.append(str(exc))
    return problems


# ---------------------------------------------------------------------------------------------------------------
# Measurements


def _mbps(block: Any, role: str) -> Tuple[Optional[float], Optional[float]]:
    bps = _number(_mapping(_mapping(block).get(role)).get("bits_per_second"))
    return bps, (bps / 1e6 if bps is not None else None)


def _intervals(block: Any) -> List[Dict[str, Any]]:
    rows: List[Dict[str, Any]] = []
    intervals = _mapping(block).get("intervals")
    for item in intervals if isinstance(intervals, list) else []:
        if not isinstance(item, dict):
            continue
        bps = _number(item.get("bits_per_second"))
        rows.append({"start": _number(item.get("start")), "end": _number(item.get("end")),
                     "mbps": bps / 1e6 if bps is not None else None, "omitted": item.get("omitted") is True})
    return rows


def measure(block: Any) -> Optional[Dict[str, Any]]:
    """The numbers of one direction block of the result, in the verdict's vocabulary; None when not measured."""
    if not isinstance(block, dict):
        return None
    sender_bps, sender_mbps = _mbps(block, "sender")
    receiver_bps, receiver_mbps = _mbps(block, "receiver")
    intervals = _intervals(block)
    stalled = _number(block.get("stalled_intervals"))
    if stalled is None and intervals:
        stalled = sum(1 for row in intervals if row["mbps"] == 0 and not row["omitted"])
    udp = _mapping(block.get("udp"))
    sender_bytes, segments, ratio = _trend.retransmit_figures(block)
    return {
        "sender_mbps": sender_mbps,
        "receiver_mbps": receiver_mbps,
        "sender_bits_per_second": sender_bps,
        "receiver_bits_per_second": receiver_bps,
        "retransmits": _number(_mapping(block.get("sender")).get("retransmits")),
        "stalled_intervals": stalled,
        "jitter_ms": _number(udp.get("jitter_ms")),
        "loss_percent": _number(udp.get("loss_percent")),
        "sender_bytes": sender_bytes,
        "segments_sent": segments,
        "retransmit_percent": ratio,
        "derived": [key for key, value in (("segments_sent", segments), ("retransmit_percent", ratio)) if value is not None],
        "intervals": [{"start": row["start"], "end": row["end"], "mbps": row["mbps"]} for row in intervals],
    }


# name of the metric -> (label in messages, unit, formatter)
_METRICS = {
    "receiver_mbps": ("receiver", " Mbit/s", format_mbps),
    "sender_mbps": ("sender", " Mbit/s", format_mbps),
    "retransmits": ("retransmits", "", format_limit),
    "stalled_intervals": ("stalled intervals", "", format_limit),
    "loss_percent": ("loss", " %", format_limit),
    "jitter_ms": ("jitter", " ms", format_limit),
    "retransmit_percent": ("retransmit ratio", " %", format_limit),
}
_UDP_METRICS = ("loss_percent", "jitter_ms")


def _raw_state(result: Dict[str, Any]) -> str:
    """What Central sent for the figures: "none" (neither text nor output), "no_text" or "text"."""
    if isinstance(result.get("raw_output"), str) and result["raw_output"].strip():
        return "text"
    return "no_text" if isinstance(result.get("output"), dict) else "none"


def missing_reason(result: Dict[str, Any], direction: str, metric: str, numbers: Optional[Dict[str, Any]]) -> str:
    """Why ``metric`` of ``direction`` is not in the result, as one true clause (not a guess)."""
    raw = _raw_state(result)
    if numbers is None:
        if direction == "download":
            if result.get("include_reverse") is False:
                return "the test ran without include_reverse, so the download was not measured"
            if raw == "text":
                return "Central's iperf3 text has no report of the reverse direction"
            return "Central sent no iperf3 text (rawOutput), the only place the reverse direction is reported"
        if raw == "none":
            return "Central's answer has neither rawOutput nor output figures"
        return "neither Central's iperf3 text nor its output strings carry the upload"
    if metric == "retransmits":
        if raw != "text":
            return "only iperf3's text carries retransmits and Central sent none (keep include_raw_output on)"
        return "iperf3's text has no sender summary with them (the text was cut short)"
    if metric == "stalled_intervals":
        return "the result has no per-interval figures"
    if metric in _UDP_METRICS:
        if raw != "text":
            return "only iperf3's text carries UDP loss and jitter and Central sent none (keep include_raw_output on)"
        return "iperf3's text has no UDP receiver summary"
    role = "receiver" if metric == "receiver_mbps" else "sender"
    if raw == "text":
        return "iperf3's text has no %s summary (cut short?) and Central's output has no %sBandwidth" % (role, role)
    return "Central's output has no %sBandwidth and it sent no iperf3 text" % role


def _shown_pair(measured: float, limit: float, formatter: Callable[[float], str]) -> Tuple[str, str]:
    """Measured and limit as text; more digits when rounding would make a miss look like a tie."""
    shown = formatter(measured)
    if measured != limit and float(shown) == limit:
        shown = "%.6g" % measured
    return shown, format_limit(limit)


def threshold_check(name: str, direction: str, metric: str, operator: str, limit: float, numbers: Optional[Dict[str, Any]],
                    result: Optional[Dict[str, Any]] = None, level: str = FAIL_LEVEL) -> Dict[str, Any]:
    """One evaluated threshold (the record the verdict lists under ``checks``); ``numbers`` is the direction's.

    A missing figure gives ``passed: false`` and ``missing: true``, with :func:`missing_reason` in the message.
    ``level`` is ``fail`` or ``warn`` (a miss gives ``WARN``, not ``FAIL``).
    """
    label, unit, formatter = _METRICS[metric]
    where = "%s %s" % (direction, label)
    measured = (numbers or {}).get(metric)
    missing = measured is None
    if missing:
        why = "%s was not measured (%s)" % (where, missing_reason(result or {}, direction, metric, numbers))
        passed, message = False, "%s: %s; limit %s %s%s" % (name, why, operator, format_limit(limit), unit)
    else:
        passed = measured >= limit if operator == ">=" else measured <= limit  # type: ignore[operator]
        shown, limit_text = _shown_pair(measured, limit, formatter)  # type: ignore[arg-type]
        sign = operator if passed else ("<" if operator == ">=" else ">")
        message = "%s %s%s %s %s%s" % (where, shown, unit, sign, limit_text, unit)
    return {"name": name, "level": level, "direction": direction, "metric": metric, "measured": measured,
            "limit": limit, "operator": operator, "passed": passed, "missing": missing, "message": message}


def _expected_directions(result: Dict[str, Any], measurements: Dict[str, Any]) -> List[str]:
    wanted = ["upload"]
    if measurements["download"] is not None or result.get("include_reverse") is True:
        wanted.append("download")
    return wanted


def _protocol(result: Dict[str, Any]) -> str:
    protocol = result.get("protocol")
    if isinstance(protocol, str) and protocol.strip():
        return protocol.strip().lower()
    blocks = [_mapping(result.get(d)) for d in DIRECTIONS]
    return "udp" if any(isinstance(b.get("udp"), dict) for b in blocks) else "tcp"


_NOT_FOR = {"max_retransmits": "udp", "max_retransmit_percent": "udp", "warn_retransmit_percent": "udp",
            "max_loss_percent": "tcp", "max_jitter_ms": "tcp"}
_RATIO_LEVELS = (("max_retransmit_percent", FAIL_LEVEL), ("warn_retransmit_percent", WARN_LEVEL))


def _protocol_skips(limits: Dict[str, Any], protocol: str) -> List[Dict[str, Any]]:
    skipped: List[Dict[str, Any]] = []
    for name, protocol_without in _NOT_FOR.items():
        if limits[name] is not None and protocol == protocol_without:
            skipped.append({"name": name, "direction": None, "message": "%s not checked: it applies to %s tests only, "
                            "this was a %s test" % (name, "TCP" if protocol_without == "udp" else "UDP", protocol)})
    return skipped


def _ratio_checks(direction: str, limits: Dict[str, Any], numbers: Optional[Dict[str, Any]],
                  result: Dict[str, Any]) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """The retransmit ratio checks of one expected TCP direction: (checks, skipped)."""
    checks: List[Dict[str, Any]]
    skipped: List[Dict[str, Any]]
    checks, skipped = [], []
    for name, level in _RATIO_LEVELS:
        if limits[name] is None:
            continue
        if numbers is not None and numbers.get("retransmit_percent") is None:
            why = _trend.ratio_missing_reason(direction, result, numbers)
            skipped.append({"name": name, "direction": direction,
                            "message": "%s not checked for the %s: %s" % (name, direction, why)})
            continue
        checks.append(threshold_check(name, direction, "retransmit_percent", "<=", limits[name], numbers, result, level))
    return checks, skipped


def threshold_checks(result: Dict[str, Any], measurements: Dict[str, Any], limits: Dict[str, Any]) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(checks, skipped) for the thresholds that are set (the contract and drop checks are made elsewhere)."""
    checks: List[Dict[str, Any]] = []
    protocol = _protocol(result)
    expected = _expected_directions(result, measurements)
    skipped = _protocol_skips(limits, protocol)
    for direction in DIRECTIONS:
        rules: List[Tuple[str, str, str, Any]] = []
        for role in ("receiver", "sender"):
            own = "min_%s_%s_mbps" % (direction, role)
            if limits[own] is not None:
                rules.append((own, role + "_mbps", ">=", limits[own]))
            elif limits["min_%s_mbps" % role] is not None and direction in expected:
                rules.append(("min_%s_mbps" % role, role + "_mbps", ">=", limits["min_%s_mbps" % role]))
        if direction in expected:
            for name, metric in (("max_retransmits", "retransmits"), ("max_stalled_intervals", "stalled_intervals"),
                                 ("max_loss_percent", "loss_percent"), ("max_jitter_ms", "jitter_ms")):
                if limits[name] is not None and protocol != _NOT_FOR.get(name):
                    rules.append((name, metric, "<=", limits[name]))
        for name, metric, operator, limit in rules:
            checks.append(threshold_check(name, direction, metric, operator, limit, measurements[direction], result))
        if direction in expected and protocol != "udp":
            ratio_checks, ratio_skipped = _ratio_checks(direction, limits, measurements[direction], result)
            checks += ratio_checks
            skipped += ratio_skipped
    return checks, skipped


def contract_checks(result: Dict[str, Any], measurements: Dict[str, Any], limits: Dict[str, Any], rates: Dict[str, Optional[float]],
                    own: Set[str]) -> List[Dict[str, Any]]:
    """The checks of the receiver rate against a percentage of the contracted rate, per direction with a contract."""
    checks: List[Dict[str, Any]] = []
    expected = _expected_directions(result, measurements)
    for direction in DIRECTIONS:
        rate = rates.get(direction)
        if rate is None or (direction not in expected and direction not in own):
            continue
        for name, level in (("min_contract_percent", FAIL_LEVEL), ("warn_contract_percent", WARN_LEVEL)):
            if limits[name] is None:
                continue
            limit = _trend.contract_limit(rate, limits[name])
            check = threshold_check(name, direction, "receiver_mbps", ">=", _tidy(limit), measurements[direction],
                                    result, level)
            check.update(contract_mbps=rate, contract_percent=limits[name],
                         message="%s (%s%% of the contracted %s Mbit/s)" % (check["message"], format_limit(limits[name]),
                                                                            format_limit(rate)))
            checks.append(check)
    return checks


def baseline_checks(result: Dict[str, Any], measurements: Dict[str, Any], limits: Dict[str, Any], summaries: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The drop checks of every direction that has a baseline and a receiver rate today."""
    checks: List[Dict[str, Any]] = []
    for direction in _expected_directions(result, measurements):
        summary = summaries.get(direction)
        current = (measurements[direction] or {}).get("receiver_mbps")
        if not summary or summary["change_percent"] is None or current is None:
            continue
        for name, level in (("max_drop_percent", FAIL_LEVEL), ("warn_drop_percent", WARN_LEVEL)):
            if limits[name] is not None:
                checks.append(_trend.drop_check(name, level, direction, summary, current, limits[name], format_mbps))
    return checks


def baseline_summaries(result: Dict[str, Any], record: Dict[str, Any], baseline: Any, runs: int,
                       min_runs: int) -> Dict[str, Optional[Dict[str, Any]]]:
    """``{direction: summary}`` of every direction asked for or with history; see ``_trend.baseline_summary``."""
    if not isinstance(baseline, dict):
        raise _bad("baseline must be a mapping of direction (upload, download) to the gateway's history points, got %s"
                   % type(baseline).__name__)
    measurements = record["measurements"]
    wanted = _expected_directions(result, measurements) if record["test"] else []
    protocol = (record["test"] or {}).get("protocol")
    streams = (record["test"] or {}).get("streams")
    summaries: Dict[str, Optional[Dict[str, Any]]] = {}
    for direction in DIRECTIONS:
        points = baseline.get(direction)
        if direction not in wanted and not points:
            summaries[direction] = None
            continue
        current = (measurements[direction] or {}).get("receiver_mbps")
        summaries[direction] = _trend.baseline_summary(
            points, current, runs, min_runs, protocol.lower() if isinstance(protocol, str) else None,
            _number(streams))
    return summaries


# ---------------------------------------------------------------------------------------------------------------
# User checks (JMESPath)


def _truthy(value: Any) -> bool:
    """JMESPath's truth: false, null and empty strings, lists and objects are false; numbers (0 too) are true."""
    return not (value is None or value is False or (isinstance(value, (str, list, dict)) and not value))


def _same_kind(left: Any, right: Any) -> bool:
    """Both strings or both booleans (``"1" == 1`` and ``True == 1`` are not equal here)."""
    return any(isinstance(left, kind) and isinstance(right, kind) for kind in (bool, str))


def _compare(check: Dict[str, Any], value: Any) -> Tuple[bool, str, Any, str]:
    """(passed, operator, limit, message) for a value the query returned."""
    if check["equals"] is not None:
        expected = check["equals"]
        passed = value == expected if _number(expected) is not None and _number(value) is not None else \
            _same_kind(value, expected) and value == expected
        return passed, "==", expected, "%s %s %s" % (_shown(value), "==" if passed else "!=", _shown(expected))
    if check["min"] is None and check["max"] is None:
        passed = _truthy(value)
        return passed, "truthy", None, "query returned %s (%s)" % (_shown(value), "true" if passed else "false")
    number = _number(value)
    low, high = check["min"], check["max"]
    operator = ">=" if high is None else "<=" if low is None else "between"
    limit = low if high is None else high if low is None else [low, high]
    if number is None:
        return False, operator, limit, "query returned %s, not a number" % _shown(value)
    if low is not None and number < low:
        return False, operator, limit, "%s < %s" % (format_limit(number), format_limit(low))
    if high is not None and number > high:
        return False, operator, limit, "%s > %s" % (format_limit(number), format_limit(high))
    bounds = " and ".join("%s %s" % (op, format_limit(lim)) for op, lim in ((">=", low), ("<=", high)) if lim is not None)
    return True, operator, limit, "%s %s" % (format_limit(number), bounds)


def user_check(check: Dict[str, Any], result: Dict[str, Any]) -> Dict[str, Any]:
    """One evaluated user check; a query that fails at run time or finds nothing is a failed check."""
    record: Dict[str, Any] = {"name": check["name"], "level": FAIL_LEVEL, "direction": None, "metric": check["query"], "measured": None,
                              "limit": None, "operator": None, "passed": False}
    try:
        value = check["compiled"].search(result)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # jmespath raises several unrelated types at run time (type errors in functions, unhashable keys ...).
        record["message"] = one_line("%s: query %r failed on this result: %s" % (check["name"], check["query"], exc), _MAX_MESSAGE)
        return record
    if value is None:
        record["message"] = one_line("%s: query %r found nothing in the result (null)" % (check["name"], check["query"]), _MAX_MESSAGE)
        if check["equals"] is None and check["min"] is None and check["max"] is None:
            record["operator"] = "truthy"
        return record
    passed, operator, limit, detail = _compare(check, value)
    measured = value if _number(value) is not None or isinstance(value, (str, bool)) else one_line(repr(value), 200)
    record.update(measured=measured, limit=limit, operator=operator, passed=passed,
                  message=one_line("%s: %s" % (check["name"], detail), _MAX_MESSAGE))
    return record


# ---------------------------------------------------------------------------------------------------------------
# The verdict


def _plain_scalar(value: Any) -> Any:
    """A text or finite number as it is (what JSON and every report can carry); anything else None."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _test_block(result: Dict[str, Any]) -> Dict[str, Any]:
    download_measured = isinstance(result.get("download"), dict)
    include_reverse = result.get("include_reverse")
    if not isinstance(include_reverse, bool):
        include_reverse = True if download_measured else None
    keys = ("task_id", "server_address", "protocol", "duration_seconds", "streams", "start_time", "end_time",
            "iperf_version")
    test = dict((key, _plain_scalar(result.get(key))) for key in keys)
    port = _plain_scalar(result.get("server_port", result.get("port")))
    test["port"] = None if isinstance(port, float) else port
    test["include_reverse"] = include_reverse
    return test


def _error_message(reason: str, result: Dict[str, Any]) -> str:
    detail = next((result.get(key) for key in ("fail_reason", "msg")
                   if isinstance(result.get(key), str) and result.get(key).strip()), None)  # type: ignore[union-attr]
    return one_line("%s: %s" % (reason, detail or _ERROR_HINTS.get(reason, "the test could not be measured")), _MAX_MESSAGE)


def _pass_message(checks: List[Dict[str, Any]], measurements: Dict[str, Any]) -> str:
    seen: List[str] = []
    for direction in DIRECTIONS:
        numbers = measurements[direction]
        if numbers and numbers["receiver_mbps"] is not None:
            seen.append("%s receiver %s Mbit/s" % (direction, format_mbps(numbers["receiver_mbps"])))
    summary = ", ".join(seen) or "measured"
    if not checks:
        return "%s; no thresholds set" % summary
    return "%s; %d check%s passed" % (summary, len(checks), "" if len(checks) == 1 else "s")


def _judge(record: Dict[str, Any], evaluated: List[Dict[str, Any]]) -> None:
    """Verdict, reason and message from the evaluated checks: FAIL, then ERROR (a figure missing), WARN, PASS."""
    failed = [check for check in evaluated if not check["passed"] and not check.get("missing")
              and check.get("level") != WARN_LEVEL]
    missing = [check for check in evaluated if check.get("missing")]
    warned = [check for check in evaluated if not check["passed"] and not check.get("missing")
              and check.get("level") == WARN_LEVEL]
    if failed:
        record.update(verdict="FAIL", reason=THRESHOLD,
                      message=one_line("; ".join(c["message"] for c in failed + missing), _MAX_MESSAGE))
    elif missing:
        record.update(reason=NO_MEASUREMENT, error_type=NO_MEASUREMENT,
                      message=one_line("%s: %s" % (NO_MEASUREMENT, "; ".join(c["message"] for c in missing)), _MAX_MESSAGE))
    elif warned:
        record.update(verdict="WARN", reason=WARNING,
                      message=one_line("WARN: " + "; ".join(c["message"] for c in warned), _MAX_MESSAGE))
    else:
        record.update(verdict="PASS", reason=None, message=one_line(_pass_message(evaluated, record["measurements"]), _MAX_MESSAGE))


def evaluate(result: Any, thresholds: Any, checks: Any = None, serial_number: Optional[str] = None,
             variable_prefix: str = "", baseline: Any = None, contract: Any = None, baseline_runs: Any = None,
             baseline_min_runs: Any = None) -> Dict[str, Any]:
    """The verdict record for one ``gateway_iperf`` result (see docs/architecture.md, "per-gateway verdict").

    ``serial_number`` is used when the result does not carry one (a gateway whose test never ran);
    ``variable_prefix`` is put in front of threshold names in input error messages (a role passes its own).

    ``baseline`` is this gateway's history, ``{upload: [point, ...], download: [...]}`` with points as the lookup
    ``bandwidth_history`` returns them (``time``, ``run_id``, ``receiver_bits_per_second``, ``verdict``,
    ``protocol``, ``streams``); None means history is off. ``baseline_runs`` (default 5) is how many of the last
    comparable measured runs the median takes, ``baseline_min_runs`` (default 3, at most ``baseline_runs``) how many
    it needs. ``contract`` is the contracted rate: one number or ``{mbps, upload_mbps, download_mbps}``.
    With ``baseline`` the record has ``baseline`` (per direction) and ``notes``; with ``contract`` it has
    ``contract`` (per direction). Without them the record is exactly what it was before they existed.
    """
    limits = normalize_thresholds(thresholds, variable_prefix)
    user_checks = normalize_checks(checks, variable_prefix)
    rates, own = normalize_contract(contract, variable_prefix)
    runs, min_runs = normalize_baseline_options(baseline_runs, baseline_min_runs, variable_prefix)
    record: Dict[str, Any] = {"serial_number": serial_number, "verdict": "ERROR", "reason": NOT_RUN, "message": None,
                              "error_type": None, "checks": [], "skipped_checks": [], "thresholds": limits, "test": None,
                              "measurements": {"upload": None, "download": None}}
    measured = isinstance(result, dict) and bool(result)
    if not measured:
        why = "no test result for this gateway: the test did not run" if result in (None, {}, "") else \
            "the test result is a %s, not the gateway_iperf mapping" % type(result).__name__
        record["message"] = "%s: %s" % (NOT_RUN, why)
        result = {}
    else:
        if isinstance(result.get("serial_number"), str) and result["serial_number"]:
            record["serial_number"] = result["serial_number"]
        record["test"] = _test_block(result)
        record["measurements"] = dict((d, measure(result.get(d))) for d in DIRECTIONS)
    summaries = baseline_summaries(result, record, baseline, runs, min_runs) if baseline is not None else None
    if contract is not None and any(rate is not None for rate in rates.values()):
        record["contract"] = _trend.contract_block(rates, record["measurements"])
    if summaries is not None:
        record.update(baseline=summaries, notes=[])
    if not measured:
        return record
    if result.get("succeeded") is not True:
        error_type = result.get("error_type")
        reason = error_type if isinstance(error_type, str) and error_type.strip() else "api_error"
        reason = one_line(reason, 60)
        record.update(reason=reason, error_type=reason, message=_error_message(reason, result))
        return record
    evaluated, skipped = threshold_checks(result, record["measurements"], limits)
    evaluated += contract_checks(result, record["measurements"], limits, rates, own)
    evaluated += baseline_checks(result, record["measurements"], limits, summaries or {})
    evaluated += [user_check(check, result) for check in user_checks]
    record.update(checks=evaluated, skipped_checks=skipped)
    if summaries is not None:
        record["notes"] = [note for note in (_trend.history_note(d, summaries[d]) for d in DIRECTIONS if summaries[d])  # type: ignore[arg-type]
                           if note]
    _judge(record, evaluated)
    return record

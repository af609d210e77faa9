# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""One gateway's whole step of a fleet run, in the controller: check its variables, run its test, judge it.

This is what the action ``gateway_bandwidth_test`` does for each gateway host of the role ``gateway_bandwidth``:
one task per gateway instead of one per check, test, judgement and record. Variables come as they are set (survey
answers are strings; an empty string leaves an optional value unset); every problem with them becomes an ERROR
``not_run`` verdict naming the variable, and no traffic starts. A gateway whose test cannot run or cannot be measured
gets an ERROR verdict too: the step never fails the host (the role's gate does that, after the reports). In check mode
the step runs ``gateway_iperf``'s own check (credentials, gateway known and online), records nothing and fails the
host when the check fails.
"""

from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._clock import SYSTEM_CLOCK, Clock
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._text import one_line
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.central._args import (
    CONNECTION_MUTUALLY_EXCLUSIVE,
    CONNECTION_REQUIRED_TOGETHER,
    connection_argument_spec,
)
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils.iperf._gateway_iperf import (
    run_gateway_iperf,
)
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._thresholds import (
    evaluate,
    input_problems,
)

# Causes of an ERROR that may well pass on a second try at the end of the run (the pool is quieter then).
TRANSIENT_ERRORS = ("server_busy", "timeout", "rate_limited")
MUTUALLY_EXCLUSIVE = CONNECTION_MUTUALLY_EXCLUSIVE
REQUIRED_TOGETHER = CONNECTION_REQUIRED_TOGETHER

# option -> (lowest, highest or None, required); whole numbers, given as numbers or strings.
_WHOLE_NUMBERS = (
    ("duration", 10, 120, True),
    ("parallel", 1, 128, True),
    ("omit", 0, 60, False),
    ("wait_timeout", 1, None, False),
    ("busy_retries", 0, 10, False),
    ("server_wait_timeout", 1, None, False),
    ("slice_count", 1, None, False),
    ("slice_number", 0, None, False),
)


def argument_spec() -> Dict[str, Dict[str, Any]]:
    """The options of the action ``gateway_bandwidth_test`` (documented in its module file)."""
    spec = connection_argument_spec()
    # A missing base_url is reported by the client with what to set, as an ERROR verdict of this gateway.
    spec["base_url"] = dict(spec["base_url"], required=False)
    spec.update(
        serial_number=dict(type="raw"),
        server_pool=dict(type="raw"),
        protocol=dict(type="raw", default="tcp"),
        duration=dict(type="raw", default=10),
        parallel=dict(type="raw", default=1),
        include_reverse=dict(type="raw", default=True),
        omit=dict(type="raw"),
        vlan_interface=dict(type="raw"),
        wait_timeout=dict(type="raw"),
        busy_retries=dict(type="raw"),
        server_wait_timeout=dict(type="raw"),
        lease_dir=dict(type="path"),
        thresholds=dict(type="raw"),
        checks=dict(type="raw"),
        confirm=dict(type="raw", default=False),
        previous=dict(type="raw"),
        contract=dict(type="raw"),
        baseline=dict(type="raw"),
        baseline_runs=dict(type="raw"),
        baseline_min_runs=dict(type="raw"),
        slice_count=dict(type="raw"),
        slice_number=dict(type="raw"),
        gateway_index=dict(type="raw"),
        variable_prefix=dict(type="str", default=""),
    )
    return spec


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _whole_number(name: str, value: Any, low: int, high: Optional[int], required: bool, problems: List[str],
                  prefix: str) -> Optional[int]:
    text = _text(value)
    limits = ("from %d to %d" % (low, high)) if high is not None else (">= %d" % low)
    if not text:
        if required:
            problems.append("%s%s is empty: set a whole number %s" % (prefix, name, limits))
        return None
    if not text.isdigit() or int(text) < low or (high is not None and int(text) > high):
        problems.append("%s%s must be a whole number %s%s, got %s"
                        % (prefix, name, limits, "" if required else " or empty", one_line(text, 80)))
        return None
    return int(text)


def _flag(name: str, value: Any, problems: List[str], prefix: str) -> Optional[bool]:
    """True or False, or None (and a problem) for anything else."""
    try:
        return boolean(value, strict=True)
    except TypeError:
        problems.append("%s%s must be true or false, got %s" % (prefix, name, one_line(value, 80)))
        return None


def _pool(value: Any) -> List[str]:
    if isinstance(value, str):
        value = value.split(",")
    return [_text(item) for item in (value or []) if _text(item)]


def _slice_of_pool(pool: List[str], args: Mapping[str, Any], numbers: Dict[str, Optional[int]], problems: List[str],
                   prefix: str) -> List[str]:
    """The endpoints this gateway may use: with ``slice_count`` n, every n-th endpoint from its slice's number."""
    count = numbers.get("slice_count") or 1
    if count <= 1:
        return pool
    number = numbers.get("slice_number")
    if number is None:
        index = _text(args.get("gateway_index"))
        if not index.isdigit():
            problems.append("%sslice_count is %d but this gateway has no slice number: set %sslice_number, or use the "
                            "gateways inventory plugin, which gives every gateway its central_index" % (prefix, count, prefix))
            return pool
        number = int(index) % count
    share = pool[number % count::count]
    if len(pool) < count:
        problems.append("%sserver_pool has %d endpoint(s) for %d slices: give every slice at least one endpoint"
                        % (prefix, len(pool), count))
    return share


def check_inputs(args: Mapping[str, Any], check_mode: bool) -> Tuple[Dict[str, Any], List[str]]:
    """``(iperf_params, problems)``: the options for ``gateway_iperf`` and every problem with the variables."""
    prefix = args.get("variable_prefix") or ""
    problems: List[str] = []
    serial = _text(args.get("serial_number"))
    if serial in ("", "None"):
        problems.append("%sserial_number is empty: set serial_number for this host in the inventory" % prefix)
    pool = _pool(args.get("server_pool"))
    if not pool:
        problems.append('%sserver_pool is empty: list the iperf3 server endpoints ("host" or "host:port"), for '
                        'example "10.0.0.5:5201,10.0.0.6:5201"' % prefix)
    protocol = _text(args.get("protocol")).lower() or "tcp"
    if protocol not in ("tcp", "udp"):
        problems.append("%sprotocol must be tcp or udp, got %s" % (prefix, one_line(args.get("protocol"), 80)))
    numbers = {name: _whole_number(name, args.get(name), low, high, required, problems, prefix)
               for name, low, high, required in _WHOLE_NUMBERS}
    include_reverse = bool(_flag("include_reverse", args.get("include_reverse"), problems, prefix))
    problems.extend(input_problems(args.get("thresholds") or {}, args.get("checks"), variable_prefix=prefix,
                                   **_history_options(args)))
    if not check_mode and _flag("confirm", args.get("confirm"), problems, prefix) is False:
        problems.append("%sconfirm is not true: the test sends iperf traffic through gateway %s; set %sconfirm=true to "
                        "run it, or use --check to validate only" % (prefix, serial, prefix))
    pool = _slice_of_pool(pool, args, numbers, problems, prefix)
    params = {key: args.get(key) for key in connection_argument_spec()}
    params.update(
        serial_number=serial, server_address=None, port=None, server_pool=pool, protocol=protocol,
        duration=numbers["duration"], parallel=numbers["parallel"], omit=numbers["omit"] or 0,
        include_reverse=include_reverse, vlan_interface=_text(args.get("vlan_interface")) or None,
        include_raw_output=True, wait=True, wait_timeout=numbers["wait_timeout"], busy_retries=(
            3 if numbers["busy_retries"] is None else numbers["busy_retries"]),
        server_wait_timeout=600.0 if numbers["server_wait_timeout"] is None else float(numbers["server_wait_timeout"]),
        lease_dir=args.get("lease_dir"))
    return params, problems


def _history_options(args: Mapping[str, Any]) -> Dict[str, Any]:
    """The contract and baseline options of ``evaluate`` and ``input_problems`` that are set."""
    return {key: args.get(key) for key in ("contract", "baseline_runs", "baseline_min_runs")
            if args.get(key) not in (None, "")}


def _result_of(response: Dict[str, Any], failure: Optional[Tuple[str, Optional[str]]], serial: str) -> Dict[str, Any]:
    """The result to judge: the test's facts, or a stand-in saying why there are none."""
    facts = (response.get("ansible_facts") or {}).get("gateway_iperf")
    msg = failure[0] if failure else response.get("msg", "")
    if isinstance(facts, dict):
        return dict(facts, msg=msg)
    return {"serial_number": serial, "succeeded": False, "error_type": (failure or (None, None))[1] or "api_error",
            "msg": msg or "the test returned no result"}


def is_transient(verdict: Any, api_error: Any = None) -> bool:
    """True for an ERROR whose cause may pass on a second try: a busy server, a timeout, a rate limit, a 5xx."""
    if not isinstance(verdict, dict) or verdict.get("verdict") != "ERROR":
        return False
    status = (api_error or {}).get("status") if isinstance(api_error, dict) else None
    return verdict.get("reason") in TRANSIENT_ERRORS or (verdict.get("reason") == "api_error" and (status or 0) >= 500)


def _with_attempts(verdict: Dict[str, Any], previous: Any) -> Dict[str, Any]:
    """The final verdict with the earlier attempts of this run (oldest first) under ``attempts``."""
    if not isinstance(previous, dict) or not previous.get("verdict"):
        return verdict
    earlier = [item for item in previous.get("attempts") or [] if isinstance(item, dict)]
    earlier.append({key: value for key, value in previous.items() if key != "attempts"})
    return dict(verdict, attempts=earlier)


def _not_run(args: Mapping[str, Any], problems: List[str]) -> Dict[str, Any]:
    verdict = evaluate(None, {}, serial_number=_text(args.get("serial_number")) or None)
    verdict["message"] = one_line("not_run: " + "; ".join(problems), 1000)
    return verdict


def invalid_options(raw_args: Any, message: str, check_mode: bool) -> Dict[str, Any]:
    """What the action returns when its options do not even have the right shape."""
    if check_mode:
        return {"failed": True, "changed": False, "msg": one_line(message, 1000)}
    verdict = _not_run(raw_args if isinstance(raw_args, dict) else {}, [message])
    return _answer(verdict, None, {}, [], 0.0, {"serial_number": verdict.get("serial_number"), "server_pool": []})


def run_step(args: Mapping[str, Any], check_mode: bool = False, clock: Clock = SYSTEM_CLOCK,
             run: Callable[..., Tuple[Dict[str, Any], Optional[Tuple[str, Optional[str]]], List[str]]] = run_gateway_iperf) -> Dict[str, Any]:
    """What the action returns for one gateway (see the module docstring)."""
    began = clock.monotonic()
    params, problems = check_inputs(args, check_mode)
    serial = params["serial_number"]
    if problems:
        if check_mode:
            return {"failed": True, "changed": False, "msg": one_line("; ".join(problems), 1000)}
        verdict = _not_run(args, problems)
        return _answer(verdict, None, {}, [], clock.monotonic() - began, params)
    response, failure, warnings = run(params, check_mode=check_mode, clock=clock)
    if check_mode:
        msg = failure[0] if failure else "check mode, nothing started: %s" % response.get("msg", "")
        return {"failed": bool(failure), "changed": False, "msg": msg, "warnings": warnings,
                "error_type": failure[1] if failure else None, "bandwidth_step": {"check_mode": True}}
    if failure and failure[1] is None:
        # gateway_iperf refused an option (a serial number, an endpoint, a VLAN it cannot use): no test ran.
        return _answer(_with_attempts(_not_run(args, [failure[0]]), args.get("previous")), None, response, warnings,
                       clock.monotonic() - began, params)
    result = _result_of(response, failure, serial)
    verdict = evaluate(result, args.get("thresholds") or {}, args.get("checks"), serial_number=serial,
                       variable_prefix=args.get("variable_prefix") or "", baseline=args.get("baseline"),
                       **_history_options(args))
    verdict["transient"] = is_transient(verdict, response.get("api_error"))
    verdict = _with_attempts(verdict, args.get("previous"))
    return _answer(verdict, (response.get("ansible_facts") or {}).get("gateway_iperf"), response, warnings,
                   clock.monotonic() - began, params)


def _answer(verdict: Dict[str, Any], facts: Optional[Dict[str, Any]], response: Dict[str, Any], warnings: List[str], seconds: float,
            params: Mapping[str, Any]) -> Dict[str, Any]:
    facts_out: Dict[str, Any] = {"gateway_bandwidth_verdict": verdict}
    if facts is not None:
        facts_out["gateway_iperf"] = facts
    attempts = verdict.get("attempts") or []
    earlier = ", ".join("%s %s" % (item.get("verdict"), item.get("reason") or "") for item in attempts)
    return {
        "changed": bool(response.get("changed")),
        "msg": one_line("%s %s: %s%s" % (verdict["verdict"], verdict.get("serial_number") or params["serial_number"],
                                         verdict.get("message") or "", " (after %s)" % earlier if earlier else ""), 1000),
        "ansible_facts": facts_out,
        "warnings": warnings,
        "attempts": response.get("attempts", []),
        "bandwidth_step": {"seconds": round(seconds, 3), "server_wait": response.get("server_wait", 0.0),
                           "pool_size": len(params["server_pool"]), "server": response.get("server")},
    }

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Seeded fault injection: what a flaky API, proxy or network does to a client (schema in simulator/README.md)."""

import dataclasses
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

import yaml

from central_sim import faultcheck as check
from central_sim.faultcheck import FaultConfigError
from central_sim.task_faults import MALFORMED_KINDS, NO_TASK_FAULTS, TaskFaults, parse_task_faults

ROUTES = ("token", "start", "result", "gateways", "list_tasks")
_ROUTE_FAULTS = ("rate_429", "status_5xx", "drop_connection", "slow", "malformed_json", "html_error", "hang",
                 "drop_answer", "conflict_409")
_TOP_LEVEL = set(ROUTES) | {"seed", "serials", "revoke_tokens_after", "stuck_running", "vanish_tasks", "burst", "task"}
ANSWER_KINDS = MALFORMED_KINDS + ("drop",)
DEFAULT_CONFLICT = "Another troubleshooting operation is in progress for device {serial}"


@dataclass(frozen=True)
class RouteFaults:
    rate_429: Optional[dict] = None         # {probability, retry_after: seconds | None, reset: bool, reset_after}
    status_5xx: Optional[dict] = None       # {probability, codes: [500, 502, 503]}
    drop_connection: float = 0.0
    slow: Optional[dict] = None             # {probability, seconds}
    malformed_json: float = 0.0
    html_error: float = 0.0
    hang: float = 0.0                       # hold the request, never answer
    drop_answer: float = 0.0                # run the handler, then close without the answer
    conflict_409: Optional[dict] = None     # start only: {probability, message, when_running}


@dataclass
class Burst:
    route: str
    remaining: int
    status: Optional[int]
    answer: Optional[str] = None            # after the handler: one of ANSWER_KINDS
    serial: Optional[str] = None


@dataclass
class FaultConfig:
    routes: dict = field(default_factory=dict)
    serials: dict = field(default_factory=dict)
    revoke_tokens_after: Optional[int] = None
    stuck_running: frozenset = frozenset()
    vanish_tasks: frozenset = frozenset()
    bursts: list = field(default_factory=list)
    seed: Optional[int] = None
    task: Optional[TaskFaults] = None


_probability = check.probability
_mapping = check.mapping
_status = check.status


def _rate_429(data, where):
    item = _mapping(data, where, ("probability", "retry_after", "reset", "reset_after"))
    reset = check.boolean(item.get("reset", True), where + ".reset")
    reset_after = check.seconds(item.get("reset_after"), where + ".reset_after", allow_none=True)
    if reset_after is not None and not reset:
        raise FaultConfigError("faults: %s.reset_after needs reset: true (it is the distance of X-RateLimit-Reset)"
                               % where)
    return {"probability": _probability(item.get("probability", 1.0), where + ".probability"),
            "retry_after": check.seconds(item.get("retry_after"), where + ".retry_after", allow_none=True),
            "reset": reset, "reset_after": reset_after}


def _conflict_409(data, where):
    if not where.endswith("start"):
        raise FaultConfigError("faults: %s.conflict_409 applies to the start route only" % where)
    item = _mapping(data, where + ".conflict_409", ("probability", "message", "when_running"))
    return {"probability": _probability(item.get("probability", 1.0), where + ".conflict_409.probability"),
            "message": check.text(item.get("message", DEFAULT_CONFLICT), where + ".conflict_409.message"),
            "when_running": check.boolean(item.get("when_running", False), where + ".conflict_409.when_running")}


def _route_faults(data, where):
    data = _mapping(data, where, _ROUTE_FAULTS)
    parsed = {}
    if data.get("rate_429") is not None:
        parsed["rate_429"] = _rate_429(data["rate_429"], where + ".rate_429")
    if data.get("conflict_409") is not None:
        parsed["conflict_409"] = _conflict_409(data["conflict_409"], where)
    if data.get("status_5xx") is not None:
        item = _mapping(data["status_5xx"], where + ".status_5xx", ("probability", "codes"))
        codes = item.get("codes", [500, 502, 503])
        if not isinstance(codes, list) or not codes:
            raise FaultConfigError("faults: %s.status_5xx.codes must be a non-empty list" % where)
        parsed["status_5xx"] = {
            "probability": _probability(item.get("probability", 1.0), where + ".status_5xx.probability"),
            "codes": [_status(code, where + ".status_5xx.codes", 500, 599) for code in codes]}
    if data.get("slow") is not None:
        item = _mapping(data["slow"], where + ".slow", ("probability", "seconds"))
        seconds = item.get("seconds", 5)
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise FaultConfigError("faults: %s.slow.seconds must be a number >= 0" % where)
        parsed["slow"] = {"probability": _probability(item.get("probability", 1.0), where + ".slow.probability"),
                          "seconds": float(seconds)}
    for name in ("drop_connection", "malformed_json", "html_error", "hang", "drop_answer"):
        if data.get(name) is not None:
            parsed[name] = _probability(data[name], "%s.%s" % (where, name))
    return RouteFaults(**parsed)


def _serial_list(value, name):
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FaultConfigError("faults: %s must be a list of serial numbers" % name)
    return frozenset(value)


def _burst(item, where):
    item = _mapping(item, where, ("route", "count", "status", "answer", "serial"))
    if item.get("route") not in ROUTES:
        raise FaultConfigError("faults: %s.route must be one of %s" % (where, ", ".join(ROUTES)))
    count = item.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise FaultConfigError("faults: %s.count must be an integer >= 1" % where)
    serial = item.get("serial")
    if serial is not None:
        check.text(serial, where + ".serial")
    if item.get("answer") is None:
        return Burst(item["route"], count, _status(item.get("status", 503), where + ".status", 400, 599), None, serial)
    if "status" in item:
        raise FaultConfigError("faults: %s takes either status (instead of the answer) or answer (after the handler), "
                               "not both" % where)
    return Burst(item["route"], count, None, check.choice(item["answer"], where + ".answer", ANSWER_KINDS), serial)


def _bursts(value):
    items = value if isinstance(value, list) else [value]
    return [_burst(item, "burst[%d]" % index if isinstance(value, list) else "burst")
            for index, item in enumerate(items)]


def _serial_faults(serial, data):
    data = _mapping(data, "serials.%s" % serial, ROUTES + ("task",))
    where = "serials.%s." % serial
    parsed = {route: _route_faults(item, where + route) for route, item in data.items()
              if item is not None and route != "task"}
    if data.get("task") is not None:
        parsed["task"] = parse_task_faults(data["task"], where + "task")
    return parsed


def parse_faults(data):
    """Validate a parsed YAML/JSON document into a FaultConfig (an empty document means no faults)."""
    if data is None:
        return FaultConfig()
    data = _mapping(data, "the fault configuration", sorted(_TOP_LEVEL))
    config = FaultConfig()
    for route in ROUTES:
        if data.get(route) is not None:
            config.routes[route] = _route_faults(data[route], route)
    serials = data.get("serials") or {}
    if not isinstance(serials, dict):
        raise FaultConfigError("faults: serials must be a mapping of serial number to per-route faults")
    for serial, routes in serials.items():
        config.serials[str(serial)] = _serial_faults(serial, routes)
    if data.get("task") is not None:
        config.task = parse_task_faults(data["task"], "task")
    revoke = data.get("revoke_tokens_after")
    if revoke is not None and (isinstance(revoke, bool) or not isinstance(revoke, int) or revoke < 0):
        raise FaultConfigError("faults: revoke_tokens_after must be an integer >= 0 (requests per token)")
    config.revoke_tokens_after = revoke
    config.stuck_running = _serial_list(data.get("stuck_running"), "stuck_running")
    config.vanish_tasks = _serial_list(data.get("vanish_tasks"), "vanish_tasks")
    if data.get("burst") is not None:
        config.bursts = _bursts(data["burst"])
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise FaultConfigError("faults: seed must be an integer")
    config.seed = seed
    return config


def load_faults(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return parse_faults(yaml.safe_load(handle))
    except OSError as exc:
        raise FaultConfigError("cannot read faults file %s: %s" % (path, exc.strerror)) from exc
    except yaml.YAMLError as exc:
        raise FaultConfigError("faults file %s is not valid YAML: %s" % (path, str(exc).splitlines()[0])) from exc


@dataclass
class Decision:
    """What to do to one request before it reaches its handler (and, with ``answer``, to its answer after it)."""
    slow_seconds: float = 0.0
    action: Optional[str] = None     # None, "hang", "drop", "html", "status", "rate_429"
    status: Optional[int] = None
    retry_after: Optional[float] = None
    reset: bool = True
    reset_after: Optional[float] = None
    answer: Optional[str] = None     # a burst's answer fault, one of ANSWER_KINDS


class FaultInjector:
    def __init__(self, config, seed):
        self.base_seed = seed
        self.replace(config)

    def replace(self, config):
        self.config = config
        self.rng = random.Random("central_sim.faults:%s" % (config.seed if config.seed is not None else self.base_seed))
        self._busy_tests = Counter()

    def _for(self, route, serial):
        per_serial = self.config.serials.get(serial or "", {})
        return per_serial.get(route) or self.config.routes.get(route)

    def _hit(self, probability):
        return probability > 0 and self.rng.random() < probability

    def _burst(self, route, serial):
        for burst in self.config.bursts:
            if burst.route == route and burst.remaining > 0 and burst.serial in (None, serial):
                burst.remaining -= 1
                return burst
        return None

    def before(self, route, serial=None):
        decision = Decision()
        burst = self._burst(route, serial)
        if burst is not None:
            if burst.answer is not None:
                decision.answer = burst.answer
            else:
                decision.action, decision.status = "status", burst.status
            return decision
        faults = self._for(route, serial)
        if faults is None:
            return decision
        if faults.slow and self._hit(faults.slow["probability"]):
            decision.slow_seconds = faults.slow["seconds"]
        if self._hit(faults.hang):
            decision.action = "hang"
        elif self._hit(faults.drop_connection):
            decision.action = "drop"
        elif self._hit(faults.html_error):
            decision.action, decision.status = "html", 502
        elif faults.status_5xx and self._hit(faults.status_5xx["probability"]):
            decision.action, decision.status = "status", self.rng.choice(faults.status_5xx["codes"])
        elif faults.rate_429 and self._hit(faults.rate_429["probability"]):
            decision.action, decision.status = "rate_429", 429
            decision.retry_after, decision.reset = faults.rate_429["retry_after"], faults.rate_429["reset"]
            decision.reset_after = faults.rate_429["reset_after"]
        return decision

    def after(self, route, serial, decision):
        """What happens to the handler's answer: None, "drop", "malformed_json" (cut) or a burst's answer kind."""
        if decision.answer is not None:
            return decision.answer
        faults = self._for(route, serial)
        if faults is None:
            return None
        if self._hit(faults.drop_answer):
            return "drop"
        return "malformed_json" if self._hit(faults.malformed_json) else None

    def conflict(self, serial, running):
        """The message of a 409 for starting a test on ``serial`` (``running``: a test of it is under way), or None."""
        faults = self._for("start", serial)
        item = faults.conflict_409 if faults is not None else None
        if item is None or (item["when_running"] and not running) or not self._hit(item["probability"]):
            return None
        return item["message"].replace("{serial}", serial)

    def task_faults(self, serial):
        """The task faults a test started now on ``serial`` keeps; counts tests for ``busy.first``."""
        faults = self.config.serials.get(serial, {}).get("task") or self.config.task or NO_TASK_FAULTS
        if faults.busy is not None:
            seen = self._busy_tests[serial]
            self._busy_tests[serial] += 1
            if faults.busy["first"] is not None and seen >= faults.busy["first"]:
                faults = dataclasses.replace(faults, busy=None)
        return faults

"""Seeded fault injection: what a flaky API, proxy or network does to a client (schema in simulator/README.md)."""

import random
from dataclasses import dataclass, field
from typing import Optional

import yaml

ROUTES = ("token", "start", "result", "gateways", "list_tasks")
_ROUTE_FAULTS = ("rate_429", "status_5xx", "drop_connection", "slow", "malformed_json", "html_error")
_TOP_LEVEL = set(ROUTES) | {"seed", "serials", "revoke_tokens_after", "stuck_running", "vanish_tasks", "burst"}


class FaultConfigError(ValueError):
    """A fault configuration that cannot be used; the message names the offending key."""


@dataclass(frozen=True)
class RouteFaults:
    rate_429: Optional[dict] = None         # {probability, retry_after: seconds | None, reset: bool}
    status_5xx: Optional[dict] = None       # {probability, codes: [500, 502, 503]}
    drop_connection: float = 0.0
    slow: Optional[dict] = None             # {probability, seconds}
    malformed_json: float = 0.0
    html_error: float = 0.0


@dataclass
class Burst:
    route: str
    remaining: int
    status: int


@dataclass
class FaultConfig:
    routes: dict = field(default_factory=dict)
    serials: dict = field(default_factory=dict)
    revoke_tokens_after: Optional[int] = None
    stuck_running: frozenset = frozenset()
    vanish_tasks: frozenset = frozenset()
    bursts: list = field(default_factory=list)
    seed: Optional[int] = None


def _probability(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise FaultConfigError("faults: %s must be a probability between 0 and 1, got %r" % (where, value))
    return float(value)


def _mapping(value, where, allowed):
    if not isinstance(value, dict):
        raise FaultConfigError("faults: %s must be a mapping" % where)
    unknown = set(value) - set(allowed)
    if unknown:
        raise FaultConfigError("faults: unknown key(s) %s in %s; allowed: %s"
                               % (", ".join(sorted(map(str, unknown))), where, ", ".join(allowed)))
    return value


def _status(value, where, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FaultConfigError("faults: %s must be an HTTP status between %d and %d, got %r"
                               % (where, low, high, value))
    return value


def _route_faults(data, where):
    data = _mapping(data, where, _ROUTE_FAULTS)
    parsed = {}
    if data.get("rate_429") is not None:
        item = _mapping(data["rate_429"], where + ".rate_429", ("probability", "retry_after", "reset"))
        retry_after = item.get("retry_after")
        if retry_after is not None and (isinstance(retry_after, bool) or not isinstance(retry_after, (int, float))
                                        or retry_after < 0):
            raise FaultConfigError("faults: %s.rate_429.retry_after must be seconds >= 0 or null" % where)
        parsed["rate_429"] = {
            "probability": _probability(item.get("probability", 1.0), where + ".rate_429.probability"),
            "retry_after": retry_after, "reset": bool(item.get("reset", True))}
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
    for name in ("drop_connection", "malformed_json", "html_error"):
        if data.get(name) is not None:
            parsed[name] = _probability(data[name], "%s.%s" % (where, name))
    return RouteFaults(**parsed)


def _serial_list(value, name):
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FaultConfigError("faults: %s must be a list of serial numbers" % name)
    return frozenset(value)


def _bursts(value):
    items = value if isinstance(value, list) else [value]
    bursts = []
    for index, item in enumerate(items):
        where = "burst[%d]" % index if isinstance(value, list) else "burst"
        item = _mapping(item, where, ("route", "count", "status"))
        if item.get("route") not in ROUTES:
            raise FaultConfigError("faults: %s.route must be one of %s" % (where, ", ".join(ROUTES)))
        count = item.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise FaultConfigError("faults: %s.count must be an integer >= 1" % where)
        bursts.append(Burst(item["route"], count, _status(item.get("status", 503), where + ".status", 400, 599)))
    return bursts


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
        routes = _mapping(routes, "serials.%s" % serial, ROUTES)
        config.serials[str(serial)] = {route: _route_faults(item, "serials.%s.%s" % (serial, route))
                                       for route, item in routes.items() if item is not None}
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
    """What to do to one request before it reaches its handler."""
    slow_seconds: float = 0.0
    action: Optional[str] = None     # None, "drop", "html", "status", "rate_429"
    status: Optional[int] = None
    retry_after: Optional[float] = None
    reset: bool = True


class FaultInjector:
    def __init__(self, config, seed):
        self.base_seed = seed
        self.replace(config)

    def replace(self, config):
        self.config = config
        self.rng = random.Random("central_sim.faults:%s" % (config.seed if config.seed is not None else self.base_seed))

    def _for(self, route, serial):
        per_serial = self.config.serials.get(serial or "", {})
        return per_serial.get(route) or self.config.routes.get(route)

    def _hit(self, probability):
        return probability > 0 and self.rng.random() < probability

    def before(self, route, serial=None):
        decision = Decision()
        for burst in self.config.bursts:
            if burst.route == route and burst.remaining > 0:
                burst.remaining -= 1
                decision.action, decision.status = "status", burst.status
                return decision
        faults = self._for(route, serial)
        if faults is None:
            return decision
        if faults.slow and self._hit(faults.slow["probability"]):
            decision.slow_seconds = faults.slow["seconds"]
        if self._hit(faults.drop_connection):
            decision.action = "drop"
        elif self._hit(faults.html_error):
            decision.action, decision.status = "html", 502
        elif faults.status_5xx and self._hit(faults.status_5xx["probability"]):
            decision.action, decision.status = "status", self.rng.choice(faults.status_5xx["codes"])
        elif faults.rate_429 and self._hit(faults.rate_429["probability"]):
            decision.action, decision.status = "rate_429", 429
            decision.retry_after, decision.reset = faults.rate_429["retry_after"], faults.rate_429["reset"]
        return decision

    def malformed(self, route, serial=None):
        faults = self._for(route, serial)
        return faults is not None and self._hit(faults.malformed_json)

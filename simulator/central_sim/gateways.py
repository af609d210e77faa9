# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulated gateways: loaded from a YAML file or generated deterministically from a seed."""

import dataclasses
import hashlib
import random
from dataclasses import dataclass, field
from typing import Optional

import yaml

DEFAULT_SETUP_DELAY_S = 48.0


class GatewayFileError(ValueError):
    """A gateways file that cannot be used; the message names the entry and the field."""


@dataclass(frozen=True)
class Stall:
    every_s: float
    for_s: float

    def stalled_fraction(self, start, end):
        """Share of the test-time window [start, end) spent in a stall (stalls begin at every_s, 2*every_s, ...)."""
        if end <= start:
            return 0.0
        covered, k = 0.0, 1
        while k * self.every_s < end:
            lo, hi = k * self.every_s, k * self.every_s + self.for_s
            covered += max(0.0, min(end, hi) - max(start, lo))
            k += 1
        return min(1.0, covered / (end - start))


@dataclass(frozen=True)
class Link:
    down_mbps: float = 100.0
    up_mbps: float = 100.0
    loss_percent: float = 0.0
    stall: Optional[Stall] = None
    setup_delay_s: float = DEFAULT_SETUP_DELAY_S

    def rate_mbps(self, reverse):
        """The gateway uploads in a normal test and downloads in a reverse one."""
        return self.down_mbps if reverse else self.up_mbps


@dataclass(frozen=True)
class Gateway:
    serial: str
    name: str
    site: str
    model: str
    status: str
    link: Link = field(default_factory=Link)

    @property
    def online(self):
        return self.status == "Online"

    def _digest(self):
        return hashlib.sha256(self.serial.encode()).digest()

    @property
    def mac_address(self):
        return "20:4c:03:" + ":".join("%02x" % b for b in self._digest()[:3])

    @property
    def ip_address(self):
        d = self._digest()
        return "10.%d.%d.%d" % (d[3] % 250 + 1, d[4] % 250 + 1, d[5] % 250 + 2)

    @property
    def site_id(self):
        return str(int(hashlib.sha256(self.site.encode()).hexdigest()[:7], 16))

    @property
    def hostname(self):
        """What the gateway's ``uname -a`` and iperf cookie show, e.g. ``Aruba9004_E3_E9_30``."""
        return "Aruba%s_%s" % (self.model, self.mac_address[-8:].replace(":", "_").upper())


def _number(entry, where, key, default, low, high=None):
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GatewayFileError("%s: %s must be a number, got %r" % (where, key, value))
    if value < low or (high is not None and value > high):
        bound = "at least %s" % low if high is None else "between %s and %s" % (low, high)
        raise GatewayFileError("%s: %s must be %s, got %r" % (where, key, bound, value))
    return float(value)


def _link(entry, where):
    if entry is None:
        return Link()
    if not isinstance(entry, dict):
        raise GatewayFileError("%s: link must be a mapping" % where)
    unknown = set(entry) - {"down_mbps", "up_mbps", "loss_percent", "stall", "setup_delay_s"}
    if unknown:
        raise GatewayFileError("%s: unknown link field(s) %s" % (where, ", ".join(sorted(unknown))))
    stall = entry.get("stall")
    if stall is not None:
        if not isinstance(stall, dict) or set(stall) != {"every_s", "for_s"}:
            raise GatewayFileError("%s: link.stall must be null or {every_s, for_s}" % where)
        every = _number(stall, where, "every_s", None, 0.5)
        stall = Stall(every_s=every, for_s=_number(stall, where, "for_s", None, 0.1, every))
    return Link(
        down_mbps=_number(entry, where, "down_mbps", 100.0, 0.01),
        up_mbps=_number(entry, where, "up_mbps", 100.0, 0.01),
        loss_percent=_number(entry, where, "loss_percent", 0.0, 0.0, 100.0),
        stall=stall,
        setup_delay_s=_number(entry, where, "setup_delay_s", DEFAULT_SETUP_DELAY_S, 0.0),
    )


def link_fields(link):
    """A link as the gateways file writes it."""
    stall = None if link.stall is None else {"every_s": link.stall.every_s, "for_s": link.stall.for_s}
    return {"down_mbps": link.down_mbps, "up_mbps": link.up_mbps, "loss_percent": link.loss_percent, "stall": stall,
            "setup_delay_s": link.setup_delay_s}


def update_link(gateway, changes):
    """``gateway`` with the link fields in ``changes`` replaced (the others kept); GatewayFileError when one is bad."""
    if not isinstance(changes, dict) or not changes:
        raise GatewayFileError('gateway %s: the link change is empty or not a mapping - send link fields such as '
                               '{"up_mbps": 50}' % gateway.serial)
    merged = dict(link_fields(gateway.link), **changes)
    return dataclasses.replace(gateway, link=_link(merged, "gateway %s" % gateway.serial))


def parse_gateways(data, source="gateways file"):
    """Validate a parsed YAML document (a list, or a mapping with a ``gateways`` list) into Gateway objects."""
    if isinstance(data, dict) and "gateways" in data:
        data = data["gateways"]
    if not isinstance(data, list) or not data:
        raise GatewayFileError("%s: expected a non-empty list of gateways" % source)
    gateways, seen = [], set()
    for index, entry in enumerate(data):
        where = "%s entry %d" % (source, index + 1)
        if not isinstance(entry, dict):
            raise GatewayFileError("%s: expected a mapping" % where)
        unknown = set(entry) - {"serial", "name", "site", "model", "status", "link"}
        if unknown:
            raise GatewayFileError("%s: unknown field(s) %s" % (where, ", ".join(sorted(unknown))))
        serial = entry.get("serial")
        if not isinstance(serial, str) or not serial.isalnum():
            raise GatewayFileError("%s: serial must be a non-empty alphanumeric string" % where)
        where = "%s (%s)" % (where, serial)
        if serial in seen:
            raise GatewayFileError("%s: duplicate serial" % where)
        seen.add(serial)
        status = entry.get("status", "Online")
        if status not in ("Online", "Offline"):
            raise GatewayFileError("%s: status must be Online or Offline, got %r" % (where, status))
        defaults = (("name", serial), ("site", "Default"), ("model", "9004"))
        texts = {key: entry.get(key, default) for key, default in defaults}
        for key, value in texts.items():
            if not isinstance(value, str) or not value:
                raise GatewayFileError("%s: %s must be a non-empty string" % (where, key))
        gateways.append(Gateway(serial=serial, status=status, link=_link(entry.get("link"), where), **texts))
    return gateways


def load_gateways(path):
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        raise GatewayFileError("cannot read gateways file %s: %s" % (path, exc.strerror)) from exc
    except yaml.YAMLError as exc:
        raise GatewayFileError("gateways file %s is not valid YAML: %s" % (path, str(exc).splitlines()[0])) from exc
    return parse_gateways(data, source=str(path))


_SITES = ("HQ-Berlin", "Branch-Lyon", "Branch-Austin", "Branch-Osaka", "Branch-Porto", "Branch-Denver",
          "Branch-Krakow", "Branch-Leeds", "Branch-Perth", "Branch-Quito")
_MODELS = ("9004", "9004-LTE", "9012", "7008")
_SERIAL_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_gateways(count, seed, taken=()):
    """``count`` gateways spread over sites, ~5 % offline, a few poor or stalling links; same seed, same fleet.

    Serials in ``taken`` (gateways from a file) are never generated.
    """
    if count < 1:
        raise GatewayFileError("--generate needs at least 1 gateway")
    rng = random.Random("central_sim.gateways:%s" % seed)
    sites = _SITES[: max(1, min(len(_SITES), (count + 24) // 25))]
    offline = set(rng.sample(range(count), int(count * 0.05 + 0.5)))
    gateways, serials = [], set(taken)
    for index in range(count):
        serial = "CN" + "".join(rng.choice(_SERIAL_CHARS) for _index in range(8))
        while serial in serials:
            serial = "CN" + "".join(rng.choice(_SERIAL_CHARS) for _index in range(8))
        serials.add(serial)
        site = sites[index % len(sites)]
        roll = rng.random()
        if roll < 0.05:
            link = Link(down_mbps=rng.choice((4.0, 8.0, 12.0)), up_mbps=rng.choice((2.0, 4.0, 8.0)),
                        loss_percent=round(rng.uniform(0.5, 3.0), 1))
        elif roll < 0.08:
            every = rng.choice((3.0, 4.0, 5.0))
            link = Link(down_mbps=50.0, up_mbps=25.0, stall=Stall(every_s=every, for_s=every - 1.0))
        else:
            down = float(rng.choice((100, 200, 300, 500)))
            link = Link(down_mbps=down, up_mbps=down / rng.choice((1, 2, 5)), loss_percent=0.0)
        link = Link(down_mbps=link.down_mbps, up_mbps=link.up_mbps, loss_percent=link.loss_percent, stall=link.stall,
                    setup_delay_s=float(rng.randint(40, 56)))
        gateways.append(Gateway(
            serial=serial, name="gw-%s-%03d" % (site.split("-")[-1][:3].lower(), index // len(sites) + 1),
            site=site, model=rng.choice(_MODELS), status="Offline" if index in offline else "Online", link=link))
    return gateways

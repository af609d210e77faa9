# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Realistic ``gateway_bandwidth_verdict`` records and fleets for the report tests (deterministic, no clock)."""

import random

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_QUOTES = "o'brien \"hq\" & co, zürich-gw"
HOSTILE_UNICODE = "東京-branch, Ost & West | \"main\""
RUN = {"generated_at": "2025-05-20T14:05:00Z", "awx_job_id": 4711, "awx_workflow_job_id": 4700,
       "awx_job_template_name": "Validate gateway bandwidth", "playbook": "validate_gateway_bandwidth.yml", "run_id": "4711"}
THRESHOLDS = {"min_receiver_mbps": 50, "min_sender_mbps": None, "max_retransmits": None, "max_stalled_intervals": 2,
              "max_loss_percent": None, "max_jitter_ms": None}
SEED_INTERVALS = [53.9, 0.0, 0.0, 0.0, 21.0, 0.0, 0.0, 0.0, 0.0, 21.0]


def intervals(values):
    """Per-second intervals ``[{start, end, mbps}]`` from a list of Mbit/s values."""
    return [{"start": float(index), "end": float(index + 1), "mbps": value} for index, value in enumerate(values)]


def steady(host, mean, seconds=10, spread=0.06):
    """Plausible per-second rates around ``mean`` (seeded by ``host``, so always the same)."""
    rng = random.Random(host)
    return [round(mean * (1 + rng.uniform(-spread, spread)), 2) for _index in range(seconds)]


def measurement(values, receiver=None, sender=None, retransmits=0, jitter_ms=None, loss_percent=None):
    """One direction block of a verdict record."""
    average = round(sum(values) / len(values), 2) if values else None
    receiver = average if receiver is None else receiver
    sender = receiver if sender is None else sender
    return {
        "sender_mbps": sender, "receiver_mbps": receiver,
        "sender_bits_per_second": None if sender is None else int(sender * 1e6),
        "receiver_bits_per_second": None if receiver is None else int(receiver * 1e6),
        "retransmits": retransmits, "stalled_intervals": sum(1 for value in values if value == 0),
        "jitter_ms": jitter_ms, "loss_percent": loss_percent, "intervals": intervals(values),
    }


def check(name, direction, metric, measured, limit, operator, unit="Mbit/s"):
    """An evaluated check; it passes when ``measured`` satisfies ``operator limit``."""
    passed = measured >= limit if operator == ">=" else measured <= limit
    message = None
    if not passed:
        label = metric.replace("_mbps", "").replace("_", " ")
        sign = "<" if operator == ">=" else ">"
        message = " ".join(str(part) for part in (direction, label, measured, unit, sign, limit, unit) if part != "")
    return {"name": name, "direction": direction, "metric": metric, "measured": measured, "limit": limit,
            "operator": operator, "passed": passed, "message": message}


def record(serial, verdict="PASS", upload=None, download=None, checks=None, reason=None, error_type=None, message=None,
           protocol="tcp", include_reverse=False, thresholds=None, task_id=None):
    """A full verdict record as the role gateway_bandwidth stores it."""
    if message is None:
        failed = [item["message"] for item in checks or [] if not item["passed"]]
        message = "; ".join(failed) if failed else ("all checks passed" if verdict == "PASS" else "")
    measured = upload is not None or download is not None
    return {
        "serial_number": serial, "verdict": verdict, "reason": reason if reason else ("threshold" if verdict == "FAIL" else None),
        "message": message, "error_type": error_type, "checks": checks or [],
        "thresholds": dict(THRESHOLDS, **(thresholds or {})),
        "test": {"task_id": task_id or "8c9f1e2a-{0}".format(serial.lower()), "server_address": "198.51.100.10", "port": 5201,
                 "protocol": protocol, "duration_seconds": 10, "streams": 1, "include_reverse": include_reverse,
                 "start_time": "2025-05-20T14:02:29.753198552Z" if measured else None,
                 "end_time": "2025-05-20T14:03:27.301496079Z" if measured else None,
                 "iperf_version": "3.0.11" if measured else None},
        "measurements": {"upload": upload, "download": download},
    }


def passing(serial, host, mean=94.0, include_reverse=False):
    up = measurement(steady(host, mean), retransmits=3)
    down = measurement(steady(host + "/down", mean * 0.9), retransmits=1) if include_reverse else None
    checks = [check("min_receiver_mbps", "upload", "receiver_mbps", up["receiver_mbps"], 50, ">="),
              check("max_stalled_intervals", "upload", "stalled_intervals", 0, 2, "<=", unit="")]
    if down:
        checks.append(check("min_receiver_mbps", "download", "receiver_mbps", down["receiver_mbps"], 50, ">="))
    return record(serial, "PASS", upload=up, download=down, checks=checks, include_reverse=include_reverse)


def stalling(serial):
    """The seed's result: a link that stalls for 7 of 10 seconds."""
    up = measurement(SEED_INTERVALS, receiver=7.67, sender=9.58, retransmits=239)
    checks = [check("min_receiver_mbps", "upload", "receiver_mbps", 7.67, 50, ">="),
              check("max_stalled_intervals", "upload", "stalled_intervals", 7, 2, "<=", unit="intervals")]
    return record(serial, "FAIL", upload=up, checks=checks)


def slow_download(serial, host):
    """Upload fine, download below the threshold."""
    up = measurement(steady(host, 88.0), retransmits=12)
    down = measurement(steady(host + "/down", 31.0), retransmits=40)
    checks = [check("min_receiver_mbps", "upload", "receiver_mbps", up["receiver_mbps"], 50, ">="),
              check("min_receiver_mbps", "download", "receiver_mbps", down["receiver_mbps"], 50, ">=")]
    return record(serial, "FAIL", upload=up, download=down, checks=checks, include_reverse=True)


def udp_lossy(serial, host):
    """A UDP test with jitter and loss over the limits."""
    up = measurement(steady(host, 1.05, spread=0.02), jitter_ms=6.4, loss_percent=4.2, retransmits=None)
    checks = [check("max_loss_percent", "upload", "loss_percent", 4.2, 1, "<=", unit="%"),
              check("max_jitter_ms", "upload", "jitter_ms", 6.4, 5, "<=", unit="ms")]
    return record(serial, "FAIL", upload=up, checks=checks, protocol="udp",
                  thresholds={"min_receiver_mbps": None, "max_loss_percent": 1, "max_jitter_ms": 5})


def busy(serial):
    return record(serial, "ERROR", reason="server_busy", error_type="server_busy",
                  message="server_busy: iperf server 198.51.100.10:5201 stayed busy for 300 s (the server is busy running a test); "
                          "add endpoints to the server pool or run fewer tests at once")


def offline(serial):
    return record(serial, "ERROR", reason="device_offline", error_type="device_offline",
                  message="start iperf test on {0}: gateway is offline (HTTP 409 HPE_GL_ERROR_CONFLICT: Device is offline)"
                          " - bring the gateway online or remove it from the inventory".format(serial))


def mixed_fleet():
    """Every case the report must handle, hostile names included, as ``{host, group, record}`` entries."""
    return [
        {"host": "gw-pass", "group": "site-a", "record": passing("CNF7G9K001", "gw-pass")},
        {"host": "gw-stall", "group": "site-a", "record": stalling("CNF7G9K002")},
        {"host": "gw-busy", "group": "site-b", "record": busy("CNF7G9K003")},
        {"host": "gw-offline", "group": "site-b", "record": offline("CNF7G9K004")},
        {"host": "gw-notrun", "group": "site-b", "record": None},
        {"host": "gw-both", "group": "site.c", "record": slow_download("CNF7G9K005", "gw-both")},
        {"host": "gw-udp", "group": "site.c", "record": udp_lossy("CNF7G9K006", "gw-udp")},
        {"host": HOSTILE_SCRIPT, "group": "<b>site</b>", "record": stalling("<img src=x onerror=alert(2)>")},
        {"host": HOSTILE_QUOTES, "group": "Zürich & \"Ost\"", "record": passing("CN,QUOTE\"1", HOSTILE_QUOTES, include_reverse=True)},
        {"host": HOSTILE_UNICODE, "group": "東京", "record": busy("=HYPERLINK(\"x\")")},
    ]


def demo_fleet():
    """A demo-like fleet: 12 gateways on 3 sites, mostly passing, one stalling link, some that could not be measured."""
    sites = [("fra-hq", "Frankfurt HQ"), ("lyo-br", "Lyon branch"), ("mad-br", "Madrid branch")]
    fleet = []
    for site_index, (prefix, site) in enumerate(sites):
        for number in range(1, 5):
            host = "{0}-gw{1:02d}".format(prefix, number)
            serial = "CNK{0}{1:05d}".format(site_index + 1, number * 17)
            fleet.append({"host": host, "group": site, "record": passing(serial, host, mean=180.0 if site_index == 0 else 94.0,
                                                                         include_reverse=site_index == 0 and number < 3)})
    fleet[5]["record"] = stalling("CNK200034")
    fleet[6]["record"] = busy("CNK200051")
    fleet[9]["record"] = slow_download("CNK300034", fleet[9]["host"])
    fleet[10]["record"] = offline("CNK300051")
    fleet[11]["record"] = None
    return fleet

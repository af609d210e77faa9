# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A fleet with history, contracts, WARN and a retest, judged by the real evaluator (deterministic, no clock)."""

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._thresholds import evaluate

RUN = {"generated_at": "2025-05-20T14:05:00Z", "run_id": "20250520T140500Z", "playbook": "validate_gateway_bandwidth.yml"}
THRESHOLDS = {"min_receiver_mbps": 10, "max_stalled_intervals": 2, "min_contract_percent": 80,
              "warn_contract_percent": 90, "max_drop_percent": 50, "warn_drop_percent": 25,
              "max_retransmit_percent": 2, "warn_retransmit_percent": 1}


def direction(mbps, retransmits=3, mss=1448, seconds=10):
    sent = int(mbps * 1e6 / 8 * seconds)
    return {"sender": {"bits_per_second": int(mbps * 1.01e6), "bytes": sent, "retransmits": retransmits},
            "receiver": {"bits_per_second": int(mbps * 1e6), "bytes": sent},
            "intervals": [{"start": float(i), "end": float(i + 1), "bits_per_second": int(mbps * 1e6 * (0.96 + 0.01 * (i % 5))),
                           "omitted": False} for i in range(seconds)],
            "stalled_intervals": 0, "udp": None, "sender_mss_bytes": mss}


def result(serial, upload, download=None, task=None, **extra):
    base = {"serial_number": serial, "task_id": task or "task-" + serial.lower(), "succeeded": True,
            "error_type": None, "protocol": "tcp", "streams": 1, "duration_seconds": 10, "server_port": 5201,
            "server_address": "198.51.100.10", "start_time": "2025-05-20T14:02:29Z", "end_time": "2025-05-20T14:03:27Z",
            "include_reverse": download is not None, "iperf_version": "3.0.11",
            "upload": direction(upload) if upload is not None else None,
            "download": direction(download, mss=None) if download is not None else None}
    base.update(extra)
    return base


def history(*mbps):
    return [{"time": "2025-05-%02dT14:02:00Z" % (10 + index), "run_id": "run-%d" % index,
             "receiver_bits_per_second": value * 1e6, "verdict": "PASS", "protocol": "tcp", "streams": 1}
            for index, value in enumerate(mbps)]


def judged(serial, measured, points, contract=None, **extra):
    return evaluate(measured, THRESHOLDS, serial_number=serial, baseline=points, contract=contract, **extra)


def trend_fleet():
    """``{host, group, record}`` entries: steady, a regression, a WARN, a new gateway, a retest, an offline one."""
    busy = evaluate({"serial_number": "CNT0005", "succeeded": False, "error_type": "server_busy", "task_id": "busy-1",
                     "fail_reason": "the server is busy running a test. try again later"}, THRESHOLDS,
                    baseline={"upload": history(50, 52, 51)})
    retest = judged("CNT0005", result("CNT0005", 51.0, task="retest-1"), {"upload": history(50, 52, 51)}, contract=50)
    retest["attempts"] = [busy]
    offline = judged("CNT0006", {"serial_number": "CNT0006", "succeeded": False, "error_type": "device_offline"},
                     {"upload": history(90, 91, 92)})
    return [
        {"host": "gw-steady", "group": "Frankfurt HQ",
         "record": judged("CNT0001", result("CNT0001", 95.0, download=480.0),
                          {"upload": history(94, 96, 95, 97, 95), "download": history(470, 490, 480, 485, 475)},
                          contract={"upload_mbps": 100, "download_mbps": 500})},
        {"host": "gw-degraded", "group": "Lyon branch",
         "record": judged("CNT0002", result("CNT0002", 40.0), {"upload": history(96, 95, 97, 96, 98)}, contract=100)},
        {"host": "gw-warn", "group": "Lyon branch",
         "record": judged("CNT0003", result("CNT0003", 85.0), {"upload": history(86, 84, 85)}, contract=100)},
        {"host": "gw-new", "group": "Madrid branch",
         "record": judged("CNT0004", result("CNT0004", 60.0), {"upload": history(61)})},
        {"host": "gw-retest", "group": "Madrid branch", "record": retest},
        {"host": "gw-offline", "group": "Madrid branch", "record": offline},
    ]

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Correctness of a fleet run, for ``bench/run.py --smoke``: never about timing.

A run is correct when the playbook finished, every gateway of the inventory is in the report with a verdict from
this run, offline gateways (and only they) are reported offline, and no two tests shared an iperf server endpoint
(the simulator saw no "server is busy" and no overlapping tests on one endpoint).
"""

from fleet_bench.figures import endpoint_gaps

VERDICTS = ("PASS", "FAIL", "ERROR")


def playbook_problems(returncode, timed_out, timeout_seconds):
    if timed_out:
        return ["ansible-playbook was stopped after %s s without finishing; see its log, or raise --timeout"
                % timeout_seconds]
    if returncode != 0:
        return ["ansible-playbook exited with code %s; see its log for the failed task" % returncode]
    return []


def report_problems(report, gateways):
    """``report`` is the parsed bandwidth_report.json, ``gateways`` maps serial -> status as Central lists it."""
    if not isinstance(report, dict) or not isinstance(report.get("hosts"), list):
        return ["the JSON report has no 'hosts' list; the report role did not write a bandwidth report"]
    listed = {}
    for host in report["hosts"]:
        if isinstance(host, dict):
            listed[host.get("host")] = host
    problems = []
    for serial in sorted(gateways):
        host = listed.get(serial)
        if host is None:
            problems.append("gateway %s is missing from the report" % serial)
            continue
        verdict, reason = host.get("verdict"), host.get("reason")
        if verdict not in VERDICTS:
            problems.append("gateway %s has no verdict in the report (got %r)" % (serial, verdict))
        elif reason == "not_run":
            problems.append("gateway %s was not tested in this run: %s" % (serial, host.get("message")))
        elif str(gateways[serial]).lower() == "offline" and reason != "device_offline":
            problems.append("gateway %s is offline in Central but reported %s (%s)" % (serial, verdict, reason))
        elif str(gateways[serial]).lower() != "offline" and reason == "device_offline":
            problems.append("gateway %s is online in Central but reported offline" % serial)
    for extra in sorted(set(listed) - set(gateways), key=str):
        problems.append("the report lists %s, which is not a gateway of the inventory" % extra)
    return problems


def collision_problems(metrics):
    """Busy answers and overlapping tests on one endpoint: the pool must keep every endpoint to one test."""
    problems = []
    busy = int(metrics.get("busy_collisions") or 0)
    if busy:
        problems.append("%d test(s) met a busy iperf server although one controller ran them all: the server "
                        "pool let two tests share an endpoint" % busy)
    for endpoint, gaps in sorted(endpoint_gaps(metrics.get("tasks", [])).items(), key=lambda item: str(item[0])):
        overlaps = [gap for gap in gaps if gap < 0]
        if overlaps:
            problems.append("endpoint %s ran %d test(s) before the previous one completed (worst overlap %.3f s)"
                            % (endpoint, len(overlaps), -min(overlaps)))
    return problems

# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import math
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.aruba_central.troubleshooting.plugins.filter import bandwidth
from ansible_collections.aruba_central.troubleshooting.plugins.filter.bandwidth import FilterModule
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils.assertions import filter_error

FILTERS = FilterModule().filters()
# The directory that holds ansible_collections/, wherever the collection is laid out for the tests.
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(bandwidth.__file__), *[".."] * 5))


def measured(receiver_bps=60000000, stalled=0):
    return {"serial_number": "CNF7G9K005", "succeeded": True, "protocol": "tcp",
            "upload": {"sender": {"bits_per_second": receiver_bps, "retransmits": 4},
                       "receiver": {"bits_per_second": receiver_bps}, "intervals": [], "stalled_intervals": stalled},
            "download": None}


def test_the_filters_are_exported():
    assert sorted(FILTERS) == ["bandwidth_input_problems", "bandwidth_verdict"]


def test_bandwidth_verdict_judges_a_result():
    verdict = FILTERS["bandwidth_verdict"](measured(), {"min_receiver_mbps": "50", "max_stalled_intervals": 2})
    assert verdict["verdict"] == "PASS"
    assert verdict["message"] == "upload receiver 60.0 Mbit/s; 2 checks passed"


def test_bandwidth_verdict_passes_checks_and_the_serial_number_on():
    verdict = FILTERS["bandwidth_verdict"](measured(), {}, [{"name": "four", "query": "upload.sender.retransmits",
                                                            "max": 3}])
    assert verdict["message"] == "four: 4 > 3"
    assert FILTERS["bandwidth_verdict"](None, serial_number="CNF7G9K012")["serial_number"] == "CNF7G9K012"


def test_bad_input_becomes_a_filter_error_naming_the_variable():
    with pytest.raises(AnsibleFilterError) as caught:
        FILTERS["bandwidth_verdict"](measured(), {"min_receiver_mbps": "fast"}, variable_prefix="gateway_bandwidth_")
    assert str(caught.value) == ("bandwidth_verdict: gateway_bandwidth_min_receiver_mbps must be a number >= 0 or "
                                 "empty to leave it unchecked, got 'fast'")


def test_bandwidth_input_problems_lists_the_problems():
    problems = FILTERS["bandwidth_input_problems"](
        {"max_jitter_ms": "x"}, [{"name": "a", "query": "b["}], variable_prefix="gateway_bandwidth_")
    assert len(problems) == 2
    assert problems[0].startswith("gateway_bandwidth_max_jitter_ms must be a number")
    assert problems[1].startswith("gateway_bandwidth_checks[0] (a): 'b[' is not a valid JMESPath expression")
    assert FILTERS["bandwidth_input_problems"]({"max_jitter_ms": ""}) == []


# ---------------------------------------------------------------- bad thresholds and checks: one line naming them

RESULT = {"serial_number": "CNF7G9K001", "succeeded": True, "protocol": "tcp",
          "upload": {"receiver": {"bits_per_second": 50000000}, "sender": {"bits_per_second": 51000000}}}
BAD_THRESHOLDS = [
    ("min_receiver_mbps", {"min_receiver_mbps": "fast"}),
    ("min_receiver_mbps", {"min_receiver_mbps": -5}),
    ("min_receiver_mbps", {"min_receiver_mbps": "-5"}),
    ("min_receiver_mbps", {"min_receiver_mbps": "50 Mbps"}),
    ("min_receiver_mbps", {"min_receiver_mbps": True}),
    ("min_receiver_mbps", {"min_receiver_mbps": float("nan")}),
    ("min_receiver_mbps", {"min_receiver_mbps": "inf"}),
    ("min_receiver_mbps", {"min_receiver_mbps": [50]}),
    ("min_sender_mbps", {"min_sender_mbps": "1,5"}),
    ("min_download_receiver_mbps", {"min_download_receiver_mbps": "lots"}),
    ("max_retransmits", {"max_retransmits": 1.5}),
    ("max_retransmits", {"max_retransmits": "-1"}),
    ("max_stalled_intervals", {"max_stalled_intervals": "two"}),
    ("max_loss_percent", {"max_loss_percent": 101}),
    ("max_loss_percent", {"max_loss_percent": "-0.1"}),
    ("max_jitter_ms", {"max_jitter_ms": {"ms": 5}}),
    ("min_reciever_mbps", {"min_reciever_mbps": 50}),
    ("thresholds", "fast"),
    ("thresholds", ["min_receiver_mbps", 50]),
    ("thresholds", 50),
]


@pytest.mark.parametrize("name, thresholds", BAD_THRESHOLDS)
def test_bandwidth_verdict_refuses_bad_thresholds_naming_them(name, thresholds):
    message = filter_error(bandwidth.bandwidth_verdict, RESULT, thresholds)
    assert name in message


@pytest.mark.parametrize("name, thresholds", BAD_THRESHOLDS)
def test_bandwidth_input_problems_reports_the_same_without_raising(name, thresholds):
    problems = bandwidth.bandwidth_input_problems(thresholds, variable_prefix="gateway_bandwidth_")
    assert len(problems) == 1
    assert "gateway_bandwidth_" + name in problems[0]
    assert "\n" not in problems[0]


def test_bad_thresholds_are_refused_even_for_a_gateway_that_did_not_run():
    assert "min_receiver_mbps" in filter_error(bandwidth.bandwidth_verdict, None, {"min_receiver_mbps": "fast"})


@pytest.mark.parametrize("value", ["50", " 50 ", "0", "1e3", ".5", "", None, 50, 0.5])
def test_survey_style_threshold_values_are_accepted(value):
    verdict = bandwidth.bandwidth_verdict(RESULT, {"min_receiver_mbps": value})
    assert verdict["verdict"] in ("PASS", "FAIL")
    limit = verdict["thresholds"]["min_receiver_mbps"]
    assert limit is None or (isinstance(limit, (int, float)) and math.isfinite(limit))


BAD_CHECKS = [
    ("checks", "upload.receiver"),
    ("checks", {"name": "a", "query": "b"}),
    ("checks[0]", ["upload.receiver"]),
    ("checks[0]", [{"query": "protocol"}]),
    ("checks[0]", [{"name": "", "query": "protocol"}]),
    ("checks[0]", [{"name": "tcp"}]),
    ("checks[0]", [{"name": "tcp", "query": "  "}]),
    ("checks[0]", [{"name": "tcp", "query": "[?"}]),
    ("checks[0]", [{"name": "tcp", "query": "protocol", "bogus": 1}]),
    ("checks[0]", [{"name": "tcp", "query": "protocol", "equals": "tcp", "min": 1}]),
    ("checks[0].min", [{"name": "fast", "query": "upload.receiver.bits_per_second", "min": "fast"}]),
    ("checks[0].max", [{"name": "fast", "query": "upload.receiver.bits_per_second", "max": "nan"}]),
    ("checks[0].equals", [{"name": "tcp", "query": "protocol", "equals": ["tcp"]}]),
    ("checks[1]", [{"name": "tcp", "query": "protocol"}, {"name": "tcp", "query": "streams"}]),
]


@pytest.mark.parametrize("name, checks", BAD_CHECKS)
def test_bandwidth_verdict_refuses_bad_checks_naming_them(name, checks):
    message = filter_error(bandwidth.bandwidth_verdict, RESULT, {}, checks, variable_prefix="gateway_bandwidth_")
    assert "gateway_bandwidth_" + name in message


@pytest.mark.parametrize("name, checks", BAD_CHECKS)
def test_bandwidth_input_problems_reports_bad_checks(name, checks):
    problems = bandwidth.bandwidth_input_problems({}, checks)
    assert len(problems) == 1 and name in problems[0]


def test_check_limit_messages_read_cleanly():
    message = filter_error(bandwidth.bandwidth_verdict, RESULT, {}, [{"name": "x", "query": "streams", "min": "fast"}])
    assert "  " not in message


@pytest.mark.skipif(shutil.which("ansible-playbook", path=os.path.dirname(sys.executable)) is None,
                    reason="ansible-playbook is not installed beside this Python")
def test_the_filters_work_in_a_playbook_on_survey_style_strings(tmp_path):
    playbook = tmp_path / "play.yml"
    playbook.write_text(textwrap.dedent("""\
        - hosts: localhost
          gather_facts: false
          vars:
            limit: "50"
            stall_limit: "2"
            result: {succeeded: true, serial_number: CNF7G9K001, protocol: tcp,
                     upload: {receiver: {bits_per_second: 7670000}, sender: {bits_per_second: 9580000, retransmits: 239},
                              intervals: [], stalled_intervals: 7}}
          tasks:
            - ansible.builtin.copy:
                dest: "{{ out }}"
                content: "{{ {'verdict': result | aruba_central.troubleshooting.bandwidth_verdict(
                              {'min_receiver_mbps': limit, 'max_stalled_intervals': stall_limit, 'max_jitter_ms': ''},
                              [{'name': 'v', 'query': 'protocol', 'equals': 'tcp'}]),
                            'problems': {'min_receiver_mbps': 'fast'}
                              | aruba_central.troubleshooting.bandwidth_input_problems} | to_json }}"
        """))
    out = tmp_path / "out.json"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT, ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    run = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), str(playbook),
                          "-e", "out=%s" % out], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(out.read_text())
    verdict = data["verdict"]
    assert verdict["verdict"] == "FAIL"
    assert verdict["message"] == "upload receiver 7.67 Mbit/s < 50 Mbit/s; upload stalled intervals 7 > 2"
    assert verdict["thresholds"]["min_receiver_mbps"] == 50
    assert verdict["checks"][-1]["passed"] is True
    assert data["problems"] == ["min_receiver_mbps must be a number >= 0 or empty to leave it unchecked, got 'fast'"]

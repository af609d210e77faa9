# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults against real simulators, real modules run by ansible-playbook.

Every case is one inventory host that runs one module against its own simulator (or the shared one, for faults that
are tied to a serial number); one ``ansible-playbook`` run with the ``free`` strategy runs them all at once and
writes each host's module result and the wall time of its module task. Each case then checks:

* transient faults are absorbed (the test measured, one test started, the faults really happened);
* the other faults fail with the right ``error_type`` and a one-line message naming what failed;
* no module runs longer than its ``wait_timeout`` plus one ``request_timeout`` plus Ansible's own start-up;
* nothing is a PASS unless a completed measurement met its thresholds.
"""

import json
import uuid

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._thresholds import evaluate
from ansible_collections.aruba_central.troubleshooting.tests.system import harness

SPEED = 50
CLIENT_ID = "rel-client"
CLIENT_SECRET = "S3cr3t-%s" % uuid.uuid4()
LINE_BREAK_TOKEN = "S3cr3t-%s" % uuid.uuid4()
ABSORB_TIMEOUT = 30      # wait_timeout of the cases that must measure despite the faults
FAIL_TIMEOUT = 20        # wait_timeout of the cases that must fail


def gateway(serial, **link):
    return {"serial": serial, "name": serial.lower(), "status": "Online",
            "link": dict({"down_mbps": 200, "up_mbps": 100}, **link)}


def seeded(route, faults, hits):
    """A fault configuration with exactly ``hits`` faults on ``route`` before calm; the seed is found at run time."""
    return {route: faults, "seed": ("storm", route, hits)}


def _resolved(faults):
    seed = faults.get("seed")
    if isinstance(seed, tuple):
        _storm, route, hits = seed
        faults = dict(faults, seed=harness.storm_seed(route, faults[route], hits))
    return faults


# Faults tied to a serial number, all on one simulator: every probability is 1, so the order of requests from
# concurrent runs does not matter.
SHARED_GATEWAYS = [gateway(serial) for serial in (
    "CNOK0001", "CNOK0002", "CNSTUCK01", "CNMALF01", "CNHTML01", "CNDROP01", "CNSLOW01", "CN429A01", "CN429L01",
    "CN500P01", "CNS503001", "CNSDROP01", "CNSMALF01", "CNSECRET1")]
SHARED_GATEWAYS += [gateway("CNVANISH1", setup_delay_s=600.0), dict(gateway("CNOFF0001"), status="Offline"),
                    gateway("CNSTUCK02"), gateway("CNSTUCK03")]
SHARED_FAULTS = {
    "stuck_running": ["CNSTUCK01", "CNSTUCK02", "CNSTUCK03"],
    "vanish_tasks": ["CNVANISH1"],
    "serials": {
        "CNMALF01": {"result": {"malformed_json": 1.0}},
        "CNHTML01": {"result": {"html_error": 1.0}},
        "CNDROP01": {"result": {"drop_connection": 1.0}},
        "CNSLOW01": {"result": {"slow": {"probability": 1.0, "seconds": 5}}},
        "CN429A01": {"result": {"rate_429": {"probability": 1.0, "retry_after": 1, "reset": False}}},
        "CN429L01": {"result": {"rate_429": {"probability": 1.0, "retry_after": 3600, "reset": True}}},
        "CN500P01": {"result": {"status_5xx": {"probability": 1.0, "codes": [500]}}},
        "CNS503001": {"start": {"status_5xx": {"probability": 1.0, "codes": [503]}}},
        "CNSDROP01": {"start": {"drop_connection": 1.0}},
        "CNSMALF01": {"start": {"malformed_json": 1.0}},
    },
}
# Set-up takes 12 s at SPEED 50, so the first polls see the test still INITIATED.
SLOW_SETUP = [gateway("CNREL0001", setup_delay_s=600.0)]
ONE_GATEWAY = [gateway("CNREL0001")]
# Three forks against one SSO endpoint that never answers.
SILENT_SSO = ["CNSSO0001", "CNSSO0002", "CNSSO0003"]
BUSY_LINE = "iperf3: error - the server is busy running a test. try again later"
LONG_WAIT = 600          # wait_timeout of cases that must end at once, far before it


def case(name, expect, serial="CNREL0001", sim=None, module="gateway_iperf", faults=None, gateways=None, **args):
    """One fault case: which simulator, which module with which options, and what must come out."""
    return {"name": name, "serial": serial, "sim": sim or name, "module": module, "faults": faults,
            "gateways": gateways or ONE_GATEWAY, "args": args, "expect": expect}


def absorbed(tasks=1, **faults_seen):
    return {"outcome": "measured", "faults": faults_seen, "tasks": tasks}


def custom():
    """A case checked by its own test below."""
    return {"outcome": "custom"}


def failed(error_type, *words, tasks=None, faults=None):
    return {"outcome": "failed", "error_type": error_type, "words": list(words), "tasks": tasks, "faults": faults or {}}


RESULT_FAULT_TIMEOUT = {"wait_timeout": FAIL_TIMEOUT, "max_retries": 1}

CASES = [
    # -- no fault: the baseline, on both API versions
    case("baseline_v1", absorbed(), serial="CNOK0001", sim="shared", wait_timeout=ABSORB_TIMEOUT),
    case("baseline_v1alpha1", absorbed(), serial="CNOK0002", sim="shared", api_version="v1alpha1",
         wait_timeout=ABSORB_TIMEOUT),
    # -- transient faults that must be absorbed within the retry budget
    case("storm_429_retry_after", absorbed(rate_429=3), wait_timeout=ABSORB_TIMEOUT,
         faults=seeded("result", {"rate_429": {"probability": 0.5, "retry_after": 1, "reset": False}}, 3)),
    case("storm_429_ratelimit_reset_only", absorbed(rate_429=3), wait_timeout=ABSORB_TIMEOUT,
         faults=seeded("result", {"rate_429": {"probability": 0.5, "retry_after": None, "reset": True}}, 3)),
    case("storm_429_no_headers", absorbed(rate_429=2), wait_timeout=ABSORB_TIMEOUT,
         faults=seeded("result", {"rate_429": {"probability": 0.5, "retry_after": None, "reset": False}}, 2)),
    case("storm_dropped_connections", absorbed(drop=2), wait_timeout=ABSORB_TIMEOUT,
         faults=seeded("result", {"drop_connection": 0.5}, 2)),
    case("storm_slow_answers", absorbed(slow=2), wait_timeout=ABSORB_TIMEOUT, request_timeout=2,
         faults=seeded("result", {"slow": {"probability": 0.5, "seconds": 5}}, 2)),
    case("storm_html_from_proxy", absorbed(html=2), wait_timeout=ABSORB_TIMEOUT,
         faults=seeded("result", {"html_error": 0.5}, 2)),
    case("burst_5xx_while_polling", absorbed(status_502=2, status_503=1, status_500=2), wait_timeout=ABSORB_TIMEOUT,
         faults={"burst": [{"route": "result", "count": 2, "status": 502}, {"route": "result", "count": 1, "status": 503},
                           {"route": "result", "count": 2, "status": 500}]}),
    case("burst_429_on_start", absorbed(status_429=2), wait_timeout=ABSORB_TIMEOUT,
         faults={"burst": {"route": "start", "count": 2, "status": 429}}),
    case("burst_503_on_token", absorbed(status_503=2), wait_timeout=ABSORB_TIMEOUT,
         faults={"burst": {"route": "token", "count": 2, "status": 503}}),
    case("token_revoked_between_polls_client_credentials", absorbed(), wait_timeout=ABSORB_TIMEOUT,
         gateways=SLOW_SETUP, faults={"revoke_tokens_after": 2}),
    # -- faults that must fail, with the right error_type and a message naming what failed
    case("token_revoked_between_polls_access_token", failed("auth", "401", "access_token"), auth="token",
         gateways=SLOW_SETUP, faults={"revoke_tokens_after": 2}, wait_timeout=FAIL_TIMEOUT),
    case("storm_429_beyond_retries", failed("rate_limited", "429"), serial="CN429A01", sim="shared",
         wait_timeout=FAIL_TIMEOUT, max_retries=2),
    case("retry_after_beyond_wait_timeout", failed("rate_limited", "429", "accepts requests again only at"),
         serial="CN429L01",
         sim="shared", wait_timeout=FAIL_TIMEOUT),
    case("persistent_500", failed("api_error", "HTTP 500", "HPE_GL_ERROR_INTERNAL_SERVER_ERROR"), serial="CN500P01",
         sim="shared", **RESULT_FAULT_TIMEOUT),
    case("persistent_html_from_proxy", failed("api_error", "502", "HTML"), serial="CNHTML01", sim="shared",
         **RESULT_FAULT_TIMEOUT),
    case("persistent_dropped_connections", failed("api_error", "connection"), serial="CNDROP01", sim="shared",
         **RESULT_FAULT_TIMEOUT),
    case("persistent_slow_answers", failed("api_error", "CNSLOW01", "request_timeout"), serial="CNSLOW01", sim="shared",
         request_timeout=2, **RESULT_FAULT_TIMEOUT),
    case("malformed_json_while_polling", failed("api_error", "malformed JSON"), serial="CNMALF01", sim="shared",
         wait_timeout=FAIL_TIMEOUT),
    case("stays_running_forever", failed("timeout", "RUNNING", "wait_timeout"), serial="CNSTUCK01", sim="shared",
         wait_timeout=6),
    case("task_disappears_mid_poll", failed("task_not_found", "404", "task"), serial="CNVANISH1", sim="shared",
         wait_timeout=FAIL_TIMEOUT),
    case("start_answered_503", failed("api_error", "503", "POST", "lists no test started", tasks=0),
         serial="CNS503001", sim="shared", wait_timeout=FAIL_TIMEOUT),
    case("start_connection_dropped", failed("api_error", "POST", "lists no test started", tasks=0),
         serial="CNSDROP01", sim="shared", wait_timeout=FAIL_TIMEOUT),
    # Central took the test but its answer cannot be read: list-tasks finds the test, which is followed.
    case("start_answer_malformed", absorbed(), serial="CNSMALF01", sim="shared", wait_timeout=ABSORB_TIMEOUT),
    case("offline_gateway_v1", failed("device_offline", "409", "HPE_GL_ERROR_CONFLICT", tasks=0), serial="CNOFF0001",
         sim="shared", wait_timeout=FAIL_TIMEOUT),
    case("offline_gateway_v1alpha1", failed("device_offline", "409", "HPE_GRAVITY_DEVICE_OFFLINE", tasks=0),
         serial="CNOFF0001", sim="shared", api_version="v1alpha1", wait_timeout=FAIL_TIMEOUT),
    case("unknown_gateway_v1", failed("device_not_found", "404", "HPE_GL_ERROR_NOT_FOUND", "CNNOPE001"),
         serial="CNNOPE001", sim="shared", wait_timeout=FAIL_TIMEOUT),
    case("unknown_gateway_v1alpha1", failed("device_not_found", "404", "HPE_GRAVITY_DEVICE_NOT_FOUND", "CNNOPE002"),
         serial="CNNOPE002", sim="shared", api_version="v1alpha1", wait_timeout=FAIL_TIMEOUT),
    case("unknown_task_v1", failed("task_not_found", "404", "HPE_GL_ERROR_NOT_FOUND"), serial="CNOK0001",
         sim="shared", module="gateway_iperf_result", task_id=str(uuid.uuid4()), wait_timeout=FAIL_TIMEOUT),
    case("unknown_task_v1alpha1", failed("task_not_found", "404", "HPE_GRAVITY_TASK_NOT_FOUND"), serial="CNOK0001",
         sim="shared", module="gateway_iperf_result", task_id=str(uuid.uuid4()), api_version="v1alpha1",
         wait_timeout=FAIL_TIMEOUT),
    case("access_token_with_a_line_break", failed(None, "access_token"), serial="CNSECRET1", sim="shared",
         access_token=LINE_BREAK_TOKEN + "\nX-Injected: 1", wait_timeout=FAIL_TIMEOUT, max_retries=0),
    # -- answers Central may give that are not the documented happy path
    case("far_rate_limit_reset", failed("rate_limited", "429", "accepts requests again only at"),
         wait_timeout=LONG_WAIT,
         faults={"result": {"rate_429": {"probability": 1.0, "retry_after": None, "reset": True, "reset_after": 3000}}}),
    case("silent_sso", failed("auth", "token.oauth2", "proxy variables"), serial=SILENT_SSO[0],
         gateways=[gateway(serial) for serial in SILENT_SSO], faults={"token": {"hang": 1.0}}, request_timeout=3,
         max_retries=1, wait_timeout=FAIL_TIMEOUT),
    case("silent_sso_fork_2", failed("auth", "token.oauth2"), serial=SILENT_SSO[1], sim="silent_sso",
         request_timeout=3, max_retries=1, wait_timeout=FAIL_TIMEOUT),
    case("silent_sso_fork_3", failed("auth", "token.oauth2"), serial=SILENT_SSO[2], sim="silent_sso",
         request_timeout=3, max_retries=1, wait_timeout=FAIL_TIMEOUT),
    case("busy_after_setup_then_free", absorbed(tasks=2, busy=1), wait_timeout=90, faults={"task": {"busy": {
        "first": 1, "message": BUSY_LINE, "fail_reason": "Iperf test failed", "seconds": 50}}}),
    case("busy_every_time", failed("server_busy", "busy"), wait_timeout=FAIL_TIMEOUT,
         faults={"task": {"busy": {"message": BUSY_LINE, "seconds": 50}}}),
    case("lower_case_statuses", absorbed(), wait_timeout=ABSORB_TIMEOUT, faults={"task": {"status_case": "lower"}}),
    case("unknown_status", failed("api_error", "CANCELLED", "does not know"), wait_timeout=LONG_WAIT,
         faults={"task": {"end_status": "CANCELLED"}}),
    case("empty_completion", failed("no_measurement", "no figure"), wait_timeout=FAIL_TIMEOUT,
         faults={"task": {"empty_completion": True}}),
    case("receiver_figure_missing_everywhere", custom(), wait_timeout=ABSORB_TIMEOUT,
         faults={"task": {"missing_figures": {"keys": ["receiverBandwidth"], "as": "absent", "raw_output": False}}}),
    case("raw_output_cut_before_its_summary", custom(), wait_timeout=ABSORB_TIMEOUT,
         faults={"task": {"cut_raw_output": {"after_intervals": 3}}}),
    case("iperf_30_udp_without_receiver_figure", custom(), wait_timeout=ABSORB_TIMEOUT, protocol="udp",
         faults={"task": {"iperf_3011_udp": {"receiver_bandwidth": False}}}),
    case("one_malformed_poll_cut", absorbed(malformed_poll=1), wait_timeout=ABSORB_TIMEOUT, gateways=SLOW_SETUP,
         faults={"task": {"malformed_poll": {"poll": 1, "kind": "cut"}}}),
    case("one_malformed_poll_without_status", absorbed(malformed_poll=1), wait_timeout=ABSORB_TIMEOUT,
         gateways=SLOW_SETUP, faults={"task": {"malformed_poll": {"poll": 1, "kind": "no_status"}}}),
    case("one_malformed_poll_not_an_object", absorbed(malformed_poll=1), wait_timeout=ABSORB_TIMEOUT,
         gateways=SLOW_SETUP, faults={"task": {"malformed_poll": {"poll": 1, "kind": "not_object"}}}),
    case("start_answer_lost", absorbed(drop_answer=1), wait_timeout=ABSORB_TIMEOUT,
         faults={"burst": {"route": "start", "count": 1, "answer": "drop"}}),
    case("conflict_409_is_not_offline", failed("api_error", "409", "Another troubleshooting operation", tasks=0),
         wait_timeout=FAIL_TIMEOUT, faults={"start": {"conflict_409": {}}}),
    case("wrong_base_url", failed("api_error", "404", "check base_url and api_version", tasks=0),
         base_url_suffix="/api", wait_timeout=FAIL_TIMEOUT),
    case("lease_holder", custom(), serial="CNSTUCK03", sim="shared", wait_timeout=14, server_wait_timeout=5),
    case("lease_waiter", custom(), serial="CNSTUCK02", sim="shared", wait_timeout=14, server_wait_timeout=5,
         server_of="lease_holder"),
]
CASES_BY_NAME = {item["name"]: item for item in CASES}

PLAYBOOK = r"""
- name: One module run per fault case
  hosts: cases
  gather_facts: false
  strategy: ansible.builtin.free
  tasks:
    - name: Start the clock
      ansible.builtin.set_fact:
        case_started: "{{ now().timestamp() }}"

    - name: Run gateway_iperf
      aruba_central.troubleshooting.gateway_iperf:
        base_url: "{{ case.base_url }}"
        token_url: "{{ case.token_url | default(omit) }}"
        client_id: "{{ case.client_id | default(omit) }}"
        client_secret: "{{ case.client_secret | default(omit) }}"
        access_token: "{{ case.access_token | default(omit) }}"
        api_version: "{{ case.api_version | default(omit) }}"
        request_timeout: "{{ case.request_timeout | default(omit) }}"
        max_retries: "{{ case.max_retries | default(omit) }}"
        wait_timeout: "{{ case.wait_timeout | default(omit) }}"
        server_wait_timeout: "{{ case.server_wait_timeout | default(omit) }}"
        protocol: "{{ case.protocol | default(omit) }}"
        serial_number: "{{ case.serial_number }}"
        server_address: "{{ case.server_address }}"
        port: "{{ case.port }}"
        lease_dir: "{{ lease_dir }}"
      register: case_iperf
      ignore_errors: true
      when: case.module == 'gateway_iperf'

    - name: Run gateway_iperf_result
      aruba_central.troubleshooting.gateway_iperf_result:
        base_url: "{{ case.base_url }}"
        token_url: "{{ case.token_url | default(omit) }}"
        client_id: "{{ case.client_id | default(omit) }}"
        client_secret: "{{ case.client_secret | default(omit) }}"
        access_token: "{{ case.access_token | default(omit) }}"
        api_version: "{{ case.api_version | default(omit) }}"
        request_timeout: "{{ case.request_timeout | default(omit) }}"
        max_retries: "{{ case.max_retries | default(omit) }}"
        wait_timeout: "{{ case.wait_timeout | default(omit) }}"
        serial_number: "{{ case.serial_number }}"
        task_id: "{{ case.task_id }}"
      register: case_iperf_result
      ignore_errors: true
      when: case.module == 'gateway_iperf_result'

    - name: Write the result and the wall time of the module task
      ansible.builtin.copy:
        dest: "{{ out_dir }}/{{ inventory_hostname }}.json"
        content: >-
          {{ {'elapsed': now().timestamp() - (case_started | float),
              'result': case_iperf if case.module == 'gateway_iperf' else case_iperf_result} | to_json }}
        mode: "0600"
"""


def _case_vars(item, info, tokens, server):
    host, port = server.rsplit(":", 1)
    values = {"module": item["module"], "serial_number": item["serial"], "base_url": info["base_url"],
              "server_address": host, "port": int(port)}
    args = dict(item["args"])
    args.pop("server_of", None)
    values["base_url"] += args.pop("base_url_suffix", "")
    auth = args.pop("auth", "client")
    if "access_token" in args:
        values["access_token"] = args.pop("access_token")
    elif auth == "token":
        values["access_token"] = tokens[item["name"]]
    else:
        values.update(token_url=info["token_url"], client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    values.update(args)
    return values


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory):
    """Start the simulators, run every case in one ansible-playbook run, collect results and simulator metrics."""
    from central_sim.endpoints import free_endpoints  # pylint: disable=import-outside-toplevel

    workdir = tmp_path_factory.mktemp("faults")
    # One iperf server endpoint per case: a run leases its endpoint for the whole test, so cases sharing one
    # would wait for each other.
    shared_servers = [str(endpoint) for endpoint in free_endpoints(len(CASES))]
    specs = {"shared": {"speed": SPEED, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                        "gateways_data": SHARED_GATEWAYS, "faults_data": SHARED_FAULTS, "servers": shared_servers}}
    for item in CASES:
        if item["sim"] == item["name"]:
            spec = {"speed": SPEED, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                    "gateways_data": item["gateways"], "servers": None}
            if item["faults"]:
                spec["faults_data"] = _resolved(item["faults"])
            specs[item["name"]] = spec
    out_dir = workdir / "results"
    out_dir.mkdir()
    with harness.simulators(specs, workdir) as sims:
        tokens = {item["name"]: harness.sim_token(sims[item["sim"]], CLIENT_ID, CLIENT_SECRET)
                  for item in CASES if item["args"].get("auth") == "token"}
        hosts = {}
        for index, item in enumerate(CASES):
            info = sims[item["sim"]]
            server = shared_servers[index] if item["sim"] == "shared" else info["servers"][0]
            if item["args"].get("server_of"):
                server = shared_servers[CASES.index(CASES_BY_NAME[item["args"]["server_of"]])]
            hosts[item["name"]] = {"case": _case_vars(item, info, tokens, server)}
        inventory = harness.write_yaml(workdir / "inventory.yml", {"all": {
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": harness.PYTHON,
                     "out_dir": str(out_dir), "lease_dir": str(workdir / "leases")},
            "children": {"cases": {"hosts": hosts}}}})
        playbook = workdir / "faults.yml"
        playbook.write_text(PLAYBOOK, encoding="utf-8")
        run = harness.run_ansible("ansible-playbook", ["-i", inventory, str(playbook)],
                                  harness.ansible_env(workdir, ANSIBLE_FORKS=len(CASES)), workdir)
        metrics = {name: harness.sim_metrics(info) for name, info in sims.items()}
    outcomes = {}
    for item in CASES:
        path = out_dir / ("%s.json" % item["name"])
        outcomes[item["name"]] = harness.read_json(path) if path.exists() else None
    return {"run": run, "outcomes": outcomes, "metrics": metrics}


def _outcome(fault_run, name):
    outcome = fault_run["outcomes"][name]
    assert outcome is not None, "case %s wrote no result; the run ended with:\n%s" % (name, fault_run["run"].tail())
    return outcome


def _faults_seen(fault_run, item):
    return fault_run["metrics"][item["sim"]]["faults_injected"]


def _bound(item):
    """The documented budget: [server_wait_timeout +] wait_timeout + one request_timeout, plus Ansible's start-up."""
    args = item["args"]
    lease = float(args.get("server_wait_timeout", 0))
    return lease + float(args.get("wait_timeout", 300)) + float(args.get("request_timeout", 30)) + \
        harness.ANSIBLE_SLACK_SECONDS


# ---------------------------------------------------------------- absorbed


ABSORBED = [item["name"] for item in CASES if item["expect"]["outcome"] == "measured"]
FAILING = [item["name"] for item in CASES if item["expect"]["outcome"] == "failed"
           and item["name"] != "access_token_with_a_line_break"]


@pytest.mark.parametrize("name", ABSORBED)
def test_transient_faults_are_absorbed_and_the_measurement_is_right(fault_run, name):
    item = CASES_BY_NAME[name]
    result = _outcome(fault_run, name)["result"]
    assert result.get("failed") is not True, result.get("msg")
    facts = result["ansible_facts"]["gateway_iperf"]
    assert facts["status"] == "COMPLETED" and facts["succeeded"] is True and facts["error_type"] is None
    assert facts["serial_number"] == item["serial"]
    # The simulated link sends 100 Mbit/s upstream: what was measured must be that link, not a made-up number.
    receiver = facts["upload"]["receiver"]["bits_per_second"]
    assert 50e6 < receiver <= 100e6, receiver
    assert facts["upload"]["sender"]["bits_per_second"] >= receiver
    assert len(facts["upload"]["intervals"]) >= 10
    # Exactly one test was started on the gateway (or one per busy answer), and the last is the one reported.
    tasks = harness.tasks_of(fault_run["metrics"][item["sim"]], item["serial"])
    assert len(tasks) == item["expect"]["tasks"], tasks
    assert tasks[-1]["task_id"] == facts["task_id"]
    seen = _faults_seen(fault_run, item)
    for kind, count in item["expect"]["faults"].items():
        assert seen.get(kind) == count, "expected %d %s faults, the simulator injected %r" % (count, kind, seen)
    verdict = evaluate(facts, {"min_receiver_mbps": 50, "max_stalled_intervals": 2})
    assert verdict["verdict"] == "PASS", verdict["message"]


def test_a_revoked_token_is_renewed_and_the_request_sent_again(fault_run):
    metrics = fault_run["metrics"]["token_revoked_between_polls_client_credentials"]
    assert harness.requests_with_status(metrics, 401) >= 1, "the token was never revoked: the case tested nothing"
    assert metrics["tokens_minted"] >= 2


# ---------------------------------------------------------------- failing with the right error


@pytest.mark.parametrize("name", FAILING)
def test_other_faults_fail_with_the_right_error_type_and_one_line(fault_run, name):
    item = CASES_BY_NAME[name]
    expect = item["expect"]
    result = _outcome(fault_run, name)["result"]
    assert result.get("failed") is True, "case %s did not fail: %s" % (name, json.dumps(result)[:500])
    message = result["msg"]
    assert "\n" not in message and message.strip()
    if expect["error_type"]:
        assert result.get("error_type") == expect["error_type"], message
    else:
        assert result.get("error_type") in ("api_error", "timeout"), message
    for word in expect["words"]:
        assert word.lower() in message.lower(), "%r not in %r" % (word, message)
    assert CLIENT_SECRET not in json.dumps(result)
    facts = (result.get("ansible_facts") or {}).get("gateway_iperf")
    if facts is not None:
        assert facts["succeeded"] is False
        assert evaluate(facts, {})["verdict"] == "ERROR"
    if expect["tasks"] is not None:
        tasks = harness.tasks_of(fault_run["metrics"][item["sim"]], item["serial"])
        assert len(tasks) == expect["tasks"], tasks


def test_a_fault_that_fails_one_gateway_leaves_the_others_alone(fault_run):
    shared = harness.tasks_of(fault_run["metrics"]["shared"], "CNOK0001")
    assert len(shared) == 1 and shared[0]["outcome"] == "succeeded"


# ---------------------------------------------------------------- bounded wall time


@pytest.mark.parametrize("name", [item["name"] for item in CASES])
def test_no_module_runs_longer_than_wait_timeout_plus_one_request_timeout(fault_run, name):
    item = CASES_BY_NAME[name]
    elapsed = _outcome(fault_run, name)["elapsed"]
    assert elapsed <= _bound(item), "%s took %.1f s, more than %.1f s" % (name, elapsed, _bound(item))


def test_answers_slower_than_request_timeout_are_named_as_the_cause(fault_run):
    message = _outcome(fault_run, "persistent_slow_answers")["result"]["msg"]
    assert "None" not in message
    assert "request_timeout" in message or "no answer" in message


def test_a_test_that_never_finishes_ends_at_wait_timeout(fault_run):
    outcome = _outcome(fault_run, "stays_running_forever")
    assert 6 <= outcome["elapsed"] <= 6 + 30 + harness.ANSIBLE_SLACK_SECONDS
    facts = outcome["result"]["ansible_facts"]["gateway_iperf"]
    assert facts["status"] == "RUNNING" and facts["error_type"] == "timeout" and facts["succeeded"] is False


# ---------------------------------------------------------------- secrets in failures


def test_an_access_token_with_a_line_break_is_never_shown(fault_run):
    result = _outcome(fault_run, "access_token_with_a_line_break")["result"]
    assert result.get("failed") is True
    # Any 15 characters of the token are too many: an error cut at 120 characters can show part of it.
    fragment = LINE_BREAK_TOKEN[:15]
    assert fragment not in json.dumps(result), result["msg"]
    assert fragment not in fault_run["run"].output
    assert "access_token" in result["msg"]


def test_the_client_secret_is_in_no_output_of_the_fault_run(fault_run):
    assert CLIENT_SECRET not in fault_run["run"].output
    assert all(CLIENT_SECRET not in json.dumps(outcome) for outcome in fault_run["outcomes"].values())


# ---------------------------------------------------------------- answers the happy path does not show


def _facts(fault_run, name):
    result = _outcome(fault_run, name)["result"]
    assert result.get("failed") is not True, result.get("msg")
    return result["ansible_facts"]["gateway_iperf"]


@pytest.mark.parametrize("name", ["far_rate_limit_reset", "unknown_status"])
def test_an_answer_that_cannot_improve_ends_the_run_at_once_not_at_wait_timeout(fault_run, name):
    outcome = _outcome(fault_run, name)
    assert outcome["result"]["failed"] is True
    assert outcome["elapsed"] < LONG_WAIT / 4, "%s waited %.0f s of its %d s" % (name, outcome["elapsed"], LONG_WAIT)


def test_a_silent_sso_endpoint_is_asked_once_and_no_fork_reports_a_busy_server(fault_run):
    results = [_outcome(fault_run, name)["result"] for name in ("silent_sso", "silent_sso_fork_2", "silent_sso_fork_3")]
    assert [result.get("error_type") for result in results] == ["auth"] * 3
    assert all(result.get("attempts") == [] for result in results), "no iperf server was leased for a token problem"
    shared = [result["msg"] for result in results if "another run on this controller" in result["msg"]]
    assert len(shared) >= 2, [result["msg"] for result in results]
    token_requests = fault_run["metrics"]["silent_sso"]["requests"].get("POST /as/token.oauth2", {})
    assert 1 <= sum(token_requests.values()) <= 2, token_requests


def test_a_figure_missing_everywhere_is_an_error_with_a_true_hint_never_a_pass(fault_run):
    facts = _facts(fault_run, "receiver_figure_missing_everywhere")
    upload = facts["upload"]
    assert facts["raw_output"] is None and upload["sender"]["bits_per_second"] > 0
    assert (upload["receiver"] or {}).get("bits_per_second") is None
    verdict = evaluate(facts, {"min_receiver_mbps": 50})
    assert (verdict["verdict"], verdict["reason"]) == ("ERROR", "no_measurement")
    assert "Central's output has no receiverBandwidth and it sent no iperf3 text" in verdict["message"]


def test_a_cut_raw_output_takes_its_summary_from_centrals_output(fault_run):
    upload = _facts(fault_run, "raw_output_cut_before_its_summary")["upload"]
    assert len(upload["intervals"]) == 3 and upload["sources"]["intervals"] == "raw_output"
    assert upload["sources"]["receiver"]["bits_per_second"] == "output"
    assert 50e6 < upload["receiver"]["bits_per_second"] <= 100e6


def test_an_iperf_30_udp_receiver_is_derived_from_the_datagrams(fault_run):
    facts = _facts(fault_run, "iperf_30_udp_without_receiver_figure")
    upload = facts["upload"]
    assert facts["protocol"] == "udp" and facts["iperf_version"].startswith("3.0")
    assert upload["sources"]["receiver"]["bits_per_second"] == "derived"
    udp = upload["udp"]
    share = (udp["total_datagrams"] - udp["lost_datagrams"]) / float(udp["total_datagrams"])
    assert upload["receiver"]["bits_per_second"] == round(upload["sender"]["bits_per_second"] * share)


def test_a_lost_start_answer_is_settled_with_list_tasks(fault_run):
    requests = fault_run["metrics"]["start_answer_lost"]["requests"]
    listed = sum(sum(counts.values()) for route, counts in requests.items() if route.endswith("/list-tasks"))
    assert listed >= 1, requests


def test_a_run_waiting_for_a_held_endpoint_spends_server_wait_timeout_only(fault_run):
    outcomes = {name: _outcome(fault_run, name) for name in ("lease_holder", "lease_waiter")}
    kinds = sorted(outcome["result"].get("error_type") for outcome in outcomes.values())
    assert kinds == ["server_busy", "timeout"], {name: o["result"].get("msg") for name, o in outcomes.items()}


def test_every_case_ran(fault_run):
    missing = [name for name, outcome in fault_run["outcomes"].items() if outcome is None]
    assert not missing, "no result for %s:\n%s" % (missing, fault_run["run"].tail())

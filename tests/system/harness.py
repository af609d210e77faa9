# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Helpers for the system tests: local Central simulators, ansible-playbook runs and what they leave behind.

Everything talks to loopback only. Each run gets its own token cache, lease directory and Ansible home under a
temporary directory, and none of the caller's ``CENTRAL_*`` environment variables.
"""

import contextlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests
import yaml

# .../ansible_collections/aruba_central/troubleshooting/tests/system/harness.py
COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
COLLECTIONS_PATH = os.environ.get("ANSIBLE_COLLECTIONS_PATH") or os.path.abspath(
    os.path.join(COLLECTION_ROOT, os.pardir, os.pardir, os.pardir))
BIN_DIR = os.path.dirname(sys.executable)
PYTHON = sys.executable
# Ansible's own start-up, forking a module and writing its result: added to every bound on a module's wall time.
ANSIBLE_SLACK_SECONDS = 20.0


def central_sim_testing():
    """The simulator's test helpers (``central_sim.testing``), or None when the package is not importable."""
    try:
        from central_sim import testing  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    return testing


def write_yaml(path, data):
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(data, handle, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return str(path)


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    return str(path)


def read_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


# ---------------------------------------------------------------- simulators


@contextlib.contextmanager
def simulators(specs, workdir):
    """Start one simulator per ``{name: options}`` (in parallel) and yield ``{name: readiness info}``.

    ``options`` are ``running_simulator`` keyword options, plus ``faults_data`` (written to a faults file) and
    ``gateways_data`` (written to a gateways file). Every simulator is stopped on exit.
    """
    testing = central_sim_testing()
    managers = {}
    for name, options in specs.items():
        options = dict(options)
        if "faults_data" in options:
            options["faults"] = write_yaml(os.path.join(str(workdir), "%s-faults.yml" % name), options.pop("faults_data"))
        if "gateways_data" in options:
            options["gateways"] = write_yaml(os.path.join(str(workdir), "%s-gateways.yml" % name),
                                             options.pop("gateways_data"))
        options.setdefault("mode", "synthetic")
        options.setdefault("state_dir", os.path.join(str(workdir), "%s-state" % name))
        options.setdefault("startup_timeout", 90.0)
        managers[name] = testing.running_simulator(**options)
    with contextlib.ExitStack() as stack:
        with ThreadPoolExecutor(max_workers=max(1, min(4, len(managers)))) as pool:
            futures = {name: pool.submit(manager.__enter__) for name, manager in managers.items()}
            started, failure = {}, None
            for name, future in futures.items():
                try:
                    started[name] = future.result()
                    stack.push(managers[name])
                except Exception as exc:  # pylint: disable=broad-exception-caught
                    failure = failure or exc
        if failure is not None:
            raise failure
        yield started


def sim_session(info):
    session = requests.Session()
    session.verify = info.get("ca_path") or True
    return session


def sim_metrics(info):
    with sim_session(info) as session:
        return session.get(info["base_url"] + "/_sim/metrics", timeout=10).json()


def sim_token(info, client_id, client_secret):
    """An access token from the simulator's token endpoint, the way a user would get one."""
    with sim_session(info) as session:
        answer = session.post(info["token_url"], data={"grant_type": "client_credentials", "client_id": client_id,
                                                       "client_secret": client_secret}, timeout=10)
    answer.raise_for_status()
    return answer.json()["access_token"]


def tasks_of(metrics, serial):
    return [task for task in metrics["tasks"] if task["serial"] == serial]


def requests_with_status(metrics, status):
    return sum(statuses.get(str(status), 0) for statuses in metrics["requests"].values())


def storm_seed(route, route_faults, hits, misses=3, limit=20000):
    """A fault seed with which the first ``hits`` requests on ``route`` get a fault and the next ``misses`` do not.

    The simulator draws its fault decisions from one seeded random sequence; with a single client the requests
    arrive in a fixed order, so a storm of exactly ``hits`` faults followed by calm is repeatable.
    """
    from central_sim.faults import FaultInjector, parse_faults  # pylint: disable=import-outside-toplevel

    for seed in range(limit):
        injector = FaultInjector(parse_faults({route: route_faults, "seed": seed}), 0)
        decisions = [injector.before(route, "ANY") for _index in range(hits + misses)]
        faulted = [bool(item.action or item.slow_seconds) for item in decisions]
        if all(faulted[:hits]) and not any(faulted[hits:]):
            return seed
    raise AssertionError("no seed below %d gives %d faults then %d calm requests" % (limit, hits, misses))


# ---------------------------------------------------------------- Ansible runs


def ansible_env(workdir, **extra):
    """The environment of an Ansible run: this collection, no CENTRAL_* from outside, private caches."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CENTRAL_")}
    home = os.path.join(str(workdir), "ansible-home")
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_PATH,
        "ANSIBLE_HOME": home,
        "ANSIBLE_LOCAL_TEMP": os.path.join(home, "tmp"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ANSIBLE_PYTHON_INTERPRETER": PYTHON,
        "ANSIBLE_CONFIG": os.path.join(str(workdir), "ansible.cfg"),
        "CENTRAL_TOKEN_CACHE_DIR": os.path.join(str(workdir), "token-cache"),
        "XDG_RUNTIME_DIR": os.path.join(str(workdir), "runtime"),
        "PATH": BIN_DIR + os.pathsep + os.environ.get("PATH", ""),
    })
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    if not os.path.exists(env["ANSIBLE_CONFIG"]):
        with open(env["ANSIBLE_CONFIG"], "w", encoding="utf-8") as handle:
            handle.write("# no settings: everything comes from the environment of the run\n[defaults]\n")
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Run:
    """What an ansible-playbook (or ansible-inventory) run left: exit code, output and wall time."""

    def __init__(self, args, returncode, stdout, stderr, seconds):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds

    @property
    def output(self):
        return self.stdout + "\n" + self.stderr

    def tail(self, lines=40):
        return "\n".join(self.output.splitlines()[-lines:])


def run_ansible(command, args, env, cwd, timeout=240):
    argv = [os.path.join(BIN_DIR, command)] + [str(item) for item in args]
    began = time.monotonic()
    proc = subprocess.run(argv, env=env, cwd=str(cwd), capture_output=True, text=True, timeout=timeout, check=False,
                          stdin=subprocess.DEVNULL)
    return Run(argv, proc.returncode, proc.stdout, proc.stderr, time.monotonic() - began)


def files_under(*roots):
    """Every regular file under the given directories (or the files themselves)."""
    found = []
    for root in roots:
        root = str(root)
        if os.path.isfile(root):
            found.append(root)
            continue
        for directory, _dirs, names in os.walk(root):
            found.extend(os.path.join(directory, name) for name in names)
    return sorted(found)


def files_containing(needle, paths):
    """The paths whose bytes contain ``needle``."""
    data = needle.encode("utf-8")
    hits = []
    for path in paths:
        with open(path, "rb") as handle:
            if data in handle.read():
                hits.append(path)
    return hits

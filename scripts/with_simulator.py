# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run a command against a freshly started local Central simulator, and always stop the simulator afterwards.

    python scripts/with_simulator.py [--config FILE] [--sim-arg=--speed=20 ...] -- COMMAND ...

The simulator's address and demo credentials reach the command as CENTRAL_* environment variables (what an AWX
credential injects) and, with --config, as a YAML vars file (ansible-test's integration_config.yml). --link
SERIAL=JSON changes a gateway's link before the command runs (``{"up_mbps": 120}``: a link that got slower). The
command's exit code is returned. Ctrl-C and SIGTERM stop the simulator too.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIMULATOR_DIR = os.path.join(ROOT, "simulator")
CLIENT_ID = "demo-client"
CLIENT_SECRET = "demo-secret"


def start(sim_args, state_dir, log_path):
    ready_file = os.path.join(state_dir, "ready.json")
    env = dict(os.environ, PYTHONPATH=SIMULATOR_DIR)
    cmd = [sys.executable, "-m", "central_sim", "--port", "0", "--state-dir", state_dir, "--ready-file", ready_file,
           "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET] + sim_args
    log = open(log_path, "w", encoding="utf-8")  # pylint: disable=consider-using-with
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=SIMULATOR_DIR)  # pylint: disable=consider-using-with
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.close()
            with open(log_path, encoding="utf-8") as handle:
                sys.stderr.write(handle.read())
            raise SystemExit("the simulator exited with code %s before it was ready (log above)" % proc.returncode)
        try:
            with open(ready_file, encoding="utf-8") as handle:
                info = json.load(handle)
            return proc, info
        except (OSError, ValueError):
            time.sleep(0.1)
    stop(proc)
    raise SystemExit("the simulator was not ready within 60 s; see %s" % log_path)


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _interrupt(_signum, _frame):
    """SIGTERM ends the command like Ctrl-C does, so the simulator is stopped on the way out."""
    raise KeyboardInterrupt()


def change_links(info, links):
    """Apply ``SERIAL=JSON`` link changes through the simulator's control API (loopback only)."""
    for item in links:
        serial, _sep, body = item.partition("=")
        try:
            json.loads(body)
        except ValueError:
            raise SystemExit("--link %s: give SERIAL={json}, for example CNF7G9K009={\"up_mbps\": 120}" % item) from None
        request = urllib.request.Request("%s/_sim/gateways/%s/link" % (info["base_url"], serial), data=body.encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:  # nosec - the simulator on loopback
            link = json.load(answer)["link"]
        print("central simulator: %s link now down %s / up %s Mbit/s" % (serial, link["down_mbps"], link["up_mbps"]),
              flush=True)


def write_config(path, info):
    lines = {
        "central_base_url": info["base_url"],
        "central_token_url": info["token_url"],
        "central_client_id": CLIENT_ID,
        "central_client_secret": CLIENT_SECRET,
        "central_servers": info.get("servers", []),
        "central_sim_mode": info.get("mode"),
        "central_sim_dir": SIMULATOR_DIR,
        "central_sim_python": sys.executable,
        "central_ca_path": info.get("ca_path"),
    }
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("---\n")
        for key, value in lines.items():
            handle.write("%s: %s\n" % (key, json.dumps(value)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="write the simulator's address and credentials to this YAML vars file")
    parser.add_argument("--sim-arg", action="append", default=[], help="an argument for python -m central_sim")
    parser.add_argument("--log", help="simulator log file (default: in its state directory)")
    parser.add_argument("--link", action="append", default=[], help="SERIAL=JSON: change a gateway's link first")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    sim_args = []
    for item in args.sim_arg:
        sim_args.extend(item.split("=", 1) if item.startswith("--") and "=" in item else [item])

    state_dir = tempfile.mkdtemp(prefix="central-sim-")
    proc, info = start(sim_args, state_dir, args.log or os.path.join(state_dir, "simulator.log"))
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        print("central simulator: %s (%s mode, iperf servers %s)" % (
            info["base_url"], info.get("mode"), ",".join(info.get("servers", []))), flush=True)
        if args.config:
            write_config(args.config, info)
        change_links(info, args.link)
        env = dict(os.environ,
                   CENTRAL_BASE_URL=info["base_url"], CENTRAL_TOKEN_URL=info["token_url"],
                   CENTRAL_CLIENT_ID=CLIENT_ID, CENTRAL_CLIENT_SECRET=CLIENT_SECRET,
                   CENTRAL_SERVERS=",".join(info.get("servers", [])), CENTRAL_SIM_STATE_DIR=state_dir)
        if info.get("ca_path"):
            env["CENTRAL_CA_PATH"] = info["ca_path"]
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 130
    finally:
        stop(proc)


if __name__ == "__main__":
    sys.exit(main())

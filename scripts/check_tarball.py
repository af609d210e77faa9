# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Check the built collection the way a user gets it.

    python scripts/check_tarball.py --tarball DIST/aruba_central-troubleshooting-X.Y.Z.tar.gz --work DIR

1. The tarball holds nothing users should not run: no simulator, benchmark, scripts or CI files, and no inventory
   that confirms test traffic or names iperf servers.
2. It installs into a fresh virtual environment holding only ansible-core, requests and jmespath
   (.ci/matrix/tarball-ansible-core-2.19.txt).
3. ansible-doc renders every module, filter, inventory plugin and role of the installed collection.
4. playbooks/validate_gateway_bandwidth.yml of the installed collection validates the demo fleet against the local
   Central simulator, and the JSON report has a verdict for every gateway.
5. galaxy-importer, the check Galaxy and Automation Hub run on an upload, accepts the tarball (its own environment
   from .ci/matrix/galaxy-importer.txt, kept under --venvs).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

import yaml

from matrix import MatrixError, ensure_venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMESPACE, NAME = "aruba_central", "troubleshooting"
FQCN = NAMESPACE + "." + NAME
USER_REQUIREMENTS = os.path.join(ROOT, ".ci", "matrix", "tarball-ansible-core-2.19.txt")
IMPORTER_REQUIREMENTS = os.path.join(ROOT, ".ci", "matrix", "galaxy-importer.txt")
DEMO_GATEWAYS = os.path.join(ROOT, "simulator", "demo_gateways.yml")
DEMO_INVENTORY = os.path.join(ROOT, "simulator", "demo_inventory", "demo.yml")
NOT_SHIPPED = ("simulator/", "bench/", "scripts/", ".ci/", ".matrix/", ".build/", ".venv/", "tests/output/",
               "tests/system/", ".git", ".layoutignore", "Makefile", "requirements-test.txt")


class CheckError(Exception):
    """A check failed; the message is one line: what is wrong - what to do."""


def step(text):
    print("check_tarball: " + text, flush=True)


def run(argv, env=None, cwd=None, timeout=600):
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    return done.returncode, done.stdout, done.stderr


def _inventory_problems(name, data):
    problems = []
    if not isinstance(data, dict):
        return problems
    for key, value in data.items():
        if key == "gateway_bandwidth_confirm" and value not in (False, None, "false", "no", ""):
            problems.append("%s sets gateway_bandwidth_confirm to %r" % (name, value))
        elif key == "gateway_bandwidth_server_pool":
            problems.append("%s names iperf servers (gateway_bandwidth_server_pool)" % name)
        problems.extend(_inventory_problems(name, value))
    return problems


def readme_problems(text, repository):
    """Links Galaxy cannot follow: relative ones, and pictures not served from galaxy.yml's repository."""
    links = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'<img[^>]*\ssrc="([^"]+)"', text)
    problems = ["README.md links to %s (relative)" % link for link in links if not link.startswith(("https://", "#"))]
    raw = repository.rstrip("/").replace("https://github.com/", "https://raw.githubusercontent.com/") + "/"
    pictures = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
    problems += ["README.md shows %s (not from %s)" % (link, raw) for link in pictures if not link.startswith(raw)]
    return problems


def check_contents(tarball):
    """Nothing but what users should run; example inventories with the production guard off and no servers."""
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
        problems = ["%s is shipped" % name for name in names if name.startswith(NOT_SHIPPED)]
        manifest = json.loads(archive.extractfile("MANIFEST.json").read())
        readme = archive.extractfile("README.md").read().decode("utf-8")
        problems.extend(readme_problems(readme, manifest["collection_info"]["repository"]))
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith("playbooks/") and member.name.endswith((".yml", ".yaml")) \
                    and "inventory" in member.name:
                data = yaml.safe_load(archive.extractfile(member).read())
                problems.extend(_inventory_problems(member.name, data))
    if problems:
        raise CheckError("the tarball is not what users should get: %s - fix build_ignore in galaxy.yml, the "
                         "inventory under playbooks/ or the README's links" % "; ".join(problems))
    return names


def install(tarball, venv, collections):
    """A fresh virtual environment with only ansible-core, requests and jmespath, and the collection installed."""
    ensure_venv(USER_REQUIREMENTS, venv, fresh=True)
    shutil.rmtree(collections, ignore_errors=True)
    code, out, err = run([os.path.join(venv, "bin", "ansible-galaxy"), "collection", "install", "--offline",
                          "-p", collections, tarball], env=user_env(venv, collections))
    if code != 0:
        raise CheckError("ansible-galaxy could not install the tarball: %s - see the error above" % (err or out).strip())


def user_env(venv, collections):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(PATH=os.path.join(venv, "bin") + os.pathsep + env.get("PATH", ""), ANSIBLE_COLLECTIONS_PATH=collections,
               ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", ANSIBLE_NOCOLOR="1")
    return env


def expected_plugins(names):
    """What the tarball's files say ansible-doc must list, per plugin type."""
    def stems(pattern):
        return sorted({re.match(pattern, name).group(1) for name in names if re.match(pattern, name)})
    return {
        "module": stems(r"^plugins/modules/([a-z0-9_]+)\.py$"),
        "filter": stems(r"^plugins/filter/([a-z0-9_]+)\.ya?ml$"),
        "inventory": stems(r"^plugins/inventory/([a-z0-9_]+)\.py$"),
        "role": stems(r"^roles/([a-z0-9_]+)/meta/argument_specs\.ya?ml$"),
    }


def check_docs(venv, collections, names):
    """ansible-doc lists and renders every plugin and role, without a warning."""
    env = user_env(venv, collections)
    ansible_doc = os.path.join(venv, "bin", "ansible-doc")
    rendered = 0
    for plugin_type, expected in expected_plugins(names).items():
        code, out, err = run([ansible_doc, "-t", plugin_type, "--list", "--json", FQCN], env=env)
        if code != 0 or "[WARNING]" in err:
            raise CheckError("ansible-doc -t %s --list failed: %s - fix the documentation" % (plugin_type, err.strip()))
        listed = sorted(fqcn.split(".", 2)[2] for fqcn in json.loads(out))
        if listed != expected:
            raise CheckError("ansible-doc lists %s %s, the tarball has %s - document every %s (or remove the extra file)"
                             % (plugin_type, listed, expected, plugin_type))
        for name in expected:
            code, out, err = run([ansible_doc, "-t", plugin_type, FQCN + "." + name], env=env)
            if code != 0 or not out.strip() or "[WARNING]" in err or "[ERROR]" in err:
                raise CheckError("ansible-doc -t %s %s.%s failed: %s - fix its documentation"
                                 % (plugin_type, FQCN, name, (err or "no output").strip()))
            rendered += 1
    return rendered


def check_playbook(venv, collections, work, speed):
    """The validation playbook of the installed collection against the simulator; every gateway has a verdict."""
    reports = os.path.join(work, "reports")
    shutil.rmtree(reports, ignore_errors=True)
    env = user_env(venv, collections)
    env["ANSIBLE_FORKS"] = "6"
    playbook = [os.path.join(venv, "bin", "ansible-playbook"), "-i", DEMO_INVENTORY,
                FQCN + ".validate_gateway_bandwidth", "-e", "bandwidth_report_dir=" + reports,
                "-e", "gateway_bandwidth_fail_play=false"]
    argv = [sys.executable, os.path.join(ROOT, "scripts", "with_simulator.py"), "--sim-arg=--gateways=" + DEMO_GATEWAYS,
            "--sim-arg=--speed=%s" % speed, "--"] + playbook
    code, out, err = run(argv, env=env, cwd=work, timeout=900)
    if code != 0:
        sys.stdout.write(out[-6000:] + err[-3000:])
        raise CheckError("the installed collection's validate_gateway_bandwidth playbook failed (exit %d, output above) - "
                         "run it by hand the same way to see why" % code)
    try:
        with open(os.path.join(reports, "bandwidth_report.json"), encoding="utf-8") as handle:
            report = json.load(handle)
    except (OSError, ValueError) as exc:
        raise CheckError("the installed collection's validate_gateway_bandwidth playbook wrote no readable JSON report "
                         "(%s) - check the role bandwidth_report" % exc) from exc
    with open(DEMO_INVENTORY, encoding="utf-8") as handle:
        inventory_hosts = set(re.findall(r"^\s+(gw-[a-z]+-\d+):", handle.read(), re.MULTILINE))
    verdicts = {host["host"]: host.get("verdict") for host in report["hosts"]}
    if set(verdicts) != inventory_hosts or not set(verdicts.values()) <= {"PASS", "FAIL", "ERROR"} \
            or "PASS" not in verdicts.values():
        raise CheckError("the report does not give every demo gateway a verdict (or none passed): %s - see %s"
                         % (verdicts, reports))
    return verdicts


def check_importer(tarball, venvs, work):
    """galaxy-importer's checks (ansible-doc, ansible-lint, metadata), offline, as Galaxy runs them on an upload."""
    venv = os.path.join(venvs, "galaxy-importer")
    ensure_venv(IMPORTER_REQUIREMENTS, venv)
    env = dict(os.environ, PATH=os.path.join(venv, "bin") + os.pathsep + os.environ.get("PATH", ""),
               GALAXY_IMPORTER_RUN_ANSIBLE_TEST="false", GALAXY_IMPORTER_OFFLINE_ANSIBLE_LINT="true")
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    importer_dir = os.path.join(work, "importer")
    shutil.rmtree(importer_dir, ignore_errors=True)
    os.makedirs(importer_dir)
    code, out, err = run([os.path.join(venv, "bin", "python"), "-m", "galaxy_importer.main", tarball], env=env,
                         cwd=importer_dir)
    log = out + err
    with open(os.path.join(importer_dir, "importer.log"), "w", encoding="utf-8") as handle:
        handle.write(log)
    # ansible-lint findings and content problems are logged as warnings; Galaxy shows them on the collection's page.
    findings = [line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR)\b", line)]
    if code != 0 or findings:
        sys.stdout.write("\n".join(findings[-40:]) + "\n")
        raise CheckError("galaxy-importer did not accept the tarball cleanly (exit %d, findings above) - see %s"
                         % (code, os.path.join(importer_dir, "importer.log")))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", required=True)
    parser.add_argument("--work", required=True, help="a directory for the fresh environment, the install and reports")
    parser.add_argument("--venvs", default=os.path.join(ROOT, ".matrix"), help="where galaxy-importer's environment lives")
    parser.add_argument("--speed", default="20", help="the simulator's time scale (as make demo)")
    parser.add_argument("--no-importer", action="store_true", help="leave galaxy-importer out")
    args = parser.parse_args(argv)
    tarball, work = os.path.abspath(args.tarball), os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    venv, collections = os.path.join(work, "venv"), os.path.join(work, "collections")
    try:
        names = check_contents(tarball)
        step("contents: %d files, no development material, example inventory guarded, README links absolute" % len(names))
        install(tarball, venv, collections)
        step("installed into a fresh environment with only ansible-core, requests and jmespath")
        step("ansible-doc rendered %d plugins and roles" % check_docs(venv, collections, names))
        verdicts = check_playbook(venv, collections, work, args.speed)
        counts = {verdict: list(verdicts.values()).count(verdict) for verdict in ("PASS", "FAIL", "ERROR")}
        step("validate_gateway_bandwidth from the installed collection: %d gateways, %s" % (len(verdicts), counts))
        if not args.no_importer:
            check_importer(tarball, os.path.abspath(args.venvs), work)
            step("galaxy-importer accepted the tarball")
    except (CheckError, MatrixError) as exc:
        print("check_tarball: FAILED: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

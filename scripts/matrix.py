# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The support matrix: ansible-test sanity and the unit tests on every ansible-core release the collection claims.

    python scripts/matrix.py --build BUILD [--venvs DIR] [--readme README.md] 2.16 2.17 2.18 2.19 2.20 2.21

Each release gets a virtual environment of its own, made from .ci/matrix/ansible-core-<release>.txt (exact pins; the
file's "# python: X.Y" line names the interpreter) and kept under --venvs until that file changes. The collection laid
out under BUILD (make layout) is tested in place, one release after the other. Each release's result goes to
BUILD/matrix/<release>.json with its logs; the "Tested with" table is printed at the end and, with --readme, written
between the README's tested-with markers. The exit code is 1 when any release failed.
"""

import argparse
import datetime
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from xml.etree import ElementTree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUIREMENTS = os.path.join(ROOT, ".ci", "matrix", "ansible-core-%s.txt")
GET_PIP_STANDIN = os.path.join(ROOT, ".ci", "get_pip_standin.py")
GET_PIP_CACHE = os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py")
COLLECTION = ("ansible_collections", "aruba_central", "troubleshooting")
README_START = "<!-- tested-with: start (written by scripts/matrix.py; run make test-matrix to renew) -->"
README_END = "<!-- tested-with: end -->"
PIP_VERSION_PROBE = ("import inspect, re; from ansible_test._internal import python_requirements as p; "
                     "print(re.search(r\"pip='([0-9.]+)'\", inspect.getsource(p.get_venv_packages)).group(1))")


class MatrixError(Exception):
    """A release could not be set up; the message is one line: what went wrong - what to do."""


def read_requirements(path):
    """(python version, exact ansible-core version or None) of a requirements file with a '# python: X.Y' line."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise MatrixError("cannot read %s (%s) - add it" % (path, exc.strerror)) from exc
    python = re.search(r"^# python: (\d+\.\d+)\s*$", text, re.MULTILINE)
    if not python:
        raise MatrixError("%s lacks a '# python: X.Y' line - add one naming the interpreter" % path)
    core = re.search(r"^ansible-core==(\S+)\s*$", text, re.MULTILINE)
    return python.group(1), core.group(1) if core else None


def _runs(interpreter, version):
    try:
        done = subprocess.run([interpreter, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return False
    return done.returncode == 0 and done.stdout.strip() == version


def find_python(version):
    """An interpreter of this X.Y version: on PATH, else the newest one pyenv installed."""
    name = "python" + version
    candidates = [shutil.which(name)]
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    installed = glob.glob(os.path.join(pyenv_root, "versions", version + ".*", "bin", name))
    candidates += sorted(installed, key=lambda path: [int(part) for part in re.findall(r"\d+", path.split("/")[-3])],
                         reverse=True)
    for candidate in candidates:
        if candidate and _runs(candidate, version):
            return candidate
    raise MatrixError("no Python %s interpreter found - install it (for example pyenv install %s) or put %s on PATH"
                      % (version, version, name))


def ensure_venv(requirements, venv, fresh=False):
    """A virtual environment made from ``requirements``; kept until that file or its interpreter changes.

    ``fresh`` makes it anew in any case. Returns the X.Y Python version it runs.
    """
    python_version = read_requirements(requirements)[0]
    interpreter = os.path.realpath(find_python(python_version))
    with open(requirements, "rb") as handle:
        stamp = hashlib.sha256(handle.read() + interpreter.encode()).hexdigest()
    stamp_path = os.path.join(venv, "matrix-stamp")
    if not fresh and os.path.isfile(stamp_path):
        with open(stamp_path, encoding="utf-8") as handle:
            if handle.read().strip() == stamp:
                return python_version
    shutil.rmtree(venv, ignore_errors=True)
    print("creating %s from %s (Python %s)" % (venv, os.path.relpath(requirements, ROOT), python_version), flush=True)
    subprocess.run([interpreter, "-m", "venv", venv], check=True)
    pip = [os.path.join(venv, "bin", "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if subprocess.run(pip + ["-r", requirements], check=False).returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        raise MatrixError("installing %s failed (pip output above) - check the pins and the package index" % requirements)
    with open(stamp_path, "w", encoding="utf-8") as handle:
        handle.write(stamp + "\n")
    return python_version


def install_pip_standin(venv):
    """ansible-test's pip bootstrap script, offline, under the name this release asks for (only when missing)."""
    done = subprocess.run([os.path.join(venv, "bin", "python"), "-c", PIP_VERSION_PROBE],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise MatrixError("cannot read the pip version ansible-test bootstraps (%s) - update PIP_VERSION_PROBE in "
                          "scripts/matrix.py" % (done.stderr.strip().splitlines() or ["no output"])[-1])
    target = GET_PIP_CACHE % done.stdout.strip().replace(".", "_")
    if not os.path.isfile(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(GET_PIP_STANDIN, target)


def _run_logged(argv, cwd, env, log_path):
    started = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        code = subprocess.run(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, check=False).returncode
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        return code, handle.read(), round(time.monotonic() - started, 1)


def _environment(venv, build):
    env = dict(os.environ, PATH=os.path.join(venv, "bin") + os.pathsep + os.environ.get("PATH", ""),
               ANSIBLE_COLLECTIONS_PATH=build, PYTHONPATH=build, PYTHONDONTWRITEBYTECODE="1")
    env.pop("VIRTUAL_ENV", None)
    return env


def run_sanity(venv, python_version, build, log_path):
    """ansible-test sanity on the whole laid-out repository: every test this release has, no ignore file."""
    argv = [os.path.join(venv, "bin", "ansible-test"), "sanity", "--local", "--requirements",
            "--python", python_version, "--color", "no"]
    code, output, seconds = _run_logged(argv, os.path.join(build, *COLLECTION), _environment(venv, build), log_path)
    tests = re.findall(r'^Running sanity test [\'"]([\w.-]+)[\'"]', output, re.MULTILINE)
    failed = []
    fatal = re.search(r"^FATAL: The \d+ sanity test\(s\) listed below .*\n((?:[\w.-]+\n?)+)", output, re.MULTILINE)
    if fatal:
        failed = fatal.group(1).split()
    elif code != 0:
        failed = ["ansible-test exit %d" % code]
    skipped = sorted(set(re.findall(r'^WARNING: Required program "([\w.-]+)" not found', output, re.MULTILINE)))
    errors = [line for line in output.splitlines() if line.startswith(("ERROR:", "FATAL:"))]
    return {"tests": len(tests), "failed": failed, "missing_programs": skipped, "seconds": seconds,
            "errors": errors[:40], "log": log_path}


def run_units(venv, build, junit_path, log_path):
    """The unit tests with this release's Python and ansible-core."""
    argv = [os.path.join(venv, "bin", "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit",
            "--junitxml", junit_path]
    code, output, seconds = _run_logged(argv, os.path.join(build, *COLLECTION), _environment(venv, build), log_path)
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    try:
        for suite in ElementTree.parse(junit_path).getroot().iter("testsuite"):
            total = int(suite.get("tests", 0))
            for key, attribute in (("failed", "failures"), ("errors", "errors"), ("skipped", "skipped")):
                counts[key] += int(suite.get(attribute, 0))
            counts["passed"] += total - int(suite.get("failures", 0)) - int(suite.get("errors", 0)) \
                - int(suite.get("skipped", 0))
    except (OSError, ElementTree.ParseError):
        counts["errors"] += 1
    summary = [line for line in output.splitlines() if re.match(r"^(FAILED|ERROR) ", line)]
    return dict(counts, exit_code=code, seconds=seconds, failures=summary[:40], log=log_path)


def test_release(release, build, venvs, results_dir):
    """Set up, then sanity and unit tests for one release; the result record (also written as JSON)."""
    record = {"release": release}
    try:
        requirements = REQUIREMENTS % release
        core = read_requirements(requirements)[1]
        if not core:
            raise MatrixError("%s pins no ansible-core - add ansible-core==<newest %s release>" % (requirements, release))
        venv = os.path.join(venvs, "ansible-core-" + release)
        python_version = ensure_venv(requirements, venv)
        install_pip_standin(venv)
    except (MatrixError, subprocess.CalledProcessError) as exc:
        record.update(ok=False, setup_error=str(exc))
        return record
    python_full = subprocess.run([os.path.join(venv, "bin", "python"), "-c", "import platform; print(platform.python_version())"],
                                 capture_output=True, text=True, check=True).stdout.strip()
    record.update(ansible_core=core, python=python_full)
    print("ansible-core %s on Python %s: sanity ..." % (core, python_full), flush=True)
    record["sanity"] = run_sanity(venv, python_version, build, os.path.join(results_dir, release + "-sanity.log"))
    print("ansible-core %s on Python %s: unit tests ..." % (core, python_full), flush=True)
    record["unit"] = run_units(venv, build, os.path.join(results_dir, release + "-unit.xml"),
                               os.path.join(results_dir, release + "-unit.log"))
    record["ok"] = (not record["sanity"]["failed"] and record["unit"]["exit_code"] == 0
                    and not record["unit"]["failed"] and not record["unit"]["errors"])
    return record


def _sanity_cell(sanity):
    if sanity["failed"]:
        return "**failed**: " + ", ".join(sanity["failed"])
    text = "passed (%d tests)" % sanity["tests"]
    if sanity["missing_programs"]:
        text += ", without " + ", ".join(sanity["missing_programs"])
    return text


def _unit_cell(unit):
    parts = ["%d passed" % unit["passed"]]
    parts += ["%d %s" % (unit[key], key) for key in ("failed", "errors", "skipped") if unit[key]]
    text = ", ".join(parts)
    return text if unit["exit_code"] == 0 and not unit["failed"] and not unit["errors"] else "**failed**: " + text


def table(records, when):
    """The "Tested with" table, Markdown."""
    lines = ["| ansible-core | Python | `ansible-test sanity` | unit tests |", "|---|---|---|---|"]
    for record in records:
        if "setup_error" in record:
            lines.append("| %s | | **not set up**: %s | |" % (record["release"], record["setup_error"]))
            continue
        cells = (record["ansible_core"], record["python"], _sanity_cell(record["sanity"]), _unit_cell(record["unit"]))
        lines.append("| %s | %s | %s | %s |" % cells)
    lines.append("")
    lines.append("`scripts/matrix.py %s`, %s." % (" ".join(record["release"] for record in records), when))
    return "\n".join(lines) + "\n"


def write_readme(readme, text):
    """Replace what stands between the README's tested-with markers."""
    with open(readme, encoding="utf-8") as handle:
        content = handle.read()
    start, end = content.find(README_START), content.find(README_END)
    if start < 0 or end < start:
        raise MatrixError("%s has no tested-with markers - add the lines %s and %s where the table belongs"
                          % (readme, README_START, README_END))
    content = content[:start + len(README_START)] + "\n" + text + content[end:]
    with open(readme, "w", encoding="utf-8") as handle:
        handle.write(content)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("releases", nargs="+", help="ansible-core releases, for example 2.16 2.21")
    parser.add_argument("--build", required=True, help="the directory holding ansible_collections/ (make layout)")
    parser.add_argument("--venvs", default=os.path.join(ROOT, ".matrix"), help="where the virtual environments live")
    parser.add_argument("--readme", help="write the table into this README, between its tested-with markers")
    args = parser.parse_args(argv)
    build = os.path.abspath(args.build)
    if not os.path.isdir(os.path.join(build, *COLLECTION)):
        parser.error("%s holds no laid-out collection - run make layout first" % build)
    results_dir = os.path.join(build, "matrix")
    os.makedirs(results_dir, exist_ok=True)
    records = []
    for release in args.releases:
        record = test_release(release, build, os.path.abspath(args.venvs), results_dir)
        with open(os.path.join(results_dir, release + ".json"), "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=2)
        for line in record.get("sanity", {}).get("errors", []) + record.get("unit", {}).get("failures", []):
            print("  " + line)
        records.append(record)
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = table(records, when)
    print()
    print(text)
    if args.readme:
        write_readme(args.readme, text)
    return 0 if all(record["ok"] for record in records) else 1


if __name__ == "__main__":
    sys.exit(main())

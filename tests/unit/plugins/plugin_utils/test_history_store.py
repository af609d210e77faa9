# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The history store: one SQLite file, versioned and migrated, one transaction per run, refusing what is not ours."""

import multiprocessing
import os
import sqlite3
import stat

import pytest

from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils import _history as history
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils._history import HistoryError, HistoryStore
from ansible_collections.aruba_central.troubleshooting.tests.unit.utils import report_fixtures as fx

NOW = 1747749749.0  # 2025-05-20T14:02:29Z


def store(path, **kwargs):
    return HistoryStore(str(path), clock=lambda: NOW, **kwargs)


def row(host="gw1", serial="CN1", direction="upload", mbps=100.0, task="t1", verdict="PASS", day=1, **extra):
    values = {"host": host, "serial_number": serial, "site": "site-a", "direction": direction,
              "measured_at": "2025-05-%02dT10:00:00Z" % day, "task_id": task, "protocol": "tcp", "streams": 1,
              "verdict": verdict, "receiver_bits_per_second": None if mbps is None else mbps * 1e6,
              "sender_bits_per_second": None if mbps is None else mbps * 1.01e6}
    values.update(extra)
    return values


def run(run_id):
    return {"run_id": run_id, "generated_at": "2025-05-20T14:05:00Z", "awx_job_id": None, "playbook": "p.yml"}


def content(path):
    with open(str(path), "rb") as handle:
        return handle.read()


# --- a new file ----------------------------------------------------------------------------------------------


def test_a_new_file_is_created_marked_versioned_and_in_wal_mode(tmp_path):
    path = tmp_path / "private" / "history.sqlite"
    with store(path) as db:
        assert db.record(run("r1"), [row()]) == {"path": str(path), "run_id": "r1", "written": 1, "already_known": 0}
    assert stat.S_IMODE(os.stat(str(path.parent)).st_mode) == 0o700
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA application_id").fetchone()[0] == history.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT recorded_at FROM runs").fetchone()[0] == "2025-05-20T14:02:29Z"
    conn.close()


def test_reading_a_path_that_does_not_exist_is_empty_and_creates_nothing(tmp_path):
    path = tmp_path / "nothing" / "history.sqlite"
    with store(path) as db:
        assert db.rows() == [] and db.baselines(["CN1"], 5) == {}
    assert not path.parent.exists()


def test_the_default_path_is_in_the_collections_cache_directory():
    environ = {"XDG_CACHE_HOME": "/var/cache/u"}
    assert history.resolve_path("", environ) == "/var/cache/u/aruba_central_troubleshooting/bandwidth_history.sqlite"
    assert history.resolve_path(None, {"CENTRAL_TOKEN_CACHE_DIR": "/pv/cache"}) == "/pv/cache/bandwidth_history.sqlite"
    assert history.resolve_path(" /pv/h.sqlite ", environ) == "/pv/h.sqlite"


# --- writing and reading -------------------------------------------------------------------------------------


def test_a_run_is_recorded_once_whatever_how_often_it_is_written(tmp_path):
    with store(tmp_path / "h.sqlite") as db:
        offline = row(host="gw2", serial="CN2", task=None, verdict="ERROR", mbps=None, reason="device_offline")
        rows = [row(), row(direction="download", mbps=50.0), offline]
        assert db.record(run("r1"), rows)["written"] == 3
        again = db.record(run("r1"), rows)
        assert (again["written"], again["already_known"]) == (0, 3)
        # the same measurement re-rendered under another run id (an aggregation job) is still known by its task id
        assert db.record(run("r2"), rows[:2])["written"] == 0
        assert len(db.rows()) == 3


def test_rows_are_the_last_runs_per_gateway_and_direction_oldest_first_and_filter_by_gateway_or_site(tmp_path):
    with store(tmp_path / "h.sqlite") as db:
        for day in range(1, 6):
            db.record(run("r%d" % day), [row(task="a%d" % day, day=day, mbps=100.0 + day),
                                         row(host="gw2", serial="CN2", task="b%d" % day, day=day, site="site-b")])
        last = db.rows(gateways=["gw1"], runs=3)
        assert [item["measured_at"][:10] for item in last] == ["2025-05-03", "2025-05-04", "2025-05-05"]
        assert [item["receiver_bits_per_second"] for item in last] == [103e6, 104e6, 105e6]
        assert set(item["host"] for item in db.rows(gateways=["CN2"])) == {"gw2"}
        assert set(item["host"] for item in db.rows(sites=["site-b"])) == {"gw2"}
        assert len(db.rows()) == 10


def test_baselines_are_per_protocol_and_streams_without_errors_or_missing_rates(tmp_path):
    with store(tmp_path / "h.sqlite") as db:
        rows = [row(task="t%d" % day, day=day, mbps=90.0 + day) for day in range(1, 8)]
        rows += [row(task="p4", day=9, streams=4, mbps=900.0), row(task="e", day=10, verdict="ERROR", mbps=5.0),
                 row(task="n", day=11, mbps=None, verdict="FAIL")]
        for item in rows:
            db.record(run("run-" + item["task_id"]), [item])
        found = db.baselines(["CN1", "CN-unknown"], 3)
    assert list(found) == ["CN1"]
    points = found["CN1"]["upload"]
    assert [(point["streams"], point["receiver_bits_per_second"]) for point in points] == [
        (1, 95e6), (1, 96e6), (1, 97e6), (4, 900e6)]
    assert set(points[0]) == {"time", "run_id", "receiver_bits_per_second", "sender_bits_per_second", "verdict",
                              "protocol", "streams"}


def test_rows_from_report_entries_carry_each_directions_own_verdict_and_figures():
    entries = fx.mixed_fleet()
    meta, rows = history.history_rows(entries, dict(fx.RUN))
    assert meta == {"run_id": "4711", "generated_at": "2025-05-20T14:05:00Z", "awx_job_id": "4711",
                    "playbook": "validate_gateway_bandwidth.yml"}
    both = dict((item["direction"], item) for item in rows if item["host"] == "gw-both")
    assert (both["upload"]["verdict"], both["upload"]["reason"], both["upload"]["message"]) == ("PASS", None, None)
    assert (both["download"]["verdict"], both["download"]["reason"]) == ("FAIL", "threshold")
    assert both["download"]["receiver_bits_per_second"] == 30400000 and both["download"]["retransmits"] == 40
    assert both["upload"]["measured_at"] == "2025-05-20T14:02:29Z" and both["upload"]["attempts"] == 1
    not_run = [item for item in rows if item["host"] == "gw-notrun"][0]
    assert (not_run["verdict"], not_run["reason"], not_run["measured_at"]) == ("ERROR", "not_run", "2025-05-20T14:05:00Z")


# --- migration -----------------------------------------------------------------------------------------------


def test_a_version_1_file_is_migrated_in_place_keeping_its_rows(tmp_path):
    path = tmp_path / "h.sqlite"
    conn = sqlite3.connect(str(path), isolation_level=None)
    history.transaction(conn, lambda c: history.migrate(c, 0, target=1))
    conn.execute("INSERT INTO runs (run_id, recorded_at) VALUES ('old', '2025-01-01T00:00:00Z')")
    conn.execute("INSERT INTO measurements (run_id, host, serial_number, direction, measured_at, task_id, verdict, "
                 "receiver_bits_per_second, protocol, streams) VALUES ('old', 'gw1', 'CN1', 'upload', "
                 "'2025-01-01T00:00:00Z', 'old-task', 'PASS', 80000000, 'tcp', 1)")
    conn.close()
    with store(path) as db:
        old = db.rows()
        assert len(old) == 1 and old[0]["task_id"] == "old-task" and old[0]["retransmit_percent"] is None
        db.record(run("new"), [row(retransmit_percent=0.5, contract_bits_per_second=1e8, attempts=2)])
        assert [item["attempts"] for item in db.rows()] == [None, 2]
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION
    conn.close()


def test_a_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "h.sqlite"
    with store(path) as db:
        db.record(run("r1"), [row()])
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA user_version = %d" % (history.SCHEMA_VERSION + 1))
    conn.close()
    before = content(path)
    with pytest.raises(HistoryError) as raised, store(path) as db:
        db.record(run("r2"), [row(task="t2")])
    assert "has schema version 3, newer than this collection reads (2)" in str(raised.value)
    assert "upgrade the collection" in str(raised.value) and "\n" not in str(raised.value)
    assert content(path) == before


# --- files that are not ours ---------------------------------------------------------------------------------


def refused(path, what):
    """Both reading and writing are refused with ``what`` in one line, and the file is not changed."""
    before = content(path)
    for action in (lambda db: db.rows(), lambda db: db.record(run("r9"), [row(task="t9")])):
        with pytest.raises(HistoryError) as raised, store(path, timeout=0) as db:
            action(db)
        message = str(raised.value)
        assert what in message and "\n" not in message and "the file is left as it is" in message
        assert "gateway_bandwidth_history_path" in message
    assert content(path) == before
    assert sorted(os.listdir(str(path.parent))) == [path.name]


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 50)
    refused(path, "is not an SQLite database")


def test_a_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('keep me')")
    conn.commit()
    conn.close()
    refused(path, "is an SQLite database of another application (application id 0, 1 tables)")


def test_a_corrupt_history_file_is_refused(tmp_path):
    path = tmp_path / "h.sqlite"
    with store(path) as db:
        db.record(run("r1"), [row(task="t%d" % index, host="gw%d" % index) for index in range(200)])
    data = bytearray(content(path))
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema page after the 100-byte file header
    path.write_bytes(bytes(data))
    refused(path, "is damaged or not a bandwidth history file")


def test_a_file_locked_by_another_run_is_reported_as_such(tmp_path):
    path = tmp_path / "h.sqlite"
    with store(path) as db:
        db.record(run("r1"), [row()])
    other = sqlite3.connect(str(path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(HistoryError, match="stayed locked by another run for 0 s - run again"), store(path, timeout=0) as db:
            db.record(run("r2"), [row(task="t2")])
    finally:
        other.execute("ROLLBACK")
        other.close()


# --- two runs at once ----------------------------------------------------------------------------------------


def _writer(path, name, runs, barrier):
    barrier.wait()
    with HistoryStore(path, timeout=60) as db:
        for number in range(runs):
            rows = [row(host="%s-gw%d" % (name, index), serial="%s-%d" % (name, index), task="%s-%d-%d" % (name, number, index))
                    for index in range(40)]
            db.record(run("%s-run%d" % (name, number)), rows)


def test_writers_in_separate_processes_never_lose_or_mix_a_run(tmp_path):
    path = str(tmp_path / "shared" / "history.sqlite")
    context = multiprocessing.get_context("fork")
    writers = 4
    barrier = context.Barrier(writers)
    processes = [context.Process(target=_writer, args=(path, "w%d" % index, 15, barrier)) for index in range(writers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [process.exitcode for process in processes] == [0] * writers
    with HistoryStore(path) as db:
        assert db.record(run("after"), [])["written"] == 0
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == writers * 15 + 1
    per_run = conn.execute("SELECT run_id, count(*), count(DISTINCT host) FROM measurements GROUP BY run_id").fetchall()
    mixed = conn.execute("SELECT count(*) FROM measurements WHERE substr(host, 1, instr(host, '-')) "
                         "!= substr(run_id, 1, instr(run_id, '-'))").fetchone()[0]
    conn.close()
    assert len(per_run) == writers * 15 and all(count == 40 and hosts == 40 for _run, count, hosts in per_run)
    assert mixed == 0

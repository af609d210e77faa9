# Copyright: contributors to the aruba_central.troubleshooting collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to the aruba_central.troubleshooting collection: it may change or go away at any time without notice;
# do not use it from other collections, roles or playbooks.

"""The bandwidth history store: one SQLite file on the controller, one row per gateway, direction and run.

* One file, by default ``bandwidth_history.sqlite`` in the collection's cache directory (``_paths.cache_dir()``):
  the report directory changes with every run by default, the cache directory does not, and it already keeps
  what the collection learns across runs (test timings). On a controller without lasting disk (an AWX pod) point
  the path at a persistent volume on a local file system (WAL needs shared memory, which network file systems
  do not give).
* The file is marked as ours (``PRAGMA application_id``) and carries its schema version (``PRAGMA user_version``);
  an older version is migrated in place, in one transaction. A file that is not SQLite, an SQLite file of another
  application, a damaged file or a newer schema is refused with a one-line message and never written to.
* WAL journal; every run is written in one ``BEGIN IMMEDIATE`` transaction, so two runs writing at once wait for
  each other (up to ``timeout`` seconds) instead of failing or interleaving. Rows are never written twice: a
  measurement is known by its gateway, direction and Central task id, a row without a task by its run, host and
  direction.
* Reading never creates the file: a path that does not exist is an empty history.
"""

import os
import sqlite3
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._paths import cache_dir
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._rfc3339 import format_rfc3339
from ansible_collections.aruba_central.troubleshooting.plugins.module_utils._text import one_line
from ansible_collections.aruba_central.troubleshooting.plugins.plugin_utils.report._model import (
    direction_rows,
    normalize_entries,
    normalize_metadata,
    number,
    parse_time,
)

APPLICATION_ID = 0x61637462  # "actb": aruba_central troubleshooting bandwidth
SCHEMA_VERSION = 2
FILE_NAME = "bandwidth_history.sqlite"
SQLITE_HEADER = b"SQLite format 3\x00"
PATH_VARIABLE = "gateway_bandwidth_history_path"
DEFAULT_RUNS = 30

# Version n is reached by running the statements of every version up to n, in order.
MIGRATIONS = {
    1: (
        "CREATE TABLE runs (run_id TEXT PRIMARY KEY, recorded_at TEXT NOT NULL, generated_at TEXT, awx_job_id TEXT,"
        " playbook TEXT)",
        "CREATE TABLE measurements (id INTEGER PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs(run_id),"
        " host TEXT NOT NULL, serial_number TEXT, site TEXT,"
        " direction TEXT NOT NULL CHECK (direction IN ('upload', 'download')), measured_at TEXT NOT NULL,"
        " task_id TEXT, protocol TEXT, streams INTEGER, duration_seconds REAL,"
        " verdict TEXT NOT NULL, reason TEXT, message TEXT,"
        " sender_bits_per_second REAL, receiver_bits_per_second REAL, sender_bytes REAL, retransmits INTEGER,"
        " stalled_intervals INTEGER, jitter_ms REAL, loss_percent REAL,"
        " UNIQUE (serial_number, direction, task_id), UNIQUE (run_id, host, direction))",
        "CREATE INDEX measurements_by_gateway ON measurements (serial_number, direction, measured_at)",
        "CREATE INDEX measurements_by_host ON measurements (host, direction, measured_at)",
        "CREATE INDEX measurements_by_site ON measurements (site, measured_at)",
    ),
    2: (
        "ALTER TABLE measurements ADD COLUMN retransmit_percent REAL",
        "ALTER TABLE measurements ADD COLUMN contract_bits_per_second REAL",
        "ALTER TABLE measurements ADD COLUMN baseline_bits_per_second REAL",
        "ALTER TABLE measurements ADD COLUMN attempts INTEGER",
    ),
}
COLUMNS = ("run_id", "host", "serial_number", "site", "direction", "measured_at", "task_id", "protocol", "streams",
           "duration_seconds", "verdict", "reason", "message", "sender_bits_per_second", "receiver_bits_per_second",
           "sender_bytes", "retransmits", "stalled_intervals", "jitter_ms", "loss_percent", "retransmit_percent",
           "contract_bits_per_second", "baseline_bits_per_second", "attempts")
POINT_COLUMNS = ("measured_at", "run_id", "receiver_bits_per_second", "sender_bits_per_second", "verdict", "protocol",
                 "streams")


class HistoryError(Exception):
    """The history file cannot be used; the message is one line: what is wrong - what to do."""


def default_path(environ: Optional[Mapping[str, str]] = None) -> str:
    """``<cache dir>/bandwidth_history.sqlite`` (see ``_paths.cache_dir``)."""
    return os.path.join(cache_dir(environ), FILE_NAME)


def resolve_path(path: Any, environ: Optional[Mapping[str, str]] = None) -> str:
    """The history file for a configured ``path``: the default for None or empty text, else ``path`` with ``~``."""
    if path is None or not str(path).strip():
        return default_path(environ)
    return os.path.abspath(os.path.expanduser(str(path).strip()))


def _stamp(value: Any) -> Optional[str]:
    """An ISO 8601 time as ``YYYY-MM-DDTHH:MM:SSZ`` (sortable as text), or None."""
    parsed = parse_time(value)
    return format_rfc3339(parsed.timestamp()) if parsed else None


def _refused(path: str, why: str, what_to_do: Optional[str] = None) -> HistoryError:
    return HistoryError(one_line("bandwidth history %s %s - %s; the file is left as it is" % (
        path, why, what_to_do or "point %s at another file, or move this one away" % PATH_VARIABLE), 600))


def _header(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(len(SQLITE_HEADER))


# ---------------------------------------------------------------------------------------------------------------
# The store


def migrate(conn: sqlite3.Connection, start: int, target: int = SCHEMA_VERSION) -> None:
    """Inside a write transaction: run the statements of every version after ``start`` up to ``target``."""
    for version in range(start + 1, target + 1):
        for statement in MIGRATIONS[version]:
            conn.execute(statement)
    conn.execute("PRAGMA application_id = %d" % APPLICATION_ID)
    conn.execute("PRAGMA user_version = %d" % target)


def transaction(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], Any]) -> Any:
    """``work(conn)`` in one ``BEGIN IMMEDIATE`` transaction (waits for other writers), committed or rolled back."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
        conn.execute("COMMIT")
    except BaseException:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # SQLite already rolled back (an I/O or corruption error ends the transaction itself)
        raise
    return result


def _ensure_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL once; while another run has it open the switch waits for the next run to make it."""
    if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            pass  # busy: the rollback journal is just as safe for writers, only slower for readers


class HistoryStore(object):
    """One history file (see the module documentation). Reading a path that does not exist creates nothing."""

    def __init__(self, path: str, timeout: float = 30.0, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.timeout = timeout
        self.clock = clock
        self._conn: Optional[sqlite3.Connection] = None

    # -- opening ------------------------------------------------------------------------------------------------

    def exists(self) -> bool:
        """True when the file exists and holds something."""
        return os.path.isfile(self.path) and os.path.getsize(self.path) > 0

    def _check_file(self) -> None:
        if os.path.exists(self.path) and not os.path.isfile(self.path):
            raise _refused(self.path, "is not a file")
        if self.exists():
            try:
                header = _header(self.path)
            except OSError as exc:
                raise _refused(self.path, "cannot be read (%s)" % exc.strerror, "check the file's permissions")
            if header != SQLITE_HEADER:
                raise _refused(self.path, "is not an SQLite database, so not a bandwidth history file")

    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        self._check_file()
        directory = os.path.dirname(self.path)
        if directory and not os.path.isdir(directory):
            os.makedirs(directory, mode=0o700, exist_ok=True)
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise _refused(self.path, "cannot be opened (%s)" % exc)
        conn.row_factory = sqlite3.Row
        self._conn = conn
        return conn

    def _judge(self, conn: sqlite3.Connection) -> Optional[str]:
        """None when the file is ours and current, "create" when empty, "migrate" when older; raises otherwise."""
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id == 0 and tables == 0 and version == 0:
            return "create"
        if app_id != APPLICATION_ID:
            raise _refused(self.path, "is an SQLite database of another application (application id %d, %d tables), "
                                      "not a bandwidth history file" % (app_id, tables))
        if version > SCHEMA_VERSION:
            raise _refused(self.path, "has schema version %d, newer than this collection reads (%d)" % (
                version, SCHEMA_VERSION), "upgrade the collection aruba_central.troubleshooting")
        if version < 1:
            raise _refused(self.path, "is marked as a bandwidth history file but has no schema version")
        return "migrate" if version < SCHEMA_VERSION else None

    def _upgrade(self, conn: sqlite3.Connection) -> None:
        """Inside a write transaction: create or migrate the schema when the file needs it."""
        action = self._judge(conn)
        if action:
            start = 0 if action == "create" else conn.execute("PRAGMA user_version").fetchone()[0]
            migrate(conn, start)

    def _guarded(self, work: Callable[[], Any]) -> Any:
        """``work()``, with every SQLite failure turned into one HistoryError."""
        try:
            return work()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise _refused(self.path, "stayed locked by another run for %s s" % self.timeout,
                               "run again when the other run has finished")
            raise _refused(self.path, "cannot be used (%s)" % exc)
        except sqlite3.DatabaseError as exc:
            raise _refused(self.path, "is damaged or not a bandwidth history file (%s)" % exc)

    def _write(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """``work(conn)`` in the same write transaction as the schema check (and migration)."""
        def run() -> Any:
            conn = self._connect()
            result = transaction(conn, lambda c: (self._upgrade(c), work(c))[1])  # type: ignore[func-returns-value]
            _ensure_wal(conn)
            return result
        return self._guarded(run)

    def _read(self, work: Callable[..., Any]) -> Any:
        """``work(conn)`` on a checked file, migrated first (in a write transaction) when it is older."""
        def run() -> Any:
            conn = self._connect()
            if self._judge(conn):
                transaction(conn, self._upgrade)
                _ensure_wal(conn)
            return work(conn)
        return self._guarded(run)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------------------------

    def record(self, run: Mapping[str, Any], rows: List[Dict[str, Any]]) -> Dict[str, Any]:
        """Write one run and its rows in one transaction; ``{path, run_id, written, already_known}``."""
        run = dict(run)
        run.setdefault("recorded_at", format_rfc3339(self.clock()))
        insert = "INSERT OR IGNORE INTO measurements (%s) VALUES (%s)" % (", ".join(COLUMNS), ", ".join("?" * len(COLUMNS)))

        def work(conn: sqlite3.Connection) -> int:
            conn.execute("INSERT OR IGNORE INTO runs (run_id, recorded_at, generated_at, awx_job_id, playbook) "
                         "VALUES (?, ?, ?, ?, ?)",
                         [run.get(key) for key in ("run_id", "recorded_at", "generated_at", "awx_job_id", "playbook")])
            before = conn.total_changes
            conn.executemany(insert, [[run["run_id"] if key == "run_id" else row.get(key) for key in COLUMNS]
                                      for row in rows])
            return conn.total_changes - before
        written = self._write(work)
        return {"path": self.path, "run_id": run["run_id"], "written": written, "already_known": len(rows) - written}

    # -- reading ------------------------------------------------------------------------------------------------

    def rows(self, gateways: Optional[Sequence[str]] = None, sites: Optional[Sequence[str]] = None,
             runs: int = DEFAULT_RUNS) -> List[Dict[str, Any]]:
        """The last ``runs`` rows of each gateway and direction, oldest first, as dicts (every column).

        ``gateways`` are host names or serial numbers, ``sites`` site names; None or empty means all.
        """
        if not self.exists():
            return []
        where: List[str]
        params: List[Any]
        where, params = [], []
        if gateways:
            marks = ", ".join("?" * len(gateways))
            where.append("(host IN (%s) OR serial_number IN (%s))" % (marks, marks))
            params += list(gateways) * 2
        if sites:
            where.append("site IN (%s)" % ", ".join("?" * len(sites)))
            params += list(sites)
        sql = ("SELECT * FROM (SELECT %s, ROW_NUMBER() OVER (PARTITION BY host, direction ORDER BY measured_at DESC, "
               "id DESC) AS newest FROM measurements%s) WHERE newest <= ? ORDER BY host, direction, measured_at, newest DESC"
               % (", ".join(COLUMNS), (" WHERE " + " AND ".join(where)) if where else ""))
        params.append(int(runs))
        return self._read(lambda conn: [_row_dict(row) for row in conn.execute(sql, params)])

    def baselines(self, serials: Any, runs: int) -> Dict[str, Dict[str, List[Dict[str, Any]]]]:
        """``{serial: {direction: [point, ...]}}``: the last ``runs`` measured runs of each gateway, direction,
        protocol and stream count, oldest first (ERROR rows and rows without a receiver rate are left out)."""
        serials = sorted(set(str(serial) for serial in serials or [] if serial not in (None, "")))
        if not serials or not self.exists():
            return {}
        found: Dict[str, Dict[str, List[Dict[str, Any]]]] = {}
        for start in range(0, len(serials), 500):
            chunk = serials[start:start + 500]
            sql = ("SELECT * FROM (SELECT %s, ROW_NUMBER() OVER (PARTITION BY serial_number, direction, protocol, streams "
                   "ORDER BY measured_at DESC, id DESC) AS newest FROM measurements WHERE serial_number IN (%s) "
                   "AND receiver_bits_per_second IS NOT NULL AND verdict != 'ERROR') WHERE newest <= ? "
                   "ORDER BY serial_number, direction, measured_at, newest DESC"
                   % (", ".join(("serial_number", "direction") + POINT_COLUMNS), ", ".join("?" * len(chunk))))
            for row in self._read(lambda conn, sql=sql, chunk=chunk: conn.execute(sql, chunk + [int(runs)]).fetchall()):
                point = dict((key if key != "measured_at" else "time", row[key]) for key in POINT_COLUMNS)
                found.setdefault(row["serial_number"], {}).setdefault(row["direction"], []).append(point)
        return found


def _row_dict(row: sqlite3.Row) -> Dict[str, Any]:
    return dict((key, row[key]) for key in COLUMNS)


# ---------------------------------------------------------------------------------------------------------------
# Report entries to rows


def _bps(mbps: Any) -> Optional[float]:
    value = number(mbps)
    return None if value is None else value * 1e6


def _direction_figures(record: Dict[str, Any], direction: str) -> Dict[str, Any]:
    measurement = record["measurements"].get(direction) or {}
    contract = (record.get("contract") or {}).get(direction) or {}
    baseline = (record.get("baseline") or {}).get(direction) or {}
    figures = dict((key, number(measurement.get(key))) for key in (
        "sender_bits_per_second", "receiver_bits_per_second", "sender_bytes", "jitter_ms", "loss_percent",
        "retransmit_percent"))
    figures.update((key, _count(measurement.get(key))) for key in ("retransmits", "stalled_intervals"))
    figures["contract_bits_per_second"] = _bps(contract.get("mbps")) if isinstance(contract, dict) else None
    figures["baseline_bits_per_second"] = _bps(baseline.get("median_mbps")) if isinstance(baseline, dict) else None
    return figures


def _row_reason(row: Dict[str, Any]) -> Dict[str, Any]:
    """Reason and message of one direction: its own failed or WARN checks, the record's for an ERROR."""
    record = row["record"]
    if row["verdict"] == "ERROR":
        return {"reason": record.get("reason"), "message": record["message"]}
    if row["verdict"] == "FAIL":
        return {"reason": "threshold", "message": "; ".join(row["failure_messages"])}
    if row["verdict"] == "WARN":
        return {"reason": "warning", "message": "; ".join(row["warn_messages"])}
    return {"reason": None, "message": record["message"] if record["verdict"] == "PASS" else None}


def _count(value: Any) -> Optional[int]:
    value = number(value)
    return None if value is None else int(round(value))


def history_rows(entries: Any, metadata: Optional[Mapping[str, Any]] = None,
                 now: Optional[Callable[[], str]] = None) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """``(run, rows)`` to record: the run's identity and one row per gateway and reported direction.

    ``entries`` and ``metadata`` are what the report renderers take. A row's time is its test's start time, else the
    run's ``generated_at``; its verdict is the direction's verdict in the report.
    """
    run = normalize_metadata(metadata, now=now) if now else normalize_metadata(metadata)
    generated = _stamp(run.get("generated_at")) or format_rfc3339(time.time())
    run_id = one_line(run.get("run_id") or run.get("awx_job_id") or generated, 120)
    rows: List[Dict[str, Any]] = []
    for entry in normalize_entries(entries):
        record = entry["record"]
        test = record["test"]
        attempts = record.get("attempts")
        for row in direction_rows(entry):
            values = {
                "host": entry["host"], "serial_number": record.get("serial_number"), "site": entry["group"],
                "direction": row["direction"], "measured_at": _stamp(test.get("start_time")) or generated,
                "task_id": test.get("task_id"), "protocol": test.get("protocol"), "streams": _count(test.get("streams")),
                "duration_seconds": number(test.get("duration_seconds")), "verdict": row["verdict"],
                "attempts": 1 + (len(attempts) if isinstance(attempts, list) else 0),
            }
            values.update(_row_reason(row))
            values.update(_direction_figures(record, row["direction"]))
            rows.append(values)
    meta = {"run_id": run_id, "generated_at": generated, "awx_job_id": None if run.get("awx_job_id") is None
            else str(run["awx_job_id"]), "playbook": run.get("playbook")}
    return meta, rows

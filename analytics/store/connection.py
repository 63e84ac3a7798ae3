"""The one owner of every DuckDB connection: where the database file is, its schema, and safe access.

DuckDB lets one process at a time hold a database file, and a scheduled CLI import must run beside
the open app. So connections are short-lived: each use opens the file, does its work and closes it,
releasing the file lock. A process that finds the file held by another waits (up to
``PULSE_LOCK_TIMEOUT`` seconds) instead of failing. Inside one process, threads share the cached
database instance; each use gets its own connection, and writes are serialised by a process lock.
Every write runs in one transaction, so readers see either the state before or after it.
"""
from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from analytics.store import derived
from analytics.store import settings as settings_mod
from analytics.store.memo import connection_memo, forget_memo, start_memo
from analytics.store.schema import DATA_TABLES, MIGRATIONS, SCHEMA_V1, SCHEMA_VERSION

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = PROJECT_ROOT / "data" / "pulse.duckdb"

write_lock = threading.RLock()  # one writer at a time in this process (backup holds it too)
_ready: set[str] = set()
_ready_lock = threading.Lock()


class StoreError(Exception):
    """The database cannot be used: busy, newer, or damaged. The message is one user-facing line."""


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database file to use: the explicit path, else $PULSE_DB, else data/pulse.duckdb in the project."""
    chosen = explicit or os.environ.get("PULSE_DB") or DEFAULT_DB
    return Path(chosen).expanduser().resolve()


def _lock_timeout() -> float:
    return float(os.environ.get("PULSE_LOCK_TIMEOUT", "60"))


def _duckdb_config() -> dict[str, str]:
    """DuckDB's settings for every connection: ``PULSE_DUCKDB_MEMORY`` caps the memory DuckDB's buffer manager may
    hold (its default is 80 % of the machine's RAM, so a big import or page kept gigabytes); beyond it DuckDB spills
    to a temporary folder beside the database file instead of growing."""
    limit = os.environ.get("PULSE_DUCKDB_MEMORY", "1GB")
    return {"memory_limit": limit} if limit else {}


def _is_lock_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    """A new connection to the file, waiting while another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + _lock_timeout()
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), config=_duckdb_config())
        except duckdb.IOException as exc:
            if not _is_lock_conflict(exc):
                raise StoreError(f"{path.name}: cannot open the database file ({_short(exc)}). Check that it is a "
                                 "Pipeline Pulse database you may read and write, or restore a backup; it was not "
                                 "modified.") from None
            if time.monotonic() > deadline:
                raise StoreError(f"{path.name} is in use by another program (an import or the app) "
                                 f"for more than {_lock_timeout():.0f} s; try again in a moment.") from None
        except duckdb.Error as exc:
            raise StoreError(f"{path.name} is not a Pipeline Pulse database or is damaged ({_short(exc)}). "
                             "Restore a backup or point PULSE_DB to another file; it was not modified.") from None
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160]


@contextmanager
def connect(path: str | os.PathLike | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection for reading; the schema is created or migrated on first use."""
    target = db_path(path)
    con = _open(target)
    try:
        _ensure_schema(con, target)
        start_memo(con)
        yield con
    except (duckdb.IOException, duckdb.FatalException, duckdb.InternalException) as exc:
        raise StoreError(f"{target.name} could not be read or written ({_short(exc)}). Free some disk space if "
                         "it is full; if the file is damaged, restore a backup or point PULSE_DB to another "
                         "file.") from None
    finally:
        forget_memo(con)
        con.close()


@contextmanager
def side_reader(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A second read connection beside the read connection ``con`` (for reads another thread runs while ``con``
    works), starting with what ``con`` read once (currency, settings, freshness of the stored tables: the same data);
    closed when the block ends. None when ``con`` is not a read connection (a transaction may hold rows no other
    connection sees): read through ``con`` itself then."""
    memo = connection_memo(con)
    if memo is None:
        yield None
        return
    reads = con.cursor()
    start_memo(reads)
    connection_memo(reads).update(memo)
    try:
        yield reads
    finally:
        forget_memo(reads)
        reads.close()


@contextmanager
def transaction(path: str | os.PathLike | None = None, *,
                memory_limit: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection inside one write transaction: committed when the block ends, rolled back on any error.
    ``memory_limit`` (a DuckDB size, e.g. '100MB'): DuckDB's buffer lowered to it for the transaction (never raised;
    beyond it DuckDB spills to its temp folder), put back after the commit or the rollback — a big import's rows stay
    in the buffer until the commit and would otherwise grow with the file."""
    with write_lock, connect(path) as con, _lowered_memory(con, memory_limit):
        forget_memo(con)  # it writes: every read inside the transaction asks the database
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            _rollback(con)
            raise
        con.execute("UPDATE meta SET data_version = data_version + 1")
        con.execute("COMMIT")


@contextmanager
def _lowered_memory(con: duckdb.DuckDBPyConnection, limit: str | None) -> Iterator[None]:
    """DuckDB's memory limit lowered to ``limit`` for the block (never raised), then put back as DuckDB shows it (to
    a tenth of its unit). Outside any transaction: an aborted one could not take the setting back."""
    before = str(con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
    lowered = limit is not None and _bytes(limit) < _bytes(before)
    if lowered:
        con.execute("SET memory_limit = ?", [limit])
    try:
        yield
    finally:
        if lowered:
            con.execute("SET memory_limit = ?", [before.replace(" ", "")])


_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20,
          "gib": 2**30, "tib": 2**40}


def _bytes(size: str) -> float:
    """A DuckDB size setting ('100MB', '1.0 GiB') in bytes; infinite when it cannot be read."""
    found = re.fullmatch(r"\s*([0-9.]+)\s*([a-zA-Z]*)\s*", size or "")
    if not found or found.group(2).lower() not in _UNITS:
        return float("inf")
    return float(found.group(1)) * _UNITS[found.group(2).lower()]


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back; if DuckDB cannot (the file failed), closing the connection discards the transaction anyway."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


def _ensure_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    key = str(path)
    if key in _ready:
        return
    with _ready_lock:
        if key in _ready:
            return
        version = _schema_version(con)
        if version > SCHEMA_VERSION:
            raise StoreError(f"{path.name} was written by a newer Pipeline Pulse (schema {version}, this one "
                             f"knows {SCHEMA_VERSION}); upgrade the app. The file was not modified.")
        if version < SCHEMA_VERSION:
            _migrate(con, version)
        _ready.add(key)


def _schema_version(con: duckdb.DuckDBPyConnection) -> int:
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not tables:
        return 0
    if "meta" not in tables:
        raise StoreError("This database file holds tables that are not Pipeline Pulse's; choose another file "
                         "(PULSE_DB or --db). It was not modified.")
    return int(con.execute("SELECT schema_version FROM meta").fetchone()[0])


def _migrate(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """Bring the schema from ``version`` to SCHEMA_VERSION in one transaction: all steps or none."""
    start = version
    con.execute("BEGIN TRANSACTION")
    try:
        if version == 0:
            con.execute(SCHEMA_V1)
            version = 1
        while version < SCHEMA_VERSION:
            con.execute(MIGRATIONS[version])
            version += 1
            con.execute("UPDATE meta SET schema_version = ?", [version])
        if 0 < start < 7:  # a file with data from before deal_versions: the derived tables built once, here
            derived.refresh_current(con)
        elif start == 7:  # the tables schema 8 added, built once, here
            derived.refresh_entries(con)
            derived.refresh_filter_values(con)
            derived.refresh_changes(con)
            derived.refresh_pushes(con)
            derived.refresh_forecast(con)
        if 7 < start < 10:  # deal_pushes' columns schema 10 added (refresh_current and the step above built them)
            derived.refresh_pushes(con)
        if 7 < start < 11:  # the entries' reached_on schema 11 added (refresh_current and the step above built it)
            derived.refresh_entries(con)
        if 0 < start < 13:  # the tables schemas 9, 10, 12 and 13 added, built once, here (a no-op for a table
            derived.refresh_stays(con)  # refresh_current just built, or a schema-10 file's stays, left fresh)
        con.execute("COMMIT")
    except duckdb.Error as exc:
        _rollback(con)
        raise StoreError(f"the database could not be upgraded from schema {start} to {SCHEMA_VERSION} "
                         f"({_short(exc)}); it was not modified. Restore a backup or report the problem.") from None
    except BaseException:
        _rollback(con)
        raise


def forget_schema_cache() -> None:
    """Make the next connection check the schema again (after a file was replaced or deleted)."""
    with _ready_lock:
        _ready.clear()


# --- small shared reads and writes ---------------------------------------------------------------

def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes with every import, deletion or settings change: the cache key for metrics."""
    return int(con.execute("SELECT data_version FROM meta").fetchone()[0])


def set_setting(con: duckdb.DuckDBPyConnection, name: str, value: object) -> object:
    """Store one setting after validation (call inside ``transaction``); returns the stored value."""
    clean = settings_mod.validated(name, value)
    forget_memo(con)
    con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [name, json.dumps(clean)])
    if name == "reporting_currency":  # the stored headline KPIs are in it
        derived.refresh_headline(con)
    return clean


def set_settings(con: duckdb.DuckDBPyConnection, values: dict[str, object]) -> dict[str, object]:
    """Store several settings at once (inside ``transaction``), keeping them consistent with each other.

    The comment threshold is never below the anonymity threshold: a lower one is raised to it (a group too small
    for its numbers to be shown is too small for its comments). Returns the stored values.
    """
    merged = {**settings_mod.get_settings(con), **values}
    clean = dict(values)
    if "comment_threshold" in clean or "anonymity_threshold" in clean:
        floor = settings_mod.validated("anonymity_threshold", merged["anonymity_threshold"])
        clean["comment_threshold"] = max(settings_mod.validated("comment_threshold", merged["comment_threshold"]),
                                         floor)
    return {name: set_setting(con, name, value) for name, value in clean.items()}


def set_fx_rates(con: duckdb.DuckDBPyConnection, rates: dict[str, float]) -> None:
    """Replace every conversion rate (call inside ``transaction``)."""
    forget_memo(con)
    con.execute("DELETE FROM fx_rates")
    for currency, rate in rates.items():
        con.execute("INSERT INTO fx_rates VALUES (?, ?)",
                    [currency.strip().upper(), settings_mod.validated_rate(currency, rate)])
    derived.refresh_headline(con)  # the stored headline KPIs' values are converted with them


def list_imports(con: duckdb.DuckDBPyConnection):
    """The import history, newest first: one row per imported file."""
    return con.execute(
        "SELECT import_id, file_name, kind, snapshot_on, rows_imported, rows_rejected, is_partial, is_sample, "
        "imported_at, sha256 FROM imports ORDER BY import_id DESC").df()


def delete_import(con: duckdb.DuckDBPyConnection, import_id: int) -> bool:
    """Remove exactly the rows one import brought (call inside ``transaction``); False if it did not exist."""
    found = con.execute("SELECT count(*) FROM imports WHERE import_id = ?", [import_id]).fetchone()[0]
    deals = con.execute("SELECT max(snapshot_on) FROM imports WHERE import_id = ? AND kind = 'deals'",
                        [import_id]).fetchone()[0]
    kept = deals is not None and derived.is_fresh(con, "movement_weekly")  # what is before its date stays right
    for table in DATA_TABLES:
        con.execute(f"DELETE FROM {table} WHERE import_id = ?", [import_id])
    con.execute("DELETE FROM imports WHERE import_id = ?", [import_id])
    if deals is not None:  # the tables derived from the deals snapshots (analytics.store.derived) change with them
        derived.refresh_current(con, deleted_on=deals if kept else None)  # the stays last
    else:  # a stage-history import's rows change the stays too (nothing to do when still fresh)
        derived.refresh_stays(con)
    return bool(found)


SAMPLE_CLEARED = "_sample_cleared"   # settings flag: the sample data was removed, never load it again


def remove_sample_data(con: duckdb.DuckDBPyConnection) -> int:
    """Delete every sample import, the stage configuration of pipelines only the sample had, and remember not to
    load the sample again (call inside ``transaction``); the number of sample imports removed."""
    sample = [r[0] for r in con.execute("SELECT import_id FROM imports WHERE is_sample ORDER BY import_id").fetchall()]
    for import_id in sample:
        delete_import(con, import_id)
    if sample:
        con.execute("DELETE FROM stages WHERE pipeline NOT IN (SELECT DISTINCT pipeline FROM deal_snapshots)")
        derived.refresh_stays(con)  # a stage settings change, as a save of the stage table is
    forget_memo(con)
    con.execute("INSERT OR REPLACE INTO settings VALUES (?, 'true')", [SAMPLE_CLEARED])
    return len(sample)


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """True when nothing was ever imported (or everything was deleted)."""
    return con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0

"""Crash and concurrency safety (issue 8): a 100 MB export, an import killed mid-way, several sessions at
once, another process holding the database file, schema versions, backups.

The database must always hold either the state before an import or the state after it, never part of it,
and must open afterwards. Imports from other processes wait for the file (PULSE_LOCK_TIMEOUT) instead of
failing.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from analytics import ingest, store
from analytics.sales import deals
from analytics.store import backup, schema
from tests.corpus import make_corpus
from tests.test_corpus import dump

ROOT = Path(__file__).resolve().parent.parent
BASE = (b"Record ID,Deal Name,Deal Stage,Amount,Create Date,Close Date\n"
        + b"".join(f"B{i},Base {i},appointmentscheduled,{100 + i},2026-09-01,2026-12-15\n".encode()
                   for i in range(40)))


def cli_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "analytics", *args]


def counts(db: Path) -> tuple[int, int]:
    """(imports, deal snapshot rows), read through the store as the app does."""
    with store.connect(db) as con:
        return (con.execute("SELECT count(*) FROM imports").fetchone()[0],
                con.execute("SELECT count(*) FROM deal_snapshots").fetchone()[0])


@pytest.fixture
def base_db(tmp_path) -> Path:
    """A database holding one import of 40 deals."""
    path = tmp_path / "pulse.duckdb"
    ingest.import_file(BASE, "base_2026-11-01.csv", db=path)
    return path


@pytest.fixture(scope="module", params=["with-rejected-rows", "clean"])
def export_12mb(request, tmp_path_factory) -> tuple[Path, int]:
    """A 12 MB deals export (about 110,000 deals, 1 in 997 rejected, or clean so that the SQL path of
    fast_csv.py takes it): big enough that its write takes a while. Returns (path, rows it imports)."""
    path = tmp_path_factory.mktemp("exports") / "deals_2026-11-20.csv"
    every = 997 if request.param == "with-rejected-rows" else 0
    rows = make_corpus.big_deals_csv(path, 12 * 1024 * 1024, snapshot="k", tbd_every=every)
    return path, rows - (len(range(0, rows, every)) if every else 0)


# --- a 100 MB export ----------------------------------------------------------------------------

def run_measured(command: list[str], env: dict, timeout: float = 600) -> tuple[subprocess.CompletedProcess, float, int]:
    """(result, seconds, peak resident memory in bytes) of a command, memory sampled every 20 ms."""
    start = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watched, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.Error:
            pass
        time.sleep(0.02)
        if time.monotonic() - start > timeout:
            process.kill()
            break
    out, err = process.communicate()
    result = subprocess.CompletedProcess(command, process.returncode, out, err)
    return result, time.monotonic() - start, peak


@pytest.mark.parametrize("tbd_every", [997, 0], ids=["with-rejected-rows", "clean"])
def test_a_100_mb_export_imports_with_bounded_memory(tmp_path, tbd_every):
    """With rejected rows (the general path, row by row reasons) and clean (the SQL path of fast_csv.py)."""
    export = tmp_path / "deals_2026-11-20.csv"
    rows = make_corpus.big_deals_csv(export, tbd_every=tbd_every)
    size = export.stat().st_size
    db = tmp_path / "big.duckdb"
    result, seconds, peak = run_measured(cli_command("import", str(export), "--db", str(db)), cli_env())
    print(f"\n100 MB export ({'clean' if not tbd_every else 'with rejected rows'}): {size / 2**20:.0f} MB, "
          f"{rows:,} rows, {seconds:.1f} s, peak RSS {peak / 2**20:,.0f} MB")
    assert result.returncode == 0, result.stderr
    rejected = len(range(0, rows, tbd_every)) if tbd_every else 0  # every tbd_every-th amount is 'TBD'
    assert f"imported {rows - rejected} deals rows" in result.stdout and f", {rejected} rejected." in result.stdout
    # Measured (issue 16): with rejected rows, the file is read in slices (analytics/ingest/deal_stream.py):
    # about 390 MB for the 106 MB file (3.8x; 11.3x when the general path read it whole); clean, the SQL path of
    # fast_csv.py. Each bound keeps about a third of margin.
    bound = 5 if tbd_every else 13
    assert peak < bound * size, f"peak memory {peak / 2**20:.0f} MB for a {size / 2**20:.0f} MB file"
    assert counts(db) == (1, rows - rejected)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, base_db):
    export = tmp_path / "deals.csv"
    export.write_bytes(BASE * 40)
    before = dump(base_db)
    env = cli_env(PULSE_MAX_FILE_MB="0.05")
    result = subprocess.run(cli_command("import", str(export), "--db", str(base_db)), cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: deals.csv: the file is 0.1 MB, over the 0 MB limit")
    assert dump(base_db) == before


# --- killed in the middle of an import ------------------------------------------------------------

PAUSE_BEFORE_COMMIT = textwrap.dedent("""
    import sys, time
    from contextlib import contextmanager
    from analytics import cli, store

    real_transaction = store.transaction

    @contextmanager
    def pausing(path=None):
        with real_transaction(path) as con:
            yield con
            print("every row written, COMMIT next", flush=True)
            time.sleep(600)

    store.transaction = pausing
    sys.exit(cli.main(sys.argv[1:]))
""")


def assert_before_or_after(db: Path, before: dict, added: int) -> str:
    """The database opens, and holds exactly the state before the import or the one after it."""
    store.forget_schema_cache()
    now = dump(db)
    if now == before:
        return "before"
    assert counts(db) == (len(before["imports"]) + 1, len(before["deal_snapshots"]) + added)
    for table in store.DATA_TABLES + ("imports", "settings", "stages"):
        assert set(before[table]) <= set(now[table]), table
    return "after"


def assert_still_usable(db: Path) -> None:
    result = ingest.import_file(BASE.replace(b"B", b"Z"), "after_crash_2026-11-30.csv", db=db)
    assert result.status == "imported" and result.rows_imported == 40


def test_killed_just_before_commit_leaves_the_previous_data(base_db, export_12mb, tmp_path):
    export, _ = export_12mb
    before = dump(base_db)
    script = tmp_path / "pause_before_commit.py"
    script.write_text(PAUSE_BEFORE_COMMIT)
    process = subprocess.Popen([sys.executable, str(script), "import", str(export), "--db", str(base_db)],
                               cwd=ROOT, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "every row written, COMMIT next", process.stderr.read()
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert assert_before_or_after(base_db, before, 0) == "before"
    assert_still_usable(base_db)


def kill_when_writing(db: Path, export: Path, extra_delay: float) -> subprocess.Popen:
    """Run the real CLI import and SIGKILL it once the database file starts growing (+ ``extra_delay`` s)."""
    size = db.stat().st_size
    process = subprocess.Popen(cli_command("import", str(export), "--db", str(db)), cwd=ROOT, env=cli_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if db.stat().st_size != size or Path(f"{db}.wal").exists():
            time.sleep(extra_delay)
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait(timeout=60)
    return process


def test_killed_while_writing_leaves_the_previous_data(base_db, export_12mb):
    export, _ = export_12mb
    before = dump(base_db)
    process = kill_when_writing(base_db, export, 0.0)
    assert process.returncode == -signal.SIGKILL
    assert assert_before_or_after(base_db, before, 0) == "before"
    assert_still_usable(base_db)


@pytest.mark.parametrize("delay", [0.1, 0.3, 0.6])
def test_killed_later_in_the_write_leaves_before_or_after(base_db, export_12mb, delay):
    """Killed 0.1-0.6 s into the write (which takes about half a second): mid-insert, in the stage and
    current-state updates, during or after COMMIT. Never half an import."""
    export, rows = export_12mb
    before = dump(base_db)
    process = kill_when_writing(base_db, export, delay)
    state = assert_before_or_after(base_db, before, rows)
    print(f"\nkilled {delay} s into the write (exit {process.returncode}): database in its {state} state")
    assert_still_usable(base_db)


# --- several sessions at once -------------------------------------------------------------------

ROWS_PER_IMPORT = 300


def numbered_export(n: int) -> bytes:
    """Import number n: its own snapshot date and deal ids, ROWS_PER_IMPORT rows."""
    lines = [f"T{n}-{i},Deal {i},qualifiedtobuy,{10 + i},2026-10-01,2026-12-15\n" for i in range(ROWS_PER_IMPORT)]
    return BASE.splitlines(keepends=True)[0] + "".join(lines).encode()


def imports_as_stored(con) -> list[tuple]:
    """(import id, rows it declares, rows visible) per import, in one statement (one snapshot)."""
    return con.execute("SELECT i.import_id, i.rows_imported, count(s.deal_id) FROM imports i "
                       "LEFT JOIN deal_snapshots s USING (import_id) GROUP BY ALL").fetchall()


def test_two_importing_while_three_read(base_db, monkeypatch):
    """No 'connection is busy', no lost import, and readers see each import whole or not at all. One reader
    goes through the app's cached ``common.fetch``, the others through their own short connections."""
    from ui import common

    monkeypatch.setenv("PULSE_DB", str(base_db))
    errors: list[BaseException] = []
    done = threading.Event()
    seen_states = set()

    def importer(first: int) -> None:
        try:
            for n in range(first, first + 4):
                name = f"deals_2026-12-{n:02d}.csv"
                assert ingest.import_file(numbered_export(n), name, db=base_db).status == "imported"
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    def reader(through_app: bool) -> None:
        try:
            while not done.is_set():
                if through_app:
                    rows, latest = common.fetch(imports_as_stored), common.fetch(deals.latest_snapshot_on)
                else:
                    with store.connect(base_db) as con:
                        rows, latest = imports_as_stored(con), deals.latest_snapshot_on(con)
                for import_id, declared, stored in rows:
                    assert declared == stored, f"import {import_id}: {stored} of {declared} rows visible"
                seen_states.add((len(rows), latest))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    readers = [threading.Thread(target=reader, args=(i == 0,)) for i in range(3)]
    importers = [threading.Thread(target=importer, args=(first,)) for first in (1, 11)]
    for thread in readers + importers:
        thread.start()
    for thread in importers:
        thread.join(timeout=300)
    done.set()
    for thread in readers:
        thread.join(timeout=60)
    assert not errors, errors
    assert counts(base_db) == (9, 40 + 8 * ROWS_PER_IMPORT)
    assert len(seen_states) > 2  # the readers did see the imports arrive


HOLDER = textwrap.dedent("""
    import sys, time
    from analytics import store
    db, hold, pause, total = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    end = time.monotonic() + total
    print("holding", flush=True)
    while time.monotonic() < end:
        with store.connect(db) as con:   # as the app does on every rerun, but for `hold` seconds
            con.execute("SELECT count(*) FROM deal_snapshots").fetchone()
            time.sleep(hold)
        time.sleep(pause)
""")


def start_holder(tmp_path: Path, db: Path, hold: float, pause: float, total: float) -> subprocess.Popen:
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    process = subprocess.Popen([sys.executable, str(script), str(db), str(hold), str(pause), str(total)],
                               cwd=ROOT, env=cli_env(), stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "holding"
    return process


def test_cli_import_waits_for_another_process_holding_the_file_in_bursts(base_db, tmp_path):
    export = tmp_path / "deals_2026-11-21.csv"
    export.write_bytes(numbered_export(1))
    holder = start_holder(tmp_path, base_db, hold=0.4, pause=0.05, total=4)
    try:
        result = subprocess.run(cli_command("import", str(export), "--db", str(base_db)), cwd=ROOT,
                                env=cli_env(PULSE_LOCK_TIMEOUT="60"), capture_output=True, text=True, timeout=120)
    finally:
        holder.wait(timeout=60)
    assert result.returncode == 0, result.stderr
    assert counts(base_db) == (2, 40 + ROWS_PER_IMPORT)


def test_cli_import_gives_up_cleanly_when_the_file_stays_held(base_db, tmp_path):
    export = tmp_path / "deals_2026-11-21.csv"
    export.write_bytes(numbered_export(1))
    before = dump(base_db)
    holder = start_holder(tmp_path, base_db, hold=30, pause=0, total=1)
    try:
        started = time.monotonic()
        result = subprocess.run(cli_command("import", str(export), "--db", str(base_db)), cwd=ROOT,
                                env=cli_env(PULSE_LOCK_TIMEOUT="2"), capture_output=True, text=True, timeout=120)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: pulse.duckdb is in use by another program") and len(
        result.stderr.splitlines()) == 1
    assert 2 <= waited < 30
    assert dump(base_db) == before


# --- schema versions ------------------------------------------------------------------------------

def test_an_older_schema_is_migrated_on_open_keeping_its_data(tmp_path):
    """A version-1 file, built from the version-1 schema with rows inserted by hand, is brought up to date
    through every migration in one transaction, and its data stays."""
    path = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(path))
    con.execute(schema.SCHEMA_V1)
    con.execute("INSERT INTO imports (import_id, file_name, sha256, kind, snapshot_on, rows_imported, rows_rejected) "
                "VALUES (nextval('import_ids'), 'old_2026-10-01.csv', 'abc', 'deals', DATE '2026-10-01', 2, 0)")
    con.execute("INSERT INTO deal_snapshots (import_id, snapshot_on, deal_id, pipeline, stage, amount) VALUES "
                "(1, DATE '2026-10-01', 'D1', 'default', 'Qualified', 100), "
                "(1, DATE '2026-10-01', 'D2', 'default', 'Closed won', 250)")
    con.close()
    store.forget_schema_cache()
    with store.connect(path) as con:
        version = con.execute("SELECT schema_version FROM meta").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert version == store.SCHEMA_VERSION > 1
    assert set(schema.MIGRATIONS) == set(range(1, store.SCHEMA_VERSION))
    assert {"deal_stage_history", "quotas", "scenarios"} <= tables
    assert counts(path) == (1, 2)
    assert ingest.import_file(BASE, "next_2026-11-08.csv", db=path).rows_imported == 40
    assert counts(path) == (2, 42)


def test_a_failed_migration_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "v1.duckdb"
    ingest.import_file(BASE, "base_2026-11-01.csv", db=path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET schema_version = 1")
    con.close()
    before = dump(path)
    monkeypatch.setitem(schema.MIGRATIONS, 2, "CREATE TABLE quotas_broken (x INTEGER); SELECT * FROM no_such_table;")
    store.forget_schema_cache()
    with pytest.raises(store.StoreError, match="could not be upgraded from schema 1"):
        with store.connect(path):
            pass
    assert dump(path) == before
    store.forget_schema_cache()


def newer_schema(path: Path) -> bytes:
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET schema_version = 99")
    con.close()
    return path.read_bytes()


@pytest.mark.parametrize("damage, message", [
    ("truncated", "could not be read or written"), ("zeroed", "cannot open the database file"),
    ("text", "cannot open the database file"), ("newer", "was written by a newer Pipeline Pulse")])
def test_a_damaged_or_newer_file_is_refused_and_never_overwritten(tmp_path, damage, message, capsys):
    from analytics import cli

    path = tmp_path / "damaged.duckdb"
    ingest.import_file(BASE, "base_2026-11-01.csv", db=path)
    whole = path.read_bytes()
    if damage == "newer":
        broken = newer_schema(path)
    else:
        broken = {"truncated": whole[: len(whole) // 3], "zeroed": b"\0" * len(whole),
                  "text": b"Record ID,Deal Stage\n1,closedwon\n" * 50}[damage]
        path.write_bytes(broken)
    store.forget_schema_cache()
    export = tmp_path / "deals_2026-11-21.csv"
    export.write_bytes(numbered_export(1))
    assert cli.main(["import", str(export), "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: damaged.duckdb") and message in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert path.read_bytes() == broken
    store.forget_schema_cache()


# --- backups ------------------------------------------------------------------------------------

def test_backup_is_a_consistent_copy_that_opens_with_the_same_counts(base_db, tmp_path):
    ingest.import_file(numbered_export(1), "deals_2026-11-21.csv", db=base_db)
    target = tmp_path / "backups" / "pulse-backup.duckdb"
    written = backup.backup_database(base_db, target)
    assert written == target and target.exists()
    store.forget_schema_cache()
    assert dump(target) == dump(base_db)
    assert counts(target) == counts(base_db) == (2, 40 + ROWS_PER_IMPORT)


def test_backup_refuses_to_overwrite_the_database_itself(base_db):
    with pytest.raises(backup.BackupError, match="itself"):
        backup.backup_database(base_db, base_db)


def test_backup_cli_and_restore(base_db, tmp_path):
    target = tmp_path / "copy.duckdb"
    result = subprocess.run(cli_command("backup", str(target), "--db", str(base_db)), cwd=ROOT, env=cli_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert str(target) in result.stdout
    again = subprocess.run(cli_command("backup", str(target), "--db", str(base_db)), cwd=ROOT, env=cli_env(),
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and again.stderr.startswith("error: ") and "exists" in again.stderr
    # restore = put the copy in place of the database (app and imports stopped) and open it
    ingest.import_file(numbered_export(2), "deals_2026-11-22.csv", db=base_db)
    target.replace(base_db)
    store.forget_schema_cache()
    assert counts(base_db) == (1, 40)


def test_backup_waits_for_a_running_import(base_db, export_12mb, tmp_path):
    """A backup taken while another process imports holds the state before or after it, never half."""
    export, rows = export_12mb
    before = dump(base_db)
    process = subprocess.Popen(cli_command("import", str(export), "--db", str(base_db)), cwd=ROOT, env=cli_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    target = tmp_path / "during.duckdb"
    try:
        time.sleep(1.0)
        backup.backup_database(base_db, target)
    finally:
        process.wait(timeout=300)
    assert process.returncode == 0
    assert assert_before_or_after(target, before, rows) in ("before", "after")


def test_settings_page_offers_the_backup_download(base_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PULSE_DB", str(base_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at.switch_page("views/data/settings.py").run()
    assert not at.exception, at.exception
    button = at.get("download_button")[-1]
    assert button.proto.label == "Download database backup" and button.proto.id.endswith("settings_backup")
    copy = backup.backup_bytes(base_db)  # what the button sends when clicked
    restored = base_db.parent / "restored.duckdb"
    restored.write_bytes(copy)
    assert counts(restored) == counts(base_db)

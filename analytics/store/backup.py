"""A consistent copy of the database file, for ``python -m analytics backup PATH`` and the Settings page.

The copy is the database file itself as of its last commit: under the store's write lock (no import or
setting can start in this process) and with the file open (no other process can write to it), a CHECKPOINT
moves everything committed into the file, which is then copied byte for byte to a temporary file beside
the destination and renamed into place. The copy is opened once, read-only, to check it before it is kept.

Restore: stop the app and any scheduled import, keep the current file aside, put the backup in its place
(``data/pulse.duckdb`` or the file $PULSE_DB names), and start the app again. Or point PULSE_DB (or --db) at
the backup file to look at it first.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from analytics.store import connection as store


class BackupError(Exception):
    """The backup cannot be written; str() is one user-facing line."""


def backup_database(db: str | os.PathLike | None, dest: str | os.PathLike, overwrite: bool = False) -> Path:
    """Write a consistent copy of the database to ``dest`` (a file, or a folder to put a dated file in)."""
    source = store.db_path(db)
    target = _target(source, Path(dest).expanduser())
    if target.resolve() == source:
        raise BackupError(f"{target.name} is the database itself; choose another file for the backup.")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} already exists; choose a new file name (nothing was written).")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    try:
        with store.write_lock, store.connect(source) as con:  # no import or setting may start meanwhile
            con.execute("CHECKPOINT")
            if Path(f"{source}.wal").exists() and Path(f"{source}.wal").stat().st_size:
                raise BackupError(f"{source.name} could not be checkpointed; try again in a moment.")
            shutil.copyfile(source, temporary)
        _check_copy(Path(temporary))
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target


def backup_bytes(db: str | os.PathLike | None = None) -> bytes:
    """The bytes of a consistent copy of the database (for a download button)."""
    with tempfile.TemporaryDirectory(prefix="pulse-backup-") as folder:
        return backup_database(db, Path(folder) / "backup.duckdb").read_bytes()


def backup_file_name(db: str | os.PathLike | None = None, now: dt.datetime | None = None) -> str:
    """A dated name for a backup of the database: pulse-2026-11-28-1530.duckdb."""
    stem = store.db_path(db).stem
    return f"{stem}-{(now or dt.datetime.now()):%Y-%m-%d-%H%M}.duckdb"


def _target(source: Path, dest: Path) -> Path:
    """The backup file: ``dest``, or a dated file inside it when it is a folder."""
    return dest / backup_file_name(source) if dest.is_dir() else dest


def _check_copy(path: Path) -> None:
    """Open the copy read-only and read its schema version: a backup that does not open is not kept."""
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            con.execute("SELECT schema_version FROM meta").fetchone()
        finally:
            con.close()
    except duckdb.Error as exc:
        raise BackupError(f"the copy could not be checked ({str(exc).splitlines()[0][:120]}); "
                          "nothing was kept.") from None

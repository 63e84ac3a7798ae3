"""Tables derived from the imported snapshots, maintained inside the import (or deletion) that changes them.

``deal_current`` — grain: one row per deal ever imported: its row of the latest snapshot holding it, with
``is_dropped`` (absent from its pipeline's latest full snapshot). It is the part of the deal state that only
imports change (no stage or currency setting); the sales metrics add status, probability and value to it
(``analytics.sales.deals``).
"""
from __future__ import annotations

import datetime as dt

import duckdb

from analytics.store.sql import Fragment


def latest_rows_sql(as_of: dt.date | None) -> Fragment:
    """SQL for one row per deal: its row of the latest snapshot holding it (on or before ``as_of``) + is_dropped.

    This is the part of the deal state that only imports change (no stage or currency setting): stored
    for the latest date in ``deal_current`` by ``refresh_current``. The date is a bound parameter.
    """
    cutoff = "WHERE s.snapshot_on <= ?" if as_of else ""
    return Fragment(f"""
    WITH visible AS (
        SELECT s.*, i.is_partial FROM deal_snapshots s JOIN imports i USING (import_id) {cutoff}
    ),
    latest_row AS (
        SELECT * FROM visible
        QUALIFY row_number() OVER (PARTITION BY deal_id ORDER BY snapshot_on DESC, import_id DESC) = 1
    ),
    latest_full AS (
        SELECT DISTINCT pipeline, snapshot_on AS full_on, import_id AS full_id FROM visible WHERE NOT is_partial
        QUALIFY row_number() OVER (PARTITION BY pipeline ORDER BY snapshot_on DESC, import_id DESC) = 1
    )
    SELECT {CURRENT_COLUMNS},
           coalesce(f.full_on > s.snapshot_on OR (f.full_on = s.snapshot_on AND f.full_id > s.import_id),
                    FALSE) AS is_dropped
    FROM latest_row s LEFT JOIN latest_full f ON f.pipeline = s.pipeline
    """, [as_of] if as_of else [])


CURRENT_COLUMNS = ", ".join(f"s.{c}" for c in (
    "import_id", "snapshot_on", "deal_id", "name", "pipeline", "stage", "status_raw", "amount", "currency", "owner",
    "created_on", "close_on", "probability", "forecast_category"))


# --- the stored current state ----------------------------------------------------------------------
# Every metric reads the deal state; rebuilding it from every snapshot takes seconds at a million deals.
# ``deal_current`` holds latest_rows_sql(None), rebuilt inside each deals import and deletion; it is used
# only while its fingerprint (what was imported when it was built) still matches, so rows written another
# way (tests, older versions of the app) fall back to the full computation, never to stale numbers.

_FINGERPRINT_SQL = """
SELECT concat_ws('/', count(*), max(import_id), sum(import_id), max(snapshot_on),
       (SELECT count(*) FILTER (is_partial) FROM imports WHERE import_id <> $1),
       (SELECT count(*) FROM imports WHERE import_id <> $1))
FROM deal_snapshots WHERE import_id <> $1
"""


def refresh_current(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> None:
    """Bring ``deal_current`` up to date inside the write transaction that changed the snapshots.

    After a full (not partial) export dated on or after every earlier snapshot (the weekly import), only
    ``import_id`` changed things: its deals take its rows, and the other deals of its pipelines are dropped.
    Otherwise (a deletion, a partial or back-dated export) it is rebuilt from every snapshot.
    """
    if import_id is not None and _appends(con, import_id):
        con.execute("DELETE FROM deal_current WHERE deal_id IN "
                    "(SELECT deal_id FROM deal_snapshots WHERE import_id = ?)", [import_id])
        con.execute("UPDATE deal_current SET is_dropped = TRUE WHERE NOT is_dropped AND pipeline IN "
                    "(SELECT DISTINCT pipeline FROM deal_snapshots WHERE import_id = ?)", [import_id])
        con.execute(f"INSERT INTO deal_current SELECT {CURRENT_COLUMNS}, FALSE FROM deal_snapshots s "
                    "WHERE s.import_id = ?", [import_id])
    else:
        con.execute("DELETE FROM deal_current")
        con.execute(f"INSERT INTO deal_current {latest_rows_sql(None).sql}")
    con.execute("DELETE FROM deal_current_meta")
    con.execute(f"INSERT INTO deal_current_meta {_FINGERPRINT_SQL}", [-1])


def _appends(con: duckdb.DuckDBPyConnection, import_id: int) -> bool:
    """True when ``deal_current`` was fresh before ``import_id`` and that import is a full, latest, newest one."""
    stored = con.execute("SELECT max(fingerprint) FROM deal_current_meta").fetchone()[0]
    if stored is None:  # never built: fresh only when this import brings the first deals
        if con.execute("SELECT count(*) FROM deal_snapshots WHERE import_id <> ?", [import_id]).fetchone()[0] or \
                con.execute("SELECT count(*) FROM deal_current").fetchone()[0]:
            return False
    elif stored != con.execute(_FINGERPRINT_SQL, [import_id]).fetchone()[0]:
        return False
    return bool(con.execute(
        "SELECT NOT i.is_partial AND i.import_id = (SELECT max(import_id) FROM imports) AND i.snapshot_on >= "
        "coalesce((SELECT max(snapshot_on) FROM deal_snapshots WHERE import_id <> i.import_id), i.snapshot_on) "
        "FROM imports i WHERE i.import_id = ?", [import_id]).fetchone()[0])


def current_is_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """True when ``deal_current`` was built from exactly the snapshots now in the database."""
    built = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'deal_current_meta' "
                        "AND NOT temporary").fetchone()[0]
    if not built:  # a schema made without the migrations (tests build _SCHEMA_V1 alone)
        return False
    stored = con.execute("SELECT max(fingerprint) FROM deal_current_meta").fetchone()[0]
    return stored is not None and stored == con.execute(_FINGERPRINT_SQL, [-1]).fetchone()[0]

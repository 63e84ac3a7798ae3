"""Tables derived from the imported snapshots, maintained inside the import (or deletion) that changes them.

``deal_current`` — grain: one row per deal ever imported: its row of the latest snapshot holding it, with
``is_dropped`` (absent from its pipeline's latest full snapshot). It is the part of the deal state that only
imports change (no stage or currency setting); the sales metrics add status, probability and value to it
(``analytics.sales.deals``).

``deal_versions`` — grain: one row per deal snapshot row (deal x import): the row as imported, plus
``valid_until`` (the date of the deal's next row in a later snapshot, NULL while it is the deal's latest row) and
``dropped_on`` (the first date of a full export of the row's pipeline, after the row, that the row's deal is
missing from — or holds it again: from then on this row is no longer the pipeline's latest word, NULL while none).
Every deal's state as of any date ``d`` is then a filter, not a window over every snapshot: the rows with
``snapshot_on <= d < valid_until``, dropped when ``dropped_on <= d`` (``rows_as_of``). Only imports change it
(no stage, probability or currency setting), so a settings change never makes it stale.

``movement_weekly`` — grain: one row per snapshot date x the raw keys the settings read: the deals present and not
dropped as of that date, grouped by their (pipeline, stage, status_raw, currency) then, and by where each stood
as of the previous snapshot date (from_pipeline, from_stage, from_status_raw when it was there and not dropped;
in_before false and the from_* NULL otherwise): deals = how many, amount_total = sum of amounts, amount_no_p = sum
of the amounts without an exported probability, amount_p = sum of amount x exported probability. The weekly
trend applies the stage settings and currency rates to these few rows (``analytics.sales.movement.trend``),
never to every deal of every snapshot. previous_on is NULL for the first snapshot date.
"""
from __future__ import annotations

import datetime as dt

import duckdb

from analytics.store.sql import Fragment, checked


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
# way (tests, older versions of the app) fall back to the full computation, never to stale numbers. The
# fingerprint counts deals imports only: a survey or 1:1 import leaves every derived table fresh.

_FINGERPRINT_SQL = """
SELECT concat_ws('/', count(*), max(import_id), sum(import_id), max(snapshot_on),
       (SELECT count(*) FILTER (is_partial) FROM imports WHERE import_id <> $1 AND kind = 'deals'),
       (SELECT count(*) FROM imports WHERE import_id <> $1 AND kind = 'deals'))
FROM deal_snapshots WHERE import_id <> $1
"""


def refresh_current(con: duckdb.DuckDBPyConnection, import_id: int | None = None,
                    deleted_on: dt.date | None = None) -> None:
    """Bring ``deal_current`` up to date inside the write transaction that changed the snapshots.

    After a full (not partial) export dated on or after every earlier snapshot (the weekly import), only
    ``import_id`` changed things: its deals take its rows, and the other deals of its pipelines are dropped.
    Otherwise (a deletion, a partial or back-dated export) it is rebuilt from every snapshot. Then the other
    derived tables (``refresh_versions``); ``deleted_on``: the date of the snapshot a deletion removed, when the
    tables were fresh before it (what is derived from earlier dates is kept).
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
    _stamp(con, "deal_current")
    refresh_versions(con, import_id, deleted_on)


def _appends(con: duckdb.DuckDBPyConnection, import_id: int, table: str = "deal_current",
             full_only: bool = True) -> bool:
    """True when ``table`` was fresh before ``import_id`` and that import is the newest one, dated on or after
    every other snapshot (and a full export, with ``full_only``)."""
    if not _was_fresh(con, import_id, table):
        return False
    return bool(con.execute(
        "SELECT (NOT i.is_partial OR NOT ?) AND i.import_id = (SELECT max(import_id) FROM imports) "
        "AND i.snapshot_on >= "
        "coalesce((SELECT max(snapshot_on) FROM deal_snapshots WHERE import_id <> i.import_id), i.snapshot_on) "
        "FROM imports i WHERE i.import_id = ?", [full_only, import_id]).fetchone()[0])


def current_is_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """True when ``deal_current`` was built from exactly the snapshots now in the database."""
    return is_fresh(con, "deal_current")


def is_fresh(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when the derived ``table`` (one of DERIVED_TABLES) was built from exactly the snapshots now stored."""
    table = checked(table, DERIVED_TABLES)
    if not _built(con, table):
        return False
    stored = con.execute(f"SELECT max(fingerprint) FROM {table}_meta").fetchone()[0]
    return stored is not None and stored == con.execute(_FINGERPRINT_SQL, [-1]).fetchone()[0]


# --- every deal's rows with their validity: the state as of any date ------------------------------------
# The pages compare many past dates (the weekly trend, the accuracy of past forecasts, movement between two
# chosen snapshots); latest_rows_sql(date) ranks every snapshot row for each one. ``deal_versions`` stores, once
# per import, until when each row is the deal's latest and from when it counts as dropped.

DERIVED_TABLES = ("deal_current", "deal_versions", "movement_weekly", "forecast_snapshots")
VERSION_COLUMNS = CURRENT_COLUMNS.replace("s.", "")

# The full build: valid_until = the date of the deal's next row (ordered by date, then import); dropped_on = the
# date of the first full export of the row's pipeline after the row (by date, then import): from that date the row
# is dropped, or replaced by the export's own row of the deal (valid_until comes first then).
_VERSIONS_SQL = f"""
WITH ordered AS (
    SELECT {CURRENT_COLUMNS},
           lead(s.snapshot_on) OVER (PARTITION BY s.deal_id ORDER BY s.snapshot_on, s.import_id) AS valid_until,
           (s.snapshot_on - DATE '1970-01-01') * 1000000000000 + s.import_id AS seq
    FROM deal_snapshots s
),
fulls AS (
    SELECT DISTINCT s.pipeline, s.snapshot_on AS full_on,
           (s.snapshot_on - DATE '1970-01-01') * 1000000000000 + s.import_id AS seq
    FROM deal_snapshots s JOIN imports i USING (import_id) WHERE NOT i.is_partial
)
SELECT {CURRENT_COLUMNS.replace("s.", "o.")}, o.valid_until, f.full_on AS dropped_on
FROM ordered o ASOF LEFT JOIN fulls f ON f.pipeline = o.pipeline AND f.seq > o.seq
"""


def refresh_versions(con: duckdb.DuckDBPyConnection, import_id: int | None = None,
                     deleted_on: dt.date | None = None) -> None:
    """Bring ``deal_versions`` up to date inside the write transaction that changed the snapshots.

    When ``import_id`` is the newest import and dated on or after every other snapshot (the weekly import,
    partial or not), only its rows are new: the deals it holds get their previous latest row closed on its date,
    the rows of its pipelines not yet dropped get dropped_on = its date when it is a full export, and its rows
    are added. Otherwise (a deletion, a back-dated export, a table never built) it is rebuilt from every snapshot.
    """
    if not _built(con, "deal_versions"):
        return
    if import_id is not None and _appends(con, import_id, "deal_versions", full_only=False):
        con.execute("UPDATE deal_versions SET valid_until = (SELECT snapshot_on FROM imports WHERE import_id = $1) "
                    "WHERE valid_until IS NULL AND deal_id IN "
                    "(SELECT deal_id FROM deal_snapshots WHERE import_id = $1)", [import_id])
        con.execute("UPDATE deal_versions SET dropped_on = (SELECT snapshot_on FROM imports WHERE import_id = $1) "
                    "WHERE dropped_on IS NULL AND pipeline IN "
                    "(SELECT DISTINCT pipeline FROM deal_snapshots WHERE import_id = $1) "
                    "AND NOT (SELECT is_partial FROM imports WHERE import_id = $1)", [import_id])
        con.execute(f"INSERT INTO deal_versions SELECT {VERSION_COLUMNS}, NULL, NULL FROM deal_snapshots "
                    "WHERE import_id = ?", [import_id])
    else:
        con.execute("DELETE FROM deal_versions")
        con.execute(f"INSERT INTO deal_versions {_VERSIONS_SQL}")
    _stamp(con, "deal_versions")
    refresh_forecast(con, import_id, deleted_on)
    refresh_weekly(con, import_id, deleted_on)


def rows_as_of(con: duckdb.DuckDBPyConnection, as_of: dt.date | None) -> Fragment:
    """SQL for one row per deal, its latest row on or before ``as_of`` + is_dropped: ``latest_rows_sql(as_of)``,
    read from ``deal_versions`` when that is fresh (a filter), else computed from every snapshot."""
    if not is_fresh(con, "deal_versions"):
        return latest_rows_sql(as_of)
    if as_of is None:
        return Fragment(f"SELECT {VERSION_COLUMNS}, dropped_on IS NOT NULL AS is_dropped FROM deal_versions "
                        "WHERE valid_until IS NULL", [])
    return Fragment(f"SELECT {VERSION_COLUMNS}, coalesce(dropped_on <= ?, FALSE) AS is_dropped "
                    "FROM deal_versions WHERE snapshot_on <= ? AND (valid_until IS NULL OR valid_until > ?)",
                    [as_of, as_of, as_of])


# --- the weekly trend's rows: one small group per snapshot date and raw stage keys --------------------------

_WEEKLY_SQL = """
WITH pairs AS (
    SELECT b.*, coalesce(NOT a.is_dropped, FALSE) AS in_before, a.pipeline AS pipeline_a, a.stage AS stage_a,
           a.status_raw AS status_raw_a
    FROM ({b}) b LEFT JOIN ({a}) a ON a.deal_id = b.deal_id
    WHERE NOT b.is_dropped
)
SELECT CAST({current} AS DATE) AS snapshot_on, CAST({previous} AS DATE) AS previous_on,
       pipeline, stage, status_raw, currency,
       CASE WHEN in_before THEN pipeline_a END AS from_pipeline, CASE WHEN in_before THEN stage_a END AS from_stage,
       CASE WHEN in_before THEN status_raw_a END AS from_status_raw, in_before, count(*) AS deals,
       sum(amount) AS amount_total, sum(amount) FILTER (probability IS NULL) AS amount_no_p,
       sum(amount * probability) FILTER (probability IS NOT NULL) AS amount_p
FROM pairs
GROUP BY ALL
"""


def refresh_weekly(con: duckdb.DuckDBPyConnection, import_id: int | None = None,
                   deleted_on: dt.date | None = None) -> None:
    """Bring ``movement_weekly`` up to date inside the write transaction that changed the snapshots (after
    ``deal_versions``, which it reads).

    An import changes the state as of its own date and every later one: when the table was fresh before it, the
    dates from the import's date on are recomputed (only its own date for the weekly import). A deletion does
    the same from ``deleted_on`` (given only when the table was fresh before it). Otherwise (a table never
    built) every date is.
    """
    if not _built(con, "movement_weekly"):
        return
    since = deleted_on
    if import_id is not None and _was_fresh(con, import_id, "movement_weekly"):
        since = con.execute("SELECT snapshot_on FROM imports WHERE import_id = ?", [import_id]).fetchone()[0]
    dates = [r[0] for r in con.execute("SELECT DISTINCT snapshot_on FROM deal_snapshots ORDER BY 1").fetchall()]
    con.execute("DELETE FROM movement_weekly WHERE ? IS NULL OR snapshot_on >= ?", [since, since])
    for previous, current in zip([None, *dates], dates, strict=False):
        if since is not None and current < since:
            continue
        b, a = rows_as_of(con, current), rows_as_of(con, previous or current - dt.timedelta(days=1))
        con.execute(*Fragment.format("INSERT INTO movement_weekly " + _WEEKLY_SQL, b=b, a=a,
                                     current=Fragment("?", [current]), previous=Fragment("?", [previous])))
    _stamp(con, "movement_weekly")


# --- Forecast page: what each snapshot forecast, one small group per snapshot date and raw keys ----------------
# ``forecast_snapshots`` — grain: one row per snapshot date x forecast month x (pipeline, stage, status_raw,
# currency) x owner x is_dropped x before_month, over the deals as of that date (``rows_as_of``) that have an amount
# and a close date. period_start = the close month, or the snapshot's month when the close date is earlier
# (before_month true: a past-due open deal counts in the snapshot's month, a won deal closed earlier in none);
# deals = how many; amount_total = sum of amounts; amount_no_p = sum of the amounts without an exported
# probability; amount_p = sum of amount x the exported probability clamped to [0, 1]. The accuracy of past
# forecasts applies the stage settings and currency rates to these rows (``analytics.sales.forecast``), never
# to every deal of every snapshot. Only imports change it.

_FORECAST_SQL = """
SELECT CAST({day} AS DATE) AS snapshot_on,
       greatest(CAST(date_trunc('month', close_on) AS DATE), CAST(date_trunc('month', {day}) AS DATE)) AS period_start,
       close_on < CAST(date_trunc('month', {day}) AS DATE) AS before_month,
       pipeline, stage, status_raw, currency, owner, is_dropped, count(*) AS deals, sum(amount) AS amount_total,
       sum(amount) FILTER (probability IS NULL) AS amount_no_p,
       sum(amount * least(greatest(probability, 0), 1)) FILTER (probability IS NOT NULL) AS amount_p
FROM ({rows}) s
WHERE close_on IS NOT NULL AND amount IS NOT NULL
GROUP BY ALL
"""


def refresh_forecast(con: duckdb.DuckDBPyConnection, import_id: int | None = None,
                     deleted_on: dt.date | None = None) -> None:
    """Bring ``forecast_snapshots`` up to date inside the write transaction that changed the snapshots (after
    ``deal_versions``, which it reads).

    An import changes the state as of its own date and every later one: when the table was fresh before it, the
    dates from the import's date on are recomputed (only its own date for the weekly import). A deletion does the
    same from ``deleted_on`` when the table was as fresh as ``movement_weekly`` (which decided ``deleted_on``).
    Otherwise (a table never built) every date is.
    """
    if not _built(con, "forecast_snapshots"):
        return
    since = deleted_on if deleted_on is not None and _same_stamp(con, "forecast_snapshots", "movement_weekly") \
        else None
    if import_id is not None and _was_fresh(con, import_id, "forecast_snapshots"):
        since = con.execute("SELECT snapshot_on FROM imports WHERE import_id = ?", [import_id]).fetchone()[0]
    dates = [r[0] for r in con.execute("SELECT DISTINCT snapshot_on FROM deal_snapshots ORDER BY 1").fetchall()]
    con.execute("DELETE FROM forecast_snapshots WHERE ? IS NULL OR snapshot_on >= ?", [since, since])
    for day in dates:
        if since is None or day >= since:
            con.execute(*Fragment.format("INSERT INTO forecast_snapshots " + _FORECAST_SQL,
                                         day=Fragment("?", [day]), rows=rows_as_of(con, day)))
    _stamp(con, "forecast_snapshots")


def _same_stamp(con: duckdb.DuckDBPyConnection, table: str, other: str) -> bool:
    """True when the derived ``table`` and ``other`` were last stamped from the same snapshots."""
    stamps = [con.execute(f"SELECT max(fingerprint) FROM {checked(name, DERIVED_TABLES)}_meta").fetchone()[0]
              for name in (table, other)]
    return stamps[0] is not None and stamps[0] == stamps[1]


# --- end of the Forecast page's block ----------------------------------------------------------------------


def _built(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when the schema has ``table`` and its meta table (a schema made without the migrations, as tests
    build _SCHEMA_V1 alone, has not)."""
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
                            [f"{checked(table, DERIVED_TABLES)}_meta"]).fetchone()[0])


def _stamp(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Record that ``table`` now matches the snapshots stored (the fingerprint ``is_fresh`` compares)."""
    table = checked(table, DERIVED_TABLES)
    con.execute(f"DELETE FROM {table}_meta")
    con.execute(f"INSERT INTO {table}_meta {_FINGERPRINT_SQL}", [-1])


def _was_fresh(con: duckdb.DuckDBPyConnection, import_id: int, table: str) -> bool:
    """True when ``table`` was built from exactly the snapshots there were before ``import_id`` (or, never built,
    when there were none)."""
    table = checked(table, DERIVED_TABLES)
    stored = con.execute(f"SELECT max(fingerprint) FROM {table}_meta").fetchone()[0]
    if stored is None:
        return not con.execute("SELECT count(*) FROM deal_snapshots WHERE import_id <> ?", [import_id]).fetchone()[0] \
            and not con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return stored == con.execute(_FINGERPRINT_SQL, [import_id]).fetchone()[0]

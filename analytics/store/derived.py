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

``deal_stage_entries`` (the Pipeline page's stage entry dates, the stages the Priorities page's deals reached) —
grain: one row per (deal_id, pipeline, stage) that a deals snapshot showed or a "Date entered" column dated: seen_on =
the first snapshot date that showed the deal in that pipeline at that stage (NULL when none did), dated_on = the entry
date given by the newest deals import giving one (by snapshot date, then import; the earliest if that import gives
two), NULL when none did; reached_on = the earliest snapshot date that showed it or whose import gave it a "Date
entered" (the stages a deal is known to have reached as of a date ``d`` are its rows with reached_on <= d). Raw facts
only (no stage order, probability or outcome), so a settings change never makes it stale; the stage-entry CTEs of
``analytics.sales.scope`` read it for the latest state instead of every snapshot and every "Date entered" row, the
Priorities page's score and the stage calibration for any date.

``deal_filter_values`` (the sidebar's filter choices, read first by the Pipeline page) — grain: one row per distinct
(field, attribute, value) of every deals import: field 'pipeline' or 'owner' (attribute NULL) with each pipeline and
non-blank owner of any snapshot row, field 'attribute' with each extra attribute's non-blank values (reserved
attributes included: the reader leaves them out). Only imports change it.

``deal_changes`` (the Pipeline page's stale deals) — grain: one row per deal ever imported: first_seen = its first
snapshot date, changed_on = the latest snapshot date where its stage or amount differed from its previous row (rows
ordered by snapshot date, then import; NULL when never). Only imports change it.

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
from collections.abc import Callable

import duckdb

from analytics.store import headline, movement_pairs, outcomes, state, stays
from analytics.store.memo import connection_memo, forget_memo
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
    refresh_pushes(con, import_id)  # first: it reads each deal's latest row before the import in deal_current
    _keep(con, "deal_current", import_id, import_id is not None and _appends(con, import_id), (
        "DELETE FROM deal_current WHERE deal_id IN (SELECT deal_id FROM deal_snapshots WHERE import_id = ?)",
        "UPDATE deal_current SET is_dropped = TRUE WHERE NOT is_dropped AND pipeline IN "
        "(SELECT DISTINCT pipeline FROM deal_snapshots WHERE import_id = ?)",
        f"INSERT INTO deal_current SELECT {CURRENT_COLUMNS}, FALSE FROM deal_snapshots s WHERE s.import_id = ?"),
        latest_rows_sql(None).sql)
    refresh_versions(con, import_id, deleted_on)
    refresh_entries(con, import_id)
    refresh_filter_values(con, import_id)
    refresh_changes(con, import_id)
    refresh_stays(con)


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
    """True when the derived ``table`` (one of DERIVED_TABLES) was built from exactly the snapshots now stored.

    A read connection (``connection_memo``) asks once per table for its life, and reads the snapshots' fingerprint
    once for all tables: every metric of a page asks before its query. A writing connection asks every time."""
    table = checked(table, DERIVED_TABLES)
    memo = connection_memo(con)
    if memo is not None and ("is_fresh", table) in memo:
        return memo[("is_fresh", table)]
    fresh = _built(con, table) and _stored_fingerprint(con, table) == _fingerprint(con, memo, table)
    if memo is not None:
        memo[("is_fresh", table)] = fresh
    return fresh


def _stored_fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    return con.execute(f"SELECT max(fingerprint) FROM {checked(table, DERIVED_TABLES)}_meta").fetchone()[0]


def _fingerprint(con: duckdb.DuckDBPyConnection, memo: dict | None, table: str = "deal_current") -> str:
    """The fingerprint of the snapshots now stored (kept in a read connection's ``memo``); for ``deal_stays`` and
    the outcomes' tables, followed by that of the stage settings and stage-history imports they read
    (``stays.INPUTS_FINGERPRINT_SQL``)."""
    if memo is not None and "fingerprint" in memo:
        found = memo["fingerprint"]
    else:
        found = con.execute(_FINGERPRINT_SQL, [-1]).fetchone()[0]
        if memo is not None:
            memo["fingerprint"] = found
    if table in _WITH_STAGE_INPUTS:
        found += "|" + con.execute(stays.INPUTS_FINGERPRINT_SQL).fetchone()[0]
    if table == "headline_kpis":
        found += "|" + con.execute(headline.INPUTS_FINGERPRINT_SQL).fetchone()[0]
    return found


# --- every deal's rows with their validity: the state as of any date ------------------------------------
# The pages compare many past dates (the weekly trend, the accuracy of past forecasts, movement between two
# chosen snapshots); latest_rows_sql(date) ranks every snapshot row for each one. ``deal_versions`` stores, once
# per import, until when each row is the deal's latest and from when it counts as dropped.

DERIVED_TABLES = ("deal_current", "deal_versions", "movement_weekly", "forecast_snapshots",
                  "deal_stage_entries", "deal_filter_values", "deal_changes",  # the Pipeline page's
                  "deal_pushes",  # the Priorities page's
                  "deal_stays",  # the Pipeline page's stays (analytics.store.stays)
                  "deal_outcomes", "closed_attribute_counts",  # analytics.store.outcomes
                  "movement_pairs",  # analytics.store.movement_pairs
                  "headline_kpis")  # analytics.store.headline
# also read the stage settings and stage histories (and headline_kpis the probabilities, currency and rates)
_WITH_STAGE_INPUTS = ("deal_stays", "deal_outcomes", "closed_attribute_counts", "movement_pairs", "headline_kpis")
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
    _keep(con, "deal_versions", import_id,
          import_id is not None and _appends(con, import_id, "deal_versions", full_only=False), (
              "UPDATE deal_versions SET valid_until = (SELECT snapshot_on FROM imports WHERE import_id = $1) "
              "WHERE valid_until IS NULL AND deal_id IN (SELECT deal_id FROM deal_snapshots WHERE import_id = $1)",
              "UPDATE deal_versions SET dropped_on = (SELECT snapshot_on FROM imports WHERE import_id = $1) "
              "WHERE dropped_on IS NULL AND pipeline IN "
              "(SELECT DISTINCT pipeline FROM deal_snapshots WHERE import_id = $1) "
              "AND NOT (SELECT is_partial FROM imports WHERE import_id = $1)",
              f"INSERT INTO deal_versions SELECT {VERSION_COLUMNS}, NULL, NULL FROM deal_snapshots "
              "WHERE import_id = ?"), _VERSIONS_SQL)
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
    return Fragment(state.VALID_AS_OF.format(columns=VERSION_COLUMNS, day="?"), [as_of, as_of, as_of])


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
    con.execute(f"INSERT INTO {table}_meta VALUES (?)", [_fingerprint(con, None, table)])


def _keep(con: duckdb.DuckDBPyConnection, table: str, import_id: int | None, incremental: bool,
          statements: tuple[str, ...], rebuild: str, first: tuple[str, ...] = ()) -> None:
    """What every derived table's refresh shares: the import's own ``statements`` (each bound to ``import_id``) when
    ``incremental``, else ``table`` emptied and filled again from ``rebuild`` (a SELECT over every snapshot); then
    stamped as matching the snapshots stored. ``first``: when ``import_id`` holds the only deal snapshots (the first
    import of a new database, or the one replacing the sample), ``table`` emptied and filled by these statements
    (each bound to ``import_id``) from that import's rows alone, in one pass where the others merge or rank. A
    connection that writes a derived table keeps no memo of freshness (``is_fresh``) from before the write."""
    table = checked(table, DERIVED_TABLES)
    forget_memo(con)
    if first and import_id is not None and _only_import(con, import_id):
        con.execute(f"DELETE FROM {table}")
        for statement in first:
            con.execute(statement, [import_id])
    elif incremental:
        for statement in statements:
            con.execute(statement, [import_id])
    else:
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} {rebuild}")
    _stamp(con, table)


def _only_import(con: duckdb.DuckDBPyConnection, import_id: int) -> bool:
    """True when every deal snapshot row stored is ``import_id``'s."""
    return not con.execute("SELECT count(*) FROM (SELECT 1 FROM deal_snapshots WHERE import_id <> ? LIMIT 1)",
                           [import_id]).fetchone()[0]


def _was_fresh(con: duckdb.DuckDBPyConnection, import_id: int, table: str) -> bool:
    """True when ``table`` was built from exactly the snapshots there were before ``import_id`` (or, never built,
    when there were none)."""
    table = checked(table, DERIVED_TABLES)
    stored = con.execute(f"SELECT max(fingerprint) FROM {table}_meta").fetchone()[0]
    if stored is None:
        return not con.execute("SELECT count(*) FROM deal_snapshots WHERE import_id <> ?", [import_id]).fetchone()[0] \
            and not con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return stored == con.execute(_FINGERPRINT_SQL, [import_id]).fetchone()[0]


# --- the Pipeline page's stage entry dates (funnel, days in stage, age in stage, stale deals, calibration) -------
# The entries of analytics.sales.scope take, per (deal, pipeline, stage), the first snapshot showing it and the
# "Date entered" of the newest import giving one: over a year of weekly exports that is every snapshot row and
# millions of "Date entered" rows per page view. ``deal_stage_entries`` keeps those two dates (grain above); the
# weekly import adds its own rows only: a key it shows first gets seen_on = its date (it is dated on or after every
# other snapshot, so an earlier first sighting is never replaced), its "Date entered" values replace the older ones, a
# key it brings gets reached_on = its date (a known key keeps its earlier one).

_ENTRIES_SQL = """
WITH seen AS (SELECT deal_id, pipeline, stage, min(snapshot_on) AS seen_on FROM deal_snapshots GROUP BY ALL),
dated AS (
    SELECT deal_id, pipeline, stage, min(entered_on) FILTER (newest = 1) AS dated_on, min(snapshot_on) AS dated_first
    FROM (
        SELECT t.deal_id, t.pipeline, t.stage, t.entered_on, i.snapshot_on,
               rank() OVER (PARTITION BY t.deal_id, t.pipeline, t.stage
                            ORDER BY i.snapshot_on DESC, t.import_id DESC) AS newest
        FROM deal_stage_dates t JOIN imports i USING (import_id))
    GROUP BY ALL
)
SELECT deal_id, pipeline, stage, seen.seen_on, dated.dated_on, least(seen.seen_on, dated.dated_first) AS reached_on
FROM seen FULL JOIN dated USING (deal_id, pipeline, stage)
"""

# The values of every deals import the sidebar can filter on (``deal_filter_values``); ``{where}``: every import, or
# one (its parameter, the import's id, given twice).
_FILTER_VALUES_SQL = """
SELECT DISTINCT 'pipeline' AS field, NULL AS attribute, pipeline AS value FROM deal_snapshots {where}
UNION SELECT DISTINCT 'owner', NULL, owner FROM deal_snapshots {where} {and_} owner IS NOT NULL
UNION SELECT DISTINCT 'attribute', attribute, value FROM deal_attributes {where} {and_} value IS NOT NULL
"""
_ALL_FILTER_VALUES = _FILTER_VALUES_SQL.format(where="", and_="WHERE")

# Each deal's first snapshot and last change of stage or amount (``deal_changes``), from every snapshot row.
_CHANGES_SQL = """
SELECT deal_id, min(snapshot_on) AS first_seen, max(snapshot_on) FILTER (changed) AS changed_on
FROM (SELECT s.deal_id, s.snapshot_on,
             row_number() OVER w > 1 AND (lag(s.stage) OVER w IS DISTINCT FROM s.stage
                                          OR lag(s.amount) OVER w IS DISTINCT FROM s.amount) AS changed
      FROM deal_snapshots s
      WINDOW w AS (PARTITION BY s.deal_id ORDER BY s.snapshot_on, s.import_id))
GROUP BY deal_id
"""

# The weekly import's own work: its deals' previous rows are those deal_versions (refreshed just before) now closes on
# its date; a deal whose stage or amount differs from its previous row changed on that date, a deal without one is new.
_CHANGES_APPEND = ("""
UPDATE deal_changes c SET changed_on = x.snapshot_on
FROM (SELECT s.deal_id, s.snapshot_on FROM deal_snapshots s JOIN (
          SELECT deal_id, stage, amount FROM deal_versions
          WHERE valid_until = (SELECT snapshot_on FROM imports WHERE import_id = $1) AND import_id <> $1
          QUALIFY row_number() OVER (PARTITION BY deal_id ORDER BY snapshot_on DESC, import_id DESC) = 1) p
      USING (deal_id)
      WHERE s.import_id = $1 AND (p.stage IS DISTINCT FROM s.stage OR p.amount IS DISTINCT FROM s.amount)) x
WHERE c.deal_id = x.deal_id
""", """
INSERT INTO deal_changes
SELECT DISTINCT deal_id, snapshot_on, CAST(NULL AS DATE) FROM deal_snapshots
WHERE import_id = $1 AND deal_id NOT IN (SELECT deal_id FROM deal_changes)
""")

_ENTRIES_APPEND = ("""
INSERT INTO deal_stage_entries
SELECT deal_id, pipeline, stage, NULL, NULL, (SELECT snapshot_on FROM imports WHERE import_id = $1) FROM (
    SELECT deal_id, pipeline, stage FROM deal_snapshots WHERE import_id = $1
    UNION SELECT deal_id, pipeline, stage FROM deal_stage_dates WHERE import_id = $1
    EXCEPT SELECT deal_id, pipeline, stage FROM deal_stage_entries)
""", """
UPDATE deal_stage_entries e SET seen_on = x.seen_on
FROM (SELECT deal_id, pipeline, stage, min(snapshot_on) AS seen_on FROM deal_snapshots WHERE import_id = $1
      GROUP BY ALL) x
WHERE e.seen_on IS NULL AND e.deal_id = x.deal_id AND e.pipeline = x.pipeline AND e.stage = x.stage
""", """
UPDATE deal_stage_entries e SET dated_on = x.dated_on
FROM (SELECT deal_id, pipeline, stage, min(entered_on) AS dated_on FROM deal_stage_dates WHERE import_id = $1
      GROUP BY ALL) x
WHERE e.deal_id = x.deal_id AND e.pipeline = x.pipeline AND e.stage = x.stage
      AND e.dated_on IS DISTINCT FROM x.dated_on
""")


# The only import's entries (``_keep``'s first): _ENTRIES_SQL over its rows, where every "Date entered" is the newest
# and every key reached on its date; one aggregate over both sources instead of two and a full join.
_ENTRIES_FIRST = ("""
INSERT INTO deal_stage_entries
SELECT *, (SELECT snapshot_on FROM imports WHERE import_id = $1) FROM (
    SELECT deal_id, pipeline, stage, min(seen_on), min(dated_on) FROM (
        SELECT deal_id, pipeline, stage, snapshot_on AS seen_on, CAST(NULL AS DATE) AS dated_on FROM deal_snapshots
        WHERE import_id = $1
        UNION ALL SELECT deal_id, pipeline, stage, NULL, entered_on FROM deal_stage_dates WHERE import_id = $1)
    GROUP BY ALL)
""",)


def refresh_entries(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> None:
    """Bring ``deal_stage_entries`` up to date inside the write transaction that changed the snapshots.

    When ``import_id`` is the newest import, dated on or after every other snapshot (the weekly import, partial or
    not) and the table was fresh before it, only its own rows are added (``_ENTRIES_APPEND``). Otherwise (a
    deletion, a back-dated export, a table never built) it is rebuilt from every snapshot and "Date entered" row.
    """
    if not _built(con, "deal_stage_entries"):
        return
    _keep(con, "deal_stage_entries", import_id,
          import_id is not None and _appends(con, import_id, "deal_stage_entries", full_only=False),
          _ENTRIES_APPEND, _ENTRIES_SQL, _ENTRIES_FIRST)


def refresh_filter_values(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> None:
    """Bring ``deal_filter_values`` up to date inside the write transaction that changed the snapshots: the weekly
    import (newest, on or after every other snapshot, table fresh before it) adds its values not yet there; anything
    else (a deletion, a back-dated export, a table never built) rebuilds it from every import."""
    if not _built(con, "deal_filter_values"):
        return
    own = _FILTER_VALUES_SQL.format(where="WHERE import_id = $1", and_="AND")
    _keep(con, "deal_filter_values", import_id,
          import_id is not None and _appends(con, import_id, "deal_filter_values", full_only=False),
          (f"INSERT INTO deal_filter_values SELECT * FROM ({own}) EXCEPT SELECT * FROM deal_filter_values",),
          _ALL_FILTER_VALUES)


def refresh_changes(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> None:
    """Bring ``deal_changes`` up to date inside the write transaction that changed the snapshots (after
    ``deal_versions``, which the weekly import's work reads): the weekly import (newest, on or after every other
    snapshot, table fresh before it) adds its own rows' changes and new deals; anything else rebuilds it."""
    if not _built(con, "deal_changes"):
        return
    _keep(con, "deal_changes", import_id,
          import_id is not None and is_fresh(con, "deal_versions")
          and _appends(con, import_id, "deal_changes", full_only=False), _CHANGES_APPEND, _CHANGES_SQL)


# ``deal_pushes`` — grain: one row per deal x the raw stage keys of two consecutive rows of it (ordered by snapshot
# date, then import): the earlier row's (pipeline_a, stage_a, status_raw_a), the later row's (pipeline, stage,
# status_raw), and pushed (the later row's close_on is after the earlier row's); pairs = how many such consecutive
# pairs, days = the days their close dates moved (pushed pairs only, else NULL), close_min / close_min_a = the
# earliest close date of their later / earlier rows (every row of a deal seen twice or more is in a pair: the Movement
# page's first close date observed while open is read from them). Whether each row was open is a stage setting,
# applied when read (analytics.sales.priority_deals, analytics.sales.movement), so a settings change never makes it
# stale. It holds every snapshot: the pushes as of an earlier date are computed from the snapshots. The weekly import
# (newest, dated on or after every other snapshot) adds one pair per deal it holds: the deal's latest row before it
# (deal_current, read before it is brought up to date) and its own; anything else rebuilds it.

_PUSH_KEYS = ("deal_id", "pipeline_a", "stage_a", "status_raw_a", "pipeline", "stage", "status_raw", "pushed")

_PUSHES_SQL = """
SELECT deal_id, pipeline_a, stage_a, status_raw_a, pipeline, stage, status_raw,
       coalesce(close_on > close_on_a, FALSE) AS pushed, count(*) AS pairs,
       sum(close_on - close_on_a) FILTER (close_on > close_on_a) AS days, min(close_on) AS close_min,
       min(close_on_a) AS close_min_a
FROM (SELECT deal_id, pipeline, stage, status_raw, close_on,
             lag(pipeline) OVER w AS pipeline_a, lag(stage) OVER w AS stage_a, lag(status_raw) OVER w AS status_raw_a,
             lag(close_on) OVER w AS close_on_a, lag(snapshot_on) OVER w AS snapshot_on_a
      FROM deal_snapshots WINDOW w AS (PARTITION BY deal_id ORDER BY snapshot_on, import_id))
WHERE snapshot_on_a IS NOT NULL
GROUP BY ALL
"""

_NEW_PUSHES_SQL = """
SELECT s.deal_id, c.pipeline AS pipeline_a, c.stage AS stage_a, c.status_raw AS status_raw_a, s.pipeline, s.stage,
       s.status_raw, coalesce(s.close_on > c.close_on, FALSE) AS pushed, count(*) AS pairs,
       sum(s.close_on - c.close_on) FILTER (s.close_on > c.close_on) AS days, min(s.close_on) AS close_min,
       min(c.close_on) AS close_min_a
FROM deal_snapshots s JOIN deal_current c USING (deal_id)
WHERE s.import_id = ?
GROUP BY ALL
"""


def refresh_pushes(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> None:
    """Bring ``deal_pushes`` up to date inside the write transaction that changed the snapshots; called before
    ``deal_current`` is (``refresh_current``), whose rows are then each deal's latest before ``import_id``."""
    if not _built(con, "deal_pushes"):
        return
    same = " AND ".join(f"p.{c} IS NOT DISTINCT FROM n.{c}" for c in _PUSH_KEYS)
    _keep(con, "deal_pushes", import_id,
          import_id is not None and _appends(con, import_id, "deal_pushes", full_only=False)
          and _was_fresh(con, import_id, "deal_current"), (
              f"UPDATE deal_pushes p SET pairs = p.pairs + n.pairs, days = p.days + n.days, "
              "close_min = least(p.close_min, n.close_min), close_min_a = least(p.close_min_a, n.close_min_a) "
              f"FROM ({_NEW_PUSHES_SQL}) n WHERE {same}",
              f"INSERT INTO deal_pushes SELECT * FROM ({_NEW_PUSHES_SQL}) n "
              f"WHERE NOT EXISTS (SELECT 1 FROM deal_pushes p WHERE {same})"), _PUSHES_SQL)


# --- the stays (analytics.store.stays) and the outcomes read from them (analytics.store.outcomes) -------------


def refresh_stays(con: duckdb.DuckDBPyConnection) -> None:
    """Bring ``deal_stays``, then ``deal_outcomes`` (read from it), its counts by attribute value
    (``closed_attribute_counts``) and the latest movement's pairs (``movement_pairs``) up to date inside a write
    transaction that may have changed what they read: the snapshots (the end of ``refresh_current``'s chain), the stage
    settings or the stage-history imports. Nothing to do for a table still fresh (a probability edit, a survey import);
    the stays are rebuilt whole when ``deal_current`` and ``deal_stage_entries`` are fresh, the outcomes when the stays
    and ``deal_pushes`` are, their counts by attribute value when the outcomes are, the pairs when ``deal_current`` and
    ``deal_versions`` are; else a table is left not fresh (the metrics compute live)."""
    _rebuild_stale(con, "deal_stays", ("deal_current", "deal_stage_entries"), stays.STAYS_SQL)
    _rebuild_stale(con, "deal_outcomes", ("deal_stays", "deal_pushes"), outcomes.OUTCOMES_SQL)
    _rebuild_stale(con, "closed_attribute_counts", ("deal_outcomes",), outcomes.COUNTS_SQL)
    _rebuild_stale(con, "movement_pairs", ("deal_current", "deal_versions"), movement_pairs.PAIRS_SQL)
    refresh_headline(con)


def refresh_headline(con: duckdb.DuckDBPyConnection) -> None:
    """Bring ``headline_kpis`` (``analytics.store.headline``) up to date inside a write transaction that may have
    changed what it reads: the snapshots or the stage settings (``refresh_stays``), the rates or the reporting currency
    (their saves). Nothing to do when it is still fresh; rebuilt (``_build_headline``) when ``deal_current`` is fresh,
    else left not fresh (the KPIs compute live)."""
    _rebuild_stale(con, "headline_kpis", ("deal_current",), _build_headline)


def _build_headline(con: duckdb.DuckDBPyConnection) -> None:
    """``headline_kpis`` made again: the rows of ``headline.kpi_query`` for the latest state (``deal_current``) and the
    state as of the snapshot date before it, no filter, all time, in the reporting currency now stored (the table takes
    the query's own columns)."""
    currency = state.reporting_currency(con)
    states = [state.state_sql(Fragment("deal_current", []), currency)]
    dates = con.execute("SELECT DISTINCT snapshot_on FROM deal_snapshots ORDER BY 1 DESC LIMIT 2").fetchall()
    if len(dates) == 2:
        rows = rows_as_of(con, dates[1][0])
        states.append(state.state_sql(Fragment(f"({rows.sql})", rows.params), currency))
    everything = Fragment("TRUE", [])  # no filter, all time
    query = headline.kpi_query(states, everything, everything)
    con.execute(f"CREATE OR REPLACE TABLE headline_kpis AS {query.sql}", query.params)


def _rebuild_stale(con: duckdb.DuckDBPyConnection, table: str, inputs: tuple[str, ...],
                   rebuild: str | Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """``table`` filled again from ``rebuild`` (a SELECT, through ``_keep``; or a function that makes the table) and
    stamped when it is built but not fresh and every table of ``inputs`` is fresh; when one is not, ``table`` is left
    not fresh."""
    if not _built(con, table):
        return
    forget_memo(con)
    if is_fresh(con, table):
        return
    if not all(is_fresh(con, name) for name in inputs):
        con.execute(f"DELETE FROM {checked(table, DERIVED_TABLES)}_meta")
    elif callable(rebuild):
        rebuild(con)
        _stamp(con, table)
    else:
        _keep(con, table, None, False, (), rebuild)

"""The scaffolding of every sales metric: which deals are in scope, as of when, and when they entered each stage.

What every sales metric (funnel, kpis, stage_time, inventory, hygiene, calibration, movement, forecast,
priorities) shares: the deals in scope, the stage-entry dates, and these conventions:

* Each public function calls ``open_scope(con, as_of)`` itself, so the caller sets nothing up. Every query
  carries the deals' state as its own ``deal_state`` CTE (``scoped_ctes``): the stored ``deal_current`` for
  the current state (cheap), computed from the snapshots, materialised once per query, for a past date. No
  temporary view is shared on the connection, so one metric can never read another's state.
* ``as_of`` = look at the deals as of that date: snapshots dated after it are ignored (None = all).
  "The as-of date" in results is the latest snapshot date on or before it.
* Everything is computed in DuckDB with bound parameters; only small results reach pandas.
* Value sums add ``value`` (the amount in the reporting currency). A deal whose amount is blank, or in
  a currency without a rate, is left out of value sums, never added as-is (``kpis`` counts the latter
  in ``excluded_other_currency``). Ratios left undefined are None (NaN inside DataFrames).
* Dropped deals (absent from their pipeline's latest full snapshot) are never open. A dropped deal that
  was already won or lost keeps its outcome (win rates, won/lost counts, funnel, calibration); a
  dropped deal that was still open has an unknown fate and is left out of the funnel cohort.
* A deal with a blank created_on counts as open/won/lost but is never in the funnel cohort or the sales
  cycle, whether or not a date range is given (METRICS.md 1).
* Date ranges are inclusive; None leaves that side open.
* ``by`` groups: 'owner', 'pipeline', or the name of an extra attribute (source, segment…); a deal
  without a value falls in the group '(blank)'.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from analytics.sales.deals import Currency, DealFilter, StateSource, latest_snapshot_on, rate_case, state_source
from analytics.store.derived import is_fresh
from analytics.store.sql import Fragment, checked, deal_key_sql
from analytics.store.stays import FIRST_POSITION_JOIN, REACHED_POSITION, STORED_REACHED_JOINS


def entries_sql(deals: str = "scoped") -> str:
    """SQL (no WITH): first ``changed_on`` per (deal, stage) from stage histories, for the deals of ``deals``.

    Columns: deal_id, pipeline (the deal's, from ``deals``), stage, entered_on. Changes after the
    ``cutoff`` CTE's as-of date are ignored. ``deals`` is the name of a CTE of the query (only "scoped").
    """
    deals = checked(deals, ("scoped",))
    return f"""
        SELECT k.deal_id, k.pipeline, h.stage, min(h.changed_on) AS entered_on
        FROM deal_stage_history h JOIN {deals} k ON {deal_key_sql('k.deal_id')} = {deal_key_sql('h.deal_id')}
        WHERE h.changed_on <= (SELECT as_of FROM cutoff)
        GROUP BY k.deal_id, k.pipeline, h.stage"""


ALL_DEALS = DealFilter()


BLANK_GROUP = "(blank)"


@dataclass(frozen=True)
class Scope:
    """The deals' state as of a date (``state``, SQL every query of the metric carries as its ``deal_state``
    CTE), the reporting currency, and the as-of snapshot date (None = no deals). ``stored_entries``: the as-of
    date is the latest snapshot and the stored stage entries are fresh, so ``stage_history_ctes`` reads them.
    ``stored_stays``: besides, the stored stays (``analytics.store.stays``) are fresh, so the funnel, days in stage,
    age in stage and calibration read each deal's stays, furthest and current stage from ``deal_stays``.
    ``stored_outcomes``: besides, the stored outcomes (``analytics.store.outcomes``) are fresh, so the cumulative
    funnel, the calibration and the Priorities page's score read each deal's status and last stage reached from
    ``deal_outcomes`` (no join of every deal to its stays)."""
    as_of: dt.date | None
    state: StateSource
    stored_entries: bool = False
    stored_stays: bool = False
    stored_outcomes: bool = False

    @property
    def stage_history_ctes(self) -> str:
        """The stage-entry CTEs (``STAGE_HISTORY_CTES``, below) for this scope: the same rows, read from the
        stored ``deal_stage_entries`` when ``stored_entries``, else computed from the snapshots."""
        return STORED_STAGE_HISTORY_CTES if self.stored_entries else STAGE_HISTORY_CTES

    @property
    def reached_ctes(self) -> str:
        """The stage CTEs a metric needing only ``open_stages`` and ``reached_joins`` opens with: ``open_stages``
        alone when ``stored_stays``, else ``stage_history_ctes``."""
        return STORED_OPEN_STAGES if self.stored_stays else self.stage_history_ctes

    @property
    def reached_joins(self) -> str:
        """``REACHED_JOINS`` (below) for this scope: the furthest stay read from ``deal_stays`` when
        ``stored_stays``, else grouped from ``open_entries``."""
        return STORED_REACHED_JOINS if self.stored_stays else REACHED_JOINS

    @property
    def currency(self) -> Currency:
        """The reporting currency the state's values are in."""
        return self.state.currency

    @property
    def valued_outcomes(self) -> Fragment:
        """``(SELECT …)``, the stored ``deal_outcomes`` (read when ``stored_outcomes``) with each deal's value: its
        amount in the reporting currency, as the state computes it."""
        rate = rate_case(self.currency)
        return Fragment(f"(SELECT s.*, s.amount * ({rate.sql}) AS value FROM deal_outcomes s)", rate.params)


def open_scope(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None,
               currency: Currency | None = None) -> Scope:
    """The scope of a metric as of a date: the state SQL, its currency and the latest snapshot date (``currency``:
    the reporting currency when the caller already read it, e.g. once for many dates)."""
    state = state_source(con, as_of, currency)
    latest = con.execute("SELECT max(snapshot_on) FROM deal_snapshots WHERE snapshot_on <= coalesce(?, snapshot_on)",
                         [as_of]).fetchone()[0]
    stored = latest is not None and (as_of is None or latest == latest_snapshot_on(con)) \
        and is_fresh(con, "deal_stage_entries")
    stays = stored and not state.materialize and is_fresh(con, "deal_stays")
    return Scope(latest, state, stored, stays, stays and is_fresh(con, "deal_outcomes"))


# The date columns a range can apply to, with or without the alias of the deal state.
DATE_COLUMNS = tuple(f"{alias}{name}" for alias in ("", "d.")
                     for name in ("created_on", "close_on", "snapshot_on", "exited_on"))


def date_range_sql(column: str, date_from: dt.date | None, date_to: dt.date | None) -> Fragment:
    """A predicate keeping ``column`` (one of DATE_COLUMNS) inside the inclusive range (rows with a NULL date
    fail a bounded side); the dates are bound parameters."""
    column = checked(column, DATE_COLUMNS)
    parts = [Fragment("TRUE", [])]
    if date_from is not None:
        parts.append(Fragment(f"{column} >= ?", [date_from]))
    if date_to is not None:
        parts.append(Fragment(f"{column} <= ?", [date_to]))
    return Fragment.join(" AND ", parts)


def cohort_sql(date_from: dt.date | None, date_to: dt.date | None) -> Fragment:
    """Predicate over ``d``: in the funnel cohort (created in the range, known created_on, not dropped while open)."""
    return Fragment("d.created_on IS NOT NULL AND NOT (d.is_dropped AND d.status = 'open') AND ", []) + \
        date_range_sql("d.created_on", date_from, date_to)


GROUP_COLUMNS = ("owner", "pipeline")  # deal columns a metric can group by; any other ``by`` is an attribute


def group_expr(by: str | None) -> Fragment:
    """SQL expression over ``d`` giving a deal's group for ``by`` ('all' when None), with its parameters:
    a deal column ('owner', 'pipeline') is spliced from that fixed list, an attribute name is bound."""
    if by is None:
        return Fragment("'all'", [])
    if by in GROUP_COLUMNS:  # the allow-list: only these names are spliced
        return Fragment(f"coalesce(d.{by}, '{BLANK_GROUP}')", [])
    return Fragment("coalesce((SELECT max(a.value) FROM deal_attributes a WHERE a.import_id = d.import_id "
                    f"AND a.deal_id = d.deal_id AND a.attribute = ?), '{BLANK_GROUP}')", [by])


def scoped_ctes(scope: Scope, flt: DealFilter, where: Fragment | None = None, by: str | None = None) -> Fragment:
    """The opening of every sales query: CTEs ``cutoff`` (the as-of date) and ``scoped`` (deals kept, with ``grp``),
    with their parameters. ``where`` is a predicate over ``d`` with its own parameters (None = every deal)."""
    return Fragment.format(
        "WITH cutoff AS (SELECT CAST({as_of} AS DATE) AS as_of),\n{state},\n"
        "scoped AS (SELECT d.*, {group} AS grp FROM deal_state d WHERE {filter} AND ({where}))",
        as_of=Fragment("?", [scope.as_of]), state=scope.state.cte(), group=group_expr(by), filter=flt.where("d"),
        where=Fragment("TRUE", []) if where is None else where)


# The last open stage reached (METRICS.md 3) of each deal ``k`` of ``scoped``, over ``open_stages`` and
# ``open_entries`` (a CTE with at least deal_id, pipeline, position): ``REACHED_JOINS`` after "FROM scoped k",
# ``REACHED_POSITION`` in the select list. A query that needs the deal's own columns too (status, value, group) reads
# them with its reached position in one pass, instead of joining ``reached`` back to ``scoped`` on the text deal id.
# ``REACHED_POSITION`` and the first open stage's join are those of the stored stays (analytics.store.stays), whose
# ``STORED_REACHED_JOINS`` reads the same last open stage from them (``Scope.stored_stays``: the deal's furthest stay,
# one row per deal at most, after ``STORED_OPEN_STAGES`` instead of the stage-history CTEs).
REACHED_JOINS = """
    LEFT JOIN (SELECT deal_id, pipeline, max(position) AS max_position FROM open_entries GROUP BY ALL) m
        USING (deal_id, pipeline)""" + FIRST_POSITION_JOIN

# reached(deal_id, pipeline, reached_position) over ``scoped``, ``open_stages`` and ``open_entries``: the last open
# stage reached, METRICS.md 3 (STAGE_HISTORY_CTES below).
REACHED_CTE = f"""
reached AS (
    SELECT k.deal_id, k.pipeline, {REACHED_POSITION} AS reached_position
    FROM scoped k{REACHED_JOINS}
)"""


# CTEs over the deals in ``scoped`` (after ``scoped_ctes``), in the deal's current pipeline:
# entries(deal_id, pipeline, stage, entered_on, inferred): when the deal entered each stage it is known to
#   have been in: the "Date entered" column of the latest export giving one, else its first change to the
#   stage in a stage-history import (analytics/ingest/stage_history.py), else the first snapshot that showed it there
#   (inferred = TRUE; precision = the snapshot interval);
# open_entries: the same for open stages, with their position;
# reached(deal_id, pipeline, reached_position): the last open stage the deal reached (METRICS.md 3): the
#   furthest open stage it was seen at or entered; every open stage when won; else the first stage.
_OPEN_STAGES = """,
open_stages AS (SELECT pipeline, stage, position, probability FROM stages WHERE outcome = 'open'),"""

# seen and dated computed from every snapshot and every "Date entered" row on or before the as-of date
_COMPUTED_ENTRIES = """
seen AS (
    SELECT s.deal_id, s.pipeline, s.stage, min(s.snapshot_on) AS seen_on
    FROM deal_snapshots s JOIN scoped k ON k.deal_id = s.deal_id AND k.pipeline = s.pipeline
    WHERE s.snapshot_on <= (SELECT as_of FROM cutoff)
    GROUP BY ALL
),
dated AS (
    SELECT deal_id, pipeline, stage, entered_on FROM (
        SELECT t.deal_id, t.pipeline, t.stage, t.entered_on, 0 AS source, i.snapshot_on AS known_on, t.import_id
        FROM deal_stage_dates t JOIN imports i ON i.import_id = t.import_id
        JOIN scoped k ON k.deal_id = t.deal_id AND k.pipeline = t.pipeline
        WHERE i.snapshot_on <= (SELECT as_of FROM cutoff)
        UNION ALL
        SELECT *, 1, NULL, NULL FROM (""" + entries_sql("scoped") + """))
    QUALIFY row_number() OVER (PARTITION BY deal_id, pipeline, stage
                               ORDER BY source, known_on DESC, import_id DESC) = 1
),"""

# the same read from the stored deal_stage_entries (analytics.store.derived), valid when the as-of date is the
# latest snapshot: every snapshot and "Date entered" row is then on or before it (stage histories are still read).
# The stored table holds both dates of a key on one row, so ``keyed`` reads it once (one join with the deals, no
# ranking): per key, the stored dates and the stage history's (one row each side, so the FULL JOIN keeps one row per
# key); ``dated`` and ``entries`` are the same rows as the computed ones (a "Date entered" first, then the stage
# history, then the first snapshot).
_STORED_ENTRIES = """
keyed AS (
    SELECT deal_id, pipeline, stage, e.dated_on, e.seen_on, h.entered_on AS history_on,
           h.deal_id IS NOT NULL AS in_history
    FROM (SELECT e.deal_id, e.pipeline, e.stage, e.dated_on, e.seen_on
          FROM deal_stage_entries e JOIN scoped k ON k.deal_id = e.deal_id AND k.pipeline = e.pipeline
          WHERE e.seen_on IS NOT NULL OR e.dated_on IS NOT NULL) e
    FULL JOIN (""" + entries_sql("scoped") + """) h USING (deal_id, pipeline, stage)
),
dated AS (
    SELECT deal_id, pipeline, stage, coalesce(dated_on, history_on) AS entered_on FROM keyed
    WHERE dated_on IS NOT NULL OR in_history
),
entries AS (
    SELECT deal_id, pipeline, stage, coalesce(dated_on, history_on, seen_on) AS entered_on,
           dated_on IS NULL AND history_on IS NULL AS inferred
    FROM keyed WHERE dated_on IS NOT NULL OR in_history OR seen_on IS NOT NULL
),"""

_ENTRIES = """
entries AS (
    SELECT deal_id, pipeline, stage, coalesce(dated.entered_on, seen.seen_on) AS entered_on,
           dated.entered_on IS NULL AS inferred
    FROM dated FULL JOIN seen USING (deal_id, pipeline, stage)
),"""
_OPEN_ENTRIES = """
open_entries AS (SELECT e.*, o.position FROM entries e JOIN open_stages o USING (pipeline, stage)),""" + REACHED_CTE

STAGE_HISTORY_CTES = _OPEN_STAGES + _COMPUTED_ENTRIES + _ENTRIES + _OPEN_ENTRIES
# With the stored stays, a metric needs only ``open_stages`` (no trailing comma, like the CTEs above): the rest it
# reads from ``deal_stays``.
STORED_OPEN_STAGES = _OPEN_STAGES.rstrip(",")
STORED_STAGE_HISTORY_CTES = _OPEN_STAGES + _STORED_ENTRIES + _OPEN_ENTRIES

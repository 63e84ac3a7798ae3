"""Time spent in each stage, and the age of open deals in their current stage (METRICS.md 4).

Conventions are those written at the top of ``analytics.sales.scope``. Entry dates come from the
"Date entered <stage>" columns (the latest export giving one), else from a stage-history import (the first
change to the stage: exact), else from the first snapshot that showed the deal at the stage: then
``inferred`` is true and the precision is the snapshot interval (weekly
snapshots give weekly precision).
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.sales.deals import DealFilter
from analytics.sales.funnel import main_pipeline
from analytics.sales.scope import ALL_DEALS, STORED_OPEN_STAGES, date_range_sql, open_scope, scoped_ctes
from analytics.store.frames import read_frame
from analytics.store.sql import Fragment

# steps: each stay with the entry of the deal's next open stage (in stage order). exits: a stay followed by another
# ends when the next one starts (no deal columns needed); only a deal's last stay reads its status and close date from
# ``scoped`` (every stay's deal is in ``scoped``, one row per deal: joining them all back cost a million-row join).
_STAGE_DAYS = """,
steps AS (
    SELECT deal_id, pipeline, stage, position, entered_on, inferred,
           lead(entered_on) OVER w AS next_entered_on, lead(inferred) OVER w AS next_inferred
    FROM open_entries WINDOW w AS (PARTITION BY deal_id ORDER BY position)
),
exits AS (
    SELECT deal_id, pipeline, stage, position, entered_on, next_entered_on AS exited_on,
           inferred OR coalesce(next_inferred, FALSE) AS inferred
    FROM steps WHERE next_entered_on IS NOT NULL
    UNION ALL
    SELECT s.deal_id, s.pipeline, s.stage, s.position, s.entered_on, k.close_on AS exited_on,
           s.inferred OR coalesce(s.next_inferred, FALSE) AS inferred
    FROM steps s JOIN scoped k USING (deal_id, pipeline)
    WHERE s.next_entered_on IS NULL AND k.status <> 'open'
),
stage_days AS (
    SELECT *, exited_on - entered_on AS days FROM exits
    WHERE exited_on >= entered_on AND {exit_in_range}
)"""


# The same ``stage_days`` read from the stored stays (``Scope.stored_stays``, analytics.store.stays): a stay's exit is
# stored with it. ``{deals}``: the semi-join keeping the stays of ``scoped``'s deals, left out when ``scoped`` is every
# deal (of the pipeline, ``{pipeline}``): the stored stays are those of every deal of the latest state.
_STORED_STAGE_DAYS = """,
stage_days AS (
    SELECT deal_id, pipeline, stage, position, entered_on, exited_on, exit_inferred AS inferred,
           exited_on - entered_on AS days
    FROM deal_stays{deals}
    WHERE position IS NOT NULL AND exited_on >= entered_on AND {exit_in_range}{pipeline}
)"""


def days_in_stage(con: duckdb.DuckDBPyConnection, pipeline: str | None = None, *, flt: DealFilter = ALL_DEALS,
                  date_from: dt.date | None = None, date_to: dt.date | None = None,
                  as_of: dt.date | None = None) -> pd.DataFrame:
    """Days each deal spent in each open stage it left.

    Grain: one row per (deal, open stage) with a known entry and exit (every pipeline when ``pipeline``
    is None). days = entry of the next open stage the deal reached (in stage order) - entry of S; for
    the last stage of a closed deal, close_on - entry of S. An open deal's current stage has no exit
    (see ``age_in_stage``); a negative duration (a deal moved back, or closed before the date it was
    first seen at the stage) is left out. ``inferred`` = the entry or exit date comes from a snapshot.
    The period keeps the stays that ended (exited_on) in [date_from, date_to].
    Columns: deal_id, pipeline, stage, position, entered_on, exited_on, inferred, days.
    """
    query = _stage_days_ctes(con, pipeline, flt, date_from, date_to, as_of) + Fragment(
        " SELECT * FROM stage_days ORDER BY pipeline, deal_id, position", [])
    return con.execute(*query).df()


def days_in_stage_median(con: duckdb.DuckDBPyConnection, pipeline: str | None = None, *,
                         flt: DealFilter = ALL_DEALS, date_from: dt.date | None = None,
                         date_to: dt.date | None = None, as_of: dt.date | None = None) -> dict[str, float | None]:
    """{stage: median days} over ``days_in_stage`` rows, every open stage of one pipeline in stage order.

    ``pipeline`` None = ``main_pipeline``. A stage with no completed stay maps to None.
    """
    if pipeline is None:
        pipeline = main_pipeline(con, flt=flt, as_of=as_of)
        if pipeline is None:
            return {}
    query = _stage_days_ctes(con, pipeline, flt, date_from, date_to, as_of) + Fragment("""
        SELECT o.stage, median(d.days) FROM open_stages o LEFT JOIN stage_days d USING (pipeline, stage)
        WHERE o.pipeline = ? GROUP BY o.stage, o.position ORDER BY o.position""", [pipeline])
    rows = con.execute(*query).fetchall()
    return {stage: None if median is None else float(median) for stage, median in rows}


def days_in_stage_summary(con: duckdb.DuckDBPyConnection, pipeline: str | None = None, *,
                          flt: DealFilter = ALL_DEALS, date_from: dt.date | None = None,
                          date_to: dt.date | None = None, as_of: dt.date | None = None) -> pd.DataFrame:
    """The box plot of ``days_in_stage``, computed in the database (a million deals make millions of stays).

    Grain: one row per (pipeline, open stage) with at least one stay, in stage order. stays = rows of
    ``days_in_stage``; q1 / median / q3 = their quartiles (linear interpolation, as Plotly draws them);
    lower_fence / upper_fence = the smallest / largest stay within 1.5 x (q3 - q1) of the box;
    inferred = some entry or exit date of the stage comes from a snapshot. Quartiles and whiskers are read from each
    stage's distinct durations and their stays (``histogram``), not by sorting every stay: a million stays have a
    few hundred distinct day counts.
    """
    query = _stage_days_ctes(con, pipeline, flt, date_from, date_to, as_of) + Fragment(_BOXES, [])
    return con.execute(*query).df()


# The box of each stage from its histogram (one row per stage and distinct duration ``days``: its ``n`` stays, ``below``
# = the stage's stays shorter than it). Quartile q as DuckDB's quantile_cont: rank h = (stays - 1) x q counted from 0,
# lo / hi = the durations at ranks floor(h) / ceil(h), quartile = lo + (hi - lo) x (h - floor(h)).
_BOXES = """,
histogram AS (
    SELECT pipeline, stage, position, days, count(*) AS n, bool_or(inferred) AS inferred
    FROM stage_days GROUP BY ALL
),
ranked AS (
    SELECT *, sum(n) OVER (PARTITION BY pipeline, stage, position ORDER BY days) - n AS below,
           CAST(sum(n) OVER (PARTITION BY pipeline, stage, position) AS BIGINT) AS stays
    FROM histogram
),
ranks AS (
    SELECT DISTINCT pipeline, stage, position, stays, q, (stays - 1) * q AS h
    FROM ranked CROSS JOIN (VALUES (0.25), (0.5), (0.75)) quartiles(q)
),
quartiles AS (
    SELECT r.pipeline, r.stage, r.position, r.stays, r.q, r.h,
           CAST(min(d.days) FILTER (d.below + d.n > floor(r.h)) AS DOUBLE) AS lo,
           CAST(min(d.days) FILTER (d.below + d.n > ceil(r.h)) AS DOUBLE) AS hi
    FROM ranks r JOIN ranked d USING (pipeline, stage, position) GROUP BY ALL
),
boxes AS (
    SELECT pipeline, stage, position, stays,
           max(lo + (hi - lo) * (h - floor(h))) FILTER (q = 0.25) AS q1,
           max(lo + (hi - lo) * (h - floor(h))) FILTER (q = 0.5) AS median,
           max(lo + (hi - lo) * (h - floor(h))) FILTER (q = 0.75) AS q3
    FROM quartiles GROUP BY ALL
)
SELECT b.pipeline, b.stage, b.position, b.stays, b.q1, b.median, b.q3,
       min(d.days) FILTER (d.days >= b.q1 - 1.5 * (b.q3 - b.q1)) AS lower_fence,
       max(d.days) FILTER (d.days <= b.q3 + 1.5 * (b.q3 - b.q1)) AS upper_fence, bool_or(d.inferred) AS inferred
FROM boxes b JOIN histogram d USING (pipeline, stage, position)
GROUP BY b.pipeline, b.stage, b.position, b.stays, b.q1, b.median, b.q3
ORDER BY b.pipeline, b.position"""


def _stage_days_ctes(con, pipeline, flt, date_from, date_to, as_of) -> Fragment:
    """The CTEs up to ``stage_days`` (the stays of ``days_in_stage``), with their parameters."""
    scope = open_scope(con, as_of)
    where = Fragment("d.pipeline = ?", [pipeline]) if pipeline is not None else None
    exit_in_range = date_range_sql("exited_on", date_from, date_to)
    if scope.stored_stays:
        return scoped_ctes(scope, flt, where) + Fragment(STORED_OPEN_STAGES, []) + Fragment.format(
            _STORED_STAGE_DAYS, exit_in_range=exit_in_range,
            deals=Fragment("" if flt == ALL_DEALS else " SEMI JOIN scoped USING (deal_id, pipeline)", []),
            pipeline=Fragment(" AND pipeline = ?", [pipeline]) if pipeline is not None else Fragment("", []))
    return scoped_ctes(scope, flt, where) + Fragment(scope.stage_history_ctes, []) + Fragment.format(
        _STAGE_DAYS, exit_in_range=exit_in_range)


_AGE_IN_STAGE = """
SELECT k.deal_id, k.name, k.owner, k.pipeline, k.stage, k.stage_position AS position, e.entered_on,
       (SELECT as_of FROM cutoff) - e.entered_on AS age_days, e.inferred
FROM scoped k LEFT JOIN {entry}
ORDER BY k.pipeline, k.stage_position NULLS LAST, age_days DESC, k.deal_id
"""
# the entry of the deal's current stage: from the stage-history CTEs' ``entries``, or from the stored stays
# (``Scope.stored_stays``): the deal's ``is_current`` row
_ENTRY = "entries e ON e.deal_id = k.deal_id AND e.pipeline = k.pipeline AND e.stage = k.stage"
_STORED_ENTRY = """(SELECT deal_id, pipeline, entered_on, inferred FROM deal_stays WHERE is_current) e
    ON e.deal_id = k.deal_id AND e.pipeline = k.pipeline"""


def age_in_stage(con: duckdb.DuckDBPyConnection, pipeline: str | None = None, *, flt: DealFilter = ALL_DEALS,
                 as_of: dt.date | None = None) -> pd.DataFrame:
    """How long each open deal has been in its current stage (the data of a box plot per stage).

    Grain: one row per open (not dropped) deal. age_days = the as-of date (latest snapshot) - entry of
    its current stage (``inferred`` when that entry comes from a snapshot).
    Columns: deal_id, name, owner, pipeline, stage, position, entered_on, age_days, inferred.
    """
    scope = open_scope(con, as_of)
    where = Fragment("d.status = 'open' AND NOT d.is_dropped", [])
    if pipeline is not None:
        where += Fragment(" AND d.pipeline = ?", [pipeline])
    if scope.stored_stays:
        stages = STORED_OPEN_STAGES + _AGE_IN_STAGE.format(entry=_STORED_ENTRY)
    else:
        stages = scope.stage_history_ctes + _AGE_IN_STAGE.format(entry=_ENTRY)
    return read_frame(con, scoped_ctes(scope, flt, where) + Fragment(stages, []))

"""The funnel: how far the deals created in a period got through their pipeline's stages (METRICS.md 3-4).

Conventions (scope, as-of, currency, dropped deals, blank created_on) are those of ``analytics.sales.scope``.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.sales.deals import DealFilter
from analytics.sales.scope import (
    ALL_DEALS,
    REACHED_POSITION,
    STORED_OPEN_STAGES,
    cohort_sql,
    group_expr,
    open_scope,
    scoped_ctes,
)
from analytics.store.sql import Fragment

WON_STEP = "Won"
FUNNEL_COLUMNS = ["pipeline", "stage", "position", "reached", "reached_amount", "conversion_to_next",
                  "cumulative_conversion"]


# flags(grp, pipeline, status, n, value, position, counted): n deals of total ``value`` and one open stage of their
# pipeline. Cumulative: the deals bucketed first by group, pipeline, status and the last open stage reached (a million
# deals make a few dozen buckets; their last stage read with their columns, ``scope.REACHED_JOINS``), then one row
# per bucket and open stage (``{reached_joins}``: the scope's ``reached_joins``); strict: one row per deal and open
# stage.
_BUCKETS = """,
buckets AS (
    SELECT k.grp, k.pipeline, k.status, """ + REACHED_POSITION + """ AS reached_position, count(*) AS n,
           sum(k.value) AS value
    FROM scoped k{reached_joins}
    GROUP BY ALL
)"""
# The same buckets read from the stored outcomes (``Scope.stored_outcomes``): each deal's status and last stage
# reached are columns there (no join of every deal to its stays); the filter, the cohort and the group are those of
# ``scoped`` (``scoped_ctes``), over the same deals.
_STORED_BUCKETS = """,
buckets AS (
    SELECT {group} AS grp, d.pipeline, d.status, d.reached_position, count(*) AS n, sum(d.value) AS value
    FROM {outcomes} d
    WHERE {filter} AND ({where})
    GROUP BY ALL
)"""
_CUMULATIVE_FLAGS = """,
flags AS (
    SELECT b.grp, b.pipeline, b.status, b.n, b.value, o.position, b.reached_position >= o.position AS counted
    FROM buckets b JOIN open_stages o USING (pipeline)
)"""

# The open entries of the strict funnel read from the stored stays (``Scope.stored_stays``), for every deal: the
# funnel keeps those of ``scoped``'s deals by its LEFT JOIN.
_STORED_OPEN_ENTRIES = STORED_OPEN_STAGES + """,
open_entries AS (SELECT deal_id, pipeline, position, entered_on FROM deal_stays WHERE position IS NOT NULL)"""

_STRICT_FLAGS = """,
ordered AS (
    SELECT k.deal_id, k.grp, k.pipeline, k.status, 1 AS n, k.value, o.position, e.entered_on
    FROM scoped k JOIN open_stages o USING (pipeline) LEFT JOIN open_entries e USING (deal_id, pipeline, position)
),
in_order AS (
    SELECT *, entered_on >= coalesce(max(entered_on) OVER earlier, entered_on) AS step_in_order
    FROM ordered
    WINDOW earlier AS (PARTITION BY deal_id ORDER BY position ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
flags AS (
    SELECT grp, pipeline, status, n, value, position,
           bool_and(coalesce(step_in_order, FALSE)) OVER (PARTITION BY deal_id ORDER BY position
                                                         ROWS UNBOUNDED PRECEDING) AS counted
    FROM in_order
)"""

# ``{deals}``: where the groups are read: ``buckets`` for the cumulative funnel (every deal of ``scoped`` is in one, so
# the groups are the same, read from a few dozen rows instead of reading every deal's state a second time), else
# ``scoped``.
_FUNNEL_STEPS = """,
groups AS (SELECT DISTINCT grp, pipeline FROM {deals} {extra_group}),
counts AS (
    SELECT grp, pipeline, position,
           CAST(sum(n) FILTER (counted) AS BIGINT) AS reached, sum(value) FILTER (counted) AS reached_amount,
           CAST(sum(n) FILTER (counted AND status = 'won') AS BIGINT) AS won,
           sum(value) FILTER (counted AND status = 'won') AS won_amount
    FROM flags GROUP BY ALL
),
last_stage AS (SELECT pipeline, max(position) AS position FROM open_stages GROUP BY ALL),
steps AS (
    SELECT g.grp, g.pipeline, o.stage, o.position, c.reached, c.reached_amount
    FROM groups g JOIN open_stages o USING (pipeline) LEFT JOIN counts c USING (grp, pipeline, position)
    UNION ALL
    SELECT g.grp, g.pipeline, '""" + WON_STEP + """', l.position + 1, c.won, c.won_amount
    FROM groups g JOIN last_stage l USING (pipeline) LEFT JOIN counts c USING (grp, pipeline, position)
),
final AS (
    SELECT pipeline, grp, stage, position, coalesce(reached, 0) AS reached,
           coalesce(reached_amount, 0.0) AS reached_amount
    FROM steps
)
SELECT *, lead(reached) OVER w / nullif(reached, 0) AS conversion_to_next,
       reached / nullif(first_value(reached) OVER w, 0) AS cumulative_conversion
FROM final
WINDOW w AS (PARTITION BY grp, pipeline ORDER BY position)
ORDER BY grp, pipeline, position
"""


def main_pipeline(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, date_from: dt.date | None = None,
                  date_to: dt.date | None = None, as_of: dt.date | None = None) -> str | None:
    """The pipeline with the most deals in the funnel cohort (then most deals at all, then by name); None if none."""
    scope = open_scope(con, as_of)
    query = scoped_ctes(scope, flt) + Fragment.format(
        " SELECT d.pipeline FROM scoped d GROUP BY d.pipeline "
        "ORDER BY count(*) FILTER ({in_cohort}) DESC, count(*) DESC, d.pipeline LIMIT 1",
        in_cohort=cohort_sql(date_from, date_to))
    row = con.execute(*query).fetchone()
    return row[0] if row else None


def cohort_gaps(con: duckdb.DuckDBPyConnection, pipeline: str | None, *, flt: DealFilter = ALL_DEALS,
                date_from: dt.date | None = None, date_to: dt.date | None = None,
                as_of: dt.date | None = None) -> dict[str, int]:
    """Why a pipeline's funnel may be empty: its deals now ("deals"), those in the funnel cohort ("in_cohort":
    created in the period, created date known, not dropped while open) and those with no created date
    ("no_created_date"), which no funnel can count."""
    scope = open_scope(con, as_of)
    query = scoped_ctes(scope, flt) + Fragment.format(
        " SELECT count(*), count(*) FILTER ({in_cohort}), count(*) FILTER (d.created_on IS NULL) FROM scoped d "
        "WHERE d.pipeline = {pipeline}", in_cohort=cohort_sql(date_from, date_to),
        pipeline=Fragment("?", [pipeline]))
    deals, in_cohort, no_created = con.execute(*query).fetchone()
    return {"deals": int(deals), "in_cohort": int(in_cohort), "no_created_date": int(no_created)}


def funnel(con: duckdb.DuckDBPyConnection, pipeline: str | None = None, *, flt: DealFilter = ALL_DEALS,
           date_from: dt.date | None = None, date_to: dt.date | None = None, as_of: dt.date | None = None,
           strict: bool = False, by: str | None = None) -> pd.DataFrame:
    """How many deals of the cohort reached each open stage of one pipeline, then "Won".

    Grain: one row per open stage of the pipeline, in stage order, then a last row stage "Won"
    (position = last open position + 1); with ``by``, one such block per group (column ``group``).
    Cohort: deals created in [date_from, date_to] (created_on known; a deal dropped while open is left
    out). ``pipeline`` None = ``main_pipeline`` (most deals in the cohort); the ``pipeline`` column says
    which. ``by='pipeline'`` without a pipeline gives every pipeline's own funnel, one block each.

    reached[S] = cohort deals that reached S (METRICS.md 3): current stage S or later, won, an entry
    date for S or later, or a snapshot at S or later; a deal whose last open stage is unknown (lost at
    the lost stage with no history) reached the first stage only. Skipped stages count as passed.
    strict: counted at a stage only if it passed every earlier stage in order, i.e. an entry date
    (entered_on or snapshot-inferred) is known for that stage and every earlier one, in date order.
    reached[Won] = won deals of the cohort (strict: those counted at the last open stage).
    reached_amount = sum of value over those deals; conversion_to_next = reached[next] / reached[S]
    (None when reached[S] = 0, and on the Won row); cumulative_conversion = reached[S] / reached[first].
    """
    if pipeline is None and by != "pipeline":
        pipeline = main_pipeline(con, flt=flt, date_from=date_from, date_to=date_to, as_of=as_of)
        if pipeline is None:
            return _empty_funnel(by)
    scope = open_scope(con, as_of)
    where = cohort_sql(date_from, date_to)
    if pipeline is not None:
        where += Fragment(" AND d.pipeline = ?", [pipeline])
    extra_group = Fragment("UNION SELECT 'all', ?", [pipeline]) if by is None else Fragment("", [])
    if strict:
        entries = _STORED_OPEN_ENTRIES if scope.stored_stays else scope.stage_history_ctes
        stages = Fragment(entries + _STRICT_FLAGS, [])
    elif scope.stored_outcomes:
        stages = Fragment(scope.reached_ctes, []) + Fragment.format(
            _STORED_BUCKETS, group=group_expr(by), outcomes=scope.valued_outcomes, filter=flt.where("d"),
            where=where) + Fragment(_CUMULATIVE_FLAGS, [])
    else:
        stages = Fragment(scope.reached_ctes + _BUCKETS.format(reached_joins=scope.reached_joins) + _CUMULATIVE_FLAGS,
                          [])
    query = (scoped_ctes(scope, flt, where, by) + stages
             + Fragment.format(_FUNNEL_STEPS, extra_group=extra_group,
                               deals=Fragment("scoped" if strict else "buckets", [])))
    frame = con.execute(*query).df()
    return _named_groups(frame, by)


def _named_groups(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """The SQL ``grp`` column renamed ``group`` (after ``pipeline``), or dropped when not grouping."""
    if by is None:
        return frame.drop(columns="grp").reset_index(drop=True)
    frame = frame.rename(columns={"grp": "group"})
    return frame[["pipeline", "group", *FUNNEL_COLUMNS[1:]]]


def _empty_funnel(by: str | None) -> pd.DataFrame:
    columns = FUNNEL_COLUMNS if by is None else ["pipeline", "group", *FUNNEL_COLUMNS[1:]]
    return pd.DataFrame(columns=columns)

"""The funnel: how far the deals created in a period got through their pipeline's stages (METRICS.md 3-4).

This module also holds what every sales-metric module (funnel, performance, velocity, inventory,
forecast, sales_report) shares. Conventions, for all of them:

* Each public function calls ``create_state_view(con, as_of)`` itself (through ``open_scope``), so the
  caller sets nothing up; the connection's temporary ``deal_state`` is replaced on each call: a view over
  the stored ``deal_current`` for the current state (cheap), a table computed once for a past date.
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
import pandas as pd

from analytics import history
from analytics.deals import Currency, DealFilter, create_state_view

ALL_DEALS = DealFilter()
BLANK_GROUP = "(blank)"
WON_STEP = "Won"
FUNNEL_COLUMNS = ["pipeline", "stage", "position", "reached", "reached_amount", "conversion_to_next",
                  "cumulative_conversion"]


@dataclass(frozen=True)
class Scope:
    """The ``deal_state`` view is ready: the reporting currency and the as-of snapshot date (None = no deals)."""
    currency: Currency
    as_of: dt.date | None


def open_scope(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> Scope:
    """Create the ``deal_state`` view as of a date; return its currency and latest snapshot date."""
    currency = create_state_view(con, as_of)
    latest = con.execute("SELECT max(snapshot_on) FROM deal_snapshots WHERE snapshot_on <= coalesce(?, snapshot_on)",
                         [as_of]).fetchone()[0]
    return Scope(currency, latest)


def date_range_sql(column: str, date_from: dt.date | None, date_to: dt.date | None) -> tuple[str, list]:
    """A predicate keeping ``column`` inside the inclusive range (rows with a NULL date fail a bounded side)."""
    clauses, params = ["TRUE"], []
    if date_from is not None:
        clauses.append(f"{column} >= ?")
        params.append(date_from)
    if date_to is not None:
        clauses.append(f"{column} <= ?")
        params.append(date_to)
    return " AND ".join(clauses), params


def cohort_sql(date_from: dt.date | None, date_to: dt.date | None) -> tuple[str, list]:
    """Predicate over ``d``: in the funnel cohort (created in the range, known created_on, not dropped while open)."""
    in_range, params = date_range_sql("d.created_on", date_from, date_to)
    return f"d.created_on IS NOT NULL AND NOT (d.is_dropped AND d.status = 'open') AND {in_range}", params


def group_expr(by: str | None) -> tuple[str, list]:
    """SQL expression over ``d`` giving a deal's group for ``by`` ('all' when None), with its parameters."""
    if by is None:
        return "'all'", []
    if by in ("owner", "pipeline"):
        return f"coalesce(d.{by}, '{BLANK_GROUP}')", []
    return ("coalesce((SELECT max(a.value) FROM deal_attributes a WHERE a.import_id = d.import_id "
            f"AND a.deal_id = d.deal_id AND a.attribute = ?), '{BLANK_GROUP}')", [by])


def scoped_ctes(scope: Scope, flt: DealFilter, where: str = "TRUE", params: list | tuple = (),
                by: str | None = None) -> tuple[str, list]:
    """The opening of every sales query: CTEs ``cutoff`` (the as-of date) and ``scoped`` (deals kept, with ``grp``)."""
    group_sql, group_params = group_expr(by)
    filter_sql, filter_params = flt.where("d")
    sql = ("WITH cutoff AS (SELECT CAST(? AS DATE) AS as_of),\n"
           f"scoped AS (SELECT d.*, {group_sql} AS grp FROM deal_state d WHERE {filter_sql} AND ({where}))")
    return sql, [scope.as_of, *group_params, *filter_params, *params]


# CTEs over the deals in ``scoped`` (after ``scoped_ctes``), in the deal's current pipeline:
# entries(deal_id, pipeline, stage, entered_on, inferred): when the deal entered each stage it is known to
#   have been in: the "Date entered" column of the latest export giving one, else its first change to the
#   stage in a stage-history import (analytics/history.py), else the first snapshot that showed it there
#   (inferred = TRUE; precision = the snapshot interval);
# open_entries: the same for open stages, with their position;
# reached(deal_id, pipeline, reached_position): the last open stage the deal reached (METRICS.md 3): the
#   furthest open stage it was seen at or entered; every open stage when won; else the first stage.
STAGE_HISTORY_CTES = """,
open_stages AS (SELECT pipeline, stage, position, probability FROM stages WHERE outcome = 'open'),
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
        SELECT *, 1, NULL, NULL FROM (""" + history.entries_sql("scoped") + """))
    QUALIFY row_number() OVER (PARTITION BY deal_id, pipeline, stage
                               ORDER BY source, known_on DESC, import_id DESC) = 1
),
entries AS (
    SELECT deal_id, pipeline, stage, coalesce(dated.entered_on, seen.seen_on) AS entered_on,
           dated.entered_on IS NULL AS inferred
    FROM dated FULL JOIN seen USING (deal_id, pipeline, stage)
),
open_entries AS (SELECT e.*, o.position FROM entries e JOIN open_stages o USING (pipeline, stage)),
reached AS (
    SELECT k.deal_id, k.pipeline,
           CASE WHEN k.status = 'won' THEN 2147483647
                ELSE coalesce(m.max_position, f.first_position) END AS reached_position
    FROM scoped k
    LEFT JOIN (SELECT deal_id, pipeline, max(position) AS max_position FROM open_entries GROUP BY ALL) m
        USING (deal_id, pipeline)
    LEFT JOIN (SELECT pipeline, min(position) AS first_position FROM open_stages GROUP BY ALL) f USING (pipeline)
)"""

# flags(grp, pipeline, status, value, position, counted): one row per deal and open stage of its pipeline.
_CUMULATIVE_FLAGS = """,
flags AS (
    SELECT k.grp, k.pipeline, k.status, k.value, o.position, r.reached_position >= o.position AS counted
    FROM scoped k JOIN reached r USING (deal_id, pipeline) JOIN open_stages o USING (pipeline)
)"""

_STRICT_FLAGS = """,
ordered AS (
    SELECT k.deal_id, k.grp, k.pipeline, k.status, k.value, o.position, e.entered_on
    FROM scoped k JOIN open_stages o USING (pipeline) LEFT JOIN open_entries e USING (deal_id, pipeline, position)
),
in_order AS (
    SELECT *, entered_on >= coalesce(max(entered_on) OVER earlier, entered_on) AS step_in_order
    FROM ordered
    WINDOW earlier AS (PARTITION BY deal_id ORDER BY position ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
flags AS (
    SELECT grp, pipeline, status, value, position,
           bool_and(coalesce(step_in_order, FALSE)) OVER (PARTITION BY deal_id ORDER BY position
                                                         ROWS UNBOUNDED PRECEDING) AS counted
    FROM in_order
)"""

_FUNNEL_STEPS = """,
groups AS (SELECT DISTINCT grp, pipeline FROM scoped {extra_group}),
counts AS (
    SELECT grp, pipeline, position,
           count(*) FILTER (counted) AS reached, sum(value) FILTER (counted) AS reached_amount,
           count(*) FILTER (counted AND status = 'won') AS won,
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
    head, params = scoped_ctes(scope, flt)
    in_cohort, cohort_params = cohort_sql(date_from, date_to)
    row = con.execute(f"{head} SELECT d.pipeline FROM scoped d GROUP BY d.pipeline "
                      f"ORDER BY count(*) FILTER ({in_cohort}) DESC, count(*) DESC, d.pipeline LIMIT 1",
                      [*params, *cohort_params]).fetchone()
    return row[0] if row else None


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
    where, params = cohort_sql(date_from, date_to)
    if pipeline is not None:
        where, params = f"{where} AND d.pipeline = ?", [*params, pipeline]
    head, head_params = scoped_ctes(scope, flt, where, params, by)
    extra_group = "UNION SELECT 'all', ?" if by is None else ""
    sql = (head + STAGE_HISTORY_CTES + (_STRICT_FLAGS if strict else _CUMULATIVE_FLAGS)
           + _FUNNEL_STEPS.format(extra_group=extra_group))
    frame = con.execute(sql, [*head_params, *([pipeline] if by is None else [])]).df()
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

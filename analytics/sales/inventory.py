"""The open pipeline: what is in it, what needs cleaning, and how good the stage probabilities are.

Conventions are those written at the top of ``analytics.sales.scope``. "Open" = current status open and
not dropped.
"""
from __future__ import annotations

import datetime as dt
import warnings

import duckdb
import pandas as pd

from analytics import store
from analytics.sales.deals import DealFilter
from analytics.sales.funnel import main_pipeline
from analytics.sales.scope import (
    ALL_DEALS,
    REACHED_JOINS,
    REACHED_POSITION,
    STAGE_HISTORY_CTES,
    Scope,
    date_range_sql,
    open_scope,
    scoped_ctes,
)
from analytics.store.derived import is_fresh
from analytics.store.frames import relation_frame
from analytics.store.schema import money_sum
from analytics.store.sql import Fragment, checked

OPEN = "d.status = 'open' AND NOT d.is_dropped"
OUTLIER_MIN_DEALS = 5
# The reason of each hygiene row, a code (its arguments are the row's own columns, see ``hygiene``).
REASON_CODES = ("stale", "past_due", "missing_amount", "missing_close_date", "missing_amount_and_close_date",
                "outlier_high", "outlier_low")

# by key -> (columns selected, ORDER BY terms)
_INVENTORY_KEYS = {
    "stage": (["pipeline", "stage", "stage_position AS position"], ["pipeline", "position NULLS LAST", "stage"]),
    "owner": (["owner"], ["owner NULLS LAST"]),
    "pipeline": (["pipeline"], ["pipeline"]),
    "close_month": (["strftime(close_on, '%Y-%m') AS close_month"], ["close_month NULLS LAST"]),
}


def open_inventory(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS,
                   by: str | tuple[str, ...] = "stage", date_from: dt.date | None = None,
                   date_to: dt.date | None = None, as_of: dt.date | None = None) -> pd.DataFrame:
    """Open deals grouped by stage, owner, pipeline, close month ('YYYY-MM', None = no close date) or a tuple of these.

    Grain: one row per group. count = open deals; amount = sum of value; weighted = sum of value x p
    (p = exported probability, else the stage's); valued = open deals whose value is known (amount and weighted
    read 0 when it is 0: every amount of the group is unknown, not zero). The period keeps deals whose close_on is in
    [date_from, date_to] (the open amount of a period, as used by coverage).
    """
    keys = (by,) if isinstance(by, str) else tuple(by)
    unknown = [k for k in keys if k not in _INVENTORY_KEYS]
    if unknown or not keys:
        raise ValueError(f"by must be among {', '.join(_INVENTORY_KEYS)} (got {by!r})")
    keys = tuple(checked(k, _INVENTORY_KEYS) for k in keys)  # only the SQL written in _INVENTORY_KEYS is spliced
    columns = [c for k in keys for c in _INVENTORY_KEYS[k][0]]
    order = [c for k in keys for c in _INVENTORY_KEYS[k][1]]
    where = Fragment(f"{OPEN} AND ", []) + date_range_sql("d.close_on", date_from, date_to)
    query = scoped_ctes(open_scope(con, as_of), flt, where) + Fragment(
        f" SELECT {', '.join(columns)}, count(*) AS count, coalesce(sum(value), 0.0) AS amount, "
        f"coalesce({money_sum('value * p')}, 0.0) AS weighted, count(value) AS valued "
        f"FROM scoped GROUP BY ALL ORDER BY {', '.join(order)}",
        [])
    return con.execute(*query).df()


_DEAL_COLUMNS = "d.deal_id, d.name, d.owner, d.pipeline, d.stage, d.amount, d.currency, d.close_on"

# changes(deal_id, changed_on, first_seen): each scoped deal's last change of stage or amount and first snapshot, from
# every snapshot on or before the as-of date, or read from the stored deal_changes (the same, for the latest date).
_COMPUTED_CHANGES = """,
changes AS (
    SELECT deal_id, max(snapshot_on) FILTER (changed) AS changed_on, min(snapshot_on) AS first_seen
    FROM (SELECT s.deal_id, s.snapshot_on,
                 row_number() OVER w > 1 AND (lag(s.stage) OVER w IS DISTINCT FROM s.stage
                                              OR lag(s.amount) OVER w IS DISTINCT FROM s.amount) AS changed
          FROM deal_snapshots s JOIN scoped k ON k.deal_id = s.deal_id
          WHERE s.snapshot_on <= (SELECT as_of FROM cutoff)
          WINDOW w AS (PARTITION BY s.deal_id ORDER BY s.snapshot_on, s.import_id))
    GROUP BY deal_id
),"""
_STORED_CHANGES = """,
changes AS (SELECT c.deal_id, c.changed_on, c.first_seen FROM deal_changes c JOIN scoped k USING (deal_id)),"""

# unchanged: the scoped deals with their last change (last_change_on, days_unchanged as of the as-of date) and
# has_changes (the deal has a ``changes`` row: the stale list reads only those, see ``hygiene``).
_UNCHANGED = """
unchanged AS (
    SELECT *, (SELECT as_of FROM cutoff) - last_change_on AS days_unchanged
    FROM (SELECT d.*, c.deal_id IS NOT NULL AS has_changes,
                 coalesce(greatest(c.changed_on, t.entered_on), d.created_on, c.first_seen) AS last_change_on
          FROM scoped d LEFT JOIN changes c USING (deal_id)
          LEFT JOIN dated t ON t.deal_id = d.deal_id AND t.pipeline = d.pipeline AND t.stage = d.stage)
)"""

_STALE = _UNCHANGED + """
SELECT {columns}, d.last_change_on, d.days_unchanged, 'stale' AS reason_code
FROM unchanged d WHERE d.has_changes AND d.days_unchanged >= ?
ORDER BY d.days_unchanged DESC, d.deal_id
"""

# Every open deal with at least one problem, its flags and the columns of every problem's list, in one pass over the
# deals (``hygiene`` then splits the few flagged rows into the four lists). Parameters: stale days, minimum deals of
# an owner, factor, factor.
_FLAGGED = _UNCHANGED + """,
owner_medians AS (
    SELECT owner, median(value) AS owner_median FROM scoped
    WHERE value IS NOT NULL AND owner IS NOT NULL GROUP BY owner HAVING count(*) >= ?
),
flagged AS (
    SELECT d.*, m.owner_median,
           d.has_changes AND d.days_unchanged >= ? AS is_stale,
           d.close_on < d.snapshot_on AS is_past_due,
           d.amount IS NULL OR d.close_on IS NULL AS is_missing,
           d.value > ? * m.owner_median OR d.value < m.owner_median / ? AS is_outlier
    FROM unchanged d LEFT JOIN owner_medians m USING (owner)
)
SELECT {columns}, d.snapshot_on, d.value, d.last_change_on, d.days_unchanged, d.owner_median,
       coalesce(d.is_stale, FALSE) AS is_stale, coalesce(d.is_past_due, FALSE) AS is_past_due,
       coalesce(d.is_missing, FALSE) AS is_missing, coalesce(d.is_outlier, FALSE) AS is_outlier
FROM flagged d WHERE d.is_stale OR d.is_past_due OR d.is_missing OR d.is_outlier
"""

# Each list out of the flagged rows (``flagged`` below: the rows above), its own columns and order.
_LISTS = {
    "stale": """
SELECT {columns}, d.last_change_on, d.days_unchanged, 'stale' AS reason_code
FROM flagged d WHERE d.is_stale
ORDER BY d.days_unchanged DESC, d.deal_id""",
    "past_due": """
SELECT {columns}, d.snapshot_on, d.snapshot_on - d.close_on AS days_past_due, 'past_due' AS reason_code
FROM flagged d WHERE d.is_past_due
ORDER BY d.close_on, d.deal_id""",
    "missing": """
SELECT {columns}, CASE WHEN d.amount IS NULL AND d.close_on IS NULL THEN 'missing_amount_and_close_date'
                       WHEN d.amount IS NULL THEN 'missing_amount' ELSE 'missing_close_date' END AS reason_code
FROM flagged d WHERE d.is_missing
ORDER BY d.deal_id""",
    "outliers": """
SELECT {columns}, d.value, d.owner_median, d.value / d.owner_median AS ratio_to_median,
       CASE WHEN d.value > d.owner_median THEN 'outlier_high' ELSE 'outlier_low' END AS reason_code
FROM flagged d WHERE d.is_outlier
ORDER BY d.owner, ratio_to_median DESC, d.deal_id""",
}


def hygiene(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, stale_days: int | None = None,
            as_of: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """Open deals that need attention, by problem: {"stale", "past_due", "missing", "outliers"}.

    Grain: one row per open deal with that problem. Columns: deal_id, name, owner, pipeline, stage,
    amount, currency, close_on, the problem's own columns (the arguments of its reason), and ``reason_code``
    (one of ``REASON_CODES``; ui turns code + arguments into a sentence in the reader's language).
    stale: no change of stage or amount for >= stale_days (setting, default 30) as of the as-of date
      (latest snapshot). Last change = the latest of: the snapshot where the stage or amount was seen to
      differ from the deal's previous snapshot, and the "Date entered" of its current stage; when neither
      is known (one snapshot, no entry dates), its created_on, else its first snapshot date.
      Extra columns: last_change_on, days_unchanged. Code: stale.
    past_due: close_on before the deal's snapshot_on. Extra columns: snapshot_on, days_past_due. Code: past_due.
    missing: blank amount or blank close_on. Codes: missing_amount, missing_close_date,
      missing_amount_and_close_date.
    outliers: value above outlier_factor (setting, default 5) x the median value of the owner's open
      deals, or below that median / factor; owners with >= 5 open deals of known value only (amounts are
      compared in the reporting currency). Extra columns: value, owner_median, ratio_to_median (value /
      owner_median). Codes: outlier_high (above the median), outlier_low (below it).
    The open deals are read once (every problem flagged in one pass); the flagged rows, a few percent of them,
    are then split into the four lists.
    """
    settings = store.get_settings(con)
    stale_days = int(settings["stale_days"] if stale_days is None else stale_days)
    factor = float(settings["outlier_factor"])
    query = _stale_head(con, flt, as_of) + Fragment(_FLAGGED.format(columns=_DEAL_COLUMNS),
                                                     [OUTLIER_MIN_DEALS, stale_days, factor, factor])
    with warnings.catch_warnings():  # DuckDB warns that Arrow out of execute() copies the rows: a few thousand
        warnings.filterwarnings("ignore", "Arrow output on a DB-API result", UserWarning)
        flagged = con.execute(*query).to_arrow_table()  # the database's types (decimals stay exact)
    rows = con.from_arrow(flagged)  # the few flagged rows, read from memory: the deals are not read again
    return {problem: relation_frame(con, rows.query("flagged", sql.format(columns=_DEAL_COLUMNS)))
            for problem, sql in _LISTS.items()}


# dated(deal_id, pipeline, stage, entered_on) of the stored stays (``Scope.stored_stays``), for the deals' current
# stage only (all ``_UNCHANGED`` reads): a stay not inferred is one with a "Date entered" or a stage-history entry, its
# entered_on that date, as the stage-entry CTEs' ``dated`` (an open deal's current stage always has its stay).
_STORED_DATED = """,
dated AS (SELECT deal_id, pipeline, stage, entered_on FROM deal_stays WHERE is_current AND NOT inferred)"""


def _stale_head(con: duckdb.DuckDBPyConnection, flt: DealFilter, as_of: dt.date | None) -> Fragment:
    """The open deals of the scope (``scoped``), their stage entries (``dated``; from the stored stays when the scope
    has them: no stage-entry CTEs over every deal) and last changes (``changes``)."""
    scope = open_scope(con, as_of)
    changes = _STORED_CHANGES if scope.stored_entries and is_fresh(con, "deal_changes") else _COMPUTED_CHANGES
    dated = _STORED_DATED if scope.stored_stays else scope.stage_history_ctes
    return scoped_ctes(scope, flt, Fragment(OPEN, [])) + Fragment(dated + changes, [])


def stale_deals(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, stale_days: int | None = None,
                as_of: dt.date | None = None) -> pd.DataFrame:
    """The open deals with no change of stage or amount for >= stale_days: ``hygiene``'s "stale" list alone
    (one query instead of hygiene's four; the Priorities page flags these deals).

    Grain: one row per stale open deal, most days unchanged first. Last change and columns as in ``hygiene``
    (days_unchanged = as-of date - last change; code: stale).
    """
    stale_days = int(store.get_settings(con)["stale_days"] if stale_days is None else stale_days)
    query = Fragment(_STALE.format(columns=_DEAL_COLUMNS), [stale_days])
    return con.execute(*(_stale_head(con, flt, as_of) + query)).df()


# calibrated(pipeline, stage, position, configured_probability, closed_reached, won_reached, historical_probability)
# over ``open_stages`` and ``closed(pipeline, reached_position, is_won, n)``: the closed deals counted (n) by pipeline,
# last open stage reached and outcome (a few dozen rows for a million deals), so each open stage adds up a few
# buckets instead of reading every closed deal. The Forecast page counts ``closed`` its own way from stored stages.
CALIBRATED_CTE = """
calibrated AS (
    SELECT o.pipeline, o.stage, o.position, o.probability AS configured_probability,
           CAST(coalesce(sum(c.n) FILTER (c.reached_position >= o.position), 0) AS BIGINT) AS closed_reached,
           CAST(coalesce(sum(c.n) FILTER (c.reached_position >= o.position AND c.is_won), 0) AS BIGINT)
               AS won_reached,
           won_reached / nullif(closed_reached, 0) AS historical_probability
    FROM open_stages o LEFT JOIN closed c USING (pipeline)
    GROUP BY ALL
)"""
_CALIBRATION = """,
closed AS (SELECT k.pipeline, """ + REACHED_POSITION + """ AS reached_position, k.status = 'won' AS is_won,
                  count(*) AS n
           FROM scoped k""" + REACHED_JOINS + """
           WHERE k.status IN ('won', 'lost') GROUP BY ALL),""" + CALIBRATED_CTE


def calibration_ctes(head: Fragment, stage_ctes: str = STAGE_HISTORY_CTES) -> Fragment:
    """The CTE ``calibrated(pipeline, stage, position, configured_probability, closed_reached, won_reached,
    historical_probability)`` over the closed deals of ``scoped`` (``head`` = ``scoped_ctes`` output;
    ``stage_ctes``: the scope's ``stage_history_ctes``, computed from the snapshots when not given)."""
    return head + Fragment(stage_ctes + _CALIBRATION, [])


# ``closed`` read from the stored outcomes (``Scope.stored_outcomes``): the closed deals of the filter, each with its
# last open stage reached (the same deals as the closed ones of ``scoped``, whose filter and outcome they share; a
# pipeline the query narrows ``scoped`` to is applied by its reader, which keeps the pipeline's rows of ``calibrated``).
_STORED_CALIBRATION = """,
closed AS (SELECT k.pipeline, k.reached_position, k.status = 'won' AS is_won, count(*) AS n
           FROM deal_outcomes k WHERE k.status IN ('won', 'lost') AND {filter} GROUP BY ALL),""" + CALIBRATED_CTE


def scope_calibration_ctes(head: Fragment, scope: Scope, flt: DealFilter) -> Fragment:
    """``calibration_ctes`` for ``scope`` and the filter ``flt`` of ``head``'s deals: each closed deal's last stage
    reached read from the stored outcomes (``Scope.stored_outcomes``: one row per deal, no join), else its furthest
    stay from the stored stays (``Scope.stored_stays``: no stage entries built), else from its stage entries."""
    if scope.stored_outcomes:
        return head + Fragment(scope.reached_ctes, []) + Fragment.format(_STORED_CALIBRATION, filter=flt.where("k"))
    if scope.stored_stays:
        return head + Fragment(scope.reached_ctes + _CALIBRATION.replace(REACHED_JOINS, scope.reached_joins), [])
    return calibration_ctes(head, scope.stage_history_ctes)


def calibration(con: duckdb.DuckDBPyConnection, pipeline: str | None = None, *, flt: DealFilter = ALL_DEALS,
                as_of: dt.date | None = None) -> pd.DataFrame:
    """Configured vs historical probability of each open stage of one pipeline, over all history.

    Grain: one row per open stage, in stage order. closed_reached = closed (won or lost, dropped ones
    included, blank created_on included) deals that reached the stage (METRICS.md 3); won_reached = the
    won ones among them; historical_probability = won_reached / closed_reached (None when 0).
    ``pipeline`` None = ``main_pipeline``.
    Columns: stage, position, configured_probability, historical_probability, closed_reached, won_reached.
    """
    if pipeline is None:
        pipeline = main_pipeline(con, flt=flt, as_of=as_of)
    scope = open_scope(con, as_of)
    where = Fragment("d.status IN ('won', 'lost')", [])  # only closed deals are counted, only the pipeline's
    if pipeline is not None:
        where += Fragment(" AND d.pipeline = ?", [pipeline])
    query = scope_calibration_ctes(scoped_ctes(scope, flt, where), scope, flt) + Fragment("""
        SELECT stage, position, configured_probability, historical_probability, closed_reached, won_reached
        FROM calibrated WHERE pipeline = ? ORDER BY position""", [pipeline])
    return con.execute(*query).df()

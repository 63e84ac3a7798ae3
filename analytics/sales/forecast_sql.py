"""The SQL of the forecast (``analytics.sales.forecast``): the deals it looks at with their win probability, the
calibrated probabilities, and the CTEs the model's other readers share (quotas' coverage, the calls' per-owner
forecast, the what-if inputs). Conventions are those of ``analytics.sales.forecast`` and ``analytics.sales.scope``.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from analytics.sales.deals import DealFilter
from analytics.sales.inventory import CALIBRATED_CTE, calibration_ctes, scope_calibration_ctes
from analytics.sales.scope import entries_sql, scoped_ctes
from analytics.store.derived import is_fresh
from analytics.store.sql import Fragment, checked

GRAINS = {"month": 1, "quarter": 3}   # months per period

PROBABILITIES = {
    "configured": "coalesce(d.p, 0)",
    "calibrated": "coalesce(c.historical_probability, d.p, 0)",
}

# kept: the deals a forecast looks at (open and not dropped, or won), with their p (and, for ``paired_deal_rows``,
# their calibrated p beside the configured one); materialised so that the deal_state CTE is read once per query.
_PERIOD_CTES = """,
first_period AS (SELECT CAST(date_trunc('{grain}', as_of) AS DATE) AS first_start FROM cutoff),
kept AS MATERIALIZED (
    SELECT d.status, d.close_on, d.owner, d.value, least(greatest({probability}, 0), 1) AS p{also}
    FROM scoped d {calibrated_join}
    WHERE (d.status = 'open' AND NOT d.is_dropped) OR d.status = 'won'
),
open_deals AS (
    SELECT greatest(CAST(date_trunc('{grain}', close_on) AS DATE), f.first_start) AS period_start, close_on,
           owner, value, p
    FROM kept CROSS JOIN first_period f
    WHERE status = 'open' AND close_on IS NOT NULL AND value IS NOT NULL
),
won AS (
    SELECT CAST(date_trunc('{grain}', close_on) AS DATE) AS period_start, sum(value) AS won_amount
    FROM kept CROSS JOIN first_period f
    WHERE status = 'won' AND close_on >= f.first_start AND value IS NOT NULL GROUP BY ALL
)"""

# One row per open deal and per won deal closed from the as-of period on (a single read of the deals), in a
# fixed order so that sums, and so the draws, come out the same on the same data.
_DEAL_ROWS = """
SELECT k.status = 'won' AS is_won, k.close_on IS NULL AS no_close_date, k.close_on < f.first_start AS past_due,
       greatest(CAST(date_trunc('{grain}', k.close_on) AS DATE), f.first_start) AS period_start, k.value, k.p
FROM kept k CROSS JOIN first_period f WHERE k.status = 'open' OR k.close_on >= f.first_start
ORDER BY period_start, k.value, k.p
"""
# The same rows with both probabilities (p configured, p_calibrated), in the configured forecast's order; the
# calibrated forecast's order (the same keys with its own p) is their rank in calibrated_order.
_PAIRED_DEAL_ROWS = """
SELECT k.status = 'won' AS is_won, k.close_on IS NULL AS no_close_date, k.close_on < f.first_start AS past_due,
       greatest(CAST(date_trunc('{grain}', k.close_on) AS DATE), f.first_start) AS period_start, k.value, k.p,
       k.p_calibrated,
       row_number() OVER (ORDER BY greatest(CAST(date_trunc('{grain}', k.close_on) AS DATE), f.first_start), k.value,
                                   k.p_calibrated) AS calibrated_order
FROM kept k CROSS JOIN first_period f WHERE k.status = 'open' OR k.close_on >= f.first_start
ORDER BY period_start, k.value, k.p
"""

# The calibration (``inventory.calibration_ctes``: per open stage, the share of the closed deals that reached it and
# were won) with the stages each lost deal reached read from the stored ``deal_stage_entries`` (its reached_on;
# analytics.store.derived), as the Priorities page reads it: the stages each deal was shown at or dated in, on or before
# the cutoff, in its current pipeline, plus those of the stage-history imports (never stored). Only which stages were
# reached matters, not when, so reached_position is the one the stage entries give (METRICS.md 3: the furthest open
# stage reached; every stage for a won deal; else the first stage), without building every deal's entry dates, and
# only the lost deals' stages are grouped (a million deals' stages took seconds). The closed deals are then counted
# without joining a million deals back to their reached stage: won deals by pipeline (every stage reached); lost deals
# by the furthest open stage they reached; the lost deals that reached none (their pipeline's count minus those that
# did) at the pipeline's first stage. Same columns as ``calibrated``.
_CALIBRATED_FROM_STORE = """,
open_stages AS (SELECT pipeline, stage, position, probability FROM stages WHERE outcome = 'open'),
lost_positions AS (
    SELECT r.deal_id, r.pipeline, o.position
    FROM deal_stage_entries r JOIN scoped k ON k.deal_id = r.deal_id AND k.pipeline = r.pipeline
    JOIN open_stages o ON o.pipeline = r.pipeline AND o.stage = r.stage
    WHERE r.reached_on <= (SELECT as_of FROM cutoff) AND k.status = 'lost'
    UNION ALL
    SELECT h.deal_id, h.pipeline, o.position FROM (""" + entries_sql("scoped") + """) h
    JOIN open_stages o USING (pipeline, stage)
    JOIN scoped k ON k.deal_id = h.deal_id AND k.pipeline = h.pipeline AND k.status = 'lost'
),
lost_reached AS (SELECT deal_id, pipeline, max(position) AS max_position FROM lost_positions GROUP BY ALL),
closed_counts AS (SELECT pipeline, status = 'won' AS is_won, count(*) AS n FROM scoped
                  WHERE status IN ('won', 'lost') GROUP BY ALL),
closed AS (
    SELECT pipeline, 2147483647 AS reached_position, TRUE AS is_won, n FROM closed_counts WHERE is_won
    UNION ALL
    SELECT pipeline, max_position, FALSE, count(*) FROM lost_reached GROUP BY ALL
    UNION ALL
    SELECT c.pipeline, f.first_position, FALSE, c.n - coalesce(r.n, 0)
    FROM closed_counts c
    LEFT JOIN (SELECT pipeline, count(*) AS n FROM lost_reached GROUP BY ALL) r USING (pipeline)
    LEFT JOIN (SELECT pipeline, min(position) AS first_position FROM open_stages GROUP BY ALL) f USING (pipeline)
    WHERE NOT c.is_won
),""" + CALIBRATED_CTE


def period_ctes(scope, flt: DealFilter, grain: str, probability: str, con: duckdb.DuckDBPyConnection | None = None
                ) -> Fragment:
    """The CTEs ``cutoff``, ``scoped``, ``first_period``, ``kept``, ``open_deals`` (period_start, close_on,
    owner, value, p) and ``won`` (period_start, won_amount), with their parameters. ``con``: the connection the
    query will run on, to read the calibration first (``calibrated_values``: its reached stages from
    ``deal_stage_entries`` while it is fresh, the same numbers); without it, the calibration CTEs are part of the
    query."""
    return _ctes(scope, flt, grain, probability, con)


def _ctes(scope, flt: DealFilter, grain: str, probability: str, con: duckdb.DuckDBPyConnection | None,
          paired: bool = False) -> Fragment:
    """``period_ctes``; ``paired``: ``kept`` also holds p_calibrated (``probability`` then 'configured')."""
    head = scoped_ctes(scope, flt)
    calibrated = checked(probability, PROBABILITIES) == "calibrated" or paired
    if calibrated and con is not None:
        head += calibrated_values(con, head, scope, flt)
    elif calibrated:
        head = calibration_ctes(head, scope.stage_history_ctes)
    also = f", least(greatest({PROBABILITIES['calibrated']}, 0), 1) AS p_calibrated" if paired else ""
    return head + Fragment(_PERIOD_CTES.format(
        grain=checked(grain, GRAINS), probability=PROBABILITIES[probability], also=also,
        calibrated_join=("LEFT JOIN calibrated c ON c.pipeline = d.pipeline AND c.stage = d.stage"
                         if calibrated else "")), [])


def calibrated_values(con: duckdb.DuckDBPyConnection, head: Fragment, scope, flt: DealFilter) -> Fragment:
    """The CTE ``calibrated(pipeline, stage, historical_probability)`` of the deals of ``head`` (``scoped_ctes``
    output for the filter ``flt``), its few rows (one per open stage) read first and bound as values: the query that
    joins it to every deal then reads the deals once, instead of computing the calibration inside it (DuckDB planned
    the two together in twice the time of both apart). The same numbers as the calibration CTEs: from the stored
    ``deal_stage_entries`` while it is fresh (``_CALIBRATED_FROM_STORE``) or, when the scope has them, from the stored
    outcomes or stays (one row per deal: the cheaper reads), else from the stage entries
    (``inventory.scope_calibration_ctes``)."""
    if is_fresh(con, "deal_stage_entries") and not scope.stored_stays:
        query = head + Fragment(_CALIBRATED_FROM_STORE, [])
    else:
        query = scope_calibration_ctes(head, scope, flt)
    rows = con.execute(*(query + Fragment(
        " SELECT pipeline, stage, historical_probability FROM calibrated ORDER BY pipeline, stage", []))).fetchall()
    if not rows:
        return Fragment(",\ncalibrated AS (SELECT CAST(NULL AS VARCHAR) AS pipeline, CAST(NULL AS VARCHAR) AS stage, "
                        "CAST(NULL AS DOUBLE) AS historical_probability WHERE FALSE)", [])
    values = ", ".join("(CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS DOUBLE))" for _ in rows)
    return Fragment(f",\ncalibrated AS (SELECT * FROM (VALUES {values}) v(pipeline, stage, historical_probability))",
                    [value for row in rows for value in row])


def deal_rows(con: duckdb.DuckDBPyConnection, scope, flt: DealFilter, grain: str, probability: str) -> pd.DataFrame:
    """The open deals and the won deals closed from the as-of period on, with their p (``_DEAL_ROWS``): is_won,
    no_close_date, past_due, period_start, value, p; ordered by period_start, value, p; no row without deals."""
    query = period_ctes(scope, flt, grain, probability, con) + Fragment(
        _DEAL_ROWS.format(grain=checked(grain, GRAINS)), [])
    return con.execute(*query).df()


def paired_deal_rows(con: duckdb.DuckDBPyConnection, scope, flt: DealFilter, grain: str) -> dict[str, pd.DataFrame]:
    """``deal_rows`` with each probability, {'configured': rows, 'calibrated': rows}, from one read of the deals:
    each the frame ``deal_rows`` gives (same columns, the same order of its sort keys)."""
    query = _ctes(scope, flt, grain, "configured", con, paired=True) + Fragment(
        _PAIRED_DEAL_ROWS.format(grain=checked(grain, GRAINS)), [])
    rows = con.execute(*query).df()
    configured = rows.drop(columns=["p_calibrated", "calibrated_order"])
    calibrated = rows.sort_values("calibrated_order").drop(columns=["p", "calibrated_order"]).rename(
        columns={"p_calibrated": "p"}).reset_index(drop=True)
    return {"configured": configured, "calibrated": calibrated}

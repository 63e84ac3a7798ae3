"""The forecast by month of close date, with its P10 / P50 / P90 range (METRICS.md 4).

Conventions are those written at the top of ``analytics/funnel.py``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.deals import DealFilter
from analytics.funnel import ALL_DEALS, open_scope, scoped_ctes
from analytics.inventory import calibration_ctes

EXACT_MAX_DEALS = 2_000      # a month with more open deals uses the normal approximation
_BLOCK_CELLS = 2_000_000     # random draws generated at once (16 MB of floats)
_Z10 = -1.2815515655446004   # standard normal 10th percentile

_PROBABILITY = {
    "configured": "coalesce(d.p, 0)",
    "calibrated": "coalesce(c.historical_probability, d.p, 0)",
}

_MONTHLY = """,
month0 AS (SELECT CAST(date_trunc('month', as_of) AS DATE) AS first_month FROM cutoff),
open_deals AS (
    SELECT greatest(CAST(date_trunc('month', d.close_on) AS DATE), m.first_month) AS month, d.value,
           least(greatest({probability}, 0), 1) AS p
    FROM scoped d CROSS JOIN month0 m {calibrated_join}
    WHERE d.status = 'open' AND NOT d.is_dropped AND d.close_on IS NOT NULL AND d.value IS NOT NULL
),
won AS (
    SELECT CAST(date_trunc('month', d.close_on) AS DATE) AS month, sum(d.value) AS won_amount
    FROM scoped d CROSS JOIN month0 m
    WHERE d.status = 'won' AND d.close_on >= m.first_month AND d.value IS NOT NULL GROUP BY ALL
),
open_months AS (
    SELECT month, count(*) AS open_count, sum(value * p) AS expected, sum(value * value * p * (1 - p)) AS variance
    FROM open_deals GROUP BY month
),
months AS (
    SELECT CAST(unnest(generate_series(m.first_month, (SELECT max(month) FROM (
        SELECT month FROM open_months UNION ALL SELECT month FROM won)), INTERVAL 1 MONTH)) AS DATE) AS month
    FROM month0 m
)"""

_MONTH_ROWS = """
SELECT m.month, coalesce(w.won_amount, 0.0) AS won_amount, coalesce(o.expected, 0.0) AS expected,
       coalesce(o.variance, 0.0) AS variance, coalesce(o.open_count, 0) AS open_count
FROM months m LEFT JOIN won w USING (month) LEFT JOIN open_months o USING (month)
ORDER BY m.month
"""

_COUNTS = """
SELECT count(*) FILTER (d.close_on IS NULL) AS no_close_date,
       count(*) FILTER (d.close_on < m.first_month) AS past_due
FROM scoped d CROSS JOIN month0 m WHERE d.status = 'open' AND NOT d.is_dropped
"""


@dataclass(frozen=True)
class Forecast:
    """``months``: one row per calendar month of close_on from the as-of month on (see ``forecast_by_month``)."""
    months: pd.DataFrame
    as_of: dt.date | None
    no_close_date: int
    past_due_in_first_month: int
    probability: str


def forecast_by_month(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, as_of: dt.date | None = None,
                      seed: int = 42, draws: int = 10_000, probability: str = "configured") -> Forecast:
    """Won amount + expected value of the open deals, per month of close_on, with a P10-P90 range.

    Grain: one row per calendar month from the as-of month (latest snapshot) to the last month holding
    a won or open deal, empty months included. Columns: period 'YYYY-MM'; won_amount = value of the
    won deals closed in the month; expected = sum over open deals closing in the month of value x p;
    forecast = won_amount + expected; p10 / p50 / p90 = percentiles of won_amount + sum of
    value_i x Bernoulli(p_i); open_count; method.
    p: 'configured' = the exported probability, else the stage's configured one; 'calibrated' = the
    stage's historical probability (``calibration``) where closed deals reached it, else the configured p.
    Open deals whose close date is before the as-of month (past due) are put in the as-of month
    (counted in ``past_due_in_first_month``); open deals without a close date are left out and counted
    in ``no_close_date``; open deals whose value is unknown are left out of every sum.
    method: 'monte_carlo' = ``draws`` vectorised draws with a fixed ``seed`` (months of up to 2,000
    open deals); 'normal' = normal approximation (mean = expected, variance = sum value^2 p (1 - p))
    above that; 'none' when the month has no open deal. P10 <= P50 <= P90, and their mean is the forecast.
    """
    if probability not in _PROBABILITY:
        raise ValueError(f"probability must be one of {', '.join(_PROBABILITY)}")
    scope = open_scope(con, as_of)
    head, params = scoped_ctes(scope, flt)
    calibrated = probability == "calibrated"
    ctes = (calibration_ctes(head) if calibrated else head) + _MONTHLY.format(
        probability=_PROBABILITY[probability],
        calibrated_join=("LEFT JOIN calibrated c ON c.pipeline = d.pipeline AND c.stage = d.stage"
                         if calibrated else ""))
    months = con.execute(ctes + _MONTH_ROWS, params).df()
    counts = con.execute(ctes + _COUNTS, params).fetchone()
    simulated = _simulated_months(con, ctes, params, np.random.default_rng(seed), draws)
    rows = [_month_row(month, simulated.get(month.month.date())) for month in months.itertuples(index=False)]
    frame = pd.DataFrame(rows, columns=["period", "won_amount", "expected", "forecast", "p10", "p50", "p90",
                                        "open_count", "method"])
    return Forecast(frame, scope.as_of, int(counts[0] or 0), int(counts[1] or 0), probability)


def _month_row(month, simulated: np.ndarray | None) -> tuple:
    """One output row: the month's sums and its percentiles (simulated, approximated, or 0 without open deals)."""
    if simulated is not None:
        low, mid, high = np.percentile(simulated, [10, 50, 90])
        method = "monte_carlo"
    elif month.open_count > 0:
        low, mid, high = _normal_percentiles(month.expected, month.variance)
        method = "normal"
    else:
        low = mid = high = 0.0
        method = "none"
    won, expected = float(month.won_amount), float(month.expected)
    return (month.month.strftime("%Y-%m"), won, expected, won + expected, won + float(low), won + float(mid),
            won + float(high), int(month.open_count), method)


def _simulated_months(con, ctes: str, params: list, rng: np.random.Generator, draws: int) -> dict:
    """{month: simulated totals of its open deals} for every month with at most EXACT_MAX_DEALS open deals.

    Deals are sorted so that the same data and seed always give the same draws."""
    found = con.execute(ctes + " SELECT month, value, p FROM open_deals WHERE month IN "
                        "(SELECT month FROM open_months WHERE open_count <= ?) ORDER BY month, value, p",
                        [*params, EXACT_MAX_DEALS]).df()
    return {month.date(): simulated_totals(deals.value.to_numpy(float), deals.p.to_numpy(float), rng, draws)
            for month, deals in found.groupby("month")}


def simulated_totals(values: np.ndarray, probabilities: np.ndarray, rng: np.random.Generator,
                     draws: int) -> np.ndarray:
    """``draws`` samples of sum(value_i x Bernoulli(p_i)), generated in blocks of deals to bound memory."""
    totals = np.zeros(draws)
    block = max(1, _BLOCK_CELLS // draws)
    for start in range(0, len(values), block):
        wins = rng.random((min(block, len(values) - start), draws)) < probabilities[start:start + block, None]
        totals += values[start:start + block] @ wins
    return totals


def _normal_percentiles(mean: float, variance: float) -> tuple[float, float, float]:
    """P10 / P50 / P90 of a normal distribution (P10 floored at 0: a sum of amounts is never negative)."""
    spread = -_Z10 * float(np.sqrt(max(variance, 0.0)))
    return max(mean - spread, 0.0), mean, mean + spread

"""The forecast by month or quarter of close date, with its P10 / P50 / P90 range; forecast categories; the
run-rate projection of pipeline not created yet; forecast accuracy of past snapshots (METRICS.md 4).

Conventions are those written at the top of ``analytics.sales.scope``. Choices where METRICS.md is silent:

* Periods are calendar months ('YYYY-MM') or quarters ('YYYY-Qn') from the as-of period on. Open deals whose
  close date is before the as-of period (past due) are put in the as-of period; open deals without a close
  date are left out of every period and counted apart.
* The range treats each open deal as won with its probability, independently. The deals that weigh most on
  the spread (largest value^2 x p x (1 - p)), up to ``EXACT_MAX_DEALS`` per period, are drawn by Monte Carlo;
  the rest of the period's deals, when there are more, add a normal term with their mean and variance
  (method 'mixed'): many small deals are close to normal, a few big ones are not. Draws are shared between
  periods (each period's own percentiles are what is reported, never a sum across periods).
* With ``with_new_deals``, each period also gets the revenue of deals not created yet
  (``analytics.sales.new_deals``: its model, history and reasons): expected_new, and the range of the period's
  total = won + open deals + new deals, drawn jointly (draw j of the open deals + draw j of the new deals, so the
  total's mean is forecast + expected_new and its percentiles are ordered). Without the history, those columns
  are empty and ``Forecast.new_deals.reason`` says why.
* Forecast categories sum the amount (not weighted) of the open deals closing in the period by category,
  won deals closed in the period counting as Closed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.sales.deals import DealFilter, rate_case, snapshot_dates
from analytics.sales.forecast_sql import GRAINS, PROBABILITIES, deal_rows, paired_deal_rows, period_ctes
from analytics.sales.new_deals import LOOKBACK_MONTHS, NewDealModel, new_deal_draws, new_deal_model
from analytics.sales.scope import ALL_DEALS, BLANK_GROUP, Scope, open_scope, scoped_ctes
from analytics.store.derived import is_fresh
from analytics.store.sql import Fragment, checked, value_list

EXACT_MAX_DEALS = 200        # deals per period drawn one by one; the rest of a bigger period is approximated
_Z10 = -1.2815515655446004   # standard normal 10th percentile

FORECAST_COLUMNS = ["period", "period_start", "won_amount", "expected", "forecast", "p10", "p50", "p90",
                    "open_count", "method"]
# With with_new_deals: the deals not created yet (expected_new), and the range of won + open + new deals.
NEW_DEAL_COLUMNS = ["expected_new", "forecast_with_new", "p10_with_new", "p50_with_new", "p90_with_new",
                    "new_method"]


@dataclass(frozen=True)
class Forecast:
    """``periods``: one row per calendar month (or quarter) from the as-of period on (see ``forecast_by_period``)."""
    periods: pd.DataFrame
    as_of: dt.date | None
    no_close_date: int
    past_due_in_first_month: int
    probability: str
    grain: str = "month"
    new_deals: NewDealModel | None = None   # the model of deals not created yet, when asked for

    @property
    def months(self) -> pd.DataFrame:
        """The rows (named for the monthly forecast, its most common use)."""
        return self.periods


def period_label(start: dt.date, grain: str = "month") -> str:
    """'2026-12' for a month, '2026-Q4' for a quarter."""
    return f"{start.year}-{start.month:02d}" if grain == "month" else f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def forecast_by_month(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, as_of: dt.date | None = None,
                      seed: int = 42, draws: int = 10_000, probability: str = "configured",
                      with_new_deals: bool = False, lookback_months: int = LOOKBACK_MONTHS) -> Forecast:
    """``forecast_by_period`` by calendar month (the ``forecast`` rows of ``report --json``)."""
    return forecast_by_period(con, grain="month", flt=flt, as_of=as_of, seed=seed, draws=draws,
                              probability=probability, with_new_deals=with_new_deals,
                              lookback_months=lookback_months)


def forecast_by_period(con: duckdb.DuckDBPyConnection, *, grain: str = "month", flt: DealFilter = ALL_DEALS,
                       as_of: dt.date | None = None, seed: int = 42, draws: int = 10_000,
                       probability: str = "configured", with_new_deals: bool = False,
                       lookback_months: int = LOOKBACK_MONTHS) -> Forecast:
    """Won amount + expected value of the open deals, per month or quarter of close_on, with a P10-P90 range.

    Grain: one row per calendar month ('month') or quarter ('quarter') from the as-of period (latest
    snapshot) to the last period holding a won or open deal, empty periods included (at least the as-of
    period once a deal exists). Columns: period 'YYYY-MM' | 'YYYY-Qn'; period_start (date); won_amount =
    value of the won deals closed in the period; expected = sum over open deals closing in it of value x p;
    forecast = won_amount + expected; p10 / p50 / p90 = percentiles of won_amount + sum of
    value_i x Bernoulli(p_i); open_count; method.
    p: 'configured' = the exported probability, else the stage's configured one; 'calibrated' = the
    stage's historical probability (``calibration``) where closed deals reached it, else the configured p.
    Open deals closing before the as-of period (past due) are put in the as-of period (counted in
    ``past_due_in_first_month``); open deals without a close date are left out and counted in
    ``no_close_date``; open deals whose value is unknown are left out of every sum.
    method: 'monte_carlo' = ``draws`` vectorised draws with a fixed ``seed`` (periods of up to
    EXACT_MAX_DEALS open deals); 'mixed' = the EXACT_MAX_DEALS deals with the largest variance drawn, the
    others as a normal term; 'normal' = normal approximation (mean = expected, variance = sum
    value^2 p (1 - p)) when EXACT_MAX_DEALS is 0; 'none' when the period has no open deal.
    P10 <= P50 <= P90, and the mean of the draws is the forecast (within Monte Carlo error).
    with_new_deals adds NEW_DEAL_COLUMNS (``analytics.sales.new_deals``, history of ``lookback_months``):
    expected_new = revenue expected from deals not created yet (None without history); forecast_with_new =
    forecast + expected_new; p10_with_new / p50_with_new / p90_with_new = percentiles of won + open deals' draw +
    new deals' draw, summed draw by draw; new_method = how the new deals were drawn.
    """
    if probability not in PROBABILITIES:
        raise ValueError(f"probability must be one of {', '.join(PROBABILITIES)}")
    scope, model = _scope_and_model(con, grain, flt, as_of, with_new_deals, lookback_months)
    deals = deal_rows(con, scope, flt, grain, probability)
    return _forecast(deals, scope.as_of, grain, probability, seed, draws, model)


def forecast_pair(con: duckdb.DuckDBPyConnection, *, grain: str = "month", flt: DealFilter = ALL_DEALS,
                  as_of: dt.date | None = None, seed: int = 42, draws: int = 10_000, with_new_deals: bool = False,
                  lookback_months: int = LOOKBACK_MONTHS) -> dict[str, Forecast]:
    """{'configured': forecast, 'calibrated': forecast}: ``forecast_by_period`` with each probability (each equal
    to it, same arguments), from one read of the deals and one new-deal model (the Forecast page shows both)."""
    scope, model = _scope_and_model(con, grain, flt, as_of, with_new_deals, lookback_months)
    rows = paired_deal_rows(con, scope, flt, grain)
    return {probability: _forecast(deals, scope.as_of, grain, probability, seed, draws, model)
            for probability, deals in rows.items()}


def _scope_and_model(con: duckdb.DuckDBPyConnection, grain: str, flt: DealFilter, as_of: dt.date | None,
                     with_new_deals: bool, lookback_months: int) -> tuple[Scope, NewDealModel | None]:
    """A forecast's scope and, ``with_new_deals``, its new-deal model (ValueError for an unknown grain)."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}")
    scope = open_scope(con, as_of)
    model = (new_deal_model(con, flt=flt, as_of=as_of, lookback_months=lookback_months, currency=scope.currency)
             if with_new_deals else None)
    return scope, model


def _forecast(deals: pd.DataFrame, as_of: dt.date | None, grain: str, probability: str, seed: int, draws: int,
              model: NewDealModel | None) -> Forecast:
    """The forecast of the deal rows (``forecast_sql.deal_rows``), with the part of deals not created yet when a
    model is given (``forecast_by_period``)."""
    sums, index = _period_sums(deals, as_of, grain)
    heads = _head_deals(deals, index)
    uniforms, normals = _draws(np.random.default_rng(seed), draws, heads)
    out = [_period_row(row, grain, heads.get(number), uniforms, normals)
           for number, row in enumerate(sums.itertuples(index=False))]
    frame = pd.DataFrame([row for row, _ in out], columns=FORECAST_COLUMNS)
    if model is not None:
        frame = _with_new_deals(frame, sums, [opened for _, opened in out], model, grain,
                                np.random.default_rng([seed, 1]), draws)
    open_deals = deals[~deals.is_won.astype(bool)]
    return Forecast(frame, as_of, int(open_deals.no_close_date.sum()), int(open_deals.past_due.sum()),
                    probability, grain, model)


def _with_new_deals(frame: pd.DataFrame, sums: pd.DataFrame, open_totals: list, model: NewDealModel, grain: str,
                    rng: np.random.Generator, draws: int) -> pd.DataFrame:
    """``frame`` with NEW_DEAL_COLUMNS: the new deals' part and the joint range of won + open + new deals.

    A period whose open deals were not drawn (normal method) draws them here, as normal with their mean and
    variance floored at 0; a period without open deals adds nothing for them."""
    frame = frame.copy()
    exposure = model.exposure(list(frame["period_start"]), GRAINS[grain])
    expected_new = model.expected(exposure)
    frame["expected_new"] = expected_new
    frame["forecast_with_new"] = frame["forecast"] + expected_new
    if not model.available:
        for column in ("p10_with_new", "p50_with_new", "p90_with_new"):
            frame[column] = np.nan
        frame["new_method"] = None
        return frame
    new, methods = new_deal_draws(model, exposure, rng, draws)
    ranges = []
    for k, row in enumerate(sums.itertuples(index=False)):
        opened = open_totals[k]
        if opened is None:
            opened = 0.0 if row.open_count == 0 else np.maximum(
                row.expected + np.sqrt(max(row.variance, 0.0)) * rng.standard_normal(draws), 0.0)
        ranges.append(float(row.won_amount) + np.percentile(opened + new[k], [10, 50, 90]))
    frame[["p10_with_new", "p50_with_new", "p90_with_new"]] = np.array(ranges).reshape(-1, 3)
    frame["new_method"] = methods
    return frame


def period_start(day: dt.date, grain: str = "month") -> dt.date:
    """The first day of the month or quarter holding ``day``."""
    return day.replace(day=1, month=day.month - (day.month - 1) % GRAINS[grain])


def _period_sums(deals: pd.DataFrame, as_of: dt.date | None, grain: str) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per period from the as-of one to the last holding a won or open deal: period_start, won_amount,
    expected, variance, open_count; and the period number of each open deal row (-1 when it is in no sum)."""
    if as_of is None:
        return pd.DataFrame(columns=["period_start", "won_amount", "expected", "variance", "open_count"]), \
            np.zeros(0, dtype=int)
    first = np.datetime64(period_start(as_of, grain), "M")
    starts = deals.period_start.to_numpy("datetime64[M]")
    counted = deals.value.notna().to_numpy() & ~deals.no_close_date.to_numpy(bool)
    index = np.where(counted, (starts - first).astype(int) // GRAINS[grain], -1)  # NaT only where not counted
    periods = int(index.max()) + 1 if counted.any() else 1
    won = counted & deals.is_won.to_numpy(bool)
    opened = counted & ~won
    value, p = deals.value.to_numpy(float), deals.p.to_numpy(float)

    def total(mask, weights):
        return np.bincount(index[mask], weights=weights[mask], minlength=periods)

    sums = pd.DataFrame({
        "period_start": [(first + GRAINS[grain] * k).astype("datetime64[D]").astype(object) for k in range(periods)],
        "won_amount": total(won, value), "expected": total(opened, value * p),
        "variance": total(opened, value * value * p * (1 - p)),
        "open_count": np.bincount(index[opened], minlength=periods)})
    return sums, np.where(opened, index, -1)


def _head_deals(deals: pd.DataFrame, index: np.ndarray) -> dict:
    """{period number: (values, probabilities)} of the deals each period draws one by one: its EXACT_MAX_DEALS
    largest contributions to the variance (ties broken by value, then p, so the same data gives the same draws)."""
    if EXACT_MAX_DEALS <= 0 or not (index >= 0).any():
        return {}
    rows = np.flatnonzero(index >= 0)
    value, p, period = deals.value.to_numpy(float)[rows], deals.p.to_numpy(float)[rows], index[rows]
    order = np.lexsort((-p, -value, -(value * value * p * (1 - p)), period))
    value, p, period = value[order], p[order], period[order]
    numbers, firsts, counts = np.unique(period, return_index=True, return_counts=True)
    return {int(k): (value[first:first + min(n, EXACT_MAX_DEALS)], p[first:first + min(n, EXACT_MAX_DEALS)])
            for k, first, n in zip(numbers, firsts, counts, strict=True)}


def _draws(rng: np.random.Generator, draws: int, heads: dict) -> tuple[np.ndarray, np.ndarray]:
    """Uniforms (one row per head-deal rank, shared by the periods) and standard normals for the tails."""
    rows = max((len(values) for values, _ in heads.values()), default=0)
    return rng.random((rows, draws), dtype=np.float32), rng.standard_normal(draws if rows else 0)


def _period_row(row, grain: str, head: tuple | None, uniforms: np.ndarray,
                normals: np.ndarray) -> tuple[tuple, np.ndarray | None]:
    """One output row: the period's sums and its percentiles (simulated, approximated, or won only); and the
    draws of its open deals' revenue when they were simulated (else None)."""
    won, expected = float(row.won_amount), float(row.expected)
    totals = None
    if row.open_count == 0:
        low = mid = high = 0.0
        method = "none"
    elif head is None:
        low, mid, high = _normal_percentiles(expected, row.variance)
        method = "normal"
    else:
        totals = period_draws(*head, expected, float(row.variance), int(row.open_count), uniforms, normals)
        method = "monte_carlo" if len(head[0]) == row.open_count else "mixed"
        low, mid, high = np.percentile(totals, [10, 50, 90])
    start = row.period_start
    return (period_label(start, grain), start, won, expected, won + expected, won + float(low), won + float(mid),
            won + float(high), int(row.open_count), method), totals


def period_draws(values: np.ndarray, probabilities: np.ndarray, expected: float, variance: float, open_count: int,
                 uniforms: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """Draws of a period's revenue from open deals: the head deals (``values``, ``probabilities``) won or not,
    one by one; when the period has more deals, their mean (expected - head mean) and their variance (variance -
    head variance) as a normal term, the total floored at 0."""
    totals = _bernoulli_totals(values, probabilities, uniforms)
    if len(values) == open_count:
        return totals
    tail_mean = expected - float(values @ probabilities)
    tail_variance = max(variance - float(values ** 2 @ (probabilities * (1 - probabilities))), 0.0)
    return np.maximum(totals + tail_mean + np.sqrt(tail_variance) * normals, 0.0)


def _bernoulli_totals(values: np.ndarray, probabilities: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Per draw (column of ``uniforms``): sum of the values whose uniform is below their probability.

    In float32 (7 times faster than float64 here; relative error ~1e-6, far below the Monte Carlo error)."""
    wins = uniforms[:len(values)] < probabilities.astype(np.float32)[:, None]
    return (values.astype(np.float32) @ wins.astype(np.float32)).astype(float)


def simulated_totals(values: np.ndarray, probabilities: np.ndarray, rng: np.random.Generator,
                     draws: int) -> np.ndarray:
    """``draws`` samples of sum(value_i x Bernoulli(p_i))."""
    return _bernoulli_totals(values, probabilities, rng.random((len(values), draws), dtype=np.float32))


def _normal_percentiles(mean: float, variance: float) -> tuple[float, float, float]:
    """P10 / P50 / P90 of a normal distribution (P10 floored at 0: a sum of amounts is never negative)."""
    spread = -_Z10 * float(np.sqrt(max(variance, 0.0)))
    return max(mean - spread, 0.0), mean, mean + spread


def side_by_side(configured: Forecast, calibrated: Forecast) -> pd.DataFrame:
    """The configured and calibrated forecasts of the same periods in one table.

    Grain: one row per period. Columns: period, period_start, won_amount, then expected / forecast / p10 /
    p90 with the suffix _configured and _calibrated, and difference = forecast_calibrated - forecast_configured.
    """
    keep = ["period", "expected", "forecast", "p10", "p90"]
    both = configured.periods[["period", "period_start", "won_amount", *keep[1:]]].merge(
        calibrated.periods[keep], on="period", how="outer", suffixes=("_configured", "_calibrated"))
    both["difference"] = both["forecast_calibrated"] - both["forecast_configured"]
    return both


# --- forecast categories ------------------------------------------------------------------------------

CATEGORIES = ["Closed", "Commit", "Best Case", "Pipeline", "Omitted", "Uncategorised"]
ROLL_UPS = {  # cumulative forecast -> the categories it adds up
    "commit_forecast": ["Closed", "Commit"],
    "best_case_forecast": ["Closed", "Commit", "Best Case"],
    "pipeline_forecast": ["Closed", "Commit", "Best Case", "Pipeline", "Uncategorised"],
}
# Exported names (lower case, accents removed, _ and - as spaces) of Salesforce, HubSpot (internal values
# too) and their French labels.
_CATEGORY_NAMES = {
    "pipeline": "Pipeline", "best case": "Best Case", "bestcase": "Best Case", "meilleur cas": "Best Case",
    "commit": "Commit", "engagement": "Commit", "engage": "Commit",
    "closed": "Closed", "closed won": "Closed", "ferme": "Closed", "ferme gagne": "Closed", "conclu": "Closed",
    "omitted": "Omitted", "omit": "Omitted", "not forecasted": "Omitted", "omis": "Omitted",
}

_CATEGORISED = """,
first_period AS (SELECT CAST(date_trunc('{grain}', as_of) AS DATE) AS first_start FROM cutoff),
categorised AS (
    SELECT greatest(CAST(date_trunc('{grain}', d.close_on) AS DATE), f.first_start) AS period_start,
           CASE WHEN d.status = 'won' THEN 'Closed'
                ELSE CASE lower(strip_accents(trim(replace(replace(d.forecast_category, '_', ' '), '-', ' '))))
                     {names} ELSE 'Uncategorised' END END AS category,
           d.value
    FROM scoped d CROSS JOIN first_period f
    WHERE d.value IS NOT NULL AND d.close_on IS NOT NULL
      AND ((d.status = 'open' AND NOT d.is_dropped) OR (d.status = 'won' AND d.close_on >= f.first_start))
)
SELECT period_start, category, sum(value) AS amount FROM categorised GROUP BY ALL
"""


def forecast_categories(con: duckdb.DuckDBPyConnection, *, grain: str = "month", flt: DealFilter = ALL_DEALS,
                        as_of: dt.date | None = None) -> pd.DataFrame:
    """Amounts per forecast category and their cumulative roll-ups, per period; empty without categories.

    Grain: one row per month or quarter (from the as-of period on) holding a won or open deal, when at least
    one deal in scope carries a forecast category (else an empty frame). Category amounts = sum of value of
    the open deals closing in the period (past due in the as-of period) by their exported category
    (Salesforce Pipeline / Best Case / Commit / Closed / Omitted; HubSpot's 'Best case', 'Closed won',
    'Not forecasted'; French labels), plus the won deals closed in the period as Closed whatever their
    category; lost deals take no part; a blank or unknown category is 'Uncategorised'.
    Roll-ups: commit_forecast = Closed + Commit; best_case_forecast = + Best Case; pipeline_forecast = every
    category but Omitted.
    Columns: period, period_start, closed, commit, best_case, pipeline, omitted, uncategorised, the roll-ups.
    """
    columns = [name.lower().replace(" ", "_") for name in CATEGORIES]
    scope = open_scope(con, as_of)
    grain_sql = Fragment(checked(grain, GRAINS), [])
    head = scoped_ctes(scope, flt)
    has_any = con.execute(*(head + Fragment(" SELECT count(forecast_category) FROM scoped", []))).fetchone()[0]
    if not has_any:
        return pd.DataFrame(columns=["period", "period_start", *columns, *ROLL_UPS])
    names = Fragment(" ".join("WHEN ? THEN ?" for _ in _CATEGORY_NAMES),
                     [x for pair in _CATEGORY_NAMES.items() for x in pair])
    long = con.execute(*(head + Fragment.format(_CATEGORISED, grain=grain_sql, names=names))).df()
    wide = long.pivot_table(index="period_start", columns="category", values="amount", aggfunc="sum")
    wide = wide.reindex(columns=CATEGORIES).fillna(0.0).sort_index()
    for roll_up, parts in ROLL_UPS.items():
        wide[roll_up] = wide[parts].sum(axis=1)
    wide = wide.rename(columns=dict(zip(CATEGORIES, columns, strict=True))).reset_index()
    wide["period_start"] = [start.date() for start in pd.to_datetime(wide["period_start"])]
    wide.insert(0, "period", [period_label(start, grain) for start in wide["period_start"]])
    wide.columns.name = None
    return wide


# --- run-rate projection ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunRate:
    """What the pipeline not created yet should bring: the history it is projected from (see ``run_rate``)."""
    as_of: dt.date | None
    window_from: dt.date | None
    window_to: dt.date | None
    created_per_month: float
    win_rate: float | None
    avg_won_amount: float | None
    cycle_days: float | None

    @property
    def won_per_month(self) -> float | None:
        """created_per_month x win_rate x avg_won_amount; None when the history lacks a term."""
        if self.win_rate is None or self.avg_won_amount is None or self.cycle_days is None:
            return None
        return self.created_per_month * self.win_rate * self.avg_won_amount


def run_rate(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, as_of: dt.date | None = None,
             lookback_months: int = 6) -> RunRate:
    """The run-rate inputs: new-pipeline creation, win rate, average won deal and sales cycle of recent months.

    Grain: one value each. Window = the ``lookback_months`` full calendar months before the as-of month.
    created_per_month = deals created in the window (funnel cohort: created_on known, not dropped while
    open) / lookback_months; win_rate (by count), avg_won_amount and cycle_days (median sales cycle of the
    won deals) = ``win_rates`` of the deals closed in the window (None when none closed).
    The projection (``analytics.scenarios``) assumes deals keep being created at that pace from the as-of
    date on and that they close cycle_days later: won_per_month from as_of + cycle_days on.
    The same history as the new-deal model's (``new_deal_model``): ``run_rate_of`` reads it from a model.
    """
    return run_rate_of(new_deal_model(con, flt=flt, as_of=as_of, lookback_months=lookback_months))


def run_rate_of(model: NewDealModel) -> RunRate:
    """The run-rate inputs (``run_rate``) of the history a new-deal model was estimated from: computed once, the
    Forecast page's projection and its part of deals not created yet read the same numbers."""
    return RunRate(model.as_of, model.window_from, model.window_to, model.created_per_month, model.win_rate,
                   model.avg_won_amount, model.cycle_days)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


# --- forecast accuracy --------------------------------------------------------------------------------

MAX_ACCURACY_SNAPSHOTS = 26   # the latest past snapshots looked at (half a year of weekly exports)


def forecast_accuracy(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS,
                      probability: str = "configured") -> pd.DataFrame:
    """What each past snapshot forecast for each now-closed month, against what was actually won.

    Grain: one row per (snapshot, month) with snapshot_on <= month end and the month before the latest
    snapshot's month (closed now). Snapshots: the MAX_ACCURACY_SNAPSHOTS latest ones before the current
    month. forecast = that snapshot's forecast of the month (won so far + expected, ``forecast_by_period``
    as of the snapshot, no range); actual = won amount closed in the month as known now; error = forecast -
    actual; abs_pct_error = |error| / actual (None when nothing was won); months_ahead = month - snapshot month.
    Columns: snapshot_on, period, period_start, months_ahead, forecast, actual, error, abs_pct_error.
    Empty with a single snapshot or no closed month. Read from the stored per-snapshot figures
    (``forecast_snapshots``) when they are fresh and the probabilities configured, else computed snapshot by
    snapshot: the same numbers.
    """
    return _accuracy(con, flt, probability, None).drop(columns="owner")


def forecast_accuracy_by_owner(con: duckdb.DuckDBPyConnection, owners, *, flt: DealFilter = ALL_DEALS,
                               probability: str = "configured") -> pd.DataFrame:
    """``forecast_accuracy`` of each owner's deals, for every owner of ``owners`` at once (one pass per snapshot,
    not one per owner): the rows ``forecast_accuracy(flt=DealFilter(flt.pipelines, (owner,), flt.attributes))``
    gives, with an ``owner`` column first. Grain: one row per (owner, snapshot, month)."""
    return _accuracy(con, flt, probability, tuple(owners))


ACCURACY_COLUMNS = ["owner", "snapshot_on", "period", "period_start", "months_ahead", "forecast", "actual", "error",
                    "abs_pct_error"]

# Per snapshot, group and month from the snapshot's month on: won_amount (won deals closed in the month) and
# expected (value x p of the open deals closing in it, past due in the snapshot's month), over the deals of known
# value and close date. ``_STORED_SUMS`` applies the settings to the stored rows of ``forecast_snapshots``
# (analytics.store.derived): status, stage probability (clamped to [0, 1] as in ``kept``), currency rate.
_STORED_SUMS = """
WITH w AS (
    SELECT w.snapshot_on, {group} AS grp, w.period_start, w.before_month, w.is_dropped,
           coalesce(w.status_raw, st.outcome, 'open') AS status,
           least(greatest(coalesce(st.probability, 0), 0), 1) AS stage_p, {rate} AS rate,
           w.amount_total, w.amount_no_p, w.amount_p
    FROM (SELECT * FROM forecast_snapshots d WHERE d.snapshot_on IN ({days}) AND {filter}) w
    LEFT JOIN stages st ON st.pipeline = w.pipeline AND st.stage = w.stage
)
SELECT snapshot_on, grp, period_start,
       coalesce(CAST(sum(amount_total * rate) FILTER (status = 'won') AS DOUBLE), 0) AS won_amount,
       coalesce(sum(coalesce(amount_p * rate, 0) + coalesce(CAST(amount_no_p * rate AS DOUBLE) * stage_p, 0))
                FILTER (status = 'open'), 0) AS expected
FROM w
WHERE rate IS NOT NULL AND ((status = 'open' AND NOT is_dropped) OR (status = 'won' AND NOT before_month))
GROUP BY ALL
"""
_COMPUTED_SUMS = """
SELECT CAST({day} AS DATE) AS snapshot_on, {group} AS grp,
       greatest(CAST(date_trunc('month', k.close_on) AS DATE), f.first_start) AS period_start,
       coalesce(CAST(sum(k.value) FILTER (k.status = 'won') AS DOUBLE), 0) AS won_amount,
       coalesce(sum(k.value * k.p) FILTER (k.status = 'open'), 0) AS expected
FROM kept k CROSS JOIN first_period f
WHERE k.value IS NOT NULL AND k.close_on IS NOT NULL AND (k.status = 'open' OR k.close_on >= f.first_start)
GROUP BY ALL
"""


def _accuracy(con, flt: DealFilter, probability: str, owners: tuple | None) -> pd.DataFrame:
    """``forecast_accuracy`` rows (owner None), or per owner of ``owners``: every past snapshot forecasts each
    month from its own to the last holding a deal of the group (at least its own), empty months as 0."""
    checked(probability, PROBABILITIES)
    now = open_scope(con)
    if now.as_of is None:
        return pd.DataFrame(columns=ACCURACY_COLUMNS)
    this_month = now.as_of.replace(day=1)
    past = [day for day in snapshot_dates(con) if day < this_month][-MAX_ACCURACY_SNAPSHOTS:]
    if owners is not None:
        flt = DealFilter(flt.pipelines, owners, flt.attributes)
    if not past or owners == ():
        sums = pd.DataFrame(columns=["snapshot_on", "grp", "period_start", "won_amount", "expected"])
    elif probability == "configured" and not flt.attributes and is_fresh(con, "forecast_snapshots"):
        sums = con.execute(*Fragment.format(_STORED_SUMS, group=_group(owners, "w"),
                                            rate=rate_case(now.currency, "w"), days=value_list(past),
                                            filter=flt.where("d"))).df()
    else:
        sums = pd.concat([con.execute(*(period_ctes(open_scope(con, day, now.currency), flt, "month", probability, con)
                                        + Fragment.format(_COMPUTED_SUMS, day=Fragment("?", [day]),
                                                          group=_group(owners, "k")))).df()
                          for day in past], ignore_index=True)
    actual = _won_by_month(con, flt, this_month, owners is not None, now)
    found: dict[tuple, dict[dt.date, float]] = {}
    for row in sums.itertuples(index=False):
        start, day = pd.Timestamp(row.period_start).date(), pd.Timestamp(row.snapshot_on).date()
        found.setdefault((day, row.grp), {})[start] = float(row.won_amount) + float(row.expected)
    rows = []
    for snapshot_on in past:
        first = snapshot_on.replace(day=1)
        for owner in owners if owners is not None else (None,):
            forecasts = found.get((snapshot_on, owner if owner is not None else "all"), {})
            last = max([first, *forecasts])
            for k in range(_months_between(first, last) + 1):
                start = _add_months(first, k)
                if start >= this_month:
                    break
                won, forecast = actual.get((owner, start), 0.0), forecasts.get(start, 0.0)
                rows.append((owner, snapshot_on, period_label(start), start, _months_between(snapshot_on, start),
                             forecast, won, forecast - won, abs(forecast - won) / won if won else None))
    return pd.DataFrame(rows, columns=ACCURACY_COLUMNS)


def _group(owners: tuple | None, alias: str) -> Fragment:
    """SQL: the group of an accuracy row: its owner ('(blank)' when none) by owner, else 'all'."""
    if owners is None:
        return Fragment("'all'", [])
    return Fragment(f"coalesce({checked(alias, ('w', 'k'))}.owner, ?)", [BLANK_GROUP])


def _won_by_month(con, flt: DealFilter, before: dt.date, by_owner: bool, now: Scope) -> dict[tuple, float]:
    """{(owner or None, month start): won amount closed in the month}, current state (the scope ``now``), months
    before ``before``."""
    owner = f"coalesce(owner, '{BLANK_GROUP}')" if by_owner else "NULL"
    query = scoped_ctes(now, flt) + Fragment(
        f" SELECT {owner}, CAST(date_trunc('month', close_on) AS DATE), sum(value) FROM scoped "
        "WHERE status = 'won' AND close_on < ? AND value IS NOT NULL GROUP BY ALL", [before])
    return {(owner, start): float(amount) for owner, start, amount in con.execute(*query).fetchall()}


def _months_between(day: dt.date, month_start: dt.date) -> int:
    return (month_start.year - day.year) * 12 + month_start.month - day.month


def accuracy_by_month(detail: pd.DataFrame) -> pd.DataFrame:
    """MAPE per closed month from ``forecast_accuracy`` rows.

    Grain: one row per month. snapshots = how many snapshots forecast it; actual; mean_error = mean of
    forecast - actual; mape = mean of abs_pct_error (None when nothing was won in the month);
    last_forecast = the forecast of the latest snapshot before or in the month.
    """
    if detail.empty:
        return pd.DataFrame(columns=["period", "period_start", "snapshots", "actual", "mean_error", "mape",
                                     "last_forecast"])
    ordered = detail.sort_values(["period_start", "snapshot_on"])
    grouped = ordered.groupby(["period", "period_start"], as_index=False)
    summary = grouped.agg(snapshots=("snapshot_on", "count"), actual=("actual", "first"),
                          mean_error=("error", "mean"), mape=("abs_pct_error", "mean"),
                          last_forecast=("forecast", "last"))
    return summary.astype({"mape": float})

"""Revenue from deals not created yet: the new-deal part of a period's forecast, with its own uncertainty.

The open deals say what the pipeline that exists should bring; a period further out also gets wins from deals
that will be created after the as-of date. This module models that part from the deals' own history, so that
a period's total = won + existing open deals + new deals has a range (issue 18). Conventions are those of
``analytics.sales.scope``.

The model, every input stated (the Forecast page shows them):

* History window: the ``lookback_months`` (default LOOKBACK_MONTHS = 12) complete calendar months before the
  as-of month.
* c = created_per_month = deals created in the window (the funnel cohort: created_on known, not dropped while
  open) / lookback_months; ``monthly_created`` keeps the count of each month of the window.
* w = win_rate = won / (won + lost) of the deals closed (close_on) in the window, by count.
* x_1..x_n = won_amounts = the values of the won deals closed in the window (value known): m = their mean
  (the average won deal), m2 = the mean of their squares.
* cycle = cycle_days = the median sales cycle (close_on - created_on) of those won deals.
* Deals keep being created at c a month from the as-of date on; each is won with probability w, cycle days after
  it was created, for an amount that is one of x_1..x_n. No new deal closes before ``starts_on`` = as-of date +
  cycle (rounded to a day); after it, a month receives the wins of one month of creations. The exposure of a
  period = the sum over its months of the share of the month's days from ``starts_on`` on (0 before, 1 for a
  whole month after): the arithmetic of the run-rate projection (``analytics.sales.scenarios``).
* Per period: the number of new wins N ~ Poisson(lambda), lambda = c x w x exposure (a Poisson stream of
  creations, each won with probability w); the revenue is x_J1 + ... + x_JN, each J uniform over the won deals
  (a bootstrap of the history). Its mean is expected_new = lambda x m and its variance lambda x m2 (compound
  Poisson). Hand check: 4 new deals a month, w = 0.5, won amounts 10 and 30 -> 4 x 0.5 x 20 = 40 a month once
  the cycle has passed.
* Draws (``new_deal_draws``): N from numpy's Poisson with a fixed seed, then, for a period of up to
  EXACT_MAX_WINS expected wins, each win's amount drawn from the history; above, the sum of the N amounts drawn
  as normal with mean N x m and variance N x s2 (s2 = the variance of the won amounts), floored at 0: the same
  mean and variance, and close to normal with that many wins. Vectorised over the draws.
* The part is absent (``reason``, a code the page words) without the history to estimate it:
  'no_deals' (nothing imported), 'no_created_dates' (no deal in scope has a created date), 'no_deals_created'
  (none created in the window), 'no_won_deals' (no won deal with a value closed in the window), 'no_cycle' (none
  of those has both dates).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.sales.deals import Currency, DealFilter
from analytics.sales.kpis import win_rates
from analytics.sales.scope import ALL_DEALS, cohort_sql, open_scope, scoped_ctes
from analytics.store.sql import Fragment

LOOKBACK_MONTHS = 12     # complete months of history the model is estimated from
EXACT_MAX_WINS = 50      # expected new wins in a period up to which every win's amount is drawn from history
REASONS = ("no_deals", "no_created_dates", "no_deals_created", "no_won_deals", "no_cycle")


@dataclass(frozen=True)
class NewDealModel:
    """The history the new-deal part is estimated from, and the model's terms (see the module docstring).

    ``reason`` is None when the part can be estimated, else one of REASONS; ``monthly_created`` holds
    (month start, deals created) for each month of the window; ``won_amounts`` the amounts sorted."""
    as_of: dt.date | None
    lookback_months: int
    window_from: dt.date | None
    window_to: dt.date | None
    monthly_created: tuple[tuple[dt.date, int], ...]
    win_rate: float | None
    won_amounts: tuple[float, ...]
    cycle_days: float | None
    reason: str | None
    avg_won_amount: float | None = None   # ``win_rates``' average won deal of the window (m, in SQL's arithmetic)

    @property
    def available(self) -> bool:
        return self.reason is None

    @property
    def created(self) -> int:
        """Deals created in the window."""
        return sum(count for _, count in self.monthly_created)

    @property
    def created_per_month(self) -> float:
        """c: deals created in the window / lookback_months."""
        return self.created / self.lookback_months

    @property
    def mean_won(self) -> float | None:
        """m: the average won deal of the window."""
        return float(np.mean(self.won_amounts)) if self.won_amounts else None

    @property
    def wins_per_month(self) -> float | None:
        """c x w: new wins a month once the cycle has passed (None when the part is absent)."""
        return self.created_per_month * self.win_rate if self.available else None

    @property
    def expected_per_month(self) -> float | None:
        """c x w x m: revenue a month from new deals once the cycle has passed (None when absent)."""
        return self.wins_per_month * self.mean_won if self.available else None

    @property
    def starts_on(self) -> dt.date | None:
        """The first day a new deal can close: the as-of date + the median cycle (None when absent)."""
        return self.as_of + dt.timedelta(days=round(self.cycle_days)) if self.available else None

    def exposure(self, period_starts: list[dt.date], months_per_period: int) -> np.ndarray:
        """Per period: months of creations whose wins close in it (sum over its months of the share of the
        month's days from ``starts_on`` on); zeros when the part is absent."""
        if not self.available or not period_starts:
            return np.zeros(len(period_starts))
        first = np.array(period_starts, dtype="datetime64[M]")
        months = first[:, None] + np.arange(months_per_period)                       # (periods, months)
        return share_after(months, self.starts_on).sum(axis=1)

    def expected(self, exposure: np.ndarray) -> np.ndarray:
        """expected_new per period = lambda x m = c x w x exposure x m (NaN when the part is absent)."""
        if not self.available:
            return np.full(len(exposure), np.nan)
        return self.wins_per_month * exposure * self.mean_won

    def variance(self, exposure: np.ndarray) -> np.ndarray:
        """Variance of the new-deal revenue per period = lambda x m2 (NaN when the part is absent)."""
        if not self.available:
            return np.full(len(exposure), np.nan)
        return self.wins_per_month * exposure * float(np.mean(np.square(self.won_amounts)))


def share_after(months: np.ndarray, start: dt.date) -> np.ndarray:
    """Per calendar month (numpy datetime64[M], any shape): the share of its days on or after ``start`` (0 to 1).
    The exposure of a month to the wins of deals not created yet, which close from ``start`` on."""
    month_starts = months.astype("datetime64[D]")
    ends = (months + 1).astype("datetime64[D]")
    after = (ends - np.maximum(month_starts, np.datetime64(start, "D"))).astype(float)
    return np.clip(after, 0, None) / (ends - month_starts).astype(float)


def new_deal_model(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, as_of: dt.date | None = None,
                   lookback_months: int = LOOKBACK_MONTHS, currency: Currency | None = None) -> NewDealModel:
    """The new-deal model of the deals the filter keeps, as of a date: its history over the ``lookback_months``
    complete months before the as-of month (see the module docstring for every term and the reasons).
    ``currency``: the reporting currency when the caller already read it."""
    if lookback_months < 1:
        raise ValueError("the lookback is at least one month")
    scope = open_scope(con, as_of, currency)
    if scope.as_of is None:
        return NewDealModel(None, lookback_months, None, None, (), None, (), None, "no_deals")
    window_to = scope.as_of.replace(day=1) - dt.timedelta(days=1)
    window_from = month_start(scope.as_of, -lookback_months)
    head = scoped_ctes(scope, flt)
    dated = con.execute(*(head + Fragment(" SELECT count(created_on) FROM scoped", []))).fetchone()[0]
    found = dict(con.execute(*(head + Fragment(
        " SELECT CAST(date_trunc('month', d.created_on) AS DATE), count(*) FROM scoped d WHERE ", [])
        + cohort_sql(window_from, window_to) + Fragment(" GROUP BY ALL", []))).fetchall())
    monthly = tuple((month_start(window_from, k), int(found.get(month_start(window_from, k), 0)))
                    for k in range(lookback_months))
    amounts = tuple(con.execute(*(head + Fragment(  # one column as a numpy array: no Python row per won deal
        " SELECT CAST(value AS DOUBLE) AS value FROM scoped WHERE status = 'won' AND value IS NOT NULL "
        "AND close_on BETWEEN ? AND ? ORDER BY value", [window_from, window_to]))).fetchnumpy()["value"].tolist())
    rates = win_rates(con, flt=flt, date_from=window_from, date_to=window_to, as_of=as_of).iloc[0]
    win_rate, cycle = _number(rates.win_rate), _number(rates.sales_cycle_days_median)
    reason = ("no_created_dates" if not dated else "no_deals_created" if not sum(n for _, n in monthly)
              else "no_won_deals" if not amounts or not win_rate else "no_cycle" if cycle is None else None)
    return NewDealModel(scope.as_of, lookback_months, window_from, window_to, monthly, win_rate, amounts, cycle,
                        reason, _number(rates.avg_won_amount))


def new_deal_draws(model: NewDealModel, exposure: np.ndarray, rng: np.random.Generator,
                   draws: int) -> tuple[np.ndarray, list[str]]:
    """``draws`` samples of each period's revenue from new deals (one row per period), and each period's method:
    'bootstrap' (every win's amount drawn from history), 'normal' (more than EXACT_MAX_WINS expected wins: the
    sum of the N amounts as normal, floored at 0) or 'none' (no new win can close in the period).

    Vectorised over the draws (the loop runs over the periods)."""
    totals = np.zeros((len(exposure), draws))
    if not model.available:
        return totals, ["none"] * len(exposure)
    amounts = np.asarray(model.won_amounts, dtype=float)
    mean, spread = float(amounts.mean()), float(amounts.std())
    methods = []
    for k, rate in enumerate(model.wins_per_month * np.asarray(exposure, dtype=float)):
        if rate <= 0:
            methods.append("none")
            continue
        wins = rng.poisson(rate, draws)
        if rate <= EXACT_MAX_WINS:
            picks = amounts[rng.integers(0, len(amounts), int(wins.sum()))]
            totals[k] = np.bincount(np.repeat(np.arange(draws), wins), weights=picks, minlength=draws)
            methods.append("bootstrap")
        else:
            totals[k] = np.maximum(wins * mean + np.sqrt(wins) * spread * rng.standard_normal(draws), 0.0)
            methods.append("normal")
    return totals, methods


def month_start(day: dt.date, months: int = 0) -> dt.date:
    """The first day of the month ``months`` after (or before) the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)

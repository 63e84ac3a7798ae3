"""Win rates, sales cycle, velocity and the headline KPIs (METRICS.md 4 and 7).

Conventions (scope, currency, dropped deals, blank created_on) are those written at the top of
``analytics.sales.scope``. The period (date_from..date_to) applies to closed deals by their close_on.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.sales.deals import DealFilter, reporting_currency
from analytics.sales.scope import ALL_DEALS, Scope, date_range_sql, open_scope, scoped_ctes
from analytics.store import headline
from analytics.store.derived import is_fresh
from analytics.store.sql import Fragment, checked

_PERIODS = {
    "month": "strftime(close_on, '%Y-%m')",
    "quarter": "strftime(close_on, '%Y') || '-Q' || quarter(close_on)",
}
_KEYS = ("grp", "period")  # the columns a win-rate table is grouped and ordered by

_WIN_RATE_QUERY = """,
deals AS (
    SELECT *, status IN ('won', 'lost') AND {closed_in_period} AS closed,
           CASE WHEN close_on >= created_on THEN close_on - created_on END AS cycle_days,
           {period} AS period
    FROM scoped
),
totals AS (
    SELECT {keys}
        {win_terms},
        count(*) FILTER (status = 'open' AND NOT is_dropped) AS open_count
    FROM deals {group_by}
)
SELECT {keys} won, lost, """ + headline.WIN_RATE + """ AS win_rate,
       won_amount, lost_amount, """ + headline.WIN_RATE_VALUE + """ AS win_rate_value,
       avg_won_amount, sales_cycle_days_median, sales_cycle_days_mean, open_count,
       """ + headline.VELOCITY + """
           AS pipeline_velocity_per_day
FROM totals {order_by}
"""


def win_rates(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, date_from: dt.date | None = None,
              date_to: dt.date | None = None, as_of: dt.date | None = None, by: str | None = None,
              period: str | None = None) -> pd.DataFrame:
    """Win rate, average won amount and sales cycle of the deals closed in the period.

    Grain: one row (by=None), one row per group (``group``: owner, pipeline or attribute value), and/or
    one row per ``period`` ('month' 'YYYY-MM' | 'quarter' 'YYYY-Qn') of close_on.
    closed = status won or lost (dropped ones included) with close_on in [date_from, date_to]; with no
    range and no period, closed deals with a blank close_on count too.
    win_rate = won / (won + lost) by count; win_rate_value = won value / (won value + lost value) over
    the closed deals whose value is known; avg_won_amount = mean value of won deals;
    sales_cycle_days_median/mean = close_on - created_on of won deals with both dates (a close before
    the creation, a data error, is left out). None when undefined.
    Without ``period``: open_count = open deals of the group now, and pipeline_velocity_per_day =
    open_count x win_rate x avg_won_amount / sales_cycle_days_mean (None when a term is missing or the
    mean cycle is 0).
    """
    if period is not None and period not in _PERIODS:
        raise ValueError(f"period must be one of {', '.join(_PERIODS)}")
    scope = open_scope(con, as_of)
    return _win_rates(con, scope, flt, date_from, date_to, by, period)


def _win_rates(con, scope: Scope, flt: DealFilter, date_from, date_to, by, period) -> pd.DataFrame:
    closed_in_period = date_range_sql("close_on", date_from, date_to)
    where = (Fragment("status IN ('won', 'lost') AND close_on IS NOT NULL AND ", []) + closed_in_period
             if period else None)
    keys = [checked(name, _KEYS) for name, used in (("grp", by is not None), ("period", period is not None)) if used]
    listed = ", ".join(keys)
    query = Fragment.format(
        _WIN_RATE_QUERY, closed_in_period=closed_in_period, win_terms=Fragment(headline.WIN_TERMS.strip(), []),
        period=Fragment(_PERIODS[checked(period, _PERIODS)] if period else "NULL", []),
        keys=Fragment("".join(f"{k}, " for k in keys), []),
        group_by=Fragment(f"GROUP BY {listed}" if keys else "", []),
        order_by=Fragment(f"ORDER BY {listed}" if keys else "", []))
    frame = con.execute(*(scoped_ctes(scope, flt, where, by) + query)).df().rename(columns={"grp": "group"})
    if period:
        frame = frame.drop(columns=["open_count", "pipeline_velocity_per_day"])
    return frame


@dataclass(frozen=True)
class Kpis:
    """The headline numbers (METRICS.md 7). Counts and open sums are the current state (not period-filtered);
    win rates, average won amount, cycle and velocity use the deals closed in the period."""
    as_of: dt.date | None
    currency: str | None
    open_count: int
    open_amount: float
    weighted_amount: float
    won_count: int
    lost_count: int
    win_rate: float | None
    win_rate_value: float | None
    avg_won_amount: float | None
    sales_cycle_days_median: float | None
    sales_cycle_days_mean: float | None
    pipeline_velocity_per_day: float | None
    excluded_other_currency: int
    unknown_amount: int
    open_unknown_amount: int

    def as_dict(self) -> dict:
        """Plain Python values (the date as an ISO string), ready for JSON."""
        values = dataclasses.asdict(self)
        values["as_of"] = self.as_of.isoformat() if self.as_of else None
        return values


def kpis(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, date_from: dt.date | None = None,
         date_to: dt.date | None = None, as_of: dt.date | None = None) -> Kpis:
    """The headline KPIs as of a date (grain: one value each).

    open_count / open_amount = deals whose current status is open (not dropped) and the sum of their
    value; weighted_amount = sum over them of value x p (p = exported probability, else the stage's; a
    deal with neither adds nothing). won_count / lost_count = all deals whose current status is won /
    lost, all time (METRICS.md 7 counts are current state; dropped closed deals keep their outcome).
    win_rate … pipeline_velocity_per_day: see ``win_rates`` (deals closed in [date_from, date_to]).
    excluded_other_currency / unknown_amount = open or closed deals left out of value sums because their
    currency has no rate / their amount is blank; open_unknown_amount = the open deals among the latter (when
    it equals open_count, the open pipeline's amount is unknown, not 0).
    """
    return kpis_of_scopes(con, [open_scope(con, as_of)], flt, date_from, date_to)[0]


def kpis_of_scopes(con: duckdb.DuckDBPyConnection, scopes: list[Scope], flt: DealFilter = ALL_DEALS,
                   date_from: dt.date | None = None, date_to: dt.date | None = None) -> list[Kpis]:
    """``kpis`` of each scope (one or two deal states, e.g. now and the previous snapshot's), in one query that
    reads each state once (the state totals and the win rates of a state in the same pass). The whole book's
    latest state, and the previous snapshot's after it, all time, are read from the stored ``headline_kpis`` when it
    is fresh (``analytics.store.headline``: the same query's rows, kept by the import)."""
    if _headline_is_stored(con, scopes, flt, date_from, date_to):
        rows = con.execute("SELECT * FROM headline_kpis WHERE which < ? ORDER BY which", [len(scopes)]).df()
    else:
        query = headline.kpi_query([scope.state.query for scope in scopes], flt.where("d"),
                                   date_range_sql("close_on", date_from, date_to))
        rows = con.execute(*query).df()
    rows = rows.set_index("which").reindex(range(len(scopes)))
    # a state with no deal has no group: its counts and sums are 0 (as an aggregate over no row), ratios None
    rows[list(_ZERO_WHEN_EMPTY)] = rows[list(_ZERO_WHEN_EMPTY)].fillna(0)
    return [_kpis_of_row(scope, row) for scope, (_, row) in zip(scopes, rows.iterrows(), strict=True)]


def _headline_is_stored(con: duckdb.DuckDBPyConnection, scopes: list[Scope], flt: DealFilter,
                        date_from: dt.date | None, date_to: dt.date | None) -> bool:
    """True when the stored ``headline_kpis`` holds these scopes' rows: no filter and no period, the first scope the
    current state (``deal_current``) and the second, if any, the previous snapshot date's, both in the reporting
    currency, and the table fresh (built from these snapshots, stage settings, currency and rates)."""
    if flt != ALL_DEALS or date_from is not None or date_to is not None or not 1 <= len(scopes) <= 2:
        return False
    first = scopes[0]
    if first.as_of is None or first.state.materialize or \
            (len(scopes) == 2 and scopes[1].as_of != previous_snapshot_on(con, first.as_of)):
        return False
    currency = reporting_currency(con)
    return all(scope.currency == currency for scope in scopes) and is_fresh(con, "headline_kpis")


_ZERO_WHEN_EMPTY = ("open_count", "open_amount", "weighted_amount", "won_count", "lost_count",
                    "excluded_other_currency", "unknown_amount", "open_unknown_amount")


def _kpis_of_row(scope: Scope, row: pd.Series) -> Kpis:
    return Kpis(
        as_of=scope.as_of, currency=scope.currency.code,
        open_count=int(row.open_count), open_amount=float(row.open_amount),
        weighted_amount=float(row.weighted_amount), won_count=int(row.won_count),
        lost_count=int(row.lost_count), win_rate=_number(row.win_rate),
        win_rate_value=_number(row.win_rate_value), avg_won_amount=_number(row.avg_won_amount),
        sales_cycle_days_median=_number(row.sales_cycle_days_median),
        sales_cycle_days_mean=_number(row.sales_cycle_days_mean),
        pipeline_velocity_per_day=_number(row.pipeline_velocity_per_day),
        excluded_other_currency=int(row.excluded_other_currency), unknown_amount=int(row.unknown_amount),
        open_unknown_amount=int(row.open_unknown_amount))


@dataclass(frozen=True)
class KpiDeltas:
    """The KPIs now and at the previous snapshot date; ``changes`` = current - previous per numeric KPI."""
    current: Kpis
    previous: Kpis | None
    changes: dict[str, float | None]


_DELTA_FIELDS = ("open_count", "open_amount", "weighted_amount", "won_count", "lost_count", "win_rate",
                 "win_rate_value", "avg_won_amount", "sales_cycle_days_median", "sales_cycle_days_mean",
                 "pipeline_velocity_per_day")


def kpi_deltas(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, date_from: dt.date | None = None,
               date_to: dt.date | None = None, as_of: dt.date | None = None) -> KpiDeltas:
    """"Change since last snapshot": ``kpis`` as of the latest snapshot date (on or before as_of) and as of
    the snapshot date before it. previous is None (and every change None) with fewer than two dates."""
    scope = open_scope(con, as_of)
    earlier = previous_snapshot_on(con, scope.as_of)
    if earlier is None:
        return KpiDeltas(kpis_of_scopes(con, [scope], flt, date_from, date_to)[0], None,
                         dict.fromkeys(_DELTA_FIELDS))
    current, previous = kpis_of_scopes(con, [scope, open_scope(con, earlier, scope.currency)], flt,
                                       date_from, date_to)
    return KpiDeltas(current, previous, {name: _difference(getattr(current, name), getattr(previous, name))
                                         for name in _DELTA_FIELDS})


def previous_snapshot_on(con: duckdb.DuckDBPyConnection, snapshot_on: dt.date | None) -> dt.date | None:
    """The latest deals snapshot date strictly before the given one (None when there is none)."""
    if snapshot_on is None:
        return None
    return con.execute("SELECT max(snapshot_on) FROM deal_snapshots WHERE snapshot_on < ?", [snapshot_on]).fetchone()[0]


def _difference(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _number(value) -> float | None:
    """A float, or None for SQL NULL / NaN."""
    return None if value is None or pd.isna(value) else float(value)

"""Rep scorecards: how each owner did over a window of dates, beside the numbers the Pipeline page shows.

Conventions are those written at the top of ``analytics.sales.scope`` (scope, currency, dropped deals, blank
created_on). A deal belongs to its current owner ('(blank)' when none), as on the Pipeline page's owner
leaderboard. Choices where METRICS.md is silent:

* The window defaults to the last ``DEFAULT_MONTHS`` complete calendar months before the month of the latest
  snapshot (as-of 2026-11-20: 2026-05-01 .. 2026-10-31), the history ``forecast.run_rate`` projects from.
* Numbers that share a name with a KPI tile are computed by the same function (``kpis.win_rates``,
  ``inventory.hygiene``, ``inventory.open_inventory``, ``forecast.forecast_accuracy``), so the Pipeline page
  filtered on one owner and the same period shows the same value. Where the scorecard looks at something
  else, the column says so: ``*_now`` = the current state (not the window), ``*_all_time`` = all history.
* An owner with fewer than ``MIN_CLOSED_DEALS`` deals closed in the window is kept and marked
  ``few_closed_deals``: their rates rest on too few deals to rank them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.sales.calls import call_accuracy_detail
from analytics.sales.deals import DealFilter, snapshot_dates
from analytics.sales.forecast import forecast_accuracy_by_owner
from analytics.sales.inventory import hygiene, open_inventory
from analytics.sales.kpis import win_rates
from analytics.sales.quotas import get_quotas
from analytics.sales.scope import ALL_DEALS, BLANK_GROUP, cohort_sql, open_scope, scoped_ctes
from analytics.store.calls import period_bounds
from analytics.store.sql import Fragment

DEFAULT_MONTHS = 6
MIN_CLOSED_DEALS = 5
FEW_CLOSED_DEALS = "few_closed_deals"   # the note of an owner with fewer than MIN_CLOSED_DEALS closed deals
# Why pipeline_needed is empty: no quota for the next period; no closed deal ever; closed deals but no won value.
COVERAGE_REASONS = ("no_quota", "no_closed_deals", "no_won_value")

COLUMNS = ["owner", "deals_created", "pipeline_created", "won", "lost", "win_rate", "win_rate_value",
           "avg_won_amount", "sales_cycle_days_median", "deals_open_in_window", "slipped_deals", "slip_rate",
           "close_date_pushes", "pushes_per_deal", "open_deals_now", "stale_deals_now", "stale_share_now",
           "model_forecast_error", "model_forecast_abs_pct_error", "call_abs_pct_error", "win_rate_value_all_time",
           "quota_period", "quota_next", "pipeline_needed", "coverage_reason", "note"]


@dataclass(frozen=True)
class Scorecards:
    """The scorecards of a window: ``table`` has one row per owner (see ``scorecards``); ``next_periods`` are the
    labels of the month, quarter and year after the as-of one, the periods a quota is looked for in;
    ``snapshots_in_window`` = deals snapshot dates in the window (slips are seen only in snapshots)."""
    as_of: dt.date | None
    window_from: dt.date | None
    window_to: dt.date | None
    next_periods: tuple[str, ...]
    min_closed: int
    table: pd.DataFrame
    snapshots_in_window: int = 0


def default_window(as_of: dt.date, months: int = DEFAULT_MONTHS) -> tuple[dt.date, dt.date]:
    """The ``months`` complete calendar months before the month of ``as_of``: (first day, last day)."""
    month_start = as_of.replace(day=1)
    index = month_start.year * 12 + month_start.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1), month_start - dt.timedelta(days=1)


def next_periods(as_of: dt.date) -> tuple[str, str, str]:
    """The month, quarter and year after those holding ``as_of``: ('2026-12', '2027-Q1', '2027') for 2026-11-20."""
    month = dt.date(as_of.year + as_of.month // 12, as_of.month % 12 + 1, 1)
    quarter = (as_of.month - 1) // 3 + 1
    next_quarter = f"{as_of.year + quarter // 4}-Q{quarter % 4 + 1}"
    return f"{month.year}-{month.month:02d}", next_quarter, str(as_of.year + 1)


def scorecards(con: duckdb.DuckDBPyConnection, *, date_from: dt.date | None = None, date_to: dt.date | None = None,
               flt: DealFilter = ALL_DEALS, min_closed: int = MIN_CLOSED_DEALS) -> Scorecards:
    """One scorecard per owner over the window [date_from, date_to] (both None = ``default_window``; one None =
    that side open: the first snapshot's date or the as-of date).

    Grain: one row per owner (current owner of the deal) with a deal created, closed, or open in the window, or
    open now; sorted by owner, '(blank)' last. Columns:
    deals_created / pipeline_created = count / value of the deals created in the window (the funnel cohort:
    created_on known, not dropped while open);
    won, lost, win_rate = won / (won + lost) by count, win_rate_value = won value / (won + lost value),
    avg_won_amount, sales_cycle_days_median (close_on - created_on of won deals) = ``kpis.win_rates`` of the
    deals closed in the window, the Pipeline page's tiles for that owner and period;
    deals_open_in_window = deals seen open in a snapshot dated in the window; close_date_pushes = times one of
    them was seen with a later close date than in the snapshot before while open in both, the later snapshot
    dated in the window; slipped_deals = those pushed at least once; slip_rate = slipped_deals /
    deals_open_in_window; pushes_per_deal = close_date_pushes / deals_open_in_window;
    open_deals_now / stale_deals_now = open deals and stale ones (``inventory.hygiene``: unchanged for
    stale_days, setting) as of the latest snapshot; stale_share_now = stale / open;
    model_forecast_error / model_forecast_abs_pct_error = mean error (forecast - won) and mean absolute % error
    of ``forecast.forecast_accuracy`` on the owner's deals, over the (snapshot, month) rows whose month starts
    in the window (None when none);
    call_abs_pct_error = mean absolute % error |call - won| / won of the owner's forecast calls
    (``calls.call_accuracy_detail``: the commit of the latest call made before the period ended) over the
    periods that are over and start in the window, where something was won (None when none);
    win_rate_value_all_time = ``win_rates`` of every closed deal of the owner; quota_period / quota_next = the
    owner's quota for the next month, else the next quarter, else the next year (``next_periods``);
    pipeline_needed = quota_next / win_rate_value_all_time, the pipeline to create to meet the quota at the
    owner's own win rate; None with coverage_reason 'no_quota', 'no_closed_deals' or 'no_won_value';
    note = 'few_closed_deals' when won + lost < ``min_closed``, else None.
    """
    scope = open_scope(con)
    if scope.as_of is None:
        return Scorecards(None, date_from, date_to, (), min_closed, pd.DataFrame(columns=COLUMNS))
    if date_from is None and date_to is None:
        date_from, date_to = default_window(scope.as_of)
    date_from = date_from or _first_snapshot_on(con)
    date_to = date_to or scope.as_of
    table = _created(con, scope, flt, date_from, date_to)
    for part in (_closed(con, flt, date_from, date_to), _slips(con, scope, flt, date_from, date_to),
                 _stale_now(con, flt)):
        table = table.merge(part, on="owner", how="outer")
    counts = ["deals_created", "won", "lost", "deals_open_in_window", "slipped_deals", "close_date_pushes",
              "open_deals_now", "stale_deals_now"]
    table[counts] = table[counts].fillna(0).astype(int)
    table["pipeline_created"] = table["pipeline_created"].fillna(0.0)
    active = table[["deals_created", "won", "lost", "deals_open_in_window", "open_deals_now"]].sum(axis=1) > 0
    table = table[active].copy()
    table["slip_rate"] = _ratio(table["slipped_deals"], table["deals_open_in_window"])
    table["pushes_per_deal"] = _ratio(table["close_date_pushes"], table["deals_open_in_window"])
    table["stale_share_now"] = _ratio(table["stale_deals_now"], table["open_deals_now"])
    table = table.merge(_accuracy(con, flt, table["owner"], date_from, date_to), on="owner", how="left")
    table = table.merge(_call_error(con, date_from, date_to), on="owner", how="left")
    periods = next_periods(scope.as_of)
    table = table.merge(_coverage(con, flt, periods), on="owner", how="left")
    table["note"] = [FEW_CLOSED_DEALS if won + lost < min_closed else None
                     for won, lost in zip(table["won"], table["lost"], strict=True)]
    table = table.sort_values("owner", key=lambda o: o.map(lambda name: (name == BLANK_GROUP, name)))
    return Scorecards(scope.as_of, date_from, date_to, periods, min_closed,
                      _objects(table[COLUMNS].reset_index(drop=True)),
                      sum(date_from <= day <= date_to for day in snapshot_dates(con)))


def _first_snapshot_on(con) -> dt.date:
    return con.execute("SELECT min(snapshot_on) FROM deal_snapshots").fetchone()[0]


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, None (NaN) where the denominator is 0."""
    return (numerator / denominator.where(denominator > 0)).astype(float)


def _created(con, scope, flt: DealFilter, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    """owner, deals_created, pipeline_created: the funnel cohort of the window, by owner."""
    query = scoped_ctes(scope, flt, cohort_sql(date_from, date_to), by="owner") + Fragment(
        " SELECT grp AS owner, count(*) AS deals_created, CAST(coalesce(sum(value), 0) AS DOUBLE) AS pipeline_created"
        " FROM scoped GROUP BY grp", [])
    return con.execute(*query).df()


def _closed(con, flt: DealFilter, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    """owner, won, lost and the win rates, average won deal and median cycle of the deals closed in the window."""
    rates = win_rates(con, flt=flt, date_from=date_from, date_to=date_to, by="owner")
    return rates.rename(columns={"group": "owner"})[
        ["owner", "won", "lost", "win_rate", "win_rate_value", "avg_won_amount", "sales_cycle_days_median"]]


# Observations of each deal's close date in the snapshots up to the window's end, with whether it was open then
# (the rule of ``movement.slips``, on snapshots only); a push = a later close date than the observation before,
# open at both, the later one in the window.
_PUSHES = """,
observations AS (
    SELECT k.deal_id, k.grp, s.snapshot_on, s.import_id, s.close_on,
           coalesce(s.status_raw, st.outcome, 'open') = 'open' AS was_open
    FROM deal_snapshots s JOIN scoped k ON k.deal_id = s.deal_id
    LEFT JOIN stages st ON st.pipeline = s.pipeline AND st.stage = s.stage
    WHERE s.snapshot_on <= {date_to}
),
steps AS (
    SELECT *, snapshot_on >= {date_from} AS in_window,
           lag(close_on) OVER w AS previous_close, lag(was_open) OVER w AS previous_open
    FROM observations WINDOW w AS (PARTITION BY deal_id ORDER BY snapshot_on, import_id)
),
per_deal AS (
    SELECT deal_id, grp, bool_or(in_window AND was_open) AS open_in_window,
           count(*) FILTER (in_window AND was_open AND previous_open AND close_on > previous_close) AS pushes
    FROM steps GROUP BY deal_id, grp
)
SELECT grp AS owner, count(*) FILTER (open_in_window) AS deals_open_in_window,
       count(*) FILTER (open_in_window AND pushes > 0) AS slipped_deals,
       coalesce(sum(pushes) FILTER (open_in_window), 0) AS close_date_pushes
FROM per_deal GROUP BY grp
"""


def _slips(con, scope, flt: DealFilter, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    """owner, deals_open_in_window, slipped_deals, close_date_pushes (``_PUSHES``)."""
    query = scoped_ctes(scope, flt, by="owner") + Fragment.format(
        _PUSHES, date_from=Fragment("?", [date_from]), date_to=Fragment("?", [date_to]))
    return con.execute(*query).df()


def _stale_now(con, flt: DealFilter) -> pd.DataFrame:
    """owner, open_deals_now, stale_deals_now: the Pipeline page's open pipeline and stale list, by owner."""
    opened = open_inventory(con, flt=flt, by="owner")
    stale = hygiene(con, flt=flt)["stale"]
    counts = pd.DataFrame({
        "owner": _owner(opened["owner"]), "open_deals_now": opened["count"]}).groupby("owner", as_index=False).sum()
    stale_counts = _owner(stale["owner"]).value_counts().rename_axis("owner").rename("stale_deals_now").reset_index()
    return counts.merge(stale_counts, on="owner", how="left")


def _owner(owners: pd.Series) -> pd.Series:
    """Owner names with the blank ones as '(blank)', the group name the grouped queries give them."""
    return owners.astype(object).where(owners.notna(), BLANK_GROUP)


def _accuracy(con, flt: DealFilter, owners: pd.Series, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    """owner, model_forecast_error, model_forecast_abs_pct_error: ``forecast_accuracy`` on each owner's deals, rows
    whose month starts in the window. Every owner at once (``forecast_accuracy_by_owner``); the '(blank)' owner has
    no filter to select it: None."""
    named = [owner for owner in owners if owner != BLANK_GROUP]
    detail = forecast_accuracy_by_owner(con, named, flt=flt)
    detail = detail[(detail["period_start"] >= date_from) & (detail["period_start"] <= date_to)]
    rows = []
    for owner in owners:
        error = abs_pct = None
        mine = detail[detail["owner"] == owner]
        if owner != BLANK_GROUP and not mine.empty:
            error = float(mine["error"].mean())
            pct = mine["abs_pct_error"].dropna()
            abs_pct = float(pct.mean()) if len(pct) else None
        rows.append((owner, error, abs_pct))
    return pd.DataFrame(rows, columns=["owner", "model_forecast_error", "model_forecast_abs_pct_error"])


def _coverage(con, flt: DealFilter, periods: tuple[str, ...]) -> pd.DataFrame:
    """owner, win_rate_value_all_time, quota_period, quota_next, pipeline_needed, coverage_reason."""
    history = win_rates(con, flt=flt, by="owner").rename(columns={"group": "owner"})
    quotas = get_quotas(con)
    quotas = quotas[quotas["owner"].notna() & quotas["period"].isin(periods)]
    rank = {period: n for n, period in enumerate(periods)}
    quotas = quotas.assign(rank=quotas["period"].map(rank)).sort_values("rank").drop_duplicates("owner")
    by_owner = {row.owner: (row.period, float(row.amount)) for row in quotas.itertuples()}
    rows = []
    for row in history.itertuples():
        period, quota = by_owner.get(row.owner, (None, None))
        rate = None if pd.isna(row.win_rate_value) else float(row.win_rate_value)
        if quota is None:
            needed, reason = None, "no_quota"
        elif rate is None:
            needed, reason = None, "no_closed_deals"
        elif rate == 0:
            needed, reason = None, "no_won_value"
        else:
            needed, reason = quota / rate, None
        rows.append((row.owner, rate, period, quota, needed, reason))
    return pd.DataFrame(rows, columns=["owner", "win_rate_value_all_time", "quota_period", "quota_next",
                                       "pipeline_needed", "coverage_reason"])


def _call_error(con: duckdb.DuckDBPyConnection, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    """Per owner: the mean absolute % error of the calls of the periods over that start in the window."""
    detail = call_accuracy_detail(con)
    in_window = pd.Series([date_from <= period_bounds(period)[0] <= date_to for period in detail["period"]],
                          index=detail.index, dtype=bool)
    detail = detail.loc[in_window]
    return detail.groupby("owner", as_index=False).agg(call_abs_pct_error=("call_abs_pct_error", "mean"))


def _objects(table: pd.DataFrame) -> pd.DataFrame:
    """Text and code columns as Python objects with None for missing (not NaN)."""
    for column in ("quota_period", "coverage_reason", "note", "call_abs_pct_error"):
        table[column] = table[column].astype(object).where(table[column].notna(), None)
    return table

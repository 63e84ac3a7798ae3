"""The ``deals`` object of ``report --json`` (METRICS.md 7): plain Python values, ready for json.dumps."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.sales.deals import latest_snapshot_on
from analytics.sales.forecast import forecast_by_month
from analytics.sales.funnel import funnel, main_pipeline
from analytics.sales.kpis import kpis
from analytics.sales.loss_reasons import loss_reasons_report
from analytics.sales.movement import movement_report
from analytics.sales.new_deals import NewDealModel
from analytics.sales.priorities import ACTION_TEXTS, priority_list
from analytics.sales.scope import BLANK_GROUP
from analytics.sales.scorecards import scorecards
from analytics.sales.stage_time import days_in_stage_median

# A forecast row of METRICS.md 7: one per calendar month from the as-of month on, configured p. JSON key ->
# column of ``Forecast.periods``: ``expected`` is the period's forecast (won + expected from open deals, the mean
# of the distribution whose p10/p50/p90 are given); ``expected_open`` the open deals' part alone.
# The part of deals not created yet (analytics/sales/new_deals.py, null without history): expected_new, and
# p10/p50/p90_with_new, the range of won + open deals + new deals (its mean is expected + expected_new).
FORECAST_ROW_COLUMNS = {"period": "period", "won_amount": "won_amount", "expected": "forecast",
                        "expected_open": "expected", "p10": "p10", "p50": "p50", "p90": "p90",
                        "expected_new": "expected_new", "p10_with_new": "p10_with_new",
                        "p50_with_new": "p50_with_new", "p90_with_new": "p90_with_new"}
FORECAST_ROW_KEYS = tuple(FORECAST_ROW_COLUMNS)


def deals_report(con: duckdb.DuckDBPyConnection, date_from: dt.date | None = None,
                 date_to: dt.date | None = None) -> dict | None:
    """Every deals metric of METRICS.md 7, as of the latest snapshot; None when no deal was imported.

    The period (--from/--to) applies to the win rates, average won amount, sales cycle and velocity
    (deals closed in it) and to the funnel cohort (deals created in it); counts, sums, days in stage and
    the forecast are the current state. The funnel and days in stage are those of the main pipeline
    (most deals in the cohort), named in ``funnel_pipeline``; entry dates come from "Date entered" columns,
    stage-history imports, else snapshots. ``movement`` compares the last two snapshot dates (None with
    fewer than two; see analytics/movement.py).
    Extra keys: currency, excluded_other_currency, unknown_amount, open_unknown_amount (open deals without
    an amount), funnel_pipeline,
    forecast_no_close_date, forecast_past_due_in_first_month, forecast_new_deals (the history the new-deal part
    is estimated from, or the reason it is absent: ``new_deals_report``); funnel rows add cumulative_conversion;
    loss_reasons = lost deals closed in the period by loss reason (analytics/sales/loss_reasons.py; None when no
    import mapped a loss-reason column);
    priorities = the top 20 open deals by expected value (``priorities_report``), always the current state;
    scorecards = one object per owner (``scorecards_report``), over the period when one is given.
    """
    if latest_snapshot_on(con) is None:
        return None
    headline = kpis(con, date_from=date_from, date_to=date_to)
    pipeline = main_pipeline(con, date_from=date_from, date_to=date_to)
    steps = funnel(con, pipeline, date_from=date_from, date_to=date_to)
    forecast = forecast_by_month(con, with_new_deals=True)
    return {
        **headline.as_dict(),
        "funnel_pipeline": pipeline,
        "funnel": _records(steps[["stage", "reached", "reached_amount", "conversion_to_next",
                                  "cumulative_conversion"]]),
        "days_in_stage_median": days_in_stage_median(con, pipeline),
        "forecast": _records(forecast.months[list(FORECAST_ROW_COLUMNS.values())].set_axis(
            list(FORECAST_ROW_COLUMNS), axis=1)),
        "forecast_no_close_date": forecast.no_close_date,
        "forecast_past_due_in_first_month": forecast.past_due_in_first_month,
        "forecast_new_deals": new_deals_report(forecast.new_deals),
        "movement": movement_report(con),
        "loss_reasons": loss_reasons_report(con, date_from, date_to),
        "priorities": priorities_report(con),
        "scorecards": scorecards_report(con, date_from, date_to),
    }


def scorecards_report(con: duckdb.DuckDBPyConnection, date_from: dt.date | None = None,
                      date_to: dt.date | None = None) -> list[dict] | None:
    """One object per owner: the columns of ``scorecards.scorecards`` (window = --from/--to, else the last six
    complete months before the latest snapshot) plus window_from and window_to (ISO dates); codes (note,
    coverage_reason) as codes. None when no deal has an owner."""
    result = scorecards(con, date_from=date_from, date_to=date_to)
    if set(result.table["owner"]) <= {BLANK_GROUP}:
        return None
    window = {"window_from": result.window_from.isoformat(), "window_to": result.window_to.isoformat()}
    return [{"owner": row["owner"], **window, **{k: v for k, v in row.items() if k != "owner"}}
            for row in _records(result.table)]


def new_deals_report(model: NewDealModel) -> dict:
    """The history the forecast's new-deal part comes from (analytics/sales/new_deals.py): reason (None, or the
    code saying why the part is absent), lookback_months, window_from / window_to, created_per_month,
    win_rate, avg_won_amount, cycle_days, starts_on (the first day a new deal can close), expected_per_month."""
    def day(value):
        return None if value is None else value.isoformat()
    return {"reason": model.reason, "lookback_months": model.lookback_months,
            "window_from": day(model.window_from), "window_to": day(model.window_to),
            "created_per_month": model.created_per_month, "win_rate": model.win_rate,
            "avg_won_amount": model.mean_won, "cycle_days": model.cycle_days, "starts_on": day(model.starts_on),
            "expected_per_month": model.expected_per_month}


def priorities_report(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[dict]:
    """The top ``limit`` open deals (analytics/sales/priorities.py): deal_id, name, owner, pipeline, stage,
    score (0-1), expected_value, value, flags (codes), next_action (``priorities.ACTION_TEXTS``, English as
    every text of the report) and why (the factors that moved the score most, 'Source = Referrals: ×1.8
    odds'). Plain Python values (None for unknown)."""
    top = priority_list(con).head(limit)
    return [{
        "deal_id": str(r.deal_id), "name": _plain(r.name), "owner": _plain(r.owner), "pipeline": r.pipeline,
        "stage": r.stage, "score": _plain(r.score), "expected_value": _plain(r.expected_value),
        "value": _plain(r.value), "flags": list(r.flags), "next_action": ACTION_TEXTS[r.action],
        "why": "; ".join(f"{f['attribute']} = {f['value']}: ×{f['factor']:.2g} odds" for f in r.why),
    } for r in top.itertuples()]


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values (numpy numbers unwrapped, NaN as None)."""
    return [{key: _plain(value) for key, value in row.items()} for row in frame.to_dict("records")]


def _plain(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value

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
from analytics.sales.priorities import ACTION_TEXTS, priority_list
from analytics.sales.stage_time import days_in_stage_median

# A forecast row of METRICS.md 7, exactly: one per calendar month from the as-of month on, configured p.
FORECAST_ROW_KEYS = ("period", "won_amount", "expected", "p10", "p50", "p90")


def deals_report(con: duckdb.DuckDBPyConnection, date_from: dt.date | None = None,
                 date_to: dt.date | None = None) -> dict | None:
    """Every deals metric of METRICS.md 7, as of the latest snapshot; None when no deal was imported.

    The period (--from/--to) applies to the win rates, average won amount, sales cycle and velocity
    (deals closed in it) and to the funnel cohort (deals created in it); counts, sums, days in stage and
    the forecast are the current state. The funnel and days in stage are those of the main pipeline
    (most deals in the cohort), named in ``funnel_pipeline``; entry dates come from "Date entered" columns,
    stage-history imports, else snapshots. ``movement`` compares the last two snapshot dates (None with
    fewer than two; see analytics/movement.py).
    Extra keys: currency, excluded_other_currency, unknown_amount, funnel_pipeline,
    forecast_no_close_date, forecast_past_due_in_first_month; funnel rows add cumulative_conversion;
    loss_reasons = lost deals closed in the period by loss reason (analytics/sales/loss_reasons.py; None when no
    import mapped a loss-reason column);
    priorities = the top 20 open deals by expected value (``priorities_report``), always the current state.
    """
    if latest_snapshot_on(con) is None:
        return None
    headline = kpis(con, date_from=date_from, date_to=date_to)
    pipeline = main_pipeline(con, date_from=date_from, date_to=date_to)
    steps = funnel(con, pipeline, date_from=date_from, date_to=date_to)
    forecast = forecast_by_month(con)
    return {
        **headline.as_dict(),
        "funnel_pipeline": pipeline,
        "funnel": _records(steps[["stage", "reached", "reached_amount", "conversion_to_next",
                                  "cumulative_conversion"]]),
        "days_in_stage_median": days_in_stage_median(con, pipeline),
        "forecast": _records(forecast.months[list(FORECAST_ROW_KEYS)]),
        "forecast_no_close_date": forecast.no_close_date,
        "forecast_past_due_in_first_month": forecast.past_due_in_first_month,
        "movement": movement_report(con),
        "loss_reasons": loss_reasons_report(con, date_from, date_to),
        "priorities": priorities_report(con),
    }


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

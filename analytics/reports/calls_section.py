"""The ``forecast_calls`` object of ``report --json``: the latest calls of the current and next periods."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.sales.calls import call_rollup, current_periods, latest_calls
from analytics.sales.deals import latest_snapshot_on


def calls_report(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> dict | None:
    """The latest call of each owner and team for the current and next periods (month and quarter) of the latest
    snapshot (today without deals), with the model's forecast and, for a period that is over, what was won
    (``analytics.sales.calls.call_rollup``); None when none of these periods has a call.

    {"as_of": date, "periods": [{"period", "is_over", "model_as_of", "calls": [{level, name, team, commit,
    best_case, submitted_on, model_forecast, won_amount}]}]}; calls by team row then owners, as in the roll-up.
    """
    as_of = latest_snapshot_on(con) or today or dt.date.today()
    periods = []
    for period in current_periods(as_of):
        if latest_calls(con, period).empty:
            continue
        rollup = call_rollup(con, period, today=today)
        called = rollup.table[rollup.table["submitted_on"].notna()]
        periods.append({"period": period, "is_over": rollup.is_over,
                        "model_as_of": _plain(rollup.model_as_of), "calls": [
                            {"level": r.level, "name": r.name, "team": _plain(r.team),
                             "commit": _plain(r.commit_amount), "best_case": _plain(r.best_case),
                             "submitted_on": _plain(r.submitted_on), "model_forecast": _plain(r.model_forecast),
                             "won_amount": _plain(r.won_amount)} for r in called.itertuples()]})
    return {"as_of": as_of.isoformat(), "periods": periods} if periods else None


def _plain(value):
    """Plain JSON values: dates as 'YYYY-MM-DD', NaN as None, numpy numbers unwrapped."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value

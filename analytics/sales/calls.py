"""Forecast calls: what owners and managers commit to per period, rolled up by team, beside the model, and how
close past calls came to what was won.

Conventions are those written at the top of ``analytics.sales.scope``, plus:

* A call is a commit and a best case for a period ('YYYY-MM' or 'YYYY-Qn'), by an owner (level 'owner', the name
  as in the deals) or by a manager for a team (level 'team', the team's name). Submissions are never
  overwritten (``analytics.store.calls``): the **latest call** of a (level, name, period) is its latest
  submission (by submission date, then entry order); the **call of a week** is the latest submission that
  week (weeks start on Monday).
* The **model's forecast** of an owner for a period is ``forecast_by_period``'s forecast (won in the period +
  value x p of the open deals closing in it, past-due deals in the as-of period) restricted to the owner's
  deals, as of the latest snapshot; for a period that is over, as of the last snapshot on or before its end.
  A team's is the sum of its owners'.
* A period is **over** once the latest snapshot is after its last day; then **won** = the value of the won
  deals closed in it (current state).
* The **call** compared with what was won is the commit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.sales.deals import latest_snapshot_on, snapshot_dates
from analytics.sales.forecast import GRAINS, period_ctes, period_label, period_start
from analytics.sales.scope import ALL_DEALS, BLANK_GROUP, open_scope, scoped_ctes
from analytics.sales.teams import owner_teams
from analytics.store.calls import Call, checked_call, clean_period, insert_calls, period_bounds, week_of
from analytics.store.schema import money_sum
from analytics.store.sql import Fragment, checked

CALL_COLUMNS = ["level", "name", "period", "commit_amount", "best_case", "submitted_on", "week_of", "source"]
_CALLS = """
SELECT level, name, period, CAST(commit_amount AS DOUBLE) AS commit_amount, CAST(best_case AS DOUBLE) AS best_case,
       submitted_on, week_of, source, rowid AS entry
FROM forecast_calls
"""


def submit_call(con: duckdb.DuckDBPyConnection, level: str, name: str, period: str, commit: float,
                best_case: float, submitted_on: dt.date | None = None) -> Call:
    """Add one call as entered in the app (call inside ``transaction``): checked by ``store.calls.checked_call``
    (CallError with a code when refused), dated today unless ``submitted_on`` is given. Returns the stored call."""
    call = checked_call(level, name, period, commit, best_case, submitted_on or dt.date.today())
    insert_calls(con, [call], "app")
    return call


def call_history(con: duckdb.DuckDBPyConnection, period: str | None = None) -> pd.DataFrame:
    """Every submission, newest first. Grain: one row per submission; columns CALL_COLUMNS. ``period`` keeps one
    period (None = all)."""
    where = Fragment("", []) if period is None else Fragment(" WHERE period = ?", [clean_period(period)])
    query = Fragment(_CALLS, []) + where + Fragment(" ORDER BY submitted_on DESC, entry DESC", [])
    return _dates(con.execute(*query).df())[CALL_COLUMNS]


def latest_calls(con: duckdb.DuckDBPyConnection, period: str | None = None, *, week: dt.date | None = None,
                 on_or_before: dt.date | None = None) -> pd.DataFrame:
    """The latest call of each owner and team. Grain: one row per (level, name, period); columns CALL_COLUMNS.

    Latest = the last submission by submission date, then entry order. ``period`` keeps one period (None =
    all); ``week`` (any day of it) keeps the submissions of that week only (the call of the week);
    ``on_or_before`` keeps the submissions made on or before that date. Sorted by period, level, name.
    """
    parts = [Fragment("TRUE", [])]
    if period is not None:
        parts.append(Fragment("period = ?", [clean_period(period)]))
    if week is not None:
        parts.append(Fragment("week_of = ?", [week_of(week)]))
    if on_or_before is not None:
        parts.append(Fragment("submitted_on <= ?", [on_or_before]))
    query = Fragment(f"SELECT * FROM ({_CALLS}) WHERE ", []) + Fragment.join(" AND ", parts) + Fragment(
        " QUALIFY row_number() OVER (PARTITION BY level, name, period ORDER BY submitted_on DESC, entry DESC) = 1 "
        "ORDER BY period, level, name", [])
    return _dates(con.execute(*query).df())[CALL_COLUMNS]


def current_periods(as_of: dt.date) -> list[str]:
    """The current and next month and quarter of a date: ['2026-11', '2026-12', '2026-Q4', '2027-Q1']."""
    out = []
    for months, grain in ((1, "month"), (3, "quarter")):
        start = period_start(as_of, grain)
        index = start.year * 12 + start.month - 1 + months
        out += [period_label(start, grain), period_label(dt.date(index // 12, index % 12 + 1, 1), grain)]
    return out


def period_choices(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> list[str]:
    """The periods a call is entered or looked at for: the current and next month and quarter of the latest
    snapshot (today without deals), then every other period holding a call, newest first."""
    as_of = latest_snapshot_on(con) or today or dt.date.today()
    current = current_periods(as_of)
    called = [r[0] for r in con.execute("SELECT DISTINCT period FROM forecast_calls ORDER BY 1 DESC").fetchall()]
    return current + [p for p in called if p not in current]


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("submitted_on", "week_of"):
        frame[column] = [d.date() if hasattr(d, "date") else d for d in pd.to_datetime(frame[column])]
    return frame


# --- the model, per owner ------------------------------------------------------------------------------------

# forecast_by_period's sums, per owner: won in the period and value x p of the open deals it puts in the period.
_OWNER_SUMS = """,
per_owner AS (
    SELECT owner, period_start, 0.0 AS won_amount, {expected} AS expected, count(*) AS open_count
    FROM open_deals GROUP BY ALL
    UNION ALL
    SELECT owner, CAST(date_trunc('{grain}', close_on) AS DATE), sum(value), 0.0, 0
    FROM kept CROSS JOIN first_period f
    WHERE status = 'won' AND close_on >= f.first_start AND value IS NOT NULL GROUP BY ALL
)
SELECT coalesce(owner, '{blank}') AS owner, period_start, CAST(sum(won_amount) AS DOUBLE) AS won_amount,
       CAST(sum(expected) AS DOUBLE) AS expected, CAST(sum(open_count) AS INTEGER) AS open_count
FROM per_owner GROUP BY ALL ORDER BY period_start, owner
"""


def owner_forecasts(con: duckdb.DuckDBPyConnection, *, grain: str = "month", as_of: dt.date | None = None,
                    probability: str = "configured") -> pd.DataFrame:
    """The model's forecast per owner and period, as of a date (``forecast_by_period`` per owner, without range).

    Grain: one row per (owner, period) holding a won or open deal of the owner, from the as-of period on.
    Columns: owner ('(blank)' for deals without one), period, won_amount, expected (value x p of the open deals
    put in the period), forecast = won_amount + expected, open_count.
    """
    grain = checked(grain, GRAINS)
    scope = open_scope(con, as_of)
    sums = _OWNER_SUMS.format(expected=money_sum("value * p"), grain=grain, blank=BLANK_GROUP)
    frame = con.execute(*(period_ctes(scope, ALL_DEALS, grain, probability, con) + Fragment(sums, []))).df()
    frame.insert(1, "period", [period_label(start, grain) for start in pd.to_datetime(frame.pop("period_start"))])
    frame["forecast"] = frame["won_amount"] + frame["expected"]
    return frame[["owner", "period", "won_amount", "expected", "forecast", "open_count"]]


def won_by_owner(con: duckdb.DuckDBPyConnection, grain: str = "month") -> pd.DataFrame:
    """What each owner won per period, as known now. Grain: one row per (owner, period) with a won deal of known
    value closed in it; columns owner, period, won_amount (value of the won deals closed in the period)."""
    grain = checked(grain, GRAINS)
    query = scoped_ctes(open_scope(con), ALL_DEALS) + Fragment(
        f" SELECT coalesce(owner, '{BLANK_GROUP}') AS owner, CAST(date_trunc('{grain}', close_on) AS DATE) AS start, "
        "CAST(sum(value) AS DOUBLE) AS won_amount FROM scoped "
        "WHERE status = 'won' AND value IS NOT NULL AND close_on IS NOT NULL GROUP BY ALL ORDER BY start, owner", [])
    frame = con.execute(*query).df()
    frame.insert(1, "period", [period_label(start, grain) for start in pd.to_datetime(frame.pop("start"))])
    return frame


def model_as_of(con: duckdb.DuckDBPyConnection, day: dt.date) -> dt.date | None:
    """The snapshot the model's forecast is read from for a given date: the latest on or before it (None: none)."""
    return max((d for d in snapshot_dates(con) if d <= day), default=None)


# --- the roll-up --------------------------------------------------------------------------------------------

ROLLUP_COLUMNS = ["team", "level", "name", "manager", "commit_amount", "best_case", "submitted_on", "owners_commit",
                  "owners_best_case", "model_forecast", "won_amount", "open_count", "not_submitted"]


@dataclass(frozen=True)
class Rollup:
    """The roll-up of one period's calls (see ``call_rollup``): the table and what it was computed with."""
    table: pd.DataFrame
    period: str
    is_over: bool              # the latest snapshot is after the period's last day: won_amount is final
    week_of: dt.date           # the Monday of the week whose calls are looked for (not_submitted)
    model_as_of: dt.date | None  # the snapshot the model's forecast is read from (None: no deal snapshot then)
    team_source: str | None    # 'settings' (team table), 'attribute' (a deal column) or None (no teams)
    team_attribute: str | None  # the deal column teams come from when team_source is 'attribute'


def call_rollup(con: duckdb.DuckDBPyConnection, period: str, *, today: dt.date | None = None,
                probability: str = "configured") -> Rollup:
    """Each team's and owner's latest call for a period, the model's forecast beside it, and who has not called.

    Grain: per team (alphabetically; owners in no team last, without a team row) one 'team' row, then one
    'owner' row per owner (alphabetically). Owners = those with a deal the model puts in the period, a won deal
    closed in it, a call for it, or a line in the team table (see ``analytics.sales.teams``).
    Owner row: commit_amount, best_case, submitted_on = the owner's latest call (NaN / None without one);
    model_forecast = the model's forecast of the owner's deals for the period (module docstring); won_amount =
    won in the period once it is over (else NaN); open_count = open deals the model puts in the period;
    not_submitted = the period is not over, the owner has open deals in it and no call this week (the week of
    ``today``, default today).
    Team row: commit_amount, best_case, submitted_on = the team's own call (the manager's); owners_commit and
    owners_best_case = sums of its owners' latest calls (NaN when none called); model_forecast, won_amount,
    open_count = sums over its owners; not_submitted = open deals in the period and no team call this week.
    """
    period = clean_period(period)
    start, end, grain = period_bounds(period)
    this_week = week_of(today or dt.date.today())
    latest_day = latest_snapshot_on(con)
    is_over = latest_day is not None and end < latest_day
    model_day = model_as_of(con, min(latest_day, end)) if latest_day is not None else None
    teams, source, attribute = owner_teams(con)
    owners = _owner_rows(con, period, grain, model_day, is_over, probability)
    calls = latest_calls(con, period)
    called_now = {(c.level, c.name) for c in latest_calls(con, period, week=this_week).itertuples()}
    owner_calls = calls[calls["level"] == "owner"].set_index("name")
    names = sorted(set(owners.index) | set(owner_calls.index) | set(teams["owner"]))
    owners = owners.reindex(names).fillna({"open_count": 0})
    team_of = dict(zip(teams["owner"], teams["team"], strict=True))
    managers = teams.dropna(subset=["manager"]).groupby("team")["manager"].first().to_dict()
    rows = [{"team": team_of.get(name), "level": "owner", "name": name, "manager": managers.get(team_of.get(name)),
             **_call_cells(owner_calls, name), "owners_commit": np.nan, "owners_best_case": np.nan,
             "model_forecast": owners.at[name, "model_forecast"], "won_amount": owners.at[name, "won_amount"],
             "open_count": int(owners.at[name, "open_count"]),
             "not_submitted": bool(not is_over and owners.at[name, "open_count"] > 0
                                   and ("owner", name) not in called_now)} for name in names]
    owner_frame = pd.DataFrame(rows, columns=ROLLUP_COLUMNS)
    team_calls = calls[calls["level"] == "team"].set_index("name")
    out = []
    for team in sorted(set(teams["team"]) | set(team_calls.index)):
        members = owner_frame[owner_frame["team"] == team]
        out.append(pd.DataFrame([{
            "team": team, "level": "team", "name": team, "manager": managers.get(team),
            **_call_cells(team_calls, team),
            "owners_commit": members["commit_amount"].sum(min_count=1),
            "owners_best_case": members["best_case"].sum(min_count=1),
            "model_forecast": members["model_forecast"].sum(min_count=1),
            "won_amount": members["won_amount"].sum(min_count=1), "open_count": int(members["open_count"].sum()),
            "not_submitted": bool(not is_over and members["open_count"].sum() > 0
                                  and ("team", team) not in called_now)}], columns=ROLLUP_COLUMNS))
        out.append(members)
    out.append(owner_frame[owner_frame["team"].isna()])
    table = pd.concat([f for f in out if not f.empty], ignore_index=True) if any(not f.empty for f in out) \
        else owner_frame
    return Rollup(table.astype({"open_count": int, "not_submitted": bool}), period, is_over, this_week, model_day,
                  source, attribute)


def _owner_rows(con, period: str, grain: str, model_day: dt.date | None, is_over: bool,
                probability: str) -> pd.DataFrame:
    """Per owner with something in the period: model_forecast, open_count, won_amount (NaN unless over)."""
    if model_day is None:
        model = pd.DataFrame(columns=["owner", "model_forecast", "open_count"])
    else:
        model = owner_forecasts(con, grain=grain, as_of=model_day, probability=probability)
        model = model[model["period"] == period].rename(columns={"forecast": "model_forecast"})
    frame = model.set_index("owner")[["model_forecast", "open_count"]]
    if is_over:
        won = won_by_owner(con, grain)
        won = won[won["period"] == period].set_index("owner")["won_amount"]
        frame = frame.join(won, how="outer")
        frame["won_amount"] = frame["won_amount"].fillna(0.0)
    else:
        frame["won_amount"] = np.nan
    if model_day is not None:
        frame["model_forecast"] = frame["model_forecast"].fillna(0.0)   # the model expects nothing from them
    return frame.astype({"model_forecast": float, "won_amount": float})


def _call_cells(calls: pd.DataFrame, name: str) -> dict:
    if name not in calls.index:
        return {"commit_amount": np.nan, "best_case": np.nan, "submitted_on": None}
    row = calls.loc[name]
    return {"commit_amount": float(row["commit_amount"]), "best_case": float(row["best_case"]),
            "submitted_on": row["submitted_on"]}


# --- accuracy ----------------------------------------------------------------------------------------------

ACCURACY_DETAIL_COLUMNS = ["owner", "period", "submitted_on", "call", "won_amount", "call_error",
                           "call_abs_pct_error", "model_as_of", "model_forecast", "model_error",
                           "model_abs_pct_error"]
ACCURACY_COLUMNS = ["owner", "periods", "call_error", "call_abs_pct_error", "model_error", "model_abs_pct_error"]


def call_accuracy_detail(con: duckdb.DuckDBPyConnection, probability: str = "configured") -> pd.DataFrame:
    """Each owner's call for each period that is over, against what was won and against the model of the time.

    Grain: one row per (owner, period) that is over (the latest snapshot is after its last day) and that the
    owner called before it ended. call = the commit of the owner's latest submission made on or before the
    period's last day; won_amount = won in the period (current state, 0 when nothing); call_error = call -
    won_amount; call_abs_pct_error = |call - won_amount| / won_amount, undefined (NaN) when nothing was won;
    model_as_of = the latest snapshot on or before the call's submission date (None: none, the model columns
    are then NaN); model_forecast = the model's forecast of the owner's deals for the period as of that snapshot;
    model_error and model_abs_pct_error the same way. Sorted by owner, then period.
    """
    latest_day = latest_snapshot_on(con)
    calls = latest_calls(con)
    calls = calls[calls["level"] == "owner"]
    if latest_day is None or calls.empty:
        return pd.DataFrame(columns=ACCURACY_DETAIL_COLUMNS)
    won = {grain: won_by_owner(con, grain).set_index(["owner", "period"])["won_amount"] for grain in GRAINS}
    models: dict[tuple, pd.Series] = {}
    rows = []
    for period in sorted(calls["period"].unique()):
        _, end, grain = period_bounds(period)
        if end >= latest_day:
            continue
        for call in latest_calls(con, period, on_or_before=end).query("level == 'owner'").itertuples():
            actual = float(won[grain].get((call.name, period), 0.0))
            snapshot = model_as_of(con, call.submitted_on)
            model = np.nan
            if snapshot is not None:
                if (snapshot, grain) not in models:
                    found = owner_forecasts(con, grain=grain, as_of=snapshot, probability=probability)
                    models[snapshot, grain] = found.set_index(["owner", "period"])["forecast"]
                model = float(models[snapshot, grain].get((call.name, period), 0.0))
            rows.append((call.name, period, call.submitted_on, call.commit_amount, actual,
                         call.commit_amount - actual, _abs_pct(call.commit_amount, actual), snapshot, model,
                         model - actual, _abs_pct(model, actual)))
    detail = pd.DataFrame(rows, columns=ACCURACY_DETAIL_COLUMNS)
    return detail.sort_values(["owner", "period"], ignore_index=True).astype(
        {c: float for c in ("call", "won_amount", "call_error", "call_abs_pct_error", "model_forecast",
                            "model_error", "model_abs_pct_error")})


def _abs_pct(estimate: float, actual: float) -> float:
    """|estimate - actual| / actual; NaN (undefined) when nothing was won or there is no estimate."""
    return abs(estimate - actual) / actual if actual > 0 and not np.isnan(estimate) else np.nan


def call_accuracy(con: duckdb.DuckDBPyConnection, probability: str = "configured") -> pd.DataFrame:
    """How close each owner's calls came to what was won, beside the model's, over the periods that are over.

    Grain: one row per owner with at least one such period (``call_accuracy_detail``), by owner.
    periods = how many periods; call_error = mean of (call - won); call_abs_pct_error = mean of |call - won| /
    won over the periods where something was won (NaN when in none: undefined); model_error and
    model_abs_pct_error = the same for the model's forecast as of the call's snapshot (periods without one
    left out). Columns: ACCURACY_COLUMNS.
    """
    detail = call_accuracy_detail(con, probability)
    if detail.empty:
        return pd.DataFrame(columns=ACCURACY_COLUMNS)
    summary = detail.groupby("owner", as_index=False).agg(
        periods=("period", "count"), call_error=("call_error", "mean"),
        call_abs_pct_error=("call_abs_pct_error", "mean"), model_error=("model_error", "mean"),
        model_abs_pct_error=("model_abs_pct_error", "mean"))
    return summary[ACCURACY_COLUMNS]

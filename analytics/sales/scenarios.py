"""What-if scenarios of the forecast: pure arithmetic over pre-aggregated open deals, and saved scenarios.

The heavy part, ``scenario_inputs``, runs once per data version (the page caches it): the open deals summed
by (expected close date, probability rounded to 0.01), the won amounts by month and the run-rate history.
``apply`` then recomputes a scenario with numpy over those few thousand buckets, whatever the number of
deals, so a slider move costs milliseconds.

A scenario (METRICS.md 4, choices where it is silent):
* win_multiplier m: every open deal's p becomes min(m x p, 1). Per bucket: min(m x sum(value x p), sum(value))
  (exact when no deal of the bucket is capped or all are; the deals of a bucket share p to 0.01);
* deal_size_change s: every open deal's value x (1 + s);
* cycle_days d: expected close dates move d days (a past-due deal's expected close counts as the as-of date,
  then moves); a date before the as-of month stays in the as-of month;
* slip_rate r: the expected share r of each month's open deals is pushed to the next month (an expected
  value, not a draw), after the cycle shift; quarters add up their months;
* new_pipeline_change v: the run-rate projection (deals not created yet) x (1 + v). The projection:
  created_per_month x min(win_rate x m, 1) x avg_won_amount x (1 + s), from as_of + cycle_days + d on,
  a month getting the share of its days after that date (``analytics.forecast.run_rate``).
Won amounts never change. The baseline (every slider at rest) equals ``forecast_by_period``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.sales.deals import DealFilter
from analytics.sales.forecast import RunRate, period_ctes, period_label, run_rate, run_rate_of
from analytics.sales.new_deals import NewDealModel, share_after
from analytics.sales.scope import ALL_DEALS, open_scope
from analytics.store.schema import money_sum
from analytics.store.sql import Fragment

HORIZON_MONTHS = 12
MAX_NAME_LENGTH = 80


@dataclass(frozen=True)
class Scenario:
    """The what-if levers; the defaults are the baseline. Changes are fractions (0.1 = +10 %)."""
    win_multiplier: float = 1.0
    deal_size_change: float = 0.0
    cycle_days: int = 0
    new_pipeline_change: float = 0.0
    slip_rate: float = 0.0

    def __post_init__(self):
        if not self.win_multiplier >= 0:
            raise ValueError("the win probability multiplier cannot be negative")
        if not (self.deal_size_change >= -1 and self.new_pipeline_change >= -1):
            raise ValueError("a change cannot go below -100 %")
        if not 0 <= self.slip_rate <= 1:
            raise ValueError("the slip rate must be between 0 and 100 %")

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        """A scenario from its JSON; unknown keys are ignored, missing ones take the baseline value."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in json.loads(text).items() if k in names}
        if "cycle_days" in values:
            values["cycle_days"] = int(values["cycle_days"])
        return cls(**values)


BASELINE = Scenario()


@dataclass(frozen=True)
class ScenarioInputs:
    """The cached aggregates a scenario is computed from (see ``scenario_inputs``)."""
    as_of: dt.date | None
    close_on: np.ndarray        # datetime64[D], one per bucket
    value: np.ndarray           # sum of value of the bucket's deals
    expected: np.ndarray        # sum of value x p of the bucket's deals
    won_month: np.ndarray       # datetime64[M], months from the start of the as-of quarter
    won_amount: np.ndarray
    run_rate: RunRate
    probability: str
    open_deals: int


# The open deals by (close date, p to 0.01), then the won amount by month since the start of the as-of quarter.
_AGGREGATES = f"""
SELECT 'open' AS kind, close_on AS day, round(p, 2) AS p_bucket, sum(value) AS value,
       {money_sum("value * p")} AS expected, count(*) AS deals
FROM open_deals GROUP BY ALL
UNION ALL
SELECT 'won', CAST(date_trunc('month', k.close_on) AS DATE), NULL, sum(k.value), NULL, count(*)
FROM kept k CROSS JOIN cutoff c
WHERE k.status = 'won' AND k.close_on >= date_trunc('quarter', c.as_of) AND k.value IS NOT NULL GROUP BY ALL
ORDER BY kind, day, p_bucket
"""


def scenario_inputs(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, as_of: dt.date | None = None,
                    probability: str = "configured", lookback_months: int = 6,
                    history: NewDealModel | None = None, rates: RunRate | None = None) -> ScenarioInputs:
    """The aggregates every scenario is computed from: open deals with a close date and a value, summed by
    (close_on, p rounded to 0.01); won amount by month since the start of the as-of quarter; ``run_rate``.
    Probabilities as in ``forecast_by_period`` ('configured' or 'calibrated'). ``history``: the new-deal model
    of the same deals, date and lookback when the caller has it (the forecast's), so that its history is not
    read twice; its run rate is then ``run_rate_of(history)``, the same numbers. ``rates``: that run rate itself
    (``run_rate_of`` of the forecast's model), which a cached call hashes in microseconds where the model, with
    every won amount of its history, took a second at 1M deals; it wins over ``history``."""
    scope = open_scope(con, as_of)
    found = con.execute(*(period_ctes(scope, flt, "month", probability, con) + Fragment(_AGGREGATES, []))).df()
    buckets, won = found[found["kind"] == "open"], found[found["kind"] == "won"]
    return ScenarioInputs(
        as_of=scope.as_of, close_on=buckets["day"].to_numpy("datetime64[D]"),
        value=buckets["value"].to_numpy(float), expected=buckets["expected"].to_numpy(float),
        won_month=won["day"].to_numpy("datetime64[M]"), won_amount=won["value"].to_numpy(float),
        run_rate=rates if rates is not None
        else run_rate(con, flt=flt, as_of=as_of, lookback_months=lookback_months) if history is None
        else run_rate_of(history),
        probability=probability, open_deals=int(buckets["deals"].sum()))


def apply(inputs: ScenarioInputs, scenario: Scenario = BASELINE, grain: str = "month",
          horizon_months: int = HORIZON_MONTHS) -> pd.DataFrame:
    """The forecast under a scenario.

    Grain: one row per month (or quarter) from the as-of period to the last one holding a won or expected
    amount, at least ``horizon_months`` months. Columns: period, period_start, won_amount, expected (open
    deals), forecast = won_amount + expected, projection (run rate of pipeline not created yet), total =
    forecast + projection.
    """
    if inputs.as_of is None:
        return _periods(inputs, {}, grain)
    months = _months_needed(inputs, [scenario], horizon_months, grain)
    return _periods(inputs, _monthly(inputs, scenario, months), grain)


def compare(inputs: ScenarioInputs, scenario: Scenario, grain: str = "month",
            horizon_months: int = HORIZON_MONTHS) -> pd.DataFrame:
    """The baseline and a scenario over the same periods, with the difference in money.

    Grain: one row per period (as ``apply``). Columns: period, period_start, won_amount, then expected,
    forecast, projection and total prefixed baseline_ and scenario_, and delta = scenario_total - baseline_total.
    """
    if inputs.as_of is None:
        return pd.DataFrame(columns=["period", "period_start", "won_amount", "delta"])
    months = _months_needed(inputs, [BASELINE, scenario], horizon_months, grain)
    base = _periods(inputs, _monthly(inputs, BASELINE, months), grain)
    other = _periods(inputs, _monthly(inputs, scenario, months), grain)
    parts = ["expected", "forecast", "projection", "total"]
    both = pd.concat([base[["period", "period_start", "won_amount"]], base[parts].add_prefix("baseline_"),
                      other[parts].add_prefix("scenario_")], axis=1)
    both["delta"] = both["scenario_total"] - both["baseline_total"]
    return both


def _first_quarter_month(inputs: ScenarioInputs) -> np.datetime64:
    """The first month of the as-of quarter: month index 0 of the arrays below."""
    month = np.datetime64(inputs.as_of, "M")
    return month - (month.astype(int) % 3)


def _offset(inputs: ScenarioInputs) -> int:
    """Index of the as-of month (0, 1 or 2)."""
    return int(np.datetime64(inputs.as_of, "M").astype(int) % 3)


def _open_month_index(inputs: ScenarioInputs, cycle_days: int) -> np.ndarray:
    """Month index (from the as-of quarter) of each bucket after the cycle shift; never before the as-of month."""
    as_of = np.datetime64(inputs.as_of, "D")
    moved = np.maximum(inputs.close_on, as_of) + np.timedelta64(int(cycle_days), "D")
    index = (moved.astype("datetime64[M]") - _first_quarter_month(inputs)).astype(int)
    return np.maximum(index, _offset(inputs))


def _months_needed(inputs: ScenarioInputs, scenarios: list[Scenario], horizon_months: int, grain: str) -> int:
    """Months (from the as-of quarter) that hold every amount of these scenarios (whole quarters by quarter)."""
    needed = _offset(inputs) + max(horizon_months, 1)
    for scenario in scenarios:
        if len(inputs.close_on):
            needed = max(needed, int(_open_month_index(inputs, scenario.cycle_days).max()) + 1
                         + (scenario.slip_rate > 0))
    if len(inputs.won_month):
        needed = max(needed, int((inputs.won_month.max() - _first_quarter_month(inputs)).astype(int)) + 1)
    return -(-needed // 3) * 3 if grain == "quarter" else needed


def _monthly(inputs: ScenarioInputs, scenario: Scenario, months: int) -> dict[str, np.ndarray]:
    """Arrays of ``months`` months from the as-of quarter: won, expected and projection."""
    won = np.zeros(months)
    if len(inputs.won_month):
        np.add.at(won, (inputs.won_month - _first_quarter_month(inputs)).astype(int), inputs.won_amount)
    amounts = np.minimum(inputs.expected * scenario.win_multiplier, inputs.value) * (1 + scenario.deal_size_change)
    expected = np.bincount(_open_month_index(inputs, scenario.cycle_days), weights=amounts, minlength=months)
    slipped = expected * scenario.slip_rate
    expected = expected - slipped
    expected[1:] += slipped[:-1]
    return {"won_amount": won, "expected": expected[:months], "projection": _projection(inputs, scenario, months)}


def _projection(inputs: ScenarioInputs, scenario: Scenario, months: int) -> np.ndarray:
    """Run-rate revenue of the deals created from the as-of date on, per month (zeros without history)."""
    rate = inputs.run_rate
    if rate.won_per_month is None or inputs.as_of is None:
        return np.zeros(months)
    per_month = (rate.created_per_month * (1 + scenario.new_pipeline_change)
                 * min(rate.win_rate * scenario.win_multiplier, 1.0)
                 * rate.avg_won_amount * (1 + scenario.deal_size_change))
    start = inputs.as_of + dt.timedelta(days=int(round(max(rate.cycle_days + scenario.cycle_days, 0))))
    return per_month * share_after(_first_quarter_month(inputs) + np.arange(months), start)


def _periods(inputs: ScenarioInputs, monthly: dict[str, np.ndarray], grain: str) -> pd.DataFrame:
    """Monthly arrays as one row per month from the as-of month, or per quarter."""
    columns = ["period", "period_start", "won_amount", "expected", "forecast", "projection", "total"]
    if inputs.as_of is None:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(monthly)
    starts = (_first_quarter_month(inputs) + np.arange(len(frame))).astype("datetime64[D]").astype(object)
    if grain == "quarter":
        frame = frame.groupby(np.arange(len(frame)) // 3).sum()
        starts = starts[::3]
    else:
        frame, starts = frame.iloc[_offset(inputs):].reset_index(drop=True), starts[_offset(inputs):]
    frame.insert(0, "period_start", list(starts))
    frame.insert(0, "period", [period_label(start, grain) for start in starts])
    frame["forecast"] = frame["won_amount"] + frame["expected"]
    frame["total"] = frame["forecast"] + frame["projection"]
    return frame[columns].reset_index(drop=True)


# --- saved scenarios ----------------------------------------------------------------------------------

def save_scenario(con: duckdb.DuckDBPyConnection, name: str, scenario: Scenario) -> str:
    """Store a scenario under a name, replacing one of the same name (call inside ``transaction``)."""
    clean = " ".join(str(name or "").split())
    if not clean:
        raise ValueError("give the scenario a name")
    if len(clean) > MAX_NAME_LENGTH:
        raise ValueError(f"a scenario name has at most {MAX_NAME_LENGTH} characters")
    con.execute("INSERT OR REPLACE INTO scenarios (name, params, saved_at) VALUES (?, ?, current_timestamp)",
                [clean, scenario.to_json()])
    return clean


def list_scenarios(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Saved scenarios, by name. Grain: one row per scenario; columns name, saved_at and the levers."""
    rows = con.execute("SELECT name, saved_at, params FROM scenarios ORDER BY lower(name), name").fetchall()
    levers = [f.name for f in dataclasses.fields(Scenario)]
    return pd.DataFrame([(name, saved_at, *dataclasses.astuple(Scenario.from_json(params)))
                         for name, saved_at, params in rows], columns=["name", "saved_at", *levers])


def load_scenario(con: duckdb.DuckDBPyConnection, name: str) -> Scenario | None:
    """The saved scenario of that name (None when there is none)."""
    row = con.execute("SELECT params FROM scenarios WHERE name = ?", [name]).fetchone()
    return Scenario.from_json(row[0]) if row else None


def delete_scenario(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Remove a saved scenario (call inside ``transaction``); False when there was none."""
    found = con.execute("SELECT count(*) FROM scenarios WHERE name = ?", [name]).fetchone()[0]
    con.execute("DELETE FROM scenarios WHERE name = ?", [name])
    return bool(found)


def scenario_from_row(row: pd.Series) -> Scenario:
    """The scenario of one ``list_scenarios`` row."""
    return Scenario(**{f.name: row[f.name] for f in dataclasses.fields(Scenario)})

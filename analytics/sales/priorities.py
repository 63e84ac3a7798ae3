"""Where to spend this week: what the deals we win have in common, a transparent score, a ranked list.

Conventions (scope, as-of, currency, dropped deals, blank groups) are those written at the top of
``analytics.sales.scope``. Three parts, all estimated from closed deals (won or lost, dropped ones included):

* **Win drivers** (``win_drivers``): win rate and average won amount by every attribute known while a deal
  is open (owner, pipeline, each extra column of the export such as source or segment, number of close-date
  pushes when there are several snapshots), each value with its closed count and a 95 % Wilson interval.
  Deal size and cycle length are never drivers: they leak the outcome (a lost deal's amount is often set to
  0 when it is lost; a cycle is only known once the deal is closed). Each attribute keeps its ``TOP_VALUES``
  most frequent values. A blank owner is the value '(blank)' (an unassigned deal); a blank extra column
  says only that nobody filled it in (often filled as the deal advances, itself a leak) and is no value.
  Values with fewer closed deals than the setting ``min_closed_for_driver`` are marked "not enough data"
  instead of being ranked.
* **Deal score** (``ScoreModel``): the win rate of the closed deals that reached the same open stage of
  the same pipeline (smoothed toward the stage's configured probability), times one odds factor per
  driver attribute: the rate of the closed deals at that stage with the deal's value, shrunk toward the
  stage rate with a prior of ``PRIOR_STRENGTH`` deals, divided by the stage rate on the odds scale,
  capped at x``FACTOR_CAP`` either way. score = odds / (1 + odds); expected value = score x value.
  Which attributes count is decided on the training deals: the ``MAX_DRIVERS`` that move the training
  deals' odds most. Nothing else: a leader can redo any score with a calculator.
* **Calibration** (``calibration_report``): the closed deals are split by close date; the score is
  learnt on the earlier ones and judged on the latest ``TEST_SHARE`` (Brier score, reliability by
  probability decile) beside the stage-only baseline. The list uses the driver score only when its
  Brier score on the held-back deals is lower; otherwise the stage-only score, and says so.

The priority list (``priority_list``) ranks the open deals by expected value, with flags and a next
action. The model is always learnt from every closed deal (the filter only chooses which deals are
listed), so a deal's score does not change with the sidebar filter.

Everything the model learns is a count: closed deals per (pipeline, stage reached, won, attribute value)
(``ClosedCounts``). ``priorities`` and ``win_drivers`` count them in DuckDB (``priority_deals.DealTable``) and
fetch only those counts and the open deals of the filter; ``fit_model`` and ``calibrate`` count a pandas frame of
deals (``deal_frame``) the same way, for tests and small callers. One model, two ways to count.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from analytics import store
from analytics.sales.deals import DealFilter
from analytics.sales.inventory import stale_deals
from analytics.sales.priority_deals import ATTR, DealTable, deal_frame, known_pushes_of, open_deal_rows
from analytics.sales.scope import ALL_DEALS, BLANK_GROUP

Z_95 = 1.959964
PRIOR_STRENGTH = 10.0  # m: a group's rate counts as if it had m more deals at the stage's rate
FACTOR_CAP = 3.0  # one attribute multiplies the odds by at most 3 (or divides them by 3)
MAX_DRIVERS = 3  # the score uses the attributes that move the training deals' odds most
MIN_DRIVER_STRENGTH = math.log(1.05)  # ...and only those moving them by more than 5 % on average
TEST_SHARE = 0.25  # calibration holds back the latest quarter of the closed deals (by close_on)
MIN_TRAIN, MIN_TEST = 30, 10  # fewer closed deals than this: no calibration, the stage-only score is kept
TOP_FACTORS = 3  # factors shown per deal...
SHOWN_FACTOR = math.log(1.05)  # ...when they change its odds by 5 % or more
RATE_BOUNDS = (0.01, 0.99)

OWNER, PIPELINE, PUSHES = "owner", "pipeline", "pushes"
# Names an extra column of the export may carry that are never attributes: the built-in ones, and what leaks the
# outcome (the amount of a lost deal is often 0; a cycle length exists only once a deal is closed).
BUILT_IN = (OWNER, PIPELINE, PUSHES, "deal size", "cycle length")
TOP_VALUES = 6  # the win drivers show the most frequent values of each attribute (a long tail is noise)

# Flags in order of urgency: the first one a deal has chooses its next action (a code; ui words it).
FLAGS = ("past_due", "missing_amount", "no_close_date", "pushed_twice", "stale", "closing_this_month")
ACTIONS = (*FLAGS, "advance")  # advance = no flag: move the deal to its next step


# The next action of each action code, in English (the JSON report's words; ui translates them).
ACTION_TEXTS = {
    "past_due": "Close date passed: update it or mark the deal lost.",
    "missing_amount": "No amount: add one so the deal can be valued.",
    "no_close_date": "No close date: agree one with the buyer.",
    "pushed_twice": "Pushed twice or more: confirm the buyer's timeline and decision process.",
    "stale": "No change for weeks: contact the buyer or close the deal out.",
    "closing_this_month": "Closes this month: secure the signature.",
    "advance": "On track: agree the next step to move it forward.",
}


# --- statistics --------------------------------------------------------------------------------------

def wilson_interval(won: int, closed: int, z: float = Z_95) -> tuple[float | None, float | None]:
    """95 % Wilson score interval of a win rate won / closed; (None, None) when closed = 0.

    centre = (p + z²/2n) / (1 + z²/n); half-width = z / (1 + z²/n) x sqrt(p(1-p)/n + z²/4n²).
    """
    if closed <= 0:
        return None, None
    p, n, z2 = won / closed, closed, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def shrunk_rate(won: float, closed: float, prior: float, strength: float = PRIOR_STRENGTH) -> float:
    """(won + m x prior) / (closed + m): a small group stays near the prior, a large one near its own rate."""
    return (won + strength * prior) / (closed + strength)


def _odds(p):
    return p / (1 - p)


# --- the deals ------------------------------------------------------------------------------------------

def _open_stages(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT pipeline, stage, position, probability FROM stages WHERE outcome = 'open' "
                       "ORDER BY pipeline, position").df()


# --- categories: the value of each attribute for each deal -------------------------------------------

def categories(deals: pd.DataFrame, with_pushes: bool) -> pd.DataFrame:
    """One column per attribute known while a deal is open (owner, pipeline, each extra attribute, pushes),
    the deal's value of it; None = not known for that deal (it takes no part in that attribute).

    A blank owner is the value '(blank)' (nobody owns the deal: that means something); a blank extra attribute
    is None (the field was not filled in). Pushes ('0', '1', '2+') only for deals seen open in two snapshots
    or more, and only when ``with_pushes``. Deal size and cycle length are not attributes (module docstring).
    """
    out = pd.DataFrame(index=deals.index)
    out[OWNER] = deals["owner"].fillna(BLANK_GROUP)
    out[PIPELINE] = deals["pipeline"].fillna(BLANK_GROUP)
    for column in [c for c in deals.columns if c.startswith(ATTR)]:
        name = column[len(ATTR):]
        if name not in BUILT_IN:
            out[name] = deals[column].where(deals[column].notna(), None)
    if with_pushes:
        pushes = deals["pushes"]
        out[PUSHES] = pushes.map(lambda n: None if pd.isna(n) else "2+" if n >= 2 else str(int(n)))
    return out


def _has_pushes(deals: pd.DataFrame) -> bool:
    return bool(deals["pushes"].notna().any())


# --- win drivers ----------------------------------------------------------------------------------------

DRIVER_COLUMNS = ["attribute", "value", "closed", "won", "lost", "win_rate", "ci_low", "ci_high",
                  "avg_won_amount", "difference", "enough_data", "rank", "overall_win_rate"]


def ranked_drivers(counts: pd.DataFrame, attributes: tuple[str, ...], overall: float | None,
                   min_closed: int) -> pd.DataFrame:
    """``win_drivers`` from its counts: one row per (attribute, value) with closed, won, avg_won_amount; the
    attributes in their order; overall = the win rate of every closed deal counted."""
    if overall is None or counts.empty:
        return pd.DataFrame(columns=DRIVER_COLUMNS)
    frames = []
    for attribute in attributes:  # each attribute keeps its TOP_VALUES values with the most closed deals
        part = counts[counts["attribute"] == attribute]
        frames.append(part.sort_values(["closed", "value"], ascending=[False, True]).head(TOP_VALUES))
    table = pd.concat(frames, ignore_index=True)[["attribute", "value", "closed", "won", "avg_won_amount"]]
    table["closed"] = table["closed"].astype(int)
    table["won"] = table["won"].astype(int)
    table["lost"] = table["closed"] - table["won"]
    table["win_rate"] = table["won"] / table["closed"]
    bounds = [wilson_interval(w, n) for w, n in zip(table["won"], table["closed"], strict=True)]
    table["ci_low"] = [b[0] for b in bounds]
    table["ci_high"] = [b[1] for b in bounds]
    table["difference"] = table["win_rate"] - overall
    table["enough_data"] = table["closed"] >= min_closed
    table["overall_win_rate"] = overall
    table["_distance"] = table["difference"].abs()
    ranked = table[table["enough_data"]].sort_values(["_distance", "closed"], ascending=[False, False])
    ranked = ranked.assign(rank=range(1, len(ranked) + 1))
    rest = table[~table["enough_data"]].sort_values(["closed", "attribute", "value"], ascending=[False, True, True])
    return pd.concat([ranked, rest.assign(rank=None)], ignore_index=True)[DRIVER_COLUMNS]


def win_drivers(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, date_from: dt.date | None = None,
                date_to: dt.date | None = None, as_of: dt.date | None = None,
                min_closed: int | None = None) -> pd.DataFrame:
    """What the deals we win have in common: win rate by every categorical attribute's value.

    Grain: one row per (attribute, value). Deals: closed (won or lost) deals of the filter with close_on
    in [date_from, date_to] (no range: all, blank close_on included). Attributes, only those known while a
    deal is open: owner ('(blank)' = unassigned), pipeline, each extra attribute of the exports (source,
    segment, deal type…; a blank is no value), pushes (0 / 1 / 2+ close-date pushes seen across snapshots;
    only with two snapshots or more, only deals seen open twice). Never deal size nor cycle length (they
    leak the outcome). Per attribute, its ``TOP_VALUES`` values with the most closed deals.
    closed, won, lost = counts; win_rate = won / closed; ci_low..ci_high = 95 % Wilson interval;
    avg_won_amount = mean value of the won ones; difference = win_rate - overall_win_rate (all the closed
    deals). enough_data = closed >= min_closed (setting ``min_closed_for_driver``): those rows come first,
    ranked (rank 1 = farthest from the overall win rate); the others follow unranked, "not enough data".
    """
    if min_closed is None:
        min_closed = int(store.get_settings(con)["min_closed_for_driver"])
    with DealTable(con, flt=flt, as_of=as_of, skip=BUILT_IN) as table:
        base, values = table.closed_counts(None, date_from, date_to)
        return drivers_of(base, values, table.attributes, min_closed)


def drivers_of(base: pd.DataFrame, values: pd.DataFrame, attributes: tuple[str, ...],
               min_closed: int) -> pd.DataFrame:
    """``win_drivers`` from ``DealTable.closed_counts`` (its rows with ``drivers``), for a caller that has them."""
    mine = values[values["drivers"]]
    counts = mine.assign(wins=mine["won"] * mine["n"]).groupby(["attribute", "value"]).agg(
        closed=("n", "sum"), won=("wins", "sum"), won_money=("won_money", "sum"), won_valued=("won_valued", "sum"))
    counts["avg_won_amount"] = counts["won_money"] / counts["won_valued"].where(counts["won_valued"] > 0)
    deals = base[base["drivers"]]
    overall = (deals["won"] * deals["n"]).sum() / deals["n"].sum() if deals["n"].sum() else None
    return ranked_drivers(counts.reset_index(), attributes, overall, min_closed)


# --- the score --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScoreModel:
    """Everything a score is made of, as tables a person can read.

    stage_rates: pipeline, stage, position, closed, won, configured, rate (the base of every score).
    factors: attribute, value, pipeline, position, closed, won, rate, factor (odds multiplier, capped).
    drivers: the attributes used, strongest first (empty = the stage-only score).
    """
    stage_rates: pd.DataFrame
    factors: pd.DataFrame
    drivers: tuple[str, ...]
    with_pushes: bool
    strengths: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ClosedCounts:
    """Closed deals counted, all the score model learns from (from a frame: ``counts_of``; from SQL:
    ``DealTable.closed_counts``). base: one row per (pipeline, reached_position, won), n deals; values: one row
    per (attribute, value, pipeline, reached_position, won), n deals with that value (no value: no row);
    attributes: the candidate attributes in ``categories``' order."""
    base: pd.DataFrame
    values: pd.DataFrame
    attributes: tuple[str, ...]


def counts_of(closed: pd.DataFrame, with_pushes: bool) -> ClosedCounts:
    """``ClosedCounts`` of closed ``deal_frame`` rows."""
    keys = ["pipeline", "reached_position", "won"]
    deals = closed[["pipeline", "reached_position"]].assign(won=(closed["status"] == "won").astype(int))
    base = deals.groupby(keys, dropna=False).size().rename("n").reset_index()
    cats = categories(closed, with_pushes)
    frames = [deals.assign(attribute=a, value=_values(cats[a].to_numpy(object)).set_axis(deals.index))
              .dropna(subset=["value"]).groupby(["attribute", "value", *keys], dropna=False).size().rename("n")
              .reset_index() for a in cats.columns]
    values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["attribute", "value", *keys,
                                                                                      "n"])
    return ClosedCounts(base, values, tuple(cats.columns))


def _split_counts(base: pd.DataFrame, values: pd.DataFrame, attributes: tuple[str, ...],
                  training: bool) -> ClosedCounts:
    """The counts of ``DealTable.closed_counts`` for the training deals only (``training``) or for all of them."""
    def part(frame: pd.DataFrame) -> pd.DataFrame:
        keys = [c for c in frame.columns if c not in ("is_test", "drivers", "n", "won_money", "won_valued")]
        frame = frame[~frame["is_test"]] if training else frame
        return frame.groupby(keys, dropna=False)["n"].sum().reset_index()
    return ClosedCounts(part(base), part(values), attributes)


def _weighted(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of deals with their count n (a row without one is one deal) and won deals wins = won x n."""
    rows = rows if "n" in rows else rows.assign(n=1)
    return rows.assign(wins=rows["won"] * rows["n"])


def _expand(groups: pd.DataFrame, stages: pd.DataFrame) -> pd.DataFrame:
    """One row per (row of ``groups``, open stage of its pipeline up to its reached_position), column position."""
    rows = groups.merge(stages[["pipeline", "position"]], on="pipeline")
    return rows[rows["position"] <= rows["reached_position"]]


def _stage_rates(rows: pd.DataFrame, stages: pd.DataFrame) -> pd.DataFrame:
    counts = _weighted(rows).groupby(["pipeline", "position"]).agg(closed=("n", "sum"), won=("wins", "sum"))
    table = stages.rename(columns={"probability": "configured"}).merge(counts.reset_index(),
                                                                        on=["pipeline", "position"], how="left")
    table[["closed", "won"]] = table[["closed", "won"]].fillna(0).astype(int)
    first = table.sort_values("position").groupby("pipeline").first()
    pipeline_rate = (first["won"] / first["closed"].where(first["closed"] > 0)).rename("pipeline_rate")
    table = table.merge(pipeline_rate, left_on="pipeline", right_index=True, how="left")
    prior = table["configured"].fillna(table["pipeline_rate"]).fillna(0.5).clip(*RATE_BOUNDS)
    table["rate"] = shrunk_rate(table["won"], table["closed"], prior).clip(*RATE_BOUNDS)
    return table[["pipeline", "stage", "position", "closed", "won", "configured", "rate"]]


def _values(values) -> pd.Series:
    """Attribute values as plain Python objects (None = no value): grouping and merging them skips the conversion
    to and from pandas' Arrow strings, which took most of the model's time."""
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


def _factor_table(rows: pd.DataFrame, values: pd.Series, attribute: str, stage_rates: pd.DataFrame,
                  eligible: set) -> pd.DataFrame:
    """Odds factors of one attribute's values, per (pipeline, stage): shrunk rate / stage rate, capped.
    ``rows``: (deal, stage) rows (``_expand``; with a count n when a row stands for n deals); ``values``: the
    attribute's value of each row (``_values``, in the same order)."""
    keep = values.isin(eligible).to_numpy()  # a missing value is never eligible (value_counts leaves it out)
    part = _weighted(rows[keep].assign(value=values[keep].set_axis(rows.index[keep])))
    grouped = part.groupby(["pipeline", "position", "value"]).agg(closed=("n", "sum"), won=("wins", "sum"))
    grouped = grouped.reset_index().merge(stage_rates[["pipeline", "position", "rate"]].rename(
        columns={"rate": "stage_rate"}), on=["pipeline", "position"])
    grouped["rate"] = shrunk_rate(grouped["won"], grouped["closed"], grouped["stage_rate"]).clip(*RATE_BOUNDS)
    grouped["factor"] = (_odds(grouped["rate"]) / _odds(grouped["stage_rate"])).clip(1 / FACTOR_CAP, FACTOR_CAP)
    grouped.insert(0, "attribute", attribute)
    return grouped[["attribute", "value", "pipeline", "position", "closed", "won", "rate", "factor"]]


FACTOR_COLUMNS = ["attribute", "value", "pipeline", "position", "closed", "won", "rate", "factor"]


def fit_model(closed: pd.DataFrame, stages: pd.DataFrame, min_closed: int, *, use_drivers: bool = True,
              with_pushes: bool = False) -> ScoreModel:
    """Learn the score from closed deals (``deal_frame`` rows, status won or lost): ``fit_counts`` of their counts."""
    return fit_counts(counts_of(closed, with_pushes), stages, min_closed, use_drivers=use_drivers,
                      with_pushes=with_pushes)


def fit_counts(counts: ClosedCounts, stages: pd.DataFrame, min_closed: int, *, use_drivers: bool = True,
               with_pushes: bool = False) -> ScoreModel:
    """Learn the score from the closed deals' counts.

    Candidates: every attribute of ``categories`` (known while a deal is open) but pipeline (already in the
    stage rate); values with fewer than ``min_closed`` closed deals get no factor. Strength of an attribute = the
    mean |log factor| over the training (deal, stage) rows (1 where no factor applies); the ``MAX_DRIVERS``
    strongest above ``MIN_DRIVER_STRENGTH`` are kept.
    """
    rows = _weighted(_expand(counts.base, stages))
    rates = _stage_rates(rows, stages)
    empty = pd.DataFrame(columns=FACTOR_COLUMNS)
    if not use_drivers or rows.empty:
        return ScoreModel(rates, empty, (), with_pushes)
    tables, strengths, total = {}, {}, rows["n"].sum()
    for attribute in [a for a in counts.attributes if a != PIPELINE]:
        part = counts.values[counts.values["attribute"] == attribute]
        deals = part.groupby("value")["n"].sum()  # closed deals per value
        eligible = set(deals[deals >= min_closed].index)
        if len(eligible) < 1 or len(deals) < 2:
            continue
        valued = _expand(part.drop(columns="attribute"), stages).reset_index(drop=True)
        values = _values(valued["value"].to_numpy(object))
        table = _factor_table(valued, values, attribute, rates, eligible)
        moved = valued.merge(table[["pipeline", "position", "value", "factor"]], on=["pipeline", "position", "value"],
                             how="left")
        logs = np.abs(np.log(moved["factor"].fillna(1.0).to_numpy(float)))
        strengths[attribute] = float((logs * moved["n"].to_numpy(float)).sum() / total)
        tables[attribute] = table
    chosen = sorted((a for a, s in strengths.items() if s > MIN_DRIVER_STRENGTH), key=lambda a: -strengths[a])
    chosen = tuple(chosen[:MAX_DRIVERS])
    factors = pd.concat([tables[a] for a in chosen], ignore_index=True) if chosen else empty
    return ScoreModel(rates, factors, chosen, with_pushes, strengths)


def score(model: ScoreModel, deals: pd.DataFrame, position: pd.Series | None = None, *,
          explain: bool = True) -> pd.DataFrame:
    """The score of each deal at its reached stage (or at ``position``), with the factors behind it.

    Grain: one row per row of ``deals`` (same index). Columns: stage_rate (the base), score,
    factors (list of {attribute, value, factor} for every factor that applies, largest effect first; only with
    ``explain``: the calibration needs the scores alone). A deal whose pipeline has no open stage configured gets
    no score (NaN).
    """
    cats = categories(deals, model.with_pushes) if model.drivers else None
    return scored(model, deals["pipeline"], deals["reached_position"] if position is None else position, cats,
                  deals.index, explain=explain)


def scored(model: ScoreModel, pipeline: pd.Series, position: pd.Series, cats: pd.DataFrame | None,
           index: pd.Index, *, explain: bool = True) -> pd.DataFrame:
    """``score`` of rows given by their pipeline, stage position and values of the model's drivers (``cats``: one
    column per driver, None = no value)."""
    at = pd.DataFrame({"pipeline": pipeline.to_numpy(), "position": position.to_numpy(float)})
    rates = model.stage_rates.assign(position=model.stage_rates["position"].astype(float))
    stage_rate = at.merge(rates[["pipeline", "position", "rate"]], on=["pipeline", "position"], how="left")["rate"]
    log_odds = np.log(_odds(stage_rate.to_numpy(float)))
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # each driver's (value, factor: NaN = none) per row
    if model.drivers:
        factors = model.factors.assign(position=model.factors["position"].astype(float))
        for attribute in model.drivers:
            table = factors.loc[factors["attribute"] == attribute, ["pipeline", "position", "value", "factor"]]
            match = at.assign(value=_values(cats[attribute].to_numpy(object))).merge(
                table, on=["pipeline", "position", "value"], how="left")
            factor = match["factor"].to_numpy(float)
            applies = ~np.isnan(factor)
            log_odds[applies] += np.log(factor[applies])
            found[attribute] = match["value"].to_numpy(object), factor
    result = pd.DataFrame({"stage_rate": stage_rate.to_numpy(float), "score": 1 / (1 + np.exp(-log_odds))},
                          index=index)
    if explain:
        result["factors"] = _explained(found, len(at))
    return result


def _explained(found: dict[str, tuple[np.ndarray, np.ndarray]], rows: int) -> list[list[dict]]:
    """Each row's factors ({attribute, value, factor} of every driver with a factor, largest effect first) from
    ``found`` (driver -> its value and factor per row, NaN = no factor). Rows share a few combinations of values and
    factors: each combination's list is built once and shared by its rows (read them, never change them)."""
    if not found:
        return [[]] * rows
    keys = pd.DataFrame({f"{kind}{i}": column for i, (value, factor) in enumerate(found.values())
                         for kind, column in (("v", value), ("f", factor))})
    group = keys.groupby(list(keys.columns), dropna=False, sort=False).ngroup().to_numpy()
    firsts = np.unique(group, return_index=True)[1]  # group g's first row: firsts[g] (ngroup numbers in order seen)
    lists = []
    for i in firsts.tolist():
        applied = [{"attribute": attribute, "value": value[i], "factor": float(factor[i])}
                   for attribute, (value, factor) in found.items() if not np.isnan(factor[i])]
        lists.append(sorted(applied, key=lambda x: -abs(math.log(x["factor"]))))
    return [lists[g] for g in group.tolist()]


def top_factors(factors: list[dict], limit: int = TOP_FACTORS) -> list[dict]:
    """The factors that moved a score most: at most ``limit``, each changing the odds by 5 % or more."""
    return [f for f in factors if abs(math.log(f["factor"])) >= SHOWN_FACTOR][:limit]


def _once_per_list(lists: pd.Series, function) -> list:
    """``function`` of each list of ``lists``, called once per distinct list object (``score``'s rows share theirs)."""
    done: dict[int, object] = {}
    for each in lists:
        if id(each) not in done:
            done[id(each)] = function(each)
    return [done[id(each)] for each in lists]


# --- calibration ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Calibration:
    """How well each score predicted the held-back deals (the latest closed ones).

    train_deals / test_deals: how many closed deals were learnt from / judged on (test = close_on >= cut_on;
    train = close_on before it, or blank); train_ids / test_ids: those deals, only from ``calibrate`` (a frame of
    deals; the page needs the counts). Predictions: one per (test deal, open stage it reached), the score it
    would have had at that stage. brier_* = mean (score - won)² over them (lower is better).
    reliability: model ('drivers' | 'stage'), bin (0..9: predicted 0-10 %, …), predictions, predicted
    (mean score), observed (share won). chosen: the score the list uses ('drivers' only when its Brier
    score is lower); None values mean too few closed deals to judge (the stage-only score is kept).
    """
    cut_on: dt.date | None
    train_deals: int
    test_deals: int
    predictions: int
    brier_drivers: float | None
    brier_stage: float | None
    reliability: pd.DataFrame
    drivers: tuple[str, ...]
    chosen: str
    train_ids: tuple[str, ...] = ()
    test_ids: tuple[str, ...] = ()

    @property
    def driver_is_better(self) -> bool:
        return self.chosen == "drivers"


RELIABILITY_COLUMNS = ["model", "bin", "predictions", "predicted", "observed"]


def time_split(closed: pd.DataFrame,
               test_share: float = TEST_SHARE) -> tuple[pd.DataFrame, pd.DataFrame, dt.date | None]:
    """Train on deals closed before a cut date, test on the later ones (the latest ``test_share``).

    cut_on = the close_on of the first held-back deal in close-date order; every deal closed on that day
    or later is held back; deals with a blank close_on only ever train. (train, test, cut_on).
    """
    dated = closed[closed["close_on"].notna()].sort_values("close_on")
    if dated.empty:
        return closed, closed.iloc[0:0], None
    cut_on = dated["close_on"].iloc[min(len(dated) - 1, int(len(dated) * (1 - test_share)))]
    is_test = closed["close_on"].notna() & (closed["close_on"] >= cut_on)
    return closed[~is_test], closed[is_test], cut_on


def reliability(predicted: np.ndarray, outcome: np.ndarray, model: str,
                weights: np.ndarray | None = None) -> pd.DataFrame:
    """Reliability by probability decile: bins 0-10 %, …, 90-100 %; predicted mean and observed share
    (``weights``: how many predictions each one stands for; none = one each)."""
    n = np.ones(len(predicted)) if weights is None else np.asarray(weights, float)
    bins = np.minimum((np.asarray(predicted) * 10).astype(int), 9)
    frame = pd.DataFrame({"bin": bins, "n": n, "predicted": predicted * n, "observed": outcome * n})
    table = frame.groupby("bin")[["n", "predicted", "observed"]].sum().reset_index()
    table["predicted"] /= table["n"]
    table["observed"] /= table["n"]
    table = table.rename(columns={"n": "predictions"}).astype({"predictions": int})
    return table.assign(model=model)[RELIABILITY_COLUMNS]


def brier_score(predicted: np.ndarray, outcome: np.ndarray, weights: np.ndarray | None = None) -> float | None:
    """Mean of (predicted - outcome)² (``weights``: how many predictions each one stands for); None when there is
    nothing to score."""
    if not len(predicted):
        return None
    return float(np.average((np.asarray(predicted, float) - np.asarray(outcome, float)) ** 2, weights=weights))


def calibrate(closed: pd.DataFrame, stages: pd.DataFrame, min_closed: int, with_pushes: bool,
              test_share: float = TEST_SHARE) -> Calibration:
    """Learn both scores on the earlier closed deals and judge them on the later ones (see ``Calibration``)."""
    train, test, cut_on = time_split(closed, test_share)
    ids = {"train_ids": tuple(train["deal_id"]), "test_ids": tuple(test["deal_id"])}
    held = test[["pipeline", "reached_position"]].assign(won=(test["status"] == "won").astype(int))
    cats = categories(test, with_pushes)
    held = pd.concat([held, cats.set_axis([ATTR + c for c in cats.columns], axis=1)], axis=1)  # a row = one deal
    return judge(counts_of(train, with_pushes), lambda _drivers: held, stages, min_closed, with_pushes, cut_on,
                 (len(train), len(test)), **ids)


def judge(train: ClosedCounts, held_back, stages: pd.DataFrame, min_closed: int, with_pushes: bool,
          cut_on: dt.date | None, sizes: tuple[int, int], **ids) -> Calibration:
    """``Calibration`` of both scores learnt from ``train`` on the held-back deals: ``held_back(drivers)`` gives
    them (pipeline, reached_position, won, their value of each driver in ``attr:<driver>``; n deals, else one deal
    per row)."""
    if sizes[0] < MIN_TRAIN or sizes[1] < MIN_TEST:
        return Calibration(cut_on, *sizes, 0, None, None, pd.DataFrame(columns=RELIABILITY_COLUMNS), (), "stage",
                           **ids)
    models = {name: fit_counts(train, stages, min_closed, use_drivers=use, with_pushes=with_pushes)
              for name, use in (("drivers", True), ("stage", False))}
    rows = _weighted(_expand(held_back(models["drivers"].drivers), stages)).reset_index(drop=True)
    outcome, weights = rows["won"].to_numpy(float), rows["n"].to_numpy(float)
    figures, tables = {}, []
    for name, model in models.items():
        cats = rows[[ATTR + d for d in model.drivers]].set_axis(list(model.drivers), axis=1) if model.drivers else None
        predicted = scored(model, rows["pipeline"], rows["position"], cats, rows.index, explain=False)["score"]
        known = ~np.isnan(predicted.to_numpy())
        figures[name] = brier_score(predicted[known].to_numpy(), outcome[known], weights[known])
        tables.append(reliability(predicted[known].to_numpy(), outcome[known], name, weights[known]))
    drivers = models["drivers"].drivers
    better = (drivers and figures["drivers"] is not None and figures["stage"] is not None
              and figures["drivers"] < figures["stage"])
    return Calibration(cut_on, *sizes, int(weights.sum()), figures["drivers"], figures["stage"],
                       pd.concat(tables, ignore_index=True), drivers, "drivers" if better else "stage", **ids)


def calibration_report(con: duckdb.DuckDBPyConnection, *, as_of: dt.date | None = None,
                       test_share: float = TEST_SHARE) -> Calibration:
    """The calibration of the driver score and of the stage-only score on every closed deal (see ``calibrate``)."""
    min_closed = int(store.get_settings(con)["min_closed_for_driver"])
    deals, _ = deal_frame(con, as_of=as_of)
    closed = deals[deals["status"].isin(["won", "lost"])]
    return calibrate(closed, _open_stages(con), min_closed, _has_pushes(deals), test_share)


# --- the priority list --------------------------------------------------------------------------------------

PRIORITY_COLUMNS = ["rank", "deal_id", "name", "owner", "pipeline", "stage", "amount", "currency", "value",
                    "close_on", "score", "stage_rate", "expected_value", "flags", "action", "why",
                    "factors", "pushes", "days_unchanged", "days_past_due", "model"]


@dataclass(frozen=True)
class Priorities:
    """The ranked open deals, the model that scored them and its calibration; drivers: the ``win_drivers`` of the
    same deals (read once for both)."""
    deals: pd.DataFrame
    model: ScoreModel
    calibration: Calibration
    as_of: dt.date | None
    drivers: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DRIVER_COLUMNS))


def priorities(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, as_of: dt.date | None = None,
               date_from: dt.date | None = None, date_to: dt.date | None = None) -> Priorities:
    """Open deals ranked by expected value, with their flags, next action and the factors behind the score.

    Grain: one row per open deal (not dropped) matching the filter. score = the chosen model's win
    probability at the stage the deal reached (``Calibration.chosen``: the driver score only when it beat
    the stage-only score on held-back deals), learnt from every closed deal; expected_value = score x
    value (None when the value is unknown: such deals come last). Ties: score, then deal_id.
    flags (in order of urgency): past_due (close_on before the deal's snapshot), missing_amount (blank
    amount), no_close_date, pushed_twice (close date pushed >= 2 times across snapshots), stale
    (``inventory.stale_deals``: no change of stage or amount for ``stale_days``), closing_this_month (close_on
    in the as-of month, not past due). action = the first flag (else 'advance'), one of ``ACTIONS``.
    why = the 2-3 factors that moved the score most, as data: [{attribute, value, factor}] (``top_factors``;
    ui words them, e.g. 'Source = Referrals: ×1.8 odds'). drivers = ``win_drivers(con, flt=flt, date_from=date_from,
    date_to=date_to, as_of=as_of)`` (the dates choose only the closed deals it shows).
    """
    min_closed = int(store.get_settings(con)["min_closed_for_driver"])
    stages = _open_stages(con)
    with _flag_reads(con, flt, as_of) as (known_pushes, open_rows, stale), DealTable(
            con, flt=flt, as_of=as_of, skip=BUILT_IN, known_pushes=known_pushes, open_rows=open_rows) as table:
        # counted in SQL, open deals fetched
        cut_on, *sizes = table.time_split(TEST_SHARE)
        base, values = table.closed_counts(cut_on, date_from, date_to)
        drivers = drivers_of(base, values, table.attributes, min_closed)
        train = _split_counts(base, values, table.attributes, training=True)
        check = judge(train, lambda chosen: table.test_groups(cut_on, chosen), stages, min_closed,
                      table.with_pushes, cut_on, tuple(sizes))
        model = fit_counts(_split_counts(base, values, table.attributes, training=False), stages, min_closed,
                           use_drivers=check.chosen == "drivers", with_pushes=table.with_pushes)
        open_deals, as_of_date = table.open_deals(), table.as_of
        if open_deals.empty:
            return Priorities(pd.DataFrame(columns=PRIORITY_COLUMNS), model, check, as_of_date, drivers)
        stale_days = stale().set_index("deal_id")["days_unchanged"]
    open_deals = open_deals.join(score(model, open_deals))
    open_deals["expected_value"] = open_deals["score"] * open_deals["value"]
    open_deals = _with_flags(open_deals, stale_days, as_of_date)
    open_deals["why"] = _once_per_list(open_deals["factors"], top_factors)
    open_deals["model"] = check.chosen
    ranked = open_deals.sort_values(["expected_value", "score", "deal_id"], ascending=[False, False, True],
                                    na_position="last").reset_index(drop=True)
    ranked.insert(0, "rank", range(1, len(ranked) + 1))
    return Priorities(ranked[PRIORITY_COLUMNS], model, check, as_of_date, drivers)


@contextmanager
def _flag_reads(con: duckdb.DuckDBPyConnection, flt: DealFilter, as_of: dt.date | None) -> Iterator[tuple]:
    """(known_pushes, open_rows, stale): three functions giving the open deals' pushes
    (``priority_deals.known_pushes_of``), the open deals of the filter (``priority_deals.open_deal_rows``) and
    ``stale_deals`` of the filter. On a read connection they are read, in that order, by ``store.side_reader`` on
    another thread while ``con`` builds the deal table and counts the closed deals (at a million deals the three
    reads take about as long as the table and the counts); on any other connection (a transaction may hold rows no
    other connection sees) they are read through ``con`` when asked for."""
    with store.side_reader(con) as reads:
        if reads is None:
            yield ((lambda: known_pushes_of(con, as_of)),
                   (lambda: open_deal_rows(con, flt=flt, as_of=as_of, skip=BUILT_IN)),
                   (lambda: stale_deals(con, flt=flt, as_of=as_of)))
            return
        with ThreadPoolExecutor(max_workers=1) as pool:  # one after the other, on their own connection
            pushes = pool.submit(known_pushes_of, reads, as_of)
            rows = pool.submit(open_deal_rows, reads, flt=flt, as_of=as_of, skip=BUILT_IN)
            stale = pool.submit(stale_deals, reads, flt=flt, as_of=as_of)
            yield pushes.result, rows.result, stale.result


def _with_flags(deals: pd.DataFrame, stale: pd.Series, as_of_date: dt.date | None) -> pd.DataFrame:
    """The flags, action, days_unchanged and days_past_due of the scored open deals; ``stale``: days unchanged of
    each stale deal (``stale_deals``), by deal_id."""
    close = deals["close_on"]
    closes = pd.to_datetime(close)
    past_due = close.notna() & (closes < pd.to_datetime(deals["snapshot_on"]))
    this_month = ((closes.dt.year == as_of_date.year) & (closes.dt.month == as_of_date.month) if as_of_date
                  else pd.Series(False, index=deals.index)) & ~past_due
    marks = {
        "past_due": past_due,
        "missing_amount": deals["amount"].isna(),
        "no_close_date": close.isna(),
        "pushed_twice": deals["pushes"].fillna(0) >= 2,
        "stale": deals["deal_id"].astype(object).isin(stale.index.astype(object)),  # as objects: hashed, not looped
        "closing_this_month": this_month,
    }
    # each deal's flags as a bit pattern: the few patterns present are turned into lists once each
    bits = sum(marks[f].to_numpy(bool).astype(np.int64) << i for i, f in enumerate(FLAGS))
    patterns = {b: [f for i, f in enumerate(FLAGS) if b >> i & 1] for b in np.unique(bits).tolist()}
    deals["flags"] = [patterns[b] for b in bits.tolist()]  # a pattern's list shared by its deals: read, never changed
    deals["action"] = [patterns[b][0] if b else "advance" for b in bits.tolist()]
    deals["days_unchanged"] = deals["deal_id"].map(stale)
    deals["days_past_due"] = [(s - c).days if p else None
                              for s, c, p in zip(deals["snapshot_on"], close, past_due, strict=True)]
    return deals


def priority_list(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS,
                  as_of: dt.date | None = None) -> pd.DataFrame:
    """The ranked open deals of ``priorities`` (one row per open deal)."""
    return priorities(con, flt=flt, as_of=as_of).deals

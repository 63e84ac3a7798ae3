"""Key drivers of eNPS and focus areas (issue 19): which pulse questions move with the eNPS answer, per wave.

**Driver** of one question in one wave, for a set of responses (the filtered selection, or one group of a
breakdown): over the responses that answered both the question and the eNPS question (n of them),

- impact = Spearman rank correlation rho between the question's score (reverse questions flipped) and the eNPS
  answer, ties taking the average of their ranks;
- its 95 % interval by Fisher's z with Fieller's standard error for a rank correlation:
  tanh(atanh(rho) ± 1.96 x 1.06 / sqrt(n - 3)); **significant** when the interval excludes 0;
- score = the favourable share of the same n answers (top two points, 4-5 on 1-5), and their mean.

A driver needs at least ``MIN_DRIVER_ANSWERS`` (25, Culture Amp's floor) such responses, else its row has the
reason ``NOT_ENOUGH_ANSWERS`` and no number; a question nobody varied on (everyone answered 4) has no rho and the
reason ``NO_VARIATION``. Before any of that, the set goes through the privacy rule (docs/privacy.md) with the
driver's own measure — the responses that answered both (``privacy.driver_measure``) — so the count and the
correlation are over whole blocks of at least k people; otherwise the row carries the privacy reason.

**Focus areas** of one wave and set: among the questions whose driver is shown (at least
``MIN_QUESTIONS_FOR_FOCUS`` of them), those whose favourable share is below the median of the questions' shares
and whose rho is above the median rho, and significant (Lattice's "low score, high impact"). Each is said as a
code with arguments (``FocusArea``): ``FOCUS_FEWER_THAN_HALF`` when under half answer favourably, else
``FOCUS_BELOW_MOST``. Rows: focus areas first, then by rho (largest first), hidden rows last in file order.
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import median

import duckdb
import numpy as np
import pandas as pd

from analytics.people import privacy, survey
from analytics.people.responses import group_key
from analytics.people.stats import excludes_zero, fisher_interval, spearman_rho
from analytics.store.sql import Fragment

MIN_DRIVER_ANSWERS = 25           # Culture Amp's floor for a driver analysis of a group
MIN_QUESTIONS_FOR_FOCUS = 3       # a median of fewer questions says little about "most questions"
NOT_ENOUGH_ANSWERS = "not_enough_answers"
NO_VARIATION = "no_variation"
FOCUS_FEWER_THAN_HALF = "focus_fewer_than_half"
FOCUS_BELOW_MOST = "focus_below_most"

DRIVER_COLUMNS = ["wave", "group", "question", "position", "n", "rho", "ci_low", "ci_high", "significant",
                  "favourable", "mean", "focus", "suppressed", "reason"]


@dataclass(frozen=True)
class FocusArea:
    """One focus area, as a code the interface words: the question, its favourable share and its rho."""
    code: str
    question: str
    favourable: float
    rho: float


def _pairs(con: duckdb.DuckDBPyConnection, filters: dict | None, dimension: str | None) -> pd.DataFrame:
    """One row per pulse answer of a response that also answered eNPS: wave, [grp,] question, position, enps,
    score, favourable (bool)."""
    group = ", grp" if dimension is not None else ""
    query = survey.scored_answers_sql(con, filters, dimension) + Fragment(
        f"SELECT wave{group}, question, position, enps, score, scale_min, scale_max FROM scored "
        "WHERE enps IS NOT NULL", [])
    frame = con.execute(*query).df()
    sides = {key: survey.answer_side(*key) for key in
             set(zip(frame["score"], frame["scale_min"], frame["scale_max"], strict=True))}
    frame["favourable"] = [sides[key] == "favourable" for key in
                           zip(frame["score"], frame["scale_min"], frame["scale_max"], strict=True)]
    return frame


def driver_fields(enps: np.ndarray, score: np.ndarray, favourable: np.ndarray, min_answers: int) -> dict:
    """n, rho, ci_low, ci_high, significant, favourable and mean of one question's paired answers, or the
    reason they are not given (NOT_ENOUGH_ANSWERS under ``min_answers`` pairs, NO_VARIATION without a rho)."""
    n = len(enps)
    if n < min_answers or n <= 3:
        return {"n": None, "reason": NOT_ENOUGH_ANSWERS}
    rho = spearman_rho(score, enps)
    if rho is None:
        return {"n": n, "favourable": float(np.mean(favourable)), "mean": float(np.mean(score)),
                "reason": NO_VARIATION}
    low, high = fisher_interval(rho, n)
    return {"n": n, "rho": rho, "ci_low": low, "ci_high": high, "significant": excludes_zero(low, high),
            "favourable": float(np.mean(favourable)), "mean": float(np.mean(score)), "reason": None}


def mark_focus(rows: list[dict]) -> None:
    """Set ``focus`` on the rows of one (wave, set): favourable below the median, rho above it, significant."""
    rated = [r for r in rows if r.get("rho") is not None]
    for row in rows:
        row["focus"] = False
    if len(rated) < MIN_QUESTIONS_FOR_FOCUS:
        return
    middle_score = median(r["favourable"] for r in rated)
    middle_rho = median(r["rho"] for r in rated)
    for row in rated:
        row["focus"] = bool(row["significant"] and row["favourable"] < middle_score and row["rho"] > middle_rho)


def _order(row: dict) -> tuple:
    return (not row["focus"], row.get("rho") is None, -(row.get("rho") or 0.0), row["position"],
            row["question"].casefold())


def _drivers(con: duckdb.DuckDBPyConnection, wave: str | None, filters: dict | None, dimension: str | None,
             k: int | None, min_answers: int) -> pd.DataFrame:
    k = privacy.anonymity_threshold(con, k)
    pairs = _pairs(con, filters, dimension)
    if wave is not None:
        pairs = pairs[pairs["wave"] == wave]
    people = privacy.population(con)
    chosen = people.members(filters)
    keys = ["wave", "grp"] if dimension is not None else "wave"
    order = {w: i for i, w in enumerate(survey.survey_waves(con))}
    out: list[dict] = []
    sets = pairs.groupby(keys, sort=False)
    for key in sorted(sets.groups, key=lambda s: (order.get(_first(s), len(order)),
                                                  group_key(s[1]) if dimension is not None else ())):
        rows_of_set = sets.get_group(key)
        this_wave = _first(key)
        group = key[1] if dimension is not None else None
        members = chosen & people.members(wave=this_wave, dimension=dimension, group=group)
        rows = []
        for question, answers in rows_of_set.groupby("question", sort=False):
            base = {"wave": this_wave, "group": group, "question": question,
                    "position": int(answers["position"].min())}
            reason = people.verdict(members, privacy.driver_measure(str(question)), k)
            fields = {"reason": reason} if reason else driver_fields(
                answers["enps"].to_numpy(dtype=float), answers["score"].to_numpy(dtype=float),
                answers["favourable"].to_numpy(dtype=bool), min_answers)
            rows.append({**base, **fields})
        mark_focus(rows)
        out += sorted(rows, key=_order)
    frame = pd.DataFrame([{c: r.get(c) for c in DRIVER_COLUMNS} for r in out], columns=DRIVER_COLUMNS)
    frame["suppressed"] = frame["reason"].notna()
    for column in ("n", "position"):
        frame[column] = frame[column].astype("Int64")
    for column in ("significant", "focus"):
        frame[column] = frame[column].astype("boolean")
    return frame


def _first(key) -> str:
    return key[0] if isinstance(key, tuple) else key


def key_drivers(con: duckdb.DuckDBPyConnection, wave: str | None = None, filters: dict | None = None,
                k: int | None = None, min_answers: int = MIN_DRIVER_ANSWERS) -> pd.DataFrame:
    """One row per (wave, pulse question) of the filtered selection: its key-driver numbers (module notes).

    wave=None gives every wave, one at a time (never pooled: the same person twice is not two answers).
    Columns: wave, group (None), question, position, n, rho, ci_low, ci_high, significant, favourable, mean,
    focus, suppressed, reason. A hidden or too small row keeps its question with every number empty.
    """
    return _drivers(con, wave, filters, None, k, min_answers)


def key_drivers_by_group(con: duckdb.DuckDBPyConnection, dimension: str, wave: str | None = None,
                         filters: dict | None = None, k: int | None = None,
                         min_answers: int = MIN_DRIVER_ANSWERS) -> pd.DataFrame:
    """One row per (wave, group of ``dimension``, pulse question): the key-driver numbers of each group.

    Same columns as ``key_drivers``; groups in name order, "(not given)" last; each group's set goes through
    the privacy rule, then needs ``min_answers`` paired answers (25 by default).
    """
    return _drivers(con, wave, filters, dimension, k, min_answers)


def focus_areas(drivers: pd.DataFrame) -> list[FocusArea]:
    """The focus areas of a ``key_drivers`` frame (one wave and set), most impact first, as codes."""
    rows = drivers[drivers["focus"].fillna(False).astype(bool)].sort_values("rho", ascending=False)
    return [FocusArea(FOCUS_FEWER_THAN_HALF if row.favourable < 0.5 else FOCUS_BELOW_MOST, row.question,
                      float(row.favourable), float(row.rho)) for row in rows.itertuples(index=False)]


_REPORT_KEYS = ("wave", "question", "n", "rho", "ci_low", "ci_high", "significant", "favourable", "focus")


def drivers_report(con: duckdb.DuckDBPyConnection) -> list[dict] | None:
    """``survey.drivers`` of ``report --json``: per wave and question of everyone, the driver numbers (``score``
    is the favourable share); rows the privacy rule hides or without enough answers are left out; None when no
    wave has a driver."""
    frame = key_drivers(con)
    shown = frame[frame["rho"].notna()]
    if shown.empty:
        return None
    rows = []
    for row in shown.to_dict("records"):
        item = {key: _json_value(row[key]) for key in _REPORT_KEYS}
        item["score"] = item.pop("favourable")
        rows.append(item)
    return rows


def _json_value(value):
    """A JSON-ready Python value: numpy and pandas scalars converted, missing values as None."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return _json_value(value.item()) if hasattr(value, "item") else value

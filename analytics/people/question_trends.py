"""Trend of each pulse question (and group) between waves, with its significance and a note on chance (issue 19).

**Change** of one question for one set (the filtered selection, or one group of a breakdown): each shown dated
wave against the previous shown one (a hidden wave is skipped, ``undated`` takes no part, as for the eNPS
change), favourable share x2/n2 against x1/n1, x = favourable answers, n = answers. Significance by the pooled
two-proportion z-test (``stats.two_proportion_test``): p = (x1 + x2) / (n1 + n2), se = sqrt(p (1 - p)
(1/n1 + 1/n2)), z = (x2/n2 - x1/n1) / se, two-sided p-value; significant when p < 0.05.

Every number comes from cells that ``survey.question_results`` or ``survey.question_heatmap`` show (the privacy
rule already applied per wave and group), so a trend reveals nothing those views do not.

**Many comparisons**: with m changes tested at 5 %, about 0.05 m look significant by chance alone. ``chance_note``
says so when m >= ``MANY_COMPARISONS``; ``bh_significant`` flags the changes that stay significant with the false
discovery rate held at 5 % (Benjamini-Hochberg, over every row of the table).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import duckdb
import pandas as pd

from analytics.people import survey
from analytics.people.responses import UNDATED, group_key
from analytics.people.stats import ALPHA, benjamini_hochberg, expected_by_chance, two_proportion_test

MANY_COMPARISONS = 5
TREND_COLUMNS = ["question", "position", "group", "wave", "previous_wave", "responses", "previous_responses",
                 "favourable", "previous_favourable", "change", "z", "p_value", "significant", "bh_significant"]


@dataclass(frozen=True)
class ChanceNote:
    """How many changes were tested, how many chance alone would make look significant, how many did."""
    comparisons: int
    expected: float
    significant: int
    significant_after_correction: int


def _cells(con: duckdb.DuckDBPyConnection, dimension: str | None, filters: dict | None,
           k: int | None) -> pd.DataFrame:
    """The shown (wave, question, group) cells: responses and favourable share, waves in order."""
    if dimension is None:
        frame = survey.question_results(con, None, filters, k).assign(group=None)
    else:
        frame = pd.concat([survey.question_heatmap(con, dimension, wave, filters, k).assign(wave=wave)
                           for wave in survey.survey_waves(con)], ignore_index=True)
    if frame.empty:
        return frame
    order = {w: i for i, w in enumerate(survey.survey_waves(con))}
    frame = frame[~frame["suppressed"].astype(bool) & (frame["wave"] != UNDATED)]
    return frame.assign(order=frame["wave"].map(order)).sort_values("order", kind="stable")


def question_trends(con: duckdb.DuckDBPyConnection, dimension: str | None = None, filters: dict | None = None,
                    k: int | None = None) -> pd.DataFrame:
    """One row per (question, group, shown wave after the first): the change of its favourable share.

    group is None without ``dimension``. favourable, previous_favourable are shares (fractions); change =
    favourable - previous_favourable; z and p_value of the pooled two-proportion z-test (None when every answer
    of both waves is on the same side); significant when p < 0.05; bh_significant after Benjamini-Hochberg
    over the whole table. Ordered by question (file order), then group name, then wave.
    """
    cells = _cells(con, dimension, filters, k)
    out: list[dict] = []
    if not cells.empty:
        grouped = cells.groupby(["question", "group"] if dimension else ["question"], sort=False, dropna=False)
        for _, rows in grouped:
            for before, after in pairwise(rows.to_dict("records")):
                out.append(_change(before, after))
    out.sort(key=lambda r: (r["position"], r["question"].casefold(),
                            group_key(r["group"]) if r["group"] is not None else (), r["order"]))
    flags = benjamini_hochberg([r["p_value"] for r in out])
    for row, flag in zip(out, flags, strict=True):
        row["bh_significant"] = flag
    frame = pd.DataFrame([{c: r.get(c) for c in TREND_COLUMNS} for r in out], columns=TREND_COLUMNS)
    for column in ("responses", "previous_responses", "position"):
        frame[column] = frame[column].astype("Int64")
    for column in ("significant", "bh_significant"):
        frame[column] = frame[column].astype(bool)
    return frame


def _change(before: dict, after: dict) -> dict:
    n1, n2 = int(before["responses"]), int(after["responses"])
    x1, x2 = round(float(before["favourable"]) * n1), round(float(after["favourable"]) * n2)
    z, p_value = two_proportion_test(x1, n1, x2, n2)
    return {"question": after["question"], "position": int(after["position"]), "group": after["group"],
            "wave": after["wave"], "previous_wave": before["wave"], "order": after["order"], "responses": n2,
            "previous_responses": n1, "favourable": x2 / n2, "previous_favourable": x1 / n1,
            "change": x2 / n2 - x1 / n1, "z": z, "p_value": p_value,
            "significant": p_value is not None and p_value < ALPHA}


def chance_note(trends: pd.DataFrame) -> ChanceNote | None:
    """The multiple-comparison note of a ``question_trends`` table: None under MANY_COMPARISONS tested changes;
    else m tested, 0.05 m expected significant by chance alone, how many were, how many stay after BH."""
    tested = int(trends["p_value"].notna().sum())
    if tested < MANY_COMPARISONS:
        return None
    return ChanceNote(tested, expected_by_chance(tested), int(trends["significant"].sum()),
                      int(trends["bh_significant"].sum()))

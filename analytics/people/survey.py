"""Survey metrics (METRICS.md §5): eNPS and pulse questions per wave and per group, comments, with anonymity.

Every public function takes a DuckDB connection and plain values, and returns a DataFrame (or a dict for
the report). Counts come from SQL; the small per-row formulas and the suppression rules are in Python.

Choices made where the specification is silent (also listed in the project docs):

- **Wave** of a response: its ``wave_label`` when present, else the period of ``responded_on`` per the
  ``wave_period`` setting (month ``YYYY-MM``, ISO week ``YYYY-Www``, quarter ``YYYY-Qn``), else ``undated``.
  Waves are ordered by the start of the period their label names (``2026-10``, ``2026-10-05``,
  ``2026-Q4``, ``Q4 2026``, ``2026-W41``), else by their earliest response date, else naturally by label
  ("Wave 2" before "Wave 10"), labels without any date after dated ones; ``undated`` last.
  The order is computed over all responses, so filtering never reorders waves.
- **Anonymity**: every number goes through ``privacy`` (docs/privacy.md): a wave, a filtered group, a group of
  a breakdown, a (wave, question) cell or a comment list is shown only when its set of answered responses is a
  whole number of that wave's blocks of at least k responses. Otherwise it is returned as a row with
  ``suppressed=True``, a ``reason`` code (``privacy.FEW_RESPONSES``: fewer than k answers;
  ``privacy.DERIVABLE``: showing it would let a smaller group be worked out by subtraction) and every number
  empty; ``survey_report`` omits such rows entirely. The threshold k is the ``anonymity_threshold`` setting or
  the ``k`` argument, never below 3. Filters apply before the rule; rows are ordered by group name, never by
  size, so the order does not hint at the size of a hidden group.
- ``wave=None`` in ``enps_by_group`` and ``question_heatmap`` pools every wave (a person who answered two
  waves counts twice); in ``question_results`` and ``comments`` it means "every wave, one wave at a time".
- **Change between waves** (``enps_change``): each visible dated wave against the previous visible one
  (a suppressed wave is skipped, ``undated`` takes no part); z = (e2 - e1) / sqrt(se1² + se2²) with
  se = margin_of_error / 1.96; significant when |z| > 1.96 (95 %, two-sided). When both standard errors
  are 0 (e.g. all passives then all promoters) z is empty and the change is significant when it is not 0.
- **Headcount**: ``response_rate`` = responses / headcount; finite-population corrected margin =
  moe x sqrt((N - n) / (N - 1)), 0 when n = N, empty when the headcount is below the responses (the
  headcount is then wrong; the rate is still shown, above 1).
- **Pulse questions**: reverse-scored questions are scored scale_max + scale_min - value first. Favourable
  = the top two points of the scale (4-5 on 1-5), unfavourable = the bottom two, neutral = the points in
  between (3 on 1-5); on scales of three points or fewer, the top and bottom single points. The
  distribution counts the scored values, so a high point is always the favourable side.
- **Comments**: shown per wave only when the filtered group's responses in that wave (answered eNPS or not:
  any of them may have written a comment) pass the privacy rule with ``max(comment_threshold, k)`` as the
  threshold, so two comment lists shown never differ by the comments of fewer people. Columns: wave, one
  column per filtered dimension holding the filter as chosen (never the author's own value when several were chosen),
  question, comment. Ordered by wave, question, then comment text, never by response order.
- **Top terms**: lower-cased words (accents kept, French elisions such as ``l'`` and English ``'s``
  removed, English and French stop words and one-letter words dropped) and two-word phrases of
  consecutive kept words within a sentence; count = number of comments containing the term (each comment
  counts a term once); phrases are kept only when at least two comments contain them.
- **Filter values offered** (``survey_groups_available``): only values of group columns that the privacy
  rule shows (all responses) in at least one wave, so that the list itself does not reveal a tiny team.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date
from itertools import pairwise

import duckdb
import pandas as pd

from analytics import store
from analytics.people import privacy
from analytics.people.privacy import FEW_RESPONSES, anonymity_threshold, comment_threshold
from analytics.people.responses import (
    GROUP_VALUES_SQL,
    NOT_GIVEN,
    UNDATED,
    clean_filters,
    group_key,
    natural_key,
    responses_sql,
)
from analytics.store.sql import Fragment, checked, value_list

__all__ = ["NOT_GIVEN", "UNDATED", "FEW_RESPONSES", "anonymity_threshold", "comment_threshold"]  # re-exported

NOT_COMPARABLE_LABEL = "1–10 scale: not comparable with 0–10 benchmarks"
Z_95 = 1.96

ENPS_COLUMNS = ["responses", "promoters", "passives", "detractors", "pct_promoters", "pct_passives",
                "pct_detractors", "enps", "margin_of_error", "scale", "not_comparable", "comparability_note"]
WAVE_COLUMNS = ["wave", *ENPS_COLUMNS, "headcount", "response_rate", "margin_of_error_fpc", "suppressed", "reason"]
GROUP_COLUMNS = ["group", *ENPS_COLUMNS, "suppressed", "reason"]
CHANGE_COLUMNS = ["wave", "previous_wave", "enps", "previous_enps", "change", "z", "significant"]
QUESTION_COLUMNS = ["wave", "question", "position", "scale", "is_reverse", "responses", "mean", "favourable",
                    "neutral", "unfavourable", "distribution", "suppressed", "reason"]
HEATMAP_COLUMNS = ["question", "position", "group", "responses", "mean", "favourable", "suppressed", "reason"]
_INT_COLUMNS = ("responses", "promoters", "passives", "detractors", "headcount", "position")
_BOOL_COLUMNS = ("not_comparable", "is_reverse")


# --- pure formulas ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EnpsStats:
    """eNPS of one set of answers: counts, shares (fractions), score and 95 % margin of error."""
    responses: int
    promoters: int
    passives: int
    detractors: int
    pct_promoters: float
    pct_passives: float
    pct_detractors: float
    enps: float
    margin_of_error: float


def enps_from_counts(promoters: int, passives: int, detractors: int) -> EnpsStats:
    """eNPS = 100 x (p - d); margin = 1.96 x 100 x sqrt((p + d - (p - d)²) / n); p, d fractions of n."""
    n = promoters + passives + detractors
    if n == 0:
        raise ValueError("eNPS needs at least one answer")
    p, d = promoters / n, detractors / n
    variance = max(0.0, p + d - (p - d) ** 2)
    return EnpsStats(n, promoters, passives, detractors, p, passives / n, d,
                     100 * (promoters - detractors) / n, Z_95 * 100 * math.sqrt(variance / n))


def change_test(enps_1: float, moe_1: float, enps_2: float, moe_2: float) -> tuple[float | None, bool]:
    """Two-sample z test of an eNPS difference: z = (e2 - e1) / sqrt(se1² + se2²), se = moe / 1.96."""
    se = math.sqrt((moe_1 / Z_95) ** 2 + (moe_2 / Z_95) ** 2)
    if se == 0:
        return None, enps_2 != enps_1
    z = (enps_2 - enps_1) / se
    return z, abs(z) > Z_95


def finite_population_margin(moe: float, responses: int, headcount: int) -> float | None:
    """moe x sqrt((N - n) / (N - 1)); 0 for a census (n = N); None when N < n (a wrong headcount)."""
    if headcount < responses:
        return None
    if headcount == responses:
        return 0.0
    return moe * math.sqrt((headcount - responses) / (headcount - 1))


# --- shared SQL --------------------------------------------------------------------------------------

def _group_sql() -> str:
    """One value per response for one dimension (parameter: the dimension); missing values are NULL."""
    return f"SELECT import_id, response_no, value FROM ({GROUP_VALUES_SQL}) WHERE dimension = ?"


def _wave_condition(wave: str | None, column: str = "wave") -> Fragment:
    column = checked(column, ("wave", "resp.wave"))
    return Fragment("", []) if wave is None else Fragment(f" AND {column} = ?", [wave])


# --- ordering ----------------------------------------------------------------------------------------

_LABEL_DATES = (
    (re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$"), lambda m: date(int(m[1]), int(m[2]), int(m[3] or 1))),
    (re.compile(r"^(\d{4})-?W(\d{1,2})$", re.I), lambda m: date.fromisocalendar(int(m[1]), int(m[2]), 1)),
    (re.compile(r"^(\d{4})[- ]?Q([1-4])$", re.I), lambda m: date(int(m[1]), 3 * int(m[2]) - 2, 1)),
    (re.compile(r"^Q([1-4])[- ]?(\d{4})$", re.I), lambda m: date(int(m[2]), 3 * int(m[1]) - 2, 1)),
)


def _label_date(label: str) -> date | None:
    for pattern, build in _LABEL_DATES:
        match = pattern.match(label.strip())
        if match:
            try:
                return build(match)
            except ValueError:
                return None
    return None


def _wave_key(wave: str, first_date: date | None) -> tuple:
    if wave == UNDATED:
        return (2, 0, [])
    start = _label_date(wave) or first_date
    return (0, start.toordinal(), natural_key(wave)) if start else (1, 0, natural_key(wave))


def _wave_keys(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """Sort key of every wave, from all responses (so that filters never change the order); read once per read
    connection (``store.connection_memo``)."""
    memo = store.connection_memo(con)
    if memo is not None and "survey_wave_keys" in memo:
        return memo["survey_wave_keys"]
    query = Fragment.format("SELECT wave, min(responded_on) FROM ({responses}) GROUP BY wave",
                            responses=responses_sql(con, None))
    rows = con.execute(*query).fetchall()
    keys = {wave: _wave_key(wave, first) for wave, first in rows}
    if memo is not None:
        memo["survey_wave_keys"] = keys
    return keys


def _sorted_waves(con: duckdb.DuckDBPyConnection, waves) -> list[str]:
    keys = _wave_keys(con)
    return sorted(set(waves), key=lambda w: keys.get(w, _wave_key(w, None)))


def survey_waves(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every wave that has responses, in chronological order (for a wave picker)."""
    return _sorted_waves(con, _wave_keys(con))


# --- suppression -------------------------------------------------------------------------------------

def _typed(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """DataFrame with nullable integer and boolean columns, so suppressed rows keep the dtypes."""
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if column in _INT_COLUMNS:
            frame[column] = frame[column].astype("Int64")
        elif column in _BOOL_COLUMNS:
            frame[column] = frame[column].astype("boolean")
        elif column == "suppressed" or column == "significant":
            frame[column] = frame[column].astype(bool)
    return frame


def _enps_fields(promoters: int, passives: int, detractors: int, on_1_10: int) -> dict:
    stats = enps_from_counts(promoters, passives, detractors)
    n = stats.responses
    scale = "0-10" if on_1_10 == 0 else "1-10" if on_1_10 == n else "mixed"
    return {**asdict(stats), "scale": scale, "not_comparable": on_1_10 > 0,
            "comparability_note": NOT_COMPARABLE_LABEL if on_1_10 > 0 else None}


def _empty_fields(columns: list[str], keep: dict, reason: str) -> dict:
    row = dict.fromkeys(columns)
    row.update(keep, suppressed=True, reason=reason)
    return row


_ENPS_COUNTS = ("count(*) AS responses, count_if(enps >= 9) AS promoters, "
                "count_if(enps >= 7 AND enps < 9) AS passives, count_if(enps < 7) AS detractors, "
                "count_if(enps_scale = '1-10') AS on_1_10")


# --- eNPS --------------------------------------------------------------------------------------------

def enps_by_wave(con: duckdb.DuckDBPyConnection, filters: dict | None = None, k: int | None = None,
                 headcount: dict[str, int] | int | None = None) -> pd.DataFrame:
    """One row per wave with at least one answered eNPS, chronological, for the (filtered) group.

    responses = answered eNPS (blanks excluded); promoters 9-10, passives 7-8, detractors 0-6;
    enps = 100 x (promoters - detractors) / responses (unrounded); margin_of_error = 1.96 x 100 x
    sqrt((p + d - (p - d)²) / n); scale '0-10', '1-10' or 'mixed', not_comparable when any 1-10 answer.
    With a headcount (one number for every wave, or {wave: number}): response_rate = responses / headcount
    and margin_of_error_fpc = margin_of_error x sqrt((N - n) / (N - 1)). A wave the privacy rule hides
    is returned with suppressed=True, its reason code and every number empty.
    """
    k = anonymity_threshold(con, k)
    query = Fragment.format("SELECT wave, {counts} FROM ({responses}) WHERE enps IS NOT NULL GROUP BY wave",
                            counts=Fragment(_ENPS_COUNTS, []), responses=responses_sql(con, filters))
    rows = con.execute(*query).fetchall()
    by_wave = {r[0]: r[1:] for r in rows}
    people = privacy.population(con)
    chosen = people.members(filters)
    out = []
    for wave in _sorted_waves(con, by_wave):
        n, promoters, passives, detractors, on_1_10 = by_wave[wave]
        heads = headcount.get(wave) if isinstance(headcount, dict) else headcount
        reason = people.verdict(chosen & people.members(wave=wave), privacy.ENPS, k)
        if reason:
            out.append(_empty_fields(WAVE_COLUMNS, {"wave": wave, "headcount": heads}, reason))
            continue
        row = {"wave": wave, **_enps_fields(promoters, passives, detractors, on_1_10), "headcount": heads,
               "response_rate": None, "margin_of_error_fpc": None, "suppressed": False, "reason": None}
        if heads:
            row["response_rate"] = n / heads
            row["margin_of_error_fpc"] = finite_population_margin(row["margin_of_error"], n, int(heads))
        out.append(row)
    return _typed(out, WAVE_COLUMNS)


def enps_change(con: duckdb.DuckDBPyConnection, filters: dict | None = None, k: int | None = None) -> pd.DataFrame:
    """One row per visible dated wave after the first: its change from the previous visible wave.

    change = enps - previous_enps; z = change / sqrt(se1² + se2²), se = margin_of_error / 1.96;
    significant when |z| > 1.96 (two-sided, 95 %). Suppressed waves are skipped; ``undated`` takes no part.
    """
    waves = enps_by_wave(con, filters, k)
    shown = waves[~waves["suppressed"] & (waves["wave"] != UNDATED)].to_dict("records")
    out = []
    for before, after in pairwise(shown):
        z, significant = change_test(before["enps"], before["margin_of_error"], after["enps"],
                                     after["margin_of_error"])
        out.append({"wave": after["wave"], "previous_wave": before["wave"], "enps": after["enps"],
                    "previous_enps": before["enps"], "change": after["enps"] - before["enps"], "z": z,
                    "significant": significant})
    return _typed(out, CHANGE_COLUMNS)


def enps_by_group(con: duckdb.DuckDBPyConnection, dimension: str, wave: str | None = None,
                  filters: dict | None = None, k: int | None = None) -> pd.DataFrame:
    """One row per value of ``dimension`` among the filtered responses with an answered eNPS.

    Same numbers as ``enps_by_wave`` per group; wave=None pools every wave (a group is then shown only if the
    privacy rule shows it in every wave it has answers in). Hidden groups keep their row, suppressed, with
    the reason code; rows are ordered by group name, ``NOT_GIVEN`` (responses without a value) last.
    """
    k = anonymity_threshold(con, k)
    query = Fragment.format(
        "WITH resp AS ({responses}), grp AS ({groups}) SELECT coalesce(grp.value, {not_given}) AS grp, {counts} "
        "FROM resp LEFT JOIN grp USING (import_id, response_no) WHERE enps IS NOT NULL{wave} GROUP BY 1",
        responses=responses_sql(con, filters), groups=Fragment(_group_sql(), [dimension]),
        not_given=Fragment("?", [NOT_GIVEN]), counts=Fragment(_ENPS_COUNTS, []), wave=_wave_condition(wave))
    rows = con.execute(*query).fetchall()
    counts = {r[0]: r[1:] for r in rows}
    people = privacy.population(con)
    chosen = people.members(filters, wave=wave)
    out = []
    for group in sorted(counts, key=group_key):
        reason = people.verdict(chosen & people.members(dimension=dimension, group=group), privacy.ENPS, k)
        if reason:
            out.append(_empty_fields(GROUP_COLUMNS, {"group": group}, reason))
            continue
        _, promoters, passives, detractors, on_1_10 = counts[group]
        out.append({"group": group, **_enps_fields(promoters, passives, detractors, on_1_10),
                    "suppressed": False, "reason": None})
    return _typed(out, GROUP_COLUMNS)


# --- pulse questions ---------------------------------------------------------------------------------

_QUESTIONS_SQL = ("SELECT import_id, question, min(position) AS position, min(scale_min) AS scale_min, "
                  "max(scale_max) AS scale_max, bool_or(is_reverse) AS is_reverse FROM survey_questions "
                  "GROUP BY import_id, question")


def scored_answers_sql(con: duckdb.DuckDBPyConnection, filters: dict | None,
                       dimension: str | None = None) -> Fragment:
    """WITH ... scored: one row per answer to a pulse question, with its wave, the response's eNPS answer (NULL
    when blank), question metadata, score (reverse questions flipped) and, when a dimension is given, the
    response's group ``grp``."""
    by_group = dimension is not None
    head = Fragment("WITH resp AS (", []) + responses_sql(con, filters) + Fragment(f"), q AS ({_QUESTIONS_SQL})", [])
    if by_group:
        head += Fragment(f", grp AS ({_group_sql()})", [dimension])
    body = Fragment(
        ", scored AS (SELECT resp.wave, resp.enps, a.question, "
        + ("coalesce(grp.value, ?) AS grp, " if by_group else "")
        + "coalesce(q.position, 0) AS position, coalesce(q.scale_min, 1) AS scale_min, "
        "coalesce(q.scale_max, 5) AS scale_max, coalesce(q.is_reverse, FALSE) AS is_reverse, "
        "CASE WHEN coalesce(q.is_reverse, FALSE) THEN coalesce(q.scale_min, 1) + coalesce(q.scale_max, 5) "
        "- a.value ELSE a.value END AS score "
        "FROM survey_answers a JOIN resp USING (import_id, response_no) "
        + ("LEFT JOIN grp USING (import_id, response_no) " if by_group else "")
        + "LEFT JOIN q USING (import_id, question)) ", [NOT_GIVEN] if by_group else [])
    return head + body


def answer_side(score: float, low: int, high: int) -> str:
    """favourable = top two points (top one on scales of 3 points or fewer), unfavourable = bottom ones."""
    width = 2 if high - low + 1 >= 4 else 1
    if score > high - width:
        return "favourable"
    if score < low + width:
        return "unfavourable"
    return "neutral"


def _point(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _likert_fields(cells: list[tuple]) -> dict:
    """responses, mean, favourable/neutral/unfavourable shares and distribution from (score, min, max, n)."""
    n = sum(c[3] for c in cells)
    sides = Counter()
    for score, low, high, count in cells:
        sides[answer_side(score, low, high)] += count
    scales = {(low, high) for _, low, high, _ in cells}
    points: dict = {}
    if len(scales) == 1:
        low, high = next(iter(scales))
        points = {p: 0 for p in range(int(low), int(high) + 1)}
    for score, _, _, count in sorted(cells):
        points[_point(score)] = points.get(_point(score), 0) + count
    return {"responses": n, "mean": sum(c[0] * c[3] for c in cells) / n,
            "favourable": sides["favourable"] / n, "neutral": sides["neutral"] / n,
            "unfavourable": sides["unfavourable"] / n, "distribution": dict(sorted(points.items())),
            "scale": f"{int(low)}-{int(high)}" if len(scales) == 1 else "mixed"}


def question_results(con: duckdb.DuckDBPyConnection, wave: str | None = None, filters: dict | None = None,
                     k: int | None = None) -> pd.DataFrame:
    """One row per (wave, question) answered by the filtered group; waves chronological, questions in file order.

    Scores: reverse questions as scale_max + scale_min - value. mean = mean score; favourable / neutral /
    unfavourable = shares of answers in the top two points / the middle / the bottom two (they sum to 1);
    distribution = {point: answers} of the scores. A cell the privacy rule hides (the question's answers in
    that wave): suppressed, with its reason code, numbers empty.
    """
    k = anonymity_threshold(con, k)
    query = scored_answers_sql(con, filters) + Fragment(
        "SELECT wave, question, score, scale_min, scale_max, count(*), min(position), bool_or(is_reverse) "
        "FROM scored WHERE TRUE", []) + _wave_condition(wave) + Fragment(
        " GROUP BY wave, question, score, scale_min, scale_max", [])
    rows = con.execute(*query).fetchall()
    cells: dict[tuple, list] = {}
    meta: dict[tuple, tuple] = {}
    for wave_, question, score, low, high, count, position, reverse in rows:
        cells.setdefault((wave_, question), []).append((score, low, high, count))
        old_position, old_reverse = meta.get((wave_, question), (position, reverse))
        meta[(wave_, question)] = (min(position, old_position), reverse or old_reverse)
    order = {w: i for i, w in enumerate(_sorted_waves(con, {w for w, _ in cells}))}
    people = privacy.population(con)
    chosen = people.members(filters)
    out = []
    for key in sorted(cells, key=lambda c: (order[c[0]], meta[c][0], c[1].casefold())):
        base = {"wave": key[0], "question": key[1], "position": meta[key][0], "is_reverse": meta[key][1]}
        fields = _likert_fields(cells[key])
        reason = people.verdict(chosen & people.members(wave=key[0]), privacy.question_measure(key[1]), k)
        if reason:
            out.append(_empty_fields(QUESTION_COLUMNS, {**base, "scale": fields["scale"]}, reason))
        else:
            out.append({**base, **fields, "suppressed": False, "reason": None})
    return _typed(out, QUESTION_COLUMNS)


def question_heatmap(con: duckdb.DuckDBPyConnection, dimension: str, wave: str | None = None,
                     filters: dict | None = None, k: int | None = None) -> pd.DataFrame:
    """One row per (question, group of ``dimension``) with answers: responses, mean and favourable share.

    Long form; pivot with ``df.pivot(index="question", columns="group", values="favourable")``. Within each
    question, each group's answers to it go through the privacy rule (as in ``enps_by_group``); wave=None
    pools every wave (a group is then shown only if it is shown in every wave it has answers in).
    """
    k = anonymity_threshold(con, k)
    query = scored_answers_sql(con, filters, dimension) + Fragment(
        "SELECT question, grp, score, scale_min, scale_max, count(*), min(position) FROM scored WHERE TRUE",
        []) + _wave_condition(wave) + Fragment(" GROUP BY question, grp, score, scale_min, scale_max", [])
    rows = con.execute(*query).fetchall()
    cells: dict[str, dict[str, list]] = {}
    positions: dict[str, int] = {}
    for question, group, score, low, high, count, position in rows:
        cells.setdefault(question, {}).setdefault(group, []).append((score, low, high, count))
        positions[question] = min(position, positions.get(question, position))
    people = privacy.population(con)
    chosen = people.members(filters, wave=wave)
    out = []
    for question in sorted(cells, key=lambda q: (positions[q], q.casefold())):
        groups = {g: _likert_fields(c) for g, c in cells[question].items()}
        for group in sorted(groups, key=group_key):
            base = {"question": question, "position": positions[question], "group": group}
            reason = people.verdict(chosen & people.members(dimension=dimension, group=group),
                                    privacy.question_measure(question), k)
            if reason:
                out.append(_empty_fields(HEATMAP_COLUMNS, base, reason))
            else:
                fields = groups[group]
                out.append({**base, "responses": fields["responses"], "mean": fields["mean"],
                            "favourable": fields["favourable"], "suppressed": False, "reason": None})
    return _typed(out, HEATMAP_COLUMNS)


# --- comments ----------------------------------------------------------------------------------------

_RESERVED_COMMENT_COLUMNS = {"wave", "question", "comment"}


def comment_waves(con: duckdb.DuckDBPyConnection, filters: dict | None = None, k: int | None = None) -> pd.DataFrame:
    """One row per wave, chronological: whether the filtered group's comments of that wave may be shown.

    Columns wave, suppressed, reason (a ``privacy`` code). The set judged is every response of the group in
    the wave (any of them may have written a comment), against max(comment_threshold, k). Every wave is
    suppressed (``privacy.COMMENTS_HIDDEN``) when the survey_comments setting hides comments.
    """
    threshold = comment_threshold(con, k)
    people = privacy.population(con)
    chosen = people.members(filters)
    hidden = privacy.comments_hidden(con)
    rows = []
    for wave in survey_waves(con):
        reason = privacy.COMMENTS_HIDDEN if hidden else \
            people.verdict(chosen & people.members(wave=wave), privacy.RESPONDED, threshold)
        rows.append({"wave": wave, "suppressed": reason is not None, "reason": reason})
    return _typed(rows, ["wave", "suppressed", "reason"])


def comments(con: duckdb.DuckDBPyConnection, wave: str | None = None, filters: dict | None = None,
             search: str | None = None, k: int | None = None) -> pd.DataFrame:
    """One row per non-empty comment of the filtered group, only from the waves ``comment_waves`` shows.

    Columns: wave, one per filtered dimension (the filter as chosen), question, comment; never a respondent
    field. ``search``: case-insensitive substring of the comment (it narrows a list already shown).
    """
    clean = clean_filters(filters)
    shown = comment_waves(con, clean, k)
    waves = [w for w, hidden in zip(shown["wave"], shown["suppressed"], strict=True)
             if not hidden and (wave is None or w == wave)]
    names = {d: (f"group_{d}" if d in _RESERVED_COMMENT_COLUMNS else d) for d in clean}
    columns = ["wave", *names.values(), "question", "comment"]
    if not waves:
        return pd.DataFrame(columns=columns)
    search_sql = Fragment("", [])
    if search and search.strip():
        search_sql = Fragment(" AND contains(lower(c.comment), lower(?))", [search.strip()])
    query = Fragment.format(
        "WITH resp AS ({responses}) SELECT resp.wave, c.question, c.comment FROM survey_comments c "
        "JOIN resp USING (import_id, response_no) WHERE trim(c.comment) <> '' AND resp.wave IN ({waves}){search}",
        responses=responses_sql(con, clean), waves=value_list(waves), search=search_sql)
    rows = con.execute(*query).fetchall()
    keys = _wave_keys(con)
    rows.sort(key=lambda r: (keys.get(r[0], _wave_key(r[0], None)), r[1].casefold(), r[2].casefold()))
    out = [{"wave": w, **{names[d]: ", ".join(v) for d, v in clean.items()}, "question": q, "comment": c}
           for w, q, c in rows]
    return pd.DataFrame(out, columns=columns)


STOP_WORDS_EN = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
even ever every few for from further get gets getting got had hadn't has hasn't have haven't having he he'd
he'll he's her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in into is
isn't it it's its itself just let let's lot lots made make makes many may me might more most much must
mustn't my myself need needs no nor not now of off often on once one only or other ought our ours ourselves
out over own quite rather really same shall shan't she she'd she'll she's should shouldn't since so some
still such than that that's the their theirs them themselves then there there's these they they'd they'll
they're they've thing things this those though through thus to too toward towards under until up upon us
very via was wasn't we we'd we'll we're we've were weren't what what's when when's where where's whether
which while who who's whom why why's will with within without won't would wouldn't yes yet you you'd you'll
you're you've your yours yourself yourselves
""".split())

STOP_WORDS_FR = frozenset("""
à afin ai aie aient aies ait alors as au aucun aucune aujourd'hui auprès aura aurai auraient aurais aurait
auras aurez auriez aurions aurons auront aussi autre autres aux avaient avais avait avant avec avez aviez
avions avoir avons ayant bien c ça car ce ceci cela celle celles celui cependant ces cet cette ceux chaque
chez comme comment d dans de depuis des donc dont du elle elles en encore entre es est et étaient étais
était étant été être eu eue eues eurent eus eut eux fait faire fais font fut furent grâce ici il ils j je
jusqu l la là le les leur leurs lorsqu lui m ma mais me même mêmes mes moi moins mon n ne ni non nos notre
nous on ont or ou où par parce pas peu peut plus plutôt pour pourquoi qu quand que quel quelle quelles
quels qui quoi s sa sans se sera serai seraient serais serait seras serez seriez serions serons seront ses
si sien soi soient sois soit sommes son sont sous suis sur t ta tant te tes toi ton toujours tous tout
toute toutes très trop tu un une vers via voici voilà vos votre vous y
""".split())

STOP_WORDS = STOP_WORDS_EN | STOP_WORDS_FR
SENTENCE_SPLIT = re.compile(r"[.,;:!?()\[\]{}\"«»“”…/\n\r\t]+|\s[-–—]+\s")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*(?:-[^\W\d_]+)*")
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(.+)$")


def comment_words(sentence: str) -> list[str | None]:
    """The words of one sentence; stop words and one-letter words become None (they break phrases)."""
    out: list[str | None] = []
    for word in _WORD.findall(sentence.lower().replace("’", "'")):
        if word in STOP_WORDS:
            out.append(None)
            continue
        elided = _ELISION.match(word)
        word = elided[1] if elided else word
        word = word[:-2] if word.endswith("'s") else word
        out.append(word if len(word) > 1 and word not in STOP_WORDS else None)
    return out


def comment_terms(text: str) -> set[str]:
    """The distinct words and two-word phrases of one comment (see the module notes)."""
    terms: set[str] = set()
    for sentence in SENTENCE_SPLIT.split(text):
        words = comment_words(sentence)
        terms.update(w for w in words if w)
        terms.update(f"{a} {b}" for a, b in pairwise(words) if a and b)
    return terms


def top_terms(con: duckdb.DuckDBPyConnection, wave: str | None = None, filters: dict | None = None,
              n: int = 15, k: int | None = None) -> pd.DataFrame:
    """One row per term (word or two-word phrase), most frequent first, at most n rows, from the comments
    that ``comments`` would show. count = comments containing the term; phrases need at least 2 comments.
    """
    found = Counter()
    for text in comments(con, wave, filters, k=k)["comment"]:
        found.update(comment_terms(text))
    ranked = sorted(((t, c) for t, c in found.items() if " " not in t or c >= 2), key=lambda tc: (-tc[1], tc[0]))
    return pd.DataFrame(ranked[:n], columns=["term", "count"])


# --- filter widgets and report -----------------------------------------------------------------------

def survey_groups_available(con: duckdb.DuckDBPyConnection, k: int | None = None) -> dict[str, list[str]]:
    """{dimension: values} for filter widgets: groups the privacy rule shows (all responses) in a wave.

    Only group columns (``privacy.is_group_dimension``: values repeat; never free text), in the order
    department, team, manager, location, tenure, then alphabetical; values in natural order, NOT_GIVEN last.
    """
    return privacy.population(con).offered(anonymity_threshold(con, k))


def _plain(value):
    """A JSON-ready Python value (numpy and pandas scalars converted, missing values as None)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


_REPORT_WAVE_KEYS = ("wave", "responses", "promoters", "passives", "detractors", "enps", "margin_of_error",
                     "scale", "not_comparable")
_REPORT_QUESTION_KEYS = ("wave", "question", "responses", "mean", "favourable", "neutral", "unfavourable")


def survey_report(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The ``survey`` object of ``report --json`` (METRICS.md §7); None when there are no survey responses.

    Only waves and (wave, question) cells with at least k answers; no group breakdown; plain Python values.
    """
    if con.execute("SELECT count(*) FROM survey_responses").fetchone()[0] == 0:
        return None
    k = anonymity_threshold(con, None)
    waves = enps_by_wave(con, k=k)
    questions = question_results(con, k=k)
    return {
        "anonymity_threshold": k,
        "waves": [{key: _plain(row[key]) for key in _REPORT_WAVE_KEYS}
                  for row in waves[~waves["suppressed"]].to_dict("records")],
        "questions": [{key: _plain(row[key]) for key in _REPORT_QUESTION_KEYS}
                      for row in questions[~questions["suppressed"]].to_dict("records")],
    }

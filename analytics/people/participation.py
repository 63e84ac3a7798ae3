"""Participation: who took part in each survey wave, against the headcount (METRICS.md §5, docs/privacy.md).

Headcounts come from the ``headcount`` table (a headcount file, or numbers typed in Settings; see
``analytics.ingest.headcount``). Grain and formulas:

- **per wave** (one row per wave with responses): responses = every response of the wave (people who took part,
  whether or not they answered the eNPS question); headcount = the wave's "everyone" row, else the every-wave
  "everyone" row, else the sum of the groups of the first dimension listed for that wave (department before
  team…); response_rate = responses / headcount.
- **per group** (one row per wave and headcount group): the same for the responses of that group (a group of
  several dimensions, such as department × team, is their intersection). Group values are matched to the
  survey's ignoring case and surrounding spaces.
- Which headcount applies: a row for the wave wins over an every-wave row; an imported row over a typed one; a
  later import over an earlier one.
- **flag**: ``OVER_HEADCOUNT`` when responses exceed the headcount (the headcount is wrong: a data problem, the
  rate is still given, above 1); else ``LOW_PARTICIPATION`` when the rate is under LOW_RATE (60 %; Culture Amp
  calls 75–80 % healthy); else None.
- **Privacy**: a wave or a group is shown only when the privacy rule shows its responses ("took part", at the
  anonymity threshold k). A hidden row keeps its name, a reason code and no number at all — its headcount is
  hidden too, so that the total headcount minus the shown ones only ever gives hidden groups together, never a
  group's responses (the hidden ones together are whole blocks of at least k responses).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.people import privacy
from analytics.people.privacy import anonymity_threshold
from analytics.people.responses import dimension_key, group_key
from analytics.people.survey import survey_waves

LOW_RATE = 0.60                      # under this response rate a group is flagged (Culture Amp: 75-80 % is healthy)
LOW_PARTICIPATION = "low_participation"
OVER_HEADCOUNT = "over_headcount"    # more responses than people: the headcount is wrong
WAVE_COLUMNS = ["wave", "responses", "headcount", "response_rate", "flag", "suppressed", "reason"]
GROUP_COLUMNS = ["wave", "group", "groups", "responses", "headcount", "response_rate", "flag", "suppressed",
                 "reason"]


@dataclass(frozen=True)
class Headcount:
    """One stored headcount: its wave (None = every wave), groups ({} = everyone), number, and precedence."""
    wave: str | None
    groups: dict
    headcount: int
    rank: tuple


def headcounts(con: duckdb.DuckDBPyConnection) -> list[Headcount]:
    """Every stored headcount, the one that applies first: wave-specific, then imported (latest first), then typed."""
    rows = con.execute("SELECT wave, groups, headcount, import_id FROM headcount").fetchall()
    found = [Headcount(w, json.loads(g), int(n), (w is None, i is None, -(i or 0))) for w, g, n, i in rows]
    return sorted(found, key=lambda h: h.rank)


def _key(groups: dict) -> tuple:
    return tuple(sorted((d, str(v).strip().casefold()) for d, v in groups.items()))


def headcount_for(found: list[Headcount], wave: str, groups: dict) -> int | None:
    """The headcount of a group ({} = everyone) in a wave, per the precedence above; None when none is given."""
    key = _key(groups)
    match = next((h for h in found if (h.wave is None or h.wave == wave) and _key(h.groups) == key), None)
    if match is not None:
        return match.headcount
    if groups:
        return None
    return _sum_of_first_dimension(found, wave)


def _sum_of_first_dimension(found: list[Headcount], wave: str) -> int | None:
    """No "everyone" row: the sum of the one-dimension groups of the first dimension (department, team…)."""
    single = [h for h in found if (h.wave is None or h.wave == wave) and len(h.groups) == 1]
    if not single:
        return None
    first = min((next(iter(h.groups)) for h in single), key=dimension_key)
    chosen: dict[tuple, int] = {}
    for h in single:
        if next(iter(h.groups)) == first:
            chosen.setdefault(_key(h.groups), h.headcount)
    return sum(chosen.values())


def flag(responses: int, headcount: int | None) -> str | None:
    """OVER_HEADCOUNT when responses > headcount; LOW_PARTICIPATION when responses / headcount < LOW_RATE."""
    if not headcount:
        return OVER_HEADCOUNT if headcount == 0 and responses else None
    if responses > headcount:
        return OVER_HEADCOUNT
    return LOW_PARTICIPATION if responses / headcount < LOW_RATE else None


def _row(base: dict, responses: int, headcount: int | None, reason: str | None, columns: list[str]) -> dict:
    if reason:
        return {**dict.fromkeys(columns), **base, "suppressed": True, "reason": reason}
    rate = responses / headcount if headcount else None
    return {**base, "responses": responses, "headcount": headcount, "response_rate": rate,
            "flag": flag(responses, headcount), "suppressed": False, "reason": None}


def _typed(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("responses", "headcount"):
        frame[column] = frame[column].astype("Int64")
    frame["response_rate"] = frame["response_rate"].astype("float64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    frame["flag"] = frame["flag"].astype(object).where(frame["flag"].notna(), None)
    return frame


def participation_by_wave(con: duckdb.DuckDBPyConnection, k: int | None = None) -> pd.DataFrame:
    """One row per wave with responses, chronological: responses (every response of the wave), headcount,
    response_rate = responses / headcount, flag (see the module). A wave under k: suppressed, numbers empty."""
    k = anonymity_threshold(con, k)
    people = privacy.population(con)
    found = headcounts(con)
    rows = []
    for wave in survey_waves(con):
        inside = people.members(wave=wave)
        reason = people.verdict(inside, privacy.RESPONDED, k)
        rows.append(_row({"wave": wave}, int(inside.sum()), headcount_for(found, wave, {}), reason, WAVE_COLUMNS))
    return _typed(rows, WAVE_COLUMNS)


def group_label(groups: dict) -> str:
    """A group as people name it: its values joined by ' / ' in dimension order (department before team)."""
    return " / ".join(str(groups[d]).strip() for d in sorted(groups, key=dimension_key))


def participation_by_group(con: duckdb.DuckDBPyConnection, k: int | None = None) -> pd.DataFrame:
    """One row per wave and group that has a headcount: responses of that group in the wave, headcount,
    response_rate, flag. A group the privacy rule hides (fewer than k responses, or derivable from other views)
    keeps its name and reason code, and no number at all, not even its headcount. Ordered by wave then name."""
    k = anonymity_threshold(con, k)
    people = privacy.population(con)
    found = headcounts(con)
    spelled = _survey_spellings(people)
    rows = []
    for wave in survey_waves(con):
        applying = {}
        for h in found:
            if h.groups and (h.wave is None or h.wave == wave):
                applying.setdefault(_key(h.groups), h)
        for key in sorted(applying, key=lambda c: group_key(group_label(applying[c].groups))):
            groups = applying[key].groups
            filters = {d: [spelled.get((d, str(v).strip().casefold()), str(v).strip())] for d, v in groups.items()}
            inside = people.members(filters, wave=wave)
            reason = people.verdict(inside, privacy.RESPONDED, k)
            base = {"wave": wave, "group": group_label(groups), "groups": dict(groups)}
            rows.append(_row(base, int(inside.sum()), applying[key].headcount, reason, GROUP_COLUMNS))
    return _typed(rows, GROUP_COLUMNS)


def _survey_spellings(people: privacy.Population) -> dict[tuple[str, str], str]:
    """{(dimension, value as compared): value as the survey spells it}."""
    return {(d, str(v).strip().casefold()): str(v) for d, column in people.values.items()
            for v in pd.unique(column)}


def headcount_by_wave(con: duckdb.DuckDBPyConnection, filters: dict | None = None) -> dict[str, int]:
    """{wave: headcount} of the selection (everyone, or the one group the filters pick: one value per filtered
    dimension), for the response rate and the finite-population margin of ``survey.enps_by_wave``
    (``finite_population_margin``); {} when none."""
    chosen = {d: v for d, v in (filters or {}).items() if v}
    if any(len(v) != 1 for v in chosen.values() if not isinstance(v, str)):
        return {}
    groups = {d: (v if isinstance(v, str) else v[0]) for d, v in chosen.items()}
    found = headcounts(con)
    out = {wave: headcount_for(found, wave, groups) for wave in survey_waves(con)}
    return {wave: n for wave, n in out.items() if n}


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def participation_report(con: duckdb.DuckDBPyConnection) -> dict | None:
    """``survey.participation`` of ``report --json``: {"waves": [...], "groups": [...]}, visible rows only, each
    with wave (and group {dimension: value}), responses, headcount, response_rate, flagged and flag; None when
    no headcount is stored."""
    if con.execute("SELECT count(*) FROM headcount").fetchone()[0] == 0:
        return None
    keys = ("responses", "headcount", "response_rate")
    waves = participation_by_wave(con)
    groups = participation_by_group(con)
    return {
        "low_rate": LOW_RATE,
        "waves": [{"wave": r["wave"], **{c: _plain(r[c]) for c in keys}, "flagged": r["flag"] is not None,
                   "flag": r["flag"]} for r in waves[~waves["suppressed"]].to_dict("records")],
        "groups": [{"wave": r["wave"], "group": r["groups"], **{c: _plain(r[c]) for c in keys},
                    "flagged": r["flag"] is not None, "flag": r["flag"]}
                   for r in groups[~groups["suppressed"]].to_dict("records")],
    }

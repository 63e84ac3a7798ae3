"""Headcounts: how many people each group holds, for the response rate (METRICS.md §5).

Two sources fill the ``headcount`` table (grain: one row per group and wave; ``groups`` = JSON object
{dimension: value}, '{}' = everyone; wave NULL = every wave; import_id NULL = typed in Settings):

- **a headcount file** (CSV or Excel, English or French): one headcount column ("Headcount", "Effectif",
  "Nombre de salariés", "Number of employees"…), group columns named like the survey's ("Department",
  "Service", "Équipe", "Site"…) and optionally a wave column. A row whose group cells are all blank, or read
  "Total" / "Everyone" / "Tout le monde", is everyone. Headcounts must be whole numbers from 0 (``1 234``,
  ``15,0`` are read); a bad row is rejected with its row number and the rest imports. Deleting the import
  deletes its rows.
- **typed in Settings**: rows (dimension, group, headcount) plus a total, for every wave; saving replaces every
  typed row, never an imported one.

Group dimensions are named as the survey importer names them (``survey_mapping.group_dimension``), so a
"Service" column here meets a "Department" column of the survey.
"""
from __future__ import annotations

import json
import re

import duckdb
import pandas as pd

from analytics.ingest import survey_mapping
from analytics.ingest import values as parsing
from analytics.ingest.import_log import ImportRejected
from analytics.ingest.plan import HIGH, MEDIUM, ImportPlan
from analytics.ingest.validation import Rejections, ragged_index, text_column
from analytics.store.settings import SettingError
from analytics.text import normalise_header

EVERYONE = "{}"
HEADCOUNT_HEADER = re.compile(
    r"^(?:headcount|head count|headcounts|effectif|effectifs|effectif total|nombre de salaries|nb salaries|"
    r"nombre d employes|nombre de collaborateurs|number of employees|employees|employee count|staff|"
    r"people|invited|invites|nombre d invites)$")
EVERYONE_WORDS = frozenset({"total", "grand total", "everyone", "all", "company", "tout le monde", "tous",
                            "ensemble", "entreprise", "total general"})
MAX_GROUP_COLUMNS = 6

# What a person typed in Settings and was refused (templates: ui words them; values fill them).
TYPED_GROUP_MISSING = "Headcount row {row}: choose a group dimension and type the group's name."
TYPED_NOT_WHOLE = "Headcount row {row}: enter a whole number of people from 0 (you entered {value})."
TYPED_TWICE = "Headcount: the group {group} appears twice."
TYPED_TOTAL = "Total headcount: enter a whole number of people from 0 (you entered {value})."
TYPED_REFUSALS = (TYPED_GROUP_MISSING, TYPED_NOT_WHOLE, TYPED_TWICE, TYPED_TOTAL)


def headcount_column(columns: list[str]) -> str | None:
    """The one column that holds headcounts, by its header; None when there is none or several."""
    found = [c for c in columns if HEADCOUNT_HEADER.match(normalise_header(c))]
    return found[0] if len(found) == 1 else None


def looks_like_headcount(columns: list[str]) -> bool:
    """A headcount file: a headcount column, and every other column a group or a wave (at most six)."""
    column = headcount_column(columns)
    others = [c for c in columns if c != column]
    return (column is not None and 0 < len(others) <= MAX_GROUP_COLUMNS
            and all(survey_mapping.is_wave_header(c) or survey_mapping.group_dimension(c) for c in others))


def group_columns(columns: list[str], count_column: str) -> tuple[dict[str, str], str | None]:
    """({column: dimension} of the group columns, the wave column or None); dimensions as the survey names them."""
    groups: dict[str, str] = {}
    wave = None
    for column in columns:
        if column == count_column:
            continue
        if wave is None and survey_mapping.is_wave_header(column):
            wave = column
            continue
        dimension = survey_mapping.group_dimension(column) or normalise_header(column)
        groups[column] = dimension if dimension not in groups.values() else normalise_header(column)
    return groups, wave


def prepare_headcount(ctx):
    """The importer's builder for a headcount file: (tables, rejected, warnings, mapping used, details)."""
    raw, plan = ctx.raw, ctx.plan
    frame = raw.frame
    columns = list(frame.columns)
    column = ctx.overrides.get("headcount") or headcount_column(columns)
    if column is None or column not in columns:
        raise ImportRejected("no headcount column: name it Headcount or Effectif, or map it with "
                             "--map headcount=COLUMN")
    groups, wave = group_columns(columns, column)
    _plan(plan, column, groups, wave)
    rej = Rejections(raw.row_numbers)
    rej.add(frame.index.isin(ragged_index(raw)), "ragged_row")
    parsed = parsing.parse_numbers(frame[column])
    count = parsed.values
    rej.add(parsed.bad | count.isna(), "not_a_number", frame[column], field="headcount")
    rej.add((count < 0) | (count != count.round()), "headcount_not_whole", frame[column])
    keys = pd.Series([_groups_json({d: v for d, v in row.items() if v is not None})
                      for row in _group_values(frame, groups)], index=frame.index, dtype="object")
    waves = text_column(frame, wave)
    repeated = pd.DataFrame({"k": keys, "w": waves.fillna("")}).duplicated(keep="first").to_numpy()
    rej.add(repeated & ~rej.bad, "repeated_group_wave")
    keep = ~rej.bad
    table = pd.DataFrame({"wave": waves, "groups": keys, "headcount": count}, index=frame.index)[keep]
    table = table.assign(headcount=table["headcount"].astype("int64")).reset_index(drop=True)
    used = {"headcount": column, "groups": groups, "wave": wave}
    return {"headcount": table}, rej.frame(), [], used, {}


def _group_values(frame: pd.DataFrame, groups: dict[str, str]) -> list[dict[str, str | None]]:
    """Each row's {dimension: value}; a row naming everyone ("Total", "Tout le monde") or blank is {}."""
    texts = {dimension: text_column(frame, column).tolist() for column, dimension in groups.items()}
    out = []
    for i in range(len(frame)):
        row = {d: texts[d][i] for d in texts}
        if all(v is None or normalise_header(v) in EVERYONE_WORDS for v in row.values()):
            row = {}
        out.append(row)
    return out


def _groups_json(groups: dict[str, str]) -> str:
    """The stored form of a group: a JSON object with sorted keys ('{}' = everyone)."""
    return json.dumps({d: str(v).strip() for d, v in sorted(groups.items())}, ensure_ascii=False, sort_keys=True)


def _plan(plan: ImportPlan, column: str, groups: dict[str, str], wave: str | None) -> None:
    plan.add("column", column, "headcount_header", HIGH, subject="headcount", fix="--map headcount=COLUMN")
    if groups:
        plan.add("groups", ", ".join(groups.values()), "headcount_groups", MEDIUM, columns=list(groups))
    if wave:
        plan.add("column", wave, "header_word", MEDIUM, subject="wave")


# --- typed in Settings ------------------------------------------------------------------------------------

def typed_headcount(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, int | None]:
    """The headcounts typed in Settings: (rows dimension, group, headcount in entry order; the total or None)."""
    rows = con.execute("SELECT groups, headcount FROM headcount WHERE import_id IS NULL AND wave IS NULL "
                       "ORDER BY rowid").fetchall()
    total = next((n for g, n in rows if g == EVERYONE), None)
    table = [{"dimension": d, "group": v, "headcount": n} for g, n in rows if g != EVERYONE
             for d, v in json.loads(g).items()]
    frame = pd.DataFrame(table, columns=["dimension", "group", "headcount"])
    return frame.astype({"headcount": "Int64"}), total


def save_typed_headcount(con: duckdb.DuckDBPyConnection, table: pd.DataFrame, total: object) -> int:
    """Replace every typed headcount (call inside a transaction) with the rows a person edited (dimension, group,
    headcount; blank rows ignored) and the total (blank or 0 = not given); SettingError (nothing stored) for a
    row without its group, a headcount that is not a whole number from 0, or a group typed twice. Rows stored."""
    rows: list[tuple[str, int]] = []
    for row, (dimension, group, count) in enumerate(zip(table["dimension"], table["group"], table["headcount"],
                                                        strict=True), start=1):
        if all(_blank(v) for v in (dimension, group, count)):
            continue
        if _blank(dimension) or _blank(group):
            raise SettingError(TYPED_GROUP_MISSING, row=row)
        rows.append((_groups_json({str(dimension): str(group)}), _whole(count, TYPED_NOT_WHOLE, row=row)))
    twice = pd.Series([g for g, _ in rows])
    if twice.duplicated().any():
        key = json.loads(twice[twice.duplicated()].iloc[0])
        raise SettingError(TYPED_TWICE, group=" / ".join(key.values()))
    if not _blank(total) and _whole(total, TYPED_TOTAL) > 0:
        rows.insert(0, (EVERYONE, _whole(total, TYPED_TOTAL)))
    con.execute("DELETE FROM headcount WHERE import_id IS NULL")
    for groups, count in rows:
        con.execute("INSERT INTO headcount (import_id, wave, groups, headcount) VALUES (NULL, NULL, ?, ?)",
                    [groups, count])
    return len(rows)


def _whole(value: object, template: str, **values: object) -> int:
    number = parsing.parse_numbers(pd.Series([value], dtype="object")).values.iloc[0]
    if pd.isna(number) or number < 0 or not float(number).is_integer():
        raise SettingError(template, value=str(value), **values)
    return int(number)


def _blank(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or bool(pd.isna(value))


__all__ = ["EVERYONE", "TYPED_REFUSALS", "headcount_column", "looks_like_headcount", "prepare_headcount",
           "save_typed_headcount", "typed_headcount"]

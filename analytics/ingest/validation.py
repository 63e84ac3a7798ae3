"""Validating the cells of a read file: rejected rows with their row numbers and reasons, and the column helpers
every row builder (deals, surveys, 1:1s, stage histories) shares."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.ingest import readers, values

# Why a row is rejected, by code: the English text (also the key ui translates) with its {placeholders}.
# ``cell`` is the row's own cell, quoted (``quoted``); ``field`` one of REJECT_FIELDS or a quoted column name.
REJECT_TEXTS = {
    "ragged_row": "this row has more cells than the header",
    "no_stage": "no stage",
    "no_opportunity_id": "no opportunity id",
    "no_change_date": "no change date",
    "stage_change_without_value": "stage change without a new value",
    "no_answer": "no answer in this row",
    "no_manager": "no manager",
    "no_employee": "no employee",
    "no_meeting_date": "no meeting date",
    "not_a_number": "{field} {cell} is not a number",
    "negative": "{field} {cell} is negative",
    "too_large": "{field} {cell} is too large (at most {limit})",
    "not_a_probability": "{field} {cell} is not between 0 and 100 %",
    "not_a_date": "{field} {cell} is not a date",
    "date_out_of_range": "{field} {cell} is before 1900 or after 2100",
    "repeated_deal_id": "deal id {cell} is repeated on a later row, which was kept",
    "enps_out_of_scale": "eNPS answer {cell} is not a whole number {low}–10",
    "answer_out_of_scale": "answer to {question} {cell} is not {low}–{high}",
    "not_minutes": "duration {cell} is not a number of minutes",
    "headcount_not_whole": "headcount {cell} is not a whole number of people from 0",
    "repeated_group_wave": "this group and wave are already on an earlier row",
}
# The built-in words a reason's ``field`` may be (ui translates them; a quoted column name stays as it is).
REJECT_FIELDS = ("amount", "probability", "created date", "close date", "response date", "meeting date",
                 "change date", "headcount")


class Rejections:
    """Collects rejected rows (row number as in the spreadsheet, reason) while a file is validated.

    Each rejection is a code of REJECT_TEXTS with its arguments (``reason_code``, ``reason_args``) and, for the
    CLI, the JSON and the logs, its English text (``reason``)."""

    def __init__(self, row_numbers: np.ndarray):
        self.row_numbers = np.asarray(row_numbers)
        self.bad = np.zeros(len(row_numbers), dtype=bool)
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series | np.ndarray, code: str, cells: pd.Series | None = None, **args: object) -> None:
        """Reject the rows under ``mask`` (not already rejected) for the reason ``code`` with its ``args``;
        ``cells``: the column whose cell each reason quotes (quoted only for the rows rejected: quoting every cell
        of a million-row column to reject a handful of rows would cost more than reading the file)."""
        mask = np.asarray(mask, dtype=bool) & ~self.bad
        if not mask.any():
            return
        if cells is None:
            arguments = [dict(args)] * int(mask.sum())
        else:
            shown = cells.to_numpy(dtype=object, na_value=None)[mask]
            arguments = [{**args, "cell": quoted("" if c is None else c)} for c in shown]
        template = REJECT_TEXTS[code]
        self.parts.append(pd.DataFrame({
            "row_number": self.row_numbers[mask],
            "reason": np.array([template.format(**a) for a in arguments], dtype=object),
            "reason_code": code, "reason_args": np.array(arguments, dtype=object)}))
        self.bad |= mask

    def frame(self) -> pd.DataFrame:
        """All rejected rows sorted by row number: row_number, reason (English), reason_code, reason_args."""
        if not self.parts:
            return pd.DataFrame({"row_number": pd.Series(dtype="int64"), "reason": pd.Series(dtype="object"),
                                 "reason_code": pd.Series(dtype="object"), "reason_args": pd.Series(dtype="object")})
        return pd.concat(self.parts, ignore_index=True).sort_values("row_number", ignore_index=True,
                                                                     kind="stable")


def quoted(text: object, limit: int = 40) -> str:
    """File content quoted in a message: repr-escaped, cut to ``limit`` characters (… when cut)."""
    text = str(text)
    return repr(text[:limit]) + ("…" if len(text) > limit else "")


def first_few(texts: list[str], limit: int = 5) -> str:
    """The first ``limit`` texts, joined by commas, with " …" when there are more (a message's examples)."""
    return ", ".join(texts[:limit]) + (" …" if len(texts) > limit else "")


def parse_dates_column(frame: pd.DataFrame, column: str | None, label: str, rej: Rejections,
                        details: dict, dayfirst_hint: bool | None = None,
                        evidence: dict[str, values.DateEvidence] | None = None) -> pd.Series:
    """Dates of one column (NaT when blank); unparseable cells reject their row. ``dayfirst_hint``: the file's
    date order (True day-first, False month-first) for values that do not show it themselves. ``evidence``: each
    column's over the whole file when `frame` is one slice of it; ``details["date_orders"][column]`` then holds
    what this slice showed (``values.Parsed.parts``), for ``values.date_details`` to join."""
    if column is None:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    parsed = values.parse_dates(frame[column], dayfirst_hint, None if evidence is None else evidence[column])
    far = parsed.bad & values.far_years(frame[column])
    rej.add(far, "date_out_of_range", frame[column], field=label)
    rej.add(parsed.bad, "not_a_date", frame[column], field=label)
    details.setdefault("date_orders", {})[column] = parsed.detail if evidence is None else parsed.parts
    return parsed.values


def text_column(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """A text column stripped, blanks as None (all None when the column is not mapped)."""
    if column is None:
        return pd.Series([None] * len(frame), index=frame.index, dtype="object")
    return _stripped_text(frame[column].astype("object"))


def _stripped_text(values: pd.Series) -> pd.Series:
    """Each value as stripped text, blanks as None. Worked out once per distinct value and shared between equal
    cells: an owner or a stage repeated on 100,000 rows stays one str object (one per cell would weigh many
    times the file), and a million distinct ids are not copied a second time."""
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):  # numbers, dates…: cell by cell
        stripped = values.where(values.isna(), values.astype(str).str.strip())
        return stripped.where(stripped.notna() & (stripped != ""), None)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = np.empty(len(uniques) + 1, dtype=object)  # the last one (code -1) is None: a blank cell
    # str.strip() removes exactly the characters the text method .str.strip() does (every code point checked),
    # and returns the cell's own object when there is nothing to strip.
    distinct[:-1] = [v.strip() or None for v in np.asarray(uniques, dtype=object)]
    distinct[-1] = None
    return pd.Series(distinct[codes], index=values.index, name=values.name, dtype=object)


def per_value(values: pd.Series, func) -> pd.Series:
    """``func`` of each non-blank text value, None elsewhere; called once per distinct value (an export repeats
    a few stage and status names on every row)."""
    distinct = [v for v in values.dropna().unique() if isinstance(v, str) and v]
    found = values.map({v: func(v) for v in distinct})
    return found.astype(object).where(found.notna(), None)


def date_only(values: pd.Series) -> pd.Series:
    """The dates as datetime.date objects (None where blank), one object per distinct date shared by its rows."""
    stamps = pd.to_datetime(values)
    codes, uniques = pd.factorize(stamps, use_na_sentinel=True)
    distinct = np.empty(len(uniques) + 1, dtype=object)
    distinct[:-1] = pd.Series(uniques).dt.date.astype("object").to_numpy(dtype=object)
    distinct[-1] = None
    return pd.Series(distinct[codes], index=values.index, name=stamps.name, dtype=object).where(values.notna(), None)


def ragged_index(raw: readers.RawTable) -> np.ndarray:
    ragged = set(getattr(raw, "ragged_rows", []) or [])
    return raw.frame.index[np.isin(raw.row_numbers, list(ragged))] if ragged else np.array([], dtype=int)

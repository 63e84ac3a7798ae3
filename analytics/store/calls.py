"""What a forecast call may hold, and how submissions are written (table ``forecast_calls``, schema 6).

A call is what an owner (level 'owner') or a manager for a team (level 'team') expects to win in a period: the
commit (what they are confident of) and the best case (with upside). Calls are never overwritten: each
submission is one row, and the call of a week is its latest submission that week (``week_of`` = the Monday of
``submitted_on``'s week). The rules live here, beside the table, because both the app (``analytics.sales.calls``)
and the file import (``analytics.ingest.calls``) write calls, and the importer may only depend on the store.

A refused call raises ``CallError``: a code and its arguments, worded by the app in the reader's language.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import duckdb

from analytics.store.schema import MAX_AMOUNT

LEVELS = ("owner", "team")
PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")

# Why a call is refused, by code: the English text (also the key the app translates) with its {placeholders}.
LEVEL = "call_level"
NAME_BLANK = "call_name_blank"
PERIOD_FORMAT = "call_period"
AMOUNT_MISSING = "call_amount_missing"
COMMIT_NEGATIVE = "call_commit_negative"
BEST_BELOW_COMMIT = "call_best_below_commit"
AMOUNT_TOO_LARGE = "call_amount_too_large"
DATE_MISSING = "call_date_missing"
CALL_TEXTS = {
    LEVEL: "A call is an owner's or a team's (got {level}).",
    NAME_BLANK: "Give the owner or the team of the call.",
    PERIOD_FORMAT: "The period must look like 2026-12 or 2026-Q4 (got {period}).",
    AMOUNT_MISSING: "The {field} must be a number.",
    COMMIT_NEGATIVE: "The commit must be 0 or more (got {commit}).",
    BEST_BELOW_COMMIT: "The best case ({best_case}) must be at least the commit ({commit}).",
    AMOUNT_TOO_LARGE: "The {field} must be below {maximum}.",
    DATE_MISSING: "The submission date is missing or is not a date.",
}
FIELD_NAMES = ("commit", "best case")   # the {field} of AMOUNT_MISSING and AMOUNT_TOO_LARGE


class CallError(ValueError):
    """A call refused: ``code`` (a key of CALL_TEXTS) and ``values`` (its placeholders); ``str()`` is the English
    sentence."""

    def __init__(self, code: str, **values: object) -> None:
        self.code, self.values = code, values
        super().__init__(CALL_TEXTS[code].format(**values))


@dataclass(frozen=True)
class Call:
    """One submission, checked: level, name, period ('YYYY-MM' | 'YYYY-Qn'), commit, best case, submitted_on."""
    level: str
    name: str
    period: str
    commit: float
    best_case: float
    submitted_on: dt.date

    @property
    def week_of(self) -> dt.date:
        """The Monday of the submission's week."""
        return week_of(self.submitted_on)


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (ISO weeks start on Monday)."""
    return day - dt.timedelta(days=day.weekday())


def clean_period(text: object) -> str:
    """'2026-12' or '2026-Q4' from what was typed ('2026-q4 ' too); CallError(PERIOD_FORMAT) otherwise."""
    period = str(text if text is not None else "").strip().upper()
    if not PERIOD.match(period):
        raise CallError(PERIOD_FORMAT, period=period)
    return period


def period_bounds(period: str) -> tuple[dt.date, dt.date, str]:
    """(first day, last day, grain 'month' | 'quarter') of a checked period."""
    found = PERIOD.match(clean_period(period))
    year = int(found.group(1))
    if found.group(2):
        first_month, months, grain = int(found.group(2)), 1, "month"
    else:
        first_month, months, grain = 3 * int(found.group(3)) - 2, 3, "quarter"
    start = dt.date(year, first_month, 1)
    index = year * 12 + first_month - 1 + months
    end = dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end, grain


def checked_call(level: object, name: object, period: object, commit: object, best_case: object,
                 submitted_on: object) -> Call:
    """The call as typed, checked: a known level, a name, a period like 2026-12 or 2026-Q4, numbers with
    best case >= commit >= 0 (each below MAX_AMOUNT), a submission date; CallError (code and arguments)
    for the first rule broken."""
    level = str(level or "").strip().lower()
    if level not in LEVELS:
        raise CallError(LEVEL, level=level)
    name = "" if name is None else str(name).strip()
    if not name:
        raise CallError(NAME_BLANK)
    period = clean_period(period)
    commit_value, best_value = _amount(commit, FIELD_NAMES[0]), _amount(best_case, FIELD_NAMES[1])
    if commit_value < 0:
        raise CallError(COMMIT_NEGATIVE, commit=commit_value)
    if best_value < commit_value:
        raise CallError(BEST_BELOW_COMMIT, commit=commit_value, best_case=best_value)
    if isinstance(submitted_on, dt.datetime):
        submitted_on = submitted_on.date()
    if not isinstance(submitted_on, dt.date):
        raise CallError(DATE_MISSING)
    return Call(level, name, period, commit_value, best_value, submitted_on)


def _amount(value: object, field: str) -> float:
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise CallError(AMOUNT_MISSING, field=field)
    if abs(number) >= MAX_AMOUNT:
        raise CallError(AMOUNT_TOO_LARGE, field=field, maximum=MAX_AMOUNT)
    return number


def insert_calls(con: duckdb.DuckDBPyConnection, calls: list[Call], source: str = "app") -> int:
    """Add submissions (call inside ``transaction``), in order: nothing is updated or deleted. Returns how many."""
    if not calls:
        return 0
    con.executemany(
        "INSERT INTO forecast_calls (level, name, period, commit_amount, best_case, submitted_on, week_of, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(c.level, c.name, c.period, c.commit, c.best_case, c.submitted_on, c.week_of, source) for c in calls])
    return len(calls)


def already_stored(con: duckdb.DuckDBPyConnection, call: Call) -> bool:
    """True when the very same submission (level, name, period, amounts, date) is already in the table."""
    return con.execute(
        "SELECT count(*) FROM forecast_calls WHERE level = ? AND name = ? AND period = ? AND commit_amount = ? "
        "AND best_case = ? AND submitted_on = ?",
        [call.level, call.name, call.period, call.commit, call.best_case, call.submitted_on]).fetchone()[0] > 0

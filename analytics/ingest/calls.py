"""Import forecast calls from a CSV or Excel file: owner (or team), period, commit, best case, date.

The file is read like any export (``readers``: CSV dialects, `;` and decimal commas, Excel; title rows and
footers skipped) and its columns are matched by their headers in English or French. Each row is one submission
(``analytics.store.calls``); a row that breaks a rule is rejected with its row number as seen in the
spreadsheet and the code of the reason, the others are added in one transaction. A row with an owner is the
owner's call; a row with only a team is the team's (its manager's) call. A row already stored exactly (same
owner or team, period, amounts and date) is skipped, so importing the same file twice adds nothing.

The file is refused whole, the database untouched, when it cannot be read, lacks a needed column, or holds
no valid row: ``CallsRejected`` with a code (a key of FILE_TEXTS) and its values.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import pandas as pd

from analytics import store
from analytics.ingest import readers, values
from analytics.store.calls import (
    AMOUNT_MISSING,
    DATE_MISSING,
    FIELD_NAMES,
    Call,
    CallError,
    already_stored,
    checked_call,
    insert_calls,
)
from analytics.text import normalise_header

# Headers (as normalise_header writes them) of each field, English and French.
HEADERS = {
    "owner": ("owner", "deal owner", "opportunity owner", "rep", "sales rep", "salesperson", "account executive",
              "proprietaire", "proprietaire de l affaire", "commercial", "commerciale", "vendeur", "responsable"),
    "team": ("team", "sales team", "equipe", "equipe commerciale"),
    "period": ("period", "forecast period", "month", "quarter", "periode", "mois", "trimestre"),
    "commit": ("commit", "commit amount", "commit forecast", "commit call", "engagement", "engage",
               "montant engage", "prevision engagee"),
    "best_case": ("best case", "bestcase", "best case amount", "best case forecast", "meilleur cas",
                  "hypothese haute"),
    "date": ("date", "submitted on", "submitted", "submission date", "call date", "date submitted",
             "date de soumission", "soumis le", "soumission", "date d appel", "date de l appel"),
}
REQUIRED = ("period", "commit", "best_case", "date")

FILE_TEXTS = {  # why a calls file is refused whole, by code: the English text (the key the app translates)
    "calls_unreadable": "{reason}",
    "calls_missing_columns": "{file}: no {columns} column. A calls file has the columns owner (or team), period, "
                             "commit, best case and date.",
    "calls_no_valid_row": "{file}: no row could be imported ({rejected} rejected); nothing was stored.",
}


class CallsRejected(Exception):
    """The whole calls file is refused (nothing stored): ``code`` (a key of FILE_TEXTS) and ``values``."""

    def __init__(self, code: str, **found: object) -> None:
        self.code, self.values = code, found
        super().__init__(FILE_TEXTS[code].format(**found))


@dataclass
class CallsImport:
    """What a calls file gave: the calls to add, the duplicates skipped, the rows rejected.

    ``rejected``: (row number as in the spreadsheet, code of ``analytics.store.calls.CALL_TEXTS``, values).
    """
    file_name: str
    calls: list[Call] = field(default_factory=list)
    rejected: list[tuple[int, str, dict]] = field(default_factory=list)
    imported: int = 0
    skipped: int = 0

    def summary(self) -> str:
        """One English line for the command line."""
        return (f"{self.file_name}: {self.imported} calls imported, {self.skipped} already there, "
                f"{len(self.rejected)} rows rejected")


def match_columns(columns: list[str]) -> dict[str, str]:
    """{field: column} for the headers that name a field (the first column wins)."""
    found: dict[str, str] = {}
    for column in columns:
        header = normalise_header(column)
        for name, aliases in HEADERS.items():
            if header in aliases and name not in found:
                found[name] = column
    return found


def prepare_calls(source: str | os.PathLike | bytes, file_name: str) -> CallsImport:
    """Read and check a calls file; nothing is written. CallsRejected when the file cannot be read or lacks a
    column (owner or team, period, commit, best case, date)."""
    try:
        raw = readers.read_table(source, file_name)
    except readers.ReadError as exc:
        raise CallsRejected("calls_unreadable", reason=str(exc)) from None
    frame = raw.frame
    columns = match_columns(list(frame.columns))
    missing = [name.replace("_", " ") for name in REQUIRED if name not in columns]
    if "owner" not in columns and "team" not in columns:
        missing.insert(0, "owner")
    if missing:
        raise CallsRejected("calls_missing_columns", file=readers.file_label(file_name), columns=", ".join(missing))
    commits = values.parse_numbers(frame[columns["commit"]])
    bests = values.parse_numbers(frame[columns["best_case"]])
    dates = values.parse_dates(frame[columns["date"]])
    result = CallsImport(readers.file_label(file_name))
    for position, row_number in enumerate(raw.row_numbers):
        owner, team = (_cell(frame, columns.get(name), position) for name in ("owner", "team"))
        try:
            if bool(commits.bad.iloc[position]):
                raise CallError(AMOUNT_MISSING, field=FIELD_NAMES[0])
            if bool(bests.bad.iloc[position]):
                raise CallError(AMOUNT_MISSING, field=FIELD_NAMES[1])
            day = dates.values.iloc[position]
            if pd.isna(day):
                raise CallError(DATE_MISSING)
            result.calls.append(checked_call("owner" if owner or not team else "team", owner or team,
                                             period_text(_cell(frame, columns["period"], position)),
                                             commits.values.iloc[position], bests.values.iloc[position],
                                             day.date()))
        except CallError as exc:
            result.rejected.append((int(row_number), exc.code, exc.values))
    return result


def _cell(frame: pd.DataFrame, column: str | None, position: int) -> str | None:
    if column is None:
        return None
    value = frame[column].iloc[position]
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value).strip()


_MONTH_AS_DATE = re.compile(r"^(\d{4})-(\d{2})-01(?:[ T]00:00(?::00)?)?$")   # a month a spreadsheet made a date
_QUARTER_FIRST = re.compile(r"^Q([1-4])[ -/]?(\d{4})$")                       # Q4 2026
_YEAR_QUARTER = re.compile(r"^(\d{4})[ /]?Q([1-4])$")                         # 2026 Q4, 2026Q4


def period_text(text: str | None) -> str:
    """The period as the rules read it: '2026-12-01' (a month turned into a date by a spreadsheet) -> '2026-12',
    'Q4 2026' or '2026 Q4' -> '2026-Q4'; anything else as it is (checked by ``checked_call``)."""
    period = (text or "").strip().upper()
    if found := _MONTH_AS_DATE.match(period):
        return f"{found.group(1)}-{found.group(2)}"
    if found := _QUARTER_FIRST.match(period):
        return f"{found.group(2)}-Q{found.group(1)}"
    if found := _YEAR_QUARTER.match(period):
        return f"{found.group(1)}-Q{found.group(2)}"
    return period


def import_calls(source: str | os.PathLike | bytes, file_name: str, db: str | os.PathLike | None = None) -> CallsImport:
    """Read, check and store a calls file in one transaction; the rows already stored are skipped. CallsRejected
    (nothing stored) when the file is refused or holds no valid row."""
    result = prepare_calls(source, file_name)
    if not result.calls:
        raise CallsRejected("calls_no_valid_row", file=result.file_name, rejected=len(result.rejected))
    with store.transaction(db) as con:
        new = [call for call in result.calls if not already_stored(con, call)]
        result.imported = insert_calls(con, new, source=f"file:{result.file_name}"[:200])
    result.skipped = len(result.calls) - result.imported
    return result

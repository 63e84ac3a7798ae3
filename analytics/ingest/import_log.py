"""What one import is and leaves behind: the user's options, the outcome, its fingerprint, its snapshot date, the
remembered column mappings, and the one-line messages of a rejected file."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analytics import store
from analytics.ingest import mapping, readers


class ImportRejected(Exception):
    """The whole file is refused; str() is one user-facing line naming the file and what to do."""


class NeedsAnswers(ImportRejected):
    """The import plan holds weak guesses that change numbers: nothing is stored until they are answered (the
    message names each question and the exact option that answers it)."""


class AlreadyImported(Exception):
    """The same content (sha-256) is already in the database."""


@dataclass
class ImportOptions:
    """What the user said about a file: forced kind, snapshot date, sheet, column overrides, partial, and the
    answers to the import plan's questions: the date order ("dmy"/"mdy"), the probability scale
    ("percent"/"fraction"), the unit of the amounts ("units"/"thousands"/"millions") and the order of open stages
    per pipeline."""
    kind: str | None = None
    as_of: dt.date | None = None
    sheet: str | None = None
    overrides: dict[str, str] = field(default_factory=dict)
    partial: bool = False
    is_sample: bool = False
    date_order: str | None = None
    probability_scale: str | None = None
    amount_unit: str | None = None
    stages: dict[str, list[str]] = field(default_factory=dict)

    def answers(self) -> dict[str, str]:
        """The answers to remember with the columns (ANSWER_KEYS), as given."""
        return {key: value for key, value in (("date_order", self.date_order),
                                              ("probability_scale", self.probability_scale),
                                              ("amount_unit", self.amount_unit)) if value}


# Answers remembered beside a file's column overrides (saved_mappings), under these keys.
ANSWER_KEYS = {"date_order": "@date_order", "probability_scale": "@probability_scale", "amount_unit": "@amount_unit"}


def split_answers(saved: dict) -> tuple[dict[str, str], dict[str, str]]:
    """A remembered mapping -> (column overrides, answers such as {"date_order": "dmy"})."""
    keys = {stored: name for name, stored in ANSWER_KEYS.items()}
    overrides = {k: v for k, v in saved.items() if k not in keys}
    answers = {keys[k]: v for k, v in saved.items() if k in keys}
    return overrides, answers


# Import warnings by code: the English text (also the key ui translates), with its {placeholders}.
WARNING_TEXTS = {
    "unknown_status": "{n} rows have a status that is not open/won/lost; their stage decides.",
    "blank_amount": "{n} deals have a blank amount (counted, but left out of value totals).",
    "blank_created": "{n} deals have a blank created date (counted, but left out of cohort and cycle metrics).",
    "no_amount_column": "No amount column: value totals are not available (map one with --map amount=COLUMN).",
    "made_deal_ids": "{n} rows have no deal id: a key was made from the deal name and created date, so renaming "
                     "a deal will look like a new deal.",
    "repeated_deal_ids": "{n} rows repeat a deal id already listed later in the file; the last row of each deal "
                         "was kept (earlier rows: {rows}).",
    "identifiers_dropped": "Identifier columns dropped, never stored: {columns}.",
    "enps_1_10": "eNPS asked on a 1–10 scale: classed like 0–10, but not comparable with 0–10 benchmarks.",
    "history_other_fields": "{n} history rows record other fields ({fields}) and were not used.",
    "snapshot_import_day": "Nothing dates this export (no --as-of, no date in the file name, no last-modified "
                           "column): it is taken as of today, {date}, so every open deal is judged as of today. "
                           "Give the export's date with --as-of or in the file name.",
    "field_candidates": "No {field} column; {columns} could be one: {option}.",
    "rejected_known_deals": "{n} rejected rows are deals of earlier exports ({ids}): this full export leaves them "
                            "out, so they count as dropped from its date. Fix those rows, delete this import and "
                            "import the file again.",
    "unread_sheets": "Only the sheet \"{sheet}\" was read; {sheets} hold data too: import each with --sheet NAME.",
    "history_no_stage": "{n} history rows belong to deals with no stage change in the file: their stage is "
                        "unknown, so they were not used.",
}


class ImportWarning(str):
    """One import warning: a code (WARNING_TEXTS) with its values; as a string, its English text.

    The importer returns these, the CLI prints them as they are, and ui words them in the reader's language from
    ``code`` and ``values`` (``values`` are plain numbers and texts, never formatted).
    """

    code: str
    values: dict

    def __new__(cls, code: str, **values: object) -> ImportWarning:
        values = {k: one_line(v) if isinstance(v, str) else v for k, v in values.items()}  # file text: one line
        text = super().__new__(cls, one_line(WARNING_TEXTS[code].format(**values)))
        text.code, text.values = code, values
        return text

    def __getnewargs_ex__(self):
        return (self.code,), self.values


@dataclass
class ImportResult:
    """What happened to one file: imported (with counts and warnings) or already imported."""
    file_name: str
    status: str
    import_id: int | None
    kind: str
    snapshot_on: dt.date | None
    rows_imported: int = 0
    rows_rejected: int = 0
    warnings: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)   # (row number, reason), by row number
    notes: list[str] = field(default_factory=list)                  # what else the import did (sample data removed)

    def summary(self) -> str:
        """One line for the user."""
        if self.status == "already imported":
            return f"{self.file_name}: already imported (same content), nothing changed."
        return (f"{self.file_name}: imported {self.rows_imported} {self.kind.replace('_', ' ')} rows "
                f"as of {self.snapshot_on}, {self.rows_rejected} rejected.")


def sha256_of(data: bytes) -> str:
    """The file's content fingerprint: identical exports have identical fingerprints."""
    return hashlib.sha256(data).hexdigest()


def already_imported(con: duckdb.DuckDBPyConnection, digest: str) -> bool:
    """True when a file with this exact content was imported before."""
    return con.execute("SELECT count(*) FROM imports WHERE sha256 = ?", [digest]).fetchone()[0] > 0


def already_result(name: str) -> ImportResult:
    return ImportResult(name, "already imported", None, "", None)


def saved_mappings(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Column mappings the user chose before, by column signature."""
    return {sig: json.loads(m) for sig, m in con.execute("SELECT signature, mapping FROM saved_mappings").fetchall()}


def remember_mapping(con: duckdb.DuckDBPyConnection, columns: list[str], kind: str, overrides: dict,
                     answers: dict | None = None) -> None:
    """Save the user's column choices (and answers: date order, probability scale) so files with the same columns
    are read the same way next time."""
    stored = {**overrides, **{ANSWER_KEYS[k]: v for k, v in (answers or {}).items() if k in ANSWER_KEYS}}
    con.execute("INSERT OR REPLACE INTO saved_mappings (signature, kind, mapping, saved_at) "
                "VALUES (?, ?, ?, current_timestamp)",
                [mapping.column_signature(columns), kind, json.dumps(stored)])


SAMPLE_REMOVED_NOTE = "The sample data (a fictional company) was removed: your data is not mixed with it."


def replace_sample(con: duckdb.DuckDBPyConnection, options: ImportOptions) -> list[str]:
    """The first real import replaces the sample data, in the import's own transaction: a real export never blends
    with the fictional company. The note to show the user ([] when there was no sample)."""
    if options.is_sample:
        return []
    return [SAMPLE_REMOVED_NOTE] if store.remove_sample_data(con) else []


_NAME_DATES = (
    (re.compile(r"(?<!\d)(\d{4})[-_.](\d{2})[-_.](\d{2})(?!\d)"), (1, 2, 3)),
    (re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"), (1, 2, 3)),
    (re.compile(r"(?<!\d)(\d{2})[-_.](\d{2})[-_.](\d{4})(?!\d)"), (3, 2, 1)),
)


def date_in_file_name(file_name: str) -> dt.date | None:
    """A date written in the file name (2026-11-20, 2026_11_20, 20261120 or 20-11-2026), else None."""
    for pattern, (y, m, d) in _NAME_DATES:
        for match in pattern.finditer(Path(file_name).name):
            try:
                return dt.date(int(match.group(y)), int(match.group(m)), int(match.group(d)))
            except ValueError:
                continue
    return None


def snapshot_date(file_name: str, as_of: dt.date | None) -> tuple[dt.date, str]:
    """The snapshot date (METRICS.md §2): --as-of, else a date in the file name, else today; and its source."""
    if as_of:
        return as_of, "as-of"
    found = date_in_file_name(file_name)
    if found:
        return found, "file name"
    return dt.date.today(), "import day"


def named(file_name: str, reason: str) -> str:
    """One line naming the file (its base name, escaped) and the reason."""
    label = readers.file_label(file_name)
    reason = one_line(reason)
    if reason.lower().startswith(label.lower()):
        return reason
    return f"{label}: {reason}"


MESSAGE_LIMIT = 400


def one_line(message: str) -> str:
    """A message made safe to print or show: control characters escaped, at most MESSAGE_LIMIT characters.

    Messages quote file content only through short excerpts; this is the net for anything longer.
    """
    return readers.escape(" ".join(str(message).split()), MESSAGE_LIMIT)


@dataclass(frozen=True)
class ImportState:
    """What the app needs to know before a page runs, from the import log alone (a few rows, never the data):
    how many imports there are, how many of them are sample data, whether the user cleared the sample data (it is
    then never loaded again), and the newest deals snapshot date (None when no deal row was imported)."""
    imports: int
    sample_imports: int
    sample_cleared: bool
    latest_deals_snapshot: dt.date | None


def import_state(con: duckdb.DuckDBPyConnection) -> ImportState:
    """The import log's state in one small query (grain: the whole database).

    latest_deals_snapshot = max(snapshot date) over the deals imports that stored at least one row: the same date
    as the newest row of deal_snapshots, read from the import log instead of the snapshot rows."""
    row = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE is_sample), "
        "       max(snapshot_on) FILTER (WHERE kind = 'deals' AND rows_imported > 0), "
        "       (SELECT any_value(value) FROM settings WHERE name = ?) "
        "FROM imports", [store.SAMPLE_CLEARED]).fetchone()
    return ImportState(imports=row[0], sample_imports=row[1], sample_cleared=row[3] == "true",
                       latest_deals_snapshot=row[2])

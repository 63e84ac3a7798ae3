"""The table inside an export: the RawTable a reader returns, the error it raises, and where the table sits.

Exports put report titles above the header and totals or disclaimers below the data. These functions find the
header row, the footer rows and the column names, the same way for CSV files and workbooks."""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

BLANK_CHARS = " \t\r\n\x0b\x0c\u00a0\u202f\u2007\u2009\u200b\ufeff"


class ReadError(Exception):
    """A file that cannot be read at all.

    str(exc) is one user-facing line: what is wrong with the file and what to do about it. It never holds a
    traceback, and at most ~60 characters of the file's own content, escaped.
    """

    def __init__(self, file_name: str, problem: str | None = None, action: str = "") -> None:
        if problem is None:
            message = str(file_name)
        else:
            message = f"{file_label(file_name)}: {problem.rstrip('.')}." + (f" {action}" if action else "")
        super().__init__(" ".join(message.split()))


@dataclass
class RawTable:
    """The data rows of an uploaded file as text, plus what was detected while reading it.

    frame: data rows only, every cell a stripped str or None; unique column names ("Amount", "Amount (2)"); a
    column without heading is "Column 7" (CSV) or "Column G" (workbook), or dropped when it is blank too.
    row_numbers: for each frame row, the row number the user sees (CSV: line on which the record starts).
    skipped_title_rows: rows above the header (blank ones included), i.e. header_row - 1.
    skipped_footer_rows: non-blank rows ignored below the data ("Grand Totals", "Confidential", ...).
    unread_sheets: a workbook read without a sheet named, its other visible sheets with data rows (not read).
    title_text: the non-blank cells of the rows above the header, in order (a report's "As of 11/27/2026").
    ragged_rows / ragged_widths: CSV rows with non-blank cells beyond the header's width, and how many cells
    they have; the extra cells are not in `frame`.
    """

    frame: pd.DataFrame
    row_numbers: np.ndarray
    file_format: str
    encoding: str | None
    delimiter: str | None
    header_row: int
    sheet: str | None
    sheets: list[str]
    skipped_title_rows: int
    skipped_footer_rows: int
    notes: list[str]
    ragged_rows: list[int] = field(default_factory=list)
    ragged_widths: list[int] = field(default_factory=list)
    unread_sheets: list[str] = field(default_factory=list)  # other visible sheets holding data rows, not read
    title_text: list[str] = field(default_factory=list)  # the cells of the title rows above the header


def title_cells(rows: list[list[str | None]]) -> list[str]:
    """The non-blank cells of title rows, in order, each cut to one short line (at most 20 cells)."""
    return [escape(c, 80) for row in rows for c in row if c is not None and str(c).strip()][:20]


def file_label(file_name: str) -> str:
    """The file's base name as shown to the user, escaped and shortened."""
    base = os.path.basename(str(file_name or "").replace("\\", "/")) or "The file"
    return escape(base, 80)


def escape(text: str, limit: int = 60) -> str:
    """Text made safe for a one-line message: control characters escaped, cut to `limit` characters."""
    out = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text)[:limit])
    return out + ("…" if len(str(text)) > limit else "")


# What reading the file noticed, by code: the English text (also the key ui translates), with its {placeholders}.
NOTE_TEXTS = {
    "read_csv": "Read as CSV: {encoding} text separated by {delimiter}.",
    "ragged_rows": "{n} row(s) have more cells than the header (first: row {row}).",
    "title_rows": "Skipped {n} row(s) above the header, which is on row {row}.",
    "footer_rows": "Ignored {n} row(s) below the data.",
    "footer_rows_example": "Ignored {n} row(s) below the data (starting with \"{example}\").",
    "blank_rows": "Skipped {n} blank row(s) inside the data.",
    "repeated_header": "Skipped {n} row(s) repeating the header (a report's groups or pages).",
    "empty_columns": "Dropped {n} empty column(s) without a heading.",
    "renamed_columns": "Renamed repeated column heading(s): {columns}.",
    "read_sheet": "Read sheet \"{sheet}\" ({n} sheet(s) in the workbook).",
    "skipped_sheets": "Sheet(s) {sheets} hold no data rows; read the first sheet with data.",
}


class ReadNote(str):
    """One thing reading the file noticed: a code (NOTE_TEXTS) with its values; as a string, its English text.

    The CLI prints it and the import log stores it as that text; ui words it in the reader's language from
    ``code`` and ``values`` (plain numbers and texts, file text already escaped to one short line)."""

    code: str
    values: dict

    def __new__(cls, code: str, **values: object) -> ReadNote:
        text = super().__new__(cls, NOTE_TEXTS[code].format(**values))
        text.code, text.values = code, values
        return text

    def __getnewargs_ex__(self):
        return (self.code,), self.values


def password_error(file_name: str) -> ReadError:
    """The error for a password-protected workbook."""
    return ReadError(file_name, "the workbook is password-protected, so it cannot be read",
                     "Open it in Excel, save a copy without a password (File > Info > Protect Workbook), "
                     "and upload that copy.")


@dataclass
class Body:
    """Data rows: cells (object, None when blank), which cells are filled (2-D bool), and their row numbers."""

    cells: pd.DataFrame
    filled: np.ndarray
    lines: np.ndarray

    def take(self, rows=slice(None), columns=slice(None)) -> Body:
        """The given rows (positions, slice or mask) and columns of this body."""
        return Body(self.cells.iloc[rows, columns], self.filled[rows][:, columns], self.lines[rows])


def clean_column(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(the column as an object array of stripped str with None for blank cells, which cells are non-blank).

    Equal cells share one str object (a stage, an owner or a date repeated on 100,000 rows is stored once):
    a big export's cells take a fraction of the memory they would as one Python string per cell."""
    text = column.astype("str").str.strip(BLANK_CHARS)
    blank = text.isna().to_numpy(dtype=bool) | (text == "").to_numpy(dtype=bool, na_value=True)
    codes, uniques = pd.factorize(text.where(~blank), use_na_sentinel=True)
    distinct = np.empty(len(uniques) + 1, dtype=object)  # the last one (code -1) is None: a blank cell
    distinct[:-1] = np.asarray(uniques, dtype=object)
    return distinct[codes], ~blank


def split_ragged(data: Body, width: int) -> tuple[list[int], list[int], Body]:
    """(row numbers of rows with non-blank cells past the header, their cell counts, body cut to header width)."""
    if data.cells.shape[1] <= width:
        return [], [], data
    extra = data.filled[:, width:]
    mask = extra.any(axis=1)
    counts = width + extra.shape[1] - np.argmax(extra[:, ::-1], axis=1)
    return data.lines[mask].tolist(), counts[mask].tolist(), data.take(columns=slice(0, width))


def drop_footer_rows(data: Body, width: int) -> tuple[Body, int, str]:
    """(body without the footer rows found among its last rows, footer rows with content, first footer text)."""
    rows = [list(r) for r in data.cells.iloc[-TAIL_RECORDS:].itertuples(index=False, name=None)]
    cut = footer_start(rows, width)
    dropped = len(rows) - cut
    if not dropped:
        return data, 0, ""
    return data.take(slice(0, len(data.lines) - dropped)), content_rows(rows[cut:]), first_text(rows[cut:])


_NUMERIC_LIKE = re.compile(r"^[^A-Za-z\u00c0-\u024f]*\d[^A-Za-z\u00c0-\u024f]*$")


_TOTAL_RE = re.compile(
    r"^(?:grand\s+)?(?:sub-?\s?)?totals?\b\s*(?:[(:\-–]|$)|^sous-totaux?\b|^total\s+g[ée]n[ée]ral|^grand\s+total",
    re.IGNORECASE)


_FOOTER_RE = re.compile(
    r"confidential|confidentiel|copyright|©|\(c\)\s*\d{4}|all rights reserved|tous droits r[ée]serv[ée]s"
    r"|do not distribute|ne pas diffuser|^generated\b|^g[ée]n[ée]r[ée]\b|^report\s+(?:generated|run|created)"
    r"|^exported?\b|^export[ée]\b|^\(?\d[\d\s,.]*\s+(?:records?|rows?|enregistrements?|lignes?)\)?\.?$"
    r"|^(?:record|row)\s+count\b|^nombre\s+d'enregistrements",
    re.IGNORECASE)


def clean_row(cells: list[str]) -> list[str | None]:
    """Cells stripped of blanks, with None for empty cells."""
    return [c.strip(BLANK_CHARS) or None for c in cells]


def find_header(rows: list[list[str | None]]) -> int | None:
    """Index of the header row (None when every row is blank).

    The header is the first mostly-text row as wide as the table's typical row; failing that, the first mostly-text
    row at least half as wide; failing that, the first row as wide as the typical row.
    """
    head = rows[:HEAD_RECORDS]
    counts = [sum(c is not None for c in r) for r in head]
    if not any(counts):
        return None
    wide = Counter(n for n in counts if n >= 2)
    typical = max(wide.items(), key=lambda item: (item[1], item[0]))[0] if wide else 1
    for need in (typical, max(2, math.ceil(typical / 2))):
        for i, n in enumerate(counts):
            if n >= need and _mostly_text(head[i]):
                return i
    return next(i for i, n in enumerate(counts) if n >= typical)


def _mostly_text(row: list[str | None]) -> bool:
    """True when fewer than half of the row's non-blank cells look like numbers or dates."""
    cells = [c for c in row if c is not None]
    return sum(bool(_NUMERIC_LIKE.match(c)) for c in cells) * 2 < len(cells)


def _is_footer_row(row: list[str | None], width: int) -> bool:
    """True for a blank row, a 'Total' row, or a short footer line such as 'Confidential' or 'Copyright'."""
    cells = [c for c in row if c is not None]
    if not cells:
        return True
    if _TOTAL_RE.search(cells[0]):
        return True
    return len(cells) <= 2 and bool(_FOOTER_RE.search(cells[0]))


def footer_start(rows: list[list[str | None]], width: int) -> int:
    """Index in `rows` (the last rows of the table) where the footer begins; len(rows) when there is none.

    The footer is the trailing block of blank rows, total rows, footer lines, and lone cells in a wide table,
    starting at its first blank row, total row or footer line (lone cells right under the data are kept).
    """
    i = len(rows)
    while i > 0 and (_is_footer_row(rows[i - 1], width) or _lone_cell(rows[i - 1], width)):
        i -= 1
    for j in range(i, len(rows)):
        if _is_footer_row(rows[j], width):
            return j
    return len(rows)


def _lone_cell(row: list[str | None], width: int) -> bool:
    """True for a row with a single non-blank cell in a table at least 3 columns wide."""
    return width >= 3 and sum(c is not None for c in row) == 1


def content_rows(rows: list[list[str | None]]) -> int:
    """How many of `rows` have at least one non-blank cell."""
    return sum(any(c is not None for c in row) for row in rows)


def first_text(rows: list[list[str | None]]) -> str:
    """The first non-blank cell among `rows`, for an example in a note."""
    for row in rows:
        for cell in row:
            if cell is not None:
                return cell
    return ""


def finish_frame(file_name: str, header: list[str | None], data: Body, letters: bool):
    """(frame with named columns, row numbers, notes): blank rows and unnamed blank columns removed."""
    keep = data.filled.any(axis=1)
    notes = []
    if not keep.all():
        notes.append(ReadNote("blank_rows", n=int((~keep).sum())))
        data = data.take(keep)
    repeated = repeated_headers(header, data.cells)
    if repeated.any():  # a report's groups or pages, or exports pasted one under the other
        notes.append(ReadNote("repeated_header", n=int(repeated.sum())))
        data = data.take(~repeated)
    if not len(data.lines):
        raise header_only_error(file_name)
    names, keep_columns, column_notes = column_names(header, data.filled.any(axis=0), letters)
    frame = data.cells.iloc[:, keep_columns].reset_index(drop=True)
    frame.columns = names
    return frame, np.asarray(data.lines, dtype=np.int64), notes + column_notes


def repeated_headers(header: list[str | None], cells: pd.DataFrame) -> np.ndarray:
    """The data rows that repeat the header: every named column (two at least) holds its own heading."""
    named = [(i, " ".join(h.split())) for i, h in enumerate(header[:cells.shape[1]]) if h]
    same = np.zeros(len(cells), dtype=bool)
    if len(named) < 2:
        return same
    first, heading = named[0]
    same = np.array(cells.iloc[:, first] == heading, dtype=bool)  # one test per row; the rest on those rows only
    for i, heading in named[1:]:
        if not same.any():
            break
        rows = np.flatnonzero(same)
        same[rows] = (cells.iloc[rows, i] == heading).to_numpy(dtype=bool)
    return same


def column_names(header: list[str | None], filled: np.ndarray, letters: bool):
    """(unique column names, positions of the columns kept, notes about renamed or dropped columns)."""
    names, positions, notes, dropped = [], [], [], 0
    for pos in range(len(filled)):
        name = header[pos] if pos < len(header) else None
        if name is None and not filled[pos]:
            dropped += 1
            continue
        name = " ".join(name.split()) if name else f"Column {_column_letter(pos) if letters else pos + 1}"
        names.append(name)
        positions.append(pos)
    if dropped:
        notes.append(ReadNote("empty_columns", n=dropped))
    unique = _dedupe(names)
    renamed = [f"\"{escape(new, 40)}\"" for old, new in zip(names, unique, strict=True) if old != new]
    if renamed:
        notes.append(ReadNote("renamed_columns", columns=", ".join(renamed)))
    return unique, positions, notes


def _dedupe(names: list[str]) -> list[str]:
    """Names made unique: the second 'Amount' becomes 'Amount (2)', the third 'Amount (3)'."""
    taken = set(names)
    seen: Counter = Counter()
    out = []
    for name in names:
        seen[name] += 1
        if seen[name] == 1:
            out.append(name)
            continue
        n = seen[name]
        while f"{name} ({n})" in taken:
            n += 1
        out.append(f"{name} ({n})")
        taken.add(out[-1])
    return out


def _column_letter(pos: int) -> str:
    """The spreadsheet letter of a 0-based column position: 0 -> 'A', 27 -> 'AB'."""
    letters = ""
    pos += 1
    while pos:
        pos, rem = divmod(pos - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def skip_notes(header_row: int, footer_count: int, footer_example: str) -> list[str]:
    """Notes (ReadNote) about the title rows above the header and the footer rows below the data."""
    notes = []
    if header_row > 1:
        notes.append(ReadNote("title_rows", n=header_row - 1, row=header_row))
    if footer_count and footer_example:
        notes.append(ReadNote("footer_rows_example", n=footer_count, example=escape(footer_example, 50)))
    elif footer_count:
        notes.append(ReadNote("footer_rows", n=footer_count))
    return notes


HEAD_RECORDS = 60            # ... and in at most this many records


TAIL_RECORDS = 50


def header_only_error(file_name: str) -> ReadError:
    """The error for a file with a header row and no data rows."""
    return ReadError(file_name, "the file has column headings but no data rows",
                     "Check the report's filters, export it again, and upload the new file.")

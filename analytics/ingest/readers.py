"""Turn an uploaded CRM / HR export into a table of strings, and parse its values column by column.

`read_table` accepts CSV (any of `,` `;` tab `|`, UTF-8 with or without BOM, Windows-1252, Latin-1, UTF-16 with BOM)
and Excel / OpenDocument workbooks (.xlsx .xlsm .xls .ods, read with python-calamine). It finds the header row below
report title rows, drops report footers ("Grand Totals", "Confidential", "Copyright" ...), and returns every cell as a
stripped `str` or `None`, with the spreadsheet row number the user sees for every data row.

`parse_numbers`, `parse_dates`, `parse_probability` and `currency_symbols` are vectorised: they take a pandas Series
of text and decide the format (decimal comma, day-first dates, 0-100 percentages ...) once per column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "ReadError", "RawTable", "Parsed", "read_table", "load_bytes", "max_file_bytes", "escape", "file_label",
    "parse_numbers", "parse_dates", "parse_probability", "currency_symbols", "far_years",
]

CSV_EXTENSIONS = {".csv", ".txt", ".tsv", ".tab"}
EXCEL_EXTENSIONS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes (|)"}
ENCODING_NAMES = {
    "utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252",
    "latin-1": "Latin-1", "utf-16": "UTF-16",
}
HEAD_BYTES = 256 * 1024      # the header, title rows and delimiter are found in this much of the file
HEAD_RECORDS = 60            # ... and in at most this many records
TAIL_BYTES = 64 * 1024       # footers are looked for in this much of the end of the file
TAIL_RECORDS = 50
MAX_IRREGULAR_ROWS = 10_000  # rows with too few / too many cells that the fast CSV path puts back by itself
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
BLANK_CHARS = " \t\r\n\x0b\x0c\u00a0\u202f\u2007\u2009\u200b\ufeff"


# --------------------------------------------------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------------------------------------------------

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


@dataclass
class Parsed:
    """Values parsed from a text column: `values` (NaN/NaT where blank or bad), `bad` (non-blank but unreadable)."""

    values: pd.Series
    bad: pd.Series
    detail: str


# --------------------------------------------------------------------------------------------------------------------
# read_table: sniffing
# --------------------------------------------------------------------------------------------------------------------

def read_table(source: str | os.PathLike | bytes, file_name: str, sheet: str | None = None) -> RawTable:
    """Read an uploaded CSV or Excel file into a RawTable of strings; raise ReadError if it cannot be read."""
    data = load_bytes(source, file_name)
    kind = _sniff(data, file_name)
    if kind == "csv":
        return _read_csv(data, file_name)
    return _read_workbook(data, file_name, kind, sheet)


def file_label(file_name: str) -> str:
    """The file's base name as shown to the user, escaped and shortened."""
    base = os.path.basename(str(file_name or "").replace("\\", "/")) or "The file"
    return escape(base, 80)


def escape(text: str, limit: int = 60) -> str:
    """Text made safe for a one-line message: control characters escaped, cut to `limit` characters."""
    out = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text)[:limit])
    return out + ("…" if len(str(text)) > limit else "")


def load_bytes(source, file_name: str) -> bytes:
    """The raw bytes of the upload, from a path, bytes, or an object with read()/getvalue().

    A file larger than ``max_file_bytes()`` is refused before it is read.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(_checked_size(source, len(source), file_name))
    if hasattr(source, "getvalue"):
        return bytes(_checked_size(source.getvalue(), len(source.getvalue()), file_name))
    if hasattr(source, "read"):
        data = source.read(max_file_bytes() + 1)
        return bytes(_checked_size(data, len(data), file_name))
    try:
        _checked_size(None, os.path.getsize(source), file_name)
        with open(source, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ReadError(file_name, f"the file could not be opened ({exc.strerror or 'unknown error'})",
                        "Upload it again.") from None


def max_file_bytes() -> int:
    """The largest file an import reads: $PULSE_MAX_FILE_MB megabytes, default 200 (Streamlit's upload limit).

    Reading and checking a CSV takes about 20 times its size in memory, so the limit keeps memory bounded.
    """
    return int(float(os.environ.get("PULSE_MAX_FILE_MB") or 200) * 1024 * 1024)


def _checked_size(data, size: int, file_name: str):
    """``data`` unchanged, or ReadError when ``size`` bytes is over the import limit."""
    limit = max_file_bytes()
    if size > limit:
        raise ReadError(file_name, f"the file is {size / 2**20:,.1f} MB, over the {limit / 2**20:,.0f} MB limit "
                        "of an import", "Export one pipeline or period at a time, or raise PULSE_MAX_FILE_MB "
                        "where the machine has the memory (about 20 times the file's size).")
    return data


def _extension(file_name: str) -> str:
    """The lower-case extension of the file name, e.g. '.csv'."""
    return os.path.splitext(str(file_name or ""))[1].lower()


def _sniff(data: bytes, file_name: str) -> str:
    """'csv', 'xlsx', 'xls' or 'ods' from the file's content (its name only breaks ties); ReadError otherwise."""
    ext = _extension(file_name)
    if not data:
        raise ReadError(file_name, "the file is empty (0 bytes)", "Export the report again and upload the new file.")
    if data.startswith(ZIP_MAGIC):
        return _sniff_zip(data, file_name, ext)
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data, file_name, ext)
    if data.startswith(b"%PDF"):
        raise ReadError(file_name, "this is a PDF document, not a spreadsheet",
                        "Export the report as CSV or Excel and upload that file.")
    _sniff_text(data, file_name, ext)
    return "csv"


def _sniff_zip(data: bytes, file_name: str, ext: str) -> str:
    """The workbook kind of a ZIP-based file, or ReadError for a damaged zip or a zip that is not a workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError):
        raise ReadError(file_name, "the workbook is incomplete or damaged (it may have been cut off while "
                        "downloading)", "Open it in Excel, save it again, and upload the new copy.") from None
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        kind = "xlsx"
    elif b"opendocument.spreadsheet" in mimetype or "content.xml" in names and not mimetype:
        kind = "ods"
    else:
        raise ReadError(file_name, _zip_problem(names), _zip_action(names))
    if ext in CSV_EXTENSIONS:
        raise ReadError(file_name, f"this is an Excel workbook (.{kind}) but its name ends in {ext}",
                        f"Rename it to .{kind} and upload it again, or export the report as CSV.")
    return kind


def _zip_problem(names: set[str]) -> str:
    """What kind of non-spreadsheet ZIP file this is, in the user's words."""
    if any(n.startswith("word/") for n in names):
        return "this is a Word document, not a spreadsheet"
    if any(n.startswith("ppt/") for n in names):
        return "this is a PowerPoint presentation, not a spreadsheet"
    return "this is a ZIP archive, not a spreadsheet"


def _zip_action(names: set[str]) -> str:
    """What to do with a non-spreadsheet ZIP file."""
    if any(n.lower().endswith((".csv", ".xlsx", ".xls")) for n in names):
        return "Unzip it and upload the CSV or Excel file inside."
    return "Export the report as CSV or Excel and upload that file."


def _sniff_ole(data: bytes, file_name: str, ext: str) -> str:
    """'xls' for an old-format workbook, or ReadError for an encrypted (password-protected) Office file."""
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        raise _password_error(file_name)
    if ext in CSV_EXTENSIONS:
        raise ReadError(file_name, f"this is an old-format Excel workbook (.xls) but its name ends in {ext}",
                        "Rename it to .xls and upload it again, or export the report as CSV.")
    return "xls"


def _password_error(file_name: str) -> ReadError:
    """The error for a password-protected workbook."""
    return ReadError(file_name, "the workbook is password-protected, so it cannot be read",
                     "Open it in Excel, save a copy without a password (File > Info > Protect Workbook), "
                     "and upload that copy.")


def _sniff_text(data: bytes, file_name: str, ext: str) -> None:
    """Raise ReadError unless the content is plain delimited text that belongs in a CSV upload."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        start = data[:2048].decode("utf-16", errors="replace").lstrip("\ufeff" + BLANK_CHARS)
    else:
        if b"\x00" in data[:1024] or _mostly_unprintable(data[:4096]):
            raise ReadError(file_name, "this file is not a spreadsheet (binary content)",
                            "Export the report as CSV or Excel and upload it again.")
        start = data[:2048].decode("utf-8", errors="replace").lstrip("\ufeff" + BLANK_CHARS)
    if not start:
        raise ReadError(file_name, "the file contains only blank lines, no table",
                        "Export the report again and upload the new file.")
    _reject_markup(start, file_name)
    if ext in EXCEL_EXTENSIONS:
        first_line = start.split("\n", 1)[0]
        raise ReadError(file_name, f"this file is named {ext} but contains plain text, not a workbook "
                        f"(it starts with \"{escape(first_line, 40)}\")",
                        "Rename it to .csv and upload it again.")


def _mostly_unprintable(head: bytes) -> bool:
    """True when over 10 % of the characters that start the file, decoded as a CSV would be, are control
    characters: an image, an archive or random bytes renamed .csv."""
    text = _to_utf8(head)[0].decode("utf-8", errors="replace")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r")
    return controls > 0.1 * max(len(text), 1)


def _reject_markup(start: str, file_name: str) -> None:
    """Raise ReadError for an HTML page, an XML document or a JSON file, judged from the first characters."""
    low = start[:200].lower()
    if low.startswith(("<!doctype", "<html", "<head", "<body", "<table", "<meta")):
        raise ReadError(file_name, "this is a web page (HTML), not a CSV or Excel export",
                        "Use the report's Export button to download CSV or Excel, and upload that file.")
    if low.startswith("<?xml") or low.startswith("<"):
        raise ReadError(file_name, "this is an XML document, not a CSV or Excel export",
                        "Open it in Excel, save it as .xlsx or .csv, and upload that file.")
    if start.startswith("{") or re.match(r"\[\s*[\[{\"\d\-\]]|\[\s*(true|false|null)\b", start):
        raise ReadError(file_name, "this is a JSON file, not a table",
                        "Export the data as CSV or Excel and upload that file.")


# --------------------------------------------------------------------------------------------------------------------
# read_table: CSV
# --------------------------------------------------------------------------------------------------------------------

@dataclass
class _Record:
    """One CSV record of the head or tail of a file: its first and last physical line, and its cells."""

    first: int
    last: int
    cells: list[str]


def _read_csv(data: bytes, file_name: str) -> RawTable:
    """RawTable of a delimited text file."""
    text, encoding = _to_utf8(data)
    delimiter, header, header_cells = _csv_header(text, file_name)
    width = len(header.cells)
    body_start = _line_offset(text, header.last + 1)
    body_end, footer_count, footer_example = _trim_footer(text, body_start, delimiter, width)
    data = _csv_body(text[body_start:body_end], delimiter, width, file_name, header.last + 1)
    if footer_count is None:
        data, footer_count, footer_example = _drop_footer_rows(data, width)
    ragged, widths, data = _split_ragged(data, width)
    frame, row_numbers, more = _finish(file_name, header_cells, data, letters=False)
    notes = [f"Read as CSV: {ENCODING_NAMES[encoding]} text separated by {DELIMITER_NAMES[delimiter]}."]
    if ragged:
        notes.append(f"{len(ragged)} row(s) have more cells than the header (first: row {ragged[0]}).")
    return RawTable(
        frame=frame, row_numbers=row_numbers, file_format="csv", encoding=encoding, delimiter=delimiter,
        header_row=header.first, sheet=None, sheets=[], skipped_title_rows=header.first - 1,
        skipped_footer_rows=footer_count, ragged_rows=ragged, ragged_widths=widths,
        notes=notes + _skip_notes(header.first, footer_count, footer_example) + more,
    )


def _csv_header(text: bytes, file_name: str) -> tuple[str, _Record, list[str | None]]:
    """(delimiter, header record, cleaned header cells), found in the first records of the file."""
    head = text[:HEAD_BYTES].decode("utf-8", errors="replace")
    if len(text) > HEAD_BYTES:
        head = head[: head.rfind("\n") + 1] or head
    delimiter, records = _pick_delimiter(head, limit_reached=len(text) > HEAD_BYTES)
    rows = [_clean_row(r.cells) for r in records]
    h = _find_header(rows)
    if h is None:
        raise ReadError(file_name, "the file contains only blank lines or empty cells, no table",
                        "Export the report again and upload the new file.")
    return delimiter, records[h], rows[h]


def _csv_body(body: bytes, delimiter: str, width: int, file_name: str, first_line: int) -> _Body:
    """The data records between header and footer, cleaned, with the line on which each record starts."""
    if not re.search(b"[^\\s" + re.escape(delimiter.encode()) + b"]", body):
        raise _header_only(file_name)
    grid = _parse_body(body, delimiter, width, file_name, first_line)
    lines = _record_lines(body, len(grid), first_line)
    cleaned = [_clean_column(grid[c]) for c in grid.columns]
    cells = pd.DataFrame({i: values for i, (values, _) in enumerate(cleaned)}, dtype=object)
    return _Body(cells, np.column_stack([filled for _, filled in cleaned]), lines)


def _header_only(file_name: str) -> ReadError:
    """The error for a file with a header row and no data rows."""
    return ReadError(file_name, "the file has column headings but no data rows",
                     "Check the report's filters, export it again, and upload the new file.")


def _to_utf8(data: bytes) -> tuple[bytes, str]:
    """The file as UTF-8 bytes with '\\n' line ends, and the encoding it was written in."""
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data[3:], "utf-8-sig"
        text = text.decode("utf-8", errors="replace").encode("utf-8") if not _is_utf8(text) else text
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = data.decode("utf-16", errors="replace").lstrip("\ufeff").encode("utf-8"), "utf-16"
    elif _is_utf8(data):
        text, encoding = data, "utf-8"
    else:
        try:
            text, encoding = data.decode("cp1252").encode("utf-8"), "cp1252"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1").encode("utf-8"), "latin-1"
    if b"\r" in text:
        text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return text, encoding


def _is_utf8(data: bytes) -> bool:
    """True when the bytes are valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _csv_records(text: str, delimiter: str, limit: int | None) -> list[_Record]:
    """The first `limit` CSV records of `text`, with their physical line numbers (1-based within `text`)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    records: list[_Record] = []
    previous = 0
    try:
        for cells in reader:
            records.append(_Record(previous + 1, reader.line_num, cells))
            previous = reader.line_num
            if limit is not None and len(records) >= limit:
                break
    except csv.Error:
        pass
    return records


def _pick_delimiter(head: str, limit_reached: bool) -> tuple[str, list[_Record]]:
    """The delimiter giving the most consistent column count over the first records, and those records."""
    best: tuple = (-1.0, 0, 0)
    chosen = ","
    parsed: dict[str, list[_Record]] = {}
    for delimiter in DELIMITERS:
        records = _csv_records(head, delimiter, HEAD_RECORDS)
        if limit_reached and 1 < len(records) < HEAD_RECORDS:
            records = records[:-1]
        parsed[delimiter] = records
        score = _delimiter_score(records)
        if score > best:
            best, chosen = score, delimiter
    return chosen, parsed[chosen]


def _delimiter_score(records: list[_Record]) -> tuple[float, int, int]:
    """How well a delimiter splits the records: (share of non-blank records having the most common width,
    minus the position of the first record it splits, that width); (0, 0, 1) when it splits nothing."""
    widths = [len(r.cells) for r in records if any(c.strip(BLANK_CHARS) for c in r.cells)]
    multi = Counter(w for w in widths if w > 1)
    if not multi:
        return (0.0, 0, 1)
    width, count = max(multi.items(), key=lambda item: (item[1], item[0]))
    first_split = next(i for i, w in enumerate(widths) if w > 1)
    return (round(count / len(widths), 3), -first_split, width)


def _line_offset(text: bytes, line: int) -> int:
    """The byte offset where 1-based physical line `line` starts (len(text) past the end)."""
    offset = 0
    for _ in range(line - 1):
        nxt = text.find(b"\n", offset)
        if nxt < 0:
            return len(text)
        offset = nxt + 1
    return offset


def _trim_footer(text: bytes, body_start: int, delimiter: str, width: int) -> tuple[int, int | None, str]:
    """(end of the data in bytes, number of footer records, first footer text) found in the last records.

    The footer count is None when the tail could not be cut at a record boundary; footers are then found later.
    """
    start = _tail_boundary(text, body_start)
    if start is None:
        return len(text), None, ""
    tail = text[start:].decode("utf-8", errors="replace")
    records = _csv_records(tail, delimiter, None)[-TAIL_RECORDS:]
    rows = [_clean_row(r.cells) for r in records]
    cut = _footer_start(rows, width)
    if cut == len(rows):
        return len(text), 0, ""
    end = start + len(tail[: _str_line_offset(tail, records[cut].first)].encode("utf-8"))
    return end, _content_rows(rows[cut:]), _first_text(rows[cut:])


def _str_line_offset(text: str, line: int) -> int:
    """The character offset where 1-based line `line` of `text` starts."""
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset


def _tail_boundary(text: bytes, body_start: int) -> int | None:
    """A line start near the end of the file that is outside any quoted value, or None if none is found."""
    start = max(body_start, len(text) - TAIL_BYTES)
    if start > body_start:
        start = text.find(b"\n", start) + 1 or len(text)
    quotes = text.count(b'"', body_start, start)
    for _ in range(200):
        if quotes % 2 == 0:
            return start
        nxt = text.find(b"\n", start)
        if nxt < 0:
            return None
        quotes += text.count(b'"', start, nxt + 1)
        start = nxt + 1
    return None


def _parse_body(body: bytes, delimiter: str, width: int, file_name: str, first_line: int) -> pd.DataFrame:
    """Every record of the data part of the file as str columns 0..n (n >= width; short rows padded with '')."""
    fast = _parse_body_pyarrow(body, delimiter, width)
    if fast is not None:
        return fast
    for _ in range(6):
        try:
            with warnings.catch_warnings():
                # pandas only warns (and drops cells) when the first row is wider than `names`: make it an error.
                warnings.simplefilter("error", pd.errors.ParserWarning)
                return pd.read_csv(
                    io.BytesIO(body), sep=delimiter, header=None, names=list(range(width)), index_col=False,
                    dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False, quotechar='"',
                    doublequote=True, engine="c", encoding="utf-8", encoding_errors="replace",
                )
        except pd.errors.ParserWarning:
            width = max(width * 2, _max_fields_bound(body, delimiter))
        except pd.errors.ParserError as exc:
            width = _wider(str(exc), body, delimiter, width, file_name, first_line)
    raise ReadError(file_name, "the rows of this file could not be separated into cells",
                    "Export the report again as CSV and upload the new file.")


def _wider(message: str, body: bytes, delimiter: str, width: int, file_name: str, first_line: int) -> int:
    """A larger column count to retry with after the parser met a row with too many cells."""
    unclosed = re.search(r"EOF inside string starting at row (\d+)", message)
    if unclosed:
        line = first_line + int(unclosed.group(1))
        raise ReadError(file_name, f"a quoted value that starts on line {line} is never closed, so the rows after "
                        "it cannot be told apart",
                        "Fix the stray quote (\") in the file or export the report again.")
    seen = re.search(r"saw (\d+)", message)
    if not seen:
        raise ReadError(file_name, "the rows of this file could not be separated into cells",
                        "Export the report again as CSV and upload the new file.")
    return max(int(seen.group(1)), width * 2, _max_fields_bound(body, delimiter))


def _max_fields_bound(body: bytes, delimiter: str) -> int:
    """An upper bound on the number of cells in any record (delimiters per quote-balanced record, plus one)."""
    arr = np.frombuffer(body, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    quotes = np.flatnonzero(arr == 34)
    ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
    seps = np.flatnonzero(arr == ord(delimiter))
    if not len(seps):
        return 1
    return int(np.bincount(np.searchsorted(ends, seps)).max()) + 1


def _parse_body_pyarrow(body: bytes, delimiter: str, width: int) -> pd.DataFrame | None:
    """The fast path: every record parsed by pyarrow, or None when pyarrow cannot be used for this file.

    Rows with the wrong number of cells (up to MAX_IRREGULAR_ROWS of them) are parsed separately and put back in
    their place; None sends the file to pandas' C parser instead.
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow ships with the app
        return None
    skipped: list[str] = []

    def on_invalid(row) -> str:
        if len(skipped) >= MAX_IRREGULAR_ROWS:
            return "error"
        skipped.append(row.text)
        return "skip"

    names = [str(i) for i in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False, newlines_in_values=True,
                ignore_empty_lines=False, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                quoted_strings_can_be_null=False, null_values=[]),
        )
    except Exception:  # noqa: BLE001 - any other irregularity sends the file to pandas' C parser
        return None
    columns = [table.column(i) for i in range(width)]
    if skipped:
        columns = _put_back_irregular(columns, skipped, body, delimiter, width)
        if columns is None:
            return None
    as_text = pd.StringDtype("pyarrow", na_value=np.nan)
    frame = pa.table(columns, names=[str(i) for i in range(len(columns))]).to_pandas(types_mapper=lambda t: as_text)
    frame.columns = range(len(columns))
    return frame


def _put_back_irregular(columns: list, skipped: list[str], body: bytes, delimiter: str, width: int) -> list | None:
    """Arrow columns with the rows pyarrow skipped put back in their place (None if their places are unclear)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = _irregular_records(body, delimiter, width)
    regular = len(columns[0])
    if found is None or len(found[0]) != len(skipped) or found[1] != regular + len(skipped):
        return None
    positions, total = found
    rows = [next(csv.reader(io.StringIO(t), delimiter=delimiter, quotechar='"', strict=False), []) for t in skipped]
    index = np.empty(total, dtype=np.int64)
    index[np.setdiff1d(np.arange(total), positions, assume_unique=True)] = np.arange(regular)
    index[positions] = regular + np.arange(len(skipped))
    out = []
    for j in range(max(width, *map(len, rows))):
        base = columns[j] if j < width else pa.array([""] * regular, type=pa.string())
        extra = pa.array([r[j] if j < len(r) else "" for r in rows], type=pa.string())
        joined = pa.concat_arrays([c.cast(pa.large_string()) for c in _chunks(base)] + [extra.cast(pa.large_string())])
        out.append(pc.take(joined, pa.array(index)))
    return out


def _chunks(column) -> list:
    """The arrays of an Arrow column (a ChunkedArray or a plain Array)."""
    return list(column.chunks) if hasattr(column, "chunks") else [column]


def _irregular_records(body: bytes, delimiter: str, width: int) -> tuple[np.ndarray, int] | None:
    """(positions of the non-empty records whose cell count is not `width`, number of records), from quote parity."""
    arr = np.frombuffer(body, dtype=np.uint8)
    quotes = np.flatnonzero(arr == 34)
    newlines = np.flatnonzero(arr == 10)
    ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
    total = len(ends) + (1 if len(body) and body[-1:] != b"\n" else 0)
    if not total:
        return None
    seps = np.flatnonzero(arr == ord(delimiter))
    seps = seps[np.searchsorted(quotes, seps) % 2 == 0]
    cells = np.bincount(np.searchsorted(ends, seps), minlength=total)[:total] + 1
    starts = np.concatenate(([0], ends[: total - 1] + 1))
    stops = np.append(ends, len(body))[:total]
    empty = starts == stops
    return np.flatnonzero((cells != width) & ~empty), total


def _record_lines(body: bytes, count: int, first_line: int) -> np.ndarray:
    """The physical line on which each of `count` records starts (records may span lines inside quotes).

    When quote counting disagrees with the parser (stray quotes), records are numbered one per line.
    """
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
    if lines == count:
        return first_line + np.arange(count, dtype=np.int64)
    arr = np.frombuffer(body, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    quotes = np.flatnonzero(arr == 34)
    ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
    starts = np.concatenate(([0], ends + 1))
    starts = starts[starts < len(body)]
    if len(starts) != count:
        return first_line + np.arange(count, dtype=np.int64)
    return first_line + np.searchsorted(newlines, starts).astype(np.int64)


@dataclass
class _Body:
    """Data rows: cells (object, None when blank), which cells are filled (2-D bool), and their row numbers."""

    cells: pd.DataFrame
    filled: np.ndarray
    lines: np.ndarray

    def take(self, rows=slice(None), columns=slice(None)) -> _Body:
        """The given rows (positions, slice or mask) and columns of this body."""
        return _Body(self.cells.iloc[rows, columns], self.filled[rows][:, columns], self.lines[rows])


def _clean_column(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(the column as an object array of stripped str with None for blank cells, which cells are non-blank)."""
    text = column.astype("str").str.strip(BLANK_CHARS)
    blank = text.isna().to_numpy(dtype=bool) | (text == "").to_numpy(dtype=bool, na_value=True)
    values = text.where(~blank).to_numpy(dtype=object, na_value=None)
    return values, ~blank


def _split_ragged(data: _Body, width: int) -> tuple[list[int], list[int], _Body]:
    """(row numbers of rows with non-blank cells past the header, their cell counts, body cut to header width)."""
    if data.cells.shape[1] <= width:
        return [], [], data
    extra = data.filled[:, width:]
    mask = extra.any(axis=1)
    counts = width + extra.shape[1] - np.argmax(extra[:, ::-1], axis=1)
    return data.lines[mask].tolist(), counts[mask].tolist(), data.take(columns=slice(0, width))


def _drop_footer_rows(data: _Body, width: int) -> tuple[_Body, int, str]:
    """(body without the footer rows found among its last rows, footer rows with content, first footer text)."""
    rows = [list(r) for r in data.cells.iloc[-TAIL_RECORDS:].itertuples(index=False, name=None)]
    cut = _footer_start(rows, width)
    dropped = len(rows) - cut
    if not dropped:
        return data, 0, ""
    return data.take(slice(0, len(data.lines) - dropped)), _content_rows(rows[cut:]), _first_text(rows[cut:])


# --------------------------------------------------------------------------------------------------------------------
# read_table: workbooks
# --------------------------------------------------------------------------------------------------------------------

def _read_workbook(data: bytes, file_name: str, kind: str, sheet: str | None) -> RawTable:
    """RawTable of one sheet of an Excel or OpenDocument workbook."""
    workbook = _open_workbook(data, file_name, kind)
    names = [str(n) for n in workbook.sheet_names]
    chosen, rows, notes = _choose_sheet(workbook, names, sheet, file_name)
    h = _find_header(rows)
    body, footer_count, footer_example = _sheet_body(rows, h)
    frame, row_numbers, more = _finish(file_name, rows[h], body, letters=True)
    notes.append(f"Read sheet \"{escape(chosen)}\" ({len(names)} sheet(s) in the workbook).")
    return RawTable(
        frame=frame, row_numbers=row_numbers, file_format=kind, encoding=None, delimiter=None, header_row=h + 1,
        sheet=chosen, sheets=names, skipped_title_rows=h, skipped_footer_rows=footer_count,
        notes=notes + _skip_notes(h + 1, footer_count, footer_example) + more,
    )


def _sheet_body(rows: list[list[str | None]], h: int) -> tuple[_Body, int, str]:
    """(the rows below header row `h` without the footer, footer rows with content, first footer text)."""
    width = max(len(r) for r in rows)
    tail = rows[h + 1:][-TAIL_RECORDS:]
    footer = tail[_footer_start(tail, sum(c is not None for c in rows[h])):]
    body = rows[h + 1: len(rows) - len(footer)]
    cells = pd.DataFrame(body, columns=range(width), dtype=object) if body else pd.DataFrame(columns=range(width))
    filled = cells.notna().to_numpy(dtype=bool).reshape(len(body), width)
    lines = np.arange(h + 2, h + 2 + len(body), dtype=np.int64)
    return _Body(cells, filled, lines), _content_rows(footer), _first_text(footer)


def _open_workbook(data: bytes, file_name: str, kind: str):
    """A python-calamine workbook, or ReadError saying why the workbook cannot be opened."""
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise _password_error(file_name) from None
    except Exception:  # noqa: BLE001 - calamine raises several unrelated error types for damaged files
        if kind == "xls":
            raise ReadError(file_name, "this old-format Office file could not be opened as an Excel workbook",
                            "Open it in Excel, save it as .xlsx, and upload that file.") from None
        raise ReadError(file_name, "the workbook is incomplete or damaged (it may have been cut off while "
                        "downloading)", "Open it in Excel, save it again, and upload the new copy.") from None


def _choose_sheet(workbook, names: list[str], sheet: str | None, file_name: str):
    """(sheet name, its rows as text, notes): the requested sheet, else the first sheet holding any data."""
    if sheet is not None:
        match = _match_sheet(names, sheet)
        if match is None:
            listed = ", ".join(f"\"{escape(n, 30)}\"" for n in names[:10])
            raise ReadError(file_name, f"there is no sheet named \"{escape(sheet, 30)}\"",
                            f"Sheets in this workbook: {listed}.")
        rows = _sheet_rows(workbook, match)
        if _find_header(rows) is None:
            raise ReadError(file_name, f"the sheet \"{escape(match, 30)}\" is empty",
                            "Choose the sheet that holds the data, or export the report again.")
        return match, rows, []
    order = _visible_first(workbook, names)
    for index, name in enumerate(order):
        rows = _sheet_rows(workbook, name)
        if _find_header(rows) is not None:
            skipped = ", ".join(f"\"{escape(n, 30)}\"" for n in order[:index])
            return name, rows, [f"Sheet(s) {skipped} are empty; read the first sheet with data."] if index else []
    raise ReadError(file_name, "every sheet in this workbook is empty",
                    "Check that you exported the right report, then upload it again.")


def _visible_first(workbook, names: list[str]) -> list[str]:
    """Sheet names with visible sheets first (in workbook order), then hidden ones."""
    import python_calamine

    try:
        visible = python_calamine.SheetVisibleEnum.Visible
        hidden = {str(m.name) for m in workbook.sheets_metadata if m.visible != visible}
    except Exception:  # noqa: BLE001 - metadata is optional
        hidden = set()
    return [n for n in names if n not in hidden] + [n for n in names if n in hidden]


def _match_sheet(names: list[str], wanted: str) -> str | None:
    """The sheet named `wanted` (exactly, else ignoring case and surrounding spaces), or None."""
    if wanted in names:
        return wanted
    folded = {n.strip().casefold(): n for n in names}
    return folded.get(str(wanted).strip().casefold())


def _sheet_rows(workbook, name: str) -> list[list[str | None]]:
    """Every row of the sheet from A1, each cell as text or None."""
    try:
        values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - chart sheets and unreadable sheets count as empty
        return []
    return [[_cell_text(v) for v in row] for row in values]


def _cell_text(value) -> str | None:
    """A workbook cell as the text a user would type: ISO dates, '123' for whole numbers, None when blank."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.strip(BLANK_CHARS) or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return str(value).strip(BLANK_CHARS) or None


def _float_text(value: float) -> str | None:
    """A float as Excel shows it: '123' when whole, else up to 15 significant digits without an exponent."""
    if math.isnan(value) or math.isinf(value):
        return None
    if value.is_integer():
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        text = np.format_float_positional(float(text), trim="-")
    return text


# --------------------------------------------------------------------------------------------------------------------
# read_table: header, footer, final frame (shared by CSV and workbooks)
# --------------------------------------------------------------------------------------------------------------------

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


def _clean_row(cells: list[str]) -> list[str | None]:
    """Cells stripped of blanks, with None for empty cells."""
    return [c.strip(BLANK_CHARS) or None for c in cells]


def _find_header(rows: list[list[str | None]]) -> int | None:
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


def _footer_start(rows: list[list[str | None]], width: int) -> int:
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


def _content_rows(rows: list[list[str | None]]) -> int:
    """How many of `rows` have at least one non-blank cell."""
    return sum(any(c is not None for c in row) for row in rows)


def _first_text(rows: list[list[str | None]]) -> str:
    """The first non-blank cell among `rows`, for an example in a note."""
    for row in rows:
        for cell in row:
            if cell is not None:
                return cell
    return ""


def _finish(file_name: str, header: list[str | None], data: _Body, letters: bool):
    """(frame with named columns, row numbers, notes): blank rows and unnamed blank columns removed."""
    keep = data.filled.any(axis=1)
    notes = []
    if not keep.all():
        notes.append(f"Skipped {int((~keep).sum())} blank row(s) inside the data.")
        data = data.take(keep)
    if not len(data.lines):
        raise _header_only(file_name)
    names, keep_columns, column_notes = _column_names(header, data.filled.any(axis=0), letters)
    frame = data.cells.iloc[:, keep_columns].reset_index(drop=True)
    frame.columns = names
    return frame, np.asarray(data.lines, dtype=np.int64), notes + column_notes


def _column_names(header: list[str | None], filled: np.ndarray, letters: bool):
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
        notes.append(f"Dropped {dropped} empty column(s) without a heading.")
    unique = _dedupe(names)
    renamed = [f"\"{escape(new, 40)}\"" for old, new in zip(names, unique, strict=True) if old != new]
    if renamed:
        notes.append(f"Renamed repeated column heading(s): {', '.join(renamed)}.")
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


def _skip_notes(header_row: int, footer_count: int, footer_example: str) -> list[str]:
    """Sentences about the title rows above the header and the footer rows below the data."""
    notes = []
    if header_row > 1:
        notes.append(f"Skipped {header_row - 1} row(s) above the header, which is on row {header_row}.")
    if footer_count:
        example = f" (starting with \"{escape(footer_example, 50)}\")" if footer_example else ""
        notes.append(f"Ignored {footer_count} row(s) below the data{example}.")
    return notes


# --------------------------------------------------------------------------------------------------------------------
# Value parsers (patterns use only syntax shared by Python's re and pyarrow's RE2, so pandas can run them in C++)
# --------------------------------------------------------------------------------------------------------------------

_CURRENCY_TOKENS = {
    "US$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD", "NZ$": "NZD", "HK$": "HKD", "S$": "SGD",
    "R$": "BRL", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY",
    "₪": "ILS", "Fr.": "CHF", "SFr": "CHF", "RMB": "CNY",
}
_CURRENCY_CODES = (
    "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "CNY", "RMB", "HKD", "SGD", "INR", "BRL", "MXN", "ZAR",
    "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "TRY", "ILS", "AED", "SAR", "KRW", "RUB",
)
_SYMBOLS = r"US\$|CA\$|C\$|AU\$|A\$|NZ\$|HK\$|S\$|R\$|[$€£¥₹₩₽₺₪]"
_CODES = "|".join(_CURRENCY_CODES) + r"|Fr\.|SFr"
_CURRENCY_STRIP = f"{_SYMBOLS}|{_CODES}"
_CURRENCY_FIND = f"(?:^|[^A-Za-z])(?P<c>{_SYMBOLS}|{_CODES})(?:[^A-Za-z]|$)|(?P<s>{_SYMBOLS})"
_SPACES_RE = "[ \t\u00a0\u202f\u2007\u2009'’]"
_EXP = "(?:[eE][+-]?[0-9]+)?"
_CORE_RE = f"^(?:[0-9.,]*[0-9][0-9.,]*){_EXP}$"
_SIMPLE_NUMBER = "^-?[0-9]+(?:[.][0-9]+)?$"


def _result(parsed: pd.Series, bad: pd.Series, detail: str, values: pd.Series) -> Parsed:
    """A Parsed with the input's index and name on both series."""
    parsed = pd.Series(parsed.to_numpy(), index=values.index, name=values.name)
    bad = pd.Series(np.asarray(bad, dtype=bool), index=values.index, name=values.name)
    return Parsed(parsed, bad, detail)


def _as_text(values: pd.Series) -> pd.Series:
    """The values as a pandas string Series, stripped, with NaN for missing cells."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    return series.astype("str").str.strip(BLANK_CHARS)


def _is_blank(text: pd.Series) -> np.ndarray:
    """True where a text value is missing or empty."""
    return text.isna().to_numpy(dtype=bool) | (text == "").to_numpy(dtype=bool, na_value=True)


def _flags(result: pd.Series) -> np.ndarray:
    """A boolean string-method result as a numpy array, False where the value was missing."""
    return result.to_numpy(dtype=bool, na_value=False)


def _extract(text: pd.Series, pattern: str) -> pd.DataFrame:
    """The named groups of `pattern` for each value, as text columns (NaN where the value does not match)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        struct = pc.extract_regex(pa.array(text.array), pattern)
        names = [struct.type.field(i).name for i in range(struct.type.num_fields)]
        as_text = pd.StringDtype("pyarrow", na_value=np.nan)
        return pd.DataFrame({
            n: pc.struct_field(struct, [i]).to_pandas(types_mapper=lambda t: as_text).set_axis(text.index)
            for i, n in enumerate(names)
        })
    except Exception:  # noqa: BLE001 - no pyarrow, or not an Arrow-backed series: let pandas do it
        return text.str.extract(pattern)


def _floats(column: pd.Series) -> np.ndarray:
    """Numeric text as float64 (NaN where missing or not a number)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        return pc.cast(pa.array(column.array), pa.float64()).to_numpy(zero_copy_only=False)
    except Exception:  # noqa: BLE001 - some value is not a plain number, or no pyarrow: pandas coerces
        return pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def currency_symbols(values: pd.Series) -> pd.Series:
    """For each cell, the ISO code of the currency written in it ('$' -> 'USD', '€' -> 'EUR'), else None."""
    found = _extract(_as_text(values), _CURRENCY_FIND)
    token = found["c"].fillna(found["s"])
    codes = [None if not isinstance(t, str) else _CURRENCY_TOKENS.get(t, t) for t in token.unique()]
    lookup = dict(zip(token.unique(), codes, strict=True))
    return pd.Series(token.map(lookup).to_numpy(dtype=object, na_value=None), index=values.index,
                     name=values.name, dtype=object)


def parse_numbers(values: pd.Series, decimal: str | None = None) -> Parsed:
    """Amounts as float64: currency, thousands separators, decimal comma or point, '(1,234.00)' negatives.

    The decimal mark is decided once per column when `decimal` is None (a value holding both ',' and '.' uses the
    last one as its decimal mark). Text such as 'TBD', '10k' or 'n/a' is bad, and so is a number too large for a
    float ('1e999'); blank cells are NaN and not bad.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return _finite(values.astype("float64"), np.zeros(len(values), dtype=bool), "numbers", values)
    text = _as_text(values)
    blank = _is_blank(text)
    simple = _simple_numbers(text, blank, decimal)
    if simple is not None:
        return _finite(simple[0], blank & False, simple[1], values)
    core, negative, valid = _number_core(text.fillna(""))
    mark, detail = _decimal_marks(core, decimal)
    numbers = _to_float(core, mark)
    numbers = np.where(negative, -numbers, numbers)
    numbers = np.where(valid & ~blank, numbers, np.nan)
    return _finite(pd.Series(numbers), ~blank & np.isnan(numbers), detail, values)


def _finite(numbers: pd.Series, bad, detail: str, values: pd.Series) -> Parsed:
    """A Parsed of the numbers where infinities (values too large for a float) are NaN and bad."""
    floats = np.asarray(numbers, dtype="float64")
    infinite = np.isinf(floats)
    if infinite.any():
        floats = np.where(infinite, np.nan, floats)
        bad = np.asarray(bad, dtype=bool) | infinite
    return _result(pd.Series(floats), bad, detail, values)


def _simple_numbers(text: pd.Series, blank: np.ndarray, decimal: str | None) -> tuple[pd.Series, str] | None:
    """(floats, detail) when every value is a plain number like '-1234.5' whose '.' is surely a decimal point."""
    if decimal == ",":
        return None
    simple = _flags(text.str.match(_SIMPLE_NUMBER))
    if not (simple | blank).all():
        return None
    dotted = _flags(text.str.contains(".", regex=False))
    if dotted.any() and decimal is None:
        sure = _flags(text.str.contains(r"[.](?:[0-9]{1,2}|[0-9]{4,})$|^-?0[.]|^-?[0-9]{4,}[.]"))
        if not sure.any():
            return None
    numbers = pd.Series(_floats(text.where(~blank)))
    return numbers, "decimal point" if dotted.any() else "whole numbers"


def _number_core(text: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """(digits and separators, negative?, well-formed?) once currency, spaces, signs and parentheses are removed."""
    t = text.str.replace(_CURRENCY_STRIP, "", regex=True)
    t = t.str.replace(_SPACES_RE, "", regex=True).str.replace("\u2212", "-", regex=False)
    parens = _flags(t.str.startswith("(")) & _flags(t.str.endswith(")"))
    t = t.where(~parens, t.str.slice(1, -1))
    lead_minus, lead_plus = _flags(t.str.startswith("-")), _flags(t.str.startswith("+"))
    trail = _flags(t.str.match(".+-$"))
    core = t.str.replace(r"^[+-]|-$", "", regex=True)
    core = core.where(~(lead_minus & trail), "x")
    valid = _flags(core.str.match(_CORE_RE)) & ~((lead_minus | lead_plus) & trail)
    negative = parens ^ (lead_minus | trail)
    return core.where(valid, "0"), negative, valid


def _decimal_marks(core: pd.Series, decimal: str | None) -> tuple[pd.Series, str]:
    """For each value: ',' or '.' (its decimal mark) or '' (no decimal part: any separator groups thousands).

    Also returns the column's detail ('decimal comma', 'decimal point', 'thousands separators', 'whole numbers').
    """
    commas = core.str.count(",").to_numpy(dtype="int64", na_value=0)
    dots = core.str.count("[.]").to_numpy(dtype="int64", na_value=0)
    if decimal is not None:
        mark = np.where((commas + dots) > 0, decimal, "")
        return pd.Series(mark, index=core.index, dtype=object), {",": "decimal comma"}.get(decimal, "decimal point")
    both = (commas > 0) & (dots > 0)
    last = np.where(_flags(core.str.contains(f",[0-9]*{_EXP}$")), ",", ".")
    plain = _plain_mark(core, commas, dots)
    votes = np.concatenate([last[both], plain[~both & np.isin(plain, [",", "."])]])
    n_comma, n_dot = int((votes == ",").sum()), int((votes == ".").sum())
    decimal = "," if n_comma > n_dot else "." if n_dot > n_comma else ""
    mark = np.where(both, last, np.where(plain == "?", decimal, plain))
    if decimal:
        detail = "decimal comma" if decimal == "," else "decimal point"
    else:
        detail = "thousands separators" if (plain == "?").any() else "whole numbers"
    return pd.Series(mark, index=core.index, dtype=object), detail


def _plain_mark(core: pd.Series, commas: np.ndarray, dots: np.ndarray) -> np.ndarray:
    """For values with one kind of separator: its decimal mark, '?' when it may group thousands, '' when none.

    '1,5' -> ','; '1,234' -> '?'; '1,234,567' -> '.' (commas group thousands); '1.234.567' -> ','.
    """
    single = (commas + dots) == 1
    thousands_like = _flags(core.str.match("^[1-9][0-9]{0,2}[.,][0-9]{3}$"))
    return np.select(
        [(commas == 0) & (dots == 0), single & thousands_like, single, commas > 1, dots > 1],
        ["", "?", np.where(commas > 0, ",", "."), ".", ","], default="",
    ).astype(object)


def _to_float(core: pd.Series, mark: pd.Series) -> np.ndarray:
    """The values as floats given each value's decimal mark (NaN when the digit grouping does not fit the mark)."""
    comma, lone = (mark == ",").to_numpy(), (mark == "").to_numpy()
    as_comma = core.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    as_dot = core.str.replace(",", "", regex=False)
    as_lone = core.str.replace("[.,]", "", regex=True)
    ok_comma = _flags(core.str.match(f"^(?:[0-9]{{1,3}}(?:[.][0-9]{{3}})+|[0-9]*)(?:,[0-9]*)?{_EXP}$"))
    ok_dot = _flags(core.str.match(f"^(?:[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]*)(?:[.][0-9]*)?{_EXP}$"))
    ok_lone = _flags(core.str.match(f"^(?:[0-9]{{1,3}}(?:[.,][0-9]{{3}})+|[0-9]+){_EXP}$"))
    chosen = as_dot.where(~comma, as_comma).where(~lone, as_lone)
    valid = np.where(lone, ok_lone, np.where(comma, ok_comma, ok_dot))
    return np.where(valid, _floats(chosen), np.nan)


# --- dates ----------------------------------------------------------------------------------------------------------

_TIME = ("(?:,?(?:T| +)[0-9]{1,2}[:h][0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)? *(?:[AaPp][.]?[Mm][.]?)? *"
         "(?:Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2})?)?")
_ISO_RE = f"^(?P<year>[0-9]{{4}})[-/.](?P<month>[0-9]{{1,2}})[-/.](?P<day>[0-9]{{1,2}}){_TIME}$"
_DMY_RE = f"^(?P<a>[0-9]{{1,2}})[/.-](?P<b>[0-9]{{1,2}})[/.-](?P<year>[0-9]{{4}}|[0-9]{{2}}){_TIME}$"
_LETTERS = "[A-Za-zÀ-ÿ]+"
_DAY_NAME_RE = (f"^(?P<day>[0-9]{{1,2}})(?:er)?[ ./-]+(?P<name>{_LETTERS})[.]?,?[ ./-]+"
                f"(?P<year>[0-9]{{4}}|[0-9]{{2}}){_TIME}$")
_NAME_DAY_RE = (f"^(?:{_LETTERS},? +)?(?P<name>{_LETTERS})[.]? +(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?,? +"
                f"(?P<year>[0-9]{{4}}){_TIME}$")
_MONTHS = {
    name: number
    for number, names in enumerate([
        "january jan janvier janv", "february feb février fevrier févr fevr fév", "march mar mars",
        "april apr avril avr", "may mai", "june jun juin", "july jul juillet juil", "august aug août aout aoû",
        "september sep sept septembre", "october oct octobre", "november nov novembre",
        "december dec décembre decembre déc"], start=1)
    for name in names.split()
}


def parse_dates(values: pd.Series, dayfirst_hint: bool | None = None) -> Parsed:
    """Dates as datetime64[ns] at midnight: ISO, dd/mm/yyyy or m/d/yyyy (decided per column), month names, serials.

    When no value shows whether the day or the month comes first, day-first is assumed unless dayfirst_hint is
    False. Dates before 1900 or after 2100 are bad; blank cells are NaT and not bad.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = values.dt.tz_localize(None) if values.dt.tz is not None else values
        stamps = stamps.dt.normalize().astype("datetime64[ns]")
        return _result(stamps, np.zeros(len(values), dtype=bool), "dates", values)
    text = _as_text(values)
    blank = _is_blank(text)
    parts, details = _date_parts(text, blank, dayfirst_hint)
    stamps = _build_dates(parts)
    serial, serial_detail = _excel_serials(text, blank)
    if serial is not None:
        stamps = np.where(np.isnat(stamps), serial, stamps)
        details.append(serial_detail)
    stamps = np.where(blank, np.datetime64("NaT"), stamps).astype("datetime64[ns]")
    detail = ", ".join(dict.fromkeys(d for d in details if d)) or "no dates"
    return _result(pd.Series(stamps), ~blank & np.isnat(stamps), detail, values)


def _date_parts(text: pd.Series, blank: np.ndarray, dayfirst_hint: bool | None) -> tuple[pd.DataFrame, list[str]]:
    """Year, month and day columns (float, NaN where no pattern matched) and the formats seen.

    Each pattern only looks at the values that earlier patterns did not match.
    """
    parts = pd.DataFrame(np.nan, index=text.index, columns=["year", "month", "day"])
    details = []
    steps = [(_ISO_RE, _iso_parts), (_DMY_RE, lambda f: _dmy_parts(f, dayfirst_hint)), (_DAY_NAME_RE, _name_parts),
             (_NAME_DAY_RE, _name_parts)]
    for pattern, build in steps:
        todo = ~blank & parts["year"].isna().to_numpy()
        if not todo.any():
            break
        found = _extract(text[todo], pattern)
        matched = found.notna().all(axis=1).to_numpy()
        if matched.any():
            values, detail = build(found[matched])
            parts.loc[values.index, ["year", "month", "day"]] = values[["year", "month", "day"]].to_numpy()
            details.append(detail)
    return parts, details


def far_years(values: pd.Series) -> pd.Series:
    """True where a cell holds a four-digit year before 1900 or after 2100 ('1899-12-31', '01/01/9999')."""
    year = _extract(_as_text(values), "(?:^|[^0-9])(?P<year>[0-9]{4})(?:[^0-9]|$)")["year"]
    number = pd.Series(_floats(year), index=values.index)
    return (number < 1900) | (number > 2100)


def _iso_parts(found: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Year, month, day of ISO dates (yyyy-mm-dd)."""
    return pd.DataFrame({c: _floats(found[c]) for c in ("year", "month", "day")}, index=found.index), "ISO"


def _dmy_parts(found: pd.DataFrame, dayfirst_hint: bool | None) -> tuple[pd.DataFrame, str]:
    """Year, month, day of dd/mm/yyyy or m/d/yyyy dates, the order being decided over the whole column."""
    first, second = pd.Series(_floats(found["a"]), index=found.index), pd.Series(_floats(found["b"]), index=found.index)
    day, month, detail = _day_month(first, second, dayfirst_hint)
    year = _full_year(pd.Series(_floats(found["year"]), index=found.index))
    return pd.DataFrame({"year": year, "month": month, "day": day}), detail


def _name_parts(found: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Year, month, day of dates written with an English or French month name."""
    month = found["name"].str.lower().map(_MONTHS).astype("float64")
    year = _full_year(pd.Series(_floats(found["year"]), index=found.index))
    return pd.DataFrame({"year": year, "month": month, "day": _floats(found["day"])}, index=found.index), "month names"


def _full_year(year: pd.Series) -> pd.Series:
    """Four-digit years: 2-digit years 00-68 are 2000-2068, 69-99 are 1969-1999."""
    return year.where(year >= 100, year + np.where(year <= 68, 2000, 1900))


def _day_month(first: pd.Series, second: pd.Series, dayfirst_hint: bool | None):
    """(day, month, detail) for dd/mm vs mm/dd values, decided from the values of the whole column."""
    first_big, second_big = first > 12, second > 12
    n_dayfirst = int((first_big & ~second_big).sum())
    n_monthfirst = int((second_big & ~first_big).sum())
    if n_dayfirst and n_monthfirst:
        dayfirst = first_big | (~second_big & (n_dayfirst >= n_monthfirst))
        detail = "mixed day-first and month-first"
    elif n_dayfirst or n_monthfirst:
        dayfirst = pd.Series(bool(n_dayfirst), index=first.index)
        detail = "day-first (dd/mm/yyyy)" if n_dayfirst else "month-first (m/d/yyyy)"
    else:
        assume = dayfirst_hint is not False
        dayfirst = pd.Series(assume, index=first.index)
        order = "day-first (dd/mm/yyyy)" if assume else "month-first (m/d/yyyy)"
        guess = "ambiguous, assumed day-first" if assume else "ambiguous, assumed month-first"
        detail = guess if bool((first != second).any()) else order
    return first.where(dayfirst, second), second.where(dayfirst, first), detail


def _build_dates(parts: pd.DataFrame) -> np.ndarray:
    """datetime64[ns] at midnight from year/month/day columns; NaT for impossible dates or years outside 1900-2100."""
    frame = parts.copy()
    frame.loc[~parts["year"].between(1900, 2100)] = np.nan
    if not frame["year"].notna().any():
        return np.full(len(parts), np.datetime64("NaT"), dtype="datetime64[ns]")
    stamps = pd.to_datetime(frame[["year", "month", "day"]], errors="coerce")
    return stamps.to_numpy(dtype="datetime64[ns]")


def _excel_serials(text: pd.Series, blank: np.ndarray) -> tuple[np.ndarray | None, str]:
    """Dates from Excel serial numbers (20000-80000) when every non-blank value of the column is a number."""
    numeric = _flags(text.str.match("^[0-9]+(?:[.][0-9]+)?$"))
    if blank.all() or not (numeric | blank).all():
        return None, ""
    number = _floats(text.where(numeric))
    ok = (number >= 20000) & (number <= 80000)
    days = np.floor(np.where(ok, number, 0)).astype("int64").astype("timedelta64[D]")
    stamps = np.datetime64("1899-12-30", "ns") + days
    return np.where(ok, stamps, np.datetime64("NaT")).astype("datetime64[ns]"), "Excel serial numbers"


# --- probability ----------------------------------------------------------------------------------------------------

def parse_probability(values: pd.Series) -> Parsed:
    """Win probabilities as fractions 0..1 from '20%', '20', '0.2' or '20,5 %'.

    Values with a % sign are percentages; so is a whole column whose largest value is above 1. Anything below 0 %
    or above 100 % is bad; blank cells are NaN and not bad.
    """
    text = _as_text(values)
    blank = _is_blank(text)
    percent = _flags(text.str.contains("%", regex=False))
    numbers = parse_numbers(text.str.replace("%", "", regex=False)).values.to_numpy(dtype="float64")
    plain = np.where(percent, np.nan, numbers)
    hundred = bool(np.nanmax(plain) > 1) if (~np.isnan(plain)).any() else False
    fractions = np.where(percent | hundred, numbers / 100, numbers)
    bad = ~blank & (np.isnan(fractions) | (fractions < 0) | (fractions > 1))
    fractions = np.where(bad, np.nan, fractions)
    if hundred or (percent.any() and np.isnan(plain).all()):
        detail = "percent (0-100)"
    else:
        detail = "percent signs and fractions (0-1)" if percent.any() else "fraction (0-1)"
    return _result(pd.Series(fractions), bad, detail, values)

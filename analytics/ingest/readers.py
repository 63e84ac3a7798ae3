"""Turn an uploaded CRM / HR export (CSV or workbook) into a RawTable of strings.

`read_table` accepts CSV (any of `,` `;` tab `|`, UTF-8 with or without BOM, Windows-1252, Latin-1, UTF-16 with BOM)
and Excel / OpenDocument workbooks (.xlsx .xlsm .xls .ods, read with python-calamine). It finds the header row below
report title rows, drops report footers ("Grand Totals", "Confidential", "Copyright" ...), and returns every cell as a
stripped `str` or `None`, with the spreadsheet row number the user sees for every data row.

This module sniffs the file kind and reads CSV text; ``workbook`` reads workbooks, ``table`` finds the header and
footer in both, and ``values`` parses the text cells into numbers and dates.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.ingest.table import (
    BLANK_CHARS,
    HEAD_RECORDS,
    TAIL_RECORDS,
    Body,
    RawTable,
    ReadError,
    ReadNote,
    clean_column,
    clean_row,
    content_rows,
    drop_footer_rows,
    escape,
    file_label,
    find_header,
    finish_frame,
    first_text,
    footer_start,
    header_only_error,
    password_error,
    skip_notes,
    split_ragged,
    title_cells,
)
from analytics.ingest.workbook import read_workbook, sheet_names

__all__ = ["ReadError", "RawTable", "read_table", "workbook_sheets", "load_bytes", "max_file_bytes", "escape",
           "file_label", "sniff",
           "csv_note", "csv_header", "line_offset", "trim_footer"]

CSV_EXTENSIONS = {".csv", ".txt", ".tsv", ".tab"}
EXCEL_EXTENSIONS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes (|)"}
ENCODING_NAMES = {
    "utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252",
    "latin-1": "Latin-1", "utf-16": "UTF-16",
}
HEAD_BYTES = 256 * 1024      # the header, title rows and delimiter are found in this much of the file
TAIL_BYTES = 64 * 1024       # footers are looked for in this much of the end of the file
MAX_IRREGULAR_ROWS = 10_000  # rows with too few / too many cells that the fast CSV path puts back by itself
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


# --------------------------------------------------------------------------------------------------------------------
# read_table: sniffing
# --------------------------------------------------------------------------------------------------------------------

def read_table(source: str | os.PathLike | bytes, file_name: str, sheet: str | None = None) -> RawTable:
    """Read an uploaded CSV or Excel file into a RawTable of strings; raise ReadError if it cannot be read."""
    data = load_bytes(source, file_name)
    kind = sniff(data, file_name)
    if kind == "csv":
        return _read_csv(data, file_name)
    return read_workbook(data, file_name, kind, sheet)


def workbook_sheets(source: str | os.PathLike | bytes, file_name: str) -> list[str]:
    """The sheet names of an Excel or OpenDocument workbook (none for a CSV file); ReadError if it cannot be opened."""
    data = load_bytes(source, file_name)
    kind = sniff(data, file_name)
    return [] if kind == "csv" else sheet_names(data, file_name, kind)


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

    Reading and checking a CSV whole takes about 10 times its size in memory (a big CSV deals export is read in
    slices, about 4 times: ``deal_stream``), so the limit keeps memory bounded.
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


def sniff(data: bytes, file_name: str) -> str:
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
        raise password_error(file_name)
    if ext in CSV_EXTENSIONS:
        raise ReadError(file_name, f"this is an old-format Excel workbook (.xls) but its name ends in {ext}",
                        "Rename it to .xls and upload it again, or export the report as CSV.")
    return "xls"


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
class Record:
    """One CSV record of the head or tail of a file: its first and last physical line, and its cells."""

    first: int
    last: int
    cells: list[str]


def csv_note(encoding: str, delimiter: str) -> ReadNote:
    """The note saying how a CSV file was read ("Read as CSV: UTF-8 text separated by commas.")."""
    return ReadNote("read_csv", encoding=ENCODING_NAMES[encoding], delimiter=DELIMITER_NAMES[delimiter])


def _read_csv(data: bytes, file_name: str) -> RawTable:
    """RawTable of a delimited text file."""
    text, encoding = _to_utf8(data)
    delimiter, header, header_cells = csv_header(text, file_name)
    width = len(header.cells)
    body_start = line_offset(text, header.last + 1)
    body_end, footer_count, footer_example = trim_footer(text, body_start, delimiter, width)
    data = _csv_body(text[body_start:body_end], delimiter, width, file_name, header.last + 1)
    if footer_count is None:
        data, footer_count, footer_example = drop_footer_rows(data, width)
    ragged, widths, data = split_ragged(data, width)
    frame, row_numbers, more = finish_frame(file_name, header_cells, data, letters=False)
    notes = [csv_note(encoding, delimiter)]
    if ragged:
        notes.append(ReadNote("ragged_rows", n=len(ragged), row=ragged[0]))
    return RawTable(
        frame=frame, row_numbers=row_numbers, file_format="csv", encoding=encoding, delimiter=delimiter,
        header_row=header.first, sheet=None, sheets=[], skipped_title_rows=header.first - 1,
        skipped_footer_rows=footer_count, ragged_rows=ragged, ragged_widths=widths,
        notes=notes + skip_notes(header.first, footer_count, footer_example) + more,
        title_text=_title_text(text, delimiter, header.first - 1),
    )


def _title_text(text: bytes, delimiter: str, lines: int) -> list[str]:
    """The cells of the ``lines`` physical lines above a CSV header (a report's title block)."""
    if lines <= 0:
        return []
    head = text[:HEAD_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()[:lines]
    return title_cells([[c or None for c in row] for row in csv.reader(head, delimiter=delimiter)])


def csv_header(text: bytes, file_name: str) -> tuple[str, Record, list[str | None]]:
    """(delimiter, header record, cleaned header cells), found in the first records of the file."""
    head = text[:HEAD_BYTES].decode("utf-8", errors="replace")
    if len(text) > HEAD_BYTES:
        head = head[: head.rfind("\n") + 1] or head
    delimiter, records = _pick_delimiter(head, limit_reached=len(text) > HEAD_BYTES)
    rows = [clean_row(r.cells) for r in records]
    h = find_header(rows)
    if h is None:
        raise ReadError(file_name, "the file contains only blank lines or empty cells, no table",
                        "Export the report again and upload the new file.")
    return delimiter, records[h], rows[h]


def _csv_body(body: bytes, delimiter: str, width: int, file_name: str, first_line: int) -> Body:
    """The data records between header and footer, cleaned, with the line on which each record starts."""
    if not re.search(b"[^\\s" + re.escape(delimiter.encode()) + b"]", body):
        raise header_only_error(file_name)
    grid = parse_body(body, delimiter, width, file_name, first_line)
    return cleaned_body(grid, record_lines(body, len(grid), first_line))


def cleaned_body(grid: pd.DataFrame, lines: np.ndarray) -> Body:
    """The parsed records cleaned (``clean_column``) into a Body."""
    # Column by column, each parsed column let go once cleaned, and the memory Arrow kept for them given back.
    cleaned = [clean_column(grid.pop(c)) for c in list(grid.columns)]
    del grid
    _release_arrow_memory()
    cells = pd.DataFrame({i: values for i, (values, _) in enumerate(cleaned)}, dtype=object)
    return Body(cells, np.column_stack([filled for _, filled in cleaned]), lines)


def _release_arrow_memory() -> None:
    """Give back to the system the memory Arrow's allocator keeps after the parsed text is freed (it would
    otherwise stay reserved while the rest of the import allocates its own)."""
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except Exception:  # noqa: BLE001 - an allocator without the call, or no pyarrow: nothing to give back
        pass


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


def _csv_records(text: str, delimiter: str, limit: int | None) -> list[Record]:
    """The first `limit` CSV records of `text`, with their physical line numbers (1-based within `text`)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    records: list[Record] = []
    previous = 0
    try:
        for cells in reader:
            records.append(Record(previous + 1, reader.line_num, cells))
            previous = reader.line_num
            if limit is not None and len(records) >= limit:
                break
    except csv.Error:
        pass
    return records


def _pick_delimiter(head: str, limit_reached: bool) -> tuple[str, list[Record]]:
    """The delimiter giving the most consistent column count over the first records, and those records."""
    best: tuple = (-1.0, 0, 0)
    chosen = ","
    parsed: dict[str, list[Record]] = {}
    for delimiter in DELIMITERS:
        records = _csv_records(head, delimiter, HEAD_RECORDS)
        if limit_reached and 1 < len(records) < HEAD_RECORDS:
            records = records[:-1]
        parsed[delimiter] = records
        score = _delimiter_score(records)
        if score > best:
            best, chosen = score, delimiter
    return chosen, parsed[chosen]


def _delimiter_score(records: list[Record]) -> tuple[float, int, int]:
    """How well a delimiter splits the records: (share of non-blank records having the most common width,
    minus the position of the first record it splits, that width); (0, 0, 1) when it splits nothing."""
    widths = [len(r.cells) for r in records if any(c.strip(BLANK_CHARS) for c in r.cells)]
    multi = Counter(w for w in widths if w > 1)
    if not multi:
        return (0.0, 0, 1)
    width, count = max(multi.items(), key=lambda item: (item[1], item[0]))
    first_split = next(i for i, w in enumerate(widths) if w > 1)
    return (round(count / len(widths), 3), -first_split, width)


def line_offset(text: bytes, line: int) -> int:
    """The byte offset where 1-based physical line `line` starts (len(text) past the end)."""
    offset = 0
    for _ in range(line - 1):
        nxt = text.find(b"\n", offset)
        if nxt < 0:
            return len(text)
        offset = nxt + 1
    return offset


def trim_footer(text: bytes, body_start: int, delimiter: str, width: int) -> tuple[int, int | None, str]:
    """(end of the data in bytes, number of footer records, first footer text) found in the last records.

    The footer count is None when the tail could not be cut at a record boundary; footers are then found later.
    """
    start = _tail_boundary(text, body_start)
    if start is None:
        return len(text), None, ""
    tail = text[start:].decode("utf-8", errors="replace")
    records = _csv_records(tail, delimiter, None)[-TAIL_RECORDS:]
    rows = [clean_row(r.cells) for r in records]
    cut = footer_start(rows, width)
    if cut == len(rows):
        return len(text), 0, ""
    end = start + len(tail[: _str_line_offset(tail, records[cut].first)].encode("utf-8"))
    return end, content_rows(rows[cut:]), first_text(rows[cut:])


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


def parse_body(body: bytes, delimiter: str, width: int, file_name: str, first_line: int) -> pd.DataFrame:
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


def record_lines(body: bytes, count: int, first_line: int) -> np.ndarray:
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

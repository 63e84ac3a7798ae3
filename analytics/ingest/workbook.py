"""Read an Excel or OpenDocument workbook (.xlsx .xlsm .xls .ods) with python-calamine into a RawTable of strings.

The first visible sheet that holds a table is read unless a sheet is named; cells keep the text a person sees
(integers without '.0', dates as ISO dates)."""

from __future__ import annotations

import datetime as dt
import io
import math

import numpy as np
import pandas as pd

from analytics.ingest.table import (
    BLANK_CHARS,
    TAIL_RECORDS,
    Body,
    RawTable,
    ReadError,
    ReadNote,
    content_rows,
    escape,
    find_header,
    finish_frame,
    first_text,
    footer_start,
    password_error,
    skip_notes,
    title_cells,
)


def read_workbook(data: bytes, file_name: str, kind: str, sheet: str | None) -> RawTable:
    """RawTable of one sheet of an Excel or OpenDocument workbook."""
    workbook = _open_workbook(data, file_name, kind)
    names = [str(n) for n in workbook.sheet_names]
    chosen, rows, notes, unread = _choose_sheet(workbook, names, sheet, file_name)
    h = find_header(rows)
    body, footer_count, footer_example = _sheet_body(rows, h)
    frame, row_numbers, more = finish_frame(file_name, rows[h], body, letters=True)
    notes.append(ReadNote("read_sheet", sheet=escape(chosen), n=len(names)))
    return RawTable(
        frame=frame, row_numbers=row_numbers, file_format=kind, encoding=None, delimiter=None, header_row=h + 1,
        sheet=chosen, sheets=names, skipped_title_rows=h, skipped_footer_rows=footer_count,
        notes=notes + skip_notes(h + 1, footer_count, footer_example) + more, unread_sheets=unread,
        title_text=title_cells(rows[:h]),
    )


def sheet_names(data: bytes, file_name: str, kind: str) -> list[str]:
    """The names of a workbook's sheets, in workbook order, without reading them."""
    return [str(n) for n in _open_workbook(data, file_name, kind).sheet_names]


def _has_data(rows: list[list[str | None]]) -> bool:
    """True when the sheet has a header with at least one data row below it (not only a footer such as a total)."""
    h = find_header(rows)
    return h is not None and bool(_sheet_body(rows, h)[0].filled.any())


def _sheet_body(rows: list[list[str | None]], h: int) -> tuple[Body, int, str]:
    """(the rows below header row `h` without the footer, footer rows with content, first footer text)."""
    width = max(len(r) for r in rows)
    tail = rows[h + 1:][-TAIL_RECORDS:]
    footer = tail[footer_start(tail, sum(c is not None for c in rows[h])):]
    body = rows[h + 1: len(rows) - len(footer)]
    cells = pd.DataFrame(body, columns=range(width), dtype=object) if body else pd.DataFrame(columns=range(width))
    filled = cells.notna().to_numpy(dtype=bool).reshape(len(body), width)
    lines = np.arange(h + 2, h + 2 + len(body), dtype=np.int64)
    return Body(cells, filled, lines), content_rows(footer), first_text(footer)


def _open_workbook(data: bytes, file_name: str, kind: str):
    """A python-calamine workbook, or ReadError saying why the workbook cannot be opened."""
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise password_error(file_name) from None
    except Exception:  # noqa: BLE001 - calamine raises several unrelated error types for damaged files
        if kind == "xls":
            raise ReadError(file_name, "this old-format Office file could not be opened as an Excel workbook",
                            "Open it in Excel, save it as .xlsx, and upload that file.") from None
        raise ReadError(file_name, "the workbook is incomplete or damaged (it may have been cut off while "
                        "downloading)", "Open it in Excel, save it again, and upload the new copy.") from None


def _choose_sheet(workbook, names: list[str], sheet: str | None, file_name: str):
    """(sheet name, its rows as text, notes, the other visible sheets with data rows): the requested sheet, else the
    first visible sheet with a header and data rows below it (a summary sheet of a title and a total is passed
    over), else the first sheet holding anything."""
    if sheet is not None:
        match = _match_sheet(names, sheet)
        if match is None:
            listed = ", ".join(f"\"{escape(n, 30)}\"" for n in names[:10])
            raise ReadError(file_name, f"there is no sheet named \"{escape(sheet, 30)}\"",
                            f"Sheets in this workbook: {listed}.")
        rows = _sheet_rows(workbook, match)
        if find_header(rows) is None:
            raise ReadError(file_name, f"the sheet \"{escape(match, 30)}\" is empty",
                            "Choose the sheet that holds the data, or export the report again.")
        return match, rows, [], []
    order, hidden = _visible_first(workbook, names)
    read: dict[str, list] = {}

    def rows_of(name: str) -> list[list[str | None]]:
        if name not in read:
            read[name] = _sheet_rows(workbook, name)
        return read[name]

    shown = [n for n in order if n not in hidden and _has_data(rows_of(n))]  # every visible one: the others matter
    chosen = next(iter(shown), None) or next((n for n in order if n in hidden and _has_data(rows_of(n))), None) \
        or next((n for n in order if find_header(rows_of(n)) is not None), None)
    if chosen is None:
        raise ReadError(file_name, "every sheet in this workbook is empty",
                        "Check that you exported the right report, then upload it again.")
    index = order.index(chosen)
    notes = [ReadNote("skipped_sheets", sheets=", ".join(f"\"{escape(n, 30)}\"" for n in order[:index]))] \
        if index else []
    return chosen, rows_of(chosen), notes, [n for n in shown if n != chosen]


def _visible_first(workbook, names: list[str]) -> tuple[list[str], set[str]]:
    """(sheet names with visible sheets first (in workbook order), then hidden ones; the hidden ones)."""
    import python_calamine

    try:
        visible = python_calamine.SheetVisibleEnum.Visible
        hidden = {str(m.name) for m in workbook.sheets_metadata if m.visible != visible}
    except Exception:  # noqa: BLE001 - metadata is optional
        hidden = set()
    return [n for n in names if n not in hidden] + [n for n in names if n in hidden], hidden


def _match_sheet(names: list[str], wanted: str) -> str | None:
    """The sheet named `wanted` (exactly, else ignoring case and surrounding spaces), or None."""
    if wanted in names:
        return wanted
    folded = {n.strip().casefold(): n for n in names}
    return folded.get(str(wanted).strip().casefold())


def _sheet_rows(workbook, name: str) -> list[list[str | None]]:
    """Every row of the sheet from A1, each cell as text or None; a cell merged down a column (a grouped report's
    owner or account beside each of its deals) holds the merged cell's value in every row it spans, as Excel shows
    it, not in the first row alone."""
    try:
        sheet = workbook.get_sheet_by_name(name)
        values = sheet.to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - chart sheets and unreadable sheets count as empty
        return []
    rows = [[_cell_text(v) for v in row] for row in values]
    for top, bottom, column in _merged_down(sheet):
        if top < len(rows) and column < len(rows[top]):
            for row in rows[top + 1: bottom + 1]:
                if column < len(row):
                    row[column] = rows[top][column]
    return rows


def _merged_down(sheet) -> list[tuple[int, int, int]]:
    """(first row, last row, column), from 0, of each merged range one column wide and several rows high (a range
    across columns, such as a title over the table, is left as it is: filling it would make it look like a header)."""
    try:
        ranges = sheet.merged_cell_ranges or []
    except Exception:  # noqa: BLE001 - not every format (xls, ods) reports its merged cells
        return []
    return [(top, bottom, left) for (top, left), (bottom, right) in ranges if left == right and bottom > top]


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

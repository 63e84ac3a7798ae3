"""Downloads: CSV and Excel bytes from DataFrames, with spreadsheet formulas neutralised.

A cell that starts with = + - @ tab or carriage return would run as a formula when the file is opened
in Excel (a deal named '=HYPERLINK(...)'); such text cells are prefixed with an apostrophe.
"""
from __future__ import annotations

import io

import pandas as pd

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """The cell value, prefixed with ' when it is text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and headers cannot run as formulas."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM so Excel reads accents) of a table, formulas neutralised."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per table (written with openpyxl), formulas neutralised."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_frame(frame).to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            for column_cells in sheet.columns:
                width = max(len(str(c.value or "")) for c in column_cells[:200])
                sheet.column_dimensions[column_cells[0].column_letter].width = min(max(width + 2, 8), 60)
            sheet.freeze_panes = "A2"
            _number_formats(sheet, frame)
    return buffer.getvalue()


def _number_formats(sheet, frame: pd.DataFrame) -> None:
    """Thousands separators on decimal columns (amounts), so the workbook reads like a report."""
    for index, column in enumerate(frame.columns, start=1):
        if pd.api.types.is_float_dtype(frame[column]):
            letter = sheet.cell(row=1, column=index).column_letter
            for cell in sheet[letter][1:]:
                cell.number_format = "#,##0.00"

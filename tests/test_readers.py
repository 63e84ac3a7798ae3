"""Tests for analytics.readers: reading uploads into text tables, and the column parsers.

Every expected value below was worked out by hand from the fixture text, not copied from the code's output.
Binary fixtures in tests/fixtures/readers/ are described in tests/fixtures/readers/README.md.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from unittest import mock

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.ingest import readers
from analytics.ingest.readers import RawTable, ReadError, read_table, workbook_sheets
from analytics.ingest.values import Parsed, currency_symbols, parse_dates, parse_numbers, parse_probability

FIXTURES = Path(__file__).parent / "fixtures" / "readers"


def parser_path(name: str):
    """A context in which CSV bodies are parsed only by pyarrow ("fast") or only by pandas' C parser ("pandas")."""
    if name == "fast":
        return mock.patch.object(readers.pd, "read_csv", side_effect=AssertionError("pandas path used"))
    if name == "pandas":
        return mock.patch.object(readers, "_parse_body_pyarrow", return_value=None)
    return contextlib.nullcontext()


BOTH_PATHS = pytest.mark.parametrize("path", ["fast", "pandas"])


def rows_of(table: RawTable) -> list[list[str | None]]:
    """The frame's cells as plain lists, row by row."""
    return [list(r) for r in table.frame.itertuples(index=False, name=None)]


def read_error(data: bytes | str, name: str, **kwargs) -> str:
    """The message of the ReadError raised when reading `data` as `name` (fails if none is raised)."""
    with pytest.raises(ReadError) as caught:
        read_table(data, name, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


# ---------------------------------------------------------------------------------------------------------------------
# CSV files
# ---------------------------------------------------------------------------------------------------------------------

PIPEDRIVE_FR = (
    "Affaire - Titre;Affaire - Valeur;Affaire - Devise;Affaire - Date de clôture prévue;Organisation - Nom\n"
    "Déploiement CRM;1 234,56;€;20/11/2026;Société Générale\n"
    "Renouvellement été;12\u00a0500,00;€;05/01/2027;Crédit Agricole\n"
    "Audit;800;€;31/12/2026;Café de l'Époque\n"
)


def test_french_pipedrive_semicolon_cp1252(tmp_path):
    path = tmp_path / "affaires.csv"
    path.write_bytes(PIPEDRIVE_FR.encode("cp1252"))
    table = read_table(path, "affaires.csv")
    assert (table.file_format, table.encoding, table.delimiter) == ("csv", "cp1252", ";")
    assert list(table.frame.columns) == [
        "Affaire - Titre", "Affaire - Valeur", "Affaire - Devise", "Affaire - Date de clôture prévue",
        "Organisation - Nom",
    ]
    assert rows_of(table)[0] == ["Déploiement CRM", "1 234,56", "€", "20/11/2026", "Société Générale"]
    assert rows_of(table)[2][4] == "Café de l'Époque"
    assert table.header_row == 1 and table.row_numbers.tolist() == [2, 3, 4]
    amounts = parse_numbers(table.frame["Affaire - Valeur"])
    assert amounts.values.tolist() == [1234.56, 12500.0, 800.0]
    assert amounts.detail == "decimal comma"
    dates = parse_dates(table.frame["Affaire - Date de clôture prévue"])
    assert dates.values.tolist() == [pd.Timestamp("2026-11-20"), pd.Timestamp("2027-01-05"), pd.Timestamp("2026-12-31")]
    assert dates.detail == "day-first (dd/mm/yyyy)"
    assert currency_symbols(table.frame["Affaire - Devise"]).tolist() == ["EUR", "EUR", "EUR"]


def test_utf8_bom_file():
    data = "\ufeffDeal Name,Amount\nÉcole,100\n".encode()
    table = read_table(data, "hubspot.csv")
    assert table.encoding == "utf-8-sig"
    assert list(table.frame.columns) == ["Deal Name", "Amount"]
    assert rows_of(table) == [["École", "100"]]


def test_plain_utf8_and_latin1_fallback():
    assert read_table("Deal,Amount\nZoë,1\n".encode(), "a.csv").encoding == "utf-8"
    # 0x81 is undefined in Windows-1252, so only Latin-1 can decode this file.
    table = read_table(b"Deal,Amount\nCaf\xe9\x81,1\n", "a.csv")
    assert table.encoding == "latin-1" and rows_of(table) == [["Caf\xe9\x81", "1"]]


def test_utf16_export_from_excel_unicode_text():
    table = read_table("Deal\tAmount\nÉté\t5\n".encode("utf-16"), "export.txt")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert rows_of(table) == [["Été", "5"]]


def test_tab_file_and_whitespace_stripping():
    data = "Name\tAmount\tStage\n\u00a0Acme\u202f\t 5 000 \t  \nBeta\t7\tWon\n".encode()
    table = read_table(data, "deals.tsv")
    assert table.delimiter == "\t"
    assert rows_of(table) == [["Acme", "5 000", None], ["Beta", "7", "Won"]]


def test_pipe_file():
    table = read_table(b"a|b|c\n1|2,5|3\n4|5|6\n", "x.txt")
    assert table.delimiter == "|" and rows_of(table) == [["1", "2,5", "3"], ["4", "5", "6"]]


def test_semicolon_beats_comma_when_every_row_has_one_decimal_comma():
    table = read_table(b"Deal;Amount;Owner\nA;1,5;Ann\nB;2,25;Bob\nC;3,75;Cy\n", "x.csv")
    assert table.delimiter == ";" and table.frame["Amount"].tolist() == ["1,5", "2,25", "3,75"]


SALESFORCE = b'''"Opportunity Pipeline Report"
"Generated 20/11/2026"

"Opportunity Name","Amount","Stage","Close Date"
"Acme, Inc.","1,234.56","Prospecting","11/20/2026"
"Multi
line","2,000.00","Closed Won","12/01/2026"
"Quote ""x""","3.00","Closed Lost","01/15/2027"

"Grand Totals (3 records)","3,237.56","",""


"Confidential Information - Do Not Distribute"
"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."
'''


@BOTH_PATHS
def test_salesforce_report_titles_footers_and_quoting(path):
    with parser_path(path):
        table = read_table(SALESFORCE, "report.csv")
    assert list(table.frame.columns) == ["Opportunity Name", "Amount", "Stage", "Close Date"]
    assert rows_of(table) == [
        ["Acme, Inc.", "1,234.56", "Prospecting", "11/20/2026"],
        ["Multi\nline", "2,000.00", "Closed Won", "12/01/2026"],
        ['Quote "x"', "3.00", "Closed Lost", "01/15/2027"],
    ]
    assert table.header_row == 4
    assert table.skipped_title_rows == 3
    # Grand Totals, Confidential and Copyright lines (blank lines are not counted).
    assert table.skipped_footer_rows == 3
    # Row 5 is Acme; the multi-line record starts on line 6 and ends on 7; the quoted one is on line 8.
    assert table.row_numbers.tolist() == [5, 6, 8]
    assert any("Grand Totals" in note for note in table.notes)
    assert parse_numbers(table.frame["Amount"]).values.tolist() == [1234.56, 2000.0, 3.0]
    dates = parse_dates(table.frame["Close Date"])
    assert dates.detail == "month-first (m/d/yyyy)"
    assert dates.values.tolist() == [pd.Timestamp("2026-11-20"), pd.Timestamp("2026-12-01"), pd.Timestamp("2027-01-15")]


def test_footer_lines_without_blank_line_and_generated_by():
    data = b"Deal,Amount,Stage\nA,1,Won\nB,2,Lost\nTotal,3,\nGenerated by HubSpot on 2026-11-20\n"
    table = read_table(data, "x.csv")
    assert rows_of(table) == [["A", "1", "Won"], ["B", "2", "Lost"]]
    assert table.skipped_footer_rows == 2


def test_company_named_total_is_data_not_footer():
    table = read_table(b"Name,Amount,Stage\nFoo,6,Lost\nTotal SA,5,Won\n", "x.csv")
    assert table.frame["Name"].tolist() == ["Foo", "Total SA"] and table.skipped_footer_rows == 0


def test_sparse_last_row_is_kept():
    table = read_table(b"Name,Amount,Stage\nFoo,6,Lost\nBar,,\n", "x.csv")
    assert rows_of(table) == [["Foo", "6", "Lost"], ["Bar", None, None]]


@BOTH_PATHS
def test_quoted_multiline_cells_and_crlf_line_ends(path):
    data = b'id,notes,amount\r\n1,"first line\r\nsecond, with comma\r\n""quoted""",10\r\n2,plain,20\r\n'
    with parser_path(path):
        table = read_table(data, "notes.csv")
    assert rows_of(table) == [["1", 'first line\nsecond, with comma\n"quoted"', "10"], ["2", "plain", "20"]]
    assert table.row_numbers.tolist() == [2, 5]


@BOTH_PATHS
def test_ragged_rows_are_kept_and_reported_and_short_rows_padded(path):
    data = b'a,b,c\n1,2,3,4\n5\n\n6,"x\ny",7\n8,9,10,,\n'
    with parser_path(path):
        table = read_table(data, "ragged.csv")
    assert rows_of(table) == [["1", "2", "3"], ["5", None, None], ["6", "x\ny", "7"], ["8", "9", "10"]]
    # Line 4 is blank; the quoted record spans lines 5-6; trailing empty cells are not "extra cells".
    assert table.row_numbers.tolist() == [2, 3, 5, 7]
    assert table.ragged_rows == [2] and table.ragged_widths == [4]


@BOTH_PATHS
def test_first_data_row_wider_than_header(path):
    with parser_path(path):
        table = read_table(b"a,b,c\n1,2,3,4,5\n6\n", "x.csv")
    assert list(table.frame.columns) == ["a", "b", "c"]
    assert rows_of(table) == [["1", "2", "3"], ["6", None, None]]
    assert table.ragged_rows == [2] and table.ragged_widths == [5]


def test_many_irregular_rows_fall_back_to_pandas(monkeypatch):
    monkeypatch.setattr(readers, "MAX_IRREGULAR_ROWS", 2)
    data = b"a,b,c\n1\n2\n3,4\n5,6,7,8\n9,10,11\n"
    table = read_table(data, "x.csv")
    assert rows_of(table) == [["1", None, None], ["2", None, None], ["3", "4", None], ["5", "6", "7"],
                              ["9", "10", "11"]]
    assert table.ragged_rows == [5] and table.row_numbers.tolist() == [2, 3, 4, 5, 6]


def test_duplicate_headers_and_blank_columns():
    table = read_table(b"Name;Amount;Amount;;Stage;\nA;5;6;;Won;\nB;6;7;;;x\n", "dup.csv")
    assert list(table.frame.columns) == ["Name", "Amount", "Amount (2)", "Stage", "Column 6"]
    assert rows_of(table) == [["A", "5", "6", "Won", None], ["B", "6", "7", None, "x"]]


@BOTH_PATHS
def test_blank_rows_inside_data_are_skipped_with_their_numbers(path):
    with parser_path(path):
        table = read_table(b"a,b\n1,2\n\n,\n3,4\n", "x.csv")
    assert rows_of(table) == [["1", "2"], ["3", "4"]] and table.row_numbers.tolist() == [2, 5]


def test_single_column_file():
    table = read_table(b"Name\nA\nB\n", "names.csv")
    assert rows_of(table) == [["A"], ["B"]]


def test_reads_from_path_string(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n1,2\n")
    assert rows_of(read_table(str(path), "x.csv")) == [["1", "2"]]


# ---------------------------------------------------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------------------------------------------------

def _xlsx_bytes(build) -> bytes:
    """An .xlsx made by `build(workbook)`."""
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _report_sheet(workbook) -> None:
    """Sheet 'Deals': 2 title rows, a blank row, the header on row 4, then data with real dates."""
    sheet = workbook.active
    sheet.title = "Deals"
    sheet["A1"] = "Opportunities report"
    sheet["A2"] = "As of 20/11/2026"
    sheet.append([])
    sheet["A4"], sheet["B4"], sheet["C4"], sheet["D4"] = "Deal", "Close Date", "Amount", "Created"
    sheet.append(["Acme", dt.datetime(2026, 11, 20), 1234.5, dt.datetime(2026, 1, 5, 14, 3)])
    sheet.append(["Béta", dt.date(2027, 2, 1), 3000.0, dt.datetime(2026, 1, 6)])
    sheet["B5"].number_format = sheet["B6"].number_format = "dd/mm/yyyy"
    summary = workbook.create_sheet("Summary")
    summary.append(["Metric", "Value"])
    summary.append(["Count", 2])


def test_xlsx_title_rows_real_dates_and_numbers(tmp_path):
    path = tmp_path / "deals.xlsx"
    path.write_bytes(_xlsx_bytes(_report_sheet))
    table = read_table(path, "deals.xlsx")
    assert (table.file_format, table.sheet, table.sheets) == ("xlsx", "Deals", ["Deals", "Summary"])
    assert table.header_row == 4 and table.skipped_title_rows == 3
    assert list(table.frame.columns) == ["Deal", "Close Date", "Amount", "Created"]
    assert rows_of(table) == [
        ["Acme", "2026-11-20", "1234.5", "2026-01-05 14:03:00"],
        ["Béta", "2027-02-01", "3000", "2026-01-06"],
    ]
    assert table.row_numbers.tolist() == [5, 6]
    assert table.encoding is None and table.delimiter is None
    assert parse_dates(table.frame["Close Date"]).values.tolist() == [
        pd.Timestamp("2026-11-20"), pd.Timestamp("2027-02-01")]


def test_xlsx_sheet_by_name_and_missing_sheet():
    data = _xlsx_bytes(_report_sheet)
    table = read_table(data, "deals.xlsx", sheet="Summary")
    assert table.sheet == "Summary" and rows_of(table) == [["Count", "2"]]
    message = read_error(data, "deals.xlsx", sheet="Pipeline")
    assert '"Pipeline"' in message and '"Deals", "Summary"' in message


def test_xlsx_first_sheet_with_data_when_first_is_empty():
    def build(workbook):
        workbook.active.title = "Cover"
        data = workbook.create_sheet("Data")
        data.append(["Name", "Amount"])
        data.append(["A", 1.25])
    table = read_table(_xlsx_bytes(build), "deals.xlsx")
    assert table.sheet == "Data" and rows_of(table) == [["A", "1.25"]]
    assert any("Cover" in note for note in table.notes)


def test_xlsx_a_summary_sheet_of_a_title_and_a_total_is_passed_over():
    """A first sheet with a title and a total row has a "header" but no data row: the data sheet is read."""
    def build(workbook):
        summary = workbook.active
        summary.title = "Summary"
        summary.append(["Pipeline summary"])
        summary.append(["Total", 4600.5])
        data = workbook.create_sheet("Opportunities")
        data.append(["Opportunity Report"])
        data.append([])
        data.append(["Opportunity Name", "Stage", "Amount"])
        data.append(["Acme", "Prospecting", 1200])
        data.append(["Beta", "Closed Won", 2500.5])
    table = read_table(_xlsx_bytes(build), "deals.xlsx")
    assert (table.sheet, table.header_row, table.unread_sheets) == ("Opportunities", 3, [])
    assert rows_of(table) == [["Acme", "Prospecting", "1200"], ["Beta", "Closed Won", "2500.5"]]
    assert any(getattr(n, "code", None) == "skipped_sheets" and '"Summary"' in n for n in table.notes)


def test_xlsx_other_sheets_with_data_are_named_not_silently_left():
    def build(workbook):
        for title, rows in (("New Business", [["Acme", 1200]]), ("Renewals", [["Beta", 2500], ["Gamma", 900]]),
                            ("Lookup", [["X", 1]])):
            sheet = workbook.active if title == "New Business" else workbook.create_sheet(title)
            sheet.title = title
            sheet.append(["Opportunity Name", "Amount"])
            for row in rows:
                sheet.append(row)
        workbook["Lookup"].sheet_state = "hidden"
        workbook.create_sheet("Notes")  # empty
    data = _xlsx_bytes(build)
    table = read_table(data, "deals.xlsx")
    assert (table.sheet, table.unread_sheets) == ("New Business", ["Renewals"])  # hidden and empty ones are not data
    named = read_table(data, "deals.xlsx", sheet="Renewals")
    assert (named.sheet, rows_of(named), named.unread_sheets) == ("Renewals", [["Beta", "2500"], ["Gamma", "900"]], [])
    assert workbook_sheets(data, "deals.xlsx") == ["New Business", "Renewals", "Lookup", "Notes"]
    assert workbook_sheets(b"a,b\n1,2\n", "deals.csv") == []


def test_xlsx_a_grouped_report_s_merged_cells_hold_their_value_on_every_row():
    """A grouped report merges the owner down the rows of their deals (A3:A4, A5:A6): each deal gets its owner, as
    Excel shows it; the title merged across the table (A1:C1) stays a title, above the header."""
    def build(workbook):
        sheet = workbook.active
        sheet.append(["Opportunities by owner"])
        sheet.append(["Owner", "Opportunity", "Amount"])
        for row in (["Ann", "A1", 100], [None, "A2", 200], ["Bob", "B1", 300], [None, "B2", 400]):
            sheet.append(row)
        for cells in ("A1:C1", "A3:A4", "A5:A6"):
            sheet.merge_cells(cells)
    table = read_table(_xlsx_bytes(build), "deals.xlsx")
    assert table.header_row == 2 and list(table.frame.columns) == ["Owner", "Opportunity", "Amount"]
    assert rows_of(table) == [["Ann", "A1", "100"], ["Ann", "A2", "200"], ["Bob", "B1", "300"], ["Bob", "B2", "400"]]


def test_xlsx_hidden_sheet_is_not_the_default():
    def build(workbook):
        hidden = workbook.active
        hidden.title, hidden.sheet_state = "Lookup", "hidden"
        hidden.append(["Code", "Label"])
        hidden.append(["X", "Y"])
        shown = workbook.create_sheet("Deals")
        shown.append(["Deal", "Amount"])
        shown.append(["A", 5])
    table = read_table(_xlsx_bytes(build), "deals.xlsx")
    assert table.sheet == "Deals" and table.sheets == ["Lookup", "Deals"]
    assert read_table(_xlsx_bytes(build), "deals.xlsx", sheet="lookup").sheet == "Lookup"


def test_xlsx_footer_rows_and_unnamed_column():
    def build(workbook):
        sheet = workbook.active
        sheet.append(["Name", "Stage", "Amount", None])
        sheet.append(["A", "Won", 10, "note"])
        sheet.append(["B", "Lost", 0.1 + 0.2, None])
        sheet.append([])
        sheet.append(["Total", None, 10.3, None])
        sheet.append(["Confidential"])
    table = read_table(_xlsx_bytes(build), "r.xlsx")
    assert list(table.frame.columns) == ["Name", "Stage", "Amount", "Column D"]
    assert rows_of(table) == [["A", "Won", "10", "note"], ["B", "Lost", "0.3", None]]
    assert table.skipped_footer_rows == 2


def test_xls_fixture_with_title_row():
    table = read_table(FIXTURES / "deals.xls", "deals.xls")
    assert table.file_format == "xls" and table.header_row == 3
    assert rows_of(table) == [["Société Générale", "2026-11-20", "1234.5"], ["Acme", "2027-01-05", "3000"]]
    assert table.row_numbers.tolist() == [4, 5]


def test_ods_fixture():
    table = read_table(FIXTURES / "deals.ods", "affaires.ods")
    assert table.file_format == "ods" and table.sheet == "Affaires"
    assert rows_of(table) == [["Crédit Agricole", "2026-03-31", "2500.75"], ["Orange", "2026-12-01", "800"]]


# ---------------------------------------------------------------------------------------------------------------------
# Files that cannot be read
# ---------------------------------------------------------------------------------------------------------------------

def test_unreadable_files_each_get_their_own_reason():
    truncated = _xlsx_bytes(_report_sheet)
    messages = {
        "empty": read_error(b"", "deals.csv"),
        "blank lines": read_error(b"\n\n   \r\n\t\n", "deals.csv"),
        "header only": read_error(b"Deal,Amount,Stage\n", "deals.csv"),
        "binary": read_error(bytes(range(256)) * 8, "deals.csv"),
        "text named xlsx": read_error(b"Deal,Amount\nA,1\n", "deals.xlsx"),
        "truncated xlsx": read_error(truncated[: len(truncated) // 2], "deals.xlsx"),
        "html": read_error(b"<!DOCTYPE html>\n<html><body><table></table></body></html>", "deals.csv"),
        "json": read_error(b'[{"deal": "A", "amount": 1}]', "deals.csv"),
        "encrypted": read_error((FIXTURES / "encrypted.xlsx").read_bytes(), "deals.xlsx"),
        "zip named csv": read_error(truncated, "deals.csv"),
    }
    assert len(set(messages.values())) == len(messages)
    for message in messages.values():
        assert message.startswith("deals.")
    assert "empty" in messages["empty"]
    assert "blank lines" in messages["blank lines"]
    assert "no data rows" in messages["header only"]
    assert "binary" in messages["binary"]
    assert "Rename it to .csv" in messages["text named xlsx"]
    assert "damaged" in messages["truncated xlsx"]
    assert "web page" in messages["html"]
    assert "JSON" in messages["json"]
    assert "password" in messages["encrypted"]
    assert "Rename it to .xlsx" in messages["zip named csv"]


def test_header_with_only_blank_rows_below_is_header_only():
    assert "no data rows" in read_error(b"Deal,Amount\n\n,\n", "x.csv")

    def build(workbook):
        workbook.active.append(["Deal", "Amount"])
    assert "no data rows" in read_error(_xlsx_bytes(build), "x.xlsx")
    assert "every sheet" in read_error(_xlsx_bytes(lambda workbook: None), "x.xlsx")


def test_json_object_and_other_archives():
    assert "JSON" in read_error(b'{"results": []}', "x.csv")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("deals.csv", "a,b\n1,2\n")
    assert "Unzip it" in read_error(buffer.getvalue(), "export.zip")


def test_ole_file_that_is_not_a_workbook():
    fake = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000
    assert "save it as .xlsx" in read_error(fake, "old.xls")


def test_encrypted_marker_in_any_ole_file():
    fake = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le")
    assert "password" in read_error(fake, "deals.xlsx")


def test_unclosed_quote_names_the_line():
    message = read_error(b'a,b,c\n1,2,3\n4,"5\n6,7,8\n', "x.csv")
    assert "line 3" in message and "never closed" in message


def test_error_message_escapes_file_content():
    message = read_error(b"\x1b[31m" + b"x" * 500 + b",b\n1,2\n", "deals.xlsx")
    assert "\x1b" not in message and "\\x1b" in message and "x" * 61 not in message


# ---------------------------------------------------------------------------------------------------------------------
# parse_numbers / currency_symbols
# ---------------------------------------------------------------------------------------------------------------------

def numbers(values: list, **kwargs) -> Parsed:
    """parse_numbers on a list of cells (None for blank)."""
    return parse_numbers(pd.Series(values, dtype=object), **kwargs)


@pytest.mark.parametrize(("cells", "expected", "detail"), [
    (["1234.56", "1,234.56", "$1,234.56", "-5", "(1,234.00)", "EUR 5000"],
     [1234.56, 1234.56, 1234.56, -5.0, -1234.0, 5000.0], "decimal point"),
    (["1 234,56", "1\u00a0234,56", "1\u202f234,56", "12 345 €", "1.234,56", "€ 1.234", "1234,5"],
     [1234.56, 1234.56, 1234.56, 12345.0, 1234.56, 1234.0, 1234.5], "decimal comma"),
    (["1,234", "2,500"], [1234.0, 2500.0], "thousands separators"),
    (["1,234", "1,5"], [1.234, 1.5], "decimal comma"),
    (["1,234,567", "12"], [1234567.0, 12.0], "decimal point"),
    (["0,125", "3"], [0.125, 3.0], "decimal comma"),
    (["100", "-7"], [100.0, -7.0], "whole numbers"),
    (["0.5", "12.25"], [0.5, 12.25], "decimal point"),
])
def test_parse_numbers_formats(cells, expected, detail):
    parsed = numbers(cells)
    assert parsed.values.tolist() == pytest.approx(expected)
    assert not parsed.bad.any()
    assert parsed.detail == detail


def test_parse_numbers_bad_and_blank():
    parsed = numbers(["TBD", "10k", "n/a", "", None, "  ", "1,2,3.4.5", "12"])
    assert parsed.bad.tolist() == [True, True, True, False, False, False, True, False]
    assert parsed.values.isna().tolist() == [True] * 7 + [False]


def test_parse_numbers_forced_decimal_and_keeps_index():
    values = pd.Series(["1,234", "2.000,5"], index=[10, 11], name="Valeur", dtype=object)
    parsed = parse_numbers(values, decimal=",")
    assert parsed.values.tolist() == [1.234, 2000.5]
    assert list(parsed.values.index) == [10, 11] and parsed.values.name == "Valeur"
    assert parsed.values.dtype == np.float64 and parsed.bad.dtype == bool


def test_currency_symbols():
    cells = ["$5", "5 €", "EUR 5", "CHF 3", "C$ 4", "US$ 3", "£2", "5000GBP", "12", None, "DUSD"]
    assert currency_symbols(pd.Series(cells, dtype=object)).tolist() == [
        "USD", "EUR", "EUR", "CHF", "CAD", "USD", "GBP", "GBP", None, None, None]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=-10**9, max_value=10**9), min_size=1, max_size=20),
       st.sampled_from(["us", "fr", "de"]))
def test_parse_numbers_round_trips_formatted_cents(cents, style):
    amounts = [c / 100 for c in cents]
    text = [f"{a:,.2f}" for a in amounts]
    if style == "fr":
        text = [t.replace(",", "\u202f").replace(".", ",") + " €" for t in text]
    elif style == "de":
        text = [t.replace(",", "_").replace(".", ",").replace("_", ".") for t in text]
    parsed = numbers(text)
    assert parsed.values.tolist() == pytest.approx(amounts)


# ---------------------------------------------------------------------------------------------------------------------
# parse_dates
# ---------------------------------------------------------------------------------------------------------------------

def dates(values: list, **kwargs) -> tuple[list[str | None], list[bool], str]:
    """(ISO text or None per cell, bad flags, detail) of parse_dates on a list of cells."""
    parsed = parse_dates(pd.Series(values, dtype=object), **kwargs)
    assert parsed.values.dtype == "datetime64[ns]"
    iso = [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in parsed.values]
    return iso, parsed.bad.tolist(), parsed.detail


def test_parse_dates_iso_variants():
    iso, bad, detail = dates(["2026-11-20", "2026-11-20 14:03", "2026-11-20T14:03:00Z", None, ""])
    assert iso == ["2026-11-20"] * 3 + [None, None] and bad == [False] * 5 and detail == "ISO"


def test_parse_dates_day_first():
    iso, bad, detail = dates(["20/11/2026", "1/5/2026", "20.11.2026", "20-11-2026", "20/11/26"])
    assert iso == ["2026-11-20", "2026-05-01", "2026-11-20", "2026-11-20", "2026-11-20"]
    assert detail == "day-first (dd/mm/yyyy)" and not any(bad)


def test_parse_dates_month_first():
    iso, _, detail = dates(["11/20/2026", "1/5/2026"])
    assert iso == ["2026-11-20", "2026-01-05"] and detail == "month-first (m/d/yyyy)"


def test_parse_dates_ambiguous_uses_hint():
    assert dates(["1/5/2026", "2/6/2026"]) == (["2026-05-01", "2026-06-02"], [False, False],
                                               "ambiguous, assumed day-first")
    assert dates(["1/5/2026", "2/6/2026"], dayfirst_hint=False) == (
        ["2026-01-05", "2026-02-06"], [False, False], "ambiguous, assumed month-first")


def test_parse_dates_mixed_orders_follow_majority_for_ambiguous():
    iso, bad, detail = dates(["20/11/2026", "25/12/2026", "11/21/2026", "1/5/2026"])
    # Two values are clearly day-first, one clearly month-first: the ambiguous 1/5 follows day-first.
    assert iso == ["2026-11-20", "2026-12-25", "2026-11-21", "2026-05-01"]
    assert detail == "mixed day-first and month-first" and not any(bad)


def test_parse_dates_excel_serials():
    iso, bad, detail = dates(["46000", "45658", "", "45000.75"])
    # Serial 45658 is 2025-01-01; 46000 is 342 days later; 45000 is 2023-03-15.
    assert iso == ["2025-12-09", "2025-01-01", None, "2023-03-15"]
    assert detail == "Excel serial numbers" and bad == [False] * 4


def test_parse_dates_bad_far_past_impossible_and_text():
    iso, bad, _ = dates(["1850-01-01", "2101-01-01", "31/02/2026", "soon", "12", "2026-11-20"])
    assert iso == [None] * 5 + ["2026-11-20"]
    assert bad == [True] * 5 + [False]


def test_parse_dates_month_names():
    iso, bad, detail = dates(["20 nov. 2026", "Nov 20, 2026", "1er janvier 2026", "20-Nov-2026"])
    assert iso == ["2026-11-20", "2026-11-20", "2026-01-01", "2026-11-20"] and not any(bad)
    assert "month names" in detail


# ---------------------------------------------------------------------------------------------------------------------
# parse_probability
# ---------------------------------------------------------------------------------------------------------------------

def probability(values: list) -> Parsed:
    """parse_probability on a list of cells."""
    return parse_probability(pd.Series(values, dtype=object))


def test_probability_percent_column():
    parsed = probability(["20%", "20", "75", "20,5 %", None, "100"])
    assert parsed.values.tolist()[:4] == pytest.approx([0.2, 0.2, 0.75, 0.205])
    assert parsed.values.tolist()[5] == 1.0 and np.isnan(parsed.values.tolist()[4])
    assert not parsed.bad.any() and parsed.detail == "percent (0-100)"


def test_probability_fraction_column():
    parsed = probability(["0.2", "0.5", "1", "0"])
    assert parsed.values.tolist() == [0.2, 0.5, 1.0, 0.0] and parsed.detail == "fraction (0-1)"


def test_probability_bad_values():
    parsed = probability(["50", "150", "-5", "likely", "101 %", ""])
    assert parsed.bad.tolist() == [False, True, True, True, True, False]
    assert parsed.values.tolist()[0] == 0.5 and parsed.values.isna().tolist()[1:] == [True] * 5


# ---------------------------------------------------------------------------------------------------------------------
# Property: random CSV text
# ---------------------------------------------------------------------------------------------------------------------

CELL = st.text(alphabet=st.sampled_from(list('ab1 ,;"\n\t|é€\u00a0')), max_size=8)
WORD = st.from_regex(r"[A-Z][a-z]{2,6}", fullmatch=True)
STRIP = " \t\n\u00a0"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_csv_reads_every_data_row(data):
    path = data.draw(st.sampled_from(["fast", "pandas"]), label="parser path")
    width = data.draw(st.integers(min_value=2, max_value=6), label="width")
    header = data.draw(st.lists(WORD, min_size=width, max_size=width, unique=True), label="header")
    first = CELL.filter(lambda c: c.strip(STRIP) != "")
    row = st.tuples(first, st.lists(CELL, min_size=width - 1, max_size=width - 1)).map(lambda t: [t[0], *t[1]])
    rows = data.draw(st.lists(row, max_size=12), label="rows")
    delimiter = data.draw(st.sampled_from([",", ";", "\t", "|"]), label="delimiter")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    try:
        with parser_path(path):
            table = read_table(buffer.getvalue().encode(), "random.csv")
    except ReadError:
        assert not rows  # only a file without data rows may be refused
        return
    assert len(table.frame) == len(rows)
    assert list(table.frame.columns) == header
    assert rows_of(table) == [[c.strip(STRIP) or None for c in r] for r in rows]
    assert table.row_numbers.tolist() == sorted(set(table.row_numbers.tolist()))


def test_rows_repeating_the_header_are_skipped_and_said():
    """Two exports pasted one under the other (or a report's pages): the second header is no deal. A row holding
    only some of the headings (a real value equal to a heading) is kept."""
    text = ("Deal,Stage,Amount\nA,Won,10\nDeal,Stage,Amount\nB,Lost,20\nDeal,Stage,30\n").encode()
    table = read_table(text, "deals.csv")
    assert rows_of(table) == [["A", "Won", "10"], ["B", "Lost", "20"], ["Deal", "Stage", "30"]]
    assert table.row_numbers.tolist() == [2, 4, 5]
    assert any(getattr(n, "code", None) == "repeated_header" and n.values == {"n": 1} for n in table.notes)


def test_dates_written_yyyymmdd_in_a_column_of_numbers():
    """ERP exports write 20260105 for 5 January 2026; 20261301 (month 13) stays bad; in a column of other dates an
    eight-digit number is no date."""
    parsed = parse_dates(pd.Series(["20260105", "20261231", None, "20261301"]))
    assert [str(v)[:10] for v in parsed.values] == ["2026-01-05", "2026-12-31", "NaT", "NaT"]
    assert parsed.bad.tolist() == [False, False, False, True] and parsed.detail == "yyyymmdd"
    mixed = parse_dates(pd.Series(["2026-01-05", "20260105"]))
    assert mixed.bad.tolist() == [False, True]

"""Properties of the importer on random input (hypothesis): a file is either refused with one clean line, or
imported with counts that add up (imported + rejected = the data rows the reader found) and values that obey
METRICS.md section 1 (amounts finite and >= 0, dates 1900-2100, probabilities 0..1, one row per deal id,
eNPS whole numbers 0-10)."""
from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import ingest

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEAL_HEADER = ["Record ID", "Deal Name", "Deal Stage", "Amount", "Probability (%)", "Create Date", "Close Date",
               "Lead Source"]
SURVEY_HEADER = ["Submitted", "Department", "How likely are you to recommend this company as a place to work?",
                 "I feel recognised for my work [1-5]"]
EDGE_CELLS = ["", " ", "TBD", "10k", "-5", "1e999", "NaN", "0", "100", "150", "=SUM(A1)", "@x", "'); DROP TABLE x;--",
              "<script>x</script>", '"', '""', ";", ",", "\n", "2026-02-30", "1899-12-31", "31/12/2026", "12/31/2026",
              "2026-10-01", "Oct 3, 2026", "46000", "closedwon", "closedlost", "appointmentscheduled", "Qualified",
              "9.5", "dix", "11", "-1", "7", "Strongly agree", "\u00a0", "\x00", "\ufeff", "1 234,56", "$1,000.00"]
CELL = st.one_of(st.sampled_from(EDGE_CELLS), st.text(max_size=12), st.integers(-10, 200).map(str),
                 st.floats(allow_nan=True, allow_infinity=True).map(str))
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%b %d, %Y"]
DATE = st.dates(dt.date(1890, 1, 1), dt.date(2110, 12, 31)).map(lambda d: d.strftime(DATE_FORMATS[d.day % 3]))
VALID = {  # a plausible value of each column (blank included), so that files import as often as they are refused
    "Record ID": st.one_of(st.integers(1, 30).map(str), st.just("")),
    "Deal Name": st.text(max_size=20),
    "Deal Stage": st.sampled_from(["appointmentscheduled", "qualifiedtobuy", "closedwon", "closedlost", "Custom"]),
    "Amount": st.one_of(st.integers(0, 10**9).map(str), st.sampled_from(["", "$1,000.00", "1 234,56"])),
    "Probability (%)": st.one_of(st.integers(0, 100).map(str), st.just("")),
    "Create Date": st.one_of(DATE, st.just("")),
    "Close Date": st.one_of(DATE, st.just("")),
    "Lead Source": st.text(max_size=10),
    "Submitted": st.one_of(DATE, st.just("")),
    "Department": st.text(max_size=10),
    SURVEY_HEADER[2]: st.one_of(st.integers(0, 10).map(str), st.just("")),
    SURVEY_HEADER[3]: st.one_of(st.integers(1, 5).map(str), st.just("Strongly agree"), st.just("")),
}


def rows_of(header: list[str]):
    """Rows of cells: each cell a plausible value of its column, one time in five anything at all."""
    cell = [st.integers(0, 4).flatmap(lambda n, c=c: CELL if n == 0 else VALID[c]) for c in header]
    return st.lists(st.tuples(*cell).map(list), min_size=1, max_size=15)


def csv_bytes(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue().encode("utf-8")


def prepared_or_refused(data: bytes, name: str, **options) -> ingest.Prepared | None:
    """The prepared file, or None when it was refused with one clean line naming it."""
    try:
        return ingest.prepare(data, name, ingest.ImportOptions(**options))
    except ingest.ImportRejected as exc:
        message = str(exc)
        assert message.startswith(f"{name}: ") and "\n" not in message and "Traceback" not in message
        assert len(message) <= ingest.MESSAGE_LIMIT + len(name) + 2
        return None


def assert_counts_add_up(p: ingest.Prepared) -> None:
    assert p.rows_imported + p.rows_rejected == len(p.raw.frame)
    assert p.rows_imported > 0
    rows = p.rejected["row_number"]
    assert rows.is_unique and set(rows) <= set(p.raw.row_numbers.tolist())
    assert all(isinstance(r, str) and r and "\n" not in r for r in p.rejected["reason"])


@SETTINGS
@given(st.text(max_size=300), st.sampled_from(["random.csv", "random.txt", "random.xlsx"]))
def test_any_text_is_refused_cleanly_or_adds_up(text, name):
    p = prepared_or_refused(text.encode("utf-8"), name)
    if p is not None:
        assert_counts_add_up(p)


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_are_refused_cleanly_or_add_up(data):
    p = prepared_or_refused(data, "bytes.csv")
    if p is not None:
        assert_counts_add_up(p)


@SETTINGS
@given(rows_of(DEAL_HEADER), st.sampled_from([",", ";", "\t"]))
def test_random_deal_cells(rows, delimiter):
    p = prepared_or_refused(csv_bytes(DEAL_HEADER, rows, delimiter), "deals.csv", kind="deals")
    if p is None:
        return
    assert_counts_add_up(p)
    deals = p.tables["deal_snapshots"]
    assert deals["deal_id"].is_unique and deals["stage"].notna().all()
    amounts = deals["amount"].dropna().to_numpy(dtype=float)
    assert np.isfinite(amounts).all() and (amounts >= 0).all()
    probability = deals["probability"].dropna().to_numpy(dtype=float)
    assert ((probability >= 0) & (probability <= 1)).all()
    for column in ("created_on", "close_on"):
        years = pd.to_datetime(deals[column].dropna()).dt.year
        assert years.between(1900, 2100).all()


@SETTINGS
@given(rows_of(SURVEY_HEADER))
def test_random_survey_cells(rows):
    p = prepared_or_refused(csv_bytes(SURVEY_HEADER, rows), "survey.csv", kind="survey")
    if p is None:
        return
    assert_counts_add_up(p)
    enps = p.tables["survey_responses"]["enps"].dropna()
    assert enps.between(0, 10).all() and (enps == enps.round()).all()
    answers = p.tables["survey_answers"]
    assert set(answers["response_no"]) <= set(p.tables["survey_responses"]["response_no"])

"""The column helpers of the general import path keep one object per distinct value (issue 16: memory)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analytics.ingest.validation import date_only, text_column


def test_text_column_strips_blanks_to_none_and_shares_equal_cells():
    owner = "Ann"
    frame = pd.DataFrame({"owner": pd.Series([owner, " Bob\u00a0", None, "", "\t", owner, np.nan, " Bob\u00a0"],
                                             dtype=object, index=range(10, 18))})
    out = text_column(frame, "owner")
    # by hand: stripped text, None for missing or blank cells ("", a lone tab), index and name kept
    assert list(out) == ["Ann", "Bob", None, None, None, "Ann", None, "Bob"]
    assert list(out.index) == list(range(10, 18)) and out.name == "owner" and out.dtype == object
    assert out.iloc[0] is owner and out.iloc[5] is owner  # the cell's own object, not a copy per row
    assert out.iloc[1] is out.iloc[7]                     # " Bob\u00a0" twice: stripped once, one "Bob"


def test_text_column_of_numbers_and_unmapped_columns():
    frame = pd.DataFrame({"n": pd.Series([1, 2.5, None, " x "], dtype=object)})
    assert list(text_column(frame, "n")) == ["1", "2.5", None, "x"]  # str() of each value, stripped
    assert list(text_column(frame, None)) == [None] * 4


def test_date_only_gives_dates_shared_by_their_rows_and_none_for_blanks():
    stamps = pd.Series(pd.to_datetime(["2026-11-20", None, "2026-11-20", "2025-01-31"]), index=[3, 4, 5, 6],
                       name="created")
    out = date_only(stamps)
    assert list(out) == [dt.date(2026, 11, 20), None, dt.date(2026, 11, 20), dt.date(2025, 1, 31)]
    assert list(out.index) == [3, 4, 5, 6] and out.name == "created" and out.dtype == object
    assert out.iloc[0] is out.iloc[2]

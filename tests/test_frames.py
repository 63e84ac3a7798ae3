"""``analytics.store.frames.read_frame``: the frame DuckDB's ``df()`` gives (values, names and dtypes), its text
columns read through Arrow. Expected values worked out by hand from the literal queries."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from analytics.store.frames import read_frame
from analytics.store.sql import Fragment


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_text_numbers_dates_and_a_blank_column_read_as_df_reads_them(con):
    query = Fragment("SELECT 'b' || range AS name, CASE WHEN range = 1 THEN NULL ELSE range END AS n, "
                     "CAST(range AS DECIMAL(10, 2)) * 0.25 AS amount, DATE '2026-11-20' + CAST(range AS INTEGER) "
                     "AS day, NULL::VARCHAR AS blank, range = 2 AS last FROM range(?)", [3])
    out = read_frame(con, query)
    assert list(out.columns) == ["name", "n", "amount", "day", "blank", "last"]
    assert out["name"].dtype == "str" and out["name"].tolist() == ["b0", "b1", "b2"]
    assert str(out["n"].dtype) == "Int64" and out["n"].isna().tolist() == [False, True, False]
    assert out["n"][2] == 2
    assert out["amount"].dtype == "float64" and out["amount"].tolist() == [0.0, 0.25, 0.5]
    assert [d.date() for d in out["day"]] == [dt.date(2026, 11, 20), dt.date(2026, 11, 21), dt.date(2026, 11, 22)]
    assert out["blank"].dtype == object and out["blank"].isna().all()  # no value at all: an object column
    assert out["last"].tolist() == [False, False, True]
    pd.testing.assert_frame_equal(out, con.execute(*query).df())


def test_a_text_column_with_blanks_holds_nan_for_them(con):
    query = Fragment("SELECT CASE WHEN range = 0 THEN NULL ELSE 'x' END AS s FROM range(2)", [])
    out = read_frame(con, query)
    assert out["s"].dtype == "str" and out["s"].isna().tolist() == [True, False] and out["s"][1] == "x"
    pd.testing.assert_frame_equal(out, con.execute(*query).df())


@pytest.mark.parametrize("sql", [
    "SELECT 1 AS n, 'a' AS s WHERE FALSE",                    # no row: the text column is an object column
    "SELECT 'a' AS s, 1 AS s",                                # two columns of one name: s and s_1, as df() names them
    "SELECT 'x'::ENUM('x', 'y') AS e, 'a' AS s",              # an enum: a categorical column
    "SELECT [1, 2] AS l, INTERVAL 3 DAY AS i, 'a' AS s",      # a list and an interval
    "SELECT 1 AS n",                                          # no text
])
def test_other_results_are_the_frame_df_gives(con, sql):
    pd.testing.assert_frame_equal(read_frame(con, Fragment(sql, [])), con.execute(sql).df())


def test_a_result_read_in_part_before_does_not_stop_it(con):
    con.execute("SELECT range FROM range(10)").fetchone()  # one row of ten read
    assert read_frame(con, Fragment("SELECT 'a' AS s", []))["s"].tolist() == ["a"]

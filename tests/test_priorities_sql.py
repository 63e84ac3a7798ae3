"""The Priorities page's counts in SQL (analytics/sales/priority_deals.py ``DealTable``) against the hand-worked
database of tests/test_priorities.py and against the frame path (``deal_frame`` + pandas), an independent
computation of the same model.

Held-back deals, by hand (the latest quarter: cut_on 2025-09-10, tests/test_priorities.py):
  Referrals close 2025-01-31 + 6k >= 2025-09-10 (222 days later) -> k = 37..49: 13 deals, won when k % 5 in
  (0, 2, 4): 37, 39, 40, 42, 44, 45, 47, 49 = 8 won, 5 lost;
  Paid Search close 2025-02-02 + 5k >= 2025-09-10 (220 days later) -> k = 44..59: 16 deals, won k = 53 only: 1 won;
  Events close 2025-02-01 / 02-03: learnt from.
  => 29 held back (9 won, 20 lost), 112 - 29 = 83 learnt from; predictions = 4 stages x 9 won + 1 x 20 lost = 56.
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics import store
from analytics.sales import priorities as prio
from analytics.sales import priority_deals
from analytics.sales.deals import DealFilter
from analytics.sales.priority_deals import DealTable, open_deal_rows
from tests.sales_fixtures import read_db
from tests.test_priorities import S3, build


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    with read_db(tmp_path_factory.mktemp("priorities_sql") / "priorities.duckdb", build) as reader:
        yield reader


def test_the_held_back_deals_are_counted_by_hand(con):
    check = prio.priorities(con).calibration
    assert check.cut_on == date(2025, 9, 10)
    assert (check.train_deals, check.test_deals, check.predictions) == (83, 29, 56)
    assert check.train_ids == () and check.chosen == "drivers"  # the page needs the counts only


def test_the_sql_calibration_is_the_frame_one(con):
    sql = prio.priorities(con).calibration
    frame = prio.calibration_report(con)  # every deal in pandas, judged deal by deal
    assert (len(frame.train_ids), len(frame.test_ids)) == (sql.train_deals, sql.test_deals)
    assert sql.brier_drivers == pytest.approx(frame.brier_drivers)
    assert sql.brier_stage == pytest.approx(frame.brier_stage)
    pd.testing.assert_frame_equal(sql.reliability, frame.reliability, check_dtype=False)


def test_the_sql_model_is_the_one_learnt_from_the_frame(con):
    model = prio.priorities(con).model
    deals, _ = prio.deal_frame(con)
    closed = deals[deals["status"] != "open"]
    frame = prio.fit_model(closed, prio._open_stages(con), 20, with_pushes=bool(deals["pushes"].notna().any()))
    pd.testing.assert_frame_equal(model.stage_rates, frame.stage_rates, check_dtype=False)
    pd.testing.assert_frame_equal(model.factors, frame.factors, check_dtype=False)
    assert model.drivers == frame.drivers == ("source",)
    # Referrals at Qualify: 50 closed, 30 won (the won ones reached every stage: 30 at Demo, Proposal, Negotiate)
    referrals = model.factors.set_index(["value", "position"])
    assert referrals.loc[("Referrals", 1), ["closed", "won"]].tolist() == [50, 30]
    assert referrals.loc[("Referrals", 4), ["closed", "won"]].tolist() == [30, 30]


def test_counts_follow_the_filter_and_period_and_the_table_is_dropped(con):
    # closed in the first half of 2025, owner Ann (everyone): Referrals k <= 25 (26 deals, 16 won), as
    # test_drivers_follow_the_filter_and_period; Paid Search closes 2025-02-02 + 5k <= 2025-06-30 -> k <= 29:
    # 30 deals, won k = 3, 13, 23 = 3
    table = prio.win_drivers(con, flt=DealFilter(owners=("Ann",)), date_from=date(2025, 1, 1),
                             date_to=date(2025, 6, 30)).set_index("value")
    assert table.loc["Referrals", ["closed", "won"]].tolist() == [26, 16]
    assert table.loc["Paid Search", ["closed", "won"]].tolist() == [30, 3]
    with DealTable(con, skip=prio.BUILT_IN) as deals:
        name = deals.name
        assert deals.attributes == ("owner", "pipeline", "source", "pushes")  # open deals were pushed: PUSH
    assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()[0]


def test_the_flags_read_beside_the_counts_are_those_read_through_the_connection(tmp_path):
    # A read connection (store.connect) reads the open deals' pushes and rows and the stale deals through a second
    # connection while it counts; a writing one (inside store.transaction: it may hold rows no other connection
    # sees) reads them itself. Same list either way, with the hand-worked figures of tests/test_priorities.py: PUSH
    # pushed 2026-12-01 -> 12-15 -> 2027-01-10 = 2 pushes; STALE unchanged since it was created on 2026-06-01.
    path = tmp_path / "priorities.duckdb"
    with store.transaction(path) as writer:
        build(writer)
        inside = prio.priorities(writer).deals
    with store.connect(path) as reader:
        beside = prio.priorities(reader).deals
    pd.testing.assert_frame_equal(beside, inside)
    deals = beside.set_index("deal_id")
    assert deals.loc["PUSH", "pushes"] == 2 and "pushed_twice" in deals.loc["PUSH", "flags"]
    assert deals.loc["STALE", "days_unchanged"] == (S3 - date(2026, 6, 1)).days


def test_the_open_deals_are_the_frame_ones_and_only_the_tables(con):
    # the open deals of the table, whether their rows are read through the connection or given (e.g. read by a second
    # connection): the same rows as deal_frame's open deals of the filter (9 open deals, OP the only Paid Search one)
    flt = DealFilter(attributes=(("source", ("Referrals", "Paid Search")),))
    frame, _ = prio.deal_frame(con, flt=flt)
    expected = frame[(frame["status"] == "open") & frame["in_filter"]].reset_index(drop=True)
    assert len(expected) == 8  # OE (Events) is not in the filter
    with DealTable(con, flt=flt) as deals:
        read = deals.open_deals()
    pd.testing.assert_frame_equal(read, expected, check_dtype=False)
    # rows given for a deal the table does not hold as an open deal of the filter (OE) are left out
    rows = open_deal_rows(con)
    with DealTable(con, flt=flt, open_rows=lambda: rows) as deals:
        given = deals.open_deals()
    assert "OE" in set(rows["deal_id"])
    pd.testing.assert_frame_equal(given, expected, check_dtype=False)


def test_the_time_split_counts_days_as_the_frame_sorts_deals():
    # closed on d1, d1, d2, d2, d2, d3 and one blank: 6 dated, the held-back place int(6 x 0.75) = 4 (from 0) in
    # close-date order is a d2 deal -> cut d2, held back the 4 closed on d2 or later, learnt from d1, d1 and the blank
    # one; the open deal is no closed deal
    d0, d1, d2, d3 = (date(2025, 1, day) for day in (1, 5, 9, 20))
    deals = DealTable(duckdb.connect())
    deals.con.execute(f"CREATE TABLE {deals.name} (status TEXT, close_on DATE)")
    deals.con.executemany(f"INSERT INTO {deals.name} VALUES (?, ?)", [
        ("won", d1), ("lost", d1), ("won", d2), ("lost", d2), ("won", d2), ("lost", d3), ("won", None), ("open", d0)])
    assert deals.time_split(0.25) == (d2, 3, 4)
    frame = pd.DataFrame({"deal_id": range(7), "close_on": [d1, d1, d2, d2, d2, d3, None]})
    train, test, cut_on = prio.time_split(frame, 0.25)  # the same split, deal by deal
    assert (cut_on, len(train), len(test)) == (d2, 3, 4)
    # share 0.6: place int(6 x 0.4) = 2, the first d2 deal (two closed on d1 before it): cut d2 again
    assert deals.time_split(0.6) == (d2, 3, 4) and prio.time_split(frame, 0.6)[2] == d2
    deals.con.execute(f"UPDATE {deals.name} SET close_on = NULL")
    assert deals.time_split(0.25) == (None, 7, 0)  # no close date: every closed deal is learnt from


def test_deal_dates_are_dates_shared_by_their_rows():
    stamps = pd.Series(pd.to_datetime(["2026-11-20", None, "2026-11-20", "2026-12-01"]), index=[3, 5, 7, 9], name="x")
    dates = priority_deals._dates(stamps)
    pd.testing.assert_series_equal(dates, stamps.dt.date)  # datetime.date objects, NaT for the blank one
    assert dates[3] == date(2026, 11, 20) and dates[3] is dates[7]  # one object per date: pickled once
    assert priority_deals._dates(stamps.iloc[:0]).empty

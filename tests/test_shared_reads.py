"""Speed of the Pipeline page without other results (issue 16): one read connection per script run
(``common.shared_reads``), the most common currency read once per connection, a table's repeated values worded
once. Every expected value is worked out by hand from the small exports below."""
from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

from analytics import ingest, store
from analytics.sales import deals
from ui import common, fmt

# Two exports: a week apart. Currencies per snapshot row: 2026-11-24 EUR, EUR, USD; 2026-12-01 USD, USD, EUR, USD.
OLDER = (b"Record ID,Deal Name,Deal Stage,Amount,Deal currency code,Create Date,Close Date\n"
         b"A1,Alpha,appointmentscheduled,100,EUR,2026-09-01,2026-12-15\n"
         b"A2,Beta,qualifiedtobuy,200,EUR,2026-09-02,2026-12-20\n"
         b"A3,Gamma,qualifiedtobuy,300,USD,2026-09-03,2026-12-20\n")
NEWER = (b"Record ID,Deal Name,Deal Stage,Amount,Deal currency code,Create Date,Close Date\n"
         b"A1,Alpha,qualifiedtobuy,100,USD,2026-09-01,2026-12-15\n"
         b"A2,Beta,qualifiedtobuy,200,USD,2026-09-02,2026-12-20\n"
         b"A3,Gamma,qualifiedtobuy,300,EUR,2026-09-03,2026-12-20\n"
         b"A4,Delta,appointmentscheduled,400,USD,2026-09-04,2026-12-20\n")


@pytest.fixture(scope="module")
def two_exports_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("shared_reads") / "pulse.duckdb"
    ingest.import_file(OLDER, "deals_2026-11-24.csv", db=path)
    ingest.import_file(NEWER, "deals_2026-12-01.csv", db=path)
    return path


@pytest.fixture
def two_exports(two_exports_template, db):
    """This test's own copy of the two exports (PULSE_DB points at it)."""
    shutil.copy(two_exports_template, db)
    st.cache_data.clear()
    yield db
    st.cache_data.clear()


@pytest.fixture
def opened(monkeypatch):
    """Every connection ``store.connect`` opens for the app, as a list of events ("open" / "close")."""
    events: list[str] = []
    real = store.connect

    @contextlib.contextmanager
    def counting(path=None):
        with real(path) as con:
            events.append("open")
            try:
                yield con
            finally:
                events.append("close")

    monkeypatch.setattr(store, "connect", counting)
    return events


def test_the_most_common_currency_counts_every_snapshot_row(two_exports):
    # EUR rows: 2 (older) + 1 (newer) = 3; USD rows: 1 + 3 = 4 -> USD, though the older export alone says EUR
    with store.connect(two_exports) as con:
        assert deals.most_common_currency(con) == "USD"
        assert deals.reporting_currency(con).code == "USD"


def test_a_read_connection_asks_for_the_most_common_currency_once(two_exports, monkeypatch):
    with store.connect(two_exports) as con:
        assert deals.most_common_currency(con) == "USD"
        memo = store.connection_memo(con)
        memo["most_common_currency"] = "XYZ"  # what it read first is what it keeps: the table is not read again
        assert deals.reporting_currency(con).code == "XYZ"
    with store.transaction(two_exports) as con:  # a writing connection keeps nothing: always the table's answer
        assert store.connection_memo(con) is None
        assert deals.most_common_currency(con) == "USD"


def test_a_block_opens_one_connection_and_closes_it(two_exports, opened):
    common.data_version()  # the file's version known beforehand, as after the app's first run
    opened.clear()
    with common.shared_reads():
        # the newest snapshot is 2026-12-01, the one before it 2026-11-24; 4 deals in the newest
        assert common.fetch(deals.latest_snapshot_on) == dt.date(2026, 12, 1)
        assert common.fetch(deals.snapshot_dates) == [dt.date(2026, 11, 24), dt.date(2026, 12, 1)]
        assert common.fetch(deals.filter_choices)["pipeline"] == ["default"]
        assert opened == ["open"]  # three misses, one connection, still open
    assert opened == ["open", "close"]
    with common.shared_reads():  # every answer now comes from the cache: no connection at all
        assert common.fetch(deals.latest_snapshot_on) == dt.date(2026, 12, 1)
    assert opened == ["open", "close"]


def test_a_write_inside_the_block_is_seen_by_the_next_fetch(two_exports, opened):
    with common.shared_reads():
        assert common.fetch(deals.reporting_currency).code == "USD"  # 4 USD rows against 3 EUR
        common.save_currency("EUR", {"USD": 0.5})
        # a new data version: the block's connection is opened again (its memo held the old settings)
        assert common.fetch(deals.reporting_currency) == deals.Currency("EUR", {"USD": 0.5})
    assert opened.count("open") == opened.count("close")


def test_an_error_in_a_fetch_closes_the_connection_and_the_next_one_opens_again(two_exports, opened):
    def broken(con):
        con.execute("SELECT * FROM no_such_table")

    with common.shared_reads():
        with pytest.raises(Exception, match="no_such_table"):
            common.fetch(broken)
        assert opened[-1] == "close"
        assert common.fetch(deals.latest_snapshot_on) == dt.date(2026, 12, 1)
    assert opened == ["open", "close", "open", "close"]


def test_outside_a_block_each_fetch_has_its_own_connection(two_exports, opened):
    common.data_version()
    opened.clear()
    assert common.fetch(deals.latest_snapshot_on) == dt.date(2026, 12, 1)
    assert common.fetch(deals.snapshot_dates) == [dt.date(2026, 11, 24), dt.date(2026, 12, 1)]
    assert opened == ["open", "close", "open", "close"]


def test_a_fetch_ahead_is_read_once_on_its_own_thread_and_connection_and_the_block_waits_for_it(two_exports, opened):
    threads: list[str] = []

    def dates_read(con):
        threads.append(threading.current_thread().name)
        return deals.snapshot_dates(con)

    common.data_version()
    opened.clear()
    common.fetch_ahead(dates_read)  # outside a block: nothing starts
    assert threads == [] and opened == []
    with common.shared_reads():
        common.fetch_ahead(dates_read)
    assert threads == ["pulse_fetch_ahead_0"]  # read by the block's thread, done when the block ended
    assert opened == ["open", "close"]  # its own connection (the block's own was never needed)
    # cached: the section's fetch does not read it again
    assert common.fetch(dates_read) == [dt.date(2026, 11, 24), dt.date(2026, 12, 1)]
    assert threads == ["pulse_fetch_ahead_0"]


def test_an_error_of_a_fetch_ahead_is_raised_by_the_sections_own_fetch(two_exports):
    reads: list[int] = []

    def broken(con):
        reads.append(1)
        con.execute("SELECT * FROM no_such_table")

    with common.shared_reads():
        common.fetch_ahead(broken)
        with pytest.raises(Exception, match="no_such_table"):
            common.fetch(broken)
    assert len(reads) == 2  # the thread's read failed, so the section read it again (errors are not cached)


def test_repeated_values_in_a_column_read_as_each_cell_alone():
    # 1,234.5 twice and 7 days three times; 0.0 and -0.0 are worded each on their own
    frame = pd.DataFrame({"amount": [1234.5, 1234.5, 0.0, -0.0, None, 80.0],
                          "days": [7, 7, 7, 3, None, 12],
                          "on": [dt.date(2026, 12, 1), dt.date(2026, 12, 1), None, dt.date(2026, 11, 24),
                                 dt.date(2026, 11, 24), dt.date(2026, 12, 1)]})
    shown = fmt.table(frame, {"amount": "money", "days": "days", "on": "date"}, currency="EUR")
    assert list(shown.cells["amount"]) == ["€1,234", "€1,234", fmt.money(0.0, "EUR"), fmt.money(-0.0, "EUR"),
                                           "—", "€80"]
    assert list(shown.cells["days"]) == ["7", "7", "7", "3", "—", "12"]
    assert list(shown.cells["on"]) == ["Dec 1, 2026", "Dec 1, 2026", "—", "Nov 24, 2026", "Nov 24, 2026",
                                       "Dec 1, 2026"]


def test_a_read_connection_asks_once_whether_the_stored_current_state_is_fresh(two_exports):
    with store.connect(two_exports) as con:
        # both imports built deal_current: fresh, and the state of the 4 deals comes from it (not recomputed)
        assert deals.current_is_stored(con) is True
        assert deals.state_source(con).materialize is False
        store.connection_memo(con)["current_is_fresh"] = False  # kept for the connection's life
        assert deals.state_source(con).materialize is True
        state = con.execute(*deals.state_source(con).query).df()
    # recomputed from the snapshots, the same 4 deals in the newest export: A1..A4, amounts 100..400
    assert sorted(state["deal_id"]) == ["A1", "A2", "A3", "A4"]
    assert sorted(state["amount"].astype(float)) == [100.0, 200.0, 300.0, 400.0]
    with store.transaction(two_exports) as con:
        assert deals.current_is_stored(con) is True  # asked every time on a writing connection

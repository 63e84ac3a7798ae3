"""The start-up path reads the import log only (issue 16): ``import_state`` and the app's sample check."""
from __future__ import annotations

import datetime as dt

from analytics import ingest, store
from analytics.sales import deals
from ui import common

DEALS = (b"Record ID,Deal Name,Deal Stage,Amount,Create Date,Close Date\n"
         b"A1,Alpha,appointmentscheduled,100,2026-09-01,2026-12-15\n"
         b"A2,Beta,qualifiedtobuy,200,2026-09-02,2026-12-20\n")


def state(db) -> ingest.ImportState:
    with store.connect(db) as con:
        return ingest.import_state(con)


def latest_from_rows(db) -> dt.date | None:
    """The independent computation: the newest date among the snapshot rows themselves."""
    with store.connect(db) as con:
        return deals.latest_snapshot_on(con)


def test_an_empty_database_has_no_imports(db):
    assert state(db) == ingest.ImportState(0, 0, False, None)


def test_import_state_follows_the_sample_data_its_clearing_and_real_imports(sample_db):
    db = sample_db
    # Every sample_data/*.csv is one sample import; the newest deals export is deals_2026-11-27.csv.
    files = len(common.sample_files())
    assert state(db) == ingest.ImportState(files, files, False, dt.date(2026, 11, 27))
    assert latest_from_rows(db) == dt.date(2026, 11, 27)
    assert common.has_sample_data() is True
    assert common.load_sample_if_empty() is False  # not empty: nothing loaded twice

    common.clear_sample_data()
    assert state(db) == ingest.ImportState(0, 0, True, None)
    assert common.load_sample_if_empty() is False  # cleared: never loaded again
    assert common.has_sample_data() is False

    ingest.import_file(DEALS, "deals_2026-12-01.csv", db=db)
    ingest.import_file(DEALS.replace(b"A2,Beta", b"A3,Gamma"), "deals_2026-11-24.csv", db=db)
    # Two real imports, none sample; the newer of 2026-12-01 and 2026-11-24 is 2026-12-01.
    assert state(db) == ingest.ImportState(2, 0, True, dt.date(2026, 12, 1))
    assert latest_from_rows(db) == dt.date(2026, 12, 1)
    assert common.latest_snapshot() == dt.date(2026, 12, 1)

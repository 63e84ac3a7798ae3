"""Tables derived at import (issue 16): ``deal_versions`` and ``movement_weekly`` kept by each deals import and
deletion equal a recomputation from scratch, and the numbers read from them are the hand-computed ones, before and
after a settings change."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics import ingest, store
from analytics.sales import movement
from analytics.sales.movement import trend, trend_totals
from analytics.store import derived
from tests.sales_fixtures import as_written_by_schema, made_stale
from tests.test_movement import S1, S2, S3, S4, assert_hand_trend_totals, import_movement_weeks

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_data").glob("deals_*.csv"))
SAMPLE_STAGES = {"Renewals": ["Renewal due", "In negotiation"]}


def kept_and_rebuilt(con: duckdb.DuckDBPyConnection) -> tuple[dict, dict]:
    """The derived tables as kept by the imports, and as rebuilt from every snapshot (the rebuild rolled back)."""
    def rows() -> dict:
        return {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=str)
                for table in ("deal_versions", "movement_weekly")}
    kept = rows()
    assert derived.is_fresh(con, "deal_versions") and derived.is_fresh(con, "movement_weekly")
    con.execute("BEGIN TRANSACTION")
    derived.refresh_versions(con)  # no import named: everything rebuilt
    rebuilt = rows()
    con.execute("ROLLBACK")
    return kept, rebuilt


def assert_state_as_of_every_date_is_the_ranked_one(con: duckdb.DuckDBPyConnection) -> None:
    """An independent computation: the rows read from deal_versions as of each snapshot date (and the day before
    it) are latest_rows_sql's, which ranks every snapshot row."""
    dates = [r[0] for r in con.execute("SELECT DISTINCT snapshot_on FROM deal_snapshots ORDER BY 1").fetchall()]
    for day in [*dates, *(d - dt.timedelta(days=1) for d in dates), None]:
        stored, ranked = derived.rows_as_of(con, day), derived.latest_rows_sql(day)
        assert "deal_versions" in stored.sql
        assert sorted(con.execute(*stored).fetchall(), key=str) == sorted(con.execute(*ranked).fetchall(), key=str)


def computed_trend(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``trend`` computed snapshot by snapshot from every snapshot row (the stored tables made stale, rolled back)."""
    with made_stale(con, "movement_weekly", "deal_versions"):
        return trend(con)


@pytest.fixture
def weekly(tmp_path):
    """The four tiny snapshots of tests/test_movement.py, each followed by the import's refresh (as the importer
    does)."""
    path = tmp_path / "weekly.duckdb"
    import_movement_weeks(path)
    with store.connect(path) as con:
        yield con


def test_weekly_trend_read_from_the_stored_table_is_the_hand_computed_trend(weekly):
    assert derived.is_fresh(weekly, "movement_weekly")
    # the weekly import did its own snapshot's work only, and still equals a rebuild from every snapshot
    kept, rebuilt = kept_and_rebuilt(weekly)
    assert kept == rebuilt
    assert_hand_trend_totals(weekly)  # the values worked out by hand in tests/test_movement.py
    at_s2 = trend(weekly).query("snapshot_on == @S2").set_index("stage")
    # Demo: AD1 450 + MB1 900 + SL1 650 + AC1 750 + PI1 1000; Qualify: N1 300 + U1 200 + BL1 100; Proposal: USD1 600
    assert at_s2["open_amount"].to_dict() == pytest.approx({"Qualify": 600, "Demo": 3750, "Proposal": 600})
    assert at_s2["open_count"].to_dict() == {"Qualify": 3, "Demo": 5, "Proposal": 1}
    pd.testing.assert_frame_equal(trend(weekly), computed_trend(weekly))
    store.delete_import(weekly, 2)  # S2: the dates from S2 on are recomputed, S1's rows kept
    kept, rebuilt = kept_and_rebuilt(weekly)
    assert kept == rebuilt
    assert trend(weekly)["snapshot_on"].unique().tolist() == [S1, S3, S4]


def test_a_settings_change_is_applied_to_the_stored_rows(weekly):
    store.set_fx_rates(weekly, {"USD": 1.0})
    weekly.execute("UPDATE stages SET probability = 0.5 WHERE stage = 'Qualify'")
    weekly.execute("UPDATE stages SET outcome = 'won' WHERE stage = 'Negotiate'")  # a stage now counted as won
    assert derived.is_fresh(weekly, "movement_weekly")  # settings are no import: nothing to rebuild
    totals = trend_totals(trend(weekly)).set_index("snapshot_on")
    # S1 open: 6600 - W1 1000 (Negotiate is won now) + USD1 500 more (1000 USD at 1.0, was 0.5) = 6100, 10 deals
    assert totals.loc[S1, "open_amount"] == pytest.approx(6100) and totals.loc[S1, "open_count"] == 10
    # S1 weighted: 2780 - W1 800 + AD1 400 x (0.5 - 0.1) = 160 + U1 200 x 0.4 = 80 + USD1 (1000 - 500) x 0.3 = 150
    #   = 2370 (BL1 has no amount)
    assert totals.loc[S1, "weighted_amount"] == pytest.approx(2370)
    # S2: 4950 + USD1 600 more (1200 USD at 1.0) = 5550; new: N1 300, as before
    assert totals.loc[S2, "open_amount"] == pytest.approx(5550) and totals.loc[S2, "new_amount"] == pytest.approx(300)
    pd.testing.assert_frame_equal(trend(weekly), computed_trend(weekly))


@pytest.mark.slow  # imports the sample exports (seconds)
def test_derived_tables_after_newest_back_dated_refused_and_deleted_imports(db):
    options = ingest.ImportOptions(stages=SAMPLE_STAGES)
    for path in (SAMPLES[0], SAMPLES[2]):  # two weekly imports, each the newest
        ingest.import_file(path, path.name, options, db=db)
    with store.connect(db) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt and len(kept["deal_versions"]) > 5000
        # the trend reads a few groups per snapshot date, not a row per deal
        groups, deals = con.execute("SELECT count(*), sum(deals) FROM movement_weekly WHERE snapshot_on = "
                                    "(SELECT max(snapshot_on) FROM movement_weekly)").fetchone()
        assert groups * 10 < deals
    ingest.import_file(SAMPLES[1], SAMPLES[1].name, options, db=db)  # back-dated: between the two
    with store.connect(db) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        assert_state_as_of_every_date_is_the_ranked_one(con)
        pd.testing.assert_frame_equal(trend(con), computed_trend(con))
    again = ingest.import_file(SAMPLES[2], SAMPLES[2].name, options, db=db)
    assert again.status == "already imported"
    with store.connect(db) as con:
        assert kept_and_rebuilt(con)[0] == kept  # a refused file changes nothing
    with store.transaction(db) as con:
        store.delete_import(con, 2)  # the second file (SAMPLES[2], the newest date)
    with store.connect(db) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        assert_state_as_of_every_date_is_the_ranked_one(con)
        assert movement.trend(con)["snapshot_on"].max() == dt.date(2026, 11, 13)


@pytest.mark.slow  # imports the sample exports (seconds)
def test_an_older_file_gets_the_derived_tables_when_opened(db):
    ingest.import_file(SAMPLES[0], SAMPLES[0].name, ingest.ImportOptions(stages=SAMPLE_STAGES), db=db)
    ingest.import_file(SAMPLES[1], SAMPLES[1].name, ingest.ImportOptions(stages=SAMPLE_STAGES), db=db)
    with store.connect(db) as con:
        expected = kept_and_rebuilt(con)[0]
    as_written_by_schema(db, 6, ("deal_versions", "movement_weekly"))
    with store.connect(db) as con:
        assert con.execute("SELECT schema_version FROM meta").fetchone()[0] == store.SCHEMA_VERSION
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt == expected


def test_an_import_of_another_kind_leaves_the_derived_tables_fresh(weekly):
    weekly.execute("INSERT INTO imports (import_id, file_name, sha256, kind, snapshot_on, rows_imported, "
                   "rows_rejected) VALUES (99, 'one_on_ones.csv', 'sha-99', 'one_on_ones', DATE '2026-12-01', 0, 0)")
    assert all(derived.is_fresh(weekly, table) for table in derived.DERIVED_TABLES)
    store.delete_import(weekly, 99)
    assert all(derived.is_fresh(weekly, table) for table in derived.DERIVED_TABLES)

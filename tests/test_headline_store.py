"""The stored headline KPIs (analytics.store.headline): the Pipeline page's KPI row and its changes since the last
snapshot, for the whole book and all time, read from one row per state kept by the import.

The reference database of tests/sales_fixtures.py, imported as the importer does it (each snapshot, then the derived
tables' refresh): its KPIs are worked out by hand in that module's table (and in tests/test_sales_metrics.py). Every
stored answer is also compared with the one computed from the deal states (``made_stale``, rolled back).
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics import store
from analytics.ingest import stage_config
from analytics.sales import kpis
from analytics.sales.deals import DealFilter
from analytics.store import derived
from tests.sales_fixtures import S1, S2, add_snapshot, add_stages, as_written_by_schema, made_stale, reference_snapshots

BOB = DealFilter(owners=("Bob",))
NOV = {"date_from": date(2026, 11, 1), "date_to": date(2026, 11, 30)}


def import_reference(path) -> None:
    """The reference database, one transaction per import as the importer commits them: the stages, currency and rates
    first, then S1 and S2, each followed by the refresh of the derived tables for it."""
    with store.transaction(path) as con:
        add_stages(con)
        store.set_setting(con, "reporting_currency", "EUR")
        store.set_fx_rates(con, {"USD": 0.5})
    for snapshot_on, deals in reference_snapshots():
        with store.transaction(path) as con:
            derived.refresh_current(con, add_snapshot(con, snapshot_on, deals))


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "headline.duckdb"
    import_reference(path)
    return path


def stored_and_computed(con: duckdb.DuckDBPyConnection, **kwargs) -> kpis.KpiDeltas:
    """``kpi_deltas`` read from the stored rows, asserted equal to the one computed from both deal states."""
    assert derived.is_fresh(con, "headline_kpis")
    stored = kpis.kpi_deltas(con, **kwargs)
    with made_stale(con, "headline_kpis"):
        assert kpis.kpi_deltas(con, **kwargs) == stored
    return stored


def test_the_stored_rows_are_the_hand_worked_kpis(path):
    with store.connect(path) as con:
        rows = con.execute("SELECT which, open_count, open_amount, weighted_amount, won_count, lost_count "
                           "FROM headline_kpis ORDER BY which").fetchall()
        # S2: open A1 1000, A2 2000, A3 1200, A4 (blank), A5 200, A6 10000, B4 2000 USD = 1000, B5 (GBP, no rate),
        # C3 600, P1 5000, P2 3000; weighted: 600 + 1000 (A2's exported 0.5) + 960 + 20 + 3000 + 300 + 60 + 1000
        # + 1500; won B1, B6, C1, P3 (B8 dropped after it was won keeps its outcome); lost B2, B3, C2
        assert rows[0] == (0, 11, 24000, 8440, 5, 3)
        # S1: 15 open deals worth 34,900 (tests/test_sales_metrics.py); won B8, lost C2
        assert rows[1][:3] == (1, 15, 34900) and rows[1][4:] == (1, 1)
        deltas = stored_and_computed(con)
        assert (deltas.current.as_of, deltas.previous.as_of) == (S2, S1)
        assert (deltas.current.open_amount, deltas.current.weighted_amount) == (24000, 8440)
        assert deltas.changes["open_count"] == -4 and deltas.changes["open_amount"] == pytest.approx(24000 - 34900)
        assert deltas.changes["won_count"] == 4
        assert kpis.kpis(con) == deltas.current


def test_filters_periods_and_past_dates_are_computed_live(path):
    """A wrong stored row shows in the whole book's KPIs only: every other question is computed from the states."""
    with store.connect(path) as con:
        honest = {"bob": kpis.kpi_deltas(con, flt=BOB), "nov": kpis.kpi_deltas(con, **NOV),
                  "s1": kpis.kpi_deltas(con, as_of=S1)}
        assert (honest["bob"].current.open_count, honest["bob"].current.open_amount) == (2, 1000)  # B4, B5 (GBP)
        assert honest["s1"].previous is None and honest["s1"].current.open_count == 15
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("UPDATE headline_kpis SET open_count = 999")
            assert kpis.kpi_deltas(con).current.open_count == 999  # read from the table, not computed
            assert {"bob": kpis.kpi_deltas(con, flt=BOB), "nov": kpis.kpi_deltas(con, **NOV),
                    "s1": kpis.kpi_deltas(con, as_of=S1)} == honest
        finally:
            con.execute("ROLLBACK")


def test_settings_saves_imports_and_deletions_keep_it_equal_to_the_computed_kpis(path):
    with store.transaction(path) as con:  # a rate: B4's 2000 USD are 1600 EUR, C1's won 1000 USD 800
        store.set_fx_rates(con, {"USD": 0.8})
    with store.connect(path) as con:
        deltas = stored_and_computed(con)
        assert deltas.current.open_amount == pytest.approx(24600)
    with store.transaction(path) as con:  # a probability: Demo 30 % -> 40 %, so A6 and B4 weigh 1000 + 100 more
        table = stage_config.stage_table(con, "Sales")[["stage", "probability", "outcome"]]
        table.loc[table["stage"] == "Demo", "probability"] = 0.4
        stage_config.save_stage_table(con, "Sales", table)
    with store.connect(path) as con:  # 8440 with B4 at 0.3 x 1600 = 480 (not 300); then A6 4000, B4 640
        assert stored_and_computed(con).current.weighted_amount == pytest.approx(8440 + 180 + 1000 + 160)
    with store.transaction(path) as con:  # the reporting currency: every EUR amount now has no rate
        store.set_setting(con, "reporting_currency", "USD")
    with store.connect(path) as con:
        assert stored_and_computed(con).current.currency == "USD"
    with store.transaction(path) as con:
        store.set_setting(con, "reporting_currency", "EUR")
        stage_config.reorder_stages(con, "Sales", ["Qualify", "Proposal", "Demo", "Negotiate"])
    with store.connect(path) as con:
        stored_and_computed(con)
    latest = reference_snapshots()[-1][1]
    with store.transaction(path) as con:  # the weekly import: S2 -> 11-27, A1 won
        third = add_snapshot(con, date(2026, 11, 27), [{**d, "stage": "Closed Won"} if d["deal_id"] == "A1" else d
                                                       for d in latest])
        derived.refresh_current(con, third)
    with store.connect(path) as con:
        deltas = stored_and_computed(con)
        assert (deltas.previous.as_of, deltas.changes["won_count"]) == (S2, 1)
    with store.transaction(path) as con:
        store.delete_import(con, third)
    with store.connect(path) as con:
        assert stored_and_computed(con).previous.as_of == S1
    with store.transaction(path) as con:  # back to one snapshot: no previous state, one stored row
        store.delete_import(con, con.execute("SELECT min(import_id) FROM imports WHERE kind = 'deals'").fetchone()[0])
    with store.connect(path) as con:
        assert con.execute("SELECT count(*) FROM headline_kpis").fetchone()[0] == 1
        assert stored_and_computed(con).previous is None


def test_a_rate_saved_outside_a_refresh_is_computed_live_until_the_next_one(path):
    """Rows written some other way (here the rates table itself) leave the stored KPIs not fresh: never stale
    numbers."""
    with store.transaction(path) as con:
        con.execute("UPDATE fx_rates SET rate = 0.8")
    with store.connect(path) as con:
        assert not derived.is_fresh(con, "headline_kpis")
        assert kpis.kpis(con).open_amount == pytest.approx(24600)


def test_a_schema_12_file_gets_it_on_upgrade(path):
    with store.connect(path) as con:
        before = kpis.kpi_deltas(con)
    as_written_by_schema(path, 12, ("headline_kpis",))
    with store.connect(path) as con:
        assert stored_and_computed(con) == before
        assert isinstance(con.execute("SELECT * FROM headline_kpis").df(), pd.DataFrame)

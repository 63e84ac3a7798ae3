"""The latest movement's pairs stored at import (issue 16, ``analytics.store.movement_pairs``): the hand-worked rows of
tests/test_movement.py's four snapshots, and the movement read from them equal to the one computed from the deal
states after newest, back-dated and deleted imports, a stage-order save, a stage-history import, a rate change, and
with filters; a schema-11 file gets the table when it is opened.

Between S3 (11-20, partial) and S4 (11-27, full), worked out in tests/test_movement.py: the 11 deals open as of S3
take part (L1 N1 D1 AD1 MB1 SL1 AC1 U1 PI1 BL1 USD1); AD1 won, D1 dropped (missing from the full S4), SL1 and PI1
slipped, the 7 others unchanged; W1, CW1 and X1 were closed on both sides.
"""
from __future__ import annotations

import dataclasses
from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics import store
from analytics.ingest import stage_config
from analytics.sales import movement
from analytics.sales.deals import DealFilter
from analytics.store import derived
from tests.sales_fixtures import import_snapshot, made_stale
from tests.test_movement import S3, S4, SNAP_2, SNAP_4, import_movement_weeks

OPEN_AT_S3 = ["AC1", "AD1", "BL1", "D1", "L1", "MB1", "N1", "PI1", "SL1", "U1", "USD1"]


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "pairs.duckdb"
    import_movement_weeks(path)
    return path


def assert_same(stored: movement.Movement, computed: movement.Movement) -> None:
    for field in dataclasses.fields(movement.Movement):
        mine, theirs = getattr(stored, field.name), getattr(computed, field.name)
        if isinstance(mine, pd.DataFrame):
            pd.testing.assert_frame_equal(mine, theirs)
        else:
            assert mine == theirs, field.name


def stored_and_computed(con: duckdb.DuckDBPyConnection, **kwargs) -> movement.Movement:
    """The latest movement read from the stored pairs, asserted equal to the one computed from the deal states (the
    pairs made stale, rolled back)."""
    assert movement.pairs_are_stored(con, *movement.default_dates(con))
    stored = movement.movement(con, **kwargs)
    with made_stale(con, "movement_pairs"):
        assert not movement.pairs_are_stored(con, *movement.default_dates(con))
        assert_same(stored, movement.movement(con, **kwargs))
    return stored


def test_the_stored_pairs_are_the_hand_worked_ones(path):
    with store.connect(path) as con:
        rows = con.execute("SELECT deal_id, in_a, open_a, in_b, open_b, status_b, stage_from, stage_to, close_on_to, "
                           "amount_to, currency_b, probability_to FROM movement_pairs ORDER BY deal_id").fetchall()
        assert [r[0] for r in rows] == OPEN_AT_S3
        by_deal = {r[0]: r[1:] for r in rows}
        assert by_deal["AD1"] == (True, True, True, False, "won", "Proposal", "Closed Won", date(2026, 11, 25), 450,
                                  "EUR", None)
        # D1 is missing from the full S4: as of S4 its S3 row, dropped (not in B, never open there)
        assert by_deal["D1"][:5] == (True, True, False, False, "open")
        assert by_deal["USD1"][6:10] == ("Proposal", date(2026, 12, 31), 1200, "USD")
        mv = stored_and_computed(con)
        assert (mv.date_from, mv.date_to) == (S3, S4)
        assert mv.counts == {"won": 1, "lost": 0, "new": 0, "dropped": 1, "advanced": 0, "moved_back": 0,
                             "slipped": 2, "amount_changed": 0, "unchanged": 7}
        # values computed when read: USD1 1200 USD at 0.5 = 600 EUR on both sides
        usd = mv.deals.set_index("deal_id").loc["USD1"]
        assert (usd["value_from"], usd["value_to"], usd["change"]) == (600, 600, 0)
        assert (mv.open_amount_from, mv.open_amount_to) == (pytest.approx(6150), pytest.approx(5000))
        for flt in (DealFilter(owners=("Ann",)), DealFilter(pipelines=("Sales",)), DealFilter(owners=("Nobody",))):
            stored_and_computed(con, flt=flt)
        assert movement.movement_report(con) == movement.movement(con).as_dict()


def test_imports_settings_and_rates_keep_them_equal_to_the_computed_movement(path):
    import_snapshot(path, date(2026, 11, 24), SNAP_2)  # back-dated, between S3 and S4: the pair is now 11-24 -> S4
    with store.connect(path) as con:
        mv = stored_and_computed(con)
        assert (mv.date_from, mv.date_to) == (date(2026, 11, 24), S4)
        assert movement.pairs_are_stored(con, date(2026, 11, 24), S4)
        assert not movement.pairs_are_stored(con, S3, S4)  # another pair: computed
        newest = con.execute("SELECT max(import_id) FROM imports").fetchone()[0]
    with store.transaction(path) as con:
        store.delete_import(con, newest)
    with store.connect(path) as con:
        assert (stored_and_computed(con).date_from, movement.default_dates(con)) == (S3, (S3, S4))
    with store.transaction(path) as con:  # Demo after Proposal now: SL1 and PI1 stay at Demo, nothing moves back
        stage_config.reorder_stages(con, "Sales", ["Qualify", "Proposal", "Demo", "Negotiate"])
    with store.connect(path) as con:
        positions = dict(con.execute("SELECT deal_id, position_b FROM movement_pairs").fetchall())
        assert (positions["SL1"], positions["USD1"]) == (3, 2)
        stored_and_computed(con)
    with store.transaction(path) as con:  # a rate change: the stored pairs stay fresh, their values follow it
        store.set_fx_rates(con, {"USD": 0.8})
    with store.connect(path) as con:
        assert derived.is_fresh(con, "movement_pairs")
        mv = stored_and_computed(con)
        assert mv.deals.set_index("deal_id").loc["USD1", "value_to"] == pytest.approx(960)
    import_snapshot(path, date(2026, 12, 4), SNAP_4[:3])  # the weekly import: S4 -> 12-04
    with store.connect(path) as con:
        assert stored_and_computed(con).date_from == S4


def test_a_schema_11_file_gets_the_pairs_on_upgrade(path):
    with store.connect(path) as con:
        before = movement.movement(con)
    raw = duckdb.connect(str(path))
    raw.execute("DROP TABLE movement_pairs; DROP TABLE movement_pairs_meta; UPDATE meta SET schema_version = 11")
    raw.close()
    store.forget_schema_cache()
    with store.connect(path) as con:
        assert derived.is_fresh(con, "movement_pairs")
        assert_same(stored_and_computed(con), before)

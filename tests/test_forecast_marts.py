"""The per-snapshot forecast figures stored at import (issue 16, ``forecast_snapshots``): kept by each deals import
and deletion equal to a rebuild from scratch, read with the settings of the moment, and the accuracy of past
forecasts read from them is the hand-computed one, the same as the snapshot-by-snapshot computation."""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics import store
from analytics.sales import forecast as fc
from analytics.sales.deals import DealFilter
from analytics.store import derived
from tests.sales_fixtures import add_stages, as_written_by_schema, import_snapshot, made_stale
from tests.test_forecast import SALES_STAGES

S1, S2, S3 = date(2026, 10, 5), date(2026, 10, 20), date(2026, 12, 3)


def deal(deal_id, stage, amount, close, owner, **more):
    return {"deal_id": deal_id, "stage": stage, "amount": amount, "close_on": close, "owner": owner,
            "created_on": date(2026, 9, 1), **more}


W0 = deal("W0", "Won", 500, date(2026, 10, 2), "Ann")
# S1: D1 Early 1000 (Oct), D2 Late 2000 (Nov), W0 won 500 on Oct 2, U1 1000 USD at an exported 50 % (Nov)
# S2: D1 moved to Late (Oct 28), D2, W0; U1 gone from the full export: dropped
# S3: D1 won 1000 on Oct 30, D2 lost, W0, D3 won 700 on Nov 10
SNAPSHOTS = {
    S1: [deal("D1", "Early", 1000, date(2026, 10, 25), "Ann"), deal("D2", "Late", 2000, date(2026, 11, 15), "Bob"),
         W0, deal("U1", "Early", 1000, date(2026, 11, 20), "Bob", currency="USD", probability=0.5)],
    S2: [deal("D1", "Late", 1000, date(2026, 10, 28), "Ann"), deal("D2", "Late", 2000, date(2026, 11, 15), "Bob"),
         W0],
    S3: [deal("D1", "Won", 1000, date(2026, 10, 30), "Ann"), deal("D2", "Lost", 2000, date(2026, 11, 20), "Bob"),
         W0, deal("D3", "Won", 700, date(2026, 11, 10), "Bob")],
}
# Actual (as known on S3): October 500 + 1000 = 1500 (Ann's), November 700 (Bob's).
# S1: October 500 + 1000 x .25 = 750; November 2000 x .8 + 1000 USD x 0.5 (rate) x .5 = 1600 + 250 = 1850.
# S2: October 500 + 1000 x .8 = 1300; November 1600 (U1 dropped).
TEAM = [(S1, "2026-10", 750, 1500), (S1, "2026-11", 1850, 700), (S2, "2026-10", 1300, 1500), (S2, "2026-11", 1600, 700)]


def import_day(path, day) -> None:
    """The snapshot of ``day`` imported as the importer does it (rows, then the derived tables' refresh)."""
    import_snapshot(path, day, SNAPSHOTS[day])


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "accuracy.duckdb"
    with store.transaction(path) as con:
        add_stages(con, SALES_STAGES)
        con.execute("INSERT INTO settings VALUES ('reporting_currency', '\"EUR\"')")
        con.execute("INSERT INTO fx_rates VALUES ('USD', 0.5)")
    return path


def kept_and_rebuilt(con: duckdb.DuckDBPyConnection) -> tuple[list, list]:
    """forecast_snapshots as kept by the imports, and as rebuilt from every snapshot (the rebuild rolled back)."""
    def rows() -> list:
        return sorted(con.execute("SELECT * FROM forecast_snapshots").fetchall(), key=str)
    kept = rows()
    assert derived.is_fresh(con, "forecast_snapshots")
    con.execute("BEGIN TRANSACTION")
    derived.refresh_forecast(con)  # no import named: every date rebuilt
    rebuilt = rows()
    con.execute("ROLLBACK")
    return kept, rebuilt


def computed(con: duckdb.DuckDBPyConnection, function=fc.forecast_accuracy, *args, **kwargs) -> pd.DataFrame:
    """The accuracy computed snapshot by snapshot from the deals (the stored figures made stale, rolled back)."""
    with made_stale(con, "forecast_snapshots"):
        return function(con, *args, **kwargs)


def team_rows(detail: pd.DataFrame) -> list[tuple]:
    return [(r.snapshot_on, r.period, r.forecast, r.actual) for r in detail.itertuples()]


def test_accuracy_after_newest_back_dated_and_deleted_imports(path):
    import_day(path, S1)
    import_day(path, S3)  # the newest: only its own date is added
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        assert team_rows(fc.forecast_accuracy(con)) == [TEAM[0], TEAM[1]]
    import_day(path, S2)  # back-dated, between the two: its date and the later ones redone
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        detail = fc.forecast_accuracy(con)
        assert team_rows(detail) == TEAM
        # errors: 750 - 1500, 1850 - 700, 1300 - 1500, 1600 - 700; |error| / actual
        assert list(detail.error) == [-750, 1150, -200, 900]
        assert list(detail.abs_pct_error) == pytest.approx([0.5, 1150 / 700, 200 / 1500, 900 / 700])
        pd.testing.assert_frame_equal(detail, computed(con))
    with store.transaction(path) as con:
        store.delete_import(con, 3)  # S2's import
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        assert team_rows(fc.forecast_accuracy(con)) == [TEAM[0], TEAM[1]]
        pd.testing.assert_frame_equal(fc.forecast_accuracy(con), computed(con))


@pytest.fixture
def history(path):
    for day in (S1, S2, S3):
        import_day(path, day)
    with store.connect(path) as con:
        yield con


def test_each_snapshot_is_a_few_stored_groups(history):
    # S1's deals with an amount and a close date: D1, D2, W0, U1, each its own (stage, currency, owner) group
    assert history.execute("SELECT count(*), sum(deals) FROM forecast_snapshots WHERE snapshot_on = ?",
                           [S1]).fetchone() == (4, 4)
    # S3: Ann's won W0 (500, Oct 2) and D1 (1000, Oct 30) closed before S3's month: one group in December with
    # before_month (a won deal counts in no month then), 500 + 1000 = 1500
    assert history.execute("SELECT period_start, before_month, deals, amount_total FROM forecast_snapshots "
                           "WHERE snapshot_on = ? AND stage = 'Won' AND owner = 'Ann'", [S3]).fetchall() == [
        (date(2026, 12, 1), True, 2, 1500)]


def test_a_settings_change_is_applied_to_the_stored_rows(history):
    store.set_fx_rates(history, {"USD": 1.0})
    history.execute("UPDATE stages SET probability = 0.5 WHERE stage = 'Early'")
    assert derived.is_fresh(history, "forecast_snapshots")  # settings are no import: nothing to rebuild
    detail = fc.forecast_accuracy(history)
    # S1: October 500 + 1000 x .5 = 1000; November 1600 + 1000 USD x 1.0 x .5 (its exported p) = 2100; S2 unchanged
    assert team_rows(detail) == [(S1, "2026-10", 1000, 1500), (S1, "2026-11", 2100, 700), TEAM[2], TEAM[3]]
    pd.testing.assert_frame_equal(detail, computed(history))


def test_every_owner_at_once_is_each_owner_alone(history):
    both = fc.forecast_accuracy_by_owner(history, ["Ann", "Bob"])
    # Ann: only October (her deals close then): S1 750, S2 1300, against her 1500.
    # Bob: October (his snapshot month, nothing expected, nothing won) then November: S1 1850, S2 1600 vs 700.
    assert [(r.owner, r.snapshot_on, r.period, r.forecast, r.actual) for r in both.itertuples()] == [
        ("Ann", S1, "2026-10", 750, 1500), ("Bob", S1, "2026-10", 0, 0), ("Bob", S1, "2026-11", 1850, 700),
        ("Ann", S2, "2026-10", 1300, 1500), ("Bob", S2, "2026-10", 0, 0), ("Bob", S2, "2026-11", 1600, 700)]
    assert both["abs_pct_error"].isna().tolist() == [False, True, False, False, True, False]
    for owner in ("Ann", "Bob"):
        alone = fc.forecast_accuracy(history, flt=DealFilter(owners=(owner,)))
        mine = both[both["owner"] == owner].drop(columns="owner").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone)
        pd.testing.assert_frame_equal(mine, computed(history, fc.forecast_accuracy, flt=DealFilter(owners=(owner,))))
    pd.testing.assert_frame_equal(both, computed(history, fc.forecast_accuracy_by_owner, ["Ann", "Bob"]))


def test_a_file_at_schema_7_gets_the_stored_figures_when_opened(history, path):
    expected = sorted(history.execute("SELECT * FROM forecast_snapshots").fetchall(), key=str)
    history.close()
    as_written_by_schema(path, 7, ("forecast_snapshots",))
    with store.connect(path) as con:
        assert con.execute("SELECT schema_version FROM meta").fetchone()[0] == store.SCHEMA_VERSION
        assert derived.is_fresh(con, "forecast_snapshots")
        assert sorted(con.execute("SELECT * FROM forecast_snapshots").fetchall(), key=str) == expected

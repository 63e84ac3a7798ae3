"""The Pipeline page's stored stays (``deal_stays``, analytics.store.stays): the hand-worked rows of a five-deal
pipeline; the table kept by the newest / back-dated imports, a deletion, a stage-order save and a stage-history import
equals a rebuild from scratch; a settings change nobody rebuilt for is never served; and the four metrics reading it
(funnel, days in stage, age in stage, calibration) equal the same metrics computed live.

Pipeline P: open stages Lead (1), Demo (2), Offer (3); Won (4, won), Lost (5, lost). Snapshots S1 2026-10-05 and
S2 2026-10-12 (the latest), every deal created 2026-09-01:
  D1  S1 Lead, S2 Offer (skipped Demo), open.
  D2  S1 Demo, S2 Won (closed 10-10); S2's export dates Lead 09-01 and Demo 09-15.
  D3  S1 Lead, S2 Lost (closed 10-08).
  D4  S2 only, at Won but its status column says open (its current stage is not an open one).
  D5  S1 and S2 at Demo, open; a stage-history import (``with_history``) says Lead 09-10, Demo 09-20 and Offer 10-20
      (after the latest snapshot: ignored).
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics import store
from analytics.ingest import stage_config
from analytics.sales import forecast, forecast_sql, funnel, inventory, scope, stage_time
from analytics.sales.deals import DealFilter
from analytics.store import derived
from tests.sales_fixtures import add_snapshot, add_stages, as_written_by_schema, deal_table_rows

S0, S1, S2, S3 = date(2026, 9, 28), date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19)
CREATED = date(2026, 9, 1)
STAGES = [("P", "Lead", 1, 0.1, "open"), ("P", "Demo", 2, 0.4, "open"), ("P", "Offer", 3, 0.7, "open"),
          ("P", "Won", 4, 1.0, "won"), ("P", "Lost", 5, 0.0, "lost")]


def _deal(deal_id: str, stage: str, owner: str = "Ann", **extra) -> dict:
    return {"deal_id": deal_id, "pipeline": "P", "stage": stage, "owner": owner, "created_on": CREATED,
            "amount": 100.0, **extra}


SNAPSHOT_1 = [_deal("D1", "Lead"), _deal("D2", "Demo", "Bob"), _deal("D3", "Lead"), _deal("D5", "Demo", "Bob")]
SNAPSHOT_2 = [_deal("D1", "Offer"),
              _deal("D2", "Won", "Bob", close_on=date(2026, 10, 10),
                    entered={"Lead": date(2026, 9, 1), "Demo": date(2026, 9, 15)}),
              _deal("D3", "Lost", close_on=date(2026, 10, 8)), _deal("D4", "Won", status_raw="open"),
              _deal("D5", "Demo", "Bob")]


def imported(path, day: date, deals: list[dict]) -> int:
    """One deals import followed by the refresh the importer runs in the same transaction."""
    with store.transaction(path) as con:
        import_id = add_snapshot(con, day, deals)
        derived.refresh_current(con, import_id)
    return import_id


def history_imported(path, rows: list[tuple[str, str, date]]) -> None:
    """A stage-history import as the importer commits it: its rows, then ``stage_config.ensure_history_stages``."""
    with store.transaction(path) as con:
        import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
        con.execute("INSERT INTO imports (import_id, file_name, sha256, kind, snapshot_on, rows_imported, "
                    "rows_rejected) VALUES (?, 'history.csv', 'sha-history', 'stage_history', ?, ?, 0)",
                    [import_id, S2, len(rows)])
        con.executemany("INSERT INTO deal_stage_history (import_id, deal_id, stage, changed_on) VALUES (?, ?, ?, ?)",
                        [[import_id, *row] for row in rows])
        stage_config.ensure_history_stages(con, pd.DataFrame({"deal_id": [r[0] for r in rows]}))


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "stays.duckdb"
    with store.transaction(path) as con:
        add_stages(con, STAGES)
    imported(path, S1, SNAPSHOT_1)
    imported(path, S2, SNAPSHOT_2)
    return path


@pytest.fixture
def with_history(path):
    history_imported(path, [("D5", "Lead", date(2026, 9, 10)), ("D5", "Demo", date(2026, 9, 20)),
                            ("D5", "Offer", date(2026, 10, 20))])
    return path


def stays(con: duckdb.DuckDBPyConnection) -> set[tuple]:
    return set(con.execute("SELECT * FROM deal_stays").fetchall())


def kept_and_rebuilt(con: duckdb.DuckDBPyConnection) -> tuple[set, set]:
    """The stays as kept, and as rebuilt from scratch with every derived table (rolled back)."""
    kept = stays(con)
    assert derived.is_fresh(con, "deal_stays")
    con.execute("BEGIN TRANSACTION")
    for table in derived.DERIVED_TABLES:
        con.execute(f"DELETE FROM {table}_meta")  # never built: everything rebuilt from every snapshot
    derived.refresh_current(con)
    rebuilt = stays(con)
    con.execute("ROLLBACK")
    return kept, rebuilt


def test_the_stays_are_the_hand_worked_ones(with_history):
    with store.connect(with_history) as con:
        assert scope.open_scope(con).stored_stays
        # (deal, pipeline, stage, position, entered_on, inferred, exited_on, exit_inferred, is_furthest, is_current)
        assert stays(con) == {
            # D1: Lead first seen S1 (inferred) until Offer first seen S2; Offer open now (no exit), furthest, current
            ("D1", "P", "Lead", 1, S1, True, S2, True, False, False),
            ("D1", "P", "Offer", 3, S2, True, None, True, True, True),
            # D2: dated Lead 09-01 -> Demo 09-15 -> closed won 10-10 (its last open stage; Won itself is no stay)
            ("D2", "P", "Lead", 1, date(2026, 9, 1), False, date(2026, 9, 15), False, False, False),
            ("D2", "P", "Demo", 2, date(2026, 9, 15), False, date(2026, 10, 10), False, True, False),
            # D3: Lead seen S1 -> closed lost 10-08
            ("D3", "P", "Lead", 1, S1, True, date(2026, 10, 8), True, True, False),
            # D4: open at Won: its current stage, no position, no exit
            ("D4", "P", "Won", None, S2, True, None, None, False, True),
            # D5: the history's Lead 09-10 -> Demo 09-20 (exact, beats the S1 sighting); Offer 10-20 is after S2
            ("D5", "P", "Lead", 1, date(2026, 9, 10), False, date(2026, 9, 20), False, False, False),
            ("D5", "P", "Demo", 2, date(2026, 9, 20), False, None, False, True, True),
        }


def test_the_four_metrics_read_them_with_the_hand_worked_values(with_history):
    with store.connect(with_history) as con:
        days = stage_time.days_in_stage(con, "P").set_index(["deal_id", "stage"])["days"].to_dict()
        # D1 Lead 10-05 -> 10-12 = 7; D2 Lead 09-01 -> 09-15 = 14, Demo 09-15 -> 10-10 = 25; D3 Lead 10-05 -> 10-08
        # = 3; D5 Lead 09-10 -> 09-20 = 10
        assert days == {("D1", "Lead"): 7, ("D2", "Lead"): 14, ("D2", "Demo"): 25, ("D3", "Lead"): 3,
                        ("D5", "Lead"): 10}
        # reached: Lead all 5 (D4 open with no open stage: the first only); Demo D1 (Offer), D2 (won), D5; Offer
        # D1, D2; Won D2
        table = funnel.funnel(con, "P")
        assert list(table["reached"]) == [5, 3, 2, 1]
        # closed deals D2 (won, every stage) and D3 (lost, Lead): Lead 2 closed 1 won, Demo and Offer 1 and 1
        table = inventory.calibration(con, "P")
        assert list(table["closed_reached"]) == [2, 1, 1] and list(table["won_reached"]) == [1, 1, 1]
        # the Forecast's calibrated p: Lead 1 won / 2 closed = 0.5, Demo 1/1, Offer 1/1 (Won, Lost: not open stages)
        values = forecast_sql.calibrated_values(con, scope.scoped_ctes(scope.open_scope(con), DealFilter()),
                                                scope.open_scope(con), DealFilter())
        assert values.params == ["P", "Demo", 1.0, "P", "Lead", 0.5, "P", "Offer", 1.0]
        # open deals: D5 at Demo since 09-20: 22 days to 10-12; D1 at Offer, D4 at Won since S2: 0 days
        ages = stage_time.age_in_stage(con, "P").set_index("deal_id")["age_days"].to_dict()
        assert ages == {"D1": 0, "D4": 0, "D5": 22}


METRICS = {
    "funnel": lambda con, flt: funnel.funnel(con, "P", flt=flt),
    "funnel_period": lambda con, flt: funnel.funnel(con, "P", flt=flt, date_from=CREATED, date_to=CREATED),
    "funnel_strict": lambda con, flt: funnel.funnel(con, "P", flt=flt, strict=True),
    "funnel_by_owner": lambda con, flt: funnel.funnel(con, flt=flt, by="owner"),
    "days": lambda con, flt: stage_time.days_in_stage(con, flt=flt),
    "days_period": lambda con, flt: stage_time.days_in_stage(con, "P", flt=flt, date_from=date(2026, 9, 16)),
    "summary": lambda con, flt: stage_time.days_in_stage_summary(con, "P", flt=flt),
    "median": lambda con, flt: stage_time.days_in_stage_median(con, flt=flt),
    "age": lambda con, flt: stage_time.age_in_stage(con, flt=flt),
    "calibration": lambda con, flt: inventory.calibration(con, "P", flt=flt),
    "forecast_calibrated": lambda con, flt: forecast.forecast_by_period(con, flt=flt, probability="calibrated",
                                                                        draws=200).periods,
    "priority_deals": lambda con, flt: deal_table_rows(con, flt=flt),
    "calibrated_values": lambda con, flt: forecast_sql.calibrated_values(
        con, scope.scoped_ctes(scope.open_scope(con), flt), scope.open_scope(con), flt).params,
}
FILTERS = (DealFilter(), DealFilter(owners=("Bob",)))


def assert_stored_equals_live(con: duckdb.DuckDBPyConnection, monkeypatch) -> None:
    """Every metric, under every filter, read from the stored stays and outcomes equals it read from the stays alone
    and computed live (the stored stays unknown: the stage-entry CTEs, themselves read from the stored entries)."""
    assert scope.open_scope(con).stored_outcomes  # the stays and the outcomes
    stored = {(name, flt): metric(con, flt) for name, metric in METRICS.items() for flt in FILTERS}
    fresh = derived.is_fresh
    with monkeypatch.context() as patch:  # the stays alone (the outcomes not fresh)
        patch.setattr(scope, "is_fresh", lambda con, table: table != "deal_outcomes" and fresh(con, table))
        assert scope.open_scope(con).stored_stays and not scope.open_scope(con).stored_outcomes
        stays_only = {(name, flt): metric(con, flt) for name, metric in METRICS.items() for flt in FILTERS}
    with monkeypatch.context() as patch:
        patch.setattr(scope, "is_fresh", lambda con, table: table != "deal_stays" and fresh(con, table))
        assert not scope.open_scope(con).stored_stays and scope.open_scope(con).stored_entries
        assert not scope.open_scope(con).stored_outcomes
        live = {(name, flt): metric(con, flt) for name, metric in METRICS.items() for flt in FILTERS}
    for other in (stays_only, live):
        for key, frame in stored.items():
            if isinstance(frame, pd.DataFrame):
                pd.testing.assert_frame_equal(frame, other[key], obj=str(key))
            else:
                assert frame == other[key], key


def test_the_metrics_read_from_the_stays_equal_them_computed_live(with_history, monkeypatch):
    with store.connect(with_history) as con:
        assert_stored_equals_live(con, monkeypatch)


def test_kept_by_newest_back_dated_and_deleted_imports_it_equals_a_rebuild(path, monkeypatch):
    # S3 (newest): D1 won on 10-15, D5 moves to Offer; S0 (back-dated): D2 at Lead, D3 at Demo
    newest = imported(path, S3, [{**d, "stage": "Won", "close_on": date(2026, 10, 15)} if d["deal_id"] == "D1" else
                                 {**d, "stage": "Offer"} if d["deal_id"] == "D5" else d for d in SNAPSHOT_2])
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        # D1 now closed: its Offer stay ends on its close date 10-15; D5 Demo (seen S1) ends at Offer seen S3
        assert ("D1", "P", "Offer", 3, S2, True, date(2026, 10, 15), True, True, False) in kept
        assert ("D5", "P", "Demo", 2, S1, True, S3, True, False, False) in kept
        assert_stored_equals_live(con, monkeypatch)
    imported(path, S0, [_deal("D2", "Lead", "Bob"), _deal("D3", "Demo")])
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        # D3 first seen at Lead S1, at Demo S0 (earlier): Lead 10-05 -> Demo 09-28 (next open stage) ...
        assert ("D3", "P", "Lead", 1, S1, True, S0, True, False, False) in kept
        # ... and Demo S0 -> closed lost 10-08, its furthest
        assert ("D3", "P", "Demo", 2, S0, True, date(2026, 10, 8), True, True, False) in kept
        assert_stored_equals_live(con, monkeypatch)
    with store.transaction(path) as con:
        store.delete_import(con, newest)
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt and ("D1", "P", "Offer", 3, S2, True, None, True, True, True) in kept
        assert_stored_equals_live(con, monkeypatch)


def test_a_stage_history_import_and_its_deletion_rebuild_it(path, monkeypatch):
    with store.connect(path) as con:  # before: D5 at Demo since S1, inferred
        assert ("D5", "P", "Demo", 2, S1, True, None, True, True, True) in stays(con)
    history_imported(path, [("D5", "Demo", date(2026, 9, 20))])
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt and ("D5", "P", "Demo", 2, date(2026, 9, 20), False, None, False, True, True) in kept
        assert_stored_equals_live(con, monkeypatch)
        history = con.execute("SELECT import_id FROM imports WHERE kind = 'stage_history'").fetchone()[0]
    with store.transaction(path) as con:
        store.delete_import(con, history)
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt and ("D5", "P", "Demo", 2, S1, True, None, True, True, True) in kept


def test_a_stage_order_save_rebuilds_it_and_an_unsaved_change_is_never_served(with_history, monkeypatch):
    with store.transaction(with_history) as con:
        stage_config.reorder_stages(con, "P", ["Demo", "Lead", "Offer"])
    with store.connect(with_history) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        # D2 now Demo (1) 09-15 -> Lead (2) entered 09-01: the next stage's entry is earlier (left out of the days),
        # Lead its last open stage -> closed 10-10
        assert ("D2", "P", "Demo", 1, date(2026, 9, 15), False, date(2026, 9, 1), False, False, False) in kept
        assert ("D2", "P", "Lead", 2, date(2026, 9, 1), False, date(2026, 10, 10), False, True, False) in kept
        assert_stored_equals_live(con, monkeypatch)
    with store.transaction(with_history) as con:  # a probability edit: nothing the stays read
        table = stage_config.stage_table(con, "P").assign(probability=0.5)
        stage_config.save_stage_table(con, "P", table[["stage", "probability", "outcome"]])
    with store.connect(with_history) as con:
        assert derived.is_fresh(con, "deal_stays")
    with store.transaction(with_history) as con:  # a change written behind the saves' back: Offer now counts as won
        con.execute("UPDATE stages SET outcome = 'won' WHERE stage = 'Offer'")
    with store.connect(with_history) as con:
        assert not derived.is_fresh(con, "deal_stays") and not scope.open_scope(con).stored_stays
        # live, open stages Demo (1), Lead (2): closed deals D1 (at Offer, now won) and D2 (won) reached every stage,
        # D3 (lost) Lead, seen S1 (2) -> both stages: 3 closed, 2 won each
        table = inventory.calibration(con, "P")
        assert list(table["closed_reached"]) == [3, 3] and list(table["won_reached"]) == [2, 2]


def test_an_existing_file_gets_it_on_upgrade(with_history):
    with store.connect(with_history) as con:
        before = stays(con)
    as_written_by_schema(with_history, 8, ("deal_stays",))
    with store.connect(with_history) as con:
        assert derived.is_fresh(con, "deal_stays") and stays(con) == before


def test_removing_the_sample_leaves_them_fresh(path):
    """Removing the sample deletes its imports and then the stages of pipelines no snapshot has left (a stage settings
    change): the stays are rebuilt for both, never left stale until the next import."""
    with store.transaction(path) as con:
        con.execute("UPDATE imports SET is_sample = TRUE")
        assert store.remove_sample_data(con) == 2
        assert con.execute("SELECT count(*) FROM stages").fetchone()[0] == 0
        assert derived.is_fresh(con, "deal_stays") and stays(con) == set()

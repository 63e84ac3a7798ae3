"""Tables the Priorities page reads, derived at import (issue 16): ``deal_stage_entries``' reached_on (the stages each
deal was seen at or given an entry date for, and since when), ``deal_pushes`` (consecutive snapshot rows of each deal,
by raw stage keys) and ``deal_outcomes`` (the latest state's deals the score learns from and ranks). Kept by each import
and deletion, they equal a rebuild from every snapshot, and the deal frame and the score's deal table read from them
(and from the stored stays for the latest state) are the hand-computed ones and the ones computed from every snapshot,
before and after a settings change."""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics import store
from analytics.sales import movement, priority_deals
from analytics.sales import priorities as prio
from analytics.store import derived
from tests.sales_fixtures import add_stages, as_written_by_schema, deal_table_rows, import_snapshot, made_stale

MARTS = ("deal_stage_entries", "deal_pushes")
# what each table is read as here: the stages reached (deal, pipeline, stage, reached_on), the pushes as stored
MART_ROWS = {"reach": "SELECT deal_id, pipeline, stage, reached_on FROM deal_stage_entries",
             "deal_pushes": "SELECT * FROM deal_pushes"}
W1, W2, W3, W4 = date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26)
APRIL_1 = date(2026, 4, 1)

# Sales pipeline: Qualify 1, Demo 2, Proposal 3, Negotiate 4 (open), Closed Won, Closed Lost.
#   deal  W1                      W2                   W3                W4
#   D1    Qualify close 02-01     Demo 02-15 (push)    Demo 03-01 (push) Closed Won 03-01
#   D2    Demo 02-01, entered     Closed Lost 02-01    -                 -
#         Qualify 2025-12-20 and Demo 2026-01-02
#   D3    -                       Qualify 03-01        Qualify 02-20     Proposal 02-25 (push: 02-25 > 02-20)
#   D4    Qualify 04-01 every week (never pushed)
D4 = {"deal_id": "D4", "stage": "Qualify", "amount": 400, "close_on": date(2026, 4, 1)}
WEEKS = {
    W1: [{"deal_id": "D1", "stage": "Qualify", "amount": 100, "close_on": date(2026, 2, 1)},
         {"deal_id": "D2", "stage": "Demo", "amount": 200, "close_on": date(2026, 2, 1),
          "entered": {"Qualify": date(2025, 12, 20), "Demo": date(2026, 1, 2)}}, D4],
    W2: [{"deal_id": "D1", "stage": "Demo", "amount": 100, "close_on": date(2026, 2, 15)},
         {"deal_id": "D2", "stage": "Closed Lost", "amount": 200, "close_on": date(2026, 2, 1)},
         {"deal_id": "D3", "stage": "Qualify", "amount": 300, "close_on": date(2026, 3, 1)}, D4],
    W3: [{"deal_id": "D1", "stage": "Demo", "amount": 100, "close_on": date(2026, 3, 1)},
         {"deal_id": "D3", "stage": "Qualify", "amount": 300, "close_on": date(2026, 2, 20)}, D4],
    W4: [{"deal_id": "D1", "stage": "Closed Won", "amount": 100, "close_on": date(2026, 3, 1)},
         {"deal_id": "D3", "stage": "Proposal", "amount": 300, "close_on": date(2026, 2, 25)}, D4],
}


def kept_and_rebuilt(con: duckdb.DuckDBPyConnection) -> tuple[dict, dict]:
    """The tables as kept by the imports, and as rebuilt from every snapshot (the rebuild rolled back)."""
    def rows() -> dict:
        return {name: sorted(con.execute(query).fetchall(), key=str) for name, query in MART_ROWS.items()}
    kept = rows()
    assert all(derived.is_fresh(con, table) for table in MARTS)
    con.execute("BEGIN TRANSACTION")
    derived.refresh_entries(con)  # no import named: rebuilt
    derived.refresh_pushes(con)
    rebuilt = rows()
    con.execute("ROLLBACK")
    return kept, rebuilt


def computed_frame(con: duckdb.DuckDBPyConnection, **kwargs) -> pd.DataFrame:
    """``deal_frame`` computed from every snapshot (the stored tables made stale, rolled back; the stays too: the
    furthest stage of the latest state is read from them when they are fresh)."""
    with made_stale(con, *MARTS, "deal_stays", "deal_outcomes"):
        return prio.deal_frame(con, **kwargs)[0]


def assert_frame_is_the_computed_one(con: duckdb.DuckDBPyConnection, **kwargs) -> pd.DataFrame:
    assert derived.is_fresh(con, "deal_stays")  # the latest state's frame reads the stored stays
    frame = prio.deal_frame(con, **kwargs)[0]
    pd.testing.assert_frame_equal(frame, computed_frame(con, **kwargs))
    return frame.set_index("deal_id")


def assert_table_is_the_computed_one(con: duckdb.DuckDBPyConnection, **kwargs) -> pd.DataFrame:
    """The deal table read from the stored ``deal_outcomes`` equals the one computed from every snapshot (the stored
    deals made stale, rolled back)."""
    assert derived.is_fresh(con, "deal_outcomes")
    stored = deal_table_rows(con, **kwargs)
    with made_stale(con, "deal_outcomes"):
        computed = deal_table_rows(con, **kwargs)
    pd.testing.assert_frame_equal(stored, computed)
    return stored.set_index("deal_id")


def assert_slips_are_the_computed_ones(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The Movement page's slipped close dates read from the stored ``deal_pushes`` equal them computed from every
    snapshot (the stored pairs made stale, rolled back)."""
    stored = movement.slips(con)
    with made_stale(con, "deal_pushes"):
        pd.testing.assert_frame_equal(stored, movement.slips(con))
    return stored.set_index("deal_id")


def import_weeks(path, weeks) -> None:
    for week in weeks:
        import_snapshot(path, week, WEEKS[week])


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "prio.duckdb"
    with store.transaction(path) as con:
        add_stages(con)
    return path


def test_weekly_imports_back_dated_import_and_deletion_keep_the_tables_equal_to_a_rebuild(path):
    import_weeks(path, (W1, W3, W4))  # each the newest: each adds its own rows only
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        # D4's Qualify -> Qualify pair came with W3 and again with W4 (the second one added to the first)
        # (never pushed: no days; its close dates, later and earlier rows: 04-01)
        assert ("D4", "Sales", "Qualify", None, "Sales", "Qualify", None, False, 2, None, APRIL_1, APRIL_1) \
            in kept["deal_pushes"]
        assert ("D1", "Sales", "Demo", W3) in kept["reach"]
    import_weeks(path, (W2,))  # back-dated, between W1 and W3: D1 at Demo and D3 at Qualify from W2 now
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        # by hand: D1 at Qualify from W1, Demo from W2, Closed Won from W4; D2 at Qualify and Demo from W1 (the
        # entry dates came with W1), Closed Lost from W2; D3 at Qualify from W2, Proposal from W4; D4 Qualify W1
        assert kept["reach"] == sorted([
            ("D1", "Sales", "Qualify", W1), ("D1", "Sales", "Demo", W2), ("D1", "Sales", "Closed Won", W4),
            ("D2", "Sales", "Qualify", W1), ("D2", "Sales", "Demo", W1), ("D2", "Sales", "Closed Lost", W2),
            ("D3", "Sales", "Qualify", W2), ("D3", "Sales", "Proposal", W4), ("D4", "Sales", "Qualify", W1)], key=str)
        # by hand, consecutive rows: D1 Q->Demo later close (02-01 -> 02-15: 14 days), Demo->Demo later (02-15 ->
        # 03-01: 14 days), Demo->Won same date (no push); D2 Demo->Lost same date; D3 Q->Q earlier close (no push),
        # Q->Proposal 02-20 -> 02-25 (later, 5 days); D4 three Q->Q pairs, same date. Then the earliest close date
        # of the later rows and of the earlier rows.
        feb = {day: date(2026, 2, day) for day in (1, 15, 20, 25)}
        march_1 = date(2026, 3, 1)
        assert kept["deal_pushes"] == sorted([
            ("D1", "Sales", "Qualify", None, "Sales", "Demo", None, True, 1, 14, feb[15], feb[1]),
            ("D1", "Sales", "Demo", None, "Sales", "Demo", None, True, 1, 14, march_1, feb[15]),
            ("D1", "Sales", "Demo", None, "Sales", "Closed Won", None, False, 1, None, march_1, march_1),
            ("D2", "Sales", "Demo", None, "Sales", "Closed Lost", None, False, 1, None, feb[1], feb[1]),
            ("D3", "Sales", "Qualify", None, "Sales", "Qualify", None, False, 1, None, feb[20], march_1),
            ("D3", "Sales", "Qualify", None, "Sales", "Proposal", None, True, 1, 5, feb[25], feb[20]),
            ("D4", "Sales", "Qualify", None, "Sales", "Qualify", None, False, 3, None, APRIL_1, APRIL_1)], key=str)
        # the Movement page's slips read from them: D3 pushed once by 5 days, first seen open closing 02-20, three
        # snapshots; D4 never pushed, four snapshots
        slipped = assert_slips_are_the_computed_ones(con)
        assert slipped.loc["D3", ["pushes", "days_pushed", "first_close_on", "snapshots"]].tolist() == \
            [1, 5, pd.Timestamp(feb[20]), 3]
        assert slipped.loc["D4", ["pushes", "days_pushed", "first_close_on", "snapshots"]].tolist() == \
            [0, 0, pd.Timestamp(APRIL_1), 4]
        frame = assert_frame_is_the_computed_one(con)
        # reached: D1 won = every stage; D2 lost, furthest open stage Demo (2); D3 open at Proposal (3)
        assert frame["reached_position"].to_dict() == {"D1": 2147483647, "D2": 2, "D3": 3, "D4": 1}
        # pushes: D1 open at W1, W2, W3 -> two pairs, both pushed = 2; D2 never open twice -> None;
        # D3 (open: the Movement page's slips) W2 03-01 -> W3 02-20 -> W4 02-25 = 1
        assert frame.loc["D1", "pushes"] == 2 and pd.isna(frame.loc["D2", "pushes"]) and frame.loc["D3", "pushes"] == 1
        assert frame.loc["D4", "pushes"] == 0  # seen in four snapshots, never pushed
        table = assert_table_is_the_computed_one(con)
        # the score's table: D1 won, D2 lost (furthest open stage Demo, 2), D3 and D4 open; a closed deal's pushes are
        # its snapshot pairs open at both ends (D1: 2; D2 none: NULL), an open deal's are the Movement page's (NULL)
        assert table["status"].to_dict() == {"D1": "won", "D2": "lost", "D3": "open", "D4": "open"}
        assert table["reached_position"].to_dict() == {"D1": 2147483647, "D2": 2, "D3": 3, "D4": 1}
        assert table.loc["D1", "pushes"] == 2 and table["pushes"].drop("D1").isna().all()
        assert table["value"].to_dict() == {"D1": 100, "D2": 200, "D3": 300, "D4": 400}
        # a filter applies to the stored rows as to the computed ones
        owned = assert_table_is_the_computed_one(con, flt=prio.DealFilter(pipelines=("Sales",)))
        assert owned["in_filter"].all()
        assert not assert_table_is_the_computed_one(con, flt=prio.DealFilter(pipelines=("Other",)))["in_filter"].any()
        # as of W2: the stages reached by then (stored, reached_on <= W2), pushes from the snapshots up to W2
        early = assert_frame_is_the_computed_one(con, as_of=W2)
        assert early["reached_position"].to_dict() == {"D1": 2, "D2": 2, "D3": 1, "D4": 1}  # D1 Demo, D3 Qualify
    with store.transaction(path) as con:
        store.delete_import(con, 4)  # W2: rebuilt
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        assert ("D3", "Sales", "Qualify", W3) in kept["reach"]  # D3 first seen at W3 now
        # D1: two pairs left, W1 Qualify 02-01 -> W3 Demo 03-01 (push) -> W4 Won; D2 only in W1 now (no pair left)
        assert sum(r[8] for r in kept["deal_pushes"] if r[0] == "D1") == 2
        assert_slips_are_the_computed_ones(con)
        assert not [r for r in kept["deal_pushes"] if r[0] == "D2"]
        assert_frame_is_the_computed_one(con)
        # after the deletion D2 (only in W1 now, dropped while open by W3's full export) is left out
        assert sorted(assert_table_is_the_computed_one(con).index) == ["D1", "D3", "D4"]


def test_a_settings_change_is_applied_to_the_stored_rows(path):
    import_weeks(path, (W1, W2, W3, W4))
    with store.transaction(path) as con:
        # stage order: Proposal before Demo; and Demo now counts as a lost stage (no deal is open there)
        con.execute("UPDATE stages SET position = 5 - position WHERE pipeline = 'Sales' AND stage IN "
                    "('Demo', 'Proposal')")
        con.execute("UPDATE stages SET outcome = 'lost' WHERE pipeline = 'Sales' AND stage = 'Demo'")
        derived.refresh_stays(con)  # as the stage settings save does
    with store.connect(path) as con:
        assert all(derived.is_fresh(con, table) for table in MARTS)  # a setting is no import: nothing rebuilt
        frame = assert_frame_is_the_computed_one(con)
        # D2 lost: its open stages are now Qualify (1) only (Demo is no open stage); D3 open at Proposal, now 2
        assert frame.loc["D2", "reached_position"] == 1 and frame.loc["D3", "reached_position"] == 2
        # D1's pairs: Qualify -> Demo (Demo not open), Demo -> Demo (neither), Demo -> Won: none open at both -> None
        assert pd.isna(frame.loc["D1", "pushes"])
        table = assert_table_is_the_computed_one(con)  # rebuilt by the stage settings save, with the stays
        assert table["reached_position"].to_dict() == {"D1": 2147483647, "D2": 1, "D3": 2, "D4": 1}
        assert pd.isna(table.loc["D1", "pushes"])


def test_a_stage_history_is_read_with_the_stored_stages(path):
    import_weeks(path, (W1, W2, W3, W4))
    with store.transaction(path) as con:
        # a stage-history row: D4 (shown at Qualify every week) entered Negotiate on 01-20
        con.execute("INSERT INTO deal_stage_history (import_id, deal_id, stage, changed_on) "
                    "VALUES (99, 'D4', 'Negotiate', ?)", [date(2026, 1, 20)])
        derived.refresh_stays(con)  # as a stage-history import does
    with store.connect(path) as con:
        assert all(derived.is_fresh(con, table) for table in MARTS)  # read with the history, not recomputed
        frame = assert_frame_is_the_computed_one(con)
        # D4: Qualify (1) seen, Negotiate (4) entered -> its furthest open stage is 4; the others as without it
        assert frame["reached_position"].to_dict() == {"D1": 2147483647, "D2": 2, "D3": 3, "D4": 4}
        assert assert_table_is_the_computed_one(con).loc["D4", "reached_position"] == 4
        # as of W2 the change (01-20) is not known yet: D4 at Qualify
        assert assert_frame_is_the_computed_one(con, as_of=W2).loc["D4", "reached_position"] == 1


def computed_known_pushes(con: duckdb.DuckDBPyConnection) -> dict:
    """``known_pushes_of`` as of the latest date computed from every snapshot (``deal_pushes`` made stale, rolled
    back): the Movement page's ``slips``."""
    with made_stale(con, "deal_pushes"):
        known = prio.known_pushes_of(con, None)
    return dict(zip(known["deal_id"], known["pushes"], strict=True))


def test_the_open_deals_pushes_read_from_the_stored_pairs_are_the_slips_ones(path):
    import_weeks(path, (W1, W2, W3, W4))
    with store.connect(path) as con:
        # by hand, open at W4: D3 (W2 03-01 -> W3 02-20 -> W4 02-25: one push), D4 (four snapshots, never pushed)
        stored = prio.known_pushes_of(con, None)
        assert list(stored.columns) == ["deal_id", "pushes"]
        assert dict(zip(stored["deal_id"], stored["pushes"], strict=True)) == {"D3": 1, "D4": 0}
        assert computed_known_pushes(con) == {"D3": 1, "D4": 0}
    with store.transaction(path) as con:
        con.execute("UPDATE stages SET outcome = 'lost' WHERE pipeline = 'Sales' AND stage = 'Qualify'")
    with store.connect(path) as con:
        assert derived.is_fresh(con, "deal_pushes")
        # Qualify is lost now: D4 is no open deal; D3's W3 -> W4 pair starts at Qualify, not open: no push
        stored = prio.known_pushes_of(con, None)
        assert dict(zip(stored["deal_id"], stored["pushes"], strict=True)) == {"D3": 0}
        assert computed_known_pushes(con) == {"D3": 0}


def test_an_existing_file_gets_the_outcomes_and_the_pushes_close_dates_on_upgrade(path):
    import_weeks(path, (W1, W2, W3, W4))
    with store.connect(path) as con:
        before = (deal_table_rows(con), movement.slips(con),
                  con.execute("SELECT * FROM deal_pushes ORDER BY ALL").fetchall())
    as_written_by_schema(path, 9, ("deal_outcomes", "closed_attribute_counts"))
    raw = duckdb.connect(str(path))  # schema 9's deal_pushes had no days and close dates
    raw.execute("ALTER TABLE deal_pushes DROP COLUMN days; ALTER TABLE deal_pushes DROP COLUMN close_min; "
                "ALTER TABLE deal_pushes DROP COLUMN close_min_a")
    raw.close()
    with store.connect(path) as con:
        assert all(derived.is_fresh(con, name) for name in ("deal_outcomes", "closed_attribute_counts", "deal_pushes"))
        pd.testing.assert_frame_equal(deal_table_rows(con), before[0])
        pd.testing.assert_frame_equal(movement.slips(con), before[1])
        assert con.execute("SELECT * FROM deal_pushes ORDER BY ALL").fetchall() == before[2]


def test_a_schema_10_file_gets_the_stages_reached_in_its_entries_on_upgrade(path):
    import_weeks(path, (W1, W2, W3, W4))
    with store.connect(path) as con:
        before = deal_table_rows(con), prio.deal_frame(con, as_of=W2)[0]
    raw = duckdb.connect(str(path))  # schema 10 kept the stages reached in a table of their own
    raw.execute("ALTER TABLE deal_stage_entries DROP COLUMN reached_on; "
                "CREATE TABLE stage_reach (deal_id TEXT, pipeline TEXT, stage TEXT, first_on DATE); "
                "CREATE TABLE stage_reach_meta (fingerprint TEXT); UPDATE meta SET schema_version = 10")
    raw.close()
    store.forget_schema_cache()
    with store.connect(path) as con:
        tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert "deal_stage_entries" in tables and not {"stage_reach", "stage_reach_meta"} & tables
        assert all(derived.is_fresh(con, name) for name in ("deal_stage_entries", "deal_stays", "deal_outcomes"))
        # by hand (as in the weekly-imports test): the first snapshot showing each stage or dating it
        assert sorted(con.execute(MART_ROWS["reach"]).fetchall(), key=str) == sorted([
            ("D1", "Sales", "Qualify", W1), ("D1", "Sales", "Demo", W2), ("D1", "Sales", "Closed Won", W4),
            ("D2", "Sales", "Qualify", W1), ("D2", "Sales", "Demo", W1), ("D2", "Sales", "Closed Lost", W2),
            ("D3", "Sales", "Qualify", W2), ("D3", "Sales", "Proposal", W4), ("D4", "Sales", "Qualify", W1)], key=str)
        pd.testing.assert_frame_equal(deal_table_rows(con), before[0])
        pd.testing.assert_frame_equal(prio.deal_frame(con, as_of=W2)[0], before[1])


# Closed deals with an extra attribute "Source" in three currencies (USD at 0.5 EUR, GBP without a rate), one lost
# deal without an amount, one without a Source, a loss reason (a reserved attribute: never counted) and an open deal.
COUNTED = [
    {"deal_id": "C1", "stage": "Closed Won", "amount": 100, "close_on": date(2026, 1, 10), "attrs": {"Source": "Web"}},
    {"deal_id": "C2", "stage": "Closed Won", "amount": 200, "currency": "USD", "close_on": date(2026, 1, 10),
     "attrs": {"Source": "Web"}},
    {"deal_id": "C3", "stage": "Closed Won", "amount": 300, "currency": "GBP", "close_on": date(2026, 1, 20),
     "attrs": {"Source": "Referral"}},
    {"deal_id": "C4", "stage": "Closed Lost", "amount": None, "close_on": date(2026, 1, 20),
     "attrs": {"Source": "Web", "pulse:loss_reason": "Price"}},
    {"deal_id": "C5", "stage": "Closed Lost", "amount": 50, "close_on": date(2026, 1, 10), "attrs": {"Source": None}},
    {"deal_id": "O1", "stage": "Qualify", "amount": 10, "close_on": date(2026, 3, 1), "attrs": {"Source": "Web"}},
]
WON_EVERY_STAGE = 2147483647


def source_counts(con: duckdb.DuckDBPyConnection, **kwargs) -> list[tuple]:
    """The closed deals' counts for the attribute Source, cut on 01-20, as sorted tuples (key columns, n, won_money
    (None when unknown), won_valued)."""
    with priority_deals.DealTable(con) as table:
        _, values = table.closed_counts(date(2026, 1, 20), **kwargs)
    rows = values[values["attribute"] == "Source"].drop(columns="attribute")
    return sorted((*row[:-3], int(row[-3]), None if pd.isna(row[-2]) else row[-2], int(row[-1]))
                  for row in rows.itertuples(index=False))


def test_the_closed_deals_counts_by_attribute_value_are_read_from_the_stored_counts(path):
    with store.transaction(path) as con:
        con.execute("INSERT INTO fx_rates VALUES ('USD', 0.5)")
    import_snapshot(path, W1, COUNTED)
    with store.connect(path) as con:
        assert derived.is_fresh(con, "closed_attribute_counts")
        # by hand: the closed deals with a Source (C5 has none, O1 is open), by close date and currency; the loss
        # reason is no attribute of the score; C4 lost at Closed Lost only: it reached the first open stage (1)
        stored = sorted(con.execute("SELECT * FROM closed_attribute_counts").fetchall(), key=str)
        assert stored == sorted([
            ("Source", "Web", "Sales", WON_EVERY_STAGE, "won", date(2026, 1, 10), "EUR", 1, 1, 100),
            ("Source", "Web", "Sales", WON_EVERY_STAGE, "won", date(2026, 1, 10), "USD", 1, 1, 200),
            ("Source", "Referral", "Sales", WON_EVERY_STAGE, "won", date(2026, 1, 20), "GBP", 1, 1, 300),
            ("Source", "Web", "Sales", 1, "lost", date(2026, 1, 20), "EUR", 1, 0, None)], key=str)
        # (value, pipeline, reached, won, is_test: closed on or after 01-20, drivers), n, won money in EUR (100 +
        # 200 x 0.5; GBP has no rate: unknown), won deals with a known value
        expected = sorted([
            ("Referral", "Sales", WON_EVERY_STAGE, 1, True, True, 1, None, 0),
            ("Web", "Sales", 1, 0, True, True, 1, None, 0),
            ("Web", "Sales", WON_EVERY_STAGE, 1, False, True, 2, 200.0, 2)])
        assert source_counts(con) == expected
        with made_stale(con, "closed_attribute_counts"):
            assert source_counts(con) == expected
        # a period keeps the drivers' deals closed in it (01-15 on: C3 and C4), counted from both the same way
        ranged = source_counts(con, date_from=date(2026, 1, 15))
        assert ("Web", "Sales", WON_EVERY_STAGE, 1, False, False, 2, 200.0, 2) in ranged
        with made_stale(con, "closed_attribute_counts"):
            assert source_counts(con, date_from=date(2026, 1, 15)) == ranged
    with store.transaction(path) as con:  # a rate is applied when read: the stored counts stay fresh
        store.set_fx_rates(con, {"USD": 0.8, "GBP": 0.5})
    with store.connect(path) as con:
        assert derived.is_fresh(con, "closed_attribute_counts") and derived.is_fresh(con, "deal_outcomes")
        # won money now 100 + 200 x 0.8 = 260 (Web) and 300 x 0.5 = 150 (Referral, known now)
        rated = source_counts(con)
        assert ("Web", "Sales", WON_EVERY_STAGE, 1, False, True, 2, 260.0, 2) in rated
        assert ("Referral", "Sales", WON_EVERY_STAGE, 1, True, True, 1, 150.0, 1) in rated
        with made_stale(con, "closed_attribute_counts", "deal_outcomes"):
            assert source_counts(con) == rated

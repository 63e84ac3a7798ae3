"""The Pipeline page's stored tables (issue 16): ``deal_stage_entries`` (stage entry dates), ``deal_changes`` (the
stale deals' last change) and ``deal_filter_values`` (the sidebar's choices) kept by each deals import (newest,
back-dated) and deletion equal a rebuild from every snapshot; their rows are the hand-worked first sightings, "Date
entered" values and changes, and every metric reading them (funnel, days and age in stage, stale deals, calibration,
filter choices) equals the same metric computed from every snapshot, before and after a settings change.

Database: tests/sales_fixtures.py's reference snapshots S1 (2026-11-02) and S2 (2026-11-20), each imported then
refreshed as the importer does; later steps add S3 (2026-11-27, newest) and S0 (2026-10-26, back-dated).
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics import store
from analytics.sales import deals, funnel, inventory, scope, stage_time
from analytics.sales.deals import DealFilter
from analytics.store import derived
from analytics.store.schema import LOSS_REASON_ATTRIBUTE
from tests.sales_fixtures import S1, S2, SNAPSHOT_1, SNAPSHOT_2, add_snapshot, add_stages, as_written_by_schema

S0 = date(2026, 10, 26)
S3 = date(2026, 11, 27)


def _moved(snapshot: list[dict], changes: dict[str, dict]) -> list[dict]:
    """A copy of a snapshot's deals with some of their fields changed."""
    return [{**deal, **changes.get(deal["deal_id"], {})} for deal in snapshot]


# S3: A1 moves to Negotiate, A2 to Proposal and its export now says it entered Demo on 09-25 (was 09-20); the export
# has a segment column (A1 ENT, A3 SMB, blank for the others) and a loss reason (reserved: never a filter).
SNAPSHOT_3 = _moved(SNAPSHOT_2, {"A1": {"stage": "Negotiate", "attrs": {"Segment": "ENT"}},
                                 "A2": {"stage": "Proposal", "entered": {"Demo": date(2026, 9, 25)},
                                        "attrs": {"Segment": None}},
                                 "A3": {"attrs": {"Segment": "SMB"}},
                                 "B2": {"attrs": {LOSS_REASON_ATTRIBUTE: "Price"}}})
# S0 (before S1): A1 at Qualify, A2 at Demo with "Date entered" Demo 09-01 (older than S2's and S3's word on it).
SNAPSHOT_0 = [{**deal, "stage": "Qualify"} if deal["deal_id"] == "A1" else
              {**deal, "entered": {"Demo": date(2026, 9, 1)}} for deal in SNAPSHOT_1 if deal["deal_id"] in ("A1", "A2")]


def imported(path, day: date, deals: list[dict]) -> int:
    """One deals import followed by the refresh the importer runs in the same transaction."""
    with store.transaction(path) as con:
        import_id = add_snapshot(con, day, deals)
        derived.refresh_current(con, import_id)
    return import_id


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "entries.duckdb"
    with store.transaction(path) as con:
        add_stages(con)
        con.execute("INSERT INTO settings VALUES ('reporting_currency', '\"EUR\"')")
        con.execute("INSERT INTO fx_rates VALUES ('USD', 0.5)")
    imported(path, S1, SNAPSHOT_1)
    imported(path, S2, SNAPSHOT_2)
    return path


def entries(con: duckdb.DuckDBPyConnection, *deal_ids: str) -> dict[tuple[str, str], tuple]:
    """{(deal, stage): (seen_on, dated_on)} of the stored table (pipeline Sales)."""
    rows = con.execute("SELECT deal_id, stage, seen_on, dated_on FROM deal_stage_entries WHERE pipeline = 'Sales' "
                       "AND list_contains(?, deal_id)", [list(deal_ids)]).fetchall()
    return {(deal, stage): (seen, dated) for deal, stage, seen, dated in rows}


def kept_and_rebuilt(con: duckdb.DuckDBPyConnection) -> tuple[list, list]:
    """The table as the imports kept it, and as rebuilt from every snapshot (the rebuild rolled back)."""
    def rows() -> list:
        return sorted(con.execute("SELECT * FROM deal_stage_entries").fetchall(), key=str)
    kept = rows()
    assert derived.is_fresh(con, "deal_stage_entries")
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM deal_stage_entries_meta")  # never built: refresh_entries builds it from scratch
    derived.refresh_entries(con)
    rebuilt = rows()
    con.execute("ROLLBACK")
    return kept, rebuilt


METRICS = {
    "funnel": lambda con: funnel.funnel(con, "Sales"),
    "funnel_strict": lambda con: funnel.funnel(con, "Sales", strict=True),
    "funnel_by_pipeline": lambda con: funnel.funnel(con, by="pipeline"),
    "funnel_bob": lambda con: funnel.funnel(con, "Sales", flt=DealFilter(owners=("Bob",))),
    "days_in_stage": lambda con: stage_time.days_in_stage(con),
    "days_in_stage_summary": lambda con: stage_time.days_in_stage_summary(con, "Sales"),
    "age_in_stage": lambda con: stage_time.age_in_stage(con),
    "stale": lambda con: inventory.hygiene(con, stale_days=10)["stale"],
    "calibration_sales": lambda con: inventory.calibration(con, "Sales"),
    "calibration_partners": lambda con: inventory.calibration(con, "Partners"),
}


def assert_stored_equals_computed(con: duckdb.DuckDBPyConnection, monkeypatch) -> None:
    """Every metric read from the stored entries (the scope says so) equals it computed from every snapshot; the
    same for the filter choices read from ``deal_filter_values``."""
    assert scope.open_scope(con).stored_entries
    stored = {name: metric(con) for name, metric in METRICS.items()}
    stored_choices = deals.filter_choices(con)
    with monkeypatch.context() as patch:
        patch.setattr(scope, "is_fresh", lambda con, table: False)  # the stored tables unknown: computed
        patch.setattr(deals, "is_fresh", lambda con, table: False)
        assert not scope.open_scope(con).stored_entries
        computed = {name: metric(con) for name, metric in METRICS.items()}
        assert deals.filter_choices(con) == stored_choices
    for name in METRICS:
        pd.testing.assert_frame_equal(stored[name], computed[name], obj=name)


def kept_and_rebuilt_table(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list, list]:
    """A stored table (``deal_filter_values`` or ``deal_changes``) as the imports kept it, and as rebuilt from every
    import (rolled back)."""
    rebuild = {"deal_filter_values": derived.refresh_filter_values, "deal_changes": derived.refresh_changes}[table]

    def rows() -> list:
        return sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=str)
    kept = rows()
    assert derived.is_fresh(con, table)
    con.execute("BEGIN TRANSACTION")
    rebuild(con)
    rebuilt = rows()
    con.execute("ROLLBACK")
    return kept, rebuilt


def changes(con: duckdb.DuckDBPyConnection, *deal_ids: str) -> dict[str, tuple]:
    """{deal: (first_seen, changed_on)} of the stored ``deal_changes``."""
    rows = con.execute("SELECT deal_id, first_seen, changed_on FROM deal_changes WHERE list_contains(?, deal_id)",
                       [list(deal_ids)]).fetchall()
    return {deal: (first, changed) for deal, first, changed in rows}


def test_stored_entries_are_the_first_sightings_and_the_newest_entered_dates(path, monkeypatch):
    with store.connect(path) as con:
        assert entries(con, "A1", "A2", "A3", "B1", "C2") == {
            ("A1", "Demo"): (S1, None), ("A1", "Proposal"): (S2, None),   # seen at Demo in S1, Proposal in S2
            ("A2", "Demo"): (S1, date(2026, 9, 20)),                      # seen in S1; S2 says entered 09-20
            ("A3", "Negotiate"): (S1, date(2026, 10, 25)),                # S2's dates; never seen at Q or P
            ("A3", "Qualify"): (None, date(2026, 10, 1)), ("A3", "Proposal"): (None, date(2026, 10, 10)),
            ("B1", "Negotiate"): (S1, date(2026, 10, 20)), ("B1", "Closed Won"): (S2, None),
            ("B1", "Qualify"): (None, date(2026, 9, 10)), ("B1", "Demo"): (None, date(2026, 9, 20)),
            ("B1", "Proposal"): (None, date(2026, 10, 5)),
            ("C2", "Qualify"): (None, date(2026, 7, 1)), ("C2", "Demo"): (None, date(2026, 8, 1)),  # S1's dates
            ("C2", "Closed Lost"): (S1, None),
        }
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        # A1 moved Demo -> Proposal and A6's amount went 8000 -> 10000 on S2; A2 never changed; A5 is new on S2
        assert changes(con, "A1", "A2", "A5", "A6") == {"A1": (S1, S2), "A2": (S1, None), "A5": (S2, None),
                                                        "A6": (S1, S2)}
        # read from the stored table: B1 Qualify 09-10 -> Demo 09-20 = 10 days; Demo -> Proposal 10-05 = 15;
        # Proposal -> Negotiate 10-20 = 15; Negotiate -> close 11-10 (won) = 21. A3 skips Demo: Qualify 10-01 ->
        # Proposal 10-10 = 9, Proposal -> Negotiate 10-25 = 15 (Negotiate is its open stage: no exit).
        # A1 (snapshots only): Demo seen 11-02 -> Proposal seen 11-20 = 18 days, inferred.
        days = stage_time.days_in_stage(con, "Sales").set_index(["deal_id", "stage"])
        assert list(days.loc["B1", "days"]) == [10, 15, 15, 21] and not days.loc["B1", "inferred"].any()
        assert list(days.loc["A3", "days"]) == [9, 15]
        assert days.loc[("A1", "Demo"), "days"] == 18 and days.loc[("A1", "Demo"), "inferred"]
        # age in the current stage at the as-of date S2 (11-20): A2 entered Demo 09-20: 10 + 31 + 20 = 61 days;
        # A1 first seen at Proposal on S2: 0 days, inferred
        age = stage_time.age_in_stage(con, "Sales").set_index("deal_id")
        assert age.loc["A2", "age_days"] == 61 and not age.loc["A2", "inferred"]
        assert age.loc["A1", "age_days"] == 0 and age.loc["A1", "inferred"]
        assert_stored_equals_computed(con, monkeypatch)


def test_newest_back_dated_and_deleted_imports_keep_the_table_equal_to_a_rebuild(path, monkeypatch):
    newest = imported(path, S3, SNAPSHOT_3)  # the weekly import: only its own rows' work
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        found = entries(con, "A1", "A2")
        # A2: S3's "Date entered" replaces S2's; A1 and A2 first seen at their new stages on S3
        assert found[("A2", "Demo")] == (S1, date(2026, 9, 25))
        assert found[("A2", "Proposal")] == (S3, None) and found[("A1", "Negotiate")] == (S3, None)
        assert_stored_equals_computed(con, monkeypatch)
        kept, rebuilt = kept_and_rebuilt_table(con, "deal_filter_values")
        assert kept == rebuilt
        kept, rebuilt = kept_and_rebuilt_table(con, "deal_changes")
        assert kept == rebuilt
        # A1 and A2 moved on S3; A6 unchanged since S2
        assert changes(con, "A1", "A2", "A6") == {"A1": (S1, S3), "A2": (S1, S3), "A6": (S1, S2)}
        # every pipeline and owner of S1..S3; the segment values of S3 (its blank left out); no loss reason
        assert deals.filter_choices(con) == {"pipeline": ["Partners", "Sales"], "owner": ["Ann", "Bob", "Cy", "Dee"],
                                             "Segment": ["ENT", "SMB"]}
    imported(path, S0, SNAPSHOT_0)  # back-dated: before S1 (rebuilt)
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        found = entries(con, "A1", "A2")
        # seen earlier now (S0); A2's Demo date stays S3's, the newest export's word (S0's 09-01 is older)
        assert found[("A1", "Qualify")] == (S0, None)
        assert found[("A2", "Demo")] == (S0, date(2026, 9, 25))
        assert_stored_equals_computed(con, monkeypatch)
        kept, rebuilt = kept_and_rebuilt_table(con, "deal_changes")
        assert kept == rebuilt
        assert changes(con, "A1", "A2") == {"A1": (S0, S3), "A2": (S0, S3)}  # first seen on S0 now
    with store.transaction(path) as con:
        store.delete_import(con, newest)
    with store.connect(path) as con:
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt
        found = entries(con, "A1", "A2")
        # S3 gone: A2's Demo date is S2's again, and the stages only S3 showed are gone
        assert found[("A2", "Demo")] == (S0, date(2026, 9, 20))
        assert ("A2", "Proposal") not in found and ("A1", "Negotiate") not in found
        assert_stored_equals_computed(con, monkeypatch)
        kept, rebuilt = kept_and_rebuilt_table(con, "deal_filter_values")
        assert kept == rebuilt and "Segment" not in deals.filter_choices(con)  # only S3 had a segment
        kept, rebuilt = kept_and_rebuilt_table(con, "deal_changes")
        assert kept == rebuilt
        # S3 gone: A1 Qualify (S0) -> Demo (S1) -> Proposal (S2) last changed on S2; A2 at Demo all along
        assert changes(con, "A1", "A2") == {"A1": (S0, S2), "A2": (S0, None)}


def test_a_settings_change_leaves_the_table_fresh_and_the_metrics_equal(path, monkeypatch):
    with store.transaction(path) as con:
        # Proposal before Demo, Negotiate now counts as won, another probability
        con.execute("UPDATE stages SET position = 5 - position WHERE pipeline = 'Sales' AND stage IN ('Demo', "
                    "'Proposal')")
        con.execute("UPDATE stages SET outcome = 'won' WHERE stage = 'Negotiate'")
        con.execute("UPDATE stages SET probability = 0.5 WHERE stage = 'Qualify'")
    with store.connect(path) as con:
        assert derived.is_fresh(con, "deal_stage_entries")
        assert_stored_equals_computed(con, monkeypatch)
        # calibration with Negotiate won: Sales open stages Qualify 1, Proposal 2, Demo 3. Closed deals (won or
        # lost, now A3 is won too): B1 won, B2 lost (reached Proposal, now position 2), B3 lost (first stage only),
        # B6 won, B8 won, C1 won, C2 lost (Demo, now position 3), A3 won (Negotiate) -> Qualify: 8 closed, 5 won;
        # Proposal: all but B3 = 7 closed, 5 won; Demo: B1 B6 B8 C1 A3 won + C2 = 6 closed, 5 won
        table = inventory.calibration(con, "Sales").set_index("stage")
        assert list(table["closed_reached"]) == [8, 7, 6] and list(table["won_reached"]) == [5, 5, 5]


def test_stage_history_rows_are_still_read_up_to_the_as_of_date(path, monkeypatch):
    with store.transaction(path) as con:
        con.execute("INSERT INTO deal_stage_history (import_id, deal_id, stage, changed_on) VALUES "
                    "(99, 'A1', 'Demo', DATE '2026-10-01'), (99, 'A1', 'Proposal', DATE '2026-12-15')")
    with store.connect(path) as con:
        # A1 Demo: the history's 10-01 (exact) -> Proposal: the 12-15 change is after the as-of date (ignored):
        # first seen there on S2: 10-01 -> 11-01 = 31 days, -> 11-20 = 19 more: 50 days, inferred (the exit)
        days = stage_time.days_in_stage(con, "Sales").set_index(["deal_id", "stage"])
        assert days.loc[("A1", "Demo"), "entered_on"] == pd.Timestamp(2026, 10, 1)
        assert days.loc[("A1", "Demo"), "days"] == 50 and days.loc[("A1", "Demo"), "inferred"]
        assert_stored_equals_computed(con, monkeypatch)



def test_a_stage_only_the_stage_history_knows_is_an_exact_entry(path, monkeypatch):
    """A1 was never shown at Qualify nor given a "Date entered" for it: its stage-history row alone makes the key."""
    with store.transaction(path) as con:
        con.execute("INSERT INTO deal_stage_history (import_id, deal_id, stage, changed_on) VALUES "
                    "(99, 'A1', 'Qualify', DATE '2026-09-15'), (99, 'A1', 'Demo', DATE '2026-10-01')")
    with store.connect(path) as con:
        assert ("A1", "Qualify") not in entries(con, "A1")
        # Qualify 09-15 (history, exact) -> Demo 10-01 (history, exact) = 15 + 1 = 16 days, not inferred
        days = stage_time.days_in_stage(con, "Sales").set_index(["deal_id", "stage"])
        assert days.loc[("A1", "Qualify"), "entered_on"] == pd.Timestamp(2026, 9, 15)
        assert days.loc[("A1", "Qualify"), "days"] == 16 and not days.loc[("A1", "Qualify"), "inferred"]
        assert_stored_equals_computed(con, monkeypatch)

def test_a_past_date_is_computed_from_the_snapshots(path):
    with store.connect(path) as con:
        assert not scope.open_scope(con, S1).stored_entries  # S1 is not the latest snapshot: the table says S2
        # as of S1, B1 was at Negotiate (seen 11-02) with no "Date entered" yet: age 0 days, inferred
        age = stage_time.age_in_stage(con, "Sales", as_of=S1).set_index("deal_id")
        assert age.loc["B1", "age_days"] == 0 and age.loc["B1", "inferred"]


def test_a_file_of_schema_7_gets_the_table_when_opened(path):
    with store.connect(path) as con:
        expected = sorted(con.execute("SELECT * FROM deal_stage_entries").fetchall(), key=str)
    as_written_by_schema(path, 7, ("deal_stage_entries", "deal_filter_values", "deal_changes"))
    with store.connect(path) as con:
        assert con.execute("SELECT schema_version FROM meta").fetchone()[0] == store.SCHEMA_VERSION
        kept, rebuilt = kept_and_rebuilt(con)
        assert kept == rebuilt == expected
        kept, rebuilt = kept_and_rebuilt_table(con, "deal_filter_values")
        assert kept == rebuilt and deals.filter_choices(con)["owner"] == ["Ann", "Bob", "Cy", "Dee"]
        kept, rebuilt = kept_and_rebuilt_table(con, "deal_changes")
        assert kept == rebuilt and changes(con, "A6") == {"A6": (S1, S2)}

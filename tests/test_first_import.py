"""The first deals import of a database (issue 16, import speed): ``deal_stage_entries`` (with reached_on, the stages
reached) is built from that import's rows alone in one pass (derived._keep's ``first`` statements), and equals the
hand-worked rows and a rebuild from every snapshot — also when the import replaces other snapshots (the sample), and
when two "Date entered" cells of a deal name the same stage.

First import, dated 2026-11-20 (pipeline Sales):
  A1 at Demo,     entered Qualify 10-01, Demo 10-05           -> Qualify (-, 10-01), Demo (11-20, 10-05)
  A2 at Proposal, no "Date entered"                           -> Proposal (11-20, -)
  A3 at Qualify,  entered Demo 10-10 twice: 10-10 and 10-03   -> Qualify (11-20, -), Demo (-, 10-03: the earlier)
Every key's reached_on is the import's date, 11-20.
"""
from __future__ import annotations

from datetime import date

import duckdb

from analytics import store
from analytics.store import derived
from tests.sales_fixtures import add_snapshot, add_stages

DAY = date(2026, 11, 20)
DEALS = [
    {"deal_id": "A1", "stage": "Demo", "amount": 100, "entered": {"Qualify": date(2026, 10, 1),
                                                                  "Demo": date(2026, 10, 5)}},
    {"deal_id": "A2", "stage": "Proposal", "amount": 200},
    {"deal_id": "A3", "stage": "Qualify", "amount": 300},
]
EXPECTED_ENTRIES = [  # (deal, stage, seen_on, dated_on), worked out from the table above
    ("A1", "Demo", DAY, date(2026, 10, 5)), ("A1", "Qualify", None, date(2026, 10, 1)),
    ("A2", "Proposal", DAY, None),
    ("A3", "Demo", None, date(2026, 10, 3)), ("A3", "Qualify", DAY, None),
]


def _first_import(con: duckdb.DuckDBPyConnection) -> int:
    import_id = add_snapshot(con, DAY, DEALS)
    # A3's two "Date entered" cells for Demo (two columns naming the same stage): the earlier one is its date
    con.executemany("INSERT INTO deal_stage_dates VALUES (?, 'A3', 'Sales', 'Demo', ?)",
                    [[import_id, date(2026, 10, 10)], [import_id, date(2026, 10, 3)]])
    derived.refresh_current(con, import_id)
    return import_id


def _rows(con: duckdb.DuckDBPyConnection) -> tuple[list, list]:
    entries = con.execute("SELECT deal_id, stage, seen_on, dated_on FROM deal_stage_entries WHERE pipeline = 'Sales' "
                          "ORDER BY deal_id, stage").fetchall()
    reach = con.execute("SELECT deal_id, stage, reached_on FROM deal_stage_entries WHERE pipeline = 'Sales' "
                        "ORDER BY deal_id, stage").fetchall()
    return entries, reach


def _rebuilt(con: duckdb.DuckDBPyConnection) -> tuple[list, list]:
    """The table rebuilt from every snapshot (no import named), rolled back."""
    con.execute("BEGIN TRANSACTION")
    derived.refresh_entries(con)
    rows = _rows(con)
    con.execute("ROLLBACK")
    return rows


def _check(path) -> None:
    with store.connect(path) as con:
        entries, reach = _rows(con)
        assert entries == EXPECTED_ENTRIES
        assert reach == [(deal, stage, DAY) for deal, stage, _, _ in EXPECTED_ENTRIES]  # every key on 11-20
        assert (entries, reach) == _rebuilt(con)
        assert derived.is_fresh(con, "deal_stage_entries")


def test_first_import_builds_entries_and_reach_from_its_rows(tmp_path):
    path = tmp_path / "first.duckdb"
    with store.transaction(path) as con:
        add_stages(con)
        _first_import(con)
    _check(path)


def test_first_import_replacing_other_snapshots_forgets_their_rows(tmp_path):
    path = tmp_path / "replacing.duckdb"
    with store.transaction(path) as con:
        add_stages(con)
        old = add_snapshot(con, date(2026, 11, 1), [{"deal_id": "Z9", "stage": "Demo", "amount": 5,
                                                      "entered": {"Qualify": date(2026, 9, 1)}}])
        derived.refresh_current(con, old)
    with store.transaction(path) as con:  # as replace_sample does: the old rows deleted in the import's transaction
        for table in ("deal_snapshots", "deal_stage_dates", "deal_attributes"):
            con.execute(f"DELETE FROM {table} WHERE import_id = ?", [old])
        con.execute("DELETE FROM imports WHERE import_id = ?", [old])
        _first_import(con)
    _check(path)  # no Z9 row left

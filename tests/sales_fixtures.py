"""Tiny deals databases built by inserting rows directly, for the sales-metric tests.

``add_snapshot`` inserts one deals import (one snapshot) from a list of dicts. ``build_sales_db`` builds
the reference database every expected value in tests/test_sales_metrics.py is worked out from by hand:

Pipelines and stages (position, probability):
  Sales:    Qualify 1 (0.1), Demo 2 (0.3), Proposal 3 (0.6), Negotiate 4 (0.8), Closed Won 5 (won),
            Closed Lost 6 (lost)
  Partners: Intro 1 (0.2), Contract 2 (0.5), Signed 3 (won), Declined 4 (lost)
Reporting currency EUR; fx_rates USD = 0.5 (1 USD = 0.5 EUR); GBP has no rate.
Snapshot S1 = 2026-11-02, S2 = 2026-11-20 (both full exports; the as-of date is S2).

deal owner created    S1 (stage amount)        S2 (stage amount)         close       notes
A1   Ann   2026-09-01 Demo 1000                Proposal 1000             2026-11-30  stage change
A2   Ann   2026-09-05 Demo 2000 p=0.5          Demo 2000 p=0.5           2026-12-01  exported p; entered Demo 09-20
A3   Ann   2026-10-01 Negotiate 1200           Negotiate 1200            2026-12-20  entered Q 10-01 P 10-10 N 10-25
A4   Ann   2026-10-15 Qualify blank            Qualify blank             2026-12-10  blank amount
A5   Ann   2026-11-05 -                        Qualify 200               blank       new; no close date
A6   Ann   2026-08-01 Demo 8000                Demo 10000                2026-10-31  amount change; past due
B1   Bob   2026-09-10 Negotiate 3000           Closed Won 3000           2026-11-10  in Q 9-10 D 9-20 P 10-05 N 10-20
B2   Bob   2026-09-15 Proposal 1500            Closed Lost 1500          2026-11-12  lost, last stage known (S1)
B3   Bob   2026-10-20 -                        Closed Lost 800           2026-11-15  lost, last stage unknown
B4   Bob   2026-10-05 Demo 2000 USD            Demo 2000 USD             2026-12-31  value 1000 EUR
B5   Bob   2026-10-06 Qualify 500 GBP          Proposal 500 GBP          2027-01-15  no rate: left out of sums
B6   Bob   blank      Negotiate 4000           Closed Won 4000           2026-11-05  blank created_on
B7   Bob   2026-09-01 Demo 700                 - (dropped)               2026-12-05  dropped while open
B8   Bob   2026-08-15 Closed Won 2500          - (dropped)               2026-10-30  dropped after it was won
C1   Cy    2026-10-01 Proposal 1000 USD        Closed Won 1000 USD       2026-11-18  value 500 EUR
C2   Cy    2026-07-01 Closed Lost 2000         Closed Lost 2000          2026-09-30  entered Q 07-01 D 08-01 (in S1)
C3   Cy    2026-11-10 -                        Qualify 600               2026-11-20  close on the snapshot day
P1   Dee   2026-10-01 Intro 5000               Intro 5000                2026-12-15  Partners
P2   Dee   2026-10-02 Intro 3000               Contract 3000             2027-01-10  Partners
P3   Dee   2026-09-01 Contract 4000            Signed 4000               2026-11-01  Partners, won
A3 skips Demo. Attribute "segment": ENT for A2, A6, B1, B4, P1, SMB for the others
(in each import holding the deal).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from analytics import store

S1 = date(2026, 11, 2)
S2 = date(2026, 11, 20)

STAGES = [
    ("Sales", "Qualify", 1, 0.1, "open"), ("Sales", "Demo", 2, 0.3, "open"),
    ("Sales", "Proposal", 3, 0.6, "open"), ("Sales", "Negotiate", 4, 0.8, "open"),
    ("Sales", "Closed Won", 5, 1.0, "won"), ("Sales", "Closed Lost", 6, 0.0, "lost"),
    ("Partners", "Intro", 1, 0.2, "open"), ("Partners", "Contract", 2, 0.5, "open"),
    ("Partners", "Signed", 3, 1.0, "won"), ("Partners", "Declined", 4, 0.0, "lost"),
]

_DEAL_COLUMNS = ("deal_id", "name", "pipeline", "stage", "status_raw", "amount", "currency", "owner", "created_on",
                 "close_on", "probability", "forecast_category")


def add_stages(con: duckdb.DuckDBPyConnection, stages=STAGES) -> None:
    con.executemany("INSERT INTO stages (pipeline, stage, position, probability, outcome) VALUES (?, ?, ?, ?, ?)",
                    stages)


def add_snapshot(con: duckdb.DuckDBPyConnection, snapshot_on: date, deals: list[dict], *,
                 partial: bool = False) -> int:
    """One deals import dated ``snapshot_on``. Each dict: the deal_snapshots columns (deal_id, stage required;
    pipeline defaults to Sales, currency to EUR), plus ``entered`` {stage: date} and ``attrs`` {name: value}."""
    import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
    con.execute("INSERT INTO imports (import_id, file_name, sha256, kind, snapshot_on, rows_imported, rows_rejected, "
                "is_partial) VALUES (?, ?, ?, 'deals', ?, ?, 0, ?)",
                [import_id, f"deals_{snapshot_on}.csv", f"sha-{import_id}", snapshot_on, len(deals), partial])
    rows = [[import_id, snapshot_on, n, *(_column(d, c) for c in _DEAL_COLUMNS)] for n, d in enumerate(deals, 1)]
    if rows:
            con.executemany(f"INSERT INTO deal_snapshots (import_id, snapshot_on, row_number, "
                        f"{', '.join(_DEAL_COLUMNS)}) VALUES ({', '.join('?' * (len(_DEAL_COLUMNS) + 3))})", rows)
    dates = [[import_id, d["deal_id"], _column(d, "pipeline"), stage, on]
             for d in deals for stage, on in d.get("entered", {}).items()]
    if dates:
        con.executemany("INSERT INTO deal_stage_dates VALUES (?, ?, ?, ?, ?)", dates)
    attrs = [[import_id, d["deal_id"], name, value] for d in deals for name, value in d.get("attrs", {}).items()]
    if attrs:
        con.executemany("INSERT INTO deal_attributes VALUES (?, ?, ?, ?)", attrs)
    return import_id


def import_snapshot(path, snapshot_on: date, deals: list[dict], *, partial: bool = False) -> None:
    """One deals import into the database file ``path`` as the importer does it: its rows (``add_snapshot``), then
    the derived tables' refresh for that import, in one transaction."""
    from analytics import store
    from analytics.store import derived

    with store.transaction(path) as con:
        derived.refresh_current(con, add_snapshot(con, snapshot_on, deals, partial=partial))


def _column(deal: dict, column: str):
    defaults = {"pipeline": "Sales", "currency": "EUR", "name": deal["deal_id"]}
    return deal.get(column, defaults.get(column))


def _deal(deal_id, owner, created, stage, amount, close, **extra) -> dict:
    return {"deal_id": deal_id, "owner": owner, "created_on": created, "stage": stage, "amount": amount,
            "close_on": close, **extra}


def _segment(deal: dict) -> dict:
    ent = deal["deal_id"] in ("A2", "A6", "B1", "B4", "P1")
    return {**deal, "attrs": {"segment": "ENT" if ent else "SMB"}}


SNAPSHOT_1 = [
    _deal("A1", "Ann", date(2026, 9, 1), "Demo", 1000, date(2026, 11, 30)),
    _deal("A2", "Ann", date(2026, 9, 5), "Demo", 2000, date(2026, 12, 1), probability=0.5),
    _deal("A3", "Ann", date(2026, 10, 1), "Negotiate", 1200, date(2026, 12, 20)),
    _deal("A4", "Ann", date(2026, 10, 15), "Qualify", None, date(2026, 12, 10)),
    _deal("A6", "Ann", date(2026, 8, 1), "Demo", 8000, date(2026, 10, 31)),
    _deal("B1", "Bob", date(2026, 9, 10), "Negotiate", 3000, date(2026, 11, 15)),
    _deal("B2", "Bob", date(2026, 9, 15), "Proposal", 1500, date(2026, 11, 12)),
    _deal("B4", "Bob", date(2026, 10, 5), "Demo", 2000, date(2026, 12, 31), currency="USD"),
    _deal("B5", "Bob", date(2026, 10, 6), "Qualify", 500, date(2027, 1, 15), currency="GBP"),
    _deal("B6", "Bob", None, "Negotiate", 4000, date(2026, 11, 5)),
    _deal("B7", "Bob", date(2026, 9, 1), "Demo", 700, date(2026, 12, 5)),
    _deal("B8", "Bob", date(2026, 8, 15), "Closed Won", 2500, date(2026, 10, 30)),
    _deal("C1", "Cy", date(2026, 10, 1), "Proposal", 1000, date(2026, 11, 18), currency="USD"),
    _deal("C2", "Cy", date(2026, 7, 1), "Closed Lost", 2000, date(2026, 9, 30),
          entered={"Qualify": date(2026, 7, 1), "Demo": date(2026, 8, 1)}),
    _deal("P1", "Dee", date(2026, 10, 1), "Intro", 5000, date(2026, 12, 15), pipeline="Partners"),
    _deal("P2", "Dee", date(2026, 10, 2), "Intro", 3000, date(2027, 1, 10), pipeline="Partners"),
    _deal("P3", "Dee", date(2026, 9, 1), "Contract", 4000, date(2026, 11, 1), pipeline="Partners"),
]
SNAPSHOT_2 = [
    _deal("A1", "Ann", date(2026, 9, 1), "Proposal", 1000, date(2026, 11, 30)),
    _deal("A2", "Ann", date(2026, 9, 5), "Demo", 2000, date(2026, 12, 1), probability=0.5,
          entered={"Demo": date(2026, 9, 20)}),
    _deal("A3", "Ann", date(2026, 10, 1), "Negotiate", 1200, date(2026, 12, 20),
          entered={"Qualify": date(2026, 10, 1), "Proposal": date(2026, 10, 10), "Negotiate": date(2026, 10, 25)}),
    _deal("A4", "Ann", date(2026, 10, 15), "Qualify", None, date(2026, 12, 10)),
    _deal("A5", "Ann", date(2026, 11, 5), "Qualify", 200, None),
    _deal("A6", "Ann", date(2026, 8, 1), "Demo", 10000, date(2026, 10, 31)),
    _deal("B1", "Bob", date(2026, 9, 10), "Closed Won", 3000, date(2026, 11, 10),
          entered={"Qualify": date(2026, 9, 10), "Demo": date(2026, 9, 20), "Proposal": date(2026, 10, 5),
                   "Negotiate": date(2026, 10, 20)}),
    _deal("B2", "Bob", date(2026, 9, 15), "Closed Lost", 1500, date(2026, 11, 12)),
    _deal("B3", "Bob", date(2026, 10, 20), "Closed Lost", 800, date(2026, 11, 15)),
    _deal("B4", "Bob", date(2026, 10, 5), "Demo", 2000, date(2026, 12, 31), currency="USD"),
    _deal("B5", "Bob", date(2026, 10, 6), "Proposal", 500, date(2027, 1, 15), currency="GBP"),
    _deal("B6", "Bob", None, "Closed Won", 4000, date(2026, 11, 5)),
    _deal("C1", "Cy", date(2026, 10, 1), "Closed Won", 1000, date(2026, 11, 18), currency="USD"),
    _deal("C2", "Cy", date(2026, 7, 1), "Closed Lost", 2000, date(2026, 9, 30)),
    _deal("C3", "Cy", date(2026, 11, 10), "Qualify", 600, date(2026, 11, 20)),
    _deal("P1", "Dee", date(2026, 10, 1), "Intro", 5000, date(2026, 12, 15), pipeline="Partners"),
    _deal("P2", "Dee", date(2026, 10, 2), "Contract", 3000, date(2027, 1, 10), pipeline="Partners"),
    _deal("P3", "Dee", date(2026, 9, 1), "Signed", 4000, date(2026, 11, 1), pipeline="Partners"),
]


def build_sales_db(con: duckdb.DuckDBPyConnection) -> None:
    """The reference database described in this module's docstring."""
    add_stages(con)
    con.execute("INSERT INTO settings VALUES ('reporting_currency', '\"EUR\"')")
    con.execute("INSERT INTO fx_rates VALUES ('USD', 0.5)")
    for snapshot_on, deals in reference_snapshots():
        add_snapshot(con, snapshot_on, deals)


def reference_snapshots() -> list[tuple[date, list[dict]]]:
    """The reference database's two snapshots, (date, deals with their segment), oldest first."""
    return [(S1, [_segment(x) for x in SNAPSHOT_1]), (S2, [_segment(x) for x in SNAPSHOT_2])]


def as_written_by_schema(path, version: int, tables: tuple[str, ...]) -> None:
    """Turn the database file at ``path`` back into one written by schema ``version``: the derived ``tables`` (and
    their _meta) that later versions added dropped, the version set back; the next store.connect migrates it."""
    import duckdb

    from analytics import store

    raw = duckdb.connect(str(path))
    raw.execute("; ".join(f"DROP TABLE {t}; DROP TABLE {t}_meta" for t in tables)
                + f"; UPDATE meta SET schema_version = {int(version)}")
    raw.close()
    store.forget_schema_cache()


def deal_table_rows(con: duckdb.DuckDBPyConnection, **kwargs) -> pd.DataFrame:
    """The rows of the Priorities score's deal table (``priority_deals.DealTable(con, **kwargs)``), by deal: read from
    the stored ``deal_outcomes`` when the scope has them, computed otherwise."""
    from analytics.sales import priority_deals
    from analytics.store.sql import Fragment

    with priority_deals.DealTable(con, **kwargs) as table:
        return con.execute(*table.query(Fragment(f"SELECT * FROM {table.name} ORDER BY deal_id", []))).df()


@contextmanager
def made_stale(con: duckdb.DuckDBPyConnection, *tables: str) -> Iterator[None]:
    """Inside the block the derived ``tables`` are not fresh on ``con`` (their fingerprints deleted in a transaction
    rolled back at its end): the metrics compute what they would read from them. The connection's memo of freshness is
    dropped on both sides, as a store write drops it: else a read connection that asked once would go on reading the
    stored tables, and the test would compare them with themselves."""
    from analytics.store import derived, memo

    con.execute("BEGIN TRANSACTION")
    try:
        for table in tables:
            con.execute(f"DELETE FROM {table}_meta")
        memo.forget_memo(con)
        assert not any(derived.is_fresh(con, table) for table in tables)
        yield
    finally:
        con.execute("ROLLBACK")
        memo.forget_memo(con)


@contextmanager
def read_db(path: Path, build: Callable[[duckdb.DuckDBPyConnection], None]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read connection to a new database file at ``path`` that ``build(con)`` filled in one transaction (as an
    import commits it), open for the block: a test module's shared ``con`` fixture."""
    with store.transaction(path) as writer:
        build(writer)
    with store.connect(path) as reader:
        yield reader

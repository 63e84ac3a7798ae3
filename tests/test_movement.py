"""Pipeline movement, slipped close dates and the pipeline trend (METRICS.md 2-4, 7), on four tiny snapshots
whose every expected value is worked out by hand below, and on the sample data against a pandas count.

Stages (tests/sales_fixtures.py): Sales: Qualify 1 (p 0.1), Demo 2 (0.3), Proposal 3 (0.6), Negotiate 4 (0.8),
Closed Won, Closed Lost. Reporting currency EUR; 1 USD = 0.5 EUR. S3 is a partial export.

deal owner S1 11-06 (stage amount close)    S2 11-13                        S3 11-20 (partial)    S4 11-27 (full)
W1   Ann   Negotiate 1000 12-01             Closed Won 1200 11-10           -                     Closed Won
L1   Bob   Proposal 500 12-15               Closed Lost 500 11-12           Proposal 500 12-15    Proposal 500 12-15
N1   Ann   -                                Qualify 300 2027-01-10          -                     same
D1   Bob   Demo 700 12-20                   - (absent: dropped)             Demo 700 12-20        - (dropped)
AD1  Ann   Qualify 400 12-31                Demo 450 12-31                  Proposal 450 12-31    Closed Won 450 11-25
MB1  Ann   Proposal 900 2027-01-15          Demo 900 2027-01-15             -                     same
SL1  Ann   Demo 600 11-30                   Demo 650 12-14                  -                     Demo 650 2027-01-10
AC1  Ann→Bob Demo 800 12-10                 Demo 750 12-10 (owner Bob)      -                     same
U1   Bob   Qualify 200 12-05                same                            -                     same
PI1  Ann   Demo 1000 12-20                  Demo 1000 12-01 (pulled in)     -                     Demo 1000 12-08
BL1  Bob   Qualify blank 2027-02-01         Qualify 100 2027-02-01          -                     same
USD1 Bob   Demo 1000 USD 12-31              Proposal 1200 USD 12-31         -                     same
CW1  Bob   -                                Closed Won 2500 11-11           -                     same
X1   Ann   Closed Won 5000 10-01            same                            -                     same
"""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics import store
from analytics.ingest import stage_config
from analytics.reports.deals_section import deals_report
from analytics.sales import movement as movement_module
from analytics.sales.deals import DealFilter
from analytics.sales.kpis import kpis
from analytics.sales.movement import BUCKETS, movement, movement_report, push_rates, slips, trend, trend_totals
from analytics.sales.stage_time import days_in_stage, days_in_stage_median
from tests.sales_fixtures import add_snapshot, add_stages, import_snapshot, read_db

ROOT = Path(__file__).resolve().parent.parent
S1, S2, S3, S4 = date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20), date(2026, 11, 27)


def _d(deal_id, owner, stage, amount, close, **extra) -> dict:
    return {"deal_id": deal_id, "owner": owner, "stage": stage, "amount": amount, "close_on": close,
            "created_on": date(2026, 9, 1), **extra}


SNAP_1 = [
    _d("W1", "Ann", "Negotiate", 1000, date(2026, 12, 1)),
    _d("L1", "Bob", "Proposal", 500, date(2026, 12, 15)),
    _d("D1", "Bob", "Demo", 700, date(2026, 12, 20)),
    _d("AD1", "Ann", "Qualify", 400, date(2026, 12, 31)),
    _d("MB1", "Ann", "Proposal", 900, date(2027, 1, 15)),
    _d("SL1", "Ann", "Demo", 600, date(2026, 11, 30)),
    _d("AC1", "Ann", "Demo", 800, date(2026, 12, 10)),
    _d("U1", "Bob", "Qualify", 200, date(2026, 12, 5)),
    _d("PI1", "Ann", "Demo", 1000, date(2026, 12, 20)),
    _d("BL1", "Bob", "Qualify", None, date(2027, 2, 1)),
    _d("USD1", "Bob", "Demo", 1000, date(2026, 12, 31), currency="USD"),
    _d("X1", "Ann", "Closed Won", 5000, date(2026, 10, 1)),
]
SNAP_2 = [
    _d("W1", "Ann", "Closed Won", 1200, date(2026, 11, 10)),
    _d("L1", "Bob", "Closed Lost", 500, date(2026, 11, 12)),
    _d("N1", "Ann", "Qualify", 300, date(2027, 1, 10), created_on=date(2026, 11, 9)),
    _d("AD1", "Ann", "Demo", 450, date(2026, 12, 31)),
    _d("MB1", "Ann", "Demo", 900, date(2027, 1, 15)),
    _d("SL1", "Ann", "Demo", 650, date(2026, 12, 14)),
    _d("AC1", "Bob", "Demo", 750, date(2026, 12, 10)),
    _d("U1", "Bob", "Qualify", 200, date(2026, 12, 5)),
    _d("PI1", "Ann", "Demo", 1000, date(2026, 12, 1)),
    _d("BL1", "Bob", "Qualify", 100, date(2027, 2, 1)),
    _d("USD1", "Bob", "Proposal", 1200, date(2026, 12, 31), currency="USD"),
    _d("CW1", "Bob", "Closed Won", 2500, date(2026, 11, 11), created_on=date(2026, 11, 8)),
    _d("X1", "Ann", "Closed Won", 5000, date(2026, 10, 1)),
]
SNAP_3 = [  # partial: adds or updates these deals, drops nothing
    _d("L1", "Bob", "Proposal", 500, date(2026, 12, 15)),
    _d("D1", "Bob", "Demo", 700, date(2026, 12, 20)),
    _d("AD1", "Ann", "Proposal", 450, date(2026, 12, 31)),
]
_CHANGED_IN_4 = {
    "AD1": _d("AD1", "Ann", "Closed Won", 450, date(2026, 11, 25)),
    "SL1": _d("SL1", "Ann", "Demo", 650, date(2027, 1, 10)),
    "PI1": _d("PI1", "Ann", "Demo", 1000, date(2026, 12, 8)),
    "L1": _d("L1", "Bob", "Proposal", 500, date(2026, 12, 15)),
}
SNAP_4 = [_CHANGED_IN_4.get(d["deal_id"], d) for d in SNAP_2 if d["deal_id"] != "L1"] + [_CHANGED_IN_4["L1"]]


def build_movement_db(con) -> None:
    add_stages(con)
    con.execute("INSERT INTO settings VALUES ('reporting_currency', '\"EUR\"')")
    con.execute("INSERT INTO fx_rates VALUES ('USD', 0.5)")
    add_snapshot(con, S1, SNAP_1)
    add_snapshot(con, S2, SNAP_2)
    add_snapshot(con, S3, SNAP_3, partial=True)
    add_snapshot(con, S4, SNAP_4)


def import_movement_weeks(path: Path) -> None:
    """The same four snapshots into a new database file ``path``, each imported as the importer does (its rows, then
    the derived tables' refresh): S1, S2, S3 (partial) and S4 are each the newest, so each refresh does only its own
    snapshot's work."""
    with store.transaction(path) as writer:
        add_stages(writer)
        writer.execute("INSERT INTO settings VALUES ('reporting_currency', '\"EUR\"')")
        writer.execute("INSERT INTO fx_rates VALUES ('USD', 0.5)")
    for day, deals, partial in ((S1, SNAP_1, False), (S2, SNAP_2, False), (S3, SNAP_3, True), (S4, SNAP_4, False)):
        import_snapshot(path, day, deals, partial=partial)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    with read_db(tmp_path_factory.mktemp("movement") / "movement.duckdb", build_movement_db) as reader:
        yield reader


def ids(mv, bucket: str) -> set[str]:
    return set(mv.deals_in(bucket)["deal_id"])


def assert_reconciles(mv) -> None:
    a = mv.amounts
    assert mv.open_amount_from + a["new"] + mv.changes - a["won"] - a["lost"] - a["dropped"] == pytest.approx(
        mv.open_amount_to)
    assert mv.open_amount_from + sum(step for _, step in mv.steps()) == pytest.approx(mv.open_amount_to)
    assert sum(mv.counts.values()) == len(mv.deals)
    assert mv.deals["deal_id"].is_unique


# --- S1 -> S2: every bucket --------------------------------------------------------------------------

def test_every_bucket_between_s1_and_s2(con):
    mv = movement(con, S1, S2)
    assert (mv.date_from, mv.date_to, mv.currency) == (S1, S2, "EUR")
    expected = {"won": {"W1", "CW1"}, "lost": {"L1"}, "new": {"N1"}, "dropped": {"D1"},
                "advanced": {"AD1", "USD1"}, "moved_back": {"MB1"}, "slipped": {"SL1"},
                "amount_changed": {"AC1", "BL1"}, "unchanged": {"U1", "PI1"}}
    assert {b: ids(mv, b) for b in BUCKETS} == expected
    assert mv.counts == {b: len(v) for b, v in expected.items()}
    assert "X1" not in set(mv.deals["deal_id"])  # closed in A: no part


def test_amounts_between_s1_and_s2_reconcile(con):
    mv = movement(con, S1, S2)
    # open A: W1 1000 + L1 500 + D1 700 + AD1 400 + MB1 900 + SL1 600 + AC1 800 + U1 200 + PI1 1000
    #         + BL1 blank (0) + USD1 1000 USD x 0.5 = 6600, 11 deals
    # open B: N1 300 + AD1 450 + MB1 900 + SL1 650 + AC1 750 + U1 200 + PI1 1000 + BL1 100 + USD1 600 = 4950
    assert (mv.open_count_from, mv.open_amount_from) == (11, pytest.approx(6600))
    assert (mv.open_count_to, mv.open_amount_to) == (9, pytest.approx(4950))
    assert mv.amounts == pytest.approx({
        "won": 1000,  # W1 at A; CW1 was never open at a snapshot: 0
        "lost": 500, "new": 300, "dropped": 700,
        "advanced": 50 + 100,  # AD1 400 -> 450; USD1 500 -> 600 EUR
        "moved_back": 0, "slipped": 50,  # SL1 600 -> 650 (also pushed: slipped comes first)
        "amount_changed": -50 + 100,  # AC1 800 -> 750; BL1 blank -> 100
        "unchanged": 0})
    assert mv.changes == pytest.approx(250)
    assert mv.closed_amounts == pytest.approx({"won": 1200 + 2500, "lost": 500})
    assert_reconciles(mv)


def test_open_totals_equal_the_kpis_at_each_date(con):
    mv = movement(con, S1, S2)
    assert mv.open_amount_from == pytest.approx(kpis(con, as_of=S1).open_amount)
    assert mv.open_amount_to == pytest.approx(kpis(con, as_of=S2).open_amount)
    assert mv.open_count_to == kpis(con, as_of=S2).open_count


def test_deal_created_and_won_between_snapshots(con):
    row = movement(con, S1, S2).deals_in("won").set_index("deal_id").loc["CW1"]
    assert pd.isna(row["stage_from"]) and row["stage_to"] == "Closed Won"
    assert pd.isna(row["value_from"]) and row["value_to"] == 2500 and row["change"] == 0


def test_deal_list_columns(con):
    mv = movement(con, S1, S2)
    slipped = mv.deals_in("slipped").iloc[0]
    assert slipped["close_on_from"] == pd.Timestamp(2026, 11, 30)
    assert slipped["close_on_to"] == pd.Timestamp(2026, 12, 14)
    assert slipped["days_pushed"] == 14
    usd = mv.deals_in("advanced").set_index("deal_id").loc["USD1"]
    assert (usd["amount_from"], usd["amount_to"], usd["currency"]) == (1000, 1200, "USD")
    assert (usd["value_from"], usd["value_to"], usd["change"]) == (500, 600, 100)
    assert list(mv.deals["bucket"].drop_duplicates()) == [b for b in BUCKETS if mv.counts[b]]


# --- S2 -> S3 (partial) and S3 -> S4: a deal that disappears, reappears, is reopened --------------------

def test_partial_snapshot_drops_nothing(con):
    mv = movement(con, S2, S3)
    # D1 (dropped at S2) reappears and L1 (lost at S2) is reopened: both re-enter the open pipeline as new
    assert mv.counts == {"won": 0, "lost": 0, "new": 2, "dropped": 0, "advanced": 1, "moved_back": 0,
                         "slipped": 0, "amount_changed": 0, "unchanged": 8}
    assert ids(mv, "new") == {"D1", "L1"} and ids(mv, "advanced") == {"AD1"}
    assert (mv.open_amount_from, mv.open_amount_to) == (pytest.approx(4950), pytest.approx(4950 + 700 + 500))
    assert mv.amounts["new"] == pytest.approx(1200)
    assert_reconciles(mv)


def test_full_snapshot_drops_the_deal_that_disappears(con):
    mv = movement(con, S3, S4)
    assert ids(mv, "dropped") == {"D1"} and ids(mv, "won") == {"AD1"}
    assert ids(mv, "slipped") == {"SL1", "PI1"}
    assert mv.counts["unchanged"] == 7  # N1 MB1 AC1 U1 BL1 USD1 L1
    assert (mv.amounts["won"], mv.amounts["dropped"]) == (pytest.approx(450), pytest.approx(700))
    assert (mv.open_amount_from, mv.open_amount_to) == (pytest.approx(6150), pytest.approx(5000))
    assert_reconciles(mv)


def test_snapshots_that_are_not_consecutive(con):
    mv = movement(con, S1, S4)
    # L1 lost then reopened in between: as of S1 and S4 it is the same; PI1's close was pulled in (12-20 -> 12-08)
    assert mv.counts == {"won": 3, "lost": 0, "new": 1, "dropped": 1, "advanced": 1, "moved_back": 1,
                         "slipped": 1, "amount_changed": 2, "unchanged": 3}
    assert ids(mv, "won") == {"W1", "AD1", "CW1"} and ids(mv, "unchanged") == {"L1", "U1", "PI1"}
    assert mv.amounts["won"] == pytest.approx(1000 + 400)
    assert (mv.open_amount_from, mv.open_amount_to) == (pytest.approx(6600), pytest.approx(5000))
    assert_reconciles(mv)


def test_default_dates_are_the_last_two_snapshots(con):
    assert (movement(con).date_from, movement(con).date_to) == (S3, S4)
    assert movement(con, date_b=S2).date_from == S1


def test_filter_keeps_a_deal_by_its_latest_owner_on_both_sides(con):
    ann = movement(con, S1, S2, flt=DealFilter(owners=("Ann",)))
    # AC1 moved from Ann to Bob: it is Bob's on both sides, so Ann's totals still reconcile
    assert "AC1" not in set(ann.deals["deal_id"])
    assert ann.open_amount_from == pytest.approx(1000 + 400 + 900 + 600 + 1000)
    assert ann.open_amount_to == pytest.approx(300 + 450 + 900 + 650 + 1000)
    assert_reconciles(ann)
    bob = movement(con, S1, S2, flt=DealFilter(owners=("Bob",)))
    assert "AC1" in ids(bob, "amount_changed")
    assert ann.open_amount_from + bob.open_amount_from == pytest.approx(6600)


def test_dates_must_be_in_order(con):
    with pytest.raises(ValueError):
        movement(con, S2, S1)
    with pytest.raises(ValueError):
        movement(con, S2, S2)


def test_report_movement(con):
    report = movement_report(con)
    assert (report["from"], report["to"]) == ("2026-11-20", "2026-11-27")
    assert report["counts"] == {"won": 1, "lost": 0, "new": 0, "dropped": 1, "advanced": 0, "moved_back": 0,
                                "slipped": 2, "amount_changed": 0, "unchanged": 7}
    assert set(report["amounts"]) == set(BUCKETS)
    assert json.loads(json.dumps(report)) == report
    assert deals_report(con)["movement"] == report


def test_movement_is_none_with_one_snapshot(tmp_path):
    with store.transaction(tmp_path / "one.duckdb") as writer:
        add_stages(writer)
        add_snapshot(writer, S1, SNAP_1)
    with store.connect(tmp_path / "one.duckdb") as c:
        assert movement_report(c) is None
        assert deals_report(c)["movement"] is None
        with pytest.raises(ValueError):
            movement(c)


# --- slipped close dates -------------------------------------------------------------------------------

def test_slips_count_pushes_across_snapshots(con):
    table = slips(con).set_index("deal_id")
    # open deals at S4: N1 MB1 SL1 AC1 U1 PI1 BL1 USD1 L1
    assert set(table.index) == {"N1", "MB1", "SL1", "AC1", "U1", "PI1", "BL1", "USD1", "L1"}
    # SL1: 11-30 (S1) -> 12-14 (S2) -> 2027-01-10 (S4): two pushes, 14 + 27 days
    assert (table.loc["SL1", "pushes"], table.loc["SL1", "days_pushed"]) == (2, 41)
    assert table.loc["SL1", "first_close_on"] == pd.Timestamp(2026, 11, 30)
    # PI1: 12-20 -> 12-01 (pulled in, not a push) -> 12-08: one push of 7 days
    assert (table.loc["PI1", "pushes"], table.loc["PI1", "days_pushed"]) == (1, 7)
    # L1: its close date moved from 11-12 (lost) to 12-15 (reopened): not a push of an open deal
    assert table.loc["L1", "pushes"] == 0
    assert list(table.index[:2]) == ["SL1", "PI1"]
    assert table.loc["SL1", "snapshots"] == 3  # S1, S2, S4 (not in the partial S3)


def test_slips_as_of_an_earlier_date(con):
    table = slips(con, as_of=S2).set_index("deal_id")
    assert (table.loc["SL1", "pushes"], table.loc["SL1", "days_pushed"]) == (1, 14)
    assert table.loc["PI1", "pushes"] == 0


def test_push_rates_by_owner(con):
    rates = push_rates(con).set_index("owner")
    # Ann: N1 MB1 SL1 PI1 open, SL1 and PI1 pushed (3 pushes, 41 + 7 days); Bob: AC1 U1 BL1 USD1 L1, none
    assert rates.loc["Ann"].to_dict() == pytest.approx({"open_deals": 4, "pushed_deals": 2, "push_rate": 0.5,
                                                        "pushes": 3, "days_pushed": 48, "avg_days_per_push": 16})
    assert (rates.loc["Bob", "open_deals"], rates.loc["Bob", "push_rate"]) == (5, 0.0)
    assert pd.isna(rates.loc["Bob", "avg_days_per_push"])
    assert list(rates.index) == ["Ann", "Bob"]


# --- trend -------------------------------------------------------------------------------------------

def assert_hand_trend_totals(con) -> pd.DataFrame:
    """The weekly totals of this module's four snapshots, worked out by hand (also read from the derived tables in
    tests/test_marts.py)."""
    totals = trend_totals(trend(con)).set_index("snapshot_on")
    assert list(totals.index) == [S1, S2, S3, S4]
    assert list(totals["open_amount"]) == pytest.approx([6600, 4950, 6150, 5000])
    assert list(totals["open_count"]) == [11, 9, 11, 9]
    # S1 weighted: W1 800 + L1 300 + D1 210 + AD1 40 + MB1 540 + SL1 180 + AC1 240 + U1 20 + PI1 300 + USD1 150
    assert totals.loc[S1, "weighted_amount"] == pytest.approx(2780)
    assert pd.isna(totals.loc[S1, "new_amount"])
    assert list(totals["new_count"][1:]) == [1, 2, 0]
    assert list(totals["new_amount"][1:]) == pytest.approx([300, 1200, 0])
    return totals


def test_trend_totals_per_snapshot(con):
    totals = assert_hand_trend_totals(con)
    for day in (S1, S2, S3, S4):
        assert totals.loc[day, "open_amount"] == pytest.approx(kpis(con, as_of=day).open_amount)
        assert totals.loc[day, "weighted_amount"] == pytest.approx(kpis(con, as_of=day).weighted_amount)


def test_trend_per_stage(con):
    at_s2 = trend(con).query("snapshot_on == @S2").set_index("stage")
    # Demo: AD1 450 + MB1 900 + SL1 650 + AC1 750 + PI1 1000; Qualify: N1 300 + U1 200 + BL1 100; Proposal: USD1 600
    assert at_s2["open_amount"].to_dict() == pytest.approx({"Qualify": 600, "Demo": 3750, "Proposal": 600})
    assert at_s2["open_count"].to_dict() == {"Qualify": 3, "Demo": 5, "Proposal": 1}
    assert at_s2.loc["Qualify", "new_amount"] == 300 and at_s2.loc["Demo", "new_amount"] == 0
    assert list(at_s2["position"]) == [1, 2, 3]


def test_trend_with_a_filter(con):
    totals = trend_totals(trend(con, flt=DealFilter(owners=("Bob",)))).set_index("snapshot_on")
    # Bob at S2: AC1 750 + U1 200 + BL1 100 + USD1 600
    assert totals.loc[S2, "open_amount"] == pytest.approx(1650)


# --- entry dates inferred from snapshots ----------------------------------------------------------------

def test_days_in_stage_inferred_from_snapshots(con):
    rows = days_in_stage(con, "Sales").set_index(["deal_id", "stage"])
    # AD1: seen at Qualify on S1, Demo on S2, Proposal on S3 (partial), won 11-25: 7, 7 and 5 days
    assert rows.loc[("AD1", "Qualify"), "days"] == 7
    assert rows.loc[("AD1", "Demo"), "days"] == 7
    assert rows.loc[("AD1", "Proposal"), "days"] == 5
    assert rows["inferred"].all()
    assert days_in_stage_median(con, "Sales")["Qualify"] == 7


# --- the sample data: report --json against an independent pandas count -----------------------------------

SAMPLE = ROOT / "sample_data"
SAMPLE_DATES = ["2026-11-06", "2026-11-13", "2026-11-20", "2026-11-27"]
SALES_ORDER = ["Appointment scheduled", "Qualified to buy", "Presentation scheduled", "Decision maker bought-in",
               "Contract sent"]
RENEWAL_ORDER = ["Renewal due", "In negotiation"]
RENEWAL_STAGES = "Renewals=Renewal due>In negotiation"
CLOSED = {"Closed won": "won", "Closed lost": "lost"}


def pandas_movement(older: str, newer: str) -> dict[str, int]:
    """METRICS.md 4 written out with pandas on the raw CSV files (independent of analytics/)."""
    a, b = (pd.read_csv(SAMPLE / f"deals_{day}.csv", dtype={"Record ID": str}).set_index("Record ID")
            for day in (older, newer))
    rank = {**{s: i for i, s in enumerate(SALES_ORDER)}, **{s: i for i, s in enumerate(RENEWAL_ORDER)}}
    open_a = a[~a["Deal Stage"].isin(list(CLOSED))]
    counts = dict.fromkeys(BUCKETS, 0)
    for deal in [*open_a.index, *b.index.difference(a.index)]:
        new_row = b.loc[deal] if deal in b.index else None
        if new_row is not None and new_row["Deal Stage"] in CLOSED:
            bucket = CLOSED[new_row["Deal Stage"]]
        elif deal not in open_a.index:
            bucket = "new"
        elif new_row is None:
            bucket = "dropped"
        else:
            old = open_a.loc[deal]
            step = rank[new_row["Deal Stage"]] - rank[old["Deal Stage"]]
            if step:
                bucket = "advanced" if step > 0 else "moved_back"
            elif pd.notna(old["Close Date"]) and pd.notna(new_row["Close Date"]) and \
                    new_row["Close Date"] > old["Close Date"]:  # ISO dates compare as text
                bucket = "slipped"
            elif not (old["Amount"] == new_row["Amount"] or (pd.isna(old["Amount"]) and pd.isna(new_row["Amount"]))):
                bucket = "amount_changed"
            else:
                bucket = "unchanged"
        counts[bucket] += 1
    return counts


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    """The four weekly sample exports imported with the CLI, the Renewals stage order given as the importer asks.

    Nothing in the exports orders the two Renewals stages for sure (no known template, no probability or 'Date
    entered' column): the importer refuses to guess and names the option, which this fixture gives, so that
    advanced / moved back follow the real order.
    """
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    files = [str(SAMPLE / f"deals_{day}.csv") for day in SAMPLE_DATES]
    asked = subprocess.run([sys.executable, "-m", "analytics", "import", files[0], "--db", str(path)],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert asked.returncode == 2 and RENEWAL_STAGES in asked.stderr
    done = subprocess.run([sys.executable, "-m", "analytics", "import", *files, "--db", str(path),
                           "--stages", RENEWAL_STAGES], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with store.connect(path) as con:
        assert list(stage_config.stage_table(con, "Renewals")["stage"])[:2] == RENEWAL_ORDER
    return path


def report_json(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "analytics", "report", "--json", "--db", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_report_json_movement_on_the_sample_matches_pandas(sample_db):
    moved = report_json(sample_db)["deals"]["movement"]
    assert (moved["from"], moved["to"]) == ("2026-11-20", "2026-11-27")
    assert moved["counts"] == pandas_movement("2026-11-20", "2026-11-27")
    # the table of sample_data/README.md, row 11-20 -> 11-27
    assert list(moved["counts"].values()) == [11, 19, 35, 4, 70, 9, 10, 25, 241]
    a = moved["amounts"]
    assert moved["open_amount_from"] + a["new"] + moved["changes"] - a["won"] - a["lost"] - a["dropped"] == \
        pytest.approx(moved["open_amount_to"])


@pytest.mark.parametrize("older,newer", list(zip(SAMPLE_DATES, SAMPLE_DATES[1:], strict=False)))
def test_every_sample_week_matches_pandas(sample_db, older, newer):
    with store.connect(sample_db) as c:
        mv = movement(c, date.fromisoformat(older), date.fromisoformat(newer))
        assert mv.open_amount_from == pytest.approx(kpis(c, as_of=date.fromisoformat(older)).open_amount)
        assert mv.open_amount_to == pytest.approx(kpis(c, as_of=date.fromisoformat(newer)).open_amount)
    assert mv.counts == pandas_movement(older, newer)
    assert_reconciles(mv)


def test_days_in_stage_inferred_from_sample_snapshots(tmp_path):
    """Exports without 'Date entered' columns: days in stage come from the four weekly snapshots."""
    for day in SAMPLE_DATES:
        frame = pd.read_csv(SAMPLE / f"deals_{day}.csv", dtype=str)
        frame.drop(columns=[c for c in frame.columns if c.startswith("Date entered")]).to_csv(
            tmp_path / f"deals_{day}.csv", index=False)
    path = tmp_path / "inferred.duckdb"
    files = [str(tmp_path / f"deals_{day}.csv") for day in SAMPLE_DATES]
    done = subprocess.run([sys.executable, "-m", "analytics", "import", *files, "--db", str(path), "--stages",
                           RENEWAL_STAGES], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    medians = report_json(path)["deals"]["days_in_stage_median"]
    assert list(medians) == SALES_ORDER
    assert any(v is not None for v in medians.values())
    with store.connect(path) as c:
        stays = days_in_stage(c, "Sales Pipeline")
    assert len(stays) and stays["inferred"].all()
    # a stay between two snapshots lasts a whole number of weeks; the last one of a closed deal ends at close_on
    open_exits = stays[stays["exited_on"].isin(pd.to_datetime(SAMPLE_DATES))]
    assert len(open_exits) and (open_exits["days"] % 7 == 0).all()


def test_no_metric_leaves_state_on_the_connection(sample_db):
    """Each query carries the deals' state it reads (no temporary view one metric could replace under another):
    after metrics at two dates, a movement and a trend, the connection holds no temporary view or table, and
    the current-state KPIs read afterwards are those of a fresh connection."""
    with store.connect(sample_db) as con:
        past = kpis(con, as_of=date(2026, 11, 13))
        movement(con, date(2026, 11, 13), date(2026, 11, 27))
        trend(con)
        now = kpis(con)
        temporary = con.execute("SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal").fetchone()[0]
        temporary += con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0]
    with store.connect(sample_db) as con:
        fresh_now, fresh_past = kpis(con), kpis(con, as_of=date(2026, 11, 13))
    assert temporary == 0
    assert (now.open_amount, past.open_amount) == (fresh_now.open_amount, fresh_past.open_amount)
    assert now.open_amount != past.open_amount


def test_snapshot_interval_is_the_median_gap_between_exports(sample_db, db):
    with store.connect(sample_db) as con:
        assert movement_module.snapshot_interval_days(con) == 7.0  # Nov 6, 13, 20, 27: gaps 7, 7, 7
    with store.transaction(db) as con:
        assert movement_module.snapshot_interval_days(con) is None
        for day in (date(2026, 1, 1), date(2026, 1, 3), date(2026, 1, 13)):  # gaps 2 and 10: median 6
            add_snapshot(con, day, [{"deal_id": "D1", "stage": "Qualify", "amount": 100.0}])
    with store.connect(db) as con:
        assert movement_module.snapshot_interval_days(con) == 6.0

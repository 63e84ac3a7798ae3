"""Movement reasons (analytics/sales/movement_reasons.py) on two tiny snapshots, every value worked out by hand.

Stages (tests/sales_fixtures.py): Sales: Qualify 1, Demo 2, Proposal 3, Negotiate 4, Closed Won 5, Closed Lost 6.
Reporting currency EUR (every deal in EUR).

deal owner     A = 11-06 (stage amount close fc)  B = 11-13                     bucket
  reasons
P1   Ann->Bob  Proposal 1000 12-01 Commit         Proposal 800 12-20 Commit     slipped
  pushed_out (+19 d), amount_down (-200), owner_changed
K1   Ann       Qualify 500 12-15                  Negotiate 500 12-15           advanced
  skipped_stages (1 -> 4: 2 skipped)
I1   Bob       Demo 600 2027-01-10 Pipeline       Demo 600 12-10 " best case "  unchanged
  pulled_in (-31 d), forecast_category_changed
U1   Cy        Demo 400 12-31                     Proposal 700 12-31            advanced
  amount_up (+300); one step: not skipped
W1   Cy        Negotiate 2000 12-31               Closed Won 2500 11-10         won
  pulled_in (-51 d), amount_up (+500); closed at B: not skipped
N1   Ann       -                                  Qualify 300 2027-01-31        new
  none (not in A)
D1   Bob       Demo 900 12-20                     - (dropped)                   dropped
  none (not in B)
C1   Ann       Proposal 100 12-05 (no fc)         Proposal 100 12-05 Commit     unchanged
  none (a blank side is no change)
Q1   Bob       Qualify blank 2027-02-01           Qualify 250 2027-02-01        amount_changed
  none (value unknown at A)
"""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from analytics import store
from analytics.sales.movement import BUCKETS, movement, movement_report
from analytics.sales.movement_reasons import REASONS
from tests.sales_fixtures import add_snapshot, add_stages

A, B = date(2026, 11, 6), date(2026, 11, 13)


def _d(deal_id, owner, stage, amount, close, fc=None) -> dict:
    return {"deal_id": deal_id, "owner": owner, "stage": stage, "amount": amount, "close_on": close,
            "forecast_category": fc, "created_on": date(2026, 9, 1)}


SNAP_A = [
    _d("P1", "Ann", "Proposal", 1000, date(2026, 12, 1), "Commit"),
    _d("K1", "Ann", "Qualify", 500, date(2026, 12, 15)),
    _d("I1", "Bob", "Demo", 600, date(2027, 1, 10), "Pipeline"),
    _d("U1", "Cy", "Demo", 400, date(2026, 12, 31)),
    _d("W1", "Cy", "Negotiate", 2000, date(2026, 12, 31)),
    _d("D1", "Bob", "Demo", 900, date(2026, 12, 20)),
    _d("C1", "Ann", "Proposal", 100, date(2026, 12, 5)),
    _d("Q1", "Bob", "Qualify", None, date(2027, 2, 1)),
]
SNAP_B = [
    _d("P1", "Bob", "Proposal", 800, date(2026, 12, 20), "Commit"),
    _d("K1", "Ann", "Negotiate", 500, date(2026, 12, 15)),
    _d("I1", "Bob", "Demo", 600, date(2026, 12, 10), " best case "),
    _d("U1", "Cy", "Proposal", 700, date(2026, 12, 31)),
    _d("W1", "Cy", "Closed Won", 2500, date(2026, 11, 10)),
    _d("N1", "Ann", "Qualify", 300, date(2027, 1, 31)),
    _d("C1", "Ann", "Proposal", 100, date(2026, 12, 5), "Commit"),
    _d("Q1", "Bob", "Qualify", 250, date(2027, 2, 1)),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("reasons") / "reasons.duckdb"
    with store.transaction(path) as writer:
        add_stages(writer)
        writer.execute("INSERT INTO settings VALUES ('reporting_currency', '\"EUR\"')")
        add_snapshot(writer, A, SNAP_A)
        add_snapshot(writer, B, SNAP_B)
    with store.connect(path) as reader:
        yield reader


def test_the_buckets_are_unchanged_and_still_reconcile(con):
    mv = movement(con, A, B)
    buckets = {b: set(mv.deals_in(b)["deal_id"]) for b in BUCKETS}
    assert buckets == {"won": {"W1"}, "lost": set(), "new": {"N1"}, "dropped": {"D1"}, "advanced": {"K1", "U1"},
                       "moved_back": set(), "slipped": {"P1"}, "amount_changed": {"Q1"}, "unchanged": {"I1", "C1"}}
    # open A: P1 1000 + K1 500 + I1 600 + U1 400 + W1 2000 + D1 900 + C1 100 + Q1 blank = 5500 (8 deals)
    # open B: P1 800 + K1 500 + I1 600 + U1 700 + N1 300 + C1 100 + Q1 250 = 3250 (7 deals)
    assert (mv.open_count_from, mv.open_amount_from) == (8, pytest.approx(5500))
    assert (mv.open_count_to, mv.open_amount_to) == (7, pytest.approx(3250))
    # changes: advanced U1 +300 (K1 0), slipped P1 -200, amount changed Q1 +250 = +350
    # 5500 + new 300 + 350 - won 2000 - lost 0 - dropped 900 = 3250
    assert mv.changes == pytest.approx(350)
    assert mv.open_amount_from + mv.amounts["new"] + mv.changes - mv.amounts["won"] - mv.amounts["lost"] \
        - mv.amounts["dropped"] == pytest.approx(mv.open_amount_to)


def test_reasons_table_counts_and_amounts(con):
    table = movement(con, A, B).reasons().set_index("reason")
    assert list(table.index) == list(REASONS)
    expected = {  # reason: (deals, amount change, value at B)
        "pulled_in": (2, 0 + 500, 600 + 2500),           # I1 (600 -> 600), W1 (2000 -> 2500)
        "pushed_out": (1, -200, 800),                     # P1 1000 -> 800
        "amount_up": (2, 300 + 500, 700 + 2500),          # U1 400 -> 700, W1 2000 -> 2500
        "amount_down": (1, -200, 800),                    # P1
        "owner_changed": (1, -200, 800),                  # P1 Ann -> Bob
        "forecast_category_changed": (1, 0, 600),         # I1 Pipeline -> Best Case (C1: blank -> Commit is none)
        "skipped_stages": (1, 0, 500),                    # K1 Qualify (1) -> Negotiate (4)
    }
    got = {r: (int(row.deals), row.amount_change, row.value) for r, row in table.iterrows()}
    assert got == {r: (n, pytest.approx(change), pytest.approx(value)) for r, (n, change, value) in expected.items()}


def test_a_deal_carries_several_reasons(con):
    mv = movement(con, A, B)
    of_p1 = sorted(mv.reason_deals.loc[mv.reason_deals["deal_id"] == "P1", "reason"])
    assert of_p1 == ["amount_down", "owner_changed", "pushed_out"]
    for deal in ("N1", "D1", "C1", "Q1"):  # new, dropped, a blank side, an unknown value: no reason
        assert deal not in set(mv.reason_deals["deal_id"])


def test_deals_for_reason(con):
    mv = movement(con, A, B)
    pulled = mv.deals_for_reason("pulled_in")
    assert list(pulled["deal_id"]) == ["W1", "I1"]  # biggest |change| first: W1 +500, I1 0
    assert list(pulled["days_moved"]) == [-51, -31]  # 12-31 -> 11-10 is 51 days; 2027-01-10 -> 12-10 is 31
    assert list(pulled["bucket"]) == ["won", "unchanged"]
    p1 = mv.deals_for_reason("owner_changed").iloc[0]
    assert (p1["deal_id"], p1["owner_from"], p1["owner"]) == ("P1", "Ann", "Bob")
    assert (p1["days_moved"], p1["amount_change"]) == (19, -200)  # 12-01 -> 12-20
    skipped = mv.deals_for_reason("skipped_stages").iloc[0]
    assert (skipped["deal_id"], skipped["stage_from"], skipped["stage_to"], skipped["stages_skipped"]) == (
        "K1", "Qualify", "Negotiate", 2)  # Demo and Proposal skipped
    category = mv.deals_for_reason("forecast_category_changed").iloc[0]
    assert (category["forecast_category_from"], category["forecast_category_to"]) == ("Pipeline", " best case ")
    with pytest.raises(ValueError):
        mv.deals_for_reason("advanced")


def test_a_filter_keeps_the_reasons_of_its_deals(con):
    from analytics.sales.deals import DealFilter
    bob = movement(con, A, B, flt=DealFilter(owners=("Bob",))).reasons().set_index("reason")
    # Bob's deals (by their latest owner): P1, I1, D1, Q1 -> P1's three reasons and I1's two
    assert bob["deals"].to_dict() == {"pulled_in": 1, "pushed_out": 1, "amount_up": 0, "amount_down": 1,
                                      "owner_changed": 1, "forecast_category_changed": 1, "skipped_stages": 0}


def test_report_json_gains_reasons(con):
    report = movement_report(con)
    assert report["reasons"]["pushed_out"] == {"deals": 1, "amount": pytest.approx(-200), "value": pytest.approx(800)}
    assert report["reasons"]["amount_up"]["deals"] == 2 and report["reasons"]["amount_up"]["amount"] == 800
    assert set(report["reasons"]) == set(REASONS)
    assert {"from", "to", "counts", "amounts"} <= set(report)  # METRICS.md 7 keys kept
    assert json.loads(json.dumps(report)) == report


def test_no_deal_in_both_snapshots_gives_empty_reasons(tmp_path):
    with store.transaction(tmp_path / "x.duckdb") as writer:
        add_stages(writer)
        add_snapshot(writer, A, [_d("X", "Ann", "Demo", 100, date(2026, 12, 1))])
        add_snapshot(writer, B, [_d("Y", "Ann", "Demo", 100, date(2026, 12, 1))])
    with store.connect(tmp_path / "x.duckdb") as c:
        mv = movement(c, A, B)
        assert mv.reasons()["deals"].tolist() == [0] * len(REASONS)
        assert mv.deals_for_reason("pulled_in").empty
        assert isinstance(mv.reason_deals, pd.DataFrame)

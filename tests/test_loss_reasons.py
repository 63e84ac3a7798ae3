"""Loss reasons (analytics/sales/loss_reasons.py) on a tiny database, every value worked out by hand.

Stages (tests/sales_fixtures.py): Sales: Qualify 1, Demo 2, Proposal 3, Negotiate 4, Closed Won 5, Closed Lost 6.
Two snapshots: A = 2026-10-01 (no loss-reason column), B = 2026-12-31 (with one).

deal  A (stage amount)   B: stage (status)         amount close       reason       stage lost at (source)
L1    -                  Closed Lost                1000   2026-10-15  Price        unknown (only ever lost)
L2    Proposal 2000      Closed Lost                2000   2026-11-20  Competitor   Proposal (snapshots)
L3    Qualify 500        Closed Lost                 500   2026-12-05  " Price "    Qualify (snapshots)
L4    Demo 3000          Closed Lost                3000   2026-09-10  blank        Negotiate (entry dates:
                                                                                     Qualify 08-01, Negotiate 08-20)
L5    -                  Proposal (status lost)      400   2026-11-01  Competitor   Proposal (current stage)
W1    -                  Closed Won                 5000   2026-11-05  Price        - (won: not a lost deal)
O1    Demo 700           Demo                        700   2027-01-15  blank        - (open)
"""
from __future__ import annotations

import json
from datetime import date

import pytest

from analytics import store
from analytics.reports.deals_section import deals_report
from analytics.sales.deals import DealFilter
from analytics.sales.loss_reasons import NO_REASON, loss_reasons, lost_deals
from analytics.store.schema import LOSS_REASON_ATTRIBUTE
from tests.sales_fixtures import add_snapshot, add_stages

A, B = date(2026, 10, 1), date(2026, 12, 31)


def _d(deal_id, stage, amount, close, reason=None, owner="Ann", **extra) -> dict:
    return {"deal_id": deal_id, "owner": owner, "stage": stage, "amount": amount, "close_on": close,
            "created_on": date(2026, 7, 1), **extra}


def _with_reason(deal: dict, reason) -> dict:
    return {**deal, "attrs": {LOSS_REASON_ATTRIBUTE: reason}}


SNAP_A = [
    _d("L2", "Proposal", 2000, date(2026, 12, 1)),
    _d("L3", "Qualify", 500, date(2026, 12, 1)),
    _d("L4", "Demo", 3000, date(2026, 9, 30)),
    _d("O1", "Demo", 700, date(2027, 1, 15)),
]
SNAP_B = [
    _with_reason(_d("L1", "Closed Lost", 1000, date(2026, 10, 15), owner="Bob"), "Price"),
    _with_reason(_d("L2", "Closed Lost", 2000, date(2026, 11, 20)), "Competitor"),
    _with_reason(_d("L3", "Closed Lost", 500, date(2026, 12, 5)), " Price "),
    _with_reason(_d("L4", "Closed Lost", 3000, date(2026, 9, 10),
                    entered={"Qualify": date(2026, 8, 1), "Negotiate": date(2026, 8, 20)}), None),
    _with_reason(_d("L5", "Proposal", 400, date(2026, 11, 1), status_raw="lost", owner="Bob"), "Competitor"),
    _with_reason(_d("W1", "Closed Won", 5000, date(2026, 11, 5)), "Price"),
    _with_reason(_d("O1", "Demo", 700, date(2027, 1, 15)), None),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("loss") / "loss.duckdb"
    with store.transaction(path) as writer:
        add_stages(writer)
        add_snapshot(writer, A, SNAP_A)
        add_snapshot(writer, B, SNAP_B)
    with store.connect(path) as reader:
        yield reader


def test_lost_deals_with_reason_quarter_and_stage_lost_at(con):
    deals = lost_deals(con).set_index("deal_id")
    assert set(deals.index) == {"L1", "L2", "L3", "L4", "L5"}  # W1 won, O1 open
    assert deals["reason"].to_dict() == {"L1": "Price", "L2": "Competitor", "L3": "Price", "L4": NO_REASON,
                                         "L5": "Competitor"}
    assert deals["quarter"].to_dict() == {"L1": "2026-Q4", "L2": "2026-Q4", "L3": "2026-Q4", "L4": "2026-Q3",
                                          "L5": "2026-Q4"}
    stages = {d: (r.stage_lost_at, r.stage_source) for d, r in deals.iterrows()}
    assert stages == {"L1": (None, None), "L2": ("Proposal", "snapshots"), "L3": ("Qualify", "snapshots"),
                      "L4": ("Negotiate", "entry_dates"), "L5": ("Proposal", "current_stage")}


def test_by_reason_counts_values_shares_and_stage(con):
    found = loss_reasons(con)
    # 5 lost deals: 1000 + 2000 + 500 + 3000 + 400 = 6900
    assert (found.lost_count, found.lost_value) == (5, pytest.approx(6900))
    table = found.by_reason
    assert list(table["reason"]) == ["Competitor", "Price", NO_REASON]  # most deals, then value; blank last
    rows = table.set_index("reason")
    assert rows["deals"].to_dict() == {"Competitor": 2, "Price": 2, NO_REASON: 1}
    # Competitor: L2 2000 + L5 400 = 2400; Price: L1 1000 + L3 500 = 1500; blank: L4 3000
    assert rows["value"].to_dict() == pytest.approx({"Competitor": 2400, "Price": 1500, NO_REASON: 3000})
    assert rows["share"].to_dict() == pytest.approx({"Competitor": 2 / 5, "Price": 2 / 5, NO_REASON: 1 / 5})
    assert rows["value_share"].to_dict() == pytest.approx(
        {"Competitor": 2400 / 6900, "Price": 1500 / 6900, NO_REASON: 3000 / 6900})
    # Competitor: both at Proposal; Price: L3 at Qualify (L1 unknown); blank: L4 at Negotiate
    assert rows["top_stage"].to_dict() == {"Competitor": "Proposal", "Price": "Qualify", NO_REASON: "Negotiate"}
    assert rows["top_stage_deals"].to_dict() == {"Competitor": 2, "Price": 1, NO_REASON: 1}


def test_by_stage_keeps_the_unknown_stage(con):
    by_stage = loss_reasons(con).by_stage
    price = by_stage[by_stage["reason"] == "Price"]
    assert [(r.stage_lost_at, r.deals, r.value) for r in price.itertuples()] == [("Qualify", 1, 500),
                                                                               (None, 1, 1000)]


def test_trend_per_quarter(con):
    quarters = loss_reasons(con).by_quarter
    assert [tuple(r) for r in quarters[["quarter", "reason", "deals", "value"]].itertuples(index=False)] == [
        ("2026-Q3", NO_REASON, 1, 3000),          # L4 09-10
        ("2026-Q4", "Competitor", 2, 2400),       # L2 11-20, L5 11-01
        ("2026-Q4", "Price", 2, 1500),            # L1 10-15, L3 12-05
    ]


def test_period_and_filter(con):
    q4 = loss_reasons(con, date_from=date(2026, 10, 1), date_to=date(2026, 12, 31))
    assert (q4.lost_count, q4.lost_value) == (4, pytest.approx(3900))  # L4 (09-10) left out
    bob = loss_reasons(con, flt=DealFilter(owners=("Bob",)))
    assert bob.by_reason.set_index("reason")["deals"].to_dict() == {"Competitor": 1, "Price": 1}  # L5, L1


def test_report_json(con):
    section = deals_report(con)["loss_reasons"]
    assert json.loads(json.dumps(section)) == section
    assert (section["lost_count"], section["lost_value"]) == (5, 6900)
    first = section["reasons"][0]
    assert (first["reason"], first["deals"], first["value"], first["share"]) == ("Competitor", 2, 2400, 0.4)
    assert first["stages"] == [{"pipeline": "Sales", "stage": "Proposal", "deals": 2, "value": 2400}]
    assert section["quarters"][0] == {"quarter": "2026-Q3", "reason": NO_REASON, "deals": 1, "value": 3000}


def test_none_without_a_loss_reason_column(tmp_path):
    with store.transaction(tmp_path / "x.duckdb") as writer:
        add_stages(writer)
        add_snapshot(writer, A, SNAP_A + [_d("L9", "Closed Lost", 100, date(2026, 9, 1))])
    with store.connect(tmp_path / "x.duckdb") as c:
        assert loss_reasons(c) is None
        assert deals_report(c)["loss_reasons"] is None

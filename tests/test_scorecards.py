"""Rep scorecards (analytics/sales/scorecards.py) on a tiny database whose values are worked out by hand.

Pipeline Sales (tests/sales_fixtures.py STAGES: Qualify p .1, Demo .3, Proposal .6, Negotiate .8, Closed Won,
Closed Lost); EUR only. Three full snapshots S1 = 2026-09-15, S2 = 2026-10-15, S3 = 2026-11-20 (as-of date).

deal owner created     S1 (stage amount close)      S2                         S3
A1   Ann   2026-08-20  Proposal 1000 10-10          Closed Won 1000 10-10      = S2
A2   Ann   2026-09-01  Demo 2000 10-01              Demo 2000 11-15 (push)     Closed Won 2000 11-10
A3   Ann   2026-09-10  Qualify 500 09-30            Closed Lost 500 10-05      = S2
A4   Ann   2026-10-31  -                            -                          Qualify 3000 12-20
A5   Ann   2026-11-01  -                            -                          Demo 800 12-31
A6   Ann   2026-07-01  Demo 1500 2027-01-31         = S1                       = S1 (stale)
B1   Bob   2026-08-31  Demo 4000 10-15              Demo 4000 11-15 (push)     Demo 4000 12-15 (push) (stale)
B2   Bob   2026-09-05  Proposal 3500 10-20          Closed Won 3500 10-12      = S2
B3   Bob   2026-09-20  Qualify 1000 11-30           Demo 1000 11-30            Closed Lost 1000 11-10
B4   Bob   2026-11-10  -                            -                          Qualify 600 12-31
B5   Bob   2026-10-01  -                            Negotiate 2500 11-25       = S2 (stale)
C1   Cy    2026-11-12  -                            -                          Qualify 400 12-31
D1   Dee   2026-10-01  -                            Closed Lost 700 10-20      = S2

Quotas: team 2026-12 50000; Ann 2026-12 6000 and 2027-Q1 99999; Bob 2026-Q4 5000 and 2027-Q1 7000;
Cy 2026-12 400; Dee 2027 1000. The next periods after 2026-11-20 are 2026-12, 2027-Q1, 2027.
"""
from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from analytics import store
from analytics.reports.deals_section import deals_report
from analytics.sales.calls import submit_call
from analytics.sales.deals import DealFilter
from analytics.sales.kpis import kpis
from analytics.sales.scorecards import default_window, next_periods, scorecards
from tests.sales_fixtures import add_snapshot, add_stages

S1, S2, S3 = date(2026, 9, 15), date(2026, 10, 15), date(2026, 11, 20)
W = {"date_from": date(2026, 9, 1), "date_to": date(2026, 11, 30)}


def _d(deal_id, owner, created, stage, amount, close) -> dict:
    return {"deal_id": deal_id, "owner": owner, "created_on": created, "stage": stage, "amount": amount,
            "close_on": close}


A1_WON = _d("A1", "Ann", date(2026, 8, 20), "Closed Won", 1000, date(2026, 10, 10))
A3_LOST = _d("A3", "Ann", date(2026, 9, 10), "Closed Lost", 500, date(2026, 10, 5))
A6 = _d("A6", "Ann", date(2026, 7, 1), "Demo", 1500, date(2027, 1, 31))
B2_WON = _d("B2", "Bob", date(2026, 9, 5), "Closed Won", 3500, date(2026, 10, 12))
B5 = _d("B5", "Bob", date(2026, 10, 1), "Negotiate", 2500, date(2026, 11, 25))
D1_LOST = _d("D1", "Dee", date(2026, 10, 1), "Closed Lost", 700, date(2026, 10, 20))

SNAP_1 = [
    _d("A1", "Ann", date(2026, 8, 20), "Proposal", 1000, date(2026, 10, 10)),
    _d("A2", "Ann", date(2026, 9, 1), "Demo", 2000, date(2026, 10, 1)),
    _d("A3", "Ann", date(2026, 9, 10), "Qualify", 500, date(2026, 9, 30)),
    A6,
    _d("B1", "Bob", date(2026, 8, 31), "Demo", 4000, date(2026, 10, 15)),
    _d("B2", "Bob", date(2026, 9, 5), "Proposal", 3500, date(2026, 10, 20)),
    _d("B3", "Bob", date(2026, 9, 20), "Qualify", 1000, date(2026, 11, 30)),
]
SNAP_2 = [
    A1_WON, _d("A2", "Ann", date(2026, 9, 1), "Demo", 2000, date(2026, 11, 15)), A3_LOST, A6,
    _d("B1", "Bob", date(2026, 8, 31), "Demo", 4000, date(2026, 11, 15)), B2_WON,
    _d("B3", "Bob", date(2026, 9, 20), "Demo", 1000, date(2026, 11, 30)), B5, D1_LOST,
]
SNAP_3 = [
    A1_WON, _d("A2", "Ann", date(2026, 9, 1), "Closed Won", 2000, date(2026, 11, 10)), A3_LOST,
    _d("A4", "Ann", date(2026, 10, 31), "Qualify", 3000, date(2026, 12, 20)),
    _d("A5", "Ann", date(2026, 11, 1), "Demo", 800, date(2026, 12, 31)), A6,
    _d("B1", "Bob", date(2026, 8, 31), "Demo", 4000, date(2026, 12, 15)), B2_WON,
    _d("B3", "Bob", date(2026, 9, 20), "Closed Lost", 1000, date(2026, 11, 10)),
    _d("B4", "Bob", date(2026, 11, 10), "Qualify", 600, date(2026, 12, 31)), B5,
    _d("C1", "Cy", date(2026, 11, 12), "Qualify", 400, date(2026, 12, 31)), D1_LOST,
]
QUOTAS = [("2026-12", None, 50000), ("2026-12", "Ann", 6000), ("2027-Q1", "Ann", 99999),
          ("2026-Q4", "Bob", 5000), ("2027-Q1", "Bob", 7000), ("2026-12", "Cy", 400), ("2027", "Dee", 1000)]


def build_scorecard_db(con) -> None:
    add_stages(con)
    con.execute("INSERT INTO settings VALUES ('reporting_currency', '\"EUR\"')")
    for snapshot_on, rows in ((S1, SNAP_1), (S2, SNAP_2), (S3, SNAP_3)):
        add_snapshot(con, snapshot_on, rows)
    con.executemany("INSERT INTO quotas VALUES (?, ?, ?)", QUOTAS)


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    path = tmp_path_factory.mktemp("scorecards") / "scorecards.duckdb"
    with store.transaction(path) as writer:
        build_scorecard_db(writer)
    return path


@pytest.fixture(scope="module")
def con(path):
    with store.connect(path) as reader:
        yield reader


def rows(result) -> dict[str, dict]:
    return {row["owner"]: row for row in result.table.to_dict("records")}


@pytest.fixture(scope="module")
def in_w(con) -> dict[str, dict]:
    return rows(scorecards(con, **W))


def test_one_row_per_active_owner(in_w):
    assert list(in_w) == ["Ann", "Bob", "Cy", "Dee"]


def test_created_count_and_value(in_w):
    # Ann: A2 (09-01), A3, A4, A5 = 4; 2000 + 500 + 3000 + 800 = 6300 (A1 08-20 and A6 07-01 before the window)
    assert (in_w["Ann"]["deals_created"], in_w["Ann"]["pipeline_created"]) == (4, 6300)
    # Bob: B2, B3, B4, B5 = 4; 3500 + 1000 + 600 + 2500 = 7600 (B1 created 08-31)
    assert (in_w["Bob"]["deals_created"], in_w["Bob"]["pipeline_created"]) == (4, 7600)


def test_win_rates_by_count_and_value(in_w):
    ann, bob = in_w["Ann"], in_w["Bob"]
    # Ann closed in the window: A1 won 1000 (10-10), A2 won 2000 (11-10), A3 lost 500 (10-05)
    assert (ann["won"], ann["lost"]) == (2, 1)
    assert ann["win_rate"] == pytest.approx(2 / 3)
    assert ann["win_rate_value"] == pytest.approx(3000 / 3500)
    # Bob: B2 won 3500, B3 lost 1000
    assert bob["win_rate"] == pytest.approx(1 / 2)
    assert bob["win_rate_value"] == pytest.approx(3500 / 4500)
    assert in_w["Dee"]["win_rate"] == 0  # D1 lost: 0 / (0 + 1)


def test_average_won_and_median_cycle(in_w):
    assert in_w["Ann"]["avg_won_amount"] == pytest.approx(1500)  # (1000 + 2000) / 2
    # A1: 10-10 - 08-20 = 51 days; A2: 11-10 - 09-01 = 70 days; median = (51 + 70) / 2
    assert in_w["Ann"]["sales_cycle_days_median"] == pytest.approx(60.5)
    assert in_w["Bob"]["avg_won_amount"] == pytest.approx(3500)
    assert in_w["Bob"]["sales_cycle_days_median"] == pytest.approx(37)  # 10-12 - 09-05


def test_same_numbers_as_the_kpi_tiles(con, in_w):
    tiles = kpis(con, flt=DealFilter(owners=("Ann",)), **W)
    assert in_w["Ann"]["win_rate"] == pytest.approx(tiles.win_rate)
    assert in_w["Ann"]["sales_cycle_days_median"] == pytest.approx(tiles.sales_cycle_days_median)


def test_slips_one_push_and_two_pushes(in_w):
    ann, bob = in_w["Ann"], in_w["Bob"]
    # Ann seen open in S1..S3: A1, A2, A3, A4, A5, A6 = 6; A2 pushed once (10-01 -> 11-15 at S2)
    assert (ann["deals_open_in_window"], ann["slipped_deals"], ann["close_date_pushes"]) == (6, 1, 1)
    assert ann["slip_rate"] == pytest.approx(1 / 6) and ann["pushes_per_deal"] == pytest.approx(1 / 6)
    # Bob seen open: B1, B2, B3, B4, B5 = 5; B1 pushed twice (10-15 -> 11-15 -> 12-15); B3's 11-30 -> 11-10 is
    # its close as lost, not a push
    assert (bob["deals_open_in_window"], bob["slipped_deals"], bob["close_date_pushes"]) == (5, 1, 2)
    assert bob["slip_rate"] == pytest.approx(1 / 5) and bob["pushes_per_deal"] == pytest.approx(2 / 5)
    assert in_w["Dee"]["deals_open_in_window"] == 0 and pd.isna(in_w["Dee"]["slip_rate"])  # never seen open


def test_stale_share_now(in_w):
    # as of 11-20, stale = unchanged stage and amount for 30 days (last change = created_on without a change):
    # Ann open A4 (20 days), A5 (19), A6 (142: stale) -> 1 / 3
    assert (in_w["Ann"]["open_deals_now"], in_w["Ann"]["stale_deals_now"]) == (3, 1)
    assert in_w["Ann"]["stale_share_now"] == pytest.approx(1 / 3)
    # Bob open B1 (81 days: stale), B4 (10), B5 (50: stale) -> 2 / 3
    assert in_w["Bob"]["stale_share_now"] == pytest.approx(2 / 3)
    assert in_w["Cy"]["stale_share_now"] == 0  # C1 created 8 days ago


def test_model_forecast_accuracy_per_owner(in_w):
    # Ann. S1 (09-15): Sep = A3 500 x .1 = 50, won 0 -> error 50 (no % error: nothing won);
    # Oct = A1 1000 x .6 + A2 2000 x .3 = 1200 against 1000 won -> error 200, 20 %.
    # S2 (10-15): Oct = A1 won 1000 + no open deal closing in Oct -> error 0, 0 %.
    assert in_w["Ann"]["model_forecast_error"] == pytest.approx((50 + 200 + 0) / 3)
    assert in_w["Ann"]["model_forecast_abs_pct_error"] == pytest.approx((0.2 + 0) / 2)
    # Bob. S1: Sep 0 vs 0; Oct = B1 4000 x .3 + B2 3500 x .6 = 3300 vs 3500 won -> -200, 200/3500; S2: Oct 3500 -> 0
    assert in_w["Bob"]["model_forecast_error"] == pytest.approx(-200 / 3)
    assert in_w["Bob"]["model_forecast_abs_pct_error"] == pytest.approx(200 / 3500 / 2)


def test_without_calls_the_call_error_is_empty(in_w):
    assert all(row["call_abs_pct_error"] is None for row in in_w.values())


def test_call_error_over_the_periods_over_in_the_window(path, tmp_path):
    copy = tmp_path / "calls.duckdb"
    shutil.copy(path, copy)
    with store.transaction(copy) as writer:
        submit_call(writer, "owner", "Ann", "2026-10", 1200, 1500, date(2026, 10, 1))
        submit_call(writer, "owner", "Ann", "2026-09", 300, 400, date(2026, 9, 2))   # nothing won in Sep: undefined
        submit_call(writer, "owner", "Bob", "2026-10", 3000, 4000, date(2026, 10, 2))
        submit_call(writer, "owner", "Bob", "2026-11", 9999, 9999, date(2026, 11, 2))  # not over on 11-20
    with store.connect(copy) as reader:
        found = rows(scorecards(reader, **W))
    # October is over on S3 (11-20). Ann won A1 1000 in Oct: |1200 - 1000| / 1000 = 0.2 (Sep left out: won 0).
    # Bob won B2 3500 in Oct: |3000 - 3500| / 3500 = 1/7. November is not over. Cy and Dee called nothing.
    assert found["Ann"]["call_abs_pct_error"] == pytest.approx(0.2)
    assert found["Bob"]["call_abs_pct_error"] == pytest.approx(1 / 7)
    assert found["Cy"]["call_abs_pct_error"] is None
    with store.connect(copy) as reader:  # a window starting in November holds no period that is over
        later = rows(scorecards(reader, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30)))
    assert later["Bob"]["call_abs_pct_error"] is None


def test_pipeline_needed_from_the_next_quota(in_w):
    assert next_periods(S3) == ("2026-12", "2027-Q1", "2027")
    # Ann: the 2026-12 quota (the month before the quarter), all-time win rate by value 3000 / 3500
    assert (in_w["Ann"]["quota_period"], in_w["Ann"]["quota_next"]) == ("2026-12", 6000)
    assert in_w["Ann"]["pipeline_needed"] == pytest.approx(6000 / (3000 / 3500))  # = 7000
    # Bob: 2027-Q1 (2026-Q4 is the current quarter), 7000 / (3500 / 4500) = 9000
    assert in_w["Bob"]["quota_period"] == "2027-Q1"
    assert in_w["Bob"]["pipeline_needed"] == pytest.approx(9000)
    assert pd.isna(in_w["Cy"]["pipeline_needed"]) and in_w["Cy"]["coverage_reason"] == "no_closed_deals"
    assert in_w["Dee"]["coverage_reason"] == "no_won_value"  # only D1, lost
    assert in_w["Ann"]["coverage_reason"] is None


def test_without_quota_the_reason_says_so(path, tmp_path):
    copy = tmp_path / "no_quota.duckdb"
    shutil.copy(path, copy)
    with store.transaction(copy) as writer:
        writer.execute("DELETE FROM quotas")
    with store.connect(copy) as reader:
        table = scorecards(reader, **W).table
    assert set(table["coverage_reason"]) == {"no_quota"}
    assert table["pipeline_needed"].isna().all()


def test_few_closed_deals_are_marked_not_hidden(con):
    marked = rows(scorecards(con, min_closed=3, **W))
    # closed in the window: Ann 3, Bob 2, Cy 0, Dee 1
    assert {owner: row["note"] for owner, row in marked.items()} == {
        "Ann": None, "Bob": "few_closed_deals", "Cy": "few_closed_deals", "Dee": "few_closed_deals"}


def test_window_boundaries_are_inclusive(con):
    october = rows(scorecards(con, date_from=date(2026, 9, 1), date_to=date(2026, 10, 31)))
    # created: Ann A2 (09-01, first day), A3, A4 (10-31, last day) = 3, A5 (11-01) out; Bob B2, B3, B5 = 3
    assert october["Ann"]["deals_created"] == 3 and october["Bob"]["deals_created"] == 3
    # closed: Ann A1 won (10-10), A3 lost; A2 (11-10) out. Bob B2 won; B3 (11-10) out
    assert (october["Ann"]["won"], october["Ann"]["lost"]) == (1, 1)
    assert (october["Bob"]["won"], october["Bob"]["lost"], october["Bob"]["win_rate"]) == (1, 0, 1.0)
    # S1 and S2 in the window: A2's push and B1's first push; open: A1, A2, A3, A6 and B1, B2, B3, B5
    assert (october["Ann"]["close_date_pushes"], october["Ann"]["deals_open_in_window"]) == (1, 4)
    assert (october["Bob"]["close_date_pushes"], october["Bob"]["deals_open_in_window"]) == (1, 4)
    # Cy created, closed and had nothing open in the window, but C1 is open now: listed with zeros
    assert (october["Cy"]["deals_created"], october["Cy"]["open_deals_now"]) == (0, 1)


def test_push_counts_in_the_window_of_its_later_snapshot(con):
    late = rows(scorecards(con, date_from=date(2026, 10, 16), date_to=date(2026, 11, 30)))
    # only S3 is in the window: A2's push (seen at S2) is out, B1's second push (seen at S3) is in
    assert late["Ann"]["close_date_pushes"] == 0
    assert late["Bob"]["close_date_pushes"] == 1


def test_default_window_is_the_last_six_complete_months(con):
    assert default_window(S3) == (date(2026, 5, 1), date(2026, 10, 31))
    assert default_window(date(2027, 1, 1)) == (date(2026, 7, 1), date(2026, 12, 31))
    result = scorecards(con)
    assert (result.window_from, result.window_to) == (date(2026, 5, 1), date(2026, 10, 31))
    assert result.snapshots_in_window == 2  # S1 09-15 and S2 10-15; S3 11-20 is after
    # created 05-01 .. 10-31: Ann A1, A2, A3, A4, A6 = 5; Bob B1, B2, B3, B5 = 4
    assert rows(result)["Ann"]["deals_created"] == 5 and rows(result)["Bob"]["deals_created"] == 4


def test_report_json_scorecards(con):
    report = deals_report(con)
    cards = report["scorecards"]
    assert [c["owner"] for c in cards] == ["Ann", "Bob", "Cy", "Dee"]
    assert cards[0]["deals_created"] == 5 and cards[0]["window_from"] == "2026-05-01"
    assert cards[0]["pipeline_needed"] == pytest.approx(7000)
    assert cards[2]["win_rate"] is None  # Cy closed nothing: null, not NaN


def test_report_json_scorecards_null_without_owner(tmp_path):
    path = tmp_path / "no_owner.duckdb"
    with store.transaction(path) as writer:
        add_stages(writer)
        add_snapshot(writer, S3, [_d("X1", None, date(2026, 11, 1), "Demo", 100, date(2026, 12, 1))])
    with store.connect(path) as reader:
        assert deals_report(reader)["scorecards"] is None

"""Sales metrics (METRICS.md 3-4, 7) on tiny databases whose expected values are worked out by hand.

The reference database is described deal by deal in tests/sales_fixtures.py; as-of date 2026-11-20.
Values in EUR; USD deals count at 0.5; B5 (GBP, no rate) is left out of every value sum.
"""
from __future__ import annotations

import json
from datetime import date

import duckdb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import store
from analytics.reports.deals_section import deals_report
from analytics.sales import forecast as forecast_mod
from analytics.sales.deals import DealFilter
from analytics.sales.forecast import forecast_by_month, simulated_totals
from analytics.sales.funnel import funnel, main_pipeline
from analytics.sales.inventory import REASON_CODES, calibration, hygiene, open_inventory, stale_deals
from analytics.sales.kpis import kpi_deltas, kpis, win_rates
from analytics.sales.stage_time import age_in_stage, days_in_stage, days_in_stage_median, days_in_stage_summary
from analytics.store import schema
from tests.sales_fixtures import S1, S2, add_snapshot, add_stages, build_sales_db, read_db

NOV = {"date_from": date(2026, 11, 1), "date_to": date(2026, 11, 30)}
BOB = DealFilter(owners=("Bob",))
ANN = DealFilter(owners=("Ann",))
PARTNERS = DealFilter(pipelines=("Partners",))
ENT = DealFilter(attributes=(("segment", ("ENT",)),))


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    with read_db(tmp_path_factory.mktemp("sales") / "sales.duckdb", build_sales_db) as reader:
        yield reader


@pytest.fixture
def fresh(tmp_path):
    """A reference database of the test's own, which the test may change."""
    with store.transaction(tmp_path / "fresh.duckdb") as writer:
        build_sales_db(writer)
        yield writer


@pytest.fixture
def empty(tmp_path):
    with store.connect(tmp_path / "empty.duckdb") as c:
        yield c


def steps(frame) -> list[tuple]:
    return [(r.stage, r.reached, r.reached_amount) for r in frame.itertuples()]


# --- KPIs -----------------------------------------------------------------------------------------

def test_kpis_are_the_current_state(con):
    k = kpis(con)
    assert k.as_of == S2 and k.currency == "EUR"
    # open: A1-A6, B4, B5, C3, P1, P2 = 11 (B7 dropped while open is not open)
    assert k.open_count == 11
    # 1000 + 2000 + 1200 + 200 + 10000 + B4 2000 USD x 0.5 + 600 + 5000 + 3000; A4 blank, B5 GBP left out
    assert k.open_amount == pytest.approx(24000)
    # 600 + 1000 (A2 exported p 0.5) + 960 + 20 + 3000 + 300 + 60 + 1000 + 1500
    assert k.weighted_amount == pytest.approx(8440)
    # won B1, B6, C1, P3 + B8 (dropped after it was won keeps its outcome); lost B2, B3, C2
    assert (k.won_count, k.lost_count) == (5, 3)
    assert (k.excluded_other_currency, k.unknown_amount) == (1, 1)  # B5 (GBP), A4 (blank)


def test_win_rate_cycle_and_velocity_all_time(con):
    k = kpis(con)
    assert k.win_rate == pytest.approx(5 / 8)
    # won 3000 + 4000 + 500 + 4000 + 2500 = 14000; lost 1500 + 800 + 2000 = 4300
    assert k.win_rate_value == pytest.approx(14000 / 18300)
    assert k.avg_won_amount == pytest.approx(2800)
    # cycles: B1 61, C1 48, P3 61, B8 76 days; B6 has no created_on
    assert k.sales_cycle_days_median == pytest.approx(61)
    assert k.sales_cycle_days_mean == pytest.approx(61.5)
    assert k.pipeline_velocity_per_day == pytest.approx(11 * 0.625 * 2800 / 61.5)


def test_period_applies_to_deals_closed_in_it(con):
    k = kpis(con, **NOV)
    # closed in November: won B1, B6, C1, P3 (11500), lost B2, B3 (2300); C2 (Sept) and B8 (Oct) out
    assert k.win_rate == pytest.approx(4 / 6)
    assert k.win_rate_value == pytest.approx(11500 / 13800)
    assert k.avg_won_amount == pytest.approx(2875)
    assert k.sales_cycle_days_median == pytest.approx(61)          # 48, 61, 61
    assert k.sales_cycle_days_mean == pytest.approx(170 / 3)
    assert (k.won_count, k.lost_count, k.open_count) == (5, 3, 11)  # counts stay the current state


def test_filters_by_owner_pipeline_and_attribute(con):
    bob = kpis(con, flt=BOB)
    # open B4 (1000) and B5 (GBP); won B1, B6, B8; lost B2, B3
    assert (bob.open_count, bob.open_amount, bob.won_count, bob.lost_count) == (2, 1000, 3, 2)
    assert bob.win_rate == pytest.approx(3 / 5)
    partners = kpis(con, flt=PARTNERS)
    assert (partners.open_count, partners.open_amount, partners.won_count) == (2, 8000, 1)
    ent = kpis(con, flt=ENT)  # A2, A6, B4, P1 open; B1 won
    assert (ent.open_count, ent.open_amount, ent.won_count) == (4, 18000, 1)


def test_currency_without_rate_is_left_out_of_sums(fresh):
    fresh.execute("DELETE FROM fx_rates")
    k = kpis(fresh)
    assert k.open_amount == pytest.approx(23000)         # B4 (USD) no longer counts
    assert k.excluded_other_currency == 3                # B4, B5 and the won C1
    assert k.avg_won_amount == pytest.approx(13500 / 4)  # won values without C1


def test_reporting_currency_defaults_to_the_most_common(fresh):
    fresh.execute("DELETE FROM settings")
    k = kpis(fresh)
    assert k.currency == "EUR" and k.open_amount == pytest.approx(24000)


def test_kpi_deltas_against_the_previous_snapshot(con):
    deltas = kpi_deltas(con)
    assert deltas.previous.as_of == S1
    # as of S1: open A1, A2, A3, A4, A6, B1, B2, B4, B5, B6, B7, C1, P1, P2, P3 = 15; won B8; lost C2
    assert (deltas.previous.open_count, deltas.previous.won_count, deltas.previous.lost_count) == (15, 1, 1)
    # 1000 + 2000 + 1200 + 8000 + 3000 + 1500 + 1000 + 4000 + 700 + 500 + 5000 + 3000 + 4000
    assert deltas.previous.open_amount == pytest.approx(34900)
    assert deltas.changes["open_count"] == -4
    assert deltas.changes["open_amount"] == pytest.approx(24000 - 34900)
    assert deltas.changes["won_count"] == 4


def test_kpi_deltas_with_one_snapshot(con):
    deltas = kpi_deltas(con, as_of=S1)
    assert deltas.current.as_of == S1 and deltas.previous is None
    assert deltas.changes["open_count"] is None


# --- win rates --------------------------------------------------------------------------------------

def test_win_rates_by_owner(con):
    rows = win_rates(con, by="owner").set_index("group")
    assert list(rows.index) == ["Ann", "Bob", "Cy", "Dee"]
    assert rows.loc["Ann", "won"] == 0 and np.isnan(rows.loc["Ann", "win_rate"])
    bob = rows.loc["Bob"]
    assert (bob.won, bob.lost, bob.open_count) == (3, 2, 2)
    assert bob.win_rate_value == pytest.approx(9500 / 11800)
    assert bob.sales_cycle_days_mean == pytest.approx((61 + 76) / 2)
    # 2 open x 0.6 x 9500/3 / 68.5 days
    assert bob.pipeline_velocity_per_day == pytest.approx(2 * 0.6 * 9500 / 3 / 68.5)
    assert rows.loc["Cy", "win_rate_value"] == pytest.approx(500 / 2500)


def test_win_rates_by_month_and_quarter(con):
    months = win_rates(con, period="month")
    # Sept: C2 lost; Oct: B8 won; Nov: 4 won, 2 lost
    assert list(months.period) == ["2026-09", "2026-10", "2026-11"]
    assert list(months.won) == [0, 1, 4] and list(months.lost) == [1, 0, 2]
    assert list(months.win_rate) == pytest.approx([0, 1, 4 / 6])
    quarters = win_rates(con, period="quarter")
    assert list(quarters.period) == ["2026-Q3", "2026-Q4"]
    assert list(quarters.win_rate) == pytest.approx([0, 5 / 7])
    by_owner_month = win_rates(con, by="owner", period="month")
    assert set(by_owner_month.columns) >= {"group", "period", "win_rate"}


# --- funnel -------------------------------------------------------------------------------------------

def test_funnel_cumulative(con):
    frame = funnel(con)
    # cohort (Sales, created_on known, not dropped while open): A1-A6, B1-B5, B8, C1-C3 = 15
    # reached positions: A1 3, A2 2, A3 4, A4 1, A5 1, A6 2, B1 won, B2 3 (S1 at Proposal), B3 1 (lost,
    # unknown), B4 2, B5 3, B8 won, C1 won, C2 2 (entry dates of the S1 import), C3 1
    assert set(frame.pipeline) == {"Sales"}
    assert steps(frame) == [("Qualify", 15, 26300), ("Demo", 11, 24700), ("Proposal", 7, 9700),
                            ("Negotiate", 4, 7200), ("Won", 3, 6000)]
    assert list(frame.conversion_to_next[:4]) == pytest.approx([11 / 15, 7 / 11, 4 / 7, 3 / 4])
    assert np.isnan(frame.conversion_to_next.iloc[4])
    assert list(frame.cumulative_conversion) == pytest.approx([1, 11 / 15, 7 / 15, 4 / 15, 3 / 15])


def test_lost_deal_reaches_its_last_known_stage_only(con):
    # B2 (created 09-15) was at Proposal in S1 then lost: Qualify..Proposal
    b2 = funnel(con, date_from=date(2026, 9, 15), date_to=date(2026, 9, 15))
    assert list(b2.reached) == [1, 1, 1, 0, 0]
    # B3 (created 10-20) appears lost with no history: the first stage only
    b3 = funnel(con, date_from=date(2026, 10, 20), date_to=date(2026, 10, 20))
    assert list(b3.reached) == [1, 0, 0, 0, 0]


def test_strict_funnel_differs_on_the_skipped_stage(con):
    # A3 (Ann, created 10-01) entered Qualify, Proposal, Negotiate and skipped Demo
    only_a3 = {"flt": ANN, "date_from": date(2026, 10, 1), "date_to": date(2026, 10, 1)}
    assert list(funnel(con, **only_a3).reached) == [1, 1, 1, 1, 0]
    assert list(funnel(con, strict=True, **only_a3).reached) == [1, 0, 0, 0, 0]


def test_strict_funnel(con):
    # entry known for Qualify and every later stage in order: Qualify: A3, A4, A5, B1, B5, C2, C3;
    # Demo: B1, C2; Proposal, Negotiate and Won: B1
    assert steps(funnel(con, strict=True)) == [("Qualify", 7, 7000), ("Demo", 2, 5000), ("Proposal", 1, 3000),
                                               ("Negotiate", 1, 3000), ("Won", 1, 3000)]


def test_funnel_cohort_is_deals_created_in_the_period(con):
    # created in October, Sales: A3 (4), A4 (1), B3 (1), B4 (2), B5 (3), C1 (won)
    frame = funnel(con, date_from=date(2026, 10, 1), date_to=date(2026, 10, 31))
    assert list(frame.reached) == [6, 4, 3, 2, 1]


def test_funnel_by_owner(con):
    frame = funnel(con, by="owner")
    by_owner = {g: list(rows.reached) for g, rows in frame.groupby("group")}
    assert by_owner == {"Ann": [6, 4, 2, 1, 0], "Bob": [6, 5, 4, 2, 2], "Cy": [3, 2, 1, 1, 1]}


def test_funnel_by_pipeline_uses_each_pipelines_stages(con):
    frame = funnel(con, by="pipeline")
    partners = frame[frame.group == "Partners"]
    # P1 Intro, P2 Contract (S2), P3 won
    assert steps(partners) == [("Intro", 3, 12000), ("Contract", 2, 7000), ("Won", 1, 4000)]
    assert list(frame[frame.group == "Sales"].reached) == [15, 11, 7, 4, 3]


def test_funnel_by_attribute_and_filters(con):
    frame = funnel(con, by="segment")
    assert list(frame[frame.group == "ENT"].reached) == [4, 4, 1, 1, 1]  # A2, A6, B1, B4
    assert list(frame[frame.group == "SMB"].reached) == [11, 7, 6, 3, 2]
    assert list(funnel(con, flt=ENT).reached) == [4, 4, 1, 1, 1]
    assert list(funnel(con, flt=BOB).reached) == [6, 5, 4, 2, 2]


def test_funnel_pipeline_choice(con):
    assert main_pipeline(con) == "Sales"
    assert main_pipeline(con, flt=DealFilter(owners=("Dee",))) == "Partners"
    assert list(funnel(con, "Partners").stage) == ["Intro", "Contract", "Won"]
    assert list(funnel(con, flt=PARTNERS).pipeline.unique()) == ["Partners"]


def test_hostile_attribute_name_is_a_value_not_sql(con):
    frame = funnel(con, by="segment') OR 1=1 --")
    assert set(frame.group) == {"(blank)"} and frame.reached.iloc[0] == 15


def assert_funnel_invariants(frame):
    for _, rows in frame.groupby(["pipeline", "group"] if "group" in frame else ["pipeline"]):
        reached = list(rows.reached)
        assert all(a >= b for a, b in zip(reached, reached[1:], strict=False)), reached
        conversions = rows[["conversion_to_next", "cumulative_conversion"]].stack().dropna()
        assert ((conversions >= 0) & (conversions <= 1)).all()


@pytest.mark.parametrize("args", [{}, {"strict": True}, {"by": "owner"}, {"by": "pipeline", "strict": True},
                                  {"by": "segment"}, {"date_from": date(2026, 10, 1)}])
def test_funnel_invariants_on_the_reference_db(con, args):
    assert_funnel_invariants(funnel(con, **args))


_deal_rows = st.lists(st.tuples(st.sampled_from(["Qualify", "Demo", "Proposal", "Negotiate", "Closed Won",
                                                 "Closed Lost"]),
                                st.sampled_from(["Qualify", "Demo", "Proposal", "Negotiate", "Closed Won",
                                                 "Closed Lost", None]),
                                st.booleans(), st.integers(0, 60)),
                      min_size=1, max_size=12)


@settings(max_examples=30, deadline=None)
@given(rows=_deal_rows, strict=st.booleans())
def test_funnel_invariants_on_random_histories(rows, strict):
    # each deal: current stage, an earlier snapshot's stage (or none), whether it has an entry date, age
    c = duckdb.connect()
    c.execute(schema.SCHEMA_V1)
    add_stages(c)
    earlier, now = [], []
    for n, (stage, before, dated, age) in enumerate(rows):
        deal = {"deal_id": f"D{n}", "stage": stage, "amount": 100.0 * n, "created_on": date(2026, 9, 1)}
        if dated:
            deal["entered"] = {"Demo": date(2026, 9, 1 + age % 28)}
        now.append(deal)
        if before:
            earlier.append({**deal, "stage": before, "entered": {}})
    add_snapshot(c, S1, earlier, partial=True)
    add_snapshot(c, S2, now)
    frame = funnel(c, strict=strict)
    assert_funnel_invariants(frame)
    if not strict:
        assert frame.reached.iloc[0] == len(rows)  # every deal of the cohort reached the first stage


# --- days in stage and age ----------------------------------------------------------------------------

def test_days_in_stage_from_entry_dates_and_snapshots(con):
    rows = days_in_stage(con, "Sales").set_index(["deal_id", "stage"])
    # A3 entered Qualify 10-01, Proposal 10-10 (skipping Demo), Negotiate 10-25: exact dates
    assert rows.loc[("A3", "Qualify"), "days"] == 9 and not rows.loc[("A3", "Qualify"), "inferred"]
    assert rows.loc[("A3", "Proposal"), "days"] == 15
    # A1 was seen at Demo on S1 and at Proposal on S2: 18 days, snapshot precision
    assert rows.loc[("A1", "Demo"), "days"] == 18 and rows.loc[("A1", "Demo"), "inferred"]
    # B1's last stage before winning: Negotiate 10-20 -> close 11-10
    assert rows.loc[("B1", "Negotiate"), "days"] == 21
    # C2's entry dates come from the older import only; its last stage ends at its close (lost 09-30)
    assert rows.loc[("C2", "Qualify"), "days"] == 31 and rows.loc[("C2", "Demo"), "days"] == 60
    # B2 seen at Proposal on S1, lost on 11-12
    assert rows.loc[("B2", "Proposal"), "days"] == 10
    assert ("A3", "Negotiate") not in rows.index  # open deal's current stage: age, not days in stage
    assert len(rows) == 13


def test_days_in_stage_median(con):
    # Qualify: A3 9, B1 10, B5 18, C2 31; Demo: A1 18, B1 15, C2 60; Proposal: A3 15, B1 15, B2 10, C1 16;
    # Negotiate: B1 21, B6 3
    assert days_in_stage_median(con) == {"Qualify": 14, "Demo": 18, "Proposal": 15, "Negotiate": 12}
    # stays that ended in November: Qualify B5 18; Demo A1 18; Proposal B2 10, C1 16; Negotiate B1 21, B6 3
    assert days_in_stage_median(con, **NOV) == {"Qualify": 18, "Demo": 18, "Proposal": 13, "Negotiate": 12}
    assert days_in_stage_median(con, "Partners", date_to=date(2026, 10, 31)) == {"Intro": None, "Contract": None}


def test_days_in_stage_summary_quartiles_and_whiskers(con):
    # the stays of test_days_in_stage_median; quartile q at rank h = (n - 1) q from 0, interpolated linearly
    boxes = days_in_stage_summary(con, "Sales").set_index("stage")
    got = {stage: tuple(row) for stage, row in
           boxes[["stays", "q1", "median", "q3", "lower_fence", "upper_fence"]].iterrows()}
    assert list(boxes.index) == ["Qualify", "Demo", "Proposal", "Negotiate"]
    # Qualify 9 10 18 31: q1 h=0.75 9+1x0.75; median h=1.5 10+8x0.5; q3 h=2.25 18+13x0.25; IQR 11.5, fences
    # 9.75-17.25 and 21.25+17.25 = 38.5 keep every stay
    assert got["Qualify"] == (4, 9.75, 14.0, 21.25, 9, 31)
    # Demo 15 18 60: q1 h=0.5 15+3x0.5; median 18; q3 h=1.5 18+42x0.5; IQR 22.5, upper 39+33.75 keeps 60
    assert got["Demo"] == (3, 16.5, 18.0, 39.0, 15, 60)
    # Proposal 10 15 15 16: q1 h=0.75 10+5x0.75; median h=1.5 15; q3 h=2.25 15+1x0.25; IQR 1.5: lower whisker
    # >= 13.75-2.25 = 11.5 leaves 10 out (smallest stay within: 15), upper <= 17.5 keeps 16
    assert got["Proposal"] == (4, 13.75, 15.0, 15.25, 15, 16)
    # Negotiate 3 21: q1 h=0.25 3+18x0.25; median 12; q3 h=0.75 3+18x0.75; IQR 9 keeps both
    assert got["Negotiate"] == (2, 7.5, 12.0, 16.5, 3, 21)
    assert boxes.loc["Demo", "inferred"]  # A1 seen at Demo and at Proposal on snapshots

def test_age_in_stage(con):
    ages = age_in_stage(con).set_index("deal_id")
    assert len(ages) == 11
    assert ages.loc["A2", "age_days"] == 61 and not ages.loc["A2", "inferred"]  # entered Demo 09-20
    assert ages.loc["A3", "age_days"] == 26                                      # entered Negotiate 10-25
    assert ages.loc["A6", "age_days"] == 18 and ages.loc["A6", "inferred"]       # first seen at Demo on S1
    assert ages.loc["A1", "age_days"] == 0                                       # reached Proposal on S2
    assert list(age_in_stage(con, "Partners").deal_id) == ["P1", "P2"]


# --- inventory, hygiene, calibration ------------------------------------------------------------------

def test_open_inventory_by_stage(con):
    frame = open_inventory(con)
    got = [(r.pipeline, r.stage, r.count, r.amount, r.weighted) for r in frame.itertuples()]
    assert got == [("Partners", "Intro", 1, 5000, 1000), ("Partners", "Contract", 1, 3000, 1500),
                   ("Sales", "Qualify", 3, 800, 80),             # A4 (blank), A5 200, C3 600
                   ("Sales", "Demo", 3, 13000, 4300),            # A2 2000 x 0.5 (exported), A6, B4 x 0.3
                   ("Sales", "Proposal", 2, 1000, 600),          # A1, B5 (GBP, left out of sums)
                   ("Sales", "Negotiate", 1, 1200, 960)]
    # deals with a known value: Qualify 2 of 3 (A4 blank), Proposal 1 of 2 (B5 in GBP has no value), others all
    assert frame["valued"].tolist() == [1, 1, 2, 3, 1, 1]


def test_open_inventory_by_owner_and_close_month(con):
    owners = open_inventory(con, by="owner").set_index("owner")
    assert owners.loc["Ann", "count"] == 6 and owners.loc["Ann", "amount"] == 14400
    assert owners.loc["Ann", "weighted"] == pytest.approx(5580)
    months = open_inventory(con, by="close_month")
    assert list(months.close_month[:4]) == ["2026-10", "2026-11", "2026-12", "2027-01"]
    assert list(months["count"]) == [1, 2, 5, 2, 1]                    # A5 has no close date
    both = open_inventory(con, by=("stage", "close_month"))
    assert both["count"].sum() == 11
    in_december = open_inventory(con, by="pipeline", date_from=date(2026, 12, 1), date_to=date(2026, 12, 31))
    assert list(in_december.amount) == [5000, 4200]                    # P1; A2 + A3 + B4 (A4 blank)
    with pytest.raises(ValueError):
        open_inventory(con, by="colour")


def test_hygiene_lists(con):
    lists = hygiene(con)
    # unchanged since: A2 entered Demo 09-20 (61 d), P1 created 10-01 (50), B4 created 10-05 (46),
    # A4 created 10-15 (36); A3 entered Negotiate 10-25 (26) is not stale; A1, A6, B5, P2 changed on S2
    stale = lists["stale"]
    assert list(stale.deal_id) == ["A2", "P1", "B4", "A4"]
    assert list(stale.days_unchanged) == [61, 50, 46, 36]
    assert list(hygiene(con, stale_days=40)["stale"].deal_id) == ["A2", "P1", "B4"]
    # C3 closes on the snapshot day: not past due
    assert list(lists["past_due"].deal_id) == ["A6"] and lists["past_due"].days_past_due.iloc[0] == 20
    missing = lists["missing"].set_index("deal_id").reason_code.to_dict()
    assert missing == {"A4": "missing_amount", "A5": "missing_close_date"}
    # Ann's open values 1000, 2000, 1200, 200, 10000: median 1200; > 6000 or < 240 is far out.
    # Bob has one open deal of known value: not judged.
    outliers = lists["outliers"].set_index("deal_id")
    assert list(outliers.index) == ["A6", "A5"]
    assert outliers.loc["A6", "ratio_to_median"] == pytest.approx(10000 / 1200)
    assert outliers["reason_code"].to_dict() == {"A6": "outlier_high", "A5": "outlier_low"}
    assert set(stale["reason_code"]) == {"stale"} and list(lists["past_due"].reason_code) == ["past_due"]
    for frame in lists.values():
        assert {"deal_id", "name", "owner", "pipeline", "stage", "amount", "close_on", "reason_code"} <= set(frame)
        assert set(frame["reason_code"]) <= set(REASON_CODES) and "reason" not in frame
    assert list(hygiene(con, flt=BOB)["stale"].deal_id) == ["B4"]


def test_stale_deals_alone_is_the_stale_hygiene_list(con):
    # the same hand-worked days as test_hygiene_lists: A2 61, P1 50, B4 46, A4 36 (>= 30); >= 40 drops A4;
    # Bob's only stale deal is B4
    stale = stale_deals(con)
    assert list(stale.deal_id) == ["A2", "P1", "B4", "A4"] and list(stale.days_unchanged) == [61, 50, 46, 36]
    assert list(stale_deals(con, stale_days=40).deal_id) == ["A2", "P1", "B4"]
    assert list(stale_deals(con, flt=BOB).deal_id) == ["B4"]
    assert list(stale.columns) == list(hygiene(con)["stale"].columns)


def test_stale_with_one_snapshot_uses_stage_entry_then_created(tmp_path):
    with store.transaction(tmp_path / "one.duckdb") as c:
        add_stages(c)
        add_snapshot(c, S2, [
            {"deal_id": "X", "stage": "Demo", "amount": 1.0, "created_on": date(2026, 8, 1),
             "entered": {"Qualify": date(2026, 8, 1), "Demo": date(2026, 11, 1)}},   # 19 days in Demo
            {"deal_id": "Y", "stage": "Demo", "amount": 1.0, "created_on": date(2026, 9, 1)},  # 80 days
            {"deal_id": "Z", "stage": "Demo", "amount": 1.0}])                        # first seen S2: 0
        stale = hygiene(c)["stale"]
    assert list(stale.deal_id) == ["Y"] and stale.days_unchanged.iloc[0] == 80


def test_calibration(con):
    frame = calibration(con)
    # closed Sales deals: won B1, B6, C1, B8 reached every stage; lost B2 up to Proposal, C2 up to Demo,
    # B3 Qualify only
    assert list(frame.closed_reached) == [7, 6, 5, 4]
    assert list(frame.won_reached) == [4, 4, 4, 4]
    assert list(frame.historical_probability) == pytest.approx([4 / 7, 4 / 6, 4 / 5, 1])
    assert list(frame.configured_probability) == pytest.approx([0.1, 0.3, 0.6, 0.8])
    assert list(calibration(con, "Partners").historical_probability) == [1, 1]


# --- forecast -----------------------------------------------------------------------------------------

def test_forecast_by_month(con):
    result = forecast_by_month(con)
    months = result.months.set_index("period")
    assert list(months.index) == ["2026-11", "2026-12", "2027-01"]
    # November: won B1 3000 + B6 4000 + C1 500 + P3 4000; open A1 (closes Nov 30) 1000 x 0.6,
    # A6 (past due, moved to the as-of month) 10000 x 0.3, C3 600 x 0.1
    assert months.loc["2026-11", "won_amount"] == pytest.approx(11500)
    assert months.loc["2026-11", "expected"] == pytest.approx(3660)
    # December: A2 (closes Dec 1) 2000 x 0.5 + A3 1200 x 0.8 + B4 1000 x 0.3 + P1 5000 x 0.2
    assert months.loc["2026-12", "expected"] == pytest.approx(3260)
    assert months.loc["2027-01", "expected"] == pytest.approx(1500)      # P2 3000 x 0.5
    assert (result.no_close_date, result.past_due_in_first_month) == (1, 1)  # A5; A6
    assert list(months.open_count) == [3, 4, 1]                          # A4 and B5 have no value


def test_forecast_percentiles(con):
    months = forecast_by_month(con).months.set_index("period")
    assert (months.p10 <= months.p50).all() and (months.p50 <= months.p90).all()
    # January: P2 wins 3000 with p 0.5, else nothing
    assert (months.loc["2027-01", "p10"], months.loc["2027-01", "p90"]) == (0, 3000)
    # November on top of 11500 won: nothing else with p .4 x .7 x .9 = 0.252 -> P10 = 11500; A1 alone
    # (.6 x .7 x .9 = .378) brings the cumulative to .658 -> P50 = 12500; A6 + A1 without C3 covers
    # the 82nd-98th percentiles -> P90 = 11500 + 11000
    assert tuple(months.loc["2026-11", ["p10", "p50", "p90"]]) == (11500, 12500, 22500)
    assert forecast_by_month(con).months.equals(forecast_by_month(con).months)  # fixed seed


def test_forecast_normal_method(con, monkeypatch):
    monkeypatch.setattr(forecast_mod, "EXACT_MAX_DEALS", 0)
    november = forecast_by_month(con).months.iloc[0]
    # variance = 1000^2 x .24 + 10000^2 x .21 + 600^2 x .09 = 21,272,400; sd = 4612.2
    spread = 1.2815515655446004 * 21_272_400 ** 0.5
    assert november.method == "normal"
    assert november.p50 == pytest.approx(11500 + 3660)
    assert november.p90 == pytest.approx(11500 + 3660 + spread)
    assert november.p10 == pytest.approx(11500)  # 3660 - 5911 is floored at 0


def test_simulated_mean_is_the_expected_value():
    rng = np.random.default_rng(7)
    values, probabilities = rng.uniform(100, 10_000, 500), rng.uniform(0, 1, 500)
    totals = simulated_totals(values, probabilities, np.random.default_rng(42), 10_000)
    expected = float(values @ probabilities)
    assert abs(totals.mean() - expected) < 0.01 * expected
    assert len(totals) == 10_000


def test_forecast_calibrated_probabilities(con):
    november = forecast_by_month(con, probability="calibrated").months.iloc[0]
    # historical: A1 at Proposal 4/5, A6 at Demo 4/6, C3 at Qualify 4/7
    assert november.expected == pytest.approx(1000 * 4 / 5 + 10000 * 4 / 6 + 600 * 4 / 7)


# --- report ---------------------------------------------------------------------------------------------

REPORT_KEYS = {"as_of", "open_count", "open_amount", "weighted_amount", "won_count", "lost_count", "win_rate",
               "win_rate_value", "avg_won_amount", "sales_cycle_days_median", "sales_cycle_days_mean",
               "pipeline_velocity_per_day", "funnel", "days_in_stage_median", "forecast", "movement"}


def test_deals_report(con):
    report = deals_report(con)
    assert REPORT_KEYS <= set(report)
    assert json.loads(json.dumps(report)) == report
    assert report["as_of"] == "2026-11-20"
    # S1 -> S2 (tests/test_movement.py holds the movement tests): won B1 B6 C1 P3; lost B2, B3 (created and lost
    # between); new A5 C3; dropped B7; advanced A1 B5 P2; amount changed A6; unchanged A2 A3 A4 B4 P1
    assert (report["movement"]["from"], report["movement"]["to"]) == ("2026-11-02", "2026-11-20")
    assert report["movement"]["counts"] == {"won": 4, "lost": 2, "new": 2, "dropped": 1, "advanced": 3,
                                            "moved_back": 0, "slipped": 0, "amount_changed": 1, "unchanged": 5}
    assert report["open_count"] == 11 and isinstance(report["open_count"], int)
    assert report["funnel_pipeline"] == "Sales"
    assert [row["reached"] for row in report["funnel"]] == [15, 11, 7, 4, 3]
    assert report["funnel"][-1] == {"stage": "Won", "reached": 3, "reached_amount": 6000.0,
                                    "conversion_to_next": None, "cumulative_conversion": 0.2}
    assert all({"stage", "reached", "reached_amount", "conversion_to_next"} <= set(r) for r in report["funnel"])
    assert all({"period", "won_amount", "expected", "p10", "p50", "p90"} <= set(r) for r in report["forecast"])
    assert report["days_in_stage_median"] == {"Qualify": 14, "Demo": 18, "Proposal": 15, "Negotiate": 12}


def test_deals_report_period(con):
    report = deals_report(con, **NOV)
    assert report["win_rate"] == pytest.approx(4 / 6)
    # created in November: A5, C3 (Qualify only)
    assert [row["reached"] for row in report["funnel"]] == [2, 0, 0, 0, 0]
    assert report["open_count"] == 11


def test_empty_database(empty):
    assert deals_report(empty) is None
    assert funnel(empty).empty
    assert forecast_by_month(empty).months.empty
    assert kpis(empty).open_count == 0

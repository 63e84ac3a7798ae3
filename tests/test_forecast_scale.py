"""The Forecast page's shortcuts at 1M deals (issue 16). The calibrated forecast reads the stages each closed deal
reached from the stored ``deal_stage_entries`` (reached_on) while it is fresh: the same numbers as from every snapshot's
stage entries, worked out by hand on the Forecast tests' deals and compared with the computed path on the sample data.
Coverage without any quota reads no deal."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics import store
from analytics.sales import deals, quotas, scenarios
from analytics.sales import forecast as fc
from analytics.sales.deals import DealFilter
from analytics.sales.scope import ALL_DEALS
from analytics.store import derived
from tests.sales_fixtures import add_snapshot, add_stages, made_stale
from tests.test_forecast import AS_OF, SALES_STAGES, build_sales


def computed(con, func, **kwargs):
    """``func(con, **kwargs)`` with the stored entries and stays made stale (rolled back): the path over every
    snapshot."""
    with made_stale(con, "deal_stage_entries", "deal_stays"):
        return func(con, **kwargs)


def test_calibrated_from_stored_reach_by_hand(tmp_path):
    path = tmp_path / "sales.duckdb"
    with store.transaction(path) as con:
        build_sales(con)
        derived.refresh_entries(con)   # built from the one snapshot, as an import keeps it
    with store.connect(path) as con:
        assert derived.is_fresh(con, "deal_stage_entries")
        both = fc.side_by_side(fc.forecast_by_month(con), fc.forecast_by_month(con, probability="calibrated"))
        # closed deals W1 W2 W3 (won: every open stage reached) and L1 L2 (lost, seen at Lost: the first stage,
        # Early): Early 3 won / 5 closed = 0.6, Late 3 / 3 = 1.
        # Nov: X 1000 x 0.6 + P 500 (past due) x 1 = 1100; Dec: Y 2000 x 1 + Z 4000 x 0.6 = 4400
        assert list(both.expected_calibrated) == pytest.approx([1100, 4400])
        inputs = scenarios.scenario_inputs(con, probability="calibrated")
        assert float(inputs.expected.sum()) == pytest.approx(1100 + 4400)


def test_calibrated_counts_lost_deals_at_the_furthest_stage_reached_or_the_first(tmp_path):
    def deal(deal_id, stage, amount=100, close=date(2026, 11, 30)):
        return {"deal_id": deal_id, "stage": stage, "amount": amount, "created_on": date(2026, 9, 1), "close_on": close}
    path = tmp_path / "reach.duckdb"
    with store.transaction(path) as con:
        add_stages(con, SALES_STAGES)
        add_snapshot(con, date(2026, 11, 13), [deal("A", "Late"), deal("B", "Early")])
        add_snapshot(con, AS_OF, [deal("A", "Lost"), deal("B", "Lost"), deal("C", "Lost"), deal("W1", "Won"),
                                  deal("W2", "Won"), deal("O", "Early", 1000),
                                  deal("Q", "Late", 1500, date(2026, 12, 15))])
        derived.refresh_entries(con)
    with store.connect(path) as con:
        assert derived.is_fresh(con, "deal_stage_entries")
        rows = fc.forecast_by_month(con, probability="calibrated").periods.set_index("period")
        # lost A reached Late, lost B Early, lost C was never seen open (the first stage, Early); W1 W2 won (all):
        # Early 2 won / 5 closed (A B C W1 W2) = 0.4; Late 2 won / 3 closed (A W1 W2) = 2/3.
        # Nov: O 1000 x 0.4 = 400; Dec: Q 1500 x 2/3 = 1000
        assert list(rows.expected) == pytest.approx([400, 1000])
        pd.testing.assert_frame_equal(
            rows, computed(con, fc.forecast_by_month, probability="calibrated").periods.set_index("period"))


def test_calibrated_from_stored_reach_is_the_computed_one(sample_db):
    with store.connect(sample_db) as con:
        assert derived.is_fresh(con, "deal_stage_entries")
        owner = deals.filter_choices(con)["owner"][0]
        for grain, flt in (("month", ALL_DEALS), ("quarter", ALL_DEALS), ("month", DealFilter(owners=(owner,)))):
            stored = fc.forecast_by_period(con, grain=grain, flt=flt, probability="calibrated", draws=2_000)
            other = computed(con, fc.forecast_by_period, grain=grain, flt=flt, probability="calibrated", draws=2_000)
            pd.testing.assert_frame_equal(stored.periods, other.periods)
        accuracy = fc.forecast_accuracy(con, probability="calibrated")
        pd.testing.assert_frame_equal(accuracy, computed(con, fc.forecast_accuracy, probability="calibrated"))


def test_coverage_without_quota_is_empty_with_its_columns(tmp_path):
    path = tmp_path / "sales.duckdb"
    with store.transaction(path) as con:
        build_sales(con)
    with store.connect(path) as con:
        table = quotas.coverage(con)
        assert table.empty
        assert list(table.columns) == ["period", "owner", "quota", "won_amount", "remaining", "open_amount",
                                       "coverage", "expected", "forecast", "gap", "attainment"]

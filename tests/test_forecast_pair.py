"""The Forecast page's single read of both probabilities (issue 16, 1M deals): ``forecast_pair`` and the calibration
bound as values (``forecast_sql.calibrated_values``), worked out by hand on the Forecast tests' SALES deals
(tests/test_forecast.py: Early 0.25, Late 0.8; closed W1 W2 W3 won, L1 L2 lost), and equal to
``forecast_by_period`` with each probability on deals numerous enough to be drawn (mixed method)."""
from __future__ import annotations

import pandas as pd
import pytest

from analytics import store
from analytics.sales import forecast as fc
from analytics.sales import forecast_sql
from analytics.sales.deals import DealFilter
from analytics.sales.scope import ALL_DEALS, open_scope, scoped_ctes
from analytics.store import derived
from analytics.store.sql import Fragment
from tests.test_forecast import build_sales, many_deals, sales, sales_path  # noqa: F401 - fixtures


def test_calibrated_values_by_hand(sales):  # noqa: F811
    scope = open_scope(sales)
    head = scoped_ctes(scope, ALL_DEALS)
    cte = forecast_sql.calibrated_values(sales, head, scope, ALL_DEALS)
    assert "?" in cte.sql and "historical_probability" in cte.sql   # values bound, not spliced
    found = sales.execute(*(head + cte + Fragment(
        " SELECT pipeline, stage, historical_probability FROM calibrated ORDER BY stage", []))).fetchall()
    # closed: W1 W2 W3 won (every open stage reached), L1 L2 lost at the first stage (Early):
    # Early 3 won / 5 closed = 0.6; Late 3 / 3 = 1
    assert found == [("Sales", "Early", pytest.approx(0.6)), ("Sales", "Late", pytest.approx(1.0))]


def test_calibrated_values_without_stages(tmp_path):
    with store.connect(tmp_path / "empty.duckdb") as con:
        scope = open_scope(con)
        head = scoped_ctes(scope, ALL_DEALS)
        query = head + forecast_sql.calibrated_values(con, head, scope, ALL_DEALS) + Fragment(
            " SELECT count(*) FROM calibrated", [])
        assert con.execute(*query).fetchone()[0] == 0


def test_forecast_pair_by_hand(sales):  # noqa: F811
    pair = fc.forecast_pair(sales)
    assert set(pair) == {"configured", "calibrated"}
    configured, calibrated = pair["configured"].periods, pair["calibrated"].periods
    assert list(configured.period) == list(calibrated.period) == ["2026-11", "2026-12"]
    # configured: Nov X 1000 x 0.5 (exported) + P 500 x 0.8 (past due) = 900; Dec Y 2000 x 0.8 + Z 4000 x 0.25 = 2600
    assert list(configured.expected) == pytest.approx([900, 2600])
    # calibrated (Early 0.6, Late 1): Nov X 1000 x 0.6 + P 500 x 1 = 1100; Dec Y 2000 x 1 + Z 4000 x 0.6 = 4400
    assert list(calibrated.expected) == pytest.approx([1100, 4400])
    # won in November: W1 3000 (W2, W3 closed before the as-of month), both probabilities
    assert list(configured.won_amount) == list(calibrated.won_amount) == pytest.approx([3000, 0])
    assert pair["configured"].probability == "configured" and pair["calibrated"].probability == "calibrated"
    # N has no close date, P is past due: counted apart, whatever the probability
    assert (pair["calibrated"].no_close_date, pair["calibrated"].past_due_in_first_month) == (1, 1)


def assert_same(one: fc.Forecast, other: fc.Forecast) -> None:
    pd.testing.assert_frame_equal(one.periods, other.periods, check_exact=True)
    assert (one.as_of, one.no_close_date, one.past_due_in_first_month, one.probability, one.grain) == \
        (other.as_of, other.no_close_date, other.past_due_in_first_month, other.probability, other.grain)
    assert one.new_deals == other.new_deals


@pytest.mark.parametrize("grain", ["month", "quarter"])
def test_forecast_pair_is_forecast_by_period(sales, grain):  # noqa: F811
    for flt in (ALL_DEALS, DealFilter(owners=("Ann",))):
        pair = fc.forecast_pair(sales, grain=grain, flt=flt, with_new_deals=True, draws=500)
        for probability, forecast in pair.items():
            assert_same(forecast, fc.forecast_by_period(sales, grain=grain, flt=flt, probability=probability,
                                                        with_new_deals=True, draws=500))


def test_forecast_pair_is_forecast_by_period_with_many_deals(many_deals):  # noqa: F811
    con, _ = many_deals   # 300 deals in December: more than EXACT_MAX_DEALS, drawn in the order of the rows
    pair = fc.forecast_pair(con, draws=500)
    assert "mixed" in set(pair["configured"].periods.method)
    for probability, forecast in pair.items():
        assert_same(forecast, fc.forecast_by_period(con, probability=probability, draws=500))


def test_forecast_pair_with_stale_reach_is_the_same(sales_path):  # noqa: F811
    with store.transaction(sales_path) as con:
        derived.refresh_entries(con)
    with store.connect(sales_path) as con:
        assert derived.is_fresh(con, "deal_stage_entries")
        stored = fc.forecast_pair(con, draws=500)
    with store.transaction(sales_path) as con:
        con.execute("DELETE FROM deal_stage_entries_meta")  # stale: the calibration from every snapshot's entries
    with store.connect(sales_path) as con:
        assert not derived.is_fresh(con, "deal_stage_entries")
        computed = fc.forecast_pair(con, draws=500)
    for probability in ("configured", "calibrated"):
        assert_same(stored[probability], computed[probability])

"""What-if scenarios (analytics/scenarios.py): each lever moves the forecast in the right direction by the amount
worked out by hand, the baseline equals the forecast, and saved scenarios survive reopening the database.

The SALES fixture of tests/test_forecast.py, as of 2026-11-20 (as-of month November, month 1 of Q4):
  open X 1000 p .5 closes Nov 30 -> 500;  Y 2000 p .8 closes Dec 10 -> 1600;  Z 4000 p .25 closes Dec 31 -> 1000;
  P 500 p .8 closed Oct 25 (past due, counts as Nov 20) -> 400 in November;  won W1 3000 in November,
  W3 1000 on Oct 1 (in Q4).  Baseline expected: Nov 900, Dec 2600.
  Run rate: 1 new deal a month x win rate .5 x average won 2000 = 1000 a month, from Nov 20 + 30 days = Dec 20:
  December gets the 12 days Dec 20-31 of 31 -> 1000 x 12/31; every later month 1000.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analytics import store
from analytics.sales import forecast as fc
from analytics.sales import scenarios as sc
from analytics.sales.forecast import RunRate
from tests.test_forecast import build_sales

DEC_SHARE = 12 / 31


@pytest.fixture(scope="module")
def sales_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenarios") / "sales.duckdb"
    with store.transaction(path) as con:
        build_sales(con)
    return path


@pytest.fixture(scope="module")
def inputs(sales_path):
    with store.connect(sales_path) as con:
        return sc.scenario_inputs(con)


def months(inputs, scenario=sc.BASELINE, count=3, column="expected", grain="month") -> list[float]:
    """The first ``count`` periods of one column of ``apply``."""
    return list(sc.apply(inputs, scenario, grain)[column][:count])


def test_inputs_are_aggregated(inputs):
    assert inputs.as_of == dt.date(2026, 11, 20) and inputs.open_deals == 4   # X Y Z P (N has no close date)
    assert len(inputs.close_on) == 4 and inputs.value.sum() == 7500
    assert list(inputs.won_amount) == [1000, 3000]   # October (W3), November (W1): from the quarter start


def test_baseline_equals_the_forecast(sales_path, inputs):
    with store.connect(sales_path) as con:
        for grain in ("month", "quarter"):
            forecast = fc.forecast_by_period(con, grain=grain).periods
            base = sc.apply(inputs, grain=grain).iloc[:len(forecast)]
            assert list(base.period) == list(forecast.period)
            assert list(base.won_amount) == pytest.approx(list(forecast.won_amount))
            assert list(base.expected) == pytest.approx(list(forecast.expected))


def test_baseline_periods_and_projection(inputs):
    base = sc.apply(inputs)
    assert len(base) == sc.HORIZON_MONTHS and base.period.iloc[0] == "2026-11" and base.period.iloc[-1] == "2027-10"
    assert months(inputs) == pytest.approx([900, 2600, 0])
    assert months(inputs, column="projection") == pytest.approx([0, 1000 * DEC_SHARE, 1000])
    assert list(base.total) == pytest.approx(list(base.won_amount + base.expected + base.projection))
    quarters = sc.apply(inputs, grain="quarter")
    # Q4: won 1000 + 3000, expected 900 + 2600, projection 1000 x 12/31; Q1 2027: projection 3000
    assert list(quarters.period[:2]) == ["2026-Q4", "2027-Q1"]
    assert quarters.forecast.iloc[0] == pytest.approx(7500)
    assert list(quarters.projection[:2]) == pytest.approx([1000 * DEC_SHARE, 3000])


def test_win_multiplier(inputs):
    # x1.5: X .75 -> 750; P 1.2 capped at 1 -> 500; Y 1.2 capped -> 2000; Z .375 -> 1500
    up = sc.Scenario(win_multiplier=1.5)
    assert months(inputs, up) == pytest.approx([750 + 500, 2000 + 1500, 0])
    # the run rate's win rate .5 -> .75: 1500 a month
    assert months(inputs, up, column="projection") == pytest.approx([0, 1500 * DEC_SHARE, 1500])
    # x0.5: every p halved, nothing capped: half of every expected amount
    assert months(inputs, sc.Scenario(win_multiplier=0.5)) == pytest.approx([450, 1300, 0])


def test_deal_size_change(inputs):
    bigger = sc.Scenario(deal_size_change=0.10)
    assert months(inputs, bigger) == pytest.approx([990, 2860, 0])
    assert months(inputs, bigger, column="projection") == pytest.approx([0, 1100 * DEC_SHARE, 1100])
    assert months(inputs, bigger, column="won_amount") == pytest.approx([3000, 0, 0])   # won amounts never move


def test_longer_cycle_moves_deals_to_later_months(inputs):
    later = sc.Scenario(cycle_days=10)
    # X Nov 30 -> Dec 10; Y Dec 10 -> Dec 20; Z Dec 31 -> Jan 10; P (as-of Nov 20) -> Nov 30
    assert months(inputs, later) == pytest.approx([400, 500 + 1600, 1000])
    # projection from Nov 20 + 40 days = Dec 30: 2 days of December
    assert months(inputs, later, column="projection") == pytest.approx([0, 1000 * 2 / 31, 1000])


def test_shorter_cycle_moves_deals_earlier_but_never_before_the_as_of_month(inputs):
    # X Nov 30 -> Nov 15; Y Dec 10 -> Nov 25; Z Dec 31 -> Dec 16; P Nov 20 -> Nov 5
    assert months(inputs, sc.Scenario(cycle_days=-15)) == pytest.approx([500 + 1600 + 400, 1000, 0])
    # -30: X Oct 31 and P Oct 21 stay in November; Y Nov 10; Z Dec 1
    shorter = sc.Scenario(cycle_days=-30)
    assert months(inputs, shorter) == pytest.approx([500 + 1600 + 400, 1000, 0])
    # projection from Nov 20 + 0 days: the 11 days Nov 20-30 of 30
    assert months(inputs, shorter, column="projection") == pytest.approx([1000 * 11 / 30, 1000, 1000])


def test_slip_rate(inputs):
    slip = sc.Scenario(slip_rate=0.2)
    # Nov .8 x 900; Dec .8 x 2600 + .2 x 900; Jan .2 x 2600; the total is kept
    assert months(inputs, slip) == pytest.approx([720, 2260, 520])
    assert sum(months(inputs, slip, count=12)) == pytest.approx(3500)
    quarters = sc.apply(inputs, slip, grain="quarter")
    # Q4 keeps won 4000 + 720 + 2260; January's 520 moves to Q1
    assert (quarters.forecast.iloc[0], quarters.expected.iloc[1]) == pytest.approx((6980, 520))


def test_new_pipeline_change_scales_the_projection_only(inputs):
    more = sc.Scenario(new_pipeline_change=0.5)
    assert months(inputs, more) == pytest.approx([900, 2600, 0])
    assert months(inputs, more, column="projection") == pytest.approx([0, 1500 * DEC_SHARE, 1500])


def test_compare_gives_the_delta_in_money(inputs):
    table = sc.compare(inputs, sc.Scenario(deal_size_change=0.10))
    assert list(table.baseline_total[:2]) == pytest.approx([3900, 2600 + 1000 * DEC_SHARE])
    # +10 % on expected 900 and 2600, and on the projection
    assert list(table.delta[:2]) == pytest.approx([90, 260 + 100 * DEC_SHARE])
    assert table.delta.sum() == pytest.approx(table.scenario_total.sum() - table.baseline_total.sum())
    # a long slip-and-shift scenario needs more months than the baseline: both share the periods
    far = sc.compare(inputs, sc.Scenario(cycle_days=90, slip_rate=0.5), horizon_months=1)
    assert far.scenario_expected.sum() == pytest.approx(3500) and far.baseline_expected.sum() == pytest.approx(3500)


def test_every_lever_at_rest_is_the_baseline(inputs):
    assert sc.compare(inputs, sc.Scenario()).delta.abs().max() == 0


@pytest.mark.parametrize("levers", [{"win_multiplier": -0.1}, {"deal_size_change": -1.5}, {"slip_rate": 1.2},
                                    {"new_pipeline_change": -2}])
def test_impossible_levers_are_refused(levers):
    with pytest.raises(ValueError):
        sc.Scenario(**levers)


def test_json_round_trip_ignores_unknown_keys():
    scenario = sc.Scenario(1.2, -0.1, 15, 0.3, 0.25)
    assert sc.Scenario.from_json(scenario.to_json()) == scenario
    assert sc.Scenario.from_json('{"slip_rate": 0.1, "from_a_newer_version": 3}') == sc.Scenario(slip_rate=0.1)


def test_saved_scenario_survives_reopening_the_database(tmp_path):
    path = tmp_path / "saved.duckdb"
    with store.transaction(path) as con:
        assert sc.save_scenario(con, "  Q1   push ", sc.Scenario(win_multiplier=1.1, cycle_days=-10)) == "Q1 push"
        sc.save_scenario(con, "slow", sc.Scenario(slip_rate=0.3))
    store.forget_schema_cache()
    with store.connect(path) as con:
        listed = sc.list_scenarios(con)
        assert list(listed.name) == ["Q1 push", "slow"]
        assert sc.scenario_from_row(listed.iloc[0]) == sc.Scenario(win_multiplier=1.1, cycle_days=-10)
        assert sc.load_scenario(con, "slow") == sc.Scenario(slip_rate=0.3)
        assert sc.load_scenario(con, "missing") is None
    with store.transaction(path) as con:     # same name: replaced, not duplicated
        sc.save_scenario(con, "slow", sc.Scenario(slip_rate=0.4))
        assert sc.delete_scenario(con, "Q1 push") and not sc.delete_scenario(con, "Q1 push")
    with store.connect(path) as con:
        assert list(sc.list_scenarios(con).slip_rate) == [0.4]


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_bad_scenario_names(tmp_path, name):
    with pytest.raises(ValueError):
        with store.transaction(tmp_path / "names.duckdb") as con:
            sc.save_scenario(con, name, sc.Scenario())


def test_empty_database(tmp_path):
    with store.connect(tmp_path / "empty.duckdb") as con:
        inputs = sc.scenario_inputs(con)
    assert sc.apply(inputs).empty and sc.compare(inputs, sc.Scenario(slip_rate=0.5)).empty


def test_a_slider_move_is_arithmetic_only():
    """A million open deals aggregate into at most (close days x 101 p buckets); a scenario over 100,000 buckets
    (three years of close dates x 90 probabilities) is plain array arithmetic on those buckets, exact to the cent.
    How long it takes is measured in bench/run.py, not asserted here."""
    rng = np.random.default_rng(3)
    buckets = 100_000
    days = np.datetime64("2026-11-01") + rng.integers(-60, 1_100, buckets).astype("timedelta64[D]")
    value = rng.uniform(1_000, 500_000, buckets)
    inputs = sc.ScenarioInputs(
        as_of=dt.date(2026, 11, 20), close_on=days, value=value, expected=value * rng.uniform(0, 1, buckets),
        won_month=np.array(["2026-10", "2026-11"], dtype="datetime64[M]"), won_amount=np.array([1e6, 2e6]),
        run_rate=RunRate(dt.date(2026, 11, 20), None, None, 40, 0.3, 20_000, 60), probability="configured",
        open_deals=1_000_000)
    scenario = sc.Scenario(1.2, 0.1, 20, 0.1, 0.15)
    table = sc.compare(inputs, scenario, "quarter")
    assert table.scenario_expected.sum() == pytest.approx(
        (np.minimum(inputs.expected * 1.2, inputs.value) * 1.1).sum())

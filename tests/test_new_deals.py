"""Revenue from deals not created yet (analytics/sales/new_deals.py) and the forecast range that includes it.

Every expected value is worked out by hand in the comments from this fixture (one snapshot, as-of 2026-11-20;
pipeline Sales: Early 0.25, Late 0.8, Won, Lost):

HISTORY, created on the 1st of August, September and October 2026, each closed 30 days later (Aug 31, Oct 1,
Oct 31: inside a 3-month window 2026-08-01..2026-10-31), per month:
  a Won 10, b Won 30, c Lost 50, d Lost 50
  -> 12 created / 3 months = c 4 a month; 6 won / 12 closed = w 0.5; won amounts 10 30 10 30 10 30: mean m 20,
     mean of squares m2 (100 + 900) / 2 = 500; median cycle 30 days.
NOW (created 2026-06-01, outside the 3-month window):
  O1 Late  1000 close 2026-12-15 -> December, open part 1000 x 0.8 = 800
  O2 Early  400 close 2027-02-10 -> February, open part 400 x 0.25 = 100
  W1 Won    100 close 2026-11-05 -> won in November (after the window)
Forecast (won + open): Nov 100, Dec 800, Jan 0, Feb 100.
New deals: none closes before 2026-11-20 + 30 days = 2026-12-20. Exposure: Nov 0; Dec the 12 days Dec 20..31 of 31
= 12/31; Jan 1; Feb 1. lambda = 4 x 0.5 x exposure: Dec 24/31, Jan 2, Feb 2.
expected_new = lambda x 20: Nov 0, Dec 480/31 (15.48), Jan 40, Feb 40; variance = lambda x 500: Jan 1000.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from datetime import date

import numpy as np
import pytest

from analytics import cli, store
from analytics.reports.deals_section import deals_report
from analytics.sales import forecast as fc
from analytics.sales import new_deals as nd
from analytics.sales.deals import DealFilter
from tests.sales_fixtures import add_snapshot, add_stages

AS_OF = date(2026, 11, 20)
STAGES = [("Sales", "Early", 1, 0.25, "open"), ("Sales", "Late", 2, 0.8, "open"),
          ("Sales", "Won", 3, 1.0, "won"), ("Sales", "Lost", 4, 0.0, "lost")]
HISTORY_CLOSE = {8: date(2026, 8, 31), 9: date(2026, 10, 1), 10: date(2026, 10, 31)}   # created + 30 days


def deal(deal_id, stage, amount, created, close, owner="Ann"):
    return {"deal_id": deal_id, "stage": stage, "amount": amount, "created_on": created, "close_on": close,
            "owner": owner}


def fixture_deals(created: bool = True) -> list[dict]:
    """The deals of the module docstring; ``created=False`` blanks every created date."""
    deals = [deal(f"H{month}{letter}", stage, amount, date(2026, month, 1), close)
             for month, close in HISTORY_CLOSE.items()
             for letter, stage, amount in (("a", "Won", 10), ("b", "Won", 30), ("c", "Lost", 50), ("d", "Lost", 50))]
    deals += [deal("O1", "Late", 1000, date(2026, 6, 1), date(2026, 12, 15)),
              deal("O2", "Early", 400, date(2026, 6, 1), date(2027, 2, 10)),
              deal("W1", "Won", 100, date(2026, 6, 1), date(2026, 11, 5))]
    return deals if created else [{**d, "created_on": None} for d in deals]


def database(path, deals) -> None:
    with store.transaction(path) as con:
        add_stages(con, STAGES)
        add_snapshot(con, AS_OF, deals)


@pytest.fixture
def history_path(tmp_path):
    path = tmp_path / "new_deals.duckdb"
    database(path, fixture_deals())
    return path


@pytest.fixture
def history(history_path):
    with store.connect(history_path) as con:
        yield con


# --- the model ---------------------------------------------------------------------------------------

def test_model_terms_by_hand(history):
    model = nd.new_deal_model(history, lookback_months=3)
    assert model.reason is None and model.as_of == AS_OF
    assert (model.window_from, model.window_to) == (date(2026, 8, 1), date(2026, 10, 31))
    assert model.monthly_created == ((date(2026, 8, 1), 4), (date(2026, 9, 1), 4), (date(2026, 10, 1), 4))
    assert (model.created_per_month, model.win_rate, model.mean_won, model.cycle_days) == (4, 0.5, 20, 30)
    assert model.won_amounts == (10, 10, 10, 30, 30, 30)
    assert model.wins_per_month == 2 and model.expected_per_month == 40      # 4 x 0.5; x 20
    assert model.starts_on == date(2026, 12, 20)                               # Nov 20 + 30 days
    months = [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
    exposure = model.exposure(months, 1)
    assert list(exposure) == pytest.approx([0, 12 / 31, 1, 1])
    assert list(model.expected(exposure)) == pytest.approx([0, 480 / 31, 40, 40])
    assert list(model.variance(exposure)) == pytest.approx([0, 2 * 12 / 31 * 500, 1000, 1000])
    # quarters: Q4 2026 = Oct 0 + Nov 0 + Dec 12/31; Q1 2027 = three whole months
    assert list(model.exposure([date(2026, 10, 1), date(2027, 1, 1)], 3)) == pytest.approx([12 / 31, 3])


def test_forecast_with_new_deals_by_month_and_quarter(history):
    months = fc.forecast_by_month(history, with_new_deals=True, lookback_months=3).periods.set_index("period")
    assert list(months.index) == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert list(months.forecast) == pytest.approx([100, 800, 0, 100])
    assert list(months.expected_new) == pytest.approx([0, 480 / 31, 40, 40])
    # the analytic mean of the total is exactly the sum of the parts' means: 100 + 0, 800 + 480/31, 0 + 40, 100 + 40
    assert list(months.forecast_with_new) == pytest.approx([100, 800 + 480 / 31, 40, 140])
    assert list(months.new_method) == ["none", "bootstrap", "bootstrap", "bootstrap"]
    assert (months.p10_with_new <= months.p50_with_new).all() and (months.p50_with_new <= months.p90_with_new).all()
    # November: no new deal can close yet and no open deal: the won 100, certain
    assert (months.loc["2026-11", "p10_with_new"], months.loc["2026-11", "p90_with_new"]) == (100, 100)
    quarters = fc.forecast_by_period(history, grain="quarter", with_new_deals=True, lookback_months=3).periods
    # Q4 2026: won W1 100 + the history won in October (H9a 10 + H9b 30 on Oct 1, H10a 10 + H10b 30 on Oct 31)
    # = 180, + open 800 + new 480/31; Q1 2027: open 100 + new 3 months x 40
    assert list(quarters.expected_new) == pytest.approx([480 / 31, 120])
    assert list(quarters.forecast_with_new) == pytest.approx([980 + 480 / 31, 220])


def test_without_with_new_deals_the_forecast_is_unchanged(history):
    plain = fc.forecast_by_month(history)
    assert plain.new_deals is None and "expected_new" not in plain.periods
    both = fc.forecast_by_month(history, with_new_deals=True)
    assert both.periods[fc.FORECAST_COLUMNS].equals(plain.periods)   # same seed, same open-deal draws


def exact_distribution(open_amount: float, p: float) -> dict[float, float]:
    """An independent computation of a period's total, exactly: open_amount x Bernoulli(p) + new deals with
    lambda 2 and amounts 10 or 30 each with chance 1/2 = 10 A + 30 B, A and B independent Poisson(1) (a
    Poisson count split at random is two independent Poisson counts)."""
    poisson = [math.exp(-1) / math.factorial(k) for k in range(30)]
    out = defaultdict(float)
    for a, pa in enumerate(poisson):
        for b, pb in enumerate(poisson):
            out[10 * a + 30 * b] += (1 - p) * pa * pb
            out[open_amount + 10 * a + 30 * b] += p * pa * pb
    return out


def quantile_band(distribution: dict[float, float], level: float, slack: float = 0.015) -> tuple[float, float]:
    """The exact quantiles at level - slack and level + slack (slack = 5 Monte Carlo standard errors of a
    share with 10,000 draws): a simulated percentile lies between them."""
    def quantile(q):
        total = 0.0
        for value in sorted(distribution):
            total += distribution[value]
            if total >= q:
                return value
    return quantile(level - slack), quantile(level + slack)


def test_range_is_the_joint_distribution_of_open_and_new_deals(history):
    months = fc.forecast_by_month(history, with_new_deals=True, lookback_months=3).periods.set_index("period")
    # January: new deals only. Exact CDF: 0 .135, 10 .271, 20 .338, 30 .496, 40 .637, ..., 70 .870, 80 .905
    january = exact_distribution(0, 0)
    for level, column in ((0.1, "p10_with_new"), (0.5, "p50_with_new"), (0.9, "p90_with_new")):
        low, high = quantile_band(january, level)
        assert low <= months.loc["2027-01", column] <= high, column
    assert quantile_band(january, 0.9) == (80, 90)
    # February: O2 400 x Bernoulli(0.25) + new deals drawn together. P90 is in the branch where O2 is won
    # (P(total < 400) = 0.75): 400 + the new deals' quantile (0.9 - 0.75) / 0.25 = 0.6 -> 440..450. Adding the
    # parts' own P90s (400 + 80) would be wrong.
    february = exact_distribution(400, 0.25)
    assert quantile_band(february, 0.9) == (440, 450)
    for level, column in ((0.1, "p10_with_new"), (0.5, "p50_with_new"), (0.9, "p90_with_new")):
        low, high = quantile_band(february, level)
        assert low <= months.loc["2027-02", column] <= high, column


def test_mean_of_the_parts_draws_is_the_sum_of_their_means(history):
    model = nd.new_deal_model(history, lookback_months=3)
    draws = 20_000
    rng = np.random.default_rng(7)
    new, methods = nd.new_deal_draws(model, np.array([1.0]), rng, draws)           # February: lambda 2
    opened = fc.simulated_totals(np.array([400.0]), np.array([0.25]), rng, draws)   # O2: 400 x Bernoulli(0.25)
    total = opened + new[0]
    assert methods == ["bootstrap"]
    # means: new 2 x 20 = 40 (variance 2 x 500 = 1000); open 100 (variance 400^2 x .25 x .75 = 30000)
    assert abs(new[0].mean() - 40) < 4 * math.sqrt(1000 / draws)
    assert new[0].var() == pytest.approx(1000, rel=0.1)
    assert abs(total.mean() - 140) < 4 * math.sqrt(31000 / draws)
    assert total.mean() == pytest.approx(opened.mean() + new[0].mean())
    low, mid, high = np.percentile(total, [10, 50, 90])
    assert low <= mid <= high


def test_normal_draws_keep_the_mean_and_variance(history, monkeypatch):
    monkeypatch.setattr(nd, "EXACT_MAX_WINS", 0)
    model = nd.new_deal_model(history, lookback_months=3)
    new, methods = nd.new_deal_draws(model, np.array([0.0, 3.0]), np.random.default_rng(1), 20_000)
    # a period with no exposure draws nothing; 3 months: lambda 6, mean 6 x 20 = 120, variance 6 x 500 = 3000
    assert methods == ["none", "normal"] and not new[0].any()
    assert abs(new[1].mean() - 120) < 4 * math.sqrt(3000 / 20_000)
    assert new[1].var() == pytest.approx(3000, rel=0.1)


def test_open_deals_by_normal_approximation_are_drawn_with_the_new_deals(history, monkeypatch):
    monkeypatch.setattr(fc, "EXACT_MAX_DEALS", 0)
    months = fc.forecast_by_month(history, with_new_deals=True, lookback_months=3).periods.set_index("period")
    assert set(months.method) == {"none", "normal"}
    assert (months.p10_with_new <= months.p50_with_new).all() and (months.p50_with_new <= months.p90_with_new).all()
    # December: the open part alone is 800 +- 1.28 x sqrt(1000^2 x .8 x .2) = 800 +- 512.6; new deals widen it
    assert months.loc["2026-12", "p90_with_new"] > months.loc["2026-12", "p90"]


# --- no history -------------------------------------------------------------------------------------

def test_no_created_dates_no_new_deal_part(tmp_path):
    database(tmp_path / "blank.duckdb", fixture_deals(created=False))
    with store.connect(tmp_path / "blank.duckdb") as con:
        result = fc.forecast_by_month(con, with_new_deals=True, lookback_months=3)
    assert result.new_deals.reason == "no_created_dates" and result.new_deals.expected_per_month is None
    assert result.periods.expected_new.isna().all() and result.periods.p90_with_new.isna().all()
    assert list(result.periods.forecast) == pytest.approx([100, 800, 0, 100])     # the rest is unchanged


def test_reasons_in_order(history, tmp_path):
    # the filter keeps nobody: no created date at all
    assert nd.new_deal_model(history, flt=DealFilter(owners=("Nobody",))).reason == "no_created_dates"
    # a 1-month window (October): H10a..d created Oct 1, closed Oct 31 (2 won): every term is known
    assert nd.new_deal_model(history, lookback_months=1).reason is None
    # only the history's lost deals: created, none won
    database(tmp_path / "lost.duckdb", [d for d in fixture_deals() if d["stage"] != "Won"])
    with store.connect(tmp_path / "lost.duckdb") as con:
        assert nd.new_deal_model(con, lookback_months=3).reason == "no_won_deals"
    # only the current deals (created in June): none created in the 3-month window
    database(tmp_path / "old.duckdb", [d for d in fixture_deals() if not d["deal_id"].startswith("H")])
    with store.connect(tmp_path / "old.duckdb") as con:
        assert nd.new_deal_model(con, lookback_months=3).reason == "no_deals_created"
    with store.connect(tmp_path / "empty.duckdb") as con:
        assert nd.new_deal_model(con).reason == "no_deals"


# --- report --json ------------------------------------------------------------------------------------

def test_report_json_forecast_keys(history_path, capsys):
    assert cli.main(["report", "--json", "--db", str(history_path)]) == 0
    deals = json.loads(capsys.readouterr().out)["deals"]
    forecast = deals["forecast"]
    # the history (explained below): 12 months 2025-11-01..2026-10-31, first close 2026-11-20 + 30 days
    assert deals["forecast_new_deals"] == {
        "reason": None, "lookback_months": 12, "window_from": "2025-11-01", "window_to": "2026-10-31",
        "created_per_month": 1.25, "win_rate": 0.5, "avg_won_amount": 20.0, "cycle_days": 30.0,
        "starts_on": "2026-12-20", "expected_per_month": 12.5}
    assert [row["period"] for row in forecast] == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert all({"expected", "expected_open", "expected_new", "p10_with_new", "p50_with_new", "p90_with_new"}
               <= set(row) for row in forecast)
    # default lookback 12 months (2025-11..2026-10): created = the 12 history deals + O1 O2 W1 (June) = 15,
    # 15 / 12 = 1.25 a month; closed in it: the history, w 0.5, m 20, cycle 30 -> 1.25 x 0.5 x 20 = 12.5 a month
    assert [row["expected_new"] for row in forecast] == pytest.approx([0, 12.5 * 12 / 31, 12.5, 12.5])
    assert [row["expected"] for row in forecast] == pytest.approx([100, 800, 0, 100])       # won + open
    assert [row["expected_open"] for row in forecast] == pytest.approx([0, 800, 0, 100])
    assert all(row["p10_with_new"] <= row["p50_with_new"] <= row["p90_with_new"] for row in forecast)


def test_report_json_without_history_gives_nulls(tmp_path):
    database(tmp_path / "blank.duckdb", fixture_deals(created=False))
    with store.connect(tmp_path / "blank.duckdb") as con:
        report = deals_report(con)
    forecast = report["forecast"]
    assert report["forecast_new_deals"]["reason"] == "no_created_dates"
    assert [(row["expected_new"], row["p10_with_new"], row["p50_with_new"], row["p90_with_new"])
            for row in forecast] == [(None, None, None, None)] * 4
    assert forecast[1]["expected"] == pytest.approx(800)

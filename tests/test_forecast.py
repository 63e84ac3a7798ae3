"""The forecast (METRICS.md 4 and 7): periods, range, categories, quotas and coverage, run rate, accuracy.

Every expected value is worked out by hand in the comments, from the fixtures described here:

IMPORTED (through the importer, HubSpot-style CSV ``deals_2026-11-20.csv``: as-of 2026-11-20; HubSpot default
stages: appointmentscheduled 0.2, qualifiedtobuy 0.4, presentationscheduled 0.6, decisionmakerboughtin 0.8,
contractsent 0.9):
  id stage                  amount close       probability
  1  contractsent           1000   2026-11-30  50 %   -> November, 500 (last day of the month)
  2  presentationscheduled  2000   2026-12-01  blank  -> December, 2000 x stage 0.6 = 1200 (first day)
  3  qualifiedtobuy         4000   2026-12-31  25 %   -> December, 1000
  4  appointmentscheduled   3000   blank       10 %   -> no close date: in no period, counted
  5  decisionmakerboughtin  1500   2026-10-15  80 %   -> past due: in November, 1200
  6  closedwon              2500   2026-11-05          -> won in November
  7  closedwon               700   2026-10-30          -> won before the as-of month: in no row
  8  closedlost              900   2026-11-10          -> lost: nowhere
  9  contractsent            600   2027-02-01  100 %  -> February, 600 (January empty)
The same deals are imported once with "Probability (%)" 0-100 and once with "Probability" 0-1.

SALES (built directly, tests/sales_fixtures helpers; one snapshot 2026-11-20; pipeline Sales: Early 0.25,
Late 0.8, Won, Lost):
  deal owner stage  amount created     close       notes
  X    Ann   Early  1000   2026-04-10  2026-11-30  exported p 0.5 -> Nov 500
  Y    Bob   Late   2000   2026-04-20  2026-12-10  -> Dec 1600
  Z    Ann   Early  4000   2026-07-10  2026-12-31  -> Dec 1000
  P    Bob   Late    500   2026-03-05  2026-10-25  past due -> Nov 400
  N    Bob   Early   600   2026-11-02  blank       no close date
  W1   Ann   Won    3000   2026-10-06  2026-11-05
  W2   Bob   Won    3000   2026-08-01  2026-08-31  cycle 30 days
  W3   Ann   Won    1000   2026-09-01  2026-10-01  cycle 30 days
  L1   Bob   Lost    500   2026-08-15  2026-09-15
  L2   Ann   Lost    700   2026-09-20  2026-10-20
Forecast: Nov won 3000 + expected 500 + 400 = 900; Dec 1600 + 1000 = 2600.
Run rate (window 2026-05-01..2026-10-31): created Z W1 W2 W3 L1 L2 = 6 / 6 months = 1 a month; closed in the
window W2 W3 won, L1 L2 lost: win rate 0.5, average won 2000, median cycle 30 days -> 1000 a month from
2026-12-20 on.
"""
from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics import cli, ingest, store
from analytics.reports.deals_section import deals_report
from analytics.sales import forecast as fc
from analytics.sales.deals import DealFilter
from analytics.sales.quotas import QuotaError, clean_quotas, coverage, get_quotas, save_quotas
from tests.sales_fixtures import add_snapshot, add_stages

AS_OF = date(2026, 11, 20)
SALES_STAGES = [("Sales", "Early", 1, 0.25, "open"), ("Sales", "Late", 2, 0.8, "open"),
                ("Sales", "Won", 3, 1.0, "won"), ("Sales", "Lost", 4, 0.0, "lost")]
IMPORTED_ROWS = [  # id, stage, amount, close, probability in percent (None = blank)
    (1, "contractsent", 1000, "2026-11-30", 50), (2, "presentationscheduled", 2000, "2026-12-01", None),
    (3, "qualifiedtobuy", 4000, "2026-12-31", 25), (4, "appointmentscheduled", 3000, "", 10),
    (5, "decisionmakerboughtin", 1500, "2026-10-15", 80), (6, "closedwon", 2500, "2026-11-05", None),
    (7, "closedwon", 700, "2026-10-30", None), (8, "closedlost", 900, "2026-11-10", None),
    (9, "contractsent", 600, "2027-02-01", 100),
]


def imported_csv(percent: bool) -> bytes:
    header = "Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date," + \
        ("Probability (%)" if percent else "Probability")
    lines = [header]
    for deal_id, stage, amount, close, probability in IMPORTED_ROWS:
        shown = "" if probability is None else (str(probability) if percent else str(probability / 100))
        lines.append(f"{deal_id},Deal {deal_id},{stage},{amount},{close},2026-09-01,{shown}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(params=[True, False], ids=["percent_0_100", "fraction_0_1"])
def imported_path(request, tmp_path):
    path = tmp_path / "imported.duckdb"
    result = ingest.import_file(imported_csv(request.param), "deals_2026-11-20.csv", db=path)
    assert result.rows_imported == 9 and result.rows_rejected == 0
    return path


@pytest.fixture
def imported(imported_path):
    with store.connect(imported_path) as con:
        yield con


def sales_deals() -> list[dict]:
    def deal(deal_id, owner, stage, amount, created, close, **extra):
        return {"deal_id": deal_id, "owner": owner, "stage": stage, "amount": amount, "created_on": created,
                "close_on": close, **extra}
    return [
        deal("X", "Ann", "Early", 1000, date(2026, 4, 10), date(2026, 11, 30), probability=0.5),
        deal("Y", "Bob", "Late", 2000, date(2026, 4, 20), date(2026, 12, 10)),
        deal("Z", "Ann", "Early", 4000, date(2026, 7, 10), date(2026, 12, 31)),
        deal("P", "Bob", "Late", 500, date(2026, 3, 5), date(2026, 10, 25)),
        deal("N", "Bob", "Early", 600, date(2026, 11, 2), None),
        deal("W1", "Ann", "Won", 3000, date(2026, 10, 6), date(2026, 11, 5)),
        deal("W2", "Bob", "Won", 3000, date(2026, 8, 1), date(2026, 8, 31)),
        deal("W3", "Ann", "Won", 1000, date(2026, 9, 1), date(2026, 10, 1)),
        deal("L1", "Bob", "Lost", 500, date(2026, 8, 15), date(2026, 9, 15)),
        deal("L2", "Ann", "Lost", 700, date(2026, 9, 20), date(2026, 10, 20)),
    ]


def build_sales(con) -> None:
    add_stages(con, SALES_STAGES)
    add_snapshot(con, AS_OF, sales_deals())


@pytest.fixture
def sales_path(tmp_path):
    path = tmp_path / "sales.duckdb"
    with store.transaction(path) as con:
        build_sales(con)
    return path


@pytest.fixture
def sales(sales_path):
    with store.connect(sales_path) as con:
        yield con


def rows(forecast: fc.Forecast) -> dict[str, tuple]:
    """{period: (won_amount, expected)}, rounded to the cent (sums of floats)."""
    return {r.period: (round(r.won_amount, 2), round(r.expected, 2)) for r in forecast.periods.itertuples()}


# --- periods ------------------------------------------------------------------------------------------

def test_imported_forecast_by_month(imported):
    result = fc.forecast_by_month(imported)
    assert result.as_of == AS_OF
    # Nov: won 2500 (6); open 1 (Nov 30) 1000 x .5 + 5 (past due) 1500 x .8 = 1700
    # Dec: 2 (Dec 1) 2000 x .6 + 3 4000 x .25 = 2200; Jan: nothing; Feb: 9 600 x 1
    assert rows(result) == ({"2026-11": (2500, 1700), "2026-12": (0, 2200), "2027-01": (0, 0),
                                          "2027-02": (0, 600)})
    assert (result.no_close_date, result.past_due_in_first_month) == (1, 1)   # deal 4; deal 5
    february = result.periods.set_index("period").loc["2027-02"]
    assert (february.p10, february.p50, february.p90) == (600, 600, 600)     # p = 100 %: certain
    january = result.periods.set_index("period").loc["2027-01"]
    assert (january.p10, january.p90, january.method) == (0, 0, "none")


def test_imported_forecast_by_quarter(imported):
    result = fc.forecast_by_period(imported, grain="quarter")
    # Q4 2026: won 2500 + 700 (Oct 30, in the quarter); expected 1700 + 2200; Q1 2027: 600
    assert rows(result) == ({"2026-Q4": (3200, 3900), "2027-Q1": (0, 600)})
    assert list(result.periods.period_start) == [date(2026, 10, 1), date(2027, 1, 1)]


def test_report_json_forecast_rows(imported_path, capsys):
    assert cli.main(["report", "--json", "--db", str(imported_path)]) == 0
    forecast = json.loads(capsys.readouterr().out)["deals"]["forecast"]
    assert all({"period", "won_amount", "expected", "expected_open", "p10", "p50", "p90"} <= set(row)
               for row in forecast) and len(forecast) == 4
    # the hand computation of test_imported_forecast_by_month: expected_open = the open deals' part,
    # expected = the period's forecast = won_amount + expected_open (Nov 2500 + 1700 = 4200)
    assert [(r["period"], r["won_amount"], r["expected_open"], r["expected"]) for r in forecast] == [
        ("2026-11", 2500.0, pytest.approx(1700.0), pytest.approx(4200.0)),
        ("2026-12", 0.0, pytest.approx(2200.0), pytest.approx(2200.0)),
        ("2027-01", 0.0, 0.0, 0.0), ("2027-02", 0.0, pytest.approx(600.0), pytest.approx(600.0))]
    assert all(r["p10"] <= r["p50"] <= r["p90"] for r in forecast)
    # November: P10..P90 lie between the won amount alone and everything won (2500 + 1000 + 1500)
    assert 2500 <= forecast[0]["p10"] and forecast[0]["p90"] <= 5000


def test_sales_forecast_and_filter(sales):
    assert rows(fc.forecast_by_month(sales)) == ({"2026-11": (3000, 900), "2026-12": (0, 2600)})
    # Ann only: Nov won W1 3000 + X 500; Dec Z 1000
    ann = fc.forecast_by_month(sales, flt=DealFilter(owners=("Ann",)))
    assert rows(ann) == ({"2026-11": (3000, 500), "2026-12": (0, 1000)})


def test_forecast_as_of_an_earlier_date_ignores_later_snapshots(sales_path):
    with store.transaction(sales_path) as con:   # a later export where Z was won in December
        later = [d if d["deal_id"] != "Z" else {**d, "stage": "Won", "close_on": date(2026, 12, 2)}
                 for d in sales_deals()]
        add_snapshot(con, date(2026, 12, 4), later)
    with store.connect(sales_path) as con:
        assert rows(fc.forecast_by_month(con, as_of=AS_OF))["2026-12"] == (0, 2600)
        # as of 2026-12-04: first month December; won Z 4000; open Y 1600; X (Nov 30) and P are past due
        now = fc.forecast_by_month(con)
        assert rows(now) == {"2026-12": (4000, 1600 + 500 + 400)}
        assert now.past_due_in_first_month == 2


def test_empty_and_bad_arguments(tmp_path):
    with store.connect(tmp_path / "empty.duckdb") as con:
        assert fc.forecast_by_period(con, grain="quarter").periods.empty
        assert fc.forecast_categories(con).empty
        assert fc.forecast_accuracy(con).empty
        assert fc.run_rate(con).won_per_month is None
        with pytest.raises(ValueError):
            fc.forecast_by_period(con, grain="week")
        with pytest.raises(ValueError):
            fc.forecast_by_period(con, probability="guessed")


def test_period_labels():
    assert fc.period_label(date(2026, 12, 1)) == "2026-12"
    assert fc.period_label(date(2026, 10, 1), "quarter") == "2026-Q4"
    assert fc.period_start(date(2026, 11, 30), "quarter") == date(2026, 10, 1)
    assert fc.period_start(date(2027, 3, 31)) == date(2027, 3, 1)


# --- range -----------------------------------------------------------------------------------------

@pytest.fixture
def many_deals(tmp_path):
    """300 open deals closing in December 2026 (more than EXACT_MAX_DEALS) and 150 in January."""
    rng = np.random.default_rng(5)
    deals = [{"deal_id": f"D{i}", "stage": "Early", "amount": float(rng.integers(1, 200) * 100),
              "probability": float(rng.uniform(0.05, 0.95)), "created_on": date(2026, 6, 1),
              "close_on": date(2026, 12, 1 + i % 28) if i < 300 else date(2027, 1, 5)} for i in range(450)]
    with store.transaction(tmp_path / "many.duckdb") as con:
        add_stages(con, SALES_STAGES)
        add_snapshot(con, AS_OF, deals)
    with store.connect(tmp_path / "many.duckdb") as con:
        yield con, deals


def test_percentiles_ordered_and_centred(many_deals):
    con, deals = many_deals
    months = fc.forecast_by_month(con).periods.set_index("period")
    assert (months.p10 <= months.p50).all() and (months.p50 <= months.p90).all()
    assert list(months.method) == ["none", "mixed", "monte_carlo"]   # Nov empty; Dec 300 > 200; Jan 150
    for period, chosen in (("2026-12", deals[:300]), ("2027-01", deals[300:])):
        values = np.array([d["amount"] for d in chosen])
        p = np.array([d["probability"] for d in chosen])
        mean, sd = values @ p, np.sqrt(values ** 2 @ (p * (1 - p)))
        assert months.loc[period, "expected"] == pytest.approx(mean)
        # a sum of many independent deals is nearly normal: P50 near the mean, P10/P90 near mean -/+ 1.28 sd
        assert months.loc[period, "p50"] == pytest.approx(mean, abs=0.1 * sd)
        assert months.loc[period, "p10"] == pytest.approx(mean - 1.2816 * sd, abs=0.1 * sd)
        assert months.loc[period, "p90"] == pytest.approx(mean + 1.2816 * sd, abs=0.1 * sd)


def test_mixed_draws_mean_is_the_expected_value_within_monte_carlo_error():
    rng = np.random.default_rng(11)
    values, p = rng.uniform(100, 10_000, 1_000), rng.uniform(0, 1, 1_000)
    expected, variance = float(values @ p), float(values ** 2 @ (p * (1 - p)))
    draws = 20_000
    uniforms, normals = rng.random((50, draws), dtype=np.float32), rng.standard_normal(draws)
    order = np.argsort(-(values ** 2 * p * (1 - p)))[:50]
    totals = fc.period_draws(values[order], p[order], expected, variance, 1_000, uniforms, normals)
    standard_error = np.sqrt(variance / draws)
    assert abs(totals.mean() - expected) < 4 * standard_error
    assert totals.std() == pytest.approx(np.sqrt(variance), rel=0.05)


def test_same_seed_same_range_and_draw_count(many_deals):
    con, _ = many_deals
    assert fc.forecast_by_month(con).periods.equals(fc.forecast_by_month(con).periods)
    other = fc.forecast_by_month(con, seed=7).periods
    assert not other.equals(fc.forecast_by_month(con).periods)    # the seed is used


# --- configured vs calibrated ---------------------------------------------------------------------

def test_side_by_side(sales):
    both = fc.side_by_side(fc.forecast_by_month(sales), fc.forecast_by_month(sales, probability="calibrated"))
    # calibrated: closed deals W1 W2 W3 (won, reached every stage) and L1 L2 (lost, reached Early only):
    # Early 3/5 = 0.6, Late 3/3 = 1. Nov: X 1000 x .6 + P 500 x 1 = 1100; Dec: Y 2000 + Z 4000 x .6 = 4400
    assert list(both.expected_configured) == pytest.approx([900, 2600])
    assert list(both.expected_calibrated) == pytest.approx([1100, 4400])
    assert list(both.difference) == pytest.approx([200, 1800])


# --- categories ------------------------------------------------------------------------------------

def test_forecast_categories_and_roll_ups(tmp_path):
    def deal(deal_id, stage, amount, close, category):
        return {"deal_id": deal_id, "stage": stage, "amount": amount, "close_on": close,
                "created_on": date(2026, 9, 1), "forecast_category": category}
    deals = [
        deal("c1", "Early", 1000, date(2026, 11, 25), "Pipeline"),
        deal("c2", "Late", 2000, date(2026, 11, 28), "Best case"),          # HubSpot label
        deal("c3", "Late", 3000, date(2026, 11, 30), "COMMIT"),
        deal("c4", "Won", 4000, date(2026, 11, 5), "Closed won"),           # HubSpot label
        deal("c5", "Won", 500, date(2026, 11, 6), None),                   # won: Closed whatever its category
        deal("c6", "Early", 600, date(2026, 11, 10), "Omitted"),
        deal("c7", "Lost", 900, date(2026, 11, 12), "Omitted"),            # lost: nowhere
        deal("c8", "Early", 700, date(2026, 12, 5), "BEST_CASE"),          # HubSpot internal value
        deal("c9", "Early", 300, date(2026, 12, 6), None),                 # open, blank: Uncategorised
        deal("c10", "Early", 800, date(2026, 10, 30), "Pipeline"),         # past due: November
        deal("c11", "Won", 1000, date(2026, 10, 15), "Closed"),            # before the as-of month
    ]
    with store.transaction(tmp_path / "cat.duckdb") as con:
        add_stages(con, SALES_STAGES)
        add_snapshot(con, AS_OF, deals)
    with store.connect(tmp_path / "cat.duckdb") as con:
        monthly = fc.forecast_categories(con).set_index("period")
        quarterly = fc.forecast_categories(con, grain="quarter").set_index("period")
    nov = monthly.loc["2026-11"]
    # Closed 4000 + 500; Commit 3000; Best Case 2000; Pipeline 1000 + 800; Omitted 600
    assert (nov.closed, nov.commit, nov.best_case, nov.pipeline, nov.omitted, nov.uncategorised) == \
        (4500, 3000, 2000, 1800, 600, 0)
    # Commit forecast 4500 + 3000; Best Case 7500 + 2000; Pipeline 9500 + 1800 (Omitted left out)
    assert (nov.commit_forecast, nov.best_case_forecast, nov.pipeline_forecast) == (7500, 9500, 11300)
    dec = monthly.loc["2026-12"]
    assert (dec.best_case, dec.uncategorised, dec.commit_forecast, dec.best_case_forecast,
            dec.pipeline_forecast) == (700, 300, 0, 700, 1000)
    q4 = quarterly.loc["2026-Q4"]   # c11 (won in October) joins Closed: 5500
    assert (q4.closed, q4.commit_forecast, q4.best_case_forecast, q4.pipeline_forecast) == (5500, 8500, 11200, 13300)


def test_no_categories_in_the_export(sales):
    assert fc.forecast_categories(sales).empty


# --- quotas and coverage -------------------------------------------------------------------------

QUOTAS = pd.DataFrame({"period": ["2026-11", "2026-q4", "2026-11", "2026-12", "2026", None],
                       "owner": [None, " ", "Ann", "Bob", None, None],
                       "amount": [10_000, 12_000, 2_000, 1_000, 20_000, None]})


def test_coverage_and_gap(sales_path):
    with store.transaction(sales_path) as con:
        assert save_quotas(con, QUOTAS) == 5       # the blank last row is dropped
    with store.connect(sales_path) as con:
        assert list(get_quotas(con).period) == ["2026", "2026-11", "2026-11", "2026-12", "2026-Q4"]
        table = coverage(con)
    team_nov = next(r for r in table.itertuples() if r.period == "2026-11" and r.owner is None)
    # won W1 3000; remaining 7000; open closing in November: X 1000 (P is past due: not in coverage)
    # coverage 1000 / 7000; expected X 500 + P 400 -> forecast 3900; gap 10000 - 3900
    assert (team_nov.won_amount, team_nov.remaining, team_nov.open_amount) == (3000, 7000, 1000)
    assert team_nov.coverage == pytest.approx(1 / 7)
    assert (team_nov.expected, team_nov.forecast, team_nov.gap) == pytest.approx((900, 3900, 6100))
    assert team_nov.attainment == pytest.approx(0.3)


def test_coverage_per_owner_quarter_and_year(sales_path):
    with store.transaction(sales_path) as con:
        save_quotas(con, QUOTAS)
    with store.connect(sales_path) as con:
        table = coverage(con)
    by = {(r.period, r.owner): r for r in table.itertuples()}
    q4 = by[("2026-Q4", None)]
    # won W3 (Oct 1) 1000 + W1 3000; open X 1000 + Y 2000 + Z 4000 + P 500 (Oct 25, in Q4); expected 900 + 2600
    assert (q4.won_amount, q4.remaining, q4.open_amount, q4.expected, q4.gap) == \
        pytest.approx((4000, 8000, 7500, 3500, 12_000 - 7500))
    assert q4.coverage == pytest.approx(7500 / 8000)
    ann = by[("2026-11", "Ann")]
    # Ann won W1 3000 > quota 2000: met, no coverage; forecast 3000 + X 500; gap 2000 - 3500
    assert (ann.won_amount, ann.remaining, ann.gap) == pytest.approx((3000, -1000, -1500))
    assert ann.coverage is None or np.isnan(ann.coverage)
    assert ann.attainment == pytest.approx(1.5)
    bob = by[("2026-12", "Bob")]
    # Bob in December: nothing won; open Y 2000 -> coverage 2000 / 1000; expected 1600; gap 1000 - 1600
    assert (bob.coverage, bob.expected, bob.gap) == pytest.approx((2.0, 1600, -600))
    year = by[("2026", None)]
    # 2026: won W1 + W2 + W3 = 7000; open X Y Z P 7500; expected 3500; coverage 7500 / 13000
    assert (year.won_amount, year.open_amount, year.expected) == pytest.approx((7000, 7500, 3500))
    assert year.coverage == pytest.approx(7500 / 13000)


@pytest.mark.parametrize("table, code, values", [
    (pd.DataFrame({"period": ["2026-13"], "owner": [None], "amount": [1.0]}), "bad_period",
     {"row": 1, "period": "2026-13"}),
    (pd.DataFrame({"period": ["2026-11", "q4"], "owner": [None, None], "amount": [1.0, 1.0]}), "bad_period",
     {"row": 2, "period": "Q4"}),                                  # the period as read: upper case
    (pd.DataFrame({"period": [None], "owner": ["Ann"], "amount": [1.0]}), "period_missing", {"row": 1}),
    (pd.DataFrame({"period": ["2026-12"], "owner": [None], "amount": [-5.0]}), "amount_negative", {"row": 1}),
    (pd.DataFrame({"period": ["2026-12"], "owner": [None], "amount": [None]}), "amount_not_number", {"row": 1}),
    (pd.DataFrame({"period": ["2026-12"], "owner": [None], "amount": ["ten"]}), "amount_not_number", {"row": 1}),
    (pd.DataFrame({"period": ["2026-12", "2026-12"], "owner": ["Ann", "Ann"], "amount": [1.0, 2.0]}), "owner_twice",
     {"period": "2026-12", "owner": "Ann"}),
    (pd.DataFrame({"period": ["2026-Q4", "2026-q4"], "owner": [None, None], "amount": [1.0, 2.0]}), "team_twice",
     {"period": "2026-Q4"}),
])
def test_bad_quotas_are_refused_with_a_code_and_its_arguments(table, code, values):
    with pytest.raises(QuotaError) as refused:
        clean_quotas(table)
    assert (refused.value.code, refused.value.values) == (code, values)


def test_a_refused_quota_reads_in_english_for_the_cli_and_in_french_in_the_app():
    from ui.i18n import set_language
    from ui.reasons import quota_refusal

    with pytest.raises(QuotaError) as too_large:
        clean_quotas(pd.DataFrame({"period": ["2026-12"], "owner": [None], "amount": [1e15]}))
    assert str(too_large.value) == "Row 1: the quota must be below 1,000,000,000,000,000."   # 10 ** 15
    with pytest.raises(QuotaError) as twice:
        clean_quotas(pd.DataFrame({"period": ["2026-12", "2026-12"], "owner": ["Ann", "Ann"], "amount": [1, 2]}))
    set_language("fr")
    try:
        assert quota_refusal(too_large.value) == \
            "Ligne 1 : l'objectif doit être inférieur à 1\u202f000\u202f000\u202f000\u202f000\u202f000."
        assert quota_refusal(twice.value) == "2026\\-12 a deux objectifs pour Ann."   # the typed period escaped
    finally:
        set_language("en")


def test_saving_quotas_is_all_or_nothing(sales_path):
    with store.transaction(sales_path) as con:
        save_quotas(con, QUOTAS)
    bad = pd.DataFrame({"period": ["2026-11", "nope"], "owner": [None, None], "amount": [1.0, 2.0]})
    with pytest.raises(ValueError):
        with store.transaction(sales_path) as con:
            save_quotas(con, bad)
    with store.connect(sales_path) as con:
        assert len(get_quotas(con)) == 5


# --- run rate -------------------------------------------------------------------------------------

def test_run_rate_inputs(sales):
    rate = fc.run_rate(sales)
    assert (rate.window_from, rate.window_to) == (date(2026, 5, 1), date(2026, 10, 31))
    assert rate.created_per_month == pytest.approx(1.0)       # Z W1 W2 W3 L1 L2 over 6 months
    assert (rate.win_rate, rate.avg_won_amount, rate.cycle_days) == pytest.approx((0.5, 2000, 30))
    assert rate.won_per_month == pytest.approx(1000)
    # a 3-month window (Aug-Oct): created W1 W2 W3 L1 L2 = 5 / 3; closed the same four deals
    assert fc.run_rate(sales, lookback_months=3).created_per_month == pytest.approx(5 / 3)


# --- accuracy --------------------------------------------------------------------------------------

def test_forecast_accuracy(tmp_path):
    """Snapshots 2026-10-05 and 2026-10-20 forecast October and November; as of 2026-12-03 both months are over.

    S1 (Oct 5):  D1 Early 1000 closes Oct 25; D2 Late 2000 closes Nov 15; W0 won 500 on Oct 2.
    S2 (Oct 20): D1 moved to Late (close Oct 28); D2 unchanged; W0.
    S3 (Dec 3):  D1 won 1000 on Oct 30; D2 lost; W0; D3 (new) won 700 on Nov 10.
    Actual: October 500 + 1000 = 1500; November 700.
    S1: Oct 500 + 1000 x .25 = 750; Nov 2000 x .8 = 1600.  S2: Oct 500 + 1000 x .8 = 1300; Nov 1600.
    """
    def deal(deal_id, stage, amount, close):
        return {"deal_id": deal_id, "stage": stage, "amount": amount, "close_on": close,
                "created_on": date(2026, 9, 1)}
    w0 = deal("W0", "Won", 500, date(2026, 10, 2))
    with store.transaction(tmp_path / "acc.duckdb") as con:
        add_stages(con, SALES_STAGES)
        add_snapshot(con, date(2026, 10, 5), [deal("D1", "Early", 1000, date(2026, 10, 25)),
                                              deal("D2", "Late", 2000, date(2026, 11, 15)), w0])
        add_snapshot(con, date(2026, 10, 20), [deal("D1", "Late", 1000, date(2026, 10, 28)),
                                               deal("D2", "Late", 2000, date(2026, 11, 15)), w0])
        add_snapshot(con, date(2026, 12, 3), [deal("D1", "Won", 1000, date(2026, 10, 30)),
                                              deal("D2", "Lost", 2000, date(2026, 11, 20)), w0,
                                              deal("D3", "Won", 700, date(2026, 11, 10))])
    with store.connect(tmp_path / "acc.duckdb") as con:
        detail = fc.forecast_accuracy(con)
    got = [(r.snapshot_on, r.period, r.months_ahead, r.forecast, r.actual, r.error) for r in detail.itertuples()]
    assert got == [(date(2026, 10, 5), "2026-10", 0, 750, 1500, -750),
                   (date(2026, 10, 5), "2026-11", 1, 1600, 700, 900),
                   (date(2026, 10, 20), "2026-10", 0, 1300, 1500, -200),
                   (date(2026, 10, 20), "2026-11", 1, 1600, 700, 900)]
    assert list(detail.abs_pct_error) == pytest.approx([0.5, 900 / 700, 200 / 1500, 900 / 700])
    summary = fc.accuracy_by_month(detail).set_index("period")
    # October: MAPE (0.5 + 0.1333) / 2, mean error (-750 - 200) / 2; the last forecast is S2's
    assert summary.loc["2026-10", "mape"] == pytest.approx((0.5 + 200 / 1500) / 2)
    assert (summary.loc["2026-10", "mean_error"], summary.loc["2026-10", "last_forecast"]) == (-475, 1300)
    assert summary.loc["2026-11", "mape"] == pytest.approx(900 / 700)
    assert list(summary.snapshots) == [2, 2]


def test_no_accuracy_with_a_single_snapshot(sales):
    assert fc.forecast_accuracy(sales).empty
    assert fc.accuracy_by_month(fc.forecast_accuracy(sales)).empty


def test_deals_report_forecast_rows_are_exactly_the_contract(sales):
    forecast = deals_report(sales)["forecast"]
    assert [list(row) for row in forecast] == [["period", "won_amount", "expected", "expected_open", "p10", "p50",
                                                "p90", "expected_new", "p10_with_new", "p50_with_new",
                                                "p90_with_new"]] * 2
    # new deals, 12 months 2025-11..2026-10: created X Y Z P W1 W2 W3 L1 L2 = 9 / 12 = 0.75 a month; closed W2 W3
    # won, L1 L2 lost: 0.5; average won (3000 + 1000) / 2 = 2000; cycle 30 days -> 750 a month from Dec 20 on:
    # November 0, December 750 x 12/31 (Dec 20..31)
    assert [r["expected_new"] for r in forecast] == pytest.approx([0, 750 * 12 / 31])
    # Nov: won 3000 + open 900 -> expected 3900; Dec: nothing won + open 2600
    assert [(r["period"], r["won_amount"], r["expected_open"], r["expected"]) for r in forecast] == [
        ("2026-11", 3000.0, pytest.approx(900.0), pytest.approx(3900.0)),
        ("2026-12", 0.0, pytest.approx(2600.0), pytest.approx(2600.0))]

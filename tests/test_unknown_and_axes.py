"""What the pages show once worded: money axes in the short form of the language, unknown amounts as unknown (not
0) in the owner table and the Priorities headline, and the period format explained in French."""
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from ui import sales_tables
from ui.charts.base import money_axis, set_money_axis
from ui.i18n import set_language, t

NBSP = "\u00a0"


@pytest.fixture
def french():
    set_language("fr")
    yield
    set_language("en")


def test_money_axis_in_english():
    # span 0 – 2.4M over ~5 steps: 2.4M / 5 = 480K, the next 1/2/5 × 10^k is 5 × 100K = 500K -> 0 … 2.5M
    axis = money_axis([0, 1_000_000, 2_400_000])
    assert axis["tickvals"] == [0, 500_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000]
    assert axis["ticktext"] == ["0", "500K", "1M", "1.5M", "2M", "2.5M"]


def test_money_axis_in_french_puts_the_space(french):
    axis = money_axis([0, 2_400_000])
    assert axis["ticktext"] == ["0", f"500{NBSP}k", f"1{NBSP}M", f"1,5{NBSP}M", f"2{NBSP}M", f"2,5{NBSP}M"]
    # with a currency: 100 000 € reads "100 k €"; span 0 – 100K: 20K steps (100K / 5 = 20K exactly)
    axis = money_axis([100_000, math.nan], "EUR")
    assert axis["tickvals"] == [0, 20_000, 40_000, 60_000, 80_000, 100_000]
    assert axis["ticktext"][-1] == f"100{NBSP}k{NBSP}€"


def test_money_axis_zoomed_away_from_zero():
    # a waterfall zoomed on 812K – 1.19M: span 378K / 5 = 75.6K -> 100K steps, from 800K to 1.2M
    axis = money_axis([812_000, 1_190_000], zero=False)
    assert axis["tickvals"] == [800_000, 900_000, 1_000_000, 1_100_000, 1_200_000]
    assert axis["ticktext"] == ["800K", "900K", "1M", "1.1M", "1.2M"]


def test_set_money_axis_spans_stacked_bars_and_error_bars():
    fig = go.Figure([go.Bar(x=["a", "b"], y=[1000, 2000]), go.Bar(x=["a", "b"], y=[3000, 6000]),
                     go.Scatter(x=["a"], y=[3000], error_y=dict(type="data", array=[9000], arrayminus=[1000]))])
    fig.update_layout(barmode="stack")
    set_money_axis(fig, "y")
    # stacks: a = 4,000, b = 8,000; the error bar reaches 3,000 + 9,000 = 12,000 -> 0 … 12,000 by 5,000 (12K/5 =
    # 2.4K -> 5K): 0, 5K, 10K, 15K; below 10,000 the amount is exact
    assert list(fig.layout.yaxis.tickvals) == [0, 5000, 10000, 15000]
    assert list(fig.layout.yaxis.ticktext) == ["0", "5,000", "10K", "15K"]


def _board():
    rates = pd.DataFrame({"owner": ["Ann", "Bob", "Cy"], "won_amount": [100.0, 50.0, 0.0],
                          "win_rate": [0.5, 0.25, 0.0]})
    open_by_owner = pd.DataFrame({"owner": ["Ann", "Bob", "Dee"], "open_deals": [2, 1, 3],
                                  "open_amount": [300.0, 0.0, 0.0], "weighted_amount": [90.0, 0.0, 0.0],
                                  "valued": [2, 0, 1]})
    return sales_tables.owner_board(rates, open_by_owner).set_index("owner")


def test_owner_board_keeps_unknown_apart_from_zero():
    board = _board()
    assert list(board.index) == ["Ann", "Bob", "Cy", "Dee"]  # by won amount: 100, 50, 0, none (0)
    assert (board.loc["Ann", "open_amount"], board.loc["Ann", "weighted_amount"]) == (300.0, 90.0)
    # Bob's one open deal has no amount: unknown, in both columns
    assert math.isnan(board.loc["Bob", "open_amount"]) and math.isnan(board.loc["Bob", "weighted_amount"])
    # Cy has no open deal: zero deals, zero pipeline, zero weighted (no "—" beside a 0)
    assert (board.loc["Cy", "open_deals"], board.loc["Cy", "open_amount"], board.loc["Cy", "weighted_amount"]) == (
        0, 0.0, 0.0)
    # Dee's deals add up to 0 with one known amount: a real zero
    assert (board.loc["Dee", "open_amount"], board.loc["Dee", "won_amount"]) == (0.0, 0.0)


def test_owner_table_words_unknown_as_a_dash():
    from ui import fmt

    board = _board().reset_index()
    shown = fmt.table(board[["owner", "open_amount", "weighted_amount"]],
                      {"open_amount": "money", "weighted_amount": "money"}, currency="EUR")
    assert shown.cells.to_dict("records") == [
        {"owner": "Ann", "open_amount": "€300", "weighted_amount": "€90"},
        {"owner": "Bob", "open_amount": "—", "weighted_amount": "—"},
        {"owner": "Cy", "open_amount": "€0", "weighted_amount": "€0"},
        {"owner": "Dee", "open_amount": "€0", "weighted_amount": "€0"}]


def test_expected_value_is_unknown_without_any_amount():
    assert sales_tables.expected_value_text(pd.Series([math.nan, math.nan]), "EUR") is None
    # 400 + 600 (the deal without an amount left out) = 1,000
    assert sales_tables.expected_value_text(pd.Series([400.0, math.nan, 600.0]), "EUR") == "€1,000"


def test_unknown_expected_value_is_worded_in_both_languages(french):
    assert t("Unknown") == "Inconnue"
    assert t("No open deal has a known amount, so the expected value is unknown.") == (
        "Aucune affaire ouverte n'a de montant connu : la valeur attendue est inconnue.")


def test_quota_periods_explain_their_format_in_french(french):
    hint = t("Enter a quota for a month (2026-12), a quarter (2026-Q4) or a year, for the team (no owner) or an "
             "owner, and save: coverage and the gap to quota appear here.")
    assert "format AAAA-MM, p. ex. 2026-12" in hint and "format AAAA-QN, p. ex. 2026-Q4" in hint
    assert t("2026-12, 2026-Q4 or 2026").startswith("Format AAAA-MM pour un mois (2026-12)")
    assert "format AAAA-MM" in t("A month (2026-12) or a quarter (2026-Q4).")

"""Chart builders read at a glance: empty data says why, heatmap months in the language, readable labels."""
from __future__ import annotations

import pandas as pd
import pytest

from ui.charts import forecast, movement, people, priorities, sales, scorecards, voice
from ui.i18n import set_language


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def sentence(fig) -> str:
    (note,) = fig.layout.annotations
    return note.text


def test_every_builder_given_no_rows_returns_a_sentence_and_no_trace():
    nothing = pd.DataFrame()
    figures = [
        sales.funnel_chart(pd.DataFrame({"stage": [], "reached": [], "reached_amount": [],
                                         "conversion_to_next": []}), False, "EUR"),
        sales.stage_days_chart(nothing, []), sales.inventory_heatmap(nothing, [], "EUR"),
        sales.owner_bars(nothing, "EUR"), sales.calibration_chart(nothing), sales.loss_reasons_chart(nothing, "EUR"),
        forecast.forecast_chart(nothing, "EUR", projection=True, scenario=False),
        forecast.accuracy_chart(nothing, "EUR"), forecast.coverage_gauge(None, "Coverage"),
        movement.trend_chart(nothing, "open_amount", "EUR"), movement.push_rate_chart(nothing),
        movement.reasons_chart(nothing, "EUR"),
        priorities.drivers_chart(nothing, {}, "EUR"), priorities.reliability_chart(nothing),
        scorecards.win_rate_vs_created(nothing, "EUR"),
        people.enps_trend(nothing, 5), people.enps_mix(nothing, 5), people.enps_by_group(nothing, 5, "eNPS"),
        people.top_terms(nothing), people.question_bars(nothing, 5), people.favourable_trend(nothing),
        people.question_heatmap(nothing, 5, "Team"), people.interval_by_manager(nothing, 30),
        people.meetings_per_month(nothing), voice.theme_bars(nothing, str), voice.response_rates(nothing),
    ]
    for fig in figures:
        assert len(fig.data) == 0
        assert sentence(fig).endswith(".") and len(sentence(fig).split()) >= 4


def test_a_funnel_whose_stages_are_all_zero_says_so():
    zero = pd.DataFrame({"stage": ["Lead", "Won"], "reached": [0, 0], "reached_amount": [0.0, 0.0],
                         "conversion_to_next": [None, None]})
    fig = sales.funnel_chart(zero, False, "EUR")
    assert len(fig.data) == 0 and "nothing to draw" in sentence(fig)


def inventory() -> pd.DataFrame:
    return pd.DataFrame({"stage": ["Lead", "Lead", "Won"], "close_month": ["2026-08", "2026-09", "2026-08"],
                         "amount": [100.0, 1000.0, 300.0]})


def test_heatmap_months_are_named_in_french_and_no_column_is_clipped():
    set_language("fr")
    fig = sales.inventory_heatmap(inventory(), ["Lead", "Won"], "EUR")
    assert list(fig.data[0].x) == ["août 2026", "sept. 2026"]
    assert fig.layout.xaxis.type == "category"  # a category axis: the first month is a whole column, not a date edge


def test_heatmap_labels_are_white_on_dark_cells_and_dark_on_light_ones():
    fig = sales.inventory_heatmap(inventory(), ["Lead", "Won"], None)
    colours = {a.text: a.font.color for a in fig.layout.annotations}
    # shares of the largest cell (1000): 100 -> 0.1 light, 300 -> 0.3 light, 1000 -> 1.0 dark
    assert colours == {"100": "#1F2937", "300": "#1F2937", "1,000": "white"}


def test_pulse_trend_zooms_to_the_data_and_labels_each_line():
    results = pd.DataFrame({
        "wave": ["2026-10", "2026-11", "2026-10", "2026-11"], "question": ["Tools", "Tools", "Pay", "Pay"],
        "favourable": [0.42, 0.58, 0.50, 0.52], "suppressed": [False] * 4})
    fig = people.favourable_trend(results)
    low, high = fig.layout.yaxis.range
    # values 42..58 %, 5 points of padding: 37 to 63 (the end labels at 58 and 52 are 6 apart, more than the
    # minimum gap of (63 - 37) × 0.07 = 1.82, so none is pushed)
    assert (low, high) == pytest.approx((37.0, 63.0))
    assert fig.data[0].line.color != fig.data[1].line.color
    assert sorted((a.text, round(a.y, 6)) for a in fig.layout.annotations) == [("Pay", 52.0), ("Tools", 58.0)]


def test_legends_sit_outside_the_plot_never_over_the_names():
    owners = pd.DataFrame({"owner": ["Ann", "Bob"], "open_amount": [10.0, 20.0], "won_amount": [5.0, 0.0]})
    legend = sales.owner_bars(owners, "EUR").layout.legend
    assert (legend.orientation, legend.y, legend.yanchor) == ("h", 1.0, "bottom")  # 2 entries: one row above
    stages = pd.DataFrame({"pipeline": "P", "stage": list("ABCDE"), "position": range(5),
                           "snapshot_on": [pd.Timestamp("2026-11-06").date()] * 5, "open_amount": 1.0})
    legend = movement.trend_chart(stages, "open_amount", "EUR").layout.legend
    assert (legend.orientation, legend.x, legend.xanchor) == ("v", 1.02, "left")  # 5 entries: a column on the right


def test_a_crowded_scorecard_chart_names_only_its_outliers_and_every_point_in_the_hover():
    rates = [0.5, 0.3, 0.9, 0.2, 0.6, 0.4, 0.8, 0.1, 0.7, 0.35]
    owners = pd.DataFrame({"owner": [f"O{i}" for i in range(10)], "pipeline_created": [100.0 * i for i in range(10)],
                           "win_rate": rates, "note": [None] * 10})
    (points,) = scorecards.win_rate_vs_created(owners, "EUR").data
    # 10 owners > 8: the 3 largest creators O9, O8, O7; lowest rates O7 (0.1), O3 (0.2); highest O2 (0.9), O6 (0.8)
    assert {name for name in points.text if name} == {"O2", "O3", "O6", "O7", "O8", "O9"}
    assert [row[0] for row in points.customdata] == [f"O{i}" for i in range(10)]


def test_open_deals_without_amounts_draw_no_zero_grid_and_no_empty_series():
    # an export whose open deals carry no amount (the Maven CRM sample): inventory sums are 0 or unknown
    inventory = pd.DataFrame({"stage": ["Lead", "Offer"], "close_month": [None, None], "amount": [0.0, None]})
    fig = sales.inventory_heatmap(inventory, ["Lead", "Offer"], None)
    assert len(fig.data) == 0 and "no amount" in sentence(fig)
    owners = pd.DataFrame({"owner": ["Ann", "Bob"], "open_amount": [0.0, 0.0], "won_amount": [120.0, 80.0]})
    fig = sales.owner_bars(owners, None)
    assert [bar.name for bar in fig.data] == ["won in period"]
    assert fig.layout.showlegend is True  # the one series left is still named (Plotly hides a lone trace's legend)

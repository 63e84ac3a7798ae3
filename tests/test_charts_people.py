"""Chart builders of the people pages: the traces carry the numbers given, and never a suppressed group's."""
import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics.people import privacy, survey
from ui.charts import people as charts
from ui.i18n import set_language

PRIMARY = privacy.FEW_RESPONSES
LABEL = "fewer than 5 responses"  # what a FEW_RESPONSES row shows, with k = 5


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def waves_frame():
    """Three waves; the second is suppressed (every number empty), as analytics returns it."""
    return pd.DataFrame({
        "wave": ["2026-09", "2026-10", "2026-11"],
        "responses": pd.array([40, None, 50], dtype="Int64"),
        "pct_promoters": [0.4, None, 0.5], "pct_passives": [0.35, None, 0.3], "pct_detractors": [0.25, None, 0.2],
        "enps": [15.0, None, 30.0], "margin_of_error": [20.0, None, 18.0],
        "margin_of_error_fpc": [None, None, None],
        "suppressed": [False, True, False], "reason": [None, PRIMARY, None]})


def groups_frame():
    return pd.DataFrame({
        "group": ["Engineering", "Finance", "Legal", survey.NOT_GIVEN],
        "responses": pd.array([60, None, None, 12], dtype="Int64"),
        "enps": [-10.0, None, None, 25.0], "margin_of_error": [15.0, None, None, 40.0],
        "suppressed": [False, True, True, False], "reason": [None, privacy.DERIVABLE, PRIMARY, None]})


def trace(fig, name):
    return next(tr for tr in fig.data if tr.name == name)


def annotations(fig):
    return [a.text for a in fig.layout.annotations]


def test_enps_trend_band_is_enps_plus_and_minus_margin():
    fig = charts.enps_trend(waves_frame(), k=5)
    assert isinstance(fig, go.Figure)
    upper, lower, line = fig.data
    assert list(line.y) == [15.0, None, 30.0]
    assert list(upper.y) == [35.0, None, 48.0]
    assert list(lower.y) == [-5.0, None, 12.0]
    assert lower.fill == "tonexty" and upper.fill is None
    assert annotations(fig) == [LABEL]


def test_enps_trend_band_stays_within_the_scale_and_can_use_the_corrected_margin():
    frame = waves_frame().assign(enps=[90.0, None, -95.0], margin_of_error_fpc=[5.0, None, 3.0])
    upper, lower, _ = charts.enps_trend(frame, k=5).data
    assert list(upper.y) == [100.0, None, -77.0]
    assert list(lower.y) == [70.0, None, -100.0]
    upper, lower, _ = charts.enps_trend(frame, k=5, margin_column="margin_of_error_fpc").data
    assert list(upper.y) == [95.0, None, -92.0]


def test_enps_mix_stacks_the_three_shares_in_percent():
    fig = charts.enps_mix(waves_frame(), k=5)
    assert fig.layout.barmode == "stack"
    assert [tr.name for tr in fig.data] == ["Promoters (9–10)", "Passives (7–8)", "Detractors (0–6)"]
    assert list(fig.data[0].y) == [40.0, None, 50.0]
    assert list(fig.data[2].y) == [25.0, None, 20.0]
    for i in (0, 2):
        assert sum(tr.y[i] for tr in fig.data) == pytest.approx(100.0)
    assert annotations(fig) == [LABEL]


def test_enps_by_group_has_no_bar_for_suppressed_groups():
    fig = charts.enps_by_group(groups_frame(), k=5, title="eNPS by department")
    (bars,) = fig.data
    assert list(bars.y) == ["Engineering", "Finance", "Legal", "(not given)"]
    assert list(bars.x) == [-10.0, None, None, 25.0]
    assert list(bars.error_x.array) == [15.0, None, None, 40.0]
    assert bars.customdata[1] is None and bars.customdata[2] is None
    # value labels sit beyond the whisker's outer end: Engineering −10 ± 15 ends at −25 (label to its left),
    # (not given) +25 ± 40 ends at 65 (label to its right); the hidden groups get a sentence, no number
    assert sorted(annotations(fig)) == sorted([LABEL, "hidden to protect a smaller group", "−10", "+25"])
    values = {a.text: a for a in fig.layout.annotations}
    assert (values["−10"].x, values["−10"].xanchor) == (-25.0, "right")
    assert (values["+25"].x, values["+25"].xanchor) == (65.0, "left")
    assert "Legal" not in str(bars.customdata) and fig.layout.title.text == "eNPS by department"


def test_french_labels_and_separators():
    set_language("fr")
    fig = charts.enps_by_group(groups_frame(), k=5, title="eNPS par service")
    assert "moins de 5 réponses" in annotations(fig)
    assert list(fig.data[0].y)[-1] == "(non renseigné)"
    assert fig.layout.separators.startswith(",")
    assert [tr.name for tr in charts.enps_mix(waves_frame(), k=5).data][0] == "Promoteurs (9–10)"


def questions_frame():
    return pd.DataFrame({
        "wave": ["2026-10", "2026-10", "2026-11", "2026-11"],
        "question": ["Tools", "Workload", "Tools", "Workload"],
        "responses": pd.array([20, None, 22, 30], dtype="Int64"),
        "mean": [3.5, None, 3.9, 2.8],
        "favourable": [0.5, None, 0.6, 0.3], "neutral": [0.3, None, 0.25, 0.3],
        "unfavourable": [0.2, None, 0.15, 0.4],
        "suppressed": [False, True, False, False], "reason": [None, PRIMARY, None, None]})


def test_question_bars_stack_unfavourable_neutral_favourable():
    fig = charts.question_bars(questions_frame().iloc[:2], k=5)
    assert [tr.name for tr in fig.data] == ["Unfavourable", "Neutral", "Favourable"]
    assert list(fig.data[2].x) == [50.0, None]
    assert list(fig.data[0].x) == [20.0, None]
    assert annotations(fig) == [LABEL]


def test_favourable_trend_has_one_line_per_question_with_a_gap_when_suppressed():
    fig = charts.favourable_trend(questions_frame())
    assert [tr.name for tr in fig.data] == ["Tools", "Workload"]
    assert list(fig.data[0].y) == [50.0, 60.0]
    assert list(fig.data[1].y) == [None, 30.0]
    assert list(fig.data[1].x) == ["Oct 2026", "Nov 2026"]  # waves named as months (ui.fmt.period)


def test_heatmap_leaves_suppressed_cells_blank_with_a_hover_label():
    heat = pd.DataFrame({
        "question": ["Tools"] * 3 + ["Workload"] * 3,
        "group": ["Engineering", "Legal", "Sales"] * 2,
        "responses": pd.array([40, None, 30, 40, None, 30], dtype="Int64"),
        "mean": [3.6, None, 3.1, 3.0, None, 2.5],
        "favourable": [0.6, None, 0.4, 0.45, None, 0.2],
        "suppressed": [False, True, False, False, True, False], "reason": [None, PRIMARY, None, None, PRIMARY, None]})
    (cells,) = charts.question_heatmap(heat, k=5, dimension_label="department").data
    assert list(cells.x) == ["Engineering", "Legal", "Sales"]
    assert [list(row) for row in cells.z] == [[60.0, None, 40.0], [45.0, None, 20.0]]
    assert cells.text[0][1] == "" and LABEL in cells.hovertext[0][1]
    assert not any(ch.isdigit() for ch in cells.hovertext[0][1].split("<br>")[-1].replace(LABEL, ""))


def test_interval_by_manager_draws_the_cadence_line():
    managers = pd.DataFrame({"manager": ["Aisha Khan", "Oliver Grant", "New Manager"],
                             "median_interval_days": [14.0, 38.5, None]})
    fig = charts.interval_by_manager(managers, cadence_days=30)
    assert list(fig.data[0].y) == [14.0, 38.5, None]
    assert fig.layout.shapes[0].y0 == 30
    assert "Cadence: 30 days" in annotations(fig)


def test_meetings_per_month_stacks_managers_and_fills_missing_months_with_nothing():
    monthly = pd.DataFrame({"month": ["2026-06", "2026-06", "2026-07"], "manager": ["A", "B", "A"],
                            "meetings": [4, 2, 5]})
    fig = charts.meetings_per_month(monthly)
    assert fig.layout.barmode == "stack"
    assert {tr.name: list(tr.y) for tr in fig.data} == {"A": [4, 5], "B": [2, None]}


def test_top_terms_keeps_the_order_given():
    fig = charts.top_terms(pd.DataFrame({"term": ["workload", "tools"], "count": [7, 3]}))
    assert list(fig.data[0].y) == ["workload", "tools"] and list(fig.data[0].x) == [7, 3]


def test_hidden_messages_say_which_rule_hid_the_selection():
    assert charts.hidden_everywhere_message([privacy.FEW_RESPONSES], 5).startswith("Fewer than 5 responses in every")
    mixed = charts.hidden_everywhere_message([privacy.FEW_RESPONSES, privacy.DERIVABLE], 5)
    assert "single out a group of fewer than 5 people" in mixed
    assert charts.hidden_wave_message(privacy.FEW_RESPONSES, "2026-11", 7) == (
        "Wave 2026-11: fewer than 7 responses for this selection, so its results are hidden.")
    assert "single out" in charts.hidden_wave_message(privacy.DERIVABLE, "2026-11", 7)
    set_language("fr")
    assert charts.hidden_wave_message(privacy.FEW_RESPONSES, "2026-11", 7).startswith("Vague 2026-11")
    set_language("en")


def test_a_legend_above_a_people_chart_has_its_own_row_under_the_title():
    """In a half-width column, three entries right-aligned on the title's row wrapped over the title (French
    "Promoteurs, passifs et détracteurs"): the legend starts at the left, under the title anchored at the top."""
    set_language("fr")
    try:
        waves = pd.DataFrame({"wave": ["2026-10", "2026-11"], "pct_promoters": [0.4, 0.5], "pct_passives": [0.3, 0.3],
                              "pct_detractors": [0.3, 0.2], "suppressed": [False, False], "reason": [None, None]})
        fig = charts.enps_mix(waves, 5)
    finally:
        set_language("en")
    legend, title = fig.layout.legend, fig.layout.title
    assert (legend.orientation, legend.xanchor, legend.x, legend.yanchor) == ("h", "left", 0.0, "bottom")
    assert legend.y > 1 and title.yanchor == "top"
    assert fig.layout.margin.t >= 100  # the title's line (~25 px) and two legend rows (~40 px) above the plot

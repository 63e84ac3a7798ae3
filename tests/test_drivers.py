"""Key drivers of eNPS, focus areas and question trends (issue 19), against values worked out by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from analytics import store
from analytics.people import drivers, privacy, question_trends
from analytics.people.stats import (
    benjamini_hochberg,
    excludes_zero,
    fisher_interval,
    spearman_rho,
    two_proportion_test,
)
from analytics.reports import json_report
from tests.test_survey import add_survey, resp

Q = [("Workload is manageable", 1, 1, 5, False)]

# Six respondents: the question's answer x and the eNPS answer y.
X = [1, 2, 2, 4, 5, 3]
Y = [3, 5, 6, 8, 10, 9]
# ranks of x, ties averaged: 1 -> 1; 2, 2 -> (2 + 3) / 2 = 2.5 each; 3 -> 4; 4 -> 5; 5 -> 6
#   rx = [1, 2.5, 2.5, 5, 6, 4]; ranks of y: ry = [1, 2, 3, 4, 6, 5]; both means = 21 / 6 = 3.5
#   dx = [-2.5, -1, -1, 1.5, 2.5, 0.5], dy = [-2.5, -1.5, -0.5, 0.5, 2.5, 1.5]
#   sum dx dy = 6.25 + 1.5 + 0.5 + 0.75 + 6.25 + 0.75 = 16
#   sum dx² = 6.25 + 1 + 1 + 2.25 + 6.25 + 0.25 = 17;  sum dy² = 6.25 + 2.25 + 0.25 + 0.25 + 6.25 + 2.25 = 17.5
#   rho = 16 / sqrt(17 x 17.5) = 16 / sqrt(297.5) = 16 / 17.248188 = 0.927634
RHO_6 = 0.927634


def test_spearman_rho_of_six_respondents_with_a_tie():
    assert spearman_rho(X, Y) == pytest.approx(RHO_6, abs=1e-6)


def test_spearman_rho_is_undefined_when_an_answer_does_not_vary():
    assert spearman_rho([4, 4, 4, 4], [1, 5, 9, 10]) is None


def test_fisher_interval_with_fieller_standard_error():
    # n = 6: se = 1.06 / sqrt(3) = 0.612002; 1.96 se = 1.199524
    # z = atanh(0.927634) = 0.5 ln(1.927632 / 0.072368) = 0.5 ln(26.6365) = 1.641132
    # low = tanh(1.641132 - 1.199524) = tanh(0.441608) = 0.414976; high = tanh(2.840656) = 0.993205
    low, high = fisher_interval(RHO_6, 6)
    assert (low, high) == pytest.approx((0.414976, 0.993205), abs=1e-4)
    assert excludes_zero(low, high)
    # rho = 0.3, n = 10: z = atanh(0.3) = 0.309520; 1.96 x 1.06 / sqrt(7) = 0.785258
    # low = tanh(-0.475738) = -0.442825, high = tanh(1.094778) = 0.798617: 0 inside, not significant
    low, high = fisher_interval(0.3, 10)
    assert (low, high) == pytest.approx((-0.442825, 0.798617), abs=1e-4)
    assert not excludes_zero(low, high)
    with pytest.raises(ValueError):
        fisher_interval(0.5, 3)


def six(db, **settings):
    add_survey(db, [resp(y, answers={"Workload is manageable": x}) for x, y in zip(X, Y, strict=True)], Q,
               settings={"anonymity_threshold": 5, **settings})


def test_key_driver_of_the_six_respondents_with_the_floor_lowered(db):
    six(db)
    with store.connect(db) as con:
        row = drivers.key_drivers(con, min_answers=6).iloc[0]
    assert (row.wave, row.question, row.n) == ("2026-10", "Workload is manageable", 6)
    assert row.rho == pytest.approx(RHO_6, abs=1e-6)
    assert (row.ci_low, row.ci_high) == pytest.approx((0.414976, 0.993205), abs=1e-4)
    assert bool(row.significant) and not row.suppressed
    # favourable = answers 4-5: x = 4 and 5 -> 2 / 6; mean = (1 + 2 + 2 + 4 + 5 + 3) / 6 = 17 / 6
    assert (row.favourable, row["mean"]) == pytest.approx((2 / 6, 17 / 6))


def test_six_respondents_are_not_enough_for_a_driver(db):
    six(db)
    with store.connect(db) as con:
        row = drivers.key_drivers(con).iloc[0]
        report = json_report.build_report(con)["survey"]
    assert drivers.MIN_DRIVER_ANSWERS == 25
    assert row.suppressed and row.reason == drivers.NOT_ENOUGH_ANSWERS and pd.isna(row.rho) and pd.isna(row.n)
    assert report["drivers"] is None


def floor_fixture():
    """Alpha 25 and Beta 24 respondents; answers rise with eNPS (2 -> 1, 8 -> 3, 10 -> 5) in both groups."""
    pattern = [(2, 1), (8, 3), (10, 5)]
    return [resp(pattern[i % 3][0], groups={"department": name}, answers={"Workload is manageable": pattern[i % 3][1]})
            for name, size in (("Alpha", 25), ("Beta", 24)) for i in range(size)]


def test_a_group_needs_25_answers_for_a_driver(db):
    add_survey(db, floor_fixture(), Q, settings={"anonymity_threshold": 5})
    with store.connect(db) as con:
        groups = drivers.key_drivers_by_group(con, "department").set_index("group")
    # Alpha 25 pairs: shown. Beta 24 (above k = 5, so privacy would show it): under the floor of 25.
    assert int(groups.loc["Alpha", "n"]) == 25 and not groups.loc["Alpha", "suppressed"]
    assert groups.loc["Beta", "reason"] == drivers.NOT_ENOUGH_ANSWERS and pd.isna(groups.loc["Beta", "rho"])
    # x and y take three values in the same order with the same ties: identical ranks, rho = 1
    assert groups.loc["Alpha", "rho"] == pytest.approx(1.0)


def test_a_group_under_k_keeps_its_privacy_reason(db):
    add_survey(db, floor_fixture()[:25] + floor_fixture()[25:27], Q, settings={"anonymity_threshold": 5})
    with store.connect(db) as con:
        groups = drivers.key_drivers_by_group(con, "department", min_answers=2).set_index("group")
    # Beta has 2 responses (< k): few_responses, whatever the floor; Alpha (25) would give Beta away as 27 - 25
    assert groups.loc["Beta", "reason"] == privacy.FEW_RESPONSES
    assert groups.loc["Alpha", "reason"] == privacy.DERIVABLE


def test_report_json_drivers(db):
    add_survey(db, floor_fixture(), Q, settings={"anonymity_threshold": 5})
    with store.connect(db) as con:
        found = json_report.build_report(con)["survey"]["drivers"]
    # everyone: 49 pairs, identical ranks -> rho = 1; favourable = the answers 5, i % 3 = 2: i = 2, 5, ..., 23 is
    # 8 of Alpha's 25 and 8 of Beta's 24 = 16 / 49; a single question is no focus area (median of one)
    assert len(found) == 1
    row = found[0]
    assert set(row) == {"wave", "question", "n", "rho", "ci_low", "ci_high", "significant", "score", "focus"}
    assert (row["wave"], row["question"], row["n"], row["significant"], row["focus"]) == (
        "2026-10", "Workload is manageable", 49, True, False)
    assert row["rho"] == pytest.approx(1.0) and row["score"] == pytest.approx(16 / 49)


# --- focus areas ---------------------------------------------------------------------------------------------

def rated(question, favourable, rho, significant=True):
    return {"question": question, "favourable": favourable, "rho": rho, "significant": significant}


def test_focus_is_low_score_high_impact_and_significant():
    rows = [rated("A", 0.30, 0.70), rated("B", 0.40, 0.20), rated("C", 0.50, 0.60), rated("D", 0.60, 0.65),
            rated("E", 0.20, 0.62, significant=False)]
    drivers.mark_focus(rows)
    # favourable sorted 0.2, 0.3, 0.4, 0.5, 0.6 -> median 0.40; rho sorted 0.2, 0.6, 0.62, 0.65, 0.7 -> median 0.62
    # A: 0.30 < 0.40 and 0.70 > 0.62, significant -> focus. B: rho below. C: score 0.50 above. D: score above.
    # E: score below but rho = the median (not above) and not significant.
    assert [r["question"] for r in rows if r["focus"]] == ["A"]


def test_no_focus_with_fewer_than_three_questions():
    rows = [rated("A", 0.10, 0.90), rated("B", 0.80, 0.10)]
    drivers.mark_focus(rows)
    assert not any(r["focus"] for r in rows)


def test_focus_areas_say_fewer_than_half_or_below_most():
    frame = pd.DataFrame([{"question": "Tools", "favourable": 0.55, "rho": 0.5, "focus": True},
                          {"question": "Workload", "favourable": 0.45, "rho": 0.7, "focus": True},
                          {"question": "Pay", "favourable": 0.2, "rho": 0.1, "focus": False}])
    found = drivers.focus_areas(frame)
    assert [(f.question, f.code) for f in found] == [("Workload", drivers.FOCUS_FEWER_THAN_HALF),
                                                     ("Tools", drivers.FOCUS_BELOW_MOST)]


# --- trends and chance ---------------------------------------------------------------------------------------

def test_two_proportion_z_test_by_hand():
    # 20 / 50 -> 30 / 50: pooled p = 50 / 100 = 0.5; se = sqrt(0.25 x (1/50 + 1/50)) = sqrt(0.01) = 0.1
    # z = (0.6 - 0.4) / 0.1 = 2.0; p-value = 2 x (1 - Φ(2)) = 2 x 0.02275 = 0.0455
    z, p = two_proportion_test(20, 50, 30, 50)
    assert z == pytest.approx(2.0) and p == pytest.approx(0.0455, abs=1e-4)
    assert two_proportion_test(5, 5, 7, 7) == (None, None)  # every answer favourable twice: nothing varies


def test_question_trend_between_two_waves(db):
    october = [resp(8, on="2026-10-05", answers={"Workload is manageable": 5 if i < 4 else 2}) for i in range(10)]
    november = [resp(8, on="2026-11-05", answers={"Workload is manageable": 4 if i < 8 else 3}) for i in range(10)]
    add_survey(db, october + november, Q, settings={"anonymity_threshold": 5})
    with store.connect(db) as con:
        row = question_trends.question_trends(con).iloc[0]
    # 4 / 10 -> 8 / 10 favourable: pooled 12 / 20 = 0.6; se = sqrt(0.6 x 0.4 x 0.2) = sqrt(0.048) = 0.219089
    # z = 0.4 / 0.219089 = 1.825742; p = 2 x (1 - Φ(1.8257)) = 2 x 0.03394 = 0.0679: not significant at 5 %
    assert (row.wave, row.previous_wave, row.responses, row.previous_responses) == ("2026-11", "2026-10", 10, 10)
    assert (row.previous_favourable, row.favourable, row.change) == pytest.approx((0.4, 0.8, 0.4))
    assert row.z == pytest.approx(1.825742, abs=1e-5) and row.p_value == pytest.approx(0.0679, abs=1e-3)
    assert not row.significant and not row.bh_significant


def test_benjamini_hochberg_by_hand():
    # m = 4, thresholds i / 4 x 0.05 = 0.0125, 0.025, 0.0375, 0.05
    # sorted 0.01 (<= 0.0125 yes), 0.03 (<= 0.025 no), 0.04 (<= 0.0375 no), 0.20 (no): only the first
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.20]) == [True, False, False, False]
    # sorted 0.01 yes, 0.03 no, 0.035 <= 0.0375 yes, 0.04 <= 0.05 yes: step-up keeps all four
    assert benjamini_hochberg([0.04, 0.01, 0.035, 0.03]) == [True, True, True, True]
    assert benjamini_hochberg([None, 0.5]) == [False, False]


def test_chance_note_for_twenty_comparisons():
    p_values = [0.01, 0.03] + [0.5] * 18
    frame = pd.DataFrame({"p_value": p_values, "significant": [p < 0.05 for p in p_values],
                          "bh_significant": benjamini_hochberg(p_values)})
    note = question_trends.chance_note(frame)
    # 20 comparisons x 0.05 = about 1 by chance; 2 look significant; BH thresholds 0.0025, 0.005: none kept
    assert (note.comparisons, note.expected, note.significant, note.significant_after_correction) == (20, 1.0, 2, 0)
    assert question_trends.chance_note(frame.head(4)) is None  # under MANY_COMPARISONS (5): no note
    assert question_trends.MANY_COMPARISONS == 5


# --- words and chart ------------------------------------------------------------------------------------------

def test_impact_score_chart_draws_only_shown_drivers_and_words_focus_in_french():
    from ui.charts import drivers as driver_charts
    from ui.charts.people import BLUE, RED
    from ui.i18n import set_language

    rows = pd.DataFrame({
        "question": ["Tools", "Workload", "Pay", "Hidden"], "favourable": [0.6, 0.3, 0.5, None],
        "rho": [0.4, 0.7, 0.5, None], "ci_low": [0.1, 0.5, 0.2, None], "ci_high": [0.6, 0.8, 0.7, None],
        "n": pd.array([40, 40, 40, None], dtype="Int64"), "significant": [True, True, True, None],
        "focus": [False, True, False, False]})
    fig = driver_charts.impact_score(rows, "t")
    # one numbered point per shown question (Hidden has no rho: no point), named in the legend
    assert [tr.name for tr in fig.data] == ["1 · Tools", "2 · Workload", "3 · Pay"]
    assert [tr.text[0] for tr in fig.data] == ["1", "2", "3"]
    assert [tr.x[0] for tr in fig.data] == pytest.approx([60.0, 30.0, 50.0])
    assert [tr.y[0] for tr in fig.data] == [0.4, 0.7, 0.5]
    assert [tr.marker.color for tr in fig.data] == [BLUE, RED, BLUE]
    # error bars: ci_high - rho and rho - ci_low: 0.6 - 0.4 = 0.2, 0.8 - 0.7 = 0.1, 0.7 - 0.5 = 0.2
    assert [tr.error_y.array[0] for tr in fig.data] == pytest.approx([0.2, 0.1, 0.2])
    # the score axis zooms on the scores: 30 - 10 = 20 to 60 + 10 = 70
    assert list(fig.layout.xaxis.range) == [20.0, 70.0]
    set_language("fr")
    area = drivers.FocusArea(drivers.FOCUS_FEWER_THAN_HALF, "Workload", 0.3, 0.7)
    assert driver_charts.focus_sentence(area).startswith("Moins de la moitié répondent favorablement à « Workload »")

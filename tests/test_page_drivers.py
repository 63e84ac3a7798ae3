"""The Engagement page leads with the focus areas, in English and French (issue 19), on the sample data."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from tests.apptest_utils import ROOT, open_view
from ui.charts.people import RED

SURVEY = ROOT / "sample_data" / "survey_enps_2026.csv"


def expected_focus_areas() -> list[str]:
    """The latest wave's focus areas worked out from the sample file alone: per question, over the people who
    answered it and eNPS, Spearman rho (Pearson of pandas' average ranks) and the favourable share (4-5);
    focus = favourable below the median, rho above the median, and tanh(atanh(rho) - 1.96 x 1.06 / sqrt(n - 3))
    above 0."""
    frame = pd.read_csv(SURVEY)
    enps = next(c for c in frame.columns if "recommend" in c)
    latest = frame[frame["Timestamp"].str[:7] == frame["Timestamp"].str[:7].max()]
    questions = [c for c in frame.columns if c.startswith(("I ", "My "))]
    rows = []
    for question in questions:
        both = latest[[question, enps]].dropna()
        ranks = both.rank()
        rho = ranks[question].corr(ranks[enps])
        low = math.tanh(math.atanh(rho) - 1.96 * 1.06 / math.sqrt(len(both) - 3))
        rows.append((question, (both[question] >= 4).mean(), rho, low > 0))
    middle_score = pd.Series([r[1] for r in rows]).median()
    middle_rho = pd.Series([r[2] for r in rows]).median()
    return [q for q, score, rho, significant in rows if score < middle_score and rho > middle_rho and significant]


@pytest.mark.slow
def test_engagement_page_leads_with_focus_areas_in_english_and_french(sample_db):
    expected = expected_focus_areas()
    assert expected  # the sample has at least one focus area in its latest wave
    for lang, title, opening in (("en", "Focus areas", ("Fewer than half", "Only")),
                                 ("fr", "Axes prioritaires", ("Moins de la moitié", "Seulement"))):
        at = open_view("engagement.py", lang)
        assert at.subheader[0].value == title  # before the KPIs, the trend and the breakdown
        sentences = [line for el in at.markdown for line in el.value.splitlines() if line.startswith("- ")]
        assert len(sentences) == len(expected)
        for question in expected:
            escaped = question.replace(".", "\\.")
            assert any(escaped in s and s[2:].startswith(opening) for s in sentences), (question, sentences)
        points = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]  # the first chart: impact × score,
        # one numbered point per question, named in the legend
        assert len(points) == 5 and [p["marker"]["color"] for p in points].count(RED) == len(expected)

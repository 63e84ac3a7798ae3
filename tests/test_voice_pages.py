"""The Pulse page's comment themes on the sample data, and the setting that hides every comment (issue 19)."""
from __future__ import annotations

import json

import pytest

from analytics import store
from analytics.people import survey
from tests.apptest_utils import assert_clean, open_view

pytestmark = pytest.mark.slow


def test_pulse_page_shows_themes_per_wave_and_hides_them_with_the_setting(sample_db):
    at = open_view("pulse.py")
    charts = {el.proto.id: json.loads(el.proto.spec) for el in at.get("plotly_chart")}
    themes = [spec for spec in charts.values() if "Comment themes" in json.dumps(spec.get("layout", {}))]
    assert themes, "no theme chart"
    waves = [trace["name"] for trace in themes[0]["data"]]
    assert waves and all(sum(trace["y"]) > 0 for trace in themes[0]["data"])
    with store.connect(sample_db) as con:
        some_comment = survey.comments(con)["comment"].iloc[0]
    with store.transaction(sample_db) as con:
        store.set_setting(con, "survey_comments", "hide")
    for page in ("pulse.py", "engagement.py"):
        at = open_view(page)
        assert_clean(at)
        shown = json.dumps([json.loads(el.proto.spec) for el in at.get("plotly_chart")], ensure_ascii=False)
        tables = " ".join(frame.to_csv() for frame in (el.value for el in at.dataframe))
        assert "Comment themes" not in shown and "Most frequent words" not in shown
        assert some_comment not in tables and some_comment not in shown
        assert any("Comments are hidden" in el.value for el in at.info)

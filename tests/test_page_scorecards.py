"""AppTest: the Scorecards page on the two-owner database of tests/test_scorecards.py (its default window
2026-05-01 .. 2026-10-31; Ann and Bob as worked out there), in French."""
from __future__ import annotations

import json

import pytest

from analytics import store
from tests.apptest_utils import open_view
from tests.test_scorecards import build_scorecard_db


@pytest.mark.slow
def test_page_shows_one_row_per_owner_with_french_headers(db):
    with store.transaction(db) as writer:  # not empty: the app loads no sample data
        build_scorecard_db(writer)
    at = open_view("scorecards.py", lang="fr")
    assert at.title[0].value == "Fiches commerciaux"
    table = at.dataframe[0].value
    assert list(table["owner"]) == ["Ann", "Bob", "Cy", "Dee"]
    # default window: Ann created A1, A2, A3, A4, A6 = 5, Bob B1, B2, B3, B5 = 4
    assert list(table["deals_created"][:2]) == ["5", "4"]  # counts worded by ui.fmt
    headers = {name: column.get("label") for name, column in json.loads(at.dataframe[0].proto.columns).items()}
    assert headers["deals_created"] == "Affaires créées" and headers["win_rate"] == "Taux de gain"
    assert headers["call_abs_pct_error"] == "Écart des engagements (%)"
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {name for trace in chart["data"] for name in trace["text"]} >= {"Ann", "Bob"}
    assert len(at.get("download_button")) == 2
    # sorted on the numbers, not on their worded text: deals created Ann 5, Bob 4, Dee 1 (D1), Cy 0 (C1 is 11-12)
    at.selectbox(key="scorecards_sort").set_value("deals_created")
    at.toggle(key="scorecards_descending").set_value(True).run()
    assert list(at.dataframe[0].value["owner"]) == ["Ann", "Bob", "Dee", "Cy"]


def test_sorting_uses_the_numbers_and_puts_unknown_last():
    import pandas as pd

    from ui import scorecards as cards
    table = pd.DataFrame({"owner": ["Ann", "Bob", "Cy", "Dee"], "pipeline_created": [900.0, 10000.0, None, 900.0]})
    # as text "900" > "10000"; as numbers 10000 > 900; the unknown last either way; the tie (Ann, Dee) by owner
    assert list(cards.sorted_by(table, "pipeline_created", True)["owner"]) == ["Bob", "Ann", "Dee", "Cy"]
    assert list(cards.sorted_by(table, "pipeline_created", False)["owner"]) == ["Ann", "Dee", "Bob", "Cy"]
    with pytest.raises(ValueError):
        cards.sorted_by(table, "note", True)

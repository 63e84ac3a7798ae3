"""AppTest: the Priorities page on the sample data (the test's own copy of the sample database, tests/conftest.py).

The sample's sources have different win rates among closed Sales Pipeline deals (Referrals ~57 %, Paid
Search ~15 %, sample_data/README.md): the drivers must find it, and the score uses it.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import store
from analytics.reports.deals_section import deals_report
from analytics.sales import priorities as prio
from analytics.sales.deals import DealFilter
from tests.plotly_utils import values
from ui import reasons
from ui.i18n import FR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app_file(sample_db) -> Path:
    """app.py, on the test's own copy of the sample database."""
    return ROOT / "app.py"


def open_priorities(app_file: Path, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(app_file), default_timeout=300)
    at.session_state["lang"] = lang
    at.switch_page("views/sales/priorities.py").run()  # its url_path is its file name: reached on the first run
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def charts(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def test_page_ranks_open_deals_shows_drivers_and_calibration_then_flags_and_owner_filter_it(app_file, db):
    """One session: the page as it opens (ranked deals, drivers, calibration), then a flag chip filters the list,
    then (the chip cleared) an owner filter narrows it."""
    at = open_priorities(app_file)
    assert at.title[0].value == "Priorities"
    table = at.dataframe[0].value
    assert len(table) > 100 and list(table["rank"][:3]) == [1, 2, 3]
    # shown worded as whole amounts ("€12,345"): its digits read back as the number
    ev = [int("".join(filter(str.isdigit, v))) for v in table["expected_value"] if v != "—"]
    assert ev == sorted(ev, reverse=True)
    assert table["score"].between(0, 100).all()
    assert any(flags for flags in table["flags"])  # flag chips: the sample has past-due and stale deals
    assert table["why"].str.contains("Original Source Type = ").any()
    metrics = {m.label: m.value for m in at.metric}
    assert any(m.value == "Score used: **score with win drivers** (the lower error)." for m in at.markdown)
    errors = metrics["Prediction error, score with win drivers"], metrics["Prediction error, stage win rate only"]
    assert float(errors[0]) < float(errors[1])
    assert "predicted better than the stage alone" in at.success[0].value
    # the drivers chart: one bar per value with >= 20 closed deals, with intervals
    bars = [trace for spec in charts(at) for trace in spec["data"] if trace["type"] == "bar"]
    labels = [label for trace in bars for label in trace["y"]]
    rates = dict(zip(labels, [r for trace in bars for r in values(trace["x"])], strict=True))
    assert rates["Referrals (Original Source Type)"] > 0.5 > 0.2 > rates["Paid Search (Original Source Type)"]
    assert all("error_x" in trace for trace in bars)
    scatter = [trace for spec in charts(at) for trace in spec["data"] if trace["type"] == "scatter"]
    assert {trace["name"] for trace in scatter} >= {"score with win drivers", "stage win rate only"}
    # --- flag chips filter the list
    everything = len(at.dataframe[0].value)
    at.pills(key="priorities_flag_filter").set_value(["past_due"]).run()
    assert not at.exception, at.exception
    shown = at.dataframe[0].value
    assert 0 < len(shown) < everything
    assert all("past due" in flags for flags in shown["flags"])
    assert set(shown["next_action"]) == {"Close date passed: update it or mark the deal lost."}
    at.pills(key="priorities_flag_filter").set_value([]).run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == everything
    # --- the owner filter narrows the list
    owners = at.multiselect(key="priorities_f_owner")
    at = owners.set_value(["Amelia Hart"]).run()
    assert not at.exception, at.exception
    assert set(at.dataframe[0].value["owner"]) == {"Amelia Hart"}


def test_sample_drivers_report_and_small_values(app_file, db):
    with store.connect(db) as con:  # the sample data (app_file: the test's copy of the sample database)
        drivers = prio.win_drivers(con, flt=DealFilter(pipelines=("Sales Pipeline",)))
        sources = drivers[drivers["attribute"] == "Original Source Type"].set_index("value")
        assert sources.loc["Referrals", "win_rate"] == pytest.approx(0.57, abs=0.04)
        assert sources.loc["Paid Search", "win_rate"] == pytest.approx(0.15, abs=0.04)
        assert sources.loc["Referrals", "rank"] < sources.loc["Offline Sources", "rank"]
        small = drivers[~drivers["enough_data"]]
        assert (small["closed"] < 20).all() and small["rank"].isna().all()
        top = deals_report(con)["priorities"]
    assert len(top) == 20
    assert all({"deal_id", "score", "expected_value", "flags"} <= set(row) for row in top)
    assert [row["expected_value"] for row in top] == sorted((row["expected_value"] for row in top), reverse=True)


def test_page_in_french(app_file):
    at = open_priorities(app_file, "fr")
    assert at.title[0].value == "Priorités"
    assert any(m.value.startswith("Score utilisé : **") for m in at.markdown)
    # codes worded by ui.reasons: no English next action, flag or factor on the French page
    table = at.dataframe[0].value
    english = set(prio.ACTION_TEXTS.values())
    assert not set(table["next_action"]) & english
    assert set(table["next_action"]) <= {FR[text] for text in english}
    assert not {f for flags in table["flags"] for f in flags} & set(reasons.FLAG_LABELS.values())
    why = " ".join(table["why"])
    assert " cote ×" in why and " odds" not in why
    score = json.loads(at.dataframe[0].proto.columns)["score"]["type_config"]
    assert score["format"] == "%.0f\u00a0%%"  # the score bar reads "99 %" in French, as ui.fmt writes it


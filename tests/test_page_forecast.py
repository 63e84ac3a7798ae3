"""The Forecast page on the sample data (AppTest): it renders, a slider moves the scenario line, scenarios are
saved and still listed in a new session, quotas give a coverage gauge, and it works in French."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analytics import store
from analytics.sales import quotas, scenarios
from tests.apptest_utils import assert_clean, open_view

ROOT = Path(__file__).resolve().parent.parent




def figure(at: AppTest, title: str) -> dict:
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        if spec["layout"].get("title", {}).get("text") == title:
            return spec
    raise AssertionError(f"no chart titled {title!r}")


def numbers(trace: dict, axis: str = "y") -> list[float]:
    """A trace's values: Plotly sends numpy arrays as base64 typed arrays ({"dtype", "bdata"})."""
    raw = trace[axis]
    if isinstance(raw, dict):
        return list(np.frombuffer(base64.b64decode(raw["bdata"]), dtype=np.dtype(raw["dtype"])).astype(float))
    return [float(v) for v in raw]


def traces(at: AppTest) -> dict[str, dict]:
    return {trace["name"]: trace for trace in figure(at, "Forecast by period")["data"]}


def test_page_renders_then_sliders_move_the_scenario_and_the_grain_changes(sample_db):
    """One session (one first render): the page as it opens, then a slider moves the scenario line and the reset
    removes it, then the quarterly view and the calibrated probabilities (each step starts from the state the
    one before leaves, which is the page as it opens once the reset is clicked)."""
    at = open_view("forecast.py")
    # --- the page as it opens: forecast bars and range
    shown = traces(at)
    assert {"Won", "Expected from open deals", "Likely range from open deals (P10–P90)",
            "Projection: deals not created yet (run rate)", "Likely range with deals not created yet (P10–P90)"} \
        <= set(shown)
    # the wider range sits on won + open + new deals, the projection bars are the same new-deal part (one history)
    total = [sum(parts) for parts in zip(numbers(shown["Won"]), numbers(shown["Expected from open deals"]),
                                         numbers(shown["Projection: deals not created yet (run rate)"]), strict=True)]
    with_new = shown["Likely range with deals not created yet (P10–P90)"]
    assert numbers(with_new) == pytest.approx(total[:len(numbers(with_new))])
    assert any(m.label == "From deals not created yet" for m in at.metric)
    assert "Scenario" not in shown                      # every lever at rest: no scenario line
    assert shown["Won"]["x"][0] == "Nov 2026"          # the sample's as-of month (2026-11-27), by name
    assert any(m.label.startswith("Forecast Nov 2026") for m in at.metric)  # the period by its month name
    assert len(at.slider) == 5 and all(s.key.startswith("forecast_") for s in at.slider)
    # every lever moves by whole numbers (st.slider words a decimal with a point, even in French)
    assert all(s.proto.data_type == s.proto.DataType.INT for s in at.slider)
    assert at.slider(key="forecast_win_multiplier").label == "Win probability (± %)"

    # --- moving a slider changes the scenario line
    at.slider(key="forecast_win_multiplier").set_value(30).run()   # +30 %: every p × 1.3
    assert_clean(at)
    shown = traces(at)
    scenario = numbers(shown["Scenario"])
    baseline = [sum(parts) for parts in zip(numbers(shown["Won"]), numbers(shown["Expected from open deals"]),
                                            numbers(shown["Projection: deals not created yet (run rate)"]),
                                            strict=True)]
    # more likely wins: every period with open deals or projection goes up, none goes down
    assert all(s >= b - 1e-6 for s, b in zip(scenario, baseline, strict=True))
    assert scenario[0] > baseline[0]
    at.slider(key="forecast_slip_rate").set_value(50).run()
    slipped = numbers(traces(at)["Scenario"])
    assert slipped[0] < scenario[0]                     # half of November's expected pushed to December
    at.button(key="forecast_reset").click().run()
    assert "Scenario" not in traces(at) and at.slider(key="forecast_win_multiplier").value == 0

    # --- quarterly view and calibrated probabilities
    at.radio(key="forecast_grain").set_value("quarter").run()
    assert_clean(at)
    assert traces(at)["Won"]["x"][0] == "Q4 2026"  # the quarter by its name (ui.fmt.period)
    at.radio(key="forecast_probability").set_value("calibrated").run()
    assert_clean(at)


def test_quota_gives_coverage_gauge_then_a_saved_scenario_is_listed_in_a_new_session_and_loads(sample_db):
    """One session saves quotas (coverage gauge) then a scenario; a second session finds the scenario."""
    at = open_view("forecast.py")
    # --- quotas give a coverage gauge
    at.session_state["forecast_quota_editor"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"period": "2026-11", "amount": 3_000_000.0}, {"period": "2026-Q4", "amount": 9_000_000.0}]}
    at.run()
    at.button(key="forecast_save_quotas").click().run()
    assert_clean(at)
    with store.connect(sample_db) as con:
        assert list(quotas.get_quotas(con).period) == ["2026-11", "2026-Q4"]
    editor = next(d for d in at.dataframe if "amount" in json.loads(d.proto.columns))
    assert list(editor.value["amount"]) == ["3,000,000", "9,000,000"]  # text worded by ui.fmt, not the browser
    gauge = figure(at, "Coverage of the remaining quota")
    assert gauge["data"][0]["type"] == "indicator" and gauge["data"][0]["value"] > 0
    assert any(m.label == "Gap to quota" for m in at.metric)
    # --- a scenario saved here is listed in a new session and loads
    at.slider(key="forecast_cycle_days").set_value(30).run()
    at.text_input(key="forecast_scenario_name").input("Slower deals").run()
    at.button(key="forecast_save_scenario").click().run()
    assert_clean(at)
    with store.connect(sample_db) as con:
        assert scenarios.load_scenario(con, "Slower deals") == scenarios.Scenario(cycle_days=30)
    again = open_view("forecast.py")  # a new session: the scenario comes from the database
    pick = again.selectbox(key="forecast_saved_pick")
    assert "Slower deals" in pick.options
    pick.set_value("Slower deals").run()
    again.button(key="forecast_load_scenario").click().run()
    assert_clean(again)
    assert again.slider(key="forecast_cycle_days").value == 30
    again.multiselect(key="forecast_compare").set_value(["Slower deals"]).run()
    assert "Slower deals" in traces(again)
    again.button(key="forecast_delete_scenario").click().run()     # picked and compared: forgotten by both
    assert_clean(again)
    assert "Slower deals" not in again.selectbox(key="forecast_saved_pick").options
    assert "Slower deals" not in traces(again) and again.multiselect(key="forecast_compare").value == []
    with store.connect(sample_db) as con:
        assert scenarios.list_scenarios(con).empty


@pytest.mark.parametrize("lang", ["fr"])
def test_page_in_french(sample_db, lang):
    at = open_view("forecast.py", lang)
    assert at.title[0].value == "Prévision"
    assert "Gagnées" in {trace["name"] for trace in figure(at, "Prévision par période")["data"]}


def test_without_history_the_page_says_why_there_is_no_new_deal_part(db):
    """Deals without created dates: no part of deals not created yet, and the page says why."""
    from datetime import date

    from tests.sales_fixtures import add_snapshot, add_stages
    with store.transaction(db) as con:
        add_stages(con, [("Sales", "Early", 1, 0.25, "open"), ("Sales", "Won", 2, 1.0, "won"),
                         ("Sales", "Lost", 3, 0.0, "lost")])
        add_snapshot(con, date(2026, 11, 20), [
            {"deal_id": "O1", "stage": "Early", "amount": 1000, "close_on": date(2026, 12, 15)},
            {"deal_id": "W1", "stage": "Won", "amount": 500, "close_on": date(2026, 11, 5)}])
    at = open_view("forecast.py")
    assert "Not enough history for deals not created yet: the exports have no created date." in \
        [caption.value for caption in at.caption]
    assert "Likely range with deals not created yet (P10–P90)" not in traces(at)
    assert [m.value for m in at.metric if m.label == "From deals not created yet"] == ["—"]

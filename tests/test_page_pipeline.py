"""AppTest: the Pipeline page on the sample data, its filters, and the Settings page's stage editor."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from analytics import store
from tests.plotly_utils import values

ROOT = Path(__file__).resolve().parent.parent


def pipeline_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def test_pipeline_page_renders_kpis_charts_download_then_value_and_owner_change_it(sample_db):
    """One session: the page as it opens (KPIs, charts, the weekly review download), then the funnel switched to
    amounts, then an owner filter, which changes the KPIs."""
    at = pipeline_page()
    # --- the page renders its KPIs and charts
    assert not at.error, [e.value for e in at.error]
    labels = [m.label for m in at.metric]
    for label in ("Open pipeline", "Weighted pipeline", "Win rate", "Average won deal", "Sales cycle",
                  "Velocity per day"):
        assert label in labels
    assert all(m.help for m in at.metric), "every KPI has a definition tooltip"
    kinds = {trace["type"] for spec in plotly_specs(at) for trace in spec["data"]}
    assert {"funnel", "box", "heatmap", "bar"} <= kinds
    funnel = next(t for spec in plotly_specs(at) for t in spec["data"] if t["type"] == "funnel")
    counts = values(funnel["x"])
    assert len(counts) >= 3 and counts == sorted(counts, reverse=True)  # never grows stage to stage
    # --- the weekly review download
    button = at.get("download_button")
    assert any(b.proto.label == "Weekly pipeline review (Excel)" for b in button)
    before = metric(at, "Open pipeline")
    # --- the value toggle switches the funnel to amounts
    at.radio(key="pipeline_funnel_measure").set_value("Value").run()
    assert not at.exception, at.exception
    funnel = next(t for spec in plotly_specs(at) for t in spec["data"] if t["type"] == "funnel")
    assert max(values(funnel["x"])) > 100_000  # amounts, not deal counts (a few thousand deals)
    assert metric(at, "Open pipeline") == before  # the toggle changes the funnel only
    # --- the owner filter changes the KPIs
    owners = at.multiselect(key="pipeline_f_owner")
    at = owners.set_value([owners.options[0]]).run()
    assert not at.exception, at.exception
    assert metric(at, "Open pipeline") != before


def test_filters_live_in_the_url(sample_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["owner"] = "Amelia Hart"
    at.run()
    assert not at.exception, at.exception
    assert at.multiselect(key="pipeline_f_owner").value == ["Amelia Hart"]
    amelia = metric(at, "Open pipeline")
    at.multiselect(key="pipeline_f_owner").set_value([]).run()  # everyone, in the same session
    assert not at.exception, at.exception
    assert metric(at, "Open pipeline") != amelia
    at.multiselect(key="pipeline_f_owner").set_value(["Amelia Hart", "Jonas Weber"]).run()
    assert at.query_params["owner"] == ["Amelia Hart", "Jonas Weber"]


def test_settings_stage_editor_changes_weighted_amount(sample_db):
    at = pipeline_page()
    before = metric(at, "Weighted pipeline")
    at.switch_page("views/data/settings.py").run()
    assert not at.exception, at.exception
    pipeline = at.selectbox(key="settings_pipeline").value
    with store.connect(sample_db) as con:
        stages = con.execute("SELECT stage FROM stages WHERE pipeline = ? ORDER BY position", [pipeline]).df()
    # every open stage to 100 % (typed as a percentage): the edit is seeded through the editor's session state
    edits = {i: {"probability": 100} for i in range(len(stages) - 2)}
    at.session_state[f"settings_stages_{pipeline}"] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    at.button(key="settings_save_stages").click().run()
    assert not at.exception, at.exception
    with store.connect(sample_db) as con:
        probs = con.execute("SELECT probability FROM stages WHERE pipeline = ? AND outcome = 'open'",
                            [pipeline]).df()
    assert (probs["probability"] == 1.0).all()
    at.switch_page("views/sales/pipeline.py").run()
    assert metric(at, "Weighted pipeline") != before


def hygiene_tabs(at) -> list[str]:
    """The labels of the hygiene lists' tabs (each with its count)."""
    return [tab.label for tab in at.tabs if "(" in tab.label]


def test_french_labels_and_hygiene_reasons_on_the_pipeline_page(sample_db):
    """The page opened with ?lang=fr: French KPI labels, and the hygiene reasons worded in French."""
    from ui import reasons
    from ui.i18n import FR
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["lang"] = "fr"
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    # --- French labels
    labels = [m.label for m in at.metric]
    assert "Pipeline ouvert" in labels and "Taux de gain" in labels
    assert pd.notna(metric(at, "Pipeline ouvert"))
    # --- French hygiene reasons: each tab's list, drawn when its tab is chosen (the open one alone is drawn)
    lists = []
    for label in hygiene_tabs(at):
        at.session_state["pipeline_hygiene_tab"] = label
        at.run()
        shown = [d for d in at.dataframe if "reason" in d.value and "deal_id" in d.value]  # headers via column_config
        assert len(shown) == 1, label
        lists += shown
    assert all(json.loads(d.proto.columns)["reason"]["label"] == "Motif" for d in lists)
    shown = [d.value["reason"] for d in lists]
    assert len(shown) == 4  # stale, past due, missing, unusual amount (the sample has each)
    texts = {text for column in shown for text in column}
    english = {template.split("{")[0] for template in reasons.REASON_LABELS.values()}
    assert not [text for text in texts if any(text.startswith(e) for e in english)]
    french = {FR[template].split("{")[0] for template in reasons.REASON_LABELS.values()}
    assert all(any(text.startswith(f) for f in french) for text in texts)
    assert any("jours (depuis le " in text and "/20" in text for text in texts)  # 20/09/2026: French dates


def test_loss_reasons_section(sample_db):
    """Loss reasons on the sample data, given to its lost deals here: 'Price' to those whose id ends in an even
    digit, blank to the others. Expected: counted with plain SQL over deal_current (lost deals, any close date)."""
    from analytics.store.schema import LOSS_REASON_ATTRIBUTE
    with store.transaction(sample_db) as con:
        con.execute("INSERT INTO deal_attributes SELECT import_id, deal_id, ?, CASE WHEN right(deal_id, 1) IN "
                    "('0', '2', '4', '6', '8') THEN 'Price' END FROM deal_current", [LOSS_REASON_ATTRIBUTE])
        con.execute("UPDATE meta SET data_version = data_version + 1")
        lost = con.execute("SELECT count(*) FILTER (right(deal_id, 1) IN ('0', '2', '4', '6', '8')), count(*) "
                           "FROM deal_current d LEFT JOIN stages s USING (pipeline, stage) "
                           "WHERE coalesce(d.status_raw, s.outcome) = 'lost'").fetchone()
    at = pipeline_page()
    assert not at.exception and not at.error
    assert "Loss reasons" in [h.value for h in at.subheader]
    table = next(df.value for df in at.dataframe if "top_stage" in df.value.columns)
    # the table words its counts (thousands separators): compared with the SQL counts worded the same way
    assert table.set_index("reason")["deals"].to_dict() == {"Price": f"{lost[0]:,}",
                                                             "(no reason given)": f"{lost[1] - lost[0]:,}"}
    assert any(trace.get("name") == "Price" for spec in plotly_specs(at) for trace in spec["data"])


def test_only_the_open_hygiene_tab_draws_its_list(sample_db):
    """The hygiene lists' tabs: the first view draws the stale deals only; choosing "Past due" draws that list (the
    analytics' rows, in their order) and no other. Every tab names its list's size, drawn or not."""
    from analytics.sales import inventory
    with store.connect(sample_db) as con:
        expected = inventory.hygiene(con)
    at = pipeline_page()
    labels = hygiene_tabs(at)
    assert labels == [f"{name} ({len(expected[key]):,})" for name, key in
                      (("Stale", "stale"), ("Past due", "past_due"), ("Missing amount or close date", "missing"),
                       ("Unusual amount", "outliers"))]

    def drawn() -> list[pd.DataFrame]:
        return [d.value for d in at.dataframe if "reason" in d.value and "deal_id" in d.value]

    assert [list(frame["deal_id"]) for frame in drawn()] == [list(expected["stale"]["deal_id"])]
    at.session_state["pipeline_hygiene_tab"] = labels[1]
    at.run()
    assert not at.exception, at.exception
    assert [list(frame["deal_id"]) for frame in drawn()] == [list(expected["past_due"]["deal_id"])]

"""The people pages run on the sample data, in English and French, and never show a group below k.

The sample's Legal department (and team) has 2 respondents per wave, below k = 5 in every wave: it may
appear as a name with "fewer than 5 responses", never with a number, in a table, a chart or a download.
"""
from __future__ import annotations

import ast
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from analytics import store
from tests.apptest_utils import assert_clean, open_view
from ui.i18n import FR

ROOT = Path(__file__).resolve().parent.parent
OWN_FILES = ("views/people/engagement.py", "views/people/pulse.py", "views/people/one_on_ones.py",
             "ui/charts/people.py")
HIDDEN = "Legal"
HIDDEN_LABELS = ("fewer than 5 responses", "hidden to protect a smaller group", "moins de 5 réponses",
                 "masqué pour protéger un groupe plus petit")


@pytest.fixture
def app_file(sample_db) -> Path:
    """The router, on the test's own copy of the sample database (PULSE_DB from the sample_db fixture)."""
    return ROOT / "app.py"


@pytest.fixture
def downloads(monkeypatch) -> list[tuple[str, bytes]]:
    """Every (file name, bytes) handed to a download button during the test."""
    saved: list[tuple[str, bytes]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes) and kind == MediaFileKind.DOWNLOADABLE:  # not the tab icon
            saved.append((filename or "", path_or_data))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return saved


def open_page(app_file: Path, page: str, lang: str = "en") -> AppTest:
    """The page on the database of the ``app_file`` fixture (app.py with PULSE_DB set)."""
    return open_view(page, lang)


def charts(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def download_text(name: str, data: bytes) -> str:
    if name.endswith(".xlsx"):
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl")
        return "\n".join(frame.to_csv(index=False) for frame in sheets.values()) + "\n".join(sheets)
    return data.decode("utf-8-sig")


def assert_hidden_group_has_no_number(at: AppTest, downloads: list[tuple[str, bytes]]) -> None:
    """Legal: no number in any table row, chart trace or hover, no mention in text or downloads."""
    for frame in (el.value for el in at.dataframe):
        for _, row in frame.astype(str).iterrows():
            if any(HIDDEN in cell for cell in row):
                rest = [c for c in row if HIDDEN not in c and c not in HIDDEN_LABELS and c not in ("", "nan", "None")]
                assert rest == [], f"{HIDDEN} shown with {rest}"
    for spec in charts(at):
        for trace in spec["data"]:
            assert_trace_hides(trace)
    for el in [*at.markdown, *at.caption, *at.info, *at.warning, *at.metric]:
        assert HIDDEN not in str(getattr(el, "value", "")) + str(getattr(el, "label", ""))
    for name, data in downloads:
        assert HIDDEN not in download_text(name, data), name


def assert_trace_hides(trace: dict) -> None:
    pairs = (("x", "z"),) if trace.get("type") == "heatmap" else (("y", "x"), ("x", "y"))
    for labels, values in pairs:
        categories = trace.get(labels) or []
        if HIDDEN not in categories:
            continue
        i = categories.index(HIDDEN)
        if values == "z":
            assert all(row[i] is None for row in trace.get("z") or []), trace["z"]
            for row in trace.get("hovertext") or []:
                assert row[i].rsplit(": ", 1)[-1] in HIDDEN_LABELS, row[i]
            continue
        assert (trace.get(values) or [None] * (i + 1))[i] is None, trace
        for extra in ("text", "customdata"):
            if isinstance(trace.get(extra), list):
                assert trace[extra][i] in (None, ""), trace[extra][i]


def set_value(at: AppTest, key: str, value) -> AppTest:
    at.get_by_key(key).set_value(value)
    at.run()
    assert_clean(at)
    return at


# --- engagement -----------------------------------------------------------------------------------

def test_engagement_kpis_trend_hidden_groups_headcount_and_comment_search(app_file, downloads):
    """One session: the page as it opens, pooled waves and another breakdown, then a headcount and a comment
    search (independent of the breakdown)."""
    at = open_page(app_file, "engagement.py")
    metrics = {m.label: (m.value, m.proto.delta) for m in at.metric}
    assert metrics["eNPS, wave Nov 2026"] == ("+17 ± 13", "")
    assert metrics["Responses"] == ("132", "")
    assert metrics["Change vs Oct 2026"] == ("+7", "within noise")
    assert "two-sample z-test at 95 %" in next(m for m in at.metric if m.label.startswith("Change")).proto.help
    # the key drivers table comes first (the page leads with the focus areas, issue 19)
    _drivers, waves, groups, comments, sales_people = (el.value for el in at.dataframe)
    # sales x people: the three sales teams of the sample are named the same in the CRM export
    assert sorted(sales_people["Team"]) == ["Account Management", "New Business", "Sales Development"]
    assert all(v.startswith("€") for v in sales_people["Velocity per day"])  # money per day, in the sample's EUR
    assert list(waves["eNPS"]) == ["+3", "+9", "+17"]
    spec = charts(at)[1:]  # after the impact × score chart
    band_upper, band_lower, line = spec[0]["data"]
    assert [round(v) for v in line["y"]] == [3, 9, 17]
    assert band_upper["y"][2] == pytest.approx(line["y"][2] + 13.473176, abs=1e-4)
    assert {tr["name"] for tr in spec[1]["data"]} == {"Promoters (9–10)", "Passives (7–8)", "Detractors (0–6)"}
    legal = groups[groups["Department"] == HIDDEN].iloc[0]
    assert legal["Note"] == "fewer than 5 responses" and legal["eNPS"] == "" and legal["Responses"] == ""
    assert not comments.empty
    assert_hidden_group_has_no_number(at, downloads)
    # Pooling three waves gives Legal 6 "responses" (the same 2 people three times): still hidden.
    set_value(at, "engagement_breakdown_wave", "__all_waves__")
    groups = at.dataframe[2].value
    assert groups.loc[groups["Department"] == HIDDEN, "Note"].tolist() == ["fewer than 5 responses"]
    assert_hidden_group_has_no_number(at, downloads)
    set_value(at, "engagement_breakdown_dimension", "team")
    assert HIDDEN in at.dataframe[2].value["Team"].tolist()
    assert_hidden_group_has_no_number(at, downloads)
    assert any(name.endswith(".xlsx") for name, _ in downloads)
    assert any(name == "enps_by_team.csv" for name, _ in downloads)
    # --- the same session: a headcount gives the response rate, and the comment search filters the comments
    set_value(at, "engagement_headcount", 180)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Response rate"] == "73%"
    assert metrics["eNPS, wave Nov 2026"].startswith("+17 ± ")
    set_value(at, "engagement_comments_search", "laptops")
    comments = at.dataframe[3].value
    assert len(comments) > 0 and comments["Comment"].str.contains("laptops", case=False).all()
    set_value(at, "engagement_comments_search", "zzzz")
    assert any("No comment contains “zzzz”" in i.value for i in at.info)


def test_engagement_in_french(app_file, downloads):
    at = open_page(app_file, "engagement.py", lang="fr")
    labels = [m.label for m in at.metric]
    assert labels == ["eNPS, vague nov. 2026", "Réponses", "Évolution vs oct. 2026"]  # waves by month name
    assert at.metric[2].proto.delta == "non significatif"
    groups = at.dataframe[2].value  # after the key drivers and the waves
    assert "Service" in groups.columns and "Promoteurs" in groups.columns
    assert groups.loc[groups["Service"] == HIDDEN, "Remarque"].tolist() == ["moins de 5 réponses"]
    assert "Toutes les vagues" in at.selectbox(key="engagement_breakdown_wave").options
    assert "Promoteurs (9–10)" in {tr["name"] for tr in charts(at)[2]["data"]}
    assert_hidden_group_has_no_number(at, downloads)


def test_engagement_filters_below_k_say_fewer_than_k(app_file, sample_db, downloads):
    # k = 9: the sample's Sales Development team has 9, 9 and 8 respondents in waves 2026-09, -10, -11.
    with store.transaction(sample_db) as con:
        store.set_setting(con, "anonymity_threshold", 9)
        store.set_setting(con, "comment_threshold", 9)
    at = open_page(app_file, "engagement.py")
    set_value(at, "engagement_filter_team", ["Sales Development"])
    assert any("Wave Nov 2026: fewer than 9 responses" in w.value for w in at.warning)
    assert at.metric[0].label == "eNPS, wave Oct 2026"  # waves named as months
    waves = at.dataframe[0].value
    assert waves.loc[waves["Wave"] == "Nov 2026", ["Responses", "eNPS", "Note"]].values.tolist() == [
        ["", "", "fewer than 9 responses"]]
    assert waves.loc[waves["Wave"] == "Oct 2026", "Responses"].tolist() == ["9"]
    downloads.clear()
    at.run()
    wave_csv = next(data for name, data in downloads if name == "enps_by_wave.csv").decode("utf-8-sig")
    assert "Nov 2026" not in wave_csv and "Oct 2026" in wave_csv  # waves by name in the download too
    # Sales Development is a team of Sales: with Marketing as well, no response is left.
    set_value(at, "engagement_filter_department", ["Marketing"])
    assert any(i.value == "No eNPS answers for this selection." for i in at.info)
    assert not at.metric and not at.get("plotly_chart")


# --- pulse ----------------------------------------------------------------------------------------

def test_pulse_results_heatmap_and_french(app_file, downloads):
    at = open_page(app_file, "pulse.py")
    results = at.dataframe[0].value
    assert len(results) == 5
    tools = results[results["Question"] == "I have the tools I need to do my job well."].iloc[0]
    assert (tools["Responses"], tools["Mean"], tools["Favourable"]) == ("132", "3.55", "58%")
    spec = charts(at)
    assert [tr["name"] for tr in spec[0]["data"]] == ["Unfavourable", "Neutral", "Favourable"]
    assert len(spec[1]["data"]) == 5  # one trend line per question
    heat = spec[2]["data"][0]
    assert HIDDEN in heat["x"] and any(v is not None for row in heat["z"] for v in row)
    assert_hidden_group_has_no_number(at, downloads)
    set_value(at, "pulse_heatmap_dimension", "team")
    assert_hidden_group_has_no_number(at, downloads)
    # Marketing, wave 2026-11 (pandas on the sample CSV): 16 answers, mean 3.4375, 7 of 16 answer 4 or 5.
    set_value(at, "pulse_filter_department", ["Marketing"])
    tools = at.dataframe[0].value.set_index("Question").loc["I have the tools I need to do my job well."]
    assert (tools["Responses"], tools["Mean"], tools["Favourable"]) == ("16", "3.44", "44%")
    assert_hidden_group_has_no_number(at, downloads)
    set_value(at, "pulse_filter_department", [])
    set_value(at, "app_language", "fr")
    results = at.dataframe[0].value
    assert {"Question", "Réponses", "Moyenne", "Favorable", "Neutre", "Défavorable"} <= set(results.columns)
    assert results.loc[0, "Moyenne"] == "3,55"
    assert [tr["name"] for tr in charts(at)[0]["data"]] == ["Défavorable", "Neutre", "Favorable"]
    assert_hidden_group_has_no_number(at, downloads)


# --- 1:1 meetings ---------------------------------------------------------------------------------

def test_one_on_ones_kpis_tables_and_french(app_file, downloads):
    at = open_page(app_file, "one_on_ones.py")
    assert {m.label: m.value for m in at.metric} == {
        "Employees": "60", "Overdue": "11", "Median interval": "14 days", "As of": "Nov 27, 2026"}
    cadence, overdue, managers = (el.value for el in at.dataframe)
    assert len(cadence) == 60 and cadence["Overdue"].sum() == 11
    assert len(overdue) == 11 and overdue["Days since"].astype(int).max() == 95  # cells worded: "95"
    assert managers.set_index("Manager").loc["Oliver Grant", "Overdue"] == "8"
    assert managers.set_index("Manager").loc["Hannah Schmidt", "Median interval (days)"] == "7"
    interval, monthly = charts(at)
    assert len(monthly["data"]) == 6 and monthly["layout"]["barmode"] == "stack"
    assert {name for name, _ in downloads} >= {"one_on_ones_cadence.csv", "one_on_ones_overdue.xlsx",
                                               "one_on_ones_managers.csv"}
    overdue_csv = next(data for name, data in downloads if name == "one_on_ones_overdue.csv").decode("utf-8-sig")
    assert overdue_csv.count("\n") == 12
    set_value(at, "app_language", "fr")
    assert {m.label: m.value for m in at.metric} == {
        "Collaborateurs": "60", "En retard": "11", "Intervalle médian": "14 jours", "Situation au": "27/11/2026"}
    cadence = at.dataframe[0].value
    assert cadence.loc[0, ["Collaborateur", "Intervalle médian (jours)"]].tolist() == ["Vera Ulrich", "38,5"]
    assert "38.5" in overdue_csv  # downloads keep plain numbers


# --- catalog --------------------------------------------------------------------------------------

def texts_passed_to_t(path: Path) -> list[str]:
    """Every literal string passed to t() in a file; a t() call on anything else fails the test."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t":
            assert node.args and isinstance(node.args[0], ast.Constant), f"{path}:{node.lineno} t() needs a literal"
            found.append(node.args[0].value)
    return found


@pytest.mark.parametrize("name", OWN_FILES)
def test_every_people_string_has_a_french_translation(name):
    texts = texts_passed_to_t(ROOT / name)
    assert texts
    assert [text for text in texts if text not in FR] == []
    for text in texts:
        assert set(re.findall(r"{\w+}", text)) == set(re.findall(r"{\w+}", FR[text])), text

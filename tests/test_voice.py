"""Participation (response rates with headcounts) and comment themes, against values worked out by hand (issue 19)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from analytics import ingest, store
from analytics.ingest import headcount as headcount_ingest
from analytics.people import participation, privacy, survey, themes
from analytics.reports import json_report
from tests.test_survey import add_survey, resp


@pytest.fixture
def db(tmp_path):
    return tmp_path / "voice.duckdb"


def people(department, n, enps=8, comment=None, on="2026-10-05", **more):
    return [resp(enps, on=on, groups={"department": department, **more},
                 comments={"Comment": comment.format(i=i)} if comment else None) for i in range(n)]


def add_headcount(path, rows):
    """rows: (wave, {dimension: value}, headcount), typed rows (import_id NULL)."""
    with store.transaction(path) as con:
        for wave, groups, n in rows:
            con.execute("INSERT INTO headcount VALUES (NULL, ?, ?, ?)", [wave, json.dumps(groups), n])


# --- participation ----------------------------------------------------------------------------------------------

def test_response_rates_per_wave_and_group_with_the_low_flag(db):
    add_survey(db, people("Sales", 12) + people("Ops", 7), settings={"anonymity_threshold": 5})
    add_headcount(db, [(None, {}, 28), (None, {"department": "Sales"}, 15), (None, {"department": "ops"}, 13)])
    with store.connect(db) as con:
        wave = participation.participation_by_wave(con).iloc[0]
        groups = participation.participation_by_group(con).set_index("group")
        report = json_report.build_report(con)["survey"]["participation"]
    # wave: 12 + 7 = 19 responses of 28: 19 / 28 = 0.678571 (over 60 %: not flagged)
    assert (wave["responses"], wave["headcount"]) == (19, 28) and wave["flag"] is None
    assert wave["response_rate"] == pytest.approx(19 / 28)
    # Sales 12 / 15 = 0.8; Ops ("ops" in the headcount matches the survey's "Ops") 7 / 13 = 0.538 < 0.6: flagged
    assert groups.loc["Sales", "response_rate"] == pytest.approx(0.8) and groups.loc["Sales", "flag"] is None
    assert groups.loc["ops", "response_rate"] == pytest.approx(7 / 13)
    assert groups.loc["ops", "flag"] == participation.LOW_PARTICIPATION
    assert report["waves"] == [{"wave": "2026-10", "responses": 19, "headcount": 28,
                                "response_rate": pytest.approx(19 / 28), "flagged": False, "flag": None}]
    assert [(g["group"], g["flagged"]) for g in report["groups"]] == [({"department": "ops"}, True),
                                                                       ({"department": "Sales"}, False)]


def test_without_an_everyone_row_the_total_is_the_sum_of_the_first_dimension(db):
    add_survey(db, people("Sales", 12, team="X") + people("Ops", 7, team="Y"))
    add_headcount(db, [(None, {"department": "Sales"}, 15), (None, {"department": "Ops"}, 13),
                       (None, {"team": "X"}, 99)])
    with store.connect(db) as con:
        wave = participation.participation_by_wave(con).iloc[0]
    # department comes before team: 15 + 13 = 28
    assert wave["headcount"] == 28


def test_more_responses_than_headcount_is_a_data_problem(db):
    add_survey(db, people("Sales", 12))
    add_headcount(db, [(None, {}, 10), ("2026-10", {}, 11)])
    with store.connect(db) as con:
        wave = participation.participation_by_wave(con).iloc[0]
        margin = survey.enps_by_wave(con, headcount=participation.headcount_by_wave(con)).iloc[0]
    # the wave's own row (11) wins over the every-wave row (10); 12 > 11: flagged, rate still given (12 / 11)
    assert wave["headcount"] == 11 and wave["flag"] == participation.OVER_HEADCOUNT
    assert wave["response_rate"] == pytest.approx(12 / 11)
    assert pd.isna(margin["margin_of_error_fpc"])  # finite_population_margin refuses N < n


def test_a_hidden_group_has_no_headcount_and_cannot_be_derived(db):
    """Sales 12, Ops 7, Legal 2: blocks {Sales}, {Ops + Legal} (Ops would leave Legal alone). Headcounts 15, 13,
    3 and 31 in all. Only Sales shows its headcount; 31 - 15 = 16 is Ops and Legal together, neither alone."""
    add_survey(db, people("Sales", 12) + people("Ops", 7) + people("Legal", 2), settings={"anonymity_threshold": 5})
    add_headcount(db, [(None, {}, 31), (None, {"department": "Sales"}, 15), (None, {"department": "Ops"}, 13),
                       (None, {"department": "Legal"}, 3)])
    with store.connect(db) as con:
        groups = participation.participation_by_group(con).set_index("group")
        wave = participation.participation_by_wave(con).iloc[0]
        report = json_report.build_report(con)["survey"]["participation"]
    assert groups["suppressed"].to_dict() == {"Legal": True, "Ops": True, "Sales": False}
    assert groups.loc["Legal", "reason"] == privacy.FEW_RESPONSES and groups.loc["Ops", "reason"] == privacy.DERIVABLE
    assert groups.loc[["Legal", "Ops"], ["responses", "headcount", "response_rate", "flag"]].isna().all().all()
    shown = groups.loc["Sales", "headcount"]
    assert int(wave["headcount"]) - int(shown) == 16 and 16 not in (13, 3)
    assert [g["group"] for g in report["groups"]] == [{"department": "Sales"}]
    assert "13" not in json.dumps(report) and ": 3," not in json.dumps(report)


def test_no_headcount_gives_null_participation(db):
    add_survey(db, people("Sales", 6))
    with store.connect(db) as con:
        assert json_report.build_report(con)["survey"]["participation"] is None
        assert participation.participation_by_wave(con)["headcount"].isna().all()


# --- headcount files and typed headcounts ---------------------------------------------------------------------

def test_headcount_file_in_english(db, tmp_path):
    path = tmp_path / "headcount.csv"
    path.write_text("Department,Team,Headcount\nSales,X,15\nSales,Y,13\nOps,,ten\n,,40\n", encoding="utf-8")
    result = ingest.import_file(path, db=db)
    assert (result.kind, result.rows_imported) == ("headcount", 3)
    assert result.rejected == [(4, "headcount 'ten' is not a number")]  # row 4 of the sheet (header = row 1)
    with store.connect(db) as con:
        rows = con.execute("SELECT groups, headcount FROM headcount ORDER BY headcount").fetchall()
    assert rows == [('{"department": "Sales", "team": "Y"}', 13), ('{"department": "Sales", "team": "X"}', 15),
                    ("{}", 40)]
    with store.transaction(db) as con:  # deleting the import deletes its headcounts
        store.delete_import(con, result.import_id)
        assert con.execute("SELECT count(*) FROM headcount").fetchone()[0] == 0


def test_headcount_file_in_french_with_semicolons_and_decimal_commas(db, tmp_path):
    path = tmp_path / "effectifs.csv"
    # (a "Total" on the LAST line would be dropped as a report footer, like Salesforce's "Grand Totals")
    path.write_text("Service;Nombre de salariés\nTotal;1 234\nVentes;15,0\nOpérations;-2\nJuridique;3\n",
                    encoding="utf-8")
    prepared = ingest.plan_file(path.read_bytes(), path.name, db=db)
    assert prepared.kind == "headcount" and prepared.plan.of("kind")[0].evidence == "kind_headcount"
    assert list(prepared.rejected["row_number"]) == [4]  # -2 people, on the 4th line of the sheet
    table = prepared.tables["headcount"]
    assert list(table["groups"]) == ["{}", '{"department": "Ventes"}', '{"department": "Juridique"}']
    assert list(table["headcount"]) == [1234, 15, 3]


def test_typed_headcount_replaces_only_typed_rows(db):
    add_headcount(db, [])
    with store.transaction(db) as con:
        con.execute("INSERT INTO headcount VALUES (7, NULL, '{}', 50)")  # an imported row stays
        store_table = pd.DataFrame({"dimension": ["department", None], "group": ["Sales", None],
                                    "headcount": [15, None]})
        assert headcount_ingest.save_typed_headcount(con, store_table, "28") == 2
    with store.connect(db) as con:
        typed, total = headcount_ingest.typed_headcount(con)
        assert con.execute("SELECT count(*) FROM headcount WHERE import_id = 7").fetchone()[0] == 1
    assert total == 28 and typed.to_dict("records") == [{"dimension": "department", "group": "Sales",
                                                          "headcount": 15}]
    bad = pd.DataFrame({"dimension": ["department"], "group": ["Sales"], "headcount": [2.5]})
    with pytest.raises(store.SettingError) as refused, store.transaction(db) as con:
        headcount_ingest.save_typed_headcount(con, bad, None)
    assert refused.value.text == headcount_ingest.TYPED_NOT_WHOLE and refused.value.values["row"] == 1


# --- comment themes ---------------------------------------------------------------------------------------------

EIGHT = [
    "Too much work, the workload keeps growing.",          # workload
    "La charge de travail est énorme et le télétravail est refusé.",  # workload, remote work
    "My manager never gives recognition for good work.",   # management, recognition
    "Salaire trop bas, aucune évolution de carrière.",     # pay, career
    "REMUNERATION et primes : à revoir",                   # pay (no accents, capitals)
    "The CRM tool is slow and crashes.",                   # tools
    "Great team spirit, great team spirit everywhere.",   # culture
    "Nothing to add.",                                     # no theme
]


def test_theme_counts_on_eight_hand_written_comments(db):
    add_survey(db, [resp(8, groups={"department": "Sales"}, comments={"Comment": c}) for c in EIGHT])
    with store.connect(db) as con:
        counts = themes.theme_counts(con).set_index("theme")["comments"].to_dict()
        report = json_report.build_report(con)["survey"]["comment_themes"]
        phrases = themes.top_phrases(con)
    # by hand from the notes above: workload 2 (comments 1, 2), pay 2 (4, 5), one each for the others
    assert counts == {"workload": 2, "management": 1, "pay": 2, "career": 1, "tools": 1, "culture": 1,
                      "remote work": 1, "recognition": 1}
    assert {"wave": "2026-10", "theme": "pay", "comments": 2} in report
    # no phrase is in two comments except none: "team spirit" is twice in ONE comment, which counts once
    assert phrases.empty


def test_phrases_need_two_comments_and_prefer_the_longer_phrase(db):
    texts = ["Great team spirit here", "great team spirit!", "Team spirit, nothing else", "Bon esprit d'équipe"] * 2
    add_survey(db, [resp(8, comments={"Comment": t}) for t in texts])
    with store.connect(db) as con:
        phrases = themes.top_phrases(con).set_index("phrase")["comments"].to_dict()
    # "great team spirit" in 4 comments; "great team" also 4 (inside it): left out; "team spirit" 6 (4 + 2): kept
    # (more than any three-word phrase holding it); "bon esprit équipe" 2 ("d'équipe" loses its elision) hides
    # "bon esprit" and "esprit équipe" (2 each); "team spirit here" 2 hides "spirit here"
    assert phrases["great team spirit"] == 4 and "great team" not in phrases and phrases["team spirit"] == 6
    assert phrases["bon esprit équipe"] == 2 and "bon esprit" not in phrases and "spirit here" not in phrases
    assert all(" " in p for p in phrases)


def test_theme_counts_per_group_respect_the_comment_threshold(db):
    """Sales 8 and Ops 7 with comments; comment threshold 8: Sales is shown, Ops hidden (too few), and since
    the wave holds 15, Sales (8) would leave Ops (7) below 8: Sales cannot cut a block: both hidden."""
    rows = people("Sales", 8, comment="workload {i}") + people("Ops", 7, comment="salary {i}")
    add_survey(db, rows, settings={"anonymity_threshold": 5, "comment_threshold": 7})
    with store.connect(db) as con:
        at_7 = themes.theme_counts_by_group(con, "department").set_index("group")
        store.set_setting(con, "comment_threshold", 8)
    with store.connect(db) as con:
        at_8 = themes.theme_counts_by_group(con, "department")
        everyone_8 = themes.theme_counts(con)
    # at 7: both groups reach 7 and cut the wave into {Sales 8}, {Ops 7}: workload 8 in Sales, pay 7 in Ops
    assert at_7.loc["Sales", "comments"] == 8 and at_7.loc["Ops", "theme"] == "pay" and at_7.loc["Ops", "comments"] == 7
    # at 8: Ops (7) is under the threshold and Sales (8) would leave it alone: both hidden, no count at all
    assert at_8["suppressed"].all() and at_8["comments"].isna().all()
    assert set(at_8["reason"]) == {privacy.FEW_RESPONSES, privacy.DERIVABLE}
    assert everyone_8.set_index("theme")["comments"].to_dict() == {"workload": 8, "pay": 7}  # the wave: 15 >= 8


def test_hiding_comments_removes_texts_phrases_and_themes_everywhere(db):
    add_survey(db, [resp(8, groups={"department": "Sales"}, comments={"Comment": c}) for c in EIGHT * 2])
    with store.transaction(db) as con:
        store.set_setting(con, "survey_comments", "hide")
    with store.connect(db) as con:
        assert survey.comments(con).empty and survey.top_terms(con).empty
        assert set(survey.comment_waves(con)["reason"]) == {privacy.COMMENTS_HIDDEN}
        assert themes.theme_counts(con).empty and themes.top_phrases(con).empty
        assert themes.theme_counts_by_group(con, "department").empty
        report = json_report.build_report(con)
    assert report["survey"]["comment_themes"] is None
    text = json.dumps(report, ensure_ascii=False)
    assert not any(word in text for word in ("workload", "Salaire", "CRM", "spirit"))

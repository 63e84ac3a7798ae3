"""Sales × people: a team's eNPS beside its win rate, only for teams the survey may show."""
from __future__ import annotations

import pytest

from analytics import ingest, store
from analytics.people import sales_people

DEALS = ("Record ID,Deal Stage,Amount,Create Date,Close Date,Sales team\n"
         "1,closedwon,100,2026-01-01,2026-02-01,alpha\n"
         "2,closedwon,300,2026-01-01,2026-02-11,alpha\n"
         "3,closedwon,200,2026-01-01,2026-03-02,alpha\n"
         "4,closedlost,500,2026-01-01,2026-02-01,alpha\n"
         "5,closedwon,100,2026-01-01,2026-02-01,Beta\n"
         "6,closedwon,100,2026-01-01,2026-02-01,Tiny\n")


def survey_csv() -> str:
    lines = ["Timestamp,Team,How likely are you to recommend this company as a place to work?"]
    answers = {"Alpha": [10, 10, 9, 8, 5, 3], "Beta": [9, 9, 9, 9, 9], "Gamma": [7] * 7, "Tiny": [10, 0]}
    for team, scores in answers.items():
        lines += [f"2026-11-{i + 1:02d} 10:00,{team},{s}" for i, s in enumerate(scores)]
    return "\n".join(lines) + "\n"


def test_team_comparison_matches_visible_teams_only(db):
    ingest.import_file(DEALS.encode(), "deals_2026-11-20.csv", db=db)
    ingest.import_file(survey_csv().encode(), "survey.csv", db=db)
    with store.connect(db) as con:
        table = sales_people.team_comparison(con, k=5)
    # Tiny (2 answers) is hidden; exactly one hidden sibling hides the next smallest, Beta (5): neither appears.
    # Gamma is visible but has no deals. Alpha: 6 answers, promoters 10, 10, 9 (3), passive 8, detractors 5, 3:
    # eNPS = 100 x (3 - 2) / 6 = 16.67. Alpha's deals ("alpha" in the CRM: matched ignoring case): won 3, lost 1,
    # win rate 3 / 4 = 0.75.
    assert list(table["group"]) == ["Alpha"]
    row = table.iloc[0]
    assert row["enps"] == pytest.approx(100 / 6)
    assert (row["won"], row["lost"]) == (3, 1)
    assert row["win_rate"] == pytest.approx(0.75)
    assert row["deals_column"] == "Sales team" and row["survey_dimension"] == "team"


def test_no_survey_or_no_deals_gives_an_empty_table(db):
    ingest.import_file(DEALS.encode(), "deals_2026-11-20.csv", db=db)
    with store.connect(db) as con:
        assert sales_people.team_comparison(con).empty

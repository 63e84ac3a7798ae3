"""Forecast calls (issue 18): submissions kept per week, the roll-up by team beside the model, not-submitted marks,
call accuracy over two closed periods, the file import, the CLI and the JSON report. Every expected value is
worked out by hand from the fixture below.

Stages (Sales pipeline): Qualify 0.1, Demo 0.3, Proposal 0.6, Negotiate 0.8, Closed Won, Closed Lost.
Snapshots S1 = 2026-10-05, S2 = 2026-11-02, S3 = 2026-12-01 (the latest: October and November are over).

deal owner amount close       S1           S2           S3            attribute Sales team (S3)
A1   Ann   1000   2026-10-20  Proposal .6  Closed Won   Closed Won    North
A2   Ann   2000   2026-10-25  Demo .3      Closed Lost  Closed Lost   North
A3   Ann   3000   2026-11-15  Qualify .1   Negotiate .8 Closed Won    North
B1   Bob   4000   2026-11-20  Demo .3      Demo .3      Closed Lost   North
A4   Ann    500   2026-12-10  -            -            Proposal .6   North
B2   Bob   1000   2026-12-20  -            -            Demo .3       North
C1   Cy    2000   2026-12-15  -            -            Negotiate .8  South
"""
from __future__ import annotations

import datetime as dt
import json
import math

import pytest

from analytics import store
from analytics.ingest import calls as call_files
from analytics.reports.json_report import build_report
from analytics.sales import calls, teams
from analytics.sales.deals import DealFilter
from analytics.sales.forecast import forecast_by_period
from analytics.store.calls import CallError, checked_call, week_of
from tests.sales_fixtures import add_snapshot, add_stages

D = dt.date
S1, S2, S3 = D(2026, 10, 5), D(2026, 11, 2), D(2026, 12, 1)
TODAY = D(2026, 12, 2)   # a Wednesday: this week starts on Monday 2026-11-30


def deal(deal_id, owner, amount, close, stage, team="North"):
    return {"deal_id": deal_id, "owner": owner, "amount": amount, "close_on": close, "stage": stage,
            "created_on": D(2026, 9, 1), "attrs": {"Sales team": team, "Segment": "SMB"}}


def build(con) -> None:
    add_stages(con)
    add_snapshot(con, S1, [deal("A1", "Ann", 1000, D(2026, 10, 20), "Proposal"),
                           deal("A2", "Ann", 2000, D(2026, 10, 25), "Demo"),
                           deal("A3", "Ann", 3000, D(2026, 11, 15), "Qualify"),
                           deal("B1", "Bob", 4000, D(2026, 11, 20), "Demo")])
    add_snapshot(con, S2, [deal("A1", "Ann", 1000, D(2026, 10, 20), "Closed Won"),
                           deal("A2", "Ann", 2000, D(2026, 10, 25), "Closed Lost"),
                           deal("A3", "Ann", 3000, D(2026, 11, 15), "Negotiate"),
                           deal("B1", "Bob", 4000, D(2026, 11, 20), "Demo")])
    add_snapshot(con, S3, [deal("A1", "Ann", 1000, D(2026, 10, 20), "Closed Won"),
                           deal("A2", "Ann", 2000, D(2026, 10, 25), "Closed Lost"),
                           deal("A3", "Ann", 3000, D(2026, 11, 15), "Closed Won"),
                           deal("B1", "Bob", 4000, D(2026, 11, 20), "Closed Lost"),
                           deal("A4", "Ann", 500, D(2026, 12, 10), "Proposal"),
                           deal("B2", "Bob", 1000, D(2026, 12, 20), "Demo"),
                           deal("C1", "Cy", 2000, D(2026, 12, 15), "Negotiate", team="South")])
    submissions = [
        ("owner", "Ann", "2026-10", 800, 1500, D(2026, 10, 6)),
        ("owner", "Ann", "2026-10", 1200, 1600, D(2026, 10, 13)),   # the later call of October wins
        ("owner", "Ann", "2026-11", 2000, 3000, D(2026, 11, 3)),
        ("owner", "Bob", "2026-11", 1000, 2000, D(2026, 11, 4)),
        ("owner", "Bob", "2026-10", 5000, 5000, D(2026, 11, 5)),    # after October ended: not a call of it
        ("owner", "Ann", "2026-12", 100, 200, D(2026, 11, 24)),     # last week
        ("owner", "Ann", "2026-12", 300, 700, D(2026, 11, 30)),     # this week: wins
        ("owner", "Bob", "2026-12", 250, 400, D(2026, 11, 25)),     # last week only
        ("team", "East", "2026-12", 600, 1200, D(2026, 12, 1)),
    ]
    for submission in submissions:
        calls.submit_call(con, *submission)


@pytest.fixture
def path(tmp_path):
    target = tmp_path / "calls.duckdb"
    with store.transaction(target) as con:
        build(con)
    return target


@pytest.fixture
def con(path):
    with store.connect(path) as connection:
        yield connection


def set_east_west(con) -> None:
    """Ann and Bob in East (manager Mia), Cy in West (manager Wes), as typed in Settings."""
    teams.save_teams(con, teams.pd.DataFrame({"owner": ["Ann", "Bob", "Cy"], "team": ["East", "East", "West"],
                                              "manager": ["Mia", "Mia", "Wes"]}))


# --- submissions -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, code", [
    (("boss", "Ann", "2026-12", 1, 2), "call_level"),
    (("owner", "  ", "2026-12", 1, 2), "call_name_blank"),
    (("owner", "Ann", "2026-13", 1, 2), "call_period"),
    (("owner", "Ann", "Q4", 1, 2), "call_period"),
    (("owner", "Ann", "2026-12", -1, 2), "call_commit_negative"),
    (("owner", "Ann", "2026-12", 500, 499.99), "call_best_below_commit"),
    (("owner", "Ann", "2026-12", "abc", 2), "call_amount_missing"),
])
def test_a_call_breaking_a_rule_is_refused_with_a_code(args, code):
    with pytest.raises(CallError) as refused:
        checked_call(*args, D(2026, 12, 1))
    assert refused.value.code == code


def test_a_period_is_written_the_same_way_and_a_week_starts_on_monday():
    assert checked_call("Owner", " Ann ", "2026-q4", 0, 0, D(2026, 12, 6)).period == "2026-Q4"
    assert week_of(D(2026, 12, 6)) == D(2026, 11, 30)    # a Sunday belongs to the week of the Monday before
    assert week_of(D(2026, 11, 30)) == D(2026, 11, 30)


def test_the_later_week_wins_and_the_earlier_call_is_kept(con):
    history = calls.call_history(con, "2026-12")
    ann = history[history["name"] == "Ann"]
    assert list(ann["commit_amount"]) == [300.0, 100.0]             # both submissions kept, newest first
    latest = calls.latest_calls(con, "2026-12").set_index("name")
    assert latest.loc["Ann", "commit_amount"] == 300.0 and latest.loc["Ann", "best_case"] == 700.0
    last_week = calls.latest_calls(con, "2026-12", week=D(2026, 11, 26)).set_index("name")
    assert last_week.loc["Ann", "commit_amount"] == 100.0           # the call of that week
    assert last_week.loc["Bob", "commit_amount"] == 250.0
    assert "East" not in last_week.index                           # the team called this week only


# --- teams and the roll-up ---------------------------------------------------------------------------------

def test_teams_come_from_the_deal_column_until_settings_hold_a_table(con):
    assert teams.team_attribute_choices(con) == ["Sales team", "Segment"]   # the team-like name first
    found, source, attribute = teams.owner_teams(con)
    assert (source, attribute) == ("attribute", "Sales team")
    assert dict(zip(found["owner"], found["team"], strict=True)) == {"Ann": "North", "Bob": "North", "Cy": "South"}
    set_east_west(con)
    found, source, _ = teams.owner_teams(con)
    assert source == "settings" and dict(zip(found["owner"], found["manager"], strict=True))["Cy"] == "Wes"


def test_team_table_refuses_an_owner_twice_or_without_team(con):
    frame = teams.pd.DataFrame({"owner": ["Ann", "Ann"], "team": ["East", "West"], "manager": [None, None]})
    with pytest.raises(teams.TeamTableError) as refused:
        teams.save_teams(con, frame)
    assert refused.value.code == "owner_twice"
    with pytest.raises(teams.TeamTableError) as refused:
        teams.save_teams(con, teams.pd.DataFrame({"owner": ["Ann"], "team": [" "], "manager": ["Mia"]}))
    assert refused.value.values == {"row": 1}


def test_rollup_sums_the_owners_calls_and_models_and_marks_who_has_not_called(con):
    set_east_west(con)
    rollup = calls.call_rollup(con, "2026-12", today=TODAY)
    assert (rollup.is_over, rollup.week_of, rollup.model_as_of, rollup.team_source) == \
        (False, D(2026, 11, 30), S3, "settings")
    rows = {(r.level, r.name): r for r in rollup.table.itertuples()}
    assert [(r.level, r.name) for r in rollup.table.itertuples()] == [
        ("team", "East"), ("owner", "Ann"), ("owner", "Bob"), ("team", "West"), ("owner", "Cy")]
    ann, bob, cy, east, west = (rows[k] for k in (("owner", "Ann"), ("owner", "Bob"), ("owner", "Cy"),
                                                  ("team", "East"), ("team", "West")))
    # models as of S3, December: Ann A4 500 x 0.6 = 300; Bob B2 1000 x 0.3 = 300; Cy C1 2000 x 0.8 = 1600
    assert (ann.model_forecast, bob.model_forecast, cy.model_forecast) == pytest.approx((300, 300, 1600))
    assert (ann.commit_amount, ann.best_case, bob.commit_amount, bob.best_case) == (300, 700, 250, 400)
    assert math.isnan(cy.commit_amount)
    # East: its own call 600 / 1200; owners 300 + 250 = 550 and 700 + 400 = 1100; model 300 + 300 = 600
    assert (east.commit_amount, east.best_case, east.owners_commit, east.owners_best_case) == (600, 1200, 550, 1100)
    assert east.model_forecast == pytest.approx(600) and east.manager == "Mia" and east.open_count == 2
    assert math.isnan(west.owners_commit) and west.model_forecast == pytest.approx(1600)
    # this week (from 2026-11-30): Ann and East called; Bob called last week only; Cy and West never did
    assert {k for k, r in rows.items() if r.not_submitted} == {("owner", "Bob"), ("owner", "Cy"), ("team", "West")}
    assert rollup.table["won_amount"].isna().all()                  # December is not over


def test_the_model_of_an_owner_is_the_forecast_of_their_deals(con):
    model = calls.owner_forecasts(con, grain="month").set_index(["owner", "period"])["forecast"]
    for owner in ("Ann", "Bob", "Cy"):
        alone = forecast_by_period(con, flt=DealFilter(owners=(owner,)), draws=100).periods.set_index("period")
        assert model[owner, "2026-12"] == pytest.approx(alone.loc["2026-12", "forecast"])


def test_a_period_that_is_over_shows_what_was_won(con):
    rollup = calls.call_rollup(con, "2026-10", today=TODAY)     # teams from the deals' column: North, South
    rows = {(r.level, r.name): r for r in rollup.table.itertuples()}
    assert rollup.is_over and rollup.model_as_of == S1          # the last snapshot on or before 2026-10-31
    ann = rows["owner", "Ann"]
    # won in October: A1 1000; the model as of S1: A1 1000 x 0.6 + A2 2000 x 0.3 = 1200
    assert (ann.won_amount, ann.model_forecast, ann.commit_amount) == pytest.approx((1000, 1200, 1200))
    assert not rollup.table["not_submitted"].any()              # nobody is late for a period that is over
    assert rows["team", "North"].won_amount == pytest.approx(1000)   # Bob won nothing in October


# --- accuracy ----------------------------------------------------------------------------------------------

def test_call_accuracy_over_two_closed_periods(con):
    detail = calls.call_accuracy_detail(con).set_index(["owner", "period"])
    assert list(detail.index) == [("Ann", "2026-10"), ("Ann", "2026-11"), ("Bob", "2026-11")]  # Bob's Oct call late
    # Ann Oct: call 1200 (10-13), won 1000: error 200, 200 / 1000 = 0.2; model as of S1 = 1200: same
    # Ann Nov: call 2000, won A3 3000: error -1000, 1000 / 3000; model as of S2 (11-02): A3 3000 x 0.8 = 2400
    # Bob Nov: call 1000, won 0 (B1 lost): error 1000, % undefined; model as of S2: B1 4000 x 0.3 = 1200
    assert detail.loc[("Ann", "2026-11"), "model_as_of"] == S2
    assert detail["call_error"].tolist() == pytest.approx([200, -1000, 1000])
    assert detail["model_error"].tolist() == pytest.approx([200, -600, 1200])
    assert detail["call_abs_pct_error"].tolist()[:2] == pytest.approx([0.2, 1 / 3])
    assert math.isnan(detail.loc[("Bob", "2026-11"), "call_abs_pct_error"])
    summary = calls.call_accuracy(con).set_index("owner")
    assert list(calls.call_accuracy(con).columns) == ["owner", "periods", "call_error", "call_abs_pct_error",
                                                      "model_error", "model_abs_pct_error"]
    # Ann: (200 - 1000) / 2 = -400; (0.2 + 1/3) / 2 = 0.2667; model (200 - 600) / 2 = -200; (0.2 + 0.2) / 2 = 0.2
    assert summary.loc["Ann"].tolist() == pytest.approx([2, -400, (0.2 + 1 / 3) / 2, -200, 0.2])
    assert summary.loc["Bob", "periods"] == 1 and math.isnan(summary.loc["Bob", "call_abs_pct_error"])


# --- file import, CLI, report --------------------------------------------------------------------------------

FRENCH_CALLS = ("Propriétaire;Période;Engagement;Meilleur cas;Date\n"
                "Cy;2026-12;1 500,50;2 000,00;01/12/2026\n"
                "Bob;2026-12;900;800;01/12/2026\n"            # row 3: best case below the commit
                ";2026-12;1;2;01/12/2026\n"                   # row 4: no owner
                "Bob;T4 2026;1;2;01/12/2026\n").encode("cp1252")  # row 5: not a period


def test_import_a_french_file_rejects_bad_rows_by_number(path):
    result = call_files.import_calls(FRENCH_CALLS, "annonces.csv", path)
    assert result.imported == 1
    assert [(row, code) for row, code, _ in result.rejected] == [
        (3, "call_best_below_commit"), (4, "call_name_blank"), (5, "call_period")]
    with store.connect(path) as con:
        cy = calls.latest_calls(con, "2026-12").set_index("name").loc["Cy"]
    assert (cy.commit_amount, cy.best_case, cy.submitted_on) == (1500.5, 2000.0, D(2026, 12, 1))
    again = call_files.import_calls(FRENCH_CALLS, "annonces.csv", path)
    assert (again.imported, again.skipped) == (0, 1)          # the same file twice adds nothing


@pytest.mark.parametrize("content, code", [
    (b"Owner,Period,Commit\nAnn,2026-12,5\n", "calls_missing_columns"),
    (b"Owner,Period,Commit,Best case,Date\nAnn,2026-12,9,1,2026-12-01\n", "calls_no_valid_row"),
    (b"\x00\x01\x02 not a spreadsheet", "calls_unreadable"),
])
def test_a_refused_file_leaves_the_database_untouched(path, content, code):
    with store.connect(path) as con:
        before = (store.data_version(con), len(calls.call_history(con)))
    with pytest.raises(call_files.CallsRejected) as refused:
        call_files.import_calls(content, "calls.csv", path)
    assert refused.value.code == code
    with store.connect(path) as con:
        assert (store.data_version(con), len(calls.call_history(con))) == before


def test_cli_calls_import_and_list(path, tmp_path, capsys):
    from analytics import cli

    file = tmp_path / "calls.csv"
    file.write_text("Team,Period,Commit,Best case,Date\nWest,2026-12,1000,1500,2026-12-02\n")
    assert cli.main(["calls", "--db", str(path), "import", str(file)]) == 0
    assert "1 calls imported" in capsys.readouterr().out
    assert cli.main(["calls", "--db", str(path), "list", "--period", "2026-12", "--json"]) == 0
    listed = {(r["level"], r["name"]): r for r in json.loads(capsys.readouterr().out)}
    assert listed["team", "West"]["commit_amount"] == 1000.0 and listed["owner", "Ann"]["commit_amount"] == 300.0
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert cli.main(["calls", "--db", str(path), "import", str(bad)]) == 2
    assert capsys.readouterr().err.startswith("error:")


def test_a_call_entered_survives_reopening_and_is_in_the_json(path, capsys):
    from analytics import cli

    with store.transaction(path) as con:     # as the app does: one write transaction, then the file is closed
        calls.submit_call(con, "owner", "Cy", "2026-12", 1400, 1800, D(2026, 12, 2))
    store.forget_schema_cache()
    assert cli.main(["report", "--json", "--db", str(path)]) == 0
    section = json.loads(capsys.readouterr().out)["forecast_calls"]
    assert section["as_of"] == "2026-12-01"
    december = next(p for p in section["periods"] if p["period"] == "2026-12")
    by_name = {(c["level"], c["name"]): c for c in december["calls"]}
    # teams from the deals' column: Ann, Bob in North; Cy in South. Cy: 1400 / 1800, model 2000 x 0.8 = 1600
    assert by_name["owner", "Cy"] == {"level": "owner", "name": "Cy", "team": "South", "commit": 1400.0,
                                      "best_case": 1800.0, "submitted_on": "2026-12-02", "model_forecast": 1600.0,
                                      "won_amount": None}
    assert by_name["team", "East"]["commit"] == 600.0 and by_name["team", "East"]["team"] == "East"
    assert [p["period"] for p in section["periods"]] == ["2026-12"]   # no call for 2027-01, 2026-Q4, 2027-Q1


def test_the_json_section_is_null_without_calls(tmp_path):
    with store.transaction(tmp_path / "empty.duckdb") as con:
        add_stages(con)
        add_snapshot(con, S3, [deal("C1", "Cy", 2000, D(2026, 12, 15), "Negotiate")])
    with store.connect(tmp_path / "empty.duckdb") as con:
        assert build_report(con)["forecast_calls"] is None


def test_the_team_column_setting_chooses_the_attribute(con):
    store.set_setting(con, "team_attribute", "Segment")
    found, source, attribute = teams.owner_teams(con)
    assert (source, attribute) == ("attribute", "Segment") and set(found["team"]) == {"SMB"}
    store.set_setting(con, "team_attribute", "No such column")
    assert teams.owner_teams(con)[1] is None            # a column the deals do not carry: no team, not a guess

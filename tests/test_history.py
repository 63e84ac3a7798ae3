"""Salesforce stage-history imports (kind stage_history): exact stage entry dates for days in stage and the
strict funnel, close-date pushes, both layouts, 15/18-character ids, validation. Expected values by hand.

Deals export (Salesforce report, 15-character ids), snapshot 2026-11-06, stages = Salesforce defaults
(Prospecting, Qualification, Needs Analysis, Value Proposition, … Closed Won, Closed Lost):
  A 0065g00000AAAAA  Needs Analysis  1500  close 2027-01-05  created 2026-09-29
  B 0065g00000BBBBB  Closed Won      2000  close 2026-10-20  created 2026-10-05
  C 0065g00000CCCCC  Qualification    800  close 2026-12-31  created 2026-10-10   (no history)
OpportunityHistory (18-character ids, API field names, UTC timestamps):
  A 10-01 Prospecting; 10-08 Qualification (from Prospecting, 1000, close 12-01);
    10-15 Qualification (1500, close 12-15: amount and close date changed); 10-29 Needs Analysis (close 2027-01-05)
  B 10-05 Prospecting; 10-20 Closed Won (from Prospecting: skipped the other stages)
"""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics import ingest, store
from analytics.sales.funnel import funnel
from analytics.sales.movement import slips
from analytics.sales.stage_time import age_in_stage, days_in_stage
from analytics.store import schema

ROOT = Path(__file__).resolve().parent.parent
A15, B15, C15 = "0065g00000AAAAA", "0065g00000BBBBB", "0065g00000CCCCC"
A18, B18 = A15 + "IAU", B15 + "QAW"

DEALS = f"""Opportunity ID,Opportunity Name,Opportunity Owner,Stage,Amount,Close Date,Created Date
{A15},Acme - Platform,Ann,Needs Analysis,"$1,500.00",1/5/2027,9/29/2026
{B15},Bolt - Seats,Bob,Closed Won,"$2,000.00",10/20/2026,10/5/2026
{C15},Cora - Pilot,Bob,Qualification,$800.00,12/31/2026,10/10/2026
""".encode()

HISTORY_HEADER = ("Id,OpportunityId,CreatedById,CreatedDate,StageName,Amount,CloseDate,Probability,PrevAmount,"
                  "PrevCloseDate,FromOpportunityStageName")
HISTORY = f"""{HISTORY_HEADER}
008a1,{A18},005x,2026-10-01T09:00:00.000Z,Prospecting,,,10,,,
008a2,{A18},005x,2026-10-08T09:00:00.000Z,Qualification,1000,2026-12-01,10,,,Prospecting
008a3,{A18},005x,2026-10-15T16:30:00.000Z,Qualification,1500,2026-12-15,10,1000,2026-12-01,Qualification
008a4,{A18},005x,2026-10-29T10:00:00.000Z,Needs Analysis,1500,2027-01-05,20,1500,2026-12-15,Qualification
008b1,{B18},005x,2026-10-05T08:00:00.000Z,Prospecting,2000,2026-12-31,10,,,
008b2,{B18},005x,2026-10-20T08:00:00.000Z,Closed Won,2000,2026-10-20,100,2000,2026-12-31,Prospecting
""".encode()

# A field-history report: newest first, US dates with a time, other fields mixed in.
EVENTS = f"""Opportunity ID,Opportunity Name,Edit Date,Field / Event,Old Value,New Value
{A15},Acme - Platform,"10/29/2026, 10:00 AM",Stage,Qualification,Needs Analysis
{A15},Acme - Platform,"10/15/2026, 4:30 PM",Close Date,12/1/2026,12/15/2026
{A15},Acme - Platform,"10/15/2026, 4:30 PM",Amount,"$1,000.00","$1,500.00"
{A15},Acme - Platform,"10/8/2026, 9:00 AM",Stage,Prospecting,Qualification
{A15},Acme - Platform,"10/8/2026, 9:00 AM",Opportunity Owner,Zoe,Ann
{A15},Acme - Platform,"10/1/2026, 9:00 AM",Created.,,
{B15},Bolt - Seats,"10/20/2026, 8:00 AM",Stage,Prospecting,Closed Won
{B15},Bolt - Seats,"10/5/2026, 8:00 AM",Created.,,
""".encode()

OPTIONS = ingest.ImportOptions(as_of=date(2026, 11, 6))


def import_bytes(path: Path, data: bytes, name: str, options: ingest.ImportOptions = OPTIONS):
    return ingest.import_file(data, name, options, path)


@pytest.fixture
def deals_only(tmp_path) -> Path:
    path = tmp_path / "history.duckdb"
    import_bytes(path, DEALS, "opportunities.csv")
    return path


@pytest.fixture
def with_history(deals_only) -> Path:
    result = import_bytes(deals_only, HISTORY, "OpportunityHistory.csv")
    assert (result.status, result.kind, result.rows_imported, result.rows_rejected) == (
        "imported", "stage_history", 6, 0)
    return deals_only


def stays(path: Path) -> pd.DataFrame:
    with store.connect(path) as con:
        return days_in_stage(con).set_index(["deal_id", "stage"])


# --- the rows layout (OpportunityHistory) -----------------------------------------------------------------

def test_history_file_is_detected_and_stored(with_history):
    with store.connect(with_history) as con:
        rows = con.execute("SELECT deal_id, stage, from_stage, changed_on, amount, close_on, probability "
                           "FROM deal_stage_history ORDER BY deal_id, changed_on").fetchall()
    assert rows[1] == (A18, "Qualification", "Prospecting", date(2026, 10, 8), 1000.0, date(2026, 12, 1), 0.1)
    assert rows[0][2:] == (None, date(2026, 10, 1), None, None, 0.1)
    assert rows[-1] == (B18, "Closed Won", "Prospecting", date(2026, 10, 20), 2000.0, date(2026, 10, 20), 1.0)


def test_history_gives_exact_days_in_stage(deals_only, with_history):
    rows = stays(with_history)
    # A: Prospecting 10-01 -> Qualification 10-08 (its first entry, not the 10-15 amount change) -> Needs Analysis 10-29
    assert rows.loc[(A15, "Prospecting"), "days"] == 7
    assert rows.loc[(A15, "Qualification"), "days"] == 21
    # B: Prospecting 10-05, then won on 10-20 (close_on): its last open stage lasted 15 days
    assert rows.loc[(B15, "Prospecting"), "days"] == 15
    assert not rows.loc[[(A15, "Prospecting"), (A15, "Qualification"), (B15, "Prospecting")], "inferred"].any()
    with store.connect(with_history) as con:
        age = age_in_stage(con).set_index("deal_id")
    # A entered Needs Analysis on 10-29: 8 days before the snapshot of 11-06, exactly
    assert (age.loc[A15, "age_days"], bool(age.loc[A15, "inferred"])) == (8, False)
    assert bool(age.loc[C15, "inferred"])  # C has no history: first seen on the snapshot


def test_without_history_the_entries_are_snapshot_dates(deals_only):
    assert stays(deals_only).empty  # one snapshot: no stage was seen to end


def test_history_feeds_the_strict_funnel(deals_only, with_history):
    with store.connect(with_history) as con:
        strict = funnel(con, strict=True).set_index("stage")["reached"]
        cumulative = funnel(con).set_index("stage")["reached"]
    # The stages are those deals were in: the history added Prospecting before Qualification; no deal was ever in
    # Value Proposition or a later Salesforce stage, so none is a stage of this pipeline (issue 15).
    assert list(strict.index) == list(cumulative.index) == ["Prospecting", "Qualification", "Needs Analysis", "Won"]
    # strict: A entered Prospecting, Qualification, Needs Analysis in order; B entered Prospecting then skipped
    # to won; C has no entry for Prospecting
    assert strict.tolist() == [2, 1, 1, 0]
    # cumulative: C reached Qualification; B (won) passed every stage
    assert cumulative.tolist() == [3, 3, 2, 1]


def test_strict_funnel_before_the_history_import(deals_only):
    with store.connect(deals_only) as con:
        strict = funnel(con, strict=True).set_index("stage")["reached"]
    # no deal is in Prospecting yet: the pipeline starts at Qualification (issue 15). C was first seen there (an
    # entry inferred from the snapshot); A's entry into Qualification is unknown, B skipped to won
    assert list(strict.index) == ["Qualification", "Needs Analysis", "Won"] and strict.tolist() == [1, 0, 0]


def test_history_close_dates_count_as_pushes(with_history):
    with store.connect(with_history) as con:
        table = slips(con).set_index("deal_id")
    # A: 12-01 (10-08) -> 12-15 (10-15) -> 2027-01-05 (10-29) -> 2027-01-05 (snapshot): 2 pushes, 14 + 21 days
    assert (table.loc[A15, "pushes"], table.loc[A15, "days_pushed"]) == (2, 35)
    assert table.loc[A15, "first_close_on"] == pd.Timestamp(2026, 12, 1)
    assert table.loc[C15, "pushes"] == 0 and B15 not in table.index


def test_changes_after_the_snapshot_date_are_ignored(with_history):
    later = HISTORY + f"008a5,{A18},005x,2026-11-10T09:00:00.000Z,Value Proposition,1500,2027-01-05,50,,,\n".encode()
    import_bytes(with_history, later, "OpportunityHistory_later.csv")
    with store.connect(with_history) as con:
        age = age_in_stage(con).set_index("deal_id")
    # the deals snapshot is dated 11-06: A is still in Needs Analysis, entered 10-29
    assert (age.loc[A15, "stage"], age.loc[A15, "age_days"]) == ("Needs Analysis", 8)
    assert (A15, "Needs Analysis") not in stays(with_history).index


# --- the events layout ('Field / Event, Old Value, New Value') ---------------------------------------------

def test_field_event_report_is_read_into_rows():
    p = ingest.prepare(EVENTS, "opportunity_field_history.csv", OPTIONS)
    assert p.kind == "stage_history" and p.rows_rejected == 0
    rows = p.tables["deal_stage_history"].sort_values(["deal_id", "changed_on"]).reset_index(drop=True)
    a = rows[rows["deal_id"] == A15].reset_index(drop=True)
    # created 10-01 at the first stage change's old value; close date and amount events at the stage of the moment
    assert list(a["stage"]) == ["Prospecting", "Qualification", "Qualification", "Qualification", "Needs Analysis"]
    assert list(a["changed_on"]) == [date(2026, 10, 1), date(2026, 10, 8), date(2026, 10, 15), date(2026, 10, 15),
                                     date(2026, 10, 29)]
    assert sorted(a["amount"].dropna()) == [1500.0]
    assert sorted(a["close_on"].dropna()) == [date(2026, 12, 15)]
    assert list(rows.loc[rows["deal_id"] == B15, "stage"]) == ["Prospecting", "Closed Won"]
    assert any("other fields (Opportunity Owner)" in w for w in p.warnings)


def test_field_event_history_gives_the_same_entry_dates(deals_only):
    import_bytes(deals_only, EVENTS, "opportunity_field_history.csv")
    rows = stays(deals_only)
    assert rows.loc[(A15, "Prospecting"), "days"] == 7
    assert rows.loc[(A15, "Qualification"), "days"] == 21
    assert rows.loc[(B15, "Prospecting"), "days"] == 15


# --- ids, kinds, validation, storage ---------------------------------------------------------------------

def test_salesforce_ids_match_in_15_and_18_characters(tmp_path):
    c = duckdb.connect()
    from analytics.store.sql import deal_key_sql
    key = deal_key_sql("x.deal_id")
    values = [A18, A15, "0065g00000AAAAA", "19823851842", "006-not-an-id", "0015g00000AAAAAIAU"]
    got = [c.execute(f"SELECT {key} FROM (SELECT ? AS deal_id) x", [v]).fetchone()[0] for v in values]
    with pytest.raises(ValueError):
        deal_key_sql("x); DROP TABLE deals; --")
    assert got == [A15, A15, A15, "19823851842", "006-not-an-id", "0015g00000AAAAAIAU"]


def test_data_loader_headers_with_forced_kind():
    upper = HISTORY.decode().splitlines()
    upper[0] = upper[0].upper()
    data = ("\n".join(upper) + "\n").encode()
    p = ingest.prepare(data, "opportunityhistory_extract.csv", ingest.ImportOptions(kind="stage_history"))
    assert p.kind == "stage_history" and p.rows_imported == 6
    assert p.mapping["stage"] == "STAGENAME" and p.mapping["changed_on"] == "CREATEDDATE"


def test_bad_rows_are_rejected_with_their_row_number():
    data = HISTORY + f",{A18},005x,not a date,Qualification,,,,,,\n008z,,005x,2026-10-09,Qualification,,,,,,\n" \
        f"008y,{B18},005x,2026-10-09,,,,,,,\n".encode()
    p = ingest.prepare(data, "OpportunityHistory.csv", OPTIONS)
    assert p.rows_imported == 6
    assert dict(zip(p.rejected["row_number"], p.rejected["reason"], strict=True)) == {
        8: "change date 'not a date' is not a date", 9: "no opportunity id", 10: "no stage"}


def test_a_history_without_dates_is_rejected_naming_the_file():
    with pytest.raises(ingest.ImportRejected, match=r"^history\.csv: .*change date"):
        ingest.prepare(b"Opportunity ID,Stage\n0065g00000AAAAA,Prospecting\n", "history.csv",
                       ingest.ImportOptions(kind="stage_history"))


def test_cli_imports_a_history_and_deleting_it_removes_its_rows(tmp_path, deals_only):
    history = tmp_path / "OpportunityHistory_2026-11-06.csv"
    history.write_bytes(HISTORY)
    done = subprocess.run([sys.executable, "-m", "analytics", "import", str(history), "--db", str(deals_only)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "imported 6 stage history rows" in done.stdout
    with store.transaction(deals_only) as con:
        import_id = con.execute("SELECT import_id FROM imports WHERE kind = 'stage_history'").fetchone()[0]
        assert store.delete_import(con, import_id)
        assert con.execute("SELECT count(*) FROM deal_stage_history").fetchone()[0] == 0


def test_a_version_1_database_gains_the_history_table(tmp_path):
    path = tmp_path / "v1.duckdb"
    c = duckdb.connect(str(path))
    c.execute(schema.SCHEMA_V1.replace(schema.STAGE_HISTORY_DDL, ""))
    c.close()
    with store.connect(path) as con:
        assert con.execute("SELECT schema_version FROM meta").fetchone()[0] == store.SCHEMA_VERSION >= 2
        assert con.execute("SELECT count(*) FROM deal_stage_history").fetchone()[0] == 0

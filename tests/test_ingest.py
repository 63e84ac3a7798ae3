"""Importing real-looking exports: counts by hand, rejected rows, atomicity, idempotence, privacy."""
from __future__ import annotations

import datetime as dt
import io

import duckdb
import pytest
from openpyxl import Workbook

from analytics import ingest, store
from analytics.ingest import importer
from analytics.reports.json_report import build_report

HUBSPOT_IDS = (
    "Record ID,Deal Name,Pipeline,Deal Stage,Amount,Close Date,Create Date,Deal owner\n"
    "1,Alpha,default,appointmentscheduled,1000,2026-12-15,2026-10-01,Alice\n"
    "2,Beta,default,contractsent,2500,2026-12-20,2026-09-12,Alice\n"
    "3,Gamma,default,closedwon,4000,2026-11-02,2026-08-01,Bob\n"
    "4,Delta,default,closedlost,1500,2026-10-30,2026-08-20,Bob\n"
    "5,Epsilon,default,qualifiedtobuy,,2027-01-31,2026-11-10,Bob\n"
)

PIPEDRIVE_FR = (
    "Affaire - ID;Affaire - Titre;Affaire - Valeur;Affaire - Devise;Affaire - Étape;Affaire - Statut;"
    "Affaire - Propriétaire;Affaire - Affaire créée;Affaire - Date de clôture prévue;Affaire - Date de gain\r\n"
    "11;Société Générale;12 500,00;EUR;Qualifié;Ouvert;Élodie;03/10/2026;15/12/2026;\r\n"
    "12;Crédit Agricole;1 234,56;EUR;Proposition faite;Ouvert;Élodie;20/09/2026;30/11/2026;\r\n"
    "13;Orange;8 000,00;EUR;Négociations commencées;Gagné;Marc;01/08/2026;;25/10/2026\r\n"
    "14;Total;3 000,00;EUR;Contact établi;Perdu;Marc;05/08/2026;;\r\n"
    "15;Renault;abc;EUR;Qualifié;Ouvert;Marc;05/08/2026;;\r\n"
)

SALESFORCE = (
    '"Opportunity Pipeline"\n"As of 11/27/2026"\n\n'
    "Opportunity Owner,Opportunity Name,Stage,Amount,Probability (%),Close Date,Created Date\n"
    'Ann Lee,Acme,Prospecting,"$10,000.00",10,12/15/2026,10/1/2026\n'
    'Ann Lee,Globex,Negotiation/Review,"$5,500.00",90,12/1/2026,9/13/2026\n'
    'Raj Patel,Initech,Closed Won,"$7,000.00",100,11/2/2026,8/1/2026\n'
    'Raj Patel,Umbrella,Closed Lost,"$2,000.00",0,10/30/2026,8/20/2026\n'
    '\nGrand Totals (4 records),,,"$24,500.00",,,\n\n'
    '"Confidential Information - Do Not Distribute"\n'
    '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n'
)


def run_import(db, text: str | bytes, name: str, **options) -> ingest.ImportResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return ingest.import_file(data, name, ingest.ImportOptions(**options), db)


def deals_section(db) -> dict:
    with store.connect(db) as con:
        return build_report(con)["deals"]


def dump(db) -> dict:
    """Every table's full content, to compare the database before and after."""
    con = duckdb.connect(str(db))
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return {t: sorted(map(str, con.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}
    finally:
        con.close()


def test_hubspot_stage_ids_counts(db):
    result = run_import(db, HUBSPOT_IDS, "deals_2026-11-20.csv")
    assert result.status == "imported" and result.rows_imported == 5 and result.snapshot_on == dt.date(2026, 11, 20)
    deals = deals_section(db)
    # open: 1 (1000), 2 (2500), 5 (blank amount) -> 3 deals, 3500; won: 3; lost: 4
    assert (deals["open_count"], deals["won_count"], deals["lost_count"]) == (3, 1, 1)
    assert deals["open_amount"] == pytest.approx(3500.0)
    # HubSpot default probabilities: appointment 20 %, contract sent 90 %: 1000*0.2 + 2500*0.9 = 2450
    assert deals["weighted_amount"] == pytest.approx(2450.0)
    assert any("blank amount" in w for w in result.warnings)


def test_french_pipedrive_cp1252_semicolons_decimal_comma(db):
    result = run_import(db, PIPEDRIVE_FR.encode("cp1252"), "pipedrive_2026-11-27.csv")
    # row 6 of the spreadsheet (header is row 1) has the amount "abc": rejected with its row number
    assert result.rows_imported == 4 and result.rows_rejected == 1
    deals = deals_section(db)
    assert (deals["open_count"], deals["won_count"], deals["lost_count"]) == (2, 1, 1)
    assert deals["open_amount"] == pytest.approx(12500.00 + 1234.56)
    with store.connect(db) as con:
        names = {r[0] for r in con.execute("SELECT name FROM deal_snapshots").fetchall()}
        close = con.execute("SELECT close_on FROM deal_snapshots WHERE deal_id = '13'").fetchone()[0]
    assert "Société Générale" in names
    assert close == dt.date(2026, 10, 25)  # won time used as the close date, read day-first


def test_rejected_rows_carry_spreadsheet_row_numbers(db):
    prepared = ingest.prepare(PIPEDRIVE_FR.encode("cp1252"), "p.csv")
    assert prepared.rejected.to_dict("records") == [{"row_number": 6, "reason": "amount 'abc' is not a number",
                                                     "reason_code": "not_a_number",
                                                     "reason_args": {"field": "amount", "cell": "'abc'"}}]


def test_salesforce_report_with_title_and_footer(db):
    result = run_import(db, SALESFORCE, "salesforce_report.csv", as_of=dt.date(2026, 11, 27))
    assert result.rows_imported == 4 and result.rows_rejected == 0
    deals = deals_section(db)
    assert (deals["open_count"], deals["won_count"], deals["lost_count"]) == (2, 1, 1)
    assert deals["open_amount"] == pytest.approx(15500.0)
    # exported probabilities win over stage defaults: 10000*0.10 + 5500*0.90 = 5950
    assert deals["weighted_amount"] == pytest.approx(5950.0)
    assert deals["as_of"] == "2026-11-27"


def xlsx_with_title_rows() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Report"
    sheet.append(["Deals report"])
    sheet.append(["Exported 20/11/2026"])
    sheet.append([])
    sheet.append(["Deal ID", "Deal name", "Stage", "Amount", "Created date", "Close date"])
    sheet.append(["A1", "One", "Closed won", 1200.5, dt.datetime(2026, 9, 1), dt.datetime(2026, 11, 3)])
    sheet.append(["A2", "Two", "Qualified to buy", 800, dt.datetime(2026, 10, 5), dt.datetime(2026, 12, 24)])
    sheet.append(["A3", "Three", "Closed lost", 300, dt.datetime(2026, 7, 1), dt.datetime(2026, 8, 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_title_rows(db):
    result = run_import(db, xlsx_with_title_rows(), "export_20261120.xlsx")
    assert result.rows_imported == 3 and result.snapshot_on == dt.date(2026, 11, 20)
    deals = deals_section(db)
    assert (deals["open_count"], deals["won_count"], deals["lost_count"]) == (1, 1, 1)
    assert deals["open_amount"] == pytest.approx(800.0)
    with store.connect(db) as con:
        created = con.execute("SELECT created_on FROM deal_snapshots WHERE deal_id = 'A1'").fetchone()[0]
    assert created == dt.date(2026, 9, 1)


def test_same_content_twice_is_recognised(db):
    first = run_import(db, HUBSPOT_IDS, "deals_2026-11-20.csv")
    before = dump(db)
    second = run_import(db, HUBSPOT_IDS, "renamed_copy.csv")
    assert first.status == "imported" and second.status == "already imported"
    assert dump(db) == before


def test_failure_half_way_leaves_database_unchanged(db, monkeypatch):
    run_import(db, HUBSPOT_IDS, "deals_2026-11-20.csv")
    before = dump(db)
    original = importer._insert_frame
    calls = {"n": 0}

    def failing(con, table, frame):
        calls["n"] += 1
        original(con, table, frame)
        if calls["n"] == 2:  # the snapshot rows are written, then the process fails
            raise OSError("disk full")

    monkeypatch.setattr(importer, "_insert_frame", failing)
    with pytest.raises(OSError):
        run_import(db, PIPEDRIVE_FR.encode("cp1252"), "pipedrive_2026-11-27.csv")
    assert dump(db) == before


def test_rejected_file_leaves_database_unchanged(db):
    run_import(db, HUBSPOT_IDS, "deals_2026-11-20.csv")
    before = dump(db)
    with pytest.raises(ingest.ImportRejected, match="bad.csv"):
        run_import(db, "colour,size\nred,3\n", "bad.csv")
    with pytest.raises(ingest.ImportRejected, match="no usable rows"):
        run_import(db, "Deal ID,Stage,Amount\n1,Won,TBD\n2,Lost,-5\n", "all_bad.csv")
    assert dump(db) == before


def test_delete_import_removes_exactly_its_rows(db):
    first = run_import(db, HUBSPOT_IDS, "deals_2026-11-20.csv")
    before = dump(db)
    second = run_import(db, SALESFORCE, "salesforce_report.csv", as_of=dt.date(2026, 11, 27))
    with store.transaction(db) as con:
        assert store.delete_import(con, second.import_id)
    after = dump(db)
    for table in ("deal_snapshots", "deal_stage_dates", "deal_attributes", "imports"):
        assert after[table] == before[table], table
    assert first.import_id != second.import_id


SURVEY = (
    "Timestamp,Email address,Full name,Department,How likely are you to recommend this company as a place "
    "to work?,My manager gives me useful feedback.,Comments\n"
    "2026-10-01 09:00,ann@example.com,Ann Smith,Sales,10,5,Great team\n"
    "2026-10-02 09:00,bob@example.com,Bob Stone,Sales,6,2,\n"
    "2026-10-03 09:00,cy@example.com,Cy Young,Sales,11,4,\n"
    "2026-10-04 09:00,di@example.com,Di Lane,Sales,,3,Too many meetings\n"
)


def test_survey_identifiers_are_never_stored(db):
    result = run_import(db, SURVEY, "survey.csv")
    # row 4 (eNPS 11) is outside the 0-10 scale: rejected; 3 responses kept
    assert result.rows_imported == 3 and result.rows_rejected == 1
    assert any("Email address" in w and "Full name" in w for w in result.warnings)
    content = str(dump(db))
    for secret in ("ann@example.com", "Ann Smith", "Bob Stone", "Di Lane", "cy@example.com"):  # values, not headers
        assert secret not in content


def test_partial_import_drops_nothing_and_full_import_drops(db):
    base = "Record ID,Deal Stage,Amount,Pipeline\n1,appointmentscheduled,100,P\n2,contractsent,200,P\n"
    run_import(db, base, "deals_2026-11-06.csv")
    run_import(db, "Record ID,Deal Stage,Amount,Pipeline\n1,contractsent,150,P\n", "deals_2026-11-13.csv",
               partial=True)
    deals = deals_section(db)
    assert deals["open_count"] == 2 and deals["open_amount"] == pytest.approx(350.0)
    run_import(db, "Record ID,Deal Stage,Amount,Pipeline\n1,contractsent,160,P\n", "deals_2026-11-20.csv")
    deals = deals_section(db)
    assert deals["open_count"] == 1 and deals["open_amount"] == pytest.approx(160.0)  # deal 2 dropped


def test_saved_mapping_is_reused_for_the_same_columns(db):
    text = "opportunity,deal_stage,engage_date,close_value\nX1,Won,2026-01-05,500\n"
    prepared = ingest.prepare(text.encode(), "a.csv", ingest.ImportOptions(overrides={"created_on": "engage_date"}))
    ingest.commit(prepared, db)
    with store.connect(db) as con:
        saved = ingest.saved_mappings(con)
    again = ingest.prepare(text.replace("X1", "X2").encode(), "b.csv", ingest.ImportOptions(), saved)
    assert again.mapping["fields"]["created_on"] == "engage_date"


def test_snapshot_date_from_file_name():
    assert ingest.date_in_file_name("deals_2026-11-20.csv") == dt.date(2026, 11, 20)
    assert ingest.date_in_file_name("export20261120.xlsx") == dt.date(2026, 11, 20)
    assert ingest.date_in_file_name("pipeline 20-11-2026.csv") == dt.date(2026, 11, 20)
    assert ingest.date_in_file_name("Deals_2026_11_20.csv") == dt.date(2026, 11, 20)  # Zoho
    assert ingest.date_in_file_name("deals_2026-13-45.csv") is None
    assert ingest.snapshot_date("x.csv", dt.date(2026, 1, 2)) == (dt.date(2026, 1, 2), "as-of")


def test_duplicate_deal_ids_last_row_wins(db):
    text = "Record ID,Deal Stage,Amount\n7,appointmentscheduled,100\n7,contractsent,300\n"
    result = run_import(db, text, "deals_2026-11-20.csv")
    assert result.rows_imported == 1
    assert any("last row" in w for w in result.warnings)
    assert deals_section(db)["open_amount"] == pytest.approx(300.0)

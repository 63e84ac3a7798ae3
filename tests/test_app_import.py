"""AppTest: the app starts on an empty database, loads the sample data, and the Import page imports a file."""
from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from analytics import store

ROOT = Path(__file__).resolve().parent.parent
DEALS = (b"Record ID,Deal Stage,Amount,Create Date,Close Date,Pipeline\n"
         b"901,appointmentscheduled,1000,2026-10-01,2026-12-15,Uploads\n"
         b"902,closedwon,4000,2026-08-01,2026-11-02,Uploads\n"
         b"903,bogus-date-row,10,not a date,2026-11-02,Uploads\n")


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def uploaded(name: str, data: bytes, lang: str = "en") -> AppTest:
    """The Import page in ``lang`` with the file ``name`` (``data``) dropped in the uploader, drawn without error."""
    at = app()
    if lang != "en":
        at.session_state["lang"] = lang
    at.run()
    at.switch_page("views/data/import_data.py").run()
    assert not at.exception, at.exception
    at.file_uploader(key="import_files").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [i.value for i in at.info]
    parts += [s.value for s in at.success] + [w.value for w in at.warning] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_first_run_loads_sample_data(db):
    at = app().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    with store.connect(db) as con:
        imports = store.list_imports(con)
    assert len(imports) >= 6 and imports["is_sample"].all()
    assert "sample data" in all_text(at)


def test_clear_sample_data_empties_database_and_stays_empty(db):
    at = app().run()
    at.button(key="common_clear_sample").click().run()
    assert not at.exception
    with store.connect(db) as con:
        assert store.is_empty(con)
    at = app().run()  # a new session does not load it again
    with store.connect(db) as con:
        assert store.is_empty(con)


def test_import_page_imports_an_uploaded_file(db):
    at = uploaded("deals_2026-11-29.csv", DEALS)
    text = all_text(at)
    assert "invalid date" in text or "not a date" in str([d.value for d in at.dataframe])
    go = [b for b in at.button if b.key and b.key.startswith("import_go_")]
    assert len(go) == 1
    go[0].click().run()
    assert not at.exception, at.exception
    with store.connect(db) as con:
        row = con.execute("SELECT rows_imported, rows_rejected, snapshot_on FROM imports "
                          "WHERE file_name = 'deals_2026-11-29.csv'").fetchone()
    assert row is not None and row[0] == 2 and row[1] == 1 and str(row[2]) == "2026-11-29"


AMBIGUOUS = (b"Record ID,Deal Stage,Amount,Create Date,Close Date\n"
             b"1,appointmentscheduled,100,03/04/2026,05/06/2026\n"
             b"2,closedwon,200,01/02/2026,02/03/2026\n")


def test_the_import_page_asks_before_a_weak_guess_changes_the_numbers(db):
    """The plan is shown with its evidence; an ambiguous date order is a question and the Import button waits for
    the answer; the first real import replaces the sample data and says so."""
    at = uploaded("deals_2026-11-20.csv", AMBIGUOUS)
    plan = at.dataframe[0].value
    assert list(plan.columns) == ["What", "Choice", "Why", "How sure"]
    assert "Question" in set(plan["How sure"]) and "Snapshot date" in set(plan["What"])
    assert any("answer them before importing" in w.value for w in at.warning)
    go = next(b for b in at.button if b.key and b.key.startswith("import_go_"))
    assert go.disabled
    radio = next(r for r in at.radio if r.key and r.key.startswith("import_question_"))
    radio.set_value("mdy").run()
    assert not at.exception, at.exception
    go = next(b for b in at.button if b.key and b.key.startswith("import_go_"))
    assert not go.disabled
    go.click().run()
    assert not at.exception, at.exception
    assert any("sample data (a fictional company) was removed" in i.value for i in at.info)
    with store.connect(db) as con:
        created = [str(r[0]) for r in con.execute("SELECT created_on FROM deal_snapshots ORDER BY deal_id").fetchall()]
        assert con.execute("SELECT count(*) FROM imports WHERE is_sample").fetchone()[0] == 0
    assert created == ["2026-03-04", "2026-01-02"]


PIPEDRIVE_DELETED = (b"Deal - ID,Deal - Title,Deal - Stage,Deal - Status,Deal - Value,Deal - Deal created\n"
                     b"1,A,Qualified,open,100,2026-10-01\n2,B,Contact Made,won,200,2026-10-01\n"
                     b"3,C,Proposal Made,lost,300,2026-10-01\n4,D,Qualified,deleted,400,2026-10-01\n")


def test_the_import_page_asks_whether_to_use_a_status_column_with_other_words(db):
    """A status column with 'deleted' on 1 row of 4 is a question with two answers; "use it" imports its words (the
    stage decides the deleted deal: open), by hand: deals 1 and 4 open, 2 won, 3 lost."""
    at = uploaded("pipedrive_2026-11-20.csv", PIPEDRIVE_DELETED)
    radio = next(r for r in at.radio if r.key and r.key.startswith("import_question_"))
    assert radio.options == [  # the header as plain text (its "-" escaped for Markdown)
        "Use Deal \\- Status where it says open, won or lost", "Use the stage alone"]
    assert next(b for b in at.button if b.key and b.key.startswith("import_go_")).disabled
    radio.set_value("status_use").run()
    assert not at.exception, at.exception
    go = next(b for b in at.button if b.key and b.key.startswith("import_go_"))
    assert not go.disabled
    go.click().run()
    assert not at.exception, at.exception
    with store.connect(db) as con:
        rows = con.execute("SELECT deal_id, status_raw FROM deal_snapshots ORDER BY deal_id").fetchall()
    assert rows == [("1", "open"), ("2", "won"), ("3", "lost"), ("4", None)]


def two_sheet_workbook() -> bytes:
    """Deals on two sheets: 'New Business' (1 deal) and 'Renewals' (2 deals)."""
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    for title, rows in (("New Business", [["A1", "Qualified", 1200]]),
                        ("Renewals", [["R1", "Closed Won", 2500], ["R2", "Closed Lost", 900]])):
        sheet = workbook.active if title == "New Business" else workbook.create_sheet(title)
        sheet.title = title
        sheet.append(["Opportunity ID", "Stage", "Amount"])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_import_page_reads_the_first_sheet_with_data_and_names_the_others(db):
    at = uploaded("deals_2026-11-20.xlsx", two_sheet_workbook())
    box = next(b for b in at.selectbox if b.key and b.key.startswith("import_sheet_"))
    assert box.options == ["First sheet with data", "New Business", "Renewals"] and box.value is None
    assert any("Only the sheet \"New Business\" was read; \"Renewals\" hold data too" in w.value for w in at.warning)
    plan = at.dataframe[0].value
    assert list(plan.loc[plan["What"] == "Sheet", "Why"]) == [
        "the first sheet with data; \"Renewals\" hold data too and were not read"]
    box.set_value("Renewals").run()
    assert not at.exception, at.exception
    assert not any("hold data too" in w.value for w in at.warning)
    preview = next(d.value for d in at.dataframe if "deal_id" in d.value.columns)
    assert list(preview["deal_id"]) == ["R1", "R2"]


def test_the_import_page_says_the_amounts_unit_and_lets_it_change(db):
    at = uploaded("deals_2026-11-20.csv", b"Opportunity ID,Stage,Amount (k\xe2\x82\xac)\n1,Prospecting,12.5\n")
    box = next(b for b in at.selectbox if b.key and b.key.startswith("import_amount_unit_"))
    assert box.value == "thousands"
    preview = next(d.value for d in at.dataframe if "amount" in d.value.columns)
    assert list(preview["amount"]) == ["12,500.00"]
    box.set_value("units").run()
    assert not at.exception, at.exception
    preview = next(d.value for d in at.dataframe if "amount" in d.value.columns)
    assert list(preview["amount"]) == ["12.50"]
    assert next(b for b in at.selectbox if b.key and b.key.startswith("import_amount_unit_")).value == "units"



def test_the_amounts_unit_can_be_set_when_the_header_names_none(db):
    at = uploaded("deals_2026-11-20.csv", b"Opportunity ID,Stage,Amount\n1,Prospecting,12.5\n")
    box = next(b for b in at.selectbox if b.key and b.key.startswith("import_amount_unit_"))
    assert box.value == "units"
    box.set_value("thousands").run()
    assert not at.exception, at.exception
    preview = next(d.value for d in at.dataframe if "amount" in d.value.columns)
    assert list(preview["amount"]) == ["12,500.00"]


def test_the_import_page_in_french_words_the_plan(db):
    at = uploaded("deals_2026-11-20.csv", AMBIGUOUS, "fr")
    plan = at.dataframe[0].value
    assert list(plan.columns) == ["Quoi", "Choix", "Pourquoi", "Certitude"]
    assert "Date de l'instantané" in set(plan["Quoi"])
    assert "la date dans le nom du fichier" in set(plan["Pourquoi"])
    # the choices are words, not codes: deals -> "Affaires (export CRM)", 2026-11-20 -> 20/11/2026, dmy worded
    choices = set(plan["Choix"])
    assert {"Affaires (export CRM)", "20/11/2026", "Jour d'abord (03/04/2026 est le 3 avril 2026)"} <= choices
    assert not choices & {"deals", "dmy", "mdy", "2026-11-20"}
    preview = at.dataframe[1]  # the rows as mapped: French headers; dates worded, day first until answered
    labels = {name: column.get("label") for name, column in json.loads(preview.proto.columns).items()}
    assert labels["amount"] == "Montant" and labels["close_on"] == "Date de clôture"
    assert "05/06/2026" in set(preview.value["close_on"])


def test_the_import_page_in_french_words_the_rejected_rows(db):
    """Row 4 of DEALS (the header is row 1) has the created date "not a date": its reason reads in French."""
    at = uploaded("deals_2026-11-29.csv", DEALS, "fr")
    rejected = [d.value for d in at.dataframe if "reason" in d.value.columns]
    assert len(rejected) == 1
    assert rejected[0].to_dict("records") == [{"row_number": "4",
                                               "reason": "date de création 'not a date' n'est pas une date"}]

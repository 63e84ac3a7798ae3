"""A big CSV deals export read a slice at a time (analytics/ingest/deal_stream.py) is stored exactly as the file
read whole is (issue 16: the general import path streams)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from analytics import ingest, store
from analytics.ingest import csv_chunks, deal_stream
from analytics.ingest import values as parsing

STAGES = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "closedwon", "closedlost"]
HEADER = ('Record ID,Deal Name,Pipeline,Deal Stage,Amount,Close Date,Engaged on,Deal owner,Segment,'
          '"Date entered ""Qualified to buy (Sales Pipeline)"""')


def messy_export(path: Path, rows: int = 4000, decisive_day: int = 25, status: str | None = None) -> Path:
    """A deals export of about 400 KB that only the whole file decides: amounts such as '1,234' read as 1.234
    because later rows write '12,5' (decimal comma), close dates such as 03/04/2026 read day-first because later
    rows hold 25/04/2026, a 'TBD' amount every 97th row, a deal listed twice, a ragged row, a blank row, a
    record over two lines, a title row, a footer, a BOM and CRLF line ends. ``status``: a Status column whose
    values are status words but 'deleted' on every 53rd row ("words"), on the last 500 rows ("mixed"), or on the
    last 2,100 ("other")."""
    lines = ["Pipeline report", HEADER.replace("Segment,", "Segment,Status,") if status else HEADER]
    for i in range(rows):
        late = i >= rows - 300  # only the last slice shows the decimal comma and the day-first order
        amount = "TBD" if i % 97 == 5 else (f"{i % 90 + 10},5" if late else f"{i % 9 + 1},{i % 1000:03d}")
        close = f"{decisive_day if late else i % 11 + 1:02d}/{i % 12 + 1:02d}/2026"
        deal_id = "D-10" if i == 3000 else f"D-{i}"
        name = '"Acme, Inc\r\nsecond line"' if i == 1500 else f"Deal {i}"
        entered = f"2026-{i % 12 + 1:02d}-{i % 27 + 1:02d}" if i % 3 else ""
        other = i % 53 == 0 if status == "words" else i >= rows - (500 if status == "mixed" else 2100)
        word = "deleted" if other else {3: "won", 4: "lost"}.get(i % 5, "open")
        cells = [deal_id, name, "default", STAGES[i % 5], f'"{amount}"', close, f"2026-01-{i % 28 + 1:02d}",
                 f"Owner {i % 7}", f"Seg {i % 4}", *([word] if status else []), entered]
        lines.append(",".join(cells) + (",,surplus" if i == 2000 else ""))
        if i == 2500:
            lines.append(",,,,,,,,,")
    lines += ["Grand Total,,,,123", "Confidential"]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    return path


def stored(db: Path) -> dict:
    """Every stored row of the deal tables in the order stored, the stages and the import's own row."""
    with store.connect(db) as con:
        out = {t: con.execute(f"SELECT * EXCLUDE (import_id) FROM {t} ORDER BY rowid").fetchall()
               for t in ("deal_snapshots", "deal_stage_dates", "deal_attributes", "deal_current")}
        out["stages"] = con.execute("SELECT * FROM stages ORDER BY pipeline, position").fetchall()
        out["imports"] = con.execute("SELECT file_name, kind, snapshot_on, rows_imported, rows_rejected, mapping, "
                                     "details FROM imports").fetchall()
    return out


def import_both(tmp_path: Path, export: Path, monkeypatch) -> tuple:
    """(result, stored tables) of the file read whole, then of the file read in 64 KB slices."""
    monkeypatch.setattr(deal_stream, "STREAM_BYTES", 2**40)
    whole = ingest.import_file(export, export.name, db=tmp_path / "whole.duckdb")
    monkeypatch.setattr(deal_stream, "STREAM_BYTES", 0)
    monkeypatch.setattr(deal_stream, "SLICE_BYTES", 64 * 1024)
    stores, store_rows = [], deal_stream.DealStream.store
    monkeypatch.setattr(deal_stream.DealStream, "store", lambda *a: stores.append(1) or store_rows(*a))
    streamed = ingest.import_file(export, export.name, db=tmp_path / "streamed.duckdb")
    assert stores == [1], "the file was not read in slices"
    return whole, stored(tmp_path / "whole.duckdb"), streamed, stored(tmp_path / "streamed.duckdb")


def test_a_big_messy_export_read_in_slices_is_stored_as_the_whole_file_is(tmp_path, monkeypatch):
    export = messy_export(tmp_path / "deals_2026-11-20.csv")
    chunks = csv_chunks.csv_chunks(str(export), export.name, 64 * 1024)
    assert chunks is not None and len(chunks.ranges) >= 4  # it is read in several slices
    whole, whole_tables, streamed, streamed_tables = import_both(tmp_path, export, monkeypatch)
    assert (streamed.rows_imported, streamed.rows_rejected, streamed.rejected, streamed.warnings) == \
        (whole.rows_imported, whole.rows_rejected, whole.rejected, whole.warnings)
    assert streamed_tables == whole_tables
    # By hand: 4,000 records; 'TBD' where i % 97 == 5, i = 5 + 97k for k = 0..41 (5 + 97 * 41 = 3,982 < 4,000):
    # 42 rows; the ragged row i = 2000 (2000 % 97 = 60, not a TBD row); D-10 listed again at i = 3000
    # (3000 % 97 = 90, valid) so row i = 10 is rejected as repeated.
    # Rejected 42 + 1 + 1 = 44; imported 4,000 - 44 = 3,956.
    assert (streamed.rows_imported, streamed.rows_rejected) == (3956, 44)
    reasons = dict(streamed.rejected)
    # Line numbers: line 1 BOM + title, line 2 header, record i on line i + 3 up to i = 1500, whose name spans two
    # lines, then i + 4; the blank row after i = 2500 adds one more line from i = 2501 (i + 5).
    assert reasons[10 + 3] == "deal id 'D-10' is repeated on a later row, which was kept"
    assert reasons[2000 + 4] == "this row has more cells than the header"
    assert reasons[3885 + 5] == "amount 'TBD' is not a number"
    with store.connect(tmp_path / "streamed.duckdb") as con:
        amount, close = con.execute("SELECT amount, close_on FROM deal_snapshots WHERE deal_id = 'D-1'").fetchone()
        last = con.execute("SELECT amount FROM deal_snapshots WHERE deal_id = 'D-3999'").fetchone()[0]
    # D-1: '2,001' read with the decimal comma the last rows show ('49,5'): 2.001, not 2,001; its close date
    # is day 1 % 11 + 1 = 2 of month 1 % 12 + 1 = 2: '02/02/2026', 2 February either way.
    assert amount == Decimal("2.001")
    assert str(close) == "2026-02-02"
    assert last == Decimal("49.5")  # i = 3999: 3999 % 90 = 39, so '49,5'


@pytest.mark.parametrize("status", ["words", "other"])
def test_a_status_column_is_judged_over_the_whole_file_as_when_read_whole(tmp_path, monkeypatch, status):
    # "words": 'deleted' on i % 53 == 0, i = 0, 53, ..., 3975 (76 rows, 1.9 % <= 10 %): the column is the status,
    # with an unknown_status warning; "other": 'deleted' on the last 2,100 of 4,000 rows (52.5 %: status words on
    # fewer than half) though the first slices show none: the column is not the status, for every slice.
    export = messy_export(tmp_path / "deals_2026-11-20.csv", status=status)
    whole, whole_tables, streamed, streamed_tables = import_both(tmp_path, export, monkeypatch)
    assert (streamed.rows_imported, streamed.rejected, streamed.warnings) == \
        (whole.rows_imported, whole.rejected, whole.warnings)
    assert streamed_tables == whole_tables
    statuses = {row[6] for row in streamed_tables["deal_snapshots"]}
    assert statuses == ({"open", "won", "lost", None} if status == "words" else {None})
    unknown = [w.values for w in streamed.warnings if w.code == "unknown_status"]
    # 76 'deleted' cells (0, 53, ..., 53 * 75 = 3,975), counted on every row, rejected ones too, as when whole.
    assert unknown == ([{"n": 76}] if status == "words" else [])


@pytest.mark.parametrize(("made", "answer"), [({"decisive_day": 12}, "--date-order dmy"),
                                              ({"status": "mixed"}, "--map status=Status")])
def test_a_question_found_over_the_whole_file_is_asked_the_same_and_nothing_is_stored(tmp_path, monkeypatch, made,
                                                                                      answer):
    # Every close date has day and month <= 12 (the last rows' day 12 instead of 25): the order is a question. Or
    # 'deleted' in the status column on the last 500 of 4,000 rows (12.5 % other words, 87.5 % status words, won
    # and lost among them), which the first slices do not show: whether to use it is a question.
    export = messy_export(tmp_path / "deals_2026-11-20.csv", **made)
    asked, stores = [], []
    store_rows = deal_stream.DealStream.store
    monkeypatch.setattr(deal_stream.DealStream, "store", lambda *a: stores.append(1) or store_rows(*a))
    for stream_from in (2**40, 0):
        monkeypatch.setattr(deal_stream, "STREAM_BYTES", stream_from)
        monkeypatch.setattr(deal_stream, "SLICE_BYTES", 64 * 1024)
        with pytest.raises(ingest.NeedsAnswers) as refused:
            ingest.import_file(export, export.name, db=tmp_path / "x.duckdb")
        asked.append(str(refused.value))
        with store.connect(tmp_path / "x.duckdb") as con:
            assert con.execute("SELECT count(*) FROM deal_snapshots").fetchone()[0] == 0
    assert asked[0] == asked[1] and answer in asked[0]
    assert stores == [1]  # the second import was read in slices, stored, then rolled back


def test_date_and_number_evidence_added_slice_by_slice_equals_the_whole_columns():
    early = pd.Series(["03/04/2026", "1/2/2026", None, "2026-01-05"])
    late = pd.Series(["25/04/2026", "04/04/2026"])
    whole = pd.concat([early, late], ignore_index=True)
    evidence = parsing.date_evidence(early)
    evidence.add(parsing.date_evidence(late))
    # By hand: one day-first date (25/04), none month-first, so the column is day-first; its first example is
    # the first value that shows it.
    assert evidence.order() == parsing.day_month_order(whole) == ("day-first", "25/04/2026")
    assert parsing.day_month_order(early) == ("ambiguous", "03/04/2026")
    # 03/04/2026 read with the whole column's evidence is 3 April, as in the whole column.
    sliced = parsing.parse_dates(early, None, evidence).values
    assert list(sliced.dt.strftime("%Y-%m-%d").fillna("")) == ["2026-04-03", "2026-02-01", "", "2026-01-05"]
    amounts = pd.Series(["1,234", "2,500"]), pd.Series(["12,5", "TBD"])
    counted = parsing.number_evidence(amounts[0])
    counted.add(parsing.number_evidence(amounts[1]))
    # By hand: '12,5' is the only value that shows its mark (a comma); '1,234' may group thousands, so the
    # column's mark decides it: 1.234.
    assert counted.decimal() == ","
    assert list(parsing.parse_numbers(amounts[0], evidence=counted).values) == [pytest.approx(1.234), 2.5]


def test_a_file_the_slices_cannot_decide_is_read_whole(tmp_path, monkeypatch):
    export = messy_export(tmp_path / "deals_2026-11-20.csv")
    text = export.read_bytes().replace(b"Engaged on", b"Probability", 1)
    export.write_bytes(text)
    monkeypatch.setattr(deal_stream, "STREAM_BYTES", 0)
    monkeypatch.setattr(deal_stream, "SLICE_BYTES", 64 * 1024)
    called = []
    monkeypatch.setattr(deal_stream.DealStream, "store", lambda *a: called.append(a))
    # A probability column (here holding dates): its scale is decided over the whole file, so the file is read
    # whole, and rejected as the general path rejects it.
    with pytest.raises(ingest.ImportRejected, match="probability '2026-01-01' is not between 0 and 100 %"):
        ingest.import_file(export, export.name, db=tmp_path / "x.duckdb")
    assert not called


@pytest.mark.parametrize("change", ["cp1252", "stray quote"])
def test_a_file_in_another_encoding_or_with_a_stray_quote_is_not_sliced(tmp_path, change):
    export = messy_export(tmp_path / "deals_2026-11-20.csv")
    text = export.read_bytes()
    if change == "cp1252":  # 'é' in Windows-1252 is one byte that is not UTF-8: the whole file decides
        text = text.replace(b"Deal 7,", "Deal \u00e9,".encode("cp1252"), 1)
    else:  # an odd number of quotes: where records end is only known reading the whole file
        text = text.replace(b"Deal 7,", b'Deal 7",', 1)
    export.write_bytes(text)
    assert csv_chunks.csv_chunks(str(export), export.name, 64 * 1024) is None


def test_rejected_rows_of_known_deals_are_named_the_same_whole_or_in_slices(tmp_path, monkeypatch):
    """Last week's export listed D-0 … D-3999. This week's rejects, by hand, 42 'TBD' rows (i = 5 + 97k), the
    ragged row D-2000 and the first of D-10's two rows (D-10 is kept by its later row, so not named): 43 known deals
    left out of a full export, which would count them as dropped. Both paths say so, alike."""
    earlier = tmp_path / "deals_2026-11-13.csv"
    earlier.write_text(HEADER + "\n" + "".join(f"D-{i},Deal {i},default,{STAGES[i % 5]},100,01/01/2026,"
                                                f"2026-01-01,Owner 1,Seg 1,\n" for i in range(4000)), encoding="utf-8")
    export = messy_export(tmp_path / "deals_2026-11-20.csv")
    results = []
    for stream_from, db in ((2**40, "whole.duckdb"), (0, "streamed.duckdb")):
        monkeypatch.setattr(deal_stream, "STREAM_BYTES", stream_from)
        monkeypatch.setattr(deal_stream, "SLICE_BYTES", 64 * 1024)
        assert ingest.import_file(earlier, earlier.name, db=tmp_path / db).status == "imported"
        results.append(ingest.import_file(export, export.name, db=tmp_path / db))
    named = [[w for w in r.warnings if w.code == "rejected_known_deals"] for r in results]
    # the first five as text sorts them: D-102 (k = 1) before D-1072 (k = 11), then D-1169, D-1266, D-1363
    assert named[0] == named[1] and named[0][0].values == {"n": 43, "ids": "D-102, D-1072, D-1169, D-1266, D-1363 …"}
    partial = ingest.import_file(export, "deals_2026-11-27.csv", ingest.ImportOptions(partial=True),
                                 db=tmp_path / "streamed.duckdb")
    assert not [w for w in partial.warnings if w.code == "rejected_known_deals"]  # a partial export drops nothing


def test_rows_repeating_the_header_are_skipped_alike_whole_or_in_slices(tmp_path, monkeypatch):
    """Two exports pasted one under the other: the second header (after row 2,000) is no deal, in both paths."""
    export = tmp_path / "deals_2026-11-20.csv"
    rows = [f"D-{i},Deal {i},default,{STAGES[i % 5]},{i % 9 + 1}00,01/01/2026,2026-01-01,Owner 1,Seg 1,"
            for i in range(4000)]
    export.write_text("\n".join([HEADER, *rows[:2000], HEADER, *rows[2000:]]) + "\n", encoding="utf-8")
    whole, whole_tables, streamed, streamed_tables = import_both(tmp_path, export, monkeypatch)
    assert (streamed.rows_imported, streamed.rows_rejected) == (whole.rows_imported, whole.rows_rejected) == (4000, 0)
    assert streamed_tables == whole_tables

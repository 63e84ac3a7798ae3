"""The SQL fast path for clean CSV deal exports stores exactly what the general path stores (issue 9)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from analytics import ingest, store
from analytics.ingest import fast_csv
from analytics.store import derived

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_data").glob("deals_*.csv"))
# Nothing in the sample exports orders the two Renewals stages for sure: the importer asks, a user answers.
SAMPLE_STAGES = {"Renewals": ["Renewal due", "In negotiation"]}

HEADER = ('Record ID,Deal Name,Pipeline,Deal Stage,Amount,Deal currency code,Close Date,Create Date,Deal owner,'
          'Segment,Status,"Date entered ""Qualified to buy (Sales Pipeline)""","Date entered ""Closed won (Sales '
          'Pipeline)"""')
CLEAN = "\r\n".join([
    "Deals report", "", HEADER,
    '101,"Acme, Inc - Seats",Sales Pipeline,qualifiedtobuy,1200.50,eur,2026-12-01,2026-10-01 09:30,Ann,SMB,'
    'open,2026-10-03 10:00,',
    "102, Beta GmbH ,Sales Pipeline,closedwon,3000,USD,2026-11-02,2026-09-15,Bob,ENT,Won,,2026-11-02 16:00",
    "103,Gamma,,Closed lost,,,,,Ann,,Perdu,,",
    "104,Delta,Renewals,Renewal due,99,EUR,2027-01-10,2026-11-01,\u00a0Dan\t,SMB,open,,",
    "105,Epsilon,Partners,Intro call,10,EUR,2027-02-01,2026-11-02,Eve,,,2026-11-03,2026-11-03",
    "106,Zeta,Partners,Signed,20,EUR,2027-02-01,2026-11-02,Eve,,,2026-11-04,",
]) + "\r\n"


def tables(db: Path) -> dict:
    """Every stored row of the deal tables, in insertion order, and the import's own row."""
    with store.connect(db) as con:
        out = {"deal_snapshots": con.execute("SELECT * EXCLUDE (import_id) FROM deal_snapshots ORDER BY rowid")
               .fetchall()}
        for t in ("deal_stage_dates", "deal_attributes"):  # the order of a long table's rows carries nothing
            out[t] = sorted(con.execute(f"SELECT * EXCLUDE (import_id) FROM {t}").fetchall(), key=str)
        out["deal_current"] = sorted(con.execute("SELECT * EXCLUDE (import_id) FROM deal_current").fetchall(),
                                     key=lambda r: r[1])
        out["stages"] = con.execute("SELECT * FROM stages ORDER BY pipeline, position").fetchall()
        row = con.execute("SELECT file_name, kind, snapshot_on, rows_imported, rows_rejected, mapping, is_partial, "
                          "is_sample, details FROM imports").fetchall()
    out["imports"] = [(*r[:5], json.loads(r[5]), r[6], r[7], json.loads(r[8])) for r in row]
    return out


def both_paths(tmp_path: Path, files: list[tuple[str, bytes]], **options) -> tuple[dict, dict]:
    """The tables after importing ``files`` with the fast path (which must take them) and with the general path."""
    fast_db, general_db = tmp_path / "fast.duckdb", tmp_path / "general.duckdb"
    for name, data in files:
        opts = ingest.ImportOptions(**options)
        taken = fast_csv.import_file(None, data, name, ingest.sha256_of(data), opts, {}, fast_db)
        assert taken is not None and taken.status == "imported", f"{name} went to the general path"
        general = ingest.commit(ingest.prepare(data, name, ingest.ImportOptions(**options), {}), general_db)
        assert (taken.rows_imported, taken.rows_rejected, taken.warnings) == \
            (general.rows_imported, general.rows_rejected, general.warnings)
    return tables(fast_db), tables(general_db)


def test_sample_exports_are_stored_identically(tmp_path):
    fast, general = both_paths(tmp_path, [(p.name, p.read_bytes()) for p in SAMPLES], stages=SAMPLE_STAGES)
    assert fast == general
    assert len(fast["deal_snapshots"]) > 10_000


def test_current_state_kept_by_each_import_equals_the_state_rebuilt_from_every_snapshot(tmp_path):
    db = tmp_path / "pulse.duckdb"
    for path in [SAMPLES[0], SAMPLES[2], SAMPLES[1], SAMPLES[3]]:  # the third import is back-dated
        ingest.import_file(path, path.name, ingest.ImportOptions(stages=SAMPLE_STAGES), db=db)
    with store.transaction(db) as con:
        kept = con.execute("SELECT * FROM deal_current ORDER BY deal_id").fetchall()
        rebuilt = con.execute(f"SELECT * FROM ({derived.latest_rows_sql(None).sql}) ORDER BY deal_id").fetchall()
        assert derived.current_is_fresh(con)
        store.delete_import(con, 4)
        assert derived.current_is_fresh(con)
    assert kept == rebuilt and sum(r[-1] for r in kept) > 10  # some deals were dropped


def test_title_rows_bom_crlf_labels_and_blanks_are_stored_identically(tmp_path):
    data = b"\xef\xbb\xbf" + CLEAN.encode("utf-8")
    fast, general = both_paths(tmp_path, [("deals_2026-11-27.csv", data)], is_sample=True)
    assert fast == general
    assert [r[2] for r in fast["deal_snapshots"]] == ["101", "102", "103", "104", "105", "106"]
    assert ("Partners", "Intro call") in {r[:2] for r in fast["stages"]}


def test_blank_characters_at_the_edge_of_an_id_amount_or_date_keep_the_fast_path(tmp_path):
    """The load's guards (fast_csv._load) only stop a file that is surely unclean: a tab or a no-break space
    around an id, an amount or the first date column is trimmed by both paths, which store the same rows."""
    data = (CLEAN.replace("3000,USD", "3000\t,USD").replace("\r\n104,", "\r\n\u00a0104,")
            .replace(",2026-10-01 09:30,", ",\t2026-10-01 09:30,")).encode("utf-8")
    fast, general = both_paths(tmp_path, [("deals_2026-11-27.csv", data)], is_sample=True)
    assert fast == general
    # by hand: row 102's amount "3000\t" is 3000.0, row 104's id "\u00a0104" is "104", row 101 created 2026-10-01
    rows = {r[2]: r for r in fast["deal_snapshots"]}
    assert rows["102"][7] == 3000 and "104" in rows and str(rows["101"][10]) == "2026-10-01"


@pytest.mark.parametrize("change", [
    ("2026-12-01", "01/12/2026"),         # a date that is not ISO: the general path decides its order
    ("1200.50", "1.200,50"),             # a decimal comma
    ("3000", "-3000"),                    # a negative amount is rejected
    (",Bob,", ",Bob,x,"),                 # one cell too many: a ragged row
    ("103,", "101,"),                     # a repeated deal id
    ("Perdu", '"Perdu\nou pas"'),         # a line break inside a cell
    ("2026-11-02,", "\u30002026-11-02,"),  # an ideographic space the readers keep: not a date
])
def test_files_that_are_not_clean_go_to_the_general_path(tmp_path, change):
    data = CLEAN.replace(*change).encode("utf-8")
    options = ingest.ImportOptions()
    assert fast_csv.import_file(None, data, "deals.csv", ingest.sha256_of(data), options, {},
                                tmp_path / "x.duckdb") is None
    with store.connect(tmp_path / "x.duckdb") as con:
        assert con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0


def test_cli_import_takes_the_fast_path_for_a_clean_export(tmp_path, monkeypatch):
    path = tmp_path / "deals_2026-11-27.csv"
    path.write_text(CLEAN, encoding="utf-8")
    monkeypatch.setattr(ingest, "prepare", lambda *a, **k: pytest.fail("general path used"))
    stages = {"Partners": ["Qualified to buy", "Intro call", "Signed"]}  # the importer asks: nothing else orders them
    reports = []
    result = ingest.import_file(path, path.name, ingest.ImportOptions(stages=stages), db=tmp_path / "cli.duckdb",
                                progress=lambda stage, rows: reports.append((stage, rows)))
    assert (result.status, result.rows_imported) == ("imported", 6)
    # each step reported as it starts, with the rows once they are counted
    assert reports == [("reading", None), ("checking", 6), ("storing", 6), ("summarising", 6)]


@pytest.mark.parametrize("header", ["Closed lost reason", "Motif de perte"])
def test_a_loss_reason_column_is_stored_identically_as_a_reserved_attribute(tmp_path, header):
    """HubSpot's "Closed lost reason" (and the French "Motif de perte") is the loss_reason field, stored in
    deal_attributes under the reserved name, one row per deal (NULL when blank), on both paths."""
    from analytics.store.schema import LOSS_REASON_ATTRIBUTE
    lines = CLEAN.split("\r\n")
    lines[2] += f",{header}"
    reasons = ["", "", "Price", "", "", ""]  # 103 (lost): Price; the others blank
    lines[3:9] = [f"{line},{reason}" for line, reason in zip(lines[3:9], reasons, strict=True)]
    data = "\r\n".join(lines).encode("utf-8")
    fast, general = both_paths(tmp_path, [("deals_2026-11-27.csv", data)], is_sample=True)
    assert fast == general
    stored = {r[0]: r[2] for r in fast["deal_attributes"] if r[1] == LOSS_REASON_ATTRIBUTE}
    assert stored == {"101": None, "102": None, "103": "Price", "104": None, "105": None, "106": None}
    assert fast["imports"][0][5]["fields"]["loss_reason"] == header
    assert header not in {r[1] for r in fast["deal_attributes"]}  # not also kept under its header


def test_blank_and_spaced_cells_found_by_the_row_test_are_stored_identically(tmp_path):
    """fast_csv tests each row once for a cell to trim (``_ROW_EDGE``, cells joined by chr(1)) before it trims any:
    a quoted empty cell, a cell of spaces, a stage label with a trailing space and a name holding chr(1) itself are
    stored as the general path stores them."""
    data = (CLEAN.replace(",Ann,SMB,", ',"",SMB,').replace(",Bob,ENT,", ",   ,ENT,")
            .replace(",Renewal due,", ",Renewal due ,").replace(",Zeta,", ",Ze\x01 ta,")).encode("utf-8")
    fast, general = both_paths(tmp_path, [("deals_2026-11-27.csv", data)], is_sample=True)
    assert fast == general
    # by hand: 101's owner "" and 102's owner "   " are blank (None), 104's stage "Renewal due", 106's name kept
    rows = {r[2]: r for r in fast["deal_snapshots"]}
    assert rows["101"][9] is None and rows["102"][9] is None
    assert rows["104"][5] == "Renewal due" and rows["106"][3] == "Ze\x01 ta"

"""What the Import page says about how a file was read, in French: reading notes as codes (ReadNote), import
warnings without command-line options, every code's English text translated (issue 17)."""
from __future__ import annotations

import pickle

from analytics.ingest.import_log import ImportWarning
from analytics.ingest.readers import read_table
from analytics.ingest.table import NOTE_TEXTS, ReadNote
from analytics.sales.quotas import QUOTA_TEXTS
from ui import reasons
from ui.i18n import FR, set_language


def test_every_reading_note_and_quota_refusal_has_french():
    assert [code for code, text in NOTE_TEXTS.items() if text not in FR] == []
    assert [code for code, text in QUOTA_TEXTS.items() if text not in FR] == []


def test_a_reading_note_is_the_same_english_text_with_a_code():
    note = ReadNote("read_csv", encoding="UTF-8", delimiter="semicolons")
    assert note == "Read as CSV: UTF-8 text separated by semicolons."   # what the CLI prints and the log stores
    again = pickle.loads(pickle.dumps(note))                              # a cached preview keeps its code
    assert (again.code, again.values) == ("read_csv", {"encoding": "UTF-8", "delimiter": "semicolons"})


def test_the_notes_of_a_read_file_carry_codes():
    text = "Report title\n\ndeal_id;stage;amount\nA;Open;100\n\nB;Open;200\n"
    raw = read_table(text.encode(), "deals.csv")
    codes = [getattr(note, "code", None) for note in raw.notes]
    assert "read_csv" in codes and "title_rows" in codes          # title on row 1, blank row 2, header on row 3
    title = next(note for note in raw.notes if getattr(note, "code", None) == "title_rows")
    assert title.values == {"n": 2, "row": 3}


def test_notes_and_warnings_read_in_french_on_the_import_page():
    set_language("fr")
    try:
        assert reasons.read_note(ReadNote("read_csv", encoding="UTF-8", delimiter="commas")) == \
            "Lu comme CSV : texte UTF-8 séparé par des virgules."
        assert reasons.read_note(ReadNote("blank_rows", n=1200)) == \
            "1\u202f200 ligne(s) vide(s) dans les données ignorée(s)."
        assert reasons.read_note("an older import's note") == "an older import's note"
        today = reasons.import_warning(ImportWarning("snapshot_import_day", date="2026-12-05"))
        assert "le 05/12/2026" in today and "--as-of" not in today and "« Date de l'instantané »" in today
        mapped = reasons.import_warning(ImportWarning("field_candidates", field="creation date",
                                                      columns="engage_date", option="--map created_on=engage_date"))
        assert mapped == ("Pas de colonne « date de création » ; engage_date pourrait convenir : choisissez-la dans "
                          "la correspondance des colonnes.")
    finally:
        set_language("en")

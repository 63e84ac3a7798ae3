"""Rejected rows of an import: analytics gives a reason code with its arguments (and the English text the CLI
prints); the Import page words it in the reader's language (ui.reasons.rejected_rows)."""
import pandas as pd
import pytest

from analytics import ingest
from analytics.ingest.validation import REJECT_FIELDS, REJECT_TEXTS
from ui import reasons
from ui.i18n import FR, set_language

# Five deals: row 3 (the header is row 1) has the amount "12x", row 4 a negative amount, row 5 the created date
# "31/31/2026", row 6 no stage; row 2 is good.
DEALS = ("Deal ID,Deal Name,Owner,Stage,Amount,Created Date\n"
         "D1,Alpha,Ann,Prospecting,100,2026-10-01\n"
         "D2,Beta,Ann,Prospecting,12x,2026-10-01\n"
         "D3,Gamma,Bob,Prospecting,-5,2026-10-02\n"
         "D4,Delta,Bob,Prospecting,10,31/31/2026\n"
         "D5,Epsilon,Bob,,10,2026-10-03\n")


@pytest.fixture
def french():
    set_language("fr")
    yield
    set_language("en")


def _rejected():
    return ingest.prepare(DEALS.encode(), "deals_2026-11-30.csv").rejected


def test_every_reject_code_and_field_word_has_french():
    assert [code for code, text in REJECT_TEXTS.items() if text not in FR] == []
    assert [word for word in REJECT_FIELDS if word not in FR] == []


def test_the_importer_returns_codes_with_arguments_and_the_english_text():
    rejected = _rejected()
    assert rejected["row_number"].tolist() == [3, 4, 5, 6]
    assert rejected["reason_code"].tolist() == ["not_a_number", "negative", "not_a_date", "no_stage"]
    assert rejected["reason_args"].tolist() == [{"field": "amount", "cell": "'12x'"},
                                                {"field": "amount", "cell": "'-5'"},
                                                {"field": "created date", "cell": "'31/31/2026'"}, {}]
    # the English text (CLI, JSON) is unchanged
    assert rejected["reason"].tolist() == ["amount '12x' is not a number", "amount '-5' is negative",
                                           "created date '31/31/2026' is not a date", "no stage"]


def test_rejected_rows_in_english():
    shown = reasons.rejected_rows(_rejected())
    assert shown.columns.tolist() == ["row_number", "reason"]
    assert shown["reason"].tolist() == ["amount '12x' is not a number", "amount '-5' is negative",
                                        "created date '31/31/2026' is not a date", "no stage"]


def test_rejected_rows_in_french(french):
    shown = reasons.rejected_rows(_rejected())
    assert shown["row_number"].tolist() == [3, 4, 5, 6]
    assert shown["reason"].tolist() == ["montant '12x' n'est pas un nombre", "montant '-5' est négatif",
                                        "date de création '31/31/2026' n'est pas une date", "pas d'étape"]


def test_a_limit_and_a_scale_are_numbers_in_the_reader_format(french):
    frame = pd.DataFrame({"row_number": [7, 8], "reason_code": ["too_large", "answer_out_of_scale"],
                          "reason_args": [{"field": "amount", "cell": "'1e20'", "limit": "999,999,999,999,999"},
                                          {"question": "'Q1'", "cell": "'9'", "low": 1, "high": 5}]})
    nnbsp = "\u202f"  # the French thousands separator
    # 10**15 - 1 = 999 999 999 999 999, grouped by three
    assert reasons.rejected_rows(frame)["reason"].tolist() == [
        f"montant '1e20' est trop grand (au plus 999{nnbsp}999{nnbsp}999{nnbsp}999{nnbsp}999)",
        "réponse à 'Q1' '9' : pas entre 1 et 5"]

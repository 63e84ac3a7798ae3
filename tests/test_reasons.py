"""ui.reasons: every code analytics returns (hygiene reasons, flags, next actions, score factors) is worded
in English and in French with its arguments, numbers and dates formatted for the language."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics.sales import inventory
from analytics.sales import priorities as prio
from ui import reasons
from ui.i18n import set_language

NNBSP, NBSP = "\u202f", "\u00a0"  # French thousands separator; the space before % and :

ROWS = {
    "stale": {"days_unchanged": 61, "last_change_on": dt.date(2026, 9, 20)},
    "past_due": {"close_on": dt.date(2026, 10, 31), "snapshot_on": pd.Timestamp("2026-11-20")},
    "missing_amount": {},
    "missing_close_date": {},
    "missing_amount_and_close_date": {},
    "outlier_high": {"owner": "Ann", "owner_median": 1200.0, "ratio_to_median": 10000 / 1200},
    "outlier_low": {"owner": "Ann", "owner_median": 1200.0, "ratio_to_median": 200 / 1200},
}
ENGLISH = {
    "stale": "No change of stage or amount for 61 days (since Sep 20, 2026).",
    "past_due": "Expected to close on Oct 31, 2026, before the snapshot of Nov 20, 2026.",
    "missing_amount": "No amount.",
    "missing_close_date": "No close date.",
    "missing_amount_and_close_date": "No amount and no close date.",
    "outlier_high": "Amount 8.3 times the median of Ann's open deals (1,200).",
    "outlier_low": "Amount only 17% of the median of Ann's open deals (1,200).",
}
FRENCH = {
    "stale": "Aucun changement d'étape ni de montant depuis 61 jours (depuis le 20/09/2026).",
    "past_due": "Clôture prévue le 31/10/2026, avant l'instantané du 20/11/2026.",
    "missing_amount": "Sans montant.",
    "missing_close_date": "Sans date de clôture.",
    "missing_amount_and_close_date": "Sans montant ni date de clôture.",
    "outlier_high": f"Montant 8,3 fois la médiane des affaires ouvertes de Ann (1{NNBSP}200).",
    "outlier_low": f"Montant de seulement 17{NBSP}% de la médiane des affaires ouvertes de Ann (1{NNBSP}200).",
}


@pytest.fixture
def french():
    set_language("fr")
    yield
    set_language("en")


def test_every_hygiene_code_has_a_wording():
    assert set(reasons.REASON_LABELS) == set(inventory.REASON_CODES) == set(ROWS)


@pytest.mark.parametrize("code", sorted(ROWS))
def test_hygiene_reason_in_english(code):
    assert reasons.hygiene_reason({"reason_code": code, **ROWS[code]}) == ENGLISH[code]


@pytest.mark.parametrize("code", sorted(ROWS))
def test_hygiene_reason_in_french(code, french):
    assert reasons.hygiene_reason({"reason_code": code, **ROWS[code]}) == FRENCH[code]


def test_with_reasons_replaces_the_code_column(french):
    frame = pd.DataFrame([{"deal_id": "A4", "reason_code": "missing_amount"},
                          {"deal_id": "A5", "reason_code": "missing_close_date"}])
    shown = reasons.with_reasons(frame)
    assert list(shown.columns) == ["deal_id", "reason"]
    assert list(shown["reason"]) == ["Sans montant.", "Sans date de clôture."]


ACTIONS_FR = {
    "past_due": "Date de clôture dépassée : mettez-la à jour ou passez l'affaire en perdue.",
    "missing_amount": "Sans montant : ajoutez-en un pour que l'affaire soit valorisée.",
    "no_close_date": "Sans date de clôture : convenez-en d'une avec l'acheteur.",
    "pushed_twice": "Repoussée deux fois ou plus : confirmez le calendrier et le processus de décision de l'acheteur.",
    "stale": "Aucun changement depuis des semaines : relancez l'acheteur ou clôturez l'affaire.",
    "closing_this_month": "Clôture ce mois-ci : sécurisez la signature.",
    "advance": "En bonne voie : convenez de la prochaine étape pour la faire avancer.",
}


def test_next_actions_in_both_languages(french):
    assert {a: reasons.next_action(a) for a in prio.ACTIONS} == ACTIONS_FR
    set_language("en")
    assert reasons.next_action("past_due") == "Close date passed: update it or mark the deal lost."
    assert reasons.next_action("advance") == "On track: agree the next step to move it forward."


def test_flags_in_both_languages(french):
    assert [reasons.flag_label(f) for f in prio.FLAGS] == [
        "échéance dépassée", "sans montant", "sans date de clôture", "repoussée 2 fois ou plus", "inactive",
        "clôture ce mois-ci"]
    set_language("en")
    assert [reasons.flag_label(f) for f in prio.FLAGS] == [
        "past due", "no amount", "no close date", "pushed 2+ times", "stale", "closes this month"]


WHY = [{"attribute": "Original Source Type", "value": "Referrals", "factor": 2.4},
       {"attribute": "owner", "value": "(blank)", "factor": 0.4712}]


def test_why_in_english():
    assert reasons.why_text(WHY) == "Original Source Type = Referrals: ×2.40 odds; Owner = no owner: ×0.47 odds"
    assert reasons.why_text([]) == ""


def test_why_in_french(french):
    assert reasons.why_text(WHY) == ("Original Source Type = Referrals : cote ×2,40; "
                                     "Commercial = sans propriétaire : cote ×0,47")


# --- import warnings --------------------------------------------------------------------------------------------

def test_every_import_warning_code_has_french():
    from analytics.ingest.import_log import WARNING_TEXTS
    from ui.i18n import FR

    assert [code for code, text in WARNING_TEXTS.items() if text not in FR] == []


def test_an_import_warning_is_its_english_text_and_is_worded_in_french():
    import pickle

    from analytics.ingest.import_log import ImportWarning

    warning = ImportWarning("blank_amount", n=1234)
    assert warning == "1234 deals have a blank amount (counted, but left out of value totals)."
    assert (warning.code, warning.values) == ("blank_amount", {"n": 1234})
    again = pickle.loads(pickle.dumps(warning))
    assert (again, again.code, again.values) == (warning, "blank_amount", {"n": 1234})
    set_language("en")
    assert reasons.import_warning(warning) == "1,234 deals have a blank amount (counted, but left out of value totals)."
    set_language("fr")
    assert reasons.import_warning(warning) == (
        f"1{NNBSP}234 affaires n'ont pas de montant (comptées, mais hors des totaux en valeur).")
    assert reasons.import_warning("a plain text") == "a plain text"


@pytest.mark.parametrize("fast", [True, False], ids=["fast CSV path", "general path"])
def test_the_importer_returns_warning_codes(tmp_path, fast):
    from analytics import ingest

    text = ("deal_id,pipeline,stage,amount,created_on\n"
            "A,P,Open,,2026-01-01\nB,P,Open,100,\nC,P,Open,200,2026-01-02\n")
    if not fast:
        text = text.replace("200", '"1 200,50"')  # a decimal comma: the fast path hands the file over
    result = ingest.import_file(text.encode(), "deals_2026-11-27.csv", ingest.ImportOptions(kind="deals"),
                                tmp_path / "w.duckdb")
    assert sorted((w.code, w.values["n"]) for w in result.warnings) == [("blank_amount", 1), ("blank_created", 1)]


def test_the_import_plan_words_its_choices(french):
    """The plan's Choice column shows no code: the kind of file, the date order and the probability scale in
    words, the snapshot date formatted (20/11/2026 in French), a column name as it is in the file."""
    from analytics.ingest.plan import ImportPlan

    plan = ImportPlan()
    plan.add("kind", "deals", "kind_headers")
    plan.add("as_of", "2026-11-20", "file_name")
    plan.add("date_order", "dmy", "ambiguous", subject="close_on", ask=True, example="03/04/2026")
    plan.add("probability_scale", "fraction", "values_within_1", example="0.2")
    plan.add("column", "Deal Stage", "known_header", subject="stage", crm="HubSpot")
    choices = dict(zip(reasons.plan_rows(plan).iloc[:, 0], reasons.plan_rows(plan).iloc[:, 1], strict=True))
    assert list(choices.values()) == ["Affaires (export CRM)", "Deal Stage", "20/11/2026",
                                      "Jour d'abord (03/04/2026 est le 3 avril 2026)",
                                      "Fraction (1 signifie 100 %)"]
    assert reasons.date_detail("day-first (dd/mm/yyyy), Excel serial numbers") == \
        "jour d'abord (jj/mm/aaaa), numéros de série Excel"

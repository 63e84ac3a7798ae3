"""Codes from analytics worded for the reader: hygiene reasons, priority flags, next actions, score factors.

analytics returns codes with their arguments as typed columns (``inventory.REASON_CODES``,
``priorities.FLAGS`` / ``ACTIONS``, factors as {attribute, value, factor}); this module turns them into
sentences in the current language, numbers and dates formatted by ``ui.fmt``. The English texts are the
``t()`` keys; their French is in ui/i18n/sales.py and ui/i18n/priorities.py.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analytics.ingest.import_log import WARNING_TEXTS
from analytics.sales.priorities import ACTION_TEXTS
from ui import fmt
from ui.i18n import t

# --- hygiene (analytics.sales.inventory.hygiene) -------------------------------------------------------------

REASON_LABELS = {
    "stale": "No change of stage or amount for {days} days (since {date}).",
    "past_due": "Expected to close on {close_on}, before the snapshot of {snapshot_on}.",
    "missing_amount": "No amount.",
    "missing_close_date": "No close date.",
    "missing_amount_and_close_date": "No amount and no close date.",
    "outlier_high": "Amount {ratio} times the median of {owner}'s open deals ({median}).",
    "outlier_low": "Amount only {share} of the median of {owner}'s open deals ({median}).",
}


def reason_arguments(row: Mapping) -> dict[str, str]:
    """The formatted arguments of one hygiene row's reason (its own columns), by placeholder."""
    code = row["reason_code"]
    if code == "stale":
        return {"days": fmt.number(row["days_unchanged"]), "date": fmt.date(row["last_change_on"])}
    if code == "past_due":
        return {"close_on": fmt.date(row["close_on"]), "snapshot_on": fmt.date(row["snapshot_on"])}
    if code in ("outlier_high", "outlier_low"):
        return {"ratio": fmt.number(row["ratio_to_median"], 1), "share": fmt.pct(row["ratio_to_median"]),
                "owner": str(row["owner"]), "median": fmt.number(row["owner_median"])}
    return {}


def hygiene_reason(row: Mapping) -> str:
    """One hygiene row's reason (``reason_code`` + its argument columns) as a sentence in the current language."""
    arguments = reason_arguments(row)
    template = t(REASON_LABELS[row["reason_code"]])
    return template.format(**arguments) if arguments else template


# The columns a hygiene reason reads (its code and the arguments of ``reason_arguments``).
REASON_COLUMNS = ("reason_code", "days_unchanged", "last_change_on", "close_on", "snapshot_on", "ratio_to_median",
                  "owner", "owner_median")


def with_reasons(frame: pd.DataFrame) -> pd.DataFrame:
    """A hygiene list with its ``reason_code`` replaced by the worded ``reason``.

    Rows that read the same values (a code and its arguments: the same days and date, the same owner's median…)
    share one sentence, worded once: a list of thousands of rows holds a few hundred distinct reasons."""
    columns = [column for column in REASON_COLUMNS if column in frame]
    worded: dict[tuple, str] = {}
    reasons = []
    for values in zip(*(frame[column].tolist() for column in columns), strict=True):
        known = worded.get(values) if _reusable(values) else None
        if known is None:
            known = hygiene_reason(dict(zip(columns, values, strict=True)))
            if _reusable(values):
                worded[values] = known
        reasons.append(known)
    return frame.drop(columns="reason_code").assign(reason=reasons)


def _reusable(values: tuple) -> bool:
    """Whether a row's reason may be reused for an equal row: not when a value is a float zero (-0.0 equals 0.0
    but may not read the same) or unknown (NaN and NaT never equal themselves)."""
    return not any(isinstance(value, float) and (value == 0 or value != value) or value is pd.NaT
                   for value in values)


# --- priorities (analytics.sales.priorities) -------------------------------------------------------------------

FLAG_LABELS = {
    "past_due": "past due",
    "missing_amount": "no amount",
    "no_close_date": "no close date",
    "pushed_twice": "pushed 2+ times",
    "stale": "stale",
    "closing_this_month": "closes this month",
}
ATTRIBUTE_LABELS = {
    "owner": "Owner",
    "pipeline": "Pipeline",
    "deal size": "Deal size",
    "cycle length": "Cycle length (days)",
    "pushes": "Close-date pushes",
}


def flag_label(flag: str) -> str:
    return t(FLAG_LABELS[flag])


def next_action(action: str) -> str:
    """The next action of a deal (a code of ``priorities.ACTIONS``) as a sentence."""
    return t(ACTION_TEXTS[action])


def attribute_label(attribute: str) -> str:
    """A built-in attribute in the current language; an attribute of the export keeps its column name."""
    return t(ATTRIBUTE_LABELS[attribute]) if attribute in ATTRIBUTE_LABELS else attribute


PUSH_LABELS = {"0": "never pushed", "1": "pushed once", "2+": "pushed 2+ times"}


def value_label(value: object, attribute: str | None = None) -> str:
    """An attribute value as shown; a blank owner is a deal nobody owns ("no owner"), another blank "(blank)";
    a number of close-date pushes in words ("pushed once")."""
    if value == "(blank)":
        return t("no owner") if attribute == "owner" else t("(blank)")
    if attribute == "pushes" and value in PUSH_LABELS:
        return t(PUSH_LABELS[value])
    return str(value)


def factor_text(factor: Mapping) -> str:
    """'Source = Referrals: ×2.6 odds' (en) / 'Source = Referrals : cote ×2,6' (fr)."""
    return t("{attribute} = {value}: ×{factor} odds", attribute=attribute_label(factor["attribute"]),
             value=value_label(factor["value"], factor["attribute"]),
             factor=fmt.number(factor["factor"], 2))


def why_text(factors: list) -> str:
    """The factors that moved a score (the ``why`` column), joined: '' when none did."""
    return "; ".join(factor_text(f) for f in factors)


def _is_number(value: object) -> bool:
    """Whether a reason's value is a number, worded by ``fmt.number`` (a flag is not one, though Python counts it)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- import warnings (analytics.ingest.import_log.ImportWarning) ---------------------------------------------

# The warnings that name a command-line option, as the Import page says them (its own field and mapping instead).
APP_WARNING_LABELS = {
    "snapshot_import_day": "Nothing dates this export (no date in the file name, no last-modified column): it is "
                           "taken as of today, {date}, so every open deal is judged as of today. Give the export's "
                           "date in the Snapshot date field or in the file name.",
    "field_candidates": "No {field} column; {columns} could be one: choose it under Column mapping.",
    "no_amount_column": "No amount column: value totals are not available (choose one under Column mapping).",
    "unread_sheets": "Only the sheet \"{sheet}\" was read; {sheets} hold data too: choose each under Sheet and "
                     "import it.",
}


def import_warning(warning: str) -> str:
    """An import warning in the reader's language, as the Import page says it: from its code and values, counts
    and dates formatted, a field by its translated word; any other text (a warning without a code) as it is."""
    from analytics.ingest.plan import FIELD_WORDS

    code = getattr(warning, "code", None)
    if code is None:
        return str(warning)
    words = set(FIELD_WORDS.values())
    values = {k: fmt.number(v) if _is_number(v)
              else fmt.date(v) if k == "date" else t(v) if k == "field" and v in words else str(v)
              for k, v in warning.values.items()}
    return t(APP_WARNING_LABELS.get(code, WARNING_TEXTS[code]), **values)


# --- what reading the file noticed (analytics.ingest.table.ReadNote) -----------------------------------------------

# The words a reading note carries as values (readers.ENCODING_NAMES, readers.DELIMITER_NAMES), as the reader says them.
NOTE_VALUE_LABELS = {
    "UTF-8 with BOM": "UTF-8 with BOM",
    "commas": "commas", "semicolons": "semicolons", "tabs": "tabs", "pipes (|)": "pipes (|)",
}


def read_note(note: str) -> str:
    """A note about how the file was read, in the reader's language: from its code and values, counts formatted,
    the separator and encoding words translated, file text as it is; a note without a code (an older import's) as
    it is."""
    from analytics.ingest.table import NOTE_TEXTS

    code = getattr(note, "code", None)
    if code is None:
        return str(note)
    values = {k: fmt.number(v) if _is_number(v)
              else t(NOTE_VALUE_LABELS[v]) if v in NOTE_VALUE_LABELS else str(v) for k, v in note.values.items()}
    return t(NOTE_TEXTS[code], **values)


# --- rejected rows (analytics.ingest.validation.Rejections) ----------------------------------------------------

# The built-in field words of a rejection (validation.REJECT_FIELDS), as the reader says them.
REJECT_FIELD_LABELS = {
    "amount": "amount", "probability": "probability", "created date": "created date", "close date": "close date",
    "response date": "response date", "meeting date": "meeting date", "change date": "change date",
    "headcount": "headcount",
}


def rejected_reason(code: str, args: Mapping) -> str:
    """Why one row was rejected (a code of ``validation.REJECT_TEXTS`` with its arguments), in the reader's
    language; the quoted cell and a quoted column name stay as in the file, a built-in field word is translated,
    numbers are formatted ("at most 999,999,999,999" / « au plus 999 999 999 999 »)."""
    from analytics.ingest.validation import REJECT_TEXTS

    values = {k: fmt.number(v) if _is_number(v) else str(v)
              for k, v in args.items()}
    if "field" in values and values["field"] in REJECT_FIELD_LABELS:
        values["field"] = t(REJECT_FIELD_LABELS[values["field"]])
    if "limit" in values:  # written "999,999,999,999" by the importer: the number formatted for the reader
        values["limit"] = fmt.number(int(str(args["limit"]).replace(",", "")))
    return t(REJECT_TEXTS[code], **values)


def quota_refusal(error) -> str:
    """Why the quota table was not saved (an ``analytics.sales.quotas.QuotaError``: a code of ``QUOTA_TEXTS``
    with its arguments), in the reader's language: row numbers and the limit formatted, the typed period and
    the owner shown as typed."""
    from analytics.sales.quotas import QUOTA_TEXTS

    values = {k: fmt.number(v) if _is_number(v) else fmt.plain(v)
              for k, v in error.values.items()}
    return t(QUOTA_TEXTS[error.code], **values)


def rejected_rows(rejected: pd.DataFrame) -> pd.DataFrame:
    """The rejected rows of an import (row_number, reason_code, reason_args) as row_number and the worded
    ``reason`` in the reader's language: what the Import page shows and lets the reader download."""
    reasons = [rejected_reason(code, args) for code, args in zip(rejected["reason_code"], rejected["reason_args"],
                                                                 strict=True)]
    return pd.DataFrame({"row_number": rejected["row_number"].to_numpy(), "reason": reasons})


# --- the import plan (analytics.ingest.plan) -------------------------------------------------------------------

CONFIDENCE_LABELS = {"high": "Sure", "medium": "Likely", "low": "Guess"}


def plan_evidence(inference) -> str:
    """Why the importer made one guess, in the reader's language (file text quoted as it is)."""
    from analytics.ingest.plan import EVIDENCE_TEXTS

    values = {k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else
              (fmt.number(v) if _is_number(v) else str(v))
              for k, v in inference.args.items()}
    return t(EVIDENCE_TEXTS[inference.evidence], **values)


def plan_topic(inference) -> str:
    """What one guess is about ("Column for amount", "Stage order of Sales"), in the reader's language."""
    from analytics.ingest.plan import TOPIC_TEXTS

    return t(TOPIC_TEXTS[inference.topic], subject=field_label(inference.subject))


def field_label(name: str) -> str:
    """A field key (created_on) as the reader says it (creation date / date de création); other text as it is."""
    from analytics.ingest.plan import FIELD_WORDS

    return t(FIELD_WORDS[name]) if name in FIELD_WORDS else name


# What a file holds (``Inference.value`` of the topic "kind"), and the codes of the plan's answers.
KIND_LABELS = {"deals": "Deals (CRM export)", "survey": "Survey responses", "one_on_ones": "1:1 meeting log",
               "stage_history": "Stage history (Salesforce)", "headcount": "Headcount per group (for response rates)"}
ANSWER_LABELS = {
    "dmy": "Day first (03/04/2026 is 3 April 2026)", "mdy": "Month first (03/04/2026 is March 4, 2026)",
    "percent": "Percent (1 means 1 %)", "fraction": "Fraction (1 means 100 %)",
    "enps": "An eNPS question (0–10)", "question": "Another question, on its own scale",
    "ignore": "Not a question: leave it out",
    "status_use": "Use {column} where it says open, won or lost", "status_stage": "Use the stage alone",
    "units": "Units, as written", "thousands": "Thousands (12.5 is 12,500)", "millions": "Millions (1.2 is 1,200,000)",
}
# How the dates of a column are written (the importer's detail, parts joined by ", ").
DATE_DETAIL_LABELS = {
    "ISO": "year first (2026-11-20)", "day-first (dd/mm/yyyy)": "day first (dd/mm/yyyy)",
    "month-first (m/d/yyyy)": "month first (m/d/yyyy)", "mixed day-first and month-first":
        "mixed day first and month first", "ambiguous, assumed day-first": "ambiguous, day first assumed",
    "ambiguous, assumed month-first": "ambiguous, month first assumed", "month names": "month names",
    "Excel serial numbers": "Excel serial numbers", "yyyymmdd": "year, month, day without separators (20261120)",
    "dates": "dates", "no dates": "no dates",
}


def plan_choice(inference) -> str:
    """What the importer chose for one guess, in the reader's words: the kind of file and the answers' codes
    worded, a date formatted, a header row as a number; a column name or a stage order as in the file."""
    value = inference.value
    if not value:
        return fmt.MISSING
    if inference.topic == "kind" and value in KIND_LABELS:
        return t(KIND_LABELS[value])
    if inference.topic in ("date_order", "probability_scale", "amount_unit") and value in ANSWER_LABELS:
        return t(ANSWER_LABELS[value])
    if inference.topic == "as_of":
        return fmt.date(value)
    if inference.topic == "header_row" and value.isdigit():
        return fmt.number(int(value))
    return value


def date_detail(detail: str) -> str:
    """How a column's dates are written ("day-first (dd/mm/yyyy), Excel serial numbers"), in the reader's words."""
    return ", ".join(t(DATE_DETAIL_LABELS[part]) if part in DATE_DETAIL_LABELS else part
                     for part in str(detail).split(", "))


def plan_rows(plan) -> pd.DataFrame:
    """The import plan as a table: what, choice, why, how sure (a question shows as such)."""
    rows = [{t("What"): plan_topic(i), t("Choice"): plan_choice(i), t("Why"): plan_evidence(i),
             t("How sure"): t("Question") if i.ask else t(CONFIDENCE_LABELS[i.confidence])}
            for i in plan.ordered()]
    return pd.DataFrame(rows, columns=[t("What"), t("Choice"), t("Why"), t("How sure")])

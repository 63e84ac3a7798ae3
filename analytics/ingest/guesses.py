"""The guesses the importer makes from a file's values, each written into the import plan with its evidence.

Every function here reads columns (never the database), decides one thing, and adds an ``Inference`` to the
plan (analytics/ingest/plan.py): where a deal's status comes from, how a deal is recognised, which date the
export is "as of", in which order days and months are written, how probabilities are written, and which
columns could feed a field that no header names. The rules are listed in docs/import.md.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re

import numpy as np
import pandas as pd

from analytics.ingest import pipelines
from analytics.ingest import values as parsing
from analytics.ingest.import_log import ImportWarning
from analytics.ingest.mapping import header_variants, prefixless_variants, word_pattern
from analytics.ingest.plan import FIELD_WORDS, HIGH, LOW, MEDIUM, ImportPlan
from analytics.ingest.validation import per_value, quoted, text_column

# --- status ----------------------------------------------------------------------------------------------------

MAX_UNKNOWN_STATUS = 0.1    # a status column may hold at most 10 % of rows with other words (e.g. "deleted")
MAX_CONTRADICTIONS = 0.1    # ... and may contradict a won/lost stage name on at most 10 % of those rows
MIN_MIXED_WORDS = 0.5       # more other words, but status words on at least half its rows (won or lost among them):
                            # whether to use it is asked (Pipedrive's "deleted", say), as it changes the numbers
_WON_FLAGS = {"is won", "iswon", "won flag", "est gagne", "gagne"}
_CLOSED_FLAGS = {"is closed", "isclosed", "closed flag", "est ferme", "est cloture", "cloture"}
_TRUE = {"1", "true", "yes", "oui", "vrai", "x", "y", "o"}
_FALSE = {"0", "false", "no", "non", "faux", "n", ""}


@dataclasses.dataclass
class StatusEvidence:
    """What decides whether a status column is the deal status, counted over its cells (``add`` sums two parts of a
    column read in slices): cells with a value, those that are no status word, rows whose stage names an outcome
    (with a status) and those where the two disagree (the first of them as an example), and how often each value
    and each unknown value appears (in the order first seen)."""
    given: int = 0
    unknown: int = 0
    named: int = 0
    clash: int = 0
    example: str | None = None
    values: dict = dataclasses.field(default_factory=dict)
    unknown_values: dict = dataclasses.field(default_factory=dict)

    def add(self, other: StatusEvidence) -> None:
        self.given, self.unknown = self.given + other.given, self.unknown + other.unknown
        self.named, self.clash = self.named + other.named, self.clash + other.clash
        self.example = self.example if self.example is not None else other.example
        for mine, theirs in ((self.values, other.values), (self.unknown_values, other.unknown_values)):
            for value, count in theirs.items():
                mine[value] = mine.get(value, 0) + count


def status_evidence(cells: pd.Series, stage: pd.Series) -> StatusEvidence:
    """The StatusEvidence of a status column's cells (stripped text) beside each row's stage."""
    status = per_value(cells, pipelines.status_value)
    unknown = cells.notna() & status.isna()
    by_stage = per_value(stage, pipelines.status_value)
    named = by_stage.isin(["won", "lost"]) & status.notna()
    clash = named & (status != by_stage)
    first = clash.idxmax() if clash.any() else None
    return StatusEvidence(int(cells.notna().sum()), int(unknown.sum()), int(named.sum()), int(clash.sum()),
                          None if first is None else f"{stage[first]} / {cells[first]}",
                          dict(cells.dropna().value_counts(sort=False)),
                          dict(cells[unknown].dropna().value_counts(sort=False)))


def _counted_examples(counts: dict, limit: int = 3) -> list[str]:
    """``_examples`` from value counts in the order first seen (value_counts sorts ties stably, so alike)."""
    ranked = pd.Series(list(counts.values()), index=list(counts.keys()), dtype="int64")
    return [quoted(v, 30) for v in ranked.sort_values(ascending=False, kind="stable").index[:limit]]


def deal_status(frame: pd.DataFrame, column: str | None, how: str | None, stage: pd.Series,
                plan: ImportPlan, evidence: StatusEvidence | None = None) -> tuple[pd.Series, pd.Series]:
    """Each row's explicit status (open/won/lost, None where the stage decides) and a mask of rows whose status
    cell is none of them.

    A column is the deal status only when its values are status words (open/won/lost, gagné/perdu, Pipedrive's
    statuses): at most 10 % of its rows may hold another word, and it may contradict a stage that names an
    outcome (Closed Won, Perdu…) on at most 10 % of those rows; a column the user chose is always used. One with
    more other words but status words on at least half its rows, won or lost among them, is a question (the plan
    asks whether to use it; meanwhile the stage decides). Else
    Salesforce's IsWon/IsClosed flags when both are there, else the stage decides (won/lost stages).
    ``evidence``: the column's over the whole file when `frame` is one slice of it."""
    none = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    no_unknown = pd.Series(False, index=frame.index)
    if column is None:
        flags = _status_from_flags(frame, plan)
        if flags is not None:
            return flags, no_unknown
        plan.add("status", "", "stage_names", HIGH, fix="--map status=COLUMN")
        return none, no_unknown
    cells = text_column(frame, column)
    status = per_value(cells, pipelines.status_value)
    unknown = cells.notna() & status.isna()
    found = status_evidence(cells, stage) if evidence is None else evidence
    fix = f"--map status={column}"
    if how != "user":
        decisive = sum(n for value, n in found.values.items() if pipelines.status_value(value) in ("won", "lost"))
        verdict = judge_status(found.given, found.unknown, found.named, found.clash, decisive)
        if verdict == "status_mixed":  # a weak guess either way, and it changes the numbers: asked
            plan.add("status", "", verdict, LOW, ask=True, fix=f"{fix}, or --map status= for the stage alone",
                     column=column, known=found.given - found.unknown, n=found.given,
                     values=_counted_examples(found.unknown_values))
            return none, no_unknown
        if verdict == "status_not_words":
            plan.add("status", "", verdict, MEDIUM, fix=fix, column=column,
                     values=_counted_examples(found.unknown_values if found.unknown else found.values))
            return none, no_unknown
        if verdict == "status_contradicts_stage":
            plan.add("status", "", verdict, MEDIUM, fix=fix, column=column, n=found.clash, example=found.example)
            return none, no_unknown
    plan.add("status", column, "user" if how == "user" else "status_words", HIGH, fix="--map status=",
             column=column, values=_counted_examples(found.values))
    return status.where(status.notna(), None), unknown


def judge_status(given: int, unknown: int, named: int, clash: int, decisive: int = 0) -> str | None:
    """Whether an automatically matched status column is the deal status, from its counts: rows with a value,
    rows whose value is no status word, rows whose stage names an outcome (and which have a status), those
    of them where the two disagree, and rows whose value is won or lost. None when it is; else the evidence code
    of why not: "status_not_words" (other words on over 10 % of its rows), "status_contradicts_stage", or
    "status_mixed" (other words on over 10 % of its rows, but status words, won or lost among them, on at least
    half: a question, not a guess)."""
    mixed = given > 0 and unknown > MAX_UNKNOWN_STATUS * given
    if given == 0 or mixed and not (decisive and given - unknown >= MIN_MIXED_WORDS * given):
        return "status_not_words"
    if clash > MAX_CONTRADICTIONS * max(named, 1):
        return "status_contradicts_stage"
    return "status_mixed" if mixed else None


def flag_columns(columns: list[str]) -> tuple[str, str] | None:
    """Salesforce's IsWon and IsClosed columns (either spelling, EN/FR), when the export has both."""
    def find(names: set[str]) -> str | None:
        return next((c for c in columns if set(header_variants(c)) & names), None)

    won_column, closed_column = find(_WON_FLAGS), find(_CLOSED_FLAGS)
    return None if won_column is None or closed_column is None else (won_column, closed_column)


def _status_from_flags(frame: pd.DataFrame, plan: ImportPlan) -> pd.Series | None:
    """won / lost / open from Salesforce's IsWon and IsClosed columns (1/0, true/false), when both are there."""
    found = flag_columns(list(frame.columns))
    if found is None:
        return None
    won_column, closed_column = found
    won, closed = (text_column(frame, c).fillna("").str.lower() for c in (won_column, closed_column))
    if not (won.isin(_TRUE | _FALSE).all() and closed.isin(_TRUE | _FALSE).all()):
        return None
    status = np.where(~closed.isin(_TRUE), "open", np.where(won.isin(_TRUE), "won", "lost"))
    plan.add("status", f"{won_column} + {closed_column}", "status_flags", HIGH, won=won_column, closed=closed_column)
    return pd.Series(status, index=frame.index, dtype=object)


# --- identity --------------------------------------------------------------------------------------------------

def deal_ids(ids: pd.Series, id_column: str | None, names: pd.Series, created: pd.Series,
             row_numbers: np.ndarray, plan: ImportPlan) -> tuple[pd.Series, int]:
    """Each row's deal id, and how many rows had none.

    The CRM record id when the file has one. A row without it gets a key made from the deal name and created
    date (the name alone without a created date), stable from one week's export to the next; rows whose name and
    date repeat within the file are different deals of this snapshot: their keys are numbered in file order
    ("#2", "#3"…) so that none is lost, and the plan says they cannot be followed across weeks."""
    blank = ids.isna()
    if id_column is not None and not blank.any():
        plan.add("deal_identity", id_column, "id_column", HIGH, column=id_column)
        return ids, 0
    name = names.fillna("")
    day = created.dt.strftime("%Y-%m-%d").fillna("")
    base = (name + "|" + day).where((name != "") | (day != ""), None)
    keys = base.map(lambda s: "key-" + hashlib.sha1(s.encode()).hexdigest()[:12] if isinstance(s, str) else None)
    row_keys = pd.Series([f"row-{n}" for n in row_numbers], index=ids.index)
    keys = keys.where(keys.notna(), row_keys)
    made = keys[blank]
    occurrence = made.groupby(made).cumcount()
    repeated = int((made.map(made.value_counts()) > 1).sum())
    made = made.where(occurrence == 0, made + "#" + (occurrence + 1).astype(str))
    ids = ids.where(~blank, made)
    if id_column is not None:
        plan.add("deal_identity", id_column, "id_column", MEDIUM, column=id_column)
    evidence = "name_and_created" if created.notna().any() else "name_only"
    plan.add("deal_identity", "", evidence, MEDIUM, fix="--map deal_id=COLUMN")
    if repeated:
        plan.add("deal_identity", "", "row_in_file", LOW, fix="--map deal_id=COLUMN", n=repeated)
    return ids, int(blank.sum())


# --- as-of date ------------------------------------------------------------------------------------------------

# Headers of the date a record was last changed, best first (Salesforce, HubSpot, Pipedrive; EN and FR).
MODIFIED_HEADERS = ("last modified date", "lastmodifieddate", "system modstamp", "systemmodstamp", "last modified",
                    "last modified time", "update time", "updated at", "last updated", "date de derniere modification",
                    "derniere modification", "date de modification", "modifie le", "heure de mise a jour",
                    "date de mise a jour", "mis a jour le", "modified time", "modified on", "do not modify modified on",
                    "date de derniere mise a jour")


def _modified_rank(column: str) -> int | None:
    """The place in MODIFIED_HEADERS of the header ``column`` names, as is, after a CRM prefix ("Deal - Update
    time") or without a trailing parenthesis naming its source ("Last Modified Date (HubSpot)"); None: none."""
    bare = re.sub(r"\s*\([^()]*\)\s*$", "", str(column))
    forms = {*header_variants(column), *prefixless_variants(column), *header_variants(bare), *prefixless_variants(bare)}
    ranks = [MODIFIED_HEADERS.index(f) for f in forms if f in MODIFIED_HEADERS]
    return min(ranks) if ranks else None


def modified_column(columns: list[str]) -> str | None:
    """The column holding each record's last-modified date, if the export has one."""
    ranked = [(rank, i, c) for i, c in enumerate(columns) if (rank := _modified_rank(c)) is not None]
    return min(ranked)[2] if ranked else None


def snapshot_from_data(frame: pd.DataFrame, dayfirst_hint: bool | None) -> tuple[dt.date, str] | None:
    """(the latest last-modified date in the file, its column): an export is at least as recent as its latest
    change. None when the file has no such column or no date in it."""
    column = modified_column(list(frame.columns))
    if column is None:
        return None
    stamps = parsing.parse_dates(frame[column], dayfirst_hint).values.dropna()
    if stamps.empty:
        return None
    return stamps.max().date(), column


# A report title's own date: the date right after words that name it so ("As of 11/27/2026", "Generated on:
# 2026-11-27T10:15", "Généré le 27/11/2026", "Arrêté au 27/11/2026"), on the cell as written (accents or not).
# Never a bare "date" or "au": "Close Date: 1/1/2026 to 12/31/2026" or "du 01/10 au 31/12" are a filter's dates.
_TITLE_DATE = re.compile(
    r"\b(?:as of|as at|report date|run date|run on|generated(?: on)?|exported(?: on)?|export date|extracted(?: on)?"
    r"|en date du|arr[eê]t[eé] au|g[eé]n[eé]r[eé] le|export[eé] le|extrait le|extraction du|[eé]dit[eé] le)"
    r"\s*[:\-]?\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})(?!\d|[/.-]\d)", re.IGNORECASE)


def snapshot_from_title(cells: list[str], dayfirst_hint: bool | None) -> tuple[dt.date, str] | None:
    """(the date a report's title block gives as its own, that cell): "As of 11/27/2026" in a Salesforce report
    export. Only the date right after words that name it so (as of, generated on, généré le…), read in the file's
    day/month order; a cell whose date the order would change, and the file does not settle, is passed over."""
    for cell in cells:
        found = _TITLE_DATE.search(cell)
        if found is None:
            continue
        text = pd.Series([found.group(1)])
        if dayfirst_hint is None and parsing.day_month_order(text)[0] == "ambiguous":
            continue
        stamp = parsing.parse_dates(text, dayfirst_hint).values.dropna()
        if not stamp.empty:
            return stamp.iloc[0].date(), cell
    return None


# --- date order ------------------------------------------------------------------------------------------------

DATE_ORDERS = {"dmy": True, "mdy": False}   # --date-order answers -> the day-first hint


def date_order(frame: pd.DataFrame, columns: list[str], answer: str | None, answered_by: str,
               plan: ImportPlan, orders: dict[str, tuple[str | None, str | None]] | None = None) -> bool | None:
    """The file's day/month order for dates such as 03/04/2026 (True day-first, False month-first, None: no such
    ambiguity), decided once for the whole file.

    Your answer (``--date-order dmy|mdy``) wins. Else a column whose values can only be read one way (31/01/2026)
    decides for the others (an export writes every date the same way). Else, when some date would change with
    the order, it is a question (day-first is assumed, as in French exports, until it is answered). ``orders``:
    each column's ``values.day_month_order`` when the file is read in slices (``values.DateEvidence.order``)."""
    if orders is None:
        orders = {c: parsing.day_month_order(frame[c]) for c in dict.fromkeys(columns) if c is not None}
    ambiguous = {c: ex for c, (order, ex) in orders.items() if order == "ambiguous"}
    if answer in DATE_ORDERS:
        for column in ambiguous:
            plan.add("date_order", answer, answered_by, HIGH, subject=column, fix=f"--date-order {answer}")
        return DATE_ORDERS[answer]
    shown = {order: c for c, (order, _) in orders.items() if order in ("day-first", "month-first")}
    if not ambiguous:
        return None
    if len(shown) == 1:
        order, witness = next(iter(shown.items()))
        code = "dmy" if order == "day-first" else "mdy"
        for column in ambiguous:
            plan.add("date_order", code, "other_column", MEDIUM, subject=column, fix=f"--date-order {code}",
                     column=witness)
        return order == "day-first"
    for column, example in ambiguous.items():
        plan.add("date_order", "dmy", "ambiguous", LOW, subject=column, ask=True,
                 fix="--date-order dmy (or mdy)", example=example)
    return True


# --- probabilities ---------------------------------------------------------------------------------------------

def probability_scale(column: str | None, cells: pd.Series, answer: str | None, answered_by: str,
                      plan: ImportPlan) -> str | None:
    """How the probability column is written: "percent" (0–100) or "fraction" (0–1).

    Your answer (``--probability-scale``) wins; else % signs or a value above 1 mean percent (values with a % sign
    beside others without one, all 1 or less, are a question: are those 1 % or 100 %? unless the header says "%");
    values between 0 and 1 with a fraction (0.25) mean fraction; a column holding only 0 and 1 is a question (1 % or
    100 %?) unless its header says "%"."""
    if column is None:
        return None
    if answer in ("percent", "fraction"):
        plan.add("probability_scale", answer, answered_by, HIGH, fix=f"--probability-scale {answer}")
        return answer
    text = cells.dropna().astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return None
    signed = text.str.contains("%", regex=False)
    if signed.any():
        plain = parsing.parse_numbers(text[~signed]).values.dropna()
        if plain.empty or plain.max() > 1 or "%" in str(column):  # the unsigned ones are percent too
            plan.add("probability_scale", "percent", "percent_signs", HIGH, fix="--probability-scale fraction")
            return "percent"
        plan.add("probability_scale", "percent", "percent_mixed", LOW, ask=True,
                 fix="--probability-scale percent (or fraction)", example=f"{plain.iloc[0]:g}")
        return "percent"
    numbers = parsing.parse_numbers(text).values.dropna()
    if numbers.empty:
        return None
    if numbers.max() > 1:
        plan.add("probability_scale", "percent", "values_above_1", HIGH, fix="--probability-scale fraction",
                 top=f"{numbers.max():g}")
        return None
    if set(numbers.unique()) <= {0.0, 1.0}:
        if "%" in str(column):
            plan.add("probability_scale", "percent", "only_0_1", MEDIUM, fix="--probability-scale fraction")
            return "percent"
        plan.add("probability_scale", "fraction", "only_0_1", LOW, ask=True,
                 fix="--probability-scale fraction (or percent)")
        return "fraction"
    example = next((f"{v:g}" for v in numbers if 0 < v < 1), f"{numbers.iloc[0]:g}")
    plan.add("probability_scale", "fraction", "values_within_1", HIGH, fix="--probability-scale percent",
             example=example)
    return None


# --- the amounts' unit ------------------------------------------------------------------------------------------

AMOUNT_UNITS = {"units": 1, "thousands": 1_000, "millions": 1_000_000}
_MONEY = r"(?:€|\$|£|(?<![a-z])(?:eur|euros?|usd|gbp|chf|cad|aud)(?![a-z]))"  # a currency, never inside a word
_GLUED = r"(?:€|\$|£|(?:eur|usd|gbp|chf|cad|aud)(?![a-z]))"  # a currency written right after k or M: kEUR, MUSD
_THOUSANDS = re.compile(
    rf"\(\s*{_MONEY}?\s*k\s*{_MONEY}?\s*\)|(?<![a-z])k\s?{_GLUED}|{_MONEY}\s?k(?![a-z])"     # (k€) k€ kEUR $K
    rf"|\(\s*{_MONEY}?\s*'?000'?s?\s*{_MONEY}?\s*\)|'000"                                    # ($000) (000's) '000
    r"|\bthousands?\b|\bmilliers?\b|\btsd\b", re.IGNORECASE)                                  # in thousands, milliers
_MILLIONS = re.compile(
    rf"\(\s*{_MONEY}?\s*(?:mm?|mn|mio\.?)\s*{_MONEY}?\s*\)|(?<![a-z])(?:mm?|mio\.?)\s?{_GLUED}"  # (M€) M$ Mio. €
    rf"|{_MONEY}\s?(?:mm?|mn)(?![a-z])|\bmillions?\b|\bmio\b", re.IGNORECASE)                 # $M, millions


def header_amount_unit(column: str | None) -> str | None:
    """The unit an amount header names: "thousands" ('Amount (k€)', 'Montant en milliers', 'Value ('000)'),
    "millions" ('Amount (M$)', 'in millions'), else None (amounts as written)."""
    if column is None:
        return None
    text = str(column)
    return "thousands" if _THOUSANDS.search(text) else "millions" if _MILLIONS.search(text) else None


def scales_amounts(column: str | None, answer: str | None) -> bool:
    """Whether the amounts may be read in another unit than written (a unit in the header, or an answer of
    thousands or millions): the SQL and sliced paths leave such a file to the whole-file path, which plans it."""
    return header_amount_unit(column) is not None or answer not in (None, "units")


def amount_unit(column: str | None, answer: str | None, answered_by: str, plan: ImportPlan) -> int:
    """What each amount is multiplied by: your answer (``--amount-unit``), else the unit its header names
    ('Amount (k€)': 1,000), written into the plan; 1 (and no plan line) when the header names none."""
    if column is None:
        return 1
    if answer in AMOUNT_UNITS:
        plan.add("amount_unit", answer, answered_by, HIGH, fix=f"--amount-unit {answer}")
        return AMOUNT_UNITS[answer]
    unit = header_amount_unit(column)
    if unit is None:
        return 1
    plan.add("amount_unit", unit, "amount_unit_header", HIGH, fix="--amount-unit units", column=column)
    return AMOUNT_UNITS[unit]


# --- fields no header names ------------------------------------------------------------------------------------

_HINTS = {
    "created_on": word_pattern(r"create|created|creation|creee|cree|engage|engaged|open|opened|start|debut|entry"
                               r"|entree|added|ajoute"),
    "close_on": word_pattern(r"close|closed|closing|cloture|end|fin|expected|prevue|won|lost|gagne|perdu|signed"
                             r"|signe"),
    "amount": word_pattern(r"value|valeur|price|prix|revenue|total|sum|somme|amount|montant|ca|arr|mrr|acv|tcv"
                           r"|sales|ventes"),
    "owner": word_pattern(r"rep|agent|sales|seller|vendeur|commercial|user|utilisateur|assigned|assignee|attribue"
                          r"|responsable|account manager|am"),
}
_NOT_CANDIDATE = word_pattern(r"id|ids|identifiant|email|mail|phone|telephone|url|zip|code postal")


def field_candidates(frame: pd.DataFrame, field: str, free: list[str]) -> list[str]:
    """Columns not used for anything that could feed ``field`` by their values (dates for a date field, numbers
    for the amount, short repeated names for the owner), those whose header hints at it first; at most three."""
    hint = _HINTS[field]
    found = []
    for column in free:
        norm = " ".join(header_variants(column))
        if _NOT_CANDIDATE.search(norm) or _modified_rank(column) is not None:  # a last change is no deal date
            continue
        cells = text_column(frame, column).dropna().head(2000)
        if cells.empty:
            continue
        if field in ("created_on", "close_on"):
            fits = (~parsing.parse_dates(cells).bad).mean() >= 0.8
        elif field == "amount":
            fits = (~parsing.parse_numbers(cells).bad).mean() >= 0.8
        else:
            fits = cells.nunique() <= max(50, len(cells) // 5) and parsing.parse_numbers(cells).bad.mean() >= 0.8
        if fits:
            found.append((not hint.search(norm), len(found), column))
    hinted = [c for no_hint, _, c in sorted(found) if not no_hint or field in ("created_on", "close_on")]
    return hinted[:3]


def unmatched_fields(frame: pd.DataFrame, fields: dict[str, str], free: list[str], plan: ImportPlan) -> dict:
    """For each field worth having that no column feeds (creation and close dates, amount, owner): the columns
    that could (``{field: [columns]}``), each written into the plan with the option that maps it."""
    out = {}
    for field in ("created_on", "close_on", "amount", "owner"):
        if fields.get(field):
            continue
        candidates = field_candidates(frame, field, free)
        out[field] = candidates
        if candidates:
            plan.add("unmatched", "", "candidates", MEDIUM, subject=field,
                     fix=f"--map {field}={candidates[0]}", columns=candidates, option=f"--map {field}={candidates[0]}")
        else:
            plan.add("unmatched", "", "no_candidate", HIGH, subject=field, fix=f"--map {field}=COLUMN")
    return out


def candidate_warnings(frame: pd.DataFrame, fields: dict[str, str], free: list[str],
                       plan: ImportPlan | None = None) -> list[ImportWarning]:
    """``unmatched_fields`` as import warnings: "No creation date column; engage_date could be one: --map …"."""
    found = unmatched_fields(frame, fields, free, plan if plan is not None else ImportPlan())
    return [ImportWarning("field_candidates", field=FIELD_WORDS[name], columns=", ".join(columns),
                          option=f"--map {name}={columns[0]}") for name, columns in found.items() if columns]

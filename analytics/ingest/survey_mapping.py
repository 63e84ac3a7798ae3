"""Which column of a survey export is what: the eNPS question, pulse questions, groups, wave, date, comments.

A column is classified by its header and by its answers (Likert labels, 0-10 numbers, free text, few distinct
values); respondent identifiers are recognised so that they are never stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ingest.mapping import ENPS_HEADER, MappingError, header_variants, not_twice, resolve_column, word_pattern
from analytics.text import normalise_header

LIKERT_TEXT: dict[str, int] = {
    # English agreement
    "strongly disagree": 1, "disagree": 2, "somewhat disagree": 2, "tend to disagree": 2,
    "neither agree nor disagree": 3, "neither agree or disagree": 3, "neutral": 3,
    "somewhat agree": 4, "tend to agree": 4, "agree": 4, "strongly agree": 5,
    # French agreement
    "pas du tout d accord": 1, "totalement en desaccord": 1, "tout a fait en desaccord": 1,
    "fortement en desaccord": 1, "plutot pas d accord": 2, "pas d accord": 2, "plutot en desaccord": 2,
    "en desaccord": 2, "ni d accord ni pas d accord": 3, "ni d accord ni en desaccord": 3, "neutre": 3,
    "plutot d accord": 4, "d accord": 4, "tout a fait d accord": 5, "totalement d accord": 5,
    # satisfaction, EN and FR
    "very dissatisfied": 1, "dissatisfied": 2, "neither satisfied nor dissatisfied": 3, "satisfied": 4,
    "very satisfied": 5, "tres insatisfait": 1, "pas du tout satisfait": 1, "insatisfait": 2,
    "plutot insatisfait": 2, "ni satisfait ni insatisfait": 3, "plutot satisfait": 4, "satisfait": 4,
    "tres satisfait": 5,
}


_INT = re.compile(r"^\s*(\d{1,2})(?:[.,]0+)?\s*$")


# An answer written with its label: '10 - Extremely likely', '4 – Agree', '1. Strongly disagree', '3) Neutral' (the
# number, a separator, then words: not a decimal such as '4.5').
_LEADING_INT = re.compile(r"^\s*(\d{1,2})\s*(?:[-–:)]|\.(?!\d))\s*[^\d\s]")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def likert_value(cell) -> int | None:
    """Score of one Likert answer: '4', '4.0', '4 - Agree', 'Plutôt d'accord' -> 4; blank or other text -> None."""
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return None
    text = str(cell)
    number = _INT.match(text) or _LEADING_INT.match(text)
    if number:
        return int(number.group(1))
    return LIKERT_TEXT.get(normalise_header(text))


def labelled_scores(cells: pd.Series) -> pd.Series:
    """The number of each answer written with its label ('10 - Extremely likely' -> 10.0), NaN for other cells:
    survey tools (SurveyMonkey, Typeform, Forms) export scale answers this way."""
    found = cells.map(lambda v: _LEADING_INT.match(v) if isinstance(v, str) else None)
    return found.map(lambda m: float(m.group(1)) if m else np.nan).astype("float64")


@dataclass
class SurveyMapping:
    """Which column of a survey export is the eNPS question, the wave, the date, a group, a question..."""
    enps: str | None = None                                    # the eNPS question column
    enps_scale: str | None = None                              # "0-10" | "1-10" (see _enps_scale)
    enps_evidence: tuple[str, dict] = ("", {})                 # why the eNPS column is one (plan evidence code)
    enps_scale_evidence: str = ""                              # why its scale is 0-10 or 1-10 (plan code)
    enps_ask: bool = False                                     # too few answers to tell 0-10 from 1-5
    wave: str | None = None                                    # wave/period column
    date: str | None = None                                    # response timestamp column
    groups: dict[str, str] = field(default_factory=dict)       # column -> dimension
    questions: list[str] = field(default_factory=list)         # Likert question columns
    comments: list[str] = field(default_factory=list)          # free-text columns
    identifiers: list[str] = field(default_factory=list)       # respondent identifiers: DROPPED before storage
    ignored: list[str] = field(default_factory=list)           # not imported
    order: list[str] = field(default_factory=list, repr=False)   # the file's columns, in order


_IDENTIFIER_HEADER = re.compile(
    r"\b(?:e ?mail|email address|adresse e ?mail|adresse electronique|courriel|employee ?id|employeeid|matricule"
    r"|id salarie|id employe|numero de salarie|respondent id|response id|network id|user id|ip|ip address"
    r"|adresse ip|phone|phone number|telephone|mobile|token|badge)\b"
    r"|^(?:#|id|identifiant|respondent|repondant)$"
    r"|^(?:your |votre |respondent |employee |nom du )?(?:full |first |last )?(?:name|nom|prenom|surname)"
    r"(?: complet| de famille| prenom| et prenom| name)?$"
    r"|^(?:first|last|full) name$")


_DATE_PREFERENCE = ("completion time", "heure de fin", "submitted at", "submit date utc", "submit date", "end date",
                    "date de fin", "timestamp", "horodateur", "horodatage", "date de soumission", "response date",
                    "date de reponse", "date de la reponse", "survey date", "date de l enquete", "date",
                    "submitted", "completed", "start time",
                    "heure de debut", "start date utc", "start date", "date de debut")


_DATE_WORDS = word_pattern(r"date|time|heure|timestamp|horodateur|horodatage|modified|modifie|submitted|completed")


_WAVE_HEADER = word_pattern(r"wave|vague|period|periode|survey|campagne|campaign|pulse|round|edition|enquete|sondage"
                      r"|quarter|trimestre")


_GROUP_HEADERS = (
    ("department", r"department|dept|service|departement|direction|business ?unit|businessunit|unit|division|pole"),
    ("team", r"team|equipe"),
    ("manager", r"manager|manageur|supervisor|superviseur|responsable"),
    ("location", r"location|site|office|country|pays|bureau|ville|city|region|localisation|lieu|agence"),
    ("tenure", r"tenure|anciennete|seniority|years of service|time in company"),
)


_COMMENT_HEADER = word_pattern(r"comment|comments|commentaire|commentaires|remarque|remarques|why|pourquoi|suggestion"
                         r"|suggestions|anything else|autre chose|feedback|precisez|explain|expliquez|verbatim"
                         r"|other thoughts|tell us|dites nous|one thing|une chose|should we change|change|changer"
                         r"|improve|ameliorer|amelioration|would you change")


_SURVEY_KEYS = ("enps", "wave", "date", "question", "comment", "identifier", "ignore")


def _cells(sample: pd.DataFrame, column) -> list[str]:
    """Non-blank cells of a sample column, as stripped strings."""
    values = sample[column].tolist() if column in sample.columns else []
    return [str(v).strip() for v in values if v is not None and not (not isinstance(v, str) and pd.isna(v))
            and str(v).strip()]


def _is_identifier(header: str, cells: list[str]) -> bool:
    short = len(normalise_header(header).split()) <= 6
    if short and any(_IDENTIFIER_HEADER.search(v) for v in header_variants(header)) or str(header).strip() == "#":
        return True
    return bool(cells) and sum(bool(_EMAIL.match(c)) for c in cells) >= 0.5 * len(cells)


def _is_likert(cells: list[str]) -> bool:
    """Numeric answers on a small integer scale (within 0-7), or EN/FR Likert answer texts."""
    if not cells:
        return False
    scores = [likert_value(c) for c in cells]
    if sum(s is not None for s in scores) < 0.9 * len(cells):
        return False
    known = [s for s in scores if s is not None]
    return min(known) >= 0 and max(known) <= 7


def _is_comment(header: str, cells: list[str]) -> bool:
    """Free text: a comment-like header (Comment, Pourquoi, Suggestions...), or long answers (avg > 20 chars)
    that are mostly distinct or answer an open question ('What is one thing we should change?')."""
    if _COMMENT_HEADER.search(normalise_header(header)):
        return True
    if not cells or any(_INT.match(c) for c in cells):
        return False
    average = sum(map(len, cells)) / len(cells)
    return average > 20 and (len(set(cells)) >= 0.5 * len(cells) or "?" in str(header))


_SENTENCE_END = re.compile(r"[.!?…]$")
_QUESTION_NUMBER = re.compile(r"^(?:q|question|item)\s?\d+\b")


def _is_question_header(header: str) -> bool:
    """A header worded as a question or a statement: a '?', more than four words, or a question number
    ('q3 manager support')."""
    norm = normalise_header(header)
    return "?" in str(header) or len(norm.split()) > 4 or bool(_QUESTION_NUMBER.match(norm))


_GROUP_FILLERS = frozenset("name names nom noms code id your votre vos my mon ma de du la le l des the of".split())


def _is_bare_group_header(header: str) -> bool:
    """The header is only a group's name ('Team', 'Manager name', 'Nom du service'), not a statement about it
    ('Manager support'): once the group words are removed, only fillers (name, nom, your...) remain."""
    norm = normalise_header(header)
    rest = norm
    for _, words in _GROUP_HEADERS:
        rest = word_pattern(words).sub(" ", rest)
    return rest != norm and set(rest.split()) <= _GROUP_FILLERS


def _is_sentences(cells: list[str]) -> bool:
    """Most answers end like sentences ('Fine.', 'Ok!'): written answers, not category names."""
    return bool(cells) and sum(bool(_SENTENCE_END.search(c)) for c in cells) * 2 >= len(cells)


def _is_categorical(cells: list[str]) -> bool:
    """Few distinct short values, repeated, that are names rather than numbers or sentences: worth offering
    as a group. Answers such as 'Fine.', 'Good.', 'Ok.' are not."""
    if len(cells) < 2 or any(_INT.match(c) for c in cells) or _is_sentences(cells):
        return False
    distinct = len(set(cells))
    return distinct <= 20 and distinct < len(cells) and sum(map(len, cells)) / len(cells) <= 40


def group_dimension(header: str) -> str | None:
    """The group a header names (department, team, manager...), also when asked as a question ('Which team
    are you in?'); never for a numbered question ('q3_manager_support') or a long statement."""
    norm = normalise_header(header)
    if _QUESTION_NUMBER.match(norm) or len(norm.split()) > 8:
        return None
    variants = " ".join(header_variants(header))
    return next((dim for dim, words in _GROUP_HEADERS if word_pattern(words).search(variants)), None)


def _enps_scale(header: str, cells: list[str]) -> tuple[str | None, str]:
    """(scale, evidence code). Wording first ("(1-10)", "de 1 à 10" -> 1-10; "0-10", "de 0 à 10" -> 0-10; "sur
    10" alone says nothing); else "0-10" when a 0 is seen; "1-10" only when at least 30 answers are seen and none
    is below 1 (a small 0-10 survey where nobody answered 0 is not evidence of a 1-10 scale); else "0-10", the
    standard."""
    norm = normalise_header(header)
    if re.search(r"\b0 (?:a |to )?10\b", norm):
        return "0-10", "enps_wording"
    if re.search(r"\b1 (?:a |to )?10\b", norm):
        return "1-10", "enps_wording"
    values = [v for v in (likert_value(c) for c in cells) if v is not None]
    if not values:
        return None, ""
    if len(values) >= MIN_ANSWERS_FOR_OBSERVED_SCALE and min(values) >= 1:
        return "1-10", "enps_no_zero"
    return "0-10", "enps_zero" if min(values) == 0 else "enps_default"


MIN_ANSWERS_FOR_OBSERVED_SCALE = 30
MIN_ANSWERS_FOR_LIKERT = 10   # eNPS-worded answers all within 1-5: a 1-5 question once this many are seen
_TEN_POINT_WORDING = re.compile(r"\b(?:0|1) (?:a |to )?10\b|\bsur 10\b|\bout of 10\b|\b10 points?\b")


def _check_enps(result: SurveyMapping, cells: list[str], forced: bool) -> None:
    """An eNPS question is answered on 0-10 (or 1-10): a value above 5 is seen, or the wording says so. When all
    its answers are 5 or below it is a 1-5 question that mentions recommending (``q5_recommend``), once
    MIN_ANSWERS_FOR_LIKERT answers are seen; with fewer, it stays eNPS and the plan asks."""
    column = result.enps
    values = [v for v in (likert_value(c) for c in cells) if v is not None]
    if forced:
        result.enps_evidence = ("user", {})
    elif _TEN_POINT_WORDING.search(normalise_header(column)):
        result.enps_evidence = ("enps_wording", {})
    elif values and max(values) > 5:
        result.enps_evidence = ("enps_header_values", {"column": column, "top": max(values)})
    elif len(values) >= MIN_ANSWERS_FOR_LIKERT:
        result.enps = None
        result.questions = [c for c in result.order if c in {*result.questions, column}]
        result.enps_evidence = ("enps_likert", {"column": column, "n": len(values)})
        return
    elif values:
        result.enps_evidence = ("enps_few_answers", {"column": column, "n": len(values)})
        result.enps_ask = True
    else:
        result.enps_evidence = ("enps_wording", {})
    result.enps_scale, result.enps_scale_evidence = _enps_scale(column, cells)


_QUESTION_WORDS = word_pattern(
    r"score|scores|satisfaction|satisfait|satisfied|engagement|engage|engaged|rating|note|agree|accord|feel|feeling"
    r"|sentiment|recommend|recommander|likely|wellbeing|well being|bien etre|balance|equilibre|workload|charge"
    r"|stress|motivation|motive|career|carriere|growth|recognition|reconnaissance|proud|fier|fiere|trust|confiance"
    r"|support|soutien|valued|valorise|pulse")
_ITEM_CODE = re.compile(r"^[a-z]+ ?[a-z]* ?\d{1,2}$")


_LONG_QUESTION = word_pattern(r"question|item|statement|enonce|intitule")
_LONG_ANSWER = word_pattern(r"answer|answers|response|reponse|score|value|valeur|note|rating")


def long_format_columns(frame: pd.DataFrame) -> tuple[str, str] | None:
    """(question column, answer column) of a survey exported one row per answer ("Question", "Answer"): a column
    named as the question whose few distinct values repeat and are sentences, most of them worded as questions or
    statements, beside one named as the answer whose values are all scores. None for any other file."""
    sample = frame.head(2000)
    questions = [c for c in sample.columns if _LONG_QUESTION.search(" ".join(header_variants(c)))]
    answers = [c for c in sample.columns if _LONG_ANSWER.search(" ".join(header_variants(c)))]
    for question in questions:
        cells = _cells(sample, question)
        distinct = set(cells)
        worded = sum(bool(_is_question_header(c) or _QUESTION_WORDS.search(normalise_header(c))) for c in distinct)
        if len(cells) < 4 or not 2 <= len(distinct) < len(cells) / 2 or worded * 2 < len(distinct) \
                or sum(map(len, distinct)) < 12 * len(distinct):  # sentences, most worded as questions
            continue
        for answer in answers:
            scores = [likert_value(c) for c in _cells(sample, answer)]
            if answer != question and scores and all(s is not None for s in scores):
                return question, answer
    return None


def question_evidence(result: SurveyMapping, sample: pd.DataFrame) -> tuple[str, list[str]] | None:
    """Why the file is a survey: ("enps", [column]), ("worded", questions worded as questions or statements, or
    answered with agreement labels), ("item_codes", at least three numbered items such as JobSat1, Engage2), or
    None: a table of small numbers (a currency table, ``foo,bar,baz``) is not a survey."""
    if result.enps and result.enps_evidence[0] != "enps_unworded":  # a column only asked about proves nothing
        return "enps", [result.enps]
    worded = [q for q in result.questions
              if _is_question_header(q) or _QUESTION_WORDS.search(" ".join(header_variants(q)))
              or any(normalise_header(c) in LIKERT_TEXT for c in _cells(sample, q)[:200])]
    if worded:
        return "worded", worded
    coded = [q for q in result.questions if _ITEM_CODE.match(" ".join(header_variants(q)[-1:]))]
    return ("item_codes", coded) if len(coded) >= 3 else None


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    return [value] if isinstance(value, str) else list(value)


def _survey_key(key: str) -> tuple[str, str]:
    kind, _, dimension = str(key).partition(":")
    valid = bool(dimension.strip()) if kind == "group" else (kind in _SURVEY_KEYS and not dimension)
    if not valid:
        raise MappingError(f"unknown survey field {key!r} (use enps, wave, date, group:NAME, question, "
                           "comment, identifier or ignore)")
    return kind, dimension.strip()


def _apply_survey_overrides(result: SurveyMapping, overrides, sample, columns) -> tuple[set[str], set[str]]:
    """Apply the user's choices -> (columns decided, single fields decided). Identifier columns can only be
    ignored."""
    columns_done: set[str] = set()
    fields_done: set[str] = set()
    for key, value in (overrides or {}).items():
        kind, dimension = _survey_key(key)
        if kind in ("enps", "wave", "date"):
            fields_done.add(kind)  # decided, even when cleared with an empty column
        for column in (resolve_column(v, columns) for v in _as_list(value)):
            if kind not in ("identifier", "ignore") and _is_identifier(column, _cells(sample, column)):
                raise MappingError(f"column {column!r} holds respondent identifiers and is never stored")
            not_twice(column, columns_done)
            _assign(result, kind, dimension, column)
            columns_done.add(column)
    return columns_done, fields_done


def _assign(result: SurveyMapping, kind: str, dimension: str, column: str) -> None:
    if kind in ("enps", "wave", "date"):
        setattr(result, kind, column)
    elif kind == "group":
        result.groups[column] = dimension
    else:
        target = {"question": "questions", "comment": "comments", "identifier": "identifiers"}.get(kind, "ignored")
        getattr(result, target).append(column)


def is_wave_header(column: str) -> bool:
    norm = normalise_header(column)
    return len(norm.split()) <= 3 and "?" not in str(column) and bool(_WAVE_HEADER.search(norm))


def _pick_date(columns: list[str]) -> str | None:
    ranked = [(_DATE_PREFERENCE.index(v), i, c) for i, c in enumerate(columns)
              for v in header_variants(c) if v in _DATE_PREFERENCE]
    return min(ranked)[2] if ranked else None


def _classify(result: SurveyMapping, column: str, cells: list[str], decided: set[str]) -> None:
    """Put one column (not decided by the user) in its place."""
    norm = normalise_header(column)
    dimension = group_dimension(column)
    likert = _is_likert(cells)
    bare = _is_bare_group_header(column)  # 'Team', 'Manager name', 'Votre service'
    if "enps" not in decided and result.enps is None and ENPS_HEADER.search(norm):
        result.enps = column
    elif is_wave_header(column):
        if "wave" in decided or result.wave is not None:
            result.ignored.append(column)  # wave cleared by the user, or a second wave column
        else:
            result.wave = column
    elif dimension and (bare or not likert) and not _is_comment(column, cells) and not _is_sentences(cells):
        taken = set(result.groups.values())
        result.groups[column] = dimension if dimension not in taken else norm
    elif likert:  # answers are never groups: 'Manager support' answered 1-5 is a question about the manager
        result.questions.append(column)
    elif _DATE_WORDS.search(norm) and len(norm.split()) <= 4:
        result.ignored.append(column)  # another timestamp, e.g. 'Last modified time'
    elif _is_comment(column, cells):
        result.comments.append(column)
    elif _is_categorical(cells) and norm not in result.groups.values():
        result.groups[column] = norm
    elif _is_question_header(column) and cells and not any(_INT.match(c) for c in cells):
        result.comments.append(column)  # written answers to an open question, however short
    else:
        result.ignored.append(column)


def map_survey_columns(sample: pd.DataFrame, overrides: dict[str, str | list[str]] | None = None) -> SurveyMapping:
    """Sort the columns of a survey export (Google Forms, Microsoft Forms, Typeform, SurveyMonkey; EN/FR).

    `sample` is a few rows as strings (blanks None). Overrides, all optional:
    "enps" / "wave" / "date": column ("" to leave unset); "group:<dimension>": column;
    "question" / "comment" / "identifier" / "ignore": a column or a list of columns.
    Respondent identifiers (email, name, employee id, respondent/response id, IP, phone, e-mail-looking
    cells) are listed in `identifiers` and must be dropped; overriding one to anything but ignore raises.
    """
    columns = list(sample.columns)
    result = SurveyMapping()
    done, decided = _apply_survey_overrides(result, overrides, sample, columns)
    free = [c for c in columns if c not in done]
    result.identifiers += [c for c in free if _is_identifier(c, _cells(sample, c))]
    free = [c for c in free if c not in result.identifiers]
    stamps = [c for c in free if _pick_date([c]) and not ENPS_HEADER.search(normalise_header(c))]
    if "date" not in decided:
        result.date = _pick_date(stamps)
    for column in free:
        if column in stamps:
            if column != result.date:
                result.ignored.append(column)  # a second timestamp (e.g. Start time beside Completion time)
            continue
        _classify(result, column, _cells(sample, column), decided)
    result.order = columns
    if result.enps:
        _check_enps(result, _cells(sample, result.enps), "enps" in decided and result.enps is not None
                    and result.enps in (overrides or {}).values())
    elif "enps" not in decided:
        _ask_unworded_enps(result, sample, done)
    return result


def _ask_unworded_enps(result: SurveyMapping, sample: pd.DataFrame, done: set[str]) -> None:
    """No header names the eNPS question: the first column left unused whose answers are all whole numbers 0–10,
    some above 7 (no 1–5 or 1–7 scale), may be it ('Score'). Asked, not assumed: leaving it out would lose the
    eNPS, taking it would make one of another number."""
    for column in [c for c in result.ignored if c not in done]:  # never one the user chose to leave out
        cells = _cells(sample, column)
        values = [int(found.group(1)) for c in cells if (found := _INT.match(c))]
        if values and len(values) == len(cells) and 7 < max(values) <= 10:
            result.ignored.remove(column)
            result.enps, result.enps_ask = column, True
            result.enps_evidence = ("enps_unworded", {"column": column, "top": max(values)})
            result.enps_scale, result.enps_scale_evidence = _enps_scale(column, cells)
            return

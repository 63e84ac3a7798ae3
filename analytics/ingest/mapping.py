"""Match the columns of an export to the fields Pipeline Pulse understands.

Everything here works on header lists (and, for surveys, a few sample rows):
no file is read or written. The importer calls these functions, shows the
result to the user, lets them correct it, and remembers the choice by
`column_signature`.

Matching order for deals, 1:1s and stage history (METRICS.md section 1):
1. user overrides (`{"amount": "close_value"}`), always first;
2. known CRM headers and synonyms, compared after `normalise_header`
   (EN and FR, also "CamelCase" and "Deal - " / "Affaire - " prefixed forms);
3. a "header contains the word" fallback (e.g. "Montant HT" -> amount);
4. a close-spelling fallback (e.g. "Ammount" -> amount).
A column is never used for two fields; the earliest synonym in each list is
the most specific and wins.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

DEAL_FIELDS = ("deal_id", "name", "pipeline", "stage", "status", "amount", "currency", "owner",
               "created_on", "close_on", "probability", "forecast_category")
ONE_ON_ONE_FIELDS = ("manager", "employee", "met_on", "duration_minutes")
HISTORY_FIELDS = ("deal_id", "stage", "from_stage", "changed_on", "amount", "close_on", "probability")
HISTORY_EVENT_FIELD = "event"  # extra key of map_history_columns for 'Field / Event' style history reports

KINDS = ("deals", "survey", "one_on_ones", "stage_history")


class MappingError(ValueError):
    """A mapping the user asked for cannot be applied (one-line message)."""


# --------------------------------------------------------------------------- headers

@functools.lru_cache(maxsize=8192)
def normalise_header(header: str) -> str:
    """Header as compared: lowercase, accents stripped (é→e), punctuation/underscores → single spaces, trimmed."""
    text = unicodedata.normalize("NFKD", str(header))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[\W_]+", " ", text).strip()


_PREFIX = re.compile(r"^(deal|affaire|opportunity|opportunite|transaction) (?=\S)")


def _split_camel(header: str) -> str:
    """'StageName' -> 'Stage Name', 'EmployeeID' -> 'Employee ID'."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(header))
    return re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", " ", text)


@functools.lru_cache(maxsize=4096)
def _direct(header: str) -> tuple[str, ...]:
    """Normalised forms of a header: as is, then with CamelCase split ('StageName' -> 'stage name')."""
    forms = [normalise_header(header), normalise_header(_split_camel(header))]
    return tuple(dict.fromkeys(f for f in forms if f))


@functools.lru_cache(maxsize=4096)
def _stripped(header: str) -> tuple[str, ...]:
    """Normalised forms without a 'Deal - ' / 'Affaire - ' / 'Opportunity ' prefix."""
    forms = [_PREFIX.sub("", f) for f in _direct(header)]
    return tuple(f for f in dict.fromkeys(forms) if f not in _direct(header))


def _words(text: str) -> re.Pattern:
    """Regex matching any of the '|'-separated words as whole words of a normalised header."""
    return re.compile(rf"\b(?:{text})\b")


def column_signature(columns: list[str]) -> str:
    """Stable hash of the normalised, sorted header list: same columns (any order, any case) -> same signature."""
    text = "\n".join(sorted(normalise_header(c) for c in columns))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _resolve_column(column: str, columns: list[str]) -> str:
    """The file's header the user meant (exact, else same normalised form); MappingError with close matches."""
    if column in columns:
        return column
    same = [c for c in columns if normalise_header(c) == normalise_header(column)]
    if same:
        return same[0]
    close = difflib.get_close_matches(str(column), [str(c) for c in columns], n=3, cutoff=0.5)
    hint = f"close matches: {', '.join(close)}" if close else f"columns are: {', '.join(map(str, columns[:12]))}"
    raise MappingError(f"column {column!r} not found in the file ({hint})")


def _check_field(name: str, allowed: tuple[str, ...]) -> None:
    if name not in allowed:
        close = difflib.get_close_matches(name, allowed, n=2)
        hint = f"did you mean {' or '.join(close)}?" if close else f"fields are: {', '.join(allowed)}"
        raise MappingError(f"unknown field {name!r} ({hint})")


# --------------------------------------------------------------------------- field specs

@dataclass(frozen=True)
class _Spec:
    """How to recognise one field: exact synonyms (best first), then a contains-word fallback."""
    synonyms: tuple[str, ...]
    contains: str | None = None     # '|'-separated words
    unless: str | None = None       # '|'-separated words that veto the contains fallback


_NOT_A_VALUE = r"id|by|par|email|mail"

DEAL_SPECS: dict[str, _Spec] = {
    "deal_id": _Spec(("record id", "opportunity id", "deal id", "id", "identifiant", "id de l affaire",
                      "identifiant de l affaire", "id affaire", "id de l opportunite", "id de la transaction",
                      "id de l enregistrement", "id de fiche d informations", "identifiant de la fiche d informations",
                      "deal record id")),
    "name": _Spec(("deal name", "opportunity name", "title", "nom de l affaire", "nom de l opportunite",
                   "nom de la transaction", "titre", "name", "nom", "opportunite", "opportunity", "deal",
                   "affaire", "intitule", "libelle")),
    "pipeline": _Spec(("pipeline", "deal pipeline", "pipeline name", "nom du pipeline", "pipeline de vente",
                       "sales pipeline"), "pipeline", r"id|stage|etape|entered|entree|time|temps"),
    "stage": _Spec(("deal stage", "stage", "stage name", "sales stage", "etape", "etape de la transaction",
                    "etape de l affaire", "etape de vente", "phase de la transaction", "phase de l affaire",
                    "phase", "to stage"),
                   "stage|etape|phase",
                   r"id|duration|duree|date|entered|entree|exited|age|time|temps|last|derniere|previous|precedente"
                   r"|prev|from|change|history|probability|probabilite|days|jours"),
    "status": _Spec(("status", "statut", "deal status", "statut de l affaire", "statut de la transaction", "etat",
                     "etat de l affaire", "outcome", "resultat"), "status|statut", r"lead|id|date|time"),
    "amount": _Spec(("amount in company currency", "montant dans la devise de l entreprise", "amount converted",
                     "montant converti", "amount", "deal amount", "opportunity amount", "value", "deal value",
                     "montant", "valeur", "montant de l affaire", "montant de la transaction", "deal size",
                     "revenue", "close value", "contract value", "total amount", "montant total",
                     "chiffre d affaires"),
                    "amount|montant|value|valeur|revenue",
                    r"expected|weighted|pondere|forecast|prevision|prev|previous|precedent|currency|devise"
                    r"|probability|probabilite|annual|annuel|attendu|id|date"),
    "currency": _Spec(("deal currency code", "currency", "currency code", "amount currency", "opportunity currency",
                       "currency iso code", "devise", "code de devise", "code devise", "devise de la transaction",
                       "devise de l affaire", "code de devise de la transaction", "monnaie"),
                      "currency|devise", r"company|entreprise|id"),
    "owner": _Spec(("deal owner", "opportunity owner", "owner", "proprietaire", "proprietaire de la transaction",
                    "proprietaire de l affaire", "proprietaire de l opportunite", "responsable", "commercial",
                    "sales rep", "sales agent", "rep", "salesperson", "sales person", "account executive",
                    "vendeur", "owner name", "assigned to", "attribue a", "charge d affaires"),
                   "owner|proprietaire|rep|commercial", _NOT_A_VALUE),
    "created_on": _Spec(("create date", "created date", "deal created", "affaire creee", "date de creation",
                         "cree le", "created", "created on", "created at", "date created", "creation date",
                         "add time", "date d ajout", "date de creation de l affaire",
                         "date de creation de la transaction", "open date", "date d ouverture"),
                        "created|creation|cree|creee", _NOT_A_VALUE),
    "close_on": _Spec(("close time", "closed on", "closed at", "won time", "lost time", "date de gain",
                       "date de perte", "close date", "closed date", "closing date", "date de cloture",
                       "date de fermeture", "cloture le", "date de conclusion", "expected close date",
                       "expected close", "expected closing date", "date de cloture prevue",
                       "date de cloture estimee", "date de conclusion prevue"),
                      "close|closing|cloture|fermeture",
                      r"id|by|par|reason|raison|motif|probability|probabilite|value|valeur|amount|montant"),
    "probability": _Spec(("probability", "deal probability", "probabilite", "win probability",
                          "probabilite de gain", "probabilite de la transaction", "probabilite de conclusion",
                          "probabilite de l affaire"), "probability|probabilite", r"forecast|prevision|historical"),
    "forecast_category": _Spec(("forecast category", "forecast category name", "categorie de prevision",
                                "categorie de previsions", "categorie prevision", "forecast"),
                               "forecast|prevision", r"probability|probabilite|amount|montant|date"),
}

ONE_ON_ONE_SPECS: dict[str, _Spec] = {
    "manager": _Spec(("manager", "manager name", "nom du manager", "responsable", "supervisor", "superviseur",
                      "line manager", "manageur", "responsable hierarchique", "n 1", "team lead", "manager email"),
                     "manager|manageur|responsable|supervisor|superviseur"),
    "employee": _Spec(("employee", "employee name", "employe", "collaborateur", "collaboratrice",
                       "nom du collaborateur", "salarie", "direct report", "report", "team member",
                       "membre de l equipe", "employee email"),
                      "employee|employe|collaborateur|collaboratrice|salarie|report"),
    "met_on": _Spec(("date", "meeting date", "met on", "date de l entretien", "date du 1 1", "1 1 date",
                     "date of meeting", "date de la reunion", "date du rendez vous", "date de l echange",
                     "session date", "held on", "one on one date"),
                    "date|jour|day", r"next|prochain|prochaine|created|modified|updated|modifie|start|exit|birth"
                                     r"|hire|dob|termination|embauche|naissance|sortie|depart|entree|debut|fin"),
    "duration_minutes": _Spec(("duration minutes", "duration min", "duration", "duree min", "duree minutes",
                               "duree", "length minutes", "length", "minutes"), "duration|duree|minutes|length"),
}

HISTORY_SPECS: dict[str, _Spec] = {
    "deal_id": _Spec(("opportunity id", "deal id", "record id", "id de l opportunite", "id de l affaire")),
    "stage": _Spec(("stage name", "to stage", "stage", "new value", "nouvelle valeur", "new stage", "etape",
                    "nouvelle etape")),
    "from_stage": _Spec(("from opportunity stage name", "from stage", "old value", "previous stage",
                         "ancienne valeur", "etape precedente", "prev stage")),
    "changed_on": _Spec(("changed on", "change date", "edit date", "last modified", "last modified date",
                         "created date", "date de modification", "modifie le", "date")),
    "amount": _Spec(("amount", "montant")),
    "close_on": _Spec(("close date", "date de cloture")),
    "probability": _Spec(("probability", "probabilite")),
    HISTORY_EVENT_FIELD: _Spec(("field event", "field", "event", "champ evenement", "champ")),
}


# --------------------------------------------------------------------------- generic matcher

def _apply_overrides(overrides, columns, allowed) -> tuple[dict[str, str], set[str], set[str]]:
    """Fields forced by the user -> (mapping, fields decided, columns used). An empty column unmaps the field."""
    forced, decided, used = {}, set(), set()
    for name, column in (overrides or {}).items():
        _check_field(name, allowed)
        decided.add(name)
        if column:
            forced[name] = _resolve_column(column, columns)
            _not_twice(forced[name], used)
            used.add(forced[name])
    return forced, decided, used


def _not_twice(column: str, used: set[str]) -> None:
    if column in used:
        raise MappingError(f"column {column!r} is mapped twice; a column can feed only one field")


def _exact_rank(spec: _Spec, column: str, tier: int) -> int | None:
    """Index of the best synonym the column matches; tier 0 = as is / CamelCase, tier 1 = prefix removed."""
    forms = _direct(column) if tier == 0 else _stripped(column)
    ranks = [spec.synonyms.index(f) for f in forms if f in spec.synonyms]
    return min(ranks) if ranks else None


def _synonym_rank(spec: _Spec, column: str) -> int | None:
    """Best synonym index over both tiers (with or without a 'Deal - ' prefix)."""
    ranks = [r for r in (_exact_rank(spec, column, 0), _exact_rank(spec, column, 1)) if r is not None]
    return min(ranks, default=None)


def _contains(spec: _Spec, column: str) -> bool:
    norm = " ".join(_direct(column))
    if not spec.contains or not _words(spec.contains).search(norm):
        return False
    return not (spec.unless and _words(spec.unless).search(norm))


def _close_spelling(spec: _Spec, column: str) -> float:
    """The best similarity (>= 0.9) of the header to a long synonym, else 0.

    The cheap upper bounds come first: a full comparison costs len(a) x len(b), and a header may be 100,000
    characters long or one of 200 custom fields.
    """
    matcher = difflib.SequenceMatcher(None, normalise_header(column), "")
    best = 0.0
    for synonym in spec.synonyms:
        if len(synonym) < 6:
            continue
        matcher.set_seq2(synonym)
        if matcher.real_quick_ratio() >= 0.9 and matcher.quick_ratio() >= 0.9:
            best = max(best, matcher.ratio())
    return best if best >= 0.9 else 0.0


def _match_fields(columns, specs: dict[str, _Spec], decided: set[str], used: set[str]) -> dict[str, str]:
    """Automatic matching, tier by tier, one column per field, most specific synonym first."""
    found: dict[str, str] = {}

    def pick(score) -> None:
        for name, spec in specs.items():
            if name in decided or name in found:
                continue
            scored = [(score(spec, c), i, c) for i, c in enumerate(columns) if c not in used]
            scored = [s for s in scored if s[0] is not None]
            if scored:
                best = min(scored, key=lambda s: (s[0], s[1]))[2]
                found[name] = best
                used.add(best)

    pick(lambda spec, c: _exact_rank(spec, c, 0))
    pick(lambda spec, c: _exact_rank(spec, c, 1))
    pick(lambda spec, c: len(normalise_header(c)) if _contains(spec, c) else None)
    pick(lambda spec, c: -_close_spelling(spec, c) if _close_spelling(spec, c) else None)
    return found


def _map(columns, specs, fields, overrides, skip=()) -> tuple[dict[str, str], set[str]]:
    """Overrides then automatic matching -> (field -> column in `fields` order, fields forced by the user)."""
    columns = [c for c in columns if c not in set(skip)]
    forced, decided, used = _apply_overrides(overrides, columns, fields)
    found = {**forced, **_match_fields(columns, specs, decided, used)}
    return {f: found[f] for f in fields if f in found}, decided


# --------------------------------------------------------------------------- deals

@dataclass
class DealMapping:
    """Which column of a deals export feeds which field."""
    fields: dict[str, str]                                      # canonical field -> column header as in the file
    entered_on: dict[str, str] = field(default_factory=dict)    # 'Date entered ...' header -> stage label
    extras: list[str] = field(default_factory=list)             # grouping columns kept as deal attributes
    ignored: list[str] = field(default_factory=list)            # columns not imported
    close_fallbacks: list[str] = field(default_factory=list)    # other close-date columns, coalesced in order


_ENTERED = [
    re.compile(r"^\s*date\s+entered\s*(?P<label>.+?)\s*$", re.I),
    re.compile(r"^\s*date\s+d\W?\s*entr[ée]e\s+(?:dans\s+l\W?\s*[ée]tape\s*|dans\s+)?(?P<label>.+?)\s*$", re.I),
]
_QUOTED = re.compile(r"^[\"'“”«‘’]\s*(?P<inner>.*?)\s*[\"'“”»‘’]$")


def entered_stage_label(header: str) -> str | None:
    """Stage label of a HubSpot 'Date entered "Stage (Pipeline)"' column (FR: 'Date d'entrée dans l'étape « X »')."""
    for pattern in _ENTERED:
        match = pattern.match(str(header))
        if match:
            label = match.group("label")
            quoted = _QUOTED.match(label)
            pipeline_part = r"\s*\([^()]*\)\s*$" if quoted else r"\s*\([^()]*\bpipeline\b[^()]*\)\s*$"
            label = re.sub(pipeline_part, "", quoted.group("inner") if quoted else label, flags=re.I)
            return label.strip(" \"'“”«»") or None
    return None


_EXTRA_WORDS = _words(
    r"source|sources|segment|region|country|pays|industry|industrie|secteur|product|products|produit|produits"
    r"|type|team|equipe|territory|territoire|size|taille|effectif|employees|business unit|bu|channel|canal"
    r"|market|marche|vertical|campaign|campagne|origine|origin|label|etiquette|tag|tags|account|compte|company"
    r"|entreprise|societe|organization|organisation|client|customer|fiscal period|periode fiscale|division"
    r"|department|departement|category|categorie|gamme|offre|offer|plan|tier|priority|priorite|reason|raison"
    r"|motif")
_NOT_EXTRA = _words(
    r"id|ids|identifiant|description|note|notes|comment|comments|commentaire|commentaires|next step"
    r"|prochaine etape|details|remarque|remarques|date|time|heure|created|modified|modifie|updated|last|derniere"
    r"|email|mail|phone|telephone|url|website|site web|owner|proprietaire|annual revenue|duration|duree|age"
    r"|amount|montant|value|valeur|currency|devise|probability|probabilite|weighted|pondere")


def _is_extra(column: str) -> bool:
    norm = " ".join(_direct(column))
    return bool(_EXTRA_WORDS.search(norm)) and not _NOT_EXTRA.search(norm)


def _close_fallbacks(columns, fields: dict[str, str], forced: set[str], skip) -> list[str]:
    """Other close-date columns (Won time, Lost time, Expected close date...) in order of preference."""
    if "close_on" not in fields or "close_on" in forced:
        return []
    used = set(fields.values()) | set(skip)
    ranked = [(_synonym_rank(DEAL_SPECS["close_on"], c), i, c) for i, c in enumerate(columns) if c not in used]
    return [c for rank, _, c in sorted(ranked, key=lambda r: (r[0] is None, r[0] or 0, r[1])) if rank is not None]


def _pair_currency(columns, fields: dict[str, str], forced: set[str]) -> None:
    """Keep currency consistent with the amount chosen (company-currency amount -> its own currency or none)."""
    if "currency" in forced or "amount" not in fields:
        return
    amount = normalise_header(fields["amount"])
    own = [c for c in columns if normalise_header(c) == f"{amount} currency"]
    if own:
        fields["currency"] = own[0]
    elif re.search(r"company currency|devise de l entreprise|converted|converti", amount):
        fields.pop("currency", None)


def map_deal_columns(columns: list[str], overrides: dict[str, str] | None = None) -> DealMapping:
    """Match the columns of a CRM deals export (HubSpot, Salesforce, Pipedrive, home-made; EN/FR) to deal fields.

    `overrides` maps a field to a column whatever the automatic match says (an empty column leaves the
    field unmapped). When amount is a company-currency/converted amount, currency is its paired
    '<amount> Currency' column if any, else unmapped (the deal currency code would not apply to it).
    """
    columns = list(columns)
    forced_columns = {_resolve_column(c, columns) for c in (overrides or {}).values() if c}
    entered = {c: entered_stage_label(c) for c in columns if entered_stage_label(c) and c not in forced_columns}
    fields, forced = _map(columns, DEAL_SPECS, DEAL_FIELDS, overrides, skip=entered)
    _pair_currency(columns, fields, forced)
    fields = {f: fields[f] for f in DEAL_FIELDS if f in fields}
    fallbacks = _close_fallbacks(columns, fields, forced, entered)
    taken = set(fields.values()) | set(entered) | set(fallbacks)
    extras = [c for c in columns if c not in taken and _is_extra(c)]
    ignored = [c for c in columns if c not in taken and c not in extras]
    return DealMapping(fields, entered, extras, ignored, fallbacks)


# --------------------------------------------------------------------------- 1:1s and stage history

def map_one_on_one_columns(columns: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Match the columns of a 1:1 meetings log (manager, employee, date, optional duration) -> field: column."""
    return _map(list(columns), ONE_ON_ONE_SPECS, ONE_ON_ONE_FIELDS, overrides)[0]


def map_history_columns(columns: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Match the columns of a Salesforce OpportunityHistory export -> field: column.

    For 'Field / Event, Old Value, New Value' reports, stage = New Value, from_stage = Old Value and the
    extra key "event" names the Field / Event column: only rows whose event is the stage should be read.
    """
    fields = HISTORY_FIELDS + (HISTORY_EVENT_FIELD,)
    return _map(list(columns), HISTORY_SPECS, fields, overrides)[0]


# --------------------------------------------------------------------------- kind detection

_ENPS_HEADER = re.compile(r"recommand|recommend|\benps\b|net promoter")
_SURVEY_STAMPS = {"timestamp", "horodateur", "horodatage", "start time", "completion time", "heure de debut",
                  "heure de fin", "submitted at", "submit date utc", "submit date", "start date utc", "start date",
                  "end date", "respondent id", "collector id", "response id", "network id", "date de soumission"}
_HISTORY_STRONG = {"from opportunity stage name", "from stage", "prev amount", "prev close date", "previous stage",
                   "old value", "ancienne valeur", "etape precedente"}
_HISTORY_WEAK = {"last modified", "edit date", "changed on", "change date", "date de modification", "modifie le"}


def _has(columns, names: set[str]) -> bool:
    return any(v in names for c in columns for v in _direct(c))


def _looks_like_question(header: str) -> bool:
    text = str(header)
    return "?" in text or "[" in text or len(normalise_header(text).split()) >= 5


def _is_history(columns) -> bool:
    if _has(columns, {"field event", "field"}) and _has(columns, {"old value"}) and _has(columns, {"new value"}):
        return True
    found = map_history_columns(columns)
    if not {"deal_id", "stage"} <= set(found):
        return False
    return _has(columns, _HISTORY_STRONG) or _has(columns, _HISTORY_WEAK)


def _is_survey(columns, deal_stage: bool) -> bool:
    if deal_stage:
        return False
    if any(_ENPS_HEADER.search(normalise_header(c)) for c in columns):
        return True
    return _has(columns, _SURVEY_STAMPS) and sum(_looks_like_question(c) for c in columns) >= 2


def detect_kind(columns: list[str]) -> str | None:
    """What a file is, from its headers: "deals" | "survey" | "one_on_ones" | "stage_history" | None."""
    columns = list(columns)
    if _is_history(columns):
        return "stage_history"
    deals = map_deal_columns(columns).fields
    deal_stage = "stage" in deals and _exact_rank(DEAL_SPECS["stage"], deals["stage"], 0) is not None
    if _is_survey(columns, deal_stage):
        return "survey"
    if "stage" in deals and len(deals) >= 2:
        return "deals"
    if set(ONE_ON_ONE_FIELDS[:3]) <= set(map_one_on_one_columns(columns)):
        return "one_on_ones"
    return None


def missing_required(kind: str, mapping) -> list[str]:
    """Required fields left unmapped (errors). deals: stage; one_on_ones: manager, employee, met_on;
    stage_history: deal_id, stage, changed_on; survey: enps unless at least one question is mapped.
    (deal_id, created_on and amount missing on deals are warnings, not listed here.)"""
    if kind == "survey":
        return [] if mapping.enps or mapping.questions else ["enps"]
    fields = mapping.fields if isinstance(mapping, DealMapping) else mapping
    required = {"deals": ("stage",), "one_on_ones": ("manager", "employee", "met_on"),
                "stage_history": ("deal_id", "stage", "changed_on")}.get(kind)
    if required is None:
        raise MappingError(f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    return [f for f in required if not fields.get(f)]


# --------------------------------------------------------------------------- surveys

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
_LEADING_INT = re.compile(r"^\s*(\d{1,2})\s*[-–:.)]\s*\S")
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


@dataclass
class SurveyMapping:
    """Which column of a survey export is the eNPS question, the wave, the date, a group, a question..."""
    enps: str | None = None                                    # the eNPS question column
    enps_scale: str | None = None                              # "0-10" | "1-10" (see _enps_scale)
    wave: str | None = None                                    # wave/period column
    date: str | None = None                                    # response timestamp column
    groups: dict[str, str] = field(default_factory=dict)       # column -> dimension
    questions: list[str] = field(default_factory=list)         # Likert question columns
    comments: list[str] = field(default_factory=list)          # free-text columns
    identifiers: list[str] = field(default_factory=list)       # respondent identifiers: DROPPED before storage
    ignored: list[str] = field(default_factory=list)           # not imported


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
_DATE_WORDS = _words(r"date|time|heure|timestamp|horodateur|horodatage|modified|modifie|submitted|completed")
_WAVE_HEADER = _words(r"wave|vague|period|periode|survey|campagne|campaign|pulse|round|edition|enquete|sondage"
                      r"|quarter|trimestre")
_GROUP_HEADERS = (
    ("department", r"department|dept|service|departement|direction|business ?unit|businessunit|unit|division|pole"),
    ("team", r"team|equipe"),
    ("manager", r"manager|manageur|supervisor|superviseur|responsable"),
    ("location", r"location|site|office|country|pays|bureau|ville|city|region|localisation|lieu|agence"),
    ("tenure", r"tenure|anciennete|seniority|years of service|time in company"),
)
_COMMENT_HEADER = _words(r"comment|comments|commentaire|commentaires|remarque|remarques|why|pourquoi|suggestion"
                         r"|suggestions|anything else|autre chose|feedback|precisez|explain|expliquez|verbatim"
                         r"|other thoughts|tell us|dites nous")
_SURVEY_KEYS = ("enps", "wave", "date", "question", "comment", "identifier", "ignore")


def _cells(sample: pd.DataFrame, column) -> list[str]:
    """Non-blank cells of a sample column, as stripped strings."""
    values = sample[column].tolist() if column in sample.columns else []
    return [str(v).strip() for v in values if v is not None and not (not isinstance(v, str) and pd.isna(v))
            and str(v).strip()]


def _is_identifier(header: str, cells: list[str]) -> bool:
    short = len(normalise_header(header).split()) <= 6
    if short and any(_IDENTIFIER_HEADER.search(v) for v in _direct(header)) or str(header).strip() == "#":
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


def _is_categorical(cells: list[str]) -> bool:
    """Few distinct short values, repeated: worth offering as a group."""
    if len(cells) < 2 or any(_INT.match(c) for c in cells):
        return False
    distinct = len(set(cells))
    return distinct <= 20 and distinct < len(cells) and sum(map(len, cells)) / len(cells) <= 40


def _group_dimension(header: str) -> str | None:
    norm = " ".join(_direct(header))
    if "?" in str(header) or len(normalise_header(header).split()) > 4:
        return None
    return next((dim for dim, words in _GROUP_HEADERS if _words(words).search(norm)), None)


def _enps_scale(header: str, cells: list[str]) -> str | None:
    """Wording first ("(1-10)", "de 1 à 10" -> 1-10; "0-10", "de 0 à 10" -> 0-10; "sur 10" alone says nothing);
    else "0-10" when a 0 is seen; "1-10" only when at least 30 answers are seen and none is below 1 (a small
    0-10 survey where nobody answered 0 is not evidence of a 1-10 scale); else "0-10", the standard."""
    norm = normalise_header(header)
    if re.search(r"\b0 (?:a |to )?10\b", norm):
        return "0-10"
    if re.search(r"\b1 (?:a |to )?10\b", norm):
        return "1-10"
    values = [v for v in (likert_value(c) for c in cells) if v is not None]
    if not values:
        return None
    return "1-10" if len(values) >= MIN_ANSWERS_FOR_OBSERVED_SCALE and min(values) >= 1 else "0-10"


MIN_ANSWERS_FOR_OBSERVED_SCALE = 30


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
        for column in (_resolve_column(v, columns) for v in _as_list(value)):
            if kind not in ("identifier", "ignore") and _is_identifier(column, _cells(sample, column)):
                raise MappingError(f"column {column!r} holds respondent identifiers and is never stored")
            _not_twice(column, columns_done)
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


def _is_wave_header(column: str) -> bool:
    norm = normalise_header(column)
    return len(norm.split()) <= 3 and "?" not in str(column) and bool(_WAVE_HEADER.search(norm))


def _pick_date(columns: list[str]) -> str | None:
    ranked = [(_DATE_PREFERENCE.index(v), i, c) for i, c in enumerate(columns)
              for v in _direct(c) if v in _DATE_PREFERENCE]
    return min(ranked)[2] if ranked else None


def _classify(result: SurveyMapping, column: str, cells: list[str], decided: set[str]) -> None:
    """Put one column (not decided by the user) in its place."""
    norm = normalise_header(column)
    dimension = _group_dimension(column)
    if "enps" not in decided and result.enps is None and _ENPS_HEADER.search(norm):
        result.enps = column
    elif _is_wave_header(column):
        if "wave" in decided or result.wave is not None:
            result.ignored.append(column)  # wave cleared by the user, or a second wave column
        else:
            result.wave = column
    elif dimension:
        taken = set(result.groups.values())
        result.groups[column] = dimension if dimension not in taken else norm
    elif _is_likert(cells):
        result.questions.append(column)
    elif _DATE_WORDS.search(norm) and len(norm.split()) <= 4:
        result.ignored.append(column)  # another timestamp, e.g. 'Last modified time'
    elif _is_comment(column, cells):
        result.comments.append(column)
    elif _is_categorical(cells) and norm not in result.groups.values():
        result.groups[column] = norm
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
    stamps = [c for c in free if _pick_date([c]) and not _ENPS_HEADER.search(normalise_header(c))]
    if "date" not in decided:
        result.date = _pick_date(stamps)
    for column in free:
        if column in stamps:
            if column != result.date:
                result.ignored.append(column)  # a second timestamp (e.g. Start time beside Completion time)
            continue
        _classify(result, column, _cells(sample, column), decided)
    if result.enps:
        result.enps_scale = _enps_scale(result.enps, _cells(sample, result.enps))
    return result


# --------------------------------------------------------------------------- stages

HUBSPOT_STAGE_IDS: dict[str, str] = {
    "appointmentscheduled": "Appointment scheduled",
    "qualifiedtobuy": "Qualified to buy",
    "presentationscheduled": "Presentation scheduled",
    "decisionmakerboughtin": "Decision maker bought-in",
    "contractsent": "Contract sent",
    "closedwon": "Closed won",
    "closedlost": "Closed lost",
}

WON_NAMES = ("won", "closed won", "win", "gagne", "gagnee", "signe", "signee", "conclue gagnee", "fermee gagnee",
             "closed won paid", "deal won", "affaire gagnee")
LOST_NAMES = ("lost", "closed lost", "perdu", "perdue", "abandonne", "abandonnee", "closed lost", "disqualified",
              "disqualifie", "disqualifiee", "conclue perdue", "fermee perdue", "deal lost", "affaire perdue")
_WON_WORDS = re.compile(r"\b(?:won(?! t\b)|gagne|gagnee|signe|signee)\b")
_LOST_WORDS = re.compile(r"\b(?:lost|perdu|perdue|abandonne|abandonnee|disqualified|disqualifie|disqualifiee)\b")
_STATUS_OPEN = {"open", "ouvert", "ouverte", "en cours", "active", "actif", "in progress"}


def stage_label(raw: str) -> str:
    """Stage as shown to the user: HubSpot internal ids become labels ('closedwon' -> 'Closed won'); trimmed."""
    if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
        return ""
    text = " ".join(str(raw).split())
    return HUBSPOT_STAGE_IDS.get(text.lower(), text)


def status_value(raw) -> str | None:
    """Outcome named by a status cell or a stage name: "open" | "won" | "lost" | None (unknown, e.g. blank)."""
    norm = normalise_header(stage_label(raw))
    if not norm:
        return None
    if norm in LOST_NAMES or _LOST_WORDS.search(norm):
        return "lost"
    if norm in WON_NAMES or _WON_WORDS.search(norm):
        return "won"
    return "open" if norm in _STATUS_OPEN else None


@dataclass
class StageConfig:
    """Stages of one pipeline: ordered open stages with their default probability, and the won/lost names."""
    pipeline: str
    open_stages: list[tuple[str, float]]   # ordered (label, default probability 0..1)
    won: list[str]
    lost: list[str]
    source: str                            # "known:hubspot" | "known:salesforce" | "probabilities" | ...

    def status_of(self, stage: str) -> str:
        """ "won" / "lost" when the stage is one of those names, else "open" (compared after normalise_header)."""
        norm = normalise_header(stage_label(stage))
        if norm in {normalise_header(s) for s in self.won}:
            return "won"
        if norm in {normalise_header(s) for s in self.lost}:
            return "lost"
        return "open"


@dataclass(frozen=True)
class StageTemplate:
    """A CRM's default stages; each stage is (English names, French names, probability)."""
    name: str
    open_stages: tuple[tuple[tuple[str, ...], tuple[str, ...], float], ...]
    won: tuple[tuple[str, ...], tuple[str, ...]]
    lost: tuple[tuple[str, ...], tuple[str, ...]]
    source: str


KNOWN_PIPELINES: list[StageTemplate] = [
    StageTemplate("hubspot", (
        (("Appointment scheduled",), ("Rendez-vous programmé", "Rendez-vous planifié"), 0.2),
        (("Qualified to buy",), ("Qualifié pour acheter",), 0.4),
        (("Presentation scheduled",), ("Présentation programmée", "Présentation planifiée"), 0.6),
        (("Decision maker bought-in",), ("Décideur convaincu", "Décisionnaire acquis"), 0.8),
        (("Contract sent",), ("Contrat envoyé",), 0.9),
    ), (("Closed won",), ("Conclue gagnée", "Fermée gagnée")), (("Closed lost",), ("Conclue perdue", "Fermée perdue")),
        "known:hubspot"),
    StageTemplate("salesforce", (
        (("Prospecting",), ("Prospection",), 0.1),
        (("Qualification",), ("Qualification",), 0.1),
        (("Needs Analysis",), ("Analyse des besoins",), 0.2),
        (("Value Proposition",), ("Proposition de valeur",), 0.5),
        (("Id. Decision Makers", "Identify Decision Makers"), ("Identification des décideurs",), 0.6),
        (("Perception Analysis",), ("Analyse de perception",), 0.7),
        (("Proposal/Price Quote",), ("Proposition/Devis",), 0.75),
        (("Negotiation/Review",), ("Négociation/Révision",), 0.9),
    ), (("Closed Won",), ("Fermée gagnée",)), (("Closed Lost",), ("Fermée perdue",)), "known:salesforce"),
    StageTemplate("pipedrive", (
        (("Lead In",), ("Prospect entrant",), 0.1),
        (("Qualified",), ("Qualifié",), 0.2),
        (("Contact Made",), ("Contact établi",), 0.4),
        (("Demo Scheduled",), ("Démo planifiée",), 0.6),
        (("Proposal Made",), ("Proposition faite",), 0.8),
        (("Negotiations Started",), ("Négociations commencées",), 0.9),
    ), ((), ()), ((), ()), "known:pipedrive (even ramp)"),
]


def _distinct_labels(stages_seen) -> list[str]:
    labels = (stage_label(s) for s in stages_seen or [])
    return list(dict.fromkeys(s for s in labels if s))


def _names(group: tuple[tuple[str, ...], tuple[str, ...]]) -> set[str]:
    return {normalise_header(n) for names in group for n in names}


def _template_names(template: StageTemplate) -> set[str]:
    stages = {normalise_header(n) for en, fr, _ in template.open_stages for n in en + fr}
    return stages | _names(template.won) | _names(template.lost)


def _template_score(template: StageTemplate, seen: list[str]) -> tuple[int, int]:
    """(stages of this template seen, seen stages accounted for: template or generic won/lost)."""
    names = _template_names(template)
    specific = sum(normalise_header(s) in names for s in seen)
    generic = sum(normalise_header(s) not in names and status_value(s) in ("won", "lost") for s in seen)
    return specific, specific + generic


def _language(template: StageTemplate, seen_norm: set[str]) -> int:
    """0 for English, 1 for French: whichever has more of the seen stages (English on a tie)."""
    groups = [(en, fr) for en, fr, _ in template.open_stages] + [template.won, template.lost]
    counts = [sum(normalise_header(n) in seen_norm for g in groups for n in g[lang]) for lang in (0, 1)]
    return 1 if counts[1] > counts[0] else 0


def _pick_name(names_by_lang: tuple[tuple[str, ...], tuple[str, ...]], seen: dict[str, str], lang: int) -> str | None:
    """The spelling seen in the data if any, else the template's name in the data's language."""
    for names in (names_by_lang[lang], names_by_lang[1 - lang]):
        for name in names:
            if normalise_header(name) in seen:
                return seen[normalise_header(name)]
    names = names_by_lang[lang] or names_by_lang[1 - lang]
    return names[0] if names else None


def _outcome_names(group: tuple[tuple[str, ...], tuple[str, ...]], seen: list[str], lang: int) -> list[str]:
    """Every seen spelling of the template's won (or lost) names, else its name in the data's language."""
    names = _names(group)
    found = [s for s in seen if normalise_header(s) in names]
    default = _pick_name(group, {}, lang)
    return found or ([default] if default else [])


def _build_known(template: StageTemplate, pipeline: str, seen: list[str]) -> StageConfig:
    by_norm = {normalise_header(s): s for s in seen}
    lang = _language(template, set(by_norm))
    open_stages = [(_pick_name((en, fr), by_norm, lang), p) for en, fr, p in template.open_stages]
    won = _outcome_names(template.won, seen, lang)
    lost = _outcome_names(template.lost, seen, lang)
    names = _template_names(template)
    for stage in (s for s in seen if normalise_header(s) not in names):
        outcome = status_value(stage)
        if outcome in ("won", "lost"):
            (won if outcome == "won" else lost).append(stage)
        else:
            open_stages.append((stage, open_stages[-1][1]))  # unknown stage: after the known ones
    return StageConfig(pipeline, open_stages, won, lost, template.source)


def known_stage_config(pipeline: str, stages_seen: list[str]) -> StageConfig | None:
    """The CRM's default stage configuration (HubSpot, Salesforce, Pipedrive; EN or FR) when most stages seen
    belong to it, using the spellings seen; stages seen that the template lacks are appended as open stages
    (or as won/lost for generic won/lost names). None when no template fits."""
    seen = _distinct_labels(stages_seen)
    best, best_key = None, (0, 0)
    for template in KNOWN_PIPELINES:
        specific, covered = _template_score(template, seen)
        fits = covered > len(seen) / 2 and (specific >= 2 or (specific == 1 and covered == len(seen)))
        if fits and (covered, specific) > best_key:
            best, best_key = template, (covered, specific)
    return _build_known(best, pipeline, seen) if best else None


def _ramp(count: int) -> list[float]:
    """Even ramp of default probabilities from 10 % to 90 % (a single stage gets 50 %)."""
    if count == 1:
        return [0.5]
    return [round(0.1 + 0.8 * i / (count - 1), 4) for i in range(count)]


def _covers(values: dict[str, float] | None, stages: list[str]) -> dict[str, float] | None:
    """The values keyed by normalised stage, when every open stage has one."""
    clean = {normalise_header(stage_label(k)): float(v) for k, v in (values or {}).items()
             if v is not None and not pd.isna(v)}
    return clean if stages and all(normalise_header(s) in clean for s in stages) else None


def infer_stage_config(pipeline: str, stages_seen: list[str], mean_probability_by_stage: dict[str, float] | None,
                       median_entry_rank: dict[str, float] | None) -> StageConfig:
    """Stage configuration of an unknown pipeline. Won/lost from generic names (won, gagné, signé, lost, perdu,
    abandonné, disqualified...). Open stages ordered by mean exported probability when every open stage has one
    and they differ (each stage then defaults to that mean); else by median entry rank; else first-seen order,
    with an even ramp of probabilities from 10 % to 90 %."""
    seen = _distinct_labels(stages_seen)
    won = [s for s in seen if status_value(s) == "won"]
    lost = [s for s in seen if status_value(s) == "lost"]
    stages = [s for s in seen if s not in won and s not in lost]
    first = {normalise_header(s): i for i, s in enumerate(stages)}
    probs = _covers(mean_probability_by_stage, stages)
    ranks = _covers(median_entry_rank, stages)
    if probs and len({probs[normalise_header(s)] for s in stages}) > 1:
        scale = 100.0 if max(probs.values()) > 1 else 1.0
        tie = ranks or first
        stages.sort(key=lambda s: (probs[normalise_header(s)], tie[normalise_header(s)]))
        open_stages = [(s, min(max(probs[normalise_header(s)] / scale, 0.0), 1.0)) for s in stages]
        return StageConfig(pipeline, open_stages, won, lost, "probabilities")
    if ranks:
        stages.sort(key=lambda s: (ranks[normalise_header(s)], first[normalise_header(s)]))
    source = "entry dates" if ranks else "first seen"
    return StageConfig(pipeline, list(zip(stages, _ramp(len(stages)), strict=True)), won, lost, source)

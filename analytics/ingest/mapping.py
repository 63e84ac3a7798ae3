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
from dataclasses import dataclass, field

from analytics.store.schema import LOSS_REASON_ATTRIBUTE, RESERVED_ATTRIBUTES
from analytics.text import normalise_header

DEAL_FIELDS = ("deal_id", "name", "pipeline", "stage", "status", "amount", "currency", "owner",
               "created_on", "close_on", "probability", "forecast_category", "loss_reason")
# Deal fields stored as a deal attribute under a reserved name (no column of deal_snapshots): field -> attribute.
ATTRIBUTE_FIELDS = {"loss_reason": LOSS_REASON_ATTRIBUTE}
ONE_ON_ONE_FIELDS = ("manager", "employee", "met_on", "duration_minutes")
HISTORY_FIELDS = ("deal_id", "stage", "from_stage", "changed_on", "amount", "close_on", "probability")
HISTORY_EVENT_FIELD = "event"  # extra key of map_history_columns for 'Field / Event' style history reports

KINDS = ("deals", "survey", "one_on_ones", "stage_history")


class MappingError(ValueError):
    """A mapping the user asked for cannot be applied (one-line message)."""


# --------------------------------------------------------------------------- headers


_PREFIX = re.compile(r"^(deal|affaire|opportunity|opportunite|transaction) (?=\S)")


def _split_camel(header: str) -> str:
    """'StageName' -> 'Stage Name', 'EmployeeID' -> 'Employee ID'."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(header))
    return re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", " ", text)


@functools.lru_cache(maxsize=4096)
def header_variants(header: str) -> tuple[str, ...]:
    """Normalised forms of a header: as is, then with CamelCase split ('StageName' -> 'stage name')."""
    forms = [normalise_header(header), normalise_header(_split_camel(header))]
    return tuple(dict.fromkeys(f for f in forms if f))


@functools.lru_cache(maxsize=4096)
def prefixless_variants(header: str) -> tuple[str, ...]:
    """Normalised forms without a 'Deal - ' / 'Affaire - ' / 'Opportunity ' prefix."""
    forms = [_PREFIX.sub("", f) for f in header_variants(header)]
    return tuple(f for f in dict.fromkeys(forms) if f not in header_variants(header))


def word_pattern(text: str) -> re.Pattern:
    """Regex matching any of the '|'-separated words as whole words of a normalised header."""
    return re.compile(rf"\b(?:{text})\b")


def column_signature(columns: list[str]) -> str:
    """Stable hash of the normalised, sorted header list: same columns (any order, any case) -> same signature."""
    text = "\n".join(sorted(normalise_header(c) for c in columns))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def resolve_column(column: str, columns: list[str]) -> str:
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
                      "deal record id", "do not modify opportunity", "item id")),  # Dynamics 365, monday.com
    "name": _Spec(("deal name", "opportunity name", "title", "nom de l affaire", "nom de l opportunite",
                   "nom de la transaction", "titre", "name", "nom", "opportunite", "opportunity", "deal",
                   "affaire", "intitule", "libelle", "topic")),
    "pipeline": _Spec(("pipeline", "deal pipeline", "pipeline name", "nom du pipeline", "pipeline de vente",
                       "sales pipeline"), "pipeline", r"id|stage|etape|entered|entree|time|temps"),
    "stage": _Spec(("deal stage", "stage", "stage name", "sales stage", "etape", "etape de la transaction",
                    "etape de l affaire", "etape de vente", "phase de la transaction", "phase de l affaire",
                    "phase", "to stage", "pipeline phase"),
                   "stage|etape|phase",
                   r"id|duration|duree|date|entered|entree|exited|age|time|temps|last|derniere|previous|precedente"
                   r"|prev|from|change|history|probability|probabilite|days|jours"),
    "status": _Spec(("status", "statut", "deal status", "statut de l affaire", "statut de la transaction", "etat",
                     "etat de l affaire", "outcome", "resultat"), "status|statut", r"lead|id|date|time"),
    "amount": _Spec(("amount in company currency", "montant dans la devise de l entreprise", "amount converted",
                     "montant converti", "amount", "deal amount", "opportunity amount", "value", "deal value",
                     "montant", "valeur", "montant de l affaire", "montant de la transaction", "deal size",
                     "revenue", "close value", "contract value", "total amount", "montant total",
                     "chiffre d affaires", "expected revenue", "est revenue", "estimated revenue", "revenu espere",
                     "revenu attendu"),  # Odoo's and Dynamics 365's deal value (their weighted one is "prorated")
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
                       "date de l affaire conclue", "heure de gain", "date de perte", "heure de perte", "close date",
                       "closed date", "closing date", "date de cloture",
                       "date de fermeture", "cloture le", "date de conclusion", "expected close date",
                       "expected close", "expected closing date", "date de cloture prevue",
                       "date de cloture estimee", "date de conclusion prevue",
                       "est close date", "estimated close date", "expected closing", "fermeture prevue",
                       "date de fermeture prevue", "cloture prevue"),
                      "close|closing|cloture|fermeture",
                      r"id|by|par|reason|raison|motif|probability|probabilite|value|valeur|amount|montant"),
    "probability": _Spec(("probability", "deal probability", "probabilite", "win probability",
                          "probabilite de gain", "probabilite de la transaction", "probabilite de conclusion",
                          "probabilite de l affaire"), "probability|probabilite", r"forecast|prevision|historical"),
    "forecast_category": _Spec(("forecast category", "forecast category name", "categorie de prevision",
                                "categorie de previsions", "categorie prevision", "forecast"),
                               "forecast|prevision", r"probability|probabilite|amount|montant|date"),
    # Salesforce Loss_Reason__c / LossReason__c, HubSpot "Closed lost reason", Pipedrive "Lost reason"; French
    "loss_reason": _Spec(("closed lost reason", "loss reason", "lost reason", "loss reason c", "lost reason c",
                          "reason lost", "reason for loss", "loss reason name", "motif de perte", "raison de la perte",
                          "raison perdu", "raison de perte", "motif de la perte", "motif perte", "raison perte",
                          "raison de l echec", "motif d echec"),
                         r"loss reason|lost reason|motif de perte|raison de la perte|raison perdu|raison de perte"
                         r"|motif de la perte", r"id|date|time"),
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
            forced[name] = resolve_column(column, columns)
            not_twice(forced[name], used)
            used.add(forced[name])
    return forced, decided, used


def not_twice(column: str, used: set[str]) -> None:
    if column in used:
        raise MappingError(f"column {column!r} is mapped twice; a column can feed only one field")


def _exact_rank(spec: _Spec, column: str, tier: int) -> int | None:
    """Index of the best synonym the column matches; tier 0 = as is / CamelCase, tier 1 = prefix removed."""
    forms = header_variants(column) if tier == 0 else prefixless_variants(column)
    ranks = [spec.synonyms.index(f) for f in forms if f in spec.synonyms]
    return min(ranks) if ranks else None


def _synonym_rank(spec: _Spec, column: str) -> int | None:
    """Best synonym index over both tiers (with or without a 'Deal - ' prefix)."""
    ranks = [r for r in (_exact_rank(spec, column, 0), _exact_rank(spec, column, 1)) if r is not None]
    return min(ranks, default=None)


def _contains(spec: _Spec, column: str) -> bool:
    norm = " ".join(header_variants(column))
    if not spec.contains or not word_pattern(spec.contains).search(norm):
        return False
    return not (spec.unless and word_pattern(spec.unless).search(norm))


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


# How a field's column was found (``DealMapping.how``), strongest first: the plan's evidence codes.
MATCH_TIERS = ("known_header", "known_header_prefixed", "header_word", "close_spelling")


def _match_fields(columns, specs: dict[str, _Spec], decided: set[str], used: set[str],
                  how: dict[str, str] | None = None) -> dict[str, str]:
    """Automatic matching, tier by tier, one column per field, most specific synonym first; ``how`` receives
    each field's tier (MATCH_TIERS)."""
    found: dict[str, str] = {}
    how = {} if how is None else how

    def pick(tier: str, score) -> None:
        for name, spec in specs.items():
            if name in decided or name in found:
                continue
            scored = [(score(spec, c), i, c) for i, c in enumerate(columns) if c not in used]
            scored = [s for s in scored if s[0] is not None]
            if scored:
                best = min(scored, key=lambda s: (s[0], s[1]))[2]
                found[name] = best
                how[name] = tier
                used.add(best)

    pick("known_header", lambda spec, c: _exact_rank(spec, c, 0))
    pick("known_header_prefixed", lambda spec, c: _exact_rank(spec, c, 1))
    pick("header_word", lambda spec, c: len(normalise_header(c)) if _contains(spec, c) else None)
    pick("close_spelling", lambda spec, c: -_close_spelling(spec, c) if _close_spelling(spec, c) else None)
    return found


def _map(columns, specs, fields, overrides, skip=(), how: dict[str, str] | None = None
         ) -> tuple[dict[str, str], set[str]]:
    """Overrides then automatic matching -> (field -> column in `fields` order, fields forced by the user).
    ``how`` receives, per field, "user" or the automatic tier that found it."""
    columns = [c for c in columns if c not in set(skip)]
    forced, decided, used = _apply_overrides(overrides, columns, fields)
    how = {} if how is None else how
    how.update({name: "user" for name in forced})
    found = {**forced, **_match_fields(columns, specs, decided, used, how)}
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
    how: dict[str, str] = field(default_factory=dict)           # field -> "user" or a MATCH_TIERS code


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


_EXTRA_WORDS = word_pattern(
    r"source|sources|segment|region|country|pays|industry|industrie|secteur|product|products|produit|produits"
    r"|type|team|equipe|territory|territoire|size|taille|effectif|employees|business unit|bu|channel|canal"
    r"|market|marche|vertical|campaign|campagne|origine|origin|label|etiquette|tag|tags|account|compte|company"
    r"|entreprise|societe|organization|organisation|client|customer|fiscal period|periode fiscale|division"
    r"|department|departement|category|categorie|gamme|offre|offer|plan|tier|priority|priorite|reason|raison"
    r"|motif")
_NOT_EXTRA = word_pattern(
    r"id|ids|identifiant|description|note|notes|comment|comments|commentaire|commentaires|next step"
    r"|prochaine etape|details|remarque|remarques|date|time|heure|created|modified|modifie|updated|last|derniere"
    r"|email|mail|phone|telephone|url|website|site web|owner|proprietaire|annual revenue|duration|duree|age"
    r"|amount|montant|value|valeur|currency|devise|probability|probabilite|weighted|pondere")


def _is_extra(column: str) -> bool:
    norm = " ".join(header_variants(column))
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
    forced_columns = {resolve_column(c, columns) for c in (overrides or {}).values() if c}
    entered = {c: entered_stage_label(c) for c in columns if entered_stage_label(c) and c not in forced_columns}
    how: dict[str, str] = {}
    fields, forced = _map(columns, DEAL_SPECS, DEAL_FIELDS, overrides, skip=entered, how=how)
    _pair_currency(columns, fields, forced)
    fields = {f: fields[f] for f in DEAL_FIELDS if f in fields}
    fallbacks = _close_fallbacks(columns, fields, forced, entered)
    taken = set(fields.values()) | set(entered) | set(fallbacks)
    extras = [c for c in columns if c not in taken and _is_extra(c) and c not in RESERVED_ATTRIBUTES]
    ignored = [c for c in columns if c not in taken and c not in extras]
    return DealMapping(fields, entered, extras, ignored, fallbacks, {f: how.get(f, "known_header") for f in fields})


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

ENPS_HEADER = re.compile(r"recommand|recommend|\benps\b|net promoter")
_SURVEY_STAMPS = {"timestamp", "horodateur", "horodatage", "start time", "completion time", "heure de debut",
                  "heure de fin", "submitted at", "submit date utc", "submit date", "start date utc", "start date",
                  "end date", "respondent id", "collector id", "response id", "network id", "date de soumission"}
_HISTORY_STRONG = {"from opportunity stage name", "from stage", "prev amount", "prev close date", "previous stage",
                   "old value", "ancienne valeur", "etape precedente"}
_HISTORY_WEAK = {"last modified", "edit date", "changed on", "change date", "date de modification", "modifie le"}


def _has(columns, names: set[str]) -> bool:
    return any(v in names for c in columns for v in header_variants(c))


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
    if any(ENPS_HEADER.search(normalise_header(c)) for c in columns):
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


# --------------------------------------------------------------------------- stages



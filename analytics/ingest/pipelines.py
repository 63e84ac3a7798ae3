"""Stages and statuses: the pipelines CRMs ship with, status words (EN/FR), and the inferred stage order.

A pipeline whose stage names match a known CRM pipeline (HubSpot, Salesforce, Pipedrive, in English or French)
takes that pipeline's order and probabilities; any other gets the order of the stages seen and a probability
ramp, unless the file gives probabilities per stage."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analytics.text import normalise_header

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

"""Stages and statuses: the pipelines CRMs ship with, status words (EN/FR), and how evidence orders stages.

Pure functions (no database): ``fit_template`` says what a known CRM pipeline (HubSpot, Salesforce, Pipedrive,
in English or French) tells about the stages seen (the order and probabilities of those it has; it never adds
one no deal is in); ``rank_stages`` orders stages from layers of pairwise evidence, strongest first, and says
which layer decided each step. ``analytics.ingest.stage_config`` gathers the evidence and stores the result."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
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
              "disqualifie", "disqualifiee", "conclue perdue", "fermee perdue", "deal lost", "affaire perdue",
              "abandoned", "cancelled", "canceled", "annule", "annulee")  # Copper, Dynamics 365, Axonaut


_WON_WORDS = re.compile(r"\b(?:won(?! t\b)|gagne|gagnee|signe|signee)\b")


_LOST_WORDS = re.compile(r"\b(?:lost|perdu|perdue|abandonne|abandonnee|disqualified|disqualifie|disqualifiee"
                         r"|abandoned|cancelled|canceled|annule|annulee)\b")


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
    source: str                            # "template:hubspot" | "entry_dates" | "first_seen" | ... (stage_config)

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

    @property
    def code(self) -> str:
        """Source code of an order this template decided: "template:hubspot"."""
        return f"template:{self.name}"


@dataclass(frozen=True)
class TemplateFit:
    """What a known template says about the stages seen: ``order``, its open stages that were seen, in its order
    and spelled as seen, with their default ``probabilities``; ``dropped``, its stages no deal is in (open, won
    and lost, named in the data's language), which are never added to a configuration."""
    template: StageTemplate
    order: list[str]
    probabilities: dict[str, float]
    dropped: list[str]

    @property
    def code(self) -> str:
        return self.template.code


KNOWN_PIPELINES: list[StageTemplate] = [
    StageTemplate("hubspot", (
        (("Appointment scheduled",), ("Rendez-vous programmé", "Rendez-vous planifié"), 0.2),
        (("Qualified to buy",), ("Qualifié pour acheter",), 0.4),
        (("Presentation scheduled",), ("Présentation programmée", "Présentation planifiée"), 0.6),
        (("Decision maker bought-in",), ("Décideur convaincu", "Décisionnaire acquis"), 0.8),
        (("Contract sent",), ("Contrat envoyé",), 0.9),
    ), (("Closed won",), ("Conclue gagnée", "Fermée gagnée")), (("Closed lost",), ("Conclue perdue", "Fermée perdue"))),
    StageTemplate("salesforce", (
        (("Prospecting",), ("Prospection",), 0.1),
        (("Qualification",), ("Qualification",), 0.1),
        (("Needs Analysis",), ("Analyse des besoins",), 0.2),
        (("Value Proposition",), ("Proposition de valeur",), 0.5),
        (("Id. Decision Makers", "Identify Decision Makers"), ("Identification des décideurs",), 0.6),
        (("Perception Analysis",), ("Analyse de perception",), 0.7),
        (("Proposal/Price Quote",), ("Proposition/Devis",), 0.75),
        (("Negotiation/Review",), ("Négociation/Révision",), 0.9),
    ), (("Closed Won",), ("Fermée gagnée",)), (("Closed Lost",), ("Fermée perdue",))),
    StageTemplate("pipedrive", (
        (("Lead In",), ("Prospect entrant",), 0.1),
        (("Qualified",), ("Qualifié",), 0.2),
        (("Contact Made",), ("Contact établi",), 0.4),
        (("Demo Scheduled",), ("Démo planifiée",), 0.6),
        (("Proposal Made",), ("Proposition faite",), 0.8),
        (("Negotiations Started",), ("Négociations commencées",), 0.9),
    ), ((), ()), ((), ())),  # Pipedrive: an even ramp; won/lost come from the status column
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


def fit_template(stages_seen) -> TemplateFit | None:
    """The known CRM template (HubSpot, Salesforce, Pipedrive; EN or FR) most of the stages seen belong to, with
    its seen open stages in its order; None when none fits. Its stages no deal is in are listed, never added."""
    seen = _distinct_labels(stages_seen)
    best, best_key = None, (0, 0)
    for template in KNOWN_PIPELINES:
        specific, covered = _template_score(template, seen)
        fits = covered > len(seen) / 2 and (specific >= 2 or (specific == 1 and covered == len(seen)))
        if fits and (covered, specific) > best_key:
            best, best_key = template, (covered, specific)
    if best is None:
        return None
    by_norm = {normalise_header(s): s for s in seen}
    lang = _language(best, set(by_norm))
    order, probabilities, dropped = [], {}, []
    for en, fr, probability in best.open_stages:
        found = [by_norm[normalise_header(n)] for n in en + fr if normalise_header(n) in by_norm]
        if found:
            order.append(found[0])
            probabilities[found[0]] = probability
        else:
            dropped.append(_pick_name((en, fr), {}, lang))
    for group in (best.won, best.lost):
        if group[0] + group[1] and not _names(group) & set(by_norm):
            dropped.append(_pick_name(group, {}, lang))
    return TemplateFit(best, order, probabilities, dropped)


def split_outcomes(stages: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(open, won, lost) stages, each in the given order; won and lost by their names (status_value)."""
    outcome = {s: status_value(s) for s in stages}
    return ([s for s in stages if outcome[s] not in ("won", "lost")], [s for s in stages if outcome[s] == "won"],
            [s for s in stages if outcome[s] == "lost"])


def known_stage_config(pipeline: str, stages_seen: list[str]) -> StageConfig | None:
    """The stage configuration a known CRM template gives the stages seen, or None when no template fits: its
    stages that were seen in its order with its probabilities (none added that no deal is in); seen stages it
    lacks are won/lost by name, else open, placed by what their names say (``name_votes``) then as first seen.
    ``analytics.ingest.stage_config.plan_stages`` also weighs the data's evidence."""
    fit = fit_template(stages_seen)
    if fit is None:
        return None
    open_stages, won, lost = split_outcomes(_distinct_labels(stages_seen))
    ranking = rank_stages(open_stages, [(fit.code, lambda: order_votes(fit.order)),
                                        ("known_names", lambda: name_votes(open_stages))])
    probabilities = fill_probabilities(ranking.order, fit.probabilities)
    return StageConfig(pipeline, [(s, probabilities[s]) for s in ranking.order], won, lost, fit.code)


# --- the order of a pipeline's stages from layers of evidence -----------------------------------------------

Votes = dict[tuple[str, str], float]   # (a, b) -> weight of the evidence that a comes before b
Layer = tuple[str, Callable[[], Votes]]  # (source code, the votes, computed only when needed)
NAME_GAP = 0.25  # name_votes: how far apart two stages must stand in the templates to be ordered by their names


@dataclass(frozen=True)
class Ranking:
    """Stages in order; ``decided_by[i]`` is the source code of the strongest layer that puts ``order[i]``
    before ``order[i + 1]`` (directly or through other stages), "first_seen" when no layer orders them."""
    order: list[str]
    decided_by: list[str]


def rank_stages(stages: list[str], layers: list[Layer]) -> Ranking:
    """Order ``stages`` (given in first-seen order) by layers of pairwise votes, the strongest layer first.

    Ranked pairs (Tideman): within a layer, the margin of a pair is votes(a before b) - votes(b before a); pairs
    are locked from the largest margin down (ties: in first-seen order), skipping a pair that contradicts what
    is locked already (by this layer or a stronger one), so a weaker layer only orders what the stronger ones
    left open, and a few contrary votes never outweigh more votes the other way. The order is then the
    topological order of the locked pairs that takes the earliest-seen stage whenever several may come next
    (first seen is the last tie-break). Layers are computed lazily: none once every pair is ordered.
    """
    index = {s: i for i, s in enumerate(stages)}
    after: dict[str, set[str]] = {s: set() for s in stages}   # transitive: the stages locked after each stage
    decided: dict[tuple[str, str], str] = {}
    for code, votes_of in layers:
        if sum(len(v) for v in after.values()) == len(stages) * (len(stages) - 1) // 2:
            break
        for a, b in _by_margin(votes_of(), index):
            if a in after[b] or b in after[a]:
                continue   # contradicts what is locked, or follows from it already
            for x in [a, *(s for s in stages if a in after[s])]:   # a and every stage before it
                for y in {b} | after[b]:                            # ... now come before b and what follows b
                    decided.setdefault((x, y), code)
                after[x] |= {b} | after[b]
    order: list[str] = []
    while len(order) < len(stages):
        left = [s for s in stages if s not in order]
        order.append(next(s for s in left if not any(s in after[x] for x in left)))   # left is in first-seen order
    return Ranking(order, [decided.get(pair, "first_seen") for pair in zip(order, order[1:], strict=False)])


def _by_margin(votes: Votes, index: dict[str, int]) -> list[tuple[str, str]]:
    """The pairs of known stages with a positive margin, the largest margin first (ties in first-seen order)."""
    margin = {(a, b): w - votes.get((b, a), 0.0) for (a, b), w in votes.items() if a in index and b in index}
    return sorted((pair for pair, m in margin.items() if m > 0 and pair[0] != pair[1]),
                  key=lambda p: (-margin[p], index[p[0]], index[p[1]]))


def order_votes(order: list[str]) -> Votes:
    """One vote for every pair of a known order (a template's, the stored configuration, the user's)."""
    return {(a, b): 1.0 for i, a in enumerate(order) for b in order[i + 1:]}


_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*(?:[-.):_/]|\s)\s*\S")


def number_votes(stages: list[str]) -> Votes:
    """The order the stages' names give when every one starts with its own number ('1 - Qualify', '2. Develop',
    '3) Propose'): one vote per pair, in number order; none when a stage has no number or two share one."""
    numbers = [_NUMBERED.match(s) for s in stages]
    if len(stages) < 2 or not all(numbers):
        return {}
    ranked = {s: int(m.group(1)) for s, m in zip(stages, numbers, strict=True)}
    if len(set(ranked.values())) < len(stages):
        return {}
    return order_votes(sorted(stages, key=ranked.get))


def name_votes(stages: list[str]) -> Votes:
    """Weak evidence from names: where a stage stands among the open stages of the first known template that
    names it (0 first … 1 last; 0.5 for a name no template has). 'Prospecting' (a first stage) comes before
    'Engaging' (unknown), which comes before 'Negotiation/Review' (a last stage); stages closer than
    ``NAME_GAP`` are not ordered by their names."""
    where = {normalise_header(n): i / max(len(t.open_stages) - 1, 1) for t in reversed(KNOWN_PIPELINES)
             for i, (en, fr, _) in enumerate(t.open_stages) for n in en + fr}
    at = {s: where.get(normalise_header(s), 0.5) for s in stages}
    return {(a, b): at[b] - at[a] for a in stages for b in stages if at[b] - at[a] >= NAME_GAP}


def value_votes(values: dict[str, float], gap: float = 0.0) -> Votes:
    """A before B when A's value (mean probability, share of complete deals…) is lower by more than ``gap``."""
    return {(a, b): vb - va for a, va in values.items() for b, vb in values.items() if vb - va > gap}


def fill_probabilities(order: list[str], known: dict[str, float]) -> dict[str, float]:
    """Default probability of each stage: the known ones (template, configuration, exported means) kept; the
    others interpolated between their neighbours in ``order`` (the nearest one's beyond the ends); an even
    10-90 % ramp when none is known."""
    if not known:
        return dict(zip(order, _ramp(len(order)), strict=True)) if order else {}
    points = [i for i, s in enumerate(order) if s in known]
    filled = np.interp(range(len(order)), points, [known[order[i]] for i in points])
    return {s: known[s] if s in known else round(float(p), 4) for s, p in zip(order, filled, strict=True)}


def _ramp(count: int) -> list[float]:
    """Even ramp of default probabilities from 10 % to 90 % (a single stage gets 50 %)."""
    if count == 1:
        return [0.5]
    return [round(0.1 + 0.8 * i / (count - 1), 4) for i in range(count)]

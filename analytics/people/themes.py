"""Comment themes and frequent phrases, offline, in English and French (docs/privacy.md, "Comments").

- **Themes**: a lexicon written here (THEMES: workload, management, pay, career, tools, culture, remote work,
  recognition, communication). A comment mentions a theme when its text, lower-cased with accents removed
  ("rémunération" = "remuneration"), holds one of the theme's words or phrases as whole words; an entry ending
  in ``*`` is a stem ("promot*" = promotion, promoted, promotions). count = comments that mention the theme (a
  comment counts once per theme, and may mention several themes).
- **Phrases**: two- and three-word phrases of consecutive kept words within a sentence (``survey.comment_words``:
  stop words and one-letter words break a phrase), never single words; count = comments containing the phrase;
  kept when at least two comments contain it; a two-word phrase is left out when a three-word phrase holding it
  is in as many comments.
- **Privacy**: only comments that ``survey.comments`` shows (the comment threshold applied to the selection, per
  wave) are counted; per group, a (wave, group) is counted only when the privacy rule shows that group's
  responses at the comment threshold, else the row is suppressed with its reason and no count. No respondent
  field is ever read. When the survey_comments setting hides comments, every function returns nothing.
"""
from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

import duckdb
import pandas as pd

from analytics.people import privacy, survey
from analytics.people.privacy import comment_threshold
from analytics.people.responses import GROUP_VALUES_SQL, NOT_GIVEN, group_key, responses_sql
from analytics.store.sql import Fragment
from analytics.text import normalise_header

THEMES: dict[str, tuple[str, ...]] = {
    "workload": ("workload", "work load", "overwork*", "overtime", "burnout", "burn out", "burned out", "too much work",
                 "understaff*", "deadline*", "pressure", "stress*", "exhaust*", "overload*", "long hours",
                 "charge de travail", "surcharge*", "surmenage", "heures sup*", "epuis*", "sous effectif",
                 "deborde*", "rythme", "pression", "delais", "trop de travail"),
    "management": ("manager*", "management", "my boss", "leadership", "supervisor*", "micromanag*", "team lead*",
                   "managers", "hierarchie", "encadrement", "chef*", "responsable*", "direction", "manageur*"),
    "pay": ("pay", "paid", "salary", "salaries", "wage*", "compensation", "bonus*", "pay rise", "raise*",
            "remuneration", "salaire*", "augmentation*", "prime*", "paie", "paye"),
    "career": ("career*", "promotion*", "promot*", "growth", "development", "training*", "mentor*",
               "progression", "carriere*", "evolution", "formation*", "montee en competence*", "perspective*"),
    "tools": ("tool*", "software", "laptop*", "computer*", "equipment", "crm", "it support", "outil*", "logiciel*",
              "ordinateur*", "materiel", "equipement*", "informatique", "appli*", "application*"),
    "culture": ("culture", "values", "atmosphere", "team spirit", "colleague*", "inclusion", "inclusive",
                "diversity", "respect*", "trust", "toxic", "ambiance", "valeurs", "esprit d equipe", "collegue*",
                "confiance", "bienveillan*"),
    "remote work": ("remote", "remotely", "work from home", "working from home", "wfh", "hybrid", "home office",
                    "commute*", "office days", "teletravail*", "a distance", "domicile", "hybride", "trajet*",
                    "jours au bureau"),
    "recognition": ("recogni*", "appreciat*", "thank*", "valued", "acknowledg*", "credit", "reconnaissance",
                    "reconnu*", "valoris*", "remercie*", "merci", "felicit*"),
    "communication": ("communicat*", "transparen*", "informed", "information", "announce*", "updates",
                      "meetings", "reunion*", "annonce*", "informe*", "echange*"),
}
THEME_ORDER = tuple(THEMES)


def _pattern(entries: tuple[str, ...]) -> re.Pattern:
    """One regex for a theme: whole words or phrases, ``*`` = any word ending."""
    parts = [re.escape(normalise_header(e.rstrip("*"))) + (r"\w*" if e.endswith("*") else "") for e in entries]
    return re.compile(r"\b(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")\b")


PATTERNS = {theme: _pattern(entries) for theme, entries in THEMES.items()}


def comment_themes(text: str) -> set[str]:
    """The themes one comment mentions (see the module)."""
    norm = normalise_header(text)
    return {theme for theme, pattern in PATTERNS.items() if pattern.search(norm)}


def comment_phrases(text: str) -> set[str]:
    """The distinct two- and three-word phrases of one comment (lower-case, accents kept)."""
    found: set[str] = set()
    for sentence in survey.SENTENCE_SPLIT.split(text):
        words = survey.comment_words(sentence)
        found.update(f"{a} {b}" for a, b in pairwise(words) if a and b)
        found.update(f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False) if a and b and c)
    return found


COLUMNS = ["wave", "theme", "comments"]


def theme_counts(con: duckdb.DuckDBPyConnection, wave: str | None = None, filters: dict | None = None,
                 k: int | None = None) -> pd.DataFrame:
    """One row per (wave, theme) mentioned at least once, from the comments ``survey.comments`` shows for the
    selection; waves chronological, themes in THEME_ORDER; comments = comments that mention the theme."""
    shown = survey.comments(con, wave, filters, k=k)
    counts: Counter = Counter()
    for wave_, text in zip(shown["wave"], shown["comment"], strict=True):
        counts.update((wave_, theme) for theme in comment_themes(text))
    order = {w: i for i, w in enumerate(dict.fromkeys(shown["wave"]))}
    rows = sorted(counts.items(), key=lambda item: (order[item[0][0]], THEME_ORDER.index(item[0][1])))
    return pd.DataFrame([{"wave": w, "theme": t, "comments": n} for (w, t), n in rows], columns=COLUMNS)


def top_phrases(con: duckdb.DuckDBPyConnection, wave: str | None = None, filters: dict | None = None,
                n: int = 12, k: int | None = None) -> pd.DataFrame:
    """One row per frequent phrase (two or three words), most frequent first, at most n: phrase, comments."""
    found: Counter = Counter()
    for text in survey.comments(con, wave, filters, k=k)["comment"]:
        found.update(comment_phrases(text))
    kept = {p: c for p, c in found.items() if c >= 2}
    longer = [p for p in kept if p.count(" ") == 2]
    kept = {p: c for p, c in kept.items()
            if p.count(" ") == 2 or not any(c == kept[q] and f" {p} " in f" {q} " for q in longer)}
    ranked = sorted(kept.items(), key=lambda pc: (-pc[1], -pc[0].count(" "), pc[0]))
    return pd.DataFrame(ranked[:n], columns=["phrase", "comments"])


GROUP_COLUMNS = ["wave", "group", "theme", "comments", "suppressed", "reason"]


def theme_counts_by_group(con: duckdb.DuckDBPyConnection, dimension: str, wave: str | None = None,
                          filters: dict | None = None, k: int | None = None) -> pd.DataFrame:
    """One row per (wave, group of ``dimension``, theme) for the selection's comments; a (wave, group) the privacy
    rule hides at the comment threshold gives one row with theme None, suppressed and its reason code."""
    if privacy.comments_hidden(con):
        return pd.DataFrame(columns=GROUP_COLUMNS)
    threshold = comment_threshold(con, k)
    query = Fragment.format(
        "WITH resp AS ({responses}), grp AS (SELECT import_id, response_no, value FROM ({groups}) "
        "WHERE dimension = {dimension}) SELECT resp.wave, coalesce(grp.value, {not_given}), c.comment "
        "FROM survey_comments c JOIN resp USING (import_id, response_no) LEFT JOIN grp USING (import_id, response_no) "
        "WHERE trim(c.comment) <> ''", responses=responses_sql(con, filters), groups=Fragment(GROUP_VALUES_SQL, []),
        dimension=Fragment("?", [dimension]), not_given=Fragment("?", [NOT_GIVEN]))
    by_cell: dict[tuple, Counter] = {}
    for wave_, group, text in con.execute(*query).fetchall():
        if wave is None or wave_ == wave:
            by_cell.setdefault((wave_, group), Counter()).update(comment_themes(text))
    people = privacy.population(con)
    chosen = people.members(filters)
    order = {w: i for i, w in enumerate(survey.survey_waves(con))}
    rows = []
    for wave_, group in sorted(by_cell, key=lambda c: (order.get(c[0], len(order)), group_key(c[1]))):
        inside = chosen & people.members(wave=wave_, dimension=dimension, group=group)
        reason = people.verdict(inside, privacy.RESPONDED, threshold)
        if reason:
            rows.append({"wave": wave_, "group": group, "theme": None, "comments": None, "suppressed": True,
                         "reason": reason})
            continue
        rows += [{"wave": wave_, "group": group, "theme": theme, "comments": n, "suppressed": False, "reason": None}
                 for theme, n in sorted(by_cell[(wave_, group)].items(), key=lambda tn: THEME_ORDER.index(tn[0]))]
    frame = pd.DataFrame(rows, columns=GROUP_COLUMNS)
    frame["comments"] = frame["comments"].astype("Int64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def themes_report(con: duckdb.DuckDBPyConnection) -> list[dict] | None:
    """``survey.comment_themes`` of ``report --json``: [{wave, theme, comments}] for everyone's shown comments;
    None when comments are hidden by the setting or no comment is shown."""
    if privacy.comments_hidden(con):
        return None
    counts = theme_counts(con)
    if counts.empty:
        return None
    return [{"wave": str(r["wave"]), "theme": str(r["theme"]), "comments": int(r["comments"])}
            for r in counts.to_dict("records")]

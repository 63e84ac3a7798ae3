"""The one translation layer: every visible string goes through ``t()``.

A single catalog module (not gettext): English strings are the keys, ``FR`` holds their French.
Chosen because the app is small, the catalog is reviewed in one place, and a test can check that
every string the pages pass to ``t()`` has a translation (tests/test_i18n.py).
"""
from __future__ import annotations

import threading

LANGUAGES = {"en": "English", "fr": "Français"}

# The language is per person: kept for the thread running this person's script (Streamlit runs each session's
# script in its own thread), and read from the session's state when a run did not set it (a fragment rerun).
# A module-level value would be shared by every session of the server: one user's French leaking into
# another's English page (tests/test_i18n.py renders two sessions in two threads at once).
_local = threading.local()


def set_language(lang: str) -> None:
    """Use this language for the rest of this script run (this thread only)."""
    _local.lang = lang if lang in LANGUAGES else "en"


def language() -> str:
    """The language of the current script run ('en' or 'fr'): this thread's, else its session's, else English."""
    lang = getattr(_local, "lang", None)
    if lang is None:
        lang = _session_language()
    return lang if lang in LANGUAGES else "en"


def _session_language() -> str | None:
    """The language kept in the Streamlit session of this thread's script run (None outside a run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return None
    value = ctx.session_state["lang"] if "lang" in ctx.session_state else None
    return value if isinstance(value, str) else None


def t(text: str, **values: object) -> str:
    """The text in the current language, with {placeholders} filled from ``values``."""
    translated = FR.get(text, text) if language() == "fr" else text
    return translated.format(**values) if values else translated


def missing_translations(texts: list[str]) -> list[str]:
    """Texts that have no French entry (used by the catalog test)."""
    return [text for text in texts if text not in FR]


FR: dict[str, str] = {
    # navigation and shell
    "Sales": "Ventes",
    "People": "Équipes",
    "Data": "Données",
    "Pipeline": "Pipeline",
    "Pipeline movement": "Mouvements du pipeline",
    "Forecast": "Prévision",
    "Engagement (eNPS)": "Engagement (eNPS)",
    "Pulse survey": "Enquête pulse",
    "1:1 meetings": "Entretiens individuels",
    "Import": "Importer",
    # the file uploader's own words (ui/uploader.py)
    "Choose files": "Choisir des fichiers",
    "{size} MB max. per file": "{size} Mo max. par fichier",
    "Settings": "Paramètres",
    "Language": "Langue",
    "Database: {name}": "Base de données : {name}",
    "Latest snapshot: {date}": "Dernier instantané : {date}",
    "No deals imported yet": "Aucune affaire importée",
    "You are looking at sample data (a fictional company). Import your own exports on the Import page.":
        "Vous consultez des données d'exemple (une entreprise fictive). Importez vos propres exports depuis la "
        "page Importer.",
    "Clear sample data": "Effacer l'exemple",
    "Sample data cleared.": "Données d'exemple effacées.",
    "Something went wrong: {error}": "Une erreur est survenue : {error}",
    "Database problem: {error}": "Problème de base de données : {error}",
    # backup (Settings page)
    "Backup": "Sauvegarde",
    "A consistent copy of the whole database: every import, setting and saved mapping. To restore it, stop the "
    "app and scheduled imports, put the file in place of {file}, and start the app again.":
        "Une copie cohérente de toute la base : chaque import, paramètre et correspondance enregistrée. Pour la "
        "restaurer, arrêtez l'application et les imports planifiés, mettez le fichier à la place de {file}, puis "
        "relancez l'application.",
    "Download database backup": "Télécharger une sauvegarde de la base",
}


def _merge_catalogs() -> None:
    """The French catalog is split by area (one module each) so pages can grow independently."""
    from ui.i18n import (
        auth,
        calls,
        charts,
        drivers,
        forecast,
        ingest,
        movement,
        people,
        priorities,
        sales,
        scorecards,
        voice,
    )

    for area in (sales, people, movement, priorities, forecast, auth, ingest, scorecards, drivers, voice, calls,
                 charts):
        FR.update(area.FR)


_merge_catalogs()

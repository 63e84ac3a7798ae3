"""The one translation layer: every visible string goes through ``t()``.

A single catalog module (not gettext): English strings are the keys, ``FR`` holds their French.
Chosen because the app is small, the catalog is reviewed in one place, and a test can check that
every string the pages pass to ``t()`` has a translation (tests/test_i18n.py).
"""
from __future__ import annotations

LANGUAGES = {"en": "English", "fr": "Français"}

_current = {"lang": "en"}


def set_language(lang: str) -> None:
    """Use this language for the rest of the script run."""
    _current["lang"] = lang if lang in LANGUAGES else "en"


def language() -> str:
    """The language of the current script run ('en' or 'fr')."""
    return _current["lang"]


def t(text: str, **values: object) -> str:
    """The text in the current language, with {placeholders} filled from ``values``."""
    translated = FR.get(text, text) if _current["lang"] == "fr" else text
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
    "Settings": "Paramètres",
    "Language": "Langue",
    "Database": "Base de données",
    "Latest snapshot": "Dernier instantané",
    "No deals imported yet": "Aucune affaire importée",
    "You are looking at sample data (a fictional company). Import your own exports on the Import page.":
        "Vous consultez des données d'exemple (une entreprise fictive). Importez vos propres exports depuis la "
        "page Importer.",
    "Clear sample data": "Effacer l'exemple",
    "Sample data cleared.": "Données d'exemple effacées.",
    "Something went wrong: {error}": "Une erreur est survenue : {error}",
    "The database is busy: {error}": "La base de données est occupée : {error}",
}


def _merge_catalogs() -> None:
    """The French catalog is split by area (one module each) so pages can grow independently."""
    from ui import i18n_movement, i18n_people, i18n_priorities, i18n_sales

    FR.update(i18n_sales.FR)
    FR.update(i18n_people.FR)
    FR.update(i18n_movement.FR)
    FR.update(i18n_priorities.FR)


_merge_catalogs()

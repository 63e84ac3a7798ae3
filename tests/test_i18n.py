"""Every string a page shows goes through t(); each one must have a French translation."""
from __future__ import annotations

import ast
from pathlib import Path

from ui import i18n

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "app.py", *sorted((ROOT / "views").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py"))]


def translated_literals() -> dict[str, str]:
    """Every literal passed to t(...) (first argument) in the app, with the file it appears in."""
    found = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, path.name)
    return found


def test_every_visible_string_has_a_french_translation():
    literals = translated_literals()
    assert len(literals) > 50
    missing = {text: where for text, where in literals.items() if text not in i18n.FR}
    assert not missing, f"{len(missing)} strings without French: {missing}"


def test_placeholders_match_between_languages():
    import string
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    wrong = {en: fr for en, fr in i18n.FR.items() if fields(en) != fields(fr)}
    assert not wrong


def test_switching_language():
    i18n.set_language("fr")
    try:
        assert i18n.t("Settings") == "Paramètres"
        assert i18n.t("Something went wrong: {error}", error="x") == "Une erreur est survenue : x"
    finally:
        i18n.set_language("en")
    assert i18n.t("Settings") == "Settings"


def label_tables() -> dict[str, str]:
    """String values of module-level dicts the pages pass to t() by key (…_LABELS, …_HELP)."""
    found = {}
    for path in SOURCES:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
                    and any(isinstance(tg, ast.Name) and tg.id.endswith(("_LABELS", "_HELP")) for tg in node.targets)):
                for value in node.value.values:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        found[value.value] = path.name
    return found


def test_label_tables_and_settings_are_translated():
    from analytics.store.settings import SETTINGS
    texts = dict(label_tables())
    for setting in SETTINGS:
        texts[setting.help] = "settings"
        texts[setting.name.replace("_", " ").capitalize()] = "settings"
    missing = {text: where for text, where in texts.items() if text not in i18n.FR}
    assert not missing, missing

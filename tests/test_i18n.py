"""Every string a page shows goes through t(); each one must have a French translation."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from ui import i18n
from ui.i18n import FR

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
    from analytics.store.settings import REFUSALS, SETTINGS
    texts = dict(label_tables())
    for setting in SETTINGS:
        texts[setting.help] = "settings"
        texts[setting.label] = "settings"
    for refusal in REFUSALS:  # what a refused setting, stage probability or rate says
        texts[refusal] = "settings"
    missing = {text: where for text, where in texts.items() if text not in i18n.FR}
    assert not missing, missing


def test_two_sessions_in_two_threads_keep_their_own_language():
    """An English and a French user rendering at the same moment: every string is in its own reader's language
    (with a module-level language, 12,496 renders in 20,000 came out in the other language)."""
    import threading

    from ui import fmt
    from ui.i18n import set_language, t

    wrong = {"en": 0, "fr": 0}
    start = threading.Barrier(2)

    def render(lang: str) -> None:
        set_language(lang)
        start.wait()
        for _ in range(5_000):
            word = t("Open pipeline")
            number = fmt.number(1234.5, 1)
            expected = ("Open pipeline", "1,234.5") if lang == "en" else (FR["Open pipeline"], "1\u202f234,5")
            wrong[lang] += (word, number) != expected

    threads = [threading.Thread(target=render, args=(lang,)) for lang in ("en", "fr")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert FR["Open pipeline"] != "Open pipeline"
    assert wrong == {"en": 0, "fr": 0}


def test_settings_page_headers_and_option_values_have_french():
    """The Settings page's column headers go through t(), and every code it offers as an option (a stage's
    outcome, a setting's choices) has a worded label with a French translation; the stored codes stay codes."""
    from analytics.store.settings import OUTCOMES, SETTINGS

    page = ROOT / "views" / "data" / "settings.py"
    tree = ast.parse(page.read_text(encoding="utf-8"))
    tables = {tg.id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
              for tg in node.targets if isinstance(tg, ast.Name) and tg.id.endswith("_LABELS")}
    assert set(tables["OUTCOME_LABELS"]) == set(OUTCOMES)
    choices = {code for setting in SETTINGS for code in setting.choices or ()}
    assert choices <= set(tables["PERIOD_LABELS"])
    for labels in tables.values():
        for code, label in labels.items():
            assert label in FR and FR[label] not in (label, code), (code, label)
    columns = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr.endswith("Column")]
    assert len(columns) >= 6
    for column in columns:  # header and help text through t(); a selectbox column words its options
        texts = [*column.args[:1], *(k.value for k in column.keywords if k.arg in ("label", "help"))]
        assert all(isinstance(a, ast.Call) and getattr(a.func, "id", None) == "t" for a in texts), ast.dump(column)
        if column.func.attr == "SelectboxColumn":
            assert any(k.arg == "format_func" for k in column.keywords)


PAGES = ["pipeline.py", "forecast.py", "movement.py", "priorities.py", "scorecards.py", "engagement.py", "pulse.py",
         "one_on_ones.py", "import_data.py", "settings.py"]
RAW_NUMBER = re.compile(r"\d[.,]\d{3,}(?!\d*[.,]\d)|^-?\d{5,}(\.\d+)?$")  # 70086.747, 22882.7286, 1876342.3
# A number written the English way in a French table: 1,234 / €1,234 / 55.7% / 3.55 (French: 1 234, 55,7 %, 3,55).
# A month or quarter as its code (2026-11, 2026-Q4) in a table: periods and survey waves read as months (nov. 2026).
PERIOD_CODE = re.compile(r"^\d{4}-(\d{2}|Q\d)$")
ENGLISH_NUMBER = re.compile(r"^[+−-]?[€$]?\d{1,3}(,\d{3})+(\.\d+)?$|^[+−-]?\d+\.\d+\s?%?$|^[+−-]?\d+%$")


@pytest.mark.slow
def test_every_page_in_french_shows_french_headers_options_and_no_raw_number(sample_db):
    """Every page rendered in French on the sample data: no table header, selectbox, radio or
    multiselect option is an English catalogue text left untranslated, and no table cell is a raw number
    (more than 2 decimals, a big number without separators), a number written the English way (1,234, 55.7%),
    a date with its time, a period or survey wave as its code (2026-11), or None/nan/NaT — nor an unknown cell
    drawn by the grid without its "—" placeholder. A table worded by ui.fmt
    is read as drawn (its display values, see conftest), the people pages' tables and the Import and Settings
    pages included."""
    from tests.apptest_utils import open_view
    from tests.conftest import _raw_table_value

    data = {value for path in (ROOT / "sample_data").glob("*.csv")  # names from the files ("Sales" team) stay
            for column in pd.read_csv(path, dtype=str).itertuples(index=False) for value in column}
    english_only = {en for en, fr in FR.items() if en != fr and len(en) > 3} - data
    problems = []
    for page in PAGES:  # a session per page: AppTest cannot carry a worded radio's state across pages
        at = open_view(page, "fr")
        for frame in at.dataframe:
            raw = _raw_table_value.fget(frame)  # the values under the words: a null cell is drawn as the placeholder
            if raw.isna().any().any() and frame.proto.placeholder != "—":  # (Streamlit's default: "None")
                problems.append((page, "unknown cells drawn as", frame.proto.placeholder or "None"))
            headers = {name: (column.get("label") or name)
                       for name, column in json.loads(frame.proto.columns or "{}").items()}
            problems += [(page, "header", h) for h in headers.values() if h in english_only]
            for name in frame.value.columns:
                column = frame.value[name]
                if pd.api.types.is_datetime64_any_dtype(column):  # shown with its time (2026-12-02 00:00:00)
                    problems.append((page, name, "date with time"))
                elif pd.api.types.is_float_dtype(column):
                    raw = column.dropna()
                    problems += [(page, name, v) for v in raw[(raw.round(2) - raw).abs() > 1e-9][:1]]
                elif column.dtype == object:
                    bad = [v for v in column if isinstance(v, str) and (v in ("None", "nan", "NaT")
                                                                         or RAW_NUMBER.search(v)
                                                                         or ENGLISH_NUMBER.match(v)
                                                                         or PERIOD_CODE.match(v))]
                    problems += [(page, name, v) for v in bad[:1]]
        for widget in [*at.selectbox, *at.radio, *at.multiselect]:
            problems += [(page, "option", o) for o in widget.options if o in english_only]
    assert not problems, problems

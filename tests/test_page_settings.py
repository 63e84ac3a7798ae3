"""AppTest: the Settings page takes stage probabilities as percentages, refuses what is out of range with a message
in the reader's language (storing nothing), and shows no English label, help or option value in French."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import store
from tests.apptest_utils import assert_clean, open_view

pytestmark = pytest.mark.slow


def stored_stages(db, pipeline: str) -> pd.DataFrame:
    with store.connect(db) as con:
        return con.execute("SELECT stage, position, probability, outcome FROM stages WHERE pipeline = ? "
                           "ORDER BY position", [pipeline]).df()


def stored_settings(db) -> dict:
    with store.connect(db) as con:
        return store.get_settings(con)


def stage_editor(at: AppTest):
    """The stage table as the page hands it to st.data_editor (its data and its column configuration)."""
    editor = next(d for d in at.dataframe if "probability" in json.loads(d.proto.columns))
    return editor.value, json.loads(editor.proto.columns)


def edit_stage(at: AppTest, row: int, **cells) -> AppTest:
    """Type into one row of the stage editor (seeded through its session state, as the browser sends it), save."""
    pipeline = at.selectbox(key="settings_pipeline").value
    at.session_state[f"settings_stages_{pipeline}"] = {"edited_rows": {row: cells}, "added_rows": [],
                                                      "deleted_rows": []}
    return at.button(key="settings_save_stages").click().run()


def first_open_row(db, pipeline: str) -> int:
    return int(stored_stages(db, pipeline).query("outcome == 'open'").index[0])


def test_a_stage_probability_typed_as_20_is_stored_as_a_fifth_and_shown_as_20_percent(sample_db):
    at = open_view("settings.py")
    pipeline = at.selectbox(key="settings_pipeline").value
    row = first_open_row(sample_db, pipeline)
    before = stored_stages(sample_db, pipeline)
    shown, columns = stage_editor(at)
    # a stored 0.2 is shown as the text 20% (0.2 × 100; English: no space), worded by ui.fmt, not the grid
    assert shown["probability"].tolist() == [f"{p * 100:g}%" for p in before["probability"]]
    assert columns["probability"]["label"] == "Probability (%)"
    assert columns["probability"]["type_config"] == {"type": "text"}  # text: no max to clip 20 to a 0–1 range

    at = edit_stage(at, row, probability="20")
    assert_clean(at)
    assert [s.value for s in at.success] == ["Stages saved."]
    after = stored_stages(sample_db, pipeline)
    assert after.loc[row, "probability"] == pytest.approx(0.2)
    assert after.drop(index=row).equals(before.drop(index=row))  # nothing else moved
    shown, _ = stage_editor(at)
    assert shown.loc[row, "probability"] == "20%"


@pytest.mark.parametrize(("lang", "typed", "message"), [
    ("en", "150", "Stage {stage}: enter a probability from 0 to 100 % (you entered 150)."),
    ("en", "-5%", "Stage {stage}: enter a probability from 0 to 100 % (you entered -5)."),
    ("fr", "150", "Étape {stage} : saisissez une probabilité de 0 à 100 % (vous avez saisi 150)."),
    ("fr", "100,5 %", "Étape {stage} : saisissez une probabilité de 0 à 100 % (vous avez saisi 100,5)."),
    ("fr", "vingt", "Ligne {n} ({stage}), colonne Probabilité (%) : « vingt » n'est pas un nombre (par exemple "
                    "12,5\u00a0%). Rien n'a été enregistré."),
])
def test_a_stage_probability_outside_0_to_100_is_refused_and_nothing_is_stored(sample_db, lang, typed, message):
    at = open_view("settings.py", lang)
    pipeline = at.selectbox(key="settings_pipeline").value
    row = first_open_row(sample_db, pipeline)
    before = stored_stages(sample_db, pipeline)
    at = edit_stage(at, row, probability=typed)
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [message.format(stage=before.loc[row, "stage"], n=row + 1)]
    assert not at.success
    assert stored_stages(sample_db, pipeline).equals(before)


def test_an_outcome_is_shown_in_words_and_stored_as_its_code(sample_db):
    at = open_view("settings.py", "fr")
    pipeline = at.selectbox(key="settings_pipeline").value
    row = first_open_row(sample_db, pipeline)
    _, columns = stage_editor(at)
    options = columns["outcome"]["type_config"]["options"]
    assert options == [{"value": "open", "label": "Ouverte (affaire en cours)"},
                       {"value": "won", "label": "Gagnée (affaire close et gagnée)"},
                       {"value": "lost", "label": "Perdue (affaire close et perdue)"}]
    at = edit_stage(at, row, outcome="lost", probability="0")
    assert_clean(at)
    assert stored_stages(sample_db, pipeline).loc[row, ["outcome", "probability"]].tolist() == ["lost", 0.0]


def number_input(at: AppTest, label: str):
    return next(n for n in at.number_input if n.label == label)


def test_a_threshold_out_of_range_is_refused_in_french_with_its_range(sample_db):
    at = open_view("settings.py", "fr")
    before = stored_settings(sample_db)
    number_input(at, "Affaire dormante après (jours)").set_value(0)
    number_input(at, "Fréquence des entretiens individuels (jours)").set_value(45)
    at = at.button[[b.label for b in at.button].index("Enregistrer les seuils")].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Affaire dormante après (jours) : saisissez un nombre entier de 1 à 3\u202f650 (vous avez saisi 0)."]
    assert stored_settings(sample_db) == before  # all or nothing: the valid 45 is not stored either

    number_input(at, "Affaire dormante après (jours)").set_value(45)
    at = at.button[[b.label for b in at.button].index("Enregistrer les seuils")].click().run()
    assert_clean(at)
    assert (stored_settings(sample_db)["stale_days"], stored_settings(sample_db)["one_on_one_cadence_days"]) == \
        (45, 45)


def test_a_decimal_threshold_is_shown_and_typed_with_a_french_decimal_comma(sample_db):
    at = open_view("settings.py", "fr")
    factor = at.text_input(key="settings_outlier_factor")
    assert factor.value == "5"  # the default 5.0, not "5.00" as a number input writes it
    before = stored_settings(sample_db)
    factor.set_value("abc")
    at = at.button[[b.label for b in at.button].index("Enregistrer les seuils")].click().run()
    assert [e.value for e in at.error] == [
        "Facteur de montant atypique (× la médiane du commercial) : « abc » n'est pas un nombre (par exemple 1,08). "
        "Rien n'a été enregistré."]
    assert stored_settings(sample_db) == before
    at.text_input(key="settings_outlier_factor").set_value("2,5")
    at = at.button[[b.label for b in at.button].index("Enregistrer les seuils")].click().run()
    assert_clean(at)
    assert stored_settings(sample_db)["outlier_factor"] == 2.5  # 2 + 5 tenths
    assert at.text_input(key="settings_outlier_factor").value == "2,5"


def test_a_raised_comment_threshold_is_said_not_hidden(sample_db):
    at = open_view("settings.py")
    number_input(at, "Anonymity threshold (responses)").set_value(8)
    number_input(at, "Comment threshold (responses)").set_value(4)
    at = at.button[[b.label for b in at.button].index("Save thresholds")].click().run()
    assert_clean(at)
    assert stored_settings(sample_db)["comment_threshold"] == 8
    assert any("comment threshold was raised to 8" in i.value for i in at.info)


def test_a_rate_without_a_value_is_refused_in_french(sample_db):
    at = open_view("settings.py", "fr")
    at.session_state["settings_rates"] = {"edited_rows": {}, "added_rows": [{"currency": "usd"}],
                                          "deleted_rows": []}
    at = at.button(key="settings_save_currency").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Le taux de USD doit être un nombre positif inférieur à 1\u202f000\u202f000 (vous avez saisi –)."]
    with store.connect(sample_db) as con:
        assert store.get_fx_rates(con) == {}


def test_a_french_rate_typed_with_a_decimal_comma_is_stored_and_shown_back_with_it(sample_db):
    at = open_view("settings.py", "fr")
    at.session_state["settings_rates"] = {"edited_rows": {}, "added_rows": [{"currency": "USD", "rate": "0,25"}],
                                          "deleted_rows": []}
    at = at.button(key="settings_save_currency").click().run()
    assert_clean(at)
    with store.connect(sample_db) as con:
        assert store.get_fx_rates(con) == {"USD": 0.25}  # 0,25: zero and 25 hundredths
    rates = next(d for d in at.dataframe if "rate" in json.loads(d.proto.columns))
    assert rates.value["rate"].tolist() == ["0,25"]  # the grid starts again from the stored rate, not "0.25"
    assert [s.value for s in at.success] == ["Devise enregistrée."]


# --- French: no English label, help text or option value ---------------------------------------------------

# Choices that are the data's own words (pipelines, the deals' column names, owners), the same in every language.
DATA_CHOICES = ("settings_pipeline", "settings_team_attribute")
DATA_COLUMNS = ("owner",)


def shown_texts(at: AppTest) -> list[str]:
    """Every label, help text, caption, heading, button and option the main area of the page shows, in order;
    for the data editors, their column headers, column help and option labels."""
    texts = []

    def visit(node) -> None:
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            if getattr(child, "type", None) == "dataframe":
                for name, config in json.loads(proto.columns).items():
                    if name.startswith("_"):
                        continue
                    texts.extend(config.get(key) for key in ("label", "help") if config.get(key))
                    options = config.get("type_config", {}).get("options") or []
                    if name in DATA_COLUMNS:
                        continue
                    texts.extend(o["label"] if isinstance(o, dict) else str(o) for o in options)
            elif proto is not None:
                for field in ("label", "help", "body", "placeholder"):
                    if hasattr(proto, field) and getattr(proto, field):
                        texts.append(str(getattr(proto, field)))
                if getattr(child, "type", None) == "selectbox" and child.key not in DATA_CHOICES:
                    texts.extend(proto.options)
            visit(child)

    visit(at.main)
    return texts


def test_the_french_settings_page_shows_no_english_label_help_or_option(sample_db):
    from ui.i18n import FR

    english, french = shown_texts(open_view("settings.py", "en")), shown_texts(open_view("settings.py", "fr"))
    assert len(english) == len(french) > 40
    same = {en for en, fr in zip(english, french, strict=True) if en == fr}
    assert same <= {"Pipeline", "Manager"}, same  # the same word in both languages
    assert not {"open", "won", "lost", "week", "month", "quarter"} & set(french)  # codes are never shown
    leftovers = [text for text in french if text in FR and FR[text] != text]
    assert not leftovers, leftovers
    units = " ".join(french)
    for unit in ("(jours)", "(réponses)", "(%)", "(× la médiane du commercial)"):
        assert unit in units

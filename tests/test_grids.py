"""The Settings grids' decimals (ui/grids.py): shown as text in the reader's language, read back as numbers, and a
cell that is not a number named by its row and column (hand-written tables)."""
from __future__ import annotations

import pandas as pd
import pytest

from ui import grids
from ui.i18n import set_language

NB = "\u00a0"


@pytest.fixture
def french():
    set_language("fr")
    yield
    set_language("en")


def test_a_grid_shows_its_decimals_as_french_text_and_reads_them_back(french):
    rates = pd.DataFrame({"currency": ["USD", "GBP"], "rate": [0.92, 1.1675]})
    shown = grids.as_text(rates, {"rate": "factor"})
    assert shown["rate"].tolist() == ["0,92", "1,1675"]
    assert shown["currency"].tolist() == ["USD", "GBP"]  # other columns untouched
    edited = shown.copy()
    edited.loc[1, "rate"] = "1,25"  # typed by the reader: 1 + 25 hundredths
    edited.loc[2] = ["CHF", f"1{NB}234,5"]  # an added row: 1234.5
    back = grids.read_back(edited, {"rate": "factor"}, {"rate": "Taux"}, name_column="currency")
    assert back["rate"].tolist() == [0.92, 1.25, 1234.5]
    assert back["rate"].dtype == "float64"


def test_a_blank_cell_is_blank_not_zero(french):
    stages = pd.DataFrame({"stage": ["A", "B"], "probability": ["20 %", None]})
    back = grids.read_back(stages, {"probability": "percent"}, {"probability": "Probabilité (%)"})
    assert back["probability"].iloc[0] == 20.0
    assert pd.isna(back["probability"].iloc[1])


def test_a_cell_that_is_not_a_number_names_its_row_and_column(french):
    stages = pd.DataFrame({"stage": ["Qualified", "Demo", "Proposal"], "probability": ["10 %", "vingt", "x"]})
    with pytest.raises(grids.CellError) as refused:
        grids.read_back(stages, {"probability": "percent"}, {"probability": "Probabilité (%)"}, name_column="stage")
    # the first unreadable cell in reading order: row 2 (Demo)
    assert (refused.value.row, refused.value.name, refused.value.column, refused.value.text) == \
        (2, "Demo", "Probabilité (%)", "vingt")
    assert grids.refusal(refused.value) == (
        f"Ligne 2 (Demo), colonne Probabilité (%) : « vingt » n'est pas un nombre (par exemple 12,5{NB}%). "
        "Rien n'a été enregistré.")


def test_a_row_without_a_name_is_named_by_its_number():
    rates = pd.DataFrame({"currency": ["USD", None], "rate": ["1.08", "1.2.3,4"]})
    with pytest.raises(grids.CellError) as refused:
        grids.read_back(rates, {"rate": "factor"}, {"rate": "Rate"}, name_column="currency")
    # the typed text is escaped for Markdown (st.error shows "1.2.3,4" as typed)
    assert grids.refusal(refused.value) == (
        "Row 2, column Rate: \u201c1\\.2\\.3,4\u201d is not a number (for example 1.08). Nothing was saved.")

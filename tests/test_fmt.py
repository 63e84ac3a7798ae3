"""The formatting layer (ui/fmt.py) on hand-written values, in English and in French."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ui import fmt
from ui.i18n import set_language

NB, NNB = "\u00a0", "\u202f"  # Babel's French: no-break space before % and €, narrow no-break between thousands


@pytest.fixture(params=["en", "fr"])
def lang(request):
    set_language(request.param)
    yield request.param
    set_language("en")


def test_money_count_rate_in_both_languages(lang):
    expected = {
        "en": ("€1,234,567", "1,234,567", "55.7%", "$1,234,567"),
        "fr": (f"1{NNB}234{NNB}567{NB}€", f"1{NNB}234{NNB}567", f"55,7{NB}%", f"1{NNB}234{NNB}567{NB}$US"),
    }[lang]
    # 0.557 as a percentage with one decimal: 55.7
    assert (fmt.money(1234567, "EUR"), fmt.number(1234567.4), fmt.pct(0.557, 1), fmt.money(1234567, "USD")) \
        == expected


def test_rate_changes_are_points(lang):
    # 0.012 of a rate = 1.2 percentage points; English "pts" except for exactly one point, French always "pt"
    if lang == "en":
        assert (fmt.points(0.012), fmt.points(-0.01), fmt.points(0)) == (f"+1.2{NB}pts", f"−1.0{NB}pt", f"+0.0{NB}pts")
    else:
        assert (fmt.points(0.012), fmt.points(-0.01)) == (f"+1,2{NB}pt", f"−1,0{NB}pt")


def test_periods_by_name_and_dates_without_time(lang):
    values = (fmt.period("2026-11"), fmt.period("2026-Q4"), fmt.period(pd.Timestamp("2026-08-01")),
              fmt.date(pd.Timestamp("2026-10-11 00:00")), fmt.date("2026-12-02 00:00:00"))
    assert values == {"en": ("Nov 2026", "Q4 2026", "Aug 2026", "Oct 11, 2026", "Dec 2, 2026"),
                      "fr": ("nov. 2026", "T4 2026", "août 2026", "11/10/2026", "02/12/2026")}[lang]


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT])
def test_unknown_is_a_dash(value):
    shown = {fmt.money(value, "EUR"), fmt.number(value), fmt.pct(value), fmt.points(value), fmt.date(value),
             fmt.period(value), fmt.signed(value), fmt.money_short(value)}
    assert shown == {"—"}


def test_kpi_delta_rule():
    # up is good: +€1,500 green; down is good (a longer cycle): +3 days shown red (inverse)
    assert fmt.kpi_delta(1500, "money", currency="EUR") == {"delta": "+€1,500", "delta_color": "normal"}
    assert fmt.kpi_delta(3, "days", good="down") == {"delta": "+3", "delta_color": "inverse"}
    assert fmt.kpi_delta(-3, "days", good="down") == {"delta": "-3", "delta_color": "inverse"}
    # a rate's change in points: 0.431 - 0.443 = -0.012 -> -1.2 pts
    assert fmt.kpi_delta(0.431 - 0.443, "rate")["delta"] == f"-1.2{NB}pts"
    # a change that rounds to nothing as shown (0.4 day -> 0; 0.0004 -> 0.0 pt) is neutral: grey, no arrow
    assert fmt.kpi_delta(0.4, "days", good="down") == {"delta": "0", "delta_color": "off", "delta_arrow": "off"}
    assert fmt.kpi_delta(0.0004, "rate")["delta_color"] == "off"
    assert fmt.kpi_delta(5, "count", good=None)["delta_color"] == "off"
    assert fmt.kpi_delta(None, "money") == {"delta": None}


def test_table_words_every_cell_and_keeps_raw_numbers_for_downloads(lang):
    frame = pd.DataFrame({"owner": ["Ann", None], "amount": [1876342.3, None], "rate": [0.5573, float("nan")],
                          "deals": [2795, 3], "on": pd.to_datetime(["2026-10-11", None]),
                          "month": ["2026-11", None], "kind": ["one_on_ones", "deals"]})
    shown = fmt.table(frame, {"amount": "money", "rate": "rate", "deals": "count", "month": "period",
                              "kind": {"one_on_ones": "1:1 meetings", "deals": "Deals"}.get},
                      {"owner": "Owner"}, currency="EUR")
    first = list(shown.cells.iloc[0])
    # 1876342.3 -> 1,876,342 (no decimals for money); 0.5573 -> 55.7 %; 2795 -> 2,795
    assert first == {"en": ["Ann", "€1,876,342", "55.7%", "2,795", "Oct 11, 2026", "Nov 2026", "1:1 meetings"],
                     "fr": ["Ann", f"1{NNB}876{NNB}342{NB}€", f"55,7{NB}%", f"2{NNB}795", "11/10/2026",
                            "nov. 2026", "1:1 meetings"]}[lang]
    assert set(shown.cells.iloc[1]) == {"—", "3", "Deals"}
    assert shown.column_config["amount"]["alignment"] == "right"
    assert shown.column_config["owner"]["label"] == "Owner"
    raw = fmt.export(frame, {"owner": "Owner"})
    assert list(raw.columns)[:2] == ["Owner", "amount"] and raw["amount"].iloc[0] == 1876342.3
    assert raw["on"].iloc[0] == dt.date(2026, 10, 11)


def displayed(styler) -> pd.DataFrame:
    """What Streamlit draws for a styled table: each cell's display value, as pandas renders it for Streamlit."""
    from streamlit.elements.lib.pandas_styler_utils import _use_display_values

    styler._compute()
    return _use_display_values(styler.data, styler._translate(False, False))


def test_table_sorts_by_the_value_under_the_words(lang):
    """Clicking a header sorts the raw values Streamlit receives: €9,000 before €10,000 (as text "€10,000" comes
    first, "1" < "9"), Sept 2026 before Oct 2026, 11 Oct before 2 Nov; the cells still read worded."""
    frame = pd.DataFrame({"owner": ["Ann", "Bob", "Cy"], "amount": [10000.0, 9000.0, None],
                          "month": ["2026-10", "2026-09", "2026-11"],
                          "on": pd.to_datetime(["2026-11-02", "2026-10-11", None]), "enps": [12.4, -3.0, 0.0],
                          "won": [True, False, True]})
    shown = fmt.table(frame, {"amount": "money", "month": "period", "enps": "signed", "won": None}, currency="EUR")
    raw = shown.frame.data
    assert raw["amount"].dtype == "float64" and raw["on"].dtype.kind == "M"
    assert list(raw.sort_values("amount")["owner"]) == ["Bob", "Ann", "Cy"]  # 9000 < 10000, unknown last
    assert list(raw.sort_values("month")["owner"]) == ["Bob", "Ann", "Cy"]  # 2026-09 < 2026-10 < 2026-11
    assert list(raw.sort_values("on")["owner"]) == ["Bob", "Ann", "Cy"]  # 11 Oct < 2 Nov
    assert raw["owner"].tolist() == ["Ann", "Bob", "Cy"] and raw["won"].tolist() == [True, False, True]
    cells = displayed(shown.frame)
    assert cells["amount"].tolist() == {"en": ["€10,000", "€9,000", "—"],
                                        "fr": [f"10{NNB}000{NB}€", f"9{NNB}000{NB}€", "—"]}[lang]
    # eNPS as a signed whole number: 12.4 -> +12, -3 -> −3, 0 -> +0
    assert cells["enps"].tolist() == ["+12", "−3", "+0"] == shown.cells["enps"].tolist()
    assert cells["month"].tolist()[0] == {"en": "Oct 2026", "fr": "oct. 2026"}[lang]
    assert cells["on"].tolist()[2] == "—"
    assert shown.column_config["enps"]["alignment"] == "right"


def test_table_of_words_only_is_plain_text():
    """A table with no number, date or period is sent as its words (nothing to sort by value)."""
    shown = fmt.table(pd.DataFrame({"kind": ["deals", None]}), {"kind": {"deals": "Deals"}.get})
    assert isinstance(shown.frame, pd.DataFrame) and shown.frame["kind"].tolist() == ["Deals", "—"]


def test_hidden_rows_hold_no_number():
    """A row withheld for anonymity: its number cells are empty (not "—") and its values are gone, so neither the
    browser nor a sort can reveal them; the other rows are worded as usual (0.25 -> 25%, 12 -> +12)."""
    frame = pd.DataFrame({"group": ["Legal", "Sales"], "enps": [40.0, 12.0], "rate": [0.5, 0.25],
                          "note": ["fewer than 5 responses", ""]})
    shown = fmt.table(frame, {"enps": "signed", "rate": "rate:0"}, hidden=[True, False])
    assert shown.frame.data["enps"].isna().tolist() == [True, False]
    assert shown.frame.data["rate"].isna().tolist() == [True, False]
    cells = displayed(shown.frame)
    assert cells.iloc[0].tolist() == ["Legal", "", "", "fewer than 5 responses"]
    assert cells.iloc[1].tolist() == ["Sales", "+12", "25%", ""] == shown.cells.iloc[1].tolist()


def test_days_with_one_decimal_only_when_there_is_one():
    assert [fmt.cell_formatter("days:1")(v) for v in (7.0, 38.5, None)] == ["7", "38.5", "—"]

def test_date_pickers_write_the_day_as_the_dates_shown(lang):
    # French pages show 31/12/2017 (fmt.date): the pickers too, not 2017-12-31 beside it; English keeps ISO
    assert fmt.date_input_format() == {"en": "YYYY-MM-DD", "fr": "DD/MM/YYYY"}[lang]


# --- editable cells: numbers shown as text and read back (Settings grids) -------------------------------------

@pytest.mark.parametrize(("typed", "fr", "en"), [
    ("1,08", 1.08, 1.08),  # a decimal comma (two digits after it: never a thousands separator)
    ("1.08", 1.08, 1.08),  # a decimal point, in both languages
    ("1 234,5", 1234.5, 1234.5),  # 1 thousand + 234 + 5 tenths; the space groups thousands
    (f"1{NNB}234,5", 1234.5, 1234.5),  # Babel's French thousands space, as the cell shows it
    (f"1{NB}234{NB}567", 1234567.0, 1234567.0),
    ("1,234.5", 1234.5, 1234.5),  # English grouping: the last mark is the decimal one
    ("1.234,5", 1234.5, 1234.5),  # German/Italian grouping
    ("1,234", 1.234, 1234.0),  # the one ambiguous form: the reader's language decides
    ("1.234", 1.234, 1.234),  # a lone point is a decimal point
    ("1.234.567", 1234567.0, 1234567.0),  # the same mark twice only groups thousands
    (",5", 0.5, 0.5),
    (" -3 ", -3.0, -3.0),
    ("\u22123,5", -3.5, -3.5),  # the minus sign Babel writes
    ("+7", 7.0, 7.0),
    (12.5, 12.5, 12.5),  # a number stays that number
    ("", None, None),
    ("   ", None, None),
    (None, None, None),
])
def test_a_typed_number_is_read_in_either_languages_writing(typed, fr, en):
    for lang, expected in (("fr", fr), ("en", en)):
        set_language(lang)
        try:
            assert fmt.parse_number(typed) == expected, lang
        finally:
            set_language("en")


@pytest.mark.parametrize("typed", ["abc", "1e3", "12 34", "1,2,3", "1,23,456.7", "10 k", "5 %", "--3", "٣", "."])
def test_a_text_that_is_not_a_number_is_unreadable(typed, lang):
    with pytest.raises(fmt.Unreadable) as refused:
        fmt.parse_number(typed)
    assert refused.value.text == typed


def test_a_percent_sign_is_read_only_in_a_percentage_cell():
    # 12.5 % in a percentage column is 12.5 (the column holds percentages); "20%" is 20
    assert (fmt.parse_number("12,5 %", percent=True), fmt.parse_number(f"20{NB}%", percent=True),
            fmt.parse_number("20%", percent=True), fmt.parse_number("20", percent=True)) == (12.5, 20.0, 20.0, 20.0)


def test_an_editable_cell_shows_every_decimal_in_the_readers_language(lang):
    expected = {
        "en": ("12.5%", "20%", "1.08", "0.0061", "1,234.5", "33.3333%"),
        "fr": (f"12,5{NB}%", f"20{NB}%", "1,08", "0,0061", f"1{NNB}234,5", f"33,3333{NB}%"),
    }[lang]
    shown = (fmt.editor_text(12.5, "percent"), fmt.editor_text(20.0, "percent"), fmt.editor_text(1.08, "factor"),
             fmt.editor_text(0.0061, "factor"), fmt.editor_text(1234.5, "factor"),
             fmt.editor_text(33.3333, "percent"))
    assert shown == expected
    assert fmt.editor_text(None, "factor") is None
    # what a cell shows reads back as the value it holds (saving an unchanged grid changes nothing)
    for value, kind in ((12.5, "percent"), (1.08, "factor"), (0.0061, "factor"), (1234.5, "factor"),
                        (33.3333, "percent"), (0.1 + 0.2, "factor")):
        assert fmt.parse_number(fmt.editor_text(value, kind), percent=kind == "percent") == pytest.approx(value,
                                                                                                          rel=1e-9)

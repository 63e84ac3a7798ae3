"""Numbers, money, percentages, dates and periods formatted for the chosen language with Babel.

The one formatting layer of the app: KPI tiles, table cells (``table``), hovers and download headers
(``export``) all go through it, so a number reads the same everywhere and unknown values show as "—".
"""
from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import pandas as pd
from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from ui.i18n import language

_LOCALES = {"en": "en_US", "fr": "fr_FR"}
MISSING = "—"


def _locale() -> str:
    return _LOCALES.get(language(), "en_US")


# A table words thousands of cells: Babel's format_* functions parse the locale and the pattern again for each
# one. The parsed forms are kept here and applied exactly as those functions apply them (same words).
@functools.cache
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


@functools.cache
def _number_pattern(pattern: str) -> babel_numbers.NumberPattern:
    return babel_numbers.parse_pattern(pattern)


def _apply(pattern: str | None, value: float, currency: str | None = None, currency_digits: bool = True) -> str:
    """``babel.numbers.format_decimal/format_percent(value, pattern)`` or, with a currency,
    ``format_currency(value, currency, pattern, currency_digits=...)`` (its standard pattern when None)."""
    locale = _babel_locale(_locale())
    parsed = _number_pattern(pattern) if pattern else locale.currency_formats["standard"]
    return parsed.apply(value, locale, currency=currency, currency_digits=currency_digits)


@functools.lru_cache(maxsize=8192)
def _day_words(day: dt.date, form: str, locale: str) -> str:
    """``babel.dates.format_date`` for one day (a table repeats its days: each is worded once)."""
    return babel_dates.format_date(day, format=form, locale=_babel_locale(locale))


def missing(value: object) -> bool:
    """True for an unknown value: None, NaN, pandas NA or NaT (never shown as None/nan/NaT)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


_missing = missing


def money(value: float | None, currency: str | None = None, digits: int = 0) -> str:
    """1 234 € (fr) or €1,234 (en); a plain number when the currency is unknown; '—' when missing."""
    if missing(value):
        return MISSING
    value = float(value)
    pattern = None if digits else "¤#,##0" if language() == "en" else "#,##0\u00a0¤"
    if currency:
        return _apply(pattern, value, currency, currency_digits=digits != 0)
    return number(value, digits)


def number(value: float | None, digits: int = 0) -> str:
    """1 234,5 (fr) or 1,234.5 (en); '—' when missing."""
    if missing(value):
        return MISSING
    return _apply(f"#,##0.{'0' * digits}" if digits else "#,##0", round(float(value), digits))


def pct(value: float | None, digits: int = 0) -> str:
    """A fraction as a percentage: 55,7 % (fr) or 55.7% (en); '—' when missing."""
    if missing(value):
        return MISSING
    body = f"#,##0.{'0' * digits}" if digits else "#,##0"
    return _apply(body + ("\u00a0%" if language() == "fr" else "%"), float(value))


def points(value: float | None, digits: int = 1) -> str:
    """A change of a rate in percentage points, from fractions: 0.012 -> +1.2 pts (en), +1,2 pt (fr).

    English says "pt" for exactly one point and "pts" otherwise; French always "pt". '—' when missing.
    """
    if missing(value):
        return MISSING
    shown = round(float(value) * 100, digits) + 0.0
    unit = "pt" if language() == "fr" or abs(shown) == 1 else "pts"
    return f"{signed(shown, digits)}\u00a0{unit}"


def _as_date(value: object) -> dt.date | None:
    if missing(value):
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def date_input_format() -> str:
    """How a date picker writes its day, as fmt.date does: 31/12/2026 in French; ISO (2026-12-31, never ambiguous)
    in English."""
    return "DD/MM/YYYY" if language() == "fr" else "YYYY-MM-DD"


def date(value: dt.date | None) -> str:
    """A day without its time: 20/11/2026 (fr) or Nov 20, 2026 (en); '—' when missing."""
    day = _as_date(value)
    if day is None:
        return MISSING
    return _day_words(day, "short" if language() == "fr" else "medium", _locale())


_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def period(value: object) -> str:
    """A month or a quarter by name: '2026-11' -> Nov 2026 (en) / nov. 2026 (fr); '2026-Q4' -> Q4 2026 / T4 2026.

    A date stands for its month. Any other text is shown as it is; '—' when missing.
    """
    if missing(value):
        return MISSING
    text = str(value)
    if found := _QUARTER.match(text):
        return f"{'T' if language() == 'fr' else 'Q'}{found[2]} {found[1]}"
    if found := _MONTH.match(text):
        month = dt.date(int(found[1]), int(found[2]), 1)
    else:
        month = _as_date(value)
        if month is None:
            return text
    return _day_words(month, "MMM y", _locale())


def signed(value: float | None, digits: int = 0) -> str:
    """A change with its sign: +12 / −3; '—' when missing."""
    if missing(value):
        return MISSING
    value = round(float(value), digits) + 0.0  # -0.4 shown with no digits is 0, not "−0"
    text = number(abs(value), digits)
    return ("+" if value >= 0 else "−") + text


def money_short(value: float | None, currency: str | None = None) -> str:
    """A compact amount for KPI tiles: €12.7M (en) or 12,7 M € (fr); exact below 10,000."""
    if missing(value):
        return MISSING
    value = float(value)
    if abs(value) < 10_000:
        return money(value, currency)
    if currency:
        return babel_numbers.format_compact_currency(value, currency, locale=_locale(), fraction_digits=1)
    return babel_numbers.format_compact_decimal(value, locale=_locale(), fraction_digits=1)


def delta(value: float | None, formatter) -> str | None:
    """A KPI change for st.metric: ASCII sign first (Streamlit reads it for the arrow), None when unknown."""
    if missing(value):
        return None
    return ("-" if value < 0 else "+") + formatter(abs(value)).lstrip("+-−")


def kpi_delta(change: float | None, kind: str = "number", good: str | None = "up",
              currency: str | None = None) -> dict[str, object]:
    """What st.metric needs to show a KPI's change: ``st.metric(label, value, **kpi_delta(...))``.

    ``kind`` words the change like the KPI ('money', 'count', 'days', 'number', 'rate' — a rate's change is in
    points: +1.2 pts). ``good`` says which way is better for this metric: 'up' (more pipeline), 'down' (a longer
    cycle, more stale deals: shown red when it grows) or None (neither: grey). A change that rounds to nothing
    as shown is neutral: grey, no arrow. Unknown (no previous snapshot): no delta at all.
    """
    if missing(change):
        return {"delta": None}
    text = _CHANGE_WORDS[kind](abs(float(change)), currency).lstrip("+-−")
    if not re.sub(r"\D", "", text).strip("0"):
        return {"delta": text, "delta_color": "off", "delta_arrow": "off"}
    color = {"up": "normal", "down": "inverse"}.get(good or "", "off")
    return {"delta": ("-" if change < 0 else "+") + text, "delta_color": color}


_CHANGE_WORDS: dict[str, Callable[[float, str | None], str]] = {
    "money": lambda v, currency: money_short(v, currency),
    "count": lambda v, _: number(v),
    "days": lambda v, _: number(v),
    "number": lambda v, _: number(v, 1),
    "rate": lambda v, _: points(v),
}


class Table(NamedTuple):
    """A table ready for st.dataframe: ``st.dataframe(shown.frame, column_config=shown.column_config)``.

    ``frame`` keeps every number, date and period as its raw value and shows it worded (a pandas Styler whose
    display values Streamlit draws), so clicking a header sorts by the value (€9K before €10K, Sept before Oct),
    not by the text; ``cells`` is the same table as the reader sees it, one worded string per cell.
    """

    frame: object
    column_config: dict[str, object]
    cells: pd.DataFrame


NUMERIC_KINDS = ("money", "count", "number", "rate", "points", "days", "signed", "margin")
# Kinds whose raw value stays under the worded cell (sorting follows it); the others become their words.
SORTED_BY_VALUE = (*NUMERIC_KINDS, "date", "period")
# Above this many cells the table is sent as worded text only (Streamlit refuses to style more; sorting is then
# by the text): no page shows that many.
MAX_STYLED_CELLS = 100_000


def cell_formatter(kind: str | Callable, currency: str | None = None) -> Callable[[object], str]:
    """The function that words one cell of a column of this kind (see ``table``)."""
    if callable(kind):
        return lambda value: MISSING if missing(value) else str(kind(value))
    name, _, digits = kind.partition(":")
    places = int(digits) if digits else None
    words = {
        "money": lambda v: money(v, currency, places or 0),
        "count": lambda v: number(v, places or 0),
        "days": lambda v: number(v, places or 0) if not places or missing(v) or float(v) % 1 else number(v),
        "number": lambda v: number(v, 1 if places is None else places),
        "rate": lambda v: pct(v, 1 if places is None else places),
        "points": lambda v: points(v, 1 if places is None else places),
        "signed": lambda v: signed(v, places or 0),
        "margin": lambda v: MISSING if missing(v) else "±\u00a0" + number(v, places or 0),
        "date": date,
        "period": period,
        "text": lambda v: MISSING if missing(v) else str(v),
    }
    if name not in words:
        raise ValueError(f"unknown column kind {kind!r}")
    return words[name]


def _guess_kind(column: pd.Series) -> str | None:
    """The kind of a column nobody named: dates, whole numbers, other numbers; None for flags (shown as is)."""
    if pd.api.types.is_bool_dtype(column):
        return None
    if pd.api.types.is_datetime64_any_dtype(column):
        return "date"
    if pd.api.types.is_numeric_dtype(column):
        known = column.dropna()
        return "count" if (known == known.round()).all() else "number"
    return "text"


def _sortable(column: pd.Series, kind: str) -> pd.Series | None:
    """The raw values a worded column sorts by: numbers as floats, dates as dates, periods as their ISO text
    ('2026-11' < '2026-12'); None when the column does not hold such values (it is then sent as its words)."""
    if kind in NUMERIC_KINDS:
        if pd.api.types.is_bool_dtype(column):
            return None
        try:
            return pd.to_numeric(column).astype("float64")
        except (TypeError, ValueError):
            return None
    if kind == "date":
        if pd.api.types.is_datetime64_any_dtype(column):
            return column
        try:
            return pd.to_datetime(column)
        except (TypeError, ValueError):
            return None
    if pd.api.types.is_datetime64_any_dtype(column):
        return column
    known = column.dropna()  # a period: its ISO text ("2026-11", "2026-Q4") sorts in time
    return column.astype(object) if known.map(lambda v: isinstance(v, str)).all() else None


def _words(values: pd.Series, blanks: pd.Series, word: Callable[[object], str], repeats: bool) -> list[str]:
    """Each cell's words ("" for a blank one). With ``repeats`` (numbers, dates, periods: words that depend on
    the value only), a value met again in the column reuses its words: a column of days or stages' dates holds
    few distinct values. A zero float is worded each time (-0.0 equals 0.0 but may not read the same)."""
    if not repeats:
        return ["" if blank else word(value) for value, blank in zip(values, blanks, strict=True)]
    seen: dict[tuple, str] = {}
    words = []
    for value, blank in zip(values, blanks, strict=True):
        if blank:
            words.append("")
            continue
        key = (type(value), value)
        try:
            known = seen.get(key)
        except TypeError:  # unhashable: worded as it is
            words.append(word(value))
            continue
        if known is None:
            known = word(value)
            if not (isinstance(value, float | decimal.Decimal) and value == 0):
                seen[key] = known
        words.append(known)
    return words


def _lookup(values: pd.Series, words: list[str], word: Callable[[object], str]) -> Callable[[object], str]:
    known = {value: text for value, text in zip(values, words, strict=True) if not missing(value)}
    return lambda value: known[value] if value in known else word(value)


def table(frame: pd.DataFrame, kinds: Mapping[str, str | Callable] | None = None,
          labels: Mapping[str, str] | None = None, *, currency: str | None = None,
          helps: Mapping[str, str] | None = None, hidden: Sequence[bool] | None = None) -> Table:
    """A table worded for the reader, one kind per column: 'money' (with ``currency``), 'count' (whole number
    with thousands separators), 'number' (1 decimal), 'rate' (a fraction as a percentage, 1 decimal), 'points'
    (a rate's change in points), 'days', 'signed' (a score or change with its sign: +12, −3), 'margin' (± 5),
    'date' (no time), 'period' ('2026-11' as Nov 2026), 'text', or a function turning a code into words.
    ``kind:N`` sets the decimals (``money:2``, ``rate:0``; ``days:1`` shows a decimal only when there is one: 7,
    38.5). ``hidden`` marks rows whose numbers are withheld (a survey group under the anonymity threshold): their
    number, date and period cells are empty, not even "—", and hold no value. Columns not named get a kind from
    their type; a kind None leaves the column as it is (flags, lists). Unknown cells read "—", never None/nan/NaT.

    Numbers, dates and periods keep their value under the words (clicking a header sorts by the value, in every
    language); text and code columns are their words. ``labels`` are the headers already translated
    (``{"owner": t("Owner")}``); numbers are right-aligned.
    """
    kinds, labels, helps = dict(kinds or {}), dict(labels or {}), dict(helps or {})
    if not frame.index.is_unique:
        frame = frame.reset_index(drop=True)
    withheld = pd.Series(False if hidden is None else list(hidden), index=frame.index, dtype=bool)
    worded, raw, formats, config = {}, {}, {}, {}
    for column in frame.columns:
        kind = kinds[column] if column in kinds else _guess_kind(frame[column])
        config[column] = {"label": labels.get(column, str(column)), "help": helps.get(column)}
        if kind is None:
            worded[column] = raw[column] = frame[column]
            continue
        word = cell_formatter(kind, currency)
        name = kind.partition(":")[0] if isinstance(kind, str) else None
        out = withheld if name in SORTED_BY_VALUE else withheld & False
        values = frame[column].mask(out) if out.any() else frame[column]
        worded[column] = _words(values, out, word, repeats=name in SORTED_BY_VALUE)
        value = _sortable(values, name) if name in SORTED_BY_VALUE else None
        if value is None:
            raw[column] = worded[column]
        else:  # the words already made, looked up by value when Streamlit renders the table
            raw[column], formats[column] = value, _lookup(value, worded[column], word)
        if name in NUMERIC_KINDS:
            config[column]["alignment"] = "right"
    columns = list(frame.columns)
    cells = pd.DataFrame(worded, index=frame.index, columns=columns)
    if not formats or not frame.columns.is_unique or frame.size > MAX_STYLED_CELLS:
        return Table(cells, config, cells)
    values = pd.DataFrame(raw, index=frame.index, columns=columns)
    styled = values.style.format(formats, na_rep=MISSING)
    if withheld.any():
        styled = styled.format(lambda _: "", na_rep="", subset=pd.IndexSlice[frame.index[withheld], list(formats)])
    return Table(styled, config, cells)


def editor_format(kind: str) -> str:
    """The ``format`` of a grid column Streamlit draws itself (st.data_editor's NumberColumn, a ProgressColumn):
    'count' ("%d"), 'percent' (a whole percentage of 0–100: "99 %" in French, "99%" in English).

    An editor draws its own numbers: Streamlit 1.67 formats them with sprintf-js (always "." for decimals) or,
    for "localized", with the browser's language rather than the session's. A whole number reads the same in
    both languages; a column holding decimals is a text column worded by ``editor_text`` and read back by
    ``parse_number``."""
    formats = {"count": "%d", "percent": "%.0f\u00a0%%" if language() == "fr" else "%.0f%%"}
    return formats[kind]


# Up to this many significant digits are shown in an editable cell: a value typed by a person (20, 12.5, 1.08,
# 0.0061) reads back exactly as it is stored.
EDITOR_DIGITS = 10


def editor_text(value: object, kind: str) -> str | None:
    """A number in an editable text cell, as the reader types it: 'percent' (a percentage: 12.5 -> "12,5 %" in
    French, "12.5%" in English) or 'factor' (a rate: 1.08 -> "1,08" / "1.08", 1234.5 -> "1 234,5" / "1,234.5"),
    with every decimal it holds (up to 10 significant digits) so that saving an unchanged cell stores the same
    value. None for an unknown value (the cell is empty)."""
    if missing(value):
        return None
    shown = decimal.Decimal(format(float(value), f".{EDITOR_DIGITS}g"))
    digits = max(0, -shown.normalize().as_tuple().exponent)
    text = number(float(shown), digits)
    if kind == "percent":
        return text + ("\u00a0%" if language() == "fr" else "%")
    if kind == "factor":
        return text
    raise ValueError(f"unknown editor kind {kind!r}")


class Unreadable(ValueError):
    """A typed text that is not a number (``text`` as typed)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


_SIGN = re.compile(r"^([+\-\u2212]?)\s*(.*?)\s*(%?)$", re.S)
_GROUPS = {sep: re.compile(rf"^\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+$") for sep in (" ", ",", ".")}


def parse_number(typed: object, percent: bool = False) -> float | None:
    """The number a person typed in an editable cell, in either language's way of writing it: "1,08", "1.08",
    "1 234,5" (any space, Babel's narrow no-break one included), "1,234.5", "1.234,5", "−3", and with ``percent``
    a trailing percent sign ("12,5 %" -> 12.5: the column holds percentages). A lone comma followed by exactly
    three digits ("1,234") is a decimal comma in French (1.234) and a thousands separator in English (1234); a
    lone point is always a decimal point. None when nothing is typed; ``Unreadable`` for anything else (letters,
    "1e3", "12 34", a percent sign where no percentage is expected)."""
    if isinstance(typed, bool):
        raise Unreadable(str(typed))
    if isinstance(typed, int | float | decimal.Decimal):
        return None if missing(typed) else float(typed)
    if missing(typed) or not str(typed).strip():
        return None
    text = str(typed)
    found = _SIGN.match(" ".join(text.split()))
    if found is None or (found[3] and not percent):
        raise Unreadable(text)
    body = found[2]
    marks = [c for c in body if c in ",."]
    if "," in marks and "." in marks:
        mark = marks[-1]
    elif marks.count(",") == 1:
        head, tail = body.split(",")
        lone_thousands = language() == "en" and len(tail) == 3 and head.replace(" ", "").isdigit()
        mark = "" if lone_thousands else ","
    elif marks.count(".") == 1:
        mark = "."
    else:
        mark = ""  # no mark, or the same one several times: thousands separators
    whole, _, fraction = body.rpartition(mark) if mark else (body, "", "")
    grouped = whole.isdigit() or any(pattern.match(whole) for sep, pattern in _GROUPS.items() if sep != mark)
    if not (whole or fraction) or (whole and not grouped) or (fraction and not fraction.isdigit()) \
            or not (whole + fraction).isascii():
        raise Unreadable(text)
    value = float(re.sub(r"\D", "", whole or "0") + "." + (fraction or "0"))
    return -value if found[1] in ("-", "\u2212") else value


def export(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A table for the CSV/Excel downloads: raw numbers (a spreadsheet computes with them), dates without their
    time, headers translated (``labels`` as for ``table``)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.date
    return out.rename(columns=dict(labels or {}))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:&@])")


def plain(text: object) -> str:
    """Text from a file or a user shown as is in Markdown (st.markdown, st.caption, st.error, labels…).

    Every character that Markdown or Streamlit would interpret (links and images, HTML tags, lists, emphasis,
    :color[…] and :icon: directives, $math$, autolinks) is backslash-escaped, so it shows as typed.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def month(value: object) -> str:
    """A calendar month as its name and year: "Aug 2026" (en) or "août 2026" (fr); a "YYYY-MM" text, a date or a
    timestamp; the value as given when it is not a month (e.g. a "no date" label); '–' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", value.strip())
        if not match:
            return value
        value = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if not hasattr(value, "year"):
        return str(value)
    return _day_words(dt.date(value.year, value.month, 1), "MMM y", _locale())

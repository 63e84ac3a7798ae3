"""Parse a column of text values into numbers, dates or probabilities (vectorised, one format decision per column).

`parse_numbers`, `parse_dates`, `parse_probability` and `currency_symbols` take a pandas Series of text and decide
the format (decimal comma, day-first dates, 0-100 percentages ...) once per column; a value that cannot be read is
flagged in `Parsed.bad`, never guessed."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ingest.table import BLANK_CHARS


@dataclass
class Parsed:
    """Values parsed from a text column: `values` (NaN/NaT where blank or bad), `bad` (non-blank but unreadable)."""

    values: pd.Series
    bad: pd.Series
    detail: str
    parts: tuple[str, ...] = ()


# Patterns use only syntax shared by Python's re and pyarrow's RE2, so pandas can run them in C++.
_CURRENCY_TOKENS = {
    "US$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD", "NZ$": "NZD", "HK$": "HKD", "S$": "SGD",
    "R$": "BRL", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY",
    "₪": "ILS", "Fr.": "CHF", "SFr": "CHF", "RMB": "CNY",
}


_CURRENCY_CODES = (
    "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "CNY", "RMB", "HKD", "SGD", "INR", "BRL", "MXN", "ZAR",
    "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "TRY", "ILS", "AED", "SAR", "KRW", "RUB",
)


_SYMBOLS = r"US\$|CA\$|C\$|AU\$|A\$|NZ\$|HK\$|S\$|R\$|[$€£¥₹₩₽₺₪]"


_CODES = "|".join(_CURRENCY_CODES) + r"|Fr\.|SFr"


_CURRENCY_STRIP = f"{_SYMBOLS}|{_CODES}"


_CURRENCY_FIND = f"(?:^|[^A-Za-z])(?P<c>{_SYMBOLS}|{_CODES})(?:[^A-Za-z]|$)|(?P<s>{_SYMBOLS})"


_SPACES_RE = "[ \t\u00a0\u202f\u2007\u2009'’]"


_EXP = "(?:[eE][+-]?[0-9]+)?"


_CORE_RE = f"^(?:[0-9.,]*[0-9][0-9.,]*){_EXP}$"


_SIMPLE_NUMBER = "^-?[0-9]+(?:[.][0-9]+)?$"


def _result(parsed: pd.Series, bad: pd.Series, detail: str, values: pd.Series) -> Parsed:
    """A Parsed with the input's index and name on both series."""
    parsed = pd.Series(parsed.to_numpy(), index=values.index, name=values.name)
    bad = pd.Series(np.asarray(bad, dtype=bool), index=values.index, name=values.name)
    return Parsed(parsed, bad, detail)


def _as_text(values: pd.Series) -> pd.Series:
    """The values as a pandas string Series, stripped, with NaN for missing cells."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    return series.astype("str").str.strip(BLANK_CHARS)


def _is_blank(text: pd.Series) -> np.ndarray:
    """True where a text value is missing or empty."""
    return text.isna().to_numpy(dtype=bool) | (text == "").to_numpy(dtype=bool, na_value=True)


def _flags(result: pd.Series) -> np.ndarray:
    """A boolean string-method result as a numpy array, False where the value was missing."""
    return result.to_numpy(dtype=bool, na_value=False)


def _extract(text: pd.Series, pattern: str) -> pd.DataFrame:
    """The named groups of `pattern` for each value, as text columns (NaN where the value does not match)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        struct = pc.extract_regex(pa.array(text.array), pattern)
        names = [struct.type.field(i).name for i in range(struct.type.num_fields)]
        as_text = pd.StringDtype("pyarrow", na_value=np.nan)
        return pd.DataFrame({
            n: pc.struct_field(struct, [i]).to_pandas(types_mapper=lambda t: as_text).set_axis(text.index)
            for i, n in enumerate(names)
        })
    except Exception:  # noqa: BLE001 - no pyarrow, or not an Arrow-backed series: let pandas do it
        return text.str.extract(pattern)


def _floats(column: pd.Series) -> np.ndarray:
    """Numeric text as float64 (NaN where missing or not a number)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        return pc.cast(pa.array(column.array), pa.float64()).to_numpy(zero_copy_only=False)
    except Exception:  # noqa: BLE001 - some value is not a plain number, or no pyarrow: pandas coerces
        return pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def currency_symbols(values: pd.Series) -> pd.Series:
    """For each cell, the ISO code of the currency written in it ('$' -> 'USD', '€' -> 'EUR'), else None."""
    found = _extract(_as_text(values), _CURRENCY_FIND)
    token = found["c"].fillna(found["s"])
    codes = [None if not isinstance(t, str) else _CURRENCY_TOKENS.get(t, t) for t in token.unique()]
    lookup = dict(zip(token.unique(), codes, strict=True))
    return pd.Series(token.map(lookup).to_numpy(dtype=object, na_value=None), index=values.index,
                     name=values.name, dtype=object)


@dataclass
class NumberEvidence:
    """What decides how a text column of numbers reads, counted over its cells (``add`` sums two parts of a column
    read in chunks): non-blank cells, plain numbers among them ('-1234.5'), whether a '.' shows and whether one is
    surely a decimal point, and the votes for ',' or '.' as the decimal mark (``_decimal_marks``)."""
    cells: int = 0
    simple: int = 0
    dotted: bool = False
    sure: bool = False
    commas: int = 0
    dots: int = 0

    def add(self, other: NumberEvidence) -> None:
        self.cells, self.simple = self.cells + other.cells, self.simple + other.simple
        self.dotted, self.sure = self.dotted or other.dotted, self.sure or other.sure
        self.commas, self.dots = self.commas + other.commas, self.dots + other.dots

    def is_simple(self) -> bool:
        """True when the whole column reads as plain numbers (``_simple_numbers``)."""
        return self.simple == self.cells and (not self.dotted or self.sure)

    def decimal(self) -> str:
        """The column's decimal mark for values that do not show theirs ('1,234'): the majority vote, or ''."""
        return "," if self.commas > self.dots else "." if self.dots > self.commas else ""


def number_evidence(values: pd.Series) -> NumberEvidence:
    """The NumberEvidence of a text column (the counts ``parse_numbers`` decides from)."""
    text = _as_text(values)
    blank = _is_blank(text)
    simple = _flags(text.str.match(_SIMPLE_NUMBER))
    found = NumberEvidence(cells=int((~blank).sum()), simple=int((simple & ~blank).sum()))
    found.dotted = bool(_flags(text.str.contains(".", regex=False))[simple].any())
    found.sure = bool(_flags(text.str.contains(_SURE_DECIMAL))[simple].any())
    core = _number_core(text.fillna(""))[0]
    votes = _votes(core)
    found.commas, found.dots = int((votes == ",").sum()), int((votes == ".").sum())
    return found


def parse_numbers(values: pd.Series, decimal: str | None = None, evidence: NumberEvidence | None = None) -> Parsed:
    """Amounts as float64: currency, thousands separators, decimal comma or point, '(1,234.00)' negatives.

    The decimal mark is decided once per column when `decimal` is None (a value holding both ',' and '.' uses the
    last one as its decimal mark). Text such as 'TBD', '10k' or 'n/a' is bad, and so is a number too large for a
    float ('1e999'); blank cells are NaN and not bad. ``evidence``: the whole column's (``number_evidence``) when
    `values` is one chunk of it, so that every chunk reads as the whole column would.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return _finite(values.astype("float64"), np.zeros(len(values), dtype=bool), "numbers", values)
    text = _as_text(values)
    blank = _is_blank(text)
    if evidence is not None and decimal is None:
        simple = _simple_numbers(text, blank, None, forced=True) if evidence.is_simple() else None
    else:
        simple = _simple_numbers(text, blank, decimal)
    if simple is not None:
        return _finite(simple[0], blank & False, simple[1], values)
    core, negative, valid = _number_core(text.fillna(""))
    mark, detail = _decimal_marks(core, decimal, None if evidence is None else evidence.decimal())
    numbers = _to_float(core, mark)
    numbers = np.where(negative, -numbers, numbers)
    numbers = np.where(valid & ~blank, numbers, np.nan)
    return _finite(pd.Series(numbers), ~blank & np.isnan(numbers), detail, values)


def _finite(numbers: pd.Series, bad, detail: str, values: pd.Series) -> Parsed:
    """A Parsed of the numbers where infinities (values too large for a float) are NaN and bad."""
    floats = np.asarray(numbers, dtype="float64")
    infinite = np.isinf(floats)
    if infinite.any():
        floats = np.where(infinite, np.nan, floats)
        bad = np.asarray(bad, dtype=bool) | infinite
    return _result(pd.Series(floats), bad, detail, values)


_SURE_DECIMAL = r"[.](?:[0-9]{1,2}|[0-9]{4,})$|^-?0[.]|^-?[0-9]{4,}[.]"


def _simple_numbers(text: pd.Series, blank: np.ndarray, decimal: str | None,
                    forced: bool = False) -> tuple[pd.Series, str] | None:
    """(floats, detail) when every value is a plain number like '-1234.5' whose '.' is surely a decimal point
    (``forced``: the whole column was found so, `text` being one chunk of it)."""
    if decimal == ",":
        return None
    simple = _flags(text.str.match(_SIMPLE_NUMBER))
    if not forced and not (simple | blank).all():
        return None
    dotted = _flags(text.str.contains(".", regex=False))
    if dotted.any() and decimal is None and not forced:
        sure = _flags(text.str.contains(_SURE_DECIMAL))
        if not sure.any():
            return None
    numbers = pd.Series(_floats(text.where(~blank)))
    return numbers, "decimal point" if dotted.any() else "whole numbers"


def _number_core(text: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """(digits and separators, negative?, well-formed?) once currency, spaces, signs and parentheses are removed."""
    t = text.str.replace(_CURRENCY_STRIP, "", regex=True)
    t = t.str.replace(_SPACES_RE, "", regex=True).str.replace("\u2212", "-", regex=False)
    parens = _flags(t.str.startswith("(")) & _flags(t.str.endswith(")"))
    t = t.where(~parens, t.str.slice(1, -1))
    lead_minus, lead_plus = _flags(t.str.startswith("-")), _flags(t.str.startswith("+"))
    trail = _flags(t.str.match(".+-$"))
    core = t.str.replace(r"^[+-]|-$", "", regex=True)
    core = core.where(~(lead_minus & trail), "x")
    valid = _flags(core.str.match(_CORE_RE)) & ~((lead_minus | lead_plus) & trail)
    negative = parens ^ (lead_minus | trail)
    return core.where(valid, "0"), negative, valid


def _marks(core: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(commas, dots, values holding both, the last of the two in each value) of number cores."""
    commas = core.str.count(",").to_numpy(dtype="int64", na_value=0)
    dots = core.str.count("[.]").to_numpy(dtype="int64", na_value=0)
    both = (commas > 0) & (dots > 0)
    last = np.where(_flags(core.str.contains(f",[0-9]*{_EXP}$")), ",", ".")
    return commas, dots, both, last


def _votes(core: pd.Series) -> np.ndarray:
    """The decimal mark each value shows (',' or '.'), for the column's majority; values showing none left out."""
    commas, dots, both, last = _marks(core)
    plain = _plain_mark(core, commas, dots)
    return np.concatenate([last[both], plain[~both & np.isin(plain, [",", "."])]])


def _decimal_marks(core: pd.Series, decimal: str | None, voted: str | None = None) -> tuple[pd.Series, str]:
    """For each value: ',' or '.' (its decimal mark) or '' (no decimal part: any separator groups thousands).

    Also returns the column's detail ('decimal comma', 'decimal point', 'thousands separators', 'whole numbers').
    ``voted``: the whole column's majority mark (``NumberEvidence.decimal``) when `core` is one chunk of it.
    """
    commas, dots, both, last = _marks(core)
    if decimal is not None:
        mark = np.where((commas + dots) > 0, decimal, "")
        return pd.Series(mark, index=core.index, dtype=object), {",": "decimal comma"}.get(decimal, "decimal point")
    plain = _plain_mark(core, commas, dots)
    if voted is None:
        votes = np.concatenate([last[both], plain[~both & np.isin(plain, [",", "."])]])
        n_comma, n_dot = int((votes == ",").sum()), int((votes == ".").sum())
        voted = "," if n_comma > n_dot else "." if n_dot > n_comma else ""
    decimal = voted
    mark = np.where(both, last, np.where(plain == "?", decimal, plain))
    if decimal:
        detail = "decimal comma" if decimal == "," else "decimal point"
    else:
        detail = "thousands separators" if (plain == "?").any() else "whole numbers"
    return pd.Series(mark, index=core.index, dtype=object), detail


def _plain_mark(core: pd.Series, commas: np.ndarray, dots: np.ndarray) -> np.ndarray:
    """For values with one kind of separator: its decimal mark, '?' when it may group thousands, '' when none.

    '1,5' -> ','; '1,234' -> '?'; '1,234,567' -> '.' (commas group thousands); '1.234.567' -> ','.
    """
    single = (commas + dots) == 1
    thousands_like = _flags(core.str.match("^[1-9][0-9]{0,2}[.,][0-9]{3}$"))
    return np.select(
        [(commas == 0) & (dots == 0), single & thousands_like, single, commas > 1, dots > 1],
        ["", "?", np.where(commas > 0, ",", "."), ".", ","], default="",
    ).astype(object)


def _to_float(core: pd.Series, mark: pd.Series) -> np.ndarray:
    """The values as floats given each value's decimal mark (NaN when the digit grouping does not fit the mark)."""
    comma, lone = (mark == ",").to_numpy(), (mark == "").to_numpy()
    as_comma = core.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    as_dot = core.str.replace(",", "", regex=False)
    as_lone = core.str.replace("[.,]", "", regex=True)
    ok_comma = _flags(core.str.match(f"^(?:[0-9]{{1,3}}(?:[.][0-9]{{3}})+|[0-9]*)(?:,[0-9]*)?{_EXP}$"))
    ok_dot = _flags(core.str.match(f"^(?:[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]*)(?:[.][0-9]*)?{_EXP}$"))
    ok_lone = _flags(core.str.match(f"^(?:[0-9]{{1,3}}(?:[.,][0-9]{{3}})+|[0-9]+){_EXP}$"))
    chosen = as_dot.where(~comma, as_comma).where(~lone, as_lone)
    valid = np.where(lone, ok_lone, np.where(comma, ok_comma, ok_dot))
    return np.where(valid, _floats(chosen), np.nan)


_TIME = ("(?:,?(?:T| +)[0-9]{1,2}[:h][0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)? *(?:[AaPp][.]?[Mm][.]?)? *"
         "(?:Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2})?)?")


_ISO_RE = f"^(?P<year>[0-9]{{4}})[-/.](?P<month>[0-9]{{1,2}})[-/.](?P<day>[0-9]{{1,2}}){_TIME}$"


_DMY_RE = f"^(?P<a>[0-9]{{1,2}})[/.-](?P<b>[0-9]{{1,2}})[/.-](?P<year>[0-9]{{4}}|[0-9]{{2}}){_TIME}$"


_LETTERS = "[A-Za-zÀ-ÿ]+"


_DAY_NAME_RE = (f"^(?P<day>[0-9]{{1,2}})(?:er)?[ ./-]+(?P<name>{_LETTERS})[.]?,?[ ./-]+"
                f"(?P<year>[0-9]{{4}}|[0-9]{{2}}){_TIME}$")


_NAME_DAY_RE = (f"^(?:{_LETTERS},? +)?(?P<name>{_LETTERS})[.]? +(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?,? +"
                f"(?P<year>[0-9]{{4}}){_TIME}$")


_MONTHS = {
    name: number
    for number, names in enumerate([
        "january jan janvier janv", "february feb février fevrier févr fevr fév", "march mar mars",
        "april apr avril avr", "may mai", "june jun juin", "july jul juillet juil", "august aug août aout aoû",
        "september sep sept septembre", "october oct octobre", "november nov novembre",
        "december dec décembre decembre déc"], start=1)
    for name in names.split()
}


@dataclass
class DateEvidence:
    """What decides how a text column of dates reads, counted over its cells (``add`` sums two parts of a column
    read in chunks): dd/mm-or-m/d dates that only read day-first (31/01/2026), only month-first (01/31/2026), or
    would change with the order (03/04/2026), the first example of each, and non-blank cells, numbers among them
    (Excel serials when all are)."""
    day_first: int = 0
    month_first: int = 0
    differ: int = 0
    examples: dict = field(default_factory=dict)
    cells: int = 0
    numeric: int = 0

    def add(self, other: DateEvidence) -> None:
        self.day_first, self.month_first = self.day_first + other.day_first, self.month_first + other.month_first
        self.differ, self.cells, self.numeric = self.differ + other.differ, self.cells + other.cells, \
            self.numeric + other.numeric
        self.examples = {**other.examples, **self.examples}  # the first part's example wins

    def order(self) -> tuple[str | None, str | None]:
        """``day_month_order`` of the column."""
        if "dmy" not in self.examples:
            return None, None
        if self.day_first and self.month_first:
            return "mixed", self.examples["day-first"]
        for order, count in (("day-first", self.day_first), ("month-first", self.month_first)):
            if count:
                return order, self.examples[order]
        return ("ambiguous", self.examples["ambiguous"]) if self.differ else ("same", None)


def date_evidence(values: pd.Series) -> DateEvidence:
    """The DateEvidence of a text column (what ``day_month_order`` and ``parse_dates`` decide from)."""
    text = _as_text(values)
    blank = _is_blank(text)
    found = DateEvidence(cells=int((~blank).sum()),
                         numeric=int(_flags(text.str.match("^[0-9]+(?:[.][0-9]+)?$")).sum()))
    if not found.cells:
        return found
    dmy = _extract(text[~blank], _DMY_RE)
    dmy = dmy[dmy.notna().all(axis=1).to_numpy()]
    if dmy.empty:
        return found
    first, second = _floats(dmy["a"]), _floats(dmy["b"])
    raw = text[dmy.index].to_numpy(dtype=object)
    day_first, month_first, differ = (first > 12) & (second <= 12), (second > 12) & (first <= 12), first != second
    found.day_first, found.month_first, found.differ = int(day_first.sum()), int(month_first.sum()), int(differ.sum())
    found.examples["dmy"] = str(raw[0])
    for name, mask in (("day-first", day_first), ("month-first", month_first), ("ambiguous", differ)):
        if mask.any():
            found.examples[name] = str(raw[np.argmax(mask)])
    return found


def parse_dates(values: pd.Series, dayfirst_hint: bool | None = None, evidence: DateEvidence | None = None) -> Parsed:
    """Dates as datetime64[ns] at midnight: ISO, dd/mm/yyyy or m/d/yyyy (decided per column), month names, serials.

    When no value shows whether the day or the month comes first, day-first is assumed unless dayfirst_hint is
    False. Dates before 1900 or after 2100 are bad; blank cells are NaT and not bad. ``evidence``: the whole
    column's (``date_evidence``) when `values` is one chunk of it, so that every chunk reads as the whole column
    would; ``Parsed.detail`` then lists what this chunk showed (``date_details`` joins the chunks' details).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = values.dt.tz_localize(None) if values.dt.tz is not None else values
        stamps = stamps.dt.normalize().astype("datetime64[ns]")
        return _result(stamps, np.zeros(len(values), dtype=bool), "dates", values)
    text = _as_text(values)
    blank = _is_blank(text)
    parts, details = _date_parts(text, blank, dayfirst_hint, evidence)
    stamps = _build_dates(parts)
    for numbers in (_excel_serials, _compact_dates):  # columns of numbers only
        found, found_detail = numbers(text, blank, evidence)
        if found is not None and not np.isnat(found).all():
            stamps = np.where(np.isnat(stamps), found, stamps)
            details.append(found_detail)
    stamps = np.where(blank, np.datetime64("NaT"), stamps).astype("datetime64[ns]")
    detail = ", ".join(dict.fromkeys(d for d in details if d)) or "no dates"
    parsed = _result(pd.Series(stamps), ~blank & np.isnat(stamps), detail, values)
    parsed.parts = tuple(dict.fromkeys(d for d in details if d))
    return parsed


def date_details(parts: list[tuple[str, ...]]) -> str:
    """The detail ``parse_dates`` gives a whole column, from the ``Parsed.parts`` of its chunks (each in the order
    of the formats tried: ISO, dd/mm or m/d, month names, serial numbers)."""
    rank = {"ISO": 0, "month names": 2, "Excel serial numbers": 3, "yyyymmdd": 4}
    seen = dict.fromkeys(d for chunk in parts for d in chunk)
    return ", ".join(sorted(seen, key=lambda d: rank.get(d, 1))) or "no dates"


def _date_parts(text: pd.Series, blank: np.ndarray, dayfirst_hint: bool | None,
                evidence: DateEvidence | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Year, month and day columns (float, NaN where no pattern matched) and the formats seen.

    Each pattern only looks at the values that earlier patterns did not match.
    """
    parts = pd.DataFrame(np.nan, index=text.index, columns=["year", "month", "day"])
    details = []
    steps = [(_ISO_RE, _iso_parts), (_DMY_RE, lambda f: _dmy_parts(f, dayfirst_hint, evidence)),
             (_DAY_NAME_RE, _name_parts), (_NAME_DAY_RE, _name_parts)]
    for pattern, build in steps:
        todo = ~blank & parts["year"].isna().to_numpy()
        if not todo.any():
            break
        found = _extract(text[todo], pattern)
        matched = found.notna().all(axis=1).to_numpy()
        if matched.any():
            values, detail = build(found[matched])
            parts.loc[values.index, ["year", "month", "day"]] = values[["year", "month", "day"]].to_numpy()
            details.append(detail)
    return parts, details


def far_years(values: pd.Series) -> pd.Series:
    """True where a cell holds a four-digit year before 1900 or after 2100 ('1899-12-31', '01/01/9999')."""
    year = _extract(_as_text(values), "(?:^|[^0-9])(?P<year>[0-9]{4})(?:[^0-9]|$)")["year"]
    number = pd.Series(_floats(year), index=values.index)
    return (number < 1900) | (number > 2100)


def _iso_parts(found: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Year, month, day of ISO dates (yyyy-mm-dd)."""
    return pd.DataFrame({c: _floats(found[c]) for c in ("year", "month", "day")}, index=found.index), "ISO"


def _dmy_parts(found: pd.DataFrame, dayfirst_hint: bool | None,
               evidence: DateEvidence | None = None) -> tuple[pd.DataFrame, str]:
    """Year, month, day of dd/mm/yyyy or m/d/yyyy dates, the order being decided over the whole column."""
    first, second = pd.Series(_floats(found["a"]), index=found.index), pd.Series(_floats(found["b"]), index=found.index)
    day, month, detail = _day_month(first, second, dayfirst_hint, evidence)
    year = _full_year(pd.Series(_floats(found["year"]), index=found.index))
    return pd.DataFrame({"year": year, "month": month, "day": day}), detail


def _name_parts(found: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Year, month, day of dates written with an English or French month name."""
    month = found["name"].str.lower().map(_MONTHS).astype("float64")
    year = _full_year(pd.Series(_floats(found["year"]), index=found.index))
    return pd.DataFrame({"year": year, "month": month, "day": _floats(found["day"])}, index=found.index), "month names"


def _full_year(year: pd.Series) -> pd.Series:
    """Four-digit years: 2-digit years 00-68 are 2000-2068, 69-99 are 1969-1999."""
    return year.where(year >= 100, year + np.where(year <= 68, 2000, 1900))


def day_month_order(values: pd.Series) -> tuple[str | None, str | None]:
    """How a column's dd/mm/yyyy-or-m/d/yyyy dates read, and an example value: ("day-first", '31/01/2026'),
    ("month-first", ...), ("mixed", ...), ("ambiguous", '03/04/2026': some date would change with the order),
    ("same", None: every such date has day = month) or (None, None) when the column has no such dates."""
    return date_evidence(values).order()


def _day_month(first: pd.Series, second: pd.Series, dayfirst_hint: bool | None,
               evidence: DateEvidence | None = None):
    """(day, month, detail) for dd/mm vs mm/dd values, decided from the values of the whole column (``evidence``
    when these are one chunk of it)."""
    first_big, second_big = first > 12, second > 12
    n_dayfirst = int((first_big & ~second_big).sum()) if evidence is None else evidence.day_first
    n_monthfirst = int((second_big & ~first_big).sum()) if evidence is None else evidence.month_first
    if n_dayfirst and n_monthfirst:
        dayfirst = first_big | (~second_big & (n_dayfirst >= n_monthfirst))
        detail = "mixed day-first and month-first"
    elif n_dayfirst or n_monthfirst:
        dayfirst = pd.Series(bool(n_dayfirst), index=first.index)
        detail = "day-first (dd/mm/yyyy)" if n_dayfirst else "month-first (m/d/yyyy)"
    else:
        assume = dayfirst_hint is not False
        dayfirst = pd.Series(assume, index=first.index)
        order = "day-first (dd/mm/yyyy)" if assume else "month-first (m/d/yyyy)"
        guess = "ambiguous, assumed day-first" if assume else "ambiguous, assumed month-first"
        differ = bool((first != second).any()) if evidence is None else evidence.differ > 0
        detail = guess if differ else order
    return first.where(dayfirst, second), second.where(dayfirst, first), detail


def _build_dates(parts: pd.DataFrame) -> np.ndarray:
    """datetime64[ns] at midnight from year/month/day columns; NaT for impossible dates or years outside 1900-2100."""
    frame = parts.copy()
    frame.loc[~parts["year"].between(1900, 2100)] = np.nan
    if not frame["year"].notna().any():
        return np.full(len(parts), np.datetime64("NaT"), dtype="datetime64[ns]")
    stamps = pd.to_datetime(frame[["year", "month", "day"]], errors="coerce")
    return stamps.to_numpy(dtype="datetime64[ns]")


def _numbers_only(text: pd.Series, blank: np.ndarray, evidence: DateEvidence | None) -> np.ndarray | None:
    """Which cells are plain numbers, when every non-blank value of the column is one (the whole column's
    ``evidence`` says so for a chunk of it); None when some value is not."""
    numeric = _flags(text.str.match("^[0-9]+(?:[.][0-9]+)?$"))
    if evidence is not None:
        return numeric if evidence.cells and evidence.numeric >= evidence.cells else None
    return None if blank.all() or not (numeric | blank).all() else numeric


def _excel_serials(text: pd.Series, blank: np.ndarray,
                   evidence: DateEvidence | None = None) -> tuple[np.ndarray | None, str]:
    """Dates from Excel serial numbers (20000-80000) when every non-blank value of the column is a number."""
    numeric = _numbers_only(text, blank, evidence)
    if numeric is None:
        return None, ""
    number = _floats(text.where(numeric))
    ok = (number >= 20000) & (number <= 80000)
    days = np.floor(np.where(ok, number, 0)).astype("int64").astype("timedelta64[D]")
    stamps = np.datetime64("1899-12-30", "ns") + days
    return np.where(ok, stamps, np.datetime64("NaT")).astype("datetime64[ns]"), "Excel serial numbers"


def _compact_dates(text: pd.Series, blank: np.ndarray,
                   evidence: DateEvidence | None = None) -> tuple[np.ndarray | None, str]:
    """Dates written yyyymmdd ('20260105', ERP and SAP exports) when every non-blank value of the column is a
    number: eight digits making a real date between 1900 and 2100; other values stay bad."""
    if _numbers_only(text, blank, evidence) is None:
        return None, ""
    found = _extract(text.where(_flags(text.str.match("^(?:19|20)[0-9]{6}$"))),
                     r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$")
    parts = pd.DataFrame({k: pd.to_numeric(found[k], errors="coerce") for k in ("y", "m", "d")})
    stamps = pd.to_datetime(pd.DataFrame({"year": parts["y"], "month": parts["m"], "day": parts["d"]}),
                            errors="coerce")
    return stamps.to_numpy(dtype="datetime64[ns]"), "yyyymmdd"


# A meeting's length as calendars and people write it: '30 min', '45 minutes', '45m 12s' (Teams), '1h', '1 h 30',
# '1h30min', '1.5 h', '1,5 heure', 'PT1H30M' (ISO 8601), '00:45', '1:30:00' (h:mm[:ss]; '45:00', whose first part
# is 10 or more, is minutes:seconds: no 1:1 lasts ten hours). A plain number is minutes.
_DURATION_RE = (r"^(?:pt)?(?:(?P<h>[0-9]+(?:[.,][0-9]+)?) ?(?:h|hr|hrs|hour|hours|heure|heures)"
                r"(?: ?(?P<hm>[0-9]{1,2}) ?(?:m|mn|min|mins|minute|minutes)?)?"
                r"|(?P<m>[0-9]+(?:[.,][0-9]+)?) ?(?:m|mn|min|mins|minute|minutes)(?: ?[0-9]{1,2} ?(?:s|sec|secs))?"
                r"|(?P<ch>[0-9]{1,2}):(?P<cm>[0-5][0-9])(?::(?P<cs>[0-5][0-9]))?)$")


def parse_durations(values: pd.Series) -> Parsed:
    """Minutes of each duration cell: a plain number (minutes, read as ``parse_numbers`` reads it), or a length with
    its unit or as a clock ('30 min' 30, '45m 12s' 45, '1h' 60, '1 h 30' 90, '1.5 h' 90, 'PT1H30M' 90, '00:45' 45,
    '1:30:00' 90, '45:00' 45); NaN where blank, bad where it is none of them (seconds count only on a clock)."""
    numbers = parse_numbers(values)
    text = _as_text(values).str.lower()
    found = _extract(text.str.replace(r"\s+", " ", regex=True), _DURATION_RE)
    number = {k: pd.to_numeric(found[k].str.replace(",", ".", regex=False), errors="coerce")
              for k in ("h", "hm", "m", "ch", "cm", "cs")}
    clock_hours = number["ch"].where((number["ch"] < 10) | number["cs"].notna())  # '45:00' is no 45 hours
    clock = (clock_hours * 60 + number["cm"] + number["cs"].fillna(0) / 60).fillna(
        number["ch"] + number["cm"] / 60)
    minutes = (number["h"] * 60 + number["hm"].fillna(0)).fillna(number["m"]).fillna(clock)
    values_out = numbers.values.where(~numbers.bad, minutes.astype("float64"))
    bad = numbers.bad.to_numpy(dtype=bool) & minutes.isna().to_numpy(dtype=bool)
    return _result(values_out, bad, "minutes", values)


def parse_probability(values: pd.Series, scale: str | None = None) -> Parsed:
    """Win probabilities as fractions 0..1 from '20%', '20', '0.2' or '20,5 %'.

    Values with a % sign are percentages; so is a whole column whose largest value is above 1, or every value when
    ``scale`` is "percent" (``scale="fraction"``: values without a % sign are fractions). Anything below 0 % or
    above 100 % is bad; blank cells are NaN and not bad.
    """
    text = _as_text(values)
    blank = _is_blank(text)
    percent = _flags(text.str.contains("%", regex=False))
    numbers = parse_numbers(text.str.replace("%", "", regex=False)).values.to_numpy(dtype="float64")
    plain = np.where(percent, np.nan, numbers)
    hundred = bool(np.nanmax(plain) > 1) if (~np.isnan(plain)).any() else False
    if scale in ("percent", "fraction"):
        hundred = scale == "percent"
    fractions = np.where(percent | hundred, numbers / 100, numbers)
    bad = ~blank & (np.isnan(fractions) | (fractions < 0) | (fractions > 1))
    fractions = np.where(bad, np.nan, fractions)
    if hundred or (percent.any() and np.isnan(plain).all()):
        detail = "percent (0-100)"
    else:
        detail = "percent signs and fractions (0-1)" if percent.any() else "fraction (0-1)"
    return _result(pd.Series(fractions), bad, detail, values)

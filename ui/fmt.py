"""Numbers, money, percentages and dates formatted for the chosen language with Babel."""
from __future__ import annotations

import datetime as dt
import math
import re

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from ui.i18n import language

_LOCALES = {"en": "en_US", "fr": "fr_FR"}


def _locale() -> str:
    return _LOCALES.get(language(), "en_US")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None, currency: str | None = None, digits: int = 0) -> str:
    """1 234 € (fr) or €1,234 (en); a plain number when the currency is unknown; '–' when missing."""
    if _missing(value):
        return "–"
    pattern = None if digits else "¤#,##0" if language() == "en" else "#,##0 ¤"
    if currency:
        return babel_numbers.format_currency(value, currency, format=pattern, locale=_locale(),
                                             currency_digits=digits != 0)
    return number(value, digits)


def number(value: float | None, digits: int = 0) -> str:
    """1 234,5 (fr) or 1,234.5 (en); '–' when missing."""
    if _missing(value):
        return "–"
    return babel_numbers.format_decimal(round(value, digits), format=f"#,##0.{'0' * digits}" if digits else "#,##0",
                                        locale=_locale())


def pct(value: float | None, digits: int = 0) -> str:
    """A fraction as a percentage: 25 % (fr) or 25% (en); '–' when missing."""
    if _missing(value):
        return "–"
    body = f"#,##0.{'0' * digits}" if digits else "#,##0"
    return babel_numbers.format_percent(value, format=body + ("\u00a0%" if language() == "fr" else "%"),
                                        locale=_locale())


def date(value: dt.date | None) -> str:
    """20/11/2026 (fr) or Nov 20, 2026 (en); '–' when missing."""
    if value is None or (hasattr(value, "year") is False):
        return "–"
    return babel_dates.format_date(value, format="short" if language() == "fr" else "medium", locale=_locale())


def signed(value: float | None, digits: int = 0) -> str:
    """A change with its sign: +12 / −3."""
    if _missing(value):
        return "–"
    value = round(value, digits) + 0.0  # -0.4 shown with no digits is 0, not "−0"
    text = number(abs(value), digits)
    return ("+" if value >= 0 else "−") + text


def money_short(value: float | None, currency: str | None = None) -> str:
    """A compact amount for KPI tiles: €12.7M (en) or 12,7 M € (fr); exact below 10,000."""
    if _missing(value):
        return "–"
    if abs(value) < 10_000:
        return money(value, currency)
    if currency:
        return babel_numbers.format_compact_currency(value, currency, locale=_locale(), fraction_digits=1)
    return babel_numbers.format_compact_decimal(value, locale=_locale(), fraction_digits=1)


def delta(value: float | None, formatter) -> str | None:
    """A KPI change for st.metric: ASCII sign first (Streamlit reads it for the arrow), None when unknown."""
    if _missing(value):
        return None
    return ("-" if value < 0 else "+") + formatter(abs(value)).lstrip("+-−")


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
    return babel_dates.format_date(dt.date(value.year, value.month, 1), format="MMM y", locale=_locale())

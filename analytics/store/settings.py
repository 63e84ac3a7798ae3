"""Every user-facing setting in one table: name, plain label with its unit, default, bounds and a one-line help.

The app's Settings page, the CLI and the docs test all read this table, so a setting cannot exist without a
label, a default, bounds and a help text. The rules for what a person may enter live here too, worded as
``SettingError`` (an English template and its values, which the app translates): the settings' bounds, the
stage probabilities the Settings page takes as percentages (20 = 20 %, stored as 0.2), and conversion rates.
Nothing is clipped: a value out of bounds is refused with the allowed range.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.store.memo import connection_memo
from analytics.store.schema import MAX_RATE


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    minimum: float | None = None
    choices: tuple[str, ...] | None = None
    label: str = ""                # the plain label the Settings page shows, with its unit in brackets
    maximum: float | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("stale_days", 30, "An open deal with no change of stage or amount for this many days is stale: it is "
            "listed under Pipeline hygiene and flagged on the Priorities page.", 1,
            label="Deal stale after (days)", maximum=3650),
    Setting("anonymity_threshold", 5, "Survey groups with fewer answered responses than this are never shown on "
            "the Engagement and Pulse survey pages (never below 3).", 3,
            label="Anonymity threshold (responses)", maximum=1000),
    Setting("comment_threshold", 5, "Free-text comments are shown only for groups with at least this many "
            "responses (never below the anonymity threshold).", 3,
            label="Comment threshold (responses)", maximum=1000),
    Setting("survey_comments", "show", "Hide: survey comments, their frequent phrases and their themes appear on no "
            "page, download or report (report --json gives null).", choices=("show", "hide"),
            label="Survey comments"),
    Setting("wave_period", "month", "When a survey has no wave column, responses are grouped into waves by this "
            "period of their date.", choices=("week", "month", "quarter"), label="Survey wave period"),
    Setting("one_on_one_cadence_days", 30, "An employee whose last 1:1 is older than this many days is overdue on "
            "the 1:1 meetings page.", 1,
            label="1:1 cadence (days)", maximum=365),
    Setting("reporting_currency", "", "Currency every amount is converted to, using the rates in Settings; "
            "empty = no conversion (totals shown per currency).", label="Reporting currency (ISO code, e.g. EUR)"),
    Setting("outlier_factor", 5.0, "An amount more than this many times above or below the owner's median is "
            "flagged under Pipeline hygiene as far outside the owner's usual range.", 1.5,
            label="Unusual amount factor (× the owner's median)", maximum=100),
    Setting("min_closed_for_driver", 20, "An attribute value (a source, an owner, a segment…) needs at least this "
            "many closed deals to be ranked as a win driver and to move deal scores.", 1,
            label="Closed deals needed per win driver", maximum=100_000),
    Setting("team_attribute", "", "The deal column forecast calls roll up by when Settings holds no team table "
            "(e.g. Sales team); empty = the first column whose name looks like a team.",
            label="Team column of the deals"),
)

BY_NAME = {s.name: s for s in SETTINGS}

OUTCOMES = ("open", "won", "lost")  # the outcome codes of a stage (``stages.outcome``)


class SettingError(ValueError):
    """A value a person entered is refused. ``text`` is the English template (the app's translation key),
    ``values`` fill it: numbers as numbers, the setting's label under ``label`` (a translation key too), anything
    else (a stage, a currency, what was typed) as text. ``str()`` is the English sentence."""

    def __init__(self, text: str, **values: object) -> None:
        self.text, self.values = text, values
        super().__init__(text.format(**{k: _english(v) for k, v in values.items()}))


def _english(value: object) -> str:
    """A value as the English sentence shows it: 1000000 -> '1,000,000', 12.5 -> '12.5'."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.10g}"


WHOLE_RANGE = "{label}: enter a whole number from {minimum} to {maximum} (you entered {value})."
NUMBER_RANGE = "{label}: enter a number from {minimum} to {maximum} (you entered {value})."
CHOICE = "{label}: choose one of {choices} (you entered {value})."
UNKNOWN = "Unknown setting {name}."
PROBABILITY_RANGE = "Stage {stage}: enter a probability from 0 to 100 % (you entered {value})."
OUTCOME_MISSING = "Stage {stage}: choose its outcome (open, won or lost)."
STAGE_TWICE = "Stage {stage} appears twice: each stage may appear only once."
RATE_RANGE = "The rate for {currency} must be a positive number below {maximum} (you entered {value})."
RATE_WITHOUT_CURRENCY = "The rate {value} has no currency code."
CURRENCY_TWICE = "The currency {currency} appears twice: each currency has one rate."
REFUSALS = (WHOLE_RANGE, NUMBER_RANGE, CHOICE, UNKNOWN, PROBABILITY_RANGE, OUTCOME_MISSING, STAGE_TWICE, RATE_RANGE,
            RATE_WITHOUT_CURRENCY, CURRENCY_TWICE)


def default_settings() -> dict[str, object]:
    """The value of every setting before the user changed anything."""
    return {s.name: s.default for s in SETTINGS}


def get_settings(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Every setting's current value (the stored one, else its default).

    Read once per read connection (``connection_memo``: a survey view asks thousands of times in one report);
    a connection inside ``transaction`` reads the table every time, and ``set_setting`` drops the memo."""
    memo = connection_memo(con)
    if memo is not None and "settings" in memo:
        return dict(memo["settings"])
    values = default_settings()
    for name, raw in con.execute("SELECT name, value FROM settings").fetchall():
        if name in values:
            values[name] = json.loads(raw)
    if memo is not None:
        memo["settings"] = dict(values)
    return values


def get_fx_rates(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Conversion rates: units of the reporting currency for one unit of each currency.

    Read once per read connection (``connection_memo``: every metric of a page asks); ``set_fx_rates`` drops it."""
    memo = connection_memo(con)
    if memo is not None and "fx_rates" in memo:
        return dict(memo["fx_rates"])
    rates = {code: float(rate) for code, rate in con.execute("SELECT currency, rate FROM fx_rates ORDER BY currency")
             .fetchall()}
    if memo is not None:
        memo["fx_rates"] = dict(rates)
    return rates


def validated(name: str, value: object) -> object:
    """The value cast to the setting's type and checked against its bounds; SettingError (with the allowed
    range) otherwise. A whole-number setting refuses 20.5 rather than truncating it; nothing is clipped."""
    if name not in BY_NAME:
        raise SettingError(UNKNOWN, name=name)
    setting = BY_NAME[name]
    if value is None:
        return setting.default
    if isinstance(setting.default, str):
        cast = str(value).strip()
        if setting.choices and cast not in setting.choices:
            raise SettingError(CHOICE, label=setting.label, choices=", ".join(setting.choices), value=cast)
        return cast.upper() if name == "reporting_currency" else cast
    number = _number(value)
    whole = isinstance(setting.default, int)
    low = setting.minimum if setting.minimum is not None else -math.inf
    high = setting.maximum if setting.maximum is not None else math.inf
    if number is None or (whole and not number.is_integer()) or not low <= number <= high:
        raise SettingError(WHOLE_RANGE if whole else NUMBER_RANGE, label=setting.label,
                           minimum=_plain(setting.minimum), maximum=_plain(setting.maximum),
                           value=_plain(number) if number is not None else str(value))
    return int(number) if whole else number


def allowed_range(setting: Setting) -> tuple[object, object]:
    """(minimum, maximum) a person may enter for a numeric setting, as whole numbers when they are."""
    return _plain(setting.minimum), _plain(setting.maximum)


def _number(value: object) -> float | None:
    """A finite number from what was typed (a number, or text such as '45'), else None (bool is not a number)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _plain(number: float | None) -> object:
    """20.0 -> 20 (a bound or an entry shown as a person wrote it); None stays None."""
    if number is None:
        return None
    return int(number) if float(number).is_integer() else float(number)


# --- stage probabilities: entered and shown as percentages, stored as fractions ----------------------------

def stages_as_percent(table: pd.DataFrame) -> pd.DataFrame:
    """A stage table (``probability`` a fraction 0..1) with its probability as a percentage (0.2 -> 20)."""
    percent = pd.to_numeric(table["probability"], errors="coerce").astype("float64") * 100
    return table.assign(probability=percent.round(6))


def stages_from_percent(table: pd.DataFrame) -> pd.DataFrame:
    """The stage table a person edited (stage, probability in percent, outcome) as stored: probability as a
    fraction (20 -> 0.2). SettingError, naming the stage, for a probability that is not a number from 0 to 100,
    an outcome that is not open, won or lost, or a stage listed twice. A blank probability stays blank."""
    clean = table.dropna(subset=["stage"])
    twice = clean["stage"][clean["stage"].duplicated()]
    if len(twice):
        raise SettingError(STAGE_TWICE, stage=str(twice.iloc[0]))
    fractions = []
    for stage, typed, outcome in zip(clean["stage"], clean["probability"], clean["outcome"], strict=True):
        if outcome not in OUTCOMES:
            raise SettingError(OUTCOME_MISSING, stage=str(stage))
        if _blank(typed):
            fractions.append(None)
            continue
        number = _number(typed)
        if number is None or not 0 <= number <= 100:
            raise SettingError(PROBABILITY_RANGE, stage=str(stage),
                               value=_plain(number) if number is not None else str(typed))
        fractions.append(number / 100)
    return clean.assign(probability=pd.Series(fractions, index=clean.index, dtype="float64"))


# --- conversion rates --------------------------------------------------------------------------------------

def validated_rate(currency: str, rate: object) -> float:
    """A conversion rate (units of the reporting currency per unit of ``currency``): a positive number below
    MAX_RATE, else SettingError."""
    number = None if _blank(rate) else _number(rate)
    if number is None or not 0 < number < MAX_RATE:
        typed = "–" if _blank(rate) else _plain(number) if number is not None else str(rate)
        raise SettingError(RATE_RANGE, currency=str(currency), maximum=MAX_RATE, value=typed)
    return number


def rates_from_rows(currencies: list, rates: list) -> dict[str, float]:
    """The conversion rates a person typed in a table ({code: rate}, codes in capitals); rows blank on both sides
    are ignored. SettingError for a rate without its currency, a currency without a valid rate (see
    ``validated_rate``), or a currency listed twice: no row is dropped or overwritten silently."""
    found: dict[str, float] = {}
    for currency, rate in zip(currencies, rates, strict=True):
        code = "" if _blank(currency) else str(currency).strip().upper()
        if not code:
            if _blank(rate):
                continue
            number = _number(rate)
            raise SettingError(RATE_WITHOUT_CURRENCY, value=_plain(number) if number is not None else str(rate))
        if code in found:
            raise SettingError(CURRENCY_TWICE, currency=code)
        found[code] = validated_rate(code, rate)
    return found


def _blank(value: object) -> bool:
    """Nothing typed: None, NaN, pandas' NA or spaces."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or bool(pd.isna(value))

"""Every user-facing setting in one table: name, default, bounds and a one-line help.

The app's Settings page, the CLI and the docs test all read this table, so a setting
cannot exist without a default and a help text.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    minimum: float | None = None
    choices: tuple[str, ...] | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("stale_days", 30, "An open deal with no change of stage or amount for this many days is stale.", 1),
    Setting("anonymity_threshold", 5, "Survey groups with fewer answered responses than this are never shown "
            "(never below 3).", 3),
    Setting("comment_threshold", 5, "Free-text comments are shown only for groups with at least this many "
            "responses (never below the anonymity threshold).", 3),
    Setting("wave_period", "month", "When a survey has no wave column, responses are grouped into waves by this "
            "period of their date.", choices=("week", "month", "quarter")),
    Setting("one_on_one_cadence_days", 30, "An employee whose last 1:1 is older than this many days is overdue.", 1),
    Setting("reporting_currency", "", "Currency every amount is converted to, using the rates in Settings; "
            "empty = no conversion (totals shown per currency)."),
    Setting("outlier_factor", 5.0, "An amount more than this many times above or below the owner's median is "
            "flagged as far outside the owner's usual range.", 1.5),
    Setting("min_closed_for_driver", 20, "An attribute value (a source, an owner, a segment…) needs at least this "
            "many closed deals to be ranked as a win driver and to move deal scores.", 1),
)

BY_NAME = {s.name: s for s in SETTINGS}


def default_settings() -> dict[str, object]:
    """The value of every setting before the user changed anything."""
    return {s.name: s.default for s in SETTINGS}


def validated(name: str, value: object) -> object:
    """The value cast to the setting's type and checked against its bounds; ValueError with a user message."""
    if name not in BY_NAME:
        raise ValueError(f"unknown setting {name!r}")
    setting = BY_NAME[name]
    kind = type(setting.default)
    try:
        cast = kind(value) if value is not None else setting.default
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a {kind.__name__}, got {value!r}") from None
    if setting.minimum is not None and cast < setting.minimum:
        raise ValueError(f"{name} cannot be below {setting.minimum:g}")
    if setting.choices and cast not in setting.choices:
        raise ValueError(f"{name} must be one of {', '.join(setting.choices)}")
    if isinstance(cast, str):
        cast = cast.strip().upper() if name == "reporting_currency" else cast.strip()
    return cast

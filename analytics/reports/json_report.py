"""The whole report as one JSON-ready dict (METRICS.md §7): deals, survey and 1:1 sections."""
from __future__ import annotations

import datetime as dt

import duckdb

from analytics.people import drivers, one_on_ones, participation, survey, themes
from analytics.reports import calls_section
from analytics.reports import deals_section as sales_report


def build_report(con: duckdb.DuckDBPyConnection, date_from: dt.date | None = None,
                 date_to: dt.date | None = None) -> dict:
    """Every section of the report; a section with no data is None."""
    return {
        "deals": sales_report.deals_report(con, date_from=date_from, date_to=date_to),
        "survey": survey_section(con),
        "one_on_ones": one_on_ones.one_on_ones_report(con),
        "forecast_calls": calls_section.calls_report(con),
    }


def survey_section(con: duckdb.DuckDBPyConnection) -> dict | None:
    """``survey``: waves and questions (``survey.survey_report``) plus ``drivers`` (key drivers of eNPS per wave
    for everyone, null when no wave has enough answers), ``participation`` (None without a headcount) and
    ``comment_themes`` (None when comments are hidden or none is shown), under the same privacy rule."""
    section = survey.survey_report(con)
    if section is not None:
        section["drivers"] = drivers.drivers_report(con)
        section["participation"] = participation.participation_report(con)
        section["comment_themes"] = themes.themes_report(con)
    return section

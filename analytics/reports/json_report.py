"""The whole report as one JSON-ready dict (METRICS.md §7): deals, survey and 1:1 sections."""
from __future__ import annotations

import datetime as dt

import duckdb

from analytics.people import one_on_ones, survey
from analytics.reports import calls_section
from analytics.reports import deals_section as sales_report


def build_report(con: duckdb.DuckDBPyConnection, date_from: dt.date | None = None,
                 date_to: dt.date | None = None) -> dict:
    """Every section of the report; a section with no data is None."""
    return {
        "deals": sales_report.deals_report(con, date_from=date_from, date_to=date_to),
        "survey": survey.survey_report(con),
        "one_on_ones": one_on_ones.one_on_ones_report(con),
        "forecast_calls": calls_section.calls_report(con),
    }

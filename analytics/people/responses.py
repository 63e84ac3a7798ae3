"""The rows every survey metric starts from: a response, its wave, its group in each dimension, the filters.

Shared by ``survey`` (the numbers) and ``privacy`` (what may be shown), so that both see exactly the same
sets of responses.

- **Wave** of a response: its ``wave_label`` when present, else the period of ``responded_on`` per the
  ``wave_period`` setting (month ``YYYY-MM``, ISO week ``YYYY-Www``, quarter ``YYYY-Qn``), else ``undated``.
- **Group** of a response in a dimension: its trimmed value, or ``NOT_GIVEN`` ("(not given)") when it left
  it blank; one value per response and dimension (the smallest, should a file ever hold two).
- **Filters** ``{dimension: [values]}``: values of one dimension are alternatives (OR), dimensions combine
  (AND); an empty list means "no filter on that dimension"; ``NOT_GIVEN`` selects the blanks.
"""
from __future__ import annotations

import re

import duckdb

from analytics import store
from analytics.store.sql import Fragment, checked, value_list

NOT_GIVEN = "(not given)"
UNDATED = "undated"
PREFERRED_DIMENSIONS = ("department", "team", "manager", "location", "tenure")

# The SQL expression of a response's period, chosen by the validated wave_period setting (never user text).
_PERIOD_SQL = {
    "month": "strftime(r.responded_on, '%Y-%m')",
    "week": "strftime(r.responded_on, '%G-W%V')",
    "quarter": "CAST(year(r.responded_on) AS VARCHAR) || '-Q' || CAST(quarter(r.responded_on) AS VARCHAR)",
}

# One value per (response, dimension): blanks are NULL.
GROUP_VALUES_SQL = ("SELECT import_id, response_no, dimension, min(nullif(trim(value), '')) AS value "
                    "FROM survey_groups GROUP BY import_id, response_no, dimension")


def clean_filters(filters: dict | None) -> dict[str, list[str]]:
    """{dimension: sorted distinct trimmed values}; dimensions with no values are dropped."""
    clean: dict[str, list[str]] = {}
    for dimension, values in sorted((filters or {}).items()):
        if values is None:
            continue
        if isinstance(values, str):
            values = [values]
        kept = sorted({str(v).strip() for v in values if v is not None and str(v).strip()})
        if kept:
            clean[str(dimension)] = kept
    return clean


def group_value_sql(alias: str = "r") -> str:
    """The group of response ``alias`` in one dimension (parameters: the dimension, then NOT_GIVEN)."""
    alias = checked(alias, ("r", "resp"))
    return (f"coalesce((SELECT min(nullif(trim(g.value), '')) FROM survey_groups g WHERE g.import_id = "
            f"{alias}.import_id AND g.response_no = {alias}.response_no AND g.dimension = ?), ?)")


def filter_sql(filters: dict | None) -> Fragment:
    """A WHERE condition on responses ``r`` for the filters, with its parameters."""
    parts = [Fragment("TRUE", [])]
    for dimension, values in clean_filters(filters).items():
        parts.append(Fragment(f"{group_value_sql()} IN (", [dimension, NOT_GIVEN]) + value_list(values)
                     + Fragment(")", []))
    return Fragment.join(" AND ", parts)


def responses_sql(con: duckdb.DuckDBPyConnection, filters: dict | None) -> Fragment:
    """SELECT of the filtered responses: import_id, response_no, wave, responded_on, enps, enps_scale."""
    period = store.get_settings(con)["wave_period"]
    where = filter_sql(filters)
    head = Fragment(
        "SELECT r.import_id, r.response_no, r.responded_on, r.enps, coalesce(r.enps_scale, '0-10') AS enps_scale, "
        f"coalesce(nullif(trim(r.wave_label), ''), {_PERIOD_SQL.get(period, _PERIOD_SQL['month'])}, ?) AS wave "
        "FROM survey_responses r WHERE ", [UNDATED])
    return head + where


def natural_key(text: str) -> list:
    """Sort key putting "Team 2" before "Team 10", case-insensitively."""
    return [int(part) if i % 2 else part.casefold() for i, part in enumerate(re.split(r"(\d+)", text))]


def group_key(group: str) -> tuple:
    """Sort key of a group: natural order of its name, ``NOT_GIVEN`` last."""
    return (group == NOT_GIVEN, natural_key(group))


def dimension_key(dimension: str) -> tuple:
    """Sort key of a dimension: department, team, manager, location, tenure, then alphabetical."""
    order = {d: i for i, d in enumerate(PREFERRED_DIMENSIONS)}
    return (order.get(dimension, len(order)), dimension.casefold())

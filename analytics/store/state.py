"""Every deal's state as the metrics read it, over rows of deals: its status, stage position, win probability and
value in the reporting currency (METRICS.md 1-3), and the reporting currency itself; and which row of each deal
``deal_versions`` holds as of a date (``VALID_AS_OF``).

It is the store's because the headline KPIs are derived at import from it (``analytics.store.headline``), in the
same words as the metrics read it live (``analytics.sales.deals``, which re-exports it).
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb

from analytics.store.memo import connection_memo
from analytics.store.schema import RATE
from analytics.store.settings import get_fx_rates, get_settings
from analytics.store.sql import Fragment, checked

# A deal's rows as of a date ``{day}`` (an SQL expression), from ``deal_versions``: the rows valid then, dropped when
# a full export of their pipeline on or before it missed them (``derived.rows_as_of``, the movement pairs'
# sides).
VALID_AS_OF = ("SELECT {columns}, coalesce(dropped_on <= {day}, FALSE) AS is_dropped FROM deal_versions "
               "WHERE snapshot_on <= {day} AND (valid_until IS NULL OR valid_until > {day})")


@dataclass(frozen=True)
class Currency:
    """How amounts are summed: ``code`` is the currency totals are in; ``rates`` converts the others."""
    code: str | None
    rates: dict[str, float]


def reporting_currency(con: duckdb.DuckDBPyConnection) -> Currency:
    """The currency every total is expressed in.

    The reporting currency set in Settings, else the most common currency among the deals
    (blank when no export named a currency). Amounts in another currency count in value sums only
    when Settings holds a rate for it; otherwise they are left out of totals, never added as-is.
    """
    chosen = str(get_settings(con).get("reporting_currency") or "")
    if not chosen:
        chosen = most_common_currency(con) or ""
    return Currency(chosen or None, get_fx_rates(con))


def most_common_currency(con: duckdb.DuckDBPyConnection) -> str | None:
    """The currency named by the most snapshot rows (every import's; ties: the first code alphabetically), None
    when no export named one. It scans every snapshot row: a read connection (``memo.connection_memo``) asks
    once for its life, as a page's queries all need it."""
    memo = connection_memo(con)
    if memo is not None and "most_common_currency" in memo:
        return memo["most_common_currency"]
    row = con.execute("SELECT currency FROM deal_snapshots WHERE currency IS NOT NULL "
                      "GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1").fetchone()
    found = row[0] if row else None
    if memo is not None:
        memo["most_common_currency"] = found
    return found


def rate_case(currency: Currency, alias: str = "s") -> Fragment:
    """SQL expression: the factor that converts a row's amount into the reporting currency, NULL if unknown
    (currency codes and rates are bound parameters; ``alias`` is the row's table alias, "s" or "w")."""
    one = f"CAST(1 AS {RATE})"
    alias = checked(alias, ("s", "w"))
    parts = [Fragment(f"WHEN {alias}.currency IS NULL THEN {one}", [])]
    if currency.code is not None:
        parts.append(Fragment(f"WHEN {alias}.currency = ? THEN {one}", [currency.code]))
        parts += [Fragment(f"WHEN {alias}.currency = ? THEN CAST(? AS {RATE})", [code, str(float(rate))])
                  for code, rate in currency.rates.items() if code != currency.code]
    return Fragment("CASE ", []) + Fragment.join(" ", parts) + Fragment(" END", [])


def state_sql(source: Fragment, currency: Currency) -> Fragment:
    """The deal state over ``source`` (rows of ``latest_rows_sql``): status, stage position, p and value."""
    rate = rate_case(currency)
    return Fragment(f"""
    SELECT s.import_id, s.snapshot_on, s.deal_id, s.name, s.pipeline, s.stage,
           coalesce(s.status_raw, st.outcome, 'open') AS status,
           s.amount, s.currency, s.owner, s.created_on, s.close_on, s.forecast_category,
           st.position AS stage_position,
           st.probability AS stage_probability,
           coalesce(s.probability, st.probability) AS p,
           s.amount * ({rate.sql}) AS value,
           s.is_dropped
    FROM {source.sql} s
    LEFT JOIN stages st ON st.pipeline = s.pipeline AND st.stage = s.stage
    """, [*rate.params, *source.params])

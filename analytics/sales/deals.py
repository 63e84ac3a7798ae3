"""The state of every deal at a date, built from the imported snapshots (METRICS.md sections 1-3).

``deal_state_sql(as_of)`` is the base every sales metric reads: one row per deal, its row in the
latest snapshot (on or before ``as_of``) that contains it, with its status, its effective win
probability, its stage position and its amount in the reporting currency.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from analytics import store
from analytics.store.derived import current_is_fresh, is_fresh, latest_rows_sql, rows_as_of
from analytics.store.schema import RESERVED_ATTRIBUTES
from analytics.store.sql import Fragment, checked, value_list
from analytics.store.state import (  # the state's words, re-exported for the metrics
    Currency,
    most_common_currency,  # noqa: F401
    rate_case,  # noqa: F401
    reporting_currency,
    state_sql,
)

# The aliases the queries give the deal state they filter (DealFilter.where); never "a", which the attribute
# subquery uses itself.
FILTER_ALIASES = ("d", "k", "p")


def latest_snapshot_on(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The date of the newest deals snapshot, or None when no deals were imported."""
    return con.execute("SELECT max(snapshot_on) FROM deal_snapshots").fetchone()[0]


def snapshot_dates(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """Every distinct deals snapshot date, oldest first."""
    return [r[0] for r in con.execute("SELECT DISTINCT snapshot_on FROM deal_snapshots ORDER BY 1").fetchall()]


def deal_state_sql(as_of: dt.date | None, currency: Currency, con: duckdb.DuckDBPyConnection | None = None) -> Fragment:
    """SQL for one row per deal: its current state as of a date (every snapshot when ``as_of`` is None).

    Current state = the deal's row in the latest snapshot that contains it (ordered by snapshot date,
    then import). A deal absent from its pipeline's latest full (non-partial) snapshot but present
    earlier is dropped: ``is_dropped`` is true and it never counts as open (METRICS.md section 2).
    status = explicit status column, else the stage's won/lost flag, else open.
    p = exported probability, else the stage's configured probability (open deals only).
    value = amount in the reporting currency (NULL when unknown or not convertible).
    With ``con``, the rows are read from the stored ``deal_versions`` when it is fresh (the same rows, cheaper).
    """
    rows = latest_rows_sql(as_of) if con is None else rows_as_of(con, as_of)
    return state_sql(Fragment(f"({rows.sql})", rows.params), currency)


@dataclass(frozen=True)
class StateSource:
    """Every deal's state as of a date, as SQL to put in a query (no temporary view: each query carries it).

    ``query`` is a SELECT with its bound parameters (the date, currency codes and rates); ``materialize`` is True
    when it is computed from the snapshots (a past date), so a query reading it several times computes it once.
    """
    query: Fragment
    currency: Currency
    materialize: bool

    def cte(self, name: str = "deal_state") -> Fragment:
        """``name AS [MATERIALIZED] (query)``, one CTE of a WITH clause, with its parameters."""
        name = checked(name, ("deal_state",))
        return Fragment(f"{name} AS {'MATERIALIZED ' if self.materialize else ''}({self.query.sql})",
                        self.query.params)


def state_source(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None,
                 currency: Currency | None = None) -> StateSource:
    """The SQL of every deal's state as of a date: the stored ``deal_current`` when that is the current state
    (cheap), else the rows valid at ``as_of`` in ``deal_versions`` (or computed from the snapshots on or before
    it). ``currency``: the reporting currency, read here when not given."""
    currency = currency or reporting_currency(con)
    latest = latest_snapshot_on(con)
    if (as_of is None or latest is None or as_of >= latest) and current_is_stored(con):
        return StateSource(state_sql(Fragment("deal_current", []), currency), currency, False)
    return StateSource(deal_state_sql(as_of, currency, con), currency, True)


def current_is_stored(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the stored ``deal_current`` holds every deal's current state (built from exactly the snapshots
    now stored); a read connection (``store.connection_memo``) asks once for its life, as every query of a page
    starts here."""
    memo = store.connection_memo(con)
    if memo is None:
        return current_is_fresh(con)
    if "current_is_fresh" not in memo:
        memo["current_is_fresh"] = current_is_fresh(con)
    return memo["current_is_fresh"]


@dataclass(frozen=True)
class DealFilter:
    """What the user narrowed the deals to: pipelines, owners and extra attributes (segment, source…).

    Empty means everything. Hashable, so pages can pass it to cached functions.
    ``attributes`` is a tuple of (attribute, (values…)) pairs.
    """
    pipelines: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    attributes: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def where(self, alias: str = "d") -> Fragment:
        """A SQL predicate over a deal_state alias (one of the fixed aliases of the queries), with its bound
        parameters ("TRUE" when empty)."""
        alias = checked(alias, FILTER_ALIASES)
        parts = [Fragment("TRUE", [])]
        for column, values in (("pipeline", self.pipelines), ("owner", self.owners)):
            if values:
                parts.append(Fragment(f"{alias}.{column} IN (", []) + value_list(values) + Fragment(")", []))
        for attribute, values in self.attributes:
            if values:
                parts.append(Fragment(
                    f"EXISTS (SELECT 1 FROM deal_attributes a WHERE a.import_id = {alias}.import_id "
                    f"AND a.deal_id = {alias}.deal_id AND a.attribute = ? AND a.value IN (", [attribute])
                    + value_list(values) + Fragment("))", []))
        return Fragment.join(" AND ", parts)


def filter_choices(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Values the user can filter on: pipelines, owners, and each extra attribute the exports carried (every
    snapshot's; read from the stored ``deal_filter_values`` when it is fresh)."""
    reserved = value_list(RESERVED_ATTRIBUTES)
    if is_fresh(con, "deal_filter_values"):
        rows = con.execute(*(Fragment(
            "SELECT field, attribute, list(value ORDER BY value) FROM deal_filter_values "
            "WHERE field <> 'attribute' OR attribute NOT IN (", []) + reserved + Fragment(
            ") GROUP BY field, attribute ORDER BY field = 'attribute', attribute", []))).fetchall()
        stored = {field if field != "attribute" else attribute: values for field, attribute, values in rows}
        return {"pipeline": stored.pop("pipeline", []), "owner": stored.pop("owner", []), **stored}
    choices = {
        "pipeline": [r[0] for r in con.execute(
            "SELECT DISTINCT pipeline FROM deal_snapshots ORDER BY 1").fetchall()],
        "owner": [r[0] for r in con.execute(
            "SELECT DISTINCT owner FROM deal_snapshots WHERE owner IS NOT NULL ORDER BY 1").fetchall()],
    }
    # fields kept under a reserved name (the loss reason: known only once a deal is lost) are no filter
    query = Fragment("SELECT attribute, list(DISTINCT value ORDER BY value) FROM deal_attributes "
                     "WHERE value IS NOT NULL AND attribute NOT IN (", []) + reserved + \
        Fragment(") GROUP BY attribute ORDER BY attribute", [])
    for attribute, values in con.execute(*query).fetchall():
        choices[attribute] = values
    return choices

"""The deals the Priorities page learns from and lists (analytics.sales.priorities), read from the store.

Two ways, the same facts: ``deal_frame`` reads every deal into one pandas row each (the tests and small
databases); ``DealTable`` keeps the same rows in a temporary DuckDB table for one computation and fetches
only what the score model needs: closed deals counted by (pipeline, stage reached, outcome, attribute value),
the win drivers' counts, and the open deals of the filter — at a million deals the frame alone takes seconds and
hundreds of MB (issue 16).
"""
from __future__ import annotations

import datetime as dt
import uuid
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate

import duckdb
import numpy as np
import pandas as pd

from analytics.sales import movement
from analytics.sales.deals import DealFilter, rate_case
from analytics.sales.scope import (
    ALL_DEALS,
    BLANK_GROUP,
    REACHED_CTE,
    REACHED_JOINS,
    REACHED_POSITION,
    STAGE_HISTORY_CTES,
    Scope,
    entries_sql,
    open_scope,
    scoped_ctes,
)
from analytics.store import derived
from analytics.store.frames import read_frame
from analytics.store.outcomes import PUSHES_FROM_STORE
from analytics.store.schema import LOSS_REASON_ATTRIBUTE
from analytics.store.sql import Fragment

ATTR = "attr:"  # deal_frame's column of an extra attribute: ATTR + its name

_PUSHES = """,
snapshot_rows AS (
    SELECT s.deal_id, s.snapshot_on, s.import_id, s.close_on,
           coalesce(s.status_raw, st.outcome, 'open') = 'open' AS was_open
    FROM deal_snapshots s JOIN scoped k ON k.deal_id = s.deal_id
    LEFT JOIN stages st ON st.pipeline = s.pipeline AND st.stage = s.stage
    WHERE s.snapshot_on <= (SELECT as_of FROM cutoff)
),
pushes AS (
    SELECT deal_id, count(*) FILTER (was_open AND prev_open) AS pairs,
           count(*) FILTER (was_open AND prev_open AND close_on > prev_close) AS pushes
    FROM (SELECT *, lag(was_open) OVER w AS prev_open, lag(close_on) OVER w AS prev_close
          FROM snapshot_rows WINDOW w AS (PARTITION BY deal_id ORDER BY snapshot_on, import_id))
    GROUP BY deal_id
)"""

_DEAL_ROWS = """
SELECT k.deal_id, k.import_id, k.name, k.owner, k.pipeline, k.stage, k.status, k.amount, k.currency, k.value,
       k.created_on, k.close_on, k.snapshot_on, k.is_dropped, k.p,
       """ + REACHED_POSITION + """ AS reached_position,
       CASE WHEN p.pairs > 0 THEN p.pushes END AS pushes,
       CASE WHEN k.status IN ('won', 'lost') AND k.close_on >= k.created_on
            THEN k.close_on - k.created_on END AS cycle_days,
       ({filter_sql}) AS in_filter
FROM scoped k  -- the furthest open stage read with the deal's columns, not joined back{reached_joins}
LEFT JOIN pushes p USING (deal_id)
WHERE NOT (k.is_dropped AND k.status = 'open')"""
_DEALS = "{rows}\nORDER BY k.deal_id"


# ``reached`` (scope.STAGE_HISTORY_CTES) read from the stored ``deal_stage_entries`` (analytics.store.derived, its
# reached_on): the stages each deal was shown at or given an entry date for, as of the cutoff, in its current pipeline,
# plus those of the stage-history imports (read as they are: never stored). Only which stages were reached matters here,
# not when.
_STORED_REACH = """,
open_stages AS (SELECT pipeline, stage, position FROM stages WHERE outcome = 'open'),
open_entries AS (
    SELECT r.deal_id, r.pipeline, o.position
    FROM deal_stage_entries r JOIN open_stages o ON o.pipeline = r.pipeline AND o.stage = r.stage
    WHERE r.reached_on <= (SELECT as_of FROM cutoff)  -- ``reached`` keeps the scoped deals' own pipeline"""
_REACHED_FROM_STORE = _STORED_REACH + """
    UNION ALL
    SELECT h.deal_id, h.pipeline, o.position FROM (""" + entries_sql("scoped") + """) h
    JOIN open_stages o USING (pipeline, stage)
),""" + REACHED_CTE
# the same without stage-history imports: ``scoped`` then read once, not materialised (0.3-0.5 CPU-s at 1M deals)
_REACHED_FROM_REACH = _STORED_REACH + "\n)," + REACHED_CTE


def _reached_ctes(con: duckdb.DuckDBPyConnection) -> Fragment:
    """The CTEs ending in ``reached``: from ``deal_stage_entries`` while it is fresh (and the stage-history imports
    when there are any), else from every snapshot."""
    if not derived.is_fresh(con, "deal_stage_entries"):
        return Fragment(STAGE_HISTORY_CTES, [])
    return Fragment(_REACHED_FROM_STORE if movement.has_stage_history(con) else _REACHED_FROM_REACH, [])


def _deal_rows(con: duckdb.DuckDBPyConnection, scope: Scope, as_of: dt.date | None, flt: DealFilter,
               template: str = _DEALS) -> Fragment:
    """``template`` (``_DEALS`` or a query over ``deal_rows``) after the CTEs of the deals' rows: their furthest open
    stage read from the stored stays when the scope has them (``Scope.stored_stays``: one row per deal, no grouping
    of its entries), else from ``_reached_ctes``."""
    if scope.stored_stays:
        stages, joins = Fragment(scope.reached_ctes, []), scope.reached_joins
    else:
        stages, joins = _reached_ctes(con), REACHED_JOINS
    rows = Fragment.format(_DEAL_ROWS, filter_sql=flt.where("k"), reached_joins=Fragment(joins, []))
    return scoped_ctes(scope, ALL_DEALS) + stages + _pushes_ctes(con, as_of) + Fragment.format(template, rows=rows)


def _pushes_ctes(con: duckdb.DuckDBPyConnection, as_of: dt.date | None) -> Fragment:
    """The CTE ``pushes``: from ``deal_pushes`` while it is fresh and the as-of date is the latest snapshot's, else
    from every snapshot up to the as-of date."""
    return Fragment(PUSHES_FROM_STORE if movement.pushes_are_stored(con, as_of) else _PUSHES, [])


def deal_frame(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS,
               as_of: dt.date | None = None) -> tuple[pd.DataFrame, dt.date | None]:
    """Every deal as of a date (dropped open deals left out), with what the drivers and the score need.

    Grain: one row per deal. Columns: deal_id, import_id, name, owner, pipeline, stage, status, amount,
    currency, value, created_on, close_on, snapshot_on, is_dropped, p, reached_position (the last open
    stage reached, METRICS.md 3; won = every stage), pushes (close_on increases from one snapshot to the
    next while the deal was open; None when it was never seen open in two snapshots), cycle_days
    (closed deals: close_on - created_on), in_filter (the deal matches ``flt``), and one column
    ``attr:<name>`` per extra attribute of the exports. Also returns the as-of snapshot date.
    A push = close_on later than at the previous snapshot, the deal open at both (as ``movement.slips``).
    """
    scope = open_scope(con, as_of)
    frame = con.execute(*_deal_rows(con, scope, as_of, flt)).df()
    state = scope.state.cte()
    attributes = con.execute(
        f"WITH {state.sql} SELECT a.deal_id, a.attribute, max(a.value) AS value FROM deal_attributes a "
        "JOIN deal_state d ON d.import_id = a.import_id AND d.deal_id = a.deal_id "
        "WHERE a.attribute <> ? GROUP BY ALL",  # the loss reason is known only once lost: never a win driver
        [*state.params, LOSS_REASON_ATTRIBUTE]).df()
    if not attributes.empty:
        wide = attributes.pivot(index="deal_id", columns="attribute", values="value")
        wide.columns = [ATTR + str(c) for c in wide.columns]
        frame = frame.merge(wide, left_on="deal_id", right_index=True, how="left")
    return _with_slips(con, _typed(frame), as_of), scope.as_of


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """A deal frame's dates as datetime.date objects (``_dates``) and in_filter as booleans."""
    for column in ("created_on", "close_on", "snapshot_on"):
        frame[column] = _dates(frame[column])
    frame["in_filter"] = frame["in_filter"].astype(bool)
    return frame


def _dates(values: pd.Series) -> pd.Series:
    """``pd.to_datetime(values).dt.date`` (datetime.date objects, NaT when missing) with one object per date, shared by
    its rows: a cached result pickles each date once (73k open deals' close dates: 0.05 -> 0.001 s)."""
    codes, uniques = pd.factorize(pd.to_datetime(values))
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = uniques.date
    table[-1] = pd.NaT  # code -1: missing
    return pd.Series(table[codes], index=values.index, name=values.name)


def _with_slips(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    """Open deals take their pushes from ``movement.slips`` (the Movement page's count, which also reads
    stage-history imports), so "pushed twice" agrees with it; closed deals keep the snapshot count."""
    known = known_pushes_of(con, as_of).set_index("deal_id")["pushes"]
    is_open = frame["status"] == "open"
    frame["pushes"] = frame["pushes"].astype("Float64")
    frame.loc[is_open, "pushes"] = frame.loc[is_open, "deal_id"].map(known).astype("Float64")
    return frame


# --- the same rows in a temporary table, counted in SQL -------------------------------------------------------

# An open deal's pushes are those of ``movement.slips`` (``_with_slips``): they are not in the table, ``open_deals``
# maps them (``DealTable.known_pushes``), so the table is built without waiting for them.
_TABLE = """,
deal_rows AS ({rows})
SELECT r.deal_id, r.import_id, r.owner, r.pipeline, r.status, r.value, r.close_on, r.reached_position, r.in_filter,
       CASE WHEN r.status = 'open' THEN NULL ELSE r.pushes END AS pushes
FROM deal_rows r"""

# The same rows read from the stored ``deal_outcomes`` (analytics.store.outcomes) for the latest state: the value
# and the filter applied to them (a copy: 0.05 s at a million deals, where computing them took 0.3 s).
_STORED_TABLE = """
SELECT deal_id, import_id, owner, pipeline, status, value, close_on, reached_position, ({filter_sql}) AS in_filter,
       pushes
FROM {outcomes} k"""

_CLOSED = "status IN ('won', 'lost')"
# The counts in one order: the model adds them up in it, so the same deals give the same figures to the last digit
# (DuckDB's groups come in any order; a Brier score's last digits moved with it).
_ORDERED = " ORDER BY ALL"

# One row per (closed deal, attribute it has a value of) over ``closed`` (the table's closed rows with their keys):
# the same values as ``priorities.categories`` of the frame; an extra attribute is a row of deal_attributes. Pushes
# rows come from the closed deals with pushes: with none, there are none, whether open deals have pushes or not.
_CATEGORIES = """
SELECT 'owner' AS attribute, coalesce(c.owner, ?) AS value, {keys} FROM closed c
UNION ALL SELECT 'pipeline', coalesce(c.pipeline, ?), {keys} FROM closed c
UNION ALL SELECT 'pushes', CASE WHEN c.pushes >= 2 THEN '2+' ELSE CAST(CAST(c.pushes AS BIGINT) AS VARCHAR) END,
    {keys} FROM closed c WHERE c.pushes IS NOT NULL"""
_EXTRA_CATEGORIES = """
UNION ALL SELECT a.attribute, a.value, {keys} FROM closed c
    JOIN deal_attributes a ON a.import_id = c.import_id AND a.deal_id = c.deal_id
    WHERE list_contains(?, a.attribute) AND a.value IS NOT NULL"""
# The extra attributes' rows of ``closed_counts`` read from the stored counts (analytics.store.outcomes), for the
# latest state and no filter (every deal is in it): each row a group of closed deals with the keys of ``closed``,
# n deals of them, money their values' sum, valued how many have one.
_STORED_EXTRA_CATEGORIES = """
UNION ALL SELECT w.attribute, w.value, w.pipeline, w.reached_position, CAST(w.status = 'won' AS INTEGER),
    coalesce(w.close_on >= CAST({cut_on} AS DATE), FALSE), ({drivers}), w.amount_sum * ({rate}), w.deals,
    CASE WHEN ({rate}) IS NULL THEN 0 ELSE w.amounts END
FROM (SELECT *, TRUE AS in_filter FROM closed_attribute_counts) w WHERE list_contains({extras}, w.attribute)"""


class DealTable:
    """The rows of ``deal_frame`` (one per deal, dropped open deals left out) read as the table ``name`` by one
    computation's queries (``query``): the stored outcomes read where each query reads them, else (a past date, stale
    tables) a temporary table of ``con`` computed once. The columns the counts need (deal_id, import_id, owner,
    pipeline, status, value, close_on, reached_position, in_filter, pushes: the closed deals'); extra attributes are
    read from deal_attributes, those named in ``extras`` (all but the loss reason and ``skip``); the open deals of the
    filter are ``open_deal_rows``' with their reached_position from the table and their pushes from ``known_pushes``.
    ``known_pushes`` and ``open_rows``: functions giving ``known_pushes_of``' and ``open_deal_rows``' frames, e.g.
    futures' ``result`` when another connection reads them meanwhile (default: read through ``con`` when needed).

    ``with DealTable(con, flt=flt, as_of=as_of, skip=(…)) as deals:`` makes it, the block ends by dropping it.
    ``attributes``: what every count is keyed by, in ``categories``' order: owner ('(blank)' when blank),
    pipeline, each extra attribute (blank = no value), pushes ('0', '1', '2+'; only when a deal has pushes).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS,
                 as_of: dt.date | None = None, skip: tuple[str, ...] = (),
                 known_pushes: Callable[[], pd.DataFrame] | None = None,
                 open_rows: Callable[[], pd.DataFrame] | None = None):
        self.con, self.flt, self.as_of_arg, self.skip = con, flt, as_of, skip
        self._read_pushes = known_pushes or (lambda: known_pushes_of(con, as_of))
        self._open_rows = open_rows or (lambda: open_deal_rows(con, flt=flt, as_of=as_of, skip=skip))
        self._known: pd.DataFrame | None = None
        self.name = f"priority_deals_{uuid.uuid4().hex}"  # our own identifier: letters, digits and _
        self.extras: tuple[str, ...] = ()
        self.as_of: dt.date | None = None
        self._closed_pushes = False  # a closed deal of the table has pushes
        self.stored, self.currency = False, None  # read from the stored tables; the reporting currency
        self._rows: Fragment | None = None  # the stored rows' SELECT, read by each query (no table then)

    def __enter__(self) -> DealTable:
        con, scope = self.con, open_scope(self.con, self.as_of_arg)
        self.as_of = scope.as_of
        self.extras = _extras(con, self.skip)
        self.stored, self.currency = scope.stored_outcomes, scope.currency
        if self.stored:  # the latest state's rows, stored: each query reads them (a copy in memory was slower)
            self._rows = Fragment.format(_STORED_TABLE, outcomes=scope.valued_outcomes, filter_sql=self.flt.where("k"))
        else:
            query = _deal_rows(con, scope, self.as_of_arg, self.flt, _TABLE)
            con.execute(f"CREATE TEMP TABLE {self.name} AS " + query.sql, query.params)
        # a deal has pushes: a closed one of the table, else an open one of ``known_pushes`` (the table's open deals)
        self._closed_pushes = bool(self._fetch(
            Fragment(f"SELECT bool_or(pushes IS NOT NULL) FROM {self.name}", [])).fetchone()[0])
        return self

    def query(self, sql: Fragment, ctes: Fragment | None = None) -> Fragment:
        """The SELECT ``sql``, reading the table by ``name``, after a WITH clause of the common table expressions
        ``ctes`` ("a AS (…), b AS (…)", which may read the table too). When the table was not created, the stored
        rows come first in that clause, under the table's name (read where the query reads them: at a million deals a
        copy of them in memory cost 112 MB and more time than it saved)."""
        named = [] if self._rows is None else [
            Fragment(f"{self.name} AS NOT MATERIALIZED ({self._rows.sql})", self._rows.params)]
        named += [] if ctes is None else [ctes]
        return Fragment("WITH ", []) + Fragment.join(", ", named) + Fragment(" ", []) + sql if named else sql

    def _fetch(self, sql: Fragment, ctes: Fragment | None = None) -> duckdb.DuckDBPyConnection:
        return self.con.execute(*self.query(sql, ctes))

    @property
    def with_pushes(self) -> bool:
        """A deal has pushes: a closed one of the table, else an open one of ``known_pushes`` (the table's open deals;
        read only when the closed ones have none, and only when asked: the closed deals are counted meanwhile)."""
        return self._closed_pushes or bool(self.known_pushes()["pushes"].notna().any())

    def known_pushes(self) -> pd.DataFrame:
        """The open deals' pushes (``known_pushes_of``: deal_id, pushes), read once."""
        if self._known is None:
            self._known = self._read_pushes()
        return self._known

    def __exit__(self, *exc) -> None:
        if self._rows is None:
            self.con.execute(f"DROP TABLE IF EXISTS {self.name}")

    @property
    def attributes(self) -> tuple[str, ...]:
        return ("owner", "pipeline", *self.extras, *(("pushes",) if self.with_pushes else ()))

    def _categories(self, keys: str, extras: Fragment | None = None) -> Fragment:
        """``_CATEGORIES`` keeping the columns ``keys`` (names of ``closed``, comma-separated), then the extra
        attributes' rows: ``extras`` when given (rows with the same columns), else read from deal_attributes."""
        keys = ", ".join(f"c.{key.strip()}" for key in keys.split(","))
        return Fragment(_CATEGORIES.format(keys=keys), [BLANK_GROUP, BLANK_GROUP]) + (
            extras or Fragment(_EXTRA_CATEGORIES.format(keys=keys), [list(self.extras)]))

    def time_split(self, test_share: float) -> tuple[dt.date | None, int, int]:
        """``priorities.time_split`` over the closed deals: (cut_on, deals learnt from, deals held back), from the
        closed deals counted by close date (a few thousand days, not every deal sorted): the deal at place
        min(dated - 1, int(dated x (1 - test_share))) (from 0) in close-date order closed on the first day whose
        running count of dated deals passes that place."""
        days = self._fetch(Fragment(f"SELECT close_on, count(*) FROM {self.name} WHERE {_CLOSED} GROUP BY close_on "
                                    "ORDER BY close_on NULLS LAST", [])).fetchall()
        closed = sum(n for _, n in days)
        dated = [(day, n) for day, n in days if day is not None]
        running = list(accumulate(n for _, n in dated))  # deals closed on or before each day
        if not running:
            return None, closed, 0
        dated_deals = running[-1]
        first = bisect_right(running, min(dated_deals - 1, int(dated_deals * (1 - test_share))))
        held = dated_deals - (running[first] - dated[first][1])  # closed on the cut day or later
        return dated[first][0], closed - held, held

    def closed_counts(self, cut_on: dt.date | None, date_from: dt.date | None = None,
                      date_to: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The closed deals counted. First table, one row per (pipeline, reached_position, won, is_test, drivers),
        column n; second, the same and (attribute, value), one per attribute with a value, columns n, won_money
        (the won ones' value summed) and won_valued (how many have one). is_test = close_on >= cut_on; drivers =
        the deal counts in ``win_drivers``: it matches the filter and closed in [date_from, date_to] (no range: all).
        """
        drivers = Fragment("in_filter", [])
        if date_from is not None or date_to is not None:
            drivers = Fragment("in_filter AND close_on IS NOT NULL AND close_on >= coalesce(CAST(? AS DATE), close_on) "
                               "AND close_on <= coalesce(CAST(? AS DATE), close_on)", [date_from, date_to])
        closed = Fragment.format(
            "closed AS NOT MATERIALIZED (SELECT deal_id, import_id, owner, pipeline, pushes, reached_position, "
            "CAST(status = 'won' AS INTEGER) AS won, coalesce(close_on >= CAST({cut_on} AS DATE), FALSE) AS is_test, "
            f"({{drivers}}) AS drivers, value AS money, 1 AS n, CAST(value IS NOT NULL AS INTEGER) AS valued "
            f"FROM {self.name} WHERE {_CLOSED})", cut_on=Fragment("?", [cut_on]), drivers=drivers)
        keys = "pipeline, reached_position, won, is_test, drivers"
        base = self._fetch(Fragment(f"SELECT {keys}, count(*) AS n FROM closed GROUP BY ALL{_ORDERED}", []), closed)
        base = base.df()
        extras = None
        if self.stored and not (self.flt.pipelines or self.flt.owners or self.flt.attributes) \
                and derived.is_fresh(self.con, "closed_attribute_counts"):  # every deal in the filter
            extras = Fragment.format(_STORED_EXTRA_CATEGORIES, cut_on=Fragment("?", [cut_on]), drivers=drivers,
                                     rate=rate_case(self.currency, "w"), extras=Fragment("?", [list(self.extras)]))
        rows = self._categories(keys + ", money, n, valued", extras)
        values = self._fetch(Fragment.format(
            "SELECT attribute, value, {keys}, CAST(sum(n) AS BIGINT) AS n, "
            "CAST(sum(money) FILTER (WHERE won = 1) AS DOUBLE) AS won_money, "
            "CAST(coalesce(sum(valued) FILTER (WHERE won = 1), 0) AS BIGINT) AS won_valued FROM ({rows}) GROUP BY ALL"
            + _ORDERED,
            keys=Fragment(keys, []), rows=rows), closed).df()
        return base, values

    def test_groups(self, cut_on: dt.date, attributes: tuple[str, ...]) -> pd.DataFrame:
        """The held-back closed deals (close_on >= cut_on) counted by pipeline, reached_position, won and their
        values of ``attributes`` (one column ``attr:<name>`` each, None = no value), column n."""
        if not attributes:
            return self._fetch(Fragment(
                "SELECT pipeline, reached_position, CAST(status = 'won' AS INTEGER) AS won, count(*) AS n "
                f"FROM {self.name} WHERE {_CLOSED} AND close_on >= ? GROUP BY ALL{_ORDERED}", [cut_on])).df()
        rows = self._categories("deal_id")
        picked = "".join(f", max(value) FILTER (WHERE attribute = ?) AS a_{i}" for i in range(len(attributes)))
        ctes = Fragment(f"closed AS (SELECT * FROM {self.name} WHERE {_CLOSED} AND close_on >= ?), ", [cut_on]) + \
            Fragment.format("cats AS (SELECT deal_id{picked} FROM ({rows}) GROUP BY deal_id)",
                            picked=Fragment(picked, list(attributes)), rows=rows)
        frame = self._fetch(Fragment(
            "SELECT pipeline, reached_position, CAST(status = 'won' AS INTEGER) AS won"
            f"{''.join(f', a_{i}' for i in range(len(attributes)))}, count(*) AS n "
            f"FROM closed LEFT JOIN cats USING (deal_id) GROUP BY ALL{_ORDERED}", []), ctes).df()
        return frame.rename(columns={f"a_{i}": ATTR + a for i, a in enumerate(attributes)})

    def open_deals(self) -> pd.DataFrame:
        """The open deals of the filter, with ``deal_frame``'s columns (extra attributes ``attr:<name>``): the rows
        of ``open_deal_rows`` that are the table's open deals of the filter (the same deals, whether read on this
        connection or another), with their reached_position, and their pushes from ``known_pushes``."""
        reached = self._fetch(Fragment(f"SELECT deal_id, reached_position FROM {self.name} "
                                       "WHERE status = 'open' AND in_filter", [])).df()
        rows = self._open_rows()
        frame = rows.merge(reached, on="deal_id")  # in the rows' order (deal_id)
        frame["pushes"] = frame["deal_id"].map(self.known_pushes().set_index("deal_id")["pushes"]).astype("Float64")
        place = list(rows.columns).index("p") + 1
        return frame[[*rows.columns[:place], "reached_position", "pushes", *rows.columns[place:]]]


def _extras(con: duckdb.DuckDBPyConnection, skip: tuple[str, ...]) -> tuple[str, ...]:
    """The extra attributes of the exports but the loss reason and ``skip``, sorted by name (``deal_frame``'s wide
    columns come from a pandas pivot: in that order)."""
    names = con.execute("SELECT DISTINCT attribute FROM deal_attributes WHERE attribute <> ?",
                        [LOSS_REASON_ATTRIBUTE]).fetchall()
    return tuple(sorted(n for (n,) in names if n not in skip))


def open_deal_rows(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, as_of: dt.date | None = None,
                   skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """The open deals of the filter as of a date (dropped ones left out), one row each in deal_id order, with
    ``deal_frame``'s columns but reached_position and pushes (``DealTable.open_deals`` adds them): the extra
    attributes but the loss reason and ``skip`` (``attr:<name>``), cycle_days None, in_filter True."""
    extras = _extras(con, skip)
    pivot = "".join(f", max(a.value) FILTER (WHERE a.attribute = ?) AS x_{i}" for i in range(len(extras)))
    query = scoped_ctes(open_scope(con, as_of), flt, Fragment("d.status = 'open' AND NOT d.is_dropped", [])) + \
        Fragment(
            f", attrs AS (SELECT a.deal_id{pivot} FROM deal_attributes a "
            "JOIN scoped k ON a.import_id = k.import_id AND a.deal_id = k.deal_id GROUP BY a.deal_id) "
            "SELECT k.deal_id, k.import_id, k.name, k.owner, k.pipeline, k.stage, k.status, k.amount, k.currency, "
            "k.value, k.created_on, k.close_on, k.snapshot_on, k.is_dropped, k.p, "
            f"CAST(NULL AS BIGINT) AS cycle_days, TRUE AS in_filter{pivot and ', attrs.* EXCLUDE (deal_id)'} "
            "FROM scoped k LEFT JOIN attrs USING (deal_id) ORDER BY k.deal_id", list(extras))
    frame = read_frame(con, query)
    frame = frame.rename(columns={f"x_{i}": ATTR + name for i, name in enumerate(extras)})
    return _typed(frame)


def known_pushes_of(con: duckdb.DuckDBPyConnection, as_of: dt.date | None) -> pd.DataFrame:
    """The open deals' pushes as ``_with_slips`` takes them (deal_id, pushes): one row per open deal (not dropped)
    seen in two snapshots or more or pushed at least once, pushes = ``movement.slips``' count
    (``movement.push_counts``, itself read from the stored pairs when it can)."""
    return movement.push_counts(con, as_of=as_of)

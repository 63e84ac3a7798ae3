"""Pipeline movement between two snapshots, slipped close dates, and the pipeline trend (METRICS.md 2-4).

Conventions are those written at the top of ``analytics.sales.scope`` (state of a deal as of a date,
dropped deals, value = amount in the reporting currency). Snapshot A is the older date, B the newer.

**Buckets.** A deal takes part when it is open in A (open and not dropped as of A), or when it is not
in A (never seen, or dropped as of A) and was seen in a snapshot after A. It falls in the first bucket
that matches: won (its status as of B is won), lost, new (not open in A, open in B), dropped (open in A,
dropped as of B), advanced (its stage or pipeline changed, to a later stage position), moved back (to
an earlier position), slipped (same stage, close_on later), amount changed (amount or currency
differs), unchanged. Deals already closed in A take no part, with one exception: a deal closed in A and
open again in B (reopened) counts as new, because it re-enters the open pipeline and the amounts must
reconcile. A close date moved earlier is no bucket of its own: amount changed if the amount differs,
else unchanged. Stage order = the configured stage positions (Settings); a deal moved to another
pipeline is compared by position, and a change between stages of unknown order counts as advanced. A
deal won or lost and then removed from the exports keeps its outcome (as in the funnel). A deal that
appears after A and is gone (dropped while open) by B takes no part: it was never open at a snapshot
compared.

**Amounts.** Each deal's ``change`` is its open value in B minus its open value in A (0 where it is not
open, or its value is unknown). So, exactly:

    open amount A + new + changes - won - lost - dropped = open amount B

with won, lost, dropped = the open value at A of the deals in the bucket (the pipeline that left; 0 for
a deal created and closed between A and B, which was never in the open pipeline of a snapshot), new =
the value at B of the new deals, and changes = the sum of ``change`` over advanced, moved back, slipped,
amount changed and unchanged (each bucket's own sum is in ``amounts``; unchanged is 0). The amount a
deal was won or lost for (its value as of B, created-and-closed deals included) is in ``closed_amounts``.

**Reasons.** Beside its bucket, each deal present in both snapshots carries any number of reasons (pulled
in, pushed out, amount up or down, owner or forecast category changed, skipped stages): see
``analytics.sales.movement_reasons``; ``Movement.reasons()`` and ``Movement.deals_for_reason(...)``.

**Filters.** A ``DealFilter`` keeps a deal by its latest state (as of B; as of A when absent from B),
the same on both sides, so a deal reassigned to another owner moves with its new owner on both sides and
the amounts still reconcile.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.sales.deals import (
    DealFilter,
    deal_state_sql,
    rate_case,
    reporting_currency,
    snapshot_dates,
    state_source,
)
from analytics.sales.movement_reasons import deals_for_reason, reason_rows, reasons_report, reasons_table
from analytics.sales.scope import ALL_DEALS, BLANK_GROUP, open_scope, scoped_ctes
from analytics.store.derived import is_fresh
from analytics.store.frames import read_frame
from analytics.store.movement_pairs import ROWS, SIDES, TAKES_PART
from analytics.store.outcomes import STORED_PAIRS
from analytics.store.sql import Fragment, checked, deal_key_sql, value_list

BUCKETS = ("won", "lost", "new", "dropped", "advanced", "moved_back", "slipped", "amount_changed", "unchanged")
OUTFLOWS = ("won", "lost", "dropped")
CHANGES = ("advanced", "moved_back", "slipped", "amount_changed", "unchanged")
DEAL_COLUMNS = ["bucket", "deal_id", "name", "owner", "pipeline", "stage_from", "stage_to", "close_on_from",
                "close_on_to", "days_pushed", "amount_from", "amount_to", "currency", "value_from", "value_to",
                "change"]

# The pairs of rows (as of A, as of B) of the deals taking part, with where each deal stood: ``SIDES``, ``ROWS`` and
# ``TAKES_PART`` (analytics.store.movement_pairs, which stores them for the latest two dates), plus the values and B's
# probability (_VALUES).
_VALUES = "a.value AS value_from, b.value AS value_to, b.p AS p_to"
_ROWS = ROWS + ",\n           " + _VALUES
_SIDES_AB = "\nWITH a AS NOT MATERIALIZED (SELECT * FROM {view_a}), b AS NOT MATERIALIZED (SELECT * FROM {view_b}),"
# ``movement`` compares every deal's state: which deals take part is decided on a narrow join of the two sides (deal
# id, dropped, status, snapshot date), then only those deals' rows are joined whole. At a million deals most are
# closed in both snapshots and take no part, and carrying every column of every deal through the full join made the
# first (cold) query a fifth slower.
_PAIRS_NARROW = _SIDES_AB + """
sides AS (SELECT """ + SIDES + """
          FROM a FULL JOIN b ON a.deal_id = b.deal_id),
pairs AS (
    SELECT k.*, """ + _ROWS + """
    FROM sides k LEFT JOIN a ON a.deal_id = k.deal_id LEFT JOIN b ON b.deal_id = k.deal_id
    WHERE """ + TAKES_PART + """
),"""
# ``trend`` compares the deals of two temporary tables, once per snapshot date: one join of whole rows is cheaper there
# (52 dates of 29,000 deals: 1.33 s, where the narrow join first took 1.55 s).
_PAIRS_JOINED = _SIDES_AB + """
pairs AS (
    SELECT * FROM (SELECT """ + SIDES + """,
                          """ + _ROWS + """
                   FROM a FULL JOIN b ON a.deal_id = b.deal_id)
    WHERE """ + TAKES_PART + """
),"""
_CLASSIFIED = """
classified AS (
    SELECT *,
        CASE WHEN status_b = 'won' THEN 'won'
             WHEN status_b = 'lost' THEN 'lost'
             WHEN NOT open_a THEN 'new'
             WHEN NOT in_b THEN 'dropped'
             WHEN stage_from IS DISTINCT FROM stage_to OR pipeline_a IS DISTINCT FROM pipeline_b THEN
                  CASE WHEN position_b < position_a THEN 'moved_back' ELSE 'advanced' END
             WHEN close_on_to > close_on_from THEN 'slipped'
             WHEN amount_from IS DISTINCT FROM amount_to OR currency_a IS DISTINCT FROM currency_b
                  THEN 'amount_changed'
             ELSE 'unchanged' END AS bucket,
        CASE WHEN open_b THEN coalesce(value_to, 0) ELSE 0 END
            - CASE WHEN open_a THEN coalesce(value_from, 0) ELSE 0 END AS change
    FROM pairs p
    WHERE {filter}
)"""

_DEALS = """
SELECT bucket, deal_id, name, owner, pipeline, stage_from, stage_to, close_on_from, close_on_to,
       close_on_to - close_on_from AS days_pushed, amount_from, amount_to,
       coalesce(currency_b, currency_a) AS currency, value_from, value_to, change,
       open_a, open_b, p_to, in_b, owner_from, owner_to, forecast_category_from, forecast_category_to,
       pipeline_a, pipeline_b, position_a, position_b
FROM classified
ORDER BY list_position([{buckets}], bucket), abs(change) DESC, deal_id
"""


@dataclass(frozen=True)
class Movement:
    """How the open pipeline went from snapshot A (``date_from``) to B (``date_to``): see the module docstring.

    counts / amounts: one entry per bucket (BUCKETS order). amounts of won, lost, dropped are positive
    (open value at A that left), new is positive (value at B), the five change buckets are signed net
    changes. closed_amounts: {"won", "lost"} value as of B of the deals won / lost.
    deals: one row per deal taking part (DEAL_COLUMNS), in bucket order, biggest change first.
    reason_deals: one row per (reason, deal) of the deals present in both snapshots (``movement_reasons``:
    pulled in, pushed out, amount up/down, owner changed, forecast category changed, skipped stages).
    """
    date_from: dt.date
    date_to: dt.date
    currency: str | None
    counts: dict[str, int]
    amounts: dict[str, float]
    open_count_from: int
    open_count_to: int
    open_amount_from: float
    open_amount_to: float
    closed_amounts: dict[str, float]
    deals: pd.DataFrame = dataclasses.field(repr=False)
    reason_deals: pd.DataFrame = dataclasses.field(repr=False)

    @property
    def changes(self) -> float:
        """Net change of the deals open in both snapshots (advanced … unchanged)."""
        return sum(self.amounts[b] for b in CHANGES)

    def deals_in(self, bucket: str) -> pd.DataFrame:
        """The deals behind one bucket."""
        if bucket not in BUCKETS:
            raise ValueError(f"bucket must be one of {', '.join(BUCKETS)}")
        return self.deals[self.deals["bucket"] == bucket].reset_index(drop=True)

    def reasons(self) -> pd.DataFrame:
        """Deals and amount change per reason, every reason in ``movement_reasons.REASONS`` order."""
        return reasons_table(self.reason_deals)

    def deals_for_reason(self, reason: str) -> pd.DataFrame:
        """The deals carrying one reason (a code of ``movement_reasons.REASONS``), biggest change first."""
        return deals_for_reason(self.reason_deals, reason)

    def steps(self) -> list[tuple[str, float]]:
        """(bucket, signed effect on the open pipeline) in BUCKETS order: the bars of a waterfall from A to B."""
        return [(b, -self.amounts[b] if b in OUTFLOWS else self.amounts[b]) for b in BUCKETS]

    def as_dict(self) -> dict:
        """The ``movement`` object of ``report --json`` (METRICS.md 7), plus the open totals that reconcile."""
        return {
            "from": self.date_from.isoformat(), "to": self.date_to.isoformat(), "currency": self.currency,
            "counts": dict(self.counts), "amounts": dict(self.amounts),
            "open_count_from": self.open_count_from, "open_count_to": self.open_count_to,
            "open_amount_from": self.open_amount_from, "open_amount_to": self.open_amount_to,
            "changes": self.changes, "closed_amounts": dict(self.closed_amounts),
            "reasons": reasons_report(self.reason_deals),
        }


def snapshot_interval_days(con: duckdb.DuckDBPyConnection) -> float | None:
    """The usual time between two exports: the median of the days between consecutive snapshot dates (None with
    fewer than two). Stage entry dates inferred from snapshots have this precision."""
    dates = snapshot_dates(con)
    gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
    return float(statistics.median(gaps)) if gaps else None


def default_dates(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date] | None:
    """The last two snapshot dates (older, newer), or None with fewer than two snapshots."""
    dates = snapshot_dates(con)
    return (dates[-2], dates[-1]) if len(dates) >= 2 else None


def movement(con: duckdb.DuckDBPyConnection, date_a: dt.date | None = None, date_b: dt.date | None = None,
             flt: DealFilter = ALL_DEALS) -> Movement:
    """Movement between the deals as of ``date_a`` and as of ``date_b`` (default: the last two snapshots).

    Grain: one row per deal taking part in ``deals``; counts and amounts per bucket. Raises ValueError
    when there are fewer than two snapshots (and no dates are given) or when date_a is not before date_b.
    """
    date_a, date_b = _resolve_dates(con, date_a, date_b)
    frame, currency = _classified(con, date_a, date_b, flt)
    groups = frame.groupby("bucket")
    counts = {b: int(groups.size().get(b, 0)) for b in BUCKETS}
    change = groups["change"].sum()
    amounts = {b: _float(-change.get(b, 0.0) if b in OUTFLOWS else change.get(b, 0.0)) for b in BUCKETS}
    closed = {b: _float(frame.loc[frame["bucket"] == b, "value_to"].sum()) for b in ("won", "lost")}
    deals = frame[DEAL_COLUMNS].reset_index(drop=True)
    return Movement(date_a, date_b, currency.code, counts, amounts,
                    open_count_from=int(frame["open_a"].sum()), open_count_to=int(frame["open_b"].sum()),
                    open_amount_from=_float(frame.loc[frame["open_a"], "value_from"].sum()),
                    open_amount_to=_float(frame.loc[frame["open_b"], "value_to"].sum()),
                    closed_amounts=closed, deals=deals, reason_deals=reason_rows(frame))


def movement_report(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The ``movement`` object of ``report --json`` for the last two snapshots; None with fewer than two."""
    dates = default_dates(con)
    return None if dates is None else movement(con, *dates).as_dict()


def _resolve_dates(con, date_a, date_b) -> tuple[dt.date, dt.date]:
    dates = snapshot_dates(con)
    if date_b is None:
        if not dates:
            raise ValueError("pipeline movement needs two snapshots; no deals were imported")
        date_b = dates[-1]
    if date_a is None:
        earlier = [d for d in dates if d < date_b]
        if not earlier:
            raise ValueError("pipeline movement needs two snapshots; import an earlier export")
        date_a = earlier[-1]
    if date_a >= date_b:
        raise ValueError(f"the first snapshot ({date_a}) must be before the second ({date_b})")
    return date_a, date_b


# The same pairs read from the stored ``movement_pairs`` (``pairs_are_stored``): the values (each side's amount in the
# reporting currency) and B's probability (exported, else its stage's) added as the deal state computes them.
_STORED_MOVEMENT = """
WITH pairs AS (
    SELECT w.* EXCLUDE (currency, probability_to), w.amount_to * ({rate_b}) AS value_to,
           coalesce(w.probability_to, st.probability) AS p_to
    FROM (SELECT s.* EXCLUDE (currency), s.amount_from * ({rate_a}) AS value_from, s.currency_b AS currency
          FROM (SELECT *, currency_a AS currency FROM movement_pairs) s) w
    LEFT JOIN stages st ON st.pipeline = w.pipeline_b AND st.stage = w.stage_to
),"""


def pairs_are_stored(con: duckdb.DuckDBPyConnection, date_a: dt.date, date_b: dt.date) -> bool:
    """True when the movement from ``date_a`` to ``date_b`` can be read from the stored ``movement_pairs``: they are
    the two latest snapshot dates and the table is fresh."""
    return default_dates(con) == (date_a, date_b) and is_fresh(con, "movement_pairs")


def _classified(con, date_a: dt.date, date_b: dt.date, flt: DealFilter):
    """Every deal taking part, with its bucket and change (a DataFrame), and the reporting currency."""
    if pairs_are_stored(con, date_a, date_b):
        currency = reporting_currency(con)
        query = Fragment.format(_STORED_MOVEMENT + _CLASSIFIED + _DEALS, rate_a=rate_case(currency),
                                rate_b=rate_case(currency, "w"), filter=flt.where("p"), buckets=value_list(BUCKETS))
        return _typed(read_frame(con, query)), currency
    state_a, state_b = state_source(con, date_a), state_source(con, date_b)
    query = Fragment.format(_PAIRS_NARROW + _CLASSIFIED + _DEALS, view_a=_subquery(state_a.query, "sa"),
                            view_b=_subquery(state_b.query, "sb"), date_a=Fragment("?", [date_a]),
                            filter=flt.where("p"), buckets=value_list(BUCKETS))
    return _typed(read_frame(con, query)), state_b.currency


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The classified deals with their flags as booleans."""
    for column in ("open_a", "open_b", "in_b"):
        frame[column] = frame[column].astype(bool)
    return frame


def _subquery(query: Fragment, alias: str) -> Fragment:
    """``(query) alias``, one of the fixed aliases of the pairs' sides (``_SIDES_AB``)."""
    return Fragment(f"({query.sql}) {checked(alias, ('sa', 'sb'))}", query.params)


def _float(value) -> float:
    """A plain float (0.0 for NULL/NaN; never -0.0)."""
    return 0.0 if value is None or pd.isna(value) else float(value) + 0.0


# --- slipped close dates -----------------------------------------------------------------------------

_SLIPS = """,
observations AS (
    SELECT k.deal_id, s.snapshot_on AS observed_on, 0 AS source, s.import_id AS seq, s.close_on,
           coalesce(s.status_raw, st.outcome, 'open') = 'open' AS was_open
    FROM deal_snapshots s JOIN scoped k ON k.deal_id = s.deal_id
    LEFT JOIN stages st ON st.pipeline = s.pipeline AND st.stage = s.stage
    WHERE s.snapshot_on <= (SELECT as_of FROM cutoff)
    UNION ALL
    SELECT k.deal_id, h.changed_on, 1, h.import_id, h.close_on, coalesce(st.outcome, 'open') = 'open'
    FROM deal_stage_history h JOIN scoped k ON {key_k} = {key_h}
    LEFT JOIN stages st ON st.pipeline = k.pipeline AND st.stage = h.stage
    WHERE h.changed_on <= (SELECT as_of FROM cutoff) AND h.close_on IS NOT NULL
),
steps AS (
    SELECT *, lag(close_on) OVER w AS previous_close, lag(was_open) OVER w AS previous_open
    FROM observations WINDOW w AS (PARTITION BY deal_id ORDER BY observed_on, source, seq)
),
pushes AS (
    SELECT deal_id, count(*) FILTER (pushed) AS pushes,
           CAST(coalesce(sum(close_on - previous_close) FILTER (pushed), 0) AS DOUBLE) AS days_pushed,
           min(close_on) FILTER (was_open AND close_on IS NOT NULL) AS first_close_on,
           count(*) FILTER (source = 0) AS snapshots
    FROM (SELECT *, was_open AND previous_open AND close_on > previous_close AS pushed FROM steps)
    GROUP BY deal_id
),
final AS (
    SELECT k.deal_id, k.name, coalesce(k.owner, {blank}) AS owner, k.pipeline, k.stage, k.value AS amount,
           k.close_on, p.first_close_on, coalesce(p.pushes, 0) AS pushes, coalesce(p.days_pushed, 0) AS days_pushed,
           coalesce(p.snapshots, 0) AS snapshots
    FROM scoped k LEFT JOIN pushes p USING (deal_id)
)
"""


# The same ``pushes`` read from the stored ``deal_pushes`` (``slips_are_stored``: no stage-history import, so the
# observations are exactly the snapshot rows, in the order the pairs were taken): a deal seen in n snapshots has
# n - 1 pairs, every row of it is the earlier or the later row of one, so its first close date observed while open is
# the earliest of its pairs' open rows; a deal without a pair was seen once, in its current (open) row.
_STORED_SLIPS = """,
pushes AS (
    SELECT deal_id, CAST(coalesce(sum(pairs) FILTER (pushed AND both_open), 0) AS BIGINT) AS pushes,
           CAST(coalesce(sum(days) FILTER (pushed AND both_open), 0) AS DOUBLE) AS days_pushed,
           least(min(close_min) FILTER (open_b), min(close_min_a) FILTER (open_a)) AS first_close_on,
           CAST(1 + sum(pairs) AS BIGINT) AS snapshots
    FROM (""" + STORED_PAIRS + """
          WHERE p.deal_id IN (SELECT deal_id FROM scoped))
    GROUP BY deal_id
),
final AS (
    SELECT k.deal_id, k.name, coalesce(k.owner, {blank}) AS owner, k.pipeline, k.stage, k.value AS amount,
           k.close_on, CASE WHEN p.deal_id IS NULL THEN k.close_on ELSE p.first_close_on END AS first_close_on,
           coalesce(p.pushes, 0) AS pushes, coalesce(p.days_pushed, 0) AS days_pushed,
           coalesce(p.snapshots, 1) AS snapshots
    FROM scoped k LEFT JOIN pushes p USING (deal_id)
)
"""


def pushes_are_stored(con: duckdb.DuckDBPyConnection, as_of: dt.date | None) -> bool:
    """True when ``deal_pushes`` is fresh and ``as_of`` is on or after the latest snapshot (it holds every pair)."""
    latest = as_of is None or con.execute("SELECT max(snapshot_on) <= ? FROM deal_snapshots", [as_of]).fetchone()[0]
    return bool(latest) and is_fresh(con, "deal_pushes")


def has_stage_history(con: duckdb.DuckDBPyConnection) -> bool:
    """True when a stage-history import is stored."""
    return bool(con.execute("SELECT EXISTS (SELECT 1 FROM deal_stage_history)").fetchone()[0])


def slips_are_stored(con: duckdb.DuckDBPyConnection, as_of: dt.date | None) -> bool:
    """True when the open deals' slipped close dates as of ``as_of`` can be read from the stored pairs
    (``_STORED_SLIPS``): ``pushes_are_stored`` and no stage-history import adds observations."""
    return pushes_are_stored(con, as_of) and not has_stage_history(con)


def slips(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, as_of: dt.date | None = None) -> pd.DataFrame:
    """How often each open deal's expected close date was pushed later, across snapshots (and stage histories).

    Grain: one row per open (not dropped) deal as of the date. Observations of its close_on = its rows in
    every snapshot up to the as-of date, plus the close dates recorded in stage-history imports, in date
    order. pushes = times close_on got later from one observation to the next while the deal was open at
    both; days_pushed = the days added by those pushes; first_close_on = the earliest expected close date
    observed while open; snapshots = snapshots the deal was seen in. Sorted by pushes, then days pushed.
    Columns: deal_id, name, owner, pipeline, stage, amount (value in the reporting currency), close_on,
    first_close_on, pushes, days_pushed, snapshots.
    """
    return read_frame(con, _slips_query(con, flt, as_of,
                                        "SELECT * FROM final ORDER BY pushes DESC, days_pushed DESC, deal_id"))


def push_counts(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS,
                as_of: dt.date | None = None) -> pd.DataFrame:
    """``slips``' pushes of the open deals seen in two snapshots or more or pushed at least once (the others have
    none to tell): one row per such deal, in no order. Columns: deal_id, pushes. Two columns of ``slips``' rows: at
    a million deals a third of its time."""
    return read_frame(con, _slips_query(con, flt, as_of,
                                        "SELECT deal_id, pushes FROM final WHERE snapshots >= 2 OR pushes > 0"))


def _slips_query(con: duckdb.DuckDBPyConnection, flt: DealFilter, as_of: dt.date | None, select: str) -> Fragment:
    """The open deals' ``final`` rows of ``slips`` (read from the stored pairs when it can), then ``select`` over
    them."""
    scope = open_scope(con, as_of)
    if slips_are_stored(con, as_of):
        steps = Fragment.format(_STORED_SLIPS + select, blank=Fragment("?", [BLANK_GROUP]))
    else:
        steps = Fragment.format(_SLIPS + select, key_k=Fragment(deal_key_sql("k.deal_id"), []),
                                key_h=Fragment(deal_key_sql("h.deal_id"), []), blank=Fragment("?", [BLANK_GROUP]))
    return scoped_ctes(scope, flt, Fragment("d.status = 'open' AND NOT d.is_dropped", [])) + steps


def push_rates(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS,
               as_of: dt.date | None = None) -> pd.DataFrame:
    """Close-date pushes by owner, over the open deals of ``slips``.

    Grain: one row per owner ('(blank)' when none), most pushed first. push_rate = open deals pushed at
    least once / open deals; pushes = total pushes; days_pushed = total days added; avg_days_per_push.
    Columns: owner, open_deals, pushed_deals, push_rate, pushes, days_pushed, avg_days_per_push.
    """
    return push_rates_of(slips(con, flt=flt, as_of=as_of))


def push_rates_of(table: pd.DataFrame) -> pd.DataFrame:
    """``push_rates`` from the ``slips`` table already read (the Pipeline movement page shows both: one read)."""
    grouped = table.assign(pushed=table["pushes"] > 0).groupby("owner")
    out = pd.DataFrame({"open_deals": grouped.size(), "pushed_deals": grouped["pushed"].sum(),
                        "pushes": grouped["pushes"].sum(), "days_pushed": grouped["days_pushed"].sum()})
    out["push_rate"] = out["pushed_deals"] / out["open_deals"]
    out["avg_days_per_push"] = out["days_pushed"] / out["pushes"].where(out["pushes"] > 0)
    out = out.reset_index().sort_values(["push_rate", "pushes", "owner"], ascending=[False, False, True])
    columns = ["owner", "open_deals", "pushed_deals", "push_rate", "pushes", "days_pushed", "avg_days_per_push"]
    return out[columns].reset_index(drop=True).astype({"open_deals": int, "pushed_deals": int, "pushes": int})


# --- trend over snapshots ----------------------------------------------------------------------------

_TREND = """
SELECT pipeline_b AS pipeline, stage_to AS stage, position_b AS position,
       count(*) FILTER (open_b) AS open_count,
       coalesce(sum(value_to) FILTER (open_b), 0) AS open_amount,
       coalesce(sum(value_to * p_to) FILTER (open_b), 0) AS weighted_amount,
       count(*) FILTER (bucket = 'new') AS new_count,
       coalesce(sum(value_to) FILTER (bucket = 'new'), 0) AS new_amount
FROM classified WHERE open_b GROUP BY ALL
"""
_TREND_TABLES = ("trend_state_0", "trend_state_1")  # the two temporary tables ``trend`` fills in turn
TREND_COLUMNS = ["snapshot_on", "pipeline", "stage", "position", "open_count", "open_amount", "weighted_amount",
                 "new_count", "new_amount"]


def trend(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS) -> pd.DataFrame:
    """Open, weighted and new pipeline at each snapshot, per stage (the data of a stacked area).

    Grain: one row per (snapshot date, pipeline, open stage holding open deals). open_count /
    open_amount / weighted_amount = the open deals as of that date (value; value x p); new_count /
    new_amount = the deals of the "new" movement bucket since the previous snapshot date (NaN for the
    first snapshot, where every deal would be new). A filter keeps deals by their state at that date.
    """
    if not flt.pipelines and not flt.owners and not flt.attributes and is_fresh(con, "movement_weekly"):
        return _stored_trend(con)
    dates = snapshot_dates(con)
    currency = reporting_currency(con)
    parts = []
    # each date's state is computed once, into one of two temporary tables used in turn
    for i, (previous, current) in enumerate(zip([None, *dates], dates, strict=False)):
        before = previous or current - dt.timedelta(days=1)
        older, newer = _TREND_TABLES[(i + 1) % 2], _TREND_TABLES[i % 2]
        if previous is None:
            con.execute(*(Fragment(f"CREATE OR REPLACE TEMP TABLE {older} AS ", [])
                          + deal_state_sql(before, currency, con)))
        con.execute(*(Fragment(f"CREATE OR REPLACE TEMP TABLE {newer} AS ", [])
                      + deal_state_sql(current, currency, con)))
        query = Fragment.format(_PAIRS_JOINED + _CLASSIFIED + _TREND, view_a=Fragment(older, []),
                                view_b=Fragment(newer, []), date_a=Fragment("?", [before]), filter=flt.where("p"))
        frame = con.execute(*query).df()
        if previous is None:
            frame[["new_count", "new_amount"]] = float("nan")
        parts.append(frame.assign(snapshot_on=current))
    for table in _TREND_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    if not parts:
        return pd.DataFrame(columns=TREND_COLUMNS)
    out = pd.concat(parts, ignore_index=True)[TREND_COLUMNS]
    return out.sort_values(["snapshot_on", "pipeline", "position", "stage"], ignore_index=True)


# The same numbers from ``movement_weekly`` (analytics.store.derived): the settings (stage outcome, position and
# probability, currency rates) applied to one small group of deals per snapshot date and stage keys. A deal open
# at the date is new when it was not open at the previous date (absent, dropped, or then in a closed stage).
_STORED_TREND = """
WITH w AS (
    SELECT w.*, coalesce(w.status_raw, st.outcome, 'open') AS status, st.position, st.probability AS stage_p,
           w.in_before AND coalesce(w.from_status_raw, sa.outcome, 'open') = 'open' AS open_before,
           {rate} AS rate
    FROM movement_weekly w
    LEFT JOIN stages st ON st.pipeline = w.pipeline AND st.stage = w.stage
    LEFT JOIN stages sa ON sa.pipeline = w.from_pipeline AND sa.stage = w.from_stage
)
SELECT snapshot_on, pipeline, stage, position, CAST(sum(deals) AS BIGINT) AS open_count,
       coalesce(sum(amount_total * rate), 0) AS open_amount,
       coalesce(sum(coalesce(amount_p * rate, 0) + coalesce(amount_no_p * rate * stage_p, 0)), 0) AS weighted_amount,
       CASE WHEN previous_on IS NOT NULL THEN coalesce(sum(deals) FILTER (NOT open_before), 0) END AS new_count,
       CASE WHEN previous_on IS NOT NULL
            THEN coalesce(sum(amount_total * rate) FILTER (NOT open_before), 0) END AS new_amount
FROM w WHERE status = 'open'
GROUP BY snapshot_on, previous_on, pipeline, stage, position
"""


def _stored_trend(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``trend`` over every deal, read from the stored ``movement_weekly``."""
    rate = rate_case(reporting_currency(con), "w")
    frame = con.execute(*Fragment.format(_STORED_TREND, rate=rate)).df()
    frame[["new_count", "new_amount"]] = frame[["new_count", "new_amount"]].astype(float)
    frame["snapshot_on"] = [day.date() for day in frame["snapshot_on"]]  # dates, as the computed trend has them
    return frame[TREND_COLUMNS].sort_values(["snapshot_on", "pipeline", "position", "stage"], ignore_index=True)


def trend_totals(per_stage: pd.DataFrame) -> pd.DataFrame:
    """``trend`` summed over stages: one row per snapshot date (new_* NaN on the first one)."""
    columns = ["open_count", "open_amount", "weighted_amount", "new_count", "new_amount"]
    if per_stage.empty:
        return pd.DataFrame(columns=["snapshot_on", *columns])
    totals = per_stage.groupby("snapshot_on")[columns].sum(min_count=1).reset_index()
    return totals

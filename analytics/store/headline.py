"""The headline KPIs' query (METRICS.md 7), and ``headline_kpis``: its answer for the whole book, kept by the import.

``headline_kpis`` — grain: one row per deal state of the Pipeline page's first view, ``which`` 0 = the latest
snapshot date's state and 1 = the state as of the snapshot date before it (no row 1 with a single date, no row at
all without deals): the row ``kpi_query`` gives for those states with no filter and no period (all time), in the
reporting currency with the rates and stage probabilities stored when it was built. The Pipeline page's KPI row, its
changes since the last snapshot, the weekly review's KPIs and ``report --json``'s read it instead of two deal states
of every deal (``analytics.sales.kpis``); any filter or period, or an as-of date before the latest, is computed live.

It reads the snapshots, the stage settings (outcome and probability), the reporting currency and the rates, so its
fingerprint is the snapshots', then ``stays.INPUTS_FINGERPRINT_SQL`` and ``INPUTS_FINGERPRINT_SQL`` below: a
probability, rate or currency edit makes it not fresh until it is rebuilt (``derived.refresh_headline``, called by
``derived.refresh_stays`` — every deals import and deletion, stage settings save and stage-history import — and by
the saves of the rates and of the reporting currency, inside their transaction). Its columns are the query's own
(it is built by ``CREATE OR REPLACE TABLE … AS``), so a value read from it is the value the query gives, to the digit.
"""
from __future__ import annotations

from analytics.store.schema import money_sum
from analytics.store.sql import Fragment

# The win-rate terms of a group of deals carrying ``closed`` (closed in the period) and ``cycle_days``: one spelling
# for ``analytics.sales.kpis.win_rates`` and the KPI tiles, so a tile equals ``win_rates``.
WIN_TERMS = """
        count(*) FILTER (closed AND status = 'won') AS won,
        count(*) FILTER (closed AND status = 'lost') AS lost,
        coalesce(sum(value) FILTER (closed AND status = 'won'), 0) AS won_amount,
        coalesce(sum(value) FILTER (closed AND status = 'lost'), 0) AS lost_amount,
        avg(value) FILTER (closed AND status = 'won') AS avg_won_amount,
        median(cycle_days) FILTER (closed AND status = 'won') AS sales_cycle_days_median,
        avg(cycle_days) FILTER (closed AND status = 'won') AS sales_cycle_days_mean"""
# The ratios over those terms (and open_count): win rate by count and by value, and the pipeline velocity per day
# (open deals x win rate x average won deal / mean cycle), one spelling each for the same two readers.
WIN_RATE = "won / nullif(won + lost, 0)"
WIN_RATE_VALUE = "won_amount / nullif(won_amount + lost_amount, 0)"
VELOCITY = f"open_count * ({WIN_RATE}) * avg_won_amount / nullif(sales_cycle_days_mean, 0)"

# Every headline number of one or more deal states in one pass over each: ``scoped`` holds the deals of each state
# tagged ``which`` (0, 1, …), one output row per state. The state totals (counts and open sums) and the win-rate
# terms are ``WIN_TERMS``, as in ``win_rates``, so a tile equals ``win_rates``.
_KPI_TOTALS = f"""
totals AS (
    SELECT which,
        count(*) FILTER (open) AS open_count,
        coalesce(sum(value) FILTER (open), 0.0) AS open_amount,
        coalesce({money_sum('CASE WHEN open THEN value * p END')}, 0.0) AS weighted_amount,
        count(*) FILTER (status = 'won') AS won_count,
        count(*) FILTER (status = 'lost') AS lost_count,
        count(*) FILTER ((open OR status <> 'open') AND amount IS NOT NULL AND value IS NULL)
            AS excluded_other_currency,
        count(*) FILTER ((open OR status <> 'open') AND amount IS NULL) AS unknown_amount,
        count(*) FILTER (open AND amount IS NULL) AS open_unknown_amount,
        {WIN_TERMS.strip()}
    FROM (SELECT which, status, amount, value, p, status = 'open' AND NOT is_dropped AS open,
                 status IN ('won', 'lost') AND {{closed_in_period}} AS closed,
                 CASE WHEN close_on >= created_on THEN close_on - created_on END AS cycle_days
          FROM scoped)
    GROUP BY which
)
SELECT *, {WIN_RATE} AS win_rate,
       {WIN_RATE_VALUE} AS win_rate_value,
       {VELOCITY}
           AS pipeline_velocity_per_day
FROM totals ORDER BY which
"""
# the names of the states a query may carry, in ``which`` order (no more states than these)
STATE_NAMES = ("deal_state", "previous_state")


def kpi_query(states: list[Fragment], where: Fragment, closed_in_period: Fragment) -> Fragment:
    """The headline KPIs of one or two deal states (``states``: each a SELECT of ``state.state_sql``, read once: never
    worth materialising), one row per state tagged ``which``: their deals kept by ``where`` (a predicate over ``d``,
    the deal filter), the deals closed in the period by ``closed_in_period`` (a predicate over ``close_on``)."""
    if not 1 <= len(states) <= len(STATE_NAMES):
        raise ValueError(f"one to {len(STATE_NAMES)} states")
    names = STATE_NAMES[:len(states)]
    named = [Fragment(f"{name} AS ({state.sql})", state.params) for name, state in zip(names, states, strict=True)]
    tagged = [Fragment(f"SELECT {which} AS which, d.* FROM {name} d WHERE ", []) + where
              for which, name in enumerate(names)]
    return Fragment("WITH ", []) + Fragment.join(",\n", named) + Fragment(",\nscoped AS (", []) + \
        Fragment.join(" UNION ALL ", tagged) + Fragment("),", []) + \
        Fragment.format(_KPI_TOTALS, closed_in_period=closed_in_period)


# What the table reads besides the snapshots and the stages' order and outcome: the stages' probabilities, the
# reporting currency chosen in Settings and the rates.
INPUTS_FINGERPRINT_SQL = """
SELECT concat_ws('/',
    (SELECT md5(coalesce(string_agg(concat_ws(chr(31), pipeline, stage, CAST(probability AS TEXT)), chr(30)
                                    ORDER BY pipeline, stage), '')) FROM stages),
    (SELECT md5(coalesce(string_agg(concat_ws(chr(31), currency, CAST(rate AS TEXT)), chr(30) ORDER BY currency), ''))
     FROM fx_rates),
    (SELECT coalesce(max(value), '') FROM settings WHERE name = 'reporting_currency'))
"""

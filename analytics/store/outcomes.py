"""Each deal's outcome and last stage reached, stored for the latest state: what the Priorities page's score learns
from and ranks, the funnel and the stage calibration count.

``deal_outcomes`` — grain: one row per deal of ``deal_current`` (the latest state) but the dropped ones still open (a
deal dropped while open has an unknown fate: the score neither learns from it nor ranks it, the funnel cohort leaves it
out, and it is not closed). Columns:

* deal_id, import_id, owner, pipeline, amount, currency, created_on, close_on, is_dropped: the deal's latest row;
* status: its status column, else its stage's outcome, else open;
* reached_position: the last open stage it reached (METRICS.md 3): every stage (2147483647) when won, else its
  furthest stay (``deal_stays``), else the first open stage of its pipeline (NULL when the pipeline has none);
* pushes (closed deals only): how often its close date got later between two consecutive snapshot rows open at both
  ends (``deal_pushes``); NULL for an open deal (the page takes the Movement page's count) and for a closed deal
  without two consecutive open rows.

``closed_attribute_counts`` — grain: one row per (attribute, value, pipeline, reached_position, status, close_on,
currency) of the closed (won or lost) deals of ``deal_outcomes`` and their extra attributes (``deal_attributes`` of
the import holding the deal's latest row; non-blank values only, reserved attributes such as the loss reason left
out): deals = how many, amounts = how many have an amount, amount_sum = the sum of their amounts. The score's counts
by attribute value (``analytics.sales.priority_deals``) are these rows summed, with no join of every closed deal to
its attribute rows (at a million deals 0.3 s of each cold view; 235,000 rows here).

The value (amount in the reporting currency) is computed when read: an exchange-rate change leaves the tables fresh.
They read what ``deal_stays`` reads (the snapshots with their attributes, the stage order and outcome, the
stage-history imports) and ``deal_pushes``: they have the stays' fingerprint and are rebuilt after them
(``derived.refresh_stays``: every deals import and deletion, stage settings save and stage-history import), from fresh
stays and pushes. At a million deals building them takes about 0.5 s and 0.4 s, which every cold view of the
Priorities page spent before (issue 16); the funnel and the calibration of the Pipeline page read the same rows.
"""
from __future__ import annotations

from analytics.store.schema import RESERVED_ATTRIBUTES
from analytics.store.stays import CURRENT_PLACED, REACHED_POSITION, STORED_REACHED_JOINS

# ``deal_pushes`` (raw stage keys, analytics.store.derived) read with the stage settings: whether the earlier row
# (open_a), the later one (open_b) and both rows of each pair were open (their status column, else their stage's
# outcome, else open).
STORED_PAIRS = """
    SELECT p.deal_id, p.pushed, p.pairs, p.days, p.close_min, p.close_min_a, p.open_a, p.open_b,
           p.open_a AND p.open_b AS both_open
    FROM (SELECT p.*, coalesce(p.status_raw_a, sa.outcome, 'open') = 'open' AS open_a,
                 coalesce(p.status_raw, sb.outcome, 'open') = 'open' AS open_b
          FROM deal_pushes p
          LEFT JOIN stages sb ON sb.pipeline = p.pipeline AND sb.stage = p.stage
          LEFT JOIN stages sa ON sa.pipeline = p.pipeline_a AND sa.stage = p.stage_a) p"""
# The CTE ``pushes`` (deal_id, pairs, pushes) over every snapshot: the deals' consecutive pairs open at both ends, and
# those whose close date got later. Only such pairs are kept before grouping: a deal without one is missing, read as
# "no pushes known" (at a million deals, 64k of 990k rows are kept).
PUSHES_FROM_STORE = """,
pushes AS (
    SELECT deal_id, CAST(sum(pairs) AS BIGINT) AS pairs,
           CAST(coalesce(sum(pairs) FILTER (pushed), 0) AS BIGINT) AS pushes
    FROM (""" + STORED_PAIRS + """)  -- joined to the deals by deal_id: no need to join them here
    WHERE both_open
    GROUP BY deal_id
)"""

# ``deal_outcomes`` from the stored ``deal_current``, ``deal_stays`` and ``deal_pushes`` (``derived.refresh_stays``
# fills it when they are fresh) and the stages.
OUTCOMES_SQL = """
WITH open_stages AS (SELECT pipeline, stage, position FROM stages WHERE outcome = 'open')""" + PUSHES_FROM_STORE + """
SELECT k.deal_id, k.import_id, k.owner, k.pipeline, k.status, k.amount, k.currency, k.created_on, k.close_on,
       k.is_dropped, """ + REACHED_POSITION + """ AS reached_position,
       CASE WHEN k.status <> 'open' AND p.pairs > 0 THEN p.pushes END AS pushes
FROM (""" + CURRENT_PLACED + """) k""" + STORED_REACHED_JOINS + """
LEFT JOIN pushes p USING (deal_id)
WHERE NOT (k.is_dropped AND k.status = 'open')
"""

# ``closed_attribute_counts`` from the stored ``deal_outcomes`` (fresh) and the deals' attributes.
COUNTS_SQL = f"""
SELECT a.attribute, a.value, c.pipeline, c.reached_position, c.status, c.close_on, c.currency, count(*) AS deals,
       count(c.amount) AS amounts, sum(c.amount) AS amount_sum
FROM deal_outcomes c JOIN deal_attributes a ON a.import_id = c.import_id AND a.deal_id = c.deal_id
WHERE c.status IN ('won', 'lost') AND a.value IS NOT NULL
      AND a.attribute NOT IN ({", ".join("'" + name + "'" for name in RESERVED_ATTRIBUTES)})
GROUP BY ALL
"""

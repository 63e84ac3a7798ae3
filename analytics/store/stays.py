"""The Pipeline page's stays: each deal's time at each open stage of its pipeline, for the latest state, stored.

``deal_stays`` — grain: one row per (deal, its current pipeline, open stage of that pipeline it has an entry for),
plus, for an open deal (status open) whose current stage is not an open one, one row for that stage (position NULL),
over every deal of ``deal_current`` (the latest state, dropped deals included). Columns:

* entered_on, inferred: when the deal entered the stage (analytics.sales.scope's ``entries``): the "Date entered"
  of the newest export giving one, else its first change to the stage in a stage-history import (changes after the
  latest snapshot date ignored), else the first snapshot showing it there (inferred = TRUE);
* position: the stage's place among its pipeline's stages (NULL: not an open stage, the current-stage row only);
* exited_on: the entry of the deal's next open stage in stage order; for its last open stage, its close_on when
  its status is won or lost (NULL for an open deal, or a closed one without a close date); NULL on a non-open row;
* exit_inferred: the entry or the next stage's entry is inferred (days in stage, METRICS.md 4); NULL on a non-open
  row;
* is_furthest: the deal's last open stage reached by an entry (its highest position, METRICS.md 3);
* is_current: the stage is the deal's current stage.

status = the deal's status as the metrics read it: its status column, else its stage's outcome, else open.

It depends on the stage settings (order and outcome) and on the stage-history imports as well as on the snapshots:
its fingerprint (``analytics.store.derived``) is the snapshots' followed by ``INPUTS_FINGERPRINT_SQL``, so a settings
change or a stage-history import makes it not fresh (the metrics then compute live) until it is rebuilt — by every
deals import and deletion (``derived.refresh_current``'s chain), by the stage settings saves and by a stage-history
import (``analytics.ingest.stage_config``), all inside their transaction. It is always rebuilt whole, from the
stored ``deal_current`` and ``deal_stage_entries`` (which must be fresh), the stage histories and the stages.
"""
from __future__ import annotations

from analytics.store.sql import deal_key_sql

# What the table reads besides the snapshots: the stages' order and outcome (not their probability: a probability
# edit leaves it fresh) and the stage-history rows (how many, from which imports, their dates' span: a few aggregates,
# not a hash of every row, as every page's read connection asks once).
INPUTS_FINGERPRINT_SQL = """
SELECT concat_ws('/',
    (SELECT md5(coalesce(string_agg(concat_ws(chr(31), pipeline, stage, position, outcome), chr(30)
                                    ORDER BY pipeline, stage), '')) FROM stages),
    (SELECT concat_ws(':', count(*), sum(import_id), max(import_id), min(changed_on), max(changed_on))
     FROM deal_stage_history))
"""

# The last open stage reached (METRICS.md 3) of each deal ``k``, over ``open_stages`` (a CTE: pipeline, stage,
# position of the open stages) and the furthest stay of each deal in ``deal_stays`` (at most one row per deal):
# ``STORED_REACHED_JOINS`` after "FROM … k", ``REACHED_POSITION`` in the select list (``analytics.sales.scope`` reads
# the same over entries computed from every snapshot).
REACHED_POSITION = "CASE WHEN k.status = 'won' THEN 2147483647 ELSE coalesce(m.max_position, f.first_position) END"
FIRST_POSITION_JOIN = """
    LEFT JOIN (SELECT pipeline, min(position) AS first_position FROM open_stages GROUP BY ALL) f USING (pipeline)"""
STORED_REACHED_JOINS = """
    LEFT JOIN (SELECT deal_id, pipeline, position AS max_position FROM deal_stays WHERE is_furthest) m
        USING (deal_id, pipeline)""" + FIRST_POSITION_JOIN

# Deals' rows (``{rows}``: a SELECT with pipeline, stage and status_raw) placed at their stage: with their status as the
# metrics read it (the status column, else the stage's outcome, else open) and the stage's position (NULL for a stage
# not configured). The stays, the outcomes and the movement pairs read their deals through it; ``CURRENT_PLACED``:
# every deal of ``deal_current``.
PLACED = """SELECT r.*, coalesce(r.status_raw, st.outcome, 'open') AS status, st.position AS stage_position
    FROM ({rows}) r LEFT JOIN stages st ON st.pipeline = r.pipeline AND st.stage = r.stage"""
CURRENT_PLACED = PLACED.format(rows="SELECT * FROM deal_current")

# The build (``derived.refresh_stays`` fills the table from it, from a fresh ``deal_current`` and
# ``deal_stage_entries``): each entry placed at its open stage's position (or kept as the current stage of an open
# deal), then each open stay's next one by a window partitioned by deal (measured at a million deals: 1.0 s, where
# one window over every row in (deal_id, position) order took 1.7 s and could not finish within the import's 100 MB
# buffer).
STAYS_SQL = f"""
WITH deals AS (SELECT deal_id, pipeline, stage AS current_stage, close_on, status FROM ({CURRENT_PLACED})),
history AS (
    SELECT k.deal_id, k.pipeline, h.stage, min(h.changed_on) AS history_on
    FROM deal_stage_history h JOIN deals k ON {deal_key_sql('k.deal_id')} = {deal_key_sql('h.deal_id')}
    WHERE h.changed_on <= (SELECT max(snapshot_on) FROM deal_snapshots)
    GROUP BY ALL
),
entries AS (
    SELECT deal_id, pipeline, stage, coalesce(e.dated_on, h.history_on, e.seen_on) AS entered_on,
           e.dated_on IS NULL AND h.history_on IS NULL AS inferred
    FROM (SELECT deal_id, pipeline, stage, dated_on, seen_on FROM deal_stage_entries
          WHERE seen_on IS NOT NULL OR dated_on IS NOT NULL) e
    FULL JOIN history h USING (deal_id, pipeline, stage)
),
placed AS (
    SELECT e.deal_id, e.pipeline, e.stage, e.entered_on, e.inferred, o.position, k.current_stage, k.status,
           k.close_on
    FROM entries e JOIN deals k USING (deal_id, pipeline)
    LEFT JOIN (SELECT pipeline, stage, position FROM stages WHERE outcome = 'open') o USING (pipeline, stage)
    WHERE o.position IS NOT NULL OR (e.stage = k.current_stage AND k.status = 'open')
),
steps AS (
    SELECT *, coalesce(lead(position) OVER w IS NOT NULL, FALSE) AS has_next,
           lead(entered_on) OVER w AS next_on, lead(inferred) OVER w AS next_inferred
    FROM placed WINDOW w AS (PARTITION BY deal_id ORDER BY position NULLS LAST)
)
SELECT deal_id, pipeline, stage, position, entered_on, inferred,
       CASE WHEN position IS NULL THEN NULL WHEN has_next THEN next_on WHEN status <> 'open' THEN close_on END
           AS exited_on,
       CASE WHEN position IS NOT NULL THEN inferred OR (has_next AND next_inferred) END AS exit_inferred,
       position IS NOT NULL AND NOT has_next AS is_furthest, stage = current_stage AS is_current
FROM steps
"""

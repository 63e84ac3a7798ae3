"""The Pipeline movement between the two latest snapshots, stored: the deals taking part, as the stage settings place
them, for the Movement page's first view and ``report --json``.

``movement_pairs`` — grain: one row per deal taking part in the movement from A, the latest snapshot date before the
newest, to B, the newest (``analytics.sales.movement``: open as of A; or not in A, seen after A, open or closed won or
lost as of B; or in A and open as of B), with where it stood on each side (``SIDES``: in_a, open_a, open_b, in_b,
status_b, seen_after_a), both sides' rows (``ROWS``: names, owners, pipelines, stages and their positions, close
dates, amounts and currencies, forecast categories) and B's exported probability (probability_to). Empty with fewer
than two snapshot dates.

A side's status is its status column, else its stage's outcome, else open; its stage position is the stage's place in
its pipeline. The values (amounts in the reporting currency) and B's probability (the exported one, else the stage's)
are computed when read: a rate or probability edit leaves the table fresh. It reads what ``deal_stays`` reads (the
snapshots, the stage order and outcome): it has their fingerprint and is rebuilt with them
(``derived.refresh_stays``: every deals import and deletion, stage-settings save and stage-history import), from a
fresh ``deal_current`` (B) and ``deal_versions`` (A). At a million deals the Movement page's first view joined the two
snapshots' million deals each time (0.35 s in a new process); these are the 82,000 rows it reads instead.
"""
from __future__ import annotations

from analytics.store.state import VALID_AS_OF
from analytics.store.stays import PLACED

# The pairs of rows (as of A ``a``, as of B ``b``) of the deals taking part, with where each deal stood: SIDES (from
# the deal ids, dropped flags, statuses and snapshot dates; ``{date_a}`` is A), ROWS (the rest of both rows, but their
# values and probabilities) and TAKES_PART.
SIDES = """coalesce(b.deal_id, a.deal_id) AS deal_id,
           coalesce(NOT a.is_dropped, FALSE) AS in_a,
           coalesce(NOT a.is_dropped AND a.status = 'open', FALSE) AS open_a,
           coalesce(NOT b.is_dropped AND b.status = 'open', FALSE) AS open_b,
           coalesce(NOT b.is_dropped, FALSE) AS in_b,
           b.status AS status_b, coalesce(b.snapshot_on > CAST({date_a} AS DATE), FALSE) AS seen_after_a"""
ROWS = """CASE WHEN b.deal_id IS NULL THEN a.import_id ELSE b.import_id END AS import_id,
           coalesce(b.name, a.name) AS name,
           CASE WHEN b.deal_id IS NULL THEN a.owner ELSE b.owner END AS owner,
           coalesce(b.pipeline, a.pipeline) AS pipeline,
           a.pipeline AS pipeline_a, b.pipeline AS pipeline_b, a.stage AS stage_from, b.stage AS stage_to,
           a.stage_position AS position_a, b.stage_position AS position_b,
           a.close_on AS close_on_from, b.close_on AS close_on_to,
           a.amount AS amount_from, b.amount AS amount_to, a.currency AS currency_a, b.currency AS currency_b,
           a.owner AS owner_from, b.owner AS owner_to,
           a.forecast_category AS forecast_category_from, b.forecast_category AS forecast_category_to"""
TAKES_PART = "open_a OR (NOT in_a AND seen_after_a AND (open_b OR status_b IN ('won', 'lost'))) OR (in_a AND open_b)"

_DATE_A = "(SELECT date_a FROM dates)"

# The build (``derived.refresh_stays`` fills the table from it): each side's rows placed at their stage (``PLACED``: no
# value, no probability); which deals take part is decided on a narrow join of the two sides, then only those deals'
# rows are joined whole, as ``analytics.sales.movement`` computes it live.
PAIRS_SQL = f"""
WITH dates AS (
    SELECT max(snapshot_on) FILTER (snapshot_on < (SELECT max(snapshot_on) FROM deal_snapshots)) AS date_a
    FROM deal_snapshots
),
a AS NOT MATERIALIZED ({PLACED.format(rows=VALID_AS_OF.format(columns="* EXCLUDE (valid_until, dropped_on)",
                                                               day=_DATE_A))}),
b AS NOT MATERIALIZED ({PLACED.format(rows="SELECT * FROM deal_current WHERE " + _DATE_A + " IS NOT NULL")}),
sides AS (SELECT {SIDES.format(date_a=_DATE_A)}
          FROM a FULL JOIN b ON a.deal_id = b.deal_id)
SELECT k.*, {ROWS}, b.probability AS probability_to
FROM sides k LEFT JOIN a ON a.deal_id = k.deal_id LEFT JOIN b ON b.deal_id = k.deal_id
WHERE {TAKES_PART}
"""

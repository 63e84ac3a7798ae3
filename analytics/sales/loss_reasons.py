"""Why deals are lost: lost deals by loss reason, with their value, the stage they were lost at and the trend.

The loss reason is the export's lost-reason column (Salesforce ``Loss_Reason__c``, HubSpot "Closed lost
reason", Pipedrive "Lost reason", "Motif de perte"…), which the importer keeps as a deal attribute under the
reserved name ``LOSS_REASON_ATTRIBUTE``. A deal's reason is the one of its current row (the latest snapshot
holding it); blank (or an import without the column) is ``NO_REASON``.

**Lost deals**: current status lost (dropped after they were lost included, as in the win rate), with
close_on in the period when one is given (inclusive; a bounded period leaves out blank close dates).

**Stage lost at** = the deal's last open stage before it was lost, from the first source that knows it
(``stage_source``):

* ``current_stage``: its current stage is an open stage (a status column says lost while the stage stays,
  as Pipedrive exports do): that stage;
* ``entry_dates``: the open stage it entered last, by the "Date entered" columns of the exports or a
  stage-history import (exact dates; ties: the later stage);
* ``snapshots``: the stage of the latest snapshot that showed it at an open stage (weekly precision: a
  stage entered and left between two exports is not seen);
* None: unknown (lost in every export that holds it, and no entry date).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.sales.deals import DealFilter
from analytics.sales.scope import ALL_DEALS, STAGE_HISTORY_CTES, date_range_sql, open_scope, scoped_ctes
from analytics.store.schema import LOSS_REASON_ATTRIBUTE
from analytics.store.sql import Fragment

NO_REASON = "(no reason given)"  # the code of a blank loss reason (the app words it)
STAGE_SOURCES = ("current_stage", "entry_dates", "snapshots")
LOST_COLUMNS = ["deal_id", "name", "owner", "pipeline", "reason", "value", "close_on", "quarter", "stage_lost_at",
                "stage_position", "stage_source"]
REASON_COLUMNS = ["reason", "deals", "value", "share", "value_share", "top_stage", "top_stage_deals"]
STAGE_COLUMNS = ["reason", "pipeline", "stage_lost_at", "stage_position", "deals", "value"]
QUARTER_COLUMNS = ["quarter", "reason", "deals", "value"]

_LOST = """,
last_dated AS (
    SELECT deal_id, arg_max(stage, (entered_on, position)) AS stage
    FROM open_entries WHERE NOT inferred GROUP BY deal_id
),
last_seen AS (
    SELECT s.deal_id, arg_max(s.stage, (s.snapshot_on, s.import_id)) AS stage
    FROM deal_snapshots s JOIN scoped k ON k.deal_id = s.deal_id AND k.pipeline = s.pipeline
    JOIN open_stages o ON o.pipeline = s.pipeline AND o.stage = s.stage
    WHERE s.snapshot_on <= (SELECT as_of FROM cutoff)
    GROUP BY s.deal_id
),
final AS (
    SELECT k.deal_id, k.name, k.owner, k.pipeline,
           coalesce(nullif(trim(r.value), ''), ?) AS reason,
           k.value, k.close_on,
           strftime(k.close_on, '%Y') || '-Q' || quarter(k.close_on) AS quarter,
           CASE WHEN cur.stage IS NOT NULL THEN k.stage ELSE coalesce(dt.stage, ls.stage) END AS stage_lost_at,
           CASE WHEN cur.stage IS NOT NULL THEN 'current_stage' WHEN dt.stage IS NOT NULL THEN 'entry_dates'
                WHEN ls.stage IS NOT NULL THEN 'snapshots' END AS stage_source
    FROM scoped k
    LEFT JOIN open_stages cur ON cur.pipeline = k.pipeline AND cur.stage = k.stage
    LEFT JOIN last_dated dt ON dt.deal_id = k.deal_id
    LEFT JOIN last_seen ls ON ls.deal_id = k.deal_id
    LEFT JOIN deal_attributes r ON r.import_id = k.import_id AND r.deal_id = k.deal_id AND r.attribute = ?
)
SELECT f.*, o.position AS stage_position
FROM final f LEFT JOIN open_stages o ON o.pipeline = f.pipeline AND o.stage = f.stage_lost_at
ORDER BY f.close_on DESC NULLS LAST, f.deal_id
"""


def loss_reason_mapped(con: duckdb.DuckDBPyConnection) -> bool:
    """True when an import mapped a loss-reason column (some deal carries the reserved attribute)."""
    row = con.execute("SELECT count(*) FROM (SELECT 1 FROM deal_attributes WHERE attribute = ? LIMIT 1)",
                      [LOSS_REASON_ATTRIBUTE]).fetchone()
    return bool(row[0])


def lost_deals(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, date_from: dt.date | None = None,
               date_to: dt.date | None = None) -> pd.DataFrame:
    """The lost deals with their loss reason and the stage they were lost at (see the module docstring).

    Grain: one row per deal whose current status is lost, closed in the period; latest close first.
    reason = the export's loss reason (NO_REASON when blank); value = amount in the reporting currency
    (NaN when unknown); quarter = 'YYYY-Qn' of close_on (None without one); stage_lost_at / stage_position
    = its last open stage and that stage's position (None when unknown); stage_source = one of STAGE_SOURCES.
    """
    scope = open_scope(con)
    where = Fragment("d.status = 'lost' AND ", []) + date_range_sql("d.close_on", date_from, date_to)
    query = scoped_ctes(scope, flt, where) + Fragment(STAGE_HISTORY_CTES, []) + Fragment(
        _LOST, [NO_REASON, LOSS_REASON_ATTRIBUTE])
    frame = con.execute(*query).df()
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    for column in ("quarter", "stage_lost_at", "stage_source"):  # unknown = None, not NaN
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame[LOST_COLUMNS]


@dataclass(frozen=True)
class LossReasons:
    """Lost deals by loss reason (``loss_reasons``). ``currency``: the reporting currency of the values.

    by_reason (REASON_COLUMNS): one row per reason, most deals first (NO_REASON last).
    by_stage (STAGE_COLUMNS): one row per (reason, pipeline, stage lost at), stage None when unknown.
    by_quarter (QUARTER_COLUMNS): one row per (quarter of close_on, reason), oldest quarter first.
    deals: ``lost_deals``.
    """
    lost_count: int
    lost_value: float
    by_reason: pd.DataFrame
    by_stage: pd.DataFrame
    by_quarter: pd.DataFrame
    deals: pd.DataFrame

    def as_dict(self) -> dict:
        """The ``loss_reasons`` object of ``report --json`` under ``deals``: plain Python values."""
        stages = {}
        for row in self.by_stage.itertuples():
            stages.setdefault(row.reason, []).append({
                "pipeline": row.pipeline, "stage": _plain(row.stage_lost_at), "deals": int(row.deals),
                "value": float(row.value)})
        return {
            "lost_count": self.lost_count, "lost_value": self.lost_value, "no_reason": NO_REASON,
            "reasons": [{"reason": r.reason, "deals": int(r.deals), "value": float(r.value), "share": float(r.share),
                         "value_share": _plain(r.value_share), "stages": stages.get(r.reason, [])}
                        for r in self.by_reason.itertuples()],
            "quarters": [{"quarter": q.quarter, "reason": q.reason, "deals": int(q.deals), "value": float(q.value)}
                         for q in self.by_quarter.itertuples()],
        }


def loss_reasons(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, date_from: dt.date | None = None,
                 date_to: dt.date | None = None) -> LossReasons | None:
    """Lost deals by reason: count, value, share, stage lost at and trend per quarter; None when no import mapped
    a loss-reason column.

    deals = lost deals with the reason; value = the sum of their known values; share = deals / lost deals;
    value_share = value / value of all lost deals (None when that is 0); top_stage = the stage most of the
    reason's deals were lost at (known stages only; ties: the earlier stage), top_stage_deals = how many.
    """
    if not loss_reason_mapped(con):
        return None
    deals = lost_deals(con, flt=flt, date_from=date_from, date_to=date_to)
    total_value = float(deals["value"].sum())
    grouped = deals.groupby("reason")
    by_reason = pd.DataFrame({"deals": grouped.size(), "value": grouped["value"].sum()}).reset_index()
    by_reason["share"] = by_reason["deals"] / max(len(deals), 1)
    by_reason["value_share"] = by_reason["value"] / total_value if total_value else None
    by_stage = _by_stage(deals)
    known = by_stage.dropna(subset=["stage_lost_at"]).sort_values(
        ["reason", "deals", "stage_position"], ascending=[True, False, True])
    top = known.drop_duplicates("reason").set_index("reason")
    by_reason["top_stage"] = by_reason["reason"].map(top["stage_lost_at"])
    by_reason["top_stage_deals"] = by_reason["reason"].map(top["deals"]).fillna(0).astype(int)
    by_reason = by_reason.assign(_blank=by_reason["reason"] == NO_REASON).sort_values(
        ["_blank", "deals", "value", "reason"], ascending=[True, False, False, True])
    dated = deals.dropna(subset=["quarter"]).groupby(["quarter", "reason"])
    by_quarter = pd.DataFrame({"deals": dated.size(), "value": dated["value"].sum()}).reset_index()
    return LossReasons(len(deals), total_value + 0.0, by_reason[REASON_COLUMNS].reset_index(drop=True),
                       by_stage, by_quarter[QUARTER_COLUMNS].sort_values(["quarter", "reason"], ignore_index=True),
                       deals)


def loss_reasons_report(con: duckdb.DuckDBPyConnection, date_from: dt.date | None = None,
                        date_to: dt.date | None = None) -> dict | None:
    """``loss_reasons`` under ``deals`` in ``report --json`` (None when no loss-reason column was mapped)."""
    found = loss_reasons(con, date_from=date_from, date_to=date_to)
    return None if found is None else found.as_dict()


def _by_stage(deals: pd.DataFrame) -> pd.DataFrame:
    """Deals and value per (reason, pipeline, stage lost at), unknown stages kept (stage None)."""
    keys = ["reason", "pipeline", "stage_lost_at", "stage_position"]
    grouped = deals.groupby(keys, dropna=False)
    out = pd.DataFrame({"deals": grouped.size(), "value": grouped["value"].sum()}).reset_index()
    out = out.sort_values(["reason", "pipeline", "stage_position"], na_position="last", ignore_index=True)
    out["stage_lost_at"] = out["stage_lost_at"].astype(object).where(out["stage_lost_at"].notna(), None)
    return out[STAGE_COLUMNS]


def _plain(value):
    """A JSON-ready value: None for NaN/None, plain Python numbers."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value

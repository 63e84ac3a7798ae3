"""Stage-history imports: Salesforce OpportunityHistory exports as a source of exact stage entry dates.

Two layouts are read (columns matched by ``mapping.map_history_columns``):

* **rows** (the OpportunityHistory object, or an "Opportunity History" report): one row per recorded
  change, giving the deal's stage after it (``StageName`` / "To Stage"), the date (``CreatedDate`` /
  "Last Modified" / "Edit Date"), and where present ``FromOpportunityStageName``, ``Amount``,
  ``CloseDate``, ``Probability``. ``PrevAmount`` / ``PrevCloseDate`` repeat the previous row's values
  and are not needed: the table keeps the value after each change.
* **events** (a field-history report: "Field / Event, Old Value, New Value"): a "Stage" event gives
  stage = New Value, from_stage = Old Value; an "Amount" or "Close Date" event gives the new amount or
  close date, at the stage the deal was in at that moment (the last stage change before it, else the
  Old Value of the first one); a "Created." event gives the first stage's entry date. Other events
  (owner, next step…) are not used (counted in a warning).

Grain of ``deal_stage_history``: one row per recorded change of a deal. The entry date of a stage is the
first ``changed_on`` of the deal at that stage (exact, to the day; Salesforce API dates are UTC days).
The sales metrics read it through ``entries_sql`` (``analytics.sales.scope``), after the "Date entered"
columns of deals exports and before the dates inferred from snapshots.

Salesforce ids come as 15 characters (reports) or 18 (API, Data Loader: the 15 plus a checksum);
``deal_key_sql`` reduces opportunity ids to 15 characters so both spellings match the same deal.
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from analytics.ingest import mapping, pipelines, readers, validation, values
from analytics.ingest.import_log import ImportWarning
from analytics.store.schema import MAX_AMOUNT
from analytics.text import normalise_header

HISTORY_COLUMNS = ["deal_id", "stage", "from_stage", "changed_on", "amount", "close_on", "probability"]
_STAGE_EVENTS = {"stage", "stage name", "opportunity stage", "deal stage", "etape", "phase", "etape de vente",
                 "etape de l opportunite"}
_AMOUNT_EVENTS = {"amount", "montant", "opportunity amount"}
_CLOSE_EVENTS = {"close date", "date de cloture", "date de fermeture", "date de cloture prevue"}
_CREATED_EVENT = re.compile(r"^(opportunity |opportunite |deal )?(created|cree|creee|creation)\b")
_COMMA_BEFORE_TIME = re.compile(r",\s+(?=\d{1,2}:\d{2})")


# --- import builder (called by ingest.prepare for kind "stage_history") --------------------------------

def prepare_history(raw: readers.RawTable, overrides: dict, snapshot_on: dt.date):
    """Read a stage-history file: (tables, rejected, warnings, used mapping, details), like ingest's builders."""
    frame = raw.frame
    fields = mapping.map_history_columns(list(frame.columns), overrides)
    missing = mapping.missing_required("stage_history", fields)
    if missing:
        raise mapping.MappingError(
            f"a stage history needs an opportunity id, a stage and a change date; missing {', '.join(missing)}. "
            "Map them with --map FIELD=COLUMN (e.g. --map changed_on=CreatedDate).")
    rej = validation.Rejections(raw.row_numbers)
    rej.add(frame.index.isin(validation.ragged_index(raw)), "ragged_row")
    details: dict = {}
    deal_id = validation.text_column(frame, fields["deal_id"])
    rej.add(deal_id.isna(), "no_opportunity_id")
    changed = _dates(frame, fields["changed_on"], "change date", rej, details)
    rej.add(changed.isna(), "no_change_date")
    if fields.get(mapping.HISTORY_EVENT_FIELD):
        rows, warnings = _event_rows(frame, fields, deal_id, changed, rej, details)
    else:
        rows, warnings = _change_rows(frame, fields, deal_id, changed, rej, details)
    rows = rows.drop_duplicates(ignore_index=True)
    details.update(layout="events" if fields.get(mapping.HISTORY_EVENT_FIELD) else "rows",
                   deals=int(rows["deal_id"].nunique()))
    return {"deal_stage_history": rows}, rej.frame(), warnings, dict(fields), details


def _dates(frame: pd.DataFrame, column: str | None, label: str, rej, details: dict) -> pd.Series:
    """Dates of a column (time of day dropped; '11/3/2026, 10:22 AM' read too); bad cells reject their row."""
    if column is None:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    cells = frame[column].map(lambda v: _COMMA_BEFORE_TIME.sub(" ", v) if isinstance(v, str) else v)
    parsed = values.parse_dates(cells)
    rej.add(parsed.bad, "not_a_date", frame[column], field=label)
    details.setdefault("date_orders", {})[column] = parsed.detail
    return parsed.values


def _numbers(cells: pd.Series, label: str, rej, probability: bool = False) -> pd.Series:
    parsed = values.parse_probability(cells) if probability else values.parse_numbers(cells)
    rej.add(parsed.bad, "not_a_probability" if probability else "not_a_number", cells, field=label)
    if not probability:
        rej.add(parsed.values < 0, "negative", cells, field=label)
        rej.add(parsed.values >= MAX_AMOUNT, "too_large", cells, field=label, limit=f"{MAX_AMOUNT - 1:,}")
    return parsed.values


def _stages(values: pd.Series) -> pd.Series:
    return values.map(lambda v: pipelines.stage_label(v) or None if isinstance(v, str) else None)


def _change_rows(frame, fields, deal_id, changed, rej, details) -> tuple[pd.DataFrame, list[str]]:
    """The 'rows' layout: every row is the deal's state right after a change."""
    stage = _stages(validation.text_column(frame, fields["stage"]))
    rej.add(stage.isna(), "no_stage")
    amount = (_numbers(frame[fields["amount"]], "amount", rej) if fields.get("amount")
              else pd.Series(np.nan, index=frame.index))
    probability = (_numbers(frame[fields["probability"]], "probability", rej, probability=True)
                   if fields.get("probability") else pd.Series(np.nan, index=frame.index))
    close = _dates(frame, fields.get("close_on"), "close date", rej, details)
    from_stage = _stages(_text_or_none(frame, fields, "from_stage"))
    rows = pd.DataFrame({"deal_id": deal_id, "stage": stage, "from_stage": from_stage,
                         "changed_on": validation.date_only(changed), "amount": amount,
                         "close_on": validation.date_only(close), "probability": probability})
    return rows[~rej.bad].reset_index(drop=True)[HISTORY_COLUMNS], []


def _text_or_none(frame: pd.DataFrame, fields: dict, name: str) -> pd.Series:
    return validation.text_column(frame, fields.get(name))


def _event_kind(event: object) -> str | None:
    """'stage' | 'amount' | 'close_on' | 'created' | None (an event this import does not use)."""
    norm = normalise_header(event) if isinstance(event, str) else ""
    if norm in _STAGE_EVENTS:
        return "stage"
    if norm in _AMOUNT_EVENTS:
        return "amount"
    if norm in _CLOSE_EVENTS:
        return "close_on"
    if _CREATED_EVENT.match(norm):
        return "created"
    return None


def _event_rows(frame, fields, deal_id, changed, rej, details) -> tuple[pd.DataFrame, list[str]]:
    """The 'events' layout: stage, amount, close-date and creation events turned into rows."""
    warnings: list[str] = []
    kind = frame[fields[mapping.HISTORY_EVENT_FIELD]].map(_event_kind)
    new = validation.text_column(frame, fields["stage"])
    old = _text_or_none(frame, fields, "from_stage")
    is_stage, is_amount, is_close = kind == "stage", kind == "amount", kind == "close_on"
    rej.add(is_stage & new.isna(), "stage_change_without_value")
    amount = _numbers(new.where(is_amount), "amount", rej)
    parsed = values.parse_dates(new.where(is_close))
    rej.add(parsed.bad, "not_a_date", new, field="close date")
    close = parsed.values
    unused = kind.isna() & ~rej.bad
    if unused.any():
        names = ", ".join(sorted(set(frame.loc[unused, fields[mapping.HISTORY_EVENT_FIELD]].dropna().astype(str)))[:5])
        warnings.append(ImportWarning("history_other_fields", n=int(unused.sum()), fields=names))
    events = pd.DataFrame({"deal_id": deal_id, "kind": kind, "new_stage": _stages(new.where(is_stage)),
                           "old_stage": _stages(old.where(is_stage)), "changed_on": changed, "amount": amount,
                           "close_on": close, "order": _tie_order(deal_id, changed)})
    events = events[kind.notna() & ~rej.bad].sort_values(["deal_id", "changed_on", "order"])
    at_stage = events["new_stage"].groupby(events["deal_id"]).ffill()
    before_first = events["old_stage"].groupby(events["deal_id"]).bfill()
    events["stage"] = events["new_stage"].fillna(at_stage).fillna(before_first)
    no_stage = events["stage"].isna()
    if no_stage.any():
        warnings.append(ImportWarning("history_no_stage", n=int(no_stage.sum())))
    events = events[~no_stage]
    rows = pd.DataFrame({"deal_id": events["deal_id"], "stage": events["stage"],
                         "from_stage": events["old_stage"], "changed_on": validation.date_only(events["changed_on"]),
                         "amount": events["amount"], "close_on": validation.date_only(events["close_on"]),
                         "probability": np.nan})
    details["events"] = {str(k): int(v) for k, v in kind.value_counts().items()}
    return rows.reset_index(drop=True)[HISTORY_COLUMNS], warnings


def _tie_order(deal_id: pd.Series, changed: pd.Series) -> pd.Series:
    """Row order used for events of a deal on the same day: reversed when the file lists newest first."""
    position = pd.Series(np.arange(len(deal_id)), index=deal_id.index)
    steps = changed.groupby(deal_id).diff().dt.days
    newest_first = (steps < 0).sum() > (steps > 0).sum()
    return -position if newest_first else position

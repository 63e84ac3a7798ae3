"""A deals export's rows: the columns mapped to deal fields, every cell validated, one row per deal.

``prepare_deals`` builds the deal snapshot, stage entry dates and attribute tables of a file read whole; the
helpers it uses (amounts, close dates, entry dates, attributes) are also what ``deal_stream`` runs on each slice
of a big file, with the decisions taken once over the whole file."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.ingest import guesses, mapping, pipelines, readers
from analytics.ingest import values as parsing
from analytics.ingest.import_log import ImportOptions, ImportRejected, ImportWarning
from analytics.ingest.plan import HIGH, MEDIUM, ImportPlan
from analytics.ingest.validation import (
    Rejections,
    date_only,
    first_few,
    parse_dates_column,
    per_value,
    quoted,
    ragged_index,
    text_column,
)
from analytics.store.schema import MAX_AMOUNT


@dataclass
class Context:
    """What a row builder gets: the table read, the column overrides and answers in force, the snapshot date and
    its source (a builder may date the snapshot from the data), and the plan it writes its guesses into."""
    raw: readers.RawTable
    overrides: dict
    answers: dict[str, tuple[str, str]]     # question -> (answer, evidence code: who gave it)
    snapshot_on: dt.date
    snapshot_source: str
    options: ImportOptions
    plan: ImportPlan
    snapshot_column: str = ""   # the column (snapshot_source "data") or title cell ("title") that dated the snapshot

    def answer(self, question: str) -> tuple[str | None, str]:
        return self.answers.get(question, (None, ""))


def prepare_deals(ctx: Context):
    """The deal snapshot, stage entry dates and attribute tables of a deals export read whole, its rejected rows,
    warnings, mapping used and details (``importer.prepare``'s builder for deals)."""
    raw, plan = ctx.raw, ctx.plan
    frame = raw.frame
    deal_map = mapping.map_deal_columns(list(frame.columns), ctx.overrides)
    fields = deal_map.fields
    missing = mapping.missing_required("deals", deal_map)
    if missing:
        raise ImportRejected("this file has no column that looks like a deal stage. Map one with "
                             "--map stage=COLUMN (or in the mapping table on the Import page), or check that "
                             "you exported the deals report.")
    column_plan(ctx, deal_map)
    rej = Rejections(raw.row_numbers)
    warnings: list[str] = []
    details: dict = {}
    rej.add(frame.index.isin(ragged_index(raw)), "ragged_row")
    hint = date_hint(ctx, deal_map)
    _date_from_data(ctx, hint)

    stage = per_value(text_column(frame, fields.get("stage")), pipelines.stage_label)
    rej.add(stage.isna(), "no_stage")
    answer, by = ctx.answer("amount_unit")
    unit = guesses.amount_unit(fields.get("amount"), answer, "saved" if by == "saved" else "scale_user", plan)
    amount = amounts(frame, fields.get("amount"), rej, warnings, unit=unit)
    created = parse_dates_column(frame, fields.get("created_on"), "created date", rej, details, hint)
    close = close_dates(frame, deal_map, rej, details, hint)
    probability = _probabilities(ctx, fields.get("probability"), rej)
    status, unknown_status = guesses.deal_status(frame, fields.get("status"), deal_map.how.get("status"), stage,
                                                 plan)
    if unknown_status.any():
        warnings.append(ImportWarning("unknown_status", n=int(unknown_status.sum())))
    currency = text_column(frame, fields.get("currency")).str.upper()
    if fields.get("amount"):
        currency = currency.fillna(parsing.currency_symbols(frame[fields["amount"]]))
    deal_id, made = guesses.deal_ids(text_column(frame, fields.get("deal_id")), fields.get("deal_id"),
                                     text_column(frame, fields.get("name")), created, raw.row_numbers, plan)
    if made:
        warnings.append(ImportWarning("made_deal_ids", n=made))
    pipeline = text_column(frame, fields.get("pipeline")).fillna("default")

    deals = pd.DataFrame({
        "snapshot_on": ctx.snapshot_on, "row_number": raw.row_numbers, "deal_id": deal_id,
        "name": text_column(frame, fields.get("name")), "pipeline": pipeline, "stage": stage, "status_raw": status,
        "amount": amount, "currency": currency.where(currency.notna(), None),
        "owner": text_column(frame, fields.get("owner")), "created_on": date_only(created),
        "close_on": date_only(close), "probability": probability,
        "forecast_category": text_column(frame, fields.get("forecast_category")),
    }, index=frame.index, copy=False)  # the columns as they are: no second copy of a million rows
    entered = entry_dates(frame, deal_map, deals, rej, details, hint)
    deals = _last_duplicate_wins(deals, rej, warnings)
    kept_index = deals.index
    entered = entered[entered["_row"].isin(kept_index)].drop(columns=["_row", "_column"])
    attributes = attribute_rows(frame.loc[kept_index], deal_map, deals)
    _warn_blanks(deals, warnings)
    warnings += guesses.candidate_warnings(frame, fields, deal_map.ignored, plan)
    used = {"fields": fields, "entered_on": deal_map.entered_on, "extras": deal_map.extras,
            "close_fallbacks": getattr(deal_map, "close_fallbacks", [])}
    tables = {"deal_snapshots": deals.reset_index(drop=True), "deal_stage_dates": entered,
              "deal_attributes": attributes}
    return tables, rej.frame(), warnings, used, details


def column_plan(ctx: Context, deal_map) -> None:
    """One inference per field fed by a column (how it was found), the entry-date columns, and the rest."""
    confidence = {"header_word": MEDIUM, "close_spelling": MEDIUM}
    for name, column in deal_map.fields.items():
        how = deal_map.how.get(name, "known_header")
        if how == "user" and name not in ctx.options.overrides:
            how = "saved"
        ctx.plan.add("column", column, how, confidence.get(how, HIGH), subject=name, fix=f"--map {name}=COLUMN",
                     crm="CRM")
    if deal_map.entered_on:
        ctx.plan.add("column", ", ".join(deal_map.entered_on), "entered_columns", HIGH, subject="entered_on",
                     n=len(set(deal_map.entered_on.values())))
    if deal_map.extras:
        ctx.plan.add("ignored", "", "extras", HIGH, columns=deal_map.extras)
    if deal_map.ignored:
        ctx.plan.add("ignored", "", "not_used", HIGH, columns=deal_map.ignored)


def date_columns(deal_map, columns: list[str]) -> list[str]:
    """The columns whose dates decide the file's day/month order: created, close (and its fallbacks), the entry
    dates and the last-modified date, in this order."""
    fields = deal_map.fields
    found = [fields.get("created_on"), fields.get("close_on"), *deal_map.close_fallbacks, *deal_map.entered_on,
             guesses.modified_column(columns)]
    return [c for c in found if c]


def date_hint(ctx: Context, deal_map, orders: dict | None = None) -> bool | None:
    """The file's day/month order, decided once over every date column (guesses.date_order); ``orders``: each
    column's day/month order when the file is read in slices."""
    answer, by = ctx.answer("date_order")
    return guesses.date_order(ctx.raw.frame, date_columns(deal_map, list(ctx.raw.frame.columns)), answer,
                              "order_saved" if by == "saved" else "order_user", ctx.plan, orders)


def _date_from_data(ctx: Context, hint: bool | None) -> None:
    """Without --as-of or a date in the file name, the snapshot is dated by the latest change in the file, else by
    the date its report title gives ("As of 11/27/2026")."""
    if ctx.snapshot_source != "import day":
        return
    found = guesses.snapshot_from_data(ctx.raw.frame, hint)
    if found:
        ctx.snapshot_on, ctx.snapshot_column = found
        ctx.snapshot_source = "data"
        return
    titled = guesses.snapshot_from_title(ctx.raw.title_text, hint)
    if titled:
        ctx.snapshot_on, ctx.snapshot_column = titled
        ctx.snapshot_source = "title"


def rejected_known_deals(con, ids, import_id: int | None = None) -> list[ImportWarning]:
    """A warning naming the deals of earlier exports whose row a full export rejects (``ids``: the rejected rows'
    deal ids; ``import_id``: this import, once its rows are stored): a full export without a deal counts it as
    dropped, though here only its row could not be read. No warning when there are none."""
    ids = sorted({str(i) for i in ids if i is not None and str(i) != ""})
    if not ids:
        return []
    known = [r[0] for r in con.execute(
        "SELECT DISTINCT deal_id FROM deal_snapshots WHERE deal_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) "
        "AND import_id IS DISTINCT FROM ? AND deal_id NOT IN (SELECT deal_id FROM deal_snapshots WHERE import_id = ?) "
        "ORDER BY deal_id", [ids, import_id, import_id]).fetchall()]
    if not known:
        return []
    return [ImportWarning("rejected_known_deals", n=len(known), ids=first_few(known))]


def amounts(frame: pd.DataFrame, column: str | None, rej: Rejections, warnings: list[str],
            evidence: parsing.NumberEvidence | None = None, unit: int = 1) -> pd.Series:
    """Each deal's amount (NaN when blank), times ``unit`` (1,000 for a header in k€: guesses.amount_unit); text,
    negative or too large amounts reject their row. ``evidence``: the column's over the whole file when `frame` is
    one slice of it (its decimal mark)."""
    if column is None:
        warnings.append(ImportWarning("no_amount_column"))
        return pd.Series(np.nan, index=frame.index)
    parsed = parsing.parse_numbers(frame[column], evidence=evidence)
    values = parsed.values if unit == 1 else (parsed.values * unit).round(6)  # 1.005 k€ is 1,005, not 1,004.999…
    rej.add(parsed.bad, "not_a_number", frame[column], field="amount")
    rej.add(values < 0, "negative", frame[column], field="amount")
    rej.add(values >= MAX_AMOUNT, "too_large", frame[column], field="amount", limit=f"{MAX_AMOUNT - 1:,}")
    return values


def close_dates(frame: pd.DataFrame, deal_map, rej: Rejections, details: dict, hint: bool | None,
                evidence: dict | None = None) -> pd.Series:
    """Close date: the mapped column, completed by the fallbacks (won time, lost time…) where blank."""
    close = parse_dates_column(frame, deal_map.fields.get("close_on"), "close date", rej, details, hint, evidence)
    for column in getattr(deal_map, "close_fallbacks", []) or []:
        close = close.fillna(parse_dates_column(frame, column, quoted(column), rej, details, hint, evidence))
    return close


def _probabilities(ctx: Context, column: str | None, rej: Rejections) -> pd.Series:
    frame = ctx.raw.frame
    if column is None:
        return pd.Series(np.nan, index=frame.index)
    answer, by = ctx.answer("probability_scale")
    scale = guesses.probability_scale(column, frame[column], answer, "saved" if by == "saved" else "scale_user",
                                      ctx.plan)
    parsed = parsing.parse_probability(frame[column], scale)
    rej.add(parsed.bad, "not_a_probability", frame[column], field="probability")
    return parsed.values


def entry_dates(frame: pd.DataFrame, deal_map, deals: pd.DataFrame, rej: Rejections,
                details: dict, hint: bool | None, evidence: dict | None = None) -> pd.DataFrame:
    """Long table of stage entry dates from 'Date entered <stage>' columns (``_row``: the frame row, ``_column``:
    the column's position among them)."""
    parts = []
    for position, (column, stage) in enumerate(deal_map.entered_on.items()):
        dates = parse_dates_column(frame, column, quoted(column), rej, details, hint, evidence)
        present = dates.notna()
        parts.append(pd.DataFrame({"_row": frame.index[present], "_column": position,
                                   "deal_id": deals["deal_id"][present],
                                   "pipeline": deals["pipeline"][present],
                                   "stage": pipelines.stage_label(stage), "entered_on": date_only(dates[present])}))
    if not parts:
        return pd.DataFrame(columns=["_row", "_column", "deal_id", "pipeline", "stage", "entered_on"])
    return pd.concat(parts, ignore_index=True)


def _last_duplicate_wins(deals: pd.DataFrame, rej: Rejections, warnings: list[str]) -> pd.DataFrame:
    """The valid rows, one per deal id: when a file lists a deal twice, its last valid row wins and the earlier
    ones are rejected (with a warning), so imported + rejected rows always add up to the file's rows."""
    valid = deals["deal_id"][~rej.bad]  # the id column alone: a copy of every column would weigh on memory
    dup = deals.index.isin(valid.index[valid.duplicated(keep="last")])
    if dup.any():
        rows = ", ".join(str(r) for r in deals.loc[dup, "row_number"].head(5))
        warnings.append(ImportWarning("repeated_deal_ids", n=int(dup.sum()),
                                      rows=rows + ("…" if dup.sum() > 5 else "")))
        rej.add(dup, "repeated_deal_id", deals["deal_id"])
    return deals[~rej.bad]


def attribute_rows(frame: pd.DataFrame, deal_map, deals: pd.DataFrame) -> pd.DataFrame:
    """Long table of the extra grouping columns (segment, source, region…) per deal, named by their header, then
    the fields kept as attributes (the loss reason) under their reserved name (mapping.ATTRIBUTE_FIELDS)."""
    named = [(column, column) for column in deal_map.extras]
    named += [(attribute, deal_map.fields[name]) for name, attribute in mapping.ATTRIBUTE_FIELDS.items()
              if deal_map.fields.get(name)]
    parts = [pd.DataFrame({"deal_id": deals["deal_id"].to_numpy(), "attribute": attribute,
                           "value": text_column(frame, column).to_numpy()}) for attribute, column in named]
    if not parts:
        return pd.DataFrame(columns=["deal_id", "attribute", "value"])
    return pd.concat(parts, ignore_index=True)


def _warn_blanks(deals: pd.DataFrame, warnings: list[str]) -> None:
    for column, code in (("amount", "blank_amount"), ("created_on", "blank_created")):
        blank = int(deals[column].isna().sum())
        if blank:
            warnings.append(ImportWarning(code, n=blank))

"""A big CSV deals export imported a slice at a time, so that memory stays a small multiple of the file's size.

The general path reads the whole table into memory and decides, over every row, in which order days and months
are written, which decimal mark amounts use, which columns could feed an unmapped field. Here the file is read in
slices (``csv_chunks``) twice:

1. ``first_pass`` keeps, per column, only the counts those decisions need (``values.DateEvidence``,
   ``values.NumberEvidence``, the first values of unused columns) and takes the decisions once, as the general
   path does, writing the same inferences into the plan;
2. ``DealStream.store`` parses each slice with the decisions fixed, validates it (rejected rows keep their file
   row numbers) and appends its valid rows to the database; the one cross-row check, a deal listed twice (its
   last valid row wins), is made in SQL on the stored rows.

Files the slices cannot decide exactly as the general path does (a probability column, Salesforce's won/closed
flags, rows without deal id, a snapshot dated by the data) get None from ``first_pass``: the caller
reads them whole. tests/test_deal_stream.py compares both paths on the same files.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from analytics.ingest import csv_chunks, deal_rows, guesses, headcount, mapping, pipelines, readers, stage_config
from analytics.ingest import values as parsing
from analytics.ingest.deal_rows import Context
from analytics.ingest.import_log import ImportOptions, ImportRejected, ImportWarning
from analytics.ingest.plan import ImportPlan
from analytics.ingest.validation import Rejections, date_only, parse_dates_column, per_value, ragged_index, text_column
from analytics.store.sql import checked

STREAM_BYTES = 32 * 2**20    # CSV files from this size are read in slices (smaller ones are read whole)
SLICE_BYTES = 4 * 2**20      # about this much of the file per slice
DUCKDB_MEMORY = "100MB"      # DuckDB's buffer while the rows are stored (beyond it, it spills to its temp folder)
SAMPLE_VALUES = 2000         # first values of an unused column kept to judge whether it could feed a field
DEAL_COLUMNS = ("snapshot_on", "row_number", "deal_id", "name", "pipeline", "stage", "status_raw", "amount",
                "currency", "owner", "created_on", "close_on", "probability", "forecast_category")


def slices_of(source, file_name: str, options: ImportOptions) -> csv_chunks.CsvChunks | None:
    """The slices of a big CSV deals export on disk; None when the file is read whole (small, a workbook, bytes
    in memory, another encoding, or not a deals export by its headers)."""
    if not isinstance(source, (str, os.PathLike)) or options.sheet is not None or options.kind not in (None, "",
                                                                                                       "deals"):
        return None
    path = os.fspath(source)
    if os.path.splitext(file_name)[1].lower() not in readers.CSV_EXTENSIONS or os.path.getsize(path) < STREAM_BYTES:
        return None
    chunks = csv_chunks.csv_chunks(path, file_name, SLICE_BYTES)
    if chunks is None:
        return None
    if not options.kind and (headcount.looks_like_headcount(chunks.names)
                             or mapping.detect_kind(chunks.names) != "deals"):
        return None
    return chunks


def head_table(chunks: csv_chunks.CsvChunks) -> readers.RawTable:
    """The file as a RawTable without rows: its columns and how it was read (for the plan and the details)."""
    return readers.RawTable(
        frame=pd.DataFrame(columns=chunks.names, dtype=object), row_numbers=np.array([], dtype=np.int64),
        file_format="csv", encoding=chunks.encoding, delimiter=chunks.delimiter, header_row=chunks.header.first,
        sheet=None, sheets=[], skipped_title_rows=chunks.header.first - 1, skipped_footer_rows=0, notes=[])


@dataclass
class Evidence:
    """What the first pass keeps of the whole file: its rows (blank and ragged ones apart), each date column's
    DateEvidence, the amount column's NumberEvidence, rows without deal id, the first values of unused columns."""
    rows: int = 0
    blank_rows: int = 0
    ragged: list[int] = field(default_factory=list)
    dates: dict[str, parsing.DateEvidence] = field(default_factory=dict)
    amount: parsing.NumberEvidence = field(default_factory=parsing.NumberEvidence)
    blank_ids: int = 0
    samples: dict[str, list] = field(default_factory=dict)
    status: guesses.StatusEvidence = field(default_factory=guesses.StatusEvidence)

    def add(self, raw: readers.RawTable, blank: int, fields: dict, dates: list[str], free: list[str]) -> None:
        """Count one slice (``blank``: the blank rows it skipped)."""
        frame, id_column, amount = raw.frame, fields["deal_id"], fields.get("amount")
        if fields.get("status"):
            stage = per_value(text_column(frame, fields.get("stage")), pipelines.stage_label)
            self.status.add(guesses.status_evidence(text_column(frame, fields["status"]), stage))
        self.rows, self.blank_rows = self.rows + len(frame), self.blank_rows + blank
        self.ragged += raw.ragged_rows
        for column in dates:
            self.dates.setdefault(column, parsing.DateEvidence()).add(parsing.date_evidence(frame[column]))
        if amount:
            self.amount.add(parsing.number_evidence(frame[amount]))
        self.blank_ids += int(text_column(frame, id_column).isna().sum())
        for column in free:
            kept = self.samples.setdefault(column, [])
            if len(kept) < SAMPLE_VALUES:
                kept += list(text_column(frame, column).dropna().head(SAMPLE_VALUES - len(kept)))


def first_pass(ctx: Context, chunks: csv_chunks.CsvChunks, file_name: str) -> DealStream | None:
    """Pass 1: the mapping, the counts over every slice, and the decisions taken from them, written into
    ``ctx.plan`` as the general path writes them; None when this file must be read whole."""
    columns = chunks.names
    deal_map = mapping.map_deal_columns(columns, ctx.overrides)
    fields = deal_map.fields
    if mapping.missing_required("deals", deal_map):
        return None  # the general path explains what is missing
    if fields.get("probability") or not fields.get("status") and guesses.flag_columns(columns) \
            or not fields.get("deal_id") \
            or ctx.snapshot_source == "import day" and (guesses.modified_column(columns) or chunks.header.first > 1) \
            or guesses.scales_amounts(fields.get("amount"), ctx.answer("amount_unit")[0]):
        return None  # ... or the data or a title row may date it: the whole-file path reads them
    dates = deal_rows.date_columns(deal_map, columns)
    free = deal_map.ignored if any(not fields.get(f) for f in ("created_on", "close_on", "amount", "owner")) else []
    evidence = Evidence()
    for raw, blank in chunks.slices(file_name):
        evidence.add(raw, blank, fields, dates, free)
    if evidence.blank_ids:
        return None  # made-up deal ids are numbered over the whole file
    if not evidence.rows:
        raise readers.header_only_error(file_name)
    deal_rows.column_plan(ctx, deal_map)
    hint = deal_rows.date_hint(ctx, deal_map, {c: e.order() for c, e in evidence.dates.items()})
    empty = ctx.raw.frame
    none = pd.Series([], dtype=object)
    guesses.deal_status(empty, fields.get("status"), deal_map.how.get("status"), none, ctx.plan, evidence.status)
    guesses.deal_ids(none, fields["deal_id"], none, pd.Series([], dtype="datetime64[ns]"), np.array([]), ctx.plan)
    return DealStream(ctx, chunks, deal_map, evidence, hint)


@dataclass
class DealStream:
    """A deals export planned by ``first_pass``, stored by ``store`` (pass 2)."""
    ctx: Context
    chunks: csv_chunks.CsvChunks
    deal_map: mapping.DealMapping
    evidence: Evidence
    hint: bool | None
    warnings: list = field(default_factory=list)
    details: dict = field(default_factory=dict)
    rejected: pd.DataFrame | None = None
    kept: int = 0
    unknown_status: int = 0
    rejected_ids: list = field(default_factory=list)  # the rejected rows' deal ids (deal_rows.rejected_known_deals)

    def store(self, con: duckdb.DuckDBPyConnection, import_id: int, file_name: str) -> None:
        """Pass 2, inside the caller's transaction: every slice parsed, validated and appended; then the deals
        listed twice rejected but for their last valid row, the entry dates and attributes of the kept rows
        stored in the general path's order, and the warnings about the stored rows."""
        con.execute("CREATE OR REPLACE TEMP TABLE stream_entered (_column INTEGER, row_number BIGINT, deal_id TEXT, "
                    "pipeline TEXT, stage TEXT, entered_on DATE)")
        con.execute("CREATE OR REPLACE TEMP TABLE stream_attributes (_column INTEGER, row_number BIGINT, "
                    "deal_id TEXT, attribute TEXT, value TEXT)")
        rejected, parts, self.unknown_status, self.rejected_ids = [], {}, 0, []
        if not self.deal_map.fields.get("amount"):
            self.warnings.append(ImportWarning("no_amount_column"))
        for raw, _ in self.chunks.slices(file_name):
            deals, entered, attributes, rej = self._slice(raw, parts)
            _append(con, "deal_snapshots", deals.assign(import_id=import_id))
            _append(con, "temp.stream_entered", entered)
            _append(con, "temp.stream_attributes", attributes)
            rejected.append(rej)
        if self.unknown_status:
            self.warnings.append(ImportWarning("unknown_status", n=self.unknown_status))
        self.details["date_orders"] = {c: parsing.date_details(p) for c, p in parts.items()}
        if not parts:
            del self.details["date_orders"]
        rejected.append(self._last_duplicate_wins(con, import_id))
        for table, long in (("deal_stage_dates", "entered"), ("deal_attributes", "attributes")):
            columns = "deal_id, pipeline, stage, entered_on" if long == "entered" else "deal_id, attribute, value"
            con.execute(f"INSERT INTO {table} (import_id, {columns}) SELECT ?, {columns} FROM temp.stream_{long} "
                        "WHERE row_number IN (SELECT row_number FROM deal_snapshots WHERE import_id = ?) "
                        "ORDER BY _column, row_number", [import_id, import_id])
            con.execute(f"DROP TABLE temp.stream_{long}")
        amount, created, self.kept = con.execute(
            "SELECT count(*) FILTER (WHERE amount IS NULL), count(*) FILTER (WHERE created_on IS NULL), count(*) "
            "FROM deal_snapshots WHERE import_id = ?", [import_id]).fetchone()
        for blank, code in ((amount, "blank_amount"), (created, "blank_created")):
            if blank:
                self.warnings.append(ImportWarning(code, n=blank))
        samples = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in self.evidence.samples.items()},
                               columns=list(self.ctx.raw.frame.columns), dtype=object)
        self.warnings += guesses.candidate_warnings(samples, self.deal_map.fields, self.deal_map.ignored,
                                                    self.ctx.plan)
        self.rejected = pd.concat(rejected, ignore_index=True).sort_values("row_number", ignore_index=True,
                                                                            kind="stable")
        if not self.kept:
            first = f" First problem: row {self.rejected.iloc[0]['row_number']}: {self.rejected.iloc[0]['reason']}." \
                if len(self.rejected) else ""
            raise ImportRejected(f"no usable rows ({len(self.rejected)} rejected).{first}")

    def _slice(self, raw: readers.RawTable, parts: dict) -> tuple:
        """One slice's valid deals, their entry dates and attributes (with the file row and the column each came
        from), and its rejected rows; ``parts`` collects what each date column showed."""
        frame, fields, deal_map, hint = raw.frame, self.deal_map.fields, self.deal_map, self.hint
        dates = self.evidence.dates
        rej, details = Rejections(raw.row_numbers), {}
        rej.add(frame.index.isin(ragged_index(raw)), "ragged_row")
        stage = per_value(text_column(frame, fields.get("stage")), pipelines.stage_label)
        rej.add(stage.isna(), "no_stage")
        amount = deal_rows.amounts(frame, fields.get("amount"), rej, [], self.evidence.amount)
        created = parse_dates_column(frame, fields.get("created_on"), "created date", rej, details, hint, dates)
        close = deal_rows.close_dates(frame, deal_map, rej, details, hint, dates)
        status, unknown = guesses.deal_status(frame, fields.get("status"), deal_map.how.get("status"), stage,
                                              ImportPlan(), self.evidence.status)  # decided in pass 1
        self.unknown_status += int(unknown.sum())
        currency = text_column(frame, fields.get("currency")).str.upper()
        if fields.get("amount"):
            currency = currency.fillna(parsing.currency_symbols(frame[fields["amount"]]))
        deals = pd.DataFrame({
            "snapshot_on": self.ctx.snapshot_on, "row_number": raw.row_numbers,
            "deal_id": text_column(frame, fields["deal_id"]), "name": text_column(frame, fields.get("name")),
            "pipeline": text_column(frame, fields.get("pipeline")).fillna("default"), "stage": stage,
            "status_raw": status, "amount": amount, "currency": currency.where(currency.notna(), None),
            "owner": text_column(frame, fields.get("owner")), "created_on": date_only(created),
            "close_on": date_only(close), "probability": np.nan,
            "forecast_category": text_column(frame, fields.get("forecast_category")),
        }, index=frame.index, columns=list(DEAL_COLUMNS))
        entered = deal_rows.entry_dates(frame, deal_map, deals, rej, details, hint, dates)
        for column, shown in details.get("date_orders", {}).items():
            parts.setdefault(column, []).append(shown)
        valid = ~rej.bad
        self.rejected_ids += [i for i in deals["deal_id"].to_numpy()[rej.bad] if i is not None and i == i]
        entered = entered[valid[entered["_row"].to_numpy(dtype=np.int64)]]
        entered = entered.assign(row_number=raw.row_numbers[entered["_row"].to_numpy(dtype=np.int64)])
        kept = deals[valid]
        attributes = deal_rows.attribute_rows(frame[valid], deal_map, kept)  # one block of rows per column
        columns = len(attributes) // max(len(kept), 1)
        attributes.insert(0, "_column", np.repeat(np.arange(columns), len(kept)))
        attributes.insert(1, "row_number", np.tile(kept["row_number"].to_numpy(), columns))
        return (kept, entered[["_column", "row_number", "deal_id", "pipeline", "stage", "entered_on"]], attributes,
                rej.frame())

    def _last_duplicate_wins(self, con: duckdb.DuckDBPyConnection, import_id: int) -> pd.DataFrame:
        """The earlier valid rows of each deal listed twice, rejected and taken out of the stored rows (its last
        valid row wins), with the general path's warning."""
        dup = con.execute(
            "SELECT row_number, deal_id FROM (SELECT row_number, deal_id, max(row_number) OVER (PARTITION BY deal_id) "
            "AS last FROM deal_snapshots WHERE import_id = ?) WHERE row_number < last ORDER BY row_number",
            [import_id]).df()
        rej = Rejections(dup["row_number"].to_numpy(dtype=np.int64))
        if len(dup):
            rows = ", ".join(str(r) for r in dup["row_number"].head(5))
            self.warnings.append(ImportWarning("repeated_deal_ids", n=len(dup), rows=rows + ("…" if len(dup) > 5
                                                                                             else "")))
            rej.add(np.ones(len(dup), dtype=bool), "repeated_deal_id", dup["deal_id"].astype(object))
            con.execute("DELETE FROM deal_snapshots WHERE import_id = ? AND row_number IN (SELECT row_number FROM "
                        "(SELECT row_number, max(row_number) OVER (PARTITION BY deal_id) AS last FROM deal_snapshots "
                        "WHERE import_id = ?) WHERE row_number < last)", [import_id, import_id])
        return rej.frame()

    def stage_inputs(self, con: duckdb.DuckDBPyConnection, import_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(each pipeline's stages in first-seen order, the entry dates of the pipelines no stored configuration
        or CRM template orders) for ``stage_config.plan_stages``, read from the stored rows."""
        seen = con.execute("SELECT pipeline, stage, NULL::DOUBLE AS probability FROM deal_snapshots "
                           "WHERE import_id = ? GROUP BY pipeline, stage ORDER BY min(row_number)", [import_id]).df()
        entered = pd.DataFrame(columns=["deal_id", "pipeline", "stage", "entered_on"])
        for name in dict.fromkeys(seen["pipeline"]):
            if stage_config.stage_table(con, name).empty and pipelines.known_stage_config(
                    name, list(seen.loc[seen["pipeline"] == name, "stage"])) is None:
                rows = con.execute("SELECT deal_id, pipeline, stage, entered_on FROM deal_stage_dates "
                                   "WHERE import_id = ? AND pipeline = ? ORDER BY rowid", [import_id, name]).df()
                entered = pd.concat([entered, rows], ignore_index=True) if len(entered) else rows
        return seen, entered


_TABLES = ("deal_snapshots", "temp.stream_entered", "temp.stream_attributes")
_COLUMNS = (*DEAL_COLUMNS, "import_id", "_column", "attribute", "value", "entered_on")


def _append(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """One slice's rows appended to the store's deal snapshots or to this import's own long tables (the table and
    its columns are this module's, checked against its lists)."""
    if frame.empty:
        return
    names = ", ".join(checked(str(c), _COLUMNS) for c in frame.columns)
    # A relation over the frame, not con.register: a registered frame stays referenced by the connection after
    # unregister until the transaction ends, so every slice would stay in memory (tests/test_deal_stream.py).
    con.from_df(frame).query("stream_slice", f"INSERT INTO {checked(table, _TABLES)} ({names}) "
                                             f"SELECT {names} FROM stream_slice")

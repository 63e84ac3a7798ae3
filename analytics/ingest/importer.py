"""Import one exported file: read it, map its columns, validate every row, store it atomically.

``prepare`` does everything that does not touch the database (so the Import page can preview it);
``commit`` writes a prepared file in one transaction; ``import_file`` does both, as the CLI does.
A rejected file raises ``ImportRejected`` with one line the user can act on, and the database is
left exactly as it was.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics import store
from analytics.ingest import (
    csv_chunks,
    deal_rows,
    deal_stream,
    fast_csv,
    headcount,
    mapping,
    readers,
    stage_config,
    survey_mapping,
)
from analytics.ingest import stage_history as history
from analytics.ingest import values as parsing
from analytics.ingest.deal_rows import Context
from analytics.ingest.import_log import (
    AlreadyImported,
    ImportOptions,
    ImportRejected,
    ImportResult,
    ImportWarning,
    already_imported,
    already_result,
    named,
    one_line,
    remember_mapping,
    replace_sample,
    saved_mappings,
    sha256_of,
    snapshot_date,
    split_answers,
)
from analytics.ingest.plan import HIGH, LOW, MEDIUM, ImportPlan
from analytics.ingest.validation import (
    Rejections,
    date_only,
    first_few,
    parse_dates_column,
    quoted,
    ragged_index,
    text_column,
)
from analytics.store.derived import refresh_current
from analytics.store.sql import checked
from analytics.text import normalise_header

# Rows handed to DuckDB per INSERT: DuckDB converts a DataFrame's text columns as it scans them, and a whole
# million-row table at once doubled the import's peak memory; slices of this size cost no measurable time.
INSERT_ROWS = 50_000
KINDS = ("deals", "survey", "one_on_ones", "stage_history", "headcount")
_MAIN_TABLE = {"deals": "deal_snapshots", "survey": "survey_responses", "one_on_ones": "one_on_ones",
               "stage_history": "deal_stage_history", "headcount": "headcount"}


@dataclass
class Prepared:
    """A file read, mapped and validated, ready to be stored (or shown in the preview)."""
    file_name: str
    sha256: str
    kind: str
    snapshot_on: dt.date
    snapshot_source: str
    raw: readers.RawTable
    mapping: dict
    tables: dict[str, pd.DataFrame]
    rejected: pd.DataFrame
    warnings: list[str]
    details: dict
    options: ImportOptions
    plan: ImportPlan = field(default_factory=ImportPlan)
    choices: tuple[dict, dict] = ({}, {})   # the column overrides and answers in force (remembered + given)
    counts: int | None = None   # the rows stored, for a file stored a slice at a time (no tables kept)

    @property
    def rows_imported(self) -> int:
        return self.counts if self.counts is not None else len(self.tables[_MAIN_TABLE[self.kind]])

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)

    def preview(self, rows: int = 20) -> pd.DataFrame:
        """The first rows as they will be stored (canonical columns)."""
        return self.tables[_MAIN_TABLE[self.kind]].head(rows)


# --- entry points -------------------------------------------------------------------------------


def import_file(source: str | Path | bytes, file_name: str | None = None, options: ImportOptions | None = None,
                db: str | Path | None = None, progress: fast_csv.Progress | None = None) -> ImportResult:
    """Read, validate and store one file; the database is unchanged if it is rejected or already there.
    ``progress(stage, rows)``: called as a clean CSV deals export on the SQL path reaches each stage ("reading",
    "checking", "storing", "summarising"); other files do not report."""
    options = options or ImportOptions()
    name = file_name or Path(str(source)).name
    try:
        data = readers.load_bytes(source, name)
    except readers.ReadError as exc:
        raise ImportRejected(named(name, str(exc))) from None
    digest = sha256_of(data)
    with store.connect(db) as con:
        if already_imported(con, digest):
            return already_result(name)
        saved = saved_mappings(con)
    fast = fast_csv.import_file(source, data, name, digest, options, saved, db, progress)  # clean CSV exports, in SQL
    if fast is not None:
        return fast
    if isinstance(source, (str, Path)):  # a big CSV on disk is read a slice at a time: its bytes are let go
        del data
        streamed = _import_streamed(source, name, digest, options, saved, db)
        if streamed is not None:
            return streamed
        data = readers.load_bytes(source, name)
    prepared = plan_file(data, name, options, db, saved)
    # From here only the rows to store are needed: the file's bytes and its cells as read (of which commit uses
    # the column names) are let go before DuckDB writes, which is when the import's memory peaks.
    del data
    prepared.raw.frame = prepared.raw.frame.iloc[:0]
    if not options.is_sample:  # the sample's own stage orders are known to be right
        prepared.plan.refuse_questions(name)
    return commit(prepared, db)


def _import_streamed(source: str | Path, name: str, digest: str, options: ImportOptions, saved: dict,
                     db: str | Path | None) -> ImportResult | None:
    """A big CSV deals export imported in two passes over slices of the file (analytics/ingest/deal_stream.py):
    the same plan, rows, rejections, warnings and questions as ``prepare`` and ``commit`` give, in one
    transaction. None when the file is one to read whole."""
    try:
        chunks = deal_stream.slices_of(source, name, options)
        if chunks is None:
            return None
        plan = ImportPlan()
        head = deal_stream.head_table(chunks)
        _kind(head, options, plan, name)
        ctx, remembered = _context(head, name, options, saved, plan)
        stream = deal_stream.first_pass(ctx, chunks, name)
    except (csv_chunks.NotStreamable, mapping.MappingError):  # the whole-file path says what is wrong
        return None
    except readers.ReadError as exc:
        raise ImportRejected(named(name, str(exc))) from None
    if stream is None:
        return None
    try:
        with store.transaction(db, memory_limit=deal_stream.DUCKDB_MEMORY) as con:
            if already_imported(con, digest):
                raise AlreadyImported
            notes = replace_sample(con, options)
            import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
            try:
                stream.store(con, import_id, name)
            except ImportRejected as exc:
                raise ImportRejected(named(name, str(exc))) from None
            _reading_plan(head, options, plan)
            warnings = stream.warnings + _snapshot_plan(ctx, "deals")
            if not options.partial:
                warnings += deal_rows.rejected_known_deals(con, stream.rejected_ids, import_id)
            head.notes = chunks.file_notes(stream.evidence.ragged, stream.evidence.blank_rows)
            details = {**stream.details, "encoding": head.encoding, "delimiter": head.delimiter, "sheet": None,
                       "header_row": head.header_row, "notes": head.notes, "snapshot_source": ctx.snapshot_source}
            used = {"fields": stream.deal_map.fields, "entered_on": stream.deal_map.entered_on,
                    "extras": stream.deal_map.extras, "close_fallbacks": stream.deal_map.close_fallbacks}
            prepared = Prepared(name, digest, "deals", ctx.snapshot_on, ctx.snapshot_source, head, used, {},
                                stream.rejected, warnings, details, options, plan,
                                (ctx.overrides, {**remembered, **options.answers()}), counts=stream.kept)
            seen, entered = stream.stage_inputs(con, import_id)
            decisions = stage_config.plan_stages(con, seen, entered, options.stages)
            for decision in decisions:
                plan.add_stage_decision(decision, True)
            if not options.is_sample:
                plan.refuse_questions(name)
            _insert_import(con, prepared, import_id)
            stage_config.ensure_stages(con, seen, entered, options.stages, decisions)
            refresh_current(con, import_id)
            if options.overrides or options.answers():
                remember_mapping(con, list(head.frame.columns), "deals", *prepared.choices)
    except AlreadyImported:
        return already_result(name)
    rejected = list(zip(prepared.rejected["row_number"].astype(int), prepared.rejected["reason"].astype(str),
                        strict=True))
    return ImportResult(name, "imported", import_id, "deals", prepared.snapshot_on, prepared.rows_imported,
                        prepared.rows_rejected, prepared.warnings, rejected, notes)


def plan_file(data: bytes, file_name: str, options: ImportOptions | None = None, db: str | Path | None = None,
              saved: dict[str, dict] | None = None) -> Prepared:
    """``prepare`` plus the guesses that need the database (the stage order of pipelines it does not know yet):
    the whole import plan, as the Import page and ``import --dry-run`` show it. Nothing is written."""
    with store.connect(db) as con:
        saved = saved_mappings(con) if saved is None else saved
        prepared = prepare(data, file_name, options, saved)
        if prepared.kind == "deals":
            plan_stages(con, prepared.tables["deal_snapshots"], prepared.tables["deal_stage_dates"],
                        prepared.options.stages, prepared.plan)
            if not prepared.options.partial:
                prepared.warnings += deal_rows.rejected_known_deals(con, _rejected_ids(prepared))
    return prepared


def _rejected_ids(prepared: Prepared) -> list[str]:
    """The deal ids of a deals file's rejected rows that are no valid row of it (none without an id column)."""
    column = (prepared.mapping.get("fields") or {}).get("deal_id")
    if column is None or prepared.rejected.empty:
        return []
    raw = prepared.raw
    rejected = np.isin(raw.row_numbers, prepared.rejected["row_number"].to_numpy(dtype=np.int64))
    ids = text_column(raw.frame, column)[rejected].dropna()
    return sorted(set(ids) - set(prepared.tables["deal_snapshots"]["deal_id"]))


def plan_stages(con: duckdb.DuckDBPyConnection, deals: pd.DataFrame, entered: pd.DataFrame,
                chosen: dict[str, list[str]], plan: ImportPlan, ask: bool = True) -> None:
    """One inference per pipeline whose stage order this file decides: the order, the evidence that decided it,
    and a question when only weak signals ordered a new pipeline (answered with --stages "PIPELINE=A>B>C")."""
    for decision in stage_config.plan_stages(con, deals, entered, chosen):
        plan.add_stage_decision(decision, ask)


def prepare(data: bytes, file_name: str, options: ImportOptions | None = None,
            saved: dict[str, dict] | None = None) -> Prepared:
    """Read and validate a file without storing it; raises ImportRejected with a one-line reason.

    Every guess made on the way is in ``Prepared.plan`` with its evidence (see analytics/ingest/plan.py)."""
    options = options or ImportOptions()
    try:
        raw = readers.read_table(data, file_name, sheet=options.sheet)
    except readers.ReadError as exc:
        raise ImportRejected(named(file_name, str(exc))) from None
    plan = ImportPlan()
    kind = _kind(raw, options, plan, file_name)
    ctx, remembered = _context(raw, file_name, options, saved, plan)
    overrides = ctx.overrides
    builder = {"deals": deal_rows.prepare_deals, "survey": _prepare_survey, "one_on_ones": _prepare_one_on_ones,
               "stage_history": lambda c: history.prepare_history(c.raw, c.overrides, c.snapshot_on),
               "headcount": headcount.prepare_headcount}[kind]
    try:
        tables, rejected, warnings, used, details = builder(ctx)
    except (mapping.MappingError, ImportRejected) as exc:
        raise ImportRejected(named(file_name, str(exc))) from None
    warnings = [w if isinstance(w, ImportWarning) else one_line(w) for w in warnings]
    _reading_plan(raw, options, plan)
    warnings += _sheets_warning(raw) + _snapshot_plan(ctx, kind)
    details.update(encoding=raw.encoding, delimiter=raw.delimiter, sheet=raw.sheet, header_row=raw.header_row,
                   notes=raw.notes, snapshot_source=ctx.snapshot_source)
    prepared = Prepared(file_name, sha256_of(data), kind, ctx.snapshot_on, ctx.snapshot_source, raw, used, tables,
                        rejected, warnings, details, options, plan,
                        (overrides, {**remembered, **options.answers()}))
    if prepared.rows_imported == 0:
        first = f" First problem: row {rejected.iloc[0]['row_number']}: {rejected.iloc[0]['reason']}." \
            if len(rejected) else ""
        raise ImportRejected(named(file_name, f"no usable rows ({len(rejected)} rejected).{first}"))
    return prepared


def _context(raw: readers.RawTable, file_name: str, options: ImportOptions, saved: dict[str, dict] | None,
             plan: ImportPlan) -> tuple[Context, dict]:
    """The builder's context (the overrides and answers in force: remembered for these columns, then given; the
    snapshot date) and the remembered answers."""
    remembered_overrides, remembered = split_answers(
        (saved or {}).get(mapping.column_signature(list(raw.frame.columns)), {}))
    answers = {key: (value, "saved") for key, value in remembered.items()}
    answers.update({key: (value, "user") for key, value in options.answers().items()})
    snapshot_on, snapshot_source = snapshot_date(file_name, options.as_of)
    return Context(raw, {**remembered_overrides, **options.overrides}, answers, snapshot_on, snapshot_source, options,
                   plan), remembered


def _kind(raw: readers.RawTable, options: ImportOptions, plan: ImportPlan, file_name: str) -> str:
    """What the file holds: the user's choice, else its headers, else survey answers seen in its cells."""
    columns = list(raw.frame.columns)
    if options.kind:
        kind, evidence, confidence, args = options.kind, "kind_user", HIGH, {}
    elif headcount.looks_like_headcount(columns):  # a headcount column beside group columns only
        kind, evidence, confidence, args = "headcount", "kind_headcount", HIGH, {
            "column": headcount.headcount_column(columns)}
    else:
        kind, evidence, confidence, args = mapping.detect_kind(columns), "kind_headers", HIGH, {}
        if kind is None:
            questions = _survey_by_values(raw.frame)
            kind, evidence, confidence, args = ("survey" if questions else None), "kind_answer_values", MEDIUM, \
                {"n": questions}
    long = survey_mapping.long_format_columns(raw.frame) if kind is None or kind == "survey" else None
    if long is not None:
        question, answer = long
        raise ImportRejected(named(file_name, f"this holds one row per answer ({quoted(question)} names the "
                                   f"question, {quoted(answer)} gives the answer): export one row per respondent "
                                   "with one column per question (or pivot the sheet so), and import that file."))
    if kind is None:
        raise ImportRejected(named(file_name, "no column looks like a deal stage, a survey question or a 1:1 "
                                    "meeting date. Check that you exported the right report, or choose what the "
                                    "file contains and map its columns (on the Import page, or with --kind and "
                                    "--map FIELD=COLUMN)."))
    if kind not in KINDS:
        raise ImportRejected(named(file_name, f"{kind.replace('_', ' ')} files are not supported yet; "
                                    "export the deals report instead."))
    plan.add("kind", kind, evidence, confidence, fix="--kind deals|survey|one_on_ones|stage_history|headcount", **args)
    return kind


def _reading_plan(raw: readers.RawTable, options: ImportOptions, plan: ImportPlan) -> None:
    """How the file was read: encoding, separator, header row, sheet."""
    if raw.encoding:
        plan.add("encoding", raw.encoding, "sniffed")
    if raw.delimiter:
        plan.add("delimiter", repr(raw.delimiter), "sniffed")
    if raw.skipped_title_rows:
        plan.add("header_row", raw.header_row, "title_rows", MEDIUM, n=raw.skipped_title_rows)
    else:
        plan.add("header_row", raw.header_row, "first_row")
    if raw.sheet and raw.unread_sheets:
        plan.add("sheet", raw.sheet, "first_of_sheets", MEDIUM, fix=f"--sheet {raw.unread_sheets[0]}",
                 sheets=_quoted_sheets(raw.unread_sheets))
    elif raw.sheet:
        plan.add("sheet", raw.sheet, "sheet_user" if options.sheet else "first_sheet",
                 fix=f"--sheet {raw.sheets[0] if raw.sheets else 'NAME'}")


def _sheets_warning(raw: readers.RawTable) -> list[ImportWarning]:
    """A warning when other sheets of the workbook hold data too: only one sheet is read per import."""
    if not raw.unread_sheets:
        return []
    return [ImportWarning("unread_sheets", sheet=readers.escape(raw.sheet, 30),
                          sheets=_quoted_sheets(raw.unread_sheets))]


def _quoted_sheets(names: list[str]) -> str:
    return first_few([f"\"{readers.escape(n, 30)}\"" for n in names])


def _snapshot_plan(ctx: Context, kind: str) -> list[ImportWarning]:
    """The snapshot date's inference; a loud warning when nothing dated the file."""
    evidence = {"as-of": "as_of_user", "file name": "file_name", "data": "data_modified",
                "title": "title_date"}.get(ctx.snapshot_source, "import_day")
    confidence = {"as_of_user": HIGH, "file_name": HIGH, "data_modified": MEDIUM, "title_date": MEDIUM}.get(evidence,
                                                                                                          LOW)
    args = {"column": ctx.snapshot_column} if evidence in ("data_modified", "title_date") else {}
    if evidence == "import_day" and kind != "deals":
        evidence = "import_day_file"  # no open deal to judge: the file is dated by its import
    ctx.plan.add("as_of", ctx.snapshot_on.isoformat(), evidence, confidence, fix="--as-of YYYY-MM-DD", **args)
    if evidence == "import_day" and kind == "deals":
        return [ImportWarning("snapshot_import_day", date=ctx.snapshot_on.isoformat())]
    return []


def _survey_by_values(frame: pd.DataFrame) -> int:
    """When the headers say nothing: how many columns hold answers on a scale (the eNPS and the questions), if the
    cells are survey answers (survey_mapping.question_evidence); 0 when they are not."""
    try:
        sample = frame.head(500)
        found = survey_mapping.map_survey_columns(sample)
    except mapping.MappingError:
        return 0
    evidence = survey_mapping.question_evidence(found, sample)
    return len(found.questions) + bool(found.enps) if evidence else 0


def commit(prepared: Prepared, db: str | Path | None = None) -> ImportResult:
    """Store a prepared file in one transaction; 'already imported' when its content is there."""
    try:
        with store.transaction(db) as con:
            if already_imported(con, prepared.sha256):
                raise AlreadyImported
            notes = replace_sample(con, prepared.options)
            import_id = _insert_import(con, prepared)
            for table, frame in prepared.tables.items():
                _insert_frame(con, table, frame.assign(import_id=import_id))
            if prepared.kind == "deals":
                stage_config.ensure_stages(con, prepared.tables["deal_snapshots"],
                                           prepared.tables["deal_stage_dates"], prepared.options.stages)
                refresh_current(con, import_id)  # the stored current state of every deal (analytics.store.derived)
            if prepared.kind == "stage_history":  # the stages a history shows deals went through
                stage_config.ensure_history_stages(con, prepared.tables["deal_stage_history"])
            if prepared.options.overrides or prepared.options.answers():  # new choices: kept with the old ones
                remember_mapping(con, list(prepared.raw.frame.columns), prepared.kind, *prepared.choices)
    except AlreadyImported:
        return already_result(prepared.file_name)
    rejected = list(zip(prepared.rejected["row_number"].astype(int), prepared.rejected["reason"].astype(str),
                        strict=True))
    return ImportResult(prepared.file_name, "imported", import_id, prepared.kind, prepared.snapshot_on,
                        prepared.rows_imported, prepared.rows_rejected, prepared.warnings, rejected, notes)



def _insert_import(con: duckdb.DuckDBPyConnection, p: Prepared, import_id: int | None = None) -> int:
    if import_id is None:
        import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
    con.execute(
        "INSERT INTO imports (import_id, file_name, sha256, kind, snapshot_on, rows_imported, rows_rejected, "
        "mapping, is_partial, is_sample, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [import_id, p.file_name, p.sha256, p.kind, p.snapshot_on, p.rows_imported, p.rows_rejected,
         json.dumps(p.mapping, default=str), p.options.partial, p.options.is_sample,
         json.dumps({**p.details, "warnings": p.warnings}, default=str)])
    return int(import_id)


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Bulk insert by column name from a DataFrame (never row by row); the table and its columns must be the
    store's own (checked against the schema), never a header of the file."""
    if frame.empty:
        return
    table = checked(table, store.DATA_TABLES)
    known = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                       [table]).fetchall()]
    columns = ", ".join(f'"{checked(str(c), known)}"' for c in frame.columns)
    # A relation over each slice, not con.register: a registered frame stays referenced by the connection after
    # unregister until the transaction ends, so every slice of the import would stay in memory.
    for start in range(0, len(frame), INSERT_ROWS):  # in file order, a slice at a time (see INSERT_ROWS)
        con.from_df(frame.iloc[start:start + INSERT_ROWS]).query(
            "incoming_frame", f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming_frame")


# --- survey -------------------------------------------------------------------------------------

def _prepare_survey(ctx: Context):
    raw = ctx.raw
    frame = raw.frame
    sm = survey_mapping.map_survey_columns(frame, ctx.overrides)
    evidence = survey_mapping.question_evidence(sm, frame)
    if evidence is None:
        found = f" (found only: {', '.join(map(quoted, sm.questions[:4]))})" if sm.questions else ""
        raise ImportRejected("this does not look like survey responses: expected an eNPS question (\"How likely "
                             "are you to recommend…\", answered 0–10), questions worded as questions or "
                             "statements, answers such as \"Agree\", or numbered items (Q1, Q2, Q3…)" + found
                             + ". Map them with --map enps=COLUMN or --map question=COLUMN, or check that you "
                             "exported the responses.")
    _survey_plan(ctx.plan, sm)
    rej = Rejections(raw.row_numbers)
    warnings: list[str] = []
    details: dict = {"dropped_identifiers": list(sm.identifiers)}
    if sm.identifiers:
        warnings.append(ImportWarning("identifiers_dropped", columns=", ".join(map(quoted, sm.identifiers))))
    rej.add(frame.index.isin(ragged_index(raw)), "ragged_row")
    enps, scale = _enps_scores(frame, sm, rej)
    responded = parse_dates_column(frame, sm.date, "response date", rej, details)
    answers, questions = _likert_answers(frame, sm.questions, rej)
    comments = _comment_rows(frame, sm.comments)
    answered_any = enps.notna() | frame.index.isin(answers["_row"]) | frame.index.isin(comments["_row"])
    rej.add(~answered_any, "no_answer")
    keep = frame.index[~rej.bad]
    numbers = pd.Series(np.arange(1, len(frame) + 1), index=frame.index)
    responses = pd.DataFrame({
        "response_no": numbers, "wave_label": text_column(frame, sm.wave), "responded_on": date_only(responded),
        "enps": enps, "enps_scale": scale if sm.enps else None}, index=frame.index).loc[keep]
    groups = pd.concat([pd.DataFrame({"response_no": numbers.loc[keep], "dimension": dimension,
                                      "value": text_column(frame, column).loc[keep]})
                        for column, dimension in sm.groups.items()] or [pd.DataFrame(
                            columns=["response_no", "dimension", "value"])], ignore_index=True)
    tables = {
        "survey_responses": responses.reset_index(drop=True),
        "survey_groups": groups.dropna(subset=["value"]),
        "survey_questions": questions,
        "survey_answers": _kept_long(answers, keep, numbers),
        "survey_comments": _kept_long(comments, keep, numbers),
    }
    used = {"enps": sm.enps, "enps_scale": scale, "wave": sm.wave, "date": sm.date, "groups": sm.groups,
            "questions": sm.questions, "comments": sm.comments, "dropped_identifiers": sm.identifiers}
    if scale == "1-10":
        warnings.append(ImportWarning("enps_1_10"))
    return tables, rej.frame(), warnings, used, details


def _enps_scores(frame: pd.DataFrame, sm, rej: Rejections) -> tuple[pd.Series, str | None]:
    if sm.enps is None:
        return pd.Series(np.nan, index=frame.index), None
    scale = sm.enps_scale or "0-10"
    parsed = parsing.parse_numbers(frame[sm.enps])
    labelled = survey_mapping.labelled_scores(frame[sm.enps])  # '10 - Extremely likely'
    low = 1 if scale == "1-10" else 0
    values = parsed.values.where(~parsed.bad, labelled)
    outside = values.notna() & ((values < low) | (values > 10) | (values != values.round()))
    rej.add(parsed.bad & labelled.isna() | outside, "enps_out_of_scale", frame[sm.enps], low=low)
    return values, scale


def _likert_answers(frame: pd.DataFrame, columns: list[str], rej: Rejections) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long table of Likert answers (1..5 unless the values show a wider scale) and the question list."""
    parts, questions = [], []
    for position, column in enumerate(columns, start=1):
        values, bad = _likert_values(frame[column])
        low, high = _likert_scale(values)
        outside = values.notna() & ((values < low) | (values > high) | (values != values.round()))
        rej.add(bad | outside, "answer_out_of_scale", frame[column], question=quoted(column), low=low, high=high)
        present = values.notna()
        parts.append(pd.DataFrame({"_row": frame.index[present], "question": column, "value": values[present]}))
        questions.append({"question": column, "position": position, "scale_min": low, "scale_max": high,
                          "is_reverse": False})
    answers = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["_row", "question", "value"])
    return answers, pd.DataFrame(questions, columns=["question", "position", "scale_min", "scale_max",
                                                     "is_reverse"])


def _likert_values(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numeric answers, answers with their label ('4 - Agree' -> 4), or answer texts (Strongly agree… / Tout à fait
    d'accord…) turned into 1..5."""
    parsed = parsing.parse_numbers(cells)
    worded = cells.map(lambda v: survey_mapping.LIKERT_TEXT.get(normalise_header(v)) if isinstance(v, str) else None)
    worded = survey_mapping.labelled_scores(cells).fillna(worded.astype("float64"))
    values = parsed.values.where(~parsed.bad, worded)
    bad = parsed.bad & worded.isna()
    return values, bad


def _likert_scale(values: pd.Series) -> tuple[int, int]:
    """The question's scale: 1–5 unless answers go beyond it (then 1–7 or 0–10)."""
    top = values.max()
    bottom = values.min()
    if pd.isna(top) or top <= 5:
        return (0 if bottom == 0 else 1), 5
    if top <= 7:
        return 1, 7
    return (0 if bottom == 0 else 1), 10


def _comment_rows(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    parts = []
    for column in columns:
        text = text_column(frame, column)
        present = text.notna()
        parts.append(pd.DataFrame({"_row": frame.index[present], "question": column, "comment": text[present]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["_row", "question", "comment"])


def _kept_long(long: pd.DataFrame, keep: pd.Index, numbers: pd.Series) -> pd.DataFrame:
    """Rows of a long answers table whose response was kept, keyed by response number."""
    kept = long[long["_row"].isin(keep)]
    return kept.assign(response_no=numbers.loc[kept["_row"]].to_numpy()).drop(columns="_row")


# --- 1:1 meetings -------------------------------------------------------------------------------

def _survey_plan(plan: ImportPlan, sm) -> None:
    """The survey's inferences: the eNPS question and its scale, the questions, groups and identifiers."""
    code, args = sm.enps_evidence
    if sm.enps:
        plan.add("enps", sm.enps, code, LOW if sm.enps_ask else HIGH, ask=sm.enps_ask,
                 fix=f"--map enps={sm.enps} (or --map question={sm.enps}, or --map ignore={sm.enps})", **args)
        if sm.enps_scale:
            plan.add("enps_scale", sm.enps_scale, sm.enps_scale_evidence or "enps_default", HIGH, n=30)
    elif code == "enps_likert":
        plan.add("enps", "", code, HIGH, fix=f"--map enps={args['column']}", **args)
    if sm.groups:
        plan.add("groups", ", ".join(sm.groups.values()), "groups_repeat", MEDIUM, fix="--map group:NAME=COLUMN",
                 columns=list(sm.groups))
    if sm.identifiers:
        plan.add("identifiers", "", "identifiers_dropped", HIGH, columns=sm.identifiers)
    if sm.ignored:
        plan.add("ignored", "", "not_used", HIGH, columns=sm.ignored)


def _prepare_one_on_ones(ctx: Context):
    raw = ctx.raw
    frame = raw.frame
    fields = mapping.map_one_on_one_columns(list(frame.columns), ctx.overrides)
    missing = mapping.missing_required("one_on_ones", fields)
    if missing:
        raise ImportRejected(f"a 1:1 log needs manager, employee and date columns; missing {', '.join(missing)}. "
                             "Map them with --map FIELD=COLUMN.")
    rej = Rejections(raw.row_numbers)
    details: dict = {}
    rej.add(frame.index.isin(ragged_index(raw)), "ragged_row")
    manager, employee = text_column(frame, fields["manager"]), text_column(frame, fields["employee"])
    rej.add(manager.isna(), "no_manager")
    rej.add(employee.isna(), "no_employee")
    met = parse_dates_column(frame, fields["met_on"], "meeting date", rej, details)
    rej.add(met.isna(), "no_meeting_date")
    duration = pd.Series(np.nan, index=frame.index)
    if fields.get("duration_minutes"):
        parsed = parsing.parse_durations(frame[fields["duration_minutes"]])
        rej.add(parsed.bad | (parsed.values < 0), "not_minutes", frame[fields["duration_minutes"]])
        duration = parsed.values
    keep = ~rej.bad
    meetings = pd.DataFrame({"manager": manager, "employee": employee, "met_on": date_only(met),
                             "duration_minutes": duration})[keep]
    return {"one_on_ones": meetings.reset_index(drop=True)}, rej.frame(), [], dict(fields), details

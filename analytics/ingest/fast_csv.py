"""The fast path for big, clean CSV deal exports: DuckDB reads, checks and stores the file in SQL.

A million-deal export goes through the general path (readers → pandas → ingest) in minutes; here DuckDB's
own CSV reader loads the body, every check runs as one SQL aggregate, and the canonical tables are filled
by INSERT … SELECT, all in one transaction. It gives exactly what the general path gives, for the files it
takes: UTF-8 text, the header found by the general sniffing (title rows above it allowed), one record per
line, no footer, no blank or ragged row, ISO dates, plain numbers, every row valid (no rejection, no
repeated or missing deal id). ``try_import`` returns None for anything else and the caller takes the
general path, which explains every problem row by row. tests/test_fast_csv.py compares both paths.

The file's own text never becomes SQL: its columns are read as c0, c1… by position (a header is only used to
choose the position), and every cell, header or label that goes into a table is a bound parameter.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from analytics import store
from analytics.ingest import guesses, import_log, mapping, pipelines, readers, stage_config, table
from analytics.ingest.plan import ImportPlan
from analytics.store.derived import refresh_current
from analytics.store.schema import MAX_AMOUNT
from analytics.store.sql import Fragment, checked, value_list

MAX_LABELS = 500   # distinct stage / status values mapped in Python; more means an odd file: general path
Progress = Callable[[str, int | None], None]

_ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?"
_SIMPLE_NUMBER = r"-?[0-9]+(?:[.][0-9]+)?"
_SURE_DECIMAL = r"[.](?:[0-9]{1,2}|[0-9]{4,})$|^-?0[.]|^-?[0-9]{4,}[.]"  # values._simple_numbers
# Characters str.strip() removes (validation.text_column) that table.BLANK_CHARS does not: a value starting or
# ending with one is left to the general path.
_OTHER_SPACE = r"\x1c-\x1f\x85\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{205f}\x{3000}"
_BLANK_EDGE = "".join(f"\\x{{{ord(c):x}}}" for c in table.BLANK_CHARS)
_EDGES = f"[{_BLANK_EDGE}{_OTHER_SPACE}]"
_EDGE = f"^{_EDGES}|{_EDGES}$|^$"  # a cell to trim (or an empty one, to make NULL) as the readers do
# The same over a row's cells joined by chr(1) (a character no cell of a clean export holds; one that does only costs
# the per-column test): one test per row finds the few files that have such cells at all.
_ROW_EDGE = f"(?:^|\\x01)(?:{_EDGES}|\\x01|$)|{_EDGES}(?:\\x01|$)"


@dataclass
class _Csv:
    """What the general sniffing found: delimiter, header row (first and last line), column names, encoding, the
    notes the general path writes, the number of records (one per line), and the row id of the first one."""
    delimiter: str
    header_row: int
    header_last: int
    columns: list[str]
    encoding: str
    notes: list[str]
    records: int
    first_rowid: int = 0


def try_import(source, data: bytes, file_name: str, digest: str, options, saved: dict, db,
               progress: Progress | None = None):
    """Import a clean CSV deals export in SQL and return its ImportResult; None when the general path must do it."""
    csv = sniff(data, file_name)
    if csv is None or options.sheet is not None:
        return None
    kind = options.kind or mapping.detect_kind(csv.columns)
    if kind != "deals":
        return None
    remembered, answers = import_log.split_answers((saved or {}).get(mapping.column_signature(csv.columns), {}))
    overrides = {**remembered, **options.overrides}
    try:
        deal_map = mapping.map_deal_columns(csv.columns, overrides)
    except mapping.MappingError:
        return None
    if mapping.missing_required("deals", deal_map) or not deal_map.fields.get("amount") \
            or deal_map.fields.get("probability") or not deal_map.fields.get("deal_id") \
            or guesses.scales_amounts(deal_map.fields["amount"], {**answers, **options.answers()}.get("amount_unit")):
        return None  # the general path reads, and plans, these
    snapshot_on, snapshot_source = import_log.snapshot_date(file_name, options.as_of)
    if snapshot_source == "import day":
        return None  # the general path dates the export from its data, or warns that nothing dates it
    with _on_disk(source, data) as path, store.transaction(db) as con:
        if import_log.already_imported(con, digest):
            return import_log.already_result(file_name)
        _report(progress, "reading", None)
        plan = _Plan(csv, deal_map)
        if not _load(con, path, csv, plan.guards()):
            raise _Fallback
        _report(progress, "checking", csv.records)
        checked = plan.check(con)
        if checked is None:
            raise _Fallback
        checked.warnings += plan.candidate_warnings(con)
        _report(progress, "storing", csv.records)
        notes = import_log.replace_sample(con, options)
        import_id = plan.store(con, checked, file_name, digest, snapshot_on, snapshot_source, options)
        con.execute("DROP TABLE temp.fast_rows")  # before the derived tables' aggregates: the peak is theirs
        _report(progress, "summarising", csv.records)
        refresh_current(con, import_id)
        if options.overrides or options.answers():  # new choices, kept with those remembered before
            import_log.remember_mapping(con, csv.columns, "deals", overrides, {**answers, **options.answers()})
    return import_log.ImportResult(file_name, "imported", import_id, "deals", snapshot_on, csv.records, 0,
                                   checked.warnings, [], notes)


def import_file(source, data: bytes, file_name: str, digest: str, options, saved: dict, db,
                progress: Progress | None = None):
    """``try_import``, with the transaction rolled back (database unchanged) and None when the file is not clean."""
    try:
        return try_import(source, data, file_name, digest, options, saved, db, progress)
    except _Fallback:
        return None


class _Fallback(Exception):
    """The file is not one the fast path takes: roll back, let the general path import it."""


def _report(progress: Progress | None, stage: str, rows: int | None) -> None:
    if progress is not None:
        progress(stage, rows)


# --- reading --------------------------------------------------------------------------------------

def sniff(data: bytes, file_name: str) -> _Csv | None:
    """The general path's sniffing on the head and tail of the file; None when the file needs the general path."""
    try:
        if readers.sniff(data, file_name) != "csv":
            return None
    except readers.ReadError:
        return None
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data[3:] if bom else data
    if b"\x00" in text[:4096] or text.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    if b"\r" in text:
        if text.count(b"\r") != text.count(b"\r\n"):
            return None
        text = text.replace(b"\r\n", b"\n")
    try:
        delimiter, header, cells = readers.csv_header(text, file_name)
    except readers.ReadError:
        return None
    width = len(header.cells)
    if header.first != header.last or any(c is None for c in cells) or len(cells) != width:
        return None
    body_start = readers.line_offset(text, header.last + 1)
    body_end, footer, _ = readers.trim_footer(text, body_start, delimiter, width)
    if footer != 0 or body_end != len(text):
        return None
    records = text.count(b"\n", body_start) + (0 if text.endswith(b"\n") or body_start >= len(text) else 1)
    names, _, column_notes = table.column_names(cells, [True] * width, letters=False)
    encoding = "utf-8-sig" if bom else "utf-8"
    notes = [readers.csv_note(encoding, delimiter), *table.skip_notes(header.first, 0, ""), *column_notes]
    return _Csv(delimiter, header.first, header.last, names, encoding, notes, records)


class _on_disk:
    """The file's path: the source itself when it is one, else the bytes written to a temporary file."""

    def __init__(self, source, data: bytes):
        self.source, self.data, self.temp = source, data, None

    def __enter__(self) -> str:
        if isinstance(self.source, (str, os.PathLike)) and Path(self.source).is_file():
            return str(self.source)
        handle, self.temp = tempfile.mkstemp(suffix=".csv", prefix="pulse-import-")
        with os.fdopen(handle, "wb") as out:
            out.write(self.data)
        return self.temp

    def __exit__(self, *exc) -> None:
        if self.temp:
            Path(self.temp).unlink(missing_ok=True)


def _load(con: duckdb.DuckDBPyConnection, path: str, csv: _Csv, guards: dict[int, str] | None = None) -> bool:
    """Every record into TEMP table fast_rows (c0…, as written: ``_Plan.check`` strips the few cells that need it
    as the readers do, blank = NULL); False when DuckDB's reader and the general sniffing disagree (bad UTF-8,
    ragged rows, quoted line breaks…).

    ``guards`` (column position -> "id", "number" or "date"): a cell that surely makes the file unclean (a blank
    deal id, an amount that is not a plain number, a date that is not ISO, even once every blank character is
    trimmed as ``_Plan._fix_edges`` would) stops the load at once (False): a messy file goes to the general path
    without DuckDB holding a copy of it, which would weigh on the import's peak memory before the general path
    starts. The guards are a few cheap tests; ``_Plan.check`` still makes every test."""
    every = " || ".join(f"chr({ord(c)})" for c in table.BLANK_CHARS)
    con.execute(f"CREATE OR REPLACE TEMP MACRO pulse_trimmed(v) AS nullif(trim(v, {every}), '')")
    surely_bad = {"id": "COLUMN IS NULL",
                  "number": f"NOT regexp_full_match(COLUMN, '{_SIMPLE_NUMBER}') "
                            f"AND NOT regexp_full_match(pulse_trimmed(COLUMN), '{_SIMPLE_NUMBER}')",
                  "date": f"NOT regexp_full_match(COLUMN, '{_ISO}') "
                          f"AND NOT regexp_full_match(pulse_trimmed(COLUMN), '{_ISO}')"}
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(csv.columns)))
    guards = guards or {}
    guarded = ", ".join(
        (f"CASE WHEN {surely_bad[checked(guards[i], surely_bad)].replace('COLUMN', f'c{i}')} "
         f"THEN error('pulse: not clean') ELSE c{i} END" if i in guards else f"c{i}") + f" AS c{i}"
        for i in range(len(csv.columns)))
    delimiter = checked(csv.delimiter, readers.DELIMITER_NAMES)  # none of them is a quote
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE fast_rows AS SELECT {guarded} FROM read_csv(?,
                header = false, skip = {int(csv.header_last)}, delim = '{delimiter}', quote = '"', escape = '"',
                all_varchar = true, auto_detect = false, null_padding = true, strict_mode = true,
                columns = {{{columns}}})""", [path])
    except duckdb.Error:
        return False
    # Rows created inside a transaction have row ids counted from a large base, in insertion (file) order.
    count, first, last = con.execute("SELECT count(*), min(rowid), max(rowid) FROM fast_rows").fetchone()
    csv.first_rowid = first
    return count == csv.records > 0 and last - first + 1 == count


# --- checking and storing -------------------------------------------------------------------------

@dataclass
class _Checked:
    stage_labels: dict[str, str]
    status_values: dict[str, str | None]
    warnings: list[str]
    details: dict


class _Plan:
    """SQL over fast_rows for one mapping: the checks that make a file clean, then the inserts."""

    def __init__(self, csv: _Csv, deal_map: mapping.DealMapping):
        self.csv, self.map, self.fields = csv, deal_map, deal_map.fields
        self.index = {name: i for i, name in enumerate(csv.columns)}
        self.names = tuple(f"c{i}" for i in range(len(csv.columns)))  # the only column names spliced into SQL

    def col(self, column: str | None) -> str:
        """The SQL name of a column of the file (c0, c1… by position; never its header), or NULL for none."""
        return checked(f"c{self.index[column]}", self.names) if column is not None else "NULL"

    def field(self, name: str) -> str:
        return self.col(self.fields.get(name))

    def guards(self) -> dict[int, str]:
        """The columns whose cells can show, as the file is loaded, that it is not clean (see ``_load``)."""
        found = {self.index[column]: "date" for column in self.date_columns()[:1]}  # a file's dates share a format
        found[self.index[self.fields["amount"]]] = "number"
        found[self.index[self.fields["deal_id"]]] = "id"
        return found

    def date_columns(self) -> list[str]:
        """Every date column in the order the general path parses them (created, close, fallbacks, entered)."""
        named = [self.fields.get("created_on"), self.fields.get("close_on"), *(self.map.close_fallbacks or [])]
        return [c for c in named if c is not None] + list(self.map.entered_on)

    def check(self, con: duckdb.DuckDBPyConnection) -> _Checked | None:
        """The labels, warnings and details of a clean file; None when some row would be rejected or differ."""
        if not self._fix_edges(con):
            return None
        labels = self._labels(con)
        if labels is None:
            return None
        tests, amount = [], self.field("amount")
        every = " AND ".join(f"{self.col(c)} IS NULL" for c in self.csv.columns)
        tests.append(f"count(*) FILTER ({every}) = 0")                          # no blank row
        tests.append(f"count({self.field('deal_id')}) = count(*)")             # every deal id
        tests.append(f"count(DISTINCT {self.field('deal_id')}) = count(*)")    # no repeated id
        tests.append(f"coalesce(bool_and(regexp_full_match({amount}, '{_SIMPLE_NUMBER}')), TRUE)")
        tests.append(f"coalesce(bool_and(TRY_CAST({amount} AS DOUBLE) >= 0), TRUE)")
        tests.append(f"coalesce(bool_and(TRY_CAST({amount} AS DOUBLE) < {MAX_AMOUNT}), TRUE)")  # else rejected
        tests.append(f"NOT coalesce(bool_or(contains({amount}, '.')), FALSE) "
                     f"OR coalesce(bool_or(regexp_matches({amount}, '{_SURE_DECIMAL}')), FALSE)")
        currency = self.field("currency")
        tests.append(f"coalesce(bool_and(regexp_full_match({currency}, '[\\x00-\\x7f]*')), TRUE)")
        for column in self.date_columns():
            c = self.col(column)
            tests.append(f"coalesce(bool_and(regexp_full_match({c}, '{_ISO}') AND TRY_CAST(substr({c}, 1, 10) AS DATE)"
                         f" BETWEEN DATE '1900-01-01' AND DATE '2100-12-31'), TRUE)")
        counts = [f"count({self.col(c)})" for c in self.date_columns()]
        status = self.field("status")
        unknown = [v for v, s in labels.status_values.items() if s is None]
        unknown_sql = (Fragment(f"count(*) FILTER ({status} IN (", []) + value_list(unknown) + Fragment("))", [])
                       if unknown else Fragment("0", []))
        query = Fragment.format(
            "SELECT {tests}, {unknown}, {blanks} FROM fast_rows",
            tests=Fragment(" AND ".join(f"({t})" for t in tests), []),
            unknown=unknown_sql,
            blanks=Fragment(f"count(*) - count({amount}), count(*) - count({self.field('created_on')})"
                            f"{''.join(', ' + c for c in counts)}", []))
        clean, unknown_n, blank_amount, blank_created, *present = con.execute(*query).fetchone()
        if not clean:
            return None
        warnings = []
        if unknown_n:
            warnings.append(import_log.ImportWarning("unknown_status", n=unknown_n))
        if blank_amount:
            warnings.append(import_log.ImportWarning("blank_amount", n=blank_amount))
        if blank_created:
            warnings.append(import_log.ImportWarning("blank_created", n=blank_created))
        details = {}
        if self.date_columns():
            details["date_orders"] = {c: "ISO" if n else "no dates" for c, n in zip(self.date_columns(), present,
                                                                                     strict=True)}
        return _Checked(labels.stage_labels, labels.status_values, warnings, details)

    def candidate_warnings(self, con: duckdb.DuckDBPyConnection) -> list:
        """The general path's "no creation date; engage_date could be one" warnings, from the first 2,000 values of
        each column left unused (guesses.candidate_warnings)."""
        if all(self.fields.get(f) for f in ("created_on", "close_on", "amount", "owner")) or not self.map.ignored:
            return []
        sample = pd.DataFrame({column: pd.Series([r[0] for r in con.execute(
            f"SELECT {self.col(column)} FROM fast_rows WHERE {self.col(column)} IS NOT NULL ORDER BY rowid LIMIT 2000"
        ).fetchall()], dtype=object) for column in self.map.ignored})
        return guesses.candidate_warnings(sample, self.fields, self.map.ignored)

    def _edges(self, con: duckdb.DuckDBPyConnection) -> list[str]:
        """The columns with a cell that starts or ends with a blank character (or is empty): none in most files,
        found by one test per row before any per column."""
        joined = "concat_ws(chr(1), " + ", ".join(self.names) + ")"
        if not con.execute(f"SELECT count(*) FROM (SELECT 1 FROM fast_rows WHERE regexp_matches({joined}, "
                           f"'{_ROW_EDGE}') LIMIT 1)").fetchone()[0]:
            return []
        row = con.execute("SELECT " + ", ".join(f"count(*) FILTER (regexp_matches({c}, '{_EDGE}'))"
                                                for c in self.names) + " FROM fast_rows").fetchone()
        return [c for c, n in zip(self.names, row, strict=True) if n]

    def _fix_edges(self, con: duckdb.DuckDBPyConnection) -> bool:
        """Strip the blank characters (spaces, tabs, no-break spaces…) from the few cells that have some at either
        end, and make empty cells NULL, as the readers do: testing each row once costs less than trimming every
        cell. False when a cell keeps a character str.strip() removes and the readers keep: the general path
        decides."""
        chars = " || ".join(f"chr({ord(c)})" for c in table.BLANK_CHARS)
        columns = [checked(column, self.names) for column in self._edges(con)]
        if not columns:
            return True
        # one statement for every such column (trimming a cell with nothing to trim leaves it as it is)
        con.execute("UPDATE fast_rows SET " + ", ".join(f"{c} = nullif(trim({c}, {chars}), '')" for c in columns)
                    + " WHERE " + " OR ".join(f"regexp_matches({c}, '{_EDGE}')" for c in columns))
        return not self._edges(con)

    def _labels(self, con: duckdb.DuckDBPyConnection) -> _Checked | None:
        """Stage labels and status values of the distinct raw values (mapping's own functions, once per value)."""
        found = {}
        for name, func in (("stage", pipelines.stage_label), ("status", pipelines.status_value)):
            column = self.field(name)
            values = [r[0] for r in con.execute(
                f"SELECT DISTINCT {column} FROM fast_rows WHERE {column} IS NOT NULL LIMIT ?", [MAX_LABELS + 1]
            ).fetchall()] if column != "NULL" else []
            if len(values) > MAX_LABELS:
                return None
            found[name] = {v: func(v) for v in values}
        if not all(found["stage"].values()) or con.execute(
                f"SELECT count(*) FROM fast_rows WHERE {self.field('stage')} IS NULL").fetchone()[0]:
            return None  # a row without a stage is rejected
        checked = _Checked(found["stage"], found["status"], [], {})
        return checked if self._status_is_kept(con, checked) else None

    def _status_is_kept(self, con: duckdb.DuckDBPyConnection, labels: _Checked) -> bool:
        """True when the general path would read the status as this path does: the user's status column, or one
        whose values pass guesses.judge_status; without a status column, no IsWon/IsClosed flags to read. Else
        the general path takes the file (and says in its plan why the column was not used)."""
        status = self.field("status")
        if status == "NULL":
            return guesses.flag_columns(self.csv.columns) is None
        if self.map.how.get("status") == "user":
            return True
        by_stage = _case(self.field("stage"), {raw: pipelines.status_value(label)
                                                 for raw, label in labels.stage_labels.items()})
        said = _case(status, labels.status_values)
        query = Fragment.format(
            "SELECT count({column}), count(*) FILTER ({column} IS NOT NULL AND {said} IS NULL), "
            "count(*) FILTER ({stage} IN ('won', 'lost') AND {said} IS NOT NULL), "
            "count(*) FILTER ({stage} IN ('won', 'lost') AND {said} IS NOT NULL AND {stage} <> {said}) "
            "FROM fast_rows", column=Fragment(status, []), said=said, stage=by_stage)
        return guesses.judge_status(*con.execute(*query).fetchone()) is None

    def store(self, con, checked: _Checked, file_name: str, digest: str, snapshot_on: dt.date, source: str,
              options) -> int:
        """The import's row, its deals, stage entry dates and attributes, and the stage configuration."""
        import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
        used = {"fields": self.fields, "entered_on": self.map.entered_on, "extras": self.map.extras,
                "close_fallbacks": getattr(self.map, "close_fallbacks", [])}
        details = {**checked.details, "encoding": self.csv.encoding, "delimiter": self.csv.delimiter, "sheet": None,
                   "header_row": self.csv.header_row, "notes": self.csv.notes, "snapshot_source": source}
        con.execute(
            "INSERT INTO imports (import_id, file_name, sha256, kind, snapshot_on, rows_imported, rows_rejected, "
            "mapping, is_partial, is_sample, details) VALUES (?, ?, ?, 'deals', ?, ?, 0, ?, ?, ?, ?)",
            [import_id, file_name, digest, snapshot_on, self.csv.records, json.dumps(used, default=str),
             options.partial, options.is_sample, json.dumps({**details, "warnings": checked.warnings}, default=str)])
        stage = _case(self.field("stage"), checked.stage_labels)
        status = _case(self.field("status"), checked.status_values)
        close = [self.field("close_on"), *(self.col(c) for c in self.map.close_fallbacks or [])]
        close_sql = "coalesce(" + ", ".join(_date(c) for c in close) + ")" if len(close) > 1 else _date(close[0])
        first_row = self.csv.header_last + 1 - self.csv.first_rowid
        selected = Fragment.join(", ", [
            Fragment("?, ?, CAST(? + rowid AS INTEGER)", [import_id, snapshot_on, first_row]),
            _code(f"{self.field('deal_id')}, {self.field('name')}, coalesce({self.field('pipeline')}, 'default')"),
            stage, status,
            _code(f"CAST({self.field('amount')} AS DOUBLE), upper({self.field('currency')}), {self.field('owner')}, "
                  f"{_date(self.field('created_on'))}, {close_sql}, NULL, {self.field('forecast_category')}")])
        con.execute(*(_code("INSERT INTO deal_snapshots (import_id, snapshot_on, row_number, deal_id, name, pipeline, "
                            "stage, status_raw, amount, currency, owner, created_on, close_on, probability, "
                            "forecast_category) SELECT ") + selected + _code(" FROM fast_rows")))
        entries = self.entries_sql()  # one statement each: DuckDB runs its parts in parallel
        if entries.sql:
            con.execute(*Fragment.format(
                "INSERT INTO deal_stage_dates (import_id, deal_id, pipeline, stage, entered_on) "
                "SELECT {import_id}, * FROM ({entries})", import_id=Fragment("?", [import_id]), entries=entries))
        named = [(c, c) for c in self.map.extras] + [  # extras by header, then fields kept as attributes
            (attribute, self.fields[name]) for name, attribute in mapping.ATTRIBUTE_FIELDS.items()
            if self.fields.get(name)]
        if named:  # the attribute names are headers of the file or reserved names: bound, never spliced
            parts = Fragment.join(" UNION ALL ", [
                Fragment(f"SELECT {self.field('deal_id')}, ?, {self.col(c)} FROM fast_rows", [attribute])
                for attribute, c in named])
            con.execute(*Fragment.format("INSERT INTO deal_attributes (import_id, deal_id, attribute, value) "
                                         "SELECT {import_id}, * FROM ({parts})",
                                         import_id=Fragment("?", [import_id]), parts=parts))
        _ensure_stages(con, import_id, self, options, file_name)
        return int(import_id)


    def entries_sql(self, where: Fragment | None = None, ordered: bool = False) -> Fragment:
        """SELECT deal_id, pipeline, stage, entered_on of every "Date entered" cell, with its parameters (empty when
        the file has none); ``where`` filters those rows (None = all); ``ordered``: column by column, in file order
        within a column (the general path's long table, which ranks ties)."""
        parts = [Fragment(f"SELECT {self.field('deal_id')} AS deal_id, coalesce({self.field('pipeline')}, 'default') "
                          f"AS pipeline, ? AS stage, {_date(self.col(column))} AS entered_on, {int(position)} AS part, "
                          f"rowid AS row FROM fast_rows WHERE {self.col(column)} IS NOT NULL",
                          [pipelines.stage_label(label)])
                 for position, (column, label) in enumerate(self.map.entered_on.items())]
        if not parts:
            return Fragment("", [])
        return Fragment.format("SELECT deal_id, pipeline, stage, entered_on FROM ({parts}) WHERE {where}{order}",
                               parts=Fragment.join(" UNION ALL ", parts),
                               where=Fragment("TRUE", []) if where is None else where,
                               order=Fragment(" ORDER BY part, row" if ordered else "", []))


def _code(sql: str) -> Fragment:
    """SQL written here (over the c0… columns), with no parameter."""
    return Fragment(sql, [])


def _case(column: str, values: dict[str, str | None]) -> Fragment:
    """A CASE expression mapping each raw value to its label (NULL for other values), both bound."""
    if column == "NULL" or not values:
        return Fragment("NULL", [])
    return Fragment(f"CASE {column} " + " ".join("WHEN ? THEN ?" for _ in values) + " END",
                    [x for pair in values.items() for x in pair])


def _date(column: str) -> str:
    return "NULL" if column == "NULL" else f"CAST(substr({column}, 1, 10) AS DATE)"


def _ensure_stages(con: duckdb.DuckDBPyConnection, import_id: int, plan: _Plan, options, file_name: str) -> None:
    """stage_config.ensure_stages on the stored rows: each pipeline's stages in first-seen order (no exported
    probability on this path); entry dates, in the general path's order, only for a new pipeline that no known
    CRM template fits."""
    seen = con.execute("SELECT pipeline, stage, NULL::DOUBLE AS probability FROM deal_snapshots WHERE import_id = ? "
                       "GROUP BY pipeline, stage ORDER BY min(row_number)", [import_id]).df()
    names = list(dict.fromkeys(seen["pipeline"]))  # in the order of their first row, as groupby(sort=False)
    needs_dates = [p for p in names if stage_config.stage_table(con, p).empty and pipelines.known_stage_config(
        p, list(seen.loc[seen["pipeline"] == p, "stage"])) is None]
    entered = pd.DataFrame(columns=["deal_id", "pipeline", "stage", "entered_on"])
    entries = plan.entries_sql(Fragment("pipeline IN (", []) + value_list(needs_dates) + Fragment(")", []),
                               ordered=True)
    if needs_dates and entries.sql:
        entered = con.execute(*entries).df()
    decisions = stage_config.plan_stages(con, seen, entered, options.stages)
    if not options.is_sample:  # a new pipeline ordered by weak signals only is a question: nothing is stored
        asked = ImportPlan()
        for decision in decisions:
            asked.add_stage_decision(decision)
        asked.refuse_questions(file_name)
    stage_config.ensure_stages(con, seen, entered, options.stages, decisions)

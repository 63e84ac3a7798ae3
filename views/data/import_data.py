"""Import page: upload exports, check how they were read and mapped, import them, manage the history."""
from __future__ import annotations

import streamlit as st

from analytics import ingest
from analytics.ingest import fast_csv, mapping, readers, templates
from analytics.reports import exports
from ui import auth, common, fmt, reasons, uploader
from ui.i18n import t

KIND_LABELS = {"auto": "Detect automatically", **reasons.KIND_LABELS}
MAPPABLE = {"deals": mapping.DEAL_FIELDS, "one_on_ones": mapping.ONE_ON_ONE_FIELDS,
            "survey": ("enps", "wave", "date"), "stage_history": (*mapping.HISTORY_FIELDS, mapping.HISTORY_EVENT_FIELD)}
NOT_MAPPED = "—"
KIND_SHORT_LABELS = {"deals": "Deals", "survey": "Survey", "one_on_ones": "1:1 log", "stage_history": "History",
                     "headcount": "Headcount"}
PREVIEW_LABELS = {
    "row_number": "Row", "deal_id": "Deal id", "name": "Name", "pipeline": "Pipeline", "stage": "Stage",
    "status_raw": "Status", "amount": "Amount", "currency": "Currency", "owner": "Owner", "created_on": "Created",
    "close_on": "Close date", "probability": "Probability", "forecast_category": "Forecast category",
    "wave_label": "Wave", "responded_on": "Response date", "enps": "eNPS answer", "enps_scale": "eNPS scale",
    "manager": "Manager", "employee": "Employee", "met_on": "Meeting date", "duration_minutes": "Duration (min)",
    "wave": "Wave", "groups": "Groups", "headcount": "Headcount",
}
FIELD_LABELS = {  # the mapping's fields in words (the fields the preview does not name)
    "status": "Status", "loss_reason": "Loss reason", "from_stage": "Previous stage", "changed_on": "Changed on",
    "event": "Event", "date": "Response date",
}
HISTORY_LABELS = {"import_id": "Import id", "file_name": "File name", "kind": "Kind", "snapshot_on": "Snapshot on",
                  "rows_imported": "Rows imported", "rows_rejected": "Rows rejected", "is_partial": "Partial",
                  "is_sample": "Is sample", "imported_at": "Imported on"}


def field_label(field: str) -> str:
    """A mapping field in the reader's words ('created_on' -> Created)."""
    return t(FIELD_LABELS.get(field) or PREVIEW_LABELS.get(field) or field)

auth.require_permission("import")  # access control (ui/auth.py): admin, sales and hr, each for their kinds
ALLOWED = auth.current_user().import_kinds()
st.title(t("Import"))
st.caption(t("Upload the weekly CRM export (CSV or Excel, HubSpot, Salesforce, Pipedrive or your own sheet), "
             "a survey export or a 1:1 meeting log. Check the preview, then import."))


def file_options(key: str, upload, columns_kind: str | None) -> ingest.ImportOptions:
    """The per-file choices: kind, snapshot date, sheet, partial, column overrides."""
    left, mid, right = st.columns(3)
    kind = left.selectbox(t("File contains"), [k for k in KIND_LABELS if k == "auto" or k in ALLOWED],
                          format_func=lambda k: t(KIND_LABELS[k]),
                          key=f"import_kind_{key}")
    as_of = mid.date_input(t("Snapshot date"), value=None, key=f"import_asof_{key}", format=fmt.date_input_format(),
                           help=t("The date of the export. Leave it empty to let the file date itself: a date in "
                                  "its name, else its latest change; the plan below says which."))
    partial = right.checkbox(t("Partial export"), key=f"import_partial_{key}",
                             help=t("Tick it when the file holds only some deals (those changed this week, say): its deals are "
                                    "added or updated and none is taken as gone. Unticked, the file is the whole "
                                    "pipeline: a deal missing from it counts as dropped."))
    sheet = None
    if upload.name.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        sheets = excel_sheets(upload.getvalue(), upload.name)
        if len(sheets) > 1:  # None: the importer picks the first sheet with data rows (and says which others hold some)
            sheet = left.selectbox(t("Sheet"), [None, *sheets], key=f"import_sheet_{key}",
                                   format_func=lambda s: t("First sheet with data") if s is None else s)
    overrides = st.session_state.get(f"import_overrides_{key}", {})
    answers = st.session_state.get(f"import_answers_{key}", {})
    return ingest.ImportOptions(kind=None if kind == "auto" else kind, as_of=as_of, sheet=sheet,
                                overrides=dict(overrides), partial=partial, date_order=answers.get("date_order"),
                                probability_scale=answers.get("probability_scale"),
                                amount_unit=answers.get("amount_unit"),
                                stages=dict(answers.get("stages", {})))


@st.cache_data(show_spinner=False, max_entries=20)
def excel_sheets(data: bytes, name: str) -> list[str]:
    """The workbook's sheet names (none for a CSV, or a workbook that cannot be opened: the import then says why)."""
    try:
        return readers.workbook_sheets(data, name)
    except readers.ReadError:
        return []


@st.cache_data(show_spinner=False, max_entries=20)
def raw_columns(data: bytes, name: str, sheet: str | None) -> list[str]:
    try:
        return list(readers.read_table(data, name, sheet=sheet).frame.columns)
    except readers.ReadError:
        return []


def prepared_for(data: bytes, name: str, options: ingest.ImportOptions) -> ingest.Prepared:
    """Read and validate once per file and set of choices (kept for this session)."""
    cache = st.session_state.setdefault("import_prepared", {})
    key = (ingest.sha256_of(data), repr(options))
    if key not in cache:
        cache.clear()
        cache[key] = ingest.plan_file(data, name, options, common.db_path())
    return cache[key]


def mapping_editor(key: str, kind: str, current: dict[str, str], columns: list[str]) -> None:
    """Select boxes to correct which column feeds each field; changes re-read the file."""
    fields = MAPPABLE.get(kind, ())
    with st.expander(t("Column mapping"), expanded=not current.get("stage", True)):
        grid = st.columns(3)
        overrides = dict(st.session_state.get(f"import_overrides_{key}", {}))
        for i, field in enumerate(fields):
            options = [NOT_MAPPED, *columns]
            chosen = current.get(field) or NOT_MAPPED
            picked = grid[i % 3].selectbox(field_label(field), options,
                                           index=options.index(chosen) if chosen in options else 0,
                                           key=f"import_map_{key}_{field}")
            if picked != chosen and picked != NOT_MAPPED:
                overrides[field] = picked
        if overrides != st.session_state.get(f"import_overrides_{key}", {}):
            st.session_state[f"import_overrides_{key}"] = overrides
            st.rerun()


def detected_summary(p: ingest.Prepared) -> None:
    """What was detected: kind, snapshot date, encoding, delimiter, header row, date order."""
    cols = st.columns(4)
    cols[0].metric(t("Kind"), t(KIND_SHORT_LABELS[p.kind]), help=t(KIND_LABELS[p.kind]))
    cols[1].metric(t("Rows to import"), fmt.number(p.rows_imported))
    cols[2].metric(t("Rejected rows"), fmt.number(p.rows_rejected))
    cols[3].metric(t("Snapshot date"), fmt.date(p.snapshot_on), help=t("Source: {source}", source=t(p.snapshot_source)))
    fact = lambda label, value: t("{label}: {value}", label=label, value=value)  # noqa: E731  French: « : »
    facts = [fact(t("Encoding"), p.details.get("encoding") or "–"),
             fact(t("Separator"), repr(p.details.get("delimiter")) if p.details.get("delimiter") else "–"),
             fact(t("Header row"), p.details.get("header_row"))]
    if p.details.get("sheet"):
        facts.append(fact(t("Sheet"), p.details["sheet"]))
    for column, order in (p.details.get("date_orders") or {}).items():
        facts.append(fact(f"{t('Dates in')} '{column}'", reasons.date_detail(order)))
    st.caption(" · ".join(fmt.plain(f) for f in facts))  # fmt.plain: file text is shown as typed, never as Markdown
    for note in p.details.get("notes") or []:
        st.caption(fmt.plain(reasons.read_note(note)))


def plan_section(key: str, p: ingest.Prepared) -> bool:
    """Every guess with its evidence, and a question for each weak guess that changes the numbers; True when
    every question is answered."""
    questions = p.plan.questions()
    with st.expander(t("What was guessed, and why"), expanded=bool(questions)):
        st.dataframe(reasons.plan_rows(p.plan), hide_index=True, width="stretch", placeholder=fmt.MISSING)
    if p.kind == "deals" and (p.mapping.get("fields") or {}).get("amount"):  # 'Amount (k€)': say so, let it change
        amount_unit_choice(key, next((i.value for i in p.plan.of("amount_unit")), "units"))
    if not questions:
        return True
    st.warning(t("One guess would change the numbers: answer it before importing.") if len(questions) == 1 else
               t("{n} guesses would change the numbers: answer them before importing.", n=fmt.number(len(questions))),
               icon=":material/help:")
    for number, question in enumerate(questions):
        answer_question(key, number, question)
    return False


ANSWER_LABELS = reasons.ANSWER_LABELS
AMOUNT_UNITS = list(ingest.AMOUNT_UNITS)


def amount_unit_choice(key: str, unit: str) -> None:
    """The unit the amounts are read in (``unit``: the one their header names, your choice, else units), with the
    list that changes it (the answer re-reads the file, and is remembered for files with these columns)."""
    picked = st.selectbox(t("Amounts in"), AMOUNT_UNITS, index=AMOUNT_UNITS.index(unit),
                          format_func=lambda u: t(ANSWER_LABELS[u]), key=f"import_amount_unit_{key}",
                          help=t("Every amount is multiplied by it: thousands when the file writes 12.5 for 12,500."))
    if picked != unit:
        st.session_state[f"import_answers_{key}"] = {**st.session_state.get(f"import_answers_{key}", {}),
                                                    "amount_unit": picked}
        st.rerun()


def answer_question(key: str, number: int, question) -> None:
    """One question of the plan, with the widget that answers it (the answer re-reads the file)."""
    st.markdown(f"**{fmt.plain(reasons.plan_topic(question))}** — {fmt.plain(reasons.plan_evidence(question))}")
    answers = dict(st.session_state.get(f"import_answers_{key}", {}))
    overrides = dict(st.session_state.get(f"import_overrides_{key}", {}))
    widget = f"import_question_{key}_{number}"
    if question.topic in ("date_order", "probability_scale", "enps"):
        choices = {"date_order": ["dmy", "mdy"], "probability_scale": ["percent", "fraction"],
                   "enps": ["enps", "question", "ignore"]}[question.topic]
        picked = st.radio(t("Your answer"), choices, index=None, format_func=lambda c: t(ANSWER_LABELS[c]),
                          key=widget, horizontal=True)
        if picked is None:
            return
        if question.topic == "enps":
            overrides[picked] = question.value
        else:
            answers[question.topic] = picked
    elif question.topic == "status":
        picked = st.radio(t("Your answer"), ["status_use", "status_stage"], index=None,
                          format_func=lambda c: t(ANSWER_LABELS[c], column=fmt.plain(question.args["column"])),
                          key=widget)
        if picked is None:
            return
        overrides["status"] = question.args["column"] if picked == "status_use" else ""  # "": no status column
    elif question.topic == "stage_order":
        order = st.text_input(t("Open stages in order, first to last, separated by >"), value=question.value,
                              key=widget)
        if not st.button(t("Use this order"), key=f"{widget}_ok"):
            return
        answers["stages"] = {**answers.get("stages", {}),
                             question.subject: [s.strip() for s in order.split(">") if s.strip()]}
    st.session_state[f"import_answers_{key}"] = answers
    st.session_state[f"import_overrides_{key}"] = overrides
    st.rerun()


def validation_report(key: str, p: ingest.Prepared) -> None:
    for warning in p.warnings:
        st.warning(fmt.plain(reasons.import_warning(warning)), icon=":material/warning:")
    if p.rows_rejected:
        st.markdown(t("**{n} rows will not be imported.** The first ones:", n=fmt.number(p.rows_rejected)))
        shown = fmt.table(reasons.rejected_rows(p.rejected.head(50)), {"row_number": "count", "reason": "text"},
                          {"row_number": t("Row"), "reason": t("Reason")})
        common.table(shown)
        worded = reasons.rejected_rows(p.rejected).rename(columns={"row_number": t("Row"), "reason": t("Reason")})
        st.download_button(t("Download all rejected rows (CSV)"), exports.to_csv_bytes(worded),
                           file_name=f"rejected_{p.file_name}.csv", mime="text/csv", key=f"import_rejdl_{key}")


def import_one(key: str, upload) -> None:
    data = upload.getvalue()
    options = file_options(key, upload, None)
    try:
        p = prepared_for(data, upload.name, options)
    except ingest.ImportRejected as exc:
        st.error(fmt.plain(exc), icon=":material/block:")
        columns = raw_columns(data, upload.name, options.sheet)
        if columns:
            mapping_editor(key, options.kind or "deals", {}, columns)
        return
    if p.kind not in ALLOWED:  # access control: e.g. a survey file uploaded by a sales user
        st.error(t("Your roles do not allow importing this kind of file ({kind}).",
                   kind=t(KIND_LABELS.get(p.kind, p.kind))), icon=":material/lock:")
        return
    detected_summary(p)
    mapping_editor(key, p.kind, (p.mapping.get("fields") if p.kind == "deals" else p.mapping) or {},
                   list(p.raw.frame.columns))
    if p.kind == "survey" and p.mapping.get("dropped_identifiers"):
        st.info(t("Identifier columns dropped, never stored: {cols}",
                  cols=fmt.plain(", ".join(p.mapping["dropped_identifiers"]))), icon=":material/shield_person:")
    answered = plan_section(key, p)
    preview = p.preview().drop(columns=["snapshot_on", "response_no"], errors="ignore")
    shown = fmt.table(preview, {"row_number": "count", "amount": "money:2", "probability": "rate:0",
                                "created_on": "date", "close_on": "date", "met_on": "date", "responded_on": "date"},
                      {c: t(PREVIEW_LABELS.get(c, c)) for c in preview.columns})
    common.table(shown)
    validation_report(key, p)
    name = fmt.plain(upload.name)
    if st.button(t("Import {name}", name=name), type="primary", key=f"import_go_{key}", disabled=not answered):
        with st.status(t("Importing {name}…", name=name), expanded=True) as status:
            result = store_with_progress(p, data)
            label = (t("{name}: already imported (same content), nothing changed.", name=name)
                     if result.status == "already imported" else
                     t("{name}: imported {n} rows, {r} rejected.", name=name,
                       n=fmt.number(result.rows_imported), r=fmt.number(result.rows_rejected)))
            status.update(label=label, state="complete", expanded=False)
        st.session_state.pop("import_prepared", None)
        st.success(label, icon=":material/check_circle:")
        for note in result.notes:
            st.info(t(note), icon=":material/info:")


IMPORT_STAGES = {  # stage of the SQL import (analytics/fast_csv.py) -> (share done, what the user reads)
    "reading": (0.05, "Reading the file…"),
    "checking": (0.35, "Checking {n} rows…"),
    "storing": (0.55, "Storing {n} rows in one transaction…"),
    "summarising": (0.9, "Updating the current state of {n} deals…"),
}


def store_with_progress(p: ingest.Prepared, data: bytes) -> ingest.ImportResult:
    """Store a prepared file, showing the stage of the import and the rows it handles: a clean CSV deals export
    goes through the SQL path (fast on big files), anything else through the general commit."""
    bar = st.progress(0.0, text=t("Reading the file…"))

    def progress(stage: str, rows: int | None) -> None:
        share, text = IMPORT_STAGES[stage]
        bar.progress(share, text=t(text, n=fmt.number(rows if rows is not None else p.rows_imported)))

    result = None
    if p.kind == "deals" and p.raw.file_format == "csv":
        with common.connection() as con:
            saved = ingest.saved_mappings(con)
        result = fast_csv.import_file(None, data, p.file_name, p.sha256, p.options, saved, common.db_path(),
                                      progress)
    if result is None:
        progress("storing", p.rows_imported)
        result = ingest.commit(p, common.db_path())
    bar.progress(1.0, text=t("Done."))
    return result


def history() -> None:
    st.subheader(t("Import history"))
    table = common.imports()
    table = table[table["kind"].isin(ALLOWED)]  # access control: only the kinds this user may import
    if table.empty:
        st.info(t("Nothing imported yet."))
        return
    kind_words = lambda kind: t(KIND_SHORT_LABELS.get(kind, kind))  # noqa: E731
    shown = fmt.table(table[[c for c in HISTORY_LABELS if c in table]],
                      {"import_id": "text", "kind": kind_words, "snapshot_on": "date", "rows_imported": "count",
                       "rows_rejected": "count", "imported_at": "date"},
                      {c: t(label) for c, label in HISTORY_LABELS.items()})
    common.table(shown)
    if not auth.current_user().can("delete_imports"):  # access control: deleting imports is for admins
        return
    labels = {int(r.import_id): f"#{r.import_id} · {r.file_name} · {fmt.date(r.snapshot_on)}"
              for r in table.itertuples()}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox(t("Delete an import (removes exactly its rows)"), list(labels),
                            format_func=labels.get, key="import_delete_choice")
    if right.button(t("Delete"), key="import_delete_go"):
        common.delete_import(chosen)
        st.success(t("Import #{id} deleted.", id=chosen))
        st.rerun()


def template_downloads() -> None:
    st.subheader(t("Templates"))
    left, right = st.columns(2)
    left.download_button(t("Deals template (Excel)"), templates.deals_template(), file_name="deals_template.xlsx",
                         mime=exports.XLSX_MIME, key="import_tpl_deals")
    right.download_button(t("Survey template (Excel)"), templates.survey_template(),
                          file_name="survey_template.xlsx", mime=exports.XLSX_MIME, key="import_tpl_survey")


with common.user_errors():
    uploads = uploader.file_uploader(t("Files"), ["csv", "txt", "tsv", "xlsx", "xlsm", "xls", "ods"], "import_files",
                                     accept_multiple_files=True)
    for number, upload in enumerate(uploads or []):
        with st.container(border=True):
            st.markdown(f"**{fmt.plain(upload.name)}**")
            with common.user_errors():
                import_one(f"{number}_{upload.file_id}"[:40], upload)
with common.user_errors():
    history()
with common.user_errors():
    template_downloads()

"""Settings page: stage order, probabilities and won/lost per pipeline; thresholds; currency and rates; sales teams;
backup."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.ingest import headcount as headcounts
from analytics.ingest import stage_config
from analytics.people import survey
from ui import auth, calls_section, common, fmt, grids
from ui.charts import people as people_charts
from ui.i18n import t

auth.require_permission("settings")  # access control (ui/auth.py): admins only, backup included
st.title(t("Settings"))
st.caption(t("Changes are saved in the database and every page uses them at once."))


# Codes stored by analytics, worded for the reader (the stored codes never change).
OUTCOME_LABELS = {"open": "Open (deal in progress)", "won": "Won (deal closed and won)",
                  "lost": "Lost (deal closed and lost)"}
# Every setting's choices (the test of the catalogue reads this table): wave periods, the survey comments switch.
PERIOD_LABELS = {"week": "Week", "month": "Month", "quarter": "Quarter", "show": "Show comments and themes",
                 "hide": "Hide comments and themes"}


def shown_number(value: object) -> str:
    """A number as typed (20, 12.5, 1,000) in the reader's language; anything else as plain text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return fmt.plain(value)
    digits = 0 if float(value).is_integer() else min(len(f"{value:.6g}".split(".")[-1]), 6)
    return fmt.number(value, digits)


def refusal(exc: ValueError) -> str:
    """A refused value worded in the reader's language: analytics' SettingError is an English template (``text``)
    and its ``values`` (the setting's ``label`` is a catalogue text too); any other error as it is."""
    text = getattr(exc, "text", None)
    if text is None:
        return fmt.plain(exc)
    values = {name: t(value) if name == "label" else shown_number(value)
              for name, value in getattr(exc, "values", {}).items()}
    return t(text, **values)


def stage_editor() -> None:
    st.subheader(t("Stages per pipeline"))
    saves = common.grid_saves("settings_stages", t("Stages saved."))
    stages = common.fetch(stage_config.stage_table)
    if stages.empty:
        st.info(t("Import a deals export first: its stages appear here."))
        return
    pipeline = st.selectbox(t("Pipeline"), sorted(stages["pipeline"].unique()), key="settings_pipeline")
    table = common.stages_as_percent(stages[stages["pipeline"] == pipeline][["stage", "probability", "outcome"]])
    table = table.reset_index(drop=True)
    st.caption(t("Rows are in stage order; change the Order column to reorder them. Probability: the chance, in %, "
                 "that a deal at this stage is won (0 to 100); the weighted pipeline and the forecast use it."))
    table.insert(0, "order", range(1, len(table) + 1))
    table = grids.as_text(table, {"probability": "percent"})  # "12,5 %" in French: the editor cannot word decimals
    # After a save the editor starts again from the stored table under a new key (edits replayed on the saved
    # table would misplace rows; dropping the old key's state makes the browser rerun and lose the message).
    key = f"settings_stages_{pipeline}" + (f"_{saves}" if saves else "")
    # No min/max on the probability column: the grid would silently clip a value above the maximum (20 typed in a
    # 0–1 column became 100 %); the page refuses it with a message instead.
    edited = st.data_editor(
        table, hide_index=True, width="stretch", num_rows="fixed", key=key,
        column_config={
            "order": st.column_config.NumberColumn(t("Order"), min_value=1, step=1, format=fmt.editor_format("count"),
                                                   help=t("Change the numbers to reorder the stages.")),
            "stage": st.column_config.TextColumn(t("Stage"), disabled=True),
            "probability": st.column_config.TextColumn(
                t("Probability (%)"), help=t("The chance that a deal at this stage is won, from 0 to 100 %.")),
            "outcome": st.column_config.SelectboxColumn(
                t("Outcome"), options=list(OUTCOME_LABELS), required=True,
                format_func={code: t(label) for code, label in OUTCOME_LABELS.items()}.__getitem__,
                help=t("Open: deals at this stage are in progress. Won or lost: deals at this stage are closed.")),
        }, placeholder=fmt.MISSING)
    if st.button(t("Save stages"), key="settings_save_stages", type="primary"):
        try:
            typed = grids.read_back(edited, {"probability": "percent"}, {"probability": t("Probability (%)")},
                                    name_column="stage")
            common.save_stages(pipeline, typed.sort_values(["order"], kind="stable").drop(columns="order"))
        except grids.CellError as exc:
            st.error(grids.refusal(exc), icon=":material/block:")
            return
        except ValueError as exc:
            st.error(refusal(exc), icon=":material/block:")
            return
        common.grid_saved("settings_stages")


def allowed(setting) -> str:
    """The help line giving what a person may enter for a numeric setting."""
    template = ("Allowed: a whole number from {minimum} to {maximum}." if isinstance(setting.default, int)
                else "Allowed: a number from {minimum} to {maximum}.")
    return t(template, minimum=shown_number(setting.minimum), maximum=shown_number(setting.maximum))


def thresholds() -> None:
    st.subheader(t("Thresholds"))
    current = common.settings()
    with st.form("settings_thresholds"):
        values, labels = {}, {}  # labels: the decimal settings typed as text, read back on save
        for setting in common.setting_specs():
            if setting.name in ("reporting_currency", "team_attribute"):  # their own sections
                continue
            label, help_text = t(setting.label), t(setting.help)
            if setting.choices:
                words = {code: t(PERIOD_LABELS.get(code, code)) for code in setting.choices}  # worded in this run
                values[setting.name] = st.selectbox(label, setting.choices, help=help_text,
                                                    index=setting.choices.index(current[setting.name]),
                                                    format_func=words.__getitem__)
            # No min/max on the inputs: the browser would refuse an out-of-range number with an English tooltip;
            # analytics refuses it on save with the allowed range, in the reader's language.
            elif isinstance(setting.default, int):
                values[setting.name] = st.number_input(label, step=1, value=int(current[setting.name]),
                                                       help=f"{help_text}  \n{allowed(setting)}")
            else:  # a decimal: text worded by ui.fmt (5 or 2,5 in French; a number input writes 5.00)
                values[setting.name] = st.text_input(label, value=fmt.editor_text(current[setting.name], "factor"),
                                                     help=f"{help_text}  \n{allowed(setting)}",
                                                     key=f"settings_{setting.name}")
                labels[setting.name] = label
        if st.form_submit_button(t("Save thresholds"), type="primary"):
            save_thresholds(values, labels)


def save_thresholds(values: dict, labels: dict[str, str]) -> None:
    try:
        values = {**values, **{name: grids.read_field(values[name], label) for name, label in labels.items()}}
        stored = common.save_settings(values)
    except grids.CellError as exc:
        st.error(grids.refusal(exc), icon=":material/block:")
        return
    except ValueError as exc:
        st.error(refusal(exc), icon=":material/block:")
        return
    st.success(t("Settings saved."))
    if stored.get("comment_threshold", values["comment_threshold"]) != values["comment_threshold"]:
        st.info(t("The comment threshold was raised to {n}, the anonymity threshold: a group too small for its "
                  "numbers to be shown is too small for its comments.", n=shown_number(stored["comment_threshold"])))


def currency_editor() -> None:
    st.subheader(t("Currency"))
    saves = common.grid_saves("settings_rates", t("Currency saved."))
    current = common.settings()
    rates = common.fx_rates()
    spec = next(s for s in common.setting_specs() if s.name == "reporting_currency")
    code = st.text_input(t(spec.label), value=str(current["reporting_currency"]), key="settings_currency",
                         help=t(spec.help))
    st.caption(t("Rates: how many units of the reporting currency one unit of each currency is worth."))
    frame = pd.DataFrame({"currency": pd.Series(list(rates), dtype=object),
                          "rate": pd.Series(list(rates.values()), dtype="float64")})
    frame = grids.as_text(frame, {"rate": "factor"})  # "1,08" in French: the editor cannot word decimals
    # After a save the grid starts again from the stored rates (worded again) under a new key, as the other grids.
    key = "settings_rates" + (f"_{saves}" if saves else "")
    edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, key=key,
                            column_config={
                                "currency": st.column_config.TextColumn(
                                    t("Currency"), help=t("The currency code used in your exports, e.g. USD.")),
                                "rate": st.column_config.TextColumn(
                                    t("Rate"), help=t("Units of the reporting currency for one unit of this "
                                                      "currency (a positive number).")),
                            }, placeholder=fmt.MISSING)
    if st.button(t("Save currency and rates"), key="settings_save_currency", type="primary"):
        try:
            typed = grids.read_back(edited, {"rate": "factor"}, {"rate": t("Rate")}, name_column="currency")
            common.save_currency(code, common.rates_from_table(typed))
        except grids.CellError as exc:
            st.error(grids.refusal(exc), icon=":material/block:")
            return
        except ValueError as exc:
            st.error(refusal(exc), icon=":material/block:")
            return
        common.grid_saved("settings_rates")


def headcount_editor() -> None:
    """Headcounts typed by hand (every wave): one row per group, plus the total; imported files come first."""
    st.subheader(t("Survey headcount"))
    st.caption(t("How many people each group holds, for the response rate on the Engagement page (a headcount file "
                 "imported on the Import page takes precedence). Leave the total at 0 to use the sum of the groups."))
    saves = common.grid_saves("settings_headcount", t("Headcount saved."))
    typed, total = common.fetch(headcounts.typed_headcount)
    dimensions = list(dict.fromkeys([*common.fetch(survey.survey_groups_available), *typed["dimension"]]))
    if not dimensions:
        st.info(t("Import a survey with a grouping column (department, team…) first: its groups appear here."))
        return
    total_typed = st.number_input(t("Total headcount"), min_value=0, step=1, value=int(total or 0),
                                  key="settings_headcount_total")
    edited = st.data_editor(
        typed, num_rows="dynamic", hide_index=True, width="stretch", key=f"settings_headcount_{saves}",
        column_config={
            "dimension": st.column_config.SelectboxColumn(
                t("Group by"), options=dimensions, format_func=people_charts.dimension_label,
                help=t("The survey's grouping column the group belongs to.")),
            "group": st.column_config.TextColumn(t("Group"), help=t("The group's name, as in the survey.")),
            "headcount": st.column_config.NumberColumn(t("Headcount"), step=1, format=fmt.editor_format("count"),
                                                       help=t("How many people the group holds.")),
        }, placeholder=fmt.MISSING)
    if st.button(t("Save headcount"), key="settings_save_headcount", type="primary"):
        try:
            common.write(headcounts.save_typed_headcount, edited, total_typed)
        except ValueError as exc:
            st.error(refusal(exc), icon=":material/block:")
            return
        common.grid_saved("settings_headcount")


def backup_download() -> None:
    st.subheader(t("Backup"))
    st.caption(t("A consistent copy of the whole database: every import, setting and saved mapping. To restore it, "
                 "stop the app and scheduled imports, put the file in place of {file}, and start the app again.",
                 file=fmt.plain(common.db_path().name)))
    make_copy, file_name = common.backup_download()
    st.download_button(t("Download database backup"), make_copy, file_name=file_name, mime="application/octet-stream",
                       key="settings_backup", on_click="ignore", icon=":material/backup:")


with common.user_errors():
    stage_editor()
with common.user_errors():
    thresholds()
with common.user_errors():
    currency_editor()
with common.user_errors():
    headcount_editor()
with common.user_errors():
    calls_section.team_settings()
with common.user_errors():
    backup_download()

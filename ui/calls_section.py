"""The "Forecast calls" section of the Forecast page, and the sales-teams section of the Settings page.

Layout only: every number comes from ``analytics.sales.calls`` (through ``common.fetch``), every write goes
through ``common.write`` or ``analytics.ingest.calls``; codes from analytics are worded here.
"""
from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from analytics.ingest import calls as call_files
from analytics.sales import calls, deals, teams
from analytics.store.calls import CALL_TEXTS, FIELD_NAMES, CallError
from ui import common, fmt, uploader
from ui.i18n import t

LEVEL_LABELS = {"owner": "Owner", "team": "Team (manager's call)"}
ROLLUP_LABELS = {
    "name": "Owner or team", "manager": "Manager", "commit_amount": "Commit", "best_case": "Best case",
    "submitted_on": "Submitted on", "owners_commit": "Owners' commits", "owners_best_case": "Owners' best cases",
    "model_forecast": "Model forecast", "won_amount": "Won", "open_count": "Open deals", "status": "This week",
}
ACCURACY_LABELS = {
    "owner": "Owner", "periods": "Periods", "call_error": "Call error (call − won)",
    "call_abs_pct_error": "Call absolute % error", "model_error": "Model error (model − won)",
    "model_abs_pct_error": "Model absolute % error",
}
HISTORY_LABELS = {"level": "Level", "name": "Owner or team", "period": "Period", "commit_amount": "Commit",
                  "best_case": "Best case", "submitted_on": "Submitted on", "week_of": "Week of", "source": "Source"}
FIELD_LABELS = {FIELD_NAMES[0]: "commit", FIELD_NAMES[1]: "best case"}
TEAM_SOURCE_LABELS = {
    "settings": "Teams come from the owner → team table in Settings.",
    "attribute": "Teams come from the deals' column “{attribute}” (each owner in the team most of their deals "
                 "carry); an owner → team table in Settings takes precedence.",
}
PERCENT = ("call_abs_pct_error", "model_abs_pct_error")


def worded(code: str, values: dict) -> str:
    """A refused call (or file row) in the reader's language, from analytics' code and values."""
    shown = {}
    for key, value in values.items():
        if key == "field":
            shown[key] = t(FIELD_LABELS.get(value, value))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            shown[key] = fmt.number(value, 2 if float(value) % 1 else 0)
        else:
            shown[key] = fmt.plain(value)
    return t(CALL_TEXTS[code], **shown)


def render() -> None:
    """The whole section: entry form, roll-up with the not-submitted marks, accuracy, file upload, history."""
    st.subheader(t("Forecast calls"))
    st.caption(t("Each owner, and each manager for a team, calls a commit and a best case per period. Every "
                 "submission is kept; the latest one counts. The model's forecast is beside each call."))
    currency = common.fetch(deals.reporting_currency).code
    choices = common.fetch(calls.period_choices, today=dt.date.today())
    period = st.selectbox(t("Period"), choices, key="forecast_calls_period", format_func=fmt.period)
    entry_form(choices.index(period))
    rollup_table(period, currency)
    accuracy_table(currency)
    upload()
    with st.expander(t("Every submission")):
        history = common.fetch(calls.call_history, period)
        show(history.assign(level=[t(LEVEL_LABELS[v]) for v in history["level"]]), HISTORY_LABELS, currency,
             "forecast_calls_history")


def entry_form(period_index: int) -> None:
    with st.expander(t("Enter a call"), icon=":material/edit_note:"):
        words = {code: t(label) for code, label in LEVEL_LABELS.items()}  # worded in this run (see team_column)
        level = st.radio(t("Call by"), list(LEVEL_LABELS), format_func=words.__getitem__, horizontal=True,
                         key="forecast_calls_level")
        owners = common.fetch(deals.filter_choices).get("owner", [])
        names = owners if level == "owner" else sorted(set(common.fetch(teams.owner_teams)[0]["team"]))
        with st.form("forecast_calls_form", clear_on_submit=False):
            left, mid = st.columns(2)
            name = left.selectbox(t("Owner or team"), names, index=None, accept_new_options=True,
                                  key="forecast_calls_name", placeholder=t("Choose or type a name"))
            period = mid.selectbox(t("Period"), common.fetch(calls.period_choices, today=dt.date.today()),
                                   format_func=fmt.period,
                                   index=period_index, accept_new_options=True, key="forecast_calls_form_period",
                                   help=t("A month (2026-12) or a quarter (2026-Q4)."))
            left, mid = st.columns(2)
            commit = left.number_input(t("Commit"), min_value=0.0, step=1000.0, key="forecast_calls_commit",
                                       help=t("What you are confident to win in the period."))
            best = mid.number_input(t("Best case"), min_value=0.0, step=1000.0, key="forecast_calls_best",
                                    help=t("What you could win if the likely upside comes in (at least the "
                                           "commit)."))
            if st.form_submit_button(t("Submit the call"), type="primary", icon=":material/send:"):
                submit(level, name, period, commit, best)


def submit(level: str, name: str | None, period: str | None, commit: float, best: float) -> None:
    try:
        call = common.write(calls.submit_call, level, name, period, commit, best, dt.date.today())
    except CallError as exc:
        st.error(worded(exc.code, exc.values), icon=":material/block:")
        return
    st.toast(t("Call saved for {name}, {period}.", name=call.name, period=fmt.period(call.period)))


def rollup_table(period: str, currency: str | None) -> None:
    rollup = common.fetch(calls.call_rollup, period, today=dt.date.today())
    table = rollup.table
    if table.empty:
        st.info(t("No owner has deals or a call for {period}.", period=fmt.period(period)), icon=":material/groups:")
        return
    late = table[table["not_submitted"]]
    if len(late):
        st.warning(t("No call this week (from {week}) from: {names}.", week=fmt.date(rollup.week_of),
                     names=", ".join(fmt.plain(t("Team {team}", team=r.name) if r.level == "team" else r.name)
                                     for r in late.itertuples())), icon=":material/schedule:")
    shown = table.assign(
        name=[t("Team {team}", team=r.name) if r.level == "team" else f"  {r.name}" for r in table.itertuples()],
        status=[t("Not submitted") if missing else "" for missing in table["not_submitted"]])
    columns = ["name", "manager", "commit_amount", "best_case", "submitted_on", "owners_commit", "owners_best_case",
               "model_forecast", "won_amount", "open_count", "status"]
    if not rollup.is_over:
        columns.remove("won_amount")
    if table["manager"].isna().all():
        columns.remove("manager")
    show(shown[columns], ROLLUP_LABELS, currency, "forecast_calls_rollup")
    notes = [t(TEAM_SOURCE_LABELS[rollup.team_source], attribute=fmt.plain(rollup.team_attribute or ""))
             if rollup.team_source else t("No team yet: enter an owner → team table in Settings, or import deals "
                                          "with a team column.")]
    notes.append(t("Model forecast = won + expected from open deals of the owner, as of {day}.",
                   day=fmt.date(rollup.model_as_of)) if rollup.model_as_of else t("No deal snapshot for the model."))
    if rollup.is_over:
        notes.append(t("The period is over: Won is what the deals closed in it brought."))
    st.caption(" ".join(notes))


def accuracy_table(currency: str | None) -> None:
    st.markdown(f"**{t('Call accuracy')}**")
    table = common.fetch(calls.call_accuracy)
    if table.empty:
        st.info(t("Call accuracy appears once a period that was called is over."), icon=":material/history:")
        return
    show(table, ACCURACY_LABELS, currency, "forecast_calls_accuracy")
    st.caption(t("Per owner, over the periods that are over: the call is the commit of the latest submission "
                 "before the period ended; the model is the forecast as of the snapshot before that submission. "
                 "Absolute % error = |call − won| ÷ won, undefined (left out) when nothing was won."))


def upload() -> None:
    with st.expander(t("Import calls from a file"), icon=":material/upload_file:"):
        st.caption(t("CSV or Excel with the columns owner (or team), period, commit, best case and date, in English "
                     "or French; `;` and decimal commas are read."))
        file = uploader.file_uploader(t("Calls file"), ["csv", "txt", "xlsx", "xls", "ods"], "forecast_calls_file")
        if file is None or not st.button(t("Import the calls"), key="forecast_calls_import", type="primary"):
            return
        try:
            result = call_files.import_calls(file.getvalue(), file.name, common.db_path())
        except call_files.CallsRejected as exc:
            reason = t(call_files.FILE_TEXTS[exc.code], **{k: fmt.plain(v) for k, v in exc.values.items()})
            st.error(t("The file was not imported: {reason}", reason=reason), icon=":material/block:")
            return
        st.success(t("{n} calls imported, {skipped} already there, {rejected} rows rejected.",
                     n=fmt.number(result.imported), skipped=fmt.number(result.skipped),
                     rejected=fmt.number(len(result.rejected))))
        if result.rejected:
            st.dataframe(pd.DataFrame({t("Row"): [row for row, _, _ in result.rejected],
                                       t("Reason"): [worded(code, values) for _, code, values in result.rejected]}),
                         hide_index=True, placeholder=fmt.MISSING)


def show(table: pd.DataFrame, labels: dict[str, str], currency: str | None, key: str) -> None:
    """A table with translated headers, periods by name, amounts in the currency, % columns as percentages (all
    through ui.fmt), and its downloads (raw numbers, translated headers)."""
    kinds = {column: "rate" if column in PERCENT else "money" for column in table.columns
             if column in PERCENT or pd.api.types.is_float_dtype(table[column])}
    headers = {column: t(label) for column, label in labels.items()}
    shown = fmt.table(table, {"period": "period", "submitted_on": "date", "week_of": "date", **kinds}, headers,
                      currency=currency)
    common.table(shown)
    common.downloads(partial(fmt.export, table, headers), key, "calls", f"{key}_dl")  # written on a click


# --- Settings page ----------------------------------------------------------------------------------------

TEAM_COLUMN_LABELS = {"owner": "Owner", "team": "Team", "manager": "Manager"}


def team_settings() -> None:
    """The owner → team / manager table, and the deal column teams come from when the table is empty."""
    st.subheader(t("Sales teams"))
    st.caption(t("Forecast calls roll up by team. Enter each owner's team and its manager here; while this table "
                 "is empty, teams come from a deal column."))
    saves = common.grid_saves("settings_teams", t("Teams saved."))
    owners = common.fetch(deals.filter_choices).get("owner", [])
    edited = st.data_editor(
        common.fetch(teams.get_teams), num_rows="dynamic", hide_index=True, width="stretch",
        key=f"settings_teams_{saves}",
        column_config={"owner": st.column_config.SelectboxColumn(t("Owner"), options=owners, required=True),
                       "team": st.column_config.TextColumn(t("Team"), required=True),
                       "manager": st.column_config.TextColumn(t("Manager"))}, placeholder=fmt.MISSING)
    if st.button(t("Save teams"), key="settings_save_teams", type="primary"):
        try:
            common.write(teams.save_teams, edited)
        except teams.TeamTableError as exc:
            st.error(t(teams.TEAM_TEXTS[exc.code], **{k: fmt.plain(v) for k, v in exc.values.items()}),
                     icon=":material/block:")
            return
        common.grid_saved("settings_teams")
    team_column()


def team_column() -> None:
    spec = next(s for s in common.setting_specs() if s.name == "team_attribute")
    current = str(common.settings().get("team_attribute") or "")
    options = ["", *common.fetch(teams.team_attribute_choices)]
    if current not in options:
        options.append(current)
    # Worded in this run: a format_func calling t() later (AppTest, another thread) would word in another language.
    words = {value: value or t("Automatic") for value in options}
    picked = st.selectbox(t(spec.label), options, index=options.index(current), key="settings_team_attribute",
                          help=t(spec.help), format_func=words.__getitem__)
    if picked != current and st.button(t("Save the team column"), key="settings_save_team_attribute"):
        common.save_settings({"team_attribute": picked})
        st.rerun()

"""Settings page: stage order, probabilities and won/lost per pipeline; thresholds; currency and rates; backup."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.ingest import stage_config
from ui import auth, common, fmt
from ui.i18n import t

auth.require_permission("settings")  # access control (ui/auth.py): admins only, backup included
st.title(t("Settings"))
st.caption(t("Changes are saved in the database and every page uses them at once."))


def stage_editor() -> None:
    st.subheader(t("Stages per pipeline"))
    stages = common.fetch(stage_config.stage_table)
    if stages.empty:
        st.info(t("Import a deals export first: its stages appear here."))
        return
    pipeline = st.selectbox(t("Pipeline"), sorted(stages["pipeline"].unique()), key="settings_pipeline")
    table = stages[stages["pipeline"] == pipeline][["stage", "probability", "outcome"]].reset_index(drop=True)
    st.caption(t("Rows are in stage order; change the Order column to reorder them."))
    table.insert(0, "order", range(1, len(table) + 1))
    edited = st.data_editor(
        table, hide_index=True, width="stretch", num_rows="fixed", key=f"settings_stages_{pipeline}",
        column_config={
            "order": st.column_config.NumberColumn(t("Order"), min_value=1, step=1),
            "stage": st.column_config.TextColumn(t("Stage"), disabled=True),
            "probability": st.column_config.NumberColumn(t("Probability"), min_value=0.0, max_value=1.0,
                                                         step=0.05, format="percent"),
            "outcome": st.column_config.SelectboxColumn(t("Outcome"), options=["open", "won", "lost"],
                                                        required=True),
        })
    if st.button(t("Save stages"), key="settings_save_stages", type="primary"):
        ordered = edited.sort_values(["order"], kind="stable").drop(columns="order")
        try:
            common.write(stage_config.save_stage_table, pipeline, ordered)
        except ValueError as exc:
            st.error(str(exc))
            return
        st.success(t("Stages saved."))
        st.rerun()


def thresholds() -> None:
    st.subheader(t("Thresholds"))
    current = common.settings()
    with st.form("settings_thresholds"):
        values = {}
        for setting in common.setting_specs():
            if setting.name == "reporting_currency":
                continue
            label, help_text = t(setting.label), t(setting.help)
            if setting.choices:
                values[setting.name] = st.selectbox(label, setting.choices, help=help_text,
                                                    index=setting.choices.index(current[setting.name]))
            elif isinstance(setting.default, int):
                values[setting.name] = st.number_input(label, min_value=int(setting.minimum or 0), step=1,
                                                       value=int(current[setting.name]), help=help_text)
            else:
                values[setting.name] = st.number_input(label, min_value=float(setting.minimum or 0),
                                                       value=float(current[setting.name]), help=help_text)
        if st.form_submit_button(t("Save thresholds"), type="primary"):
            save_thresholds(values)


def save_thresholds(values: dict) -> None:
    try:
        common.save_settings(values)
    except ValueError as exc:
        st.error(str(exc))
        return
    st.success(t("Settings saved."))


def currency_editor() -> None:
    st.subheader(t("Currency"))
    current = common.settings()
    rates = common.fx_rates()
    code = st.text_input(t("Reporting currency (ISO code, e.g. EUR)"), value=str(current["reporting_currency"]),
                         key="settings_currency", help=t(next(s.help for s in common.setting_specs() if s.name == "reporting_currency")))
    st.caption(t("Rates: how many units of the reporting currency one unit of each currency is worth."))
    frame = pd.DataFrame({"currency": list(rates), "rate": list(rates.values())}) if rates else \
        pd.DataFrame({"currency": pd.Series(dtype="str"), "rate": pd.Series(dtype="float")})
    edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, key="settings_rates",
                            column_config={"currency": st.column_config.TextColumn(t("Currency")),
                                           "rate": st.column_config.NumberColumn(t("Rate"), min_value=0.0,
                                                                                 format="%.6f")})
    if st.button(t("Save currency and rates"), key="settings_save_currency", type="primary"):
        clean = edited.dropna()
        rates = dict(zip(clean["currency"], clean["rate"], strict=True))
        try:
            common.save_currency(code, rates)
        except ValueError as exc:
            st.error(str(exc))
            return
        st.success(t("Currency saved."))


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
    backup_download()

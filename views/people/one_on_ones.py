"""1:1 meetings page: who is overdue, days since each employee's last 1:1, intervals per manager."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics.people import one_on_ones
from ui import auth, common, fmt
from ui.charts import people as charts
from ui.i18n import t

auth.require_permission("hr")  # defence in depth: the navigation already hides it from others
st.title(t("1:1 meetings"))
st.caption(t("How regularly managers meet each person in their team: days since the last 1:1, the usual "
             "interval between meetings and who is overdue."))


def days(value: float | None) -> str:
    if fmt.missing(value):
        return fmt.MISSING
    return t("{days} days", days=fmt.number(value, 1 if value % 1 else 0))


def kpis(report: dict) -> None:
    cadence = report["cadence_days"]
    first, second, third, fourth = st.columns(4)
    first.metric(t("Employees"), fmt.number(report["employees"]), border=True,
                 help=t("Employees with at least one 1:1 up to the as-of date."))
    second.metric(t("Overdue"), fmt.number(report["overdue"]), border=True,
                  help=t("Employees whose last 1:1 is more than {days} days before the as-of date.", days=cadence))
    third.metric(t("Median interval"), days(report["median_interval_days"]), border=True,
                 help=t("Median of the days between consecutive 1:1s of the same employee."))
    fourth.metric(t("As of"), fmt.date(dt.date.fromisoformat(report["as_of"])), border=True,
                  help=t("The export date of the latest 1:1 log imported; days are counted up to this date."))
    st.caption(t("Cadence: a 1:1 at least every {days} days (change it on the Settings page).", days=cadence))


def cadence_frame(cadence: pd.DataFrame) -> pd.DataFrame:
    """One row per (manager, employee) with translated headers; dates stay dates, days stay numbers."""
    return pd.DataFrame({
        t("Manager"): cadence["manager"], t("Employee"): cadence["employee"],
        t("Last 1:1"): pd.to_datetime(cadence["last_met_on"]).dt.date,
        t("Days since"): cadence["days_since_last"].astype(int), t("Meetings"): cadence["meetings"].astype(int),
        t("Median interval (days)"): cadence["median_interval_days"].astype(float),
        t("Overdue"): cadence["overdue"].astype(bool)})


def table_kinds() -> dict[str, str | None]:
    """How each column of the 1:1 tables is worded (headers in the reader's language)."""
    return {t("Manager"): "text", t("Employee"): "text", t("Last 1:1"): "date", t("Days since"): "count",
            t("Meetings"): "count", t("Median interval (days)"): "days:1", t("Employees"): "count",
            t("Intervals"): "count", t("Overdue"): None}


def on_screen(table: pd.DataFrame, overdue_count: bool = False) -> fmt.Table:
    """The table worded by ui.fmt (dates without time, 38,5 days in French); the download keeps numbers."""
    kinds = table_kinds()
    if overdue_count:  # per manager, Overdue counts employees; per employee it is a tick
        kinds[t("Overdue")] = "count"
    shown = fmt.table(table, kinds)
    config = {**shown.column_config}
    if t("Overdue") in config and not overdue_count:
        config[t("Overdue")] = st.column_config.CheckboxColumn(t("Overdue"),
                                                               help=t("More than the cadence since the last 1:1."))
    if t("Intervals") in config:
        config[t("Intervals")] = {**config[t("Intervals")],
                                  "help": t("Gaps between two consecutive 1:1s of an employee.")}
    return shown._replace(column_config=config)


def cadence_section(cadence: pd.DataFrame) -> None:
    st.subheader(t("Cadence per employee"))
    everyone = st.checkbox(t("Include former managers"), key="one_on_ones_all_pairs",
                           help=t("An employee who changed manager also appears with the previous one."))
    shown = cadence if everyone else cadence[cadence["is_current"]]
    table = cadence_frame(shown)
    shown = on_screen(table)
    common.table(shown, height=360)
    common.downloads(table, "one_on_ones_cadence", t("Cadence"), "one_on_ones_cadence")


def overdue_section(cadence: pd.DataFrame, cadence_days: int) -> None:
    st.subheader(t("Overdue"))
    late = cadence[cadence["is_current"] & cadence["overdue"]].drop_duplicates("employee")
    if late.empty:
        st.success(t("Nobody is overdue: everyone had a 1:1 in the last {days} days.", days=cadence_days))
        return
    table = cadence_frame(late).drop(columns=[t("Overdue")])
    shown = on_screen(table)
    st.dataframe(shown.frame, hide_index=True, width="stretch", column_config=shown.column_config,
                 height=35 * (min(len(table), 20) + 1) + 3, placeholder=fmt.MISSING)
    common.downloads(table, "one_on_ones_overdue", t("Overdue"), "one_on_ones_overdue")


def manager_section(cadence_days: int) -> None:
    st.subheader(t("Per manager"))
    managers = common.fetch(one_on_ones.median_interval_by_manager)
    monthly = common.fetch(one_on_ones.meetings_per_month)
    left, right = st.columns(2)
    left.plotly_chart(charts.interval_by_manager(managers, cadence_days), width="stretch",
                      key="one_on_ones_interval_chart")
    right.plotly_chart(charts.meetings_per_month(monthly), width="stretch", key="one_on_ones_monthly_chart")
    table = pd.DataFrame({
        t("Manager"): managers["manager"], t("Employees"): managers["employees"].astype(int),
        t("Meetings"): managers["meetings"].astype(int), t("Intervals"): managers["intervals"].astype(int),
        t("Median interval (days)"): managers["median_interval_days"].astype(float),
        t("Overdue"): managers["overdue"].astype(int)})
    shown = on_screen(table, overdue_count=True)
    common.table(shown)
    common.downloads(table, "one_on_ones_managers", t("Managers"), "one_on_ones_managers")


report = common.fetch(one_on_ones.one_on_ones_report)
if report is None:
    st.info(t("No 1:1 meetings imported yet. Import a meeting log (manager, employee, date) on the Import page."),
            icon=":material/info:")
    st.stop()
kpis(report)
cadence = common.fetch(one_on_ones.cadence_by_employee)
cadence_section(cadence)
overdue_section(cadence, report["cadence_days"])
manager_section(report["cadence_days"])

"""Scorecards page: per owner over a window of dates, deals created, win rates, average won deal, cycle, slips,
stale share, forecast accuracy and the pipeline needed for the next quota. Every number comes from
analytics/sales/scorecards.py; ui/scorecards.py words its codes and columns."""
from __future__ import annotations

import streamlit as st

from analytics.sales import deals
from analytics.sales import scorecards as sc
from ui import auth, common, fmt
from ui import scorecards as cards
from ui.charts import scorecards as charts_scorecards
from ui.filters import deal_filters, stop_without_deals
from ui.i18n import t

auth.require_permission("sales")  # defence in depth: the navigation already hides it from others
st.title(t("Scorecards"))
st.caption(t("How each owner did over a window of dates: deals created, win rates, cycle, slipped close dates, "
             "stale deals, forecast accuracy and the pipeline the next quota needs."))

flt, _, _ = deal_filters("scorecards", period=False)
stop_without_deals()

latest = common.fetch(deals.latest_snapshot_on)
default_from, default_to = sc.default_window(latest)
window = st.date_input(t("Window"), value=(default_from, default_to), key="scorecards_window",
                       format=fmt.date_input_format(),
                       help=t("Default: the last {n} complete months before the latest snapshot.",
                              n=sc.DEFAULT_MONTHS))
if len(window) < 2:
    st.info(t("Pick the last day of the window."))
    st.stop()

result = common.fetch(sc.scorecards, date_from=window[0], date_to=window[1], flt=flt)
currency = common.fetch(deals.reporting_currency).code
table = result.table
if table.empty:
    st.info(t("No owner has a deal created, closed or open in this window."))
    st.stop()

st.caption(t("From {start} to {end}; stale deals as of the latest snapshot ({as_of}); quotas of {periods}.",
             start=fmt.date(result.window_from), end=fmt.date(result.window_to), as_of=fmt.date(result.as_of),
             periods=", ".join(fmt.period(p) for p in result.next_periods)))
st.plotly_chart(charts_scorecards.win_rate_vs_created(table, currency), width="stretch")
left, right = st.columns([3, 1])
sort_labels = {column: t(cards.COLUMN_LABELS[column]) for column in cards.SORTABLE}  # worded once per run
sort_column = left.selectbox(t("Sort by"), cards.SORTABLE, index=0, format_func=sort_labels.get,
                             key="scorecards_sort")
descending = right.toggle(t("Descending"), value=False, key="scorecards_descending")
shown = cards.formatted(cards.sorted_by(table, sort_column, descending), currency)
common.table(shown, key="scorecards_table")
if table["note"].notna().any():
    st.caption(t("Few closed deals: fewer than {n} deals closed in the window, too few to compare rates.",
                 n=result.min_closed))
if result.snapshots_in_window == 0:
    st.caption(t("No snapshot is dated in this window: slipped close dates are seen from one snapshot to the next, "
                 "so the slip rate is empty."))
common.downloads(cards.export_table(table), "scorecards", "scorecards", "scorecards_dl")

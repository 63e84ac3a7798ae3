"""Pipeline page: KPIs with their change since the last snapshot, funnel, stage velocity, open pipeline,
owners and hygiene lists. Every number comes from analytics/ and respects the sidebar filters."""
from __future__ import annotations

from functools import partial

import streamlit as st

from analytics.reports import exports
from analytics.reports import weekly_review as review
from analytics.sales import deals, funnel, inventory, loss_reasons
from analytics.sales import kpis as performance
from analytics.sales import stage_time as velocity
from ui import auth, common, fmt, reasons, sales_tables
from ui.charts import sales as charts_sales
from ui.filters import deal_filters, stop_without_deals
from ui.i18n import language, set_language, t

auth.require_permission("sales")  # defence in depth: the navigation already hides it from others
st.title(t("Pipeline"))
st.caption(t("Where the deals are, how they convert, how fast they move, and which ones need attention."))


def weekly_review_button() -> None:
    """One click: the weekly pipeline review workbook (KPIs, funnel, movement, forecast, hygiene lists), written
    when the button is clicked (at a million deals it takes minutes, never spent on a page view)."""
    st.download_button(t("Weekly pipeline review (Excel)"), partial(weekly_review_bytes, flt, language()),
                       "weekly_pipeline_review.xlsx",
                       exports.XLSX_MIME, key="pipeline_weekly_review", on_click="ignore",
                       icon=":material/summarize:", type="primary",
                       help=t("KPIs, funnel, movement, forecast and hygiene lists, one sheet each, "
                              "for the filters chosen in the sidebar."))


def weekly_review_bytes(chosen: deals.DealFilter, lang: str) -> bytes:
    """Written on click, maybe outside this script run: the reasons are worded in the page's language."""
    set_language(lang)
    with common.connection() as con:
        return review.weekly_review(con, chosen, reason_text=reasons.hygiene_reason) or b""


KPI_HELP = {
    "open": "Sum of the amounts of deals whose current status is open.",
    "weighted": "Sum over open deals of amount × win probability (exported, else the stage's configured one).",
    "win_rate": "Won ÷ (won + lost) for deals closed in the period, by count.",
    "avg": "Mean amount of the deals won in the period.",
    "cycle": "Median days from created to closed for deals won in the period.",
    "velocity": "Open deals × win rate × average won deal ÷ mean sales cycle: revenue the pipeline makes per day.",
}


def kpi_row() -> str | None:
    deltas = common.fetch(performance.kpi_deltas, **period)
    k, c = deltas.current, deltas.changes
    money = lambda v: fmt.money_short(v, k.currency)  # noqa: E731
    cells = st.columns(6)
    change = lambda name, kind, good="up": fmt.kpi_delta(c[name], kind, good, k.currency)  # noqa: E731
    unknown = k.open_count > 0 and k.open_unknown_amount == k.open_count  # no open deal has an amount: not 0
    cells[0].metric(t("Open pipeline"), fmt.MISSING if unknown else money(k.open_amount),
                    **({} if unknown else change("open_amount", "money")),
                    help=t(KPI_HELP["open"]) + " " + t("{n} deals.", n=fmt.number(k.open_count)))
    cells[1].metric(t("Weighted pipeline"), fmt.MISSING if unknown else money(k.weighted_amount),
                    **({} if unknown else change("weighted_amount", "money")), help=t(KPI_HELP["weighted"]))
    cells[2].metric(t("Win rate"), fmt.pct(k.win_rate), **change("win_rate", "rate"),
                    help=t(KPI_HELP["win_rate"]))
    cells[3].metric(t("Average won deal"), money(k.avg_won_amount), **change("avg_won_amount", "money"),
                    help=t(KPI_HELP["avg"]))
    cells[4].metric(t("Sales cycle"), t("{n} days", n=fmt.number(k.sales_cycle_days_median)),
                    **change("sales_cycle_days_median", "days", "down"), help=t(KPI_HELP["cycle"]))
    cells[5].metric(t("Velocity per day"), money(k.pipeline_velocity_per_day),
                    **change("pipeline_velocity_per_day", "money"), help=t(KPI_HELP["velocity"]))
    if deltas.previous is not None:
        st.caption(t("Changes since the snapshot of {date}.", date=fmt.date(deltas.previous.as_of)))
    if k.excluded_other_currency:
        st.caption(t("{n} deals in another currency are left out of the amounts: set a reporting currency and "
                     "rates in Settings.", n=fmt.number(k.excluded_other_currency)))
    if unknown:
        st.caption(t("None of the {n} open deals has an amount, so the open pipeline's value is unknown (—). If "
                     "the export has another amount column, map it on the Import page.", n=fmt.number(k.open_count)))
    said = k.open_unknown_amount if unknown else 0   # the sentence above already names these
    if k.unknown_amount > said:  # METRICS.md 1: a blank amount is counted but left out of value sums, with a warning
        st.caption(t("{n} deals have no amount: they are counted, but left out of the amounts.",
                     n=fmt.number(k.unknown_amount)))
    return k.currency


def funnel_section(currency: str | None) -> None:
    st.subheader(t("Funnel"))
    main = common.fetch(funnel.main_pipeline, **period)
    pipelines = common.fetch(deals.filter_choices)["pipeline"]
    left, mid, right = st.columns([2, 1, 2])
    chosen = left.selectbox(t("Pipeline"), pipelines, key="pipeline_funnel_pipeline",
                            index=pipelines.index(main) if main in pipelines else 0)
    by_value = mid.radio(t("Show"), [t("Count"), t("Value")], horizontal=True, key="pipeline_funnel_measure") \
        == t("Value")
    strict = right.toggle(t("Strict funnel"), key="pipeline_funnel_strict",
                          help=t("Strict: a deal counts at a stage only if it passed every earlier stage in order "
                                 "(known entry dates). Otherwise skipped stages count as passed."))
    table = common.fetch(funnel.funnel, chosen, strict=strict, **period)
    gaps = common.fetch(funnel.cohort_gaps, chosen, **period)
    if table.empty or gaps["in_cohort"] == 0:
        if gaps["deals"] and gaps["no_created_date"] == gaps["deals"]:
            st.info(t("The funnel follows deals from their creation date, and none of the {n} deals of this "
                      "pipeline has one. Map a creation date column on the Import page (the import names the "
                      "columns that could be one).", n=fmt.number(gaps["deals"])), icon=":material/info:")
        else:
            st.info(t("No deal created in this period."))
        return
    st.plotly_chart(charts_sales.funnel_chart(table, by_value, currency), width="stretch")
    common.downloads(on_click(download_table(table)), "funnel", t("Funnel"), "pipeline_dl_funnel")
    st.caption(t("Cohort: deals created in the period. A stage counts every deal that reached it or a later one."))


def velocity_section() -> list[str]:
    st.subheader(t("Stage velocity"))
    chosen = st.session_state.get("pipeline_funnel_pipeline")
    boxes = common.fetch(velocity.days_in_stage_summary, chosen, **period)
    order = list(common.fetch(funnel.funnel, chosen, strict=False, **period)["stage"])  # funnel_section's key
    if boxes.empty:
        st.info(t("No stage entry dates yet: they come from 'Date entered' columns or from weekly snapshots."))
        return order
    st.plotly_chart(charts_sales.stage_days_chart(boxes, order), width="stretch")
    common.downloads(on_click(download_table(boxes)), "days_in_stage", t("Days in stage"), "pipeline_dl_days")
    if boxes["inferred"].any():
        st.caption(t("Some entry dates are inferred from weekly snapshots: their precision is the interval "
                     "between snapshots."))
    age = common.fetch(velocity.age_in_stage, chosen, flt=flt)
    with st.expander(t("Age in current stage (open deals)")):
        shown_rows(age.sort_values("age_days", ascending=False, na_position="last"), "age_in_stage")
    return order


def shown_rows(table, name: str, worded=None) -> None:
    """A long list: its first rows on the page (``common.shown_head``), every row in the downloads. ``worded`` (a
    table in, the table with its codes worded out, e.g. ``reasons.with_reasons``) words the shown rows now and every
    row only when a download is clicked: a sentence per row of a million-deal list cost seconds on every first view."""
    worded = worded or (lambda frame: frame)
    head = worded(common.shown_head(table))
    labels = {column: t(COLUMN_LABELS.get(column, column)) for column in head.columns}
    shown = fmt.table(head, COLUMN_KINDS, labels, currency=currency_of(table))
    common.table(shown, wide=("reason",))
    common.downloads(partial(whole_list, table, worded, labels, language()), name, name[:31], f"pipeline_dl_{name}")


def whole_list(table, worded, labels: dict[str, str], lang: str):
    """Every row of a list for its downloads, worded in the page's language (written on click, maybe outside this
    script run)."""
    set_language(lang)
    return fmt.export(worded(table), labels)


def currency_of(table) -> str | None:
    """The one currency of a deal list's amounts, else None (amounts then shown as plain numbers)."""
    found = table["currency"].dropna().unique() if "currency" in table else ()
    return found[0] if len(found) == 1 else None


COLUMN_LABELS = {
    "deal_id": "Deal id", "name": "Name", "owner": "Owner", "pipeline": "Pipeline", "stage": "Stage",
    "position": "Order", "amount": "Amount", "currency": "Currency", "close_on": "Close date",
    "entered_on": "Entered stage on", "age_days": "Days in stage", "inferred": "Date inferred from snapshots",
    "last_change_on": "Last change", "days_unchanged": "Days without change", "days_past_due": "Days past due",
    "snapshot_on": "Snapshot on",
    "value": "Amount (reporting currency)", "owner_median": "Owner's median", "ratio_to_median": "× median",
    "reason": "Reason",
}
# headers of the downloads' other columns (the files keep raw numbers)
DOWNLOAD_LABELS = {
    "reached": "Deals that reached the stage", "reached_amount": "Amount that reached the stage",
    "conversion_to_next": "Conversion to next stage", "cumulative_conversion": "Conversion from the first stage",
    "stays": "Stays in the stage", "q1": "First quartile (days)", "median": "Median (days)",
    "q3": "Third quartile (days)", "lower_fence": "Lower whisker (days)", "upper_fence": "Upper whisker (days)",
    "close_month": "Close month", "count": "Deals", "weighted": "Weighted pipeline",
    "configured_probability": "Configured probability", "historical_probability": "Historical probability",
    "closed_reached": "Closed deals that reached it", "won_reached": "Won deals that reached it",
    "valued": "Open deals with a known amount",
}


def on_click(table):
    """A download's table (headers already in the reader's language), its files written only when a button is
    clicked: a workbook for each of this page's tables cost seconds on every first view."""
    return lambda: table


def download_table(table):
    """A table for the downloads: raw numbers, dates without time, headers in the reader's language."""
    labels = {**COLUMN_LABELS, **DOWNLOAD_LABELS}
    return fmt.export(table, {column: t(labels[column]) for column in table.columns if column in labels})


COLUMN_KINDS = {"position": "count", "amount": "money", "close_on": "date", "entered_on": "date", "age_days": "days",
                "last_change_on": "date", "days_unchanged": "days", "days_past_due": "days", "snapshot_on": "date",
                "value": "money", "owner_median": "money", "ratio_to_median": "number"}


def inventory_section(currency: str | None, order: list[str]) -> None:
    st.subheader(t("Open pipeline"))
    table = common.fetch(inventory.open_inventory, flt=flt, by=("stage", "close_month"))
    if table.empty:
        st.info(t("No open deal."))
        return
    full_order = order + sorted(set(table["stage"]) - set(order))
    st.plotly_chart(charts_sales.inventory_heatmap(table, full_order, currency), width="stretch")
    common.downloads(on_click(download_table(table)), "open_pipeline", t("Open pipeline"), "pipeline_dl_open")


def owners_section(currency: str | None) -> None:
    st.subheader(t("Owner leaderboard"))
    rates = common.fetch(performance.win_rates, by="owner", **period).rename(columns={"group": "owner"})
    open_by_owner = common.fetch(inventory.open_inventory, flt=flt, by="owner").rename(
        columns={"amount": "open_amount", "count": "open_deals", "weighted": "weighted_amount"})
    board = sales_tables.owner_board(rates, open_by_owner)
    st.plotly_chart(charts_sales.owner_bars(board, currency), width="stretch")
    shown = board[["owner", "open_deals", "open_amount", "weighted_amount", "won", "lost", "win_rate",
                   "avg_won_amount", "sales_cycle_days_median"]]
    labels = {"owner": t("Owner"), "open_deals": t("Open deals"), "open_amount": t("Open pipeline"),
              "weighted_amount": t("Weighted pipeline"), "won": t("Won"), "lost": t("Lost"), "win_rate": t("Win rate"),
              "avg_won_amount": t("Average won deal"), "sales_cycle_days_median": t("Cycle (median days)")}
    table = fmt.table(shown, {"open_deals": "count", "open_amount": "money", "weighted_amount": "money",
                              "won": "count", "lost": "count", "win_rate": "rate", "avg_won_amount": "money",
                              "sales_cycle_days_median": "days"}, labels, currency=currency)
    common.table(table)
    common.downloads(on_click(fmt.export(shown, labels)), "owners", t("Owners"), "pipeline_dl_owners")


def loss_reasons_section(currency: str | None) -> None:
    """Lost deals by the export's loss reason; nothing when no import mapped a loss-reason column."""
    found = common.fetch(loss_reasons.loss_reasons, **period)
    if found is None:
        return
    st.subheader(t("Loss reasons"))
    if found.lost_count == 0:
        st.info(t("No deal lost in this period."))
        return
    st.plotly_chart(charts_sales.loss_reasons_chart(found.by_quarter, currency), width="stretch")
    table = found.by_reason.assign(reason=found.by_reason["reason"].map(charts_sales.loss_reason_label))
    labels = {"reason": t("Reason"), "deals": t("Lost deals"), "value": t("Lost value"),
              "share": t("Share of lost deals"), "value_share": t("Share of lost value"),
              "top_stage": t("Most often lost at"), "top_stage_deals": t("Deals lost there")}
    shown = fmt.table(table, {"deals": "count", "value": "money", "share": "rate", "value_share": "rate",
                              "top_stage_deals": "count"}, labels, currency=currency)
    common.table(shown)
    st.caption(t("Lost deals closed in the period, by the reason the export gives. Stage lost at = the deal's last "
                 "open stage: its current stage when the export keeps it, else the last 'Date entered' or "
                 "stage-history date, else the last snapshot that showed it open (weekly precision)."))
    common.downloads(fmt.export(table, labels), "loss_reasons", t("Loss reasons"), "pipeline_dl_loss_reasons",
                     more_sheets={"stages": found.by_stage, "quarters": found.by_quarter, "deals": found.deals})


HYGIENE_LABELS = {"stale": "Stale", "past_due": "Past due", "missing": "Missing amount or close date",
                  "outliers": "Unusual amount"}


def hygiene_section() -> None:
    st.subheader(t("Pipeline hygiene"))
    hygiene_lists(flt)


@st.fragment
def hygiene_lists(chosen: deals.DealFilter) -> None:
    """The four lists, one tab each, the open tab's list alone drawn: choosing another tab reruns only this part, which
    draws that one (its rows are cached). At a million deals each list shows 500 rows, and wording and sending all
    four took a quarter of the page's first view."""
    lists = common.fetch(inventory.hygiene, flt=chosen)
    tabs = st.tabs([f"{t(HYGIENE_LABELS[name])} ({fmt.number(len(lists[name]))})" for name in HYGIENE_LABELS],
                   key="pipeline_hygiene_tab", on_change="rerun")
    for tab, name in zip(tabs, HYGIENE_LABELS, strict=True):
        if not tab.open:
            continue
        with tab:
            if lists[name].empty:
                st.success(t("Nothing to fix here."))
                continue
            shown_rows(lists[name], f"hygiene_{name}", reasons.with_reasons)


def calibration_section() -> None:
    chosen = st.session_state.get("pipeline_funnel_pipeline")
    table = common.fetch(inventory.calibration, chosen, flt=flt)
    with st.expander(t("Stage probability: configured vs historical (calibration)")):
        if table.empty:
            st.info(t("No closed deal yet."))
            return
        st.plotly_chart(charts_sales.calibration_chart(table), width="stretch")
        common.downloads(on_click(download_table(table)), "calibration", "calibration", "pipeline_dl_calibration")
        st.caption(t("Historical probability of a stage = won deals that reached it ÷ closed deals that reached it."))


# The filters and the sections below read through one connection, closed when the page is drawn (the sections
# read flt and period).
with common.shared_reads():
    flt, date_from, date_to = deal_filters("pipeline")
    period = {"flt": flt, "date_from": date_from, "date_to": date_to}
    stop_without_deals()
    common.fetch_ahead(inventory.hygiene, flt=flt)  # read on the second core while the sections above it are drawn
    currency = kpi_row()
    weekly_review_button()
    funnel_section(currency)
    stage_order = velocity_section()
    inventory_section(currency, stage_order)
    owners_section(currency)
    loss_reasons_section(currency)
    hygiene_section()
    calibration_section()

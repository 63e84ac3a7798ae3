"""Pipeline movement page: how the open pipeline went from one snapshot to another (waterfall through the
movement buckets), the deals behind each bucket, close dates pushed, and the pipeline at each snapshot."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.sales import deals, movement
from ui import auth, common, filters, fmt
from ui.charts import movement as charts_movement
from ui.i18n import t

auth.require_permission("sales")  # defence in depth: the navigation already hides it from others
st.title(t("Pipeline movement"))
st.caption(t("What changed between two weekly exports: deals won, lost, added, dropped, advanced, moved back or "
             "slipped, and how the open pipeline went from one total to the other."))


def snapshot_pickers() -> tuple:
    left, right, _ = st.columns([1, 1, 2])
    start = left.selectbox(t("From snapshot"), dates, index=len(dates) - 2, format_func=fmt.date,
                           key="movement_from")
    end = right.selectbox(t("To snapshot"), dates, index=len(dates) - 1, format_func=fmt.date, key="movement_to")
    if start >= end:
        st.warning(t("Pick a 'from' snapshot older than the 'to' snapshot."), icon=":material/swap_horiz:")
        st.stop()
    return start, end


def kpi_row(mv: movement.Movement) -> None:
    money = lambda v: fmt.money_short(v, mv.currency)  # noqa: E731
    cells = st.columns([1.4, 1.4, 1, 1, 1, 1])
    cells[0].metric(t("Open on {date}", date=fmt.date(mv.date_from)), money(mv.open_amount_from),
                    help=t("{n} deals.", n=fmt.number(mv.open_count_from)))
    cells[1].metric(t("Open on {date}", date=fmt.date(mv.date_to)), money(mv.open_amount_to),
                    **fmt.kpi_delta(mv.open_amount_to - mv.open_amount_from, "money", currency=mv.currency),
                    help=t("{n} deals.", n=fmt.number(mv.open_count_to)))
    for cell, bucket in zip(cells[2:], ("new", "won", "lost", "dropped"), strict=True):
        cell.metric(charts_movement.bucket_label(bucket), fmt.number(mv.counts[bucket]),
                    help=t(BUCKET_HELP[bucket]))


BUCKET_HELP = {
    "won": "Deals won by the second snapshot. Amount: their open value at the first snapshot.",
    "lost": "Deals lost by the second snapshot. Amount: their open value at the first snapshot.",
    "new": "Open deals not in the first snapshot (created, imported or reopened since). Amount: value now.",
    "dropped": "Open deals absent from the second export (deleted or moved out of it).",
    "advanced": "Open in both, now at a later stage. Amount: net change of their value.",
    "moved_back": "Open in both, now at an earlier stage. Amount: net change of their value.",
    "slipped": "Same stage, expected close date pushed later. Amount: net change of their value.",
    "amount_changed": "Same stage and close date, amount changed. Amount: net change of their value.",
    "unchanged": "Same stage, close date not later, same amount.",
}


def waterfall_section(mv: movement.Movement) -> str | None:
    """The waterfall; returns the bucket of a clicked bar (None when no bucket bar is selected)."""
    event = st.plotly_chart(charts_movement.waterfall_chart(mv), width="stretch", on_select="rerun",
                            selection_mode="points", key="movement_waterfall")
    st.caption(t("Open pipeline + new − won − lost − dropped ± changes of the deals open in both = open pipeline. "
                 "The axis starts near the lowest level, not at zero. Click a bar to list its deals."))
    keys = charts_movement.waterfall_keys()
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        index = point.get("point_index", point.get("point_number"))
        if index is not None and 0 < index < len(keys) - 1:
            return keys[index]
    return None


def deals_section(mv: movement.Movement, clicked: str | None) -> None:
    st.subheader(t("Deals behind a bucket"))
    if clicked and clicked != st.session_state.get("movement_last_click"):
        st.session_state["movement_bucket"] = clicked
    st.session_state["movement_last_click"] = clicked
    if st.session_state.get("movement_bucket") not in movement.BUCKETS:
        st.session_state["movement_bucket"] = next((b for b in movement.BUCKETS if mv.counts[b]), "won")
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    bucket = left.selectbox(t("Bucket"), movement.BUCKETS, key="movement_bucket",
                            format_func=lambda b: f"{charts_movement.bucket_label(b)} ({fmt.number(mv.counts[b])})")
    right.caption(t(BUCKET_HELP[bucket]))
    table = mv.deals_in(bucket).drop(columns="bucket")
    if table.empty:
        st.info(t("No deal in this bucket."))
        return
    show_deals(table, DEAL_ORDER, deal_columns(mv), mv.currency)
    common.downloads(table, f"movement_{mv.date_from}_{mv.date_to}_{bucket}", bucket, f"movement_dl_{bucket}",
                     more_sheets={"all": mv.deals})


DEAL_ORDER = ["name", "owner", "pipeline", "stage_from", "stage_to", "change", "value_from", "value_to",
              "close_on_from", "close_on_to", "days_pushed", "amount_from", "amount_to", "currency", "deal_id"]


def deal_columns(mv: movement.Movement) -> dict[str, str]:
    """The deal lists' headers in the reader's words."""
    currency = mv.currency or "—"
    return {
        "deal_id": t("Deal id"), "name": t("Deal"), "owner": t("Owner"), "pipeline": t("Pipeline"),
        "stage_from": t("Stage on {date}", date=fmt.date(mv.date_from)),
        "stage_to": t("Stage on {date}", date=fmt.date(mv.date_to)),
        "close_on_from": t("Close date before"), "close_on_to": t("Close date after"), "days_pushed": t("Days pushed"),
        "amount_from": t("Amount before"), "amount_to": t("Amount after"), "currency": t("Currency"),
        "value_from": t("Open value before ({currency})", currency=currency),
        "value_to": t("Value after ({currency})", currency=currency), "change": t("Change to open pipeline"),
    }


# Amounts in the deal's own currency (its currency column beside) are plain numbers; values in the reporting one.
DEAL_KINDS = {"close_on_from": "date", "close_on_to": "date", "first_close_on": "date", "close_on": "date",
              "days_pushed": "days", "days_moved": "days", "stages_skipped": "count", "pushes": "count",
              "snapshots": "count", "amount_from": "number:0", "amount_to": "number:0", "amount": "number:0",
              "value_from": "money", "value_to": "money", "change": "money", "amount_change": "money",
              "open_deals": "count", "pushed_deals": "count", "push_rate": "rate", "avg_days_per_push": "days"}


def show_deals(table: pd.DataFrame, order: list[str], labels: dict[str, str], currency: str | None,
               kinds: dict[str, str] | None = None) -> None:
    """A deal list's columns in ``order`` (those it has), worded by fmt (``kinds`` over DEAL_KINDS): its first
    rows (``common.shown_head``: at 1M deals a bucket holds tens of thousands), every row in the downloads."""
    columns = [c for c in order if c in table.columns]
    shown = fmt.table(common.shown_head(table)[columns], {**DEAL_KINDS, **(kinds or {})}, labels, currency=currency)
    common.table(shown)


REASON_HELP = {
    "pulled_in": "Expected close date moved earlier (for a deal won or lost since: it closed before its expected "
                 "date). Amount: net change of their value.",
    "pushed_out": "Expected close date moved later. Amount: net change of their value.",
    "amount_up": "Value went up. Amount: the sum of the increases.",
    "amount_down": "Value went down. Amount: the sum of the decreases.",
    "owner_changed": "Another owner now. Amount: net change of their value.",
    "forecast_category_changed": "Another forecast category now. Amount: net change of their value.",
    "skipped_stages": "Open in both and moved up more than one stage of the configured order. Amount: net change "
                      "of their value.",
}


def reasons_section(mv: movement.Movement) -> None:
    """Reasons per deal present in both snapshots (several per deal), and the deals of the chosen reason."""
    st.subheader(t("Why deals moved"))
    table = mv.reasons()
    event = st.plotly_chart(charts_movement.reasons_chart(table, mv.currency), width="stretch", on_select="rerun",
                            selection_mode="points", key="movement_reasons_chart")
    st.caption(t("For the deals in both snapshots (including those won or lost since). A deal can have several "
                 "reasons, so these counts do not add up to the buckets above. Click a bar to list its deals."))
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    indexes = [p.get("point_index", p.get("point_number")) for p in points]
    clicked = next((table["reason"].iloc[i] for i in indexes if i is not None and 0 <= i < len(table)), None)
    if clicked and clicked != st.session_state.get("movement_reason_last_click"):
        st.session_state["movement_reason"] = clicked
    st.session_state["movement_reason_last_click"] = clicked
    counts = dict(zip(table["reason"], table["deals"], strict=True))
    if st.session_state.get("movement_reason") not in counts:
        st.session_state["movement_reason"] = next((r for r, n in counts.items() if n), table["reason"].iloc[0])
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    reason = left.selectbox(t("Reason"), list(counts), key="movement_reason",
                            format_func=lambda r: f"{charts_movement.reason_label(r)} ({fmt.number(counts[r])})")
    right.caption(t(REASON_HELP[reason]))
    deals_of = mv.deals_for_reason(reason)
    if deals_of.empty:
        st.info(t("No deal has this reason."))
    else:
        labels = {b: charts_movement.bucket_label(b) for b in movement.BUCKETS}  # worded once each, not per deal
        shown = deals_of.assign(bucket=deals_of["bucket"].map(labels))
        show_deals(shown, REASON_ORDER, reason_columns(mv), mv.currency)
    common.downloads(deals_of, f"movement_reasons_{mv.date_from}_{mv.date_to}_{reason}", reason,
                     f"movement_dl_reason_{reason}", more_sheets={"reasons": table, "all": mv.reason_deals})


REASON_ORDER = ["name", "owner_from", "owner", "bucket", "stage_from", "stage_to", "stages_skipped", "close_on_from",
                "close_on_to", "days_moved", "forecast_category_from", "forecast_category_to", "value_from",
                "value_to", "amount_change", "deal_id"]


def reason_columns(mv: movement.Movement) -> dict[str, str]:
    return {**deal_columns(mv),
            "owner_from": t("Owner before"), "owner": t("Owner"),
            "bucket": t("Bucket"), "stages_skipped": t("Stages skipped"), "days_moved": t("Days moved"),
            "forecast_category_from": t("Forecast category before"),
            "forecast_category_to": t("Forecast category after"),
            "value_from": t("Value before ({currency})", currency=mv.currency or "—"),
            "amount_change": t("Amount change")}


SLIP_ORDER = ["name", "owner", "stage", "amount", "first_close_on", "close_on", "pushes", "days_pushed"]


def slips_section(end, currency: str | None) -> None:
    st.subheader(t("Slipped close dates"))
    st.caption(t("Open deals on {date} whose expected close date was pushed later from one snapshot to the next.",
                 date=fmt.date(end)))
    table = common.fetch(movement.slips, flt=flt, as_of=end)
    leaders = table[table["pushes"] > 0].head(15)
    if leaders.empty:
        st.success(t("No close date was pushed."))
    else:
        show_deals(leaders, SLIP_ORDER, {
            "deal_id": t("Deal id"), "name": t("Deal"), "owner": t("Owner"), "pipeline": t("Pipeline"),
            "stage": t("Stage"), "amount": t("Amount"), "close_on": t("Close date"),
            "first_close_on": t("First close date"), "pushes": t("Pushes"), "days_pushed": t("Days pushed"),
            "snapshots": t("Snapshots")}, currency, kinds={"amount": "money"})  # slips' amount: the reporting value
    owners = movement.push_rates_of(table)   # the owners' rates from the table above: not read twice
    if not owners.empty:
        left, right = st.columns([1, 1])
        left.plotly_chart(charts_movement.push_rate_chart(owners), width="stretch")
        with right:
            show_deals(owners, list(owners.columns), {
                "owner": t("Owner"), "open_deals": t("Open deals"), "pushed_deals": t("Deals pushed"),
                "push_rate": t("Push rate"), "pushes": t("Pushes"), "days_pushed": t("Days pushed"),
                "avg_days_per_push": t("Days per push")}, None)
        right.caption(t("Push rate = share of the owner's open deals whose close date was pushed at least once."))
    common.downloads(table, f"slipped_close_dates_{end}", "slips", "movement_dl_slips",
                     more_sheets={"owners": owners})


def trend_section(currency: str | None) -> None:
    st.subheader(t("Pipeline at each snapshot"))
    measures = list(charts_movement.MEASURE_LABELS)
    measure = st.segmented_control(t("Show"), measures, default=measures[0], key="movement_trend_measure",
                                   format_func=lambda m: t(charts_movement.MEASURE_LABELS[m])) or measures[0]
    per_stage = common.fetch(movement.trend, flt=flt)
    if per_stage.empty:
        st.info(t("No open deal."))
        return
    st.plotly_chart(charts_movement.trend_chart(per_stage, measure, currency), width="stretch")
    st.caption(t("New pipeline = deals of the “new” bucket since the previous snapshot. Snapshots are compared at "
                 "their dates: what happens in between is seen only in the next export, and stage entry dates "
                 "inferred from snapshots (exports without 'Date entered' columns or a stage history) have the "
                 "precision of the interval between snapshots: {days} days here.",
                 days=fmt.number(common.fetch(movement.snapshot_interval_days))))
    common.downloads(per_stage, "pipeline_trend", "trend", "movement_dl_trend")


def main() -> None:
    start, end = snapshot_pickers()
    common.fetch_ahead(movement.slips, flt=flt, as_of=end)   # read while the movement is computed and drawn
    common.fetch_ahead(movement.trend, flt=flt)
    mv = common.fetch(movement.movement, start, end, flt=flt)
    kpi_row(mv)
    clicked = waterfall_section(mv)
    deals_section(mv, clicked)
    reasons_section(mv)
    slips_section(end, mv.currency)
    trend_section(mv.currency)


# The filters, the snapshot dates and the sections read through one connection, closed when the page is drawn (the
# sections read flt and dates).
with common.shared_reads():
    flt, _, _ = filters.deal_filters("movement", period=False)
    dates = common.fetch(deals.snapshot_dates)
    if len(dates) < 2:
        st.info(t("Pipeline movement compares two snapshots: import at least two weekly exports of your deals "
                  "(one file per week, dated by its file name or the snapshot date on the Import page)."))
        st.stop()
    main()

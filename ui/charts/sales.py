"""Plotly chart builders for the sales pages: DataFrame in, Figure out (no Streamlit here)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.sales.loss_reasons import NO_REASON
from ui import fmt
from ui.charts.base import PALETTE, empty, is_empty, layout, percent_axis, set_money_axis, text_colour
from ui.i18n import t


def funnel_chart(funnel: pd.DataFrame, by_value: bool, currency: str | None) -> go.Figure:
    """Funnel of deals reaching each stage (count or value), labelled with conversion to the next step."""
    title = t("Funnel by value") if by_value else t("Funnel by number of deals")
    if is_empty(funnel) or not (funnel["reached_amount"] if by_value else funnel["reached"]).fillna(0).any():
        return empty(title, t("No deal reached any stage in this period: nothing to draw."))
    values = funnel["reached_amount"] if by_value else funnel["reached"]
    labels = [
        f"{fmt.money(v, currency) if by_value else fmt.number(v)}"
        + (f" · {t('to next')} {fmt.pct(c)}" if pd.notna(c) else "")
        for v, c in zip(values, funnel["conversion_to_next"], strict=True)]
    fig = go.Figure(go.Funnel(y=[t(s) if s == "Won" else s for s in funnel["stage"]], x=values, text=labels,
                              textinfo="text", marker=dict(color=PALETTE[0]),
                              hovertemplate="%{y}: %{text}<extra></extra>"))
    return layout(fig, title)


def stage_days_chart(boxes: pd.DataFrame, stage_order: list[str]) -> go.Figure:
    """Box plot of days spent in each stage (one box per stage, median line), stages in pipeline order.

    ``boxes``: one row per stage with q1, median, q3, lower_fence, upper_fence (velocity.days_in_stage_summary),
    so the chart carries five numbers per stage, not every stay."""
    if is_empty(boxes):
        return empty(t("Days in stage"), t("No stage entry dates yet: nothing to draw."))
    fig = go.Figure()
    for i, stage in enumerate(stage_order):
        row = boxes[boxes["stage"] == stage]
        if len(row):
            r = row.iloc[0]
            fig.add_trace(go.Box(x=[stage], q1=[r["q1"]], median=[r["median"]], q3=[r["q3"]],
                                 lowerfence=[r["lower_fence"]], upperfence=[r["upper_fence"]], name=stage,
                                 marker_color=PALETTE[i % len(PALETTE)], boxpoints=False, hoverinfo="skip"))
            # the box's own hover lists its five raw numbers: one worded point on the median line instead
            words = t("median {median} days · half of the stays between {q1} and {q3} days",
                      median=fmt.number(r["median"]), q1=fmt.number(r["q1"]), q3=fmt.number(r["q3"]))
            fig.add_trace(go.Scatter(x=[stage], y=[r["median"]], mode="markers", marker=dict(size=24, opacity=0),
                                     customdata=[words], hovertemplate="%{x}<br>%{customdata}<extra></extra>"))
    fig.update_layout(showlegend=False, yaxis_title=t("days in stage"))
    return layout(fig, t("Days in stage"))


def inventory_heatmap(inventory: pd.DataFrame, stage_order: list[str], currency: str | None) -> go.Figure:
    """Open amount by stage (rows, pipeline order) and expected close month (columns, named in the language).

    Each cell is labelled with its amount, white on the darker cells and dark on the lighter ones."""
    title = t("Open pipeline by stage and close month")
    if is_empty(inventory):
        return empty(title, t("No open deal in this selection: nothing to draw."))
    if not inventory["amount"].fillna(0).any():
        return empty(title, t("The open deals in this selection have no amount: nothing to draw."))
    no_date = t("no date")
    grid = inventory.assign(close_month=inventory["close_month"].fillna(no_date)).pivot_table(
        index="stage", columns="close_month", values="amount", aggfunc="sum").reindex(
        [s for s in stage_order if s in set(inventory["stage"])])
    months = [fmt.month(m) if m != no_date else m for m in grid.columns]
    text = grid.map(lambda v: "" if pd.isna(v) else fmt.money(v, currency))
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=months, y=list(grid.index), text=text.to_numpy(),
                               colorscale="Blues", showscale=False, xgap=1, ygap=1,
                               hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>"))
    top = float(grid.max().max()) if grid.notna().any().any() else 0.0
    # one label per filled cell, the words already made for the hover; set at once (add_annotation per cell
    # validates the whole layout each time)
    labels = [dict(x=month, y=stage, text=words, showarrow=False,
                   font=dict(size=11, color=text_colour(value / top if top > 0 else 0)))
              for stage, row, row_words in zip(grid.index, grid.to_numpy(), text.to_numpy(), strict=True)
              for month, value, words in zip(months, row, row_words, strict=True) if pd.notna(value)]
    fig.update_layout(annotations=labels,
                      xaxis=dict(title=t("expected close month"), type="category", tickangle=0),
                      yaxis=dict(type="category", autorange="reversed"))
    return layout(fig, title, height=max(300, 46 * len(grid.index) + 140))


def owner_bars(owners: pd.DataFrame, currency: str | None) -> go.Figure:
    """Open pipeline and won amount per owner, side by side (legend above the bars, never over the names); a
    series that is zero for every owner is left out."""
    if is_empty(owners):
        return empty(t("Owners"), t("No deal owner in this selection: nothing to draw."))
    series = [(column, name, colour) for column, name, colour in (("open_amount", t("open pipeline"), PALETTE[0]),
                                                                   ("won_amount", t("won in period"), PALETTE[1]))
              if owners[column].fillna(0).any()] or [("open_amount", t("open pipeline"), PALETTE[0])]
    # a series with no amount at all (e.g. open deals exported without amounts) has no bar: no legend entry either
    fig = go.Figure([go.Bar(x=owners["owner"], y=owners[column], name=name, marker_color=colour,
                            text=[fmt.money(v, currency) for v in owners[column]], textposition="none")
                     for column, name, colour in series])
    fig.update_traces(hovertemplate="%{x}<br>%{text}<extra></extra>")
    # one series left still says what its bars are (Plotly shows no legend for a single trace)
    fig.update_layout(barmode="group", showlegend=True)
    return layout(set_money_axis(fig, "y", currency), t("Owners"))


def calibration_chart(calibration: pd.DataFrame) -> go.Figure:
    """Configured vs historical win probability per stage."""
    if is_empty(calibration):
        return empty(t("Stage probability: configured vs historical"), t("No closed deal yet: nothing to compare."))
    fig = go.Figure([
        go.Bar(x=calibration["stage"], y=calibration[column], name=name, marker_color=colour,
               customdata=[fmt.pct(v) for v in calibration[column]],
               hovertemplate="%{x} · " + name + ": %{customdata}<extra></extra>")
        for column, name, colour in (("configured_probability", t("configured"), PALETTE[5]),
                                     ("historical_probability", t("historical"), PALETTE[0]))])
    fig.update_layout(barmode="group", yaxis=dict(**percent_axis(), range=[0, 1]))
    return layout(fig, t("Stage probability: configured vs historical"))


def loss_reason_label(reason: object) -> str:
    """A loss reason as the export wrote it; the blank-reason code in the current language."""
    return t("(no reason given)") if reason == NO_REASON else str(reason)


def loss_reasons_chart(by_quarter: pd.DataFrame, currency: str | None) -> go.Figure:
    """Lost deals per quarter of their close date, one stacked bar segment per loss reason (``LossReasons.by_quarter``:
    quarter, reason, deals, value); the hover gives the lost value."""
    if is_empty(by_quarter):
        return empty(t("Lost deals by reason, per quarter"), t("No lost deal in this selection: nothing to draw."))
    fig = go.Figure()
    quarters = sorted(by_quarter["quarter"].unique())
    named = [fmt.period(q) for q in quarters]  # Q4 2026 / T4 2026
    for i, reason in enumerate(dict.fromkeys(by_quarter.sort_values("deals", ascending=False)["reason"])):
        rows = by_quarter[by_quarter["reason"] == reason].set_index("quarter").reindex(quarters)
        name = loss_reason_label(reason)
        fig.add_trace(go.Bar(x=named, y=rows["deals"].fillna(0), name=name,
                             marker_color="#94A3B8" if reason == NO_REASON else PALETTE[i % len(PALETTE)],
                             customdata=["" if pd.isna(n) else t("{n} deals", n=fmt.number(n)) + " · "
                                         + fmt.money(v, currency) for n, v in zip(rows["deals"], rows["value"],
                                                                                 strict=True)],
                             hovertemplate=f"{name}: %{{customdata}}<extra></extra>", textposition="none"))
    fig.update_layout(barmode="stack", xaxis=dict(type="category", title=t("Quarter of the close date"),
                                                  categoryorder="array", categoryarray=named),
                      yaxis_title=t("Lost deals"), hovermode="x unified")
    return layout(fig, t("Lost deals by reason, per quarter"), height=380)

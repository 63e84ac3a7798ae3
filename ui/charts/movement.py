"""Plotly chart builders for the Pipeline movement page: analytics results in, Figure out (no Streamlit here)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.sales.movement import BUCKETS, Movement
from analytics.sales.movement_reasons import REASONS
from ui import fmt
from ui.charts.base import PALETTE, empty, is_empty, layout, money_axis, percent_axis, set_money_axis
from ui.i18n import t

BUCKET_LABELS = {"won": "Won", "lost": "Lost", "new": "New", "dropped": "Dropped", "advanced": "Advanced",
                 "moved_back": "Moved back", "slipped": "Slipped", "amount_changed": "Amount changed",
                 "unchanged": "Unchanged"}
REASON_LABELS = {"pulled_in": "Pulled in", "pushed_out": "Pushed out", "amount_up": "Amount up",
                 "amount_down": "Amount down", "owner_changed": "Owner changed",
                 "forecast_category_changed": "Forecast category changed", "skipped_stages": "Skipped stages"}
MEASURE_LABELS = {"open_amount": "Open pipeline", "weighted_amount": "Weighted pipeline",
                  "new_amount": "New pipeline"}
UP, DOWN, TOTAL = "#14B8A6", "#F59E0B", PALETTE[0]


def bucket_label(bucket: str) -> str:
    """The bucket's name in the current language."""
    return t(BUCKET_LABELS[bucket])


def reason_label(reason: str) -> str:
    """The movement reason's name in the current language."""
    return t(REASON_LABELS[reason])


def waterfall_keys() -> list[str]:
    """What each waterfall bar stands for, in bar order: the two open totals around the buckets."""
    return ["open_from", *BUCKETS, "open_to"]


def _signed_money(value: float, currency: str | None) -> str:
    return ("+" if value >= 0 else "−") + fmt.money_short(abs(value), currency)


def waterfall_chart(mv: Movement) -> go.Figure:
    """Open pipeline at A, each bucket's effect on it (new +, won/lost/dropped −, changes ±), open pipeline at B.

    One Waterfall trace; y[0] = open amount at A and y[-1] = open amount at B (the "total" bar, which
    Plotly also computes from the steps: the two agree because the buckets reconcile).
    """
    cur = mv.currency
    steps = mv.steps()
    x = [f"{t('Open pipeline')}<br>{fmt.date(mv.date_from)}", *(bucket_label(b) for b, _ in steps),
         f"{t('Open pipeline')}<br>{fmt.date(mv.date_to)}"]
    y = [mv.open_amount_from, *(v for _, v in steps), mv.open_amount_to]
    counts = [mv.open_count_from, *(mv.counts[b] for b, _ in steps), mv.open_count_to]
    amounts = [fmt.money_short(mv.open_amount_from, cur), *(_signed_money(v, cur) for _, v in steps),
               fmt.money_short(mv.open_amount_to, cur)]
    deals = [t("{n} deals", n=fmt.number(n)) for n in counts]
    text = [f"{a}<br>{d}" for a, d in zip(amounts, deals, strict=True)]
    hover = [f"{fmt.money(v, cur)}<br>{d}" for v, d in zip(y, deals, strict=True)]
    fig = go.Figure(go.Waterfall(
        x=x, y=y, measure=["absolute", *["relative"] * len(steps), "total"], text=text, textposition="outside",
        customdata=hover, hovertemplate="%{x}<br>%{customdata}<extra></extra>", cliponaxis=False,
        increasing=dict(marker=dict(color=UP)), decreasing=dict(marker=dict(color=DOWN)),
        totals=dict(marker=dict(color=TOTAL)), connector=dict(line=dict(color="#CBD5E1", width=1))))
    shown = _axis_range(_levels(y))  # zoomed on the levels reached: ticks over that range only
    fig.update_layout(showlegend=False, yaxis=dict(range=shown, **money_axis(shown, cur, zero=False)),
                      clickmode="event+select")
    return layout(fig, t("From {start} to {end}", start=fmt.date(mv.date_from), end=fmt.date(mv.date_to)),
                  height=440)


def _levels(y: list[float]) -> list[float]:
    """Every level the waterfall reaches: the open amount at A, after each step, and at B."""
    levels = [y[0]]
    for value in y[1:-1]:
        levels.append(levels[-1] + value)
    return [*levels, y[-1]]


def _axis_range(levels: list[float]) -> list[float]:
    """A y axis starting near the lowest level (not at zero) so the steps are visible, with room for labels."""
    low, high = min(levels), max(levels)
    pad = (high - low) * 0.35 or abs(high) * 0.05 or 1.0
    return [max(0.0, low - pad) if low >= 0 else low - pad, high + pad]


def trend_chart(per_stage: pd.DataFrame, measure: str, currency: str | None) -> go.Figure:
    """Stacked area of one measure (open, weighted or new pipeline) per stage over the snapshot dates."""
    title = t("{measure} by stage at each snapshot", measure=t(MEASURE_LABELS[measure]))
    data = per_stage.dropna(subset=[measure]) if not is_empty(per_stage) else per_stage
    if is_empty(data):
        return empty(title, t("Fewer than two snapshots: no trend to draw yet."))
    several = data["pipeline"].nunique() > 1
    fig = go.Figure()
    order = data.sort_values(["pipeline", "position"])[["pipeline", "stage"]].drop_duplicates()
    dates = sorted(data["snapshot_on"].unique())
    shown_dates = [fmt.date(pd.Timestamp(d).date()) for d in dates]  # in the language: 27/11/2026, Nov 27, 2026
    for i, (pipeline, stage) in enumerate(order.itertuples(index=False)):
        rows = data[(data["pipeline"] == pipeline) & (data["stage"] == stage)].set_index("snapshot_on")
        values = rows[measure].reindex(dates).fillna(0.0)
        labels = shown_dates
        name = f"{stage} ({pipeline})" if several else stage
        fig.add_trace(go.Scatter(
            x=labels, y=values, name=name, stackgroup="stages", mode="lines",
            line=dict(width=0.5, color=PALETTE[i % len(PALETTE)]),
            text=[fmt.money(v, currency) for v in values],
            hovertemplate=f"{name}: %{{text}}<extra></extra>"))
    fig.update_layout(hovermode="x unified", xaxis=dict(type="category", categoryorder="array",
                                                        categoryarray=shown_dates))
    return layout(set_money_axis(fig, "y", currency), title, height=420)


def push_rate_chart(owners: pd.DataFrame) -> go.Figure:
    """Share of each owner's open deals whose close date was pushed at least once (bars, most pushed on top)."""
    if is_empty(owners):
        return empty(t("Close dates pushed, by owner"), t("No open deal in this selection: nothing to draw."))
    data = owners.sort_values("push_rate")
    labels = [t("{pushed} of {total} deals · {pushes} pushes", pushed=fmt.number(p), total=fmt.number(n),
                pushes=fmt.number(k))
              for p, n, k in zip(data["pushed_deals"], data["open_deals"], data["pushes"], strict=True)]
    fig = go.Figure(go.Bar(x=data["push_rate"], y=data["owner"], orientation="h", marker_color=PALETTE[2],
                           text=[fmt.pct(v) for v in data["push_rate"]], textposition="outside", customdata=labels,
                           hovertemplate="%{y}: %{text}<br>%{customdata}<extra></extra>", cliponaxis=False))
    top = float(data["push_rate"].max() or 0.0)
    right = min(1.0, top * 1.35) or 1.0
    fig.update_layout(xaxis=dict(range=[0, right], **percent_axis(right)), showlegend=False)
    return layout(fig, t("Close dates pushed, by owner"), height=max(260, 50 * len(data) + 100))


def reasons_chart(table: pd.DataFrame, currency: str | None) -> go.Figure:
    """Deals per movement reason (``Movement.reasons()``): one horizontal bar per reason, in REASONS order from the
    top (bar i is reason i of ``table``), labelled with its deals and the sum of their amount change."""
    if is_empty(table):
        return empty(t("Why deals moved"), t("No deal moved between these snapshots: nothing to draw."))
    labels = [reason_label(r) for r in table["reason"]]
    text = [t("{n} deals", n=fmt.number(n)) + " · " + _signed_money(v, currency)
            for n, v in zip(table["deals"], table["amount_change"], strict=True)]
    fig = go.Figure(go.Bar(x=table["deals"], y=labels, orientation="h", marker_color=PALETTE[1], text=text,
                           textposition="outside", cliponaxis=False, customdata=list(table["reason"]),
                           hovertemplate="%{y}: %{text}<extra></extra>"))
    top = float(table["deals"].max() or 0)
    fig.update_layout(showlegend=False, clickmode="event+select",
                      yaxis=dict(autorange="reversed", categoryorder="array", categoryarray=labels),
                      xaxis=dict(range=[0, top * 1.6 or 1.0], title=t("Deals")))
    return layout(fig, t("Why deals moved"), height=max(280, 42 * len(REASONS) + 100))

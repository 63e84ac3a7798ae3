"""Chart builders for the Scorecards page: DataFrame in, Figure out (no Streamlit here)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui import fmt
from ui.charts.base import PALETTE, empty, is_empty, layout, percent_axis, set_money_axis
from ui.i18n import t

NAMED_POINTS = 8  # up to this many owners, every point carries its name; more, only the outliers (see below)


def win_rate_vs_created(table: pd.DataFrame, currency: str | None) -> go.Figure:
    """One point per owner: pipeline created in the window (x) against win rate by count (y); owners marked
    ``few_closed_deals`` are hollow grey points (their rate rests on few deals). Owners without a win rate are
    left out of the chart (they stay in the table). With more than NAMED_POINTS owners the names would pile up on
    each other: only the three largest creators and the two highest and two lowest win rates are named on the
    chart; every point names its owner in the hover."""
    rated = table[table["win_rate"].notna()] if not is_empty(table) else table
    if is_empty(rated):
        return empty(t("Win rate against pipeline created, per owner"),
                     t("No owner closed a deal in the window: no win rate to draw."))
    named, below = set(rated["owner"]), set()
    if len(rated) > NAMED_POINTS:
        by_rate = rated.sort_values("win_rate")["owner"].tolist()
        below = set(by_rate[:2])  # the lowest rates are named under their point, away from the cloud
        named = {*rated.nlargest(3, "pipeline_created")["owner"], *below, *by_rate[-2:]}
    # the axis zooms on the rates shown (5 points of room, within 0-100 %): a cloud of close rates spreads out
    low, high = max(0.0, float(rated["win_rate"].min()) - 0.05), min(1.0, float(rated["win_rate"].max()) + 0.05)
    fig = go.Figure()
    for few, name, color, symbol in ((False, t("owners"), PALETTE[0], "circle"),
                                     (True, t("few closed deals"), PALETTE[5], "circle-open")):
        part = rated[rated["note"].notna() == few]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["pipeline_created"], y=part["win_rate"], mode="markers+text", name=name,
            text=[o if o in named else "" for o in part["owner"]],
            textposition=["bottom center" if o in below else "top center" for o in part["owner"]],
            marker=dict(color=color, size=12, symbol=symbol, line=dict(width=2, color=color)),
            customdata=[[o, fmt.money(v, currency), fmt.pct(r)] for o, v, r in
                        zip(part["owner"], part["pipeline_created"], part["win_rate"], strict=True)],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]} · %{customdata[2]}<extra></extra>"))
    fig.update_layout(xaxis_title=t("pipeline created in the window"), yaxis_title=t("win rate"),
                      yaxis=dict(range=[low, high], **percent_axis(high, low)), xaxis=dict(rangemode="tozero"))
    return layout(set_money_axis(fig, "x", currency), t("Win rate against pipeline created, per owner"))

"""Chart builders for the Scorecards page: DataFrame in, Figure out (no Streamlit here)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui import fmt
from ui.charts.base import PALETTE, empty, is_empty, layout
from ui.i18n import t


def win_rate_vs_created(table: pd.DataFrame, currency: str | None) -> go.Figure:
    """One point per owner: pipeline created in the window (x) against win rate by count (y); owners marked
    ``few_closed_deals`` are hollow grey points (their rate rests on few deals). Owners without a win rate are
    left out of the chart (they stay in the table)."""
    rated = table[table["win_rate"].notna()] if not is_empty(table) else table
    if is_empty(rated):
        return empty(t("Win rate against pipeline created, per owner"),
                     t("No owner closed a deal in the window: no win rate to draw."))
    fig = go.Figure()
    for few, name, color, symbol in ((False, t("owners"), PALETTE[0], "circle"),
                                     (True, t("few closed deals"), PALETTE[5], "circle-open")):
        part = rated[rated["note"].notna() == few]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["pipeline_created"], y=part["win_rate"], mode="markers+text", name=name,
            text=list(part["owner"]), textposition="top center",
            marker=dict(color=color, size=12, symbol=symbol, line=dict(width=2, color=color)),
            customdata=[[fmt.money(v, currency), fmt.pct(r)] for v, r in
                        zip(part["pipeline_created"], part["win_rate"], strict=True)],
            hovertemplate="%{text}<br>%{customdata[0]} · %{customdata[1]}<extra></extra>"))
    fig.update_layout(xaxis_title=t("pipeline created in the window"), yaxis_title=t("win rate"),
                      yaxis=dict(tickformat=".0%", rangemode="tozero"), xaxis=dict(rangemode="tozero"))
    return layout(fig, t("Win rate against pipeline created, per owner"))

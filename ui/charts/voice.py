"""Charts of participation and comment themes: plain functions, a DataFrame from analytics/ in, a Plotly figure out.

Theme codes (``analytics.people.themes``) are worded here with ``t()``; suppressed rows never become a bar.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.people import participation
from ui import fmt
from ui.charts.base import PALETTE, empty, is_empty, layout, percent_axis
from ui.charts.people import wave_label
from ui.i18n import t

# Theme codes of analytics.people.themes, as the reader says them.
THEME_LABELS = {"workload": "Workload", "management": "Management", "pay": "Pay", "career": "Career",
                "tools": "Tools", "culture": "Culture", "remote work": "Remote work", "recognition": "Recognition",
                "communication": "Communication"}
FLAG_LABELS = {participation.LOW_PARTICIPATION: "Under 60 %: low participation",
               participation.OVER_HEADCOUNT: "More responses than headcount: check the headcount"}


def theme_label(code: str) -> str:
    return t(THEME_LABELS.get(code, code))


def flag_label(code: str | None) -> str:
    return t(FLAG_LABELS[code]) if code in FLAG_LABELS else ""


def theme_bars(counts: pd.DataFrame, wave_name=wave_label) -> go.Figure:
    """Comments mentioning each theme, one bar group per wave (waves in the order given)."""
    if is_empty(counts):
        return empty(t("Comment themes per wave"), t("No comment in this selection: nothing to draw."))
    fig = go.Figure()
    themes = [theme_label(c) for c in dict.fromkeys(counts["theme"])]
    for i, (wave, rows) in enumerate(counts.groupby("wave", sort=False)):
        fig.add_trace(go.Bar(x=[theme_label(c) for c in rows["theme"]], y=list(rows["comments"]),
                             name=wave_name(wave), marker_color=PALETTE[i % len(PALETTE)],
                             customdata=[fmt.number(n) for n in rows["comments"]],
                             hovertemplate="%{x}: %{customdata}<extra>" + wave_name(wave) + "</extra>"))
    layout(fig, t("Comment themes per wave"), height=360)
    fig.update_layout(barmode="group", yaxis_title=t("Comments mentioning it"))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=themes)
    return fig


def response_rates(groups: pd.DataFrame) -> go.Figure:
    """Response rate (%) per visible group, with the 60 % line under which a group is flagged."""
    shown = groups[~groups["suppressed"] & groups["response_rate"].notna()] if not is_empty(groups) else groups
    if is_empty(shown):
        return empty(t("Response rate by group"), t("No group with a headcount to compare: nothing to draw."))
    colours = ["#d6453d" if f else "#2e9e5b" for f in shown["flag"]]
    fig = go.Figure(go.Bar(x=list(shown["response_rate"].astype(float) * 100), y=list(shown["group"]),
                           orientation="h", marker_color=colours,
                           customdata=[fmt.pct(r) for r in shown["response_rate"]],
                           hovertemplate="%{y}: %{customdata}<extra></extra>"))
    fig.add_vline(x=participation.LOW_RATE * 100, line_dash="dash", line_color="#666")
    layout(fig, t("Response rate by group"), height=max(240, 32 * len(shown) + 120))
    top = max(1.0, float(shown["response_rate"].max()))  # a rate above 100 % (headcount too low) stays on the axis
    fig.update_layout(xaxis=dict(title=t("Response rate (%)"), range=[0, top * 100 * 1.02],
                                 **percent_axis(top, scale=100)), showlegend=False)
    fig.update_yaxes(type="category", autorange="reversed")
    return fig

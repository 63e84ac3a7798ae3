"""Plotly chart builders for the Priorities page: DataFrame in, Figure out (no Streamlit here)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui import fmt
from ui.charts.base import PALETTE, empty, is_empty, layout, percent_axis
from ui.i18n import t
from ui.reasons import value_label


def drivers_chart(drivers: pd.DataFrame, labels: dict[str, str], currency: str | None) -> go.Figure:
    """Win rate by attribute value: one bar per value with enough closed deals, its 95 % interval as
    whiskers, counts and average won amount in the hover, and the overall win rate as a dashed line.

    ``drivers`` = ``analytics.priorities.win_drivers`` rows; ``labels`` = attribute -> display name.
    Attributes are ordered by their value farthest from the overall rate; values by win rate. A bar reads
    "value (attribute)": the plain word first ("Referrals (Original Source Type)").
    """
    shown = drivers[drivers["enough_data"]].copy() if not is_empty(drivers) else drivers
    if is_empty(shown):
        return empty(t("Win rate by attribute"),
                     t("Too few closed deals per value of any attribute: no win rate to compare yet."))
    fig = go.Figure()
    overall = float(drivers["overall_win_rate"].iloc[0])
    reach = shown.groupby("attribute")["difference"].apply(lambda d: d.abs().max())
    order = list(reach.sort_values(ascending=False).index)
    for i, attribute in enumerate(order):
        part = shown[shown["attribute"] == attribute].sort_values("win_rate", ascending=False)
        name = labels.get(attribute, attribute)
        hover = [t("{n} closed deals, {won} won", n=fmt.number(n), won=fmt.number(w))
                 + "<br>" + t("95 % interval: {low} to {high}", low=fmt.pct(lo), high=fmt.pct(hi))
                 + "<br>" + t("Average won deal: {amount}", amount=fmt.money(avg, currency))
                 for n, w, lo, hi, avg in zip(part["closed"], part["won"], part["ci_low"], part["ci_high"],
                                              part["avg_won_amount"], strict=True)]
        fig.add_trace(go.Bar(
            y=[f"{value_label(value, attribute)} ({name})" for value in part["value"]], x=part["win_rate"],
            orientation="h", name=name,
            marker_color=PALETTE[i % len(PALETTE)], text=hover, customdata=[fmt.pct(v) for v in part["win_rate"]],
            error_x=dict(type="data", symmetric=False, array=(part["ci_high"] - part["win_rate"]).tolist(),
                         arrayminus=(part["win_rate"] - part["ci_low"]).tolist(), color="#334155", thickness=1),
            hovertemplate="<b>%{y}</b><br>" + t("Win rate") + ": %{customdata}<br>%{text}<extra></extra>",
            textposition="none"))
    fig.add_vline(x=overall, line_dash="dash", line_color="#0F172A",
                  annotation_text=t("overall {rate}", rate=fmt.pct(overall)), annotation_position="top")
    fig.update_layout(xaxis=dict(**percent_axis(), range=[0, 1], title=t("win rate of closed deals")),
                      yaxis=dict(autorange="reversed", automargin=True), bargap=0.25, showlegend=False)
    return layout(fig, t("Win rate by attribute"), height=140 + 24 * len(shown))


def reliability_chart(reliability: pd.DataFrame) -> go.Figure:
    """Predicted vs observed win rate on the held-back deals, by probability decile, for each score.

    ``reliability`` = ``Calibration.reliability`` rows (model 'drivers' | 'stage'). A perfectly calibrated
    score lies on the diagonal; marker size grows with the number of predictions in the decile.
    """
    if is_empty(reliability):
        return empty(t("Reliability on held-back deals"), t("Too few closed deals to hold some back: nothing to draw."))
    names = {"drivers": t("score with win drivers"), "stage": t("stage win rate only")}
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name=t("perfect calibration"),
                               line=dict(dash="dot", color=PALETTE[5]), hoverinfo="skip"))
    for i, model in enumerate(("drivers", "stage")):
        part = reliability[reliability["model"] == model]
        if part.empty:
            continue
        sizes = [min(28, 6 + n ** 0.5) for n in part["predictions"]]
        fig.add_trace(go.Scatter(
            x=part["predicted"], y=part["observed"], mode="lines+markers", name=names[model],
            marker=dict(size=sizes, color=PALETTE[i]), line=dict(color=PALETTE[i]),
            text=[t("{n} predictions", n=fmt.number(n)) for n in part["predictions"]],
            customdata=[[fmt.pct(p), fmt.pct(o)] for p, o in zip(part["predicted"], part["observed"], strict=True)],
            hovertemplate=names[model] + "<br>" + t("predicted") + ": %{customdata[0]}<br>" + t("observed")
            + ": %{customdata[1]}<br>%{text}<extra></extra>"))
    fig.update_layout(xaxis=dict(**percent_axis(), range=[-0.02, 1.02], title=t("predicted win probability")),
                      yaxis=dict(**percent_axis(), range=[-0.02, 1.04], title=t("share actually won")))
    return layout(fig, t("Reliability on held-back deals"), height=420)

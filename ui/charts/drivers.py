"""Key drivers of eNPS and question trends in words and charts: plain functions, analytics' frames and codes in.

The impact × score scatter draws only the questions whose driver is shown (a hidden or too small row never
becomes a point); the sentences word analytics' codes (focus areas, reasons, the chance note) in the language.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.people import drivers
from analytics.people.question_trends import ChanceNote
from ui import fmt
from ui.charts.base import empty, is_empty, layout, percent_axis
from ui.charts.people import BLUE, GREY, RED, hidden_label, wrap
from ui.i18n import t


def focus_sentence(area: drivers.FocusArea) -> str:
    """One focus area as a plain sentence."""
    if area.code == drivers.FOCUS_FEWER_THAN_HALF:
        return t("Fewer than half answer favourably to “{question}” ({favourable}), and it moves with eNPS more "
                 "than most questions (ρ = {rho}).", question=area.question, favourable=fmt.pct(area.favourable),
                 rho=fmt.number(area.rho, 2))
    return t("Only {favourable} answer favourably to “{question}”, less than to most questions, and it moves "
             "with eNPS more than most questions (ρ = {rho}).", question=area.question,
             favourable=fmt.pct(area.favourable), rho=fmt.number(area.rho, 2))


def driver_reason(reason: str | None, k: int) -> str:
    """Why a driver row shows no number: too few answers to both questions, no variation, or privacy."""
    if reason == drivers.NOT_ENOUGH_ANSWERS:
        return t("fewer than {n} answers to both this question and eNPS", n=drivers.MIN_DRIVER_ANSWERS)
    if reason == drivers.NO_VARIATION:
        return t("everyone gave the same answer")
    return hidden_label(reason, k)


def chance_sentence(note: ChanceNote) -> str:
    """The multiple-comparison note: how many changes chance alone would make look significant."""
    return t("{comparisons} comparisons at once: about {expected} would look significant by chance alone (5 %). "
             "Significant: {significant}; still significant after the Benjamini-Hochberg correction: {kept}.",
             comparisons=fmt.number(note.comparisons),
             expected=fmt.number(note.expected, 0 if note.expected >= 10 or note.expected.is_integer() else 1),
             significant=fmt.number(note.significant), kept=fmt.number(note.significant_after_correction))


def impact_score(rows: pd.DataFrame, title: str) -> go.Figure:
    """Impact (Spearman rho with its 95 % interval, y) against score (favourable %, x), one point per shown
    question; focus areas in red, non-significant ones faded, the medians of both axes dashed (focus areas sit
    left of the score median and above the impact median)."""
    shown = rows[rows["rho"].notna()] if not is_empty(rows) else rows
    if is_empty(shown):
        return empty(title, t("No question has enough answers beside an eNPS answer: nothing to draw."))
    focus = shown["focus"].fillna(False).astype(bool).tolist()
    x = [float(v) * 100 for v in shown["favourable"]]
    y = [float(v) for v in shown["rho"]]
    hover = [t("{favourable} favourable · ρ = {rho} (95 %: {low} to {high}) · {n} answers",
               favourable=fmt.pct(f / 100), rho=fmt.number(r, 2), low=fmt.number(lo, 2), high=fmt.number(hi, 2),
               n=fmt.number(n)) for f, r, lo, hi, n in zip(x, y, shown["ci_low"], shown["ci_high"], shown["n"],
                                                            strict=True)]
    # Each question is a numbered point named in the legend beside the chart: question texts written beside their
    # points overlapped as soon as two questions had close scores.
    fig = go.Figure()
    significant = shown["significant"].fillna(False).astype(bool).tolist()
    for i, (question, f, r, lo, hi, h) in enumerate(zip(shown["question"], x, y, shown["ci_low"], shown["ci_high"],
                                                        hover, strict=True)):
        fig.add_trace(go.Scatter(
            x=[f], y=[r], mode="markers+text", text=[str(i + 1)], textposition="middle center",
            textfont={"color": "white", "size": 11}, name=f"{i + 1} · {wrap(question, 40)}",
            marker={"size": 20, "color": RED if focus[i] else BLUE, "opacity": 1.0 if significant[i] else 0.45},
            error_y={"type": "data", "symmetric": False, "color": GREY, "thickness": 1,
                     "array": [float(hi) - r], "arrayminus": [r - float(lo)]},
            customdata=[f"{wrap(question, 60)}<br>{h}"], hovertemplate="%{customdata}<extra></extra>"))
    if len(shown) >= drivers.MIN_QUESTIONS_FOR_FOCUS:
        fig.add_vline(x=float(pd.Series(x).median()), line={"dash": "dash", "color": GREY},
                      annotation_text=t("median score"), annotation_position="bottom right")
        fig.add_hline(y=float(pd.Series(y).median()), line={"dash": "dash", "color": GREY},
                      annotation_text=t("median impact"), annotation_position="top left")
    layout(fig, title, height=460)
    fig.update_layout(legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top",
                              "font": {"size": 11}})
    low, high = max(0.0, min(x) - 10), min(100.0, max(x) + 10)  # zoomed on the scores, never past 0 or 100
    fig.update_xaxes(title_text=t("Favourable answers (%)"), range=[low, high],
                     **percent_axis(high / 100, low / 100, scale=100))
    fig.update_yaxes(title_text=t("Impact on eNPS (rank correlation ρ)"))
    return fig

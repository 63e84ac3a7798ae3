"""Plotly chart builders for the Forecast page: DataFrame in, Figure out (no Streamlit here)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui import fmt
from ui.charts.base import PALETTE, empty, is_empty, layout, set_money_axis
from ui.i18n import t

SCENARIO_COLOR = "#F97316"
RANGE_COLOR = "#1F2430"       # range of won + open deals
NEW_RANGE_COLOR = "#2563EB"   # range of won + open deals + deals not created yet
COMPARED_COLORS = ["#8B5CF6", "#EC4899", "#64748B", "#84CC16"]
COVERAGE_TARGET = 3.0   # the usual rule of thumb: three times the remaining quota in open pipeline


def _money_texts(values, currency: str | None) -> list[str]:
    return [fmt.money(v, currency) for v in values]


def forecast_chart(frame: pd.DataFrame, currency: str | None, *, projection: bool, scenario: bool,
                   compared: dict[str, pd.Series] | None = None) -> go.Figure:
    """Stacked bars won + expected from open deals (+ deals not created yet) per period; the P10-P90 range of won +
    open deals as error bars on their forecast and, with the projection, the wider range that adds the deals not
    created yet on forecast_with_new; the scenario (and saved scenarios compared) as lines of their totals.

    ``frame``: period, won_amount, baseline_expected, baseline_projection, p10, p90, baseline_forecast,
    forecast_with_new, p10_with_new, p90_with_new (null without history), scenario_total (and baseline_total) as
    built by the Forecast page."""
    if is_empty(frame):
        return empty(t("Forecast by period"), t("No period to forecast: no open deal and nothing won in the periods."))
    x = [fmt.period(p) for p in frame["period"]]  # Dec 2026 / déc. 2026, Q4 2026 / T4 2026
    bars = [("won_amount", t("Won"), PALETTE[1], ""), ("baseline_expected", t("Expected from open deals"),
                                                       PALETTE[0], "")]
    if projection:
        bars.append(("baseline_projection", t("Projection: deals not created yet (run rate)"), "#93C5FD", "/"))
    fig = go.Figure([go.Bar(x=x, y=frame[column], name=name, marker=dict(color=color, pattern_shape=pattern),
                            text=_money_texts(frame[column], currency), textposition="none",
                            hovertemplate="%{x} · " + name + "<br>%{text}<extra></extra>")
                     for column, name, color, pattern in bars])
    if projection and "p10_with_new" in frame and frame["p10_with_new"].notna().any():
        fig.add_trace(_range(frame, "forecast_with_new", "p10_with_new", "p90_with_new",
                             t("Likely range with deals not created yet (P10–P90)"), NEW_RANGE_COLOR, 3, 14, currency))
    fig.add_trace(_range(frame, "baseline_forecast", "p10", "p90", t("Likely range from open deals (P10–P90)"),
                         RANGE_COLOR, 1.5, 6, currency))
    if scenario:
        fig.add_trace(_total_line(x, frame["scenario_total"], t("Scenario"), SCENARIO_COLOR, "solid", currency,
                                  uid="scenario"))
    for i, (name, totals) in enumerate((compared or {}).items()):
        fig.add_trace(_total_line(x, totals, name, COMPARED_COLORS[i % len(COMPARED_COLORS)], "dash", currency,
                                  uid=f"compared-{i}"))
    fig.update_layout(barmode="stack", hovermode="closest",
                      xaxis=dict(type="category", categoryorder="array", categoryarray=x))
    fig = layout(set_money_axis(fig, "y", currency), t("Forecast by period"), height=500)  # €2.5M, 2,5 M €
    # five long entries beside a narrow chart: rows between the title and the plot, so the bars keep their width
    fig.update_layout(legend=dict(traceorder="normal", orientation="h", yanchor="bottom", y=1.02, xanchor="left",
                                  x=0), margin=dict(t=150), title=dict(y=0.98, yanchor="top"))
    return fig


def _range(frame: pd.DataFrame, center: str, low: str, high: str, name: str, color: str, thickness: float,
           width: int, currency: str | None) -> go.Scatter:
    """A P10-P90 range as an error bar around ``center``, on the periods that have one."""
    ranged = frame[frame[low].notna()]
    return go.Scatter(
        x=[fmt.period(p) for p in ranged["period"]], y=ranged[center], mode="markers", name=name,
        marker=dict(color=color, symbol="line-ew-open", size=width + 8),
        error_y=dict(type="data", symmetric=False, array=ranged[high] - ranged[center],
                     arrayminus=ranged[center] - ranged[low], color=color, thickness=thickness, width=width),
        text=[f"{fmt.money(lo, currency)} – {fmt.money(hi, currency)}" for lo, hi in zip(ranged[low], ranged[high],
                                                                                         strict=True)],
        hovertemplate="%{x} · " + name + "<br>%{text}<extra></extra>")


def _total_line(x, totals, name: str, color: str, dash: str, currency: str | None, uid: str) -> go.Scatter:
    return go.Scatter(x=x, y=totals, mode="lines+markers", name=name, uid=uid,
                      line=dict(color=color, width=3, dash=dash), marker=dict(size=8),
                      text=_money_texts(totals, currency),
                      hovertemplate="%{x} · " + name + "<br>%{text}<extra></extra>")


def coverage_gauge(coverage: float | None, title: str) -> go.Figure:
    """Pipeline coverage of the remaining quota (open amount / (quota - won)), red below 1x, green from 3x."""
    if coverage is None:
        return empty(title, t("No quota left to cover in this period: no coverage to show."))
    top = max(4.0, (coverage or 0) * 1.1)
    fig = go.Figure(go.Indicator(
        mode="gauge+number", value=coverage if coverage is not None else 0,
        number=dict(suffix="×", valueformat=".2f"),
        gauge=dict(axis=dict(range=[0, top]), bar=dict(color=PALETTE[0]),
                   steps=[dict(range=[0, 1], color="#FEE2E2"), dict(range=[1, COVERAGE_TARGET], color="#FEF3C7"),
                          dict(range=[COVERAGE_TARGET, top], color="#DCFCE7")],
                   threshold=dict(line=dict(color="#1F2430", width=3), value=COVERAGE_TARGET))))
    fig.update_layout(height=260, margin=dict(l=20, r=20, t=60, b=10), title=title,
                      separators=",\u202f" if fmt.language() == "fr" else ".,")  # 2,50× in French
    return fig


def accuracy_chart(detail: pd.DataFrame, currency: str | None) -> go.Figure:
    """Per closed month: what was won (bars) and what each past snapshot forecast for it (points)."""
    if is_empty(detail):
        return empty(t("Forecast accuracy: forecasts of past snapshots against what was won"),
                     t("No closed month has a forecast from an earlier snapshot yet: nothing to compare."))
    actual = detail.drop_duplicates("period").sort_values("period")
    named = [fmt.period(p) for p in actual["period"]]  # Nov 2026 / nov. 2026
    fig = go.Figure(go.Bar(x=named, y=actual["actual"], name=t("Won (actual)"), marker_color=PALETTE[1],
                           text=_money_texts(actual["actual"], currency), textposition="none",
                           hovertemplate="%{x} · " + t("Won (actual)") + "<br>%{text}<extra></extra>"))
    snapshot_texts = [t("Snapshot of {date}: {amount}", date=fmt.date(day), amount=fmt.money(v, currency))
                      for day, v in zip(detail["snapshot_on"], detail["forecast"], strict=True)]
    fig.add_trace(go.Scatter(x=[fmt.period(p) for p in detail["period"]], y=detail["forecast"],
                             mode="markers", name=t("Forecast at a snapshot"),
                             marker=dict(color=SCENARIO_COLOR, size=10, symbol="diamond"), text=snapshot_texts,
                             hovertemplate="%{x}<br>%{text}<extra></extra>"))
    fig.update_layout(xaxis=dict(type="category", categoryorder="array", categoryarray=named))
    return layout(set_money_axis(fig, "y", currency),
                  t("Forecast accuracy: forecasts of past snapshots against what was won"))

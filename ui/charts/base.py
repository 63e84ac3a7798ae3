"""The look every chart shares: the palette and the layout (title, height, margins, fonts), and the empty chart."""
from __future__ import annotations

import math

import plotly.graph_objects as go

from ui import fmt

PALETTE = ["#2E5BFF", "#14B8A6", "#F59E0B", "#EF4444", "#8B5CF6", "#64748B", "#EC4899", "#84CC16"]
# Lines that must be told apart at a glance (several series on one axis): hues far from each other.
DISTINCT = ["#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#17BECF"]


def layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    """The shared look: title, height, margins, white plot, number separators of the language, and a legend that
    never covers the axis labels nor the title: up to three entries on one row above the plot on the right, more
    in a column right of the plot. Call it once the traces are added."""
    entries = sum(1 for trace in fig.data if trace.showlegend is not False)
    legend = (dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0) if entries <= 3 else
              dict(orientation="v", yanchor="top", y=1.0, xanchor="left", x=1.02))
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=70, b=10),
                      plot_bgcolor="white", legend=legend,
                      separators=",\u202f" if fmt.language() == "fr" else ".,")
    return fig


def empty(title: str, message: str, height: int = 260) -> go.Figure:
    """A chart with nothing to draw: no axes, its title and one sentence saying why."""
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=14, color="#555"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(meta={"empty": True})
    return layout(fig, title, height=height)


def is_empty(frame) -> bool:
    """True when a builder's data has no row to draw (None or an empty DataFrame)."""
    return frame is None or len(frame) == 0


def text_colour(share: float) -> str:
    """Label colour readable on a cell of a light-to-dark scale: white on the darker half, dark on the lighter."""
    return "white" if share > 0.5 else "#1F2937"


def percent_axis(top: float = 1.0, low: float = 0.0, scale: float = 1.0) -> dict:
    """Ticks of an axis of fractions worded by ui.fmt (20% in English, 20 % in French; Plotly's ".0%" format
    cannot put the space), from ``low`` to ``top`` (fractions): every 20 points, or every 10, 5 or 2 on a shorter
    span. ``scale`` = 100 for an axis drawn in percentages (a bar of 41.2 for 41.2 %): the ticks sit at 20, 40…"""
    span = top - low
    step = 0.2 if span > 0.5 else 0.1 if span > 0.2 else 0.05 if span > 0.1 else 0.02
    first = math.ceil(low / step - 1e-9)
    values = [round(i * step, 2) for i in range(first, int(math.floor(top / step + 1e-9)) + 1)]
    return dict(tickmode="array", tickvals=[round(v * scale, 6) + 0.0 for v in values],
                ticktext=[fmt.pct(v) for v in values])


def money_axis(values, currency: str | None = None, zero: bool = True) -> dict:
    """Ticks of an axis of amounts worded by ui.fmt in the short form of the language (€2.5M, 100K in English;
    2,5 M €, 100 k in French: Plotly's own "2,5M" cannot put the space), every 1, 2 or 5 × a power of ten (so
    each tick reads exactly in the short form, one decimal at most) and at least 1, so that about five steps span
    the values (NaN left out) and zero (unless ``zero`` is False: an axis zoomed on a range away from zero)."""
    finite = [float(v) for v in values if v is not None and not fmt.missing(v) and math.isfinite(float(v))]
    finite = [*finite, 0.0] if zero or not finite else finite
    low, top = min(finite), max(finite)
    if top == low:
        top = low + 1.0
    raw = (top - low) / 5
    power = 10 ** math.floor(math.log10(raw))
    step = max(1.0, next(m * power for m in (1, 2, 5, 10) if m * power >= raw - 1e-9))  # whole amounts
    first, last = math.floor(low / step + 1e-9), math.ceil(top / step - 1e-9)
    ticks = [round(i * step, 6) + 0.0 for i in range(first, last + 1)]
    return dict(tickmode="array", tickvals=ticks, ticktext=[fmt.money_short(v, currency) for v in ticks])


def set_money_axis(fig: go.Figure, axis: str = "y", currency: str | None = None) -> go.Figure:
    """Word the ``axis`` ("x" or "y") of a drawn chart as amounts (``money_axis``), its ticks spanning every value
    its traces reach: stacked bars and areas summed per category, error bars' ends, and a range already set."""
    reached: list[float] = []
    stacked: dict[object, float] = {}
    stack = fig.layout.barmode in ("stack", "relative")
    for trace in fig.data:
        values = getattr(trace, axis, None)
        if values is None:
            continue
        values = [float(v) if v is not None and not fmt.missing(v) else math.nan for v in values]
        if (trace.type == "bar" and stack) or getattr(trace, "stackgroup", None):
            other = getattr(trace, "y" if axis == "x" else "x", None) or range(len(values))
            for key, v in zip(other, values, strict=False):
                if math.isfinite(v):
                    stacked[key] = stacked.get(key, 0.0) + v
            continue
        reached += values
        error = getattr(trace, f"error_{axis}", None)
        if error is not None and error.array is not None:
            plus, minus = list(error.array), list(error.arrayminus if error.arrayminus is not None else error.array)
            reached += [v + e for v, e in zip(values, plus, strict=False) if e is not None]
            reached += [v - e for v, e in zip(values, minus, strict=False) if e is not None]
    reached += list(stacked.values())
    span = getattr(fig.layout, f"{axis}axis").range
    reached += list(span or [])
    return fig.update_layout({f"{axis}axis": money_axis(reached, currency)})

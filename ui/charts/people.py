"""Charts of the people pages: plain functions, a DataFrame from analytics/ in, a Plotly figure out.

Labels are translated here with ``t()`` and numbers formatted with ``ui.fmt``, so the builders are
testable without Streamlit. A suppressed row (``suppressed=True``) never becomes a bar, a point or a
coloured cell: it keeps its category with an empty value and a "fewer than k responses" label instead.
"""
from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from analytics.people import privacy, survey
from ui import fmt
from ui.charts.base import DISTINCT, empty, is_empty, percent_axis
from ui.i18n import language, t

GREEN, GREY, RED, BLUE = "#2e9e5b", "#b8bec6", "#d6453d", "#3b6fb6"
MANAGER_COLOURS = ("#3b6fb6", "#e07b39", "#2e9e5b", "#9c5ab8", "#c9a227", "#4aa3b5", "#d6453d", "#7f7f7f")


# --- labels shared with the pages -----------------------------------------------------------------

def hidden_label(reason: str | None, k: int) -> str:
    """What a suppressed group shows instead of numbers."""
    if reason == privacy.DERIVABLE:
        return t("hidden to protect a smaller group")
    return t("fewer than {k} responses", k=k)


def hidden_everywhere_message(reasons, k: int) -> str:
    """Why a selection shows nothing in any wave: too few responses, or it would single out a smaller group."""
    if privacy.DERIVABLE in set(reasons):
        return t("Results are hidden for this selection: compared with other views, they would single out a "
                 "group of fewer than {k} people. Widen or change the filters.", k=k)
    return t("Fewer than {k} responses in every wave for this selection: results are hidden to protect "
             "anonymity. Widen the filters.", k=k)


def hidden_wave_message(reason: str | None, wave: str, k: int) -> str:
    """Why the latest wave of a selection is hidden."""
    if reason == privacy.DERIVABLE:
        return t("Wave {wave}: results hidden for this selection, since compared with other views they would "
                 "single out a group of fewer than {k} people.", wave=wave, k=k)
    return t("Wave {wave}: fewer than {k} responses for this selection, so its results are hidden.", wave=wave, k=k)


def wave_label(wave: object) -> str:
    """A wave as shown: a month or a quarter by its name (Oct 2026 / oct. 2026, Q4 2026 / T4 2026), a wave named
    in the file as it is, and responses without a date as 'undated'."""
    return t("undated") if wave == survey.UNDATED else fmt.period(wave)


def group_label(group: str) -> str:
    """A group name as shown; responses without a value form the group '(not given)'."""
    return t("(not given)") if group == survey.NOT_GIVEN else str(group)


def dimension_label(dimension: str) -> str:
    """A grouping dimension as shown (the importer's names: department, team, manager, location, tenure)."""
    known = {"department": t("Department"), "team": t("Team"), "manager": t("Manager"), "location": t("Location"),
             "tenure": t("Tenure")}
    return known.get(dimension, str(dimension).replace("_", " ").capitalize())


def wrap(text: str, width: int = 42) -> str:
    """Long question texts broken over lines for axis labels."""
    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)


def _separators() -> str:
    """Plotly's decimal and thousands separators for the current language."""
    return ",\u00a0" if language() == "fr" else ".,"


# A legend above the plot takes a row of its own under the title: these charts are drawn in half-width columns,
# where three entries right-aligned on the title's row wrapped and covered it ("Promoteurs, passifs et détrac…").
LEGEND_ROW = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0.0}


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, **extra) -> go.Figure:
    entries = sum(1 for trace in fig.data if trace.showlegend is not False and trace.type != "heatmap")
    legend = extra.get("showlegend", entries >= 2) is not False  # Plotly draws a legend from two entries on
    fig.update_layout(title={"text": title, "y": 0.99, "yanchor": "top"} if legend else {"text": title},
                      separators=_separators(), margin={"l": 10, "r": 10, "t": 110 if legend else 60, "b": 10},
                      legend=LEGEND_ROW, **extra)
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def _percent(values: pd.Series) -> list:
    """Fractions as percentages (0-100), None where missing or suppressed."""
    return [None if pd.isna(v) else float(v) * 100 for v in values]


def _visible(frame: pd.DataFrame) -> pd.Series:
    return ~frame["suppressed"].astype(bool)


# --- eNPS -----------------------------------------------------------------------------------------

def enps_trend(waves: pd.DataFrame, k: int, margin_column: str = "margin_of_error") -> go.Figure:
    """eNPS per wave (line) inside its 95 % margin of error (band from enps - moe to enps + moe, kept in ±100)."""
    if is_empty(waves):
        return empty(t("eNPS per wave"), t("No eNPS answer yet: nothing to draw."))
    shown = _visible(waves)
    x = [wave_label(w) for w in waves["wave"]]
    enps = [float(e) if s else None for e, s in zip(waves["enps"], shown, strict=True)]
    moe = [float(m) if s and not pd.isna(m) else 0.0 for m, s in zip(waves[margin_column], shown, strict=True)]
    upper = [None if e is None else min(100.0, e + m) for e, m in zip(enps, moe, strict=True)]
    lower = [None if e is None else max(-100.0, e - m) for e, m in zip(enps, moe, strict=True)]
    hover = [t("fewer than {k} responses", k=k) if e is None else
             f"eNPS {fmt.signed(e)} ± {fmt.number(m)} · {t('{n} responses', n=fmt.number(n))}"
             for e, m, n in zip(enps, moe, waves["responses"], strict=True)]
    fig = go.Figure([
        go.Scatter(x=x, y=upper, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip",
                   name=t("Upper bound")),
        go.Scatter(x=x, y=lower, mode="lines", line={"width": 0}, fill="tonexty", fillcolor="rgba(59,111,182,0.18)",
                   name=t("95 % margin of error"), hoverinfo="skip"),
        go.Scatter(x=x, y=enps, mode="lines+markers+text", name="eNPS", line={"color": BLUE, "width": 3},
                   text=[None if e is None else fmt.signed(e) for e in enps], textposition="top center",
                   customdata=hover, hovertemplate="%{x}<br>%{customdata}<extra></extra>"),
    ])
    for wave, reason, hidden in zip(x, waves["reason"], ~shown, strict=True):
        if hidden:
            fig.add_annotation(x=wave, y=0, text=hidden_label(reason, k), showarrow=False, font={"color": "#666"})
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    _layout(fig, t("eNPS per wave"), t("Wave"), "eNPS", hovermode="x")
    fig.update_xaxes(type="category")
    return fig


_MIX = (("pct_promoters", GREEN), ("pct_passives", GREY), ("pct_detractors", RED))


def _mix_name(key: str) -> str:
    return {"pct_promoters": t("Promoters (9–10)"), "pct_passives": t("Passives (7–8)"),
            "pct_detractors": t("Detractors (0–6)")}[key]


def enps_mix(waves: pd.DataFrame, k: int) -> go.Figure:
    """Promoters, passives and detractors as stacked percentages of the responses, one bar per wave."""
    if is_empty(waves):
        return empty(t("Promoters, passives and detractors"), t("No eNPS answer yet: nothing to draw."))
    fig = go.Figure()
    x = [wave_label(w) for w in waves["wave"]]
    for column, colour in _MIX:
        values = _percent(waves[column])
        fig.add_bar(x=x, y=values, name=_mix_name(column), marker_color=colour,
                    text=[None if v is None else fmt.pct(v / 100) for v in values], textposition="inside",
                    hovertemplate="%{x}<br>%{fullData.name} · %{text}<extra></extra>")
    for wave, reason, hidden in zip(x, waves["reason"], ~_visible(waves), strict=True):
        if hidden:
            fig.add_annotation(x=wave, y=50, text=hidden_label(reason, k), showarrow=False, font={"color": "#666"})
    _layout(fig, t("Promoters, passives and detractors"), t("Wave"), t("Share of responses (%)"), barmode="stack")
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 100], **percent_axis(scale=100))  # 20 % (fr) / 20% (en), worded by ui.fmt
    return fig


def enps_by_group(groups: pd.DataFrame, k: int, title: str) -> go.Figure:
    """Horizontal eNPS bars per group with their margin of error; suppressed groups: a label, no bar."""
    if is_empty(groups):
        return empty(title, t("No group to compare in this selection: nothing to draw."))
    shown = _visible(groups)
    labels = [group_label(g) for g in groups["group"]]
    enps = [float(e) if s else None for e, s in zip(groups["enps"], shown, strict=True)]
    moe = [float(m) if s else None for m, s in zip(groups["margin_of_error"], shown, strict=True)]
    fig = go.Figure(go.Bar(
        x=enps, y=labels, orientation="h", name="eNPS",
        marker_color=[GREEN if (e or 0) >= 0 else RED for e in enps],
        error_x={"type": "data", "array": moe, "color": "#555", "thickness": 1},
        customdata=[None if e is None else f"{fmt.signed(e)} ± {fmt.number(m)} · {t('{n} responses', n=fmt.number(n))}"
                    for e, m, n in zip(enps, moe, groups["responses"], strict=True)],
        hovertemplate="%{y}<br>eNPS %{customdata}<extra></extra>"))
    # The value sits beyond the outer end of its error bar (right of a positive bar, left of a negative one), so
    # neither the bar's edge nor the whisker runs through it (the minus of "−16" stays visible).
    for label, e, m in zip(labels, enps, moe, strict=True):
        if e is not None:
            end = e + (m or 0) if e >= 0 else e - (m or 0)
            fig.add_annotation(x=max(-100.0, min(100.0, end)), y=label, text=fmt.signed(e),
                               showarrow=False, xanchor="left" if e >= 0 else "right", xshift=6 if e >= 0 else -6,
                               font={"color": "#222"})
    for label, reason, hidden in zip(labels, groups["reason"], ~shown, strict=True):
        if hidden:
            fig.add_annotation(x=0, y=label, text=hidden_label(reason, k), showarrow=False, xanchor="left",
                               font={"color": "#666"})
    _layout(fig, title, "eNPS", "", showlegend=False, height=max(260, 48 * len(labels) + 120))
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_xaxes(range=[-115, 115], zeroline=True, zerolinecolor="#999", tickvals=[-100, -50, 0, 50, 100])
    return fig


def top_terms(terms: pd.DataFrame) -> go.Figure:
    """The most frequent words and phrases of the comments, most frequent on top."""
    if is_empty(terms):
        return empty(t("Most frequent words in the comments"), t("No comment in this selection: nothing to draw."))
    fig = go.Figure(go.Bar(x=list(terms["count"]), y=list(terms["term"]), orientation="h", marker_color=BLUE,
                           customdata=[fmt.number(n) for n in terms["count"]],
                           hovertemplate="%{y}: %{customdata}<extra></extra>"))
    _layout(fig, t("Most frequent words in the comments"), t("Comments mentioning it"), "", showlegend=False,
            height=max(260, 24 * len(terms) + 120))
    fig.update_yaxes(type="category", autorange="reversed")
    return fig


# --- pulse questions ------------------------------------------------------------------------------

_SIDES = (("unfavourable", RED), ("neutral", GREY), ("favourable", GREEN))


def _side_name(side: str) -> str:
    return {"unfavourable": t("Unfavourable"), "neutral": t("Neutral"), "favourable": t("Favourable")}[side]


def question_bars(results: pd.DataFrame, k: int) -> go.Figure:
    """One stacked horizontal bar per question: unfavourable, neutral, favourable shares (%)."""
    if is_empty(results):
        return empty(t("Answers per question"), t("No pulse answer here: nothing to draw."))
    labels = [wrap(q) for q in results["question"]]
    fig = go.Figure()
    for side, colour in _SIDES:
        values = _percent(results[side])
        fig.add_bar(x=values, y=labels, orientation="h", name=_side_name(side), marker_color=colour,
                    text=[None if v is None else fmt.pct(v / 100) for v in values], textposition="inside",
                    hovertemplate="%{y}<br>%{fullData.name} · %{text}<extra></extra>")
    for label, reason, hidden in zip(labels, results["reason"], ~_visible(results), strict=True):
        if hidden:
            fig.add_annotation(x=0, y=label, text=hidden_label(reason, k), showarrow=False, xanchor="left",
                               font={"color": "#666"})
    _layout(fig, t("Answers per question"), t("Share of answers (%)"), "", barmode="stack",
            height=max(280, 70 * len(labels) + 140))
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_xaxes(range=[0, 100], **percent_axis(scale=100))
    return fig


def favourable_trend(results: pd.DataFrame) -> go.Figure:
    """Favourable share (%) of each question across waves; suppressed waves leave a gap.

    The axis is zoomed to the values shown (5 points of padding, kept within 0–100), each question has its own
    clearly different colour and its name written at the end of its line (labels pushed apart so none overlap)."""
    if is_empty(results):
        return empty(t("Favourable answers per wave"), t("No pulse answer here: nothing to draw."))
    fig = go.Figure()
    ends = []
    shown_values = []
    for i, (question, rows) in enumerate(results.groupby("question", sort=False)):
        colour = DISTINCT[i % len(DISTINCT)]
        values = [None if s else v for v, s in zip(_percent(rows["favourable"]), rows["suppressed"], strict=True)]
        waves = [wave_label(w) for w in rows["wave"]]
        fig.add_scatter(x=waves, y=values, mode="lines+markers", name=wrap(question, 38),
                        line={"color": colour, "width": 2.5}, marker={"color": colour, "size": 7},
                        customdata=[f"{wrap(question, 60)}<br>{wave} · {fmt.pct(v / 100)}" if v is not None else None
                                    for wave, v in zip(waves, values, strict=True)],
                        hovertemplate="%{customdata}<extra></extra>")
        last = [(w, v) for w, v in zip(waves, values, strict=True) if v is not None]
        shown_values += [v for v in values if v is not None]
        if last:
            ends.append((last[-1][1], last[-1][0], question, colour))
    _layout(fig, t("Favourable answers per wave"), t("Wave"), t("Favourable (%)"), showlegend=False)
    low, high = (min(shown_values), max(shown_values)) if shown_values else (0.0, 100.0)
    low, high = max(0.0, low - 5), min(100.0, high + 5)
    gap = (high - low) * 0.07  # the smallest distance between two end labels, in points of the axis
    placed: list[float] = []
    for value, wave, question, colour in sorted(ends):
        y = max(value, placed[-1] + gap) if placed else value
        placed.append(y)
        fig.add_annotation(x=wave, y=y, text=textwrap.shorten(str(question), 34, placeholder="…"), showarrow=False,
                           xanchor="left", xshift=10, font={"color": colour, "size": 12})
    if placed:
        high = max(high, placed[-1] + gap / 2)
    fig.update_layout(margin={"l": 10, "r": 250, "t": 60, "b": 10})
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[low, high], **percent_axis(high / 100, low / 100, scale=100))
    return fig


def question_heatmap(heat: pd.DataFrame, k: int, dimension_label: str) -> go.Figure:
    """Favourable share (%) per question × group; suppressed cells stay blank with a 'fewer than k' hover."""
    if is_empty(heat):
        return empty(t("Favourable answers by {dimension}", dimension=dimension_label.lower()),
                     t("No pulse answer here: nothing to draw."))
    questions = list(dict.fromkeys(heat["question"]))
    groups = list(dict.fromkeys(heat["group"]))
    cells = {(r.question, r.group): r for r in heat.itertuples(index=False)}
    z, text, hover = [], [], []
    for question in questions:
        z_row, text_row, hover_row = [], [], []
        for group in groups:
            row = cells.get((question, group))
            if row is None:
                value, note = None, t("no answers")
            elif row.suppressed:
                value, note = None, hidden_label(row.reason, k)
            else:
                value = float(row.favourable) * 100
                note = t("{favourable} favourable · mean {mean} · {n} answers", favourable=fmt.pct(row.favourable),
                         mean=fmt.number(row.mean, 2), n=fmt.number(row.responses))
            z_row.append(value)
            text_row.append("" if value is None else fmt.pct(value / 100))
            hover_row.append(f"{wrap(question, 60)}<br>{group_label(group)}: {note}")
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    fig = go.Figure(go.Heatmap(
        z=z, x=[group_label(g) for g in groups], y=[wrap(q, 36) for q in questions], text=text,
        texttemplate="%{text}", hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", hoverongaps=True,
        zmin=0, zmax=100, colorscale="RdYlGn", xgap=2, ygap=2,
        colorbar={"title": {"text": t("Favourable (%)")}, **percent_axis(scale=100)}))
    _layout(fig, t("Favourable answers by {dimension}", dimension=dimension_label.lower()), dimension_label, "",
            height=max(300, 70 * len(questions) + 160), plot_bgcolor="#eef0f4")
    fig.update_xaxes(type="category", side="bottom")
    fig.update_yaxes(type="category", autorange="reversed")
    return fig


# --- 1:1 meetings ---------------------------------------------------------------------------------

def interval_by_manager(managers: pd.DataFrame, cadence_days: int) -> go.Figure:
    """Median days between 1:1s per manager, with the cadence as a reference line."""
    if is_empty(managers):
        return empty(t("Median interval between 1:1s"), t("No manager with two 1:1s yet: nothing to draw."))
    medians = [None if pd.isna(v) else float(v) for v in managers["median_interval_days"]]
    fig = go.Figure(go.Bar(
        x=list(managers["manager"]), y=medians,
        marker_color=[RED if (m or 0) > cadence_days else BLUE for m in medians],
        text=[None if m is None else fmt.number(m, 1 if m % 1 else 0) for m in medians], textposition="outside",
        hovertemplate="%{x}: %{text}<extra></extra>"))
    fig.add_hline(y=cadence_days, line={"dash": "dash", "color": RED},
                  annotation_text=t("Cadence: {days} days", days=fmt.number(cadence_days)),
                  annotation_position="top right")
    _layout(fig, t("Median interval between 1:1s"), t("Manager"), t("Days"), showlegend=False)
    fig.update_xaxes(type="category")
    return fig


def meetings_per_month(monthly: pd.DataFrame) -> go.Figure:
    """1:1 meetings per month, stacked by manager."""
    if is_empty(monthly):
        return empty(t("1:1 meetings per month"), t("No 1:1 meeting in this selection: nothing to draw."))
    fig = go.Figure()
    months = sorted(monthly["month"].unique())
    for i, (manager, rows) in enumerate(monthly.groupby("manager", sort=True)):
        counts = rows.set_index("month")["meetings"].reindex(months)
        fig.add_bar(x=[fmt.month(m) for m in months], y=[None if pd.isna(c) else int(c) for c in counts],
                    name=str(manager), customdata=[None if pd.isna(c) else fmt.number(c) for c in counts],
                    marker_color=MANAGER_COLOURS[i % len(MANAGER_COLOURS)],
                    hovertemplate="%{fullData.name} · %{x}: %{customdata}<extra></extra>")
    _layout(fig, t("1:1 meetings per month"), t("Month"), t("Meetings"), barmode="stack")
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.25, "xanchor": "left", "x": 0},
                      margin={"t": 60})  # the legend is below the months: no row above the plot
    fig.update_xaxes(type="category")
    return fig

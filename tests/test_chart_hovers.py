"""Every chart's hover, labels and categories are worded by ui.fmt in the session's language (issue 17).

Walks a figure of every builder in ui/charts on a small fixture, in English and in French, and fails on what
the reader would see raw: a float with more than 2 decimals, a Plotly number format instead of ui.fmt (a
``%{y:.0%}`` says "55%" in French, where fmt says "55 %"), a numeric axis value shown in a hover, a hover left
to Plotly's default (it prints the raw floats), a period written "2026-11" instead of its month name, or an
English month name in French.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics.sales.movement import BUCKETS, Movement
from ui.charts import drivers, forecast, movement, people, priorities, sales, scorecards, voice
from ui.i18n import set_language

RAW_FLOAT = re.compile(r"\d\.\d{3,}")
ISO_PERIOD = re.compile(r"\b\d{4}-(0[1-9]|1[0-2]|Q[1-4])\b")
ENGLISH_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")
PLACEHOLDER = re.compile(r"%\{([^}:]+)(:[^}]*)?\}")
WORDED = ("text", "hovertext", "customdata", "fullData.name")  # strings the builder made with ui.fmt


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def movement_result() -> Movement:
    counts = dict.fromkeys(BUCKETS, 0) | {"won": 1, "new": 2, "slipped": 1}
    amounts = dict.fromkeys(BUCKETS, 0.0) | {"won": 1234.567, "new": 2500.125, "slipped": 0.0}
    # open at A 10,000.333 - won 1,234.567 + new 2,500.125 = 11,265.891 at B
    return Movement(date_from=dt.date(2026, 11, 6), date_to=dt.date(2026, 11, 13), currency="EUR", counts=counts,
                    amounts=amounts, open_count_from=5, open_count_to=6, open_amount_from=10000.333,
                    open_amount_to=11265.891, closed_amounts={"won": 1234.567, "lost": 0.0},
                    deals=pd.DataFrame(), reason_deals=pd.DataFrame())


def figures() -> dict[str, go.Figure]:
    """One figure per builder, on data whose every number has decimals a raw hover would show."""
    months = ["2026-10", "2026-11"]
    funnel = pd.DataFrame({"stage": ["Lead", "Won"], "reached": [12, 5], "reached_amount": [1234.5678, 567.891],
                           "conversion_to_next": [0.41666, None]})
    boxes = pd.DataFrame({"stage": ["Lead"], "q1": [3.25], "median": [7.3333], "q3": [12.125],
                          "lower_fence": [0.5], "upper_fence": [20.75]})
    inventory = pd.DataFrame({"stage": ["Lead", "Lead"], "close_month": months, "amount": [100.123, 2000.456]})
    owners = pd.DataFrame({"owner": ["Ann", "Bob"], "open_amount": [1234.567, 99.999], "won_amount": [5.555, 0.0]})
    calibration = pd.DataFrame({"stage": ["Lead", "Offer"], "configured_probability": [0.2, 0.6],
                                "historical_probability": [0.12345, 0.67891]})
    losses = pd.DataFrame({"quarter": ["2026-Q3", "2026-Q4"], "reason": ["Price", "Price"], "deals": [1, 2],
                           "value": [1234.567, 89.123]})
    plan = pd.DataFrame({"period": months, "won_amount": [1000.123, 0.0], "baseline_expected": [500.456, 300.789],
                         "baseline_projection": [0.0, 250.5], "p10": [1200.1, 100.2], "p90": [1800.3, 500.4],
                         "baseline_forecast": [1500.579, 300.789], "forecast_with_new": [1500.579, 551.289],
                         "p10_with_new": [1200.1, 200.2], "p90_with_new": [1800.3, 900.4],
                         "scenario_total": [1600.111, 700.222]})
    accuracy = pd.DataFrame({"period": months, "actual": [1000.123, 2000.456], "forecast": [900.987, 2100.654],
                             "snapshot_on": [dt.date(2026, 9, 30), dt.date(2026, 10, 31)]})
    trend = pd.DataFrame({"pipeline": "P", "stage": ["Lead", "Lead"], "position": [0, 0],
                          "snapshot_on": [dt.date(2026, 11, 6), dt.date(2026, 11, 13)],
                          "open_amount": [1234.567, 2345.678]})
    pushes = pd.DataFrame({"owner": ["Ann", "Bob"], "push_rate": [0.3333, 0.6667], "pushed_deals": [1, 2],
                           "open_deals": [3, 3], "pushes": [1, 4]})
    reasons = pd.DataFrame({"reason": ["pulled_in", "amount_up"], "deals": [1, 2],
                            "amount_change": [0.0, 1234.5678]})
    win_drivers = pd.DataFrame({"attribute": ["source", "source"], "value": ["Web", "Referral"],
                                "enough_data": [True, True], "overall_win_rate": [0.45678, 0.45678],
                                "difference": [-0.1, 0.2], "win_rate": [0.35678, 0.65678],
                                "closed": [30, 25], "won": [11, 16], "ci_low": [0.2111, 0.4555],
                                "ci_high": [0.5333, 0.8222], "avg_won_amount": [1234.567, 2345.678]})
    reliability = pd.DataFrame({"model": ["drivers", "stage"], "predicted": [0.15432, 0.25678],
                                "observed": [0.1234, 0.3456], "predictions": [10, 12]})
    scores = pd.DataFrame({"owner": ["Ann", "Bob"], "pipeline_created": [1234.567, 2345.678],
                           "win_rate": [0.33333, 0.66667], "note": [None, "few"]})
    waves = pd.DataFrame({"wave": months, "enps": [12.3456, -16.789], "margin_of_error": [8.123, 9.456],
                          "responses": [20, 22], "pct_promoters": [0.41234, 0.30123],
                          "pct_passives": [0.3, 0.2], "pct_detractors": [0.28766, 0.49877],
                          "suppressed": [False, False], "reason": [None, None]})
    groups = pd.DataFrame({"group": ["Sales", "Ops"], "enps": [10.555, -5.444], "margin_of_error": [7.777, 8.888],
                           "responses": [9, 8], "suppressed": [False, False], "reason": [None, None]})
    terms = pd.DataFrame({"term": ["workload", "tools"], "count": [1234, 5]})
    questions = pd.DataFrame({"wave": months, "question": ["Tools", "Tools"], "favourable": [0.41234, 0.58765],
                              "neutral": [0.3, 0.2], "unfavourable": [0.28766, 0.21235], "mean": [3.4567, 3.789],
                              "responses": [20, 21], "suppressed": [False, False], "reason": [None, None]})
    heat = questions.assign(group=["Sales", "Ops"])
    managers = pd.DataFrame({"manager": ["Ann", "Bob"], "median_interval_days": [14.25, 35.333]})
    monthly = pd.DataFrame({"month": months, "manager": ["Ann", "Ann"], "meetings": [3, 1234]})
    themes = pd.DataFrame({"wave": months, "theme": ["pay", "tools"], "comments": [1234, 2]})
    rates = pd.DataFrame({"group": ["Sales", "Ops"], "response_rate": [0.56789, 0.81234], "suppressed": [False, False],
                          "flag": ["low_participation", None]})
    impact = pd.DataFrame({"question": ["Tools", "Pay", "Growth"], "favourable": [0.41234, 0.6, 0.7],
                           "rho": [0.4567, 0.2, 0.3], "ci_low": [0.1234, -0.1, 0.0], "ci_high": [0.7, 0.5, 0.6],
                           "n": [40, 41, 42], "focus": [True, False, False], "significant": [True, False, True]})
    return {
        "funnel": sales.funnel_chart(funnel, True, "EUR"),
        "stage_days": sales.stage_days_chart(boxes, ["Lead"]),
        "inventory": sales.inventory_heatmap(inventory, ["Lead"], "EUR"),
        "owners": sales.owner_bars(owners, "EUR"),
        "calibration": sales.calibration_chart(calibration),
        "losses": sales.loss_reasons_chart(losses, "EUR"),
        "forecast": forecast.forecast_chart(plan, "EUR", projection=True, scenario=True,
                                            compared={"Saved": plan["scenario_total"] * 1.111}),
        "accuracy": forecast.accuracy_chart(accuracy, "EUR"),
        "waterfall": movement.waterfall_chart(movement_result()),
        "trend": movement.trend_chart(trend, "open_amount", "EUR"),
        "pushes": movement.push_rate_chart(pushes),
        "reasons": movement.reasons_chart(reasons, "EUR"),
        "drivers": priorities.drivers_chart(win_drivers, {"source": "Source"}, "EUR"),
        "reliability": priorities.reliability_chart(reliability),
        "scorecards": scorecards.win_rate_vs_created(scores, "EUR"),
        "enps_trend": people.enps_trend(waves, 5),
        "enps_mix": people.enps_mix(waves, 5),
        "enps_groups": people.enps_by_group(groups, 5, "eNPS"),
        "terms": people.top_terms(terms),
        "question_bars": people.question_bars(questions, 5),
        "favourable_trend": people.favourable_trend(questions),
        "question_heatmap": people.question_heatmap(heat, 5, "Team"),
        "intervals": people.interval_by_manager(managers, 30),
        "meetings": people.meetings_per_month(monthly),
        "themes": voice.theme_bars(themes),
        "response_rates": voice.response_rates(rates),
        "impact": drivers.impact_score(impact, "Focus areas"),
    }


def strings(values) -> list:
    """Every cell of a trace array (nested lists of customdata and heatmap text flattened)."""
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    out = []
    for value in (values.tolist() if hasattr(values, "tolist") else list(values)):
        out += strings(value) if isinstance(value, list | tuple) else [value]
    return out


def problems_in(text: object, french: bool) -> list[str]:
    if text is None:
        return []
    if not isinstance(text, str):
        return [f"a raw number {text!r} (not worded by ui.fmt)"] if isinstance(text, float) else []
    found = [f"raw float in {text!r}" for _ in RAW_FLOAT.findall(text)[:1]]
    found += [f"period not named in {text!r}" for _ in ISO_PERIOD.findall(text)[:1]]
    if french:
        found += [f"English month in {text!r}" for _ in ENGLISH_MONTH.findall(text)[:1]]
    return found


def trace_problems(trace, french: bool) -> list[str]:
    """What a reader would see unworded in this trace's hover, labels or categories."""
    found = []
    for field in ("text", "hovertext", "customdata", "x", "y"):
        for value in strings(getattr(trace, field, None)):
            if field in ("x", "y") and not isinstance(value, str):
                continue  # a position on a numeric axis; shown in a hover only through a placeholder (below)
            found += problems_in(value, french)
    if trace.type == "indicator":
        return found
    template = trace.hovertemplate
    if trace.hoverinfo in ("skip", "none"):
        return found
    if not template:
        return [*found, "no hovertemplate: Plotly's default hover prints the raw values"]
    found += problems_in(PLACEHOLDER.sub("", template), french)
    for name, number_format in PLACEHOLDER.findall(template):
        if number_format:
            found.append(f"%{{{name}{number_format}}} is Plotly's number format, not ui.fmt")
        elif name in ("x", "y") and not all(isinstance(v, str) for v in strings(getattr(trace, name)) if v is not None):
            found.append(f"%{{{name}}} shows a raw number")
        elif name not in (*WORDED, "x", "y") and not name.startswith("customdata["):
            found.append(f"%{{{name}}} shows a value not worded by ui.fmt")
    return found


def axis_problems(fig: go.Figure, french: bool) -> list[str]:
    """A percentage axis formatted by Plotly (".0%": "20%" in French too), or tick labels not worded by ui.fmt."""
    found = []
    for name in ("xaxis", "yaxis"):
        axis = fig.layout[name]
        if axis.tickformat and "%" in axis.tickformat:
            found.append(f"{name} tickformat {axis.tickformat!r} is Plotly's percent, not ui.fmt")
        found += [f"{name}: {p}" for tick in (axis.ticktext or ()) for p in problems_in(tick, french)]
    return found


def problems_by_figure(language: str, check) -> dict[str, list[str]]:
    """{figure name: its problems} for every fixture figure drawn in ``language`` with problems found by
    ``check(name, fig, french)``."""
    set_language(language)
    found = {}
    for name, fig in figures().items():
        problems = check(name, fig, language == "fr")
        if problems:
            found[name] = problems
    return found


def wording_problems(name: str, fig: go.Figure, french: bool) -> list[str]:
    assert len(fig.data) > 0, f"{name}: the fixture should draw something"
    problems = [f"trace {i} ({trace.type}): {p}" for i, trace in enumerate(fig.data)
                for p in trace_problems(trace, french)]
    problems += [p for a in fig.layout.annotations for p in problems_in(a.text, french)]
    return problems + axis_problems(fig, french)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_chart_words_its_hovers_and_labels_with_the_formatting_layer(language):
    assert problems_by_figure(language, wording_problems) == {}


# What each builder's numeric axes hold: "money" and "percent" axes must be worded by ui.fmt (tickvals + ticktext:
# "€1.5K", "1,5 k €", "20 %"), never left to Plotly's "1.5k" or ".0%"; "plain" ones hold counts, days, scores.
# A builder that draws a numeric axis not listed here fails: a new chart decides what its axes are.
NUMERIC_AXES = {
    "funnel": {"xaxis": "plain"},  # the funnel's width: each stage is labelled with its amount, no axis shown
    "stage_days": {"yaxis": "plain"}, "owners": {"yaxis": "money"}, "calibration": {"yaxis": "percent"},
    "losses": {"yaxis": "plain"}, "forecast": {"yaxis": "money"}, "accuracy": {"yaxis": "money"},
    "waterfall": {"yaxis": "money"}, "trend": {"yaxis": "money"}, "pushes": {"xaxis": "percent"},
    "reasons": {"xaxis": "plain"}, "drivers": {"xaxis": "percent"},
    "reliability": {"xaxis": "percent", "yaxis": "percent"}, "scorecards": {"xaxis": "money", "yaxis": "percent"},
    "enps_trend": {"yaxis": "plain"}, "enps_mix": {"yaxis": "percent"}, "enps_groups": {"xaxis": "plain"},
    "terms": {"xaxis": "plain"}, "question_bars": {"xaxis": "percent"}, "favourable_trend": {"yaxis": "percent"},
    "question_heatmap": {"colorbar": "percent"}, "intervals": {"yaxis": "plain"}, "meetings": {"yaxis": "plain"},
    "themes": {"yaxis": "plain"}, "response_rates": {"xaxis": "percent"},
    "impact": {"xaxis": "percent", "yaxis": "plain"},
}


def numeric_axes(fig: go.Figure) -> set[str]:
    """The axes (and colour bars) of a figure that carry numbers: a trace's x or y holding a number on an axis that
    is not a category axis, or a heatmap's colour scale."""
    found = set()
    for trace in fig.data:
        if trace.type == "heatmap" and trace.showscale is not False:
            found.add("colorbar")
        for letter in ("x", "y"):
            axis = fig.layout[f"{letter}axis"]
            values = [v for v in strings(getattr(trace, letter, None)) if v is not None]
            if axis.type != "category" and any(not isinstance(v, str) for v in values):
                found.add(f"{letter}axis")
    return found


def worded_ticks_problems(name: str, fig: go.Figure, french: bool) -> list[str]:
    """Each money axis ticked with the fixture's currency (EUR) and each percent axis with ui.fmt's percent."""
    found = []
    for axis_name, kind in NUMERIC_AXES[name].items():
        axis = fig.data[0].colorbar if axis_name == "colorbar" else fig.layout[axis_name]
        if kind == "plain":
            continue
        if axis.tickmode != "array" or not axis.tickvals or len(axis.ticktext or ()) != len(axis.tickvals):
            found.append(f"{axis_name} ({kind}) has no tickvals/ticktext worded by ui.fmt")
            continue
        unit = "€" if kind == "money" else "\u00a0%" if french else "%"
        wrong = [tick for tick in axis.ticktext if unit not in tick or (kind == "percent" and not tick.endswith("%"))]
        found += [f"{axis_name} ({kind}) tick {tick!r} is not worded with {unit!r}" for tick in wrong]
        if axis.tickformat:
            found.append(f"{axis_name} ({kind}) keeps Plotly's tickformat {axis.tickformat!r}")
    return found


def axis_declaration_problems(name: str, fig: go.Figure, french: bool) -> list[str]:
    undeclared = sorted(numeric_axes(fig) - set(NUMERIC_AXES.get(name, {})))
    problems = [f"numeric {axis} not declared in NUMERIC_AXES" for axis in undeclared]
    return problems + (worded_ticks_problems(name, fig, french) if name in NUMERIC_AXES else [])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_money_and_percent_axis_is_worded_by_the_formatting_layer(language):
    assert problems_by_figure(language, axis_declaration_problems) == {}


def test_the_axis_check_sees_plotly_short_money_and_percent():
    """The check itself: an axis left to Plotly ("1.5k", ".0%") or worded without the currency is caught."""
    plotly_short = go.Figure(go.Bar(x=["a"], y=[1500.0]))
    assert worded_ticks_problems("owners", plotly_short, False) == [
        "yaxis (money) has no tickvals/ticktext worded by ui.fmt"]
    no_currency = go.Figure(go.Bar(x=["a"], y=[1500.0]), layout=dict(yaxis=dict(
        tickmode="array", tickvals=[0, 1000, 2000], ticktext=["0", "1,000", "2,000"])))
    assert len(worded_ticks_problems("owners", no_currency, False)) == 3
    plotly_percent = go.Figure(go.Bar(x=["a"], y=[0.5]), layout=dict(yaxis=dict(tickformat=".0%")))
    assert worded_ticks_problems("calibration", plotly_percent, False) == [
        "yaxis (percent) has no tickvals/ticktext worded by ui.fmt"]
    assert numeric_axes(plotly_short) == {"yaxis"}


def test_percent_ticks_have_the_french_space():
    set_language("fr")
    axis = sales.calibration_chart(pd.DataFrame({"stage": ["Lead"], "configured_probability": [0.2],
                                                 "historical_probability": [0.3]})).layout.yaxis
    # 0 to 100 % every 20 points, with the no-break space French puts before % (ui.fmt.pct)
    assert list(axis.tickvals) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert list(axis.ticktext) == ["0\xa0%", "20\xa0%", "40\xa0%", "60\xa0%", "80\xa0%", "100\xa0%"]


def test_the_walker_sees_a_raw_hover():
    """The check itself: Plotly's default hover, a d3 format and an English month in French are caught."""
    set_language("fr")
    raw = go.Bar(x=["a"], y=[0.12345])
    formatted = go.Bar(x=["a"], y=[0.5], hovertemplate="%{y:.0%}<extra></extra>")
    month = go.Bar(x=["Nov 2026"], y=[1], customdata=["1"], hovertemplate="%{customdata}<extra></extra>")
    assert trace_problems(raw, True) == ["no hovertemplate: Plotly's default hover prints the raw values"]
    assert trace_problems(formatted, True) == ["%{y:.0%} is Plotly's number format, not ui.fmt"]
    assert trace_problems(month, True) == ["English month in 'Nov 2026'"]


def test_axes_drawn_in_percentages_are_ticked_as_percentages():
    set_language("fr")
    charts = figures()
    mix = charts["enps_mix"].layout.yaxis  # bars of 0–100: ticks every 20 points from 0 to 100
    assert list(mix.tickvals) == [0, 20, 40, 60, 80, 100]
    assert list(mix.ticktext) == ["0\xa0%", "20\xa0%", "40\xa0%", "60\xa0%", "80\xa0%", "100\xa0%"]
    # favourable 41.234 and 58.765 % zoomed with 5 points either side: 36.234 to 63.765, a span of 27.5 points
    # (> 20: a tick every 10), so 40, 50, 60
    trend = charts["favourable_trend"].layout.yaxis
    assert list(trend.tickvals) == [40, 50, 60]
    assert list(trend.ticktext) == ["40\xa0%", "50\xa0%", "60\xa0%"]

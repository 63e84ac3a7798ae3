"""Pulse survey page: results per question for a wave, their trend, and a question × group heatmap."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.people import question_trends, survey, themes
from ui import auth, common, fmt
from ui.charts import drivers as driver_charts
from ui.charts import people as charts
from ui.charts import voice as voice_charts
from ui.filters import survey_filters
from ui.i18n import t

auth.require_permission("hr")  # defence in depth: the navigation already hides it from others
st.title(t("Pulse survey"))
st.caption(t("Answers to the pulse questions, wave by wave: the average score and the share of favourable "
             "(top two points of the scale, 4–5 on 1–5), neutral and unfavourable answers."))


def wave_name(wave: str) -> str:
    return charts.wave_label(wave)


def results_table(results: pd.DataFrame, k: int) -> fmt.Table:
    """The table shown on screen, worded by ui.fmt; a suppressed question shows why it is hidden and no number."""
    hidden = results["suppressed"].astype(bool)
    reverse = results["is_reverse"].fillna(False).astype(bool)
    table = pd.DataFrame({
        t("Question"): [q + (" ↺" if r else "") for q, r in zip(results["question"], reverse, strict=True)],
        t("Note"): [charts.hidden_label(reason, k) if out else "" for out, reason in zip(hidden, results["reason"],
                                                                                         strict=True)],
        t("Responses"): results["responses"], t("Mean"): results["mean"], t("Favourable"): results["favourable"],
        t("Neutral"): results["neutral"], t("Unfavourable"): results["unfavourable"],
        t("Scale"): ["" if out else scale for out, scale in zip(hidden, results["scale"], strict=True)]})
    if not hidden.any():
        table = table.drop(columns=t("Note"))
    return fmt.table(table, {t("Question"): "text", t("Note"): "text", t("Responses"): "count", t("Mean"): "number:2",
                             t("Favourable"): "rate:0", t("Neutral"): "rate:0", t("Unfavourable"): "rate:0",
                             t("Scale"): "text"}, hidden=list(hidden))


def results_export(results: pd.DataFrame) -> pd.DataFrame:
    """The downloadable results: visible questions only, raw numbers, percentages 0-100."""
    shown = results[~results["suppressed"]]
    return pd.DataFrame({
        t("Wave"): shown["wave"].map(wave_name), t("Question"): shown["question"],
        t("Reverse-scored"): shown["is_reverse"].fillna(False).astype(bool),
        t("Responses"): shown["responses"].astype(int), t("Mean"): shown["mean"].astype(float).round(2),
        t("Favourable (%)"): (shown["favourable"].astype(float) * 100).round(1),
        t("Neutral (%)"): (shown["neutral"].astype(float) * 100).round(1),
        t("Unfavourable (%)"): (shown["unfavourable"].astype(float) * 100).round(1), t("Scale"): shown["scale"]})


def heatmap_export(heat: pd.DataFrame, dimension_label: str) -> pd.DataFrame:
    """The downloadable heatmap in long form: visible cells only (a hidden group never leaves the page)."""
    shown = heat[~heat["suppressed"]]
    return pd.DataFrame({
        t("Question"): shown["question"], dimension_label: shown["group"].map(charts.group_label),
        t("Responses"): shown["responses"].astype(int), t("Mean"): shown["mean"].astype(float).round(2),
        t("Favourable (%)"): (shown["favourable"].astype(float) * 100).round(1)})


def question_section(results: pd.DataFrame, wave: str, k: int) -> None:
    st.subheader(t("Results for {wave}", wave=wave_name(wave)))
    st.plotly_chart(charts.question_bars(results, k), width="stretch", key="pulse_questions_chart")
    shown = results_table(results, k)
    common.table(shown, wide=(t("Note"),))
    if results["is_reverse"].fillna(False).astype(bool).any():
        st.caption(t("↺ reverse-scored question: answers are flipped so that favourable is always the positive side."))
    common.downloads(results_export(results), f"pulse_{wave}", t("Pulse questions"), "pulse_results")


def heatmap_section(wave: str, filters: dict, k: int) -> None:
    st.subheader(t("By group"))
    dimensions = list(common.fetch(survey.survey_groups_available))
    if not dimensions:
        st.info(t("This survey has no grouping column (department, team, location…)."))
        return
    dimension = st.selectbox(t("Group by"), dimensions, format_func=charts.dimension_label,
                             key="pulse_heatmap_dimension")
    heat = common.fetch(survey.question_heatmap, dimension, wave=wave, filters=filters)
    if heat.empty:
        st.info(t("No answers for this selection."))
        return
    label = charts.dimension_label(dimension)
    st.plotly_chart(charts.question_heatmap(heat, k, label), width="stretch", key="pulse_heatmap_chart")
    if heat["suppressed"].any():
        st.caption(t("Blank cells: fewer than {k} answers, or hidden so that a smaller group cannot be worked out "
                     "from the others or from another view. Hover a cell for details.", k=k))
    common.downloads(heatmap_export(heat, label), f"pulse_{wave}_by_{dimension}", t("Pulse by group"), "pulse_heatmap")


EVERYONE = "__everyone__"


def trend_mark(row: dict) -> str:
    """▲ / ▼ for a significant rise / fall (two-proportion z-test at 5 %), else "within noise"."""
    if not row["significant"]:
        return t("within noise")
    return ("▲ " if row["change"] > 0 else "▼ ") + t("significant")


def trends_table(trends: pd.DataFrame, by_group: bool) -> fmt.Table:
    """The per-question trend as shown: favourable then and now, change in points, p-value, significance."""
    table = pd.DataFrame({t("Question"): trends["question"]})
    if by_group:
        table[t("Group")] = trends["group"].map(charts.group_label)
    table = table.assign(**{
        t("Wave"): trends["wave"].map(wave_name), t("Compared with"): trends["previous_wave"].map(wave_name),
        t("Favourable"): trends["favourable"], t("Before"): trends["previous_favourable"],
        t("Change (points)"): trends["change"], t("p-value"): trends["p_value"],
        t("Significance"): [trend_mark(row) for row in trends.to_dict("records")],
        t("After correction"): ["✓" if mark else "" for mark in trends["bh_significant"]]})
    return fmt.table(table, {t("Question"): "text", t("Group"): "text", t("Wave"): "text",
                             t("Compared with"): "text", t("Favourable"): "rate:0", t("Before"): "rate:0",
                             t("Change (points)"): "points:0", t("p-value"): "number:3", t("Significance"): "text",
                             t("After correction"): "text"})


def trend_section(results: pd.DataFrame, filters: dict) -> None:
    st.subheader(t("Trend"))
    st.plotly_chart(charts.favourable_trend(results), width="stretch", key="pulse_trend_chart")
    dimensions = list(common.fetch(survey.survey_groups_available))
    split = st.selectbox(t("Change per question for"), [EVERYONE, *dimensions], key="pulse_trend_dimension",
                         format_func=lambda d: t("Everyone") if d == EVERYONE else charts.dimension_label(d))
    dimension = None if split == EVERYONE else split
    trends = common.fetch(question_trends.question_trends, dimension, filters=filters)
    if trends.empty:
        st.info(t("No change to show: a question needs two waves shown for this selection."))
        return
    shown = trends_table(trends, dimension is not None)
    common.table(shown)
    st.caption(t("Change of the favourable share from the previous wave shown; ▲/▼ significant when a "
                 "two-proportion z-test gives p < 0.05. Groups hidden in a wave are left out."))
    note = question_trends.chance_note(trends)
    if note:
        st.info(driver_charts.chance_sentence(note), icon=":material/casino:")
    common.downloads(trends_export(trends, dimension is not None), "pulse_trends", t("Pulse trends"), "pulse_trends")


def trends_export(trends: pd.DataFrame, by_group: bool) -> pd.DataFrame:
    """The downloadable trend: raw numbers, percentages 0-100."""
    out = pd.DataFrame({t("Question"): trends["question"]})
    if by_group:
        out[t("Group")] = trends["group"].map(charts.group_label)
    return out.assign(**{
        t("Wave"): trends["wave"].map(wave_name), t("Compared with"): trends["previous_wave"].map(wave_name),
        t("Answers"): trends["responses"].astype(int), t("Answers before"): trends["previous_responses"].astype(int),
        t("Favourable (%)"): (trends["favourable"] * 100).round(1),
        t("Before (%)"): (trends["previous_favourable"] * 100).round(1),
        t("Change (points)"): (trends["change"] * 100).round(1), "z": trends["z"].astype(float).round(3),
        t("p-value"): trends["p_value"].astype(float).round(4), t("Significant"): trends["significant"],
        t("After correction"): trends["bh_significant"]})


def comments_section(filters: dict) -> None:
    """Comment themes per wave and frequent phrases, from the comments the privacy rule shows (none when the
    survey_comments setting hides them)."""
    st.subheader(t("What people wrote"))
    if common.comments_hidden_notice():
        return
    counts = common.fetch(themes.theme_counts, filters=filters)
    if counts.empty:
        st.info(t("No comment themes for this selection: comments appear only for selections of at least {n} "
                  "responses in a wave.", n=common.fetch(survey.comment_threshold)))
        return
    st.caption(t("Comments mentioning each theme (a comment may mention several), from a word list in English and "
                 "French; only groups large enough for their comments to be shown count."))
    st.plotly_chart(voice_charts.theme_bars(counts, wave_name), width="stretch", key="pulse_themes_chart")
    table = counts.assign(wave=counts["wave"].map(wave_name), theme=counts["theme"].map(voice_charts.theme_label))
    table = table.rename(columns={"wave": t("Wave"), "theme": t("Theme"), "comments": t("Comments")})
    common.downloads(table, "comment_themes", t("Comment themes"), "pulse_themes")
    phrases = common.fetch(themes.top_phrases, filters=filters)
    if not phrases.empty:
        st.markdown(f"**{t('Frequent phrases')}**")
        shown = fmt.table(phrases, {"phrase": "text", "comments": "count"},
                          {"phrase": t("Phrase"), "comments": t("Comments")})
        common.table(shown)


if common.fetch(survey.question_results).empty:
    st.info(t("No pulse questions imported yet. Import a survey export with 1–5 questions on the Import page."),
            icon=":material/info:")
    st.stop()
k = common.fetch(survey.anonymity_threshold)
filters = survey_filters("pulse")
all_results = common.fetch(survey.question_results, filters=filters)
if all_results.empty:
    st.info(t("No answers for this selection."), icon=":material/info:")
    st.stop()
if all_results["suppressed"].all():
    st.warning(charts.hidden_everywhere_message(all_results["reason"], k), icon=":material/visibility_off:")
    st.stop()
waves = list(dict.fromkeys(all_results["wave"]))
wave = st.selectbox(t("Wave"), list(reversed(waves)), format_func=wave_name, key="pulse_wave")
question_section(all_results[all_results["wave"] == wave].reset_index(drop=True), wave, k)
if len(waves) > 1:
    trend_section(all_results, filters)
heatmap_section(wave, filters, k)
comments_section(filters)

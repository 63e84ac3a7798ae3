"""Engagement page: eNPS per wave with its margin of error, the change between waves, groups and comments."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.people import drivers, participation, sales_people, survey
from analytics.sales import deals
from ui import auth, common, fmt
from ui.charts import drivers as driver_charts
from ui.charts import people as charts
from ui.charts import voice as voice_charts
from ui.filters import survey_filters
from ui.i18n import t

ALL_WAVES = "__all_waves__"

auth.require_permission("hr")  # defence in depth: the navigation already hides it from others
st.title(t("Engagement (eNPS)"))
st.caption(t("How likely employees are to recommend the company as a place to work, wave by wave: "
             "eNPS, its margin of error, the groups behind it and what people wrote."))


def wave_name(wave: str) -> str:
    return t("All waves") if wave == ALL_WAVES else charts.wave_label(wave)


def enps_table(frame: pd.DataFrame, first: str, first_label: str, k: int) -> fmt.Table:
    """The table shown on screen, worded by ui.fmt (eNPS signed, shares as %); a suppressed row shows its name and
    why it is hidden, and no number (withheld, not even sent to the browser)."""
    hidden = frame["suppressed"].astype(bool)
    note = [charts.hidden_label(reason, k) if out else
            t("1–10 scale: not comparable with 0–10 benchmarks") if not fmt.missing(comparable) and comparable else ""
            for out, reason, comparable in zip(hidden, frame["reason"], frame["not_comparable"], strict=True)]
    table = pd.DataFrame({
        first_label: [wave_name(v) if first == "wave" else charts.group_label(v) for v in frame[first]],
        t("Note"): note, t("Responses"): frame["responses"], "eNPS": frame["enps"],
        t("Margin of error (95 %)"): frame["margin_of_error"], t("Promoters"): frame["pct_promoters"],
        t("Passives"): frame["pct_passives"], t("Detractors"): frame["pct_detractors"]})
    if not any(note):
        table = table.drop(columns=t("Note"))
    return fmt.table(table, {t("Note"): "text", t("Responses"): "count", "eNPS": "signed",
                             t("Margin of error (95 %)"): "margin", t("Promoters"): "rate:0",
                             t("Passives"): "rate:0", t("Detractors"): "rate:0"}, hidden=list(hidden))


def show_table(shown: fmt.Table, **options) -> None:
    """A worded table with its Note column wide enough to read."""
    common.table(shown, wide=(t("Note"),), **options)


def enps_export(frame: pd.DataFrame, first: str, first_label: str) -> pd.DataFrame:
    """The downloadable table: visible rows only (a suppressed group never leaves the page), raw numbers."""
    shown = frame[~frame["suppressed"]]
    out = pd.DataFrame({
        first_label: [wave_name(v) if first == "wave" else charts.group_label(v) for v in shown[first]],
        t("Responses"): shown["responses"].astype(int), t("Promoters"): shown["promoters"].astype(int),
        t("Passives"): shown["passives"].astype(int), t("Detractors"): shown["detractors"].astype(int),
        "eNPS": shown["enps"].astype(float).round(1),
        t("Margin of error (95 %)"): shown["margin_of_error"].astype(float).round(1),
        t("Scale"): shown["scale"]})
    if "response_rate" in shown and shown["response_rate"].notna().any():
        out[t("Response rate (%)")] = (shown["response_rate"].astype(float) * 100).round(1).to_numpy()
    return out


def drivers_table(rows: pd.DataFrame, k: int) -> fmt.Table:
    """Key drivers as shown: focus areas first, the interval and significance in words, a note for hidden rows
    (which show no number)."""
    hidden = rows["rho"].isna()
    interval = [f"{fmt.number(low, 2)} – {fmt.number(high, 2)}" if not out else ""
                for out, low, high in zip(hidden, rows["ci_low"], rows["ci_high"], strict=True)]
    note = [driver_charts.driver_reason(reason, k) if out else "" for out, reason in zip(hidden, rows["reason"],
                                                                                           strict=True)]
    table = pd.DataFrame({
        t("Question"): rows["question"],
        t("Focus area"): ["●" if focus and not out else "" for out, focus in zip(hidden, rows["focus"], strict=True)],
        t("Favourable"): rows["favourable"], t("Impact (ρ)"): rows["rho"], t("95 % interval"): interval,
        t("Significant"): ["" if out else t("yes") if significant else t("no")
                           for out, significant in zip(hidden, rows["significant"], strict=True)],
        t("Answers"): rows["n"], t("Note"): note})
    if not any(note):
        table = table.drop(columns=t("Note"))
    return fmt.table(table, {t("Question"): "text", t("Focus area"): "text", t("Favourable"): "rate:0",
                             t("Impact (ρ)"): "number:2", t("95 % interval"): "text", t("Significant"): "text",
                             t("Answers"): "count", t("Note"): "text"}, hidden=list(hidden))


def drivers_export(rows: pd.DataFrame) -> pd.DataFrame:
    """The downloadable key drivers: shown rows only, raw numbers."""
    shown = rows[rows["rho"].notna()]
    return pd.DataFrame({
        t("Wave"): shown["wave"].map(wave_name), t("Question"): shown["question"],
        t("Focus area"): shown["focus"].astype(bool), t("Favourable (%)"): (shown["favourable"] * 100).round(1),
        t("Impact (ρ)"): shown["rho"].round(3), t("Lower bound (95 %)"): shown["ci_low"].round(3),
        t("Upper bound (95 %)"): shown["ci_high"].round(3), t("Significant"): shown["significant"].astype(bool),
        t("Answers"): shown["n"].astype(int)})


def focus_section(filters: dict, k: int) -> None:
    """What to act on first: the focus areas as sentences, then the impact × score chart and the drivers table."""
    found = common.fetch(drivers.key_drivers, filters=filters)
    if found.empty:
        return
    st.subheader(t("Focus areas"))
    names = list(dict.fromkeys(found["wave"]))
    wave = st.selectbox(t("Wave"), list(reversed(names)), format_func=wave_name, key="engagement_focus_wave")
    rows = found[found["wave"] == wave]
    areas = drivers.focus_areas(rows)
    if areas:
        st.markdown("\n".join(f"- {fmt.plain(driver_charts.focus_sentence(area))}" for area in areas))
    elif rows["rho"].notna().any():
        st.info(t("No focus area in {wave}: no question both scores below most questions and moves with eNPS more "
                  "than most, significantly.", wave=wave_name(wave)), icon=":material/check_circle:")
    else:
        st.info(t("Key drivers need at least {n} people of this selection answering both a question and eNPS in "
                  "the wave (and the anonymity rule met).", n=drivers.MIN_DRIVER_ANSWERS), icon=":material/info:")
        return
    st.caption(t("Impact: how closely a question's answers rise and fall with the eNPS answer (Spearman rank "
                 "correlation ρ over the people who answered both, with its 95 % interval; significant when the "
                 "interval excludes 0). Focus areas score below the median question and have an impact above the "
                 "median, significantly. A correlation, not proof of cause."))
    st.plotly_chart(driver_charts.impact_score(rows, t("Impact × score, {wave}", wave=wave_name(wave))),
                    width="stretch", key="engagement_drivers_chart")
    with st.expander(t("Key drivers table")):
        show_table(drivers_table(rows, k))
        common.downloads(drivers_export(rows), f"key_drivers_{wave}", t("Key drivers"), "engagement_drivers")


def kpis(waves: pd.DataFrame, headcount: int, filters: dict, k: int) -> None:
    """Latest visible wave: eNPS ± margin, responses, change from the previous wave, response rate."""
    latest = waves.iloc[-1]
    if latest["suppressed"]:
        st.warning(charts.hidden_wave_message(latest["reason"], wave_name(latest["wave"]), k),
                   icon=":material/visibility_off:")
    shown = waves[~waves["suppressed"]].iloc[-1]
    corrected = bool(headcount) and pd.notna(shown["margin_of_error_fpc"])
    margin = shown["margin_of_error_fpc"] if corrected else shown["margin_of_error"]
    columns = st.columns(4 if headcount else 3)
    columns[0].metric(
        t("eNPS, wave {wave}", wave=wave_name(shown["wave"])), f"{fmt.signed(shown['enps'])} ± {fmt.number(margin)}",
        help=t("Percentage of promoters (9–10) minus percentage of detractors (0–6), from −100 to +100; ± is the "
               "95 % margin of error, corrected for the headcount when you enter one."), border=True)
    columns[1].metric(t("Responses"), fmt.number(shown["responses"]), border=True,
                      help=t("People who answered the eNPS question in this wave (blank answers are not counted)."))
    change = common.fetch(survey.enps_change, filters=filters)
    change = change[change["wave"] == shown["wave"]]
    help_change = t("Change from the previous wave shown; “significant” when a two-sample z-test at 95 % says the "
                    "change is larger than sampling noise, “within noise” otherwise.")
    if change.empty:
        columns[2].metric(t("Change vs previous wave"), fmt.MISSING, help=help_change, border=True)
    else:
        row = change.iloc[0]
        significant = bool(row["significant"])
        columns[2].metric(
            t("Change vs {wave}", wave=wave_name(row["previous_wave"])), fmt.signed(row["change"]),
            delta=t("significant") if significant else t("within noise"),
            delta_color=("green" if row["change"] > 0 else "red") if significant else "gray",
            delta_arrow=("up" if row["change"] > 0 else "down") if significant else "off", help=help_change,
            border=True)
    if headcount:
        columns[3].metric(t("Response rate"), fmt.pct(shown["response_rate"]), border=True,
                          help=t("Responses divided by the headcount you entered for this selection."))


def trend(waves: pd.DataFrame, k: int) -> None:
    st.subheader(t("Trend"))
    left, right = st.columns(2)
    margin = "margin_of_error_fpc" if waves["margin_of_error_fpc"].notna().any() else "margin_of_error"
    left.plotly_chart(charts.enps_trend(waves, k, margin), width="stretch", key="engagement_trend_chart")
    right.plotly_chart(charts.enps_mix(waves, k), width="stretch", key="engagement_mix_chart")
    odd = waves[waves["not_comparable"].fillna(False).astype(bool)]
    if not odd.empty:
        st.caption(t("{waves}: 1–10 scale: not comparable with 0–10 benchmarks.",
                     waves=", ".join(wave_name(w) for w in odd["wave"])))
    show_table(enps_table(waves, "wave", t("Wave"), k))
    common.downloads(enps_export(waves, "wave", t("Wave")), "enps_by_wave", t("eNPS by wave"), "engagement_waves")


def breakdown(waves: list[str], filters: dict, k: int) -> None:
    st.subheader(t("Breakdown by group"))
    dimensions = list(common.fetch(survey.survey_groups_available))
    if not dimensions:
        st.info(t("This survey has no grouping column (department, team, location…)."))
        return
    left, right = st.columns(2)
    dimension = left.selectbox(t("Group by"), dimensions, format_func=charts.dimension_label,
                               key="engagement_breakdown_dimension")
    wave = right.selectbox(t("Wave"), [*reversed(waves), ALL_WAVES], format_func=wave_name,
                           key="engagement_breakdown_wave")
    # all waves pooled: analytics judges each group by its smallest wave
    groups = common.fetch(survey.enps_by_group, dimension, wave=None if wave == ALL_WAVES else wave, filters=filters)
    if groups.empty:
        st.info(t("No eNPS answers for this selection."))
        return
    label = charts.dimension_label(dimension)
    title = t("eNPS by {dimension} ({wave})", dimension=label.lower(), wave=wave_name(wave))
    st.plotly_chart(charts.enps_by_group(groups, k, title), width="stretch", key="engagement_group_chart")
    show_table(enps_table(groups, "group", label, k))
    if groups["suppressed"].any():
        st.caption(t("Groups with fewer than {k} responses are hidden, and so are the groups that would let a hidden "
                     "one be worked out from the others or from another view.", k=k))
    common.downloads(enps_export(groups, "group", label), f"enps_by_{dimension}", t("eNPS by group"),
                     "engagement_groups")


def comments_panel(filters: dict, threshold: int) -> None:
    st.subheader(t("Comments"))
    if common.comments_hidden_notice():
        return
    shown_waves = common.fetch(survey.comment_waves, filters=filters)
    names = list(shown_waves["wave"])
    left, right = st.columns(2)
    wave = left.selectbox(t("Wave"), [*reversed(names), ALL_WAVES], format_func=wave_name,
                          key="engagement_comments_wave")
    search = right.text_input(t("Search the comments"), key="engagement_comments_search",
                              placeholder=t("a word, e.g. workload"))
    picked = shown_waves if wave == ALL_WAVES else shown_waves[shown_waves["wave"] == wave]
    too_small = picked["suppressed"]
    wave_arg = None if wave == ALL_WAVES else wave
    found = common.fetch(survey.comments, wave=wave_arg, filters=filters, search=search or None)
    if found.empty:
        if too_small.all():
            st.info(t("No comment is shown: to protect anonymity, comments appear only for selections of at least "
                      "{n} responses in a wave, and only when comparing them with other views cannot single out "
                      "fewer people.", n=threshold), icon=":material/visibility_off:")
        elif search:
            st.info(t("No comment contains “{search}”.", search=search))
        else:
            st.info(t("No comments for this selection."))
        return
    if too_small.any():
        st.caption(t("Comments of these waves are not shown for this selection, to protect anonymity: {waves}.",
                     waves=", ".join(wave_name(w) for w in picked.loc[too_small, "wave"])))
    table, terms = st.columns([3, 2])
    headers = {"wave": t("Wave"), "question": t("Question"), "comment": t("Comment"),
               **{c: charts.dimension_label(c.removeprefix("group_")) for c in found.columns
                  if c not in ("wave", "question", "comment")}}
    shown = found.assign(wave=found["wave"].map(wave_name)).rename(columns=headers)
    table.caption(t("{n} comments", n=fmt.number(len(found))))
    table.dataframe(shown[[t("Wave"), t("Comment")]], hide_index=True, width="stretch", height=420)
    top = common.fetch(survey.top_terms, wave=wave_arg, filters=filters)
    if not top.empty:
        terms.plotly_chart(charts.top_terms(top), width="stretch", key="engagement_terms_chart")
    common.downloads(shown, "comments", t("Comments"), "engagement_comments")


def participation_section(filters: dict, k: int) -> None:
    """Response rate per wave and per group (whole survey), from the headcounts imported or typed in Settings."""
    waves = common.fetch(participation.participation_by_wave)
    if waves["headcount"].isna().all() and common.fetch(participation.participation_by_group).empty:
        return
    st.subheader(t("Participation"))
    if any(filters.values()):
        st.info(t("Participation is shown for the whole survey, group by group: clear the filters to see it."))
        return
    st.caption(t("Response rate = people who took part / headcount (imported on the Import page or typed in "
                 "Settings). Groups under 60 % are flagged; 75–80 % is considered healthy (Culture Amp). Groups "
                 "hidden for anonymity show no number, not even their headcount."))
    groups = common.fetch(participation.participation_by_group)
    table = pd.concat([waves.assign(group=t("Everyone")), groups], ignore_index=True)
    hidden = table["suppressed"].astype(bool)
    shown = pd.DataFrame({
        t("Wave"): table["wave"].map(wave_name), t("Group"): table["group"].map(charts.group_label),
        t("Responses"): table["responses"], t("Headcount"): table["headcount"],  # "—" when unknown
        t("Response rate"): table["response_rate"],
        t("Note"): [charts.hidden_label(reason, k) if out else voice_charts.flag_label(flag)
                    for out, reason, flag in zip(hidden, table["reason"], table["flag"], strict=True)]})
    show_table(fmt.table(shown, {t("Wave"): "text", t("Group"): "text", t("Responses"): "count",
                                 t("Headcount"): "count", t("Response rate"): "rate:0", t("Note"): "text"},
                         hidden=list(hidden)))
    latest = groups[groups["wave"] == waves["wave"].iloc[-1]] if not groups.empty else groups
    if not latest.empty and (~latest["suppressed"]).any():
        st.plotly_chart(voice_charts.response_rates(latest), width="stretch", key="engagement_participation_chart")
    visible = table[~table["suppressed"]]
    export = pd.DataFrame({t("Wave"): visible["wave"].map(wave_name), t("Group"): visible["group"],
                           t("Responses"): visible["responses"], t("Headcount"): visible["headcount"],
                           t("Response rate (%)"): (visible["response_rate"] * 100).round(1),
                           t("Note"): visible["flag"].map(voice_charts.flag_label)})
    common.downloads(export, "participation", t("Participation"), "engagement_participation")


if not common.fetch(survey.survey_waves):
    st.info(t("No survey imported yet. Import a survey export on the Import page."), icon=":material/info:")
    st.stop()
def sales_and_people(k: int) -> None:
    """A team's eNPS beside its win rate and velocity, where the survey and the CRM name the same teams."""
    table = common.fetch(sales_people.team_comparison, k=k)
    if table.empty:
        return
    st.subheader(t("Sales × people"))
    st.caption(t("Teams named the same in the survey and in the CRM export: their eNPS in the latest wave beside "
                 "their win rate and pipeline velocity. Only teams with at least {k} responses appear.", k=k))
    columns = {"group": t("Team"), "wave": t("Wave"), "responses": t("Responses"), "enps": "eNPS",
               "margin_of_error": t("Margin of error (95 %)"), "won": t("Won"), "lost": t("Lost"),
               "win_rate": t("Win rate"), "pipeline_velocity_per_day": t("Velocity per day")}
    table = table.assign(wave=table["wave"].map(wave_name))  # a month by its name (nov. 2026), as in the charts
    shown = fmt.table(table[list(columns)].rename(columns=columns), {
        t("Team"): "text", t("Wave"): "text", t("Responses"): "count", "eNPS": "signed",
        t("Margin of error (95 %)"): "margin", t("Won"): "count", t("Lost"): "count", t("Win rate"): "rate:0",
        t("Velocity per day"): "money"}, currency=common.fetch(deals.reporting_currency).code)  # €/day
    common.table(shown)
    common.downloads(table[list(columns)].rename(columns=columns), "sales_x_people", t("Sales × people"),
              "engagement_sales_people")


k = common.fetch(survey.anonymity_threshold)
filters = survey_filters("engagement")
headcount = int(st.sidebar.number_input(
    t("Headcount of the selection"), min_value=0, step=1, value=0, key="engagement_headcount",
    help=t("How many employees were invited in the selected group; gives the response rate. 0 = not given.")))
headcount = headcount or common.fetch(participation.headcount_by_wave, filters=filters)  # typed, else stored
waves = common.fetch(survey.enps_by_wave, filters=filters, headcount=headcount or None)
if waves.empty:
    st.info(t("No eNPS answers for this selection."), icon=":material/info:")
    st.stop()
if waves["suppressed"].all():
    st.warning(charts.hidden_everywhere_message(waves["reason"], k), icon=":material/visibility_off:")
    st.stop()
focus_section(filters, k)
kpis(waves, headcount, filters, k)
trend(waves, k)
breakdown(list(waves["wave"]), filters, k)
comments_panel(filters, common.fetch(survey.comment_threshold))
participation_section(filters, k)
sales_and_people(k)

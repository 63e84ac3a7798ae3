"""Engagement page: eNPS per wave with its margin of error, the change between waves, groups and comments."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.people import drivers, participation, sales_people, survey
from ui import auth, common, fmt
from ui.charts import drivers as driver_charts
from ui.charts import people as charts
from ui.charts import voice as voice_charts
from ui.filters import survey_filters
from ui.i18n import t

ALL_WAVES = "__all_waves__"
NOTE_WIDTH = {t("Note"): st.column_config.TextColumn(width="medium")}

auth.require_permission("hr")  # defence in depth: the navigation already hides it from others
st.title(t("Engagement (eNPS)"))
st.caption(t("How likely employees are to recommend the company as a place to work, wave by wave: "
             "eNPS, its margin of error, the groups behind it and what people wrote."))


def wave_name(wave: str) -> str:
    return t("All waves") if wave == ALL_WAVES else charts.wave_label(wave)


def enps_table(frame: pd.DataFrame, first: str, first_label: str, k: int) -> pd.DataFrame:
    """The table shown on screen: formatted numbers, a label and no number for suppressed rows."""
    rows = []
    for row in frame.to_dict("records"):
        name = wave_name(row[first]) if first == "wave" else charts.group_label(row[first])
        if row["suppressed"]:
            rows.append({first_label: name, t("Note"): charts.hidden_label(row["reason"], k)})
            continue
        rows.append({first_label: name, t("Responses"): fmt.number(row["responses"]), "eNPS": fmt.signed(row["enps"]),
                     t("Margin of error (95 %)"): "± " + fmt.number(row["margin_of_error"]),
                     t("Promoters"): fmt.pct(row["pct_promoters"]), t("Passives"): fmt.pct(row["pct_passives"]),
                     t("Detractors"): fmt.pct(row["pct_detractors"]),
                     t("Note"): t("1–10 scale: not comparable with 0–10 benchmarks") if row["not_comparable"] else ""})
    columns = [first_label, t("Note"), t("Responses"), "eNPS", t("Margin of error (95 %)"), t("Promoters"),
               t("Passives"), t("Detractors")]
    table = pd.DataFrame([{c: row.get(c, "") for c in columns} for row in rows], columns=columns)
    return table if table[t("Note")].any() else table.drop(columns=t("Note"))


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


def drivers_table(rows: pd.DataFrame, k: int) -> pd.DataFrame:
    """Key drivers as shown: focus areas first, the interval and significance in words, a note for hidden rows."""
    out = []
    for row in rows.to_dict("records"):
        if pd.isna(row["rho"]):
            out.append({t("Question"): row["question"], t("Note"): driver_charts.driver_reason(row["reason"], k)})
            continue
        out.append({t("Question"): row["question"], t("Focus area"): "●" if row["focus"] else "",
                    t("Favourable"): fmt.pct(row["favourable"]), t("Impact (ρ)"): fmt.number(row["rho"], 2),
                    t("95 % interval"): f"{fmt.number(row['ci_low'], 2)} – {fmt.number(row['ci_high'], 2)}",
                    t("Significant"): t("yes") if row["significant"] else t("no"), t("Answers"): fmt.number(row["n"]),
                    t("Note"): ""})
    columns = [t("Question"), t("Focus area"), t("Favourable"), t("Impact (ρ)"), t("95 % interval"), t("Significant"),
               t("Answers"), t("Note")]
    table = pd.DataFrame([{c: row.get(c, "") for c in columns} for row in out], columns=columns)
    return table if table[t("Note")].any() else table.drop(columns=t("Note"))


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
        st.dataframe(drivers_table(rows, k), hide_index=True, width="stretch", column_config=NOTE_WIDTH)
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
    st.dataframe(enps_table(waves, "wave", t("Wave"), k), hide_index=True, width="stretch", column_config=NOTE_WIDTH)
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
    st.dataframe(enps_table(groups, "group", label, k), hide_index=True, width="stretch", column_config=NOTE_WIDTH)
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
    rows = []
    for row in table.to_dict("records"):
        name = {t("Wave"): wave_name(row["wave"]), t("Group"): charts.group_label(row["group"])}
        if row["suppressed"]:
            rows.append({**name, t("Note"): charts.hidden_label(row["reason"], k)})
            continue
        rows.append({**name, t("Responses"): fmt.number(row["responses"]),
                     t("Headcount"): fmt.number(row["headcount"]),  # "—" when unknown
                     t("Response rate"): fmt.pct(row["response_rate"]),
                     t("Note"): voice_charts.flag_label(row["flag"])})
    columns = [t("Wave"), t("Group"), t("Responses"), t("Headcount"), t("Response rate"), t("Note")]
    shown = pd.DataFrame([{c: r.get(c, "") for c in columns} for r in rows], columns=columns)
    st.dataframe(shown, hide_index=True, width="stretch", column_config=NOTE_WIDTH)
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
    shown = table.assign(enps=table["enps"].map(lambda v: fmt.signed(v)),
                         margin_of_error=table["margin_of_error"].map(lambda v: "± " + fmt.number(v)),
                         win_rate=table["win_rate"].map(fmt.pct),
                         pipeline_velocity_per_day=table["pipeline_velocity_per_day"].map(fmt.number))
    columns = {"group": t("Team"), "wave": t("Wave"), "responses": t("Responses"), "enps": "eNPS",
               "margin_of_error": t("Margin of error (95 %)"), "won": t("Won"), "lost": t("Lost"),
               "win_rate": t("Win rate"), "pipeline_velocity_per_day": t("Velocity per day")}
    st.dataframe(shown[list(columns)].rename(columns=columns), hide_index=True, width="stretch")
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

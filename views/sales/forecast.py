"""Forecast page: won + expected per month or quarter with its P10-P90 range, configured vs calibrated
probabilities, the run-rate projection, what-if scenarios (saved, compared, reset), forecast categories,
quotas and coverage, and the accuracy of past forecasts. Every number comes from analytics/."""
from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from analytics.sales import deals, quotas, scenarios
from analytics.sales import forecast as fc
from analytics.sales import new_deals as nd
from ui import auth, calls_section, common, fmt, grids, reasons
from ui.charts import forecast as charts_forecast
from ui.filters import deal_filters, stop_without_deals
from ui.i18n import t

auth.require_permission("sales")  # defence in depth: the navigation already hides it from others
st.title(t("Forecast"))
st.caption(t("What the pipeline should bring in: won so far plus each open deal's amount × its win probability, "
             "by expected close date, with a likely range, quotas and what-if scenarios."))

flt, date_from, date_to = deal_filters("forecast")
stop_without_deals()

GRAIN_LABELS = {"month": "Monthly", "quarter": "Quarterly"}
PROBABILITY_LABELS = {"configured": "Configured", "calibrated": "Calibrated"}
LEVER_LABELS = {
    "win_multiplier": "Win probability (± %)",
    "deal_size_change": "Average deal size (%)",
    "cycle_days": "Sales cycle (days)",
    "new_pipeline_change": "New pipeline per month (%)",
    "slip_rate": "Slip rate (%)",
}
LEVER_HELP = {
    "win_multiplier": "Every open deal's win probability goes up or down by this share, capped at 100 %: at +10 %, "
                      "a deal at 40 % counts at 44 %.",
    "deal_size_change": "Every open deal, and the deals not created yet, are this much bigger or smaller.",
    "cycle_days": "Expected close dates move by this many days: deals move between months.",
    "new_pipeline_change": "More or fewer new deals created each month: changes the run-rate projection only.",
    "slip_rate": "Share of each month's expected amount pushed to the next month.",
}
# slider: (min, max, step, baseline); every slider moves by whole numbers (no decimal mark to localise: st.slider
# words its numbers itself). Percentages are stored as fractions; the win probability lever is a change in
# percent (+10 = ×1.1), which reads like its neighbours, where a multiplier would read "1.10" even in French.
LEVER_RANGES = {
    "win_multiplier": (-50, 50, 5, 0),
    "deal_size_change": (-50, 50, 5, 0),
    "cycle_days": (-60, 90, 5, 0),
    "new_pipeline_change": (-50, 100, 5, 0),
    "slip_rate": (0, 100, 5, 0),
}
PERCENT_LEVERS = ("deal_size_change", "new_pipeline_change", "slip_rate")
MULTIPLIER_LEVERS = ("win_multiplier",)   # shown as the change in percent: 1.1 on the slider is +10
TABLE_LABELS = {
    "period": "Period", "won_amount": "Won", "expected": "Expected", "forecast": "Forecast", "p10": "P10",
    "p50": "P50", "p90": "P90", "open_count": "Open deals", "projection": "Projection (run rate)",
    "expected_configured": "Expected (configured p)", "forecast_configured": "Forecast (configured p)",
    "expected_calibrated": "Expected (calibrated p)", "forecast_calibrated": "Forecast (calibrated p)",
    "p10_configured": "P10 (configured p)", "p90_configured": "P90 (configured p)",
    "p10_calibrated": "P10 (calibrated p)", "p90_calibrated": "P90 (calibrated p)",
    "difference": "Calibrated − configured", "baseline_total": "Baseline", "scenario_total": "Scenario",
    "delta": "Difference", "closed": "Closed", "commit": "Commit", "best_case": "Best Case",
    "pipeline": "Pipeline", "omitted": "Omitted", "uncategorised": "Uncategorised",
    "commit_forecast": "Commit forecast", "best_case_forecast": "Best Case forecast",
    "pipeline_forecast": "Pipeline forecast", "owner": "Owner", "quota": "Quota", "remaining": "Remaining",
    "open_amount": "Open in period", "coverage": "Coverage", "gap": "Gap to quota", "attainment": "Attainment",
    "snapshot_on": "Snapshot", "months_ahead": "Months ahead", "actual": "Won (actual)", "error": "Error",
    "abs_pct_error": "Absolute % error", "snapshots": "Snapshots", "mean_error": "Mean error", "mape": "MAPE",
    "last_forecast": "Last forecast",
    "expected_open": "From open deals", "expected_new": "From deals not created yet",
    "forecast_with_new": "Total with deals not created yet", "p10_with_new": "P10 with deals not created yet",
    "p50_with_new": "P50 with deals not created yet", "p90_with_new": "P90 with deals not created yet",
}
NEW_DEAL_REASON_LABELS = {   # analytics.sales.new_deals REASONS: why the part of deals not created yet is absent
    "no_deals": "no deal imported.",
    "no_created_dates": "the exports have no created date.",
    "no_deals_created": "no deal was created from {first} to {last}.",
    "no_won_deals": "no deal with an amount was won from {first} to {last}.",
    "no_cycle": "no deal won from {first} to {last} has both a created and a close date (no sales cycle).",
}
METHOD_LABELS = {
    "monte_carlo": "10,000 simulations of every open deal",
    "mixed": "10,000 simulations of the 200 deals that weigh most, a normal approximation for the others",
    "normal": "normal approximation",
    "none": "no open deal in the period",
}
RERUN_PAGE = "forecast_rerun_page"   # app state (no widget): set by a callback that changed saved scenarios
RATIO_COLUMNS = ("coverage", "attainment", "abs_pct_error", "mape")


def controls() -> tuple[str, str, bool]:
    left, mid, right = st.columns([1.2, 1.6, 1.6])
    grain = left.radio(t("Periods"), list(GRAIN_LABELS), format_func=lambda g: t(GRAIN_LABELS[g]),
                       horizontal=True, key="forecast_grain")
    probability = mid.radio(t("Win probabilities"), list(PROBABILITY_LABELS), horizontal=True,
                            format_func=lambda p: t(PROBABILITY_LABELS[p]), key="forecast_probability",
                            help=t("Configured: the exported probability, else the stage's. Calibrated: the share "
                                   "of closed deals that reached the stage and were won."))
    projection = right.toggle(t("Run-rate projection"), value=True, key="forecast_projection",
                              help=t("Adds what deals not created yet should bring: recent new deals per month × "
                                     "win rate × average won deal, from one sales cycle after the latest snapshot."))
    return grain, probability, projection


def in_window(frame: pd.DataFrame, grain: str) -> pd.DataFrame:
    """The rows whose period overlaps the sidebar period (every row when none is chosen)."""
    if frame.empty or (date_from is None and date_to is None):
        return frame.reset_index(drop=True)
    starts = pd.to_datetime(frame["period_start"])
    ends = starts + pd.DateOffset(months=fc.GRAINS[grain]) - pd.Timedelta(days=1)
    keep = pd.Series(True, index=frame.index)
    if date_from is not None:
        keep &= ends >= pd.Timestamp(date_from)
    if date_to is not None:
        keep &= starts <= pd.Timestamp(date_to)
    return frame[keep].reset_index(drop=True)


def kpi_row(forecast: fc.Forecast, currency: str | None, projection: bool) -> None:
    first = forecast.periods.iloc[0]
    money = lambda v: fmt.money_short(v, currency)  # noqa: E731
    # three tiles a row: five in one row cut their labels and the range's value ("2 M € – 2,…") at 1,400 px
    cells = [*st.columns(3), *st.columns(3)[:2 if projection else 1]]
    cells[0].metric(t("Forecast {period}", period=fmt.period(first.period)), money(first.forecast),
                    help=t("Won in the period + expected from the open deals closing in it."))
    cells[1].metric(t("Won so far"), money(first.won_amount))
    cells[2].metric(t("Expected from open deals"), money(first.expected),
                    help=t("Sum of amount × win probability of the open deals closing in the period; past-due "
                           "deals count in the current period."))
    cells[3].metric(t("Likely range (P10–P90)"), f"{money(first.p10)} – {money(first.p90)}",
                    help=t("8 times out of 10 the period ends in this range, if each deal is won with its "
                           "probability independently. Method: {method}.", method=t(METHOD_LABELS[first.method])))
    if projection:
        new_deals_metric(cells[4], forecast, first, money)
    notes = []
    if forecast.no_close_date:
        notes.append(t("{n} open deals without a close date are not in the forecast.",
                       n=fmt.number(forecast.no_close_date)))
    if forecast.past_due_in_first_month:
        notes.append(t("{n} past-due open deals count in the current period.",
                       n=fmt.number(forecast.past_due_in_first_month)))
    if notes:
        st.caption(" ".join(notes))


def new_deals_metric(cell, forecast: fc.Forecast, first, money) -> None:
    """The first period's part of deals not created yet, apart from the open deals, with the range of the total."""
    if not forecast.new_deals.available:
        cell.metric(t("From deals not created yet"), "—", help=new_deals_absent(forecast.new_deals))
        return
    cell.metric(t("From deals not created yet"), money(first.expected_new),
                help=t("Expected from deals created after the latest snapshot and won in the period (none closes "
                       "before {start}). With them, the period's total is {total}, likely between {low} and {high}.",
                       start=fmt.date(forecast.new_deals.starts_on), total=money(first.forecast_with_new),
                       low=money(first.p10_with_new), high=money(first.p90_with_new)))


def new_deals_absent(model: nd.NewDealModel) -> str:
    """Why the part of deals not created yet is absent, in the reader's words."""
    return t("Not enough history for deals not created yet: {why}", why=t(
        NEW_DEAL_REASON_LABELS[model.reason], first=fmt.date(model.window_from) if model.window_from else "",
        last=fmt.date(model.window_to) if model.window_to else ""))


# --- what-if ----------------------------------------------------------------------------------------

def lever_key(name: str) -> str:
    return f"forecast_{name}"


def slider_values(scenario: scenarios.Scenario) -> dict[str, int]:
    """Slider positions for a scenario: percent levers as whole percents, a multiplier as its change in percent
    (×1.1 = +10), days as they are."""
    def position(name: str) -> int:
        value = getattr(scenario, name)
        if name in MULTIPLIER_LEVERS:
            return round((value - 1) * 100)
        return round(value * 100) if name in PERCENT_LEVERS else round(value)
    return {name: position(name) for name in LEVER_RANGES}


def lever_value(name: str, position: int) -> float:
    """A lever's value in the scenario from its slider position (the inverse of ``slider_values``)."""
    if name in MULTIPLIER_LEVERS:
        return 1 + position / 100
    return position / 100 if name in PERCENT_LEVERS else position


def set_sliders(scenario: scenarios.Scenario) -> None:
    """Move every slider to a scenario (a button callback: runs before the sliders are drawn)."""
    for name, value in slider_values(scenario).items():
        st.session_state[lever_key(name)] = value


def lever_sliders() -> scenarios.Scenario:
    for name, value in slider_values(scenarios.BASELINE).items():
        st.session_state.setdefault(lever_key(name), value)
    values = {}
    for name, (low, high, step, _) in LEVER_RANGES.items():
        picked = st.slider(t(LEVER_LABELS[name]), low, high, step=step, key=lever_key(name),
                           help=t(LEVER_HELP[name]))
        values[name] = lever_value(name, picked)
    st.button(t("Reset to baseline"), key="forecast_reset", on_click=set_sliders, args=(scenarios.BASELINE,),
              icon=":material/restart_alt:", width="stretch")
    return scenarios.Scenario(**values)


def chart_frame(inputs: scenarios.ScenarioInputs, scenario: scenarios.Scenario, forecast: fc.Forecast,
                grain: str, projection: bool) -> pd.DataFrame:
    """Baseline and scenario per period, with the baseline's P10-P90 (open deals, and with deals not created yet);
    totals without the projection when off."""
    frame = scenarios.compare(inputs, scenario, grain).merge(
        forecast.periods[["period", "p10", "p90", "forecast_with_new", "p10_with_new", "p90_with_new"]],
        on="period", how="left")
    if not projection:
        frame["baseline_total"], frame["scenario_total"] = frame["baseline_forecast"], frame["scenario_forecast"]
        frame["delta"] = frame["scenario_total"] - frame["baseline_total"]
    return in_window(frame, grain)


@st.fragment
def what_if(forecast: fc.Forecast, inputs: scenarios.ScenarioInputs, saved: pd.DataFrame, grain: str,
            projection: bool, currency: str | None) -> None:
    """The forecast chart with the scenario on it, and the levers beside it: a slider move reruns only this part,
    and only the scenario arithmetic: the aggregates and the saved scenarios come in as arguments (no database
    access), and saving a scenario reruns the whole page."""
    if st.session_state.pop(RERUN_PAGE, False):
        st.rerun()   # the saved scenarios changed: the whole page reads them again
    chart, levers = st.columns([3, 1])
    with levers:
        st.markdown(f"**{t('What if…')}**")
        scenario = lever_sliders()
    compared = st.session_state.get("forecast_compare", [])
    frame = chart_frame(inputs, scenario, forecast, grain, projection)
    if frame.empty:
        chart.info(t("No period of the forecast falls in the chosen period."))
        return
    others = compared_totals(inputs, saved, compared, grain, projection, frame)
    with chart:
        st.plotly_chart(charts_forecast.forecast_chart(frame, currency, projection=projection,
                                                       scenario=scenario != scenarios.BASELINE, compared=others),
                        width="stretch", key="forecast_chart")
    delta_row(frame, scenario, currency, projection)  # full width: each total's label reads whole
    scenario_tools(scenario, saved, frame, others, currency)


def delta_row(frame: pd.DataFrame, scenario: scenarios.Scenario, currency: str | None, projection: bool) -> None:
    """Totals over the periods on the chart: what is won or in open deals apart from what deals not created yet
    should bring (a forecast, not pipeline), then the scenario's change."""
    money = lambda v: fmt.money_short(v, currency)  # noqa: E731
    base, other = frame["baseline_total"].sum(), frame["scenario_total"].sum()
    moved = scenario != scenarios.BASELINE
    first = frame.iloc[0]
    cells = iter([*st.columns(2), *st.columns(2)] if projection else st.columns(3))  # labels read whole
    change = lambda value: fmt.kpi_delta(value if moved else None, "money", currency=currency)  # noqa: E731
    next(cells).metric(t("Won and from open deals, periods shown"), money(frame["baseline_forecast"].sum()),
                       help=t("Won {won} + from open deals {open}.", won=money(frame["won_amount"].sum()),
                              open=money(frame["baseline_expected"].sum())))
    if projection:
        next(cells).metric(t("From deals not created yet, periods shown"), money(frame["baseline_projection"].sum()),
                           help=t("A forecast, not pipeline: deals created after the latest snapshot and won in the "
                                  "periods shown. With them the baseline's total is {total}.", total=money(base)))
    next(cells).metric(t("Scenario, periods shown"), money(other), **change(other - base),
                       help=(t("Won {won} + from open deals {open} + from deals not created yet {new}.",
                               won=money(frame["won_amount"].sum()), open=money(frame["scenario_expected"].sum()),
                               new=money(frame["scenario_projection"].sum())) if projection else "")
                       + " " + t("The scenario's total minus the baseline's, over the periods on the chart."))
    next(cells).metric(t("Scenario {period}", period=fmt.period(first.period)), money(first.scenario_total),
                       **change(first.delta))
    if not moved:
        st.caption(t("Move a slider to see a scenario beside the baseline."))


def compared_totals(inputs, saved: pd.DataFrame, names: list[str], grain: str, projection: bool,
                    frame: pd.DataFrame) -> dict[str, pd.Series]:
    """{saved scenario name: its totals on the periods of ``frame``}."""
    column = "total" if projection else "forecast"
    out = {}
    for _, row in saved[saved["name"].isin(names)].iterrows():
        totals = scenarios.apply(inputs, scenarios.scenario_from_row(row), grain).set_index("period")[column]
        out[row["name"]] = totals.reindex(frame["period"]).fillna(0.0).reset_index(drop=True)
    return out


def delete_scenario(name: str) -> None:
    """Button callback: delete a saved scenario and forget it in the pickers (widgets not drawn yet)."""
    common.write(scenarios.delete_scenario, name)
    st.session_state["forecast_saved_pick"] = None
    st.session_state["forecast_compare"] = [n for n in st.session_state.get("forecast_compare", []) if n != name]
    st.session_state[RERUN_PAGE] = True


def scenario_tools(scenario: scenarios.Scenario, saved: pd.DataFrame, frame: pd.DataFrame,
                   others: dict[str, pd.Series], currency: str | None) -> None:
    save, load, compare = st.columns([1.2, 1.2, 1.6])
    with save:
        name = st.text_input(t("Scenario name"), key="forecast_scenario_name", placeholder=t("e.g. Q1 push"))
        if st.button(t("Save scenario"), key="forecast_save_scenario", icon=":material/save:"):
            try:
                stored = common.write(scenarios.save_scenario, name, scenario)
            except ValueError as exc:
                st.error(str(exc))
            else:
                st.toast(t("Scenario “{name}” saved.", name=stored))
                st.rerun()
    names = list(saved["name"])
    with load:
        picked = st.selectbox(t("Saved scenarios"), names, index=None, key="forecast_saved_pick",
                              placeholder=t("None saved yet") if not names else t("Choose a scenario"))
        chosen = saved[saved["name"] == picked]
        buttons = st.columns(2)
        buttons[0].button(t("Load"), key="forecast_load_scenario", disabled=chosen.empty, on_click=set_sliders,
                          args=(scenarios.scenario_from_row(chosen.iloc[0]),) if not chosen.empty else None)
        buttons[1].button(t("Delete"), key="forecast_delete_scenario", disabled=chosen.empty,
                          on_click=delete_scenario, args=(picked,))
    with compare:
        st.multiselect(t("Compare with saved scenarios"), names, key="forecast_compare",
                       placeholder=t("Choose scenarios"))
    comparison_table(frame, others, currency)


def comparison_table(frame: pd.DataFrame, others: dict[str, pd.Series], currency: str | None) -> None:
    table = frame[["period", "baseline_total", "scenario_total", "delta"]].copy()
    for name, totals in others.items():
        table[name] = totals.to_numpy()
    with st.expander(t("Baseline and scenarios by period")):
        show_table(table, currency, "forecast_scenario")


# --- tables --------------------------------------------------------------------------------------

def show_table(table: pd.DataFrame, currency: str | None, name: str) -> None:
    """A table with translated headers, periods by name, amounts in the currency, ratios as percentages (coverage
    as ×), and its downloads (raw numbers, translated headers)."""
    kinds: dict[str, object] = {"period": "period"}
    for column in table.columns:
        if column == "coverage":
            kinds[column] = lambda v: f"{fmt.number(v, 2)}×"
        elif column in RATIO_COLUMNS:
            kinds[column] = "rate"
        elif pd.api.types.is_float_dtype(table[column]):
            kinds[column] = "money"
    labels = {column: t(TABLE_LABELS[column]) for column in table.columns if column in TABLE_LABELS}
    shown = fmt.table(table, kinds, labels, currency=currency)
    common.table(shown)
    # written when a button is clicked, not on every view: four workbooks took 0.14 s of each cold view at 1M deals
    common.downloads(partial(fmt.export, table, labels), name, name, f"forecast_dl_{name}")


def forecast_table(found: dict[str, fc.Forecast], grain: str, currency: str | None) -> None:
    """Configured beside calibrated (``fc.forecast_pair``: both from one read of the deals)."""
    st.subheader(t("Configured vs calibrated probabilities"))
    both = fc.side_by_side(found["configured"], found["calibrated"])
    show_table(in_window(both, grain).drop(columns="period_start"), currency, "forecast")
    st.caption(t("Calibrated: each stage's probability is the share of closed deals that reached it and were won "
                 "(see the Pipeline page), instead of the configured one."))


def new_deals_caption(model: nd.NewDealModel, currency: str | None) -> None:
    """How the part of deals not created yet (the hatched bars and the wider range) is worked out, or why it is
    absent."""
    if not model.available:
        st.caption(new_deals_absent(model))
        return
    st.caption(t("From deals not created yet (hatched) = a forecast, not pipeline. Over the last {months} complete "
                 "months ({first} to {last}): {n} new deals a month × win rate {rate} × average won deal {avg} = "
                 "{total} a month, from {start} on (one median sales cycle of those months, {days} days, after the "
                 "latest snapshot). These are the Pipeline page's win rate, average won deal and sales cycle for "
                 "those months; its tiles cover the period chosen in the sidebar. The range counts the new wins as "
                 "random (Poisson) and draws each win's amount from the deals won in those months.",
                 months=fmt.number(model.lookback_months), n=fmt.number(model.created_per_month, 1),
                 rate=fmt.pct(model.win_rate),
                 avg=fmt.money(model.mean_won, currency), total=fmt.money(model.expected_per_month, currency),
                 start=fmt.date(model.starts_on), days=fmt.number(model.cycle_days),
                 first=fmt.date(model.window_from), last=fmt.date(model.window_to)))


def new_deals_table(forecast: fc.Forecast, grain: str, currency: str | None) -> None:
    """Per period, the open deals' part and the part of deals not created yet apart, and both ranges."""
    if not forecast.new_deals.available:
        return
    table = in_window(forecast.periods, grain).rename(columns={"expected": "expected_open"})[
        ["period", "won_amount", "expected_open", "expected_new", "forecast_with_new", "p10", "p90", "p10_with_new",
         "p50_with_new", "p90_with_new"]]
    with st.expander(t("From open deals and from deals not created yet, by period")):
        show_table(table, currency, "forecast_new_deals")


def categories_section(grain: str, currency: str | None) -> None:
    st.subheader(t("Forecast categories"))
    table = in_window(common.fetch(fc.forecast_categories, grain=grain, flt=flt), grain)
    if table.empty:
        st.info(t("These exports have no forecast category (Salesforce and HubSpot can export one: Pipeline, Best "
                  "Case, Commit, Closed, Omitted)."), icon=":material/category:")
        return
    show_table(table.drop(columns="period_start"), currency, "forecast_categories")
    st.caption(t("Amounts of the open deals closing in the period by category, won deals as Closed. Commit "
                 "forecast = Closed + Commit; Best Case forecast = + Best Case; Pipeline forecast = every category "
                 "but Omitted."))


# --- quotas ---------------------------------------------------------------------------------------

def quota_section(grain: str, probability: str, currency: str | None, as_of: dt.date) -> None:
    st.subheader(t("Quota and coverage"))
    editor, gauge = st.columns([2, 3])
    with editor:
        quota_editor()
    table = common.fetch(quotas.coverage, flt=flt, probability=probability)
    if table.empty:
        gauge.info(t("Enter a quota for a month (2026-12), a quarter (2026-Q4) or a year, for the team (no owner) "
                     "or an owner, and save: coverage and the gap to quota appear here."), icon=":material/flag:")
        return
    with gauge:
        quota_gauge(table, fc.period_label(fc.period_start(as_of, grain), grain), currency)
    with st.expander(t("Every quota")):
        show_table(table, currency, "forecast_coverage")


def quota_editor() -> None:
    current = common.fetch(quotas.get_quotas)
    owners = common.fetch(deals.filter_choices).get("owner", [])
    edited = st.data_editor(  # amounts as text worded by ui.fmt: the editor's "localized" follows the browser
        grids.as_text(current, {"amount": "factor"}), num_rows="dynamic", hide_index=True, width="stretch",
        key="forecast_quota_editor",
        column_config={
            "period": st.column_config.TextColumn(t("Period"), help=t("2026-12, 2026-Q4 or 2026"), required=True),
            "owner": st.column_config.SelectboxColumn(t("Owner"), options=owners,
                                                      help=t("Blank = the team (the deals the filters keep).")),
            "amount": st.column_config.TextColumn(t("Quota"), required=True),
        }, placeholder=fmt.MISSING)
    if st.button(t("Save quotas"), key="forecast_save_quotas", type="primary", icon=":material/save:"):
        try:
            count = common.write(quotas.save_quotas, grids.read_back(edited, {"amount": "factor"},
                                                                     {"amount": t("Quota")}))
        except grids.CellError as exc:
            st.error(grids.refusal(exc), icon=":material/block:")
            return
        except quotas.QuotaError as exc:
            st.error(reasons.quota_refusal(exc), icon=":material/block:")
            return
        st.toast(t("{n} quotas saved.", n=fmt.number(count)))
        st.rerun()


def quota_gauge(table: pd.DataFrame, current: str, currency: str | None) -> None:
    labels = [f"{fmt.period(row.period)} · {row.owner or t('team')}" for row in table.itertuples()]
    default = next((i for i, row in enumerate(table.itertuples()) if row.period == current and not row.owner), 0)
    index = st.selectbox(t("Quota"), range(len(labels)), index=default, format_func=labels.__getitem__,
                         key="forecast_quota_pick")
    row = table.iloc[index]
    money = lambda v: fmt.money_short(v, currency)  # noqa: E731
    left, right = st.columns([1.2, 1])
    left.plotly_chart(charts_forecast.coverage_gauge(None if pd.isna(row.coverage) else row.coverage,
                                                     t("Coverage of the remaining quota")),
                      width="stretch", key="forecast_gauge")
    right.metric(t("Quota"), money(row.quota), help=t("Attainment: {pct} won.", pct=fmt.pct(row.attainment)))
    right.metric(t("Won so far"), money(row.won_amount))
    right.metric(t("Gap to quota"), money(row.gap), help=t("Quota − forecast (won + expected). Negative: the "
                                                          "forecast is above the quota."))
    st.caption(t("Coverage = open amount closing in the period ({open}) ÷ quota still to win ({remaining}). A common "
                 "rule of thumb is 3×.", open=money(row.open_amount), remaining=money(row.remaining))
               if pd.notna(row.coverage) else t("The quota is met: nothing left to cover."))


# --- accuracy ---------------------------------------------------------------------------------------

def accuracy_section(probability: str, currency: str | None) -> None:
    st.subheader(t("Forecast accuracy"))
    detail = common.fetch(fc.forecast_accuracy, flt=flt, probability=probability)
    if detail.empty:
        st.info(t("Accuracy appears once a month has closed that earlier snapshots forecast: keep importing the "
                  "weekly export."), icon=":material/history:")
        return
    st.plotly_chart(charts_forecast.accuracy_chart(detail, currency), width="stretch", key="forecast_accuracy")
    show_table(fc.accuracy_by_month(detail).drop(columns="period_start"), currency, "forecast_accuracy")
    st.caption(t("MAPE = mean of |forecast − won| ÷ won over the snapshots that forecast the month."))


def main() -> None:
    grain, probability, projection = controls()
    currency = common.fetch(deals.reporting_currency).code
    pair = common.fetch(fc.forecast_pair, grain=grain, flt=flt, with_new_deals=True)  # both probabilities at once
    forecast = pair[probability]
    if forecast.periods.empty:
        st.info(t("No open or won deal to forecast."))
        return
    kpi_row(forecast, currency, projection)
    # the what-if projection uses the same history as the part of deals not created yet: the same numbers
    inputs = common.fetch(scenarios.scenario_inputs, flt=flt, probability=probability,
                          lookback_months=nd.LOOKBACK_MONTHS, rates=fc.run_rate_of(forecast.new_deals))
    what_if(forecast, inputs, common.fetch(scenarios.list_scenarios), grain, projection, currency)
    if projection:
        new_deals_caption(forecast.new_deals, currency)
        new_deals_table(forecast, grain, currency)
    forecast_table(pair, grain, currency)
    categories_section(grain, currency)
    quota_section(grain, probability, currency, forecast.as_of)
    accuracy_section(probability, currency)


with common.user_errors():
    with common.shared_reads():  # the page's reads through one connection, closed when it is drawn
        main()
        calls_section.render()  # forecast calls: entry, roll-up by team, accuracy, import (ui/calls_section.py)

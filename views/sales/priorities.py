"""Priorities page: which open deals to work on this week (ranked by expected value, with flags, a next
action and the factors behind each score), what the deals we win have in common, and how well the score
predicted held-back deals. Every number comes from analytics/priorities.py."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.sales import deals
from analytics.sales import priorities as prio
from ui import auth, common, fmt, sales_tables
from ui.charts import priorities as charts_priorities
from ui.filters import deal_filters, stop_without_deals
from ui.i18n import t
from ui.reasons import attribute_label, factor_text, flag_label, next_action, value_label, why_text

auth.require_permission("sales")  # defence in depth: the navigation already hides it from others
st.title(t("Priorities"))
st.caption(t("Which open deals to work on this week, and what the deals we win have in common."))

flt, date_from, date_to = deal_filters("priorities")
stop_without_deals()


SCORE_HELP = {
    "score": "Estimated chance of winning: the win rate of past deals that reached the same stage, adjusted "
             "by the factors in the last column.",
    "expected_value": "Score × amount: what the deal is worth this week, weighted by its chance.",
}


def model_note(result: prio.Priorities) -> None:
    check = result.calibration
    drivers = ", ".join(attribute_label(a) for a in result.model.drivers)
    if check.brier_drivers is None:
        st.info(t("Score = the win rate of past deals that reached the same stage. There are too few closed deals "
                  "to test whether the win drivers improve it, so the simpler stage-only score is used."),
                icon=":material/info:")
    elif check.driver_is_better:
        st.success(t("Score = the win rate of past deals that reached the same stage, adjusted for {drivers}. "
                     "On the latest closed deals, held back from the estimate, it predicted better than the stage "
                     "alone (prediction error {driver} against {stage}; lower is better).", drivers=drivers,
                     driver=fmt.number(check.brier_drivers, 3), stage=fmt.number(check.brier_stage, 3)),
                   icon=":material/verified:")
    else:
        st.warning(t("Score = the win rate of past deals that reached the same stage. Adjusting it for the win "
                     "drivers did not predict the latest closed deals better (prediction error {driver} against "
                     "{stage}), so the simpler stage-only score is used.",
                     driver=fmt.number(check.brier_drivers, 3), stage=fmt.number(check.brier_stage, 3)),
                   icon=":material/rule:")


def headline(ranked: pd.DataFrame, currency: str | None) -> None:
    cells = st.columns(4)
    cells[0].metric(t("Open deals"), fmt.number(len(ranked)))
    expected = sales_tables.expected_value_text(ranked["expected_value"], currency)
    if expected is None:  # no open deal has an amount: unknown, not 0
        cells[1].metric(t("Expected value"), t("Unknown"),
                        help=t("No open deal has a known amount, so the expected value is unknown."))
    else:
        cells[1].metric(t("Expected value"), expected, help=t(SCORE_HELP["expected_value"]))
    flagged = int(sum(1 for flags in ranked["flags"] if flags))
    cells[2].metric(t("Deals needing an update"), fmt.number(flagged),
                    help=t("Open deals with at least one flag."))
    closing = int(sum("closing_this_month" in flags for flags in ranked["flags"]))
    cells[3].metric(t("Closing this month"), fmt.number(closing))


def why_texts(ranked: pd.DataFrame) -> list[str]:
    """The ``why`` column in words; deals share a few factor combinations, each worded once."""
    worded: dict[str, str] = {}
    for why in ranked["why"]:
        if repr(why) not in worded:
            worded[repr(why)] = why_text(why)
    return [worded[repr(why)] for why in ranked["why"]]


def shown_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """The ranked list with translated flags, actions and factors (lists stay lists for the chips)."""
    return pd.DataFrame({
        "rank": ranked["rank"], "name": ranked["name"].fillna(ranked["deal_id"]), "owner": ranked["owner"],
        "score": (ranked["score"] * 100).round(1), "expected_value": ranked["expected_value"].round(),
        "flags": [[flag_label(f) for f in flags] for flags in ranked["flags"]],
        "next_action": [next_action(a) for a in ranked["action"]],
        "stage": ranked["stage"], "value": ranked["value"], "close_on": ranked["close_on"],
        "why": why_texts(ranked),
    })


def priority_section(result: prio.Priorities, currency: str | None) -> None:
    st.subheader(t("Where to spend this week"))
    ranked = result.deals
    if ranked.empty:
        st.info(t("No open deal matches the filters."))
        return
    headline(ranked, currency)
    chosen = st.pills(t("Show only deals flagged"), list(prio.FLAGS), selection_mode="multi",
                      format_func=flag_label, key="priorities_flag_filter")
    if chosen:
        ranked = ranked[[any(f in flags for f in chosen) for flags in ranked["flags"]]].reset_index(drop=True)
    if ranked.empty:
        st.info(t("No open deal has these flags."))
        return
    shown = shown_table(common.shown_head(ranked))  # a million deals' list is read from the downloads, not drawn
    table = fmt.table(shown, {"rank": None, "score": None, "expected_value": "money", "flags": None,
                              "value": "money", "close_on": "date"},
                      {"rank": "#", "name": t("Deal"), "owner": t("Owner"), "expected_value": t("Expected value"),
                       "next_action": t("Next action"), "stage": t("Stage"), "value": t("Amount"),
                       "why": t("What moved the score")},
                      currency=currency, helps={"expected_value": t(SCORE_HELP["expected_value"])})
    event = st.dataframe(
        table.frame, hide_index=True, width="stretch", height=460, on_select="rerun",
        selection_mode="single-row", key="priorities_table",
        column_config={
            **table.column_config,
            "score": st.column_config.ProgressColumn(t("Score"), min_value=0, max_value=100,
                                                     format=fmt.editor_format("percent"),  # 99 % in French
                                                     help=t(SCORE_HELP["score"]), width="small"),
            "flags": st.column_config.ListColumn(t("Flags"), width="medium"),
        }, placeholder=fmt.MISSING)
    st.caption(t("Select a row to see how its score is built."))
    rows = event.selection.rows if event is not None else []
    if rows:
        deal_detail(ranked.iloc[rows[0]], currency)
    labels = {"rank": "#", "deal_id": t("Deal id"), "name": t("Deal"), "owner": t("Owner"), "pipeline": t("Pipeline"),
              "stage": t("Stage"), "value": t("Amount"), "close_on": t("Close date"), "score": t("Score"),
              "expected_value": t("Expected value"), "flags": t("Flags"), "next_action": t("Next action"),
              "why": t("What moved the score")}
    # every row, worded only when a button is clicked (seconds at a million deals)
    common.downloads(lambda: fmt.export(export_table(ranked), labels), "priorities", "priorities",
                     "priorities_dl_list")


def deal_detail(deal: pd.Series, currency: str | None) -> None:
    with st.container(border=True):
        # names come from the imported files: fmt.plain shows them as typed, never as Markdown or HTML
        st.markdown(f"**{fmt.plain(deal['name'] or deal['deal_id'])}** · "
                    f"{fmt.plain(deal['owner']) if deal['owner'] else t('(blank)')} · {fmt.plain(deal['stage'])}")
        lines = [t("Past deals that reached {stage} in {pipeline}: {rate} won.", stage=fmt.plain(deal["stage"]),
                   pipeline=fmt.plain(deal["pipeline"]), rate=fmt.pct(deal["stage_rate"]))]
        lines += ["- " + fmt.plain(factor_text(f)) for f in deal["factors"]]
        if not deal["factors"]:
            lines.append("- " + t("No factor applies: the score is the stage's win rate."))
        st.markdown("\n".join(lines))
        odds = [fmt.number(deal["stage_rate"] / (1 - deal["stage_rate"]), 2)]
        odds += [fmt.number(f["factor"], 2) for f in deal["factors"]]
        final = deal["score"] / (1 - deal["score"]) if deal["score"] < 1 else None
        st.markdown(t("Odds {product} = {odds}, so a score of **{score}**; × amount {amount} = expected value "
                      "**{value}**.", product=" × ".join(odds), odds=fmt.number(final, 2),
                      score=fmt.pct(deal["score"]), amount=fmt.money(deal["value"], currency),
                      value=fmt.money(deal["expected_value"], currency)))
        st.caption(t("Factors multiply the odds (chance of winning ÷ chance of losing). Each one compares past deals "
                     "with the same value at this stage to all deals at this stage, shrunk toward the stage when few "
                     "deals share it, and capped at ×3."))
        st.markdown(f"**{t('Next action')}:** {next_action(deal['action'])}")


def export_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """The list as a flat table for CSV / Excel (flags and factors as text)."""
    table = ranked[["rank", "deal_id", "name", "owner", "pipeline", "stage", "value", "close_on", "score",
                    "expected_value"]].copy()
    table["flags"] = [", ".join(flag_label(f) for f in flags) for flags in ranked["flags"]]
    table["next_action"] = [next_action(a) for a in ranked["action"]]
    table["why"] = why_texts(ranked)
    return table


def drivers_section(result: prio.Priorities, currency: str | None) -> None:
    st.subheader(t("What wins deals"))
    table = result.drivers
    minimum = common.settings()["min_closed_for_driver"]
    if table.empty:
        st.info(t("No closed deal yet: win drivers need won and lost deals."))
        return
    labels = {a: attribute_label(a) for a in table["attribute"].unique()}
    if table["enough_data"].any():
        st.plotly_chart(charts_priorities.drivers_chart(table, labels, currency), width="stretch")
    else:
        st.info(t("No attribute value has {n} closed deals yet.", n=fmt.number(minimum)))
    st.caption(t("Closed deals of the filters (closed in the period when one is set). Whiskers: 95 % interval. "
                 "Only values with at least {n} closed deals are shown (setting).", n=fmt.number(minimum)))
    with st.expander(t("All attribute values, including those with not enough data")):
        values = [value_label(v, a) for v, a in zip(table["value"], table["attribute"], strict=True)]
        shown = table.assign(attribute=table["attribute"].map(labels), value=values,
                             status=[t("ranked") if ok else t("not enough data") for ok in table["enough_data"]])
        shown = shown[["rank", "attribute", "value", "closed", "won", "win_rate", "ci_low", "ci_high",
                       "avg_won_amount", "difference", "status"]]
        labels = {"rank": "#", "attribute": t("Attribute"), "value": t("Value"), "closed": t("Closed deals"),
                  "won": t("Won"), "win_rate": t("Win rate"), "ci_low": t("95 % low"), "ci_high": t("95 % high"),
                  "avg_won_amount": t("Average won deal"), "difference": t("Difference from overall"),
                  "status": t("Status")}
        words = fmt.table(shown, {"rank": "count", "closed": "count", "won": "count", "win_rate": "rate",
                                  "ci_low": "rate", "ci_high": "rate", "avg_won_amount": "money",
                                  "difference": "points"}, labels, currency=currency)
        common.table(words)
        common.downloads(fmt.export(shown, labels), "win_drivers", "win_drivers", "priorities_dl_drivers")


def calibration_section(result: prio.Priorities) -> None:
    st.subheader(t("How good is the score?"))
    check = result.calibration
    if check.brier_drivers is None:
        st.info(t("Too few closed deals to hold some back and test the score (at least {train} to learn from and "
                  "{test} to test on).", train=prio.MIN_TRAIN, test=prio.MIN_TEST))
        return
    cells = st.columns(2)  # two wide tiles: the labels are long, the tile would cut them
    cells[0].metric(t("Prediction error, score with win drivers"), fmt.number(check.brier_drivers, 3),
                    help=t("Brier score: the mean of (score − outcome)², outcome 1 = won, 0 = lost, on the "
                           "held-back deals. Lower is better."))
    cells[1].metric(t("Prediction error, stage win rate only"), fmt.number(check.brier_stage, 3),
                    help=t("Brier score of the stage's win rate alone, on the same deals. Lower is better."))
    st.markdown(t("Score used: **{name}** (the lower error).",
                  name=t("score with win drivers") if check.driver_is_better else t("stage win rate only")))
    st.plotly_chart(charts_priorities.reliability_chart(check.reliability), width="stretch")
    st.caption(t("Learnt from the {train} deals closed before {date}, tested on the {test} deals closed since "
                 "({n} predictions: one per stage each deal reached). The list's scores are then learnt from "
                 "every closed deal.", train=fmt.number(check.train_deals), date=fmt.date(check.cut_on),
                 test=fmt.number(check.test_deals), n=fmt.number(check.predictions)))
    stage_warning(result)


def stage_warning(result: prio.Priorities) -> None:
    """Stages no lost deal is known to have reached: their win rate is overstated (METRICS.md 3 counts a
    lost deal without stage history at the first stage only)."""
    rates = result.model.stage_rates
    only_won = rates[(rates["closed"] >= prio.MIN_TEST) & (rates["won"] == rates["closed"])]
    if not only_won.empty:
        stages = ", ".join(f"{row.stage} ({row.pipeline})" for row in only_won.itertuples())
        st.caption(t("No lost deal is known to have reached {stages}: a lost deal without stage history counts at "
                     "the first stage only, so the win rate there is overstated. Stage entry dates in the export "
                     "fix this.", stages=stages))


with common.shared_reads():  # the page's reads through one connection, closed when they are done
    currency = common.fetch(deals.reporting_currency).code
    result = common.fetch(prio.priorities, flt=flt, date_from=date_from, date_to=date_to)
model_note(result)
priority_section(result, currency)
drivers_section(result, currency)
calibration_section(result)

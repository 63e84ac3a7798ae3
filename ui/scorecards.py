"""The rep scorecards worded for the reader: codes (note, coverage reason) as sentences, columns with their
headers, formats and help in the current language (analytics.sales.scorecards returns the numbers and codes)."""
from __future__ import annotations

import pandas as pd

from ui import fmt
from ui.i18n import t

NOTE_LABELS = {"few_closed_deals": "Few closed deals"}
COVERAGE_LABELS = {
    "no_quota": "No quota for the next period",
    "no_closed_deals": "No closed deal yet",
    "no_won_value": "No won deal yet",
}

# column -> (header, format for st.column_config.NumberColumn or None for text, help)
COLUMN_LABELS = {
    "owner": "Owner",
    "deals_created": "Deals created",
    "pipeline_created": "Pipeline created",
    "won": "Won",
    "lost": "Lost",
    "win_rate": "Win rate",
    "win_rate_value": "Win rate by value",
    "avg_won_amount": "Average won deal",
    "sales_cycle_days_median": "Median cycle (days)",
    "slip_rate": "Slip rate",
    "pushes_per_deal": "Pushes per deal",
    "stale_share_now": "Stale share now",
    "model_forecast_abs_pct_error": "Model forecast error (%)",
    "call_abs_pct_error": "Call error (%)",
    "pipeline_needed": "Pipeline needed",
    "quota_period": "Quota period",
    "coverage_reason": "Why no pipeline needed",
    "note": "Note",
}
# columns only in the downloads (the page's table shows COLUMN_LABELS)
EXPORT_LABELS = {
    "deals_open_in_window": "Deals open in the window",
    "slipped_deals": "Deals pushed",
    "close_date_pushes": "Close-date pushes",
    "open_deals_now": "Open deals now",
    "stale_deals_now": "Stale deals now",
    "model_forecast_error": "Model forecast error",
    "win_rate_value_all_time": "Win rate by value, all time",
    "quota_next": "Quota for the next period",
}
COLUMN_HELP = {
    "deals_created": "Deals created in the window.",
    "pipeline_created": "Amount of the deals created in the window.",
    "win_rate": "Won ÷ (won + lost) for deals closed in the window, by count (the Pipeline page's tile for this "
                "owner and period).",
    "win_rate_value": "Won amount ÷ (won + lost amount) for deals closed in the window.",
    "avg_won_amount": "Mean amount of the deals won in the window.",
    "sales_cycle_days_median": "Median days from created to closed for deals won in the window.",
    "slip_rate": "Share of the deals seen open in a snapshot of the window whose close date was pushed later at "
                 "least once from one snapshot to the next.",
    "pushes_per_deal": "Close-date pushes in the window ÷ deals seen open in the window.",
    "stale_share_now": "Share of the owner's open deals that are stale today (no change of stage or amount for the "
                       "stale days of Settings).",
    "model_forecast_abs_pct_error": "Mean absolute error of the model's forecast of the owner's months in the "
                                    "window, as a share of what was won (snapshots before each month).",
    "call_abs_pct_error": "Mean absolute error of the owner's forecast calls (the commit of the last call before "
                          "the period ended) for the periods over that start in the window, as a share of what was "
                          "won (Forecast page, Forecast calls).",
    "pipeline_needed": "Owner's quota for the next period ÷ the owner's win rate by value over all history: the "
                       "pipeline to create to meet it.",
}
PERCENT = ("win_rate", "win_rate_value", "slip_rate", "stale_share_now", "model_forecast_abs_pct_error",
           "call_abs_pct_error")
MONEY = ("pipeline_created", "avg_won_amount", "pipeline_needed")


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """The scorecards with their codes worded, in the order the page shows them (numbers stay numbers)."""
    shown = table[list(COLUMN_LABELS)].copy()
    shown["note"] = [t(NOTE_LABELS[code]) if code else "" for code in table["note"]]
    shown["coverage_reason"] = [t(COVERAGE_LABELS[code]) if code else "" for code in table["coverage_reason"]]
    shown["call_abs_pct_error"] = shown["call_abs_pct_error"].astype(float)
    return shown


KINDS = {"deals_created": "count", "won": "count", "lost": "count", "sales_cycle_days_median": "days",
         "pushes_per_deal": "number:2", "quota_period": "period",
         **{column: "rate" for column in PERCENT}, **{column: "money" for column in MONEY}}


SORTABLE = ("owner", "deals_created", "pipeline_created", "won", "lost", *PERCENT, "avg_won_amount",
            "sales_cycle_days_median", "pushes_per_deal", "pipeline_needed")


def sorted_by(table: pd.DataFrame, column: str, descending: bool) -> pd.DataFrame:
    """The owners ordered by one column's value (not by its formatted text), unknown values last; ties by owner.
    The page's chosen order; a click on a header of the table sorts by value too (ui.fmt.table keeps the numbers
    under the words)."""
    if column not in SORTABLE:
        raise ValueError(f"not a sortable scorecard column: {column}")
    ordered = table.sort_values("owner", kind="stable")
    return ordered.sort_values(column, ascending=not descending, na_position="last", kind="stable")


def formatted(table: pd.DataFrame, currency: str | None) -> fmt.Table:
    """The scorecards as the page shows them: codes worded, every number formatted by ui.fmt (money in the
    currency, rates as percentages, counts with separators, '—' when unknown), headers and help translated."""
    return fmt.table(shown_table(table), KINDS, {column: t(label) for column, label in COLUMN_LABELS.items()},
                     currency=currency, helps={column: t(text) for column, text in COLUMN_HELP.items()})


def export_table(table: pd.DataFrame) -> pd.DataFrame:
    """Every scorecard column, codes worded and headers in the current language, for the CSV / Excel downloads."""
    shown = shown_table(table)
    for column in EXPORT_LABELS:
        shown[column] = table[column]
    labels = {**COLUMN_LABELS, **EXPORT_LABELS}
    return shown.rename(columns={column: t(label) for column, label in labels.items()})

"""The one-click "weekly pipeline review": an Excel workbook for the forecast call, one sheet per topic.

Sheets: KPIs, Funnel, Movement (buckets and the deals behind them), Forecast, and the hygiene lists
(stale, past due, missing amount or close date, unusual amounts: each row's ``reason_code`` and its arguments,
plus a worded ``reason`` when the caller passes ``reason_text``: the app words it in the reader's language,
analytics never writes sentences). Written with openpyxl through
``exports.to_excel_bytes`` (formulas neutralised, bold headers, frozen header row, sized columns).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import duckdb
import pandas as pd

from analytics.reports import exports
from analytics.sales import forecast, funnel, inventory, movement
from analytics.sales import kpis as performance
from analytics.sales.deals import DealFilter

KPI_ROWS = (("as_of", "As of"), ("currency", "Currency"), ("open_count", "Open deals"),
            ("open_amount", "Open pipeline"), ("weighted_amount", "Weighted pipeline"), ("won_count", "Won deals"),
            ("lost_count", "Lost deals"), ("win_rate", "Win rate"), ("win_rate_value", "Win rate by value"),
            ("avg_won_amount", "Average won deal"), ("sales_cycle_days_median", "Sales cycle, median days"),
            ("sales_cycle_days_mean", "Sales cycle, mean days"),
            ("pipeline_velocity_per_day", "Pipeline velocity per day"))
ALL_DEALS = DealFilter()
HYGIENE_SHEETS = {"stale": "Stale deals", "past_due": "Past due", "missing": "Missing amount or date",
                  "outliers": "Unusual amounts"}


ReasonText = Callable[[Mapping], str]  # one hygiene row (reason_code + argument columns) -> a sentence


def review_sheets(con: duckdb.DuckDBPyConnection, flt: DealFilter = ALL_DEALS,
                  reason_text: ReasonText | None = None) -> dict[str, pd.DataFrame]:
    """The tables of the weekly review, by sheet name (empty dict when no deals were imported).

    ``reason_text`` (e.g. ``ui.reasons.hygiene_reason``) adds a ``reason`` column to the hygiene sheets."""
    deltas = performance.kpi_deltas(con, flt=flt)
    if deltas.current.as_of is None:
        return {}
    now = deltas.current.as_dict()
    before = deltas.previous.as_dict() if deltas.previous else {}
    kpis = pd.DataFrame([{"KPI": label, "This week": now.get(key), "Previous snapshot": before.get(key),
                          "Change": deltas.changes.get(key)} for key, label in KPI_ROWS])
    sheets = {"KPIs": kpis, "Funnel": funnel.funnel(con, flt=flt)}
    if movement.default_dates(con) is not None:
        moved = movement.movement(con, flt=flt)
        sheets["Movement"] = pd.DataFrame(
            [{"Bucket": b, "Deals": moved.counts[b], "Amount": moved.amounts[b]} for b in moved.counts])
        sheets["Movement deals"] = moved.deals
    sheets["Forecast"] = forecast.forecast_by_month(con, flt=flt).months
    lists = inventory.hygiene(con, flt=flt)
    sheets.update({title: _worded(lists[name], reason_text) for name, title in HYGIENE_SHEETS.items()})
    return sheets


def _worded(frame: pd.DataFrame, reason_text: ReasonText | None) -> pd.DataFrame:
    if reason_text is None:
        return frame
    return frame.assign(reason=[reason_text(row) for row in frame.to_dict("records")])


def weekly_review(con: duckdb.DuckDBPyConnection, flt: DealFilter = ALL_DEALS,
                  reason_text: ReasonText | None = None) -> bytes | None:
    """The weekly pipeline review workbook as .xlsx bytes (None when no deals were imported)."""
    sheets = review_sheets(con, flt, reason_text)
    return exports.to_excel_bytes(sheets) if sheets else None

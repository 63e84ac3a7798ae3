"""Why the pipeline moved: the reasons of each deal between two snapshots (beside the buckets of movement.py).

The buckets of ``analytics.sales.movement`` are exclusive (one per deal, so that the amounts reconcile).
Reasons are not: a deal pushed out whose amount went down and that changed hands carries all three.

**Deals that carry reasons.** The deals present in both snapshots: open at A (older) and still in the
export at B (not dropped), whatever their status at B (open, won or lost). New and dropped deals carry
none, nor a deal closed at A and reopened by B (it was not in the open pipeline at A).

**Reasons** (codes, in REASONS order); a field blank on either side is not a change (an export may lack
the column):

* pulled_in: close_on at B earlier than at A (a won or lost deal's close date is when it closed);
* pushed_out: close_on at B later than at A;
* amount_up / amount_down: value at B above / below value at A (value = amount in the reporting currency;
  a deal whose value is unknown on one side carries neither);
* owner_changed: owner at B differs from owner at A;
* forecast_category_changed: forecast category differs (case and surrounding spaces ignored);
* skipped_stages: open at both dates, same pipeline, and the stage position at B more than one above the
  position at A (configured stage order, as the buckets use): stages_skipped = position B - position A - 1.
  Weekly snapshots see only the stage at each date: two stages passed within a week count as skipped.

**Amounts.** Per deal, amount_change = value at B - value at A (NaN when either is unknown). Per reason:
deals = deals carrying it; amount_change = the sum of their amount_change (amount_up's is > 0,
amount_down's < 0); value = the sum of their value at B.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

REASONS = ("pulled_in", "pushed_out", "amount_up", "amount_down", "owner_changed", "forecast_category_changed",
           "skipped_stages")
REASON_DEAL_COLUMNS = ["reason", "deal_id", "name", "owner_from", "owner", "pipeline", "bucket", "stage_from",
                       "stage_to", "stages_skipped", "close_on_from", "close_on_to", "days_moved",
                       "forecast_category_from", "forecast_category_to", "amount_from", "amount_to", "currency",
                       "value_from", "value_to", "amount_change"]
REASON_TABLE_COLUMNS = ["reason", "deals", "amount_change", "value"]


def reason_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Every (reason, deal) of the deals present in both snapshots (see the module docstring).

    ``frame``: the classified deals of ``movement`` (one row per deal taking part) with its comparison
    columns: open_a, open_b, in_b, owner_from, owner_to, forecast_category_from, forecast_category_to,
    pipeline_a, pipeline_b, position_a, position_b, close_on_from, close_on_to, value_from, value_to.
    Grain: one row per (reason, deal), in REASONS order, biggest |amount_change| first (REASON_DEAL_COLUMNS).
    """
    present = (frame["open_a"] & frame["in_b"]).to_numpy(bool)
    if not present.any():
        return pd.DataFrame(columns=REASON_DEAL_COLUMNS)
    # worked out over every row (numbers and a few text comparisons), each flag then kept for the deals present in
    # both: no copy of the deals present in both (it took 0.04-0.07 s at a million deals)
    steps = _numbers(frame["position_b"]) - _numbers(frame["position_a"])
    skipped = frame["open_b"] & (frame["pipeline_a"] == frame["pipeline_b"]) & (steps > 1)
    both = frame.assign(amount_change=_numbers(frame["value_to"]) - _numbers(frame["value_from"]),
                        days_moved=_days(frame["close_on_to"] - frame["close_on_from"]),
                        stages_skipped=(steps - 1).where(skipped), owner=frame["owner_to"])
    flags = {
        "pulled_in": both["days_moved"] < 0,
        "pushed_out": both["days_moved"] > 0,
        "amount_up": both["amount_change"] > 0,
        "amount_down": both["amount_change"] < 0,
        "owner_changed": _differs(both["owner_from"], both["owner_to"]),
        "forecast_category_changed": _differs(_category(both["forecast_category_from"]),
                                              _category(both["forecast_category_to"])),
        "skipped_stages": skipped,
    }
    # the (reason, deal) pairs as positions in ``frame``, sorted by reason, |amount_change| (biggest first, unknown
    # last), deal id (ranked among these deals only); then the shown columns taken once (a copy per reason took 0.1 s
    # at 1M deals)
    picked = [np.flatnonzero(flag.fillna(False).to_numpy(bool) & present) for flag in flags.values()]
    positions = np.concatenate(picked)
    codes = np.repeat(np.arange(len(REASONS)), [len(p) for p in picked])
    size = np.abs(both["amount_change"].to_numpy(float))[positions]
    deal_order = pd.factorize(both["deal_id"].iloc[positions], sort=True)[0]
    order = np.lexsort((deal_order, np.where(np.isnan(size), np.inf, -size), codes))
    rows = both[REASON_DEAL_COLUMNS[1:]].iloc[positions[order]].reset_index(drop=True)
    rows.insert(0, "reason", pd.Series(np.array(REASONS, dtype=object)[codes[order]], dtype=object))
    return rows


def reasons_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Deals and amounts per reason, from ``reason_rows``.

    Grain: one row per reason, every reason of REASONS in that order (0 deals when none carries it).
    deals = deals carrying the reason; amount_change = sum of (value B - value A) over them (deals with an
    unknown value left out); value = sum of their value at B.
    """
    grouped = rows.groupby("reason")
    deals = grouped.size()
    change = grouped["amount_change"].apply(lambda s: _numbers(s).sum())
    value = grouped["value_to"].apply(lambda s: _numbers(s).sum())
    return pd.DataFrame({
        "reason": list(REASONS),
        "deals": [int(deals.get(r, 0)) for r in REASONS],
        "amount_change": [float(change.get(r, 0.0)) + 0.0 for r in REASONS],
        "value": [float(value.get(r, 0.0)) + 0.0 for r in REASONS],
    }, columns=REASON_TABLE_COLUMNS)


def deals_for_reason(rows: pd.DataFrame, reason: str) -> pd.DataFrame:
    """The deals carrying one reason (``reason_rows`` without the reason column), biggest change first."""
    if reason not in REASONS:
        raise ValueError(f"reason must be one of {', '.join(REASONS)}")
    return rows[rows["reason"] == reason].drop(columns="reason").reset_index(drop=True)


def reasons_report(rows: pd.DataFrame) -> dict[str, dict]:
    """The ``reasons`` of the ``movement`` object of ``report --json``: {code: {deals, amount, value}}, with
    amount = the reason's amount_change (``reasons_table``)."""
    return {r.reason: {"deals": int(r.deals), "amount": float(r.amount_change), "value": float(r.value)}
            for r in reasons_table(rows).itertuples()}


def _numbers(values: pd.Series) -> pd.Series:
    """Floats (DECIMAL values come as Python decimals), NaN for unknown."""
    return pd.to_numeric(values, errors="coerce").astype(float)


def _days(delta: pd.Series) -> pd.Series:
    """Whole days of a date difference (NaN when either date is unknown)."""
    if pd.api.types.is_timedelta64_dtype(delta):
        return delta.dt.days.astype(float)
    return pd.to_numeric(delta, errors="coerce").astype(float)


def _differs(before: pd.Series, after: pd.Series) -> pd.Series:
    """True where both sides are known and differ."""
    return before.notna() & after.notna() & (before != after)


def _category(values: pd.Series) -> pd.Series:
    """A forecast category compared without case or surrounding spaces (blank = unknown)."""
    text = values.astype("string").str.strip().str.casefold()
    return text.where(text != "")

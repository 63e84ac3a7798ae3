"""Sales quotas per period (optionally per owner), entered in the app, and the coverage of each (METRICS.md 4).

Conventions are those written at the top of ``analytics.sales.scope``. A quota's period is a month
('2026-12'), a quarter ('2026-Q4') or a year ('2026'); its owner is blank for the team's quota (the deals
the page filter keeps) or an owner's name (that owner's deals within the filter).
"""
from __future__ import annotations

import datetime as dt
import re

import duckdb
import pandas as pd

from analytics.sales.deals import DealFilter
from analytics.sales.forecast import period_ctes
from analytics.sales.scope import ALL_DEALS, open_scope
from analytics.store.schema import MAX_AMOUNT, money_sum
from analytics.store.sql import Fragment

PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")
QUOTA_COLUMNS = ["period", "owner", "amount"]

QUOTA_TEXTS = {  # why the quota table is refused, by code: the English text (the key the app translates)
    "period_missing": "Row {row}: give the period, such as 2026-12, 2026-Q4 or 2026.",
    "bad_period": "Row {row}: the period must look like 2026-12, 2026-Q4 or 2026 (got {period}).",
    "amount_not_number": "Row {row}: the quota must be a number.",
    "amount_negative": "Row {row}: the quota must be 0 or more.",
    "amount_too_large": "Row {row}: the quota must be below {limit}.",
    "team_twice": "{period} has two quotas for the team.",
    "owner_twice": "{period} has two quotas for {owner}.",
}


class QuotaError(ValueError):
    """The quota table cannot be saved: ``code`` (a key of QUOTA_TEXTS) and ``values`` (row numbers from 1,
    the period as typed, the owner, the amount limit as a number); ``str()`` is the English sentence."""

    def __init__(self, code: str, **values: object) -> None:
        self.code, self.values = code, values
        shown = {k: f"{v:,}" if isinstance(v, int) and k == "limit" else v for k, v in values.items()}
        super().__init__(QUOTA_TEXTS[code].format(**shown))


def get_quotas(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every quota. Grain: one row per (period, owner); columns period, owner (None = team), amount."""
    return con.execute("SELECT period, owner, amount FROM quotas ORDER BY period, owner NULLS FIRST").df()


def clean_quotas(table: pd.DataFrame) -> pd.DataFrame:
    """The quota rows as typed in a table, checked: blank rows dropped, '2026-q4' written '2026-Q4', blank
    owner = team; QuotaError on a missing or bad period ('period_missing', 'bad_period'), an amount that is
    not a number, negative or too large ('amount_not_number', 'amount_negative', 'amount_too_large'; ``row``
    numbered from 1), or the same period and owner twice ('team_twice', 'owner_twice')."""
    rows = []
    for number, row in enumerate(table.to_dict("records"), 1):
        period, owner, amount = _text(row.get("period")), _text(row.get("owner")), row.get("amount")
        if period is None and owner is None and _missing(amount):
            continue
        if period is None:
            raise QuotaError("period_missing", row=number)
        period = period.upper()
        if not PERIOD.match(period):
            raise QuotaError("bad_period", row=number, period=period)
        try:
            amount = float(amount)
        except (TypeError, ValueError):
            raise QuotaError("amount_not_number", row=number) from None
        if _missing(amount):
            raise QuotaError("amount_not_number", row=number)
        if amount < 0:
            raise QuotaError("amount_negative", row=number)
        if amount >= MAX_AMOUNT:
            raise QuotaError("amount_too_large", row=number, limit=MAX_AMOUNT)
        rows.append((period, owner, amount))
    clean = pd.DataFrame(rows, columns=QUOTA_COLUMNS)
    twice = clean[clean.duplicated(["period", "owner"])]
    if not twice.empty:
        first = twice.iloc[0]
        if first.owner is None:
            raise QuotaError("team_twice", period=first.period)
        raise QuotaError("owner_twice", period=first.period, owner=first.owner)
    return clean


def save_quotas(con: duckdb.DuckDBPyConnection, table: pd.DataFrame) -> int:
    """Replace every quota by the rows of ``table`` (checked by ``clean_quotas``; call inside ``transaction``)."""
    clean = clean_quotas(table)
    con.execute("DELETE FROM quotas")
    if not clean.empty:
        con.executemany("INSERT INTO quotas VALUES (?, ?, ?)",
                        [(r.period, _text(r.owner), float(r.amount)) for r in clean.itertuples()])
    return len(clean)


def _text(value) -> str | None:
    text = "" if _missing(value) else str(value).strip()
    return text or None


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


# Won and open amounts by owner and month of close_on, and the expected amount by month of the forecast
# (past-due open deals in the as-of month, as in forecast_by_period), joined to the quotas whose period
# holds the month.
_COVERAGE = f""",
by_month AS (
    SELECT owner, CAST(date_trunc('month', close_on) AS DATE) AS month,
           sum(value) FILTER (status = 'won') AS won_amount,
           sum(value) FILTER (status = 'open') AS open_amount, 0.0 AS expected
    FROM kept WHERE value IS NOT NULL AND close_on IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT owner, period_start, 0.0, 0.0, {money_sum("value * p")} FROM open_deals GROUP BY ALL
),
numbered AS (SELECT row_number() OVER (ORDER BY period, owner NULLS FIRST) AS quota_no, * FROM quotas)
SELECT q.period, q.owner, q.amount AS quota,
       coalesce(sum(m.won_amount), 0.0) AS won_amount, coalesce(sum(m.open_amount), 0.0) AS open_amount,
       coalesce(sum(m.expected), 0.0) AS expected
FROM numbered q LEFT JOIN by_month m
  ON (q.owner IS NULL OR m.owner = q.owner)
 AND q.period IN (strftime(m.month, '%Y-%m'), strftime(m.month, '%Y') || '-Q' || quarter(m.month),
                  strftime(m.month, '%Y'))
GROUP BY q.quota_no, q.period, q.owner, q.amount
ORDER BY q.quota_no
"""


def coverage(con: duckdb.DuckDBPyConnection, *, flt: DealFilter = ALL_DEALS, as_of: dt.date | None = None,
             probability: str = "configured") -> pd.DataFrame:
    """Each quota against what is won, open and expected in its period.

    Grain: one row per quota, by period then owner (team first). won_amount = value of the won deals closed
    in the period; remaining = quota - won_amount; open_amount = value of the open deals whose close_on is
    in the period (METRICS.md 4: past-due deals are not); coverage = open_amount / remaining (None when
    the quota is already met); expected = sum of value x p of the open deals the forecast puts in the period
    (past-due deals in the as-of month, probability as in ``forecast_by_period``); forecast = won_amount +
    expected; gap = quota - forecast (negative = the forecast is above the quota); attainment = won_amount /
    quota (None for a zero quota).
    """
    columns = ["period", "owner", "quota", "won_amount", "remaining", "open_amount", "coverage", "expected",
               "forecast", "gap", "attainment"]
    if not con.execute("SELECT count(*) FROM quotas").fetchone()[0]:
        return pd.DataFrame(columns=columns)  # no quota: the deals are not read (a second at 1M deals)
    scope = open_scope(con, as_of)
    frame = con.execute(*(period_ctes(scope, flt, "month", probability, con) + Fragment(_COVERAGE, []))).df()
    frame["remaining"] = frame["quota"] - frame["won_amount"]
    frame["coverage"] = (frame["open_amount"] / frame["remaining"]).where(frame["remaining"] > 0)
    frame["forecast"] = frame["won_amount"] + frame["expected"]
    frame["gap"] = frame["quota"] - frame["forecast"]
    frame["attainment"] = (frame["won_amount"] / frame["quota"]).where(frame["quota"] > 0)
    frame["owner"] = frame["owner"].astype(object).where(frame["owner"].notna(), None)
    return frame[columns]

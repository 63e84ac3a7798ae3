"""Big HubSpot-like deal exports for the benchmark, vectorised (numpy), deterministic.

The column layout is sample_data/generate.py's (HubSpot: Record ID … Segment, then one "Date entered"
column per Sales Pipeline stage). Each deal has a hidden life (created, the stages it will enter and
when, its close date and outcome); a snapshot at a date shows where that life had got to then, so two
snapshots of the same deals a week apart are consistent (stage moves, new deals, closed deals).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

SALES, RENEWALS = "Sales Pipeline", "Renewals"
SALES_OPEN = ["Appointment scheduled", "Qualified to buy", "Presentation scheduled", "Decision maker bought-in",
              "Contract sent"]
RENEWAL_OPEN = ["Renewal due", "In negotiation"]
WON, LOST = "Closed won", "Closed lost"
SALES_ALL = [*SALES_OPEN, WON, LOST]
COLUMNS = ["Record ID", "Deal Name", "Pipeline", "Deal Stage", "Amount", "Deal currency code", "Close Date",
           "Create Date", "Deal owner", "Sales team", "Deal Type", "Original Source Type", "Segment",
           *[f'Date entered "{s} ({SALES})"' for s in SALES_ALL]]
FIRST = ["Amelia", "Jonas", "Priya", "Lucas", "Sofia", "Daniel", "Chloe", "Marta", "Ivan", "Noah", "Lena", "Omar",
         "Yuki", "Ana", "Tom", "Eva", "Raj", "Mia", "Hugo", "Zoe"]
LAST = ["Hart", "Weber", "Nair", "Moreau", "Rossi", "Okafor", "Dubois", "Silva", "Novak", "Berg"]
TEAMS = ["New Business", "Account Management", "Sales Development", "Enterprise", "Partners"]
SOURCES = ["Organic Search", "Paid Search", "Referrals", "Direct Traffic", "Offline Sources", "Social Media"]
SEGMENTS = ["SMB", "Mid-Market", "Enterprise"]
SEGMENT_AMOUNT = np.array([6500.0, 26000.0, 95000.0])
PRODUCTS = ["Analytics Platform", "BI Seats", "Forecasting Module", "Data Connectors", "Dashboards Pack"]
COMPANY_A = ["Blue", "North", "Silver", "Iron", "Bright", "Red", "Green", "Stone", "Oak", "River", "Summit", "Harbor"]
COMPANY_B = ["field", "stone", "wave", "bridge", "point", "gate", "line", "works", "path", "light"]
COMPANY_C = ["Logistics", "Retail", "GmbH", "SAS", "Ltd", "Health", "Foods", "Energy", "Labs", "Systems"]
STAGE_DAYS = np.array([6.0, 10.0, 16.0, 12.0, 9.0])
HISTORY_YEARS = 4


def deal_lives(n: int, last_day: dt.date, seed: int = 7) -> dict[str, np.ndarray]:
    """The hidden life of ``n`` deals created over the HISTORY_YEARS years before ``last_day``."""
    rng = np.random.default_rng(seed)
    end = np.datetime64(last_day, "m")
    span = HISTORY_YEARS * 365 * 24 * 60
    age = np.sort((span * (1 - np.sqrt(rng.random(n)))).astype(np.int64))[::-1]  # more deals lately
    created = end - age.astype("timedelta64[m]")
    renewal = rng.random(n) < 0.2
    segment = rng.choice(3, n, p=[0.55, 0.3, 0.15])
    won = rng.random(n) < np.where(renewal, 0.8, 0.3)
    target = np.where(won, 4, np.minimum(rng.geometric(0.35, n) - 1, 4))
    target = np.where(renewal, np.where(won, 1, target % 2), target)
    speed = np.array([1.0, 1.6, 2.6])[segment]
    days = rng.lognormal(0, 0.65, (n, 5)) * STAGE_DAYS * speed[:, None] * 1440
    days[rng.random(n) < 0.05, 2] *= 10  # zombies: stalled for months
    entered = created[:, None] + np.concatenate(
        [np.zeros((n, 1)), np.cumsum(days, axis=1)[:, :4]], axis=1).astype("timedelta64[m]")
    close_at = created + np.take_along_axis(np.cumsum(days, axis=1), target[:, None], 1)[:, 0].astype("timedelta64[m]")
    expected = (created + (np.sum(STAGE_DAYS) * speed * 1440 * rng.uniform(0.6, 1.4, n)).astype("timedelta64[m]"))
    amount = np.maximum(50, np.round(rng.lognormal(0, 0.55, n) * SEGMENT_AMOUNT[segment] / 50) * 50)
    owner = rng.integers(0, len(FIRST) * len(LAST), n)
    return {
        "record_id": 19_804_000_000 + np.cumsum(rng.integers(2_000, 90_000, n)), "created": created,
        "renewal": renewal, "segment": segment, "won": won, "target": target, "entered": entered,
        "close_at": close_at, "expected": expected, "amount": amount, "amount_blank": rng.random(n) < 0.01,
        "usd": rng.random(n) < 0.05, "owner": owner, "source": rng.integers(0, len(SOURCES), n),
        "existing": rng.random(n) < 0.15, "company": rng.integers(0, 1200, n), "product": rng.integers(0, 5, n),
    }


def snapshot_frame(lives: dict[str, np.ndarray], on: dt.date) -> pd.DataFrame:
    """The deals as they stood at 07:00 on ``on`` (one row per deal created by then), typed: see ``EXPORT_SQL``."""
    cutoff = np.datetime64(on, "m") + np.timedelta64(7 * 60, "m")
    keep = lives["created"] <= cutoff
    life = {k: v[keep] for k, v in lives.items()}
    closed = life["close_at"] <= cutoff
    reached = np.where(closed, life["target"], (life["entered"] <= cutoff).sum(axis=1) - 1)
    reached = np.minimum(reached, life["target"])
    renewal = life["renewal"]
    stage_codes = np.where(closed, np.where(life["won"], 5, 6), np.where(renewal, 7 + reached, reached))
    company, owner = life["company"], life["owner"]
    frame = pd.DataFrame({
        "record_id": life["record_id"],
        "company": _codes(company % 12, COMPANY_A).astype(str) + _codes(company // 12 % 10, COMPANY_B).astype(str)
        + " " + _codes(company // 120, COMPANY_C).astype(str),
        "product": _codes(np.where(renewal, 5, life["product"]), [*PRODUCTS, "Renewal"]),
        "pipeline": _codes(renewal.astype(int), [SALES, RENEWALS]),
        "stage": _codes(stage_codes, [*SALES_ALL, *RENEWAL_OPEN]),
        "amount": np.where(life["amount_blank"], np.nan, life["amount"]),
        "currency": _codes(life["usd"].astype(int), ["EUR", "USD"]),
        "close_on": np.where(closed, life["close_at"], np.maximum(life["expected"], cutoff - np.timedelta64(60, "D"))),
        "created": life["created"],
        "owner": _codes(owner % 20, FIRST).astype(str) + " " + _codes(owner // 20, LAST).astype(str),
        "team": _codes(owner % len(TEAMS), TEAMS),
        "deal_type": _codes((life["existing"] | renewal).astype(int), ["New Business", "Existing Business"]),
        "source": _codes(np.where(renewal, -1, life["source"]), SOURCES),
        "segment": _codes(life["segment"], SEGMENTS),
    })
    nat = np.datetime64("NaT")
    sales = ~renewal
    for i in range(len(SALES_OPEN)):
        shown = sales & (reached >= i) & (life["entered"][:, i] <= cutoff)
        frame[f"entered_{i}"] = np.where(shown, life["entered"][:, i], nat)
    frame["entered_won"] = np.where(sales & closed & life["won"], life["close_at"], nat)
    frame["entered_lost"] = np.where(sales & closed & ~life["won"], life["close_at"], nat)
    return frame


def _codes(codes: np.ndarray, labels: list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=labels)


_STAMP = "'%Y-%m-%d %H:%M'"
EXPORT_SQL = ", ".join([
    'CAST(record_id AS VARCHAR) AS "Record ID"', 'company || \' - \' || product AS "Deal Name"',
    'pipeline AS "Pipeline"', 'stage AS "Deal Stage"', 'CAST(CAST(amount AS BIGINT) AS VARCHAR) AS "Amount"',
    'currency AS "Deal currency code"', 'strftime(close_on, \'%Y-%m-%d\') AS "Close Date"',
    f'strftime(created, {_STAMP}) AS "Create Date"', 'owner AS "Deal owner"', 'team AS "Sales team"',
    'deal_type AS "Deal Type"', 'source AS "Original Source Type"', 'segment AS "Segment"',
    *[f"strftime(entered_{i}, {_STAMP}) AS " + '"' + COLUMNS[13 + i].replace('"', '""') + '"'
      for i in range(len(SALES_OPEN))],
    f"strftime(entered_won, {_STAMP}) AS " + '"' + COLUMNS[18].replace('"', '""') + '"',
    f"strftime(entered_lost, {_STAMP}) AS " + '"' + COLUMNS[19].replace('"', '""') + '"',
])


def export_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The export as the CRM writes it: every cell text (None when blank), HubSpot's column names."""
    con = duckdb.connect()
    con.register("deals", frame)
    out = con.execute(f"SELECT {EXPORT_SQL} FROM deals").df()
    con.close()
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write the export as HubSpot does: comma-separated UTF-8, quotes only where needed, a header row."""
    con = duckdb.connect()
    con.register("deals", frame)
    con.execute(f"COPY (SELECT {EXPORT_SQL} FROM deals) TO '{path}' (HEADER, DELIMITER ',', QUOTE '\"')")
    con.close()
    return path


def write_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    """Write the export as an .xlsx workbook with openpyxl's write-only mode (numbers as numbers)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Deals")
    sheet.append(COLUMNS)
    text = export_text(frame)
    amounts = pd.to_numeric(text["Amount"]).astype(object)
    rows = text.assign(Amount=amounts.where(amounts.notna(), None)).astype(object)
    for row in rows.where(rows.notna(), None).itertuples(index=False, name=None):
        sheet.append(row)
    book.save(path)
    return path


# --- the history scenario (issue 16): a year of weekly exports of one team ------------------------

HISTORY_DEALS = 29_000  # deals in the latest export
HISTORY_WEEKS = 52


def weekly_dates(weeks: int, last_day: dt.date) -> list[dt.date]:
    """``weeks`` export dates a week apart, the last one ``last_day``, oldest first."""
    return [last_day - dt.timedelta(days=7 * (weeks - 1 - i)) for i in range(weeks)]


def history_lives(n: int, last_day: dt.date, seed: int = 23) -> dict[str, np.ndarray]:
    """The lives of the ``n`` deals of the latest export, with what makes weekly exports differ beyond stage moves,
    wins, losses and new deals: slips (a deal past its expected close date gets it pushed by one to four weeks at
    a time) and amount changes (a third of the deals change their amount when they reach "Presentation
    scheduled")."""
    lives = deal_lives(n, last_day, seed)
    rng = np.random.default_rng(seed + 1)
    lives["slip_days"] = rng.integers(7, 29, n)
    lives["amount_factor"] = np.where(rng.random(n) < 1 / 3, rng.choice([0.8, 1.25, 1.5], n), 1.0)
    return lives


def history_frame(lives: dict[str, np.ndarray], on: dt.date) -> pd.DataFrame:
    """One weekly export of the history scenario (``snapshot_frame`` plus slips and amount changes)."""
    frame = snapshot_frame(lives, on)
    cutoff = np.datetime64(on, "m") + np.timedelta64(7 * 60, "m")
    keep = lives["created"] <= cutoff
    closed = lives["close_at"][keep] <= cutoff
    expected = lives["expected"][keep].astype("datetime64[D]")
    today = np.datetime64(on, "D")
    step = lives["slip_days"][keep].astype("timedelta64[D]")
    # Open and past its expected date: pushed by whole steps, so it moves on the weeks a step is crossed (a slip).
    overdue = np.maximum((today - expected).astype(np.int64), 0)
    pushes = -(-overdue // step.astype(np.int64))
    slipped = expected + (pushes * step.astype(np.int64)).astype("timedelta64[D]")
    frame["close_on"] = np.where(closed, frame["close_on"].to_numpy(), slipped.astype("datetime64[m]"))
    third_stage = lives["entered"][keep][:, 2] <= cutoff
    factor = np.where(third_stage, lives["amount_factor"][keep], 1.0)
    frame["amount"] = np.round(frame["amount"].to_numpy() * factor / 50) * 50
    return frame


def write_history(folder: Path, n: int = HISTORY_DEALS, weeks: int = HISTORY_WEEKS,
                  last_day: dt.date = dt.date(2026, 11, 27)) -> list[Path]:
    """Write ``weeks`` weekly exports (deals_YYYY-MM-DD.csv, oldest first) of a team whose latest export holds ``n``
    deals; files already there are kept. Returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    lives, paths = None, []
    for day in weekly_dates(weeks, last_day):
        path = folder / f"deals_{day.isoformat()}.csv"
        if not path.exists():
            lives = lives if lives is not None else history_lives(n, last_day)
            write_csv(history_frame(lives, day), path)
        paths.append(path)
    return paths

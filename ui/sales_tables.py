"""Sales tables and headline figures as the pages show them, "unknown" kept apart from "zero": the owner
leaderboard (Pipeline) and the expected value of the open deals (Priorities)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ui import fmt


def owner_board(rates: pd.DataFrame, open_by_owner: pd.DataFrame) -> pd.DataFrame:
    """One row per owner: ``performance.win_rates`` by owner joined with ``inventory.open_inventory`` by owner
    (renamed open_deals, open_amount, weighted_amount, valued), biggest won amount first.

    An owner with no open deal has 0 open deals, 0 open pipeline and 0 weighted pipeline (known zeros); an owner
    whose open deals all have an unknown amount has no open pipeline nor weighted pipeline (NaN, shown "—"):
    unknown is not zero. No won amount counts as 0 for the order."""
    board = rates.merge(open_by_owner, on="owner", how="outer")
    no_open = board["open_deals"].isna()
    unknown = ~no_open & (board["valued"].fillna(0) == 0)
    for column in ("open_amount", "weighted_amount"):
        board[column] = board[column].astype("float64").mask(no_open, 0.0).mask(unknown, np.nan)
    board["open_deals"] = board["open_deals"].fillna(0)
    board["won_amount"] = board["won_amount"].fillna(0.0)
    return board.sort_values("won_amount", ascending=False, kind="stable").reset_index(drop=True)


def expected_value_text(expected: pd.Series, currency: str | None) -> str | None:
    """The Priorities headline "Expected value": the sum over open deals of score × amount (deals with an unknown
    amount left out), worded; None when no open deal has a known amount (the value is unknown, not 0)."""
    return fmt.money_short(expected.sum(), currency) if expected.notna().any() else None

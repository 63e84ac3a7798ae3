"""The Pipeline page's one-pass reads (issue 16: the KPIs of two snapshots in one query, the hygiene flags in one
pass) on the hand-described reference database (tests/sales_fixtures.py, as-of 2026-11-20; values in EUR, USD deals
at 0.5, B5 in GBP left out of value sums)."""
from __future__ import annotations

import pandas as pd
import pytest

from analytics.sales.deals import DealFilter
from analytics.sales.kpis import kpis_of_scopes
from analytics.sales.scope import open_scope
from tests.sales_fixtures import S1, S2, build_sales_db, read_db
from ui import fmt, reasons


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    with read_db(tmp_path_factory.mktemp("one_pass") / "sales.duckdb", build_sales_db) as reader:
        yield reader


def test_kpis_of_two_scopes_in_one_query(con):
    now, before = kpis_of_scopes(con, [open_scope(con), open_scope(con, S1)])
    assert (now.as_of, before.as_of) == (S2, S1)
    # now: open A1-A6, B4, B5, C3, P1, P2 = 11; won B1, B6, C1, P3, B8 = 5; lost B2, B3, C2 = 3
    assert (now.open_count, now.won_count, now.lost_count) == (11, 5, 3)
    # 1000 + 2000 + 1200 + 200 + 10000 + B4 2000 USD x 0.5 + 600 + 5000 + 3000 = 24000
    assert now.open_amount == pytest.approx(24000)
    assert now.win_rate == pytest.approx(5 / 8)
    # as of S1: open A1, A2, A3, A4, A6, B1, B2, B4, B5, B6, B7, C1, P1, P2, P3 = 15; won B8; lost C2
    assert (before.open_count, before.won_count, before.lost_count) == (15, 1, 1)
    # 1000 + 2000 + 1200 + 8000 + 3000 + 1500 + 1000 + 4000 + 700 + 500 + 5000 + 3000 + 4000 = 34900
    assert before.open_amount == pytest.approx(34900)
    assert before.win_rate == pytest.approx(1 / 2)  # B8 won, C2 lost


def test_kpis_of_scopes_with_no_deal_in_one_state(con):
    """A filter that keeps no deal: no group comes back, the counts and sums read 0 and the ratios None."""
    nobody = DealFilter(owners=("Nobody",))
    for k in kpis_of_scopes(con, [open_scope(con), open_scope(con, S1)], nobody):
        assert (k.open_count, k.open_amount, k.weighted_amount, k.won_count, k.unknown_amount) == (0, 0.0, 0.0, 0, 0)
        assert k.win_rate is None and k.avg_won_amount is None and k.pipeline_velocity_per_day is None


def test_with_reasons_words_equal_rows_once_and_each_row_right():
    """Rows with the same code and arguments share their sentence; other rows, and a row whose argument is unknown,
    get their own (ui.reasons.with_reasons reuses a worded reason only for an equal row)."""
    frame = pd.DataFrame({
        "deal_id": ["A", "B", "C", "D"],
        "reason_code": ["stale", "stale", "stale", "outlier_high"],
        "days_unchanged": [61, 61, 30, None],
        "last_change_on": pd.to_datetime(["2026-09-20", "2026-09-20", "2026-10-21", None]),
        "owner": ["Ann", "Ann", "Bob", "Cy"],
        "owner_median": [None, None, None, 1200.0],
        "ratio_to_median": [None, None, None, float("nan")],
    })
    shown = reasons.with_reasons(frame)
    assert list(shown["reason"]) == [
        "No change of stage or amount for 61 days (since Sep 20, 2026).",
        "No change of stage or amount for 61 days (since Sep 20, 2026).",
        "No change of stage or amount for 30 days (since Oct 21, 2026).",
        # the ratio is unknown: fmt.number words it as the missing mark
        f"Amount {fmt.MISSING} times the median of Cy's open deals (1,200).",
    ]

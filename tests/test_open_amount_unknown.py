"""Open deals without an amount: the KPIs count them apart from closed ones, so the Pipeline page can show "—"
(an unknown open pipeline) instead of 0 when none of the open deals has an amount (issue 17, the Maven export)."""
from __future__ import annotations

import pytest

from analytics import ingest, store
from analytics.sales import kpis

HEADER = "deal_id,pipeline,stage,status,amount,currency,created_on,close_on\n"
SOME = HEADER + ("A,P,Open,open,100,EUR,2026-01-01,2026-12-01\n"
                 "B,P,Open,open,,EUR,2026-01-01,2026-12-01\n"
                 "C,P,Won,won,,EUR,2026-01-01,2026-10-01\n"
                 "D,P,Lost,lost,50,EUR,2026-01-01,2026-10-01\n")
NONE_OPEN = HEADER + ("A,P,Open,open,,EUR,2026-01-01,2026-12-01\n"
                      "B,P,Open,open,,EUR,2026-01-01,2026-12-01\n"
                      "C,P,Won,won,300,EUR,2026-01-01,2026-10-01\n")


def headline(db, text: str) -> kpis.Kpis:
    ingest.import_file(text.encode(), "deals_2026-11-27.csv", ingest.ImportOptions(kind="deals"), db)
    with store.connect(db) as con:
        return kpis.kpis(con)


def test_open_deals_without_an_amount_are_counted_apart_from_closed_ones(db):
    k = headline(db, SOME)
    # open A (100) and B (blank): 2 open, 100 open amount; blank amounts B (open) and C (won) = 2, of which 1 open
    assert (k.open_count, k.open_amount) == (2, pytest.approx(100))
    assert (k.unknown_amount, k.open_unknown_amount) == (2, 1)
    assert k.as_dict()["open_unknown_amount"] == 1          # a key added to report --json, none renamed


def test_no_open_deal_with_an_amount_is_told_apart_from_an_empty_pipeline(db):
    k = headline(db, NONE_OPEN)
    # open A and B both blank: every open deal lacks an amount (2 of 2); C won 300 has one
    assert (k.open_count, k.open_unknown_amount, k.unknown_amount) == (2, 2, 2)
    assert k.open_amount == 0                                # the sum is 0 ...
    assert k.open_unknown_amount == k.open_count             # ... but the page can tell it is unknown


@pytest.mark.slow
def test_the_pipeline_tile_shows_a_dash_and_says_why_in_french(db):
    from tests.apptest_utils import open_view

    headline(db, NONE_OPEN)
    at = open_view("pipeline.py", lang="fr")
    tile = next(m for m in at.metric if m.label == "Pipeline ouvert")
    assert tile.value == "—"
    captions = " ".join(c.value for c in at.caption)
    assert "Aucune des 2 affaires ouvertes n'a de montant" in captions
    assert "affaires n'ont pas de montant" not in captions  # the blank amounts are the 2 open deals, said once

"""Same name, same number: the Forecast page's win rate, average won deal and sales cycle (the history of the
part from deals not created yet) are the Pipeline tiles' numbers over the months it names, and the page names
them so; its headline keeps open deals and deals not created yet apart."""
from __future__ import annotations

import pytest

from analytics import store
from analytics.sales import kpis, new_deals
from tests.apptest_utils import open_view


def test_forecast_history_is_the_pipeline_tiles_over_its_named_window(sample_db):
    with store.connect(sample_db) as con:
        model = new_deals.new_deal_model(con)
        tiles = kpis.kpis(con, date_from=model.window_from, date_to=model.window_to)
        all_time = kpis.kpis(con)
        # an independent count of the win rate: deals whose current status (the export's, else the stage's outcome)
        # is won or lost, closed in the window
        won, lost = con.execute(
            "SELECT count(*) FILTER (status = 'won'), count(*) FILTER (status = 'lost') FROM ("
            "SELECT coalesce(d.status_raw, s.outcome) AS status, d.close_on FROM deal_current d "
            "LEFT JOIN stages s ON s.pipeline = d.pipeline AND s.stage = d.stage) "
            "WHERE close_on BETWEEN ? AND ?", [model.window_from, model.window_to]).fetchone()
    assert model.lookback_months == 12
    assert model.win_rate == pytest.approx(won / (won + lost))
    assert (model.win_rate, model.mean_won, model.cycle_days) == pytest.approx(
        (tiles.win_rate, tiles.avg_won_amount, tiles.sales_cycle_days_median))
    # the Pipeline tiles with no period chosen cover every closed deal: a different number, so the Forecast page
    # must name its window (next test)
    assert all_time.win_rate != pytest.approx(model.win_rate)


@pytest.mark.slow
def test_forecast_page_names_the_window_and_splits_the_headline(sample_db):
    at = open_view("forecast.py")
    captions = " ".join(c.value for c in at.caption)
    assert "Over the last 12 complete months" in captions
    assert "These are the Pipeline page's win rate, average won deal and sales cycle for those months" in captions
    labels = {m.label for m in at.metric}
    assert {"Won and from open deals, periods shown", "From deals not created yet, periods shown"} <= labels
    assert "Baseline, periods shown" not in labels

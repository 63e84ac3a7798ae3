"""The Forecast page's calls section on the sample data (AppTest): a call entered in the form is in the roll-up,
the owner is no longer marked as not submitted, and the call is still there in a new session."""
from __future__ import annotations

import pytest

from tests.apptest_utils import assert_clean, open_view


@pytest.mark.slow
def test_a_call_entered_on_the_forecast_page_rolls_up_and_stays(sample_db):
    at = open_view("forecast.py")
    assert "Forecast calls" in [s.value for s in at.subheader]
    late = " ".join(w.value for w in at.warning)
    assert "Jonas Weber" in late                     # open deals in the period and no call this week
    at.selectbox(key="forecast_calls_name").set_value("Jonas Weber")
    at.number_input(key="forecast_calls_commit").set_value(12000.0)
    at.number_input(key="forecast_calls_best").set_value(18000.0)
    next(b for b in at.button if b.label == "Submit the call").click().run()
    assert_clean(at)
    assert "Jonas Weber" not in " ".join(w.value for w in at.warning)
    again = open_view("forecast.py")                # a new session reads the database file again
    rollup = next(d.value for d in again.dataframe if "model_forecast" in d.value.columns)
    jonas = rollup[rollup["name"].str.strip() == "Jonas Weber"].iloc[0]
    assert (jonas["commit_amount"], jonas["best_case"]) == ("€12,000", "€18,000")  # 12000.0, 18000.0 worded
    assert jonas["status"] == ""

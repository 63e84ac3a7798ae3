"""AppTest: the Pipeline movement page on the four weekly sample exports.

The waterfall must start at the open pipeline of the older snapshot and end at the newer one's (both read
from the KPIs as of each date, not from the movement module); the bucket counts shown are those of the
table in sample_data/README.md (11-20 -> 11-27: 11 won, 19 lost, 35 new, 4 dropped).
"""
from __future__ import annotations

import ast
import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from analytics import ingest, store
from analytics.sales.deals import DealFilter
from analytics.sales.kpis import kpis
from analytics.sales.movement import movement
from tests.apptest_utils import assert_clean, open_view
from tests.plotly_utils import values
from ui import i18n

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATES = ["2026-11-06", "2026-11-13", "2026-11-20", "2026-11-27"]
NOV_06, NOV_13, NOV_20, NOV_27 = (date.fromisoformat(d) for d in SAMPLE_DATES)


# sample_db (tests/conftest.py): the sample data as the app loads it (the four weekly deals exports among them)


def waterfall(at: AppTest) -> dict:
    specs = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    return next(trace for spec in specs for trace in spec["data"] if trace["type"] == "waterfall")


def open_amount(path: Path, day: date) -> float:
    with store.connect(path) as con:
        return kpis(con, as_of=day).open_amount


def test_waterfall_slips_trend_and_the_deals_behind_a_bucket(sample_db):
    """One session: the page as it opens (waterfall from last week's open pipeline to this week's, slips and trend,
    the won bucket's deals), then another bucket picked."""
    at = open_view("movement.py")
    # --- the waterfall goes from last week's open pipeline to this week's
    trace = waterfall(at)
    y = values(trace["y"])
    assert y[0] == pytest.approx(open_amount(sample_db, NOV_20))
    assert y[-1] == pytest.approx(open_amount(sample_db, NOV_27))
    assert y[0] + sum(y[1:-1]) == pytest.approx(y[-1])  # the buckets reconcile
    assert trace["measure"] == ["absolute", *["relative"] * 9, "total"]
    assert len(trace["x"]) == 11 and "Nov 20, 2026" in trace["x"][0] and "Nov 27, 2026" in trace["x"][-1]
    shown = {m.label: m.value for m in at.metric}
    assert (shown["New"], shown["Won"], shown["Lost"], shown["Dropped"]) == ("35", "11", "19", "4")
    # --- slips and trend are shown
    kinds = [trace["type"] for el in at.get("plotly_chart") for trace in json.loads(el.proto.spec)["data"]]
    assert kinds.count("waterfall") == 1 and "bar" in kinds and kinds.count("scatter") >= 5  # one area per stage
    assert any("pushes" in el.value.columns for el in at.dataframe)
    slips = next(el for el in at.dataframe if "first_close_on" in el.value.columns)
    words = pa.ipc.open_stream(io.BytesIO(slips.proto.arrow_data.styler.display_values)).read_pandas()
    assert len(words) > 0 and all(a.startswith("€") for a in words["amount"])  # the reporting value, in its currency
    assert any("precision of the interval between snapshots: 7 days" in c.value for c in at.caption)
    assert len(at.get("download_button")) >= 6
    # --- the deals behind a bucket
    assert at.selectbox(key="movement_bucket").value == "won"
    assert len(deal_table(at)) == 11
    at.selectbox(key="movement_bucket").set_value("lost").run()
    assert_clean(at)
    table = deal_table(at)
    assert len(table) == 19 and set(table["stage_to"]) == {"Closed lost"}


def deal_table(at: AppTest):
    return next(el.value for el in at.dataframe if "stage_from" in el.value.columns)


def test_a_reason_lists_its_deals(sample_db):
    """Pushed out, 11-20 -> 11-27, counted independently from the two CSV files: deals open on 11-20 (stage not
    Closed won/lost), in the 11-27 export, whose Close Date is later there (ISO dates compare as text)."""
    older, newer = (pd.read_csv(ROOT / "sample_data" / f"deals_{d}.csv", dtype=str) for d in SAMPLE_DATES[2:])
    both = older.merge(newer, on="Record ID", suffixes=("_a", "_b"))
    open_a = ~both["Deal Stage_a"].isin(["Closed won", "Closed lost"])
    pushed = both[open_a & (both["Close Date_b"].str[:10] > both["Close Date_a"].str[:10])]
    at = open_view("movement.py")
    at.selectbox(key="movement_reason").set_value("pushed_out").run()
    assert_clean(at)
    table = next(el.value for el in at.dataframe if "days_moved" in el.value.columns)
    assert set(table["deal_id"]) == set(pushed["Record ID"]) and len(table) == len(pushed) > 0
    assert (pd.to_numeric(table["days_moved"].str.replace(",", "")) > 0).all()  # shown worded: "12", "1,204"
    trace = next(tr for el in at.get("plotly_chart") for tr in json.loads(el.proto.spec)["data"]
                 if tr.get("customdata") and tr["customdata"][0] == "pulled_in")
    assert values(trace["x"])[1] == len(pushed)  # the bar of pushed out


def test_snapshot_pickers(sample_db):
    at = open_view("movement.py")
    at.selectbox(key="movement_from").set_value(NOV_06).run()
    at.selectbox(key="movement_to").set_value(NOV_13).run()
    assert_clean(at)
    y = values(waterfall(at)["y"])
    assert y[0] == pytest.approx(open_amount(sample_db, NOV_06))
    assert y[-1] == pytest.approx(open_amount(sample_db, NOV_13))
    at.selectbox(key="movement_from").set_value(NOV_27).run()
    assert_clean(at)
    assert at.warning and not at.get("plotly_chart")


def test_owner_filter_applies_to_the_waterfall(sample_db):
    at = open_view("movement.py")
    owner = at.multiselect(key="movement_f_owner").options[0]
    at.multiselect(key="movement_f_owner").set_value([owner]).run()
    assert_clean(at)
    with store.connect(sample_db) as con:
        expected = movement(con, NOV_20, NOV_27, flt=DealFilter(owners=(owner,)))
    y = values(waterfall(at)["y"])
    assert (y[0], y[-1]) == (pytest.approx(expected.open_amount_from), pytest.approx(expected.open_amount_to))
    assert y[0] < open_amount(sample_db, NOV_20)


def test_french(sample_db):
    at = open_view("movement.py", "fr")
    assert at.title[0].value == "Mouvements du pipeline"
    assert "20 nov. 2026" in " ".join(waterfall(at)["x"]) or "20/11/2026" in " ".join(waterfall(at)["x"])


def test_one_snapshot_explains_what_is_needed(db):
    source = ROOT / "sample_data" / "deals_2026-11-27.csv"
    stages = {"Renewals": ["Renewal due", "In negotiation"]}
    ingest.import_file(source, source.name, ingest.ImportOptions(stages=stages), db)
    at = open_view("movement.py")
    assert at.info and "two snapshots" in at.info[0].value
    assert not at.get("plotly_chart")


def test_every_string_of_the_page_has_french():
    texts = []
    for name in ("views/sales/movement.py", "ui/charts/movement.py"):
        for node in ast.walk(ast.parse((ROOT / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                texts.append(node.args[0].value)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and \
                    getattr(node.targets[0], "id", "").endswith(("_LABELS", "_HELP")):
                texts += [v.value for v in node.value.values]
    assert len(texts) > 40
    assert [text for text in texts if text not in i18n.FR] == []

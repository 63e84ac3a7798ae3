"""Checks on the demo data in sample_data/ (pandas only: independent of the importer)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
SNAPSHOTS = ["2026-11-06", "2026-11-13", "2026-11-20", "2026-11-27"]
SALES_STAGES = [
    "Appointment scheduled",
    "Qualified to buy",
    "Presentation scheduled",
    "Decision maker bought-in",
    "Contract sent",
]
RENEWAL_STAGES = ["Renewal due", "In negotiation"]
STAGE_ORDER = {**{s: i for i, s in enumerate(SALES_STAGES)}, **{s: i for i, s in enumerate(RENEWAL_STAGES)}}
WON, LOST = "Closed won", "Closed lost"
DEAL_COLUMNS = [
    "Record ID",
    "Deal Name",
    "Pipeline",
    "Deal Stage",
    "Amount",
    "Deal currency code",
    "Close Date",
    "Create Date",
    "Deal owner",
    "Sales team",
    "Deal Type",
    "Original Source Type",
    "Segment",
] + [f'Date entered "{s} (Sales Pipeline)"' for s in [*SALES_STAGES, WON, LOST]]
BUCKETS = ["won", "lost", "new", "dropped", "advanced", "moved_back", "slipped", "amount_changed", "unchanged"]
FRENCH_FILES = ["extra/enquete_pulse_2026-10.csv", "extra/pipedrive_fr_2026-11-27.csv"]


def _load_generator():
    spec = importlib.util.spec_from_file_location("sample_data_generate", SAMPLE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is being built
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def _deals(snapshot: str) -> pd.DataFrame:
    df = pd.read_csv(SAMPLE / f"deals_{snapshot}.csv", dtype={"Record ID": str})
    df["Close Date"] = pd.to_datetime(df["Close Date"], format="%Y-%m-%d")
    return df


def movement(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, int]:
    """Pipeline movement between snapshots a (older) and b, as in METRICS.md section 4."""
    a = a.set_index("Record ID")
    b = b.set_index("Record ID")
    a_open = a[~a["Deal Stage"].isin([WON, LOST])]
    ids = list(a_open.index) + [i for i in b.index if i not in a.index]
    counts = dict.fromkeys(BUCKETS, 0)
    for i in ids:
        in_a, in_b = i in a_open.index, i in b.index
        if in_b and b.at[i, "Deal Stage"] == WON:
            bucket = "won"
        elif in_b and b.at[i, "Deal Stage"] == LOST:
            bucket = "lost"
        elif not in_a:
            bucket = "new"
        elif not in_b:
            bucket = "dropped"
        else:
            sa, sb = STAGE_ORDER[a_open.at[i, "Deal Stage"]], STAGE_ORDER[b.at[i, "Deal Stage"]]
            ca, cb = a_open.at[i, "Close Date"], b.at[i, "Close Date"]
            ma, mb = a_open.at[i, "Amount"], b.at[i, "Amount"]
            if sb > sa:
                bucket = "advanced"
            elif sb < sa:
                bucket = "moved_back"
            elif pd.notna(ca) and pd.notna(cb) and cb > ca:
                bucket = "slipped"
            elif not ((pd.isna(ma) and pd.isna(mb)) or ma == mb):
                bucket = "amount_changed"
            else:
                bucket = "unchanged"
        counts[bucket] += 1
    return counts


def test_regeneration_is_byte_identical(tmp_path):
    gen = _load_generator()
    first = gen.main(tmp_path / "a")
    gen.main(tmp_path / "b")
    names = sorted(p.relative_to(tmp_path / "a").as_posix() for p in first)
    assert "deals_2026-11-27.csv" in names and "extra/salesforce_report.csv" in names
    for name in names:
        fresh = (tmp_path / "a" / name).read_bytes()
        assert fresh == (tmp_path / "b" / name).read_bytes(), f"{name} differs between two runs"
        assert fresh == (SAMPLE / name).read_bytes(), f"committed {name} is stale: rerun generate.py"
    committed = {p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*.csv")}
    assert committed == set(names)


def test_total_size_is_small():
    assert sum(p.stat().st_size for p in SAMPLE.rglob("*.csv")) < 3_000_000


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_deals_export_columns_and_ids(snapshot):
    df = _deals(snapshot)
    assert list(df.columns) == DEAL_COLUMNS
    assert "Deal probability" not in df.columns
    assert df["Record ID"].is_unique
    assert 2500 <= len(df) <= 3000
    assert set(df["Pipeline"]) == {"Sales Pipeline", "Renewals"}
    sales = df[df["Pipeline"] == "Sales Pipeline"]
    assert set(sales["Deal Stage"]) == {*SALES_STAGES, WON, LOST}
    assert set(df.loc[df["Pipeline"] == "Renewals", "Deal Stage"]) == {*RENEWAL_STAGES, WON, LOST}
    assert 0.7 <= len(sales) / len(df) <= 0.9
    entered = [c for c in df.columns if c.startswith("Date entered")]
    assert df.loc[df["Pipeline"] == "Renewals", entered].isna().all().all()
    assert set(df["Deal currency code"]) == {"EUR"}  # one currency: the demo needs no exchange rate
    assert df["Amount"].isna().any() and df["Amount"].isna().mean() < 0.03


def test_deal_quirks_present():
    df = _deals(SNAPSHOTS[-1])
    open_ = df[~df["Deal Stage"].isin([WON, LOST])]
    as_of = pd.Timestamp(SNAPSHOTS[-1])
    assert open_["Close Date"].isna().any()  # open deals without expected close date
    assert (open_["Close Date"] < as_of).sum() >= 10  # past-due
    amounts = df["Amount"].dropna()
    assert amounts.max() > 2 * amounts.drop(amounts.idxmax()).max()  # an obvious outlier
    created = pd.to_datetime(df["Create Date"])
    assert created.min() >= pd.Timestamp("2024-12-01") and created.max() < as_of


def test_win_rate_differs_by_source():
    df = _deals(SNAPSHOTS[-1])
    closed = df[(df["Pipeline"] == "Sales Pipeline") & df["Deal Stage"].isin([WON, LOST])]
    rate = (closed["Deal Stage"] == WON).groupby(closed["Original Source Type"]).mean()
    assert rate["Referrals"] > 0.45
    assert rate["Paid Search"] < 0.22


@pytest.mark.parametrize("older,newer", list(zip(SNAPSHOTS, SNAPSHOTS[1:], strict=False)))
def test_every_movement_bucket_occurs(older, newer):
    counts = movement(_deals(older), _deals(newer))
    assert all(counts[b] >= 3 for b in BUCKETS), counts


def test_survey_anonymity_groups():
    df = pd.read_csv(SAMPLE / "survey_enps_2026.csv")
    df["wave"] = pd.to_datetime(df["Timestamp"], format="%Y-%m-%d %H:%M:%S").dt.strftime("%Y-%m")
    assert sorted(df["wave"].unique()) == ["2026-09", "2026-10", "2026-11"]
    per = df.groupby(["wave", "Department"]).size().unstack(fill_value=0)
    assert (per["Legal"] < 5).all() and (per["Legal"] > 0).all()
    assert (per.drop(columns="Legal") >= 5).all().all()
    scores = pd.to_numeric(df["How likely are you to recommend this company as a place to work? (0-10)"])
    assert scores.dropna().between(0, 10).all()
    assert df["Email address"].str.endswith("@example.com").all()


@pytest.mark.parametrize("name", FRENCH_FILES)
def test_french_files_are_windows_1252(name):
    raw = (SAMPLE / name).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "é" in text
    assert text.splitlines()[0].count(";") >= 8


def test_salesforce_report_has_title_and_footer():
    lines = (SAMPLE / "extra/salesforce_report.csv").read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ['"Opportunity Pipeline"', '"As of 11/27/2026"', ""]
    assert lines[3].startswith('"Opportunity Owner","Account Name"')
    assert lines[-4].startswith('"Grand Totals (30 records)"')
    assert lines[-3:] == [
        "",
        '"Confidential Information - Do Not Distribute"',
        '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."',
    ]
    body = pd.read_csv(SAMPLE / "extra/salesforce_report.csv", skiprows=3, nrows=30)
    assert {"Closed Won", "Closed Lost"} <= set(body["Stage"])


def test_one_on_ones_cadences():
    df = pd.read_csv(SAMPLE / "one_on_ones_2026-11-27.csv", parse_dates=["Date"])
    assert df["Manager"].nunique() == 6 and 55 <= df["Employee"].nunique() <= 65
    last = df.groupby("Employee")["Date"].max()
    overdue = last[pd.Timestamp("2026-11-27") - last > pd.Timedelta(days=30)]
    assert len(overdue) >= 3
    assert df["Date"].min() >= pd.Timestamp("2026-06-01") and df["Date"].max() < pd.Timestamp("2026-11-27")

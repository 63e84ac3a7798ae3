"""Generate the fictional demo data of Pipeline Pulse.

Run ``python sample_data/generate.py`` to (re)write every demo file next to this
script.  Everything is derived from fixed seeds and fixed dates, never from the
current date, so two runs write byte-identical files.

Files written (relative to the output folder):

- ``deals_2026-11-06.csv`` .. ``deals_2026-11-27.csv``: four weekly HubSpot-style
  deal exports of "Northwind Analytics" (Sales Pipeline + Renewals).
- ``survey_enps_2026.csv``: Google-Forms-like eNPS / pulse survey, three monthly waves.
- ``one_on_ones_2026-11-27.csv``: log of 1:1 meetings.
- ``extra/enquete_pulse_2026-10.csv``: French pulse survey (``;``, Windows-1252).
- ``extra/pipedrive_fr_2026-11-27.csv``: French Pipedrive export (``;``, Windows-1252).
- ``extra/salesforce_report.csv``: Salesforce opportunity report with title and footer lines.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

SEED = 20261127

# --------------------------------------------------------------------------- deals

SNAPSHOTS = [date(2026, 11, 6), date(2026, 11, 13), date(2026, 11, 20), date(2026, 11, 27)]
EXPORT_HOUR = 7  # exports are pulled at 07:00 on the snapshot day
HISTORY_START = date(2024, 12, 2)
LAST_CREATE = date(2026, 11, 26)
HORIZON = datetime(2026, 11, 27, EXPORT_HOUR)

SALES = "Sales Pipeline"
RENEWALS = "Renewals"
SALES_OPEN = [
    "Appointment scheduled",
    "Qualified to buy",
    "Presentation scheduled",
    "Decision maker bought-in",
    "Contract sent",
]
RENEWAL_OPEN = ["Renewal due", "In negotiation"]
WON = "Closed won"
LOST = "Closed lost"
SALES_ALL = [*SALES_OPEN, WON, LOST]
_STAGE_RANK = {s: i for i, s in enumerate([*SALES_OPEN, *RENEWAL_OPEN, WON, LOST])}

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
] + [f'Date entered "{s} ({SALES})"' for s in SALES_ALL]

# each owner's team, as named in the survey's Team column (Sales x people comparison)
SALES_TEAMS = {"Amelia Hart": "New Business", "Jonas Weber": "New Business", "Sofia Rossi": "Account Management",
               "Priya Nair": "Account Management", "Lucas Moreau": "Sales Development",
               "Daniel Okafor": "Sales Development"}

N_SALES = 2520
N_RENEWALS = 600

# median days spent in each open stage of the Sales Pipeline (SMB, before owner factor)
STAGE_MEDIAN_DAYS = [6.0, 10.0, 16.0, 12.0, 9.0]
SEGMENTS = ["SMB", "Mid-Market", "Enterprise"]
SEGMENT_SPEED = {"SMB": 1.0, "Mid-Market": 1.6, "Enterprise": 2.6}
SEGMENT_AMOUNT = {"SMB": 6500.0, "Mid-Market": 26000.0, "Enterprise": 95000.0}
SEGMENT_WIN = {"SMB": 1.05, "Mid-Market": 1.0, "Enterprise": 0.85}

SOURCES = ["Organic Search", "Paid Search", "Referrals", "Direct Traffic", "Offline Sources", "Social Media"]
SOURCE_WEIGHT = [0.25, 0.20, 0.14, 0.15, 0.12, 0.14]
SOURCE_WIN = {
    "Organic Search": 0.36,
    "Paid Search": 0.19,
    "Referrals": 0.60,
    "Direct Traffic": 0.31,
    "Offline Sources": 0.44,
    "Social Media": 0.22,
}
# probability that a lost deal is lost from each open stage (renormalised from its start stage)
LOSS_STAGE_WEIGHT = [0.34, 0.26, 0.18, 0.12, 0.10]
P_SKIP = 0.08  # skip the next stage (e.g. Qualified to buy -> Decision maker bought-in)
P_BACK = 0.25  # move back one stage (checked at each step from the 2nd stage on, once per deal)


@dataclass(frozen=True)
class Owner:
    name: str
    win: float  # multiplier of the win probability
    speed: float  # multiplier of the days in stage
    zombie: float  # share of deals that stall for months
    push: float  # chance that an overdue close date gets pushed at a review
    late_review: bool  # reviews close dates only after they have passed
    weight: float  # share of new deals
    segments: tuple[float, float, float]
    start: date = HISTORY_START
    delete_hazard: float = 0.008  # weekly chance that an open deal is deleted (duplicates, tests)


OWNERS = [
    Owner("Amelia Hart", 1.35, 0.80, 0.02, 0.55, False, 1.0, (0.45, 0.35, 0.20)),  # the strong closer
    Owner("Jonas Weber", 0.75, 1.90, 0.30, 0.90, True, 1.0, (0.50, 0.35, 0.15), delete_hazard=0.012),  # stale deals
    Owner("Priya Nair", 1.00, 1.00, 0.05, 0.60, False, 1.0, (0.55, 0.30, 0.15)),
    Owner("Lucas Moreau", 0.95, 1.15, 0.06, 0.65, True, 0.9, (0.25, 0.40, 0.35)),
    Owner("Sofia Rossi", 1.05, 0.90, 0.04, 0.60, False, 1.3, (0.75, 0.20, 0.05)),
    Owner("Daniel Okafor", 0.85, 1.10, 0.08, 0.70, True, 1.0, (0.60, 0.30, 0.10), start=date(2025, 6, 2)),
]

PRODUCTS = [
    "Analytics Platform",
    "BI Seats",
    "Forecasting Module",
    "Data Connectors",
    "Dashboards Pack",
    "Onboarding Services",
    "Embedded Analytics",
]
COMPANY_A = [
    "Blue", "North", "Silver", "Iron", "Bright", "Red", "Green", "Stone", "Oak", "River", "Summit", "Harbor",
    "Falcon", "Cedar", "Alder", "Maple", "Granite", "Lumen", "Vertex", "Nova", "Atlas", "Polar", "Crest",
    "Pioneer", "Amber", "Copper", "Willow", "Aster", "Beacon", "Orchid",
]  # fmt: skip
COMPANY_B = ["field", "stone", "wave", "bridge", "point", "gate", "line", "works", "path", "light", "wood", "ridge"]
COMPANY_C = [
    "Logistics", "Retail", "GmbH", "SAS", "Ltd", "Health", "Foods", "Energy", "Labs", "Systems", "Capital",
    "Media", "Insurance", "Manufacturing", "Travel", "Pharma", "BV", "AG",
]  # fmt: skip


@dataclass
class Deal:
    key: int
    pipeline: str
    name: str
    owner: str
    deal_type: str
    source: str
    segment: str
    currency: str
    created: datetime
    events: list[tuple[datetime, str, object]] = field(default_factory=list)
    record_id: int = 0


def _workday(t: datetime) -> datetime:
    """Move a Saturday/Sunday to the next Monday."""
    wd = t.weekday()
    return t + timedelta(days=7 - wd) if wd >= 5 else t


def _business_time(rng: np.random.Generator, d: date) -> datetime:
    t = datetime(d.year, d.month, d.day, int(rng.integers(8, 19)), int(rng.integers(0, 60)))
    return _workday(t)


def _after(rng: np.random.Generator, t: datetime, days: float) -> datetime:
    """A business-hours time at least one calendar day after ``t``."""
    d = (t + timedelta(days=max(1.0, days))).date()
    return _business_time(rng, d)


def _lognormal(rng: np.random.Generator, median: float, sigma: float) -> float:
    return float(median * np.exp(sigma * rng.standard_normal()))


def _one_currency(rng: np.random.Generator) -> str:
    """Every deal is in EUR, so the demo's first screen shows the product, not a warning about deals in a currency
    without a rate. The draw that once chose USD for 5 % of the deals is kept, so every other field stays the same."""
    rng.random()
    return "EUR"


def _company(rng: np.random.Generator) -> str:
    a = COMPANY_A[int(rng.integers(len(COMPANY_A)))]
    b = COMPANY_B[int(rng.integers(len(COMPANY_B)))]
    c = COMPANY_C[int(rng.integers(len(COMPANY_C)))]
    return f"{a}{b} {c}"


def _creation_days(rng: np.random.Generator, n: int, start: date, end: date) -> list[date]:
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    w = np.array(
        [(1.0 + 0.6 * i / len(days)) * (0.04 if d.weekday() >= 5 else 1.0) * (0.7 if d.month in (8, 12) else 1.0)
         for i, d in enumerate(days)]
    )  # fmt: skip
    idx = np.sort(rng.choice(len(days), size=n, p=w / w.sum()))
    return [days[i] for i in idx]


def _round_amount(x: float, step: float) -> float:
    return float(max(step, round(x / step) * step))


def _close_date_events(rng: np.random.Generator, deal: Deal, first: date, end: datetime, owner: Owner) -> None:
    """Expected close date reviews: pushed later (slipped) or left in the past (past-due)."""
    exp = first

    def next_review(e: date, now: datetime) -> datetime:
        if owner.late_review:
            t = datetime.combine(e, datetime.min.time()) + timedelta(days=float(rng.uniform(2, 40)))
        else:
            t = datetime.combine(e, datetime.min.time()) - timedelta(days=float(rng.uniform(0, 8)))
        return _business_time(rng, max(t, now + timedelta(days=1)).date())

    review = next_review(exp, deal.created)
    stop = min(end, HORIZON + timedelta(days=1))
    for _ in range(40):
        if review >= stop:
            break
        if rng.random() < owner.push:
            exp = max(exp, review.date()) + timedelta(days=int(rng.integers(10, 70)))
            deal.events.append((review, "close", exp))
            review = next_review(exp, review)
        else:
            review = _business_time(rng, (review + timedelta(days=float(rng.uniform(15, 60)))).date())


def _amount_events(rng: np.random.Generator, deal: Deal, amount: float, end: datetime, step: float, rate: float):
    n = int(rng.poisson(rate))
    span = (min(end, HORIZON + timedelta(days=3)) - deal.created).total_seconds() / 86400
    if n == 0 or span < 2:
        return
    for off in np.sort(rng.uniform(1, span, size=n)):
        t = _business_time(rng, (deal.created + timedelta(days=float(off))).date())
        if t >= end:
            continue
        amount = _round_amount(amount * float(np.exp(0.22 * rng.standard_normal())), step)
        deal.events.append((t, "amount", amount))


def _delete_event(rng: np.random.Generator, deal: Deal, end: datetime, hazard: float) -> datetime:
    t = deal.created + timedelta(weeks=float(rng.exponential(1.0 / hazard)))
    if t < end:
        t = _business_time(rng, t.date())
        if deal.created < t < end:
            deal.events.append((t, "delete", None))
            return t
    return end


def _sales_deals(days_rng: np.random.Generator) -> list[Deal]:
    owner_w = np.array([o.weight for o in OWNERS])
    deals = []
    for key, day in enumerate(_creation_days(days_rng, N_SALES, HISTORY_START, LAST_CREATE)):
        rng = np.random.default_rng([SEED, 10, key])  # one stream per deal: tuning one deal leaves the others alone
        eligible = np.array([o.start <= day for o in OWNERS], dtype=float) * owner_w
        owner = OWNERS[int(rng.choice(len(OWNERS), p=eligible / eligible.sum()))]
        segment = SEGMENTS[int(rng.choice(3, p=np.array(owner.segments)))]
        source = SOURCES[int(rng.choice(len(SOURCES), p=np.array(SOURCE_WEIGHT) / sum(SOURCE_WEIGHT)))]
        deal_type = "Existing Business" if rng.random() < 0.15 else "New Business"
        currency = _one_currency(rng)
        created = _business_time(rng, day)
        company = _company(rng)
        product = PRODUCTS[int(rng.integers(len(PRODUCTS)))]
        deal = Deal(key, SALES, f"{company} - {product}", owner.name, deal_type, source, segment, currency, created)

        p_win = min(0.9, SOURCE_WIN[source] * owner.win * SEGMENT_WIN[segment])
        won = rng.random() < p_win
        start = 1 if rng.random() < 0.12 else 0
        if won:
            target = 4
        else:
            w = np.array(LOSS_STAGE_WEIGHT[start:])
            target = start + int(rng.choice(len(w), p=w / w.sum()))
        seq = [start]
        cur, moved_back = start, False
        while cur < target:
            if not moved_back and cur >= 1 and rng.random() < P_BACK:
                moved_back = True
                cur -= 1
            elif cur + 2 <= target and rng.random() < P_SKIP:
                cur += 2
            else:
                cur += 1
            seq.append(cur)

        durations = [_lognormal(rng, STAGE_MEDIAN_DAYS[s] * SEGMENT_SPEED[segment] * owner.speed, 0.65) for s in seq]
        if not won:
            durations[-1] *= 1.3
        if rng.random() < owner.zombie:
            durations[int(rng.integers(len(durations)))] *= float(rng.uniform(6, 14))

        t = created
        entries = []
        for i, s in enumerate(seq):
            if i > 0:
                t = _after(rng, t, durations[i - 1])
            entries.append((t, s))
        close_t = _after(rng, t, durations[-1])

        end = close_t
        end = _delete_event(rng, deal, end, owner.delete_hazard)
        for et, s in entries:
            if et < end:
                deal.events.append((et, "stage", SALES_OPEN[s]))
        if end == close_t:
            deal.events.append((close_t, "stage", WON if won else LOST))
            deal.events.append((close_t, "close", close_t.date()))

        amount_blank = rng.random() < 0.01
        step = 100.0 if segment != "SMB" else 50.0
        amount = _round_amount(_lognormal(rng, SEGMENT_AMOUNT[segment], 0.55), step)
        deal.events.append((created, "amount", None if amount_blank else amount))
        if not amount_blank:
            _amount_events(rng, deal, amount, end, step, 0.45)

        if rng.random() < 0.02:
            deal.events.append((created, "close", None))  # expected close date never filled in
        else:
            cycle = sum(STAGE_MEDIAN_DAYS[start:]) * SEGMENT_SPEED[segment] * float(rng.uniform(0.6, 1.3))
            first = (created + timedelta(days=cycle)).date()
            if rng.random() < 0.35:  # reps love the end of the month
                first = (first.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            deal.events.append((created, "close", first))
            _close_date_events(rng, deal, first, end, owner)
        deals.append(deal)
    return deals


def _renewal_deals(key0: int) -> list[Deal]:
    owners = [o for o in OWNERS if o.name in ("Priya Nair", "Sofia Rossi", "Amelia Hart", "Jonas Weber")]
    renew_owner = {o.name: o for o in owners}
    deals = []
    lo, hi = date(2025, 2, 1), date(2027, 2, 15)
    key = key0
    while len(deals) < N_RENEWALS:
        rng = np.random.default_rng([SEED, 20, key])
        due = lo + timedelta(days=int(rng.integers(0, (hi - lo).days)))
        created = _business_time(rng, due - timedelta(days=int(rng.integers(45, 100))))
        if not (datetime.combine(HISTORY_START, datetime.min.time()) <= created < HORIZON - timedelta(days=1)):
            key += 1
            continue
        owner = renew_owner[owners[int(rng.integers(len(owners)))].name]
        segment = SEGMENTS[int(rng.choice(3, p=np.array([0.5, 0.35, 0.15])))]
        company = _company(rng)
        deal = Deal(
            key, RENEWALS, f"{company} - Renewal {due.year}", owner.name, "Existing Business", "", segment,
            _one_currency(rng), created,
        )  # fmt: skip
        key += 1
        won = rng.random() < 0.85
        seq = [0]
        if won or rng.random() < 0.6:
            seq.append(1)
            if rng.random() < 0.2:
                seq += [0, 1]
        t = created
        entries = [(created, 0)]
        for s in seq[1:]:
            t = _after(rng, t, _lognormal(rng, 22.0, 0.5))
            entries.append((t, s))
        close_day = due + timedelta(days=int(rng.normal(0, 10)))
        close_t = _after(rng, max(t, datetime.combine(close_day, datetime.min.time())), 1)
        end = _delete_event(rng, deal, close_t, 0.004)
        for et, s in entries:
            if et < end:
                deal.events.append((et, "stage", RENEWAL_OPEN[s]))
        if end == close_t:
            deal.events.append((close_t, "stage", WON if won else LOST))
            deal.events.append((close_t, "close", close_t.date()))
        # renewal ARR: seats x price, with cents
        amount = round(_lognormal(rng, SEGMENT_AMOUNT[segment] * 0.6, 0.45), -1) + float(rng.choice([0, 0.5, 0.9]))
        deal.events.append((created, "amount", amount))
        _amount_events(rng, deal, amount, end, 10.0, 0.5)
        deal.events.append((created, "close", due))
        _close_date_events(rng, deal, due, end, owner)
        deals.append(deal)
    return deals


CLEANUP_START = date(2026, 9, 4)  # from then on, sales ops deletes a few stale deals every Friday afternoon
CLEANUP_STALE_DAYS = 60


def _weekly_cleanup(deals: list[Deal]) -> None:
    rng = np.random.default_rng([SEED, 30])
    friday = CLEANUP_START
    while friday < HORIZON.date():
        when = datetime.combine(friday, datetime.min.time()) + timedelta(hours=16)
        stale = []
        for d in deals:
            if d.created > when:
                continue
            past = [e for e in d.events if e[0] <= when]
            stage_times = [t for t, k, v in past if k == "stage"]
            kinds = [(k, v) for _, k, v in past]
            if ("delete", None) in kinds or ("stage", WON) in kinds or ("stage", LOST) in kinds:
                continue
            if stage_times and stage_times[-1] < when - timedelta(days=CLEANUP_STALE_DAYS):
                stale.append(d)
        for i in rng.choice(len(stale), size=min(len(stale), 3 + int(rng.poisson(1.5))), replace=False):
            d = stale[int(i)]
            d.events = [e for e in d.events if e[0] <= when] + [(when, "delete", None)]
        friday += timedelta(days=7)


def _snapshot_row(deal: Deal, cutoff: datetime) -> dict | None:
    if deal.created > cutoff:
        return None
    stage, close, amount = None, None, None
    entered: dict[str, datetime] = {}
    for t, kind, value in deal.events:
        if t > cutoff:
            continue
        if kind == "delete":
            return None
        if kind == "stage":
            stage = value
            entered[value] = t  # HubSpot keeps the most recent entry into a stage
        elif kind == "close":
            close = value
        elif kind == "amount":
            amount = value
    row = {
        "Record ID": str(deal.record_id),
        "Deal Name": deal.name,
        "Pipeline": deal.pipeline,
        "Deal Stage": stage,
        "Amount": _fmt_amount(amount),
        "Deal currency code": deal.currency,
        "Close Date": close.isoformat() if close else "",
        "Create Date": deal.created.strftime("%Y-%m-%d %H:%M"),
        "Deal owner": deal.owner,
        "Sales team": SALES_TEAMS[deal.owner],
        "Deal Type": deal.deal_type,
        "Original Source Type": deal.source,
        "Segment": deal.segment,
    }
    for s in SALES_ALL:
        t = entered.get(s) if deal.pipeline == SALES else None
        row[f'Date entered "{s} ({SALES})"'] = t.strftime("%Y-%m-%d %H:%M") if t else ""
    return row


def _fmt_amount(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def build_deals() -> dict[str, list[dict]]:
    rng = np.random.default_rng([SEED, 1])
    deals = _sales_deals(rng)
    deals += _renewal_deals(len(deals))
    deals.sort(key=lambda d: (d.created, d.key))
    for d in deals:
        d.events.sort(key=lambda e: (e[0], e[1] != "stage"))
    _weekly_cleanup(deals)
    ids = 19_804_000_000 + np.cumsum(rng.integers(2_000, 900_000, size=len(deals)))
    for d, rid in zip(deals, ids, strict=True):
        d.record_id = int(rid)

    # two obvious outliers: ten times the owner's usual deal, on deals visible in every export
    cutoffs = [datetime.combine(s, datetime.min.time()) + timedelta(hours=EXPORT_HOUR) for s in SNAPSHOTS]
    visible = [d for d in deals if d.pipeline == SALES and all(_snapshot_row(d, c) for c in cutoffs)]
    picks = [
        next(d for d in visible if d.owner == "Lucas Moreau" and d.segment == "Enterprise" and d.currency == "EUR"
             and _snapshot_row(d, cutoffs[0])["Deal Stage"] == WON),
        max((d for d in visible if d.owner == "Sofia Rossi" and d.segment == "Mid-Market" and d.currency == "EUR"
             and _snapshot_row(d, cutoffs[-1])["Deal Stage"] in SALES_OPEN),
            key=lambda d: (SALES_OPEN.index(_snapshot_row(d, cutoffs[-1])["Deal Stage"]), d.created)),
    ]  # fmt: skip
    for d in picks:
        usual = SEGMENT_AMOUNT[d.segment] * 1.2
        d.events = [(d.created, "amount", usual * 10)] + [e for e in d.events if e[1] != "amount"]
        d.events.sort(key=lambda e: (e[0], e[1] != "stage"))

    out = {}
    for snap, cutoff in zip(SNAPSHOTS, cutoffs, strict=True):
        rows = [r for d in deals if (r := _snapshot_row(d, cutoff)) is not None]
        # a report view sorted by pipeline and stage: the Renewals pipeline (no known template, no
        # probabilities, no entry dates) gets its stage order from the first-seen order of the export
        rows.sort(key=lambda r: (r["Pipeline"], _STAGE_RANK.get(r["Deal Stage"], 99)))
        out[f"deals_{snap.isoformat()}.csv"] = rows
    return out


# -------------------------------------------------------------------------- survey

ENPS_Q = "How likely are you to recommend this company as a place to work? (0-10)"
LIKERT_QS = [
    "I have the tools I need to do my job well.",
    "My manager gives me useful feedback.",
    "I see myself working here in two years.",
    "My workload is manageable.",
    "I feel my work is recognised.",
]
COMMENT_Q = "What is one thing we should change?"
SURVEY_COLUMNS = ["Timestamp", "Email address", "Department", "Team", "Location", ENPS_Q, *LIKERT_QS, COMMENT_Q]

# department -> (teams with headcount, location weights Berlin/Lyon/London/Remote)
DEPARTMENTS = {
    "Sales": ([("New Business", 20), ("Account Management", 15), ("Sales Development", 9)], (0.4, 0.3, 0.25, 0.05)),
    "Engineering": ([("Platform", 24), ("Data", 22), ("Frontend", 16), ("QA", 4)], (0.45, 0.25, 0.0, 0.30)),
    "Customer Success": ([("Onboarding", 13), ("Support", 20)], (0.3, 0.4, 0.2, 0.1)),
    "Marketing": ([("Growth", 12), ("Brand", 10)], (0.5, 0.2, 0.2, 0.1)),
    "Finance": ([("Finance", 12)], (0.7, 0.3, 0.0, 0.0)),
    "Legal": ([("Legal", 3)], (1.0, 0.0, 0.0, 0.0)),
}
LOCATIONS = ["Berlin", "Lyon", "London", "Remote"]
WAVES = [date(2026, 9, 14), date(2026, 10, 12), date(2026, 11, 9)]
# (promoter share, detractor share) per wave
ENPS_MIX = {
    "Sales": [(0.45, 0.18), (0.34, 0.30), (0.24, 0.42)],
    "Engineering": [(0.20, 0.42), (0.32, 0.26), (0.44, 0.18)],
    "Customer Success": [(0.36, 0.26), (0.38, 0.24), (0.36, 0.25)],
    "Marketing": [(0.42, 0.18), (0.48, 0.14), (0.40, 0.20)],
    "Finance": [(0.30, 0.30), (0.28, 0.28), (0.34, 0.26)],
    "Legal": [(0.34, 0.33), (0.34, 0.33), (0.34, 0.33)],
}
RESPONSE_RATE = [0.84, 0.78, 0.72]
# per question, per department: offset to the Likert mean, and a per-wave trend
LIKERT_OFFSET = {
    "Engineering": [(-0.6, 0.35), (0.0, 0.1), (-0.2, 0.2), (0.0, 0.0), (-0.2, 0.1)],
    "Sales": [(0.2, 0.0), (0.1, -0.1), (0.1, -0.25), (-0.3, -0.35), (0.0, -0.2)],
}
COMMENTS = {
    "promoter": [
        "Keep the Friday demos, they are great.",
        "Honestly not much. Maybe more team offsites.",
        "More budget for training, please.",
        "Nothing major - the new onboarding is a big improvement.",
        'Keep doing what you are doing, and keep the "no meeting Wednesday".',
    ],
    "passive": [
        "Clearer career paths, especially for senior people.",
        "Fewer tools; we use three chat apps.",
        "Salary reviews could be more transparent.",
        "Better coordination between Sales and Customer Success.",
        "The office in Lyon needs better meeting rooms.",
        "Faster laptops for the data team.",
    ],
    "detractor": [
        "Targets keep changing mid-quarter, it is demotivating.",
        "Too many priorities at once, we never finish anything.",
        "Workload is too high since two people left and were not replaced.",
        "Decisions are made without asking the people who do the work.",
        "Recognition only goes to the loudest people.",
        "Our CI is slow and flaky, we lose hours every week.",
        "Stop moving the release dates.\nAnd involve engineering before promising features to clients.",
    ],
}


def build_survey() -> list[dict]:
    rng = np.random.default_rng([SEED, 3])
    employees = []
    for dept, (teams, locw) in DEPARTMENTS.items():
        for team, n in teams:
            for _ in range(n):
                loc = LOCATIONS[int(rng.choice(4, p=np.array(locw) / sum(locw)))]
                employees.append((dept, team, loc, float(rng.normal(0, 0.5))))
    order = rng.permutation(len(employees))
    employees = [employees[i] for i in order]
    rows = []
    for w, opens in enumerate(WAVES):
        for emp_no, (dept, team, loc, mood) in enumerate(employees, start=1):
            if rng.random() > RESPONSE_RATE[w]:
                continue
            p, d = ENPS_MIX[dept][w]
            u = rng.random() + 0.15 * mood
            if u < d:
                cls = "detractor"
                score = int(rng.choice(7, p=np.array([1, 1, 2, 3, 5, 8, 10]) / 30))
            elif u < 1 - p:
                cls = "passive"
                score = int(rng.choice([7, 8]))
            else:
                cls = "promoter"
                score = int(rng.choice([9, 10], p=[0.55, 0.45]))
            base = {"promoter": 4.2, "passive": 3.5, "detractor": 2.5}[cls] + mood * 0.4
            likert = []
            for q in range(len(LIKERT_QS)):
                off, trend = LIKERT_OFFSET.get(dept, [(0.0, 0.0)] * 5)[q]
                v = int(np.clip(round(base + off + trend * w + rng.normal(0, 0.7)), 1, 5))
                likert.append("" if rng.random() < 0.01 else str(v))
            enps = "" if rng.random() < 0.008 else str(score)
            comment = ""
            if rng.random() < 0.30:
                options = COMMENTS[cls]
                comment = options[int(rng.integers(len(options)))]
            ts = datetime.combine(opens, datetime.min.time()) + timedelta(
                days=int(rng.choice(11, p=np.array([20, 14, 10, 7, 5, 3, 3, 5, 4, 2, 2]) / 75)),
                seconds=int(rng.integers(8 * 3600, 19 * 3600)),
            )
            rows.append(
                dict(zip(SURVEY_COLUMNS, [ts.strftime("%Y-%m-%d %H:%M:%S"), f"employee{emp_no:03d}@example.com",
                                          dept, team, loc, enps, *likert, comment], strict=True))
            )  # fmt: skip
    rows.sort(key=lambda r: (r["Timestamp"], r["Email address"]))
    return rows


FR_ENPS_Q = "Quelle est la probabilité que vous recommandiez notre entreprise comme employeur ? (1-10)"
FR_LIKERT_QS = [
    "J'ai les outils nécessaires pour bien faire mon travail.",
    "Mon responsable me donne des retours utiles.",
    "Ma charge de travail est raisonnable.",
]
FR_SCALE = [
    "Pas du tout d'accord",
    "Plutôt pas d'accord",
    "Ni d'accord ni pas d'accord",
    "Plutôt d'accord",
    "Tout à fait d'accord",
]
FR_COLUMNS = ["Horodateur", "Service", "Site", FR_ENPS_Q, *FR_LIKERT_QS, "Commentaire", "Adresse e-mail"]
FR_SERVICES = [("Commercial", 17, 0.0), ("Ingénierie", 21, -0.3), ("Service client", 12, 0.3), ("Finance", 8, 0.1),
               ("Juridique", 2, 0.0)]  # fmt: skip
FR_COMMENTS = [
    "Améliorer la communication entre les équipes.",
    "Des réunions plus courtes, s'il vous plaît.",
    "Le télétravail deux jours par semaine serait apprécié.",
    "Les outils de reporting sont lents ; on perd beaucoup de temps.",
    "Plus de reconnaissance pour le travail de l'équipe support.",
    "Clarifier les objectifs du trimestre dès le début.",
    "La cantine à Lyon mérite une rénovation !",
    "Recruter : la charge de travail est trop élevée depuis l'été.",
    "Une prime d'équipe plutôt qu'individuelle.",
    "Rien à signaler, très bonne ambiance.",
]


def build_french_survey() -> list[dict]:
    rng = np.random.default_rng([SEED, 4])
    rows = []
    n = 0
    for service, count, mood in FR_SERVICES:
        for _ in range(count):
            n += 1
            site = ["Lyon", "Paris", "Télétravail"][int(rng.choice(3, p=[0.5, 0.35, 0.15]))]
            score = int(np.clip(round(rng.normal(7.0 + 2 * mood, 2.0)), 1, 10))
            base = 1.5 + score * 0.28
            answers = [FR_SCALE[int(np.clip(round(base + rng.normal(0, 0.8)), 1, 5)) - 1] for _ in FR_LIKERT_QS]
            comment = FR_COMMENTS[int(rng.integers(len(FR_COMMENTS)))] if rng.random() < 0.4 else ""
            ts = datetime(2026, 10, 5, 8) + timedelta(
                days=int(rng.integers(0, 12)), seconds=int(rng.integers(0, 10 * 3600))
            )
            rows.append(dict(zip(FR_COLUMNS, [ts, service, site, str(score), *answers, comment,
                                              f"salarie{n:03d}@example.fr"], strict=True)))  # fmt: skip
    rows.sort(key=lambda r: (r["Horodateur"], r["Adresse e-mail"]))
    for r in rows:
        r["Horodateur"] = r["Horodateur"].strftime("%d/%m/%Y %H:%M")
    return rows


# ----------------------------------------------------------------------- 1:1 log

FIRST_NAMES = [
    "Anna", "Ben", "Chloé", "David", "Emma", "Felix", "Grace", "Hugo", "Isla", "Jakob", "Kira", "Leo", "Mila",
    "Noah", "Olivia", "Paul", "Quentin", "Rosa", "Samuel", "Tara", "Umar", "Vera", "William", "Xenia", "Yusuf",
    "Zoe", "Adrien", "Bianca", "Carlos", "Dana", "Elif", "Finn", "Greta", "Hamza", "Ines", "Jonah", "Katrin",
    "Liam", "Maya", "Nils", "Oskar", "Pia", "Rafael", "Sara", "Timo", "Ursula", "Victor", "Wen", "Yara", "Zain",
]  # fmt: skip
LAST_NAMES = [
    "Adler", "Baker", "Costa", "Dietrich", "Evans", "Fischer", "Garnier", "Hoffmann", "Ibrahim", "Jensen",
    "Keller", "Laurent", "Müller", "Nowak", "O'Brien", "Petit", "Quinn", "Richter", "Santos", "Thompson",
    "Ulrich", "Vogel", "Walsh", "Young", "Zimmermann", "Bernard", "Lindqvist", "Moreno", "Schulz", "Verhoeven",
]  # fmt: skip
# manager -> (team size, cadence in days or None for irregular, chance a planned 1:1 is skipped)
MANAGERS = {
    "Hannah Schmidt": (11, 7, 0.08),
    "Marc Dubois": (10, 14, 0.10),
    "Elena García": (10, 30, 0.05),
    "Oliver Grant": (10, None, 0.0),
    "Aisha Khan": (9, 14, 0.20),
    "Peter Novak": (10, 21, 0.10),
}
ONE_ON_ONE_START = date(2026, 6, 1)
ONE_ON_ONE_AS_OF = date(2026, 11, 27)


def build_one_on_ones() -> list[dict]:
    rng = np.random.default_rng([SEED, 5])
    names = [f"{f} {s}" for f in FIRST_NAMES for s in LAST_NAMES]
    pick = rng.choice(len(names), size=sum(m[0] for m in MANAGERS.values()), replace=False)
    employees = iter(names[i] for i in pick)
    rows = []
    for manager, (size, cadence, skip) in MANAGERS.items():
        for k in range(size):
            emp = next(employees)
            start = ONE_ON_ONE_START + timedelta(days=int(rng.integers(0, 10)))
            stop = ONE_ON_ONE_AS_OF
            if manager == "Peter Novak" and k == 0:
                start = date(2026, 11, 3)  # new joiner: a single 1:1 so far, no interval
                stop = date(2026, 11, 10)
            if manager == "Oliver Grant":
                # irregular: gaps of 1-9 weeks; half the team not seen since mid-October or earlier
                stop = ONE_ON_ONE_AS_OF - timedelta(days=int(rng.integers(35, 80)) if k % 2 == 0 else 0)
            d = start
            while d < stop:
                on_leave = manager == "Aisha Khan" and date(2026, 7, 20) <= d <= date(2026, 8, 21)
                if not on_leave and rng.random() >= skip:
                    jitter = int(rng.integers(-1, 2)) if cadence and cadence >= 14 else 0
                    day = _workday(datetime.combine(d + timedelta(days=jitter), datetime.min.time())).date()
                    lengths = [15, 30, 30, 45, 60] if manager == "Oliver Grant" else [30, 30, 45, 60]
                    minutes = int(rng.choice(lengths))
                    if day < ONE_ON_ONE_AS_OF:
                        dur = "" if rng.random() < 0.05 else str(minutes)
                        rows.append(
                            {"Manager": manager, "Employee": emp, "Date": day.isoformat(), "Duration (min)": dur}
                        )
                d += timedelta(days=cadence if cadence else int(rng.integers(7, 64)))
    rows.sort(key=lambda r: (r["Date"], r["Manager"], r["Employee"]))
    return rows


# -------------------------------------------------------------- other CRM exports

PD_COLUMNS = [
    "Affaire - ID", "Affaire - Titre", "Affaire - Valeur", "Affaire - Devise", "Affaire - Étape",
    "Affaire - Pipeline", "Affaire - Statut", "Affaire - Propriétaire", "Affaire - Affaire créée",
    "Affaire - Date de clôture prévue", "Affaire - Date de gain", "Affaire - Date de perte",
]  # fmt: skip
PD_STAGES = [
    "Prospect entrant",
    "Qualifié",
    "Contact établi",
    "Démo planifiée",
    "Proposition faite",
    "Négociations commencées",
]
PD_OWNERS = ["Camille Lefèvre", "Théo Girard", "Léa Faure"]
PD_CLIENTS = [
    "Boulangeries Réunies", "Cégep Solutions", "Château Montclair", "Électricité du Rhône", "Hôtel Beauséjour",
    "Transports Lemaître", "Pâtisserie Élysée", "Société Générale de Bâtiment", "Aéro Précision", "Crédit Mutualisé",
    "Éditions Périgord", "Forges de l'Isère", "Maison Dupré", "Laboratoires Vérane", "Librairie Ampère",
]  # fmt: skip


def _fr_money(x: float) -> str:
    whole, cents = f"{x:.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return " ".join(groups) + "," + cents


def build_pipedrive() -> list[dict]:
    rng = np.random.default_rng([SEED, 6])
    as_of = date(2026, 11, 27)
    rows = []
    for i in range(40):
        created = as_of - timedelta(days=int(rng.integers(3, 240)))
        status = ["Ouvert", "Gagné", "Perdu"][int(rng.choice(3, p=[0.5, 0.25, 0.25]))]
        stage = int(rng.integers(0, 6)) if status != "Gagné" else 5
        value = round(_lognormal(rng, 14000, 0.6), -2) + (0.5 if i % 9 == 4 else 0.0)
        if i == 30:
            value = 1_250_000.0  # a framework agreement: two thousands separators
        expected = created + timedelta(days=int(rng.integers(30, 120)))
        closed = min(as_of - timedelta(days=1), created + timedelta(days=int(rng.integers(10, 150))))
        rows.append({
            "Affaire - ID": str(1040 + i * 3 + int(rng.integers(0, 3))),
            "Affaire - Titre": f"{PD_CLIENTS[int(rng.integers(len(PD_CLIENTS)))]} - affaire",
            "Affaire - Valeur": "" if i == 17 else _fr_money(value),
            "Affaire - Devise": "EUR",
            "Affaire - Étape": PD_STAGES[stage],
            "Affaire - Pipeline": "Pipeline" if i % 5 else "Grands comptes",
            "Affaire - Statut": status,
            "Affaire - Propriétaire": PD_OWNERS[int(rng.integers(len(PD_OWNERS)))],
            "Affaire - Affaire créée": created.strftime("%d/%m/%Y"),
            "Affaire - Date de clôture prévue": "" if i == 23 else expected.strftime("%d/%m/%Y"),
            "Affaire - Date de gain": closed.strftime("%d/%m/%Y") if status == "Gagné" else "",
            "Affaire - Date de perte": closed.strftime("%d/%m/%Y") if status == "Perdu" else "",
        })  # fmt: skip
    return rows


SF_COLUMNS = [
    "Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Fiscal Period", "Amount",
    "Probability (%)", "Age", "Close Date", "Created Date", "Next Step", "Lead Source", "Type", "Forecast Category",
]  # fmt: skip
SF_STAGES = [  # Salesforce defaults: (stage, probability, forecast category)
    ("Prospecting", 10, "Pipeline"),
    ("Qualification", 10, "Pipeline"),
    ("Needs Analysis", 20, "Pipeline"),
    ("Value Proposition", 50, "Pipeline"),
    ("Id. Decision Makers", 60, "Pipeline"),
    ("Perception Analysis", 70, "Best Case"),
    ("Proposal/Price Quote", 75, "Best Case"),
    ("Negotiation/Review", 90, "Commit"),
    ("Closed Won", 100, "Closed"),
    ("Closed Lost", 0, "Omitted"),
]
SF_OWNERS = ["Megan Brooks", "Ryan Patel", "Laura Chen", "Kevin O'Donnell"]
SF_ACCOUNTS = [
    "Acme Corporation", "Globex Inc.", "Initech", "Umbrella Health", "Stark Logistics", "Wayne Retail Group",
    "Hooli", "Vandelay Industries", "Soylent Foods", "Tyrell Systems", "Cyberdyne Labs", "Wonka Industries",
]  # fmt: skip
SF_NEXT = ["Send proposal", "Schedule demo", "Legal review", "Follow up call", "", "Pricing approval", "Kick-off"]
SF_SOURCES = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other", "Trade Show"]
SF_TYPES = ["New Customer", "Existing Customer - Upgrade", "Existing Customer - Replacement",
            "Existing Customer - Downgrade"]  # fmt: skip
SF_AS_OF = date(2026, 11, 27)
SF_ROWS = 30


def _us_date(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def build_salesforce() -> list[list[str]]:
    rng = np.random.default_rng([SEED, 7])
    rows = []
    total = 0.0
    for i in range(SF_ROWS):
        # every stage once, then a realistic mix with more closed deals
        weights = np.array([1, 1, 1, 1, 1, 1, 1, 1, 3, 3]) / 14
        stage, prob, forecast = SF_STAGES[i] if i < len(SF_STAGES) else SF_STAGES[int(rng.choice(10, p=weights))]
        created = SF_AS_OF - timedelta(days=int(rng.integers(5, 300)))
        close = created + timedelta(days=int(rng.integers(20, 160)))
        if stage.startswith("Closed"):
            close = min(close, SF_AS_OF - timedelta(days=int(rng.integers(1, 30))))
        age = ((close if stage.startswith("Closed") else SF_AS_OF) - created).days
        amount = round(_lognormal(rng, 18000, 0.7), -2)
        total += amount
        account = SF_ACCOUNTS[int(rng.integers(len(SF_ACCOUNTS)))]
        quarter = (close.month - 1) // 3 + 1
        rows.append([
            SF_OWNERS[int(rng.integers(len(SF_OWNERS)))], account, f"{account} - {int(rng.integers(10, 500))} seats",
            stage, f"Q{quarter}-{close.year}", f"${amount:,.2f}", str(prob), str(age), _us_date(close),
            _us_date(created), SF_NEXT[int(rng.integers(len(SF_NEXT)))],
            SF_SOURCES[int(rng.integers(len(SF_SOURCES)))], SF_TYPES[int(rng.integers(len(SF_TYPES)))], forecast,
        ])  # fmt: skip
    totals = [f"Grand Totals ({SF_ROWS} records)"] + [""] * (len(SF_COLUMNS) - 1)
    totals[SF_COLUMNS.index("Amount")] = f"${total:,.2f}"
    return [["Opportunity Pipeline"], [f"As of {_us_date(SF_AS_OF)}"], [], SF_COLUMNS, *rows, totals, [],
            ["Confidential Information - Do Not Distribute"],
            ["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."]]  # fmt: skip


# --------------------------------------------------------------------- writing


def _write_dicts(path: Path, columns: list[str], rows: list[dict], *, sep=",", encoding="utf-8", eol="\n") -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, delimiter=sep, lineterminator=eol)
    w.writeheader()
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def main(out_dir: str | Path | None = None) -> list[Path]:
    """Write every demo file into ``out_dir`` (default: this script's folder); return their paths."""
    out = Path(out_dir) if out_dir is not None else Path(__file__).resolve().parent
    (out / "extra").mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in build_deals().items():
        _write_dicts(out / name, DEAL_COLUMNS, rows)
        written.append(out / name)

    written.append(out / "survey_enps_2026.csv")
    _write_dicts(written[-1], SURVEY_COLUMNS, build_survey())
    written.append(out / "one_on_ones_2026-11-27.csv")
    _write_dicts(written[-1], ["Manager", "Employee", "Date", "Duration (min)"], build_one_on_ones())

    written.append(out / "extra" / "enquete_pulse_2026-10.csv")
    _write_dicts(written[-1], FR_COLUMNS, build_french_survey(), sep=";", encoding="cp1252", eol="\r\n")
    written.append(out / "extra" / "pipedrive_fr_2026-11-27.csv")
    _write_dicts(written[-1], PD_COLUMNS, build_pipedrive(), sep=";", encoding="cp1252", eol="\r\n")

    written.append(out / "extra" / "salesforce_report.csv")
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(build_salesforce())
    written[-1].write_bytes(buf.getvalue().encode("utf-8"))
    return written


if __name__ == "__main__":
    for p in main(sys.argv[1] if len(sys.argv) > 1 else None):
        print(f"{p.stat().st_size:>9,d}  {p}")

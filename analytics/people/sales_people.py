"""Sales × people: a team's eNPS beside the same team's win rate and velocity.

Where a survey grouping column (team, manager, department) names the same groups as the deals — a
team-like column of the CRM export (Sales team, Team, Équipe…) or the deal owners themselves (when the
survey's manager column holds owner names) — one row per matched group. Only groups the survey shows
(at or above the anonymity threshold in the wave, after secondary suppression) take part: a hidden
group is never matched, so this view reveals nothing the Engagement page hides.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from analytics.people import survey
from analytics.sales import kpis as performance
from analytics.text import normalise_header

SURVEY_DIMENSIONS = ("team", "manager", "department")
TEAM_ATTRIBUTES = ("sales team", "team", "equipe", "equipe commerciale", "department", "service", "manager")
COLUMNS = ["group", "survey_dimension", "deals_column", "wave", "responses", "enps", "margin_of_error",
           "won", "lost", "win_rate", "pipeline_velocity_per_day"]


def _key(value: object) -> str:
    return normalise_header(str(value))


def _deal_groupings(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The deals' team-like attributes (as stored), then 'owner'."""
    names = [r[0] for r in con.execute("SELECT DISTINCT attribute FROM deal_attributes").fetchall()]
    return [n for n in names if _key(n) in TEAM_ATTRIBUTES] + ["owner"]


def team_comparison(con: duckdb.DuckDBPyConnection, wave: str | None = None, k: int | None = None) -> pd.DataFrame:
    """One row per group found in both the survey (visible groups only) and the deals.

    eNPS of the wave (default: the latest) beside all-time win rate = won / (won + lost) and pipeline
    velocity per day = open deals x win rate x average won amount / mean cycle, for the same group.
    """
    waves = survey.survey_waves(con)
    if not waves or con.execute("SELECT count(*) FROM deal_snapshots").fetchone()[0] == 0:
        return pd.DataFrame(columns=COLUMNS)
    wave = wave or waves[-1]
    rows = []
    for grouping in _deal_groupings(con):
        sales = performance.win_rates(con, by=grouping)
        sales_by_key = {_key(g): r for g, r in zip(sales["group"], sales.itertuples(index=False), strict=True)}
        for dimension in SURVEY_DIMENSIONS:
            people = survey.enps_by_group(con, dimension, wave=wave, k=k)
            for row in people[~people["suppressed"]].itertuples(index=False):
                match = sales_by_key.get(_key(row.group))
                if match is None or row.group == survey.NOT_GIVEN:
                    continue
                rows.append({"group": row.group, "survey_dimension": dimension, "deals_column": grouping,
                             "wave": wave, "responses": int(row.responses), "enps": float(row.enps),
                             "margin_of_error": float(row.margin_of_error), "won": int(match.won),
                             "lost": int(match.lost), "win_rate": match.win_rate,
                             "pipeline_velocity_per_day": match.pipeline_velocity_per_day})
    return pd.DataFrame(rows, columns=COLUMNS).drop_duplicates(["group", "survey_dimension"])

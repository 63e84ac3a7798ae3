"""Which team each owner's forecast call rolls up to: typed in Settings, else read from a deal column.

Two sources, the first that has something:

* the **team table** (``sales_teams``, typed in Settings): one row per owner, with the owner's team and its
  manager;
* a **deal attribute** such as "Sales team" (``deal_attributes``): the setting ``team_attribute`` names it;
  blank = the first attribute whose name looks like a team ("Sales team", "Équipe", "Region"…). An owner
  belongs to the value most of their deals (current state) carry; a tie goes to the first value
  alphabetically. No manager is known this way.

Owners found in neither are in no team (``team`` None).
"""
from __future__ import annotations

import duckdb
import pandas as pd

from analytics import store
from analytics.sales.scope import ALL_DEALS, open_scope, scoped_ctes
from analytics.store.sql import Fragment
from analytics.text import normalise_header

TEAM_COLUMNS = ["owner", "team", "manager"]
# Words (as normalise_header writes them) in an attribute name that looks like a team.
TEAM_WORDS = ("team", "equipe", "squad", "division", "region", "territory", "territoire", "business unit",
              "agence", "branch")


def get_teams(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The team table typed in Settings. Grain: one row per owner; columns owner, team, manager (None = none)."""
    return con.execute("SELECT owner, team, manager FROM sales_teams ORDER BY team, owner").df()


TEAM_TEXTS = {  # why the team table is refused, by code: the English text (the key the app translates)
    "team_missing": "Row {row}: give both the owner and the team.",
    "owner_twice": "{owner} appears twice: an owner belongs to one team.",
}


class TeamTableError(ValueError):
    """The team table cannot be saved: ``code`` (a key of TEAM_TEXTS) and ``values``; ``str()`` is the English."""

    def __init__(self, code: str, **values: object) -> None:
        self.code, self.values = code, values
        super().__init__(TEAM_TEXTS[code].format(**values))


def clean_teams(table: pd.DataFrame) -> pd.DataFrame:
    """The team table as typed: blank rows dropped, text trimmed, a blank manager None; TeamTableError for an owner
    without a team ('team_missing', its row number from 1) or an owner listed twice ('owner_twice')."""
    rows = []
    for number, row in enumerate(table.to_dict("records"), 1):
        owner, team, manager = (_text(row.get(column)) for column in TEAM_COLUMNS)
        if owner is None and team is None and manager is None:
            continue
        if owner is None or team is None:
            raise TeamTableError("team_missing", row=number)
        rows.append((owner, team, manager))
    clean = pd.DataFrame(rows, columns=TEAM_COLUMNS)
    twice = clean["owner"][clean["owner"].duplicated()]
    if len(twice):
        raise TeamTableError("owner_twice", owner=str(twice.iloc[0]))
    return clean


def save_teams(con: duckdb.DuckDBPyConnection, table: pd.DataFrame) -> int:
    """Replace the team table by ``table`` (checked by ``clean_teams``; call inside ``transaction``)."""
    clean = clean_teams(table)
    con.execute("DELETE FROM sales_teams")
    if not clean.empty:
        con.executemany("INSERT INTO sales_teams VALUES (?, ?, ?)", clean.itertuples(index=False, name=None))
    return len(clean)


def team_attribute_choices(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The deal attributes a team could come from: those whose name looks like a team first (TEAM_WORDS), then
    the others, each group alphabetically."""
    names = [r[0] for r in con.execute("SELECT DISTINCT attribute FROM deal_attributes ORDER BY 1").fetchall()]
    return sorted(names, key=lambda name: (not looks_like_team(name), name))


def looks_like_team(attribute: str) -> bool:
    """True when the attribute's name holds a team word ("Sales team", "Équipe commerciale", "Region")."""
    words = f" {normalise_header(attribute)} "
    return any(f" {word} " in words for word in TEAM_WORDS)


def team_attribute(con: duckdb.DuckDBPyConnection) -> str | None:
    """The deal attribute teams come from when the team table is empty: the ``team_attribute`` setting when the
    deals carry it, else (setting blank) the first attribute that looks like a team; None when there is none."""
    chosen = str(store.get_settings(con).get("team_attribute") or "").strip()
    choices = team_attribute_choices(con)
    if chosen:
        return chosen if chosen in choices else None
    return next((name for name in choices if looks_like_team(name)), None)


def owner_teams(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, str | None, str | None]:
    """(owner -> team table, source, attribute). Grain: one row per owner known to the source; columns owner,
    team, manager. source = 'settings' (the team table), 'attribute' (``attribute`` of the deals) or None (no
    team anywhere: an empty table)."""
    typed = get_teams(con)
    if not typed.empty:
        return typed, "settings", None
    attribute = team_attribute(con)
    if attribute is None:
        return pd.DataFrame(columns=TEAM_COLUMNS), None, None
    query = scoped_ctes(open_scope(con), ALL_DEALS) + Fragment(
        " SELECT d.owner, a.value AS team, NULL AS manager FROM scoped d JOIN deal_attributes a "
        "ON a.import_id = d.import_id AND a.deal_id = d.deal_id AND a.attribute = ? "
        "WHERE d.owner IS NOT NULL AND a.value IS NOT NULL "
        "GROUP BY d.owner, a.value "
        "QUALIFY row_number() OVER (PARTITION BY d.owner ORDER BY count(*) DESC, a.value) = 1 "
        "ORDER BY team, d.owner", [attribute])
    found = con.execute(*query).df()
    found["manager"] = found["manager"].astype(object).where(found["manager"].notna(), None)
    return found[TEAM_COLUMNS], "attribute", attribute


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    return str(value).strip() or None

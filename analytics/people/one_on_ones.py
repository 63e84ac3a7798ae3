"""1:1 meeting cadence (METRICS.md §6): days since the last 1:1, median intervals, overdue employees.

Choices made where the specification is silent (also listed in the project docs):

- **as_of** is the latest ``snapshot_on`` among imports of kind ``one_on_ones`` (the date the log was
  exported, even when an older file is imported afterwards). Without such an import, the cadence numbers
  use the latest meeting date instead, and ``as_of`` returns None.
- Meetings dated after as_of (planned ones) are left out of every number.
- A meeting is (manager, employee, date): the same meeting found in several imports (weekly exports of the
  whole log) counts once. Durations are not used.
- **Gaps**: days between consecutive distinct meeting dates. The overall median interval pools the gaps of
  each employee across managers (the specification's "consecutive 1:1s of the same employee"); the
  per-manager median pools the gaps of each (manager, employee) pair. Employees with one meeting add no gap.
- **Overdue**: days since the last 1:1 > cadence (the ``one_on_one_cadence_days`` setting, 30 by default);
  exactly the cadence is not overdue.
- An employee met by two managers (a change of manager): the cadence table has one row per (manager,
  employee) pair, with ``is_current`` marking the pair that holds the employee's latest meeting (both on a
  tie); the report and the per-manager ``overdue`` count each employee once, from the latest meeting overall.
- Names are used as given (the importer trims them); this log is never joined to survey data.
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics import store

CADENCE_COLUMNS = ["manager", "employee", "meetings", "first_met_on", "last_met_on", "days_since_last",
                   "median_interval_days", "overdue", "is_current"]
MANAGER_COLUMNS = ["manager", "employees", "meetings", "intervals", "median_interval_days", "overdue"]


def as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    """The snapshot date of the latest 1:1 import (latest snapshot_on of kind 'one_on_ones'), else None."""
    return con.execute("SELECT max(snapshot_on) FROM imports WHERE kind = ?", ["one_on_ones"]).fetchone()[0]


def _reference_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """as_of, else the latest meeting date (meetings without an import row), else None."""
    return as_of(con) or con.execute("SELECT max(met_on) FROM one_on_ones").fetchone()[0]


def _cadence_days(con: duckdb.DuckDBPyConnection, cadence_days: int | None) -> int:
    return int(store.get_settings(con)["one_on_one_cadence_days"] if cadence_days is None else cadence_days)


# Distinct meetings up to the reference date (parameter: that date).
_MEETINGS = "SELECT DISTINCT manager, employee, met_on FROM one_on_ones WHERE met_on <= ?"


def cadence_by_employee(con: duckdb.DuckDBPyConnection, cadence_days: int | None = None) -> pd.DataFrame:
    """One row per (manager, employee) pair, most overdue first.

    meetings = distinct meeting dates; days_since_last = as_of - last_met_on; median_interval_days = median
    of the pair's gaps between consecutive meetings (empty with one meeting); overdue = days_since_last >
    cadence; is_current = this pair holds the employee's latest meeting.
    """
    ref = _reference_date(con)
    if ref is None:
        return pd.DataFrame(columns=CADENCE_COLUMNS)
    cadence = _cadence_days(con, cadence_days)
    frame = con.execute(
        f"WITH m AS ({_MEETINGS}), gaps AS (SELECT manager, employee, met_on, date_diff('day', lag(met_on) "
        "OVER (PARTITION BY manager, employee ORDER BY met_on), met_on) AS gap FROM m), "
        "pairs AS (SELECT manager, employee, count(*) AS meetings, min(met_on) AS first_met_on, "
        "max(met_on) AS last_met_on, median(gap) AS median_interval_days FROM gaps GROUP BY manager, employee) "
        "SELECT manager, employee, meetings, first_met_on, last_met_on, "
        "date_diff('day', last_met_on, ?) AS days_since_last, median_interval_days, "
        "date_diff('day', last_met_on, ?) > ? AS overdue, "
        "last_met_on = max(last_met_on) OVER (PARTITION BY employee) AS is_current "
        "FROM pairs ORDER BY days_since_last DESC, manager, employee",
        [ref, ref, ref, cadence]).df()
    return frame[CADENCE_COLUMNS]


def median_interval_by_manager(con: duckdb.DuckDBPyConnection, cadence_days: int | None = None) -> pd.DataFrame:
    """One row per manager, by name: employees met, meetings, intervals (gaps), median_interval_days.

    median_interval_days = median of the gaps between consecutive meetings of each of the manager's pairs;
    overdue = employees whose latest meeting overall is with this manager and is more than cadence days old.
    """
    cadence = cadence_by_employee(con, cadence_days)
    if cadence.empty:
        return pd.DataFrame(columns=MANAGER_COLUMNS)
    ref = _reference_date(con)
    frame = con.execute(
        f"WITH m AS ({_MEETINGS}), gaps AS (SELECT manager, employee, date_diff('day', lag(met_on) "
        "OVER (PARTITION BY manager, employee ORDER BY met_on), met_on) AS gap FROM m) "
        "SELECT manager, count(DISTINCT employee) AS employees, count(*) AS meetings, count(gap) AS intervals, "
        "median(gap) AS median_interval_days FROM gaps GROUP BY manager ORDER BY manager", [ref]).df()
    current = cadence[cadence["is_current"]].drop_duplicates("employee")
    overdue = current[current["overdue"]].groupby("manager")["employee"].nunique()
    frame["overdue"] = frame["manager"].map(overdue).fillna(0).astype(int)
    return frame[MANAGER_COLUMNS]


def meetings_per_month(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per (month 'YYYY-MM', manager) with at least one meeting: meetings = distinct meetings."""
    ref = _reference_date(con)
    if ref is None:
        return pd.DataFrame(columns=["month", "manager", "meetings"])
    return con.execute(
        f"SELECT strftime(met_on, '%Y-%m') AS month, manager, count(*) AS meetings FROM ({_MEETINGS}) "
        "GROUP BY ALL ORDER BY month, manager", [ref]).df()


def overall_median_interval(con: duckdb.DuckDBPyConnection) -> float | None:
    """Median of every gap, in days, between consecutive distinct 1:1 dates of the same employee."""
    ref = _reference_date(con)
    if ref is None:
        return None
    value = con.execute(
        "WITH d AS (SELECT DISTINCT employee, met_on FROM one_on_ones WHERE met_on <= ?) "
        "SELECT median(date_diff('day', prev, met_on)) FROM "
        "(SELECT employee, met_on, lag(met_on) OVER (PARTITION BY employee ORDER BY met_on) AS prev FROM d)",
        [ref]).fetchone()[0]
    return None if value is None else float(value)


def one_on_ones_report(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The ``one_on_ones`` object of ``report --json``: as_of, employees, overdue, median_interval_days.

    employees = distinct employees met up to as_of; overdue = those whose latest meeting (any manager) is
    more than the cadence before as_of; plus cadence_days. None when there is no meeting.
    """
    ref = _reference_date(con)
    if ref is None:
        return None
    cadence = _cadence_days(con, None)
    employees, overdue = con.execute(
        "SELECT count(*), count_if(date_diff('day', last_met_on, ?) > ?) FROM "
        "(SELECT employee, max(met_on) AS last_met_on FROM one_on_ones WHERE met_on <= ? GROUP BY employee)",
        [ref, cadence, ref]).fetchone()
    if employees == 0:
        return None
    return {"as_of": ref.isoformat(), "employees": int(employees), "overdue": int(overdue or 0),
            "median_interval_days": overall_median_interval(con), "cadence_days": cadence}

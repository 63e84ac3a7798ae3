"""1:1 cadence (METRICS.md §6) against values worked out by hand in the comments."""
import json
from datetime import date

import pytest

from analytics import store
from analytics.people import one_on_ones as oo

# Bo met 09-01, 09-15, 10-01; Cy met 10-05, 11-16 (all with Ann)
EXAMPLE = [("Ann", "Bo", "2026-09-01"), ("Ann", "Bo", "2026-09-15"), ("Ann", "Bo", "2026-10-01"),
           ("Ann", "Cy", "2026-10-05"), ("Ann", "Cy", "2026-11-16")]


def add_log(path, meetings, snapshot_on="2026-11-20", settings=None):
    """One 1:1 import dated snapshot_on holding the meetings (manager, employee, date)."""
    with store.transaction(path) as con:
        import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
        con.execute("INSERT INTO imports (import_id, file_name, sha256, kind, snapshot_on, rows_imported, "
                    "rows_rejected) VALUES (?, ?, ?, 'one_on_ones', ?, ?, 0)",
                    [import_id, f"one_on_ones_{snapshot_on}.csv", f"sha-{import_id}", snapshot_on, len(meetings)])
        for manager, employee, met_on in meetings:
            con.execute("INSERT INTO one_on_ones VALUES (?, ?, ?, ?, 30)", [import_id, manager, employee, met_on])
        for name, value in (settings or {}).items():
            store.set_setting(con, name, value)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "t.duckdb"


def test_report_of_the_example(db):
    add_log(db, EXAMPLE)
    with store.connect(db) as con:
        report = oo.one_on_ones_report(con)
    # gaps: Bo 14 (09-01 -> 09-15), 16 (09-15 -> 10-01); Cy 42 (10-05 -> 11-16: 26 + 16) -> median 16
    # Bo: 10-01 -> 11-20 = 30 + 20 = 50 days > 30: overdue; Cy: 11-16 -> 11-20 = 4 days
    assert report == {"as_of": "2026-11-20", "employees": 2, "overdue": 1, "median_interval_days": 16.0,
                      "cadence_days": 30}
    json.dumps(report)


def test_cadence_table_of_the_example(db):
    add_log(db, EXAMPLE)
    with store.connect(db) as con:
        assert oo.as_of(con) == date(2026, 11, 20)
        rows = oo.cadence_by_employee(con).set_index("employee")
    assert rows.loc["Bo", "meetings"] == 3 and rows.loc["Bo", "days_since_last"] == 50
    assert rows.loc["Bo", "median_interval_days"] == 15.0  # own gaps 14 and 16
    assert bool(rows.loc["Bo", "overdue"]) and not bool(rows.loc["Cy", "overdue"])
    assert rows.loc["Cy", "days_since_last"] == 4 and rows.loc["Cy", "median_interval_days"] == 42.0
    assert list(rows.index) == ["Bo", "Cy"]  # most overdue first


def test_exactly_the_cadence_is_not_overdue(db):
    # 10-21 -> 11-20 = 10 + 20 = 30 days: not overdue; 10-20 -> 11-20 = 31 days: overdue
    add_log(db, [("Ann", "Di", "2026-10-21"), ("Ann", "Ed", "2026-10-20")])
    with store.connect(db) as con:
        rows = oo.cadence_by_employee(con).set_index("employee")
        report = oo.one_on_ones_report(con)
    assert rows.loc["Di", "days_since_last"] == 30 and not bool(rows.loc["Di", "overdue"])
    assert rows.loc["Ed", "days_since_last"] == 31 and bool(rows.loc["Ed", "overdue"])
    assert report["overdue"] == 1 and report["median_interval_days"] is None  # one meeting each: no gap


def test_cadence_setting_and_argument(db):
    add_log(db, EXAMPLE, settings={"one_on_one_cadence_days": 60})
    with store.connect(db) as con:
        assert oo.one_on_ones_report(con)["overdue"] == 0  # Bo's 50 days are within 60
        assert oo.cadence_by_employee(con, cadence_days=45)["overdue"].sum() == 1


def test_an_employee_under_two_managers_is_counted_once(db):
    add_log(db, [("Ann", "Fay", "2026-09-01"), ("Bob", "Fay", "2026-11-10")])
    with store.connect(db) as con:
        rows = oo.cadence_by_employee(con).set_index("manager")
        report = oo.one_on_ones_report(con)
        managers = oo.median_interval_by_manager(con).set_index("manager")
    # Ann's pair: 09-01 -> 11-20 = 29 + 31 + 20 = 80 days, overdue, but no longer current
    assert rows.loc["Ann", "days_since_last"] == 80 and bool(rows.loc["Ann", "overdue"])
    assert not bool(rows.loc["Ann", "is_current"]) and bool(rows.loc["Bob", "is_current"])
    # Fay once, from her latest meeting (11-10, 10 days): not overdue; her gap 09-01 -> 11-10 = 29 + 31 + 10 = 70
    assert report["employees"] == 1 and report["overdue"] == 0 and report["median_interval_days"] == 70.0
    assert managers["overdue"].tolist() == [0, 0]
    assert managers["median_interval_days"].isna().all()  # one meeting per pair: no gap per manager


def test_overlapping_imports_count_each_meeting_once_and_as_of_is_the_latest_snapshot(db):
    add_log(db, EXAMPLE, snapshot_on="2026-11-20")
    add_log(db, EXAMPLE[:4], snapshot_on="2026-11-13")  # an older export imported afterwards
    with store.connect(db) as con:
        report = oo.one_on_ones_report(con)
        rows = oo.cadence_by_employee(con).set_index("employee")
    assert report["as_of"] == "2026-11-20" and report["median_interval_days"] == 16.0
    assert rows.loc["Bo", "meetings"] == 3


def test_meetings_after_as_of_are_left_out(db):
    add_log(db, [*EXAMPLE, ("Ann", "Bo", "2026-11-25")])
    with store.connect(db) as con:
        report = oo.one_on_ones_report(con)
    assert (report["overdue"], report["median_interval_days"]) == (1, 16.0)


def test_per_manager_and_per_month(db):
    add_log(db, [*EXAMPLE, ("Lee", "Gus", "2026-10-10"), ("Lee", "Gus", "2026-10-20")])
    with store.connect(db) as con:
        managers = oo.median_interval_by_manager(con).to_dict("records")
        months = oo.meetings_per_month(con).to_dict("records")
    # Ann: gaps 14, 16, 42 -> 16; Bo overdue. Lee: one gap 10; Gus last 10-20 -> 31 days: overdue
    assert managers == [
        {"manager": "Ann", "employees": 2, "meetings": 5, "intervals": 3, "median_interval_days": 16.0, "overdue": 1},
        {"manager": "Lee", "employees": 1, "meetings": 2, "intervals": 1, "median_interval_days": 10.0, "overdue": 1}]
    assert months == [{"month": "2026-09", "manager": "Ann", "meetings": 2},
                      {"month": "2026-10", "manager": "Ann", "meetings": 2},
                      {"month": "2026-10", "manager": "Lee", "meetings": 2},
                      {"month": "2026-11", "manager": "Ann", "meetings": 1}]


def test_no_meetings(db):
    with store.connect(db) as con:
        assert oo.as_of(con) is None and oo.one_on_ones_report(con) is None
        assert oo.cadence_by_employee(con).empty and oo.median_interval_by_manager(con).empty
        assert oo.meetings_per_month(con).empty


@pytest.mark.parametrize(("cell", "minutes"), [
    ("30", 30), ("45,5", 45.5), ("30 min", 30), ("45 minutes", 45), ("90m", 90), ("1h", 60), ("1 h 30", 90),
    ("1h30min", 90), ("1.5 h", 90), ("1,5 heure", 90), ("2 hours", 120), ("00:45", 45), ("1:30:00", 90),
    ("1:30:30", 90.5), ("45:00", 45), ("12:30", 12.5), ("45m 12s", 45), ("PT30M", 30), ("PT1H30M", 90)])
def test_a_duration_is_read_as_people_and_calendars_write_it(cell, minutes):
    import pandas as pd

    from analytics.ingest.values import parse_durations

    parsed = parse_durations(pd.Series([cell]))
    assert (parsed.values[0], bool(parsed.bad[0])) == (pytest.approx(minutes), False)


@pytest.mark.parametrize("cell", ["soon", "12:75", "1h30x", "h", "PT"])
def test_a_duration_that_is_none_of_them_is_bad(cell):
    import pandas as pd

    from analytics.ingest.values import parse_durations

    assert bool(parse_durations(pd.Series([cell])).bad[0])


def test_a_log_with_durations_in_words_imports_every_meeting(tmp_path, db):
    from analytics import ingest

    path = tmp_path / "one_on_ones_2026-11-27.csv"
    path.write_text("Manager,Employee,Meeting date,Duration\nAnn,Bob,2026-11-01,30 min\nAnn,Carl,2026-11-02,1h\n"
                    "Ann,Dan,2026-11-03,00:45\nAnn,Eve,2026-11-04,often\n", encoding="utf-8")
    result = ingest.import_file(path, path.name, db=db)
    assert (result.rows_imported, result.rejected) == (3, [(5, "duration 'often' is not a number of minutes")])
    with store.connect(db) as con:
        rows = con.execute("SELECT employee, duration_minutes FROM one_on_ones ORDER BY employee").fetchall()
    assert rows == [("Bob", 30), ("Carl", 60), ("Dan", 45)]

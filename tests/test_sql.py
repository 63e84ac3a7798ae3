"""analytics.store.sql: fragments keep their parameters in order; spliced names must come from an allow-list."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from analytics.sales.deals import DealFilter
from analytics.sales.scope import cohort_sql, date_range_sql, group_expr
from analytics.store.sql import Fragment, checked, value_list


def test_fragments_join_with_their_parameters_in_order():
    a, b = Fragment("x >= ?", [1]), Fragment("y = ?", ["two"])
    joined = Fragment.join(" AND ", [a, Fragment("TRUE", []), b])
    assert joined == ("x >= ? AND TRUE AND y = ?", [1, "two"])
    assert (a + Fragment(" OR z < ?", [3])).params == [1, 3]
    sql, params = joined  # unpacks like the (sql, params) pairs it replaces
    assert duckdb.execute(f"SELECT count(*) FROM (SELECT 2 AS x, 'two' AS y) WHERE {sql}", params).fetchone() == (1,)
    assert duckdb.execute(f"SELECT count(*) FROM (SELECT 0 AS x, 'two' AS y) WHERE {sql}", params).fetchone() == (0,)


def test_a_name_outside_the_allow_list_is_refused():
    assert checked("owner", ("owner", "pipeline")) == "owner"
    with pytest.raises(ValueError, match="cannot be used in SQL"):
        checked("owner; DROP TABLE deals", ("owner", "pipeline"))
    with pytest.raises(ValueError):
        date_range_sql("1=1 OR d.close_on", None, None)
    with pytest.raises(ValueError):
        DealFilter(owners=("Ann",)).where("d WHERE TRUE --")
    with pytest.raises(ValueError):  # "a" is the attribute subquery's own alias: it would compare a row to itself
        DealFilter(attributes=(("Segment", ("SMB",)),)).where("a")


def test_values_are_bound_never_spliced():
    day = dt.date(2026, 1, 31)
    assert date_range_sql("d.close_on", day, None) == ("TRUE AND d.close_on >= ?", [day])
    assert cohort_sql(None, day).params == [day]
    hostile = "x') OR 1=1 --"
    expression = group_expr(hostile)
    assert hostile not in expression.sql and expression.params == [hostile]
    where, params = DealFilter(owners=(hostile,)).where("d")
    assert hostile not in where and params == [hostile]


def test_the_deal_state_binds_its_date_currency_codes_and_rates(db):
    """A currency code with a quote converts like any other (it is a parameter, not SQL text), and the state at
    a past date reads only the snapshots up to that date."""
    from analytics import store
    from analytics.sales.kpis import kpis
    from tests.sales_fixtures import add_snapshot

    with store.transaction(db) as con:
        add_snapshot(con, dt.date(2026, 11, 6), [{"deal_id": "A", "stage": "Open", "amount": 100.0,
                                                 "currency": "E'R"}])
        add_snapshot(con, dt.date(2026, 11, 13), [{"deal_id": "A", "stage": "Open", "amount": 300.0,
                                                  "currency": "E'R"}])
        store.set_setting(con, "reporting_currency", "EUR")
        store.set_fx_rates(con, {"E'R": 2.0})
    with store.connect(db) as con:
        assert kpis(con).open_amount == 600.0                              # 300 x 2
        assert kpis(con, as_of=dt.date(2026, 11, 6)).open_amount == 200.0  # 100 x 2


# --- templates: a fragment's parameters follow it wherever it is placed ---------------------------------

def test_a_template_takes_the_parameters_of_its_fragments_in_the_order_they_appear():
    low, high = Fragment("x >= ?", [1]), Fragment("x <= ?", [3])
    query = Fragment.format("SELECT count(*) FROM range(5) t(x) WHERE {high} AND {low} AND {high}", low=low, high=high)
    assert query.params == [3, 1, 3]  # placed twice, its parameter is there twice
    assert duckdb.execute(*query).fetchone() == (3,)
    assert Fragment.format("SELECT {{'a': 1}}.a + {v}", v=Fragment("?", [1])).sql == "SELECT {'a': 1}.a + ?"


def test_a_template_refuses_bare_values_and_unknown_places():
    with pytest.raises(ValueError, match="fragment"):
        Fragment.format("SELECT {a} + ?", a=Fragment("1", []))
    with pytest.raises(ValueError):
        Fragment.format("SELECT {b}", a=Fragment("1", []))
    with pytest.raises(TypeError):
        Fragment.format("SELECT {a}", a="1; DROP TABLE deals")


def test_a_value_list_binds_every_value():
    assert value_list(["a", "b'c"]) == ("?, ?", ["a", "b'c"])
    assert value_list([]) == ("", [])


HOSTILE = "x') OR 1=1; DROP TABLE deal_snapshots; --"


def hostile_deals(db):
    """Two open deals whose attribute name and one owner are SQL-looking text (A: owner HOSTILE, attribute
    HOSTILE = 'SMB'; B: owner Bob, attribute HOSTILE = HOSTILE)."""
    from analytics import store
    from tests.sales_fixtures import add_snapshot, add_stages

    with store.transaction(db) as con:
        add_stages(con)
        add_snapshot(con, dt.date(2026, 11, 20), [
            {"deal_id": "A", "stage": "Demo", "amount": 100.0, "owner": HOSTILE, "created_on": dt.date(2026, 10, 1),
             "attrs": {HOSTILE: "SMB"}},
            {"deal_id": "B", "stage": "Demo", "amount": 200.0, "owner": "Bob", "created_on": dt.date(2026, 10, 2),
             "attrs": {HOSTILE: HOSTILE}}])


def test_a_filter_binds_hostile_names_and_values(db):
    from analytics import store
    from analytics.sales.kpis import kpis

    hostile_deals(db)
    where = DealFilter(owners=(HOSTILE,), attributes=((HOSTILE, ("SMB", HOSTILE)),)).where("k")
    assert isinstance(where, Fragment) and HOSTILE not in where.sql and where.params == [HOSTILE, HOSTILE, "SMB",
                                                                                          HOSTILE]
    with store.connect(db) as con:
        def open_count(**flt):
            return kpis(con, flt=DealFilter(**flt)).open_count
        assert open_count() == 2
        assert open_count(owners=(HOSTILE,)) == 1
        assert open_count(attributes=((HOSTILE, ("SMB",)),)) == 1
        assert open_count(attributes=((HOSTILE, (HOSTILE,)),)) == 1
        assert open_count(attributes=(("segment", (HOSTILE,)),)) == 0
        assert open_count(owners=("Bob') OR TRUE --",)) == 0
        assert con.execute("SELECT count(*) FROM deal_snapshots").fetchone() == (2,)


def test_sales_queries_group_by_a_hostile_attribute_as_plain_text(db):
    from analytics import store
    from analytics.sales.funnel import funnel
    from analytics.sales.kpis import win_rates
    from analytics.sales.scope import open_scope, scoped_ctes

    hostile_deals(db)
    with store.connect(db) as con:
        assert sorted(win_rates(con, by=HOSTILE)["group"]) == ["SMB", HOSTILE]
        assert set(funnel(con, "Sales", by=HOSTILE)["group"]) == {"SMB", HOSTILE}
        with pytest.raises(TypeError):  # a predicate travels with its parameters, never as bare text
            scoped_ctes(open_scope(con), DealFilter(), "d.owner = 'Bob'")


@pytest.mark.parametrize("call", [
    lambda con: __import__("analytics.sales.kpis", fromlist=["x"]).win_rates(con, period="month, 1"),
    lambda con: __import__("analytics.sales.inventory", fromlist=["x"]).open_inventory(con, by="owner; --"),
    lambda con: __import__("analytics.sales.forecast", fromlist=["x"]).forecast_categories(con, grain="week"),
    lambda con: __import__("analytics.sales.forecast", fromlist=["x"]).forecast_by_period(con, grain="day"),
    lambda con: __import__("analytics.sales.forecast", fromlist=["x"]).forecast_by_period(con, probability="p"),
])
def test_a_grain_period_or_key_outside_its_list_is_refused(db, call):
    from analytics import store

    hostile_deals(db)
    with store.connect(db) as con, pytest.raises(ValueError):
        call(con)


def test_the_forecast_ctes_check_their_grain_and_probability(db):
    from analytics import store
    from analytics.sales.forecast import period_ctes
    from analytics.sales.scope import open_scope

    hostile_deals(db)
    with store.connect(db) as con:
        scope = open_scope(con)
        assert isinstance(period_ctes(scope, DealFilter(), "quarter", "calibrated"), Fragment)
        with pytest.raises(ValueError):
            period_ctes(scope, DealFilter(), "month') --", "configured")
        with pytest.raises(ValueError):
            period_ctes(scope, DealFilter(), "month", "coalesce(1")


def test_a_survey_breakdown_binds_a_hostile_dimension(db):
    from analytics import store
    from analytics.people import survey
    from tests.test_survey import TEN, add_survey, resp

    add_survey(db, [resp(score, groups={HOSTILE: "Sales", "team": "A"}) for score in TEN]
               + [resp(score, groups={HOSTILE: HOSTILE, "team": "B"}) for score in TEN])
    with store.connect(db) as con:
        groups = survey.enps_by_group(con, HOSTILE)
        assert list(groups["group"]) == ["Sales", HOSTILE] and not groups["suppressed"].any()
        assert list(survey.enps_by_group(con, "team")["group"]) == ["A", "B"]
        assert list(survey.enps_by_group(con, "x' OR 1=1 --")["group"]) == [survey.NOT_GIVEN]
        assert len(survey.enps_by_wave(con, filters={HOSTILE: [HOSTILE]})) == 1


def test_fast_csv_imports_hostile_headers_and_cells_as_plain_data(tmp_path):
    """Headers with a double quote and '"; DROP TABLE …; --' (kept as attribute names and a stage label) go through
    the SQL fast path as data: it stores exactly what the general path stores, and every table is still there."""
    from analytics import store
    from analytics.sales.kpis import win_rates
    from tests.test_fast_csv import both_paths

    segment, region = 'Segment "A"', 'Region"; DROP TABLE deal_snapshots; --'
    entered = 'Date entered "Demo"; DROP TABLE stages; --"'
    header = ",".join(['Record ID', 'Deal Name', 'Pipeline', 'Deal Stage', 'Amount', 'Close Date', 'Create Date',
                       'Deal owner', '"Segment ""A"""', '"Region""; DROP TABLE deal_snapshots; --"',
                       '"Date entered ""Demo""; DROP TABLE stages; --"""'])
    rows = ['201,Acme,Sales Pipeline,qualifiedtobuy,100,2026-12-01,2026-10-01,Ann,SMB,"x\'); DROP TABLE deals; --",'
            '2026-10-05',
            '202,Beta,Sales Pipeline,closedwon,200,2026-11-01,2026-09-01,Bob,"ENT ""big""",,']
    data = ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")
    stages = {"Sales Pipeline": ["Qualified to buy", 'Demo"; DROP TABLE stages; --']}  # as the importer asks
    fast, general = both_paths(tmp_path, [("deals_2026-11-27.csv", data)], stages=stages)  # the fast path took it
    assert fast == general
    assert fast["imports"][0][5]["extras"] == [segment, region]
    assert entered in fast["imports"][0][5]["entered_on"]
    assert {r[1:] for r in fast["deal_attributes"]} == {
        (segment, "SMB"), (segment, 'ENT "big"'), (region, "x'); DROP TABLE deals; --"), (region, None)}
    assert len(fast["deal_stage_dates"]) == 1 and len(fast["deal_snapshots"]) == 2
    with store.connect(tmp_path / "fast.duckdb") as con:
        assert set(win_rates(con, by=region)["group"]) == {"x'); DROP TABLE deals; --", "(blank)"}


def test_a_survey_file_with_hostile_headers_imports_them_as_names(db):
    """The general import path stores question and comment headers with quotes and SQL in them as text (and a
    group header such as 'Department"; DROP TABLE …' is recognised as the department, nothing more)."""
    from analytics import ingest, store

    question, comment = "My manager's feedback\"); DELETE FROM imports; --", 'Comments "why"'
    text = ('Timestamp,"Department""; DROP TABLE survey_responses; --",How likely are you to recommend this company '
            'as a place to work?,"My manager\'s feedback""); DELETE FROM imports; --","Comments ""why"""\n'
            + "".join(f"2026-10-0{i},Sales,{9 - i},{i},note {i}\n" for i in range(1, 6)))
    result = ingest.import_file(text.encode("utf-8"), "survey.csv", ingest.ImportOptions(), db)
    assert (result.status, result.rows_imported) == ("imported", 5)
    with store.connect(db) as con:
        assert con.execute("SELECT DISTINCT dimension, value FROM survey_groups").fetchall() == [("department",
                                                                                                 "Sales")]
        assert con.execute("SELECT DISTINCT question FROM survey_answers").fetchall() == [(question,)]
        assert con.execute("SELECT DISTINCT question FROM survey_comments").fetchall() == [(comment,)]
        assert con.execute("SELECT count(*) FROM survey_responses").fetchone() == (5,)
        assert con.execute("SELECT count(*) FROM imports").fetchone() == (1,)

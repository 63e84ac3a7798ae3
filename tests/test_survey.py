"""Survey metrics (METRICS.md §5) against values worked out by hand in the comments."""
import json
import math

import numpy as np
import pandas as pd
import pytest

from analytics import store
from analytics.people import privacy, survey

# promoters (9-10): 10, 9, 10, 9, 9 -> 5; passives (7-8): 8, 7 -> 2; detractors (0-6): 6, 3, 5 -> 3
TEN = [10, 9, 8, 7, 6, 3, 10, 9, 9, 5]
# promoters 10, 9, 10, 9 -> 4; passives 8, 7, 8 -> 3; detractors 6, 3, 5 -> 3
TEN_B = [10, 9, 8, 7, 6, 3, 10, 9, 8, 5]


def resp(enps=None, on="2026-10-05", wave=None, scale="0-10", groups=None, answers=None, comments=None):
    return {"enps": enps, "on": on, "wave": wave, "scale": scale, "groups": groups or {},
            "answers": answers or {}, "comments": comments or {}}


def add_survey(path, responses, questions=(), settings=None):
    """One survey import holding the responses; questions are (header, position, min, max, is_reverse)."""
    with store.transaction(path) as con:
        import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
        con.execute("INSERT INTO imports (import_id, file_name, sha256, kind, snapshot_on, rows_imported, "
                    "rows_rejected) VALUES (?, ?, ?, 'survey', DATE '2026-11-20', ?, 0)",
                    [import_id, f"survey{import_id}.csv", f"sha-{import_id}", len(responses)])
        for question in questions:
            con.execute("INSERT INTO survey_questions VALUES (?, ?, ?, ?, ?, ?)", [import_id, *question])
        for no, r in enumerate(responses, start=1):
            con.execute("INSERT INTO survey_responses VALUES (?, ?, ?, ?, ?, ?)",
                        [import_id, no, r["wave"], r["on"], r["enps"], r["scale"] if r["enps"] is not None else None])
            for dimension, value in r["groups"].items():
                con.execute("INSERT INTO survey_groups VALUES (?, ?, ?, ?)", [import_id, no, dimension, value])
            for question, value in r["answers"].items():
                con.execute("INSERT INTO survey_answers VALUES (?, ?, ?, ?)", [import_id, no, question, value])
            for question, text in r["comments"].items():
                con.execute("INSERT INTO survey_comments VALUES (?, ?, ?, ?)", [import_id, no, question, text])
        for name, value in (settings or {}).items():
            store.set_setting(con, name, value)


def dept(name, scores, **kw):
    return [resp(s, groups={"department": name}, **kw) for s in scores]


@pytest.fixture
def db(tmp_path):
    return tmp_path / "t.duckdb"


def only_row(frame):
    assert len(frame) == 1
    return frame.iloc[0]


# --- eNPS per wave ------------------------------------------------------------------------------------

def test_enps_and_margin_of_error_of_ten_responses(db):
    add_survey(db, [resp(s) for s in TEN])
    with store.connect(db) as con:
        row = only_row(survey.enps_by_wave(con))
    assert (row.wave, row.responses, row.promoters, row.passives, row.detractors) == ("2026-10", 10, 5, 2, 3)
    assert (row.pct_promoters, row.pct_passives, row.pct_detractors) == pytest.approx((0.5, 0.2, 0.3))
    # eNPS = 100 x (5 - 3) / 10 = 20
    assert row.enps == pytest.approx(20.0)
    # p = 0.5, d = 0.3: p + d - (p - d)² = 0.8 - 0.04 = 0.76; / 10 = 0.076; sqrt = 0.275681; x 1.96 x 100 = 54.0335
    assert row.margin_of_error == pytest.approx(54.0335, abs=1e-4)
    assert row.scale == "0-10" and not row.not_comparable and row.comparability_note is None
    assert not row.suppressed


def test_all_passives_wave_has_enps_zero_and_no_margin(db):
    add_survey(db, [resp(s) for s in (7, 8, 7, 8, 7)])
    with store.connect(db) as con:
        row = only_row(survey.enps_by_wave(con))
    # p = d = 0: eNPS = 0; p + d - (p - d)² = 0, so the margin is 0
    assert (row.responses, row.passives, row.enps, row.margin_of_error) == (5, 5, 0.0, 0.0)


def test_blank_answers_are_not_counted_and_one_wave_gives_one_report_row(db):
    add_survey(db, [resp(s) for s in TEN] + [resp(None), resp(None), resp(None)])
    with store.connect(db) as con:
        row = only_row(survey.enps_by_wave(con))
        report = survey.survey_report(con)
    # the three blanks are not answers: still 10 responses, eNPS 20
    assert (row.responses, row.enps) == (10, pytest.approx(20.0))
    assert [w["wave"] for w in report["waves"]] == ["2026-10"]
    assert report["waves"][0]["responses"] == 10


def test_one_to_ten_scale_is_flagged_not_comparable(db):
    add_survey(db, [resp(s, scale="1-10") for s in (10, 9, 8, 2, 1)]
               + [resp(s, on="2026-11-03", scale=sc) for s, sc in zip(TEN, ["0-10", "1-10"] * 5, strict=True)])
    with store.connect(db) as con:
        waves = survey.enps_by_wave(con).set_index("wave")
    # 1-10 wave: promoters 10, 9; passive 8; detractors 2, 1 -> eNPS 100 x (2 - 2) / 5 = 0
    assert waves.loc["2026-10", "scale"] == "1-10" and waves.loc["2026-10", "enps"] == 0.0
    assert waves.loc["2026-10", "not_comparable"]
    assert waves.loc["2026-10", "comparability_note"] == "1–10 scale: not comparable with 0–10 benchmarks"
    assert waves.loc["2026-11", "scale"] == "mixed" and waves.loc["2026-11", "not_comparable"]


def test_wave_comes_from_the_label_else_the_date_period_else_undated(db):
    add_survey(db, [resp(8, on=None) for _ in range(5)] + [resp(9, on="2026-10-05") for _ in range(5)]
               + [resp(7, on=None, wave="2026-09") for _ in range(5)]
               + [resp(10, on="2026-12-30", wave="2026-09") for _ in range(5)])
    with store.connect(db) as con:
        assert list(survey.enps_by_wave(con)["wave"]) == ["2026-09", "2026-10", "undated"]
        assert survey.enps_by_wave(con).iloc[0]["responses"] == 10  # the label wins over the December date
    for period, label in (("week", "2026-W41"), ("quarter", "2026-Q4")):
        # 2026-10-05 is the Monday of ISO week 41 (week 1 starts Monday 2025-12-29; 280 days later = 40 weeks)
        with store.transaction(db) as con:
            store.set_setting(con, "wave_period", period)
        with store.connect(db) as con:
            assert list(survey.enps_by_wave(con)["wave"]) == ["2026-09", label, "undated"]


def test_waves_without_dates_sort_naturally(db):
    add_survey(db, [resp(9, on=None, wave=w) for w in ("Wave 10", "Wave 2") for _ in range(5)])
    with store.connect(db) as con:
        assert list(survey.enps_by_wave(con)["wave"]) == ["Wave 2", "Wave 10"]
        assert survey.survey_waves(con) == ["Wave 2", "Wave 10"]


def test_headcount_gives_response_rate_and_finite_population_margin(db):
    add_survey(db, [resp(s) for s in TEN] + [resp(s, on="2026-11-02") for s in TEN])
    with store.connect(db) as con:
        rows = survey.enps_by_wave(con, headcount={"2026-10": 20, "2026-11": 10}).set_index("wave")
        plain = survey.enps_by_wave(con).set_index("wave")
    # 10 / 20 = 0.5; margin x sqrt((20 - 10) / 19) = 196 x sqrt(0.076 x 10 / 19) = 196 x sqrt(0.04) = 39.2
    assert rows.loc["2026-10", "response_rate"] == pytest.approx(0.5)
    assert rows.loc["2026-10", "margin_of_error_fpc"] == pytest.approx(39.2)
    # a census (10 of 10) has no sampling error
    assert rows.loc["2026-11", "response_rate"] == pytest.approx(1.0)
    assert rows.loc["2026-11", "margin_of_error_fpc"] == 0.0
    assert plain["response_rate"].isna().all() and plain["margin_of_error_fpc"].isna().all()
    assert survey.finite_population_margin(54.0, 10, 8) is None  # a headcount below the responses is wrong


def test_change_between_waves_and_its_significance(db):
    add_survey(db, [resp(3, on="2026-08-03") for _ in range(10)] + [resp(s, on="2026-09-07") for s in TEN]
               + [resp(s, on="2026-10-05") for s in TEN_B])
    with store.connect(db) as con:
        change = survey.enps_change(con)
    first, second = change.to_dict("records")
    # August: 10 detractors -> eNPS -100, margin 0 (p + d - (p - d)² = 1 - 1 = 0), se 0
    # September: eNPS 20, se² = 100² x 0.076 = 760; z = 120 / sqrt(0 + 760) = 120 / 27.568 = 4.353 > 1.96
    assert (first["previous_wave"], first["wave"], first["change"]) == ("2026-08", "2026-09", pytest.approx(120.0))
    assert first["z"] == pytest.approx(4.353, abs=1e-3) and first["significant"]
    # October (TEN_B): eNPS 100 x (4 - 3) / 10 = 10; p + d - (p - d)² = 0.7 - 0.01 = 0.69, se² = 690
    # z = (10 - 20) / sqrt(760 + 690) = -10 / 38.079 = -0.2626: not significant
    assert second["change"] == pytest.approx(-10.0)
    assert second["z"] == pytest.approx(-0.2626, abs=1e-4) and not second["significant"]


# --- suppression --------------------------------------------------------------------------------------

def test_group_of_four_is_hidden_and_the_next_smallest_sibling_too(db):
    add_survey(db, dept("Sales", TEN) + dept("Ops", [9, 9, 9, 7, 3, 10]) + dept("HR", [10, 10, 10, 10]))
    with store.connect(db) as con:
        groups = survey.enps_by_group(con, "department").set_index("group")
    assert list(groups.index) == ["HR", "Ops", "Sales"]  # by name, never by size
    # HR (4 < 5) is hidden; it is the only hidden one, so Ops (6, the next smallest) is hidden too:
    # otherwise HR = total - Ops - Sales
    assert groups.loc["HR", "suppressed"] and groups.loc["HR", "reason"] == survey.FEW_RESPONSES
    assert groups.loc["Ops", "suppressed"] and groups.loc["Ops", "reason"] == privacy.DERIVABLE
    for name in ("HR", "Ops"):
        assert groups.loc[name, ["responses", "promoters", "enps", "margin_of_error", "pct_promoters"]].isna().all()
    assert (groups.loc["Sales", "responses"], groups.loc["Sales", "enps"]) == (10, pytest.approx(20.0))


def blocks_of(departments: dict[str, int], k: int = 5) -> list[set[str]]:
    """The blocks of one wave whose responses are only grouped by department: which departments each holds."""
    names = [d for d, n in departments.items() for _ in range(n)]
    people = privacy.Population(np.array(["w"] * len(names), dtype=object),
                                {"department": np.array(names, dtype=object)},
                                {privacy.ENPS: np.ones(len(names), dtype=bool)}, ["department"])
    block, _ = people.blocks("w", privacy.ENPS, k)
    return sorted(({names[i] for i in np.flatnonzero(block == b)} for b in set(block)), key=sorted)


def test_blocks_publish_the_largest_groups_first_while_every_block_keeps_k():
    # A = 4 cannot stand alone; C (7) splits off first, then B (6) would leave A's 4 alone: B stays with A
    assert blocks_of({"A": 4, "B": 6, "C": 7}) == [{"A", "B"}, {"C"}]
    # C (10) splits off; D (8) splitting off would leave A + B = 2 + 2 = 4 < 5 alone, so D stays with them
    assert blocks_of({"A": 2, "B": 2, "C": 10, "D": 8}) == [{"A", "B", "D"}, {"C"}]
    # A + B = 7 can stay together while C and D split off
    assert blocks_of({"A": 4, "B": 3, "C": 9, "D": 9}) == [{"A", "B"}, {"C"}, {"D"}]
    assert blocks_of({"A": 5, "B": 9}) == [{"A"}, {"B"}]
    assert blocks_of({"A": 4}) == [{"A"}]  # a wave under k: one block no set can match


def test_responses_without_a_value_are_a_sibling(db):
    add_survey(db, dept("Sales", TEN) + [resp(9) for _ in range(5)])
    with store.connect(db) as con:
        groups = survey.enps_by_group(con, "department").set_index("group")
        no_dept = only_row(survey.enps_by_wave(con, filters={"department": [survey.NOT_GIVEN]}))
    assert list(groups.index) == ["Sales", "(not given)"]
    assert groups.loc["(not given)", "responses"] == 5 and no_dept.responses == 5 and no_dept.enps == 100.0


def test_a_filter_narrowing_a_group_below_k_hides_it(db):
    sales = [resp(s, groups={"department": "Sales", "location": "Paris" if i < 3 else "Lyon"})
             for i, s in enumerate(TEN)]
    add_survey(db, sales)
    with store.connect(db) as con:
        visible = only_row(survey.enps_by_wave(con, filters={"department": ["Sales"]}))
        narrowed = only_row(survey.enps_by_wave(con, filters={"department": ["Sales"], "location": ["Paris"]}))
        both = only_row(survey.enps_by_wave(con, filters={"location": ["Paris", "Lyon"]}))
    assert visible.responses == 10 and not visible.suppressed
    assert narrowed.suppressed and narrowed.reason == survey.FEW_RESPONSES
    assert pd.isna(narrowed.responses) and pd.isna(narrowed.enps) and pd.isna(narrowed.margin_of_error)
    assert both.responses == 10  # values of one dimension are alternatives


def test_threshold_is_never_below_three(db):
    add_survey(db, [resp(9), resp(9)])
    with store.connect(db) as con:
        assert only_row(survey.enps_by_wave(con, k=1)).suppressed
        assert survey.anonymity_threshold(con, 1) == 3 and survey.anonymity_threshold(con) == 5
    with store.transaction(db) as con:
        store.set_settings(con, {"anonymity_threshold": 6, "comment_threshold": 3})
    with store.connect(db) as con:
        assert survey.anonymity_threshold(con) == 6 and survey.comment_threshold(con) == 6


def test_hostile_filter_text_is_a_value_not_sql(db):
    add_survey(db, dept("Sales", TEN))
    with store.connect(db) as con:
        assert survey.enps_by_wave(con, filters={"department": ["x') OR 1=1 --"]}).empty
        assert survey.enps_by_wave(con, filters={"dept'; DROP TABLE survey_responses; --": ["Sales"]}).empty
        assert len(survey.enps_by_wave(con)) == 1


def test_filter_values_offered_only_for_groups_reaching_k_in_a_wave(db):
    add_survey(db, dept("Sales", TEN) + dept("Ops", [9] * 6) + dept("HR", [9] * 4)
               + dept("HR", [9] * 4, on="2026-11-02"))
    with store.connect(db) as con:
        # HR has 8 responses in all, but never 5 in one wave; Ops (6) cannot be shown in October either:
        # everyone (20) - Sales (10) - Ops (6) would be HR's 4. November has HR alone (4 < 5).
        assert survey.survey_groups_available(con) == {"department": ["Sales"]}


# --- pulse questions ----------------------------------------------------------------------------------

QUESTIONS = [("I feel valued", 1, 1, 5, False), ("I often think about quitting", 2, 1, 5, True)]


def test_question_results_with_reverse_scoring(db):
    answers = [(5, 1), (4, 1), (3, 2), (2, 5), (1, 4)]
    add_survey(db, [resp(9, answers={"I feel valued": a, "I often think about quitting": b}) for a, b in answers],
               QUESTIONS)
    with store.connect(db) as con:
        rows = survey.question_results(con).set_index("question")
    valued = rows.loc["I feel valued"]
    # 5, 4, 3, 2, 1: mean 3; favourable 4-5 -> 2/5; neutral 3 -> 1/5; unfavourable 1-2 -> 2/5
    assert (valued.responses, valued["mean"]) == (5, 3.0)
    assert (valued.favourable, valued.neutral, valued.unfavourable) == pytest.approx((0.4, 0.2, 0.4))
    assert valued.distribution == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    quitting = rows.loc["I often think about quitting"]
    # reverse: 1, 1, 2, 5, 4 scored 6 - value = 5, 5, 4, 1, 2: mean 17 / 5 = 3.4; favourable 3/5; unfavourable 2/5
    assert quitting.is_reverse and quitting["mean"] == pytest.approx(3.4)
    assert (quitting.favourable, quitting.neutral, quitting.unfavourable) == pytest.approx((0.6, 0.0, 0.4))
    assert quitting.distribution == {1: 1, 2: 1, 3: 0, 4: 1, 5: 2}
    assert list(rows.index) == ["I feel valued", "I often think about quitting"]  # file order


def test_question_with_fewer_than_k_answers_is_suppressed(db):
    add_survey(db, [resp(9, answers={"I feel valued": 5, **({"I often think about quitting": 1} if i < 4 else {})})
                    for i in range(6)], QUESTIONS)
    with store.connect(db) as con:
        rows = survey.question_results(con).set_index("question")
        report = survey.survey_report(con)
    assert not rows.loc["I feel valued", "suppressed"]
    assert rows.loc["I often think about quitting", "suppressed"]  # 4 answers
    assert pd.isna(rows.loc["I often think about quitting", "mean"])
    assert rows.loc["I often think about quitting", "distribution"] is None
    assert [q["question"] for q in report["questions"]] == ["I feel valued"]


def test_heatmap_suppresses_per_question_column(db):
    add_survey(db, [resp(9, groups={"department": "Sales"}, answers={"I feel valued": v})
                    for v in (5, 5, 4, 3, 1, 4, 2, 5, 3, 4)]
               + [resp(9, groups={"department": "Ops"}, answers={"I feel valued": 4}) for _ in range(6)]
               + [resp(9, groups={"department": "HR"}, answers={"I feel valued": 1}) for _ in range(4)], QUESTIONS)
    with store.connect(db) as con:
        cells = survey.question_heatmap(con, "department").set_index("group")
    # HR 4 answers hidden; Ops (6) is the next smallest: hidden too
    # Sales: favourable 5, 5, 4, 4, 5, 4 = 6 of 10 = 0.6; mean 36 / 10 = 3.6
    assert cells.loc["HR", "suppressed"] and cells.loc["Ops", "suppressed"]
    assert pd.isna(cells.loc["Ops", "favourable"])
    assert cells.loc["Sales", "favourable"] == pytest.approx(0.6) and cells.loc["Sales", "mean"] == pytest.approx(3.6)


def test_invariants_hold_for_every_visible_row(db):
    add_survey(db, dept("Sales", TEN) + dept("Ops", TEN_B) + dept("HR", [9, 9, 1, 7, 8, 10, 0])
               + [resp(s, on="2026-11-02", groups={"department": "Ops"},
                       answers={"I feel valued": s % 5 + 1, "I often think about quitting": (s + 2) % 5 + 1})
                  for s in TEN + TEN_B], QUESTIONS)
    with store.connect(db) as con:
        frames = [survey.enps_by_wave(con), survey.enps_by_group(con, "department"),
                  survey.enps_by_group(con, "department", wave="2026-10")]
        questions = survey.question_results(con)
    for frame in frames:
        shown = frame[~frame["suppressed"]]
        assert len(shown) > 0
        assert (shown["promoters"] + shown["passives"] + shown["detractors"] == shown["responses"]).all()
    shown = questions[~questions["suppressed"]]
    assert len(shown) == 2
    total = shown["favourable"] + shown["neutral"] + shown["unfavourable"]
    assert all(math.isclose(t, 1.0) for t in total)
    assert all(sum(d.values()) == n for d, n in zip(shown["distribution"], shown["responses"], strict=True))


# --- comments -----------------------------------------------------------------------------------------

def with_comment(rows, text):
    rows[0]["comments"] = {"Anything else?": text}
    return rows


def test_comments_only_for_groups_reaching_the_threshold(db):
    add_survey(db, with_comment(dept("Sales", TEN), "Sales feedback") + with_comment(dept("Ops", [9] * 6), "Ops note")
               + with_comment(dept("HR", [9] * 4), "HR private remark")
               + with_comment(dept("Sales", [9, 9], on="2026-11-02"), "November only"))
    with store.connect(db) as con:
        assert survey.comments(con, filters={"department": ["HR"]}).empty
        assert survey.top_terms(con, filters={"department": ["HR"]}).empty
        sales = survey.comments(con, filters={"department": ["Sales"]})
        everyone = survey.comments(con, wave="2026-10")
        searched = survey.comments(con, search="OPS")
    # Sales had 10 responses in October but only 2 in November: the November comment stays hidden
    assert list(sales.columns) == ["wave", "department", "question", "comment"]
    assert sales.to_dict("records") == [{"wave": "2026-10", "department": "Sales", "question": "Anything else?",
                                         "comment": "Sales feedback"}]
    # the whole October wave (20 responses) may show HR's comment, but with no group or respondent field
    assert sorted(everyone["comment"]) == ["HR private remark", "Ops note", "Sales feedback"]
    assert list(everyone.columns) == ["wave", "question", "comment"]
    assert list(searched["comment"]) == ["Ops note"]
    with store.transaction(db) as con:
        store.set_setting(con, "comment_threshold", 8)
    with store.connect(db) as con:
        assert survey.comments(con, filters={"department": ["Ops"]}).empty  # 6 >= k but < 8


def test_top_terms_drop_english_and_french_stop_words(db):
    texts = ["The team is great and the manager is great.", "L'équipe est super et le manager est génial.",
             "Career growth is slow; I'd like more career growth.", "Pas de career growth pour les juniors.",
             "Les réunions sont trop longues."]
    add_survey(db, [resp(9, comments={"Comments": t}) for t in texts])
    with store.connect(db) as con:
        terms = survey.top_terms(con, n=50)
        assert len(survey.top_terms(con, n=3)) == 3
    counts = dict(zip(terms["term"], terms["count"], strict=True))
    # in two comments each: career, growth, "career growth" (comments 3 and 4), manager (1 and 2)
    assert list(terms["term"][:4]) == ["career", "career growth", "growth", "manager"]
    assert list(terms["count"][:4]) == [2, 2, 2, 2]
    # "great" twice in one comment counts once; accents kept, the elision l' removed
    assert counts["great"] == 1 and counts["équipe"] == 1 and counts["réunions"] == 1
    for stop in ("the", "is", "and", "i'd", "more", "le", "les", "l", "l'équipe", "est", "et", "de", "pas",
                 "pour", "sont", "trop"):
        assert stop not in counts
    assert all(c >= 2 for t, c in counts.items() if " " in t)  # one-off phrases are left out


# --- report -------------------------------------------------------------------------------------------

def test_report_never_shows_a_small_group(db):
    add_survey(db, dept("Sales", TEN, answers={"I feel valued": 4})
               + [resp(9, on=None, wave="Tiny Team pulse", groups={"department": "Tiny Team"},
                       answers={"I feel valued": 2}) for _ in range(3)], QUESTIONS)
    with store.connect(db) as con:
        report = survey.survey_report(con)
    text = json.dumps(report)
    assert "Tiny Team" not in text
    assert report["anonymity_threshold"] == 5
    assert report["waves"] == [{"wave": "2026-10", "responses": 10, "promoters": 5, "passives": 2, "detractors": 3,
                                "enps": 20.0, "margin_of_error": pytest.approx(54.0335, abs=1e-4),
                                "scale": "0-10", "not_comparable": False}]
    assert report["questions"][0]["favourable"] == 1.0 and report["questions"][0]["responses"] == 10
    assert type(report["waves"][0]["responses"]) is int and type(report["waves"][0]["enps"]) is float


def test_report_is_null_without_survey_data(db):
    with store.connect(db) as con:
        assert survey.survey_report(con) is None
        assert survey.enps_by_wave(con).empty and survey.question_results(con).empty
        assert survey.comments(con).empty and survey.survey_groups_available(con) == {}


def test_pooled_waves_never_reveal_a_group_small_in_each_wave(tmp_path):
    """Legal: 2 answers in each of 3 waves = 6 pooled, above k = 5, but the same 2 people: stays hidden."""
    from analytics import store
    from analytics.people.survey import enps_by_group, question_heatmap
    path = tmp_path / "pooled.duckdb"
    with store.transaction(path) as con:
        con.execute("INSERT INTO imports (import_id, file_name, sha256, kind, snapshot_on, rows_imported, "
                    "rows_rejected) VALUES (1, 's.csv', 'x', 'survey', DATE '2026-11-30', 0, 0)")
        number = 0
        for month in ("2026-09", "2026-10", "2026-11"):
            for department, size in (("Legal", 2), ("Sales", 8), ("Ops", 8), ("Tech", 8)):
                for _ in range(size):
                    number += 1
                    con.execute("INSERT INTO survey_responses VALUES (1, ?, NULL, ?, 9, '0-10')",
                                [number, f"{month}-15"])
                    con.execute("INSERT INTO survey_groups VALUES (1, ?, 'department', ?)", [number, department])
                    con.execute("INSERT INTO survey_answers VALUES (1, ?, 'Q1', 4)", [number])
        con.execute("INSERT INTO survey_questions VALUES (1, 'Q1', 1, 1, 5, FALSE)")
    with store.connect(path) as con:
        groups = enps_by_group(con, "department", wave=None, k=5).set_index("group")
        heat = question_heatmap(con, "department", wave=None, k=5).set_index("group")
    assert bool(groups.loc["Legal", "suppressed"]) and bool(heat.loc["Legal", "suppressed"])
    # Ops, Sales and Tech (8 each, largest first, ties by name) split off while the rest keeps 5: Ops (rest 18),
    # Sales (rest 10); Tech would leave Legal's 2 alone, so Tech stays hidden with Legal in every wave
    assert not bool(groups.loc["Ops", "suppressed"]) and not bool(groups.loc["Sales", "suppressed"])
    assert bool(groups.loc["Tech", "suppressed"]) and groups.loc["Tech", "reason"] == privacy.DERIVABLE

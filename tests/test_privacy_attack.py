"""An attacker with every survey view the product can show: no group under k can be worked out (issue 14).

For fixtures built to tempt it (a filter's complement of one person, a blank department with a comment, a
single respondent, two waves where one person joined, a team nested in a department, a pooled group), the test
calls every survey function the pages, downloads and ``report --json`` use, for every filter combination (every
subset of every dimension's values, "(not given)" included, across dimensions), every wave and the pooled view,
and every breakdown dimension. For each number shown it works out, from the fixture itself and not from the
privacy module, which responses it is computed over, and checks:

1. the number is right (counts, promoters, detractors, means, comment lists);
2. every shown set holds at least k answered responses in each wave it covers (a pooled group of the same two
   people three times is not "6 responses");
3. **nothing smaller than k can be isolated by arithmetic**: per measure (the eNPS question, each pulse question,
   the responders whose comments may be listed), the responses are split by which shown sets they belong to
   (the atoms of the shown sets). Any sum or difference of shown numbers is a sum over whole atoms, so when
   every atom that appears in a shown set has at least k responses, no group under k can be recovered.

Comparing different waves is outside this test: waves hold different responses (the product stores no
respondent identifier that could link them, on purpose), see docs/privacy.md.
"""
from __future__ import annotations

import itertools
import json
from collections import defaultdict

import pandas as pd
import pytest

from analytics import store
from analytics.people import drivers, participation, privacy, question_trends, survey, themes
from analytics.reports import json_report
from tests.test_survey import add_survey, resp

K = 5
QUESTIONS = [("Q1", 1, 1, 5, False), ("Q2", 2, 1, 5, False)]


def person(enps, on="2026-10-05", q1=None, q2=None, comment=None, **groups):
    answers = {name: value for name, value in (("Q1", q1), ("Q2", q2)) if value is not None}
    return resp(enps, on=on, groups={d: v for d, v in groups.items() if v is not None}, answers=answers,
                comments={"Change": comment} if comment else None)


def complement_of_one():
    """19 responses, Alpha 9, Beta 1 (the only detractor), Gamma 9: "Alpha + Gamma" would give Beta away."""
    alpha = [person(9 + i % 2, q1=3, q2=2 + i % 3, comment=f"Alpha note {i}", department="Alpha") for i in range(9)]
    beta = [person(2, q1=1, q2=1, comment="Beta is unhappy with pay", department="Beta")]
    gamma = [person(7 + i % 4, q1=2 + i % 4, q2=4, department="Gamma") for i in range(9)]
    return alpha + beta + gamma


def blank_department():
    """Alpha 6, Gamma 6 and one response without a department, whose comment says so."""
    named = [person(8 + i % 3, q1=4, q2=3, comment=f"note {d} {i}", department=d)
             for d in ("Alpha", "Gamma") for i in range(6)]
    return named + [person(0, q1=1, q2=5, comment="I left department blank")]


def single_respondent():
    return [person(10, q1=5, q2=5, comment="just me", department="Alpha")]


def one_joiner():
    """Wave 2026-10: team X 5 and Y 5; wave 2026-11: the same ten and one newcomer in team Z."""
    october = [person(6 + i, on="2026-10-05", q1=3, comment=f"oct {i}: " + ("workload" if i % 2 else "my manager"),
                      team="X" if i < 5 else "Y") for i in range(10)]
    november = [person(6 + i % 5, on="2026-11-05", q1=4, team="X" if i < 5 else "Y") for i in range(10)]
    return october + november + [person(0, on="2026-11-06", q1=1, comment="new here", team="Z")]


def nested_team():
    """Sales = team X 5 + team Y 1, Ops = team Z 6: team X would give Y away (Sales − X)."""
    sales = [person(9, q1=4, q2=4, comment=f"sales {i}", department="Sales", team="X") for i in range(5)]
    lone = [person(1, q1=1, q2=2, comment="I am team Y", department="Sales", team="Y")]
    ops = [person(7 + i % 3, q1=3, department="Ops", team="Z") for i in range(6)]
    return sales + lone + ops


def pooled_pair():
    """Three waves: Core 6 and Legal 2 each time; pooled, Legal has 6 responses from the same 2 people."""
    out = []
    for month in ("09", "10", "11"):
        out += [person(8, on=f"2026-{month}-03", q1=4, department="Core") for _ in range(6)]
        out += [person(3, on=f"2026-{month}-03", q1=2, comment=f"legal {month}: salary", department="Legal")
                for _ in range(2)]
    return out


def skipped_enps():
    """Alpha 6 answered Q1 but only 4 of them eNPS; Gamma 6 answered both: a key driver (answered both) of Alpha
    would rest on 4 people, though Alpha's Q1 results (6 answers) may be shown."""
    alpha = [person(3 + 2 * i if i < 4 else None, q1=1 + i % 5, q2=2, department="Alpha") for i in range(6)]
    gamma = [person(4 + i, q1=5 - i % 4, q2=3 + i % 2, department="Gamma") for i in range(6)]
    return alpha + gamma


FIXTURES = {"complement_of_one": complement_of_one, "skipped_enps": skipped_enps, "blank_department": blank_department,
            "single_respondent": single_respondent, "one_joiner": one_joiner, "nested_team": nested_team,
            "pooled_pair": pooled_pair}


# --- the attacker's own bookkeeping, from the fixture alone ---------------------------------------------------

class Fixture:
    def __init__(self, responses):
        self.responses = {no: r for no, r in enumerate(responses, start=1)}
        self.dimensions = sorted({d for r in responses for d in r["groups"]})
        self.waves = sorted({r["on"][:7] for r in responses})

    def value(self, no, dimension):
        given = self.responses[no]["groups"].get(dimension)
        return given if given else survey.NOT_GIVEN

    def values(self, dimension):
        return sorted({self.value(no, dimension) for no in self.responses})

    def members(self, filters, wave=None, dimension=None, group=None):
        return frozenset(no for no, r in self.responses.items()
                         if all(self.value(no, d) in chosen for d, chosen in filters.items())
                         and (wave is None or r["on"][:7] == wave)
                         and (dimension is None or self.value(no, dimension) == group))

    def wave_of(self, no):
        return self.responses[no]["on"][:7]

    def filters(self):
        """Every filter: for each dimension, no filter or any non-empty subset of its values."""
        choices = []
        for dimension in self.dimensions:
            values = self.values(dimension)
            subsets = [None] + [list(c) for n in range(1, len(values) + 1) for c in itertools.combinations(values, n)]
            choices.append([(dimension, s) for s in subsets])
        for combo in itertools.product(*choices):
            yield {d: s for d, s in combo if s is not None}


class Attacker:
    """Collects every set shown per measure and checks each shown number against the fixture."""

    def __init__(self, fixture: Fixture):
        self.fx = fixture
        self.shown: dict[object, set[frozenset]] = defaultdict(set)
        self.hidden_views = 0
        self.theme_rows = 0

    def see(self, measure, members: frozenset):
        self.shown[measure].add(members)

    def enps(self, row, members):
        answered = frozenset(no for no in members if self.fx.responses[no]["enps"] is not None)
        scores = [self.fx.responses[no]["enps"] for no in answered]
        assert row["responses"] == len(scores)
        assert row["promoters"] == sum(s >= 9 for s in scores)
        assert row["detractors"] == sum(s <= 6 for s in scores)
        self.see("enps", answered)

    def question(self, question, row, members):
        answered = frozenset(no for no in members if question in self.fx.responses[no]["answers"])
        scores = [self.fx.responses[no]["answers"][question] for no in answered]
        assert row["responses"] == len(scores)
        assert row["mean"] == pytest.approx(sum(scores) / len(scores))
        self.see(("question", question), answered)

    def driver(self, row, members):
        """A key driver: n and rho over the members who answered both the question and eNPS (issue 19)."""
        question = row["question"]
        both = frozenset(no for no in members if self.fx.responses[no]["enps"] is not None
                         and question in self.fx.responses[no]["answers"])
        assert row["n"] == len(both)
        if not pd.isna(row["rho"]):  # the attacker's own Spearman: Pearson of pandas' average ranks
            ranks = pd.DataFrame([(self.fx.responses[no]["answers"][question], self.fx.responses[no]["enps"])
                                  for no in both]).rank()
            assert row["rho"] == pytest.approx(ranks[0].corr(ranks[1]))
        self.see(("driver", question), both)

    def trend(self, row, filters, dimension):
        """A question's change between two waves: both waves' answers and favourable shares (4-5 on 1-5)."""
        for wave, n, share in ((row["wave"], row["responses"], row["favourable"]),
                               (row["previous_wave"], row["previous_responses"], row["previous_favourable"])):
            members = self.fx.members(filters, wave, dimension, row["group"])
            answered = frozenset(no for no in members if row["question"] in self.fx.responses[no]["answers"])
            scores = [self.fx.responses[no]["answers"][row["question"]] for no in answered]
            assert n == len(scores) and share == pytest.approx(sum(s >= 4 for s in scores) / len(scores))
            self.see(("question", row["question"]), answered)

    def comment_list(self, listed, members):
        expected = sorted(text for no in members for text in self.fx.responses[no]["comments"].values())
        assert sorted(listed) == expected
        self.see("responded", members)

    def check_no_small_group_can_be_isolated(self, threshold_of):
        for measure, sets in self.shown.items():
            k = threshold_of(measure)
            for members in sets:
                per_wave = defaultdict(int)
                for no in members:
                    per_wave[self.fx.wave_of(no)] += 1
                assert all(n >= k for n in per_wave.values()), (measure, sorted(members))
            signature = defaultdict(list)
            ordered = sorted(sets, key=sorted)
            for no in self.fx.responses:
                key = tuple(no in s for s in ordered)
                if any(key):
                    signature[key].append(no)
            small = [atom for atom in signature.values() if len(atom) < k]
            assert not small, (measure, small)


def build(db, responses):
    add_survey(db, responses, QUESTIONS, settings={"anonymity_threshold": K, "comment_threshold": K})
    fx = Fixture(responses)
    with store.transaction(db) as con:  # a headcount for everyone and every group: a little more than answered
        con.execute("INSERT INTO headcount VALUES (NULL, NULL, '{}', ?)", [len(responses) + 3])
        for dimension in fx.dimensions:
            for value in fx.values(dimension):
                size = len(fx.members({dimension: [value]}))
                con.execute("INSERT INTO headcount VALUES (NULL, NULL, ?, ?)",
                            [json.dumps({dimension: value}), size + 1 + len(value) % 3])
    return fx


def attack_participation_and_themes(con, spy: Attacker, fx: Fixture, filters: dict) -> None:
    """Participation (per wave, per headcount group) and theme counts (per selection, per group) as the pages and
    the JSON show them: every number checked against the fixture and its responses recorded as shown."""
    if not filters:
        waves = participation.participation_by_wave(con)
        shown_waves = set(waves.loc[~waves["suppressed"], "wave"])
        for row in waves.to_dict("records"):
            if not row["suppressed"]:
                members = fx.members({}, wave=row["wave"])
                assert row["responses"] == len(members)
                spy.see("responded", members)
        by_group = participation.participation_by_group(con)
        for wave in fx.waves:
            rows = by_group[by_group["wave"] == wave]
            for dimension in fx.dimensions if wave in shown_waves else ():  # one hidden group = total - shown
                mine = rows[rows["groups"].map(lambda g, d=dimension: list(g) == [d])]
                hidden = [g for g, h in zip(mine["group"], mine["suppressed"], strict=True)
                          if h and fx.members({dimension: [g]}, wave=wave)]
                assert len(hidden) != 1, (wave, dimension, hidden)
            for row in rows.to_dict("records"):
                if row["suppressed"]:
                    assert pd.isna(row["headcount"]) and pd.isna(row["responses"])
                    continue
                members = fx.members({d: [v] for d, v in row["groups"].items()}, wave=wave)
                assert row["responses"] == len(members)
                spy.see("responded", members)
    for row in themes.theme_counts(con, None, filters).to_dict("records"):
        members = fx.members(filters, wave=row["wave"])
        assert row["comments"] == sum(row["theme"] in themes.comment_themes(text) for no in members
                                      for text in fx.responses[no]["comments"].values())
        spy.see("responded", members)
    for dimension in fx.dimensions:
        for wave in [*fx.waves, None]:
            for row in themes.theme_counts_by_group(con, dimension, wave, filters).to_dict("records"):
                if not row["suppressed"]:
                    members = fx.members(filters, row["wave"], dimension, row["group"])
                    assert row["comments"] == sum(row["theme"] in themes.comment_themes(text) for no in members
                                                  for text in fx.responses[no]["comments"].values())
                    spy.see("responded", members)
                    spy.theme_rows += 1


def attack(db, fx: Fixture) -> Attacker:
    """Every view of the survey functions, as the pages, downloads and the JSON report call them."""
    spy = Attacker(fx)
    with store.connect(db) as con:
        views = 0
        for filters in fx.filters():
            for row in survey.enps_by_wave(con, filters).to_dict("records"):
                if row["suppressed"]:
                    spy.hidden_views += 1
                    continue
                spy.enps(row, fx.members(filters, wave=row["wave"]))
            for row in survey.question_results(con, None, filters).to_dict("records"):
                if not row["suppressed"]:
                    spy.question(row["question"], row, fx.members(filters, wave=row["wave"]))
            for dimension in fx.dimensions:
                for wave in [*fx.waves, None]:
                    for row in survey.enps_by_group(con, dimension, wave, filters).to_dict("records"):
                        if not row["suppressed"]:
                            spy.enps(row, fx.members(filters, wave, dimension, row["group"]))
                    for row in survey.question_heatmap(con, dimension, wave, filters).to_dict("records"):
                        if not row["suppressed"]:
                            spy.question(row["question"], row, fx.members(filters, wave, dimension, row["group"]))
            attack_drivers_and_trends(con, spy, fx, filters)
            shown_waves = survey.comment_waves(con, filters)
            listed = survey.comments(con, None, filters)
            for wave, hidden in zip(shown_waves["wave"], shown_waves["suppressed"], strict=True):
                if not hidden:
                    spy.comment_list(listed.loc[listed["wave"] == wave, "comment"].tolist(),
                                     fx.members(filters, wave=wave))
                else:
                    assert wave not in set(listed["wave"])
            attack_participation_and_themes(con, spy, fx, filters)
            views += 1
        report = json_report.build_report(con)["survey"]
        for row in report["waves"]:
            spy.enps(row, fx.members({}, wave=row["wave"]))
        for row in report["questions"]:
            spy.question(row["question"], row, fx.members({}, wave=row["wave"]))
        for row in report["drivers"] or []:
            spy.driver(row, fx.members({}, wave=row["wave"]))
        for row in (report["participation"] or {}).get("groups", []):
            members = fx.members({d: [v] for d, v in row["group"].items()}, wave=row["wave"])
            assert row["responses"] == len(members)
            spy.see("responded", members)
    assert views == sum(1 for _ in fx.filters())
    spy.check_no_small_group_can_be_isolated(lambda measure: K)
    return spy


def attack_drivers_and_trends(con, spy: Attacker, fx: Fixture, filters: dict) -> None:
    """Issue 19's views for one filter: key drivers (everyone and per group, every wave; the 25-answer floor
    lowered to k so that the privacy rule alone protects), the question trends (everyone and per group)."""
    for dimension in [None, *fx.dimensions]:
        found = (drivers.key_drivers(con, None, filters, min_answers=K) if dimension is None else
                 drivers.key_drivers_by_group(con, dimension, None, filters, min_answers=K))
        for row in found.to_dict("records"):
            if not row["suppressed"] or row["reason"] == drivers.NO_VARIATION:
                spy.driver(row, fx.members(filters, row["wave"], dimension, row["group"]))
        for row in question_trends.question_trends(con, dimension, filters).to_dict("records"):
            spy.trend(row, filters, dimension)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "attack.duckdb"


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_no_group_under_k_can_be_recovered_from_any_combination_of_views(db, name):
    fx = build(db, FIXTURES[name]())
    spy = attack(db, fx)
    if name != "single_respondent":  # the test is not vacuous: something is shown, and something is hidden
        assert spy.shown["enps"] and spy.shown["responded"]
        assert any(measure[0] == "driver" for measure in spy.shown if isinstance(measure, tuple))
        assert spy.hidden_views > 0
    if name == "one_joiner":  # theme counts per group were seen (teams X and Y in October)
        assert spy.theme_rows > 0


def test_complement_of_the_one_detractor_is_hidden(db):
    build(db, complement_of_one())
    with store.connect(db) as con:
        everyone = survey.enps_by_wave(con).iloc[0]
        others = survey.enps_by_wave(con, {"department": ["Alpha", "Gamma"]}).iloc[0]
        questions = survey.question_results(con, None, {"department": ["Alpha", "Gamma"]})
        groups = survey.enps_by_group(con, "department").set_index("group")
    assert (everyone["responses"], everyone["detractors"]) == (19, 1)
    assert bool(others["suppressed"]) and others["reason"] == privacy.DERIVABLE and pd.isna(others["responses"])
    assert questions["suppressed"].all()
    # Alpha and Gamma (9 each) would leave Beta (1) as 19 - 9 - 9: only one of them may be shown, the first
    # by name when sizes tie (docs/privacy.md).
    assert groups["suppressed"].to_dict() == {"Alpha": False, "Beta": True, "Gamma": True}
    assert groups.loc["Beta", "reason"] == privacy.FEW_RESPONSES
    assert groups.loc["Gamma", "reason"] == privacy.DERIVABLE


def test_blank_department_and_its_comment_cannot_be_singled_out(db):
    build(db, blank_department())
    with store.connect(db) as con:
        everyone = survey.comments(con)["comment"].tolist()
        named = survey.comments(con, None, {"department": ["Alpha", "Gamma"]})
        alpha = survey.comments(con, None, {"department": ["Alpha"]})["comment"].tolist()
    assert "I left department blank" in everyone and len(everyone) == 13
    assert named.empty  # 12 of 13: the list would differ from everyone's by one author
    # Alpha alone (6) is shown; Gamma + the blank one (7) stay together, so Gamma is not offered.
    assert sorted(alpha) == [f"note Alpha {i}" for i in range(6)]


def test_nested_team_is_hidden_when_its_department_is_shown(db):
    build(db, nested_team())
    with store.connect(db) as con:
        teams = survey.enps_by_group(con, "team").set_index("group")
        sales = survey.enps_by_wave(con, {"department": ["Sales"]}).iloc[0]
        offered = survey.survey_groups_available(con)
    assert int(sales["responses"]) == 6 and not sales["suppressed"]
    assert teams["suppressed"].to_dict() == {"X": True, "Y": True, "Z": False}
    assert offered == {"department": ["Ops", "Sales"], "team": ["Z"]}


def test_pooled_waves_do_not_make_a_small_group_big(db):
    build(db, pooled_pair())
    with store.connect(db) as con:
        pooled = survey.enps_by_group(con, "department").set_index("group")
    # Legal has 2 people a wave: pooled it is 6 answers, still hidden; and Core (6 a wave, 18 pooled) is hidden
    # too, since each wave's total minus Core would be Legal.
    assert bool(pooled.loc["Legal", "suppressed"]) and pooled.loc["Legal", "reason"] == privacy.FEW_RESPONSES
    assert bool(pooled.loc["Core", "suppressed"]) and pooled.loc["Core", "reason"] == privacy.DERIVABLE



def comment_stored_as_group():
    """A database imported before answer columns were refused as groups: the answers to "What is one thing we
    should change" sit in survey_groups as a dimension, beside a real department."""
    answers = ["Fine.", "Good.", "Ok."]
    return [person(6 + i % 5, q1=3, department="Alpha" if i < 10 else "Gamma",
                   **{"what is one thing we should change": answers[i % 3]}) for i in range(20)]


def test_a_free_text_dimension_is_never_offered_nor_shown(db):
    build(db, comment_stored_as_group())
    with store.connect(db) as con:
        offered = survey.survey_groups_available(con)
        by_answer = survey.enps_by_group(con, "what is one thing we should change")
        filtered = survey.enps_by_wave(con, {"what is one thing we should change": ["Fine."]})
    assert offered == {"department": ["Alpha", "Gamma"]}
    assert by_answer["suppressed"].all() and filtered["suppressed"].all()


def test_is_group_dimension():
    assert privacy.is_group_dimension("department", pd.Series(["A", "A", "B", "B", survey.NOT_GIVEN]))
    assert not privacy.is_group_dimension("department", pd.Series(["A", "B", "C"]))          # one value each
    assert not privacy.is_group_dimension("what is one thing we should change", pd.Series(["Ok."] * 6))
    assert not privacy.is_group_dimension("why?", pd.Series(["x"] * 6))
    assert not privacy.is_group_dimension("team", pd.Series([survey.NOT_GIVEN] * 4))          # nothing given


def test_the_engagement_and_pulse_pages_offer_no_complement(db, monkeypatch):
    """Issue 14's first leak, on the pages: 19 responses, Beta has one (the only detractor). Gamma would give
    Beta away beside Alpha, so the filter offers Alpha only; no table, chart or download holds 18 or 19 - 9."""
    from streamlit.runtime.media_file_storage import MediaFileKind
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    from tests.apptest_utils import open_view

    monkeypatch.setenv("PULSE_DB", str(db))
    build(db, complement_of_one())
    saved: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, data, mimetype, kind, filename=None):
        if isinstance(data, bytes) and kind == MediaFileKind.DOWNLOADABLE:  # a download, not the tab icon
            saved.append(data)
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    for page, key in (("engagement.py", "engagement_filter_department"), ("pulse.py", "pulse_filter_department")):
        at = open_view(page)
        assert at.get_by_key(key).options == ["Alpha"]
        saved.clear()
        at.get_by_key(key).set_value(["Alpha"]).run()
        assert not at.exception and not at.error
        for frame in (el.value for el in at.dataframe):
            for row in frame.astype(str).itertuples(index=False):
                if any(name in cell for cell in row for name in ("Beta", "Gamma")):
                    assert not any(ch.isdigit() for cell in row for ch in cell), row  # a name, never a number
            if "Responses" in frame.columns:
                assert set(frame["Responses"].astype(str)) <= {"9", ""}, frame
        csvs = [data.decode("utf-8-sig") for data in saved if not data.startswith(b"PK")]
        assert csvs
        for line in (line for text in csvs for line in text.splitlines()):
            assert "Beta" not in line and "Gamma" not in line, line
            assert line.split(",")[1:2] not in (["18"], ["10"], ["19"]), line


def test_the_kept_population_follows_every_change_of_the_database(db):
    build(db, complement_of_one())
    with store.connect(db) as con:
        first = privacy.population(con)
        assert privacy.population(con) is first              # kept for the next call of the same view
    with store.transaction(db) as con:
        store.set_setting(con, "wave_period", "quarter")
    with store.connect(db) as con:
        again = privacy.population(con)
    assert again is not first and set(again.wave) == {"2026-Q4"} and set(first.wave) == {"2026-10"}

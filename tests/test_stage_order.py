"""The stage order of a pipeline is decided by evidence and never padded with template stages no deal is in
(issue 15, "Never guess silently"). Each expected order below is worked out by hand from the fixture written
in the test; the evidence, strongest first, is listed in analytics/ingest/stage_config.py's docstring.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics import store
from analytics.ingest import stage_config
from analytics.sales.funnel import funnel
from tests.sales_fixtures import add_snapshot

S1, S2 = date(2026, 3, 2), date(2026, 3, 9)
CLOSE = date(2026, 6, 30)


@pytest.fixture
def con(tmp_path):
    with store.transaction(tmp_path / "stages.duckdb") as writer:
        yield writer


def deal(deal_id: str, stage: str, pipeline: str = "Pipe", **extra) -> dict:
    """A deal row as add_snapshot takes it: amount and close date known unless given (no completeness signal)."""
    return {"deal_id": deal_id, "stage": stage, "pipeline": pipeline, "amount": 100.0, "close_on": CLOSE,
            "created_on": date(2026, 1, 1), **extra}


def frames(snapshot_on: date, deals: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``deals`` and ``entered`` tables the importer builds for a file holding these deals."""
    rows = pd.DataFrame([{"snapshot_on": snapshot_on, "status_raw": None, "probability": None, **d} for d in deals])
    entered = pd.DataFrame([{"deal_id": d["deal_id"], "pipeline": d["pipeline"], "stage": stage, "entered_on": on}
                            for d in deals for stage, on in d.get("entered", {}).items()],
                           columns=["deal_id", "pipeline", "stage", "entered_on"])
    return rows.drop(columns=["entered"], errors="ignore"), entered


def import_deals(con, snapshot_on: date, deals: list[dict], chosen=None) -> list[stage_config.StageDecision]:
    """What the importer does: store the file's rows, then ensure_stages in the same transaction."""
    add_snapshot(con, snapshot_on, deals)
    return stage_config.ensure_stages(con, *frames(snapshot_on, deals), chosen)


def stored(con, pipeline: str = "Pipe") -> list[tuple]:
    return [tuple(r) for r in stage_config.stage_table(con, pipeline)[["stage", "probability", "outcome", "source"]]
            .itertuples(index=False)]


def only(decisions: list[stage_config.StageDecision]) -> stage_config.StageDecision:
    assert len(decisions) == 1
    return decisions[0]


# --- the two observed failures ------------------------------------------------------------------------------

def test_a_home_made_pipeline_is_not_ordered_as_the_file_lists_it(con):
    # Engaging is listed first; nothing but the names is known. 'Prospecting' is the first stage of Salesforce's
    # template, 'Engaging' is no template's (taken as mid-pipeline): Prospecting comes first, with low confidence.
    deals = [deal("e1", "Engaging"), deal("p1", "Prospecting"), deal("e2", "Engaging"), deal("w1", "Won"),
             deal("l1", "Lost")]
    decision = only(import_deals(con, S1, deals))
    assert (decision.open_stages, decision.won, decision.lost) == (["Prospecting", "Engaging"], ["Won"], ["Lost"])
    assert (decision.source, decision.confidence) == ("known_names", "low")
    assert decision.unseen_template_stages_dropped == []          # no template fits four names with one known
    assert stored(con) == [("Prospecting", 0.1, "open", "known_names"), ("Engaging", 0.9, "open", "known_names"),
                           ("Won", 1.0, "won", "known_names"), ("Lost", 0.0, "lost", "known_names")]


def test_entry_dates_outweigh_what_the_names_suggest(con):
    # This team engages first, then prospects: two deals entered Engaging before Prospecting (medium evidence).
    deals = [deal("e1", "Prospecting", entered={"Engaging": date(2026, 1, 5), "Prospecting": date(2026, 1, 9)}),
             deal("e2", "Engaging", entered={"Engaging": date(2026, 1, 6)}),
             deal("e3", "Won", entered={"Engaging": date(2026, 1, 2), "Prospecting": date(2026, 1, 3)})]
    decision = only(import_deals(con, S1, deals))
    assert decision.open_stages == ["Engaging", "Prospecting"]
    assert (decision.source, decision.confidence) == ("entry_dates", "medium")
    assert decision.evidence["votes"] == {"stage_history": 0, "snapshot_moves": 0, "entry_dates": 2}


GRANDS_COMPTES = [  # a French custom pipeline sharing three names with Pipedrive's (Prospect entrant, Qualifié,
    #                 Proposition faite); entry dates place its own stages Relance and Signature
    deal("d1", "Prospect entrant", "Grands comptes", entered={"Prospect entrant": date(2026, 1, 5)}),
    deal("d2", "Qualifié", "Grands comptes", entered={"Prospect entrant": date(2026, 1, 5),
                                                       "Qualifié": date(2026, 1, 10)}),
    deal("d3", "Relance", "Grands comptes", entered={"Prospect entrant": date(2026, 1, 2), "Qualifié": date(2026, 1, 6),
                                                      "Relance": date(2026, 1, 12)}),
    deal("d4", "Proposition faite", "Grands comptes", entered={
        "Prospect entrant": date(2026, 1, 2), "Qualifié": date(2026, 1, 4), "Relance": date(2026, 1, 8),
        "Proposition faite": date(2026, 1, 15)}),
    deal("d5", "Signature", "Grands comptes", entered={
        "Prospect entrant": date(2026, 1, 2), "Qualifié": date(2026, 1, 4), "Relance": date(2026, 1, 8),
        "Proposition faite": date(2026, 1, 15), "Signature": date(2026, 1, 20)}),
    deal("d6", "Gagné", "Grands comptes", entered={
        "Prospect entrant": date(2026, 1, 2), "Qualifié": date(2026, 1, 4), "Relance": date(2026, 1, 8),
        "Proposition faite": date(2026, 1, 15), "Signature": date(2026, 1, 20), "Gagné": date(2026, 2, 1)}),
    deal("d7", "Perdu", "Grands comptes", entered={"Prospect entrant": date(2026, 1, 2),
                                                    "Qualifié": date(2026, 1, 6), "Perdu": date(2026, 1, 20)}),
]


def test_a_custom_pipeline_sharing_template_names_gets_no_unseen_template_stage(con):
    decision = only(import_deals(con, date(2026, 3, 31), GRANDS_COMPTES))
    # the template orders its three names; the entry dates put Relance between Qualifié and Proposition faite,
    # and Signature after it. Pipedrive's stages no deal is in are left out (and listed).
    assert decision.open_stages == ["Prospect entrant", "Qualifié", "Relance", "Proposition faite", "Signature"]
    assert (decision.won, decision.lost) == (["Gagné"], ["Perdu"])
    assert decision.unseen_template_stages_dropped == ["Contact établi", "Démo planifiée", "Négociations commencées"]
    assert (decision.source, decision.confidence) == ("entry_dates", "medium")
    assert decision.evidence["template"] == "pipedrive"
    # neighbours: Prospect entrant < Qualifié by the template; Qualifié < Relance < Proposition faite < Signature
    # by the entry dates
    assert decision.evidence["decided_by"] == {"template:pipedrive": 1, "entry_dates": 3}
    # Pipedrive's probabilities for its names; Relance halfway between its neighbours; Signature as the last known
    assert decision.probabilities == {"Prospect entrant": 0.1, "Qualifié": 0.2, "Relance": 0.5,
                                      "Proposition faite": 0.8, "Signature": 0.8, "Gagné": 1.0, "Perdu": 0.0}
    # reached (cumulative): all 7 deals; Qualifié d2-d7; Relance d3-d6 (d7 was lost after Qualifié);
    # Proposition faite d4-d6; Signature d5, d6; won d6
    steps = funnel(con, "Grands comptes", date_from=date(2026, 1, 1), date_to=date(2026, 3, 31))
    assert list(zip(steps["stage"], steps["reached"], strict=True)) == [
        ("Prospect entrant", 7), ("Qualifié", 6), ("Relance", 4), ("Proposition faite", 3), ("Signature", 2),
        ("Won", 1)]


def test_a_default_hubspot_pipeline_keeps_the_template_order_and_probabilities(con):
    stages = ["Contract sent", "Appointment scheduled", "Closed won", "Qualified to buy", "Closed lost",
              "Decision maker bought-in", "Presentation scheduled"]
    decision = only(import_deals(con, S1, [deal(f"h{i}", s, "Sales Pipeline") for i, s in enumerate(stages)]))
    assert decision.open_stages == ["Appointment scheduled", "Qualified to buy", "Presentation scheduled",
                                    "Decision maker bought-in", "Contract sent"]
    assert [decision.probabilities[s] for s in decision.open_stages] == [0.2, 0.4, 0.6, 0.8, 0.9]
    assert (decision.source, decision.confidence, decision.unseen_template_stages_dropped) == \
        ("template:hubspot", "high", [])
    assert decision.evidence["votes"] == {}       # the template ordered every pair: no other evidence was read


def test_a_hubspot_stage_known_only_by_its_entry_date_is_kept_and_unentered_ones_are_not(con):
    deals = [deal("h1", "Contract sent", "Sales Pipeline", entered={"Appointment scheduled": date(2026, 1, 2),
                                                                    "Qualified to buy": date(2026, 1, 9),
                                                                    "Contract sent": date(2026, 2, 1)}),
             deal("h2", "Appointment scheduled", "Sales Pipeline")]
    decision = only(import_deals(con, S1, deals))
    assert decision.open_stages == ["Appointment scheduled", "Qualified to buy", "Contract sent"]
    assert decision.unseen_template_stages_dropped == ["Presentation scheduled", "Decision maker bought-in",
                                                       "Closed won", "Closed lost"]
    assert decision.source == "template:hubspot" and (decision.won, decision.lost) == ([], [])


# --- each kind of evidence ----------------------------------------------------------------------------------

def add_history(con, changes: list[tuple]) -> None:
    """A stage-history import: (deal_id, stage, from_stage, changed_on) rows."""
    import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
    con.execute("INSERT INTO imports (import_id, file_name, sha256, kind, snapshot_on, rows_imported, rows_rejected) "
                "VALUES (?, 'history.csv', ?, 'stage_history', ?, ?, 0)", [import_id, f"h-{import_id}", S1,
                                                                            len(changes)])
    con.executemany("INSERT INTO deal_stage_history (import_id, deal_id, stage, from_stage, changed_on) "
                    "VALUES (?, ?, ?, ?, ?)", [[import_id, *c] for c in changes])


def test_stage_history_in_the_database_orders_a_new_pipeline(con):
    # h1: Qualify -> Discovery (from_stage) -> Demo (from_stage); h2: Demo -> Proposal; h3: Discovery, then Demo
    # (no from_stage: the stage before it). Votes: Qualify<Discovery, Discovery<Demo x2, Demo<Proposal.
    add_history(con, [("h1", "Qualify", None, date(2026, 1, 2)), ("h1", "Discovery", "Qualify", date(2026, 1, 5)),
                      ("h1", "Demo", "Discovery", date(2026, 1, 9)), ("h2", "Proposal", "Demo", date(2026, 1, 7)),
                      ("h3", "Discovery", None, date(2026, 1, 3)), ("h3", "Demo", None, date(2026, 1, 8))])
    deals = [deal("h2", "Proposal"), deal("h1", "Demo"), deal("h3", "Discovery")]
    decision = only(import_deals(con, S1, deals))
    # Qualify: no deal is in it now, but h1 was (its history): kept, first
    assert decision.open_stages == ["Qualify", "Discovery", "Demo", "Proposal"]
    assert (decision.source, decision.confidence) == ("stage_history", "high")
    assert decision.evidence["votes"] == {"stage_history": 4}


def test_moves_between_snapshots_already_stored_order_a_pipeline(con):
    # S1 is stored (before the pipeline had a configuration); the file is S2. m1 Build -> Review, m2 Review ->
    # Ship, m3 Build -> Ship: Build < Review < Ship. m4 Ship -> Won says nothing (won).
    add_snapshot(con, S1, [deal("m1", "Build"), deal("m2", "Review"), deal("m3", "Build"), deal("m4", "Ship")])
    decision = only(import_deals(con, S2, [deal("m2", "Ship"), deal("m1", "Review"), deal("m3", "Ship"),
                                           deal("m4", "Won"), deal("m5", "Build")]))
    assert decision.open_stages == ["Build", "Review", "Ship"]
    assert (decision.source, decision.confidence) == ("snapshot_moves", "high")
    assert decision.evidence["votes"] == {"stage_history": 0, "snapshot_moves": 3}


def test_entry_dates_order_a_pipeline(con):
    # x1 entered Scoping, Pricing, Legal in that order (3 votes); x2 Scoping then Pricing (1 vote)
    deals = [deal("x1", "Legal", entered={"Scoping": date(2026, 1, 1), "Pricing": date(2026, 1, 5),
                                          "Legal": date(2026, 1, 9)}),
             deal("x2", "Pricing", entered={"Scoping": date(2026, 1, 2), "Pricing": date(2026, 1, 3)}),
             deal("x3", "Scoping")]
    decision = only(import_deals(con, S1, deals))
    assert decision.open_stages == ["Scoping", "Pricing", "Legal"]
    assert (decision.source, decision.confidence) == ("entry_dates", "medium")
    assert decision.evidence["votes"]["entry_dates"] == 4
    assert decision.probabilities == {"Scoping": 0.1, "Pricing": 0.5, "Legal": 0.9}   # no probability known: ramp


def test_exported_probabilities_order_a_pipeline(con):
    deals = [deal("y1", "Pitch", probability=0.3), deal("y2", "Terms", probability=0.6),
             deal("y3", "Terms", probability=0.8), deal("y4", "Intro", probability=0.1)]
    decision = only(import_deals(con, S1, deals))
    assert decision.open_stages == ["Intro", "Pitch", "Terms"]
    assert (decision.source, decision.confidence) == ("probabilities", "medium")
    assert decision.probabilities == {"Intro": 0.1, "Pitch": 0.3, "Terms": pytest.approx(0.7)}   # the means
    assert stored(con)[0] == ("Intro", 0.1, "open", "probabilities")


def test_stages_numbered_in_their_names_are_ordered_by_their_numbers(con):
    # Seen 3, 1, 2, 10; the exported probabilities (lost deals' 0 % among them) would say otherwise: the numbers
    # the names start with decide, with high confidence (no question), 10 after 2 (numbers, not text order).
    deals = [deal("n1", "3) Propose", probability=0.2), deal("n2", "1 - Qualify", probability=0.9),
             deal("n3", "2. Develop", probability=0.0), deal("n4", "10 - Close", probability=0.5)]
    decision = only(import_deals(con, S1, deals))
    assert decision.open_stages == ["1 - Qualify", "2. Develop", "3) Propose", "10 - Close"]
    assert (decision.source, decision.confidence) == ("numbered", "high")


@pytest.mark.parametrize("stages", [["1 - Qualify", "Develop", "3 - Propose"], ["1 - Qualify", "1. Develop"],
                                    ["2026 budget", "Qualify"]])
def test_numbers_decide_nothing_unless_every_stage_has_its_own(stages):
    from analytics.ingest import pipelines

    assert pipelines.number_votes(stages) == {}


def test_the_share_of_complete_deals_is_weak_evidence(con):
    # Early deals have neither amount nor close date: Sketch 0 %, Draft 50 %, Final 100 % complete
    deals = [deal("z1", "Final"), deal("z2", "Sketch", amount=None, close_on=None),
             deal("z3", "Draft", amount=None)]
    decision = only(import_deals(con, S1, deals))
    assert decision.open_stages == ["Sketch", "Draft", "Final"]
    assert (decision.source, decision.confidence) == ("completeness", "low")
    assert decision.evidence["completeness"] == {"Final": 1.0, "Sketch": 0.0, "Draft": 0.5}


def test_with_no_evidence_the_first_seen_order_has_low_confidence(con):
    deals = [deal("a1", "Beta"), deal("a2", "Alpha"), deal("a3", "Gamma"), deal("a4", "Alpha")]
    decision = only(import_deals(con, S1, deals))
    assert decision.open_stages == ["Beta", "Alpha", "Gamma"]
    assert (decision.source, decision.confidence) == ("first_seen", "low")
    assert decision.evidence["decided_by"] == {"first_seen": 2}
    assert stored(con) == [("Beta", 0.1, "open", "first_seen"), ("Alpha", 0.5, "open", "first_seen"),
                           ("Gamma", 0.9, "open", "first_seen")]


def test_stronger_evidence_wins_and_weaker_only_fills_the_gaps(con):
    # moves say Review < Ship (1 vote); the entry dates say Ship < Review (2 votes) but are weaker, and order
    # Build (which no move touched) before both.
    add_snapshot(con, S1, [deal("m1", "Review")])
    decision = only(import_deals(con, S2, [
        deal("m1", "Ship"),
        deal("e1", "Build", entered={"Build": date(2026, 1, 1), "Ship": date(2026, 1, 2), "Review": date(2026, 1, 3)}),
        deal("e2", "Build", entered={"Build": date(2026, 1, 1), "Ship": date(2026, 1, 2), "Review": date(2026, 1, 3)}),
    ]))
    assert decision.open_stages == ["Build", "Review", "Ship"]
    assert decision.evidence["decided_by"] == {"entry_dates": 1, "snapshot_moves": 1}
    assert (decision.source, decision.confidence) == ("entry_dates", "medium")


# --- the user's order, later imports, stage history after the deals ---------------------------------------

def test_the_users_order_wins_and_keeps_a_stage_no_deal_is_in(con):
    deals = [deal("u1", "Demo", entered={"Demo": date(2026, 1, 1), "Discovery": date(2026, 1, 5)}),
             deal("u2", "Discovery"), deal("u3", "Won")]
    decision = only(import_deals(con, S1, deals, chosen={"pipe": ["discovery", "Qualify", "DEMO"]}))
    assert decision.open_stages == ["Discovery", "Qualify", "Demo"]          # spelled as seen; Qualify kept
    assert (decision.source, decision.confidence) == ("user", "high")
    assert [(s, o, src) for s, _, o, src in stored(con)] == [
        ("Discovery", "open", "user"), ("Qualify", "open", "user"), ("Demo", "open", "user"),
        ("Won", "won", "user")]


def test_the_users_order_reorders_a_configured_pipeline(con):
    import_deals(con, S1, [deal("a1", "Beta"), deal("a2", "Alpha")])
    decision = only(import_deals(con, S2, [deal("a1", "Beta"), deal("a2", "Alpha")], chosen={"Pipe": ["Alpha",
                                                                                                      "Beta"]}))
    assert (decision.open_stages, decision.source) == (["Alpha", "Beta"], "user")
    # first seen at first: Beta 10 %, Alpha 90 %; the user's order keeps the stored probabilities
    assert stored(con) == [("Alpha", 0.9, "open", "user"), ("Beta", 0.1, "open", "user")]


def test_a_later_import_places_a_new_stage_by_evidence(con):
    import_deals(con, S1, [deal("t1", "Meeting"), deal("t2", "Lead"), deal("t3", "Offer")],
                 chosen={"Pipe": ["Lead", "Meeting", "Offer"]})
    # S2: t1 moved Meeting -> Trial (a move: Meeting < Trial); t4's entry dates say Trial < Offer
    decision = only(import_deals(con, S2, [
        deal("t1", "Trial"), deal("t2", "Lead"), deal("t3", "Offer"),
        deal("t4", "Offer", entered={"Trial": date(2026, 3, 3), "Offer": date(2026, 3, 5)})]))
    assert decision.open_stages == ["Lead", "Meeting", "Trial", "Offer"]
    assert decision.new_stages == ["Trial"]
    assert (decision.source, decision.confidence) == ("added on import", "medium")
    assert decision.evidence["decided_by"] == {"configured": 1, "snapshot_moves": 1, "entry_dates": 1}
    # stored stages keep their probability and source; Trial halfway between Meeting (50 %) and Offer (90 %)
    assert stored(con) == [("Lead", 0.1, "open", "user"), ("Meeting", 0.5, "open", "user"),
                           ("Trial", 0.7, "open", "added on import"), ("Offer", 0.9, "open", "user")]


def test_a_later_import_without_evidence_puts_a_new_stage_last_with_low_confidence(con):
    import_deals(con, S1, [deal("a1", "Alpha"), deal("a2", "Beta"), deal("a3", "Won")])
    decision = only(import_deals(con, S2, [deal("a1", "Gamma"), deal("a3", "Won"), deal("a4", "Lost")]))
    assert (decision.open_stages, decision.won, decision.lost) == (["Alpha", "Beta", "Gamma"], ["Won"], ["Lost"])
    assert (decision.source, decision.confidence, decision.new_stages) == ("added on import", "low",
                                                                          ["Gamma", "Lost"])
    assert [s for s, *_ in stored(con)] == ["Alpha", "Beta", "Gamma", "Won", "Lost"]


def test_a_stage_history_imported_after_the_deals_adds_the_stages_its_deals_went_through(con):
    import_deals(con, S1, [deal("s1", "Qualification"), deal("s2", "Needs Analysis")])
    assert [s for s, *_ in stored(con)] == ["Qualification", "Needs Analysis"]
    history = [("s1", "Prospecting", None, date(2026, 1, 2)), ("s1", "Qualification", "Prospecting", date(2026, 1, 9))]
    add_history(con, history)
    decision = only(stage_config.ensure_history_stages(con, pd.DataFrame(history, columns=[
        "deal_id", "stage", "from_stage", "changed_on"])))
    assert (decision.open_stages, decision.new_stages) == (["Prospecting", "Qualification", "Needs Analysis"],
                                                           ["Prospecting"])
    assert decision.evidence["decided_by"] == {"template:salesforce": 1, "configured": 1}
    assert stored(con)[0] == ("Prospecting", 0.1, "open", "added on import")


def test_planning_reads_only_and_skips_configured_pipelines_with_nothing_new(con):
    import_deals(con, S1, [deal("a1", "Alpha"), deal("a2", "Beta")])
    before = stored(con)
    add_snapshot(con, S2, [deal("a1", "Beta"), deal("n1", "Intro", "New")])
    deals, entered = frames(S2, [deal("a1", "Beta"), deal("n1", "Intro", "New")])
    decisions = stage_config.plan_stages(con, deals, entered)
    assert [d.pipeline for d in decisions] == ["New"]
    assert stored(con) == before and stage_config.stage_table(con, "New").empty


# --- the user's orders on the command line ------------------------------------------------------------------

def test_parse_stage_orders():
    assert stage_config.parse_stage_orders(["Sales Pipeline=Lead > Demo>Proposal", "Grands comptes=Relance"]) == {
        "Sales Pipeline": ["Lead", "Demo", "Proposal"], "Grands comptes": ["Relance"]}
    assert stage_config.parse_stage_orders([" Renewals =Renewal due>In  negotiation>a=b"]) == {
        "Renewals": ["Renewal due", "In negotiation", "a=b"]}
    assert stage_config.parse_stage_orders([]) == {}


@pytest.mark.parametrize("texts, message", [
    (["Sales Pipeline"], 'stage order "Sales Pipeline" is not "Pipeline=Stage>Stage>…"'),
    (["=Lead>Demo"], "is not"),
    (["Sales=Lead>>Demo"], "is not"),
    (["Sales="], "is not"),
    (["Sales=Lead>Demo", "sales=Demo"], 'pipeline "sales" has two stage orders'),
    (["Sales=Lead>Demo>lead"], 'stage "lead" appears twice'),
    (["Sales=Lead>Closed won"], '"Closed won" is a won or lost stage'),
])
def test_parse_stage_orders_rejects_bad_syntax_with_one_line(texts, message):
    with pytest.raises(ValueError, match="^[^\n]*$") as error:
        stage_config.parse_stage_orders(texts)
    assert message in str(error.value)

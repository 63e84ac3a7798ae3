"""The import plan: every guess the importer makes about a file, with its evidence, before anything is written.

Reading a file means guessing: what it holds, how it is encoded, which column is which field, where a deal's
status comes from, in which order a pipeline's stages go, how probabilities and dates are written, which date
the export is "as of", how a deal is recognised from week to week. Each guess is an ``Inference``: the choice,
the evidence that made it (a code with its values; ``EVIDENCE_TEXTS`` words it in English, ``ui`` in French), a
confidence, and the command-line option that overrides it. The Import page and ``import --dry-run`` show the same
plan. A guess that is weak (``ask``) and changes the numbers is a question: the page asks it, the command line
refuses the file with exit status 2 and the exact option that settles it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from analytics.ingest import stage_config
from analytics.ingest.import_log import NeedsAnswers, named

HIGH, MEDIUM, LOW = "high", "medium", "low"

# What each inference is about (``Inference.topic``), in the order the plan lists them.
TOPICS = ("kind", "encoding", "delimiter", "header_row", "sheet", "column", "unmatched", "ignored", "status",
          "deal_identity", "as_of", "date_order", "probability_scale", "amount_unit", "stage_order", "enps",
          "enps_scale",
          "groups", "identifiers")

TOPIC_TEXTS = {
    "kind": "File contains", "encoding": "Encoding", "delimiter": "Separator", "header_row": "Header row",
    "sheet": "Sheet", "column": "Column for {subject}", "unmatched": "No column for {subject}",
    "ignored": "Columns not used", "status": "Deal status", "deal_identity": "Deal identity",
    "as_of": "Snapshot date", "date_order": "Dates in {subject}", "probability_scale": "Probabilities",
    "amount_unit": "Amounts in",
    "stage_order": "Stage order of {subject}", "enps": "eNPS question", "enps_scale": "eNPS scale",
    "groups": "Groups (breakdowns)", "identifiers": "Respondent identifiers",
}

# Field keys as a person says them (the subject of "Column for …" and "No column for …").
FIELD_WORDS = {
    "deal_id": "deal id", "name": "deal name", "pipeline": "pipeline", "stage": "stage", "status": "status",
    "amount": "amount", "currency": "currency", "owner": "owner", "created_on": "creation date",
    "close_on": "close date", "probability": "probability", "forecast_category": "forecast category",
    "loss_reason": "loss reason",
    "entered_on": "stage entry dates", "manager": "manager", "employee": "employee", "met_on": "meeting date",
    "duration_minutes": "duration", "enps": "eNPS question", "wave": "wave", "date": "response date",
    "headcount": "headcount",
}

# Evidence by code: the English text (also the key ``ui`` translates), with its {placeholders}.
EVIDENCE_TEXTS = {
    # kind
    "kind_user": "chosen by you",
    "kind_headers": "its column headers",
    "kind_answer_values": "{n} columns hold answers on a scale, although no header names a survey",
    "kind_headcount": "a headcount column ({column}) beside group columns only",
    # reading
    "sniffed": "read from the file's bytes",
    "title_rows": "{n} title rows above the header were skipped",
    "first_row": "the first row holds the headers",
    "first_sheet": "the first sheet with data",
    "first_of_sheets": "the first sheet with data; {sheets} hold data too and were not read",
    "sheet_user": "chosen by you",
    # columns
    "user": "chosen by you",
    "saved": "your choice for files with these columns, remembered",
    "known_header": "a header {crm} exports use for it",
    "known_header_prefixed": "a known header, after its prefix",
    "header_word": "the header contains a word that names it",
    "close_spelling": "the header is spelled almost like a known one",
    "entered_columns": "'Date entered' columns give when deals entered {n} stages",
    "extras": "kept as deal attributes for filters and breakdowns: {columns}",
    "not_used": "not imported: {columns}",
    "candidates": "{columns} could be one: {option}",
    "no_candidate": "no column looks like one",
    # status
    "status_words": "{column} holds status words ({values})",
    "status_flags": "won and closed flags: {won} and {closed}",
    "status_not_words": "{column} was not used: its values are not open/won/lost ({values})",
    "status_contradicts_stage": "{column} was not used: it contradicts the stage on {n} rows (e.g. {example})",
    "status_mixed": "{column} says open, won or lost on {known} of its {n} rows, and something else on the others "
                    "({values}): use it where it says so (the stage decides the others), or use the stage alone?",
    "stage_names": "the stage (won and lost stages of each pipeline)",
    # identity
    "id_column": "the record id in {column}",
    "name_and_created": "no id column: deal name and created date; renaming a deal will look like a new deal",
    "name_only": "no id column nor created date: deal name; renaming a deal will look like a new deal",
    "row_in_file": "{n} rows could not be told apart by name and created date: each row is a deal of this "
                   "snapshot, numbered in file order, and cannot be followed across weeks",
    # as-of
    "as_of_user": "chosen by you",
    "file_name": "the date in the file name",
    "data_modified": "the latest '{column}' in the file",
    "title_date": "the report's title: '{column}'",
    "import_day": "nothing in the file dates it, so today: every open deal is judged as of today",
    "import_day_file": "nothing in the file dates it, so the day it is imported",
    # dates
    "iso": "written year first (2026-11-20)",
    "order_user": "chosen by you",
    "order_saved": "your choice for files with these columns, remembered",
    "unambiguous": "values such as {example} can only be read this way",
    "other_column": "{column}, in the same file, can only be read this way",
    "ambiguous": "no value shows whether the day or the month comes first (e.g. {example})",
    # probability
    "percent_signs": "values carry a % sign",
    "percent_mixed": "some values carry a % sign, others do not and are 1 or less (e.g. {example}): percent too?",
    "values_above_1": "values go above 1 (largest {top})",
    "values_within_1": "every value is between 0 and 1 (e.g. {example})",
    "only_0_1": "the only values are 0 and 1: 1 % or 100 %?",
    "scale_user": "chosen by you",
    # amounts
    "amount_unit_header": "the header '{column}' names the unit",
    # stages
    "stages_user": "your order",
    "stages_configured": "already configured",
    "stages_template": "the default stages of {template}, limited to the stages seen",
    "stages_numbered": "the number each stage's name starts with",
    "stages_stage_history": "the stage history of {pairs} deal moves",
    "stages_snapshot_moves": "deals moving between stages in {pairs} cases across earlier snapshots",
    "stages_entry_dates": "the dates deals entered each stage",
    "stages_probabilities": "the probabilities exported with each stage",
    "stages_weak": "only weak signals (where the names stand in known CRMs, which stages hold complete deals, the "
                   "order stages first appear in the file)",
    "stages_single": "one open stage: nothing to order",
    "stages_added": "{n} new stages placed among the configured ones",
    # survey
    "enps_header_values": "{column} asks it, answered up to {top}",
    "enps_few_answers": "{column} asks it, but its {n} answers are all 5 or below: is it 0–10 or a 1–5 question?",
    "enps_likert": "{column} mentions recommending, but its {n} answers are all 1–5: scored as a 1–5 question",
    "enps_wording": "the question's wording",
    "enps_unworded": "{column} is answered 0–10 (up to {top}) though no header names the eNPS question: is it?",
    "enps_zero": "an answer 0 was seen",
    "enps_no_zero": "{n} answers, none below 1",
    "enps_default": "the standard scale",
    "groups_repeat": "values repeat across respondents: {columns}",
    "identifiers_dropped": "dropped, never stored: {columns}",
    # headcount
    "headcount_header": "the header names a number of people",
    "headcount_groups": "people are counted per group of {columns}",
}


STAGE_EVIDENCE = {"user": "stages_user", "configured": "stages_configured", "numbered": "stages_numbered",
                  "stage_history": "stages_stage_history",
                  "snapshot_moves": "stages_snapshot_moves", "entry_dates": "stages_entry_dates",
                  "probabilities": "stages_probabilities", "single_stage": "stages_single",
                  stage_config.ADDED: "stages_added"}


@dataclass(frozen=True)
class Inference:
    """One guess about a file: its topic, what it is about, the choice, why, how sure, and how to override it.

    ``value`` is the choice as plain text (a column header, a date, an order such as ``A > B > C``, a code);
    ``evidence`` a key of EVIDENCE_TEXTS with its ``args``; ``ask`` marks a weak guess that changes numbers: the
    file is not imported until it is answered; ``fix`` is the command-line option that answers it.
    """
    topic: str
    value: str
    evidence: str
    args: dict = field(default_factory=dict)
    confidence: str = HIGH
    subject: str = ""
    ask: bool = False
    fix: str = ""

    def evidence_text(self) -> str:
        """The evidence in English."""
        return EVIDENCE_TEXTS[self.evidence].format(**{k: _plain(v) for k, v in self.args.items()})

    def line(self) -> str:
        """One line for the command line: topic, choice, evidence, confidence, and the option to change it."""
        topic = TOPIC_TEXTS[self.topic].format(subject=FIELD_WORDS.get(self.subject, self.subject))
        value = f"{self.value} " if self.value else ""
        mark = "QUESTION" if self.ask else self.confidence
        fix = f" [{self.fix}]" if self.fix else ""
        return f"{topic}: {value}({self.evidence_text()}; {mark}){fix}"


@dataclass
class ImportPlan:
    """Every inference about one file, in TOPICS order."""
    inferences: list[Inference] = field(default_factory=list)

    def add(self, topic: str, value: object, evidence: str, confidence: str = HIGH, subject: str = "",
            ask: bool = False, fix: str = "", **args) -> Inference:
        inference = Inference(topic, "" if value is None else str(value), evidence, args, confidence, subject, ask,
                              fix)
        self.inferences.append(inference)
        return inference

    def ordered(self) -> list[Inference]:
        return sorted(self.inferences, key=lambda i: TOPICS.index(i.topic))

    def questions(self) -> list[Inference]:
        """The weak guesses that change numbers: to be answered before the file is imported."""
        return [i for i in self.ordered() if i.ask]

    def of(self, topic: str) -> list[Inference]:
        return [i for i in self.ordered() if i.topic == topic]

    def add_stage_decision(self, decision: stage_config.StageDecision, ask: bool = True) -> None:
        """The line for one pipeline's stage order (stage_config.plan_stages): the order, the evidence that decided
        it, and a question when only weak signals ordered a new pipeline."""
        code = STAGE_EVIDENCE.get(decision.source, "stages_weak")
        if decision.source.startswith("template"):
            code = "stages_template"
        template = decision.evidence.get("template") or decision.source.partition(":")[2] or "CRM"
        self.add("stage_order", " > ".join(decision.open_stages), code, decision.confidence,
                 subject=decision.pipeline,
                 ask=ask and decision.confidence == LOW and decision.source != stage_config.ADDED,
                 fix=f'--stages "{decision.pipeline}={">".join(decision.open_stages)}"', template=template,
                 pairs=decision.evidence.get("pairs", 0), n=len(decision.new_stages))

    def refuse_questions(self, file_name: str) -> None:
        """NeedsAnswers when the plan holds questions: each one, and the option that answers it, in one line."""
        questions = self.questions()
        if questions:
            asked = "; ".join(q.line() for q in questions)
            raise NeedsAnswers(named(file_name, f"{len(questions)} guess(es) would change the numbers and need your "
                                                f"answer before anything is imported: {asked}"))

    def lines(self) -> list[str]:
        return [i.line() for i in self.ordered()]

    def to_dict(self) -> list[dict]:
        """The plan as plain values for ``--dry-run --json`` (evidence_text in English beside its code)."""
        return [{**asdict(i), "evidence_text": i.evidence_text()} for i in self.ordered()]


def _plain(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)

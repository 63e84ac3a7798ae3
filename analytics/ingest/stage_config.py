"""The stage configuration of each pipeline: ordered open stages with probabilities, won and lost stages.

``plan_stages`` decides, without writing, the configuration of every pipeline of an imported file that has none,
and where a configured pipeline's new stages go; ``ensure_stages`` stores that inside the import's transaction.
The ``stages`` table holds it (one row per pipeline and stage, with the code of the evidence that placed it);
the user edits it on the Settings page.

A configuration never holds a template stage no deal is in (METRICS.md §3, issue 15): the stages are those
deals are in (a current stage, a "Date entered" date, a stage-history change), those already configured, and
those the user names. Won and lost stages are known by their names ("Closed won", "Gagné", "Perdu"…). The
open stages are ordered by evidence, strongest first (``pipelines.rank_stages``: pairwise votes "A before B",
locked layer by layer), each with its source code and confidence:

- ``user`` (high): the user's own order (``--stages "Pipeline=A>B>C"``);
- ``configured`` (high): the stored order of a pipeline already configured;
- ``template:<crm>`` (high): a known CRM template names both (only the seen stages it names, in its order);
- ``numbered`` (high): every open stage's name starts with its own number ('1 - Qualify', '2. Develop');
- ``stage_history`` (high): a stage-history import shows a deal going from A to B;
- ``snapshot_moves`` (high): a deal of the pipeline open at A in a snapshot is open at B in its next one
  (a deal won or lost in either says nothing);
- ``entry_dates`` (medium): a deal entered A before B ("Date entered" columns), one vote per deal;
- ``probabilities`` (medium): the mean exported probability of A's open deals is lower;
- ``known_names`` (low): A's name stands early in a CRM template and B's late, or is no template's;
- ``completeness`` (low): fewer of A's open deals have a close date and an amount (by 10 points or more);
- ``first_seen`` (low): nothing else orders them; the order of the file.

A decision's ``source`` is the weakest evidence needed to order its neighbouring stages (``decided_by``), and
its confidence that source's; "added on import" when a configured pipeline gets new stages; "single_stage"
(high) when there is nothing to order. The importer asks the user about a low-confidence order. Default
probabilities: the stored ones, else the template's, else the exported means per stage (when they differ),
the others interpolated between neighbours (an even 10-90 % ramp when none is known); won 100 %, lost 0 %.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from analytics.ingest import pipelines
from analytics.store.derived import refresh_stays
from analytics.store.sql import deal_key_sql
from analytics.text import normalise_header

HIGH, MEDIUM, LOW = "high", "medium", "low"
_CONFIDENCE = {"user": HIGH, "configured": HIGH, "numbered": HIGH, "stage_history": HIGH, "snapshot_moves": HIGH,
               "entry_dates": MEDIUM, "probabilities": MEDIUM, "known_names": LOW, "completeness": LOW,
               "first_seen": LOW}
COMPLETENESS_GAP = 0.1   # completeness votes only between stages whose shares differ by more than this
ADDED = "added on import"


@dataclass(frozen=True)
class StageDecision:
    """The configuration planned for one pipeline of an imported file, and why.

    ``open_stages`` in order, ``won`` and ``lost`` stages, ``probabilities`` (stage -> default 0..1, every stage);
    ``source`` the code of the weakest evidence the order needed (module docstring), "added on import" for a
    configured pipeline with new stages; ``confidence`` "high" | "medium" | "low"; ``evidence`` plain values
    saying what was used (template, votes per source, which source ordered how many neighbouring pairs);
    ``unseen_template_stages_dropped`` the matching template's stages no deal is in, left out;
    ``new_stages`` the stages this decision adds to the database (all of them for a new pipeline).
    """
    pipeline: str
    open_stages: list[str]
    won: list[str]
    lost: list[str]
    probabilities: dict[str, float]
    source: str
    confidence: str
    evidence: dict
    unseen_template_stages_dropped: list[str] = field(default_factory=list)
    new_stages: list[str] = field(default_factory=list)

    @property
    def order(self) -> list[str]:
        """Every stage as stored: the open stages in order, then won, then lost."""
        return [*self.open_stages, *self.won, *self.lost]


# --- planning ------------------------------------------------------------------------------------------------

def plan_stages(con: duckdb.DuckDBPyConnection, deals: pd.DataFrame, entered: pd.DataFrame,
                chosen: dict[str, list[str]] | None = None) -> list[StageDecision]:
    """The stage decisions an import of ``deals`` (and its ``entered`` dates) needs, in the file's pipeline order;
    reads only. One per pipeline with no configuration, one per configured pipeline the file brings new stages
    to (or that ``chosen`` orders). ``chosen``: pipeline -> the user's order of its open stages (names matched
    after ``normalise_header``); it wins, and keeps stages no deal is in.

    ``deals`` needs pipeline and stage; deal_id, snapshot_on, status_raw, probability, close_on and amount are
    used when present. The evidence also reads what the database holds for those pipelines (snapshots, entry
    dates, stage history), the rows of this import included when it is stored already (they count once).
    """
    plans = []
    for pipeline, rows in deals.groupby("pipeline", sort=False):
        stored = stage_table(con, pipeline)
        seen = _labels(rows["stage"])
        user = _chosen_for(chosen or {}, pipeline)
        if stored.empty or user is not None or set(seen) - set(stored["stage"]):
            plans.append((pipeline, seen, stored, user))
    return _decide_all(con, deals, entered, plans)


def _decide_all(con: duckdb.DuckDBPyConnection, deals: pd.DataFrame, entered: pd.DataFrame,
                plans: list[tuple]) -> list[StageDecision]:
    """``_decide`` for each (pipeline, seen stages, stored configuration, user's order) of ``plans``."""
    evidence = _Evidence(con, deals, entered, [p for p, *_ in plans])
    try:
        return [_decide(evidence, *plan) for plan in plans]
    finally:
        evidence.close()


def detect_config(pipeline: str, rows: pd.DataFrame, entered: pd.DataFrame) -> pipelines.StageConfig:
    """The configuration one file alone gives a new pipeline (no database: template, entry dates, probabilities,
    names, first seen), as a ``pipelines.StageConfig``."""
    with duckdb.connect() as con:
        evidence = _Evidence(con, rows.assign(pipeline=pipeline), entered.assign(pipeline=pipeline), [pipeline])
        decision = _decide(evidence, pipeline, _labels(rows["stage"]), _EMPTY_TABLE, None)
    return pipelines.StageConfig(pipeline, [(s, decision.probabilities[s]) for s in decision.open_stages],
                                 decision.won, decision.lost, decision.source)


_EMPTY_TABLE = pd.DataFrame(columns=["pipeline", "stage", "position", "probability", "outcome", "source"])
_EMPTY_ENTERED = pd.DataFrame(columns=["deal_id", "pipeline", "stage", "entered_on"])


def _decide(evidence: _Evidence, pipeline: str, seen: list[str], stored: pd.DataFrame,
            user: list[str] | None) -> StageDecision:
    """One pipeline's decision (``stored``: its configuration, empty for a new pipeline)."""
    known = list(stored["stage"])
    if stored.empty:
        for stage in evidence.stages_passed(pipeline):
            seen = seen if _same(stage, seen) else [*seen, stage]
    names = _Names([*known, *seen])
    user = [names.canonical(s) for s in user] if user is not None else None
    new = [s for s in dict.fromkeys([*seen, *(user or [])]) if s not in known]
    _, new_won, new_lost = pipelines.split_outcomes([s for s in new if s not in (user or [])])
    outcome = {**dict(zip(stored["stage"], stored["outcome"], strict=True)), **{s: "won" for s in new_won},
               **{s: "lost" for s in new_lost}, **{s: "open" for s in user or []}}
    every = [*known, *new]
    open_stages = [s for s in every if outcome.get(s, "open") == "open"]
    fit = pipelines.fit_template(every)
    layers, details = _layers(evidence, pipeline, open_stages, names, user,
                              [s for s in known if outcome[s] == "open"], fit)
    ranking = pipelines.rank_stages(open_stages, layers)
    weakest = max(ranking.decided_by, key=[*(code for code, _ in layers), "first_seen"].index, default=None)
    if not stored.empty and user is None:
        source = ADDED
    else:
        source = weakest or ("user" if user is not None else fit.code if fit else "single_stage")
    won, lost = [s for s in every if outcome.get(s) == "won"], [s for s in every if outcome.get(s) == "lost"]
    probabilities = _probabilities(evidence, pipeline, ranking.order, names, stored, fit)
    probabilities |= {s: 1.0 for s in won} | {s: 0.0 for s in lost}
    details.update(stages=len(open_stages), pairs=len(ranking.decided_by), template=fit.template.name if fit else None,
                   decided_by={c: ranking.decided_by.count(c) for c in dict.fromkeys(ranking.decided_by)})
    dropped = [s for s in (fit.dropped if fit else []) if not _same(s, every)]
    return StageDecision(pipeline, ranking.order, won, lost, probabilities, source,
                         _CONFIDENCE.get(weakest, HIGH), details, dropped, new)


def _layers(evidence: _Evidence, pipeline: str, stages: list[str], names: _Names, user: list[str] | None,
            stored_open: list[str], fit: pipelines.TemplateFit | None) -> tuple[list[pipelines.Layer], dict]:
    """The evidence layers of one pipeline, strongest first, and the evidence dict each data layer writes
    what it found into when it is computed (votes per pairwise layer, values per stage)."""
    details: dict = {"votes": {}}

    def pairs(code: str, read):
        def votes() -> pipelines.Votes:
            found = names.votes(read(pipeline))
            details["votes"][code] = int(sum(n for (a, b), n in found.items() if a in stages and b in stages))
            return found
        return code, votes

    def values(code: str, read, gap: float = 0.0):
        def votes() -> pipelines.Votes:
            found = _open_values(read(pipeline), names, stages)
            details[code] = {s: round(v, 4) for s, v in found.items()}
            return pipelines.value_votes(found, gap)
        return code, votes

    layers = [("user", lambda: pipelines.order_votes(user))] if user is not None else []
    if stored_open:
        layers.append(("configured", lambda: pipelines.order_votes(stored_open)))
    if fit is not None:
        layers.append((fit.code, lambda: pipelines.order_votes(fit.order)))
    layers.append(("numbered", lambda: pipelines.number_votes(stages)))
    layers += [pairs("stage_history", evidence.history), pairs("snapshot_moves", evidence.moves),
               pairs("entry_dates", evidence.entries), values("probabilities", evidence.means),
               ("known_names", lambda: pipelines.name_votes(stages)),
               values("completeness", evidence.completeness, COMPLETENESS_GAP)]
    return layers, details


def _open_values(values: dict[str, float], names: _Names, stages: list[str]) -> dict[str, float]:
    """Values per stage label -> per open stage (its canonical spelling); blanks left out."""
    out = {names.canonical(s): float(v) for s, v in values.items() if v is not None and not pd.isna(v)}
    return {s: v for s, v in out.items() if s in stages}


def _probabilities(evidence: _Evidence, pipeline: str, order: list[str], names: _Names, stored: pd.DataFrame,
                   fit) -> dict[str, float]:
    """Default probability of each open stage: stored, else the template's, else the exported mean (when the
    means differ), the others interpolated (``pipelines.fill_probabilities``)."""
    known = {**(fit.probabilities if fit else {}),
             **{s: float(p) for s, p in zip(stored["stage"], stored["probability"], strict=True) if not pd.isna(p)}}
    means = _open_values(evidence.means(pipeline), names, order) if set(order) - set(known) else {}
    if len(set(means.values())) >= 2:
        scale = 100.0 if max(means.values()) > 1 else 1.0
        known = {**{s: min(max(v / scale, 0.0), 1.0) for s, v in means.items()}, **known}
    return pipelines.fill_probabilities(order, {s: p for s, p in known.items() if s in order})


def _labels(stages: pd.Series) -> list[str]:
    """The distinct stage labels of a column, in first-seen order."""
    return list(dict.fromkeys(label for label in map(pipelines.stage_label, stages) if label))


def _same(stage: str, stages: list[str]) -> bool:
    return normalise_header(stage) in {normalise_header(s) for s in stages}


class _Names:
    """The spelling a pipeline's stages are known by: evidence and the user's names are matched to it after
    ``normalise_header`` (the first spelling wins); a name matching none keeps its own."""

    def __init__(self, stages: list[str]):
        self.by_norm: dict[str, str] = {}
        for stage in stages:
            self.by_norm.setdefault(normalise_header(stage), stage)

    def canonical(self, name: str) -> str:
        label = pipelines.stage_label(name)
        return self.by_norm.get(normalise_header(label), label)

    def votes(self, raw: dict[tuple[str, str], float]) -> pipelines.Votes:
        out: pipelines.Votes = {}
        for (a, b), n in raw.items():
            pair = (self.canonical(a), self.canonical(b))
            if pair[0] != pair[1]:
                out[pair] = out.get(pair, 0.0) + n
        return out


def _chosen_for(chosen: dict[str, list[str]], pipeline: str) -> list[str] | None:
    """The user's order for this pipeline: its exact name, else the same name after ``normalise_header``."""
    if pipeline in chosen:
        return chosen[pipeline]
    return next((order for name, order in chosen.items() if normalise_header(name) == normalise_header(pipeline)),
                None)


# --- evidence from the file and the database -----------------------------------------------------------------

_DEALS, _ENTERED = "stage_plan_deals", "stage_plan_entered"


class _Evidence:
    """Pairwise votes and per-stage values of one pipeline at a time, each query run once and only when a
    layer needs it. Rows of the file and of the database are combined as sets, so an import already stored
    counts once. Without the database's tables (``detect_config``), the file alone."""

    def __init__(self, con: duckdb.DuckDBPyConnection, deals: pd.DataFrame, entered: pd.DataFrame,
                 names: list[str]):
        self.con, self.cache = con, {}
        tables = set(con.execute("SELECT table_name FROM duckdb_tables()").df()["table_name"])
        self.stored = {"deal_snapshots", "deal_stage_dates", "deal_stage_history"} <= tables
        self.history_rows = self.stored and con.execute("SELECT count(*) FROM deal_stage_history").fetchall()[0][0] > 0
        con.register(_DEALS, _observations(deals[deals["pipeline"].isin(names)]))
        con.register(_ENTERED, _entries(entered[entered["pipeline"].isin(names)]))

    def close(self) -> None:
        for name in (_DEALS, _ENTERED):
            self.con.unregister(name)

    def _rows(self, pipeline: str, key: str, sql: str) -> pd.DataFrame:
        """The result of ``sql`` (its parameter ``$pipeline``), run once per pipeline."""
        if (key, pipeline) not in self.cache:
            self.cache[(key, pipeline)] = self.con.execute(sql, {"pipeline": pipeline}).df()
        return self.cache[(key, pipeline)]

    def _pairs(self, pipeline: str, key: str, sql: str) -> dict[tuple[str, str], float]:
        rows = self._rows(pipeline, key, sql)
        return {(a, b): float(n) for a, b, n in zip(rows["a"], rows["b"], rows["n"], strict=True)}

    def _union(self, file: str, stored: str, distinct: bool = False) -> str:
        """SQL: the file's rows, and the database's when it has the tables (as a set when ``distinct``)."""
        return f"{file} UNION{'' if distinct else ' ALL'} {stored}" if self.stored else file

    def _obs(self) -> str:
        """SQL: the pipeline's rows, one per deal, snapshot and stage: status, probability, has a close date, has
        an amount."""
        return self._union(
            f"SELECT deal_id, stage, CAST(snapshot_on AS DATE) AS snapshot_on, status_raw, probability, has_close, "
            f"has_amount FROM {_DEALS} WHERE pipeline = $pipeline",
            "SELECT deal_id, stage, snapshot_on, status_raw, probability, close_on IS NOT NULL, amount IS NOT NULL "
            "FROM deal_snapshots WHERE pipeline = $pipeline", distinct=True)

    def _entered(self) -> str:
        """SQL: the pipeline's entry dates (deal_id, stage, entered_on), from the file and the database."""
        return self._union(f"SELECT deal_id, stage, CAST(entered_on AS DATE) AS entered_on FROM {_ENTERED} "
                           "WHERE pipeline = $pipeline",
                           "SELECT deal_id, stage, entered_on FROM deal_stage_dates WHERE pipeline = $pipeline")

    def _history(self) -> str:
        """SQL: the stage-history rows of the pipeline's deals (deal_id as the deals spell it)."""
        deals = self._union(f"SELECT deal_id FROM {_DEALS} WHERE pipeline = $pipeline",
                            "SELECT deal_id FROM deal_snapshots WHERE pipeline = $pipeline")
        return f"""SELECT k.deal_id, h.stage, h.from_stage, h.changed_on, min(h.rowid) AS row
            FROM deal_stage_history h JOIN ({deals}) k ON {deal_key_sql('k.deal_id')} = {deal_key_sql('h.deal_id')}
            GROUP BY ALL"""

    def stages_passed(self, pipeline: str) -> list[str]:
        """Stages the pipeline's deals were in by an entry date or a stage-history change, by first date (then
        name): stages no current deal is in, but deals were."""
        sql = f"SELECT stage, entered_on FROM ({self._entered()})"
        if self.history_rows:
            sql += f" UNION ALL SELECT stage, changed_on FROM ({self._history()})"
        sql = f"SELECT stage FROM ({sql}) GROUP BY stage ORDER BY min(entered_on), stage"
        return list(self._rows(pipeline, "passed", sql)["stage"])

    def entries(self, pipeline: str) -> dict[tuple[str, str], float]:
        """(a, b) -> deals that entered a before b (by their first entry dates, on different days)."""
        sql = f"""WITH e AS (SELECT deal_id, stage, min(entered_on) AS entered_on FROM ({self._entered()})
                             GROUP BY ALL)
            SELECT x.stage AS a, y.stage AS b, count(*) AS n FROM e x
            JOIN e y ON x.deal_id = y.deal_id AND x.entered_on < y.entered_on GROUP BY ALL"""
        return self._pairs(pipeline, "entries", sql)

    def moves(self, pipeline: str) -> dict[tuple[str, str], float]:
        """(a, b) -> times a deal open at a in one snapshot was open at b in its next snapshot of the pipeline."""
        dates = self._union(f"SELECT snapshot_on FROM {_DEALS} WHERE pipeline = $pipeline",
                            "SELECT snapshot_on FROM deal_snapshots WHERE pipeline = $pipeline")
        count = f"SELECT count(DISTINCT snapshot_on) AS n FROM ({dates})"
        if self._rows(pipeline, "snapshots", count)["n"].iloc[0] < 2:   # one snapshot: no move to see
            return {}
        sql = f"""WITH o AS (SELECT DISTINCT deal_id, snapshot_on, stage,
                                    coalesce(status_raw, 'open') IN ('won', 'lost') AS closed FROM ({self._obs()})),
            s AS (SELECT stage AS b, closed, snapshot_on, lag(stage) OVER w AS a, lag(closed) OVER w AS a_closed,
                         lag(snapshot_on) OVER w AS a_on
                  FROM o WINDOW w AS (PARTITION BY deal_id ORDER BY snapshot_on, stage))
            SELECT a, b, count(*) AS n FROM s
            WHERE a_on < snapshot_on AND a <> b AND NOT closed AND NOT a_closed GROUP BY ALL"""
        return self._pairs(pipeline, "moves", sql)

    def history(self, pipeline: str) -> dict[tuple[str, str], float]:
        """(a, b) -> recorded changes from a to b (the change's from-stage, else the deal's stage before it)."""
        if not self.history_rows:
            return {}
        sql = f"""WITH t AS (SELECT stage AS b, coalesce(from_stage, lag(stage) OVER (
                                 PARTITION BY deal_id ORDER BY changed_on, row)) AS a FROM ({self._history()}))
            SELECT a, b, count(*) AS n FROM t WHERE a <> b GROUP BY ALL"""
        return self._pairs(pipeline, "history", sql)

    def _stats(self, pipeline: str) -> pd.DataFrame:
        return self._rows(pipeline, "stats", f"""
            SELECT stage, avg(probability) AS mean_probability,
                   (avg(has_close::INTEGER) + avg(has_amount::INTEGER)) / 2 AS completeness
            FROM ({self._obs()}) WHERE coalesce(status_raw, 'open') NOT IN ('won', 'lost') GROUP BY ALL""")

    def means(self, pipeline: str) -> dict[str, float]:
        """Mean exported probability of each stage over the open deals at it."""
        rows = self._stats(pipeline)
        return dict(zip(rows["stage"], rows["mean_probability"], strict=True))

    def completeness(self, pipeline: str) -> dict[str, float]:
        """Share of the open deals at each stage that have a close date, averaged with the share with an amount."""
        rows = self._stats(pipeline)
        return dict(zip(rows["stage"], rows["completeness"], strict=True))


def _observations(deals: pd.DataFrame) -> pd.DataFrame:
    """The file's deals as evidence rows (the columns of ``_Evidence._obs``); none without deal ids."""
    if "deal_id" not in deals:
        deals = deals.iloc[0:0].assign(deal_id=None)

    def column(name: str, dtype: str) -> pd.Series:
        return deals[name].astype(dtype) if name in deals else pd.Series(pd.NA, index=deals.index, dtype=dtype)

    return pd.DataFrame({
        "deal_id": column("deal_id", "string"), "pipeline": column("pipeline", "string"),
        "stage": deals["stage"].map(pipelines.stage_label).astype("string"),
        "snapshot_on": pd.to_datetime(column("snapshot_on", "object")), "status_raw": column("status_raw", "string"),
        "probability": pd.to_numeric(column("probability", "object")).astype("float64"),
        "has_close": deals["close_on"].notna() if "close_on" in deals else column("close_on", "boolean"),
        "has_amount": deals["amount"].notna() if "amount" in deals else column("amount", "boolean")})


def _entries(entered: pd.DataFrame) -> pd.DataFrame:
    """The file's entry dates: deal_id, pipeline, stage, entered_on (typed even when empty)."""
    return pd.DataFrame({"deal_id": entered["deal_id"].astype("string"),
                         "pipeline": entered["pipeline"].astype("string"),
                         "stage": entered["stage"].astype("string"),
                         "entered_on": pd.to_datetime(entered["entered_on"]).dt.date})


# --- storing -------------------------------------------------------------------------------------------------

def ensure_stages(con: duckdb.DuckDBPyConnection, deals: pd.DataFrame, entered: pd.DataFrame,
                  chosen: dict[str, list[str]] | None = None,
                  decisions: list[StageDecision] | None = None) -> list[StageDecision]:
    """Store what ``plan_stages`` decides, inside the caller's transaction: a new pipeline's configuration; a
    configured pipeline's new stages at their place (stored stages keep their probability, outcome and source);
    for a pipeline in ``chosen``, the user's order of its open stages (source "user"). ``decisions``: those
    ``plan_stages`` already gave for the same deals in the same transaction (not planned again). Returns the
    decisions."""
    if decisions is None:
        decisions = plan_stages(con, deals, entered, chosen)
    for decision in decisions:
        _store(con, decision, _chosen_for(chosen or {}, decision.pipeline) is not None)
    return decisions


def ensure_history_stages(con: duckdb.DuckDBPyConnection, history: pd.DataFrame) -> list[StageDecision]:
    """After a stage-history import (its rows stored, inside its transaction): add to each configured pipeline
    the stages its deals went through that it lacks, placed by evidence (the history first). Returns the
    decisions (source "added on import")."""
    ids = pd.DataFrame({"deal_id": history["deal_id"].astype("string")}).drop_duplicates()
    con.register("stage_plan_history_ids", ids)
    try:
        found = con.execute(f"""
            SELECT d.pipeline, h.stage FROM deal_stage_history h
            JOIN stage_plan_history_ids i ON {deal_key_sql('i.deal_id')} = {deal_key_sql('h.deal_id')}
            JOIN deal_snapshots d ON {deal_key_sql('d.deal_id')} = {deal_key_sql('h.deal_id')}
            WHERE d.pipeline IN (SELECT pipeline FROM stages)
            GROUP BY ALL ORDER BY d.pipeline, min(h.changed_on), h.stage""").df()
    finally:
        con.unregister("stage_plan_history_ids")
    plans = []
    for pipeline, rows in found.groupby("pipeline", sort=True):
        stored = stage_table(con, pipeline)
        new = [s for s in rows["stage"] if not _same(s, list(stored["stage"]))]
        if new:
            plans.append((pipeline, new, stored, None))
    decisions = _decide_all(con, pd.DataFrame(columns=["pipeline", "stage"]), _EMPTY_ENTERED, plans)
    for decision in decisions:
        _store(con, decision, False)
    refresh_stays(con)  # the history's entry dates (and any stage added) change the stored stays
    return decisions


def _store(con: duckdb.DuckDBPyConnection, decision: StageDecision, user_ordered: bool) -> None:
    """Write one decision: open stages in its order, then the stored won/lost stages, then new ones. A stored stage
    keeps its probability and source (its outcome is the decision's); a new one takes the decision's."""
    stored = stage_table(con, decision.pipeline)
    kept = {r.stage: (r.probability, r.source) for r in stored.itertuples(index=False)}
    closed = [s for s in stored["stage"] if s in decision.won + decision.lost]
    ordered = [*decision.open_stages, *closed, *(s for s in decision.won + decision.lost if s not in closed)]
    con.execute("DELETE FROM stages WHERE pipeline = ?", [decision.pipeline])
    for position, stage in enumerate(ordered, start=1):
        outcome = "open" if stage in decision.open_stages else "won" if stage in decision.won else "lost"
        probability, source = kept.get(stage, (decision.probabilities[stage], decision.source))
        con.execute("INSERT INTO stages VALUES (?, ?, ?, ?, ?, ?)",
                    [decision.pipeline, stage, position, None if pd.isna(probability) else float(probability),
                     outcome, "user" if user_ordered and outcome == "open" else source])


def reorder_stages(con: duckdb.DuckDBPyConnection, pipeline: str, order: list[str]) -> list[str]:
    """Put a configured pipeline's open stages in the user's order (``settings stages "P=A>B>C"``), inside the
    caller's transaction; stages keep their probability and outcome, the ones not named keep their place after
    those named. ValueError when the pipeline is not configured or a stage is not one of its open stages.
    Returns the new order of every stage."""
    table = stage_table(con, pipeline)
    if table.empty:
        known = ", ".join(stage_table(con)["pipeline"].drop_duplicates())
        raise ValueError(f'no pipeline "{pipeline}" is configured (pipelines: {known or "none yet"})')
    opened = [s for s, o in zip(table["stage"], table["outcome"], strict=True) if o == "open"]
    named = []
    for stage in order:
        match = next((s for s in opened if normalise_header(s) == normalise_header(stage)), None)
        if match is None:
            raise ValueError(f'"{stage}" is not an open stage of "{pipeline}" (open stages: {", ".join(opened)})')
        named.append(match)
    rows = table.set_index("stage")
    ordered = [*named, *(s for s in opened if s not in named), *(s for s in table["stage"] if s not in opened)]
    save_stage_table(con, pipeline, rows.loc[ordered, ["probability", "outcome"]].reset_index())
    con.execute("UPDATE stages SET source = 'user' WHERE pipeline = ? AND outcome = 'open'", [pipeline])
    return ordered


def parse_stage_orders(texts: list[str]) -> dict[str, list[str]]:
    """The user's stage orders, each "Pipeline=Stage A>Stage B>Stage C" (open stages only, first to last):
    pipeline -> stages. A ValueError with a one-line message on bad syntax, a repeated pipeline or stage, or a
    stage whose name says won or lost."""
    orders: dict[str, list[str]] = {}
    for text in texts:
        pipeline, sep, rest = str(text).partition("=")
        pipeline = " ".join(pipeline.split())
        stages = [pipelines.stage_label(s) for s in rest.split(">")]
        example = 'e.g. "Sales Pipeline=Lead>Demo>Proposal"'
        if not sep or not pipeline or not all(stages):
            raise ValueError(f'stage order "{text}" is not "Pipeline=Stage>Stage>…", {example}')
        if normalise_header(pipeline) in {normalise_header(p) for p in orders}:
            raise ValueError(f'pipeline "{pipeline}" has two stage orders; give one')
        repeated = [s for i, s in enumerate(stages) if _same(s, stages[:i])]
        if repeated:
            raise ValueError(f'stage "{repeated[0]}" appears twice in the order of "{pipeline}"')
        closed = [s for s in stages if pipelines.status_value(s) in ("won", "lost")]
        if closed:
            raise ValueError(f'"{closed[0]}" is a won or lost stage: list only the open stages of "{pipeline}"')
        orders[pipeline] = stages
    return orders


def stage_table(con: duckdb.DuckDBPyConnection, pipeline: str | None = None) -> pd.DataFrame:
    """The stored configuration: one row per (pipeline, stage) in order, with probability and outcome."""
    if pipeline is None:
        return con.execute("SELECT pipeline, stage, position, probability, outcome, source FROM stages "
                           "ORDER BY pipeline, position").df()
    return con.execute("SELECT pipeline, stage, position, probability, outcome, source FROM stages "
                       "WHERE pipeline = ? ORDER BY position", [pipeline]).df()


def save_stage_table(con: duckdb.DuckDBPyConnection, pipeline: str, table: pd.DataFrame) -> None:
    """Replace one pipeline's configuration with the user's edited table (stage, probability, outcome),
    in the table's row order; call inside ``store.transaction``. The stored stays are rebuilt when the order or an
    outcome changed (``derived.refresh_stays``; a probability edit leaves them fresh)."""
    clean = table.dropna(subset=["stage"])
    if clean["stage"].duplicated().any():
        raise ValueError("each stage may appear only once")
    if not set(clean["outcome"]) <= {"open", "won", "lost"}:
        raise ValueError("outcome must be open, won or lost")
    probs = clean["probability"].dropna()
    if ((probs < 0) | (probs > 1)).any():
        raise ValueError("probabilities must be between 0 and 1 (0 % to 100 %)")
    con.execute("DELETE FROM stages WHERE pipeline = ?", [pipeline])
    for position, row in enumerate(clean.itertuples(index=False), start=1):
        prob = None if pd.isna(row.probability) else float(row.probability)
        con.execute("INSERT INTO stages VALUES (?, ?, ?, ?, ?, 'edited')",
                    [pipeline, row.stage, position, prob, row.outcome])
    refresh_stays(con)

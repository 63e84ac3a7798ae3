"""The stage configuration of each pipeline: ordered open stages with probabilities, won and lost stages.

Detected on the first import of a pipeline (METRICS.md §3: known CRM defaults in English and French,
else the order of exported probabilities, else the median order of entry dates, else first-seen
order), stored in the ``stages`` table, and edited by the user on the Settings page.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from analytics.ingest import pipelines


def ensure_stages(con: duckdb.DuckDBPyConnection, deals: pd.DataFrame, entered: pd.DataFrame) -> None:
    """Configure every pipeline of an imported file that has none, and append stages never seen before."""
    for pipeline, rows in deals.groupby("pipeline", sort=False):
        seen = list(dict.fromkeys(rows["stage"]))
        configured = stage_table(con, pipeline)
        if configured.empty:
            _insert_config(con, detect_config(pipeline, rows, entered[entered["pipeline"] == pipeline]))
        else:
            _append_new_stages(con, pipeline, [s for s in seen if s not in set(configured["stage"])], configured)


def detect_config(pipeline: str, rows: pd.DataFrame, entered: pd.DataFrame) -> pipelines.StageConfig:
    """The best guess at a pipeline's stages from one file (known CRM template, else inferred)."""
    seen = list(dict.fromkeys(rows["stage"]))
    known = pipelines.known_stage_config(pipeline, seen)
    if known is not None:
        return known
    probs = rows.dropna(subset=["probability"]).groupby("stage")["probability"].mean().to_dict()
    return pipelines.infer_stage_config(pipeline, seen, probs or None, _median_entry_rank(entered) or None)


def _median_entry_rank(entered: pd.DataFrame) -> dict[str, float]:
    """For each stage, the median rank of its entry date among each deal's entry dates."""
    if entered.empty:
        return {}
    ranks = entered.assign(rank=entered.groupby("deal_id")["entered_on"].rank(method="first"))
    return ranks.groupby("stage")["rank"].median().to_dict()


def stage_table(con: duckdb.DuckDBPyConnection, pipeline: str | None = None) -> pd.DataFrame:
    """The stored configuration: one row per (pipeline, stage) in order, with probability and outcome."""
    if pipeline is None:
        return con.execute("SELECT pipeline, stage, position, probability, outcome, source FROM stages "
                           "ORDER BY pipeline, position").df()
    return con.execute("SELECT pipeline, stage, position, probability, outcome, source FROM stages "
                       "WHERE pipeline = ? ORDER BY position", [pipeline]).df()


def _insert_config(con: duckdb.DuckDBPyConnection, config: pipelines.StageConfig) -> None:
    rows = [(stage, prob, "open") for stage, prob in config.open_stages]
    rows += [(stage, 1.0, "won") for stage in config.won] + [(stage, 0.0, "lost") for stage in config.lost]
    for position, (stage, prob, outcome) in enumerate(rows, start=1):
        con.execute("INSERT INTO stages VALUES (?, ?, ?, ?, ?, ?)",
                    [config.pipeline, stage, position, prob, outcome, config.source])


def _append_new_stages(con: duckdb.DuckDBPyConnection, pipeline: str, new: list[str],
                       configured: pd.DataFrame) -> None:
    """Stages a later export introduced: won/lost by their name, else open at the end of the open stages."""
    if not new:
        return
    guess = pipelines.infer_stage_config(pipeline, new, None, None)
    open_probs = configured.loc[configured["outcome"] == "open", "probability"].dropna()
    default_p = float(open_probs.mean()) if len(open_probs) else 0.5
    position = int(configured["position"].max())
    for stage in new:
        outcome = "won" if stage in guess.won else "lost" if stage in guess.lost else "open"
        prob = {"won": 1.0, "lost": 0.0}.get(outcome, default_p)
        position += 1
        con.execute("INSERT INTO stages VALUES (?, ?, ?, ?, ?, ?)",
                    [pipeline, stage, position, prob, outcome, "added on import"])


def save_stage_table(con: duckdb.DuckDBPyConnection, pipeline: str, table: pd.DataFrame) -> None:
    """Replace one pipeline's configuration with the user's edited table (stage, probability, outcome),
    in the table's row order; call inside ``store.transaction``."""
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

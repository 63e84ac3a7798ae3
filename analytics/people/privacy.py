"""Anonymity that survives arithmetic: which sets of survey responses may be shown (docs/privacy.md).

Every survey number the product shows (pages, downloads, ``report --json``, sales × people) is computed over a
set of responses: a wave (or several waves pooled) × the filters × one group of a breakdown, counting the
responses that answered the measure. ``survey`` asks this module, for every such set, whether it may be shown.

**The rule.** For each wave and each measure — the eNPS question, each pulse question, and "responded" (every
response of the wave, for comments and for the filter values offered) — the wave's answered responses are split
into *blocks* of at least k responses each. A set is shown only when, in every wave it covers, it holds each
block entirely or not at all. Everything shown is then a sum over whole blocks, and so is every difference or sum
of shown numbers (counts, promoters, means x answers, comment lists): no group of fewer than k responses can be
worked out, whatever filters, breakdowns, waves or pooled views one compares.

The measure of a key driver is the responses that answered both the question and eNPS (``driver_measure``):
its correlation and count are computed over them, so they get their own blocks.

**The blocks** of one (wave, measure): all the wave's answered responses form one block (when they are fewer than
k, nothing of the wave is shown). Then the groups are taken one by one — dimensions in the order department,
team, manager, location, tenure, then alphabetical; within a dimension its values largest first (ties by name),
"(not given)" being a value like any other — and a group splits every block it cuts only if every part keeps at
least k responses; otherwise that group is skipped. This gives, among others:

- a group under k is never shown, nor the complement of a filter under k (it would cut a block);
- when one group of a breakdown is hidden, the hidden groups together reach k (the "next smallest sibling");
- a filter combination that cuts across blocks (Alpha + Gamma when Beta has one person, Sales in Paris when
  Sales has 6 people of whom 5 are in Paris) is hidden as a whole, with the reason ``DERIVABLE``;
- a pooled view shows a group only if it is shown in every wave it has answers in.

**Group columns**: a dimension whose distinct values exceed half of its respondents is free text, not a group:
it splits no block (and ``survey_groups_available`` never offers it), so filtering on it shows nothing.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from analytics import store
from analytics.people.responses import (
    GROUP_VALUES_SQL,
    NOT_GIVEN,
    clean_filters,
    dimension_key,
    group_key,
    responses_sql,
)
from analytics.store.sql import Fragment

MIN_THRESHOLD = 3
FEW_RESPONSES = "few_responses"   # the set has fewer than k answered responses (in all, or in a wave it covers)
DERIVABLE = "derivable"           # the set reaches k, but showing it would let a smaller group be worked out
COMMENTS_HIDDEN = "comments_hidden"  # the survey_comments setting hides every comment, phrase and theme
ENPS = "enps"
RESPONDED = "responded"


def question_measure(question: str) -> tuple[str, str]:
    """The measure of one pulse question: the responses that answered it."""
    return ("question", question)


def driver_measure(question: str) -> tuple[str, str]:
    """The measure of one key driver (``drivers``): the responses that answered both the question and eNPS."""
    return ("driver", question)


def anonymity_threshold(con: duckdb.DuckDBPyConnection, k: int | None = None) -> int:
    """The anonymity threshold in force: ``k`` if given, else the setting; never below MIN_THRESHOLD (3)."""
    value = store.get_settings(con)["anonymity_threshold"] if k is None else k
    return max(MIN_THRESHOLD, int(value))


def comment_threshold(con: duckdb.DuckDBPyConnection, k: int | None = None) -> int:
    """The smallest group whose comments are shown: the comment_threshold setting, never below the anonymity one."""
    return max(int(store.get_settings(con)["comment_threshold"]), anonymity_threshold(con, k))


def comments_hidden(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the survey_comments setting hides comments entirely (texts, phrases, themes: pages and JSON)."""
    return store.get_settings(con).get("survey_comments") == "hide"


@dataclass
class Population:
    """Every survey response (one array position each) with its wave, its group per dimension and what it answered.

    ``values[dimension]`` holds each response's group (``NOT_GIVEN`` for a blank); ``answered[measure]`` says
    which responses count for a measure. Blocks are computed on first use and kept for the object's life (one
    metric call).
    """
    wave: np.ndarray
    values: dict[str, np.ndarray]
    answered: dict[object, np.ndarray]
    dimensions: list[str]
    _blocks: dict = field(default_factory=dict, repr=False)

    # --- sets ---------------------------------------------------------------------------------------

    def members(self, filters: dict | None = None, wave: str | None = None, dimension: str | None = None,
                group: str | None = None) -> np.ndarray:
        """Which responses are in the set: the filters (as ``responses.filter_sql``), a wave, a group."""
        inside = np.ones(len(self.wave), dtype=bool)
        for name, chosen in clean_filters(filters).items():
            inside &= np.isin(self._column(name), chosen)
        if wave is not None:
            inside &= self.wave == wave
        if dimension is not None:
            inside &= self._column(dimension) == group
        return inside

    def _column(self, dimension: str) -> np.ndarray:
        column = self.values.get(dimension)
        return np.full(len(self.wave), NOT_GIVEN, dtype=object) if column is None else column

    # --- the rule -----------------------------------------------------------------------------------

    def verdict(self, inside: np.ndarray, measure, k: int) -> str | None:
        """None when the set may be shown for the measure; else why not (FEW_RESPONSES or DERIVABLE)."""
        counted = inside & self._answered(measure)
        if counted.sum() < k:
            return FEW_RESPONSES
        waves = pd.unique(self.wave[counted])
        pieces = [counted & (self.wave == wave) for wave in waves]
        if any(piece.sum() < k for piece in pieces):  # pooled waves: the same few people several times
            return FEW_RESPONSES
        for wave, piece in zip(waves, pieces, strict=True):
            blocks, sizes = self.blocks(wave, measure, k)
            held = np.bincount(blocks[piece], minlength=len(sizes))
            if not np.all((held == 0) | (held == sizes)):
                return DERIVABLE
        return None

    def blocks(self, wave: str, measure, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(block of every response, -1 outside the wave's answered ones; size of each block) — see the module."""
        key = (wave, measure, k)
        if key not in self._blocks:
            self._blocks[key] = self._split(wave, measure, k)
        return self._blocks[key]

    def _split(self, wave: str, measure, k: int) -> tuple[np.ndarray, np.ndarray]:
        counted = np.flatnonzero((self.wave == wave) & self._answered(measure))
        out = np.full(len(self.wave), -1, dtype=np.int64)
        if len(counted) < k:  # no block can be formed: nothing of this wave is shown
            out[counted] = 0
            return out, np.array([len(counted) + k], dtype=np.int64)  # a size no set can match
        block = np.zeros(len(counted), dtype=np.int64)
        for dimension in self.dimensions:
            column = self.values[dimension][counted]
            names, sizes = np.unique(column, return_counts=True)
            for i in sorted(range(len(names)), key=lambda i: (-sizes[i], group_key(str(names[i])))):
                split = block * 2 + (column == names[i])
                parts = np.bincount(split)
                if np.all((parts == 0) | (parts >= k)):
                    block = np.unique(split, return_inverse=True)[1].astype(np.int64)
        out[counted] = block
        return out, np.bincount(block)

    def _answered(self, measure) -> np.ndarray:
        found = self.answered.get(measure)
        return np.zeros(len(self.wave), dtype=bool) if found is None else found

    # --- filter values ------------------------------------------------------------------------------

    def offered(self, k: int) -> dict[str, list[str]]:
        """{dimension: values} a filter may offer: groups shown (all responses) in at least one wave."""
        out: dict[str, list[str]] = {}
        for dimension in self.dimensions:
            names = sorted({str(v) for v in self.values[dimension]}, key=group_key)
            kept = [name for name in names if any(
                self.verdict(self.members(wave=wave, dimension=dimension, group=name), RESPONDED, k) is None
                for wave in pd.unique(self.wave[self.values[dimension] == name]))]
            if kept:
                out[dimension] = kept
        return out


def is_group_dimension(name: str, values: pd.Series) -> bool:
    """A dimension is a group column when its name is not worded as a question (no '?', at most four words)
    and its distinct given values are at most half of the responses giving one (values repeat on average:
    department, team, location), not free text nor one value per person."""
    if "?" in name or len(name.split()) > 4:
        return False
    given = values[values != NOT_GIVEN]
    return not given.empty and given.nunique() * 2 <= len(given)


_KEPT: dict[tuple, Population] = {}
_KEPT_LOCK = threading.Lock()
KEPT_POPULATIONS = 8


def population(con: duckdb.DuckDBPyConnection) -> Population:
    """Every survey response with its wave (per the wave_period setting), groups and answered measures.

    Built once per database file and data version (which changes with every import, deletion and setting) and
    kept for the next metric call: a page asks for it several times per view. It holds data, not anyone's view:
    the filters are applied per call. A read connection (``store.connection_memo``) keeps it for its life without
    asking the data version again."""
    memo = store.connection_memo(con)
    if memo is not None and "survey_population" in memo:
        return memo["survey_population"]
    key = (*con.execute("SELECT path, (SELECT data_version FROM meta), (SELECT count(*) FROM survey_responses), "
                        "(SELECT max(import_id) FROM survey_responses) FROM duckdb_databases() "
                        "WHERE database_name = current_database()").fetchone(),)
    with _KEPT_LOCK:
        found = _KEPT.get(key)
    if found is None or not key[0]:
        found = _build_population(con)
        with _KEPT_LOCK:
            if len(_KEPT) >= KEPT_POPULATIONS:
                _KEPT.pop(next(iter(_KEPT)))
            _KEPT[key] = found
    if memo is not None:
        memo["survey_population"] = found
    return found


def _build_population(con: duckdb.DuckDBPyConnection) -> Population:
    query = Fragment.format("SELECT import_id, response_no, wave, enps IS NOT NULL AS has_enps FROM ({responses}) "
                            "ORDER BY import_id, response_no", responses=responses_sql(con, None))
    frame = con.execute(*query).df()
    index = pd.MultiIndex.from_frame(frame[["import_id", "response_no"]])

    def positions(rows: pd.DataFrame) -> np.ndarray:
        return index.get_indexer(pd.MultiIndex.from_frame(rows[["import_id", "response_no"]]))

    values: dict[str, np.ndarray] = {}
    groups = con.execute(f"SELECT * FROM ({GROUP_VALUES_SQL}) WHERE value IS NOT NULL").df()
    for dimension, rows in groups.groupby("dimension", sort=False):
        column = np.full(len(frame), NOT_GIVEN, dtype=object)
        column[positions(rows)] = rows["value"].to_numpy(dtype=object)
        values[str(dimension)] = column
    dimensions = sorted((d for d, v in values.items() if is_group_dimension(d, pd.Series(v))), key=dimension_key)
    answered: dict[object, np.ndarray] = {ENPS: frame["has_enps"].to_numpy(dtype=bool),
                                          RESPONDED: np.ones(len(frame), dtype=bool)}
    answers = con.execute("SELECT DISTINCT import_id, response_no, question FROM survey_answers").df()
    for question, rows in answers.groupby("question", sort=False):
        mask = np.zeros(len(frame), dtype=bool)
        mask[positions(rows)] = True
        answered[question_measure(str(question))] = mask
        answered[driver_measure(str(question))] = mask & answered[ENPS]
    return Population(frame["wave"].to_numpy(dtype=object), values, answered, dimensions)

"""The metric cache of ``ui.common.fetch`` is bounded (issue 16, page memory at 1M deals): a newer data version
empties it, since entries of an older version can never be used again; entries expire after an hour."""
from __future__ import annotations

import pytest
import streamlit as st

from ui import common

CALLS: list[str] = []


def counted(con, label: str) -> str:
    """An analytics-like function: records each real call (a cache miss)."""
    CALLS.append(label)
    return label.upper()


@pytest.fixture
def versions(db, monkeypatch):
    """The data version ``fetch`` sees, set by the test (no import needed)."""
    current = {"v": 1}
    monkeypatch.setattr(common, "data_version", lambda: current["v"])
    st.cache_data.clear()
    common._latest_versions.clear()
    CALLS.clear()
    yield current
    st.cache_data.clear()
    common._latest_versions.clear()


def test_a_newer_data_version_drops_the_entries_of_the_older_one(versions):
    assert common.fetch(counted, "a") == "A"
    assert common.fetch(counted, "a") == "A"       # cached: 1 real call so far
    assert common.fetch(counted, "b") == "B"       # 2 real calls
    assert CALLS == ["a", "b"]
    versions["v"] = 2                              # an import: version 1 -> 2
    assert common.fetch(counted, "a") == "A"       # new key (version 2): 3 real calls
    versions["v"] = 1
    # Back at version 1 (only possible here, by hand): its "b" entry was dropped when version 2 was fetched,
    # so it is computed again (4 real calls); without the drop it would still be cached (3).
    assert common.fetch(counted, "b") == "B"
    assert CALLS == ["a", "b", "a", "b"]


def test_the_same_version_keeps_every_entry(versions):
    for _ in range(3):
        assert [common.fetch(counted, x) for x in ("a", "b", "c")] == ["A", "B", "C"]
    assert CALLS == ["a", "b", "c"]                # 9 fetches, 3 real calls (one per argument)


"""Shared test fixtures: a fresh database file per test, and clean Streamlit caches."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def db(tmp_path, monkeypatch):
    """Path of an empty database file used by the app and the CLI for this test."""
    path = tmp_path / "pulse.duckdb"
    monkeypatch.setenv("PULSE_DB", str(path))
    return path


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """Caches survive between AppTest instances in one pytest run: start each test clean."""
    yield
    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()

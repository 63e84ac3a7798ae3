"""Shared test fixtures: a fresh database file per test, the sample database built once, clean Streamlit caches."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# Modules whose tests render pages with AppTest or run multi-second imports, crashes and concurrent processes.
SLOW_MODULES = {"test_app_import", "test_auth", "test_crash_concurrency", "test_page_forecast", "test_page_movement",
                "test_page_pipeline", "test_page_priorities", "test_pages_people"}


# The modules that take longest, longest first: they run first, so that no long test starts last and keeps one
# worker busy after the other has finished (pytest-xdist's worksteal hands out the rest, short tests, as it goes).
LONGEST_FIRST = ("test_crash_concurrency", "test_browser", "test_access_control", "test_cron_beside_app",
                 "test_settings_page", "test_privacy_attack", "test_auth", "test_page_forecast", "test_corpus",
                 "test_pages_people", "test_page_pipeline", "test_page_movement", "test_page_priorities",
                 "test_page_settings", "test_page_calls", "test_app_import", "test_money", "test_movement")


def pytest_collection_modifyitems(config, items):
    """Marks: every test under tests/browser is ``browser`` and ``slow``; the SLOW_MODULES tests are ``slow``.
    Order: the LONGEST_FIRST modules first, in that order, each module's tests kept together and in file order
    (a module's fixtures are set up once); then every other module as collected."""
    for item in items:
        path = Path(str(item.fspath))
        if "browser" in path.parts:
            item.add_marker(pytest.mark.browser)
        if "browser" in path.parts or path.stem in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
    rank = {stem: i for i, stem in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(Path(str(item.fspath)).stem, len(rank)))  # stable: file order kept


@pytest.fixture
def db(tmp_path, monkeypatch):
    """Path of an empty database file used by the app and the CLI for this test."""
    path = tmp_path / "pulse.duckdb"
    monkeypatch.setenv("PULSE_DB", str(path))
    return path


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory) -> Path:
    """A database holding the sample data exactly as the app loads it on first run; built once per test process."""
    path = tmp_path_factory.mktemp("sample_template") / "pulse.duckdb"
    from analytics import ingest
    from ui import common

    for sample in common.sample_files():
        ingest.import_file(sample, sample.name, ingest.ImportOptions(is_sample=True), path)
    assert not Path(f"{path}.wal").exists() or Path(f"{path}.wal").stat().st_size == 0
    return path


@pytest.fixture
def sample_db(sample_template, db) -> Path:
    """This test's own copy of the sample database (PULSE_DB points at it): app.py finds it loaded."""
    shutil.copy(sample_template, db)
    os.utime(db)
    return db


@pytest.fixture(autouse=True)
def _english_by_default():
    """A test that switches the language (this thread's) does not leave it to the next test."""
    yield
    from ui.i18n import set_language

    set_language("en")


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """Caches survive between AppTest instances in one pytest run: start each test clean."""
    yield
    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()


def _shown_table(self):
    """AppTest's table ``.value`` as the reader sees it. ui.fmt.table sends numbers, dates and periods as values
    (the browser sorts by them) with each cell's words as the Styler's display values; a test reads the words, as
    before. Columns the table left as they are (flags, lists, a rank, a score bar) keep their values: their display
    values are pandas' default rendering, which the browser does not draw."""
    import pandas as pd
    from streamlit import dataframe_util

    raw = _raw_table_value.fget(self)
    shown = self.proto.arrow_data.styler.display_values
    if not shown:
        return raw
    words = dataframe_util.convert_arrow_bytes_to_pandas_df(shown)
    precision = pd.get_option("styler.format.precision")

    def default(value) -> str:  # pandas Styler's rendering of a cell nobody formatted
        return f"{value:.{precision}f}" if isinstance(value, float) else str(value)

    for column in raw.columns:
        if [default(v) for v in raw[column]] != list(words[column]):
            raw[column] = words[column].to_numpy()
    return raw


from streamlit.testing.v1.element_tree import Dataframe as _AppTestDataframe  # noqa: E402

_raw_table_value = _AppTestDataframe.value
_AppTestDataframe.value = property(_shown_table)

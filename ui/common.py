"""What every page shares: the database, cached calls into analytics/, the sample-data banner, errors.

Pages never open DuckDB themselves: ``fetch(func, ...)`` runs an analytics function on a
short-lived connection and caches its result by the data version, so a new import (from the app
or from a cron CLI import) invalidates every cached metric on the next rerun. Inside ``shared_reads()``
(a page's body) the fetches that miss the cache share one read connection, closed when the block ends.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from functools import partial
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from analytics import ingest, store
from analytics.ingest import stage_config
from analytics.reports import exports
from analytics.store import backup
from analytics.store import settings as settings_mod
from ui import fmt
from ui.i18n import t

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
_sample_lock = threading.Lock()


def db_path() -> Path:
    """The database file the app uses ($PULSE_DB, else data/pulse.duckdb)."""
    return store.db_path()


def data_version() -> int:
    """The current data version (changes with every import, deletion and settings change).

    Opening DuckDB costs tens of milliseconds, and every ``fetch`` needs the version: it is read again only
    when the database file or its write-ahead log changed on disk (every commit changes one of them).
    """
    path = db_path()
    seen = _file_state(path)
    known = _versions.get(str(path))
    if known and known[0] == seen:
        return known[1]
    shared = _shared.get()
    if shared is not None:  # the block's connection (opened again: what it memoised may predate the change)
        shared.close()
        version = store.data_version(shared.connection(str(path)))
        shared.version = version
    else:
        with store.connect(path) as con:
            version = store.data_version(con)
    _versions[str(path)] = (seen, version)
    return version


_versions: dict[str, tuple[tuple, int]] = {}


def _file_state(path: Path) -> tuple:
    """(mtime, size, inode) of the database file and of its write-ahead log: changes with every commit."""
    state = []
    for part in (path, Path(f"{path}.wal")):
        try:
            info = part.stat()
        except OSError:
            state.append(None)
            continue
        state.append((info.st_mtime_ns, info.st_size, info.st_ino))
    return tuple(state)


class _SharedReads:
    """One short-lived read connection for the fetches of one block (a page's script run), opened at the first
    cache miss and closed when the block ends: the file stays free for a cron import between runs, and a page's
    twenty-odd queries pay for one open (and share what the connection memoises: settings, the currency)."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.version: int | None = None
        self._stack: ExitStack | None = None
        self._con = None
        self.ahead: ThreadPoolExecutor | None = None  # ``fetch_ahead``'s thread, started by its first call

    def connection(self, path: str, version: int | None = None):
        """The open connection to ``path`` at this data version (opened, or opened again after a change)."""
        if self._con is not None and (path != self.path or (version is not None and version != self.version)):
            self.close()
        if self._con is None:
            stack = ExitStack()
            self._con = stack.enter_context(store.connect(path))
            self._stack, self.path, self.version = stack, path, version
        return self._con

    def close(self, *exc_info) -> bool:
        """Close the connection; with an error's (type, value, traceback), the store words a file problem."""
        stack, self._stack, self._con = self._stack, None, None
        return bool(stack.__exit__(*(exc_info or (None, None, None)))) if stack is not None else False


_shared: ContextVar[_SharedReads | None] = ContextVar("pulse_shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within the block, ``fetch`` calls that miss the cache share one read connection (closed at the end)."""
    if _shared.get() is not None:  # nested: the outer block owns it
        yield
        return
    shared = _SharedReads()
    token = _shared.set(shared)
    try:
        yield
    finally:
        _shared.reset(token)
        if shared.ahead is not None:
            shared.ahead.shutdown(wait=True)
        shared.close()


def fetch_ahead(func: Callable, *args, **kwargs) -> None:
    """Start ``fetch(func, *args, **kwargs)`` now, on a thread of the ``shared_reads`` block with its own connection,
    for a section drawn later: while the page works on what it shows first (DuckDB's and pandas' work of another
    result, the wording of tables), the second core reads this one. The section's own ``fetch`` then finds it cached,
    or waits for it (Streamlit computes a cached value once); an error is left to that ``fetch``, which computes it
    again and shows it. Outside a block nothing starts (the section fetches it when drawn); the block waits for its
    thread before it ends."""
    shared = _shared.get()
    if shared is None:
        return
    if shared.ahead is None:
        shared.ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pulse_fetch_ahead",  # the script's run
                                          initializer=partial(add_script_run_ctx, None, get_script_run_ctx()))
    shared.ahead.submit(_fetch_quietly, func, args, kwargs)


def _fetch_quietly(func: Callable, args: tuple, kwargs: dict) -> None:
    try:
        fetch(func, *args, **kwargs)
    except Exception:  # noqa: BLE001,S110 - the section's own fetch computes it again and shows the error
        pass


# Bounds of the metric cache (a server runs for days, every session shares it): at 1M deals a cached deal list is
# 10-35 MB (Priorities' ranked open deals 34 MB, Movement's deals 24 MB, slips 12 MB), one per filter combination.
# An entry lives CACHE_TTL_SECONDS at most (filter combinations nobody looks at again go), at most CACHE_ENTRIES
# entries; the entries of an older data version go as soon as a newer one is fetched (``_forget_older_versions``).
CACHE_ENTRIES = 512
CACHE_TTL_SECONDS = 3600


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_SECONDS)
def _cached_call(_func: Callable, name: str, version: int, db: str, args: tuple, kwargs: tuple):
    shared = _shared.get()
    if shared is None:
        with store.connect(db) as con:
            return _func(con, *args, **dict(kwargs))
    con = shared.connection(db, version)
    try:
        return _func(con, *args, **dict(kwargs))
    except BaseException:
        shared.close(*sys.exc_info())  # as ``store.connect`` ends on an error: a file problem is a StoreError
        raise


def fetch(func: Callable, *args, **kwargs):
    """``func(con, *args, **kwargs)`` on the app's database, cached until the data changes."""
    db, version = str(db_path()), data_version()
    _forget_older_versions(db, version)
    return _cached_call(func, f"{func.__module__}.{func.__qualname__}", version, db,
                        args, tuple(sorted(kwargs.items())))


_latest_versions: dict[str, int] = {}  # per database file: the data version of the latest fetch
_latest_lock = threading.Lock()


def _forget_older_versions(db: str, version: int) -> None:
    """When the data changed (an import, a deletion, a settings change), empty the metric cache: its entries are
    keyed by the older version, so no page can use them again, and at 1M deals they hold some 90 MB per version
    that would otherwise stay until ``CACHE_ENTRIES`` newer entries pushed them out."""
    with _latest_lock:
        known = _latest_versions.get(db)
        _latest_versions[db] = version
    if known is not None and known != version:
        _cached_call.clear()


@contextmanager
def connection() -> Iterator:
    """A short-lived read connection to the app's database, for work that is not cached (downloads)."""
    with store.connect(db_path()) as con:
        yield con


def settings() -> dict[str, object]:
    """Every setting's current value."""
    return fetch(store.get_settings)


def comments_hidden_notice() -> bool:
    """True (and says so) when an administrator hid survey comments (setting survey_comments): the page then shows
    no comment, phrase or theme (analytics returns none either)."""
    if settings().get("survey_comments") != "hide":
        return False
    st.info(t("Comments are hidden: an administrator chose to hide survey comments, their phrases and themes "
              "(Settings)."), icon=":material/visibility_off:")
    return True


def fx_rates() -> dict[str, float]:
    """The stored conversion rates (units of the reporting currency per unit of each currency)."""
    return fetch(store.get_fx_rates)


def setting_specs() -> tuple:
    """The catalogue of settings (name, default, bounds, help), in the order the Settings page shows them."""
    return settings_mod.SETTINGS


def save_settings(values: dict[str, object]) -> dict[str, object]:
    """Store settings (all or nothing); ValueError with a user message when one is out of bounds."""
    return write(store.set_settings, values)


def stages_as_percent(table):
    """A stage table with its probabilities as percentages (0.2 -> 20), as the Settings page shows them."""
    return settings_mod.stages_as_percent(table)


def save_stages(pipeline: str, table) -> None:
    """Store one pipeline's stages as a person edited them (stage, probability in percent, outcome), in the
    table's row order; SettingError (nothing stored) when a probability is not from 0 to 100 or an outcome is
    missing."""
    write(stage_config.save_stage_table, pipeline, settings_mod.stages_from_percent(table))


def rates_from_table(table) -> dict[str, float]:
    """The rates a person typed in the Settings page's table (currency, rate); SettingError for a rate without its
    currency, a currency without a valid rate, or a currency listed twice."""
    return settings_mod.rates_from_rows(list(table["currency"]), list(table["rate"]))


def save_currency(code: str, rates: dict[str, float]) -> None:
    """Store the reporting currency and the conversion rates together (all or nothing)."""
    write(lambda con: (store.set_setting(con, "reporting_currency", code), store.set_fx_rates(con, rates)))


def imports():
    """The import history: one row per import (newest first)."""
    return fetch(store.list_imports)


def delete_import(import_id: int) -> None:
    """Delete one import and exactly its rows."""
    write(store.delete_import, import_id)


def backup_download() -> tuple[Callable[[], bytes], str]:
    """(a function returning a consistent copy of the database file, the file name to offer)."""
    return partial(backup.backup_bytes, db_path()), backup.backup_file_name(db_path())


def write(func: Callable, *args, **kwargs):
    """``func(con, *args, **kwargs)`` inside one write transaction (all or nothing)."""
    with store.transaction(db_path()) as con:
        return func(con, *args, **kwargs)


def sample_files() -> list[Path]:
    """The demo exports loaded into an empty database, oldest snapshot first."""
    return sorted(p for p in SAMPLE_DIR.glob("*.csv") if p.is_file())


def import_state() -> ingest.ImportState:
    """The import log's state (imports, sample imports, sample cleared, latest deals snapshot): one small query
    over the import log, cached until the data changes. The start-up path (sample check, sidebar) reads only
    this, never the snapshot rows."""
    return fetch(ingest.import_state)


def latest_snapshot():
    """The date of the newest deals snapshot, or None when no deals were imported (for the sidebar)."""
    return import_state().latest_deals_snapshot


def load_sample_if_empty() -> bool:
    """Import the sample data when the database is empty and the user never cleared it; True if loaded.

    On every rerun this costs a cache look-up (``import_state``, by data version); the database is opened again
    only when it looks empty."""
    state = import_state()
    if state.imports or state.sample_cleared:
        return False
    with _sample_lock:
        with store.connect(db_path()) as con:
            state = ingest.import_state(con)  # again, uncached, under the lock: another session may have loaded it
        if state.imports or state.sample_cleared:
            return False
        for path in sample_files():
            ingest.import_file(path, path.name, ingest.ImportOptions(is_sample=True), db_path())
        return True


def has_sample_data() -> bool:
    """True when sample imports are in the database."""
    return import_state().sample_imports > 0


def clear_sample_data() -> None:
    """Delete every sample import and remember not to load it again."""
    write(store.remove_sample_data)


def sample_banner() -> None:
    """The 'this is sample data' banner with its clear button, when sample data is loaded."""
    if not has_sample_data():
        return
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.info(t("You are looking at sample data (a fictional company). Import your own exports on the Import page."),
              icon=":material/science:")
    if right.button(t("Clear sample data"), key="common_clear_sample", width="stretch"):
        clear_sample_data()
        st.cache_data.clear()
        st.toast(t("Sample data cleared."))
        st.rerun()


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn any error inside the block into a one-line message instead of a traceback."""
    try:
        yield
    except store.StoreError as exc:
        st.error(t("Database problem: {error}", error=fmt.plain(exc)), icon=":material/hourglass:")
    except Exception as exc:  # noqa: BLE001 - a user must never see a traceback
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        st.error(t("Something went wrong: {error}", error=fmt.plain(first)), icon=":material/error:")


# A long list draws its first rows (at a million deals a list holds tens of thousands, worded cell by cell in seconds);
# its downloads hold every row.
SHOWN_ROWS = 500


def shown_head(table):
    """The first SHOWN_ROWS rows of a long list, to draw, with a caption saying how many it holds when there are more
    (the downloads hold them all)."""
    if len(table) > SHOWN_ROWS:
        st.caption(t("The first {n} of {total} rows; the downloads hold them all.",
                     n=fmt.number(SHOWN_ROWS), total=fmt.number(len(table))))
    return table.head(SHOWN_ROWS)


def downloads(frame, stem: str, sheet: str, key: str, more_sheets: dict | None = None) -> None:
    """CSV and Excel download buttons for one table (formulas neutralised; never pass suppressed rows).

    ``frame`` may be a function returning the table (e.g. every row of a list shown truncated). Small
    tables are written at once (cached by content); big ones only when the button is clicked, so a rerun
    never spends seconds writing a workbook nobody asked for. ``more_sheets`` ({name: table}) are added to
    the Excel workbook after ``sheet`` (the CSV holds ``frame`` only).
    """
    left, right, _ = st.columns([1, 1, 3])
    if more_sheets:
        sheets = {sheet: frame, **more_sheets}
        csv_data, xlsx_data = partial(_csv_bytes_of, frame), partial(exports.to_excel_bytes, sheets)
    elif callable(frame) or len(frame) > EAGER_DOWNLOAD_ROWS:
        csv_data, xlsx_data = partial(_csv_bytes_of, frame), partial(_xlsx_bytes_of, frame, sheet)
    else:
        csv_data, xlsx_data = _csv_bytes(frame), _xlsx_bytes(frame, sheet)
    left.download_button(t("Download CSV"), csv_data, f"{stem}.csv", "text/csv",
                         key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    right.download_button(t("Download Excel"), xlsx_data, f"{stem}.xlsx",
                          exports.XLSX_MIME, key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")


EAGER_DOWNLOAD_ROWS = 2_000


@st.cache_data(show_spinner=False, max_entries=64)
def _csv_bytes(frame) -> bytes:
    return exports.to_csv_bytes(frame)


@st.cache_data(show_spinner=False, max_entries=64)
def _xlsx_bytes(frame, sheet: str) -> bytes:
    return exports.to_excel_bytes({sheet: frame})


def _csv_bytes_of(frame) -> bytes:
    return exports.to_csv_bytes(frame() if callable(frame) else frame)


def _xlsx_bytes_of(frame, sheet: str) -> bytes:
    return exports.to_excel_bytes({sheet: frame() if callable(frame) else frame})


def table(shown: fmt.Table, wide: tuple[str, ...] = (), **options):
    """Draw a table worded by ``fmt.table``: full width, no index, its column configs (the columns named in ``wide``,
    sentences, made wide enough to be read whole), and "—" in every cell whose value is unknown (st.dataframe would
    write "None" in a null cell, whatever the Styler's words say)."""
    config = {name: ({**spec, "width": "large"} if name in wide else spec)
              for name, spec in shown.column_config.items()}
    return st.dataframe(shown.frame, hide_index=True, width="stretch", column_config=config,
                        placeholder=fmt.MISSING, **options)


def grid_saves(name: str, message: str) -> int:
    """A settings grid ``name`` (an st.data_editor saved by a button): shows ``message`` once after a save and
    returns how many saves this session made, the suffix of the editor's key — after a save the editor starts again
    from the stored table under a new key (edits replayed on the saved table would misplace rows)."""
    if st.session_state.pop(f"{name}_saved", False):
        st.success(message)
    return st.session_state.get(f"{name}_saves", 0)


def grid_saved(name: str) -> None:
    """Record a save of the grid ``name`` and rerun: the editor restarts from the stored table, the message shows."""
    st.session_state[f"{name}_saves"] = st.session_state.get(f"{name}_saves", 0) + 1
    st.session_state[f"{name}_saved"] = True
    st.rerun()

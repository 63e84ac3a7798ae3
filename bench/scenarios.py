"""The issue-16 scenarios of the benchmark: a year of weekly exports, a messy CSV on the general import path,
and a new browser session on the sample data. ``bench/run.py`` runs them and prints their figures.

Every measured run is a fresh subprocess (``run.run_measured``: wall time and peak RSS from GNU time).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = {"pipeline": "views/sales/pipeline.py", "forecast": "views/sales/forecast.py",
              "movement": "views/sales/movement.py", "priorities": "views/sales/priorities.py"}
HISTORY_PAGES = ("movement", "forecast", "pipeline", "priorities")  # the order
RENEWAL_ORDER = "Renewals=Renewal due>In negotiation"
CHROMIUM = os.environ.get("PULSE_CHROMIUM", "/usr/bin/chromium")


def _python() -> str:
    return sys.executable


def _fresh(db: Path) -> None:
    db.unlink(missing_ok=True)
    Path(f"{db}.wal").unlink(missing_ok=True)


def import_files(run_measured, files: list[Path], db: Path, fresh: bool = True) -> tuple[float, float, str]:
    """One ``python -m analytics import FILE...`` (all files in one process, oldest first)."""
    if fresh:
        _fresh(db)
    # The team answered the importer's one question once (its renewal stages' order), as a person would.
    return run_measured([_python(), "-m", "analytics", "import", "--db", str(db), "--stages", RENEWAL_ORDER,
                         *map(str, files)], env={"PULSE_MAX_FILE_MB": "2000"})


# --- where a CSV import's time goes -----------------------------------------------------------------

def import_parts_worker(path: str, db: str) -> None:
    """Print JSON: the seconds of each part of one import of the clean CSV ``path`` into a new database ``db``, in this
    process, from the SQL path's progress reports: file (reading the bytes, their digest, sniffing and mapping the
    columns), load (DuckDB reads every record), check (the tests that make the file clean), store (the import's own
    rows: snapshot rows, stage dates, attributes, stage settings), derive (the derived tables and the commit)."""
    from analytics import ingest
    from analytics.ingest import stage_config

    _fresh(Path(db))
    marks = {"start": time.perf_counter()}
    options = ingest.ImportOptions(stages=stage_config.parse_stage_orders([RENEWAL_ORDER]))
    ingest.import_file(Path(path), Path(path).name, options, db,
                       progress=lambda stage, rows: marks.setdefault(stage, time.perf_counter()))
    marks["end"] = time.perf_counter()
    names = ("file", "load", "check", "store", "derive")  # what happens before each mark after the first
    if list(marks) != ["start", "reading", "checking", "storing", "summarising", "end"]:
        raise RuntimeError(f"{path} did not take the SQL path (stages reported: {', '.join(marks)})")
    times = list(marks.values())
    print(json.dumps({"parts": {name: b - a for name, a, b in zip(names, times[:-1], times[1:], strict=True)},
                      "writes": write_floor(db)}))


def write_floor(db: str) -> dict:
    """The seconds it takes only to write again what the import stored, nothing computed: a copy of each table
    (``CREATE TABLE … AS SELECT *``), in a transaction rolled back. "own" is the import's own rows (snapshot rows,
    "Date entered" cells, attributes), "derived" the tables kept for the pages (analytics.store.derived); a lower
    bound of any import that stores the same rows."""
    import duckdb

    from analytics.store import derived

    own = ("deal_snapshots", "deal_stage_dates", "deal_attributes")
    seconds = {"own": 0.0, "derived": 0.0}
    con = duckdb.connect(db)
    try:
        con.execute("BEGIN")
        for name in own + derived.DERIVED_TABLES:
            start = time.perf_counter()
            con.execute(f"CREATE TABLE bench_copy_{name} AS SELECT * FROM {name}")
            seconds["own" if name in own else "derived"] += time.perf_counter() - start
        con.execute("ROLLBACK")
    finally:
        con.close()
    return seconds


# --- the sample database (the warm-up of page workers, the browser session) -----------------------

SAMPLE_SCRIPT = ("import sys; from pathlib import Path; from analytics import ingest; "
                 "db = Path(sys.argv[1]); files = sorted(Path(sys.argv[2]).glob('*.csv')); "
                 "[ingest.import_file(p, p.name, ingest.ImportOptions(is_sample=True), db) for p in files]")


def sample_db(run_measured, folder: Path) -> Path:
    """A database holding the sample data, imported as the app does on an empty database."""
    db = folder / "sample.duckdb"
    if not db.exists():
        run_measured([_python(), "-c", SAMPLE_SCRIPT, str(db), str(ROOT / "sample_data")])
    return db


# --- a page's cold first view, in a fresh process ---------------------------------------------------

def cold_page_worker(db: str, page: str, warmup: str) -> None:
    """Print JSON {s, errors}: the first view of ``page`` on ``db`` with every cache cold.

    AppTest renders app.py (router, sidebar, the page) as a browser's rerun would. The process first renders
    the same page on the small ``warmup`` database so that Python imports and first-use costs (a server that is
    already running) are not counted; then it points PULSE_DB at ``db``, clears st.cache_data and times one run:
    what a user sees on the first view after an import."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["PULSE_DB"] = warmup
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    at.run()
    at.switch_page(PAGE_FILES[page]).run()
    os.environ["PULSE_DB"] = db
    st.cache_data.clear()
    at.switch_page(PAGE_FILES[page])
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    problems = [str(e.value)[:200] for e in [*at.exception, *at.error]]
    print(json.dumps({"s": seconds, "errors": problems}))


def cold_page(run_measured, db: Path, page: str, warmup: Path, repeat: int, load) -> dict:
    """The best of ``repeat`` fresh processes' cold first view of ``page`` (seconds, peak MB of the worker)."""
    runs = []
    for _ in range(repeat):
        _, mb, out = run_measured([_python(), str(Path(__file__).parent / "run.py"), "--cold-page", str(db),
                                   page, str(warmup)])
        result = json.loads(out.strip().splitlines()[-1])
        runs.append({**result, "mb": mb, "load": load()})
    return min(runs, key=lambda r: r["s"])


# --- a year of weekly exports ---------------------------------------------------------------------

def history(run_measured, best_of, load, folder: Path, n: int, weeks: int, repeat: int) -> dict:
    """The history scenario: the latest two exports vs all ``weeks`` exports, each sales page's cold first view;
    the latest export imported on top of the ``weeks - 1`` earlier ones vs into a new database."""
    import datagen

    files = datagen.write_history(folder / f"history_{n}_{weeks}", n, weeks)
    warmup = sample_db(run_measured, folder)
    two, earlier, full = folder / "history_2.duckdb", folder / "history_earlier.duckdb", folder / "history_all.duckdb"
    if not two.exists():
        import_files(run_measured, files[-2:], two)
    if not earlier.exists():
        earlier_s, _, _ = import_files(run_measured, files[:-1], earlier)
        print(f"    {weeks - 1} exports imported in {earlier_s:.0f} s", flush=True)

    def weekly():
        _fresh(full)
        shutil.copy(earlier, full)
        return import_files(run_measured, files[-1:], full, fresh=False)

    first = best_of(repeat, lambda: import_files(run_measured, files[-1:], folder / "history_first.duckdb"))
    on_top = best_of(repeat, weekly)
    pages = {}
    for page in HISTORY_PAGES:
        pages[page] = {"two": cold_page(run_measured, two, page, warmup, repeat, load),
                       "all": cold_page(run_measured, full, page, warmup, repeat, load)}
        print(f"    {page}: {pages[page]['two']['s']:.1f} s / {pages[page]['all']['s']:.1f} s", flush=True)
    rows = sum(1 for f in files for _ in open(f, "rb")) - len(files)
    return {"n": n, "weeks": weeks, "rows": rows, "first": first, "weekly": on_top, "pages": pages}


# --- a messy CSV on the general (row-by-row) import path --------------------------------------------

def messy_import(run_measured, best_of, folder: Path, megabytes: int, repeat: int) -> dict:
    """Import a deals CSV of ``megabytes`` MB where every 997th amount is 'TBD' (rejected with its row number, so
    the general path takes it, not fast_csv's SQL path): seconds and peak RSS against the file size."""
    sys.path.insert(0, str(ROOT))
    from tests.corpus import make_corpus

    path = folder / f"messy_{megabytes}" / "deals_2026-11-20.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        make_corpus.big_deals_csv(path, megabytes * 1024 * 1024, tbd_every=997)
    size_mb = path.stat().st_size / 1e6
    result = best_of(repeat, lambda: import_files(run_measured, [path], folder / "messy.duckdb"))
    tiny = path.parent / "deals_2026-11-21.csv"  # the same layout, ten rows: what the process needs anyway
    tiny.write_text("".join(path.open(encoding="utf-8").readlines()[:11]), encoding="utf-8")
    _, baseline_mb, _ = import_files(run_measured, [tiny], folder / "tiny.duckdb")
    return {**result, "file_mb": size_mb, "baseline_mb": baseline_mb}


# --- a new browser session on the sample data --------------------------------------------------------

SETTLED_JS = """() => {
    const busy = document.querySelector('[data-testid="stStatusWidget"]');
    const ready = document.querySelector('[data-testid="stSidebarNav"]')
        && document.querySelector('[data-testid="stMainBlockContainer"] h1');
    const now = Date.now();
    if (busy || !ready) { window.__idleSince = null; return false; }
    window.__idleSince = window.__idleSince || now;
    return now - window.__idleSince > 1500;
}"""


def browser_session(folder: Path, sample: Path) -> dict | None:
    """Seconds until a new browser session settles on "/" (title drawn, the script stopped running; the 1.5 s of
    quiet that proves it are not counted), against a running app on the sample data: the first session after
    the server starts, then a second new session. None when Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    db = folder / "browser.duckdb"
    _fresh(db)
    shutil.copy(sample, db)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PULSE_DB": str(db), "PYTHONPATH": str(ROOT)}
    with open(folder / "streamlit.log", "w") as log:
        server = subprocess.Popen(
            [_python(), "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(url)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--headless", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync"])
                times = [_settle(browser, url) for _ in range(3)]
                browser.close()
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
    return {"first": times[0], "next": min(times[1:])}


def _wait_healthy(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not start")


def _settle(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    start = time.time() * 1000
    page.goto(url)
    page.wait_for_function(SETTLED_JS, timeout=180_000, polling=100)
    settled = page.evaluate("() => window.__idleSince")
    context.close()
    return (settled - start) / 1000

"""Real-browser tests: Debian's Chromium driven by Playwright against `streamlit run` on a free port.

Never downloads a browser. Without /usr/bin/chromium the tests are skipped with one line saying why,
unless PULSE_REQUIRE_BROWSER=1 (set by .ci/run in CI), where a missing browser is a failure.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PULSE_CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "test-output" / "screenshots"


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"browser tests skipped: {CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests skipped: the playwright package is not installed"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _browser_missing()
    if reason is None:
        return
    if os.environ.get("PULSE_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(reason.replace("skipped", "required in CI but cannot run"))
    marker = pytest.mark.skip(reason=reason)
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(marker)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `streamlit run app.py` on localhost with its own database file."""

    def __init__(self, db: Path, env: dict[str, str] | None = None):
        """``env``: extra environment variables for the app (e.g. ``PULSE_USERS``)."""
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PULSE_DB": str(db), "PYTHONPATH": str(ROOT), **(env or {})}
        self.log = open(db.parent / "streamlit.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def server(tmp_path):
    """A freshly started app on an empty database (it loads the sample data on first visit)."""
    running = Server(tmp_path / "pulse.duckdb")
    yield running
    running.stop()


@pytest.fixture
def loaded_server(tmp_path, sample_template):
    """A freshly started app on its own copy of the sample database (``sample_template``: the sample imported as the
    app imports it on a first visit, once per test process), for tests that change the data but are not about
    the first visit: the app's own sample load is not paid again."""
    db = tmp_path / "pulse.duckdb"
    shutil.copy(sample_template, db)
    running = Server(db)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory):
    """One app for every test (of every module, on this worker) that only looks (no import, no setting saved):
    a server start and the sample load are paid once. Tests that change the data take ``server``, their own."""
    running = Server(tmp_path_factory.mktemp("shared") / "pulse.duckdb")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    tab = context.new_page()
    yield tab
    context.close()


def wait_ready(page, timeout: float = 120_000) -> None:
    """Wait until Streamlit has drawn the page title and stopped running the script for a moment."""
    page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=timeout)
    page.wait_for_function(
        """() => {
            const busy = document.querySelector('[data-testid="stStatusWidget"]');
            const now = Date.now();
            if (busy) { window.__pulseIdleSince = null; return false; }
            window.__pulseIdleSince = window.__pulseIdleSince || now;
            return now - window.__pulseIdleSince > 1500;
        }""", timeout=timeout, polling=250)


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save the page under test-output/screenshots; ``full_page=False`` keeps the visible part only (cheaper)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def assert_no_error(page) -> None:
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Page not found" not in body

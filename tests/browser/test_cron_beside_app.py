"""The weekly cron import beside the running app (issue 8): `python -m analytics import` on the database the app
has open in a browser succeeds, and the next rerun shows the new snapshot without a restart.

The app holds no DuckDB connection between reruns (store.py: short-lived connections), so an idle app never
makes the import wait; reruns during the import wait for it (PULSE_LOCK_TIMEOUT) instead of failing.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import duckdb
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from analytics import store
from tests.browser.conftest import ROOT, assert_no_error, screenshot, wait_ready


def latest_snapshot(page) -> str:
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    return re.search(r"Latest snapshot: (.+)", sidebar).group(1).strip()


def assert_released_when_idle(db, free_for: float = 3.0, timeout: float = 60.0) -> None:
    """Once the app finishes its rerun, nothing holds the database file: it stays free for ``free_for`` s."""
    deadline = time.monotonic() + timeout
    free_since = None
    while time.monotonic() < deadline:
        try:
            duckdb.connect(str(db)).close()
            free_since = free_since or time.monotonic()
            if time.monotonic() - free_since >= free_for:
                return
        except duckdb.IOException:
            free_since = None
        time.sleep(0.1)
    raise AssertionError(f"the app kept the database file open for {timeout:.0f} s while idle")


def next_weekly_export(tmp_path):
    """The sample's last export a week later, with one new deal (so its content is new)."""
    last = (ROOT / "sample_data" / "deals_2026-11-27.csv").read_text(encoding="utf-8")
    header = last.splitlines()[0]
    columns = header.count(",") + 1 - header.count('""') // 2
    row = "CRON-1,Cron deal,Sales Pipeline,contractsent,777000,EUR,2027-01-29,2026-11-30 09:00" + "," * (columns - 8)
    path = tmp_path / "deals_2026-12-04.csv"
    path.write_text(last.rstrip("\n") + "\n" + row + "\n", encoding="utf-8")
    return path


def test_cron_import_while_the_app_is_open(loaded_server, page, tmp_path):
    server = loaded_server  # the sample already loaded: this test is not about the first visit
    page.goto(server.url)
    wait_ready(page)
    assert_no_error(page)
    before = latest_snapshot(page)
    assert before == "Nov 27, 2026"

    assert_released_when_idle(server.db)

    export = next_weekly_export(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PULSE_DB": str(server.db), "PULSE_LOCK_TIMEOUT": "120"}
    started = time.monotonic()
    # The first real import replaces the sample (and its stage settings): the Renewals order is asked again.
    cron = subprocess.Popen([sys.executable, "-m", "analytics", "import", str(export),
                             "--stages", "Renewals=Renewal due>In negotiation"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reruns = 0
    while cron.poll() is None and reruns < 5:  # people keep using the app meanwhile
        page.reload()
        wait_ready(page)
        assert_no_error(page)
        reruns += 1
    out, err = cron.communicate(timeout=300)
    seconds = time.monotonic() - started
    print(f"\ncron import beside the app: {seconds:.1f} s, {reruns} browser reruns meanwhile")
    assert cron.returncode == 0, err
    assert "deals_2026-12-04.csv: imported" in out and "Traceback" not in err

    # a rerun of the same session (no reload, no restart); a key pressed while a rerun is still drawing can be
    # swallowed on a loaded machine, so press again until the sidebar shows the new date (at most a minute)
    for _ in range(6):
        wait_ready(page)
        page.keyboard.press("r")
        try:
            page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]').innerText"
                                   ".includes('Latest snapshot: Dec 4, 2026')", timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
    wait_ready(page)
    assert_no_error(page)
    assert latest_snapshot(page) == "Dec 4, 2026"
    screenshot(page, "cron_beside_app")


def test_backup_download_from_the_settings_page(shared_server, page, tmp_path):
    """Only looks (a download), so it shares the app of the other read-only tests."""
    server = shared_server
    page.goto(f"{server.url}/settings")
    wait_ready(page)
    assert_no_error(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name=re.compile("Download database backup")).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert re.fullmatch(r"pulse-\d{4}-\d{2}-\d{2}-\d{4}\.duckdb", saved.name)
    con = duckdb.connect(str(saved), read_only=True)
    try:
        copied = con.execute("SELECT count(*), count(*) FILTER (WHERE is_sample) FROM imports").fetchone()
    finally:
        con.close()
    with store.connect(server.db) as live:  # waits while the app renders
        assert copied == live.execute("SELECT count(*), count(*) FILTER (WHERE is_sample) FROM imports").fetchone()
    assert copied[0] >= 6  # the sample data the app loaded on its first visit


def test_hostile_file_name_and_cells_show_as_text_on_the_import_page(shared_server, page, tmp_path):
    """HTML and Markdown in an uploaded file's name, headers and cells never become markup in the page. The file is
    only previewed (never imported), so the test shares the app of the other read-only tests."""
    server = shared_server
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hostile = "<img src=x onerror=window.__pulse_xss=1> **bold** [x](javascript:alert(1)).csv"
    upload = tmp_path / hostile
    upload.write_bytes((ROOT / "tests" / "corpus" / "files" / "hostile_values.csv").read_bytes())
    page.goto(f"{server.url}/import")
    wait_ready(page)
    page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(upload))
    page.get_by_text("Rows to import").first.wait_for(timeout=60_000)
    wait_ready(page)
    assert_no_error(page)
    main = page.locator('[data-testid="stMainBlockContainer"]')
    assert hostile in main.inner_text()  # shown as typed
    assert main.locator("img[src='x'], a[href^='javascript'], strong:text-is('bold')").count() == 0
    assert page.evaluate("window.__pulse_xss") is None and not dialogs
    screenshot(page, "import_hostile_name")

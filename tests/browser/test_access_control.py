"""In a real browser, a user with only the `sales` role gets no survey data: not by deep link (/engagement,
/pulse, /one-on-ones), not by query parameter, not by a download URL; the navigation has no People pages.

The app runs with a users file (PULSE_USERS, bcrypt cost 4) holding one sales user and one hr user.
"""
from __future__ import annotations

import io
import shutil
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.browser.conftest import Server, screenshot, wait_ready
from ui import auth

USERS = {"sam": ("sales-pass", "sales"), "helen": ("hr-pass", "hr")}
PEOPLE_URLS = ("engagement", "pulse", "one-on-ones")
PEOPLE_TITLES = ("Engagement", "Pulse survey", "1:1 meetings", "People")
SURVEY_WORDS = ("eNPS", "Promoters", "Detractors", "Passives", "Response rate", "Pulse survey")


@pytest.fixture(scope="module")
def users_server(tmp_path_factory, sample_template):
    """The app with access control on: a users file named by PULSE_USERS, on a copy of the sample database. One
    for the module: its tests only look (each in its own browser context, so its own session and sign-in), none
    imports or saves anything."""
    tmp_path = tmp_path_factory.mktemp("users_server")
    shutil.copy(sample_template, tmp_path / "pulse.duckdb")
    path = tmp_path / "users.toml"
    path.write_text("".join(f'[users.{name}]\npassword_hash = "{auth.hash_password(pw, rounds=4)}"\n'
                            f'roles = ["{role}"]\n\n' for name, (pw, role) in USERS.items()), encoding="utf-8")
    running = Server(tmp_path / "pulse.duckdb", env={"PULSE_USERS": str(path)})
    yield running
    running.stop()


def sign_in(page, url: str, name: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="User name").wait_for(timeout=120_000)
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(USERS[name][0])
    page.get_by_role("button", name="Sign in").click()
    wait_ready(page)


def no_survey_data(page) -> None:
    body = page.inner_text("body")
    assert "Traceback" not in body and page.locator('[data-testid="stException"]').count() == 0
    assert not [w for w in SURVEY_WORDS if w in body], f"survey content reached a sales session: {page.url}"
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert not [t for t in PEOPLE_TITLES if t in nav], nav
    assert "Pipeline" in nav


def downloaded_text(path) -> bytes:
    """A downloaded file's bytes; for an Excel file (a zip), its members' bytes joined."""
    data = Path(path).read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(n) for n in archive.namelist())


def navigate_in_session(page, path: str) -> None:
    """Change the URL inside the running session (as the browser's back/forward would), then wait."""
    page.evaluate("p => { history.pushState({}, '', p); window.dispatchEvent(new PopStateEvent('popstate')); }",
                  path)
    page.wait_for_timeout(500)
    wait_ready(page)


def test_a_sales_user_reaches_no_survey_data(users_server, page):
    base = users_server.url
    # 1. a deep link before signing in: the sign-in form, then the sales start page
    sign_in(page, f"{base}/engagement", "sam")
    page.get_by_text("Open pipeline").first.wait_for(timeout=120_000)
    wait_ready(page)
    no_survey_data(page)
    screenshot(page, "sales_user_start")
    # 2. deep links and query parameters inside the signed-in session
    for path in (*[f"/{u}" for u in PEOPLE_URLS], "/?page=engagement", "/engagement?lang=en",
                 "/pulse?wave=1&department=Sales", "/?page=one-on-ones&tab=people"):
        navigate_in_session(page, path)
        no_survey_data(page)
    # 3. a full page load of each People URL (a new session) asks to sign in again, and shows nothing else
    for url in PEOPLE_URLS:
        page.goto(f"{base}/{url}")
        page.get_by_role("textbox", name="User name").wait_for(timeout=120_000)
        body = page.inner_text("body")
        assert not [w for w in SURVEY_WORDS if w in body]


def test_download_urls_give_a_sales_user_no_survey_data(users_server, page):
    """Downloads are served from /media/<hash> to whoever holds the URL: a sales session's own pages never
    produce a survey file, and guessed URLs give nothing."""
    base = users_server.url
    sign_in(page, base, "sam")
    page.get_by_text("Open pipeline").first.wait_for(timeout=120_000)
    wait_ready(page)
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    for guess in ("/media/engagement.csv", "/media/survey.xlsx", "/engagement.csv", "/engagement?download=csv",
                  "/app/static/engagement.csv", *[h for h in hrefs if h.startswith(base)]):
        url = guess if guess.startswith("http") else base + guess
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            assert exc.code in (403, 404), (url, exc.code)
            continue
        assert not [w for w in SURVEY_WORDS if w in body], url
    # the table downloads the start page offers hold deals, never survey columns
    buttons = page.locator('[data-testid="stDownloadButton"] button', has_text="Download CSV")
    buttons.first.wait_for(timeout=120_000)  # the tables further down the page render after the KPIs
    count = buttons.count()
    assert count  # the Pipeline page offers its exports
    for i in range(count):
        button = page.locator('[data-testid="stDownloadButton"] button', has_text="Download CSV").nth(i)
        if not button.is_visible():
            continue
        with page.expect_download(timeout=60_000) as info:
            button.click()
        wait_ready(page)
        content = downloaded_text(info.value.path())
        for word in ("eNPS", "enps", "Promoters", "promoters", "Detractors", "detractors"):
            assert word.encode() not in content, info.value.suggested_filename
        assert content, info.value.suggested_filename


def test_the_same_navigation_shows_survey_data_to_an_hr_user(users_server, page):
    """The control: the in-session navigation used above does reach the People pages for the hr role."""
    sign_in(page, users_server.url, "helen")
    page.get_by_text("eNPS").first.wait_for(timeout=120_000)  # the hr start page: Engagement
    navigate_in_session(page, "/pulse")
    assert "Pulse" in page.locator('[data-testid="stMainBlockContainer"] h1').first.inner_text()
    assert page.url.split("?")[0].endswith("/pulse")
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Engagement" in nav and "Pipeline" not in nav

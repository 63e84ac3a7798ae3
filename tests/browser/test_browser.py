"""What a person sees in a real browser: first visit, deep links, every page, upload, language."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_no_error, screenshot, wait_ready

PAGES = {"pipeline": "", "movement": "movement", "forecast": "forecast", "priorities": "priorities",
         "engagement": "engagement", "pulse": "pulse", "one_on_ones": "one-on-ones",
         "import": "import", "settings": "settings"}
DEALS = ("Record ID,Deal Name,Pipeline,Deal Stage,Amount,Create Date,Close Date,Deal owner\n"
         "BR-1,Browser deal,Sales Pipeline,contractsent,900000,2026-11-01,2026-12-20,Zoe Browser\n")


def kpi(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]', has_text=label).first
    tile.wait_for(timeout=120_000)
    return tile.locator('[data-testid="stMetricValue"]').inner_text()


def test_first_visit_shows_the_sample_dashboard(shared_server, page):
    page.goto(shared_server.url)
    wait_ready(page)
    page.get_by_text("Open pipeline").first.wait_for(timeout=120_000)
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=120_000)
    wait_ready(page)
    assert_no_error(page)
    body = page.inner_text("body")
    assert "sample data" in body and "Open pipeline" in body
    # the charts arrive one by one while the first run finishes: wait for three, then count
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length >= 3",
                           timeout=120_000)
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 3
    screenshot(page, "dashboard")


@pytest.mark.parametrize("name", ["engagement", "one_on_ones"])
def test_deep_link_on_a_fresh_server(server, page, name):
    page.goto(f"{server.url}/{PAGES[name]}")
    wait_ready(page)
    assert_no_error(page)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "app" not in nav.lower().split() and "Pipeline" in nav  # only the navigation built in app.py


@pytest.mark.parametrize("lang", ["en", "fr"])  # two tests, so that two workers can take them at once
def test_every_page_renders_its_charts(shared_server, page, lang):
    outside = []  # the app promises to work with no network: the browser fetches nothing from elsewhere
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith((shared_server.url, "data:", "blob:", "about:")) else None)
    suffix, query = ("_fr", "?lang=fr") if lang == "fr" else ("", "")  # French: a new session per page, ?lang=fr
    page.goto(shared_server.url + query)
    wait_ready(page)
    for name, path in PAGES.items():
        page.goto(f"{shared_server.url}/{path}{query}")
        wait_ready(page)
        assert_no_error(page)
        if name not in ("import", "settings"):
            page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=60_000)
        if lang == "fr":
            assert "Paramètres" in page.locator('[data-testid="stSidebarNav"]').inner_text()
        screenshot(page, f"page_{name}{suffix}", full_page=lang == "en")  # French: the visible part is enough
    assert outside == []


def test_uploading_a_file_changes_the_kpis(loaded_server, page, tmp_path):
    server = loaded_server  # the sample already loaded: this test is not about the first visit
    page.goto(server.url)
    wait_ready(page)
    before = kpi(page, "Open pipeline")
    upload = tmp_path / "deals_2026-11-28.csv"
    upload.write_text(DEALS)
    page.goto(f"{server.url}/import")
    wait_ready(page)
    page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(upload))
    page.get_by_role("button", name=re.compile("Import deals_2026-11-28.csv")).click(timeout=60_000)
    page.get_by_text("imported 1 rows", exact=False).first.wait_for(timeout=60_000)
    screenshot(page, "import_done")
    page.goto(server.url)
    wait_ready(page)
    assert kpi(page, "Open pipeline") != before


def test_switching_the_language_changes_the_labels(shared_server, page):
    page.goto(shared_server.url)
    wait_ready(page)
    kpi(page, "Open pipeline")
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Français").click()
    kpi(page, "Pipeline ouvert")
    page.wait_for_function("() => location.search.includes('lang=fr')", timeout=60_000)
    page.wait_for_function("() => !document.body.innerText.includes('Open pipeline')", timeout=60_000)
    wait_ready(page)
    body = page.inner_text("body")
    assert "Pipeline ouvert" in body and "Entonnoir" in body
    assert "Open pipeline" not in body
    assert "lang=fr" in page.url
    screenshot(page, "dashboard_fr")


def test_a_what_if_slider_updates_the_forecast(shared_server, page):
    page.goto(f"{shared_server.url}/forecast")
    wait_ready(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=120_000)
    main = page.locator('[data-testid="stMainBlockContainer"]')
    before = main.inner_text()
    thumb = page.locator('[data-testid="stSlider"]').first.locator('[aria-valuenow], [tabindex="0"]').first
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowRight")
    page.wait_for_function("(before) => document.querySelector('[data-testid=\"stMainBlockContainer\"]')"
                           ".innerText !== before", arg=before, timeout=60_000)
    wait_ready(page)
    assert_no_error(page)
    assert main.inner_text() != before
    screenshot(page, "what_if_moved")


def test_choosing_a_hygiene_tab_shows_its_list(shared_server, page):
    """The hygiene lists draw the open tab's list alone: the stale deals first; choosing "Past due" draws that list
    (a fragment rerun) in place of it. Read from the grid's accessible copy (its canvas draws the cells): the first
    row's deal id, against the analytics' lists."""
    from analytics import store
    from analytics.sales import inventory

    def first_deal_is(deal_id: str) -> str:
        return ("() => [...document.querySelectorAll('[role=tabpanel] [data-testid=glide-cell-0-0]')]"
                f".some(c => c.textContent === {deal_id!r})")

    page.goto(shared_server.url)
    wait_ready(page)
    with store.connect(shared_server.db) as con:
        lists = inventory.hygiene(con)
    stale, past_due = lists["stale"]["deal_id"].iloc[0], lists["past_due"]["deal_id"].iloc[0]
    assert stale != past_due
    page.locator('[role=tabpanel] [data-testid="stDataFrame"]').first.scroll_into_view_if_needed()
    page.wait_for_function(first_deal_is(stale), timeout=60_000)
    tab = page.get_by_role("tab", name=re.compile(r"^Past due \("))
    tab.click()
    page.wait_for_function(first_deal_is(past_due), timeout=60_000)
    wait_ready(page)
    assert_no_error(page)
    assert tab.get_attribute("aria-selected") == "true"
    assert page.locator('[role=tabpanel] [data-testid="stDataFrame"]').count() == 1
    assert not page.evaluate(first_deal_is(stale))

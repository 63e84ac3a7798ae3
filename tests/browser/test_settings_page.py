"""What a person typing into the Settings page's stage grid gets: the grid itself never clips a probability, and a
percentage is a text cell worded by ui.fmt (typed "20", shown back as "20%").

AppTest cannot see this: the grid's own bounds live in the browser (a 0–1 column clipped a typed 20 to 100 %).
"""
from __future__ import annotations

import time

import duckdb

from tests.browser.conftest import assert_no_error, screenshot, wait_ready

ROW_HEIGHT = 35  # the data grid's default row (and header) height, in pixels


def type_probability(page, row: int, text: str) -> None:
    """Click the first cell of ``row`` (0 = first stage), move right to its Probability, open its editor, type
    ``text`` and leave the cell; again (up to three times) until the grid holds it, since under load the editor
    may open after the keys were typed. Each new try starts from the page reloaded: a try whose keys landed in another
    cell (the Order, under load) must not be saved with the next one."""
    for attempt in range(3):
        if attempt:
            page.reload()
            wait_ready(page)
        box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
        page.mouse.click(box["x"] + 20, box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2)
        for _ in range(2):  # Order -> Stage -> Probability
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")  # opens the cell's editor
        time.sleep(0.5 * (attempt + 1))
        page.keyboard.press("Control+A")
        page.keyboard.type(text, delay=50)
        page.keyboard.press("Enter")
        time.sleep(1.0 * (attempt + 1))
        if cell(page, 2, row) == text:
            return


def cell(page, column: int, row: int) -> str:
    """The value the grid holds in one cell (its accessible copy of the canvas)."""
    return page.get_by_test_id(f"glide-cell-{column}-{row}").first.text_content()


def stored(db) -> list[float]:
    """The stored probabilities; the app holds the file for the moment of a query, so wait for it (at most 30 s)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with duckdb.connect(str(db), read_only=True) as con:
                return [p for (p,) in con.execute("SELECT probability FROM stages WHERE pipeline = 'Renewals' "
                                                  "ORDER BY position").fetchall()]
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_probability_typed_in_the_grid_is_a_percentage_and_150_is_refused_not_clipped(loaded_server, page):
    server = loaded_server  # the sample already loaded: this test is not about the first visit
    page.goto(f"{server.url}/settings")
    wait_ready(page)
    before = stored(server.db)  # the first pipeline offered: Renewals (Renewal due 10 %, In negotiation 90 %…)
    assert cell(page, 2, 0) == "10%" and before[0] == 0.1  # a text cell worded by ui.fmt (French: "10 %")

    type_probability(page, 0, "150")
    page.get_by_role("button", name="Save stages").click()
    page.get_by_text("Stage Renewal due: enter a probability from 0 to 100 % (you entered 150).").wait_for(
        timeout=60_000)
    assert stored(server.db) == before  # refused whole: nothing clipped to 100 %, nothing stored

    page.goto(f"{server.url}/settings")
    wait_ready(page)
    type_probability(page, 0, "20")
    page.get_by_role("button", name="Save stages").click()
    page.get_by_text("Stages saved.").wait_for(timeout=60_000)
    wait_ready(page)
    assert stored(server.db)[0] == 0.2
    assert cell(page, 2, 0) == "20%"  # the grid starts again from the stored 0.2, worded
    assert_no_error(page)
    screenshot(page, "settings_stages")

"""Clicking a table's header sorts by the values, not by their words (ui.fmt.table): AppTest cannot click a header.

The grid's accessible copy (glide-cell-COLUMN-ROW) holds each cell's value; the canvas draws its words (38,5 in
French; see the screenshot table_sorted_fr).
"""
from __future__ import annotations

import time

from tests.browser.conftest import assert_no_error, screenshot, wait_ready

MEDIAN = 5  # the cadence table: Manager, Employee, Last 1:1, Days since, Meetings, Median interval (days), Overdue


def column(page, index: int, rows: int = 8) -> list[str]:
    return [page.get_by_test_id(f"glide-cell-{index}-{row}").first.text_content() for row in range(rows)]


def settled(page, before: list[str], wait: float = 1.0) -> None:
    """Wait until a click has reordered the column (a click on another header reorders it too), or ``wait`` seconds
    when it does not (a click between two headers, or on a column already in that order)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and column(page, MEDIAN) == before:
        time.sleep(0.1)


def sorted_descending(values: list[str]) -> bool:
    """46.5, 42, 38.5, 36…: sorted by number, largest first (as text the worded "7" would come first, "7" > "46,5").
    Blank cells (no second 1:1, no interval) are left aside; several distinct values, so that another column's
    order cannot pass."""
    try:
        found = [float(v) for v in values if v]
    except ValueError:
        return False
    return len(found) >= 5 and found == sorted(found, reverse=True) and found[0] >= 10 and len(set(found)) > 1


def test_a_header_click_sorts_the_median_interval_as_numbers_in_french(server, page):
    page.goto(f"{server.url}/one-on-ones?lang=fr")
    wait_ready(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    assert not sorted_descending(column(page, MEDIAN))  # first shown in the page's own order
    box = grid.bounding_box()
    # the header row is drawn on a canvas: click along it; clicks on a header sort it ascending, then descending
    for x in range(30, int(box["width"]), 45):
        before = column(page, MEDIAN)
        page.mouse.click(box["x"] + x, box["y"] + 17)
        settled(page, before)
        if sorted_descending(column(page, MEDIAN)):
            break
    assert sorted_descending(column(page, MEDIAN)), column(page, MEDIAN)
    assert_no_error(page)
    grid.screenshot(path=str(screenshot(page, "table_sorted_fr").with_name("table_sorted_fr_grid.png")))

"""AppTest helpers shared by the page tests: open a page of app.py in a language, assert a clean render."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def view_path(view: str) -> str:
    """``views/<area>/<view>`` for a page file name such as "pipeline.py" (pages are grouped by area)."""
    found = sorted((ROOT / "views").glob(f"*/{view}"))
    assert found, f"no page {view} under views/"
    return str(found[0].relative_to(ROOT))


def open_view(view: str, lang: str = "en") -> AppTest:
    """app.py run once (sample data loaded on an empty database), then switched to the page file ``view``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(view_path(view)).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    """No exception and no error box on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]

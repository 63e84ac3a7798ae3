"""AppTest helpers shared by the page tests: open a page of app.py in a language, assert a clean render."""
from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def view_path(view: str) -> str:
    """``views/<area>/<view>`` for a page file name such as "pipeline.py" (pages are grouped by area)."""
    found = sorted((ROOT / "views").glob(f"*/{view}"))
    assert found, f"no page {view} under views/"
    return str(found[0].relative_to(ROOT))


APP_SOURCE = (ROOT / "app.py").read_text(encoding="utf-8")


def reached_on_first_run(view: str) -> bool:
    """True when a first run of app.py can open ``view`` directly: before its first run AppTest names a page by
    its file name, st.navigation by its url_path; they agree for most pages (forecast.py is "forecast") but not
    for import_data.py ("import") or one_on_ones.py ("one-on-ones"). The default page needs no switch at all."""
    stem = re.escape(Path(view).stem)
    return re.search(rf'page\("[a-z]+/{re.escape(view)}"[^\n]*url_path="{stem}"', APP_SOURCE) is not None


def open_view(view: str, lang: str = "en") -> AppTest:
    """app.py run on the page file ``view`` (sample data loaded on an empty database): in one run when AppTest can
    name the page before the first run, else the default page first, then a switch (one page render saved in
    most page tests)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = lang
    if view == "pipeline.py" or reached_on_first_run(view):
        if view != "pipeline.py":
            at.switch_page(view_path(view))
        at.run()
    else:
        at.run()
        at.switch_page(view_path(view)).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    """No exception and no error box on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]

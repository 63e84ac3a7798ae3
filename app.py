"""Pipeline Pulse: the entry file is a router. It sets the language, loads the sample data on an
empty database, shows the sidebar (database, latest snapshot) and runs the chosen page.

Pages live in ``views/``, not ``pages/``: a ``pages/`` folder beside the entry file turns on
Streamlit's legacy page list, which breaks deep links on a freshly started server (README).
"""
from pathlib import Path

import streamlit as st

from ui import auth, common, fmt
from ui.i18n import LANGUAGES, set_language, t

HERE = Path(__file__).parent
# The tab icon is a file shipped with the app: a ":material/..:" or emoji icon makes the browser fetch it from
# a public font server, and the app promises to work with no network.
st.set_page_config(page_title="Pipeline Pulse", page_icon=str(HERE / "ui" / "assets" / "icon.png"), layout="wide")


def choose_language() -> None:
    """Language from the URL (?lang=fr), else the browser's locale, else English; switch in the sidebar."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang") or (st.context.locale or "en")[:2]
        st.session_state["lang"] = wanted if wanted in LANGUAGES else "en"
    codes = list(LANGUAGES)
    picked = st.sidebar.selectbox("Language / Langue", codes, index=codes.index(st.session_state["lang"]),
                                  format_func=LANGUAGES.get, key="app_language")
    st.session_state["lang"] = picked
    st.query_params["lang"] = picked
    set_language(picked)


def page(file: str, title: str, icon: str, **kwargs) -> st.Page:
    return st.Page(HERE / "views" / file, title=t(title), icon=icon, **kwargs)


def sidebar_status() -> None:
    """The active database and the latest deals snapshot."""
    latest = common.latest_snapshot()  # from the import log, cached by data version: never a scan of the snapshots
    st.sidebar.caption(t("Database: {name}", name=f"`{common.db_path().name}`"))  # French: a space before the colon
    st.sidebar.caption(t("Latest snapshot: {date}", date=fmt.date(latest) if latest else t("No deals imported yet")))


choose_language()
# Access control (ui/auth.py): off for a local user; on a team, sign in first, and the navigation holds
# only the pages the user's roles allow, so no other page can run in this session (not even by URL).
user = auth.require_user()
with common.user_errors():
    common.load_sample_if_empty()
navigation = st.navigation(auth.visible_pages(user, {
    t("Sales"): [
        # The default page is served at "/" (Streamlit ignores a default page's url_path for deep links).
        page("sales/pipeline.py", "Pipeline", ":material/filter_alt:", default=True),
        page("sales/forecast.py", "Forecast", ":material/trending_up:", url_path="forecast"),
        page("sales/movement.py", "Pipeline movement", ":material/waterfall_chart:", url_path="movement"),
        page("sales/priorities.py", "Priorities", ":material/target:", url_path="priorities"),
        page("sales/scorecards.py", "Scorecards", ":material/leaderboard:", url_path="scorecards"),
    ],
    t("People"): [
        page("people/engagement.py", "Engagement (eNPS)", ":material/favorite:", url_path="engagement"),
        page("people/pulse.py", "Pulse survey", ":material/ballot:", url_path="pulse"),
        page("people/one_on_ones.py", "1:1 meetings", ":material/forum:", url_path="one-on-ones"),
    ],
    t("Data"): [
        page("data/import_data.py", "Import", ":material/upload_file:", url_path="import"),
        page("data/settings.py", "Settings", ":material/tune:", url_path="settings"),
    ],
}))  # end of auth.visible_pages
with common.user_errors():
    sidebar_status()
with common.user_errors():
    auth.sample_banner(user)  # its "clear sample data" button only for those who may delete imports
    navigation.run()

"""Access control (ui/auth.py, issue 8 "Who may see what"): each role sees only its pages, with AppTest.

The users file is written per test with bcrypt hashes of cost 4 (fast); PULSE_USERS points at it. The
sample data is loaded once into a template database and copied for each test.
"""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import bcrypt
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from ui import auth, common

ROOT = Path(__file__).resolve().parent.parent
APP = (ROOT / "app.py").read_text(encoding="utf-8")
SALES_PAGES = [p for p in ("sales/pipeline.py", "sales/forecast.py", "sales/movement.py", "sales/priorities.py",
                          "sales/scorecards.py")
               if f'"{p}"' in APP]
PEOPLE_PAGES = ["people/engagement.py", "people/pulse.py", "people/one_on_ones.py"]
PEOPLE_URLS = ["engagement", "pulse", "one-on-ones"]
PASSWORDS = {"sam": "sales-pass", "helen": "hr-pass", "ada": "admin-pass", "nora": "no-role-pass"}
ROLES = {"sam": ["sales"], "helen": ["hr"], "ada": ["admin"], "nora": ["finance"]}
SURVEY_WORDS = ("eNPS", "Promoters", "Detractors", "Passives", "Response rate", "Pulse survey")
SURVEY_MODULES = ("analytics.people.survey", "analytics.people.one_on_ones")


# ------------------------------------------------------------------------------------------------- fixtures

@pytest.fixture(autouse=True)
def _no_real_config(tmp_path, monkeypatch):
    """Whatever .streamlit/users.toml a developer has, these tests decide the configuration."""
    monkeypatch.delenv("PULSE_USERS", raising=False)
    monkeypatch.setattr(auth, "DEFAULT_USERS_FILE", tmp_path / "no-users-file.toml")


class Clock:
    """A clock the test moves by hand (seconds), injected into the sign-in throttle instead of sleeping."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    """Every test gets a fresh server-wide throttle on a hand-moved clock (no failure leaks between tests)."""
    fake = Clock()
    monkeypatch.setattr(auth, "THROTTLE", auth.SignInThrottle(clock=fake))
    return fake


@pytest.fixture
def users(tmp_path, monkeypatch):
    """A users file with one user per role (and one with an unknown role); PULSE_USERS points at it."""
    path = tmp_path / "users.toml"
    path.write_text("\n".join(f'[users.{name}]\npassword_hash = "{auth.hash_password(pw, rounds=4)}"\n'
                              f'roles = {ROLES[name]}\n'.replace("'", '"') for name, pw in PASSWORDS.items()))
    monkeypatch.setenv("PULSE_USERS", str(path))
    return path


@pytest.fixture
def fetched(monkeypatch):
    """Every analytics function a page asks ``common.fetch`` for, in order."""
    calls: list[str] = []
    real = common.fetch

    def recording(func, *args, **kwargs):
        calls.append(f"{func.__module__}.{func.__qualname__}")
        return real(func, *args, **kwargs)

    monkeypatch.setattr(common, "fetch", recording)
    return calls


# -------------------------------------------------------------------------------------------------- helpers

def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def sign_in(name: str, password: str | None = None) -> AppTest:
    """A new session that submits the login form (with the user's right password unless one is given)."""
    at = app().run()
    assert not at.exception, at.exception
    at.text_input(key="auth_login_name").input(name)
    at.text_input(key="auth_login_password").input(PASSWORDS.get(name, "") if password is None else password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception, at.exception
    return at


def everything(at: AppTest) -> str:
    """The text of every element of the last run (main area and sidebar), protos included."""
    def walk(node):
        if getattr(node, "proto", None) is not None:
            yield str(node.proto)
        for child in getattr(node, "children", {}).values():
            yield from walk(child)
    return "\n".join(walk(at._tree))


def registered(at: AppTest, page_file: str) -> bool:
    """Whether the session's navigation holds this page (AppTest refuses to switch to any other)."""
    try:
        at.switch_page(f"views/{page_file}")
    except ValueError:
        return False
    return True


def deep_link(at: AppTest, url_path: str) -> AppTest:
    """What a browser asks for on a URL such as /engagement: the page whose url_path hashes to it."""
    at._page_hash = calc_hash(url_path)
    return at.run()


def no_survey_numbers(at: AppTest) -> None:
    assert not [m for m in at.metric if "eNPS" in m.label or m.label in ("Responses", "Response rate")]
    text = everything(at)
    assert not [word for word in SURVEY_WORDS if word in text], "survey content reached a non-hr session"
    for frame in at.dataframe:
        assert not {"enps", "eNPS", "promoters", "detractors", "wave"} & {str(c) for c in frame.value.columns}


# ---------------------------------------------------------------------------------------------- pure logic

def page(url_path: str) -> SimpleNamespace:
    return SimpleNamespace(url_path=url_path, title=url_path.capitalize(), icon=None)


SECTIONS = {"Sales": [page(""), page("movement")], "People": [page("engagement"), page("pulse")],
            "Data": [page("import"), page("settings")], "Reports": [page("board")]}


@pytest.mark.parametrize(("roles", "expected"), [
    ({"sales"}, {"Sales": ["", "movement"], "Data": ["import"]}),
    ({"hr"}, {"": [""], "People": ["engagement", "pulse"], "Data": ["import"]}),  # a hidden start page at "/"
    ({"sales", "hr"}, {"Sales": ["", "movement"], "People": ["engagement", "pulse"], "Data": ["import"]}),
    ({"admin"}, {"Sales": ["", "movement"], "People": ["engagement", "pulse"], "Data": ["import", "settings"],
                 "Reports": ["board"]}),
    (set(), {}),
])
def test_visible_pages_per_role(roles, expected):
    user = auth.User("x", frozenset(roles), "password")
    shown = auth.visible_pages(user, SECTIONS)
    assert {title: [p.url_path for p in pages] for title, pages in shown.items()} == expected


def test_permissions_per_role():
    sales, hr, admin = (auth.User("x", frozenset({r}), "password") for r in ("sales", "hr", "admin"))
    assert sales.import_kinds() == ("deals", "stage_history")
    assert hr.import_kinds() == ("survey", "one_on_ones", "headcount")  # headcounts: survey response rates
    assert set(admin.import_kinds()) == {"deals", "stage_history", "survey", "one_on_ones", "headcount"}
    for permission in auth.ADMIN_ONLY:
        assert admin.can(permission) and not sales.can(permission) and not hr.can(permission)
    assert not sales.can("hr") and not hr.can("sales") and admin.can("hr") and admin.can("sales")
    assert auth.LOCAL_USER.can("delete_imports") and not auth.NOBODY.can("import")


def test_unknown_roles_are_ignored():
    assert auth.clean_roles(["Sales", " hr ", "finance", 3]) == {"sales", "hr"}
    assert auth.clean_roles("sales, admin") == {"sales", "admin"}
    assert auth.clean_roles({"sales": True}) == frozenset()


def test_authenticate_right_wrong_unknown_and_too_long(users):
    accounts = auth.load_users(users)
    assert auth.authenticate(accounts, "sam", "sales-pass").name == "sam"
    assert auth.authenticate(accounts, " sam ", "sales-pass").name == "sam"
    assert auth.authenticate(accounts, "sam", "hr-pass") is None
    assert auth.authenticate(accounts, "nobody", "sales-pass") is None
    assert auth.authenticate(accounts, "sam", "x" * 100) is None


def test_an_unknown_user_costs_one_bcrypt_check_like_a_known_one(users, monkeypatch):
    """No user enumeration by timing: an unknown name is checked against a dummy hash of the same cost."""
    accounts = auth.load_users(users)
    seen = []
    real = bcrypt.checkpw
    monkeypatch.setattr(auth.bcrypt, "checkpw", lambda pw, digest: seen.append(digest[:7]) or real(pw, digest))
    auth.authenticate(accounts, "sam", "wrong")
    auth.authenticate(accounts, "nobody", "wrong")
    assert seen == [b"$2b$04$", b"$2b$04$"]


def attempt(accounts, name: str, password: str, client: str):
    return auth.sign_in_attempt(accounts, name, password, client)


def test_limits_are_the_documented_ones():
    assert (auth.MAX_FAILURES, auth.FAILURE_WINDOW_S, auth.LOCKOUT_FIRST_S, auth.LOCKOUT_MAX_S) == (5, 900, 60, 3600)


def test_five_failures_lock_the_user_name_from_any_client_even_with_the_right_password(users, clock):
    accounts = auth.load_users(users)
    for i in range(4):
        assert attempt(accounts, "sam", "wrong", f"10.0.0.{i}") == (None, 0.0)
    assert auth.THROTTLE.locked_for("user:sam") == 0
    assert attempt(accounts, "sam", "wrong", "10.0.0.4") == (None, 0.0)  # the 5th failure locks
    assert attempt(accounts, "sam", "sales-pass", "10.0.0.9") == (None, 60.0)  # refused, 60 s to wait
    clock.now += 59
    assert attempt(accounts, "sam", "sales-pass", "10.0.0.9") == (None, 1.0)
    clock.now += 1  # the lock has expired
    account, wait = attempt(accounts, "sam", "sales-pass", "10.0.0.9")
    assert account.name == "sam" and wait == 0.0


def test_five_failures_lock_the_client_but_not_another_user_from_another_client(users, clock):
    accounts = auth.load_users(users)
    for name in ("a", "b", "c", "d", "e"):  # five different (unknown) names from one address
        attempt(accounts, name, "guess", "203.0.113.7")
    assert attempt(accounts, "helen", "hr-pass", "203.0.113.7") == (None, 60.0)  # that client is locked
    account, wait = attempt(accounts, "helen", "hr-pass", "198.51.100.1")  # another client: free
    assert account.name == "helen" and wait == 0.0
    account, wait = attempt(accounts, "ada", "admin-pass", "198.51.100.2")
    assert account.name == "ada" and wait == 0.0


def test_an_unknown_name_is_locked_exactly_like_a_known_one(users, clock):
    accounts = auth.load_users(users)
    for i in range(5):
        attempt(accounts, "nobody", "x", f"10.1.0.{i}")
        attempt(accounts, "sam", "x", f"10.2.0.{i}")
    assert attempt(accounts, "nobody", "x", "10.3.0.1") == attempt(accounts, "sam", "x", "10.3.0.2") == (None, 60.0)


def test_failures_older_than_the_window_do_not_count(users, clock):
    accounts = auth.load_users(users)
    for i in range(4):
        attempt(accounts, "sam", "wrong", f"10.0.0.{i}")
    clock.now += 900  # 15 min later the four have expired (a failure counts for < 900 s)
    for i in range(4):
        assert attempt(accounts, "sam", "wrong", f"10.0.1.{i}") == (None, 0.0)
    assert auth.THROTTLE.locked_for("user:sam") == 0
    attempt(accounts, "sam", "wrong", "10.0.1.9")
    assert auth.THROTTLE.locked_for("user:sam") == 60


def test_each_further_lockout_doubles_up_to_an_hour_and_a_success_forgets_them(users, clock):
    accounts = auth.load_users(users)
    locks = []
    for _ in range(8):
        for i in range(5):
            attempt(accounts, "sam", "wrong", f"10.0.{len(locks)}.{i}")
        locks.append(auth.THROTTLE.locked_for("user:sam"))
        clock.now += locks[-1]
    assert locks == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert attempt(accounts, "sam", "sales-pass", "10.9.9.9")[0].name == "sam"
    for i in range(5):
        attempt(accounts, "sam", "wrong", f"10.8.0.{i}")
    assert auth.THROTTLE.locked_for("user:sam") == 60  # back to the first lock


def test_while_locked_no_password_is_checked(users, clock, monkeypatch):
    accounts = auth.load_users(users)
    for i in range(5):
        attempt(accounts, "nobody", "x", f"10.0.0.{i}")
    seen = []
    monkeypatch.setattr(auth.bcrypt, "checkpw", lambda pw, digest: seen.append(digest) or True)
    assert attempt(accounts, "nobody", "x", "10.0.0.9") == (None, 60.0)
    assert seen == []


def test_the_throttle_is_thread_safe(clock):
    import threading

    throttle = auth.SignInThrottle(clock=clock, max_failures=801)
    workers = [threading.Thread(target=lambda: [throttle.failure("user:x") for _ in range(100)]) for _ in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert throttle.locked_for("user:x") == 0  # 8 × 100 = 800 failures, none lost, none doubled
    throttle.failure("user:x")  # the 801st locks
    assert throttle.locked_for("user:x") == 60


@pytest.mark.parametrize("content", ["not toml [", "[users]\n",
                                     '[users.x]\npassword_hash = "plain"\nroles = ["admin"]\n'])
def test_a_broken_users_file_is_refused(tmp_path, content):
    path = tmp_path / "users.toml"
    path.write_text(content)
    with pytest.raises(auth.AuthConfigError):
        auth.load_users(path)


# --------------------------------------------------------------------------------------------------- the CLI

def test_cli_add_user_appends_a_working_entry(tmp_path, monkeypatch, capsys):
    path = tmp_path / "users.toml"
    monkeypatch.setattr(sys, "stdin", io.StringIO("c0rrect horse\n"))
    assert auth.main(["add-user", "carol", "--roles", "sales,hr", "--file", str(path), "--rounds", "4"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("other\n"))
    assert auth.main(["add-user", "dan", "--roles", "admin", "--file", str(path), "--rounds", "4"]) == 0
    accounts = auth.load_users(path)
    assert accounts["carol"].roles == {"sales", "hr"} and accounts["dan"].roles == {"admin"}
    assert auth.authenticate(accounts, "carol", "c0rrect horse").name == "carol"
    assert "c0rrect" not in path.read_text()
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("argv", [["add-user", "eve", "--roles", "root"], ["add-user", "eve; rm", "--roles", "hr"],
                                  ["add-user", "eve", "--roles", ""]])
def test_cli_refuses_bad_names_and_roles(argv, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("pw\n"))
    assert auth.main(argv) == 2
    assert "error:" in capsys.readouterr().err


def test_cli_refuses_a_duplicate_user(users, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("pw\n"))
    assert auth.main(["add-user", "sam", "--roles", "hr", "--file", str(users)]) == 2
    assert "already has a user 'sam'" in capsys.readouterr().err


def test_cli_as_a_module_prints_the_entry():
    done = subprocess.run([sys.executable, "-m", "ui.auth", "add-user", "fay", "--roles", "hr", "--rounds", "4"],
                          input="pw\n", capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("[users.fay]\npassword_hash = \"$2b$04$") and 'roles = ["hr"]' in done.stdout


# ------------------------------------------------------------------------------------------- the app, per role

def test_auth_off_shows_every_page(sample_db):
    at = app().run()
    assert not at.exception, at.exception
    assert "Open pipeline" in [m.label for m in at.metric]
    assert at.button(key="common_clear_sample")
    assert "auth_logout" not in [b.key for b in at.button]
    for page_file in [*SALES_PAGES, *PEOPLE_PAGES, "data/import_data.py", "data/settings.py"]:
        assert registered(at, page_file), page_file


def test_not_signed_in_shows_only_the_login_form(sample_db, users):
    at = app().run()
    assert not at.exception, at.exception
    assert [w.label for w in at.text_input] == ["User name", "Password"]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert "Database" not in everything(at) and "Open pipeline" not in everything(at)
    for url in ["", "import", "settings", *PEOPLE_URLS]:  # a deep link gives the same form
        deep_link(at, url)
        assert not at.exception and not at.metric and not at.dataframe
        assert [w.label for w in at.text_input] == ["User name", "Password"]
        no_survey_numbers(at)


@pytest.mark.parametrize(("name", "password"), [("sam", "wrong"), ("nobody", "sales-pass"), ("sam", "")])
def test_wrong_password_or_unknown_user_gives_one_generic_error(sample_db, users, name, password):
    at = sign_in(name, password)
    assert [e.value for e in at.error] == ["Wrong user name or password."]
    assert not at.metric and "_auth_login" not in at.session_state


def submit(at: AppTest, name: str, password: str) -> AppTest:
    """Submit the login form again in the same session (same client)."""
    at.text_input(key="auth_login_name").input(name)
    at.text_input(key="auth_login_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("name", ["sam", "nobody"])
def test_the_form_locks_after_five_failures_and_says_the_same_for_any_name(sample_db, users, clock, name):
    at = sign_in(name, "wrong")
    for _ in range(4):
        assert [e.value for e in submit(at, name, "wrong").error] == ["Wrong user name or password."]
    submit(at, name, PASSWORDS.get(name, "sales-pass"))  # a right password while locked is refused
    assert [e.value for e in at.error] == ["Too many failed sign-ins. Try again in 1 min."]
    assert not at.metric and "_auth_login" not in at.session_state
    other = sign_in("helen")  # another user in another session (another client) is not locked
    assert not other.error and other.metric
    clock.now += 60
    if name == "sam":
        assert "Open pipeline" in [m.label for m in submit(at, "sam", "sales-pass").metric]


def test_sales_user_sees_sales_pages_only_then_signs_out(sample_db, users, fetched):
    """One session: what a sales user sees, then the sign-out button returns to the login form."""
    at = sign_in("sam")
    assert "Open pipeline" in [m.label for m in at.metric]
    assert "Signed in as sam (Sales)" in [c.value for c in at.sidebar.caption]
    assert "common_clear_sample" not in [b.key for b in at.button]
    for page_file in SALES_PAGES + ["data/import_data.py"]:
        assert registered(at, page_file), page_file
    for page_file in PEOPLE_PAGES + ["data/settings.py"]:
        assert not registered(at, page_file), page_file
    with pytest.raises(ValueError):
        at.switch_page("views/people/engagement.py")
    for url in [*PEOPLE_URLS, "settings"]:
        deep_link(at, url)
        assert not at.exception, at.exception
        assert "Open pipeline" in [m.label for m in at.metric], "the default page, never the HR page"
        no_survey_numbers(at)
    assert not [name for name in fetched if name.startswith(SURVEY_MODULES)]
    # --- sign out returns to the login form
    at.button(key="auth_logout").click().run()
    assert not at.exception, at.exception
    assert [w.label for w in at.text_input] == ["User name", "Password"]
    assert not at.metric and "_auth_login" not in at.session_state


def test_sales_user_imports_deals_only_and_cannot_delete_then_is_removed(sample_db, users):
    """One session: the Import page of a sales user, then the user removed from the users file is signed out on
    the next rerun."""
    at = sign_in("sam")
    at.switch_page("views/data/import_data.py").run()
    assert not at.exception, at.exception
    kinds = history_kinds(at)
    assert kinds == {"Deals"}, "the history shows no survey or 1:1 import (nor its row counts)"
    assert "import_delete_go" not in [b.key for b in at.button]
    survey = (ROOT / "sample_data" / "survey_enps_2026.csv").read_bytes()
    at.file_uploader(key="import_files").set_value(("survey_2027.csv", survey, "text/csv")).run()
    assert not at.exception, at.exception
    assert any("do not allow importing" in e.value for e in at.error)
    assert not [b for b in at.button if b.key and b.key.startswith("import_go_")]
    kind_box = next(s for s in at.selectbox if s.key and s.key.startswith("import_kind_"))
    assert "survey" not in kind_box.options and "Survey responses" not in kind_box.options
    no_survey_numbers(at)
    # --- a removed user is signed out on the next rerun
    users.write_text(users.read_text().replace("[users.sam]", "[users.sam_old]"))
    at.run()
    assert [w.label for w in at.text_input] == ["User name", "Password"] and not at.metric


def test_hr_user_sees_people_pages_only(sample_db, users):
    at = sign_in("helen")
    assert any("eNPS" in m.label for m in at.metric), "the first People page is this user's start page"
    assert "Open pipeline" not in [m.label for m in at.metric]
    for page_file in PEOPLE_PAGES + ["data/import_data.py"]:
        assert registered(at, page_file), page_file
    for page_file in SALES_PAGES + ["data/settings.py"]:
        assert not registered(at, page_file), page_file
    for url, title in [("pulse", "Pulse survey"), ("engagement", "Engagement (eNPS)")]:  # bookmarks keep working
        deep_link(at, url)
        assert not at.exception, at.exception
        assert at.title[0].value == title
    deep_link(at, "")  # Sales is not hers: was ever a Sales link shared, "/" forwards to her first page
    assert at.title[0].value == "Engagement (eNPS)"
    deep_link(at, "movement")
    assert at.title[0].value == "Engagement (eNPS)" and "Open pipeline" not in [m.label for m in at.metric]
    at.switch_page("views/data/import_data.py").run()
    kinds = history_kinds(at)
    assert kinds and kinds <= {"Survey", "1:1 log"}
    assert "import_delete_go" not in [b.key for b in at.button]


def test_admin_sees_every_page_and_may_delete(sample_db, users):
    at = sign_in("ada")
    assert "Open pipeline" in [m.label for m in at.metric]
    assert "common_clear_sample" in [b.key for b in at.button]
    for page_file in [*SALES_PAGES, *PEOPLE_PAGES, "data/import_data.py", "data/settings.py"]:
        assert registered(at, page_file), page_file
    deep_link(at, "engagement")  # the same deep link a sales user gets nothing from
    assert any("eNPS" in m.label for m in at.metric)
    with pytest.raises(AssertionError):
        no_survey_numbers(at)  # the check used on the other roles does see survey numbers when they are there
    at.switch_page("views/data/import_data.py").run()
    assert not at.exception, at.exception
    assert at.button(key="import_delete_go")
    kinds = history_kinds(at)
    assert {"Deals", "Survey"} <= kinds
    at.switch_page("views/data/settings.py").run()
    assert not at.exception and not at.error


def test_no_cached_survey_result_reaches_a_sales_session(sample_db, users, fetched):
    """An hr session fills the shared cache with survey results; a sales session afterwards still gets none."""
    hr = sign_in("helen")
    for page_file in PEOPLE_PAGES:
        hr.switch_page(f"views/{page_file}").run()
        assert not hr.exception, hr.exception
    assert [name for name in fetched if name.startswith("analytics.people.survey")], "the cache holds survey results"
    fetched.clear()
    sales = sign_in("sam")
    for url in ["", *PEOPLE_URLS, "import", "settings"]:
        deep_link(sales, url)
        assert not sales.exception, sales.exception
        no_survey_numbers(sales)
    for page_file in SALES_PAGES:
        sales.switch_page(f"views/{page_file}").run()
        no_survey_numbers(sales)
    assert fetched and not [name for name in fetched if name.startswith(SURVEY_MODULES)]


def test_a_user_without_a_known_role_sees_no_page(sample_db, users):
    at = sign_in("nora")
    assert any("no role gives you access" in w.value for w in at.warning)
    assert not at.metric and not at.dataframe
    no_survey_numbers(at)


@pytest.mark.parametrize("content", [None, "broken = [", "[users]\n"])
def test_a_broken_configuration_shows_nothing(sample_db, tmp_path, monkeypatch, content):
    path = tmp_path / "users.toml"
    if content is not None:
        path.write_text(content)
    monkeypatch.setenv("PULSE_USERS", str(path))
    at = app().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error][0].startswith("Access control is misconfigured")
    assert not at.metric and not at.text_input and not at.dataframe


def test_the_login_form_is_translated(sample_db, users):
    at = app()
    at.query_params["lang"] = "fr"
    at.run()
    assert [w.label for w in at.text_input] == ["Nom d'utilisateur", "Mot de passe"]


# ------------------------------------------------------------------------------------ identity provider (OIDC)

OIDC = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                 "client_id": "id", "client_secret": "secret",
                 "server_metadata_url": "https://id.example.com/.well-known/openid-configuration"},
        "pulse_roles": {"sam@example.com": ["sales"], "helen@example.com": ["hr"]}}


def oidc_app(user: dict) -> AppTest:
    at = app()
    at.secrets.update(OIDC)
    at.user = user
    return at.run()


def test_oidc_signed_out_shows_only_a_sign_in(sample_db):
    at = oidc_app({"is_logged_in": False})
    assert not at.exception, at.exception
    assert "Sign in to see the dashboards." in [c.value for c in at.caption]
    assert not at.metric and not at.dataframe
    no_survey_numbers(at)


def test_oidc_roles_come_from_pulse_roles(sample_db):
    at = oidc_app({"is_logged_in": True, "email": "Helen@Example.com", "name": "Helen"})
    assert not at.exception, at.exception
    assert any("eNPS" in m.label for m in at.metric)
    assert not registered(at, "sales/pipeline.py") and not registered(at, "data/settings.py")
    at = oidc_app({"is_logged_in": True, "email": "sam@example.com"})
    assert "Open pipeline" in [m.label for m in at.metric]
    deep_link(at, "engagement")
    no_survey_numbers(at)


@pytest.mark.parametrize("user", [{"is_logged_in": True, "email": "stranger@example.com"},
                                  {"is_logged_in": True, "email": "helen@example.com", "email_verified": False}])
def test_oidc_unlisted_or_unverified_email_sees_nothing(sample_db, user):
    at = oidc_app(user)
    assert any("no role gives you access" in w.value for w in at.warning)
    assert not at.metric and not at.dataframe


@pytest.mark.parametrize("page_file, user, allowed", [
    *[(p, "sam", False) for p in PEOPLE_PAGES], *[(p, "helen", True) for p in PEOPLE_PAGES],
    *[(p, "helen", False) for p in SALES_PAGES], *[(p, "sam", True) for p in SALES_PAGES],
])
def test_each_page_checks_the_role_itself(sample_db, users, fetched, page_file, user, allowed):
    """Defence in depth: run a page file on its own (as if the navigation let it through) for a signed-in user;
    a page outside the user's roles stops before asking analytics for anything."""
    at = AppTest.from_file(str(ROOT / "views" / page_file), default_timeout=120)
    at.session_state["_auth_login"] = user
    at.run()
    assert not at.exception, at.exception
    refused = any("do not have access" in e.value for e in at.error)
    assert refused is not allowed
    if not allowed:
        assert fetched == []


def history_kinds(at) -> set[str]:
    """The kinds the Import page's history shows, in words ("Deals", "Survey", "1:1 log")."""
    return {k for frame in at.dataframe if "file_name" in frame.value for k in frame.value["kind"]}

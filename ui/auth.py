"""Who may see what: optional access control, off for a local single user, on for a team.

Design
------
* **Off by default.** With no ``[auth]`` section in ``.streamlit/secrets.toml`` and no users file, the
  app runs as before: no login, one local user who may see and do everything (role ``admin``).
* **On for a team**, in one of two ways (the first that is configured wins):

  a. *Identity provider (OIDC).* ``.streamlit/secrets.toml`` has an ``[auth]`` section: the app shows a
     "Sign in" button that calls Streamlit's native ``st.login()``; the signed-in person is
     ``st.user`` (``st.user.is_logged_in``, ``st.user.email``); "Sign out" calls ``st.logout()``.
     Roles come from a ``[pulse_roles]`` table in the same secrets file, e-mail → list of roles
     (e-mails compared case-insensitively; an ``email_verified = false`` claim gives no role).
     Needs Authlib (``pip install "streamlit[auth]"``); without it the app says so and shows nothing.
  b. *Users file.* ``$PULSE_USERS``, else ``.streamlit/users.toml`` beside ``app.py``, holds
     ``[users.<name>]`` tables with ``password_hash`` (bcrypt) and ``roles``. The app shows a
     user name + password form; the password is checked with ``bcrypt.checkpw`` (constant-time), an
     unknown name is checked against a dummy hash of the same cost (same time, so no user
     enumeration), and every failure gives the same "Wrong user name or password." message. The
     signed-in name is kept in ``st.session_state["_auth_login"]`` (a key no widget uses); roles are
     re-read from the file on every rerun, so removing a user or a role takes effect at once. The
     form clears itself on submit, so the password is not kept in the session. A Streamlit session
     lives as long as the browser tab: a reload or a new tab asks to sign in again.
     *Guessing is throttled* (``SignInThrottle``, one server-wide ``THROTTLE``): ``MAX_FAILURES`` failures
     within ``FAILURE_WINDOW_S`` lock the user name typed (known or not) and, separately, the client
     (``st.context.ip_address``; with no address, i.e. a reverse proxy on the same host, the last
     ``X-Forwarded-For`` entry; else the browser session) for ``LOCKOUT_FIRST_S``, doubling per further
     lockout up to ``LOCKOUT_MAX_S``. While locked, no password is checked (a right one is refused too)
     and the message says only "try again in N min"; it is the same for unknown and known names.
* **Fail closed.** A users file named by ``$PULSE_USERS`` that is missing, a file that cannot be read
  or has no valid user, an ``[auth]`` section without Authlib: an error and no page at all, never a
  silent fall-back to "off".
* **Roles** (``ROLES``): ``sales`` → the Sales section; ``hr`` → the People section; ``admin`` → every
  page, deleting imports (and clearing the sample data), the Settings page and its database backup.
  The Import page is for ``admin`` (every kind of file), ``sales`` (deals and deal stage history
  files) and ``hr`` (survey and 1:1 files); a non-admin sees only the import history of their kinds.
  Unknown roles in the configuration are ignored; a section this module does not know is admin-only.
* **Pages that are not allowed do not exist for the session.** ``app.py`` builds ``st.navigation``
  from ``visible_pages(user, sections)`` only, so a page outside the user's roles is never executed:
  its cached calls (``ui.common.fetch`` shares results across sessions) are never made by that
  session, and a deep link such as ``/engagement`` gets Streamlit's page-not-found and the default
  page. The Import and Settings pages also check for themselves (``require_permission``), in case the
  navigation changes later; the People pages rely on the navigation alone. A user without the default
  (Pipeline) page gets a hidden start page at "/" that forwards to their first page, so their own
  bookmarks (``/pulse``) still open.
* **CLI.** ``python -m ui.auth add-user NAME --roles sales,hr [--file PATH]`` asks for a password (or
  reads it from stdin) and prints the ``[users.NAME]`` block, or appends it to ``--file``.
"""
from __future__ import annotations

import argparse
import getpass
import importlib.util
import os
import re
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import bcrypt
import streamlit as st

from ui.i18n import t

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_USERS_FILE = ROOT / ".streamlit" / "users.toml"
ROLES = ("sales", "hr", "admin")
ROLE_LABELS = {"sales": "Sales", "hr": "HR", "admin": "Admin"}
# Section title (English, before t()) → the role that sees every page of it.
SECTION_ROLES = {"Sales": "sales", "People": "hr"}
# Pages whose rule differs from their section's, by url_path → permission (see User.can).
PAGE_PERMISSIONS = {"import": "import", "settings": "settings"}
IMPORT_KINDS = {"sales": ("deals", "stage_history"), "hr": ("survey", "one_on_ones", "headcount"),
                "admin": ("deals", "stage_history", "survey", "one_on_ones", "headcount")}
ADMIN_ONLY = ("settings", "delete_imports", "backup")

_LOGIN_KEY = "_auth_login"
_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_MAX_PASSWORD_BYTES = 72  # bcrypt's limit; bcrypt 5 refuses longer passwords

# Sign-in throttling (users-file mode): per user name and per client, MAX_FAILURES failed sign-ins within
# FAILURE_WINDOW_S seconds lock that name / that client for LOCKOUT_FIRST_S seconds, doubled at each
# further lockout up to LOCKOUT_MAX_S; a key that stays quiet for STRIKES_RESET_S forgets its lockouts.
MAX_FAILURES = 5
FAILURE_WINDOW_S = 15 * 60
LOCKOUT_FIRST_S = 60
LOCKOUT_MAX_S = 60 * 60
STRIKES_RESET_S = 24 * 60 * 60
MAX_TRACKED_KEYS = 10_000  # memory bound: beyond it, keys that are neither locked nor recent are dropped


class AuthConfigError(Exception):
    """The access-control configuration cannot be used (the app then shows nothing)."""


@dataclass(frozen=True)
class User:
    """Who is using this session and what their roles allow."""
    name: str
    roles: frozenset[str]
    source: str  # "off", "password" or "oidc"

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has(self, role: str) -> bool:
        """True when the user holds ``role`` (an admin holds every role)."""
        return self.is_admin or role in self.roles

    def import_kinds(self) -> tuple[str, ...]:
        """The kinds of file this user may import (and see in the import history)."""
        kinds = [kind for role in ROLES if role in self.roles for kind in IMPORT_KINDS[role]]
        return tuple(dict.fromkeys(kinds))

    def can(self, permission: str) -> bool:
        """``sales``, ``hr``, ``admin``, ``import`` or one of ``ADMIN_ONLY``."""
        if permission == "import":
            return bool(self.import_kinds())
        if permission in ADMIN_ONLY:
            return self.is_admin
        return self.has(permission)


LOCAL_USER = User("", frozenset({"admin"}), "off")
NOBODY = User("", frozenset(), "none")


@dataclass(frozen=True)
class Account:
    """One entry of the users file."""
    name: str
    password_hash: bytes
    roles: frozenset[str]


# ---------------------------------------------------------------------------------------------- configuration

def clean_roles(values: object) -> frozenset[str]:
    """The known roles among ``values`` (a list of strings, or one comma-separated string)."""
    if isinstance(values, str):
        values = values.split(",")
    if not isinstance(values, list | tuple):
        return frozenset()
    return frozenset(str(v).strip().lower() for v in values if str(v).strip().lower() in ROLES)


def users_file() -> Path | None:
    """The users file to use: ``$PULSE_USERS`` (must exist), else the default one if it exists."""
    named = os.environ.get("PULSE_USERS", "").strip()
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise AuthConfigError(f"PULSE_USERS names a users file ({path.name}) that does not exist.")
        return path
    return DEFAULT_USERS_FILE if DEFAULT_USERS_FILE.is_file() else None


def load_users(path: Path) -> dict[str, Account]:
    """The accounts of a users file; raises AuthConfigError when it cannot be used."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AuthConfigError(f"The users file {path.name} cannot be read: {type(exc).__name__}.") from None
    table = data.get("users")
    accounts = {}
    for name, entry in (table.items() if isinstance(table, dict) else ()):
        if not isinstance(entry, dict):
            continue
        digest = str(entry.get("password_hash", "")).encode()
        if _hash_rounds(digest) is None:
            raise AuthConfigError(f"The users file {path.name}: user '{name}' has no valid bcrypt password_hash.")
        accounts[name] = Account(name, digest, clean_roles(entry.get("roles", [])))
    if not accounts:
        raise AuthConfigError(f"The users file {path.name} has no [users.<name>] entry.")
    return accounts


def _hash_rounds(digest: bytes) -> int | None:
    """The cost factor of a bcrypt hash, or None when it is not one."""
    match = re.fullmatch(rb"\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}", digest)
    return int(match.group(1)) if match else None


@lru_cache(maxsize=8)
def _dummy_hash(rounds: int) -> bytes:
    return bcrypt.hashpw(b"no such user", bcrypt.gensalt(rounds))


def authenticate(accounts: dict[str, Account], name: str, password: str) -> Account | None:
    """The account when the password is right; the same work and answer for an unknown name."""
    account = accounts.get(name.strip())
    rounds = max(_hash_rounds(a.password_hash) or 4 for a in accounts.values()) if accounts else 12
    digest = account.password_hash if account else _dummy_hash(rounds)
    secret = password.encode("utf-8")
    if len(secret) > _MAX_PASSWORD_BYTES:
        secret, account = b"", None  # still spend the time, then fail
    try:
        ok = bcrypt.checkpw(secret, digest)
    except ValueError:
        ok = False
    return account if ok and account else None


@dataclass
class Tally:
    """The failures of one throttle key: recent failure times, the lock, how many lockouts so far."""
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0
    lockouts: int = 0
    last_failure: float = 0.0


class SignInThrottle:
    """Failed sign-ins per key (``user:NAME``, ``client:ADDRESS``), shared by every session; thread-safe.

    ``clock`` is injectable for tests (seconds, monotonic). A key is locked after ``max_failures`` failures
    within ``window`` seconds, for ``first_lock`` seconds, doubling with each further lockout up to
    ``max_lock``. Locking one key never locks another: a different user from a different client is free.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_failures: int = MAX_FAILURES,
                 window: float = FAILURE_WINDOW_S, first_lock: float = LOCKOUT_FIRST_S,
                 max_lock: float = LOCKOUT_MAX_S, strikes_reset: float = STRIKES_RESET_S,
                 max_keys: int = MAX_TRACKED_KEYS):
        self.clock, self.max_failures, self.window = clock, max_failures, window
        self.first_lock, self.max_lock = first_lock, max_lock
        self.strikes_reset, self.max_keys = strikes_reset, max_keys
        self._lock = threading.Lock()
        self._tallies: dict[str, Tally] = {}

    def locked_for(self, *keys: str) -> float:
        """Seconds until every one of ``keys`` may try again (0 when none is locked)."""
        now = self.clock()
        with self._lock:
            return max([self._tallies[k].locked_until - now for k in keys if k in self._tallies] + [0.0])

    def failure(self, *keys: str) -> None:
        """Count one failed sign-in against each key (locking those that reach the limit)."""
        now = self.clock()
        with self._lock:
            for key in keys:
                tally = self._tallies.get(key) or Tally()
                if tally.lockouts and now - max(tally.last_failure, tally.locked_until) > self.strikes_reset:
                    tally.lockouts = 0
                tally.failures = [t for t in tally.failures if now - t < self.window] + [now]
                tally.last_failure = now
                if len(tally.failures) >= self.max_failures:
                    tally.locked_until = now + min(self.first_lock * 2 ** tally.lockouts, self.max_lock)
                    tally.lockouts += 1
                    tally.failures = []
                self._tallies[key] = tally
            if len(self._tallies) > self.max_keys:
                self._forget_stale(now)

    def success(self, key: str) -> None:
        """A right password for this key (the user name): its failures and lockouts are forgotten."""
        with self._lock:
            self._tallies.pop(key, None)

    def _forget_stale(self, now: float) -> None:
        stale = [k for k, v in self._tallies.items()
                 if v.locked_until <= now and now - v.last_failure >= self.window]
        for key in stale:
            del self._tallies[key]


THROTTLE = SignInThrottle()


def throttle_keys(name: str, client: str) -> tuple[str, str]:
    """The throttle keys of one attempt: the user name as typed (known or not) and the client."""
    return f"user:{name.strip()[:100]}", f"client:{client[:100]}"


def client_id() -> str:
    """Who is asking: the connection's IP address; behind a local reverse proxy (no address), the
    address the proxy appended last to X-Forwarded-For; else this browser session."""
    address = st.context.ip_address
    if not address:
        forwarded = str(st.context.headers.get("X-Forwarded-For") or "")
        address = forwarded.split(",")[-1].strip()
    if not address:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        address = f"session:{ctx.session_id}" if ctx else "unknown"
    return address


def sign_in_attempt(accounts: dict[str, Account], name: str, password: str, client: str,
                    throttle: SignInThrottle | None = None) -> tuple[Account | None, float]:
    """(the account, 0) on success; (None, seconds to wait) when the name or client is locked (the
    password is then not checked at all); (None, 0) for a wrong password or an unknown name."""
    throttle = throttle or THROTTLE
    keys = throttle_keys(name, client)
    wait = throttle.locked_for(*keys)
    if wait > 0:
        return None, wait
    account = authenticate(accounts, name, password) if name and password else None
    if account is None:
        throttle.failure(*keys)
        return None, 0.0
    throttle.success(keys[0])
    return account, 0.0


def hash_password(password: str, rounds: int = 12) -> str:
    """A bcrypt hash for the users file."""
    secret = password.encode("utf-8")
    if not secret or len(secret) > _MAX_PASSWORD_BYTES:
        raise ValueError(f"A password must be 1 to {_MAX_PASSWORD_BYTES} bytes long.")
    return bcrypt.hashpw(secret, bcrypt.gensalt(rounds)).decode()


def _oidc_section() -> dict | None:
    """The ``[auth]`` section of the secrets, or None when there is none."""
    if not st.secrets.load_if_toml_exists():
        return None
    section = st.secrets.get("auth")
    return dict(section) if section else None


def mode() -> str:
    """``"oidc"``, ``"password"`` or ``"off"``; raises AuthConfigError on a broken configuration."""
    if _oidc_section() is not None:
        return "oidc"
    return "password" if users_file() is not None else "off"


def oidc_roles(email: str) -> frozenset[str]:
    """The roles ``[pulse_roles]`` in the secrets gives to an e-mail (case-insensitive)."""
    table = st.secrets.get("pulse_roles") or {}
    by_email = {str(k).strip().lower(): v for k, v in dict(table).items()}
    return clean_roles(by_email.get(email.strip().lower(), []))


# ------------------------------------------------------------------------------------------------ who is here

def resolve_user() -> User | None:
    """The user of this session, or None when access control is on and nobody is signed in."""
    current = mode()
    if current == "off":
        return LOCAL_USER
    if current == "oidc":
        if not st.user.get("is_logged_in"):
            return None
        email = str(st.user.get("email") or "")
        verified = st.user.get("email_verified") is not False
        return User(email, oidc_roles(email) if email and verified else frozenset(), "oidc")
    accounts = load_users(users_file())  # every run: a broken file shows nothing, even before signing in
    name = st.session_state.get(_LOGIN_KEY)
    account = accounts.get(name) if isinstance(name, str) else None
    return User(account.name, account.roles, "password") if account else None


def current_user() -> User:
    """The user of this session for a page's own checks; nobody (no role) when it cannot be known."""
    try:
        return resolve_user() or NOBODY
    except AuthConfigError:
        return NOBODY


def require_user() -> User:
    """Called by app.py before anything else: the signed-in user, else a sign-in screen and ``st.stop()``."""
    try:
        current, user = mode(), resolve_user()
        if user is None:
            (oidc_sign_in if current == "oidc" else password_sign_in)()
            st.stop()
    except AuthConfigError as exc:
        st.error(t("Access control is misconfigured, so nothing is shown: {error}", error=str(exc)),
                 icon=":material/lock:")
        st.stop()
    if user.source != "off":
        account_sidebar(user)
    if not user.roles:
        st.warning(t("You are signed in as {name}, but no role gives you access to a page. Ask an admin.",
                     name=user.name or "?"), icon=":material/lock:")
        st.stop()
    return user


def password_sign_in() -> None:
    """The user name + password form of the users-file mode."""
    st.title("Pipeline Pulse")
    st.caption(t("Sign in to see the dashboards."))
    with st.form("auth_login", clear_on_submit=True):
        name = st.text_input(t("User name"), key="auth_login_name", autocomplete="username")
        password = st.text_input(t("Password"), type="password", key="auth_login_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(t("Sign in"), type="primary")
    if not submitted:
        return
    account, wait = sign_in_attempt(load_users(users_file()), name or "", password or "", client_id())
    if wait > 0:
        st.error(t("Too many failed sign-ins. Try again in {minutes} min.", minutes=max(1, -(-int(wait) // 60))),
                 icon=":material/lock:")
        return
    if account is None:
        st.error(t("Wrong user name or password."), icon=":material/lock:")
        return
    st.session_state[_LOGIN_KEY] = account.name
    st.rerun()


def oidc_sign_in() -> None:
    """The "Sign in" button(s) of the identity-provider mode (one per named provider)."""
    st.title("Pipeline Pulse")
    st.caption(t("Sign in to see the dashboards."))
    if importlib.util.find_spec("authlib") is None:
        st.error(t("Signing in with an identity provider needs the Authlib package: "
                   "pip install \"streamlit[auth]\"."), icon=":material/lock:")
        return
    for provider in oidc_providers(_oidc_section() or {}):
        label = t("Sign in with {provider}", provider=provider) if provider else t("Sign in")
        if st.button(label, type="primary", key=f"auth_oidc_{provider or 'default'}"):
            if provider:
                st.login(provider)
            else:
                st.login()


def oidc_providers(section: dict) -> list[str | None]:
    """Named providers (``[auth.<name>]`` sub-tables), or ``[None]`` for the one set in ``[auth]`` itself."""
    named = [key for key, value in section.items() if isinstance(value, Mapping)]
    return [None] if "client_id" in section or not named else named


def account_sidebar(user: User) -> None:
    """Who is signed in, with which roles, and the sign-out button."""
    roles = ", ".join(t(ROLE_LABELS[r]) for r in ROLES if r in user.roles) or "–"
    st.sidebar.caption(t("Signed in as {name} ({roles})", name=user.name, roles=roles))
    if st.sidebar.button(t("Sign out"), key="auth_logout", icon=":material/logout:"):
        sign_out(user)


def sign_out(user: User) -> None:
    """Forget this session's user and everything it kept (uploads, filters), keeping the language."""
    lang = st.session_state.get("lang")
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if lang:
        st.session_state["lang"] = lang
    if user.source == "oidc":
        st.logout()
    st.rerun()


# ----------------------------------------------------------------------------------------------- what they see

def page_allowed(user: User, section: str, url_path: str) -> bool:
    """Whether a page of navigation section ``section`` (its shown title) is for this user."""
    if url_path in PAGE_PERMISSIONS:
        return user.can(PAGE_PERMISSIONS[url_path])
    role = {t(title): role for title, role in SECTION_ROLES.items()}.get(section)
    return user.has(role) if role else user.is_admin


def visible_pages(user: User, sections: dict[str, list]) -> dict[str, list]:
    """The navigation sections with only the pages this user may open (empty sections dropped).

    When the default page (served at "/", url_path "") is not among them, a hidden start page at "/"
    forwards to the user's first page: otherwise Streamlit would make that page the default, serve it
    at "/" only, and a bookmark such as /engagement would say "page not found".
    """
    kept = {title: [p for p in pages if page_allowed(user, title, p.url_path)] for title, pages in sections.items()}
    shown = {title: pages for title, pages in kept.items() if pages}
    first = next((p for pages in shown.values() for p in pages), None)
    if first is None or any(p.url_path == "" for pages in shown.values() for p in pages):
        return shown
    start = st.Page(lambda: st.switch_page(first), title=first.title, icon=first.icon, url_path="start",
                    default=True, visibility="hidden")
    return {"": [start], **shown}


def require_permission(permission: str) -> None:
    """Stop a page here unless the session's user has ``permission`` (defence in depth)."""
    if not current_user().can(permission):
        st.error(t("You do not have access to this page."), icon=":material/lock:")
        st.stop()


def sample_banner(user: User) -> None:
    """The sample-data banner; only users who may delete imports get its "clear" button."""
    from ui import common

    if user.can("delete_imports"):
        common.sample_banner()
    elif common.has_sample_data():
        st.info(t("You are looking at sample data (a fictional company). Import your own exports on the Import page."),
                icon=":material/science:")


# ------------------------------------------------------------------------------------------------------- CLI

def users_entry(name: str, roles: frozenset[str] | list[str], password_hash: str) -> str:
    """The TOML block for one user of the users file."""
    listed = ", ".join(f'"{r}"' for r in ROLES if r in roles)
    return f'[users.{name}]\npassword_hash = "{password_hash}"\nroles = [{listed}]\n'


def _read_password(stream) -> str:
    if stream.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password again: "):
            raise ValueError("The two passwords differ.")
        return first
    return stream.readline().rstrip("\r\n")


def main(argv: list[str] | None = None) -> int:
    """``python -m ui.auth add-user NAME --roles sales,hr [--file PATH] [--rounds 12]``."""
    parser = argparse.ArgumentParser(prog="python -m ui.auth", description="Manage the Pipeline Pulse users file.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add-user", help="hash a password and print (or append) a [users.NAME] entry")
    add.add_argument("name", help="user name: letters, digits, '.', '_' or '-'")
    add.add_argument("--roles", required=True, help=f"comma-separated, among {', '.join(ROLES)}")
    add.add_argument("--file", type=Path, help="append the entry to this users file instead of printing it")
    add.add_argument("--rounds", type=int, default=12, help="bcrypt cost factor (default 12)")
    args = parser.parse_args(argv)
    wanted = [r.strip().lower() for r in args.roles.split(",") if r.strip()]
    unknown = [r for r in wanted if r not in ROLES]
    if not _NAME_PATTERN.match(args.name) or unknown or not wanted or not 4 <= args.rounds <= 31:
        problem = (f"unknown role(s): {', '.join(unknown)}" if unknown else "no role given" if not wanted else
                   "the cost factor must be 4 to 31" if not 4 <= args.rounds <= 31 else
                   "a user name has 1 to 64 letters, digits, '.', '_' or '-'")
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        existing = args.file.read_text(encoding="utf-8") if args.file and args.file.is_file() else ""
        if args.name in (tomllib.loads(existing).get("users") or {}):
            raise ValueError(f"{args.file} already has a user '{args.name}'; edit or remove that entry first.")
        entry = users_entry(args.name, frozenset(wanted), hash_password(_read_password(sys.stdin), args.rounds))
    except (ValueError, OSError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.file is None:
        print(entry, end="")
        return 0
    args.file.parent.mkdir(parents=True, exist_ok=True)
    separator = "" if not existing or existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
    with args.file.open("a", encoding="utf-8") as out:
        out.write(separator + entry)
    args.file.chmod(0o600)  # password hashes: readable by the app's account only
    print(f"Added user '{args.name}' ({', '.join(wanted)}) to {args.file}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

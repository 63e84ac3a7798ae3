"""The README's configuration table lists every setting and every PULSE_* environment variable, with its default.

The lists come from the code itself (the settings catalogue, and a scan of the source for PULSE_ names), so a
new setting or variable without a README line fails here.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from analytics.store import settings as settings_mod

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SOURCES = [p for folder in ("analytics", "ui", "views") for p in (ROOT / folder).rglob("*.py")] + [ROOT / "app.py"]


def config_rows() -> list[list[str]]:
    """The rows of the table under '## Configuration': [knob, where, default] cells."""
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in section.splitlines()
            if line.startswith("|") and not line.startswith("|---")]
    return rows[1:]


def env_vars_in_code() -> set[str]:
    return {name for path in SOURCES for name in re.findall(r"\bPULSE_[A-Z_]+\b", path.read_text(encoding="utf-8"))}


def shown_default(value: object) -> str:
    if value == "":
        return "empty"
    return f"{value:g}" if isinstance(value, float) else str(value)


def test_the_code_reads_the_variables_we_expect():  # guards the scan itself: it finds what is certainly there
    assert {"PULSE_DB", "PULSE_LOCK_TIMEOUT", "PULSE_MAX_FILE_MB", "PULSE_USERS"} <= env_vars_in_code()


@pytest.mark.parametrize("setting", settings_mod.SETTINGS, ids=lambda s: s.name)
def test_every_setting_has_a_readme_line_with_its_default(setting):
    rows = [r for r in config_rows() if f"`{setting.name}`" in r[1]]
    assert rows, f"README configuration table has no line for the setting {setting.name}"
    assert rows[0][2] == shown_default(setting.default), (setting.name, rows[0][2])


@pytest.mark.parametrize("name", sorted(env_vars_in_code()))
def test_every_environment_variable_has_a_readme_line_with_a_default(name):
    rows = [r for r in config_rows() if f"`{name}`" in r[1]]
    assert rows, f"README configuration table has no line for {name}"
    assert rows[0][2], f"{name} has no default in the README"

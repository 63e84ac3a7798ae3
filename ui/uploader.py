"""The file uploader with its own words in the session's language.

Streamlit draws the uploader's button ("Upload") and its limits ("200MB per file • CSV, XLSX") in English
whatever the page's language, and has no option for them. Outside English, a small style sheet scoped to the
uploader's key hides those two texts and shows the catalogue's instead (CSS ``content``): the button reads
"Choisir des fichiers", the limits "200 Mo max. par fichier • CSV, XLSX", the size formatted by ``ui.fmt``.
"""
from __future__ import annotations

import re

import streamlit as st

from ui import fmt
from ui.i18n import language, t

_SAFE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _css_text(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and line breaks escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def uploader_style(key: str, types: list[str]) -> str:
    """The style sheet that words the uploader ``key`` in the session's language ("" in English)."""
    if language() == "en" or not _SAFE_KEY.match(key):
        return ""
    limit = t("{size} MB max. per file", size=fmt.number(st.get_option("server.maxUploadSize")))
    limits = " • ".join([limit, ", ".join(kind.upper() for kind in types)])
    scope = f".st-key-{key} [data-testid='stFileUploader']"
    button = f"{scope} [data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p"
    notes = f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span"
    return (f"<style>{button}{{font-size:0}} {button}::after{{content:{_css_text(t('Choose files'))};"
            f"font-size:0.875rem}} {notes}{{font-size:0}} {notes}::after{{content:{_css_text(limits)};"
            f"font-size:0.875rem}}</style>")


def file_uploader(label: str, types: list[str], key: str, **options):
    """``st.file_uploader`` whose button and limits read in the session's language (see the module's note)."""
    style = uploader_style(key, types)
    if style:
        st.html(style)
    return st.file_uploader(label, type=types, key=key, **options)

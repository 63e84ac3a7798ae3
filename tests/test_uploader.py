"""The file uploader's own words (button, limits) in French: a style sheet scoped to the uploader's key."""
from __future__ import annotations

from ui.i18n import set_language
from ui.uploader import uploader_style


def test_the_uploader_reads_in_french_and_is_left_alone_in_english():
    assert uploader_style("import_files", ["csv", "xlsx"]) == ""          # English: Streamlit's own words
    set_language("fr")
    try:
        style = uploader_style("import_files", ["csv", "xlsx"])
        assert '.st-key-import_files' in style
        assert 'content:"Choisir des fichiers"' in style
        # server.maxUploadSize = 200 (.streamlit/config.toml is not read here: Streamlit's default is 200 too)
        assert 'content:"200 Mo max. par fichier • CSV, XLSX"' in style
        assert uploader_style("bad key}", ["csv"]) == ""                    # a key that cannot scope a rule
    finally:
        set_language("en")

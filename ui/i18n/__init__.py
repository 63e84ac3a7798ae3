"""Every visible string goes through ``t()``: English keys, French catalogs per area (``ui.i18n.sales`` …).

``core`` holds the language of the current session and ``t``; the area modules hold only their ``FR`` dicts.
"""
from ui.i18n.core import FR, LANGUAGES, language, missing_translations, set_language, t

__all__ = ["FR", "LANGUAGES", "language", "missing_translations", "set_language", "t"]

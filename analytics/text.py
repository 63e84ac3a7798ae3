"""Text helpers shared by the importer and the metrics: how headers and labels are compared.

A leaf module: it imports nothing from ``analytics``."""

from __future__ import annotations

import functools
import re
import unicodedata


@functools.lru_cache(maxsize=8192)
def normalise_header(header: str) -> str:
    """Header as compared: lowercase, accents stripped (é→e), punctuation/underscores → single spaces, trimmed."""
    text = unicodedata.normalize("NFKD", str(header))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[\W_]+", " ", text).strip()

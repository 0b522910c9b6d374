"""App text for the search pages (English and Korean); keys start with ``search.``."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {}

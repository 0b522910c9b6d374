"""App text for the lake pages (English and Korean); keys start with ``lake.``."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {}

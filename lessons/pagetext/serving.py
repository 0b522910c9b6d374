"""App text for the serving pages (English and Korean); keys start with ``serving.``."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {}

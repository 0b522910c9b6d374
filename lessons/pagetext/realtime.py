"""App text for the realtime pages (English and Korean); keys start with ``realtime.``."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {}

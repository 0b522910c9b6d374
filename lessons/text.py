"""Words in the course's two languages."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "ko")


@dataclass(frozen=True)
class Text:
    """The same words in English and Korean."""

    en: str
    ko: str

    def get(self, lang: str = "en") -> str:
        """The words in `lang`; English for any other language."""
        return self.ko if lang == "ko" else self.en

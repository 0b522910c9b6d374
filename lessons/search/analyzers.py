"""Text analysis by hand: the steps an OpenSearch analyzer runs before anything is indexed.

An analyzer turns a field's text into terms. The ``standard`` analyzer here splits on every
character that is not a letter or digit and lowercases; the ``ngram`` analyzer then cuts each
word into overlapping pieces of ``min_gram``..``max_gram`` characters, so a query for part of a
word ("arbo") still finds "Harbor". The same analyzer must run on the documents and on a match
query's text, or they will not meet in the index.

Fidelity: the standard analyzer here equals tantivy's ``simple`` tokenizer plus its lowercase
filter (a test checks every track and artist name). OpenSearch's ``standard`` analyzer splits on
Unicode word boundaries (UAX #29), which differs for apostrophes and some scripts ("harbor's"
stays one token there, two here); stop words are off in both by default. The ngram analyzer is
OpenSearch's ``ngram`` token filter applied after the standard analyzer, with grams ordered by
start position then length, as tantivy's ngram tokenizer emits them for one word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lessons import facts
from lessons.errors import LabError

__all__ = [
    "ANALYZERS",
    "Analyzer",
    "QueryError",
    "analysis_steps",
    "analyze",
    "check_query_text",
    "ngrams",
    "require_terms",
    "standard_tokens",
]

# Letters and digits in any script; "_" is a word character for \w but a separator here.
_WORD = re.compile(r"[^\W_]+")
MAX_QUERY_CHARS = 200  # a search box, not a document: longer text is a mistake, not a query


class QueryError(LabError):
    """A query the index cannot run: empty, too long, or of a kind this index cannot answer."""


@dataclass(frozen=True)
class Analyzer:
    """What happens to text on its way into the index: split, lowercase, optionally n-grams."""

    name: str
    lowercase: bool = True
    min_gram: int | None = None
    max_gram: int | None = None

    def __post_init__(self) -> None:
        if (self.min_gram is None) != (self.max_gram is None):
            raise QueryError("An n-gram analyzer needs both min_gram and max_gram.")
        if self.min_gram is not None and self.max_gram is not None:
            if not 1 <= self.min_gram <= self.max_gram:
                raise QueryError("n-grams need 1 <= min_gram <= max_gram.")
            allowed = int(facts.number("opensearch.max_ngram_diff_default"))
            if self.max_gram - self.min_gram > allowed:
                raise QueryError(
                    f"max_gram - min_gram is {self.max_gram - self.min_gram}; OpenSearch refuses "
                    f"more than index.max_ngram_diff = {allowed} unless the index raises it."
                )


ANALYZERS = {
    "standard": Analyzer("standard"),
    "ngram": Analyzer("ngram", min_gram=2, max_gram=3),
}


def standard_tokens(text: str) -> list[str]:
    """Split on every character that is not a letter or a digit (case kept)."""
    return _WORD.findall(text)


def ngrams(word: str, min_gram: int, max_gram: int) -> list[str]:
    """Every piece of `word` of min_gram..max_gram characters, by start position then length."""
    return [
        word[start : start + size]
        for start in range(len(word))
        for size in range(min_gram, max_gram + 1)
        if start + size <= len(word)
    ]


def analyze(text: str, analyzer: Analyzer | str = "standard") -> list[str]:
    """The terms `analyzer` makes from `text`, in order (repeats kept: they count as tf)."""
    chosen = ANALYZERS[analyzer] if isinstance(analyzer, str) else analyzer
    words = standard_tokens(text)
    if chosen.lowercase:
        words = [w.lower() for w in words]
    if chosen.min_gram is None or chosen.max_gram is None:
        return words
    return [g for w in words for g in ngrams(w, chosen.min_gram, chosen.max_gram)]


def analysis_steps(text: str, analyzer: Analyzer | str = "ngram") -> list[tuple[str, list[str]]]:
    """Each analysis step with its output, for showing the pipeline term by term."""
    chosen = ANALYZERS[analyzer] if isinstance(analyzer, str) else analyzer
    words = standard_tokens(text)
    steps = [("tokenize", words)]
    lowered = [w.lower() for w in words] if chosen.lowercase else words
    steps.append(("lowercase", lowered))
    if chosen.min_gram is not None and chosen.max_gram is not None:
        steps.append(
            (f"ngram {chosen.min_gram}-{chosen.max_gram}",
             [g for w in lowered for g in ngrams(w, chosen.min_gram, chosen.max_gram)])
        )  # fmt: skip
    return steps


def check_query_text(text: object) -> str:
    """The query text, or a QueryError a learner understands (empty, blank, not text, too long)."""
    if not isinstance(text, str):
        raise QueryError(f"A query is text; got {type(text).__name__}.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"That query has {len(text)} characters; keep it under {MAX_QUERY_CHARS}.")
    if not standard_tokens(text):
        shown = repr(text) if text.strip() else "an empty query"
        raise QueryError(
            f"Nothing to search for in {shown}: the analyzer keeps only letters and digits, so "
            "it produced no terms. Type at least one word."
        )
    return text


def require_terms(text: str, terms: list[str], min_gram: int | None) -> list[str]:
    """`terms`, or a QueryError when an n-gram analyzer cut nothing from words that short."""
    if not terms:
        raise QueryError(
            f"The n-gram analyzer made no terms from {text!r}: it cuts pieces of at least "
            f"{min_gram} characters, so shorter words match nothing. Type a longer word."
        )
    return terms

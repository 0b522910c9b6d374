"""The ways a playground query can fail, each a :class:`~lessons.errors.LabError` with a message
a learner can act on: refused before it runs, stopped for time or memory, or rejected by
DuckDB.
"""

from __future__ import annotations

from lessons.errors import LabError


class SandboxError(LabError):
    """A playground query that cannot run."""


class QueryRefused(SandboxError):
    """The query asks for something the playground never runs (a file, a setting, a write)."""


class QueryStopped(SandboxError):
    """The query was stopped because it used more time or memory than the playground allows."""


class QueryFailed(SandboxError):
    """DuckDB rejected the query (a typo, a hidden or missing column, a type mismatch)."""

"""The four DEA-C01 exam domains (ids are what quiz files use).

Their exam weights belong in the facts table once sourced from the current AWS exam guide.
"""

from __future__ import annotations

from dataclasses import dataclass

from lessons.text import Text


@dataclass(frozen=True)
class Domain:
    id: str
    title: Text


DOMAINS = (
    Domain("ingestion", Text("Data Ingestion and Transformation", "데이터 수집 및 변환")),
    Domain("store", Text("Data Store Management", "데이터 스토어 관리")),
    Domain("operations", Text("Data Operations and Support", "데이터 운영 및 지원")),
    Domain("security", Text("Data Security and Governance", "데이터 보안 및 거버넌스")),
)  # fmt: skip
DOMAIN_IDS = tuple(d.id for d in DOMAINS)


def domain(domain_id: str) -> Domain:
    """The domain with this id (ids are validated by the quiz schema)."""
    return next(d for d in DOMAINS if d.id == domain_id)

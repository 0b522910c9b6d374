"""The course map: topics in pipeline order and the lesson manifest (notebooks/_toc.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from lessons.errors import LabError
from lessons.paths import NOTEBOOKS_DIR
from lessons.text import LANGUAGES, Text

STATUSES = ("ready", "planned")


@dataclass(frozen=True)
class Topic:
    """A stage of the pipeline the course walks through."""

    id: str
    name: Text
    services: Text  # AWS service names stay in English in both languages, as AWS writes them

    def title(self, lang: str = "en") -> str:
        return self.name.get(lang)

    def service_list(self, lang: str = "en") -> str:
        """The services (or, for the dataset, the tables) this stage is about."""
        return self.services.get(lang)


def _same(words: str) -> Text:
    """Service names only: AWS uses the English names on its Korean pages too."""
    return Text(words, words)


TOPICS = (
    Topic(
        "dataset", Text("Music dataset", "음악 데이터셋"),
        Text("play events, tracks reference", "재생 이벤트, 트랙 참조 테이블"),
    ),
    Topic("streams", Text("Ingest and stream", "수집과 스트리밍"),
          _same("Kinesis, Firehose, SQS, MSK")),
    Topic("lake", Text("Data lake and SQL", "데이터 레이크와 SQL"),
          _same("S3, Glue, Athena, Lake Formation")),
    Topic("search", Text("Search", "검색"), _same("OpenSearch")),
    Topic("realtime", Text("Real-time analytics", "실시간 분석"),
          _same("Managed Service for Apache Flink")),
    Topic("serving", Text("Dashboards and warehouse", "대시보드와 웨어하우스"),
          _same("QuickSight, Redshift")),
)  # fmt: skip
TOPIC_IDS = tuple(t.id for t in TOPICS)


@dataclass(frozen=True)
class Lesson:
    """One lesson notebook (or a planned one) with a stable id that quizzes and the app use."""

    id: str
    topic: str
    minutes: int
    status: str
    name: Text
    file: str | None = None

    def title(self, lang: str = "en") -> str:
        return self.name.get(lang)

    @property
    def path(self) -> Path | None:
        return NOTEBOOKS_DIR / self.file if self.file else None

    @property
    def ready(self) -> bool:
        return self.status == "ready"


def _lesson_from(entry: object, index: int) -> Lesson:
    where = f"notebooks/_toc.yml lesson #{index + 1}"
    if not isinstance(entry, dict):
        raise LabError(f"{where}: must be a mapping")
    title = entry.get("title") or {}
    missing = [k for k in ("id", "topic", "minutes", "status") if k not in entry]
    if missing or not all(isinstance(title.get(lang), str) for lang in LANGUAGES):
        raise LabError(f"{where}: needs id, topic, minutes, status and title.en/title.ko")
    if entry["topic"] not in TOPIC_IDS or entry["status"] not in STATUSES:
        raise LabError(f"{where} ({entry['id']}): unknown topic or status")
    if entry["status"] == "ready" and not entry.get("file"):
        raise LabError(f"{where} ({entry['id']}): a ready lesson needs its notebook file")
    return Lesson(
        id=str(entry["id"]), topic=entry["topic"], minutes=int(entry["minutes"]),
        status=entry["status"], name=Text(en=title["en"], ko=title["ko"]),
        file=entry.get("file"),
    )  # fmt: skip


@cache
def lessons(toc: Path = NOTEBOOKS_DIR / "_toc.yml") -> tuple[Lesson, ...]:
    """Every lesson in course order, validated."""
    try:
        raw = yaml.safe_load(toc.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise LabError(f"Cannot read the lesson manifest {toc}: {exc}") from exc
    found = tuple(_lesson_from(e, i) for i, e in enumerate(raw.get("lessons") or []))
    ids = [lesson.id for lesson in found]
    if len(set(ids)) != len(ids):
        raise LabError(f"{toc}: lesson ids must be unique")
    return found


def lesson(lesson_id: str) -> Lesson:
    """The lesson with this id, or a clear error."""
    for item in lessons():
        if item.id == lesson_id:
            return item
    raise LabError(f"Unknown lesson id {lesson_id!r}; see notebooks/_toc.yml")


def topic(topic_id: str) -> Topic:
    """The topic with this id, or a clear error."""
    for item in TOPICS:
        if item.id == topic_id:
            return item
    raise LabError(f"Unknown topic {topic_id!r}; topics are {', '.join(TOPIC_IDS)}")

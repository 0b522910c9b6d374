"""The app's own words in English and Korean (questions carry their own translations)."""

from __future__ import annotations

from lessons.pagetext import lake, realtime, search, serving
from lessons.text import LANGUAGES

LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}

_TEXT: dict[str, dict[str, str]] = {
    "app.title": {"en": "Pipeline Lab", "ko": "Pipeline Lab"},
    "app.tagline": {
        "en": "How data pipelines are built on AWS, run as experiments on music-streaming data: "
        "offline, free, and measured.",
        "ko": "AWS에서 데이터 파이프라인을 만드는 방법을 음악 스트리밍 데이터로 직접 실험하며 "
        "배웁니다. 오프라인, 무료, 그리고 모든 수치는 측정값입니다.",
    },
    "app.language": {"en": "Language", "ko": "언어"},
    "app.error": {
        "en": "Something went wrong on this page. Your data is unchanged.",
        "ko": "이 페이지에서 문제가 발생했습니다. 데이터는 변경되지 않았습니다.",
    },
    "nav.home": {"en": "Course map", "ko": "코스 지도"},
    "nav.dataset": {"en": "Music dataset", "ko": "음악 데이터셋"},
    "nav.facts": {"en": "AWS facts", "ko": "AWS 사실 표"},
    "nav.streams": {"en": "Streams", "ko": "스트림"},
    "streams.tab.batch": {"en": "Stream vs batch", "ko": "스트림과 배치"},
    "streams.batch.intro": {
        "en": "The same question, plays per artist, answered by batch jobs and streaming jobs on "
        "a week of plays: how long until an event shows, against the compute paid.",
        "ko": "같은 질문(아티스트별 재생 수)을 배치 작업과 스트리밍 작업으로 일주일치 재생 "
        "데이터에 대해 계산합니다. 이벤트가 결과에 반영되기까지의 시간과 지불한 컴퓨팅 "
        "시간을 비교합니다.",
    },
    "streams.tab.shards": {"en": "Shards and keys", "ko": "샤드와 키"},
    "streams.tab.throughput": {"en": "Throughput", "ko": "처리량"},
    "streams.tab.firehose": {"en": "Firehose buffering", "ko": "Firehose 버퍼링"},
    "streams.tab.compare": {"en": "Kinesis vs SQS vs MSK", "ko": "Kinesis, SQS, MSK 비교"},
    "streams.shards.intro": {
        "en": "Type partition keys, separated by commas: each lands on the shard whose hash key "
        "range holds the MD5 of the key.",
        "ko": "쉼표로 구분해 파티션 키를 입력하세요. 각 키는 키의 MD5 값이 속한 해시 키 범위를 "
        "가진 샤드로 갑니다.",
    },
    "streams.shards.keys": {"en": "Partition keys", "ko": "파티션 키"},
    "streams.shards.count": {"en": "Shards", "ko": "샤드 수"},
    "streams.shards.title": {"en": "Keys on the hash key space", "ko": "해시 키 공간 위의 키"},
    "streams.throughput.intro": {
        "en": "A week of plays sent in one minute. Pick the partition key and the shard count, "
        "and split the busiest shard: what changes, and what does not?",
        "ko": "일주일치 재생 이벤트를 1분 동안 보냅니다. 파티션 키와 샤드 수를 고르고 가장 바쁜 "
        "샤드를 분할해 보세요. 무엇이 바뀌고 무엇이 그대로입니까?",
    },
    "streams.throughput.key": {"en": "Partition key", "ko": "파티션 키"},
    "streams.throughput.split": {"en": "Split the busiest shard", "ko": "가장 바쁜 샤드 분할"},
    "streams.throughput.shards": {"en": "shards", "ko": "샤드"},
    "streams.throughput.throttled": {"en": "records throttled", "ko": "스로틀링된 레코드"},
    "streams.throughput.hot_share": {"en": "busiest shard's share", "ko": "가장 바쁜 샤드 비중"},
    "streams.throughput.chart": {
        "en": "Accepted records per second, busiest shards",
        "ko": "가장 바쁜 샤드의 초당 수락 레코드",
    },
    "streams.firehose.intro": {
        "en": "One hour of plays through Firehose. Your setting is the last row, next to the "
        "smallest, default and largest buffers.",
        "ko": "한 시간 분량의 재생 이벤트를 Firehose로 보냅니다. 마지막 행이 선택한 설정이며, "
        "최소, 기본, 최대 버퍼와 비교됩니다.",
    },
    "streams.firehose.size": {"en": "Buffer size (MiB)", "ko": "버퍼 크기(MiB)"},
    "streams.firehose.interval": {"en": "Buffer interval (s)", "ko": "버퍼 간격(초)"},
    "streams.firehose.chart": {
        "en": "S3 objects written against delivery delay",
        "ko": "S3에 쓴 객체 수와 전송 지연",
    },
    "streams.compare.intro": {
        "en": "The same events (1% resent by the producer) through every service: order, "
        "duplicates, replay and fan-out, measured in this run.",
        "ko": "같은 이벤트(생산자가 1%를 재전송)를 모든 서비스에 보냅니다. 순서, 중복, 재처리, "
        "팬아웃을 이번 실행에서 측정합니다.",
    },
    "streams.compare.consumers": {"en": "Consumers", "ko": "소비자 수"},
    "streams.compare.crash": {"en": "A consumer crashes halfway", "ko": "중간에 소비자 하나 장애"},
    "streams.compare.hours": {
        "en": "Hours of this traffic, for the billing units",
        "ko": "과금 단위 계산을 위한 트래픽 지속 시간(시간)",
    },
    "streams.batch.startup": {
        "en": "Batch job start-up (seconds)",
        "ko": "배치 작업 시작 시간(초)",
    },
    "streams.throughput.unit": {"en": "records/s", "ko": "레코드/초"},
    "streams.chart.freshness_title": {
        "en": "Freshness against cost (log scales)",
        "ko": "신선도와 비용 (로그 축)",
    },
    "streams.chart.paid_seconds": {"en": "compute seconds paid", "ko": "비용을 낸 컴퓨팅 시간(초)"},
    "streams.chart.freshness_p50": {
        "en": "median seconds until an event shows",
        "ko": "이벤트 반영까지 걸린 시간 중앙값(초)",
    },
    "streams.chart.hash_axis": {"en": "MD5(partition key) / 2^128", "ko": "MD5(파티션 키) / 2^128"},
    "streams.chart.hash_hover": {"en": "of the key space", "ko": "(키 공간에서의 위치)"},
    "streams.chart.limit": {"en": "limit", "ko": "한도"},
    "streams.chart.time": {"en": "time", "ko": "시간"},
    "streams.chart.s3_objects": {"en": "S3 objects", "ko": "S3 객체"},
    "streams.chart.latency_legend": {"en": "median latency (s)", "ko": "지연 시간 중앙값(초)"},
    "streams.chart.objects_axis": {"en": "objects written", "ko": "쓴 객체 수"},
    "streams.chart.latency_axis": {
        "en": "median delivery latency (s)",
        "ko": "전송 지연 시간 중앙값(초)",
    },
    "streams.kind.batch-full": {"en": "batch-full", "ko": "배치(전체 재계산)"},
    "streams.kind.batch-incremental": {"en": "batch-incremental", "ko": "배치(증분)"},
    "streams.kind.stream": {"en": "stream", "ko": "스트림"},
    "streams.schedule.daily_full": {"en": "daily batch (full)", "ko": "일 배치(전체)"},
    "streams.schedule.hourly_full": {"en": "hourly batch (full)", "ko": "시간별 배치(전체)"},
    "streams.schedule.hourly_incremental": {
        "en": "hourly batch (incremental)",
        "ko": "시간별 배치(증분)",
    },
    "streams.schedule.quarter_incremental": {
        "en": "15-minute batch (incremental)",
        "ko": "15분 배치(증분)",
    },
    "streams.schedule.micro_batch": {
        "en": "micro-batch stream (10 s)",
        "ko": "마이크로 배치 스트림(10초)",
    },
    "streams.schedule.stream": {"en": "stream (1 s)", "ko": "스트림(1초)"},
    "streams.col.schedule": {"en": "schedule", "ko": "작업 주기"},
    "streams.col.kind": {"en": "kind", "ko": "종류"},
    "streams.col.runs": {"en": "runs", "ko": "실행 횟수"},
    "streams.col.records_read": {"en": "records read", "ko": "읽은 레코드"},
    "streams.col.busy_seconds": {"en": "busy seconds", "ko": "작업 시간(초)"},
    "streams.col.paid_seconds": {"en": "paid seconds", "ko": "과금 시간(초)"},
    "streams.col.freshness_p50": {"en": "freshness p50 (s)", "ko": "반영 지연 p50(초)"},
    "streams.col.freshness_p95": {"en": "freshness p95 (s)", "ko": "반영 지연 p95(초)"},
    "streams.col.key": {"en": "key", "ko": "키"},
    "streams.col.fraction": {"en": "fraction", "ko": "키 공간 위치"},
    "streams.col.shard_id": {"en": "shard_id", "ko": "샤드"},
    "streams.col.setting": {"en": "setting", "ko": "설정"},
    "streams.col.objects": {"en": "objects", "ko": "객체 수"},
    "streams.col.mean_object_kib": {"en": "mean object KiB", "ko": "평균 객체 크기(KiB)"},
    "streams.col.latency_p50_s": {"en": "latency_p50_s", "ko": "지연 시간 p50(초)"},
    "streams.col.flushed_by_size": {"en": "flushed by size", "ko": "크기 조건으로 전송"},
    "streams.col.service": {"en": "service", "ko": "서비스"},
    "streams.col.order_broken": {"en": "order broken (records)", "ko": "순서가 깨진 레코드"},
    "streams.col.processed_twice": {"en": "processed twice", "ko": "두 번 처리됨"},
    "streams.col.lost": {"en": "lost (dropped)", "ko": "유실(버려짐)"},
    "streams.col.throttled": {"en": "throttled records", "ko": "스로틀링된 레코드"},
    "streams.col.replay": {"en": "replay after a bug", "ko": "버그 수정 후 재처리"},
    "streams.col.consumers": {"en": "independent consumers", "ko": "독립 소비자"},
    "streams.col.max_record": {"en": "max record", "ko": "최대 레코드 크기"},
    "streams.col.retention": {"en": "retention", "ko": "보존 기간"},
    "streams.col.unit": {"en": "unit", "ko": "과금 단위"},
    "streams.col.quantity": {"en": "quantity", "ko": "수량"},
    "home.minutes": {"en": "{minutes} min", "ko": "{minutes}분"},
    "nav.section.course": {"en": "Course", "ko": "코스"},
    "nav.section.quiz": {"en": "Quizzes", "ko": "퀴즈"},
    "nav.practice": {"en": "Practice", "ko": "연습"},
    "nav.review": {"en": "Review", "ko": "복습"},
    "nav.exam": {"en": "Mock exam", "ko": "모의 시험"},
    "nav.team": {"en": "Team session", "ko": "팀 세션"},
    "team.role": {"en": "I am", "ko": "역할"},
    "team.learner": {"en": "a learner", "ko": "학습자"},
    "team.trainer": {"en": "the trainer", "ko": "트레이너"},
    "team.trainer_name": {"en": "Trainer name", "ko": "트레이너 이름"},
    "team.count": {"en": "Questions", "ko": "문제 수"},
    "team.start": {"en": "Start a session", "ko": "세션 시작"},
    "team.code": {"en": "Session code", "ko": "세션 코드"},
    "team.joined": {"en": "joined", "ko": "명 참여"},
    "team.reveal": {"en": "Reveal the answers", "ko": "답 공개"},
    "team.next": {"en": "Next question", "ko": "다음 문제"},
    "team.close": {"en": "Close the session", "ko": "세션 종료"},
    "team.join": {"en": "Join", "ko": "참여"},
    "team.closed": {
        "en": "The trainer closed this session.",
        "ko": "트레이너가 세션을 종료했습니다.",
    },
    "team.refresh": {"en": "Refresh", "ko": "새로 고침"},
    "exam.intro": {
        "en": "Questions are drawn in proportion to the DEA-C01 exam domains. No feedback until "
        "you finish or the time runs out; flag questions to come back to them.",
        "ko": "DEA-C01 시험 도메인 비율에 맞춰 문제를 뽑습니다. 끝내거나 시간이 다 될 때까지 "
        "채점 결과를 보여 주지 않습니다. 다시 볼 문제에는 표시를 해 두세요.",
    },
    "exam.size": {"en": "Questions", "ko": "문제 수"},
    "exam.minutes": {"en": "Time limit (minutes)", "ko": "제한 시간(분)"},
    "exam.start": {"en": "Start the exam", "ko": "시험 시작"},
    "exam.answered": {"en": "answered", "ko": "답함"},
    "exam.flagged": {"en": "flagged", "ko": "표시함"},
    "exam.left": {"en": "Time left", "ko": "남은 시간"},
    "exam.flag": {"en": "Flag for review", "ko": "나중에 다시 보기"},
    "exam.previous": {"en": "Previous", "ko": "이전"},
    "exam.next": {"en": "Next", "ko": "다음"},
    "exam.finish": {"en": "Finish and score", "ko": "종료하고 채점"},
    "exam.score": {"en": "Score", "ko": "점수"},
    "exam.wrong": {"en": "Questions to study", "ko": "다시 공부할 문제"},
    "exam.again": {"en": "New exam", "ko": "새 시험"},
    "exam.col.group": {"en": "area", "ko": "영역"},
    "exam.col.questions": {"en": "questions", "ko": "문제 수"},
    "exam.col.answered": {"en": "answered", "ko": "답한 문제"},
    "exam.col.correct": {"en": "correct", "ko": "맞힌 문제"},
    "exam.col.percent": {"en": "percent correct", "ko": "정답률(%)"},
    "exam.estimate_basis": {
        "en": "Rough guide only: AWS reports a scaled score and passes at {score:g}/{scale}, but "
        "how raw answers map to that scale is not public; this compares your raw {percent:.1f}% "
        "correct with {threshold:g}% ({score:g}/{scale}).",
        "ko": "대략적인 참고용입니다. AWS는 환산 점수로 결과를 알려 주며 {scale}점 만점에 "
        "{score:g}점이면 합격이지만, 실제 정답 수가 환산 점수로 어떻게 바뀌는지는 공개되지 "
        "않았습니다. 여기서는 정답률 {percent:.1f}%를 {threshold:g}%({score:g}/{scale})와 "
        "비교합니다.",
    },
    "exam.no_estimate": {
        "en": "No pass estimate: {fact} is not in the facts table.",
        "ko": "합격 여부를 추정하지 않습니다. 사실 표에 {fact} 값이 없습니다.",
    },
    "exam.weights_sourced": {
        "en": "All domain weights come from the facts table ({sourced}).",
        "ko": "모든 도메인 비중은 사실 표에서 가져왔습니다({sourced}).",
    },
    "exam.weights_standin": {
        "en": "Sourced: {sourced}. Not in the facts table: {missing}; each gets an equal share of "
        "the remaining {rest:g}% ({each:.1f}%), a stand-in rather than AWS's figure.",
        "ko": "출처 있는 비중: {sourced}. 사실 표에 없는 도메인({missing})은 남은 {rest:g}%를 "
        "똑같이 나눠 각각 {each:.1f}%로 둡니다. AWS가 밝힌 값이 아니라 임시 값입니다.",
    },
    "exam.weights_none": {"en": "none", "ko": "없음"},
    "nav.progress": {"en": "Progress", "ko": "진도"},
    "quiz.name": {"en": "Your name (for your progress)", "ko": "이름(진도 저장용)"},
    "quiz.name_needed": {
        "en": "Type your name in the sidebar to start; your answers are kept on this machine.",
        "ko": "시작하려면 사이드바에 이름을 입력하세요. 답안은 이 컴퓨터에만 저장됩니다.",
    },
    "quiz.topics": {"en": "Topics", "ko": "주제"},
    "quiz.all": {"en": "All", "ko": "전체"},
    "quiz.domains": {"en": "Exam domains", "ko": "시험 도메인"},
    "quiz.choose_one": {"en": "Choose one", "ko": "하나를 고르세요"},
    "quiz.choose_all": {"en": "Choose all that apply", "ko": "해당하는 것을 모두 고르세요"},
    "quiz.submit": {"en": "Check my answer", "ko": "정답 확인"},
    "quiz.next": {"en": "Next question", "ko": "다음 문제"},
    "quiz.right": {"en": "Right.", "ko": "정답입니다."},
    "quiz.wrong": {"en": "Not quite: here is why.", "ko": "오답입니다. 이유는 다음과 같습니다."},
    "quiz.source": {"en": "source", "ko": "출처"},
    "quiz.lesson": {"en": "Lesson", "ko": "레슨"},
    "review.intro": {
        "en": "Questions come back on a Leitner schedule: 1, 2, 4, 8 and 16 days, back to the "
        "start after a wrong answer.",
        "ko": "문제는 라이트너 일정(1, 2, 4, 8, 16일)에 따라 다시 나오며, 틀리면 처음부터 "
        "다시 시작합니다.",
    },
    "review.due": {"en": "due today", "ko": "오늘 복습할 문제"},
    "review.nothing_due": {
        "en": "Nothing is due today. Practise to add questions to your review.",
        "ko": "오늘 복습할 문제가 없습니다. 연습을 하면 복습할 문제가 쌓입니다.",
    },
    "progress.nothing_yet": {
        "en": "No answers here yet.",
        "ko": "아직 답안이 없습니다.",
    },
    "progress.over_time": {"en": "Mastery over time", "ko": "시간에 따른 숙달도"},
    "progress.share": {"en": "share correct", "ko": "정답 비율"},
    "progress.group": {"en": "area", "ko": "영역"},
    "progress.day": {"en": "day", "ko": "날짜"},
    "progress.counts": {
        "en": "{correct}/{answered} right",
        "ko": "{answered}문제 중 {correct}개 정답",
    },
    "progress.csv": {"en": "Download my answers (CSV)", "ko": "내 답안 내려받기(CSV)"},
    "progress.anki": {
        "en": "Download the question bank for Anki",
        "ko": "Anki용 문제 은행 내려받기",
    },
    "nav.section.reference": {"en": "Reference", "ko": "참고"},
    "home.map": {"en": "The pipeline you will build", "ko": "이 코스에서 만들 파이프라인"},
    "home.lessons": {"en": "Lessons", "ko": "레슨"},
    "home.ready": {"en": "ready", "ko": "준비됨"},
    "home.planned": {"en": "coming", "ko": "준비 중"},
    "home.open_page": {"en": "Open in the app", "ko": "앱에서 열기"},
    "home.open_lab": {
        "en": "Open the lessons as notebooks with `make lab`.",
        "ko": "`make lab` 명령으로 레슨 노트북을 엽니다.",
    },
    "dataset.intro": {
        "en": "Every lesson runs on these play events. Change the seed or the options and the data "
        "is generated again, in memory, in well under a second.",
        "ko": "모든 레슨은 이 재생 이벤트로 실행됩니다. 시드나 옵션을 바꾸면 데이터가 메모리에서 "
        "1초 안에 다시 생성됩니다.",
    },
    "dataset.seed": {"en": "Seed", "ko": "시드"},
    "dataset.rows": {"en": "Events", "ko": "이벤트 수"},
    "dataset.duplicates": {"en": "Resent events (fraction)", "ko": "재전송 이벤트 (비율)"},
    "dataset.late": {"en": "Late events (fraction)", "ko": "지연 이벤트 (비율)"},
    "dataset.skew": {"en": "Track popularity skew", "ko": "트랙 인기 편중도"},
    "dataset.schema": {"en": "Schema", "ko": "스키마"},
    "dataset.sample": {"en": "First events", "ko": "처음 이벤트"},
    "dataset.rhythm": {"en": "Plays per hour of day", "ko": "시간대별 재생 수"},
    "dataset.per_artist": {"en": "Plays per artist", "ko": "아티스트별 재생 수"},
    "dataset.per_device_track": {
        "en": "Plays per device and track",
        "ko": "디바이스·트랙별 재생 수",
    },
    "dataset.measured": {"en": "Measured in this run", "ko": "이번 실행의 측정값"},
    "dataset.metric.events": {"en": "events", "ko": "이벤트"},
    "dataset.metric.resent": {"en": "resent (same uuid)", "ko": "재전송 (같은 uuid)"},
    "dataset.metric.late": {"en": "late > 1 min", "ko": "1분 넘게 늦음"},
    "dataset.metric.evening": {"en": "evening / dawn", "ko": "저녁 / 새벽"},
    "dataset.metric.top_artist": {"en": "top artist share", "ko": "1위 아티스트 비중"},
    "facts.intro": {
        "en": "Every AWS limit, quota, price and name the course uses, each with its source and "
        "the date it was read. Lessons, pages and quiz questions read them from this table.",
        "ko": "코스에서 쓰는 모든 AWS 한도, 할당량, 가격, 이름을 출처와 확인 날짜와 함께 "
        "보여 줍니다. 레슨, 페이지, 퀴즈는 모두 이 표에서 값을 읽습니다.",
    },
    "facts.search": {"en": "Filter", "ko": "필터"},
    "facts.col.fact": {"en": "fact", "ko": "항목(영어 원문)"},
    "facts.col.value": {"en": "value", "ko": "값"},
    "facts.col.as_of": {"en": "as of", "ko": "확인 날짜"},
    "facts.col.source": {"en": "source", "ko": "출처"},
    "nav.fidelity": {"en": "How faithful the models are", "ko": "모델은 얼마나 충실한가"},
    "fidelity.intro": {
        "en": "Every experiment in this course runs on a model of an AWS service. Each model says "
        "what it does exactly as AWS documents it and what it simplifies; this page collects "
        "those notes from the code itself, so it always matches what runs.",
        "ko": "이 과정의 모든 실험은 AWS 서비스 모델 위에서 실행됩니다. 각 모델은 AWS 문서대로 "
        "정확히 동작하는 부분과 단순화한 부분을 스스로 밝힙니다. 이 페이지는 그 설명을 코드에서 "
        "직접 모아 보여 주므로 실제로 실행되는 내용과 항상 일치합니다. (설명은 코드에 적힌 "
        "영어 원문입니다.)",
    },
    "fidelity.topic": {"en": "Topic", "ko": "주제"},
    "fidelity.all": {"en": "All topics", "ko": "모든 주제"},
    "fidelity.count": {"en": "{count} models", "ko": "모델 {count}개"},
    "facts.changed": {"en": "What changed", "ko": "바뀐 점"},
    "facts.changed_intro": {
        "en": "Older notes and courses may still say otherwise:",
        "ko": "예전 자료에는 아직 다르게 적혀 있을 수 있습니다:",
    },
}


def _merge_area_text() -> None:
    for area in (lake, search, realtime, serving):
        clash = set(area.TEXT) & set(_TEXT)
        if clash:
            raise ValueError(f"app text keys defined twice: {sorted(clash)}")
        _TEXT.update(area.TEXT)


_merge_area_text()


def t(key: str, lang: str = "en") -> str:
    """The text for `key` in `lang` (English when a key or language is missing)."""
    entry = _TEXT.get(key)
    if entry is None:
        return key
    return entry.get(lang if lang in LANGUAGES else "en") or entry["en"]


def all_keys() -> list[str]:
    """Every text key (the tests check each has both languages)."""
    return list(_TEXT)


def raw(key: str) -> dict[str, str]:
    """Both translations of one key."""
    return dict(_TEXT[key])

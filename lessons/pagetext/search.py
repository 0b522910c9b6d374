"""App text for the search pages (English and Korean); keys start with ``search.``."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "search.nav": {"en": "Search indexing", "ko": "검색 인덱싱"},
    "search.tab.analyze": {"en": "Analyze and search", "ko": "분석과 검색"},
    "search.tab.segments": {"en": "Segments and refresh", "ko": "세그먼트와 새로 고침"},
    "search.tab.indexes": {"en": "Index kinds", "ko": "인덱스 종류"},
    "search.tab.cqrs": {"en": "SQL to search (CQRS)", "ko": "SQL에서 검색으로 (CQRS)"},
    "search.analyze.intro": {
        "en": "Type a query. It is analyzed into terms, each term is looked up in the inverted "
        "index built by hand on the 100 tracks, and the hits are scored with BM25. tantivy, a "
        "real Lucene-like engine, runs the same match query on the same documents.",
        "ko": "검색어를 입력하세요. 검색어는 분석기를 거쳐 용어(term)로 나뉘고, 각 용어를 트랙 "
        "100개로 직접 만든 역색인에서 찾은 뒤, 찾은 문서에 BM25 점수를 매깁니다. 실제 Lucene "
        "계열 엔진인 tantivy도 같은 문서에 같은 match 쿼리를 실행합니다.",
    },
    "search.query": {"en": "Query", "ko": "검색어"},
    "search.analyzer": {"en": "Analyzer", "ko": "분석기"},
    "search.operator": {
        "en": "Every term must match (operator AND)",
        "ko": "모든 용어가 일치해야 함 (operator AND)",
    },
    "search.steps": {"en": "Analysis, step by step", "ko": "단계별 분석"},
    "search.postings": {"en": "Postings looked up", "ko": "조회한 포스팅 목록"},
    "search.hand": {"en": "Hand-built index (BM25)", "ko": "직접 만든 인덱스 (BM25)"},
    "search.engine": {
        "en": "tantivy (BM25 on OpenSearch's scale)",
        "ko": "tantivy (OpenSearch 척도의 BM25)",
    },
    "search.agree": {"en": "Same documents, same ranking.", "ko": "같은 문서, 같은 순위입니다."},
    "search.disagree": {"en": "Different results.", "ko": "결과가 다릅니다."},
    "search.ties": {
        "en": "Both lists are sorted by score, then by track id: scores equal to {digits} "
        "decimals are ties, which BM25 leaves unordered and each engine would list its own way.",
        "ko": "두 목록 모두 점수순으로, 점수가 같으면 track id순으로 정렬했습니다. 소수점 "
        "{digits}자리까지 같은 점수는 동점이며, BM25는 동점의 순서를 정하지 않아 엔진마다 "
        "각자의 순서로 나열합니다.",
    },
    "search.term_note": {
        "en": "A term query on track_name with the text exactly as typed (not analyzed) finds:",
        "ko": "입력한 그대로(분석하지 않은) 텍스트로 track_name에 term 쿼리를 실행한 결과:",
    },
    "search.segments.intro": {
        "en": "Documents arrive for a minute. Each refresh turns the waiting writes into a new "
        "immutable segment and makes them searchable; an update leaves a tombstone on the old "
        "copy; merges combine small segments and drop the dead copies.",
        "ko": "1분 동안 문서가 들어옵니다. 새로 고침(refresh)마다 대기 중인 쓰기가 변경 불가능한 "
        "새 세그먼트가 되어 검색할 수 있게 되고, 업데이트는 이전 사본에 삭제 표시(tombstone)를 "
        "남기며, 병합은 작은 세그먼트를 합치면서 삭제된 사본을 버립니다.",
    },
    "search.refresh": {"en": "Refresh interval (s)", "ko": "새로 고침 간격 (초)"},
    "search.updates": {"en": "Updates per new document", "ko": "새 문서당 업데이트 수"},
    "search.max_segments": {
        "en": "Merge when segments exceed",
        "ko": "세그먼트가 이 수를 넘으면 병합",
    },
    "search.metric.segments": {"en": "segments at the end", "ko": "마지막 세그먼트 수"},
    "search.metric.deleted": {"en": "tombstoned copies", "ko": "삭제 표시된 사본 비율"},
    "search.metric.copies": {
        "en": "copies written per live doc",
        "ko": "살아 있는 문서 하나당 기록된 사본 수",
    },
    "search.metric.delay": {
        "en": "mean wait until searchable",
        "ko": "검색 가능해질 때까지 평균 대기",
    },
    "search.chart.segments": {
        "en": "Segments and documents over time",
        "ko": "시간에 따른 세그먼트와 문서",
    },
    "search.indexes.intro": {
        "en": "The same questions at growing sizes, asked of a sorted index, a hash index, an "
        "inverted index and a full scan in DuckDB. Each index answers only some questions; the "
        "table says why it refuses the others.",
        "ko": "데이터 크기를 늘려 가며 같은 질문을 정렬 인덱스, 해시 인덱스, 역색인, DuckDB 전체 "
        "스캔에 보냅니다. 각 인덱스는 일부 질문에만 답할 수 있으며, 표는 나머지 질문을 거절하는 "
        "이유를 보여 줍니다.",
    },
    "search.chart.scaling": {
        "en": "Median query time as documents grow",
        "ko": "문서 수 증가에 따른 쿼리 시간 중앙값",
    },
    "search.cqrs.intro": {
        "en": "Reviews are written to SQL with a change event in the same transaction. A consumer "
        "polls the events, joins each review with its track and indexes it; it is searchable "
        "after the next refresh. How long after the write can a search find it?",
        "ko": "리뷰는 같은 트랜잭션 안에서 변경 이벤트와 함께 SQL에 기록됩니다. 컨슈머가 이벤트를 "
        "가져와 각 리뷰를 트랙 정보와 조인한 뒤 인덱싱하고, 다음 새로 고침 이후에 검색할 수 "
        "있게 됩니다. 쓰기 후 얼마 만에 검색에서 찾을 수 있을까요?",
    },
    "search.poll": {"en": "Consumer poll interval (s)", "ko": "컨슈머 폴링 간격 (초)"},
    "search.delay": {"en": "Consumer processing delay (s)", "ko": "컨슈머 처리 지연 (초)"},
    "search.metric.lag_mean": {"en": "mean lag", "ko": "평균 지연"},
    "search.metric.lag_max": {"en": "longest lag", "ko": "최대 지연"},
    "search.metric.lag_expected": {"en": "expected mean", "ko": "예상 평균"},
    "search.axis.documents": {"en": "documents", "ko": "문서 수"},
    "search.axis.query_ms": {"en": "median query time (ms)", "ko": "쿼리 시간 중앙값 (ms)"},
    "search.axis.seconds": {"en": "seconds", "ko": "경과 시간 (초)"},
    "search.axis.segments": {"en": "segments", "ko": "세그먼트 수"},
    "search.axis.until_searchable": {
        "en": "seconds until searchable",
        "ko": "검색 가능해질 때까지 걸린 시간 (초)",
    },
    "search.axis.writes": {"en": "writes", "ko": "쓰기 수"},
    "search.trace.searchable": {"en": "searchable_docs", "ko": "검색 가능한 문서"},
    "search.trace.deleted": {"en": "deleted_docs", "ko": "삭제 표시된 문서"},
    "search.trace.pending": {"en": "pending_ops", "ko": "새로 고침 대기 중인 쓰기"},
    "search.index.sorted": {"en": "sorted index", "ko": "정렬 인덱스"},
    "search.index.hash": {"en": "hash index", "ko": "해시 인덱스"},
    "search.index.inverted": {"en": "inverted index", "ko": "역색인"},
    "search.index.scan": {"en": "full scan", "ko": "전체 스캔"},
    "search.question.equality": {"en": "equality", "ko": "id 일치"},
    "search.question.range": {"en": "range", "ko": "id 범위"},
    "search.question.word_common": {"en": "word (common)", "ko": "단어 (흔한 단어)"},
    "search.question.word_rare": {"en": "word (rare)", "ko": "단어 (드문 단어)"},
    "search.col.step": {"en": "step", "ko": "단계"},
    "search.col.terms": {"en": "terms", "ko": "용어"},
    "search.col.term": {"en": "term", "ko": "용어"},
    "search.col.field": {"en": "field", "ko": "필드"},
    "search.col.df": {"en": "df", "ko": "df (문서 빈도)"},
    "search.col.idf": {"en": "idf", "ko": "idf (역문서 빈도)"},
    "search.col.postings": {"en": "postings (doc:tf)", "ko": "포스팅 (문서:tf)"},
    "search.col.track_id": {"en": "track_id", "ko": "트랙 ID (track_id)"},
    "search.col.track_name": {"en": "track_name", "ko": "트랙 이름 (track_name)"},
    "search.col.artist_name": {"en": "artist_name", "ko": "아티스트 (artist_name)"},
    "search.col.score": {"en": "score", "ko": "점수"},
    "search.col.index": {"en": "index", "ko": "인덱스"},
    "search.col.docs": {"en": "docs", "ko": "문서 수"},
    "search.col.query": {"en": "query", "ko": "질문"},
    "search.col.matches": {"en": "matches", "ko": "찾은 문서 수"},
    "search.col.work": {"en": "work", "ko": "작업량"},
    "search.col.unit": {"en": "unit", "ko": "작업 단위"},
    "search.col.t_s": {"en": "t_s", "ko": "시각 (초)"},
    "search.col.sql_reviews": {"en": "sql_reviews", "ko": "SQL에 있는 리뷰"},
    "search.col.searchable_reviews": {"en": "searchable_reviews", "ko": "검색 가능한 리뷰"},
    "search.col.stale_reviews": {
        "en": "stale_reviews",
        "ko": "이전 버전으로 검색되는 리뷰",
    },
    "search.chart.lag": {
        "en": "Seconds from SQL write to search",
        "ko": "SQL 쓰기부터 검색까지 걸린 시간(초)",
    },
}

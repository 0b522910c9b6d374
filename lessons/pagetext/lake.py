"""App text for the lake pages (English and Korean); keys start with ``lake.``."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {}

# The SQL playground (views/playground.py): untrusted SQL run as a Lake Formation principal.
TEXT.update(
    {
        "lake.playground.nav": {"en": "SQL playground", "ko": "SQL 놀이터"},
        "lake.playground.intro": {
            "en": "Write SQL against the demo lake as one of three Lake Formation principals. "
            "The same query returns different columns and rows for each: the grants are applied "
            "before your query sees any data. Queries that read files, change settings or write "
            "anything are refused, and every query has a row, memory and time limit.",
            "ko": "세 명의 Lake Formation 보안 주체 중 하나로 데모 레이크에 SQL을 실행해 "
            "보세요. 같은 쿼리라도 주체마다 보이는 열과 행이 다릅니다. 권한은 쿼리가 데이터를 "
            "보기 전에 적용됩니다. 파일을 읽거나 설정을 바꾸거나 무언가를 쓰려는 쿼리는 "
            "거부되며, 모든 쿼리에는 행 수, 메모리, 시간 제한이 있습니다.",
        },
        "lake.playground.principal": {"en": "Run as", "ko": "실행 주체"},
        "lake.playground.sees": {
            "en": "What this principal may see",
            "ko": "이 주체가 볼 수 있는 것",
        },
        "lake.playground.grants": {
            "en": "All Lake Formation grants in the demo",
            "ko": "데모의 모든 Lake Formation 권한",
        },
        "lake.playground.example": {"en": "Example query", "ko": "예제 쿼리"},
        "lake.playground.sql": {"en": "SQL (one SELECT)", "ko": "SQL (SELECT 하나)"},
        "lake.playground.run": {"en": "Run query", "ko": "쿼리 실행"},
        "lake.playground.rows": {"en": "rows returned", "ko": "반환된 행"},
        "lake.playground.elapsed": {"en": "seconds", "ko": "초"},
        "lake.playground.truncated": {
            "en": "Only the first {rows:,} rows are shown: the result was cut at the row limit.",
            "ko": "행 제한에 걸려 처음 {rows:,}개 행만 표시합니다.",
        },
        "lake.playground.hidden": {
            "en": "Hidden from this principal by Lake Formation: {columns}",
            "ko": "Lake Formation이 이 주체에게 숨긴 열: {columns}",
        },
        # Headers of the page's own tables (query results keep their own column names).
        "lake.playground.col.table": {"en": "table", "ko": "테이블"},
        "lake.playground.col.permissions": {"en": "permissions", "ko": "권한"},
        "lake.playground.col.columns": {"en": "columns", "ko": "보이는 열"},
        "lake.playground.col.hidden": {"en": "hidden columns", "ko": "숨겨진 열"},
        "lake.playground.col.rows": {"en": "rows", "ko": "보이는 행"},
        "lake.playground.col.principal": {"en": "principal", "ko": "보안 주체"},
        "lake.playground.col.resource": {"en": "resource", "ko": "리소스"},
        "lake.playground.col.on": {"en": "on", "ko": "대상"},
        "lake.playground.col.detail": {"en": "detail", "ko": "세부 내용"},
        "lake.playground.lake": {
            "en": "Demo lake: {rows:,} plays ({source}), tables registered in the Glue Data "
            "Catalog; only registered partitions are read.",
            "ko": "데모 레이크: 재생 {rows:,}건 ({source}). 테이블은 Glue 데이터 카탈로그에 "
            "등록되어 있으며 등록된 파티션만 읽습니다.",
        },
    }
)

# The Athena tuning lab (views/athena.py): storage choices against the untuned CSV baseline.
TEXT.update(
    {
        "lake.athena.nav": {"en": "Athena tuning lab", "ko": "Athena 튜닝 실습"},
        "lake.athena.intro": {
            "en": "The same play events are stored twice: once as the untuned CSV baseline, once "
            "the way you choose below. Both are registered in the Glue Data Catalog and the same "
            "four queries run on each through the Athena engine. Athena bills the data a query "
            "scans, so storage choices change the bill as well as the run time.",
            "ko": "같은 재생 이벤트를 두 번 저장합니다. 한 번은 튜닝하지 않은 CSV 기준선으로, "
            "한 번은 아래에서 고른 방식으로 저장합니다. 둘 다 Glue 데이터 카탈로그에 등록되고, "
            "같은 네 개의 쿼리를 Athena 엔진으로 각각 실행합니다. Athena는 쿼리가 스캔한 "
            "데이터양으로 요금을 매기므로, 저장 방식에 따라 실행 시간뿐 아니라 비용도 달라집니다.",
        },
        "lake.athena.rows": {"en": "Play events", "ko": "재생 이벤트 수"},
        "lake.athena.format": {"en": "File format", "ko": "파일 형식"},
        "lake.athena.compression": {"en": "Compression", "ko": "압축"},
        "lake.athena.partitioned": {
            "en": "Partition by date (dt)",
            "ko": "날짜(dt)로 파티션 나누기",
        },
        "lake.athena.objects": {"en": "Object size", "ko": "객체 크기"},
        "lake.athena.objects.compact": {
            "en": "compacted (few large files)",
            "ko": "병합됨(큰 파일 몇 개)",
        },
        "lake.athena.objects.small": {
            "en": "small (many objects, as a delivery stream leaves them)",
            "ko": "작게(전송 스트림이 남기는 것처럼 많은 객체)",
        },
        "lake.athena.size_saving": {"en": "Smaller on S3", "ko": "S3 저장 용량 절감"},
        "lake.athena.scanned_saving": {"en": "Less data scanned", "ko": "스캔 데이터 절감"},
        "lake.athena.speedup": {
            "en": "Faster (whole query set; measured now, varies run to run)",
            "ko": "속도 향상(전체 쿼리, 지금 측정한 값이라 실행마다 달라짐)",
        },
        "lake.athena.speedup_help": {
            "en": "Run time on this machine, timed once just now: run it again and the ratio "
            "moves. Data scanned and cost come out the same every run, so compare those first.",
            "ko": "이 컴퓨터에서 방금 한 번 잰 실행 시간입니다. 다시 실행하면 비율이 달라집니다. "
            "스캔 데이터양과 비용은 실행할 때마다 같으므로 이 둘을 먼저 비교하세요.",
        },
        "lake.athena.same_as_baseline": {
            "en": "Your choice stores the plays exactly as the CSV baseline does (CSV, no "
            "compression, not partitioned, compacted), so it reuses the baseline's measurement: "
            "same as baseline, 1.0x and 0% by definition.",
            "ko": "선택한 방식은 CSV 기준선과 똑같이 저장합니다(CSV, 압축 없음, 파티션 없음, "
            "병합됨). 그래서 기준선의 측정값을 그대로 씁니다. 기준선과 같으므로 정의상 1.0x, "
            "0%입니다.",
        },
        "lake.athena.cost_saving": {"en": "Cheaper", "ko": "비용 절감"},
        "lake.athena.chart.scanned": {
            "en": "Data scanned per query (MB)",
            "ko": "쿼리별 스캔 데이터(MB)",
        },
        "lake.athena.chart.time": {
            "en": "Run time per query (ms; measured now, varies run to run)",
            "ko": "쿼리별 실행 시간(ms, 지금 측정한 값이라 실행마다 달라짐)",
        },
        "lake.athena.chart.cost": {"en": "Cost per query (USD)", "ko": "쿼리별 비용(USD)"},
        "lake.athena.table": {
            "en": "Every measurement, query by query, against the CSV baseline",
            "ko": "모든 측정값(쿼리별, CSV 기준선 대비)",
        },
        "lake.athena.note": {
            "en": "Cost applies Athena's minimum billed scan per query, so at this scale small "
            "scans all cost the same; data scanned shows the difference that grows with the data.",
            "ko": "비용에는 쿼리당 최소 청구 스캔량이 적용되므로, 이 규모에서는 작은 스캔의 "
            "비용이 모두 같습니다. 데이터가 커질수록 벌어지는 차이는 스캔 데이터양에서 보입니다.",
        },
        "lake.athena.baseline": {"en": "CSV baseline", "ko": "CSV 기준선"},
        "lake.athena.tuned": {"en": "Your choice", "ko": "선택한 방식"},
        # Table headers, chart labels and the query and variant names, in the learner's words.
        "lake.athena.col.variant": {"en": "variant", "ko": "저장 방식"},
        "lake.athena.col.query": {"en": "query", "ko": "쿼리"},
        "lake.athena.col.objects": {"en": "objects", "ko": "객체 수"},
        "lake.athena.col.size_mb": {"en": "size (MB)", "ko": "크기(MB)"},
        "lake.athena.col.run_ms": {
            "en": "run time (ms, measured now)",
            "ko": "실행 시간(ms, 지금 측정)",
        },
        "lake.athena.col.scanned_mb": {"en": "data scanned (MB)", "ko": "스캔 데이터(MB)"},
        "lake.athena.col.cost_usd": {"en": "cost (USD)", "ko": "비용(USD)"},
        "lake.athena.col.size_saving": {"en": "size saving", "ko": "용량 절감"},
        "lake.athena.col.speedup": {
            "en": "speedup (varies run to run)",
            "ko": "속도 향상(실행마다 달라짐)",
        },
        "lake.athena.col.scanned_saving": {"en": "scanned saving", "ko": "스캔 절감"},
        "lake.athena.col.cost_saving": {"en": "cost saving", "ko": "비용 절감"},
        "lake.athena.axis.scanned_mb": {"en": "data scanned (MB)", "ko": "스캔 데이터(MB)"},
        "lake.athena.axis.cost_usd": {"en": "cost (USD)", "ko": "비용(USD)"},
        "lake.athena.query.aggregate": {"en": "single-column aggregate", "ko": "열 하나 집계"},
        "lake.athena.query.by_date": {"en": "filtered by date", "ko": "날짜로 필터링"},
        "lake.athena.query.limit": {"en": "SELECT * LIMIT 100", "ko": "SELECT * LIMIT 100"},
        "lake.athena.query.group_by": {"en": "group by two columns", "ko": "두 열로 그룹화"},
        "lake.athena.label.uncompressed": {"en": "uncompressed", "ko": "비압축"},
        "lake.athena.label.by_dt": {"en": "by dt", "ko": "dt별 파티션"},
        "lake.athena.label.rows_per_object": {"en": "rows/object", "ko": "행/객체"},
    }
)

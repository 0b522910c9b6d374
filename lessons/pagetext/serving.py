"""App text for the serving pages (English and Korean); keys start with ``serving.``."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "serving.nav.dashboard": {"en": "Dashboard", "ko": "대시보드"},
    "serving.nav.engines": {"en": "Warehouse and engines", "ko": "웨어하우스와 엔진"},
    "serving.dash.intro": {
        "en": "The dashboard over processed_data: the two Quick Sight test queries (plays per "
        "artist, plays per device and track), plays over time and by activity. Switch between "
        "SPICE (an in-memory import refreshed on a schedule) and direct query (the lake's "
        "Parquet on every click), move the clock, and view it as different principals.",
        "ko": "processed_data 위의 대시보드입니다. Quick Sight 테스트 쿼리 두 개(아티스트별 재생 "
        "수, 기기와 트랙별 재생 수)와 시간별, 활동별 재생 수를 보여 줍니다. SPICE(일정에 따라 "
        "새로 고치는 인메모리 가져오기)와 직접 쿼리(클릭할 때마다 레이크의 Parquet 읽기)를 "
        "바꿔 보고, 시계를 움직이고, 다른 보안 주체로 열어 보세요.",
    },
    "serving.dash.mode": {"en": "Data source", "ko": "데이터 소스"},
    "serving.dash.mode.spice": {"en": "SPICE (in-memory import)", "ko": "SPICE(인메모리 가져오기)"},
    "serving.dash.mode.direct": {"en": "Direct query (lake)", "ko": "직접 쿼리(레이크)"},
    "serving.dash.interval": {
        "en": "SPICE full refresh every (minutes)",
        "ko": "SPICE 전체 새로 고침 간격(분)",
    },
    "serving.dash.clock": {
        "en": "Clock: hours since the first play",
        "ko": "시계: 첫 재생 이후 경과 시간(시간)",
    },
    "serving.dash.principal": {"en": "View as", "ko": "다음 주체로 보기"},
    "serving.dash.dates": {"en": "Event dates", "ko": "이벤트 날짜"},
    "serving.dash.artists": {"en": "Artists", "ko": "아티스트"},
    "serving.dash.devices": {"en": "Devices", "ko": "기기"},
    "serving.dash.latency": {"en": "interaction latency (ms)", "ko": "상호 작용 지연(ms)"},
    "serving.dash.staleness": {"en": "data staleness (min)", "ko": "데이터 경과 시간(분)"},
    "serving.dash.behind": {"en": "plays not shown yet", "ko": "아직 반영되지 않은 재생 수"},
    "serving.dash.shown": {"en": "plays shown", "ko": "보이는 재생 수"},
    "serving.dash.compare": {
        "en": "Measure both modes on the same 12 clicks",
        "ko": "같은 클릭 12번으로 두 방식을 측정",
    },
    "serving.dash.hidden": {
        "en": "{visual}: hidden from {principal} by column-level security (it needs {columns}).",
        "ko": "{visual}: 열 수준 보안 때문에 {principal}에게는 보이지 않습니다(필요한 열: "
        "{columns}).",
    },
    "serving.role.everyone": {"en": "all data", "ko": "전체 데이터"},
    "serving.role.label_manager": {"en": "record label", "ko": "음반사"},
    "serving.role.device_support": {"en": "device support", "ko": "기기 지원"},
    "serving.role.lake_formation": {"en": "Lake Formation", "ko": "Lake Formation"},
    "serving.role.custom": {"en": "custom rules", "ko": "사용자 지정 규칙"},
    "serving.dash.who": {
        "en": "{name} ({role}) sees {rows} and {columns}.",
        "ko": "{name}({role}): {rows}, {columns}을 볼 수 있습니다.",
    },
    "serving.dash.rows.all": {"en": "all rows", "ko": "모든 행"},
    "serving.dash.rows.artists": {
        "en": "the rows of its {count} artists",
        "ko": "자사 아티스트 {count}명의 행",
    },
    "serving.dash.rows.devices": {
        "en": "the rows of devices {devices}",
        "ko": "기기 {devices}의 행",
    },
    "serving.dash.rows.filter": {
        "en": "the rows where {filter}",
        "ko": "{filter} 조건에 맞는 행",
    },
    "serving.dash.cols.all": {"en": "every column", "ko": "모든 열"},
    "serving.dash.cols.hidden": {
        "en": "every column except {columns}",
        "ko": "{columns} 열을 제외한 모든 열",
    },
    "serving.dash.security": {
        "en": "Row-level security keeps only the rows a principal's rule allows (a label "
        "manager sees its own artists); column-level security removes restricted columns, and "
        "every visual or filter that needs one disappears for that principal (in Quick Sight, a "
        "table that has a restricted column only among its values stays and shows Not "
        "Authorized there instead). In Quick Sight both are set on the dataset, so SPICE and "
        "direct query show the same restrictions; Lake Formation grants do the same job one "
        "layer lower, for Athena and Spectrum.",
        "ko": "행 수준 보안은 주체의 규칙이 허용하는 행만 남깁니다(음반사 매니저는 자사 "
        "아티스트만 봅니다). 열 수준 보안은 제한된 열을 없애며, 그 열이 필요한 시각화나 필터는 "
        "해당 주체에게 보이지 않습니다(Quick Sight에서는 제한된 열이 값 영역에만 있는 표는 "
        "그대로 보이고 그 자리에 Not Authorized가 표시됩니다). Quick Sight에서는 둘 다 "
        "데이터셋에 설정하므로 SPICE와 직접 쿼리에 같은 제한이 적용됩니다. Lake Formation "
        "권한은 한 단계 아래에서 Athena와 Spectrum에 같은 역할을 합니다.",
    },
    "serving.dash.bad_filter": {
        "en": "Ignored for this principal: the filter on a hidden column",
        "ko": "이 주체에게는 적용하지 않음: 숨겨진 열에 대한 필터",
    },
    "serving.visual.plays_per_artist": {"en": "Plays per artist", "ko": "아티스트별 재생 수"},
    "serving.visual.plays_per_device_track": {
        "en": "Plays per device and track (top 20)",
        "ko": "기기와 트랙별 재생 수(상위 20)",
    },
    "serving.visual.plays_over_time": {"en": "Plays per hour", "ko": "시간별 재생 수"},
    "serving.visual.plays_by_activity": {"en": "Plays by activity", "ko": "활동별 재생 수"},
    "serving.engines.intro": {
        "en": "Redshift's ideas measured on the music data, then a recommendation for the "
        "workload you describe, with reasons and monthly billable units.",
        "ko": "Redshift의 개념을 음악 데이터로 측정한 뒤, 설명한 워크로드에 맞는 추천을 이유와 "
        "월간 과금 단위와 함께 보여 줍니다.",
    },
    "serving.tab.warehouse": {"en": "Warehouse", "ko": "웨어하우스"},
    "serving.tab.chooser": {"en": "Choose an engine", "ko": "엔진 선택"},
    "serving.tab.tables": {"en": "Comparison tables", "ko": "비교 표"},
    "serving.wh.zone_intro": {
        "en": "Blocks of device_ts a one-day filter must read, by sort key. Zone maps keep each "
        "block's minimum and maximum, so only blocks whose range overlaps the day are read.",
        "ko": "하루 필터가 읽어야 하는 device_ts 블록 수를 정렬 키별로 보여 줍니다. 존 맵은 "
        "블록마다 최솟값과 최댓값을 보관하므로, 그 범위가 해당 날짜와 겹치는 블록만 읽습니다.",
    },
    "serving.wh.dist_intro": {
        "en": "Joining plays (fact) to tracks (dimension) on track_id on a simulated cluster: "
        "the bytes that must cross nodes under each pair of distribution styles.",
        "ko": "시뮬레이션한 클러스터에서 plays(팩트)와 tracks(차원)를 track_id로 조인할 때, "
        "분산 스타일 조합마다 노드 사이로 옮겨야 하는 바이트 수입니다.",
    },
    "serving.wh.nodes": {"en": "Compute nodes", "ko": "컴퓨팅 노드 수"},
    "serving.wh.slices": {"en": "Slices per node", "ko": "노드당 슬라이스 수"},
    "serving.wh.spectrum_intro": {
        "en": "Spectrum reads the lake's Parquet in place: bytes billed for plays per artist "
        "over the whole lake and over one day's partition.",
        "ko": "Spectrum은 레이크의 Parquet을 그 자리에서 읽습니다. 레이크 전체와 하루 파티션에 "
        "대해 아티스트별 재생 수를 구할 때 과금되는 바이트입니다.",
    },
    "serving.wh.busy": {"en": "Busy hours per day", "ko": "하루 중 쿼리가 실행되는 시간"},
    "serving.wh.units_intro": {
        "en": "Provisioned clusters bill node-hours around the clock; Serverless bills "
        "RPU-hours only while queries run.",
        "ko": "프로비저닝 클러스터는 하루 종일 노드 시간을 과금하고, Serverless는 쿼리가 "
        "실행되는 동안에만 RPU 시간을 과금합니다.",
    },
    "serving.ch.intro": {
        "en": "Describe the workload. Every service is rated with its reason; the estimate shows "
        "dollars only where the facts table has a sourced price, billable units otherwise.",
        "ko": "워크로드를 설명하세요. 모든 서비스를 이유와 함께 평가합니다. 추정치는 팩트 표에 "
        "출처가 있는 가격이 있을 때만 달러로, 그 밖에는 과금 단위로 보여 줍니다.",
    },
    "serving.ch.eps": {"en": "Events per second", "ko": "초당 이벤트 수"},
    "serving.ch.bytes": {"en": "Record size (bytes)", "ko": "레코드 크기(바이트)"},
    "serving.ch.retention": {"en": "Retention (days)", "ko": "보존 기간(일)"},
    "serving.ch.pattern": {"en": "Query pattern", "ko": "쿼리 패턴"},
    "serving.ch.latency": {"en": "Answers needed within (s)", "ko": "응답 허용 시간(초)"},
    "serving.ch.queries": {"en": "Queries per day", "ko": "하루 쿼리 수"},
    "serving.ch.estimate": {"en": "Monthly estimate", "ko": "월간 추정"},
    "serving.ch.emr": {
        "en": "EMR is counted in units only: its instance prices depend on instance type, Region "
        "and the Spot market, and the course has no sourced copy of them. Lesson 10 compares EMR "
        "with Glue and Athena in dollars, using instance prices you look up and enter.",
        "ko": "EMR은 과금 단위로만 셉니다. 인스턴스 가격은 인스턴스 유형, 리전, 스팟 시장에 따라 "
        "달라지고, 이 과정에는 출처가 확인된 가격이 없기 때문입니다. 10강에서는 직접 찾아 입력한 "
        "인스턴스 가격으로 EMR을 Glue, Athena와 달러 기준으로 비교합니다.",
    },
    "serving.ch.no_price": {"en": "no sourced price", "ko": "출처 있는 가격 없음"},
    "serving.pattern.dashboard": {
        "en": "Dashboards (repeated aggregates)",
        "ko": "대시보드(반복 집계)",
    },
    "serving.pattern.ad_hoc_sql": {"en": "Occasional ad hoc SQL", "ko": "가끔 실행하는 애드혹 SQL"},
    "serving.pattern.complex_joins": {"en": "Frequent heavy joins", "ko": "잦은 대규모 조인"},
    "serving.pattern.full_text_search": {
        "en": "Full-text search and logs",
        "ko": "전문 검색과 로그",
    },
    "serving.pattern.stream_analytics": {
        "en": "Continuous windowed aggregates",
        "ko": "연속 윈도우 집계",
    },
    "serving.pattern.batch_etl": {"en": "Batch transformation (ETL)", "ko": "배치 변환(ETL)"},
    "serving.pattern.work_queue": {
        "en": "Work queue (one worker each)",
        "ko": "작업 큐(메시지당 작업자 하나)",
    },
    "serving.fit.recommended": {"en": "recommended", "ko": "추천"},
    "serving.fit.possible": {"en": "possible", "ko": "가능"},
    "serving.fit.not a fit": {"en": "not a fit", "ko": "부적합"},
    "serving.col.service": {"en": "service", "ko": "서비스"},
    "serving.col.fit": {"en": "fit", "ko": "적합도"},
    "serving.col.reason": {"en": "reason", "ko": "이유"},
    # Dashboard charts and the both-modes table.
    "serving.axis.time": {"en": "time", "ko": "시간"},
    "serving.axis.plays": {"en": "plays", "ko": "재생 수"},
    "serving.visual.device": {"en": "device", "ko": "기기"},
    "serving.mode.spice": {"en": "SPICE", "ko": "SPICE"},
    "serving.mode.direct": {"en": "direct query", "ko": "직접 쿼리"},
    "serving.col.mode": {"en": "mode", "ko": "방식"},
    "serving.col.median_ms": {"en": "median ms", "ko": "중앙값(ms)"},
    "serving.col.p95_ms": {"en": "p95 ms", "ko": "p95(ms)"},
    "serving.col.plays_shown": {"en": "plays shown", "ko": "보이는 재생 수"},
    "serving.col.not_shown": {"en": "plays not shown yet", "ko": "아직 반영되지 않은 재생 수"},
    "serving.col.staleness_min": {"en": "staleness min", "ko": "데이터 경과 시간(분)"},
    # Warehouse and engine tables.
    "serving.col.sort_key": {"en": "sort key", "ko": "정렬 키"},
    "serving.col.blocks": {"en": "blocks", "ko": "블록 수"},
    "serving.col.blocks_read": {"en": "blocks read", "ko": "읽은 블록"},
    "serving.col.blocks_skipped": {"en": "blocks skipped", "ko": "건너뛴 블록"},
    "serving.col.skipped_pct": {"en": "skipped %", "ko": "건너뛴 비율(%)"},
    "serving.col.rows_matching": {"en": "rows matching", "ko": "조건에 맞는 행"},
    "serving.col.fact_style": {"en": "fact style", "ko": "팩트 테이블 분산 스타일"},
    "serving.col.dim_style": {"en": "dim style", "ko": "차원 테이블 분산 스타일"},
    "serving.col.strategy": {"en": "strategy", "ko": "조인 전략"},
    "serving.col.mb_moved": {"en": "MB moved", "ko": "이동한 데이터(MB)"},
    "serving.col.mb_stored": {"en": "MB stored", "ko": "저장한 데이터(MB)"},
    "serving.col.busiest_slice": {"en": "busiest slice share", "ko": "가장 바쁜 슬라이스 비중"},
    "serving.col.partitions": {"en": "partitions", "ko": "파티션"},
    "serving.col.files": {"en": "files", "ko": "파일 수"},
    "serving.col.bytes_scanned": {"en": "bytes scanned", "ko": "스캔한 바이트"},
    "serving.col.bytes_billed": {"en": "bytes billed", "ko": "청구된 바이트"},
    "serving.col.usd": {"en": "USD", "ko": "USD"},
    "serving.col.usd_lower": {"en": "usd", "ko": "USD"},
    "serving.col.option": {"en": "option", "ko": "옵션"},
    "serving.col.unit": {"en": "unit", "ko": "단위"},
    "serving.col.quantity": {"en": "quantity", "ko": "수량"},
    "serving.col.idle_billed": {"en": "billed while idle", "ko": "유휴 시간에도 청구"},
    "serving.col.price_source": {"en": "price source", "ko": "가격 출처"},
    "serving.col.largest_record": {"en": "largest record", "ko": "최대 레코드 크기"},
    "serving.col.keeps_data": {"en": "keeps data", "ko": "데이터 보존 기간"},
    "serving.col.corrected": {
        "en": "corrected (older notes said)",
        "ko": "정정됨(예전 자료의 값)",
    },
    "serving.col.billed_by": {"en": "billed by", "ko": "과금 기준"},
    "serving.wh.all_days": {"en": "all days", "ko": "모든 날짜"},
    # Cell words of the warehouse and estimate tables (English text = what lessons/ writes).
    "serving.cell.load_order": {"en": "(none: load order)", "ko": "(없음: 적재 순서)"},
    "serving.cell.provisioned": {"en": "provisioned", "ko": "프로비저닝"},
    "serving.cell.serverless": {"en": "serverless", "ko": "서버리스"},
    "serving.cell.node_hours": {"en": "node-hours", "ko": "노드 시간"},
    "serving.cell.rpu_hours": {"en": "RPU-hours", "ko": "RPU 시간"},
    "serving.cell.shard_hours": {"en": "shard-hours", "ko": "샤드 시간"},
    "serving.cell.put_units": {"en": "PUT payload units", "ko": "PUT 페이로드 단위"},
    "serving.cell.gb_ingested": {"en": "GB ingested", "ko": "수집한 GB"},
    "serving.cell.requests": {
        "en": "requests (send, receive, delete)",
        "ko": "요청 수(전송, 수신, 삭제)",
    },
    "serving.cell.gb_months": {
        "en": "GB-months stored (one copy)",
        "ko": "저장 GB-월(사본 하나 기준)",
    },
    "serving.cell.broker_hours": {"en": "broker-hours per broker", "ko": "브로커당 브로커 시간"},
    "serving.cell.kpu_hours": {"en": "KPU-hours per KPU", "ko": "KPU당 KPU 시간"},
    "serving.cell.gb_transform": {"en": "GB to transform", "ko": "변환할 GB"},
    "serving.cell.tb_scanned": {
        "en": "TB scanned (one day per query)",
        "ko": "스캔한 TB(쿼리마다 하루치)",
    },
    "serving.cell.rpu_busy_hour": {
        "en": "RPU-hours per busy hour (serverless base)",
        "ko": "쿼리 실행 1시간당 RPU 시간(서버리스 기본 용량)",
    },
    "serving.cell.spectrum_tb": {
        "en": "Spectrum TB scanned (one day per query)",
        "ko": "Spectrum이 스캔한 TB(쿼리마다 하루치)",
    },
    "serving.cell.gb_stored": {"en": "GB stored (one copy)", "ko": "저장 GB(사본 하나 기준)"},
    "serving.reason.record_too_big": {
        "en": "Records of {record:,} bytes exceed its limit of {limit}.",
        "ko": "{record:,}바이트 레코드는 한도 {limit}를 넘습니다.",
    },
    "serving.reason.retention_too_long": {
        "en": "{days:g} days of retention is beyond its maximum of {limit_days:g} days.",
        "ko": "{days:g}일 보존은 최대 보존 기간 {limit_days:g}일을 넘습니다.",
    },
    "serving.reason.stream_replay": {
        "en": "Keeps events for replay and for several consumers; {shards} shards carry this rate.",
        "ko": "재처리하거나 여러 소비자가 읽을 수 있도록 이벤트를 보관합니다. 이 속도에는 샤드 "
        "{shards}개가 필요합니다.",
    },
    "serving.reason.stream_possible": {
        "en": "Can carry the events ({shards} shards), but nothing here needs replay or several "
        "readers.",
        "ko": "이벤트를 전달할 수 있지만(샤드 {shards}개), 여기에는 재처리나 여러 소비자가 "
        "필요하지 않습니다.",
    },
    "serving.reason.no_ack": {
        "en": "Consumers read by position: no per-message acknowledgement or visibility timeout.",
        "ko": "소비자가 시퀀스 위치로 읽으므로 메시지별 확인(ack)이나 가시성 제한 시간이 없습니다.",
    },
    "serving.reason.firehose_lands": {
        "en": "Lands events in S3, OpenSearch or Redshift with no consumer code; a buffer "
        "interval from {shortest_s:g} to {interval_s:g} seconds trades delay for fewer, "
        "larger files. "
        "(Recommended only when answers may wait {real_time:g} s or more: a course rule of "
        "thumb.)",
        "ko": "소비자 코드 없이 이벤트를 S3, OpenSearch, Redshift에 적재합니다. 버퍼 간격을 "
        "{shortest_s:g}초에서 {interval_s:g}초 사이로 길게 잡을수록 지연은 늘지만 "
        "파일은 적고 커집니다. "
        "(응답을 {real_time:g}초 이상 기다릴 수 있을 때만 추천합니다. 이 과정의 경험칙입니다.)",
    },
    "serving.reason.firehose_no_replay": {
        "en": "Delivers only: no replay and no second consumer for continuous computation.",
        "ko": "전달만 하므로 재처리도, 연속 계산을 위한 두 번째 소비자도 없습니다.",
    },
    "serving.reason.firehose_no_queue": {
        "en": "Delivers to storage: workers cannot take messages from it one by one.",
        "ko": "저장소로 전달할 뿐이라 작업자가 메시지를 하나씩 가져갈 수 없습니다.",
    },
    "serving.reason.queue_work": {
        "en": "Each message goes to one worker and is deleted when done; failures come back "
        "after the visibility timeout.",
        "ko": "메시지마다 작업자 하나가 처리하고 끝나면 삭제합니다. 실패한 메시지는 가시성 제한 "
        "시간이 지나면 다시 나타납니다.",
    },
    "serving.reason.queue_not_analytics": {
        "en": "A message is gone once processed: no replay, no fan-out to several consumers.",
        "ko": "처리된 메시지는 사라지므로 재처리도, 여러 소비자로의 팬아웃도 없습니다.",
    },
    "serving.reason.kafka_retention": {
        "en": "Kafka topics keep data as long as configured ({days:g} days here), beyond the "
        "longest Kinesis retention.",
        "ko": "Kafka 토픽은 설정한 만큼(여기서는 {days:g}일) 데이터를 보관하며, 이는 Kinesis의 "
        "최장 보존 기간보다 깁니다.",
    },
    "serving.reason.kafka_possible": {
        "en": "Kafka-compatible and tunable, at the cost of brokers to size and operate.",
        "ko": "Kafka와 호환되고 세밀하게 조정할 수 있지만, 브로커 크기를 정하고 운영해야 합니다.",
    },
    "serving.reason.flink_windows": {
        "en": "Continuous windowed aggregates with event time and watermarks, results in seconds.",
        "ko": "이벤트 시간과 워터마크로 연속 윈도우 집계를 하며, 결과가 몇 초 안에 나옵니다.",
    },
    "serving.reason.flink_not_needed": {
        "en": "No continuous computation is asked for.",
        "ko": "연속 계산이 필요하지 않습니다.",
    },
    "serving.reason.glue_etl": {
        "en": "Serverless Spark ETL billed per DPU-hour; {gb_day:,} GB a day to transform.",
        "ko": "DPU 시간으로 과금되는 서버리스 Spark ETL입니다. 하루 {gb_day:,} GB를 변환합니다.",
    },
    "serving.reason.glue_convert": {
        "en": "Useful to turn raw events into partitioned Parquet before querying.",
        "ko": "조회 전에 원시 이벤트를 파티셔닝된 Parquet으로 바꾸는 데 유용합니다.",
    },
    "serving.reason.emr_scale": {
        "en": "{gb_day:,} GB a day: from about {threshold:,.0f} GB a day (a course rule of "
        "thumb, not an AWS limit) a long-running, tunable cluster with Spot task nodes tends to "
        "pay off.",
        "ko": "하루 {gb_day:,} GB: 하루 약 {threshold:,.0f} GB부터는(AWS 한도가 아니라 이 과정의 "
        "경험칙) 오래 실행하며 조정할 수 있는 클러스터(Spot 작업 노드)가 대체로 이득입니다.",
    },
    "serving.reason.emr_possible": {
        "en": "Full control of Spark and Hadoop, but a cluster to size and run.",
        "ko": "Spark와 Hadoop을 완전히 제어할 수 있지만, 클러스터 크기를 정하고 운영해야 합니다.",
    },
    "serving.reason.athena_adhoc": {
        "en": "Serverless SQL on the lake, paid per byte scanned: right for occasional queries.",
        "ko": "스캔한 바이트만큼 비용을 내는 레이크 위의 서버리스 SQL로, "
        "가끔 실행하는 쿼리에 맞습니다.",
    },
    "serving.reason.athena_slow_for_need": {
        "en": "Each query starts from the files and usually takes seconds; answers asked within "
        "{limit:g} s count as interactive here (a course rule of thumb).",
        "ko": "쿼리마다 파일부터 읽으므로 보통 몇 초가 걸립니다. 여기서는 {limit:g}초 안에 "
        "필요한 응답을 대화형으로 봅니다(이 과정의 경험칙).",
    },
    "serving.reason.athena_possible": {
        "en": "Can answer in SQL on the lake, paid per byte scanned.",
        "ko": "레이크 위에서 SQL로 답할 수 있으며, 스캔한 바이트만큼 비용을 냅니다.",
    },
    "serving.reason.redshift_joins": {
        "en": "Frequent heavy joins run best on sorted, distributed, columnar warehouse tables.",
        "ko": "잦은 대규모 조인은 정렬되고 분산된 열 기반 웨어하우스 테이블에서 "
        "가장 잘 실행됩니다.",
    },
    "serving.reason.redshift_dashboard": {
        "en": "Many repeated dashboard queries: a warehouse (with SPICE on top) answers quickly.",
        "ko": "반복되는 대시보드 쿼리가 많으면 웨어하우스(그 위에 SPICE를 두면 더)가 빠르게 "
        "답합니다.",
    },
    "serving.reason.redshift_possible": {
        "en": "Works, but a warehouse is more than occasional queries need.",
        "ko": "가능하지만, 가끔 실행하는 쿼리에는 웨어하우스가 과합니다.",
    },
    "serving.reason.search_text": {
        "en": "Full-text search and log analytics need an inverted index; new documents are "
        "searchable after about {refresh_s:g} s.",
        "ko": "전문 검색과 로그 분석에는 역색인이 필요합니다. "
        "새 문서는 약 {refresh_s:g}초 뒤에 검색됩니다.",
    },
    "serving.reason.not_search": {
        "en": "No full-text search or log analytics is asked for.",
        "ko": "전문 검색이나 로그 분석이 필요하지 않습니다.",
    },
    "serving.reason.not_sql": {
        "en": "Not what this service is for.",
        "ko": "이 서비스의 용도가 아닙니다.",
    },
}

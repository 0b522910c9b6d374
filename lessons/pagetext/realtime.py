"""App text for the realtime pages (English and Korean); keys start with ``realtime.``."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "realtime.nav": {"en": "Real time (Flink)", "ko": "실시간 처리 (Flink)"},
    "realtime.intro": {
        "en": "Managed Service for Apache Flink counts plays in event-time windows. Plays happen "
        "on phones (event time) and reach the stream later (processing time); a few arrive hours "
        "late. Every number below is measured on a week of generated plays.",
        "ko": "Managed Service for Apache Flink는 이벤트 시간 윈도우로 재생 수를 셉니다. 재생은 "
        "휴대폰에서 일어나고(이벤트 시간) 스트림에는 나중에 도착하며(처리 시간), 일부는 몇 시간 "
        "늦게 도착합니다. 아래의 모든 수치는 생성된 일주일치 재생 데이터에서 측정한 값입니다.",
    },
    "realtime.tab.timeline": {"en": "Watermarks and late events", "ko": "워터마크와 지연 이벤트"},
    "realtime.tab.recovery": {"en": "Checkpoints and failures", "ko": "체크포인트와 장애"},
    "realtime.timeline.intro": {
        "en": "Move the watermark delay, the window size and the allowed lateness. A window fires "
        "when the watermark passes its end; an event that comes after that is late: counted "
        "again within the allowed lateness, dropped beyond it.",
        "ko": "워터마크 지연, 윈도우 크기, 허용 지연(allowed lateness)을 바꿔 보세요. 워터마크가 "
        "윈도우의 끝을 지나면 윈도우가 결과를 내보냅니다. 그 뒤에 도착한 이벤트는 늦은 "
        "이벤트입니다. 허용 지연 안에 오면 다시 집계되고, 그보다 늦으면 버려집니다.",
    },
    "realtime.delay": {
        "en": "Watermark delay (minutes of out-of-orderness)",
        "ko": "워터마크 지연 (순서 어긋남 허용, 분)",
    },
    "realtime.size": {"en": "Tumbling window size (minutes)", "ko": "텀블링 윈도우 크기 (분)"},
    "realtime.lateness": {"en": "Allowed lateness (minutes)", "ko": "허용 지연 (분)"},
    "realtime.status.on_time": {"en": "on time", "ko": "제시간 도착"},
    "realtime.status.late": {"en": "late, counted", "ko": "늦게 도착, 집계됨"},
    "realtime.status.dropped": {"en": "dropped as late", "ko": "늦어서 버려짐"},
    "realtime.agree": {"en": "windows equal to SQL", "ko": "SQL 결과와 일치하는 윈도우"},
    "realtime.timeline.title": {
        "en": "Three evening hours of plays: event time against arrival time",
        "ko": "저녁 세 시간의 재생: 이벤트 시간과 도착 시간",
    },
    "realtime.timeline.caption": {
        "en": "Dotted lines are window boundaries. The dark line is the watermark at each arrival "
        "time: a window fires when the line crosses its right edge. Late and dropped events are "
        "drawn first, so every one of them in these hours is shown.",
        "ko": "점선은 윈도우 경계입니다. 진한 선은 각 도착 시각의 워터마크이며, 이 선이 윈도우의 "
        "오른쪽 경계를 지날 때 윈도우가 결과를 내보냅니다. 늦은 이벤트와 버려진 이벤트를 먼저 "
        "그리므로 이 시간대의 해당 이벤트는 빠짐없이 표시됩니다.",
    },
    "realtime.recovery.intro": {
        "en": "Plays per device per hour, replayed a week in ten minutes. The job fails part-way. "
        "With checkpoints (state plus source offsets) it restores and replays from the "
        "checkpoint, and the counts match the run without a failure. A consumer that adds to a "
        "database as it reads and only commits its position now and then counts the replayed "
        "plays twice.",
        "ko": "기기별 시간당 재생 수를 셉니다. 일주일 분량의 스트림을 10분 만에 다시 흘려보내며, "
        "작업은 중간에 한 번 실패합니다. 체크포인트(상태와 소스 오프셋)가 있으면 마지막 "
        "체크포인트에서 복원해 그 오프셋부터 다시 읽으므로, 장애가 없던 실행과 같은 결과가 "
        "나옵니다. 읽는 대로 데이터베이스의 카운터를 올리고 읽은 위치는 가끔만 커밋하는 소비자는 "
        "다시 읽은 재생 기록을 두 번 셉니다.",
    },
    "realtime.recovery.fail_at": {
        "en": "Failure after this share of the stream (%)",
        "ko": "장애 발생 시점 (스트림의 %)",
    },
    "realtime.recovery.interval": {
        "en": "Checkpoint / offset commit interval (seconds)",
        "ko": "체크포인트 / 오프셋 커밋 간격 (초)",
    },
    "realtime.recovery.replayed": {"en": "events replayed", "ko": "다시 읽은 이벤트"},
    "realtime.recovery.identical": {
        "en": "exactly-once counts identical",
        "ko": "정확히 한 번(exactly-once) 결과 일치",
    },
    "realtime.recovery.double": {
        "en": "double counted (at-least-once)",
        "ko": "중복 집계 (at-least-once)",
    },
    "realtime.recovery.truth": {"en": "no failure", "ko": "장애 없음"},
    "realtime.recovery.exact": {
        "en": "checkpoints, restored",
        "ko": "체크포인트에서 복원",
    },
    "realtime.recovery.loose": {
        "en": "at-least-once, no checkpoints",
        "ko": "at-least-once, 체크포인트 없음",
    },
    "realtime.recovery.chart": {
        "en": "Plays counted after one failure",
        "ko": "장애 한 번 뒤 집계된 재생 수",
    },
    "realtime.axis.event_time": {
        "en": "event time (device_ts)",
        "ko": "이벤트 시간 (device_ts)",
    },
    "realtime.axis.arrival": {
        "en": "processing time (arrival)",
        "ko": "처리 시간 (도착 시각)",
    },
    "realtime.axis.counted": {"en": "plays counted", "ko": "집계된 재생 수"},
    "realtime.trace.watermark": {"en": "watermark", "ko": "워터마크"},
    "realtime.yes": {"en": "yes", "ko": "예"},
    "realtime.no": {"en": "no", "ko": "아니요"},
}

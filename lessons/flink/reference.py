"""The same window aggregations written as DuckDB SQL over the bounded data: the batch answer.

A streaming job that waits long enough (watermark delay at least the stream's largest disorder)
must count exactly what a GROUP BY over all the data counts. These queries are that reference:
tumbling and sliding windows by integer division of the event time, sessions by a running sum
of "gap exceeded" flags over each key's events in event-time order.

Fidelity: plain batch SQL, no model; a gap exactly equal to `gap` continues a session because
Flink merges session windows that only touch.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from lessons.flink.stream import EventStream
from lessons.flink.windows import WindowError, WindowSpec

_TUMBLING = """
SELECT key, event_ms - (event_ms % $size) AS window_start, count(*) AS count
FROM events GROUP BY ALL
"""
# Every window start k * slide with start <= t < start + size, one row per (event, window).
_SLIDING = """
SELECT key, window_start, count(*) AS count
FROM (
    SELECT key, event_ms - (event_ms % $slide) - k * $slide AS window_start, event_ms
    FROM events, range(0, CAST(ceil($size / $slide) AS BIGINT)) AS r(k)
)
WHERE window_start > event_ms - $size
GROUP BY ALL
"""
# Flink merges session windows that touch: a new session starts after a gap larger than `gap`.
_SESSIONS = """
WITH flagged AS (
    SELECT key, event_ms,
           CASE WHEN event_ms - lag(event_ms) OVER w > $gap THEN 1 ELSE 0 END AS new_session
    FROM events WINDOW w AS (PARTITION BY key ORDER BY event_ms)
), numbered AS (
    SELECT key, event_ms, sum(new_session) OVER (PARTITION BY key ORDER BY event_ms
        ROWS UNBOUNDED PRECEDING) AS session
    FROM flagged
)
SELECT key, min(event_ms) AS window_start, max(event_ms) + $gap AS window_end, count(*) AS count
FROM numbered GROUP BY key, session
"""


def sql_window_counts(stream: EventStream, spec: WindowSpec) -> pd.DataFrame:
    """key, window_start, window_end, count for every window, computed by DuckDB."""
    if not len(stream):
        raise WindowError("The stream is empty: there is nothing to count.")
    events = pd.DataFrame({"key": stream.key, "event_ms": stream.event_ms})
    con = duckdb.connect()
    try:
        con.register("events", events)
        if spec.kind == "session":
            table = con.execute(_SESSIONS, {"gap": spec.gap_ms}).df()
        else:
            sql, params = (
                (_TUMBLING, {"size": spec.size_ms})
                if spec.kind == "tumbling"
                else (_SLIDING, {"size": spec.size_ms, "slide": spec.slide_ms})
            )
            table = con.execute(sql, params).df()
            table["window_end"] = table["window_start"] + spec.size_ms
    finally:
        con.close()
    table = table.astype({"key": "int64", "window_start": "int64", "window_end": "int64",
                          "count": "int64"})  # fmt: skip
    return table[["key", "window_start", "window_end", "count"]].sort_values(
        ["key", "window_start"], ignore_index=True
    )


def agreement(streamed: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Both tables side by side per window, with the difference (streamed minus SQL)."""
    both = streamed.merge(
        reference, on=["key", "window_start", "window_end"], how="outer",
        suffixes=("_stream", "_sql"),
    ).fillna({"count_stream": 0, "count_sql": 0})  # fmt: skip
    both = both.astype({"count_stream": "int64", "count_sql": "int64"})
    return both.assign(difference=both["count_stream"] - both["count_sql"])

"""The course's named SQL queries over processed_data (plays joined with tracks).

The first two are the queries the course notes use to test the QuickSight dashboard.
"""

from __future__ import annotations

import duckdb
import pandas as pd

PLAYS_PER_ARTIST = """
SELECT artist_name, count(*) AS plays
FROM processed_data
GROUP BY artist_name
ORDER BY plays DESC, artist_name
"""

PLAYS_PER_DEVICE_TRACK = """
SELECT device_id, track_name, count(*) AS plays
FROM processed_data
GROUP BY device_id, track_name
ORDER BY plays DESC, device_id, track_name
"""

PLAYS_PER_HOUR = """
SELECT date_trunc('hour', device_ts) AS hour, count(*) AS plays
FROM plays
GROUP BY hour
ORDER BY hour
"""

PLAYS_BY_HOUR_OF_DAY = """
SELECT hour(device_ts) AS hour_of_day, count(*) AS plays
FROM plays
GROUP BY hour_of_day
ORDER BY hour_of_day
"""

DASHBOARD_QUERIES = {
    "plays_per_artist": PLAYS_PER_ARTIST,
    "plays_per_device_track": PLAYS_PER_DEVICE_TRACK,
}


def run(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """Run one of the course queries and return the result as a DataFrame."""
    return con.sql(sql).df()


STREAM_QUALITY = """
WITH stream AS (
    SELECT uuid, device_ts, arrival_ts,
           max(device_ts) OVER (ORDER BY arrival_ts
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS newest_seen
    FROM plays
)
SELECT count(*) AS all_events,
       count(*) - count(DISTINCT uuid) AS resent_events,
       count(*) FILTER (WHERE arrival_ts - device_ts > INTERVAL 1 MINUTE) AS late_events,
       count(*) FILTER (WHERE device_ts < newest_seen) AS out_of_order
FROM stream
"""

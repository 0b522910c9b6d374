"""Streams: stream vs batch, Kinesis shards and throttling, Firehose buffering, the comparison."""

import numpy as np
import pandas as pd
import streamlit as st

from lessons import charts, facts
from lessons.data import DatasetConfig, generate_plays, generate_tracks
from lessons.datafiles import connect_tables
from lessons.errors import LabError
from lessons.streams import compare, freshness, labs
from lessons.streams.workload import Workload, workload_from_plays
from views.common import lang, tr, translated_headers

SPEEDUP_FOR_A_MINUTE = 10_080  # a week of plays sent in one minute

# Data column -> app text key for its header; the lessons keep their English column names.
HEADER_KEYS = {
    "schedule": "streams.col.schedule", "kind": "streams.col.kind", "runs": "streams.col.runs",
    "records read": "streams.col.records_read", "busy seconds": "streams.col.busy_seconds",
    "paid seconds": "streams.col.paid_seconds", "freshness p50 (s)": "streams.col.freshness_p50",
    "freshness p95 (s)": "streams.col.freshness_p95", "key": "streams.col.key",
    "fraction": "streams.col.fraction", "shard_id": "streams.col.shard_id",
    "setting": "streams.col.setting", "objects": "streams.col.objects",
    "mean object KiB": "streams.col.mean_object_kib", "latency_p50_s": "streams.col.latency_p50_s",
    "flushed by size": "streams.col.flushed_by_size", "service": "streams.col.service",
    "order broken (records)": "streams.col.order_broken",
    "processed twice": "streams.col.processed_twice", "lost (dropped)": "streams.col.lost",
    "throttled records": "streams.col.throttled", "replay after a bug": "streams.col.replay",
    "independent consumers": "streams.col.consumers", "max record": "streams.col.max_record",
    "retention": "streams.col.retention", "unit": "streams.col.unit",
    "quantity": "streams.col.quantity",
}  # fmt: skip
# Sentences in cells: wide enough to read, and rows tall enough that Streamlit wraps the text
# (it only wraps when a row is taller than 4rem) instead of cutting it off.
LONG_TEXT_COLUMNS = ("replay after a bug", "independent consumers", "retention", "unit")
WRAPPED_ROW_PX = 72


def headed(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with headers, schedule names and kinds in the learner's language."""
    shown = frame.copy()
    if "schedule" in shown:
        shown["schedule"] = shown["schedule"].map(lambda name: charts.schedule_label(name, lang()))
    if "kind" in shown:
        shown["kind"] = shown["kind"].map(lambda kind: charts.kind_label(kind, lang()))
    return translated_headers(shown, HEADER_KEYS)


def show_wrapped(frame: pd.DataFrame) -> None:
    """A table whose sentence-long cells wrap in medium-width columns, the first column pinned."""
    shown = headed(frame)
    layout = {tr(HEADER_KEYS[c]): st.column_config.TextColumn(width="medium")
              for c in LONG_TEXT_COLUMNS if c in frame}  # fmt: skip
    layout[shown.columns[0]] = st.column_config.Column(pinned=True)
    st.dataframe(shown, hide_index=True, column_config=layout, row_height=WRAPPED_ROW_PX)


@st.cache_data(max_entries=4, show_spinner=False)
def plays_by_arrival(rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    con = connect_tables(generate_plays(DatasetConfig(rows=rows, seed=seed)), generate_tracks())
    try:
        return freshness.arrivals_and_artists(con)
    finally:
        con.close()


@st.cache_data(max_entries=8, show_spinner=False)
def workload(rows: int, key: str, speedup: float, duplicates: float = 0.0) -> Workload:
    plays = generate_plays(DatasetConfig(rows=rows, seed=2, duplicate_fraction=duplicates))
    return workload_from_plays(plays, key, tracks=generate_tracks(), speedup=speedup)


@st.cache_data(max_entries=32, show_spinner=False)
def throughput(key: str, shard_count: int, split: bool) -> labs.ThroughputRun:
    return labs.throughput_run(workload(100_000, key, SPEEDUP_FOR_A_MINUTE), shard_count, split)


@st.cache_data(max_entries=32, show_spinner=False)
def comparison(key: str, consumers: int, crash: bool) -> tuple:
    events = workload(30_000, key, 20_000, duplicates=0.01)
    scenario = compare.Scenario(shards=4, consumers=consumers, crash=crash)
    return compare.compare_services(events, scenario), events, scenario


def stream_vs_batch_tab() -> None:
    st.write(tr("streams.batch.intro"))
    left, right = st.columns(2)
    startup = left.slider(tr("streams.batch.startup"), 0, 300, 60, 5)
    rows = right.select_slider(tr("dataset.rows"), [50_000, 100_000, 200_000], value=100_000)
    arrival_ms, artists = plays_by_arrival(int(rows), 1)
    schedules = tuple(
        freshness.Schedule(s.name, s.kind, s.interval_s, startup_s=startup if s.kind != "stream"
                           else s.startup_s)
        for s in freshness.DEFAULT_SCHEDULES
    )  # fmt: skip
    table = freshness.compare(arrival_ms, artists, schedules)
    st.plotly_chart(charts.freshness_vs_cost(table, lang()))
    st.dataframe(headed(table), hide_index=True)


def shards_tab() -> None:
    st.write(tr("streams.shards.intro"))
    left, right = st.columns([3, 1])
    typed = left.text_input(tr("streams.shards.keys"), "device-7, device-12, Ines Arden, 42")
    shard_count = right.number_input(tr("streams.shards.count"), 1, 16, 4)
    keys = [k.strip() for k in typed.split(",")]
    try:
        shards, placed = labs.hash_picture(keys, int(shard_count))
    except LabError as refused:  # what Kinesis itself would answer
        st.error(str(refused))
        return
    st.plotly_chart(charts.hash_ranges(shards, placed, tr("streams.shards.title"), lang()))
    st.dataframe(headed(placed), hide_index=True)


def throughput_tab() -> None:
    st.write(tr("streams.throughput.intro"))
    left, middle, right = st.columns(3)
    key = left.radio(
        tr("streams.throughput.key"), ["artist_name", "device_id", "device_id_suffix", "random"]
    )
    shard_count = middle.slider(tr("streams.shards.count"), 1, 16, 2)
    split = right.toggle(tr("streams.throughput.split"))
    run = throughput(key, shard_count, split)
    cols = st.columns(3)
    cols[0].metric(tr("streams.throughput.shards"), len(run.ranges))
    cols[1].metric(tr("streams.throughput.throttled"), f"{run.throttled_percent:.1f}%")
    cols[2].metric(tr("streams.throughput.hot_share"), f"{run.result.hot_shard_share:.0%}")
    limit = facts.number("kinesis.shard_write_records_per_s")
    st.plotly_chart(
        charts.shard_load(labs.per_second_load(run.result), limit, tr("streams.throughput.chart"),
                          tr("streams.throughput.unit"), lang())
    )  # fmt: skip


def firehose_tab() -> None:
    st.write(tr("streams.firehose.intro"))
    left, right = st.columns(2)
    size = left.slider(
        tr("streams.firehose.size"), int(facts.number("firehose.buffer_size_min_mib")),
        int(facts.number("firehose.buffer_size_max_mib")),
        int(facts.number("firehose.buffer_size_default_mib")),
    )  # fmt: skip
    interval = right.slider(
        tr("streams.firehose.interval"), int(facts.number("firehose.buffer_interval_min_s")),
        int(facts.number("firehose.buffer_interval_max_s")),
        int(facts.number("firehose.buffer_interval_default_s")), step=30,
    )  # fmt: skip
    hour = workload(100_000, "device_id", 168)
    table = labs.buffering_table(hour, (*labs.default_buffer_settings(), (size, interval)))
    st.plotly_chart(charts.buffering_trade_off(table, tr("streams.firehose.chart"), lang()))
    st.dataframe(headed(table), hide_index=True)


def compare_tab() -> None:
    st.write(tr("streams.compare.intro"))
    left, middle, right = st.columns(3)
    key = left.radio(
        tr("streams.throughput.key"),
        ["device_id", "artist_name", "device_id_suffix", "random"],
        key="compare_key",
    )
    consumers = middle.slider(tr("streams.compare.consumers"), 1, 8, 2)
    crash = right.toggle(tr("streams.compare.crash"), value=True)
    table, events, scenario = comparison(key, consumers, crash)
    show_wrapped(table)
    hours = st.number_input(tr("streams.compare.hours"), 1, 24 * 31, 24)
    show_wrapped(compare.billable_units(events, scenario.shards, hours))


st.title(tr("nav.streams"))
tabs = st.tabs(
    [tr(f"streams.tab.{name}") for name in ("batch", "shards", "throughput", "firehose", "compare")]
)
for tab, body in zip(
    tabs, (stream_vs_batch_tab, shards_tab, throughput_tab, firehose_tab, compare_tab), strict=True
):
    with tab:
        body()

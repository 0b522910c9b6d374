"""Streams: stream vs batch, Kinesis shards and throttling, Firehose buffering, the comparison."""

import numpy as np
import streamlit as st

from lessons import charts
from lessons.data import DatasetConfig, generate_plays, generate_tracks
from lessons.datafiles import connect_tables
from lessons.streams import freshness
from views.common import tr


@st.cache_data(max_entries=4, show_spinner=False)
def plays_by_arrival(rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    con = connect_tables(generate_plays(DatasetConfig(rows=rows, seed=seed)), generate_tracks())
    try:
        return freshness.arrivals_and_artists(con)
    finally:
        con.close()


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
    st.plotly_chart(charts.freshness_vs_cost(table))
    st.dataframe(table, hide_index=True)


st.title(tr("nav.streams"))
(batch_tab,) = st.tabs([tr("streams.tab.batch")])
with batch_tab:
    stream_vs_batch_tab()

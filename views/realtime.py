"""Real time: event time, watermarks and late events on a timeline; checkpoints and recovery."""

import numpy as np
import pandas as pd
import streamlit as st

from lessons.data import DatasetConfig, generate_plays
from lessons.flink import charts, recovery, reference
from lessons.flink.recovery import default_interval_s
from lessons.flink.stream import EventStream, stream_from_plays
from lessons.flink.windows import DROPPED, LATE, ON_TIME, Watermarks, WindowSpec, run_windows
from views.common import lang, tr

MINUTE_MS = 60_000
SHOWN_HOURS = 3
REPLAY_SPEEDUP = 1_008  # a week of plays replayed in ten minutes


@st.cache_data(max_entries=2, show_spinner=False)
def play_stream(rows: int, seed: int, late: float) -> EventStream:
    plays = generate_plays(DatasetConfig(rows=rows, seed=seed, late_fraction=late))
    return stream_from_plays(plays)


@st.cache_data(max_entries=32, show_spinner=False)
def windows_run(delay_min: int, size_min: int, lateness_min: int) -> tuple:
    stream = play_stream(20_000, 5, 0.05)
    spec = WindowSpec.tumbling(size_min * MINUTE_MS)
    run = run_windows(stream, spec, Watermarks(delay_min * MINUTE_MS, lateness_min * MINUTE_MS))
    agreed = reference.agreement(run.results, reference.sql_window_counts(stream, spec))
    return stream, run, float((agreed["difference"] == 0).mean())


def timeline_tab() -> None:
    st.write(tr("realtime.timeline.intro"))
    left, middle, right = st.columns(3)
    delay = left.slider(tr("realtime.delay"), 0, 240, 5, 5)
    size = middle.select_slider(tr("realtime.size"), [5, 10, 15, 30, 60, 120], value=30)
    lateness = right.slider(tr("realtime.lateness"), 0, 180, 0, 15)
    stream, run, agreement = windows_run(int(delay), int(size), int(lateness))
    status = run.event_status
    cols = st.columns(4)
    cols[0].metric(tr("realtime.status.on_time"), f"{int((status == ON_TIME).sum()):,}")
    cols[1].metric(tr("realtime.status.late"), f"{int((status == LATE).sum()):,}")
    cols[2].metric(tr("realtime.status.dropped"), f"{int((status == DROPPED).sum()):,}")
    cols[3].metric(tr("realtime.agree"), f"{agreement:.1%}")
    evening = int(stream.event_ms.min()) // 86_400_000 * 86_400_000 + 18 * 3_600_000
    table = charts.timeline_table(stream, run, evening, evening + SHOWN_HOURS * 3_600_000)
    names = tuple(tr(f"realtime.status.{s}") for s in ("on_time", "late", "dropped"))
    st.plotly_chart(
        charts.timeline(table, run, stream, tr("realtime.timeline.title"), names, lang())
    )
    st.caption(tr("realtime.timeline.caption"))


def recovery_tab() -> None:
    st.write(tr("realtime.recovery.intro"))
    left, right = st.columns(2)
    fail_share = left.slider(tr("realtime.recovery.fail_at"), 5, 95, 50, 5)
    interval = right.slider(
        tr("realtime.recovery.interval"), 10, 300, int(default_interval_s()), 10
    )
    stream = play_stream(20_000, 5, 0.05)
    spec, marks = WindowSpec.tumbling(60 * MINUTE_MS), Watermarks(180 * MINUTE_MS)
    fail_at = (len(stream) * int(fail_share) // 100,)
    truth = run_windows(stream, spec, marks).results
    exact = recovery.run_exactly_once(stream, spec, marks, interval, fail_at, REPLAY_SPEEDUP)
    loose = recovery.run_at_least_once(stream, spec, interval, fail_at, REPLAY_SPEEDUP)
    cols = st.columns(3)
    cols[0].metric(tr("realtime.recovery.replayed"), f"{exact.replayed_events:,}")
    cols[1].metric(
        tr("realtime.recovery.identical"),
        tr("realtime.yes") if exact.results.equals(truth) else tr("realtime.no"),
    )
    cols[2].metric(tr("realtime.recovery.double"), f"{loose.double_counted:,}")  # fmt: skip
    rows = pd.DataFrame(
        {"run": [tr("realtime.recovery.truth"), tr("realtime.recovery.exact"),
                 tr("realtime.recovery.loose")],
         "counted": [int(truth["count"].sum()), int(exact.results["count"].sum()),
                     int(np.sum(loose.counts["count"]))]}
    )  # fmt: skip
    st.plotly_chart(charts.recovery_bars(rows, tr("realtime.recovery.chart"), lang()))


st.title(tr("realtime.nav"))
st.write(tr("realtime.intro"))
timeline, checkpoints = st.tabs([tr("realtime.tab.timeline"), tr("realtime.tab.recovery")])
with timeline:
    timeline_tab()
with checkpoints:
    recovery_tab()

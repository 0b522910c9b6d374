"""The music dataset, generated live from the learner's seed and options (lesson 00's data)."""

import streamlit as st

from lessons import charts
from lessons.data import DatasetConfig
from lessons.explore import DatasetTour, tour
from views.common import tr


@st.cache_data(max_entries=16, show_spinner=False)
def cached_tour(config: DatasetConfig) -> DatasetTour:
    return tour(config)


st.title(tr("nav.dataset"))
st.write(tr("dataset.intro"))

left, middle, right = st.columns(3)
seed = left.number_input(tr("dataset.seed"), min_value=0, max_value=2**31, value=42, step=1)
rows = left.select_slider(tr("dataset.rows"), [10_000, 50_000, 100_000, 200_000], value=100_000)
duplicates = middle.slider(tr("dataset.duplicates"), 0.0, 0.1, 0.01, 0.005)
late = middle.slider(tr("dataset.late"), 0.0, 0.2, 0.02, 0.01)
skew = right.slider(tr("dataset.skew"), 0.0, 2.0, 1.0, 0.1)

result = cached_tour(
    DatasetConfig(
        rows=int(rows), seed=int(seed), duplicate_fraction=duplicates, late_fraction=late,
        track_skew=skew,
    )
)  # fmt: skip

st.subheader(tr("dataset.measured"))
cols = st.columns(5)
cols[0].metric(tr("dataset.metric.events"), f"{result.quality['all_events']:,}")
cols[1].metric(tr("dataset.metric.resent"), f"{result.quality['resent_events']:,}")
cols[2].metric(tr("dataset.metric.late"), f"{result.quality['late_events']:,}")
cols[3].metric(tr("dataset.metric.evening"), f"{result.evening_to_dawn_ratio:.1f}x")
cols[4].metric(tr("dataset.metric.top_artist"), f"{result.top_artist_share:.0%}")

schema_col, sample_col = st.columns([1, 3])
schema_col.subheader(tr("dataset.schema"))
schema_col.dataframe(result.schema, hide_index=True)
sample_col.subheader(tr("dataset.sample"))
sample_col.dataframe(result.sample, hide_index=True)

st.plotly_chart(charts.hour_of_day_bars(result.by_hour_of_day, tr("dataset.rhythm")))
artist_col, device_col = st.columns(2)
artist_col.plotly_chart(
    charts.ranking_bar(result.per_artist, "artist_name", "plays", tr("dataset.per_artist"))
)
device_col.subheader(tr("dataset.per_device_track"))
device_col.dataframe(result.per_device_track.head(20), hide_index=True)

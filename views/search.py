"""Search indexing: analysis and BM25 (hand vs tantivy), segments and refresh, index kinds, CQRS."""

import pandas as pd
import streamlit as st

from lessons.data import generate_tracks
from lessons.errors import LabError
from lessons.search import analyzers, charts, compare, cqrs, indexes, inverted, segments
from lessons.search.engine import TantivyIndex
from views.common import lang, tr

# Data column -> app text key for its header; the data itself keeps English column names.
HEADER_KEYS = {"postings (doc:tf)": "search.col.postings"} | {
    name: f"search.col.{name}"
    for name in ("step", "terms", "term", "field", "df", "idf", "track_id", "track_name",
                 "artist_name", "score", "index", "docs", "query", "matches", "work", "unit",
                 "t_s", "sql_reviews", "searchable_reviews", "stale_reviews")
}  # fmt: skip


@st.cache_resource(show_spinner=False)
def built_indexes() -> tuple[pd.DataFrame, dict, TantivyIndex]:
    docs = inverted.documents(generate_tracks())
    hand = {name: inverted.build_index(docs, name) for name in analyzers.ANALYZERS}
    return docs, hand, TantivyIndex.build(docs, batch_size=25)


@st.cache_data(max_entries=16, show_spinner=False)
def segment_run(refresh: float, updates: float, max_segments: int) -> segments.SegmentRun:
    workload = segments.write_workload(2000, updates, 60, seed=1)
    return segments.simulate(workload, refresh, 60, max_segments=max_segments)


@st.cache_data(max_entries=2, show_spinner=False)
def scaling_run() -> tuple[pd.DataFrame, pd.DataFrame]:
    table = compare.scaling([10_000, 30_000, 100_000], repeats=3)
    small = indexes.build_all(indexes.synthetic_tracks(1_000, 0))[0]
    return table, indexes.capabilities(small, compare.scaling_queries(1_000))


@st.cache_data(max_entries=16, show_spinner=False)
def cqrs_run(poll: float, delay: float, refresh: float) -> cqrs.CqrsRun:
    return cqrs.simulate_reviews(generate_tracks(), 300, 60, poll, delay, refresh, seed=1)


def headed(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with headers, index kinds and question names in the learner's language."""
    shown = frame.copy()
    if "index" in shown:
        shown["index"] = shown["index"].map(lambda kind: charts.index_label(kind, lang()))
    if "query" in shown:
        shown["query"] = shown["query"].map(lambda label: charts.query_label(label, lang()))
    return shown.rename(
        columns=lambda c: tr(HEADER_KEYS[c]) if c in HEADER_KEYS else charts.query_label(c, lang())
    )


def hits_frame(hits: list, docs: pd.DataFrame) -> pd.DataFrame:
    names = docs.set_index("track_id")
    return pd.DataFrame([{"track_id": h.doc_id, "track_name": names.at[h.doc_id, "track_name"],
                          "artist_name": names.at[h.doc_id, "artist_name"],
                          "score": round(h.score, 4)} for h in hits])  # fmt: skip


def analyze_tab() -> None:
    st.write(tr("search.analyze.intro"))
    left, middle = st.columns([3, 1])
    text = left.text_input(tr("search.query"), "velvet harb", max_chars=analyzers.MAX_QUERY_CHARS)
    analyzer = middle.radio(tr("search.analyzer"), list(analyzers.ANALYZERS), index=1)
    operator = "and" if st.toggle(tr("search.operator")) else "or"
    docs, hand, engine = built_indexes()
    try:
        mine, theirs = compare.side_by_side(hand[analyzer], engine, text, analyzer, operator)
    except LabError as problem:
        st.error(str(problem))
        return
    st.subheader(tr("search.steps"))
    st.dataframe(headed(pd.DataFrame(
        [{"step": step, "terms": " | ".join(out)} for step, out in
         analyzers.analysis_steps(text, analyzer)])), hide_index=True)  # fmt: skip
    st.subheader(tr("search.postings"))
    st.dataframe(headed(hand[analyzer].postings_table(text)), hide_index=True)
    agree = compare.ranking(mine) == compare.ranking(theirs)
    verdict = tr("search.agree") if agree else tr("search.disagree")
    st.caption(f"{verdict} {tr('search.ties').format(digits=compare.SCORE_DIGITS)}")
    left, right = st.columns(2)
    # Two tables side by side are narrow: keep the id column small so the score stays visible.
    narrow = {tr("search.col.track_id"): st.column_config.Column(width="small")}
    left.markdown(f"**{tr('search.hand')}**")
    left.dataframe(headed(hits_frame(mine, docs)), hide_index=True, column_config=narrow)
    right.markdown(f"**{tr('search.engine')}**")
    right.dataframe(headed(hits_frame(theirs, docs)), hide_index=True, column_config=narrow)
    st.caption(f"{tr('search.term_note')} {len(hand['standard'].term(text, limit=None))}")


def segments_tab() -> None:
    st.write(tr("search.segments.intro"))
    left, middle, right = st.columns(3)
    refresh = left.select_slider(tr("search.refresh"), [0.5, 1.0, 2.0, 5.0, 10.0, 30.0],
                                 value=segments.default_refresh_s())  # fmt: skip
    updates = middle.slider(tr("search.updates"), 0.0, 2.0, 0.5, 0.25)
    max_segments = right.slider(tr("search.max_segments"), 2, 20, segments.DEFAULT_MAX_SEGMENTS)
    run = segment_run(float(refresh), float(updates), int(max_segments))
    cols = st.columns(4)
    cols[0].metric(tr("search.metric.segments"), int(run.timeline["segments"].iloc[-1]))
    cols[1].metric(tr("search.metric.deleted"), f"{run.deleted_share:.0%}")
    cols[2].metric(tr("search.metric.copies"), f"{run.copies_per_live_doc:.2f}")
    cols[3].metric(tr("search.metric.delay"), f"{run.writes['delay_s'].mean():.2f} s")
    st.plotly_chart(charts.segment_timeline(run.timeline, tr("search.chart.segments"), lang()))


def indexes_tab() -> None:
    st.write(tr("search.indexes.intro"))
    table, matrix = scaling_run()
    st.dataframe(headed(matrix), hide_index=True)
    st.plotly_chart(charts.scaling(table, tr("search.chart.scaling"), lang()))
    answered = table[table["answered"]]
    shown = answered[["docs", "index", "query", "matches", "work", "unit"]]
    st.dataframe(headed(shown), hide_index=True)


def cqrs_tab() -> None:
    st.write(tr("search.cqrs.intro"))
    left, middle, right = st.columns(3)
    poll = left.slider(tr("search.poll"), 0.5, 10.0, 2.0, 0.5)
    delay = middle.slider(tr("search.delay"), 0.0, 5.0, 0.5, 0.5)
    refresh = right.select_slider(
        tr("search.refresh"),
        [0.5, 1.0, 2.0, 5.0, 10.0],
        value=segments.default_refresh_s(),
        key="cqrs_refresh",
    )
    run = cqrs_run(float(poll), float(delay), float(refresh))
    cols = st.columns(3)
    cols[0].metric(tr("search.metric.lag_mean"), f"{run.writes['lag_s'].mean():.2f} s")
    cols[1].metric(tr("search.metric.lag_max"), f"{run.writes['lag_s'].max():.2f} s")
    expected = cqrs.expected_mean_lag_s(poll, delay, refresh)
    cols[2].metric(tr("search.metric.lag_expected"), f"{expected:.2f} s")
    st.plotly_chart(charts.lag_histogram(run.writes, tr("search.chart.lag"), lang()))
    st.dataframe(headed(run.timeline), hide_index=True)


st.title(tr("search.nav"))
tabs = st.tabs([tr("search.tab.analyze"), tr("search.tab.segments"), tr("search.tab.indexes"),
                tr("search.tab.cqrs")])  # fmt: skip
with tabs[0]:
    analyze_tab()
with tabs[1]:
    segments_tab()
with tabs[2]:
    indexes_tab()
with tabs[3]:
    cqrs_tab()

"""Athena tuning lab: pick how the plays are stored, run the query set, compare with CSV."""

import shutil

import pandas as pd
import streamlit as st

from lessons import charts, localaws
from lessons.i18n import t
from lessons.lake import tuning
from lessons.lake.layout import Lake
from lessons.paths import data_dir
from views.common import lang, tr, translated_headers

SEED = 42
CODECS = {"parquet": ["snappy", "zstd", "gzip", "none"], "csv": ["none", "gzip"]}


@st.cache_data(max_entries=16, show_spinner=False)
def measured(rows: int, fmt: str, compression: str, partitioned: bool, small: bool) -> pd.DataFrame:
    """Write both variants into a lake folder of their own and run the query set on each."""
    key = f"r{rows}_{fmt}_{compression}_{int(partitioned)}_{int(small)}"
    folder = data_dir() / "athena-lab" / key
    shutil.rmtree(folder, ignore_errors=True)  # this page's own scratch lake, rebuilt each time
    variant = tuning.lab_variant(fmt, compression, partitioned, small, rows)
    return tuning.compare_with_baseline(
        localaws.client("glue"), Lake(folder), rows, SEED, variant, f"athena_lab_{key}"
    )


def per_query(runs: pd.DataFrame, value: str, scale: float) -> pd.DataFrame:
    names = {"csv": tr("lake.athena.baseline"), "tuned": tr("lake.athena.tuned")}
    table = runs.pivot(index="query", columns="variant", values=value) * scale
    table = table.rename_axis(index=tr("lake.athena.col.query"))
    return table.rename(columns=names)[[names["csv"], names["tuned"]]]


# Query names and variant-label words as lessons.lake.tuning writes them -> app text keys.
QUERY_KEYS = {
    t(f"lake.athena.query.{name}", "en"): f"lake.athena.query.{name}"
    for name in ("aggregate", "by_date", "limit", "group_by")
}
LABEL_WORDS = ("uncompressed", "by_dt", "rows_per_object")
# tuning.display_table's column names -> app text keys (the English headers say more than them).
HEADER_KEYS = {
    "variant": "lake.athena.col.variant", "query": "lake.athena.col.query",
    "objects": "lake.athena.col.objects", "size (MB)": "lake.athena.col.size_mb",
    "run time (ms)": "lake.athena.col.run_ms", "data scanned (MB)": "lake.athena.col.scanned_mb",
    "cost (USD)": "lake.athena.col.cost_usd", "size saving": "lake.athena.col.size_saving",
    "speedup": "lake.athena.col.speedup", "scanned saving": "lake.athena.col.scanned_saving",
    "cost saving": "lake.athena.col.cost_saving",
}  # fmt: skip


def in_words(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs with query names and variant labels in the learner's language."""
    label = runs["label"]
    for word in LABEL_WORDS:
        key = f"lake.athena.label.{word}"
        label = label.str.replace(t(key, "en"), tr(key), regex=False)
    query = runs["query"].map(lambda q: tr(QUERY_KEYS[q]) if q in QUERY_KEYS else q)
    return runs.assign(label=label, query=query)


st.title(tr("lake.athena.nav"))
st.write(tr("lake.athena.intro"))
left, middle, right = st.columns(3)
rows = left.select_slider(tr("lake.athena.rows"), [50_000, 100_000, 200_000], value=100_000)
fmt = left.radio(tr("lake.athena.format"), ["parquet", "csv"], horizontal=True, key="athena_format")
compression = middle.selectbox(
    tr("lake.athena.compression"), CODECS[fmt], key=f"athena_codec_{fmt}"
)
partitioned = middle.toggle(tr("lake.athena.partitioned"), value=False, key="athena_by_dt")
objects = right.radio(
    tr("lake.athena.objects"),
    ["compact", "small"],
    format_func=lambda o: tr(f"lake.athena.objects.{o}"),
)

with st.spinner():
    runs = measured(int(rows), fmt, compression, partitioned, objects == "small")
summary = tuning.summarise(runs).set_index("variant").loc["tuned"]
# Bytes and cost are exact and repeatable, so they lead; run time is one noisy laptop timing.
cols = st.columns(4)
cols[0].metric(tr("lake.athena.scanned_saving"), f"{summary['scanned saving']:.1%}")
cols[1].metric(tr("lake.athena.cost_saving"), f"{summary['cost saving']:.1%}")
cols[2].metric(tr("lake.athena.size_saving"), f"{summary['size saving']:.1%}")
cols[3].metric(
    tr("lake.athena.speedup"), f"{summary['speedup']:.1f}x", help=tr("lake.athena.speedup_help")
)
shown = in_words(runs)
same = tuning.is_baseline_storage(
    tuning.lab_variant(fmt, compression, partitioned, objects == "small", int(rows))
)
if same:
    st.info(tr("lake.athena.same_as_baseline"))
    # Both would carry the baseline's label: name the learner's so table and chart tell them apart.
    mine = shown["variant"] == "tuned"
    shown.loc[mine, "label"] = shown.loc[mine, "label"] + f" ({tr('lake.athena.tuned')})"
charts_row = st.columns(3)
charts_row[0].caption(tr("lake.athena.chart.scanned"))
charts_row[0].bar_chart(per_query(shown, "data scanned (bytes)", 1 / tuning.MB), stack=False)
charts_row[1].caption(tr("lake.athena.chart.cost"))
charts_row[1].bar_chart(per_query(shown, "cost (USD)", 1), stack=False)
charts_row[2].caption(tr("lake.athena.chart.time"))
charts_row[2].bar_chart(per_query(shown, "run time (s)", 1000), stack=False)
st.info(tr("lake.athena.note"))
st.subheader(tr("lake.athena.table"))
headed = translated_headers(tuning.display_table(shown), HEADER_KEYS)
st.dataframe(headed, hide_index=True)
st.plotly_chart(
    charts.athena_scanned_and_cost(tuning.summarise(shown), tr("lake.athena.nav"), lang())
)

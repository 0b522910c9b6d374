"""Warehouse and engines: zone maps, distribution styles, Spectrum, and choosing an engine."""

import tempfile
from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from lessons.data import DatasetConfig, generate_plays, generate_tracks
from lessons.errors import LabError
from lessons.i18n import t
from lessons.serving import chooser, processed, warehouse
from views.common import lang, tr, translated_headers

ROWS, SEED = 1_000_000, 5
# Table headers as lessons.serving writes them -> app text keys (serving.col.<name>).
HEADER_NAMES = (
    "sort_key", "blocks", "blocks_read", "blocks_skipped", "skipped_pct", "rows_matching",
    "fact_style", "dim_style", "strategy", "mb_moved", "mb_stored", "busiest_slice", "partitions",
    "files", "bytes_scanned", "bytes_billed", "usd", "usd_lower", "option", "unit", "quantity",
    "idle_billed", "price_source", "service", "largest_record", "keeps_data", "corrected",
    "billed_by",
)  # fmt: skip
HEADER_KEYS = {t(f"serving.col.{name}", "en"): f"serving.col.{name}" for name in HEADER_NAMES}
# Cell words lessons.serving writes (units, options) -> app text keys (serving.cell.<name>).
CELL_NAMES = (
    "load_order", "provisioned", "serverless", "node_hours", "rpu_hours", "shard_hours",
    "put_units", "gb_ingested", "requests", "gb_months", "broker_hours", "kpu_hours",
    "gb_transform", "tb_scanned", "rpu_busy_hour", "spectrum_tb", "gb_stored",
)  # fmt: skip
CELL_KEYS = {t(f"serving.cell.{name}", "en"): f"serving.cell.{name}" for name in CELL_NAMES}
# Long text columns wrap (Streamlit wraps cells only in rows taller than 4rem).
TALL_ROW_PX = 96


@st.cache_resource(show_spinner=False)
def tables(rows: int, seed: int) -> tuple[pa.Table, pa.Table]:
    return generate_plays(DatasetConfig(rows=rows, seed=seed)), generate_tracks()


@st.cache_data(show_spinner=False)
def zone_table(rows: int, seed: int) -> pd.DataFrame:
    plays, _ = tables(rows, seed)
    day = datetime(2026, 11, 4)
    return warehouse.blocks_skipped(
        plays, "device_ts", day, day.replace(hour=23, minute=59, second=59),
        [None, "uuid", "device_id", "device_ts"],
    )  # fmt: skip


@st.cache_data(show_spinner=False)
def distribution(rows: int, seed: int, nodes: int, slices: int) -> pd.DataFrame:
    plays, tracks = tables(rows, seed)
    return warehouse.distribution_table(
        plays["track_id"].to_numpy(), np.asarray(pc.cast(tracks["track_id"], "int64")),
        plays.nbytes / plays.num_rows, tracks.nbytes / tracks.num_rows,
        warehouse.Cluster(nodes, slices), other_fact_key=plays["device_id"].to_numpy(),
    )  # fmt: skip


@st.cache_resource(show_spinner=False)
def lake_folder(rows: int, seed: int) -> str:
    root = tempfile.mkdtemp(prefix="pipeline-lab-engines-")
    return str(processed.write_processed_data(root, DatasetConfig(rows=rows, seed=seed)))


def headed(frame: pd.DataFrame | list[dict]) -> pd.DataFrame:
    """A table with its headers and known cell words in the learner's language."""
    table = pd.DataFrame(frame)
    for column in [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]:
        table[column] = table[column].map(
            lambda v: tr(CELL_KEYS[v]) if isinstance(v, str) and v in CELL_KEYS else v
        )
    return translated_headers(table, HEADER_KEYS)


def priced(estimate: pd.DataFrame) -> pd.DataFrame:
    """The monthly estimate with a clear "no sourced price" where the facts table has none."""
    missing = tr("serving.ch.no_price")
    return estimate.assign(
        usd=[missing if pd.isna(v) else f"{v:,.2f}" for v in estimate["usd"]],
        **{"price source": [missing if pd.isna(v) else v for v in estimate["price source"]]},
    )


def warehouse_tab() -> None:
    st.write(tr("serving.wh.zone_intro"))
    st.dataframe(headed(zone_table(ROWS, SEED)), hide_index=True)
    st.write(tr("serving.wh.dist_intro"))
    left, right = st.columns(2)
    nodes = left.slider(tr("serving.wh.nodes"), 2, 16, 4)
    slices = right.select_slider(tr("serving.wh.slices"), [1, 2, 4, 16], 2)
    st.dataframe(headed(distribution(ROWS, SEED, nodes, slices)), hide_index=True)
    st.write(tr("serving.wh.spectrum_intro"))
    folder = lake_folder(200_000, SEED)
    scans = {
        days[0] if days else tr("serving.wh.all_days"): warehouse.spectrum_scan(
            folder, ["artist_name"], days
        )
        for days in (None, ["2026-11-04"])
    }
    st.dataframe(headed(
        [{"partitions": k, "files": s.files, "bytes scanned": s.bytes_scanned,
          "bytes billed": s.bytes_billed, "USD": round(s.usd, 6)} for k, s in scans.items()]),
        hide_index=True,
    )  # fmt: skip
    st.write(tr("serving.wh.units_intro"))
    busy = st.slider(tr("serving.wh.busy"), 0.0, 24.0, 2.0, 0.5)
    st.dataframe(headed(warehouse.compute_units(busy, nodes)), hide_index=True)


def chooser_tab() -> None:
    st.write(tr("serving.ch.intro"))
    cols = st.columns(3)
    eps = cols[0].number_input(tr("serving.ch.eps"), 0.1, 10_000_000.0, 1_000.0)
    size = cols[1].number_input(tr("serving.ch.bytes"), 1, 20_000_000, 500)
    keep = cols[2].number_input(tr("serving.ch.retention"), 0.1, 3_650.0, 7.0)
    cols = st.columns(3)
    pattern = cols[0].selectbox(tr("serving.ch.pattern"), chooser.PATTERNS,
                                format_func=lambda p: tr(f"serving.pattern.{p}"))  # fmt: skip
    latency = cols[1].number_input(tr("serving.ch.latency"), 0.01, 86_400.0, 60.0)
    queries = cols[2].number_input(tr("serving.ch.queries"), 0, 1_000_000, 100)
    try:
        work = chooser.Workload(eps, int(size), keep, pattern, latency, int(queries))
    except LabError as problem:  # the widgets' bounds should prevent it; say why if not
        st.error(str(problem))
        return
    reason = tr("serving.col.reason")
    st.dataframe(chooser.assessment_table(work, lang()), hide_index=True, row_height=TALL_ROW_PX,
                 column_config={reason: st.column_config.TextColumn(width="large")})  # fmt: skip
    st.subheader(tr("serving.ch.estimate"))
    units = tr("serving.col.unit")
    st.dataframe(headed(priced(chooser.monthly_estimate(work))), hide_index=True,
                 column_config={units: st.column_config.TextColumn(width="large")})  # fmt: skip
    st.caption(tr("serving.ch.emr"))


def tables_tab() -> None:
    notes = {tr(f"serving.col.{name}"): st.column_config.TextColumn(width="large")
             for name in ("corrected", "billed_by")}  # fmt: skip
    for table in (chooser.stream_comparison(), chooser.engine_comparison()):
        st.dataframe(headed(table), hide_index=True, row_height=TALL_ROW_PX, column_config=notes)


st.title(tr("serving.nav.engines"))
st.write(tr("serving.engines.intro"))
tabs = st.tabs([tr(f"serving.tab.{name}") for name in ("warehouse", "chooser", "tables")])
for tab, body in zip(tabs, (warehouse_tab, chooser_tab, tables_tab), strict=True):
    with tab:
        body()

"""The Athena tuning experiment: one set of plays, stored several ways, queried the same way.

`run_experiment` writes the same play events as variants — a CSV baseline, Parquet with different
codecs, Parquet partitioned by ``dt``, many small Firehose-sized objects against compacted ones —
registers each as a Glue catalog table, runs one query set on each through the Athena engine and
returns a tidy table: size on S3, run time, data scanned, cost, and the savings and ratios
against the CSV baseline (the shape of the AWS Big Data blog's "Top 10 performance tuning tips
for Amazon Athena" table). Every number comes from this run.

Fidelity: sizes are the bytes of the files written; data scanned and cost come from the engine
(see lessons.lake.athena); run times are one laptop's, measured once per run and noisy, so only
large ratios carry over to Athena; bytes and cost are exact and the same every run. A variant
stored as the baseline reuses the baseline's measurement rather than timing the same files twice.
Small objects are sized as Firehose would deliver them: the default buffer size divided by the
measured JSON bytes of one play (the buffer fills with JSON records), written as Parquet to
isolate the cost of many objects from the format. Every variant carries the same columns, with
``dt`` (event date) a plain column when the table is not partitioned. ORC is not a variant:
DuckDB has no offline ORC reader, so the engine could not scan it.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from lessons import facts
from lessons.data import DatasetConfig, generate_plays
from lessons.errors import LabError
from lessons.lake import catalog
from lessons.lake.athena import Engine
from lessons.lake.catalog import Column, Partition, TableInfo
from lessons.lake.layout import BUCKET, Lake, join

MB = facts.BYTES_PER_UNIT["MB"]  # the tables show decimal megabytes, the unit Athena bills in
COMPACT_ROWS = 2_000_000  # rows per compacted file: large files, few objects
ROW_GROUP_ROWS = 1024 * 1024  # pyarrow's default row group size, stated so it cannot drift
BASELINE = "csv"
CODECS = ("none", "snappy", "zstd", "gzip")
FORMATS = ("csv", "parquet")
HIVE_TYPES = {
    "uuid": "string",
    "device_ts": "timestamp",
    "device_id": "int",
    "device_temp": "int",
    "track_id": "int",
    "activity_type": "string",
    "arrival_ts": "timestamp",
    "dt": "string",
}


class TuningError(LabError):
    """An experiment option that cannot be used."""


@dataclass(frozen=True)
class Variant:
    """One way of storing the plays."""

    name: str
    format: str = "parquet"
    compression: str = "snappy"
    partitioned: bool = False
    file_rows: int | None = None  # rows per object; None: compacted (COMPACT_ROWS)

    def __post_init__(self) -> None:
        if self.format not in FORMATS or self.compression not in CODECS:
            raise TuningError(f"Format must be one of {FORMATS}, compression one of {CODECS}.")
        if self.format == "csv" and self.compression not in ("none", "gzip"):
            raise TuningError("CSV files are stored uncompressed or gzip-compressed.")
        if self.file_rows is not None and self.file_rows < 1:
            raise TuningError("Rows per file must be at least 1.")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise TuningError(f"Variant name {self.name!r}: use lowercase letters, digits and _.")

    @property
    def label(self) -> str:
        codec = "uncompressed" if self.compression == "none" else self.compression
        parts = [f"{self.format.upper()} {codec}"]
        if self.partitioned:
            parts.append("by dt")
        if self.file_rows is not None:
            parts.append(f"{self.file_rows:,} rows/object")
        return ", ".join(parts)

    @property
    def storage(self) -> tuple[str, str, bool, int | None]:
        """What decides the bytes on S3: two variants with the same storage write the same files."""
        return (self.format, self.compression, self.partitioned, self.file_rows)

    @property
    def extension(self) -> str:
        return (
            ".parquet"
            if self.format == "parquet"
            else (".csv.gz" if self.compression == "gzip" else ".csv")
        )


def default_variants(small_file_rows: int) -> tuple[Variant, ...]:
    """The experiment's variants: baseline, codecs, partitioning, small objects."""
    return (
        Variant("csv", "csv", "none"),
        Variant("csv_gzip", "csv", "gzip"),
        Variant("parquet_snappy"),
        Variant("parquet_zstd", compression="zstd"),
        Variant("parquet_gzip", compression="gzip"),
        Variant("parquet_by_dt", partitioned=True),
        Variant("parquet_small_objects", partitioned=True, file_rows=small_file_rows),
    )


def query_set(day: str) -> dict[str, str]:
    """The queries run on every variant; ``{table}`` is filled in per variant."""
    return {
        "single-column aggregate": "SELECT avg(device_temp) AS avg_temp FROM {table}",
        "filtered by date": (
            "SELECT count(*) AS plays, avg(device_temp) AS avg_temp FROM {table} "
            f"WHERE dt = '{day}'"
        ),
        "SELECT * LIMIT 100": "SELECT * FROM {table} LIMIT 100",
        "group by two columns": (
            "SELECT activity_type, device_temp, count(*) AS plays FROM {table} "
            "GROUP BY activity_type, device_temp ORDER BY activity_type, device_temp"
        ),
    }


def plays_with_dt(rows: int, seed: int) -> pa.Table:
    """Seeded plays with the event date as text (``dt``), the partition key of the lake."""
    plays = generate_plays(DatasetConfig(rows=rows, seed=seed))
    return plays.append_column("dt", pc.strftime(plays["device_ts"], format="%Y-%m-%d"))


def json_bytes_per_row(plays: pa.Table, sample: int = 2_000) -> float:
    """Average bytes of one play as a JSON line (what a Firehose buffer fills with)."""
    rows = plays.slice(0, min(sample, plays.num_rows)).to_pylist()
    return sum(len(json.dumps(row, default=str)) + 1 for row in rows) / max(len(rows), 1)


def firehose_object_rows(plays: pa.Table) -> int:
    """Plays per object when a Firehose stream flushes at its default buffer size."""
    return max(
        1, int(facts.as_bytes("firehose.buffer_size_default_mib") / json_bytes_per_row(plays))
    )


def _write_file(table: pa.Table, path, variant: Variant) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if variant.format == "parquet":
        pq.write_table(table, path, compression=variant.compression, row_group_size=ROW_GROUP_ROWS)
        return
    options = pacsv.WriteOptions(quoting_style="none")
    with pa.OSFile(str(path), "wb") as raw:
        if variant.compression == "gzip":
            with pa.CompressedOutputStream(raw, "gzip") as sink:
                pacsv.write_csv(table, sink, options)
        else:
            pacsv.write_csv(table, raw, options)


def _chunks(table: pa.Table, rows: int) -> list[pa.Table]:
    return [table.slice(start, rows) for start in range(0, table.num_rows, rows)] or [table]


def write_variant(lake: Lake, plays: pa.Table, variant: Variant, location: str) -> list[Partition]:
    """Write the plays as `variant` under `location`; returns the partitions (one if flat)."""
    rows = variant.file_rows or COMPACT_ROWS
    if not variant.partitioned:
        for i, chunk in enumerate(_chunks(plays, rows)):
            _write_file(chunk, lake.path(location) / f"part-{i:05d}{variant.extension}", variant)
        return [Partition((), location)]
    partitions = []
    for day in sorted(pc.unique(plays["dt"]).to_pylist()):
        folder = join(location, f"dt={day}") + "/"
        part = plays.filter(pc.equal(plays["dt"], day)).drop_columns(["dt"])
        for i, chunk in enumerate(_chunks(part, rows)):
            _write_file(chunk, lake.path(folder) / f"part-{i:05d}{variant.extension}", variant)
        partitions.append(Partition((day,), folder))
    return partitions


def table_info(database: str, name: str, location: str, variant: Variant) -> TableInfo:
    """The catalog entry a crawler would write for the variant."""
    columns = tuple(Column(n, t) for n, t in HIVE_TYPES.items())
    keys = (columns[-1],) if variant.partitioned else ()
    params = {"skip.header.line.count": "1"} if variant.format == "csv" else {}
    if variant.compression != "none":
        params["compressionType" if variant.format == "csv" else "parquet.compression"] = (
            variant.compression
        )
    return TableInfo(
        database, name, location, variant.format, columns[:-1] if keys else columns, keys, params
    )


@dataclass(frozen=True)
class Stored:
    """A variant written to the lake and registered in the catalog."""

    variant: Variant
    table: TableInfo
    files: int
    size_bytes: int


def store_variant(
    glue: Any, lake: Lake, plays: pa.Table, variant: Variant, database: str, prefix: str
) -> Stored:
    """Write, register (table and partitions) and measure one variant."""
    location = f"s3://{BUCKET}/{prefix.strip('/')}/{variant.name}/"
    if lake.objects(location):
        raise TuningError(f"{location} already holds data; use a fresh prefix or lake.")
    partitions = write_variant(lake, plays, variant, location)
    info = table_info(database, variant.name, location, variant)
    catalog.put_table(glue, info)
    if variant.partitioned:
        catalog.add_partitions(glue, info, partitions)
    files = catalog.data_files(lake, location)
    return Stored(variant, info, len(files), sum(p.stat().st_size for p in files))


def _run(engine: Engine, sql: str, repeats: int) -> dict[str, object]:
    results = [engine.query(sql) for _ in range(max(repeats, 1))]
    last = results[-1]
    return {
        "rows": last.table.num_rows,
        "files read": last.files_read,
        "run time (s)": statistics.median(r.run_s for r in results),
        "engine overhead (s)": statistics.median(r.overhead_s for r in results),
        "catalog and listing (s)": statistics.median(r.catalog_s for r in results),
        "data scanned (bytes)": last.bytes_scanned,
        "cost (USD)": last.cost_usd,
        "result": last.table,
    }


@dataclass(frozen=True)
class Experiment:
    """The measurements: one row per variant and query, plus what was stored."""

    runs: pd.DataFrame
    stored: tuple[Stored, ...]
    queries: dict[str, str]
    rows: int

    def summary(self, query: str | None = None) -> pd.DataFrame:
        """The blog-style table: per variant, one query (or the query set summed) vs CSV."""
        return summarise(self.runs, query)


def run_experiment(
    glue: Any,
    lake: Lake,
    rows: int = 200_000,
    seed: int = 42,
    variants: Sequence[Variant] | None = None,
    repeats: int = 3,
    database: str = "athena_tuning",
    prefix: str = "tuning",
    plays: pa.Table | None = None,
    small_object_rows: int | None = None,
) -> Experiment:
    """Write every variant, run the query set on each, measure.

    Small objects hold `small_object_rows` plays, by default what a Firehose buffer holds
    (`firehose_object_rows`); at laptop scale pass fewer so that a day still spans many objects.
    """
    plays = plays if plays is not None else plays_with_dt(rows, seed)
    small = small_object_rows or firehose_object_rows(plays)
    variants = tuple(variants or default_variants(small))
    if BASELINE not in {v.name for v in variants}:
        raise TuningError(f"The variants must include the {BASELINE!r} baseline.")
    days = sorted(pc.unique(plays["dt"]).to_pylist())
    queries = query_set(days[len(days) // 2])
    stored = tuple(store_variant(glue, lake, plays, v, database, prefix) for v in variants)
    with Engine(glue, lake, database=database) as engine:
        records = [
            _record(engine, item, query, template, repeats)
            for item in stored
            for query, template in queries.items()
        ]
    return Experiment(with_ratios(pd.DataFrame(records)), stored, queries, plays.num_rows)


def _record(
    engine: Engine, item: Stored, query: str, template: str, repeats: int
) -> dict[str, object]:
    return {
        "variant": item.variant.name,
        "label": item.variant.label,
        "query": query,
        "objects": item.files,
        "size on S3 (bytes)": item.size_bytes,
        **_run(engine, template.format(table=item.table.name), repeats),
    }


def with_ratios(runs: pd.DataFrame, baseline: str = BASELINE) -> pd.DataFrame:
    """Add savings and ratios against the baseline variant, query by query."""
    base = runs[runs["variant"] == baseline].set_index("query")
    out = runs.copy()
    ref = out["query"].map
    out["size saving"] = 1 - out["size on S3 (bytes)"] / ref(base["size on S3 (bytes)"])
    out["scanned saving"] = 1 - out["data scanned (bytes)"] / ref(base["data scanned (bytes)"])
    out["cost saving"] = 1 - out["cost (USD)"] / ref(base["cost (USD)"])
    out["speedup"] = ref(base["run time (s)"]) / out["run time (s)"]
    return out


def summarise(runs: pd.DataFrame, query: str | None = None) -> pd.DataFrame:
    """Per variant: size, run time, data scanned and cost (one query or all summed), vs CSV."""
    chosen = runs if query is None else runs[runs["query"] == query]
    if chosen.empty:
        raise TuningError(f"No measurements for query {query!r}.")
    table = (
        chosen.groupby(["variant", "label"], sort=False)
        .agg(
            **{
                "objects": ("objects", "first"),
                "size on S3 (bytes)": ("size on S3 (bytes)", "first"),
                "run time (s)": ("run time (s)", "sum"),
                "data scanned (bytes)": ("data scanned (bytes)", "sum"),
                "cost (USD)": ("cost (USD)", "sum"),
                "engine overhead (s)": ("engine overhead (s)", "sum"),
                "catalog and listing (s)": ("catalog and listing (s)", "sum"),
            }
        )
        .reset_index()
    )
    base = table[table["variant"] == BASELINE].iloc[0]
    table["size saving"] = 1 - table["size on S3 (bytes)"] / base["size on S3 (bytes)"]
    table["speedup"] = base["run time (s)"] / table["run time (s)"]
    table["scanned saving"] = 1 - table["data scanned (bytes)"] / base["data scanned (bytes)"]
    table["cost saving"] = 1 - table["cost (USD)"] / base["cost (USD)"]
    return table


def same_answers(runs: pd.DataFrame) -> dict[str, bool]:
    """Per query, whether every variant returned the same result (LIMIT: the same row count)."""
    verdict = {}
    for query, group in runs.groupby("query", sort=False):
        tables = [t.to_pandas() for t in group["result"]]
        if "LIMIT" in query:
            verdict[query] = len({len(t) for t in tables}) == 1
            continue
        first = tables[0].round(9)
        verdict[query] = all(t.round(9).equals(first) for t in tables[1:])
    return verdict


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """Human units for a summary or runs table: MB, milliseconds, percentages, ×."""
    out = pd.DataFrame({"variant": table["label"]})
    if "query" in table:
        out["query"] = table["query"]
    out["objects"] = table["objects"]
    out["size (MB)"] = (table["size on S3 (bytes)"] / MB).round(2)
    out["run time (ms)"] = (table["run time (s)"] * 1000).round(1)
    out["data scanned (MB)"] = (table["data scanned (bytes)"] / MB).round(3)
    out["cost (USD)"] = table["cost (USD)"].map(lambda v: f"{v:.6f}")
    out["size saving"] = table["size saving"].map(lambda v: f"{v:.1%}")
    out["speedup"] = table["speedup"].map(lambda v: f"{v:.1f}x")
    out["scanned saving"] = table["scanned saving"].map(lambda v: f"{v:.2%}")
    out["cost saving"] = table["cost saving"].map(lambda v: f"{v:.1%}")
    return out


def lab_variant(
    fmt: str, compression: str, partitioned: bool, small_objects: bool, rows: int
) -> Variant:
    """The learner's choice on the app page; small objects scale with the sample's size."""
    file_rows = max(rows // 200, 100) if small_objects else None
    return Variant("tuned", fmt, compression, partitioned, file_rows)


BASELINE_VARIANT = Variant(BASELINE, "csv", "none")


def is_baseline_storage(variant: Variant) -> bool:
    """Whether `variant` stores the plays exactly as the CSV baseline does."""
    return variant.storage == BASELINE_VARIANT.storage


def compare_with_baseline(
    glue: Any, lake: Lake, rows: int, seed: int, variant: Variant, database: str
) -> pd.DataFrame:
    """Run the query set on the CSV baseline and on `variant`; the runs table without results.

    A variant stored as the baseline is not measured twice: its rows are the baseline's, so its
    ratios are exactly 1.0x and 0% instead of two noisy timings of the same files.
    """
    if variant.name == BASELINE:
        raise TuningError(f"Name the variant anything but {BASELINE!r}, the baseline's name.")
    if not is_baseline_storage(variant):
        found = run_experiment(glue, lake, rows=rows, seed=seed, repeats=1, database=database,
                               variants=(BASELINE_VARIANT, variant))  # fmt: skip
        return found.runs.drop(columns=["result"])
    found = run_experiment(glue, lake, rows=rows, seed=seed, repeats=1, database=database,
                           variants=(BASELINE_VARIANT,))  # fmt: skip
    base = found.runs.drop(columns=["result"])
    same = base.assign(variant=variant.name, label=variant.label)
    return with_ratios(pd.concat([base, same], ignore_index=True))

"""A small, seeded demo lake with two catalog tables and three Lake Formation principals.

Used by the Lake Formation lesson and the SQL playground (and free for other lake lessons): raw
plays as JSON lines in Hive-style ``dt=`` folders by arrival date (what the Firehose model
writes), and ``processed_data`` (plays joined with tracks, Parquet, partitioned by event date),
both registered in the Glue Data Catalog with put_table / add_partitions — no crawler needed.

The demo catalog lives in its own region of the local endpoint (:data:`REGION`) and its files in
their own folder, so other lessons' ``music`` tables cannot collide with it in one process.

Fidelity: table definitions are what a Glue crawler records for these files (classification,
SerDe, Hive partition keys as strings); the raw JSON table types the timestamps as ``string``,
as a crawler does for text timestamps. Rows come from the sample dataset when it exists (its
first rows), otherwise from the seeded generator.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from lessons import localaws
from lessons.data import DatasetConfig, generate_plays, generate_tracks
from lessons.datafiles import connect_tables, load_plays, load_tracks, read_manifest
from lessons.errors import DatasetError
from lessons.lake import catalog
from lessons.lake.catalog import Column, Partition, TableInfo
from lessons.lake.lakeformation import (
    ALL_TABLES,
    DataCellsFilter,
    Grant,
    Policy,
    create_data_cells_filter,
    grant_permissions,
    role,
)
from lessons.lake.layout import DATABASE, PROCESSED, RAW_PLAYS, Lake
from lessons.paths import data_dir, sample_dir

REGION = "us-west-2"
PLAYS = "plays"
PROCESSED_DATA = "processed_data"
DEFAULT_ROWS = 20_000
DEFAULT_SEED = 7
ADMIN, ANALYST, PARTNER = role("admin"), role("analyst"), role("partner")
PRINCIPALS = {"admin": ADMIN, "analyst": ANALYST, "partner": PARTNER}
PARTNER_ACTIVITY = "Running"
_MARKER = ".demo.json"

_GLUE_TYPES = {
    pa.string(): "string", pa.int64(): "bigint", pa.int32(): "int", pa.int16(): "smallint",
    pa.float64(): "double", pa.bool_(): "boolean", pa.timestamp("ms"): "timestamp",
}  # fmt: skip


@dataclass(frozen=True)
class DemoLake:
    """Where the demo lake lives and what its catalog holds."""

    lake: Lake
    database: str
    region: str
    tables: tuple[TableInfo, ...]
    rows: int
    source: str  # "sample dataset" or "generated"

    def table(self, name: str) -> TableInfo:
        return next(t for t in self.tables if t.name == name)


def default_root() -> Path:
    return data_dir() / "lakeformation-demo"


def glue_client():
    """A Glue client on the demo's own region of the local endpoint."""
    return localaws.client("glue", region=REGION)


def lakeformation_client():
    return localaws.client("lakeformation", region=REGION)


def _source_tables(rows: int, seed: int, use_sample: bool) -> tuple[pa.Table, pa.Table, str]:
    try:
        if not use_sample:
            raise DatasetError("generated on request")
        read_manifest(sample_dir())
        plays, tracks = load_plays(sample_dir()), load_tracks(sample_dir())
        return plays.slice(0, rows), tracks, "sample dataset"
    except DatasetError:
        plays = generate_plays(DatasetConfig(rows=rows, seed=seed))
        return plays, generate_tracks(), "generated"


def _write_files(root: Path, plays: pa.Table, tracks: pa.Table) -> None:
    """Raw JSON by arrival day and processed Parquet by event day, under the lake's S3 layout."""
    lake = Lake(root)
    con = connect_tables(plays, tracks)
    con.execute("SET threads = 1")  # one writer thread keeps file bytes the same run to run
    try:
        day_sql = "SELECT DISTINCT strftime(arrival_ts, '%Y-%m-%d') FROM plays ORDER BY 1"
        days = [r[0] for r in con.execute(day_sql).fetchall()]
        for day in days:
            folder = lake.path(RAW_PLAYS) / f"dt={day}"
            folder.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"COPY (SELECT * FROM plays WHERE strftime(arrival_ts, '%Y-%m-%d') = '{day}' "
                f"ORDER BY arrival_ts, uuid) TO '{(folder / 'part-0.json').as_posix()}' "
                "(FORMAT json)"
            )
        out = lake.path(PROCESSED)
        out.mkdir(parents=True, exist_ok=True)
        con.execute(
            "COPY (SELECT *, strftime(device_ts, '%Y-%m-%d') AS dt FROM processed_data "
            f"ORDER BY device_ts, uuid) TO '{out.as_posix()}' "
            "(FORMAT parquet, PARTITION_BY (dt), OVERWRITE_OR_IGNORE)"
        )
    finally:
        con.close()


def _columns(schema: pa.Schema, text_timestamps: bool) -> tuple[Column, ...]:
    def glue_type(t: pa.DataType) -> str:
        if text_timestamps and pa.types.is_timestamp(t):
            return "string"
        return _GLUE_TYPES.get(t, "string")

    return tuple(Column(f.name, glue_type(f.type)) for f in schema if f.name != "dt")


def _register(glue, lake: Lake, plays: pa.Table, tracks: pa.Table) -> tuple[TableInfo, ...]:
    con = connect_tables(plays.slice(0, 0), tracks.slice(0, 0))
    processed_schema = con.execute("SELECT * FROM processed_data").to_arrow_table().schema
    con.close()
    dt = (Column("dt", "string"),)
    raw = TableInfo(DATABASE, PLAYS, RAW_PLAYS, "json", _columns(plays.schema, True), dt)
    processed = TableInfo(
        DATABASE, PROCESSED_DATA, PROCESSED, "parquet", _columns(processed_schema, False), dt
    )
    for table in (raw, processed):
        catalog.put_table(glue, table)
        folders = sorted(p for p in lake.path(table.location).glob("dt=*") if p.is_dir())
        values = [(f.name.split("=", 1)[1],) for f in folders]
        catalog.add_partitions(
            glue, table, [Partition(v, table.partition_location(v)) for v in values]
        )
    return raw, processed


def build_demo_lake(
    root: Path | None = None,
    glue=None,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    use_sample: bool = True,
) -> DemoLake:
    """Write the demo lake (once per settings) and register its tables in the Glue catalog."""
    root = Path(root) if root is not None else default_root()
    glue = glue if glue is not None else glue_client()
    plays, tracks, source = _source_tables(rows, seed, use_sample)
    wanted = {"rows": plays.num_rows, "seed": seed, "source": source}
    marker = root / _MARKER
    if not marker.is_file() or json.loads(marker.read_text()) != wanted:
        root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{root.name}-", dir=root.parent))
        try:
            _write_files(staging, plays, tracks)
            (staging / _MARKER).write_text(json.dumps(wanted))
            shutil.rmtree(root, ignore_errors=True)
            staging.rename(root)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    lake = Lake(root)
    tables = _register(glue, lake, plays, tracks)
    return DemoLake(lake, DATABASE, REGION, tables, plays.num_rows, source)


def demo_policy(demo: DemoLake) -> Policy:
    """Three principals: an admin who reads everything, an analyst who may not see device_id,
    and a partner who sees only the partner activity's plays (a data filter)."""
    return policy_for({name: demo.table(name) for name in (PLAYS, PROCESSED_DATA)})


def policy_for(tables: Mapping[str, TableInfo]) -> Policy:
    """The demo principals' grants on the given tables (by name), e.g. the Glue job's
    processed_data for the dashboard lesson."""
    policy = Policy()
    policy = grant_permissions(policy, Grant(ADMIN, DATABASE, permissions=("DESCRIBE",)))
    policy = grant_permissions(
        policy, Grant(ADMIN, DATABASE, ALL_TABLES, permissions=("SELECT", "DESCRIBE"))
    )
    for name, table in tables.items():
        policy = grant_permissions(
            policy, Grant(ANALYST, DATABASE, name, excluded_columns=("device_id",)), table
        )
        policy = create_data_cells_filter(
            policy,
            DataCellsFilter(
                f"{name}_partner", DATABASE, name, f"activity_type = '{PARTNER_ACTIVITY}'",
                excluded_columns=("device_id",),
            ),
            table,
        )  # fmt: skip
        policy = grant_permissions(
            policy, Grant(PARTNER, DATABASE, name, data_filter=f"{name}_partner"), table
        )
    return policy

"""Redshift ideas measured on the music data: zone maps, distribution styles, Spectrum, billing.

- **Zone maps and sort keys**: a column is stored in fixed-size blocks with each block's minimum
  and maximum kept aside; a range filter reads only blocks whose range overlaps it. Sorting the
  table on the filtered column makes ranges narrow, so most blocks are skipped.
- **Distribution styles** on a simulated cluster of N nodes × slices: KEY puts rows with the same
  key on the same slice, EVEN deals rows round-robin, ALL keeps a full copy on every node. A
  join then moves nothing (co-located KEY, or ALL), or redistributes or broadcasts rows between
  nodes, and :func:`join_plan` counts the bytes.
- **Spectrum**: the warehouse reads the lake's Parquet in place; bytes billed are the column
  chunks of the partitions a query touches.
- **Serverless vs provisioned**: billable units of each for a usage pattern.

Fidelity: block size, Spectrum price and minimum come from the facts table. The default
distribution style in Redshift is AUTO (no DISTSTYLE given): Redshift starts a small table as ALL
and may switch it to KEY or EVEN as it grows, in the background; the lesson sets KEY, EVEN and ALL
explicitly to show what AUTO chooses between. Blocks hold raw
fixed-width values (Redshift compresses, so real blocks hold more rows); the KEY hash is a
64-bit mix of the key, not Redshift's; ALL copies are per node as in Redshift. The join planner
picks the cheapest of the strategies Redshift's EXPLAIN names (DS_DIST_NONE, DS_DIST_ALL_NONE,
DS_DIST_INNER, DS_DIST_OUTER, DS_BCAST_INNER, DS_DIST_BOTH) by bytes moved between nodes;
Redshift also weighs row counts and statistics. Slices per node is a parameter (it depends on
the node type); the node and slice ranges the simulator accepts are the lab's, not AWS quotas.
Serverless compute is RPU-hours at a constant capacity while busy; AWS meters per second and
scales capacity up from the base with load.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lessons import facts
from lessons.errors import LabError
from lessons.lake import athena

STYLES = ("KEY", "EVEN", "ALL")
_TB = facts.BYTES_PER_UNIT["MB"] * 10**6  # prices are per decimal terabyte


class WarehouseError(LabError):
    """A cluster, table layout or query the warehouse lesson cannot model."""


# --- zone maps ---------------------------------------------------------------------------


def rows_per_block(bytes_per_value: int, block_bytes: int | None = None) -> int:
    """How many fixed-width values fit in one block (the facts table's block size by default)."""
    block = block_bytes or facts.as_bytes("redshift.block_size_mb")
    if bytes_per_value <= 0 or block < bytes_per_value:
        raise WarehouseError("A block must hold at least one value of a positive width.")
    return block // bytes_per_value


def _as_numbers(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        column = pc.cast(column, pa.int64())
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.int64)


@dataclass(frozen=True, eq=False)
class ZoneMap:
    """Per-block minimum and maximum of one column, in storage order."""

    mins: np.ndarray
    maxs: np.ndarray
    rows_per_block: int

    @property
    def blocks(self) -> int:
        return len(self.mins)

    def blocks_to_read(self, low: int, high: int) -> np.ndarray:
        """Which blocks may hold values in [low, high]; the rest are skipped unread."""
        return (self.maxs >= low) & (self.mins <= high)


def zone_map(values: np.ndarray, block_rows: int) -> ZoneMap:
    """Zone map of a column stored in this order, `block_rows` values per block."""
    if block_rows < 1 or len(values) == 0:
        raise WarehouseError("A zone map needs values and at least one row per block.")
    starts = np.arange(0, len(values), block_rows)
    return ZoneMap(np.minimum.reduceat(values, starts), np.maximum.reduceat(values, starts),
                   block_rows)  # fmt: skip


def storage_order(table: pa.Table, sort_key: str | None) -> np.ndarray:
    """Row order on disk: by the sort key (stable), or load order when there is none."""
    if sort_key is None:
        return np.arange(table.num_rows)
    if sort_key not in table.column_names:
        raise WarehouseError(f"No column {sort_key!r} to sort on; columns: {table.column_names}.")
    return pc.sort_indices(table, [(sort_key, "ascending")]).to_numpy()


def blocks_skipped(
    table: pa.Table,
    column: str,
    low: object,
    high: object,
    sort_keys: Sequence[str | None],
    block_bytes: int | None = None,
) -> pd.DataFrame:
    """Blocks of `column` read and skipped by the filter low <= column <= high, per sort key."""
    if column not in table.column_names:
        raise WarehouseError(f"No column {column!r}; columns: {table.column_names}.")
    values = _as_numbers(table.column(column))
    bounds = _as_numbers(pa.array([low, high], type=table.schema.field(column).type))
    width = table.schema.field(column).type.byte_width
    block_rows = rows_per_block(width, block_bytes)
    rows = []
    for key in sort_keys:
        stored = values[storage_order(table, key)]
        zones = zone_map(stored, block_rows)
        read = zones.blocks_to_read(int(bounds[0]), int(bounds[1]))
        rows.append({
            "sort key": key or "(none: load order)",
            "blocks": zones.blocks,
            "blocks read": int(read.sum()),
            "blocks skipped": int(zones.blocks - read.sum()),
            "skipped %": round(100 * (1 - read.mean()), 1),
            "rows matching": int(((stored >= bounds[0]) & (stored <= bounds[1])).sum()),
        })  # fmt: skip
    return pd.DataFrame(rows)


def column_blocks(table: pa.Table, block_bytes: int | None = None) -> pd.DataFrame:
    """Blocks each column fills: a columnar scan reads only the columns a query names."""
    block = block_bytes or facts.as_bytes("redshift.block_size_mb")
    return pd.DataFrame(
        [
            {"column": name, "bytes": table.column(name).nbytes,
             "blocks": math.ceil(table.column(name).nbytes / block)}
            for name in table.column_names
        ]
    )  # fmt: skip


# --- distribution styles ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cluster:
    """A provisioned cluster: compute nodes, each split into slices."""

    nodes: int
    slices_per_node: int = 2

    def __post_init__(self) -> None:
        # The simulator's range (keeps arrays small), not an AWS node quota.
        if not (1 <= self.nodes <= 128 and 1 <= self.slices_per_node <= 32):
            raise WarehouseError(
                "The simulated cluster takes 1-128 nodes and 1-32 slices per node."
            )

    @property
    def slices(self) -> int:
        return self.nodes * self.slices_per_node

    def node_of(self, slices: np.ndarray) -> np.ndarray:
        """The node each slice belongs to."""
        return slices // self.slices_per_node


def key_slices(keys: np.ndarray, slices: int) -> np.ndarray:
    """The slice a KEY-distributed row lands on: a 64-bit mix of the key, modulo slices."""
    x = np.asarray(keys).astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return ((x ^ (x >> np.uint64(31))) % np.uint64(slices)).astype(np.int64)


@dataclass(frozen=True, eq=False)
class DistTable:
    """A table for the join: its join-key values, bytes per row and distribution style.

    For KEY, `distkey` names what the KEY is on; `distkey_values` gives that column when it is
    not the join key (None means KEY on the join key itself).
    """

    name: str
    join_keys: np.ndarray
    row_bytes: float
    style: str
    distkey_values: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise WarehouseError(
                f"Distribution style must be KEY, EVEN or ALL, not {self.style!r}."
            )
        if self.row_bytes <= 0 or len(self.join_keys) == 0:
            raise WarehouseError(f"Table {self.name!r} needs rows of a positive size.")

    @property
    def rows(self) -> int:
        return len(self.join_keys)

    @property
    def bytes(self) -> float:
        return self.rows * self.row_bytes

    @property
    def colocated_on_join_key(self) -> bool:
        return self.style == "KEY" and self.distkey_values is None

    def slices(self, cluster: Cluster) -> np.ndarray | None:
        """Slice of each row (None for ALL: every node has every row)."""
        if self.style == "ALL":
            return None
        if self.style == "EVEN":
            return np.arange(self.rows) % cluster.slices
        values = self.join_keys if self.distkey_values is None else self.distkey_values
        return key_slices(values, cluster.slices)


@dataclass(frozen=True)
class JoinPlan:
    """How the join runs and what it costs in network and storage."""

    strategy: str
    bytes_moved: float
    rows_moved: int
    stored_bytes: float
    largest_slice_share: float
    candidates: dict[str, float]


def _moved(table: DistTable, cluster: Cluster) -> tuple[float, int]:
    """Rows (and bytes) that must cross nodes to reach the slice their join key hashes to."""
    here = cluster.node_of(table.slices(cluster))
    target = cluster.node_of(key_slices(table.join_keys, cluster.slices))
    rows = int((here != target).sum())
    return rows * table.row_bytes, rows


def join_plan(fact: DistTable, dim: DistTable, cluster: Cluster) -> JoinPlan:
    """The cheapest way Redshift could join fact (outer) to dim (inner) on their join keys."""
    stored = sum(t.bytes * (cluster.nodes if t.style == "ALL" else 1) for t in (fact, dim))
    fact_slices = fact.slices(cluster)
    share = (
        1 / cluster.slices
        if fact_slices is None
        else float(np.bincount(fact_slices, minlength=cluster.slices).max() / fact.rows)
    )
    if "ALL" in (fact.style, dim.style):
        return JoinPlan("DS_DIST_ALL_NONE", 0.0, 0, stored, share, {"DS_DIST_ALL_NONE": 0.0})
    fact_bytes, fact_rows = _moved(fact, cluster)
    dim_bytes, dim_rows = _moved(dim, cluster)
    broadcast = dim.bytes * (cluster.nodes - 1)
    if fact.colocated_on_join_key and dim.colocated_on_join_key:
        options = {"DS_DIST_NONE": (0.0, 0)}
    elif fact.colocated_on_join_key:
        options = {"DS_DIST_INNER": (dim_bytes, dim_rows)}
    elif dim.colocated_on_join_key:
        options = {"DS_DIST_OUTER": (fact_bytes, fact_rows)}
    else:
        options = {"DS_DIST_BOTH": (fact_bytes + dim_bytes, fact_rows + dim_rows)}
    if "DS_DIST_NONE" not in options:
        options["DS_BCAST_INNER"] = (broadcast, dim.rows * (cluster.nodes - 1))
    best = min(options, key=lambda name: options[name][0])
    return JoinPlan(best, options[best][0], options[best][1], stored, share,
                    {name: cost[0] for name, cost in options.items()})  # fmt: skip


def distribution_table(
    fact_keys: np.ndarray,
    dim_keys: np.ndarray,
    fact_row_bytes: float,
    dim_row_bytes: float,
    cluster: Cluster,
    other_fact_key: np.ndarray | None = None,
) -> pd.DataFrame:
    """Bytes moved and stored for the join under each pair of styles (KEY = on the join key)."""
    pairs = [("KEY", "KEY"), ("EVEN", "KEY"), ("KEY", "EVEN"), ("EVEN", "EVEN"), ("EVEN", "ALL"),
             ("KEY", "ALL")]  # fmt: skip
    rows = []
    for fact_style, dim_style in pairs:
        plan = join_plan(
            DistTable("fact", fact_keys, fact_row_bytes, fact_style),
            DistTable("dim", dim_keys, dim_row_bytes, dim_style),
            cluster,
        )
        rows.append(_plan_row(fact_style, dim_style, plan))
    if other_fact_key is not None:
        plan = join_plan(
            DistTable("fact", fact_keys, fact_row_bytes, "KEY", other_fact_key),
            DistTable("dim", dim_keys, dim_row_bytes, "KEY"),
            cluster,
        )
        rows.append(_plan_row("KEY (other column)", "KEY", plan))
    return pd.DataFrame(rows)


def _plan_row(fact_style: str, dim_style: str, plan: JoinPlan) -> dict:
    return {
        "fact style": fact_style,
        "dim style": dim_style,
        "strategy": plan.strategy,
        "MB moved": round(plan.bytes_moved / facts.BYTES_PER_UNIT["MB"], 3),
        "MB stored": round(plan.stored_bytes / facts.BYTES_PER_UNIT["MB"], 3),
        "busiest slice share": round(plan.largest_slice_share, 3),
    }


# --- Spectrum ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpectrumScan:
    """What a Spectrum query reads from S3 and what that is billed."""

    files: int
    bytes_scanned: int
    bytes_billed: int

    @property
    def usd(self) -> float:
        return self.bytes_billed / _TB * facts.number("redshift_spectrum.price_per_tb_usd")


def billed_bytes(scanned: int) -> int:
    """Spectrum rounds up to the next MB, never below its per-query minimum (facts table)."""
    return athena.billed_bytes(scanned, "redshift_spectrum.min_scan_mb")


def spectrum_scan(partition_dir: Path | str, columns: Sequence[str], days: Sequence[str] | None
                  ) -> SpectrumScan:  # fmt: skip
    """Bytes of the named columns' chunks in the dt partitions read (all when days is None)."""
    root = Path(partition_dir)
    folders = sorted(root.glob("dt=*"))
    if days is not None:
        folders = [f for f in folders if f.name.removeprefix("dt=") in set(days)]
    files = [p for folder in folders for p in sorted(folder.glob("*.parquet"))]
    if not files and days is None:
        raise WarehouseError(f"No Parquet partitions under {root}.")
    scanned = 0
    for path in files:
        meta = pq.ParquetFile(path).metadata
        names = [meta.schema.column(i).name for i in range(meta.num_columns)]
        missing = set(columns) - set(names) - {"dt"}
        if missing:
            raise WarehouseError(f"Columns {sorted(missing)} are not in the lake's files.")
        for group in range(meta.num_row_groups):
            for i, name in enumerate(names):
                if name in columns:
                    scanned += meta.row_group(group).column(i).total_compressed_size
    return SpectrumScan(len(files), scanned, billed_bytes(scanned) if files else 0)


# --- serverless vs provisioned ----------------------------------------------------------------


def compute_units(busy_hours_per_day: float, nodes: int, rpus: float | None = None,
                  days: int = 30) -> pd.DataFrame:  # fmt: skip
    """Billable compute units for a month: node-hours (always on) vs RPU-hours (while busy)."""
    if not 0 <= busy_hours_per_day <= 24 or nodes < 1 or days < 1:
        raise WarehouseError("Busy hours must be 0-24 a day, with at least one node and day.")
    capacity = facts.number("redshift_serverless.base_rpu_default") if rpus is None else rpus
    if capacity <= 0:
        raise WarehouseError("Serverless capacity must be a positive number of RPUs.")
    return pd.DataFrame(
        [
            {"option": "provisioned", "unit": "node-hours", "quantity": nodes * 24 * days,
             "billed while idle": True},
            {"option": "serverless", "unit": "RPU-hours",
             "quantity": round(capacity * busy_hours_per_day * days, 1),
             "billed while idle": False},
        ]
    )  # fmt: skip

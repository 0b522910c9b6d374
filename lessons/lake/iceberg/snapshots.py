"""Snapshots as pyiceberg sees them: the commit history from snapshot summaries, time travel
to a snapshot's rows, the data files a snapshot references (with partition and checksum),
and expiring old snapshots.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
from pyiceberg.table import Table
from pyiceberg.transforms import DayTransform

from lessons.lake.iceberg.store import IcebergError, local_path


def _count(summary: object, key: str) -> int:
    value = summary.get(key) if summary is not None else None
    return int(value) if value else 0


def snapshot_history(table: Table) -> pd.DataFrame:
    """Every snapshot in commit order with what it changed (from the snapshot summaries)."""
    rows = []
    for i, snap in enumerate(table.snapshots()):
        summary = snap.summary
        rows.append({
            "commit": i + 1,
            "snapshot_id": snap.snapshot_id,
            "parent_id": snap.parent_snapshot_id,
            "operation": summary.operation.value if summary else None,
            "added_files": _count(summary, "added-data-files"),
            "deleted_files": _count(summary, "deleted-data-files"),
            "total_files": _count(summary, "total-data-files"),
            "total_records": _count(summary, "total-records"),
        })  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=["commit", "snapshot_id", "parent_id", "operation"])
    history = pd.DataFrame(rows)
    # Snapshot ids use all 64 bits: a float column would round them.
    history["parent_id"] = pd.array([r["parent_id"] for r in rows], dtype="Int64")
    return history


def read_snapshot(table: Table, snapshot_id: int | None = None) -> pa.Table:
    """The table's rows as of a snapshot (the current one by default), read by pyiceberg."""
    if snapshot_id is not None and table.snapshot_by_id(snapshot_id) is None:
        raise IcebergError(f"Snapshot {snapshot_id} is not in the table (expired or wrong id).")
    return table.scan(snapshot_id=snapshot_id).to_arrow()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _partition_label(table: Table, partition: object) -> str:
    """A day partition as a date (Iceberg stores it as days since 1970-01-01)."""
    if not len(partition) or partition[0] is None:
        return ""
    value = partition[0]
    if isinstance(table.spec().fields[0].transform, DayTransform) and isinstance(value, int):
        return (date(1970, 1, 1) + timedelta(days=value)).isoformat()
    return str(value)


def data_files(table: Table, snapshot_id: int | None = None) -> pd.DataFrame:
    """The data files a snapshot references: path, partition, rows, bytes and checksum."""
    base = local_path(table.location())
    rows = []
    for task in table.scan(snapshot_id=snapshot_id).plan_files():
        file = task.file
        path = local_path(file.file_path)
        rows.append({
            "file": path.relative_to(base).as_posix(),
            "partition": _partition_label(table, file.partition),
            "records": file.record_count,
            "bytes": file.file_size_in_bytes,
            "sha256": _sha256(path),
        })  # fmt: skip
    return pd.DataFrame(rows).sort_values("file", ignore_index=True)


def expire_snapshots(table: Table, keep_last: int = 1) -> list[int]:
    """Expire every snapshot but the newest `keep_last`; returns the ids expired.

    The metadata forgets them, so time travel to them stops working. Their data files stay on
    disk here; Athena's VACUUM also deletes files that no snapshot references any more.
    """
    if keep_last < 1:
        raise IcebergError("keep_last must be at least 1: the current snapshot always stays.")
    expired = [s.snapshot_id for s in table.snapshots()[:-keep_last]]
    if expired:
        table.maintenance.expire_snapshots().by_ids(expired).commit()
    return expired

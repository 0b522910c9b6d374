"""`simulate`: a whole workload through a topic and one consumer group, vectorised.

Measures hot partitions, key and device ordering, duplicates after a consumer crash, consumer lag
over time and how many records retention still allows to be replayed, with the same partitioner
and range assignor as `KafkaCluster`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lessons.streams.kafka.errors import InvalidConfig
from lessons.streams.kafka.log import default_retention_ms
from lessons.streams.kafka.partitioner import partitions_for_keys, range_assign
from lessons.streams.workload import Workload, order_violations


@dataclass(frozen=True)
class SimulationResult:
    """What a workload does to a topic and one consumer group (times in epoch ms)."""

    records_per_partition: np.ndarray  # hot keys show up as one large partition
    key_order_violations: int  # records first processed before an earlier record of their key
    device_order_violations: int  # the same per device: non-zero once a device has many keys
    duplicates: int  # processed before the crash but not committed, so processed again
    crashed_consumer: int | None
    assignment: dict[int, list[int]]  # consumer -> partitions, before any crash
    assignment_after: dict[int, list[int]]  # ... and after the rebalance the crash caused
    replayable_records: int  # still retained at the last arrival: a reset to earliest reads them
    lag_t_ms: np.ndarray
    lag_records: np.ndarray  # produced but not yet processed, at each lag_t_ms

    @property
    def skew(self) -> float:
        """The busiest partition's records over the mean (1.0 is perfectly even)."""
        counts = self.records_per_partition
        return float(counts.max() / max(counts.mean(), 1e-9))


def _owners(members: list[int], partitions: int) -> tuple[dict[int, list[int]], np.ndarray]:
    assignment = range_assign(members, partitions)
    owner = np.full(partitions, -1, np.int64)
    for member, parts in assignment.items():
        owner[parts] = member
    return assignment, owner


def _fifo_done(ready: np.ndarray, server: np.ndarray, service_ms: float) -> np.ndarray:
    """When each record is processed: one FIFO queue per server, records in `ready` order.

    d_j = max(ready_j, d_(j-1)) + s unrolls to (j+1)s + max over k<=j of (ready_k - k s): a grouped
    cumulative max instead of a Python loop.
    """
    order = np.argsort(ready, kind="stable")
    frame = pd.DataFrame({"server": server[order], "ready": ready[order]})
    j = frame.groupby("server", sort=False).cumcount().to_numpy()
    frame["slack"] = frame["ready"].to_numpy() - j * service_ms
    best = frame.groupby("server", sort=False)["slack"].cummax().to_numpy()
    done = np.empty(len(ready))
    done[order] = best + (j + 1) * service_ms
    return done


def _replayable(part: np.ndarray, t_ms: np.ndarray, segment_records: int, retention_ms: int) -> int:
    """Records in segments that time retention has not deleted by the last arrival."""
    offset = pd.Series(part).groupby(part, sort=False).cumcount().to_numpy()
    segment = part.astype(np.int64) * (len(part) + 1) + offset // segment_records
    newest = pd.Series(t_ms).groupby(segment, sort=False).transform("max").to_numpy()
    return int((t_ms.max(initial=0) - newest <= retention_ms).sum())


def simulate(
    workload: Workload,
    partitions: int,
    consumers: int,
    commit_every: int,
    crash_at_ms: int | None = None,
    rng: np.random.Generator | None = None,
    *,
    consumer_records_per_s: float = 2_000.0,
    rebalance_ms: int = 0,
    segment_records: int = 10_000,
    retention_ms: int | None = None,
    lag_points: int = 200,
) -> SimulationResult:
    """Produce the workload to a topic and consume it with one group; a consumer may crash.

    Each consumer processes its partitions' records in arrival order at a fixed rate and commits
    after every `commit_every` records. At `crash_at_ms` one consumer (drawn from `rng`) dies; the
    survivors commit on revoke, and after `rebalance_ms` the new owners resume its partitions from
    the committed offsets.
    """
    if partitions < 1 or consumers < 1 or commit_every < 1:
        raise InvalidConfig("partitions, consumers and commit_every must all be at least 1.")
    if crash_at_ms is not None and (consumers < 2 or rng is None):
        raise InvalidConfig("A crash needs at least two consumers and a seeded rng.")
    if retention_ms is None:
        retention_ms = default_retention_ms()
    t0 = int(workload.t_ms[0]) if len(workload) else 0
    arrive = (workload.t_ms - t0).astype(np.float64)
    part = partitions_for_keys(workload.key, partitions)
    service_ms = 1000.0 / consumer_records_per_s
    assignment, owner = _owners(list(range(consumers)), partitions)
    done = _fifo_done(arrive, owner[part], service_ms)
    crashed, after, duplicates = None, assignment, 0
    if crash_at_ms is not None:
        crashed, crash = int(rng.integers(consumers)), float(crash_at_ms - t0)
        finished = np.flatnonzero((owner[part] == crashed) & (done <= crash))
        uncommitted = finished[len(finished) // commit_every * commit_every :]
        pending = done > crash
        survivors = [c for c in range(consumers) if c != crashed]
        after, owner_after = _owners(survivors, partitions)
        again = np.sort(np.concatenate([uncommitted, np.flatnonzero(pending)]))
        ready = np.maximum(arrive[again], crash + rebalance_ms)
        redo = _fifo_done(ready, owner_after[part[again]], service_ms)
        done[again[pending[again]]] = redo[pending[again]]
        duplicates = len(uncommitted)
    return SimulationResult(
        records_per_partition=np.bincount(part, minlength=partitions),
        key_order_violations=order_violations(pd.factorize(workload.key)[0], done),
        device_order_violations=order_violations(workload.device_id, done),
        duplicates=duplicates,
        crashed_consumer=crashed,
        assignment=assignment,
        assignment_after=after,
        replayable_records=_replayable(part, workload.t_ms, segment_records, retention_ms),
        **_lag_series(arrive, done, t0, lag_points),
    )


def _lag_series(arrive: np.ndarray, done: np.ndarray, t0: int, points: int) -> dict:
    grid = np.linspace(0.0, float(done.max(initial=0.0)), points)
    lag = np.searchsorted(np.sort(arrive), grid, "right") - np.searchsorted(
        np.sort(done), grid, "right"
    )
    return {"lag_t_ms": (grid + t0).astype(np.int64), "lag_records": lag}

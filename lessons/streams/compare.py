"""Kinesis vs SQS vs MSK (Kafka): one workload through every model, one row per service.

Every row is measured on the same records with the same partition key, consumer count and
consumer crash: how many records of a device the service put out of the producer's order, how
many records consumers processed twice, whether the stream can be replayed after a consumer bug,
whether several applications can read it independently, and what throttled. Limits in the table
come from the facts table; billing is counted in the units each service bills by (see
`billable_units`), since prices vary by Region and the learner looks up their own.

Fidelity: each number comes from the service's model in this package (kinesis_sim, sqs_sim, kafka),
so each model's own Fidelity note applies. Kinesis consumers are modelled like a Kafka consumer
group on the same partitioning: the Kinesis Client Library checkpoints a position per shard as a
group commits an offset per partition, so a crash re-processes what was done since the last
checkpoint; its order breaks where producer retries land a record behind a later one of the same
device, plus where one device's records sit on several shards read in parallel. Records a producer
resent count as processed twice on every service that does not deduplicate them (all but SQS FIFO,
which drops them within its deduplication window). "Order broken" counts records a consumer
processed before an earlier-sent record of the same device; for SQS, whose simulation measures
order against event time, it is the violations beyond those already present in the order the
producer sent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lessons import facts
from lessons.errors import LabError
from lessons.streams import kafka, kinesis_sim, sqs_sim
from lessons.streams.workload import Workload, order_violations


@dataclass(frozen=True)
class Scenario:
    """What every service is put through."""

    shards: int = 4  # Kinesis shards and Kafka partitions
    consumers: int = 2
    checkpoint_every: int = 100  # records between KCL checkpoints / Kafka commits
    processing_ms: float = 2.0  # per record, every consumer
    failure_rate: float = 0.0  # SQS: a processing fails and the message comes back
    visibility_timeout_s: int = 30
    crash: bool = True  # one consumer dies halfway through the run
    seed: int = 0

    def __post_init__(self) -> None:
        if self.shards < 1 or self.consumers < 1 or self.checkpoint_every < 1:
            raise LabError("shards, consumers and checkpoint interval must be at least 1")


def _resent(workload: Workload) -> int:
    """Records a producer sent again (same event id): logs keep them, consumers see them twice."""
    return len(workload) - len(np.unique(workload.event_id))


def _crash_ms(workload: Workload, scenario: Scenario) -> int | None:
    if not scenario.crash:
        return None
    return int(workload.t_ms[0] + (workload.t_ms[-1] - workload.t_ms[0]) // 2)


def _log_readers(workload: Workload, scenario: Scenario) -> kafka.SimulationResult:
    """A consumer group with checkpoints on `scenario.shards` partitions (Kafka and KCL alike)."""
    return kafka.simulate(
        workload, scenario.shards, scenario.consumers, scenario.checkpoint_every,
        crash_at_ms=_crash_ms(workload, scenario), rng=np.random.default_rng(scenario.seed),
        consumer_records_per_s=1000 / scenario.processing_ms,
    )  # fmt: skip


def _kinesis_row(workload: Workload, scenario: Scenario, readers: kafka.SimulationResult) -> dict:
    rng = np.random.default_rng(scenario.seed)
    writes = kinesis_sim.simulate_writes(workload, scenario.shards, rng=rng)
    accepted = ~np.isnan(writes.delay_ms)
    done = workload.t_ms[accepted] + writes.delay_ms[accepted]
    return {
        "service": "Kinesis Data Streams",
        "order broken (records)": order_violations(workload.device_id[accepted], done)
        + readers.device_order_violations,
        "processed twice": _resent(workload) + readers.duplicates,
        "lost (dropped)": writes.dropped,
        "throttled records": writes.throttled_records,
        "replay after a bug": "yes, within retention",
        "independent consumers": "yes (shared reads or enhanced fan-out)",
        "max record": facts.fact("kinesis.record_max_size").display(),
        "retention": f"{facts.fact('kinesis.retention_default_hours').display()} default, up to "
        f"{facts.fact('kinesis.retention_max_days').display()}",
    }


def _sqs_row(workload: Workload, scenario: Scenario, fifo: bool) -> dict:
    run = sqs_sim.simulate_consumers(
        workload, fifo=fifo, consumers=scenario.consumers, processing_ms=scenario.processing_ms,
        failure_rate=scenario.failure_rate, visibility_timeout_s=scenario.visibility_timeout_s,
        max_receive_count=None, rng=np.random.default_rng(scenario.seed),
        crash_at_s=(_crash_ms(workload, scenario) - workload.t_ms[0]) / 1000
        if scenario.crash else None,
    )  # fmt: skip
    return {
        "service": "SQS FIFO" if fifo else "SQS standard",
        "order broken (records)": max(run.order_violations - run.order_violations_at_send, 0),
        "processed twice": run.duplicates,
        "lost (dropped)": 0,
        "throttled records": 0,
        "replay after a bug": "no: a message is deleted once processed",
        "independent consumers": "no: one queue per application (fan out with SNS)",
        "max record": facts.fact("sqs.message_max_size").display(),
        "retention": f"{facts.fact('sqs.retention_default_days').display()} default, up to "
        f"{facts.fact('sqs.retention_max_days').display()}",
    }


def _kafka_row(workload: Workload, result: kafka.SimulationResult) -> dict:
    return {
        "service": "MSK (Kafka)",
        "order broken (records)": result.device_order_violations,
        "processed twice": _resent(workload) + result.duplicates,
        "lost (dropped)": 0,
        "throttled records": 0,
        "replay after a bug": "yes, reset the group's offsets within retention",
        "independent consumers": "yes (one consumer group per application)",
        "max record": facts.fact("kafka.message_max_bytes_default").display(),
        "retention": f"{facts.fact('kafka.retention_hours_default').display()} default, "
        "configurable per topic",
    }


def compare_services(workload: Workload, scenario: Scenario | None = None) -> pd.DataFrame:
    """One row per service for the same workload and scenario."""
    scenario = scenario or Scenario()
    if not len(workload):
        raise LabError("The workload is empty.")
    readers = _log_readers(workload, scenario)
    rows = [
        _kinesis_row(workload, scenario, readers),
        _sqs_row(workload, scenario, fifo=False),
        _sqs_row(workload, scenario, fifo=True),
        _kafka_row(workload, readers),
    ]
    return pd.DataFrame(rows)


def billable_units(workload: Workload, shards: int, hours: float) -> pd.DataFrame:
    """What each service would bill for this workload over `hours`, in its own billing units."""
    if hours <= 0 or shards < 1:
        raise LabError("hours must be positive and shards at least 1")
    size = workload.size.astype(np.int64)
    put_units = int(np.ceil(size / facts.as_bytes("kinesis.put_payload_unit_kib")).sum())
    rounding = facts.as_bytes("kinesis.on_demand_billing_rounding_kib")
    gib_written = float(np.ceil(size / rounding).sum() * rounding / 2**30)
    sqs_chunks = int(np.ceil(size / facts.as_bytes("sqs.billing_chunk_kib")).sum())
    return pd.DataFrame(
        [
            {"service": "Kinesis provisioned", "unit": "shard-hours", "quantity": shards * hours},
            {"service": "Kinesis provisioned", "unit": "PUT payload units", "quantity": put_units},
            {"service": "Kinesis on-demand", "unit": "stream-hours", "quantity": hours},
            {
                "service": "Kinesis on-demand",
                "unit": "GiB written (records rounded up to "
                f"{facts.fact('kinesis.on_demand_billing_rounding_kib').display()})",
                "quantity": round(gib_written, 4),
            },
            {
                "service": "SQS",
                "unit": "requests: send + receive + delete, "
                f"{facts.fact('sqs.billing_chunk_kib').display()} chunks, unbatched",
                "quantity": 3 * sqs_chunks,
            },
            {
                "service": "SQS",
                "unit": "requests with batches of 10",
                "quantity": 3 * math.ceil(sqs_chunks / facts.number("sqs.receive_max_messages")),
            },
        ]
    )

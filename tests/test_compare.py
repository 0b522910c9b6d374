"""Kinesis vs SQS vs Kafka comparison and billing units, on small workloads."""

from __future__ import annotations

import numpy as np
import pytest

from lessons import facts
from lessons.data import DatasetConfig, generate_plays
from lessons.errors import LabError
from lessons.streams.compare import Scenario, billable_units, compare_services
from lessons.streams.workload import Workload, workload_from_plays


@pytest.fixture(scope="module")
def device_table():
    plays = generate_plays(DatasetConfig(rows=8_000, seed=4, duplicate_fraction=0.02))
    workload = workload_from_plays(plays, "device_id", speedup=5_000)
    return compare_services(workload, Scenario(crash=True)).set_index("service"), workload


def test_one_row_per_service_with_limits_from_the_facts(device_table) -> None:
    table, _ = device_table
    assert list(table.index) == ["Kinesis Data Streams", "SQS standard", "SQS FIFO", "MSK (Kafka)"]
    assert table.loc["SQS standard", "max record"] == facts.fact("sqs.message_max_size").display()


def test_only_fifo_drops_resent_events(device_table) -> None:
    table, workload = device_table
    resent = len(workload) - len(np.unique(workload.event_id))
    assert resent == 160
    assert table.loc["SQS FIFO", "processed twice"] < resent
    for service in ("Kinesis Data Streams", "SQS standard", "MSK (Kafka)"):
        assert table.loc[service, "processed twice"] >= resent, service


def test_keyed_logs_keep_device_order_and_standard_queues_do_not(device_table) -> None:
    table, _ = device_table
    assert table.loc["MSK (Kafka)", "order broken (records)"] == 0
    assert table.loc["SQS standard", "order broken (records)"] > 0


def test_replay_and_fan_out_are_told_apart(device_table) -> None:
    table, _ = device_table
    assert table.loc["Kinesis Data Streams", "replay after a bug"].startswith("yes")
    assert table.loc["SQS FIFO", "replay after a bug"].startswith("no")
    assert table.loc["SQS standard", "independent consumers"].startswith("no")


def test_billable_units_follow_the_billing_chunks() -> None:
    kib = 1024
    sizes = np.array([1, kib, kib + 1, 30 * kib, 70 * kib], dtype=np.int32)
    n = len(sizes)
    workload = Workload(
        t_ms=np.arange(n, dtype=np.int64), event_ms=np.arange(n, dtype=np.int64),
        key=np.array(["k"] * n, dtype=object), size=sizes,
        event_id=np.array([str(i) for i in range(n)], dtype=object),
        device_id=np.zeros(n, dtype=np.int32),
    )  # fmt: skip
    units = billable_units(workload, shards=3, hours=2).set_index("unit")["quantity"]
    assert units["shard-hours"] == 6
    assert units["PUT payload units"] == 1 + 1 + 1 + 2 + 3  # 25 KiB chunks
    sqs_chunks = 1 + 1 + 1 + 1 + 2  # 64 KiB chunks
    assert units.filter(like="unbatched").iloc[0] == 3 * sqs_chunks
    rounded_kib = 1 + 1 + 2 + 30 + 70
    assert units.filter(like="GiB").iloc[0] == pytest.approx(rounded_kib * kib / 2**30, abs=1e-4)


@pytest.mark.parametrize("bad", [{"shards": 0}, {"consumers": 0}, {"checkpoint_every": 0}])
def test_bad_scenarios_are_clear_errors(bad: dict) -> None:
    with pytest.raises(LabError):
        Scenario(**bad)

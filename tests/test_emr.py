"""The EMR model: node roles, Spot task nodes, and the engine comparison against Glue and Athena."""

from __future__ import annotations

import pytest

from lessons import emr, facts

PRICES = emr.InstancePrices(ec2_on_demand=1.0, ec2_spot=0.3, emr=0.25)  # test inputs, not AWS's
JOB = emr.SparkJob(input_gb=2_000, vcpu_seconds_per_gb=120, scanned_fraction=0.25)
CLUSTER = emr.Cluster(instance_vcpus=8, core_nodes=4, task_nodes=8)


def test_only_core_nodes_store_hdfs_data() -> None:
    roles = emr.node_roles().set_index("name")
    assert roles["stores_hdfs"].to_dict() == {"primary": False, "core": True, "task": False}
    assert facts.fact("emr.primary_nodes_for_ha").display() in roles.loc["primary", "count"]


def test_without_interruptions_spot_task_nodes_cost_less_and_take_as_long() -> None:
    on_demand = emr.Cluster(8, 4, 8, task_on_spot=False)
    a = emr.simulate_emr(JOB, on_demand, PRICES, 0.0, 5, 5)
    b = emr.simulate_emr(JOB, CLUSTER, PRICES, 0.0, 5, 5)
    assert a.minutes == pytest.approx(b.minutes)
    assert b.cost_usd < a.cost_usd
    expected_minutes = JOB.vcpu_hours / (CLUSTER.workers * 8) * 60
    assert a.minutes == pytest.approx(expected_minutes, abs=1e-9)


def test_spot_interruptions_cost_recomputation_and_time_not_data() -> None:
    calm = emr.simulate_emr(JOB, CLUSTER, PRICES, 0.0, 5, 5, seed=1)
    stormy = emr.simulate_emr(JOB, CLUSTER, PRICES, 1.0, 5, 5, seed=1)
    assert stormy.interruptions > 0 and stormy.recomputed_vcpu_hours > 0
    assert stormy.minutes > calm.minutes


def test_core_nodes_on_spot_lose_more_work_than_task_nodes_on_spot() -> None:
    task_spot = emr.simulate_emr(JOB, CLUSTER, PRICES, 0.5, 5, 5, seed=2)
    all_spot = emr.simulate_emr(JOB, emr.Cluster(8, 4, 8, core_on_spot=True), PRICES, 0.5, 5, 5,
                                seed=2)  # fmt: skip
    assert all_spot.recomputed_vcpu_hours > task_spot.recomputed_vcpu_hours


def test_same_seed_same_run() -> None:
    assert emr.simulate_emr(JOB, CLUSTER, PRICES, 0.5, 5, 5, seed=3) == emr.simulate_emr(
        JOB, CLUSTER, PRICES, 0.5, 5, 5, seed=3
    )


def test_glue_and_athena_use_the_sourced_prices() -> None:
    minutes, cost = emr.glue_run(JOB, 10)
    dpu_vcpu, price = facts.number("glue.dpu_vcpu"), facts.number("glue.dpu_hour_price_usd")
    assert minutes == pytest.approx(JOB.vcpu_hours / (10 * dpu_vcpu) * 60)
    assert cost == pytest.approx(10 * minutes / 60 * price)
    scanned_tb = 2_000 * 0.25 / 1_000
    assert emr.athena_cost(JOB) == pytest.approx(
        scanned_tb * facts.number("athena.price_per_tb_usd")
    )
    tiny = emr.SparkJob(0.001, 10)
    minimum_h = facts.as_seconds("glue.job_min_billing_minutes") / 3600
    assert emr.glue_run(tiny, 2)[1] == pytest.approx(2 * minimum_h * price), "Glue minimum"
    minimum = (
        facts.as_bytes("athena.min_scan_mb") / 10**12 * facts.number("athena.price_per_tb_usd")
    )
    assert emr.athena_cost(tiny) == pytest.approx(minimum)


def test_compare_engines_lists_every_engine() -> None:
    table = emr.compare_engines(JOB, CLUSTER, PRICES, glue_dpus=20, interruptions_per_node_hour=0.2)
    assert list(table["engine"]) == ["EMR, all On-Demand", "EMR, Spot task nodes", "Glue, 20 DPU",
                                     "Athena (SQL only)"]  # fmt: skip
    assert (table["cost_usd"] > 0).all()
    assert table["minutes"].isna().tolist() == [False, False, False, True]


def test_spot_trade_off_grows_with_the_interruption_rate() -> None:
    table = emr.spot_trade_off(JOB, CLUSTER, PRICES, (0.0, 0.5, 2.0), seed=4)
    assert table["interruptions"].is_monotonic_increasing
    assert table["minutes"].iloc[-1] > table["minutes"].iloc[0]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: emr.InstancePrices(0, 0.3, 0.25), "pricing pages"),
        (lambda: emr.InstancePrices(1.0, -1, 0.25), "ec2 spot"),
        (lambda: emr.Cluster(8, 0), "1 core node"),
        (lambda: emr.Cluster(8, 2, primary_nodes=2), "high availability"),
        (lambda: emr.SparkJob(0, 10), "above zero"),
        (lambda: emr.SparkJob(10, 10, scanned_fraction=1.5), "scanned fraction"),
        (lambda: emr.glue_run(JOB, 0), "at least 1 DPU"),
        (lambda: emr.simulate_emr(emr.SparkJob(10**6, 3600), emr.Cluster(1, 1), PRICES, 0, 5, 5),
         "more than a week"),
    ],
)  # fmt: skip
def test_bad_inputs_are_clear_errors(make, message: str) -> None:
    with pytest.raises(emr.EmrError, match=message):
        make()

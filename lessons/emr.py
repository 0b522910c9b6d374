"""Amazon EMR on EC2: node roles, On-Demand against Spot task nodes, and a cost/time model.

A cluster has a primary node (YARN ResourceManager, HDFS NameNode), core nodes (run tasks and
store HDFS blocks) and optional task nodes (run tasks, store no HDFS data). Losing a task node
costs the work it had in flight, which Spark recomputes elsewhere; losing a core node also loses
the HDFS blocks it held. That is why task nodes are the usual place for Spot Instances.

`simulate_emr` runs a Spark job of a size the learner picks on such a cluster, minute by minute,
with Spot interruptions drawn from a seeded generator. `compare_engines` puts the same
transformation next to an AWS Glue job (DPU-hours) and an Athena query (bytes scanned): the
function other pages call to compare engines.

Prices: EC2 and EMR prices depend on instance type, Region and (for Spot) the moment, and no
sourced copy of them is in the facts table. So the EC2 On-Demand, EC2 Spot and EMR per-instance
prices are inputs the learner types from the AWS pricing pages, with no defaults; Glue and Athena
prices come from lessons/facts.yaml (Glue through the Glue lesson's `job_cost`, so a short run
bills the minimum duration).

Fidelity: the EMR bill is modelled as instance-hours times (EC2 price + EMR price), per second,
while nodes run; the EMR price is the same for On-Demand and Spot. The job's work is a number of
vCPU-hours that every vCPU does at the same speed (on EMR and on Glue alike), split into tasks;
an interrupted task node loses a uniform share of its current task and is replaced after a delay
the learner sets. An interrupted core node (only when core nodes are on Spot) additionally loses
its share of the work done so far, standing in for the intermediate data on its HDFS disks.
Startup time, shuffles, skew, autoscaling, EBS and S3 request costs are left out; the two-minute
Spot interruption notice is ignored (a task node cannot hand its task over in two minutes).
Athena's run time is not modelled: it depends on capacity the service shares between queries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lessons import facts
from lessons.errors import LabError
from lessons.lake.athena import query_cost_usd
from lessons.lake.glue.job import job_cost

BYTES_PER_GB = facts.BYTES_PER_UNIT["GB"]
SECONDS_PER_HOUR = facts.SECONDS_PER_UNIT["hours"]
MAX_SIMULATED_MINUTES = 7 * 24 * 60


class EmrError(LabError):
    """An EMR, Glue or Athena input that cannot be modelled."""


@dataclass(frozen=True)
class NodeRole:
    """One EMR node type: what it runs, whether it stores HDFS data, what losing it costs."""

    name: str
    runs: str
    stores_hdfs: bool
    if_lost: str
    spot_fit: str


NODE_ROLES = (
    NodeRole("primary", "YARN ResourceManager, HDFS NameNode, job tracking", False,
             "a single primary ends the cluster; a high-availability cluster fails over",
             "On-Demand: the cluster depends on it"),
    NodeRole("core", "YARN NodeManager (tasks) and HDFS DataNode (blocks)", True,
             "its running tasks and the HDFS blocks it stored", "On-Demand for the capacity the "
             "job needs to finish"),
    NodeRole("task", "YARN NodeManager (tasks) only", False,
             "only its running tasks: recomputation, not data", "Spot: cheap extra capacity"),
)  # fmt: skip


def node_roles() -> pd.DataFrame:
    """The node roles as a table, with the sourced number of primaries for high availability."""
    table = pd.DataFrame([vars(r) for r in NODE_ROLES])
    table["count"] = ["1, or " + facts.fact("emr.primary_nodes_for_ha").display(), "1 or more",
                      "0 or more"]  # fmt: skip
    return table


@dataclass(frozen=True)
class InstancePrices:
    """Per instance-hour prices the learner reads from the AWS pricing pages (USD)."""

    ec2_on_demand: float
    ec2_spot: float
    emr: float

    def __post_init__(self) -> None:
        for name in ("ec2_on_demand", "ec2_spot", "emr"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not value > 0:
                raise EmrError(
                    f"Enter the {name.replace('_', ' ')} price per instance-hour (a positive "
                    "number) from the Amazon EC2 and Amazon EMR pricing pages for your Region "
                    "and instance type: the lab does not ship prices it cannot source."
                )


@dataclass(frozen=True)
class Cluster:
    """An EMR cluster of one instance type."""

    instance_vcpus: int
    core_nodes: int
    task_nodes: int = 0
    task_on_spot: bool = True
    core_on_spot: bool = False
    primary_nodes: int = 1

    def __post_init__(self) -> None:
        ha = int(facts.number("emr.primary_nodes_for_ha"))
        if self.primary_nodes not in (1, ha):
            raise EmrError(f"A cluster has 1 primary node, or {ha} for high availability.")
        if self.instance_vcpus < 1 or self.core_nodes < 1 or self.task_nodes < 0:
            raise EmrError("Need at least 1 vCPU per instance, 1 core node and 0+ task nodes.")

    @property
    def workers(self) -> int:
        return self.core_nodes + self.task_nodes


@dataclass(frozen=True)
class SparkJob:
    """A transformation: input size and how much vCPU time each GB of input takes."""

    input_gb: float
    vcpu_seconds_per_gb: float
    scanned_fraction: float = 1.0  # share of the input bytes an Athena query would read

    def __post_init__(self) -> None:
        if not self.input_gb > 0 or not self.vcpu_seconds_per_gb > 0:
            raise EmrError("The job needs an input size and vCPU seconds per GB above zero.")
        if not 0 < self.scanned_fraction <= 1:
            raise EmrError("The scanned fraction must be in (0, 1]: the share of bytes read.")

    @property
    def vcpu_hours(self) -> float:
        return self.input_gb * self.vcpu_seconds_per_gb / SECONDS_PER_HOUR


@dataclass(frozen=True)
class EmrRun:
    """One simulated run of the job on the cluster."""

    minutes: float
    cost_usd: float
    interruptions: int
    recomputed_vcpu_hours: float
    node_minutes: float  # instance-minutes billed


def _interrupt(rng: np.random.Generator, alive: np.ndarray, rate_per_hour: float) -> np.ndarray:
    return alive & (rng.random(len(alive)) < rate_per_hour / 60)


def simulate_emr(
    job: SparkJob, cluster: Cluster, prices: InstancePrices, interruptions_per_node_hour: float,
    task_minutes: float, replace_minutes: float, seed: int = 0,
) -> EmrRun:  # fmt: skip
    """Run the job minute by minute; Spot nodes are interrupted at the given hourly rate."""
    if interruptions_per_node_hour < 0 or task_minutes <= 0 or replace_minutes < 0:
        raise EmrError("Need an interruption rate >= 0, task minutes > 0, replace minutes >= 0.")
    # Separate streams for "who is hit" and "how much is lost": a higher rate then hits a
    # superset of the node-minutes a lower rate hits, so runs compare like for like.
    hits_rng, loss_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    spot = np.r_[np.full(cluster.core_nodes, cluster.core_on_spot),
                 np.full(cluster.task_nodes, cluster.task_on_spot)]  # fmt: skip
    is_core = np.arange(cluster.workers) < cluster.core_nodes
    back_at = np.zeros(cluster.workers)  # minute at which a replaced node is running again
    per_minute = cluster.instance_vcpus / 60
    done = lost = cost = node_minutes = 0.0
    interruptions, minute = 0, 0
    while done < job.vcpu_hours:
        if minute >= MAX_SIMULATED_MINUTES:
            raise EmrError("The job would run for more than a week: add nodes or shrink it.")
        alive = back_at <= minute
        hit = _interrupt(hits_rng, alive & spot, interruptions_per_node_hour)
        partial = loss_rng.uniform(0, task_minutes, hit.sum()).sum() * per_minute
        shared = (hit & is_core).sum() * done / max(cluster.core_nodes, 1)  # lost HDFS share
        done = max(done - partial - shared, 0.0)
        lost += partial + shared
        interruptions += int(hit.sum())
        back_at[hit] = minute + replace_minutes
        alive &= ~hit
        done += alive.sum() * per_minute
        running = alive.sum() + cluster.primary_nodes
        price = np.where(spot, prices.ec2_spot, prices.ec2_on_demand)[alive].sum()
        cost += (price + cluster.primary_nodes * prices.ec2_on_demand + running * prices.emr) / 60
        node_minutes += running
        minute += 1
    overshoot = (done - job.vcpu_hours) / max(alive.sum() * per_minute, 1e-12)
    minutes = minute - min(overshoot, 1.0)  # per-second billing: stop inside the last minute
    cost *= minutes / minute
    return EmrRun(
        float(minutes),
        float(cost),
        interruptions,
        float(lost),
        float(node_minutes * minutes / minute),
    )


def glue_run(job: SparkJob, dpus: int) -> tuple[float, float]:
    """(minutes, USD) for the same work on a Glue job with `dpus` DPUs.

    Priced by the Glue lesson's `job_cost`, so the minimum billing duration applies here too.
    """
    if dpus < 1:
        raise EmrError("A Glue job needs at least 1 DPU.")
    hours = job.vcpu_hours / (dpus * facts.number("glue.dpu_vcpu"))
    return hours * 60, job_cost(hours * SECONDS_PER_HOUR, dpus).usd


def athena_cost(job: SparkJob) -> float:
    """USD for an Athena query reading the job's scanned bytes (with the minimum billed)."""
    return query_cost_usd(round(job.input_gb * job.scanned_fraction * BYTES_PER_GB))


def compare_engines(
    job: SparkJob, cluster: Cluster, prices: InstancePrices, glue_dpus: int,
    interruptions_per_node_hour: float = 0.0, task_minutes: float = 5.0,
    replace_minutes: float = 5.0, seed: int = 0,
) -> pd.DataFrame:  # fmt: skip
    """The same transformation on EMR (On-Demand only, and with Spot task nodes), Glue, Athena."""
    on_demand = Cluster(cluster.instance_vcpus, cluster.core_nodes, cluster.task_nodes,
                        task_on_spot=False, primary_nodes=cluster.primary_nodes)  # fmt: skip
    rows = []
    for label, plan in (("EMR, all On-Demand", on_demand), ("EMR, Spot task nodes", cluster)):
        run = simulate_emr(job, plan, prices, interruptions_per_node_hour, task_minutes,
                           replace_minutes, seed)  # fmt: skip
        rows.append({"engine": label, "minutes": run.minutes, "cost_usd": run.cost_usd,
                     "notes": f"{run.interruptions} interruptions, "
                              f"{run.recomputed_vcpu_hours:.1f} vCPU-h recomputed"})  # fmt: skip
    minutes, cost = glue_run(job, glue_dpus)
    rows.append({"engine": f"Glue, {glue_dpus} DPU", "minutes": minutes, "cost_usd": cost,
                 "notes": f"{glue_dpus * minutes / 60:.2f} DPU-hours"})  # fmt: skip
    rows.append({"engine": "Athena (SQL only)", "minutes": np.nan, "cost_usd": athena_cost(job),
                 "notes": f"{job.input_gb * job.scanned_fraction:.1f} GB scanned"})  # fmt: skip
    return pd.DataFrame(rows)


def spot_trade_off(
    job: SparkJob, cluster: Cluster, prices: InstancePrices, rates: tuple[float, ...],
    task_minutes: float = 5.0, replace_minutes: float = 5.0, seed: int = 0,
) -> pd.DataFrame:  # fmt: skip
    """Minutes, cost and recomputation as the Spot interruption rate grows."""
    rows = []
    for rate in rates:
        run = simulate_emr(job, cluster, prices, rate, task_minutes, replace_minutes, seed)
        rows.append({"interruptions per node-hour": rate, "minutes": run.minutes,
                     "cost_usd": run.cost_usd, "interruptions": run.interruptions,
                     "recomputed vCPU-h": run.recomputed_vcpu_hours})  # fmt: skip
    return pd.DataFrame(rows)

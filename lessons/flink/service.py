"""Managed Service for Apache Flink capacity: how many KPUs an application gets, and KPU-hours.

Fidelity: KPUs for the tasks = Parallelism / ParallelismPerKPU (rounded up, as a fractional KPU
cannot be allocated), plus the orchestration KPU charged per application; the minimum charge
applies per run. Autoscaling is not modelled here: the parallelism is what the learner sets.
Prices per KPU-hour are not in the facts table, so this gives KPU-hours, not dollars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lessons import facts
from lessons.errors import LabError


class CapacityError(LabError):
    """A parallelism setting the service would refuse."""


@dataclass(frozen=True)
class KpuPlan:
    """What an application with this parallelism is allocated."""

    parallelism: int
    parallelism_per_kpu: int
    task_kpus: int
    orchestration_kpus: int

    @property
    def billed_kpus(self) -> int:
        return self.task_kpus + self.orchestration_kpus

    @property
    def vcpus(self) -> float:
        return self.task_kpus * facts.number("flink.kpu_vcpu")

    @property
    def memory_gb(self) -> float:
        return self.task_kpus * facts.number("flink.kpu_memory_gb")

    @property
    def storage_gb(self) -> float:
        return self.task_kpus * facts.number("flink.kpu_storage_gb")

    def kpu_hours(self, hours: float) -> float:
        """Billed KPU-hours for one run of `hours` (the minimum charge applies)."""
        if hours < 0:
            raise CapacityError("A run cannot last a negative number of hours.")
        least = facts.as_seconds("flink.min_charge_minutes") / facts.SECONDS_PER_UNIT["hours"]
        return self.billed_kpus * max(hours, least)


def kpu_plan(parallelism: int | None = None, parallelism_per_kpu: int | None = None) -> KpuPlan:
    """KPUs for an application; None takes the service default for that setting."""
    p = int(facts.number("flink.parallelism_default")) if parallelism is None else parallelism
    per = (
        int(facts.number("flink.parallelism_per_kpu_default"))
        if parallelism_per_kpu is None
        else parallelism_per_kpu
    )
    most_per = int(facts.number("flink.parallelism_per_kpu_max"))
    if p < 1:
        raise CapacityError("Parallelism must be at least 1.")
    if not 1 <= per <= most_per:
        raise CapacityError(f"ParallelismPerKPU must be between 1 and {most_per}.")
    task_kpus = math.ceil(p / per)
    limit = int(facts.number("flink.max_kpus_default"))
    if task_kpus > limit:
        raise CapacityError(
            f"{task_kpus} KPUs exceed the default limit of {limit} per application: raise "
            "ParallelismPerKPU or request a limit increase."
        )
    return KpuPlan(p, per, task_kpus, int(facts.number("flink.orchestration_kpus")))

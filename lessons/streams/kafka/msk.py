"""Amazon MSK's metadata mode: ZooKeeper, KRaft or both, by Kafka version.

The versions at which MSK brought KRaft and removed ZooKeeper are read from the `changed` history
of the msk.metadata_mode fact, so the answer follows the facts table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lessons import facts
from lessons.errors import FactsFileError
from lessons.streams.kafka.errors import InvalidConfig


@dataclass(frozen=True)
class MetadataMode:
    """How an MSK cluster of one Kafka version keeps its metadata."""

    kafka_version: str
    modes: tuple[str, ...]  # what MSK offers for this version
    default: str  # what a new cluster of this version uses
    changed: str  # the history, from the facts table


def _major_minor(version: str) -> tuple[int, int]:
    found = re.match(r"(\d+)\.(\d+)", version)
    if not found:
        raise InvalidConfig(f"Kafka versions look like 3.7.x or 4.0.x, not {version!r}.")
    return int(found[1]), int(found[2])


def msk_metadata_mode(kafka_version: str) -> MetadataMode:
    """ZooKeeper, KRaft or both for a Kafka version on MSK, from the msk.metadata_mode fact."""
    fact = facts.fact("msk.metadata_mode")
    history = fact.changed or ""
    kraft_since = re.search(r"KRaft with Kafka (\d+\.\d+)", history)
    zk_removed_in = re.search(r"Kafka (\d+\.\d+)\b[^.]*removed ZooKeeper", history)
    if not (kraft_since and zk_removed_in):
        raise FactsFileError("msk.metadata_mode's `changed` must name the Kafka versions that "
                             "brought KRaft to MSK and removed ZooKeeper.")  # fmt: skip
    version, kraft = _major_minor(kafka_version), str(fact.value)
    if version < _major_minor(kraft_since[1]):
        modes: tuple[str, ...] = ("ZooKeeper",)
    elif version < _major_minor(zk_removed_in[1]):
        modes = ("ZooKeeper", kraft)
    else:
        modes = (kraft,)
    return MetadataMode(kafka_version, modes, kraft if kraft in modes else modes[0], history)

"""Apache Kafka / Amazon MSK: partitions, the default partitioner, retention, consumer groups.

`KafkaCluster` reads like the client APIs (create_topic, produce, fetch, join_group, poll,
commit, reset_offsets) for small, step-by-step experiments; `simulate` runs a whole workload
through the same rules, vectorised, to measure hot partitions, ordering, duplicates after a
consumer crash, lag and how much can still be replayed.

Fidelity: keyed records go to toPositive(murmur2(key bytes)) % partitions exactly as the Java
client's default partitioner (keys are UTF-8, as StringSerializer sends them); records without a
key go round-robin (the Java client uses a sticky partitioner, librdkafka a random one). A
partition log is split into segments of a fixed number of records (Kafka rolls segments by bytes
and time); retention deletes whole segments, by time when a segment's newest timestamp is older
than retention.ms, by size while the rest still exceeds retention.bytes, and the active segment
is not protected. Record size is the value's bytes; the 12-byte batch overhead, compression and
max.request.size are ignored. Groups use the classic eager protocol: every join or leave revokes
every partition and members resume from the committed offset (a crash is a leave without a
commit; session timeouts are not modelled). Assignors: range and round-robin, not
cooperative-sticky. `reset_offsets` follows kafka-consumer-groups: the group must be empty. No
replication, leaders, acks, transactions or idempotence.
"""

from lessons.streams.kafka.cluster import RESET_POLICIES, ConsumerGroup, KafkaCluster
from lessons.streams.kafka.errors import (
    InvalidConfig,
    InvalidPartitions,
    KafkaError,
    MessageSizeTooLarge,
    NonEmptyGroup,
    OffsetOutOfRange,
    TopicAlreadyExists,
    UnknownMemberId,
    UnknownTopicOrPartition,
)
from lessons.streams.kafka.log import Partition, Record, Topic
from lessons.streams.kafka.msk import MetadataMode, msk_metadata_mode
from lessons.streams.kafka.partitioner import (
    ASSIGNORS,
    murmur2,
    murmur2_many,
    partition_for_key,
    partitions_for_keys,
    range_assign,
    round_robin_assign,
)
from lessons.streams.kafka.simulation import SimulationResult, simulate

__all__ = [
    "ASSIGNORS",
    "RESET_POLICIES",
    "ConsumerGroup",
    "InvalidConfig",
    "InvalidPartitions",
    "KafkaCluster",
    "KafkaError",
    "MessageSizeTooLarge",
    "MetadataMode",
    "NonEmptyGroup",
    "OffsetOutOfRange",
    "Partition",
    "Record",
    "SimulationResult",
    "Topic",
    "TopicAlreadyExists",
    "UnknownMemberId",
    "UnknownTopicOrPartition",
    "msk_metadata_mode",
    "murmur2",
    "murmur2_many",
    "partition_for_key",
    "partitions_for_keys",
    "range_assign",
    "round_robin_assign",
    "simulate",
]

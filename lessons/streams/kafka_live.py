"""A real Kafka protocol on the laptop: librdkafka's mock cluster, inside confluent-kafka.

`mock_cluster()` starts brokers on 127.0.0.1 in this process; `produce` and `consume_all` talk to
them with the ordinary confluent-kafka Producer and Consumer, exactly as they would to Amazon MSK
(only the bootstrap address changes). The lesson uses this to check the model in
`lessons.streams.kafka`: the same keys land on the same partitions, offsets are consecutive, and a
consumer group resumes from its committed offsets.

Fidelity: the mock cluster speaks the real protocol (produce, fetch, metadata, consumer groups,
offset commits) but is not a broker. It has no CreateTopics: topics are created through
librdkafka's mock C API (loaded with ctypes from the library confluent-kafka ships), or, when that
library cannot be found, auto-created on first use with the mock's fixed default of 4 partitions.
The mock's group.initial.rebalance.delay.ms (3 s, like a broker's default) is set to 0 unless
asked otherwise, so a group join takes a fraction of a second. No retention, replication traffic,
quotas or authentication; a record size limit is enforced by the client (librdkafka's own
message.max.bytes), not by the mock broker.
"""

from __future__ import annotations

import ctypes
import glob
import logging
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import NamedTuple

import confluent_kafka
from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer

from lessons.errors import LabError
from lessons.streams.kafka import MessageSizeTooLarge

LOGGER = logging.getLogger(__name__)
MOCK_DEFAULT_PARTITIONS = 4  # rd_kafka_mock_cluster_new's default for auto-created topics
_QUIET = {"log_level": 3, "logger": LOGGER}  # errors only, through logging rather than stderr
# After its last member leaves, a mock group waits session.timeout.ms - 1 s before a new member
# may join (a broker empties the group at once), so a short session keeps a second join fast.
# Real brokers refuse sessions below group.min.session.timeout.ms: pass {} against MSK.
MOCK_GROUP_TIMING = {"session.timeout.ms": 1500, "heartbeat.interval.ms": 250}
_VOID = ctypes.c_void_p


class Delivery(NamedTuple):
    """Where one record went (produce) or came from (consume)."""

    key: str | None
    partition: int
    offset: int


@cache
def _librdkafka() -> ctypes.CDLL | None:
    """The librdkafka that confluent-kafka ships (Linux wheels: confluent_kafka.libs)."""
    package = Path(confluent_kafka.__file__).parent
    patterns = ("confluent_kafka.libs/librdkafka*", "confluent_kafka/.dylibs/librdkafka*")
    found = [p for pattern in patterns for p in glob.glob(str(package.parent / pattern))]
    if not found:
        return None
    lib = ctypes.CDLL(found[0])
    signatures = {
        "rd_kafka_conf_new": (_VOID, []),
        "rd_kafka_conf_set": (ctypes.c_int, [_VOID, ctypes.c_char_p, ctypes.c_char_p,
                                             ctypes.c_char_p, ctypes.c_size_t]),
        "rd_kafka_conf_set_log_cb": (None, [_VOID, _VOID]),
        "rd_kafka_new": (_VOID, [ctypes.c_int, _VOID, ctypes.c_char_p, ctypes.c_size_t]),
        "rd_kafka_destroy": (None, [_VOID]),
        "rd_kafka_mock_cluster_new": (_VOID, [_VOID, ctypes.c_int]),
        "rd_kafka_mock_cluster_bootstraps": (ctypes.c_char_p, [_VOID]),
        "rd_kafka_mock_cluster_destroy": (None, [_VOID]),
        "rd_kafka_mock_topic_create": (ctypes.c_int, [_VOID, ctypes.c_char_p, ctypes.c_int,
                                                      ctypes.c_int]),
        "rd_kafka_mock_group_initial_rebalance_delay_ms": (ctypes.c_int, [_VOID, ctypes.c_int32]),
    }  # fmt: skip
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes
    return lib


@contextmanager
def _c_mock_cluster(
    lib: ctypes.CDLL, brokers: int, topics: Mapping[str, int], delay_ms: int
) -> Iterator[str]:
    errstr = ctypes.create_string_buffer(512)
    conf = lib.rd_kafka_conf_new()
    lib.rd_kafka_conf_set_log_cb(conf, None)  # the mock's own chatter goes nowhere
    handle = lib.rd_kafka_new(0, conf, errstr, len(errstr))  # 0: a producer handle to host it
    if not handle:
        raise LabError(f"librdkafka could not start: {errstr.value.decode()}")
    cluster = lib.rd_kafka_mock_cluster_new(handle, brokers)
    try:
        for name, partitions in topics.items():
            replicas = min(brokers, 3)  # as the mock's own auto-created topics
            if lib.rd_kafka_mock_topic_create(cluster, name.encode(), partitions, replicas):
                raise LabError(f"The mock cluster could not create topic {name!r}.")
        lib.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, delay_ms)
        yield lib.rd_kafka_mock_cluster_bootstraps(cluster).decode()
    finally:
        lib.rd_kafka_mock_cluster_destroy(cluster)
        lib.rd_kafka_destroy(handle)


@contextmanager
def _property_mock_cluster(brokers: int, topics: Mapping[str, int]) -> Iterator[str]:
    """The documented route: a client with test.mock.num.brokers hosts the cluster."""
    if any(n != MOCK_DEFAULT_PARTITIONS for n in topics.values()):
        warnings.warn(
            f"librdkafka's mock C API is not reachable: topics get "
            f"{MOCK_DEFAULT_PARTITIONS} partitions whatever was asked.",
            stacklevel=3,
        )
    host = Producer({"test.mock.num.brokers": brokers, **_QUIET})
    try:
        brokers_seen = host.list_topics(timeout=10).brokers.values()
        yield ",".join(f"{b.host}:{b.port}" for b in brokers_seen)
    finally:
        host.close()


@contextmanager
def mock_cluster(
    brokers: int = 3, topics: Mapping[str, int] | None = None, rebalance_delay_ms: int = 0
) -> Iterator[str]:
    """A Kafka cluster on 127.0.0.1 for the duration of a `with` block; yields its bootstrap.

    `topics` maps topic name to partition count. Close every client before the block ends.
    """
    if brokers < 1:
        raise LabError("A cluster needs at least one broker.")
    lib = _librdkafka()
    if lib is None:
        with _property_mock_cluster(brokers, topics or {}) as bootstrap:
            yield bootstrap
    else:
        with _c_mock_cluster(lib, brokers, topics or {}, rebalance_delay_ms) as bootstrap:
            yield bootstrap


def partition_count(bootstrap: str, topic: str, timeout_s: float = 10.0) -> int:
    """How many partitions the cluster reports for a topic (auto-creating it if missing)."""
    client = Producer({"bootstrap.servers": bootstrap, **_QUIET})
    try:
        meta = client.list_topics(topic, timeout=timeout_s).topics[topic]
        if meta.error is not None:
            raise LabError(f"Topic {topic!r}: {meta.error.str()}")
        return len(meta.partitions)
    finally:
        client.close()


def _raise_for(error: KafkaError, key: str | None) -> None:
    if error.code() == KafkaError.MSG_SIZE_TOO_LARGE:
        raise MessageSizeTooLarge(f"record with key {key!r}: {error.str()}")
    raise LabError(f"Kafka error {error.name()} for key {key!r}: {error.str()}")


def produce(
    bootstrap: str,
    topic: str,
    keys: Sequence[str | None],
    values: Sequence[bytes],
    timeout_s: float = 10.0,
) -> list[Delivery]:
    """Send keyed records with the Java client's partitioner; where each landed, in send order."""
    producer = Producer({"bootstrap.servers": bootstrap, "partitioner": "murmur2_random", **_QUIET})
    placed: list[Delivery | None] = [None] * len(keys)
    errors: list[tuple[KafkaError, str | None]] = []

    def delivered(index: int, key: str | None) -> Callable[[KafkaError | None, Message], None]:
        def report(error: KafkaError | None, message: Message) -> None:
            if error is not None:
                errors.append((error, key))
            else:
                placed[index] = Delivery(key, message.partition(), message.offset())

        return report

    try:
        for i, (key, value) in enumerate(zip(keys, values, strict=True)):
            try:
                producer.produce(topic, value=value, key=key, on_delivery=delivered(i, key))
            except KafkaException as exc:
                _raise_for(exc.args[0], key)
            producer.poll(0)
        if producer.flush(timeout_s) > 0:
            raise LabError(f"Not every record was delivered within {timeout_s} s.")
    finally:
        producer.close()
    for error, key in errors[:1]:
        _raise_for(error, key)
    return [p for p in placed if p is not None]


def consume_all(
    bootstrap: str,
    topic: str,
    group_id: str,
    expected: int | None = None,
    deadline_s: float = 15.0,
    commit: bool = True,
    auto_offset_reset: str = "earliest",
    group_timing: Mapping[str, int] = MOCK_GROUP_TIMING,
) -> list[Delivery]:
    """Join `group_id`, read until `expected` records or the end of every partition, commit.

    Returns what it has at the deadline (a group join takes time); a later call with the same
    group resumes after the committed offsets.
    """
    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": group_id, "enable.auto.commit": False,
        "auto.offset.reset": auto_offset_reset, "enable.partition.eof": True, **group_timing,
        **_QUIET,
    })  # fmt: skip
    assigned: set[int] = set()
    consumer.subscribe(
        [topic], on_assign=lambda _, parts: assigned.update(p.partition for p in parts)
    )
    try:
        got = _read(consumer, assigned, expected, time.monotonic() + deadline_s)
        if commit and got:
            consumer.commit(asynchronous=False)  # the positions after the records returned
    finally:
        consumer.close()
    return got


def _read(consumer: Consumer, assigned: set[int], expected: int | None, stop_at: float) -> list:
    """Poll until `expected` records, or every assigned partition is at its end, or stop_at."""
    got: list[Delivery] = []
    at_end: set[int] = set()
    while time.monotonic() < stop_at:  # a live network call needs a real deadline
        all_read = bool(assigned) and at_end >= assigned
        if (len(got) >= expected) if expected is not None else all_read:
            break
        message = consumer.poll(0.1)
        if message is None:
            continue
        error = message.error()
        if error is not None and error.code() == KafkaError._PARTITION_EOF:
            at_end.add(message.partition())
        elif error is not None:
            _raise_for(error, None)
        else:
            key = message.key()
            at_end.discard(message.partition())
            got.append(Delivery(key and key.decode(), message.partition(), message.offset()))
    return got

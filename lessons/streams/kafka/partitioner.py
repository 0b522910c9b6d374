"""Where records go and who reads them: Kafka's default partitioner and the group assignors.

`murmur2` and `partition_for_key` follow the Java client's Utils.murmur2 and default partitioner
(toPositive(murmur2(key)) % partitions, str keys UTF-8 encoded like StringSerializer);
`murmur2_many` and `partitions_for_keys` are vectorised versions for whole workloads. The assignors
are the Java client's RangeAssignor and RoundRobinAssignor for a single topic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

_SEED, _M = np.uint32(0x9747B28C), np.uint32(0x5BD1E995)  # the Java client's murmur2 constants


def _word(data: np.ndarray, pos: np.ndarray, count: np.ndarray | int) -> np.ndarray:
    """Little-endian uint32 from `count` (0..4) bytes at each position; missing bytes are 0."""
    word = np.zeros(len(pos), np.uint32)
    for i in range(4):
        byte = data[np.minimum(pos + i, len(data) - 1)].astype(np.uint32) << np.uint32(8 * i)
        word |= np.where(np.asarray(count) > i, byte, np.uint32(0))
    return word


def murmur2_many(keys: Sequence[bytes] | Sequence[str] | np.ndarray) -> np.ndarray:
    """Kafka's murmur2 (the Java client's Utils.murmur2) of each key, as signed int32."""
    kind = pa.large_binary() if len(keys) and isinstance(keys[0], bytes) else pa.large_string()
    arr = pa.array(keys, kind)
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, np.int64)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    data = np.concatenate([data, np.zeros(1, np.uint8)])  # so that even all-empty keys can be read
    start, length = offsets[:-1], np.diff(offsets)
    h = _SEED ^ length.astype(np.uint32)
    for block in range(int(length.max(initial=0)) // 4):
        k = _word(data, start + 4 * block, 4) * _M
        k = (k ^ (k >> np.uint32(24))) * _M
        h = np.where(length // 4 > block, (h * _M) ^ k, h)
    tail = length % 4
    h = np.where(tail > 0, (h ^ _word(data, start + length - tail, tail)) * _M, h)
    h ^= h >> np.uint32(13)
    h *= _M
    return (h ^ (h >> np.uint32(15))).view(np.int32)


def murmur2(key: bytes | str) -> int:
    """Kafka's murmur2 of one key (str keys are UTF-8 encoded, like StringSerializer)."""
    return int(murmur2_many([key])[0])


def partitions_for_keys(keys: Sequence[str] | np.ndarray, partitions: int) -> np.ndarray:
    """The default partitioner for many keys, hashing each distinct key once."""
    codes, uniques = pd.factorize(np.asarray(keys, dtype=object))
    hashed = murmur2_many(np.asarray(uniques, dtype=object)).astype(np.int64) & 0x7FFFFFFF
    return (hashed % partitions)[codes].astype(np.int32)


def partition_for_key(key: bytes | str, partitions: int) -> int:
    """The Java client's default partition for a keyed record."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


# --- consumer group assignors ---------------------------------------------------------------------


def range_assign(members: Sequence, partitions: int) -> dict:
    """Java's RangeAssignor for one topic: sorted members get contiguous ranges, extras first."""
    ordered, out, start = sorted(members), {}, 0
    per, extra = divmod(partitions, max(len(ordered), 1))
    for i, member in enumerate(ordered):
        count = per + (i < extra)
        out[member], start = list(range(start, start + count)), start + count
    return out


def round_robin_assign(members: Sequence, partitions: int) -> dict:
    """Java's RoundRobinAssignor for one topic: partitions dealt to sorted members in turn."""
    ordered = sorted(members)
    return {m: list(range(i, partitions, len(ordered))) for i, m in enumerate(ordered)}


ASSIGNORS = {"range": range_assign, "roundrobin": round_robin_assign}

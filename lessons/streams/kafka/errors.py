"""Kafka's protocol errors, as the model raises them.

Each class carries the protocol's error name (`code`) and number (`error_code`), the way a Kafka
client reports a broker's error response.
"""

from __future__ import annotations

from lessons.streams.errors import ServiceError


class KafkaError(ServiceError):
    """A Kafka protocol error: `code` is the protocol's error name, `error_code` its number."""

    error_code = -1


class OffsetOutOfRange(KafkaError):
    code, error_code = "OFFSET_OUT_OF_RANGE", 1


class UnknownTopicOrPartition(KafkaError):
    code, error_code = "UNKNOWN_TOPIC_OR_PARTITION", 3


class MessageSizeTooLarge(KafkaError):
    code, error_code = "MESSAGE_TOO_LARGE", 10


class UnknownMemberId(KafkaError):
    code, error_code = "UNKNOWN_MEMBER_ID", 25


class TopicAlreadyExists(KafkaError):
    code, error_code = "TOPIC_ALREADY_EXISTS", 36


class InvalidPartitions(KafkaError):
    code, error_code = "INVALID_PARTITIONS", 37


class InvalidConfig(KafkaError):
    code, error_code = "INVALID_CONFIG", 40


class NonEmptyGroup(KafkaError):
    code, error_code = "NON_EMPTY_GROUP", 68

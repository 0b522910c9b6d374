"""SQS limits, errors and validation, shared by the queue model (sqs) and the simulation.

`limit` reads an SQS limit from the facts table; `checked_int`, `bad_value`, `too_large_message`
and `check_batch` raise AWS's errors for request parameters; `parse_attributes` and
`parse_redrive` turn CreateQueue / SetQueueAttributes attributes into a validated
`QueueAttributes`. `lessons.streams.sqs` re-exports the public names (`sqs.limit`, ...).

Fidelity: ranges, defaults and error codes are the ones AWS documents for CreateQueue and
SetQueueAttributes, read from the facts table; the local endpoint (moto) does not check attribute
ranges, so these checks are the only place a learner meets AWS's refusals offline.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lessons import facts
from lessons.streams.errors import InvalidParameterValue, ServiceError


def limit(fact_id: str) -> int:
    """An SQS limit from the facts table in seconds, bytes or a plain count, whatever its unit."""
    unit = facts.fact(fact_id).unit
    if unit in facts.SECONDS_PER_UNIT:
        return facts.as_seconds(fact_id)
    if unit.removesuffix("/s") in facts.BYTES_PER_UNIT:
        return facts.as_bytes(fact_id)
    return int(facts.number(fact_id))


class SqsError(ServiceError):
    """An SQS error a lesson seldom catches by type; `code` is AWS's code for this instance."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class InvalidAttributeValue(InvalidParameterValue):
    """CreateQueue and SetQueueAttributes answer an out-of-range attribute with this code."""

    code = "InvalidAttributeValue"


class MissingParameter(ServiceError):
    code = "MissingParameter"


class MessageNotInflight(ServiceError):
    code = "AWS.SimpleQueueService.MessageNotInflight"


def too_large_message(size: int) -> str:
    """AWS's wording for an oversized message, plus the old limit when the facts record one."""
    text = (
        "One or more parameters are invalid. Reason: Message must be shorter than "
        f"{limit('sqs.message_max_size')} bytes (this one has {size:,} bytes)."
    )
    changed = facts.fact("sqs.message_max_size").changed
    if changed:
        first = changed.split(". ")[0].rstrip(".")
        text += f" The limit changed: {first[0].lower()}{first[1:]}."
    return text


def bad_value(name: str, value: object, reason: str) -> InvalidParameterValue:
    """The InvalidParameterValue SQS raises for a request parameter it cannot accept."""
    return InvalidParameterValue(f"Value {value} for parameter {name} is invalid. Reason: {reason}")


def checked_int(name: str, value: object, low: int, high: int, attribute: bool = False) -> int:
    """`value` as an int in [low, high], else AWS's error (queue attributes have their own)."""
    text = str(value)
    if text.lstrip("-").isdigit() and low <= int(text) <= high:
        return int(text)
    if attribute:
        raise InvalidAttributeValue(
            f"Invalid value for the parameter {name}. Reason: must be an integer from {low} "
            f"to {high}."
        )
    raise bad_value(name, value, f"must be between {low} and {high}, if provided.")


@dataclass(frozen=True)
class RedrivePolicy:
    dead_letter_target_arn: str
    max_receive_count: int


@dataclass(frozen=True)
class QueueAttributes:
    """A queue's settable attributes, validated, in seconds."""

    fifo: bool
    visibility_timeout_s: int
    retention_s: int
    delay_s: int = 0
    wait_time_s: int = 0
    content_based_dedup: bool = False
    redrive: RedrivePolicy | None = None


# API attribute -> (field, lowest: 0 or a fact id, highest: a fact id)
_RANGES = {
    "VisibilityTimeout": ("visibility_timeout_s", 0, "sqs.visibility_max_hours"),
    "MessageRetentionPeriod": ("retention_s", "sqs.retention_min_s", "sqs.retention_max_days"),
    "DelaySeconds": ("delay_s", 0, "sqs.delay_max_minutes"),
    "ReceiveMessageWaitTimeSeconds": ("wait_time_s", 0, "sqs.long_poll_max_s"),
}


def parse_redrive(value: object) -> RedrivePolicy | None:
    """A RedrivePolicy as JSON text or a dict; empty means none."""
    raw = json.loads(value) if isinstance(value, str) and value else value
    if not raw:
        return None
    if not isinstance(raw, Mapping) or "deadLetterTargetArn" not in raw:
        raise InvalidAttributeValue(
            "Value for parameter RedrivePolicy is invalid. Reason: it needs deadLetterTargetArn "
            "and maxReceiveCount."
        )
    low, high = (limit(f"sqs.max_receive_count_{end}") for end in ("min", "max"))
    count = checked_int("maxReceiveCount", raw.get("maxReceiveCount"), low, high, attribute=True)
    return RedrivePolicy(str(raw["deadLetterTargetArn"]), count)


def parse_attributes(raw: Mapping[str, object], base: QueueAttributes) -> QueueAttributes:
    """API-style attributes applied on top of `base`, validated with AWS's errors."""
    values = dict(base.__dict__)
    for name, value in raw.items():
        if name in _RANGES:
            key, low, high = _RANGES[name]
            low = limit(low) if low else 0
            values[key] = checked_int(name, value, low, limit(high), attribute=True)
        elif name == "RedrivePolicy":
            values["redrive"] = parse_redrive(value)
        elif name == "FifoQueue" and (str(value).lower() == "true") == base.fifo:
            continue  # fixed when the queue is created
        elif name == "ContentBasedDeduplication" and base.fifo:
            values["content_based_dedup"] = str(value).lower() == "true"
        else:
            raise SqsError("InvalidAttributeName", f"Unknown Attribute {name}.")
    return QueueAttributes(**values)


def check_batch(ids: Sequence[str], total_bytes: int) -> None:
    """What SendMessageBatch checks before it looks at any entry."""
    most, biggest = limit("sqs.receive_max_messages"), limit("sqs.message_max_size")
    problems = {
        "EmptyBatchRequest": (not ids, "There should be at least one entry in the request."),
        "TooManyEntriesInBatchRequest": (len(ids) > most, f"At most {most} entries per call."),
        "BatchEntryIdsNotDistinct": (len(set(ids)) < len(ids), "Two entries share an Id."),
        "BatchRequestTooLong": (total_bytes > biggest, f"A batch is at most {biggest} bytes."),
    }
    for code, (failed, message) in problems.items():
        if failed:
            raise SqsError(f"AWS.SimpleQueueService.{code}", message)

"""Amazon SQS queues, standard and FIFO, driven through the SQS API on an explicit clock.

`Sqs(clock, rng)` holds queues; a `Queue` answers send_message, send_message_batch,
receive_message, delete_message, change_message_visibility, purge_queue and
get_queue_attributes with SQS's rules and error codes. Volume experiments (a million messages,
many consumers) go through `sqs_sim.simulate_consumers`.
Limits, errors and attribute validation live in sqs_attributes; the names are re-exported here.

Fidelity: AWS keeps each message on several servers; a standard queue delivers at least once in
best-effort order, a FIFO queue once per deduplication interval and in order per message group.
The model keeps one copy. A standard receive returns a seeded sample of the oldest visible
messages (`sample_window`); with `duplicate_probability` a DeleteMessage misses a copy that comes
back after its visibility timeout: AWS documents both effects but no rates. A stale receipt
handle deletes nothing and raises nothing, as the DeleteMessage reference says. Long polling
returns at once with what is visible. Not modelled: short-poll sampling, fair queues
(MessageGroupId on a standard queue is ignored), message attributes, in-flight limits, the purge
interval, FIFO throttling (see sqs_sim), per-group deduplication scope. A deduplicated send
returns the first send's MessageId (AWS does not say).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from lessons.streams.errors import (
    InvalidParameterValue,
    QueueDoesNotExist,
    ReceiptHandleIsInvalid,
    ServiceError,
)
from lessons.streams.sqs_attributes import (
    _RANGES,
    InvalidAttributeValue,
    MessageNotInflight,
    MissingParameter,
    QueueAttributes,
    RedrivePolicy,
    SqsError,
    bad_value,
    check_batch,
    checked_int,
    limit,
    parse_attributes,
    parse_redrive,
    too_large_message,
)

__all__ = [
    "ACCOUNT_ID",
    "DUPLICATE_PROBABILITY",
    "REGION",
    "SAMPLE_WINDOW",
    "BatchResult",
    "InvalidAttributeValue",
    "ManualClock",
    "MessageNotInflight",
    "MissingParameter",
    "Queue",
    "QueueAttributes",
    "ReceivedMessage",
    "RedrivePolicy",
    "SendResult",
    "Sqs",
    "SqsError",
    "bad_value",
    "check_batch",
    "checked_int",
    "limit",
    "parse_attributes",
    "parse_redrive",
    "too_large_message",
]

# AWS says duplicates happen "on rare occasions" and publishes no rate: a model parameter.
DUPLICATE_PROBABILITY = 0.001
# A standard receive samples among this many of the oldest visible messages (no AWS number).
SAMPLE_WINDOW = 100
ACCOUNT_ID, REGION = "123456789012", "us-east-1"
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_FIFO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,75}\.fifo$")
_REDRIVE_KEYS = ("deadLetterTargetArn", "maxReceiveCount")
_RETENTION = "sqs.retention_default_days"
_WRONG_TYPE = "The request include parameter that is not valid for this queue type."


class ManualClock:
    """A clock the caller moves by hand; calling it gives the time in epoch milliseconds."""

    def __init__(self, start_ms: int = 0) -> None:
        self.now_ms = start_ms

    def __call__(self) -> int:
        return self.now_ms

    def advance(self, seconds: float) -> int:
        self.now_ms += round(seconds * 1000)
        return self.now_ms


@dataclass(frozen=True)
class SendResult:
    message_id: str
    md5_of_message_body: str
    sequence_number: str | None = None
    deduplicated: bool = False  # model extra: accepted, and not delivered again (FIFO)


@dataclass(frozen=True)
class ReceivedMessage:
    message_id: str
    receipt_handle: str
    body: str
    approximate_receive_count: int
    sent_timestamp: int
    approximate_first_receive_timestamp: int
    message_group_id: str | None
    message_deduplication_id: str | None
    sequence_number: str | None


@dataclass
class _Message:
    message_id: str
    body: str
    sent_ms: int
    visible_at: int
    group_id: str | None
    dedup_id: str | None
    sequence_number: str | None
    receive_count: int = 0
    first_receive_ms: int = 0
    received_ms: int = 0
    handle: str = ""  # the latest receipt handle; older ones delete nothing

    def in_flight(self, now: int) -> bool:
        return self.receive_count > 0 and self.visible_at > now

    def deliver(self, queue: str, now: int, timeout_s: int) -> ReceivedMessage:
        self.receive_count += 1
        self.visible_at, self.received_ms = now + timeout_s * 1000, now
        self.first_receive_ms = self.first_receive_ms or now
        self.handle = hashlib.sha256(f"{queue}/{self.message_id}/{self.receive_count}".encode())
        self.handle = self.handle.hexdigest()
        return ReceivedMessage(self.message_id, self.handle, self.body, self.receive_count,
                               self.sent_ms, self.first_receive_ms, self.group_id, self.dedup_id,
                               self.sequence_number)  # fmt: skip


@dataclass(frozen=True)
class BatchResult:
    """A SendMessageBatch answer: results by entry Id, and the entries that failed with why."""

    successful: dict[str, SendResult]
    failed: dict[str, ServiceError]


class Queue:
    """One queue; its methods are the SQS operations on it (the QueueUrl is implied)."""

    def __init__(self, service: Sqs, name: str, attributes: QueueAttributes) -> None:
        self.service, self.name, self.attributes = service, name, attributes
        self.arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"
        self._messages: dict[str, _Message] = {}  # by MessageId, in send order
        self._handles: dict[str, str] = {}  # every receipt handle given out -> MessageId
        self._dedup: dict[str, tuple[int, SendResult]] = {}  # dedup id -> (first send, answer)
        self._sent = 0

    def send_message(
        self,
        message_body: str,
        delay_seconds: int | None = None,
        message_group_id: str | None = None,
        message_deduplication_id: str | None = None,
    ) -> SendResult:
        """SendMessage; a FIFO duplicate within the deduplication interval is accepted, dropped."""
        fifo, dedup = self.attributes.fifo, message_deduplication_id
        self._check_send(message_body, delay_seconds, message_group_id, dedup)
        now = self.service.clock()
        if fifo and dedup is None:
            dedup = hashlib.sha256(message_body.encode()).hexdigest()
        first = self._dedup.get(dedup or "")
        if first and now < first[0] + limit("sqs.fifo_dedup_window_minutes") * 1000:
            return replace(first[1], deduplicated=True)
        delay = self.attributes.delay_s if delay_seconds is None else delay_seconds
        self._sent += 1
        number = f"{self._sent:020d}" if fifo else None
        message = _Message(self.service.message_id(), message_body, now, now + delay * 1000,
                           message_group_id, dedup, number)  # fmt: skip
        self._messages[message.message_id] = message
        md5 = hashlib.md5(message_body.encode()).hexdigest()
        result = SendResult(message.message_id, md5, number)
        if fifo:
            self._dedup[dedup] = (now, result)
        return result

    def _check_send(self, body: str, delay: int | None, group: str | None, dedup: str | None):
        if not body:
            raise MissingParameter("The request must contain the parameter MessageBody.")
        size, fifo = len(body.encode()), self.attributes.fifo
        if size > limit("sqs.message_max_size"):
            raise InvalidParameterValue(too_large_message(size))
        if delay is not None and fifo:  # a FIFO queue takes a delay per queue only
            raise bad_value("DelaySeconds", delay, _WRONG_TYPE)
        if delay is not None:
            checked_int("DelaySeconds", delay, 0, limit("sqs.delay_max_minutes"))
        if dedup is not None and not fifo:
            raise bad_value("MessageDeduplicationId", dedup, _WRONG_TYPE)
        if fifo and not group:
            raise MissingParameter("The request must contain the parameter MessageGroupId.")
        if fifo and dedup is None and not self.attributes.content_based_dedup:
            raise InvalidParameterValue(
                "The queue should either have ContentBasedDeduplication enabled or "
                "MessageDeduplicationId provided explicitly"
            )

    def send_message_batch(self, entries: Sequence[Mapping[str, object]]) -> BatchResult:
        """SendMessageBatch: entries as in boto3 (Id, MessageBody, MessageGroupId, ...)."""
        bodies = [str(e.get("MessageBody", "")) for e in entries]
        check_batch([str(e["Id"]) for e in entries], sum(len(b.encode()) for b in bodies))
        result = BatchResult({}, {})
        for entry, body in zip(entries, bodies, strict=True):
            options = [entry.get(k) for k in ("DelaySeconds", "MessageGroupId")]
            try:
                sent = self.send_message(body, *options, entry.get("MessageDeduplicationId"))
                result.successful[str(entry["Id"])] = sent
            except ServiceError as error:
                result.failed[str(entry["Id"])] = error
        return result

    def receive_message(
        self,
        max_number_of_messages: int = 1,
        visibility_timeout: int | None = None,
        wait_time_seconds: int | None = None,
    ) -> list[ReceivedMessage]:
        """ReceiveMessage: what it returns turns invisible for the visibility timeout."""
        most = limit("sqs.receive_max_messages")
        count = checked_int("MaxNumberOfMessages", max_number_of_messages, 1, most)
        timeout = self.attributes.visibility_timeout_s
        if visibility_timeout is not None:
            top = limit("sqs.visibility_max_hours")
            timeout = checked_int("VisibilityTimeout", visibility_timeout, 0, top)
        if wait_time_seconds is not None:
            checked_int("WaitTimeSeconds", wait_time_seconds, 0, limit("sqs.long_poll_max_s"))
        now = self.service.clock()
        self._expire(now)
        self._redrive(now)
        picked = self._pick_fifo(now) if self.attributes.fifo else self._pick_standard(now)
        received = [m.deliver(self.name, now, timeout) for m in picked[:count]]
        self._handles.update((r.receipt_handle, r.message_id) for r in received)
        return received

    def _expire(self, now: int) -> None:
        # Retention counts from the first send, also after a move to a dead-letter queue.
        horizon = now - self.attributes.retention_s * 1000
        for message_id in [i for i, m in self._messages.items() if m.sent_ms <= horizon]:
            del self._messages[message_id]

    def _redrive(self, now: int) -> None:
        # AWS moves a message when a receive would exceed maxReceiveCount, not before.
        policy = self.attributes.redrive
        if policy is None:
            return
        target = self.service.queue_by_arn(policy.dead_letter_target_arn)
        for m in list(self._messages.values()):
            if m.visible_at <= now and m.receive_count >= policy.max_receive_count:
                target._messages[m.message_id] = self._messages.pop(m.message_id)

    def _pick_standard(self, now: int) -> list[_Message]:
        visible = [m for m in self._messages.values() if m.visible_at <= now]
        window = visible[: self.service.sample_window]
        return [window[i] for i in self.service.rng.permutation(len(window))]

    def _pick_fifo(self, now: int) -> list[_Message]:
        # A group with a message in flight gives nothing; a group's messages come out together.
        blocked = {m.group_id for m in self._messages.values() if m.in_flight(now)}
        runs: dict[str | None, list[_Message]] = {}
        for m in self._messages.values():
            if m.visible_at > now:  # in flight or delayed: the rest of its group waits
                blocked.add(m.group_id)
            elif m.group_id not in blocked:
                runs.setdefault(m.group_id, []).append(m)
        return [m for run in runs.values() for m in run]

    def _latest(self, handle: str) -> _Message | None:
        """The message if `handle` is its latest; None once deleted or received again."""
        if handle not in self._handles:
            raise ReceiptHandleIsInvalid(
                f'The input receipt handle "{handle}" is not a valid receipt handle.'
            )
        m = self._messages.get(self._handles[handle])
        return m if m is not None and m.handle == handle else None

    def delete_message(self, receipt_handle: str) -> None:
        """DeleteMessage: only the latest handle deletes; an older one succeeds doing nothing."""
        m, p = self._latest(receipt_handle), self.service.duplicate_probability
        if m is None or (not self.attributes.fifo and p > 0 and self.service.rng.random() < p):
            return  # a missed copy stays and comes back after its visibility timeout
        del self._messages[m.message_id]

    def change_message_visibility(self, receipt_handle: str, visibility_timeout: int) -> None:
        """ChangeMessageVisibility: counts from now, at most the maximum after the receive."""
        top = limit("sqs.visibility_max_hours")
        timeout = checked_int("VisibilityTimeout", visibility_timeout, 0, top)
        m, now = self._latest(receipt_handle), self.service.clock()
        if m is None or not m.in_flight(now):
            raise MessageNotInflight(
                "Message does not exist or is not available for visibility timeout change."
            )
        if now + timeout * 1000 - m.received_ms > top * 1000:
            reason = f"Total VisibilityTimeout for the message is beyond the limit [{top} seconds]."
            raise bad_value("VisibilityTimeout", timeout, reason)
        m.visible_at = now + timeout * 1000

    def purge_queue(self) -> None:
        """PurgeQueue: every message goes, in flight or not; deduplication ids stay."""
        self._messages.clear()

    def get_queue_attributes(self) -> dict[str, str]:
        """GetQueueAttributes: the settable attributes and the approximate counts, as strings."""
        now, a = self.service.clock(), self.attributes
        self._expire(now)
        out = {name: getattr(a, field) for name, (field, _, _) in _RANGES.items()}
        flying = sum(m.in_flight(now) for m in self._messages.values())
        out["ApproximateNumberOfMessagesNotVisible"] = flying
        out["ApproximateNumberOfMessages"] = len(self._messages) - flying
        if a.redrive:
            policy = (a.redrive.dead_letter_target_arn, a.redrive.max_receive_count)
            out["RedrivePolicy"] = json.dumps(dict(zip(_REDRIVE_KEYS, policy, strict=True)))
        return {k: str(v) for k, v in out.items()} | {"QueueArn": self.arn}


@dataclass
class Sqs:
    """The SQS service in one region: queues by name, one clock, one seeded generator."""

    clock: Callable[[], int]
    rng: np.random.Generator
    duplicate_probability: float = DUPLICATE_PROBABILITY
    sample_window: int = SAMPLE_WINDOW
    queues: dict[str, Queue] = field(default_factory=dict, repr=False)

    def create_queue(
        self, queue_name: str, attributes: Mapping[str, object] | None = None
    ) -> Queue:
        """CreateQueue: a FIFO queue needs FifoQueue=true and a name ending in .fifo."""
        attributes = dict(attributes or {})
        fifo = str(attributes.get("FifoQueue", "false")).lower() == "true"
        if not (_FIFO_NAME if fifo else _NAME).match(queue_name):
            raise InvalidParameterValue(
                "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in "
                "length." + (" A FIFO queue's name must end with the .fifo suffix." if fifo else "")
            )
        base = QueueAttributes(fifo, limit("sqs.visibility_default_s"), limit(_RETENTION))
        attrs = parse_attributes(attributes, base)
        dlq = attrs.redrive and self.queue_by_arn(attrs.redrive.dead_letter_target_arn)
        if dlq and dlq.attributes.fifo != fifo:  # the dead-letter queue is of the same type
            reason = "the dead-letter queue must be of the same type (FIFO or standard)."
            raise InvalidAttributeValue(f"Invalid value for the parameter RedrivePolicy: {reason}")
        if queue_name in self.queues and self.queues[queue_name].attributes != attrs:
            raise SqsError("QueueAlreadyExists", f"{queue_name} exists with other attributes.")
        return self.queues.setdefault(queue_name, Queue(self, queue_name, attrs))

    def get_queue(self, queue_name: str) -> Queue:
        """GetQueueUrl, giving the queue itself."""
        if queue_name not in self.queues:
            raise QueueDoesNotExist("The specified queue does not exist.")
        return self.queues[queue_name]

    def queue_by_arn(self, arn: str) -> Queue:
        return self.get_queue(arn.rsplit(":", 1)[-1])

    def message_id(self) -> str:
        """A UUID-shaped MessageId from the seeded generator, so runs repeat exactly."""
        return str(uuid.UUID(bytes=self.rng.bytes(16), version=4))

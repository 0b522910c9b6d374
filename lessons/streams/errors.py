"""Service errors named and coded as AWS names them, with a clear message."""

from __future__ import annotations

from lessons.errors import LabError


class ServiceError(LabError):
    """An error a real AWS API would return: `code` is AWS's error code."""

    code = "ServiceError"

    def __init__(self, message: str) -> None:
        super().__init__(f"{self.code}: {message}")
        self.message = message


class InvalidArgumentException(ServiceError):
    code = "InvalidArgumentException"


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"


class ResourceInUseException(ServiceError):
    code = "ResourceInUseException"


class LimitExceededException(ServiceError):
    code = "LimitExceededException"


class ProvisionedThroughputExceededException(ServiceError):
    code = "ProvisionedThroughputExceededException"


class ExpiredIteratorException(ServiceError):
    code = "ExpiredIteratorException"


class InvalidParameterValue(ServiceError):
    """SQS's code for a parameter outside its range (message too large, bad timeout, ...)."""

    code = "InvalidParameterValue"


class ReceiptHandleIsInvalid(ServiceError):
    code = "ReceiptHandleIsInvalid"


class QueueDoesNotExist(ServiceError):
    code = "AWS.SimpleQueueService.NonExistentQueue"

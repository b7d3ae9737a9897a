"""Typed exceptions for the server's gRPC statuses, each carrying the server's message."""

from __future__ import annotations

import grpc


class VmmError(Exception):
    """An error from vmm-server (or from this client before a call), with the server's message.

    `code` is the gRPC status code; `message` is the server's text, meant for people.
    """

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Cancelled(VmmError):
    """The call was cancelled (by the client, or the server's peer went away)."""

    code = grpc.StatusCode.CANCELLED


class InvalidArgument(VmmError):
    """A parameter or request is invalid; the message names it. Retrying will not help."""

    code = grpc.StatusCode.INVALID_ARGUMENT


class DeadlineExceeded(VmmError):
    """The call (or a live stream left idle) ran past its deadline."""

    code = grpc.StatusCode.DEADLINE_EXCEEDED


class NotFound(VmmError):
    """No such job (another owner's job looks the same)."""

    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(VmmError):
    """The id is taken."""

    code = grpc.StatusCode.ALREADY_EXISTS


class PermissionDenied(VmmError):
    """The token may not do this (a worker token on the client API, a path outside the roots)."""

    code = grpc.StatusCode.PERMISSION_DENIED


class ResourceExhausted(VmmError):
    """A limit was reached: upload size, jobs in flight per owner, message size."""

    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class FailedPrecondition(VmmError):
    """The job's state does not allow this (download before success, delete while running)."""

    code = grpc.StatusCode.FAILED_PRECONDITION


class Aborted(VmmError):
    """The server gave up on the call (a live session whose worker failed)."""

    code = grpc.StatusCode.ABORTED


class OutOfRange(VmmError):
    """An offset is beyond the data."""

    code = grpc.StatusCode.OUT_OF_RANGE


class Unimplemented(VmmError):
    """The server does not offer this call (an older server)."""

    code = grpc.StatusCode.UNIMPLEMENTED


class Internal(VmmError):
    """The server failed in a way it did not expect."""

    code = grpc.StatusCode.INTERNAL


class Unavailable(VmmError):
    """The server cannot be reached, is shutting down, or has no worker free; retry later."""

    code = grpc.StatusCode.UNAVAILABLE


class DataLoss(VmmError):
    """Bytes were lost or corrupted (a checksum did not match)."""

    code = grpc.StatusCode.DATA_LOSS


class Unauthenticated(VmmError):
    """The token is missing or not known to the server."""

    code = grpc.StatusCode.UNAUTHENTICATED


class JobFailed(VmmError):
    """The job ended FAILED or CANCELLED where it had to succeed; `job` is its last state."""

    def __init__(self, message: str, job):
        super().__init__(message)
        self.job = job


_BY_CODE = {
    cls.code: cls
    for cls in (Cancelled, InvalidArgument, DeadlineExceeded, NotFound, AlreadyExists,
                PermissionDenied, ResourceExhausted, FailedPrecondition, Aborted, OutOfRange,
                Unimplemented, Internal, Unavailable, DataLoss, Unauthenticated)
}


def from_rpc_error(error: grpc.RpcError) -> VmmError:
    """The typed exception for a gRPC error (VmmError itself for codes without a class)."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    details = error.details() if hasattr(error, "details") else str(error)
    exception = _BY_CODE.get(code, VmmError)(details or (code.name if code else "unknown error"))
    if exception.__class__ is VmmError:
        exception.code = code
    return exception


# Codes after which the same call may be tried again unchanged.
RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE})

"""The synchronous client: Client, Job and the live stream."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import hashlib
import os
import threading
import time
import uuid
from typing import (BinaryIO, Callable, Iterable, Iterator, List, Mapping, Optional, Tuple,
                    Union)

import grpc

from vmm_client import _errors
from vmm_client._errors import DataLoss, DeadlineExceeded, InvalidArgument, JobFailed, VmmError
from vmm_client._params import job_spec, magnify_params
from vmm_client._proto.vmm.v1 import magnification_pb2 as pb
from vmm_client._proto.vmm.v1 import magnification_pb2_grpc as pb_grpc

# Bytes per upload message; the server refuses chunks above 1 MiB.
CHUNK_BYTES = 1 << 20
# Keepalive as the service expects it on long streams (common/rpc/channel_settings.h).
_CHANNEL_OPTIONS = [
    ("grpc.keepalive_time_ms", 30000),
    ("grpc.keepalive_timeout_ms", 10000),
    ("grpc.max_receive_message_length", 256 << 20),
    ("grpc.max_send_message_length", 256 << 20),
]

Source = Union[str, "os.PathLike[str]", BinaryIO]


class JobState(enum.IntEnum):
    """Where a job is in its life: QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED."""

    QUEUED = pb.Job.QUEUED
    RUNNING = pb.Job.RUNNING
    SUCCEEDED = pb.Job.SUCCEEDED
    FAILED = pb.Job.FAILED
    CANCELLED = pb.Job.CANCELLED

    @property
    def final(self) -> bool:
        """True for SUCCEEDED, FAILED and CANCELLED."""
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


@dataclasses.dataclass(frozen=True)
class Progress:
    """One progress event of a job, as Job.wait passes it to its callback."""

    state: JobState
    frames_done: int
    frames_total: int  # 0 while unknown
    frames_per_second: float
    eta_seconds: float  # 0 while unknown
    message: str


@dataclasses.dataclass(frozen=True)
class LiveResult:
    """One magnified frame of Client.stream, in the order the frames were sent."""

    sequence: int
    frame: "numpy.ndarray"  # H x W x 3 uint8, RGB  # noqa: F821
    latency_seconds: float  # from the server's receipt of the frame to the reply's write
    engine_seconds: float  # the worker's time on the frame


def file_digest(file: BinaryIO) -> Tuple[int, str]:
    """The size and SHA-256 of a binary file from its position to its end."""
    digest = hashlib.sha256()
    size = 0
    for block in iter(lambda: file.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
    return size, digest.hexdigest()


def finish_download(name: str, partial: str, path: str, total: int, sha256: str) -> str:
    """Gives the complete `partial` file its name `path` once its size and SHA-256 match."""
    with open(partial, "rb") as f:
        size, digest = file_digest(f)
    if size != total or digest != sha256:
        os.remove(partial)
        raise DataLoss(f"the download of {name} does not match the server's SHA-256 "
                       f"({sha256}); it was removed, download again")
    os.replace(partial, path)
    return path


def backoff(attempt: int) -> float:
    """Seconds to wait before retry `attempt` (1, 2, ...): 0.2 s doubling, at most 5 s."""
    return min(5.0, 0.2 * (2 ** (attempt - 1)))


class JobFields:
    """The fields of a job as last seen, shared by Job and vmm_client.aio.AsyncJob."""

    def __init__(self, message: pb.Job):
        self._message = message

    # The job's fields.
    @property
    def name(self) -> str:
        """The resource name, "jobs/{id}"."""
        return self._message.name

    @property
    def id(self) -> str:
        """The id part of the name."""
        return self._message.name.split("/", 1)[-1]

    @property
    def state(self) -> JobState:
        return JobState(self._message.state)

    @property
    def display_name(self) -> str:
        return self._message.display_name

    @property
    def labels(self) -> Mapping[str, str]:
        return dict(self._message.labels)

    @property
    def owner(self) -> str:
        return self._message.owner

    @property
    def frames_done(self) -> int:
        return self._message.frames_done

    @property
    def frames_total(self) -> int:
        return self._message.frames_total

    @property
    def attempt_count(self) -> int:
        return self._message.attempt_count

    @property
    def failure_reason(self) -> str:
        return self._message.failure_reason

    @property
    def input_sha256(self) -> str:
        return self._message.input_sha256

    @property
    def result_size_bytes(self) -> int:
        return self._message.result_size_bytes

    @property
    def result_sha256(self) -> str:
        return self._message.result_sha256

    @property
    def create_time(self) -> datetime.datetime:
        return self._message.create_time.ToDatetime(tzinfo=datetime.timezone.utc)

    @property
    def proto(self) -> pb.Job:
        """The API's Job message, for fields this class does not name."""
        return self._message

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.name!r}, {self.state.name}, "
                f"{self.frames_done}/{self.frames_total})")

    def _check(self, check: bool) -> None:
        """With `check`, JobFailed for a job that ended FAILED or CANCELLED."""
        if check and self.state == JobState.FAILED:
            raise JobFailed(f"job {self.name} failed: {self.failure_reason}", self)
        if check and self.state == JobState.CANCELLED:
            raise JobFailed(f"job {self.name} was cancelled: {self.failure_reason}", self)



class Job(JobFields):
    """A job on the server, as last seen. `refresh()` reads it again; `wait()` follows it."""

    def __init__(self, client: "Client", message: pb.Job):
        super().__init__(message)
        self._client = client

    # Calls.
    def refresh(self) -> "Job":
        """Reads the job again from the server; returns self."""
        self._message = self._client._unary(
            self._client._stub.GetJob, pb.GetJobRequest(name=self.name), retry=True)
        return self

    def cancel(self) -> "Job":
        """Cancels a queued or running job (FailedPrecondition for a finished one)."""
        self._message = self._client._unary(
            self._client._stub.CancelJob, pb.CancelJobRequest(name=self.name), retry=True)
        return self

    def delete(self) -> None:
        """Deletes a finished job and its files (FailedPrecondition while it runs)."""
        self._client._unary(self._client._stub.DeleteJob, pb.DeleteJobRequest(name=self.name),
                            retry=False)

    def wait(self, progress: Optional[Callable[[Progress], None]] = None,
             timeout: Optional[float] = None, check: bool = True) -> "Job":
        """Follows the job until it ends; returns self.

        `progress` is called with every event the server pushes (about four a second at most).
        A broken stream is watched again. With `check`, a job that ends FAILED or CANCELLED
        raises JobFailed. DeadlineExceeded after `timeout` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        attempt = 0
        while not self.state.final:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                for event in self._client._stub.WatchJob(
                        pb.WatchJobRequest(name=self.name), metadata=self._client._metadata,
                        timeout=remaining):
                    attempt = 0
                    self._message = event.job
                    if progress is not None:
                        progress(Progress(JobState(event.state), event.frames_done,
                                          event.frames_total, event.frames_per_second,
                                          event.eta_seconds, event.message))
            except grpc.RpcError as error:
                if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                    raise DeadlineExceeded(
                        f"job {self.name} did not end within {timeout} s") from None
                attempt += 1
                if error.code() not in _errors.RETRYABLE or attempt > self._client._retries:
                    raise _errors.from_rpc_error(error) from None
                time.sleep(backoff(attempt))
        self._check(check)
        return self

    def download(self, path: Union[str, "os.PathLike[str]"]) -> str:
        """Downloads the result of a SUCCEEDED job to `path` and returns the path.

        Resumable: the bytes go to "<path>.<id>.part" first, and a download broken off (here
        or by an earlier process) goes on from there. The SHA-256 is checked before the file
        takes its name; a mismatch is DataLoss (and the partial file is removed).
        """
        path = os.fspath(path)
        partial = f"{path}.{self.id}.part"
        attempt = 0
        while True:
            offset = os.path.getsize(partial) if os.path.exists(partial) else 0
            try:
                total, sha256 = self._download_from(partial, offset)
                break
            except grpc.RpcError as error:
                attempt += 1
                if error.code() not in _errors.RETRYABLE or attempt > self._client._retries:
                    raise _errors.from_rpc_error(error) from None
                time.sleep(backoff(attempt))
        return finish_download(self.name, partial, path, total, sha256)

    def _download_from(self, partial: str, offset: int) -> Tuple[int, str]:
        """Appends the result from `offset` to `partial`; returns the total size and SHA-256."""
        total, sha256 = 0, ""
        request = pb.DownloadResultRequest(name=self.name, offset=offset)
        with open(partial, "ab") as out:
            out.truncate(offset)
            for message in self._client._stub.DownloadResult(request,
                                                             metadata=self._client._metadata):
                if message.sha256:
                    total, sha256 = message.total_size_bytes, message.sha256
                out.write(message.chunk)
        return total, sha256


class Client:
    """A connection to vmm-server's public API.

        client = Client("127.0.0.1:8001", token="...")
        job = client.submit("wrist.mp4", mode="temporal", alpha=20, low_hz=0.8, high_hz=2)
        job.wait(progress=print).download("wrist-x20.mp4")

    `tls_ca` is the CA certificate (a path or PEM bytes) of a server with TLS; without it the
    channel is plain. Idempotent reads and resumable transfers are retried with backoff on
    UNAVAILABLE, up to `retries` times; every other error raises its VmmError subclass.
    """

    def __init__(self, address: str, token: Optional[str] = None,
                 tls_ca: Optional[Union[str, bytes]] = None, *, retries: int = 5,
                 timeout: float = 60.0):
        if tls_ca is None:
            self._channel = grpc.insecure_channel(address, options=_CHANNEL_OPTIONS)
        else:
            if isinstance(tls_ca, str):
                with open(tls_ca, "rb") as f:
                    tls_ca = f.read()
            credentials = grpc.ssl_channel_credentials(root_certificates=tls_ca)
            self._channel = grpc.secure_channel(address, credentials, options=_CHANNEL_OPTIONS)
        self._stub = pb_grpc.MagnificationServiceStub(self._channel)
        self._metadata: List[Tuple[str, str]] = (
            [("authorization", "Bearer " + token)] if token else [])
        self._retries = retries
        self._timeout = timeout

    def close(self) -> None:
        """Closes the channel."""
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _unary(self, method, request, retry: bool):
        """Calls a unary method, retrying on UNAVAILABLE if `retry`; raises typed errors."""
        attempt = 0
        while True:
            try:
                return method(request, metadata=self._metadata, timeout=self._timeout)
            except grpc.RpcError as error:
                attempt += 1
                if not retry or error.code() not in _errors.RETRYABLE or attempt > self._retries:
                    raise _errors.from_rpc_error(error) from None
                time.sleep(backoff(attempt))

    def job(self, name: str) -> Job:
        """The job "jobs/{id}" (or just its id)."""
        name = name if name.startswith("jobs/") else "jobs/" + name
        return Job(self, self._unary(self._stub.GetJob, pb.GetJobRequest(name=name), retry=True))

    def jobs(self, state: Optional[Union[JobState, str]] = None,
             labels: Optional[Mapping[str, str]] = None, page_size: int = 100) -> Iterator[Job]:
        """Every job of this token's owner, newest first, page after page."""
        request = pb.ListJobsRequest(page_size=page_size, labels=dict(labels or {}))
        if state is not None:
            request.state = JobState[state.upper()] if isinstance(state, str) else state
        while True:
            page = self._unary(self._stub.ListJobs, request, retry=True)
            for message in page.jobs:
                yield Job(self, message)
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token

    def submit(self, source: Optional[Source] = None, mode: str = "static", *,
               alpha: Optional[float] = None, low_hz: Optional[float] = None,
               high_hz: Optional[float] = None, sample_rate_hz: Optional[float] = None,
               filter: Optional[str] = None, order: Optional[int] = None,
               taps: Optional[int] = None, reference_frame: Optional[int] = None,
               no_chroma_limit: bool = False, output_format: str = "mp4",
               display_name: str = "", labels: Optional[Mapping[str, str]] = None,
               filename: Optional[str] = None, server_path: Optional[str] = None) -> Job:
        """Uploads a video (a path or a binary file object) and returns its QUEUED job.

        The parameters are those of `vmm magnify` (mode "static", "dynamic" or "temporal";
        filter "fir", "butter" or "iir"); None takes the server's default. The upload is
        resumable: a broken stream is taken up again where the server's copy ends, and a
        retried upload never makes a second job. `server_path` names a file already on the
        server (under an allowed root) instead of uploading one.
        """
        params = magnify_params(mode, alpha=alpha, low_hz=low_hz, high_hz=high_hz,
                                sample_rate_hz=sample_rate_hz, filter=filter, order=order,
                                taps=taps, reference_frame=reference_frame,
                                no_chroma_limit=no_chroma_limit)
        if server_path is not None:
            spec = job_spec(params, output_format=output_format, display_name=display_name,
                            labels=labels, filename=filename)
            spec.server_path = server_path
            return self._submit_stream(spec, None, 0)
        if source is None:
            raise InvalidArgument("submit needs a source (a path or a binary file) or server_path")
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as f:
                return self._submit_file(f, params, output_format, display_name, labels,
                                         filename or os.fspath(source))
        return self._submit_file(source, params, output_format, display_name, labels,
                                 filename or getattr(source, "name", None))

    def _submit_file(self, file: BinaryIO, params: pb.MagnifyParams, output_format: str,
                     display_name: str, labels: Optional[Mapping[str, str]],
                     filename: Optional[str]) -> Job:
        """submit() for an open, seekable binary file and a ready MagnifyParams message."""
        if not file.seekable():
            raise InvalidArgument("the file to upload must be seekable (a file on disk)")
        start = file.tell()
        spec = job_spec(params, output_format=output_format, display_name=display_name,
                        labels=labels, filename=filename if isinstance(filename, str) else None)
        spec.input_size_bytes, spec.input_sha256 = file_digest(file)
        spec.upload_id = uuid.uuid4().hex
        attempt = 0
        offset = 0
        while True:
            try:
                file.seek(start + offset)
                return self._submit_stream(spec, file, offset)
            except grpc.RpcError as error:
                attempt += 1
                if error.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
                                        grpc.StatusCode.INTERNAL) or attempt > self._retries:
                    raise _errors.from_rpc_error(error) from None
                time.sleep(backoff(attempt))
                reported = self._unary(self._stub.GetUploadOffset,
                                       pb.GetUploadOffsetRequest(upload_id=spec.upload_id),
                                       retry=True)
                if reported.job:
                    return self.job(reported.job)  # the reply was lost; the job exists
                offset = reported.offset

    def _submit_stream(self, spec: pb.JobSpec, file: Optional[BinaryIO], offset: int) -> Job:
        """One SubmitJob call: the spec (with `offset`), then the file from there."""
        spec.upload_offset = offset

        def requests():
            yield pb.SubmitJobRequest(spec=spec)
            if file is not None:
                for chunk in iter(lambda: file.read(CHUNK_BYTES), b""):
                    yield pb.SubmitJobRequest(chunk=chunk)

        try:
            return Job(self, self._stub.SubmitJob(requests(), metadata=self._metadata))
        except grpc.RpcError as error:
            if file is None:
                raise _errors.from_rpc_error(error) from None
            raise

    def stream(self, frames: Iterable["numpy.ndarray"], mode: str = "static", *,  # noqa: F821
               alpha: Optional[float] = None, low_hz: Optional[float] = None,
               high_hz: Optional[float] = None, sample_rate_hz: Optional[float] = None,
               filter: Optional[str] = None, order: Optional[int] = None,
               no_chroma_limit: bool = False,
               max_frames_in_flight: int = 4) -> Iterator[LiveResult]:
        """Magnifies frames live: yields a LiveResult for each frame, in order.

        `frames` are H x W x 3 uint8 RGB arrays of one size (a camera, a list, a generator).
        At most `max_frames_in_flight` frames are sent and not yet answered: a slow server or
        a slow consumer of the results holds the frames back. Static mode magnifies against
        the first frame; temporal mode takes "butter" or "iir" (FIR needs future frames).
        Stopping the iteration ends the session.
        """
        import numpy

        frames = iter(frames)
        try:
            first = next(frames)
        except StopIteration:
            return
        shape = check_frame(numpy, first, None, 0)
        params = magnify_params(mode, alpha=alpha, low_hz=low_hz, high_hz=high_hz,
                                sample_rate_hz=sample_rate_hz, filter=filter, order=order,
                                no_chroma_limit=no_chroma_limit)
        config = pb.LiveConfig(width=shape[1], height=shape[0], pixel_format="rgb24",
                               params=params, max_frames_in_flight=max_frames_in_flight)
        room = threading.Semaphore(max(1, max_frames_in_flight))
        failure: List[BaseException] = []
        calls: List[grpc.Call] = []  # the call, for the request generator to cancel

        def requests():
            yield pb.LiveRequest(config=config)
            frame, sequence = first, 0
            while True:
                room.acquire()
                yield pb.LiveRequest(frame=pb.LiveFrame(sequence=sequence,
                                                        data=frame.tobytes()))
                try:
                    frame = next(frames)
                except StopIteration:
                    return
                sequence += 1
                try:
                    check_frame(numpy, frame, shape, sequence)
                except InvalidArgument as error:
                    failure.append(error)
                    calls[0].cancel()
                    return

        call = self._stub.Live(requests(), metadata=self._metadata)
        calls.append(call)
        try:
            for response in call:
                if response.HasField("frame"):
                    room.release()
                    result = response.frame
                    yield LiveResult(
                        result.sequence,
                        numpy.frombuffer(result.data, numpy.uint8).reshape(shape),
                        result.latency_seconds, result.engine_seconds)
        except grpc.RpcError as error:
            if failure:
                raise failure[0] from None
            raise _errors.from_rpc_error(error) from None
        finally:
            call.cancel()  # a consumer that stopped early ends the session
        if failure:
            raise failure[0]


def check_frame(numpy, frame, shape, sequence: int):
    """The frame's shape, after checking it is H x W x 3 uint8 (and `shape`, if given)."""
    if not isinstance(frame, numpy.ndarray) or frame.dtype != numpy.uint8 or frame.ndim != 3 \
            or frame.shape[2] != 3:
        raise InvalidArgument(f"frame {sequence} must be an H x W x 3 uint8 numpy array, got "
                              f"{getattr(frame, 'shape', type(frame).__name__)} "
                              f"{getattr(frame, 'dtype', '')}")
    if shape is not None and frame.shape != shape:
        raise InvalidArgument(
            f"frame {sequence} is {frame.shape[1]}x{frame.shape[0]}; the stream's first frame "
            f"was {shape[1]}x{shape[0]}")
    return frame.shape

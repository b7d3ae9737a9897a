"""The synchronous client: Client, Job and the live stream."""

from __future__ import annotations

import collections
import dataclasses
import datetime
import enum
import hashlib
import json
import operator
import os
import threading
import time
import uuid
from typing import (BinaryIO, Callable, Iterable, Iterator, List, Mapping, Optional, Tuple,
                    Union)

import grpc

from vmm_client import _errors
from vmm_client._errors import DataLoss, DeadlineExceeded, InvalidArgument, JobFailed
from vmm_client._params import MEASUREMENT_FORMAT, job_spec, magnify_params
from vmm_client._proto.vmm.v1 import magnification_pb2 as pb
from vmm_client._proto.vmm.v1 import magnification_pb2_grpc as pb_grpc

# Bytes per upload message; the server refuses chunks above 1 MiB.
CHUNK_BYTES = 1 << 20
# Keepalive and reconnection as the service's own clients set them
# (common/rpc/channel_settings.cc): a ping every 30 s even on an idle watch, and a lost
# connection tried again after 0.2 s to 2 s (gRPC's default waits up to 120 s).
_CHANNEL_OPTIONS = [
    ("grpc.keepalive_time_ms", 30000),
    ("grpc.keepalive_timeout_ms", 10000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.max_pings_without_data", 0),
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
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


def parse_state(state: Union[JobState, str]) -> JobState:
    """A JobState from itself or its name, any case; InvalidArgument for another name."""
    if isinstance(state, JobState):
        return state
    try:
        return JobState[str(state).upper()]
    except KeyError:
        raise InvalidArgument(f"state must be one of {', '.join(s.name.lower() for s in JobState)}"
                              f", got {state!r}") from None


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


def resumable(error: grpc.RpcError, resuming: bool) -> bool:
    """Whether an upload that failed with `error` may be taken up again from the server's
    offset: the connection broke, or (while resuming) the server's copy was still being written
    by the broken stream (ABORTED) or grew after the offset was read (FAILED_PRECONDITION
    naming the offset to resume from)."""
    code = error.code()
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
                grpc.StatusCode.INTERNAL, grpc.StatusCode.ABORTED):
        return True
    return (resuming and code == grpc.StatusCode.FAILED_PRECONDITION
            and "resume from offset" in (error.details() or ""))


def input_name(source, filename: Optional[str]) -> Optional[str]:
    """The input's file name for the job: `filename`, else the path's or the file object's."""
    if filename:
        return filename
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else None


def analysis_spec(regions: Optional[Mapping[str, Tuple[int, int, int, int]]],
                  sample_rate_hz: Optional[float], mm_per_pixel: float,
                  max_peaks: Optional[int], max_frames: int) -> pb.AnalysisSpec:
    """The AnalysisSpec of a measurement job (the server checks every value)."""
    spec = pb.AnalysisSpec(mm_per_pixel=mm_per_pixel, max_frames=max_frames)
    for name, box in (regions or {}).items():
        try:
            x, y, width, height = (operator.index(v) for v in box)
            spec.regions.add(name=name, x=x, y=y, width=width, height=height)
        except (TypeError, ValueError):
            raise InvalidArgument(f"region {name!r} must be (x, y, width, height) in whole "
                                  f"pixels, got {box!r}") from None
    if sample_rate_hz is not None:
        spec.sample_rate_hz = sample_rate_hz
    if max_peaks is not None:
        spec.max_peaks = max_peaks
    return spec


def parse_report(name: str, data: bytes, sha256: str) -> dict:
    """A measurement job's JSON report from its downloaded bytes, checked against `sha256`."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise DataLoss(f"the report of {name} does not match the server's SHA-256 ({sha256})")
    return json.loads(data)


def progress_of(event: pb.JobEvent) -> Progress:
    """The Progress a JobEvent tells."""
    return Progress(JobState(event.state), event.frames_done, event.frames_total,
                    event.frames_per_second, event.eta_seconds, event.message)


def live_config(numpy, first, max_frames_in_flight: int, mode: str, **params) -> Tuple:
    """The frame shape (checked on the first frame) and the Live config request."""
    shape = check_frame(numpy, first, None, 0)
    config = pb.LiveConfig(width=shape[1], height=shape[0], pixel_format="rgb24",
                           params=magnify_params(mode, **params),
                           max_frames_in_flight=max_frames_in_flight)
    return shape, pb.LiveRequest(config=config)


def live_result(numpy, result: pb.LiveResult, shape) -> LiveResult:
    """A LiveResult (with a writable array) from the server's reply for one frame."""
    return LiveResult(result.sequence,
                      numpy.frombuffer(result.data, numpy.uint8).reshape(shape).copy(),
                      result.latency_seconds, result.engine_seconds)


def retry_live(error: grpc.RpcError, started: bool, attempt: int, retries: int) -> bool:
    """Whether a Live session that failed may be started again: only before LiveReady (no
    frame was answered, so a new session resends them all), only on UNAVAILABLE."""
    return not started and error.code() in _errors.RETRYABLE and attempt <= retries


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

    def _check_measurement(self) -> None:
        """FailedPrecondition unless this is a measurement job (its result is a video)."""
        if not self._message.HasField("analysis"):
            raise _errors.FailedPrecondition(
                f"job {self.name} magnifies; only a measurement job (Client.analyze) has a "
                "report")

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
                        progress(progress_of(event))
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

    def report(self, timeout: Optional[float] = None) -> dict:
        """A measurement job's JSON report (what `vmm analyze --json` prints), as a dict: waits
        for the job (JobFailed if it fails), then reads the report from the server.
        FailedPrecondition for a magnification job."""
        self._check_measurement()
        self.wait(timeout=timeout)
        attempt = 0
        while True:
            data, sha256 = bytearray(), ""
            try:
                for message in self._client._stub.DownloadResult(
                        pb.DownloadResultRequest(name=self.name),
                        metadata=self._client._metadata):
                    sha256 = message.sha256 or sha256
                    data += message.chunk
                return parse_report(self.name, bytes(data), sha256)
            except grpc.RpcError as error:
                attempt += 1
                if error.code() not in _errors.RETRYABLE or attempt > self._client._retries:
                    raise _errors.from_rpc_error(error) from None
                time.sleep(backoff(attempt))

    def download(self, path: Union[str, "os.PathLike[str]"], *, input: bool = False) -> str:
        """Downloads the result of a SUCCEEDED job to `path` and returns the path; with
        `input=True`, the job's input as uploaded instead (in any state; FailedPrecondition for
        a server_path input, of which the server keeps no copy).

        Resumable: the bytes go to "<path>.<id>.part" ("<path>.<id>.input.part" for the input)
        first, and a download broken off (here or by an earlier process) goes on from there. The
        SHA-256 is checked before the file takes its name; a mismatch is DataLoss (and the
        partial file is removed).
        """
        path = os.fspath(path)
        partial = f"{path}.{self.id}{'.input' if input else ''}.part"
        attempt = 0
        while True:
            offset = os.path.getsize(partial) if os.path.exists(partial) else 0
            try:
                total, sha256 = download_into(
                    partial, offset,
                    self._client._stub.DownloadResult(
                        pb.DownloadResultRequest(name=self.name, offset=offset, input=input),
                        metadata=self._client._metadata))
                break
            except grpc.RpcError as error:
                if error.code() == grpc.StatusCode.OUT_OF_RANGE and offset > 0:
                    os.remove(partial)  # longer than the file: not a part of it
                    continue
                attempt += 1
                if error.code() not in _errors.RETRYABLE or attempt > self._client._retries:
                    raise _errors.from_rpc_error(error) from None
                time.sleep(backoff(attempt))
        return finish_download(self.name, partial, path, total, sha256)


def download_into(partial: str, offset: int, messages: Iterable) -> Tuple[int, str]:
    """Writes DownloadResult `messages` (asked from `offset`) into `partial`; returns the total
    size and SHA-256 the server announced. The file is opened only once the first message has
    come (a refused download leaves nothing); a chunk at another offset is DataLoss."""
    total, sha256 = 0, ""
    out = None
    try:
        for message in messages:
            if out is None:
                out = open(partial, "ab")
                out.truncate(offset)
            if message.sha256:
                total, sha256 = message.total_size_bytes, message.sha256
            if message.offset != out.tell():
                raise DataLoss(f"the server sent bytes at offset {message.offset}, "
                               f"expected {out.tell()}")
            out.write(message.chunk)
    finally:
        if out is not None:
            out.close()
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
            request.state = parse_state(state)
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
               no_chroma_limit: bool = False, method: str = "learned", color: bool = False,
               output_format: str = "mp4",
               display_name: str = "", labels: Optional[Mapping[str, str]] = None,
               filename: Optional[str] = None, server_path: Optional[str] = None) -> Job:
        """Uploads a video (a path or a binary file object) and returns its QUEUED job.

        The parameters are those of `vmm magnify` (method "learned", "phase", "riesz" or
        "linear", `color` for the linear method's colour amplification; mode "static",
        "dynamic" or "temporal"; filter "fir", "butter", "iir" or "accel"); None takes the
        server's default. The upload is
        resumable: a broken stream is taken up again where the server's copy ends, and a
        retried upload never makes a second job. `server_path` names a file already on the
        server (under an allowed root) instead of uploading one.
        """
        params = magnify_params(mode, alpha=alpha, low_hz=low_hz, high_hz=high_hz,
                                sample_rate_hz=sample_rate_hz, filter=filter, order=order,
                                taps=taps, reference_frame=reference_frame,
                                no_chroma_limit=no_chroma_limit, method=method, color=color)
        spec = job_spec(params, output_format=output_format, display_name=display_name,
                        labels=labels, filename=input_name(source, filename))
        return self._submit_spec(spec, source, server_path)

    def analyze(self, source: Optional[Source] = None, *,
                regions: Optional[Mapping[str, Tuple[int, int, int, int]]] = None,
                sample_rate_hz: Optional[float] = None, mm_per_pixel: float = 0.0,
                max_peaks: Optional[int] = None, max_frames: int = 0, display_name: str = "",
                labels: Optional[Mapping[str, str]] = None, filename: Optional[str] = None,
                server_path: Optional[str] = None) -> Job:
        """Uploads a video for a measurement job (what `vmm analyze` does) and returns the job;
        `job.report()` waits for it and returns the JSON report as a dict.

        `regions` maps names to (x, y, width, height) in pixels; the whole frame is always
        measured. `sample_rate_hz` is the capture rate (default: the video's frame rate);
        `mm_per_pixel` adds millimetres to the report. Uploads as submit() does.
        """
        spec = job_spec(pb.MagnifyParams(), output_format="mp4", display_name=display_name,
                        labels=labels, filename=input_name(source, filename))
        spec.output_format = MEASUREMENT_FORMAT
        spec.analysis.CopyFrom(analysis_spec(regions, sample_rate_hz, mm_per_pixel, max_peaks,
                                             max_frames))
        spec.analysis.SetInParent()  # present even with every option left out
        return self._submit_spec(spec, source, server_path)

    def _submit_spec(self, spec: pb.JobSpec, source: Optional[Source],
                     server_path: Optional[str]) -> Job:
        """Submits `spec` with the input from `source` or `server_path`."""
        if server_path is not None:
            spec.server_path = server_path
            return self._submit_stream(spec, None, 0)
        if source is None:
            raise InvalidArgument("submit needs a source (a path or a binary file) or server_path")
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as f:
                return self._submit_file(f, spec)
        return self._submit_file(source, spec)

    def _submit_file(self, file: BinaryIO, spec: pb.JobSpec) -> Job:
        """Uploads an open, seekable binary file for `spec` (its input fields filled here)."""
        if not file.seekable():
            raise InvalidArgument("the file to upload must be seekable (a file on disk)")
        start = file.tell()
        spec.input_size_bytes, spec.input_sha256 = file_digest(file)
        spec.upload_id = uuid.uuid4().hex
        attempt = 0
        offset = 0
        while True:
            file.seek(start + offset)
            try:
                return self._submit_stream(spec, file, offset)
            except grpc.RpcError as error:
                attempt += 1
                if not resumable(error, resuming=attempt > 1) or attempt > self._retries:
                    raise _errors.from_rpc_error(error) from None
                time.sleep(backoff(attempt))
                try:
                    reported = self._unary(self._stub.GetUploadOffset,
                                           pb.GetUploadOffsetRequest(upload_id=spec.upload_id),
                                           retry=True)
                except _errors.NotFound:
                    offset = 0  # the server kept nothing of it (the stream broke before)
                    continue
                if reported.job:
                    return self.job(reported.job)  # the reply was lost; the job exists
                offset = reported.offset

    def _submit_stream(self, spec: pb.JobSpec, file: Optional[BinaryIO], offset: int) -> Job:
        """One SubmitJob call: the spec (with `offset`), then the file from there. An error
        reading the file is raised as it is, not as the call's failure."""
        spec.upload_offset = offset
        failure: List[BaseException] = []

        def requests():
            yield pb.SubmitJobRequest(spec=spec)
            if file is None:
                return
            while True:
                try:
                    chunk = file.read(CHUNK_BYTES)
                except Exception as error:  # noqa: BLE001 - re-raised below, unchanged
                    failure.append(error)
                    raise
                if not chunk:
                    return
                yield pb.SubmitJobRequest(chunk=chunk)

        try:
            return Job(self, self._stub.SubmitJob(requests(), metadata=self._metadata))
        except grpc.RpcError as error:
            if failure:
                raise failure[0] from None
            if file is None:
                raise _errors.from_rpc_error(error) from None
            raise

    def stream(self, frames: Iterable["numpy.ndarray"], mode: str = "static", *,  # noqa: F821
               alpha: Optional[float] = None, low_hz: Optional[float] = None,
               high_hz: Optional[float] = None, sample_rate_hz: Optional[float] = None,
               filter: Optional[str] = None, order: Optional[int] = None,
               no_chroma_limit: bool = False, method: str = "learned", color: bool = False,
               max_frames_in_flight: int = 4) -> Iterator[LiveResult]:
        """Magnifies frames live: yields a LiveResult for each frame, in order.

        `frames` are H x W x 3 uint8 RGB arrays of one size (a camera, a list, a generator).
        At most `max_frames_in_flight` frames are sent and not yet answered: a slow server or
        a slow consumer of the results holds the frames back. Static mode magnifies against
        the first frame; temporal mode takes "butter" or "iir" (FIR and accel need future
        frames). "riesz" is the method fast enough for a camera on a CPU.
        Stopping the iteration ends the session, and the sender stops taking frames. A session
        refused as UNAVAILABLE before it started (no free live slot yet) is tried again with the
        frames already taken.
        The server's own limit on frames in flight, if lower, holds the frames back too. An
        exception from `frames` ends the session and is raised as it is.
        """
        import numpy

        frames = iter(frames)
        try:
            first = next(frames)
        except StopIteration:
            return
        shape, config = live_config(numpy, first, max_frames_in_flight, mode, alpha=alpha,
                                    low_hz=low_hz, high_hz=high_hz,
                                    sample_rate_hz=sample_rate_hz, filter=filter, order=order,
                                    no_chroma_limit=no_chroma_limit, method=method, color=color)
        feed = _LiveFeed(numpy, first, frames, shape, max_frames_in_flight)
        attempt = 0
        while True:
            stop = threading.Event()  # this attempt ended: its sender stops
            call = self._stub.Live(feed.requests(config, stop), metadata=self._metadata)
            feed.call = call
            started = False
            try:
                for response in call:
                    if response.HasField("ready"):
                        started = True
                    elif response.HasField("frame"):
                        feed.answered()
                        yield live_result(numpy, response.frame, shape)
                break
            except grpc.RpcError as error:
                if feed.failure:
                    raise feed.failure[0] from None
                attempt += 1
                if not retry_live(error, started, attempt, self._retries):
                    raise _errors.from_rpc_error(error) from None
                time.sleep(backoff(attempt))
            finally:
                # A consumer that stopped early, or a session that ended, stops the sender.
                stop.set()
                call.cancel()
        if feed.failure:
            raise feed.failure[0]


class _LiveFeed:
    """The frames of one Client.stream over its attempts: the caller's iterator, and the frames
    sent and not yet answered (which a new attempt sends again). At most `room` frames are
    unanswered. Thread-safe: gRPC's thread sends while the caller's thread receives."""

    def __init__(self, numpy, first, frames: Iterator, shape, max_frames_in_flight: int):
        self._numpy = numpy
        self._frames = frames
        self._shape = shape
        self._lock = threading.Lock()
        self._pending: "collections.deque" = collections.deque()  # (sequence, frame)
        self._carry = first  # taken from the iterator, not sent yet
        self._next_sequence = 0
        self._room = threading.Semaphore(max(1, max_frames_in_flight))
        self.failure: List[BaseException] = []  # the caller's iterator raised this
        self.call = None

    def answered(self) -> None:
        """The oldest unanswered frame came back."""
        with self._lock:
            self._pending.popleft()
        self._room.release()

    def requests(self, config: pb.LiveRequest, stop: threading.Event):
        """One attempt's request stream: the config, the unanswered frames, then new ones."""
        yield config
        with self._lock:
            resend = list(self._pending)
        for sequence, frame in resend:
            yield pb.LiveRequest(frame=pb.LiveFrame(sequence=sequence, data=frame.tobytes()))
        while True:
            while not self._room.acquire(timeout=0.1):
                if stop.is_set():
                    return
            frame = self._take(stop)
            if frame is None:
                self._room.release()
                return
            yield frame

    def _take(self, stop: threading.Event) -> Optional[pb.LiveRequest]:
        """The next frame as a request, or None at the end (or when this attempt stopped)."""
        with self._lock:
            frame, self._carry = self._carry, None
        if frame is None and not stop.is_set():
            try:
                frame = next(self._frames)
                check_frame(self._numpy, frame, self._shape, self._next_sequence)
            except StopIteration:
                return None
            except Exception as error:  # noqa: BLE001 - the caller's, raised unchanged
                self.failure.append(error)
                if self.call is not None:
                    self.call.cancel()
                return None
        with self._lock:
            if stop.is_set():
                self._carry = frame  # for the next attempt
                return None
            sequence = self._next_sequence
            self._next_sequence += 1
            self._pending.append((sequence, frame))
        return pb.LiveRequest(frame=pb.LiveFrame(sequence=sequence, data=frame.tobytes()))


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

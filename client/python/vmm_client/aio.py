"""The asyncio client: the calls of vmm_client.Client, awaitable. File reads, checksums and
the caller's plain (not async) frame iterables run in threads (asyncio.to_thread), never on the
event loop.

    from vmm_client.aio import AsyncClient
    async with AsyncClient("127.0.0.1:8001", token="...") as client:
        job = await client.submit("wrist.mp4", mode="temporal", alpha=20, low_hz=0.8, high_hz=2)
        await job.wait(progress=print)
        await job.download("wrist-x20.mp4")
"""

from __future__ import annotations

import asyncio
import collections
import os
import time
import uuid
from typing import (AsyncIterable, AsyncIterator, Callable, Iterable, List, Mapping, Optional,
                    Tuple, Union)

import grpc
import grpc.aio

from vmm_client import _errors
from vmm_client._client import (_CHANNEL_OPTIONS, CHUNK_BYTES, JobFields, JobState, LiveResult,
                                Progress, Source, analysis_spec, backoff, check_frame,
                                file_digest, finish_download, input_name, live_config,
                                live_result, parse_report, parse_state, progress_of, resumable,
                                retry_live)
from vmm_client._errors import DataLoss, DeadlineExceeded, InvalidArgument, NotFound
from vmm_client._params import MEASUREMENT_FORMAT, job_spec, magnify_params
from vmm_client._proto.vmm.v1 import magnification_pb2 as pb
from vmm_client._proto.vmm.v1 import magnification_pb2_grpc as pb_grpc

__all__ = ["AsyncClient", "AsyncJob"]


class AsyncJob(JobFields):
    """A job on the server, as last seen; the awaitable twin of vmm_client.Job."""

    def __init__(self, client: "AsyncClient", message: pb.Job):
        super().__init__(message)
        self._client = client

    async def refresh(self) -> "AsyncJob":
        """Reads the job again from the server; returns self."""
        self._message = await self._client._unary(
            self._client._stub.GetJob, pb.GetJobRequest(name=self.name), retry=True)
        return self

    async def cancel(self) -> "AsyncJob":
        """Cancels a queued or running job (FailedPrecondition for a finished one)."""
        self._message = await self._client._unary(
            self._client._stub.CancelJob, pb.CancelJobRequest(name=self.name), retry=True)
        return self

    async def delete(self) -> None:
        """Deletes a finished job and its files (FailedPrecondition while it runs)."""
        await self._client._unary(self._client._stub.DeleteJob,
                                  pb.DeleteJobRequest(name=self.name), retry=False)

    async def wait(self, progress: Optional[Callable[[Progress], None]] = None,
                   timeout: Optional[float] = None, check: bool = True) -> "AsyncJob":
        """Follows the job until it ends; as vmm_client.Job.wait."""
        deadline = None if timeout is None else time.monotonic() + timeout
        attempt = 0
        while not self.state.final:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                async for event in self._client._stub.WatchJob(
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
                await asyncio.sleep(backoff(attempt))
        self._check(check)
        return self

    async def report(self, timeout: Optional[float] = None) -> dict:
        """A measurement job's JSON report as a dict; as vmm_client.Job.report."""
        self._check_measurement()
        await self.wait(timeout=timeout)
        attempt = 0
        while True:
            data, sha256 = bytearray(), ""
            try:
                async for message in self._client._stub.DownloadResult(
                        pb.DownloadResultRequest(name=self.name),
                        metadata=self._client._metadata):
                    sha256 = message.sha256 or sha256
                    data += message.chunk
                return parse_report(self.name, bytes(data), sha256)
            except grpc.RpcError as error:
                attempt += 1
                if error.code() not in _errors.RETRYABLE or attempt > self._client._retries:
                    raise _errors.from_rpc_error(error) from None
                await asyncio.sleep(backoff(attempt))

    async def download(self, path: Union[str, "os.PathLike[str]"], *, input: bool = False) -> str:
        """Downloads the result (or with `input=True` the input); resumable and checked, as
        vmm_client.Job.download."""
        path = os.fspath(path)
        partial = f"{path}.{self.id}{'.input' if input else ''}.part"
        attempt = 0
        while True:
            offset = os.path.getsize(partial) if os.path.exists(partial) else 0
            total, sha256 = 0, ""
            out = None
            try:
                async for message in self._client._stub.DownloadResult(
                        pb.DownloadResultRequest(name=self.name, offset=offset, input=input),
                        metadata=self._client._metadata):
                    if out is None:  # opened once the server has answered
                        out = open(partial, "ab")
                        out.truncate(offset)
                    if message.sha256:
                        total, sha256 = message.total_size_bytes, message.sha256
                    if message.offset != out.tell():
                        raise DataLoss(f"the server sent bytes at offset {message.offset}, "
                                       f"expected {out.tell()}")
                    await asyncio.to_thread(out.write, message.chunk)
                break
            except grpc.RpcError as error:
                if error.code() == grpc.StatusCode.OUT_OF_RANGE and offset > 0:
                    os.remove(partial)  # longer than the file: not a part of it
                    continue
                attempt += 1
                if error.code() not in _errors.RETRYABLE or attempt > self._client._retries:
                    raise _errors.from_rpc_error(error) from None
                await asyncio.sleep(backoff(attempt))
            finally:
                if out is not None:
                    out.close()
        return await asyncio.to_thread(finish_download, self.name, partial, path, total, sha256)


class AsyncClient:
    """A connection to vmm-server's public API for asyncio; as vmm_client.Client."""

    def __init__(self, address: str, token: Optional[str] = None,
                 tls_ca: Optional[Union[str, bytes]] = None, *, retries: int = 5,
                 timeout: float = 60.0):
        if tls_ca is None:
            self._channel = grpc.aio.insecure_channel(address, options=_CHANNEL_OPTIONS)
        else:
            if isinstance(tls_ca, str):
                with open(tls_ca, "rb") as f:
                    tls_ca = f.read()
            credentials = grpc.ssl_channel_credentials(root_certificates=tls_ca)
            self._channel = grpc.aio.secure_channel(address, credentials,
                                                    options=_CHANNEL_OPTIONS)
        self._stub = pb_grpc.MagnificationServiceStub(self._channel)
        self._metadata: List[Tuple[str, str]] = (
            [("authorization", "Bearer " + token)] if token else [])
        self._retries = retries
        self._timeout = timeout

    async def close(self) -> None:
        """Closes the channel."""
        await self._channel.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def _unary(self, method, request, retry: bool):
        attempt = 0
        while True:
            try:
                return await method(request, metadata=self._metadata, timeout=self._timeout)
            except grpc.RpcError as error:
                attempt += 1
                if not retry or error.code() not in _errors.RETRYABLE or attempt > self._retries:
                    raise _errors.from_rpc_error(error) from None
                await asyncio.sleep(backoff(attempt))

    async def job(self, name: str) -> AsyncJob:
        """The job "jobs/{id}" (or just its id)."""
        name = name if name.startswith("jobs/") else "jobs/" + name
        return AsyncJob(self, await self._unary(self._stub.GetJob, pb.GetJobRequest(name=name),
                                                retry=True))

    async def jobs(self, state: Optional[Union[JobState, str]] = None,
                   labels: Optional[Mapping[str, str]] = None,
                   page_size: int = 100) -> AsyncIterator[AsyncJob]:
        """Every job of this token's owner, newest first, page after page."""
        request = pb.ListJobsRequest(page_size=page_size, labels=dict(labels or {}))
        if state is not None:
            request.state = parse_state(state)
        while True:
            page = await self._unary(self._stub.ListJobs, request, retry=True)
            for message in page.jobs:
                yield AsyncJob(self, message)
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token

    async def submit(self, source: Optional[Source] = None, mode: str = "static", *,
                     alpha: Optional[float] = None, low_hz: Optional[float] = None,
                     high_hz: Optional[float] = None, sample_rate_hz: Optional[float] = None,
                     filter: Optional[str] = None, order: Optional[int] = None,
                     taps: Optional[int] = None, reference_frame: Optional[int] = None,
                     no_chroma_limit: bool = False, method: str = "learned",
                     color: bool = False, output_format: str = "mp4",
                     display_name: str = "", labels: Optional[Mapping[str, str]] = None,
                     filename: Optional[str] = None,
                     server_path: Optional[str] = None) -> AsyncJob:
        """Uploads a video and returns its job; as vmm_client.Client.submit (resumable)."""
        params = magnify_params(mode, alpha=alpha, low_hz=low_hz, high_hz=high_hz,
                                sample_rate_hz=sample_rate_hz, filter=filter, order=order,
                                taps=taps, reference_frame=reference_frame,
                                no_chroma_limit=no_chroma_limit, method=method, color=color)
        spec = job_spec(params, output_format=output_format, display_name=display_name,
                        labels=labels, filename=input_name(source, filename))
        return await self._submit_spec(spec, source, server_path)

    async def analyze(self, source: Optional[Source] = None, *,
                      regions: Optional[Mapping[str, Tuple[int, int, int, int]]] = None,
                      sample_rate_hz: Optional[float] = None, mm_per_pixel: float = 0.0,
                      max_peaks: Optional[int] = None, max_frames: int = 0,
                      display_name: str = "", labels: Optional[Mapping[str, str]] = None,
                      filename: Optional[str] = None,
                      server_path: Optional[str] = None) -> AsyncJob:
        """A measurement job; as vmm_client.Client.analyze (`await job.report()` for the dict)."""
        spec = job_spec(pb.MagnifyParams(), output_format="mp4", display_name=display_name,
                        labels=labels, filename=input_name(source, filename))
        spec.output_format = MEASUREMENT_FORMAT
        spec.analysis.CopyFrom(analysis_spec(regions, sample_rate_hz, mm_per_pixel, max_peaks,
                                             max_frames))
        spec.analysis.SetInParent()  # present even with every option left out
        return await self._submit_spec(spec, source, server_path)

    async def _submit_spec(self, spec: pb.JobSpec, source: Optional[Source],
                           server_path: Optional[str]) -> AsyncJob:
        """Submits `spec` with the input from `source` or `server_path`."""
        if source is None and server_path is None:
            raise InvalidArgument("submit needs a source (a path or a binary file) or server_path")
        if server_path is not None:
            spec.server_path = server_path
            try:
                return AsyncJob(self, await self._stub.SubmitJob(
                    iter([pb.SubmitJobRequest(spec=spec)]), metadata=self._metadata))
            except grpc.RpcError as error:
                raise _errors.from_rpc_error(error) from None
        opened = open(source, "rb") if isinstance(source, (str, os.PathLike)) else None
        file = opened or source
        try:
            if not file.seekable():
                raise InvalidArgument("the file to upload must be seekable (a file on disk)")
            start = file.tell()
            spec.input_size_bytes, spec.input_sha256 = await asyncio.to_thread(file_digest, file)
            spec.upload_id = uuid.uuid4().hex
            attempt = 0
            while True:
                file.seek(start + spec.upload_offset)
                failure: List[BaseException] = []

                async def requests():
                    yield pb.SubmitJobRequest(spec=spec)
                    while True:
                        try:
                            chunk = await asyncio.to_thread(file.read, CHUNK_BYTES)
                        except Exception as error:  # noqa: BLE001 - re-raised below
                            failure.append(error)
                            raise
                        if not chunk:
                            return
                        yield pb.SubmitJobRequest(chunk=chunk)

                try:
                    return AsyncJob(self, await self._stub.SubmitJob(requests(),
                                                                     metadata=self._metadata))
                except (grpc.RpcError, asyncio.CancelledError) as error:
                    if failure:
                        raise failure[0] from None
                    if not isinstance(error, grpc.RpcError):
                        raise
                    attempt += 1
                    if not resumable(error, resuming=attempt > 1) or attempt > self._retries:
                        raise _errors.from_rpc_error(error) from None
                    await asyncio.sleep(backoff(attempt))
                    try:
                        reported = await self._unary(
                            self._stub.GetUploadOffset,
                            pb.GetUploadOffsetRequest(upload_id=spec.upload_id), retry=True)
                    except NotFound:
                        spec.upload_offset = 0  # the server kept nothing of it
                        continue
                    if reported.job:
                        return await self.job(reported.job)
                    spec.upload_offset = reported.offset
        finally:
            if opened is not None:
                opened.close()

    async def stream(self, frames: Union[Iterable, AsyncIterable], mode: str = "static", *,
                     alpha: Optional[float] = None, low_hz: Optional[float] = None,
                     high_hz: Optional[float] = None, sample_rate_hz: Optional[float] = None,
                     filter: Optional[str] = None, order: Optional[int] = None,
                     no_chroma_limit: bool = False, method: str = "learned",
                     color: bool = False,
                     max_frames_in_flight: int = 4) -> AsyncIterator[LiveResult]:
        """Magnifies frames live, in order, with backpressure; as vmm_client.Client.stream.

        `frames` may be an iterable or an async iterable of H x W x 3 uint8 arrays.
        """
        import numpy

        if hasattr(frames, "__aiter__"):
            source = frames.__aiter__()

            async def next_frame():
                try:
                    return await source.__anext__()
                except StopAsyncIteration:
                    return None
        else:
            source_iter = iter(frames)

            async def next_frame():  # a camera's read may block: not on the event loop
                return await asyncio.to_thread(next, source_iter, None)

        first = await next_frame()
        if first is None:
            return
        shape, config = live_config(numpy, first, max_frames_in_flight, mode, alpha=alpha,
                                    low_hz=low_hz, high_hz=high_hz,
                                    sample_rate_hz=sample_rate_hz, filter=filter, order=order,
                                    no_chroma_limit=no_chroma_limit, method=method, color=color)
        feed = _AsyncLiveFeed(numpy, first, next_frame, shape, max_frames_in_flight)
        attempt = 0
        while True:
            stop = asyncio.Event()  # this attempt ended: its sender stops
            call = self._stub.Live(feed.requests(config, stop), metadata=self._metadata)
            feed.call = call
            started = False
            try:
                async for response in call:
                    if response.HasField("ready"):
                        started = True
                    elif response.HasField("frame"):
                        feed.answered()
                        yield live_result(numpy, response.frame, shape)
                break
            except (grpc.RpcError, asyncio.CancelledError) as error:
                if feed.failure:
                    raise feed.failure[0] from None
                if not isinstance(error, grpc.RpcError):
                    raise
                attempt += 1
                if not retry_live(error, started, attempt, self._retries):
                    raise _errors.from_rpc_error(error) from None
                await asyncio.sleep(backoff(attempt))
            finally:
                # Wake a sender waiting for room to see the end. (Close this generator with
                # contextlib.aclosing to end the session at once when leaving early.)
                stop.set()
                feed.wake()
                call.cancel()
        if feed.failure:
            raise feed.failure[0]


class _AsyncLiveFeed:
    """The frames of one AsyncClient.stream over its attempts; as vmm_client's _LiveFeed."""

    def __init__(self, numpy, first, next_frame, shape, max_frames_in_flight: int):
        self._numpy = numpy
        self._next_frame = next_frame
        self._shape = shape
        self._pending: "collections.deque" = collections.deque()  # (sequence, frame)
        self._carry = first
        self._next_sequence = 0
        self._room = asyncio.Semaphore(max(1, max_frames_in_flight))
        self.failure: List[BaseException] = []
        self.call = None

    def answered(self) -> None:
        """The oldest unanswered frame came back."""
        self._pending.popleft()
        self._room.release()

    def wake(self) -> None:
        """Lets a sender waiting for room go on (to see that its attempt stopped)."""
        if self._room.locked():
            self._room.release()

    async def requests(self, config: pb.LiveRequest, stop: asyncio.Event):
        """One attempt's request stream: the config, the unanswered frames, then new ones."""
        yield config
        for sequence, frame in list(self._pending):
            yield pb.LiveRequest(frame=pb.LiveFrame(sequence=sequence, data=frame.tobytes()))
        while True:
            await self._room.acquire()
            if stop.is_set():
                return
            frame = self._carry
            self._carry = None
            if frame is None:
                try:
                    frame = await self._next_frame()
                    if frame is None:
                        return
                    check_frame(self._numpy, frame, self._shape, self._next_sequence)
                except Exception as error:  # noqa: BLE001 - the caller's, raised unchanged
                    self.failure.append(error)
                    if self.call is not None:
                        self.call.cancel()
                    return
            if stop.is_set():
                self._carry = frame  # for the next attempt
                return
            sequence = self._next_sequence
            self._next_sequence += 1
            self._pending.append((sequence, frame))
            yield pb.LiveRequest(frame=pb.LiveFrame(sequence=sequence, data=frame.tobytes()))

"""vmm_client against real vmm-server processes: every call, every error the server can give,
a live stream, an upload cut off mid-stream and resumed, and the asyncio twin."""

import asyncio
import contextlib
import hashlib
import os
import subprocess

import numpy
import pytest

import vmm_client
from vmm_client import Client, JobState
from vmm_client.aio import AsyncClient

from conftest import ALICE, BOB, WORKER, BreakingProxy, make_clip


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_submit_wait_download_with_progress(server, clip, tmp_path):
    with Client(server.address, token=ALICE) as client:
        job = client.submit(clip, mode="static", alpha=5, display_name="pattern",
                            labels={"suite": "pytest"})
        assert job.name.startswith("jobs/")
        assert job.state in (JobState.QUEUED, JobState.RUNNING)
        assert job.input_sha256 == sha256_of(clip)
        events = []
        job.wait(progress=events.append, timeout=120)
        assert job.state == JobState.SUCCEEDED
        assert events, "no progress event"
        assert events[-1].state == JobState.SUCCEEDED
        assert events[-1].frames_done == 12
        assert all(e.frames_total in (0, 12) for e in events)
        out = job.download(tmp_path / "out.mp4")
        assert sha256_of(out) == job.result_sha256
        with open(out, "rb") as f:
            assert f.read(12)[4:8] == b"ftyp"  # an MP4
        assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]
        # By id or name, and read again.
        assert client.job(job.id).name == job.name
        assert client.job(job.name).refresh().state == JobState.SUCCEEDED
        assert job.owner == "alice" and job.display_name == "pattern"
        job.delete()
        with pytest.raises(vmm_client.NotFound, match=job.name):
            client.job(job.name)


def test_a_download_resumes_from_its_partial_file(server, clip, tmp_path):
    with Client(server.address, token=ALICE) as client:
        job = client.submit(clip, alpha=2).wait(timeout=120)
        whole = job.download(tmp_path / "whole.mp4")
        with open(whole, "rb") as f:
            data = f.read()
        target = tmp_path / "resumed.mp4"
        with open(f"{target}.{job.id}.part", "wb") as f:
            f.write(data[: len(data) // 2])  # an earlier download broken off halfway
        job.download(target)
        assert sha256_of(target) == job.result_sha256
        # A partial file that is not a prefix of the result is found out and removed.
        bad = tmp_path / "bad.mp4"
        with open(f"{bad}.{job.id}.part", "wb") as f:
            f.write(b"\0" * 10)
        with pytest.raises(vmm_client.DataLoss, match="does not match the server's SHA-256"):
            job.download(bad)
        assert not os.path.exists(f"{bad}.{job.id}.part") and not os.path.exists(bad)
        # A partial file longer than the result cannot be part of it: downloaded afresh.
        with open(f"{bad}.{job.id}.part", "wb") as f:
            f.write(b"\0" * (len(data) + 10))
        job.download(bad)
        assert sha256_of(bad) == job.result_sha256
        # A refused download leaves no partial file behind.
        queued = client.submit(clip, alpha=2)
        queued.cancel()
        with pytest.raises(vmm_client.FailedPrecondition, match="only a SUCCEEDED job"):
            queued.download(tmp_path / "never.mp4")
        assert not [p for p in os.listdir(tmp_path) if p.startswith("never")]


def test_the_input_downloads_as_uploaded_in_any_state(idle_server, tmp_path):
    path = tmp_path / "input.bin"
    data = os.urandom(1_500_000)
    path.write_bytes(data)
    with Client(idle_server.address, token=ALICE) as client:
        job = client.submit(path)  # QUEUED: no worker here
        out = job.download(tmp_path / "back.bin", input=True)
        assert open(out, "rb").read() == data
        assert sha256_of(out) == job.input_sha256
        # Resumed from a partial file of its own, beside (not mixed with) the result's.
        target = tmp_path / "resumed.bin"
        with open(f"{target}.{job.id}.input.part", "wb") as f:
            f.write(data[:600_000])
        job.download(target, input=True)
        assert sha256_of(target) == job.input_sha256
        assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]
        # Another owner sees no such job, nor its input.
        with Client(idle_server.address, token=BOB) as other:
            stranger = vmm_client.Job(other, job._message)
            with pytest.raises(vmm_client.NotFound, match=job.name):
                stranger.download(tmp_path / "stolen.bin", input=True)
        assert not os.path.exists(tmp_path / "stolen.bin")

        async def asynchronously():
            async with AsyncClient(idle_server.address, token=ALICE) as aio:
                queued = await aio.job(job.name)
                return await queued.download(tmp_path / "aio.bin", input=True)

        assert sha256_of(asyncio.run(asynchronously())) == job.input_sha256
        job.cancel()
        job.delete()


def test_listing_goes_through_every_page_and_filters(idle_server, tmp_path):
    path = tmp_path / "bytes.bin"
    path.write_bytes(os.urandom(2000))
    with Client(idle_server.address, token=BOB) as client:
        made = [client.submit(path, labels={"batch": "list"}) for _ in range(3)]
        listed = list(client.jobs(labels={"batch": "list"}, page_size=2))
        assert [j.name for j in listed] == [j.name for j in reversed(made)]  # newest first
        assert len(list(client.jobs(state="queued", labels={"batch": "list"}))) == 3
        assert list(client.jobs(state=JobState.SUCCEEDED, labels={"batch": "list"})) == []
        with pytest.raises(vmm_client.InvalidArgument, match="state must be one of"):
            list(client.jobs(state="bogus"))
        # At most 3 jobs in flight for this owner.
        with pytest.raises(vmm_client.ResourceExhausted, match="unfinished jobs"):
            client.submit(path)
        # A queued job: not downloadable, not deletable, waits time out; cancel ends it.
        job = made[0]
        with pytest.raises(vmm_client.FailedPrecondition, match="only a SUCCEEDED job"):
            job.download(tmp_path / "nothing.mp4")
        with pytest.raises(vmm_client.FailedPrecondition, match="cancel it before deleting"):
            job.delete()
        with pytest.raises(vmm_client.DeadlineExceeded, match="did not end within"):
            job.wait(timeout=0.5)
        assert job.cancel().state == JobState.CANCELLED
        with pytest.raises(vmm_client.JobFailed, match="was cancelled") as failed:
            job.wait()
        assert failed.value.job.state == JobState.CANCELLED
        assert job.wait(check=False).state == JobState.CANCELLED
        job.delete()
        for other in made[1:]:
            other.cancel()
            other.delete()


def test_every_refusal_is_a_typed_error_with_the_servers_message(server, idle_server, clip,
                                                                 tmp_path):
    with Client(server.address, token=ALICE) as client:
        with pytest.raises(vmm_client.InvalidArgument,
                           match="params.alpha must be a number from 0 to 10000"):
            client.submit(clip, alpha=1e9)
        with pytest.raises(vmm_client.InvalidArgument, match="mode must be one of"):
            client.submit(clip, mode="sideways")
        with pytest.raises(vmm_client.InvalidArgument, match="method must be one of"):
            client.submit(clip, method="eulerian")
        with pytest.raises(vmm_client.InvalidArgument,
                           match="params.color is for the linear method"):
            client.submit(clip, method="phase", color=True)
        with pytest.raises(vmm_client.NotFound, match='job "jobs/0123456789abcdef" not found'):
            client.job("0123456789abcdef")
        with pytest.raises(vmm_client.InvalidArgument, match="is not a job name"):
            client.job("jobs/../etc")
        with pytest.raises(vmm_client.PermissionDenied):
            client.submit(server_path="/etc/passwd")
        # A video the worker cannot read fails the job, and wait says why.
        text = tmp_path / "notes.mp4"
        text.write_text("this is not a video\n" * 100)
        with pytest.raises(vmm_client.JobFailed, match="failed: ") as failed:
            client.submit(text).wait(timeout=120)
        assert failed.value.job.state == JobState.FAILED
    for token in (None, "wrong-token-0123456789"):
        with Client(server.address, token=token, retries=0) as stranger:
            with pytest.raises(vmm_client.Unauthenticated):
                list(stranger.jobs())
    with Client(server.address, token=WORKER) as worker_token:
        with pytest.raises(vmm_client.PermissionDenied):
            list(worker_token.jobs())
    with Client("127.0.0.1:1", token=ALICE, retries=1, timeout=5) as nowhere:
        with pytest.raises(vmm_client.Unavailable):
            nowhere.job("0123456789abcdef")
    with pytest.raises(vmm_client.VmmError):  # every error shares the base class
        Client(idle_server.address, token=ALICE).job("missing")


def test_server_path_inputs_need_no_upload(server, clip):
    name = "on-the-server.mp4"
    with open(clip, "rb") as src, open(os.path.join(server.input_root, name), "wb") as dst:
        dst.write(src.read())
    with Client(server.address, token=ALICE) as client:
        job = client.submit(server_path=name, alpha=3).wait(timeout=120)
        assert job.state == JobState.SUCCEEDED
        assert job.input_sha256 == sha256_of(clip)


def test_an_upload_cut_off_mid_stream_resumes_without_a_second_job(idle_server, tmp_path):
    path = tmp_path / "big.bin"
    data = os.urandom(3 << 20)
    path.write_bytes(data)
    # Cut after two and a half of the three 1 MiB chunks: the server keeps the first two.
    proxy = BreakingProxy(idle_server.address, cut_after=(5 << 20) // 2)
    try:
        with Client(proxy.address, token=ALICE) as client:
            job = client.submit(path, labels={"batch": "resume"})
            assert job.proto.input_size_bytes == len(data)
            assert job.input_sha256 == hashlib.sha256(data).hexdigest()
            assert proxy.connections >= 2, "the connection was never cut"
            # Resumed, not restarted: what went through is the cut-off part and what the server
            # lacked (it keeps whole chunks: 1 or 2 of them), at most 2.5 + 2 MiB with overhead;
            # starting over would have been 2.5 + 3 MiB.
            assert proxy.client_bytes < len(data) + (2 << 20)
            assert len(list(client.jobs(labels={"batch": "resume"}))) == 1
            job.cancel()
            job.delete()
    finally:
        proxy.close()


def make_sway(path):
    """320x240, 150 frames at 30 fps: a still test pattern rotating by +-0.1 degrees at 1.5 Hz
    (as scripts/analysis-example.sh makes it); its top-left corner sways by about 0.25 px."""
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         "testsrc2=size=320x240:rate=30,trim=end_frame=1,loop=loop=149:size=1:start=0,"
         "setpts=N/30/TB,rotate='0.0017*sin(2*PI*1.5*t)':ow=iw:oh=ih:bilinear=1",
         "-frames:v", "150", "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", path],
        check=True)
    return path


def test_a_measurement_job_reports_the_motion(server, tmp_path):
    sway = make_sway(str(tmp_path / "sway.mp4"))
    with Client(server.address, token=ALICE) as client:
        job = client.analyze(sway, regions={"clock": (4, 4, 96, 32)}, mm_per_pixel=0.5)
        assert job.proto.analysis.regions[0].name == "clock"
        report = job.report(timeout=120)
        assert job.state == JobState.SUCCEEDED
        assert job.proto.output_format == 3  # OUTPUT_FORMAT_JSON
        assert report["input"] == "sway.mp4"
        assert (report["width"], report["height"], report["frames"]) == (320, 240, 150)
        assert report["sample_rate_hz"] == 30
        clock = report["regions"][0]
        assert clock["name"] == "clock" and len(clock["displacement_px"]["x"]) == 150
        peak = clock["peaks"][0]
        assert abs(peak["frequency_hz"] - 1.5) <= report["bin_hz"]
        assert peak["amplitude_mm"] == pytest.approx(peak["amplitude_px"] * 0.5)
        assert peak["command"].startswith("vmm magnify sway.mp4 -o sway-")
        # With every option left out, the whole frame only.
        whole = client.analyze(sway, max_frames=60).report(timeout=120)
        assert whole["regions"] == [] and whole["frames"] == 60
        assert abs(whole["whole_frame"]["peaks"][0]["frequency_hz"] - 1.5) <= whole["bin_hz"]
        # A magnification job has no report.
        with pytest.raises(vmm_client.FailedPrecondition, match="only a measurement job"):
            client.submit(sway, alpha=2).report()
        # A region outside the frame fails the job naming it (only the worker sees the frame).
        outside = client.analyze(sway, regions={"far": (300, 200, 64, 64)})
        with pytest.raises(vmm_client.JobFailed, match="far"):
            outside.report(timeout=120)
        # What the server can check, it refuses at once.
        with pytest.raises(vmm_client.InvalidArgument, match="sides of at least 4 pixels"):
            client.analyze(sway, regions={"dot": (1, 1, 2, 2)})
        with pytest.raises(vmm_client.InvalidArgument, match="analysis.sample_rate_hz"):
            client.analyze(sway, sample_rate_hz=-3)
        with pytest.raises(vmm_client.InvalidArgument, match=r"must be \(x, y, width, height\)"):
            client.analyze(sway, regions={"bad": (1, 2)})


def moving_square(count, height=48, width=64):
    for i in range(count):
        frame = numpy.full((height, width, 3), 40, numpy.uint8)
        frame[10:30, 10 + i % 4: 30 + i % 4] = 220
        yield frame


def test_a_live_stream_comes_back_in_order_with_backpressure(server):
    in_flight = {"sent": 0, "most": 0, "received": 0}

    def frames():
        for frame in moving_square(16):
            in_flight["sent"] += 1
            in_flight["most"] = max(in_flight["most"], in_flight["sent"] - in_flight["received"])
            yield frame

    with Client(server.address, token=ALICE) as client:
        results = []
        for result in client.stream(frames(), alpha=4, max_frames_in_flight=2):
            in_flight["received"] += 1
            results.append(result)
        assert [r.sequence for r in results] == list(range(16))
        assert all(r.frame.shape == (48, 64, 3) and r.frame.dtype == numpy.uint8
                   for r in results)
        assert all(r.latency_seconds >= 0 for r in results)
        # Two in flight at the server, the one the generator made before it waited, and the one
        # sent between a reply's arrival and this loop's count of it.
        assert in_flight["most"] <= 4
        with pytest.raises(vmm_client.InvalidArgument, match="frame 1 is 32x48"):
            list(client.stream([numpy.zeros((48, 64, 3), numpy.uint8),
                                numpy.zeros((48, 32, 3), numpy.uint8)]))
        with pytest.raises(vmm_client.InvalidArgument, match="uint8 numpy array"):
            list(client.stream([numpy.zeros((48, 64), numpy.float32)]))
        with pytest.raises(vmm_client.InvalidArgument, match="fir needs future frames"):
            list(client.stream(moving_square(2), mode="temporal", filter="fir"))
        with pytest.raises(vmm_client.InvalidArgument, match="accel needs future frames"):
            list(client.stream(moving_square(2), mode="temporal", filter="accel"))
        # Another method, as the worker registered it runs it: every frame back, in order.
        riesz = list(client.stream(moving_square(6), method="riesz", alpha=4))
        assert [r.sequence for r in riesz] == list(range(6))
        # The caller's own error from its frames comes back as it is.

        def broken():
            yield from moving_square(2)
            raise OSError("the camera was unplugged")

        with pytest.raises(OSError, match="the camera was unplugged"):
            list(client.stream(broken()))
        # Leaving early ends the session; the next one starts at once.
        for result in client.stream(moving_square(50), max_frames_in_flight=2):
            break
        assert len(list(client.stream(moving_square(3)))) == 3


def test_the_asyncio_client_does_the_same(server, clip, tmp_path):
    async def scenario():
        async with AsyncClient(server.address, token=ALICE) as client:
            job = await client.submit(clip, alpha=3, labels={"suite": "aio"})
            events = []
            await job.wait(progress=events.append, timeout=120)
            assert job.state == JobState.SUCCEEDED and events
            out = await job.download(tmp_path / "aio.mp4")
            assert sha256_of(out) == job.result_sha256
            names = [j.name async for j in client.jobs(labels={"suite": "aio"})]
            assert names == [job.name]
            longer = make_clip(str(tmp_path / "longer.mp4"), frames=40)
            measured = await client.analyze(longer, regions={"centre": (16, 12, 32, 24)})
            report = await measured.report(timeout=120)
            assert report["regions"][0]["name"] == "centre" and report["frames"] == 40
            results = [r async for r in client.stream(moving_square(6), alpha=2,
                                                      max_frames_in_flight=2)]
            assert [r.sequence for r in results] == list(range(6))
            # Leaving early ends the session; the next one starts (after a retry if the slot
            # is still being freed).
            async with contextlib.aclosing(client.stream(moving_square(50))) as early:
                async for _ in early:
                    break
            assert len([r async for r in client.stream(moving_square(3))]) == 3
            await job.delete()
            with pytest.raises(vmm_client.NotFound):
                await client.job(job.name)

    asyncio.run(scenario())

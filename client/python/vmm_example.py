#!/usr/bin/env python3
"""Submit a video to vmm-server, watch the job, and download the result.

The gRPC stubs are generated from proto/vmm/v1/magnification.proto at build time (see
README.md); put the folder that holds the generated `vmm/v1/*_pb2*.py` on PYTHONPATH.

    python3 vmm_example.py --server 127.0.0.1:8001 input.mp4 output.mp4 --alpha 10

Exit codes follow the `vmm` CLI: 0 ok, 1 the job failed, 3 unreachable or unauthenticated,
4 cancelled.
"""

import argparse
import hashlib
import os
import sys
import uuid

import grpc

from vmm.v1 import magnification_pb2 as pb
from vmm.v1 import magnification_pb2_grpc as pb_grpc

CHUNK_BYTES = 256 * 1024


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def upload_requests(path, spec):
    """The SubmitJob stream: the spec first, then the file in chunks."""
    yield pb.SubmitJobRequest(spec=spec)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK_BYTES), b""):
            yield pb.SubmitJobRequest(chunk=chunk)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--server", default=os.environ.get("VMM_SERVER", "127.0.0.1:8001"))
    parser.add_argument("--token", default=os.environ.get("VMM_TOKEN", ""))
    parser.add_argument("--alpha", type=float, default=10.0)
    parser.add_argument("--mode", choices=["static", "dynamic"], default="static")
    args = parser.parse_args()

    metadata = [("authorization", "Bearer " + args.token)] if args.token else []
    # Keepalive as the service expects: a ping every 30 s on long streams.
    channel = grpc.insecure_channel(args.server, options=[("grpc.keepalive_time_ms", 30000)])
    stub = pb_grpc.MagnificationServiceStub(channel)

    spec = pb.JobSpec(
        display_name="python example",
        labels={"client": "python"},
        params=pb.MagnifyParams(
            mode=pb.MODE_DYNAMIC if args.mode == "dynamic" else pb.MODE_STATIC,
            alpha=args.alpha),
        output_format=pb.OUTPUT_FORMAT_MKV if args.output.endswith(".mkv")
        else pb.OUTPUT_FORMAT_MP4,
        input_filename=os.path.basename(args.input),
        input_size_bytes=os.path.getsize(args.input),
        input_sha256=sha256_of(args.input),
        upload_id=uuid.uuid4().hex)
    try:
        job = stub.SubmitJob(upload_requests(args.input, spec), metadata=metadata)
        print("submitted", job.name, flush=True)

        final = None
        for event in stub.WatchJob(pb.WatchJobRequest(name=job.name), metadata=metadata):
            state = pb.Job.State.Name(event.state)
            print(f"{state} {event.frames_done}/{event.frames_total} frames", flush=True)
            if event.state in (pb.Job.SUCCEEDED, pb.Job.FAILED, pb.Job.CANCELLED):
                final = event.job
        if final is None or final.state == pb.Job.FAILED:
            print("job failed:", final.failure_reason if final else "no final state",
                  file=sys.stderr)
            return 1
        if final.state == pb.Job.CANCELLED:
            print("job cancelled", file=sys.stderr)
            return 4

        expected_sha = None
        digest = hashlib.sha256()
        with open(args.output, "wb") as out:
            request = pb.DownloadResultRequest(name=job.name, offset=0)
            for response in stub.DownloadResult(request, metadata=metadata):
                if response.sha256:
                    expected_sha = response.sha256
                out.write(response.chunk)
                digest.update(response.chunk)
        if digest.hexdigest() != expected_sha:
            print("download corrupted: sha256 mismatch", file=sys.stderr)
            return 1
        print("saved", args.output, flush=True)
        return 0
    except grpc.RpcError as error:
        print(f"{error.code().name}: {error.details()}", file=sys.stderr)
        if error.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.UNAUTHENTICATED):
            return 3
        if error.code() == grpc.StatusCode.INVALID_ARGUMENT:
            return 2
        return 1


if __name__ == "__main__":
    sys.exit(main())

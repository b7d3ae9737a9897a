#!/usr/bin/env python3
"""Submit a video to vmm-server, watch the job, and download the result, with vmm_client.

Install the package first (README.md), or put the build's staged package folder on PYTHONPATH:

    python3 vmm_example.py --server 127.0.0.1:8001 input.mp4 output.mp4 --alpha 10

Exit codes follow the `vmm` CLI: 0 ok, 1 the job failed, 2 bad parameters, 3 unreachable or
unauthenticated, 4 cancelled.
"""

import argparse
import os
import sys

import vmm_client


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--server", default=os.environ.get("VMM_SERVER", "127.0.0.1:8001"))
    parser.add_argument("--token", default=os.environ.get("VMM_TOKEN") or None)
    parser.add_argument("--alpha", type=float, default=10.0)
    parser.add_argument("--mode", choices=["static", "dynamic"], default="static")
    args = parser.parse_args()

    def show(progress):
        print(f"{progress.state.name} {progress.frames_done}/{progress.frames_total} frames",
              flush=True)

    try:
        with vmm_client.Client(args.server, token=args.token) as client:
            job = client.submit(args.input, mode=args.mode, alpha=args.alpha,
                                display_name="python example", labels={"client": "python"},
                                output_format="mkv" if args.output.endswith(".mkv") else "mp4")
            print("submitted", job.name, flush=True)
            job.wait(progress=show)
            job.download(args.output)
            print("saved", args.output, flush=True)
            return 0
    except vmm_client.JobFailed as failure:
        print(failure.message, file=sys.stderr)
        return 4 if failure.job.state == vmm_client.JobState.CANCELLED else 1
    except vmm_client.VmmError as error:
        print(f"{error.code.name}: {error.message}", file=sys.stderr)
        if isinstance(error, (vmm_client.Unavailable, vmm_client.Unauthenticated)):
            return 3
        if isinstance(error, vmm_client.InvalidArgument):
            return 2
        return 1


if __name__ == "__main__":
    sys.exit(main())

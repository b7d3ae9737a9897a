"""vmm_client: the Python client of vmm-server, learned video motion magnification as a service.

    from vmm_client import Client
    with Client("127.0.0.1:8001", token="...") as client:
        job = client.submit("wrist.mp4", mode="temporal", alpha=20, low_hz=0.8, high_hz=2)
        job.wait(progress=lambda p: print(p.frames_done, "/", p.frames_total))
        job.download("wrist-x20.mp4")

`vmm_client.aio` has the same calls for asyncio. Errors are VmmError subclasses named after
the server's gRPC status (NotFound, InvalidArgument, ...), carrying the server's message.
"""

from vmm_client._client import Client, Job, JobState, LiveResult, Progress
from vmm_client._errors import (Aborted, AlreadyExists, Cancelled, DataLoss, DeadlineExceeded,
                                FailedPrecondition, Internal, InvalidArgument, JobFailed,
                                NotFound, OutOfRange, PermissionDenied, ResourceExhausted,
                                Unauthenticated, Unavailable, Unimplemented, VmmError)

__version__ = "0.1.0"

__all__ = [
    "Client", "Job", "JobState", "LiveResult", "Progress", "VmmError", "Aborted",
    "AlreadyExists", "Cancelled", "DataLoss", "DeadlineExceeded", "FailedPrecondition",
    "Internal", "InvalidArgument", "JobFailed", "NotFound", "OutOfRange", "PermissionDenied",
    "ResourceExhausted", "Unauthenticated", "Unavailable", "Unimplemented", "__version__",
]

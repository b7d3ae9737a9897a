// Moves a job's files between the server and the worker's disk: ReadInput into a local file
// (checking size and SHA-256 against the assignment, resuming from the bytes already written
// when the stream breaks) and WriteResult from a local file (header, then 256 KiB chunks).
//
// Thread-safety: each call runs on the job's thread; the stub is shared and thread-safe.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/sha256.h"
#include "vmm/v1/worker.grpc.pb.h"
#include "worker/job_control.h"

namespace vmm::worker {

// Who is calling: the control session's identity on the server.
struct WorkerIdentity {
  std::string worker_id;  // Registered.worker_id
  std::string token;      // bearer token; empty: none
};

// Size of the chunks the worker sends.
inline constexpr int64_t kTransferChunkBytes = 256 * 1024;

// Streams the input of `assignment` into `path`. Fails with DATA_LOSS when the bytes do not
// match the assignment's size or SHA-256, CANCELLED when `control` stops, or the RPC's error
// (FAILED_PRECONDITION: the job is no longer ours).
absl::Status FetchInput(vmm::v1::WorkerService::StubInterface& stub, const WorkerIdentity& identity,
                        const vmm::v1::Assignment& assignment, const std::string& path,
                        JobControl& control);

// Uploads the file at `path` (whose digest is `digest`) as the result of `job_id`.
absl::Status UploadResult(vmm::v1::WorkerService::StubInterface& stub,
                          const WorkerIdentity& identity, const std::string& job_id,
                          const std::string& path, const common::FileDigest& digest,
                          JobControl& control);

}  // namespace vmm::worker

// Downloads a job's result (DownloadResult), or its input as uploaded, into a local file from a
// byte offset, resuming from the bytes already written when the connection drops, and checks the
// whole file against the size and SHA-256 the server announces at the end. A failed download
// leaves the bytes it got, so `vmm fetch --resume` can go on from there.
//
// Thread-safety: one download per thread; the connection may be shared.
#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <string>

#include "client/progress_display.h"
#include "client/remote/connection.h"

namespace vmm::client {

// Which file of a job DownloadJobResult downloads.
enum class JobFile {
  kResult,  // the result of a SUCCEEDED job
  kInput,   // the input as uploaded (DownloadResultRequest.input), in any state
};

// Downloads the result (or, with `what`, the input) of job `name` into `path`, keeping the file's
// first `offset` bytes (0: the whole file; -1: resume after whatever `path` holds). Returns the
// total size in *size; shows progress on `progress` (may be null). OUT_OF_RANGE when `path` is
// shorter than `offset`; DATA_LOSS when the checksum does not match.
grpc::Status DownloadJobResult(Connection& connection, const std::string& name,
                               const std::string& path, int64_t offset, ProgressDisplay* progress,
                               int64_t* size, JobFile what = JobFile::kResult);

}  // namespace vmm::client

// Uploads a video and creates a job (SubmitJob): the file's size and SHA-256 first, then the
// bytes in 256 KiB chunks with a progress display. Every upload carries a random upload id, so
// when the connection drops the command asks the server how much it holds (GetUploadOffset)
// and sends only the rest, and a retried upload never creates a second job.
//
// Thread-safety: one upload per thread; the connection may be shared.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "client/progress_display.h"
#include "client/remote/connection.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::client {

// Bytes per upload chunk (the API takes 64 KiB to 1 MiB).
inline constexpr int64_t kUploadChunkBytes = 256 * 1024;

// Uploads `path` as the input of a job described by `spec` (its size, checksum, file name and
// upload id are filled in here), showing progress on `progress` (may be null). Returns the
// job, or the error as a grpc::Status.
grpc::Status UploadJob(Connection& connection, vmm::v1::JobSpec spec, const std::string& path,
                       ProgressDisplay* progress, vmm::v1::Job* job);

// A random upload id: 32 hexadecimal characters.
std::string NewUploadId();

}  // namespace vmm::client

// Conversions between the job store's records and the API's messages, and the opaque page
// tokens of ListJobs. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/job_store.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::server {

// The API's view of a job.
vmm::v1::Job JobToProto(const JobRecord& job);

// A progress event for WatchJob: the job's state, progress, ETA and a message for people.
vmm::v1::JobEvent JobToEvent(const JobRecord& job, absl::Time now);

// Encodes where the next page starts as an opaque token.
std::string EncodePageToken(int64_t before_sequence);
// Decodes a token of EncodePageToken; INVALID_ARGUMENT if it is not one.
absl::StatusOr<int64_t> DecodePageToken(const std::string& token);

}  // namespace vmm::server

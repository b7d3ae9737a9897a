// MagnificationService's server streams: WatchJob (progress events) and DownloadResult (the
// result file from an offset). Both end when the client cancels or the server shuts down.
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/rpc/status_conversion.h"
#include "server/job_proto.h"
#include "server/magnification_service.h"

namespace vmm::server {
namespace {

// Least time between two progress events of one watch.
constexpr absl::Duration kMinEventInterval = absl::Milliseconds(250);
// How often a waiting watch checks for cancellation and shutdown.
constexpr absl::Duration kWatchPoll = absl::Seconds(1);

}  // namespace

grpc::Status MagnificationServiceImpl::WatchJob(grpc::ServerContext* context,
                                                const vmm::v1::WatchJobRequest* request,
                                                grpc::ServerWriter<vmm::v1::JobEvent>* writer) {
  return common::ToGrpcStatus(Watch(context, *request, writer));
}

absl::Status MagnificationServiceImpl::Watch(grpc::ServerContext* context,
                                             const vmm::v1::WatchJobRequest& request,
                                             grpc::ServerWriter<vmm::v1::JobEvent>* writer) {
  absl::StatusOr<Principal> caller = AuthenticateClient(*core_.auth, *context);
  if (!caller.ok()) return caller.status();
  absl::StatusOr<JobRecord> job = FindOwnJob(caller->owner, request.name());
  if (!job.ok()) return job.status();
  const std::string id = job->id;
  uint64_t version = core_.events->Version(id);
  absl::Time last_event = absl::InfinitePast();
  while (true) {
    job = core_.store->Get(id);
    if (!job.ok()) return job.status();  // deleted meanwhile: NOT_FOUND
    core_.scheduler->OverlayProgress(&*job);
    const absl::Time now = core_.clock->Now();
    if (!writer->Write(JobToEvent(*job, now))) {
      return absl::CancelledError("the watcher went away");
    }
    last_event = absl::Now();
    if (IsFinal(job->state)) return absl::OkStatus();
    // Wait for a change, checking now and then whether to stop.
    while (true) {
      if (context->IsCancelled()) return absl::CancelledError("the watcher went away");
      if (core_.shutting_down->load()) {
        return absl::UnavailableError("the server is shutting down; watch again later");
      }
      const uint64_t seen = version;
      version = core_.events->WaitForChange(id, seen, absl::Now() + kWatchPoll);
      if (version != seen) break;
    }
    const absl::Duration since = absl::Now() - last_event;
    if (since < kMinEventInterval) absl::SleepFor(kMinEventInterval - since);
    version = core_.events->Version(id);
  }
}

grpc::Status MagnificationServiceImpl::DownloadResult(
    grpc::ServerContext* context, const vmm::v1::DownloadResultRequest* request,
    grpc::ServerWriter<vmm::v1::DownloadResultResponse>* writer) {
  return common::ToGrpcStatus(Download(context, *request, writer));
}

absl::Status MagnificationServiceImpl::Download(
    grpc::ServerContext* context, const vmm::v1::DownloadResultRequest& request,
    grpc::ServerWriter<vmm::v1::DownloadResultResponse>* writer) {
  absl::StatusOr<Principal> caller = AuthenticateClient(*core_.auth, *context);
  if (!caller.ok()) return caller.status();
  absl::StatusOr<JobRecord> job = FindOwnJob(caller->owner, request.name());
  if (!job.ok()) return job.status();
  if (job->state != JobState::kSucceeded) {
    return absl::FailedPreconditionError(absl::StrCat("job \"jobs/", job->id, "\" is ",
                                                      JobStateName(job->state),
                                                      "; only a SUCCEEDED job has a result"));
  }
  if (request.offset() < 0) return absl::InvalidArgumentError("offset must be 0 or more");
  if (request.offset() > job->result_size_bytes) {
    return absl::OutOfRangeError(absl::StrCat(
        "offset ", request.offset(), " is beyond the result's ", job->result_size_bytes, " bytes"));
  }
  std::ifstream in(job->result_path, std::ios::binary);
  if (!in) {
    return absl::DataLossError(absl::StrCat("the result of job \"jobs/", job->id,
                                            "\" is missing from the server's spool"));
  }
  in.seekg(request.offset());
  int64_t offset = request.offset();
  std::vector<char> buffer(kMaxChunkBytes);
  bool first = true;
  while (first || offset < job->result_size_bytes) {
    if (context->IsCancelled()) return absl::CancelledError("the download was cancelled");
    const int64_t want = std::min<int64_t>(kMaxChunkBytes, job->result_size_bytes - offset);
    in.read(buffer.data(), static_cast<std::streamsize>(want));
    if (in.gcount() != want) {
      return absl::DataLossError(
          absl::StrCat("cannot read the result of job \"jobs/", job->id, "\" at offset ", offset));
    }
    vmm::v1::DownloadResultResponse message;
    if (first) {
      message.set_total_size_bytes(job->result_size_bytes);
      message.set_sha256(job->result_sha256);
      message.set_output_format(job->output_format);
    }
    message.set_offset(offset);
    message.set_chunk(buffer.data(), static_cast<size_t>(want));
    if (!writer->Write(message)) return absl::CancelledError("the downloader went away");
    core_.metrics->download_bytes.Increment(static_cast<double>(want));
    offset += want;
    first = false;
  }
  return absl::OkStatus();
}

}  // namespace vmm::server

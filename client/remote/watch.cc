#include "client/remote/watch.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "client/remote/job_output.h"
#include "client/remote/retry_policy.h"

namespace vmm::client {
namespace {

std::string EventDetail(const vmm::v1::JobEvent& event) {
  std::string detail = StateName(event.state());
  if (event.frames_total() > 0 || event.frames_done() > 0) {
    absl::StrAppend(&detail, ", ", event.frames_done());
    if (event.frames_total() > 0) absl::StrAppend(&detail, "/", event.frames_total());
    absl::StrAppend(&detail, " frames");
  }
  if (!event.message().empty()) absl::StrAppend(&detail, " (", event.message(), ")");
  return detail;
}

}  // namespace

grpc::Status WatchJobUntilFinal(Connection& connection, const std::string& name,
                                ProgressDisplay* progress, bool print_json_events,
                                vmm::v1::Job* job) {
  RetryPolicy retry;
  while (true) {
    std::unique_ptr<grpc::ClientContext> context = connection.NewContext(std::nullopt);
    vmm::v1::WatchJobRequest request;
    request.set_name(name);
    std::unique_ptr<grpc::ClientReader<vmm::v1::JobEvent>> reader =
        connection.stub().WatchJob(context.get(), request);
    vmm::v1::JobEvent event;
    bool final_seen = false;
    while (reader->Read(&event)) {
      retry.MadeProgress();
      if (event.has_job()) *job = event.job();
      job->set_state(event.state());
      if (print_json_events) std::cout << ToJson(event) << std::endl;
      if (IsFinal(event.state())) final_seen = true;
      if (progress == nullptr) continue;
      if (final_seen) {
        progress->Finish(EventDetail(event));
      } else {
        progress->Update(event.frames_done(), event.frames_total() > 0 ? event.frames_total() : -1,
                         event.frames_per_second(),
                         event.eta_seconds() > 0 ? event.eta_seconds() : -1);
      }
    }
    const grpc::Status status = reader->Finish();
    if (final_seen) return grpc::Status::OK;
    if (status.ok()) {
      // The server ended the stream before a final state (it is shutting down): watch again.
      if (retry.ShouldRetry(grpc::Status(grpc::StatusCode::UNAVAILABLE, "stream ended"))) continue;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server ended the watch early");
    }
    if (!retry.ShouldRetry(status)) return status;
  }
}

}  // namespace vmm::client

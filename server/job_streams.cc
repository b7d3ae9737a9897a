// MagnificationService's server streams, as callback reactors that hold no thread while they
// wait: WatchJob (progress events, pushed by JobEvents) and DownloadResult (the result file, or
// the input's copy in the spool, from an offset, file_chunk_reactor.h). Both end when the client
// cancels; a watch also ends at shutdown.
#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/rpc/status_conversion.h"
#include "grpcpp/alarm.h"
#include "server/file_chunk_reactor.h"
#include "server/job_proto.h"
#include "server/magnification_service.h"

namespace vmm::server {
namespace {

// Least time between two events of one watch.
constexpr absl::Duration kMinEventInterval = absl::Milliseconds(250);

// One WatchJob call: writes the job's event now and after every change (at most one write
// outstanding, at most one event per kMinEventInterval, the latest state each time), and
// finishes after the event of a final state. A change arms an alarm, and the alarm's callback
// reads the job and writes: the listener itself does no I/O (it runs on whichever thread
// changed the job). Owned by itself (self_) until OnDone; JobEvents and the alarms hold weak
// pointers. Decisions are taken under the mutex; the gRPC operations they call for are started
// after it is released.
class WatchReactor : public grpc::ServerWriteReactor<vmm::v1::JobEvent>,
                     public std::enable_shared_from_this<WatchReactor> {
 public:
  WatchReactor(ServerCore core, std::string job_id) : core_(core), job_id_(std::move(job_id)) {}

  // Subscribes to the job's changes and writes the first event. Call once.
  void Start(std::shared_ptr<WatchReactor> self) {
    self_ = std::move(self);
    std::weak_ptr<WatchReactor> weak = self_;
    subscription_ = core_.events->Subscribe(job_id_, [weak]() {
      if (std::shared_ptr<WatchReactor> watch = weak.lock()) watch->Changed();
    });
    Send();
  }

  void OnWriteDone(bool ok) override {
    std::optional<absl::Status> finish;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      writing_ = false;
      if (!ok || cancelled_) {
        finish = EndLocked(absl::CancelledError("the watcher went away"));
      } else if (wrote_final_) {
        finish = EndLocked(absl::OkStatus());
      } else if (changed_) {
        ArmLocked();
      }
    }
    if (finish.has_value()) Finish(common::ToGrpcStatus(*finish));
  }

  void OnCancel() override {
    std::optional<absl::Status> finish;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cancelled_ = true;
      // An outstanding write finishes the call when it is done.
      if (!writing_) finish = EndLocked(absl::CancelledError("the watcher went away"));
    }
    if (finish.has_value()) Finish(common::ToGrpcStatus(*finish));
  }

  void OnDone() override {
    core_.events->Unsubscribe(subscription_);
    std::shared_ptr<WatchReactor> last = std::move(self_);  // may be the last owner
  }

 private:
  // The job changed (or the server is stopping): send once the write and the pacing allow.
  void Changed() {
    std::lock_guard<std::mutex> lock(mutex_);
    changed_ = true;
    if (!writing_) ArmLocked();
  }

  // Sets an alarm for the next send, at the end of the pacing interval, unless one is set.
  void ArmLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    if (armed_ || ended_) return;
    armed_ = true;
    std::weak_ptr<WatchReactor> weak = weak_from_this();
    // A fresh alarm each time: the last one's callback may still be returning.
    alarm_ = std::make_unique<grpc::Alarm>();
    alarm_->Set(absl::ToChronoTime(std::max(absl::Now(), last_write_ + kMinEventInterval)),
                [weak](bool fired) {
                  std::shared_ptr<WatchReactor> watch = weak.lock();
                  if (watch == nullptr) return;
                  {
                    std::lock_guard<std::mutex> lock(watch->mutex_);
                    watch->armed_ = false;
                  }
                  if (fired) watch->Send();
                });
  }

  // Writes the job's current event (or finishes, at shutdown or if the job is gone).
  void Send() {
    std::optional<absl::Status> finish;
    bool write = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (writing_ || ended_) return;
      if (core_.shutting_down->load()) {
        finish = EndLocked(
            absl::UnavailableError("the server is shutting down; watch again later"));
      } else {
        changed_ = false;
        absl::StatusOr<JobRecord> job = core_.store->Get(job_id_);  // a read by primary key
        if (!job.ok()) {
          finish = EndLocked(job.status());  // deleted meanwhile: NOT_FOUND
        } else {
          core_.scheduler->OverlayProgress(&*job);
          event_ = JobToEvent(*job, core_.clock->Now());
          wrote_final_ = IsFinal(job->state);
          writing_ = true;
          last_write_ = absl::Now();
          write = true;
        }
      }
    }
    if (finish.has_value()) Finish(common::ToGrpcStatus(*finish));
    if (write) StartWrite(&event_);
  }

  // Marks the call ended; returns the status to finish with, the first time only.
  std::optional<absl::Status> EndLocked(const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    if (ended_) return std::nullopt;
    ended_ = true;
    return status;
  }

  ServerCore core_;
  const std::string job_id_;
  std::shared_ptr<WatchReactor> self_;
  int64_t subscription_ = 0;

  std::mutex mutex_;
  vmm::v1::JobEvent event_;  // the outstanding write's message
  std::unique_ptr<grpc::Alarm> alarm_ ABSL_GUARDED_BY(mutex_);
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  bool armed_ ABSL_GUARDED_BY(mutex_) = false;    // an alarm will call Send
  bool changed_ ABSL_GUARDED_BY(mutex_) = false;  // a change not yet written
  bool wrote_final_ ABSL_GUARDED_BY(mutex_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mutex_) = false;
  bool ended_ ABSL_GUARDED_BY(mutex_) = false;
  absl::Time last_write_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
};

}  // namespace

grpc::ServerWriteReactor<vmm::v1::JobEvent>* MagnificationServiceImpl::WatchJob(
    grpc::CallbackServerContext* context, const vmm::v1::WatchJobRequest* request) {
  absl::StatusOr<Principal> caller = AuthenticateClient(*core_.auth, *context);
  if (!caller.ok()) return RefusedStream<vmm::v1::JobEvent>(caller.status());
  absl::StatusOr<JobRecord> job = FindOwnJob(caller->owner, request->name());
  if (!job.ok()) return RefusedStream<vmm::v1::JobEvent>(job.status());
  auto watch = std::make_shared<WatchReactor>(core_, job->id);
  watch->Start(watch);
  return watch.get();
}

grpc::ServerWriteReactor<vmm::v1::DownloadResultResponse>*
MagnificationServiceImpl::DownloadResult(grpc::CallbackServerContext* context,
                                         const vmm::v1::DownloadResultRequest* request) {
  using Response = vmm::v1::DownloadResultResponse;
  absl::StatusOr<Principal> caller = AuthenticateClient(*core_.auth, *context);
  if (!caller.ok()) return RefusedStream<Response>(caller.status());
  absl::StatusOr<JobRecord> job = FindOwnJob(caller->owner, request->name());
  if (!job.ok()) return RefusedStream<Response>(job.status());
  // What is sent: the result of a SUCCEEDED job, or (request->input()) the input the spool
  // holds, in any state.
  const bool input = request->input();
  const absl::string_view what = input ? "input" : "result";
  if (input && !job->input_in_spool) {
    return RefusedStream<Response>(absl::FailedPreconditionError(
        absl::StrCat("the input of job \"jobs/", job->id,
                     "\" is a server_path file, of which the server keeps no copy")));
  }
  if (!input && job->state != JobState::kSucceeded) {
    return RefusedStream<Response>(absl::FailedPreconditionError(
        absl::StrCat("job \"jobs/", job->id, "\" is ", JobStateName(job->state),
                     "; only a SUCCEEDED job has a result")));
  }
  const int64_t size = input ? job->input_size_bytes : job->result_size_bytes;
  if (request->offset() < 0) {
    return RefusedStream<Response>(absl::InvalidArgumentError("offset must be 0 or more"));
  }
  if (request->offset() > size) {
    return RefusedStream<Response>(absl::OutOfRangeError(absl::StrCat(
        "offset ", request->offset(), " is beyond the ", what, "'s ", size, " bytes")));
  }
  FileChunkPlan<Response> plan;
  plan.path = input ? job->input_path : job->result_path;
  plan.offset = request->offset();
  plan.end = size;
  plan.missing_message = absl::StrCat("the ", what, " of job \"jobs/", job->id,
                                      "\" is missing from the server's spool");
  plan.short_read_message =
      absl::StrCat("cannot read the ", what, " of job \"jobs/", job->id, "\"");
  plan.fill = [input, size, sha256 = input ? job->input_sha256 : job->result_sha256,
               format = job->output_format](Response* message, int64_t offset,
                                            absl::string_view chunk, bool first) {
    if (first) {
      message->set_total_size_bytes(size);
      message->set_sha256(sha256);
      if (!input) message->set_output_format(format);
    }
    message->set_offset(offset);
    message->set_chunk(chunk.data(), chunk.size());
  };
  if (!input) {  // vmm_download_bytes_total counts results only
    plan.on_sent = [metrics = core_.metrics](int64_t bytes) {
      metrics->download_bytes.Increment(static_cast<double>(bytes));
    };
  }
  auto* download = new FileChunkReactor<Response>(std::move(plan));
  download->Start();
  return download;
}

}  // namespace vmm::server

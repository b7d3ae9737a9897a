// How the control session stops a running job or live session: a flag the magnification polls
// (pipeline::MagnifyFile's cancel), the reason it was raised, and the gRPC call in flight, which
// is cancelled at once so a blocked read or write returns.
//
// Thread-safety: RequestStop may be called from any thread while the job's thread runs; the
// job's thread owns the registered call contexts.
#pragma once

#include <grpcpp/client_context.h>

#include <atomic>
#include <mutex>

#include "absl/base/thread_annotations.h"

namespace vmm::worker {

// Why a job was asked to stop.
enum class StopReason {
  kNone,
  kCancelled,     // the server sent Cancel: report JobCancelled
  kHandBack,      // the worker is shutting down: report JobHandedBack
  kDisconnected,  // the control stream broke: report nothing (the server requeues the job)
  kFailed,        // the worker gave up on the job (a limit was exceeded): report JobFailed
};

// The stop signal of one job or live session.
class JobControl {
 public:
  // Raises the flag (the first reason wins) and cancels the registered call, if any.
  void RequestStop(StopReason reason);

  // True once a stop was requested.
  bool stop_requested() const { return stop_.load(); }

  // The flag itself, for pipeline::MagnifyFile.
  const std::atomic<bool>* flag() const { return &stop_; }

  // The first reason given to RequestStop (kNone while none was).
  StopReason reason() const;

  // Makes `context` the call to cancel on stop (nullptr: none). If a stop was already requested
  // the context is cancelled at once.
  void SetActiveCall(grpc::ClientContext* context);

 private:
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  StopReason reason_ ABSL_GUARDED_BY(mutex_) = StopReason::kNone;
  grpc::ClientContext* active_call_ ABSL_GUARDED_BY(mutex_) = nullptr;
};

// Registers a call with a JobControl for the lifetime of this object.
class ScopedActiveCall {
 public:
  ScopedActiveCall(JobControl& control, grpc::ClientContext& context) : control_(control) {
    control_.SetActiveCall(&context);
  }
  ~ScopedActiveCall() { control_.SetActiveCall(nullptr); }
  ScopedActiveCall(const ScopedActiveCall&) = delete;
  ScopedActiveCall& operator=(const ScopedActiveCall&) = delete;

 private:
  JobControl& control_;
};

}  // namespace vmm::worker

// Serves one live session: attaches to the server's LiveFrames stream, magnifies every relayed
// raw frame with pipeline::RawFrameMagnifier (batch 1, in order; static, dynamic and the causal
// temporal filters), and returns each result with its sequence number and the engine's time.
// LiveEnd flushes what the filter still holds and closes the stream.
//
// Thread-safety: Run blocks its thread for the whole session; stop it through its JobControl.
// Ownership: the stub, the model and the metrics are borrowed and must outlive Run.
#pragma once

#include "absl/status/status.h"
#include "vmm/v1/worker.grpc.pb.h"
#include "worker/job_control.h"
#include "worker/job_files.h"
#include "worker/worker_metrics.h"

namespace vmm::worker {

class WorkerModel;

// Runs live sessions for one control session.
class LiveSessionRunner {
 public:
  // `classic_threads` > 0: the LibTorch threads of a session with a classic method (each
  // session runs on its own thread); 0: the process-wide count.
  LiveSessionRunner(vmm::v1::WorkerService::StubInterface& stub, WorkerIdentity identity,
                    WorkerModel& model, WorkerMetrics& metrics, int classic_threads);

  // Serves `assignment` until the server ends it, it fails (a LiveFailure with the reason is
  // sent), or `control` stops it. Returns how it ended.
  absl::Status Run(const vmm::v1::LiveAssignment& assignment, JobControl& control);

 private:
  vmm::v1::WorkerService::StubInterface& stub_;
  const WorkerIdentity identity_;
  WorkerModel& model_;
  WorkerMetrics& metrics_;
  const int classic_threads_;
};

}  // namespace vmm::worker

// Runs one job assignment from start to end on the calling thread: fetch the input into a
// private temporary folder (size and SHA-256 checked), check it against the server's limits,
// magnify it with pipeline::MagnifyFile (the same code as `vmm magnify`, so the bytes are the
// same), upload the result, and return the outcome for JobFinished (the caller sends it, after
// marking its job slot free). Progress goes to the server at least every second; a stop request
// ends the work within about a second.
//
// Thread-safety: one Run per thread; a JobRunner may run several jobs on different threads.
// Ownership: the stub, the model, the metrics and the sender are borrowed and must outlive every
// Run.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "media/video_info.h"
#include "vmm/v1/worker.grpc.pb.h"
#include "worker/job_control.h"
#include "worker/job_files.h"
#include "worker/progress_reporter.h"
#include "worker/worker_metrics.h"
#include "worker/worker_model.h"

namespace vmm::worker {

// What every job of one control session shares.
struct JobRunnerConfig {
  std::string work_dir;  // parent of each job's temporary folder
  int batch_size = 4;
  int max_frame_width = 0;  // from Registered; 0: no limit
  int max_frame_height = 0;
};

// Runs jobs for one control session.
class JobRunner {
 public:
  JobRunner(vmm::v1::WorkerService::StubInterface& stub, WorkerIdentity identity,
            JobRunnerConfig config, WorkerModel& model, WorkerMetrics& metrics,
            ControlSender send);

  // Runs `assignment`; returns the JobFinished to send, or nothing when the control stream
  // broke (stop reason kDisconnected: the server requeues the job by itself). A job that cannot
  // get a folder in the work folder is handed back (no attempt spent) and sets
  // work_folder_unusable().
  std::optional<vmm::v1::JobFinished> Run(const vmm::v1::Assignment& assignment,
                                          JobControl& control);

  // Whether a job found the work folder unusable: this worker should take no more jobs until
  // CheckWorkFolder passes again.
  bool work_folder_unusable() const { return work_folder_unusable_; }

 private:
  // The outcome before the stop reason is taken into account.
  absl::StatusOr<vmm::v1::JobSucceeded> Execute(const vmm::v1::Assignment& assignment,
                                                const std::string& folder, JobControl& control,
                                                std::string& limit_failure);
  // A measurement job (assignment.analysis), its input fetched to `input`: measures as
  // `vmm analyze` does, uploads the JSON report.
  absl::StatusOr<vmm::v1::JobSucceeded> Measure(const vmm::v1::Assignment& assignment,
                                                const std::string& folder,
                                                const std::string& input,
                                                const media::VideoInfo& info,
                                                ProgressReporter& reporter, JobControl& control);
  // Uploads the finished result at `path` (the input is gone by now).
  absl::StatusOr<vmm::v1::JobSucceeded> Upload(const vmm::v1::Assignment& assignment,
                                               const std::string& path, int64_t frames,
                                               ProgressReporter& reporter, JobControl& control);

  vmm::v1::WorkerService::StubInterface& stub_;
  const WorkerIdentity identity_;
  const JobRunnerConfig config_;
  WorkerModel& model_;
  WorkerMetrics& metrics_;
  const ControlSender send_;
  std::atomic<bool> work_folder_unusable_{false};
};

}  // namespace vmm::worker

// The durable record of every job: what was asked, where it stands, where its files are.
//
// JobStore is an interface so the scheduler and the services can be tested against any store;
// SqliteJobStore (sqlite_job_store.h) is the one the server uses. Implementations are
// thread-safe. Every successful mutation is durable when the call returns (the server
// acknowledges nothing before that). State changes use compare-and-set on the state (Update), so
// two racing transitions (a cancel and a worker's success) cannot both win.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::server {

// A job's state; the numbers are those of vmm.v1.Job.State.
enum class JobState {
  kQueued = 1,
  kRunning = 2,
  kSucceeded = 3,
  kFailed = 4,
  kCancelled = 5,
};

// True for SUCCEEDED, FAILED and CANCELLED.
bool IsFinal(JobState state);
// "QUEUED", "RUNNING", ...
absl::string_view JobStateName(JobState state);

// Everything the server keeps about one job.
struct JobRecord {
  std::string id;         // opaque id; the resource name is "jobs/" + id
  int64_t sequence = 0;   // set by Insert; increases with submission order
  std::string owner;      // the token's owner, or "anonymous"
  std::string display_name;
  std::map<std::string, std::string> labels;
  vmm::v1::MagnifyParams params;  // defaults already filled in
  vmm::v1::OutputFormat output_format = vmm::v1::OUTPUT_FORMAT_MP4;
  JobState state = JobState::kQueued;
  int attempts = 0;       // assignments to a worker so far
  std::string worker_id;  // the worker holding the lease while RUNNING, else empty
  absl::Time create_time = absl::InfinitePast();
  absl::Time start_time = absl::InfinitePast();  // first assignment; InfinitePast: never
  absl::Time end_time = absl::InfinitePast();    // final state; InfinitePast: not yet
  int64_t frames_done = 0;
  int64_t frames_total = 0;
  double frames_per_second = 0;
  std::string failure_reason;
  std::string upload_id;  // JobSpec.upload_id, empty if the upload was not resumable
  std::string input_filename;
  std::string input_path;         // absolute path of the input
  bool input_in_spool = true;     // false for server_path inputs (never deleted by the server)
  int64_t input_size_bytes = 0;
  std::string input_sha256;
  std::string result_path;        // empty until the worker uploaded a result
  int64_t result_size_bytes = 0;
  std::string result_sha256;
  // Set for a measurement job (JobSpec.analysis): what it measures; fixed at submission.
  std::optional<vmm::v1::AnalysisSpec> analysis;
};

// Which jobs List returns.
struct JobQuery {
  std::string owner;                        // empty: every owner
  std::optional<JobState> state;            // unset: any state
  std::map<std::string, std::string> labels;  // every one must match
  std::optional<absl::Time> ended_before;   // only final jobs that ended before this time
  int64_t before_sequence = 0;              // only jobs older than this; 0: from the newest
  int limit = 50;                           // most jobs in the page
};

// One page of List, newest first.
struct JobPage {
  std::vector<JobRecord> jobs;
  int64_t next_before_sequence = 0;  // JobQuery.before_sequence for the next page; 0: last page
};

// Durable job records.
class JobStore {
 public:
  virtual ~JobStore() = default;

  // Stores a new job and sets job->sequence. ALREADY_EXISTS if the id, or the owner's
  // upload_id, is taken.
  virtual absl::Status Insert(JobRecord* job) = 0;
  // Returns the job with this id; NOT_FOUND if there is none.
  virtual absl::StatusOr<JobRecord> Get(const std::string& id) = 0;
  // Returns the owner's job created from this upload id; NOT_FOUND if there is none.
  virtual absl::StatusOr<JobRecord> FindByUploadId(const std::string& owner,
                                                   const std::string& upload_id) = 0;
  // Returns the jobs matching `query`, newest first.
  virtual absl::StatusOr<JobPage> List(const JobQuery& query) = 0;
  // Counts the owner's QUEUED and RUNNING jobs.
  virtual absl::StatusOr<int64_t> CountActive(const std::string& owner) = 0;
  // Replaces every mutable field of the stored job with `job`'s, if the stored state is still
  // `expected_state`. NOT_FOUND if the job is gone; FAILED_PRECONDITION naming both states if
  // its state changed meanwhile.
  virtual absl::Status Update(const JobRecord& job, JobState expected_state) = 0;
  // Removes the job; NOT_FOUND if there is none.
  virtual absl::Status Delete(const std::string& id) = 0;
};

}  // namespace vmm::server

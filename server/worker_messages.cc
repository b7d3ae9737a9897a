#include "server/worker_messages.h"

#include <utility>

namespace vmm::server {

WorkerRegistration RegistrationFromProto(const vmm::v1::Register& message) {
  WorkerRegistration registration;
  registration.name = message.worker_name();
  registration.device = message.device();
  registration.max_jobs = message.max_jobs();
  registration.max_live_sessions = message.max_live_sessions();
  registration.measures = message.measures();
  registration.methods.insert(message.methods().begin(), message.methods().end());
  return registration;
}

WorkerHeartbeat HeartbeatFromProto(const vmm::v1::Heartbeat& message) {
  WorkerHeartbeat heartbeat;
  heartbeat.job_ids.assign(message.job_ids().begin(), message.job_ids().end());
  heartbeat.draining = message.draining();
  return heartbeat;
}

JobProgress ProgressFromProto(const vmm::v1::Progress& message) {
  JobProgress progress;
  progress.job_id = message.job_id();
  progress.frames_done = message.frames_done();
  progress.frames_total = message.frames_total();
  progress.frames_per_second = message.frames_per_second();
  return progress;
}

JobOutcome OutcomeFromProto(const vmm::v1::JobFinished& message) {
  JobOutcome outcome;
  outcome.job_id = message.job_id();
  switch (message.outcome_case()) {
    case vmm::v1::JobFinished::kSucceeded:
      outcome.kind = JobOutcome::Kind::kSucceeded;
      outcome.frames_processed = message.succeeded().frames_processed();
      outcome.result_size_bytes = message.succeeded().result_size_bytes();
      outcome.result_sha256 = message.succeeded().result_sha256();
      break;
    case vmm::v1::JobFinished::kFailed:
      outcome.kind = JobOutcome::Kind::kFailed;
      outcome.reason = message.failed().reason();
      outcome.retryable = message.failed().retryable();
      break;
    case vmm::v1::JobFinished::kHandedBack:
      outcome.kind = JobOutcome::Kind::kHandedBack;
      outcome.reason = message.handed_back().reason();
      break;
    case vmm::v1::JobFinished::kCancelled:
    case vmm::v1::JobFinished::OUTCOME_NOT_SET:
      outcome.kind = JobOutcome::Kind::kHandedBack;
      break;
  }
  return outcome;
}

MessageWorkerLink::MessageWorkerLink(std::function<void(vmm::v1::ServerMessage)> send,
                                     std::function<void()> disconnect)
    : send_(std::move(send)), disconnect_(std::move(disconnect)) {}

void MessageWorkerLink::Registered(const WorkerTerms& terms) {
  vmm::v1::ServerMessage message;
  vmm::v1::Registered* registered = message.mutable_registered();
  registered->set_worker_id(terms.worker_id);
  registered->set_heartbeat_interval_seconds(absl::ToDoubleSeconds(terms.heartbeat_interval));
  registered->set_lease_seconds(absl::ToDoubleSeconds(terms.lease));
  registered->set_max_frames(terms.max_frames);
  registered->set_max_frame_width(terms.max_frame_width);
  registered->set_max_frame_height(terms.max_frame_height);
  send_(std::move(message));
}

void MessageWorkerLink::Assign(const JobAssignment& assignment) {
  const JobRecord& job = assignment.job;
  vmm::v1::ServerMessage message;
  vmm::v1::Assignment* out = message.mutable_assignment();
  out->set_job_id(job.id);
  *out->mutable_params() = job.params;
  out->set_output_format(job.output_format);
  out->set_input_filename(job.input_filename);
  out->set_input_size_bytes(job.input_size_bytes);
  out->set_input_sha256(job.input_sha256);
  out->set_lease_seconds(absl::ToDoubleSeconds(assignment.lease));
  out->set_max_frames(assignment.max_frames);
  out->set_attempt(job.attempts);
  if (job.analysis.has_value()) *out->mutable_analysis() = *job.analysis;
  send_(std::move(message));
}

void MessageWorkerLink::Cancel(const std::string& job_id, const std::string& reason) {
  vmm::v1::ServerMessage message;
  message.mutable_cancel()->set_job_id(job_id);
  message.mutable_cancel()->set_reason(reason);
  send_(std::move(message));
}

void MessageWorkerLink::AssignLive(const LiveAssignment& assignment) {
  vmm::v1::ServerMessage message;
  vmm::v1::LiveAssignment* out = message.mutable_live_assignment();
  out->set_session_id(assignment.session_id);
  *out->mutable_config() = assignment.config;
  out->set_max_frames_in_flight(assignment.max_frames_in_flight);
  send_(std::move(message));
}

void MessageWorkerLink::Disconnect() {
  if (disconnect_) disconnect_();
}

}  // namespace vmm::server

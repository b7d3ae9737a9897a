#include "server/job_proto.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace vmm::server {
namespace {

void SetTime(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>((micros % 1000000) * 1000));
}

std::string EventMessage(const JobRecord& job) {
  switch (job.state) {
    case JobState::kQueued:
      return job.attempts > 0 ? absl::StrCat("queued again after ", job.attempts, " attempt(s)")
                              : "queued";
    case JobState::kRunning:
      return absl::StrCat("running on worker ", job.worker_id, " (attempt ", job.attempts, ")");
    case JobState::kSucceeded:
      return "succeeded";
    case JobState::kFailed:
      return absl::StrCat("failed: ", job.failure_reason);
    case JobState::kCancelled:
      return absl::StrCat("cancelled: ", job.failure_reason);
  }
  return "";
}

}  // namespace

vmm::v1::Job JobToProto(const JobRecord& job) {
  vmm::v1::Job proto;
  proto.set_name(absl::StrCat("jobs/", job.id));
  proto.set_display_name(job.display_name);
  proto.mutable_labels()->insert(job.labels.begin(), job.labels.end());
  *proto.mutable_params() = job.params;
  proto.set_output_format(job.output_format);
  if (job.analysis.has_value()) *proto.mutable_analysis() = *job.analysis;
  proto.set_state(static_cast<vmm::v1::Job::State>(job.state));
  proto.set_owner(job.owner);
  SetTime(job.create_time, proto.mutable_create_time());
  if (job.start_time != absl::InfinitePast()) SetTime(job.start_time, proto.mutable_start_time());
  if (job.end_time != absl::InfinitePast()) SetTime(job.end_time, proto.mutable_end_time());
  proto.set_attempt_count(job.attempts);
  proto.set_frames_done(job.frames_done);
  proto.set_frames_total(job.frames_total);
  proto.set_frames_per_second(job.frames_per_second);
  proto.set_failure_reason(job.failure_reason);
  proto.set_input_filename(job.input_filename);
  proto.set_input_size_bytes(job.input_size_bytes);
  proto.set_input_sha256(job.input_sha256);
  if (job.state == JobState::kSucceeded) {
    proto.set_result_size_bytes(job.result_size_bytes);
    proto.set_result_sha256(job.result_sha256);
  }
  return proto;
}

vmm::v1::JobEvent JobToEvent(const JobRecord& job, absl::Time now) {
  vmm::v1::JobEvent event;
  event.set_name(absl::StrCat("jobs/", job.id));
  event.set_state(static_cast<vmm::v1::Job::State>(job.state));
  event.set_frames_done(job.frames_done);
  event.set_frames_total(job.frames_total);
  event.set_frames_per_second(job.frames_per_second);
  if (job.state == JobState::kRunning && job.frames_per_second > 0 &&
      job.frames_total > job.frames_done) {
    event.set_eta_seconds(static_cast<double>(job.frames_total - job.frames_done) /
                          job.frames_per_second);
  }
  event.set_message(EventMessage(job));
  SetTime(now, event.mutable_event_time());
  *event.mutable_job() = JobToProto(job);
  return event;
}

std::string EncodePageToken(int64_t before_sequence) {
  return absl::WebSafeBase64Escape(absl::StrCat("vmm-page:", before_sequence));
}

absl::StatusOr<int64_t> DecodePageToken(const std::string& token) {
  std::string decoded;
  int64_t sequence = 0;
  absl::string_view rest;
  if (absl::WebSafeBase64Unescape(token, &decoded)) {
    rest = decoded;
    if (absl::ConsumePrefix(&rest, "vmm-page:") && absl::SimpleAtoi(rest, &sequence) &&
        sequence > 0) {
      return sequence;
    }
  }
  return absl::InvalidArgumentError(
      "page_token is not a token this server returned in next_page_token");
}

}  // namespace vmm::server

// The worker protocol's Connect messages and the scheduler's plain types: every outcome and
// every link call converts field by field.
#include "server/worker_messages.h"

#include <gtest/gtest.h>

#include <vector>

namespace vmm::server {
namespace {

TEST(WorkerMessagesTest, InboundMessagesKeepEveryField) {
  vmm::v1::Register register_message;
  register_message.set_worker_name("gpu-3");
  register_message.set_device("cuda:0");
  register_message.set_max_jobs(2);
  register_message.set_max_live_sessions(4);
  register_message.set_measures(true);
  const WorkerRegistration registration = RegistrationFromProto(register_message);
  EXPECT_EQ(registration.name, "gpu-3");
  EXPECT_EQ(registration.device, "cuda:0");
  EXPECT_EQ(registration.max_jobs, 2);
  EXPECT_EQ(registration.max_live_sessions, 4);
  EXPECT_TRUE(registration.measures);

  vmm::v1::Heartbeat heartbeat_message;
  heartbeat_message.add_job_ids("a");
  heartbeat_message.add_job_ids("b");
  heartbeat_message.set_draining(true);
  const WorkerHeartbeat heartbeat = HeartbeatFromProto(heartbeat_message);
  EXPECT_EQ(heartbeat.job_ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(heartbeat.draining);

  vmm::v1::Progress progress_message;
  progress_message.set_job_id("a");
  progress_message.set_frames_done(3);
  progress_message.set_frames_total(9);
  progress_message.set_frames_per_second(1.5);
  const JobProgress progress = ProgressFromProto(progress_message);
  EXPECT_EQ(progress.job_id, "a");
  EXPECT_EQ(progress.frames_done, 3);
  EXPECT_EQ(progress.frames_total, 9);
  EXPECT_EQ(progress.frames_per_second, 1.5);
}

TEST(WorkerMessagesTest, EveryOutcomeMapsToAKind) {
  vmm::v1::JobFinished finished;
  finished.set_job_id("a");
  finished.mutable_succeeded()->set_result_size_bytes(7);
  finished.mutable_succeeded()->set_result_sha256("ab");
  finished.mutable_succeeded()->set_frames_processed(5);
  JobOutcome outcome = OutcomeFromProto(finished);
  EXPECT_EQ(outcome.job_id, "a");
  EXPECT_EQ(outcome.kind, JobOutcome::Kind::kSucceeded);
  EXPECT_EQ(outcome.result_size_bytes, 7);
  EXPECT_EQ(outcome.result_sha256, "ab");
  EXPECT_EQ(outcome.frames_processed, 5);

  finished.mutable_failed()->set_reason("out of memory");
  finished.mutable_failed()->set_retryable(true);
  outcome = OutcomeFromProto(finished);
  EXPECT_EQ(outcome.kind, JobOutcome::Kind::kFailed);
  EXPECT_EQ(outcome.reason, "out of memory");
  EXPECT_TRUE(outcome.retryable);

  finished.mutable_handed_back()->set_reason("stopping");
  outcome = OutcomeFromProto(finished);
  EXPECT_EQ(outcome.kind, JobOutcome::Kind::kHandedBack);
  EXPECT_EQ(outcome.reason, "stopping");

  finished.mutable_cancelled();
  EXPECT_EQ(OutcomeFromProto(finished).kind, JobOutcome::Kind::kHandedBack);
  finished.clear_outcome();
  EXPECT_EQ(OutcomeFromProto(finished).kind, JobOutcome::Kind::kHandedBack);
}

TEST(WorkerMessagesTest, LinkSendsOneMessagePerCallInOrder) {
  std::vector<vmm::v1::ServerMessage> sent;
  int disconnects = 0;
  MessageWorkerLink link([&](vmm::v1::ServerMessage message) { sent.push_back(message); },
                         [&] { ++disconnects; });
  WorkerTerms terms;
  terms.worker_id = "w#1";
  terms.heartbeat_interval = absl::Seconds(5);
  terms.lease = absl::Seconds(30);
  terms.max_frames = 100;
  terms.max_frame_width = 640;
  terms.max_frame_height = 480;
  link.Registered(terms);
  JobAssignment assignment;
  assignment.job.id = "a";
  assignment.job.params.set_alpha(20);
  assignment.job.output_format = vmm::v1::OUTPUT_FORMAT_MKV;
  assignment.job.input_filename = "in.mp4";
  assignment.job.input_size_bytes = 11;
  assignment.job.input_sha256 = std::string(64, 'e');
  assignment.job.attempts = 2;
  assignment.lease = absl::Seconds(30);
  assignment.max_frames = 100;
  link.Assign(assignment);
  link.Cancel("a", "lease lapsed");
  LiveAssignment live;
  live.session_id = "s";
  live.config.set_width(64);
  live.max_frames_in_flight = 3;
  link.AssignLive(live);
  link.Disconnect();
  EXPECT_EQ(disconnects, 1);

  ASSERT_EQ(sent.size(), 4u);
  vmm::v1::ServerMessage message = sent[0];
  ASSERT_TRUE(message.has_registered());
  EXPECT_EQ(message.registered().worker_id(), "w#1");
  EXPECT_EQ(message.registered().heartbeat_interval_seconds(), 5);
  EXPECT_EQ(message.registered().lease_seconds(), 30);
  EXPECT_EQ(message.registered().max_frames(), 100);
  EXPECT_EQ(message.registered().max_frame_width(), 640);
  EXPECT_EQ(message.registered().max_frame_height(), 480);
  message = sent[1];
  ASSERT_TRUE(message.has_assignment());
  EXPECT_EQ(message.assignment().job_id(), "a");
  EXPECT_EQ(message.assignment().params().alpha(), 20);
  EXPECT_EQ(message.assignment().output_format(), vmm::v1::OUTPUT_FORMAT_MKV);
  EXPECT_EQ(message.assignment().input_filename(), "in.mp4");
  EXPECT_EQ(message.assignment().input_size_bytes(), 11);
  EXPECT_EQ(message.assignment().input_sha256(), std::string(64, 'e'));
  EXPECT_EQ(message.assignment().lease_seconds(), 30);
  EXPECT_EQ(message.assignment().max_frames(), 100);
  EXPECT_EQ(message.assignment().attempt(), 2);
  message = sent[2];
  ASSERT_TRUE(message.has_cancel());
  EXPECT_EQ(message.cancel().job_id(), "a");
  EXPECT_EQ(message.cancel().reason(), "lease lapsed");
  message = sent[3];
  ASSERT_TRUE(message.has_live_assignment());
  EXPECT_EQ(message.live_assignment().session_id(), "s");
  EXPECT_EQ(message.live_assignment().config().width(), 64);
  EXPECT_EQ(message.live_assignment().max_frames_in_flight(), 3);
}

}  // namespace
}  // namespace vmm::server

// The worker's control session against a fake server: registration, heartbeats, a job whose
// input is not a video (it fails with the media layer's reason and the session goes on),
// cancellation, hand-back while shutting down, and a refused registration.
#include "worker/control_session.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/sha256.h"
#include "tests/worker/fake_worker_service.h"
#include "worker/worker_model.h"
#include "worker/reconnect_loop.h"
#include "worker/server_channel.h"

namespace vmm::worker {
namespace {

using Message = vmm::v1::WorkerMessage;

class ControlSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.Start();
    options_.server = fake_.address();
    options_.name = "test-worker";
    options_.work_dir = ::testing::TempDir();
    options_.shutdown_grace_seconds = 0.5;
    context_.options = &options_;
    context_.device_name = "cpu";
    context_.metrics = &metrics_;
    context_.model = &model_;
    context_.shutdown = &shutdown_;
  }

  // Runs a session on a thread; Stop() ends it.
  void Start() {
    auto channel = MakeServerChannel({fake_.address(), "", ""});
    ASSERT_TRUE(channel.ok());
    session_ = std::make_unique<ControlSession>(*channel, context_);
    thread_ = std::thread([this] { result_ = session_->Run(&registered_); });
  }

  absl::Status Stop() {
    shutdown_.Request();
    thread_.join();
    return result_;
  }

  void Assign(const std::string& job_id, const std::string& input) {
    fake_.service.inputs[job_id] = input;
    vmm::v1::ServerMessage message;
    vmm::v1::Assignment* assignment = message.mutable_assignment();
    assignment->set_job_id(job_id);
    assignment->set_input_filename("input.mp4");
    assignment->set_input_size_bytes(static_cast<int64_t>(input.size()));
    assignment->set_input_sha256(common::Sha256Hex(input));
    assignment->set_output_format(vmm::v1::OUTPUT_FORMAT_MKV);
    assignment->set_attempt(1);
    fake_.service.Send(message);
  }

  static std::function<bool(const Message&)> FinishedJob(const std::string& job_id) {
    return [job_id](const Message& message) {
      return message.has_job_finished() && message.job_finished().job_id() == job_id;
    };
  }

  testing::FakeServer fake_;
  WorkerOptions options_;
  WorkerMetrics metrics_{"cpu", "engine Winograd"};
  WorkerModel model_{"", torch::kCPU};
  ShutdownSignal shutdown_;
  WorkerContext context_;
  std::unique_ptr<ControlSession> session_;
  std::thread thread_;
  absl::Status result_;
  bool registered_ = false;
};

TEST_F(ControlSessionTest, RegistersAndSendsHeartbeats) {
  Start();
  Message reg = fake_.service.WaitFor([](const Message& m) { return m.has_register_(); });
  EXPECT_EQ(reg.register_().worker_name(), "test-worker");
  EXPECT_EQ(reg.register_().device(), "cpu");
  EXPECT_EQ(reg.register_().max_jobs(), 1);
  Message heartbeat = fake_.service.WaitFor([](const Message& m) { return m.has_heartbeat(); });
  EXPECT_TRUE(heartbeat.has_heartbeat());
  EXPECT_TRUE(Stop().ok());
  EXPECT_TRUE(registered_);
  EXPECT_TRUE(fake_.service.WaitForDisconnect());
}

TEST_F(ControlSessionTest, CorruptInputFailsTheJobWithAReasonAndTheSessionGoesOn) {
  Start();
  Assign("bad-1", std::string(4096, '\x5a'));
  Message finished = fake_.service.WaitFor(FinishedJob("bad-1"));
  ASSERT_TRUE(finished.job_finished().has_failed()) << finished.DebugString();
  const std::string& reason = finished.job_finished().failed().reason();
  EXPECT_NE(reason.find("'input.mp4'"), std::string::npos) << reason;   // the owner's file name
  EXPECT_NE(reason.find("cannot be read as a video"), std::string::npos) << reason;
  EXPECT_NE(reason.find("moov atom not found"), std::string::npos) << reason;  // FFmpeg's reason
  EXPECT_EQ(reason.find("vmm-job-"), std::string::npos) << "leaks the worker's temp path";
  EXPECT_FALSE(finished.job_finished().failed().retryable());
  // The worker is free again: a second job is taken (and fails the same way), not handed back.
  Assign("bad-2", "not a video either");
  Message second = fake_.service.WaitFor(FinishedJob("bad-2"));
  EXPECT_TRUE(second.job_finished().has_failed()) << second.DebugString();
  EXPECT_TRUE(Stop().ok());
}

TEST_F(ControlSessionTest, CancelStopsTheJobWithinASecond) {
  fake_.service.stall_input = true;
  Start();
  Assign("slow-1", "bytes");
  fake_.service.WaitFor(
      [](const Message& m) { return m.has_heartbeat() && m.heartbeat().job_ids_size() == 1; });
  vmm::v1::ServerMessage cancel;
  cancel.mutable_cancel()->set_job_id("slow-1");
  const auto start = std::chrono::steady_clock::now();
  fake_.service.Send(cancel);
  Message finished = fake_.service.WaitFor(FinishedJob("slow-1"));
  EXPECT_TRUE(finished.job_finished().has_cancelled()) << finished.DebugString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_TRUE(Stop().ok());
}

TEST_F(ControlSessionTest, ShutdownHandsBackARunningJobAfterTheGrace) {
  fake_.service.stall_input = true;
  Start();
  Assign("slow-2", "bytes");
  fake_.service.WaitFor(
      [](const Message& m) { return m.has_heartbeat() && m.heartbeat().job_ids_size() == 1; });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(Stop().ok());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  Message finished = fake_.service.WaitFor(FinishedJob("slow-2"));
  EXPECT_TRUE(finished.job_finished().has_handed_back()) << finished.DebugString();
  EXPECT_GE(elapsed, std::chrono::milliseconds(450));  // the grace period was given
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST_F(ControlSessionTest, RefusedRegistrationIsReturned) {
  fake_.service.refuse_registration =
      grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "client token on the worker API");
  Start();
  thread_.join();
  EXPECT_FALSE(registered_);
  EXPECT_EQ(result_.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(result_.message().find("client token"), std::string::npos) << result_;
}

TEST(BackoffTest, DoublesFromTheMinimumUpToTheMaximum) {
  EXPECT_EQ(BackoffDelay(1, 0.5, 30, 1.0).count(), 500);
  EXPECT_EQ(BackoffDelay(2, 0.5, 30, 1.0).count(), 1000);
  EXPECT_EQ(BackoffDelay(4, 0.5, 30, 1.0).count(), 4000);
  EXPECT_EQ(BackoffDelay(20, 0.5, 30, 1.0).count(), 30000);
  EXPECT_EQ(BackoffDelay(1000, 0.5, 30, 1.0).count(), 30000);
  EXPECT_EQ(BackoffDelay(2, 0.5, 30, 0.5).count(), 500);
  EXPECT_EQ(BackoffDelay(2, 0.5, 30, 0.1).count(), 500);  // jitter clamped to [0.5, 1]
}

}  // namespace
}  // namespace vmm::worker

// The server's long-lived streams over real gRPC: they are callback reactors, so streams that
// wait (watches, worker connections) hold none of the handler threads that --max-threads
// bounds; a watch hears of changes as they happen and ends with UNAVAILABLE at shutdown.
#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

#include "tests/server/test_server.h"

namespace vmm::server {
namespace {

using testing::Context;
using testing::FakeWorker;
using testing::RandomBytes;
using testing::TestServer;

// An open WatchJob call.
struct Watch {
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientReader<vmm::v1::JobEvent>> reader;
};

Watch StartWatch(TestServer& server, const std::string& name) {
  Watch watch;
  watch.context = Context("", absl::Seconds(60));
  vmm::v1::WatchJobRequest request;
  request.set_name(name);
  watch.reader = server.api().WatchJob(watch.context.get(), request);
  return watch;
}

TEST(ServerStreamsTest, WaitingStreamsHoldNoHandlerThread) {
  // Four handler threads; twelve watches and three workers wait at once.
  TestServer server([](ServerOptions* options) { options->max_threads = 4; });
  ASSERT_TRUE(server.started()) << server.start_status();
  absl::StatusOr<vmm::v1::Job> job = server.Submit(vmm::v1::JobSpec(), RandomBytes(1000, 3));
  ASSERT_TRUE(job.ok()) << job.status();
  std::vector<Watch> watches;
  for (int i = 0; i < 12; ++i) {
    watches.push_back(StartWatch(server, job->name()));
    vmm::v1::JobEvent event;
    ASSERT_TRUE(watches.back().reader->Read(&event)) << "watch " << i;
    EXPECT_EQ(event.job().state(), vmm::v1::Job::QUEUED);
  }
  std::vector<std::unique_ptr<FakeWorker>> workers;
  for (int i = 0; i < 3; ++i) {
    // Three workers connect; one of them takes the job.
    workers.push_back(std::make_unique<FakeWorker>(server.channel()));
    ASSERT_TRUE(workers.back()->WaitRegistered()) << "worker " << i;
  }
  // Unary calls and uploads still get a thread.
  EXPECT_TRUE(server.Get(job->name()).ok());
  EXPECT_TRUE(server.Submit(vmm::v1::JobSpec(), RandomBytes(1000, 4)).ok());
  // Every watch hears of the cancel and ends.
  auto context = Context("");
  vmm::v1::CancelJobRequest cancel;
  cancel.set_name(job->name());
  vmm::v1::Job cancelled;
  ASSERT_TRUE(server.api().CancelJob(context.get(), cancel, &cancelled).ok());
  for (Watch& watch : watches) {
    vmm::v1::JobEvent event;
    vmm::v1::Job::State last = vmm::v1::Job::STATE_UNSPECIFIED;
    while (watch.reader->Read(&event)) last = event.job().state();
    EXPECT_EQ(last, vmm::v1::Job::CANCELLED);
    EXPECT_TRUE(watch.reader->Finish().ok());
  }
}

TEST(ServerStreamsTest, ShutdownEndsAWatchWithUnavailable) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  absl::StatusOr<vmm::v1::Job> job = server.Submit(vmm::v1::JobSpec(), RandomBytes(1000, 5));
  ASSERT_TRUE(job.ok()) << job.status();
  Watch watch = StartWatch(server, job->name());
  vmm::v1::JobEvent event;
  ASSERT_TRUE(watch.reader->Read(&event));
  std::thread stop([&]() { server.app().Shutdown(); });
  EXPECT_FALSE(watch.reader->Read(&event));
  const grpc::Status status = watch.reader->Finish();
  stop.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "the server is shutting down; watch again later");
}

TEST(ServerStreamsTest, WatchOfAMissingJobIsNotFound) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  Watch watch = StartWatch(server, "jobs/0123456789abcdef");
  vmm::v1::JobEvent event;
  EXPECT_FALSE(watch.reader->Read(&event));
  const grpc::Status status = watch.reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "job \"jobs/0123456789abcdef\" not found");
}

}  // namespace
}  // namespace vmm::server

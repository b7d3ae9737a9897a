// A real vmm-server in-process with a fake worker over gRPC: health checks, an upload that a
// worker reads, processes and returns, progress events, downloads with resume, metric names,
// and jobs surviving a restart and the loss of their worker.
#include <gtest/gtest.h>

#include <set>

#include "server/health_probe.h"
#include "tests/server/test_server.h"

namespace vmm::server {
namespace {

using testing::Context;
using testing::FakeWorker;
using testing::RandomBytes;
using testing::Sha256Hex;
using testing::TestServer;

std::string JobId(const vmm::v1::Job& job) { return job.name().substr(5); }

TEST(ServerTest, AnswersHealthChecksAndGoesNotServingOnShutdown) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  absl::StatusOr<ServingStatus> health = CheckHealth(server.channel(), "", absl::Seconds(5));
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, kServing);
  server.app().Shutdown();
  absl::StatusOr<ServingStatus> after = CheckHealth(server.channel(), "", absl::Seconds(2));
  EXPECT_FALSE(after.ok() && *after == kServing);
}

TEST(ServerTest, UploadIsProcessedByAWorkerAndDownloaded) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  FakeWorker worker(server.channel());
  ASSERT_TRUE(worker.WaitRegistered());

  const std::string input = RandomBytes(300000, 7);
  vmm::v1::JobSpec spec;
  spec.set_display_name("wrist pulse");
  spec.set_input_filename("wrist.mp4");
  (*spec.mutable_labels())["lab"] = "optics";
  spec.mutable_params()->set_alpha(15);
  absl::StatusOr<vmm::v1::Job> job = server.Submit(spec, input);
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->name().rfind("jobs/", 0), 0u);
  EXPECT_EQ(job->input_size_bytes(), 300000);
  EXPECT_EQ(job->input_sha256(), Sha256Hex(input));
  EXPECT_EQ(job->params().alpha(), 15);
  EXPECT_EQ(job->owner(), "anonymous");

  std::optional<vmm::v1::ServerMessage> message = worker.Next();
  ASSERT_TRUE(message.has_value() && message->has_assignment());
  const vmm::v1::Assignment& assignment = message->assignment();
  EXPECT_EQ(assignment.job_id(), JobId(*job));
  EXPECT_EQ(assignment.input_sha256(), Sha256Hex(input));
  EXPECT_EQ(assignment.params().alpha(), 15);
  EXPECT_EQ(assignment.input_filename(), "wrist.mp4");
  EXPECT_EQ(assignment.attempt(), 1);

  absl::StatusOr<std::string> read = worker.ReadInput(assignment.job_id());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, input);
  absl::StatusOr<std::string> tail = worker.ReadInput(assignment.job_id(), 299000);
  EXPECT_EQ(*tail, input.substr(299000));

  // Watch from another thread while the worker reports progress and finishes.
  std::vector<vmm::v1::JobEvent> events;
  grpc::Status watch_status;
  std::thread watcher([&]() {
    auto context = Context("", absl::Seconds(30));
    vmm::v1::WatchJobRequest request;
    request.set_name(job->name());
    auto reader = server.api().WatchJob(context.get(), request);
    vmm::v1::JobEvent event;
    while (reader->Read(&event)) events.push_back(event);
    watch_status = reader->Finish();
  });
  vmm::v1::WorkerMessage progress;
  progress.mutable_progress()->set_job_id(assignment.job_id());
  progress.mutable_progress()->set_frames_done(50);
  progress.mutable_progress()->set_frames_total(100);
  progress.mutable_progress()->set_frames_per_second(25);
  ASSERT_TRUE(worker.Send(progress));
  absl::SleepFor(absl::Milliseconds(600));
  absl::StatusOr<vmm::v1::Job> running = server.Get(job->name());
  EXPECT_EQ(running->state(), vmm::v1::Job::RUNNING);
  EXPECT_EQ(running->frames_done(), 50);
  EXPECT_EQ(running->frames_total(), 100);

  const std::string result = RandomBytes(120000, 8);
  absl::StatusOr<vmm::v1::WriteResultResponse> written =
      worker.WriteResult(assignment.job_id(), result);
  ASSERT_TRUE(written.ok()) << written.status();
  vmm::v1::WorkerMessage finished;
  finished.mutable_job_finished()->set_job_id(assignment.job_id());
  finished.mutable_job_finished()->mutable_succeeded()->set_result_size_bytes(120000);
  finished.mutable_job_finished()->mutable_succeeded()->set_result_sha256(Sha256Hex(result));
  finished.mutable_job_finished()->mutable_succeeded()->set_frames_processed(100);
  ASSERT_TRUE(worker.Send(finished));
  watcher.join();

  EXPECT_TRUE(watch_status.ok()) << watch_status.error_message();
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.back().state(), vmm::v1::Job::SUCCEEDED);
  EXPECT_EQ(events.back().job().result_sha256(), Sha256Hex(result));
  bool saw_progress = false;
  for (const auto& event : events) {
    if (event.state() == vmm::v1::Job::RUNNING && event.frames_done() == 50) {
      saw_progress = true;
      EXPECT_NEAR(event.eta_seconds(), 2.0, 1e-9);
    }
  }
  EXPECT_TRUE(saw_progress);

  vmm::v1::DownloadResultResponse first;
  absl::StatusOr<std::string> downloaded = server.Download(job->name(), 0, &first);
  ASSERT_TRUE(downloaded.ok()) << downloaded.status();
  EXPECT_EQ(*downloaded, result);
  EXPECT_EQ(first.total_size_bytes(), 120000);
  EXPECT_EQ(first.sha256(), Sha256Hex(result));
  absl::StatusOr<std::string> resumed = server.Download(job->name(), 100000, &first);
  EXPECT_EQ(*resumed, result.substr(100000));
  EXPECT_EQ(server.Download(job->name(), 120001, nullptr).status().code(),
            absl::StatusCode::kOutOfRange);

  EXPECT_EQ(server.app().metrics().jobs_submitted.Value(), 1);
  EXPECT_EQ(server.app().metrics().jobs_succeeded.Value(), 1);
  EXPECT_EQ(server.app().metrics().upload_bytes.Value(), 300000);
  EXPECT_EQ(server.app().metrics().frames_processed.Value(), 50);
  EXPECT_GE(server.app().metrics().download_bytes.Value(), 120000 + 20000);

  // Listing with a label filter, then deleting.
  auto context = Context("");
  vmm::v1::ListJobsRequest list;
  (*list.mutable_labels())["lab"] = "optics";
  vmm::v1::ListJobsResponse listed;
  ASSERT_TRUE(server.api().ListJobs(context.get(), list, &listed).ok());
  ASSERT_EQ(listed.jobs_size(), 1);
  EXPECT_EQ(listed.jobs(0).name(), job->name());
  EXPECT_TRUE(listed.next_page_token().empty());
  auto delete_context = Context("");
  vmm::v1::DeleteJobRequest remove;
  remove.set_name(job->name());
  google::protobuf::Empty empty;
  ASSERT_TRUE(server.api().DeleteJob(delete_context.get(), remove, &empty).ok());
  EXPECT_EQ(server.Get(job->name()).status().code(), absl::StatusCode::kNotFound);
}

TEST(ServerTest, AJobWhoseWorkerDiesGoesToAnotherWorker) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  absl::StatusOr<vmm::v1::Job> job = server.Submit(vmm::v1::JobSpec(), RandomBytes(1000));
  ASSERT_TRUE(job.ok()) << job.status();
  {
    FakeWorker doomed(server.channel());
    ASSERT_TRUE(doomed.WaitRegistered());
    ASSERT_TRUE(doomed.Next().has_value());
  }  // the stream ends: the job returns to the queue
  FakeWorker rescuer(server.channel());
  ASSERT_TRUE(rescuer.WaitRegistered());
  std::optional<vmm::v1::ServerMessage> message = rescuer.Next();
  ASSERT_TRUE(message.has_value() && message->has_assignment());
  EXPECT_EQ(message->assignment().job_id(), JobId(*job));
  EXPECT_EQ(message->assignment().attempt(), 2);
  // The first worker can no longer read the input.
  FakeWorker other(server.channel());
  ASSERT_TRUE(other.WaitRegistered());
  EXPECT_EQ(other.ReadInput(JobId(*job)).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ServerTest, AcceptedJobsSurviveARestart) {
  testing::TempDir dir;
  std::string name;
  {
    TestServer first(nullptr, dir.Join("data"));
    ASSERT_TRUE(first.started()) << first.start_status();
    absl::StatusOr<vmm::v1::Job> job = first.Submit(vmm::v1::JobSpec(), RandomBytes(5000));
    ASSERT_TRUE(job.ok()) << job.status();
    name = job->name();
    FakeWorker worker(first.channel());
    ASSERT_TRUE(worker.WaitRegistered());
    ASSERT_TRUE(worker.Next().has_value());  // RUNNING when the server stops
    first.app().Shutdown();
  }
  TestServer second(nullptr, dir.Join("data"));
  ASSERT_TRUE(second.started()) << second.start_status();
  absl::StatusOr<vmm::v1::Job> job = second.Get(name);
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->state(), vmm::v1::Job::QUEUED);
  EXPECT_EQ(job->attempt_count(), 0);  // taken back at shutdown: not counted
  FakeWorker worker(second.channel());
  ASSERT_TRUE(worker.WaitRegistered());
  std::optional<vmm::v1::ServerMessage> message = worker.Next();
  ASSERT_TRUE(message.has_value() && message->has_assignment());
  absl::StatusOr<std::string> input = worker.ReadInput(message->assignment().job_id());
  ASSERT_TRUE(input.ok());
  EXPECT_EQ(*input, RandomBytes(5000));
}

TEST(ServerTest, ExportsExactlyTheDocumentedMetricNames) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  std::set<std::string> names;
  for (const auto& family : server.app().metrics().registry()->Collect()) {
    names.insert(family.name);
  }
  // docs/metrics.md, vmm-server table.
  const std::set<std::string> documented = {
      "vmm_jobs_submitted_total", "vmm_jobs_finished_total",   "vmm_queue_depth",
      "vmm_jobs_running",         "vmm_job_duration_seconds",  "vmm_job_queue_wait_seconds",
      "vmm_frames_processed_total", "vmm_upload_bytes_total", "vmm_download_bytes_total",
      "vmm_workers_connected",    "vmm_live_sessions",         "vmm_live_frame_latency_seconds"};
  EXPECT_EQ(names, documented);
}

}  // namespace
}  // namespace vmm::server

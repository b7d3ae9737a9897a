// What goes wrong, and what the service does about it: a worker killed mid-job, the server
// killed after accepting a job, cancellation, a corrupt input, an upload over the limit.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "tests/integration/service_test.h"

namespace vmm::integration {
namespace {

// Frames of a 96x64 input that keep a job running for a few seconds on one CPU thread, long
// enough for a test to see it running and interrupt it (20 frames took about one second).
constexpr int kLongJobFrames = 150;
// Frames of a job that must still be running when the test acts on it (cancel, delete, SIGTERM):
// long enough that a fast machine cannot finish it first (60 took 2.2 s on one), and cancelled,
// so the length costs no time.
constexpr int kRunningJobFrames = 600;

class FaultsTest : public ServiceTest {
 protected:
  // Submits `input` without waiting; returns the job's name.
  std::string SubmitNoWait(const std::string& input, std::vector<std::string> flags = {}) {
    std::vector<std::string> args = {"submit", input, "--no-wait", "--format", "mkv"};
    args.insert(args.end(), flags.begin(), flags.end());
    CommandResult submit = service_->Vmm(args);
    EXPECT_EQ(submit.exit_code, 0) << submit.err;
    return submit.out.substr(0, submit.out.find('\n'));
  }

  // The job folders (vmm-job-*) in `dir`.
  static std::vector<std::string> JobFolders(const std::string& dir) {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("vmm-job-", 0) == 0) found.push_back(name);
    }
    return found;
  }
};

TEST_F(FaultsTest, WorkerKilledMidJobCompletesOnARestartedWorkerWithTheSameResult) {
  StartServer(Config(0, {}, {"--lease=3s", "--heartbeat-interval=1s"}));
  const std::string input = MakeInput("in.mkv", 128, 96, 90);
  Subprocess& first = service_->StartWorker("w1", {"--batch=1"});
  const std::string job = SubmitNoWait(input, {"--alpha", "4"});
  WaitForJob(job, IsRunningWithProgress);
  first.Signal(SIGKILL);
  first.Wait(std::chrono::seconds(10));
  service_->StartWorker("w2", {"--batch=1"});
  CommandResult watch = service_->Vmm({"watch", job});
  ASSERT_EQ(watch.exit_code, 0) << watch.err;
  const vmm::v1::Job done =
      WaitForJob(job, [](const vmm::v1::Job& j) { return j.state() == vmm::v1::Job::SUCCEEDED; });
  EXPECT_EQ(done.attempt_count(), 2) << done.DebugString();
  EXPECT_EQ(done.frames_done(), 90);
  ASSERT_EQ(service_->Vmm({"fetch", job, "-o", Path("remote.mkv")}).exit_code, 0);
  ASSERT_EQ(MagnifyLocally(input, Path("local.mkv"), {"--alpha", "4"}), 0);
  EXPECT_EQ(CompareVideos(Path("remote.mkv"), Path("local.mkv")), "");
  // The killed worker's folder, with its copy of the input, went when the next one started.
  EXPECT_TRUE(JobFolders(Path("")).empty()) << JobFolders(Path("")).front();
}

// A worker whose work folder cannot hold a job's files takes no job (none fails for it) until
// the folder works, then runs them.
TEST_F(FaultsTest, WorkerWithAnUnusableWorkFolderTakesNoJobsUntilItWorks) {
  StartServer(Config(0));
  const std::string work = Path("work");  // not there yet
  Subprocess& worker = service_->StartWorker("w1", {"--batch=1", "--work-dir=" + work});
  const std::string job = SubmitNoWait(MakeInput("in.mkv", 64, 48, 5));
  std::this_thread::sleep_for(std::chrono::seconds(3));
  absl::StatusOr<vmm::v1::Job> waiting = service_->GetJob(job);
  ASSERT_TRUE(waiting.ok()) << waiting.status();
  EXPECT_EQ(waiting->state(), vmm::v1::Job::QUEUED) << waiting->DebugString();
  EXPECT_EQ(waiting->attempt_count(), 0);
  EXPECT_NE(ReadFile(Path("w1.log")).find("not taking jobs: cannot create a job folder in the "
                                          "work folder '" + work + "'"),
            std::string::npos)
      << ReadFile(Path("w1.log"));
  std::filesystem::create_directories(work);
  const vmm::v1::Job done = WaitForJob(
      job, [](const vmm::v1::Job& j) { return j.state() == vmm::v1::Job::SUCCEEDED; });
  EXPECT_EQ(done.attempt_count(), 1) << done.DebugString();
  EXPECT_TRUE(JobFolders(work).empty());
  // The folder goes while the worker is connected: the next job is handed back, not failed,
  // and waits until the folder is back.
  std::filesystem::remove_all(work);
  const std::string second = SubmitNoWait(MakeInput("in2.mkv", 64, 48, 5));
  std::this_thread::sleep_for(std::chrono::seconds(3));
  absl::StatusOr<vmm::v1::Job> handed_back = service_->GetJob(second);
  ASSERT_TRUE(handed_back.ok()) << handed_back.status();
  EXPECT_EQ(handed_back->state(), vmm::v1::Job::QUEUED) << handed_back->DebugString();
  EXPECT_EQ(handed_back->attempt_count(), 0) << handed_back->DebugString();
  std::filesystem::create_directories(work);
  const vmm::v1::Job later = WaitForJob(
      second, [](const vmm::v1::Job& j) { return j.state() == vmm::v1::Job::SUCCEEDED; });
  EXPECT_EQ(later.attempt_count(), 1) << later.DebugString();
  (void)worker;
}

TEST_F(FaultsTest, SigtermLetsTheRunningJobFinishWithinTheGrace) {
  StartServer(Config(0));
  Subprocess& worker = service_->StartWorker("w1", {"--batch=1", "--shutdown-grace=120"});
  const std::string job = SubmitNoWait(MakeInput("in.mkv", 96, 64, kLongJobFrames));
  WaitForJob(job, IsRunningWithProgress);
  worker.Signal(SIGTERM);
  const std::optional<int> code = worker.Wait(std::chrono::seconds(120));
  ASSERT_TRUE(code.has_value()) << "the worker did not exit";
  EXPECT_EQ(*code, 0);
  const vmm::v1::Job done = WaitForJob(job, [](const vmm::v1::Job& j) {
    return j.state() == vmm::v1::Job::SUCCEEDED;
  });
  EXPECT_EQ(done.attempt_count(), 1) << done.DebugString();
  EXPECT_EQ(done.frames_done(), kLongJobFrames);
}

TEST_F(FaultsTest, SigtermHandsTheJobBackWhenTheGraceRunsOut) {
  StartServer(Config(0));
  Subprocess& worker = service_->StartWorker("w1", {"--batch=1", "--shutdown-grace=0"});
  const std::string job = SubmitNoWait(MakeInput("in.mkv", 128, 96, kRunningJobFrames));
  WaitForJob(job, IsRunningWithProgress);
  worker.Signal(SIGTERM);
  const std::optional<int> code = worker.Wait(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << "the worker did not exit";
  EXPECT_EQ(*code, 0);
  WaitForJob(job, [](const vmm::v1::Job& j) { return j.state() == vmm::v1::Job::QUEUED; });
  EXPECT_NE(ReadFile(Path("w1.log")).find("handed back"), std::string::npos);
  EXPECT_EQ(service_->Vmm({"cancel", job}).exit_code, 0);
}

TEST_F(FaultsTest, ServerKilledAfterAcceptingAJobCompletesItAfterRestart) {
  StartServer(Config(0));
  const std::string input = MakeInput("in.mp4", 64, 48, 8);
  const std::string job = SubmitNoWait(input);
  service_->StopServer(SIGKILL);
  StartServer(Config(0));
  service_->StartWorker("w1");
  CommandResult watch = service_->Vmm({"watch", job});
  ASSERT_EQ(watch.exit_code, 0) << watch.err;
  CommandResult fetch = service_->Vmm({"fetch", job, "-o", Path("out.mkv")});
  ASSERT_EQ(fetch.exit_code, 0) << fetch.err;
  absl::StatusOr<std::vector<media::Frame>> frames = ReadFrames(Path("out.mkv"));
  ASSERT_TRUE(frames.ok()) << frames.status();
  EXPECT_EQ(frames->size(), 8u);
}

TEST_F(FaultsTest, ServerKilledMidJobRecoversAndTheSameWorkerReconnectsAndFinishesIt) {
  StartServer(Config(0));
  service_->StartWorker("w1", {"--batch=1"});
  const std::string job = SubmitNoWait(MakeInput("in.mkv", 96, 64, kLongJobFrames));
  WaitForJob(job, IsRunningWithProgress);
  service_->StopServer(SIGKILL);
  StartServer(Config(0));
  CommandResult watch = service_->Vmm({"watch", job});
  ASSERT_EQ(watch.exit_code, 0) << watch.err;
  const vmm::v1::Job done = WaitForJob(job, [](const vmm::v1::Job& j) {
    return j.state() == vmm::v1::Job::SUCCEEDED;
  });
  EXPECT_EQ(done.frames_done(), kLongJobFrames);
  EXPECT_NE(ReadFile(Path("w1.log")).find("disconnected"), std::string::npos);
}

TEST_F(FaultsTest, CancelWhileRunningStopsTheJobAndTheWorkerTakesTheNext) {
  StartServer(Config(1, {"--batch=1"}));
  const std::string input = MakeInput("long.mkv", 128, 96, kRunningJobFrames);
  const std::string job = SubmitNoWait(input);
  WaitForJob(job, IsRunningWithProgress);
  CommandResult cancel = service_->Vmm({"cancel", job, "--json"});
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  CommandResult watch = service_->Vmm({"watch", job});
  EXPECT_EQ(watch.exit_code, 4) << watch.err;
  const vmm::v1::Job cancelled =
      WaitForJob(job, [](const vmm::v1::Job& j) { return j.state() == vmm::v1::Job::CANCELLED; });
  EXPECT_LT(cancelled.frames_done(), kRunningJobFrames);
  // The worker stopped working within a second: it is idle and serves the next job.
  const auto idle_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (ServiceHarness::MetricValue(service_->ScrapeServer(), "vmm_jobs_running") != 0 &&
         std::chrono::steady_clock::now() < idle_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(ServiceHarness::MetricValue(service_->ScrapeServer(), "vmm_jobs_running"), 0);
  // Deleting a cancelled job works; the worker is free for the next one.
  EXPECT_EQ(service_->Vmm({"delete", job}).exit_code, 0);
  const std::string small = MakeInput("small.mp4", 64, 48, 8);
  CommandResult next = service_->Vmm({"submit", small, "-o", Path("next.mp4")});
  EXPECT_EQ(next.exit_code, 0) << next.err;
}

TEST_F(FaultsTest, CancelStopsTheWorkerInsideALongBatch) {
  // One batch of 16 frames at 320x240 is several seconds of work on one CPU thread; the cancel
  // must not wait for it to end.
  StartServer(Config(0));
  service_->StartWorker("w1", {"--batch=16"});
  ASSERT_TRUE(service_->WaitForWorkers(1));
  const int worker_metrics_port = std::stoi(ReadFile(Path("w1.metrics-port")));
  const auto metric = [&](const std::string& name) {
    return ServiceHarness::MetricValue(HttpGetMetrics(worker_metrics_port), name);
  };
  const auto busy = [&] { return metric("vmm_worker_busy"); };
  const std::string job = SubmitNoWait(MakeInput("batch.mkv", 320, 240, 16));
  // The cancel goes out once the worker says the batch is inside the network.
  const auto batch_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (metric("vmm_worker_frames_in_network") != 16 &&
         std::chrono::steady_clock::now() < batch_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(metric("vmm_worker_frames_in_network"), 16);
  ASSERT_EQ(busy(), 1);
  ASSERT_EQ(service_->Vmm({"cancel", job}).exit_code, 0);
  // From the moment the server has accepted the cancel (the CLI's own start-up is not the
  // worker's delay).
  const auto cancelled_at = std::chrono::steady_clock::now();
  while (busy() != 0 && std::chrono::steady_clock::now() - cancelled_at < std::chrono::seconds(60)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - cancelled_at).count();
  EXPECT_LT(seconds, 3.0) << "the worker went on with the batch after the cancel";
  const vmm::v1::Job stopped = WaitForJob(job, [](const vmm::v1::Job& j) {
    return j.state() == vmm::v1::Job::CANCELLED;
  });
  EXPECT_EQ(stopped.frames_done(), 0);  // the batch was cut short: no frame of it was written
  EXPECT_EQ(metric("vmm_worker_frames_in_network"), 0);
}

TEST_F(FaultsTest, DeletingARunningJobIsRefused) {
  StartServer(Config(1, {"--batch=1"}));
  const std::string job = SubmitNoWait(MakeInput("long.mkv", 128, 96, kRunningJobFrames));
  WaitForJob(job, IsRunningWithProgress);
  CommandResult removed = service_->Vmm({"delete", job});
  EXPECT_EQ(removed.exit_code, 1);
  EXPECT_NE(removed.err.find("FAILED_PRECONDITION"), std::string::npos) << removed.err;
  EXPECT_EQ(service_->Vmm({"cancel", job}).exit_code, 0);
}

TEST_F(FaultsTest, CorruptVideoFailsWithAReasonAndTheWorkerServesTheNextJob) {
  StartServer(Config(1));
  // Two H.264 streams of different sizes one after the other: the first frame decodes (so
  // `vmm submit` sends it), and the worker finds the change of size frames later.
  const std::string part_a = Path("a.ts"), part_b = Path("b.ts"), broken = Path("broken.ts");
  for (const auto& [path, size] : {std::pair{part_a, "64x48"}, std::pair{part_b, "96x64"}}) {
    ASSERT_EQ(RunCommand({"/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f",
                          "lavfi", "-i", std::string("testsrc2=size=") + size + ":rate=10",
                          "-frames:v", "5", "-c:v", "libx264", "-pix_fmt", "yuv420p", path},
                         {}, std::chrono::seconds(60), dir_)
                  .exit_code,
              0);
  }
  std::ofstream(broken, std::ios::binary) << ReadFile(part_a) << ReadFile(part_b);
  CommandResult failed = service_->Vmm({"submit", broken, "-o", Path("x.mp4")});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  EXPECT_NE(failed.err.find("failed:"), std::string::npos) << failed.err;
  CommandResult list = service_->Vmm({"list", "--state", "FAILED", "--json"});
  ASSERT_EQ(list.exit_code, 0);
  const nlohmann::json jobs = LastJson(list.out)["jobs"];
  ASSERT_EQ(jobs.size(), 1u) << list.out;
  const std::string reason = jobs[0]["failure_reason"];
  EXPECT_NE(reason.find("frame 5 is 96x64 but the first frame is 64x48"), std::string::npos)
      << reason;
  EXPECT_NE(reason.find("broken.ts"), std::string::npos) << reason;
  EXPECT_FALSE(std::filesystem::exists(Path("x.mp4")));
  CommandResult next =
      service_->Vmm({"submit", MakeInput("ok.mp4", 64, 48, 8), "-o", Path("ok-out.mp4")});
  EXPECT_EQ(next.exit_code, 0) << next.err;
}

TEST_F(FaultsTest, UploadOverTheLimitIsResourceExhaustedAndLeavesNothingInTheSpool) {
  StartServer(Config(0, {}, {"--max-upload-bytes=10K"}));
  const std::string big = MakeInput("big.mkv", 128, 96, 30);  // lossless: far above 10 KiB
  ASSERT_GT(std::filesystem::file_size(big), 10u * 1024);
  CommandResult submit = service_->Vmm({"submit", big, "-o", Path("out.mp4")});
  EXPECT_EQ(submit.exit_code, 1) << submit.err;
  EXPECT_NE(submit.err.find("RESOURCE_EXHAUSTED"), std::string::npos) << submit.err;
  int leftover = 0;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir_ + "/data/spool", error)) {
    if (entry.is_regular_file()) {
      ++leftover;
      ADD_FAILURE() << "left in the spool: " << entry.path();
    }
  }
  EXPECT_EQ(leftover, 0);
  CommandResult list = service_->Vmm({"list", "--json"});
  EXPECT_EQ(LastJson(list.out)["jobs"].size(), 0u) << list.out;
}

}  // namespace
}  // namespace vmm::integration

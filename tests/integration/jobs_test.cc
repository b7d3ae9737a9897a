// Jobs through the real service: upload, progress events, download, equality with the local
// `vmm magnify`, listing, deletion and resumed downloads.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/service_test.h"

namespace vmm::integration {
namespace {

class JobsTest : public ServiceTest {};

TEST_F(JobsTest, SubmitGivesTheSameFramesAsLocalMagnify) {
  StartServer(Config(1));
  const std::string input = MakeInput("in.mp4", 64, 48, 12);
  CommandResult submit = service_->Vmm(
      {"submit", input, "-o", Path("remote.mkv"), "--alpha", "5", "--name", "equality", "--json"});
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  const nlohmann::json job = LastJson(submit.out);
  EXPECT_EQ(job["state"], "SUCCEEDED") << submit.out;
  EXPECT_EQ(job["display_name"], "equality");
  EXPECT_EQ(job["frames_done"], "12");  // int64 fields are JSON strings
  ASSERT_EQ(MagnifyLocally(input, Path("local.mkv"), {"--alpha", "5"}), 0);
  EXPECT_EQ(CompareVideos(Path("remote.mkv"), Path("local.mkv")), "");
}

TEST_F(JobsTest, WatchStreamsProgressEventsUpToTheFinalState) {
  StartServer(Config(1, {"--batch=1"}));
  const std::string input = MakeInput("in.mkv", 64, 48, 20);
  CommandResult submit = service_->Vmm({"submit", input, "--no-wait", "--format", "mkv"});
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  const std::string job = submit.out.substr(0, submit.out.find('\n'));
  ASSERT_EQ(job.rfind("jobs/", 0), 0u) << submit.out;
  CommandResult watch = service_->Vmm({"watch", job, "--json"});
  ASSERT_EQ(watch.exit_code, 0) << watch.err;
  std::istringstream lines(watch.out);
  std::string line;
  std::vector<nlohmann::json> events;
  while (std::getline(lines, line)) events.push_back(nlohmann::json::parse(line));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()["state"], "SUCCEEDED");
  EXPECT_EQ(events.back()["frames_done"], "20");
  int64_t previous = 0;
  for (const nlohmann::json& event : events) {
    EXPECT_EQ(event["name"], job);
    const int64_t done = std::stoll(event["frames_done"].get<std::string>());
    if (event["state"] == "RUNNING") EXPECT_GE(done, previous) << "progress went backwards";
    if (event["state"] == "RUNNING") previous = done;
  }
  // Fetch gives the stored result.
  CommandResult fetch = service_->Vmm({"fetch", job, "-o", Path("out.mkv")});
  ASSERT_EQ(fetch.exit_code, 0) << fetch.err;
  absl::StatusOr<std::vector<media::Frame>> frames = ReadFrames(Path("out.mkv"));
  ASSERT_TRUE(frames.ok()) << frames.status();
  EXPECT_EQ(frames->size(), 20u);
}

TEST_F(JobsTest, DownloadResumesFromAnOffset) {
  StartServer(Config(1));
  const std::string input = MakeInput("in.mp4", 64, 48, 10);
  CommandResult submit = service_->Vmm({"submit", input, "-o", Path("whole.mp4"), "--json"});
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  const std::string job = LastJson(submit.out)["name"];
  const std::string whole = ReadFile(Path("whole.mp4"));
  ASSERT_GT(whole.size(), 100u);
  const size_t half = whole.size() / 2;
  std::ofstream(Path("part.mp4"), std::ios::binary) << whole.substr(0, half) << "garbage";
  CommandResult fetch =
      service_->Vmm({"fetch", job, "-o", Path("part.mp4"), "--offset", std::to_string(half)});
  ASSERT_EQ(fetch.exit_code, 0) << fetch.err;
  EXPECT_EQ(ReadFile(Path("part.mp4")), whole);
  // --resume goes on after the bytes the file holds.
  std::ofstream(Path("resume.mp4"), std::ios::binary) << whole.substr(0, 77);
  fetch = service_->Vmm({"fetch", job, "-o", Path("resume.mp4"), "--resume"});
  ASSERT_EQ(fetch.exit_code, 0) << fetch.err;
  EXPECT_EQ(ReadFile(Path("resume.mp4")), whole);
  // --input fetches the uploaded input itself, byte for byte, resumable the same way.
  fetch = service_->Vmm({"fetch", job, "-o", Path("input.mp4"), "--input"});
  ASSERT_EQ(fetch.exit_code, 0) << fetch.err;
  EXPECT_EQ(ReadFile(Path("input.mp4")), ReadFile(input));
  std::ofstream(Path("input-part.mp4"), std::ios::binary) << ReadFile(input).substr(0, 50);
  fetch = service_->Vmm({"fetch", job, "-o", Path("input-part.mp4"), "--input", "--resume"});
  ASSERT_EQ(fetch.exit_code, 0) << fetch.err;
  EXPECT_EQ(ReadFile(Path("input-part.mp4")), ReadFile(input));
  // An offset past the end of the local file is refused before anything is sent.
  fetch = service_->Vmm({"fetch", job, "-o", Path("resume.mp4"), "--offset", "999999999"});
  EXPECT_EQ(fetch.exit_code, 2) << fetch.err;
  EXPECT_NE(fetch.err.find("--offset 999999999"), std::string::npos) << fetch.err;
}

TEST_F(JobsTest, ListFiltersAndDeleteRemovesAFinishedJob) {
  StartServer(Config(1));
  const std::string input = MakeInput("in.mp4", 64, 48, 8);
  CommandResult submit = service_->Vmm(
      {"submit", input, "-o", Path("out.mp4"), "--label", "experiment=one", "--json"});
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  const std::string job = LastJson(submit.out)["name"];

  CommandResult list = service_->Vmm({"list", "--label", "experiment=one", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  nlohmann::json page = LastJson(list.out);
  ASSERT_EQ(page["jobs"].size(), 1u) << list.out;
  EXPECT_EQ(page["jobs"][0]["name"], job);
  list = service_->Vmm({"list", "--state", "failed", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(LastJson(list.out)["jobs"].size(), 0u);
  list = service_->Vmm({"list", "--state", "sideways"});
  EXPECT_EQ(list.exit_code, 2);
  EXPECT_NE(list.err.find("sideways"), std::string::npos);

  CommandResult removed = service_->Vmm({"delete", job});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  CommandResult status = service_->Vmm({"status", job});
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_NE(status.err.find("NOT_FOUND"), std::string::npos) << status.err;
  CommandResult fetch = service_->Vmm({"fetch", job, "-o", Path("gone.mp4")});
  EXPECT_EQ(fetch.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(Path("gone.mp4"))) << "a failed fetch left a file";
}

}  // namespace
}  // namespace vmm::integration

#include "tests/integration/service_test.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

namespace vmm::integration {

std::string ServiceTest::model_;

void ServiceTest::SetUpTestSuite() {
  if (!model_.empty()) return;
  model_ = ::testing::TempDir() + "/vmm-integration-model-" + std::to_string(getpid()) + ".vmmw";
  const absl::Status made = MakeRandomModel(model_, 1234);
  ASSERT_TRUE(made.ok()) << made;
}

void ServiceTest::TearDownTestSuite() {
  if (model_.empty()) return;
  std::filesystem::remove(model_);
  model_.clear();
}

void ServiceTest::SetUp() {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  dir_ = ::testing::TempDir() + "/vmm-it-" + test->test_suite_name() + "-" + test->name() + "-" +
         std::to_string(getpid());
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  service_ = std::make_unique<ServiceHarness>(dir_, model_);
}

void ServiceTest::TearDown() {
  if (HasFailure() && service_) {
    std::cerr << "---- server log ----\n" << service_->server_log().substr(0, 20000) << "\n";
  }
  service_.reset();
  // Kept after a failure, or always with VMM_KEEP_TEST_DIRS set, for its logs.
  if (!HasFailure() && std::getenv("VMM_KEEP_TEST_DIRS") == nullptr) {
    std::filesystem::remove_all(dir_);
  }
}

std::string ServiceTest::MakeInput(const std::string& name, int width, int height, int frames) {
  const std::string path = Path(name);
  const absl::Status made = MakeVideo(path, width, height, frames, 10);
  EXPECT_TRUE(made.ok()) << made;
  return path;
}

void ServiceTest::StartServer(const ServerConfig& config) {
  std::string error;
  ASSERT_TRUE(service_->StartServer(config, &error)) << error;
}

ServerConfig ServiceTest::Config(int local_workers, std::vector<std::string> worker_args,
                                 std::vector<std::string> server_args) {
  ServerConfig config;
  config.local_workers = local_workers;
  config.worker_args = std::move(worker_args);
  config.server_args = std::move(server_args);
  return config;
}

nlohmann::json ServiceTest::LastJson(const std::string& text) {
  std::istringstream lines(text);
  std::string line, last;
  while (std::getline(lines, line)) {
    if (!line.empty()) last = line;
  }
  return nlohmann::json::parse(last, nullptr, /*allow_exceptions=*/false);
}

vmm::v1::Job ServiceTest::WaitForJob(const std::string& job,
                                     const std::function<bool(const vmm::v1::Job&)>& done,
                                     std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  vmm::v1::Job last;
  while (std::chrono::steady_clock::now() < deadline) {
    absl::StatusOr<vmm::v1::Job> current = service_->GetJob(job);
    if (current.ok()) {
      last = *current;
      if (done(last)) return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "timed out waiting for " << job << "; last seen: " << last.DebugString();
  return last;
}

int ServiceTest::MagnifyLocally(const std::string& input, const std::string& output,
                                const std::vector<std::string>& flags) {
  std::vector<std::string> argv = {VmmBinary(), "magnify", input,     "-o",        output,
                                   "--model",   model_,    "--quiet", "--threads", "1"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  CommandResult result = RunCommand(argv, {}, std::chrono::seconds(120), dir_);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.exit_code;
}

}  // namespace vmm::integration

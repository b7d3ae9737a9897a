// The base fixture of the integration tests: a fresh directory per test, a random-weights model
// shared by the tests of one binary, helpers that make inputs and read the CLI's JSON output,
// and a ServiceHarness that stops every process at the end of the test.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/integration/service_harness.h"
#include "tests/integration/test_assets.h"

namespace vmm::integration {

class ServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  // A path inside this test's directory.
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // Makes a synthetic video in this test's directory and returns its path.
  std::string MakeInput(const std::string& name, int width, int height, int frames);

  // Starts the server or fails the test.
  void StartServer(const ServerConfig& config);

  // A server configuration with `local_workers` workers and extra flags.
  static ServerConfig Config(int local_workers, std::vector<std::string> worker_args = {},
                             std::vector<std::string> server_args = {});

  // Parses the last line of `text` as JSON (the CLI's --json output).
  static nlohmann::json LastJson(const std::string& text);

  // Polls GetJob until `done` says yes; the last job seen.
  vmm::v1::Job WaitForJob(const std::string& job,
                          const std::function<bool(const vmm::v1::Job&)>& done,
                          std::chrono::seconds timeout = std::chrono::seconds(120));

  // True for a RUNNING job with at least one frame done.
  static bool IsRunningWithProgress(const vmm::v1::Job& job) {
    return job.state() == vmm::v1::Job::RUNNING && job.frames_done() > 0;
  }

  // Runs `vmm magnify` locally with the test model (one CPU thread, as the test workers);
  // returns its exit code.
  int MagnifyLocally(const std::string& input, const std::string& output,
                     const std::vector<std::string>& flags);

  static std::string model_;
  std::string dir_;
  std::unique_ptr<ServiceHarness> service_;
};

}  // namespace vmm::integration

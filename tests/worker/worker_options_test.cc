#include "worker/worker_options.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace vmm::worker {
namespace {

WorkerOptions Parse(std::vector<std::string> args) {
  CLI::App app;
  WorkerOptions options;
  AddWorkerFlags(app, options);
  std::vector<const char*> argv = {"vmm-worker"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return options;
}

TEST(WorkerOptionsTest, DefaultsMatchTheDocumentedOnes) {
  WorkerOptions options = Parse({});
  EXPECT_EQ(options.server, "127.0.0.1:8001");
  EXPECT_EQ(options.metrics_port, 8003);
  EXPECT_EQ(options.device, "auto");
  EXPECT_DOUBLE_EQ(options.shutdown_grace_seconds, 20);
  ASSERT_TRUE(ResolveWorkerOptions(options).ok());
  EXPECT_FALSE(options.name.empty());
  EXPECT_FALSE(options.work_dir.empty());
}

TEST(WorkerOptionsTest, ReadsTheTokenFile) {
  const std::string path = ::testing::TempDir() + "/worker_token";
  std::ofstream(path) << "  secret-token \n";
  WorkerOptions options = Parse({"--token-file", path, "--token", "ignored"});
  ASSERT_TRUE(ResolveWorkerOptions(options).ok());
  EXPECT_EQ(options.token, "secret-token");
}

TEST(WorkerOptionsTest, MissingTokenFileIsNotFoundNamingTheFlag) {
  WorkerOptions options = Parse({"--token-file", "/nonexistent/token"});
  absl::Status status = ResolveWorkerOptions(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(status.message().find("--token-file"), std::string::npos);
}

TEST(WorkerOptionsTest, EmptyTokenFileIsRefused) {
  const std::string path = ::testing::TempDir() + "/empty_token";
  std::ofstream(path) << "\n";
  WorkerOptions options = Parse({"--token-file", path});
  absl::Status status = ResolveWorkerOptions(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("empty token"), std::string::npos);
}

TEST(WorkerOptionsTest, BadDeviceAndServerAreInvalidArguments) {
  WorkerOptions device = Parse({"--device", "tpu"});
  absl::Status status = ResolveWorkerOptions(device);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("--device"), std::string::npos);
  WorkerOptions cuda = Parse({"--device", "cuda:1"});
  EXPECT_TRUE(ResolveWorkerOptions(cuda).ok());
  WorkerOptions server = Parse({"--server", "localhost"});
  status = ResolveWorkerOptions(server);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("--server"), std::string::npos);
}

TEST(WorkerOptionsTest, BatchOutOfRangeIsAParseError) {
  EXPECT_THROW(Parse({"--batch", "0"}), CLI::ValidationError);
}

}  // namespace
}  // namespace vmm::worker

// LocalWorkers with shell scripts standing in for vmm-worker: the command line and token each
// child gets, restarts of a child that dies, and SIGTERM at Stop.
#include "server/local_workers.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/server/temp_dir.h"

namespace vmm::server {
namespace {

std::string WriteScript(const testing::TempDir& dir, const std::string& body) {
  const std::string path = dir.Join("fake-worker.sh");
  std::ofstream(path) << "#!/bin/sh\n" << body;
  ::chmod(path.c_str(), 0755);
  return path;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int CountLines(const std::string& path) {
  std::ifstream in(path);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

TEST(LocalWorkersTest, ChildrenGetTheirFlagsAndTokenAndStopOnSigterm) {
  testing::TempDir dir;
  const std::string log = dir.Join("log");
  LocalWorkerOptions options;
  options.count = 2;
  options.binary = WriteScript(
      dir, "trap 'echo stopped >> " + log + "; exit 0' TERM\n"
           "echo \"$* token=$VMM_TOKEN\" >> " + log + "\n"
           "while true; do sleep 0.05; done\n");
  options.server_address = "127.0.0.1:1234";
  options.first_metrics_port = 9003;
  options.extra_args = {"--device=cpu"};
  options.token = "secret-worker-token";
  options.grace = absl::Seconds(5);
  LocalWorkers workers(options);
  ASSERT_TRUE(workers.Start().ok());
  for (int i = 0; i < 100 && CountLines(log) < 2; ++i) absl::SleepFor(absl::Milliseconds(50));
  const std::string started = ReadAll(log);
  EXPECT_NE(started.find("--server 127.0.0.1:1234 --metrics-port 9003 --name local-0 "
                         "--device=cpu token=secret-worker-token"),
            std::string::npos)
      << started;
  EXPECT_NE(started.find("--metrics-port 9004 --name local-1"), std::string::npos) << started;
  const std::vector<pid_t> pids = workers.Pids();
  ASSERT_EQ(pids.size(), 2u);
  workers.Stop();
  EXPECT_EQ(CountLines(log), 4);  // two starts, two "stopped"
  for (pid_t pid : pids) EXPECT_NE(::kill(pid, 0), 0);  // gone and reaped
}

TEST(LocalWorkersTest, ADeadChildIsRestartedAfterABackoff) {
  testing::TempDir dir;
  const std::string log = dir.Join("log");
  LocalWorkerOptions options;
  options.count = 1;
  options.binary = WriteScript(dir, "echo started >> " + log + "\nexit 3\n");
  options.server_address = "127.0.0.1:1";
  LocalWorkers workers(options);
  ASSERT_TRUE(workers.Start().ok());
  for (int i = 0; i < 60 && CountLines(log) < 2; ++i) absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(CountLines(log), 2);  // the first start, and a restart one second later
  workers.Stop();
}

TEST(LocalWorkersTest, MissingBinaryNamesTheFlag) {
  LocalWorkerOptions options;
  options.binary = "/nonexistent/vmm-worker";
  LocalWorkers workers(options);
  absl::Status status = workers.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("/nonexistent/vmm-worker"), std::string::npos);
  EXPECT_NE(status.message().find("--worker-binary"), std::string::npos);
}

}  // namespace
}  // namespace vmm::server

#include "tests/integration/service_harness.h"

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace vmm::integration {

std::string VmmBinary() { return VMM_CLI_BINARY; }
std::string ServerBinary() { return VMM_SERVER_BINARY; }
std::string WorkerBinary() { return VMM_WORKER_BINARY; }

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

ServiceHarness::ServiceHarness(std::string dir, std::string model)
    : dir_(std::move(dir)), model_(std::move(model)) {
  std::filesystem::create_directories(dir_ + "/data");
}

ServiceHarness::~ServiceHarness() {
  for (auto& worker : workers_) worker->Signal(SIGKILL);
  if (server_) server_->Stop(std::chrono::seconds(15));
  workers_.clear();
}

bool ServiceHarness::StartServer(const ServerConfig& config, std::string* error) {
  config_ = config;
  const std::string port_file = dir_ + "/server.port";
  std::filesystem::remove(port_file);
  if (metrics_port_ == 0) metrics_port_ = FreePort();
  std::vector<std::string> argv = {ServerBinary(),
                                   absl::StrCat("--port=", port_),
                                   "--port-file=" + port_file,
                                   "--listen=127.0.0.1",
                                   absl::StrCat("--metrics-port=", metrics_port_),
                                   "--data-dir=" + dir_ + "/data",
                                   absl::StrCat("--local-workers=", config.local_workers),
                                   "--worker-binary=" + WorkerBinary(),
                                   absl::StrCat("--worker-metrics-port=", FreePort()),
                                   "--worker-arg=--model=" + model_,
                                   "--worker-arg=--shutdown-grace=1",
                                   absl::StrCat("--worker-arg=--threads=", config.worker_threads),
                                   "--worker-arg=--reconnect-max=1",
                                   "--worker-arg=--work-dir=" + dir_};
  if (!config.tokens_file.empty()) argv.push_back("--tokens=" + config.tokens_file);
  for (const std::string& arg : config.worker_args) argv.push_back("--worker-arg=" + arg);
  for (const std::string& arg : config.server_args) argv.push_back(arg);
  server_ = std::make_unique<Subprocess>(argv, std::map<std::string, std::string>{},
                                         dir_ + "/server.out", dir_ + "/server.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int port = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFile(port_file)), &port) && port > 0) {
      port_ = port;
      address_ = absl::StrCat("127.0.0.1:", port_);
      return true;
    }
    if (server_->Wait(std::chrono::milliseconds(50)).has_value()) break;
  }
  *error = "vmm-server did not start: " + server_log();
  return false;
}

void ServiceHarness::StopServer(int signal) {
  if (!server_) return;
  server_->Signal(signal);
  server_->Wait(std::chrono::seconds(30));
  server_.reset();
}

Subprocess& ServiceHarness::StartWorker(const std::string& name,
                                        const std::vector<std::string>& args,
                                        const std::string& token) {
  std::vector<std::string> argv = {
      WorkerBinary(),     "--server=" + address_,
      "--name=" + name,   "--model=" + model_,
      "--metrics-port=0", "--metrics-address=127.0.0.1",
      "--reconnect-max=1", "--threads=1",
      "--port-file=" + dir_ + "/" + name + ".metrics-port"};
  // The test's folder is the work folder unless the test names another.
  const bool own_work_dir = std::any_of(args.begin(), args.end(), [](const std::string& arg) {
    return arg.rfind("--work-dir=", 0) == 0;
  });
  if (!own_work_dir) argv.push_back("--work-dir=" + dir_);
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> env;
  if (!token.empty()) env["VMM_TOKEN"] = token;
  workers_.push_back(std::make_unique<Subprocess>(argv, env, dir_ + "/" + name + ".out",
                                                  dir_ + "/" + name + ".log"));
  return *workers_.back();
}

bool ServiceHarness::WaitForWorkers(int count, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (MetricValue(ScrapeServer(), "vmm_workers_connected") >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

CommandResult ServiceHarness::Vmm(const std::vector<std::string>& args, const std::string& token,
                                  std::chrono::seconds timeout) const {
  std::vector<std::string> argv = {VmmBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> env = {{"VMM_SERVER", address_}};
  if (!token.empty()) env["VMM_TOKEN"] = token;
  return RunCommand(argv, env, timeout, dir_);
}

absl::StatusOr<vmm::v1::Job> ServiceHarness::GetJob(const std::string& name,
                                                    const std::string& token) const {
  auto stub = vmm::v1::MagnificationService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  vmm::v1::GetJobRequest request;
  request.set_name(name);
  vmm::v1::Job job;
  const grpc::Status status = stub->GetJob(&context, request, &job);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return job;
}

std::string ServiceHarness::ScrapeServer() const { return HttpGetMetrics(metrics_port_); }

double ServiceHarness::MetricValue(const std::string& metrics, const std::string& series) {
  std::istringstream lines(metrics);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      double value = -1;
      if (absl::SimpleAtod(line.substr(series.size() + 1), &value)) return value;
    }
  }
  return -1;
}

std::string ServiceHarness::server_log() const { return ReadFile(dir_ + "/server.log"); }

}  // namespace vmm::integration

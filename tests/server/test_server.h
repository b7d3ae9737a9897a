// Helpers for tests that run a real vmm-server in-process on free ports: the server itself,
// client calls with tokens, and a fake worker that speaks the worker protocol over a real gRPC
// channel (not a mock). For tests only.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "server/server_app.h"
#include "tests/server/temp_dir.h"
#include "vmm/v1/magnification.grpc.pb.h"
#include "vmm/v1/worker.grpc.pb.h"

namespace vmm::server::testing {

// SHA-256 of `bytes` in hex.
std::string Sha256Hex(const std::string& bytes);

// `size` pseudo-random bytes (deterministic for a seed).
std::string RandomBytes(size_t size, uint32_t seed = 1);

// The tokens of WriteTokensFile: two users and a worker.
inline constexpr char kAlice[] = "alice-token-0123456789";
inline constexpr char kBob[] = "bob-token-0123456789";
inline constexpr char kWorker[] = "worker-token-0123456789";

// Writes a tokens file (ServerOptions::tokens_file) in `dir` for users alice (kAlice) and bob
// (kBob) and a worker (kWorker); returns its path.
std::string WriteTokensFile(const TempDir& dir);

// Makes the folder "allowed" in `roots` holding clip.mp4 ("not really a video") and returns its
// path: an input root (ServerOptions::input_roots) for server_path jobs.
std::string MakeInputRootWithClip(const TempDir& roots);

// A client context carrying `token` (none if empty) and a deadline.
std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                             absl::Duration timeout = absl::Seconds(20));

// A vmm-server running in this process, with its data under a temporary directory.
class TestServer {
 public:
  // Starts a server with test-friendly options (free ports, no local workers), after `adjust`
  // changes them. `data_dir` reuses another server's data (restart tests).
  explicit TestServer(std::function<void(ServerOptions*)> adjust = nullptr,
                      const std::string& data_dir = "");
  ~TestServer();

  ServerApp& app() { return **app_; }
  bool started() const { return app_.ok(); }
  absl::Status start_status() const { return app_.status(); }
  const std::string& data_dir() const { return options_.data_dir; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  vmm::v1::MagnificationService::Stub& api() { return *api_; }

  // Uploads `bytes` with `spec` (size and checksum filled in when unset) in chunks.
  absl::StatusOr<vmm::v1::Job> Submit(vmm::v1::JobSpec spec, const std::string& bytes,
                                      const std::string& token = "", size_t chunk = 65536);
  // Gets a job.
  absl::StatusOr<vmm::v1::Job> Get(const std::string& name, const std::string& token = "");
  // Downloads a result from `offset`; returns the bytes and sets *first to the first message.
  absl::StatusOr<std::string> Download(const std::string& name, int64_t offset,
                                       vmm::v1::DownloadResultResponse* first,
                                       const std::string& token = "");
  // Downloads a job's input (DownloadResultRequest.input) from `offset`, as Download does.
  absl::StatusOr<std::string> DownloadInput(const std::string& name, int64_t offset,
                                            vmm::v1::DownloadResultResponse* first,
                                            const std::string& token = "");

 private:
  absl::StatusOr<std::string> Receive(const vmm::v1::DownloadResultRequest& request,
                                      vmm::v1::DownloadResultResponse* first,
                                      const std::string& token);

  TempDir dir_;
  ServerOptions options_;
  absl::StatusOr<std::unique_ptr<ServerApp>> app_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<vmm::v1::MagnificationService::Stub> api_;
};

// A worker that connects to the server over gRPC and lets the test drive the protocol.
class FakeWorker {
 public:
  // Connects and registers; `registered()` holds the server's reply once connected() is true.
  FakeWorker(std::shared_ptr<grpc::Channel> channel, int max_jobs = 1, int max_live = 0,
             const std::string& token = "");
  ~FakeWorker();

  // True once Registered arrived (waits up to 10 s).
  bool WaitRegistered();
  const std::string& worker_id() const { return worker_id_; }
  // The next message from the server other than Registered, waiting up to `timeout`.
  std::optional<vmm::v1::ServerMessage> Next(absl::Duration timeout = absl::Seconds(10));
  // Sends a message on the Connect stream.
  bool Send(const vmm::v1::WorkerMessage& message);
  // Reads a job's input from `offset`.
  absl::StatusOr<std::string> ReadInput(const std::string& job_id, int64_t offset = 0);
  // Uploads a result for a job.
  absl::StatusOr<vmm::v1::WriteResultResponse> WriteResult(const std::string& job_id,
                                                           const std::string& bytes);
  // Ends the Connect stream and returns its status.
  grpc::Status Close();
  // The final status of the Connect stream if the server ended it (waits up to `timeout`).
  std::optional<grpc::Status> WaitEnded(absl::Duration timeout);

  vmm::v1::WorkerService::Stub& stub() { return *stub_; }
  const std::string& token() const { return token_; }

 private:
  void ReadLoop();

  std::string token_;
  std::unique_ptr<vmm::v1::WorkerService::Stub> stub_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReaderWriter<vmm::v1::WorkerMessage, vmm::v1::ServerMessage>>
      stream_;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<vmm::v1::ServerMessage> inbox_;
  std::string worker_id_;
  bool ended_ = false;
  std::optional<grpc::Status> final_status_;
  bool closed_ = false;
};

}  // namespace vmm::server::testing

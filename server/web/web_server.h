// The web console's HTTP server inside vmm-server: the built console's files (static) and the
// JSON gateway under /api (routes.h), on its own port (WebOptions in server/options.h). It
// reaches the service only through `channel`, the gRPC server's in-process channel, so every
// request meets the same authentication, validation and limits as a gRPC client's. Serves on a
// thread of its own with a pool of WebOptions::threads; Stop (or the destructor) cancels the
// calls in flight (the live sessions held between requests too) and joins. Serves HTTPS with
// the gRPC server's certificate when given one.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "server/options.h"
#include "server/web/gateway_call.h"
#include "server/web/live_sessions.h"
#include "vmm/v1/magnification.grpc.pb.h"

namespace httplib {
class Server;
}

namespace vmm::server::web {

// The console's default folder, compiled in (the CMake cache variable VMM_DEFAULT_CONSOLE_DIR):
// the build's console/dist, or /opt/vmm/console in the image.
std::string DefaultConsoleDir();

class WebServer {
 public:
  // Starts serving on `options.listen_address`:`options.web.port`. UNAVAILABLE if the port
  // cannot be bound; INVALID_ARGUMENT if the TLS files cannot be loaded.
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(
      const ServerOptions& options, bool auth_required, std::shared_ptr<grpc::Channel> channel);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // The port bound (the one asked for, or the one picked for 0).
  int port() const { return port_; }
  // Cancels the gateway's calls, stops accepting and joins. Idempotent.
  void Stop();

 private:
  WebServer() = default;

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<vmm::v1::MagnificationService::Stub> service_;
  CallRegistry calls_;
  // After calls_: its LiveCalls are in calls_ while they live.
  std::unique_ptr<LiveSessions> live_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  // Set once the listening thread's listen call has returned (it may fail at once).
  std::atomic<bool> listen_returned_{false};
  int port_ = 0;
};

}  // namespace vmm::server::web

// vmm-health-probe: exits 0 if a vmm-server (or vmm-worker) answers grpc.health.v1 SERVING.
// For container health checks, where grpc_health_probe is not available:
//   vmm-health-probe --address 127.0.0.1:8001
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "server/health_probe.h"

int main(int argc, char** argv) {
  std::string address = "127.0.0.1:8001";
  std::string service;
  double timeout_seconds = 5;
  bool tls = false;
  CLI::App app{"vmm-health-probe: checks grpc.health.v1 of a vmm server"};
  app.add_option("--address", address, "host:port of the server")->capture_default_str();
  app.add_option("--service", service, "Service name; empty for the whole server");
  app.add_option("--timeout", timeout_seconds, "Seconds to wait")->capture_default_str();
  app.add_flag("--tls", tls, "Connect with TLS (system roots)");
  CLI11_PARSE(app, argc, argv);
  auto credentials = tls ? grpc::SslCredentials(grpc::SslCredentialsOptions())
                         : grpc::InsecureChannelCredentials();
  absl::StatusOr<vmm::server::ServingStatus> status = vmm::server::CheckHealth(
      grpc::CreateChannel(address, credentials), service, absl::Seconds(timeout_seconds));
  if (!status.ok()) {
    std::cerr << "health check of " << address << " failed: " << status.status().message()
              << std::endl;
    return 2;
  }
  const bool serving = *status == vmm::server::kServing;
  std::cout << (serving ? "SERVING" : "NOT_SERVING") << std::endl;
  return serving ? 0 : 1;
}

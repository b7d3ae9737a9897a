#include "server/web/web_server.h"

#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "httplib.h"
#include "server/web/routes.h"

namespace vmm::server::web {

std::string DefaultConsoleDir() { return VMM_DEFAULT_CONSOLE_DIR; }

namespace {

// Headers on every response: the console loads nothing from elsewhere.
httplib::Headers SecurityHeaders() {
  return {
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Content-Security-Policy",
       "default-src 'self'; media-src 'self' blob:; img-src 'self' blob: data:; "
       "style-src 'self'; frame-ancestors 'none'"},
  };
}

void AddConsoleFiles(const std::string& console_dir, httplib::Server& http) {
  std::error_code error;
  if (std::filesystem::is_directory(console_dir, error) && http.set_mount_point("/", console_dir)) {
    common::LogInfo(absl::StrCat("web console from ", console_dir));
    return;
  }
  common::LogInfo(absl::StrCat("web console: ", console_dir,
                               " is not a folder; serving the /api gateway only"));
  http.Get("/", [console_dir](const httplib::Request&, httplib::Response& response) {
    response.status = 404;
    response.set_content(absl::StrCat("The web console is not built: no folder ", console_dir,
                                      " (build the target vmm_console, or pass --console-dir)."),
                         "text/plain");
  });
}

}  // namespace

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(
    const ServerOptions& options, bool auth_required, std::shared_ptr<grpc::Channel> channel) {
  std::unique_ptr<WebServer> server(new WebServer());
  server->channel_ = std::move(channel);
  server->service_ = vmm::v1::MagnificationService::NewStub(server->channel_);
  server->live_ = std::make_unique<LiveSessions>();
  if (!options.tls_cert.empty() && !options.tls_key.empty()) {
    auto https = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(),
                                                      options.tls_key.c_str());
    if (!https->is_valid()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the web console cannot load --tls-cert ", options.tls_cert, " and --tls-key ",
          options.tls_key));
    }
    server->http_ = std::move(https);
  } else {
    server->http_ = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *server->http_;
  const int threads = options.web.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_default_headers(SecurityHeaders());
  http.set_keep_alive_timeout(2);
  http.set_payload_max_length(static_cast<size_t>(options.limits.max_upload_bytes) + (1 << 20));

  GatewayContext gateway;
  gateway.service = server->service_.get();
  gateway.calls = &server->calls_;
  gateway.live = server->live_.get();
  gateway.auth_required = auth_required;
  gateway.max_upload_bytes = options.limits.max_upload_bytes;
  gateway.upload_chunk_bytes = options.web.upload_chunk_bytes;
  gateway.refused_body_drain_bytes = options.web.refused_body_drain_bytes;
  gateway.watch_period = options.web.watch_period;
  AddJobRoutes(gateway, http);
  AddSubmitRoute(gateway, http);
  AddWatchRoute(gateway, http);
  AddDownloadRoute(gateway, http);
  AddLiveRoutes(gateway, http);
  AddConsoleFiles(options.web.console_dir.empty() ? DefaultConsoleDir() : options.web.console_dir,
                  http);

  if (options.web.port == 0) {
    server->port_ = http.bind_to_any_port(options.listen_address);
  } else if (http.bind_to_port(options.listen_address, options.web.port)) {
    server->port_ = options.web.port;
  }
  if (server->port_ <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot serve the web console on ",
                                               options.listen_address, ":", options.web.port,
                                               " (--web-port, or --no-web): in use or not allowed"));
  }
  server->thread_ = std::thread([&http, returned = &server->listen_returned_] {
    http.listen_after_bind();
    returned->store(true);
  });
  return server;
}

WebServer::~WebServer() { Stop(); }

void WebServer::Stop() {
  if (!thread_.joinable()) return;
  calls_.CancelAll();
  // httplib's stop() does nothing before the listening loop has started, which would then wait
  // in accept() for ever: wait for it to start (or to have given up) first.
  for (int waited_ms = 0; waited_ms < 10000 && !http_->is_running() && !listen_returned_.load();
       ++waited_ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  http_->stop();
  thread_.join();
  live_->Shutdown();
}

}  // namespace vmm::server::web

#include "server/server_app.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/rpc/channel_settings.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "server/random_id.h"

namespace vmm::server {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool IsLocalOrWildcard(const std::string& address) {
  return address == "0.0.0.0" || address == "::" || address == "[::]" || address == "127.0.0.1" ||
         address == "localhost";
}

// The largest message the service takes or the web gateway receives: the largest live frame
// (rgb24 at the live limits) and 1 MiB for the rest of the message.
int MaxMessageBytes(const ServerOptions& options) {
  const int64_t max_frame =
      int64_t{3} * options.limits.live.max_width * options.limits.live.max_height;
  return static_cast<int>(std::min<int64_t>(max_frame + (int64_t{1} << 20), INT32_MAX));
}

// The web gateway's in-process channel: gRPC's default 4 MiB would refuse the replies to live
// frames above about 1180x1180 that the service itself takes.
grpc::ChannelArguments GatewayChannelArguments(const ServerOptions& options) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(MaxMessageBytes(options));
  return arguments;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerApp>> ServerApp::Start(const ServerOptions& options) {
  std::unique_ptr<ServerApp> app(new ServerApp(options));
  if (absl::Status status = app->Init(); !status.ok()) {
    app->Shutdown();
    return status;
  }
  return app;
}

ServerApp::~ServerApp() { Shutdown(); }

absl::Status ServerApp::Init() {
  std::error_code error;
  std::filesystem::create_directories(options_.data_dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create --data-dir ", options_.data_dir, ": ", error.message()));
  }
  absl::StatusOr<std::unique_ptr<SqliteJobStore>> store =
      SqliteJobStore::Open(absl::StrCat(options_.data_dir, "/jobs.db"));
  if (!store.ok()) return store.status();
  store_ = *std::move(store);
  absl::StatusOr<std::unique_ptr<Spool>> spool =
      Spool::Open(absl::StrCat(options_.data_dir, "/spool"));
  if (!spool.ok()) return spool.status();
  spool_ = *std::move(spool);
  if (options_.tokens_file.empty()) {
    auth_ = std::make_unique<Authenticator>(Authenticator::AllowAll());
  } else {
    absl::StatusOr<Authenticator> auth = Authenticator::FromFile(options_.tokens_file);
    if (!auth.ok()) return auth.status();
    auth_ = std::make_unique<Authenticator>(*std::move(auth));
  }
  scheduler_ = std::make_unique<Scheduler>(store_.get(), Clock::Real(), &events_, &metrics_,
                                           options_.scheduler);
  if (absl::Status status = scheduler_->RecoverAfterRestart(); !status.ok()) return status;
  RemoveOrphanFiles();

  ServerCore core;
  core.store = store_.get();
  core.spool = spool_.get();
  core.scheduler = scheduler_.get();
  core.events = &events_;
  core.metrics = &metrics_;
  core.auth = auth_.get();
  core.clock = Clock::Real();
  core.limits = options_.limits;
  core.limits.input_roots = options_.input_roots;
  core.shutting_down = &shutting_down_;
  live_ = std::make_unique<LiveRelay>(core);
  core.live = live_.get();

  std::string worker_token;
  if (auth_->enabled() && options_.local_workers > 0) {
    worker_token = RandomHex(32);
    auth_->AddToken(worker_token, kWorkerOwner);
  }
  if (absl::Status status = StartGrpc(core); !status.ok()) return status;

  if (options_.metrics_port >= 0) {
    const std::string address = absl::StrCat("0.0.0.0:", options_.metrics_port);
    try {
      exposer_ = std::make_unique<prometheus::Exposer>(address);
    } catch (const std::exception& e) {
      return absl::UnavailableError(
          absl::StrCat("cannot serve /metrics on ", address, " (--metrics-port): ", e.what()));
    }
    exposer_->RegisterCollectable(metrics_.registry());
    metrics_port_ = exposer_->GetListeningPorts().empty() ? options_.metrics_port
                                                          : exposer_->GetListeningPorts()[0];
  }

  if (options_.web.enabled) {
    absl::StatusOr<std::unique_ptr<web::WebServer>> web = web::WebServer::Start(
        options_, auth_->enabled(), grpc_server_->InProcessChannel(GatewayChannelArguments(options_)));
    if (web.ok()) {
      web_ = *std::move(web);
    } else if (options_.web.port_given) {
      return web.status();
    } else {
      common::LogWarning(absl::StrCat("no web console: ", web.status().message()));
    }
  }

  housekeeping_ = std::thread([this]() { Housekeeping(); });

  if (options_.local_workers > 0) {
    LocalWorkerOptions workers;
    workers.count = options_.local_workers;
    workers.binary = options_.worker_binary;
    workers.server_address =
        local_worker_port_ > 0
            ? absl::StrCat("127.0.0.1:", local_worker_port_)
            : absl::StrCat(IsLocalOrWildcard(options_.listen_address) ? "127.0.0.1"
                                                                      : options_.listen_address,
                           ":", port_);
    workers.first_metrics_port = options_.worker_metrics_port;
    workers.extra_args = options_.worker_args;
    workers.token = worker_token;
    local_workers_ = std::make_unique<LocalWorkers>(workers);
    if (absl::Status status = local_workers_->Start(); !status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status ServerApp::StartGrpc(const ServerCore& core) {
  magnification_service_ = std::make_unique<MagnificationServiceImpl>(core);
  worker_service_ = std::make_unique<WorkerServiceImpl>(core, &streams_);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
    if (options_.tls_cert.empty() || options_.tls_key.empty()) {
      return absl::InvalidArgumentError("--tls-cert and --tls-key must be given together");
    }
    absl::StatusOr<std::string> cert = ReadFile(options_.tls_cert, "--tls-cert");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile(options_.tls_key, "--tls-key");
    if (!key.ok()) return key.status();
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    credentials = grpc::SslServerCredentials(ssl);
    // Local workers reach the server over loopback without TLS (still with their token).
    if (options_.local_workers > 0) {
      builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                               &local_worker_port_);
    }
  }
  const std::string address = absl::StrCat(options_.listen_address, ":", options_.port);
  builder.AddListeningPort(address, credentials, &port_);
  builder.RegisterService(magnification_service_.get());
  builder.RegisterService(worker_service_.get());
  builder.SetMaxReceiveMessageSize(MaxMessageBytes(options_));
  // Keepalive as the clients expect it (common/rpc/channel_settings.h).
  common::AddServerKeepaliveArguments(builder);
  grpc::ResourceQuota quota("vmm-server");
  quota.SetMaxThreads(options_.max_threads);
  builder.SetResourceQuota(quota);
  grpc_server_ = builder.BuildAndStart();
  if (grpc_server_ == nullptr || port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address, " (--listen, --port): in use or not allowed"));
  }
  grpc_server_->GetHealthCheckService()->SetServingStatus(true);
  return absl::OkStatus();
}

void ServerApp::Housekeeping() {
  absl::Time next_cleanup = absl::InfinitePast();
  while (!stop_housekeeping_.load()) {
    scheduler_->Tick();
    live_->Tick();
    if (absl::Now() >= next_cleanup) {
      RemoveExpiredJobs();
      const int removed =
          spool_->RemovePartialsOlderThan(absl::Now() - options_.limits.upload_expiry);
      if (removed > 0)
        common::LogInfo(absl::StrCat("removed ", removed, " expired partial upload(s)"));
      next_cleanup = absl::Now() + absl::Minutes(1);
    }
    for (int i = 0; i < 10 && !stop_housekeeping_.load(); ++i) {
      absl::SleepFor(absl::Milliseconds(100));
    }
  }
}

void ServerApp::RemoveExpiredJobs() {
  JobQuery query;
  query.ended_before = absl::Now() - options_.retention;
  query.limit = 500;
  absl::StatusOr<JobPage> page = store_->List(query);
  if (!page.ok()) {
    common::LogError(absl::StrCat("retention: ", page.status().message()));
    return;
  }
  for (const JobRecord& job : page->jobs) {
    if (!store_->Delete(job.id).ok()) continue;
    if (job.input_in_spool) Spool::RemoveFile(job.input_path);
    Spool::RemoveFile(job.result_path);
  }
  if (!page->jobs.empty()) {
    common::LogInfo(absl::StrCat("retention: removed ", page->jobs.size(),
                                 " job(s) finished more than ",
                                 absl::FormatDuration(options_.retention), " ago"));
  }
}

void ServerApp::RemoveOrphanFiles() {
  // A crash between a file's rename and its job's insert (or a delete) leaves files no job
  // names; they are never acknowledged, so they can go.
  std::error_code error;
  for (const char* sub : {"inputs", "results"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(absl::StrCat(spool_->root(), "/", sub), error)) {
      absl::StatusOr<JobRecord> job = store_->Get(entry.path().filename().string());
      if (absl::IsNotFound(job.status())) {
        common::LogInfo(absl::StrCat("removing orphan spool file ", entry.path().string()));
        Spool::RemoveFile(entry.path().string());
      }
    }
  }
}

void ServerApp::Shutdown() {
  std::lock_guard<std::mutex> lock(shutdown_mutex_);
  if (shut_down_) return;
  shut_down_ = true;
  common::LogInfo("shutting down");
  shutting_down_.store(true);
  if (grpc_server_ != nullptr) grpc_server_->GetHealthCheckService()->SetServingStatus(false);
  if (web_ != nullptr) web_->Stop();  // first: its calls go to the gRPC server
  if (scheduler_ != nullptr) scheduler_->Shutdown();
  if (local_workers_ != nullptr) local_workers_->Stop();
  events_.WakeAll();
  if (live_ != nullptr) live_->EndAll();
  streams_.CancelAll();
  if (grpc_server_ != nullptr) {
    grpc_server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.shutdown_grace));
    grpc_server_->Wait();
  }
  stop_housekeeping_.store(true);
  if (housekeeping_.joinable()) housekeeping_.join();
  exposer_.reset();
  common::LogInfo("stopped");
}

}  // namespace vmm::server

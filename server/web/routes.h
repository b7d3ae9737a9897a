// The JSON gateway's routes under /api, each group in its own file. Every route forwards to the
// real MagnificationService through the server's in-process channel, so jobs, authentication
// and limits have one implementation; a route converts JSON and HTTP to and from gRPC only.
//
//   GET    /api/config                    {"authRequired", "maxUploadBytes"}      (job_routes.cc)
//   GET    /api/jobs?pageSize&pageToken&state   ListJobs                           (job_routes.cc)
//   GET    /api/jobs/{id}                 GetJob                                  (job_routes.cc)
//   POST   /api/jobs/{id}:cancel          CancelJob                               (job_routes.cc)
//   DELETE /api/jobs/{id}                 DeleteJob                               (job_routes.cc)
//   GET    /api/uploads/{uploadId}        GetUploadOffset                         (job_routes.cc)
//   POST   /api/jobs?spec=JSON            SubmitJob, the body the file's bytes    (submit_route.cc)
//   GET    /api/jobs/{id}/events          WatchJob as Server-Sent Events          (watch_route.cc)
//   GET    /api/jobs/{id}/result          DownloadResult, with HTTP Range      (download_route.cc)
//   GET    /api/jobs/{id}/input           DownloadResult with input, HTTP Range (download_route.cc)
//   POST   /api/live                      Live: opens a call the gateway holds     (live_route.cc)
//   POST   /api/live/{id}/frames          Live: raw frames in, magnified frames out (live_route.cc)
//   DELETE /api/live/{id}                 Live: ends the call                      (live_route.cc)
// Errors: the HTTP status of the gRPC code and {"code", "message"} (http_status.h).
#pragma once

#include "absl/time/time.h"
#include "server/web/gateway_call.h"
#include "server/web/live_sessions.h"
#include "vmm/v1/magnification.grpc.pb.h"

namespace httplib {
class Server;
}

namespace vmm::server::web {

// What every route uses. The pointees outlive the routes (the WebServer owns them).
struct GatewayContext {
  vmm::v1::MagnificationService::Stub* service = nullptr;
  CallRegistry* calls = nullptr;
  LiveSessions* live = nullptr;     // the Live calls held between requests (live_route.cc)
  bool auth_required = false;       // the server has a tokens file
  int64_t max_upload_bytes = 0;     // the server's --max-upload-bytes, for the console's check
  int upload_chunk_bytes = 512 * 1024;
  int64_t refused_body_drain_bytes = int64_t{64} << 20;
  absl::Duration watch_period = absl::Seconds(60);
};

void AddJobRoutes(const GatewayContext& gateway, httplib::Server& http);
void AddSubmitRoute(const GatewayContext& gateway, httplib::Server& http);
void AddWatchRoute(const GatewayContext& gateway, httplib::Server& http);
void AddDownloadRoute(const GatewayContext& gateway, httplib::Server& http);
void AddLiveRoutes(const GatewayContext& gateway, httplib::Server& http);

}  // namespace vmm::server::web

// The live routes: the service's Live stream as plain HTTP requests, since cpp-httplib 0.11 has
// no WebSocket. The gateway holds the gRPC call between requests (live_call.h), under an id
// bound to the token that opened it (live_sessions.h); every check is the service's.
//
//   POST   /api/live               body: LiveConfig as JSON. Opens a Live call and waits for its
//                                  LiveReady: 201 {"id": "...", "ready": LiveReady}.
//   POST   /api/live/{id}/frames   body: one or more frames' raw bytes back to back, each
//                                  LiveReady.frameSizeBytes (a shorter rest is sent as a frame
//                                  of its own, which the service refuses), at most
//                                  LiveReady.maxFramesInFlight of them, so that the gateway holds
//                                  no more than the service lets be in flight (a larger body is
//                                  INVALID_ARGUMENT, read no further). 200: the magnified
//                                  frames back to back, with per frame, comma-separated:
//                                  X-Vmm-Sequences, X-Vmm-Latency-Seconds (the service's, from
//                                  its receipt of the frame to its reply), X-Vmm-Engine-Seconds.
//   DELETE /api/live/{id}          Ends the call once every frame was answered:
//                                  200 {"framesSent", "framesReturned"}.
// Errors: the service's status as HTTP (http_status.h); an unknown id, or one opened with another
// token, is 404 NOT_FOUND. A session the service ended (idle, worker failure) answers its status.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "server/web/http_status.h"
#include "server/web/live_call.h"
#include "server/web/live_sessions.h"
#include "server/web/proto_json.h"
#include "server/web/routes.h"

namespace vmm::server::web {
namespace {

grpc::Status FromAbsl(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

// The body cut into frames of `frame_size` bytes; a shorter rest (or an empty body) is a frame
// of its own, for the service to refuse with its own message.
std::vector<std::string> SplitFrames(const std::string& body, size_t frame_size) {
  std::vector<std::string> frames;
  size_t offset = 0;
  do {
    frames.push_back(body.substr(offset, frame_size));
    offset += frame_size;
  } while (offset < body.size());
  return frames;
}

void Open(const GatewayContext& gateway, const httplib::Request& request,
          httplib::Response& response) {
  vmm::v1::LiveConfig config;
  if (absl::Status parsed = FromJson(request.body, "the live config", &config); !parsed.ok()) {
    return SendError(FromAbsl(parsed), response);
  }
  auto call = std::make_shared<LiveCall>(gateway.calls, request);
  vmm::v1::LiveReady ready;
  if (grpc::Status status = call->Open(gateway.service, config, &ready); !status.ok()) {
    call->WaitDone();
    return SendError(status, response);
  }
  absl::StatusOr<std::string> ready_json = ToJson(ready);
  if (!ready_json.ok()) {
    call->Cancel();
    call->WaitDone();
    return SendError(FromAbsl(ready_json.status()), response);
  }
  const std::string id =
      gateway.live->Add(std::move(call), AuthorizationOf(request, TokenFrom::kHeader));
  nlohmann::json body = {{"id", id}, {"ready", nlohmann::json::parse(*ready_json)}};
  response.status = 201;
  response.set_content(body.dump(), "application/json");
}

// Reads the body if it holds at most `limit` bytes. Otherwise reads no further, marks the
// connection for closing (the rest of the body is unread) and returns false.
bool ReadBody(const httplib::ContentReader& content, size_t limit, std::string* body,
              httplib::Response& response) {
  bool too_large = false;
  content([&](const char* data, size_t length) {
    if (body->size() + length > limit) {
      too_large = true;
      return false;
    }
    body->append(data, length);
    return true;
  });
  if (too_large) response.set_header("Connection", "close");
  return !too_large;
}

void Frames(const GatewayContext& gateway, const httplib::Request& request,
            httplib::Response& response, const httplib::ContentReader& content) {
  absl::StatusOr<LiveSessions::Use> use =
      gateway.live->Find(request.matches[1], AuthorizationOf(request, TokenFrom::kHeader));
  if (!use.ok()) {
    response.set_header("Connection", "close");  // the body is left unread
    return SendError(FromAbsl(use.status()), response);
  }
  const vmm::v1::LiveReady ready = use->call().ready();
  const size_t frame_size = static_cast<size_t>(std::max<int64_t>(1, ready.frame_size_bytes()));
  const int most_frames = std::max(1, ready.max_frames_in_flight());
  // Before the body is read: a session whose frames already fill the gateway's window is
  // refused without holding another request's frames (Exchange checks exactly, below).
  if (use->call().frames_waiting() >= use->call().max_frames_waiting()) {
    response.set_header("Connection", "close");  // the body is left unread
    return SendError(
        grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                     absl::StrCat(use->call().frames_waiting(),
                                  " frames of this session are still waiting: wait for answers "
                                  "before sending more")),
        response);
  }
  std::string body;
  if (!ReadBody(content, frame_size * most_frames, &body, response)) {
    return SendError(
        grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                     absl::StrCat("a request may carry at most ", most_frames, " frames of ",
                                  frame_size, " bytes (the session's maxFramesInFlight)")),
        response);
  }
  std::vector<std::string> frames = SplitFrames(body, frame_size);
  std::string().swap(body);  // the frames are copies: hold the bytes once while waiting
  std::vector<vmm::v1::LiveResult> results;
  grpc::Status status = use->call().Exchange(std::move(frames), &results);
  if (!status.ok()) return SendError(status, response);
  std::vector<uint64_t> sequences;
  std::vector<std::string> latencies, engine;
  std::string data;
  data.reserve(results.size() * frame_size);
  for (const vmm::v1::LiveResult& result : results) {
    sequences.push_back(result.sequence());
    latencies.push_back(absl::StrCat(result.latency_seconds()));
    engine.push_back(absl::StrCat(result.engine_seconds()));
    data += result.data();
  }
  response.set_header("Cache-Control", "no-store");
  response.set_header("X-Vmm-Sequences", absl::StrJoin(sequences, ","));
  response.set_header("X-Vmm-Latency-Seconds", absl::StrJoin(latencies, ","));
  response.set_header("X-Vmm-Engine-Seconds", absl::StrJoin(engine, ","));
  response.set_header("Content-Type", "application/octet-stream");
  response.body = std::move(data);
}

void End(const GatewayContext& gateway, const httplib::Request& request,
         httplib::Response& response) {
  absl::StatusOr<LiveSessions::Use> use =
      gateway.live->Find(request.matches[1], AuthorizationOf(request, TokenFrom::kHeader));
  if (!use.ok()) return SendError(FromAbsl(use.status()), response);
  const grpc::Status status = use->call().Close();
  gateway.live->Remove(use->id());
  if (!status.ok()) return SendError(status, response);
  nlohmann::json body = {{"framesSent", use->call().frames_sent()},
                         {"framesReturned", use->call().frames_returned()}};
  response.set_content(body.dump(), "application/json");
}

}  // namespace

void AddLiveRoutes(const GatewayContext& gateway, httplib::Server& http) {
  http.Post("/api/live", [gateway](const httplib::Request& request, httplib::Response& response) {
    Open(gateway, request, response);
  });
  http.Post(R"(/api/live/([^/]+)/frames)",
            [gateway](const httplib::Request& request, httplib::Response& response,
                      const httplib::ContentReader& content) {
              Frames(gateway, request, response, content);
            });
  http.Delete(R"(/api/live/([^/]+))",
              [gateway](const httplib::Request& request, httplib::Response& response) {
                End(gateway, request, response);
              });
}

}  // namespace vmm::server::web

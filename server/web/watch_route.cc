// GET /api/jobs/{id}/events: WatchJob as Server-Sent Events. Each JobEvent is one `data:` line
// of its JSON; after the event of a final state comes `event: end`, so that the browser closes
// its EventSource instead of reconnecting. The watch is ended after GatewayContext::watch_period
// (without `end`): the browser then reconnects by itself and gets the job's current state
// first, so a browser that vanished holds a thread no longer than that. An error before the
// first event is an HTTP error; a later one is an `event: error` with {"code", "message"}.
#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "server/web/http_status.h"
#include "server/web/proto_json.h"
#include "server/web/routes.h"

namespace vmm::server::web {
namespace {

bool IsFinal(vmm::v1::Job::State state) {
  return state == vmm::v1::Job::SUCCEEDED || state == vmm::v1::Job::FAILED ||
         state == vmm::v1::Job::CANCELLED;
}

// One watch: its call and stream, kept alive by the content provider that writes it.
struct Watch {
  Watch(CallRegistry* calls, const httplib::Request& request)
      : call(calls, request, TokenFrom::kHeaderOrQuery) {}
  ~Watch() {
    if (reader == nullptr || finished) return;
    // The browser went away before the stream's end: cancel it and collect its status.
    call.context()->TryCancel();
    vmm::v1::JobEvent ignored;
    while (reader->Read(&ignored)) {
    }
    Finish();
  }
  grpc::Status Finish() {
    finished = true;
    return reader->Finish();
  }
  GatewayCall call;
  std::unique_ptr<grpc::ClientReader<vmm::v1::JobEvent>> reader;
  vmm::v1::JobEvent next;  // read, not yet sent
  bool has_next = false;
  bool ended = false;
  bool finished = false;
};

std::string EventText(const vmm::v1::JobEvent& event) {
  absl::StatusOr<std::string> json = ToJson(event);
  if (!json.ok()) return "";
  return absl::StrCat("data: ", *json, "\n\n");
}

}  // namespace

void AddWatchRoute(const GatewayContext& gateway, httplib::Server& http) {
  http.Get(R"(/api/jobs/([^/:]+)/events)", [gateway](const httplib::Request& request,
                                                     httplib::Response& response) {
    auto watch = std::make_shared<Watch>(gateway.calls, request);
    watch->call.context()->set_deadline(std::chrono::system_clock::now() +
                                        absl::ToChronoSeconds(gateway.watch_period));
    vmm::v1::WatchJobRequest request_message;
    request_message.set_name(request.matches[1]);
    watch->reader = gateway.service->WatchJob(watch->call.context(), request_message);
    // The first event (or the error) before answering, so an error gets its HTTP status.
    if (!watch->reader->Read(&watch->next)) {
      const grpc::Status status = watch->Finish();
      return SendError(status.ok() ? grpc::Status(grpc::StatusCode::INTERNAL,
                                                  "the watch ended without an event")
                                   : status,
                       response);
    }
    watch->has_next = true;
    response.set_header("Cache-Control", "no-store");
    response.set_chunked_content_provider(
        "text/event-stream",
        [watch](size_t offset, httplib::DataSink& sink) {
          if (offset == 0) {
            const std::string retry = "retry: 1000\n\n";
            if (!sink.write(retry.data(), retry.size())) return false;
          }
          if (watch->ended) {
            sink.done();
            return true;
          }
          if (!watch->has_next && !watch->reader->Read(&watch->next)) {
            const grpc::Status status = watch->Finish();
            watch->ended = true;
            if (!status.ok() && status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED &&
                status.error_code() != grpc::StatusCode::CANCELLED) {
              const std::string error = absl::StrCat(
                  "event: error\ndata: ", ErrorJson(status.error_code(), status.error_message()),
                  "\n\n");
              sink.write(error.data(), error.size());
            }
            sink.done();
            return true;
          }
          watch->has_next = false;
          std::string text = EventText(watch->next);
          if (IsFinal(watch->next.state())) {
            absl::StrAppend(&text, "event: end\ndata: {}\n\n");
          }
          return sink.write(text.data(), text.size());
        });
  });
}

}  // namespace vmm::server::web

// POST /api/jobs?spec=JSON: the request body (the input file's bytes, from spec.uploadOffset
// on) streamed into SubmitJob as it arrives, in chunks of GatewayContext::upload_chunk_bytes;
// nothing is buffered beyond one chunk. A browser that goes away mid-upload cancels the call, so
// the service keeps what it received under spec.uploadId and the console can resume
// (GET /api/uploads/{uploadId}, then POST again from that offset).
#include <string>

#include "httplib.h"
#include "server/web/http_status.h"
#include "server/web/proto_json.h"
#include "server/web/routes.h"

namespace vmm::server::web {
namespace {

// Reads and drops the body (up to GatewayContext::refused_body_drain_bytes) of a refused
// upload, so that the browser, still sending, gets the refusal instead of a reset connection.
void DrainRefusedBody(const GatewayContext& gateway, const httplib::ContentReader& body) {
  int64_t dropped = 0;
  body([&](const char*, size_t length) {
    dropped += static_cast<int64_t>(length);
    return dropped < gateway.refused_body_drain_bytes;
  });
}

// Streams the body into `writer`. Returns false when the browser's body broke off (the writer
// is then cancelled by the caller). After a gRPC write fails, the rest of the body is read and
// dropped as DrainRefusedBody does, and the call's Finish says why.
bool ForwardBody(const GatewayContext& gateway, const httplib::ContentReader& body,
                 grpc::ClientWriter<vmm::v1::SubmitJobRequest>* writer, bool* writer_failed) {
  vmm::v1::SubmitJobRequest message;
  std::string& buffer = *message.mutable_chunk();
  buffer.reserve(gateway.upload_chunk_bytes);
  const size_t chunk_bytes = static_cast<size_t>(gateway.upload_chunk_bytes);
  int64_t dropped = 0;
  const bool complete = body([&](const char* data, size_t length) {
    if (*writer_failed) {
      dropped += static_cast<int64_t>(length);
      return dropped < gateway.refused_body_drain_bytes;
    }
    while (length > 0) {
      const size_t take = std::min(length, chunk_bytes - buffer.size());
      buffer.append(data, take);
      data += take;
      length -= take;
      if (buffer.size() == chunk_bytes) {
        if (!writer->Write(message)) {
          *writer_failed = true;
          return true;
        }
        buffer.clear();
      }
    }
    return true;
  });
  if (*writer_failed) return true;
  if (!complete) return false;
  if (!buffer.empty() && !writer->Write(message)) *writer_failed = true;
  return true;
}

}  // namespace

void AddSubmitRoute(const GatewayContext& gateway, httplib::Server& http) {
  http.Post("/api/jobs", [gateway](const httplib::Request& request, httplib::Response& response,
                                   const httplib::ContentReader& body) {
    vmm::v1::SubmitJobRequest first;
    if (absl::Status parsed =
            FromJson(request.get_param_value("spec"), "the query parameter spec",
                     first.mutable_spec());
        !parsed.ok()) {
      DrainRefusedBody(gateway, body);
      response.set_header("Connection", "close");
      return SendError(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                    std::string(parsed.message())),
                       response);
    }
    GatewayCall call(gateway.calls, request, TokenFrom::kHeader);
    vmm::v1::Job job;
    std::unique_ptr<grpc::ClientWriter<vmm::v1::SubmitJobRequest>> writer =
        gateway.service->SubmitJob(call.context(), &job);
    bool writer_failed = !writer->Write(first);
    if (writer_failed) DrainRefusedBody(gateway, body);
    if (!writer_failed && !ForwardBody(gateway, body, writer.get(), &writer_failed)) {
      // The browser's body broke off: cancel, so that the service keeps the bytes it has for
      // a resumable upload instead of judging an incomplete file.
      call.context()->TryCancel();
      writer->Finish();
      response.status = 499;
      return;
    }
    if (!writer_failed) writer->WritesDone();
    const grpc::Status status = writer->Finish();
    if (!status.ok()) {
      // The rest of the body may be unread (past the drain limit): close, do not reuse.
      response.set_header("Connection", "close");
      return SendError(status, response);
    }
    absl::StatusOr<std::string> json = ToJson(job);
    if (!json.ok()) {
      return SendError(
          grpc::Status(grpc::StatusCode::INTERNAL, std::string(json.status().message())),
          response);
    }
    response.status = 201;
    response.set_content(*json, "application/json");
  });
}

}  // namespace vmm::server::web

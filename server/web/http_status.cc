#include "server/web/http_status.h"

#include "absl/status/status.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace vmm::server::web {

int HttpStatusFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

std::string ErrorJson(grpc::StatusCode code, const std::string& message) {
  // gRPC's codes and Abseil's are the same numbers, so Abseil names them.
  nlohmann::json body = {
      {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(code))},
      {"message", message}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void SendError(const grpc::Status& status, httplib::Response& response) {
  response.status = HttpStatusFor(status.error_code());
  response.set_content(ErrorJson(status.error_code(), status.error_message()),
                       "application/json");
}

}  // namespace vmm::server::web

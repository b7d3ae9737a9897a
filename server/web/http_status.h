// How the JSON gateway reports a gRPC status to a browser: the HTTP status Google's API design
// guide pairs with each gRPC code, and a JSON body {"code": "NOT_FOUND", "message": "..."} that
// carries the service's own message unchanged. Pure functions; thread-safe.
#pragma once

#include <string>

#include "grpcpp/support/status.h"

namespace httplib {
struct Response;
}

namespace vmm::server::web {

// 200 for OK, 400 INVALID_ARGUMENT, 401 UNAUTHENTICATED, 404 NOT_FOUND, 429
// RESOURCE_EXHAUSTED, 503 UNAVAILABLE, ... (google.rpc.Code's documented HTTP mapping).
int HttpStatusFor(grpc::StatusCode code);

// {"code": "<CODE_NAME>", "message": "<message>"}, with the message escaped as JSON.
std::string ErrorJson(grpc::StatusCode code, const std::string& message);

// Sets `response` to the error: its HTTP status and ErrorJson body.
void SendError(const grpc::Status& status, httplib::Response& response);

}  // namespace vmm::server::web

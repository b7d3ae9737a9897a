#include "client/remote/rpc_errors.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "client/exit_codes.h"
#include "common/rpc/status_conversion.h"

namespace vmm::client {
namespace {

// The code's name in gRPC's spelling, "INVALID_ARGUMENT".
std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

void Print(const std::string& command, const std::string& code, const std::string& text,
           bool json) {
  std::cerr << "vmm " << command << ": " << text << "\n";
  if (json) {
    nlohmann::json error = {{"error", {{"code", code}, {"message", text}}}};
    std::cout << error.dump() << "\n";
  }
}

}  // namespace

int ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitSuccess;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitUnavailable;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return kExitUsage;
    case grpc::StatusCode::CANCELLED:
      return kExitCancelled;
    default:
      return kExitFailure;
  }
}

int ReportRpcError(const std::string& command, const grpc::Status& status, bool json,
                   const std::string& server) {
  std::string text;
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      text = absl::StrCat("cannot reach the server at ", server, ": ", status.error_message());
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      text = absl::StrCat("the server refused the token (--token or VMM_TOKEN): ",
                          status.error_message());
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      text = absl::StrCat("the server at ", server,
                          " did not answer in time: ", status.error_message());
      break;
    case grpc::StatusCode::INVALID_ARGUMENT:
      text = absl::StrCat("invalid argument: ", status.error_message());
      break;
    default:
      text = status.error_message().empty()
                 ? CodeName(status.error_code())
                 : absl::StrCat(status.error_message(), " (", CodeName(status.error_code()), ")");
      break;
  }
  Print(command, CodeName(status.error_code()), text, json);
  return ExitCodeFor(status.error_code());
}

int ReportError(const std::string& command, const absl::Status& status, bool json) {
  Print(command, absl::StatusCodeToString(status.code()), std::string(status.message()), json);
  return ExitCodeFor(common::ToGrpcStatus(status).error_code());
}

int ReportInputFileError(const std::string& command, const absl::Status& status, bool json) {
  Print(command, absl::StatusCodeToString(status.code()), std::string(status.message()), json);
  return kExitFailure;
}

}  // namespace vmm::client

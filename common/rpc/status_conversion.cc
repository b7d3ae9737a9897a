#include "common/rpc/status_conversion.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace vmm::common {
namespace {

// The canonical codes absl::StatusCode and grpc::StatusCode share, OK excluded.
constexpr int kFirstErrorCode = 1;  // CANCELLED
constexpr int kLastErrorCode = 16;  // UNAUTHENTICATED

bool IsCanonicalError(int code) { return code >= kFirstErrorCode && code <= kLastErrorCode; }

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const int code = static_cast<int>(status.code());
  return grpc::Status(
      IsCanonicalError(code) ? static_cast<grpc::StatusCode>(code) : grpc::StatusCode::UNKNOWN,
      std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const int code = static_cast<int>(status.error_code());
  return absl::Status(
      IsCanonicalError(code) ? static_cast<absl::StatusCode>(code) : absl::StatusCode::kUnknown,
      status.error_message());
}

absl::Status FromGrpcStatus(const grpc::Status& status, absl::string_view operation) {
  absl::Status converted = FromGrpcStatus(status);
  if (converted.ok()) return converted;
  return absl::Status(converted.code(), absl::StrCat(operation, ": ", converted.message()));
}

}  // namespace vmm::common

// common/rpc/status_conversion: every canonical code keeps its number both ways, the message is
// kept byte for byte, OK stays OK and codes from the future become UNKNOWN.
#include "common/rpc/status_conversion.h"

#include <gtest/gtest.h>

#include <string>

namespace vmm::common {
namespace {

TEST(StatusConversionTest, EveryCodeKeepsItsNumberAndMessageBothWays) {
  for (int code = 1; code <= 16; ++code) {
    const std::string message = "job \"jobs/x\" failed: code " + std::to_string(code);
    const absl::Status status(static_cast<absl::StatusCode>(code), message);
    const grpc::Status converted = ToGrpcStatus(status);
    EXPECT_EQ(static_cast<int>(converted.error_code()), code);
    EXPECT_EQ(converted.error_message(), message);
    const absl::Status back = FromGrpcStatus(converted);
    EXPECT_EQ(back, status);
  }
}

TEST(StatusConversionTest, NamedCodesMatch) {
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("x")).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ToGrpcStatus(absl::ResourceExhaustedError("x")).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ToGrpcStatus(absl::UnauthenticatedError("x")).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::ABORTED, "raced")),
            absl::AbortedError("raced"));
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::DATA_LOSS, "")), absl::DataLossError(""));
}

TEST(StatusConversionTest, OkStaysOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_EQ(ToGrpcStatus(absl::OkStatus()).error_message(), "");
  EXPECT_EQ(FromGrpcStatus(grpc::Status::OK), absl::OkStatus());
  EXPECT_EQ(FromGrpcStatus(grpc::Status::OK, "control stream"), absl::OkStatus());
}

TEST(StatusConversionTest, UnknownCodesBecomeUnknownWithTheMessage) {
  const grpc::Status odd = ToGrpcStatus(absl::Status(static_cast<absl::StatusCode>(42), "odd"));
  EXPECT_EQ(odd.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(odd.error_message(), "odd");
  EXPECT_EQ(FromGrpcStatus(grpc::Status(static_cast<grpc::StatusCode>(99), "later")),
            absl::UnknownError("later"));
}

TEST(StatusConversionTest, OperationPrefixesTheMessage) {
  const absl::Status status = FromGrpcStatus(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection reset"), "control stream");
  EXPECT_EQ(status, absl::UnavailableError("control stream: connection reset"));
}

}  // namespace
}  // namespace vmm::common

// The JSON gateway's conversions (server/web/): gRPC codes to HTTP statuses and error bodies,
// and protobuf JSON in both directions. The routes themselves run in console.browser.
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/web/http_status.h"
#include "server/web/proto_json.h"
#include "vmm/v1/magnification.pb.h"

namespace vmm::server::web {
namespace {

TEST(HttpStatusTest, MapsCodesAsGooglesApiGuideDoes) {
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::OK), 200);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::FAILED_PRECONDITION), 400);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::RESOURCE_EXHAUSTED), 429);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNAVAILABLE), 503);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::INTERNAL), 500);
}

TEST(HttpStatusTest, ErrorBodyCarriesTheMessageAsData) {
  const std::string message = "job \"x\" not found\n<script>%s";
  const nlohmann::json body =
      nlohmann::json::parse(ErrorJson(grpc::StatusCode::NOT_FOUND, message));
  EXPECT_EQ(body["code"], "NOT_FOUND");
  EXPECT_EQ(body["message"], message);
}

TEST(ProtoJsonTest, JobSpecRoundTripsInCamelCase) {
  vmm::v1::JobSpec spec;
  ASSERT_TRUE(FromJson(R"({"inputFilename": "a.mp4", "inputSizeBytes": "12",
                           "params": {"mode": "MODE_TEMPORAL", "alpha": 0}})",
                       "the spec", &spec)
                  .ok());
  EXPECT_EQ(spec.input_filename(), "a.mp4");
  EXPECT_EQ(spec.input_size_bytes(), 12);
  EXPECT_EQ(spec.params().mode(), vmm::v1::MODE_TEMPORAL);
  EXPECT_TRUE(spec.params().has_alpha());  // an explicit 0 is kept, not taken for "not set"
  absl::StatusOr<std::string> json = ToJson(spec);
  ASSERT_TRUE(json.ok());
  EXPECT_NE(json->find("\"inputSizeBytes\":\"12\""), std::string::npos) << *json;
  EXPECT_NE(json->find("\"uploadOffset\":\"0\""), std::string::npos) << *json;
}

TEST(ProtoJsonTest, UnknownFieldIsInvalidArgumentNamingIt) {
  vmm::v1::JobSpec spec;
  const absl::Status status = FromJson(R"({"alpha": 3})", "the query parameter spec", &spec);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("the query parameter spec"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("alpha"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace vmm::server::web

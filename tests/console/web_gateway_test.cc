// The JSON gateway's conversions (server/web/): gRPC codes to HTTP statuses and error bodies,
// and protobuf JSON in both directions; and GET /api/jobs/{id}/input over HTTP against a real
// vmm-server in-process (tests/server/test_server.h). The other routes run in console.browser.
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "server/web/http_status.h"
#include "server/web/proto_json.h"
#include "tests/server/test_server.h"
#include "vmm/v1/magnification.pb.h"
#include "tests/console/http_expectations.h"

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

constexpr char kAlice[] = "alice-token-0123456789";
constexpr char kBob[] = "bob-token-0123456789";

TEST(InputRouteTest, ServesTheOwnersInputWithRangesAndItsVideoType) {
  server::testing::TempDir dir;
  std::filesystem::create_directories(dir.Join("roots"));
  std::ofstream(dir.Join("roots/clip.mp4")) << "on the server";
  server::testing::TestServer server([&](ServerOptions* options) {
    std::ofstream(dir.Join("tokens")) << kAlice << " alice\n" << kBob << " bob\n";
    options->tokens_file = dir.Join("tokens");
    options->input_roots = {dir.Join("roots")};
  });
  ASSERT_TRUE(server.started()) << server.start_status();
  const std::string input = server::testing::RandomBytes(1'500'000, 31);
  vmm::v1::JobSpec spec;
  spec.set_input_filename("Wrist.MOV");
  absl::StatusOr<vmm::v1::Job> job = server.Submit(spec, input, kAlice);
  ASSERT_TRUE(job.ok()) << job.status();
  const std::string id = job->name().substr(5);
  const std::string path = absl::StrCat("/api/jobs/", id, "/input");
  httplib::Client http("127.0.0.1", server.app().web_port());
  http.set_read_timeout(30, 0);
  const httplib::Headers alice = {{"Authorization", absl::StrCat("Bearer ", kAlice)}};

  // The whole input, typed from its file name's extension, with the token in the header.
  httplib::Result whole = http.Get(path, alice);
  ASSERT_TRUE(whole) << httplib::to_string(whole.error());
  EXPECT_EQ(whole->status, 200) << whole->body;
  EXPECT_TRUE(whole->body == input);
  EXPECT_EQ(server::testing::Sha256Hex(whole->body), job->input_sha256());
  EXPECT_EQ(whole->get_header_value("Content-Type"), "video/quicktime");
  EXPECT_EQ(whole->get_header_value("Content-Length"), "1500000");
  EXPECT_EQ(whole->get_header_value("Cache-Control"), "private, no-store");

  // A range, as a <video> element asks, with the token in the query; and an attachment.
  httplib::Result part = http.Get(absl::StrCat(path, "?access_token=", kAlice),
                                  {{"Range", "bytes=1200000-1200099"}});
  ASSERT_TRUE(part) << httplib::to_string(part.error());
  EXPECT_EQ(part->status, 206) << part->body;
  EXPECT_TRUE(part->body == input.substr(1'200'000, 100));
  EXPECT_EQ(part->get_header_value("Content-Range"), "bytes 1200000-1200099/1500000");
  httplib::Result attached = http.Get(absl::StrCat(path, "?download=1"), alice);
  ASSERT_TRUE(attached);
  EXPECT_EQ(attached->get_header_value("Content-Disposition"),
            absl::StrCat("attachment; filename=\"vmm-", id, "-input.mov\""));
  httplib::Result beyond = http.Get(
      path, {{"Authorization", absl::StrCat("Bearer ", kAlice)}, {"Range", "bytes=1600000-"}});
  ASSERT_TRUE(beyond);
  EXPECT_EQ(beyond->status, 416);
  // A range that starts exactly at the end is unsatisfiable too, and says the size.
  httplib::Result at_end = http.Get(path, {{"Authorization", absl::StrCat("Bearer ", kAlice)},
                                           {"Range", "bytes=1500000-"}});
  ASSERT_TRUE(at_end);
  EXPECT_EQ(at_end->status, 416);
  EXPECT_EQ(at_end->get_header_value("Content-Range"), "bytes */1500000");

  // Another owner, no token: as for the result.
  ExpectError(http.Get(path, {{"Authorization", absl::StrCat("Bearer ", kBob)}}), 404,
              "NOT_FOUND", absl::StrCat("job \"jobs/", id, "\" not found"));
  httplib::Result anonymous = http.Get(path);
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401) << anonymous->body;
  // The queued job has no result yet; /result is unchanged by /input.
  httplib::Result result = http.Get(absl::StrCat("/api/jobs/", id, "/result"), alice);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400) << result->body;

  // An input of unknown type is a byte stream; a server_path input is not served.
  absl::StatusOr<vmm::v1::Job> raw = server.Submit(vmm::v1::JobSpec(), "12345", kAlice);
  ASSERT_TRUE(raw.ok()) << raw.status();
  httplib::Result bytes = http.Get(absl::StrCat("/api/jobs/", raw->name().substr(5), "/input"),
                                   alice);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->body, "12345");
  EXPECT_EQ(bytes->get_header_value("Content-Type"), "application/octet-stream");
  vmm::v1::JobSpec on_server;
  on_server.set_server_path("clip.mp4");
  absl::StatusOr<vmm::v1::Job> named = server.Submit(on_server, "", kAlice);
  ASSERT_TRUE(named.ok()) << named.status();
  ExpectError(http.Get(absl::StrCat("/api/jobs/", named->name().substr(5), "/input"), alice),
              400, "FAILED_PRECONDITION",
              absl::StrCat("the input of job \"", named->name(),
                           "\" is a server_path file, of which the server keeps no copy"));
}

}  // namespace
}  // namespace vmm::server::web

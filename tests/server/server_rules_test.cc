// The server's rules, over real gRPC: tokens and owners, upload limits and checksums,
// resumable uploads, parameter errors, server_path roots and listing pages.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/server/test_server.h"

namespace vmm::server {
namespace {

using testing::Context;
using testing::FakeWorker;
using testing::RandomBytes;
using testing::Sha256Hex;
using testing::TestServer;

using testing::kAlice;
using testing::kBob;
using testing::kWorker;

int FilesUnder(const std::string& directory) {
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file()) ++count;
  }
  return count;
}

class AuthTest : public ::testing::Test {
 protected:
  AuthTest()
      : server_([this](ServerOptions* options) {
          options->tokens_file = testing::WriteTokensFile(dir_);
        }) {}
  testing::TempDir dir_;
  TestServer server_;
};

TEST_F(AuthTest, MissingOrWrongTokensAreUnauthenticated) {
  ASSERT_TRUE(server_.started()) << server_.start_status();
  absl::StatusOr<vmm::v1::Job> job = server_.Submit(vmm::v1::JobSpec(), "abc", "");
  EXPECT_EQ(job.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(job.status().message().find("missing token"), std::string::npos);
  job = server_.Submit(vmm::v1::JobSpec(), "abc", "not-a-real-token-at-all");
  EXPECT_EQ(job.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(server_.Get("jobs/x", "").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(AuthTest, OwnersSeeOnlyTheirOwnJobs) {
  ASSERT_TRUE(server_.started()) << server_.start_status();
  absl::StatusOr<vmm::v1::Job> job = server_.Submit(vmm::v1::JobSpec(), "abc", kAlice);
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->owner(), "alice");
  EXPECT_TRUE(server_.Get(job->name(), kAlice).ok());
  absl::StatusOr<vmm::v1::Job> stolen = server_.Get(job->name(), kBob);
  EXPECT_EQ(stolen.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(stolen.status().message().find(job->name()), std::string::npos);
  auto context = Context(kBob);
  vmm::v1::CancelJobRequest cancel;
  cancel.set_name(job->name());
  vmm::v1::Job cancelled;
  EXPECT_EQ(server_.api().CancelJob(context.get(), cancel, &cancelled).error_code(),
            grpc::StatusCode::NOT_FOUND);
  auto list_context = Context(kBob);
  vmm::v1::ListJobsResponse listed;
  ASSERT_TRUE(
      server_.api().ListJobs(list_context.get(), vmm::v1::ListJobsRequest(), &listed).ok());
  EXPECT_EQ(listed.jobs_size(), 0);
}

TEST_F(AuthTest, WorkerServiceTakesOnlyWorkerTokens) {
  ASSERT_TRUE(server_.started()) << server_.start_status();
  FakeWorker impostor(server_.channel(), 1, 0, kAlice);
  EXPECT_FALSE(impostor.WaitRegistered());
  std::optional<grpc::Status> ended = impostor.WaitEnded(absl::Seconds(5));
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->error_code(), grpc::StatusCode::PERMISSION_DENIED);
  FakeWorker worker(server_.channel(), 1, 0, kWorker);
  EXPECT_TRUE(worker.WaitRegistered());
  // And a worker token cannot use the public API.
  EXPECT_EQ(server_.Get("jobs/x", kWorker).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(LimitsTest, OversizeUploadIsRefusedAndLeavesNothing) {
  TestServer server([](ServerOptions* options) { options->limits.max_upload_bytes = 1000; });
  ASSERT_TRUE(server.started()) << server.start_status();
  absl::StatusOr<vmm::v1::Job> job = server.Submit(vmm::v1::JobSpec(), RandomBytes(2000));
  EXPECT_EQ(job.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(job.status().message().find("upload limit of 1000 bytes"), std::string::npos)
      << job.status();
  EXPECT_EQ(FilesUnder(server.data_dir() + "/spool"), 0);
  EXPECT_TRUE(server.Submit(vmm::v1::JobSpec(), RandomBytes(1000)).ok());
}

TEST(LimitsTest, WrongChecksumOrSizeIsInvalidAndLeavesNothing) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  vmm::v1::JobSpec spec;
  spec.set_input_sha256(Sha256Hex("something else"));
  absl::StatusOr<vmm::v1::Job> job = server.Submit(spec, RandomBytes(3000));
  EXPECT_EQ(job.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(job.status().message().find("input_sha256"), std::string::npos) << job.status();
  spec = vmm::v1::JobSpec();
  spec.set_input_size_bytes(5000);
  job = server.Submit(spec, RandomBytes(3000));
  EXPECT_EQ(job.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(job.status().message().find("ended after 3000 bytes"), std::string::npos)
      << job.status();
  EXPECT_EQ(FilesUnder(server.data_dir() + "/spool"), 0);
}

TEST(LimitsTest, BadParametersAreNamed) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  vmm::v1::JobSpec spec;
  spec.mutable_params()->set_alpha(-3);
  absl::StatusOr<vmm::v1::Job> job = server.Submit(spec, "abc");
  EXPECT_EQ(job.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(job.status().message().find("params.alpha"), std::string::npos);
  spec = vmm::v1::JobSpec();
  spec.mutable_params()->set_mode(vmm::v1::MODE_TEMPORAL);
  spec.mutable_params()->set_low_hz(4);
  spec.mutable_params()->set_high_hz(2);
  job = server.Submit(spec, "abc");
  EXPECT_NE(job.status().message().find("params.low_hz"), std::string::npos);
}

TEST(LimitsTest, OwnersHaveAJobsInFlightLimit) {
  TestServer server([](ServerOptions* options) {
    options->limits.max_jobs_in_flight_per_owner = 2;
  });
  ASSERT_TRUE(server.started()) << server.start_status();
  ASSERT_TRUE(server.Submit(vmm::v1::JobSpec(), "a").ok());
  ASSERT_TRUE(server.Submit(vmm::v1::JobSpec(), "b").ok());
  absl::StatusOr<vmm::v1::Job> third = server.Submit(vmm::v1::JobSpec(), "c");
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(third.status().message().find("2 unfinished jobs"), std::string::npos);
}

TEST(ResumableUploadTest, ResumesFromTheReportedOffsetAndIsIdempotent) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  const std::string input = RandomBytes(400000, 3);
  vmm::v1::JobSpec spec;
  spec.set_upload_id("0123456789abcdef");
  spec.set_input_size_bytes(400000);
  spec.set_input_sha256(Sha256Hex(input));
  {
    // Send 3 chunks, then break the stream.
    auto context = Context("");
    vmm::v1::Job ignored;
    auto writer = server.api().SubmitJob(context.get(), &ignored);
    vmm::v1::SubmitJobRequest first;
    *first.mutable_spec() = spec;
    ASSERT_TRUE(writer->Write(first));
    for (int i = 0; i < 3; ++i) {
      vmm::v1::SubmitJobRequest chunk;
      chunk.set_chunk(input.substr(i * 65536, 65536));
      ASSERT_TRUE(writer->Write(chunk));
    }
    // Wait until the server holds the bytes, then cancel.
    for (int i = 0; i < 100; ++i) {
      auto probe = Context("");
      vmm::v1::GetUploadOffsetRequest request;
      request.set_upload_id(spec.upload_id());
      vmm::v1::UploadOffset offset;
      if (server.api().GetUploadOffset(probe.get(), request, &offset).ok() &&
          offset.offset() == 3 * 65536) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    context->TryCancel();
    EXPECT_FALSE(writer->Finish().ok());
  }
  vmm::v1::UploadOffset offset;
  for (int i = 0; i < 100; ++i) {  // the server notices the break asynchronously
    auto probe = Context("");
    vmm::v1::GetUploadOffsetRequest request;
    request.set_upload_id(spec.upload_id());
    ASSERT_TRUE(server.api().GetUploadOffset(probe.get(), request, &offset).ok());
    spec.set_upload_offset(offset.offset());
    if (server.Submit(spec, input.substr(offset.offset())).ok()) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(offset.offset(), 3 * 65536);
  EXPECT_EQ(offset.input_size_bytes(), 400000);
  // Retrying the submission returns the same job instead of a second one.
  spec.set_upload_offset(0);
  absl::StatusOr<vmm::v1::Job> again = server.Submit(spec, "");
  ASSERT_TRUE(again.ok()) << again.status();
  auto probe = Context("");
  vmm::v1::GetUploadOffsetRequest request;
  request.set_upload_id(spec.upload_id());
  ASSERT_TRUE(server.api().GetUploadOffset(probe.get(), request, &offset).ok());
  EXPECT_EQ(offset.offset(), 400000);
  EXPECT_EQ(offset.job(), again->name());
  FakeWorker worker(server.channel());
  ASSERT_TRUE(worker.WaitRegistered());
  std::optional<vmm::v1::ServerMessage> message = worker.Next();
  ASSERT_TRUE(message.has_value() && message->has_assignment());
  EXPECT_EQ(*worker.ReadInput(message->assignment().job_id()), input);
  EXPECT_FALSE(worker.Next(absl::Milliseconds(300)).has_value());  // only one job exists
}

TEST(ResumableUploadTest, WrongResumeOffsetIsAFailedPrecondition) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  vmm::v1::JobSpec spec;
  spec.set_upload_id("fedcba9876543210");
  spec.set_upload_offset(10);
  const std::string input = RandomBytes(100);
  spec.set_input_size_bytes(100);
  spec.set_input_sha256(Sha256Hex(input));
  absl::StatusOr<vmm::v1::Job> job = server.Submit(spec, input.substr(10));
  EXPECT_EQ(job.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(job.status().message().find("resume from offset 0"), std::string::npos)
      << job.status();
  auto probe = Context("");
  vmm::v1::GetUploadOffsetRequest request;
  request.set_upload_id("never-started-1");
  vmm::v1::UploadOffset offset;
  EXPECT_EQ(server.api().GetUploadOffset(probe.get(), request, &offset).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST(ServerPathTest, OnlyFilesUnderAnAllowedRoot) {
  testing::TempDir roots;
  const std::string allowed = MakeInputRootWithClip(roots);
  std::ofstream(roots.Join("secret.txt")) << "keep out";
  TestServer server([&](ServerOptions* options) {
    options->input_roots = {allowed};
  });
  ASSERT_TRUE(server.started()) << server.start_status();
  vmm::v1::JobSpec spec;
  spec.set_server_path("clip.mp4");
  absl::StatusOr<vmm::v1::Job> job = server.Submit(spec, "");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->input_sha256(), Sha256Hex("not really a video"));
  EXPECT_EQ(job->input_filename(), "clip.mp4");
  spec.set_server_path("../secret.txt");
  EXPECT_EQ(server.Submit(spec, "").status().code(), absl::StatusCode::kPermissionDenied);
  spec.set_server_path("missing.mp4");
  EXPECT_EQ(server.Submit(spec, "").status().code(), absl::StatusCode::kNotFound);
}

TEST(ListJobsTest, PagesWithOpaqueTokensAndFiltersByState) {
  TestServer server;
  ASSERT_TRUE(server.started()) << server.start_status();
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    names.push_back(server.Submit(vmm::v1::JobSpec(), RandomBytes(10, i))->name());
  }
  std::vector<std::string> seen;
  std::string token;
  do {
    auto context = Context("");
    vmm::v1::ListJobsRequest request;
    request.set_page_size(2);
    request.set_page_token(token);
    vmm::v1::ListJobsResponse response;
    ASSERT_TRUE(server.api().ListJobs(context.get(), request, &response).ok());
    EXPECT_LE(response.jobs_size(), 2);
    for (const auto& job : response.jobs()) seen.push_back(job.name());
    token = response.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(seen, std::vector<std::string>(names.rbegin(), names.rend()));
  auto cancel_context = Context("");
  vmm::v1::CancelJobRequest cancel;
  cancel.set_name(names[1]);
  vmm::v1::Job cancelled;
  ASSERT_TRUE(server.api().CancelJob(cancel_context.get(), cancel, &cancelled).ok());
  EXPECT_EQ(cancelled.state(), vmm::v1::Job::CANCELLED);
  auto context = Context("");
  vmm::v1::ListJobsRequest request;
  request.set_state(vmm::v1::Job::CANCELLED);
  vmm::v1::ListJobsResponse response;
  ASSERT_TRUE(server.api().ListJobs(context.get(), request, &response).ok());
  ASSERT_EQ(response.jobs_size(), 1);
  EXPECT_EQ(response.jobs(0).name(), names[1]);
  auto bad_context = Context("");
  request.set_page_token("garbage");
  grpc::Status status = server.api().ListJobs(bad_context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page_token"), std::string::npos);
}

}  // namespace
}  // namespace vmm::server

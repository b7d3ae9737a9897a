// DownloadResult with `input`, over real gRPC: the job's input comes back byte for byte with
// the size and SHA-256 the job records, in any state and from an offset; the owner rules are the
// result's; a server_path input, of which the server keeps no copy, is FAILED_PRECONDITION.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/empty.pb.h"
#include "tests/server/test_server.h"

namespace vmm::server {
namespace {

using testing::Context;
using testing::RandomBytes;
using testing::Sha256Hex;
using testing::TestServer;

using testing::kAlice;
using testing::kBob;
using testing::kWorker;

TEST(InputDownloadTest, ComesBackAsUploadedInAnyStateAndResumes) {
  TestServer server;  // no worker: the job stays QUEUED until cancelled
  ASSERT_TRUE(server.started()) << server.start_status();
  const std::string input = RandomBytes(2'500'000, 21);  // three chunks of at most 1 MiB
  vmm::v1::JobSpec spec;
  spec.set_input_filename("wrist.mp4");
  absl::StatusOr<vmm::v1::Job> job = server.Submit(spec, input);
  ASSERT_TRUE(job.ok()) << job.status();
  ASSERT_EQ(job->state(), vmm::v1::Job::QUEUED);

  vmm::v1::DownloadResultResponse first;
  absl::StatusOr<std::string> whole = server.DownloadInput(job->name(), 0, &first);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_TRUE(*whole == input);
  EXPECT_EQ(first.total_size_bytes(), job->input_size_bytes());
  EXPECT_EQ(first.total_size_bytes(), 2'500'000);
  EXPECT_EQ(first.sha256(), job->input_sha256());
  EXPECT_EQ(Sha256Hex(*whole), job->input_sha256());
  EXPECT_EQ(first.output_format(), vmm::v1::OUTPUT_FORMAT_UNSPECIFIED);
  // The result of the same QUEUED job is still refused, and input bytes are no result bytes.
  absl::StatusOr<std::string> result = server.Download(job->name(), 0, nullptr);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(server.app().metrics().download_bytes.Value(), 0);

  // Resuming: from an offset, the rest; at the end, one message without data; past it, refused.
  absl::StatusOr<std::string> tail = server.DownloadInput(job->name(), 2'000'001, &first);
  ASSERT_TRUE(tail.ok()) << tail.status();
  EXPECT_TRUE(*tail == input.substr(2'000'001));
  EXPECT_EQ(first.offset(), 2'000'001);
  EXPECT_EQ(first.total_size_bytes(), 2'500'000);
  EXPECT_EQ(first.sha256(), Sha256Hex(input));
  absl::StatusOr<std::string> end = server.DownloadInput(job->name(), 2'500'000, &first);
  ASSERT_TRUE(end.ok()) << end.status();
  EXPECT_TRUE(end->empty());
  EXPECT_EQ(first.total_size_bytes(), 2'500'000);
  absl::StatusOr<std::string> beyond = server.DownloadInput(job->name(), 2'500'001, nullptr);
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(beyond.status().message(), "offset 2500001 is beyond the input's 2500000 bytes");
  EXPECT_EQ(server.DownloadInput(job->name(), -1, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);

  // A finished (here CANCELLED) job still has its input, until it is deleted.
  auto cancel_context = Context("");
  vmm::v1::CancelJobRequest cancel;
  cancel.set_name(job->name());
  vmm::v1::Job cancelled;
  ASSERT_TRUE(server.api().CancelJob(cancel_context.get(), cancel, &cancelled).ok());
  ASSERT_EQ(cancelled.state(), vmm::v1::Job::CANCELLED);
  absl::StatusOr<std::string> after = server.DownloadInput(job->name(), 0, nullptr);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(*after == input);
  auto delete_context = Context("");
  vmm::v1::DeleteJobRequest remove;
  remove.set_name(job->name());
  google::protobuf::Empty empty;
  ASSERT_TRUE(server.api().DeleteJob(delete_context.get(), remove, &empty).ok());
  absl::StatusOr<std::string> gone = server.DownloadInput(job->name(), 0, nullptr);
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(gone.status().message(), absl::StrCat("job \"", job->name(), "\" not found"));
}

TEST(InputDownloadTest, AnotherOwnerIsRefusedAsForResults) {
  testing::TempDir dir;
  TestServer server([&](ServerOptions* options) {
    options->tokens_file = testing::WriteTokensFile(dir);
  });
  ASSERT_TRUE(server.started()) << server.start_status();
  const std::string input = RandomBytes(70'000, 22);
  absl::StatusOr<vmm::v1::Job> job = server.Submit(vmm::v1::JobSpec(), input, kAlice);
  ASSERT_TRUE(job.ok()) << job.status();

  absl::StatusOr<std::string> own = server.DownloadInput(job->name(), 0, nullptr, kAlice);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_TRUE(*own == input);
  // Bob sees no such job, for the input as for the result.
  absl::StatusOr<std::string> stolen = server.DownloadInput(job->name(), 0, nullptr, kBob);
  EXPECT_EQ(stolen.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(stolen.status().message(), absl::StrCat("job \"", job->name(), "\" not found"));
  EXPECT_EQ(server.Download(job->name(), 0, nullptr, kBob).status(), stolen.status());
  EXPECT_EQ(server.DownloadInput(job->name(), 0, nullptr, "").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(server.DownloadInput(job->name(), 0, nullptr, kWorker).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(InputDownloadTest, AServerPathInputIsAFailedPrecondition) {
  testing::TempDir roots;
  const std::string allowed = MakeInputRootWithClip(roots);
  TestServer server([&](ServerOptions* options) {
    options->input_roots = {allowed};
  });
  ASSERT_TRUE(server.started()) << server.start_status();
  vmm::v1::JobSpec spec;
  spec.set_server_path("clip.mp4");
  absl::StatusOr<vmm::v1::Job> job = server.Submit(spec, "");
  ASSERT_TRUE(job.ok()) << job.status();
  absl::StatusOr<std::string> input = server.DownloadInput(job->name(), 0, nullptr);
  EXPECT_EQ(input.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(input.status().message(),
            absl::StrCat("the input of job \"", job->name(),
                         "\" is a server_path file, of which the server keeps no copy"));
}

}  // namespace
}  // namespace vmm::server

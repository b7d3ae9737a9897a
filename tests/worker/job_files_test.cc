#include "worker/job_files.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "common/sha256.h"
#include "tests/worker/fake_worker_service.h"
#include "worker/server_channel.h"

namespace vmm::worker {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

class JobFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.Start();
    auto channel = MakeServerChannel({fake_.address(), "", ""});
    ASSERT_TRUE(channel.ok());
    stub_ = vmm::v1::WorkerService::NewStub(*channel);
    input_.assign(5500, 'x');
    for (size_t i = 0; i < input_.size(); ++i) input_[i] = static_cast<char>(i * 7);
    fake_.service.inputs["job-1"] = input_;
    assignment_.set_job_id("job-1");
    assignment_.set_input_size_bytes(static_cast<int64_t>(input_.size()));
    assignment_.set_input_sha256(common::Sha256Hex(input_));
  }

  testing::FakeServer fake_;
  std::unique_ptr<vmm::v1::WorkerService::Stub> stub_;
  std::string input_;
  vmm::v1::Assignment assignment_;
  const WorkerIdentity identity_{"worker-1", ""};
  const std::string path_ = ::testing::TempDir() + "/job_files_input";
};

TEST_F(JobFilesTest, FetchesTheInputAndChecksIt) {
  JobControl control;
  ASSERT_TRUE(FetchInput(*stub_, identity_, assignment_, path_, control).ok());
  EXPECT_EQ(ReadFile(path_), input_);
}

TEST_F(JobFilesTest, ChecksumMismatchIsDataLossNamingBothValues) {
  assignment_.set_input_sha256(std::string(64, '0'));
  JobControl control;
  absl::Status status = FetchInput(*stub_, identity_, assignment_, path_, control);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(status.message().find(common::Sha256Hex(input_)), std::string::npos) << status;
  EXPECT_NE(status.message().find(std::string(64, '0')), std::string::npos);
}

TEST_F(JobFilesTest, SizeMismatchIsDataLoss) {
  assignment_.set_input_size_bytes(9999);
  JobControl control;
  absl::Status status = FetchInput(*stub_, identity_, assignment_, path_, control);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("9999"), std::string::npos) << status;
}

TEST_F(JobFilesTest, JobNoLongerOursIsFailedPrecondition) {
  assignment_.set_job_id("job-unknown");
  JobControl control;
  absl::Status status = FetchInput(*stub_, identity_, assignment_, path_, control);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("reading the job's input"), std::string::npos) << status;
}

TEST_F(JobFilesTest, StopEndsAStalledReadPromptly) {
  fake_.service.stall_input = true;
  JobControl control;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    control.RequestStop(StopReason::kCancelled);
  });
  const auto start = std::chrono::steady_clock::now();
  absl::Status status = FetchInput(*stub_, identity_, assignment_, path_, control);
  stopper.join();
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(JobFilesTest, UploadsTheResult) {
  const std::string result_path = ::testing::TempDir() + "/job_files_result";
  const std::string result(600 * 1024, 'r');  // several chunks
  std::ofstream(result_path, std::ios::binary) << result;
  absl::StatusOr<common::FileDigest> digest = common::DigestFile(result_path);
  ASSERT_TRUE(digest.ok());
  JobControl control;
  ASSERT_TRUE(UploadResult(*stub_, identity_, "job-1", result_path, *digest, control).ok());
  EXPECT_EQ(fake_.service.results()["job-1"], result);
}

}  // namespace
}  // namespace vmm::worker

#include "client/remote/download.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "client/remote/job_output.h"
#include "client/remote/retry_policy.h"
#include "common/rpc/status_conversion.h"
#include "common/sha256.h"

namespace vmm::client {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// What the first message of every DownloadResult stream says about the whole file.
struct ResultInfo {
  int64_t total = -1;
  std::string sha256;
};

// One DownloadResult call from `*offset`, appending to `file`.
grpc::Status ReceiveFrom(Connection& connection, const std::string& name, JobFile what,
                         int64_t* offset, std::ofstream& file, ResultInfo& info,
                         ProgressDisplay* progress, RetryPolicy& retry) {
  std::unique_ptr<grpc::ClientContext> context = connection.NewContext(std::nullopt);
  vmm::v1::DownloadResultRequest request;
  request.set_name(name);
  request.set_offset(*offset);
  request.set_input(what == JobFile::kInput);
  std::unique_ptr<grpc::ClientReader<vmm::v1::DownloadResultResponse>> reader =
      connection.stub().DownloadResult(context.get(), request);
  vmm::v1::DownloadResultResponse response;
  bool first = true;
  const auto start = std::chrono::steady_clock::now();
  const int64_t first_offset = *offset;
  while (reader->Read(&response)) {
    retry.MadeProgress();
    if (first) {
      info.total = response.total_size_bytes();
      info.sha256 = response.sha256();
      first = false;
    }
    if (response.chunk().empty()) continue;
    if (response.offset() != *offset) {
      context->TryCancel();
      reader->Finish();
      return grpc::Status(grpc::StatusCode::DATA_LOSS,
                          absl::StrCat("the server sent bytes at offset ", response.offset(),
                                       ", expected ", *offset));
    }
    file.write(response.chunk().data(), static_cast<std::streamsize>(response.chunk().size()));
    if (!file) {
      context->TryCancel();
      reader->Finish();
      return grpc::Status(grpc::StatusCode::UNKNOWN, "cannot write the output file");
    }
    *offset += static_cast<int64_t>(response.chunk().size());
    if (progress != nullptr) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double rate = seconds > 0 ? (*offset - first_offset) / seconds : 0;
      progress->Update(*offset / kMiB, info.total / kMiB, rate / kMiB,
                       rate > 0 ? (info.total - *offset) / rate : -1);
    }
  }
  file.flush();
  return reader->Finish();
}

}  // namespace

grpc::Status DownloadJobResult(Connection& connection, const std::string& name,
                               const std::string& path, int64_t offset, ProgressDisplay* progress,
                               int64_t* size, JobFile what) {
  const char* const noun = what == JobFile::kInput ? "the input" : "the result";
  std::error_code error;
  const bool exists = std::filesystem::exists(path, error);
  const int64_t existing =
      exists ? static_cast<int64_t>(std::filesystem::file_size(path, error)) : 0;
  if (offset < 0) offset = existing;
  if (offset > existing) {
    return grpc::Status(grpc::StatusCode::OUT_OF_RANGE,
                        absl::StrCat("--offset ", offset, " is past the end of '", path, "' (",
                                     existing, " bytes)"));
  }
  if (exists) std::filesystem::resize_file(path, offset, error);
  if (error) {
    return grpc::Status(grpc::StatusCode::UNKNOWN,
                        absl::StrCat("cannot prepare '", path, "': ", error.message()));
  }
  std::ofstream file(path, std::ios::binary | (offset > 0 ? std::ios::app : std::ios::trunc));
  if (!file) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("cannot open '", path, "' for writing"));
  }
  ResultInfo info;
  RetryPolicy retry;
  grpc::Status status;
  do {
    status = ReceiveFrom(connection, name, what, &offset, file, info, progress, retry);
  } while (!status.ok() && retry.ShouldRetry(status));
  file.close();
  if (!status.ok()) {
    if (offset == 0) std::filesystem::remove(path, error);  // nothing worth resuming
    if (progress != nullptr) progress->Finish("download failed");
    return status;
  }
  if (offset != info.total) {
    return grpc::Status(
        grpc::StatusCode::DATA_LOSS,
        absl::StrCat("'", path, "' has ", offset, " bytes, ", noun, " ", info.total));
  }
  absl::StatusOr<common::FileDigest> digest = common::DigestFile(path);
  if (!digest.ok()) return common::ToGrpcStatus(digest.status());
  if (digest->sha256 != info.sha256) {
    return grpc::Status(
        grpc::StatusCode::DATA_LOSS,
        absl::StrCat("the SHA-256 of '", path, "' is ", digest->sha256, ", ", noun,
                     " on the server has ", info.sha256, "; download again with --offset 0"));
  }
  if (progress != nullptr) {
    progress->Finish(absl::StrCat("downloaded ", HumanBytes(offset), " to ", path));
  }
  *size = offset;
  return grpc::Status::OK;
}

}  // namespace vmm::client

#include "client/remote/upload.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/remote/job_output.h"
#include "client/remote/retry_policy.h"
#include "common/rpc/status_conversion.h"
#include "common/sha256.h"

namespace vmm::client {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// One SubmitJob call sending the file from `offset`; counts bytes sent in *sent.
grpc::Status SendFrom(Connection& connection, vmm::v1::JobSpec spec, const std::string& path,
                      int64_t offset, ProgressDisplay* progress, RetryPolicy& retry,
                      vmm::v1::Job* job) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return grpc::Status(grpc::StatusCode::NOT_FOUND, "cannot open " + path);
  file.seekg(offset);
  spec.set_upload_offset(offset);
  std::unique_ptr<grpc::ClientContext> context = connection.NewContext(std::nullopt);
  std::unique_ptr<grpc::ClientWriter<vmm::v1::SubmitJobRequest>> writer =
      connection.stub().SubmitJob(context.get(), job);
  vmm::v1::SubmitJobRequest request;
  *request.mutable_spec() = spec;
  bool open = writer->Write(request);
  if (open) retry.MadeProgress();
  std::vector<char> buffer(kUploadChunkBytes);
  const auto start = std::chrono::steady_clock::now();
  int64_t position = offset;
  while (open && position < spec.input_size_bytes()) {
    file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = file.gcount();
    if (got <= 0) break;
    request.set_chunk(buffer.data(), static_cast<size_t>(got));
    open = writer->Write(request);
    if (!open) break;
    position += got;
    retry.MadeProgress();
    if (progress != nullptr) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double rate = seconds > 0 ? (position - offset) / seconds : 0;
      progress->Update(position / kMiB, spec.input_size_bytes() / kMiB, rate / kMiB,
                       rate > 0 ? (spec.input_size_bytes() - position) / rate : -1);
    }
  }
  if (open) writer->WritesDone();
  return writer->Finish();
}

}  // namespace

std::string NewUploadId() {
  std::random_device device;
  std::string id;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) id.push_back(kHex[device() % 16]);
  return id;
}

grpc::Status UploadJob(Connection& connection, vmm::v1::JobSpec spec, const std::string& path,
                       ProgressDisplay* progress, vmm::v1::Job* job) {
  absl::StatusOr<common::FileDigest> digest = common::DigestFile(path);
  if (!digest.ok()) return common::ToGrpcStatus(digest.status());
  if (digest->size_bytes == 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("the input '", path, "' is empty"));
  }
  spec.set_input_filename(std::filesystem::path(path).filename().string());
  spec.set_input_size_bytes(digest->size_bytes);
  spec.set_input_sha256(digest->sha256);
  spec.set_upload_id(NewUploadId());
  RetryPolicy retry;
  int64_t offset = 0;
  while (true) {
    grpc::Status status = SendFrom(connection, spec, path, offset, progress, retry, job);
    if (status.ok()) {
      if (progress != nullptr) {
        progress->Finish(absl::StrCat("uploaded ", HumanBytes(spec.input_size_bytes())));
      }
      return status;
    }
    // Ask what the server kept, and go on from there.
    bool resumed = false;
    while (!resumed && retry.ShouldRetry(status)) {
      vmm::v1::GetUploadOffsetRequest request;
      request.set_upload_id(spec.upload_id());
      vmm::v1::UploadOffset reply;
      std::unique_ptr<grpc::ClientContext> context = connection.NewContext();
      const grpc::Status asked = connection.stub().GetUploadOffset(context.get(), request, &reply);
      if (asked.error_code() == grpc::StatusCode::NOT_FOUND) {
        offset = 0;  // the server kept nothing: start again
        resumed = true;
      } else if (asked.ok() && !reply.job().empty()) {
        vmm::v1::GetJobRequest get;
        get.set_name(reply.job());
        std::unique_ptr<grpc::ClientContext> get_context = connection.NewContext();
        if (progress != nullptr) progress->Finish("uploaded");
        return connection.stub().GetJob(get_context.get(), get, job);
      } else if (asked.ok()) {
        offset = reply.offset();
        resumed = true;
      } else {
        status = asked;
      }
    }
    if (!resumed) {
      if (progress != nullptr) progress->Finish("upload failed");
      return status;
    }
  }
}

}  // namespace vmm::client

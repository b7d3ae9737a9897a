#include "worker/job_files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/rpc/status_conversion.h"
#include "worker/server_channel.h"

namespace vmm::worker {
namespace {

// How many times a broken input stream is resumed before the job gives up.
constexpr int kReadAttempts = 4;

// One ReadInput call from `offset`, appending to `file` and `sha`; advances `offset`.
grpc::Status ReadFrom(vmm::v1::WorkerService::StubInterface& stub, const WorkerIdentity& identity,
                      const std::string& job_id, int64_t& offset, std::ofstream& file,
                      common::Sha256& sha, JobControl& control) {
  grpc::ClientContext context;
  PrepareContext(context, identity.token);
  ScopedActiveCall active(control, context);
  vmm::v1::ReadInputRequest request;
  request.set_worker_id(identity.worker_id);
  request.set_job_id(job_id);
  request.set_offset(offset);
  std::unique_ptr<grpc::ClientReaderInterface<vmm::v1::InputChunk>> reader =
      stub.ReadInput(&context, request);
  vmm::v1::InputChunk chunk;
  while (reader->Read(&chunk)) {
    if (chunk.offset() != offset) {
      context.TryCancel();
      reader->Finish();
      return grpc::Status(grpc::StatusCode::DATA_LOSS,
                          absl::StrCat("chunk at offset ", chunk.offset(), ", expected ", offset));
    }
    file.write(chunk.data().data(), static_cast<std::streamsize>(chunk.data().size()));
    sha.Update(chunk.data());
    offset += static_cast<int64_t>(chunk.data().size());
  }
  return reader->Finish();
}

}  // namespace

absl::Status FetchInput(vmm::v1::WorkerService::StubInterface& stub, const WorkerIdentity& identity,
                        const vmm::v1::Assignment& assignment, const std::string& path,
                        JobControl& control) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    return absl::UnavailableError(
        absl::StrCat("cannot create the input file '", path, "': ", std::strerror(errno)));
  }
  common::Sha256 sha;
  int64_t offset = 0;
  grpc::Status status;
  for (int attempt = 1; attempt <= kReadAttempts; ++attempt) {
    status = ReadFrom(stub, identity, assignment.job_id(), offset, file, sha, control);
    if (control.stop_requested()) return absl::CancelledError("reading the input: stopped");
    if (status.ok() || status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
  }
  if (!status.ok())
    return common::FromGrpcStatus(status, "reading the job's input from the server");
  file.close();
  if (!file) return absl::UnavailableError(absl::StrCat("cannot write '", path, "'"));
  if (offset != assignment.input_size_bytes()) {
    return absl::DataLossError(absl::StrCat("the input has ", offset, " bytes, the job says ",
                                            assignment.input_size_bytes()));
  }
  const std::string digest = sha.HexDigest();
  if (digest != assignment.input_sha256()) {
    return absl::DataLossError(absl::StrCat("the input's SHA-256 is ", digest, ", the job says ",
                                            assignment.input_sha256()));
  }
  return absl::OkStatus();
}

absl::Status UploadResult(vmm::v1::WorkerService::StubInterface& stub,
                          const WorkerIdentity& identity, const std::string& job_id,
                          const std::string& path, const common::FileDigest& digest,
                          JobControl& control) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat("cannot open the result '", path, "': ", std::strerror(errno)));
  }
  grpc::ClientContext context;
  PrepareContext(context, identity.token);
  ScopedActiveCall active(control, context);
  vmm::v1::WriteResultResponse response;
  std::unique_ptr<grpc::ClientWriterInterface<vmm::v1::WriteResultRequest>> writer =
      stub.WriteResult(&context, &response);
  vmm::v1::WriteResultRequest request;
  vmm::v1::ResultHeader* header = request.mutable_header();
  header->set_worker_id(identity.worker_id);
  header->set_job_id(job_id);
  header->set_size_bytes(digest.size_bytes);
  header->set_sha256(digest.sha256);
  bool stream_open = writer->Write(request);
  std::vector<char> buffer(kTransferChunkBytes);
  while (stream_open && file) {
    file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = file.gcount();
    if (got <= 0) break;
    request.set_chunk(buffer.data(), static_cast<size_t>(got));
    stream_open = writer->Write(request);
  }
  if (stream_open) writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (control.stop_requested()) return absl::CancelledError("uploading the result: stopped");
  return common::FromGrpcStatus(status, "uploading the result to the server");
}

}  // namespace vmm::worker

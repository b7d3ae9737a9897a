#include "server/worker_service.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rpc/status_conversion.h"
#include "common/sha256.h"
#include "server/connect_reactor.h"
#include "server/file_chunk_reactor.h"
#include "server/live_relay.h"

namespace vmm::server {

grpc::ServerBidiReactor<vmm::v1::WorkerMessage, vmm::v1::ServerMessage>*
WorkerServiceImpl::Connect(grpc::CallbackServerContext* context) {
  absl::Status refused = AuthenticateWorker(*core_.auth, *context).status();
  if (refused.ok() && core_.shutting_down->load()) {
    refused = absl::UnavailableError("the server is shutting down; connect again later");
  }
  auto stream = std::make_shared<ConnectReactor>(core_, streams_, context);
  stream->Start(stream, refused);
  return stream.get();
}

grpc::ServerWriteReactor<vmm::v1::InputChunk>* WorkerServiceImpl::ReadInput(
    grpc::CallbackServerContext* context, const vmm::v1::ReadInputRequest* request) {
  using Chunk = vmm::v1::InputChunk;
  absl::StatusOr<Principal> caller = AuthenticateWorker(*core_.auth, *context);
  if (!caller.ok()) return RefusedStream<Chunk>(caller.status());
  absl::StatusOr<JobRecord> job =
      core_.scheduler->CheckLease(request->worker_id(), request->job_id());
  if (!job.ok()) return RefusedStream<Chunk>(job.status());
  if (request->offset() < 0 || request->offset() > job->input_size_bytes) {
    return RefusedStream<Chunk>(absl::OutOfRangeError(absl::StrCat(
        "offset ", request->offset(), " is outside the input's ", job->input_size_bytes,
        " bytes")));
  }
  FileChunkPlan<Chunk> plan;
  plan.path = job->input_path;
  plan.offset = request->offset();
  plan.end = job->input_size_bytes;
  plan.missing_message =
      absl::StrCat("the input of job ", job->id, " (", job->input_path, ") cannot be opened");
  // A server_path file that shrank: the worker's checksum catches it.
  plan.require_every_byte = false;
  plan.send_empty_first = false;
  plan.fill = [](Chunk* chunk, int64_t offset, absl::string_view data, bool /*first*/) {
    chunk->set_offset(offset);
    chunk->set_data(data.data(), data.size());
  };
  auto* read = new FileChunkReactor<Chunk>(std::move(plan));
  read->Start();
  return read;
}

grpc::Status WorkerServiceImpl::WriteResult(grpc::ServerContext* context,
                                            grpc::ServerReader<vmm::v1::WriteResultRequest>* reader,
                                            vmm::v1::WriteResultResponse* response) {
  absl::StatusOr<vmm::v1::WriteResultResponse> written = Write(context, reader);
  if (!written.ok()) return common::ToGrpcStatus(written.status());
  *response = *std::move(written);
  return grpc::Status::OK;
}

absl::StatusOr<vmm::v1::WriteResultResponse> WorkerServiceImpl::Write(
    grpc::ServerContext* context, grpc::ServerReader<vmm::v1::WriteResultRequest>* reader) {
  absl::StatusOr<Principal> caller = AuthenticateWorker(*core_.auth, *context);
  if (!caller.ok()) return caller.status();
  vmm::v1::WriteResultRequest message;
  if (!reader->Read(&message) || !message.has_header()) {
    return absl::InvalidArgumentError("the first message of WriteResult must carry header");
  }
  const vmm::v1::ResultHeader header = message.header();
  absl::StatusOr<JobRecord> job = core_.scheduler->CheckLease(header.worker_id(), header.job_id());
  if (!job.ok()) return job.status();
  if (header.size_bytes() < 1) {
    return absl::InvalidArgumentError("header.size_bytes must be at least 1");
  }
  if (header.size_bytes() > core_.limits.max_result_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("a result of ", header.size_bytes(),
                                                     " bytes exceeds the server's limit of ",
                                                     core_.limits.max_result_bytes));
  }
  if (!common::IsSha256Hex(header.sha256())) {
    return absl::InvalidArgumentError("header.sha256 must be 64 hexadecimal characters");
  }
  UploadTarget target;
  target.size_bytes = header.size_bytes();
  target.sha256 = header.sha256();
  absl::StatusOr<std::unique_ptr<SpoolUpload>> upload = core_.spool->StartUpload(target);
  if (!upload.ok()) return upload.status();
  while (reader->Read(&message)) {
    if (message.content_case() != vmm::v1::WriteResultRequest::kChunk) {
      return absl::InvalidArgumentError("only the first message of WriteResult may carry header");
    }
    if (static_cast<int64_t>(message.chunk().size()) > kMaxChunkBytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "a chunk of ", message.chunk().size(), " bytes exceeds the limit of ", kMaxChunkBytes));
    }
    if (absl::Status status = (*upload)->Append(message.chunk()); !status.ok()) return status;
  }
  if (context->IsCancelled()) return absl::CancelledError("the result upload broke");
  const std::string path = core_.spool->ResultPath(job->id);
  if (absl::Status status = (*upload)->Commit(path); !status.ok()) return status;
  if (absl::Status status = core_.scheduler->RecordResult(header.worker_id(), job->id, path,
                                                          header.size_bytes(), header.sha256());
      !status.ok()) {
    Spool::RemoveFile(path);
    return status;
  }
  vmm::v1::WriteResultResponse response;
  response.set_size_bytes(header.size_bytes());
  response.set_sha256(common::NormalizeHex(header.sha256()));
  return response;
}

grpc::ServerBidiReactor<vmm::v1::LiveWorkerMessage, vmm::v1::LiveServerMessage>*
WorkerServiceImpl::LiveFrames(grpc::CallbackServerContext* context) {
  return core_.live->StartWorkerStream(context,
                                       AuthenticateWorker(*core_.auth, *context).status());
}

}  // namespace vmm::server

#include "server/worker_service.h"

#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/rpc/status_conversion.h"
#include "common/sha256.h"
#include "server/blocking_queue.h"
#include "server/live_relay.h"

namespace vmm::server {

grpc::Status WorkerServiceImpl::Connect(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<vmm::v1::ServerMessage, vmm::v1::WorkerMessage>* stream) {
  return common::ToGrpcStatus(ServeConnect(context, stream));
}

absl::Status WorkerServiceImpl::ServeConnect(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<vmm::v1::ServerMessage, vmm::v1::WorkerMessage>* stream) {
  absl::StatusOr<Principal> caller = AuthenticateWorker(*core_.auth, *context);
  if (!caller.ok()) return caller.status();
  if (core_.shutting_down->load()) {
    return absl::UnavailableError("the server is shutting down; connect again later");
  }
  vmm::v1::WorkerMessage message;
  if (!stream->Read(&message)) return absl::CancelledError("the worker left before registering");
  if (!message.has_register_()) {
    return absl::InvalidArgumentError("the first message of Connect must be register");
  }
  BlockingQueue<vmm::v1::ServerMessage> outbox;
  std::thread writer([&]() {
    while (std::optional<vmm::v1::ServerMessage> next = outbox.Pop()) {
      if (!stream->Write(*next)) {
        context->TryCancel();  // the reader loop ends too
        return;
      }
    }
  });
  const int64_t stream_key = streams_->Add(context);
  const std::string worker_id = core_.scheduler->RegisterWorker(
      message.register_(), [&outbox](const vmm::v1::ServerMessage& out) { outbox.Push(out); },
      [context]() { context->TryCancel(); });
  absl::Status result = absl::OkStatus();
  while (stream->Read(&message)) {
    switch (message.content_case()) {
      case vmm::v1::WorkerMessage::kHeartbeat:
        core_.scheduler->Heartbeat(worker_id, message.heartbeat());
        break;
      case vmm::v1::WorkerMessage::kProgress:
        core_.scheduler->ReportProgress(worker_id, message.progress());
        break;
      case vmm::v1::WorkerMessage::kJobFinished:
        core_.scheduler->FinishJob(worker_id, message.job_finished());
        break;
      default:
        result = absl::InvalidArgumentError(
            "after register, Connect takes only heartbeat, progress and job_finished");
        context->TryCancel();
        break;
    }
    if (!result.ok()) break;
  }
  core_.scheduler->WorkerDisconnected(worker_id);
  streams_->Remove(stream_key);
  outbox.Close();
  writer.join();
  return result;
}

grpc::Status WorkerServiceImpl::ReadInput(grpc::ServerContext* context,
                                          const vmm::v1::ReadInputRequest* request,
                                          grpc::ServerWriter<vmm::v1::InputChunk>* writer) {
  return common::ToGrpcStatus(Read(context, *request, writer));
}

absl::Status WorkerServiceImpl::Read(grpc::ServerContext* context,
                                     const vmm::v1::ReadInputRequest& request,
                                     grpc::ServerWriter<vmm::v1::InputChunk>* writer) {
  absl::StatusOr<Principal> caller = AuthenticateWorker(*core_.auth, *context);
  if (!caller.ok()) return caller.status();
  absl::StatusOr<JobRecord> job =
      core_.scheduler->CheckLease(request.worker_id(), request.job_id());
  if (!job.ok()) return job.status();
  if (request.offset() < 0 || request.offset() > job->input_size_bytes) {
    return absl::OutOfRangeError(absl::StrCat(
        "offset ", request.offset(), " is outside the input's ", job->input_size_bytes, " bytes"));
  }
  std::ifstream in(job->input_path, std::ios::binary);
  if (!in) {
    return absl::DataLossError(
        absl::StrCat("the input of job ", job->id, " (", job->input_path, ") cannot be opened"));
  }
  in.seekg(request.offset());
  int64_t offset = request.offset();
  std::vector<char> buffer(kMaxChunkBytes);
  while (offset < job->input_size_bytes) {
    if (context->IsCancelled()) return absl::CancelledError("the worker stopped reading");
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    if (got <= 0) break;  // a server_path file that shrank: the worker's checksum catches it
    vmm::v1::InputChunk chunk;
    chunk.set_offset(offset);
    chunk.set_data(buffer.data(), static_cast<size_t>(got));
    if (!writer->Write(chunk)) return absl::CancelledError("the worker stopped reading");
    offset += got;
  }
  return absl::OkStatus();
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

grpc::Status WorkerServiceImpl::LiveFrames(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<vmm::v1::LiveServerMessage, vmm::v1::LiveWorkerMessage>* stream) {
  absl::StatusOr<Principal> caller = AuthenticateWorker(*core_.auth, *context);
  if (!caller.ok()) return common::ToGrpcStatus(caller.status());
  return common::ToGrpcStatus(core_.live->ServeWorker(context, stream));
}

}  // namespace vmm::server

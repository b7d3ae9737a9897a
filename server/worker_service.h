// vmm.v1.WorkerService: the server's side of the worker protocol (see worker.proto). Connect
// holds one worker's control stream: a reader loop (this handler's thread) feeds the scheduler,
// and a writer thread drains the messages the scheduler queued for the worker. ReadInput and
// WriteResult move a job's bytes, checking that the caller holds the job's lease; LiveFrames
// hands the stream to the live relay. Thread-safe; the ServerCore's parts must outlive it.
#pragma once

#include "server/server_core.h"
#include "server/stream_registry.h"
#include "vmm/v1/worker.grpc.pb.h"

namespace vmm::server {

// The worker protocol's service.
class WorkerServiceImpl final : public vmm::v1::WorkerService::Service {
 public:
  // `streams` receives every Connect stream so a shutdown can end them.
  WorkerServiceImpl(ServerCore core, StreamRegistry* streams) : core_(core), streams_(streams) {}

  grpc::Status Connect(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<vmm::v1::ServerMessage, vmm::v1::WorkerMessage>* stream) override;
  grpc::Status ReadInput(grpc::ServerContext* context, const vmm::v1::ReadInputRequest* request,
                         grpc::ServerWriter<vmm::v1::InputChunk>* writer) override;
  grpc::Status WriteResult(grpc::ServerContext* context,
                           grpc::ServerReader<vmm::v1::WriteResultRequest>* reader,
                           vmm::v1::WriteResultResponse* response) override;
  grpc::Status LiveFrames(grpc::ServerContext* context,
                          grpc::ServerReaderWriter<vmm::v1::LiveServerMessage,
                                                   vmm::v1::LiveWorkerMessage>* stream) override;

 private:
  absl::Status ServeConnect(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<vmm::v1::ServerMessage, vmm::v1::WorkerMessage>* stream);
  absl::Status Read(grpc::ServerContext* context, const vmm::v1::ReadInputRequest& request,
                    grpc::ServerWriter<vmm::v1::InputChunk>* writer);
  absl::StatusOr<vmm::v1::WriteResultResponse> Write(
      grpc::ServerContext* context, grpc::ServerReader<vmm::v1::WriteResultRequest>* reader);

  ServerCore core_;
  StreamRegistry* streams_;
};

}  // namespace vmm::server

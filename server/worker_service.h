// vmm.v1.WorkerService: the server's side of the worker protocol (see worker.proto). Connect
// holds one worker's control stream (connect_reactor.h); ReadInput (a callback reactor,
// file_chunk_reactor.h) and WriteResult move a job's bytes, checking that the caller holds the
// job's lease; LiveFrames hands the stream to the live relay (live_worker_reactor.h).
// WriteResult stays a synchronous handler: it writes and syncs the spool file and the job
// store, blocking work that belongs on the server's bounded thread pool, not in gRPC's
// reactions. Thread-safe; the ServerCore's parts must outlive it.
#pragma once

#include "server/server_core.h"
#include "server/stream_registry.h"
#include "vmm/v1/worker.grpc.pb.h"

namespace vmm::server {

// The worker protocol's service.
class WorkerServiceImpl final
    : public vmm::v1::WorkerService::WithCallbackMethod_Connect<
          vmm::v1::WorkerService::WithCallbackMethod_ReadInput<
              vmm::v1::WorkerService::WithCallbackMethod_LiveFrames<
                  vmm::v1::WorkerService::Service>>> {
 public:
  // `streams` receives every Connect stream so a shutdown can end them.
  WorkerServiceImpl(ServerCore core, StreamRegistry* streams) : core_(core), streams_(streams) {}

  grpc::ServerBidiReactor<vmm::v1::WorkerMessage, vmm::v1::ServerMessage>* Connect(
      grpc::CallbackServerContext* context) override;
  grpc::ServerWriteReactor<vmm::v1::InputChunk>* ReadInput(
      grpc::CallbackServerContext* context, const vmm::v1::ReadInputRequest* request) override;
  grpc::Status WriteResult(grpc::ServerContext* context,
                           grpc::ServerReader<vmm::v1::WriteResultRequest>* reader,
                           vmm::v1::WriteResultResponse* response) override;
  grpc::ServerBidiReactor<vmm::v1::LiveWorkerMessage, vmm::v1::LiveServerMessage>* LiveFrames(
      grpc::CallbackServerContext* context) override;

 private:
  absl::StatusOr<vmm::v1::WriteResultResponse> Write(
      grpc::ServerContext* context, grpc::ServerReader<vmm::v1::WriteResultRequest>* reader);

  ServerCore core_;
  StreamRegistry* streams_;
};

}  // namespace vmm::server

// vmm.v1.MagnificationService: the public API. The service stays thin: it authenticates the
// caller, validates the request, and hands the work to the spool, the job store and the
// scheduler. The streams that wait on a client are callback reactors and hold no thread:
// WatchJob and DownloadResult (job_streams.cc) and Live (live_relay.h). SubmitJob
// (submit_job.cc) stays a synchronous handler: it writes and syncs the spool file and the job
// store and digests server_path files, blocking work that belongs on the server's bounded
// thread pool, not in gRPC's reactions. Thread-safe; the ServerCore's parts must outlive it.
#pragma once

#include "server/server_core.h"
#include "vmm/v1/magnification.grpc.pb.h"

namespace vmm::server {

// The public API.
class MagnificationServiceImpl final
    : public vmm::v1::MagnificationService::WithCallbackMethod_WatchJob<
          vmm::v1::MagnificationService::WithCallbackMethod_DownloadResult<
              vmm::v1::MagnificationService::WithCallbackMethod_Live<
                  vmm::v1::MagnificationService::Service>>> {
 public:
  explicit MagnificationServiceImpl(ServerCore core) : core_(core) {}

  grpc::Status SubmitJob(grpc::ServerContext* context,
                         grpc::ServerReader<vmm::v1::SubmitJobRequest>* reader,
                         vmm::v1::Job* response) override;
  grpc::Status GetUploadOffset(grpc::ServerContext* context,
                               const vmm::v1::GetUploadOffsetRequest* request,
                               vmm::v1::UploadOffset* response) override;
  grpc::Status GetJob(grpc::ServerContext* context, const vmm::v1::GetJobRequest* request,
                      vmm::v1::Job* response) override;
  grpc::Status ListJobs(grpc::ServerContext* context, const vmm::v1::ListJobsRequest* request,
                        vmm::v1::ListJobsResponse* response) override;
  grpc::ServerWriteReactor<vmm::v1::JobEvent>* WatchJob(
      grpc::CallbackServerContext* context, const vmm::v1::WatchJobRequest* request) override;
  grpc::Status CancelJob(grpc::ServerContext* context, const vmm::v1::CancelJobRequest* request,
                         vmm::v1::Job* response) override;
  grpc::Status DeleteJob(grpc::ServerContext* context, const vmm::v1::DeleteJobRequest* request,
                         google::protobuf::Empty* response) override;
  grpc::ServerWriteReactor<vmm::v1::DownloadResultResponse>* DownloadResult(
      grpc::CallbackServerContext* context,
      const vmm::v1::DownloadResultRequest* request) override;
  grpc::ServerBidiReactor<vmm::v1::LiveRequest, vmm::v1::LiveResponse>* Live(
      grpc::CallbackServerContext* context) override;

 private:
  // Returns the caller's job `name`; NOT_FOUND for another owner's job.
  absl::StatusOr<JobRecord> FindOwnJob(const std::string& owner, const std::string& name);
  // SubmitJob's two ways to get the input.
  absl::StatusOr<JobRecord> ReceiveUpload(grpc::ServerContext* context,
                                          grpc::ServerReader<vmm::v1::SubmitJobRequest>* reader,
                                          const std::string& owner,
                                          const vmm::v1::JobSpec& spec);
  absl::StatusOr<JobRecord> UseServerFile(const std::string& owner, const vmm::v1::JobSpec& spec);
  absl::StatusOr<vmm::v1::Job> Submit(grpc::ServerContext* context,
                                      grpc::ServerReader<vmm::v1::SubmitJobRequest>* reader);

  ServerCore core_;
};

}  // namespace vmm::server

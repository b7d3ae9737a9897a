// vmm.v1.MagnificationService: the public API. The service stays thin: it authenticates the
// caller, validates the request, and hands the work to the spool, the job store and the
// scheduler. Upload, watch and download are synchronous streaming handlers (each bounded and
// ending on cancellation or shutdown); Live is a callback reactor (live_relay.h), so a session
// can end with a status at any moment. Thread-safe; the ServerCore's parts must outlive it.
#pragma once

#include "server/server_core.h"
#include "vmm/v1/magnification.grpc.pb.h"

namespace vmm::server {

// The public API.
class MagnificationServiceImpl final
    : public vmm::v1::MagnificationService::WithCallbackMethod_Live<
          vmm::v1::MagnificationService::Service> {
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
  grpc::Status WatchJob(grpc::ServerContext* context, const vmm::v1::WatchJobRequest* request,
                        grpc::ServerWriter<vmm::v1::JobEvent>* writer) override;
  grpc::Status CancelJob(grpc::ServerContext* context, const vmm::v1::CancelJobRequest* request,
                         vmm::v1::Job* response) override;
  grpc::Status DeleteJob(grpc::ServerContext* context, const vmm::v1::DeleteJobRequest* request,
                         google::protobuf::Empty* response) override;
  grpc::Status DownloadResult(grpc::ServerContext* context,
                              const vmm::v1::DownloadResultRequest* request,
                              grpc::ServerWriter<vmm::v1::DownloadResultResponse>* writer) override;
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
  absl::Status Watch(grpc::ServerContext* context, const vmm::v1::WatchJobRequest& request,
                     grpc::ServerWriter<vmm::v1::JobEvent>* writer);
  absl::Status Download(grpc::ServerContext* context,
                        const vmm::v1::DownloadResultRequest& request,
                        grpc::ServerWriter<vmm::v1::DownloadResultResponse>* writer);

  ServerCore core_;
};

}  // namespace vmm::server

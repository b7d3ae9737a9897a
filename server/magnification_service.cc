// The unary calls of MagnificationService; uploads are in submit_job.cc, the two server streams
// in job_streams.cc and Live in live_relay.cc.
#include "server/magnification_service.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/status_conversion.h"
#include "server/job_proto.h"
#include "server/live_relay.h"

namespace vmm::server {

absl::StatusOr<JobRecord> MagnificationServiceImpl::FindOwnJob(const std::string& owner,
                                                               const std::string& name) {
  absl::StatusOr<std::string> id = ParseJobName(name);
  if (!id.ok()) return id.status();
  absl::StatusOr<JobRecord> job = core_.store->Get(*id);
  if (!job.ok()) return job.status();
  // Another owner's job is indistinguishable from a missing one.
  if (job->owner != owner) {
    return absl::NotFoundError(absl::StrCat("job \"jobs/", *id, "\" not found"));
  }
  core_.scheduler->OverlayProgress(&*job);  // a running job's progress lives in memory
  return job;
}

grpc::Status MagnificationServiceImpl::GetUploadOffset(
    grpc::ServerContext* context, const vmm::v1::GetUploadOffsetRequest* request,
    vmm::v1::UploadOffset* response) {
  absl::StatusOr<Principal> caller = AuthenticateClient(*core_.auth, *context);
  if (!caller.ok()) return common::ToGrpcStatus(caller.status());
  if (request->upload_id().empty()) {
    return common::ToGrpcStatus(absl::InvalidArgumentError("upload_id is required"));
  }
  if (absl::Status status = ValidateUploadId(request->upload_id()); !status.ok()) {
    return common::ToGrpcStatus(status);
  }
  response->set_upload_id(request->upload_id());
  absl::StatusOr<JobRecord> job = core_.store->FindByUploadId(caller->owner, request->upload_id());
  if (job.ok()) {
    response->set_offset(job->input_size_bytes);
    response->set_input_size_bytes(job->input_size_bytes);
    response->set_job(absl::StrCat("jobs/", job->id));
    return grpc::Status::OK;
  }
  if (!absl::IsNotFound(job.status())) return common::ToGrpcStatus(job.status());
  absl::StatusOr<PartialUpload> partial =
      core_.spool->FindPartial(Spool::ResumableKey(caller->owner, request->upload_id()));
  if (!partial.ok()) return common::ToGrpcStatus(partial.status());
  response->set_offset(partial->offset);
  response->set_input_size_bytes(partial->size_bytes);
  const int64_t expire_micros =
      absl::ToUnixMicros(partial->last_write + core_.limits.upload_expiry);
  response->mutable_expire_time()->set_seconds(expire_micros / 1000000);
  return grpc::Status::OK;
}

grpc::Status MagnificationServiceImpl::GetJob(grpc::ServerContext* context,
                                              const vmm::v1::GetJobRequest* request,
                                              vmm::v1::Job* response) {
  absl::StatusOr<Principal> caller = AuthenticateClient(*core_.auth, *context);
  if (!caller.ok()) return common::ToGrpcStatus(caller.status());
  absl::StatusOr<JobRecord> job = FindOwnJob(caller->owner, request->name());
  if (!job.ok()) return common::ToGrpcStatus(job.status());
  *response = JobToProto(*job);
  return grpc::Status::OK;
}

grpc::Status MagnificationServiceImpl::ListJobs(grpc::ServerContext* context,
                                                const vmm::v1::ListJobsRequest* request,
                                                vmm::v1::ListJobsResponse* response) {
  absl::StatusOr<Principal> caller = AuthenticateClient(*core_.auth, *context);
  if (!caller.ok()) return common::ToGrpcStatus(caller.status());
  if (request->page_size() < 0) {
    return common::ToGrpcStatus(absl::InvalidArgumentError("page_size must be 0 or more"));
  }
  if (!vmm::v1::Job::State_IsValid(request->state())) {
    return common::ToGrpcStatus(
        absl::InvalidArgumentError(absl::StrCat("state: unknown state ", request->state())));
  }
  JobQuery query;
  query.owner = caller->owner;
  query.limit = request->page_size() == 0 ? 50 : std::min(request->page_size(), 500);
  if (request->state() != vmm::v1::Job::STATE_UNSPECIFIED) {
    query.state = static_cast<JobState>(request->state());
  }
  query.labels.insert(request->labels().begin(), request->labels().end());
  if (!request->page_token().empty()) {
    absl::StatusOr<int64_t> before = DecodePageToken(request->page_token());
    if (!before.ok()) return common::ToGrpcStatus(before.status());
    query.before_sequence = *before;
  }
  absl::StatusOr<JobPage> page = core_.store->List(query);
  if (!page.ok()) return common::ToGrpcStatus(page.status());
  for (JobRecord& job : page->jobs) {
    core_.scheduler->OverlayProgress(&job);
    *response->add_jobs() = JobToProto(job);
  }
  if (page->next_before_sequence > 0) {
    response->set_next_page_token(EncodePageToken(page->next_before_sequence));
  }
  return grpc::Status::OK;
}

grpc::Status MagnificationServiceImpl::CancelJob(grpc::ServerContext* context,
                                                 const vmm::v1::CancelJobRequest* request,
                                                 vmm::v1::Job* response) {
  absl::StatusOr<Principal> caller = AuthenticateClient(*core_.auth, *context);
  if (!caller.ok()) return common::ToGrpcStatus(caller.status());
  absl::StatusOr<JobRecord> job = FindOwnJob(caller->owner, request->name());
  if (!job.ok()) return common::ToGrpcStatus(job.status());
  absl::StatusOr<JobRecord> cancelled =
      core_.scheduler->CancelJob(job->id, absl::StrCat("cancelled by ", caller->owner));
  if (!cancelled.ok()) return common::ToGrpcStatus(cancelled.status());
  *response = JobToProto(*cancelled);
  return grpc::Status::OK;
}

grpc::Status MagnificationServiceImpl::DeleteJob(grpc::ServerContext* context,
                                                 const vmm::v1::DeleteJobRequest* request,
                                                 google::protobuf::Empty* /*response*/) {
  absl::StatusOr<Principal> caller = AuthenticateClient(*core_.auth, *context);
  if (!caller.ok()) return common::ToGrpcStatus(caller.status());
  absl::StatusOr<JobRecord> job = FindOwnJob(caller->owner, request->name());
  if (!job.ok()) return common::ToGrpcStatus(job.status());
  if (!IsFinal(job->state)) {
    return common::ToGrpcStatus(absl::FailedPreconditionError(
        absl::StrCat("job \"jobs/", job->id, "\" is ", JobStateName(job->state),
                     "; cancel it before deleting it")));
  }
  if (absl::Status status = core_.store->Delete(job->id); !status.ok()) {
    return common::ToGrpcStatus(status);
  }
  if (job->input_in_spool) Spool::RemoveFile(job->input_path);
  Spool::RemoveFile(job->result_path);
  return grpc::Status::OK;
}

grpc::ServerBidiReactor<vmm::v1::LiveRequest, vmm::v1::LiveResponse>*
MagnificationServiceImpl::Live(grpc::CallbackServerContext* context) {
  return core_.live->StartSession(context);
}

}  // namespace vmm::server

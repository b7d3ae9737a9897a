// MagnificationService.SubmitJob: receives an upload into the spool (or takes a file under an
// allowed root), checks it, stores the job durably, and only then replies.
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/rpc/status_conversion.h"
#include "common/sha256.h"
#include "server/job_proto.h"
#include "server/magnification_service.h"
#include "server/random_id.h"
#include "server/server_path.h"

namespace vmm::server {
namespace {

// A new job record from a validated spec, without its input.
JobRecord NewJob(const std::string& owner, const vmm::v1::JobSpec& spec, absl::Time now) {
  JobRecord job;
  job.id = RandomHex(8);
  job.owner = owner;
  job.display_name = spec.display_name();
  job.labels.insert(spec.labels().begin(), spec.labels().end());
  job.params = spec.params();
  job.output_format = spec.output_format();
  if (spec.has_analysis()) job.analysis = spec.analysis();
  job.state = JobState::kQueued;
  job.create_time = now;
  job.upload_id = spec.upload_id();
  job.input_filename = spec.input_filename();
  return job;
}

}  // namespace

grpc::Status MagnificationServiceImpl::SubmitJob(
    grpc::ServerContext* context, grpc::ServerReader<vmm::v1::SubmitJobRequest>* reader,
    vmm::v1::Job* response) {
  absl::StatusOr<vmm::v1::Job> job = Submit(context, reader);
  if (!job.ok()) return common::ToGrpcStatus(job.status());
  *response = *std::move(job);
  return grpc::Status::OK;
}

absl::StatusOr<vmm::v1::Job> MagnificationServiceImpl::Submit(
    grpc::ServerContext* context, grpc::ServerReader<vmm::v1::SubmitJobRequest>* reader) {
  absl::StatusOr<Principal> caller = AuthenticateClient(*core_.auth, *context);
  if (!caller.ok()) return caller.status();
  if (core_.shutting_down->load()) {
    return absl::UnavailableError("the server is shutting down; submit again later");
  }
  vmm::v1::SubmitJobRequest first;
  if (!reader->Read(&first)) {
    return absl::InvalidArgumentError("SubmitJob received no message; the first must carry spec");
  }
  if (!first.has_spec()) {
    return absl::InvalidArgumentError("the first message of SubmitJob must carry spec");
  }
  vmm::v1::JobSpec spec = first.spec();
  if (absl::Status status = ValidateAndFillSpec(&spec); !status.ok()) return status;
  if (!spec.upload_id().empty()) {
    // A retried submission whose reply was lost: the job exists already.
    absl::StatusOr<JobRecord> existing =
        core_.store->FindByUploadId(caller->owner, spec.upload_id());
    if (existing.ok()) return JobToProto(*existing);
    if (!absl::IsNotFound(existing.status())) return existing.status();
  }
  absl::StatusOr<int64_t> active = core_.store->CountActive(caller->owner);
  if (!active.ok()) return active.status();
  if (*active >= core_.limits.max_jobs_in_flight_per_owner) {
    return absl::ResourceExhaustedError(absl::StrCat("owner ", caller->owner, " has ", *active,
                                                     " unfinished jobs, the server's limit; ",
                                                     "wait for some to finish or cancel them"));
  }
  absl::StatusOr<JobRecord> job = spec.server_path().empty()
                                      ? ReceiveUpload(context, reader, caller->owner, spec)
                                      : UseServerFile(caller->owner, spec);
  if (!job.ok()) return job.status();
  if (absl::Status status = core_.scheduler->AddJob(&*job); !status.ok()) {
    if (job->input_in_spool) Spool::RemoveFile(job->input_path);
    return status;
  }
  core_.metrics->jobs_submitted.Increment();
  if (job->input_in_spool) {
    core_.metrics->upload_bytes.Increment(static_cast<double>(job->input_size_bytes));
  }
  common::LogInfo(absl::StrCat("job ", job->id, " submitted by ", job->owner, " (",
                               job->input_size_bytes, " bytes)"));
  core_.events->Notify(job->id);
  absl::StatusOr<JobRecord> stored = core_.store->Get(job->id);
  return JobToProto(stored.ok() ? *stored : *job);
}

absl::StatusOr<JobRecord> MagnificationServiceImpl::ReceiveUpload(
    grpc::ServerContext* context, grpc::ServerReader<vmm::v1::SubmitJobRequest>* reader,
    const std::string& owner, const vmm::v1::JobSpec& spec) {
  if (spec.input_size_bytes() < 1) {
    return absl::InvalidArgumentError("input_size_bytes must be at least 1 for an upload");
  }
  if (spec.input_size_bytes() > core_.limits.max_upload_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("input_size_bytes ", spec.input_size_bytes(),
                                                     " exceeds the server's upload limit of ",
                                                     core_.limits.max_upload_bytes, " bytes"));
  }
  if (!common::IsSha256Hex(spec.input_sha256())) {
    return absl::InvalidArgumentError("input_sha256 must be 64 hexadecimal characters");
  }
  if (spec.upload_offset() > spec.input_size_bytes()) {
    return absl::InvalidArgumentError("upload_offset is beyond input_size_bytes");
  }
  UploadTarget target;
  if (!spec.upload_id().empty()) {
    target.resumable_key = Spool::ResumableKey(owner, spec.upload_id());
  }
  target.size_bytes = spec.input_size_bytes();
  target.sha256 = spec.input_sha256();
  target.resume_offset = spec.upload_offset();
  absl::StatusOr<std::unique_ptr<SpoolUpload>> upload = core_.spool->StartUpload(target);
  if (!upload.ok()) return upload.status();
  vmm::v1::SubmitJobRequest message;
  while (reader->Read(&message)) {
    if (message.content_case() != vmm::v1::SubmitJobRequest::kChunk) {
      return absl::InvalidArgumentError("only the first message of SubmitJob may carry spec");
    }
    if (static_cast<int64_t>(message.chunk().size()) > kMaxChunkBytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "a chunk of ", message.chunk().size(), " bytes exceeds the limit of ", kMaxChunkBytes));
    }
    if (absl::Status status = (*upload)->Append(message.chunk()); !status.ok()) return status;
  }
  if (context->IsCancelled()) {
    return absl::CancelledError(
        absl::StrCat("the upload stream broke after ", (*upload)->offset(), " bytes"));
  }
  JobRecord job = NewJob(owner, spec, core_.clock->Now());
  job.input_path = core_.spool->InputPath(job.id);
  job.input_in_spool = true;
  job.input_size_bytes = spec.input_size_bytes();
  job.input_sha256 = common::NormalizeHex(spec.input_sha256());
  if (absl::Status status = (*upload)->Commit(job.input_path); !status.ok()) return status;
  return job;
}

absl::StatusOr<JobRecord> MagnificationServiceImpl::UseServerFile(const std::string& owner,
                                                                  const vmm::v1::JobSpec& spec) {
  if (!spec.upload_id().empty()) {
    return absl::InvalidArgumentError("upload_id applies to uploads, not to server_path");
  }
  absl::StatusOr<std::string> path =
      ResolveServerPath(core_.limits.input_roots, spec.server_path());
  if (!path.ok()) return path.status();
  absl::StatusOr<common::FileDigest> digest = common::DigestFile(*path);
  if (!digest.ok()) return digest.status();
  if (spec.input_size_bytes() != 0 && spec.input_size_bytes() != digest->size_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("input_size_bytes is ", spec.input_size_bytes(),
                                                   " but the file has ", digest->size_bytes,
                                                   " bytes"));
  }
  if (!spec.input_sha256().empty() && common::NormalizeHex(spec.input_sha256()) != digest->sha256) {
    return absl::InvalidArgumentError(absl::StrCat("input_sha256 is ", spec.input_sha256(),
                                                   " but the file's SHA-256 is ", digest->sha256));
  }
  if (digest->size_bytes == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("server_path \"", spec.server_path(), "\" is empty"));
  }
  JobRecord job = NewJob(owner, spec, core_.clock->Now());
  job.input_path = *path;
  job.input_in_spool = false;
  job.input_size_bytes = digest->size_bytes;
  job.input_sha256 = digest->sha256;
  if (job.input_filename.empty()) {
    job.input_filename = std::filesystem::path(*path).filename().string();
  }
  return job;
}

}  // namespace vmm::server

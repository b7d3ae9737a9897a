// GET /api/jobs/{id}/result and /api/jobs/{id}/input: DownloadResult (with `input` for the
// second) as an HTTP response of the file's full length, so HTTP Range works (a <video> element
// seeks with it): the stream is opened at the first byte asked for and reopened at another
// offset only when the browser asks out of order. `?download=1` makes it an attachment named
// after the job. The token may come in the query (gateway_call.h). The input's Content-Type
// comes from the extension of the job's input_filename (GetJob), as the service stores no type.
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "server/web/http_status.h"
#include "server/web/routes.h"

namespace vmm::server::web {
namespace {

// One download (of the result, or with `input` of the input): the stream now open and where it
// stands.
class DownloadStream {
 public:
  DownloadStream(const GatewayContext& gateway, const httplib::Request& request, std::string name,
                 bool input)
      : gateway_(gateway), request_(request), name_(std::move(name)), input_(input) {}
  ~DownloadStream() { Close(); }

  // Opens the stream at `offset` and reads its first message. The error of the call if any.
  grpc::Status Open(int64_t offset) {
    Close();
    call_ = std::make_unique<GatewayCall>(gateway_.calls, request_, TokenFrom::kHeaderOrQuery);
    vmm::v1::DownloadResultRequest download;
    download.set_name(name_);
    download.set_offset(offset);
    download.set_input(input_);
    reader_ = gateway_.service->DownloadResult(call_->context(), download);
    if (!reader_->Read(&first_)) {
      grpc::Status status = reader_->Finish();
      reader_ = nullptr;
      return status.ok() ? grpc::Status(grpc::StatusCode::DATA_LOSS, "empty download") : status;
    }
    position_ = offset;
    pending_ = first_.chunk();
    return grpc::Status::OK;
  }

  // Writes bytes from `offset`, at most `length`, to `sink`. False ends the response.
  bool WriteTo(int64_t offset, int64_t length, httplib::DataSink& sink) {
    if (reader_ == nullptr || offset != position_) {
      if (!Open(offset).ok()) return false;
    }
    while (pending_.empty()) {
      vmm::v1::DownloadResultResponse next;
      if (!reader_->Read(&next)) return false;  // shorter than announced: the response breaks
      pending_ = std::move(*next.mutable_chunk());
    }
    const size_t take = static_cast<size_t>(std::min<int64_t>(length, pending_.size()));
    if (!sink.write(pending_.data(), take)) return false;
    pending_.erase(0, take);
    position_ += static_cast<int64_t>(take);
    return true;
  }

  const vmm::v1::DownloadResultResponse& first() const { return first_; }

 private:
  void Close() {
    if (reader_ == nullptr) return;
    call_->context()->TryCancel();
    vmm::v1::DownloadResultResponse ignored;
    while (reader_->Read(&ignored)) {
    }
    reader_->Finish();
    reader_ = nullptr;
  }

  const GatewayContext gateway_;
  const httplib::Request& request_;  // lives until the response is written
  const std::string name_;
  const bool input_;
  std::unique_ptr<GatewayCall> call_;
  std::unique_ptr<grpc::ClientReader<vmm::v1::DownloadResultResponse>> reader_;
  vmm::v1::DownloadResultResponse first_;
  std::string pending_;  // read, not yet written
  int64_t position_ = 0;
};

const char* ContentType(vmm::v1::OutputFormat format) {
  switch (format) {
    case vmm::v1::OUTPUT_FORMAT_MKV:
      return "video/x-matroska";
    case vmm::v1::OUTPUT_FORMAT_JSON:
      return "application/json";
    default:
      return "video/mp4";
  }
}

const char* Extension(vmm::v1::OutputFormat format) {
  switch (format) {
    case vmm::v1::OUTPUT_FORMAT_MKV:
      return ".mkv";
    case vmm::v1::OUTPUT_FORMAT_JSON:
      return ".json";
    default:
      return ".mp4";
  }
}

// The video types of the input's usual extensions (lower case, with the dot).
struct InputType {
  const char* extension;
  const char* content_type;
};
constexpr InputType kInputTypes[] = {
    {".mp4", "video/mp4"},        {".m4v", "video/mp4"},        {".mov", "video/quicktime"},
    {".mkv", "video/x-matroska"}, {".webm", "video/webm"},      {".avi", "video/x-msvideo"},
    {".ogv", "video/ogg"},        {".mpg", "video/mpeg"},       {".mpeg", "video/mpeg"},
    {".ts", "video/mp2t"},        {".3gp", "video/3gpp"},       {".wmv", "video/x-ms-wmv"},
    {".flv", "video/x-flv"},      {".y4m", "video/x-yuv4mpeg"},
};

// The input's type from its file name; nullptr if the extension is not a known video one.
const InputType* InputTypeOf(const std::string& filename) {
  const std::string lower = absl::AsciiStrToLower(filename);
  for (const InputType& type : kInputTypes) {
    if (absl::EndsWith(lower, type.extension)) return &type;
  }
  return nullptr;
}

// What a response says about the file besides its bytes.
struct FileHeaders {
  std::string content_type;
  std::string attachment_name;  // for ?download=1
};

// Answers `request` with the bytes of `id`'s result or input (Range included), or the error.
void SendDownload(const GatewayContext& gateway, const httplib::Request& request,
                  httplib::Response& response, const std::string& id, bool input) {
  FileHeaders headers;
  if (input) {
    // The file name, for the type: the service checks the token and the owner here as well.
    GatewayCall call(gateway.calls, request, TokenFrom::kHeaderOrQuery);
    vmm::v1::GetJobRequest get;
    get.set_name(id);
    vmm::v1::Job job;
    if (grpc::Status status = gateway.service->GetJob(call.context(), get, &job); !status.ok()) {
      return SendError(status, response);
    }
    const InputType* type = InputTypeOf(job.input_filename());
    headers.content_type = type != nullptr ? type->content_type : "application/octet-stream";
    headers.attachment_name =
        absl::StrCat("vmm-", id, "-input", type != nullptr ? type->extension : "");
  }
  auto stream = std::make_shared<DownloadStream>(gateway, request, id, input);
  // Opened where a single range starts (else at 0), so that the usual request reads once.
  int64_t start = 0;
  if (request.ranges.size() == 1 && request.ranges[0].first > 0) {
    start = request.ranges[0].first;
  }
  if (grpc::Status status = stream->Open(start); !status.ok()) {
    if (status.error_code() == grpc::StatusCode::OUT_OF_RANGE) {
      response.status = 416;
      return;
    }
    return SendError(status, response);
  }
  const vmm::v1::DownloadResultResponse& first = stream->first();
  // A range must start inside the file (RFC 9110 15.5.17): one at its very end is unsatisfiable,
  // though the service reads nothing from there without complaint.
  if (start > 0 && start >= first.total_size_bytes()) {
    response.status = 416;
    response.set_header("Content-Range", absl::StrCat("bytes */", first.total_size_bytes()));
    return;
  }
  if (!input) {
    headers.content_type = ContentType(first.output_format());
    headers.attachment_name = absl::StrCat("vmm-", id, "-result", Extension(first.output_format()));
  }
  if (request.has_param("download")) {
    // The id is the service's (letters, digits, '-', '_') and the extension one of ours: safe
    // in a header as they are.
    response.set_header("Content-Disposition",
                        absl::StrCat("attachment; filename=\"", headers.attachment_name, "\""));
  }
  response.set_header("Cache-Control", "private, no-store");
  response.set_content_provider(static_cast<size_t>(first.total_size_bytes()), headers.content_type,
                                [stream](size_t offset, size_t length, httplib::DataSink& sink) {
                                  return stream->WriteTo(static_cast<int64_t>(offset),
                                                         static_cast<int64_t>(length), sink);
                                });
}

}  // namespace

void AddDownloadRoute(const GatewayContext& gateway, httplib::Server& http) {
  http.Get(R"(/api/jobs/([^/:]+)/(result|input))", [gateway](const httplib::Request& request,
                                                             httplib::Response& response) {
    SendDownload(gateway, request, response, request.matches[1], request.matches[2] == "input");
  });
}

}  // namespace vmm::server::web

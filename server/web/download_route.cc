// GET /api/jobs/{id}/result: DownloadResult as an HTTP response of the result's full length, so
// HTTP Range works (a <video> element seeks with it): the stream is opened at the first byte
// asked for and reopened at another offset only when the browser asks out of order. `?download=1`
// makes it an attachment named after the job. The token may come in the query (gateway_call.h).
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "server/web/http_status.h"
#include "server/web/routes.h"

namespace vmm::server::web {
namespace {

// One download: the stream now open and where it stands.
class ResultStream {
 public:
  ResultStream(const GatewayContext& gateway, const httplib::Request& request, std::string name)
      : gateway_(gateway), request_(request), name_(std::move(name)) {}
  ~ResultStream() { Close(); }

  // Opens the stream at `offset` and reads its first message. The error of the call if any.
  grpc::Status Open(int64_t offset) {
    Close();
    call_ = std::make_unique<GatewayCall>(gateway_.calls, request_, TokenFrom::kHeaderOrQuery);
    vmm::v1::DownloadResultRequest download;
    download.set_name(name_);
    download.set_offset(offset);
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

}  // namespace

void AddDownloadRoute(const GatewayContext& gateway, httplib::Server& http) {
  http.Get(R"(/api/jobs/([^/:]+)/result)", [gateway](const httplib::Request& request,
                                                     httplib::Response& response) {
    const std::string id = request.matches[1];
    auto stream = std::make_shared<ResultStream>(gateway, request, id);
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
    if (request.has_param("download")) {
      // The id is the service's (letters, digits, '-', '_'): safe in a header as it is.
      response.set_header("Content-Disposition",
                          absl::StrCat("attachment; filename=\"vmm-", id, "-result",
                                       Extension(first.output_format()), "\""));
    }
    response.set_header("Cache-Control", "private, no-store");
    response.set_content_provider(
        static_cast<size_t>(first.total_size_bytes()), ContentType(first.output_format()),
        [stream](size_t offset, size_t length, httplib::DataSink& sink) {
          return stream->WriteTo(static_cast<int64_t>(offset), static_cast<int64_t>(length),
                                 sink);
        });
  });
}

}  // namespace vmm::server::web

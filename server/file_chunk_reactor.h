// A server stream that sends a byte range of a local file in chunks, as a callback reactor:
// one chunk per write, the next read when the last write is done (a slow reader slows the
// reads; no thread waits on it). Serves DownloadResult and ReadInput. The reads of the local
// file happen in gRPC's reactions; each is at most kMaxChunkBytes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/rpc/status_conversion.h"
#include "grpcpp/grpcpp.h"
#include "server/server_core.h"

namespace vmm::server {

// What to send and how.
template <typename Message>
struct FileChunkPlan {
  std::string path;
  int64_t offset = 0;  // first byte to send
  int64_t end = 0;     // one past the last byte to send
  // DATA_LOSS message when the file cannot be opened.
  std::string missing_message;
  // True: a file shorter than `end` is DATA_LOSS ("<short_read_message> at offset N"); false:
  // the stream ends where the file does (the receiver checks what it got).
  bool require_every_byte = true;
  std::string short_read_message;
  // True: an empty range still gets one (empty) message, the first, which may carry metadata.
  bool send_empty_first = true;
  // Fills one message with the chunk at `offset`; `first` for the stream's first message.
  std::function<void(Message* message, int64_t offset, absl::string_view chunk, bool first)> fill;
  // Called with each chunk's size once it is written.
  std::function<void(int64_t bytes)> on_sent;
};

// The stream; deletes itself in OnDone.
template <typename Message>
class FileChunkReactor : public grpc::ServerWriteReactor<Message> {
 public:
  explicit FileChunkReactor(FileChunkPlan<Message> plan)
      : plan_(std::move(plan)), offset_(plan_.offset), buffer_(kMaxChunkBytes) {}

  // Opens the file and writes the first chunk. Call once, before handing the reactor to gRPC.
  void Start() {
    in_.open(plan_.path, std::ios::binary);
    if (!in_) {
      this->Finish(common::ToGrpcStatus(absl::DataLossError(plan_.missing_message)));
      return;
    }
    in_.seekg(offset_);
    WriteNext(/*first=*/true);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      this->Finish(common::ToGrpcStatus(absl::CancelledError("the reader went away")));
      return;
    }
    if (plan_.on_sent) plan_.on_sent(chunk_bytes_);
    offset_ += chunk_bytes_;
    if (offset_ >= plan_.end) {
      this->Finish(grpc::Status::OK);
      return;
    }
    WriteNext(/*first=*/false);
  }

  void OnDone() override { delete this; }

 private:
  // Reads and writes the chunk at offset_ (see FileChunkPlan::send_empty_first).
  void WriteNext(bool first) {
    const int64_t want = std::min<int64_t>(kMaxChunkBytes, plan_.end - offset_);
    in_.read(buffer_.data(), static_cast<std::streamsize>(want));
    chunk_bytes_ = in_.gcount();
    if (chunk_bytes_ != want && plan_.require_every_byte) {
      this->Finish(common::ToGrpcStatus(
          absl::DataLossError(absl::StrCat(plan_.short_read_message, " at offset ", offset_))));
      return;
    }
    if (chunk_bytes_ == 0 && !(first && plan_.send_empty_first)) {
      this->Finish(grpc::Status::OK);  // nothing to send, or the file ended early
      return;
    }
    message_.Clear();
    plan_.fill(&message_, offset_,
               absl::string_view(buffer_.data(), static_cast<size_t>(chunk_bytes_)), first);
    this->StartWrite(&message_);
  }

  const FileChunkPlan<Message> plan_;
  int64_t offset_;
  std::ifstream in_;
  std::vector<char> buffer_;
  int64_t chunk_bytes_ = 0;
  Message message_;  // the outstanding write's message
};

// A server stream that ends with `status` before it starts; deletes itself in OnDone.
template <typename Message>
grpc::ServerWriteReactor<Message>* RefusedStream(const absl::Status& status) {
  class Refused : public grpc::ServerWriteReactor<Message> {
   public:
    explicit Refused(const absl::Status& status) { this->Finish(common::ToGrpcStatus(status)); }
    void OnDone() override { delete this; }
  };
  return new Refused(status);
}

}  // namespace vmm::server

// The spool: the server's directory of job inputs and results, and of uploads in progress.
//
// Layout under the root:  inputs/<job id>   results/<job id>   uploads/<key>.part|.meta
// (resumable uploads)   tmp/ (everything else being written; emptied at start).
// A file reaches inputs/ or results/ only after its size and SHA-256 were checked and it was
// fsynced and renamed, with its directory fsynced too: once Commit returns, the file survives a
// crash. Spool is thread-safe; a SpoolUpload is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/sha256.h"

namespace vmm::server {

class Spool;

// What an upload will contain.
struct UploadTarget {
  // Empty: a one-shot upload, discarded if not committed. Else the resumable upload's key
  // (Spool::ResumableKey); its bytes are kept when the stream breaks.
  std::string resumable_key;
  int64_t size_bytes = 0;     // exact size the upload must reach
  std::string sha256;         // expected checksum (any case)
  int64_t resume_offset = 0;  // where the coming bytes start; must equal the bytes held
};

// One file being written into the spool.
class SpoolUpload {
 public:
  ~SpoolUpload();
  SpoolUpload(const SpoolUpload&) = delete;
  SpoolUpload& operator=(const SpoolUpload&) = delete;

  // Appends bytes. INVALID_ARGUMENT if they go past the announced size.
  absl::Status Append(absl::string_view bytes);
  // Bytes written so far (including those of earlier streams of a resumed upload).
  int64_t offset() const { return offset_; }
  // Checks size and checksum (INVALID_ARGUMENT naming both values, and the bytes are removed),
  // makes the file durable and moves it to `final_path`.
  absl::Status Commit(const std::string& final_path);
  // The stream ended early: a resumable upload is synced and kept, a one-shot one removed.
  void Abandon();

 private:
  friend class Spool;
  SpoolUpload(Spool* spool, UploadTarget target, std::string part_path, int fd, int64_t offset);
  void Discard();

  Spool* spool_;
  UploadTarget target_;
  std::string part_path_;
  int fd_;
  int64_t offset_;
  common::Sha256 hash_;
  bool finished_ = false;
};

// Where a resumable upload stands.
struct PartialUpload {
  int64_t offset = 0;      // bytes held
  int64_t size_bytes = 0;  // size announced
  std::string sha256;      // checksum announced
  absl::Time last_write = absl::InfinitePast();
};

// The spool directory.
class Spool {
 public:
  // Opens (creating) the spool at `root` and empties its tmp/ directory.
  static absl::StatusOr<std::unique_ptr<Spool>> Open(const std::string& root);

  // The key of an owner's resumable upload: a hash, so any id is a safe file name.
  static std::string ResumableKey(const std::string& owner, const std::string& upload_id);

  const std::string& root() const { return root_; }
  // Final place of a job's input and result.
  std::string InputPath(const std::string& job_id) const;
  std::string ResultPath(const std::string& job_id) const;

  // Starts (or resumes) an upload. FAILED_PRECONDITION if `target.resume_offset` is not the
  // number of bytes held (the message says how many) or a resumed upload announces another size
  // or checksum; ABORTED if another stream is writing the same resumable upload.
  absl::StatusOr<std::unique_ptr<SpoolUpload>> StartUpload(const UploadTarget& target);
  // Where a resumable upload stands; NOT_FOUND if the spool holds none under this key.
  absl::StatusOr<PartialUpload> FindPartial(const std::string& key) const;
  // Removes a resumable upload's bytes (after its job was created).
  void RemovePartial(const std::string& key);
  // Removes resumable uploads not written to since `cutoff`; returns how many.
  int RemovePartialsOlderThan(absl::Time cutoff);
  // Removes a file if it exists (a job's input or result); ignores a missing file.
  static void RemoveFile(const std::string& path);

 private:
  friend class SpoolUpload;
  explicit Spool(std::string root) : root_(std::move(root)) {}
  void Release(const std::string& key);

  const std::string root_;
  std::mutex mutex_;
  std::set<std::string> active_keys_ ABSL_GUARDED_BY(mutex_);
};

// Fsyncs the directory holding `path`, so a rename into it is durable.
absl::Status SyncParentDirectory(const std::string& path);

}  // namespace vmm::server

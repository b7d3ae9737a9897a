#include "server/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/random_id.h"

namespace vmm::server {
namespace {

namespace fs = std::filesystem;

absl::Status ErrnoError(absl::string_view operation, const std::string& path) {
  const int error = errno;
  const std::string message = absl::StrCat(operation, " ", path, ": ", std::strerror(error));
  if (error == ENOSPC || error == EDQUOT) return absl::ResourceExhaustedError(message);
  if (error == ENOENT) return absl::NotFoundError(message);
  return absl::InternalError(message);
}

absl::Status WriteAll(int fd, absl::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("writing", path);
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SyncParentDirectory(const std::string& path) {
  const std::string directory = fs::path(path).parent_path().string();
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("opening directory", directory);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoError("syncing directory", directory);
  return absl::OkStatus();
}

SpoolUpload::SpoolUpload(Spool* spool, UploadTarget target, std::string part_path, int fd,
                         int64_t offset)
    : spool_(spool),
      target_(std::move(target)),
      part_path_(std::move(part_path)),
      fd_(fd),
      offset_(offset) {}

SpoolUpload::~SpoolUpload() {
  if (!finished_) Abandon();
}

absl::Status SpoolUpload::Append(absl::string_view bytes) {
  if (offset_ + static_cast<int64_t>(bytes.size()) > target_.size_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the upload sends more bytes than input_size_bytes (", target_.size_bytes, ")"));
  }
  if (absl::Status status = WriteAll(fd_, bytes, part_path_); !status.ok()) return status;
  hash_.Update(bytes);
  offset_ += static_cast<int64_t>(bytes.size());
  return absl::OkStatus();
}

absl::Status SpoolUpload::Commit(const std::string& final_path) {
  if (offset_ != target_.size_bytes) {
    const std::string message = absl::StrCat("the upload ended after ", offset_,
                                             " bytes but input_size_bytes is ", target_.size_bytes);
    Abandon();
    return absl::InvalidArgumentError(message);
  }
  const std::string actual = hash_.HexDigest();
  if (actual != common::NormalizeHex(target_.sha256)) {
    Discard();
    return absl::InvalidArgumentError(absl::StrCat("the uploaded bytes have SHA-256 ", actual,
                                                   " but input_sha256 is ", target_.sha256));
  }
  finished_ = true;
  absl::Status status;
  if (::fsync(fd_) != 0) status = ErrnoError("syncing", part_path_);
  ::close(fd_);
  if (status.ok() && ::rename(part_path_.c_str(), final_path.c_str()) != 0) {
    status = ErrnoError(absl::StrCat("renaming ", part_path_, " to"), final_path);
  }
  if (status.ok()) status = SyncParentDirectory(final_path);
  if (!status.ok()) Spool::RemoveFile(part_path_);
  if (!target_.resumable_key.empty()) {
    if (status.ok()) spool_->RemovePartial(target_.resumable_key);
    spool_->Release(target_.resumable_key);
  }
  return status;
}

void SpoolUpload::Abandon() {
  if (finished_) return;
  finished_ = true;
  if (target_.resumable_key.empty()) {
    ::close(fd_);
    Spool::RemoveFile(part_path_);
    return;
  }
  ::fsync(fd_);  // the offset GetUploadOffset reports must survive a crash
  ::close(fd_);
  spool_->Release(target_.resumable_key);
}

void SpoolUpload::Discard() {
  finished_ = true;
  ::close(fd_);
  if (target_.resumable_key.empty()) {
    Spool::RemoveFile(part_path_);
  } else {
    spool_->RemovePartial(target_.resumable_key);
    spool_->Release(target_.resumable_key);
  }
}

absl::StatusOr<std::unique_ptr<Spool>> Spool::Open(const std::string& root) {
  std::error_code error;
  const fs::path absolute = fs::absolute(root, error);
  for (const char* sub : {"inputs", "results", "uploads", "tmp"}) {
    fs::create_directories(absolute / sub, error);
    if (error) {
      return absl::InternalError(absl::StrCat("creating spool directory ",
                                              (absolute / sub).string(), ": ", error.message()));
    }
  }
  for (const auto& entry : fs::directory_iterator(absolute / "tmp", error)) {
    fs::remove(entry.path(), error);
  }
  return std::unique_ptr<Spool>(new Spool(absolute.string()));
}

std::string Spool::ResumableKey(const std::string& owner, const std::string& upload_id) {
  common::Sha256 hash;
  hash.Update(owner);
  hash.Update(absl::string_view("\0", 1));
  hash.Update(upload_id);
  return hash.HexDigest().substr(0, 32);
}

std::string Spool::InputPath(const std::string& job_id) const {
  return absl::StrCat(root_, "/inputs/", job_id);
}

std::string Spool::ResultPath(const std::string& job_id) const {
  return absl::StrCat(root_, "/results/", job_id);
}

absl::StatusOr<std::unique_ptr<SpoolUpload>> Spool::StartUpload(const UploadTarget& target) {
  const std::string& key = target.resumable_key;
  if (key.empty()) {
    if (target.resume_offset != 0) {
      return absl::InvalidArgumentError("upload_offset must be 0 without an upload_id");
    }
    const std::string path = absl::StrCat(root_, "/tmp/", RandomHex(12), ".part");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return ErrnoError("creating", path);
    return std::unique_ptr<SpoolUpload>(new SpoolUpload(this, target, path, fd, 0));
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!active_keys_.insert(key).second) {
      return absl::AbortedError(
          "this upload_id is being written by another stream; retry when it has ended");
    }
  }
  auto fail = [&](absl::Status status) {
    Release(key);
    return status;
  };
  const std::string part_path = absl::StrCat(root_, "/uploads/", key, ".part");
  const std::string meta_path = absl::StrCat(root_, "/uploads/", key, ".meta");
  absl::StatusOr<PartialUpload> held = FindPartial(key);
  if (held.ok()) {
    if (held->size_bytes != target.size_bytes ||
        common::NormalizeHex(held->sha256) != common::NormalizeHex(target.sha256)) {
      return fail(absl::FailedPreconditionError(absl::StrCat(
          "upload_id was started with input_size_bytes ", held->size_bytes, " and input_sha256 ",
          held->sha256, "; a resumed upload must announce the same")));
    }
  } else {
    std::ofstream meta(meta_path, std::ios::trunc);
    meta << target.size_bytes << " " << common::NormalizeHex(target.sha256) << "\n";
    meta.close();
    if (!meta) return fail(absl::InternalError(absl::StrCat("cannot write ", meta_path)));
  }
  const int64_t held_bytes = held.ok() ? held->offset : 0;
  if (target.resume_offset != held_bytes) {
    return fail(absl::FailedPreconditionError(
        absl::StrCat("upload_offset is ", target.resume_offset, " but the server holds ",
                     held_bytes, " bytes of this upload; resume from offset ", held_bytes)));
  }
  const int fd = ::open(part_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ErrnoError("opening", part_path));
  auto upload =
      std::unique_ptr<SpoolUpload>(new SpoolUpload(this, target, part_path, fd, held_bytes));
  // The checksum covers the whole file: hash what earlier streams wrote.
  std::ifstream in(part_path, std::ios::binary);
  std::vector<char> buffer(1 << 20);
  int64_t hashed = 0;
  while (hashed < held_bytes && in) {
    in.read(buffer.data(),
            static_cast<std::streamsize>(std::min<int64_t>(buffer.size(), held_bytes - hashed)));
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    upload->hash_.Update(absl::string_view(buffer.data(), static_cast<size_t>(got)));
    hashed += got;
  }
  if (hashed != held_bytes) {
    return absl::DataLossError(absl::StrCat("cannot read back ", part_path));
  }
  return upload;
}

absl::StatusOr<PartialUpload> Spool::FindPartial(const std::string& key) const {
  const std::string meta_path = absl::StrCat(root_, "/uploads/", key, ".meta");
  const std::string part_path = absl::StrCat(root_, "/uploads/", key, ".part");
  std::ifstream meta(meta_path);
  PartialUpload partial;
  if (!(meta >> partial.size_bytes >> partial.sha256)) {
    return absl::NotFoundError("the server holds no upload with this upload_id");
  }
  struct stat info {};
  if (::stat(part_path.c_str(), &info) == 0) {
    partial.offset = info.st_size;
    partial.last_write = absl::TimeFromTimespec(info.st_mtim);
  } else if (::stat(meta_path.c_str(), &info) == 0) {
    partial.last_write = absl::TimeFromTimespec(info.st_mtim);
  }
  return partial;
}

void Spool::RemovePartial(const std::string& key) {
  RemoveFile(absl::StrCat(root_, "/uploads/", key, ".part"));
  RemoveFile(absl::StrCat(root_, "/uploads/", key, ".meta"));
}

int Spool::RemovePartialsOlderThan(absl::Time cutoff) {
  std::error_code error;
  std::vector<std::string> keys;
  for (const auto& entry : fs::directory_iterator(fs::path(root_) / "uploads", error)) {
    if (entry.path().extension() == ".meta") keys.push_back(entry.path().stem().string());
  }
  int removed = 0;
  for (const std::string& key : keys) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (active_keys_.count(key) > 0) continue;
    }
    absl::StatusOr<PartialUpload> partial = FindPartial(key);
    if (partial.ok() && partial->last_write >= cutoff) continue;
    RemovePartial(key);
    ++removed;
  }
  return removed;
}

void Spool::RemoveFile(const std::string& path) {
  if (path.empty()) return;
  std::error_code error;
  fs::remove(path, error);
}

void Spool::Release(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  active_keys_.erase(key);
}

}  // namespace vmm::server

#include "engine/weights_file.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace vmm::engine {

namespace {

constexpr char kMagic[4] = {'V', 'M', 'M', 'W'};
constexpr uint32_t kMaxStringBytes = 1 << 20;
constexpr uint32_t kMaxRank = 8;

// FNV-1a over every byte written or read, to detect corruption.
class Checksum {
 public:
  void Update(const void* data, size_t size) {
    const auto* bytes = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < size; ++i) hash_ = (hash_ ^ bytes[i]) * 1099511628211ULL;
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 1469598103934665603ULL;
};

// Appends little-endian values to a byte buffer.
class Writer {
 public:
  void Bytes(const void* data, size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    buffer_.insert(buffer_.end(), bytes, bytes + size);
  }
  template <typename T>
  void Value(T value) { Bytes(&value, sizeof(value)); }
  void String(const std::string& text) {
    Value<uint32_t>(static_cast<uint32_t>(text.size()));
    Bytes(text.data(), text.size());
  }
  const std::vector<char>& buffer() const { return buffer_; }

 private:
  std::vector<char> buffer_;
};

// Reads values back from a byte buffer, failing with a message that names the file.
class Reader {
 public:
  Reader(const std::string& path, std::vector<char> data) : path_(path), data_(std::move(data)) {}

  absl::Status Bytes(void* out, size_t size, const char* what) {
    if (size > data_.size() - offset_) {
      return absl::DataLossError(absl::StrCat("weights file '", path_, "' is truncated: ", what,
                                              " needs ", size, " bytes at offset ", offset_,
                                              ", file has ", data_.size()));
    }
    std::memcpy(out, data_.data() + offset_, size);
    checksum_.Update(data_.data() + offset_, size);
    offset_ += size;
    return absl::OkStatus();
  }
  template <typename T>
  absl::Status Value(T* out, const char* what) { return Bytes(out, sizeof(T), what); }
  absl::Status String(std::string* out, const char* what) {
    uint32_t size = 0;
    if (auto status = Value(&size, what); !status.ok()) return status;
    if (size > kMaxStringBytes) {
      return absl::DataLossError(
          absl::StrCat("weights file '", path_, "' is corrupt: ", what, " claims ", size, " bytes"));
    }
    out->resize(size);
    return Bytes(out->data(), size, what);
  }
  size_t remaining() const { return data_.size() - offset_; }
  uint64_t checksum() const { return checksum_.value(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<char> data_;
  size_t offset_ = 0;
  Checksum checksum_;
};

absl::StatusOr<std::vector<char>> ReadWholeFile(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("weights file '", path, "' is a folder, not a file"));
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("weights file '", path, "' cannot be opened"));
  std::vector<char> data;
  try {  // libstdc++ throws from the stream buffer on a failed read (EISDIR, EIO)
    data.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  } catch (const std::exception& e) {
    return absl::DataLossError(
        absl::StrCat("error reading weights file '", path, "': ", e.what()));
  }
  if (file.bad()) return absl::DataLossError(absl::StrCat("error reading weights file '", path, "'"));
  return data;
}

absl::StatusOr<WeightsHeader> ParseHeader(Reader& reader) {
  char magic[4];
  if (auto s = reader.Bytes(magic, 4, "magic"); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", reader.path(), "' is not a vmm weights file (too short)"));
  }
  if (std::memcmp(magic, kMagic, 4) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", reader.path(), "' is not a vmm weights file (no VMMW signature)"));
  }
  WeightsHeader header;
  if (auto s = reader.Value(&header.format_version, "format version"); !s.ok()) return s;
  if (header.format_version != kWeightsFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("weights file '", reader.path(), "' has format version ",
                     header.format_version, "; this build reads version ", kWeightsFormatVersion));
  }
  if (auto s = reader.String(&header.architecture, "architecture name"); !s.ok()) return s;
  if (auto s = reader.Value(&header.training_steps, "training steps"); !s.ok()) return s;
  if (auto s = reader.String(&header.description, "description"); !s.ok()) return s;
  return header;
}

}  // namespace

absl::Status SaveWeights(MagnificationNetImpl& net, const WeightsHeader& header,
                         const std::string& path) {
  Writer writer;
  writer.Bytes(kMagic, 4);
  writer.Value<uint32_t>(kWeightsFormatVersion);
  writer.String(header.architecture);
  writer.Value<int64_t>(header.training_steps);
  writer.String(header.description);
  const auto parameters = net.named_parameters(/*recurse=*/true);
  writer.Value<uint32_t>(static_cast<uint32_t>(parameters.size()));
  for (const auto& item : parameters) {
    torch::Tensor values = item.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
    writer.String(item.key());
    writer.Value<uint32_t>(static_cast<uint32_t>(values.dim()));
    for (int64_t size : values.sizes()) writer.Value<int64_t>(size);
    writer.Bytes(values.data_ptr<float>(), values.numel() * sizeof(float));
  }
  Checksum checksum;
  checksum.Update(writer.buffer().data(), writer.buffer().size());
  writer.Value<uint64_t>(checksum.value());

  const std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (!file) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot write '", temporary, "': ", std::strerror(errno)));
    }
    file.write(writer.buffer().data(), static_cast<std::streamsize>(writer.buffer().size()));
    file.flush();
    if (!file) {
      std::remove(temporary.c_str());
      return absl::DataLossError(absl::StrCat("error writing '", temporary, "'"));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    return absl::PermissionDeniedError(
        absl::StrCat("cannot rename '", temporary, "' to '", path, "': ", reason));
  }
  return absl::OkStatus();
}

absl::StatusOr<WeightsHeader> ReadWeightsHeader(const std::string& path) {
  auto data = ReadWholeFile(path);
  if (!data.ok()) return data.status();
  Reader reader(path, *std::move(data));
  return ParseHeader(reader);
}

absl::StatusOr<WeightsHeader> LoadWeights(const std::string& path, MagnificationNetImpl& net) {
  auto data = ReadWholeFile(path);
  if (!data.ok()) return data.status();
  Reader reader(path, *std::move(data));
  auto header = ParseHeader(reader);
  if (!header.ok()) return header.status();
  if (header->architecture != kArchitectureName) {
    return absl::FailedPreconditionError(
        absl::StrCat("weights file '", path, "' is for architecture '", header->architecture,
                     "', not '", kArchitectureName, "'"));
  }
  uint32_t count = 0;
  if (auto s = reader.Value(&count, "tensor count"); !s.ok()) return s;
  std::map<std::string, torch::Tensor> loaded;
  for (uint32_t i = 0; i < count; ++i) {
    std::string name;
    if (auto s = reader.String(&name, "tensor name"); !s.ok()) return s;
    uint32_t rank = 0;
    if (auto s = reader.Value(&rank, "tensor rank"); !s.ok()) return s;
    if (rank > kMaxRank) {
      return absl::DataLossError(
          absl::StrCat("weights file '", path, "' is corrupt: tensor '", name, "' has rank ", rank));
    }
    std::vector<int64_t> sizes(rank);
    int64_t numel = 1;
    for (auto& size : sizes) {
      if (auto s = reader.Value(&size, "tensor size"); !s.ok()) return s;
      if (size < 0 || size > (1 << 24)) {
        return absl::DataLossError(absl::StrCat("weights file '", path,
                                                "' is corrupt: tensor '", name, "' size ", size));
      }
      numel *= size;
    }
    if (static_cast<uint64_t>(numel) * sizeof(float) > reader.remaining()) {
      return absl::DataLossError(absl::StrCat("weights file '", path, "' is truncated: tensor '",
                                              name, "' needs ", numel * 4, " bytes, ",
                                              reader.remaining(), " left"));
    }
    torch::Tensor values = torch::empty(sizes, torch::kFloat32);
    if (auto s = reader.Bytes(values.data_ptr<float>(), numel * sizeof(float), "tensor data");
        !s.ok()) {
      return s;
    }
    loaded[name] = values;
  }
  const uint64_t computed = reader.checksum();
  uint64_t stored = 0;
  if (auto s = reader.Value(&stored, "checksum"); !s.ok()) return s;
  if (stored != computed) {
    return absl::DataLossError(
        absl::StrCat("weights file '", path, "' is corrupt: checksum mismatch"));
  }

  // Check every name and shape before changing anything.
  const auto parameters = net.named_parameters(/*recurse=*/true);
  std::vector<std::string> missing;
  for (const auto& item : parameters) {
    auto found = loaded.find(item.key());
    if (found == loaded.end()) {
      missing.push_back(item.key());
    } else if (found->second.sizes() != item.value().sizes()) {
      std::ostringstream message;
      message << "weights file '" << path << "' has tensor '" << item.key() << "' of shape "
              << found->second.sizes() << ", the network expects " << item.value().sizes();
      return absl::FailedPreconditionError(message.str());
    }
  }
  if (!missing.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("weights file '", path, "' lacks ",
                                                      missing.size(), " tensors, e.g. '",
                                                      missing.front(), "'"));
  }
  if (loaded.size() != parameters.size()) {
    return absl::FailedPreconditionError(
        absl::StrCat("weights file '", path, "' has ", loaded.size(), " tensors, the network ",
                     parameters.size()));
  }
  torch::NoGradGuard no_grad;
  for (const auto& item : parameters) {
    torch::Tensor target = item.value();
    target.copy_(loaded[item.key()]);
  }
  return *header;
}

}  // namespace vmm::engine
